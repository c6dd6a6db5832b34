package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/municipality"
	_ "github.com/samverkan/samverkan/ent/runtime"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/kolada"
	"github.com/samverkan/samverkan/live"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/server"
	"github.com/samverkan/samverkan/server/servertest"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// browser is a headless Chromium on a page of a real server over a real
// database (see storagetest) with the Örebro plan and three users, one of
// each role (see users).
type browser struct {
	t      *testing.T
	ctx    context.Context
	base   string
	server *httptest.Server
	// The database the server serves, for tests that serve it again.
	db     *storage.DB
	client *ent.Client
	// The server's live updates, when the test asked for them (liveUpdates).
	hub *live.Hub
	*problems
}

// password is every test user's password.
const password = "lösenord-för-test"

// The test users: an admin, an editor of Askersund's activities, a viewer.
var users = []struct {
	username, displayName string
	role                  auth.Role
	municipalities        []string
}{
	{"alva", "Alva Admin", auth.RoleAdmin, nil},
	{"anna", "Anna Berg", auth.RoleEditor, []string{"Askersund"}},
	{"ville", "Ville Läsare", auth.RoleViewer, nil},
}

// browserOption changes the server a browser test runs against.
type browserOption func(*browserSetup)

// browserSetup is what browser options change: the server's options, and
// a handler around the server (wrap, when set), over the test's database.
type browserSetup struct {
	db     *storage.DB
	client *ent.Client
	opts   []servertest.Option
	wrap   func(http.Handler) http.Handler
	hub    *live.Hub
}

// privateReads makes the server require a token for reading too.
func privateReads() browserOption {
	return func(s *browserSetup) { s.opts = append(s.opts, servertest.Server(server.WithPrivateReads(true))) }
}

// liveUpdates gives the server live updates, as samverkan serve has them.
func liveUpdates() browserOption {
	return func(s *browserSetup) {
		s.hub = live.New(s.client, slog.New(slog.NewTextHandler(io.Discard, nil)))
		s.opts = append(s.opts, servertest.Live(s.hub))
	}
}

// koladaAt makes the server's fetchKolada ask the Kolada API at url (a
// stand-in, see kolada/koladatest).
func koladaAt(t *testing.T, url string) browserOption {
	c, err := kolada.New(url)
	if err != nil {
		t.Fatal(err)
	}
	return func(s *browserSetup) { s.opts = append(s.opts, servertest.GraphQL(graph.WithKolada(c))) }
}

// addUsers creates the test users directly in the database.
func addUsers(t *testing.T, client *ent.Client) {
	t.Helper()
	ctx := context.Background()
	for _, u := range users {
		input := ent.CreateUserInput{Username: u.username, DisplayName: u.displayName, Role: &u.role}
		for _, name := range u.municipalities {
			id, err := client.Municipality.Query().Where(municipality.Name(name)).OnlyID(ctx)
			if err != nil {
				t.Fatalf("find %s: %v", name, err)
			}
			input.MunicipalityIDs = append(input.MunicipalityIDs, id)
		}
		if _, err := accounts.AddUser(ctx, client, input, password); err != nil {
			t.Fatalf("add user %s: %v", u.username, err)
		}
	}
}

// problems are what the page did wrong on its own: uncaught exceptions,
// console errors, alerts.
type problems struct {
	mu       sync.Mutex
	list     []string
	confirms []string // the questions confirm() asked, all answered yes
	expected []string // parts of problems a test causes on purpose
}

// expect marks problems containing text as caused by the test.
func (p *problems) expect(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expected = append(p.expected, text)
}

// in returns the browser for a subtest, so that a failing step fails the
// subtest it belongs to.
func (b *browser) in(t *testing.T) *browser {
	c := *b
	c.t = t
	return &c
}

// chromium finds the browser; without it the tests say how to install it,
// and in CI (where .ci/run installs it) they fail instead of skipping.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	const how = "the browser tests need Chromium: apt-get install -y chromium (Debian) or put chromium on PATH"
	if os.Getenv("CI") != "" {
		t.Fatal(how + "; CI requires them")
	}
	t.Skip(how)
	return ""
}

func newBrowser(t *testing.T, width, height int, options ...browserOption) *browser {
	t.Helper()
	path := chromium(t)

	db := storagetest.Open(t)
	client := db.Client()
	if err := seed.LoadOrebro(context.Background(), client); err != nil {
		t.Fatal(err)
	}
	addUsers(t, client)
	setup := browserSetup{db: db, client: client}
	for _, o := range options {
		o(&setup)
	}
	var handler http.Handler = servertest.Handler(client, db, slog.New(slog.NewTextHandler(io.Discard, nil)), setup.opts...)
	if setup.wrap != nil {
		handler = setup.wrap(handler)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(func() {
		if setup.hub != nil {
			setup.hub.Close() // ends the page's streams, which the server would wait for
		}
		srv.Close()
		client.Close()
	})

	chromeOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.WindowSize(width, height),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "sv-SE"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromeOpts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	b := &browser{t: t, ctx: ctx, base: srv.URL, server: srv, db: db, client: client, hub: setup.hub, problems: &problems{}}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	b.watch()
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
	problems:
		for _, p := range b.list {
			for _, e := range b.expected {
				if strings.Contains(p, e) {
					continue problems
				}
			}
			t.Errorf("the page had a problem: %s", p)
		}
	})
	return b
}

// tab opens another tab of the same browser, as a user does: it shares
// the first tab's session (localStorage) and its list of problems.
func (b *browser) tab() *browser {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("open a tab: %v", err)
	}
	c := *b
	c.ctx = ctx
	c.watch()
	return &c
}

// watch notes what the page of the browser's tab does wrong on its own,
// and answers its confirm() questions.
func (b *browser) watch() {
	ctx := b.ctx
	// Exceptions and console errors are problems of the page.
	console := chromedp.Console(ctx)
	go func() {
		for msg, err := range console {
			if err != nil {
				return
			}
			if msg.Type == chromedp.ConsoleError || msg.Type == chromedp.ConsoleException {
				b.problem(string(msg.Type) + ": " + msg.Text)
			}
		}
	}()
	// A confirm() is the page asking about unsaved changes: the test
	// answers yes. An alert() would be injected script.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			if ev.Type != page.DialogTypeConfirm {
				b.problem("unexpected " + string(ev.Type) + ": " + ev.Message)
			} else {
				b.mu.Lock()
				b.confirms = append(b.confirms, ev.Message)
				b.mu.Unlock()
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
}

func (p *problems) problem(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list = append(p.list, text)
}

// stepTimeout bounds every step, so a page that never shows what a test
// waits for fails that step, with a screenshot, instead of the whole run.
const stepTimeout = 15 * time.Second

// run performs steps and fails the test, with a screenshot, if one fails.
func (b *browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(what, err)
	}
}

// get runs an action that returns a value, failing the test if it fails.
func get[T any](b *browser, what string, action chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.fail(what, err)
	}
	return v
}

func (b *browser) fail(what string, err error) {
	b.t.Helper()
	path := b.screenshot("failure-" + strings.ReplaceAll(b.t.Name(), "/", "-"))
	banner, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.getElementById("banner").textContent`))
	b.t.Fatalf("%s: %v (screenshot: %s; banner: %q)", what, err, path, banner)
}

// text of the first element matching an XPath, once it is visible.
func (b *browser) text(xpath string) string {
	b.t.Helper()
	b.run("wait for "+xpath, chromedp.WaitVisible(xpath))
	return strings.TrimSpace(get(b, "read "+xpath, chromedp.Text(xpath)))
}

// open goes to a page of the admin, e.g. "#/activities".
func (b *browser) open(hash string) {
	b.t.Helper()
	b.run("open "+hash, chromedp.Navigate(b.base+"/admin/"+hash), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`main[data-view=%q]:not([aria-busy])`, hash))))
}

// heading waits until the page's heading reads want, and fails the test
// if it does not: a save or a deletion shows its result after the click
// returns, so reading the heading at once could see the page before.
func (b *browser) heading(want string) {
	b.t.Helper()
	b.run("wait for the heading "+want, chromedp.WaitVisible(fmt.Sprintf(`//h1[normalize-space()=%s]`, xq(want))))
}

// waitView waits until the page shows an address starting with prefix.
func (b *browser) waitView(prefix string) {
	b.t.Helper()
	b.run("wait for the view "+prefix, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`main[data-view^=%q]:not([aria-busy])`, prefix))))
}

// click a link or button by its text.
func (b *browser) click(text string) {
	b.t.Helper()
	xpath := fmt.Sprintf(`//*[self::a or self::button][normalize-space()=%s]`, xq(text))
	// A view drawn again (after signing in, or as a report arrives) can
	// replace the node between finding and clicking it: then the click is
	// tried again on the new one.
	for try := 0; ; try++ {
		ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
		err := chromedp.Do(ctx, chromedp.WaitNotPresent(chromedp.CSS(`main[aria-busy]`)), chromedp.WaitVisible(xpath), chromedp.Click(xpath))
		cancel()
		if err != nil && try < 3 && strings.Contains(err.Error(), "Could not find node") {
			continue
		}
		if err != nil {
			b.fail("click "+text, err)
		}
		break
	}
	b.run("click "+text, chromedp.Sleep(50*time.Millisecond), chromedp.WaitNotPresent(chromedp.CSS(`main[aria-busy]`)))
}

// fieldID finds the id of the control a label names.
func (b *browser) fieldID(label string) string {
	b.t.Helper()
	return get(b, "find the field "+label, chromedp.Poll[string](fmt.Sprintf(`(() => { const l = [...document.querySelectorAll("label")].find(l => l.textContent.replace(/\s*\*$/, "").trim() === %s); return l ? l.htmlFor : null })()`, jsq(label))))
}

// fill types into the field a label names, after emptying it.
func (b *browser) fill(label, value string) {
	b.t.Helper()
	id := b.fieldID(label)
	get(b, "empty "+label, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const e = document.getElementById(%s); e.focus(); e.select(); })()`, jsq(id))))
	b.run("fill "+label, chromedp.SendKeys(chromedp.CSS("#"+id), kb.Backspace+value))
}

// setValue sets a field the way a date picker does, with an input event.
func (b *browser) setValue(label, value string) {
	b.t.Helper()
	id := b.fieldID(label)
	get(b, "set "+label, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const e = document.getElementById(%s); e.value = %s; e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); })()`, jsq(id), jsq(value))))
}

// choose types into a searchable select and picks the option that shows.
func (b *browser) choose(label, search, option string) {
	b.t.Helper()
	sel := chromedp.CSS("#" + b.fieldID(label))
	xpath := fmt.Sprintf(`//li[@role="option"][.//span[normalize-space()=%s]]`, xq(option))
	b.run("choose "+option+" in "+label, chromedp.Click(sel), chromedp.SendKeys(sel, search), chromedp.WaitVisible(xpath), chromedp.Click(xpath))
}

// waitText waits until an element with the text is visible.
func (b *browser) waitText(text string) {
	b.t.Helper()
	b.run("wait for "+text, chromedp.WaitVisible(fmt.Sprintf(`//*[normalize-space(text())=%s]`, xq(text))))
}

var shotDir = sync.OnceValue(func() string {
	dir := os.Getenv("SAMVERKAN_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "samverkan-screenshots")
	}
	_ = os.MkdirAll(dir, 0o755)
	return dir
})

// screenshot saves the window as PNG in the screenshot folder.
func (b *browser) screenshot(name string) string {
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return "(none: " + err.Error() + ")"
	}
	path := filepath.Join(shotDir(), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return "(none: " + err.Error() + ")"
	}
	b.t.Logf("screenshot: %s", path)
	return path
}

// signIn signs in through the page: the header's "Logga in", then the
// form, and waits until the header names the user.
func (b *browser) signIn(username, pw string) {
	b.t.Helper()
	// The header's own button, once it says so: just after signing out, the
	// header may still show "Logga ut" for a moment.
	signIn := `//div[@id="account"]//button[normalize-space()="Logga in"]`
	b.run("open the sign-in form", chromedp.WaitVisible(signIn), chromedp.Click(signIn))
	b.signInDialog(username, pw)
	b.run("wait until "+username+" is signed in", chromedp.WaitVisible(chromedp.CSS(`#account .who`)))
}

// signInDialog fills in and sends the sign-in form that is open.
func (b *browser) signInDialog(username, pw string) {
	b.t.Helper()
	b.run("open the sign-in form", chromedp.WaitVisible(chromedp.CSS(`dialog.signin input[name="username"]`)))
	get(b, "empty the sign-in form", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("dialog.signin input").forEach(e => e.value = "")`))
	b.run("sign in as "+username,
		chromedp.SendKeys(chromedp.CSS(`dialog.signin input[name="username"]`), username),
		chromedp.SendKeys(chromedp.CSS(`dialog.signin input[name="password"]`), pw),
		chromedp.Click(chromedp.CSS(`dialog.signin button[type="submit"]`)),
	)
	if pw == password {
		b.run("wait for the sign-in form to close", chromedp.WaitNotPresent(chromedp.CSS(`dialog.signin`)))
	}
}

// who is what the header says of who is signed in, or "" when nobody is.
func (b *browser) who() string {
	b.t.Helper()
	return strings.Join(strings.Fields(get(b, "read who is signed in", chromedp.Evaluate[string](`document.querySelector("#account .who")?.textContent || ""`))), " ")
}

// token signs the user in over HTTP, as another client would, and returns
// the session token.
func (b *browser) token(username string) string {
	b.t.Helper()
	var data struct {
		Login struct{ Token string }
	}
	b.graphql("", `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, map[string]any{"u": username, "p": password}, &data)
	return data.Login.Token
}

// graphql sends a request to the server with the token (if any) and
// decodes its data into out, failing the test on any error.
func (b *browser) graphql(token, query string, vars map[string]any, out any) {
	b.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, b.base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var reply struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(res.Body).Decode(&reply); err != nil {
		b.t.Fatalf("decode the reply to %s: %v", query, err)
	}
	if len(reply.Errors) > 0 {
		b.t.Fatalf("%s: %s", query, reply.Errors[0].Message)
	}
	if out != nil {
		if err := json.Unmarshal(reply.Data, out); err != nil {
			b.t.Fatal(err)
		}
	}
}

// xq quotes a string for XPath.
func xq(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return `'` + s + `'`
}

// jsq quotes a string for JavaScript.
func jsq(s string) string {
	return fmt.Sprintf("%q", s)
}
