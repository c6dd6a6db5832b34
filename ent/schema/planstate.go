package schema

import (
	"context"
	"fmt"
	"reflect"

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
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/scope"
)

// A plan's state (DRAFT, ADOPTED, CLOSED) decides who may change what is
// under it: a closed plan's period is over and it is the record of what
// was done, so nothing under it changes but by an admin (who may also
// reopen it). Plans, goals, headings and indicators are changed by admins
// only in any state; what editors change (activities, follow-ups,
// indicator values of their municipalities) is refused under a closed plan
// by the rules below, which come after allowAdmins and before the rules
// that allow editors.

var errPlanClosed = denial{samverkan.Errorf(samverkan.CodeForbidden, "", "the plan is closed: only an admin may change it "+
	"or anything under it (an admin can set its state back to ADOPTED)")}

// The plans closed and the activities under them are package scope's
// (scope.ClosedPlans, scope.UnderClosedPlans), which also says which
// activities an editor may update for the filter viewerCanUpdate.
// editorsNotInClosedPlans refuses an editor's change of an activity under a
// closed plan, or its move there.
var editorsNotInClosedPlans = privacy.ActivityMutationRuleFunc(func(ctx context.Context, m *gen.ActivityMutation) error {
	if !auth.FromContext(ctx).Is(auth.RoleEditor) {
		return privacy.Skip
	}
	c := m.ClientIn(ctx)
	if id, ok := m.ID(); ok && m.Op().Is(ent.OpUpdateOne|ent.OpDeleteOne) {
		if err := refuseIfClosed(ctx, c, c.Activity.Query().Where(activity.ID(id), scope.UnderClosedPlans)); err != nil {
			return err
		}
	}
	if to, ok := m.ObjectiveID(); ok {
		return refuseIfClosed(ctx, c, c.Objective.Query().Where(objective.ID(to), objective.HasGoalWith(goal.HasPlanWith(scope.ClosedPlans))))
	}
	return privacy.Skip
})

// editorsFollowUpNotInClosedPlans refuses an editor's follow-up of an
// activity under a closed plan: adding one, changing or deleting one, or
// moving one there.
var editorsFollowUpNotInClosedPlans = privacy.FollowUpMutationRuleFunc(func(ctx context.Context, m *gen.FollowUpMutation) error {
	if !auth.FromContext(ctx).Is(auth.RoleEditor) {
		return privacy.Skip
	}
	c := m.ClientIn(ctx)
	if id, ok := m.ID(); ok && m.Op().Is(ent.OpUpdateOne|ent.OpDeleteOne) {
		if err := refuseIfClosed(ctx, c, c.FollowUp.Query().Where(followup.ID(id), followup.HasActivityWith(scope.UnderClosedPlans))); err != nil {
			return err
		}
	}
	if to, ok := m.ActivityID(); ok {
		return refuseIfClosed(ctx, c, c.Activity.Query().Where(activity.ID(to), scope.UnderClosedPlans))
	}
	return privacy.Skip
})

// indicatorInClosedPlan matches the indicators of a goal, heading or
// activity under a closed plan.
var indicatorInClosedPlan = indicator.Or(
	indicator.HasGoalWith(goal.HasPlanWith(scope.ClosedPlans)),
	indicator.HasObjectiveWith(objective.HasGoalWith(goal.HasPlanWith(scope.ClosedPlans))),
	indicator.HasActivityWith(scope.UnderClosedPlans),
)

// editorsValuesNotInClosedPlans refuses an editor's value of an indicator
// under a closed plan.
var editorsValuesNotInClosedPlans = privacy.IndicatorValueMutationRuleFunc(func(ctx context.Context, m *gen.IndicatorValueMutation) error {
	if !auth.FromContext(ctx).Is(auth.RoleEditor) {
		return privacy.Skip
	}
	c := m.ClientIn(ctx)
	if id, ok := m.ID(); ok && m.Op().Is(ent.OpUpdateOne|ent.OpDeleteOne) {
		if err := refuseIfClosed(ctx, c, c.IndicatorValue.Query().Where(indicatorvalue.ID(id), indicatorvalue.HasIndicatorWith(indicatorInClosedPlan))); err != nil {
			return err
		}
	}
	if to, ok := m.IndicatorID(); ok {
		return refuseIfClosed(ctx, c, c.Indicator.Query().Where(indicator.ID(to), indicatorInClosedPlan))
	}
	return privacy.Skip
})

// refuseIfClosed refuses when the query, which matches a record only under
// a closed plan, finds one. It first takes, shared, the turn a change of a
// plan's state or a move under another parent takes alone
// (planStatesTurnOn), so that what it reads stays until the change it
// judges commits: an editor's change a moment after an admin closed the
// plan is refused, and a plan closed while an editor's change is on its
// way closes after it.
func refuseIfClosed(ctx context.Context, c *gen.Client, q interface {
	Exist(context.Context) (bool, error)
}) error {
	if err := takeTurn(ctx, c, planStates, true); err != nil {
		return err
	}
	closed, err := q.Exist(auth.AsServer(ctx))
	if err != nil {
		return fmt.Errorf("read the plan's state: %w", err)
	}
	if closed {
		return errPlanClosed
	}
	return privacy.Skip
}

// planStates names the turn of the changes that decide whether a record is
// under a closed plan (planStatesTurnOn).
const planStates = "plan states"

// planStatesTurnOn has a change of one of the fields named, which may put
// what editors change under a closed plan, take alone the turn the
// editors' closed-plan rules take shared (refuseIfClosed): a plan's state,
// or the parent of a goal, heading, activity or indicator (a move). Such a
// change waits for the editors' changes whose plan's state was read before
// it, and the editors' changes wait for it, then read the state it left. A
// change that leaves the fields as they were takes no turn. An editor's
// move of an activity takes none either: the rules judge where it goes,
// and two editors holding the turn shared would each wait for the other
// to take it alone.
func planStatesTurnOn(fields ...string) ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if auth.FromContext(ctx).Is(auth.RoleEditor) || !changesAny(ctx, m, fields) {
				return next.Mutate(ctx, m)
			}
			am, ok := m.(auditable)
			if !ok {
				return nil, fmt.Errorf("%s mutation has no client", m.Type())
			}
			if err := takeTurn(ctx, am.ClientIn(ctx), planStates, false); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdateOne|ent.OpUpdate)
}

// changesAny tells whether the mutation sets one of the fields to a value
// other than the stored one (an update of many records: sets it at all).
func changesAny(ctx context.Context, m ent.Mutation, fields []string) bool {
	for _, name := range fields {
		v, set := m.Field(name)
		if !set {
			continue
		}
		if !m.Op().Is(ent.OpUpdateOne) {
			return true
		}
		if old, err := m.OldField(ctx, name); err != nil || !reflect.DeepEqual(old, v) {
			return true
		}
	}
	return false
}
