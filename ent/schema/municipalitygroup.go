package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// MunicipalityGroup holds the schema definition for the MunicipalityGroup
// entity: municipalities the region names together in its texts, e.g.
// "den norra delen". An admin defines a group; the seed defines none, as
// the region's page does not say which municipalities its groups hold.
type MunicipalityGroup struct {
	ent.Schema
}

// Mixin of the MunicipalityGroup.
func (MunicipalityGroup) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the MunicipalityGroup.
func (MunicipalityGroup) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Validate(maxRunes(maxLine)).
			Validate(notBlank).
			Unique().
			Comment("The group's name as the region writes it, e.g. \"den norra delen\".").
			Annotations(swedishText(), entgql.OrderField("NAME")),
		field.Text("description").
			Validate(maxRunes(maxText)).
			Optional().
			Comment("What the group is and where its definition comes from."),
	}
}

// Edges of the MunicipalityGroup.
func (MunicipalityGroup) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("municipalities", Municipality.Type).
			Comment("The municipalities the group holds.").
			Annotations(
				entgql.RelayConnection(),
				entgql.OrderField("MUNICIPALITIES_COUNT"),
			),
	}
}

// Hooks of the MunicipalityGroup.
func (MunicipalityGroup) Hooks() []ent.Hook {
	return []ent.Hook{skipUnchanged}
}

// Policy of the MunicipalityGroup: reference data, changed by admins.
func (MunicipalityGroup) Policy() ent.Policy {
	return adminsChange()
}

// Annotations of the MunicipalityGroup.
func (MunicipalityGroup) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("Municipalities the region names together in its texts (kommungrupp), e.g. \"den norra delen\"."),
		entgql.RelayConnection(),
		entgql.QueryField().Description("The groups of municipalities the region names in its texts, e.g. \"den norra delen\"; an admin defines them."),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
