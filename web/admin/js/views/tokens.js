// API keys and sessions, for admins: issue a read-only API key for a
// reporting tool (its token is shown once, then only its hash is kept),
// see who is signed in, and revoke either at once.

import { h, replace, dateTime, id as newID, announce } from "../dom.js";
import { gql, GraphQLError } from "../gql.js";
import { listView } from "../ui/list.js";
import { combobox } from "../ui/combobox.js";
import { confirmDialog } from "../ui/dialog.js";
import { showError, showNotice, clearBanner } from "../ui/banner.js";
import { swedish } from "../messages.js";

const userRef = {
  type: "User",
  label: (u) => u.displayName,
  fields: "displayName username",
  detail: (u) => u.username,
  search: "displayNameContainsFold",
  order: "DISPLAY_NAME",
};

const ended = (t) => t.revokedAt || (t.expiresAt && new Date(t.expiresAt) <= new Date());

function status(t) {
  if (t.revokedAt) return `Återkallad ${dateTime(t.revokedAt)}`;
  if (t.expiresAt && new Date(t.expiresAt) <= new Date()) return "Utgången";
  return "Aktiv";
}

/** revokeButton revokes the token after asking, and has its list load again. */
function revokeButton(t) {
  if (ended(t)) return "";
  // API keys and calendar feeds are revoked; sessions ended.
  const what = t.kind === "API" ? `API-nyckeln ”${t.name}”` : t.kind === "CALENDAR" ? `${t.user.displayName}s kalenderflöde` : `${t.user.displayName}s inloggning`;
  const revoked = t.kind !== "SESSION";
  const button = h("button", { type: "button", class: "button small danger" }, revoked ? "Återkalla" : "Avsluta");
  button.addEventListener("click", async () => {
    const ok = await confirmDialog({
      title: revoked ? `Återkalla ${what}?` : `Avsluta ${what}?`,
      body: revoked
        ? t.kind === "API"
          ? "Verktyg som använder nyckeln får inte längre svar. Det går inte att ångra."
          : "Kalendrar som prenumererar på flödet får inga fler datum. Det går inte att ångra."
        : t.current
          ? "Det här är din egen inloggning: du loggas ut och får logga in igen för att fortsätta."
          : "Användaren får logga in igen för att fortsätta.",
      confirm: revoked ? "Återkalla" : "Avsluta",
    });
    if (!ok) return;
    try {
      await gql(`mutation Revoke($id: ID!) { revokeToken(id: $id) { id revokedAt } }`, { id: t.id });
    } catch (e) {
      showError(e);
      return;
    }
    showNotice(revoked ? `${what[0].toUpperCase()}${what.slice(1)} ${t.kind === "CALENDAR" ? "är återkallat" : "är återkallad"}.` : `${t.user.displayName}s inloggning är avslutad.`);
    button.dispatchEvent(new Event("reload", { bubbles: true }));
  });
  return button;
}

/** tokenType describes tokens to the list view. */
export const tokenType = {
  root: "tokens",
  one: "nyckel",
  many: "Nycklar",
  columns: [
    { label: "Nyckel", value: (t) => (t.kind === "API" ? `API-nyckel: ${t.name}` : t.kind === "CALENDAR" ? "Kalenderflöde" : t.current ? "Inloggning (den här)" : "Inloggning") },
    { label: "Användare", value: (t) => h("a", { href: `#/users/${t.user.id}` }, t.user.displayName) },
    { label: "Skapad", value: (t) => dateTime(t.createdAt), order: "CREATED_AT" },
    { label: "Upphör", value: (t) => (t.expiresAt ? dateTime(t.expiresAt) : "Aldrig"), order: "EXPIRES_AT" },
    { label: "Status", value: status },
    { label: "Åtgärd", value: revokeButton },
  ],
  listFields: "kind name createdAt expiresAt revokedAt current user { id username displayName }",
  search: {
    label: "Sök namn eller användare",
    where: (term) => ({ or: [{ nameContainsFold: term }, { hasUserWith: [{ or: [{ usernameContainsFold: term }, { displayNameContainsFold: term }] }] }] }),
  },
  defaultOrder: { field: "CREATED_AT", direction: "DESC" },
};

/** tokensView lists API keys and active sessions, with the form for a new key. */
export function tokensView() {
  const now = new Date().toISOString();
  const active = { revokedAtIsNil: true, or: [{ expiresAtIsNil: true }, { expiresAtGT: now }] };
  const keys = listView({ typeName: "Token", type: tokenType, where: { kind: "API" }, title: "API-nycklar", empty: "Inga API-nycklar ännu." });
  return h(
    "div",
    { class: "tokens" },
    h("h1", {}, "API-nycklar och inloggningar"),
    h(
      "p",
      { class: "lead" },
      "En API-nyckel låter ett rapportverktyg läsa planen genom API:et (Authorization: Bearer …). Den får bara läsa, vilken roll användaren den gäller än har.",
    ),
    newKeyForm(() => keys.dispatchEvent(new Event("reload"))),
    keys,
    listView({ typeName: "Token", type: tokenType, where: { and: [{ kind: "SESSION" }, active] }, title: "Aktiva inloggningar", empty: "Ingen är inloggad." }),
  );
}

/** newKeyForm issues an API key and shows its token, once, to copy. */
function newKeyForm(onIssued) {
  const nameID = newID("key-name");
  const userID = newID("key-user");
  const expiresID = newID("key-expires");
  const errorID = newID("key-error");
  const name = h("input", { id: nameID, name: "name", type: "text", required: true, autocomplete: "off", "aria-describedby": errorID });
  const user = combobox({ ref: userRef, inputID: userID });
  const expires = h("input", { id: expiresID, name: "expiresAt", type: "date" });
  const error = h("p", { id: errorID, class: "field-error", hidden: true });
  const result = h("div", { class: "issued", hidden: true, "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "button primary" }, "Skapa API-nyckel");
  const form = h(
    "form",
    { class: "form key-form", novalidate: true },
    h("h2", {}, "Ny API-nyckel"),
    h("div", { class: "field" }, h("label", { for: nameID }, "Vad nyckeln är till"), name, h("p", { class: "hint" }, "T.ex. Kolada-export eller Power BI."), error),
    h("div", { class: "field" }, h("label", { for: userID }, "Gäller användaren"), user.el, h("p", { class: "hint" }, "Lämna tom för dig själv.")),
    h("div", { class: "field" }, h("label", { for: expiresID }, "Upphör"), expires, h("p", { class: "hint" }, "Lämna tomt för en nyckel som gäller tills den återkallas.")),
    h("div", { class: "actions" }, submit),
    result,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearBanner();
    error.hidden = true;
    if (!name.value.trim()) {
      error.textContent = "Skriv vad nyckeln är till.";
      error.hidden = false;
      name.focus();
      return;
    }
    const input = { name: name.value.trim() };
    if (user.values()[0]) input.userID = user.values()[0];
    if (expires.value) input.expiresAt = new Date(`${expires.value}T00:00:00`).toISOString();
    submit.disabled = true;
    try {
      const data = await gql(`mutation Issue($input: CreateAPITokenInput!) { createAPIToken(input: $input) { token record { id name } } }`, { input });
      showIssued(result, data.createAPIToken);
      name.value = "";
      expires.value = "";
      user.setValues([]);
      onIssued();
    } catch (err) {
      if (err instanceof GraphQLError && err.field) {
        error.textContent = swedish(err.message, err.field, err.code);
        error.hidden = false;
      } else {
        showError(err);
      }
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function showIssued(result, issued) {
  const tokenID = newID("token");
  const value = h("input", { id: tokenID, class: "token-value", type: "text", readonly: true, value: issued.token, spellcheck: "false" });
  const copied = h("span", { class: "copied", role: "status" });
  const copy = h("button", { type: "button", class: "button" }, "Kopiera");
  copy.addEventListener("click", async () => {
    value.focus();
    value.select();
    try {
      await navigator.clipboard.writeText(issued.token);
    } catch (e) {
      // No clipboard API (a page not served over HTTPS): copy the selection.
      document.execCommand("copy");
    }
    copied.textContent = "Kopierad.";
  });
  replace(
    result,
    h("h3", {}, `Nyckeln ”${issued.record.name}” är skapad`),
    h("p", { class: "warning" }, "Kopiera nyckeln nu: den visas bara den här gången. Servern sparar den inte, bara ett kontrollvärde, så den går inte att visa igen. Förvara den som ett lösenord."),
    h("div", { class: "token-row" }, h("label", { for: tokenID, class: "visually-hidden" }, "API-nyckel"), value, copy, copied),
  );
  result.hidden = false;
  value.select();
  announce("API-nyckeln är skapad. Kopiera den nu: den visas bara en gång.");
}
