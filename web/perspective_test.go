package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An admin defines a municipality group, links an activity to every
// municipality of the county in one step and tags it with a perspective,
// links another to a group's municipalities in one step, filters the list
// by perspective and by group (kept in the address), and the dashboard
// counts the perspectives and the whole county; on a desktop and a phone.
func TestAdminPagePerspectivesGroupsAndTheWholeCounty(t *testing.T) {
	page := newBrowser(t, 1280, 900)
	step := func(name string, f func(t *testing.T, b *browser)) {
		if !t.Failed() {
			t.Run(name, func(t *testing.T) { f(t, page.in(t)) })
		}
	}

	step("DefinesAGroup", func(t *testing.T, b *browser) {
		b.open("#/")
		b.signIn("alva", password)
		b.open("#/municipalityGroups")
		b.waitText("Inga kommungrupper ännu.")
		b.click("Ny kommungrupp")
		b.fill("Namn", "den norra delen")
		b.choose("Kommuner i gruppen", "linde", "Lindesberg")
		b.choose("Kommuner i gruppen", "nor", "Nora")
		b.click("Skapa kommungrupp")
		b.heading("den norra delen")
		b.waitText("Lindesberg")
		b.screenshot("municipality-group")
	})

	step("LinksTheWholeCountyInOneStep", func(t *testing.T, b *browser) {
		b.open("#/activities/new")
		b.choose("Rubrik", "transport", "Utveckling av transporter till kultur")
		b.fill("Titel", "Kulturbuss i hela länet")
		b.click("Alla 12 kommuner i länet")
		// The button asks the server for the county's municipalities.
		get(b, "wait for the 12 municipalities", chromedp.Poll[bool](`document.querySelectorAll(".field-links:has(input[name=municipalityIDs]) .chip").length === 12 || null`))
		b.choose("Perspektiv", "bar", "Barn")
		b.screenshot("activity-form-whole-county")
		b.click("Skapa aktivitet")
		b.heading("Kulturbuss i hela länet")
		b.waitText("Hela länet")
		if got := b.text(`//dl[@class="facts"]//dt[.="Perspektiv"]/following-sibling::dd[1]`); got != "Barn" {
			t.Errorf("the activity's perspectives read %q, want Barn", got)
		}
		b.screenshot("activity-whole-county")
	})

	step("LinksAGroupInOneStep", func(t *testing.T, b *browser) {
		b.open("#/activities/new")
		b.choose("Rubrik", "transport", "Utveckling av transporter till kultur")
		b.fill("Titel", "Läsfrämjande i norr")
		groups := get(b, "read the groups offered", chromedp.Evaluate[string](`(() => { const s = [...document.querySelectorAll("select")].find(s => s.labels[0]?.textContent === "Lägg till en kommungrupp"); return s ? [...s.options].map(o => o.textContent).join("|") : "" })()`))
		if groups != "Välj kommungrupp…|den norra delen (2)" {
			t.Fatalf("the groups offered are %q", groups)
		}
		get(b, "pick the group", chromedp.Evaluate[chromedp.Void](`(() => { const s = [...document.querySelectorAll("select")].find(s => s.labels[0]?.textContent === "Lägg till en kommungrupp"); s.value = s.options[1].value; s.dispatchEvent(new Event("change", {bubbles: true})); })()`))
		b.click("Skapa aktivitet")
		b.heading("Läsfrämjande i norr")
		b.waitText("Lindesberg")
		b.waitText("Nora")
	})

	step("FiltersTheListByPerspectiveAndGroup", func(t *testing.T, b *browser) {
		b.open("#/activities")
		b.choose("Perspektiv", "bar", "Barn")
		b.summary("Visar 1–1 av 1")
		if addr := b.address(); !strings.Contains(addr, "perspective=") {
			t.Errorf("the address %q does not keep the perspective", addr)
		}
		b.choose("Kommungrupp", "norra", "den norra delen")
		b.summary("Visar 1–1 av 1") // the bus: in Nora and Lindesberg too
		addr := b.address()
		b.open("#/")
		b.open(addr)
		b.summary("Visar 1–1 av 1")
		b.waitText("Kulturbuss i hela länet")
		b.screenshot("activities-by-perspective-and-group")

		// The list's CSV says "Hela länet" for the whole county, and the
		// perspectives last.
		dir := t.TempDir()
		allowDownloads(b, dir)
		b.click("Ladda ner för Excel (CSV)")
		names := waitDownload(b, dir, 1)
		data, err := os.ReadFile(filepath.Join(dir, names[0]))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
		if len(lines) != 2 || !strings.Contains(lines[1], ";Hela länet;") || !strings.Contains(lines[1], ";Barn;") {
			t.Errorf("the list's CSV reads %q, want the bus with Hela länet and Barn", lines)
		}
	})

	step("TheDashboardCountsThem", func(t *testing.T, b *browser) {
		b.open("#/dashboard")
		b.waitText("Status per perspektiv")
		b.waitText("Barn — 1 aktivitet")
		b.waitText("Utan perspektiv — 7 aktiviteter")
		if got := b.text(`//table[@class="heat"]/tfoot/tr/th`); got != "Hela länet (alla 12 kommuner)" {
			t.Errorf("the heat map's last row is %q", got)
		}
		if got := b.text(`//section[@class="cards"]/div[p[1]="I hela länet"]/p[2]`); got != "1" {
			t.Errorf("the whole county's card = %q, want 1", got)
		}
		if got := b.text(`//table[@class="heat"]//tr[th/a = "Laxå"]/td[last()]`); got != "1" {
			t.Errorf("Laxå's total = %q, want 1 (the bus in the whole county)", got)
		}
		b.screenshot("dashboard-perspectives")
		href := get(b, "read the perspectives CSV link", chromedp.Evaluate[string](`document.querySelector('a[href^="/reports/perspectives.csv"]')?.getAttribute("href") || ""`))
		if href == "" {
			t.Errorf("no link to perspectives.csv")
		}
	})

	step("ReadsWellOnAPhone", func(t *testing.T, b *browser) {
		phone(b)
		b.open("#/dashboard")
		b.waitText("Status per perspektiv")
		b.screenshot("phone-dashboard-perspectives")
		b.open("#/activities/new")
		b.choose("Rubrik", "transport", "Utveckling av transporter till kultur")
		b.waitText("Alla 12 kommuner i länet")
		wide := get(b, "measure the page", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if wide > 390 {
			t.Errorf("the form is %d px wide on a 390 px phone", wide)
		}
		b.screenshot("phone-activity-form-shortcuts")
	})
}

// A newcomer, not signed in, reads goal 3 as the region wrote it: the whole
// sentence the page means, the actors it names, and its activities; on a
// desktop and a phone.
func TestAdminPageGoalReadsAsTheRegionWroteIt(t *testing.T) {
	for _, width := range []int{1280, 390} {
		t.Run(fmt.Sprintf("%dpx", width), func(t *testing.T) {
			b := newBrowser(t, width, 900)
			if width == 390 {
				phone(b)
			}
			b.open("#/goals")
			b.click("Mål 3 – Hela länet")
			b.heading("Mål 3 – Hela länet")
			sentence := b.text(`//dl[@class="facts"]//dt[.="Målformulering"]/following-sibling::dd[1]`)
			want := "Region Örebro län vill 2020–2023 genom samverkan med länets kommuner utveckla och stärka samverkan mellan länets kommuner, Nätverket för regional kulturutveckling och större kulturinstitutioner med fokus på kultur i hela länet."
			if sentence != want {
				t.Errorf("the goal's statement reads %q, want %q", sentence, want)
			}
			b.waitText("Nätverket för regional kulturutveckling")
			b.waitText("Ökad samverkan kring kulturkvarteret i Örebro, Sjöängen i Askersund, och den norra delen")
			b.screenshot(fmt.Sprintf("goal-3-%dpx", width))
		})
	}
}
