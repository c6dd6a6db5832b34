package web_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// An admin starts the 2024–2027 period from the Örebro plan: the form
// proposes the next four years and ticks the unfinished activities, a
// period that overlaps the current one is refused next to its field, and
// the new plan is a draft whose carried-over activities lead back to
// their predecessors.
func TestAdminPageStartsTheNextPeriod(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/plans")
	b.signIn("alva", password)
	b.waitView("#/plans")
	b.click("Handlingsplan för kultursamverkan region och kommuner")
	b.waitView("#/plans/")
	b.waitText("Antagen")
	b.click("Starta nästa period")
	b.heading("Starta nästa period")
	for label, want := range map[string]string{"Namn": "Handlingsplan för kultursamverkan region och kommuner", "Första år": "2024", "Sista år": "2027"} {
		if got := get(b, "read "+label, chromedp.Value(chromedp.CSS("#"+b.fieldID(label)))); got != want {
			t.Errorf("%s = %q, want %q", label, got, want)
		}
	}
	ticked := get(b, "count the ticked activities", chromedp.Evaluate[int](`document.querySelectorAll('input[name="carryOver"]:checked').length`))
	if ticked != 6 {
		t.Errorf("%d activities ticked, want the 6 planned ones of the seed", ticked)
	}
	b.run("untick one", chromedp.Click(`//label[contains(., "Samverkan kring Barnkulturplaner")]/input`))
	b.screenshot("next-period")

	b.fill("Första år", "2023")
	b.click("Starta nästa period")
	b.waitText("Nästa period måste börja efter den nuvarande, som slutar 2023.")
	b.fill("Första år", "2024")
	b.click("Starta nästa period")
	b.waitText("Nästa period är skapad som utkast, med 5 aktiviteter förda vidare.")
	b.heading("Handlingsplan för kultursamverkan region och kommuner")
	facts := b.text(`//dl[@class="facts"]`)
	for _, want := range []string{"2024–2027", "Utkast"} {
		if !strings.Contains(facts, want) {
			t.Errorf("the new plan's facts say %q, want %q in them", facts, want)
		}
	}
	b.waitText("Mål 2 – Kultur och hälsa")
	b.screenshot("next-period-plan")

	var carried struct {
		Activities struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	b.graphql("", `{ activities(where: {hasPredecessor: true, title: "Samverkan mellan länets kulturskolor, regional kulturskole-samverkan"}) { edges { node { id } } } }`, nil, &carried)
	if len(carried.Activities.Edges) != 1 {
		t.Fatalf("carried over: %+v, want the kulturskolor activity once", carried)
	}
	b.open("#/activities/" + carried.Activities.Edges[0].Node.ID)
	got := b.text(`//dl[@class="facts"]`)
	if !strings.Contains(got, "Fortsätter från") || !strings.Contains(got, "(Handlingsplan för kultursamverkan region och kommuner 2020–2023)") {
		t.Errorf("the carried-over activity's facts say %q, want its predecessor of 2020–2023", got)
	}
	b.screenshot("next-period-activity")
	b.click("Samverkan mellan länets kulturskolor, regional kulturskole-samverkan")
	b.waitText("Fortsätter i")

	var plans struct {
		Plans struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	b.graphql("", `{ plans(where: {state: ADOPTED}) { edges { node { id } } } }`, nil, &plans)

	// The form at a phone's width.
	b.run("narrow the window", chromedp.EmulateViewport(390, 844))
	b.open("#/plans/" + plans.Plans.Edges[0].Node.ID + "/next")
	b.heading("Starta nästa period")
	b.screenshot("next-period-phone")
}

// An editor is offered no next period, and the form's address says it
// may not.
func TestAdminPageNextPeriodIsForAdmins(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/plans")
	b.signIn("anna", password)
	b.click("Handlingsplan för kultursamverkan region och kommuner")
	b.waitView("#/plans/")
	if b.offers("Starta nästa period") {
		t.Error("an editor is offered to start the next period")
	}
	var plans struct {
		Plans struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	b.graphql("", `{ plans { edges { node { id } } } }`, nil, &plans)
	b.open("#/plans/" + plans.Plans.Edges[0].Node.ID + "/next")
	b.heading("Ingen behörighet")
}

// An editor of Askersund sees what it has due: the overdue review and
// follow-up of Askersund's activity and nothing of others, flagged as
// late in the list, on the dashboard and among the activities; it makes a
// calendar feed of them, which a calendar can read until it is revoked.
func TestAdminPageDueListAsAnEditor(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	admin := b.token("alva")
	var ids struct {
		Activities struct {
			Edges []struct{ Node struct{ ID string } }
		}
		Plans struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	b.graphql(admin, `query($t: String!) { activities(where: {title: $t}) { edges { node { id } } } plans { edges { node { id } } } }`, map[string]any{"t": askersundActivity}, &ids)
	yesterday := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	b.graphql(admin, `mutation($id: ID!, $d: Time!) { updateActivity(id: $id, input: {nextReview: $d, lead: "Kulturchef i Askersund"}) { id } }`,
		map[string]any{"id": ids.Activities.Edges[0].Node.ID, "d": yesterday.Format(time.RFC3339)}, nil)
	b.graphql(admin, `mutation($p: ID!) { createFollowUpDeadline(input: {planID: $p, year: 2021, period: YEAR, dueDate: "2022-02-01T00:00:00Z"}) { id } }`,
		map[string]any{"p": ids.Plans.Edges[0].Node.ID}, nil)

	b.open("#/")
	b.signIn("anna", password)
	b.click("Att göra")
	b.heading("Att göra")
	b.waitText("2 saker att göra, 2 försenade.")
	rows := get(b, "read the rows", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".due-list tbody tr")].map(r => r.innerText.replace(/\s+/g, " ").trim())`))
	want := []string{
		"1 februari 2022 Försenad Uppföljning helår 2021 " + askersundActivity + " Kulturchef i Askersund",
		dayInSwedish(yesterday) + " Försenad Avstämning " + askersundActivity + " Kulturchef i Askersund",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("the due list:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	b.screenshot("due-editor")

	b.click("Skapa kalenderflöde")
	url := get(b, "read the feed's address", chromedp.Value(chromedp.CSS("#calendar-url")))
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || strings.Count(string(body), "BEGIN:VEVENT") != 2 {
		t.Errorf("the feed at %s answers %d:\n%s", url, res.StatusCode, body)
	}
	b.screenshot("due-calendar")
	b.click("Återkalla")
	b.run("confirm", chromedp.Click(`//dialog//button[normalize-space()="Återkalla"]`))
	b.waitText("Kalenderflödet är återkallat.")
	if res, err := http.Get(url); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("the revoked feed answers %v %v, want 404", res.StatusCode, err)
	}

	b.open("#/dashboard")
	if got := b.text(`//div[contains(@class, "card")][p[1] = "Försenat för dig"]/p[2]`); got != "2" {
		t.Errorf("the dashboard's overdue card says %q, want 2", got)
	}
	b.open("#/activities")
	b.waitText(dayInSwedish(yesterday) + " (försenad)")

	// The same at a phone's width.
	b.run("narrow the window", chromedp.EmulateViewport(390, 844))
	b.open("#/due")
	b.waitText("2 saker att göra, 2 försenade.")
	b.screenshot("due-phone")
}

// dayInSwedish writes a date as the page does: 1 februari 2022.
func dayInSwedish(d time.Time) string {
	months := []string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"}
	return fmt.Sprintf("%d %s %d", d.Day(), months[d.Month()-1], d.Year())
}

// An admin keeps a plan's calendar on its page: adds a follow-up deadline
// in the form, where a year outside the plan's period is refused beside
// its field, and sees the plan as it stood before an activity was renamed
// (the view a revision's quick choice opens), and as it stands today.
func TestAdminPageRevisionsDeadlinesAndAsOf(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	admin := b.token("alva")
	var ids struct {
		Activities struct {
			Edges []struct{ Node struct{ ID, Title string } }
		}
		Plans struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	b.graphql(admin, `{ activities(first: 1, where: {status: PLANNED}, orderBy: [{field: TITLE}]) { edges { node { id title } } } plans { edges { node { id } } } }`, nil, &ids)
	plan, activity := ids.Plans.Edges[0].Node.ID, ids.Activities.Edges[0].Node
	b.graphql(admin, `mutation($p: ID!) { createPlanRevision(input: {planID: $p, decidedOn: "2022-03-15T00:00:00Z", note: "Mål 2 omformulerat"}) { id } }`,
		map[string]any{"p": plan}, nil)
	before := time.Now().UTC()
	b.graphql(admin, `mutation($id: ID!) { updateActivity(id: $id, input: {title: "Omdöpt aktivitet", status: ONGOING}) { id } }`,
		map[string]any{"id": activity.ID}, nil)

	b.open("#/plans/" + plan)
	b.signIn("alva", password)
	b.waitText("Uppföljningsdatum")
	b.waitText("Revidering 15 mars 2022") // a quick choice
	b.click("Nytt uppföljningsdatum")
	b.heading("Nytt uppföljningsdatum")
	b.fill("År", "2019")
	b.setValue("Sista dag", "2019-09-15")
	b.click("Skapa uppföljningsdatum")
	b.waitText("Ska ligga inom handlingsplanens period 2020–2023.")
	b.fill("År", "2022")
	b.setValue("Sista dag", "2022-09-15")
	b.click("Skapa uppföljningsdatum")
	b.waitText("Uppföljningsdatum skapat.")
	b.waitView("#/plans/" + plan)
	b.waitText("15 september 2022")
	b.screenshot("plan-calendar")

	b.open("#/plans/" + plan + "/asof?at=" + before.Format(time.RFC3339Nano))
	b.waitText(activity.Title)
	if got := b.text(`//main`); strings.Contains(got, "Omdöpt aktivitet") {
		t.Errorf("the plan before the rename shows the new title:\n%s", got)
	}
	b.screenshot("plan-as-of")
	b.setValue("Visa planen som den var den", time.Now().UTC().Format("2006-01-02"))
	b.click("Visa")
	b.heading("Planen som den var den " + dayInSwedish(time.Now().UTC()))
	b.waitText("Omdöpt aktivitet")
	b.run("narrow the window", chromedp.EmulateViewport(390, 844))
	b.waitText("Omdöpt aktivitet")
	b.screenshot("plan-as-of-phone")
}
