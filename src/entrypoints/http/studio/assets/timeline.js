// The cues on a time axis, one lane per speaker. One tab stop: arrow keys move between cues (left/right in
// time, up/down to the nearest cue of the next lane), Home/End jump, Enter or a click selects the cue in the
// table. Zoom changes the pixels per second.

import { formatMs, h } from "./dom.js";
import { fitStatus } from "./cues.js";

const ZOOMS = [10, 25, 50, 100, 200]; // pixels per second
const NOBODY = "no speaker";

function tickStep(pxPerSecond) {
  return [1, 2, 5, 10, 30, 60, 300].find((seconds) => seconds * pxPerSecond >= 80) || 600;
}

export class Timeline {
  constructor({ onSelect }) {
    this.onSelect = onSelect;
    this.zoom = 2;
    this.cues = [];
    this.blocks = new Map();
    this.lanes = h("div", { class: "lanes" });
    this.axis = h("div", { class: "axis", "aria-hidden": "true" });
    this.playhead = h("div", { class: "playhead", hidden: true, "aria-hidden": "true" });
    this.scroller = h("div", { class: "timeline-scroll" }, this.axis, this.lanes, this.playhead);
    this.lanes.addEventListener("keydown", (event) => this.keydown(event));
    this.lanes.addEventListener("click", (event) => {
      const block = event.target.closest("button[data-id]");
      if (block) this.select(block);
    });
    const zoomButton = (label, step) => h("button", {
      type: "button", class: "small", "aria-label": label, onclick: () => this.setZoom(this.zoom + step),
    }, step > 0 ? "+" : "−");
    this.zoomState = h("span", { class: "muted", "aria-live": "polite" });
    this.element = h("section", { class: "card", id: "timeline", "aria-labelledby": "timeline-title" },
      h("div", { class: "toolbar" },
        h("h2", { id: "timeline-title" }, "Timeline"),
        zoomButton("Zoom out", -1), zoomButton("Zoom in", +1), this.zoomState),
      h("p", { class: "muted", id: "timeline-help" },
        "Arrow keys move between cues (up and down change speaker), Enter selects the cue in the table."),
      this.scroller);
  }

  get pxPerSecond() {
    return ZOOMS[this.zoom];
  }

  setZoom(zoom) {
    const focused = this.lanes.contains(document.activeElement) ? document.activeElement.dataset.id : null;
    this.zoom = Math.max(0, Math.min(ZOOMS.length - 1, zoom));
    this.draw(this.cues);
    if (focused) this.focus(focused);
  }

  // Every cue, in table order (its number is its place in the table).
  draw(cues) {
    this.cues = cues;
    const px = this.pxPerSecond;
    const endMs = cues.reduce((end, cue) => Math.max(end, cue.end_ms), 0) + 2000;
    const width = Math.ceil((endMs / 1000) * px);
    const current = this.lanes.querySelector("button[tabindex='0']");
    const currentId = current ? current.dataset.id : null;
    const speakers = [...new Set(cues.map((cue) => cue.speaker || NOBODY))];
    this.blocks.clear();
    const lanes = speakers.map((speaker) => {
      const lane = h("div", { class: "lane", role: "group", "aria-label": `Speaker: ${speaker}`, dataset: { speaker } },
        h("span", { class: "lane-name", "aria-hidden": "true" }, speaker));
      lane.style.width = `${width}px`;
      return lane;
    });
    cues.forEach((cue, index) => {
      const block = this.block(cue, index);
      this.blocks.set(cue.id, block);
      lanes[speakers.indexOf(cue.speaker || NOBODY)].append(block);
    });
    this.lanes.replaceChildren(...lanes);
    const step = tickStep(px);
    const ticks = [];
    for (let second = 0; second * 1000 < endMs; second += step) {
      const tick = h("span", { class: "tick" }, formatMs(second * 1000).replace(/\.000$/, ""));
      tick.style.left = `${second * px}px`;
      ticks.push(tick);
    }
    this.axis.replaceChildren(...ticks);
    this.axis.style.width = `${width}px`;
    this.zoomState.textContent = `${px} px per second`;
    const start = (currentId && this.blocks.get(currentId)) || this.blocks.get(cues[0] && cues[0].id);
    if (start) start.tabIndex = 0;
  }

  block(cue, index) {
    const status = fitStatus(cue.fit);
    const who = cue.speaker || NOBODY;
    const block = h("button", {
      type: "button",
      class: `cue-block ${status.kind}`,
      tabindex: "-1",
      "aria-describedby": "timeline-help",
      "aria-label": `Cue ${index + 1}, ${who}, ${formatMs(cue.start_ms)} to ${formatMs(cue.end_ms)}`
        + `${cue.fit ? `, ${status.label}` : ""}: ${cue.text}`,
      dataset: { id: cue.id, index: String(index), start: String(cue.start_ms) },
      title: cue.text,
    }, status.problem ? status.label.slice(0, 1) : "", ` ${cue.text}`);
    const px = this.pxPerSecond;
    block.style.left = `${(cue.start_ms / 1000) * px}px`;
    block.style.width = `${Math.max(((cue.end_ms - cue.start_ms) / 1000) * px, 6)}px`;
    return block;
  }

  // One cue changed (text, timing, speaker or fit): a new speaker may need a new lane, so the axis is redrawn.
  update(cue) {
    const at = this.cues.findIndex((c) => c.id === cue.id);
    if (at < 0) return;
    const old = this.cues[at];
    this.cues[at] = cue;
    const block = this.blocks.get(cue.id);
    if ((old.speaker || NOBODY) !== (cue.speaker || NOBODY) || !block) {
      this.draw(this.cues);
      return;
    }
    const fresh = this.block(cue, at);
    fresh.tabIndex = block.tabIndex;
    fresh.classList.toggle("selected", block.classList.contains("selected"));
    const hadFocus = document.activeElement === block;
    block.replaceWith(fresh);
    this.blocks.set(cue.id, fresh);
    if (hadFocus) fresh.focus();
  }

  // Marks the cue as the current one (from the table or a click) and scrolls it into view.
  mark(id) {
    const block = this.blocks.get(id);
    if (!block) return;
    for (const other of this.lanes.querySelectorAll("button.selected")) other.classList.remove("selected");
    for (const other of this.lanes.querySelectorAll("button[tabindex='0']")) other.tabIndex = -1;
    block.classList.add("selected");
    block.tabIndex = 0;
    const left = block.offsetLeft - this.scroller.clientWidth / 3;
    this.scroller.scrollLeft = Math.max(0, left);
  }

  focus(id) {
    this.mark(id);
    const block = this.blocks.get(id);
    if (block) block.focus();
  }

  select(block) {
    this.mark(block.dataset.id);
    this.onSelect(block.dataset.id);
  }

  setTime(ms) {
    this.playhead.hidden = ms === null;
    if (ms !== null) this.playhead.style.left = `${(ms / 1000) * this.pxPerSecond}px`;
  }

  // The cue of another lane nearest in time to `block`.
  nearestIn(lane, block) {
    const at = Number(block.dataset.start);
    let best = null;
    for (const other of lane.querySelectorAll("button[data-id]")) {
      if (!best || Math.abs(Number(other.dataset.start) - at) < Math.abs(Number(best.dataset.start) - at)) best = other;
    }
    return best;
  }

  keydown(event) {
    const block = event.target.closest("button[data-id]");
    if (!block) return;
    const byTime = [...this.blocks.values()];
    const at = Number(block.dataset.index);
    const lanes = [...this.lanes.children];
    const lane = lanes.indexOf(block.parentElement);
    const moves = {
      ArrowRight: () => byTime[at + 1],
      ArrowLeft: () => byTime[at - 1],
      Home: () => byTime[0],
      End: () => byTime[byTime.length - 1],
      ArrowDown: () => lanes[lane + 1] && this.nearestIn(lanes[lane + 1], block),
      ArrowUp: () => lanes[lane - 1] && this.nearestIn(lanes[lane - 1], block),
    };
    if (event.key in moves) {
      event.preventDefault();
      const next = moves[event.key]();
      if (next) this.focus(next.dataset.id);
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      this.select(block);
    }
  }
}
