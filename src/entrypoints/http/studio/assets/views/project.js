// One project: its tracks, a subtitle upload with its import report, its members and (when offered) media.

import { call, everyPage } from "../api.js";
import { announce, clear, focusHeading, formatMs, h, problemText } from "../dom.js";
import { offers } from "../features.js";
import { castPanel } from "./cast.js";
import { lexiconPanel } from "./lexicon.js";
import { membersPanel } from "./members.js";
import { subtitleSearchPanel } from "./subtitle_search.js";

function trackItem(track) {
  return h("li", {},
    h("a", { href: `#/tracks/${track.id}` }, track.label || `Track (${track.language})`),
    h("span", { class: "muted" }, ` · ${track.language} · ${track.cue_count} cues · ${formatMs(track.duration_ms)}`));
}

function importReport(track) {
  const report = track.report;
  const rows = [
    ["Format", track.source && track.source.format],
    ["Cues", track.cue_count],
    ["Duration", formatMs(track.duration_ms)],
    report && ["Encoding", `${report.encoding} (confidence ${Math.round(report.confidence * 100)} %)`],
    report && ["Skipped", String(report.skipped_total)],
    report && ["Not spoken", String(report.non_speech)],
    report && ["Speakers", report.speakers.length
      ? report.speakers.map((s) => `${s.name} (${s.cues})`).join(", ") : "none named"],
  ].filter((row) => row && row[1] !== undefined && row[1] !== null && row[1] !== "");
  const warnings = track.warnings || [];
  const skipped = report ? report.skipped : [];
  return h("section", { class: "card report", "aria-labelledby": "report-title" },
    h("h3", { id: "report-title" }, `Imported “${track.label || track.language}”`),
    h("dl", {}, rows.map(([key, value]) => [h("dt", {}, key), h("dd", {}, String(value))])),
    skipped.length > 0 && [h("p", {}, "Skipped lines:"),
      h("ul", {}, skipped.slice(0, 50).map((s) => h("li", {}, `line ${s.line}: ${s.reason}`)))],
    warnings.length
      ? [h("p", {}, `${warnings.length} repaired defect(s):`), h("ul", {}, warnings.map((w) => h("li", {}, w)))]
      : h("p", {}, "No defect found."),
    h("p", {}, h("a", { href: `#/tracks/${track.id}`, class: "button" }, "Open the cue table")));
}

function uploadForm(projectId, onUploaded) {
  const input = h("input", { id: "subtitle-file", name: "file", type: "file", required: true,
    accept: ".srt,.vtt,.ass,.ssa,text/plain,text/vtt" });
  const chosen = h("span", { class: "muted", id: "subtitle-chosen" }, "No file chosen");
  const zone = h("div", { class: "dropzone", id: "dropzone" },
    h("label", { for: "subtitle-file" }, "Subtitle file (SRT, WebVTT, ASS/SSA): drop it here or choose it"),
    input, chosen);
  let dropped = null;
  input.addEventListener("change", () => {
    dropped = null;
    chosen.textContent = input.files[0] ? input.files[0].name : "No file chosen";
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    dropped = event.dataTransfer.files[0] || null;
    chosen.textContent = dropped ? dropped.name : "No file chosen";
  });
  const error = h("p", { class: "error", role: "alert" });
  const form = h("form", { class: "card", "aria-labelledby": "upload-title" },
    h("h2", { id: "upload-title" }, "Upload subtitles"),
    zone,
    h("div", { class: "row" },
      h("p", { class: "field" }, h("label", { for: "track-language" }, "Language (e.g. en, fr)"),
        h("input", { id: "track-language", name: "language", required: true, value: "en", maxlength: 16 })),
      h("p", { class: "field" }, h("label", { for: "track-label" }, "Label (optional)"),
        h("input", { id: "track-label", name: "label", maxlength: 200 }))),
    error,
    h("button", { type: "submit" }, "Upload"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const file = dropped || input.files[0];
    if (!file) {
      error.textContent = "Choose or drop a subtitle file first.";
      return;
    }
    const body = new FormData();
    body.append("file", file, file.name);
    body.append("language", form.elements.language.value.trim());
    if (form.elements.label.value.trim()) body.append("label", form.elements.label.value.trim());
    try {
      const created = await call(`/api/v1/projects/${projectId}/tracks`, { method: "POST", form: body });
      announce(`Imported ${created.data.cue_count} cues`);
      onUploaded(created.data);
    } catch (failure) {
      error.textContent = problemText(failure);
    }
  });
  return form;
}

function mediaPanel(projectId) {
  if (!offers("/api/v1/projects/{project_id}/media", "post")) return null;
  const list = h("ul", { class: "list" });
  const error = h("p", { class: "error", role: "alert" });
  const refresh = async () => {
    const media = await everyPage(`/api/v1/projects/${projectId}/media`).catch(() => []);
    clear(list, media.map((m) => h("li", {}, `${m.role} · ${m.kind} · ${m.container} · ${formatMs(m.duration_ms || 0)}`)));
  };
  const form = h("form", { class: "card", "aria-labelledby": "media-title" },
    h("h2", { id: "media-title" }, "Original media"),
    list,
    h("p", { class: "field" }, h("label", { for: "media-file" }, "Video or audio file"),
      h("input", { id: "media-file", name: "file", type: "file", accept: "video/*,audio/*", required: true })),
    error,
    h("button", { type: "submit" }, "Upload media"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const body = new FormData(form);
    try {
      await call(`/api/v1/projects/${projectId}/media`, { method: "POST", form: body });
      announce("Media uploaded");
      await refresh();
    } catch (failure) {
      error.textContent = problemText(failure);
    }
  });
  refresh();
  return form;
}

export async function projectView(main, projectId) {
  main.dataset.view = "project";
  const [project, tracks] = await Promise.all([
    call(`/api/v1/projects/${projectId}`),
    everyPage(`/api/v1/projects/${projectId}/tracks`),
  ]);
  const list = h("ul", { class: "list", id: "tracks" }, tracks.map(trackItem));
  const reportSlot = h("div", {});
  const empty = h("p", { class: "muted", hidden: tracks.length > 0 }, "No track yet: upload a subtitle file.");
  const upload = uploadForm(projectId, (track) => {
    list.append(trackItem(track));
    empty.hidden = true;
    clear(reportSlot, importReport(track));
    reportSlot.querySelector("h3").setAttribute("tabindex", "-1");
    reportSlot.querySelector("h3").focus();
  });
  // An import runs as a job: the list is read again until a new track shows up (or patience runs out).
  const waitForTrack = async (everyMs, patienceMs) => {
    const known = new Set([...list.querySelectorAll("a")].map((a) => a.getAttribute("href")));
    for (let waited = 0; waited < patienceMs; waited += everyMs) {
      await new Promise((resolve) => { setTimeout(resolve, everyMs); });
      const fresh = (await everyPage(`/api/v1/projects/${projectId}/tracks`)).filter((t) => !known.has(`#/tracks/${t.id}`));
      if (fresh.length) {
        list.append(...fresh.map(trackItem));
        empty.hidden = true;
        return true;
      }
    }
    return false;
  };
  clear(main,
    h("p", { class: "crumbs" }, h("a", { href: "#/" }, "Projects"), " / "),
    h("h1", {}, project.data.title),
    h("p", { class: "muted" }, `Your role: ${project.data.role}`),
    h("section", { "aria-labelledby": "tracks-title" },
      h("h2", { id: "tracks-title" }, "Subtitle tracks"),
      list, empty),
    project.data.role !== "viewer" && upload,
    subtitleSearchPanel(projectId, project.data.role, waitForTrack),
    reportSlot,
    castPanel(projectId, project.data.role),
    lexiconPanel(projectId, project.data.role),
    project.data.role !== "viewer" && mediaPanel(projectId),
    membersPanel(projectId, project.data.role));
  focusHeading(main);
}
