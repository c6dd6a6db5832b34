package schema

import (
	"context"
	"fmt"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/auth"
	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/hook"
	"github.com/samverkan/samverkan/ent/plan"
)

// PlanRevision holds the schema definition for the PlanRevision entity: a
// decision, during a plan's period, that revised the plan (revidering).
type PlanRevision struct {
	ent.Schema
}

// Mixin of the PlanRevision.
func (PlanRevision) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the PlanRevision.
func (PlanRevision) Fields() []ent.Field {
	return []ent.Field{
		field.Time("decided_on").
			Comment("When the revision was decided: within the plan's period, or the year before or after it.").
			Annotations(entgql.OrderField("DECIDED_ON")),
		field.Text("note").
			Validate(maxRunes(maxText)).
			Validate(notBlank).
			Comment("What the revision changed, and why."),
		field.String("decided_by").
			Validate(maxRunes(maxLine)).
			Optional().
			Comment("The body that decided it, e.g. \"Regionala utvecklingsnämnden\"."),
		field.String("case_number").
			Validate(maxRunes(maxLine)).
			Optional().
			Comment("The decision's registration number (diarienummer), e.g. \"21RS1234\"."),
		field.Int("plan_id").
			Immutable().
			Comment("The ID of the plan revised."),
	}
}

// Edges of the PlanRevision.
func (PlanRevision) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("plan", Plan.Type).
			Ref("revisions").
			Field("plan_id").
			Unique().
			Required().
			Immutable().
			Comment("The plan revised."),
	}
}

// Indexes of the PlanRevision.
func (PlanRevision) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("plan_id", "decided_on"),
	}
}

// Hooks of the PlanRevision.
func (PlanRevision) Hooks() []ent.Hook {
	return []ent.Hook{revisionAroundPlanPeriod, skipUnchanged}
}

// Policy of the PlanRevision: admins record the plan's revisions.
func (PlanRevision) Policy() ent.Policy {
	return adminsChange()
}

// Annotations of the PlanRevision.
func (PlanRevision) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A decision that revised a plan during its period (revidering): when, by whom, its registration number and a note of what changed. Plan.asOf shows the plan as it stood at the date."),
		entgql.RelayConnection(),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}

// revisionAroundPlanPeriod refuses a revision decided more than a year
// before the plan's period begins or after it ends: a plan is revised while
// it runs, though the decision may fall in the year before (the plan
// revised before it starts) or after (its last year's figures corrected).
var revisionAroundPlanPeriod = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.PlanRevisionFunc(func(ctx context.Context, m *gen.PlanRevisionMutation) (ent.Value, error) {
		on, set := m.DecidedOn()
		if !set {
			return next.Mutate(ctx, m)
		}
		planID, ok := m.PlanID()
		if !ok {
			old, err := m.OldPlanID(ctx)
			if err != nil {
				return nil, fmt.Errorf("read stored plan: %w", err)
			}
			planID = old
		}
		// An unknown plan never gets here: referencesExist runs first.
		p, err := m.ClientIn(ctx).Plan.Query().Where(plan.ID(planID)).Only(auth.AsServer(ctx))
		if err != nil {
			return nil, fmt.Errorf("read the revision's plan: %w", err)
		}
		from := time.Date(p.FirstYear-1, time.January, 1, 0, 0, 0, 0, time.UTC)
		to := time.Date(p.LastYear+2, time.January, 1, 0, 0, 0, 0, time.UTC)
		if on.Before(from) || !on.Before(to) {
			return nil, samverkan.Errorf(samverkan.CodeValidation, "decidedOn",
				"must be within the plan's period %d–%d or the year before or after it (got %s)", p.FirstYear, p.LastYear, day(on))
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate|ent.OpUpdateOne)
