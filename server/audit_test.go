package server_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/server/servertest"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// auditEntry is an entry of the trail as a client reads it.
type auditEntry struct {
	At         time.Time
	Action     string
	ObjectType string
	ObjectID   string
	ActorName  string
	RequestID  string
	Actor      *struct{ Username string }
	Changes    []struct {
		Field          string
		Old, New       any
		Added, Removed []string
	}
}

// trail reads the audit trail, oldest first, filtered by where.
func (s *testServer) trail(where map[string]any) []auditEntry {
	s.t.Helper()
	var data struct {
		AuditEntries struct {
			Edges []struct{ Node auditEntry }
		}
	}
	s.must(`query($where: AuditEntryWhereInput) { auditEntries(first: 100, where: $where, orderBy: {field: AT}) { edges { node {
		at action objectType objectID actorName requestID actor { username }
		changes { field old new added removed } } } } }`, map[string]any{"where": where}, &data)
	var out []auditEntry
	for _, e := range data.AuditEntries.Edges {
		out = append(out, e.Node)
	}
	return out
}

// change returns the entry's change of the field, or fails.
func (e auditEntry) change(t *testing.T, field string) (old, new any, added, removed []string) {
	t.Helper()
	for _, c := range e.Changes {
		if c.Field == field {
			return c.Old, c.New, c.Added, c.Removed
		}
	}
	t.Fatalf("%s of %s %s changed no %s: %+v", e.Action, e.ObjectType, e.ObjectID, field, e.Changes)
	return nil, nil, nil, nil
}

// After a series of edits by two users, the trail says who changed what,
// when, from what to what, in order; filters by object, user and time find
// the entries; failed and refused changes left nothing.
func TestAuditTrailRecordsEveryChange(t *testing.T) {
	s := newTestServer(t)
	orebro := s.idOf("municipalities", `{code: "1880"}`)
	laxa := s.idOf("municipalities", `{code: "1860"}`)
	heading := s.idOf("objectives", `{title: "Ökad samverkan mellan kommuner, institutioner"}`)
	editor := accountstest.Session(t, s.client, accountstest.User(t, s.client, "eva", auth.RoleEditor, []int{mustAtoi(t, orebro), mustAtoi(t, laxa)}, nil))
	start := time.Now().Add(-time.Second)

	id := s.create(`mutation($h: ID!, $m: ID!) { createActivity(input: {objectiveID: $h, title: "Läsfrämjande", firstYear: 2021, municipalityIDs: [$m]}) { id } }`,
		map[string]any{"h": heading, "m": orebro})
	s.as(editor).must(`mutation($id: ID!, $laxa: ID!) { updateActivity(id: $id, input: {status: ONGOING, lead: "Biblioteket", addMunicipalityIDs: [$laxa]}) { id } }`,
		map[string]any{"id": id, "laxa": laxa}, nil)
	// Refused and failed changes leave no trace.
	s.as("").wantError(`mutation($id: ID!) { updateActivity(id: $id, input: {title: "Kapad"}) { id } }`, map[string]any{"id": id}, "UNAUTHENTICATED", "")
	s.wantError(`mutation($id: ID!) { updateActivity(id: $id, input: {lastYear: 2019}) { id } }`, map[string]any{"id": id}, "VALIDATION", "lastYear")
	s.must(`mutation($id: ID!, $m: ID!) { updateActivity(id: $id, input: {title: "Läsfrämjande i skolan", removeMunicipalityIDs: [$m], clearLead: true}) { id } }`,
		map[string]any{"id": id, "m": orebro}, nil)
	s.must(`mutation($id: ID!) { deleteActivity(id: $id) }`, map[string]any{"id": id}, nil)

	entries := s.trail(map[string]any{"objectID": id})
	if len(entries) != 4 {
		t.Fatalf("%d entries for the activity, want 4 (create, two updates, delete): %+v", len(entries), entries)
	}
	created, edited, renamed, deleted := entries[0], entries[1], entries[2], entries[3]
	for i, want := range []struct{ action, actor string }{{"CREATE", "admin"}, {"UPDATE", "eva"}, {"UPDATE", "admin"}, {"DELETE", "admin"}} {
		e := entries[i]
		if e.Action != want.action || e.ActorName != want.actor || e.ObjectType != "Activity" || e.ObjectID != id {
			t.Errorf("entry %d = %s %s %s by %s; want %s Activity %s by %s", i, e.Action, e.ObjectType, e.ObjectID, e.ActorName, want.action, id, want.actor)
		}
		if e.Actor == nil || e.Actor.Username != want.actor || e.RequestID == "" || e.At.Before(start) {
			t.Errorf("entry %d: actor %+v, request %q, at %s", i, e.Actor, e.RequestID, e.At)
		}
	}
	if _, title, _, _ := created.change(t, "title"); title != "Läsfrämjande" {
		t.Errorf("created with title %v", title)
	}
	if _, _, added, _ := created.change(t, "municipalities"); len(added) != 1 || added[0] != orebro {
		t.Errorf("created linked to %v, want Örebro %s", added, orebro)
	}
	if old, new, _, _ := edited.change(t, "status"); old != "PLANNED" || new != "ONGOING" {
		t.Errorf("status %v → %v, want PLANNED → ONGOING", old, new)
	}
	if old, new, _, _ := edited.change(t, "lead"); old != "" || new != "Biblioteket" {
		t.Errorf("lead %q → %q", old, new)
	}
	if _, _, added, _ := edited.change(t, "municipalities"); len(added) != 1 || added[0] != laxa {
		t.Errorf("the editor linked %v, want Laxå %s", added, laxa)
	}
	if old, new, _, _ := renamed.change(t, "title"); old != "Läsfrämjande" || new != "Läsfrämjande i skolan" {
		t.Errorf("title %v → %v", old, new)
	}
	if old, new, _, _ := renamed.change(t, "lead"); old != "Biblioteket" || new != nil {
		t.Errorf("cleared lead %v → %v, want Biblioteket → null", old, new)
	}
	if _, _, _, removed := renamed.change(t, "municipalities"); len(removed) != 1 || removed[0] != orebro {
		t.Errorf("unlinked %v, want Örebro", removed)
	}
	if old, _, _, _ := deleted.change(t, "title"); old != "Läsfrämjande i skolan" {
		t.Errorf("deleted with title %v", old)
	}
	if old, _, _, _ := deleted.change(t, "status"); old != "ONGOING" {
		t.Errorf("deleted with status %v", old)
	}

	t.Run("FilterByUserAndTime", func(t *testing.T) {
		s := s.withT(t)
		byEva := s.trail(map[string]any{"hasActorWith": []any{map[string]any{"username": "eva"}}})
		if len(byEva) != 1 || byEva[0].ObjectID != id {
			t.Errorf("eva's entries = %+v, want the one update", byEva)
		}
		if got := s.trail(map[string]any{"actorName": "eva", "atGTE": time.Now().Add(time.Hour)}); len(got) != 0 {
			t.Errorf("eva's entries from an hour ahead = %d, want none", len(got))
		}
	})
	t.Run("PasswordsAreHidden", func(t *testing.T) {
		s := s.withT(t)
		s.must(`mutation { createUser(input: {username: "fredrik", displayName: "Fredrik"}, password: "hemligt lösenord") { id } }`, nil, nil)
		users := s.trail(map[string]any{"objectType": "User"})
		last := users[len(users)-1]
		if _, pw, _, _ := last.change(t, "password"); pw != "(hidden)" {
			t.Errorf("the password is recorded as %v", pw)
		}
		for _, c := range last.Changes {
			if strings.Contains(c.Field, "hash") || strings.Contains(strings.ToLower(anyString(c.New)), "$2") {
				t.Errorf("the trail shows a hash: %+v", c)
			}
		}
	})
}

func anyString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

// Of two admins updating the same activity from the same version at once,
// exactly one wins; the other gets CONFLICT, and the trail has one entry.
func TestConcurrentUpdatesOneWins(t *testing.T) {
	s := newTestServer(t)
	other := accountstest.Session(t, s.client, accountstest.User(t, s.client, "andra", auth.RoleAdmin, nil, nil))
	id := s.idOf("activities", `{titleContains: "skolchefer"}`)
	var codes []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, token := range []string{s.token, other} {
		wg.Go(func() {
			r := s.as(token).post(`mutation($id: ID!, $lead: String!) { updateActivity(id: $id, input: {version: 1, lead: $lead}) { version } }`,
				map[string]any{"id": id, "lead": []string{"Först", "Andra"}[i]})
			mu.Lock()
			defer mu.Unlock()
			if len(r.Errors) > 0 {
				codes = append(codes, r.Errors[0].Extensions.Code)
			} else {
				codes = append(codes, "OK")
			}
		})
	}
	wg.Wait()
	if !(len(codes) == 2 && ((codes[0] == "OK" && codes[1] == "CONFLICT") || (codes[0] == "CONFLICT" && codes[1] == "OK"))) {
		t.Fatalf("answers = %v, want one OK and one CONFLICT", codes)
	}
	if n := len(s.trail(map[string]any{"objectID": id})); n != 1 {
		t.Errorf("%d audit entries, want the winner's one", n)
	}
}

// The log names who made a request, never the token it came with or the
// password of a sign-in.
func TestTokensNeverReachTheLog(t *testing.T) {
	db := storagetest.Open(t)
	client := db.Client()
	t.Cleanup(func() { client.Close() })
	if err := seed.LoadOrebro(context.Background(), client); err != nil {
		t.Fatal(err)
	}
	accountstest.User(t, client, "gunilla", auth.RoleAdmin, nil, nil)
	var buf syncBuffer
	srv := httptest.NewServer(servertest.Handler(client, db, slog.New(slog.NewTextHandler(&buf, nil))))
	t.Cleanup(srv.Close)
	s := &testServer{t: t, URL: srv.URL, db: db, client: client}
	token := s.signIn("gunilla", accountstest.Password)
	s.as(token).must(`{ me { username } }`, nil, nil)
	s.as(token).wantError(`mutation($id: ID!) { updatePlan(id: $id, input: {name: ""}) { id } }`,
		map[string]any{"id": s.idOf("plans", `{region: "Region Örebro län"}`)}, "VALIDATION", "name")
	_, secret, _ := strings.Cut(strings.TrimPrefix(token, "svk_"), "_")
	log := buf.String()
	if strings.Contains(log, secret) || strings.Contains(log, accountstest.Password) {
		t.Errorf("the log shows a token or a password:\n%s", log)
	}
	if !strings.Contains(log, "user=gunilla") {
		t.Errorf("the log does not name the user:\n%s", log)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A change's old and new values (the scalar Any) are written as the rest
// of the response is, by encoding/json, and without the line break that
// gqlgen's own encoder ends each value with.
func TestAuditValuesAreWrittenWithoutLineBreaks(t *testing.T) {
	s := newTestServer(t)
	heading := s.idOf("objectives", `{title: "Ökad samverkan mellan kommuner, institutioner"}`)
	id := s.create(`mutation($h: ID!) { createActivity(input: {objectiveID: $h, title: "Läsfrämjande", firstYear: 2021}) { id } }`,
		map[string]any{"h": heading})
	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {title: "Läs <och> skriv & \"tala\""}) { id } }`, map[string]any{"id": id}, nil)
	r := s.post(`query($id: ID!) { auditEntries(first: 10, where: {objectID: $id}) { edges { node { changes { field old new } } } } }`,
		map[string]any{"id": id})
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if bytes.ContainsAny(r.Data, "\n\r") {
		t.Errorf("the values hold line breaks: %s", r.Data)
	}
	if want := `"old":"Läsfrämjande","new":"Läs \u003coch\u003e skriv \u0026 \"tala\""`; !bytes.Contains(r.Data, []byte(want)) {
		t.Errorf("the change of title is not written as %s: %s", want, r.Data)
	}
}

// Edits of one activity that give no version, sent at once, each see the
// activity as the edit before it left it: in the trail, every entry's old
// value is the previous entry's new one. On PostgreSQL the stored record
// the hooks read is locked until the change commits; read without the
// lock, an edit that waited for another's saw the record from before it,
// and the trail said "PLANNED → DONE" of an activity that was ONGOING.
func TestConcurrentEditsWithoutVersionChainInTheTrail(t *testing.T) {
	s := newTestServer(t)
	id := s.idOf("activities", `{titleContains: "skolchefer"}`)
	editLeadAtOnce(t, []*testServer{s}, id, 8, 6)
}

// editLeadAtOnce has editors edit the lead of activity id, edits times
// each, all at once and without a version, through the servers in turn;
// then it checks that the trail chains: every entry's old lead is the new
// lead of the entry before it, and the last entry's is the activity's.
func editLeadAtOnce(t *testing.T, servers []*testServer, id string, editors, edits int) {
	t.Helper()
	fns := make([]func(), editors)
	for e := range fns {
		fns[e] = func() {
			for k := range edits {
				servers[e%len(servers)].must(`mutation($id: ID!, $lead: String!) { updateActivity(id: $id, input: {lead: $lead}) { id } }`,
					map[string]any{"id": id, "lead": fmt.Sprintf("Redaktör %d, ändring %d", e, k)}, nil)
			}
		}
	}
	atOnce(fns...)
	s := servers[0]
	var data struct {
		AuditEntries struct {
			Edges []struct{ Node auditEntry }
		}
	}
	// In the order the entries were written: while the activity's row
	// was locked by the change each records.
	s.must(`query($id: ID!) { auditEntries(first: 100, where: {objectID: $id, action: UPDATE}) { edges { node {
		action objectType objectID changes { field old new added removed } } } } }`, map[string]any{"id": id}, &data)
	if n := len(data.AuditEntries.Edges); n != editors*edits {
		t.Fatalf("%d entries, want %d", n, editors*edits)
	}
	var before any
	for i, edge := range data.AuditEntries.Edges {
		old, new, _, _ := edge.Node.change(t, "lead")
		if i > 0 && old != before {
			t.Errorf("entry %d: lead %q → %q, but the entry before left it %q", i, old, new, before)
		}
		before = new
	}
	var now struct{ Node struct{ Lead string } }
	s.must(`query($id: ID!) { node(id: $id) { ... on Activity { lead } } }`, map[string]any{"id": id}, &now)
	if now.Node.Lead != before {
		t.Errorf("the activity's lead is %q, the trail's last entry says %q", now.Node.Lead, before)
	}
}

// An edit and a deletion of one activity at once: when both are made,
// the deletion's entry keeps the edit's value, so that restoring the
// activity brings back what it was when deleted. (On PostgreSQL the
// deletion read the values before the edit committed, and kept the older
// ones, until it read them locked.)
func TestAnEditThenADeletionAtOnceKeepTheEdit(t *testing.T) {
	s := newTestServer(t)
	heading := s.idOf("objectives", `{title: "Ökad samverkan mellan kommuner, institutioner"}`)
	both := 0
	for round := range 20 {
		id := s.create(`mutation($h: ID!) { createActivity(input: {objectiveID: $h, title: "Läsfrämjande", lead: "Förr", firstYear: 2021}) { id } }`,
			map[string]any{"h": heading})
		answers := make([]gqlResponse, 2)
		atOnce(
			func() {
				answers[0] = s.post(`mutation($id: ID!) { updateActivity(id: $id, input: {lead: "Nu"}) { id } }`, map[string]any{"id": id})
			},
			func() {
				answers[1] = s.post(`mutation($id: ID!) { deleteActivity(id: $id) }`, map[string]any{"id": id})
			},
		)
		if len(answers[1].Errors) > 0 {
			t.Fatalf("round %d: the deletion failed: %v", round, answers[1].Errors)
		}
		if len(answers[0].Errors) > 0 {
			if code := answers[0].Errors[0].Extensions.Code; code != "NOT_FOUND" {
				t.Fatalf("round %d: the edit after the deletion: %s %q, want NOT_FOUND", round, code, answers[0].Errors[0].Message)
			}
			continue
		}
		both++
		var deleted *auditEntry
		for _, e := range s.trail(map[string]any{"objectID": id}) {
			if e.Action == "DELETE" {
				deleted = &e
			}
		}
		if deleted == nil {
			t.Fatalf("round %d: no entry for the deletion", round)
		}
		if old, _, _, _ := deleted.change(t, "lead"); old != "Nu" {
			t.Errorf("round %d: the deletion kept the lead %q, want the edit's %q", round, old, "Nu")
		}
	}
	t.Logf("both made in %d of 20 rounds", both)
}
