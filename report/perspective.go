package report

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/perspective"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/schema/enum"
)

// PerspectiveStatus is a perspective of the kulturplan with the plan's
// activities tagged with it, per status.
type PerspectiveStatus struct {
	Perspective  *ent.Perspective
	StatusCounts Counts
}

// StatusByPerspective counts a plan's activities per status for each
// perspective (by position, then name), of one year or all, in one query.
// Every perspective is there, with zeros when no activity is tagged with
// it; an activity tagged with two perspectives counts under both.
func StatusByPerspective(ctx context.Context, c *ent.Client, planID int, year *int) ([]*PerspectiveStatus, error) {
	perspectives, err := c.Perspective.Query().
		Order(ent.Asc(perspective.FieldPosition), ent.Asc(perspective.FieldName), ent.Asc(perspective.FieldID)).
		Modify(func(s *sql.Selector) {
			b, t := tables(s)
			ap := b.Table(activity.PerspectivesTable).As("ap")
			tag := ap.C(activity.PerspectivesPrimaryKey[1])
			counts := ofPlan(b.Select(tag).From(ap), t, ap.C(activity.PerspectivesPrimaryKey[0]), planID).
				Join(t.p).On(t.g.C(goal.FieldPlanID), t.p.C(plan.FieldID)).
				GroupBy(tag)
			if year != nil {
				counts.Where(PrioritisedIn(t.a.C, t.p.C, *year))
			}
			appendStatusCounts(counts, t.a.C(activity.FieldStatus))
			counts.As("c")
			s.LeftJoin(counts).On(s.C(perspective.FieldID), counts.C(activity.PerspectivesPrimaryKey[1]))
			for _, st := range enum.Statuses {
				// A perspective no activity has has no row in c: NULL, read as 0.
				s.AppendSelect(counts.C(statusAlias(st)))
			}
		}).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("status by perspective: %w", err)
	}
	out := make([]*PerspectiveStatus, len(perspectives))
	for i, p := range perspectives {
		counts, err := countsOf(p.Value)
		if err != nil {
			return nil, fmt.Errorf("status by perspective: %w", err)
		}
		out[i] = &PerspectiveStatus{Perspective: p, StatusCounts: counts}
	}
	return out, nil
}

// CountsWithoutPerspective counts a plan's activities tagged with no
// perspective, per status, of one year or all.
func CountsWithoutPerspective(ctx context.Context, c *ent.Client, planID int, year *int) (Counts, error) {
	return countActivitiesWhere(ctx, c, year, func(s *sql.Selector, t joined) *sql.Predicate {
		return sql.And(sql.EQ(t.g.C(goal.FieldPlanID), planID), WithoutPerspectiveP(s.C(activity.FieldID)))
	})
}

// WithoutPerspectiveP is the condition that the activity whose id is in
// the column activityID (quoted for the dialect, as a selector's C gives
// it, or an SQL expression) is tagged with no perspective. The read
// compiler writes Plan.statusCountsWithoutPerspective with it.
func WithoutPerspectiveP(activityID string) *sql.Predicate {
	return sql.P(func(b *sql.Builder) {
		b.WriteString("NOT EXISTS (SELECT 1 FROM ").WriteString(b.Quote(activity.PerspectivesTable)).WriteString(" AS ").WriteString(b.Quote("wp_ap")).
			WriteString(" WHERE ").WriteString(b.Quote("wp_ap") + "." + b.Quote(activity.PerspectivesPrimaryKey[0])).WriteString(" = ").WriteString(activityID).
			WriteString(")")
	})
}

// CountsWholeCounty counts, per status, a plan's activities that take part
// in every municipality of the plan's county ("Hela länet"), of one year
// or all.
func CountsWholeCounty(ctx context.Context, c *ent.Client, planID int, year *int) (Counts, error) {
	return countActivitiesWhere(ctx, c, year, func(s *sql.Selector, t joined) *sql.Predicate {
		return sql.And(sql.EQ(t.g.C(goal.FieldPlanID), planID),
			InWholeCountyP(s.C(activity.FieldID), t.p.C(plan.FieldCountyCode)))
	})
}

// InWholeCounty reports whether the activity takes part in every
// municipality of its plan's county. It is false when the plan has no
// county code, or no municipality has it.
func InWholeCounty(ctx context.Context, c *ent.Client, activityID int) (bool, error) {
	ok, err := c.Activity.Query().Where(activity.ID(activityID), func(s *sql.Selector) {
		_, t := tables(s)
		s.Join(t.o).On(s.C(activity.FieldObjectiveID), t.o.C(objective.FieldID)).
			Join(t.g).On(t.o.C(objective.FieldGoalID), t.g.C(goal.FieldID)).
			Join(t.p).On(t.g.C(goal.FieldPlanID), t.p.C(plan.FieldID)).
			Where(InWholeCountyP(s.C(activity.FieldID), t.p.C(plan.FieldCountyCode)))
	}).Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("whole county: %w", err)
	}
	return ok, nil
}

// InWholeCountyP is the condition that the activity whose id is in the
// column activityID takes part in every municipality whose county code is
// in the column countyCode (both quoted for the dialect, as a selector's C
// gives them, or SQL expressions), and that there is at least one: no
// municipality of the county is missing from the activity's. The read
// compiler writes Activity.wholeCounty with it.
func InWholeCountyP(activityID, countyCode string) *sql.Predicate {
	return sql.P(func(b *sql.Builder) {
		m := func(col string) string { return b.Quote("wc_m") + "." + b.Quote(col) }
		am := func(col string) string { return b.Quote("wc_am") + "." + b.Quote(col) }
		b.WriteString("(EXISTS (SELECT 1 FROM ").WriteString(b.Quote(municipality.Table)).WriteString(" AS ").WriteString(b.Quote("wc_m")).
			WriteString(" WHERE ").WriteString(m(municipality.FieldCountyCode)).WriteString(" = ").WriteString(countyCode).
			WriteString(") AND NOT EXISTS (SELECT 1 FROM ").WriteString(b.Quote(municipality.Table)).WriteString(" AS ").WriteString(b.Quote("wc_m")).
			WriteString(" WHERE ").WriteString(m(municipality.FieldCountyCode)).WriteString(" = ").WriteString(countyCode).
			WriteString(" AND NOT EXISTS (SELECT 1 FROM ").WriteString(b.Quote(activity.MunicipalitiesTable)).WriteString(" AS ").WriteString(b.Quote("wc_am")).
			WriteString(" WHERE ").WriteString(am(activity.MunicipalitiesPrimaryKey[0])).WriteString(" = ").WriteString(activityID).
			WriteString(" AND ").WriteString(am(activity.MunicipalitiesPrimaryKey[1])).WriteString(" = ").WriteString(m(municipality.FieldID)).
			WriteString(")))")
	})
}

// CoverageWholeCounty is the coverage matrix's row for the whole county:
// the activities that take part in every municipality of the plan's
// county, under each goal.
type CoverageWholeCounty struct {
	// Municipalities is how many municipalities the county has.
	Municipalities int
	// Counts are the activities per goal, in the order of Coverage.Goals.
	Counts []int
	Total  int
}

// wholeCountyRow counts the plan's activities in the whole county per goal
// of the coverage, in one query. The county's municipalities are among the
// coverage's rows already.
func wholeCountyRow(ctx context.Context, c *ent.Client, p *ent.Plan, cov *Coverage, year *int) (*CoverageWholeCounty, error) {
	goals := cov.Goals
	row := &CoverageWholeCounty{Counts: make([]int, len(goals))}
	if p.CountyCode == "" {
		return row, nil
	}
	for _, r := range cov.Municipalities {
		if r.Municipality.CountyCode == p.CountyCode {
			row.Municipalities++
		}
	}
	if row.Municipalities == 0 {
		return row, nil
	}
	var rows []struct {
		Goal int `sql:"report_goal"`
		N    int `sql:"report_n"`
	}
	err := c.Activity.Query().Modify(func(s *sql.Selector) {
		_, t := tables(s)
		s.Join(t.o).On(s.C(activity.FieldObjectiveID), t.o.C(objective.FieldID)).
			Join(t.g).On(t.o.C(objective.FieldGoalID), t.g.C(goal.FieldID)).
			Join(t.p).On(t.g.C(goal.FieldPlanID), t.p.C(plan.FieldID)).
			Where(sql.And(sql.EQ(t.g.C(goal.FieldPlanID), p.ID),
				InWholeCountyP(s.C(activity.FieldID), t.p.C(plan.FieldCountyCode))))
		if year != nil {
			s.Where(PrioritisedIn(s.C, t.p.C, *year))
		}
		s.Select().
			AppendSelectAs(t.g.C(goal.FieldID), "report_goal").
			AppendSelectExprAs(sql.Raw("COUNT(*)"), "report_n").
			GroupBy(t.g.C(goal.FieldID))
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("coverage, whole county: %w", err)
	}
	for _, r := range rows {
		for i, g := range goals {
			if g.Goal.ID == r.Goal {
				row.Counts[i] = r.N
				row.Total += r.N
			}
		}
	}
	return row, nil
}
