// Sign in or create an account.

import { signIn, signUp } from "../api.js";
import { clear, focusHeading, h, problemText } from "../dom.js";

function field(prefix, label, attrs) {
  const id = `${prefix}-${attrs.name}`;
  return h("p", { class: "field" }, h("label", { for: id }, label), h("input", { id, ...attrs }));
}

function authForm({ name, title, submit, fields, action }) {
  const error = h("p", { class: "error", role: "alert" });
  const form = h("form", { class: "card", "aria-labelledby": `${name}-title`, novalidate: true },
    h("h2", { id: `${name}-title` }, title),
    fields,
    error,
    h("button", { type: "submit" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!form.reportValidity()) return;
    const values = Object.fromEntries(new FormData(form));
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await action(values);
    } catch (failure) {
      error.textContent = problemText(failure);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

export async function authView(main) {
  main.dataset.view = "auth";
  const signInForm = authForm({
    name: "signin",
    title: "Sign in",
    submit: "Sign in",
    fields: [
      field("signin", "Email", { name: "email", type: "email", autocomplete: "username", required: true }),
      field("signin", "Password", {
        name: "password", type: "password", autocomplete: "current-password", required: true,
      }),
    ],
    action: (v) => signIn(v.email, v.password),
  });
  const signUpForm = authForm({
    name: "signup",
    title: "Create an account",
    submit: "Create account",
    fields: [
      field("signup", "Your name", { name: "display_name", autocomplete: "name", required: true, maxlength: 100 }),
      field("signup", "Email", { name: "email", type: "email", autocomplete: "email", required: true }),
      field("signup", "Password (at least 12 characters)", {
        name: "password", type: "password", autocomplete: "new-password", required: true, minlength: 12,
      }),
    ],
    action: (v) => signUp(v.email, v.password, v.display_name),
  });
  clear(main,
    h("h1", {}, "Dub a video from its subtitles"),
    h("p", { class: "lead" },
      "Upload subtitles, fix a line and hear it, choose voices, render the dub and download it."),
    h("div", { class: "columns" }, signInForm, signUpForm));
  focusHeading(main);
}
