package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// IndicatorTarget holds the schema definition for the IndicatorTarget
// entity: the value an indicator is to reach in a year.
type IndicatorTarget struct {
	ent.Schema
}

// Mixin of the IndicatorTarget.
func (IndicatorTarget) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the IndicatorTarget.
func (IndicatorTarget) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year").
			Validate(year).
			Comment("The year the target is for, within the plan's period; one target per indicator and year.").
			Annotations(entgql.OrderField("YEAR")),
		field.Float("value").
			Comment("The value to reach in that year.").
			Annotations(entgql.OrderField("VALUE")),
		field.Int("indicator_id").
			Immutable().
			Comment("The ID of the indicator."),
	}
}

// Edges of the IndicatorTarget.
func (IndicatorTarget) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("indicator", Indicator.Type).
			Ref("targets").
			Field("indicator_id").
			Unique().
			Required().
			Immutable().
			Comment("The indicator the target is for."),
	}
}

// Indexes of the IndicatorTarget.
func (IndicatorTarget) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("indicator_id", "year").Unique(),
	}
}

// Hooks of the IndicatorTarget.
func (IndicatorTarget) Hooks() []ent.Hook {
	return []ent.Hook{targetWithinPlanPeriod, skipUnchanged}
}

// Policy of the IndicatorTarget: admins set targets.
func (IndicatorTarget) Policy() ent.Policy {
	return adminsChange()
}

// Annotations of the IndicatorTarget.
func (IndicatorTarget) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A target (målvärde) of an indicator: the value it is to reach in a year."),
		entgql.RelayConnection(),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
