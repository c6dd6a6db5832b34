// The follow-up at a glance: how far each goal has come, which
// municipalities take part in what, and where nothing happens. Every figure
// comes from the API's reports, which the database counts.

import { h, replace, num, count, id as newID } from "../dom.js";
import { gql, download } from "../gql.js";
import { currentUser } from "../session.js";
import { showError } from "../ui/banner.js";
import { statusLabels, statusCount, goalName } from "../labels.js";
import { measures } from "./measures.js";
import { defaultYear } from "./values.js";

const statuses = ["planned", "ongoing", "done", "cancelled"];
const statusNames = { planned: statusLabels.PLANNED, ongoing: statusLabels.ONGOING, done: statusLabels.DONE, cancelled: statusLabels.CANCELLED };
const percent = new Intl.NumberFormat("sv-SE", { style: "percent", maximumFractionDigits: 0 });

const query = `query Dashboard($plan: ID, $year: Int) {
  plans(first: 100, orderBy: [{field: LAST_YEAR, direction: DESC}]) { edges { node { id name region } } }
  planReport(id: $plan) {
    id name region firstYear lastYear
    statusCounts(year: $year) { planned ongoing done cancelled total shareDone }
    statusByGoal(year: $year) {
      goal { id number title area }
      statusCounts { planned ongoing done cancelled total shareDone }
    }
    statusByPerspective(year: $year) {
      perspective { id name }
      statusCounts { planned ongoing done cancelled total shareDone }
    }
    statusCountsWithoutPerspective(year: $year) { planned ongoing done cancelled total shareDone }
    statusCountsWholeCounty(year: $year) { planned ongoing done cancelled total shareDone }
    coverage(year: $year) {
      goals { goal { id number title area } activities municipalitiesReached }
      municipalities { municipality { id name code } counts total }
      wholeCounty { municipalities counts total }
      municipalitiesNotReached { name }
      goalsWithoutActivities { id number title area }
    }
    followUpsByYear { year followUps reportedStatuses { planned ongoing done cancelled withoutStatus } }
    statusChangesByYear { year changes created toPlanned toOngoing toDone toCancelled }
    activitiesWithoutHistory
  }
}`;

/** dashboardView loads the report of a plan (the newest unless params names one) for a year or all. */
export async function dashboardView(params) {
  const plan = params.get("plan") || null;
  const year = params.get("year") ? Number(params.get("year")) : null;
  const data = await gql(query, { plan, year });
  const report = data.planReport;
  // What the signed-in user has overdue (the API's due list), beside the report.
  const due = currentUser() ? (await gql(`query Overdue { due(within: 0) { overdue } }`)).due : null;
  if (!report) {
    return h("div", {}, h("h1", {}, "Lägesbild"), h("p", {}, "Det finns ingen handlingsplan att följa upp ännu."));
  }
  // The indicators and assessments are of one year: the one chosen, or
  // else this year (the plan's nearest).
  const measured = await measures(report, year && year >= report.firstYear && year <= report.lastYear ? year : defaultYear(report), !year);
  return h(
    "div",
    { class: "dashboard" },
    h("h1", {}, "Lägesbild"),
    h("p", { class: "lead" }, `${report.name}, ${report.region}, ${report.firstYear}–${report.lastYear}${year ? `: aktiviteter prioriterade ${year}` : ""}.`),
    controls(data.plans.edges.map((e) => e.node), report, year),
    yearlyReports(report),
    summary(report, year, due),
    gaps(report.coverage),
    measured,
    statusBars(
      report.statusByGoal.map((r) => ({ label: goalName(r.goal), statusCounts: r.statusCounts })),
      { id: "bars", title: "Status per utvecklingsmål" },
    ),
    statusBars(
      [
        ...report.statusByPerspective.map((r) => ({ label: r.perspective.name, statusCounts: r.statusCounts })),
        { label: "Utan perspektiv", statusCounts: report.statusCountsWithoutPerspective },
      ],
      {
        id: "persp",
        title: "Status per perspektiv",
        note: "Kulturplanens perspektiv. En aktivitet med två perspektiv räknas under båda.",
      },
    ),
    heatMap(report.coverage),
    statusChanges(report.statusChangesByYear),
    followUps(report.followUpsByYear),
    // The tables' scrolling regions are named after their sections' headings
    // and this word, so that no two landmarks share a name.
    h("span", { id: "table-word", hidden: true }, "(tabell)"),
  );
}

function controls(plans, report, year) {
  const planID = newID("plan");
  const yearID = newID("year");
  const planSelect = h("select", { id: planID }, plans.map((p) => h("option", { value: p.id, selected: p.id === report.id }, `${p.name} (${p.region})`)));
  const years = [];
  for (let y = report.firstYear; y <= report.lastYear; y++) years.push(y);
  const yearSelect = h("select", { id: yearID }, h("option", { value: "" }, "Alla år"), years.map((y) => h("option", { value: String(y), selected: y === year }, String(y))));
  const go = () => {
    const params = new URLSearchParams({ plan: planSelect.value });
    if (yearSelect.value) params.set("year", yearSelect.value);
    location.hash = `#/dashboard?${params}`;
  };
  planSelect.addEventListener("change", () => {
    yearSelect.value = "";
    go();
  });
  yearSelect.addEventListener("change", go);
  const csv = (name) => `/reports/${name}.csv?plan=${encodeURIComponent(report.id)}${year ? `&year=${year}` : ""}`;
  // A link cannot send the session's token, which a private server wants
  // for the reports too, nor say why a download failed: the page fetches
  // the file itself, signed in or not, names it as the server does and
  // says a refusal in Swedish. (The link stays for opening in a new tab.)
  const link = (name, text) =>
    h(
      "a",
      {
        href: csv(name),
        download: "",
        onclick: (e) => {
          e.preventDefault();
          download(csv(name)).catch(showError);
        },
      },
      text,
    );
  return h(
    "div",
    { class: "toolbar dashboard-controls" },
    h("div", { class: "field" }, h("label", { for: planID }, "Handlingsplan"), planSelect),
    h("div", { class: "field" }, h("label", { for: yearID }, "År"), yearSelect),
    h(
      "p",
      { class: "downloads" },
      "Ladda ner för Excel: ",
      link("status", "status per mål (CSV)"),
      " · ",
      link("coverage", "kommuner per mål (CSV)"),
      " · ",
      link("perspectives", "status per perspektiv (CSV)"),
      " · ",
      link("indicators", "mått med mål och utfall (CSV)"),
      " · ",
      link("indicator-values", "uppmätta värden (CSV)"),
      " · ",
      link("assessments", "bedömningar (CSV)"),
    ),
  );
}

/** yearlyReports links the plan's yearly report to the council of each year of its period. */
function yearlyReports(report) {
  const links = [];
  for (let y = report.firstYear; y <= report.lastYear; y++) {
    if (links.length) links.push(" · ");
    links.push(h("a", { href: `#/plans/${report.id}/report/${y}` }, String(y)));
  }
  return h("p", { class: "page-links yearly-reports" }, "Årsrapport till regionfullmäktige: ", links);
}

function summary(report, year, due) {
  const c = report.statusCounts;
  const overdue = due ? due.filter((d) => d.overdue).length : 0;
  return h(
    "section",
    { class: "cards", "aria-label": "Sammanfattning" },
    card("Aktiviteter", num(c.total)),
    card("Genomförda", num(c.done), c.shareDone === null ? "" : `${percent.format(c.shareDone)} av dem som inte ställts in`),
    card("Pågående", num(c.ongoing)),
    card("Kommuner som nås", `${num(report.coverage.municipalities.length - report.coverage.municipalitiesNotReached.length)} av ${num(report.coverage.municipalities.length)}`),
    report.coverage.wholeCounty.municipalities
      ? card("I hela länet", num(report.statusCountsWholeCounty.total), `aktiviteter i alla ${num(report.coverage.wholeCounty.municipalities)} kommuner`)
      : null,
    due
      ? h(
          "div",
          { class: overdue ? "card overdue" : "card" },
          h("p", { class: "card-label" }, "Försenat för dig"),
          h("p", { class: "card-value" }, num(overdue)),
          h("p", { class: "card-note" }, h("a", { href: "#/due" }, "Se vad du har att göra")),
        )
      : null,
    withoutHistory(report),
  );
}

/**
 * withoutHistory is the card of the plan's activities that have no
 * recorded status change: loaded with the plan (the seed) and not changed
 * since, so the history and the status changes per year say nothing of
 * them until their first change. Opened, it lists them.
 */
function withoutHistory(report) {
  const n = report.activitiesWithoutHistory;
  const list = h("div", { class: "without-history", "aria-live": "polite" });
  const details = n
    ? h("details", { class: "card-details" }, h("summary", {}, "Visa dem"), list)
    : null;
  details?.addEventListener("toggle", async () => {
    if (!details.open || list.childElementCount) return;
    replace(list, h("p", { class: "muted" }, "Laddar…"));
    try {
      const data = await gql(
        `query WithoutHistory($plan: ID!) { activities(first: 50, where: {hasStatusChanges: false, hasObjectiveWith: [{hasGoalWith: [{planID: $plan}]}]}, orderBy: [{field: TITLE, direction: ASC}]) {
          totalCount edges { node { id title } } } }`,
        { plan: report.id },
      );
      const { totalCount, edges } = data.activities;
      replace(
        list,
        h("ul", {}, edges.map(({ node }) => h("li", {}, h("a", { href: `#/activities/${node.id}` }, node.title)))),
        totalCount > edges.length ? h("p", { class: "muted" }, `och ${num(totalCount - edges.length)} till`) : null,
      );
    } catch (e) {
      replace(list);
      showError(e);
    }
  });
  return h(
    "div",
    { class: "card" },
    h("p", { class: "card-label" }, "Utan historik"),
    h("p", { class: "card-value" }, num(n)),
    h(
      "p",
      { class: "card-note" },
      n
        ? n === 1
          ? "aktivitet inläst med planen och inte ändrad sedan: dess historik börjar när någon ändrar den."
          : "aktiviteter inlästa med planen och inte ändrade sedan: deras historik börjar när någon ändrar dem."
        : "Alla aktiviteter har en historik.",
    ),
    details,
  );
}

function card(label, value, note = "") {
  return h("div", { class: "card" }, h("p", { class: "card-label" }, label), h("p", { class: "card-value" }, value), note ? h("p", { class: "card-note" }, note) : null);
}

/** gaps says in words what the plan does not reach. */
function gaps(coverage) {
  const items = [];
  if (coverage.goalsWithoutActivities.length) {
    items.push(
      h("li", {}, h("strong", {}, "Mål utan aktiviteter: "), coverage.goalsWithoutActivities.map(goalName).join(", "), "."),
    );
  }
  const missing = coverage.municipalitiesNotReached;
  if (missing.length) {
    items.push(
      h(
        "li",
        {},
        h("strong", {}, `Kommuner som ingen aktivitet når (${num(missing.length)} av ${num(coverage.municipalities.length)}): `),
        missing.map((m) => m.name).join(", "),
        ".",
      ),
    );
  }
  return h(
    "section",
    { class: items.length ? "gaps" : "gaps none", "aria-labelledby": "gaps-title" },
    h("h2", { id: "gaps-title" }, "Luckor"),
    items.length ? h("ul", {}, items) : h("p", {}, "Alla mål har aktiviteter och alla kommuner nås av minst en."),
  );
}

/**
 * statusBars draws each row's activities per status as a stacked bar (a
 * goal's, a perspective's). The bars are HTML, not a scaled drawing, so
 * their labels keep the page's text size at any width (a 600-unit SVG
 * shrank them to ~6 px on a phone); the widths are set through the CSSOM,
 * which the page's Content-Security-Policy allows where a style attribute
 * is not.
 */
function statusBars(rows, { id, title, note = "" }) {
  const max = Math.max(1, ...rows.map((r) => r.statusCounts.total));
  const bars = h(
    "div",
    { class: "bars", role: "img", "aria-labelledby": `${id}-title ${id}-desc` },
    rows.map((r) => {
      const track = h("div", { class: "bar-track" });
      track.style.width = `${(r.statusCounts.total / max) * 100}%`;
      for (const s of statuses) {
        const n = r.statusCounts[s];
        if (!n) continue;
        const bar = h("span", { class: `bar bar-${s}`, title: `${statusNames[s]}: ${num(n)}` });
        bar.style.flexGrow = String(n);
        track.append(bar);
      }
      return h(
        "div",
        { class: "bar-row" },
        h("p", { class: "bar-label" }, `${r.label} — ${count(r.statusCounts.total, "aktivitet", "aktiviteter")}`),
        r.statusCounts.total === 0 ? h("p", { class: "bar-none" }, "Inga aktiviteter") : track,
      );
    }),
  );
  const description = rows.map((r) => `${r.label}: ${statuses.map((s) => statusCount(r.statusCounts[s], s.toUpperCase())).join(", ")}`).join(". ");
  return h(
    "section",
    { class: "panel", "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, title),
    note ? h("p", { class: "muted" }, note) : null,
    h("p", { id: `${id}-desc`, class: "visually-hidden" }, description),
    bars,
    h(
      "ul",
      { class: "legend" },
      statuses.map((s) => h("li", {}, h("span", { class: `swatch bar-${s}`, "aria-hidden": "true" }), statusNames[s])),
    ),
  );
}

/** heatMap shows the municipalities × goals matrix as a table whose cells darken with the count. */
function heatMap(coverage) {
  const max = Math.max(1, ...coverage.municipalities.flatMap((m) => m.counts));
  const level = (n) => (n === 0 ? 0 : 1 + Math.min(3, Math.floor(((n - 1) / max) * 4)));
  return h(
    "section",
    { class: "panel", "aria-labelledby": "heat-title" },
    h("h2", { id: "heat-title" }, "Aktiviteter per kommun och mål"),
    h("p", { class: "muted" }, "Antal aktiviteter som kommunen deltar i under varje mål. Tomma rutor: inga. Sista raden: aktiviteter i alla länets kommuner, som också räknas i varje kommuns rad."),
    h(
      "div",
      // It scrolls sideways on a phone: focusable, so the keyboard can too
      // (axe: scrollable-region-focusable), and named for screen readers.
      { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "heat-title table-word" },
      h(
        "table",
        { class: "heat" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Kommun"),
            coverage.goals.map((g) => h("th", { scope: "col", class: "numeric", title: goalName(g.goal) }, `Mål ${g.goal.number}`)),
            h("th", { scope: "col", class: "numeric" }, "Summa"),
          ),
        ),
        h(
          "tbody",
          {},
          coverage.municipalities.map((row) =>
            h(
              "tr",
              { class: row.total === 0 ? "unreached" : null },
              h("th", { scope: "row" }, h("a", { href: `#/municipalities/${row.municipality.id}` }, row.municipality.name)),
              row.counts.map((n) => h("td", { class: `numeric heat-${level(n)}` }, n ? num(n) : "")),
              h("td", { class: "numeric total" }, num(row.total)),
            ),
          ),
        ),
        // The activities in every municipality of the county, which each
        // municipality's row above counts too.
        coverage.wholeCounty.municipalities
          ? h(
              "tfoot",
              {},
              h(
                "tr",
                { class: "whole-county-row" },
                h("th", { scope: "row" }, `Hela länet (alla ${num(coverage.wholeCounty.municipalities)} kommuner)`),
                coverage.wholeCounty.counts.map((n) => h("td", { class: "numeric" }, n ? num(n) : "")),
                h("td", { class: "numeric total" }, num(coverage.wholeCounty.total)),
              ),
            )
          : null,
      ),
    ),
  );
}

function statusChanges(years) {
  const columns = ["År", "Ändringar", "Nya aktiviteter", "Till planerad", "Till pågående", "Till genomförd", "Till inställd"];
  return h(
    "section",
    { class: "panel", "aria-labelledby": "sc-title" },
    h("h2", { id: "sc-title" }, "Statusändringar per år"),
    years.length === 0
      ? h("p", { class: "muted" }, "Inga statusändringar ännu.")
      : h(
          "div",
          { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "sc-title table-word" },
          h(
            "table",
            { class: "list" },
            h("thead", {}, h("tr", {}, columns.map((c, i) => h("th", { scope: "col", class: i ? "numeric" : null }, c)))),
            h(
              "tbody",
              {},
              years.map((y) =>
                h(
                  "tr",
                  {},
                  h("th", { scope: "row" }, String(y.year)),
                  [y.changes, y.created, y.toPlanned, y.toOngoing, y.toDone, y.toCancelled].map((n) => h("td", { class: "numeric" }, num(n))),
                ),
              ),
            ),
          ),
        ),
  );
}

function followUps(years) {
  return h(
    "section",
    { class: "panel", "aria-labelledby": "fu-title" },
    h("h2", { id: "fu-title" }, "Uppföljningar per år"),
    years.length === 0
      ? h("p", { class: "muted" }, "Inga uppföljningar är registrerade ännu.")
      : h(
          "div",
          { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "fu-title table-word" },
          h(
            "table",
            { class: "list" },
            h(
              "thead",
              {},
              h("tr", {}, ["År", "Uppföljningar", ...statuses.map((s) => `Rapporterat ${statusNames[s].toLowerCase()}`), "Utan status"].map((c, i) => h("th", { scope: "col", class: i ? "numeric" : null }, c))),
            ),
            h(
              "tbody",
              {},
              years.map((y) =>
                h(
                  "tr",
                  {},
                  h("th", { scope: "row" }, String(y.year)),
                  h("td", { class: "numeric" }, num(y.followUps)),
                  statuses.map((s) => h("td", { class: "numeric" }, num(y.reportedStatuses[s]))),
                  h("td", { class: "numeric" }, num(y.reportedStatuses.withoutStatus)),
                ),
              ),
            ),
          ),
        ),
  );
}
