package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Perspective holds the schema definition for the Perspective entity: one
// of the regional kulturplan's perspectives (Hela länet, Jämställdhet,
// Socioekonomi, Barn, Etnisk och språklig bakgrund, Funktionsnedsättning),
// which activities are tagged with. A type of its own rather than an enum
// list on the activity, so that activities are filtered by it the entgql way
// (hasPerspectivesWith), the reports group by it in SQL, and the next plan
// may name others without a new server.
type Perspective struct {
	ent.Schema
}

// Mixin of the Perspective.
func (Perspective) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the Perspective.
func (Perspective) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Validate(maxRunes(maxLine)).
			Validate(notBlank).
			Unique().
			Comment("The perspective's name as the kulturplan writes it, e.g. \"Jämställdhet\".").
			Annotations(swedishText(), entgql.OrderField("NAME")),
		field.Text("description").
			Validate(maxRunes(maxText)).
			Optional().
			Comment("What the perspective asks of an activity."),
		field.Int("position").
			Default(0).
			Validate(nonNegative).
			Comment("Where the perspective stands among the perspectives, from 0 (the kulturplan's order).").
			Annotations(entgql.OrderField("POSITION")),
	}
}

// Edges of the Perspective.
func (Perspective) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("activities", Activity.Type).
			Ref("perspectives").
			Comment("The activities tagged with the perspective.").
			Annotations(
				// Tagged from the activity; the perspective's inputs do not move them.
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entgql.RelayConnection(),
			),
	}
}

// Hooks of the Perspective.
func (Perspective) Hooks() []ent.Hook {
	return []ent.Hook{skipUnchanged}
}

// Policy of the Perspective: reference data, changed by admins.
func (Perspective) Policy() ent.Policy {
	return adminsChange()
}

// Annotations of the Perspective.
func (Perspective) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A perspective of the regional kulturplan (perspektiv), e.g. Jämställdhet or Barn, that activities are tagged with."),
		entgql.RelayConnection(),
		entgql.QueryField().Description("The kulturplan's perspectives (perspektiv) activities are tagged with, e.g. the six of Örebro läns kulturplan."),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
