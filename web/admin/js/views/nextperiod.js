// The next plan period in one step: a new plan from the current one, its
// goals and headings copied, and the activities the user ticks carried
// over (the planned and ongoing ones are ticked to begin with). The server
// does it in one transaction (startNextPeriod).

import { h, announce } from "../dom.js";
import { gql, GraphQLError } from "../gql.js";
import { statusLabels, goalName } from "../labels.js";
import { showError, showNotice } from "../ui/banner.js";
import { swedish } from "../messages.js";
import { setLeaveGuard } from "../guard.js";

// The most activities the page lists to choose from (the API takes 1,000
// ids in one list).
const maxActivities = 1000;

/** nextPeriodView loads the plan id and shows the form for its next period. */
export async function nextPeriodView(id) {
  const data = await gql(`query Next($id: ID!) { node(id: $id) { id ... on Plan { name firstYear lastYear } } }`, { id });
  const plan = data.node;
  const activities = await planActivities(id);
  const length = plan.lastYear - plan.firstYear + 1;

  const errors = {};
  const field = (name, label, input, hint) => {
    const error = h("p", { id: `next-${name}-error`, class: "field-error", hidden: true });
    errors[name] = { error, input };
    input.id = `next-${name}`;
    input.setAttribute("aria-describedby", `next-${name}-error${hint ? ` next-${name}-hint` : ""}`);
    return h("div", { class: "field" }, h("label", { for: input.id }, label), input, hint ? h("p", { id: `next-${name}-hint`, class: "hint" }, hint) : null, error);
  };
  const name = h("input", { type: "text", name: "name", value: plan.name });
  const firstYear = h("input", { type: "number", name: "firstYear", inputmode: "numeric", value: String(plan.lastYear + 1), required: true });
  const lastYear = h("input", { type: "number", name: "lastYear", inputmode: "numeric", value: String(plan.lastYear + length), required: true });

  const boxes = activities.map((a) => {
    const unfinished = a.status === "PLANNED" || a.status === "ONGOING";
    const box = h("input", { type: "checkbox", name: "carryOver", value: a.id, checked: unfinished && !a.successor, disabled: Boolean(a.successor) });
    return h(
      "li",
      {},
      h(
        "label",
        { class: "choice" },
        box,
        " ",
        a.title,
        " ",
        h("span", { class: `badge status-${a.status.toLowerCase()}` }, statusLabels[a.status]),
        h("span", { class: "muted" }, ` ${goalName(a.objective.goal)} · ${a.objective.title}`),
        a.successor ? h("span", { class: "muted" }, " (redan förd vidare)") : null,
      ),
    );
  });
  const carryError = h("p", { id: "next-carry-error", class: "field-error", hidden: true });
  errors.carryOverActivityIDs = { error: carryError, input: null };
  const checkAll = (on) => () => {
    for (const box of form.querySelectorAll('input[name="carryOver"]:not(:disabled)')) box.checked = on;
  };

  // What else is copied: the goals' and headings' indicators (without
  // targets) and the follow-up deadlines, moved into the new years.
  const copyIndicators = h("input", { type: "checkbox", name: "copyIndicators", checked: true });
  const copyDeadlines = h("input", { type: "checkbox", name: "copyDeadlines", checked: true });
  const copies = h(
    "fieldset",
    { class: "carry-over" },
    h("legend", {}, "Kopiera också"),
    h(
      "ul",
      { class: "choices" },
      h("li", {}, h("label", { class: "choice" }, copyIndicators, " Målens och rubrikernas mått, med utgångsvärden men utan målvärden")),
      h("li", {}, h("label", { class: "choice" }, copyDeadlines, " Uppföljningsdatumen, flyttade till den nya periodens år")),
    ),
  );
  const save = h("button", { type: "submit", class: "button primary" }, "Starta nästa period");
  const form = h(
    "form",
    { class: "form", novalidate: true, onsubmit: (e) => submit(e) },
    field("name", "Namn", name),
    h("div", { class: "field-row" }, field("firstYear", "Första år", firstYear), field("lastYear", "Sista år", lastYear)),
    h(
      "fieldset",
      { class: "carry-over", "aria-describedby": "next-carry-hint next-carry-error" },
      h("legend", {}, "Aktiviteter att föra över"),
      h(
        "p",
        { id: "next-carry-hint", class: "hint" },
        "Planerade och pågående aktiviteter är förvalda. Varje aktivitet som förs över blir en ny aktivitet under samma rubrik i den nya planen; dess historik och uppföljningar stannar kvar här och nås därifrån.",
      ),
      activities.length
        ? h(
            "div",
            { class: "actions" },
            h("button", { type: "button", class: "button", onclick: checkAll(true) }, "Markera alla"),
            h("button", { type: "button", class: "button", onclick: checkAll(false) }, "Avmarkera alla"),
          )
        : null,
      activities.length ? h("ul", { class: "choices" }, boxes) : h("p", { class: "muted" }, "Handlingsplanen har inga aktiviteter."),
      carryError,
    ),
    copies,
    h("div", { class: "actions" }, save, h("a", { class: "button", href: `#/plans/${id}` }, "Avbryt")),
  );
  setLeaveGuard(null);

  async function submit(e) {
    e.preventDefault();
    for (const { error, input } of Object.values(errors)) {
      error.hidden = true;
      error.textContent = "";
      input?.removeAttribute("aria-invalid");
    }
    const ids = [...form.querySelectorAll('input[name="carryOver"]:checked')].map((b) => b.value);
    save.disabled = true;
    save.setAttribute("aria-busy", "true");
    try {
      const input = { planID: id, name: name.value.trim() || null, firstYear: Number(firstYear.value), lastYear: Number(lastYear.value), carryOverActivityIDs: ids, copyIndicators: copyIndicators.checked, copyDeadlines: copyDeadlines.checked };
      const result = await gql(`mutation Next($input: StartNextPeriodInput!) { startNextPeriod(input: $input) { id } }`, { input });
      const next = `#/plans/${result.startNextPeriod.id}`;
      showNotice(`Nästa period är skapad som utkast, med ${ids.length === 1 ? "1 aktivitet" : `${ids.length} aktiviteter`} förda vidare.`, next);
      location.hash = next;
    } catch (err) {
      const target = err instanceof GraphQLError && errors[err.field];
      if (target) {
        const message = swedish(err.message, err.field, err.code);
        target.error.textContent = message;
        target.error.hidden = false;
        target.input?.setAttribute("aria-invalid", "true");
        (target.input || form.querySelector('input[name="carryOver"]') || save).focus();
        announce(message);
      } else {
        showError(err);
      }
    } finally {
      save.disabled = false;
      save.removeAttribute("aria-busy");
    }
  }

  return h(
    "article",
    { class: "detail" },
    h(
      "nav",
      { class: "breadcrumbs", "aria-label": "Du är här" },
      h("ol", {}, h("li", {}, h("a", { href: "#/plans" }, "Handlingsplaner")), h("li", {}, h("a", { href: `#/plans/${id}` }, plan.name))),
    ),
    h("div", { class: "page-head" }, h("div", {}, h("p", { class: "kicker" }, `efter ${plan.firstYear}–${plan.lastYear}`), h("h1", {}, "Starta nästa period"))),
    h(
      "p",
      {},
      "Den nya handlingsplanen skapas som utkast med samma utvecklingsmål och rubriker, som du sedan kan ändra. Allt skapas i ett steg och syns i ändringsloggen.",
    ),
    form,
  );
}

/** planActivities reads the plan's activities, page by page, by goal and title. */
async function planActivities(planID) {
  const out = [];
  let after = null;
  while (out.length < maxActivities) {
    const data = await gql(
      `query Carry($where: ActivityWhereInput, $after: Cursor) {
        activities(first: 100, after: $after, where: $where, orderBy: [{field: TITLE}]) {
          edges { node { id title status successor { id } objective { title goal { number title area } } } }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      { where: { hasObjectiveWith: [{ hasGoalWith: [{ hasPlanWith: [{ id: planID }] }] }] }, after },
    );
    out.push(...data.activities.edges.map((e) => e.node));
    if (!data.activities.pageInfo.hasNextPage) break;
    after = data.activities.pageInfo.endCursor;
  }
  return out;
}
