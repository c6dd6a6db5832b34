// Package pipeline lets a write say that nothing waits for its result, so
// that on PostgreSQL it may travel to the database together with the
// transaction's next statement, or its COMMIT, in one round trip (see
// package storage). It is its own package so that the schema's hooks can
// use it: package storage imports the schema.
package pipeline

import "context"

type laterKey struct{}

// Later returns a context whose inserts nobody reads the result of before
// the transaction commits: not the new record's id, which reads as 0, so
// the record may have no edges but its own columns (ent would link the
// others by that id). On
// PostgreSQL, inside a transaction, such an insert is sent with the
// transaction's next statement; an error it meets is that statement's (or
// the COMMIT's), so the transaction fails as a whole. Elsewhere it changes
// nothing.
func Later(ctx context.Context) context.Context {
	return context.WithValue(ctx, laterKey{}, true)
}

// IsLater reports whether ctx is one of Later's.
func IsLater(ctx context.Context) bool {
	later, _ := ctx.Value(laterKey{}).(bool)
	return later
}
