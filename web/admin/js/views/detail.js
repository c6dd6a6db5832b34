// One object: its fields, the way up to its plan, what hangs under it, and
// buttons to edit and delete it.

import { h, replace, num, count, date, dateTime, announce } from "../dom.js";
import { gql } from "../gql.js";
import { types, words } from "../types.js";
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
  licenseLabels,
  openDataTables,
} from "../labels.js";
import { listView } from "../ui/list.js";
import { confirmDialog } from "../ui/dialog.js";
import { showError, showNotice } from "../ui/banner.js";
import { may, isAdmin, activityInScope } from "../access.js";
import { historyView } from "./audit.js";
import { tokenType } from "./tokens.js";
import { follow, liveTypes } from "../live.js";
import { swedish } from "../messages.js";
import { asOfPicker, asOfLink } from "./asof.js";

/** detailView loads and shows the object id of typeName. */
export async function detailView(typeName, id) {
  const type = types[typeName];
  // An admin's history reverts changes based on the version shown.
  const version = isAdmin() && typeName !== "Token" ? " version" : "";
  const query = `query Detail($id: ID!) { node(id: $id) { id ... on ${typeName} { ${type.detailFields}${version} } } }`;
  const data = await gql(query, { id });
  let node = data.node;
  const title = type.title(node);

  const crumbs = [h("a", { href: `#/${type.route}` }, type.many)];
  for (const [t, n] of type.breadcrumbs ? type.breadcrumbs(node) : []) {
    crumbs.push(h("a", { href: `#/${types[t].route}/${n.id}` }, types[t].title(n)));
  }

  // Only what the role may do is offered; the server refuses the rest.
  const activityID = typeName === "Activity" ? node.id : typeName === "FollowUp" ? node.activity.id : null;
  const inScope = activityID ? await activityInScope(activityID) : false;
  const edit = may("update", typeName, { inScope }) ? h("a", { class: "button primary", href: `#/${type.route}/${id}/edit` }, "Redigera") : null;
  const remove = may("delete", typeName, { inScope }) ? h("button", { type: "button", class: "button danger", onclick: () => destroy(typeName, node) }, "Ta bort") : null;
  // The next plan period starts from this one (views/nextperiod.js).
  const next = typeName === "Plan" && may("create", "Plan") ? h("a", { class: "button", href: `#/plans/${id}/next` }, "Starta nästa period") : null;
  // The yearly report to the council (views/yearlyreport.js), for anyone.
  const yearly = typeName === "Plan" ? h("a", { class: "button", href: `#/plans/${id}/report` }, "Årsrapport") : null;

  // The parts that show the record itself, drawn anew when someone else
  // changes it (see follow below).
  const heading = h("h1", {}, title);
  const liveNote = h("p", { class: "live-note", hidden: true }); // announced, see changed
  let shownFacts = facts(typeName, node) || h("div", { hidden: true });
  let shownLinks = links(typeName, node) || h("div", { hidden: true });
  const history = () => (isAdmin() || may("update", typeName, { inScope }) ? historyView(typeName, node.id, node.version) : h("div", { hidden: true }));
  let shownHistory = history();

  const article = h(
    "article",
    { class: "detail" },
    h("nav", { class: "breadcrumbs", "aria-label": "Du är här" }, h("ol", {}, crumbs.map((c) => h("li", {}, c)))),
    h("div", { class: "page-head" }, h("div", {}, h("p", { class: "kicker" }, type.one), heading), h("div", { class: "actions" }, yearly, edit, next, remove)),
    liveNote,
    shownFacts,
    typeName === "Indicator" ? koladaFetch(node, () => refresh()) : null,
    typeName === "Plan" && isAdmin() ? asOfPicker(node.id) : null,
    shownLinks,
    (type.children(node) || []).map((c) =>
      listView({
        typeName: c.type,
        where: c.where,
        order: c.order,
        title: c.title,
        compact: true,
        empty: c.empty,
        newLink: c.preset && may("create", c.type, { inScope }) ? newLink(c.type, c.preset) : null,
      }),
    ),
    typeName === "User"
      ? listView({
          typeName: "Token",
          type: tokenType,
          where: { hasUserWith: [{ id: node.id }], revokedAtIsNil: true, or: [{ expiresAtIsNil: true }, { expiresAtGT: new Date().toISOString() }] },
          title: "Aktiva inloggningar och API-nycklar",
          compact: true,
          empty: "Användaren har inga aktiva inloggningar eller API-nycklar.",
        })
      : null,
    // Who changed what: admins read every record's history, an editor
    // that of the records it may edit (the server narrows the trail to
    // them, and shows it to no one else).
    shownHistory,
  );

  /**
   * refresh loads the record again and draws what shows it anew (the
   * lists under it follow their own records). It returns "deleted" when
   * the record is gone, "changed" when it differs from what was shown,
   * else "" (also when it could not be loaded: the page stays as it was).
   */
  async function refresh() {
    let fresh;
    try {
      fresh = (await gql(query, { id }, { partial: true })).node;
    } catch (e) {
      return "";
    }
    if (!fresh) return "deleted";
    if (JSON.stringify(fresh) === JSON.stringify(node)) return "";
    node = fresh;
    heading.textContent = type.title(node);
    const f = facts(typeName, node) || h("div", { hidden: true });
    const l = links(typeName, node) || h("div", { hidden: true });
    const hv = history();
    shownFacts.replaceWith(f);
    shownLinks.replaceWith(l);
    shownHistory.replaceWith(hv);
    [shownFacts, shownLinks, shownHistory] = [f, l, hv];
    return "changed";
  }

  /** changed shows the record as it is now, after someone else changed or deleted it. */
  async function changed(changes) {
    const now = changes?.some((c) => c.action === "DELETE") ? "deleted" : await refresh();
    let said;
    if (now === "deleted") {
      said = `Någon annan har tagit bort ${type.one} medan du tittade på den.`;
      edit?.remove();
      remove?.remove();
    } else if (now === "changed") {
      said = `Någon annan har ändrat ${type.one} just nu: sidan visar den nya versionen.`;
    } else {
      return;
    }
    liveNote.textContent = said;
    liveNote.hidden = false;
    announce(said);
  }
  if (liveTypes.includes(typeName)) follow(article, { types: [typeName], ids: [node.id] }, changed);
  return article;
}

/**
 * koladaFetch is an admin's button that fetches an indicator's values
 * from Kolada (the mutation fetchKolada), for an indicator per
 * municipality linked to a Kolada key figure; it says what was fetched,
 * or why nothing was, and then refresh shows the indicator as it is now.
 */
function koladaFetch(indicator, refresh) {
  if (!isAdmin() || !indicator.koladaKpi || indicator.scope !== "MUNICIPALITY") return null;
  const result = h("div", { class: "kolada-result", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "button", onclick: () => run() }, "Hämta från Kolada");
  const el = h(
    "section",
    { class: "panel kolada", "aria-labelledby": "kolada-title" },
    h("h2", { id: "kolada-title" }, "Kolada"),
    h("p", { class: "hint" }, `Hämtar nyckeltalet ${indicator.koladaKpi} för planens kommuner och år. Värden som planen matat in själv ändras aldrig.`),
    button,
    result,
  );
  async function run() {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    result.className = "kolada-result";
    replace(result, h("p", {}, "Hämtar från Kolada…"));
    try {
      const data = await gql(
        `mutation FetchKolada($id: ID!) { fetchKolada(indicatorID: $id) {
          kpi created updated unchanged keptOwn skipped missing { municipality { name } years } } }`,
        { id: indicator.id },
      );
      const r = data.fetchKolada;
      const values = (n) => count(n, "värde", "värden");
      const lines = [
        h("p", {}, `Hämtat från Kolada (${r.kpi}): ${num(r.created)} nya värden, ${num(r.updated)} ändrade och ${num(r.unchanged)} oförändrade.`),
        r.keptOwn ? h("p", {}, `${values(r.keptOwn)} som planen matat in själv behölls.`) : null,
        r.skipped ? h("p", {}, `${values(r.skipped)} utanför planens kommuner och år hoppades över.`) : null,
        r.missing.length
          ? h("p", {}, "Kolada saknar värden för ", r.missing.map((m) => `${m.municipality.name} (${m.years.join(", ")})`).join(", "), ".")
          : null,
      ];
      replace(result, lines);
      const list = el.closest("article")?.querySelectorAll("section.list-view") || [];
      for (const l of list) l.dispatchEvent(new Event("reload"));
      await refresh();
    } catch (e) {
      result.className = "kolada-result problems";
      replace(result, h("p", {}, `Inget hämtades: ${swedish(e.message || "", e.field || "", e.code || "")}`));
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }
  return el;
}

/**
 * openData says whether the plan is exported as open data, under which
 * licence and whom to ask, and links its files and the catalogue. Whether
 * it is exported the server says (openDataExported): a public server
 * exports every plan but a draft, a private one only those an admin has
 * published.
 */
function openData(p) {
  const a = (href, text) => h("a", { href }, text);
  const base = `/open/v1/plans/${p.id}`;
  if (p.state === "DRAFT") return h("p", {}, "Publiceras när planen inte längre är ett utkast.");
  if (!p.openDataExported) return h("p", {}, "Inte publicerad. En administratör kan publicera planen under Redigera.");
  const license = h("a", { href: p.dataLicense, rel: "noreferrer noopener", target: "_blank" }, licenseLabels[p.dataLicense] || p.dataLicense);
  return h(
    "div",
    { class: "open-data" },
    h("p", {}, "Öppna data under licensen ", license, p.dataContact ? `. Kontakt: ${p.dataContact}.` : "."),
    h(
      "ul",
      {},
      h("li", {}, a(`${base}.json`, "Hela planen (JSON)")),
      openDataTables.map(([name, label]) => h("li", {}, `${label}: `, a(`${base}/${name}.csv`, "CSV"), ", ", a(`${base}/${name}.json`, "JSON"))),
      h("li", {}, a("/open/v1/catalog.rdf", "Katalogen för Sveriges dataportal (DCAT-AP-SE)")),
    ),
  );
}


/** newLink is the address of the form creating a typeName with preset values. */
function newLink(typeName, preset) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(preset)) {
    if (typeof v === "string") params.set(k, v);
    else if (v && v.id && k === "goal") params.set("goalID", v.id);
  }
  return `#/${types[typeName].route}/new?${params}`;
}

/** facts lists the object's own fields as a description list. */
function facts(typeName, n) {
  const rows = [];
  const add = (label, value) => {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) return;
    rows.push(h("dt", {}, label), h("dd", {}, value));
  };
  const list = (items) => h("ul", { class: "tags" }, items.map((i) => h("li", {}, i)));
  const link = (t, x, label) => h("a", { href: `#/${types[t].route}/${x.id}` }, label || types[t].title(x));
  switch (typeName) {
    case "Plan":
      add("Region", n.region);
      add("Länskod", n.countyCode);
      add("Period", `${n.firstYear}–${n.lastYear}`);
      add("Status", h("span", { class: `badge plan-${n.state.toLowerCase()}` }, planStateLabels[n.state]));
      add("Konkretiserar", n.parentPlan);
      add("Inledning till målen", n.goalsIntro ? `${n.goalsIntro} …` : null);
      add("Källa", n.sourceURL ? h("a", { href: n.sourceURL, rel: "noreferrer noopener", target: "_blank" }, n.sourceURL) : null);
      add("Källan uppdaterad", date(n.sourceDate));
      add("Beskrivning", paragraphs(n.description));
      add("Öppna data", openData(n));
      break;
    case "Goal":
      add("Handlingsplan", link("Plan", n.plan));
      add("Nummer", String(n.number));
      add("Utvecklingsområde", n.area);
      // The whole sentence the plan means: its goals' intro and the statement.
      add("Målformulering", paragraphs(n.sentence || n.statement));
      add("Fokusområden", n.focusAreas?.length ? list(n.focusAreas) : null);
      add("Målgrupper", n.targetGroups?.length ? list(n.targetGroups) : null);
      add("Beskrivning", paragraphs(n.description));
      break;
    case "Objective":
      add("Utvecklingsmål", link("Goal", n.goal));
      add("Beskrivning", paragraphs(n.description));
      break;
    case "Activity":
      add("Status", h("span", { class: `badge status-${n.status.toLowerCase()}` }, statusLabels[n.status]));
      add("Utvecklingsmål", link("Goal", n.objective.goal, goalName(n.objective.goal)));
      add("Rubrik", link("Objective", n.objective));
      add("Prioriterad", n.firstYear ? (n.lastYear && n.lastYear !== n.firstYear ? `${n.firstYear}–${n.lastYear}` : String(n.firstYear)) : null);
      add("Perspektiv", n.perspectives.edges.length ? list(n.perspectives.edges.map(({ node }) => link("Perspective", node))) : null);
      add("Ansvarig", n.lead);
      add("Startdatum", date(n.startDate));
      add("Slutdatum", date(n.endDate));
      add("Avstämning", date(n.nextReview));
      // Carried over between plan periods: the history and follow-ups stay
      // with the activity of the earlier plan.
      add("Fortsätter från", n.predecessor ? periodLink(n.predecessor) : null);
      add("Fortsätter i", n.successor ? periodLink(n.successor) : null);
      add("Beskrivning", paragraphs(n.description));
      add("Senast ändrad", dateTime(n.updatedAt));
      break;
    case "FollowUp":
      add("Aktivitet", link("Activity", n.activity));
      add("Datum", date(n.date));
      add("Period", periodLabels[n.period]);
      add(
        "Rapporterad status",
        n.status
          ? [
              h("span", { class: `badge status-${n.status.toLowerCase()}` }, statusLabels[n.status]),
              n.activity.status !== n.status ? h("span", { class: "status-differs" }, ` Skiljer sig från aktivitetens status, som är ${statusLabels[n.activity.status].toLowerCase()}.`) : null,
            ]
          : null,
      );
      add("Bedömning", n.assessment ? h("span", { class: `badge assessment-${n.assessment.toLowerCase()}` }, assessmentLabels[n.assessment]) : null);
      add("Text", paragraphs(n.text));
      add("Skriven av", n.author);
      add("Registrerad", dateTime(n.createdAt));
      if (dateTime(n.updatedAt) !== dateTime(n.createdAt)) add("Senast ändrad", dateTime(n.updatedAt));
      break;
    case "Indicator": {
      const owner = n.goal ? link("Goal", n.goal, goalName(n.goal)) : n.objective ? link("Objective", n.objective) : n.activity ? link("Activity", n.activity) : null;
      add(n.goal ? "Mäter utvecklingsmål" : n.objective ? "Mäter rubriken" : "Mäter aktiviteten", owner);
      add("Enhet", n.unit);
      add("Mäts", scopeLabels[n.scope]);
      if (n.scope === "MUNICIPALITY") add("Länets utfall", aggregationLabels[n.aggregation]);
      add("Riktning", directionLabels[n.direction]);
      add("Utgångsvärde", n.baselineValue === null ? null : `${num(n.baselineValue)} (${n.baselineYear})`);
      add("Kolada-nyckeltal", n.koladaKpi);
      add("Hämtat från Kolada", dateTime(n.koladaFetchedAt));
      add("Beskrivning", paragraphs(n.description));
      break;
    }
    case "IndicatorTarget":
      add("Mått", link("Indicator", n.indicator, n.indicator.name));
      add("År", String(n.year));
      add("Målvärde", `${num(n.value)}${n.indicator.unit ? ` ${n.indicator.unit}` : ""}`);
      break;
    case "IndicatorValue":
      add("Mått", link("Indicator", n.indicator, n.indicator.name));
      add("Mäter", indicatorOwner(n.indicator));
      add("År", String(n.year));
      add("Del av året", n.period ? valuePeriodLabels[n.period] : "Helår");
      add("Kommun", n.municipality ? link("Municipality", n.municipality) : "Hela länet");
      add("Ur uppföljningen", n.followUp ? link("FollowUp", n.followUp, `${date(n.followUp.date)}: ${n.followUp.activity.title}`) : null);
      add("Värde", `${num(n.value)}${n.indicator.unit ? ` ${n.indicator.unit}` : ""}`);
      add("Källa", n.source === "KOLADA" ? "Källa: Kolada" : sourceLabels[n.source]);
      add("Inmatat av", n.enteredBy);
      add("Senast ändrat", dateTime(n.updatedAt));
      break;
    case "GoalAssessment":
      add("Utvecklingsmål", link("Goal", n.goal, goalName(n.goal)));
      add("År", String(n.year));
      add("Bedömning", h("span", { class: `badge assessment-${n.light.toLowerCase()}` }, assessmentLabels[n.light]));
      add("Motivering", paragraphs(n.text));
      add("Av", n.author);
      add("Senast ändrad", dateTime(n.updatedAt));
      break;
    case "FollowUpDeadline":
      add("Handlingsplan", link("Plan", n.plan));
      add("År", String(n.year));
      add("Period", periodLabels[n.period]);
      add("Sista dag", date(n.dueDate));
      break;
    case "PlanRevision":
      add("Handlingsplan", link("Plan", n.plan));
      add("Beslutsdatum", date(n.decidedOn));
      add("Beslutande organ", n.decidedBy);
      add("Diarienummer", n.caseNumber);
      add("Vad som ändrades", paragraphs(n.note));
      if (isAdmin()) add("Planen då", h("a", { href: asOfLink(n.plan.id, n.decidedOn) }, `Visa planen som den var den ${date(n.decidedOn)}`));
      break;
    case "Municipality":
      add("Kommunkod", n.code);
      add("Officiellt namn", n.officialName);
      add("Länskod", n.countyCode);
      break;
    case "User":
      add("Användarnamn", n.username);
      add("Roll", roleLabels[n.role]);
      add("Status", n.disabled ? h("span", { class: "badge status-cancelled" }, "Avstängd: kan inte logga in") : "Aktiv");
      add("Skapad", dateTime(n.createdAt));
      add("Senast ändrad", dateTime(n.updatedAt));
      break;
    case "Perspective":
      add("Ordning", String(n.position));
      add("Beskrivning", paragraphs(n.description));
      break;
    case "MunicipalityGroup":
      add("Beskrivning", paragraphs(n.description));
      break;
    case "Institution":
      add("Slag", kindLabels[n.kind]);
      add("Hemkommun", n.municipality ? link("Municipality", n.municipality) : "Ingen (regional aktör)");
      add("Webbplats", n.website ? h("a", { href: n.website, rel: "noreferrer noopener", target: "_blank" }, n.website) : null);
      add("Juridisk form och ägare", n.legalForm);
      add("Beskrivning", paragraphs(n.description));
      break;
  }
  return rows.length ? h("dl", { class: "facts" }, rows) : null;
}

/** links shows an activity's municipalities and institutions. */
function links(typeName, n) {
  if (typeName === "User") {
    const group = (title, items, t, empty) =>
      h(
        "section",
        { class: "links" },
        h("h2", {}, title, " ", h("span", { class: "count" }, `(${num(items.length)})`)),
        items.length ? h("ul", { class: "link-list" }, items.map((x) => h("li", {}, h("a", { href: `#/${types[t].route}/${x.id}` }, types[t].title(x))))) : h("p", { class: "muted" }, empty),
      );
    if (n.role !== "EDITOR" && !n.municipalities.length && !n.institutions.length) return null;
    return h(
      "div",
      { class: "link-groups" },
      group("Kommuner i ansvarsområdet", n.municipalities, "Municipality", "Ingen kommun."),
      group("Aktörer i ansvarsområdet", n.institutions, "Institution", "Ingen aktör."),
    );
  }
  if (typeName !== "Activity") return null;
  const group = (title, conn, t, empty, note = null) =>
    h(
      "section",
      { class: "links" },
      h("h2", {}, title, " ", h("span", { class: "count" }, `(${num(conn.totalCount)})`)),
      note,
      conn.edges.length
        ? h("ul", { class: "link-list" }, conn.edges.map(({ node }) => h("li", {}, h("a", { href: `#/${types[t].route}/${node.id}` }, types[t].title(node)))))
        : h("p", { class: "muted" }, empty),
    );
  return h(
    "div",
    { class: "link-groups" },
    group(
      "Deltagande kommuner",
      n.municipalities,
      "Municipality",
      "Ingen kommun är kopplad ännu.",
      // Every municipality of the plan's county: the whole county.
      n.wholeCounty ? h("p", { class: "whole-county" }, h("strong", {}, "Hela länet"), ": alla kommuner i länet deltar.") : null,
    ),
    group("Deltagande aktörer", n.institutions, "Institution", "Ingen aktör är kopplad ännu."),
  );
}

/** periodLink links an activity of another plan period, naming the period. */
function periodLink(a) {
  const p = a.objective.goal.plan;
  return h("span", {}, h("a", { href: `#/activities/${a.id}` }, a.title), ` (${p.name} ${p.firstYear}–${p.lastYear})`);
}

function paragraphs(text) {
  if (!text) return null;
  return text.split(/\n{2,}/).map((p) => h("p", {}, p));
}

/** destroy asks, saying what goes with the object, and deletes it. */
async function destroy(typeName, node) {
  const type = types[typeName];
  const cascade = type.cascade(node);
  const body = [];
  try {
    if (cascade.length) {
      const query = `query Cascade(${cascade.map((_, i) => `$w${i}: ${typeOfRoot(cascade[i][1])}WhereInput`).join(", ")}) {
        ${cascade.map(([, root], i) => `c${i}: ${root}(where: $w${i}) { totalCount }`).join("\n")}
      }`;
      const vars = Object.fromEntries(cascade.map(([, , where], i) => [`w${i}`, where]));
      const counts = await gql(query, vars);
      const parts = cascade.map(([label], i) => count(counts[`c${i}`].totalCount, singular[label] || label, label));
      body.push(`Det här tar också bort ${joinSwedish(parts)}.`);
    }
  } catch (e) {
    showError(e);
    return;
  }
  if (type.keeps) body.push(type.keeps);
  body.push("Det går inte att ångra.");
  const ok = await confirmDialog({ title: `Ta bort ${type.one} ”${type.title(node)}”?`, body });
  if (!ok) return;
  try {
    await gql(`mutation Delete($id: ID!) { delete${typeName}(id: $id) }`, { id: node.id });
  } catch (e) {
    showError(e);
    return;
  }
  const up = type.breadcrumbs ? type.breadcrumbs(node).at(-1) : null;
  const next = up ? `#/${types[up[0]].route}/${up[1].id}` : `#/${type.route}`;
  showNotice(`${words(type).deleted} ”${type.title(node)}”`, next);
  location.hash = next;
}

// The singular of the words a deletion counts: "1 uppföljning", "2 uppföljningar".
const singular = { utvecklingsmål: "utvecklingsmål", rubriker: "rubrik", aktiviteter: "aktivitet", uppföljningar: "uppföljning", mått: "mått", bedömningar: "bedömning", målvärden: "målvärde", värden: "värde" };

function typeOfRoot(root) {
  return Object.entries(types).find(([, t]) => t.root === root)[0];
}

function joinSwedish(parts) {
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} och ${parts.at(-1)}` : parts[0];
}
