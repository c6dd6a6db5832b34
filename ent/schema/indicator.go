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

// Indicator holds the schema definition for the Indicator entity: a measure
// (mått) of what a goal, a heading or an activity achieves, with a baseline,
// targets per year and measured values.
type Indicator struct {
	ent.Schema
}

// Mixin of the Indicator.
func (Indicator) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the Indicator.
func (Indicator) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Validate(maxRunes(maxLine)).
			Validate(notBlank).
			Comment("What is measured, e.g. \"Barn som nåtts av kulturskolan\".").
			Annotations(swedishText(), entgql.OrderField("NAME")),
		field.Text("description").
			Validate(maxRunes(maxText)).
			Optional().
			Comment("How the indicator is measured and why."),
		field.String("unit").
			Validate(maxRunes(maxLine)).
			Optional().
			Comment("The unit of its values, e.g. \"antal\", \"procent\" or \"kr per invånare\"."),
		field.Enum("direction").
			NamedValues(
				"HigherIsBetter", "HIGHER_IS_BETTER",
				"LowerIsBetter", "LOWER_IS_BETTER",
			).
			Default("HIGHER_IS_BETTER").
			Comment("Which way is better: higher values or lower ones."),
		// Immutable: the values entered already have a municipality or none
		// according to the scope.
		field.Enum("scope").
			NamedValues(
				"Municipality", "MUNICIPALITY",
				"County", "COUNTY",
			).
			Immutable().
			Comment("Whether values are entered per municipality or once for the whole county; fixed when the indicator is created."),
		field.Enum("aggregation").
			NamedValues(
				"Sum", "SUM",
				"Mean", "MEAN",
			).
			Default("SUM").
			Comment("How a per-municipality indicator's outcome for the county is computed from the municipalities' values: their sum (counts, such as children reached) or their mean (shares and figures per inhabitant). A county indicator's outcome is its value."),
		field.Float("baseline_value").
			Optional().
			Nillable().
			Comment("The value at the start (utgångsvärde), measured in baselineYear."),
		field.Int("baseline_year").
			Optional().
			Nillable().
			Validate(year).
			Comment("The year the baseline value was measured; given together with baselineValue.").
			Annotations(entgql.OrderField("BASELINE_YEAR")),
		field.String("kolada_kpi").
			Optional().
			Nillable().
			Validate(koladaKPI).
			Comment("The id of a Kolada key figure (nyckeltal) the indicator corresponds to, e.g. \"N09890\"; fetchKolada fetches its values per municipality."),
		field.Time("kolada_fetched_at").
			Optional().
			Nillable().
			Comment("When the values were last fetched or imported from Kolada; absent when never.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Int("goal_id").
			Optional().
			Nillable().
			Comment("The ID of the goal the indicator measures; exactly one of goalID, objectiveID and activityID is set."),
		field.Int("objective_id").
			Optional().
			Nillable().
			Comment("The ID of the heading the indicator measures; exactly one of goalID, objectiveID and activityID is set."),
		field.Int("activity_id").
			Optional().
			Nillable().
			Comment("The ID of the activity the indicator measures; exactly one of goalID, objectiveID and activityID is set."),
	}
}

// Edges of the Indicator.
func (Indicator) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("goal", Goal.Type).
			Ref("indicators").
			Field("goal_id").
			Unique().
			Comment("The goal the indicator measures, if it measures a goal."),
		edge.From("objective", Objective.Type).
			Ref("indicators").
			Field("objective_id").
			Unique().
			Comment("The heading the indicator measures, if it measures a heading."),
		edge.From("activity", Activity.Type).
			Ref("indicators").
			Field("activity_id").
			Unique().
			Comment("The activity the indicator measures, if it measures an activity."),
		edge.To("targets", IndicatorTarget.Type).
			Comment("The indicator's targets, one per year at most.").
			Annotations(
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entsql.OnDelete(entsql.Cascade),
				entgql.RelayConnection(),
			),
		edge.To("values", IndicatorValue.Type).
			Comment("The values measured.").
			Annotations(
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entsql.OnDelete(entsql.Cascade),
				entgql.RelayConnection(),
			),
	}
}

// Indexes of the Indicator.
func (Indicator) Indexes() []ent.Index {
	return []ent.Index{
		// SQLite does not index foreign keys by itself.
		index.Fields("goal_id"),
		index.Fields("objective_id"),
		index.Fields("activity_id"),
	}
}

// Hooks of the Indicator.
func (Indicator) Hooks() []ent.Hook {
	return []ent.Hook{planStatesTurnOn("goal_id", "objective_id", "activity_id"), indicatorHasOneOwner, indicatorBaseline, skipUnchanged}
}

// Policy of the Indicator: admins define indicators.
func (Indicator) Policy() ent.Policy {
	return adminsChange()
}

// Annotations of the Indicator.
func (Indicator) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("An indicator (mått) of a goal, a heading or an activity: what is measured, its baseline, its targets per year and the values measured."),
		entgql.RelayConnection(),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
