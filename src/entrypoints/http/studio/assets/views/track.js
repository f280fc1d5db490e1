// One track: the cue table with in-place edits (If-Match, never overwriting silently), previews, the fit
// check, the offline edit queue and its conflicts, and the render panel.

import { OfflineError, call, everyPage, objectUrl } from "../api.js";
import { CueTable, fitStatus } from "../cues.js";
import { announce, clear, focusHeading, formatMs, h, parseTime, problemText } from "../dom.js";
import { bodyHas, offers } from "../features.js";
import { enqueue, push, queued, queuedCount } from "../offline.js";
import { renderPanel } from "../render.js";
import { Timeline } from "../timeline.js";
import { loadVoices, parseVoiceKey, voiceKey, voiceOptions } from "../voices.js";

const CUE_PATCH = "/api/v1/tracks/{track_id}/cues/{cue_id}";
const PREVIEW = "/api/v1/tracks/{track_id}/cues/{cue_id}/preview";
const FIT_CHECK = "/api/v1/tracks/{track_id}/fit-check";

export async function trackView(main, trackId, signal) {
  main.dataset.view = "track";
  delete main.dataset.ready;
  const cues = new Map();
  const columns = {
    speaker: bodyHas(CUE_PATCH, "patch", "speaker"),
    spoken: bodyHas(CUE_PATCH, "patch", "spoken"),
    preview: offers(PREVIEW, "post"),
  };
  const table = new CueTable({
    columns,
    onEdit: (id) => edit(id).catch((e) => { tableError.textContent = problemText(e); }),
    onPreview: (id) => preview(id).catch((e) => { tableError.textContent = problemText(e); }),
    onCurrent: (id) => timeline.mark(id),
  });
  // Choosing a cue on the timeline focuses its row (shown even when the problem filter had hidden it).
  const timeline = new Timeline({
    onSelect: (id) => {
      const row = table.rows.get(id);
      if (row && row.hidden && onlyProblems.checked) {
        onlyProblems.checked = false;
        applyFilter();
      }
      table.focus(id);
      if (row) row.scrollIntoView({ block: "center" });
    },
  });
  // The table shows the first page of cues as soon as it arrives and grows as the others come.
  let firstPageShown;
  const firstPage = new Promise((resolve) => { firstPageShown = resolve; });
  const trackLoaded = call(`/api/v1/tracks/${trackId}`);
  const allCues = everyPage(`/api/v1/tracks/${trackId}/cues`, 200, (page) => {
    for (const cue of page) cues.set(cue.id, cue);
    table.append(page);
    firstPageShown();
  });
  allCues.catch(firstPageShown);
  const currentVoice = { get: () => null };
  const conflicts = h("ul", { class: "conflicts", id: "conflicts", "aria-live": "assertive" });
  const queueState = h("p", { id: "queue-state", class: "muted", role: "status" });
  const previewPlayer = h("audio", { id: "preview-player", controls: true, hidden: true, "aria-label": "Cue preview" });
  const tableError = h("p", { class: "error", role: "alert" });

  const applyPending = () => {
    const waiting = queued(trackId);
    for (const [id, change] of Object.entries(waiting)) {
      const cue = cues.get(id);
      if (cue) table.replace({ ...cue, ...change, pending: "queued offline" });
    }
    const count = Object.keys(waiting).length;
    queueState.textContent = count ? `${count} edit(s) waiting for the server` : "";
  };

  const put = (cue) => {
    cues.set(cue.id, { ...cues.get(cue.id), ...cue, pending: undefined });
    table.replace(cues.get(cue.id));
    timeline.update(cues.get(cue.id));
  };

  const conflict = (id, mine, server, why) => {
    const cue = cues.get(id);
    const number = cue ? [...cues.keys()].indexOf(id) + 1 : "?";
    const item = h("li", { class: "conflict", "data-id": id },
      h("p", {}, h("strong", {}, `Conflict on cue ${number}: `), why),
      h("p", {}, `Server: “${server ? server.text : "deleted"}”`,
        server ? ` (${formatMs(server.start_ms)} → ${formatMs(server.end_ms)})` : ""),
      h("p", {}, `Yours: “${mine.text ?? cue?.text ?? ""}”`),
      h("p", { class: "row" },
        server && h("button", {
          type: "button",
          onclick: async () => {
            try {
              await save(id, mine, server.version);
              item.remove();
            } catch (failure) {
              tableError.textContent = problemText(failure);
            }
          },
        }, "Keep mine"),
        h("button", {
          type: "button",
          onclick: () => {
            if (server) put(server);
            item.remove();
            table.focus(id);
          },
        }, "Keep the server's")));
    conflicts.append(item);
    if (server) put(server);
    announce(`Conflict on cue ${number}`);
  };

  // PATCH with If-Match; 412 → the server's version is fetched and shown next to ours.
  const save = async (id, changes, version) => {
    const saved = await call(`/api/v1/tracks/${trackId}/cues/${id}`, {
      method: "PATCH", body: changes, headers: { "If-Match": `"v${version}"` },
    });
    put(saved.data);
    return saved.data;
  };

  const flush = async () => {
    if (!queuedCount(trackId) || !navigator.onLine) return;
    try {
      const result = await push(trackId);
      if (!result) return;
      const sent = new Map(result.sent.map((change) => [change.id, change]));
      for (const rejection of result.rejected) {
        const { id: _id, updated_at: _at, deleted: _deleted, ...mine } = sent.get(rejection.id) || {};
        conflict(rejection.id, mine, rejection.server,
          `changed on the server while you were offline (${rejection.reason}).`);
      }
      await Promise.all(result.applied.map(async (id) => {
        const fresh = await call(`/api/v1/tracks/${trackId}/cues/${id}`);
        put(fresh.data);
      }));
      announce(`${result.applied.length} offline edit(s) saved`);
    } catch (failure) {
      if (!(failure instanceof OfflineError)) tableError.textContent = `Offline edits refused: ${problemText(failure)}`;
    }
    applyPending();
  };

  const edit = async (id) => {
    const cue = cues.get(id);
    const formError = h("p", { class: "error", role: "alert" });
    // The voice list can take a while on a cold server: the form opens at once and the list fills in.
    const none = "the render's (or cast's) voice";
    const voiceSelect = h("select", { id: "edit-voice", name: "voice" }, voiceOptions(cue.voice ? [cue.voice] : [], cue.voice, { none }));
    loadVoices().then((voices) => {
      const chosen = parseVoiceKey(voiceSelect.value);
      clear(voiceSelect, voiceOptions(voices, chosen, { none }));
    }).catch(() => null);
    const field = (name, label, input) => h("p", { class: "field" }, h("label", { for: `edit-${name}` }, label), input);
    const form = h("form", { class: "edit", "aria-label": `Edit cue ${[...cues.keys()].indexOf(id) + 1}` },
      h("div", { class: "row" },
        field("start", "Start", h("input", { id: "edit-start", name: "start", value: formatMs(cue.start_ms), required: true })),
        field("end", "End", h("input", { id: "edit-end", name: "end", value: formatMs(cue.end_ms), required: true })),
        columns.speaker && field("speaker", "Speaker",
          h("input", { id: "edit-speaker", name: "speaker", value: cue.speaker || "", maxlength: 100 })),
        field("voice", "Voice", voiceSelect)),
      field("text", "Text", h("textarea", { id: "edit-text", name: "text", rows: "2", required: true, maxlength: 2000 },
        cue.text)),
      columns.spoken && h("p", { class: "field" }, h("label", { class: "check" },
        h("input", { type: "checkbox", name: "spoken", checked: cue.spoken !== false }), " spoken (uncheck for sound descriptions)")),
      formError,
      h("p", { class: "row" },
        h("button", { type: "submit" }, "Save"),
        columns.preview && h("button", { type: "button", "data-role": "hear" }, "Hear this text"),
        h("button", { type: "button", "data-role": "cancel" }, "Cancel")));
    const close = table.openEditor(id, form);
    form.elements.text.focus();
    const changesOf = () => {
      const start = parseTime(form.elements.start.value);
      const end = parseTime(form.elements.end.value);
      if (Number.isNaN(start) || Number.isNaN(end)) throw new Error("Times read like 01:02.500 (minutes:seconds.milliseconds).");
      const changes = {};
      if (start !== cue.start_ms) changes.start_ms = start;
      if (end !== cue.end_ms) changes.end_ms = end;
      const text = form.elements.text.value.trim();
      if (text !== cue.text) changes.text = text;
      if (form.elements.voice.value !== voiceKey(cue.voice)) changes.voice = parseVoiceKey(form.elements.voice.value);
      if (columns.speaker && form.elements.speaker.value.trim() !== (cue.speaker || "")) {
        changes.speaker = form.elements.speaker.value.trim() || null;
      }
      if (columns.spoken && form.elements.spoken.checked !== (cue.spoken !== false)) changes.spoken = form.elements.spoken.checked;
      return changes;
    };
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    form.querySelector("[data-role=cancel]").addEventListener("click", close);
    const hear = form.querySelector("[data-role=hear]");
    if (hear) hear.addEventListener("click", () => preview(id, { text: form.elements.text.value.trim() }).catch((e) => {
      formError.textContent = problemText(e);
    }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      formError.textContent = "";
      let changes;
      try {
        changes = changesOf();
      } catch (failure) {
        formError.textContent = failure.message;
        return;
      }
      if (!Object.keys(changes).length) return close();
      const queue = () => {
        enqueue(trackId, { id, ...changes });
        close();
        applyPending();
        announce("You are offline: the edit is queued and will be sent when the server is back");
      };
      if (!navigator.onLine) return queue();
      try {
        await save(id, changes, cue.version);
        close();
        announce(`Cue ${[...cues.keys()].indexOf(id) + 1} saved`);
      } catch (failure) {
        if (failure instanceof OfflineError) return queue();
        if (failure.status === 412) {
          const server = await call(`/api/v1/tracks/${trackId}/cues/${id}`).then((r) => r.data).catch(() => null);
          close();
          conflict(id, changes, server, "someone changed it after you opened it; nothing was overwritten.");
          return;
        }
        formError.textContent = problemText(failure);
      }
    });
  };

  const preview = async (id, body = {}) => {
    const voice = currentVoice.get();
    previewPlayer.hidden = false;
    if (previewPlayer.src) URL.revokeObjectURL(previewPlayer.src);
    previewPlayer.src = await objectUrl(`/api/v1/tracks/${trackId}/cues/${id}/preview`, {
      method: "POST", body: voice ? { voice, ...body } : body,
    });
    await previewPlayer.play().catch(() => null);
  };


  const onlyProblems = h("input", { type: "checkbox", id: "only-problems" });
  const applyFilter = () => table.filter((row) => !onlyProblems.checked || row.classList.contains("problem"));
  onlyProblems.addEventListener("change", applyFilter);
  // Fits from a fit check (predicted) or a render's report (used) colour the rows; the filter is re-applied.
  const showFits = (fits, source) => {
    let problems = 0;
    for (const fit of fits) {
      const id = fit.id || fit.cue_id;
      if (!cues.has(id)) continue;
      const tagged = { ...fit, source };
      if (fitStatus(tagged).problem) problems += 1;
      put({ ...cues.get(id), fit: tagged });
    }
    applyFilter();
    return problems;
  };
  const fitButton = offers(FIT_CHECK, "post") && h("button", {
    type: "button",
    id: "fit-check",
    onclick: async () => {
      tableError.textContent = "";
      try {
        const voice = currentVoice.get();
        const answer = await call(`/api/v1/tracks/${trackId}/fit-check`, { method: "POST", body: voice ? { voice } : {} });
        const problems = showFits(answer.data.cues, "fit-check");
        announce(`Fit checked: ${problems} cue(s) sped up or overflowing`);
      } catch (failure) {
        tableError.textContent = problemText(failure);
      }
    },
  }, "Check fit");
  const renderReport = offers("/api/v1/renders/{render_id}/report") ? async (render) => {
    try {
      const rows = await everyPage(`/api/v1/renders/${render.id}/report`, 200);
      const problems = showFits(rows, "render");
      announce(`Render report: ${problems} cue(s) sped up or overflowing`);
    } catch (failure) {
      tableError.textContent = `The render's report could not be read: ${problemText(failure)}`;
    }
  } : null;

  const [track] = await Promise.all([trackLoaded, firstPage]);
  if (signal.aborted) return;
  clear(main,
    h("p", { class: "crumbs" }, h("a", { href: `#/projects/${track.data.project_id}` }, "Project"), " / "),
    h("h1", {}, track.data.label || `Track (${track.data.language})`),
    h("p", { class: "muted" }, `${track.data.language} · ${track.data.cue_count} cues · ${formatMs(track.data.duration_ms)}`),
    h("div", { class: "toolbar" },
      h("label", { class: "check" }, onlyProblems, " only cues that are sped up or overflow"),
      fitButton,
      queueState),
    previewPlayer,
    conflicts,
    tableError,
    timeline.element,
    h("div", { class: "table-wrap" }, table.help, table.element),
    renderPanel(track.data, signal, {
      currentVoice, onRendered: renderReport, onTime: (ms) => timeline.setTime(ms),
    }));
  main.dataset.ready = "cues";
  performance.mark("cue-table-interactive");
  focusHeading(main);
  try {
    await allCues;
  } catch (failure) {
    tableError.textContent = `Some cues could not be loaded: ${problemText(failure)}`;
  }
  if (signal.aborted) return;
  performance.mark("cue-table-complete");
  timeline.draw([...cues.values()]);
  performance.mark("timeline-drawn");
  main.dataset.complete = "cues";
  applyPending();

  const onOnline = () => flush();
  window.addEventListener("online", onOnline);
  const timer = setInterval(flush, 5000);
  signal.addEventListener("abort", () => {
    window.removeEventListener("online", onOnline);
    clearInterval(timer);
  }, { once: true });
  flush();
}
