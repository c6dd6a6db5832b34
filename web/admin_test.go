package web_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The region's staff work with an activity from start to end in the admin
// page, in a real browser against the real server.
func TestAdminPageAnActivityFromStartToEnd(t *testing.T) {
	page := newBrowser(t, 1280, 900)
	// Each step builds on the one before; after a failure the rest cannot run.
	step := func(name string, f func(t *testing.T, b *browser)) {
		if !t.Failed() {
			t.Run(name, func(t *testing.T) { f(t, page.in(t)) })
		}
	}

	step("SignsInAsAnAdmin", func(t *testing.T, b *browser) {
		b.open("#/")
		b.signIn("alva", password)
		if got := b.who(); got != "Inloggad som Alva Admin · administratör" {
			t.Errorf("the header says %q", got)
		}
	})

	step("FindsASeededActivityBySearching", func(t *testing.T, b *browser) {
		b.open("#/activities")
		b.fill("Sök aktivitet", "barnkultur")
		b.waitText("Visar 1–1 av 1")
		if got := b.text(`//table//td/a`); got != "Samverkan kring Barnkulturplaner" {
			t.Errorf("the hit is %q", got)
		}
		b.screenshot("activities-search")
	})

	step("CreatesAnActivityUnderAGoalForTwoMunicipalities", func(t *testing.T, b *browser) {
		b.open("#/plans")
		b.click("Handlingsplan för kultursamverkan region och kommuner")
		b.screenshot("plan")
		b.click("Mål 1 – Barn och unga")
		b.click("Ny aktivitet")
		b.choose("Rubrik", "transport", "Utveckling av transporter till kultur")
		b.fill("Titel", "Kulturbuss i Bergslagen")
		b.fill("Prioriterad från år", "2022")
		b.fill("Prioriterad till år", "2023")
		b.choose("Deltagande kommuner", "linde", "Lindesberg")
		b.choose("Deltagande kommuner", "nor", "Nora")
		b.screenshot("activity-form")
		b.click("Skapa aktivitet")
		b.heading("Kulturbuss i Bergslagen")
		b.waitText("Lindesberg")
		b.waitText("Nora")
		b.waitText("Aktivitet skapad.")
	})

	step("AddsAFollowUp", func(t *testing.T, b *browser) {
		b.click("Ny uppföljning")
		b.setValue("Datum", "2022-06-30")
		b.run("pick a status", chromedp.SetValue(chromedp.CSS("#"+b.fieldID("Rapporterad status")), "ONGOING"))
		b.fill("Text", "Bussen har gått två gånger i månaden sedan mars.")
		b.click("Skapa uppföljning")
		// Back on the activity, with the new follow-up among its others.
		b.waitView("#/activities/")
		b.heading("Kulturbuss i Bergslagen")
		b.waitText("Uppföljning skapad.")
		b.waitText("30 juni 2022")
		b.waitText("Bussen har gått två gånger i månaden sedan mars.")
		b.screenshot("activity")
	})

	step("ShowsAValidationErrorNextToItsField", func(t *testing.T, b *browser) {
		b.click("Redigera")
		b.fill("Prioriterad till år", "2019")
		b.click("Spara ändringar")
		got := b.text(`//div[contains(@class, "field")][.//input[@name="lastYear"]]/p[@class="field-error"]`)
		if got != "Får inte vara före första året (2019 är före 2022)." {
			t.Errorf("error next to the field = %q", got)
		}
		b.screenshot("validation-error")
		// What the user typed is still there.
		value := get(b, "read the field", chromedp.Value(chromedp.CSS(`input[name="lastYear"]`)))
		if value != "2019" {
			t.Errorf("the field holds %q after the refusal, want what was typed", value)
		}
	})

	step("EditsTheTitle", func(t *testing.T, b *browser) {
		b.fill("Prioriterad till år", "2023")
		b.fill("Titel", "Kulturbuss i norra länet")
		b.click("Spara ändringar")
		b.heading("Kulturbuss i norra länet")
	})

	step("SeesItInTheListAndInTheMunicipality", func(t *testing.T, b *browser) {
		b.open("#/activities")
		b.fill("Sök aktivitet", "kulturbuss")
		b.waitText("Visar 1–1 av 1")
		b.waitText("Kulturbuss i norra länet")
		b.open("#/municipalities")
		b.click("Nora")
		b.waitText("Kulturbuss i norra länet")
		b.screenshot("municipality")
	})

	step("DeletesItAfterSayingWhatGoesWithIt", func(t *testing.T, b *browser) {
		b.click("Kulturbuss i norra länet")
		b.click("Ta bort")
		got := b.text(`//dialog//p[1]`)
		if got != "Det här tar också bort 1 uppföljning." {
			t.Errorf("the dialog says %q", got)
		}
		b.screenshot("delete-dialog")
		b.run("confirm", chromedp.Click(`//dialog//button[normalize-space()="Ta bort"]`), chromedp.WaitNotPresent(chromedp.CSS("dialog")))
		b.waitView("#/objectives/") // back up to the heading
		b.heading("Utveckling av transporter till kultur")
		b.open("#/activities")
		b.fill("Sök aktivitet", "kulturbuss")
		b.waitText("Inga träffar.")
	})
}

// A title that looks like markup is shown as the characters it is.
func TestAdminPageShowsDataAsText(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	const title = `<img src=x onerror=alert(1)>`
	b.open("#/")
	b.signIn("alva", password)
	b.open("#/activities/new")
	b.choose("Rubrik", "skola", "Ökad samverkan mellan kultur och skola")
	b.fill("Titel", title)
	b.click("Skapa aktivitet")
	b.heading(title)
	b.open("#/activities")
	b.fill("Sök aktivitet", "img")
	b.waitText(title)
	images := get(b, "count images", chromedp.Evaluate[int](`document.querySelectorAll("main img").length`))
	if images != 0 {
		t.Errorf("the page has %d <img> elements made from data", images)
	}
}

// The page works in a narrow window, and every view has one heading.
func TestAdminPageNarrowWindow(t *testing.T) {
	b := newBrowser(t, 420, 900)
	// fitsTheWidth checks that nothing makes the page scroll sideways: a
	// wide table scrolls in its own box, the rest wraps.
	fitsTheWidth := func(page string) {
		t.Helper()
		over := get(b, "measure the page's width", chromedp.Evaluate[int](
			`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
		if over > 0 {
			t.Errorf("%s at 420 px is %d px wider than the window", page, over)
		}
	}
	b.open("#/activities")
	b.waitText("Samverkan kring Barnkulturplaner")
	fitsTheWidth("the activities")
	b.screenshot("narrow-activities")
	b.open("#/")
	b.waitText("Kulturplanen")
	fitsTheWidth("the home page")
	b.screenshot("home")
}

// Every control has a label, and the form warns before unsaved changes
// are lost, by a link or by a lost connection.
func TestAdminPageFormsAreAccessibleAndLoseNothing(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/")
	b.signIn("alva", password)
	b.open("#/activities/new")
	unlabelled := get(b, "find controls without a label", chromedp.Evaluate[[]string](`
		[...document.querySelectorAll("main input, main select, main textarea")]
			.filter(e => !(e.id && document.querySelector('label[for="' + e.id + '"]')))
			.map(e => e.name || e.outerHTML.slice(0, 60))`))
	if len(unlabelled) > 0 {
		t.Errorf("controls without a label: %q", unlabelled)
	}

	b.choose("Rubrik", "skola", "Ökad samverkan mellan kultur och skola")
	b.fill("Titel", "Läsfrämjande i Laxå")
	b.server.Close() // the connection is lost
	b.expect("ERR_CONNECTION_REFUSED")
	b.click("Skapa aktivitet")
	if got := b.text(`//div[@id="banner"]`); !strings.Contains(got, "Servern svarar inte") || !strings.Contains(got, "finns kvar") {
		t.Errorf("banner = %q, want the server unreachable and the input kept", got)
	}
	if got := get(b, "read the title", chromedp.Value(chromedp.CSS(`input[name="title"]`))); got != "Läsfrämjande i Laxå" {
		t.Errorf("title after the failure = %q, want what was typed", got)
	}

	b.run("follow a link away", chromedp.Click(`//nav//a[normalize-space()="Kommuner"]`), chromedp.Sleep(200*time.Millisecond))
	b.mu.Lock()
	asked := append([]string(nil), b.confirms...)
	b.mu.Unlock()
	if len(asked) != 1 || !strings.Contains(asked[0], "inte är sparade") {
		t.Errorf("leaving with unsaved changes asked %q, want one warning", asked)
	}
}

// The dashboard shows the plan's follow-up, says where nothing happens, and
// links the CSV downloads.
func TestAdminPageDashboard(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/dashboard")
	gaps := b.text(`//section[contains(@class, "gaps")]`)
	for _, want := range []string{"Mål utan aktiviteter: Mål 2 – Kultur och hälsa.", "Kommuner som ingen aktivitet når (10 av 12)", "Lindesberg"} {
		if !strings.Contains(gaps, want) {
			t.Errorf("the gaps say %q, want them to say %q", gaps, want)
		}
	}
	if got := b.text(`//table[@class="heat"]//tr[th/a = "Örebro"]/td[3]`); got != "1" {
		t.Errorf("Örebro under goal 3 = %q, want 1", got)
	}
	if got := b.text(`//section[@class="cards"]/div[1]/p[2]`); got != "6" {
		t.Errorf("activities card = %q, want 6", got)
	}
	// The seed's activities have no history until someone changes them:
	// the card says so, and lists them when opened.
	withoutHistory := `//section[@class="cards"]/div[p[@class="card-label"]="Utan historik"]`
	if got := b.text(withoutHistory + `/p[@class="card-value"]`); got != "6" {
		t.Errorf("the card of activities without history says %q, want 6", got)
	}
	if got := b.text(withoutHistory + `/p[@class="card-note"]`); !strings.Contains(got, "inlästa med planen och inte ändrade sedan") {
		t.Errorf("the card's note says %q", got)
	}
	b.run("open the list of activities without history", chromedp.Click(withoutHistory+`//summary`))
	b.run("wait for them", chromedp.WaitVisible(withoutHistory+`//li/a[.="Samverkan kring Barnkulturplaner"]`))
	if n := get(b, "count them", chromedp.Evaluate[int](`document.querySelectorAll(".without-history li").length`)); n != 6 {
		t.Errorf("the card lists %d activities, want 6", n)
	}
	b.screenshot("dashboard")

	href := get(b, "read the CSV link", chromedp.Evaluate[string](`document.querySelector('a[href^="/reports/coverage.csv"]').getAttribute("href")`))
	res, err := http.Get(b.base + href)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("\xef\xbb\xbfKommun")) {
		t.Errorf("the coverage CSV link gives %d and %.40q", res.StatusCode, body)
	}

	// The seed's activities are prioritised 2020–2021: none in 2022.
	b.setValue("År", "2022")
	b.run("wait for 2022", chromedp.WaitVisible(chromedp.CSS(`main[data-view*="year=2022"]:not([aria-busy])`)))
	if got := b.text(`//section[@class="cards"]/div[1]/p[2]`); got != "0" {
		t.Errorf("activities card for 2022 = %q, want 0", got)
	}
}

// When someone else saves the record first, saving says so, shows their
// values and keeps what the user typed; saving again applies it on top.
func TestAdminPageConflictingEdits(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/activities")
	b.signIn("alva", password)
	b.click("Samverkan kring Barnkulturplaner")
	b.click("Redigera")
	id := get(b, "read the id", chromedp.Evaluate[string](`location.hash.split("/")[2]`))

	// Meanwhile, a colleague sets the status.
	var reply struct{ UpdateActivity struct{ Version int } }
	b.graphql(b.token("alva"), `mutation($id: ID!) { updateActivity(id: $id, input: {status: ONGOING, version: 1}) { version } }`, map[string]any{"id": id}, &reply)
	if reply.UpdateActivity.Version != 2 {
		t.Fatalf("the colleague's update left version %d", reply.UpdateActivity.Version)
	}

	b.fill("Titel", "Barnkulturplaner i hela länet")
	b.click("Spara ändringar")
	if got := b.text(`//div[@id="banner"]`); !strings.Contains(got, "Någon annan har ändrat aktivitet") {
		t.Errorf("banner = %q, want it to say someone else changed the activity", got)
	}
	if got := b.text(`//div[contains(@class, "field")][.//select[@name="status"]]/p[@class="field-note"]`); got != "Ändrat av någon annan medan du redigerade, till: Pågående" {
		t.Errorf("note at the status = %q", got)
	}
	if got := get(b, "read the status", chromedp.Value(chromedp.CSS(`select[name="status"]`))); got != "ONGOING" {
		t.Errorf("status field after the conflict = %q, want the colleague's ONGOING (the user left it alone)", got)
	}
	b.screenshot("conflict")
	if got := get(b, "read the title", chromedp.Value(chromedp.CSS(`input[name="title"]`))); got != "Barnkulturplaner i hela länet" {
		t.Errorf("title after the conflict = %q, want what was typed", got)
	}

	b.click("Spara ändringar")
	b.waitView("#/activities/" + id)
	b.heading("Barnkulturplaner i hela länet")
	b.waitText("Pågående") // the colleague's status stays
}

// An optional reference can be emptied: an institution loses its home
// municipality and becomes a regional actor.
func TestAdminPageClearsAReference(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/institutions")
	b.signIn("alva", password)
	b.click("Sjöängen")
	b.click("Redigera")
	b.fill("Hemkommun", "")
	b.click("Spara ändringar")
	b.waitText("Ingen (regional aktör)")
}
