package server_test

import (
	"fmt"
	"testing"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
)

const createFollowUp = `mutation($in: CreateFollowUpInput!) { createFollowUp(input: $in) { id author } }`

// activityMunicipalities makes a municipality take part in an activity,
// and splits the municipalities into those that take part in it and those
// that do not.
func activityMunicipalities(s *testServer, activity, add string) (in, out []string) {
	s.t.Helper()
	s.must(`mutation($a: ID!, $m: ID!) { updateActivity(id: $a, input: {addMunicipalityIDs: [$m]}) { id } }`, map[string]any{"a": activity, "m": add}, nil)
	var data struct {
		Node struct {
			Municipalities struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		Municipalities struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	s.must(`query($a: ID!) { node(id: $a) { ... on Activity { municipalities(first: 100) { edges { node { id } } } } }
		municipalities(first: 100) { edges { node { id } } } }`, map[string]any{"a": activity}, &data)
	taking := map[string]bool{}
	for _, e := range data.Node.Municipalities.Edges {
		taking[e.Node.ID] = true
		in = append(in, e.Node.ID)
	}
	for _, e := range data.Municipalities.Edges {
		if !taking[e.Node.ID] {
			out = append(out, e.Node.ID)
		}
	}
	if len(in) == 0 || len(out) == 0 {
		s.t.Fatalf("activity %s: %d municipalities take part, %d do not; want some of each", activity, len(in), len(out))
	}
	return in, out
}

// A follow-up's author is who wrote it or last changed it, set by the
// server from the signed-in user; a client cannot give another.
func TestFollowUpAuthorIsTheSignedInUser(t *testing.T) {
	s := newTestServer(t)
	f := newIndicatorFixture(s)
	in, _ := activityMunicipalities(s, f.activity, f.orebro)
	editor := s.as(accountstest.Session(t, s.client, accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, in[0])}, nil)))
	var made struct{ CreateFollowUp struct{ ID, Author string } }
	editor.must(createFollowUp, map[string]any{"in": map[string]any{"activityID": f.activity, "date": "2021-06-30T00:00:00Z", "text": "Halvårets arbete"}}, &made)
	if made.CreateFollowUp.Author != "redaktor" {
		t.Errorf("the follow-up's author is %q, want redaktor", made.CreateFollowUp.Author)
	}
	var changed struct{ UpdateFollowUp struct{ Author string } }
	s.must(`mutation($id: ID!) { updateFollowUp(id: $id, input: {text: "Rättad text"}) { author } }`, map[string]any{"id": made.CreateFollowUp.ID}, &changed)
	if changed.UpdateFollowUp.Author != "admin" {
		t.Errorf("after an admin's change the author is %q, want admin", changed.UpdateFollowUp.Author)
	}
	s.wantError(`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2021-06-30T00:00:00Z", text: "x", author: "någon annan"}) { id } }`,
		map[string]any{"a": f.activity}, "GRAPHQL_VALIDATION_FAILED", "")
}

// A follow-up's figures are values of indicators, linked to the
// follow-up, with the source FOLLOW_UP: of its year, of a municipality
// taking part in its activity; they count in progress, go with the
// follow-up when it is deleted, and every change is in the audit trail.
func TestFollowUpFiguresFeedAnIndicator(t *testing.T) {
	s := newTestServer(t)
	f := newIndicatorFixture(s)
	in, out := activityMunicipalities(s, f.activity, f.orebro)
	followUp := s.create(createFollowUp, map[string]any{"in": map[string]any{"activityID": f.activity, "date": "2021-06-30T00:00:00Z", "text": "Barn nådda"}})
	figure := func(extra map[string]any) map[string]any {
		m := map[string]any{"indicatorID": f.perMunicipality, "year": 2021, "municipalityID": in[0], "value": 35, "followUpID": followUp}
		for k, v := range extra {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return map[string]any{"in": m}
	}

	cases := []struct {
		name        string
		vars        map[string]any
		code, field string
	}{
		{"ErrAnotherYear", figure(map[string]any{"year": 2022}), "VALIDATION", "year"},
		{"ErrAMunicipalityNotTakingPart", figure(map[string]any{"municipalityID": out[0]}), "VALIDATION", "municipalityID"},
		{"ErrAnotherSource", figure(map[string]any{"source": "KOLADA"}), "VALIDATION", "source"},
		{"ErrFollowUpSourceWithoutAFollowUp", figure(map[string]any{"source": "FOLLOW_UP", "followUpID": nil}), "VALIDATION", "source"},
		{"ErrUnknownFollowUp", figure(map[string]any{"followUpID": "999999"}), "NOT_FOUND", "followUpID"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { s.withT(t).wantError(createValue, c.vars, c.code, c.field) })
	}

	var made struct {
		CreateIndicatorValue struct{ ID, EnteredBy, Source string }
	}
	s.must(createValue, figure(nil), &made)
	value := made.CreateIndicatorValue
	if value.Source != "FOLLOW_UP" || value.EnteredBy != "admin" {
		t.Errorf("the figure's source is %q, entered by %q; want FOLLOW_UP by admin", value.Source, value.EnteredBy)
	}
	var read struct {
		Node struct {
			Figures struct {
				Edges []struct {
					Node struct {
						Value     float64
						Indicator struct{ Name string }
						FollowUp  struct{ ID string }
					}
				}
			}
		}
	}
	s.must(`query($id: ID!) { node(id: $id) { ... on FollowUp { figures(first: 10) { edges { node { value indicator { name } followUp { id } } } } } } }`,
		map[string]any{"id": followUp}, &read)
	if e := read.Node.Figures.Edges; len(e) != 1 || e[0].Node.Value != 35 || e[0].Node.FollowUp.ID != followUp || e[0].Node.Indicator.Name != "Barn som nåtts av kulturskolan" {
		t.Errorf("the follow-up's figures read %+v", read.Node.Figures)
	}
	if p := s.progress(f.perMunicipality, 2021); p.Outcome == nil || *p.Outcome != 35 || p.ValueCount != 1 {
		t.Errorf("progress in 2021 = %+v, want the figure's 35 counted", p)
	}
	t.Run("ErrAFigureKeepsItsSource", func(t *testing.T) {
		s.withT(t).wantError(updateValue, map[string]any{"id": value.ID, "in": map[string]any{"source": "OWN"}}, "VALIDATION", "source")
	})
	t.Run("ErrAnOwnValueCannotClaimAFollowUp", func(t *testing.T) {
		own := s.create(createValue, map[string]any{"in": map[string]any{"indicatorID": f.county, "year": 2021, "value": 40}})
		s.withT(t).wantError(updateValue, map[string]any{"id": own, "in": map[string]any{"source": "FOLLOW_UP"}}, "VALIDATION", "source")
	})
	if got := s.trail(map[string]any{"objectType": "IndicatorValue", "objectID": value.ID, "action": "CREATE"}); len(got) != 1 {
		t.Errorf("the figure's creation is recorded %d times, want once", len(got))
	} else if _, id, _, _ := got[0].change(t, "followUpID"); fmt.Sprint(int64(id.(float64))) != followUp {
		t.Errorf("the trail records the figure's follow-up as %v, want %s", id, followUp)
	}

	// Deleting the follow-up deletes its figure, recorded.
	s.must(`mutation($id: ID!) { deleteFollowUp(id: $id) }`, map[string]any{"id": followUp}, nil)
	if got := s.trail(map[string]any{"objectType": "IndicatorValue", "objectID": value.ID, "action": "DELETE"}); len(got) != 1 {
		t.Errorf("deleting the follow-up recorded %d DELETE of its figure, want 1", len(got))
	}

	// A figure of the activity's own indicator goes with the activity by
	// two ways (its indicator, its follow-up) and is recorded once.
	own := s.create(createIndicator, map[string]any{"in": map[string]any{"activityID": f.activity, "name": "Deltagare", "scope": "COUNTY"}})
	again := s.create(createFollowUp, map[string]any{"in": map[string]any{"activityID": f.activity, "date": "2022-03-31T00:00:00Z", "text": "Tertial 1"}})
	both := s.create(createValue, map[string]any{"in": map[string]any{"indicatorID": own, "year": 2022, "value": 120, "followUpID": again}})
	s.must(`mutation($id: ID!) { deleteActivity(id: $id) }`, map[string]any{"id": f.activity}, nil)
	if got := s.trail(map[string]any{"objectType": "IndicatorValue", "objectID": both, "action": "DELETE"}); len(got) != 1 {
		t.Errorf("deleting the activity recorded %d DELETE of the figure, want 1", len(got))
	}
}
