package server_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
)

// An editor reads the history of the records it may edit (the activities
// of its scope, their follow-ups, its municipalities' indicator values) and
// nothing else of the trail: asking for more gives fewer entries, never
// another record's. The compiled reads leave the narrowed trail to ent's
// query, which carries the condition; a viewer and an API token still read
// none of it.
func TestEditorsReadTheHistoryOfWhatTheyMayEdit(t *testing.T) {
	s := newTestServer(t)
	f := newIndicatorFixture(s)
	heading := f.heading
	mine := s.create(`mutation($h: ID!, $m: ID!) { createActivity(input: {objectiveID: $h, title: "Örebros aktivitet", municipalityIDs: [$m]}) { id } }`,
		map[string]any{"h": heading, "m": f.orebro})
	theirs := s.create(`mutation($h: ID!, $m: ID!) { createActivity(input: {objectiveID: $h, title: "Laxås aktivitet", municipalityIDs: [$m]}) { id } }`,
		map[string]any{"h": heading, "m": f.laxa})
	followUp := func(activity string) string {
		return s.create(`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2021-06-30T00:00:00Z", text: "Halvår"}) { id } }`, map[string]any{"a": activity})
	}
	myFollowUp, theirFollowUp := followUp(mine), followUp(theirs)
	value := func(municipality string) string {
		return s.create(createValue, map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2021, "value": 120, "municipalityID": municipality}})
	}
	myValue, theirValue := value(f.orebro), value(f.laxa)
	editor := accountstest.Session(t, s.client, accountstest.User(t, s.client, "erik", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil))
	s.as(editor).must(`mutation($id: ID!) { updateActivity(id: $id, input: {status: ONGOING}) { id } }`, map[string]any{"id": mine}, nil)

	t.Run("OnlyTheRecordsOfItsScope", func(t *testing.T) {
		s := s.withT(t)
		var got []string
		for _, e := range s.as(editor).history(nil) {
			got = append(got, e.ObjectType+" "+e.ObjectID+" "+e.Action)
		}
		want := []string{"Activity " + mine + " CREATE", "FollowUp " + myFollowUp + " CREATE", "IndicatorValue " + myValue + " CREATE", "Activity " + mine + " UPDATE"}
		if !slices.Equal(got, want) {
			t.Errorf("the editor reads\n%q, want\n%q", got, want)
		}
		// The admin reads them all: plans, users and the other activity too.
		if all := len(s.trail(nil)); all <= len(want) {
			t.Errorf("the admin reads %d entries, want more than the editor's %d", all, len(want))
		}
	})

	t.Run("AnotherRecordsHistoryIsEmpty", func(t *testing.T) {
		s := s.withT(t)
		for _, id := range []string{theirs, theirFollowUp, theirValue, f.perMunicipality} {
			if got := s.as(editor).history(map[string]any{"objectID": id}); len(got) != 0 {
				t.Errorf("the editor reads %d entries of %s, want none", len(got), id)
			}
		}
		if got := s.as(editor).history(map[string]any{"objectID": mine}); len(got) != 2 {
			t.Errorf("the editor reads %d entries of its activity, want 2", len(got))
		}
		var count struct{ AuditEntries struct{ TotalCount int } }
		s.as(editor).must(`{ auditEntries(where: {objectType: "User"}) { totalCount } }`, nil, &count)
		if count.AuditEntries.TotalCount != 0 {
			t.Errorf("the editor counts %d entries of users, want 0", count.AuditEntries.TotalCount)
		}
	})

	t.Run("NotByIDEither", func(t *testing.T) {
		s := s.withT(t)
		var entries struct {
			AuditEntries struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		s.must(`query($id: ID!) { auditEntries(where: {objectID: $id}) { edges { node { id } } } }`, map[string]any{"id": theirs}, &entries)
		other := entries.AuditEntries.Edges[0].Node.ID
		var node struct{ Node *struct{ ID string } }
		r := s.as(editor).post(`query($id: ID!) { node(id: $id) { id ... on AuditEntry { objectID } } }`, map[string]any{"id": other})
		if len(r.Errors) == 0 {
			if err := json.Unmarshal(r.Data, &node); err != nil || node.Node != nil {
				t.Errorf("the editor reads another record's entry by its id: %s", r.Data)
			}
		} else if code := r.Errors[0].Extensions.Code; code != "NOT_FOUND" {
			t.Errorf("the editor's node(id:) of another record's entry is %s, want NOT_FOUND", code)
		}
	})

	t.Run("ViewersAndAPITokensStillReadNone", func(t *testing.T) {
		s := s.withT(t)
		viewer := accountstest.Session(t, s.client, accountstest.User(t, s.client, "vera", auth.RoleViewer, nil, nil))
		s.as(viewer).wantError(`{ auditEntries { totalCount } }`, nil, "FORBIDDEN", "")
		var issued struct{ CreateAPIToken struct{ Token string } }
		s.must(`mutation($u: ID!) { createAPIToken(input: {name: "Rapport", userID: $u}) { token } }`,
			map[string]any{"u": s.idOf("users", `{username: "erik"}`)}, &issued)
		s.as(issued.CreateAPIToken.Token).wantError(`{ auditEntries { totalCount } }`, nil, "FORBIDDEN", "")
	})
}

// history reads the audit trail as trail does, without the actor (a User,
// which only admins read; actorName names who it was).
func (s *testServer) history(where map[string]any) []auditEntry {
	s.t.Helper()
	var data struct {
		AuditEntries struct {
			Edges []struct{ Node auditEntry }
		}
	}
	s.must(`query($where: AuditEntryWhereInput) { auditEntries(first: 100, where: $where, orderBy: {field: AT}) { edges { node {
		at action objectType objectID actorName changes { field old new added removed } } } } }`, map[string]any{"where": where}, &data)
	var out []auditEntry
	for _, e := range data.AuditEntries.Edges {
		out = append(out, e.Node)
	}
	return out
}
