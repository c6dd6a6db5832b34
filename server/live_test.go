package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/live"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/server"
	"github.com/samverkan/samverkan/server/servertest"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// newLiveServer is a test server with live updates, over db (a new
// database with the Örebro plan and an admin when db is nil), wired as
// serve wires it: on PostgreSQL it hears the other servers on db, their
// changes and their changes of tokens and users.
func newLiveServer(t *testing.T, db *storage.DB, hubOpts []live.Option, opts ...servertest.Option) (*testServer, *live.Hub) {
	t.Helper()
	fresh := db == nil
	if fresh {
		db = storagetest.Open(t)
	}
	client := db.Client()
	if fresh {
		if err := seed.LoadOrebro(context.Background(), client); err != nil {
			t.Fatal(err)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := live.New(client, log, hubOpts...)
	if db.Dialect == "postgres" {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		if err := hub.Listen(ctx, db.DB, db.DSN); err != nil {
			t.Fatal(err)
		}
	}
	opts = append([]servertest.Option{servertest.GraphQL(graph.WithCompiledReads(db.Dialect)), servertest.Live(hub)}, opts...)
	srv := httptest.NewServer(servertest.Handler(client, db, log, opts...))
	t.Cleanup(func() {
		hub.Close()
		srv.Close()
		client.Close()
	})
	s := &testServer{t: t, URL: srv.URL, db: db, client: client, queries: new(atomic.Int64)}
	if fresh {
		s.token = accountstest.Admin(t, client)
	}
	return s, hub
}

// stream is a subscription as a client reads it: server-sent events.
type stream struct {
	t      *testing.T
	status int
	events chan sseEvent
	cancel context.CancelFunc
}

type sseEvent struct {
	name string
	data gqlResponse
}

// subscribe starts a subscription with the token (none when "") and reads
// its events as they come.
func (s *testServer) subscribe(token, query string, vars map[string]any) *stream {
	s.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		s.t.Fatal(err)
	}
	st := &stream{t: s.t, status: res.StatusCode, events: make(chan sseEvent, 100), cancel: cancel}
	s.t.Cleanup(cancel)
	go func() {
		defer res.Body.Close()
		defer close(st.events)
		r := bufio.NewReader(res.Body)
		name := ""
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
				if name == "complete" {
					st.events <- sseEvent{name: name}
				}
			case strings.HasPrefix(line, "data: "):
				var d gqlResponse
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &d); err != nil {
					d.Errors = []gqlError{{Message: "not JSON: " + line}}
				}
				st.events <- sseEvent{name: name, data: d}
			}
		}
	}()
	return st
}

// next waits for the stream's next event ("" and the zero data when none
// came within a few seconds, or the stream ended).
func (st *stream) next() sseEvent {
	st.t.Helper()
	select {
	case e := <-st.events:
		return e
	case <-time.After(10 * time.Second):
		return sseEvent{name: "(none within 10 s)"}
	}
}

// change is the next change the stream delivers, or fails.
func (st *stream) change() liveChange {
	st.t.Helper()
	e := st.next()
	if e.name != "next" || len(e.data.Errors) > 0 {
		st.t.Fatalf("want a change, got event %q %+v", e.name, e.data.Errors)
	}
	var d struct{ Changes liveChange }
	if err := json.Unmarshal(e.data.Data, &d); err != nil {
		st.t.Fatalf("decode %s: %v", e.data.Data, err)
	}
	return d.Changes
}

// refusal is the code of the error the stream begins with, or fails.
func (st *stream) refusal() string {
	st.t.Helper()
	e := st.next()
	if len(e.data.Errors) == 0 {
		st.t.Fatalf("want an error, got event %q %s", e.name, e.data.Data)
	}
	return e.data.Errors[0].Extensions.Code
}

type liveChange struct {
	Action, Type, ID string
	Node             *struct{ Title string }
}

const followActivities = `subscription($ids: [ID!]) { changes(types: ["Activity"], ids: $ids) {
	action type id node { ... on Activity { title version } } } }`

// A subscriber hears of every change to what it follows, with the record
// as it now is, once the change has committed: creates, updates, deletes,
// and only those of the records it names.
func TestLiveUpdates(t *testing.T) {
	s, hub := newLiveServer(t, nil, nil)
	heading := s.idOf("objectives", `{title: "Ökad samverkan mellan kultur och skola"}`)

	t.Run("CreateUpdateDelete", func(t *testing.T) {
		s := s.withT(t)
		st := s.subscribe("", followActivities, nil) // anonymous, on a public server
		waitSubscribers(t, hub, 1)
		id := s.create(`mutation($h: ID!) { createActivity(input: {objectiveID: $h, title: "Läsfrämjande"}) { id } }`, map[string]any{"h": heading})
		if c := st.change(); c.Action != "CREATE" || c.Type != "Activity" || c.ID != id || c.Node == nil || c.Node.Title != "Läsfrämjande" {
			t.Errorf("after a create: %+v", c)
		}
		s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {title: "Läsfrämjande i hela länet"}) { id } }`, map[string]any{"id": id}, nil)
		if c := st.change(); c.Action != "UPDATE" || c.ID != id || c.Node == nil || c.Node.Title != "Läsfrämjande i hela länet" {
			t.Errorf("after an update: %+v", c)
		}
		s.must(`mutation($id: ID!) { deleteActivity(id: $id) }`, map[string]any{"id": id}, nil)
		if c := st.change(); c.Action != "DELETE" || c.ID != id || c.Node != nil {
			t.Errorf("after a delete: %+v", c)
		}
		// A change that fails is no change.
		s.wantError(`mutation($id: ID!) { updateActivity(id: $id, input: {title: ""}) { id } }`, map[string]any{"id": s.idOf("activities", `{}`)}, "VALIDATION", "title")
		st.cancel()
		waitSubscribers(t, hub, 0)
	})

	t.Run("OnlyTheRecordsNamed", func(t *testing.T) {
		s := s.withT(t)
		mine := s.idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
		other := s.idOf("activities", `{titleHasPrefix: "Ökad samverkan kring"}`)
		st := s.subscribe("", followActivities, map[string]any{"ids": []string{mine}})
		waitSubscribers(t, hub, 1)
		edit := `mutation($id: ID!, $lead: String!) { updateActivity(id: $id, input: {lead: $lead}) { id } }`
		s.must(edit, map[string]any{"id": other, "lead": "Någon annan"}, nil)
		s.must(edit, map[string]any{"id": mine, "lead": "Regionen"}, nil)
		if c := st.change(); c.ID != mine {
			t.Errorf("a subscriber of %s heard of %s", mine, c.ID)
		}
		st.cancel()
		waitSubscribers(t, hub, 0)
	})

	t.Run("FollowUpsAndIndicators", func(t *testing.T) {
		s := s.withT(t)
		st := s.subscribe("", `subscription { changes(types: ["FollowUp", "Indicator"]) { action type id } }`, nil)
		waitSubscribers(t, hub, 1)
		activity := s.idOf("activities", `{}`)
		s.create(`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2022-12-31T00:00:00Z", period: YEAR, status: ONGOING, text: "Pågår."}) { id } }`, map[string]any{"a": activity})
		if c := st.change(); c.Type != "FollowUp" || c.Action != "CREATE" {
			t.Errorf("after a follow-up: %+v", c)
		}
		s.create(`mutation($g: ID!) { createIndicator(input: {goalID: $g, name: "Besök", unit: "antal", scope: COUNTY}) { id } }`, map[string]any{"g": s.idOf("goals", `{number: 1}`)})
		if c := st.change(); c.Type != "Indicator" || c.Action != "CREATE" {
			t.Errorf("after an indicator: %+v", c)
		}
		st.cancel()
		waitSubscribers(t, hub, 0)
	})

	t.Run("ARevokedTokenEndsTheStream", func(t *testing.T) {
		s := s.withT(t)
		eva := accountstest.User(t, s.client, "eva", auth.RoleViewer, nil, nil)
		token := accountstest.Session(t, s.client, eva)
		st := s.subscribe(token, followActivities, nil)
		waitSubscribers(t, hub, 1)
		s.must(`mutation($id: ID!) { updateUser(id: $id, input: {disabled: true}) { id } }`, map[string]any{"id": eva.ID}, nil)
		s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {lead: "Efter"}) { id } }`, map[string]any{"id": s.idOf("activities", `{}`)}, nil)
		if e := st.next(); e.name != "complete" {
			t.Errorf("the stream of a disabled user's token went on: %q %s", e.name, e.data.Data)
		}
		waitSubscribers(t, hub, 0)
	})

	t.Run("TheLimitsOfQueries", func(t *testing.T) {
		s := s.withT(t)
		costly := `subscription { changes { node { ... on Activity { municipalities(first: 100) { edges { node {
			activities(first: 100) { edges { node { municipalities(first: 100) { edges { node { name } } } } } } } } } } } } }`
		if code := s.subscribe("", costly, nil).refusal(); code != "QUERY_TOO_COSTLY" {
			t.Errorf("a subscription too costly: %s", code)
		}
		if code := s.subscribe("", `subscription { changes(types: ["User"]) { id } }`, nil).refusal(); code != "VALIDATION" {
			t.Errorf("a subscription to users: %s", code)
		}
		// Sent as a plain request, it would wait for one change and end.
		s.wantError(`subscription { changes { id } }`, nil, "BAD_REQUEST", "")
	})
}

// waitSubscribers waits until the hub holds n subscriptions.
func waitSubscribers(t *testing.T, hub *live.Hub, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); hub.Count() != n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the hub holds %d subscriptions, want %d", hub.Count(), n)
		}
	}
}

// On a private server only a signed-in subscriber hears anything; and no
// client holds more subscriptions than the cap.
func TestLiveUpdatesPrivateAndCapped(t *testing.T) {
	s, hub := newLiveServer(t, nil, []live.Option{live.WithCaps(2, 100)}, servertest.Server(server.WithPrivateReads(true)))
	if code := s.subscribe("", followActivities, nil).refusal(); code != "UNAUTHENTICATED" {
		t.Errorf("an anonymous subscriber on a private server: %s", code)
	}
	a := s.subscribe(s.token, followActivities, nil)
	b := s.subscribe(s.token, followActivities, nil)
	waitSubscribers(t, hub, 2)
	if code := s.subscribe(s.token, followActivities, nil).refusal(); code != "RATE_LIMITED" {
		t.Errorf("a third subscription from one client: %s", code)
	}
	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {lead: "Regionen"}) { id } }`, map[string]any{"id": s.idOf("activities", `{}`)}, nil)
	a.change()
	b.change()
}

// Two servers on one PostgreSQL database: a change made through one
// reaches the subscribers of the other.
func TestLiveUpdatesAcrossPostgresServers(t *testing.T) {
	first := storagetest.OpenPostgres(t)
	second, err := storage.Open(first.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { second.Close() })
	if err := seed.LoadOrebro(context.Background(), first.Client()); err != nil {
		t.Fatal(err)
	}
	token := accountstest.Admin(t, first.Client())
	a, _ := newLiveServer(t, first, nil)
	b, hubB := newLiveServer(t, second, nil)
	a.token, b.token = token, token

	st := b.subscribe("", followActivities, nil)
	waitSubscribers(t, hubB, 1)
	id := a.idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
	a.must(`mutation($id: ID!) { updateActivity(id: $id, input: {lead: "Via den första servern"}) { id } }`, map[string]any{"id": id}, nil)
	if c := st.change(); c.Action != "UPDATE" || c.ID != id || c.Node == nil {
		t.Errorf("the second server's subscriber heard %+v", c)
	}
	// Changes made in a row, which one NOTIFY may carry together, all
	// arrive.
	const many = 25
	for i := range many {
		a.must(`mutation($id: ID!, $lead: String) { updateActivity(id: $id, input: {lead: $lead}) { id } }`,
			map[string]any{"id": id, "lead": fmt.Sprintf("Ändring %d", i)}, nil)
	}
	for i := range many {
		c := st.change()
		if c.Action != "UPDATE" || c.ID != id {
			t.Fatalf("change %d of %d made in a row: the second server's subscriber heard %+v", i+1, many, c)
		}
	}
	// And the other way, to a subscriber of the first.
	st2 := a.subscribe("", followActivities, nil)
	created := b.create(`mutation($h: ID!) { createActivity(input: {objectiveID: $h, title: "Via den andra"}) { id } }`,
		map[string]any{"h": b.idOf("objectives", `{title: "Ökad samverkan mellan kultur och skola"}`)})
	for {
		c := st2.change()
		if c.ID == created && c.Action == "CREATE" {
			break
		}
	}
}
