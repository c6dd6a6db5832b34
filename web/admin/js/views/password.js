// The signed-in user changes their own password. The server signs out the
// user's other sessions; this one goes on.

import { h, id as newID, announce } from "../dom.js";
import { gql, GraphQLError } from "../gql.js";
import { currentUser } from "../session.js";
import { showError, showNotice, clearBanner } from "../ui/banner.js";
import { swedish } from "../messages.js";
import { setLeaveGuard } from "../guard.js";

/** passwordView is the form that changes the signed-in user's password. */
export function passwordView() {
  const rows = {};
  const field = (name, label, autocomplete, hint = "") => {
    const inputID = newID(name);
    const errorID = newID("error");
    const hintID = hint ? newID("hint") : null;
    const input = h("input", { id: inputID, name, type: "password", autocomplete, required: true, "aria-describedby": [hintID, errorID].filter(Boolean).join(" ") });
    const error = h("p", { id: errorID, class: "field-error", hidden: true });
    const row = h("div", { class: "field" }, h("label", { for: inputID }, label, h("span", { class: "required", "aria-hidden": "true" }, " *")), input, hint ? h("p", { id: hintID, class: "hint" }, hint) : null, error);
    rows[name] = {
      input,
      setError(text) {
        error.textContent = text;
        error.hidden = !text;
        row.classList.toggle("invalid", Boolean(text));
        if (text) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      },
    };
    return row;
  };
  const submit = h("button", { type: "submit", class: "button primary" }, "Byt lösenord");
  const form = h(
    "form",
    { class: "form", novalidate: true },
    field("currentPassword", "Nuvarande lösenord", "current-password"),
    field("newPassword", "Nytt lösenord", "new-password", "Minst 10 tecken. Dina andra inloggningar loggas ut."),
    field("repeatPassword", "Upprepa det nya lösenordet", "new-password"),
    h("div", { class: "actions" }, submit, h("a", { class: "button", href: "#/" }, "Avbryt")),
  );
  setLeaveGuard(() => Object.values(rows).some((r) => r.input.value !== ""));

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearBanner();
    for (const r of Object.values(rows)) r.setError("");
    const fail = (name, text) => {
      rows[name].setError(text);
      rows[name].input.focus();
      announce(text);
    };
    const { currentPassword, newPassword, repeatPassword } = Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, r.input.value]));
    if (!currentPassword) return fail("currentPassword", "Fyll i ditt nuvarande lösenord.");
    if (!newPassword) return fail("newPassword", "Fyll i ett nytt lösenord.");
    if (newPassword !== repeatPassword) return fail("repeatPassword", "Lösenorden är inte lika.");
    submit.disabled = true;
    try {
      await gql(`mutation ChangePassword($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) }`, { current: currentPassword, next: newPassword });
      setLeaveGuard(null);
      for (const r of Object.values(rows)) r.input.value = "";
      showNotice("Lösenordet är bytt. Dina andra inloggningar är utloggade.");
    } catch (err) {
      if (err instanceof GraphQLError && rows[err.field]) fail(err.field, swedish(err.message, err.field, err.code));
      else showError(err);
    } finally {
      submit.disabled = false;
    }
  });

  const u = currentUser();
  return h(
    "div",
    { class: "form-page" },
    h("h1", {}, "Byt lösenord"),
    h("p", { class: "lead" }, `För ${u.displayName} (${u.username}).`),
    form,
  );
}
