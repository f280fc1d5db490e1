// The project's cast (speaker → voice, language → default voice), with a sample button per voice.

import { call, objectUrl } from "../api.js";
import { announce, clear, h, problemText } from "../dom.js";
import { offers } from "../features.js";
import { loadVoices, parseVoiceKey, voiceOptions } from "../voices.js";

export function castPanel(projectId, role) {
  if (!offers("/api/v1/projects/{project_id}/cast")) return null;
  const canEdit = role !== "viewer" && offers("/api/v1/projects/{project_id}/cast", "put");
  const withSamples = offers("/api/v1/voices/{engine}/{name}/sample");
  const body = h("div", {});
  const error = h("p", { class: "error", role: "alert" });
  const player = h("audio", { id: "sample-player", controls: true, hidden: true, "aria-label": "Voice sample" });
  const section = h("section", { class: "card", id: "cast", "aria-labelledby": "cast-title" },
    h("h2", { id: "cast-title" }, "Cast"), body, player, error);
  let etag = null;
  let cast = { speakers: {}, defaults: {} };

  const save = async () => {
    error.textContent = "";
    try {
      const saved = await call(`/api/v1/projects/${projectId}/cast`, {
        method: "PUT",
        body: { speakers: cast.speakers || {}, defaults: cast.defaults || {} },
        headers: etag ? { "If-Match": etag } : {},
      });
      etag = saved.etag;
      cast = saved.data;
      announce("Cast saved");
      await draw();
    } catch (failure) {
      error.textContent = failure.status === 412
        ? "Someone else changed the cast meanwhile: it was reloaded, choose again."
        : problemText(failure);
      if (failure.status === 412) await load();
    }
  };

  const sample = async (key) => {
    const voice = parseVoiceKey(key);
    if (!voice) return;
    player.hidden = false;
    player.src = await objectUrl(`/api/v1/voices/${encodeURIComponent(voice.engine)}/${encodeURIComponent(voice.name)}/sample`);
    await player.play().catch(() => null);
  };

  const row = (kind, name, voice, voices, index) => {
    const id = `cast-${kind}-${index}`;
    const select = h("select", { id, disabled: !canEdit }, voiceOptions(voices, voice));
    select.addEventListener("change", () => {
      cast[kind][name] = parseVoiceKey(select.value);
      save();
    });
    return h("li", { class: "row" },
      h("p", { class: "field" }, h("label", { for: id }, kind === "speakers" ? `Speaker ${name}` : `Default voice (${name})`), select),
      withSamples && h("p", { class: "field end" },
        h("button", { type: "button", "aria-label": `Hear a sample of the voice for ${name}`, onclick: () => sample(select.value) }, "Sample")),
      canEdit && h("p", { class: "field end" }, h("button", {
        type: "button",
        class: "link",
        "aria-label": `Remove ${name} from the cast`,
        onclick: () => {
          delete cast[kind][name];
          save();
        },
      }, "Remove")));
  };

  const draw = async () => {
    const voices = await loadVoices();
    const speakers = Object.entries(cast.speakers || {});
    const defaults = Object.entries(cast.defaults || {});
    const add = canEdit && h("form", { class: "row", id: "cast-add" },
      h("p", { class: "field" }, h("label", { for: "cast-new-speaker" }, "Speaker (or a language code for a default)"),
        h("input", { id: "cast-new-speaker", name: "speaker", required: true, maxlength: 100 })),
      h("p", { class: "field" }, h("label", { for: "cast-new-voice" }, "Voice"),
        h("select", { id: "cast-new-voice", name: "voice" }, voiceOptions(voices, null))),
      h("p", { class: "field end" }, h("label", { class: "check" },
        h("input", { type: "checkbox", name: "is_default" }), " language default")),
      h("p", { class: "field end" }, h("button", { type: "submit" }, "Set voice")));
    if (add) {
      add.addEventListener("submit", (event) => {
        event.preventDefault();
        const name = add.elements.speaker.value.trim();
        const kind = add.elements.is_default.checked ? "defaults" : "speakers";
        cast[kind] = { ...(cast[kind] || {}), [name]: parseVoiceKey(add.elements.voice.value) };
        save();
      });
    }
    clear(body,
      speakers.length || defaults.length
        ? h("ul", { class: "list" },
          speakers.map(([name, voice], i) => row("speakers", name, voice, voices, i)),
          defaults.map(([name, voice], i) => row("defaults", name, voice, voices, i)))
        : h("p", { class: "muted" }, "No voice chosen yet: each speaker uses the render's voice."),
      add);
  };

  const load = async () => {
    try {
      const current = await call(`/api/v1/projects/${projectId}/cast`);
      cast = { speakers: {}, defaults: {}, ...current.data };
      etag = current.etag;
    } catch (failure) {
      if (failure.status !== 404) error.textContent = problemText(failure);
    }
    await draw();
  };
  load();
  return section;
}
