// A confirmation asked in a modal <dialog>: focus moves into it, Escape
// cancels, and the answer comes back as a promise.

import { h } from "../dom.js";

/** confirmDialog resolves to true when the user confirms. */
export function confirmDialog({ title, body, confirm = "Ta bort", cancel = "Avbryt", danger = true }) {
  return new Promise((resolve) => {
    const no = h("button", { type: "button", class: "button", value: "cancel" }, cancel);
    const yes = h("button", { type: "button", class: danger ? "button danger" : "button primary", value: "confirm" }, confirm);
    const dialog = h(
      "dialog",
      { class: "dialog", "aria-labelledby": "dialog-title" },
      h("h2", { id: "dialog-title" }, title),
      ...(Array.isArray(body) ? body : [body]).map((p) => (p instanceof Node ? p : h("p", {}, p))),
      h("div", { class: "actions" }, no, yes),
    );
    const done = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    no.addEventListener("click", () => done(false));
    yes.addEventListener("click", () => done(true));
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      done(false);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    no.focus(); // the safe answer is the one Enter gives
  });
}
