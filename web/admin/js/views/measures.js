// The dashboard's indicators and assessments, per goal and year: the
// goal's assessment, and for each indicator its baseline, target and
// outcome, a small chart over the plan's years (with the same figures as a
// table), and the values per municipality. Figures from Kolada say
// "Källa: Kolada"; the outcomes computed from them do not.

import { h, num, count, dateTime, id as newID } from "../dom.js";
import { gql } from "../gql.js";
import { assessmentLabels, lightWords, goalName, goalOfIndicator, indicatorOwner } from "../labels.js";
import { indicatorsOfPlan } from "../types.js";
import { isAdmin, may } from "../access.js";

const progressFields = "year target targetYear outcome valueCount share reached suggestedLight";

function measuresQuery(years) {
  return `query Measures($where: IndicatorWhereInput, $assessed: GoalAssessmentWhereInput, $year: Int!) {
  indicators(first: 100, where: $where, orderBy: [{field: NAME}]) { edges { node {
    id name unit scope direction aggregation baselineValue baselineYear koladaKpi
    goal { id number title area } objective { title goal { id } } activity { title objective { goal { id } } }
    ${years.map((y) => `p${y}: progress(year: ${y}) { ${progressFields} }`).join("\n    ")}
    values(first: 100, where: {year: $year, periodIsNil: true}) { edges { node { value source municipality { name } } } }
  } } }
  goalAssessments(first: 100, where: $assessed) { edges { node { id light text author updatedAt goal { id } } } }
}`;
}

const percent = new Intl.NumberFormat("sv-SE", { style: "percent", maximumFractionDigits: 0 });
const collator = new Intl.Collator("sv-SE");

/**
 * measures is the dashboard's section on the plan's indicators and goal
 * assessments in year; chosen says whether the user chose the year (else
 * the section says which year it shows and how to choose another).
 */
export async function measures(report, year, defaulted) {
  const years = [];
  for (let y = report.firstYear; y <= report.lastYear; y++) years.push(y);
  const data = await gql(measuresQuery(years), {
    where: indicatorsOfPlan(report.id),
    assessed: { year, hasGoalWith: [{ hasPlanWith: [{ id: report.id }] }] },
    year,
  });
  const indicators = data.indicators.edges.map((e) => e.node);
  const assessments = new Map(data.goalAssessments.edges.map((e) => [e.node.goal.id, e.node]));
  const goals = report.statusByGoal.map((g) => g.goal);
  const titleID = newID("measures-title");
  const enter = may("enter", "IndicatorValue") ? h("a", { class: "button", href: `#/values?plan=${encodeURIComponent(report.id)}&year=${year}` }, `Mata in värden för ${year}`) : null;
  return h(
    "section",
    { class: "panel measures", "aria-labelledby": titleID },
    h("div", { class: "page-head" }, h("h2", { id: titleID }, `Mått och bedömningar ${year}`), enter),
    defaulted ? h("p", { class: "muted" }, `Visar ${year}. Välj ett annat år ovan.`) : null,
    goals.map((g) => goalMeasures(g, year, years, assessments.get(g.id) || null, indicators.filter((i) => goalOfIndicator(i)?.id === g.id))),
  );
}

function goalMeasures(goal, year, years, assessment, indicators) {
  const titleID = newID("goal-measures");
  let verdict;
  if (assessment) {
    verdict = h(
      "div",
      { class: "verdict" },
      h("p", {}, h("span", { class: `badge assessment-${assessment.light.toLowerCase()}` }, `Bedömning ${year}: ${assessmentLabels[assessment.light]}`)),
      assessment.text ? h("p", { class: "verdict-text" }, assessment.text) : null,
      h("p", { class: "muted verdict-by" }, [assessment.author, dateTime(assessment.updatedAt)].filter(Boolean).join(", "), isAdmin() ? " · " : null, isAdmin() ? h("a", { href: `#/assessments/${assessment.id}/edit` }, "Ändra bedömningen") : null),
    );
  } else {
    verdict = h(
      "p",
      { class: "verdict muted" },
      `Målet har ingen bedömning för ${year}.`,
      isAdmin() ? " " : null,
      isAdmin() ? h("a", { href: `#/assessments/new?goalID=${encodeURIComponent(goal.id)}&year=${year}` }, "Ge en bedömning") : null,
    );
  }
  return h(
    "section",
    { class: "goal-measures", "aria-labelledby": titleID },
    h("h3", { id: titleID }, goalName(goal)),
    verdict,
    indicators.length ? h("div", { class: "measure-list" }, indicators.map((i) => measure(i, year, years))) : h("p", { class: "muted" }, "Inga mått under målet."),
  );
}

function measure(i, year, years) {
  const p = i[`p${year}`];
  const unit = i.unit ? ` ${i.unit}` : "";
  const titleID = newID("measure");
  const facts = [];
  const fact = (label, value) => facts.push(h("div", {}, h("dt", {}, label), h("dd", {}, value)));
  fact("Utgångsvärde", i.baselineValue === null ? "–" : `${num(i.baselineValue)}${unit} (${i.baselineYear})`);
  fact(p.targetYear ? `Mål ${p.targetYear}` : "Mål", p.target === null ? "–" : `${num(p.target)}${unit}`);
  fact(
    `Utfall ${year}`,
    p.outcome === null
      ? "Inget värde ännu"
      : `${num(p.outcome)}${unit}${i.scope === "MUNICIPALITY" ? ` (${i.aggregation === "MEAN" ? "medel av" : "summa av"} ${count(p.valueCount, "kommun", "kommuner")})` : ""}`,
  );
  if (p.share !== null) fact("Av vägen till målet", percent.format(p.share));
  if (p.suggestedLight) fact("Föreslagen färg", h("span", { class: `badge assessment-${p.suggestedLight.toLowerCase()}` }, lightWords[p.suggestedLight]));
  return h(
    "article",
    { class: "measure", "aria-labelledby": titleID },
    h("h4", { id: titleID }, h("a", { href: `#/indicators/${i.id}` }, i.name)),
    i.goal ? null : h("p", { class: "muted measure-owner" }, indicatorOwner(i)),
    h("dl", { class: "measure-facts" }, facts),
    chart(i, years),
    yearsTable(i, years),
    municipalityTable(i, year),
  );
}

const svgNS = "http://www.w3.org/2000/svg";

/** s creates an SVG element; the page's CSP allows no style attribute, so looks go by class. */
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

/**
 * chart draws the outcome per year as a line, the targets as diamonds and
 * the baseline as a ring; each point says its figure on hover (its
 * title). Its text alternative says the same in words, and yearsTable
 * gives the figures as a table.
 */
function chart(i, years) {
  const points = years.map((y) => ({ year: y, outcome: i[`p${y}`].outcome }));
  const targets = new Map();
  for (const y of years) {
    const p = i[`p${y}`];
    if (p.target !== null && p.targetYear !== null) targets.set(p.targetYear, p.target);
  }
  const xs = [...years];
  if (i.baselineYear !== null && i.baselineYear < years[0]) xs.unshift(i.baselineYear);
  const figures = [...points.map((p) => p.outcome), ...targets.values(), i.baselineValue].filter((v) => v !== null && v !== undefined);
  if (!figures.length) return h("p", { class: "muted" }, "Inga värden att visa i ett diagram ännu.");
  const [W, H, left, right, top, bottom] = [280, 140, 40, 18, 10, 22];
  const lo = Math.min(0, ...figures);
  const hi = Math.max(...figures) * 1.1 || 1;
  const x = (year) => left + (xs.length === 1 ? (W - left - right) / 2 : ((year - xs[0]) / (xs.at(-1) - xs[0])) * (W - left - right));
  const y = (v) => top + (1 - (v - lo) / (hi - lo)) * (H - top - bottom);
  const unit = i.unit ? ` ${i.unit}` : "";
  const drawn = points.filter((p) => p.outcome !== null);
  const descID = newID("chart-desc");
  const description = [
    `Diagram över ${i.name}.`,
    i.baselineValue !== null ? `Utgångsvärde ${num(i.baselineValue)}${unit} ${i.baselineYear}.` : "",
    drawn.length ? `Utfall: ${drawn.map((p) => `${p.year} ${num(p.outcome)}`).join(", ")}.` : "Inget utfall ännu.",
    targets.size ? `Mål: ${[...targets].map(([ty, v]) => `${ty} ${num(v)}`).join(", ")}.` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const svg = s(
    "svg",
    { viewBox: `0 0 ${W} ${H}`, class: "measure-chart", role: "img", "aria-labelledby": descID, focusable: "false" },
    s("line", { x1: left, x2: W - right, y1: y(lo), y2: y(lo), class: "axis" }),
    s("text", { x: left - 6, y: y(hi / 1.1) + 4, class: "tick", "text-anchor": "end" }, num(Math.round(hi / 1.1))),
    s("line", { x1: left, x2: W - right, y1: y(hi / 1.1), y2: y(hi / 1.1), class: "grid" }),
    s("text", { x: left - 6, y: y(lo) + 4, class: "tick", "text-anchor": "end" }, num(lo)),
    xs.map((yr) => s("text", { x: x(yr), y: H - 6, class: "tick", "text-anchor": "middle" }, String(yr))),
    drawn.length > 1 ? s("polyline", { points: drawn.map((p) => `${x(p.year)},${y(p.outcome)}`).join(" "), class: "outcome-line" }) : null,
    drawn.map((p) => s("circle", { cx: x(p.year), cy: y(p.outcome), r: 4, class: "outcome-dot" }, s("title", {}, `Utfall ${p.year}: ${num(p.outcome)}${unit}`))),
    [...targets].filter(([ty]) => xs.includes(ty)).map(([ty, v]) =>
      s("path", { d: `M${x(ty)},${y(v) - 6} l6,6 l-6,6 l-6,-6 z`, class: "target-mark" }, s("title", {}, `Mål ${ty}: ${num(v)}${unit}`)),
    ),
    i.baselineValue !== null && xs.includes(i.baselineYear)
      ? s("circle", { cx: x(i.baselineYear), cy: y(i.baselineValue), r: 4, class: "baseline-dot" }, s("title", {}, `Utgångsvärde ${i.baselineYear}: ${num(i.baselineValue)}${unit}`))
      : null,
  );
  return h(
    "figure",
    { class: "measure-figure" },
    svg,
    h("figcaption", { id: descID, class: "visually-hidden" }, description),
    h(
      "ul",
      { class: "legend", "aria-hidden": "true" },
      h("li", {}, h("span", { class: "swatch swatch-outcome" }), "Utfall"),
      h("li", {}, h("span", { class: "swatch swatch-target" }), "Mål"),
      i.baselineValue !== null ? h("li", {}, h("span", { class: "swatch swatch-baseline" }), "Utgångsvärde") : null,
    ),
  );
}

/** yearsTable gives the chart's figures as a table. */
function yearsTable(i, years) {
  return h(
    "details",
    { class: "measure-details" },
    h("summary", {}, "Utfall och mål per år"),
    scrolls(
      `${i.name}: utfall och mål per år`,
      "table",
      { class: "list" },
      h("thead", {}, h("tr", {}, ["År", "Utfall", "Mål", "Färg"].map((c, n) => h("th", { scope: "col", class: n && n < 3 ? "numeric" : null }, c)))),
      h(
        "tbody",
        {},
        years.map((y) => {
          const p = i[`p${y}`];
          return h(
            "tr",
            {},
            h("th", { scope: "row" }, String(y)),
            h("td", { class: "numeric" }, p.outcome === null ? "–" : num(p.outcome)),
            h("td", { class: "numeric" }, p.target === null ? "–" : `${num(p.target)}${p.targetYear !== y ? ` (${p.targetYear})` : ""}`),
            h("td", {}, p.suggestedLight ? lightWords[p.suggestedLight] : "–"),
          );
        }),
      ),
    ),
  );
}

/** municipalityTable lists the year's values, per municipality or the county's. */
function municipalityTable(i, year) {
  const values = i.values.edges.map((e) => e.node).sort((a, b) => collator.compare(a.municipality?.name || "", b.municipality?.name || ""));
  if (!values.length) return null;
  const unit = i.unit ? ` (${i.unit})` : "";
  return h(
    "details",
    { class: "measure-details" },
    h("summary", {}, i.scope === "MUNICIPALITY" ? `Värden per kommun ${year}` : `Värde ${year}`),
    scrolls(
      `${i.name}: värden ${year}`,
      "table",
      { class: "list" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Kommun"), h("th", { scope: "col", class: "numeric" }, `Värde${unit}`), h("th", { scope: "col" }, "Källa"))),
      h(
        "tbody",
        {},
        values.map((v) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, v.municipality?.name || "Hela länet"),
            h("td", { class: "numeric" }, num(v.value)),
            h("td", {}, v.source === "KOLADA" ? "Källa: Kolada" : "Egen uppföljning"),
          ),
        ),
      ),
    ),
  );
}

/**
 * scrolls is a table (h's arguments) in a region that scrolls sideways
 * when the table is wider than a phone: focusable and named, so the
 * keyboard and screen readers reach it (axe: scrollable-region-focusable).
 */
function scrolls(label, ...table) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": label }, h(...table));
}
