// Small DOM helpers: element builder, time formatting, announcements.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "value" || key === "checked" || key === "selected") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export function formatMs(ms) {
  const sign = ms < 0 ? "-" : "";
  ms = Math.abs(Math.round(ms));
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  const millis = ms % 1000;
  const mm = String(minutes).padStart(2, "0");
  const ss = String(seconds).padStart(2, "0");
  const mmm = String(millis).padStart(3, "0");
  return `${sign}${hours ? `${hours}:` : ""}${mm}:${ss}.${mmm}`;
}

// "1:02:03.450", "02:03.450", "3.45" or "3450ms" → milliseconds; NaN when unreadable.
export function parseTime(text) {
  const value = String(text).trim();
  if (/^\d+ms$/.test(value)) return Number(value.slice(0, -2));
  const match = /^(?:(?:(\d+):)?(\d{1,2}):)?(\d{1,2})(?:[.,](\d{1,3}))?$/.exec(value);
  if (!match) return Number.NaN;
  const [, hours = "0", minutes = "0", seconds, fraction = "0"] = match;
  return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + Number(fraction.padEnd(3, "0"));
}

export function announce(message) {
  const status = document.getElementById("status");
  status.textContent = "";
  // A fresh text node makes screen readers announce a repeated message too.
  requestAnimationFrame(() => { status.textContent = message; });
}

export function problemText(error) {
  const problem = error && error.problem;
  if (!problem) return error && error.message ? error.message : String(error);
  const fields = (problem.errors || []).map((e) => `${e.field}: ${e.message}`);
  return [problem.detail || problem.title, ...fields].filter(Boolean).join(" — ");
}

export function focusHeading(root) {
  const heading = root.querySelector("h1, h2");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
}
