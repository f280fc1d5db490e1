// Who works on a project, and (for its owner) adding or removing editors and viewers.

import { call, everyPage } from "../api.js";
import { announce, clear, h, problemText } from "../dom.js";

export function membersPanel(projectId, role) {
  const list = h("ul", { class: "list", id: "members" });
  const error = h("p", { class: "error", role: "alert" });
  const refresh = async () => {
    const members = await everyPage(`/api/v1/projects/${projectId}/members`).catch((failure) => {
      error.textContent = problemText(failure);
      return [];
    });
    clear(list, members.map((m) => h("li", {},
      `${m.display_name} <${m.email}> · ${m.role} `,
      role === "owner" && m.role !== "owner" && h("button", {
        type: "button",
        class: "link",
        "aria-label": `Remove ${m.display_name}`,
        onclick: async () => {
          try {
            await call(`/api/v1/projects/${projectId}/members/${m.user_id}`, { method: "DELETE" });
            announce(`${m.display_name} removed`);
            await refresh();
          } catch (failure) {
            error.textContent = problemText(failure);
          }
        },
      }, "Remove"))));
  };
  const section = h("section", { class: "card", "aria-labelledby": "members-title" },
    h("h2", { id: "members-title" }, "Members"), list, error);
  if (role === "owner") {
    const form = h("form", { class: "row" },
      h("p", { class: "field" }, h("label", { for: "member-email" }, "Email of a registered user"),
        h("input", { id: "member-email", name: "email", type: "email", required: true })),
      h("p", { class: "field" }, h("label", { for: "member-role" }, "Role"),
        h("select", { id: "member-role", name: "role" },
          h("option", { value: "editor" }, "editor"), h("option", { value: "viewer" }, "viewer"))),
      h("p", { class: "field end" }, h("button", { type: "submit" }, "Add member")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.textContent = "";
      try {
        await call(`/api/v1/projects/${projectId}/members`, {
          method: "POST", body: { email: form.elements.email.value.trim(), role: form.elements.role.value },
        });
        form.reset();
        announce("Member added");
        await refresh();
      } catch (failure) {
        error.textContent = problemText(failure);
      }
    });
    section.append(form);
  }
  refresh();
  return section;
}
