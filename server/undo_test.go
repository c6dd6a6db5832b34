package server_test

import (
	"bytes"
	"testing"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
)

// planAsItIs reads a plan with everything under it: what a restore must
// bring back byte for byte (ids, values, times, versions, links, status
// history, indicators with their targets and values).
const planAsItIs = `query($id: ID!) { node(id: $id) { ... on Plan {
	id name region firstYear lastYear version createdAt updatedAt
	goals(first: 3) { edges { node { id number title focusAreas version createdAt updatedAt
		actors(first: 3) { edges { node { id name } } }
		assessments(first: 3) { edges { node { id year light text version } } }
		objectives(first: 3) { edges { node { id title version createdAt updatedAt
			activities(first: 3) { edges { node { id title description status firstYear lastYear version createdAt updatedAt
				municipalities(first: 3) { edges { node { id code name } } }
				institutions(first: 3) { edges { node { id name } } }
				statusChanges(first: 3) { edges { node { fromStatus toStatus at } } }
				followUps(first: 3) { edges { node { id date text status version createdAt updatedAt } } }
				indicators(first: 3) { edges { node { id name unit scope baselineValue baselineYear version createdAt
					targets(first: 3) { edges { node { id year value version } } }
					values(first: 3) { edges { node { id year period value municipality { id } version } } } } } } } } } } } } } } }
	statusChangesByYear { year changes created }
} } }`

// undoFixture is a plan of the test's own: a goal with an actor and an
// assessment, a heading, an activity with two municipalities and an
// institution and a status history, its follow-up and its indicator with a
// target and a value.
type undoFixture struct {
	plan, goal, heading, activity, followUp, indicator string
	orebro, laxa, institution                          string
}

func newUndoFixture(s *testServer) undoFixture {
	s.t.Helper()
	f := undoFixture{orebro: s.idOf("municipalities", `{code: "1880"}`), laxa: s.idOf("municipalities", `{code: "1860"}`)}
	f.institution = s.idOf("institutions", `{}`)
	f.plan = s.create(`mutation { createPlan(input: {name: "Kulturplan 2024–2027", region: "Region Örebro län", firstYear: 2024, lastYear: 2027}) { id } }`, nil)
	f.goal = s.create(`mutation($p: ID!, $i: [ID!]) { createGoal(input: {planID: $p, number: 1, title: "Barn och unga", focusAreas: ["läsning", "dans"], actorIDs: $i}) { id } }`,
		map[string]any{"p": f.plan, "i": []string{f.institution}})
	s.create(`mutation($g: ID!) { createGoalAssessment(input: {goalID: $g, year: 2024, light: YELLOW, text: "På väg."}) { id } }`, map[string]any{"g": f.goal})
	f.heading = s.create(`mutation($g: ID!) { createObjective(input: {goalID: $g, title: "Skola"}) { id } }`, map[string]any{"g": f.goal})
	f.activity = s.create(`mutation($o: ID!, $m: [ID!], $i: [ID!]) { createActivity(input: {objectiveID: $o, title: "Läslyft", description: "Böcker i skolan.",
		firstYear: 2024, lastYear: 2025, municipalityIDs: $m, institutionIDs: $i}) { id } }`,
		map[string]any{"o": f.heading, "m": []string{f.orebro, f.laxa}, "i": []string{f.institution}})
	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {status: ONGOING}) { id } }`, map[string]any{"id": f.activity}, nil)
	f.followUp = s.create(`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2024-12-31T00:00:00Z", text: "Har börjat."}) { id } }`,
		map[string]any{"a": f.activity})
	f.indicator = s.create(createIndicator, map[string]any{"in": map[string]any{
		"activityID": f.activity, "name": "Utlånade böcker", "unit": "antal", "scope": "MUNICIPALITY", "baselineValue": 0, "baselineYear": 2023}})
	s.create(createTarget, map[string]any{"in": map[string]any{"indicatorID": f.indicator, "year": 2027, "value": 500}})
	s.create(createValue, map[string]any{"in": map[string]any{"indicatorID": f.indicator, "municipalityID": f.orebro, "year": 2024, "value": 120}})
	return f
}

// deletion returns the id of the entry that records the record's deletion
// (the latest one).
func (s *testServer) deletion(id string) string {
	s.t.Helper()
	var data struct {
		AuditEntries struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	s.must(`query($id: ID!) { auditEntries(first: 1, where: {objectID: $id, action: DELETE}, orderBy: {field: AT, direction: DESC}) { edges { node { id } } } }`,
		map[string]any{"id": id}, &data)
	if len(data.AuditEntries.Edges) == 0 {
		s.t.Fatalf("no deletion of %s in the trail", id)
	}
	return data.AuditEntries.Edges[0].Node.ID
}

// lastUpdate returns the id of the latest entry that records an update of
// the record.
func (s *testServer) lastUpdate(id string) string {
	s.t.Helper()
	var data struct {
		AuditEntries struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	s.must(`query($id: ID!) { auditEntries(first: 1, where: {objectID: $id, action: UPDATE}, orderBy: {field: AT, direction: DESC}) { edges { node { id } } } }`,
		map[string]any{"id": id}, &data)
	if len(data.AuditEntries.Edges) == 0 {
		s.t.Fatalf("no update of %s in the trail", id)
	}
	return data.AuditEntries.Edges[0].Node.ID
}

const (
	restoreDeleted = `mutation($e: ID!) { restoreDeleted(entryID: $e) { id } }`
	revertChange   = `mutation($e: ID!, $f: String!, $v: Int!) { revertChange(entryID: $e, field: $f, version: $v) { id ... on Activity { title version } } }`
)

// TestRestoreBringsBackADeletedPlanAsItWas: a deleted plan comes back from
// its deletion's entry with everything deleted with it, and the plan reads
// byte for byte as before the delete; the restore is in the trail, one
// entry per record, each naming the deletion it undid.
func TestRestoreBringsBackADeletedPlanAsItWas(t *testing.T) {
	s := newTestServer(t)
	f := newUndoFixture(s)
	before := s.post(planAsItIs, map[string]any{"id": f.plan})
	if len(before.Errors) > 0 {
		t.Fatalf("read the plan: %+v", before.Errors)
	}
	s.must(`mutation($id: ID!) { deletePlan(id: $id) }`, map[string]any{"id": f.plan}, nil)
	if gone := s.post(planAsItIs, map[string]any{"id": f.plan}); !bytes.Contains(gone.Data, []byte(`"node":null`)) {
		t.Fatalf("the plan is still there after the delete: %s", gone.Data)
	}
	deleted := s.deletion(f.plan)
	entriesBefore := s.auditCount()

	var data struct{ RestoreDeleted struct{ ID string } }
	s.must(restoreDeleted, map[string]any{"e": deleted}, &data)
	if data.RestoreDeleted.ID != f.plan {
		t.Errorf("restoreDeleted returned %s, want the plan %s", data.RestoreDeleted.ID, f.plan)
	}
	after := s.post(planAsItIs, map[string]any{"id": f.plan})
	if !bytes.Equal(after.Data, before.Data) {
		t.Errorf("the restored plan differs from the plan before the delete:\nbefore: %s\nafter:  %s", before.Data, after.Data)
	}

	// plan, goal, assessment, heading, activity, follow-up, indicator, target, value
	if n := s.auditCount() - entriesBefore; n != 9 {
		t.Errorf("the restore wrote %d audit entries, want 9 (one per record)", n)
	}
	var trail struct {
		AuditEntries struct {
			Edges []struct {
				Node struct {
					ID, Action, ObjectType, ObjectID, ActorName string
					Undoes, PartOf                              *string
				}
			}
		}
	}
	s.must(`{ auditEntries(first: 20, where: {action: RESTORE}, orderBy: {field: AT}) { edges { node { id action objectType objectID actorName undoes partOf } } } }`, nil, &trail)
	if len(trail.AuditEntries.Edges) != 9 {
		t.Fatalf("%d RESTORE entries, want 9", len(trail.AuditEntries.Edges))
	}
	main := trail.AuditEntries.Edges[0].Node
	if main.ObjectID != f.plan || main.ActorName != "admin" || main.Undoes == nil || *main.Undoes != deleted || main.PartOf != nil {
		t.Errorf("the plan's restore entry = %+v; want the plan, by admin, undoing %s", main, deleted)
	}
	for _, e := range trail.AuditEntries.Edges[1:] {
		if e.Node.PartOf == nil || *e.Node.PartOf != main.ID || e.Node.Undoes == nil {
			t.Errorf("%s %s restored with the plan: partOf %v, undoes %v; want partOf %s", e.Node.ObjectType, e.Node.ObjectID, e.Node.PartOf, e.Node.Undoes, main.ID)
		}
	}
	activity := s.trail(map[string]any{"objectID": f.activity, "action": "RESTORE"})
	if len(activity) != 1 {
		t.Fatalf("%d RESTORE entries for the activity", len(activity))
	}
	if _, _, added, _ := activity[0].change(t, "municipalities"); !sameIDs(added, f.orebro, f.laxa) {
		t.Errorf("the activity's restore added municipalities %v, want Örebro and Laxå", added)
	}

	t.Run("ErrAlreadyRestored", func(t *testing.T) {
		s := s.withT(t)
		s.wantError(restoreDeleted, map[string]any{"e": deleted}, "CONFLICT", "entryID")
	})
	t.Run("ErrDeletedAgainSince", func(t *testing.T) {
		s := s.withT(t)
		s.must(`mutation($id: ID!) { deletePlan(id: $id) }`, map[string]any{"id": f.plan}, nil)
		s.wantError(restoreDeleted, map[string]any{"e": deleted}, "CONFLICT", "entryID")
		s.must(restoreDeleted, map[string]any{"e": s.deletion(f.plan)}, nil)
		if again := s.post(planAsItIs, map[string]any{"id": f.plan}); !bytes.Equal(again.Data, before.Data) {
			t.Errorf("restored a second time, the plan differs:\nbefore: %s\nafter:  %s", before.Data, again.Data)
		}
	})
}

// TestRestoreRefusals: each hard case of a restore is refused with its own
// code, and changes nothing.
func TestRestoreRefusals(t *testing.T) {
	s := newTestServer(t)
	f := newUndoFixture(s)

	t.Run("ErrParentStillDeleted", func(t *testing.T) {
		s := s.withT(t)
		other := s.create(`mutation($p: ID!) { createGoal(input: {planID: $p, number: 2, title: "Äldre"}) { id } }`, map[string]any{"p": f.plan})
		s.must(`mutation($id: ID!) { deleteGoal(id: $id) }`, map[string]any{"id": other}, nil)
		goalDeleted := s.deletion(other)
		s.must(`mutation($id: ID!) { deletePlan(id: $id) }`, map[string]any{"id": f.plan}, nil)
		// Deleted on its own, before its plan: the plan must come back first.
		e := s.wantError(restoreDeleted, map[string]any{"e": goalDeleted}, "NOT_FOUND", "planID")
		if !bytes.Contains([]byte(e.Message), []byte("plan")) {
			t.Errorf("the refusal does not name the plan: %q", e.Message)
		}
		// Deleted with its plan: it comes back with the plan.
		s.wantError(restoreDeleted, map[string]any{"e": s.deletion(f.heading)}, "NOT_FOUND", "entryID")
		if n := s.count("goals(where: {title: \"Äldre\"})"); n != 0 {
			t.Errorf("a refused restore left %d goals", n)
		}
		s.must(restoreDeleted, map[string]any{"e": s.deletion(f.plan)}, nil)
		s.must(restoreDeleted, map[string]any{"e": goalDeleted}, nil)
	})

	t.Run("ErrNotADeletion", func(t *testing.T) {
		s := s.withT(t)
		s.wantError(restoreDeleted, map[string]any{"e": s.lastUpdate(f.activity)}, "VALIDATION", "entryID")
		s.wantError(restoreDeleted, map[string]any{"e": f.plan}, "NOT_FOUND", "entryID")
	})

	t.Run("ErrUniqueValueTakenSince", func(t *testing.T) {
		s := s.withT(t)
		town := s.create(`mutation { createMunicipality(input: {code: "0117", name: "Österåker"}) { id } }`, nil)
		s.must(`mutation($id: ID!) { deleteMunicipality(id: $id) }`, map[string]any{"id": town}, nil)
		s.create(`mutation { createMunicipality(input: {code: "0117", name: "Österåkers kommun"}) { id } }`, nil)
		s.wantError(restoreDeleted, map[string]any{"e": s.deletion(town)}, "CONSTRAINT", "code")
	})

	t.Run("ErrUsersAreNotRestored", func(t *testing.T) {
		s := s.withT(t)
		u := s.create(`mutation { createUser(input: {username: "tillfallig", displayName: "Tillfällig"}, password: "ett långt lösenord") { id } }`, nil)
		s.must(`mutation($id: ID!) { deleteUser(id: $id) }`, map[string]any{"id": u}, nil)
		s.wantError(restoreDeleted, map[string]any{"e": s.deletion(u)}, "VALIDATION", "entryID")
	})

	t.Run("ErrOnlyAdminsRestore", func(t *testing.T) {
		s := s.withT(t)
		fu := s.create(`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2025-06-30T00:00:00Z", text: "Halvvägs."}) { id } }`,
			map[string]any{"a": f.activity})
		s.must(`mutation($id: ID!) { deleteFollowUp(id: $id) }`, map[string]any{"id": fu}, nil)
		entry := s.deletion(fu)
		// The editor may create this follow-up, but not bring the deleted one back.
		editor := accountstest.User(t, s.client, "erik", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil)
		s.as(accountstest.Session(t, s.client, editor)).wantError(restoreDeleted, map[string]any{"e": entry}, "FORBIDDEN", "")
		viewer := accountstest.User(t, s.client, "vilma", auth.RoleViewer, nil, nil)
		s.as(accountstest.Session(t, s.client, viewer)).wantError(restoreDeleted, map[string]any{"e": entry}, "FORBIDDEN", "")
		s.as("").wantError(restoreDeleted, map[string]any{"e": entry}, "UNAUTHENTICATED", "")
		if got := s.trail(map[string]any{"objectID": fu, "action": "RESTORE"}); len(got) != 0 {
			t.Errorf("a refused restore left %d entries", len(got))
		}
		s.must(restoreDeleted, map[string]any{"e": entry}, nil)
	})
}

// TestRevertTakesBackAFieldChange: a title change is reverted from its
// entry, as a new update in the trail naming the entry it undid; so is a
// change of links; a revert based on an old version, of a field changed
// again since, on a deleted record, or by an editor is refused.
func TestRevertTakesBackAFieldChange(t *testing.T) {
	s := newTestServer(t)
	f := newUndoFixture(s)
	var updated struct{ UpdateActivity struct{ Version int } }
	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {title: "Läslyft i hela länet"}) { version } }`, map[string]any{"id": f.activity}, &updated)
	changed := s.lastUpdate(f.activity)
	version := updated.UpdateActivity.Version

	t.Run("ErrOnlyAdminsRevert", func(t *testing.T) {
		s := s.withT(t)
		editor := accountstest.User(t, s.client, "erik", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil)
		s.as(accountstest.Session(t, s.client, editor)).wantError(revertChange, map[string]any{"e": changed, "f": "title", "v": version}, "FORBIDDEN", "")
	})
	t.Run("ErrVersionMovedOn", func(t *testing.T) {
		s := s.withT(t)
		s.wantError(revertChange, map[string]any{"e": changed, "f": "title", "v": version - 1}, "CONFLICT", "version")
	})
	t.Run("ErrNoSuchField", func(t *testing.T) {
		s := s.withT(t)
		s.wantError(revertChange, map[string]any{"e": changed, "f": "description", "v": version}, "VALIDATION", "field")
		s.wantError(revertChange, map[string]any{"e": f.plan, "f": "title", "v": version}, "NOT_FOUND", "entryID")
	})

	t.Run("RevertsTheTitle", func(t *testing.T) {
		s := s.withT(t)
		var data struct {
			RevertChange struct {
				Title   string
				Version int
			}
		}
		s.must(revertChange, map[string]any{"e": changed, "f": "title", "v": version}, &data)
		if data.RevertChange.Title != "Läslyft" || data.RevertChange.Version != version+1 {
			t.Errorf("after the revert: %+v; want the title Läslyft at version %d", data.RevertChange, version+1)
		}
		entries := s.trail(map[string]any{"objectID": f.activity, "undoes": changed})
		if len(entries) != 1 || entries[0].Action != "UPDATE" {
			t.Fatalf("entries undoing %s: %+v; want one update", changed, entries)
		}
		if old, new, _, _ := entries[0].change(t, "title"); old != "Läslyft i hela länet" || new != "Läslyft" {
			t.Errorf("the revert recorded %v → %v", old, new)
		}
		// Reverted once, the field is no longer what the entry made it.
		s.wantError(revertChange, map[string]any{"e": changed, "f": "title", "v": version + 1}, "CONFLICT", "field")
	})

	t.Run("RevertsLinks", func(t *testing.T) {
		s := s.withT(t)
		var v struct{ UpdateActivity struct{ Version int } }
		s.must(`mutation($id: ID!, $m: ID!) { updateActivity(id: $id, input: {removeMunicipalityIDs: [$m]}) { version } }`,
			map[string]any{"id": f.activity, "m": f.laxa}, &v)
		s.must(revertChange, map[string]any{"e": s.lastUpdate(f.activity), "f": "municipalities", "v": v.UpdateActivity.Version}, nil)
		var data struct {
			Node struct {
				Municipalities struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
		}
		s.must(`query($id: ID!) { node(id: $id) { ... on Activity { municipalities(first: 10) { edges { node { id } } } } } }`, map[string]any{"id": f.activity}, &data)
		var ids []string
		for _, e := range data.Node.Municipalities.Edges {
			ids = append(ids, e.Node.ID)
		}
		if !sameIDs(ids, f.orebro, f.laxa) {
			t.Errorf("after reverting the removal, municipalities %v; want Örebro and Laxå", ids)
		}
	})

	t.Run("ErrRecordDeletedSince", func(t *testing.T) {
		s := s.withT(t)
		var v struct{ UpdateFollowUp struct{ Version int } }
		s.must(`mutation($id: ID!) { updateFollowUp(id: $id, input: {text: "Klart."}) { version } }`, map[string]any{"id": f.followUp}, &v)
		entry := s.lastUpdate(f.followUp)
		s.must(`mutation($id: ID!) { deleteFollowUp(id: $id) }`, map[string]any{"id": f.followUp}, nil)
		s.wantError(revertChange, map[string]any{"e": entry, "f": "text", "v": v.UpdateFollowUp.Version}, "NOT_FOUND", "entryID")
		s.wantError(revertChange, map[string]any{"e": s.deletion(f.followUp), "f": "text", "v": 1}, "VALIDATION", "entryID")
	})
}
