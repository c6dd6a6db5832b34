package server_test

import (
	"slices"
	"strconv"
	"testing"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
)

// TestEveryChangeIsRecordedCascadesIncluded: deleting a plan records the
// plan and every record that went with it, each with its values and links;
// clearing links records what was removed; deleting a municipality records
// the institutions it was home to and the editors whose scope it left.
func TestEveryChangeIsRecordedCascadesIncluded(t *testing.T) {
	s := newTestServer(t)
	orebro := s.idOf("municipalities", `{code: "1880"}`)
	laxa := s.idOf("municipalities", `{code: "1860"}`)

	plan := s.create(`mutation { createPlan(input: {name: "Kulturplan", region: "Region Örebro län", firstYear: 2024, lastYear: 2027}) { id } }`, nil)
	goal := s.create(`mutation($p: ID!) { createGoal(input: {planID: $p, number: 1, title: "Barn och unga"}) { id } }`, map[string]any{"p": plan})
	heading := s.create(`mutation($g: ID!) { createObjective(input: {goalID: $g, title: "Skola"}) { id } }`, map[string]any{"g": goal})
	activity := s.create(`mutation($o: ID!, $m: [ID!]) { createActivity(input: {objectiveID: $o, title: "Läslyft", municipalityIDs: $m}) { id } }`,
		map[string]any{"o": heading, "m": []string{orebro, laxa}})
	followUp := s.create(`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2024-12-31T00:00:00Z", text: "Har börjat."}) { id } }`,
		map[string]any{"a": activity})

	t.Run("ClearingLinksIsRecorded", func(t *testing.T) {
		s := s.withT(t)
		s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {clearMunicipalities: true}) { id } }`, map[string]any{"id": activity}, nil)
		entries := s.trail(map[string]any{"objectID": activity, "action": "UPDATE"})
		if len(entries) != 1 {
			t.Fatalf("%d update entries for the activity, want 1", len(entries))
		}
		if _, _, added, removed := entries[0].change(t, "municipalities"); len(added) != 0 || !sameIDs(removed, orebro, laxa) {
			t.Errorf("clearing recorded added %v, removed %v; want removed Örebro and Laxå", added, removed)
		}
		// Clear and add in one update: only the difference is recorded.
		s.must(`mutation($id: ID!, $m: [ID!]) { updateActivity(id: $id, input: {addMunicipalityIDs: $m}) { id } }`,
			map[string]any{"id": activity, "m": []string{orebro, laxa}}, nil)
		s.must(`mutation($id: ID!, $m: [ID!]) { updateActivity(id: $id, input: {clearMunicipalities: true, addMunicipalityIDs: $m}) { id } }`,
			map[string]any{"id": activity, "m": []string{orebro}}, nil)
		entries = s.trail(map[string]any{"objectID": activity, "action": "UPDATE"})
		if _, _, added, removed := entries[len(entries)-1].change(t, "municipalities"); len(added) != 0 || !sameIDs(removed, laxa) {
			t.Errorf("clear and re-add recorded added %v, removed %v; want removed Laxå only", added, removed)
		}
	})

	t.Run("DeletingAPlanRecordsEveryRecordThatWentWithIt", func(t *testing.T) {
		s := s.withT(t)
		before := s.auditCount()
		s.must(`mutation($id: ID!) { deletePlan(id: $id) }`, map[string]any{"id": plan}, nil)
		if n := s.auditCount() - before; n != 5 {
			t.Errorf("deletePlan wrote %d audit entries, want 5 (plan, goal, heading, activity, follow-up)", n)
		}
		for _, want := range []struct{ typ, id, field, old string }{
			{"Plan", plan, "name", "Kulturplan"},
			{"Goal", goal, "title", "Barn och unga"},
			{"Objective", heading, "title", "Skola"},
			{"Activity", activity, "title", "Läslyft"},
			{"FollowUp", followUp, "text", "Har börjat."},
		} {
			entries := s.trail(map[string]any{"objectID": want.id, "action": "DELETE"})
			if len(entries) != 1 {
				t.Errorf("%s %s: %d delete entries, want 1", want.typ, want.id, len(entries))
				continue
			}
			e := entries[0]
			if e.ObjectType != want.typ || e.ActorName != "admin" || e.RequestID == "" {
				t.Errorf("entry %s %s by %q, request %q; want %s by admin", e.ObjectType, e.ObjectID, e.ActorName, e.RequestID, want.typ)
			}
			if old, _, _, _ := e.change(t, want.field); old != want.old {
				t.Errorf("%s deleted with %s %v, want %q", want.typ, want.field, old, want.old)
			}
		}
		activityEntry := s.trail(map[string]any{"objectID": activity, "action": "DELETE"})[0]
		if _, _, _, removed := activityEntry.change(t, "municipalities"); !sameIDs(removed, orebro) {
			t.Errorf("the deleted activity's links: removed %v, want Örebro", removed)
		}
	})

	t.Run("DeletingAMunicipalityRecordsWhatPointedAtIt", func(t *testing.T) {
		s := s.withT(t)
		town := s.create(`mutation { createMunicipality(input: {code: "0114", name: "Upplands Väsby"}) { id } }`, nil)
		museum := s.create(`mutation($m: ID!) { createInstitution(input: {name: "Väsby konsthall", municipalityID: $m}) { id } }`, map[string]any{"m": town})
		linkedActivity := s.idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
		s.must(`mutation($id: ID!, $m: ID!) { updateActivity(id: $id, input: {addMunicipalityIDs: [$m]}) { id } }`, map[string]any{"id": linkedActivity, "m": town}, nil)
		editor := accountstest.User(t, s.client, "vera", auth.RoleEditor, []int{mustAtoi(t, town)}, nil)

		s.must(`mutation($id: ID!) { deleteMunicipality(id: $id) }`, map[string]any{"id": town}, nil)
		deleted := s.trail(map[string]any{"objectID": town, "action": "DELETE"})
		if len(deleted) != 1 {
			t.Fatalf("%d delete entries for the municipality", len(deleted))
		}
		if _, _, _, removed := deleted[0].change(t, "activities"); !sameIDs(removed, linkedActivity) {
			t.Errorf("the municipality's links: removed %v, want %s", removed, linkedActivity)
		}
		home := s.trail(map[string]any{"objectID": museum, "action": "UPDATE"})
		if len(home) != 1 {
			t.Fatalf("%d update entries for the institution, want 1", len(home))
		}
		if old, new, _, _ := home[0].change(t, "municipalityID"); old != float64(mustAtoi(t, town)) || new != nil {
			t.Errorf("the institution's home %v → %v, want %s → null", old, new, town)
		}
		scope := s.trail(map[string]any{"objectID": strconv.Itoa(editor.ID), "action": "UPDATE"})
		if len(scope) != 1 {
			t.Fatalf("%d update entries for the editor, want 1", len(scope))
		}
		if _, _, _, removed := scope[0].change(t, "municipalities"); !sameIDs(removed, town) {
			t.Errorf("the editor's scope: removed %v, want %s", removed, town)
		}
		var data struct{ Node struct{ Version int } }
		s.must(`query($id: ID!) { node(id: $id) { ... on Institution { version } } }`, map[string]any{"id": museum}, &data)
		if data.Node.Version != 2 {
			t.Errorf("the institution's version = %d, want 2: losing its home is a change", data.Node.Version)
		}
	})

	t.Run("DeletingAUserRecordsItsTokens", func(t *testing.T) {
		s := s.withT(t)
		user := s.create(`mutation { createUser(input: {username: "rapport", displayName: "Rapport"}, password: "ett långt lösenord") { id } }`, nil)
		var issued struct {
			CreateAPIToken struct{ Record struct{ ID string } }
		}
		s.must(`mutation($u: ID!) { createAPIToken(input: {name: "Kolada", userID: $u}) { record { id } } }`, map[string]any{"u": user}, &issued)
		s.must(`mutation($id: ID!) { deleteUser(id: $id) }`, map[string]any{"id": user}, nil)
		if got := s.trail(map[string]any{"objectID": issued.CreateAPIToken.Record.ID, "action": "DELETE"}); len(got) != 1 || got[0].ObjectType != "Token" {
			t.Errorf("the user's token: delete entries %+v, want one", got)
		}
	})
}

// TestAnUpdateThatChangesNothingLeavesNoTrace: an update that sets every
// field to the value it has, adds a link that is there and removes one
// that is not, neither raises the version nor writes an entry; a real
// change afterwards does both.
func TestAnUpdateThatChangesNothingLeavesNoTrace(t *testing.T) {
	s := newTestServer(t)
	activity := s.idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
	orebro := s.idOf("municipalities", `{code: "1880"}`)
	laxa := s.idOf("municipalities", `{code: "1860"}`)
	const update = `mutation($id: ID!, $input: UpdateActivityInput!) { updateActivity(id: $id, input: $input) { title version } }`
	s.must(update, map[string]any{"id": activity, "input": map[string]any{"addMunicipalityIDs": []string{orebro}, "startDate": "2021-01-01T00:00:00Z", "lead": "Region"}}, nil)
	var data struct {
		UpdateActivity struct {
			Title   string
			Version int
		}
	}

	for _, tc := range []struct {
		name  string
		input map[string]any
	}{
		{"SameValues", map[string]any{"title": "Samverkan kring Barnkulturplaner", "status": "PLANNED", "lead": "Region", "startDate": "2021-01-01T00:00:00Z", "firstYear": 2020}},
		{"SameTimeInAnotherZone", map[string]any{"startDate": "2021-01-01T01:00:00+01:00"}},
		{"LinkThatIsThere", map[string]any{"addMunicipalityIDs": []string{orebro}}},
		{"UnlinkThatIsNot", map[string]any{"removeMunicipalityIDs": []string{laxa}}},
		{"SameValuesBasedOnTheVersion", map[string]any{"title": "Samverkan kring Barnkulturplaner", "version": 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entries := s.auditCount()
			s.must(update, map[string]any{"id": activity, "input": tc.input}, &data)
			if data.UpdateActivity.Version != 2 || data.UpdateActivity.Title != "Samverkan kring Barnkulturplaner" {
				t.Errorf("after an update that changes nothing: %+v, want version 2", data.UpdateActivity)
			}
			if n := s.auditCount() - entries; n != 0 {
				t.Errorf("an update that changes nothing wrote %d audit entries", n)
			}
		})
	}
	t.Run("ErrStaleVersionStillConflicts", func(t *testing.T) {
		s.withT(t).wantError(update, map[string]any{"id": activity, "input": map[string]any{"version": 1}}, "CONFLICT", "version")
	})
	t.Run("OKARealChange", func(t *testing.T) {
		entries := s.auditCount()
		s.withT(t).must(update, map[string]any{"id": activity, "input": map[string]any{"title": "Barnkulturplaner", "version": 2}}, &data)
		if data.UpdateActivity.Version != 3 || s.auditCount()-entries != 1 {
			t.Errorf("a real change: version %d, %d entries; want 3 and 1", data.UpdateActivity.Version, s.auditCount()-entries)
		}
	})
	t.Run("OtherTypes", func(t *testing.T) {
		s := s.withT(t)
		entries := s.auditCount()
		var m struct{ UpdateMunicipality struct{ Version int } }
		s.must(`mutation($id: ID!) { updateMunicipality(id: $id, input: {code: "1880", name: "Örebro"}) { version } }`, map[string]any{"id": orebro}, &m)
		var u struct{ UpdateUser struct{ Version int } }
		me := s.idOf("users", `{username: "admin"}`)
		s.must(`mutation($id: ID!) { updateUser(id: $id, input: {username: "ADMIN", role: ADMIN}) { version } }`, map[string]any{"id": me}, &u)
		if m.UpdateMunicipality.Version != 1 || u.UpdateUser.Version != 1 || s.auditCount() != entries {
			t.Errorf("versions %d and %d, %d entries; want 1, 1 and none", m.UpdateMunicipality.Version, u.UpdateUser.Version, s.auditCount()-entries)
		}
	})
}

// sameIDs reports whether the ids are the wanted ones, in any order.
func sameIDs(got []string, want ...string) bool {
	got, want = slices.Clone(got), slices.Clone(want)
	slices.Sort(got)
	slices.Sort(want)
	return slices.Equal(got, want)
}
