// Package audit holds what the audit trail records about a change, and the
// context markers that say who made it. The ent schema's AuditMixin writes
// the trail, in the same transaction as the change.
package audit

import (
	"context"

	"entgo.io/ent/schema"
)

// Change is what one change did to one field of a record: its value before
// and after (null when it had none), or, for a link to other records, the ids
// added and removed.
type Change struct {
	Field   string `json:"field"`
	Old     any    `json:"old,omitempty"`
	New     any    `json:"new,omitempty"`
	Added   []int  `json:"added,omitempty"`
	Removed []int  `json:"removed,omitempty"`
}

// Hidden stands for the value of a secret field (a password hash), whose
// change is recorded but not its value.
const Hidden = "(hidden)"

// Audited is the ent schema annotation of the types whose changes the trail
// records, which the schema's AuditMixin carries: code generated from the
// schema (ent/edgemeta) reads it to know which records deleted with another
// the trail records.
func Audited() schema.Annotation { return annotation{Audited: true} }

// annotation is Audited's value as entc sees it.
type annotation struct {
	Audited bool
}

// AnnotationName is the name entc keeps the annotation under.
const AnnotationName = "SamverkanAudit"

// Name implements schema.Annotation.
func (annotation) Name() string { return AnnotationName }

type actorKey struct{}

// As returns a context whose changes, made without a signed-in user, are
// recorded as made by the named actor (such as "samverkan user add").
func As(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// Actor returns the actor As named, or "system".
func Actor(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok {
		return a
	}
	return "system"
}

type offKey struct{}

// Off returns a context whose changes are not recorded: for loading seed
// data, which is the plan's starting point rather than a change to it, and
// for sign-ins, whose session tokens are not part of the plan.
func Off(ctx context.Context) context.Context {
	return context.WithValue(ctx, offKey{}, true)
}

// IsOff reports whether Off marked the context.
func IsOff(ctx context.Context) bool {
	b, _ := ctx.Value(offKey{}).(bool)
	return b
}

// StatusChanges is the field of a deleted activity's entry that keeps its
// history of statuses (its status changes, which go with it and are records
// of no entry of their own), so that a restore brings the history back.
const StatusChanges = "statusChanges"

// StatusChange is one change of a deleted activity's status, as its entry
// keeps it.
type StatusChange struct {
	FromStatus *string `json:"fromStatus,omitempty"`
	ToStatus   string  `json:"toStatus"`
	At         string  `json:"at"`
}

type undoKey struct{}

type undo struct{ entry, object int }

// Undoing returns a context whose change of the record object undoes the
// entry: restoring a deletion, reverting an update. The change's own entry
// names it (AuditEntry.undoes).
func Undoing(ctx context.Context, entry, object int) context.Context {
	return context.WithValue(ctx, undoKey{}, undo{entry, object})
}

// Undone returns the entry that a change of the record object undoes, if
// Undoing said so.
func Undone(ctx context.Context, object int) (entry int, ok bool) {
	u, ok := ctx.Value(undoKey{}).(undo)
	if !ok || u.object != object {
		return 0, false
	}
	return u.entry, true
}

type partOfKey struct{}

// PartOf returns a context whose restores go with the restore the entry
// records (the records restored with their plan), which their own entries
// name (AuditEntry.partOf).
func PartOf(ctx context.Context, entry int) context.Context {
	return context.WithValue(ctx, partOfKey{}, entry)
}

// PartOfEntry returns the entry PartOf named, if any.
func PartOfEntry(ctx context.Context) (int, bool) {
	e, ok := ctx.Value(partOfKey{}).(int)
	return e, ok
}
