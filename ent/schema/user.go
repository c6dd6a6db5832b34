package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/samverkan/samverkan/auth"
)

// User holds the schema definition for the User entity: someone who signs in
// to change the plan, with a role and, for an editor, a scope.
type User struct {
	ent.Schema
}

// Mixin of the User.
func (User) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("username").
			Validate(maxRunes(maxLine)).
			Unique().
			Validate(username).
			Comment("The name the user signs in with: lower-case letters, digits, '.', '-' and '_', e.g. \"anna.berg\".").
			Annotations(entgql.OrderField("USERNAME")),
		field.String("display_name").
			Validate(maxRunes(maxLine)).
			Validate(notBlank).
			Comment("The user's name as others see it, e.g. \"Anna Berg\".").
			Annotations(swedishText(), entgql.OrderField("DISPLAY_NAME")),
		field.Enum("role").
			GoType(auth.Role("")).
			Default(string(auth.RoleViewer)).
			Comment("What the user may do: ADMIN everything; EDITOR the activities of the municipalities and institutions in its scope, and their follow-ups; VIEWER read.").
			Annotations(entgql.Type("Role"), entgql.OrderField("ROLE")),
		field.Bool("disabled").
			Default(false).
			Comment("Whether the user is disabled: a disabled user cannot sign in and its tokens do not work, until an admin enables it again. The last admin cannot be disabled."),
		field.String("password_hash").
			Sensitive().
			Comment("The password's bcrypt hash; the password itself is never stored.").
			Annotations(entgql.Skip()),
	}
}

// Edges of the User.
func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("municipalities", Municipality.Type).
			Comment("An editor's scope: the municipalities whose activities it may edit; any number of editors may share one."),
		edge.To("institutions", Institution.Type).
			Comment("An editor's scope: the institutions whose activities it may edit; any number of editors may share one."),
		edge.To("tokens", Token.Type).
			Comment("The user's session and API tokens.").
			Annotations(
				entsql.OnDelete(entsql.Cascade),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipType),
			),
		edge.To("audit_entries", AuditEntry.Type).
			Comment("The changes the user made.").
			Annotations(entgql.Skip()),
	}
}

// Hooks of the User.
func (User) Hooks() []ent.Hook {
	return []ent.Hook{lowerCaseUsername, keepAnAdmin, skipUnchanged}
}

// Policy of the User: only admins change users; the privacy mixin lets them.
func (User) Policy() ent.Policy {
	return adminOnly()
}

// Annotations of the User.
func (User) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("Someone who signs in to change the plan. Only admins see and change users."),
		entgql.RelayConnection(),
		entgql.QueryField().Description("The users; only admins may list them."),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
