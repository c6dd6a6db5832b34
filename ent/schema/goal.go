package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Goal holds the schema definition for the Goal entity: a development goal
// (utvecklingsmål) of a plan.
type Goal struct {
	ent.Schema
}

// Mixin of the Goal.
func (Goal) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the Goal.
func (Goal) Fields() []ent.Field {
	return []ent.Field{
		field.Int("number").
			Validate(positive).
			Comment("The goal's number, unique within its plan (Utvecklingsmål 1, 2, 3).").
			Annotations(entgql.OrderField("NUMBER")),
		// Optional because a source may give a goal no heading of its own:
		// the Örebro plan's goal 2 has only its area, "kultur och hälsa".
		field.String("title").
			Validate(maxRunes(maxLine)).
			Optional().
			Nillable().
			Validate(notBlank).
			Comment("The goal's heading, e.g. \"Barn och unga\"; absent when the plan gives it none.").
			Annotations(swedishText(), entgql.OrderField("TITLE")),
		field.String("area").
			Validate(maxRunes(maxLine)).
			Optional().
			Comment("The development area the goal belongs to, e.g. \"kultur och hälsa\".").
			Annotations(swedishText()),
		field.Text("statement").
			Validate(maxRunes(maxText)).
			Optional().
			Comment("What the region wants to achieve, as the plan words it."),
		field.Text("description").
			Validate(maxRunes(maxText)).
			Optional().
			Comment("Further description of the goal."),
		field.Strings("focus_areas").
			Validate(lineList).
			Optional().
			Comment("Focus areas (fokusområden), e.g. \"psykisk ohälsa\", \"äldreomsorg\"."),
		field.Strings("target_groups").
			Validate(lineList).
			Optional().
			Comment("Target groups (målgrupper) the goal names, e.g. \"unga\", \"äldre\"."),
		field.Int("plan_id").
			Comment("The ID of the plan the goal belongs to."),
	}
}

// Edges of the Goal.
func (Goal) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("plan", Plan.Type).
			Ref("goals").
			Field("plan_id").
			Unique().
			Required().
			Comment("The plan the goal belongs to.").
			Annotations(entgql.OrderField("PLAN_NAME")),
		edge.To("actors", Institution.Type).
			Comment("The actors (institutions, networks) the goal names, e.g. Nätverket för regional kulturutveckling under goal 3 of the Örebro plan.").
			Annotations(entgql.RelayConnection()),
		edge.To("objectives", Objective.Type).
			Comment("The headings (insatsområden) under the goal.").
			Annotations(
				// Children name their parent; the parent's inputs do not move them.
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entsql.OnDelete(entsql.Cascade),
				entgql.RelayConnection(),
				entgql.OrderField("OBJECTIVES_COUNT"),
			),
		edge.To("indicators", Indicator.Type).
			Comment("The indicators (mått) that measure the goal.").
			Annotations(
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entsql.OnDelete(entsql.Cascade),
				entgql.RelayConnection(),
			),
		edge.To("assessments", GoalAssessment.Type).
			Comment("The yearly assessments of the goal, one per year at most.").
			Annotations(
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entsql.OnDelete(entsql.Cascade),
				entgql.RelayConnection(),
			),
	}
}

// Indexes of the Goal.
func (Goal) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("plan_id", "number").Unique(),
	}
}

// Hooks of the Goal.
func (Goal) Hooks() []ent.Hook {
	return []ent.Hook{planStatesTurnOn("plan_id"), skipUnchanged}
}

// Policy of the Goal: admins change goals.
func (Goal) Policy() ent.Policy {
	return adminsChange()
}

// Annotations of the Goal.
func (Goal) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A development goal (utvecklingsmål) of a plan, with its focus areas and target groups."),
		entgql.RelayConnection(),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
