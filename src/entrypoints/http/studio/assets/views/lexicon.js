// The project's pronunciation lexicon: words and how to say them (respelled text or IPA), saved with If-Match.

import { call } from "../api.js";
import { announce, clear, h, problemText } from "../dom.js";
import { offers } from "../features.js";

const LEXICON = "/api/v1/projects/{project_id}/lexicon";
const BLANK = { match: "", replace: "", kind: "text", case_sensitive: false, whole_word: true };

function entryRow(entry, index, canEdit, onRemove) {
  const id = (name) => `lexicon-${name}-${index}`;
  const input = (name, label, attrs) => h("p", { class: "field" },
    h("label", { for: id(name) }, label), h("input", { id: id(name), name, disabled: !canEdit, ...attrs }));
  const check = (name, label) => h("p", { class: "field end" }, h("label", { class: "check" },
    h("input", { type: "checkbox", name, checked: entry[name], disabled: !canEdit }), ` ${label}`));
  return h("li", { class: "row lexicon-entry", "data-index": String(index) },
    input("match", `Word ${index + 1}`, { value: entry.match, required: true, maxlength: 100 }),
    input("replace", "Say it as", { value: entry.replace, required: true, maxlength: 300 }),
    h("p", { class: "field" }, h("label", { for: id("kind") }, "Written as"),
      h("select", { id: id("kind"), name: "kind", disabled: !canEdit },
        h("option", { value: "text", selected: entry.kind === "text" }, "respelling"),
        h("option", { value: "ipa", selected: entry.kind === "ipa" }, "IPA"))),
    check("case_sensitive", "match case"),
    check("whole_word", "whole word"),
    canEdit && h("p", { class: "field end" }, h("button", {
      type: "button", class: "link", "aria-label": `Remove word ${index + 1}`, onclick: () => onRemove(index),
    }, "Remove")));
}

function readEntries(list) {
  return [...list.querySelectorAll("li.lexicon-entry")].map((row) => {
    const value = (name) => row.querySelector(`[name=${name}]`);
    return {
      match: value("match").value.trim(),
      replace: value("replace").value.trim(),
      kind: value("kind").value,
      case_sensitive: value("case_sensitive").checked,
      whole_word: value("whole_word").checked,
    };
  });
}

export function lexiconPanel(projectId, role) {
  if (!offers(LEXICON)) return null;
  const canEdit = role !== "viewer" && offers(LEXICON, "put");
  const list = h("ul", { class: "list", id: "lexicon-entries" });
  const error = h("p", { class: "error", role: "alert" });
  const empty = h("p", { class: "muted" }, "No word yet: every word is said as the voice reads it.");
  const form = h("form", { id: "lexicon-form", "aria-labelledby": "lexicon-title", novalidate: true },
    list, empty, error,
    canEdit && h("p", { class: "row" },
      h("button", { type: "button", id: "lexicon-add", onclick: () => draw([...readEntries(list), { ...BLANK }], true) },
        "Add a word"),
      h("button", { type: "submit", id: "lexicon-save" }, "Save lexicon")));
  const section = h("section", { class: "card", id: "lexicon", "aria-labelledby": "lexicon-title" },
    h("h2", { id: "lexicon-title" }, "Pronunciation lexicon"), form);
  let etag = null;

  const draw = (entries, focusLast = false) => {
    const remove = (index) => draw(readEntries(list).filter((_, at) => at !== index));
    clear(list, entries.map((entry, index) => entryRow(entry, index, canEdit, remove)));
    empty.hidden = entries.length > 0;
    if (focusLast && entries.length) list.lastElementChild.querySelector("input").focus();
  };

  const load = async () => {
    try {
      const current = await call(`/api/v1/projects/${projectId}/lexicon`);
      etag = current.etag;
      draw(current.data.entries);
    } catch (failure) {
      error.textContent = problemText(failure);
    }
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const entries = readEntries(list).filter((entry) => entry.match || entry.replace);
    try {
      const saved = await call(`/api/v1/projects/${projectId}/lexicon`, {
        method: "PUT", body: { entries }, headers: etag ? { "If-Match": etag } : {},
      });
      etag = saved.etag;
      draw(saved.data.entries);
      announce(`Lexicon saved: ${saved.data.entries.length} word(s)`);
    } catch (failure) {
      if (failure.status === 412) {
        await load();
        error.textContent = "Someone else changed the lexicon meanwhile: it was reloaded, nothing was overwritten.";
      } else {
        error.textContent = problemText(failure);
      }
    }
  });
  load();
  return section;
}
