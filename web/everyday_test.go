package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// The admin page for everyday work (issue 17): lists that keep their
// place, say when they load, change many rows at once and download as
// filtered; forms that say everything wrong at once; Swedish throughout.

// createActivities creates activities with the titles under the first
// heading, as an admin over HTTP, all in one request, and returns their ids.
func createActivities(b *browser, token string, titles ...string) []string {
	b.t.Helper()
	var objectives struct {
		Objectives struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	b.graphql(token, `{ objectives(first: 1, orderBy: {field: TITLE}) { edges { node { id } } } }`, nil, &objectives)
	objective := objectives.Objectives.Edges[0].Node.ID
	var q strings.Builder
	q.WriteString("mutation {")
	for i, title := range titles {
		fmt.Fprintf(&q, " a%d: createActivity(input: {objectiveID: %q, title: %q}) { id }", i, objective, title)
	}
	q.WriteString(" }")
	var out map[string]struct{ ID string }
	b.graphql(token, q.String(), nil, &out)
	ids := make([]string, len(titles))
	for i := range titles {
		ids[i] = out[fmt.Sprintf("a%d", i)].ID
	}
	return ids
}

// address is the page's address after the "#".
func (b *browser) address() string {
	b.t.Helper()
	return get(b, "read the address", chromedp.Evaluate[string](`location.hash`))
}

// summary waits until the list's pager says want.
func (b *browser) summary(want string) {
	b.t.Helper()
	b.run("wait for the list to say "+want, chromedp.WaitVisible(fmt.Sprintf(`//p[contains(@class, "pager-summary")][normalize-space()=%s]`, xq(want))))
}

// back goes back in the history, as the browser's Back button does.
func (b *browser) back() {
	b.t.Helper()
	get(b, "go back", chromedp.Evaluate[chromedp.Void](`history.back()`))
}

func TestAdminPageListsKeepTheirPlace(t *testing.T) {
	page := newBrowser(t, 1280, 900)
	token := page.token("alva")
	var titles []string
	for i := 1; i <= 55; i++ {
		titles = append(titles, fmt.Sprintf("Sidtest %02d", i))
	}
	createActivities(page, token, titles...)
	step := func(name string, f func(t *testing.T, b *browser)) {
		if !t.Failed() {
			t.Run(name, func(t *testing.T) { f(t, page.in(t)) })
		}
	}

	step("SearchSortAndPageGoInTheAddress", func(t *testing.T, b *browser) {
		b.open("#/activities")
		b.fill("Sök aktivitet", "sidtest")
		b.summary("Visar 1–50 av 55")
		b.click("Titel") // already ascending by title: now descending
		b.summary("Visar 1–50 av 55")
		if first := b.text(`//table//tbody/tr[1]//a`); first != "Sidtest 55" {
			t.Errorf("the first row sorted by title descending is %q", first)
		}
		b.click("Nästa →")
		b.summary("Visar 51–55 av 55")
		if got, want := b.address(), "#/activities?q=sidtest&sort=-TITLE&page=2"; got != want {
			t.Errorf("the address is %q, want %q", got, want)
		}
	})

	step("BackReturnsToTheSameList", func(t *testing.T, b *browser) {
		b.click("Sidtest 03")
		b.heading("Sidtest 03")
		b.back()
		b.waitView("#/activities?q=sidtest&sort=-TITLE&page=2")
		b.summary("Visar 51–55 av 55")
		if got := get(b, "read the search box", chromedp.Value(chromedp.CSS("#"+b.fieldID("Sök aktivitet")))); got != "sidtest" {
			t.Errorf("the search box holds %q after Back", got)
		}
		if first := b.text(`//table//tbody/tr[1]//a`); first != "Sidtest 05" {
			t.Errorf("the first row of page 2 after Back is %q", first)
		}
		b.click("← Föregående")
		b.summary("Visar 1–50 av 55")
		if got, want := b.address(), "#/activities?q=sidtest&sort=-TITLE"; got != want {
			t.Errorf("the address on page 1 is %q, want %q", got, want)
		}
	})

	step("AFilteredListCanBeBookmarked", func(t *testing.T, b *browser) {
		b.graphql(token, `mutation($id: ID!) { updateActivity(id: $id, input: {status: DONE}) { id } }`, map[string]any{"id": createActivities(b, token, "Bokmärkt genomförd")[0]}, nil)
		b.open("#/activities?status=DONE")
		b.summary("Visar 1–1 av 1")
		if got := b.text(`//table//tbody/tr[1]//a`); got != "Bokmärkt genomförd" {
			t.Errorf("the bookmarked list shows %q", got)
		}
		if got := get(b, "read the status filter", chromedp.Value(chromedp.CSS("#"+b.fieldID("Status")))); got != "DONE" {
			t.Errorf("the status filter shows %q, want DONE", got)
		}
		// A municipality filter keeps its id in the address and shows its name.
		b.open("#/municipalities")
		b.click("Nora")
		noraID := strings.TrimPrefix(b.address(), "#/municipalities/")
		b.open("#/activities?municipality=" + noraID)
		get(b, "wait for the name of the municipality", chromedp.Poll[bool](fmt.Sprintf(`document.getElementById(%s).value === "Nora"`, jsq(b.fieldID("Kommun")))))
		// A page past the end shows the last page.
		b.open("#/activities?q=sidtest&page=9")
		b.summary("Visar 51–55 av 55")
		b.screenshot("list-kept-in-address")
	})
}

// listGate holds the answers to the lists' queries while it is closed.
type listGate struct {
	mu   sync.Mutex
	open chan struct{}
}

func (g *listGate) hold() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.open = make(chan struct{})
}

func (g *listGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open != nil {
		close(g.open)
		g.open = nil
	}
}

func (g *listGate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/graphql" && r.Method == http.MethodPost {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			g.mu.Lock()
			wait := g.open
			g.mu.Unlock()
			if wait != nil && bytes.Contains(body, []byte("query List")) {
				select {
				case <-wait:
				case <-r.Context().Done():
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

func TestAdminPageSaysItIsLoadingAndClearsOldMessages(t *testing.T) {
	gate := &listGate{}
	t.Cleanup(gate.release)
	page := newBrowser(t, 1280, 900, func(s *browserSetup) { s.wrap = gate.wrap })
	step := func(name string, f func(t *testing.T, b *browser)) {
		if !t.Failed() {
			t.Run(name, func(t *testing.T) { f(t, page.in(t)) })
		}
	}

	step("ASlowListSaysItIsLoading", func(t *testing.T, b *browser) {
		gate.hold()
		b.open("#/activities")
		b.summary("Laddar…")
		b.waitText("Laddar…") // in the table too, not empty headers
		busy := get(b, "read the list's state", chromedp.Evaluate[[]string](`(() => {
			const s = document.querySelector("main section.list-view");
			return [s.getAttribute("aria-busy"), ...[...s.querySelectorAll(".pager-buttons button")].map(b => String(b.disabled))];
		})()`))
		if strings.Join(busy, " ") != "true true true" {
			t.Errorf("while loading: aria-busy and the page buttons' disabled = %q, want true true true", busy)
		}
		b.screenshot("list-loading")
		gate.release()
		b.run("wait until loaded", chromedp.WaitVisible(chromedp.CSS(`main section.list-view:not([aria-busy])`)))
		b.summary("Visar 1–6 av 6")
	})

	step("AFollowUpReturnsToItsActivityAndItsMessageStaysThere", func(t *testing.T, b *browser) {
		b.open("#/")
		b.signIn("alva", password)
		b.open("#/activities")
		b.click("Samverkan kring Barnkulturplaner")
		b.heading("Samverkan kring Barnkulturplaner")
		activity := b.address()
		b.click("Ny uppföljning")
		b.setValue("Datum", "2023-03-31")
		b.fill("Text", "Tre kommuner har antagit barnkulturplaner.")
		b.click("Skapa uppföljning")
		b.waitView(activity)
		b.heading("Samverkan kring Barnkulturplaner")
		if got := b.text(`//div[@id="banner"]`); got != "Uppföljning skapad." {
			t.Errorf("the banner on the activity says %q", got)
		}
		b.waitText("Tre kommuner har antagit barnkulturplaner.")
		// Another activity's form starts without it.
		b.open("#/activities")
		b.click("Samverkan mellan länets kulturskolor, regional kulturskole-samverkan")
		b.heading("Samverkan mellan länets kulturskolor, regional kulturskole-samverkan")
		b.click("Ny uppföljning")
		b.heading("Ny uppföljning")
		if shown := get(b, "read the banner", chromedp.Evaluate[string](`(() => { const e = document.getElementById("banner"); return e.hidden ? "" : e.textContent })()`)); shown != "" {
			t.Errorf("another activity's form shows the old message %q", shown)
		}
	})
}

func TestAdminPageFormSaysEverythingWrongAtOnce(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/")
	b.signIn("alva", password)
	b.open("#/activities/new")
	b.setValue("Titel", strings.Repeat("å", 301))
	b.setValue("Beskrivning", strings.Repeat("x", 20001))
	b.fill("Prioriterad från år", "20.5")
	b.click("Skapa aktivitet")
	errorOf := func(name string) string {
		return strings.Join(strings.Fields(b.text(fmt.Sprintf(`//div[contains(@class, "field")][.//*[@name=%q]]/p[@class="field-error"]`, name))), " ")
	}
	want := map[string]string{
		"objectiveID": "Fyll i rubrik.",
		"title":       "Får vara högst 300 tecken (nu 301).",
		"description": "Får vara högst 20 000 tecken (nu 20 001).",
		"firstYear":   "Ska vara ett heltal.",
	}
	for name, msg := range want {
		if got := errorOf(name); got != msg {
			t.Errorf("the error next to %s is %q, want %q", name, got, msg)
		}
	}
	// A summary above the form says it all, with a link to each field.
	summary := strings.Join(strings.Fields(b.text(`//div[@class="error-summary"]`)), " ")
	if want := "4 fält behöver rättas Rubrik: Fyll i rubrik. Titel: Får vara högst 300 tecken (nu 301). Prioriterad från år: Ska vara ett heltal. Beskrivning: Får vara högst 20 000 tecken (nu 20 001)."; summary != want {
		t.Errorf("the summary says\n%q, want\n%q", summary, want)
	}
	if focused := get(b, "read the focus", chromedp.Evaluate[string](`document.activeElement.className`)); focused != "error-summary" {
		t.Errorf("the focus is on %q, want the summary", focused)
	}
	b.click("Titel")
	if focused := get(b, "read the focus", chromedp.Evaluate[string](`document.activeElement.name`)); focused != "title" {
		t.Errorf("the summary's link leads to %q, want the title", focused)
	}
	invalid := get(b, "count invalid fields", chromedp.Evaluate[int](`document.querySelectorAll("main [aria-invalid=true]").length`))
	if invalid != 4 {
		t.Errorf("%d fields are marked aria-invalid, want 4", invalid)
	}
	b.screenshot("form-all-errors")
	// Nothing was sent: no activity was created.
	var out struct{ Activities struct{ TotalCount int } }
	b.graphql("", `{ activities { totalCount } }`, nil, &out)
	if out.Activities.TotalCount != 6 {
		t.Errorf("%d activities after a refused form, want the 6 seeded", out.Activities.TotalCount)
	}
}

// No English reaches the user, counts agree with their nouns, and the
// menu tells the dashboard from the follow-ups.
func TestAdminPageSpeaksSwedish(t *testing.T) {
	b := newBrowser(t, 1280, 900)

	t.Run("NotFoundIsSwedish", func(t *testing.T) {
		b := b.in(t)
		b.open("#/activities/999999")
		b.heading("Hittades inte")
		banner := b.text(`//div[@id="banner"]`)
		if !strings.HasPrefix(banner, "Hittades inte.") || regexp.MustCompile(`(?i)\b(not|found|activity|the|error)\b`).MatchString(banner) {
			t.Errorf("the banner says %q", banner)
		}
	})

	t.Run("TheMenuTellsTheDashboardFromTheFollowUps", func(t *testing.T) {
		b := b.in(t)
		b.open("#/")
		menu := get(b, "read the menu", chromedp.Evaluate[[]string](`[...document.querySelectorAll("nav [data-nav]")].filter(a => !a.closest("[hidden]")).map(a => a.textContent)`))
		if got := strings.Join(menu, ", "); got != "Lägesbild, Handlingsplaner, Aktiviteter, Kommuner, Aktörer, Perspektiv, Kommungrupper, Uppföljningar, Mått" {
			t.Errorf("the menu reads %q", got)
		}
	})

	t.Run("CountsAgreeWithTheirNouns", func(t *testing.T) {
		b := b.in(t)
		b.open("#/dashboard")
		b.waitView("#/dashboard")
		said := get(b, "read the dashboard's text", chromedp.Evaluate[string](`document.querySelector("main").textContent`))
		wrong := regexp.MustCompile(`(^|[^\d\x{a0}])1 (aktiviteter|uppföljningar|planerade|genomförda|inställda)\b|\b([02-9]|\d\d+) (aktivitet|uppföljning|planerad|genomförd|inställd)\b`)
		if m := wrong.FindString(said); m != "" {
			t.Errorf("the dashboard says %q", m)
		}
		desc := b.text(`//p[@id="bars-desc"]`)
		if !regexp.MustCompile(`\d+ planerade?\b`).MatchString(desc) {
			t.Errorf("the bars' description for screen readers is %q", desc)
		}
		if lower := regexp.MustCompile(`Mål \d+ – \p{Ll}`).FindString(said); lower != "" {
			t.Errorf("a goal's name starts in lower case: %q", lower)
		}
		if strings.Contains(said, "av de som") {
			t.Error(`the dashboard says "av de som", not "av dem som"`)
		}
	})

	t.Run("TheReportIsNamedTheSameSignedInAndOut", func(t *testing.T) {
		b := b.in(t)
		dir := t.TempDir()
		allowDownloads(b, dir)
		b.open("#/dashboard")
		b.click("status per mål (CSV)")
		out := waitDownload(b, dir, 1)
		// Signed in, the page fetches the file itself (to send the token)
		// and names it; a second download from the page would wait for
		// the user's permission in Chromium, so the name is read as the
		// page gives it.
		b.signIn("alva", password)
		get(b, "watch downloads", chromedp.Evaluate[chromedp.Void](`(() => {
			window.downloads = [];
			HTMLAnchorElement.prototype.click = function () { window.downloads.push(this.download); };
		})()`))
		b.click("status per mål (CSV)")
		in := get(b, "read the download's name", chromedp.Poll[string](`window.downloads.length ? window.downloads[0] : null`))
		if len(out) != 1 {
			t.Fatalf("signed out, downloaded %q", out)
		}
		if !strings.HasPrefix(out[0], "status-") || !strings.HasSuffix(out[0], ".csv") {
			t.Errorf("signed out, the file is %q, want the server's name", out[0])
		}
		if in != out[0] {
			t.Errorf("signed in, the file is named %q; signed out, %q", in, out[0])
		}
	})
}

// allowDownloads lets the browser save files in dir.
func allowDownloads(b *browser, dir string) {
	b.t.Helper()
	_, err := chromedp.Call(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
	if err != nil {
		b.t.Fatalf("allow downloads: %v", err)
	}
}

// waitDownload waits until dir holds n finished files, and returns their names.
func waitDownload(b *browser, dir string, n int) []string {
	b.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for {
		entries, _ := os.ReadDir(dir)
		var names []string
		partial := false
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".crdownload") {
				partial = true
			}
			names = append(names, e.Name())
		}
		if len(names) >= n && !partial {
			return names
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waited for %d downloads in %s, have %q", n, dir, names)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestAdminPageChangesTheStatusOfManyActivities(t *testing.T) {
	page := newBrowser(t, 1280, 900)
	token := page.token("alva")
	ids := createActivities(page, token, "Samlad ändring A", "Samlad ändring B", "Samlad ändring C")
	step := func(name string, f func(t *testing.T, b *browser)) {
		if !t.Failed() {
			t.Run(name, func(t *testing.T) { f(t, page.in(t)) })
		}
	}

	step("SelectedRowsChangeTogetherAndAConflictIsReportedByRow", func(t *testing.T, b *browser) {
		b.open("#/")
		b.signIn("alva", password)
		b.open("#/activities?q=samlad")
		b.summary("Visar 1–3 av 3")
		b.run("select all rows", chromedp.Click(chromedp.CSS(`input[aria-label="Markera alla på sidan"]`)))
		b.waitText("3 aktiviteter markerade")
		// Someone else changes B meanwhile.
		b.graphql(token, `mutation($id: ID!) { updateActivity(id: $id, input: {lead: "Någon annan"}) { id } }`, map[string]any{"id": ids[1]}, nil)
		b.run("choose the status", chromedp.SetValue(chromedp.CSS("#"+b.fieldID("Ny status")), "DONE"))
		b.click("Ändra status")
		b.run("wait for the report", chromedp.WaitVisible(`//div[contains(@class, "bulk-report")]//li`))
		report := strings.Join(strings.Fields(b.text(`//div[contains(@class, "bulk-report")]`)), " ")
		want := "2 aktiviteter ändrade. 1 aktivitet kunde inte ändras: Samlad ändring B: någon annan ändrade den medan listan visades. Inget ändrades: försök igen."
		if report != want {
			t.Errorf("the report says\n%q, want\n%q", report, want)
		}
		b.mu.Lock()
		asked := append([]string(nil), b.confirms...)
		b.mu.Unlock()
		if len(asked) != 1 || !strings.Contains(asked[0], "för 3 aktiviteter") {
			t.Errorf("asked %q, want one confirmation for 3 activities", asked)
		}
		b.screenshot("bulk-status")
		var got struct {
			A, B, C struct{ Status string }
		}
		b.graphql(token, `query($a: ID!, $b: ID!, $c: ID!) { a: node(id: $a) { ... on Activity { status } } b: node(id: $b) { ... on Activity { status } } c: node(id: $c) { ... on Activity { status } } }`,
			map[string]any{"a": ids[0], "b": ids[1], "c": ids[2]}, &got)
		if got.A.Status != "DONE" || got.B.Status != "PLANNED" || got.C.Status != "DONE" {
			t.Errorf("statuses after the change: %+v, want A and C done, B as it was", got)
		}
		// One audited change per activity changed.
		for i, id := range []string{ids[0], ids[2]} {
			var audit struct{ AuditEntries struct{ TotalCount int } }
			b.graphql(token, `query($id: ID!) { auditEntries(where: {objectID: $id, action: UPDATE, actorName: "alva"}) { totalCount } }`, map[string]any{"id": id}, &audit)
			if audit.AuditEntries.TotalCount != 1 {
				t.Errorf("activity %d has %d audited updates by alva, want 1", i, audit.AuditEntries.TotalCount)
			}
		}
	})

	step("AnEditorsRowsOutsideItsScopeAreRefusedByRow", func(t *testing.T, b *browser) {
		b.click("Logga ut")
		b.signIn("anna", password)
		b.open("#/activities")
		b.summary("Visar 1–9 av 9")
		for _, title := range []string{askersundActivity, otherActivity} {
			b.run("select "+title, chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[aria-label=%q]`, "Markera "+title))))
		}
		b.waitText("2 aktiviteter markerade")
		b.run("choose the status", chromedp.SetValue(chromedp.CSS("#"+b.fieldID("Ny status")), "ONGOING"))
		b.click("Ändra status")
		b.run("wait for the report", chromedp.WaitVisible(`//div[contains(@class, "bulk-report")]//li`))
		report := strings.Join(strings.Fields(b.text(`//div[contains(@class, "bulk-report")]`)), " ")
		if want := "1 aktivitet ändrad. 1 aktivitet kunde inte ändras: " + otherActivity + ": din roll får inte ändra den."; report != want {
			t.Errorf("the report says\n%q, want\n%q", report, want)
		}
		b.screenshot("bulk-status-editor")
	})

	step("AViewerIsNotOfferedIt", func(t *testing.T, b *browser) {
		b.click("Logga ut")
		b.open("#/activities")
		b.summary("Visar 1–9 av 9")
		if n := get(b, "count checkboxes", chromedp.Evaluate[int](`document.querySelectorAll("main input[type=checkbox]").length`)); n != 0 {
			t.Errorf("signed out, the list has %d checkboxes", n)
		}
	})
}

func TestAdminPageDownloadsTheListAsFiltered(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	token := b.token("alva")
	ids := createActivities(b, token, "=Formel i titeln", "Genomförd; med semikolon")
	for _, id := range ids {
		b.graphql(token, `mutation($id: ID!) { updateActivity(id: $id, input: {status: DONE}) { id } }`, map[string]any{"id": id}, nil)
	}
	dir := t.TempDir()
	allowDownloads(b, dir)
	b.open("#/")
	b.signIn("ville", password)
	{
		b.open("#/activities?status=DONE")
		b.summary("Visar 1–2 av 2")
		b.click("Ladda ner för Excel (CSV)")
		names := waitDownload(b, dir, 1)
		if len(names) != 1 || names[0] != "aktiviteter.csv" {
			t.Fatalf("downloaded %q, want aktiviteter.csv", names)
		}
		data, err := os.ReadFile(filepath.Join(dir, names[0]))
		if err != nil {
			t.Fatal(err)
		}
		want := "\uFEFFTitel;Status;Mål;Rubrik;Prioriterad från år;Prioriterad till år;Kommuner;Aktörer;Ansvarig;Startdatum;Slutdatum;Avstämningsdatum;Perspektiv;Handlingsplan\r\n"
		if !strings.HasPrefix(string(data), want) {
			t.Errorf("the file starts %q, want %q", string(data[:min(len(data), 200)]), want)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
		if len(lines) != 3 {
			t.Fatalf("the file has %d lines, want a heading and the 2 activities shown:\n%s", len(lines), data)
		}
		for _, row := range []string{`'=Formel i titeln;Genomförd;`, `"Genomförd; med semikolon";Genomförd;`} {
			if !strings.Contains(string(data), "\r\n"+row) {
				t.Errorf("no row starting %q in\n%s", row, data)
			}
		}
	}
	b.screenshot("list-download")
}

// On a phone the dashboard's bars keep readable labels, and what scrolls
// sideways can be reached by keyboard.
func TestAdminPageDashboardOnAPhone(t *testing.T) {
	b := newBrowser(t, 390, 844)
	phone(b)
	b.open("#/dashboard")
	b.waitText("Status per utvecklingsmål")
	// The height as drawn, not the font size asked for: a scaled drawing
	// shrinks its text whatever the size its style says.
	sizes := get(b, "read the bars' label sizes", chromedp.Evaluate[[]float64](`[...document.querySelectorAll("main .bar-label")].map(e => e.getBoundingClientRect().height)`))
	if len(sizes) == 0 {
		t.Fatal("no bar labels")
	}
	for _, px := range sizes {
		if px < 12 {
			t.Errorf("a bar's label is %.1f px high at 390 px wide, want 12 or more", px)
		}
	}
	// axe's scrollable-region-focusable: every region that scrolls can take
	// the focus (or holds something that can).
	unreachable := get(b, "find scrolling regions", chromedp.Evaluate[[]string](`[...document.querySelectorAll("main *")]
		.filter(e => e.scrollWidth > e.clientWidth + 1 && ["auto", "scroll"].includes(getComputedStyle(e).overflowX))
		.filter(e => e.tabIndex < 0 && !e.querySelector("a[href], button, input, select, textarea, [tabindex]"))
		.map(e => e.className + " " + (e.getAttribute("aria-labelledby") || ""))`))
	if len(unreachable) > 0 {
		t.Errorf("regions that scroll but cannot take the focus: %q", unreachable)
	}
	scrolls := get(b, "find the heat map's region", chromedp.Evaluate[[]string](`[...document.querySelectorAll("main .table-wrap")].map(e => e.getAttribute("tabindex") + " " + e.getAttribute("role"))`))
	for _, s := range scrolls {
		if s != "0 region" {
			t.Errorf("a table region on the dashboard is %q, want tabindex 0 and role region", s)
		}
	}
	b.screenshot("phone-dashboard")
}

// On a phone the list with its bulk bar and download, and a form's
// summary of problems, fit the width: only tables scroll sideways.
func TestAdminPageEverydayOnAPhone(t *testing.T) {
	b := newBrowser(t, 390, 844)
	phone(b)
	b.open("#/")
	b.signIn("alva", password)
	b.open("#/activities?status=PLANNED")
	b.summary("Visar 1–6 av 6")
	b.run("select a row", chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[aria-label=%q]`, "Markera "+otherActivity))))
	b.waitText("1 aktivitet markerad")
	wide := func() int {
		return get(b, "measure the page", chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
	}
	if w := wide(); w > 0 {
		t.Errorf("the list is %d px wider than the window", w)
	}
	b.screenshot("phone-activities")
	b.open("#/activities/new")
	b.click("Skapa aktivitet")
	b.waitText("2 fält behöver rättas")
	if w := wide(); w > 0 {
		t.Errorf("the form is %d px wider than the window", w)
	}
	b.screenshot("phone-form-errors")
}

// phone makes the page 390 px wide, as a phone's: a headless window is
// not made narrower than 500 px.
func phone(b *browser) {
	b.t.Helper()
	b.run("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	if w := get(b, "measure the window", chromedp.Evaluate[int](`window.innerWidth`)); w != 390 {
		b.t.Fatalf("the window is %d px wide, want 390", w)
	}
}
