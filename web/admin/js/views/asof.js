// A plan as it stood at the end of a day, which the server reconstructs
// from the audit trail (planAsOf): the goals, headings and activities it
// had then, with their titles and statuses as they were. The plan's
// revisions are offered as quick choices. Admins only, as the trail is.

import { h, date, dateTime, isoDay } from "../dom.js";
import { gql } from "../gql.js";
import { statusLabels, planStateLabels, goalName } from "../labels.js";

/** asOfLink is the address of the plan as it stood at the end of the day of iso. */
export const asOfLink = (planID, iso) => `#/plans/${planID}/asof?date=${isoDay(iso)}`;

/** asOfPicker is the form on a plan's page that opens the plan as it stood at a date. */
export function asOfPicker(planID, day = "") {
  const input = h("input", { type: "date", id: "asof-date", name: "date", value: day || new Date().toISOString().slice(0, 10), required: true });
  const choices = h("ul", { class: "tags asof-revisions", "aria-label": "Revideringar" });
  const form = h(
    "form",
    {
      class: "form asof-picker",
      onsubmit: (e) => {
        e.preventDefault();
        if (input.value) location.hash = asOfLink(planID, input.value);
      },
    },
    h("div", { class: "field" }, h("label", { for: "asof-date" }, "Visa planen som den var den"), h("div", { class: "field-row" }, input, h("button", { type: "submit", class: "button" }, "Visa"))),
    choices,
  );
  // The revisions are the dates one asks about most: each is a link.
  gql(
    `query Revisions($id: ID!) { node(id: $id) { ... on Plan { revisions(first: 50, orderBy: [{field: DECIDED_ON}]) { edges { node { id decidedOn note } } } } } }`,
    { id: planID },
  )
    .then((data) => {
      for (const { node: r } of data.node?.revisions.edges || []) {
        choices.append(h("li", {}, h("a", { href: asOfLink(planID, r.decidedOn), title: r.note }, `Revidering ${date(r.decidedOn)}`)));
      }
    })
    .catch(() => {}); // the quick choices are a convenience; the date field works without them
  return h("section", { class: "asof", "aria-labelledby": "asof-heading" }, h("h2", { id: "asof-heading" }, "Planen vid ett datum"), form);
}

/**
 * asOfView shows the plan id as it stood at the end of day (YYYY-MM-DD;
 * today if empty), or at the moment at (an ISO time, which links to a
 * moment within a day may give).
 */
export async function asOfView(id, day, at) {
  const moment = at && !Number.isNaN(Date.parse(at)) ? new Date(at) : null;
  day = moment ? moment.toISOString().slice(0, 10) : /^\d{4}-\d{2}-\d{2}$/.test(day || "") ? day : new Date().toISOString().slice(0, 10);
  const data = await gql(
    `query AsOf($id: ID!, $at: Time!) {
      planAsOf(id: $id, at: $at) {
        name region firstYear lastYear state goalsIntro
        goals { id number title area statement headings { id title activities { id title status lead firstYear lastYear } } }
        revisions { id decidedOn note decidedBy caseNumber }
      }
      node(id: $id) { id ... on Plan { name } }
    }`,
    { id, at: moment ? moment.toISOString() : `${day}T23:59:59.999Z` },
  );
  const then = data.planAsOf;
  const name = data.node?.name || then?.name || "Handlingsplan";
  const crumbs = h(
    "nav",
    { class: "breadcrumbs", "aria-label": "Du är här" },
    h("ol", {}, h("li", {}, h("a", { href: "#/plans" }, "Handlingsplaner")), h("li", {}, data.node ? h("a", { href: `#/plans/${id}` }, name) : name)),
  );
  const head = h("div", { class: "page-head" }, h("div", {}, h("p", { class: "kicker" }, name), h("h1", {}, moment ? `Planen som den var ${dateTime(moment.toISOString())}` : `Planen som den var den ${date(day)}`)));
  const about = h(
    "p",
    { class: "hint" },
    `Återskapad ur ändringsloggen${moment ? "" : " vid dagens slut"}: de mål, rubriker och aktiviteter som fanns då, med titlar och status som de var. Det som lästes in från början och inte ändrats sedan visas som det lästes in.`,
  );
  if (!then) {
    return h("article", { class: "detail asof-view" }, crumbs, head, asOfPicker(id, day), h("p", { class: "muted" }, "Handlingsplanen fanns inte då."));
  }
  const facts = h(
    "dl",
    { class: "facts" },
    h("dt", {}, "Namn"),
    h("dd", {}, then.name),
    h("dt", {}, "Period"),
    h("dd", {}, `${then.firstYear}–${then.lastYear}`),
    h("dt", {}, "Status"),
    h("dd", {}, h("span", { class: `badge plan-${then.state.toLowerCase()}` }, planStateLabels[then.state])),
    h("dt", {}, "Revideringar till och med dagen"),
    h("dd", {}, then.revisions.length ? h("ul", {}, then.revisions.map((r) => h("li", {}, `${date(r.decidedOn)}: ${r.note}`))) : "Inga"),
  );
  const goals = then.goals.length
    ? h(
        "ol",
        { class: "asof-goals" },
        then.goals.map((g) =>
          h(
            "li",
            { class: "asof-goal" },
            h("h2", {}, goalName(g)),
            g.statement ? h("p", {}, g.statement) : null,
            g.headings.map((o) =>
              h(
                "section",
                { class: "asof-heading" },
                h("h3", {}, o.title),
                o.activities.length
                  ? h(
                      "ul",
                      { class: "asof-activities" },
                      o.activities.map((a) =>
                        h("li", {}, a.title, " ", h("span", { class: `badge status-${a.status.toLowerCase()}` }, statusLabels[a.status]), a.lead ? h("span", { class: "muted" }, ` ${a.lead}`) : null),
                      ),
                    )
                  : h("p", { class: "muted" }, "Inga aktiviteter."),
              ),
            ),
          ),
        ),
      )
    : h("p", { class: "muted" }, "Handlingsplanen hade inga utvecklingsmål.");
  return h("article", { class: "detail asof-view" }, crumbs, head, about, asOfPicker(id, day), facts, goals);
}
