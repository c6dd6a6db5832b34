package report

import (
	"context"
	"fmt"
	"strconv"

	"entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/plan"
)

// Coverage is the matrix of a plan's municipalities × goals: how many of the
// plan's activities each municipality takes part in under each goal.
type Coverage struct {
	Plan *ent.Plan
	// Year is the year the activities are prioritised in; nil for all.
	Year *int
	// Goals are the columns: every goal of the plan, by number.
	Goals []*CoverageGoal
	// Municipalities are the rows, in Swedish alphabetical order.
	Municipalities []*CoverageRow
	// WholeCounty is the row of the activities that take part in every
	// municipality of the plan's county; each of them counts in every
	// municipality's row too.
	WholeCounty *CoverageWholeCounty
}

// CoverageGoal is a goal of the plan with its number of activities and of
// the municipalities they reach.
type CoverageGoal struct {
	Goal                  *ent.Goal
	Activities            int
	MunicipalitiesReached int
}

// CoverageRow is a municipality with the number of activities it takes part
// in under each goal (in the order of Coverage.Goals) and in all.
type CoverageRow struct {
	Municipality *ent.Municipality
	Counts       []int
	Total        int
}

// MunicipalitiesNotReached are the municipalities no activity names.
func (c *Coverage) MunicipalitiesNotReached() []*ent.Municipality {
	out := []*ent.Municipality{}
	for _, r := range c.Municipalities {
		if r.Total == 0 {
			out = append(out, r.Municipality)
		}
	}
	return out
}

// GoalsWithoutActivities are the goals with no activity at all.
func (c *Coverage) GoalsWithoutActivities() []*ent.Goal {
	out := []*ent.Goal{}
	for _, g := range c.Goals {
		if g.Activities == 0 {
			out = append(out, g.Goal)
		}
	}
	return out
}

// PlanCoverage builds a plan's coverage, of one year or all, in three
// queries whatever the number of municipalities: one for the goals, one
// for the matrix, one for the whole county's row.
//
// The rows are the municipalities of the plan's county (all municipalities
// when the plan has no county code), and any other municipality one of its
// activities names; those without activities are there, with zeros.
func PlanCoverage(ctx context.Context, c *ent.Client, p *ent.Plan, year *int) (*Coverage, error) {
	goals, err := c.Goal.Query().
		Where(goal.PlanID(p.ID)).
		Order(ent.Asc(goal.FieldNumber)).
		Modify(func(s *sql.Selector) {
			_, t := tables(s)
			s.Join(t.p).On(s.C(goal.FieldPlanID), t.p.C(plan.FieldID)).
				LeftJoin(t.o).On(t.o.C(objective.FieldGoalID), s.C(goal.FieldID)).
				LeftJoin(t.a).OnP(activityJoin(t.a, t.o, t.p, year)).
				LeftJoin(t.am).On(t.am.C(activity.MunicipalitiesPrimaryKey[0]), t.a.C(activity.FieldID)).
				GroupBy(s.C(goal.FieldID)).
				AppendSelectExprAs(countOf(t.a.C(activity.FieldID), true), "report_activities").
				AppendSelectExprAs(countOf(t.am.C(activity.MunicipalitiesPrimaryKey[1]), true), "report_municipalities")
		}).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("coverage goals: %w", err)
	}
	cov := &Coverage{Plan: p, Year: year, Goals: make([]*CoverageGoal, len(goals))}
	for i, g := range goals {
		cg := &CoverageGoal{Goal: g}
		if cg.Activities, err = intValue(g.Value, "report_activities"); err != nil {
			return nil, fmt.Errorf("coverage goals: %w", err)
		}
		if cg.MunicipalitiesReached, err = intValue(g.Value, "report_municipalities"); err != nil {
			return nil, fmt.Errorf("coverage goals: %w", err)
		}
		cov.Goals[i] = cg
	}

	munis, err := c.Municipality.Query().
		Order(ent.Asc(municipality.FieldName), ent.Asc(municipality.FieldID)).
		Modify(func(s *sql.Selector) {
			b, t := tables(s)
			// The plan's (municipality, goal) pairs: one row per activity
			// that names the municipality.
			links := ofPlan(b.Select(t.am.C(activity.MunicipalitiesPrimaryKey[1]), t.o.C(objective.FieldGoalID)).From(t.am),
				t, t.am.C(activity.MunicipalitiesPrimaryKey[0]), p.ID).
				Join(t.p).On(t.g.C(goal.FieldPlanID), t.p.C(plan.FieldID))
			if year != nil {
				links.Where(PrioritisedIn(t.a.C, t.p.C, *year))
			}
			links.As("links")
			muniID := links.C(activity.MunicipalitiesPrimaryKey[1])
			s.LeftJoin(links).On(s.C(municipality.FieldID), muniID)
			if p.CountyCode != "" {
				s.Where(sql.Or(sql.EQ(s.C(municipality.FieldCountyCode), p.CountyCode), sql.NotNull(muniID)))
			}
			s.GroupBy(s.C(municipality.FieldID))
			for i, g := range goals {
				s.AppendSelectExprAs(countIf(links.C(objective.FieldGoalID), g.ID), goalAlias(i))
			}
			s.AppendSelectExprAs(countOf(muniID, false), "report_total")
		}).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("coverage matrix: %w", err)
	}
	cov.Municipalities = make([]*CoverageRow, len(munis))
	for i, m := range munis {
		row := &CoverageRow{Municipality: m, Counts: make([]int, len(goals))}
		for j := range goals {
			if row.Counts[j], err = intValue(m.Value, goalAlias(j)); err != nil {
				return nil, fmt.Errorf("coverage matrix: %w", err)
			}
		}
		if row.Total, err = intValue(m.Value, "report_total"); err != nil {
			return nil, fmt.Errorf("coverage matrix: %w", err)
		}
		cov.Municipalities[i] = row
	}
	if cov.WholeCounty, err = wholeCountyRow(ctx, c, p, cov, year); err != nil {
		return nil, err
	}
	return cov, nil
}

// goalAlias names the matrix column of the i-th goal.
func goalAlias(i int) string { return "report_goal_" + strconv.Itoa(i) }
