// A list of one type: search, filters, sorting and pages of 50, all done by
// the server. Nothing is loaded that the page does not show, so it works
// the same on 6 activities and on 20,000.

import { h, replace, num, debounce, id as newID } from "../dom.js";
import { gql } from "../gql.js";
import { types, words } from "../types.js";
import { combobox } from "./combobox.js";
import { showError } from "./banner.js";

const pageSize = 50;

/**
 * listView returns an element listing typeName. where narrows the list for
 * good (a goal's headings); title heads it; newLink, when given, is the
 * address of the form that creates one; compact leaves out the filters.
 */
export function listView({ typeName, type: spec = null, where = null, order = null, title, newLink = null, compact = false, empty = null, level = 2, columns = null }) {
  // spec describes a type the generic views do not show (tokens, the audit
  // trail); columns replaces its columns for one list.
  const type = { ...(spec || types[typeName]) };
  if (columns) type.columns = columns;
  const state = {
    search: "",
    filters: {},
    order: order || type.defaultOrder,
    cursors: [null], // the after-cursor of each page seen, for going back
    page: 0,
  };

  const headingID = newID("list");
  const count = h("span", { class: "count" });
  const body = h("tbody");
  const summary = h("p", { class: "pager-summary", "aria-live": "polite" });
  const prev = h("button", { type: "button", class: "button", onclick: () => go(state.page - 1) }, "← Föregående");
  const next = h("button", { type: "button", class: "button", onclick: () => go(state.page + 1) }, "Nästa →");
  const headers = type.columns.map((col) => sortHeader(col));
  const table = h(
    "table",
    { class: "list", "aria-labelledby": headingID },
    h("thead", {}, h("tr", {}, headers.map((x) => x.th))),
    body,
  );

  const toolbar = h("div", { class: "toolbar" });
  const searchID = newID("search");
  const searchInput = h("input", { id: searchID, type: "search", placeholder: "Sök…", autocomplete: "off" });
  searchInput.addEventListener(
    "input",
    debounce(() => {
      state.search = searchInput.value.trim();
      reset();
    }),
  );
  if (type.search) toolbar.append(h("div", { class: "field search" }, h("label", { for: searchID }, type.search.label), searchInput));
  if (!compact) {
    for (const f of type.filters || []) toolbar.append(filterControl(f));
  }

  const el = h(
    "section",
    { class: "list-view" },
    h(
      "div",
      { class: "section-head" },
      h(`h${level}`, { id: headingID }, title || type.many, " ", count),
      newLink ? h("a", { class: "button primary", href: newLink }, words(type).new) : null,
    ),
    toolbar,
    h("div", { class: "table-wrap" }, table),
    h("div", { class: "pager" }, summary, h("div", { class: "pager-buttons" }, prev, next)),
  );

  function sortHeader(col) {
    if (!col.order) {
      return { th: h("th", { scope: "col", class: col.numeric ? "numeric" : null }, col.label) };
    }
    const button = h("button", { type: "button", class: "sort", onclick: () => sortBy(col.order) }, col.label);
    const th = h("th", { scope: "col", class: col.numeric ? "numeric" : null }, button);
    return { th, col };
  }

  function sortBy(field) {
    const same = state.order.field === field;
    state.order = { field, direction: same && state.order.direction === "ASC" ? "DESC" : "ASC" };
    reset();
  }

  function filterControl(f) {
    const fid = newID("filter");
    if (f.kind === "text" || f.kind === "date") {
      const input = h("input", { id: fid, type: f.kind === "date" ? "date" : "search", autocomplete: "off", placeholder: f.placeholder || null });
      const apply = () => {
        const v = input.value.trim();
        state.filters[f.name] = v ? f.where(v) : null;
        reset();
      };
      if (f.kind === "date") input.addEventListener("change", apply);
      else input.addEventListener("input", debounce(apply));
      return h("div", { class: "field" }, h("label", { for: fid }, f.label), input);
    }
    if (f.kind === "select") {
      const select = h(
        "select",
        { id: fid },
        h("option", { value: "" }, "Alla"),
        f.options.map((o) => h("option", { value: o.value }, o.label)),
      );
      select.addEventListener("change", () => {
        state.filters[f.name] = select.value ? f.where(select.value) : null;
        reset();
      });
      return h("div", { class: "field" }, h("label", { for: fid }, f.label), select);
    }
    const combo = combobox({
      ref: f.ref,
      inputID: fid,
      onChange: () => {
        const [value] = combo.values();
        state.filters[f.name] = value ? f.where(value) : null;
        reset();
      },
    });
    return h("div", { class: "field" }, h("label", { for: fid }, f.label), combo.el);
  }

  function reset() {
    state.cursors = [null];
    state.page = 0;
    load();
  }

  function go(page) {
    if (page < 0 || page >= state.cursors.length) return;
    state.page = page;
    load();
  }

  let requestNo = 0;
  async function load() {
    const no = ++requestNo;
    const conditions = [where, ...Object.values(state.filters)].filter(Boolean);
    if (state.search) conditions.push(type.search.where ? type.search.where(state.search) : { [type.search.field]: state.search });
    el.setAttribute("aria-busy", "true");
    try {
      const data = await gql(
        `query List($after: Cursor, $where: ${typeName}WhereInput, $order: [${typeName}Order!]) {
          list: ${type.root}(first: ${pageSize}, after: $after, where: $where, orderBy: $order) {
            totalCount
            pageInfo { hasNextPage endCursor }
            edges { node { id ${type.listFields} } }
          }
        }`,
        { after: state.cursors[state.page], where: conditions.length ? { and: conditions } : null, order: [state.order] },
      );
      if (no !== requestNo) return;
      // Some lists look up more before they show (names for the ids in
      // the audit trail).
      if (type.prepare) await type.prepare(data.list.edges.map((e) => e.node));
      if (no !== requestNo) return;
      render(data.list);
    } catch (e) {
      if (no === requestNo) showError(e);
    } finally {
      if (no === requestNo) el.removeAttribute("aria-busy");
    }
  }

  function render(list) {
    const { totalCount, pageInfo, edges } = list;
    // A short list within a page needs no search box; a long one does.
    if (compact && !state.search) toolbar.hidden = totalCount <= 10;
    if (pageInfo.hasNextPage) state.cursors[state.page + 1] = pageInfo.endCursor;
    else state.cursors.length = state.page + 1;
    count.textContent = `(${num(totalCount)})`;
    for (const { th, col } of headers) {
      if (!col) continue;
      const sorted = state.order.field === col.order;
      th.setAttribute("aria-sort", sorted ? (state.order.direction === "ASC" ? "ascending" : "descending") : "none");
    }
    if (edges.length === 0) {
      replace(body, h("tr", {}, h("td", { colspan: type.columns.length, class: "empty" }, state.search || Object.values(state.filters).some(Boolean) ? "Inga träffar." : empty || `Inga ${type.many.toLowerCase()} ännu.`)));
    } else {
      replace(body, edges.map(({ node }) => row(node)));
    }
    const from = state.page * pageSize + (edges.length ? 1 : 0);
    summary.textContent = `Visar ${num(from)}–${num(state.page * pageSize + edges.length)} av ${num(totalCount)}`;
    prev.disabled = state.page === 0;
    next.disabled = !pageInfo.hasNextPage;
  }

  function row(node) {
    return h(
      "tr",
      {},
      type.columns.map((col) => {
        const value = col.value(node) ?? "";
        const content = col.link ? h("a", { href: `#/${type.route}/${node.id}` }, value || "(utan namn)") : value;
        const cls = [col.numeric ? "numeric" : "", col.wrap ? "wrap" : "", col.status && node.status ? `status status-${node.status.toLowerCase()}` : "", col.assessment && node.assessment ? `assessment assessment-${node.assessment.toLowerCase()}` : ""]
          .filter(Boolean)
          .join(" ");
        return h("td", { class: cls || null }, content);
      }),
    );
  }

  // A row's button (revoking a token) asks for the list again by this event.
  el.addEventListener("reload", () => load());
  load();
  return el;
}
