// What the page knows of each type of the API: its Swedish names, the
// fields a form edits, the columns a list shows, how it is searched and
// filtered, and what hangs under it. The views are generic over these.

import {
  statusLabels,
  kindLabels,
  assessmentLabels,
  periodLabels,
  roleLabels,
  planStateLabels,
  goalName,
  directionLabels,
  scopeLabels,
  aggregationLabels,
  valuePeriodLabels,
  sourceLabels,
  indicatorOwner,
  CC0,
} from "./labels.js";
import { num, date, dateTime, isoDay } from "./dom.js";
import { gql, GraphQLError } from "./gql.js";
import { currentUser } from "./session.js";
import { may } from "./access.js";

/**
 * editorLinksHint tells an editor, before saving, which of an activity's
 * links it may change: the server's rule (ent/schema/policy.go) refuses
 * anything else as FORBIDDEN. Others get no hint.
 */
function editorLinksHint() {
  const u = currentUser();
  if (u?.role !== "EDITOR") return null;
  const scope = [...(u.municipalities || []), ...(u.institutions || [])].map((x) => x.name).join(", ");
  return `Som redaktör lägger du till och tar bort bara kommuner och aktörer i ditt ansvarsområde (${scope || "inga"}), och minst en av dem måste vara kvar, annars kan du inte längre redigera aktiviteten.`;
}

const planRef = { type: "Plan", label: (p) => p.name, fields: "name", search: "nameContainsFold", order: "NAME" };
const goalRef = {
  type: "Goal",
  label: goalName,
  fields: "number title area plan { name }",
  detail: (g) => g.plan?.name,
  search: "titleContainsFold",
  order: "NUMBER",
};
const objectiveRef = {
  type: "Objective",
  label: (o) => o.title,
  fields: "title goal { number title area }",
  detail: (o) => goalName(o.goal),
  search: "titleContainsFold",
  order: "TITLE",
};
const activityRef = { type: "Activity", label: (a) => a.title, fields: "title", search: "titleContainsFold", order: "TITLE" };
const municipalityRef = {
  type: "Municipality",
  label: (m) => m.name,
  fields: "name code",
  detail: (m) => m.code,
  search: "nameContainsFold",
  order: "NAME",
};
const institutionRef = {
  type: "Institution",
  label: (i) => i.name,
  fields: "name kind",
  detail: (i) => kindLabels[i.kind],
  search: "nameContainsFold",
  order: "NAME",
};

const followUpRef = { type: "FollowUp", label: (f) => `${date(f.date)}: ${f.activity.title}`, fields: "date activity { title }", search: "textContainsFold", order: "DATE" };

const indicatorRef = {
  type: "Indicator",
  label: (i) => i.name,
  fields: "name unit goal { number title area } objective { title } activity { title }",
  detail: indicatorOwner,
  search: "nameContainsFold",
  order: "NAME",
};

// What an indicator's pages read of the goal, heading or activity it measures.
const ownerFields = `goal { id number title area plan { id name } }
  objective { id title goal { id number title area plan { id name } } }
  activity { id title objective { id title goal { id number title area plan { id name } } } }`;

/** ownerCrumbs is the way up from an indicator to its plan. */
function ownerCrumbs(i) {
  if (i.goal) return [["Plan", i.goal.plan], ["Goal", i.goal]];
  if (i.objective) return [["Plan", i.objective.goal.plan], ["Goal", i.objective.goal], ["Objective", i.objective]];
  if (i.activity) return [["Plan", i.activity.objective.goal.plan], ["Goal", i.activity.objective.goal], ["Objective", i.activity.objective], ["Activity", i.activity]];
  return [];
}

/**
 * reportedStatus is the status a follow-up reports, saying so when the
 * activity's status is another: "Genomförd (aktiviteten: Pågående)".
 */
export function reportedStatus(f) {
  if (!f.status) return "";
  const label = statusLabels[f.status];
  return f.activity?.status && f.activity.status !== f.status ? `${label} (aktiviteten: ${statusLabels[f.activity.status].toLowerCase()})` : label;
}

const ownerHint = "Ett mått mäter ett utvecklingsmål, en rubrik eller en aktivitet: fyll i ett av de tre.";
/** indicatorsOfPlan is the IndicatorWhereInput of the indicators of a plan's goals, headings and activities. */
export function indicatorsOfPlan(id) {
  const goal = { hasPlanWith: [{ id }] };
  return {
    or: [
      { hasGoalWith: [goal] },
      { hasObjectiveWith: [{ hasGoalWith: [goal] }] },
      { hasActivityWith: [{ hasObjectiveWith: [{ hasGoalWith: [goal] }] }] },
    ],
  };
}

/** indicatorsOfGoal is the IndicatorWhereInput of the indicators of a goal, its headings and their activities. */
export function indicatorsOfGoal(id) {
  return {
    or: [
      { hasGoalWith: [{ id }] },
      { hasObjectiveWith: [{ hasGoalWith: [{ id }] }] },
      { hasActivityWith: [{ hasObjectiveWith: [{ hasGoalWith: [{ id }] }] }] },
    ],
  };
}

const perspectiveRef = { type: "Perspective", label: (p) => p.name, fields: "name", search: "nameContainsFold", order: "POSITION" };
const groupRef = { type: "MunicipalityGroup", label: (g) => g.name, fields: "name", search: "nameContainsFold", order: "NAME" };

export const refs = { Perspective: perspectiveRef, MunicipalityGroup: groupRef, Plan: planRef, Goal: goalRef, Objective: objectiveRef, Activity: activityRef, Municipality: municipalityRef, Institution: institutionRef, Indicator: indicatorRef };

/** updateActivity changes an activity from the version the page showed. */
const updateActivity = (a, input) =>
  gql(`mutation Update($id: ID!, $input: UpdateActivityInput!) { updateActivity(id: $id, input: $input) { id } }`, { id: a.id, input: { ...input, version: a.version } });

/**
 * deleteActivity deletes an activity the page showed, unless someone else
 * changed it since (deleting takes no version: the page compares it first,
 * and says so as the server says CONFLICT).
 */
async function deleteActivity(a) {
  const now = await gql(`query Version($id: ID!) { node(id: $id) { ... on Activity { version } } }`, { id: a.id });
  if (!now.node) throw new GraphQLError("activity not found", "NOT_FOUND");
  if (now.node.version !== a.version) throw new GraphQLError("changed meanwhile", "CONFLICT");
  return gql(`mutation Delete($id: ID!) { deleteActivity(id: $id) }`, { id: a.id });
}

const options = (labels) => Object.entries(labels).map(([value, label]) => ({ value, label }));

const years = (o) => (o.firstYear ? (o.lastYear && o.lastYear !== o.firstYear ? `${o.firstYear}–${o.lastYear}` : `${o.firstYear}`) : "");

/**
 * review is an activity's next review date, flagged when it is overdue: before
 * today (UTC, the day a date means) while the activity is planned or ongoing,
 * as the API's due query counts it.
 */
const review = (a) => {
  if (!a.nextReview) return "";
  const today = new Date().toISOString().slice(0, 10);
  const late = a.nextReview.slice(0, 10) < today && (a.status === "PLANNED" || a.status === "ONGOING");
  return late ? `${date(a.nextReview)} (försenad)` : date(a.nextReview);
};

export const types = {
  Plan: {
    root: "plans",
    route: "plans",
    one: "handlingsplan",
    many: "Handlingsplaner",
    title: (p) => p.name,
    fields: [
      { name: "name", label: "Namn", kind: "text", required: true },
      { name: "region", label: "Region", kind: "text", required: true },
      { name: "countyCode", label: "Länskod", kind: "text", hint: "Två siffror, t.ex. 18 för Örebro län." },
      { name: "firstYear", label: "Första år", kind: "year", required: true },
      { name: "lastYear", label: "Sista år", kind: "year", required: true },
      {
        name: "state",
        label: "Status",
        kind: "select",
        options: options(planStateLabels),
        default: "ADOPTED",
        hint: "En avslutad handlingsplan, och allt under den, kan bara en administratör ändra.",
      },
      { name: "parentPlan", label: "Konkretiserar", kind: "text", hint: "Planen den här bygger på, t.ex. Örebro läns kulturplan." },
      {
        name: "goalsIntro",
        label: "Inledning till målen",
        kind: "text",
        hint: "Om planen skriver målen som slut på en mening, meningens början, t.ex. Region Örebro län vill 2020–2023 genom samverkan med länets kommuner.",
      },
      { name: "sourceURL", label: "Källa", kind: "url", hint: "Webbadress där planen är publicerad." },
      { name: "description", label: "Beskrivning", kind: "textarea" },
      {
        name: "openData",
        label: "Publicera som öppna data",
        kind: "bool",
        hint: "Planen, dess mål, rubriker, aktiviteter och indikatorer blir fria att hämta för alla under /open/v1/ och listas i katalogen som Sveriges dataportal hämtar. Ett utkast publiceras aldrig.",
      },
      {
        name: "dataLicense",
        label: "Licens för öppna data",
        kind: "url",
        default: CC0,
        hint: "Licensens webbadress. CC0: https://creativecommons.org/publicdomain/zero/1.0/ (fritt för alla), CC BY 4.0: https://creativecommons.org/licenses/by/4.0/ (ange källan).",
      },
      { name: "dataContact", label: "Kontakt för öppna data", kind: "text", autocomplete: "email", hint: "E-postadress dit frågor om datan kan skickas, t.ex. kultur@regionorebrolan.se." },
    ],
    columns: [
      { label: "Namn", value: (p) => p.name, order: "NAME", link: true },
      { label: "Region", value: (p) => p.region, order: "REGION" },
      { label: "Period", value: (p) => `${p.firstYear}–${p.lastYear}`, order: "FIRST_YEAR" },
      { label: "Status", value: (p) => planStateLabels[p.state], order: "STATE" },
      { label: "Mål", value: (p) => num(p.goals.totalCount), order: "GOALS_COUNT", numeric: true },
    ],
    listFields: "name region firstYear lastYear state goals { totalCount }",
    search: { field: "nameContainsFold", label: "Sök handlingsplan" },
    defaultOrder: { field: "FIRST_YEAR", direction: "DESC" },
    detailFields: "name region countyCode firstYear lastYear state parentPlan goalsIntro sourceURL sourceDate description openData openDataExported dataLicense dataContact",
    children: (p) => [
      { type: "Goal", title: "Utvecklingsmål", where: { hasPlanWith: [{ id: p.id }] }, order: { field: "NUMBER", direction: "ASC" }, preset: { planID: p.id } },
      {
        type: "FollowUpDeadline",
        title: "Uppföljningsdatum",
        where: { hasPlanWith: [{ id: p.id }] },
        order: { field: "DUE_DATE", direction: "ASC" },
        preset: { planID: p.id },
        empty: "Handlingsplanen har inga uppföljningsdatum.",
      },
      {
        type: "PlanRevision",
        title: "Revideringar",
        where: { hasPlanWith: [{ id: p.id }] },
        order: { field: "DECIDED_ON", direction: "DESC" },
        preset: { planID: p.id },
        empty: "Handlingsplanen har inte reviderats.",
      },
    ],
    cascade: (p) => [
      ["utvecklingsmål", "goals", { hasPlanWith: [{ id: p.id }] }],
      ["rubriker", "objectives", { hasGoalWith: [{ hasPlanWith: [{ id: p.id }] }] }],
      ["aktiviteter", "activities", { hasObjectiveWith: [{ hasGoalWith: [{ hasPlanWith: [{ id: p.id }] }] }] }],
      ["uppföljningar", "followUps", { hasActivityWith: [{ hasObjectiveWith: [{ hasGoalWith: [{ hasPlanWith: [{ id: p.id }] }] }] }] }],
    ],
  },

  Goal: {
    root: "goals",
    route: "goals",
    one: "utvecklingsmål",
    neuter: true, // ett utvecklingsmål: nytt, skapat, borttaget
    many: "Utvecklingsmål",
    title: goalName,
    parent: { field: "planID", edge: "plan", ref: planRef },
    fields: [
      { name: "planID", label: "Handlingsplan", kind: "ref", ref: planRef, required: true, createOnly: true },
      { name: "number", label: "Nummer", kind: "int", required: true, hint: "Unikt inom handlingsplanen." },
      { name: "title", label: "Titel", kind: "text", hint: "Målets namn efter numret, t.ex. Barn och unga." },
      { name: "area", label: "Utvecklingsområde", kind: "text", hint: "T.ex. kultur och hälsa." },
      {
        name: "statement",
        label: "Målformulering",
        kind: "textarea",
        hint: "Som handlingsplanen skriver den; börjar planen målen med en gemensam inledning (se handlingsplanen), skriv fortsättningen.",
      },
      { name: "actorIDs", label: "Aktörer som målet nämner", kind: "links", ref: institutionRef, edge: "actors" },
      { name: "description", label: "Beskrivning", kind: "textarea" },
      { name: "focusAreas", label: "Fokusområden", kind: "list", hint: "Ett per rad." },
      { name: "targetGroups", label: "Målgrupper", kind: "list", hint: "En per rad." },
    ],
    columns: [
      { label: "Mål", value: goalName, order: "NUMBER", link: true },
      { label: "Område", value: (g) => g.area || "" },
      { label: "Rubriker", value: (g) => num(g.objectives.totalCount), order: "OBJECTIVES_COUNT", numeric: true },
    ],
    listFields: "number title area objectives { totalCount }",
    search: { field: "titleContainsFold", label: "Sök mål" },
    defaultOrder: { field: "NUMBER", direction: "ASC" },
    detailFields: "number title area statement sentence description focusAreas targetGroups plan { id name }",
    breadcrumbs: (g) => [["Plan", g.plan]],
    children: (g) => [
      { type: "Objective", title: "Rubriker", where: { hasGoalWith: [{ id: g.id }] }, order: { field: "POSITION", direction: "ASC" }, preset: { goalID: g.id } },
      { type: "Institution", title: "Aktörer som målet nämner", where: { hasGoalsWith: [{ id: g.id }] }, empty: "Målet nämner ingen aktör." },
      {
        type: "Activity",
        title: "Aktiviteter under målet",
        where: { hasObjectiveWith: [{ hasGoalWith: [{ id: g.id }] }] },
        preset: { goal: g },
        empty: "Inga aktiviteter under det här målet.",
      },
      { type: "Indicator", title: "Mått under målet", where: indicatorsOfGoal(g.id), preset: { goalID: g.id }, empty: "Inga mått under det här målet." },
      { type: "GoalAssessment", title: "Bedömningar", where: { hasGoalWith: [{ id: g.id }] }, order: { field: "YEAR", direction: "DESC" }, preset: { goalID: g.id }, empty: "Målet har inte bedömts ännu." },
    ],
    cascade: (g) => [
      ["rubriker", "objectives", { hasGoalWith: [{ id: g.id }] }],
      ["aktiviteter", "activities", { hasObjectiveWith: [{ hasGoalWith: [{ id: g.id }] }] }],
      ["uppföljningar", "followUps", { hasActivityWith: [{ hasObjectiveWith: [{ hasGoalWith: [{ id: g.id }] }] }] }],
      ["mått", "indicators", indicatorsOfGoal(g.id)],
      ["bedömningar", "goalAssessments", { hasGoalWith: [{ id: g.id }] }],
    ],
  },

  Objective: {
    root: "objectives",
    route: "objectives",
    one: "rubrik",
    many: "Rubriker",
    title: (o) => o.title,
    parent: { field: "goalID", edge: "goal", ref: goalRef },
    fields: [
      { name: "goalID", label: "Utvecklingsmål", kind: "ref", ref: goalRef, required: true },
      { name: "title", label: "Titel", kind: "text", required: true },
      { name: "position", label: "Ordning", kind: "int", hint: "Rubrikens plats under målet, från 0." },
      { name: "description", label: "Beskrivning", kind: "textarea" },
    ],
    columns: [
      { label: "Rubrik", value: (o) => o.title, order: "TITLE", link: true },
      { label: "Mål", value: (o) => goalName(o.goal), order: "GOAL_NUMBER" },
      { label: "Aktiviteter", value: (o) => num(o.activities.totalCount), order: "ACTIVITIES_COUNT", numeric: true },
    ],
    listFields: "title position goal { number title area } activities { totalCount }",
    search: { field: "titleContainsFold", label: "Sök rubrik" },
    defaultOrder: { field: "POSITION", direction: "ASC" },
    detailFields: "title position description goal { id number title area plan { id name } }",
    breadcrumbs: (o) => [["Plan", o.goal.plan], ["Goal", o.goal]],
    children: (o) => [
      { type: "Activity", title: "Aktiviteter", where: { hasObjectiveWith: [{ id: o.id }] }, preset: { objectiveID: o.id, objective: o } },
      { type: "Indicator", title: "Mått", where: { hasObjectiveWith: [{ id: o.id }] }, preset: { objectiveID: o.id }, empty: "Rubriken har inga egna mått." },
    ],
    cascade: (o) => [
      ["aktiviteter", "activities", { hasObjectiveWith: [{ id: o.id }] }],
      ["uppföljningar", "followUps", { hasActivityWith: [{ hasObjectiveWith: [{ id: o.id }] }] }],
    ],
  },

  Activity: {
    root: "activities",
    route: "activities",
    one: "aktivitet",
    many: "Aktiviteter",
    title: (a) => a.title,
    parent: { field: "objectiveID", edge: "objective", ref: objectiveRef },
    fields: [
      { name: "objectiveID", label: "Rubrik", kind: "ref", ref: objectiveRef, required: true },
      { name: "title", label: "Titel", kind: "text", required: true },
      { name: "status", label: "Status", kind: "select", options: options(statusLabels), default: "PLANNED" },
      { name: "firstYear", label: "Prioriterad från år", kind: "year" },
      { name: "lastYear", label: "Prioriterad till år", kind: "year" },
      {
        name: "municipalityIDs",
        label: "Deltagande kommuner",
        kind: "links",
        ref: municipalityRef,
        edge: "municipalities",
        hint: editorLinksHint,
        // "Alla 12 kommuner i länet" and the municipality groups, in one step.
        shortcuts: true,
      },
      { name: "institutionIDs", label: "Deltagande aktörer", kind: "links", ref: institutionRef, edge: "institutions" },
      {
        name: "perspectiveIDs",
        label: "Perspektiv",
        kind: "links",
        ref: perspectiveRef,
        edge: "perspectives",
        hint: "Kulturplanens perspektiv som aktiviteten tar hänsyn till, t.ex. Barn eller Jämställdhet.",
      },
      { name: "lead", label: "Ansvarig", kind: "text", hint: "Aktör, roll eller person." },
      { name: "startDate", label: "Startdatum", kind: "date" },
      { name: "endDate", label: "Slutdatum", kind: "date" },
      { name: "nextReview", label: "Avstämningsdatum", kind: "date" },
      { name: "description", label: "Beskrivning", kind: "textarea" },
    ],
    columns: [
      { label: "Titel", value: (a) => a.title, order: "TITLE", link: true },
      { label: "Status", value: (a) => statusLabels[a.status], order: "STATUS", status: true },
      { label: "Mål", value: (a) => goalName(a.objective.goal) },
      { label: "År", value: years, order: "FIRST_YEAR" },
      { label: "Avstämning", value: review, order: "NEXT_REVIEW" },
      { label: "Kommuner", value: (a) => num(a.municipalities.totalCount), order: "MUNICIPALITIES_COUNT", numeric: true },
    ],
    listFields: "title status firstYear lastYear nextReview objective { goal { number title area } } municipalities { totalCount }",
    search: { field: "titleContainsFold", label: "Sök aktivitet" },
    filters: [
      { name: "status", label: "Status", kind: "select", options: options(statusLabels), where: (v) => ({ status: v }) },
      { name: "goal", label: "Mål", kind: "ref", ref: goalRef, where: (id) => ({ hasObjectiveWith: [{ hasGoalWith: [{ id }] }] }) },
      { name: "municipality", label: "Kommun", kind: "ref", ref: municipalityRef, where: (id) => ({ hasMunicipalitiesWith: [{ id }] }) },
      { name: "group", label: "Kommungrupp", kind: "ref", ref: groupRef, where: (id) => ({ hasMunicipalitiesWith: [{ hasGroupsWith: [{ id }] }] }) },
      { name: "perspective", label: "Perspektiv", kind: "ref", ref: perspectiveRef, where: (id) => ({ hasPerspectivesWith: [{ id }] }) },
    ],
    defaultOrder: { field: "TITLE", direction: "ASC" },
    detailFields: `title status firstYear lastYear startDate endDate nextReview lead description createdAt updatedAt wholeCounty
      perspectives(first: 100, orderBy: {field: POSITION}) { edges { node { id name } } }
      objective { id title goal { id number title area plan { id name } } }
      predecessor { id title objective { goal { plan { id name firstYear lastYear } } } }
      successor { id title objective { goal { plan { id name firstYear lastYear } } } }
      municipalities(first: 100, orderBy: {field: NAME}) { totalCount edges { node { id name code } } }
      institutions(first: 100, orderBy: {field: NAME}) { totalCount edges { node { id name kind } } }`,
    breadcrumbs: (a) => [["Plan", a.objective.goal.plan], ["Goal", a.objective.goal], ["Objective", a.objective]],
    children: (a) => [
      { type: "FollowUp", title: "Uppföljningar", where: { hasActivityWith: [{ id: a.id }] }, order: { field: "DATE", direction: "DESC" }, preset: { activityID: a.id } },
      { type: "Indicator", title: "Mått", where: { hasActivityWith: [{ id: a.id }] }, preset: { activityID: a.id }, empty: "Aktiviteten har inga egna mått." },
    ],
    cascade: (a) => [["uppföljningar", "followUps", { hasActivityWith: [{ id: a.id }] }]],
    keeps: "Kommunerna och aktörerna finns kvar; bara kopplingarna till aktiviteten tas bort.",
    // Selected in the list, activities change together: their status, a
    // municipality added or removed, or deleted. One mutation each, on the
    // version the list showed, so each is its own change in the audit
    // trail and a row someone else changed meanwhile is refused (CONFLICT)
    // rather than overwritten.
    bulk: [
      {
        label: "Ny status",
        options: options(statusLabels),
        buttons: [
          {
            text: "Ändra status",
            confirm: (what, label) => `Ändra status till ”${label}” för ${what}? Varje aktivitet ändras för sig och syns i ändringsloggen.`,
            done: ["ändrad", "ändrade"],
            change: (a, status) => updateActivity(a, { status }),
          },
        ],
      },
      {
        label: "Kommun för de markerade",
        ref: municipalityRef,
        buttons: [
          {
            text: "Lägg till kommunen",
            confirm: (what, name) => `Lägga till ${name} bland de deltagande kommunerna för ${what}? Varje aktivitet ändras för sig och syns i ändringsloggen.`,
            done: ["ändrad", "ändrade"],
            change: (a, id) => updateActivity(a, { addMunicipalityIDs: [id] }),
          },
          {
            text: "Ta bort kommunen",
            confirm: (what, name) => `Ta bort ${name} från de deltagande kommunerna för ${what}? Varje aktivitet ändras för sig och syns i ändringsloggen.`,
            done: ["ändrad", "ändrade"],
            change: (a, id) => updateActivity(a, { removeMunicipalityIDs: [id] }),
          },
        ],
      },
      {
        buttons: [
          {
            text: "Ta bort markerade",
            danger: true,
            offered: () => may("delete", "Activity"),
            confirm: (what) => `Ta bort ${what} med deras uppföljningar? Varje aktivitet tas bort för sig och syns i ändringsloggen. Det går inte att ångra.`,
            done: ["borttagen", "borttagna"],
            failed: "tas bort",
            change: deleteActivity,
          },
        ],
      },
    ],
    // The list as filtered, for Excel (see listView's download).
    csvName: "aktiviteter",
    csvFields: `title status firstYear lastYear lead startDate endDate nextReview wholeCounty objective { title goal { number title area plan { name } } }
      municipalities(first: 100, orderBy: {field: NAME}) { edges { node { name } } }
      perspectives(first: 100, orderBy: {field: POSITION}) { edges { node { name } } }
      institutions(first: 100, orderBy: {field: NAME}) { edges { node { name } } }`,
    csv: [
      { label: "Titel", value: (a) => a.title },
      { label: "Status", value: (a) => statusLabels[a.status] },
      { label: "Mål", value: (a) => goalName(a.objective.goal) },
      { label: "Rubrik", value: (a) => a.objective.title },
      { label: "Prioriterad från år", value: (a) => a.firstYear ?? "" },
      { label: "Prioriterad till år", value: (a) => a.lastYear ?? "" },
      // An activity in every municipality of its county is the whole county.
      { label: "Kommuner", value: (a) => (a.wholeCounty ? "Hela länet" : a.municipalities.edges.map((e) => e.node.name).join(", ")) },
      { label: "Aktörer", value: (a) => a.institutions.edges.map((e) => e.node.name).join(", ") },
      { label: "Ansvarig", value: (a) => a.lead ?? "" },
      { label: "Startdatum", value: (a) => isoDay(a.startDate) },
      { label: "Slutdatum", value: (a) => isoDay(a.endDate) },
      { label: "Avstämningsdatum", value: (a) => isoDay(a.nextReview) },
      // Last, so that the columns before it stay where spreadsheets had them.
      { label: "Perspektiv", value: (a) => a.perspectives.edges.map((e) => e.node.name).join(", ") },
      // Last, so that the columns before keep their places; the import
      // (views/import.js) reads the file back, into the plan named here.
      { label: "Handlingsplan", value: (a) => a.objective.goal.plan.name },
    ],
  },

  FollowUp: {
    root: "followUps",
    route: "followUps",
    one: "uppföljning",
    many: "Uppföljningar",
    title: (f) => `Uppföljning ${date(f.date)}`,
    labels: { author: "Skriven av" }, // fields the server sets, for the history
    parent: { field: "activityID", edge: "activity", ref: activityRef },
    fields: [
      { name: "activityID", label: "Aktivitet", kind: "ref", ref: activityRef, required: true },
      { name: "date", label: "Datum", kind: "date", required: true },
      { name: "period", label: "Period", kind: "select", options: options(periodLabels) },
      { name: "status", label: "Rapporterad status", kind: "select", options: options(statusLabels) },
      { name: "assessment", label: "Bedömning", kind: "select", options: options(assessmentLabels) },
      { name: "text", label: "Text", kind: "textarea", required: true },
    ],
    columns: [
      { label: "Datum", value: (f) => date(f.date), order: "DATE", link: true },
      { label: "Aktivitet", value: (f) => f.activity.title },
      { label: "Status", value: reportedStatus, status: true },
      { label: "Bedömning", value: (f) => assessmentLabels[f.assessment] || "", assessment: true },
      { label: "Text", value: (f) => f.text, wrap: true },
    ],
    listFields: "date status assessment text activity { title status }",
    search: { field: "textContainsFold", label: "Sök i uppföljningar" },
    filters: [
      { name: "assessment", label: "Bedömning", kind: "select", options: options(assessmentLabels), where: (v) => ({ assessment: v }) },
    ],
    defaultOrder: { field: "DATE", direction: "DESC" },
    detailFields: "date period status assessment text author createdAt updatedAt activity { id title status objective { id title goal { id number title area plan { id name } } } }",
    breadcrumbs: (f) => [["Plan", f.activity.objective.goal.plan], ["Goal", f.activity.objective.goal], ["Objective", f.activity.objective], ["Activity", f.activity]],
    children: (f) => [
      {
        type: "IndicatorValue",
        title: "Siffror",
        where: { hasFollowUpWith: [{ id: f.id }] },
        preset: { followUpID: f.id, year: String(new Date(f.date).getUTCFullYear()) },
        empty: "Uppföljningen har inga siffror. En siffra, t.ex. antal barn som nåtts, blir ett värde för ett mått.",
      },
    ],
    cascade: () => [],
  },

  Indicator: {
    root: "indicators",
    route: "indicators",
    one: "mått",
    neuter: true, // ett mått: nytt, skapat, borttaget
    many: "Mått",
    title: (i) => i.name,
    fields: [
      { name: "name", label: "Namn", kind: "text", required: true, hint: "Vad som mäts, t.ex. Barn och unga i kulturskolan." },
      { name: "goalID", label: "Utvecklingsmål", kind: "ref", ref: goalRef, hint: ownerHint },
      { name: "objectiveID", label: "Rubrik", kind: "ref", ref: objectiveRef },
      { name: "activityID", label: "Aktivitet", kind: "ref", ref: activityRef },
      { name: "unit", label: "Enhet", kind: "text", hint: "T.ex. antal, procent eller kr per invånare." },
      { name: "scope", label: "Mäts", kind: "select", options: options(scopeLabels), default: "MUNICIPALITY", createOnly: true, hint: "Per kommun: varje kommun får ett värde om året. Kan inte ändras sedan." },
      { name: "aggregation", label: "Länets utfall", kind: "select", options: options(aggregationLabels), default: "SUM", hint: "Hur länets utfall räknas fram ur kommunernas värden: summa för antal, medelvärde för andelar." },
      { name: "direction", label: "Riktning", kind: "select", options: options(directionLabels), default: "HIGHER_IS_BETTER" },
      { name: "baselineValue", label: "Utgångsvärde", kind: "decimal", hint: "Värdet vid start, med året det mättes." },
      { name: "baselineYear", label: "Utgångsår", kind: "year" },
      { name: "koladaKpi", label: "Kolada-nyckeltal", kind: "text", hint: "Nyckeltalets id i Kolada, t.ex. N09890, om måttet motsvarar ett." },
      { name: "description", label: "Beskrivning", kind: "textarea", hint: "Hur måttet mäts och varför." },
    ],
    columns: [
      { label: "Namn", value: (i) => i.name, order: "NAME", link: true },
      { label: "Mäter", value: indicatorOwner, wrap: true },
      { label: "Enhet", value: (i) => i.unit || "" },
      { label: "Mäts", value: (i) => scopeLabels[i.scope] },
      { label: "Utgångsvärde", value: (i) => (i.baselineValue === null ? "" : `${num(i.baselineValue)} (${i.baselineYear})`), numeric: true },
    ],
    listFields: "name unit scope baselineValue baselineYear goal { number title area } objective { title } activity { title }",
    search: { field: "nameContainsFold", label: "Sök mått" },
    filters: [{ name: "goal", label: "Mål", kind: "ref", ref: goalRef, where: (id) => indicatorsOfGoal(id) }],
    defaultOrder: { field: "NAME", direction: "ASC" },
    detailFields: `name description unit direction scope aggregation baselineValue baselineYear koladaKpi koladaFetchedAt ${ownerFields}`,
    breadcrumbs: ownerCrumbs,
    children: (i) => [
      { type: "IndicatorTarget", title: "Målvärden", where: { hasIndicatorWith: [{ id: i.id }] }, order: { field: "YEAR", direction: "ASC" }, preset: { indicatorID: i.id }, empty: "Inga målvärden ännu." },
      { type: "IndicatorValue", title: "Uppmätta värden", where: { hasIndicatorWith: [{ id: i.id }] }, order: { field: "YEAR", direction: "DESC" }, empty: "Inga värden ännu." },
    ],
    cascade: (i) => [
      ["målvärden", "indicatorTargets", { hasIndicatorWith: [{ id: i.id }] }],
      ["värden", "indicatorValues", { hasIndicatorWith: [{ id: i.id }] }],
    ],
  },

  IndicatorTarget: {
    root: "indicatorTargets",
    route: "indicatorTargets",
    one: "målvärde",
    neuter: true,
    many: "Målvärden",
    title: (t) => `Målvärde ${t.year}: ${t.indicator.name}`,
    parent: { field: "indicatorID", edge: "indicator", ref: indicatorRef },
    createdOn: (input) => `#/indicators/${input.indicatorID}`,
    fields: [
      { name: "indicatorID", label: "Mått", kind: "ref", ref: indicatorRef, required: true, createOnly: true },
      { name: "year", label: "År", kind: "year", required: true, hint: "Ett år inom handlingsplanens period; ett målvärde för planens sista år gäller alla år före det." },
      { name: "value", label: "Målvärde", kind: "decimal", required: true },
    ],
    columns: [
      { label: "År", value: (t) => String(t.year), order: "YEAR", link: true },
      { label: "Målvärde", value: (t) => num(t.value), numeric: true },
      { label: "Mått", value: (t) => t.indicator.name },
    ],
    listFields: "year value indicator { name }",
    defaultOrder: { field: "YEAR", direction: "ASC" },
    detailFields: `year value indicator { id name unit ${ownerFields} }`,
    breadcrumbs: (t) => [...ownerCrumbs(t.indicator), ["Indicator", t.indicator]],
    children: () => [],
    cascade: () => [],
  },

  IndicatorValue: {
    root: "indicatorValues",
    route: "indicatorValues",
    one: "värde",
    neuter: true,
    many: "Uppmätta värden",
    title: (v) => `${v.indicator.name}, ${v.year}${v.period ? ` ${valuePeriodLabels[v.period].toLowerCase()}` : ""}${v.municipality ? `, ${v.municipality.name}` : ""}`,
    parent: { field: "indicatorID", edge: "indicator", ref: indicatorRef },
    labels: { enteredBy: "Inmatat av" },
    // A follow-up's figure is added on the follow-up's page, and shown there.
    createdOn: (input) => (input.followUpID ? `#/followUps/${input.followUpID}` : `#/indicators/${input.indicatorID}`),
    fields: [
      { name: "indicatorID", label: "Mått", kind: "ref", ref: indicatorRef, required: true, createOnly: true },
      { name: "year", label: "År", kind: "year", required: true, createOnly: true },
      { name: "period", label: "Del av året", kind: "select", options: options(valuePeriodLabels), createOnly: true, hint: "Lämna tomt för helåret, som utfallet räknas på." },
      { name: "municipalityID", label: "Kommun", kind: "ref", ref: municipalityRef, createOnly: true, hint: "För ett mått per kommun; tomt för hela länet." },
      { name: "followUpID", label: "Uppföljning", kind: "ref", ref: followUpRef, createOnly: true, hint: "Om värdet är en siffra ur en uppföljning: samma år, och en kommun som deltar i aktiviteten." },
      { name: "value", label: "Värde", kind: "decimal", required: true },
      { name: "source", label: "Källa", kind: "select", options: options(sourceLabels), default: "OWN", hint: "En siffra ur en uppföljning får källan uppföljning." },
    ],
    columns: [
      { label: "År", value: (v) => `${v.year}${v.period ? ` ${v.period}` : ""}`, order: "YEAR", link: true },
      { label: "Mått", value: (v) => v.indicator.name },
      { label: "Kommun", value: (v) => v.municipality?.name || "Hela länet" },
      { label: "Värde", value: (v) => num(v.value), order: "VALUE", numeric: true },
      { label: "Källa", value: (v) => (v.source === "KOLADA" ? "Källa: Kolada" : sourceLabels[v.source]) },
      { label: "Inmatat av", value: (v) => v.enteredBy || "" },
    ],
    listFields: "year period value source enteredBy municipality { name } indicator { name }",
    defaultOrder: { field: "YEAR", direction: "DESC" },
    detailFields: `year period value source enteredBy updatedAt municipality { id name code } followUp { id date activity { title } } indicator { id name unit ${ownerFields} }`,
    breadcrumbs: (v) => [...ownerCrumbs(v.indicator), ["Indicator", v.indicator]],
    children: () => [],
    cascade: () => [],
  },

  GoalAssessment: {
    root: "goalAssessments",
    route: "assessments",
    one: "bedömning",
    many: "Bedömningar",
    title: (a) => `Bedömning ${a.year}: ${goalName(a.goal)}`,
    labels: { author: "Av" },
    parent: { field: "goalID", edge: "goal", ref: goalRef },
    createdOn: (input) => `#/goals/${input.goalID}`,
    fields: [
      { name: "goalID", label: "Utvecklingsmål", kind: "ref", ref: goalRef, required: true, createOnly: true },
      { name: "year", label: "År", kind: "year", required: true, hint: "Ett år inom handlingsplanens period; en bedömning per mål och år." },
      { name: "light", label: "Bedömning", kind: "select", options: options(assessmentLabels), required: true, default: "GREEN" },
      { name: "text", label: "Motivering", kind: "textarea", hint: "Varför: vad måtten och aktiviteterna visar." },
    ],
    columns: [
      { label: "År", value: (a) => String(a.year), order: "YEAR", link: true },
      { label: "Mål", value: (a) => goalName(a.goal) },
      { label: "Bedömning", value: (a) => assessmentLabels[a.light], assessment: true, raw: (a) => a.light },
      { label: "Motivering", value: (a) => a.text || "", wrap: true },
      { label: "Av", value: (a) => a.author || "" },
    ],
    listFields: "year light text author goal { number title area }",
    filters: [{ name: "goal", label: "Mål", kind: "ref", ref: goalRef, where: (id) => ({ hasGoalWith: [{ id }] }) }],
    defaultOrder: { field: "YEAR", direction: "DESC" },
    detailFields: "year light text author updatedAt goal { id number title area plan { id name } }",
    breadcrumbs: (a) => [["Plan", a.goal.plan], ["Goal", a.goal]],
    children: () => [],
    cascade: () => [],
  },

  FollowUpDeadline: {
    root: "followUpDeadlines",
    route: "deadlines",
    one: "uppföljningsdatum",
    neuter: true, // ett uppföljningsdatum: nytt, skapat, borttaget
    many: "Uppföljningsdatum",
    title: (d) => `${periodLabels[d.period]} ${d.year}: senast ${date(d.dueDate)}`,
    parent: { field: "planID", edge: "plan", ref: planRef },
    createdOn: (input) => `#/plans/${input.planID}`,
    fields: [
      { name: "planID", label: "Handlingsplan", kind: "ref", ref: planRef, required: true, createOnly: true },
      { name: "year", label: "År", kind: "year", required: true, hint: "Året som följs upp, inom handlingsplanens period." },
      { name: "period", label: "Period", kind: "select", options: options(periodLabels), required: true, default: "YEAR" },
      { name: "dueDate", label: "Sista dag", kind: "date", required: true, hint: "När periodens uppföljningar ska vara inne." },
    ],
    columns: [
      { label: "År", value: (d) => String(d.year), order: "YEAR", link: true },
      { label: "Period", value: (d) => periodLabels[d.period] },
      { label: "Sista dag", value: (d) => date(d.dueDate), order: "DUE_DATE" },
    ],
    listFields: "year period dueDate",
    defaultOrder: { field: "DUE_DATE", direction: "ASC" },
    detailFields: "year period dueDate plan { id name }",
    breadcrumbs: (d) => [["Plan", d.plan]],
    children: () => [],
    cascade: () => [],
  },

  PlanRevision: {
    root: "planRevisions",
    route: "revisions",
    one: "revidering",
    many: "Revideringar",
    title: (r) => `Revidering ${date(r.decidedOn)}`,
    parent: { field: "planID", edge: "plan", ref: planRef },
    createdOn: (input) => `#/plans/${input.planID}`,
    fields: [
      { name: "planID", label: "Handlingsplan", kind: "ref", ref: planRef, required: true, createOnly: true },
      { name: "decidedOn", label: "Beslutsdatum", kind: "date", required: true, hint: "Inom handlingsplanens period, eller året före eller efter den." },
      { name: "note", label: "Vad som ändrades", kind: "textarea", required: true },
      { name: "decidedBy", label: "Beslutande organ", kind: "text", hint: "T.ex. Regionala utvecklingsnämnden." },
      { name: "caseNumber", label: "Diarienummer", kind: "text" },
    ],
    columns: [
      { label: "Beslutsdatum", value: (r) => date(r.decidedOn), order: "DECIDED_ON", link: true },
      { label: "Vad som ändrades", value: (r) => r.note, wrap: true },
      { label: "Beslutande organ", value: (r) => r.decidedBy || "" },
      { label: "Diarienummer", value: (r) => r.caseNumber || "" },
    ],
    listFields: "decidedOn note decidedBy caseNumber",
    defaultOrder: { field: "DECIDED_ON", direction: "DESC" },
    detailFields: "decidedOn note decidedBy caseNumber plan { id name }",
    breadcrumbs: (r) => [["Plan", r.plan]],
    children: () => [],
    cascade: () => [],
  },

  Municipality: {
    root: "municipalities",
    route: "municipalities",
    one: "kommun",
    many: "Kommuner",
    title: (m) => m.name,
    fields: [
      { name: "code", label: "Kommunkod", kind: "text", required: true, hint: "Fyra siffror enligt SCB, t.ex. 1880. Länskoden följer av de två första." },
      { name: "name", label: "Namn", kind: "text", required: true },
      { name: "officialName", label: "Officiellt namn", kind: "text", hint: "T.ex. Lekebergs kommun." },
    ],
    columns: [
      { label: "Kommun", value: (m) => m.name, order: "NAME", link: true },
      { label: "Kod", value: (m) => m.code, order: "CODE" },
      { label: "Län", value: (m) => m.countyCode, order: "COUNTY_CODE" },
      { label: "Aktiviteter", value: (m) => num(m.activities.totalCount), order: "ACTIVITIES_COUNT", numeric: true },
      { label: "Aktörer", value: (m) => num(m.institutions.totalCount), order: "INSTITUTIONS_COUNT", numeric: true },
    ],
    listFields: "name code countyCode activities { totalCount } institutions { totalCount }",
    search: { field: "nameContainsFold", label: "Sök kommun" },
    defaultOrder: { field: "NAME", direction: "ASC" },
    detailFields: "code name officialName countyCode",
    children: (m) => [
      { type: "Activity", title: "Aktiviteter kommunen deltar i", where: { hasMunicipalitiesWith: [{ id: m.id }] }, empty: "Kommunen deltar inte i någon aktivitet." },
      { type: "Institution", title: "Aktörer i kommunen", where: { hasMunicipalityWith: [{ id: m.id }] }, preset: { municipalityID: m.id } },
    ],
    cascade: (m) => [],
    keeps: "Kommunens kopplingar till aktiviteter tas bort; aktiviteterna finns kvar. Aktörer i kommunen finns kvar utan hemkommun.",
  },

  Institution: {
    root: "institutions",
    route: "institutions",
    one: "aktör",
    many: "Aktörer",
    title: (i) => i.name,
    fields: [
      { name: "name", label: "Namn", kind: "text", required: true },
      { name: "kind", label: "Slag", kind: "select", options: options(kindLabels), default: "OTHER" },
      { name: "municipalityID", label: "Hemkommun", kind: "ref", ref: municipalityRef, hint: "Lämna tom för regionala aktörer." },
      { name: "website", label: "Webbplats", kind: "url" },
      { name: "legalForm", label: "Juridisk form och ägare", kind: "text" },
      { name: "description", label: "Beskrivning", kind: "textarea" },
    ],
    columns: [
      { label: "Namn", value: (i) => i.name, order: "NAME", link: true },
      { label: "Slag", value: (i) => kindLabels[i.kind], order: "KIND" },
      { label: "Hemkommun", value: (i) => i.municipality?.name || "–", order: "MUNICIPALITY_NAME" },
      { label: "Aktiviteter", value: (i) => num(i.activities.totalCount), order: "ACTIVITIES_COUNT", numeric: true },
    ],
    listFields: "name kind municipality { name } activities { totalCount }",
    search: { field: "nameContainsFold", label: "Sök aktör" },
    filters: [
      { name: "kind", label: "Slag", kind: "select", options: options(kindLabels), where: (v) => ({ kind: v }) },
      { name: "municipality", label: "Hemkommun", kind: "ref", ref: municipalityRef, where: (id) => ({ hasMunicipalityWith: [{ id }] }) },
    ],
    defaultOrder: { field: "NAME", direction: "ASC" },
    detailFields: "name kind website legalForm description municipality { id name code }",
    children: (i) => [
      { type: "Goal", title: "Utvecklingsmål som nämner aktören", where: { hasActorsWith: [{ id: i.id }] }, empty: "Inget utvecklingsmål nämner aktören." },
      { type: "Activity", title: "Aktiviteter aktören deltar i", where: { hasInstitutionsWith: [{ id: i.id }] }, empty: "Aktören deltar inte i någon aktivitet." },
    ],
    cascade: () => [],
    keeps: "Aktörens kopplingar till aktiviteter tas bort; aktiviteterna finns kvar.",
  },

  // The kulturplan's perspectives: reference data, changed by admins.
  Perspective: {
    root: "perspectives",
    route: "perspectives",
    one: "perspektiv",
    neuter: true, // ett perspektiv: nytt, skapat, borttaget
    many: "Perspektiv",
    title: (p) => p.name,
    fields: [
      { name: "name", label: "Namn", kind: "text", required: true, hint: "Som kulturplanen skriver det, t.ex. Jämställdhet." },
      { name: "position", label: "Ordning", kind: "int", hint: "Perspektivets plats i kulturplanens ordning, från 0." },
      { name: "description", label: "Beskrivning", kind: "textarea" },
    ],
    columns: [
      { label: "Perspektiv", value: (p) => p.name, order: "NAME", link: true },
      { label: "Ordning", value: (p) => num(p.position), order: "POSITION", numeric: true },
      { label: "Aktiviteter", value: (p) => num(p.activities.totalCount), numeric: true },
    ],
    listFields: "name position activities { totalCount }",
    search: { field: "nameContainsFold", label: "Sök perspektiv" },
    defaultOrder: { field: "POSITION", direction: "ASC" },
    detailFields: "name position description",
    children: (p) => [
      { type: "Activity", title: "Aktiviteter med perspektivet", where: { hasPerspectivesWith: [{ id: p.id }] }, empty: "Ingen aktivitet har perspektivet ännu." },
    ],
    cascade: () => [],
    keeps: "Aktiviteterna finns kvar; bara deras koppling till perspektivet tas bort.",
  },

  // Groups of municipalities the region names in its texts ("den norra
  // delen"): defined by admins; a filter of the activity list and a
  // shortcut in the municipality picker.
  MunicipalityGroup: {
    root: "municipalityGroups",
    route: "municipalityGroups",
    one: "kommungrupp",
    many: "Kommungrupper",
    title: (g) => g.name,
    fields: [
      { name: "name", label: "Namn", kind: "text", required: true, hint: "Som regionen skriver det, t.ex. den norra delen." },
      { name: "municipalityIDs", label: "Kommuner i gruppen", kind: "links", ref: municipalityRef, edge: "municipalities" },
      { name: "description", label: "Beskrivning", kind: "textarea", hint: "Vad gruppen är och var indelningen kommer ifrån." },
    ],
    columns: [
      { label: "Kommungrupp", value: (g) => g.name, order: "NAME", link: true },
      { label: "Kommuner", value: (g) => num(g.municipalities.totalCount), order: "MUNICIPALITIES_COUNT", numeric: true },
    ],
    listFields: "name municipalities { totalCount }",
    search: { field: "nameContainsFold", label: "Sök kommungrupp" },
    defaultOrder: { field: "NAME", direction: "ASC" },
    detailFields: "name description",
    children: (g) => [
      { type: "Municipality", title: "Kommuner i gruppen", where: { hasGroupsWith: [{ id: g.id }] }, empty: "Gruppen har inga kommuner ännu." },
      {
        type: "Activity",
        title: "Aktiviteter i gruppens kommuner",
        where: { hasMunicipalitiesWith: [{ hasGroupsWith: [{ id: g.id }] }] },
        empty: "Ingen aktivitet i gruppens kommuner.",
      },
    ],
    cascade: () => [],
    keeps: "Kommunerna och deras aktiviteter finns kvar.",
  },

  // Users: admins only (the server lets nobody else list or change them).
  User: {
    root: "users",
    route: "users",
    one: "användare",
    many: "Användare",
    adminOnly: true,
    title: (u) => u.displayName,
    fields: [
      { name: "displayName", label: "Namn", kind: "text", required: true, hint: "Som andra ser det, t.ex. Anna Berg." },
      {
        name: "username",
        label: "Användarnamn",
        kind: "text",
        required: true,
        autocomplete: "off",
        hint: "Det användaren loggar in med: små bokstäver a–z, siffror, punkt, bindestreck och understreck, t.ex. anna.berg.",
      },
      {
        name: "role",
        label: "Roll",
        kind: "select",
        options: options(roleLabels),
        default: "EDITOR",
        hint: "Administratör: allt, även användare och API-nycklar. Redaktör: ändrar aktiviteterna som kommunerna och aktörerna nedan deltar i, och deras uppföljningar. Läsare: läser.",
      },
      { name: "municipalityIDs", label: "Kommuner", kind: "links", ref: municipalityRef, edge: "municipalities", plain: true, hint: "En redaktörs ansvarsområde. Flera redaktörer kan ha samma kommun." },
      { name: "institutionIDs", label: "Aktörer", kind: "links", ref: institutionRef, edge: "institutions", plain: true, hint: "En redaktörs ansvarsområde. Flera redaktörer kan ha samma aktör." },
      { name: "password", label: "Lösenord", kind: "password", arg: "String!", required: true, createOnly: true, hint: "Minst 10 tecken. Ge det till användaren på ett säkert sätt." },
      {
        name: "password",
        label: "Nytt lösenord",
        kind: "password",
        arg: "String",
        editOnly: true,
        hint: "Lämna tomt för att behålla lösenordet. Ett nytt lösenord loggar ut användaren överallt.",
      },
      {
        name: "disabled",
        label: "Avstängd",
        kind: "bool",
        editOnly: true,
        hint: "En avstängd användare kan inte logga in, och dess inloggningar och API-nycklar slutar gälla tills användaren aktiveras igen. Den sista administratören kan inte stängas av.",
      },
    ],
    columns: [
      { label: "Namn", value: (u) => u.displayName, order: "DISPLAY_NAME", link: true },
      { label: "Användarnamn", value: (u) => u.username, order: "USERNAME" },
      { label: "Roll", value: (u) => roleLabels[u.role], order: "ROLE" },
      { label: "Ansvarsområde", value: (u) => [...(u.municipalities || []), ...(u.institutions || [])].map((x) => x.name).join(", ") || "–", wrap: true },
      { label: "Skapad", value: (u) => dateTime(u.createdAt), order: "CREATED_AT" },
      { label: "Status", value: (u) => (u.disabled ? "Avstängd" : "Aktiv") },
    ],
    listFields: "username displayName role disabled createdAt municipalities { name } institutions { name }",
    search: { label: "Sök användare", where: (term) => ({ or: [{ usernameContainsFold: term }, { displayNameContainsFold: term }] }) },
    filters: [
      { name: "role", label: "Roll", kind: "select", options: options(roleLabels), where: (v) => ({ role: v }) },
      {
        name: "status",
        label: "Status",
        kind: "select",
        options: [
          { value: "enabled", label: "Aktiv" },
          { value: "disabled", label: "Avstängd" },
        ],
        where: (v) => ({ disabled: v === "disabled" }),
      },
    ],
    defaultOrder: { field: "DISPLAY_NAME", direction: "ASC" },
    detailFields: "username displayName role disabled createdAt updatedAt municipalities { id name code } institutions { id name kind }",
    children: () => [],
    cascade: () => [],
    keeps: "Användarens inloggningar och API-nycklar tas bort. Ändringsloggen behåller användarnamnet.",
  },
};

/** words are the forms of a type's name that the page's sentences need. */
export function words(type) {
  const one = type.one;
  const One = one[0].toUpperCase() + one.slice(1);
  return type.neuter
    ? { new: `Nytt ${one}`, created: `${One} skapat.`, deleted: `${One} borttaget.` }
    : { new: `Ny ${one}`, created: `${One} skapad.`, deleted: `${One} borttagen.` };
}

/** typeByRoute finds a type from the first part of the page's address. */
export function typeByRoute(route) {
  return Object.entries(types).find(([, t]) => t.route === route)?.[0];
}

/** fieldLabel is the Swedish name of a field of typeName as the API names it (title, objectiveID, municipalities). */
export function fieldLabel(typeName, name) {
  const f = types[typeName]?.fields.find((x) => x.name === name || x.edge === name || x.name === `${name}ID`);
  return f ? f.label : types[typeName]?.labels?.[name] || null;
}
