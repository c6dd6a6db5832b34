package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/ent/schema/enum"
)

// FollowUp holds the schema definition for the FollowUp entity: what was
// reported about an activity at a point in time.
type FollowUp struct {
	ent.Schema
}

// Mixin of the FollowUp.
func (FollowUp) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the FollowUp.
func (FollowUp) Fields() []ent.Field {
	return []ent.Field{
		field.Time("date").
			Comment("The date the follow-up refers to.").
			Annotations(entgql.OrderField("DATE")),
		field.Enum("period").
			NamedValues(
				"Year", "YEAR",
				"FirstHalf", "FIRST_HALF",
				"SecondHalf", "SECOND_HALF",
				"FirstTertial", "FIRST_TERTIAL",
				"SecondTertial", "SECOND_TERTIAL",
				"ThirdTertial", "THIRD_TERTIAL",
			).
			Optional().
			Nillable().
			Comment("The reporting period: the whole year, a half-year (halvår) or a tertial (four months)."),
		field.Text("text").
			Validate(maxRunes(maxText)).
			Validate(notBlank).
			Comment("What was done and how it went."),
		field.Enum("status").
			GoType(enum.Status("")).
			Optional().
			Nillable().
			Comment("The activity's status as this follow-up reports it.").
			Annotations(entgql.Type("ActivityStatus")),
		field.Enum("assessment").
			NamedValues(
				"Green", "GREEN",
				"Yellow", "YELLOW",
				"Red", "RED",
			).
			Optional().
			Nillable().
			Comment("A traffic light: green (on track), yellow (at risk) or red (off track)."),
		field.String("author").
			Validate(maxRunes(maxLine)).
			Optional().
			Comment("The username of who wrote the follow-up or last changed it, set by the server.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Int("activity_id").
			Comment("The ID of the activity followed up."),
	}
}

// Edges of the FollowUp.
func (FollowUp) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("activity", Activity.Type).
			Ref("follow_ups").
			Field("activity_id").
			Unique().
			Required().
			Comment("The activity followed up."),
		edge.To("figures", IndicatorValue.Type).
			Comment("The figures the follow-up reports (e.g. children reached), each a value of an indicator; they go with the follow-up.").
			Annotations(
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entsql.OnDelete(entsql.Cascade),
				entgql.RelayConnection(),
			),
	}
}

// Indexes of the FollowUp.
func (FollowUp) Indexes() []ent.Index {
	return []ent.Index{
		// An activity's follow-ups, by date; SQLite does not index foreign keys by itself.
		index.Fields("activity_id", "date"),
		index.Fields("date"),
	}
}

// Hooks of the FollowUp.
func (FollowUp) Hooks() []ent.Hook {
	return []ent.Hook{followUpWithinPlanPeriod, authorIsViewer, skipUnchanged}
}

// Policy of the FollowUp: admins change follow-ups; editors those of the activities in their scope, not under a closed plan.
func (FollowUp) Policy() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{allowAdmins, editorsFollowUpNotInClosedPlans, editorsFollowUp, denyOthers}}
}

// Annotations of the FollowUp.
func (FollowUp) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A follow-up (uppföljning) of an activity: a dated report with the status it found and an assessment."),
		entgql.RelayConnection(),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
