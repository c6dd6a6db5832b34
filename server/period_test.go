package server_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
)

const (
	setPlanState    = `mutation($id: ID!, $state: PlanState!) { updatePlan(id: $id, input: {state: $state}) { state } }`
	startNextPeriod = `mutation($in: StartNextPeriodInput!) { startNextPeriod(input: $in) { id } }`
)

// Under a closed plan an editor changes nothing of what it may change
// under an adopted one (its activities, their follow-ups, its
// municipalities' indicator values), and the refusal leaves no trace; an
// admin still may, and reopening the plan gives the editor its rights back.
func TestClosedPlanIsReadOnlyExceptToAdmins(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	ind := newIndicatorFixture(s)
	editor := accountstest.Session(t, s.client,
		accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil))
	ed := s.as(editor)

	var plan struct {
		Plans struct {
			Edges []struct{ Node struct{ State string } }
		}
	}
	s.must(`{ plans { edges { node { state } } } }`, nil, &plan)
	if got := plan.Plans.Edges[0].Node.State; got != "ADOPTED" {
		t.Fatalf("the Örebro plan's state = %s, want ADOPTED (the default)", got)
	}

	value := s.create(createValue, map[string]any{"in": map[string]any{
		"indicatorID": ind.perMunicipality, "year": 2021, "value": 120, "municipalityID": f.orebro}})
	editorChanges := []struct {
		name  string
		query string
		vars  map[string]any
	}{
		{"updateActivity", `mutation($id: ID!) { updateActivity(id: $id, input: {status: ONGOING}) { id } }`, map[string]any{"id": f.ours}},
		{"createFollowUp", `mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2023-01-15T00:00:00Z", text: "Läget"}) { id } }`, map[string]any{"a": f.ours}},
		{"updateFollowUp", `mutation($id: ID!) { updateFollowUp(id: $id, input: {text: "Rättat"}) { id } }`, map[string]any{"id": f.ourFollowUp}},
		{"deleteFollowUp", `mutation($id: ID!) { deleteFollowUp(id: $id) }`, map[string]any{"id": f.ourFollowUp}},
		{"updateIndicatorValue", updateValue, map[string]any{"id": value, "in": map[string]any{"value": 130}}},
		{"createIndicatorValue", createValue, map[string]any{"in": map[string]any{
			"indicatorID": ind.perMunicipality, "year": 2022, "value": 140, "municipalityID": f.orebro}}},
	}

	s.must(setPlanState, map[string]any{"id": f.plan, "state": "CLOSED"}, nil)
	for _, c := range editorChanges {
		t.Run("EditorRefused/"+c.name, func(t *testing.T) {
			ed := ed.withT(t)
			before := s.withT(t).auditCount()
			e := ed.wantError(c.query, c.vars, "FORBIDDEN", "")
			if e.Message != "the plan is closed: only an admin may change it or anything under it (an admin can set its state back to ADOPTED)" {
				t.Errorf("message = %q, want it to say the plan is closed", e.Message)
			}
			if after := s.withT(t).auditCount(); after != before {
				t.Errorf("a refused change left %d audit entries", after-before)
			}
		})
	}
	t.Run("AdminMay", func(t *testing.T) {
		s := s.withT(t)
		s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {status: DONE}) { id } }`, map[string]any{"id": f.ours}, nil)
		s.must(`mutation($id: ID!) { updateFollowUp(id: $id, input: {text: "Slutrapport"}) { id } }`, map[string]any{"id": f.ourFollowUp}, nil)
	})
	t.Run("EditorMayAgainWhenReopened", func(t *testing.T) {
		s := s.withT(t)
		s.must(setPlanState, map[string]any{"id": f.plan, "state": "ADOPTED"}, nil)
		for _, c := range editorChanges {
			ed.withT(t).must(c.query, c.vars, nil)
		}
	})
	t.Run("EditorMayNotChangeTheState", func(t *testing.T) {
		ed.withT(t).wantError(setPlanState, map[string]any{"id": f.plan, "state": "CLOSED"}, "FORBIDDEN", "")
	})
}

// periodActivity is an activity as the next-period tests read it.
type periodActivity struct {
	ID          string
	Title       string
	Status      string
	Lead        *string
	FirstYear   *int
	Objective   struct{ Title string }
	Predecessor *struct {
		ID        string
		FollowUps struct{ TotalCount int }
		Successor *struct{ ID string }
	}
	Successor      *struct{ ID string }
	Municipalities struct {
		Edges []struct{ Node struct{ Code string } }
	}
}

const periodActivityFields = `id title status lead firstYear objective { title }
	predecessor { id followUps { totalCount } successor { id } }
	successor { id }
	municipalities(first: 10) { edges { node { code } } }`

// The next period starts from the Örebro plan in one step: a draft
// 2024–2027 plan with the goals and headings copied, the activities picked
// carried over under the copies of their headings and linked to their
// predecessors both ways, whose follow-ups stay with them; every record
// created is in the audit trail, and the copies are edited without
// touching the originals.
func TestStartNextPeriodFromTheOrebroPlan(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {status: ONGOING, lead: "Kulturchef Örebro"}) { id } }`, map[string]any{"id": f.ours}, nil)
	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {status: DONE}) { id } }`, map[string]any{"id": f.theirs}, nil)
	plansBefore, auditBefore := s.count("plans"), s.auditCount()

	var data struct{ StartNextPeriod struct{ ID string } }
	s.must(startNextPeriod, map[string]any{"in": map[string]any{
		"planID": f.plan, "firstYear": 2024, "lastYear": 2027,
		"carryOverActivityIDs": []string{f.ours, f.theirs, f.ours},
	}}, &data)
	next := data.StartNextPeriod.ID

	var got struct {
		Node struct {
			Name, Region, State, GoalsIntro string
			FirstYear, LastYear             int
			Goals                           struct {
				Edges []struct {
					Node struct {
						Number     int
						Sentence   *string
						FocusAreas []string
						Actors     struct{ TotalCount int }
						Objectives struct {
							Edges []struct {
								Node struct {
									Title      string
									Activities struct {
										Edges []struct{ Node periodActivity }
									}
								}
							}
						}
					}
				}
			}
		}
	}
	s.must(`query($id: ID!) { node(id: $id) { ... on Plan { name region state goalsIntro firstYear lastYear
		goals(first: 10, orderBy: {field: NUMBER}) { edges { node { number sentence focusAreas actors { totalCount }
			objectives(first: 10, orderBy: {field: POSITION}) { edges { node { title activities(first: 10) { edges { node { `+periodActivityFields+` } } } } } } } } } } } }`,
		map[string]any{"id": next}, &got)
	p := got.Node
	if p.State != "DRAFT" || p.FirstYear != 2024 || p.LastYear != 2027 || p.Region != "Region Örebro län" ||
		p.Name != "Handlingsplan för kultursamverkan region och kommuner" {
		t.Errorf("new plan = %+v; want a DRAFT 2024–2027 of Region Örebro län with the old name", p)
	}
	if p.GoalsIntro != "Region Örebro län vill 2024–2027 genom samverkan med länets kommuner" {
		t.Errorf("goalsIntro = %q, want the new years in it", p.GoalsIntro)
	}
	if len(p.Goals.Edges) != 3 {
		t.Fatalf("%d goals copied, want 3", len(p.Goals.Edges))
	}
	g2 := p.Goals.Edges[1].Node
	if g2.Number != 2 || !slices.Contains(g2.FocusAreas, "äldreomsorg") {
		t.Errorf("goal 2 copied as %+v, want its focus areas", g2)
	}
	if g3 := p.Goals.Edges[2].Node; g3.Actors.TotalCount != 1 || g3.Sentence == nil ||
		*g3.Sentence != "Region Örebro län vill 2024–2027 genom samverkan med länets kommuner utveckla och stärka samverkan mellan länets kommuner, Nätverket för regional kulturutveckling och större kulturinstitutioner med fokus på kultur i hela länet." {
		t.Errorf("goal 3 copied as %+v, want its actor and the sentence with the new years", g3)
	}
	var headings []string
	var carried []periodActivity
	for _, g := range p.Goals.Edges {
		for _, o := range g.Node.Objectives.Edges {
			headings = append(headings, o.Node.Title)
			for _, a := range o.Node.Activities.Edges {
				carried = append(carried, a.Node)
			}
		}
	}
	if len(headings) != 4 {
		t.Errorf("headings copied: %q, want the 4 of the Örebro plan", headings)
	}
	if len(carried) != 2 {
		t.Fatalf("%d activities carried over, want 2 (the same id twice is one)", len(carried))
	}
	byTitle := map[string]periodActivity{}
	for _, a := range carried {
		byTitle[a.Title] = a
	}
	ours, theirs := byTitle["Örebros aktivitet"], byTitle["Laxås aktivitet"]
	if ours.Status != "ONGOING" || theirs.Status != "PLANNED" {
		t.Errorf("statuses carried over: %s and %s; want ONGOING kept and DONE made PLANNED", ours.Status, theirs.Status)
	}
	if ours.Lead == nil || *ours.Lead != "Kulturchef Örebro" || ours.FirstYear != nil ||
		ours.Objective.Title != "Ökad samverkan mellan kommuner, institutioner" ||
		len(ours.Municipalities.Edges) != 1 || ours.Municipalities.Edges[0].Node.Code != "1880" {
		t.Errorf("carried-over activity = %+v; want its lead, heading and municipality, and no years", ours)
	}
	if ours.Predecessor == nil || ours.Predecessor.ID != f.ours || ours.Predecessor.Successor == nil ||
		ours.Predecessor.Successor.ID != ours.ID || ours.Predecessor.FollowUps.TotalCount != 1 {
		t.Errorf("predecessor = %+v; want activity %s, linked back, with its follow-up", ours.Predecessor, f.ours)
	}

	var old struct {
		Node struct {
			Successor *struct{ ID string }
			FollowUps struct{ TotalCount int }
			Objective struct {
				Goal struct{ Plan struct{ ID string } }
			}
		}
	}
	s.must(`query($id: ID!) { node(id: $id) { ... on Activity { successor { id } followUps { totalCount } objective { goal { plan { id } } } } } }`,
		map[string]any{"id": f.ours}, &old)
	if old.Node.Successor == nil || old.Node.Successor.ID != ours.ID || old.Node.FollowUps.TotalCount != 1 || old.Node.Objective.Goal.Plan.ID != f.plan {
		t.Errorf("the old activity = %+v; want it in its plan with its follow-up and its successor %s", old.Node, ours.ID)
	}
	if n := s.count("plans"); n != plansBefore+1 {
		t.Errorf("%d plans, want %d", n, plansBefore+1)
	}
	// 1 plan + 3 goals + 4 headings + 2 activities, each created by the admin.
	if after := s.auditCount(); after-auditBefore != 10 {
		t.Errorf("%d audit entries, want 10 (the plan, 3 goals, 4 headings, 2 activities)", after-auditBefore)
	}
	entries := s.trail(map[string]any{"objectID": ours.ID})
	if len(entries) != 1 || entries[0].Action != "CREATE" || entries[0].Actor == nil || entries[0].Actor.Username != "admin" {
		t.Fatalf("entries of the carried-over activity = %+v, want its creation by the admin", entries)
	}
	if _, n, _, _ := entries[0].change(t, "predecessorID"); fmt.Sprint(n) != f.ours {
		t.Errorf("the carried-over activity's entry records predecessorID %v, want %s", n, f.ours)
	}

	t.Run("CopiesAreEditedApart", func(t *testing.T) {
		s := s.withT(t)
		var goals struct {
			Goals struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		s.must(`query($p: ID!) { goals(where: {planID: $p, number: 1}) { edges { node { id } } } }`, map[string]any{"p": next}, &goals)
		s.must(`mutation($id: ID!) { updateGoal(id: $id, input: {title: "Barn och unga 2024–2027"}) { id } }`,
			map[string]any{"id": goals.Goals.Edges[0].Node.ID}, nil)
		if s.idOf("goals", `{number: 1, title: "Barn och unga"}`) == "" {
			t.Error("the old goal 1 changed with its copy")
		}
	})
}

// startNextPeriod refuses, with its code and field, what it cannot do, and
// leaves nothing behind: not even the records a first startNextPeriod of
// the same request created, as the request is one transaction.
func TestStartNextPeriodRefusals(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	editor := accountstest.Session(t, s.client,
		accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil))
	other := s.create(`mutation { createPlan(input: {name: "Annan plan", region: "Region Test", firstYear: 2020, lastYear: 2023}) { id } }`, nil)
	otherGoal := s.create(`mutation($p: ID!) { createGoal(input: {planID: $p, number: 1}) { id } }`, map[string]any{"p": other})
	otherHeading := s.create(`mutation($g: ID!) { createObjective(input: {goalID: $g, title: "Rubrik"}) { id } }`, map[string]any{"g": otherGoal})
	elsewhere := s.create(`mutation($h: ID!) { createActivity(input: {objectiveID: $h, title: "Annanstans"}) { id } }`, map[string]any{"h": otherHeading})

	in := func(changes map[string]any) map[string]any {
		v := map[string]any{"planID": f.plan, "firstYear": 2024, "lastYear": 2027, "carryOverActivityIDs": []string{f.ours}}
		for k, x := range changes {
			v[k] = x
		}
		return map[string]any{"in": v}
	}
	cases := []struct {
		name        string
		as          string
		query       string
		vars        map[string]any
		code, field string
	}{
		{"Editor", editor, startNextPeriod, in(nil), "FORBIDDEN", ""},
		{"Anonymous", "", startNextPeriod, in(nil), "UNAUTHENTICATED", ""},
		{"UnknownPlan", s.token, startNextPeriod, in(map[string]any{"planID": "1"}), "NOT_FOUND", "planID"},
		{"OverlappingYears", s.token, startNextPeriod, in(map[string]any{"firstYear": 2023}), "VALIDATION", "firstYear"},
		{"LastYearFirst", s.token, startNextPeriod, in(map[string]any{"lastYear": 2025, "firstYear": 2026}), "VALIDATION", "lastYear"},
		{"UnknownActivity", s.token, startNextPeriod, in(map[string]any{"carryOverActivityIDs": []string{f.ours, "999999"}}), "NOT_FOUND", "carryOverActivityIDs"},
		{"ActivityOfAnotherPlan", s.token, startNextPeriod, in(map[string]any{"carryOverActivityIDs": []string{elsewhere}}), "VALIDATION", "carryOverActivityIDs"},
		{"CarriedOverTwiceInOneRequest", s.token,
			`mutation($in: StartNextPeriodInput!) { a: startNextPeriod(input: $in) { id } b: startNextPeriod(input: $in) { id } }`,
			in(nil), "VALIDATION", "carryOverActivityIDs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := s.withT(t)
			plans, entries := s.count("plans"), s.auditCount()
			s.as(c.as).wantError(c.query, c.vars, c.code, c.field)
			if n := s.count("plans"); n != plans {
				t.Errorf("%d plans after a refusal, want %d", n, plans)
			}
			if n := s.auditCount(); n != entries {
				t.Errorf("a refusal left %d audit entries", n-entries)
			}
		})
	}
}

// Deleting an activity that was carried over, or the plan it was in,
// leaves its successor without a predecessor, as a recorded update.
func TestDeletingAPredecessorIsRecorded(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	var data struct{ StartNextPeriod struct{ ID string } }
	s.must(startNextPeriod, map[string]any{"in": map[string]any{
		"planID": f.plan, "firstYear": 2024, "lastYear": 2027, "carryOverActivityIDs": []string{f.ours, f.theirs}}}, &data)
	var succ struct {
		Activities struct {
			Edges []struct{ Node struct{ ID, Title string } }
		}
	}
	s.must(`{ activities(where: {hasPredecessor: true}, orderBy: {field: TITLE}) { edges { node { id title } } } }`, nil, &succ)
	if len(succ.Activities.Edges) != 2 {
		t.Fatalf("successors = %+v, want 2", succ.Activities.Edges)
	}
	laxas, orebros := succ.Activities.Edges[0].Node.ID, succ.Activities.Edges[1].Node.ID

	s.must(`mutation($id: ID!) { deleteActivity(id: $id) }`, map[string]any{"id": f.ours}, nil)
	entries := s.trail(map[string]any{"objectID": orebros, "action": "UPDATE"})
	if len(entries) != 1 {
		t.Fatalf("entries of the successor = %+v, want one update", entries)
	}
	if old, _, _, _ := entries[0].change(t, "predecessorID"); fmt.Sprint(old) != f.ours {
		t.Errorf("the update records predecessorID from %v, want %s", old, f.ours)
	}

	s.must(`mutation($id: ID!) { deletePlan(id: $id) }`, map[string]any{"id": f.plan}, nil)
	if entries := s.trail(map[string]any{"objectID": laxas, "action": "UPDATE"}); len(entries) != 1 {
		t.Errorf("entries of the other successor after its predecessor's plan went = %+v, want one update", entries)
	}
	var left struct{ Activities struct{ TotalCount int } }
	s.must(`{ activities(where: {hasPredecessor: true}) { totalCount } }`, nil, &left)
	if left.Activities.TotalCount != 0 {
		t.Errorf("%d activities still have a predecessor", left.Activities.TotalCount)
	}
}

// nextPlanIndicator is an indicator of the next plan as the copy tests
// read it.
type nextPlanIndicator struct {
	Name          string
	Unit          *string
	Direction     string
	Scope         string
	BaselineValue *float64
	BaselineYear  *int
	KoladaKpi     *string
	Goal          *struct{ Number int }
	Objective     *struct{ Title string }
	Targets       struct{ TotalCount int }
}

// startNextPeriod copies the indicators of the goals and headings (not
// their targets or values, nor the indicators of activities) and the
// follow-up deadlines, moved by the period's offset, in the same
// transaction and audit trail as the rest; copyIndicators and
// copyDeadlines false leave them out.
func TestStartNextPeriodCopiesIndicatorsAndDeadlines(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	ind := newIndicatorFixture(s)
	s.create(createTarget, map[string]any{"in": map[string]any{"indicatorID": ind.county, "year": 2022, "value": 40}})
	s.create(createIndicator, map[string]any{"in": map[string]any{"objectiveID": f.heading, "name": "Samverkansmöten", "unit": "antal", "scope": "COUNTY"}})
	s.create(createIndicator, map[string]any{"in": map[string]any{"activityID": f.ours, "name": "Aktivitetens mått", "scope": "COUNTY"}})
	deadline := `mutation($in: CreateFollowUpDeadlineInput!) { createFollowUpDeadline(input: $in) { id } }`
	s.create(deadline, map[string]any{"in": map[string]any{"planID": f.plan, "year": 2021, "period": "FIRST_HALF", "dueDate": "2021-09-15T00:00:00Z"}})
	s.create(deadline, map[string]any{"in": map[string]any{"planID": f.plan, "year": 2023, "period": "YEAR", "dueDate": "2024-02-01T00:00:00Z"}})

	read := func(s *testServer, plan string) (indicators []nextPlanIndicator, deadlines []string) {
		var data struct {
			Indicators struct {
				Edges []struct{ Node nextPlanIndicator }
			}
			Node struct {
				FollowUpDeadlines struct {
					Edges []struct {
						Node struct {
							Year    int
							Period  string
							DueDate string
						}
					}
				}
			}
		}
		s.must(`query($p: ID!) {
			indicators(first: 100, orderBy: [{field: NAME}], where: {or: [{hasGoalWith: {hasPlanWith: {id: $p}}},
				{hasObjectiveWith: {hasGoalWith: {hasPlanWith: {id: $p}}}}, {hasActivityWith: {hasObjectiveWith: {hasGoalWith: {hasPlanWith: {id: $p}}}}}]}) {
				edges { node { name unit direction scope baselineValue baselineYear koladaKpi goal { number } objective { title } targets { totalCount } } } }
			node(id: $p) { ... on Plan { followUpDeadlines(first: 100, orderBy: [{field: DUE_DATE}]) { edges { node { year period dueDate } } } } }
		}`, map[string]any{"p": plan}, &data)
		for _, e := range data.Indicators.Edges {
			indicators = append(indicators, e.Node)
		}
		for _, e := range data.Node.FollowUpDeadlines.Edges {
			deadlines = append(deadlines, fmt.Sprintf("%d %s %s", e.Node.Year, e.Node.Period, e.Node.DueDate[:10]))
		}
		return indicators, deadlines
	}

	t.Run("Copied", func(t *testing.T) {
		s := s.withT(t)
		entriesBefore := s.auditCount()
		next := s.create(startNextPeriod, map[string]any{"in": map[string]any{"planID": f.plan, "firstYear": 2024, "lastYear": 2027}})
		indicators, deadlines := read(s, next)
		var names []string
		for _, i := range indicators {
			names = append(names, i.Name)
		}
		if want := []string{"Barn som nåtts av kulturskolan", "Samverkansmöten", "Väntetid till kulturskolan"}; !slices.Equal(names, want) {
			t.Fatalf("the next plan's indicators = %q, want %q (the goals' and headings', not the activity's)", names, want)
		}
		kids, meetings, waiting := indicators[0], indicators[1], indicators[2]
		if kids.Goal == nil || kids.Goal.Number != 1 || *kids.Unit != "antal" || kids.Scope != "MUNICIPALITY" ||
			*kids.BaselineValue != 100 || *kids.BaselineYear != 2019 || *kids.KoladaKpi != "N09890" {
			t.Errorf("copied per-municipality indicator = %+v, want goal 1's, antal, MUNICIPALITY, baseline 100 (2019), Kolada N09890", kids)
		}
		if waiting.Direction != "LOWER_IS_BETTER" || waiting.Scope != "COUNTY" || waiting.Targets.TotalCount != 0 {
			t.Errorf("copied county indicator = %+v, want LOWER_IS_BETTER, COUNTY and no targets (the old ones are for the old years)", waiting)
		}
		if meetings.Objective == nil || meetings.Objective.Title != "Ökad samverkan mellan kommuner, institutioner" {
			t.Errorf("copied heading indicator = %+v, want it under the copy of its heading", meetings)
		}
		if want := []string{"2025 FIRST_HALF 2025-09-15", "2027 YEAR 2028-02-01"}; !slices.Equal(deadlines, want) {
			t.Errorf("the next plan's deadlines = %q, want %q (moved four years)", deadlines, want)
		}
		var trail struct {
			Indicators, Deadlines struct{ TotalCount int }
		}
		s.must(`{ indicators: auditEntries(where: {objectType: "Indicator", action: CREATE}) { totalCount }
			deadlines: auditEntries(where: {objectType: "FollowUpDeadline", action: CREATE}) { totalCount } }`, nil, &trail)
		if trail.Indicators.TotalCount != 2+1+1+3 || trail.Deadlines.TotalCount != 2+2 {
			t.Errorf("creations in the trail: %d indicators, %d deadlines; want 7 and 4 (the fixture's and the copies)",
				trail.Indicators.TotalCount, trail.Deadlines.TotalCount)
		}
		if s.auditCount() <= entriesBefore {
			t.Error("starting the next period wrote nothing to the trail")
		}
	})
	t.Run("OptedOut", func(t *testing.T) {
		s := s.withT(t)
		next := s.create(startNextPeriod, map[string]any{"in": map[string]any{"planID": f.plan, "firstYear": 2028, "lastYear": 2031,
			"copyIndicators": false, "copyDeadlines": false}})
		if indicators, deadlines := read(s, next); len(indicators)+len(deadlines) > 0 {
			t.Errorf("with copyIndicators and copyDeadlines false the next plan has %d indicators and deadlines %q, want none", len(indicators), deadlines)
		}
	})
	t.Run("AShorterPeriodLeavesLaterYearsOut", func(t *testing.T) {
		s := s.withT(t)
		next := s.create(startNextPeriod, map[string]any{"in": map[string]any{"planID": f.plan, "firstYear": 2032, "lastYear": 2033}})
		if _, deadlines := read(s, next); !slices.Equal(deadlines, []string{"2033 FIRST_HALF 2033-09-15"}) {
			t.Errorf("deadlines of a two-year period after 2020–2023 = %q, want only 2021's, moved to 2033", deadlines)
		}
	})
}

const createRevision = `mutation($in: CreatePlanRevisionInput!) { createPlanRevision(input: $in) { id } }`

// An admin records a plan's revisions: a decision date around the plan's
// period, a note that says something; each change is in the audit trail,
// others are refused, and the plan lists them by date.
func TestPlanRevisions(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	in := func(extra map[string]any) map[string]any {
		m := map[string]any{"planID": f.plan, "decidedOn": "2022-03-15T00:00:00Z", "note": "Mål 2 omformulerat efter dialog med kommunerna"}
		for k, v := range extra {
			m[k] = v
		}
		return map[string]any{"in": m}
	}
	refusals := []struct {
		name        string
		vars        map[string]any
		code, field string
	}{
		{"ErrDecidedLongBefore", in(map[string]any{"decidedOn": "2018-12-31T00:00:00Z"}), "VALIDATION", "decidedOn"},
		{"ErrDecidedLongAfter", in(map[string]any{"decidedOn": "2025-01-01T00:00:00Z"}), "VALIDATION", "decidedOn"},
		{"ErrBlankNote", in(map[string]any{"note": "  "}), "VALIDATION", "note"},
		{"ErrUnknownPlan", in(map[string]any{"planID": "999999"}), "NOT_FOUND", "planID"},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			s.withT(t).wantError(createRevision, r.vars, r.code, r.field)
		})
	}
	t.Run("EditorRefused", func(t *testing.T) {
		editor := accountstest.Session(t, s.client, accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil))
		s.withT(t).as(editor).wantError(createRevision, in(nil), "FORBIDDEN", "")
	})

	var first, second string
	t.Run("Recorded", func(t *testing.T) {
		s := s.withT(t)
		before := s.auditCount()
		second = s.create(createRevision, in(map[string]any{"decidedOn": "2022-11-01T00:00:00Z", "note": "Ny aktivitet", "decidedBy": "Regionala utvecklingsnämnden", "caseNumber": "22RS100"}))
		first = s.create(createRevision, in(map[string]any{"decidedOn": "2019-06-01T00:00:00Z"})) // the year before the period
		s.must(`mutation($id: ID!) { updatePlanRevision(id: $id, input: {note: "Mål 2 omformulerat", clearCaseNumber: true}) { id } }`, map[string]any{"id": first}, nil)
		if got := s.auditCount() - before; got != 3 {
			t.Errorf("two creations and an update wrote %d audit entries, want 3", got)
		}
		var data struct {
			Node struct {
				Revisions struct {
					Edges []struct {
						Node struct {
							ID, Note, DecidedOn string
							DecidedBy           *string
						}
					}
				}
			}
		}
		s.must(`query($p: ID!) { node(id: $p) { ... on Plan { revisions(first: 10, orderBy: [{field: DECIDED_ON}]) { edges { node { id note decidedOn decidedBy } } } } } }`,
			map[string]any{"p": f.plan}, &data)
		var got []string
		for _, e := range data.Node.Revisions.Edges {
			got = append(got, e.Node.DecidedOn[:10]+" "+e.Node.Note)
		}
		if want := []string{"2019-06-01 Mål 2 omformulerat", "2022-11-01 Ny aktivitet"}; !slices.Equal(got, want) {
			t.Errorf("the plan's revisions = %q, want %q", got, want)
		}
	})
	t.Run("AsOfListsThoseDecidedByThen", func(t *testing.T) {
		s := s.withT(t)
		var data struct {
			PlanAsOf struct {
				Revisions []struct{ ID string }
			}
		}
		s.must(`query($p: ID!) { planAsOf(id: $p, at: "2022-06-30T23:59:59Z") { revisions { id } } }`, map[string]any{"p": f.plan}, &data)
		if len(data.PlanAsOf.Revisions) != 1 || data.PlanAsOf.Revisions[0].ID != first {
			t.Errorf("revisions as of 30 June 2022 = %+v, want only the one of 2019 (%s)", data.PlanAsOf.Revisions, first)
		}
	})
	t.Run("Deleted", func(t *testing.T) {
		s := s.withT(t)
		s.must(`mutation($id: ID!) { deletePlanRevision(id: $id) }`, map[string]any{"id": second}, nil)
		s.wantError(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": second}, "NOT_FOUND", "")
		var trail struct{ AuditEntries struct{ TotalCount int } }
		s.must(`query($id: ID!) { auditEntries(where: {objectID: $id}) { totalCount } }`, map[string]any{"id": second}, &trail)
		if trail.AuditEntries.TotalCount != 2 {
			t.Errorf("the deleted revision has %d entries, want 2 (its creation and deletion)", trail.AuditEntries.TotalCount)
		}
	})
	t.Run("GoAndComeBackWithTheirPlan", func(t *testing.T) {
		s := s.withT(t)
		s.must(`mutation($id: ID!) { deletePlan(id: $id) }`, map[string]any{"id": f.plan}, nil)
		s.wantError(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": first}, "NOT_FOUND", "")
		var deletion struct {
			AuditEntries struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		s.must(`query($id: ID!) { auditEntries(first: 1, where: {objectID: $id, action: DELETE}) { edges { node { id } } } }`, map[string]any{"id": f.plan}, &deletion)
		s.must(`mutation($e: ID!) { restoreDeleted(entryID: $e) { id } }`, map[string]any{"e": deletion.AuditEntries.Edges[0].Node.ID}, nil)
		var back struct{ Node struct{ Note string } }
		s.must(`query($id: ID!) { node(id: $id) { ... on PlanRevision { note } } }`, map[string]any{"id": first}, &back)
		if back.Node.Note != "Mål 2 omformulerat" {
			t.Errorf("the revision restored with its plan has the note %q", back.Node.Note)
		}
	})
}

// An editor's change and an admin's closing of the plan it is under, at
// once, round after round: the editor's change either lands before the
// plan closes or is refused, never after it. (On PostgreSQL the editor's
// change read the plan's state, the plan closed and committed, and then
// the change committed under a closed plan.)
func TestAnEditorsChangeNeverLandsAfterThePlanCloses(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	ed := s.as(accountstest.Session(t, s.client,
		accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil)))
	var landed, refused int
	for round := range 20 {
		lead := fmt.Sprintf("Omgång %d", round)
		answers := make([]gqlResponse, 2)
		atOnce(
			func() {
				answers[0] = ed.post(`mutation($id: ID!, $lead: String!) { updateActivity(id: $id, input: {lead: $lead}) { id } }`,
					map[string]any{"id": f.ours, "lead": lead})
			},
			func() { answers[1] = s.post(setPlanState, map[string]any{"id": f.plan, "state": "CLOSED"}) },
		)
		if len(answers[1].Errors) > 0 {
			t.Fatalf("round %d: closing the plan: %v", round, answers[1].Errors)
		}
		var closedAt, changedAt int
		var trail struct {
			AuditEntries struct {
				Edges []struct {
					Node struct{ ObjectID string }
				}
			}
		}
		// The trail in the order written: each entry while its change
		// held the record it changed.
		s.must(`query($a: ID!, $p: ID!) { auditEntries(last: 2, where: {objectIDIn: [$a, $p], action: UPDATE}) { edges { node { objectID } } } }`,
			map[string]any{"a": f.ours, "p": f.plan}, &trail)
		for i, e := range trail.AuditEntries.Edges {
			if e.Node.ObjectID == f.plan {
				closedAt = i + 1
			} else {
				changedAt = i + 1
			}
		}
		if closedRace(t, round, answers[0], changedAt, closedAt, trail.AuditEntries.Edges) {
			refused++
		} else {
			landed++
		}
		s.must(setPlanState, map[string]any{"id": f.plan, "state": "ADOPTED"}, nil)
	}
	t.Logf("the editor's change landed in %d rounds, was refused in %d", landed, refused)
}

// Nor does it land after an admin moves what it is under (its heading, or
// the activity a follow-up is added to) under a closed plan at the same
// moment: a move takes the turn a plan's close takes.
func TestAnEditorsChangeNeverLandsAfterAMoveUnderAClosedPlan(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	ed := s.as(accountstest.Session(t, s.client,
		accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil)))
	closed := s.create(`mutation { createPlan(input: {name: "En stängd plan", region: "Region Test", firstYear: 2020, lastYear: 2023}) { id } }`, nil)
	closedGoal := s.create(`mutation($p: ID!) { createGoal(input: {planID: $p, number: 1}) { id } }`, map[string]any{"p": closed})
	closedHeading := s.create(`mutation($g: ID!) { createObjective(input: {goalID: $g, title: "Förra rubriken"}) { id } }`, map[string]any{"g": closedGoal})
	s.must(setPlanState, map[string]any{"id": closed, "state": "CLOSED"}, nil)
	const (
		moveHeading  = `mutation($id: ID!, $to: ID!) { updateObjective(id: $id, input: {goalID: $to}) { id } }`
		moveActivity = `mutation($id: ID!, $to: ID!) { updateActivity(id: $id, input: {objectiveID: $to}) { id } }`
	)
	cases := []struct {
		name            string
		edit            func(round int) gqlResponse
		editType        string
		move, back      string
		moved, from, to string
	}{
		{"AnActivityWhileItsHeadingMoves", func(round int) gqlResponse {
			return ed.post(`mutation($id: ID!, $lead: String!) { updateActivity(id: $id, input: {lead: $lead}) { id } }`,
				map[string]any{"id": f.ours, "lead": fmt.Sprintf("Omgång %d", round)})
		}, "Activity", moveHeading, moveHeading, f.heading, f.goal, closedGoal},
		{"AFollowUpWhileItsActivityMoves", func(round int) gqlResponse {
			return ed.post(`mutation($a: ID!, $text: String!) { createFollowUp(input: {activityID: $a, date: "2022-06-30T00:00:00Z", text: $text}) { id } }`,
				map[string]any{"a": f.ours, "text": fmt.Sprintf("Omgång %d", round)})
		}, "FollowUp", moveActivity, moveActivity, f.ours, f.heading, closedHeading},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var landed, refused int
			for round := range 20 {
				answers := make([]gqlResponse, 2)
				atOnce(
					func() { answers[0] = c.edit(round) },
					func() { answers[1] = s.post(c.move, map[string]any{"id": c.moved, "to": c.to}) },
				)
				if len(answers[1].Errors) > 0 {
					t.Fatalf("round %d: the move: %v", round, answers[1].Errors)
				}
				var trail struct {
					AuditEntries struct {
						Edges []struct {
							Node struct {
								ObjectID, ObjectType string
							}
						}
					}
				}
				// The trail in the order written: each entry while its
				// change held its turn.
				s.must(`{ auditEntries(last: 2) { edges { node { objectID objectType } } } }`, nil, &trail)
				var movedAt, editedAt int
				for i, e := range trail.AuditEntries.Edges {
					switch {
					case e.Node.ObjectID == c.moved:
						movedAt = i + 1
					case e.Node.ObjectType == c.editType:
						editedAt = i + 1
					}
				}
				if closedRace(t, round, answers[0], editedAt, movedAt, trail.AuditEntries.Edges) {
					refused++
				} else {
					landed++
				}
				s.must(c.back, map[string]any{"id": c.moved, "to": c.from}, nil)
			}
			t.Logf("the editor's change landed in %d rounds, was refused in %d", landed, refused)
		})
	}
}

// closedRace judges a round of an editor's change made at the moment an
// admin's change put it under a closed plan, from the editor's answer and
// where each change's entry is among the trail's last entries (from 1, 0
// for none): it tells whether the editor's change was refused, and fails
// unless it was refused or landed first.
func closedRace(t *testing.T, round int, edit gqlResponse, editedAt, closedAt int, trail any) (refused bool) {
	t.Helper()
	switch {
	case len(edit.Errors) > 0:
		if code := edit.Errors[0].Extensions.Code; code != "FORBIDDEN" {
			t.Fatalf("round %d: the editor's change: %s %q, want FORBIDDEN (under a closed plan)", round, code, edit.Errors[0].Message)
		}
		return true
	case editedAt == 0 || closedAt == 0:
		t.Fatalf("round %d: the trail's last entries %+v hold not both the editor's change and the admin's", round, trail)
	case editedAt > closedAt:
		t.Errorf("round %d: the editor's change landed after its plan closed or it moved under a closed one", round)
	}
	return false
}
