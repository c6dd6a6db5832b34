// A searchable select over one type of the API, for one value (a heading,
// a home municipality) or several (the municipalities of an activity). It
// asks the server for at most 20 matches at a time, so it works as well
// with 290 municipalities as with 12.

import { h, replace, debounce, id as newID } from "../dom.js";
import { gql } from "../gql.js";
import { types } from "../types.js";

/**
 * combobox returns { el, input, values(), setValues(items) }. items are
 * { id, label, detail }. ref describes the type (see types.js refs);
 * inputID is the id a <label for> points at; extraWhere narrows the choice.
 */
export function combobox({ ref, multiple = false, values = [], inputID, describedBy, extraWhere = null, onChange = () => {} }) {
  const type = types[ref.type];
  const listID = newID("listbox");
  let selected = [...values];
  let options = [];
  let active = -1;

  const chips = h("ul", { class: "chips", "aria-label": "Valda" });
  const input = h("input", {
    id: inputID,
    type: "text",
    role: "combobox",
    autocomplete: "off",
    "aria-autocomplete": "list",
    "aria-expanded": "false",
    "aria-controls": listID,
    "aria-describedby": describedBy,
    placeholder: multiple ? "Sök och lägg till…" : "Sök…",
  });
  const list = h("ul", { id: listID, role: "listbox", class: "options", hidden: true });
  const el = h("div", { class: multiple ? "combo multiple" : "combo" }, multiple ? chips : null, input, list);

  function renderChips() {
    if (!multiple) {
      input.value = selected[0]?.label || "";
      return;
    }
    replace(
      chips,
      selected.map((item) =>
        h(
          "li",
          { class: "chip" },
          h("span", {}, item.label),
          h("button", { type: "button", class: "chip-remove", "aria-label": `Ta bort ${item.label}`, onclick: () => remove(item.id) }, "×"),
        ),
      ),
    );
  }

  function remove(itemID) {
    selected = selected.filter((s) => s.id !== itemID);
    renderChips();
    onChange();
    input.focus();
  }

  function choose(option) {
    if (multiple) {
      if (!selected.some((s) => s.id === option.id)) selected.push(option);
      input.value = "";
    } else {
      selected = [option];
    }
    close();
    renderChips();
    onChange();
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(i) {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute("aria-selected", String(j === i)));
    const li = list.children[i];
    if (li && li.id) {
      input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView({ block: "nearest" });
    }
  }

  let requestNo = 0;
  const search = debounce(async () => {
    const term = input.value.trim();
    const no = ++requestNo;
    const conditions = [ref.search && term ? { [ref.search]: term } : null, extraWhere].filter(Boolean);
    const where = conditions.length ? { and: conditions } : null;
    try {
      const data = await gql(
        `query Options($where: ${ref.type}WhereInput, $order: [${ref.type}Order!]) {
          items: ${type.root}(first: 20, where: $where, orderBy: $order) { edges { node { id ${ref.fields} } } }
        }`,
        { where, order: [{ field: ref.order, direction: "ASC" }] },
      );
      if (no !== requestNo) return; // an answer to an older search
      options = data.items.edges.map(({ node }) => ({ id: node.id, label: ref.label(node), detail: ref.detail ? ref.detail(node) : "" }));
      renderOptions();
    } catch (e) {
      options = [];
      replace(list, h("li", { class: "option-note" }, `Kunde inte söka: ${e.message}`));
      list.hidden = false;
    }
  }, 200);

  function renderOptions() {
    const shown = options.filter((o) => !multiple || !selected.some((s) => s.id === o.id));
    replace(
      list,
      shown.length === 0
        ? h("li", { class: "option-note" }, "Inga träffar")
        : shown.map((o, i) =>
            h(
              "li",
              {
                id: `${listID}-${i}`,
                role: "option",
                "aria-selected": "false",
                class: "option",
                onmousedown: (e) => e.preventDefault(), // keep focus in the input
                onclick: () => choose(o),
              },
              h("span", {}, o.label),
              o.detail ? h("span", { class: "option-detail" }, o.detail) : null,
            ),
          ),
    );
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
    options.shown = shown;
  }

  input.addEventListener("input", () => {
    if (!multiple && input.value.trim() === "" && selected.length) {
      selected = [];
      onChange();
    }
    search();
  });
  input.addEventListener("focus", search);
  input.addEventListener("blur", () => {
    close();
    if (!multiple) renderChips(); // show the chosen value again, not half a search
  });
  input.addEventListener("keydown", (e) => {
    const shown = options.shown || [];
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (list.hidden) search();
      else highlight(Math.min(active + 1, shown.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (e.key === "Enter") {
      if (!list.hidden && active >= 0 && shown[active]) {
        e.preventDefault();
        choose(shown[active]);
      }
    } else if (e.key === "Escape") {
      if (!list.hidden) {
        e.preventDefault();
        close();
      }
    } else if (e.key === "Backspace" && multiple && input.value === "" && selected.length) {
      remove(selected[selected.length - 1].id);
    }
  });

  renderChips();
  return {
    el,
    input,
    values: () => selected.map((s) => s.id),
    items: () => [...selected],
    setValues(items) {
      selected = [...items];
      renderChips();
    },
  };
}
