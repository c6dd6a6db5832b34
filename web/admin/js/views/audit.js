// The audit trail: every change, who made it and when, each field from
// its old value to its new one. Admins read it whole in "Ändringslogg", and
// a record's own under "Historik" on its page; editors see "Historik" on
// the pages of the records they may edit. Ids in the trail (a heading,
// the municipalities linked) are shown by name, looked up a page at a time.
// An admin restores a deleted record from its deletion ("Återställ") and
// takes a field's change back ("Ångra"): each is one more change in the
// trail, and the server refuses what cannot be done, saying why.

import { h, dateTime, date } from "../dom.js";
import { gql } from "../gql.js";
import { types, fieldLabel } from "../types.js";
import { listView } from "../ui/list.js";
import { goalName, statusLabels } from "../labels.js";
import { confirmDialog } from "../ui/dialog.js";
import { showError, showNotice } from "../ui/banner.js";
import { isAdmin } from "../access.js";

const actions = { CREATE: "Skapad", UPDATE: "Ändrad", DELETE: "Borttagen", RESTORE: "Återställd" };

/** typeNames are the Swedish names of the types the trail records. */
const typeNames = {
  Plan: "Handlingsplan",
  Goal: "Utvecklingsmål",
  Objective: "Rubrik",
  Activity: "Aktivitet",
  FollowUp: "Uppföljning",
  Municipality: "Kommun",
  Institution: "Aktör",
  Indicator: "Indikator",
  IndicatorTarget: "Målvärde",
  IndicatorValue: "Indikatorvärde",
  GoalAssessment: "Bedömning av mål",
  User: "Användare",
  Token: "API-nyckel",
  FollowUpDeadline: "Uppföljningstillfälle",
};

// Deleted users and tokens are not restored: the trail keeps no password or secret.
const notRestored = ["User", "Token"];

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
  createdAt: "Skapad",
  updatedAt: "Senast ändrad",
  version: "Version",
  statusChanges: "Statushistorik",
  predecessorID: "Fortsätter från",
  planID: "Handlingsplan",
  year: "År",
  period: "Period",
  dueDate: "Senast",
};

// What the ids seen so far are called; null for one that no longer exists.
const names = new Map();

// The deletions on the page that have been restored, by entry id.
const restored = new Set();

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
  const deletions = entries.filter((e) => e.action === "DELETE" && !e.partOf).map((e) => e.id);
  if (deletions.length) {
    try {
      const data = await gql(`query Restored($ids: [ID!]) { auditEntries(first: 100, where: {undoesIn: $ids}) { edges { node { undoes } } } }`, { ids: deletions });
      for (const { node } of data.auditEntries.edges) restored.add(node.undoes);
    } catch (e) {
      // Without it, a restored deletion still offers its button, and the server says it is restored.
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
  if (field === "statusChanges" && Array.isArray(v)) return v.map((c) => `${statusLabels[c.toStatus] || c.toStatus} ${date(c.at)}`).join(" → ");
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

/** fieldName is what the page calls a field the trail names. */
function fieldName(entry, field) {
  return fieldLabel(entry.objectType, field) || otherLabels[field] || field;
}

/**
 * changes lists what an entry changed: field: old → new, links added and
 * removed. With undo (the change log's and a record's history, for an
 * admin), each change of an update has a button that takes it back.
 */
function changes(entry, undo = null) {
  const items = entry.changes.map((c) => {
    const name = fieldName(entry, c.field);
    const head = h("span", { class: "change-field" }, `${name}: `);
    const back = undo && entry.action === "UPDATE" && c.field !== "password" ? revertButton(entry, c, name, undo) : null;
    if (c.added?.length || c.removed?.length) {
      return h(
        "li",
        {},
        head,
        c.added?.length ? h("ins", { class: "added" }, "+ ", join(c.added.map(ref))) : null,
        c.added?.length && c.removed?.length ? "; " : null,
        c.removed?.length ? h("del", { class: "removed" }, "− ", join(c.removed.map(ref))) : null,
        back,
      );
    }
    if (entry.action === "CREATE" || entry.action === "RESTORE") return h("li", {}, head, h("ins", { class: "new" }, value(entry.objectType, c.field, c.new)));
    if (entry.action === "DELETE") return h("li", {}, head, h("del", { class: "old" }, value(entry.objectType, c.field, c.old)));
    return h("li", {}, head, h("del", { class: "old" }, value(entry.objectType, c.field, c.old)), " → ", h("ins", { class: "new" }, value(entry.objectType, c.field, c.new)), back);
  });
  return items.length ? h("ul", { class: "changes" }, items) : h("span", { class: "muted" }, "–");
}

/**
 * revertButton takes one field's change back, based on the record's
 * version the page has (undo.version, on the record's page) or reads now
 * (the change log): the server refuses with CONFLICT when the record has
 * moved on since, or the field has changed again after this change.
 */
function revertButton(entry, c, name, undo) {
  const links = c.added?.length || c.removed?.length;
  return h(
    "button",
    {
      type: "button",
      class: "button small undo",
      "aria-label": `Ångra ändringen av ${name.toLowerCase()}`,
      onclick: async (e) => {
        const button = e.currentTarget;
        const body = links ? "Det som lades till tas bort och det som togs bort läggs tillbaka." : [h("p", {}, `${name} blir igen: `, value(entry.objectType, c.field, c.old))];
        const ok = await confirmDialog({ title: `Ångra ändringen av ${name.toLowerCase()}?`, body, confirm: "Ångra ändringen", danger: false });
        if (!ok) return;
        try {
          let version = undo.version;
          if (version === undefined) {
            const data = await gql(`query Version($id: ID!) { node(id: $id) { id ...on ${entry.objectType} { version } } }`, { id: entry.objectID });
            if (!data.node) throw new Error("Posten har tagits bort sedan dess: återställ den först.");
            version = data.node.version;
          }
          await gql(`mutation Revert($e: ID!, $f: String!, $v: Int!) { revertChange(entryID: $e, field: $f, version: $v) { id } }`, { e: entry.id, f: c.field, v: version });
        } catch (err) {
          showError(err);
          return;
        }
        showNotice(`Ändringen av ${name.toLowerCase()} är ångrad.`);
        names.clear();
        undo.done(button);
      },
    },
    "Ångra",
  );
}

/** restoreCell has the button that brings a deleted record back, with what was deleted with it. */
function restoreCell(entry, undo) {
  if (!undo || entry.action !== "DELETE" || notRestored.includes(entry.objectType)) return null;
  if (entry.partOf) return h("span", { class: "muted" }, "Kommer tillbaka med det den togs bort med");
  if (restored.has(entry.id)) return h("span", { class: "muted" }, "Återställd");
  const t = (typeNames[entry.objectType] || entry.objectType).toLowerCase();
  const old = entry.changes.find((c) => ["name", "title", "text"].includes(c.field))?.old;
  return h(
    "button",
    {
      type: "button",
      class: "button small restore",
      onclick: async (e) => {
        const button = e.currentTarget;
        const ok = await confirmDialog({
          title: old ? `Återställ ${t} ”${old}”?` : `Återställ ${t}?`,
          body: "Posten kommer tillbaka som den var när den togs bort, med samma id, och det som togs bort tillsammans med den kommer också tillbaka.",
          confirm: "Återställ",
          danger: false,
        });
        if (!ok) return;
        try {
          await gql(`mutation Restore($e: ID!) { restoreDeleted(entryID: $e) { id } }`, { e: entry.id });
        } catch (err) {
          showError(err);
          return;
        }
        showNotice(old ? `Återställd: ${t} ”${old}”.` : `Återställd: ${t}.`);
        names.clear();
        undo.done(button);
      },
    },
    "Återställ",
  );
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
  changes: { label: "Ändringar", value: (e) => changes(e), wrap: true },
};

/** undoColumns are the columns with buttons that restore and revert, for admins. */
function undoColumns(undo) {
  return {
    changes: { label: "Ändringar", value: (e) => changes(e, undo), wrap: true },
    restore: { label: "Återställ", value: (e) => restoreCell(e, undo) },
  };
}

// After a restore or a revert, the list shows the trail again, with the new entries.
const reloadList = (button) => button.dispatchEvent(new Event("reload", { bubbles: true }));

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
  listFields: "id at action objectType objectID actorName actor { displayName } undoes partOf changes { field old new added removed }",
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

/** auditView is the whole trail, newest first, with filters; an admin restores and reverts from it. */
export function auditView(params = new URLSearchParams()) {
  const undo = undoColumns({ done: reloadList });
  return h(
    "div",
    { class: "audit" },
    listView({
      typeName: "AuditEntry",
      type: auditType,
      title: "Ändringslogg",
      level: 1,
      empty: "Inga ändringar är registrerade ännu.",
      address: "#/audit",
      params,
      columns: [columns.at, columns.actor, columns.action, columns.object, undo.changes, undo.restore],
    }),
    h(
      "p",
      { class: "muted" },
      "Varje ändring som görs genom API:et registreras här: vem, när och vad, med gamla och nya värden. Den inlästa planen är utgångsläget och har ingen historik. En borttagen post återställs med det som togs bort tillsammans med den, och en ändring av ett fält kan ångras; båda registreras som nya ändringar.",
    ),
  );
}

/**
 * historyView is the trail of one record, for its page; version is the
 * record's version the page shows, which an admin's revert is based on,
 * and after a revert the page is shown again.
 */
export function historyView(typeName, id, version) {
  // Only admins revert; users are an admin's to read: an editor's history
  // names who made each change by username (actorName).
  const admin = isAdmin();
  const undo = admin ? undoColumns({ version, done: () => window.dispatchEvent(new Event("rerender")) }) : { changes: columns.changes };
  const type = admin ? auditType : { ...auditType, listFields: auditType.listFields.replace(" actor { displayName }", "") };
  return h(
    "div",
    { class: "history" },
    listView({
      typeName: "AuditEntry",
      type,
      where: { objectID: id },
      title: "Historik",
      compact: true,
      columns: [columns.at, columns.actor, columns.action, undo.changes],
      empty: "Inga ändringar är registrerade. Det som lästes in från början har ingen historik.",
    }),
  );
}
