package schema

import (
	"context"
	"fmt"
	"strconv"

	"entgo.io/ent"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/auth"
	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/hook"
	"github.com/samverkan/samverkan/ent/indicator"
	"github.com/samverkan/samverkan/ent/indicatorvalue"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/objective"
)

// This file holds the rules of indicators, their targets and values, and
// of goals' assessments, that span more than one field.

// indicatorOwners are the fields of which an indicator has exactly one set.
var indicatorOwners = []string{"goal_id", "objective_id", "activity_id"}

// indicatorHasOneOwner refuses an indicator that measures no goal, heading
// or activity, or more than one of them. On an update, the fields it does
// not touch are read from the stored record.
var indicatorHasOneOwner = hook.On(func(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		var set []string
		touched := false
		for _, f := range indicatorOwners {
			_, ok := m.Field(f)
			touched = touched || ok || m.FieldCleared(f)
			_, has, err := intField(ctx, m, f)
			if err != nil {
				return nil, err
			}
			if has {
				set = append(set, samverkan.GraphQLName(f))
			}
		}
		if !touched && m.Op().Is(ent.OpUpdateOne) {
			return next.Mutate(ctx, m)
		}
		switch len(set) {
		case 0:
			return nil, samverkan.Errorf(samverkan.CodeValidation, "goalID",
				"an indicator measures a goal, a heading or an activity: give one of goalID, objectiveID and activityID")
		case 1:
			return next.Mutate(ctx, m)
		}
		return nil, samverkan.Errorf(samverkan.CodeValidation, set[1],
			"an indicator measures one goal, heading or activity, not several (got %s and %s)", set[0], set[1])
	})
}, ent.OpCreate|ent.OpUpdateOne)

// indicatorBaseline refuses a baseline value without its year, or a year
// without its value.
var indicatorBaseline = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.IndicatorFunc(func(ctx context.Context, m *gen.IndicatorMutation) (ent.Value, error) {
		_, valueSet := m.BaselineValue()
		_, yearSet := m.BaselineYear()
		if m.Op().Is(ent.OpUpdateOne) && !valueSet && !yearSet && !m.BaselineValueCleared() && !m.BaselineYearCleared() {
			return next.Mutate(ctx, m)
		}
		hasValue, hasYear := valueSet, yearSet
		if m.Op().Is(ent.OpUpdateOne) {
			if !valueSet && !m.BaselineValueCleared() {
				old, err := m.OldBaselineValue(ctx)
				if err != nil {
					return nil, err
				}
				hasValue = old != nil
			}
			if !yearSet && !m.BaselineYearCleared() {
				old, err := m.OldBaselineYear(ctx)
				if err != nil {
					return nil, err
				}
				hasYear = old != nil
			}
		}
		switch {
		case hasValue && !hasYear:
			return nil, samverkan.Errorf(samverkan.CodeValidation, "baselineYear", "a baseline value needs the year it was measured")
		case hasYear && !hasValue:
			return nil, samverkan.Errorf(samverkan.CodeValidation, "baselineValue", "a baseline year needs its value")
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate|ent.OpUpdateOne)

// planOfIndicator reads the plan whose goal, heading or activity an
// indicator measures.
func planOfIndicator(ctx context.Context, c *gen.Client, id int) (*gen.Plan, error) {
	ctx = auth.AsServer(ctx)
	ind, err := c.Indicator.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read indicator %d: %w", id, err)
	}
	var q *gen.PlanQuery
	switch {
	case ind.GoalID != nil:
		q = c.Goal.Query().Where(goal.ID(*ind.GoalID)).QueryPlan()
	case ind.ObjectiveID != nil:
		q = c.Objective.Query().Where(objective.ID(*ind.ObjectiveID)).QueryGoal().QueryPlan()
	case ind.ActivityID != nil:
		q = c.Activity.Query().Where(activity.ID(*ind.ActivityID)).QueryObjective().QueryGoal().QueryPlan()
	default:
		return nil, fmt.Errorf("indicator %d measures nothing", id)
	}
	p, err := q.Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the plan of indicator %d: %w", id, err)
	}
	return p, nil
}

// withinPlan refuses a year outside a plan's period.
func withinPlan(p *gen.Plan, y int) error {
	if y < p.FirstYear || y > p.LastYear {
		return samverkan.Errorf(samverkan.CodeValidation, "year",
			"must be within the plan's period %d–%d (got %d)", p.FirstYear, p.LastYear, y)
	}
	return nil
}

// targetWithinPlanPeriod refuses a target for a year outside the period of
// the plan the indicator belongs to.
var targetWithinPlanPeriod = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.IndicatorTargetFunc(func(ctx context.Context, m *gen.IndicatorTargetMutation) (ent.Value, error) {
		y, set := m.Year()
		if !set {
			return next.Mutate(ctx, m)
		}
		id, ok := m.IndicatorID()
		if !ok {
			old, err := m.OldIndicatorID(ctx)
			if err != nil {
				return nil, err
			}
			id = old
		}
		p, err := planOfIndicator(ctx, m.ClientIn(ctx), id)
		if err != nil {
			return nil, err
		}
		if err := withinPlan(p, y); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate|ent.OpUpdateOne)

// indicatorValueSlot checks what a new value is of: a year within the
// plan's period, a municipality if and only if the indicator is per
// municipality, and no other value of the same indicator, year, period and
// municipality. It writes the four into the slot the database keeps unique
// (see IndicatorValue), which catches two such values entered at the same
// moment.
var indicatorValueSlot = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.IndicatorValueFunc(func(ctx context.Context, m *gen.IndicatorValueMutation) (ent.Value, error) {
		id, _ := m.IndicatorID()
		y, _ := m.Year()
		c := m.ClientIn(ctx)
		ind, err := c.Indicator.Get(auth.AsServer(ctx), id)
		if err != nil {
			return nil, fmt.Errorf("read indicator %d: %w", id, err)
		}
		muni, perMunicipality := m.MunicipalityID()
		switch {
		case ind.Scope == indicator.ScopeMunicipality && !perMunicipality:
			return nil, samverkan.Errorf(samverkan.CodeValidation, "municipalityID",
				"this indicator is measured per municipality: give the municipality the value is of")
		case ind.Scope == indicator.ScopeCounty && perMunicipality:
			return nil, samverkan.Errorf(samverkan.CodeValidation, "municipalityID",
				"this indicator is measured for the whole county: leave the municipality out")
		}
		p, err := planOfIndicator(ctx, c, id)
		if err != nil {
			return nil, err
		}
		if err := withinPlan(p, y); err != nil {
			return nil, err
		}
		period := "year"
		if v, ok := m.Period(); ok {
			period = string(v)
		}
		where := "the county"
		if perMunicipality {
			where = "municipality " + strconv.Itoa(muni)
		}
		slot := fmt.Sprintf("%d/%s/%s", y, period, where)
		taken, err := c.IndicatorValue.Query().
			Where(indicatorvalue.IndicatorID(id), indicatorvalue.Slot(slot)).
			Exist(auth.AsServer(ctx))
		if err != nil {
			return nil, fmt.Errorf("read the indicator's values: %w", err)
		}
		if taken {
			if perMunicipality {
				if mu, err := c.Municipality.Get(auth.AsServer(ctx), muni); err == nil {
					where = mu.Name
				}
			}
			when := strconv.Itoa(y)
			if period != "year" {
				when += " " + period
			}
			return nil, samverkan.Errorf(samverkan.CodeConstraint, "year",
				"this indicator already has a value for %s, %s: change that one instead", when, where)
		}
		m.SetSlot(slot)
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate)

// followUpFigure checks a value that a follow-up reports as one of its
// figures (followUpID given): its source is FOLLOW_UP (the server sets it;
// KOLADA is refused), the follow-up is of an activity of the indicator's
// plan, the value is of the follow-up's year, and a value per
// municipality is of a municipality that takes part in the follow-up's
// activity. A value without a follow-up cannot claim to come from one, and
// a figure stays one.
var followUpFigure = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.IndicatorValueFunc(func(ctx context.Context, m *gen.IndicatorValueMutation) (ent.Value, error) {
		source, sourceSet := m.Source()
		if m.Op().Is(ent.OpUpdateOne) {
			if !sourceSet {
				return next.Mutate(ctx, m)
			}
			old, err := m.OldFollowUpID(ctx)
			if err != nil {
				return nil, err
			}
			if (old != nil) != (source == indicatorvalue.SourceFollowUp) {
				return nil, samverkan.Errorf(samverkan.CodeValidation, "source",
					"only a figure of a follow-up has the source FOLLOW_UP, and a figure keeps it")
			}
			return next.Mutate(ctx, m)
		}
		id, fromFollowUp := m.FollowUpID()
		if !fromFollowUp {
			if sourceSet && source == indicatorvalue.SourceFollowUp {
				return nil, samverkan.Errorf(samverkan.CodeValidation, "source",
					"a value from a follow-up names the follow-up: give followUpID")
			}
			return next.Mutate(ctx, m)
		}
		// The default (OWN) is set before the hooks run, so only another
		// source given is told apart.
		if sourceSet && source == indicatorvalue.SourceKolada {
			return nil, samverkan.Errorf(samverkan.CodeValidation, "source",
				"a figure of a follow-up has the source FOLLOW_UP, not KOLADA: leave the source out")
		}
		m.SetSource(indicatorvalue.SourceFollowUp)
		c := m.ClientIn(ctx)
		fu, err := c.FollowUp.Query().Where(followup.ID(id)).
			WithActivity(func(q *gen.ActivityQuery) { q.WithObjective(func(q *gen.ObjectiveQuery) { q.WithGoal() }) }).
			Only(auth.AsServer(ctx))
		switch {
		case gen.IsNotFound(err):
			return nil, samverkan.Errorf(samverkan.CodeNotFound, "followUpID", "no follow-up has the id %d", id)
		case err != nil:
			return nil, fmt.Errorf("read follow-up %d: %w", id, err)
		}
		indicatorID, _ := m.IndicatorID()
		p, err := planOfIndicator(ctx, c, indicatorID)
		if err != nil {
			return nil, err
		}
		if fu.Edges.Activity.Edges.Objective.Edges.Goal.PlanID != p.ID {
			return nil, samverkan.Errorf(samverkan.CodeValidation, "followUpID",
				"the follow-up is of an activity of another plan than the indicator's")
		}
		if y, _ := m.Year(); y != fu.Date.Year() {
			return nil, samverkan.Errorf(samverkan.CodeValidation, "year",
				"a figure of a follow-up is of the follow-up's year, %d (got %d)", fu.Date.Year(), y)
		}
		if muni, ok := m.MunicipalityID(); ok {
			takesPart, err := c.Activity.Query().
				Where(activity.ID(fu.ActivityID), activity.HasMunicipalitiesWith(municipality.ID(muni))).
				Exist(auth.AsServer(ctx))
			if err != nil {
				return nil, fmt.Errorf("read the municipalities of activity %d: %w", fu.ActivityID, err)
			}
			if !takesPart {
				return nil, samverkan.Errorf(samverkan.CodeValidation, "municipalityID",
					"the municipality does not take part in the follow-up's activity")
			}
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate|ent.OpUpdateOne)

// assessmentWithinPlanPeriod refuses an assessment for a year outside the
// period of the goal's plan.
var assessmentWithinPlanPeriod = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.GoalAssessmentFunc(func(ctx context.Context, m *gen.GoalAssessmentMutation) (ent.Value, error) {
		y, set := m.Year()
		if !set {
			return next.Mutate(ctx, m)
		}
		id, ok := m.GoalID()
		if !ok {
			old, err := m.OldGoalID(ctx)
			if err != nil {
				return nil, err
			}
			id = old
		}
		p, err := m.ClientIn(ctx).Goal.Query().Where(goal.ID(id)).QueryPlan().Only(auth.AsServer(ctx))
		if err != nil {
			return nil, fmt.Errorf("read the plan of goal %d: %w", id, err)
		}
		if err := withinPlan(p, y); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate|ent.OpUpdateOne)

// setFromViewer writes the signed-in user's username into a field when a
// record is created, and when an update changes anything else: who entered
// a value, who wrote an assessment. An update that changes nothing stays
// no change (see skipUnchanged).
func setFromViewer(name string) ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v := auth.FromContext(ctx)
			if v == nil {
				return next.Mutate(ctx, m)
			}
			if m.Op().Is(ent.OpUpdateOne) && len(changedValues(ctx, m, nil)) == 0 {
				return next.Mutate(ctx, m)
			}
			if err := m.SetField(name, v.Username); err != nil {
				return nil, fmt.Errorf("set %s: %w", name, err)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

var (
	enteredByViewer = setFromViewer("entered_by")
	authorIsViewer  = setFromViewer("author") // an assessment's, a follow-up's
)
