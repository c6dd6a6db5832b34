// A year's indicator values in one form: a row per municipality (an
// editor's own, or all of the plan's county for an admin), a column per
// indicator, and for an admin a row for the indicators of the whole
// county. Only the cells changed are sent, each as its own mutation on the
// version the form showed, so each is its own change in the audit trail and
// a value someone else changed meanwhile is not overwritten unseen.

import { h, replace, id as newID, announce, count } from "../dom.js";
import { gql, GraphQLError, NetworkError } from "../gql.js";
import { currentUser } from "../session.js";
import { showError, showNotice, clearBanner } from "../ui/banner.js";
import { setLeaveGuard } from "../guard.js";
import { swedish } from "../messages.js";
import { parseDecimal, decimalText } from "../ui/form.js";
import { goalOfIndicator, goalName } from "../labels.js";
import { indicatorsOfPlan } from "../types.js";

const plansQuery = `query Plans { plans(first: 100, orderBy: [{field: LAST_YEAR, direction: DESC}]) { edges { node { id name region countyCode firstYear lastYear } } } }`;

const valueFields = "id version value source municipality { id } followUp { id date }";

const gridQuery = `query Grid($where: IndicatorWhereInput, $year: Int!, $municipalities: MunicipalityWhereInput) {
  indicators(first: 100, where: $where, orderBy: [{field: NAME}]) {
    edges { node {
      id name unit scope
      goal { number title area } objective { title goal { number title area } } activity { title objective { goal { number title area } } }
      values(first: 100, where: {year: $year, periodIsNil: true}) { edges { node { ${valueFields} } } }
    } }
  }
  municipalities(first: 100, where: $municipalities, orderBy: {field: NAME}) { edges { node { id name code } } }
}`;

/** defaultYear is this year if the plan covers it, else the plan's year nearest to it. */
export function defaultYear(plan) {
  return Math.min(plan.lastYear, Math.max(plan.firstYear, new Date().getFullYear()));
}

/** valuesView is the form for a plan's (params: plan) values of a year (params: year). */
export async function valuesView(params) {
  const plans = (await gql(plansQuery)).plans.edges.map((e) => e.node);
  if (!plans.length) return h("div", {}, h("h1", {}, "Mata in värden"), h("p", {}, "Det finns ingen handlingsplan ännu."));
  const plan = plans.find((p) => p.id === params.get("plan")) || plans[0];
  let year = Number(params.get("year"));
  if (!Number.isInteger(year) || year < plan.firstYear || year > plan.lastYear) year = defaultYear(plan);

  const user = currentUser();
  const admin = user.role === "ADMIN";
  const data = await gql(gridQuery, { where: indicatorsOfPlan(plan.id), year, municipalities: plan.countyCode ? { countyCode: plan.countyCode } : null });
  const indicators = data.indicators.edges.map((e) => e.node);
  const collator = new Intl.Collator("sv-SE");
  const municipalities = admin
    ? data.municipalities.edges.map((e) => e.node)
    : [...(user.municipalities || [])].sort((a, b) => collator.compare(a.name, b.name));

  const head = [
    h("h1", {}, "Mata in värden"),
    h(
      "p",
      { class: "lead" },
      admin
        ? `Årets uppmätta värden för måtten i ${plan.name}: en rad per kommun och en för hela länet. `
        : `Årets uppmätta värden för kommunerna i ditt ansvarsområde, för måtten i ${plan.name}. `,
      "Ändra de värden du vill och spara en gång; tomma rutor saknar värde, och en ruta du tömmer tas bort. Decimaler skrivs med komma.",
    ),
    controls(plans, plan, year),
  ];
  if (!indicators.length) {
    return h("div", { class: "values-page" }, head, h("p", { class: "muted" }, "Planen har inga mått ännu.", admin ? " " : null, admin ? h("a", { href: "#/indicators/new" }, "Skapa ett mått") : null));
  }
  const perMunicipality = indicators.filter((i) => i.scope === "MUNICIPALITY");
  const county = indicators.filter((i) => i.scope === "COUNTY");
  if (!municipalities.length && !admin) {
    return h("div", { class: "values-page" }, head, h("p", { class: "muted" }, "Ditt ansvarsområde har inga kommuner, så det finns inga värden för dig att mata in."));
  }

  const cells = []; // every input of the form, see cell
  const form = h("form", { class: "values-form", novalidate: true });
  const summary = h("div", { class: "error-summary", tabindex: "-1", hidden: true });
  const save = h("button", { type: "submit", class: "button primary" }, `Spara värden för ${year}`);

  const columns = admin ? indicators : perMunicipality;
  const rows = municipalities.map((m) => ({ label: m.name, municipality: m }));
  if (admin && county.length) rows.push({ label: "Hela länet", municipality: null });
  const captionID = newID("values-caption");
  const table = h(
    "table",
    { class: "values-grid" },
    h("caption", { id: captionID, class: "visually-hidden" }, `Värden ${year}: en rad per kommun, en kolumn per mått`),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Kommun"),
        columns.map((i) =>
          h(
            "th",
            { scope: "col", class: "numeric" },
            h("a", { href: `#/indicators/${i.id}` }, i.name),
            h("span", { class: "values-unit" }, [i.unit, i.scope === "COUNTY" ? "hela länet" : null].filter(Boolean).join(", ")),
            h("span", { class: "values-owner" }, goalName(goalOfIndicator(i))),
          ),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((r) =>
        h(
          "tr",
          { class: r.municipality ? null : "values-county" },
          h("th", { scope: "row" }, r.label),
          columns.map((i) => {
            const applies = (i.scope === "MUNICIPALITY") === Boolean(r.municipality);
            if (!applies) return h("td", { class: "values-none" }, h("span", { "aria-hidden": "true" }, "–"), h("span", { class: "visually-hidden" }, "Inget värde här"));
            return h("td", { class: "numeric" }, cell(i, r.municipality));
          }),
        ),
      ),
    ),
  );

  form.append(
    ...[
      summary,
    h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": captionID }, table),
    !admin && county.length ? h("p", { class: "muted" }, `${count(county.length, "mått", "mått")} för hela länet matas in av en administratör.`) : null,
      h("div", { class: "actions" }, save, h("a", { class: "button", href: "#/indicators" }, "Till måtten")),
    ].filter(Boolean),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });
  setLeaveGuard(() => cells.some((c) => c.dirty()));

  /**
   * cell is the input of indicator i for municipality m (null: the county),
   * holding the value stored (id and version) that a change applies to.
   */
  function cell(i, m) {
    const stored = i.values.edges.map((e) => e.node).find((v) => (v.municipality?.id || null) === (m?.id || null)) || null;
    const inputID = newID("value");
    const errorID = newID("error");
    const noteID = newID("note");
    const label = `${i.name}, ${m ? m.name : "hela länet"}, ${year}`;
    const input = h("input", { id: inputID, type: "text", inputmode: "decimal", autocomplete: "off", class: "value-input", "aria-label": label, "aria-describedby": `${errorID} ${noteID}` });
    const error = h("p", { id: errorID, class: "field-error", hidden: true });
    const note = h("p", { id: noteID, class: "field-note", hidden: true });
    const source = h("p", { class: "value-source" });
    const c = {
      i,
      m,
      label,
      stored,
      input,
      typed: () => input.value.trim(),
      dirty: () => c.typed() !== decimalText(c.stored?.value),
      focus: () => input.focus(),
      setError(text) {
        error.textContent = text || "";
        error.hidden = !text;
        if (text) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      },
      setNote(text) {
        note.textContent = text || "";
        note.hidden = !text;
      },
      /** store takes a value as the server has it now (null: none), and shows where it comes from. */
      store(v) {
        c.stored = v;
        // Kolada's figures say so; figures computed from them do not.
        const same = v && c.typed() === decimalText(v.value);
        source.textContent = same && v.source === "KOLADA" ? "Källa: Kolada" : same && v.followUp ? "Ur en uppföljning" : "";
        source.hidden = !source.textContent;
      },
    };
    input.value = decimalText(stored?.value);
    c.store(stored);
    input.addEventListener("input", () => c.store(c.stored));
    cells.push(c);
    return h("div", { class: "value-cell" }, input, source, error, note);
  }

  function clearMessages() {
    summary.hidden = true;
    summary.replaceChildren();
    for (const c of cells) {
      c.setError("");
      c.setNote("");
    }
  }

  function showSummary(title, problems) {
    replace(
      summary,
      h("h2", {}, title),
      h(
        "ul",
        {},
        problems.map(([c, text]) => h("li", {}, h("a", { href: "#", onclick: (e) => (e.preventDefault(), c.focus()) }, c.label), `: ${text}`)),
      ),
    );
    summary.hidden = false;
    summary.focus();
    announce(`${title}. ${problems.map(([c, text]) => `${c.label}: ${text}`).join(" ")}`);
  }

  async function submit() {
    clearMessages();
    clearBanner();
    const changed = cells.filter((c) => c.dirty());
    if (!changed.length) {
      showNotice("Inga värden är ändrade.");
      return;
    }
    // What the page can tell itself, all at once, before anything is sent.
    const problems = [];
    for (const c of changed) {
      if (c.typed() !== "" && !Number.isFinite(parseDecimal(c.typed()))) {
        const text = "Ska vara ett tal, t.ex. 1 250 eller 12,5.";
        c.setError(text);
        problems.push([c, text]);
      }
    }
    if (problems.length) {
      showSummary(problems.length === 1 ? "Ett värde behöver rättas" : `${problems.length} värden behöver rättas`, problems);
      return;
    }
    save.disabled = true;
    save.setAttribute("aria-busy", "true");
    let saved = 0;
    const refused = [];
    try {
      for (const c of changed) {
        try {
          await send(c);
          saved++;
        } catch (e) {
          if (e instanceof NetworkError) throw e;
          const text = await refusal(c, e);
          c.setError(text);
          refused.push([c, text]);
        }
      }
    } catch (e) {
      showError(new NetworkError(`${e.message} ${saved ? `${count(saved, "värde", "värden")} hann sparas; ` : ""}Det du skrivit finns kvar i formuläret.`));
      return;
    } finally {
      save.disabled = false;
      save.removeAttribute("aria-busy");
    }
    if (refused.length) {
      showSummary(`${count(refused.length, "värde", "värden")} sparades inte${saved ? ` (${count(saved, "värde", "värden")} sparades)` : ""}`, refused);
    } else {
      showNotice(`${count(saved, "värde", "värden")} sparade för ${year}.`);
    }
  }

  /** send writes one changed cell: a new value, a changed one, or the removal of one emptied. */
  async function send(c) {
    const typed = c.typed();
    if (typed === "") {
      await gql(`mutation Remove($id: ID!) { deleteIndicatorValue(id: $id) }`, { id: c.stored.id });
      c.store(null);
      return;
    }
    const value = parseDecimal(typed);
    if (c.stored) {
      // A figure typed over Kolada's is the plan's own (a follow-up's
      // figure stays the follow-up's).
      const input = { value, version: c.stored.version };
      if (c.stored.source === "KOLADA") input.source = "OWN";
      const data = await gql(`mutation Change($id: ID!, $input: UpdateIndicatorValueInput!) { updateIndicatorValue(id: $id, input: $input) { ${valueFields} } }`, { id: c.stored.id, input });
      c.store(data.updateIndicatorValue);
    } else {
      const input = { indicatorID: c.i.id, year, value };
      if (c.m) input.municipalityID = c.m.id;
      const data = await gql(`mutation Enter($input: CreateIndicatorValueInput!) { createIndicatorValue(input: $input) { ${valueFields} } }`, { input });
      c.store(data.createIndicatorValue);
    }
    c.input.value = decimalText(c.stored.value);
  }

  /**
   * refusal says why a cell was not saved. When someone else changed,
   * entered or removed the value meanwhile, the cell learns what is stored
   * now and says so, keeping what the user typed: saving again applies it
   * over the newer value, knowingly.
   */
  async function refusal(c, e) {
    const code = e instanceof GraphQLError ? e.code : "";
    if (code === "CONFLICT" || code === "CONSTRAINT" || (code === "NOT_FOUND" && c.stored)) {
      try {
        const where = { hasIndicatorWith: [{ id: c.i.id }], year, periodIsNil: true, ...(c.m ? { hasMunicipalityWith: [{ id: c.m.id }] } : { municipalityIDIsNil: true }) };
        const data = await gql(`query Now($where: IndicatorValueWhereInput) { indicatorValues(first: 1, where: $where) { edges { node { ${valueFields} } } } }`, { where });
        const now = data.indicatorValues.edges[0]?.node || null;
        c.store(now);
        if (!now) return "Någon annan tog bort värdet medan du redigerade. Spara igen för att föra in ditt.";
        return `Någon annan har sparat ${decimalText(now.value)} medan du redigerade. Ditt värde gäller om du sparar igen.`;
      } catch (again) {
        return swedish(e.message, e.field, code);
      }
    }
    if (code === "FORBIDDEN") return `Ingen behörighet: ${swedish(e.message, e.field, code)}`;
    return swedish(e.message, e.field, code);
  }

  return h("div", { class: "values-page" }, head, form);
}

function controls(plans, plan, year) {
  const planID = newID("plan");
  const yearID = newID("year");
  const planSelect = h("select", { id: planID }, plans.map((p) => h("option", { value: p.id, selected: p.id === plan.id }, `${p.name} (${p.region})`)));
  const years = [];
  for (let y = plan.firstYear; y <= plan.lastYear; y++) years.push(y);
  const yearSelect = h("select", { id: yearID }, years.map((y) => h("option", { value: String(y), selected: y === year }, String(y))));
  const go = () => {
    const params = new URLSearchParams({ plan: planSelect.value });
    if (planSelect.value === plan.id) params.set("year", yearSelect.value);
    location.hash = `#/values?${params}`;
  };
  planSelect.addEventListener("change", go);
  yearSelect.addEventListener("change", go);
  return h(
    "div",
    { class: "toolbar" },
    h("div", { class: "field" }, h("label", { for: planID }, "Handlingsplan"), planSelect),
    h("div", { class: "field" }, h("label", { for: yearID }, "År"), yearSelect),
  );
}
