package report

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/goalassessment"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/schema/enum"
	"github.com/samverkan/samverkan/ent/statuschange"
	"github.com/samverkan/samverkan/ent/yearlyreportclosing"
	"github.com/samverkan/samverkan/ent/yearlyreportreadiness"
)

// YearlyReport is a plan's report to the regional council for one year of
// its period: each goal with its assessment, its activities prioritised in
// the year (each with its latest follow-up) and the municipalities the goal
// reached and missed; the coverage behind them; whether the report is
// closed. The indicators against their targets are the goals' own
// (Indicator.progress), the year's changes YearlyStatusChanges.
type YearlyReport struct {
	Plan *ent.Plan
	Year int
	// Closing is the report's closing; nil while it is open.
	Closing  *ent.YearlyReportClosing
	Coverage *Coverage
	// Goals are every goal of the plan, by number.
	Goals []*YearlyReportGoal
}

// YearlyReportGoal is a goal in a yearly report.
type YearlyReportGoal struct {
	Goal *ent.Goal
	// Assessment is the goal's assessment of the year; nil when it has none.
	Assessment *ent.GoalAssessment
	// Activities are the goal's activities prioritised in the year, by
	// status (planned, ongoing, done, cancelled), then by title.
	Activities []*YearlyReportActivity
	// MunicipalitiesReached take part in at least one of the activities,
	// MunicipalitiesMissed (of the plan's rows in Coverage) in none; both
	// in Swedish alphabetical order.
	MunicipalitiesReached []*ent.Municipality
	MunicipalitiesMissed  []*ent.Municipality
}

// YearlyReportActivity is an activity in a yearly report with its latest
// follow-up dated in the year or before it.
type YearlyReportActivity struct {
	Activity       *ent.Activity
	LatestFollowUp *ent.FollowUp
}

// ForYear builds the plan's yearly report. A year outside the plan's
// period is refused with VALIDATION on the field "year". Eight database
// queries, whatever the plan's size (and one more per thousand activities).
func ForYear(ctx context.Context, c *ent.Client, p *ent.Plan, year int) (*YearlyReport, error) {
	if err := CheckYear(&year); err != nil {
		return nil, err
	}
	if year < p.FirstYear || year > p.LastYear {
		return nil, samverkan.Errorf(samverkan.CodeValidation, "year",
			"must be within the plan's period %d–%d (got %d)", p.FirstYear, p.LastYear, year)
	}
	r := &YearlyReport{Plan: p, Year: year}
	closing, err := c.YearlyReportClosing.Query().
		Where(yearlyreportclosing.PlanID(p.ID), yearlyreportclosing.Year(year)).Only(ctx)
	switch {
	case err == nil:
		r.Closing = closing
	case !ent.IsNotFound(err):
		return nil, fmt.Errorf("yearly report closing: %w", err)
	}
	if r.Coverage, err = PlanCoverage(ctx, c, p, &year); err != nil {
		return nil, err
	}
	assessments, err := c.GoalAssessment.Query().
		Where(goalassessment.Year(year), goalassessment.HasGoalWith(goal.PlanID(p.ID))).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("yearly report assessments: %w", err)
	}
	activities, err := activitiesIn(ctx, c, p.ID, year)
	if err != nil {
		return nil, err
	}
	for i, cg := range r.Coverage.Goals {
		g := &YearlyReportGoal{Goal: cg.Goal, Activities: activities[cg.Goal.ID],
			MunicipalitiesReached: []*ent.Municipality{}, MunicipalitiesMissed: []*ent.Municipality{}}
		for _, a := range assessments {
			if a.GoalID == cg.Goal.ID {
				g.Assessment = a
			}
		}
		for _, row := range r.Coverage.Municipalities {
			if row.Counts[i] > 0 {
				g.MunicipalitiesReached = append(g.MunicipalitiesReached, row.Municipality)
			} else {
				g.MunicipalitiesMissed = append(g.MunicipalitiesMissed, row.Municipality)
			}
		}
		r.Goals = append(r.Goals, g)
	}
	return r, nil
}

// activitiesIn returns the plan's activities prioritised in the year (a
// year within the plan's period, so an activity without years is) per
// goal ID, by status and title, each with its latest follow-up dated in the
// year or before.
func activitiesIn(ctx context.Context, c *ent.Client, planID, year int) (map[int][]*YearlyReportActivity, error) {
	list, err := c.Activity.Query().
		Where(
			activity.HasObjectiveWith(objective.HasGoalWith(goal.PlanID(planID))),
			activity.Or(activity.FirstYearIsNil(), activity.FirstYearLTE(year)),
			activity.Or(activity.LastYearIsNil(), activity.LastYearGTE(year)),
		).
		WithObjective(func(q *ent.ObjectiveQuery) { q.Select(objective.FieldID, objective.FieldGoalID) }).
		Order(ent.Asc(activity.FieldTitle), ent.Asc(activity.FieldID)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("yearly report activities: %w", err)
	}
	slices.SortStableFunc(list, func(a, b *ent.Activity) int {
		return slices.Index(enum.Statuses, a.Status) - slices.Index(enum.Statuses, b.Status)
	})
	ids := make([]int, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	latest := map[int]*ent.FollowUp{}
	for chunk := range slices.Chunk(ids, 1000) {
		fus, err := c.FollowUp.Query().
			Where(followup.ActivityIDIn(chunk...), followup.DateLT(time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC))).
			Order(ent.Desc(followup.FieldDate), ent.Desc(followup.FieldID)).
			All(ctx)
		if err != nil {
			return nil, fmt.Errorf("yearly report follow-ups: %w", err)
		}
		for _, f := range fus {
			if latest[f.ActivityID] == nil {
				latest[f.ActivityID] = f
			}
		}
	}
	out := map[int][]*YearlyReportActivity{}
	for _, a := range list {
		g := a.Edges.Objective.GoalID
		out[g] = append(out[g], &YearlyReportActivity{Activity: a, LatestFollowUp: latest[a.ID]})
	}
	return out, nil
}

// YearlyReadiness returns the municipalities' marks that their part of
// the report is ready, oldest first, with their municipalities.
func YearlyReadiness(ctx context.Context, c *ent.Client, r *YearlyReport) ([]*ent.YearlyReportReadiness, error) {
	marks, err := c.YearlyReportReadiness.Query().
		Where(yearlyreportreadiness.PlanID(r.Plan.ID), yearlyreportreadiness.Year(r.Year)).
		WithMunicipality().
		Order(ent.Asc(yearlyreportreadiness.FieldCreatedAt), ent.Asc(yearlyreportreadiness.FieldID)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("yearly report readiness: %w", err)
	}
	return marks, nil
}

// YearlyStatusChanges returns the status changes of the plan's activities
// in the report's year (UTC), in the order they happened, with their
// activities.
func YearlyStatusChanges(ctx context.Context, c *ent.Client, r *YearlyReport) ([]*ent.StatusChange, error) {
	changes, err := c.StatusChange.Query().
		Where(
			statuschange.HasActivityWith(activity.HasObjectiveWith(objective.HasGoalWith(goal.PlanID(r.Plan.ID)))),
			statuschange.AtGTE(time.Date(r.Year, 1, 1, 0, 0, 0, 0, time.UTC)),
			statuschange.AtLT(time.Date(r.Year+1, 1, 1, 0, 0, 0, 0, time.UTC)),
		).
		WithActivity().
		Order(ent.Asc(statuschange.FieldAt), ent.Asc(statuschange.FieldID)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("yearly report status changes: %w", err)
	}
	return changes, nil
}
