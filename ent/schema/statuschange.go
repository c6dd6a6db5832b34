package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/samverkan/samverkan/ent/schema/enum"
)

// StatusChange holds the schema definition for the StatusChange entity: a
// record, kept by the server, that an activity's status changed, so that a
// report can tell what happened in a given year.
type StatusChange struct {
	ent.Schema
}

// Mixin of the StatusChange.
func (StatusChange) Mixin() []ent.Mixin {
	return []ent.Mixin{PolicyMixin{}}
}

// Fields of the StatusChange.
func (StatusChange) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("from_status").
			GoType(enum.Status("")).
			Optional().
			Nillable().
			Immutable().
			Comment("The status before the change; absent when the activity was created.").
			Annotations(entgql.Type("ActivityStatus")),
		field.Enum("to_status").
			GoType(enum.Status("")).
			Immutable().
			Comment("The status after the change.").
			Annotations(entgql.Type("ActivityStatus"), entgql.OrderField("TO_STATUS")),
		field.Time("at").
			Default(time.Now).
			Immutable().
			Comment("When the status changed.").
			Annotations(entgql.OrderField("AT")),
		field.Int("activity_id").
			Immutable().
			Comment("The ID of the activity whose status changed."),
	}
}

// Edges of the StatusChange.
func (StatusChange) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("activity", Activity.Type).
			Ref("status_changes").
			Field("activity_id").
			Unique().
			Required().
			Immutable().
			Comment("The activity whose status changed."),
	}
}

// Indexes of the StatusChange.
func (StatusChange) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("activity_id", "at"),
		index.Fields("at"),
	}
}

// Policy of the StatusChange: only the server writes status changes.
func (StatusChange) Policy() ent.Policy {
	return serverWrites()
}

// Annotations of the StatusChange.
func (StatusChange) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A change of an activity's status, recorded by the server: the history reports count by year."),
		entgql.RelayConnection(),
		entgql.QueryField(),
		entgql.MultiOrder(),
	}
}
