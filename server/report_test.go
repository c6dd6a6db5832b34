package server_test

import (
	"fmt"
	"slices"
	"testing"
)

// The report figures, checked against counts made by hand: on the Örebro
// seed (six activities, all planned; goal 1 has four, goal 3 two, goal 2
// none; only Örebro and Askersund are named, by one activity under goal 3)
// and on a small plan built through the API (see buildFixture).

// statusCounts is StatusCounts as the API answers it.
type statusCounts struct {
	Planned, Ongoing, Done, Cancelled, Total int
	ShareDone                                *float64
}

const statusFields = `planned ongoing done cancelled total shareDone`

func share(v float64) *float64 { return &v }

// wantCounts compares counts with the expected ones, shareDone to 1e-9.
func wantCounts(t *testing.T, what string, got, want statusCounts) {
	t.Helper()
	sameShare := (got.ShareDone == nil) == (want.ShareDone == nil) &&
		(got.ShareDone == nil || fmt.Sprintf("%.9f", *got.ShareDone) == fmt.Sprintf("%.9f", *want.ShareDone))
	gotShare, wantShare := got.ShareDone, want.ShareDone
	got.ShareDone, want.ShareDone = nil, nil
	if got != want || !sameShare {
		t.Errorf("%s = %+v (shareDone %s), want %+v (shareDone %s)", what, got, fmtShare(gotShare), want, fmtShare(wantShare))
	}
}

func fmtShare(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%g", *v)
}

// goalStatus is a GoalStatus as the API answers it.
type goalStatus struct {
	Goal         struct{ Number int }
	StatusCounts statusCounts
	Objectives   []struct {
		Objective    struct{ Title string }
		StatusCounts statusCounts
	}
}

// headingCounts is what the tests expect of a heading.
type headingCounts struct {
	title  string
	counts statusCounts
}

// goalCounts is what the tests expect of a goal.
type goalCounts struct {
	number   int
	counts   statusCounts
	headings []headingCounts
}

func wantStatusByGoal(t *testing.T, got []goalStatus, want []goalCounts) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("statusByGoal has %d goals, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Goal.Number != w.number {
			t.Errorf("goal %d is number %d, want %d", i, g.Goal.Number, w.number)
		}
		wantCounts(t, fmt.Sprintf("goal %d", w.number), g.StatusCounts, w.counts)
		if len(g.Objectives) != len(w.headings) {
			t.Errorf("goal %d has %d headings, want %d", w.number, len(g.Objectives), len(w.headings))
			continue
		}
		for j, h := range w.headings {
			o := g.Objectives[j]
			if o.Objective.Title != h.title {
				t.Errorf("goal %d heading %d = %q, want %q", w.number, j, o.Objective.Title, h.title)
			}
			wantCounts(t, fmt.Sprintf("goal %d heading %q", w.number, h.title), o.StatusCounts, h.counts)
		}
	}
}

// coverage is a Coverage as the API answers it.
type coverage struct {
	Year  *int
	Goals []struct {
		Goal                  struct{ Number int }
		Activities            int
		MunicipalitiesReached int
	}
	Municipalities []struct {
		Municipality struct{ Name, Code string }
		Counts       []int
		Total        int
	}
	MunicipalitiesNotReached []struct{ Name string }
	GoalsWithoutActivities   []struct{ Number int }
}

const coverageFields = `year
	goals { goal { number } activities municipalitiesReached }
	municipalities { municipality { name code } counts total }
	municipalitiesNotReached { name }
	goalsWithoutActivities { number }`

// coverageRow is a row the tests expect.
type coverageRow struct {
	name   string
	counts []int
	total  int
}

func wantCoverage(t *testing.T, got coverage, goals [][3]int, rows []coverageRow, notReached []string, without []int) {
	t.Helper()
	var gotGoals [][3]int
	for _, g := range got.Goals {
		gotGoals = append(gotGoals, [3]int{g.Goal.Number, g.Activities, g.MunicipalitiesReached})
	}
	if !slices.Equal(gotGoals, goals) {
		t.Errorf("goals (number, activities, municipalities reached) = %v, want %v", gotGoals, goals)
	}
	var gotRows []coverageRow
	for _, m := range got.Municipalities {
		gotRows = append(gotRows, coverageRow{m.Municipality.Name, m.Counts, m.Total})
	}
	if !slices.EqualFunc(gotRows, rows, func(a, b coverageRow) bool {
		return a.name == b.name && slices.Equal(a.counts, b.counts) && a.total == b.total
	}) {
		t.Errorf("rows:\n got %v\nwant %v", gotRows, rows)
	}
	var gotNotReached []string
	for _, m := range got.MunicipalitiesNotReached {
		gotNotReached = append(gotNotReached, m.Name)
	}
	if !slices.Equal(gotNotReached, notReached) {
		t.Errorf("municipalitiesNotReached = %q, want %q", gotNotReached, notReached)
	}
	var gotWithout []int
	for _, g := range got.GoalsWithoutActivities {
		gotWithout = append(gotWithout, g.Number)
	}
	if !slices.Equal(gotWithout, without) {
		t.Errorf("goalsWithoutActivities = %v, want %v", gotWithout, without)
	}
}

func TestStatusReportsOnTheSeed(t *testing.T) {
	s := newTestServer(t)
	planned := func(n int) statusCounts {
		c := statusCounts{Planned: n, Total: n}
		if n > 0 {
			c.ShareDone = share(0)
		}
		return c
	}
	var data struct {
		PlanReport struct {
			Name         string
			StatusCounts statusCounts
			StatusByGoal []goalStatus
			Goals        struct {
				Edges []struct {
					Node struct {
						Number       int
						StatusCounts statusCounts
					}
				}
			}
		}
	}
	s.must(`{ planReport {
		name
		statusCounts { `+statusFields+` }
		statusByGoal {
			goal { number }
			statusCounts { `+statusFields+` }
			objectives { objective { title } statusCounts { `+statusFields+` } }
		}
		goals(orderBy: {field: NUMBER}) { edges { node { number statusCounts { `+statusFields+` } } } }
	} }`, nil, &data)
	p := data.PlanReport

	t.Run("PlanIsTheSeedsByDefault", func(t *testing.T) {
		if p.Name != "Handlingsplan för kultursamverkan region och kommuner" {
			t.Errorf("planReport = %q", p.Name)
		}
	})
	t.Run("SixActivitiesAllPlanned", func(t *testing.T) {
		wantCounts(t, "plan", p.StatusCounts, planned(6))
	})
	t.Run("PerGoalAndHeading", func(t *testing.T) {
		wantStatusByGoal(t, p.StatusByGoal, []goalCounts{
			{1, planned(4), []headingCounts{
				{"Ökad samverkan mellan kultur och skola", planned(1)},
				{"Utveckling av transporter till kultur", planned(1)},
				{"Ökad samverkan mellan region och kommuner", planned(2)},
			}},
			{2, planned(0), nil},
			{3, planned(2), []headingCounts{{"Ökad samverkan mellan kommuner, institutioner", planned(2)}}},
		})
	})
	t.Run("GoalWithoutActivitiesHasNoShare", func(t *testing.T) {
		var got []int
		for _, e := range p.Goals.Edges {
			wantCounts(t, fmt.Sprintf("Goal(%d).statusCounts", e.Node.Number), e.Node.StatusCounts,
				planned(map[int]int{1: 4, 2: 0, 3: 2}[e.Node.Number]))
			got = append(got, e.Node.Number)
		}
		if !slices.Equal(got, []int{1, 2, 3}) {
			t.Errorf("goals = %v, want [1 2 3]", got)
		}
	})
	t.Run("YearOutsideThePlan", func(t *testing.T) {
		var data struct {
			PlanReport struct{ StatusCounts statusCounts }
		}
		s.must(`{ planReport { statusCounts(year: 2023) { `+statusFields+` } } }`, nil, &data)
		wantCounts(t, "2023", data.PlanReport.StatusCounts, planned(0))
	})
}

func TestCoverageOnTheSeed(t *testing.T) {
	s := newTestServer(t)
	var data struct{ PlanReport struct{ Coverage coverage } }
	s.must(`{ planReport { coverage { `+coverageFields+` } } }`, nil, &data)
	zero := []int{0, 0, 0}
	wantCoverage(t, data.PlanReport.Coverage,
		[][3]int{{1, 4, 0}, {2, 0, 0}, {3, 2, 2}},
		[]coverageRow{
			{"Askersund", []int{0, 0, 1}, 1},
			{"Degerfors", zero, 0},
			{"Hallsberg", zero, 0},
			{"Hällefors", zero, 0},
			{"Karlskoga", zero, 0},
			{"Kumla", zero, 0},
			{"Laxå", zero, 0},
			{"Lekeberg", zero, 0},
			{"Lindesberg", zero, 0},
			{"Ljusnarsberg", zero, 0},
			{"Nora", zero, 0},
			{"Örebro", []int{0, 0, 1}, 1},
		},
		[]string{"Degerfors", "Hallsberg", "Hällefors", "Karlskoga", "Kumla", "Laxå", "Lekeberg", "Lindesberg", "Ljusnarsberg", "Nora"},
		[]int{2})
}

// fixture is a plan built through the API, beside the seed, whose figures
// are counted by hand in the tests:
//
//	Region Norrbotten (county 25), 2022–2023
//	goal 1 Barn och unga
//	  Skola                A1 done 2022 (Luleå, Kiruna; Norrbottensteatern)
//	                       A2 ongoing 2022–2023 (Luleå)
//	  Scen; "Ung" kultur   A3 cancelled 2023 (Kiruna)
//	                       A4 planned 2023 (Luleå, and Örebro of another county; Norrbottensteatern)
//	goal 2 (no title; area kultur och hälsa), no heading, no activity
//	goal 3 Hela länet
//	  Samverkan            A5 done 2022–2023 (no municipality)
//	  Tom rubrik           no activity
//	Arvidsjaur (county 25) is named by no activity.
//	Follow-ups: A1 2022-06-30 first half ongoing, A1 2022-12-31 year done,
//	A2 2023-04-30 first tertial ongoing, A4 2023-12-31 year without status,
//	A5 2023-08-31 without period, done.
//	Institutions at home in Luleå: Norrbottensteatern, Luleå stadsbibliotek (no activity).
type fixture struct {
	plan, luleå, orebro, arvidsjaur string
}

func buildFixture(s *testServer) fixture {
	s.t.Helper()
	var f fixture
	create := func(mutation string, input map[string]any) string {
		s.t.Helper()
		var data map[string]struct{ ID string }
		s.must(fmt.Sprintf(`mutation($input: Create%sInput!) { create%s(input: $input) { id } }`, mutation, mutation),
			map[string]any{"input": input}, &data)
		return data["create"+mutation].ID
	}
	f.plan = create("Plan", map[string]any{"name": "Handlingsplan för kultur i Norrbotten", "region": "Region Norrbotten",
		"countyCode": "25", "firstYear": 2022, "lastYear": 2023})
	f.luleå = create("Municipality", map[string]any{"code": "2580", "name": "Luleå"})
	kiruna := create("Municipality", map[string]any{"code": "2584", "name": "Kiruna"})
	f.arvidsjaur = create("Municipality", map[string]any{"code": "2505", "name": "Arvidsjaur"})
	f.orebro = s.idOf("municipalities", `{code: "1880"}`)
	theatre := create("Institution", map[string]any{"name": "Norrbottensteatern", "kind": "THEATRE", "municipalityID": f.luleå})
	create("Institution", map[string]any{"name": "Luleå stadsbibliotek", "kind": "LIBRARY", "municipalityID": f.luleå})

	g1 := create("Goal", map[string]any{"planID": f.plan, "number": 1, "title": "Barn och unga"})
	create("Goal", map[string]any{"planID": f.plan, "number": 2, "area": "kultur och hälsa"})
	g3 := create("Goal", map[string]any{"planID": f.plan, "number": 3, "title": "Hela länet"})
	school := create("Objective", map[string]any{"goalID": g1, "title": "Skola", "position": 0})
	stage := create("Objective", map[string]any{"goalID": g1, "title": `Scen; "Ung" kultur`, "position": 1})
	together := create("Objective", map[string]any{"goalID": g3, "title": "Samverkan", "position": 0})
	create("Objective", map[string]any{"goalID": g3, "title": "Tom rubrik", "position": 1})

	activity := func(objective, title, status string, first, last int, munis []string, insts []string) string {
		return create("Activity", map[string]any{"objectiveID": objective, "title": title, "status": status,
			"firstYear": first, "lastYear": last, "municipalityIDs": munis, "institutionIDs": insts})
	}
	a1 := activity(school, "Skolbio", "DONE", 2022, 2022, []string{f.luleå, kiruna}, []string{theatre})
	a2 := activity(school, "Läsfrämjande i skolan", "ONGOING", 2022, 2023, []string{f.luleå}, nil)
	activity(stage, "Ungdomsteater", "CANCELLED", 2023, 2023, []string{kiruna}, nil)
	a4 := activity(stage, "Teaterturné", "PLANNED", 2023, 2023, []string{f.luleå, f.orebro}, []string{theatre})
	a5 := activity(together, "Länsgemensamt nätverk", "DONE", 2022, 2023, nil, nil)

	followUp := func(activity, date, period, status string) {
		input := map[string]any{"activityID": activity, "date": date, "text": "Uppföljning."}
		if period != "" {
			input["period"] = period
		}
		if status != "" {
			input["status"] = status
		}
		create("FollowUp", input)
	}
	followUp(a1, "2022-06-30T00:00:00Z", "FIRST_HALF", "ONGOING")
	followUp(a1, "2022-12-31T00:00:00Z", "YEAR", "DONE")
	followUp(a2, "2023-04-30T00:00:00Z", "FIRST_TERTIAL", "ONGOING")
	followUp(a4, "2023-12-31T00:00:00Z", "YEAR", "")
	followUp(a5, "2023-08-31T00:00:00Z", "", "DONE")
	return f
}

func TestReportsOnABuiltPlan(t *testing.T) {
	s := newTestServer(t)
	f := buildFixture(s)
	vars := map[string]any{"plan": f.plan}

	for _, tc := range []struct {
		name   string
		year   *int
		plan   statusCounts
		byGoal []goalCounts
	}{
		{"StatusAllYears", nil,
			statusCounts{Planned: 1, Ongoing: 1, Done: 2, Cancelled: 1, Total: 5, ShareDone: share(0.5)},
			[]goalCounts{
				{1, statusCounts{Planned: 1, Ongoing: 1, Done: 1, Cancelled: 1, Total: 4, ShareDone: share(1.0 / 3)}, []headingCounts{
					{"Skola", statusCounts{Ongoing: 1, Done: 1, Total: 2, ShareDone: share(0.5)}},
					{`Scen; "Ung" kultur`, statusCounts{Planned: 1, Cancelled: 1, Total: 2, ShareDone: share(0)}},
				}},
				{2, statusCounts{}, nil},
				{3, statusCounts{Done: 1, Total: 1, ShareDone: share(1)}, []headingCounts{
					{"Samverkan", statusCounts{Done: 1, Total: 1, ShareDone: share(1)}},
					{"Tom rubrik", statusCounts{}},
				}},
			}},
		{"StatusIn2022", ptr(2022),
			statusCounts{Ongoing: 1, Done: 2, Total: 3, ShareDone: share(2.0 / 3)},
			[]goalCounts{
				{1, statusCounts{Ongoing: 1, Done: 1, Total: 2, ShareDone: share(0.5)}, []headingCounts{
					{"Skola", statusCounts{Ongoing: 1, Done: 1, Total: 2, ShareDone: share(0.5)}},
					{`Scen; "Ung" kultur`, statusCounts{}},
				}},
				{2, statusCounts{}, nil},
				{3, statusCounts{Done: 1, Total: 1, ShareDone: share(1)}, []headingCounts{
					{"Samverkan", statusCounts{Done: 1, Total: 1, ShareDone: share(1)}},
					{"Tom rubrik", statusCounts{}},
				}},
			}},
		{"StatusIn2023", ptr(2023),
			statusCounts{Planned: 1, Ongoing: 1, Done: 1, Cancelled: 1, Total: 4, ShareDone: share(1.0 / 3)},
			[]goalCounts{
				{1, statusCounts{Planned: 1, Ongoing: 1, Cancelled: 1, Total: 3, ShareDone: share(0)}, []headingCounts{
					{"Skola", statusCounts{Ongoing: 1, Total: 1, ShareDone: share(0)}},
					{`Scen; "Ung" kultur`, statusCounts{Planned: 1, Cancelled: 1, Total: 2, ShareDone: share(0)}},
				}},
				{2, statusCounts{}, nil},
				{3, statusCounts{Done: 1, Total: 1, ShareDone: share(1)}, []headingCounts{
					{"Samverkan", statusCounts{Done: 1, Total: 1, ShareDone: share(1)}},
					{"Tom rubrik", statusCounts{}},
				}},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var data struct {
				Node struct {
					StatusCounts statusCounts
					StatusByGoal []goalStatus
				}
			}
			s.must(`query($plan: ID!, $year: Int) { node(id: $plan) { ... on Plan {
				statusCounts(year: $year) { `+statusFields+` }
				statusByGoal(year: $year) {
					goal { number }
					statusCounts { `+statusFields+` }
					objectives { objective { title } statusCounts { `+statusFields+` } }
				}
			} } }`, map[string]any{"plan": f.plan, "year": tc.year}, &data)
			wantCounts(t, "plan", data.Node.StatusCounts, tc.plan)
			wantStatusByGoal(t, data.Node.StatusByGoal, tc.byGoal)
		})
	}

	t.Run("CoverageAllYears", func(t *testing.T) {
		var data struct{ Node struct{ Coverage coverage } }
		s.must(`query($plan: ID!) { node(id: $plan) { ... on Plan { coverage { `+coverageFields+` } } } }`, vars, &data)
		wantCoverage(t, data.Node.Coverage,
			[][3]int{{1, 4, 3}, {2, 0, 0}, {3, 1, 0}},
			[]coverageRow{
				{"Arvidsjaur", []int{0, 0, 0}, 0},
				{"Kiruna", []int{2, 0, 0}, 2},
				{"Luleå", []int{3, 0, 0}, 3},
				{"Örebro", []int{1, 0, 0}, 1}, // of another county, but named
			},
			[]string{"Arvidsjaur"}, []int{2})
		if data.Node.Coverage.Year != nil {
			t.Errorf("year = %d, want null", *data.Node.Coverage.Year)
		}
	})
	t.Run("CoverageIn2022", func(t *testing.T) {
		var data struct{ Node struct{ Coverage coverage } }
		s.must(`query($plan: ID!) { node(id: $plan) { ... on Plan { coverage(year: 2022) { `+coverageFields+` } } } }`, vars, &data)
		wantCoverage(t, data.Node.Coverage,
			[][3]int{{1, 2, 2}, {2, 0, 0}, {3, 1, 0}},
			[]coverageRow{
				{"Arvidsjaur", []int{0, 0, 0}, 0},
				{"Kiruna", []int{1, 0, 0}, 1},
				{"Luleå", []int{2, 0, 0}, 2},
			},
			[]string{"Arvidsjaur"}, []int{2})
		if y := data.Node.Coverage.Year; y == nil || *y != 2022 {
			t.Errorf("year = %v, want 2022", y)
		}
	})

	type periodCount struct {
		Period    *string
		FollowUps int
	}
	type followUpYear struct {
		Year             int
		FollowUps        int
		ReportedStatuses struct{ Planned, Ongoing, Done, Cancelled, WithoutStatus int }
		Periods          []periodCount
	}
	followUps := func(t *testing.T, year *int) []followUpYear {
		var data struct {
			Node struct{ FollowUpsByYear []followUpYear }
		}
		s.must(`query($plan: ID!, $year: Int) { node(id: $plan) { ... on Plan { followUpsByYear(year: $year) {
			year followUps
			reportedStatuses { planned ongoing done cancelled withoutStatus }
			periods { period followUps }
		} } } }`, map[string]any{"plan": f.plan, "year": year}, &data)
		return data.Node.FollowUpsByYear
	}
	str := func(s string) *string { return &s }
	y2022 := followUpYear{Year: 2022, FollowUps: 2, Periods: []periodCount{{str("YEAR"), 1}, {str("FIRST_HALF"), 1}}}
	y2022.ReportedStatuses.Ongoing, y2022.ReportedStatuses.Done = 1, 1
	y2023 := followUpYear{Year: 2023, FollowUps: 3, Periods: []periodCount{{str("YEAR"), 1}, {str("FIRST_TERTIAL"), 1}, {nil, 1}}}
	y2023.ReportedStatuses.Ongoing, y2023.ReportedStatuses.Done, y2023.ReportedStatuses.WithoutStatus = 1, 1, 1
	sameYears := func(a, b followUpYear) bool {
		return a.Year == b.Year && a.FollowUps == b.FollowUps && a.ReportedStatuses == b.ReportedStatuses &&
			slices.EqualFunc(a.Periods, b.Periods, func(x, y periodCount) bool {
				return x.FollowUps == y.FollowUps && (x.Period == nil) == (y.Period == nil) && (x.Period == nil || *x.Period == *y.Period)
			})
	}
	t.Run("FollowUpsPerYear", func(t *testing.T) {
		got, want := followUps(t, nil), []followUpYear{y2022, y2023}
		if !slices.EqualFunc(got, want, sameYears) {
			t.Errorf("followUpsByYear:\n got %+v\nwant %+v", got, want)
		}
	})
	t.Run("FollowUpsOfOneYear", func(t *testing.T) {
		got, want := followUps(t, ptr(2023)), []followUpYear{y2023}
		if !slices.EqualFunc(got, want, sameYears) {
			t.Errorf("followUpsByYear(2023):\n got %+v\nwant %+v", got, want)
		}
	})
	t.Run("NoFollowUpsInTheSeed", func(t *testing.T) {
		var data struct {
			PlanReport struct{ FollowUpsByYear []followUpYear }
		}
		seedPlan := s.idOf("plans", `{region: "Region Örebro län"}`)
		s.must(`query($id: ID) { planReport(id: $id) { followUpsByYear { year } } }`, map[string]any{"id": seedPlan}, &data)
		if got := data.PlanReport.FollowUpsByYear; got == nil || len(got) != 0 {
			t.Errorf("followUpsByYear = %+v, want []", got)
		}
	})

	type municipalityReport struct {
		Municipality struct{ Name string }
		Plan         struct{ Name string }
		Year         *int
		StatusCounts statusCounts
		Goals        []struct {
			Goal         struct{ Number int }
			StatusCounts statusCounts
		}
		Institutions []struct {
			Institution struct{ Name string }
			Activities  int
		}
		LatestFollowUps struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Date     string
					Activity struct{ Title string }
				}
			}
		}
	}
	municipality := func(t *testing.T, id string, args string) municipalityReport {
		t.Helper()
		var data struct {
			Node struct{ Report *municipalityReport }
		}
		s.must(`query($id: ID!) { node(id: $id) { ... on Municipality { report`+args+` {
			municipality { name } plan { name } year
			statusCounts { `+statusFields+` }
			goals { goal { number } statusCounts { `+statusFields+` } }
			institutions { institution { name } activities }
			latestFollowUps(first: 2) { totalCount edges { node { date activity { title } } } }
		} } } }`, map[string]any{"id": id}, &data)
		if data.Node.Report == nil {
			t.Fatalf("report%s is null", args)
		}
		return *data.Node.Report
	}
	latest := func(r municipalityReport) []string {
		var out []string
		for _, e := range r.LatestFollowUps.Edges {
			out = append(out, e.Node.Date[:10]+" "+e.Node.Activity.Title)
		}
		return out
	}
	t.Run("MunicipalityReportAllYears", func(t *testing.T) {
		r := municipality(t, f.luleå, `(plan: "`+f.plan+`")`)
		if r.Municipality.Name != "Luleå" || r.Plan.Name != "Handlingsplan för kultur i Norrbotten" || r.Year != nil {
			t.Errorf("report of %q on %q, year %v", r.Municipality.Name, r.Plan.Name, r.Year)
		}
		wantCounts(t, "Luleå", r.StatusCounts, statusCounts{Planned: 1, Ongoing: 1, Done: 1, Total: 3, ShareDone: share(1.0 / 3)})
		want := []statusCounts{{Planned: 1, Ongoing: 1, Done: 1, Total: 3, ShareDone: share(1.0 / 3)}, {}, {}}
		if len(r.Goals) != len(want) {
			t.Fatalf("%d goals, want %d", len(r.Goals), len(want))
		}
		for i, g := range r.Goals {
			if g.Goal.Number != i+1 {
				t.Errorf("goal %d is number %d", i, g.Goal.Number)
			}
			wantCounts(t, fmt.Sprintf("Luleå, goal %d", i+1), g.StatusCounts, want[i])
		}
		var insts []string
		for _, in := range r.Institutions {
			insts = append(insts, fmt.Sprintf("%s %d", in.Institution.Name, in.Activities))
		}
		if want := []string{"Luleå stadsbibliotek 0", "Norrbottensteatern 2"}; !slices.Equal(insts, want) {
			t.Errorf("institutions = %q, want %q", insts, want)
		}
		if want := []string{"2023-12-31 Teaterturné", "2023-04-30 Läsfrämjande i skolan"}; !slices.Equal(latest(r), want) {
			t.Errorf("latestFollowUps = %q, want %q", latest(r), want)
		}
		if r.LatestFollowUps.TotalCount != 4 {
			t.Errorf("latestFollowUps.totalCount = %d, want 4", r.LatestFollowUps.TotalCount)
		}
	})
	t.Run("MunicipalityReportIn2022", func(t *testing.T) {
		r := municipality(t, f.luleå, `(plan: "`+f.plan+`", year: 2022)`)
		wantCounts(t, "Luleå in 2022", r.StatusCounts, statusCounts{Ongoing: 1, Done: 1, Total: 2, ShareDone: share(0.5)})
		var insts []string
		for _, in := range r.Institutions {
			insts = append(insts, fmt.Sprintf("%s %d", in.Institution.Name, in.Activities))
		}
		if want := []string{"Luleå stadsbibliotek 0", "Norrbottensteatern 1"}; !slices.Equal(insts, want) {
			t.Errorf("institutions = %q, want %q", insts, want)
		}
		if want := []string{"2022-12-31 Skolbio", "2022-06-30 Skolbio"}; !slices.Equal(latest(r), want) {
			t.Errorf("latestFollowUps = %q, want %q", latest(r), want)
		}
	})
	t.Run("MunicipalityReportDefaultsToItsCountysPlan", func(t *testing.T) {
		if r := municipality(t, f.luleå, ""); r.Plan.Name != "Handlingsplan för kultur i Norrbotten" {
			t.Errorf("Luleå's report is on %q", r.Plan.Name)
		}
		// The built plan is the newest (2023, like the seed's, and created
		// later), but Örebro's county has a plan of its own.
		r := municipality(t, f.orebro, "")
		if r.Plan.Name != "Handlingsplan för kultursamverkan region och kommuner" {
			t.Errorf("Örebro's report is on %q, want the seed's plan", r.Plan.Name)
		}
		wantCounts(t, "Örebro", r.StatusCounts, statusCounts{Planned: 1, Total: 1, ShareDone: share(0)})
	})
	t.Run("MunicipalityWithNoActivities", func(t *testing.T) {
		r := municipality(t, f.arvidsjaur, "")
		wantCounts(t, "Arvidsjaur", r.StatusCounts, statusCounts{})
		if len(r.Goals) != 3 || len(r.Institutions) != 0 || r.LatestFollowUps.TotalCount != 0 {
			t.Errorf("Arvidsjaur: %d goals, %d institutions, %d follow-ups; want 3, 0, 0",
				len(r.Goals), len(r.Institutions), r.LatestFollowUps.TotalCount)
		}
	})
	t.Run("PlanReportDefaultsToTheNewestPlan", func(t *testing.T) {
		var data struct{ PlanReport struct{ ID string } }
		s.must(`{ planReport { id } }`, nil, &data)
		if data.PlanReport.ID != f.plan {
			t.Errorf("planReport = %s, want the built plan %s", data.PlanReport.ID, f.plan)
		}
	})
}

func TestReportErrors(t *testing.T) {
	s := newTestServer(t)
	for _, tc := range []struct {
		name, query, code, field string
	}{
		{"ErrYearTooEarly", `{ planReport { statusCounts(year: 1989) { total } } }`, "VALIDATION", "year"},
		{"ErrYearTooLate", `{ planReport { coverage(year: 2101) { year } } }`, "VALIDATION", "year"},
		{"ErrYearOfAGoal", `{ goals(first: 1) { edges { node { statusCounts(year: 0) { total } } } } }`, "VALIDATION", "year"},
		{"ErrPlanNotFound", `{ planReport(id: 1) { name } }`, "NOT_FOUND", ""},
		{"ErrGoalIsNotAPlan", `query($id: ID) { planReport(id: $id) { name } }`, "NOT_FOUND", ""},
		{"ErrMunicipalityReportOnNoPlan", `{ municipalities(first: 1) { edges { node { report(plan: 1) { year } } } } }`, "NOT_FOUND", ""},
		{"ErrYearNotANumber", `{ planReport { statusCounts(year: "2021") { total } } }`, "GRAPHQL_VALIDATION_FAILED", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]any{}
			if tc.name == "ErrGoalIsNotAPlan" {
				vars["id"] = s.idOf("goals", `{number: 1}`)
			}
			e := s.wantError(tc.query, vars, tc.code, tc.field)
			if tc.code == "NOT_FOUND" && e.Message != "plan not found" {
				t.Errorf("message = %q, want %q", e.Message, "plan not found")
			}
		})
	}
}

// A mutation's result can ask for a report, and the report sees what the
// mutation wrote: it runs in the mutation's transaction.
func TestReportInAMutationSeesItsWrites(t *testing.T) {
	s := newTestServer(t)
	id := s.idOf("activities", `{titleContainsFold: "barnkulturplaner"}`)
	var data struct {
		UpdateActivity struct {
			Objective struct {
				StatusCounts statusCounts
				Goal         struct {
					Plan struct{ StatusCounts statusCounts }
				}
			}
		}
	}
	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {status: DONE}) { objective {
		statusCounts { `+statusFields+` }
		goal { plan { statusCounts { `+statusFields+` } } }
	} } }`, map[string]any{"id": id}, &data)
	wantCounts(t, "heading", data.UpdateActivity.Objective.StatusCounts, statusCounts{Planned: 1, Done: 1, Total: 2, ShareDone: share(0.5)})
	wantCounts(t, "plan", data.UpdateActivity.Objective.Goal.Plan.StatusCounts, statusCounts{Planned: 5, Done: 1, Total: 6, ShareDone: share(1.0 / 6)})
}

// The coverage report is a fixed number of queries, however many
// municipalities the plan's county has: no query per municipality or goal.
func TestCoverageQueriesDoNotGrowWithMunicipalities(t *testing.T) {
	s := newTestServer(t)
	plan := s.idOf("plans", `{region: "Region Örebro län"}`)
	heading := s.idOf("objectives", `{title: "Ökad samverkan mellan kommuner, institutioner"}`)
	query := `query($plan: ID!) { node(id: $plan) { ... on Plan { coverage { ` + coverageFields + ` } } } }`
	statements := func() (int64, int) {
		var data struct{ Node struct{ Coverage coverage } }
		s.queries.Store(0)
		s.as("").must(query, map[string]any{"plan": plan}, &data) // a token adds its own lookup
		return s.queries.Load(), len(data.Node.Coverage.Municipalities)
	}
	before, rows := statements()
	if rows != 12 {
		t.Fatalf("%d rows, want 12", rows)
	}
	// Twenty more municipalities in the county, each named by an activity.
	for i := range 20 {
		var data struct{ CreateMunicipality struct{ ID string } }
		s.must(`mutation($code: String!, $name: String!) { createMunicipality(input: {code: $code, name: $name}) { id } }`,
			map[string]any{"code": fmt.Sprintf("18%02d", 20+i), "name": fmt.Sprintf("Testkommun %02d", i)}, &data)
		s.must(`mutation($heading: ID!, $muni: ID!, $title: String!) { createActivity(input: {objectiveID: $heading,
			title: $title, firstYear: 2020, lastYear: 2021, municipalityIDs: [$muni]}) { id } }`,
			map[string]any{"heading": heading, "muni": data.CreateMunicipality.ID, "title": fmt.Sprintf("Aktivitet %02d", i)}, nil)
	}
	after, rows := statements()
	if rows != 32 {
		t.Fatalf("%d rows, want 32", rows)
	}
	// One for node(id:), one for the goals, one for the matrix, one for
	// the whole county's row.
	if before != 4 || after != before {
		t.Errorf("SQL statements: %d with 12 municipalities, %d with 32; want 4 both times", before, after)
	}
}

func ptr(v int) *int { return &v }
