// The voices every enabled engine offers, loaded once, and a labelled <select> over them.

import { everyPage } from "./api.js";
import { h } from "./dom.js";

let loading = null;

export function loadVoices() {
  if (!loading) loading = everyPage("/api/v1/voices").catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
}

export function voiceKey(voice) {
  return voice ? `${voice.engine}:${voice.name}` : "";
}

export function parseVoiceKey(key) {
  if (!key) return null;
  const at = key.indexOf(":");
  return { engine: key.slice(0, at), name: key.slice(at + 1) };
}

function label(voice) {
  const about = [voice.language, voice.tier].filter(Boolean).join(", ");
  return about ? `${voice.name} (${about})` : voice.name;
}

export function voiceOptions(voices, selected, { none } = {}) {
  const byEngine = new Map();
  for (const voice of voices) {
    if (!byEngine.has(voice.engine)) byEngine.set(voice.engine, []);
    byEngine.get(voice.engine).push(voice);
  }
  const current = voiceKey(selected);
  return [
    none ? h("option", { value: "" }, none) : null,
    [...byEngine].map(([engine, list]) => h("optgroup", { label: engine },
      list.map((v) => h("option", { value: voiceKey(v), selected: voiceKey(v) === current },
        label(v))))),
  ];
}

// A voice for the track's language: the exact tag, else its usual regional form (en → en-us, fr → fr-fr),
// else any voice of that language, else the first voice.
const USUAL_REGION = { en: "us", pt: "br", zh: "cn", es: "es" };

export function defaultVoice(voices, language) {
  const wanted = (language || "").toLowerCase();
  const primary = wanted.split(/[-_]/)[0];
  const usual = `${primary}-${USUAL_REGION[primary] || primary}`;
  const lang = (v) => v.language.toLowerCase();
  return voices.find((v) => lang(v) === wanted)
    || voices.find((v) => lang(v) === usual)
    || voices.find((v) => lang(v).split(/[-_]/)[0] === primary)
    || voices[0] || null;
}
