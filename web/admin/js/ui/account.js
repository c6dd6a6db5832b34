// Signing in and out. The header says who is signed in; the sign-in form
// opens in a modal dialog over the page, so that a form being edited when a
// session ends stays as it was, and is saved once the user has signed in
// again.

import { h, replace, id as newID, announce } from "../dom.js";
import { gql, onSignInNeeded, GraphQLError } from "../gql.js";
import { currentUser, signedIn, forget, setUser, onSessionChange, bearer, previousUsername } from "../session.js";
import { roleLabels } from "../labels.js";
import { swedish } from "../messages.js";
import { showNotice } from "./banner.js";
import { mayLeave } from "../guard.js";

/** userFields are what the page needs to know of the signed-in user. */
const userFields = "id username displayName role municipalities { id name } institutions { id name }";

/**
 * loadSession asks the server who the stored token belongs to. A token the
 * server no longer accepts is forgotten; the page then starts signed out.
 */
export async function loadSession() {
  if (!bearer()) return;
  try {
    const data = await gql(`query Me { me { ${userFields} } }`, {}, { auth: false });
    if (data.me) setUser(data.me);
    else forget();
  } catch (e) {
    if (e instanceof GraphQLError && e.code === "UNAUTHENTICATED") {
      forget();
      showNotice("Din inloggning har gått ut. Logga in igen för att göra ändringar.");
    } else {
      throw e;
    }
  }
}

/**
 * setUpAccount fills the header's account area and keeps it current.
 * onSignedIn and onSignedOut are called after the user signs in or out
 * from the header (the page shows the view again for the new role).
 */
export function setUpAccount({ onSignedIn, onSignedOut }) {
  const area = document.getElementById("account");
  const render = (user) => {
    for (const li of document.querySelectorAll("[data-admin]")) li.hidden = user?.role !== "ADMIN";
    for (const li of document.querySelectorAll("[data-changer]")) li.hidden = user?.role !== "ADMIN" && user?.role !== "EDITOR";
    for (const li of document.querySelectorAll("[data-signed-in]")) li.hidden = !user;
    if (!user) {
      replace(
        area,
        h("button", { type: "button", class: "button primary", onclick: async () => (await askSignIn()) && onSignedIn() }, "Logga in"),
      );
      return;
    }
    replace(
      area,
      h("p", { class: "who" }, "Inloggad som ", h("strong", {}, user.displayName), ` · ${(roleLabels[user.role] || user.role).toLowerCase()}`),
      h("a", { class: "account-link", href: "#/password" }, "Byt lösenord"),
      h("button", { type: "button", class: "button", onclick: () => signOut(onSignedOut) }, "Logga ut"),
    );
  };
  onSessionChange(render);
  render(currentUser());
  onSignInNeeded((reason) => askSignIn(reason));
}

async function signOut(then) {
  if (!mayLeave()) return;
  try {
    await gql("mutation Logout { logout }", {}, { auth: false });
  } catch (e) {
    // The session has ended already, or the server is away: forgetting the
    // token signs this browser out either way.
  }
  forget();
  showNotice("Du är utloggad.");
  then();
}

let pending = null;

/**
 * askSignIn shows the sign-in form and resolves true once the user has
 * signed in, false if they cancel. Requests that need a session at the same
 * time share the one form.
 */
export function askSignIn(reason = "") {
  if (!pending) {
    pending = signInDialog(reason).finally(() => {
      pending = null;
    });
  }
  return pending;
}

const reasons = {
  expired: "Din inloggning har gått ut eller avslutats. Logga in igen för att fortsätta – det du har skrivit finns kvar.",
  required: "Logga in för att fortsätta.",
};

function signInDialog(reason) {
  return new Promise((resolve) => {
    const userID = newID("username");
    const passwordID = newID("password");
    const errorID = newID("signin-error");
    const username = h("input", { id: userID, name: "username", type: "text", autocomplete: "username", autocapitalize: "none", spellcheck: "false", required: true });
    const password = h("input", { id: passwordID, name: "password", type: "password", autocomplete: "current-password", required: true });
    const error = h("p", { id: errorID, class: "field-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "button primary" }, "Logga in");
    const cancel = h("button", { type: "button", class: "button" }, "Avbryt");
    username.value = currentUser()?.username || previousUsername();
    const form = h(
      "form",
      { class: "form signin-form", novalidate: true },
      h("div", { class: "field" }, h("label", { for: userID }, "Användarnamn"), username),
      h("div", { class: "field" }, h("label", { for: passwordID }, "Lösenord"), password),
      error,
      h("div", { class: "actions" }, submit, cancel),
    );
    const dialog = h(
      "dialog",
      { class: "dialog signin", "aria-labelledby": "signin-title" },
      h("h2", { id: "signin-title" }, "Logga in"),
      reasons[reason] ? h("p", { class: "signin-reason" }, reasons[reason]) : null,
      form,
    );
    let waitTimer = 0;
    const done = (ok) => {
      window.clearInterval(waitTimer);
      dialog.close();
      dialog.remove();
      resolve(ok);
    };
    const say = (text) => {
      error.textContent = text;
      error.hidden = !text;
      for (const input of [username, password]) {
        if (text) input.setAttribute("aria-describedby", errorID);
        else input.removeAttribute("aria-describedby");
      }
    };
    // After too many failures the server refuses for a while: the button
    // waits as long, counting down.
    const wait = (seconds) => {
      let left = seconds;
      submit.disabled = true;
      const tick = () => {
        if (left <= 0) {
          window.clearInterval(waitTimer);
          submit.disabled = false;
          submit.textContent = "Logga in";
          return;
        }
        submit.textContent = `Logga in (${left} s)`;
        left--;
      };
      tick();
      waitTimer = window.setInterval(tick, 1000);
    };
    cancel.addEventListener("click", () => done(false));
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      done(false);
    });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      say("");
      if (!username.value.trim() || !password.value) {
        say("Fyll i användarnamn och lösenord.");
        (username.value.trim() ? password : username).focus();
        return;
      }
      submit.disabled = true;
      submit.setAttribute("aria-busy", "true");
      try {
        const data = await gql(
          `mutation Login($username: String!, $password: String!) { login(username: $username, password: $password) { token } }`,
          { username: username.value.trim(), password: password.value },
          { auth: false },
        );
        // The user is asked for with the new token: the sign-in request
        // itself has none, and a private server shows its answer's
        // municipalities only to someone signed in.
        const me = await gql(`query Me { me { ${userFields} } }`, {}, { auth: false, token: data.login.token });
        signedIn(data.login.token, me.me);
        announce(`Inloggad som ${me.me.displayName}.`);
        done(true);
      } catch (err) {
        submit.disabled = false;
        if (err instanceof GraphQLError && (err.code === "UNAUTHENTICATED" || err.code === "RATE_LIMITED")) {
          say(swedish(err.message, "", err.code));
          if (err.code === "RATE_LIMITED" && err.extensions.retryAfter) wait(err.extensions.retryAfter);
          password.focus();
          password.select();
        } else if (err instanceof GraphQLError) {
          say(swedish(err.message, err.field, err.code));
        } else {
          say(err.message);
        }
      } finally {
        submit.removeAttribute("aria-busy");
      }
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    (username.value ? password : username).focus();
  });
}

/** signInPrompt is what a view that needs a session shows to someone signed out. */
export function signInPrompt(text, onSignedIn) {
  return h(
    "div",
    { class: "signin-prompt" },
    h("h1", {}, "Logga in"),
    h("p", {}, text),
    h("p", {}, h("button", { type: "button", class: "button primary", onclick: async () => (await askSignIn()) && onSignedIn() }, "Logga in")),
  );
}
