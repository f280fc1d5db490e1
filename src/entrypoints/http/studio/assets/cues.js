// The cue table: one row per cue, arrow keys move between rows (one tab stop), Enter edits, P previews.

import { formatMs, h } from "./dom.js";

// A cue's fit after a fit check (predicted) or a render (used): the label carries the state in words and a
// symbol, the colour only repeats it.
export function fitStatus(fit) {
  if (!fit) return { kind: "unknown", label: "—", detail: "", problem: false };
  const speed = Number(fit.speed || 1);
  const natural = fit.predicted_ms ?? fit.natural_ms;
  const source = fit.source === "render" ? "used in the render" : "predicted";
  const detail = [
    `×${speed.toFixed(2)} ${source}`,
    natural !== undefined && natural !== null ? `speech ${(natural / 1000).toFixed(2)} s` : null,
    fit.overflow_ms > 0 ? `${fit.overflow_ms} ms past the cue` : null,
    fit.voice ? `voice ${fit.voice}` : null,
  ].filter(Boolean).join(" · ");
  if (fit.action === "truncated") return { kind: "overflows", label: "✂ cut short", detail, problem: true };
  if (fit.overflow_ms > 0) return { kind: "overflows", label: `⚠ overflows ${fit.overflow_ms} ms`, detail, problem: true };
  if (speed > 1.001) return { kind: "sped", label: `» sped up ×${speed.toFixed(2)}`, detail, problem: true };
  return { kind: "fits", label: "✓ fits", detail, problem: false };
}

function voiceLabel(voice) {
  return voice ? `${voice.name} (${voice.engine})` : "—";
}

export class CueTable {
  constructor({ columns, onEdit, onPreview, onCurrent = () => {} }) {
    this.columns = columns; // {speaker: bool, preview: bool}
    this.onEdit = onEdit;
    this.onPreview = onPreview;
    this.onCurrent = onCurrent;
    this.rows = new Map();
    this.body = h("tbody", {});
    this.body.addEventListener("keydown", (event) => this.keydown(event));
    this.body.addEventListener("focusin", (event) => {
      const row = event.target.closest("tr[data-id]");
      if (row) {
        this.makeCurrent(row);
        this.onCurrent(row.dataset.id);
      }
    });
    this.body.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      const id = button.closest("tr[data-id]").dataset.id;
      if (button.dataset.action === "edit") this.onEdit(id);
      else if (button.dataset.action === "preview") this.onPreview(id);
    });
    const headers = ["#", "Start", "End", columns.speaker && "Speaker", "Text", "Voice", "Fit", "Actions"]
      .filter(Boolean);
    this.width = headers.length;
    this.element = h("table", { class: "cues", id: "cue-table", "aria-describedby": "cue-help" },
      h("caption", {}, "Cues"),
      h("thead", {}, h("tr", {}, headers.map((label) => h("th", { scope: "col" }, label)))),
      this.body);
    this.help = h("p", { id: "cue-help", class: "muted" },
      "In the table: arrow keys move between cues, Home and End jump, Enter edits the cue",
      columns.preview ? ", P plays its preview." : ".");
  }

  // Rows for more cues, after those already shown (the table fills page by page as the cues arrive).
  append(cues) {
    const fragment = document.createDocumentFragment();
    const start = this.rows.size;
    cues.forEach((cue, offset) => {
      const row = this.row(cue, start + offset);
      this.rows.set(cue.id, row);
      fragment.append(row);
    });
    this.body.append(fragment);
    if (!this.body.querySelector("tr[tabindex='0']") && this.body.firstElementChild) {
      this.body.firstElementChild.tabIndex = 0;
    }
  }

  row(cue, index) {
    const status = fitStatus(cue.fit);
    const cells = [
      h("td", { class: "num" }, String(index + 1)),
      h("td", { class: "time" }, formatMs(cue.start_ms)),
      h("td", { class: "time" }, formatMs(cue.end_ms)),
      this.columns.speaker && h("td", { class: cue.speaker ? "" : "empty" }, cue.speaker || "—"),
      h("td", { class: "text" }, cue.text,
        cue.spoken === false && h("span", { class: "badge" }, " (not spoken)"),
        cue.pending && h("span", { class: "badge pending" }, ` (${cue.pending})`)),
      h("td", { class: cue.voice ? "" : "empty" }, voiceLabel(cue.voice)),
      h("td", { class: `fit ${status.kind}${cue.fit ? "" : " empty"}`, "data-fit": status.kind },
        status.label, status.detail && h("span", { class: "fit-detail" }, status.detail)),
      h("td", { class: "actions" },
        h("button", { type: "button", tabindex: "-1", "data-action": "edit", "aria-label": `Edit cue ${index + 1}` },
          "Edit"),
        this.columns.preview && h("button", {
          type: "button", tabindex: "-1", "data-action": "preview", "aria-label": `Preview cue ${index + 1}`,
        }, "Preview")),
    ];
    const row = h("tr", { "data-id": cue.id, tabindex: "-1", "aria-label": `Cue ${index + 1}: ${cue.text}` }, cells);
    row.dataset.index = String(index);
    row.classList.toggle("problem", status.problem);
    return row;
  }

  replace(cue) {
    const old = this.rows.get(cue.id);
    if (!old) return;
    const row = this.row(cue, Number(old.dataset.index));
    row.tabIndex = old.tabIndex;
    row.hidden = old.hidden;
    const hadFocus = old.contains(document.activeElement);
    old.replaceWith(row);
    this.rows.set(cue.id, row);
    if (hadFocus) row.focus();
  }

  makeCurrent(row) {
    for (const other of this.body.querySelectorAll("tr[tabindex='0']")) if (other !== row) other.tabIndex = -1;
    row.tabIndex = 0;
  }

  focus(id) {
    const row = this.rows.get(id);
    if (!row) return;
    this.makeCurrent(row);
    row.focus();
  }

  visibleRows() {
    return [...this.body.children].filter((row) => !row.hidden && row.dataset.id);
  }

  keydown(event) {
    const row = event.target;
    if (!(row instanceof HTMLTableRowElement) || !row.dataset.id) return;
    const rows = this.visibleRows();
    const at = rows.indexOf(row);
    const targets = {
      ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows.length - 1, PageDown: at + 10, PageUp: at - 10,
    };
    if (event.key in targets) {
      event.preventDefault();
      const next = rows[Math.max(0, Math.min(rows.length - 1, targets[event.key]))];
      if (next) {
        this.makeCurrent(next);
        next.focus();
      }
    } else if (event.key === "Enter") {
      event.preventDefault();
      this.onEdit(row.dataset.id);
    } else if ((event.key === "p" || event.key === "P") && this.columns.preview) {
      event.preventDefault();
      this.onPreview(row.dataset.id);
    }
  }

  filter(predicate) {
    for (const row of this.rows.values()) row.hidden = !predicate(row);
  }

  // The edit form takes the row's place; closing it gives the row (and the focus) back.
  openEditor(id, form) {
    const row = this.rows.get(id);
    const editor = h("tr", { class: "editor" }, h("td", { colspan: String(this.width) }, form));
    row.hidden = true;
    row.after(editor);
    return () => {
      editor.remove();
      this.rows.get(id).hidden = false;
      this.focus(id);
    };
  }
}
