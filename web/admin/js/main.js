// The admin page: a client of the public GraphQL API and nothing else.
// Addresses are hashes (#/activities/123) so that every view has a link,
// the back button works and the server serves one file.

import { h, replace } from "./dom.js";
import { gql } from "./gql.js";
import { types, typeByRoute, words } from "./types.js";
import { listView } from "./ui/list.js";
import { formView, editQuery } from "./ui/form.js";
import { detailView } from "./views/detail.js";
import { nextPeriodView } from "./views/nextperiod.js";
import { asOfView } from "./views/asof.js";
import { dueView } from "./views/due.js";
import { yearlyReportView } from "./views/yearlyreport.js";
import { dashboardView } from "./views/dashboard.js";
import { showError, clearBannerUnlessFor, keepBannerFor } from "./ui/banner.js";
import { mayLeave, setLeaveGuard } from "./guard.js";
import { loadSession, setUpAccount, signInPrompt } from "./ui/account.js";
import { passwordView } from "./views/password.js";
import { tokensView } from "./views/tokens.js";
import { auditView } from "./views/audit.js";
import { valuesView } from "./views/values.js";
import { importView } from "./views/import.js";
import { currentUser } from "./session.js";
import { roleLabels } from "./labels.js";
import { swedish } from "./messages.js";
import { may, isAdmin, activityInScope } from "./access.js";
import { shownAddress, setShownAddress } from "./address.js";
import { forgetAll } from "./live.js";

const main = document.getElementById("main");
let current = location.hash;

window.addEventListener("hashchange", () => {
  // A list keeps its state in the address without a hashchange (see
  // address.js): the view shown is the one it recorded.
  if (location.hash === shownAddress()) return;
  if (!mayLeave()) {
    // Stay: put the address back without showing the view again.
    history.replaceState(null, "", shownAddress());
    return;
  }
  render();
});

// A view whose record changed under it (a change reverted from its
// history) asks to be shown again.
window.addEventListener("rerender", () => render());

// Views only signed-in users (or admins) reach; signing out leaves them.
const signedInViews = ["password", "tokens", "audit", "users", "values", "import"];

setUpAccount({
  onSignedIn: () => render(),
  onSignedOut: () => {
    const first = location.hash.replace(/^#\/?/, "").split(/[/?]/)[0];
    if (signedInViews.includes(first) || /\/(new|edit)\b/.test(location.hash)) {
      keepBannerFor("#/"); // "Du är utloggad."
      location.hash = "#/";
    } else {
      render();
    }
  },
});

start();

async function start() {
  try {
    await loadSession();
  } catch (e) {
    showError(e); // the server is away: the view will say so too
  }
  render();
}

async function render() {
  current = location.hash;
  setShownAddress(current);
  setLeaveGuard(null);
  forgetAll(); // the view shown follows what it shows (live.js)
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean);
  const params = new URLSearchParams(query);
  const typeName = parts[0] ? typeByRoute(parts[0]) : null;
  highlightNav(parts[0] === "values" ? "indicators" : parts[0] || "");
  // A message belongs to the view it was shown on, or to the one it was
  // meant for ("Uppföljning skapad." on the activity it was added to):
  // any other view starts without it.
  clearBannerUnlessFor(current);
  main.setAttribute("aria-busy", "true");
  try {
    let view, title;
    if (parts.length === 0) {
      [view, title] = [home(), "Översikt"];
    } else if (parts[0] === "dashboard") {
      [view, title] = [await dashboardView(params), "Lägesbild"];
    } else if (parts[0] === "due") {
      [view, title] = currentUser() ? [await dueView(params), "Att göra"] : [signInPrompt("Logga in för att se vad du har att göra.", render), "Logga in"];
    } else if (parts[0] === "password") {
      [view, title] = currentUser() ? [passwordView(), "Byt lösenord"] : [signInPrompt("Logga in för att byta ditt lösenord.", render), "Logga in"];
    } else if (parts[0] === "values") {
      [view, title] = entersValues() || [await valuesView(params), "Mata in värden"];
    } else if (parts[0] === "import") {
      [view, title] = mayImport() || [await importView(), "Importera från Excel"];
    } else if (parts[0] === "tokens" || parts[0] === "audit") {
      [view, title] = adminOnly() || (parts[0] === "tokens" ? [tokensView(), "API-nycklar och inloggningar"] : [auditView(params), "Ändringslogg"]);
    } else if (!typeName) {
      [view, title] = [notFound(), "Sidan finns inte"];
    } else if (types[typeName].adminOnly && adminOnly()) {
      [view, title] = adminOnly();
    } else if (parts.length === 1) {
      // An editor adds follow-ups (to the activities of its scope) from the list too.
      const newLink = may("create", typeName, { inScope: typeName === "FollowUp" }) ? `#/${parts[0]}/new` : null;
      const bulk = may("update", typeName, { inScope: true }); // an editor's rows outside its scope are refused one by one
      const list = listView({ typeName, title: types[typeName].many, newLink, level: 1, address: `#/${parts[0]}`, params, bulk, download: true });
      // The indicators' values are entered a year at a time, in one form.
      const enter = typeName === "Indicator" && may("enter", "IndicatorValue") ? h("p", { class: "page-links" }, h("a", { class: "button primary", href: "#/values" }, "Mata in värden")) : null;
      [view, title] = [enter ? h("div", {}, enter, list) : list, types[typeName].many];
    } else if (parts[1] === "new") {
      [view, title] = (await refused("create", typeName, params.get("activityID"))) || [await createPage(typeName, params), words(types[typeName]).new];
    } else if (typeName === "Plan" && parts[2] === "asof") {
      [view, title] = adminOnlyTo("se planen som den var") || [await asOfView(parts[1], params.get("date"), params.get("at")), "Planen som den var"];
    } else if (typeName === "Plan" && parts[2] === "next") {
      [view, title] = adminOnlyTo("starta nästa period") || [await nextPeriodView(parts[1]), "Starta nästa period"];
    } else if (typeName === "Plan" && parts[2] === "report") {
      [view, title] = await yearlyReportView(parts[1], parts[3]);
    } else if (parts[2] === "edit") {
      [view, title] = (await refused("update", typeName, typeName === "Activity" ? parts[1] : null, parts[1])) || (await editPage(typeName, parts[1]));
    } else {
      view = await detailView(typeName, parts[1]);
      title = view.querySelector("h1")?.textContent || types[typeName].one;
    }
    if (location.hash !== current) return; // the user went on meanwhile
    replace(main, view);
    setShownAddress(current); // which address the page shows, for tests and styles
    document.title = `${title} – Samverkan`;
    const heading = main.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
    window.scrollTo(0, 0);
  } catch (e) {
    if (e.code === "UNAUTHENTICATED") {
      // A private server, and the user would not sign in (yet).
      replace(main, signInPrompt(swedish(e.message, "", e.code), render));
      setShownAddress(current);
      return;
    }
    if (e.code === "NOT_FOUND") replace(main, notFound());
    else replace(main, h("p", { class: "muted" }, "Sidan kunde inte visas."));
    showError(e);
  } finally {
    main.removeAttribute("aria-busy");
  }
}

/** entersValues is what the values form shows to someone who may not enter values, or null for an admin or editor. */
function entersValues() {
  if (!currentUser()) return [signInPrompt("Logga in för att mata in värden.", render), "Logga in"];
  if (may("enter", "IndicatorValue")) return null;
  return [forbidden(`Din roll (${roleName()}) får inte mata in värden: det gör administratörer, och redaktörer för kommunerna i sitt ansvarsområde.`), "Ingen behörighet"];
}

/** adminOnlyTo is what a form only admins may use shows to anyone else, or null for an admin. */
function adminOnlyTo(doing) {
  if (isAdmin()) return null;
  if (!currentUser()) return [signInPrompt(`Logga in som administratör för att ${doing}.`, render), "Logga in"];
  return [forbidden(`Bara administratörer får ${doing}.`), "Ingen behörighet"];
}

/** adminOnly is what a view for admins shows to anyone else, or null for an admin. */
function adminOnly() {
  if (isAdmin()) return null;
  if (!currentUser()) return [signInPrompt("Logga in som administratör för att se det här.", render), "Logga in"];
  return [forbidden("Bara administratörer ser och ändrar användare, API-nycklar och ändringsloggen."), "Ingen behörighet"];
}

/**
 * mayImport is what the import shows to someone who may not import, or
 * null for an admin or an editor (whose rows the server judges one by one,
 * as it would the editor's forms).
 */
function mayImport() {
  if (!currentUser()) return [signInPrompt("Logga in för att importera.", render), "Logga in"];
  if (isAdmin() || currentUser().role === "EDITOR") return null;
  return [forbidden("Bara administratörer och redaktörer importerar."), "Ingen behörighet"];
}

/**
 * refused is what a form shows to someone who may not use it, or null.
 * For an editor, activityID names the activity whose scope decides (the
 * activity edited, or the one a follow-up is added to); for a follow-up
 * edited, id is the follow-up's.
 */
async function refused(action, typeName, activityID, id = null) {
  const type = types[typeName];
  const doing = action === "create" ? `skapa ${type.one}` : `ändra ${type.one}`;
  if (!currentUser()) return [signInPrompt(`Logga in för att ${doing}.`, render), "Logga in"];
  let inScope = false;
  if (typeName === "FollowUp" && id) {
    const data = await gql(`query Of($id: ID!) { node(id: $id) { ... on FollowUp { activity { id } } } }`, { id });
    activityID = data.node?.activity?.id;
  }
  if (typeName === "FollowUp" && action === "create" && !activityID) inScope = currentUser().role === "EDITOR";
  else if (activityID) inScope = await activityInScope(activityID);
  if (may(action, typeName, { inScope })) return null;
  return [forbidden(`Din roll (${roleName()}) får inte ${doing}${typeName === "Activity" || typeName === "FollowUp" ? " här: en redaktör ändrar bara aktiviteter som kommunerna och aktörerna i redaktörens ansvarsområde deltar i, och deras uppföljningar" : ""}.`), "Ingen behörighet"];
}

function roleName() {
  return (roleLabels[currentUser()?.role] || "").toLowerCase();
}

function forbidden(text) {
  return h("div", { class: "forbidden" }, h("h1", {}, "Ingen behörighet"), h("p", {}, text), h("p", {}, h("a", { href: "#/" }, "Till översikten")));
}

function highlightNav(route) {
  for (const a of document.querySelectorAll("[data-nav]")) {
    if (a.dataset.nav === route) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

function home() {
  return h(
    "div",
    { class: "home" },
    h("h1", {}, "Kulturplanen"),
    h(
      "p",
      { class: "lead" },
      "Handlingsplaner för kultursamverkan mellan regionen och kommunerna: utvecklingsmål, rubriker, prioriterade aktiviteter och uppföljningar. ",
      h("a", { href: "#/dashboard" }, "Se hur planen följs upp"),
      ".",
    ),
    listView({ typeName: "Plan", title: "Handlingsplaner", newLink: may("create", "Plan") ? "#/plans/new" : null, compact: true }),
  );
}

function notFound() {
  return h("div", {}, h("h1", {}, "Hittades inte"), h("p", {}, "Det du letar efter finns inte, eller har tagits bort. "), h("p", {}, h("a", { href: "#/" }, "Till översikten")));
}

async function createPage(typeName, params) {
  const type = types[typeName];
  const preset = Object.fromEntries(params.entries());
  const refPresets = {};
  const limits = {};
  for (const f of type.fields) {
    if (f.kind === "ref" && preset[f.name]) {
      const data = await gql(`query Ref($id: ID!) { node(id: $id) { id ... on ${f.ref.type} { ${f.ref.fields} } } }`, { id: preset[f.name] });
      refPresets[f.name] = { id: data.node.id, label: f.ref.label(data.node) };
    }
  }
  let context = null;
  if (typeName === "Activity" && preset.goalID && !preset.objectiveID) {
    // Created from a goal: the heading is chosen among the goal's.
    limits.objectiveID = { hasGoalWith: [{ id: preset.goalID }] };
    const data = await gql(`query Goal($id: ID!) { node(id: $id) { ... on Goal { number title area } } }`, { id: preset.goalID });
    context = h("p", { class: "lead" }, `Under ${types.Goal.title(data.node)}.`);
  }
  if (typeName === "FollowUp" && currentUser()?.role === "EDITOR") {
    // An editor adds follow-ups to the activities it may update only:
    // the server says which (the same rule as its policies).
    limits.activityID = { viewerCanUpdate: true };
  }
  return h(
    "div",
    { class: "form-page" },
    h("h1", {}, words(type).new),
    context,
    formView({ typeName, preset, refPresets, limits }),
  );
}

async function editPage(typeName, id) {
  const type = types[typeName];
  const data = await gql(editQuery(typeName), { id });
  const title = `Redigera ${type.one}`;
  return [
    h(
      "div",
      { class: "form-page" },
      h("nav", { class: "breadcrumbs", "aria-label": "Du är här" }, h("ol", {}, h("li", {}, h("a", { href: `#/${type.route}/${id}` }, type.title(data.node))))),
      h("h1", {}, title),
      formView({ typeName, node: data.node }),
    ),
    title,
  ];
}
