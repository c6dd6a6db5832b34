package report_test

import (
	"context"
	stdsql "database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/plan"
	_ "github.com/samverkan/samverkan/ent/runtime" // the schema's hooks and validators
	"github.com/samverkan/samverkan/report"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/storage"
)

// The figures on the seed and on a built plan are checked through the API,
// in server/report_test.go. Here: that the SQL is portable, that the
// figures add up on the national dataset, and how fast the reports are on
// it.

// national is the national benchmark dataset (bench/WORKLOAD.md), built
// once per test binary into a temporary file, since it takes seconds.
var national = sync.OnceValues(func() (*ent.Client, error) {
	dir, err := os.MkdirTemp("", "samverkan-report-")
	if err != nil {
		return nil, err
	}
	nationalDir = dir
	db, err := storage.Open(filepath.Join(dir, "national.db"))
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	client := db.Client()
	start := time.Now()
	if err := seed.National(ctx, client); err != nil {
		return nil, err
	}
	nationalBuilt = time.Since(start)
	return client, nil
})

var (
	nationalDir   string
	nationalBuilt time.Duration
)

func TestMain(m *testing.M) {
	code := m.Run()
	if nationalDir != "" {
		os.RemoveAll(nationalDir)
	}
	os.Exit(code)
}

func nationalClient(tb testing.TB) *ent.Client {
	tb.Helper()
	c, err := national()
	if err != nil {
		tb.Fatalf("build the national dataset: %v", err)
	}
	return c
}

// The aggregates agree with plain counts over the national dataset: every
// plan's status counts add up to the workload's 8,000 planned, 6,000
// ongoing, 5,000 done and 1,000 cancelled, and each report adds up to its
// plan's numbers of activities and follow-ups.
func TestNationalFiguresAddUp(t *testing.T) {
	c := nationalClient(t)
	t.Logf("built the national dataset in %v", nationalBuilt.Round(time.Millisecond))
	ctx := context.Background()
	// The current plans, the benchmark's: the closed plans of the period
	// before and the next period's drafts have activities of their own.
	plans, err := c.Plan.Query().Where(plan.StateEQ(plan.StateAdopted)).Order(plan.ByID()).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var all report.Counts
	for _, p := range plans {
		counts, err := report.PlanCounts(ctx, c, p.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		all = all.Plus(counts)
	}
	if want := (report.Counts{Planned: 8000, Ongoing: 6000, Done: 5000, Cancelled: 1000}); all != want {
		t.Errorf("all plans' counts = %+v, want %+v", all, want)
	}

	p := plans[0]
	inPlan := activity.HasObjectiveWith(objective.HasGoalWith(goal.PlanID(p.ID)))
	activities, err := c.Activity.Query().Where(inPlan).Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("StatusByGoalAddsUp", func(t *testing.T) {
		goals, err := report.StatusByGoal(ctx, c, p.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, g := range goals {
			headings := report.Counts{}
			for _, o := range g.Objectives {
				headings = headings.Plus(o.StatusCounts)
			}
			if headings != g.StatusCounts {
				t.Errorf("goal %d: headings add up to %+v, the goal has %+v", g.Goal.Number, headings, g.StatusCounts)
			}
			sum += g.StatusCounts.Total()
		}
		if len(goals) != 3 || sum != activities {
			t.Errorf("%d goals with %d activities, want 3 with %d", len(goals), sum, activities)
		}
	})
	t.Run("CoverageAddsUp", func(t *testing.T) {
		cov, err := report.PlanCoverage(ctx, c, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		munis, err := c.Municipality.Query().Where(municipality.CountyCode(p.CountyCode)).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The municipalities at least one of the plan's activities names.
		named, err := c.Activity.Query().Where(inPlan).QueryMunicipalities().Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sum, reached := 0, 0
		for _, r := range cov.Municipalities {
			sum += r.Total
			if r.Total > 0 {
				reached++
			}
		}
		goalActivities := 0
		for _, g := range cov.Goals {
			goalActivities += g.Activities
		}
		// Every activity names 1–8 municipalities of its own region, so
		// there are more links than activities.
		if len(cov.Municipalities) != munis || reached != named || goalActivities != activities || sum < activities {
			t.Errorf("%d rows (want %d), %d reached (want %d), goals' activities %d (want %d), links %d (want ≥ %d)",
				len(cov.Municipalities), munis, reached, named, goalActivities, activities, sum, activities)
		}
	})
	t.Run("FollowUpsAddUp", func(t *testing.T) {
		years, err := report.FollowUpsByYear(ctx, c, p.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := c.FollowUp.Query().Where(followup.HasActivityWith(inPlan)).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, y := range years {
			if y.Year < 2024 || y.Year > 2027 {
				t.Errorf("follow-ups in %d, outside the plans' period", y.Year)
			}
			sum += y.FollowUps
		}
		if sum != want || want != 2*activities {
			t.Errorf("%d follow-ups by year, %d in the plan, want %d", sum, want, 2*activities)
		}
	})
}

// Every report query, written for PostgreSQL, has PostgreSQL's placeholders
// ($1, $2, … one per argument) and quotes, and no SQLite function: the SQL
// is portable but for YearOf.
func TestQueriesArePortable(t *testing.T) {
	rec := &recorder{}
	c := ent.NewClient(ent.Driver(rec))
	ctx := context.Background()
	year := 2025
	p := &ent.Plan{ID: 1, CountyCode: "18", FirstYear: 2024, LastYear: 2027}
	m := &ent.Municipality{ID: 2, CountyCode: "18"}
	run := map[string]func(){
		"PlanCounts":               func() { _, _ = report.PlanCounts(ctx, c, p.ID, &year) },
		"GoalCounts":               func() { _, _ = report.GoalCounts(ctx, c, 3, &year) },
		"ObjectiveCounts":          func() { _, _ = report.ObjectiveCounts(ctx, c, 4, &year) },
		"StatusByGoal":             func() { _, _ = report.StatusByGoal(ctx, c, p.ID, &year) },
		"PlanCoverage":             func() { _, _ = report.PlanCoverage(ctx, c, p, &year) },
		"ForMunicipality":          func() { _, _ = report.ForMunicipality(ctx, c, m, p, &year) },
		"FollowUpsOf":              func() { _, _ = report.FollowUpsOf(c, m.ID, p.ID, &year).All(ctx) },
		"FollowUpsByYear":          func() { _, _ = report.FollowUpsByYear(ctx, c, p.ID, &year) },
		"NewestPlan":               func() { _, _ = report.NewestPlan(ctx, c, "18") },
		"StatusByPerspective":      func() { _, _ = report.StatusByPerspective(ctx, c, p.ID, &year) },
		"CountsWithoutPerspective": func() { _, _ = report.CountsWithoutPerspective(ctx, c, p.ID, &year) },
		"CountsWholeCounty":        func() { _, _ = report.CountsWholeCounty(ctx, c, p.ID, &year) },
		"InWholeCounty":            func() { _, _ = report.InWholeCounty(ctx, c, 5) },
	}
	want := map[string]int{"StatusByGoal": 2, "PlanCoverage": 2, "ForMunicipality": 2}
	placeholder := regexp.MustCompile(`\$(\d+)`)
	for name, f := range run {
		t.Run(name, func(t *testing.T) {
			rec.queries, rec.args = nil, nil
			f()
			if n := max(want[name], 1); len(rec.queries) != n {
				t.Fatalf("%d queries, want %d", len(rec.queries), n)
			}
			for i, q := range rec.queries {
				for _, bad := range []string{"?", "`", "strftime", "IFNULL", "GROUP_CONCAT"} {
					if strings.Contains(q, bad) {
						t.Errorf("query %d has %q: %s", i, bad, q)
					}
				}
				highest := 0
				for _, m := range placeholder.FindAllStringSubmatch(q, -1) {
					n, _ := strconv.Atoi(m[1])
					highest = max(highest, n)
				}
				if highest != len(rec.args[i]) {
					t.Errorf("query %d has placeholders up to $%d for %d arguments: %s", i, highest, len(rec.args[i]), q)
				}
			}
			if name == "FollowUpsByYear" && !strings.Contains(rec.queries[0], "EXTRACT(YEAR FROM") {
				t.Errorf("the year of a date is not PostgreSQL's: %s", rec.queries[0])
			}
		})
	}
}

// recorder is a PostgreSQL driver that records the queries it is sent and
// answers each with no rows.
type recorder struct {
	queries []string
	args    [][]any
}

var errNoWrites = errors.New("recorder: no writes")

func (r *recorder) Exec(context.Context, string, any, any) error { return errNoWrites }

func (r *recorder) Query(_ context.Context, query string, args, v any) error {
	r.queries = append(r.queries, query)
	a, _ := args.([]any)
	r.args = append(r.args, a)
	rows, ok := v.(*entsql.Rows)
	if !ok {
		return fmt.Errorf("recorder: unexpected %T", v)
	}
	*rows = entsql.Rows{ColumnScanner: noRows{}}
	return nil
}

func (r *recorder) Tx(context.Context) (dialect.Tx, error) { return nil, errNoWrites }
func (r *recorder) Close() error                           { return nil }
func (r *recorder) Dialect() string                        { return dialect.Postgres }

// noRows is a result without rows.
type noRows struct{}

func (noRows) Close() error                               { return nil }
func (noRows) ColumnTypes() ([]*stdsql.ColumnType, error) { return nil, nil }
func (noRows) Columns() ([]string, error)                 { return nil, nil }
func (noRows) Err() error                                 { return nil }
func (noRows) Next() bool                                 { return false }
func (noRows) NextResultSet() bool                        { return false }
func (noRows) Scan(...any) error                          { return errors.New("no rows") }
