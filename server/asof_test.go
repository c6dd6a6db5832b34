package server_test

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
)

// planThen is a plan's tree as both the live API and planAsOf give it, in
// one order (goals by number, headings by position, activities by id) and
// with times as instants, so that the two compare as JSON.
type planThen struct {
	Name        string
	Region      string
	FirstYear   int
	LastYear    int
	State       string
	Description *string
	GoalsIntro  *string
	Goals       []goalThen
}

type goalThen struct {
	ID          string
	Number      int
	Title       *string
	Area        *string
	Statement   *string
	Description *string
	Headings    []headingThen
}

type headingThen struct {
	ID          string
	Title       string
	Description *string
	Position    int
	Activities  []activityThen
}

type activityThen struct {
	ID          string
	Title       string
	Description *string
	Status      string
	FirstYear   *int
	LastYear    *int
	Lead        *string
	NextReview  *time.Time
}

const activityThenFields = `id title description status firstYear lastYear lead nextReview`

// livePlan is the plan as the API answers now: the oracle.
func (s *testServer) livePlan(id string) planThen {
	s.t.Helper()
	var data struct {
		Node struct {
			planThen
			Goals struct {
				Edges []struct {
					Node struct {
						goalThen
						Objectives struct {
							Edges []struct {
								Node struct {
									headingThen
									Activities struct {
										Edges []struct{ Node activityThen }
									}
								}
							}
						}
					}
				}
			}
		}
	}
	s.must(`query($id: ID!) { node(id: $id) { ... on Plan { name region firstYear lastYear state description goalsIntro
		goals(first: 20) { edges { node { id number title area statement description
			objectives(first: 30) { edges { node { id title description position
				activities(first: 100) { edges { node { `+activityThenFields+` } } } } } } } } } } } }`,
		map[string]any{"id": id}, &data)
	p := data.Node.planThen
	p.Goals = []goalThen{}
	for _, g := range data.Node.Goals.Edges {
		goal := g.Node.goalThen
		goal.Headings = []headingThen{}
		for _, o := range g.Node.Objectives.Edges {
			h := o.Node.headingThen
			h.Activities = []activityThen{}
			for _, a := range o.Node.Activities.Edges {
				h.Activities = append(h.Activities, a.Node)
			}
			goal.Headings = append(goal.Headings, h)
		}
		p.Goals = append(p.Goals, goal)
	}
	return p.normal()
}

// planAsOf is the plan as planAsOf reconstructs it, or nil.
func (s *testServer) planAsOf(id string, at time.Time) *planThen {
	s.t.Helper()
	var data struct{ PlanAsOf *planThen }
	s.must(`query($id: ID!, $at: Time!) { planAsOf(id: $id, at: $at) { name region firstYear lastYear state description goalsIntro
		goals { id number title area statement description
			headings { id title description position activities { `+activityThenFields+` } } } } }`,
		map[string]any{"id": id, "at": at.Format(time.RFC3339Nano)}, &data)
	if data.PlanAsOf == nil {
		return nil
	}
	p := data.PlanAsOf.normal()
	return &p
}

// normal sorts the tree, makes empty strings none (the two APIs may say
// either for an optional field left empty) and times UTC.
func (p planThen) normal() planThen {
	empty := func(s **string) {
		if *s != nil && **s == "" {
			*s = nil
		}
	}
	empty(&p.Description)
	empty(&p.GoalsIntro)
	slices.SortFunc(p.Goals, func(a, b goalThen) int { return cmp.Or(cmp.Compare(a.Number, b.Number), cmp.Compare(a.ID, b.ID)) })
	for i := range p.Goals {
		g := &p.Goals[i]
		empty(&g.Title)
		empty(&g.Area)
		empty(&g.Statement)
		empty(&g.Description)
		slices.SortFunc(g.Headings, func(a, b headingThen) int {
			return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(idNumber(a.ID), idNumber(b.ID)))
		})
		for j := range g.Headings {
			h := &g.Headings[j]
			empty(&h.Description)
			slices.SortFunc(h.Activities, func(a, b activityThen) int { return cmp.Compare(idNumber(a.ID), idNumber(b.ID)) })
			for k := range h.Activities {
				a := &h.Activities[k]
				empty(&a.Description)
				empty(&a.Lead)
				if a.NextReview != nil {
					utc := a.NextReview.UTC()
					a.NextReview = &utc
				}
			}
		}
	}
	return p
}

// idNumber is an ID as a number, to sort by.
func idNumber(id string) int {
	n, _ := strconv.Atoi(id)
	return n
}

// The plan as it stood at a moment is the plan the API gave at that
// moment: the test changes, moves, deletes and restores goals, headings
// and activities at known times, keeps the live answer after each step,
// and asks planAsOf for each of those moments afterwards. Before the seed
// was loaded the plan did not exist.
func TestPlanAsOfIsWhatTheAPISaidThen(t *testing.T) {
	s := newTestServer(t)
	plan := s.idOf("plans", `{region: "Region Örebro län"}`)
	type moment struct {
		name string
		at   time.Time
		then planThen
	}
	var moments []moment
	step := func(name string) {
		moments = append(moments, moment{name, time.Now(), s.livePlan(plan)})
	}
	step("Seeded")
	f := newRoleFixture(s)
	step("AfterTheFixture")

	s.must(`mutation($id: ID!) { updatePlan(id: $id, input: {name: "Handlingsplan, reviderad", description: "Ny inledning"}) { id } }`, map[string]any{"id": plan}, nil)
	s.must(`mutation($id: ID!) { updateGoal(id: $id, input: {title: "Nytt namn", clearArea: true}) { id } }`, map[string]any{"id": f.goal}, nil)
	s.must(`mutation($id: ID!) { updateObjective(id: $id, input: {title: "Omdöpt rubrik", position: 9}) { id } }`, map[string]any{"id": f.heading}, nil)
	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {status: ONGOING, lead: "Kulturchefen", nextReview: "2022-03-01T00:00:00Z", firstYear: 2021}) { id } }`,
		map[string]any{"id": f.ours}, nil)
	step("Renamed")

	second := s.idOf("goals", `{number: 2}`)
	heading := s.create(`mutation($g: ID!) { createObjective(input: {goalID: $g, title: "Ny rubrik", description: "Om den"}) { id } }`, map[string]any{"g": second})
	added := s.create(`mutation($h: ID!) { createActivity(input: {objectiveID: $h, title: "Ny aktivitet", status: PLANNED}) { id } }`, map[string]any{"h": heading})
	s.must(`mutation($id: ID!, $h: ID!) { updateActivity(id: $id, input: {objectiveID: $h, clearLead: true, clearNextReview: true}) { id } }`,
		map[string]any{"id": f.ours, "h": heading}, nil)
	step("AddedAndMoved")

	s.must(`mutation($id: ID!) { deleteActivity(id: $id) }`, map[string]any{"id": f.theirs}, nil)
	s.must(`mutation($id: ID!) { deleteObjective(id: $id) }`, map[string]any{"id": heading}, nil) // with "Ny aktivitet" and f.ours
	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {title: "Efter borttagningen", status: DONE}) { id } }`, map[string]any{"id": f.viaMuseum}, nil)
	step("Deleted")

	var deletion struct {
		AuditEntries struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	s.must(`query($id: ID!) { auditEntries(first: 1, where: {objectID: $id, action: DELETE}) { edges { node { id } } } }`, map[string]any{"id": heading}, &deletion)
	s.must(`mutation($e: ID!) { restoreDeleted(entryID: $e) { id } }`, map[string]any{"e": deletion.AuditEntries.Edges[0].Node.ID}, nil)
	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {title: "Tillbaka", status: ONGOING}) { id } }`, map[string]any{"id": added}, nil)
	s.must(`mutation($id: ID!) { deleteGoal(id: $id) }`, map[string]any{"id": f.goal}, nil)
	step("RestoredAndGoalDeleted")

	for _, m := range moments {
		t.Run(m.name, func(t *testing.T) {
			got := s.withT(t).planAsOf(plan, m.at)
			if got == nil {
				t.Fatalf("planAsOf(%s) is null; the plan existed", m.at.Format(time.RFC3339Nano))
			}
			want, _ := json.MarshalIndent(m.then, "", " ")
			have, _ := json.MarshalIndent(got, "", " ")
			if string(want) != string(have) {
				t.Errorf("planAsOf differs from what the API said then:\nthen:  %s\nasOf: %s", want, have)
			}
		})
	}
	t.Run("MomentsDiffer", func(t *testing.T) {
		// Else the comparisons above would prove little.
		for i := 1; i < len(moments); i++ {
			a, _ := json.Marshal(moments[i-1].then)
			b, _ := json.Marshal(moments[i].then)
			if string(a) == string(b) {
				t.Errorf("the plan at %s is the plan at %s: the step changed nothing", moments[i].name, moments[i-1].name)
			}
		}
	})
	t.Run("SeededAsLoadedEvenBefore", func(t *testing.T) {
		// The seed is the plan as adopted: asked about its first year, it
		// is the plan as loaded, without what was created since.
		got := s.withT(t).planAsOf(plan, time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC))
		want, _ := json.Marshal(moments[0].then)
		have, _ := json.Marshal(got)
		if string(want) != string(have) {
			t.Errorf("planAsOf in 2020:\nseeded: %s\nasOf:   %s", want, have)
		}
	})
	t.Run("APlanCreatedLater", func(t *testing.T) {
		s := s.withT(t)
		later := s.create(`mutation { createPlan(input: {name: "Senare plan", region: "Region Test", firstYear: 2024, lastYear: 2027}) { id } }`, nil)
		if got := s.planAsOf(later, moments[0].at); got != nil {
			t.Errorf("planAsOf before the plan was created = %+v, want null", got)
		}
		if got := s.planAsOf(later, time.Now()); got == nil || got.Name != "Senare plan" {
			t.Errorf("planAsOf now = %+v, want the plan", got)
		}
	})
	t.Run("ADeletedPlan", func(t *testing.T) {
		s := s.withT(t)
		before := time.Now()
		s.must(`mutation($id: ID!) { deletePlan(id: $id) }`, map[string]any{"id": plan}, nil)
		got := s.planAsOf(plan, before)
		want, _ := json.Marshal(moments[len(moments)-1].then)
		have, _ := json.Marshal(got)
		if string(want) != string(have) {
			t.Errorf("planAsOf a deleted plan before its deletion:\nthen: %s\nasOf: %s", want, have)
		}
		if got := s.planAsOf(plan, time.Now()); got != nil {
			t.Errorf("planAsOf after the plan was deleted = %+v, want null", got)
		}
	})
	t.Run("OnlyAdmins", func(t *testing.T) {
		s := s.withT(t)
		vars := map[string]any{"id": plan, "at": time.Now().Format(time.RFC3339)}
		const q = `query($id: ID!, $at: Time!) { planAsOf(id: $id, at: $at) { name } }`
		editor := accountstest.Session(t, s.client, accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil))
		s.as(editor).wantError(q, vars, "FORBIDDEN", "")
		viewer := accountstest.Session(t, s.client, accountstest.User(t, s.client, "lasare", auth.RoleViewer, nil, nil))
		s.as(viewer).wantError(q, vars, "FORBIDDEN", "")
		s.as("").wantError(q, vars, "UNAUTHENTICATED", "")
	})
}
