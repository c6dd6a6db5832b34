// Package period starts a plan's next period: a new plan from the current
// one, its goals and headings copied and the activities chosen carried
// over, each linked to the one it continues.
package period

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followupdeadline"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/indicator"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/schema/enum"
)

// NextInput is what startNextPeriod is given (GraphQL's
// StartNextPeriodInput).
type NextInput struct {
	// PlanID is the current plan.
	PlanID int `json:"planID"`
	// Name is the new plan's name; empty keeps the current one's.
	Name *string `json:"name,omitempty"`
	// FirstYear and LastYear are the new period's years.
	FirstYear int `json:"firstYear"`
	LastYear  int `json:"lastYear"`
	// CarryOverActivityIDs are the current plan's activities to carry over.
	CarryOverActivityIDs []int `json:"carryOverActivityIDs,omitempty"`
	// CopyIndicators and CopyDeadlines opt out of copying the indicators
	// and the follow-up deadlines when false; nil (left out) copies them.
	CopyIndicators *bool `json:"copyIndicators,omitempty"`
	CopyDeadlines  *bool `json:"copyDeadlines,omitempty"`
}

// StartNext creates, with the client given (the mutation's transaction),
// the plan of the period after the current one: a DRAFT with the current
// plan's name (unless the input names it), region, county, description,
// parent plan and goals' opening (the old period's years in it, as
// "2020–2023", replaced by the new ones); a copy of each goal (number,
// title, area, statement, description, focus areas, target groups, the
// actors it names) and of each heading under it; and, under the copy of its
// heading, a new activity for each one carried over, with its title,
// description, lead, municipalities and institutions, its status if it is
// planned or ongoing (else planned), no years or dates (the new plan
// decides them), and the one it carries over as its predecessor. The
// follow-ups, status changes and indicators stay with the old activity,
// reachable through predecessor. Unless the input opts out, it also copies
// the indicators of the goals and headings and the follow-up deadlines
// (copyIndicators, copyDeadlines). Every record is created through ent, so
// the policies decide who may (admins) and each creation is in the audit
// trail.
func StartNext(ctx context.Context, c *ent.Client, in NextInput) (*ent.Plan, error) {
	current, err := c.Plan.Query().Where(plan.ID(in.PlanID)).
		WithGoals(func(q *ent.GoalQuery) {
			q.Order(goal.ByNumber()).WithActors().WithObjectives(func(q *ent.ObjectiveQuery) {
				q.Order(objective.ByPosition(), objective.ByID())
			})
		}).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, samverkan.Errorf(samverkan.CodeNotFound, "planID", "no plan has the id %d", in.PlanID)
	}
	if err != nil {
		return nil, fmt.Errorf("read the current plan: %w", err)
	}
	if in.FirstYear <= current.LastYear {
		return nil, samverkan.Errorf(samverkan.CodeValidation, "firstYear",
			"the next period must begin after the current one, which ends %d (got %d)", current.LastYear, in.FirstYear)
	}
	carried, err := carriedOver(ctx, c, current.ID, in.CarryOverActivityIDs)
	if err != nil {
		return nil, err
	}

	name := current.Name
	if in.Name != nil {
		name = *in.Name
	}
	next, err := c.Plan.Create().
		SetName(name).
		SetRegion(current.Region).
		SetNillableCountyCode(nonEmpty(current.CountyCode)).
		SetNillableDescription(nonEmpty(current.Description)).
		SetNillableGoalsIntro(nonEmpty(strings.ReplaceAll(current.GoalsIntro, years(current.FirstYear, current.LastYear), years(in.FirstYear, in.LastYear)))).
		SetNillableParentPlan(nonEmpty(current.ParentPlan)).
		SetFirstYear(in.FirstYear).
		SetLastYear(in.LastYear).
		SetState(plan.StateDraft).
		Save(ctx)
	if err != nil {
		return nil, err
	}
	headings := map[int]int{} // the current plan's heading → its copy
	goals := map[int]int{}    // the current plan's goal → its copy
	for _, g := range current.Edges.Goals {
		actors := make([]int, len(g.Edges.Actors))
		for i, a := range g.Edges.Actors {
			actors[i] = a.ID
		}
		create := c.Goal.Create().
			SetPlanID(next.ID).
			SetNumber(g.Number).
			SetNillableTitle(g.Title).
			SetNillableArea(nonEmpty(g.Area)).
			SetNillableStatement(nonEmpty(g.Statement)).
			SetNillableDescription(nonEmpty(g.Description)).
			AddActorIDs(actors...)
		if len(g.FocusAreas) > 0 {
			create.SetFocusAreas(g.FocusAreas)
		}
		if len(g.TargetGroups) > 0 {
			create.SetTargetGroups(g.TargetGroups)
		}
		copied, err := create.Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("copy goal %d: %w", g.Number, err)
		}
		goals[g.ID] = copied.ID
		for _, o := range g.Edges.Objectives {
			h, err := c.Objective.Create().
				SetGoalID(copied.ID).
				SetTitle(o.Title).
				SetNillableDescription(nonEmpty(o.Description)).
				SetPosition(o.Position).
				Save(ctx)
			if err != nil {
				return nil, fmt.Errorf("copy heading %d: %w", o.ID, err)
			}
			headings[o.ID] = h.ID
		}
	}
	if in.CopyIndicators == nil || *in.CopyIndicators {
		if err := copyIndicators(ctx, c, goals, headings); err != nil {
			return nil, err
		}
	}
	if in.CopyDeadlines == nil || *in.CopyDeadlines {
		if err := copyDeadlines(ctx, c, current, next); err != nil {
			return nil, err
		}
	}
	for _, a := range carried {
		status := a.Status
		if status != enum.StatusPlanned && status != enum.StatusOngoing {
			status = enum.StatusPlanned
		}
		municipalities := make([]int, len(a.Edges.Municipalities))
		for i, m := range a.Edges.Municipalities {
			municipalities[i] = m.ID
		}
		institutions := make([]int, len(a.Edges.Institutions))
		for i, inst := range a.Edges.Institutions {
			institutions[i] = inst.ID
		}
		err := c.Activity.Create().
			SetObjectiveID(headings[a.ObjectiveID]).
			SetTitle(a.Title).
			SetNillableDescription(nonEmpty(a.Description)).
			SetStatus(status).
			SetNillableLead(nonEmpty(a.Lead)).
			AddMunicipalityIDs(municipalities...).
			AddInstitutionIDs(institutions...).
			SetPredecessorID(a.ID).
			Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("carry over activity %d: %w", a.ID, err)
		}
	}
	return next, nil
}

// copyIndicators copies the indicators of the current plan's goals and
// headings to their copies: name, description, unit, direction, scope
// (per municipality or for the county), aggregation, Kolada key figure and
// baseline. Their targets are not copied: a target is the value to reach
// in a year of the old period, and the new plan sets its own for its
// years; nor are their values, which were measured in the old period (the
// new indicator's Kolada values are fetched again). The indicators of
// activities stay with them, reachable from a carried-over activity's
// predecessor.
func copyIndicators(ctx context.Context, c *ent.Client, goals, headings map[int]int) error {
	indicators, err := c.Indicator.Query().
		Where(indicator.Or(indicator.GoalIDIn(slices.Collect(maps.Keys(goals))...), indicator.ObjectiveIDIn(slices.Collect(maps.Keys(headings))...))).
		Order(indicator.ByID()).
		All(ctx)
	if err != nil {
		return fmt.Errorf("read the indicators to copy: %w", err)
	}
	for _, ind := range indicators {
		create := c.Indicator.Create().
			SetName(ind.Name).
			SetNillableDescription(nonEmpty(ind.Description)).
			SetNillableUnit(nonEmpty(ind.Unit)).
			SetDirection(ind.Direction).
			SetScope(ind.Scope).
			SetAggregation(ind.Aggregation).
			SetNillableBaselineValue(ind.BaselineValue).
			SetNillableBaselineYear(ind.BaselineYear).
			SetNillableKoladaKpi(ind.KoladaKpi)
		if ind.GoalID != nil {
			create.SetGoalID(goals[*ind.GoalID])
		} else {
			create.SetObjectiveID(headings[*ind.ObjectiveID])
		}
		if err := create.Exec(ctx); err != nil {
			return fmt.Errorf("copy indicator %d: %w", ind.ID, err)
		}
	}
	return nil
}

// copyDeadlines copies the current plan's follow-up deadlines to the next
// plan, each year and due date moved by as many years as the new period
// begins after the current one (with 2020–2023 followed by 2024–2027, the
// first half of 2021 due 15 September 2021 becomes the first half of 2025
// due 15 September 2025). A deadline whose moved year falls outside the new
// period (a shorter one) is left out.
func copyDeadlines(ctx context.Context, c *ent.Client, current, next *ent.Plan) error {
	deadlines, err := c.FollowUpDeadline.Query().
		Where(followupdeadline.PlanID(current.ID)).
		Order(followupdeadline.ByYear(), followupdeadline.ByID()).
		All(ctx)
	if err != nil {
		return fmt.Errorf("read the deadlines to copy: %w", err)
	}
	shift := next.FirstYear - current.FirstYear
	for _, d := range deadlines {
		if d.Year+shift > next.LastYear {
			continue
		}
		err := c.FollowUpDeadline.Create().
			SetPlanID(next.ID).
			SetYear(d.Year + shift).
			SetPeriod(d.Period).
			SetDueDate(d.DueDate.AddDate(shift, 0, 0)).
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("copy deadline %d: %w", d.ID, err)
		}
	}
	return nil
}

// carriedOver reads the activities to carry over, with their links, and
// refuses ids that name no activity, or one of another plan, or one
// carried over already.
func carriedOver(ctx context.Context, c *ent.Client, planID int, ids []int) ([]*ent.Activity, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	found, err := c.Activity.Query().Where(activity.IDIn(ids...)).
		WithObjective(func(q *ent.ObjectiveQuery) { q.WithGoal() }).
		WithSuccessor().
		WithMunicipalities().
		WithInstitutions().
		Order(activity.ByID()).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the activities to carry over: %w", err)
	}
	const field = "carryOverActivityIDs"
	for _, id := range ids {
		if !slices.ContainsFunc(found, func(a *ent.Activity) bool { return a.ID == id }) {
			return nil, samverkan.Errorf(samverkan.CodeNotFound, field, "no activity has the id %d", id)
		}
	}
	for _, a := range found {
		if a.Edges.Objective.Edges.Goal.PlanID != planID {
			return nil, samverkan.Errorf(samverkan.CodeValidation, field,
				"activity %d (%q) is not of the plan %d: only the current plan's activities are carried over", a.ID, a.Title, planID)
		}
		if a.Edges.Successor != nil {
			return nil, samverkan.Errorf(samverkan.CodeValidation, field,
				"activity %d (%q) is carried over already, as activity %d", a.ID, a.Title, a.Edges.Successor.ID)
		}
	}
	return found, nil
}

// years writes a period as plans write it, with an en dash: 2020–2023.
func years(first, last int) string {
	return strconv.Itoa(first) + "–" + strconv.Itoa(last)
}

// nonEmpty is nil for an empty string: an optional field left empty stays
// unset in the copy, as in the original.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
