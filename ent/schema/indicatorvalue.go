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
)

// IndicatorValue holds the schema definition for the IndicatorValue
// entity: a value of an indicator measured for a year or a part of it, for
// a municipality or the whole county.
type IndicatorValue struct {
	ent.Schema
}

// Mixin of the IndicatorValue.
func (IndicatorValue) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the IndicatorValue. What a value is of (indicator, year,
// period, municipality) is fixed when it is entered: a value entered for
// the wrong one is deleted and entered again, so that an editor's scope is
// checked once, on what the value is of.
func (IndicatorValue) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year").
			Validate(year).
			Immutable().
			Comment("The year measured, within the plan's period.").
			Annotations(entgql.OrderField("YEAR")),
		field.Enum("period").
			NamedValues(
				"T1", "T1",
				"T2", "T2",
				"T3", "T3",
				"H1", "H1",
				"H2", "H2",
			).
			Optional().
			Nillable().
			Immutable().
			Comment("The part of the year measured: a tertial (T1–T3) or a half-year (H1, H2); absent for the whole year, which is what progress counts."),
		field.Float("value").
			Comment("The value measured.").
			Annotations(entgql.OrderField("VALUE")),
		field.Enum("source").
			NamedValues(
				"Own", "OWN",
				"Kolada", "KOLADA",
				"FollowUp", "FOLLOW_UP",
			).
			Default("OWN").
			Comment("Where the value comes from: the plan's own follow-up (egen uppföljning), Kolada (shown as \"Källa: Kolada\"), or a figure of a follow-up of an activity (FOLLOW_UP, set by the server when followUpID is given)."),
		field.String("entered_by").
			Optional().
			Comment("The username of who entered the value or last changed it, set by the server.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		// One value per indicator, year, period and municipality. A unique
		// index over the four columns would not do: databases treat NULLs
		// (the whole year, the whole county) as distinct. The server
		// writes the four into this column, which the index covers.
		field.String("slot").
			Immutable().
			Comment("The year, period and municipality in one, kept unique per indicator by the database.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("indicator_id").
			Immutable().
			Comment("The ID of the indicator measured."),
		field.Int("municipality_id").
			Optional().
			Nillable().
			Immutable().
			Comment("The ID of the municipality measured: required when the indicator is per municipality, absent when it is for the whole county."),
		field.Int("follow_up_id").
			Optional().
			Nillable().
			Immutable().
			Comment("The ID of the follow-up that reports the value as one of its figures, if one does: the value is then of the follow-up's year and, per municipality, of a municipality taking part in its activity."),
	}
}

// Edges of the IndicatorValue.
func (IndicatorValue) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("indicator", Indicator.Type).
			Ref("values").
			Field("indicator_id").
			Unique().
			Required().
			Immutable().
			Comment("The indicator measured."),
		edge.From("follow_up", FollowUp.Type).
			Ref("figures").
			Field("follow_up_id").
			Unique().
			Immutable().
			Comment("The follow-up that reports the value, if a follow-up does."),
		edge.To("municipality", Municipality.Type).
			Field("municipality_id").
			Unique().
			Immutable().
			Comment("The municipality measured, for an indicator per municipality.").
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of the IndicatorValue.
func (IndicatorValue) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("indicator_id", "slot").Unique(),
		index.Fields("indicator_id", "year"),
		index.Fields("municipality_id"),
		index.Fields("follow_up_id"),
	}
}

// Hooks of the IndicatorValue.
func (IndicatorValue) Hooks() []ent.Hook {
	return []ent.Hook{indicatorValueSlot, followUpFigure, enteredByViewer, skipUnchanged}
}

// Policy of the IndicatorValue: admins enter any value; editors those of
// the municipalities of their scope, not under a closed plan.
func (IndicatorValue) Policy() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{allowAdmins, editorsValuesNotInClosedPlans, editorsEnterValues, denyOthers}}
}

// Annotations of the IndicatorValue.
func (IndicatorValue) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A measured value (utfall) of an indicator: for a year or a part of it, for a municipality or the whole county, with its source and who entered it."),
		entgql.RelayConnection(),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
