// The form that creates or edits one object. The server checks every value
// (the rules live in the ent schema); its refusals appear next to the field
// they concern. A lost connection or a server error leaves what the user
// typed in place, and leaving with unsaved changes asks first.

import { h, replace, id as newID, isoDay, announce, num } from "../dom.js";
import { gql, GraphQLError, NetworkError } from "../gql.js";
import { types, words } from "../types.js";
import { combobox } from "./combobox.js";
import { showError, showNotice, clearBanner } from "./banner.js";
import { swedish } from "../messages.js";
import { setLeaveGuard } from "../guard.js";
import { currentUser } from "../session.js";
import { statusLabels } from "../labels.js";
import { follow, liveTypes } from "../live.js";

// The longest text the server takes, in characters, by kind of field: a
// line (a title, a name) and prose (a description, a follow-up's text).
const maxLength = { text: 300, textarea: 20000, url: 2000 };

/** editQuery is the query that loads what the form of typeName edits. */
export function editQuery(typeName) {
  const parts = types[typeName].fields.filter((f) => !f.arg).map((f) => {
    if (f.kind === "ref") return `${f.name.replace(/ID$/, "")} { id ${f.ref.fields} }`;
    if (f.kind === "links" && f.plain) return `${f.edge} { id ${f.ref.fields} }`;
    if (f.kind === "links") return `${f.edge}(first: 100, orderBy: {field: ${f.ref.order}}) { edges { node { id ${f.ref.fields} } } }`;
    return f.name;
  });
  return `query Edit($id: ID!) { node(id: $id) { id ... on ${typeName} { version ${parts.join(" ")} } } }`;
}

/**
 * parseDecimal reads a number as a Swedish user writes it: a decimal
 * comma or point, spaces between thousands ("1 250,5"). Anything else is
 * NaN.
 */
export function parseDecimal(text) {
  const s = String(text).trim().replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  if (!/^[-\u2212]?\d+(\.\d+)?$/.test(s)) return NaN;
  return Number(s.replace("\u2212", "-"));
}

/** decimalText writes a stored number for a field: a decimal comma, no spaces (12,5). */
export function decimalText(v) {
  return v === null || v === undefined || v === "" ? "" : String(v).replace(".", ",");
}

/** linked lists the records a links field of n points at: a connection's nodes, or a plain list. */
function linked(f, n) {
  return f.plain ? n[f.edge] || [] : n[f.edge].edges.map(({ node }) => node);
}

/**
 * formView returns the form for typeName: editing node when it is given,
 * else creating one, with preset values (e.g. { objectiveID }) and refPresets
 * (items for ref fields, e.g. the heading's name) filled in.
 */
export function formView({ typeName, node: loaded = null, preset = {}, refPresets = {}, limits = {} }) {
  let node = loaded; // replaced by the newer version after a conflict
  const type = types[typeName];
  const editing = node !== null;
  const controls = new Map(); // field name → { field, get(), set error }
  const fields = type.fields.filter((f) => !(editing && f.createOnly) && !(!editing && f.editOnly));

  const form = h("form", { class: "form", novalidate: true });
  const errorSummary = h("div", { class: "error-summary", tabindex: "-1", hidden: true });
  // What someone else changed while the user edits (see changedUnderneath).
  const underneath = h("div", { class: "changed-underneath", hidden: true }); // announced, see changedUnderneath
  form.append(underneath, errorSummary);
  for (const f of fields) form.append(fieldRow(f));
  // A follow-up may report a status other than its activity's: the form
  // says so, and offers to change the activity's status in the same step.
  const alsoStatus = typeName === "FollowUp" ? activityStatusOption() : null;
  if (alsoStatus) controls.get("status")?.row.after(alsoStatus.row);

  const save = h("button", { type: "submit", class: "button primary" }, editing ? "Spara ändringar" : `Skapa ${type.one}`);
  const cancel = h("a", { class: "button", href: editing ? `#/${type.route}/${node.id}` : `#/${type.route}` }, "Avbryt");
  form.append(h("div", { class: "actions" }, save, cancel));

  let saving = false;
  let stored = false; // the user's save went through
  const initial = snapshot();
  let untouched = new Map([...controls].map(([name, c]) => [name, JSON.stringify(c.get())]));
  const isDirty = () => snapshot() !== initial;
  setLeaveGuard(isDirty);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });

  function fieldRow(f) {
    const inputID = newID(f.name);
    // A hint may depend on who is signed in (a function), e.g. an editor's scope.
    const hint = typeof f.hint === "function" ? f.hint() : f.hint;
    const hintID = hint ? newID("hint") : null;
    const errorID = newID("error");
    const describedBy = [hintID, errorID].filter(Boolean).join(" ");
    const error = h("p", { id: errorID, class: "field-error", hidden: true });
    const note = h("p", { class: "field-note", hidden: true });
    const label = h("label", { for: inputID }, f.label, f.required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null);
    let control, get, set;
    const value = editing ? node[f.name] : preset[f.name] ?? f.default;

    switch (f.kind) {
      case "password":
        // Sent beside the input (createUser's password argument), never shown.
        control = h("input", { id: inputID, name: f.name, type: "password", autocomplete: "new-password", "aria-describedby": describedBy, required: f.required });
        get = () => control.value;
        set = () => {};
        break;
      case "textarea":
      case "list":
        control = h("textarea", { id: inputID, name: f.name, rows: f.kind === "list" ? 4 : 6, "aria-describedby": describedBy, required: f.required });
        control.value = f.kind === "list" ? (value || []).join("\n") : value || "";
        get = () => (f.kind === "list" ? control.value.split("\n").map((s) => s.trim()).filter(Boolean) : control.value);
        set = (n) => (control.value = f.kind === "list" ? (n[f.name] || []).join("\n") : n[f.name] || "");
        break;
      case "bool":
        // A checkbox; its label follows it (see .field-bool in app.css).
        control = h("input", { id: inputID, name: f.name, type: "checkbox", "aria-describedby": describedBy });
        control.checked = Boolean(value);
        get = () => control.checked;
        set = (n) => (control.checked = Boolean(n[f.name]));
        break;
      case "select":
        control = h(
          "select",
          { id: inputID, name: f.name, "aria-describedby": describedBy },
          f.required || f.default ? null : h("option", { value: "" }, "–"),
          f.options.map((o) => h("option", { value: o.value }, o.label)),
        );
        control.value = value || "";
        get = () => control.value;
        set = (n) => (control.value = n[f.name] || "");
        break;
      case "ref": {
        const current = editing ? node[f.name.replace(/ID$/, "")] : null;
        const item = current ? { id: current.id, label: f.ref.label(current) } : refPresets[f.name] || null;
        const combo = combobox({
          ref: f.ref,
          inputID,
          describedBy,
          values: item ? [item] : [],
          extraWhere: limits[f.name] || null,
          onChange: () => form.dispatchEvent(new CustomEvent("refchange", { detail: f.name })),
        });
        control = combo.el;
        combo.input.setAttribute("name", f.name);
        if (f.required) combo.input.setAttribute("aria-required", "true");
        get = () => combo.values()[0] || "";
        set = (n) => {
          const x = n[f.name.replace(/ID$/, "")];
          combo.setValues(x ? [{ id: x.id, label: f.ref.label(x) }] : []);
        };
        break;
      }
      case "links": {
        const current = editing ? linked(f, node).map((n) => ({ id: n.id, label: f.ref.label(n) })) : [];
        const combo = combobox({ ref: f.ref, multiple: true, inputID, describedBy, values: current });
        control = f.shortcuts ? h("div", { class: "links-field" }, combo.el, shortcuts(combo, f, () => controls.get("objectiveID")?.get())) : combo.el;
        combo.input.setAttribute("name", f.name);
        get = () => combo.values();
        set = (n) => combo.setValues(linked(f, n).map((x) => ({ id: x.id, label: f.ref.label(x) })));
        break;
      }
      default: {
        const inputType = { int: "number", year: "number", date: "date", url: "url" }[f.kind] || "text";
        control = h("input", {
          id: inputID,
          name: f.name,
          type: inputType,
          inputmode: f.kind === "int" || f.kind === "year" ? "numeric" : f.kind === "decimal" ? "decimal" : null,
          autocomplete: f.autocomplete || null,
          "aria-describedby": describedBy,
          required: f.required,
        });
        const shownValue = (v) => (f.kind === "date" ? isoDay(v) : f.kind === "decimal" ? decimalText(v) : v ?? "");
        control.value = shownValue(value);
        get = () => control.value.trim();
        set = (n) => (control.value = shownValue(n[f.name]));
      }
    }
    const row = h("div", { class: `field field-${f.kind}` }, label, control, hint ? h("p", { id: hintID, class: "hint" }, hint) : null, error, note);
    controls.set(f.name, {
      f,
      row,
      get,
      set,
      // A note under the field, with a button that takes the newer value when take is given.
      setNote(text, take = null) {
        replace(note, text || "", take ? [" ", h("button", { type: "button", class: "button small", onclick: take }, "Ta det nya värdet")] : null);
        note.hidden = !text;
      },
      focus: () => (row.querySelector("input, select, textarea") || control).focus(),
      setError(message) {
        error.textContent = message || "";
        error.hidden = !message;
        const input = row.querySelector("input, select, textarea");
        if (message) input?.setAttribute("aria-invalid", "true");
        else input?.removeAttribute("aria-invalid");
        row.classList.toggle("invalid", Boolean(message));
      },
    });
    return row;
  }

  function snapshot() {
    const values = {};
    for (const [name, c] of controls) values[name] = c.get();
    return JSON.stringify(values);
  }

  /** input builds the mutation's input: all values when creating, the changes when editing. */
  function input() {
    const out = {};
    for (const [name, c] of controls) {
      const f = c.f;
      if (f.arg) continue; // an argument of its own, see args
      const v = c.get();
      const before = editing ? original(f) : undefined;
      if (f.kind === "links") {
        const base = name.replace(/IDs$/, "");
        const cap = base[0].toUpperCase() + base.slice(1);
        if (!editing) {
          if (v.length) out[name] = v;
          continue;
        }
        const added = v.filter((x) => !before.includes(x));
        const removed = before.filter((x) => !v.includes(x));
        if (added.length) out[`add${cap}IDs`] = added;
        if (removed.length) out[`remove${cap}IDs`] = removed;
        continue;
      }
      const empty = v === "" || (Array.isArray(v) && v.length === 0);
      const value = empty ? null : convert(f, v);
      if (!editing) {
        if (!empty) out[name] = value;
        continue;
      }
      if (JSON.stringify(value) === JSON.stringify(before)) continue;
      if (empty) {
        // A reference is cleared by its edge's name: clearMunicipality.
        const cleared = f.kind === "ref" ? name.replace(/ID$/, "") : name;
        if (f.required) out[name] = f.kind === "text" || f.kind === "textarea" ? "" : null;
        else out[`clear${cleared[0].toUpperCase()}${cleared.slice(1)}`] = true;
      } else {
        out[name] = value;
      }
    }
    if (!editing) {
      for (const [k, v] of Object.entries(preset)) if (!(k in out) && !controls.has(k) && type.fields.some((f) => f.name === k)) out[k] = v;
    } else {
      out.version = node.version; // the change is based on this version
    }
    return out;
  }

  /** args are the mutation's arguments beside its input (a user's password), when given. */
  function args() {
    const out = {};
    for (const [name, c] of controls) if (c.f.arg && c.get() !== "") out[name] = c.get();
    return out;
  }

  function original(f) {
    if (f.kind === "links") return linked(f, node).map((n) => n.id);
    if (f.kind === "ref") return node[f.name.replace(/ID$/, "")]?.id || null;
    const v = node[f.name];
    if (v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) return null;
    if (f.kind === "date") return v ? `${isoDay(v)}T00:00:00Z` : null;
    return v;
  }

  function convert(f, v) {
    switch (f.kind) {
      case "int":
      case "year": {
        const n = Number(v);
        return Number.isInteger(n) ? n : v; // the server says what is wrong with a non-number
      }
      case "date":
        return `${v}T00:00:00Z`;
      case "decimal": {
        const n = parseDecimal(v);
        return Number.isFinite(n) ? n : v;
      }
      default:
        return v;
    }
  }

  function clearErrors() {
    errorSummary.hidden = true;
    errorSummary.replaceChildren();
    for (const c of controls.values()) {
      c.setError("");
      c.setNote("");
    }
  }

  /** shown is how a field's stored value reads in a note. */
  function shown(f, n) {
    if (f.kind === "password") return "";
    if (f.kind === "links") return linked(f, n).map((x) => f.ref.label(x)).join(", ") || "inga";
    if (f.kind === "ref") {
      const x = n[f.name.replace(/ID$/, "")];
      return x ? f.ref.label(x) : "ingen";
    }
    const v = n[f.name];
    if (v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length)) return "tomt";
    if (f.kind === "select") return f.options.find((o) => o.value === v)?.label || v;
    if (f.kind === "bool") return v ? "ja" : "nej";
    if (f.kind === "date") return isoDay(v);
    if (f.kind === "decimal") return decimalText(v);
    if (Array.isArray(v)) return v.join(", ");
    return String(v);
  }

  /**
   * takeNewer puts what someone else saved meanwhile (fresh, the record
   * as it is now) into the form without losing what the user typed:
   * fields the user left alone take the newer value, with a note; fields
   * the user changed keep the user's value, with the newer one beside it
   * and a button that takes it. The form is then based on the newer
   * version, so saving applies the user's changes on top of it,
   * knowingly. It returns the fields that differed and those the user had
   * changed.
   */
  function takeNewer(fresh) {
    const differed = [];
    const kept = [];
    for (const [name, c] of controls) {
      const now = shown(c.f, fresh);
      if (shown(c.f, node) === now) continue;
      differed.push(c);
      if (JSON.stringify(c.get()) === untouched.get(name)) {
        c.set(fresh);
        c.setNote(`Ändrat av någon annan medan du redigerade, till: ${now}`);
      } else {
        kept.push(c);
        c.setNote(`Sparat av någon annan medan du redigerade: ${now}. Ditt värde gäller om du sparar.`, () => take(c, fresh, now));
      }
    }
    untouched = new Map([...controls].map(([name, c]) => [name, JSON.stringify(c.get())]));
    node = fresh;
    return { differed, kept };
  }

  /** take puts the newer value, shown as now, into the field c instead of the user's. */
  function take(c, fresh, now) {
    c.set(fresh);
    c.setNote(`Det nya värdet är taget: ${now}`);
    untouched.set(c.f.name, JSON.stringify(c.get()));
    if (![...controls.values()].some((x) => x.row.querySelector(".field-note button"))) underneath.querySelector("button")?.remove();
  }

  /**
   * showConflict loads what someone else saved meanwhile (saving got
   * CONFLICT) and shows it next to the fields it changed, keeping what
   * the user typed (see takeNewer). Saving again then applies the user's
   * changes over the newer version, knowingly.
   */
  async function showConflict() {
    let fresh;
    try {
      fresh = (await gql(editQuery(typeName), { id: node.id })).node;
    } catch (e) {
      showError(e);
      return;
    }
    const { differed } = takeNewer(fresh);
    const text = `Någon annan har ändrat ${type.one} medan du redigerade (nu version ${fresh.version}). ${differed.length ? "Det som ändrats visas under fälten." : ""} Dina ändringar finns kvar: spara igen för att lägga dem ovanpå, eller avbryt.`;
    showError(new Error(text.replace(/\s+/g, " ")));
  }

  /**
   * changedUnderneath is told (by the live updates) that the record
   * changed while the user edits it: before saving could meet CONFLICT,
   * the form says who-knows-who changed what, shows the newer values
   * beside the user's (see takeNewer), and offers to take them all.
   */
  async function changedUnderneath(changes) {
    if (saving || stored) return; // the user's own save: the page goes on to the record
    let fresh;
    try {
      fresh = (await gql(editQuery(typeName), { id: node.id }, { partial: true })).node;
    } catch (e) {
      return; // the save will say what is wrong, if anything
    }
    if (saving || stored) return;
    if (!fresh || (changes && changes.some((c) => c.action === "DELETE"))) {
      replace(underneath, h("p", {}, `Någon annan har tagit bort ${type.one} medan du redigerade. Det du skrivit finns kvar, men kan inte sparas.`));
      underneath.hidden = false;
      announce(underneath.textContent);
      return;
    }
    if (fresh.version <= node.version) return;
    const { differed, kept } = takeNewer(fresh);
    const takeAll = () => {
      for (const c of kept) if (c.row.querySelector(".field-note button")) take(c, fresh, shown(c.f, fresh));
      underneath.append(h("p", {}, "De nya värdena är tagna."));
      announce("De nya värdena är tagna.");
    };
    replace(
      underneath,
      h(
        "p",
        {},
        `Någon annan har ändrat ${type.one} medan du redigerade (nu version ${fresh.version}). `,
        differed.length ? `Ändrat: ${differed.map((c) => c.f.label.toLowerCase()).join(", ")}. ` : "",
        kept.length ? "Där du själv ändrat står det nya värdet under fältet; ditt värde gäller om du sparar." : "Dina ändringar finns kvar.",
      ),
      kept.length ? h("button", { type: "button", class: "button", onclick: takeAll }, "Ta de nya värdena") : null,
    );
    underneath.hidden = false;
    announce(underneath.querySelector("p").textContent);
  }

  /** fieldFor finds the form field an error names: addMunicipalityIDs → municipalityIDs. */
  function fieldFor(name) {
    if (controls.has(name)) return controls.get(name);
    const m = name.match(/^(?:add|remove)(\w)(\w*IDs)$/);
    if (m) return controls.get(m[1].toLowerCase() + m[2]);
    return null;
  }

  /** check is what is wrong with the value v of field f, or "". */
  function check(f, v) {
    if (f.required && (v === "" || v === null || (Array.isArray(v) && !v.length))) return `Fyll i ${f.label.toLowerCase()}.`;
    if ((f.kind === "int" || f.kind === "year") && v !== "" && !Number.isInteger(Number(v))) return "Ska vara ett heltal.";
    if (f.kind === "decimal" && v !== "" && !Number.isFinite(parseDecimal(v))) return "Ska vara ett tal, t.ex. 1 250 eller 12,5.";
    const max = maxLength[f.kind];
    if (max && typeof v === "string") {
      const n = [...v].length; // characters, as the server counts them
      if (n > max) return `Får vara högst ${num(max)} tecken (nu ${num(n)}).`;
    }
    if (f.kind === "list" && Array.isArray(v)) {
      const long = v.findIndex((line) => [...line].length > maxLength.text);
      if (long >= 0) return `Rad ${long + 1} får vara högst ${num(maxLength.text)} tecken.`;
    }
    return "";
  }

  async function submit() {
    clearErrors();
    clearBanner();
    // What the page can tell without asking, all at once: required fields
    // left empty, numbers that are not whole numbers, text longer than the
    // server takes (the limits of ent/schema/validate.go).
    const problems = [];
    for (const c of controls.values()) {
      const problem = check(c.f, c.get());
      if (problem) {
        c.setError(problem);
        problems.push([c, problem]);
      }
    }
    if (problems.length) {
      // A summary first, with a link to each field, and the focus on it:
      // focusing a field instead could open its list of choices over the
      // messages below it.
      const n = problems.length;
      replace(
        errorSummary,
        h("h2", {}, n === 1 ? "Ett fält behöver rättas" : `${n} fält behöver rättas`),
        h(
          "ul",
          {},
          problems.map(([c, p]) =>
            h("li", {}, h("a", { href: "#", onclick: (e) => (e.preventDefault(), c.focus()) }, c.f.label), `: ${p}`),
          ),
        ),
      );
      errorSummary.hidden = false;
      errorSummary.focus();
      announce(`${errorSummary.querySelector("h2").textContent}. ${problems.map(([c, p]) => `${c.f.label}: ${p}`).join(" ")}`);
      return;
    }
    save.disabled = true;
    save.setAttribute("aria-busy", "true");
    saving = true;
    try {
      const extra = fields.filter((f) => f.arg);
      const declared = extra.map((f) => `, $${f.name}: ${f.arg}`).join("");
      const passed = extra.map((f) => `, ${f.name}: $${f.name}`).join("");
      // The activity's status, when the user chose to change it too, in
      // the same request: one transaction, both or neither.
      const also = alsoStatus?.chosen();
      const alsoDeclared = also ? ", $activity: ID!, $activityInput: UpdateActivityInput!" : "";
      const alsoField = also ? " activity: updateActivity(id: $activity, input: $activityInput) { id status }" : "";
      const alsoVars = also ? { activity: also.activityID, activityInput: { status: also.status, version: also.version } } : {};
      const data = editing
        ? await gql(`mutation Save($id: ID!, $input: Update${typeName}Input!${declared}${alsoDeclared}) { result: update${typeName}(id: $id, input: $input${passed}) { id }${alsoField} }`, { id: node.id, input: input(), ...args(), ...alsoVars })
        : await gql(`mutation Save($input: Create${typeName}Input!${declared}${alsoDeclared}) { result: create${typeName}(input: $input${passed}) { id }${alsoField} }`, { input: input(), ...args(), ...alsoVars });
      stored = true;
      setLeaveGuard(null);
      // A follow-up is written on its activity's page, and the user
      // goes back there to see it among the others.
      // So is a target on its indicator's, and an assessment on its goal's
      // (type.createdOn names the page).
      const activityID = typeName === "FollowUp" && !editing ? input().activityID : null;
      const on = !editing && type.createdOn ? type.createdOn(input()) : null;
      const next = activityID ? `#/activities/${activityID}` : on || `#/${type.route}/${data.result.id}`;
      const saved = editing ? "Ändringarna är sparade." : words(type).created;
      showNotice(also ? `${saved} Aktivitetens status är nu ${statusLabels[also.status].toLowerCase()}.` : saved, next);
      location.hash = next;
    } catch (e) {
      const target = e instanceof GraphQLError && e.field ? fieldFor(e.field) : null;
      if (e instanceof GraphQLError && e.code === "CONFLICT") {
        await showConflict();
      } else if (target) {
        // Each refusal next to the field its extensions name (the API
        // stops at the first today; should it send more, all show).
        const said = [];
        for (const x of e.all.length ? e.all : [{ message: e.message, extensions: { field: e.field, code: e.code } }]) {
          const ext = x.extensions || {};
          const c = ext.field ? fieldFor(ext.field) : null;
          if (!c) continue;
          const message = swedish(x.message, ext.field, ext.code || e.code);
          c.setError(message);
          said.push(`${c.f.label}: ${message}`);
        }
        target.focus();
        announce(said.join(" "));
      } else if (e instanceof NetworkError) {
        showError(new NetworkError(`${e.message} Det du skrivit finns kvar i formuläret.`));
      } else {
        showError(e);
      }
    } finally {
      saving = false;
      save.disabled = false;
      save.removeAttribute("aria-busy");
    }
  }

  /**
   * activityStatusOption is the follow-up form's offer to change the
   * activity's status to the one the follow-up reports: shown when the
   * two differ, with the activity's status as it is now.
   */
  function activityStatusOption() {
    const boxID = newID("also-status");
    const nowID = newID("hint");
    const box = h("input", { type: "checkbox", id: boxID, name: "alsoActivityStatus", "aria-describedby": nowID });
    const now = h("p", { id: nowID, class: "hint" });
    const row = h("div", { class: "field field-check", hidden: true }, h("div", { class: "check" }, box, h("label", { for: boxID }, "Ändra också aktivitetens status till den rapporterade")), now);
    let activity = null; // { id, status, version } as last read
    async function refresh() {
      const id = controls.get("activityID")?.get() || node?.activity?.id;
      const status = controls.get("status")?.get();
      if (id && id !== activity?.id) {
        row.setAttribute("aria-busy", "true");
        try {
          const data = await gql(`query Now($id: ID!) { node(id: $id) { id ... on Activity { status version } } }`, { id });
          activity = data.node;
        } catch (e) {
          activity = null;
        } finally {
          row.removeAttribute("aria-busy");
        }
      }
      const differs = Boolean(activity && status && status !== activity.status);
      row.hidden = !differs;
      if (!differs) box.checked = false;
      now.textContent = activity ? `Den rapporterade statusen skiljer sig från aktivitetens, som nu är ${statusLabels[activity.status].toLowerCase()}.` : "";
    }
    form.addEventListener("refchange", (e) => e.detail === "activityID" && refresh());
    controls.get("status")?.row.querySelector("select").addEventListener("change", refresh);
    refresh();
    return {
      row,
      chosen: () => (box.checked && !row.hidden && activity ? { activityID: activity.id, status: controls.get("status").get(), version: activity.version } : null),
    };
  }

  // Someone else changing the record edited: the form says so at once.
  if (editing && liveTypes.includes(typeName)) follow(form, { types: [typeName], ids: [node.id] }, changedUnderneath);
  return form;
}

/**
 * shortcuts adds to a field of municipalities the ways to pick many in one
 * step: every municipality of the county of the activity's plan ("Alla 12
 * kommuner i länet"), and the members of a municipality group. The county
 * is that of the heading's plan (objective() gives the heading chosen in
 * the form), or of the newest plan when none is chosen yet; it is looked
 * up again when the button is pressed. Editors, who may link only the
 * municipalities of their scope, get neither.
 */
function shortcuts(combo, f, objective) {
  if (currentUser()?.role === "EDITOR") return null;
  const add = (items, what) => {
    const have = new Set(combo.values());
    const added = items.filter((m) => !have.has(m.id));
    combo.setValues([...combo.items(), ...added.map((m) => ({ id: m.id, label: f.ref.label(m) }))]);
    announce(added.length ? `${what}: ${num(added.length)} ${added.length === 1 ? "kommun" : "kommuner"} tillagda.` : `${what}: alla var redan valda.`);
  };
  const county = async () => {
    const id = objective();
    let plan = null;
    if (id) {
      const data = await gql(`query HeadingCounty($id: ID!) { node(id: $id) { ... on Objective { goal { plan { countyCode } } } } }`, { id });
      plan = data.node?.goal?.plan || null;
    }
    if (!plan) plan = (await gql(`query NewestCounty { planReport { countyCode } }`)).planReport;
    if (!plan?.countyCode) return null;
    const data = await gql(
      `query County($code: String!) { municipalities(first: 100, where: {countyCode: $code}, orderBy: [{field: NAME, direction: ASC}]) { totalCount edges { node { id ${f.ref.fields} } } } }`,
      { code: plan.countyCode },
    );
    return data.municipalities.edges.map(({ node }) => node);
  };
  const all = h("button", { type: "button", class: "button small", disabled: true }, "Alla kommuner i länet");
  const label = (n) => `Alla ${num(n)} kommuner i länet`;
  county()
    .then((items) => {
      if (items?.length) {
        all.textContent = label(items.length);
        all.disabled = false;
      } else all.hidden = true;
    })
    .catch(() => (all.hidden = true));
  all.addEventListener("click", async () => {
    try {
      const items = await county();
      if (items?.length) {
        all.textContent = label(items.length);
        add(items, label(items.length));
      }
    } catch (e) {
      showError(e);
    }
  });

  const groupID = newID("group");
  const select = h("select", { id: groupID }, h("option", { value: "" }, "Välj kommungrupp…"));
  const groups = new Map();
  const picker = h("span", { class: "group-picker", hidden: true }, h("label", { for: groupID }, "Lägg till en kommungrupp"), select);
  gql(`query Groups { municipalityGroups(first: 100, orderBy: [{field: NAME, direction: ASC}]) { edges { node { id name
      municipalities(first: 100, orderBy: {field: NAME}) { totalCount edges { node { id ${f.ref.fields} } } } } } } }`)
    .then((data) => {
      for (const { node: g } of data.municipalityGroups.edges) {
        groups.set(g.id, g);
        select.append(h("option", { value: g.id }, `${g.name} (${num(g.municipalities.totalCount)})`));
      }
      picker.hidden = groups.size === 0;
    })
    .catch(() => (picker.hidden = true));
  select.addEventListener("change", () => {
    const g = groups.get(select.value);
    if (!g) return;
    add(g.municipalities.edges.map(({ node }) => node), g.name);
    select.value = "";
  });
  return h("div", { class: "link-shortcuts" }, all, picker);
}
