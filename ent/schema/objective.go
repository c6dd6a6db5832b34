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

// Objective holds the schema definition for the Objective entity: a heading
// (insatsområde) under a goal, such as "Ökad samverkan mellan kultur och skola".
type Objective struct {
	ent.Schema
}

// Mixin of the Objective.
func (Objective) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the Objective.
func (Objective) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").
			Validate(maxRunes(maxLine)).
			Validate(notBlank).
			Comment("The heading, unique within its goal, e.g. \"Utveckling av transporter till kultur\".").
			Annotations(swedishText(), entgql.OrderField("TITLE")),
		field.Text("description").
			Validate(maxRunes(maxText)).
			Optional().
			Comment("Further description of the heading."),
		field.Int("position").
			Default(0).
			Validate(nonNegative).
			Comment("Where the heading stands among its goal's headings, from 0.").
			Annotations(entgql.OrderField("POSITION")),
		field.Int("goal_id").
			Comment("The ID of the goal the heading belongs to."),
	}
}

// Edges of the Objective.
func (Objective) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("goal", Goal.Type).
			Ref("objectives").
			Field("goal_id").
			Unique().
			Required().
			Comment("The goal the heading belongs to.").
			Annotations(entgql.OrderField("GOAL_NUMBER")),
		edge.To("activities", Activity.Type).
			Comment("The activities under the heading.").
			Annotations(
				// Children name their parent; the parent's inputs do not move them.
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entsql.OnDelete(entsql.Cascade),
				entgql.RelayConnection(),
				entgql.OrderField("ACTIVITIES_COUNT"),
			),
		edge.To("indicators", Indicator.Type).
			Comment("The indicators (mått) that measure the heading.").
			Annotations(
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entsql.OnDelete(entsql.Cascade),
				entgql.RelayConnection(),
			),
	}
}

// Indexes of the Objective.
func (Objective) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("goal_id", "title").Unique(),
	}
}

// Hooks of the Objective.
func (Objective) Hooks() []ent.Hook {
	return []ent.Hook{planStatesTurnOn("goal_id"), skipUnchanged}
}

// Policy of the Objective: admins change headings.
func (Objective) Policy() ent.Policy {
	return adminsChange()
}

// Annotations of the Objective.
func (Objective) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A heading (insatsområde) under a goal that groups its activities."),
		entgql.RelayConnection(),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
