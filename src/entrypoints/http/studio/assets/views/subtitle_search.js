// Find subtitles on OpenSubtitles and import one as a new track (shown only when the server has the provider).

import { call } from "../api.js";
import { announce, clear, h, problemText } from "../dom.js";
import { offers, providerEnabled } from "../features.js";

const SEARCH = "/api/v1/subtitle-search";
const IMPORTS = "/api/v1/projects/{project_id}/track-imports";
const POLL_MS = 2000;
const PATIENCE_MS = 120_000;

function hitText(hit) {
  const parts = [
    hit.language,
    hit.fps ? `${hit.fps} fps` : null,
    `${hit.download_count} downloads`,
    hit.hearing_impaired ? "hearing impaired" : null,
    hit.uploaded_at ? `uploaded ${hit.uploaded_at.slice(0, 10)}` : null,
  ];
  return parts.filter(Boolean).join(" · ");
}

// `waitForTrack()` resolves true once the project has one more track than before the import.
export function subtitleSearchPanel(projectId, role, waitForTrack) {
  if (role === "viewer" || !offers(SEARCH) || !offers(IMPORTS, "post")) return null;
  const results = h("ul", { class: "list", id: "search-results" });
  const error = h("p", { class: "error", role: "alert" });
  const state = h("p", { class: "muted", id: "search-state", role: "status" });
  const form = h("form", { class: "row", id: "search-form" },
    h("p", { class: "field" }, h("label", { for: "search-query" }, "Film or episode title"),
      h("input", { id: "search-query", name: "query", required: true, maxlength: 200 })),
    h("p", { class: "field" }, h("label", { for: "search-languages" }, "Languages (e.g. en,fr)"),
      h("input", { id: "search-languages", name: "languages", value: "en", maxlength: 100 })),
    h("p", { class: "field end" }, h("button", { type: "submit" }, "Search")));
  const section = h("section", { class: "card", id: "subtitle-search", "aria-labelledby": "search-title", hidden: true },
    h("h2", { id: "search-title" }, "Import from OpenSubtitles"), form, state, error, results);

  const importHit = async (hit, button) => {
    error.textContent = "";
    button.disabled = true;
    try {
      await call(`/api/v1/projects/${projectId}/track-imports`, {
        method: "POST", body: { provider: hit.provider, file_id: hit.file_id, language: hit.language || "en" },
      });
      state.textContent = `Importing “${hit.release || hit.file_name || hit.file_id}”: the track appears when it is fetched.`;
      const arrived = await waitForTrack(POLL_MS, PATIENCE_MS);
      state.textContent = arrived ? "Imported: the new track is listed above." : "The import is still running.";
      announce(state.textContent);
    } catch (failure) {
      error.textContent = problemText(failure);
    } finally {
      button.disabled = false;
    }
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const query = new URLSearchParams({ query: form.elements.query.value.trim() });
    if (form.elements.languages.value.trim()) query.set("languages", form.elements.languages.value.trim());
    state.textContent = "Searching…";
    try {
      const page = await call(`${SEARCH}?${query}`);
      state.textContent = `${page.data.length} result(s)`;
      clear(results, page.data.map((hit) => {
        const name = hit.release || hit.file_name || `file ${hit.file_id}`;
        const button = h("button", { type: "button", class: "small", "aria-label": `Import ${name}` }, "Import");
        button.addEventListener("click", () => importHit(hit, button));
        return h("li", {}, h("strong", {}, name), " ", h("span", { class: "muted" }, hitText(hit)), " ", button);
      }));
    } catch (failure) {
      state.textContent = "";
      error.textContent = problemText(failure);
    }
  });
  providerEnabled("opensubtitles").then((enabled) => { section.hidden = !enabled; });
  return section;
}
