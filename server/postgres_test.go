package server_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent/token"
	"github.com/samverkan/samverkan/live"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// Two servers on one PostgreSQL database, as a deployment that outgrows
// one machine runs them: concurrent writes through both all land, a
// duplicate sent to both is refused by one, and a change of a token or a
// user through one counts on the other as soon as it hears of it.
func TestTwoServersOnOnePostgresDatabase(t *testing.T) {
	first := storagetest.OpenPostgres(t)
	second, err := storage.Open(first.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { second.Close() })
	if err := second.Migrate(context.Background()); err != nil {
		t.Fatalf("a second server migrating the same database: %v", err)
	}
	if err := seed.LoadOrebro(context.Background(), first.Client()); err != nil {
		t.Fatal(err)
	}
	// One admin, signed in once: the session works on either server.
	adminToken := accountstest.Admin(t, first.Client())
	// Each server as serve wires it: listening to the other.
	var (
		servers []*testServer
		hubs    []*live.Hub
	)
	for _, db := range []*storage.DB{first, second} {
		s, hub := newLiveServer(t, db, nil)
		s.token = adminToken
		servers, hubs = append(servers, s), append(hubs, hub)
	}

	t.Run("ConcurrentLinksAllLand", func(t *testing.T) {
		activity := servers[0].idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
		var municipalities []string
		for _, code := range []string{"1814", "1860", "1861", "1862", "1863", "1864", "1880", "1881", "1882", "1883", "1884", "1885"} {
			municipalities = append(municipalities, servers[1].idOf("municipalities", `{code: "`+code+`"}`))
		}
		var wg sync.WaitGroup
		for i, m := range municipalities {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := servers[i%2].post(`mutation($a: ID!, $m: [ID!]) { updateActivity(id: $a, input: {addMunicipalityIDs: $m}) { id } }`,
					map[string]any{"a": activity, "m": []string{m}})
				if len(r.Errors) > 0 {
					t.Errorf("update through server %d: %+v", i%2+1, r.Errors)
				}
			}()
		}
		wg.Wait()
		var data struct {
			Node struct{ Municipalities struct{ TotalCount int } }
		}
		servers[1].must(`query($id: ID!) { node(id: $id) { ... on Activity { municipalities { totalCount } } } }`, map[string]any{"id": activity}, &data)
		if n := data.Node.Municipalities.TotalCount; n != 12 {
			t.Errorf("links = %d, want all 12", n)
		}
	})

	// Edits of one record without a version through both servers: each
	// waits for the one before it, whichever server it came through, and
	// the trail chains (see TestConcurrentEditsWithoutVersionChainInTheTrail).
	t.Run("ConcurrentEditsOfOneRecordChainInTheTrail", func(t *testing.T) {
		editLeadAtOnce(t, servers, servers[0].idOf("activities", `{titleContains: "skolchefer"}`), 6, 5)
	})

	t.Run("AUserDisabledThroughOneIsRefusedByBoth", func(t *testing.T) {
		eva := accountstest.User(t, first.Client(), "eva", auth.RoleViewer, nil, nil)
		session := accountstest.Session(t, first.Client(), eva)
		me := `{ me { username } }`
		for _, s := range servers {
			s.as(session).must(me, nil, nil) // each keeps eva's viewer now
		}
		servers[0].must(`mutation($id: ID!) { updateUser(id: $id, input: {disabled: true}) { id } }`, map[string]any{"id": eva.ID}, nil)
		if r := servers[0].as(session).post(me, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("the server that disabled eva, at once: %d %+v; want 401", r.Status, r.Errors)
		}
		soon(t, "eva was disabled through the first", func() bool {
			return servers[1].as(session).post(me, nil).Status == http.StatusUnauthorized
		})
	})

	// An admin's revoke, a sign-out and a role change through one server
	// count on it at once (TestKeptViewersGoWithEveryChange), and on the
	// other as soon as its NOTIFY arrives: well before
	// accounts.ViewerCacheTTL, the bound for what is not told.
	t.Run("ARevokeASignOutAndARoleChangeThroughOneCountOnBoth", func(t *testing.T) {
		activity := servers[0].idOf("activities", `{hasMunicipalitiesWith: {code: "1880"}}`)
		olle := accountstest.User(t, first.Client(), "olle", auth.RoleAdmin, nil, nil)
		edit := `mutation($id: ID!) { updateActivity(id: $id, input: {lead: "Olle"}) { id } }`
		vars := map[string]any{"id": activity}
		me := `{ me { username } }`
		// seenSoon fails unless the other server soon answers the session
		// as refused.
		seenSoon := func(what, session, query string, vars map[string]any, refused func(gqlResponse) bool) {
			t.Helper()
			soon(t, what, func() bool { return refused(servers[1].as(session).post(query, vars)) })
		}
		unauthenticated := func(r gqlResponse) bool { return r.Status == http.StatusUnauthorized }
		forbidden := func(r gqlResponse) bool { return len(r.Errors) > 0 && r.Errors[0].Extensions.Code == "FORBIDDEN" }

		revoked := accountstest.Session(t, first.Client(), olle)
		signedOut := accountstest.Session(t, first.Client(), olle)
		demoted := accountstest.Session(t, first.Client(), olle)
		for _, s := range servers {
			for _, session := range []string{revoked, signedOut} {
				s.as(session).must(me, nil, nil) // each server keeps the viewer now
			}
			s.as(demoted).must(edit, vars, nil)
		}
		// A subscriber of every type on the other server hears none of it:
		// tokens and users are no subscriber's to follow.
		held := hubs[1].Count()
		st := servers[1].subscribe("", `subscription { changes { action type id } }`, nil)
		waitSubscribers(t, hubs[1], held+1)

		var tokens struct {
			Tokens struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		servers[0].must(`query($u: ID!) { tokens(where: {hasUserWith: {id: $u}}) { edges { node { id } } } }`,
			map[string]any{"u": olle.ID}, &tokens)
		if len(tokens.Tokens.Edges) != 3 {
			t.Fatalf("olle has %d tokens, want 3", len(tokens.Tokens.Edges))
		}
		servers[0].must(`mutation($id: ID!) { revokeToken(id: $id) { id } }`, map[string]any{"id": tokens.Tokens.Edges[0].Node.ID}, nil)
		seenSoon("an admin's revoke through the first", revoked, me, nil, unauthenticated)

		servers[0].as(signedOut).must(`mutation { logout }`, nil, nil)
		seenSoon("a sign-out through the first", signedOut, me, nil, unauthenticated)

		servers[0].must(`mutation($id: ID!) { updateUser(id: $id, input: {role: VIEWER}) { id } }`, map[string]any{"id": olle.ID}, nil)
		seenSoon("olle made a viewer (from admin) through the first", demoted, edit, vars, forbidden)

		servers[0].must(edit, vars, nil)
		if c := st.change(); c.Type != "Activity" || c.ID != activity {
			t.Errorf("the subscriber of every type heard %+v first; want the activity's change, nothing of tokens or users", c)
		}
		st.cancel()
		waitSubscribers(t, hubs[1], held)
	})

	// A write of an activity (the benchmark's M1) tells the other servers
	// of the activity, and nothing of viewers.
	t.Run("AnActivityWriteTellsNothingOfViewers", func(t *testing.T) {
		var told atomic.Int64
		hubs[1].OnViewersChanged(func() { told.Add(1) })
		held := hubs[1].Count()
		st := servers[1].subscribe("", followActivities, nil)
		waitSubscribers(t, hubs[1], held+1)
		activity := servers[0].idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
		for i := range 2 {
			servers[0].must(`mutation($id: ID!, $lead: String) { updateActivity(id: $id, input: {lead: $lead}) { id } }`,
				map[string]any{"id": activity, "lead": fmt.Sprintf("M1 %d", i)}, nil)
			// The second server has heard everything the first sent
			// with or before this change.
			if c := st.change(); c.ID != activity {
				t.Fatalf("the second server's subscriber heard %+v", c)
			}
		}
		if n := told.Load(); n != 0 {
			t.Errorf("two writes of an activity told the other server %d times that viewers changed; want none", n)
		}
		// And a change of a user does tell it, so the counter counts.
		ulla := accountstest.User(t, first.Client(), "ulla", auth.RoleViewer, nil, nil)
		servers[0].must(`mutation($id: ID!) { updateUser(id: $id, input: {role: EDITOR}) { id } }`, map[string]any{"id": ulla.ID}, nil)
		soon(t, "ulla was made an editor", func() bool { return told.Load() > 0 })
		st.cancel()
		waitSubscribers(t, hubs[1], held)
	})

	// A server whose listening connection is lost may miss a word: when
	// it listens again it forgets every viewer it keeps.
	t.Run("AServerThatListensAgainForgetsItsViewers", func(t *testing.T) {
		ida := accountstest.User(t, first.Client(), "ida", auth.RoleViewer, nil, nil)
		session := accountstest.Session(t, first.Client(), ida)
		me := `{ me { username } }`
		servers[1].as(session).must(me, nil, nil) // kept now
		// Revoked by a bare client: no server is told.
		bare := second.Client()
		bare.Token.Update().Where(token.UserID(ida.ID)).SetRevokedAt(time.Now()).ExecX(auth.AsServer(context.Background()))
		if r := servers[1].as(session).post(me, nil); r.Status == http.StatusUnauthorized {
			t.Fatal("the second server did not keep ida's viewer; this tests nothing")
		}
		var schema string
		if err := second.QueryRow(`SELECT current_schema()`).Scan(&schema); err != nil {
			t.Fatal(err)
		}
		// Both servers listen on the schema's channel: end both
		// connections.
		var ended int
		if err := second.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = $1`,
			`LISTEN "samverkan_changes_`+schema+`"`).Scan(&ended); err != nil || ended != 2 {
			t.Fatalf("ended %d listening connections (%v); want both servers'", ended, err)
		}
		soon(t, "its listening connection was ended", func() bool {
			return servers[1].as(session).post(me, nil).Status == http.StatusUnauthorized
		})
	})

	t.Run("ADuplicateThroughBothIsRefusedOnce", func(t *testing.T) {
		results := make(chan gqlResponse, 8)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results <- servers[i%2].post(`mutation($n: String!) { createMunicipality(input: {code: "0114", name: $n}) { id } }`,
					map[string]any{"n": fmt.Sprintf("Upplands Väsby %d", i)})
			}()
		}
		wg.Wait()
		close(results)
		created := 0
		for r := range results {
			switch {
			case len(r.Errors) == 0:
				created++
			case r.Errors[0].Extensions.Code != "CONSTRAINT" || r.Errors[0].Extensions.Field != "code":
				t.Errorf("unexpected error: %+v", r.Errors)
			}
		}
		if created != 1 {
			t.Errorf("%d created, want exactly 1", created)
		}
	})
}

// soon asks happened until it says yes, and fails the test if it still
// says no 2 s after what happened: the other server hears of a
// change of a token or a user when its NOTIFY arrives, and 2 s is far
// within accounts.ViewerCacheTTL, the bound for a change it is not told.
func soon(t *testing.T, what string, happened func() bool) {
	t.Helper()
	const within = 2 * time.Second
	start := time.Now()
	for !happened() {
		if time.Since(start) > within {
			t.Fatalf("the other server, %s after %s: not yet", time.Since(start), what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
