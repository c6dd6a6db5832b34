package server_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent/token"
	"github.com/samverkan/samverkan/ent/user"
	"github.com/samverkan/samverkan/server/servertest"
)

// A signed-in request's viewer is kept for a moment, so that the next
// request need not read its token again; every change through the server
// that bears on it (a role, a scope, a revoke) is seen by the very next
// request, and a change the server did not make (another process on the
// same database) within the cache's time.
func TestKeptViewersGoWithEveryChange(t *testing.T) {
	const ttl = 300 * time.Millisecond
	s := newTestServer(t, servertest.Accounts(accounts.WithViewerCacheTTL(ttl)))
	ctx := auth.AsServer(context.Background())
	orebro := s.idOf("municipalities", `{code: "1880"}`)
	activity := s.idOf("activities", `{hasMunicipalitiesWith: {code: "1880"}}`)
	eva := accountstest.User(t, s.client, "eva", auth.RoleEditor, []int{atoi(t, orebro)}, nil)
	edit := `mutation($id: ID!) { updateActivity(id: $id, input: {lead: "Eva"}) { id } }`
	vars := map[string]any{"id": activity}

	t.Run("ARoleChangeCountsAtOnce", func(t *testing.T) {
		s := s.withT(t)
		token := s.signIn("eva", accountstest.Password)
		s.as(token).must(edit, vars, nil) // kept from here on
		s.must(`mutation($id: ID!) { updateUser(id: $id, input: {role: VIEWER}) { id } }`, map[string]any{"id": eva.ID}, nil)
		s.as(token).wantError(edit, vars, "FORBIDDEN", "")
		s.must(`mutation($id: ID!) { updateUser(id: $id, input: {role: EDITOR}) { id } }`, map[string]any{"id": eva.ID}, nil)
		s.as(token).must(edit, vars, nil)
	})
	t.Run("AScopeChangeCountsAtOnce", func(t *testing.T) {
		s := s.withT(t)
		token := s.signIn("eva", accountstest.Password)
		s.as(token).must(edit, vars, nil)
		s.must(`mutation($id: ID!, $m: ID!) { updateUser(id: $id, input: {removeMunicipalityIDs: [$m]}) { id } }`,
			map[string]any{"id": eva.ID, "m": orebro}, nil)
		s.as(token).wantError(edit, vars, "FORBIDDEN", "")
	})
	t.Run("ARevokeCountsAtOnce", func(t *testing.T) {
		s := s.withT(t)
		tok := s.signIn("eva", accountstest.Password)
		s.as(tok).must(`{ me { username } }`, nil, nil)
		id := s.client.Token.Query().Where(token.HasUserWith(user.Username("eva"))).Order(token.ByID()).AllX(ctx)
		last := id[len(id)-1]
		s.must(`mutation($id: ID!) { revokeToken(id: $id) { id } }`, map[string]any{"id": last.ID}, nil)
		if r := s.as(tok).post(`{ me { username } }`, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("right after the revoke: %d %+v; want 401", r.Status, r.Errors)
		}
	})
	t.Run("AnotherProcessIsSeenWithinTheCachesTime", func(t *testing.T) {
		s := s.withT(t)
		tok := s.signIn("eva", accountstest.Password)
		s.as(tok).must(`{ me { username } }`, nil, nil)
		// A second client over the same database, as the user command
		// or another server would be: the server hears nothing of it.
		other := s.db.Client()
		other.Token.Update().Where(token.HasUserWith(user.Username("eva"))).SetRevokedAt(time.Now()).ExecX(ctx)
		time.Sleep(ttl + 50*time.Millisecond)
		if r := s.as(tok).post(`{ me { username } }`, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("%s after another process revoked it: %d %+v; want 401", ttl, r.Status, r.Errors)
		}
	})
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
