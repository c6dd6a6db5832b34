package server_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/privacy"
)

// TestTextHasALengthLimit: every text field has a maximum, counted in
// characters (å is one), and a longer value is refused as a VALIDATION
// error naming the field, on create and on update, writing nothing.
func TestTextHasALengthLimit(t *testing.T) {
	s := newTestServer(t)
	objective := s.idOf("objectives", `{titleHasPrefix: "Utveckling"}`)
	activity := s.idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
	goal := s.idOf("goals", `{number: 1}`)
	plan := s.idOf("plans", `{}`)
	const updateActivity = `mutation($id: ID!, $input: UpdateActivityInput!) { updateActivity(id: $id, input: $input) { id } }`
	line, text := strings.Repeat("å", 300), strings.Repeat("ö", 20000)

	t.Run("OKAtTheLimitInCharactersNotBytes", func(t *testing.T) {
		// 300 and 20,000 characters, twice as many bytes.
		s.must(updateActivity, map[string]any{"id": activity, "input": map[string]any{"title": line, "description": text}}, nil)
		s.must(`mutation($a: ID!, $t: String!) { createFollowUp(input: {activityID: $a, date: "2021-06-30T00:00:00Z", text: $t}) { id } }`,
			map[string]any{"a": activity, "t": text}, nil)
	})
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		field       string
	}{
		{"ErrActivityTitle", updateActivity, map[string]any{"id": activity, "input": map[string]any{"title": line + "a"}}, "title"},
		{"ErrActivityDescription", updateActivity, map[string]any{"id": activity, "input": map[string]any{"description": text + "a"}}, "description"},
		{"ErrMillionCharacterDescription", updateActivity, map[string]any{"id": activity, "input": map[string]any{"description": strings.Repeat("x", 1_000_000)}}, "description"},
		{"ErrActivityLead", updateActivity, map[string]any{"id": activity, "input": map[string]any{"lead": line + "a"}}, "lead"},
		{"ErrNewActivityTitle", `mutation($o: ID!, $t: String!) { createActivity(input: {objectiveID: $o, title: $t}) { id } }`,
			map[string]any{"o": objective, "t": line + "a"}, "title"},
		{"ErrFollowUpText", `mutation($a: ID!, $t: String!) { createFollowUp(input: {activityID: $a, date: "2021-06-30T00:00:00Z", text: $t}) { id } }`,
			map[string]any{"a": activity, "t": text + "a"}, "text"},
		{"ErrPlanName", `mutation($p: ID!, $t: String!) { updatePlan(id: $p, input: {name: $t}) { id } }`, map[string]any{"p": plan, "t": line + "a"}, "name"},
		{"ErrPlanDescription", `mutation($p: ID!, $t: String!) { updatePlan(id: $p, input: {description: $t}) { id } }`, map[string]any{"p": plan, "t": text + "a"}, "description"},
		{"ErrGoalStatement", `mutation($g: ID!, $t: String!) { updateGoal(id: $g, input: {statement: $t}) { id } }`, map[string]any{"g": goal, "t": text + "a"}, "statement"},
		{"ErrGoalFocusArea", `mutation($g: ID!, $t: String!) { updateGoal(id: $g, input: {focusAreas: ["unga", $t]}) { id } }`, map[string]any{"g": goal, "t": line + "a"}, "focusAreas"},
		{"ErrHeadingTitle", `mutation($o: ID!, $t: String!) { updateObjective(id: $o, input: {title: $t}) { id } }`, map[string]any{"o": objective, "t": line + "a"}, "title"},
		{"ErrMunicipalityName", `mutation($t: String!) { createMunicipality(input: {code: "0114", name: $t}) { id } }`, map[string]any{"t": line + "a"}, "name"},
		{"ErrInstitutionWebsite", `mutation($t: String!) { createInstitution(input: {name: "X", website: $t}) { id } }`, map[string]any{"t": "https://example.se/" + strings.Repeat("a", 2000)}, "website"},
		{"ErrUserDisplayName", `mutation($t: String!) { createUser(input: {username: "lang", displayName: $t}, password: "ett långt lösenord") { id } }`, map[string]any{"t": line + "a"}, "displayName"},
		{"ErrTokenName", `mutation($t: String!) { createAPIToken(input: {name: $t}) { token } }`, map[string]any{"t": line + "a"}, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entries := s.count("auditEntries")
			e := s.wantError(tc.query, tc.vars, "VALIDATION", tc.field)
			if !strings.HasPrefix(e.Message, tc.field+": ") || !strings.Contains(e.Message, "characters") {
				t.Errorf("message %q does not name the field and the limit", e.Message)
			}
			if len(e.Message) > 200 {
				t.Errorf("message is %d bytes long: it must not echo the value", len(e.Message))
			}
			if n := s.count("auditEntries"); n != entries {
				t.Errorf("a refused change wrote %d audit entries", n-entries)
			}
		})
	}
}

// TestDatesAreInOrderAndWithinThePlan: an activity does not end before it
// starts, and a follow-up is dated within its plan's years (the seed's plan
// is 2020–2023).
func TestDatesAreInOrderAndWithinThePlan(t *testing.T) {
	s := newTestServer(t)
	activity := s.idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
	objective := s.idOf("objectives", `{titleHasPrefix: "Utveckling"}`)
	const updateActivity = `mutation($id: ID!, $input: UpdateActivityInput!) { updateActivity(id: $id, input: $input) { id } }`
	const createFollowUp = `mutation($a: ID!, $d: Time!) { createFollowUp(input: {activityID: $a, date: $d, text: "x"}) { id } }`

	t.Run("ErrEndBeforeStartOnCreate", func(t *testing.T) {
		e := s.wantError(`mutation($o: ID!) { createActivity(input: {objectiveID: $o, title: "X", startDate: "2021-06-01T00:00:00Z", endDate: "2021-01-01T00:00:00Z"}) { id } }`,
			map[string]any{"o": objective}, "VALIDATION", "endDate")
		if !strings.Contains(e.Message, "2021-01-01 is before 2021-06-01") {
			t.Errorf("message = %q", e.Message)
		}
	})
	t.Run("ErrEndBeforeStoredStart", func(t *testing.T) {
		s.must(updateActivity, map[string]any{"id": activity, "input": map[string]any{"startDate": "2021-03-01T00:00:00Z"}}, nil)
		s.wantError(updateActivity, map[string]any{"id": activity, "input": map[string]any{"endDate": "2021-02-28T00:00:00Z"}}, "VALIDATION", "endDate")
	})
	t.Run("OKSameDayAndClearedStart", func(t *testing.T) {
		s.must(updateActivity, map[string]any{"id": activity, "input": map[string]any{"endDate": "2021-03-01T00:00:00Z"}}, nil)
		s.must(updateActivity, map[string]any{"id": activity, "input": map[string]any{"clearStartDate": true, "endDate": "2020-01-01T00:00:00Z"}}, nil)
	})
	for _, tc := range []struct {
		date string
		ok   bool
	}{
		{"1990-05-01T00:00:00Z", false},
		{"2019-12-31T00:00:00Z", false},
		{"2020-01-01T00:00:00Z", true},
		{"2023-12-31T00:00:00Z", true},
		{"2024-01-01T00:00:00Z", false},
	} {
		t.Run(fmt.Sprintf("FollowUpDated%s", tc.date[:10]), func(t *testing.T) {
			vars := map[string]any{"a": activity, "d": tc.date}
			if tc.ok {
				s.must(createFollowUp, vars, nil)
				return
			}
			e := s.wantError(createFollowUp, vars, "VALIDATION", "date")
			if !strings.Contains(e.Message, "2020–2023") {
				t.Errorf("message = %q, want the plan's period", e.Message)
			}
		})
	}
	t.Run("ErrFollowUpRedatedOutsideThePlan", func(t *testing.T) {
		var data struct{ CreateFollowUp struct{ ID string } }
		s.must(createFollowUp, map[string]any{"a": activity, "d": "2022-12-31T00:00:00Z"}, &data)
		s.wantError(`mutation($id: ID!) { updateFollowUp(id: $id, input: {date: "1990-01-01T00:00:00Z"}) { id } }`,
			map[string]any{"id": data.CreateFollowUp.ID}, "VALIDATION", "date")
	})
	t.Run("ErrFollowUpMovedToAnActivityOfAnotherPlan", func(t *testing.T) {
		var plan struct{ CreatePlan struct{ ID string } }
		s.must(`mutation { createPlan(input: {name: "Kulturplan", region: "Region Örebro län", firstYear: 2024, lastYear: 2027}) { id } }`, nil, &plan)
		var goal struct{ CreateGoal struct{ ID string } }
		s.must(`mutation($p: ID!) { createGoal(input: {planID: $p, number: 1, title: "Barn"}) { id } }`, map[string]any{"p": plan.CreatePlan.ID}, &goal)
		var heading struct{ CreateObjective struct{ ID string } }
		s.must(`mutation($g: ID!) { createObjective(input: {goalID: $g, title: "Skola"}) { id } }`, map[string]any{"g": goal.CreateGoal.ID}, &heading)
		var later struct{ CreateActivity struct{ ID string } }
		s.must(`mutation($o: ID!) { createActivity(input: {objectiveID: $o, title: "Senare"}) { id } }`, map[string]any{"o": heading.CreateObjective.ID}, &later)
		var f struct{ CreateFollowUp struct{ ID string } }
		s.must(createFollowUp, map[string]any{"a": activity, "d": "2021-12-31T00:00:00Z"}, &f)
		s.wantError(`mutation($id: ID!, $a: ID!) { updateFollowUp(id: $id, input: {activityID: $a}) { id } }`,
			map[string]any{"id": f.CreateFollowUp.ID, "a": later.CreateActivity.ID}, "VALIDATION", "date")
	})
}

// TestAPITokenForAnUnknownUserIsNotFound: a userID that names no user, 0
// included, is NOT_FOUND and issues nothing; left out, the token is the
// caller's.
func TestAPITokenForAnUnknownUserIsNotFound(t *testing.T) {
	s := newTestServer(t)
	issue := `mutation($in: CreateAPITokenInput!) { createAPIToken(input: $in) { record { user { username } } } }`
	for _, id := range []string{"0", "999999"} {
		t.Run("ErrUserID"+id, func(t *testing.T) {
			tokens := s.count("tokens")
			s.wantError(issue, map[string]any{"in": map[string]any{"name": "Kolada", "userID": id}}, "NOT_FOUND", "userID")
			if n := s.count("tokens"); n != tokens {
				t.Errorf("%d tokens issued", n-tokens)
			}
		})
	}
	t.Run("OKTheCallersWhenLeftOut", func(t *testing.T) {
		var data struct {
			CreateAPIToken struct {
				Record struct{ User struct{ Username string } }
			}
		}
		s.must(issue, map[string]any{"in": map[string]any{"name": "Kolada"}}, &data)
		var me struct{ Me struct{ Username string } }
		s.must(`{ me { username } }`, nil, &me)
		if got := data.CreateAPIToken.Record.User.Username; got != me.Me.Username {
			t.Errorf("token's user = %q, want the caller %q", got, me.Me.Username)
		}
	})
}

// TestAReferenceToNoRecordIsNotFound: an id given for an edge that names no
// record of the edge's type is refused as NOT_FOUND, naming the input field
// and the record as a client calls it, writing nothing. Every edge is
// checked, those no input sets too (generated from the schema, ent/edgemeta).
func TestAReferenceToNoRecordIsNotFound(t *testing.T) {
	s := newTestServer(t)
	activity := s.idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		field, want string
	}{
		{"Heading", `mutation($id: ID!) { createActivity(input: {objectiveID: $id, title: "X"}) { id } }`,
			map[string]any{"id": "999999"}, "objectiveID", "no heading has the id 999999"},
		{"HeadingOfAnotherType", `mutation($id: ID!) { createActivity(input: {objectiveID: $id, title: "X"}) { id } }`,
			map[string]any{"id": activity}, "objectiveID", "no heading has the id " + activity},
		{"Activity", `mutation($id: ID!) { createFollowUp(input: {activityID: $id, date: "2021-06-30T00:00:00Z", text: "x"}) { id } }`,
			map[string]any{"id": "999999"}, "activityID", "no activity has the id 999999"},
		{"AddedMunicipality", `mutation($a: ID!, $id: ID!) { updateActivity(id: $a, input: {addMunicipalityIDs: [$id]}) { id } }`,
			map[string]any{"a": activity, "id": "999999"}, "addMunicipalityIDs", "no municipality has the id 999999"},
		{"MunicipalityOfNewGroup", `mutation($id: ID!) { createMunicipalityGroup(input: {name: "X", municipalityIDs: [$id]}) { id } }`,
			map[string]any{"id": "999999"}, "municipalityIDs", "no municipality has the id 999999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entries := s.count("auditEntries")
			if e := s.wantError(tc.query, tc.vars, "NOT_FOUND", tc.field); e.Message != tc.field+": "+tc.want {
				t.Errorf("message = %q, want %q", e.Message, tc.field+": "+tc.want)
			}
			if n := s.count("auditEntries"); n != entries {
				t.Errorf("a refused change wrote %d audit entries", n-entries)
			}
		})
	}

	// Edges no input sets, through ent.
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	m, err := s.client.Municipality.Query().Where(municipality.Code("1880")).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.client.Plan.Query().Where(plan.HasGoals()).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, want string
		err        error
	}{
		{"MunicipalityGroup", "addGroupIDs: no municipality group has the id 999999",
			s.client.Municipality.UpdateOne(m).AddGroupIDs(999999).Exec(ctx)},
		{"GoalOfAPlan", "addGoalIDs: no goal has the id 999999",
			s.client.Plan.UpdateOne(p).AddGoalIDs(999999).Exec(ctx)},
	} {
		var se *samverkan.Error
		if !errors.As(tc.err, &se) || se.Code != samverkan.CodeNotFound || se.Error() != tc.want {
			t.Errorf("%s: error = %v, want NOT_FOUND %q", tc.name, tc.err, tc.want)
		}
	}
}
