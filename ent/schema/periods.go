package schema

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/auth"
	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/hook"
	"github.com/samverkan/samverkan/ent/objective"
)

// yearRangeHook refuses a last year before the first year. On an update that
// sets only one of them, the other is read from the stored record.
func yearRangeHook(firstField, lastField string) ent.Hook {
	return rangeHook(firstField, lastField, func(a, b int) bool { return a < b }, func(first, last int) string {
		return fmt.Sprintf("must not be before the first year (%d is before %d)", last, first)
	})
}

// dateRangeHook refuses an end date before the start date. On an update
// that sets only one of them, the other is read from the stored record.
func dateRangeHook(startField, endField string) ent.Hook {
	return rangeHook(startField, endField, time.Time.Before, func(start, end time.Time) string {
		return fmt.Sprintf("must not be before the start date (%s is before %s)", day(end), day(start))
	})
}

// rangeHook refuses a mutation whose lastField would be before its
// firstField, with the message refusal gives, on lastField. On an update
// that sets only one of them, the other is read from the stored record.
func rangeHook[T any](firstField, lastField string, before func(a, b T) bool, refusal func(first, last T) string) ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			_, firstSet := m.Field(firstField)
			_, lastSet := m.Field(lastField)
			if !firstSet && !lastSet {
				return next.Mutate(ctx, m)
			}
			first, okFirst, err := fieldAfter[T](ctx, m, firstField)
			if err != nil {
				return nil, err
			}
			last, okLast, err := fieldAfter[T](ctx, m, lastField)
			if err != nil {
				return nil, err
			}
			if okFirst && okLast && before(last, first) {
				return nil, samverkan.Errorf(samverkan.CodeValidation, samverkan.GraphQLName(lastField), "%s", refusal(first, last))
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// intField returns the value an int field will have after the mutation (see
// fieldAfter).
func intField(ctx context.Context, m ent.Mutation, name string) (int, bool, error) {
	return fieldAfter[int](ctx, m, name)
}

// fieldAfter returns the value a field of type T (or *T) will have after
// the mutation: the new value if it sets one, else the stored one (on an
// update of one record); false when it has none.
func fieldAfter[T any](ctx context.Context, m ent.Mutation, name string) (T, bool, error) {
	var zero T
	if v, ok := m.Field(name); ok {
		t, ok := v.(T)
		return t, ok, nil
	}
	if m.FieldCleared(name) || !m.Op().Is(ent.OpUpdateOne) {
		return zero, false, nil
	}
	old, err := m.OldField(ctx, name)
	if err != nil {
		return zero, false, fmt.Errorf("read stored %s: %w", name, err)
	}
	switch v := old.(type) {
	case T:
		return v, true, nil
	case *T:
		if v != nil {
			return *v, true, nil
		}
	}
	return zero, false, nil
}

// day writes a date as a client gives it, 2021-06-01 (in UTC, as the admin
// page sends dates).
func day(t time.Time) string {
	return t.UTC().Format(time.DateOnly)
}

// followUpWithinPlanPeriod refuses a follow-up dated outside the years of
// the plan its activity belongs to: a follow-up of a 2020–2023 plan dated
// 1990 is a typing mistake. The date is what the follow-up refers to (the
// year, half-year or tertial reported on), so it needs no slack after the
// period, even though the last year's report is written the spring after.
var followUpWithinPlanPeriod = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.FollowUpFunc(func(ctx context.Context, m *gen.FollowUpMutation) (ent.Value, error) {
		_, dated := m.Date()
		_, moved := m.ActivityID()
		if !dated && !moved {
			return next.Mutate(ctx, m)
		}
		activityID, ok := m.ActivityID()
		if !ok {
			old, err := m.OldActivityID(ctx)
			if err != nil {
				return nil, fmt.Errorf("read stored activity: %w", err)
			}
			activityID = old
		}
		date, ok := m.Date()
		if !ok {
			old, err := m.OldDate(ctx)
			if err != nil {
				return nil, fmt.Errorf("read stored date: %w", err)
			}
			date = old
		}
		// An unknown activity never gets here: referencesExist, a mixin
		// hook, runs first and names it.
		plan, err := m.ClientIn(ctx).Activity.Query().
			Where(activity.ID(activityID)).
			QueryObjective().QueryGoal().QueryPlan().
			Only(auth.AsServer(ctx))
		if err != nil {
			return nil, fmt.Errorf("read the follow-up's plan: %w", err)
		}
		if y := date.UTC().Year(); y < plan.FirstYear || y > plan.LastYear {
			return nil, samverkan.Errorf(samverkan.CodeValidation, "date",
				"must be within the plan's period %d–%d (got %s)", plan.FirstYear, plan.LastYear, day(date))
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate|ent.OpUpdateOne)

// activityWithinPlanPeriod refuses prioritised years outside the period of
// the plan the activity belongs to.
var activityWithinPlanPeriod = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.ActivityFunc(func(ctx context.Context, m *gen.ActivityMutation) (ent.Value, error) {
		_, firstSet := m.FirstYear()
		_, lastSet := m.LastYear()
		_, moved := m.ObjectiveID()
		if !firstSet && !lastSet && !moved {
			return next.Mutate(ctx, m)
		}
		objectiveID, ok := m.ObjectiveID()
		if !ok {
			old, err := m.OldObjectiveID(ctx)
			if err != nil {
				return nil, fmt.Errorf("read stored objective: %w", err)
			}
			objectiveID = old
		}
		plan, err := m.ClientIn(ctx).Objective.Query().
			Where(objective.ID(objectiveID)).
			QueryGoal().QueryPlan().
			Only(ctx)
		// An unknown heading never gets here: referencesExist, a mixin
		// hook, runs first and names it.
		if err != nil {
			return nil, fmt.Errorf("read the activity's plan: %w", err)
		}
		for _, f := range []string{"first_year", "last_year"} {
			y, ok, err := intField(ctx, m, f)
			if err != nil {
				return nil, err
			}
			if ok && (y < plan.FirstYear || y > plan.LastYear) {
				return nil, samverkan.Errorf(samverkan.CodeValidation, samverkan.GraphQLName(f),
					"must be within the plan's period %d–%d (got %d)", plan.FirstYear, plan.LastYear, y)
			}
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate|ent.OpUpdateOne)
