package schema

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"github.com/samverkan/samverkan"
	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/hook"
)

// VersionMixin gives a type a version that every update raises by one, so
// that two people editing the same record cannot overwrite each other
// unawares: an update that names the version it was based on fails with
// CONFLICT when someone else's update came first.
type VersionMixin struct {
	mixin.Schema
}

// Fields of the VersionMixin.
func (VersionMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Int("version").
			Default(1).
			Comment("The record's version: 1 when created, one more with every change. " +
				"In an update, give the version the change is based on: if the record has changed since, " +
				"the update fails with CONFLICT and changes nothing. Left out, the update applies whatever the version.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput)),
	}
}

// Hooks of the VersionMixin.
func (VersionMixin) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(checkVersion, ent.OpUpdateOne)}
}

// versioned is what every generated mutation of a versioned type has.
type versioned interface {
	ent.Mutation
	WhereP(...func(*sql.Selector))
}

// checkVersion turns a version given in an update into a condition of the
// update, and raises the version. The comparison is made twice: first
// against the stored record, for a clear message; then in the UPDATE
// statement itself (WHERE version = …), so that of two updates racing on a
// database that lets both read first, only one can write.
func checkVersion(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		v, ok := m.(versioned)
		if !ok {
			return nil, fmt.Errorf("%s has no version", m.Type())
		}
		given, based := m.Field("version")
		if based {
			m.ResetField("version")
		}
		if err := m.AddField("version", 1); err != nil {
			return nil, fmt.Errorf("raise the version: %w", err)
		}
		if !based {
			return next.Mutate(ctx, m)
		}
		expected, _ := given.(int)
		stored, err := m.OldField(ctx, "version")
		if err != nil {
			return nil, err // not found, most likely: the presenter says so
		}
		if stored.(int) != expected {
			return nil, conflict(m.Type(), expected, stored.(int))
		}
		v.WhereP(sql.FieldEQ("version", expected))
		value, err := next.Mutate(ctx, m)
		if gen.IsNotFound(err) {
			// It existed a moment ago: someone else's update came between.
			return nil, conflict(m.Type(), expected, expected+1)
		}
		return value, err
	})
}

func conflict(typ string, based, now int) error {
	return samverkan.Errorf(samverkan.CodeConflict, "version",
		"someone else changed this %s after version %d (it is now at version %d): load it again and redo the change",
		samverkan.RecordName(typ), based, now)
}
