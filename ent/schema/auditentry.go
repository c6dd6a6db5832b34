package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/samverkan/samverkan/audit"
)

// AuditEntry holds the schema definition for the AuditEntry entity: one
// change to one record, written by AuditMixin in the change's transaction.
type AuditEntry struct {
	ent.Schema
}

// Mixin of the AuditEntry.
func (AuditEntry) Mixin() []ent.Mixin {
	return []ent.Mixin{PolicyMixin{}}
}

// Fields of the AuditEntry.
func (AuditEntry) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").
			Default(time.Now).
			Immutable().
			Comment("When the change was made.").
			Annotations(entgql.OrderField("AT")),
		field.Enum("action").
			Values("CREATE", "UPDATE", "DELETE", "RESTORE").
			Immutable().
			Comment("Whether the record was created, updated, deleted, or restored after a deletion (restoreDeleted).").
			Annotations(entgql.Type("AuditAction"), entgql.OrderField("ACTION")),
		field.String("object_type").
			Immutable().
			Comment("The GraphQL type of the changed record, e.g. \"Activity\".").
			Annotations(entgql.OrderField("OBJECT_TYPE")),
		field.Int("object_id").
			Immutable().
			Comment("The ID of the changed record (it may since have been deleted).").
			Annotations(entgql.Type("ID")),
		field.String("actor_name").
			Immutable().
			Comment("The username of who made the change, kept when the user is deleted; \"system\" or a command's name for changes made without a user.").
			Annotations(entgql.OrderField("ACTOR_NAME")),
		field.String("request_id").
			Optional().
			Nillable().
			Immutable().
			Comment("The id of the HTTP request that made the change (its X-Request-ID), to find it in the server's log."),
		field.JSON("changes", []audit.Change{}).
			Immutable().
			Comment("The fields that changed, with their old and new values; for links, the ids added and removed.").
			Annotations(entgql.Type("[FieldChange!]")),
		field.Int("part_of").
			Optional().
			Nillable().
			Immutable().
			Comment("The ID of the entry of the change this one went with: a record deleted with its plan points to the plan's deletion, a record restored with its plan to the plan's restore.").
			Annotations(entgql.Type("ID")),
		field.Int("undoes").
			Optional().
			Nillable().
			Immutable().
			Comment("The ID of the entry this change undid: the deletion a restore brought back, the update a revert took back (revertChange).").
			Annotations(entgql.Type("ID")),
		field.Int("actor_id").
			Optional().
			Nillable().
			Immutable().
			Comment("The ID of the user who made the change, if a user did and still exists."),
	}
}

// Edges of the AuditEntry.
func (AuditEntry) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("actor", User.Type).
			Ref("audit_entries").
			Field("actor_id").
			Unique().
			Immutable().
			Comment("The user who made the change, if a user did and still exists."),
	}
}

// Indexes of the AuditEntry.
func (AuditEntry) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("object_id", "at"),
		index.Fields("actor_id", "at"),
		index.Fields("at"),
		// Most entries are part of no other and undo none: those two
		// indexes hold only the others (every index costs each audited
		// change an insert; SQLite and PostgreSQL both use a partial
		// index for "part_of = ?").
		index.Fields("part_of").Annotations(entsql.IndexWhere("part_of IS NOT NULL")),
		index.Fields("undoes").Annotations(entsql.IndexWhere("undoes IS NOT NULL")),
	}
}

// Policy of the AuditEntry: admins read the trail, editors the history of
// what they may change; nobody writes it but AuditMixin, which acts for the
// server.
func (AuditEntry) Policy() ent.Policy {
	return serverWritesAdminsRead()
}

// Annotations of the AuditEntry.
func (AuditEntry) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One change to one record: who made it, when, and which fields it changed from what to what. Admins read the whole trail, an editor the history of the records it may change."),
		entgql.RelayConnection(),
		entgql.QueryField().Description("The audit trail, every change to the plan, its users and tokens; admins read it all, an editor the entries of the activities, follow-ups and indicator values it may change. Filter by objectID, objectType, actorName or hasActorWith, and at."),
		entgql.MultiOrder(),
	}
}
