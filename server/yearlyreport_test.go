package server_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
)

const (
	markReady         = `mutation($in: MarkYearlyReportReadyInput!) { markYearlyReportReady(input: $in) { id markedBy createdAt municipality { name } } }`
	unmarkReady       = `mutation($id: ID!) { unmarkYearlyReportReady(id: $id) }`
	closeReport       = `mutation($plan: ID!, $year: Int!) { closeYearlyReport(planID: $plan, year: $year) { id closedBy } }`
	reopenReport      = `mutation($plan: ID!, $year: Int!) { reopenYearlyReport(planID: $plan, year: $year) }`
	yearlyReportQuery = `query($plan: ID!, $year: Int!) { node(id: $plan) { ... on Plan { yearlyReport(year: $year) {
		year state closing { closedBy }
		readiness { markedBy municipality { name } }
		goals { goal { number } assessment { light text }
			activities { activity { title status firstYear lastYear } latestFollowUp { text date } }
			municipalitiesReached { name } municipalitiesMissed { name } }
		coverage { municipalities { municipality { name } } municipalitiesNotReached { name } }
		statusChanges { toStatus at activity { title } }
	} } } }`
)

type yearlyReportData struct {
	Node struct {
		YearlyReport struct {
			Year      int
			State     string
			Closing   *struct{ ClosedBy string }
			Readiness []struct {
				MarkedBy     string
				Municipality struct{ Name string }
			}
			Goals []struct {
				Goal       struct{ Number int }
				Assessment *struct{ Light, Text string }
				Activities []struct {
					Activity struct {
						Title, Status       string
						FirstYear, LastYear *int
					}
					LatestFollowUp *struct {
						Text string
						Date time.Time
					}
				}
				MunicipalitiesReached []struct{ Name string }
				MunicipalitiesMissed  []struct{ Name string }
			}
			Coverage struct {
				Municipalities []struct{ Municipality struct{ Name string } }
			}
			StatusChanges []struct {
				ToStatus string
				At       time.Time
				Activity struct{ Title string }
			}
		}
	}
}

func (s *testServer) yearlyReport(plan string, year int) yearlyReportData {
	s.t.Helper()
	var data yearlyReportData
	s.must(yearlyReportQuery, map[string]any{"plan": plan, "year": year}, &data)
	return data
}

// The 2021 report of the Örebro plan has every goal by number with its
// assessment, the activities prioritised in 2021 by status with their
// latest follow-up up to 2021, and each goal's municipalities reached and
// missed, which together are the plan's municipalities; what changed is
// the status changes dated in the year.
func TestYearlyReportOfTheOrebroPlan(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	s.must(`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2021-05-10T00:00:00Z", text: "Våren 2021"}) { id } }`, map[string]any{"a": f.ours}, nil)
	s.must(`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2021-11-10T00:00:00Z", text: "Hösten 2021"}) { id } }`, map[string]any{"a": f.ours}, nil)
	s.must(`mutation($g: ID!) { createGoalAssessment(input: {goalID: $g, year: 2021, light: YELLOW, text: "Halvvägs"}) { id } }`, map[string]any{"g": f.goal}, nil)
	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {status: DONE}) { id } }`, map[string]any{"id": f.theirs}, nil)

	r := s.yearlyReport(f.plan, 2021).Node.YearlyReport
	if r.Year != 2021 || r.State != "OPEN" || r.Closing != nil {
		t.Errorf("year %d, state %s, closing %v; want 2021, OPEN, none", r.Year, r.State, r.Closing)
	}
	if n := s.count("goals"); len(r.Goals) != n {
		t.Fatalf("%d goals in the report, want the plan's %d", len(r.Goals), n)
	}
	statusOrder := []string{"PLANNED", "ONGOING", "DONE", "CANCELLED"}
	var ours, theirs bool
	var laxaGoal int
	for i, g := range r.Goals {
		if g.Goal.Number != i+1 {
			t.Errorf("goal %d is number %d: want them by number", i, g.Goal.Number)
		}
		if got, want := len(g.MunicipalitiesReached)+len(g.MunicipalitiesMissed), len(r.Coverage.Municipalities); got != want {
			t.Errorf("goal %d: %d municipalities reached or missed, want the plan's %d", g.Goal.Number, got, want)
		}
		last := 0
		for _, a := range g.Activities {
			if a.Activity.FirstYear != nil && *a.Activity.FirstYear > 2021 || a.Activity.LastYear != nil && *a.Activity.LastYear < 2021 {
				t.Errorf("%q (%v–%v) is not prioritised in 2021", a.Activity.Title, *a.Activity.FirstYear, *a.Activity.LastYear)
			}
			at := slices.Index(statusOrder, a.Activity.Status)
			if at < last {
				t.Errorf("goal %d: %q (%s) after a later status: want them by status", g.Goal.Number, a.Activity.Title, a.Activity.Status)
			}
			last = at
			switch a.Activity.Title {
			case "Örebros aktivitet":
				ours = true
				if a.LatestFollowUp == nil || a.LatestFollowUp.Text != "Hösten 2021" {
					t.Errorf("latest follow-up of %q = %+v, want Hösten 2021 (the one of 2022 is after the year)", a.Activity.Title, a.LatestFollowUp)
				}
			case "Laxås aktivitet":
				theirs = true
				laxaGoal = i
				if a.Activity.Status != "DONE" {
					t.Errorf("%q is %s, want DONE", a.Activity.Title, a.Activity.Status)
				}
			}
		}
	}
	if !ours || !theirs {
		t.Errorf("the fixture's activities (without years) are missing: ours %v, theirs %v", ours, theirs)
	}
	g1 := r.Goals[0]
	if g1.Assessment == nil || g1.Assessment.Light != "YELLOW" || g1.Assessment.Text != "Halvvägs" {
		t.Errorf("goal 1's assessment = %+v, want YELLOW Halvvägs", g1.Assessment)
	}
	if g := r.Goals[laxaGoal]; !slices.ContainsFunc(g.MunicipalitiesReached, func(m struct{ Name string }) bool { return m.Name == "Laxå" }) ||
		slices.ContainsFunc(g.MunicipalitiesMissed, func(m struct{ Name string }) bool { return m.Name == "Laxå" }) {
		t.Errorf("goal %d reached %v and missed %v, want Laxå reached", g.Goal.Number, g.MunicipalitiesReached, g.MunicipalitiesMissed)
	}
	// The status changes made now are in this year, not in 2021.
	for _, c := range r.StatusChanges {
		if c.At.Year() != 2021 {
			t.Errorf("a change of %s in the 2021 report", c.At)
		}
	}
	s.wantError(`query($p: ID!) { node(id: $p) { ... on Plan { yearlyReport(year: 2025) { year } } } }`, map[string]any{"p": f.plan}, "VALIDATION", "year")
}

// The year's changes are the status changes dated in it: a plan whose
// period is this year's shows today's change in this year's report, and
// not in the year before.
func TestYearlyReportListsTheYearsChanges(t *testing.T) {
	s := newTestServer(t)
	year := time.Now().UTC().Year()
	plan := s.create(`mutation($y0: Int!, $y1: Int!) { createPlan(input: {name: "Plan i år", region: "Region Test", firstYear: $y0, lastYear: $y1}) { id } }`,
		map[string]any{"y0": year - 1, "y1": year + 1})
	goal := s.create(`mutation($p: ID!) { createGoal(input: {planID: $p, number: 1, title: "Mål ett"}) { id } }`, map[string]any{"p": plan})
	heading := s.create(`mutation($g: ID!) { createObjective(input: {goalID: $g, title: "Rubrik"}) { id } }`, map[string]any{"g": goal})
	act := s.create(`mutation($h: ID!) { createActivity(input: {objectiveID: $h, title: "Ändrad i år"}) { id } }`, map[string]any{"h": heading})
	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {status: ONGOING}) { id } }`, map[string]any{"id": act}, nil)

	changes := s.yearlyReport(plan, year).Node.YearlyReport.StatusChanges
	var statuses []string
	for _, c := range changes {
		if c.Activity.Title != "Ändrad i år" {
			t.Errorf("a change of %q, not of the plan", c.Activity.Title)
		}
		statuses = append(statuses, c.ToStatus)
	}
	if !slices.Equal(statuses, []string{"PLANNED", "ONGOING"}) {
		t.Errorf("this year's changes = %v, want its creation (PLANNED) then ONGOING", statuses)
	}
	if before := s.yearlyReport(plan, year-1).Node.YearlyReport.StatusChanges; len(before) != 0 {
		t.Errorf("last year's report has %d changes, want none", len(before))
	}
}

// An editor marks ready the part of its own municipalities, only while the
// report is open; an admin closes and reopens it; a deleted municipality's
// mark goes with it; every change is in the audit trail, and refusals
// leave none.
func TestYearlyReportReadinessRules(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	editor := accountstest.Session(t, s.client,
		accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil))
	ed := s.as(editor)
	ready := func(muni string, year int) map[string]any {
		return map[string]any{"in": map[string]any{"planID": f.plan, "year": year, "municipalityID": muni}}
	}
	report := map[string]any{"plan": f.plan, "year": 2021}

	var mark struct {
		MarkYearlyReportReady struct {
			ID, MarkedBy string
			CreatedAt    time.Time
			Municipality struct{ Name string }
		}
	}
	ed.must(markReady, ready(f.orebro, 2021), &mark)
	if m := mark.MarkYearlyReportReady; m.MarkedBy != "redaktor" || m.Municipality.Name != "Örebro" || m.CreatedAt.IsZero() {
		t.Errorf("mark = %+v, want Örebro marked by redaktor, with its time", m)
	}
	ours := mark.MarkYearlyReportReady.ID

	refusals := []struct {
		name        string
		as          *testServer
		query       string
		vars        map[string]any
		code, field string
	}{
		{"EditorMarksAnotherMunicipality", ed, markReady, ready(f.laxa, 2021), "FORBIDDEN", "municipalityID"},
		{"MarkedTwice", ed, markReady, ready(f.orebro, 2021), "CONSTRAINT", "municipalityID"},
		{"YearOutsideThePeriod", ed, markReady, ready(f.orebro, 2019), "VALIDATION", "year"},
		{"NoSuchMunicipality", s, markReady, ready("999999", 2021), "NOT_FOUND", "municipalityID"},
		{"EditorCloses", ed, closeReport, report, "FORBIDDEN", ""},
		{"AnonymousMarks", s.as(""), markReady, ready(f.orebro, 2022), "UNAUTHENTICATED", ""},
		{"ReopenWhenOpen", s, reopenReport, report, "NOT_FOUND", "year"},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			before := s.withT(t).auditCount()
			c.as.withT(t).wantError(c.query, c.vars, c.code, c.field)
			if after := s.withT(t).auditCount(); after != before {
				t.Errorf("a refused change left %d audit entries", after-before)
			}
		})
	}

	var closed struct{ CloseYearlyReport struct{ ID, ClosedBy string } }
	s.must(closeReport, report, &closed)
	r := s.yearlyReport(f.plan, 2021).Node.YearlyReport
	if r.State != "CLOSED" || r.Closing == nil || r.Closing.ClosedBy != closed.CloseYearlyReport.ClosedBy || closed.CloseYearlyReport.ClosedBy == "" {
		t.Errorf("after closing: state %s, closing %+v", r.State, r.Closing)
	}
	if len(r.Readiness) != 1 || r.Readiness[0].Municipality.Name != "Örebro" || r.Readiness[0].MarkedBy != "redaktor" {
		t.Errorf("readiness = %+v, want Örebro by redaktor", r.Readiness)
	}
	if s.yearlyReport(f.plan, 2022).Node.YearlyReport.State != "OPEN" {
		t.Error("closing 2021 closed 2022 too")
	}
	t.Run("ClosedRefusesEveryone", func(t *testing.T) {
		s := s.withT(t)
		e := ed.withT(t).wantError(unmarkReady, map[string]any{"id": ours}, "FORBIDDEN", "")
		if e.Message != "the yearly report is closed: nothing in it changes until an admin reopens it" {
			t.Errorf("message = %q", e.Message)
		}
		s.wantError(markReady, ready(f.laxa, 2021), "FORBIDDEN", "")
		s.wantError(closeReport, report, "CONSTRAINT", "year")
		ed.withT(t).wantError(reopenReport, report, "FORBIDDEN", "")
	})

	s.must(reopenReport, report, nil)
	ed.must(unmarkReady, map[string]any{"id": ours}, nil)
	s.must(markReady, ready(f.laxa, 2021), nil)
	r = s.yearlyReport(f.plan, 2021).Node.YearlyReport
	if r.State != "OPEN" || len(r.Readiness) != 1 || r.Readiness[0].Municipality.Name != "Laxå" {
		t.Errorf("after reopening: state %s, readiness %+v; want OPEN, Laxå only", r.State, r.Readiness)
	}

	// A deleted municipality's mark goes with it, recorded.
	s.must(`mutation($id: ID!) { deleteMunicipality(id: $id) }`, map[string]any{"id": f.laxa}, nil)
	if r := s.yearlyReport(f.plan, 2021).Node.YearlyReport; len(r.Readiness) != 0 {
		t.Errorf("after deleting Laxå, readiness = %+v, want none", r.Readiness)
	}

	var actions []string
	for _, typ := range []string{"YearlyReportReadiness", "YearlyReportClosing"} {
		for _, e := range s.trail(map[string]any{"objectType": typ}) {
			actions = append(actions, typ+" "+e.Action+" "+e.ActorName)
		}
	}
	want := []string{
		"YearlyReportReadiness CREATE redaktor", "YearlyReportReadiness DELETE redaktor", "YearlyReportReadiness CREATE admin", "YearlyReportReadiness DELETE admin",
		"YearlyReportClosing CREATE admin", "YearlyReportClosing DELETE admin",
	}
	if !slices.Equal(actions, want) {
		t.Errorf("audit trail = %q, want %q", actions, want)
	}
}

// The report's goals, with their assessments, activities, latest
// follow-ups and municipalities, take as many statements for a plan of
// twenty more activities, each with a follow-up and an assessment, as for
// the seed: none per goal, activity or municipality.
func TestYearlyReportStatementsDoNotGrowWithThePlan(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	query := `query($plan: ID!) { node(id: $plan) { ... on Plan { yearlyReport(year: 2021) { state
		goals { goal { number } assessment { light } activities { activity { title status } latestFollowUp { text date } }
			municipalitiesReached { name } municipalitiesMissed { name } } } } } }`
	statements := func() (int64, int) {
		var data yearlyReportData
		s.queries.Store(0)
		s.as("").must(query, map[string]any{"plan": f.plan}, &data) // a token adds its own lookup
		n := 0
		for _, g := range data.Node.YearlyReport.Goals {
			n += len(g.Activities)
		}
		return s.queries.Load(), n
	}
	before, activities := statements()
	for i := range 20 {
		a := s.create(`mutation($h: ID!, $m: ID!, $t: String!) { createActivity(input: {objectiveID: $h, title: $t, firstYear: 2021, lastYear: 2021, municipalityIDs: [$m]}) { id } }`,
			map[string]any{"h": f.heading, "m": f.orebro, "t": fmt.Sprintf("Aktivitet %02d", i)})
		s.must(`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2021-09-01T00:00:00Z", text: "Läget"}) { id } }`, map[string]any{"a": a}, nil)
	}
	s.must(`mutation($g: ID!) { createGoalAssessment(input: {goalID: $g, year: 2021, light: GREEN}) { id } }`, map[string]any{"g": f.goal}, nil)
	after, more := statements()
	if more != activities+20 {
		t.Fatalf("%d activities in the report, want %d", more, activities+20)
	}
	// One for node(id:), then the report's: its closing, the coverage's
	// three, the assessments, the activities with their headings, and the
	// follow-ups.
	if before != after || after != 9 {
		t.Errorf("%d statements for the seed, %d with 20 more activities; want 9 for both", before, after)
	}
}
