package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/server/servertest"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// Two servers on one PostgreSQL database, as a deployment that outgrows
// one machine runs them: concurrent writes through both all land, and a
// duplicate sent to both is refused by one.
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
	token := accountstest.Admin(t, first.Client())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var servers []*testServer
	for _, db := range []*storage.DB{first, second} {
		srv := httptest.NewServer(servertest.Handler(db.Client(), db, log))
		t.Cleanup(srv.Close)
		servers = append(servers, &testServer{t: t, URL: srv.URL, db: db, token: token})
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

	t.Run("AUserDisabledThroughOneIsRefusedByBoth", func(t *testing.T) {
		eva := accountstest.User(t, first.Client(), "eva", auth.RoleViewer, nil, nil)
		session := accountstest.Session(t, first.Client(), eva)
		me := `{ me { username } }`
		for _, s := range servers {
			s.as(session).must(me, nil, nil) // each keeps eva's viewer now
		}
		disabled := time.Now()
		servers[0].must(`mutation($id: ID!) { updateUser(id: $id, input: {disabled: true}) { id } }`, map[string]any{"id": eva.ID}, nil)
		if r := servers[0].as(session).post(me, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("the server that disabled eva, at once: %d %+v; want 401", r.Status, r.Errors)
		}
		// The other server hears nothing of it, and sees it when the
		// viewer it keeps is older than accounts.ViewerCacheTTL.
		refusedWithinTheBound(t, disabled, "eva was disabled", func() bool {
			return servers[1].as(session).post(me, nil).Status == http.StatusUnauthorized
		})
	})

	// An admin's revoke, a sign-out and a role change through one server
	// count on it at once (TestKeptViewersGoWithEveryChange), and on the
	// other within accounts.ViewerCacheTTL, the bound the README states.
	t.Run("ARevokeASignOutAndARoleChangeThroughOneCountOnBoth", func(t *testing.T) {
		orebro := servers[0].idOf("municipalities", `{code: "1880"}`)
		activity := servers[0].idOf("activities", `{hasMunicipalitiesWith: {code: "1880"}}`)
		olle := accountstest.User(t, first.Client(), "olle", auth.RoleEditor, []int{atoi(t, orebro)}, nil)
		edit := `mutation($id: ID!) { updateActivity(id: $id, input: {lead: "Olle"}) { id } }`
		vars := map[string]any{"id": activity}
		me := `{ me { username } }`
		// seenWithin fails unless the other server answers the session as
		// refused within the bound.
		seenWithin := func(what, session, query string, vars map[string]any, refused func(gqlResponse) bool) {
			t.Helper()
			refusedWithinTheBound(t, time.Now(), what, func() bool { return refused(servers[1].as(session).post(query, vars)) })
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
		seenWithin("an admin's revoke through the first", revoked, me, nil, unauthenticated)

		servers[0].as(signedOut).must(`mutation { logout }`, nil, nil)
		seenWithin("a sign-out through the first", signedOut, me, nil, unauthenticated)

		servers[0].must(`mutation($id: ID!) { updateUser(id: $id, input: {role: VIEWER}) { id } }`, map[string]any{"id": olle.ID}, nil)
		seenWithin("a change of role through the first", demoted, edit, vars, forbidden)
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

// refusedWithinTheBound asks refused until it says yes, and fails the test
// if it still says no accounts.ViewerCacheTTL (and a margin) after since,
// when what happened.
func refusedWithinTheBound(t *testing.T, since time.Time, what string, refused func() bool) {
	t.Helper()
	for !refused() {
		if time.Since(since) > accounts.ViewerCacheTTL+2*time.Second {
			t.Fatalf("the other server, %s after %s: still served", time.Since(since), what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
