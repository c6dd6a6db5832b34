package report_test

import (
	"context"
	"testing"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/report"
)

// The reports on the national dataset (bench/WORKLOAD.md: 21 plans, 290
// municipalities, 20,000 activities, 40,000 follow-ups), on one region's
// plan (about 950 activities), for all years and for one. The aim is each
// under 50 ms. Run with
//
//	go test ./report/ -run '^$' -bench . -benchtime 2s

// benchPlan returns the plan of Örebro län (county 18) in the national
// dataset and the first of its municipalities.
func benchPlan(b *testing.B) (*ent.Client, *ent.Plan, *ent.Municipality) {
	b.Helper()
	c := nationalClient(b)
	ctx := context.Background()
	p, err := report.NewestPlan(ctx, c, "18")
	if err != nil {
		b.Fatal(err)
	}
	m, err := c.Municipality.Query().Where(municipality.CountyCode("18")).Order(ent.Asc(municipality.FieldCode)).First(ctx)
	if err != nil {
		b.Fatal(err)
	}
	return c, p, m
}

// years are the filters each report is measured with.
var years = []struct {
	name string
	year *int
}{{"AllYears", nil}, {"OneYear", func() *int { y := 2025; return &y }()}}

func BenchmarkPlanCounts(b *testing.B) {
	c, p, _ := benchPlan(b)
	for _, y := range years {
		b.Run(y.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := report.PlanCounts(b.Context(), c, p.ID, y.year); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkStatusByGoal(b *testing.B) {
	c, p, _ := benchPlan(b)
	for _, y := range years {
		b.Run(y.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := report.StatusByGoal(b.Context(), c, p.ID, y.year); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCoverage(b *testing.B) {
	c, p, _ := benchPlan(b)
	for _, y := range years {
		b.Run(y.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := report.PlanCoverage(b.Context(), c, p, y.year); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMunicipalityReport(b *testing.B) {
	c, p, m := benchPlan(b)
	for _, y := range years {
		b.Run(y.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := report.ForMunicipality(b.Context(), c, m, p, y.year); err != nil {
					b.Fatal(err)
				}
				// The first page of its latest follow-ups, as the API asks.
				if _, err := report.FollowUpsOf(c, m.ID, p.ID, y.year).
					Order(ent.Desc("date"), ent.Desc("id")).Limit(10).All(b.Context()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFollowUpsByYear(b *testing.B) {
	c, p, _ := benchPlan(b)
	for _, y := range years {
		b.Run(y.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := report.FollowUpsByYear(b.Context(), c, p.ID, y.year); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkStatusChangesByYear(b *testing.B) {
	c, p, _ := benchPlan(b)
	for _, y := range years {
		b.Run(y.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := report.StatusChangesByYear(b.Context(), c, p.ID, y.year); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
