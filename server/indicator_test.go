package server_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
)

// indicatorFixture is a goal, heading and activity of the Örebro plan
// (2020–2023), two of its municipalities, and an indicator per
// municipality and one for the county on the goal.
type indicatorFixture struct {
	goal, heading, activity string
	orebro, laxa            string
	perMunicipality, county string // indicator ids
}

const (
	createIndicator      = `mutation($in: CreateIndicatorInput!) { createIndicator(input: $in) { id } }`
	createTarget         = `mutation($in: CreateIndicatorTargetInput!) { createIndicatorTarget(input: $in) { id } }`
	createValue          = `mutation($in: CreateIndicatorValueInput!) { createIndicatorValue(input: $in) { id enteredBy source } }`
	updateValue          = `mutation($id: ID!, $in: UpdateIndicatorValueInput!) { updateIndicatorValue(id: $id, input: $in) { id value version enteredBy } }`
	createAssessment     = `mutation($in: CreateGoalAssessmentInput!) { createGoalAssessment(input: $in) { id author } }`
	indicatorProgressFor = `query($id: ID!, $year: Int!) { node(id: $id) { ... on Indicator { progress(year: $year) {
		year baseline baselineYear target targetYear outcome valueCount share reached suggestedLight } } } }`
)

func newIndicatorFixture(s *testServer) *indicatorFixture {
	s.t.Helper()
	f := &indicatorFixture{
		goal:    s.idOf("goals", `{number: 1}`),
		heading: s.idOf("objectives", `{title: "Ökad samverkan mellan kommuner, institutioner"}`),
		orebro:  s.idOf("municipalities", `{code: "1880"}`),
		laxa:    s.idOf("municipalities", `{code: "1860"}`),
	}
	f.activity = s.idOf("activities", `{hasObjectiveWith: {title: "Ökad samverkan mellan kommuner, institutioner"}}`)
	f.perMunicipality = s.create(createIndicator, map[string]any{"in": map[string]any{
		"goalID": f.goal, "name": "Barn som nåtts av kulturskolan", "unit": "antal", "scope": "MUNICIPALITY",
		"baselineValue": 100, "baselineYear": 2019, "koladaKpi": "N09890",
	}})
	f.county = s.create(createIndicator, map[string]any{"in": map[string]any{
		"goalID": f.goal, "name": "Väntetid till kulturskolan", "unit": "veckor", "scope": "COUNTY",
		"direction": "LOWER_IS_BETTER", "baselineValue": 50, "baselineYear": 2019,
	}})
	return f
}

// Every rule of indicators, targets, values and assessments refuses with
// its code and the input field at fault, and a second record where one is
// allowed is CONSTRAINT, never INTERNAL.
func TestIndicatorRulesRefuseWithCodeAndField(t *testing.T) {
	s := newTestServer(t)
	f := newIndicatorFixture(s)
	in := func(extra map[string]any) map[string]any {
		m := map[string]any{"name": "Mått", "scope": "COUNTY"}
		for k, v := range extra {
			m[k] = v
		}
		return map[string]any{"in": m}
	}
	cases := []struct {
		name, query string
		vars        map[string]any
		code, field string
	}{
		{"ErrNoOwner", createIndicator, in(nil), "VALIDATION", "goalID"},
		{"ErrTwoOwners", createIndicator, in(map[string]any{"goalID": f.goal, "activityID": f.activity}), "VALIDATION", "activityID"},
		{"ErrBlankName", createIndicator, in(map[string]any{"goalID": f.goal, "name": "  "}), "VALIDATION", "name"},
		{"ErrLongName", createIndicator, in(map[string]any{"goalID": f.goal, "name": strings.Repeat("å", 301)}), "VALIDATION", "name"},
		{"ErrLongDescription", createIndicator, in(map[string]any{"goalID": f.goal, "description": strings.Repeat("x", 20_001)}), "VALIDATION", "description"},
		{"ErrKoladaKPI", createIndicator, in(map[string]any{"goalID": f.goal, "koladaKpi": "n9890"}), "VALIDATION", "koladaKpi"},
		{"ErrBaselineWithoutYear", createIndicator, in(map[string]any{"goalID": f.goal, "baselineValue": 3}), "VALIDATION", "baselineYear"},
		{"ErrBaselineYear", createIndicator, in(map[string]any{"goalID": f.goal, "baselineValue": 3, "baselineYear": 1800}), "VALIDATION", "baselineYear"},
		{"ErrUnknownGoal", createIndicator, in(map[string]any{"goalID": "999999"}), "NOT_FOUND", "goalID"},
		{"ErrMovedToTwoOwners", `mutation($id: ID!, $h: ID!) { updateIndicator(id: $id, input: {objectiveID: $h}) { id } }`,
			map[string]any{"id": f.county, "h": f.heading}, "VALIDATION", "objectiveID"},
		{"ErrTargetBeforePlan", createTarget, map[string]any{"in": map[string]any{"indicatorID": f.county, "year": 2019, "value": 1}}, "VALIDATION", "year"},
		{"ErrTargetUnknownIndicator", createTarget, map[string]any{"in": map[string]any{"indicatorID": "999999", "year": 2021, "value": 1}}, "NOT_FOUND", "indicatorID"},
		{"ErrValueWithoutMunicipality", createValue, map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2021, "value": 1}}, "VALIDATION", "municipalityID"},
		{"ErrCountyValueWithMunicipality", createValue, map[string]any{"in": map[string]any{"indicatorID": f.county, "year": 2021, "value": 1, "municipalityID": f.orebro}}, "VALIDATION", "municipalityID"},
		{"ErrValueAfterPlan", createValue, map[string]any{"in": map[string]any{"indicatorID": f.county, "year": 2024, "value": 1}}, "VALIDATION", "year"},
		{"ErrAssessmentAfterPlan", createAssessment, map[string]any{"in": map[string]any{"goalID": f.goal, "year": 2024, "light": "GREEN"}}, "VALIDATION", "year"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.withT(t).wantError(c.query, c.vars, c.code, c.field)
		})
	}

	t.Run("OKMovedToAHeading", func(t *testing.T) {
		s := s.withT(t)
		s.must(`mutation($id: ID!, $h: ID!) { updateIndicator(id: $id, input: {clearGoal: true, objectiveID: $h}) { id } }`,
			map[string]any{"id": f.county, "h": f.heading}, nil)
		s.must(`mutation($id: ID!, $g: ID!) { updateIndicator(id: $id, input: {clearObjective: true, goalID: $g}) { id } }`,
			map[string]any{"id": f.county, "g": f.goal}, nil)
	})

	t.Run("ErrDuplicateTarget", func(t *testing.T) {
		s := s.withT(t)
		target := map[string]any{"in": map[string]any{"indicatorID": f.county, "year": 2022, "value": 30}}
		s.create(createTarget, target)
		e := s.wantError(createTarget, target, "CONSTRAINT", "year")
		if want := "year: another indicator target of the same indicator already has this year"; e.Message != want {
			t.Errorf("message = %q, want %q", e.Message, want)
		}
	})

	t.Run("ErrDuplicateValue", func(t *testing.T) {
		s := s.withT(t)
		orebro2021 := map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2021, "value": 60, "municipalityID": f.orebro}}
		s.create(createValue, orebro2021)
		s.wantError(createValue, orebro2021, "CONSTRAINT", "year")
		// Another period, municipality or year is another value.
		s.create(createValue, map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2021, "period": "T1", "value": 20, "municipalityID": f.orebro}})
		s.create(createValue, map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2021, "value": 70, "municipalityID": f.laxa}})
		s.create(createValue, map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2022, "value": 80, "municipalityID": f.orebro}})
		s.wantError(createValue, map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2021, "period": "T1", "value": 5, "municipalityID": f.orebro}}, "CONSTRAINT", "year")
		// For the whole county (no municipality, no period: both NULL).
		county := map[string]any{"in": map[string]any{"indicatorID": f.county, "year": 2021, "value": 40}}
		s.create(createValue, county)
		s.wantError(createValue, county, "CONSTRAINT", "year")
	})

	t.Run("ErrDuplicateAssessment", func(t *testing.T) {
		s := s.withT(t)
		a := map[string]any{"in": map[string]any{"goalID": f.goal, "year": 2021, "light": "YELLOW", "text": "Kulturskolan når fler"}}
		s.create(createAssessment, a)
		e := s.wantError(createAssessment, a, "CONSTRAINT", "year")
		if want := "year: another goal assessment of the same goal already has this year"; e.Message != want {
			t.Errorf("message = %q, want %q", e.Message, want)
		}
	})
}

// Admins define indicators, set targets and assess goals; an editor
// enters, changes and deletes values only for its municipalities; readers
// and anonymous clients change nothing, and a refusal leaves no trace.
func TestIndicatorRolesAgainstEveryChange(t *testing.T) {
	s := newTestServer(t)
	f := newIndicatorFixture(s)
	editor := accountstest.Session(t, s.client, accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil))
	viewer := accountstest.Session(t, s.client, accountstest.User(t, s.client, "lasare", auth.RoleViewer, nil, nil))
	type change struct {
		name  string
		setup func(s *testServer) map[string]any
		query string
	}
	slot := func(muni string) map[string]any {
		// Each attempt an indicator of its own, so that no attempt meets
		// an earlier one's value.
		scope := "COUNTY"
		if muni != "" {
			scope = "MUNICIPALITY"
		}
		in := map[string]any{"year": 2021, "value": 1,
			"indicatorID": s.create(createIndicator, map[string]any{"in": map[string]any{"goalID": f.goal, "name": "Mått", "scope": scope}})}
		if muni != "" {
			in["municipalityID"] = muni
		}
		return in
	}
	newValue := func(muni string) func(s *testServer) map[string]any {
		return func(s *testServer) map[string]any {
			return map[string]any{"id": s.create(createValue, map[string]any{"in": slot(muni)})}
		}
	}
	changes := []change{
		{"createIndicator", func(*testServer) map[string]any {
			return map[string]any{"in": map[string]any{"goalID": f.goal, "name": "Nytt mått", "scope": "COUNTY"}}
		}, createIndicator},
		{"updateIndicator", func(*testServer) map[string]any { return map[string]any{"id": f.county} },
			`mutation($id: ID!) { updateIndicator(id: $id, input: {description: "Ändrad"}) { id } }`},
		{"createIndicatorTarget", func(*testServer) map[string]any {
			return map[string]any{"in": map[string]any{"indicatorID": f.county, "year": 2020 + int(seq.Add(1))%4, "value": float64(seq.Add(1))}}
		}, `mutation($in: CreateIndicatorTargetInput!) { createIndicatorTarget(input: $in) { id } } `},
		{"createIndicatorValue of its municipality", func(*testServer) map[string]any { return map[string]any{"in": slot(f.orebro)} }, createValue},
		{"createIndicatorValue of another municipality", func(*testServer) map[string]any { return map[string]any{"in": slot(f.laxa)} }, createValue},
		{"createIndicatorValue of the county", func(*testServer) map[string]any { return map[string]any{"in": slot("")} }, createValue},
		{"updateIndicatorValue of its municipality", newValue(f.orebro),
			`mutation($id: ID!) { updateIndicatorValue(id: $id, input: {value: 42}) { id } }`},
		{"updateIndicatorValue of another municipality", newValue(f.laxa),
			`mutation($id: ID!) { updateIndicatorValue(id: $id, input: {value: 42}) { id } }`},
		{"deleteIndicatorValue of its municipality", newValue(f.orebro), `mutation($id: ID!) { deleteIndicatorValue(id: $id) }`},
		{"deleteIndicatorValue of another municipality", newValue(f.laxa), `mutation($id: ID!) { deleteIndicatorValue(id: $id) }`},
		{"createGoalAssessment", func(*testServer) map[string]any {
			return map[string]any{"in": map[string]any{"goalID": s.create(`mutation($p: ID!, $n: Int!) { createGoal(input: {planID: $p, number: $n}) { id } }`,
				map[string]any{"p": s.idOf("plans", `{region: "Region Örebro län"}`), "n": 100 + int(seq.Add(1))}), "year": 2022, "light": "RED"}}
		}, createAssessment},
	}
	editorMay := map[string]bool{
		"createIndicatorValue of its municipality": true,
		"updateIndicatorValue of its municipality": true,
		"deleteIndicatorValue of its municipality": true,
	}
	roles := []struct {
		name, token string
		may         func(string) bool
		denied      string
	}{
		{"admin", s.token, func(string) bool { return true }, ""},
		{"editor", editor, func(c string) bool { return editorMay[c] }, "FORBIDDEN"},
		{"viewer", viewer, func(string) bool { return false }, "FORBIDDEN"},
		{"anonymous", "", func(string) bool { return false }, "UNAUTHENTICATED"},
	}
	for _, role := range roles {
		for _, c := range changes {
			t.Run(role.name+"/"+c.name, func(t *testing.T) {
				s := s.withT(t)
				vars := c.setup(s)
				before := s.auditCount()
				r := s.as(role.token).post(c.query, vars)
				if role.may(c.name) {
					if len(r.Errors) > 0 {
						t.Fatalf("%s may %s, but got %s: %s", role.name, c.name, r.Errors[0].Extensions.Code, r.Errors[0].Message)
					}
					return
				}
				if len(r.Errors) == 0 || r.Errors[0].Extensions.Code != role.denied {
					t.Fatalf("%s may not %s: got %+v, data %s; want %s", role.name, c.name, r.Errors, r.Data, role.denied)
				}
				if after := s.auditCount(); after != before {
					t.Errorf("a refused change left %d audit entries", after-before)
				}
			})
		}
	}

	t.Run("ReadersRead", func(t *testing.T) {
		s := s.withT(t)
		var data struct {
			Indicators      struct{ TotalCount int }
			IndicatorValues struct{ TotalCount int }
		}
		s.as(viewer).must(`{ indicators { totalCount } indicatorValues { totalCount } }`, nil, &data)
		if data.Indicators.TotalCount < 2 || data.IndicatorValues.TotalCount == 0 {
			t.Errorf("a viewer reads %+v", data)
		}
	})
}

// Every change to indicators, targets, values and assessments is in the
// trail with who made it; the value records who entered it; a change that
// changes nothing writes nothing; deleting an indicator, or a municipality,
// records the values and targets that go with it.
func TestIndicatorChangesAreAudited(t *testing.T) {
	s := newTestServer(t)
	f := newIndicatorFixture(s)
	editorUser := accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil)
	editor := s.as(accountstest.Session(t, s.client, editorUser))

	entries := s.trail(map[string]any{"objectType": "Indicator", "objectID": f.perMunicipality})
	if len(entries) != 1 || entries[0].Action != "CREATE" {
		t.Fatalf("trail of the indicator = %+v, want its CREATE", entries)
	}
	if _, name, _, _ := entries[0].change(t, "name"); name != "Barn som nåtts av kulturskolan" {
		t.Errorf("recorded name = %v", name)
	}
	if _, kpi, _, _ := entries[0].change(t, "koladaKpi"); kpi != "N09890" {
		t.Errorf("recorded koladaKpi = %v", kpi)
	}

	var created struct {
		CreateIndicatorValue struct{ ID, EnteredBy, Source string }
	}
	editor.must(createValue, map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2022, "value": 12.5, "municipalityID": f.orebro}}, &created)
	v := created.CreateIndicatorValue
	if v.EnteredBy != "redaktor" || v.Source != "OWN" {
		t.Errorf("new value: enteredBy %q, source %q; want redaktor, OWN", v.EnteredBy, v.Source)
	}
	var updated struct {
		UpdateIndicatorValue struct {
			Value     float64
			Version   int
			EnteredBy string
		}
	}
	s.must(updateValue, map[string]any{"id": v.ID, "in": map[string]any{"value": 13}}, &updated)
	if u := updated.UpdateIndicatorValue; u.Value != 13 || u.Version != 2 || u.EnteredBy != "admin" {
		t.Errorf("updated value = %+v; want 13, version 2, entered by admin", u)
	}
	// The same value again: no write, no entry, the same version.
	editor.must(updateValue, map[string]any{"id": v.ID, "in": map[string]any{"value": 13}}, &updated)
	if u := updated.UpdateIndicatorValue; u.Version != 2 || u.EnteredBy != "admin" {
		t.Errorf("an update that changes nothing changed the value: %+v", u)
	}
	entries = s.trail(map[string]any{"objectType": "IndicatorValue", "objectID": v.ID})
	if len(entries) != 2 || entries[0].Action != "CREATE" || entries[1].Action != "UPDATE" {
		t.Fatalf("trail of the value = %+v, want CREATE and UPDATE", entries)
	}
	if entries[0].Actor == nil || entries[0].Actor.Username != "redaktor" {
		t.Errorf("the value's creation is recorded as by %+v, want redaktor", entries[0].Actor)
	}
	if _, by, _, _ := entries[0].change(t, "enteredBy"); by != "redaktor" {
		t.Errorf("recorded enteredBy = %v", by)
	}
	if old, now, _, _ := entries[1].change(t, "value"); old != 12.5 || now != 13.0 {
		t.Errorf("recorded value change %v → %v, want 12.5 → 13", old, now)
	}
	for _, c := range entries[0].Changes {
		if c.Field == "slot" {
			t.Errorf("the trail records the internal slot: %+v", c)
		}
	}

	var assessed struct{ CreateGoalAssessment struct{ ID, Author string } }
	s.must(createAssessment, map[string]any{"in": map[string]any{"goalID": f.goal, "year": 2022, "light": "GREEN", "text": "I fas"}}, &assessed)
	if assessed.CreateGoalAssessment.Author != "admin" {
		t.Errorf("assessment author = %q, want admin", assessed.CreateGoalAssessment.Author)
	}
	if got := s.trail(map[string]any{"objectType": "GoalAssessment", "objectID": assessed.CreateGoalAssessment.ID}); len(got) != 1 {
		t.Errorf("trail of the assessment = %+v", got)
	}

	target := s.create(createTarget, map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2023, "value": 200}})
	s.must(`mutation($id: ID!) { deleteIndicator(id: $id) }`, map[string]any{"id": f.perMunicipality}, nil)
	for _, d := range []struct{ typ, id string }{{"Indicator", f.perMunicipality}, {"IndicatorValue", v.ID}, {"IndicatorTarget", target}} {
		got := s.trail(map[string]any{"objectType": d.typ, "objectID": d.id, "action": "DELETE"})
		if len(got) != 1 {
			t.Errorf("deleting the indicator recorded %d DELETE of %s %s, want 1", len(got), d.typ, d.id)
		}
	}
	if n := s.count("indicatorValues"); n != 0 {
		t.Errorf("%d values left after their indicator was deleted", n)
	}

	// A municipality deleted takes its values with it, recorded.
	muni := s.create(`mutation { createMunicipality(input: {code: "1899", name: "Provkommun"}) { id } }`, nil)
	other := s.create(createIndicator, map[string]any{"in": map[string]any{"activityID": f.activity, "name": "Besök", "scope": "MUNICIPALITY"}})
	val := s.create(createValue, map[string]any{"in": map[string]any{"indicatorID": other, "year": 2020, "value": 7, "municipalityID": muni}})
	s.must(`mutation($id: ID!) { deleteMunicipality(id: $id) }`, map[string]any{"id": muni}, nil)
	if got := s.trail(map[string]any{"objectType": "IndicatorValue", "objectID": val, "action": "DELETE"}); len(got) != 1 {
		t.Errorf("deleting the municipality recorded %d DELETE of its value, want 1", len(got))
	}

	// A goal deleted takes its indicators and assessments, recorded.
	s.must(`mutation($id: ID!) { deleteGoal(id: $id) }`, map[string]any{"id": f.goal}, nil)
	for _, d := range []struct{ typ, id string }{{"Indicator", f.county}, {"GoalAssessment", assessed.CreateGoalAssessment.ID}} {
		if got := s.trail(map[string]any{"objectType": d.typ, "objectID": d.id, "action": "DELETE"}); len(got) != 1 {
			t.Errorf("deleting the goal recorded %d DELETE of %s %s, want 1", len(got), d.typ, d.id)
		}
	}
	if n := s.count("goalAssessments"); n != 0 {
		t.Errorf("%d assessments left after their goal was deleted", n)
	}
}

// progress is an indicator's progress as a client reads it.
type progress struct {
	Year           int
	Baseline       *float64
	BaselineYear   *int
	Target         *float64
	TargetYear     *int
	Outcome        *float64
	ValueCount     int
	Share          *float64
	Reached        *bool
	SuggestedLight *string
}

func (s *testServer) progress(indicator string, year int) progress {
	s.t.Helper()
	var data struct{ Node struct{ Progress progress } }
	s.must(indicatorProgressFor, map[string]any{"id": indicator, "year": year}, &data)
	return data.Node.Progress
}

// The progress figures match what a person computes by hand: the outcome
// is the sum (or mean) of the municipalities' whole-year values, the
// target the year's or the next one, the share (outcome − baseline) /
// (target − baseline) whichever direction is better, and the light green
// when the target is reached, yellow from half way, red below.
func TestIndicatorProgressMatchesHandComputedFigures(t *testing.T) {
	s := newTestServer(t)
	f := newIndicatorFixture(s)
	val := func(ind string, year int, value float64, muni, period string) {
		in := map[string]any{"indicatorID": ind, "year": year, "value": value}
		if muni != "" {
			in["municipalityID"] = muni
		}
		if period != "" {
			in["period"] = period
		}
		s.create(createValue, map[string]any{"in": in})
	}
	target := func(ind string, year int, value float64) {
		s.create(createTarget, map[string]any{"in": map[string]any{"indicatorID": ind, "year": year, "value": value}})
	}
	f64 := func(v float64) *float64 { return &v }
	num := func(v *float64) any {
		if v == nil {
			return nil
		}
		return *v
	}
	str := func(v *string) string {
		if v == nil {
			return "null"
		}
		return *v
	}
	check := func(t *testing.T, got progress, outcome, tgt, share *float64, count int, light string) {
		t.Helper()
		if num(got.Outcome) != num(outcome) || num(got.Target) != num(tgt) || num(got.Share) != num(share) ||
			got.ValueCount != count || str(got.SuggestedLight) != light {
			t.Errorf("progress = outcome %v, target %v, share %v, %d values, light %s; want %v, %v, %v, %d, %s",
				num(got.Outcome), num(got.Target), num(got.Share), got.ValueCount, str(got.SuggestedLight),
				num(outcome), num(tgt), num(share), count, light)
		}
	}

	// Per municipality, summed: baseline 100 (2019), target 200 for 2023.
	target(f.perMunicipality, 2023, 200)
	val(f.perMunicipality, 2021, 60, f.orebro, "")
	val(f.perMunicipality, 2021, 70, f.laxa, "")
	val(f.perMunicipality, 2021, 999, f.orebro, "T1") // a tertial: not in the year's outcome

	t.Run("NoValueYet", func(t *testing.T) {
		got := s.withT(t).progress(f.perMunicipality, 2020)
		check(t, got, nil, f64(200), nil, 0, "null")
		if got.Reached != nil || *got.Baseline != 100 || *got.BaselineYear != 2019 || *got.TargetYear != 2023 {
			t.Errorf("progress = %+v", got)
		}
	})
	t.Run("SumBelowHalfWayIsRed", func(t *testing.T) {
		// (60 + 70 − 100) / (200 − 100) = 0.3
		got := s.withT(t).progress(f.perMunicipality, 2021)
		check(t, got, f64(130), f64(200), f64(0.3), 2, "RED")
		if got.Reached == nil || *got.Reached || *got.TargetYear != 2023 {
			t.Errorf("progress = %+v; want not reached, target of 2023", got)
		}
	})
	t.Run("TargetOfTheYearReachedIsGreen", func(t *testing.T) {
		s := s.withT(t)
		target(f.perMunicipality, 2021, 120)
		// (130 − 100) / (120 − 100) = 1.5
		got := s.progress(f.perMunicipality, 2021)
		check(t, got, f64(130), f64(120), f64(1.5), 2, "GREEN")
		if *got.TargetYear != 2021 || !*got.Reached {
			t.Errorf("progress = %+v; want the target of 2021, reached", got)
		}
	})
	t.Run("MeanOfTheMunicipalities", func(t *testing.T) {
		s := s.withT(t)
		s.must(`mutation($id: ID!) { updateIndicator(id: $id, input: {aggregation: MEAN}) { id } }`, map[string]any{"id": f.perMunicipality}, nil)
		// (60 + 70) / 2 = 65; (65 − 100) / (120 − 100) = −1.75: the wrong way.
		check(t, s.progress(f.perMunicipality, 2021), f64(65), f64(120), f64(-1.75), 2, "RED")
	})
	t.Run("LowerIsBetterHalfWayIsYellow", func(t *testing.T) {
		s := s.withT(t)
		// County, lower is better: baseline 50, target 30 in 2022.
		target(f.county, 2022, 30)
		val(f.county, 2022, 38, "", "")
		// (38 − 50) / (30 − 50) = 0.6
		got := s.progress(f.county, 2022)
		check(t, got, f64(38), f64(30), f64(0.6), 1, "YELLOW")
		if got.Reached == nil || *got.Reached {
			t.Errorf("38 weeks reached a target of 30 where lower is better: %+v", got)
		}
	})
	t.Run("LowerIsBetterBelowTargetIsGreen", func(t *testing.T) {
		s := s.withT(t)
		target(f.county, 2023, 30)
		val(f.county, 2023, 29, "", "")
		// (29 − 50) / (30 − 50) = 1.05
		check(t, s.progress(f.county, 2023), f64(29), f64(30), f64(1.05), 1, "GREEN")
	})
	t.Run("InTheAnswerOfTheMutationThatEntersAValue", func(t *testing.T) {
		s := s.withT(t)
		var data struct {
			CreateIndicatorValue struct{ Indicator struct{ Progress progress } }
		}
		// The county's 2021: no value yet; the answer sees the one entered.
		s.must(`mutation($in: CreateIndicatorValueInput!) { createIndicatorValue(input: $in) { indicator { progress(year: 2021) {
			outcome valueCount target share suggestedLight } } } }`,
			map[string]any{"in": map[string]any{"indicatorID": f.county, "year": 2021, "value": 45}}, &data)
		// (45 − 50) / (30 − 50) = 0.25, against the target of 2022.
		check(t, data.CreateIndicatorValue.Indicator.Progress, f64(45), f64(30), f64(0.25), 1, "RED")
	})
	t.Run("NoTargetNoLight", func(t *testing.T) {
		s := s.withT(t)
		ind := s.create(createIndicator, map[string]any{"in": map[string]any{"objectiveID": f.heading, "name": "Utan mål", "scope": "COUNTY"}})
		val(ind, 2021, 5, "", "")
		check(t, s.progress(ind, 2021), f64(5), nil, nil, 1, "null")
	})
	t.Run("ThroughTheGoal", func(t *testing.T) {
		s := s.withT(t)
		s.create(createAssessment, map[string]any{"in": map[string]any{"goalID": f.goal, "year": 2021, "light": "YELLOW", "text": "Fler barn, men inte alla kommuner"}})
		var data struct {
			Node struct {
				Indicators struct {
					TotalCount int
					Edges      []struct {
						Node struct {
							Name     string
							Progress progress
						}
					}
				}
				Assessments struct {
					Edges []struct {
						Node struct {
							Year                int
							Light, Text, Author string
						}
					}
				}
			}
		}
		s.must(`query($g: ID!) { node(id: $g) { ... on Goal {
			indicators(orderBy: {field: NAME}) { totalCount edges { node { name progress(year: 2021) { outcome suggestedLight } } } }
			assessments(where: {year: 2021}) { edges { node { year light text author } } } } } }`, map[string]any{"g": f.goal}, &data)
		g := data.Node
		if g.Indicators.TotalCount != 2 || g.Indicators.Edges[0].Node.Name != "Barn som nåtts av kulturskolan" ||
			num(g.Indicators.Edges[0].Node.Progress.Outcome) != 65.0 {
			t.Errorf("the goal's indicators = %+v", g.Indicators)
		}
		if len(g.Assessments.Edges) != 1 || g.Assessments.Edges[0].Node.Light != "YELLOW" || g.Assessments.Edges[0].Node.Author != "admin" {
			t.Errorf("the goal's assessments = %+v", g.Assessments)
		}
	})
}

// The compiled reads of indicators, their targets, values and the goals'
// assessments answer byte for byte as the resolvers do (the oracle).
func TestIndicatorReadsCompiledMatchResolvers(t *testing.T) {
	s := newTestServer(t)
	f := newIndicatorFixture(s)
	for i, v := range []float64{100, 12.5, 0.1, 1234567.89, -3} {
		s.create(createValue, map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2020 + i%4,
			"period": []any{nil, "T1", "H2", nil, "T3"}[i], "value": v, "municipalityID": []string{f.orebro, f.laxa}[i%2]}})
	}
	s.create(createValue, map[string]any{"in": map[string]any{"indicatorID": f.county, "year": 2021, "value": 44.25, "source": "KOLADA"}})
	s.create(createTarget, map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2023, "value": 200.5}})
	s.create(createAssessment, map[string]any{"in": map[string]any{"goalID": f.goal, "year": 2021, "light": "RED", "text": "Åtgärder behövs"}})

	o := s.resolvers()
	for _, q := range []string{
		`{ indicators(orderBy: [{field: NAME}]) { totalCount edges { cursor node { id name description unit direction scope aggregation
			baselineValue baselineYear koladaKpi version goalID objectiveID activityID goal { number }
			targets { totalCount edges { node { year value } } }
			values(orderBy: [{field: YEAR}, {field: VALUE, direction: DESC}]) { totalCount edges { node { year period value source enteredBy municipality { code name } } } } } } } }`,
		`{ indicatorValues(where: {valueGT: 1, hasMunicipalityWith: {code: "1880"}}) { edges { node { value year indicator { name } } } } }`,
		`{ goals(where: {hasIndicators: true}) { edges { node { number indicators { totalCount } assessments { edges { node { year light text author } } } } } } }`,
		`{ goalAssessments { totalCount edges { node { light goal { number } } } } indicatorTargets { edges { node { year value indicator { name } } } } }`,
	} {
		got, want := s.post(q, nil), o.post(q, nil)
		if len(want.Errors) > 0 || len(got.Errors) > 0 {
			t.Fatalf("errors: compiled %+v, resolvers %+v\nquery: %s", got.Errors, want.Errors, q)
		}
		if string(got.Data) != string(want.Data) {
			t.Errorf("compiled answer differs from the resolvers'\ncompiled:  %s\nresolvers: %s\nquery: %s", got.Data, want.Data, q)
		}
	}
}

// Of clients entering the same value at the same moment, one succeeds and
// the others get CONSTRAINT on year: the database's unique slot holds
// where the hook's check could not see the others' rows yet.
func TestIndicatorValueEnteredTwiceAtOnceOneWins(t *testing.T) {
	s := newTestServer(t)
	f := newIndicatorFixture(s)
	const n = 6
	codes := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := s.post(createValue, map[string]any{"in": map[string]any{"indicatorID": f.county, "year": 2022, "value": 1}})
			switch {
			case len(r.Errors) == 0:
				codes <- "OK"
			case r.Errors[0].Extensions.Code == "CONSTRAINT" && r.Errors[0].Extensions.Field == "year",
				r.Errors[0].Extensions.Code == "CONFLICT", r.Errors[0].Extensions.Code == "TIMEOUT":
				codes <- r.Errors[0].Extensions.Code
			default:
				codes <- r.Errors[0].Extensions.Code + " " + r.Errors[0].Extensions.Field + ": " + r.Errors[0].Message
			}
		}()
	}
	wg.Wait()
	close(codes)
	ok := 0
	for c := range codes {
		switch c {
		case "OK":
			ok++
		case "CONSTRAINT", "CONFLICT", "TIMEOUT":
		default:
			t.Errorf("a second value answered %s, want CONSTRAINT on year", c)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d identical values were stored, want 1", ok, n)
	}
	if got := s.count("indicatorValues"); got != 1 {
		t.Errorf("%d values stored, want 1", got)
	}
}
