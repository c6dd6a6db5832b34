package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"
)

// TimeMixin gives a type created and updated times that the server keeps, not
// the client: both are left out of the mutation inputs.
type TimeMixin struct {
	mixin.Schema
}

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Default(time.Now).
			Immutable().
			Comment("When the record was created.").
			Annotations(
				entgql.OrderField("CREATED_AT"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
		field.Time("updated_at").
			Default(time.Now).
			UpdateDefault(time.Now).
			Comment("When the record was last changed.").
			Annotations(
				entgql.OrderField("UPDATED_AT"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
	}
}

// InputMixin holds the hooks every mutation's input passes through, whatever
// its type: text normalised to NFC, and references checked to exist.
type InputMixin struct {
	mixin.Schema
}

// Hooks of the InputMixin. Mixin hooks run before the type's own hooks, so
// those see normalised text and existing references.
func (InputMixin) Hooks() []ent.Hook {
	return []ent.Hook{normalizeText, referencesExist}
}
