package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Municipality holds the schema definition for the Municipality entity: a
// Swedish kommun, identified by its official code from SCB.
type Municipality struct {
	ent.Schema
}

// Mixin of the Municipality.
func (Municipality) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the Municipality.
func (Municipality) Fields() []ent.Field {
	return []ent.Field{
		// A string, not a number: counties 01–09 give codes with a leading
		// zero (Stockholm is "0180").
		field.String("code").
			Validate(maxRunes(maxLine)).
			Unique().
			Validate(municipalityCode).
			Comment("The official four-digit municipality code (kommunkod) from SCB, e.g. \"1880\"; also Kolada's id.").
			Annotations(entgql.OrderField("CODE")),
		field.String("name").
			Validate(maxRunes(maxLine)).
			Validate(notBlank).
			Comment("The municipality's short name, e.g. \"Örebro\".").
			Annotations(swedishText(), entgql.OrderField("NAME")),
		// Stored, not derived, because the genitive is irregular
		// ("Laxå kommun" but "Lekebergs kommun").
		field.String("official_name").
			Validate(maxRunes(maxLine)).
			Optional().
			Comment("The official name, e.g. \"Lekebergs kommun\".").
			Annotations(swedishText()),
		field.String("county_code").
			Validate(maxRunes(maxLine)).
			Validate(countyCode).
			Comment("The county code (länskod): the first two digits of the code, kept in step with it by the server.").
			Annotations(
				entgql.OrderField("COUNTY_CODE"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
	}
}

// Edges of the Municipality.
func (Municipality) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("activities", Activity.Type).
			Ref("municipalities").
			Comment("The activities the municipality takes part in.").
			Annotations(
				entgql.RelayConnection(),
				entgql.OrderField("ACTIVITIES_COUNT"),
			),
		edge.To("institutions", Institution.Type).
			Comment("The institutions whose home is the municipality.").
			Annotations(
				// Children name their parent; the parent's inputs do not move them.
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entgql.RelayConnection(),
				entgql.OrderField("INSTITUTIONS_COUNT"),
			),
		edge.From("groups", MunicipalityGroup.Type).
			Ref("municipalities").
			Comment("The groups of municipalities the region names that hold the municipality.").
			Annotations(
				// Set on the group; the municipality's inputs do not move it.
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entgql.RelayConnection(),
			),
		edge.From("editors", User.Type).
			Ref("municipalities").
			Comment("The editors whose scope holds the municipality; any number of them.").
			// Users are for admins to see; an editor's scope is read and set on the user.
			Annotations(entgql.Skip()),
	}
}

// Hooks of the Municipality.
func (Municipality) Hooks() []ent.Hook {
	return []ent.Hook{countyCodeFromCode, skipUnchanged}
}

// Policy of the Municipality: admins change municipalities.
func (Municipality) Policy() ent.Policy {
	return adminsChange()
}

// Annotations of the Municipality.
func (Municipality) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A Swedish municipality (kommun), identified by its official four-digit code."),
		entgql.RelayConnection(),
		entgql.QueryField().Description("The municipalities (kommuner), e.g. the twelve of Örebro län."),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
