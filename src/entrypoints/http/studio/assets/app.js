// Boot, the session bar and the hash router (#/, #/projects/<id>, #/tracks/<id>).

import { onSessionChange, restoreSession, signOut, signedIn } from "./api.js";
import { clear, h } from "./dom.js";
import { loadFeatures } from "./features.js";
import { authView } from "./views/auth.js";
import { projectView } from "./views/project.js";
import { projectsView } from "./views/projects.js";
import { trackView } from "./views/track.js";

const main = document.getElementById("main");
let leaving = null; // the current view's clean-up (aborts its streams)

function sessionBar() {
  const nav = document.getElementById("session");
  if (!signedIn()) return clear(nav);
  return clear(nav,
    h("a", { href: "#/" }, "Projects"),
    h("button", {
      type: "button",
      class: "link",
      onclick: async () => {
        await signOut();
        location.hash = "#/";
      },
    }, "Sign out"));
}

async function route() {
  if (leaving) leaving();
  leaving = null;
  const hash = location.hash;
  if (hash && !hash.startsWith("#/")) return; // in-page anchors such as the skip link
  delete main.dataset.ready;
  delete main.dataset.complete;
  const controller = new AbortController();
  leaving = () => controller.abort();
  if (!signedIn()) {
    await authView(main);
    return;
  }
  const [, kind, id] = /^#\/(?:(projects|tracks)\/([\w-]+))?/.exec(hash || "#/") || [];
  if (kind === "projects") await projectView(main, id, controller.signal);
  else if (kind === "tracks") await trackView(main, id, controller.signal);
  else await projectsView(main);
}

async function boot() {
  await Promise.all([loadFeatures(), restoreSession()]);
  onSessionChange((isSignedIn) => {
    sessionBar();
    if (!isSignedIn || main.dataset.view === "auth") route();
  });
  sessionBar();
  window.addEventListener("hashchange", route);
  await route();
}

boot().catch((error) => {
  clear(main, h("p", { role: "alert" }, `The studio could not start: ${error.message}`));
});
