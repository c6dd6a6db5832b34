package server_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/server"
	"github.com/samverkan/samverkan/server/servertest"
)

// behindProxy is a test server whose requests come through a reverse proxy
// on the loopback address, which it trusts: X-Forwarded-For says who the
// client is.
func behindProxy(t *testing.T) *testServer {
	t.Helper()
	proxies, err := server.ParseTrustedProxies("127.0.0.1, ::1")
	if err != nil {
		t.Fatal(err)
	}
	return newTestServer(t, servertest.Server(server.WithTrustedProxies(proxies)))
}

const loginQuery = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`

// login signs in as a client without a token and returns the answer.
func (s *testServer) login(username, password string) gqlResponse {
	s.t.Helper()
	return s.as("").post(loginQuery, map[string]any{"u": username, "p": password})
}

// wantThrottled checks that an answer is a 429 RATE_LIMITED refusal.
func wantThrottled(t *testing.T, r gqlResponse, what string) {
	t.Helper()
	if r.Status != http.StatusTooManyRequests || len(r.Errors) == 0 || r.Errors[0].Extensions.Code != "RATE_LIMITED" {
		t.Fatalf("%s: %d %+v; want 429 RATE_LIMITED", what, r.Status, r.Errors)
	}
}

// wantSignedIn checks that an answer is a session.
func wantSignedIn(t *testing.T, r gqlResponse, what string) {
	t.Helper()
	if r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("%s: %d %+v; want a session", what, r.Status, r.Errors)
	}
}

// fail tries n wrong passwords for the username: refused as wrong, or,
// once the throttle holds, unchecked.
func (s *testServer) fail(n int, username string) {
	s.t.Helper()
	for range n {
		r := s.login(username, "gissning123")
		if len(r.Errors) == 0 || (r.Errors[0].Extensions.Code != "UNAUTHENTICATED" && r.Errors[0].Extensions.Code != "RATE_LIMITED") {
			s.t.Fatalf("a wrong password for %s: %d %+v; want UNAUTHENTICATED or RATE_LIMITED", username, r.Status, r.Errors)
		}
	}
}

// A stranger's guesses hold up the stranger: not the user elsewhere, and
// not another user at the stranger's address.
func TestPasswordThrottleLocksOutNobodyElse(t *testing.T) {
	s := behindProxy(t)
	accountstest.User(t, s.client, "anna", auth.RoleEditor, nil, nil)
	accountstest.User(t, s.client, "bertil", auth.RoleViewer, nil, nil)
	stranger := s.forwardedFor("192.0.2.66")
	stranger.fail(12, "anna")

	t.Run("ErrTheStrangerIsThrottled", func(t *testing.T) {
		wantThrottled(t, stranger.withT(t).login("anna", accountstest.Password), "anna from the stranger's address, right password")
	})
	t.Run("TheUserSignsInFromElsewhere", func(t *testing.T) {
		wantSignedIn(t, s.withT(t).forwardedFor("198.51.100.7").login("anna", accountstest.Password), "anna from her own address")
	})
	t.Run("AnotherUserSignsInFromTheSameAddress", func(t *testing.T) {
		wantSignedIn(t, stranger.withT(t).login("bertil", accountstest.Password), "bertil from the stranger's address")
	})
	t.Run("ErrASprayFromOneAddressIsThrottled", func(t *testing.T) {
		sprayer := s.withT(t).forwardedFor("203.0.113.9")
		for i := range 20 {
			sprayer.fail(1, "user"+strconv.Itoa(i))
		}
		wantThrottled(t, sprayer.login("bertil", accountstest.Password), "bertil from an address that tried 20 usernames")
		wantSignedIn(t, s.withT(t).forwardedFor("203.0.113.10").login("bertil", accountstest.Password), "bertil from the next address")
	})
}

// X-Forwarded-For names the client only when a trusted proxy sent it: from
// anyone else it is ignored, so a guesser cannot pick a new address for
// each guess, and a client cannot make itself someone else.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	t.Run("IgnoredFromAnyoneElse", func(t *testing.T) {
		s := newTestServer(t) // trusts no proxy
		accountstest.User(t, s.client, "anna", auth.RoleEditor, nil, nil)
		for i := range 5 {
			s.forwardedFor(fmt.Sprintf("192.0.2.%d", i+1)).fail(1, "anna")
		}
		wantThrottled(t, s.forwardedFor("192.0.2.200").login("anna", accountstest.Password),
			"anna after 5 failures from one connection's address, each claiming another")
	})
	t.Run("HonouredFromATrustedProxy", func(t *testing.T) {
		s := behindProxy(t)
		accountstest.User(t, s.client, "anna", auth.RoleEditor, nil, nil)
		s.forwardedFor("192.0.2.1").fail(5, "anna")
		wantThrottled(t, s.forwardedFor("192.0.2.1").login("anna", accountstest.Password), "anna from the guesser's address")
		// A client may write anything at the start of the header; the
		// proxy appends the address it saw, which is the one that counts.
		wantThrottled(t, s.forwardedFor("198.51.100.1, 192.0.2.1").login("anna", accountstest.Password), "anna from the guesser's address, spoofing another")
		wantSignedIn(t, s.forwardedFor("192.0.2.1, 198.51.100.1").login("anna", accountstest.Password), "anna from her own address")
	})
}

// An admin lifts a user's throttle; nobody else may.
func TestUnlockUser(t *testing.T) {
	s := behindProxy(t)
	anna := accountstest.User(t, s.client, "anna", auth.RoleEditor, nil, nil)
	viewer := accountstest.User(t, s.client, "ville", auth.RoleViewer, nil, nil)
	office := s.forwardedFor("192.0.2.1")
	office.fail(8, "anna")
	wantThrottled(t, office.login("anna", accountstest.Password), "anna after 8 failures")

	const unlock = `mutation($id: ID!) { unlockUser(id: $id) { username } }`
	id := map[string]any{"id": strconv.Itoa(anna.ID)}
	t.Run("ErrNotAnAdmin", func(t *testing.T) {
		s := s.withT(t)
		s.as(accountstest.Session(t, s.client, viewer)).wantError(unlock, id, "FORBIDDEN", "")
		s.as("").wantError(unlock, id, "UNAUTHENTICATED", "")
		wantThrottled(t, office.withT(t).login("anna", accountstest.Password), "anna after a refused unlock")
	})
	t.Run("ErrNoSuchUser", func(t *testing.T) {
		s.withT(t).wantError(unlock, map[string]any{"id": "999999"}, "NOT_FOUND", "")
	})
	t.Run("AdminUnlocks", func(t *testing.T) {
		s := s.withT(t)
		var data struct{ UnlockUser struct{ Username string } }
		s.must(unlock, id, &data)
		if data.UnlockUser.Username != "anna" {
			t.Errorf("unlockUser = %+v, want anna", data.UnlockUser)
		}
		wantSignedIn(t, office.withT(t).login("anna", accountstest.Password), "anna after the unlock")
	})
}

// A wrong current password in changePassword counts as a failed sign-in:
// a stolen session cannot guess the password quickly either.
func TestChangePasswordIsThrottled(t *testing.T) {
	s := behindProxy(t)
	u := accountstest.User(t, s.client, "cecilia", auth.RoleViewer, nil, nil)
	here := s.forwardedFor("192.0.2.1").as(accountstest.Session(t, s.client, u))
	change := func(current string) gqlResponse {
		return here.post(`mutation($c: String!) { changePassword(currentPassword: $c, newPassword: "ett nytt långt lösenord") }`,
			map[string]any{"c": current})
	}
	for range 5 {
		if r := change("gissning123"); len(r.Errors) == 0 || r.Errors[0].Extensions.Code != "VALIDATION" {
			t.Fatalf("a wrong current password: %d %+v; want VALIDATION", r.Status, r.Errors)
		}
	}
	wantThrottled(t, change(accountstest.Password), "changePassword after 5 wrong current passwords")
	wantThrottled(t, here.login("cecilia", accountstest.Password), "login from the same address")
	wantSignedIn(t, s.forwardedFor("198.51.100.7").login("cecilia", accountstest.Password), "login from another address")
}

// login and changePassword run outside the mutation's transaction (they
// compare the password before they write), so they must be alone in their
// request.
func TestPasswordChecksAreAloneInTheirRequest(t *testing.T) {
	s := newTestServer(t)
	before := s.count("municipalities")
	for name, query := range map[string]string{
		"ErrLoginWithAChange":   `mutation { login(username: "admin", password: "x") { token } createMunicipality(input: {code: "0001", name: "Ny"}) { id } }`,
		"ErrTwoLogins":          `mutation { a: login(username: "admin", password: "x") { token } b: login(username: "admin", password: "y") { token } }`,
		"ErrChangeInAFragment":  `mutation { ... on Mutation { changePassword(currentPassword: "x", newPassword: "yyyyyyyyyyyy") } logout }`,
		"ErrChangeWithALogout":  `mutation { logout changePassword(currentPassword: "x", newPassword: "yyyyyyyyyyyy") }`,
		"ErrChangeWithAnUnlock": `mutation { changePassword(currentPassword: "x", newPassword: "yyyyyyyyyyyy") unlockUser(id: 1) { id } }`,
	} {
		t.Run(name, func(t *testing.T) {
			s.withT(t).wantError(query, nil, "BAD_REQUEST", "")
		})
	}
	if n := s.count("municipalities"); n != before {
		t.Errorf("%d municipalities, %d before: a refused request wrote", n, before)
	}
}
