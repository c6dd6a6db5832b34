package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// GoalAssessment holds the schema definition for the GoalAssessment entity:
// the yearly verdict on a goal, a traffic light with a comment, which a
// person gives and which overrides the light the indicators suggest.
type GoalAssessment struct {
	ent.Schema
}

// Mixin of the GoalAssessment.
func (GoalAssessment) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the GoalAssessment.
func (GoalAssessment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year").
			Validate(year).
			Comment("The year assessed, within the plan's period; one assessment per goal and year.").
			Annotations(entgql.OrderField("YEAR")),
		field.Enum("light").
			NamedValues(
				"Green", "GREEN",
				"Yellow", "YELLOW",
				"Red", "RED",
			).
			Comment("The traffic light: green (on track), yellow (at risk) or red (off track)."),
		field.Text("text").
			Validate(maxRunes(maxText)).
			Optional().
			Comment("Why: the comment that goes with the light."),
		field.String("author").
			Optional().
			Comment("The username of who gave the assessment or last changed it, set by the server.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Int("goal_id").
			Immutable().
			Comment("The ID of the goal assessed."),
	}
}

// Edges of the GoalAssessment.
func (GoalAssessment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("goal", Goal.Type).
			Ref("assessments").
			Field("goal_id").
			Unique().
			Required().
			Immutable().
			Comment("The goal assessed."),
	}
}

// Indexes of the GoalAssessment.
func (GoalAssessment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("goal_id", "year").Unique(),
	}
}

// Hooks of the GoalAssessment.
func (GoalAssessment) Hooks() []ent.Hook {
	return []ent.Hook{assessmentWithinPlanPeriod, authorIsViewer, skipUnchanged}
}

// Policy of the GoalAssessment: admins assess goals.
func (GoalAssessment) Policy() ent.Policy {
	return adminsChange()
}

// Annotations of the GoalAssessment.
func (GoalAssessment) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("The yearly assessment (bedömning) of a goal: a traffic light with a comment, given by a person; it stands over the light the goal's indicators suggest, and apart from the activities' statuses."),
		entgql.RelayConnection(),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
