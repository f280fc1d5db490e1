// Render a track: options, live progress over SSE, cancel, then play and download the result in the page.

import { call, everyPage, newKey, objectUrl, serverEvents } from "./api.js";
import { announce, clear, formatMs, h, problemText } from "./dom.js";
import { bodyHas, offers } from "./features.js";
import { followVideo } from "./playback.js";
import { defaultVoice, loadVoices, parseVoiceKey, voiceOptions } from "./voices.js";

const AUDIO_FORMATS = ["wav", "flac", "ogg", "mp3"];
const VIDEO_FORMATS = ["mkv", "mp4", "webm"];
const RENDERS = "/api/v1/tracks/{track_id}/renders";
const PLAYBACK = "/api/v1/renders/{render_id}/playback-url";

function statsText(render) {
  const s = render.stats || {};
  const parts = [
    `${s.cues ?? 0} cues`,
    `${s.synthesized ?? 0} synthesized`,
    `${s.from_cache ?? 0} from cache`,
    `${s.sped_up ?? 0} sped up`,
    `${s.truncated ?? 0} cut`,
    `${s.overlapping ?? 0} overlapping`,
  ];
  if (s.max_speed_used) parts.push(`top speed ×${Number(s.max_speed_used).toFixed(2)}`);
  return parts.join(" · ");
}

export function renderPanel(track, signal, { currentVoice, onRendered, onTime }) {
  const error = h("p", { class: "error", role: "alert" });
  const progress = h("progress", { id: "render-progress", max: "100", value: "0", "aria-labelledby": "render-state" });
  const state = h("p", { id: "render-state" }, "No render running.");
  const cancel = h("button", { type: "button", id: "render-cancel", hidden: true }, "Cancel render");
  const result = h("div", { id: "render-result" });
  const history = h("ul", { class: "list", id: "render-history" });
  const withMix = bodyHas(RENDERS, "post", "mix");
  const withMedia = bodyHas(RENDERS, "post", "media_id") && offers("/api/v1/projects/{project_id}/media");
  const voiceSelect = h("select", { id: "render-voice", name: "voice", required: true });
  const formatSelect = h("select", { id: "render-format", name: "format" },
    AUDIO_FORMATS.map((f) => h("option", { value: f }, f)));
  const mixSelect = withMix && h("select", { id: "render-mix", name: "mix" },
    h("option", { value: "voice" }, "voice only"),
    h("option", { value: "voiceover" }, "voice over the original (ducked)"),
    h("option", { value: "replace" }, "replace the dialogue"));
  const mediaSelect = withMedia && h("select", { id: "render-media", name: "media_id" },
    h("option", { value: "" }, "none"));
  const form = h("form", { class: "row", id: "render-form" },
    h("p", { class: "field" }, h("label", { for: "render-voice" }, "Voice"), voiceSelect),
    h("p", { class: "field" }, h("label", { for: "render-format" }, "Format"), formatSelect),
    mixSelect && h("p", { class: "field" }, h("label", { for: "render-mix" }, "Mix"), mixSelect),
    mediaSelect && h("p", { class: "field" }, h("label", { for: "render-media" }, "Original media"), mediaSelect),
    h("p", { class: "field end" }, h("button", { type: "submit", id: "render-start" }, "Render")));
  const section = h("section", { class: "card", id: "render", "aria-labelledby": "render-title" },
    h("h2", { id: "render-title" }, "Render"), form, h("div", { class: "progress" }, progress, state), cancel,
    error, result, h("h3", {}, "Earlier renders"), history);

  let watching = null;
  let shownUrl = null;
  const videoMedia = new Set(); // ids of the project's media that have a picture

  // The player streams the render with ranged requests through a short-lived link when the server offers
  // them (a media element cannot send the bearer header); otherwise the file is fetched whole into a blob.
  // {url, original}: `original` is the video the dub was mixed over (links only), to play beside an audio dub.
  const source = async (render, kind) => {
    if (!offers(PLAYBACK, "post")) {
      if (shownUrl) URL.revokeObjectURL(shownUrl);
      shownUrl = await objectUrl(`/api/v1/renders/${render.id}/${kind}`, { signal });
      return { url: shownUrl, original: null };
    }
    const links = (await call(`/api/v1/renders/${render.id}/playback-url`, { method: "POST", signal })).data;
    return { url: kind === "video" ? links.video_url : links.audio_url, original: links.original_url };
  };

  const show = async (render) => {
    const kind = VIDEO_FORMATS.includes(render.format) ? "video" : "audio";
    const { url, original } = await source(render, kind);
    const player = h(kind, {
      id: "render-player", controls: true, src: url, preload: "metadata",
      "aria-label": `Rendered ${kind}`, dataset: { durationMs: String(render.duration_ms ?? "") },
    });
    const overVideo = kind === "audio" && original && videoMedia.has(render.media_id);
    const video = overVideo && h("video", {
      id: "original-player", controls: true, src: original, preload: "metadata",
      "aria-label": "The original video, played with the dub below",
    });
    if (video) {
      video.muted = true;
      followVideo(video, player);
    }
    const lead = video || player;
    if (onTime) lead.addEventListener("timeupdate", () => onTime(Math.round(lead.currentTime * 1000)));
    const download = h("a", { href: url, download: `render-${render.id}.${render.format}`, class: "button", id: "render-download" },
      `Download (${render.format})`);
    // A link lasts minutes: when it has run out the player asks for a fresh one and carries on where it was.
    let renewedAt = 0;
    player.addEventListener("error", async () => {
      if (!offers(PLAYBACK, "post") || Date.now() - renewedAt < 30_000) return;
      renewedAt = Date.now();
      const at = player.currentTime;
      const fresh = await source(render, kind).catch(() => null);
      if (!fresh) return;
      player.src = fresh.url;
      download.href = fresh.url;
      player.currentTime = at;
    });
    clear(result,
      video,
      player,
      h("p", {}, `${formatMs(render.duration_ms || 0)} · ${render.format} · ${Math.round((render.size_bytes || 0) / 1024)} KiB`),
      h("p", { class: "muted" }, statsText(render)),
      h("p", {}, download));
    if (onRendered) await onRendered(render);
  };

  const refreshHistory = async () => {
    const renders = await everyPage(`/api/v1/tracks/${track.id}/renders`, 20).catch(() => []);
    clear(history, renders.slice(0, 10).map((r) => h("li", {},
      `${new Date(r.created_at).toLocaleString()} · ${r.format} · ${r.status} `,
      r.status === "succeeded" && h("button", { type: "button", class: "link", onclick: () => show(r) },
        `Play render of ${new Date(r.created_at).toLocaleTimeString()}`))));
  };

  const watch = async (render) => {
    if (watching) watching.abort();
    watching = new AbortController();
    const stop = () => watching && watching.abort();
    signal.addEventListener("abort", stop, { once: true });
    cancel.hidden = false;
    cancel.onclick = async () => {
      try {
        await call(`/api/v1/renders/${render.id}/cancel`, { method: "POST" });
      } catch (failure) {
        error.textContent = problemText(failure);
      }
    };
    let last = render;
    try {
      for await (const { event, data } of serverEvents(`/api/v1/renders/${render.id}/events`, watching.signal)) {
        last = data;
        const percent = Math.round(Number(data.progress ? data.progress.percent : 0));
        progress.value = percent;
        state.textContent = event === "progress"
          ? `Rendering: ${percent} % (${data.progress.done} of ${data.progress.total} cues)`
          : `Render ${data.status}: ${percent} %`;
        if (event !== "progress") break;
      }
    } catch (failure) {
      if (failure.name !== "AbortError") error.textContent = problemText(failure);
    } finally {
      cancel.hidden = true;
      signal.removeEventListener("abort", stop);
    }
    if (last.status === "succeeded") {
      announce("Render finished");
      await show(last);
    } else if (last.status === "failed") {
      error.textContent = `The render failed: ${problemText({ problem: last.error })}`;
    } else if (last.status === "cancelled") {
      announce("Render cancelled");
    }
    await refreshHistory();
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const body = { voice: parseVoiceKey(voiceSelect.value), format: formatSelect.value };
    if (mixSelect) body.mix = mixSelect.value;
    if (mediaSelect && mediaSelect.value) body.media_id = mediaSelect.value;
    try {
      const asked = await call(`/api/v1/tracks/${track.id}/renders`, {
        method: "POST", body, headers: { "Idempotency-Key": newKey() },
      });
      progress.value = 0;
      state.textContent = "Render queued: 0 %";
      await watch(asked.data);
    } catch (failure) {
      error.textContent = problemText(failure);
    }
  });

  (async () => {
    try {
      const voices = await loadVoices();
      clear(voiceSelect, voiceOptions(voices, defaultVoice(voices, track.language)));
      currentVoice.get = () => parseVoiceKey(voiceSelect.value);
      if (mediaSelect) {
        const media = await everyPage(`/api/v1/projects/${track.project_id}/media`).catch(() => []);
        for (const m of media) if (m.kind === "video") videoMedia.add(m.id);
        mediaSelect.append(...media.map((m) => h("option", { value: m.id }, `${m.role} ${m.kind} (${m.container})`)));
        mediaSelect.addEventListener("change", () => {
          const video = media.find((m) => m.id === mediaSelect.value && m.kind === "video");
          clear(formatSelect, [...AUDIO_FORMATS, ...(video ? VIDEO_FORMATS : [])].map((f) => h("option", { value: f }, f)));
        });
      }
    } catch (failure) {
      error.textContent = problemText(failure);
    }
    await refreshHistory();
  })();
  return section;
}
