package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// pdfPage matches a page object of a PDF (not the /Pages tree above them).
var pdfPage = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

// pdfA4 matches an A4 page's box in points: 595.28 × 841.89, which
// Chromium writes as about 594.96 × 841.92 (US Letter is 612 × 792).
var pdfA4 = regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+59[45](\.\d+)?\s+84[12](\.\d+)?\s*\]`)

// An editor of Askersund opens the 2021 report of the Örebro plan from the
// plan's page, sees each goal's heading, marks Askersund's part ready, and
// prints the report on A4: the menu and the controls are gone, and the
// PDF has a page for the opening sections and at least one for each goal,
// each goal starting a page of its own.
func TestAdminPagePrintsTheYearlyReport(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	admin := b.token("alva")
	var data struct {
		Plans struct {
			Edges []struct {
				Node struct {
					ID    string
					Goals struct {
						Edges []struct {
							Node struct {
								ID     string
								Number int
							}
						}
					}
				}
			}
		}
		Activities struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	b.graphql(admin, `{ plans(first: 1) { edges { node { id goals(first: 10, orderBy: {field: NUMBER}) { edges { node { id number } } } } } }
		activities(first: 1, where: {hasMunicipalitiesWith: [{name: "Askersund"}]}) { edges { node { id } } } }`, nil, &data)
	plan := data.Plans.Edges[0].Node
	goals := plan.Goals.Edges
	b.graphql(admin, `mutation($g: ID!, $a: ID!) {
		createGoalAssessment(input: {goalID: $g, year: 2021, light: YELLOW, text: "Fler skolor samverkar, men inte i alla kommuner"}) { id }
		createFollowUp(input: {activityID: $a, date: "2021-10-15T00:00:00Z", text: "Nätverket har träffats tre gånger", status: ONGOING}) { id }
	}`, map[string]any{"g": goals[0].Node.ID, "a": data.Activities.Edges[0].Node.ID}, nil)

	b.open("#/plans/" + plan.ID)
	b.signIn("anna", password)
	b.click("Årsrapport")
	b.waitView("#/plans/" + plan.ID + "/report")
	b.open(fmt.Sprintf("#/plans/%s/report/2021", plan.ID))
	b.heading("Handlingsplan för kultursamverkan region och kommuner 2021")
	headings := get(b, "read the goals' headings", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".report-goal h2")].map((e) => e.textContent)`))
	if len(headings) != len(goals) {
		t.Fatalf("%d goal headings %q, want the plan's %d goals", len(headings), headings, len(goals))
	}
	for i, g := range goals {
		if !strings.HasPrefix(headings[i], fmt.Sprintf("Mål %d – ", g.Node.Number)) {
			t.Errorf("heading %d = %q, want goal %d's", i, headings[i], g.Node.Number)
		}
	}
	b.waitText("Fler skolor samverkar, men inte i alla kommuner")
	b.waitText("Nätverket har träffats tre gånger")

	b.click("Markera Askersund som klar")
	b.waitText("Askersund: klar.")
	ready := b.text(`//tr[th[normalize-space()="Askersund"]]`)
	if !strings.Contains(ready, "Klar") || !strings.Contains(ready, "anna") {
		t.Errorf("Askersund's row says %q, want it ready, marked by anna", ready)
	}
	if n := get(b, "count the mark buttons", chromedp.Evaluate[int](`[...document.querySelectorAll("button")].filter((e) => /^Markera .* som klar$/.test(e.textContent)).length`)); n != 0 {
		t.Errorf("an editor of Askersund is offered %d more municipalities to mark", n)
	}
	if english := b.visibleEnglish(); len(english) > 0 {
		t.Errorf("the report shows English: %q", english)
	}
	b.screenshot("yearly-report")

	// The print stylesheet, as Chromium applies it.
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	styles := get(b, "read the print styles", chromedp.Evaluate[map[string]string](`({
		menu: getComputedStyle(document.querySelector("header.top")).display,
		controls: getComputedStyle(document.querySelector(".report-controls")).display,
		goal: getComputedStyle(document.querySelector(".report-goal")).breakBefore,
		row: getComputedStyle(document.querySelector(".report-goal tbody tr")).breakInside,
		head: getComputedStyle(document.querySelector(".report-goal thead")).display,
	})`))
	want := map[string]string{"menu": "none", "controls": "none", "goal": "page", "row": "avoid", "head": "table-header-group"}
	for k, v := range want {
		if styles[k] != v {
			t.Errorf("printed, %s is %q, want %q", k, styles[k], v)
		}
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}); err != nil {
		t.Fatal(err)
	}

	yes := true
	pdf, err := chromedp.Call(b.ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pdf.Data), "%PDF-") {
		t.Fatalf("not a PDF: %q", pdf.Data[:min(20, len(pdf.Data))])
	}
	_ = os.WriteFile(filepath.Join(shotDir(), "yearly-report.pdf"), pdf.Data, 0o644)
	pages := len(pdfPage.FindAll(pdf.Data, -1))
	a4 := len(pdfA4.FindAll(pdf.Data, -1))
	t.Logf("the PDF has %d pages (%d bytes)", pages, len(pdf.Data))
	// The opening sections fill a page or more; each goal begins a new one.
	if pages < len(goals)+1 || pages > 3*(len(goals)+1) {
		t.Errorf("%d pages, want from %d (a page for the opening and one per goal) to %d", pages, len(goals)+1, 3*(len(goals)+1))
	}
	if a4 != pages {
		t.Errorf("%d of %d pages are A4", a4, pages)
	}
}
