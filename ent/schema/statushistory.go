package schema

import (
	"context"
	"fmt"

	"entgo.io/ent"

	"github.com/samverkan/samverkan/audit"
	"github.com/samverkan/samverkan/auth"
	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/hook"
	"github.com/samverkan/samverkan/ent/schema/enum"
	"github.com/samverkan/samverkan/storage/pipeline"
)

// recordStatusChange writes down every change of an activity's status, its
// creation included, in the same transaction as the change. What is left
// out of the audit trail (loading the seed, the plan's starting point) is
// no change either: a seeded activity has no history until someone changes
// it, rather than a creation dated the day the seed was loaded.
var recordStatusChange = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.ActivityFunc(func(ctx context.Context, m *gen.ActivityMutation) (ent.Value, error) {
		if audit.IsOff(ctx) {
			return next.Mutate(ctx, m)
		}
		var from *enum.Status
		if _, restored := m.ID(); restored && m.Op().Is(ent.OpCreate) {
			// A restored activity gets its history back from its
			// deletion's entry (package undo), not a new beginning.
			return next.Mutate(ctx, m)
		}
		if m.Op().Is(ent.OpUpdateOne) {
			to, set := m.Status()
			if !set {
				return next.Mutate(ctx, m)
			}
			old, err := m.OldStatus(ctx)
			if err != nil {
				return nil, fmt.Errorf("read stored status: %w", err)
			}
			if old == to {
				return next.Mutate(ctx, m)
			}
			from = &old
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return v, err
		}
		a, ok := v.(*gen.Activity)
		if !ok {
			return nil, fmt.Errorf("activity mutation returned %T", v)
		}
		if err := m.ClientIn(ctx).StatusChange.Create().
			SetActivityID(a.ID).
			SetNillableFromStatus(from).
			SetToStatus(a.Status).
			Exec(pipeline.Later(auth.AsServer(ctx))); err != nil { // its id is not needed
			return nil, fmt.Errorf("record the status change: %w", err)
		}
		return v, nil
	})
}, ent.OpCreate|ent.OpUpdateOne)
