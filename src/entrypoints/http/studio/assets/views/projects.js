// The caller's projects and a form to start one.

import { call, everyPage } from "../api.js";
import { announce, clear, focusHeading, h, problemText } from "../dom.js";
import { providerEnabled } from "../features.js";

function projectItem(project) {
  const video = project.video && project.video.title ? ` · ${project.video.title}` : "";
  return h("li", {},
    h("a", { href: `#/projects/${project.id}` }, project.title),
    h("span", { class: "muted" }, ` · ${project.role}${video}`));
}

export async function projectsView(main) {
  main.dataset.view = "projects";
  const [projects, withVideo] = await Promise.all([everyPage("/api/v1/projects", 50), providerEnabled("dailymotion")]);
  const list = h("ul", { class: "list", id: "projects" }, projects.map(projectItem));
  const error = h("p", { class: "error", role: "alert" });
  const form = h("form", { class: "card", "aria-labelledby": "new-project-title" },
    h("h2", { id: "new-project-title" }, "New project"),
    h("p", { class: "field" },
      h("label", { for: "project-title" }, "Title"),
      h("input", { id: "project-title", name: "title", required: true, maxlength: 200 })),
    withVideo && h("p", { class: "field" },
      h("label", { for: "project-video" }, "Dailymotion video id or link (optional)"),
      h("input", { id: "project-video", name: "video", inputmode: "url" })),
    error,
    h("button", { type: "submit" }, "Create project"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const title = form.elements.title.value.trim();
    const videoText = form.elements.video ? form.elements.video.value.trim() : "";
    const body = { title };
    if (videoText) body.video = { provider: "dailymotion", id: videoText.split("/").pop().split("?")[0] };
    try {
      const created = await call("/api/v1/projects", { method: "POST", body });
      announce(`Project ${created.data.title} created`);
      location.hash = `#/projects/${created.data.id}`;
    } catch (failure) {
      error.textContent = problemText(failure);
    }
  });
  clear(main,
    h("h1", {}, "Projects"),
    projects.length ? list : h("p", { class: "muted" }, "No project yet: create one below."),
    form);
  focusHeading(main);
}
