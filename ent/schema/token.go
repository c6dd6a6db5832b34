package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Token holds the schema definition for the Token entity: a session token
// from signing in, or a long-lived read-only API token an admin issued. Only
// a hash of its secret is stored.
type Token struct {
	ent.Schema
}

// Mixin of the Token.
func (Token) Mixin() []ent.Mixin {
	return []ent.Mixin{InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the Token.
func (Token) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").
			Values("SESSION", "API", "CALENDAR").
			Immutable().
			Comment("SESSION for a sign-in, which expires; API for a read-only token a reporting tool uses; CALENDAR for the secret of a user's calendar feed, which reads only that feed.").
			Annotations(entgql.Type("TokenKind"), entgql.OrderField("KIND")),
		field.String("name").
			Validate(maxRunes(maxLine)).
			Optional().
			Comment("What an API token is for, e.g. \"Kolada export\"; empty for sessions."),
		field.String("selector").
			Unique().
			Immutable().
			Comment("The public part of the token that finds its row.").
			Annotations(entgql.Skip()),
		field.Bytes("secret_hash").
			Sensitive().
			Immutable().
			Comment("SHA-256 of the token's secret part.").
			Annotations(entgql.Skip()),
		field.Time("created_at").
			Default(time.Now).
			Immutable().
			Comment("When the token was issued.").
			Annotations(entgql.OrderField("CREATED_AT")),
		field.Time("expires_at").
			Optional().
			Nillable().
			Comment("When the token stops working; API tokens may have none.").
			Annotations(entgql.OrderField("EXPIRES_AT")),
		field.Time("revoked_at").
			Optional().
			Nillable().
			Comment("When the token was revoked (signed out), if it was."),
		field.Int("user_id").
			Immutable().
			Comment("The ID of the user the token acts for."),
	}
}

// Edges of the Token.
func (Token) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).
			Ref("tokens").
			Field("user_id").
			Unique().
			Required().
			Immutable().
			Comment("The user the token acts for; an API token only reads, whatever the user's role."),
	}
}

// Indexes of the Token.
func (Token) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id")}
}

// Hooks of the Token.
func (Token) Hooks() []ent.Hook {
	return []ent.Hook{tokenRules, skipUnchanged}
}

// Policy of the Token: admins issue and revoke API tokens; sessions are
// issued and ended by signing in and out, which act for the server.
func (Token) Policy() ent.Policy {
	return adminOnly()
}

// Annotations of the Token.
func (Token) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A session or API token. Its secret is shown once, when issued, and stored only as a hash. Only admins see tokens."),
		entgql.RelayConnection(),
		entgql.QueryField().Description("The tokens, sessions and API tokens; only admins may list them."),
		entgql.MultiOrder(),
	}
}
