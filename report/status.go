package report

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/schema/enum"
)

// PlanCounts counts a plan's activities per status, of one year or all.
func PlanCounts(ctx context.Context, c *ent.Client, planID int, year *int) (Counts, error) {
	return countActivities(ctx, c, year, func(t joined) *sql.Predicate {
		return sql.EQ(t.g.C(goal.FieldPlanID), planID)
	})
}

// GoalCounts counts a goal's activities per status, of one year or all.
func GoalCounts(ctx context.Context, c *ent.Client, goalID int, year *int) (Counts, error) {
	return countActivities(ctx, c, year, func(t joined) *sql.Predicate {
		return sql.EQ(t.g.C(goal.FieldID), goalID)
	})
}

// ObjectiveCounts counts a heading's activities per status, of one year or
// all.
func ObjectiveCounts(ctx context.Context, c *ent.Client, objectiveID int, year *int) (Counts, error) {
	return countActivities(ctx, c, year, func(t joined) *sql.Predicate {
		return sql.EQ(t.o.C(objective.FieldID), objectiveID)
	})
}

// countActivities counts the activities under the headings, goals and
// plans that scope selects, in one query without GROUP BY: one row, zeros
// when there is nothing.
func countActivities(ctx context.Context, c *ent.Client, year *int, scope func(joined) *sql.Predicate) (Counts, error) {
	return countActivitiesWhere(ctx, c, year, func(_ *sql.Selector, t joined) *sql.Predicate { return scope(t) })
}

// countActivitiesWhere is countActivities with a scope that may also name
// the activities' own columns (s.C).
func countActivitiesWhere(ctx context.Context, c *ent.Client, year *int, scope func(s *sql.Selector, t joined) *sql.Predicate) (Counts, error) {
	var rows []struct {
		Planned   int `sql:"report_planned"`
		Ongoing   int `sql:"report_ongoing"`
		Done      int `sql:"report_done"`
		Cancelled int `sql:"report_cancelled"`
	}
	err := c.Activity.Query().Modify(func(s *sql.Selector) {
		_, t := tables(s)
		s.Join(t.o).On(s.C(activity.FieldObjectiveID), t.o.C(objective.FieldID)).
			Join(t.g).On(t.o.C(objective.FieldGoalID), t.g.C(goal.FieldID)).
			Join(t.p).On(t.g.C(goal.FieldPlanID), t.p.C(plan.FieldID)).
			Where(scope(s, t))
		if year != nil {
			s.Where(PrioritisedIn(s.C, t.p.C, *year))
		}
		s.Select()
		appendStatusCounts(s, s.C(activity.FieldStatus))
	}).Scan(ctx, &rows)
	if err != nil {
		return Counts{}, fmt.Errorf("count activities: %w", err)
	}
	if len(rows) != 1 {
		return Counts{}, fmt.Errorf("count activities: %d rows, want 1", len(rows))
	}
	r := rows[0]
	return Counts{Planned: r.Planned, Ongoing: r.Ongoing, Done: r.Done, Cancelled: r.Cancelled}, nil
}

// GoalStatus is a goal with its activities per status, in all and per
// heading.
type GoalStatus struct {
	Goal         *ent.Goal
	StatusCounts Counts
	Objectives   []*ObjectiveStatus
}

// ObjectiveStatus is a heading with its activities per status.
type ObjectiveStatus struct {
	Objective    *ent.Objective
	StatusCounts Counts
}

// GoalStatuses counts a plan's activities per status for each of its goals,
// by number, with no headings: one query, for a caller that shows goals
// only (a dashboard's bars). The counting is a subquery over the plan's
// activities that carries only goal ids and statuses, joined to the goals
// afterwards: grouping the goals' own rows, descriptions and all, once per
// activity took 40 % longer.
func GoalStatuses(ctx context.Context, c *ent.Client, planID int, year *int) ([]*GoalStatus, error) {
	goals, err := c.Goal.Query().
		Where(goal.PlanID(planID)).
		Order(ent.Asc(goal.FieldNumber)).
		Modify(func(s *sql.Selector) {
			b, t := tables(s)
			counts := b.Select(t.o.C(objective.FieldGoalID)).
				From(t.g).
				Join(t.p).On(t.g.C(goal.FieldPlanID), t.p.C(plan.FieldID)).
				Join(t.o).On(t.o.C(objective.FieldGoalID), t.g.C(goal.FieldID)).
				Join(t.a).OnP(activityJoin(t.a, t.o, t.p, year)).
				Where(sql.EQ(t.g.C(goal.FieldPlanID), planID)).
				GroupBy(t.o.C(objective.FieldGoalID))
			appendStatusCounts(counts, t.a.C(activity.FieldStatus))
			counts.As("c")
			s.LeftJoin(counts).On(s.C(goal.FieldID), counts.C(objective.FieldGoalID))
			for _, st := range enum.Statuses {
				// A goal without activities has no row in c: NULL, read as 0.
				s.AppendSelect(counts.C(statusAlias(st)))
			}
		}).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("status by goal: %w", err)
	}
	out := make([]*GoalStatus, len(goals))
	for i, g := range goals {
		counts, err := countsOf(g.Value)
		if err != nil {
			return nil, fmt.Errorf("status by goal: %w", err)
		}
		out[i] = &GoalStatus{Goal: g, StatusCounts: counts, Objectives: []*ObjectiveStatus{}}
	}
	return out, nil
}

// StatusByGoal counts a plan's activities per status for each of its goals
// (by number) and each heading under them (by position, then title), of
// one year or all. Goals and headings without activities are there, with
// zeros. It takes two queries, one per level, however many goals and
// headings the plan has.
func StatusByGoal(ctx context.Context, c *ent.Client, planID int, year *int) ([]*GoalStatus, error) {
	out, err := GoalStatuses(ctx, c, planID, year)
	if err != nil {
		return nil, err
	}
	byID := make(map[int]*GoalStatus, len(out))
	for _, g := range out {
		byID[g.Goal.ID] = g
	}
	objectives, err := c.Objective.Query().
		Order(ent.Asc(objective.FieldPosition), ent.Asc(objective.FieldTitle), ent.Asc(objective.FieldID)).
		Modify(func(s *sql.Selector) {
			_, t := tables(s)
			s.Join(t.g).On(s.C(objective.FieldGoalID), t.g.C(goal.FieldID)).
				Join(t.p).On(t.g.C(goal.FieldPlanID), t.p.C(plan.FieldID)).
				LeftJoin(t.a).OnP(activityJoin(t.a, s.Table(), t.p, year)).
				Where(sql.EQ(t.g.C(goal.FieldPlanID), planID)).
				GroupBy(s.C(objective.FieldID))
			appendStatusCounts(s, t.a.C(activity.FieldStatus))
		}).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("status by heading: %w", err)
	}

	for _, o := range objectives {
		counts, err := countsOf(o.Value)
		if err != nil {
			return nil, fmt.Errorf("status by heading: %w", err)
		}
		if g := byID[o.GoalID]; g != nil {
			g.Objectives = append(g.Objectives, &ObjectiveStatus{Objective: o, StatusCounts: counts})
		}
	}
	return out, nil
}
