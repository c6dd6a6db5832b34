// The yearly report to the regional council (årsrapport): a plan's goals
// in one year, each with its assessment, its indicators against target,
// its activities by status with their latest follow-up, and the
// municipalities it reached and missed; the gaps; what changed during the
// year; and which municipalities have marked their part ready. It prints
// on A4 (app.css, @media print): a page per goal.

import { h, num, count, date, dateTime, id as newID } from "../dom.js";
import { gql } from "../gql.js";
import { currentUser } from "../session.js";
import { isAdmin } from "../access.js";
import { showError, showNotice } from "../ui/banner.js";
import { statusLabels, statusCount, assessmentLabels, lightWords, goalName } from "../labels.js";
import { defaultYear } from "./values.js";

const statuses = ["PLANNED", "ONGOING", "DONE", "CANCELLED"];

const query = `query YearlyReport($plan: ID!, $year: Int!) {
  node(id: $plan) { ... on Plan {
    id name region firstYear lastYear
    statusCounts(year: $year) { planned ongoing done cancelled total shareDone }
    yearlyReport(year: $year) {
      year state closing { closedBy createdAt }
      readiness { id markedBy createdAt municipality { id } }
      coverage { municipalities { municipality { id name } total } municipalitiesNotReached { name } goalsWithoutActivities { id number title area } }
      goals {
        goal { id number title area
          indicators(first: 50) { edges { node { id name unit baselineValue baselineYear
            progress(year: $year) { target targetYear outcome valueCount reached suggestedLight } } } }
        }
        assessment { light text author updatedAt }
        activities { activity { id title status } latestFollowUp { date text status author } }
        municipalitiesReached { name }
        municipalitiesMissed { name }
      }
      statusChanges { at fromStatus toStatus activity { id title } }
    }
  } }
}`;

/** yearlyReportView shows the plan's report for a year (the plan's nearest year when none is given). */
export async function yearlyReportView(planID, yearText) {
  let year = Number(yearText);
  if (!yearText) {
    const data = await gql(`query Years($id: ID!) { node(id: $id) { ... on Plan { firstYear lastYear } } }`, { id: planID });
    year = defaultYear(data.node);
  }
  const data = await gql(query, { plan: planID, year });
  const plan = data.node;
  const report = plan.yearlyReport;
  const title = `Årsrapport ${year}`;
  return [
    h(
      "div",
      { class: "yearly-report" },
      h("nav", { class: "breadcrumbs no-print", "aria-label": "Du är här" }, h("ol", {}, h("li", {}, h("a", { href: `#/plans/${plan.id}` }, plan.name)))),
      h("p", { class: "kicker" }, "Årsrapport till regionfullmäktige"),
      h("h1", {}, `${plan.name} ${year}`),
      h("p", { class: "lead" }, `${plan.region}, handlingsplan ${plan.firstYear}–${plan.lastYear}. Aktiviteter prioriterade ${year} och deras uppföljningar till och med ${year}.`),
      controls(plan, report),
      readiness(plan, report),
      summary(plan.statusCounts, report),
      gaps(report),
      changes(report),
      report.goals.map((g) => goalSection(g, year)),
    ),
    `${title}: ${plan.name}`,
  ];
}

function controls(plan, report) {
  const yearID = newID("report-year");
  const years = [];
  for (let y = plan.firstYear; y <= plan.lastYear; y++) years.push(y);
  const select = h("select", { id: yearID }, years.map((y) => h("option", { value: String(y), selected: y === report.year }, String(y))));
  select.addEventListener("change", () => (location.hash = `#/plans/${plan.id}/report/${select.value}`));
  const admin = isAdmin()
    ? h(
        "button",
        {
          type: "button",
          class: report.state === "OPEN" ? "button primary" : "button",
          onclick: () =>
            act(
              report.state === "OPEN"
                ? gql(`mutation Close($plan: ID!, $year: Int!) { closeYearlyReport(planID: $plan, year: $year) { id } }`, { plan: plan.id, year: report.year })
                : gql(`mutation Reopen($plan: ID!, $year: Int!) { reopenYearlyReport(planID: $plan, year: $year) }`, { plan: plan.id, year: report.year }),
              report.state === "OPEN" ? "Årsrapporten är stängd." : "Årsrapporten är öppnad igen.",
            ),
        },
        report.state === "OPEN" ? "Stäng rapporten" : "Öppna rapporten igen",
      )
    : null;
  return h(
    "div",
    { class: "toolbar report-controls no-print" },
    h("div", { class: "field" }, h("label", { for: yearID }, "År"), select),
    h("button", { type: "button", class: "button", onclick: () => window.print() }, "Skriv ut"),
    admin,
  );
}

/** act runs a change, says so and shows the report anew. */
async function act(change, notice) {
  try {
    await change;
    showNotice(notice, location.hash);
    window.dispatchEvent(new Event("rerender"));
  } catch (e) {
    showError(e);
  }
}

/** readiness lists the plan's municipalities, which have marked their part ready and which not. */
function readiness(plan, report) {
  const titleID = newID("readiness");
  const marks = new Map(report.readiness.map((r) => [r.municipality.id, r]));
  const mine = new Set((currentUser()?.municipalities || []).map((m) => m.id));
  const open = report.state === "OPEN";
  const rows = report.coverage.municipalities.map(({ municipality: m }) => {
    const mark = marks.get(m.id);
    const mayMark = open && (isAdmin() || mine.has(m.id));
    let button = null;
    if (mayMark && mark) {
      button = h("button", { type: "button", class: "button small", onclick: () => act(gql(`mutation Unmark($id: ID!) { unmarkYearlyReportReady(id: $id) }`, { id: mark.id }), `${m.name}: inte klar.`) }, `Ångra klarmarkering för ${m.name}`);
    } else if (mayMark) {
      button = h(
        "button",
        {
          type: "button",
          class: "button small",
          onclick: () =>
            act(
              gql(`mutation Mark($in: MarkYearlyReportReadyInput!) { markYearlyReportReady(input: $in) { id } }`, { in: { planID: plan.id, year: report.year, municipalityID: m.id } }),
              `${m.name}: klar.`,
            ),
        },
        `Markera ${m.name} som klar`,
      );
    }
    return h(
      "tr",
      {},
      h("th", { scope: "row" }, m.name),
      h("td", {}, mark ? h("span", { class: "badge ready" }, "Klar") : h("span", { class: "muted" }, "Inte klar")),
      h("td", {}, mark ? `${mark.markedBy || ""}, ${dateTime(mark.createdAt)}` : ""),
      h("td", { class: "no-print" }, button),
    );
  });
  const state = open
    ? `Öppen: kommunerna markerar sin del som klar innan regionen stänger rapporten. ${count(report.readiness.length, "kommun", "kommuner")} av ${num(report.coverage.municipalities.length)} är klara.`
    : `Stängd av ${report.closing.closedBy || "en administratör"} ${dateTime(report.closing.createdAt)}. ${count(report.readiness.length, "kommun", "kommuner")} av ${num(report.coverage.municipalities.length)} markerade sin del som klar.`;
  return h(
    "section",
    { class: "panel report-readiness", "aria-labelledby": titleID },
    h("h2", { id: titleID }, "Kommunernas underlag"),
    h("p", { class: open ? "report-state" : "report-state closed" }, state),
    h(
      "table",
      { class: "report-table" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Kommun"), h("th", { scope: "col" }, "Underlag"), h("th", { scope: "col" }, "Markerat av"), h("th", { scope: "col", class: "no-print" }, h("span", { class: "visually-hidden" }, "Åtgärd")))),
      h("tbody", {}, rows),
    ),
  );
}

function summary(c, report) {
  const titleID = newID("summary");
  const reached = report.coverage.municipalities.length - report.coverage.municipalitiesNotReached.length;
  return h(
    "section",
    { class: "panel", "aria-labelledby": titleID },
    h("h2", { id: titleID }, "Sammanfattning"),
    h(
      "ul",
      {},
      h("li", {}, `${count(c.total, "aktivitet", "aktiviteter")} prioriterade ${report.year}: ${statuses.map((s) => statusCount(c[s.toLowerCase()], s)).join(", ")}.`),
      h("li", {}, `${num(reached)} av ${num(report.coverage.municipalities.length)} kommuner deltar i minst en aktivitet.`),
      h("li", {}, `${count(report.goals.filter((g) => g.assessment).length, "mål", "mål")} av ${num(report.goals.length)} har en bedömning för ${report.year}.`),
      h("li", {}, `${count(report.statusChanges.length, "statusändring", "statusändringar")} under året.`),
    ),
  );
}

/** gaps says what the plan did not reach in the year. */
function gaps(report) {
  const titleID = newID("gaps");
  const items = [];
  const cov = report.coverage;
  if (cov.goalsWithoutActivities.length) items.push(h("li", {}, h("strong", {}, "Mål utan aktiviteter: "), cov.goalsWithoutActivities.map(goalName).join(", "), "."));
  if (cov.municipalitiesNotReached.length) items.push(h("li", {}, h("strong", {}, "Kommuner som ingen aktivitet når: "), cov.municipalitiesNotReached.map((m) => m.name).join(", "), "."));
  const unassessed = report.goals.filter((g) => !g.assessment).map((g) => goalName(g.goal));
  if (unassessed.length) items.push(h("li", {}, h("strong", {}, "Mål utan bedömning: "), unassessed.join(", "), "."));
  const unmeasured = report.goals.flatMap((g) => g.goal.indicators.edges.map((e) => e.node)).filter((i) => i.progress.outcome === null);
  if (unmeasured.length) items.push(h("li", {}, h("strong", {}, "Mått utan utfall: "), unmeasured.map((i) => i.name).join(", "), "."));
  return h(
    "section",
    { class: "panel report-gaps", "aria-labelledby": titleID },
    h("h2", { id: titleID }, "Luckor"),
    items.length ? h("ul", {}, items) : h("p", {}, "Inga luckor: alla mål har aktiviteter, bedömning och utfall, och alla kommuner nås."),
  );
}

/** changes lists the status changes of the year. */
function changes(report) {
  const titleID = newID("changes");
  const list = report.statusChanges;
  return h(
    "section",
    { class: "panel report-changes", "aria-labelledby": titleID },
    h("h2", { id: titleID }, `Det här ändrades under ${report.year}`),
    list.length
      ? h(
          "table",
          { class: "report-table" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Datum"), h("th", { scope: "col" }, "Aktivitet"), h("th", { scope: "col" }, "Från"), h("th", { scope: "col" }, "Till"))),
          h(
            "tbody",
            {},
            list.map((c) =>
              h(
                "tr",
                {},
                h("td", {}, date(c.at)),
                h("td", {}, h("a", { href: `#/activities/${c.activity.id}` }, c.activity.title)),
                h("td", {}, c.fromStatus ? statusLabels[c.fromStatus] : "Ny"),
                h("td", {}, statusLabels[c.toStatus]),
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, `Inga statusändringar är registrerade under ${report.year}.`),
  );
}

function goalSection(g, year) {
  const titleID = newID("report-goal");
  const indicators = g.goal.indicators.edges.map((e) => e.node);
  return h(
    "section",
    { class: "report-goal", "aria-labelledby": titleID },
    h("h2", { id: titleID }, goalName(g.goal)),
    h("h3", {}, "Bedömning"),
    g.assessment
      ? h(
          "div",
          { class: "verdict" },
          h("p", {}, h("span", { class: `badge assessment-${g.assessment.light.toLowerCase()}` }, assessmentLabels[g.assessment.light])),
          g.assessment.text ? h("p", { class: "verdict-text" }, g.assessment.text) : null,
          h("p", { class: "muted" }, [g.assessment.author, dateTime(g.assessment.updatedAt)].filter(Boolean).join(", ")),
        )
      : h("p", { class: "muted" }, `Målet har ingen bedömning för ${year}.`),
    h("h3", {}, "Mått"),
    indicators.length
      ? h(
          "table",
          { class: "report-table" },
          h("thead", {}, h("tr", {}, ["Mått", "Utgångsvärde", "Mål", "Utfall", "Föreslagen signal"].map((t) => h("th", { scope: "col" }, t)))),
          h(
            "tbody",
            {},
            indicators.map((i) =>
              h(
                "tr",
                {},
                h("th", { scope: "row" }, i.name, i.unit ? ` (${i.unit})` : ""),
                h("td", {}, i.baselineValue === null ? "–" : `${num(i.baselineValue)}${i.baselineYear ? ` (${i.baselineYear})` : ""}`),
                h("td", {}, i.progress.target === null ? "–" : `${num(i.progress.target)} (${i.progress.targetYear})`),
                h("td", {}, i.progress.outcome === null ? "Inget utfall" : num(i.progress.outcome)),
                h("td", {}, i.progress.suggestedLight ? lightWords[i.progress.suggestedLight] : "–", g.assessment ? ` (bedömning: ${lightWords[g.assessment.light]})` : ""),
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, "Målet har inga mått."),
    h("h3", {}, `Aktiviteter ${year}`),
    g.activities.length
      ? h(
          "table",
          { class: "report-table" },
          h("thead", {}, h("tr", {}, ["Status", "Aktivitet", "Senaste uppföljning"].map((t) => h("th", { scope: "col" }, t)))),
          h(
            "tbody",
            {},
            g.activities.map(({ activity: a, latestFollowUp: f }) =>
              h(
                "tr",
                {},
                h("td", {}, statusLabels[a.status]),
                h("td", {}, h("a", { href: `#/activities/${a.id}` }, a.title)),
                h("td", {}, f ? [h("span", { class: "muted" }, `${date(f.date)}${f.author ? `, ${f.author}` : ""}: `), f.text || ""] : h("span", { class: "muted" }, "Ingen uppföljning")),
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, `Inga aktiviteter prioriterade ${year}.`),
    h("h3", {}, "Kommuner"),
    h(
      "ul",
      {},
      h("li", {}, h("strong", {}, `Nådda (${num(g.municipalitiesReached.length)}): `), g.municipalitiesReached.map((m) => m.name).join(", ") || "inga", "."),
      h("li", {}, h("strong", {}, `Inte nådda (${num(g.municipalitiesMissed.length)}): `), g.municipalitiesMissed.map((m) => m.name).join(", ") || "inga", "."),
    ),
  );
}
