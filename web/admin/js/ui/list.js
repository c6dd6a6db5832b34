// A list of one type: search, filters, sorting and pages of 50, all done by
// the server. Nothing is loaded that the page does not show, so it works
// the same on 6 activities and on 20,000.

import { h, replace, num, count, debounce, announce, id as newID } from "../dom.js";
import { gql } from "../gql.js";
import { types, words } from "../types.js";
import { combobox } from "./combobox.js";
import { showError } from "./banner.js";
import { keepInAddress } from "../address.js";
import { swedish } from "../messages.js";
import { follow, liveTypes } from "../live.js";

const pageSize = 50;

/**
 * listView returns an element listing typeName. where narrows the list for
 * good (a goal's headings); title heads it; newLink, when given, is the
 * address of the form that creates one; compact leaves out the filters.
 *
 * address, when given, is the list's own address ("#/activities"): the
 * search, filters, sort order and page are then read from params and kept
 * in the address's query as they change (see address.js). bulk offers to
 * select rows and change them all at once (see type.bulk); download offers
 * the list as filtered as a CSV file (see type.csv).
 */
export function listView({
  typeName,
  type: spec = null,
  where = null,
  order = null,
  title,
  newLink = null,
  compact = false,
  empty = null,
  level = 2,
  columns = null,
  address = null,
  params = new URLSearchParams(),
  bulk = false,
  download = false,
}) {
  // spec describes a type the generic views do not show (tokens, the audit
  // trail); columns replaces its columns for one list.
  const type = { ...(spec || types[typeName]) };
  if (columns) type.columns = columns;
  const state = {
    search: "",
    filters: {}, // filter name → its where
    raw: {}, // filter name → the value chosen, as the address holds it
    order: order || type.defaultOrder,
    cursors: [null], // the after-cursor of each page seen, for going back
    page: 0,
  };
  const selected = new Map(); // id → the row's node, for bulk changes
  const plural = (n) => count(n, type.one, type.many.toLowerCase());
  const useBulk = bulk && Boolean(type.bulk);

  const headingID = newID("list");
  const countEl = h("span", { class: "count" });
  const body = h("tbody", {}, loadingRow());
  const summary = h("p", { class: "pager-summary", "aria-live": "polite" }, "Laddar…");
  const prev = h("button", { type: "button", class: "button", disabled: true, onclick: () => go(state.page - 1) }, "← Föregående");
  const next = h("button", { type: "button", class: "button", disabled: true, onclick: () => go(state.page + 1) }, "Nästa →");
  const headers = type.columns.map((col) => sortHeader(col));
  const selectAll = useBulk ? h("input", { type: "checkbox", "aria-label": "Markera alla på sidan", onchange: () => selectPage(selectAll.checked) }) : null;
  const table = h(
    "table",
    { class: "list", "aria-labelledby": headingID },
    h("thead", {}, h("tr", {}, useBulk ? h("td", { class: "select" }, selectAll) : null, headers.map((x) => x.th))),
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
  const downloadButton = download && type.csv ? h("button", { type: "button", class: "button", onclick: () => downloadCSV() }, "Ladda ner för Excel (CSV)") : null;
  if (downloadButton) toolbar.append(h("div", { class: "field download" }, downloadButton));

  const bulkBar = useBulk ? bulkControls() : null;

  const el = h(
    "section",
    { class: "list-view", "aria-busy": "true" },
    h(
      "div",
      { class: "section-head" },
      h(`h${level}`, { id: headingID }, title || type.many, " ", countEl),
      newLink ? h("a", { class: "button primary", href: newLink }, words(type).new) : null,
    ),
    toolbar,
    bulkBar?.el,
    h("div", { class: "table-wrap" }, table),
    h("div", { class: "pager" }, summary, h("div", { class: "pager-buttons" }, prev, next)),
  );

  function loadingRow() {
    return h("tr", {}, h("td", { colspan: type.columns.length + (useBulk ? 1 : 0), class: "empty loading" }, "Laddar…"));
  }

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
    const from = params.get(f.name) || "";
    const restore = (v) => {
      if (!v) return;
      state.raw[f.name] = v;
      state.filters[f.name] = f.where(v);
    };
    if (f.kind === "text" || f.kind === "date") {
      const input = h("input", { id: fid, type: f.kind === "date" ? "date" : "search", autocomplete: "off", placeholder: f.placeholder || null });
      input.value = from;
      restore(from);
      const apply = () => {
        const v = input.value.trim();
        state.raw[f.name] = v;
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
      if (f.options.some((o) => o.value === from)) {
        select.value = from;
        restore(from);
      }
      select.addEventListener("change", () => {
        state.raw[f.name] = select.value;
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
        state.raw[f.name] = value || "";
        state.filters[f.name] = value ? f.where(value) : null;
        reset();
      },
    });
    if (from) {
      // The address holds the id; the name is asked for.
      restore(from);
      combo.setValues([{ id: from, label: "…" }]);
      gql(`query Name($id: ID!) { node(id: $id) { id ... on ${f.ref.type} { ${f.ref.fields} } } }`, { id: from }, { partial: true })
        .then((data) => combo.setValues(data?.node ? [{ id: from, label: f.ref.label(data.node) }] : []))
        .catch(() => combo.setValues([]));
    }
    return h("div", { class: "field" }, h("label", { for: fid }, f.label), combo.el);
  }

  // The state the address held when the view opened.
  if (address) {
    state.search = (params.get("q") || "").trim();
    searchInput.value = state.search;
    const sort = params.get("sort") || "";
    const field = sort.replace(/^-/, "");
    if (type.columns.some((c) => c.order === field)) state.order = { field, direction: sort.startsWith("-") ? "DESC" : "ASC" };
    const page = Number(params.get("page"));
    if (Number.isInteger(page) && page > 1 && page <= 10000) state.page = page - 1;
  }

  /** remember keeps the list's state in the address, when it has one. */
  function remember() {
    if (!address || !el.isConnected) return;
    const q = new URLSearchParams();
    if (state.search) q.set("q", state.search);
    for (const f of type.filters || []) if (state.raw[f.name]) q.set(f.name, state.raw[f.name]);
    const def = order || type.defaultOrder;
    if (state.order.field !== def.field || state.order.direction !== def.direction) q.set("sort", `${state.order.direction === "DESC" ? "-" : ""}${state.order.field}`);
    if (state.page > 0) q.set("page", String(state.page + 1));
    keepInAddress(address, q);
  }

  function reset() {
    state.cursors = [null];
    state.page = 0;
    remember();
    load();
  }

  function go(page) {
    if (page < 0 || page >= state.cursors.length) return;
    state.page = page;
    remember();
    load();
  }

  function conditions() {
    const all = [where, ...Object.values(state.filters)].filter(Boolean);
    if (state.search) all.push(type.search.where ? type.search.where(state.search) : { [type.search.field]: state.search });
    return all.length ? { and: all } : null;
  }

  /**
   * findCursor finds the after-cursor of the page shown when the address
   * names a page the list has not walked to (a bookmark, Back): it asks
   * for the cursors of the pages before it, and stops at the last page.
   * (The edges are asked for as without them the server counts only, and
   * has no cursor to give.)
   */
  async function findCursor(isCurrent) {
    while (state.cursors.length <= state.page) {
      const p = state.cursors.length - 1;
      const data = await gql(
        `query Pages($after: Cursor, $where: ${typeName}WhereInput, $order: [${typeName}Order!]) {
          list: ${type.root}(first: ${pageSize}, after: $after, where: $where, orderBy: $order) { pageInfo { hasNextPage endCursor } edges { cursor } }
        }`,
        { after: state.cursors[p], where: conditions(), order: [state.order] },
      );
      if (!isCurrent()) return;
      if (!data.list.pageInfo.hasNextPage) {
        state.page = p; // fewer pages than the address says: the last
        return;
      }
      state.cursors.push(data.list.pageInfo.endCursor);
    }
  }

  let requestNo = 0;
  let shown = ""; // the page shown, as the server answered it
  /**
   * load asks for the page and shows it. Quietly (someone else changed
   * what the list shows), the page stays as it is until the answer is
   * there and changes only if the answer differs, keeping the rows
   * selected and the focus; screen readers hear that it changed.
   */
  async function load({ quiet = false } = {}) {
    const no = ++requestNo;
    const isCurrent = () => no === requestNo;
    // Loading says so: the summary, the busy state, and page buttons that
    // cannot be pressed until the answer is there.
    if (!quiet) {
      el.setAttribute("aria-busy", "true");
      summary.textContent = "Laddar…";
      prev.disabled = true;
      next.disabled = true;
    }
    try {
      await findCursor(isCurrent);
      if (!isCurrent()) return;
      const data = await gql(
        `query List($after: Cursor, $where: ${typeName}WhereInput, $order: [${typeName}Order!]) {
          list: ${type.root}(first: ${pageSize}, after: $after, where: $where, orderBy: $order) {
            totalCount
            pageInfo { hasNextPage endCursor }
            edges { node { id ${type.listFields}${useBulk ? " version" : ""} } }
          }
        }`,
        { after: state.cursors[state.page], where: conditions(), order: [state.order] },
      );
      if (!isCurrent()) return;
      // Some lists look up more before they show (names for the ids in
      // the audit trail).
      if (type.prepare) await type.prepare(data.list.edges.map((e) => e.node));
      if (!isCurrent()) return;
      const answer = JSON.stringify(data.list);
      if (quiet && answer === shown) return;
      shown = answer;
      if (quiet) {
        renderKeeping(data.list);
        announce("Listan uppdaterades.");
      } else {
        render(data.list);
      }
    } catch (e) {
      if (quiet) return; // the list as it was stays; the next change or reload tries again
      if (isCurrent()) {
        summary.textContent = "Listan kunde inte hämtas.";
        replace(body, h("tr", {}, h("td", { colspan: type.columns.length + (useBulk ? 1 : 0), class: "empty" }, "Listan kunde inte hämtas.")));
        showError(e);
      }
    } finally {
      if (isCurrent()) el.removeAttribute("aria-busy");
    }
  }

  function render(list) {
    const { totalCount, pageInfo, edges } = list;
    // A short list within a page needs no search box; a long one does.
    if (compact && !state.search) toolbar.hidden = totalCount <= 10;
    if (pageInfo.hasNextPage) state.cursors[state.page + 1] = pageInfo.endCursor;
    else state.cursors.length = state.page + 1;
    countEl.textContent = `(${num(totalCount)})`;
    for (const { th, col } of headers) {
      if (!col) continue;
      const sorted = state.order.field === col.order;
      th.setAttribute("aria-sort", sorted ? (state.order.direction === "ASC" ? "ascending" : "descending") : "none");
    }
    selected.clear();
    if (bulkBar) bulkBar.update();
    if (edges.length === 0) {
      replace(body, h("tr", {}, h("td", { colspan: type.columns.length + (useBulk ? 1 : 0), class: "empty" }, state.search || Object.values(state.filters).some(Boolean) ? "Inga träffar." : empty || `Inga ${type.many.toLowerCase()} ännu.`)));
    } else {
      replace(body, edges.map(({ node }) => row(node)));
    }
    const from = state.page * pageSize + (edges.length ? 1 : 0);
    summary.textContent = `Visar ${num(from)}–${num(state.page * pageSize + edges.length)} av ${num(totalCount)}`;
    prev.disabled = state.page === 0;
    next.disabled = !pageInfo.hasNextPage;
  }

  /**
   * renderKeeping shows the page anew as render does, keeping the rows
   * still on it selected and the focus on the same link or box.
   */
  function renderKeeping(list) {
    const kept = new Set(selected.keys());
    const focused = body.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = focused ? focused.dataset.id || focused.getAttribute("href") : null;
    render(list);
    if (useBulk && kept.size) {
      for (const box of body.querySelectorAll("input[type=checkbox]")) {
        if (!kept.has(box.dataset.id)) continue;
        box.checked = true;
        box.dispatchEvent(new Event("change"));
      }
    }
    if (focusKey) {
      const again = [...body.querySelectorAll("a, input")].find((x) => (x.dataset.id || x.getAttribute("href")) === focusKey);
      again?.focus({ preventScroll: true });
    }
  }

  function row(node) {
    const name = type.title ? type.title(node) : node.id;
    const box = useBulk
      ? h("td", { class: "select" }, h("input", { type: "checkbox", "aria-label": `Markera ${name}`, dataset: { id: node.id }, onchange: (e) => select(node, e.target.checked) }))
      : null;
    return h(
      "tr",
      {},
      box,
      type.columns.map((col) => {
        const value = col.value(node) ?? "";
        const content = col.link ? h("a", { href: `#/${type.route}/${node.id}` }, value || "(utan namn)") : value;
        const cls = [col.numeric ? "numeric" : "", col.wrap ? "wrap" : "", col.status && node.status ? `status status-${node.status.toLowerCase()}` : "", col.assessment && (col.raw ? col.raw(node) : node.assessment) ? `assessment assessment-${(col.raw ? col.raw(node) : node.assessment).toLowerCase()}` : ""]
          .filter(Boolean)
          .join(" ");
        return h("td", { class: cls || null }, content);
      }),
    );
  }

  function select(node, on) {
    if (on) selected.set(node.id, node);
    else selected.delete(node.id);
    bulkBar.update();
  }

  function selectPage(on) {
    for (const box of body.querySelectorAll("input[type=checkbox]")) {
      if (box.checked === on) continue;
      box.checked = on;
      box.dispatchEvent(new Event("change"));
    }
  }

  /**
   * bulkControls are the bar that changes the selected rows: one
   * confirmation, then one mutation per row, so each is its own audited
   * change based on the version the list showed; the rows that could not
   * be changed (someone else changed them meanwhile, outside the user's
   * scope) are reported one by one. type.bulk lists the changes offered,
   * each with the value it needs (a status, a municipality, none) and its
   * buttons.
   */
  function bulkControls() {
    const chosen = h("span", { class: "bulk-count" });
    const report = h("div", { class: "bulk-report", role: "status" });
    const buttons = [];
    const groups = type.bulk.map((spec) => {
      const offered = spec.buttons.filter((b) => !b.offered || b.offered());
      if (!offered.length) return null;
      const fid = newID("bulk");
      let control = null;
      let valueOf = () => ({ value: null, label: "" });
      if (spec.options) {
        control = h("select", { id: fid }, spec.options.map((o) => h("option", { value: o.value }, o.label)));
        valueOf = () => ({ value: control.value, label: spec.options.find((o) => o.value === control.value).label });
      } else if (spec.ref) {
        const combo = combobox({ ref: spec.ref, inputID: fid, onChange: () => update() });
        control = combo.el;
        valueOf = () => {
          const [item] = combo.items();
          return { value: item?.id || null, label: item?.label || "" };
        };
      }
      const own = offered.map((b) => {
        const button = h("button", { type: "button", class: b.danger ? "button danger" : "button primary", onclick: () => run(b, valueOf()) }, b.text);
        buttons.push({ button, needsValue: Boolean(control) && !spec.options, valueOf });
        return button;
      });
      return h("div", { class: "bulk-group" }, control ? h("div", { class: "field" }, h("label", { for: fid }, spec.label), control) : null, own);
    });
    const bar = h("div", { class: "bulk", role: "group", "aria-label": "Ändra markerade" }, chosen, groups);
    const wrap = h("div", {}, bar, report);

    function update() {
      const n = selected.size;
      chosen.textContent = n ? `${plural(n)} ${n === 1 ? "markerad" : "markerade"}` : "Inga markerade";
      for (const { button, needsValue, valueOf } of buttons) button.disabled = n === 0 || (needsValue && !valueOf().value);
      if (selectAll) {
        const boxes = body.querySelectorAll("input[type=checkbox]").length;
        selectAll.checked = n > 0 && n === boxes;
        selectAll.indeterminate = n > 0 && n < boxes;
      }
    }

    async function run(spec, { value, label }) {
      const rows = [...selected.values()];
      if (!rows.length || !window.confirm(spec.confirm(plural(rows.length), label))) return;
      for (const { button } of buttons) button.disabled = true;
      bar.setAttribute("aria-busy", "true");
      replace(report, "Ändrar…");
      report.className = "bulk-report";
      const failed = [];
      let done = 0;
      for (const node of rows) {
        try {
          await spec.change(node, value);
          done++;
        } catch (e) {
          failed.push([node, e]);
        }
      }
      const lines = failed.map(([node, e]) => h("li", {}, h("a", { href: `#/${type.route}/${node.id}` }, type.title(node)), ": ", why(e)));
      const [one, many] = spec.done;
      replace(
        report,
        h("p", {}, done ? `${plural(done)} ${done === 1 ? one : many}.` : `Ingen ${type.one} ${one}.`, failed.length ? ` ${plural(failed.length)} kunde inte ${spec.failed || "ändras"}:` : ""),
        failed.length ? h("ul", {}, lines) : null,
      );
      report.className = failed.length ? "bulk-report problems" : "bulk-report";
      bar.removeAttribute("aria-busy");
      load();
    }

    function why(e) {
      if (e.code === "CONFLICT") return "någon annan ändrade den medan listan visades. Inget ändrades: försök igen.";
      if (e.code === "NOT_FOUND") return "den har tagits bort.";
      // An editor's refusals about links say what the rule is; any other
      // refusal is the role's.
      if (e.code === "FORBIDDEN" && !/^an editor may/.test(e.message || "")) return "din roll får inte ändra den.";
      const text = swedish(e.message || "", e.field || "", e.code || "");
      return text.charAt(0).toLocaleLowerCase("sv-SE") + text.slice(1);
    }

    update();
    return { el: wrap, update };
  }

  /**
   * downloadCSV saves the list as filtered and sorted, every page of it,
   * as a CSV file for Excel: UTF-8 with a byte order mark (so Excel reads
   * å, ä, ö), semicolons (as Excel in Swedish expects), CRLF lines.
   */
  async function downloadCSV() {
    downloadButton.disabled = true;
    downloadButton.setAttribute("aria-busy", "true");
    const label = downloadButton.textContent;
    downloadButton.textContent = "Hämtar…";
    try {
      const rows = [type.csv.map((c) => c.label)];
      let after = null;
      for (;;) {
        const data = await gql(
          `query Download($after: Cursor, $where: ${typeName}WhereInput, $order: [${typeName}Order!]) {
            list: ${type.root}(first: 100, after: $after, where: $where, orderBy: $order) {
              pageInfo { hasNextPage endCursor }
              edges { node { id ${type.csvFields} } }
            }
          }`,
          { after, where: conditions(), order: [state.order] },
        );
        for (const { node } of data.list.edges) rows.push(type.csv.map((c) => String(c.value(node) ?? "")));
        if (!data.list.pageInfo.hasNextPage) break;
        after = data.list.pageInfo.endCursor;
      }
      saveFile(`${type.csvName}.csv`, csvText(rows));
      announce(`${type.csvName}.csv är nedladdad.`);
    } catch (e) {
      showError(e);
    } finally {
      downloadButton.disabled = false;
      downloadButton.removeAttribute("aria-busy");
      downloadButton.textContent = label;
    }
  }

  // A row's button (revoking a token) asks for the list again by this event.
  el.addEventListener("reload", () => load());
  // Someone else creating, changing or deleting one of the type: the page
  // is asked for again, quietly (see live.js).
  if (liveTypes.includes(typeName) && !spec) follow(el, { types: [typeName] }, () => load({ quiet: true }));
  load();
  return el;
}

/** csvText writes rows as CSV for Excel in Swedish: BOM, semicolons, CRLF. */
export function csvText(rows) {
  const cell = (v) => {
    // A cell that Excel would read as a formula gets an apostrophe first,
    // as the server's reports do (OWASP on CSV injection).
    let s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    if (/[";\r\n]/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
    return s;
  };
  return "\uFEFF" + rows.map((r) => r.map(cell).join(";")).join("\r\n") + "\r\n";
}

function saveFile(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10000);
}
