// What is due for the signed-in user: the activities' reviews
// (avstämningar) and the follow-ups their plans' deadlines ask for, the
// overdue ones flagged, and the user's calendar feed of them for Outlook.
// The server decides what is due and whose (the API's due query).

import { h, date, dateTime, count, announce } from "../dom.js";
import { gql } from "../gql.js";
import { periodLabels } from "../labels.js";
import { showError, showNotice } from "../ui/banner.js";
import { confirmDialog } from "../ui/dialog.js";
import { currentUser } from "../session.js";

const horizons = [
  ["0", "Bara det som är försenat eller på tur i dag"],
  ["7", "En vecka framåt"],
  ["30", "30 dagar framåt"],
  ["90", "90 dagar framåt"],
  ["366", "Ett år framåt"],
];

/** dueView shows what is due within the days params names (30 unless it says). */
export async function dueView(params) {
  const within = horizons.some(([v]) => v === params.get("within")) ? params.get("within") : "30";
  const data = await gql(
    `query Due($within: Int!) {
      due(within: $within) { kind date overdue activity { id title lead status } deadline { year period } }
      calendarFeedCreatedAt
    }`,
    { within: Number(within) },
  );
  const items = data.due;
  const overdue = items.filter((i) => i.overdue).length;
  const select = h(
    "select",
    { id: "due-within", onchange: () => (location.hash = `#/due?within=${select.value}`) },
    horizons.map(([value, label]) => h("option", { value, selected: value === within }, label)),
  );
  const editor = currentUser()?.role === "EDITOR";
  return h(
    "div",
    { class: "due" },
    h("h1", {}, "Att göra"),
    h(
      "p",
      { class: "lead" },
      "Avstämningar och uppföljningar som är på tur, och det som är försenat, för aktiviteter som planeras eller pågår i antagna handlingsplaner",
      editor ? " och som kommunerna och aktörerna i ditt ansvarsområde deltar i." : ".",
    ),
    h("div", { class: "toolbar" }, h("div", { class: "field" }, h("label", { for: "due-within" }, "Visa"), select)),
    h("p", { class: "due-count", role: "status" }, items.length ? `${count(items.length, "sak", "saker")} att göra, ${count(overdue, "försenad", "försenade")}.` : "Inget är på tur."),
    items.length
      ? h(
          "div",
          { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Att göra" },
          h(
            "table",
            { class: "list due-list" },
            h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Datum"), h("th", { scope: "col" }, "Vad"), h("th", { scope: "col" }, "Aktivitet"), h("th", { scope: "col" }, "Ansvarig"))),
            h(
              "tbody",
              {},
              items.map((i) =>
                h(
                  "tr",
                  { class: i.overdue ? "overdue" : null },
                  h("td", {}, date(i.date), i.overdue ? [" ", h("span", { class: "badge overdue" }, "Försenad")] : null),
                  h("td", {}, i.kind === "REVIEW" ? "Avstämning" : `Uppföljning ${periodLabels[i.deadline.period].toLowerCase()} ${i.deadline.year}`),
                  h("td", {}, h("a", { href: `#/activities/${i.activity.id}` }, i.activity.title)),
                  h("td", {}, i.activity.lead || ""),
                ),
              ),
            ),
          ),
        )
      : null,
    calendar(data.calendarFeedCreatedAt),
  );
}

/** calendar offers the user's calendar feed: made, made anew, revoked. */
function calendar(createdAt) {
  const section = h("section", { class: "calendar-feed", "aria-labelledby": "calendar-heading" });
  const render = (since, url = null) => {
    section.replaceChildren(
      h("h2", { id: "calendar-heading" }, "Kalender i Outlook"),
      h(
        "p",
        {},
        "Prenumerera på det du har att göra i Outlook eller en annan kalender. Adressen är hemlig: den som har den ser dina datum. Du kan återkalla den när som helst.",
      ),
      url
        ? h(
            "div",
            { class: "field" },
            h("label", { for: "calendar-url" }, "Adress att prenumerera på (visas bara nu)"),
            h("input", { id: "calendar-url", type: "text", readonly: true, value: url }),
            h("div", { class: "actions" }, h("button", { type: "button", class: "button", onclick: () => copy(url) }, "Kopiera adressen")),
          )
        : since
          ? h("p", {}, `Du har ett kalenderflöde sedan ${dateTime(since)}.`)
          : h("p", { class: "muted" }, "Du har inget kalenderflöde."),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "button primary", onclick: create }, since ? "Skapa ny adress" : "Skapa kalenderflöde"),
        since ? h("button", { type: "button", class: "button danger", onclick: revoke }, "Återkalla") : null,
      ),
    );
  };
  async function create() {
    try {
      const data = await gql(`mutation Feed { createCalendarFeed { path createdAt } }`);
      render(data.createCalendarFeed.createdAt, location.origin + data.createCalendarFeed.path);
      section.querySelector("#calendar-url").focus();
      announce("Kalenderflödet är skapat. Kopiera adressen nu: den visas bara en gång.");
    } catch (e) {
      showError(e);
    }
  }
  async function revoke() {
    const ok = await confirmDialog({
      title: "Återkalla kalenderflödet?",
      body: ["Kalendrar som prenumererar på adressen får inga fler datum."],
      confirm: "Återkalla",
    });
    if (!ok) return;
    try {
      await gql(`mutation Revoke { revokeCalendarFeed }`);
      render(null);
      showNotice("Kalenderflödet är återkallat.");
    } catch (e) {
      showError(e);
    }
  }
  render(createdAt);
  return section;
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    announce("Adressen är kopierad.");
  } catch {
    document.getElementById("calendar-url")?.select();
  }
}
