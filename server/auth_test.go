package server_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/server"
	"github.com/samverkan/samverkan/server/servertest"
)

// signIn signs in over GraphQL and returns the session token.
func (s *testServer) signIn(username, password string) string {
	s.t.Helper()
	var data struct{ Login struct{ Token string } }
	s.as("").must(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
		map[string]any{"u": username, "p": password}, &data)
	return data.Login.Token
}

// create runs a create mutation as the admin and returns the new record's
// ID: the setup of a change that a role then tries.
func (s *testServer) create(mutation string, vars map[string]any) string {
	s.t.Helper()
	var data map[string]struct{ ID string }
	s.must(mutation, vars, &data)
	for _, v := range data {
		return v.ID
	}
	s.t.Fatalf("no id from %s", mutation)
	return ""
}

// roleFixture is what the role tests change: an activity that Örebro takes
// part in, one that Laxå takes part in, and the parents to create more.
type roleFixture struct {
	plan, goal, heading    string
	orebro, laxa           string // municipality ids
	ours, theirs           string // activities of Örebro's and of Laxå's
	ourFollowUp            string
	institution, viaMuseum string // an institution and an activity it takes part in
}

func newRoleFixture(s *testServer) *roleFixture {
	f := &roleFixture{
		plan:    s.idOf("plans", `{region: "Region Örebro län"}`),
		goal:    s.idOf("goals", `{number: 1}`),
		heading: s.idOf("objectives", `{title: "Ökad samverkan mellan kommuner, institutioner"}`),
		orebro:  s.idOf("municipalities", `{code: "1880"}`),
		laxa:    s.idOf("municipalities", `{code: "1860"}`),
	}
	activity := `mutation($h: ID!, $m: [ID!], $i: [ID!], $t: String!) { createActivity(input: {objectiveID: $h, title: $t, municipalityIDs: $m, institutionIDs: $i}) { id } }`
	f.ours = s.create(activity, map[string]any{"h": f.heading, "t": "Örebros aktivitet", "m": []string{f.orebro}})
	f.theirs = s.create(activity, map[string]any{"h": f.heading, "t": "Laxås aktivitet", "m": []string{f.laxa}})
	f.ourFollowUp = s.create(`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2022-06-30T00:00:00Z", text: "Halvår 1"}) { id } }`,
		map[string]any{"a": f.ours})
	f.institution = s.create(`mutation { createInstitution(input: {name: "Testmuseet"}) { id } }`, nil)
	f.viaMuseum = s.create(activity, map[string]any{"h": f.heading, "t": "Museets aktivitet", "i": []string{f.institution}})
	return f
}

// change is one kind of change a client can ask for. setup (as the admin)
// makes what the change needs, so every attempt starts from the same state.
type change struct {
	name  string
	setup func(s *testServer, f *roleFixture) map[string]any
	query string
}

func noSetup(*testServer, *roleFixture) map[string]any { return nil }

var changes = []change{
	{"createPlan", noSetup, `mutation { createPlan(input: {name: "Ny plan", region: "Region Test", firstYear: 2024, lastYear: 2027}) { id } }`},
	{"updatePlan", func(s *testServer, f *roleFixture) map[string]any { return map[string]any{"id": f.plan} },
		`mutation($id: ID!) { updatePlan(id: $id, input: {name: "Omdöpt"}) { id } }`},
	{"deletePlan", func(s *testServer, f *roleFixture) map[string]any {
		return map[string]any{"id": s.create(`mutation { createPlan(input: {name: "Slängplan", region: "Region Test", firstYear: 2024, lastYear: 2027}) { id } }`, nil)}
	}, `mutation($id: ID!) { deletePlan(id: $id) }`},
	{"createGoal", func(s *testServer, f *roleFixture) map[string]any { return map[string]any{"plan": f.plan} },
		`mutation($plan: ID!) { createGoal(input: {planID: $plan, number: 9}) { id } }`},
	{"updateGoal", func(s *testServer, f *roleFixture) map[string]any { return map[string]any{"id": f.goal} },
		`mutation($id: ID!) { updateGoal(id: $id, input: {title: "Nytt namn"}) { id } }`},
	{"createObjective", func(s *testServer, f *roleFixture) map[string]any { return map[string]any{"goal": f.goal} },
		`mutation($goal: ID!) { createObjective(input: {goalID: $goal, title: "Ny rubrik"}) { id } }`},
	{"updateObjective", func(s *testServer, f *roleFixture) map[string]any { return map[string]any{"id": f.heading} },
		`mutation($id: ID!) { updateObjective(id: $id, input: {title: "Ny rubrik"}) { id } }`},
	{"createActivity", func(s *testServer, f *roleFixture) map[string]any {
		return map[string]any{"h": f.heading, "m": f.orebro}
	},
		`mutation($h: ID!, $m: ID!) { createActivity(input: {objectiveID: $h, title: "Ny", municipalityIDs: [$m]}) { id } }`},
	{"updateActivity of its municipality", func(s *testServer, f *roleFixture) map[string]any { return map[string]any{"id": f.ours} },
		`mutation($id: ID!) { updateActivity(id: $id, input: {status: ONGOING}) { id } }`},
	{"updateActivity of its institution", func(s *testServer, f *roleFixture) map[string]any { return map[string]any{"id": f.viaMuseum} },
		`mutation($id: ID!) { updateActivity(id: $id, input: {status: ONGOING}) { id } }`},
	{"updateActivity of another municipality", func(s *testServer, f *roleFixture) map[string]any { return map[string]any{"id": f.theirs} },
		`mutation($id: ID!) { updateActivity(id: $id, input: {status: DONE}) { id } }`},
	{"deleteActivity of its municipality", func(s *testServer, f *roleFixture) map[string]any {
		return map[string]any{"id": s.create(`mutation($h: ID!, $m: ID!) { createActivity(input: {objectiveID: $h, title: "Kortlivad", municipalityIDs: [$m]}) { id } }`,
			map[string]any{"h": f.heading, "m": f.orebro})}
	}, `mutation($id: ID!) { deleteActivity(id: $id) }`},
	{"createFollowUp of its municipality", func(s *testServer, f *roleFixture) map[string]any { return map[string]any{"a": f.ours} },
		`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2023-01-15T00:00:00Z", text: "Läget"}) { id } }`},
	{"createFollowUp of another municipality", func(s *testServer, f *roleFixture) map[string]any { return map[string]any{"a": f.theirs} },
		`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2023-01-15T00:00:00Z", text: "Läget"}) { id } }`},
	{"updateFollowUp of its municipality", func(s *testServer, f *roleFixture) map[string]any { return map[string]any{"id": f.ourFollowUp} },
		`mutation($id: ID!) { updateFollowUp(id: $id, input: {text: "Rättat"}) { id } }`},
	{"moveFollowUp to another municipality", func(s *testServer, f *roleFixture) map[string]any {
		id := s.create(`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2023-03-01T00:00:00Z", text: "Fel aktivitet"}) { id } }`,
			map[string]any{"a": f.ours})
		return map[string]any{"id": id, "a": f.theirs}
	}, `mutation($id: ID!, $a: ID!) { updateFollowUp(id: $id, input: {activityID: $a}) { id } }`},
	{"deleteFollowUp of its municipality", func(s *testServer, f *roleFixture) map[string]any {
		return map[string]any{"id": s.create(`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2023-02-01T00:00:00Z", text: "Dubblett"}) { id } }`,
			map[string]any{"a": f.ours})}
	}, `mutation($id: ID!) { deleteFollowUp(id: $id) }`},
	{"createMunicipality", noSetup, `mutation { createMunicipality(input: {code: "0180", name: "Stockholm"}) { id } }`},
	{"updateMunicipality", func(s *testServer, f *roleFixture) map[string]any { return map[string]any{"id": f.orebro} },
		`mutation($id: ID!) { updateMunicipality(id: $id, input: {officialName: "Örebro kommun"}) { id } }`},
	{"createInstitution", noSetup, `mutation { createInstitution(input: {name: "Ny institution"}) { id } }`},
	{"updateInstitution", func(s *testServer, f *roleFixture) map[string]any { return map[string]any{"id": f.institution} },
		`mutation($id: ID!) { updateInstitution(id: $id, input: {description: "Ändrad"}) { id } }`},
	{"createUser", noSetup, `mutation { createUser(input: {username: "ny.anvandare", displayName: "Ny"}, password: "ett långt lösenord") { id } }`},
	{"updateUser", func(s *testServer, f *roleFixture) map[string]any {
		return map[string]any{"id": accountstest.User(s.t, s.client, fmt.Sprintf("user%d", seq.Add(1)), auth.RoleViewer, nil, nil).ID}
	}, `mutation($id: ID!) { updateUser(id: $id, input: {role: EDITOR}) { id } }`},
	{"deleteUser", func(s *testServer, f *roleFixture) map[string]any {
		return map[string]any{"id": accountstest.User(s.t, s.client, fmt.Sprintf("user%d", seq.Add(1)), auth.RoleViewer, nil, nil).ID}
	}, `mutation($id: ID!) { deleteUser(id: $id) }`},
	{"createAPIToken", noSetup, `mutation { createAPIToken(input: {name: "Rapporter"}) { token } }`},
	{"revokeToken", func(s *testServer, f *roleFixture) map[string]any {
		var data struct {
			CreateAPIToken struct{ Record struct{ ID string } }
		}
		s.must(`mutation { createAPIToken(input: {name: "Att återkalla"}) { record { id } } }`, nil, &data)
		return map[string]any{"id": data.CreateAPIToken.Record.ID}
	}, `mutation($id: ID!) { revokeToken(id: $id) { id } }`},
}

var seq atomic.Int64

// Every role against every kind of change: what is allowed succeeds, what
// is not fails with UNAUTHENTICATED (no token) or FORBIDDEN (a token whose
// user may not), and changes nothing.
func TestRolesAgainstEveryChange(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	editor := accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, []int{mustAtoi(t, f.institution)})
	viewer := accountstest.User(t, s.client, "lasare", auth.RoleViewer, nil, nil)
	var api struct{ CreateAPIToken struct{ Token string } }
	s.must(`mutation { createAPIToken(input: {name: "Kolada"}) { token } }`, nil, &api)

	editorMay := []string{
		"updateActivity of its municipality", "updateActivity of its institution",
		"createFollowUp of its municipality", "updateFollowUp of its municipality", "deleteFollowUp of its municipality",
	}
	roles := []struct {
		name    string
		token   string
		allowed func(change string) bool
		denied  string
	}{
		{"admin", s.token, func(string) bool { return true }, ""},
		{"editor", accountstest.Session(t, s.client, editor), func(c string) bool { return slices.Contains(editorMay, c) }, "FORBIDDEN"},
		{"viewer", accountstest.Session(t, s.client, viewer), func(string) bool { return false }, "FORBIDDEN"},
		{"API token", api.CreateAPIToken.Token, func(string) bool { return false }, "FORBIDDEN"},
		{"anonymous", "", func(string) bool { return false }, "UNAUTHENTICATED"},
	}
	for _, role := range roles {
		for _, c := range changes {
			t.Run(role.name+"/"+c.name, func(t *testing.T) {
				s := s.withT(t)
				vars := c.setup(s, f)
				before := s.auditCount()
				r := s.as(role.token).post(c.query, vars)
				if role.allowed(c.name) {
					if len(r.Errors) > 0 {
						t.Fatalf("%s may %s, but got %s: %s", role.name, c.name, r.Errors[0].Extensions.Code, r.Errors[0].Message)
					}
					return
				}
				if len(r.Errors) == 0 || r.Errors[0].Extensions.Code != role.denied {
					t.Fatalf("%s may not %s: got %+v, data %s; want %s", role.name, c.name, r.Errors, r.Data, role.denied)
				}
				if string(r.Data) != "null" && string(r.Data) != "" {
					t.Errorf("a refused change answered with data: %s", r.Data)
				}
				if after := s.auditCount(); after != before {
					t.Errorf("a refused change left %d audit entries", after-before)
				}
			})
		}
	}
}

// withT returns the server for use in a subtest.
func (s *testServer) withT(t *testing.T) *testServer {
	c := *s
	c.t = t
	return &c
}

// auditCount is the number of entries in the audit trail.
func (s *testServer) auditCount() int {
	s.t.Helper()
	var data struct{ AuditEntries struct{ TotalCount int } }
	s.must(`{ auditEntries { totalCount } }`, nil, &data)
	return data.AuditEntries.TotalCount
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSignIn(t *testing.T) {
	s := newTestServer(t)
	accountstest.User(t, s.client, "anna", auth.RoleEditor, nil, nil)

	t.Run("TheTokenActsForTheUser", func(t *testing.T) {
		s := s.withT(t)
		var data struct {
			Login struct {
				Token     string
				ExpiresAt time.Time
				User      struct{ Username, Role string }
			}
		}
		s.as("").must(`mutation { login(username: "anna", password: "`+accountstest.Password+`") { token expiresAt user { username role } } }`, nil, &data)
		if !strings.HasPrefix(data.Login.Token, "svk_") || data.Login.User.Username != "anna" || data.Login.User.Role != "EDITOR" {
			t.Fatalf("login = %+v", data.Login)
		}
		if left := time.Until(data.Login.ExpiresAt); left < 11*time.Hour || left > 13*time.Hour {
			t.Errorf("the session expires in %s, want 12 h", left)
		}
		var me struct{ Me struct{ Username string } }
		s.as(data.Login.Token).must(`{ me { username } }`, nil, &me)
		if me.Me.Username != "anna" {
			t.Errorf("me = %+v, want anna", me.Me)
		}
		var anon struct{ Me *struct{} }
		s.as("").must(`{ me { username } }`, nil, &anon)
		if anon.Me != nil {
			t.Errorf("me without a token = %+v, want null", anon.Me)
		}
	})
	t.Run("ErrWrongPasswordOrUserAlike", func(t *testing.T) {
		s := s.withT(t)
		wrong := s.as("").wantError(`mutation { login(username: "anna", password: "fel lösenord!") { token } }`, nil, "UNAUTHENTICATED", "")
		unknown := s.as("").wantError(`mutation { login(username: "ingen", password: "fel lösenord!") { token } }`, nil, "UNAUTHENTICATED", "")
		if wrong.Message != unknown.Message {
			t.Errorf("a wrong password says %q, an unknown user %q: they must not differ", wrong.Message, unknown.Message)
		}
	})
	t.Run("ErrRepeatedFailuresAreThrottled", func(t *testing.T) {
		s := s.withT(t)
		accountstest.User(t, s.client, "bertil", auth.RoleViewer, nil, nil)
		for range 5 {
			s.as("").wantError(`mutation { login(username: "bertil", password: "gissning123") { token } }`, nil, "UNAUTHENTICATED", "")
		}
		body := `{"query": "mutation { login(username: \"bertil\", password: \"` + accountstest.Password + `\") { token } }"}`
		r := s.as("").postRaw("application/json", []byte(body))
		if r.Status != http.StatusTooManyRequests || len(r.Errors) == 0 || r.Errors[0].Extensions.Code != "RATE_LIMITED" {
			t.Fatalf("the sixth attempt, with the right password: %d %+v; want 429 RATE_LIMITED", r.Status, r.Errors)
		}
		// Another user is not held up by bertil's failures.
		s.signIn("anna", accountstest.Password)
	})
	t.Run("ErrBadTokens", func(t *testing.T) {
		for _, header := range []string{"Bearer svk_nonexistent_secret", "Bearer nonsense", "Basic YWRtaW46YWRtaW4=", "Bearer "} {
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(`{"query": "{ plans { totalCount } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", header)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			r := decodeResponse(t, res)
			res.Body.Close()
			if r.Status != http.StatusUnauthorized || len(r.Errors) != 1 || r.Errors[0].Extensions.Code != "UNAUTHENTICATED" {
				t.Errorf("Authorization: %q: %d %+v; want 401 UNAUTHENTICATED", header, r.Status, r.Errors)
			}
		}
	})
}

// An answer that carries a token must not be kept by a cache on the way.
func TestAnswersWithTokensAreNotStored(t *testing.T) {
	s := newTestServer(t)
	accountstest.User(t, s.client, "anna", auth.RoleEditor, nil, nil)
	for name, body := range map[string]string{
		"Login":          `{"query": "mutation { login(username: \"anna\", password: \"` + accountstest.Password + `\") { token } }"}`,
		"CreateAPIToken": `{"query": "mutation { createAPIToken(input: {name: \"Kolada\"}) { token } }"}`,
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+s.token)
			if name == "Login" {
				req.Header.Del("Authorization")
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			r := decodeResponse(t, res)
			if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"token":"svk_`) {
				t.Fatalf("no token: %s %+v", r.Data, r.Errors)
			}
			if got := res.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", got)
			}
		})
	}
}

func TestSessionsEndWhenTheyExpireOrSignOut(t *testing.T) {
	var now atomic.Pointer[time.Time]
	start := time.Now()
	now.Store(&start)
	clock := func() time.Time { return *now.Load() }
	s := newTestServer(t, servertest.Accounts(accounts.WithClock(clock), accounts.WithSessionTTL(time.Hour)))
	accountstest.User(t, s.client, "anna", auth.RoleAdmin, nil, nil)
	whoAmI := `{ me { username } }`

	t.Run("Expiry", func(t *testing.T) {
		s := s.withT(t)
		token := s.signIn("anna", accountstest.Password)
		s.as(token).must(whoAmI, nil, nil)
		later := start.Add(time.Hour + time.Second)
		now.Store(&later)
		defer now.Store(&start)
		if r := s.as(token).post(whoAmI, nil); r.Status != http.StatusUnauthorized || r.Errors[0].Extensions.Code != "UNAUTHENTICATED" {
			t.Errorf("an hour and a second later: %d %+v; want 401 UNAUTHENTICATED", r.Status, r.Errors)
		}
	})
	t.Run("Logout", func(t *testing.T) {
		s := s.withT(t)
		token := s.signIn("anna", accountstest.Password)
		other := s.signIn("anna", accountstest.Password)
		s.as(token).must(`mutation { logout }`, nil, nil)
		if r := s.as(token).post(whoAmI, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("after logout: %d %+v; want 401", r.Status, r.Errors)
		}
		s.as(other).must(whoAmI, nil, nil) // another session goes on
	})
	t.Run("RevokedAPIToken", func(t *testing.T) {
		s := s.withT(t)
		var issued struct {
			CreateAPIToken struct {
				Token  string
				Record struct{ ID string }
			}
		}
		s.must(`mutation { createAPIToken(input: {name: "Kolada"}) { token record { id } } }`, nil, &issued)
		api := issued.CreateAPIToken.Token
		s.as(api).must(`{ activities { totalCount } }`, nil, nil)
		s.must(`mutation($id: ID!) { revokeToken(id: $id) { revokedAt } }`, map[string]any{"id": issued.CreateAPIToken.Record.ID}, nil)
		if r := s.as(api).post(`{ activities { totalCount } }`, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("a revoked API token: %d %+v; want 401", r.Status, r.Errors)
		}
	})
	t.Run("ChangePasswordSignsOutOtherSessions", func(t *testing.T) {
		s := s.withT(t)
		accountstest.User(t, s.client, "cecilia", auth.RoleViewer, nil, nil)
		mine := s.signIn("cecilia", accountstest.Password)
		elsewhere := s.signIn("cecilia", accountstest.Password)
		s.as(mine).wantError(`mutation { changePassword(currentPassword: "fel", newPassword: "ett nytt långt lösenord") }`, nil, "VALIDATION", "currentPassword")
		s.as(mine).wantError(`mutation { changePassword(currentPassword: "`+accountstest.Password+`", newPassword: "kort") }`, nil, "VALIDATION", "newPassword")
		s.as(mine).must(`mutation { changePassword(currentPassword: "`+accountstest.Password+`", newPassword: "ett nytt långt lösenord") }`, nil, nil)
		s.as(mine).must(whoAmI, nil, nil)
		if r := s.as(elsewhere).post(whoAmI, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("the other session after a password change: %d; want 401", r.Status)
		}
		s.signIn("cecilia", "ett nytt långt lösenord")
	})
}

// On a private server, reading needs a token too; signing in does not.
func TestPrivateReads(t *testing.T) {
	s := newTestServer(t, servertest.Server(server.WithPrivateReads(true)))
	accountstest.User(t, s.client, "lasare", auth.RoleViewer, []int{mustAtoi(t, s.idOf("municipalities", `{code: "1880"}`))}, nil)
	s.as("").wantError(`{ activities { totalCount } }`, nil, "UNAUTHENTICATED", "")
	s.as("").wantError(`{ planReport { statusCounts { total } } }`, nil, "UNAUTHENTICATED", "")
	res, err := http.Get(s.URL + "/reports/status.csv")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /reports/status.csv without a token = %d, want 401", res.StatusCode)
	}
	// The answer to a sign-in is read as the user who signed in.
	var login struct {
		Login struct {
			Token string
			User  struct{ Municipalities []struct{ Name string } }
		}
	}
	s.as("").must(`mutation { login(username: "lasare", password: "`+accountstest.Password+`") { token user { municipalities { name } } } }`, nil, &login)
	if m := login.Login.User.Municipalities; len(m) != 1 || m[0].Name != "Örebro" {
		t.Errorf("the signed-in user's municipalities = %+v, want Örebro", m)
	}
	viewer := login.Login.Token
	if n := s.as(viewer).count("activities"); n == 0 {
		t.Error("a viewer reads no activities")
	}
	// The schema is as private as the plan; the playground, signed in,
	// still reads it.
	for _, q := range []string{`{ __schema { queryType { name } } }`, `{ __type(name: "Activity") { name } }`,
		`query { ...S } fragment S on Query { __schema { types { name } } }`} {
		s.as("").wantError(q, nil, "UNAUTHENTICATED", "")
		s.as(viewer).must(q, nil, nil)
	}
	s.as("").must(`{ __typename }`, nil, nil)
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/reports/status.csv", nil)
	req.Header.Set("Authorization", "Bearer "+viewer)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /reports/status.csv with a viewer's token = %d, want 200", res.StatusCode)
	}
}

// Users, tokens and the trail are an admin's to read (an editor reads only
// the history of what it may edit: TestEditorsReadTheHistoryOfWhatTheyMayEdit).
func TestOnlyAdminsReadUsersTokensAndTheTrail(t *testing.T) {
	s := newTestServer(t)
	editor := accountstest.Session(t, s.client, accountstest.User(t, s.client, "redaktor", auth.RoleEditor, nil, nil))
	for _, q := range []string{`{ users { totalCount } }`, `{ tokens { totalCount } }`, `{ auditEntries { totalCount } }`} {
		if q != `{ auditEntries { totalCount } }` {
			s.as(editor).wantError(q, nil, "FORBIDDEN", "")
		}
		s.as("").wantError(q, nil, "UNAUTHENTICATED", "")
		s.must(q, nil, nil)
	}
	// An editor with an empty scope may edit nothing, and reads no history.
	var trail struct{ AuditEntries struct{ TotalCount int } }
	s.as(editor).must(`{ auditEntries { totalCount } }`, nil, &trail)
	if trail.AuditEntries.TotalCount != 0 {
		t.Errorf("an editor without a scope reads %d entries, want 0", trail.AuditEntries.TotalCount)
	}
	var me struct {
		Me struct{ Username, Role string }
	}
	s.as(editor).must(`{ me { username role } }`, nil, &me)
	if me.Me.Username != "redaktor" || me.Me.Role != "EDITOR" {
		t.Errorf("an editor's me = %+v", me.Me)
	}
}

// The last admin cannot lock everyone out.
func TestTheLastAdminStays(t *testing.T) {
	s := newTestServer(t)
	var me struct{ Me struct{ ID string } }
	s.must(`{ me { id } }`, nil, &me)
	s.wantError(`mutation($id: ID!) { updateUser(id: $id, input: {role: VIEWER}) { id } }`, map[string]any{"id": me.Me.ID}, "VALIDATION", "role")
	s.wantError(`mutation($id: ID!) { deleteUser(id: $id) }`, map[string]any{"id": me.Me.ID}, "VALIDATION", "")
	// With a second admin, the first may step down.
	accountstest.User(t, s.client, "tva", auth.RoleAdmin, nil, nil)
	s.must(`mutation($id: ID!) { updateUser(id: $id, input: {role: VIEWER}) { role } }`, map[string]any{"id": me.Me.ID}, nil)
}

// viewerCanUpdate answers what an update would meet, without one.
func TestViewerCanUpdate(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	editor := accountstest.Session(t, s.client, accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil))
	viewer := accountstest.Session(t, s.client, accountstest.User(t, s.client, "lasare", auth.RoleViewer, nil, nil))
	can := func(token, activity string) bool {
		var data struct {
			Node struct{ ViewerCanUpdate bool }
		}
		s.as(token).must(`query($id: ID!) { node(id: $id) { ... on Activity { viewerCanUpdate } } }`, map[string]any{"id": activity}, &data)
		return data.Node.ViewerCanUpdate
	}
	for _, c := range []struct {
		who, token, activity string
		want                 bool
	}{
		{"admin", s.token, f.theirs, true},
		{"editor, Örebro's activity", editor, f.ours, true},
		{"editor, Laxå's activity", editor, f.theirs, false},
		{"viewer", viewer, f.ours, false},
		{"anonymous", "", f.ours, false},
	} {
		if got := can(c.token, c.activity); got != c.want {
			t.Errorf("%s: viewerCanUpdate = %v, want %v", c.who, got, c.want)
		}
	}
}

// Token.current marks the session the request came with.
func TestTheCurrentSessionIsMarked(t *testing.T) {
	s := newTestServer(t)
	other := accountstest.Session(t, s.client, accountstest.User(t, s.client, "andra", auth.RoleAdmin, nil, nil))
	for _, token := range []string{s.token, other} {
		var me struct{ Me struct{ Username string } }
		s.as(token).must(`{ me { username } }`, nil, &me)
		var data struct {
			Tokens struct {
				Edges []struct {
					Node struct {
						Current bool
						User    struct{ Username string }
					}
				}
			}
		}
		s.as(token).must(`{ tokens(where: {kind: SESSION}) { edges { node { current user { username } } } } }`, nil, &data)
		var current []string
		for _, e := range data.Tokens.Edges {
			if e.Node.Current {
				current = append(current, e.Node.User.Username)
			}
		}
		if len(data.Tokens.Edges) != 2 || len(current) != 1 || current[0] != me.Me.Username {
			t.Errorf("as %s: %d sessions, current: %v; want 2, and %s's current", me.Me.Username, len(data.Tokens.Edges), current, me.Me.Username)
		}
	}
}

// The schema holds API tokens and usernames to their rules, whichever path
// writes them.
func TestTokenAndUserRules(t *testing.T) {
	s := newTestServer(t)
	issue := `mutation($in: CreateAPITokenInput!) { createAPIToken(input: $in) { record { name } } }`
	s.wantError(issue, map[string]any{"in": map[string]any{"name": "  "}}, "VALIDATION", "name")
	s.wantError(issue, map[string]any{"in": map[string]any{"name": "Kolada", "expiresAt": "2020-01-01T00:00:00Z"}}, "VALIDATION", "expiresAt")
	s.wantError(issue, map[string]any{"in": map[string]any{"name": "Kolada", "userID": "999999"}}, "NOT_FOUND", "userID")
	var issued struct {
		CreateAPIToken struct{ Record struct{ Name string } }
	}
	s.must(issue, map[string]any{"in": map[string]any{"name": " Kolada "}}, &issued)
	if issued.CreateAPIToken.Record.Name != "Kolada" {
		t.Errorf("name = %q, want it trimmed", issued.CreateAPIToken.Record.Name)
	}

	var created struct{ CreateUser struct{ ID, Username string } }
	s.must(`mutation { createUser(input: {username: " Greta ", displayName: "Greta"}, password: "ett långt lösenord") { id username } }`, nil, &created)
	var updated struct{ UpdateUser struct{ Username string } }
	s.must(`mutation($id: ID!) { updateUser(id: $id, input: {username: "GRETA.G"}) { username } }`, map[string]any{"id": created.CreateUser.ID}, &updated)
	if created.CreateUser.Username != "greta" || updated.UpdateUser.Username != "greta.g" {
		t.Errorf("usernames %q and %q, want greta and greta.g", created.CreateUser.Username, updated.UpdateUser.Username)
	}
}

// An admin who changes a user's name and password in one updateUser makes
// one change: one entry in the trail, one new version, and the user's
// sessions ended, the new password the one that works.
func TestUpdateUserWithAPasswordIsOneChange(t *testing.T) {
	s := newTestServer(t)
	var created struct{ CreateUser struct{ ID string } }
	s.must(`mutation { createUser(input: {username: "hedda", displayName: "Hedda"}, password: "ett långt lösenord") { id } }`, nil, &created)
	id := created.CreateUser.ID
	session := s.signIn("hedda", "ett långt lösenord")
	before := len(s.trail(map[string]any{"objectID": id}))

	var updated struct {
		UpdateUser struct {
			DisplayName string
			Version     int
		}
	}
	s.must(`mutation($id: ID!) { updateUser(id: $id, input: {displayName: "Hedda Gabler"}, password: "ett nytt långt lösenord") { displayName version } }`,
		map[string]any{"id": id}, &updated)
	if updated.UpdateUser.DisplayName != "Hedda Gabler" || updated.UpdateUser.Version != 2 {
		t.Errorf("after one update: %+v, want Hedda Gabler at version 2", updated.UpdateUser)
	}
	entries := s.trail(map[string]any{"objectID": id})
	if len(entries) != before+1 {
		t.Fatalf("%d new trail entries, want 1", len(entries)-before)
	}
	var fields []string
	for _, c := range entries[len(entries)-1].Changes {
		fields = append(fields, c.Field)
	}
	if !slices.Contains(fields, "displayName") || !slices.Contains(fields, "password") {
		t.Errorf("the entry records %v, want displayName and password", fields)
	}
	if r := s.as(session).post(`{ me { username } }`, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("the session from before the new password: status %d, want 401", r.Status)
	}
	s.signIn("hedda", "ett nytt långt lösenord")
}

// A token whose user another process deleted (the user command), while
// the server still keeps the token's viewer (up to
// accounts.ViewerCacheTTL), is a token that is no longer valid:
// UNAUTHENTICATED, as once the viewer is read again, not NOT_FOUND.
func TestATokenOfAUserDeletedElsewhereIsNotValid(t *testing.T) {
	_, erik := deletedElsewhere(t, auth.RoleViewer)
	e := erik.wantError(`{ me { username } }`, nil, "UNAUTHENTICATED", "")
	if e.Message != accounts.ErrInvalidToken.Error() {
		t.Errorf("message %q, want %q", e.Message, accounts.ErrInvalidToken.Error())
	}
}

// A write by a token whose user another process deleted, while the server
// still keeps the token's viewer, cannot record its actor: the same
// CONSTRAINT on both databases (on PostgreSQL the audit entry meets the
// missing user at COMMIT), never INTERNAL, and nothing written.
func TestAWriteOfAUserDeletedElsewhereIsRefused(t *testing.T) {
	s, erik := deletedElsewhere(t, auth.RoleAdmin)
	id := s.idOf("activities", "{}")
	var before struct{ Node struct{ Status string } }
	s.must(`query($id: ID!) { node(id: $id) { ... on Activity { status } } }`, map[string]any{"id": id}, &before)
	status := "DONE"
	if before.Node.Status == status {
		status = "ONGOING"
	}
	e := erik.wantError(`mutation($id: ID!, $s: ActivityStatus!) { updateActivity(id: $id, input: {status: $s}) { id } }`,
		map[string]any{"id": id, "s": status}, "CONSTRAINT", "")
	if e.Message != "the change refers to a record that does not exist" {
		t.Errorf("message %q", e.Message)
	}
	var after struct{ Node struct{ Status string } }
	s.must(`query($id: ID!) { node(id: $id) { ... on Activity { status } } }`, map[string]any{"id": id}, &after)
	if after.Node.Status != before.Node.Status {
		t.Errorf("the refused change was written: status %s, was %s", after.Node.Status, before.Node.Status)
	}
}

// deletedElsewhere returns a server and, as seen by erik (of the role
// given), the same server after another process deleted erik while the
// server keeps erik's viewer.
func deletedElsewhere(t *testing.T, role auth.Role) (s, erik *testServer) {
	t.Helper()
	s = newTestServer(t)
	u := accountstest.User(t, s.client, "erik", role, nil, nil)
	erik = s.as(accountstest.Session(t, s.client, u))
	erik.must(`{ me { username } }`, nil, nil) // the server keeps erik's viewer
	other := s.db.Client()                     // another process's: this server is not told
	t.Cleanup(func() { other.Close() })
	if err := accounts.DeleteUser(context.Background(), other, "erik"); err != nil {
		t.Fatal(err)
	}
	return s, erik
}
