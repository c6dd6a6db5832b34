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

// Institution holds the schema definition for the Institution entity: a
// cultural institution, venue, network or other actor (aktör) that takes part
// in activities.
type Institution struct {
	ent.Schema
}

// Mixin of the Institution.
func (Institution) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the Institution.
func (Institution) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Validate(maxRunes(maxLine)).
			Validate(notBlank).
			Comment("The institution's name, e.g. \"Örebro läns museum\".").
			Annotations(swedishText(), entgql.OrderField("NAME")),
		field.Enum("kind").
			NamedValues(
				"Museum", "MUSEUM",
				"Theatre", "THEATRE",
				"Music", "MUSIC",
				"Library", "LIBRARY",
				"SchoolOfArts", "SCHOOL_OF_ARTS",
				"Network", "NETWORK",
				"Archive", "ARCHIVE",
				"Venue", "VENUE",
				"Other", "OTHER",
			).
			Default("OTHER").
			Comment("What kind of actor it is: museum, theatre, music, library, school of arts (kulturskola), network, archive, venue or other.").
			Annotations(entgql.OrderField("KIND")),
		field.Text("description").
			Validate(maxRunes(maxText)).
			Optional().
			Comment("What the institution is and does."),
		field.String("website").
			Validate(maxRunes(maxAddress)).
			Optional().
			Validate(webAddress).
			Comment("The institution's website (an http or https address)."),
		field.String("legal_form").
			Validate(maxRunes(maxLine)).
			Optional().
			Comment("Its legal form or owners, as text, e.g. \"Stiftelse\"."),
		field.Int("municipality_id").
			Optional().
			Nillable().
			Comment("The ID of the home municipality; absent for region-wide actors."),
	}
}

// Edges of the Institution.
func (Institution) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("municipality", Municipality.Type).
			Ref("institutions").
			Field("municipality_id").
			Unique().
			Comment("The home municipality; absent for region-wide actors.").
			Annotations(
				entsql.OnDelete(entsql.SetNull),
				entgql.OrderField("MUNICIPALITY_NAME"),
			),
		edge.From("goals", Goal.Type).
			Ref("actors").
			Comment("The development goals that name the institution as an actor.").
			Annotations(
				// Named by the goal's input; the institution's does not move it.
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entgql.RelayConnection(),
			),
		edge.From("activities", Activity.Type).
			Ref("institutions").
			Comment("The activities the institution takes part in.").
			Annotations(
				entgql.RelayConnection(),
				entgql.OrderField("ACTIVITIES_COUNT"),
			),
		edge.From("editors", User.Type).
			Ref("institutions").
			Comment("The editors whose scope holds the institution; any number of them.").
			// Users are for admins to see; an editor's scope is read and set on the user.
			Annotations(entgql.Skip()),
	}
}

// Indexes of the Institution.
func (Institution) Indexes() []ent.Index {
	return []ent.Index{
		// SQLite does not index foreign keys by itself.
		index.Fields("municipality_id"),
		index.Fields("name"),
	}
}

// Hooks of the Institution.
func (Institution) Hooks() []ent.Hook {
	return []ent.Hook{skipUnchanged}
}

// Policy of the Institution: admins change institutions.
func (Institution) Policy() ent.Policy {
	return adminsChange()
}

// Annotations of the Institution.
func (Institution) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A cultural institution, venue, network or other actor (aktör) that takes part in activities."),
		entgql.RelayConnection(),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
