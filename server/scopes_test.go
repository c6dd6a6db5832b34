package server_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
)

const (
	createEditor = `mutation($u: String!, $m: [ID!], $i: [ID!]) {
  createUser(input: {username: $u, displayName: $u, role: EDITOR, municipalityIDs: $m, institutionIDs: $i}, password: "ett långt lösenord") { id } }`
	updateLinks = `mutation($id: ID!, $input: UpdateActivityInput!) { updateActivity(id: $id, input: $input) { id } }`
)

// editorSession creates an editor through the API with the scope given and
// signs it in.
func (s *testServer) editorSession(username string, municipalities, institutions []string) string {
	s.t.Helper()
	s.create(createEditor, map[string]any{"u": username, "m": municipalities, "i": institutions})
	return s.signIn(username, "ett långt lösenord")
}

// municipalitiesOf returns the ids of the municipalities an activity's
// links name, sorted.
func (s *testServer) municipalitiesOf(activity string) []string {
	s.t.Helper()
	var data struct {
		Node struct {
			Municipalities struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	s.must(`query($id: ID!) { node(id: $id) { ... on Activity { municipalities { edges { node { id } } } } } }`,
		map[string]any{"id": activity}, &data)
	var ids []string
	for _, e := range data.Node.Municipalities.Edges {
		ids = append(ids, e.Node.ID)
	}
	slices.Sort(ids)
	return ids
}

// Any number of editors share a municipality, and an editor's scope may
// hold several: scopes are many-to-many.
func TestEditorsShareAScope(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	status := `mutation($id: ID!, $s: ActivityStatus!) { updateActivity(id: $id, input: {status: $s}) { id } }`

	t.Run("OKTwoEditorsForÖrebro", func(t *testing.T) {
		anna := s.editorSession("anna", []string{f.orebro}, nil)
		bertil := s.editorSession("bertil", []string{f.orebro}, nil)
		s.as(anna).must(status, map[string]any{"id": f.ours, "s": "ONGOING"}, nil)
		s.as(bertil).must(status, map[string]any{"id": f.ours, "s": "DONE"}, nil)
		// A third joins by updateUser; the others keep Örebro.
		cecilia := s.create(`mutation { createUser(input: {username: "cecilia", displayName: "Cecilia", role: EDITOR}, password: "ett långt lösenord") { id } }`, nil)
		s.must(`mutation($id: ID!, $m: ID!) { updateUser(id: $id, input: {addMunicipalityIDs: [$m]}) { id } }`,
			map[string]any{"id": cecilia, "m": f.orebro}, nil)
		var data struct {
			Users struct {
				Edges []struct {
					Node struct {
						Username       string
						Municipalities []struct{ ID string }
					}
				}
			}
		}
		s.must(`{ users(first: 10, where: {role: EDITOR}) { edges { node { username municipalities { id } } } } }`, nil, &data)
		for _, e := range data.Users.Edges {
			if len(e.Node.Municipalities) != 1 || e.Node.Municipalities[0].ID != f.orebro {
				t.Errorf("%s's scope = %v, want Örebro (%s)", e.Node.Username, e.Node.Municipalities, f.orebro)
			}
		}
		if len(data.Users.Edges) != 3 {
			t.Errorf("%d editors, want 3", len(data.Users.Edges))
		}
		s.as(anna).must(status, map[string]any{"id": f.ours, "s": "ONGOING"}, nil)
	})

	t.Run("OKOneEditorForTwoMunicipalities", func(t *testing.T) {
		david := s.editorSession("david", []string{f.orebro, f.laxa}, nil)
		s.as(david).must(status, map[string]any{"id": f.ours, "s": "PLANNED"}, nil)
		s.as(david).must(status, map[string]any{"id": f.theirs, "s": "PLANNED"}, nil)
	})
}

// An editor changes only the links of its scope, and never removes the last
// of them: it could not edit the activity again, not even to undo that.
func TestEditorCannotLockItselfOut(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	createActivity := `mutation($h: ID!, $m: [ID!], $i: [ID!]) { createActivity(input: {objectiveID: $h, title: "Gemensam", municipalityIDs: $m, institutionIDs: $i}) { id } }`
	orebroEditor := s.editorSession("orebro.redaktor", []string{f.orebro}, nil)
	bothEditor := s.editorSession("lan.redaktor", []string{f.orebro, f.laxa}, nil)
	museumEditor := s.editorSession("museum.redaktor", []string{f.orebro}, []string{f.institution})

	forbidden := func(t *testing.T, token, activity string, input map[string]any, says string) {
		t.Helper()
		e := s.as(token).wantError(updateLinks, map[string]any{"id": activity, "input": input}, "FORBIDDEN", "")
		if !strings.Contains(e.Message, says) {
			t.Errorf("message %q does not say %q", e.Message, says)
		}
	}
	for _, tc := range []struct {
		name  string
		input map[string]any
		says  string
	}{
		{"ErrRemoveTheLastOfItsScope", map[string]any{"removeMunicipalityIDs": []string{f.orebro}}, "may not remove the last municipality or institution of its scope"},
		{"ErrClearTheLastOfItsScope", map[string]any{"clearMunicipalities": true}, "may not remove the last municipality or institution of its scope"},
		{"ErrAddOutsideItsScope", map[string]any{"addMunicipalityIDs": []string{f.laxa}}, "only the municipalities and institutions of its own scope"},
		{"ErrAddInstitutionOutsideItsScope", map[string]any{"addInstitutionIDs": []string{f.institution}}, "only the municipalities and institutions of its own scope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forbidden(t, orebroEditor, f.ours, tc.input, tc.says)
			if got := s.municipalitiesOf(f.ours); !slices.Equal(got, []string{f.orebro}) {
				t.Errorf("links after a refused change = %v, want [%s]", got, f.orebro)
			}
			s.as(orebroEditor).must(updateLinks, map[string]any{"id": f.ours, "input": map[string]any{"lead": "Kulturförvaltningen"}}, nil)
		})
	}

	t.Run("ErrRemoveOutsideItsScope", func(t *testing.T) {
		shared := s.create(createActivity, map[string]any{"h": f.heading, "m": []string{f.orebro, f.laxa}})
		forbidden(t, orebroEditor, shared, map[string]any{"removeMunicipalityIDs": []string{f.laxa}}, "only the municipalities and institutions of its own scope")
		forbidden(t, orebroEditor, shared, map[string]any{"clearMunicipalities": true, "addMunicipalityIDs": []string{f.orebro}}, "only the municipalities and institutions of its own scope")
	})

	t.Run("OKRemoveOneOfTwoOfItsScopeAndAddItBack", func(t *testing.T) {
		shared := s.create(createActivity, map[string]any{"h": f.heading, "m": []string{f.orebro, f.laxa}})
		s.as(bothEditor).must(updateLinks, map[string]any{"id": shared, "input": map[string]any{"removeMunicipalityIDs": []string{f.laxa}}}, nil)
		forbidden(t, bothEditor, shared, map[string]any{"removeMunicipalityIDs": []string{f.orebro}}, "may not remove the last")
		s.as(bothEditor).must(updateLinks, map[string]any{"id": shared, "input": map[string]any{"addMunicipalityIDs": []string{f.laxa}}}, nil)
		if got, want := s.municipalitiesOf(shared), sortedIDs(f.orebro, f.laxa); !slices.Equal(got, want) {
			t.Errorf("links = %v, want %v", got, want)
		}
	})

	t.Run("OKRemoveTheMunicipalityWhileAnInstitutionOfItsScopeStays", func(t *testing.T) {
		shared := s.create(createActivity, map[string]any{"h": f.heading, "m": []string{f.orebro}, "i": []string{f.institution}})
		s.as(museumEditor).must(updateLinks, map[string]any{"id": shared, "input": map[string]any{"removeMunicipalityIDs": []string{f.orebro}}}, nil)
		forbidden(t, museumEditor, shared, map[string]any{"clearInstitutions": true}, "may not remove the last")
		s.as(museumEditor).must(updateLinks, map[string]any{"id": shared, "input": map[string]any{"addMunicipalityIDs": []string{f.orebro}}}, nil)
	})

	t.Run("OKClearAndAddBackIsNoChange", func(t *testing.T) {
		s.as(orebroEditor).must(updateLinks, map[string]any{"id": f.ours, "input": map[string]any{"clearMunicipalities": true, "addMunicipalityIDs": []string{f.orebro}}}, nil)
	})

	t.Run("ErrNotItsActivityAsBefore", func(t *testing.T) {
		forbidden(t, orebroEditor, f.theirs, map[string]any{"addMunicipalityIDs": []string{f.orebro}}, "your role does not allow this change")
	})

	t.Run("OKAdminRemovesAnyLink", func(t *testing.T) {
		s.must(updateLinks, map[string]any{"id": f.theirs, "input": map[string]any{"clearMunicipalities": true}}, nil)
	})

	// Two requests at once, each removing one of the only two links of
	// the editor's scope: each alone would be allowed, both together
	// would lock the editor out. One wins; the other is judged on the
	// links the first left. (On PostgreSQL both read the links before
	// either wrote, and both were allowed, until the stored activity was
	// read locked before the policies run.)
	t.Run("OKRemovingTheLastTwoAtOnceKeepsOne", func(t *testing.T) {
		for round := range 10 {
			shared := s.create(createActivity, map[string]any{"h": f.heading, "m": []string{f.orebro, f.laxa}})
			answers := make([]gqlResponse, 2)
			remove := func(i int, m string) func() {
				return func() {
					answers[i] = s.as(bothEditor).post(updateLinks, map[string]any{"id": shared, "input": map[string]any{"removeMunicipalityIDs": []string{m}}})
				}
			}
			atOnce(remove(0, f.orebro), remove(1, f.laxa))
			won := 0
			for _, a := range answers {
				switch {
				case len(a.Errors) == 0:
					won++
				case a.Errors[0].Extensions.Code != "FORBIDDEN" || !strings.Contains(a.Errors[0].Message, "may not remove the last"):
					t.Errorf("round %d: %s %q, want FORBIDDEN for the last of its scope", round, a.Errors[0].Extensions.Code, a.Errors[0].Message)
				}
			}
			if got := s.municipalitiesOf(shared); won != 1 || len(got) != 1 {
				t.Fatalf("round %d: %d of 2 removals allowed, links left %v; want 1 and one link", round, won, got)
			}
		}
	})

	// The scope checked is the one the editor has now, set through the API.
	t.Run("OKEditorsOwnScopeFromAccounts", func(t *testing.T) {
		u := accountstest.User(t, s.client, "direkt", auth.RoleEditor, []int{mustAtoi(t, f.orebro), mustAtoi(t, f.laxa)}, nil)
		tok := accountstest.Session(t, s.client, u)
		shared := s.create(createActivity, map[string]any{"h": f.heading, "m": []string{f.orebro, f.laxa}})
		s.as(tok).must(updateLinks, map[string]any{"id": shared, "input": map[string]any{"removeMunicipalityIDs": []string{f.orebro}}}, nil)
	})
}

func sortedIDs(ids ...string) []string {
	slices.Sort(ids)
	return ids
}

// The filter viewerCanUpdate: true selects exactly the activities whose
// field viewerCanUpdate is true (what the policies let the viewer update),
// false exactly the others, for every role and under a closed plan; the
// compiled reads answer it without falling back and with the resolvers'
// bytes, at the root, nested and combined. The same query asked by one
// viewer after another gets each its own answer: a statement made for one
// viewer is not kept for the next.
func TestActivitiesTheViewerCanUpdate(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	oracle := s.resolvers()
	editor := s.editorSession("redaktor", []string{f.orebro}, []string{f.institution})
	viewer := accountstest.Session(t, s.client, accountstest.User(t, s.client, "lasare", auth.RoleViewer, nil, nil))
	var api struct{ CreateAPIToken struct{ Token string } }
	s.must(`mutation { createAPIToken(input: {name: "Rapporter"}) { token } }`, nil, &api)

	const filtered = `query($can: Boolean!) { activities(first: 100, where: {viewerCanUpdate: $can}) { totalCount edges { node { id } } } }`
	const field = `{ activities(first: 100) { edges { node { id viewerCanUpdate } } } }`
	ids := func(who string, c *testServer, can bool) map[string]bool {
		t.Helper()
		r := c.post(filtered, map[string]any{"can": can})
		if len(r.Errors) > 0 {
			t.Fatalf("%s, viewerCanUpdate: %v: %+v", who, can, r.Errors)
		}
		if n := r.Header.Get(samverkan.ReadFallbacksHeader); n != "" {
			t.Errorf("%s, viewerCanUpdate: %v: %s root fields fell back to the resolvers", who, can, n)
		}
		if want := oracle.as(c.token).post(filtered, map[string]any{"can": can}); string(r.Data) != string(want.Data) {
			t.Errorf("%s, viewerCanUpdate: %v: compiled %s, resolvers %s", who, can, r.Data, want.Data)
		}
		var data struct {
			Activities struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
			}
		}
		if err := json.Unmarshal(r.Data, &data); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, e := range data.Activities.Edges {
			out[e.Node.ID] = true
		}
		if len(out) != data.Activities.TotalCount {
			t.Fatalf("%s: %d activities of %d on the page", who, len(out), data.Activities.TotalCount)
		}
		return out
	}
	// check asks as token, and wants of the activities ours, viaMuseum and
	// theirs whether each may be updated.
	check := func(who, token string, want func(can, total, n int) bool, ours, viaMuseum, theirs bool) {
		t.Helper()
		c := s.as(token)
		yes, no := ids(who, c, true), ids(who, c, false)
		var data struct {
			Activities struct {
				Edges []struct {
					Node struct {
						ID              string
						ViewerCanUpdate bool
					}
				}
			}
		}
		c.must(field, nil, &data)
		for _, e := range data.Activities.Edges {
			n := e.Node
			if yes[n.ID] == no[n.ID] {
				t.Errorf("%s: activity %s is in the answers to true and to false alike (%v)", who, n.ID, yes[n.ID])
			}
			if yes[n.ID] != n.ViewerCanUpdate {
				t.Errorf("%s: activity %s: in the answer to true %v, but its viewerCanUpdate is %v", who, n.ID, yes[n.ID], n.ViewerCanUpdate)
			}
		}
		if len(yes)+len(no) != len(data.Activities.Edges) {
			t.Errorf("%s: %d + %d activities, of %d", who, len(yes), len(no), len(data.Activities.Edges))
		}
		if !want(len(yes), len(data.Activities.Edges), len(no)) {
			t.Errorf("%s: %d of %d activities may be updated", who, len(yes), len(data.Activities.Edges))
		}
		for _, a := range []struct {
			id   string
			want bool
		}{{f.ours, ours}, {f.viaMuseum, viaMuseum}, {f.theirs, theirs}} {
			if yes[a.id] != a.want {
				t.Errorf("%s: activity %s in the answer to true: %v, want %v", who, a.id, yes[a.id], a.want)
			}
		}
	}
	all := func(can, total, _ int) bool { return can == total }
	some := func(can, total, _ int) bool { return can > 0 && can < total }
	none := func(can, _, _ int) bool { return can == 0 }
	// One after another with the same query and variables: the editor
	// between the admin and the viewer, and again after them.
	check("admin", s.token, all, true, true, true)
	check("editor", editor, some, true, true, false)
	check("viewer", viewer, none, false, false, false)
	check("API token", api.CreateAPIToken.Token, none, false, false, false)
	check("anonymous", "", none, false, false, false)
	check("editor again", editor, some, true, true, false)

	// Nested and combined with other filters, compiled as the resolvers
	// answer them.
	for _, q := range []string{
		`{ municipalities(where: {code: "1880"}) { edges { node { code activities(where: {viewerCanUpdate: true}) { totalCount edges { node { title } } } } } } }`,
		`{ municipalities(where: {hasActivitiesWith: {viewerCanUpdate: true}}) { totalCount edges { node { code } } } }`,
		`{ activities(where: {or: [{viewerCanUpdate: true, titleContainsFold: "aktivitet"}, {not: {viewerCanUpdate: false}, status: DONE}]}) { totalCount edges { node { title } } } }`,
	} {
		for who, token := range map[string]string{"admin": s.token, "editor": editor, "viewer": viewer} {
			got, want := s.as(token).post(q, nil), oracle.as(token).post(q, nil)
			if len(got.Errors) > 0 || string(got.Data) != string(want.Data) || got.Header.Get(samverkan.ReadFallbacksHeader) != "" {
				t.Errorf("%s: compiled %s %+v (fallbacks %q), resolvers %s\nquery: %s", who, got.Data, got.Errors, got.Header.Get(samverkan.ReadFallbacksHeader), want.Data, q)
			}
		}
	}

	// Under a closed plan an editor updates none of its activities; an
	// admin every one.
	s.must(setPlanState, map[string]any{"id": f.plan, "state": "CLOSED"}, nil)
	check("admin, plan closed", s.token, all, true, true, true)
	check("editor, plan closed", editor, func(int, int, int) bool { return true }, false, false, false)
}
