// The audit trail: every change, who made it and when, each field from
// its old value to its new one. Admins read it whole in "Ändringslogg", and
// a record's own under "Historik" on its page. Ids in the trail (a heading,
// the municipalities linked) are shown by name, looked up a page at a time.

import { h, dateTime, date } from "../dom.js";
import { gql } from "../gql.js";
import { types, fieldLabel } from "../types.js";
import { listView } from "../ui/list.js";
import { goalName } from "../labels.js";

const actions = { CREATE: "Skapad", UPDATE: "Ändrad", DELETE: "Borttagen" };

/** typeNames are the Swedish names of the types the trail records. */
const typeNames = {
  Plan: "Handlingsplan",
  Goal: "Utvecklingsmål",
  Objective: "Rubrik",
  Activity: "Aktivitet",
  FollowUp: "Uppföljning",
  Municipality: "Kommun",
  Institution: "Aktör",
  User: "Användare",
  Token: "API-nyckel",
  FollowUpDeadline: "Uppföljningstillfälle",
};

// Fields no form of the page edits, but the trail records.
const otherLabels = {
  password: "Lösenord",
  name: "Namn",
  kind: "Slag",
  expiresAt: "Upphör",
  revokedAt: "Återkallad",
  userID: "Användare",
  sourceDate: "Källan uppdaterad",
  countyCode: "Länskod",
  predecessorID: "Fortsätter från",
  planID: "Handlingsplan",
  year: "År",
  period: "Period",
  dueDate: "Senast",
};

// What the ids seen so far are called; null for one that no longer exists.
const names = new Map();

// What each type is called by, aliased: fields of one name but different
// types (a goal's optional title, an activity's required one) cannot be
// asked for side by side.
const nodeFields = `... on Plan { planName: name } ... on Goal { goalNumber: number goalTitle: title goalArea: area }
  ... on Objective { objectiveTitle: title } ... on Activity { activityTitle: title } ... on FollowUp { followUpDate: date }
  ... on Municipality { municipalityName: name } ... on Institution { institutionName: name } ... on User { userName: displayName }
  ... on Token { tokenName: name }`;

/** prepare looks up the names of the ids the entries mention that are not known yet. */
async function prepare(entries) {
  const ids = new Set();
  for (const e of entries) {
    ids.add(e.objectID);
    for (const c of e.changes) {
      for (const id of [...(c.added || []), ...(c.removed || [])]) ids.add(id);
      if (/ID$/.test(c.field)) for (const v of [c.old, c.new]) if (v !== null && v !== undefined) ids.add(String(v));
    }
  }
  const unknown = [...ids].filter((id) => !names.has(id));
  if (!unknown.length) return;
  try {
    const data = await gql(`query Names($ids: [ID!]!) { nodes(ids: $ids) { id __typename ${nodeFields} } }`, { ids: unknown }, { partial: true });
    unknown.forEach((id, i) => {
      const n = data.nodes[i];
      names.set(id, n ? { type: n.__typename, label: label(n) } : null);
    });
  } catch (e) {
    // Without names the trail still shows the ids.
  }
}

function label(n) {
  switch (n.__typename) {
    case "Plan":
      return n.planName;
    case "Goal":
      return goalName({ number: n.goalNumber, title: n.goalTitle, area: n.goalArea });
    case "Objective":
      return n.objectiveTitle;
    case "Activity":
      return n.activityTitle;
    case "FollowUp":
      return types.FollowUp.title({ date: n.followUpDate });
    case "Municipality":
      return n.municipalityName;
    case "Institution":
      return n.institutionName;
    case "User":
      return n.userName;
    case "Token":
      return n.tokenName || "Inloggning";
  }
  return n.id;
}

/** ref shows an id by its name, linked to its page while it exists. */
function ref(id) {
  const known = names.get(String(id));
  if (!known) return h("span", { class: "gone", title: "Finns inte längre" }, `#${id}`);
  const t = types[known.type];
  return t?.route ? h("a", { href: `#/${t.route}/${id}` }, known.label) : known.label;
}

/** value shows one old or new value of a field the way the page shows it elsewhere. */
function value(objectType, field, v) {
  if (v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) return h("span", { class: "empty" }, "tomt");
  if (field === "password") return "(dolt)";
  const f = types[objectType]?.fields.find((x) => x.name === field);
  if (/ID$/.test(field)) return ref(v);
  if (f?.kind === "select") return f.options.find((o) => o.value === v)?.label || String(v);
  if (f?.kind === "date" || /^\d{4}-\d\d-\d\dT00:00:00Z$/.test(v)) return date(v);
  if (typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v)) return dateTime(v);
  if (Array.isArray(v)) return v.join(", ");
  if (typeof v === "boolean") return v ? "ja" : "nej";
  if (typeof v === "object") return JSON.stringify(v);
  const text = String(v);
  return text.length > 160 ? h("span", { title: text }, `${text.slice(0, 157)}…`) : text;
}

/** changes lists what an entry changed: field: old → new, links added and removed. */
function changes(entry) {
  const items = entry.changes.map((c) => {
    const name = fieldLabel(entry.objectType, c.field) || otherLabels[c.field] || c.field;
    const head = h("span", { class: "change-field" }, `${name}: `);
    if (c.added?.length || c.removed?.length) {
      return h(
        "li",
        {},
        head,
        c.added?.length ? h("ins", { class: "added" }, "+ ", join(c.added.map(ref))) : null,
        c.added?.length && c.removed?.length ? "; " : null,
        c.removed?.length ? h("del", { class: "removed" }, "− ", join(c.removed.map(ref))) : null,
      );
    }
    if (entry.action === "CREATE") return h("li", {}, head, h("ins", { class: "new" }, value(entry.objectType, c.field, c.new)));
    if (entry.action === "DELETE") return h("li", {}, head, h("del", { class: "old" }, value(entry.objectType, c.field, c.old)));
    return h("li", {}, head, h("del", { class: "old" }, value(entry.objectType, c.field, c.old)), " → ", h("ins", { class: "new" }, value(entry.objectType, c.field, c.new)));
  });
  return items.length ? h("ul", { class: "changes" }, items) : h("span", { class: "muted" }, "–");
}

function join(nodes) {
  return nodes.flatMap((n, i) => (i ? [", ", n] : [n]));
}

function actor(e) {
  return e.actor ? `${e.actor.displayName} (${e.actorName})` : e.actorName;
}

function object(e) {
  const t = typeNames[e.objectType] || e.objectType;
  const known = names.get(e.objectID);
  if (!known) return h("span", {}, `${t} `, h("span", { class: "gone", title: "Finns inte längre" }, `#${e.objectID}`));
  return h("span", {}, `${t}: `, ref(e.objectID));
}

const columns = {
  at: { label: "Tid", value: (e) => h("time", { datetime: e.at }, dateTime(e.at)), order: "AT" },
  actor: { label: "Av", value: actor, order: "ACTOR_NAME" },
  action: { label: "Händelse", value: (e) => h("span", { class: `action action-${e.action.toLowerCase()}` }, actions[e.action] || e.action), order: "ACTION" },
  object: { label: "Post", value: object, order: "OBJECT_TYPE" },
  changes: { label: "Ändringar", value: changes, wrap: true },
};

/** localDay turns a yyyy-mm-dd from a date input into the start of that day here, as an ISO time. */
function localDay(day, plus = 0) {
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + plus);
  return d.toISOString();
}

/** auditType describes the trail to the list view. */
export const auditType = {
  root: "auditEntries",
  one: "ändring",
  many: "Ändringar",
  columns: [columns.at, columns.actor, columns.action, columns.object, columns.changes],
  listFields: "at action objectType objectID actorName actor { displayName } changes { field old new added removed }",
  search: null,
  filters: [
    {
      name: "objectType",
      label: "Slag av post",
      kind: "select",
      options: Object.entries(typeNames).map(([value, label]) => ({ value, label })),
      where: (v) => ({ objectType: v }),
    },
    { name: "actor", label: "Användarnamn", kind: "text", where: (v) => ({ actorNameContainsFold: v }) },
    { name: "from", label: "Från och med", kind: "date", where: (v) => ({ atGTE: localDay(v) }) },
    { name: "to", label: "Till och med", kind: "date", where: (v) => ({ atLT: localDay(v, 1) }) },
  ],
  defaultOrder: { field: "AT", direction: "DESC" },
  prepare,
};

/** auditView is the whole trail, newest first, with filters. */
export function auditView(params = new URLSearchParams()) {
  return h(
    "div",
    { class: "audit" },
    listView({ typeName: "AuditEntry", type: auditType, title: "Ändringslogg", level: 1, empty: "Inga ändringar är registrerade ännu.", address: "#/audit", params }),
    h("p", { class: "muted" }, "Varje ändring som görs genom API:et registreras här: vem, när och vad, med gamla och nya värden. Den inlästa planen är utgångsläget och har ingen historik."),
  );
}

/** historyView is the trail of one record, for its page. */
export function historyView(typeName, id) {
  return h(
    "div",
    { class: "history" },
    listView({
      typeName: "AuditEntry",
      type: auditType,
      where: { objectID: id },
      title: "Historik",
      compact: true,
      columns: [columns.at, columns.actor, columns.action, columns.changes],
      empty: "Inga ändringar är registrerade. Det som lästes in från början har ingen historik.",
    }),
  );
}
