package web_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/samverkan/samverkan/kolada/koladatest"
)

// Indicators in the admin page (issue 14): an admin defines them, sets
// targets and assesses goals; an editor enters a year's values for its
// municipalities in one form; the dashboard shows it all per goal and year.

// indicatorSetup is what indicatorFixture made: ids by name.
type indicatorSetup struct {
	goal, children, county, askersund, lekeberg string
}

// indicatorFixture creates, as an admin over HTTP, a per-municipality
// indicator "Barn i kulturskolan" (sum, baseline 4200 in 2019, target 5000
// for 2023) and a county indicator "Besök på länsmuseet" on goal 1, with
// values for 2020 and 2021 (Lekeberg's 2021 value from Kolada).
func indicatorFixture(b *browser, token string) indicatorSetup {
	b.t.Helper()
	var ids struct {
		Goals struct {
			Edges []struct{ Node struct{ ID string } }
		}
		Municipalities struct {
			Edges []struct{ Node struct{ ID, Name string } }
		}
	}
	b.graphql(token, `{ goals(first: 1, where: {number: 1}) { edges { node { id } } }
		municipalities(first: 20, where: {nameIn: ["Askersund", "Lekeberg"]}, orderBy: {field: NAME}) { edges { node { id name } } } }`, nil, &ids)
	s := indicatorSetup{goal: ids.Goals.Edges[0].Node.ID, askersund: ids.Municipalities.Edges[0].Node.ID, lekeberg: ids.Municipalities.Edges[1].Node.ID}
	var made struct {
		Children, County struct{ ID string }
	}
	b.graphql(token, `mutation($goal: ID!) {
		children: createIndicator(input: {goalID: $goal, name: "Barn i kulturskolan", unit: "antal", scope: MUNICIPALITY, baselineValue: 4200, baselineYear: 2019}) { id }
		county: createIndicator(input: {goalID: $goal, name: "Besök på länsmuseet", unit: "tusental", scope: COUNTY}) { id }
	}`, map[string]any{"goal": s.goal}, &made)
	s.children, s.county = made.Children.ID, made.County.ID
	b.graphql(token, `mutation($c: ID!, $k: ID!, $a: ID!, $l: ID!) {
		t: createIndicatorTarget(input: {indicatorID: $c, year: 2023, value: 5000}) { id }
		a20: createIndicatorValue(input: {indicatorID: $c, year: 2020, municipalityID: $a, value: 2300}) { id }
		l20: createIndicatorValue(input: {indicatorID: $c, year: 2020, municipalityID: $l, value: 2000}) { id }
		a21: createIndicatorValue(input: {indicatorID: $c, year: 2021, municipalityID: $a, value: 2500}) { id }
		l21: createIndicatorValue(input: {indicatorID: $c, year: 2021, municipalityID: $l, value: 2100.5, source: KOLADA}) { id }
		k21: createIndicatorValue(input: {indicatorID: $k, year: 2021, value: 61.5}) { id }
	}`, map[string]any{"c": s.children, "k": s.county, "a": s.askersund, "l": s.lekeberg}, nil)
	return s
}

// cellFor is the CSS selector of the values form's input for an
// indicator and a municipality (or "hela länet") in a year.
func cellFor(indicator, where string, year int) string {
	return fmt.Sprintf(`input[aria-label=%q]`, fmt.Sprintf("%s, %s, %d", indicator, where, year))
}

// typeInto replaces what a cell of the values form holds.
func (b *browser) typeInto(sel, value string) {
	b.t.Helper()
	get(b, "type into "+sel, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const e = document.querySelector(%s); e.value = %s; e.dispatchEvent(new Event("input", {bubbles: true})); })()`, jsq(sel), jsq(value))))
}

// valueOf reads a value through the API: the whole year's value of an
// indicator for a municipality (or the county, municipality ""), with who
// entered it and its source; found false when there is none.
func (b *browser) valueOf(indicator, municipality string, year int) (value float64, enteredBy, source string, found bool) {
	b.t.Helper()
	where := map[string]any{"hasIndicatorWith": []any{map[string]any{"id": indicator}}, "year": year, "periodIsNil": true}
	if municipality != "" {
		where["hasMunicipalityWith"] = []any{map[string]any{"id": municipality}}
	} else {
		where["municipalityIDIsNil"] = true
	}
	var out struct {
		IndicatorValues struct {
			Edges []struct {
				Node struct {
					Value             float64
					EnteredBy, Source string
				}
			}
		}
	}
	b.graphql("", `query($w: IndicatorValueWhereInput) { indicatorValues(first: 2, where: $w) { edges { node { value enteredBy source } } } }`, map[string]any{"w": where}, &out)
	if len(out.IndicatorValues.Edges) == 0 {
		return 0, "", "", false
	}
	n := out.IndicatorValues.Edges[0].Node
	return n.Value, n.EnteredBy, n.Source, true
}

// An editor enters this year's values for its municipalities in one form:
// only its own municipalities, only the indicators per municipality;
// everything wrong is said at once, next to each value; a value someone
// else changed meanwhile is shown and not overwritten unseen.
func TestAdminPageEditorEntersValuesInOneForm(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	admin := b.token("alva")
	s := indicatorFixture(b, admin)
	b.open("#/")
	b.signIn("anna", password)
	b.open("#/indicators")
	b.click("Mata in värden")
	b.heading("Mata in värden")

	t.Run("OnlyItsMunicipalities", func(t *testing.T) {
		b := b.in(t)
		rows := get(b, "read the rows", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".values-grid tbody th")].map(e => e.textContent)`))
		if strings.Join(rows, ",") != "Askersund" {
			t.Errorf("the editor's form has the rows %q, want only Askersund", rows)
		}
		cols := get(b, "read the columns", chromedp.Evaluate[int](`document.querySelectorAll(".values-grid .value-input").length`))
		if cols != 1 {
			t.Errorf("the editor's form has %d inputs, want 1 (the county's indicator is an admin's)", cols)
		}
	})

	// The plan is 2020–2023 and it is later than that: the form opens on
	// the plan's last year; 2021 is chosen.
	b.open("#/values?year=2021")
	if got := get(b, "read Askersund's 2021", chromedp.Evaluate[string]("document.querySelector("+jsq(cellFor("Barn i kulturskolan", "Askersund", 2021))+").value")); got != "2500" {
		t.Errorf("Askersund's 2021 value shows %q, want 2500", got)
	}

	t.Run("EverythingWrongAtOnce", func(t *testing.T) {
		b := b.in(t)
		b.typeInto(cellFor("Barn i kulturskolan", "Askersund", 2021), "många")
		b.click("Spara värden för 2021")
		b.waitText("Ett värde behöver rättas")
		if got := b.text(`//div[contains(@class, "value-cell")]/p[@class="field-error"]`); got != "Ska vara ett tal, t.ex. 1 250 eller 12,5." {
			t.Errorf("the error next to the value is %q", got)
		}
		if v, _, _, _ := b.valueOf(s.children, s.askersund, 2021); v != 2500 {
			t.Errorf("the value is %v after a refused form, want 2500 unchanged", v)
		}
	})

	t.Run("SavedWithADecimalComma", func(t *testing.T) {
		b := b.in(t)
		b.typeInto(cellFor("Barn i kulturskolan", "Askersund", 2021), "2 610,5")
		b.click("Spara värden för 2021")
		b.bannerSays("1 värde sparade för 2021.")
		v, by, source, _ := b.valueOf(s.children, s.askersund, 2021)
		if v != 2610.5 || by != "anna" || source != "OWN" {
			t.Errorf("the value is %v entered by %q from %s, want 2610.5 by anna, OWN", v, by, source)
		}
		b.screenshot("values-form-editor")
	})

	t.Run("EmptiedIsRemovedAndNewIsEntered", func(t *testing.T) {
		b := b.in(t)
		b.open("#/values?year=2022")
		b.typeInto(cellFor("Barn i kulturskolan", "Askersund", 2022), "2700")
		b.click("Spara värden för 2022")
		b.bannerSays("1 värde sparade för 2022.")
		if v, _, _, found := b.valueOf(s.children, s.askersund, 2022); !found || v != 2700 {
			t.Errorf("the new 2022 value is %v (found %v), want 2700", v, found)
		}
		b.typeInto(cellFor("Barn i kulturskolan", "Askersund", 2022), "")
		b.click("Spara värden för 2022")
		b.bannerSays("1 värde sparade för 2022.")
		if _, _, _, found := b.valueOf(s.children, s.askersund, 2022); found {
			t.Error("the emptied 2022 value is still there")
		}
	})

	t.Run("ChangedMeanwhileIsShownNotOverwritten", func(t *testing.T) {
		b := b.in(t)
		b.open("#/values?year=2021")
		// Someone else changes the value after the form was shown.
		var ids struct {
			IndicatorValues struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		b.graphql("", `query($i: ID!, $m: ID!) { indicatorValues(where: {hasIndicatorWith: {id: $i}, year: 2021, hasMunicipalityWith: {id: $m}}) { edges { node { id } } } }`, map[string]any{"i": s.children, "m": s.askersund}, &ids)
		b.graphql(admin, `mutation($id: ID!) { updateIndicatorValue(id: $id, input: {value: 2999}) { id } }`, map[string]any{"id": ids.IndicatorValues.Edges[0].Node.ID}, nil)
		b.typeInto(cellFor("Barn i kulturskolan", "Askersund", 2021), "2620")
		b.click("Spara värden för 2021")
		b.waitText("1 värde sparades inte")
		if got := b.text(`//div[contains(@class, "value-cell")]/p[@class="field-error"]`); got != "Någon annan har sparat 2999 medan du redigerade. Ditt värde gäller om du sparar igen." {
			t.Errorf("the cell says %q", got)
		}
		if v, _, _, _ := b.valueOf(s.children, s.askersund, 2021); v != 2999 {
			t.Errorf("the value is %v, want the other's 2999 kept", v)
		}
		b.screenshot("values-form-conflict")
		b.click("Spara värden för 2021")
		b.bannerSays("1 värde sparade för 2021.")
		if v, _, _, _ := b.valueOf(s.children, s.askersund, 2021); v != 2620 {
			t.Errorf("the value is %v after saving again, want 2620", v)
		}
	})
}

// An admin's form has every municipality of the plan's county and a row
// for the whole county; Kolada's figures say so, and a figure typed over
// one becomes the plan's own.
func TestAdminPageAdminEntersValuesForTheCounty(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	s := indicatorFixture(b, b.token("alva"))
	b.open("#/")
	b.signIn("alva", password)
	b.open("#/values?year=2021")
	rows := get(b, "count the rows", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".values-grid tbody th")].map(e => e.textContent)`))
	if len(rows) != 13 || rows[12] != "Hela länet" {
		t.Errorf("the admin's rows are %q, want the 12 municipalities and Hela länet", rows)
	}
	if got := b.text(`//td[.//input[@aria-label="Barn i kulturskolan, Lekeberg, 2021"]]//p[@class="value-source"]`); got != "Källa: Kolada" {
		t.Errorf("Lekeberg's Kolada value is marked %q, want Källa: Kolada", got)
	}
	if got := get(b, "read Lekeberg's 2021", chromedp.Evaluate[string]("document.querySelector("+jsq(cellFor("Barn i kulturskolan", "Lekeberg", 2021))+").value")); got != "2100,5" {
		t.Errorf("Lekeberg's value shows %q, want 2100,5 (a decimal comma)", got)
	}
	b.typeInto(cellFor("Barn i kulturskolan", "Lekeberg", 2021), "2150")
	b.typeInto(cellFor("Besök på länsmuseet", "hela länet", 2021), "63")
	b.typeInto(cellFor("Barn i kulturskolan", "Örebro", 2021), "9000")
	b.click("Spara värden för 2021")
	b.bannerSays("3 värden sparade för 2021.")
	if v, _, source, _ := b.valueOf(s.children, s.lekeberg, 2021); v != 2150 || source != "OWN" {
		t.Errorf("Lekeberg's value is %v from %s, want 2150, OWN (typed over Kolada's)", v, source)
	}
	if v, by, _, _ := b.valueOf(s.county, "", 2021); v != 63 || by != "alva" {
		t.Errorf("the county's value is %v by %q, want 63 by alva", v, by)
	}
	if form := b.text(`//form[contains(@class, "values-form")]`); strings.Contains(form, "null") || strings.Contains(form, "undefined") {
		t.Errorf("the form shows %q", form)
	}
	b.screenshot("values-form-admin")
	// On a phone the grid scrolls sideways in its own focusable region;
	// the page itself does not.
	phone(b)
	if w := get(b, "measure the page", chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); w > 0 {
		t.Errorf("the values form is %d px wider than the window", w)
	}
	if region := get(b, "read the grid's region", chromedp.Evaluate[string](`(() => { const e = document.querySelector(".values-form .table-wrap"); return e.getAttribute("tabindex") + " " + e.getAttribute("role") })()`)); region != "0 region" {
		t.Errorf("the grid's region is %q, want tabindex 0 and role region", region)
	}
	b.screenshot("phone-values-form-admin")
}

// An admin defines an indicator on a goal, sets its target and assesses
// the goal, in the page's forms: what the page can tell is said at once,
// the server's refusals in Swedish next to their fields.
func TestAdminPageAdminDefinesIndicatorsAndAssessesGoals(t *testing.T) {
	// A stand-in for Kolada that knows N09890 for two of the county's
	// municipalities in 2020–2021.
	k := koladatest.New(t, "N09890")
	for _, code := range []string{"1882", "1880"} { // Askersund, Örebro
		k.Add("N09890", code, 2020, 310)
		k.Add("N09890", code, 2021, 320)
	}
	b := newBrowser(t, 1280, 900, koladaAt(t, k.URL))
	var goals struct {
		Goals struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	b.graphql("", `{ goals(first: 1, where: {number: 1}) { edges { node { id } } } }`, nil, &goals)
	goal := goals.Goals.Edges[0].Node.ID
	b.open("#/")
	b.signIn("alva", password)
	b.open("#/goals/" + goal)
	b.click("Nytt mått")
	b.heading("Nytt mått")
	errorOf := func(name string) string {
		return strings.Join(strings.Fields(b.text(fmt.Sprintf(`//div[contains(@class, "field")][.//*[@name=%q]]/p[@class="field-error"]`, name))), " ")
	}

	t.Run("EverythingWrongAtOnce", func(t *testing.T) {
		b := b.in(t)
		b.fill("Utgångsvärde", "många")
		b.fill("Utgångsår", "2019.5")
		b.click("Skapa mått")
		b.waitText("3 fält behöver rättas")
		for name, want := range map[string]string{"name": "Fyll i namn.", "baselineValue": "Ska vara ett tal, t.ex. 1 250 eller 12,5.", "baselineYear": "Ska vara ett heltal."} {
			if got := errorOf(name); got != want {
				t.Errorf("next to %s: %q, want %q", name, got, want)
			}
		}
	})

	t.Run("TheServersRefusalInSwedish", func(t *testing.T) {
		b := b.in(t)
		b.fill("Namn", "Barn i kulturskolan")
		b.fill("Utgångsvärde", "4 200")
		b.fill("Utgångsår", "")
		b.click("Skapa mått")
		if got := errorOf("baselineYear"); got != "Ett utgångsår behöver sitt utgångsvärde." && got != "Ett utgångsvärde behöver året det mättes." {
			t.Errorf("next to the baseline year: %q", got)
		}
	})

	t.Run("Created", func(t *testing.T) {
		b := b.in(t)
		b.fill("Utgångsår", "2019")
		b.fill("Enhet", "antal")
		b.click("Skapa mått")
		b.heading("Barn i kulturskolan")
		if got := strings.Join(strings.Fields(b.text(`//dt[.="Utgångsvärde"]/following-sibling::dd[1]`)), " "); got != "4 200 (2019)" {
			t.Errorf("the baseline reads %q", got)
		}
	})

	// An admin fetches the indicator's values from Kolada in the page: a
	// failure says why in Swedish and changes nothing; then the values come.
	t.Run("Kolada", func(t *testing.T) {
		b := b.in(t)
		indicator := b.address()
		b.click("Redigera")
		b.fill("Kolada-nyckeltal", "N09890")
		b.click("Spara ändringar")
		b.heading("Barn i kulturskolan")
		k.Break(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "underhåll", http.StatusServiceUnavailable)
		})
		b.click("Hämta från Kolada")
		result := `//div[contains(@class, "kolada-result")]`
		b.run("wait for the failure", chromedp.WaitVisible(result+`[starts-with(normalize-space(), "Inget hämtades")]`))
		if got := b.text(result); !strings.HasPrefix(got, "Inget hämtades: Kolada (") || !strings.HasSuffix(got, ") svarade med ett fel (HTTP 503). Försök igen senare.") {
			t.Errorf("the failure reads %q", got)
		}
		k.Break(nil)
		b.click("Hämta från Kolada")
		b.run("wait for what was fetched", chromedp.WaitVisible(result+`[starts-with(normalize-space(), "Hämtat från Kolada")]`))
		got := strings.Join(strings.Fields(b.text(result)), " ")
		for _, want := range []string{"Hämtat från Kolada (N09890): 4 nya värden, 0 ändrade och 0 oförändrade.", "Kolada saknar värden för ", "Lekeberg (2020, 2021, 2022, 2023)", "Askersund (2022, 2023)"} {
			if !strings.Contains(got, want) {
				t.Errorf("what was fetched reads %q, want it to say %q", got, want)
			}
		}
		b.shotOf("indicator-kolada", "section.kolada")
		b.waitText("Källa: Kolada") // among the indicator's values
		b.open(indicator)           // as the page was before, for the steps below
	})

	t.Run("Target", func(t *testing.T) {
		b := b.in(t)
		b.click("Nytt målvärde")
		b.heading("Nytt målvärde")
		b.fill("År", "2030")
		b.fill("Målvärde", "5 000,5")
		b.click("Skapa målvärde")
		if got := errorOf("year"); got != "Ska ligga inom handlingsplanens period 2020–2023." {
			t.Errorf("next to the year: %q", got)
		}
		b.fill("År", "2023")
		b.click("Skapa målvärde")
		b.heading("Barn i kulturskolan") // back on the indicator
		if got := strings.Join(strings.Fields(b.text(`//section[.//h2[starts-with(normalize-space(), "Målvärden")]]//tbody/tr`)), " "); got != "2023 5 000,5 Barn i kulturskolan" {
			t.Errorf("the indicator's targets read %q", got)
		}
	})

	t.Run("Assessment", func(t *testing.T) {
		b := b.in(t)
		b.open("#/dashboard?year=2021")
		b.click("Ge en bedömning")
		b.heading("Ny bedömning")
		if got := get(b, "read the year", chromedp.Evaluate[string](`document.querySelector("[name=year]").value`)); got != "2021" {
			t.Errorf("the assessment's year is %q, want 2021 from the dashboard", got)
		}
		get(b, "choose yellow", chromedp.Evaluate[chromedp.Void](`(() => { const e = document.querySelector("select[name=light]"); e.value = "YELLOW"; e.dispatchEvent(new Event("change", {bubbles: true})); })()`))
		b.setValue("Motivering", "Fler barn nås, men inte i alla kommuner.")
		b.click("Skapa bedömning")
		b.waitView("#/goals/")
		b.open("#/dashboard?year=2021")
		if got := b.text(`//section[contains(@class, "goal-measures")][1]//div[@class="verdict"]`); !strings.Contains(got, "Bedömning 2021: Gul – risk för avvikelse") || !strings.Contains(got, "Fler barn nås") || !strings.Contains(got, "alva") {
			t.Errorf("the dashboard's verdict reads %q", got)
		}
		// A second one for the same goal and year is refused, in Swedish.
		b.open(fmt.Sprintf("#/assessments/new?goalID=%s&year=2021", goal))
		b.click("Skapa bedömning")
		if got := errorOf("year"); got != "Det finns redan en bedömning med samma år i samma utvecklingsmål." {
			t.Errorf("a second assessment: %q", got)
		}
	})
}

// The dashboard shows per goal and year the assessment, each indicator's
// baseline, target and outcome, a chart over the years with a text
// alternative and a table, and the values per municipality, Kolada's
// marked "Källa: Kolada" and the outcome computed from them not.
func TestAdminPageDashboardShowsIndicators(t *testing.T) {
	for _, size := range []struct {
		name  string
		phone bool
	}{{"Desktop", false}, {"Phone", true}} {
		t.Run(size.name, func(t *testing.T) {
			b := newBrowser(t, 1280, 900)
			s := indicatorFixture(b, b.token("alva"))
			b.graphql(b.token("alva"), `mutation($g: ID!) { createGoalAssessment(input: {goalID: $g, year: 2021, light: YELLOW, text: "På väg"}) { id } }`, map[string]any{"g": s.goal}, nil)
			if size.phone {
				phone(b)
			}
			b.open("#/dashboard?year=2021")
			b.waitText("Mått och bedömningar 2021")
			measure := `//article[contains(@class, "measure")][.//h4[.="Barn i kulturskolan"]]`
			facts := strings.Join(strings.Fields(b.text(measure+`//dl`)), " ")
			for _, want := range []string{"Utgångsvärde 4 200 antal (2019)", "Mål 2023 5 000 antal", "Utfall 2021 4 600,5 antal (summa av 2 kommuner)", "Av vägen till målet 50 %", "Föreslagen färg Gul"} {
				if !strings.Contains(facts, want) {
					t.Errorf("the indicator's figures %q lack %q", facts, want)
				}
			}
			if strings.Contains(facts, "Kolada") {
				t.Errorf("the outcome, computed from a Kolada figure, is marked: %q", facts)
			}
			alt := strings.Join(strings.Fields(get(b, "read the chart's text", chromedp.Evaluate[string](`(() => { const svg = document.querySelector("svg.measure-chart"); return svg.getAttribute("role") + ": " + document.getElementById(svg.getAttribute("aria-labelledby")).textContent })()`))), " ")
			if want := "img: Diagram över Barn i kulturskolan. Utgångsvärde 4 200 antal 2019. Utfall: 2020 4 300, 2021 4 600,5. Mål: 2023 5 000."; alt != want {
				t.Errorf("the chart says\n%q, want\n%q", alt, want)
			}
			b.run("open the values per municipality", chromedp.Click(`//summary[normalize-space()="Värden per kommun 2021"]`))
			rows := get(b, "read the municipalities' values", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".measure-details[open] tbody tr")].map(r => r.innerText.replace(/\s+/g, " ").trim())`))
			if strings.Join(rows, " | ") != "Askersund 2 500 Egen uppföljning | Lekeberg 2 100,5 Källa: Kolada" {
				t.Errorf("the values per municipality are %q", rows)
			}
			if got := b.text(`//div[@class="verdict"]//span[contains(@class, "badge")]`); got != "Bedömning 2021: Gul – risk för avvikelse" {
				t.Errorf("the assessment reads %q", got)
			}
			if w := get(b, "measure the page", chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); w > 0 {
				t.Errorf("the dashboard is %d px wider than the window", w)
			}
			if size.phone {
				px := get(b, "measure the chart's text", chromedp.Evaluate[float64](`document.querySelector("svg.measure-chart text.tick").getBoundingClientRect().height`))
				if px < 10 {
					t.Errorf("the chart's year labels are %.1f px high on a phone, want 10 or more", px)
				}
				b.screenshot("phone-dashboard-indicators")
				b.shotOf("phone-dashboard-measures", `section.measures`)
			} else {
				b.screenshot("dashboard-indicators")
				b.shotOf("dashboard-measures", `section.measures`)
			}
		})
	}
}

// shotOf saves a screenshot of the element a CSS selector finds, to look at.
func (b *browser) shotOf(name, sel string) {
	b.t.Helper()
	png := get(b, "take a screenshot of "+sel, chromedp.Screenshot(chromedp.CSS(sel)))
	path := filepath.Join(shotDir(), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}

// A follow-up is written by the signed-in user; when it reports another
// status than the activity's the form offers to change the activity's in
// the same step, and the pages say where the two differ; a figure of a
// follow-up is added on its page and becomes a value of an indicator.
func TestAdminPageFollowUpStatusAndFigures(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	admin := b.token("alva")
	s := indicatorFixture(b, admin)
	var acts struct {
		Activities struct {
			Edges []struct{ Node struct{ ID, Title string } }
		}
	}
	b.graphql("", `{ activities(first: 1, orderBy: {field: TITLE}) { edges { node { id title } } } }`, nil, &acts)
	activity := acts.Activities.Edges[0].Node
	b.graphql(admin, `mutation($a: ID!, $m: ID!) { updateActivity(id: $a, input: {status: ONGOING, addMunicipalityIDs: [$m]}) { id } }`, map[string]any{"a": activity.ID, "m": s.askersund}, nil)
	statusOf := func() string {
		var out struct{ Node struct{ Status string } }
		b.graphql("", `query($a: ID!) { node(id: $a) { ... on Activity { status } } }`, map[string]any{"a": activity.ID}, &out)
		return out.Node.Status
	}
	b.open("#/")
	b.signIn("alva", password)

	t.Run("ChangesTheActivitysStatusInTheSameStep", func(t *testing.T) {
		b := b.in(t)
		b.open("#/followUps/new?activityID=" + activity.ID)
		b.heading("Ny uppföljning")
		b.setValue("Datum", "2022-06-30")
		b.setValue("Text", "Alla skolor i kommunen är med.")
		get(b, "report the status done", chromedp.Evaluate[chromedp.Void](`(() => { const e = document.querySelector("select[name=status]"); e.value = "DONE"; e.dispatchEvent(new Event("change", {bubbles: true})); })()`))
		b.waitText("Den rapporterade statusen skiljer sig från aktivitetens, som nu är pågående.")
		b.run("choose to change the activity's status", chromedp.Click(chromedp.CSS(`input[name="alsoActivityStatus"]`)))
		b.screenshot("followup-form-status")
		b.click("Skapa uppföljning")
		b.bannerSays("Uppföljning skapad. Aktivitetens status är nu genomförd.")
		if got := statusOf(); got != "DONE" {
			t.Errorf("the activity's status is %s, want DONE", got)
		}
	})

	t.Run("ShowsWhereTheStatusesDiffer", func(t *testing.T) {
		b := b.in(t)
		b.open("#/followUps/new?activityID=" + activity.ID)
		b.setValue("Datum", "2022-09-30")
		b.setValue("Text", "Ett par skolor hoppade av.")
		get(b, "report the status ongoing", chromedp.Evaluate[chromedp.Void](`(() => { const e = document.querySelector("select[name=status]"); e.value = "ONGOING"; e.dispatchEvent(new Event("change", {bubbles: true})); })()`))
		b.waitText("Den rapporterade statusen skiljer sig från aktivitetens, som nu är genomförd.")
		b.click("Skapa uppföljning")
		b.bannerSays("Uppföljning skapad.")
		if got := statusOf(); got != "DONE" {
			t.Errorf("the activity's status is %s, want DONE kept (not chosen)", got)
		}
		b.waitText("Pågående (aktiviteten: genomförd)")
		var fu struct {
			FollowUps struct {
				Edges []struct{ Node struct{ ID, Author string } }
			}
		}
		b.graphql("", `{ followUps(first: 1, orderBy: {field: DATE, direction: DESC}) { edges { node { id author } } } }`, nil, &fu)
		if got := fu.FollowUps.Edges[0].Node.Author; got != "alva" {
			t.Errorf("the follow-up's author is %q, want alva (signed in)", got)
		}
		b.open("#/followUps/" + fu.FollowUps.Edges[0].Node.ID)
		if got := b.text(`//span[@class="status-differs"]`); got != "Skiljer sig från aktivitetens status, som är genomförd." {
			t.Errorf("the follow-up's page says %q", got)
		}
		if got := b.text(`//dt[.="Skriven av"]/following-sibling::dd[1]`); got != "alva" {
			t.Errorf("written by %q, want alva", got)
		}
	})

	t.Run("AFigureFeedsAnIndicator", func(t *testing.T) {
		b := b.in(t)
		var fu struct {
			FollowUps struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		b.graphql("", `{ followUps(first: 1, where: {date: "2022-06-30T00:00:00Z"}) { edges { node { id } } } }`, nil, &fu)
		followUp := fu.FollowUps.Edges[0].Node.ID
		b.open("#/followUps/" + followUp)
		b.click("Nytt värde")
		b.heading("Nytt värde")
		b.choose("Mått", "Barn", "Barn i kulturskolan")
		b.choose("Kommun", "Asker", "Askersund")
		b.fill("Värde", "35")
		b.click("Skapa värde")
		b.waitView("#/followUps/" + followUp)
		b.waitText("Siffra ur en uppföljning")
		if v, by, source, _ := b.valueOf(s.children, s.askersund, 2022); v != 35 || by != "alva" || source != "FOLLOW_UP" {
			t.Errorf("the figure is %v by %q from %s, want 35 by alva from FOLLOW_UP", v, by, source)
		}
		b.screenshot("followup-figures")
	})
}
