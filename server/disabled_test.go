package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
)

// A disabled user cannot sign in, and its tokens stop working with the
// very next request (the viewer kept for the token goes with the change);
// enabled again, it signs in, and its tokens that have not ended work
// again. Nobody issues it a token meanwhile, and the last admin stays
// enabled.
func TestDisabledUsers(t *testing.T) {
	s := newTestServer(t)
	eva := accountstest.User(t, s.client, "eva", auth.RoleViewer, nil, nil)
	setDisabled := `mutation($id: ID!, $d: Boolean!) { updateUser(id: $id, input: {disabled: $d}) { disabled } }`
	me := `{ me { username } }`

	t.Run("ItsTokensStopAtOnceAndSignInIsRefused", func(t *testing.T) {
		s := s.withT(t)
		session := s.signIn("eva", accountstest.Password)
		s.as(session).must(me, nil, nil) // its viewer is kept from here on
		var data struct{ UpdateUser struct{ Disabled bool } }
		s.must(setDisabled, map[string]any{"id": eva.ID, "d": true}, &data)
		if !data.UpdateUser.Disabled {
			t.Fatal("updateUser(disabled: true) answered disabled: false")
		}
		r := s.as(session).post(me, nil)
		if r.Status != http.StatusUnauthorized || len(r.Errors) == 0 || r.Errors[0].Extensions.Code != "UNAUTHENTICATED" ||
			!strings.Contains(r.Errors[0].Message, "disabled") {
			t.Errorf("the session right after its user was disabled: %d %+v; want 401 UNAUTHENTICATED saying disabled", r.Status, r.Errors)
		}
		login := `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`
		e := s.as("").wantError(login, map[string]any{"u": "eva", "p": accountstest.Password}, "UNAUTHENTICATED", "")
		if e.Message != "this user is disabled: an admin can enable it again" {
			t.Errorf("sign-in of a disabled user says %q", e.Message)
		}
		// A wrong password says what it says to anyone: being disabled
		// is told only to whoever knows the password.
		e = s.as("").wantError(login, map[string]any{"u": "eva", "p": "not the password"}, "UNAUTHENTICATED", "")
		if e.Message != "wrong username or password" {
			t.Errorf("a wrong password for a disabled user says %q", e.Message)
		}
		s.wantError(`mutation($u: ID!) { createAPIToken(input: {name: "Export", userID: $u}) { token } }`,
			map[string]any{"u": eva.ID}, "VALIDATION", "userID")

		var users struct {
			Users struct {
				Edges []struct{ Node struct{ Username string } }
			}
		}
		s.must(`{ users(where: {disabled: true}) { edges { node { username } } } }`, nil, &users)
		if len(users.Users.Edges) != 1 || users.Users.Edges[0].Node.Username != "eva" {
			t.Errorf("users(where: {disabled: true}) = %+v, want eva alone", users.Users.Edges)
		}

		s.must(setDisabled, map[string]any{"id": eva.ID, "d": false}, nil)
		s.as(session).must(me, nil, nil)
		s.signIn("eva", accountstest.Password)
	})

	t.Run("TheLastAdminStaysEnabled", func(t *testing.T) {
		s := s.withT(t)
		admin := s.idOf("users", `{username: "admin"}`)
		s.wantError(setDisabled, map[string]any{"id": admin, "d": true}, "VALIDATION", "disabled")

		// A disabled admin is no admin to count on: with the other one
		// disabled, the admin left can be neither disabled, demoted nor
		// deleted.
		anna := accountstest.User(t, s.client, "anna", auth.RoleAdmin, nil, nil)
		s.must(setDisabled, map[string]any{"id": anna.ID, "d": true}, nil)
		e := s.wantError(setDisabled, map[string]any{"id": admin, "d": true}, "VALIDATION", "disabled")
		if !strings.Contains(e.Message, "the last admin must stay enabled") {
			t.Errorf("disabling the last enabled admin says %q", e.Message)
		}
		s.wantError(`mutation($id: ID!) { updateUser(id: $id, input: {role: VIEWER}) { id } }`, map[string]any{"id": admin}, "VALIDATION", "role")
		s.wantError(`mutation($id: ID!) { deleteUser(id: $id) }`, map[string]any{"id": admin}, "VALIDATION", "")
		// A disabled admin may go: it was not counted.
		s.must(`mutation($id: ID!) { deleteUser(id: $id) }`, map[string]any{"id": anna.ID}, nil)
	})

	t.Run("TheChangeIsInTheAuditTrail", func(t *testing.T) {
		s := s.withT(t)
		s.must(setDisabled, map[string]any{"id": eva.ID, "d": true}, nil)
		entries := s.trail(map[string]any{"objectType": "User", "objectID": fmt.Sprint(eva.ID)})
		found := false
		for _, e := range entries {
			for _, c := range e.Changes {
				if c.Field == "disabled" && fmt.Sprint(c.New) == "true" {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("no audit entry records eva disabled: %+v", entries)
		}
	})
}
