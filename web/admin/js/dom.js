// Small helpers to build the page. Text always goes in as text (textContent
// or a Text node), never as markup: a title like <img onerror=…> shows as
// those characters.

/**
 * h creates an element. attrs holds attributes and properties ("class",
 * "for", "on…" listeners, "dataset"); children are nodes, strings (added as
 * text), arrays of them, or null (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "value" || key === "checked" || key === "selected") {
      el[key] = value;
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** replace empties el and fills it with children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const numberFormat = new Intl.NumberFormat("sv-SE");
const dateFormat = new Intl.DateTimeFormat("sv-SE", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat("sv-SE", { dateStyle: "medium", timeStyle: "short" });

/** num formats a number the Swedish way: 20 000. */
export const num = (n) => numberFormat.format(n);

/**
 * count says how many, in the right form: count(1, "aktivitet", "aktiviteter")
 * is "1 aktivitet", count(2, …) "2 aktiviteter" (and screen readers read it so).
 */
export const count = (n, one, many) => `${num(n)} ${n === 1 ? one : many}`;

/** date formats an ISO date as "19 januari 2021". */
export const date = (iso) => (iso ? dateFormat.format(new Date(iso)) : "");

/** dateTime formats an ISO time as "19 jan. 2021 14:03". */
export const dateTime = (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : "");

/** isoDay turns an ISO time into the yyyy-mm-dd an <input type=date> takes. */
export const isoDay = (iso) => (iso ? iso.slice(0, 10) : "");

/** announce tells screen readers what happened. */
export function announce(text) {
  const status = document.getElementById("status");
  status.textContent = "";
  window.setTimeout(() => (status.textContent = text), 50);
}

/** debounce calls fn once calls have stopped for ms milliseconds. */
export function debounce(fn, ms = 250) {
  let timer;
  return (...args) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => fn(...args), ms);
  };
}

let uid = 0;
/** id returns an id unique in the page, for labels and descriptions. */
export const id = (prefix) => `${prefix}-${++uid}`;
