package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Plan holds the schema definition for the Plan entity: one region's action
// plan for a period, such as "Handlingsplan för kultursamverkan region och
// kommuner" of Region Örebro län, 2020–2023.
type Plan struct {
	ent.Schema
}

// Mixin of the Plan.
func (Plan) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the Plan.
func (Plan) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Validate(maxRunes(maxLine)).
			Validate(notBlank).
			Comment("The plan's name, e.g. \"Handlingsplan för kultursamverkan region och kommuner\".").
			Annotations(swedishText(), entgql.OrderField("NAME")),
		field.String("region").
			Validate(maxRunes(maxLine)).
			Validate(notBlank).
			Comment("The region that owns the plan, e.g. \"Region Örebro län\".").
			Annotations(swedishText(), entgql.OrderField("REGION")),
		field.String("county_code").
			Validate(maxRunes(maxLine)).
			Optional().
			Validate(countyCode).
			Comment("The county's two-digit code (länskod), e.g. \"18\" for Örebro län.").
			Annotations(entgql.OrderField("COUNTY_CODE")),
		field.Int("first_year").
			Validate(year).
			Comment("The first year the plan covers.").
			Annotations(entgql.OrderField("FIRST_YEAR")),
		field.Int("last_year").
			Validate(year).
			Comment("The last year the plan covers; never before firstYear.").
			Annotations(entgql.OrderField("LAST_YEAR")),
		field.Text("description").
			Validate(maxRunes(maxText)).
			Optional().
			Comment("What the plan is and how it came about."),
		// The Örebro plan lists its goals as the ends of one sentence:
		// "Region Örebro län vill 2020–2023 genom samverkan med länets
		// kommuner" … "1. stärka förutsättningarna …".
		field.String("goals_intro").
			Validate(maxRunes(maxLine)).
			Optional().
			Comment("The opening the goals' statements complete, when the plan words its goals as the ends of one sentence, e.g. \"Region Örebro län vill 2020–2023 genom samverkan med länets kommuner\"."),
		field.String("parent_plan").
			Validate(maxRunes(maxLine)).
			Optional().
			Comment("The plan this one makes concrete, e.g. \"Örebro läns kulturplan\"."),
		field.String("source_url").
			Validate(maxRunes(maxAddress)).
			Optional().
			Validate(webAddress).
			Comment("Where the plan is published (an http or https address)."),
		field.Time("source_date").
			Optional().
			Nillable().
			Comment("When the published source was last updated."),
		// ADOPTED by default, so that a plan made before plans had a
		// state (the Örebro plan among them) stays as editable as it was;
		// startNextPeriod makes its new plan a DRAFT.
		field.Enum("state").
			NamedValues(
				"Draft", "DRAFT",
				"Adopted", "ADOPTED",
				"Closed", "CLOSED",
			).
			Default("ADOPTED").
			Comment("Where the plan stands: DRAFT (utkast) while it is prepared, ADOPTED (antagen) while it runs, CLOSED (avslutad) when its period is over. A closed plan, and everything under it, is changed by admins only.").
			Annotations(entgql.OrderField("STATE")),
		// Open data (see the package opendata): whether the plan is
		// published under /open/v1/, under which licence, and whom to ask.
		field.Bool("open_data").
			Default(false).
			Comment("Whether the plan is published as open data: its exports under /open/v1/plans/<id> and its entry in the DCAT-AP-SE catalogue /open/v1/catalog.rdf. Set by an admin; a DRAFT plan is never published, whatever this says."),
		field.String("data_license").
			Default(CC0).
			Validate(maxRunes(maxAddress)).
			Validate(licenseAddress).
			Comment("The licence of the plan's open data, as the licence's web address; CC0 (https://creativecommons.org/publicdomain/zero/1.0/) unless an admin chooses another, e.g. CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)."),
		field.String("data_contact").
			Optional().
			Validate(maxRunes(maxLine)).
			Validate(emailAddress).
			Comment("The e-mail address to write to about the plan's open data (the catalogue's contact point); absent, the catalogue names the region only."),
	}
}

// Edges of the Plan.
func (Plan) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("goals", Goal.Type).
			Comment("The plan's development goals (utvecklingsmål), by number.").
			Annotations(
				// Children name their parent; the parent's inputs do not move them.
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entsql.OnDelete(entsql.Cascade),
				entgql.RelayConnection(),
				entgql.OrderField("GOALS_COUNT"),
			),
		edge.To("follow_up_deadlines", FollowUpDeadline.Type).
			Comment("When the follow-ups of the plan's activities are due, per year and period.").
			Annotations(
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entsql.OnDelete(entsql.Cascade),
				entgql.RelayConnection(),
			),
		edge.To("revisions", PlanRevision.Type).
			Comment("The decisions that revised the plan during its period, by date.").
			Annotations(
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entsql.OnDelete(entsql.Cascade),
				entgql.RelayConnection(),
			),
	}
}

// Hooks of the Plan.
func (Plan) Hooks() []ent.Hook {
	return []ent.Hook{planStatesTurnOn("state"), yearRangeHook("first_year", "last_year"), skipUnchanged}
}

// Policy of the Plan: admins change plans.
func (Plan) Policy() ent.Policy {
	return adminsChange()
}

// Annotations of the Plan.
func (Plan) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A region's action plan for culture over a period of years: its goals, their headings and the activities under them."),
		entgql.RelayConnection(),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
