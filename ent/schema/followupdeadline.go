package schema

import (
	"context"
	"fmt"

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

// FollowUpDeadline holds the schema definition for the FollowUpDeadline
// entity: when the follow-ups of a plan's activities for one period (a
// year, a half-year or a tertial) are due.
type FollowUpDeadline struct {
	ent.Schema
}

// Mixin of the FollowUpDeadline.
func (FollowUpDeadline) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the FollowUpDeadline.
func (FollowUpDeadline) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year").
			Validate(year).
			Comment("The year reported on; within the plan's period.").
			Annotations(entgql.OrderField("YEAR")),
		// The values of FollowUp.period: a follow-up of an activity with
		// this period, dated in this year, is the one due.
		field.Enum("period").
			NamedValues(
				"Year", "YEAR",
				"FirstHalf", "FIRST_HALF",
				"SecondHalf", "SECOND_HALF",
				"FirstTertial", "FIRST_TERTIAL",
				"SecondTertial", "SECOND_TERTIAL",
				"ThirdTertial", "THIRD_TERTIAL",
			).
			Default("YEAR").
			Comment("The period reported on: the whole year, a half-year (halvår) or a tertial (four months)."),
		field.Time("due_date").
			Comment("When the follow-ups of the period are due.").
			Annotations(entgql.OrderField("DUE_DATE")),
		field.Int("plan_id").
			Comment("The ID of the plan whose activities are followed up."),
	}
}

// Edges of the FollowUpDeadline.
func (FollowUpDeadline) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("plan", Plan.Type).
			Ref("follow_up_deadlines").
			Field("plan_id").
			Unique().
			Required().
			Comment("The plan whose activities are followed up."),
	}
}

// Indexes of the FollowUpDeadline.
func (FollowUpDeadline) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("plan_id", "year", "period").Unique(),
	}
}

// Hooks of the FollowUpDeadline.
func (FollowUpDeadline) Hooks() []ent.Hook {
	return []ent.Hook{deadlineWithinPlanPeriod, skipUnchanged}
}

// Policy of the FollowUpDeadline: admins set the plan's calendar.
func (FollowUpDeadline) Policy() ent.Policy {
	return adminsChange()
}

// Annotations of the FollowUpDeadline.
func (FollowUpDeadline) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("When the follow-ups of a plan's activities for one period (a year, a half-year or a tertial) are due: one per plan, year and period."),
		entgql.RelayConnection(),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}

// deadlineWithinPlanPeriod refuses a deadline for a year outside its
// plan's period.
var deadlineWithinPlanPeriod = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.FollowUpDeadlineFunc(func(ctx context.Context, m *gen.FollowUpDeadlineMutation) (ent.Value, error) {
		y, yearSet := m.Year()
		planID, moved := m.PlanID()
		if !yearSet && !moved {
			return next.Mutate(ctx, m)
		}
		if !yearSet {
			old, err := m.OldYear(ctx)
			if err != nil {
				return nil, fmt.Errorf("read stored year: %w", err)
			}
			y = old
		}
		if !moved {
			old, err := m.OldPlanID(ctx)
			if err != nil {
				return nil, fmt.Errorf("read stored plan: %w", err)
			}
			planID = old
		}
		// An unknown plan never gets here: referencesExist runs first.
		p, err := m.ClientIn(ctx).Plan.Query().Where(plan.ID(planID)).Only(auth.AsServer(ctx))
		if err != nil {
			return nil, fmt.Errorf("read the deadline's plan: %w", err)
		}
		if y < p.FirstYear || y > p.LastYear {
			return nil, samverkan.Errorf(samverkan.CodeValidation, "year",
				"must be within the plan's period %d–%d (got %d)", p.FirstYear, p.LastYear, y)
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate|ent.OpUpdateOne)
