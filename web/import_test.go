package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The page's import: the activity list downloaded, edited as in Excel,
// picked in the import view; the dry run's table says row by row what
// would happen and writes nothing; Importera writes it; the same file
// again changes nothing.
func TestAdminPageImportsTheDownloadedList(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	dir := t.TempDir()
	allowDownloads(b, dir)
	b.open("#/")
	b.signIn("alva", password)
	b.open("#/activities")
	b.summary("Visar 1–6 av 6")
	b.click("Ladda ner för Excel (CSV)")
	names := waitDownload(b, dir, 1)
	data, err := os.ReadFile(filepath.Join(dir, names[0]))
	if err != nil {
		t.Fatal(err)
	}
	// Edited as in Excel: a status changed, a row added, a row naming a
	// municipality that does not exist.
	text := string(data)
	const transport = "Långsiktig, hållbar utveckling av transporter till och från kulturevenemang;Planerad;"
	if !strings.Contains(text, transport) {
		t.Fatalf("the download has no row starting %q:\n%s", transport, text)
	}
	text = strings.Replace(text, transport, "Långsiktig, hållbar utveckling av transporter till och från kulturevenemang;Pågående;", 1)
	plan := "Handlingsplan för kultursamverkan region och kommuner"
	text += "Kulturbuss för skolklasser;Planerad;Mål 1 – Barn och unga;Utveckling av transporter till kultur;2021;2022;laxå, hallsberg;;;;;;" + plan + "\r\n"
	text += "Turné i Gotham;Planerad;Mål 1 – Barn och unga;Utveckling av transporter till kultur;2021;2022;Gotham;;;;;;" + plan + "\r\n"
	edited := filepath.Join(t.TempDir(), "aktiviteter.csv")
	if err := os.WriteFile(edited, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}

	count := func() int {
		var data struct{ Activities struct{ TotalCount int } }
		b.graphql("", `{ activities { totalCount } }`, nil, &data)
		return data.Activities.TotalCount
	}
	before := count()
	b.click("Importera")
	b.waitText("Importera från Excel")
	pick := func() {
		b.run("pick the file", chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{edited}))
	}
	pick()
	b.waitText("Förhandsgranskning av aktiviteter.csv")
	summary := b.text(`//p[@class="import-summary"]`)
	if want := "1 skapas, 1 ändras, 5 oförändrade, 1 avvisas. Inget är sparat ännu."; summary != want {
		t.Errorf("the dry run says %q, want %q", summary, want)
	}
	refused := strings.Join(strings.Fields(b.text(`//tr[contains(@class, "import-refused")]`)), " ")
	if !strings.Contains(refused, "Turné i Gotham") || !strings.Contains(refused, "Avvisas") || !strings.Contains(refused, "Kommunen ”Gotham” finns inte") {
		t.Errorf("the refused row reads %q", refused)
	}
	changed := strings.Join(strings.Fields(b.text(`//tr[contains(@class, "import-update")]`)), " ")
	if !strings.Contains(changed, "Status: Planerad → Pågående") {
		t.Errorf("the changed row reads %q", changed)
	}
	if n := count(); n != before {
		t.Fatalf("after the dry run there are %d activities, want %d: it wrote", n, before)
	}
	b.screenshot("import-dry-run")

	b.run("press Importera", chromedp.Click(chromedp.CSS(`.import-page .actions button`)))
	b.waitText("Importerat från aktiviteter.csv")
	if summary := b.text(`//p[@class="import-summary"]`); summary != "1 skapade, 1 ändrade, 5 oförändrade, 1 avvisade (inte importerade)." {
		t.Errorf("after the import it says %q", summary)
	}
	if n := count(); n != before+1 {
		t.Errorf("after the import there are %d activities, want %d", n, before+1)
	}
	b.screenshot("import-done")

	// The same file again: nothing to import, and no Importera to press.
	b.open("#/activities")
	b.open("#/import")
	pick()
	b.waitText("Förhandsgranskning av aktiviteter.csv")
	if summary := b.text(`//p[@class="import-summary"]`); summary != "0 skapas, 0 ändras, 7 oförändrade, 1 avvisas. Inget är sparat ännu." {
		t.Errorf("the same file again: %q", summary)
	}
	if visible := get(b, "look for Importera", chromedp.Evaluate[bool](`getComputedStyle(document.querySelector(".import-page .actions")).display !== "none"`)); visible {
		t.Error("Importera is offered for a file that changes nothing")
	}

	// On a phone the table scrolls sideways in a region the keyboard reaches.
	phone(b)
	b.screenshot("import-phone")
	if n := get(b, "count unreachable regions", chromedp.Evaluate[int](`[...document.querySelectorAll("main .table-wrap")].filter(e => e.tabIndex < 0).length`)); n != 0 {
		t.Errorf("%d table regions cannot take the focus", n)
	}
}

// A viewer is not offered the import, and is told why at its address.
func TestAdminPageImportIsForAdminsAndEditors(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/")
	b.signIn("ville", password)
	if hidden := get(b, "look for the menu's Importera", chromedp.Evaluate[bool](`document.querySelector('a[href="#/import"]').closest("li").hidden`)); !hidden {
		t.Error("a viewer's menu offers Importera")
	}
	b.open("#/import")
	b.waitText("Bara administratörer och redaktörer importerar.")
	b.click("Logga ut")
	// Signing out of a view for the signed-in goes to the overview: sign in
	// once its header offers it, not on the button it replaces.
	b.waitText("Du är utloggad.")
	b.run("wait for Logga in", chromedp.WaitVisible(`//div[@id="account"]//button[normalize-space()="Logga in"]`))
	b.signIn("anna", password)
	if hidden := get(b, "look for the menu's Importera", chromedp.Evaluate[bool](`document.querySelector('a[href="#/import"]').closest("li").hidden`)); hidden {
		t.Error("an editor's menu does not offer Importera")
	}
}
