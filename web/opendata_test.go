package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// On a private server an admin publishes the Örebro plan as open data
// from its page: the plan's page then names the licence and links the
// files, which anyone fetches without signing in.
func TestAdminPagePublishesOpenData(t *testing.T) {
	b := newBrowser(t, 1280, 900, privateReads())
	b.open("#/plans")
	b.signIn("alva", password)
	b.waitView("#/plans")
	b.click("Handlingsplan för kultursamverkan region och kommuner")
	b.waitView("#/plans/")
	b.waitText("Inte publicerad. En administratör kan publicera planen under Redigera.")
	b.click("Redigera")
	b.run("tick Publicera som öppna data", chromedp.Click(chromedp.CSS("#"+b.fieldID("Publicera som öppna data"))))
	if got := get(b, "read the licence", chromedp.Value(chromedp.CSS("#"+b.fieldID("Licens för öppna data")))); got != "https://creativecommons.org/publicdomain/zero/1.0/" {
		t.Errorf("the licence field = %q, want CC0", got)
	}
	b.fill("Kontakt för öppna data", "kultur@regionorebrolan.se")
	checkView(b, "the plan's form")
	b.screenshot("open-data-form")
	b.click("Spara ändringar")
	b.waitText("Ändringarna är sparade.")
	b.run("wait for the links", chromedp.WaitVisible(chromedp.CSS(`.open-data a[href$="/activities.csv"]`)))
	facts := b.text(`//dl[@class="facts"]`)
	for _, want := range []string{"CC0 1.0 – fri från upphovsrätt", "kultur@regionorebrolan.se", "Hela planen (JSON)", "Katalogen för Sveriges dataportal (DCAT-AP-SE)"} {
		if !strings.Contains(facts, want) {
			t.Errorf("the plan's facts say %q, want %q in them", facts, want)
		}
	}
	checkView(b, "the published plan")
	b.screenshot("open-data-plan")

	href := get(b, "read the link", chromedp.Evaluate[string](`document.querySelector('.open-data a[href$="/activities.csv"]').getAttribute("href")`))
	res, err := http.Get(b.base + href)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Errorf("GET %s without a token = %d %s, want the CSV", href, res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// checkView fails the test when the view shows English or axe finds
// something serious in it.
func checkView(b *browser, what string) {
	b.t.Helper()
	if found := b.visibleEnglish(); len(found) > 0 {
		b.t.Errorf("%s shows English: %q", what, found)
	}
	if found := b.axe(); len(found) > 0 {
		b.t.Errorf("axe finds in %s:\n%s", what, strings.Join(found, "\n"))
	}
}
