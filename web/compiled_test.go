package web_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/server/servertest"
)

// Every query the admin page sends, as an anonymous visitor, an editor and
// an admin through its views, is answered by the read compiler with the
// same bytes (and status) as by the resolvers alone, over the same database.
// The page itself runs against a server with compiled reads on; what it
// sent is replayed afterwards to a compiled server and to the oracle. So
// that it cannot pass on nothing, the page must have sent at least 20
// distinct query documents, none answered with errors (but NOT_FOUND for
// the names of deleted records, which the page asks for partial answers),
// not every one may have fallen back to the resolvers, and every named
// query in the page's sources (web/admin/js, read by adminQueries) must
// have been sent: a query added to the page fails this test until the
// walk reaches it.
func TestAdminPageQueriesAnswerAlikeCompiled(t *testing.T) {
	rec := &recorder{}
	b := newBrowser(t, 1280, 900, compiledReads(), recording(rec))
	firstID, firstTitle := addActivities(b)
	p := newReplayer(b)
	rec.on.Store(true)

	// Anonymous, then an editor of Askersund.
	b.open("#/")
	b.settle()
	b.open("#/activities")
	b.settle()
	b.signIn("anna", password)
	b.settle()
	b.fill("Sök aktivitet", "kulturkvarteret")
	b.settle()
	b.click(askersundActivity)
	b.settle()
	b.click("Redigera")
	b.settle()
	b.open("#/followUps")
	b.settle()
	b.click("Ny uppföljning")
	b.settle()
	b.choose("Aktivitet", "kultur", askersundActivity) // among the activities of the editor's scope
	// The form reads the activity's status when one is chosen.
	b.settle()
	// Signing out ends the editor's session, and so the replay of what
	// was asked with it: replay it now.
	p.replay(rec.take())
	b.click("Logga ut")
	b.settle()

	// An admin: the plan from the top down to an activity and its forms.
	b.signIn("alva", password)
	b.settle()
	b.open("#/plans")
	b.settle()
	b.click("Handlingsplan för kultursamverkan region och kommuner")
	b.settle()
	b.click("Mål 1 – Barn och unga")
	b.settle()
	b.click("Utveckling av transporter till kultur")
	b.settle()
	b.click(firstTitle)
	b.settle()
	b.click("Redigera")
	b.settle()
	b.click("Avbryt")
	b.settle()
	b.click("Ta bort") // asks how much goes with it: counts of a list
	b.run("cancel the deletion", chromedp.Click(`//dialog//button[normalize-space()="Avbryt"]`), chromedp.WaitNotPresent(chromedp.CSS("dialog")))
	b.click("Ny uppföljning")
	b.settle()
	b.open("#/activities/" + firstID)
	b.settle()
	b.click("Mål 1 – Barn och unga")
	b.settle()
	b.click("Ny aktivitet")
	b.settle()

	// The activities: sorting both ways, the next page and back, a search,
	// and filters of each kind.
	b.open("#/activities")
	b.settle()
	b.sortBy("Status")
	b.sortBy("Status")
	b.click("Nästa →")
	b.settle()
	b.click("← Föregående")
	b.settle()
	b.fill("Sök aktivitet", "kultur")
	b.settle()
	b.setValue("Status", "PLANNED")
	b.settle()
	// Typing searches the goals by title, which meets a goal without
	// one (lower(NULL) on SQLite).
	b.choose("Mål", "barn", "Mål 1 – Barn och unga")
	b.settle()
	b.choose("Kommun", "nor", "Nora")
	b.settle()

	// The other lists, and a record of each.
	b.open("#/goals")
	b.settle()
	b.open("#/objectives")
	b.settle()
	b.sortBy("Aktiviteter")
	b.open("#/municipalities")
	b.settle()
	b.sortBy("Aktiviteter")
	b.click("Nora")
	b.settle()
	b.open("#/institutions")
	b.settle()
	b.setValue("Slag", "VENUE")
	b.settle()
	b.choose("Hemkommun", "öre", "Örebro")
	b.settle()
	b.click("Kulturkvarteret")
	b.settle()
	b.open("#/followUps")
	b.settle()
	b.setValue("Bedömning", "RED")
	b.settle()
	b.fill("Sök i uppföljningar", "uppföljning")
	b.settle()
	b.click("30 juni 2022")
	b.settle()
	b.open("#/dashboard")
	b.settle()
	b.setValue("År", "2021")
	b.waitView("#/dashboard?")
	b.settle()

	// The admin's own views: users, API keys, the change log.
	b.open("#/users")
	b.settle()
	b.setValue("Roll", "EDITOR")
	b.settle()
	b.fill("Sök användare", "anna")
	b.settle()
	b.click("Anna Berg")
	b.settle()
	b.open("#/tokens")
	b.settle()
	b.choose("Gäller användaren", "ann", "Anna Berg")
	b.fill("Sök namn eller användare", "alva")
	b.settle()
	b.open("#/audit")
	b.settle()
	b.click("Nästa →")
	b.settle()
	b.sortBy("Av")
	b.setValue("Slag av post", "Activity")
	b.settle()
	b.fill("Användarnamn", "alva")
	b.settle()
	b.setValue("Från och med", "2020-01-01")
	b.settle()

	// The rest of what the page asks, each where it asks it: a plan as it
	// stood, its next period and its yearly report, what is due, the
	// indicators' values, a list opened from an address with a filter and
	// a page, a follow-up's form, the dashboard's activities without
	// history, a list downloaded, a deletion in the change log and a
	// change taken back.
	var ids struct {
		Plans, FollowUps, Municipalities, Activities struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	token := b.token("alva")
	b.graphql(token, `{ plans(where: {name: "Handlingsplan för kultursamverkan region och kommuner"}) { edges { node { id } } }
		followUps(first: 1) { edges { node { id } } } municipalities(where: {name: "Nora"}) { edges { node { id } } }
		activities(where: {title: "Kulturinsats 50"}) { edges { node { id } } } }`, nil, &ids)
	plan := ids.Plans.Edges[0].Node.ID
	b.visit("#/plans/"+plan+"/asof?date=2024-06-01", "#/plans/"+plan+"/asof")
	b.open("#/plans/" + plan + "/next")
	b.settle()
	b.visit("#/plans/"+plan+"/report", "#/plans/"+plan+"/report")
	b.open("#/due")
	b.settle()
	b.open("#/values")
	b.settle()
	b.visit("#/activities?municipality="+ids.Municipalities.Edges[0].Node.ID+"&page=2", "#/activities")
	b.open("#/followUps/" + ids.FollowUps.Edges[0].Node.ID + "/edit")
	b.settle()
	b.open("#/dashboard")
	b.settle()
	b.run("show the activities without history", chromedp.Click(`//summary[normalize-space()="Visa dem"]`))
	b.settle()
	b.open("#/activities")
	b.settle()
	b.click("Ladda ner för Excel (CSV)")
	b.settle()
	b.graphql(token, `mutation($id: ID!) { deleteActivity(id: $id) }`, map[string]any{"id": ids.Activities.Edges[0].Node.ID}, nil)
	b.open("#/audit")
	b.settle()
	b.click("Ångra")
	b.run("take the change back", chromedp.Click(`//dialog//button[normalize-space()="Ångra ändringen"]`), chromedp.WaitNotPresent(chromedp.CSS("dialog")))
	b.settle()

	p.replay(rec.take())
	t.Logf("replayed %d distinct query requests (%d distinct documents) of the %d requests recorded; %d had root fields that fell back to the resolvers (%s), first because:%s",
		p.requests, len(p.documents), rec.total, p.fellBack, samverkan.ReadFallbacksHeader, p.reasons)
	if len(p.documents) < 20 {
		t.Errorf("the page sent %d distinct query documents, want at least 20: did it go through its views?", len(p.documents))
	}
	if p.fellBack == p.requests {
		t.Errorf("every query fell back to the resolvers: nothing compiled was compared")
	}
	// Every query the page's sources hold was sent, and so compared: a
	// query added to the page must be reached by the walk above.
	for _, name := range adminQueries(t) {
		if !p.operations[name] {
			t.Errorf("the page's query %s (web/admin/js) was never sent during the walk, so never compared: walk to where the page asks it", name)
		}
	}
}

// adminQueries returns the names of the query operations in the admin
// page's sources, read from web/admin/js itself rather than listed by hand.
func adminQueries(t *testing.T) []string {
	t.Helper()
	named := regexp.MustCompile(`\bquery\s+([A-Z]\w*)\s*[({]`)
	seen := map[string]bool{}
	err := fs.WalkDir(os.DirFS("admin/js"), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".js") {
			return err
		}
		src, err := fs.ReadFile(os.DirFS("admin/js"), path)
		for _, m := range named.FindAllSubmatch(src, -1) {
			seen[string(m[1])] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 20 {
		t.Fatalf("found %d named queries in web/admin/js, want at least 20: has the page stopped naming its queries?", len(seen))
	}
	return slices.Sorted(maps.Keys(seen))
}

// addActivities adds, through the API, 50 activities under one heading,
// so that the lists of activities and the change log have a second page,
// three follow-ups to the first and a change of it; it returns the first's
// id and title.
func addActivities(b *browser) (id, title string) {
	b.t.Helper()
	token := b.token("alva")
	var ids struct {
		Objectives struct {
			Edges []struct{ Node struct{ ID string } }
		}
		Municipalities struct {
			Edges []struct{ Node struct{ ID, Name string } }
		}
	}
	b.graphql(token, `{ objectives(where: {title: "Utveckling av transporter till kultur"}) { edges { node { id } } }
		municipalities(orderBy: {field: NAME}) { edges { node { id name } } } }`, nil, &ids)
	objective := ids.Objectives.Edges[0].Node.ID
	municipalities := ids.Municipalities.Edges
	statuses := []string{"PLANNED", "ONGOING", "DONE", "CANCELLED"}
	var first string
	for i := range 50 {
		input := map[string]any{
			"objectiveID":     objective,
			"title":           fmt.Sprintf("Kulturinsats %02d", i+1),
			"status":          statuses[i%len(statuses)],
			"firstYear":       2020 + i%4,
			"lastYear":        2023,
			"municipalityIDs": []string{municipalities[i%len(municipalities)].Node.ID, municipalities[(i*5)%len(municipalities)].Node.ID},
		}
		var created struct{ CreateActivity struct{ ID string } }
		b.graphql(token, `mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }`, map[string]any{"input": input}, &created)
		if i == 0 {
			first = created.CreateActivity.ID
		}
	}
	for i, f := range []struct{ date, assessment string }{{"2021-06-30", "GREEN"}, {"2021-12-31", "YELLOW"}, {"2022-06-30", "RED"}} {
		input := map[string]any{"activityID": first, "date": f.date + "T00:00:00Z", "assessment": f.assessment, "text": fmt.Sprintf("Uppföljning %d av kulturinsatsen.", i+1)}
		b.graphql(token, `mutation($input: CreateFollowUpInput!) { createFollowUp(input: $input) { id } }`, map[string]any{"input": input}, nil)
	}
	var nora string
	for _, m := range municipalities {
		if m.Node.Name == "Nora" {
			nora = m.Node.ID
		}
	}
	b.graphql(token, `mutation($id: ID!, $m: [ID!]) { updateActivity(id: $id, input: {status: ONGOING, addMunicipalityIDs: $m, version: 1}) { id } }`,
		map[string]any{"id": first, "m": []string{nora}}, nil)
	return first, "Kulturinsats 01"
}

// settle waits until the page has asked what the last step made it ask
// and shows the answers: searches wait 250 ms for the typing to stop, and
// a list is busy until it shows its answer.
func (b *browser) settle() {
	b.t.Helper()
	b.run("wait for the page to settle", chromedp.Sleep(400*time.Millisecond), chromedp.WaitNotPresent(chromedp.CSS(`[aria-busy]`)))
}

// visit goes to an address the page may rewrite as it shows it (a list's
// state, a report's year), and waits for the view at prefix to settle.
func (b *browser) visit(hash, prefix string) {
	b.t.Helper()
	b.run("open "+hash, chromedp.Navigate(b.base+"/admin/"+hash))
	b.waitView(prefix)
	b.settle()
}

// sortBy clicks the header of a list's column, and waits for the list.
func (b *browser) sortBy(column string) {
	b.t.Helper()
	b.run("sort by "+column, chromedp.Click(fmt.Sprintf(`//th/button[normalize-space()=%s]`, xq(column))))
	b.settle()
}

// compiledReads has the server answer queries with the read compiler.
func compiledReads() browserOption {
	return func(s *browserSetup) {
		s.opts = append(s.opts, servertest.GraphQL(graph.WithCompiledReads(s.db.Dialect)))
	}
}

// recording puts r in front of the server.
func recording(r *recorder) browserOption {
	return func(s *browserSetup) { s.wrap = r.wrap }
}

// recorder keeps, while on, a copy of every GraphQL request sent by POST:
// its body and its Authorization header.
type recorder struct {
	on    atomic.Bool
	mu    sync.Mutex
	kept  []recorded
	total int
}

type recorded struct {
	body          []byte
	authorization string
}

func (r *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.on.Load() && req.Method == http.MethodPost && req.URL.Path == "/graphql" {
			body, err := io.ReadAll(req.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			req.Body = io.NopCloser(bytes.NewReader(body))
			r.mu.Lock()
			r.kept = append(r.kept, recorded{body, req.Header.Get("Authorization")})
			r.total++
			r.mu.Unlock()
		}
		next.ServeHTTP(w, req)
	})
}

// take returns the requests kept since the last take.
func (r *recorder) take() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	kept := r.kept
	r.kept = nil
	return kept
}

// replayer serves the browser's database twice, with compiled reads and
// with the resolvers alone (the oracle), and sends recorded queries to both.
type replayer struct {
	t                   *testing.T
	compiled, resolvers string
	reasons             *fallbackReasons // why reads fell back
	seen                map[string]bool  // replayed: authorization and body
	documents           map[string]bool  // their query documents
	operations          map[string]bool  // the names of their operations
	requests, fellBack  int
}

func newReplayer(b *browser) *replayer {
	t := b.t
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The compiled server's log says which field fell back, and why.
	reasons := &fallbackReasons{counts: map[string]int{}}
	compiled := httptest.NewServer(servertest.Handler(b.client, b.db, slog.New(reasons), servertest.GraphQL(graph.WithCompiledReads(b.db.Dialect))))
	resolvers := httptest.NewServer(servertest.Handler(b.client, b.db, discard))
	t.Cleanup(func() {
		compiled.Close()
		resolvers.Close()
	})
	return &replayer{t: t, compiled: compiled.URL, resolvers: resolvers.URL, reasons: reasons, seen: map[string]bool{}, documents: map[string]bool{}, operations: map[string]bool{}}
}

// replay sends every query operation among the requests, once each, to
// both servers, and fails the test unless the answers are the same bytes
// with the same status, and free of errors.
func (p *replayer) replay(requests []recorded) {
	p.t.Helper()
	for _, r := range requests {
		var req struct {
			Query         string `json:"query"`
			OperationName string `json:"operationName"`
		}
		if err := json.Unmarshal(r.body, &req); err != nil {
			p.t.Errorf("the page sent a body that is not JSON: %s", r.body)
			continue
		}
		doc, err := parser.ParseQuery(&ast.Source{Input: req.Query})
		if err != nil {
			p.t.Errorf("the page sent a document that does not parse (%v): %s", err, req.Query)
			continue
		}
		op := doc.Operations.ForName(req.OperationName)
		key := r.authorization + "\n" + string(r.body)
		if op == nil || op.Operation != ast.Query || p.seen[key] {
			continue
		}
		p.seen[key] = true
		p.documents[req.Query] = true
		p.operations[op.Name] = true
		p.requests++

		wantStatus, want, _ := p.post(p.resolvers, r)
		gotStatus, got, fallbacks := p.post(p.compiled, r)
		if fallbacks != "" {
			p.fellBack++
		}
		if gotStatus != wantStatus || !bytes.Equal(got, want) {
			p.t.Errorf("the compiled answer differs from the resolvers'\n   query: %s\n    auth: %s\n compiled (%d): %s\nresolvers (%d): %s",
				r.body, r.authorization, gotStatus, clip(got), wantStatus, clip(want))
		}
		if bytes.Contains(want, []byte(`"errors"`)) && !lookupOfTheGone(want) {
			p.t.Errorf("answered with errors, so nothing was compared: %s\n%s", r.body, clip(want))
		}
	}
}

// lookupOfTheGone reports whether an answer's errors are all NOT_FOUND
// beside data: the page looks up, with partial answers, the names of
// records that may have been deleted since (the change log's), and shows
// the others.
func lookupOfTheGone(answer []byte) bool {
	var a struct {
		Data   json.RawMessage
		Errors []struct {
			Extensions struct{ Code string }
		}
	}
	if json.Unmarshal(answer, &a) != nil || len(a.Data) == 0 || string(a.Data) == "null" {
		return false
	}
	for _, e := range a.Errors {
		if e.Extensions.Code != "NOT_FOUND" {
			return false
		}
	}
	return true
}

// post sends the recorded request to the server at url, and returns the
// status, the body and the X-Read-Fallbacks header.
func (p *replayer) post(url string, r recorded) (int, []byte, string) {
	p.t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(r.body))
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if r.authorization != "" {
		req.Header.Set("Authorization", r.authorization)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return res.StatusCode, body, res.Header.Get(samverkan.ReadFallbacksHeader)
}

// fallbackReasons is a log handler that counts the reasons the request
// log lines give for reads that fell back (read_fallback: the first root
// field of the request that did, and why).
type fallbackReasons struct {
	mu     sync.Mutex
	counts map[string]int
}

func (f *fallbackReasons) Enabled(context.Context, slog.Level) bool { return true }
func (f *fallbackReasons) WithAttrs([]slog.Attr) slog.Handler       { return f }
func (f *fallbackReasons) WithGroup(string) slog.Handler            { return f }

func (f *fallbackReasons) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "read_fallback" {
			f.mu.Lock()
			f.counts[a.Value.String()]++
			f.mu.Unlock()
		}
		return true
	})
	return nil
}

// String lists the reasons, the most frequent first.
func (f *fallbackReasons) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	reasons := slices.Collect(maps.Keys(f.counts))
	slices.SortFunc(reasons, func(a, b string) int { return cmp.Or(f.counts[b]-f.counts[a], strings.Compare(a, b)) })
	var s strings.Builder
	for _, r := range reasons {
		fmt.Fprintf(&s, "\n%4d× %s", f.counts[r], r)
	}
	return s.String()
}

func clip(b []byte) string {
	if len(b) > 4000 {
		return string(b[:4000]) + "…"
	}
	return string(b)
}
