// Import from Excel: the user picks a file, sees what the import would do
// row by row (a dry run on the server, which writes nothing), and only then
// presses Importera. The server judges every row by the same rules as a
// form (importActivities, package importer); this view only shows it.

import { h, replace, id as newID, announce, count } from "../dom.js";
import { gql } from "../gql.js";
import { showError, showNotice, clearBanner } from "../ui/banner.js";
import { setLeaveGuard } from "../guard.js";

// The request body may be 1 MiB, and the file travels base64-encoded (4
// characters for 3 bytes) inside it.
const maxFileBytes = 760 * 1024;

const importMutation = `mutation Import($input: ImportInput!) {
  importActivities(input: $input) {
    dryRun created updated unchanged refused ignoredColumns
    rows { sheet line kind title action reason changes }
  }
}`;

const actionLabels = {
  CREATE: "Skapas",
  UPDATE: "Ändras",
  UNCHANGED: "Oförändrad",
  REFUSED: "Avvisas",
};
const doneLabels = {
  CREATE: "Skapad",
  UPDATE: "Ändrad",
  UNCHANGED: "Oförändrad",
  REFUSED: "Avvisad",
};
const kindLabels = { ACTIVITY: "Aktivitet", FOLLOW_UP: "Uppföljning" };

/** importView is the page that imports activities and follow-ups from a file. */
export async function importView() {
  const data = await gql(`query Plans { plans(first: 100, orderBy: [{field: LAST_YEAR, direction: DESC}]) { edges { node { id name firstYear lastYear } } } }`);
  const plans = data.plans.edges.map((e) => e.node);

  const fileID = newID("file");
  const planID = newID("plan");
  const fileHint = newID("hint");
  const fileInput = h("input", { id: fileID, type: "file", accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "aria-describedby": fileHint });
  const planSelect = h(
    "select",
    { id: planID },
    plans.map((p) => h("option", { value: p.id }, `${p.name} ${p.firstYear}–${p.lastYear}`)),
  );
  const result = h("div", { class: "import-result", "aria-live": "polite" });
  const importButton = h("button", { type: "button", class: "button primary", disabled: true }, "Importera");
  const actions = h("div", { class: "actions", hidden: true }, importButton);

  let file = null; // { name, base64 } of the file the dry run read
  let busy = false;

  async function dryRun() {
    clearBanner();
    replace(result);
    actions.hidden = true;
    importButton.disabled = true;
    file = null;
    setLeaveGuard(null);
    const chosen = fileInput.files[0];
    if (!chosen) return;
    if (chosen.size > maxFileBytes) {
      showError(new Error(`Filen är för stor för att importeras här (${count(Math.ceil(chosen.size / 1024), "kB", "kB")}, högst 760 kB). Dela upp den, eller be den som driver servern att köra samverkan import.`));
      return;
    }
    busy = true;
    result.setAttribute("aria-busy", "true");
    replace(result, h("p", { class: "muted" }, "Läser filen…"));
    try {
      const base64 = await readBase64(chosen);
      const res = await run(base64, true);
      file = { name: chosen.name, base64 };
      show(res, chosen.name);
      if (res.created + res.updated > 0) {
        actions.hidden = false;
        importButton.disabled = false;
        setLeaveGuard(() => file !== null);
      }
    } catch (e) {
      replace(result);
      showError(e);
    } finally {
      busy = false;
      result.removeAttribute("aria-busy");
    }
  }

  async function confirmImport() {
    if (!file || busy) return;
    busy = true;
    importButton.disabled = true;
    importButton.setAttribute("aria-busy", "true");
    try {
      const res = await run(file.base64, false);
      file = null;
      setLeaveGuard(null);
      actions.hidden = true;
      show(res, fileInput.files[0]?.name || "");
      showNotice(`Importen är klar: ${res.created} skapade, ${res.updated} ändrade, ${res.unchanged} oförändrade, ${res.refused} avvisade.`);
    } catch (e) {
      importButton.disabled = false;
      showError(e);
    } finally {
      busy = false;
      importButton.removeAttribute("aria-busy");
    }
  }

  function run(base64, dry) {
    return gql(importMutation, { input: { file: base64, planID: planSelect.value || null, dryRun: dry } }).then((d) => d.importActivities);
  }

  function show(res, name) {
    const heading = res.dryRun ? `Förhandsgranskning av ${name}` : `Importerat från ${name}`;
    const labels = res.dryRun ? actionLabels : doneLabels;
    const summary = res.dryRun
      ? `${res.created} skapas, ${res.updated} ändras, ${res.unchanged} oförändrade, ${res.refused} avvisas. Inget är sparat ännu.`
      : `${res.created} skapade, ${res.updated} ändrade, ${res.unchanged} oförändrade, ${res.refused} avvisade (inte importerade).`;
    const tableHeadingID = newID("heading");
    const table = h(
      "table",
      { class: "list import-rows", "aria-labelledby": tableHeadingID },
      h("thead", {}, h("tr", {}, ["Rad", "Slag", "Aktivitet", "Åtgärd", "Vad"].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        res.rows.map((r) =>
          h(
            "tr",
            { class: `import-${r.action.toLowerCase()}` },
            h("td", { class: "numeric" }, r.sheet ? `${r.sheet}: ${r.line}` : String(r.line)),
            h("td", {}, kindLabels[r.kind]),
            h("td", { class: "wrap" }, r.title),
            h("td", {}, h("span", { class: `import-action ${r.action.toLowerCase()}` }, labels[r.action])),
            h("td", { class: "wrap" }, r.action === "REFUSED" ? r.reason : r.changes.join("; ")),
          ),
        ),
      ),
    );
    replace(
      result,
      h("h2", { id: tableHeadingID }, heading),
      h("p", { class: "import-summary" }, summary),
      res.ignoredColumns.length ? h("p", { class: "hint" }, `Kolumner som inte läses: ${res.ignoredColumns.join(", ")}.`) : null,
      res.rows.length ? h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": tableHeadingID }, table) : h("p", {}, "Filen har inga rader under rubrikraden."),
    );
    announce(summary);
  }

  fileInput.addEventListener("change", dryRun);
  planSelect.addEventListener("change", () => fileInput.files[0] && dryRun());
  importButton.addEventListener("click", confirmImport);

  return h(
    "div",
    { class: "form-page import-page" },
    h("h1", {}, "Importera från Excel"),
    h(
      "p",
      { class: "lead" },
      "Läs in aktiviteter (med mål, rubrik, kommuner och aktörer) eller uppföljningar från en Excel-fil (.xlsx) eller CSV. Först visas vad importen skulle göra, rad för rad; inget sparas förrän du trycker Importera.",
    ),
    h(
      "div",
      { class: "form" },
      h("div", { class: "field" }, h("label", { for: planID }, "Handlingsplan"), planSelect, h("p", { class: "hint" }, "För rader utan kolumnen Handlingsplan.")),
      h(
        "div",
        { class: "field" },
        h("label", { for: fileID }, "Fil"),
        fileInput,
        h("p", { id: fileHint, class: "hint" }, "Kolumner: Mål, Rubrik, Titel, Status, Prioriterad från år, Prioriterad till år, Kommuner, Aktörer, Ansvarig, Startdatum, Slutdatum, Avstämningsdatum – som listan Aktiviteter laddar ner. Uppföljningar: Aktivitet, Datum, Period, Rapporterad status, Bedömning, Text, Skriven av."),
      ),
    ),
    result,
    actions,
  );
}

/** readBase64 reads a file as base64, as the API takes it. */
function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(new Error("Filen kunde inte läsas."));
    reader.readAsDataURL(file);
  });
}
