package schema

import (
	"context"

	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/intercept"
	"github.com/samverkan/samverkan/ent/privacy"
)

// An update is judged and recorded on the record as it is stored: the
// policies' scope rules, the version check, the status history and the
// audit trail's old values all read it (the mutation reads it once and
// keeps it). On SQLite writers take turns, so nobody can change it in
// between. On PostgreSQL two transactions can both read it before either
// updates it, and the second UPDATE then waits for the first and
// overwrites what the first wrote: its audit entry said "PLANNED →
// DONE" of an activity the first had made ONGOING, and two editors
// removing an activity's last two municipalities of their scope at once
// could each see the other still there.
//
// So readStoredRecordLocked, the first rule of every type's mutation
// policy, reads the record an update changes before any other rule or
// hook looks at it, and on PostgreSQL locks it (FOR NO KEY UPDATE, the
// lock the UPDATE itself takes, only sooner) until the transaction ends:
// a second update of the same record waits at this read, and then reads
// what the first left. An update of another record, or a read, does not
// wait for it. A deletion's audit entry, which keeps the deleted values
// for a restore, reads them locked too (deletedValues), so that an update
// just before it is not undone by the restore.

// readStoredRecordLocked reads, locked, the stored record an update
// changes. That it does not exist is left to the later rules and hooks
// to say (some say nothing of what exists).
var readStoredRecordLocked = privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
	if !m.Op().Is(ent.OpUpdateOne) {
		return privacy.Skip
	}
	// Reading one old field loads the whole record; an update sets at
	// least the time it was made (TimeMixin). A policy asked of a change
	// that is not being made (viewerCanUpdate, accounts.Unlock) sets no
	// field, and reads nothing here.
	names := append(m.Fields(), m.ClearedFields()...)
	if len(names) == 0 {
		return privacy.Skip
	}
	if _, err := m.OldField(lockingRead(ctx, m.Type()), names[0]); err != nil && !gen.IsNotFound(err) {
		return err
	}
	return privacy.Skip
})

type lockingReadKey struct{}

// lockingRead returns a context in which a query of typ's records locks
// them (lockWhenAsked) FOR NO KEY UPDATE: the lock an update takes, which
// keeps other changes of the record out and lets new records refer to it.
// A deletion takes the stronger lock only when its DELETE runs, after the
// last-admin rule's turn (lockAdmins): had it locked the deleted user FOR
// UPDATE first, two admins deleting each other would each wait for the
// other, one to refer to its author in its audit entry, the other for the
// turn.
func lockingRead(ctx context.Context, typ string) context.Context {
	return context.WithValue(ctx, lockingReadKey{}, typ)
}

// lockWhenAsked is the interceptor that locks the rows a query of the type
// lockingRead names reads, on PostgreSQL (SQLite has no row locks).
var lockWhenAsked = intercept.Func(func(ctx context.Context, q intercept.Query) error {
	if typ, _ := ctx.Value(lockingReadKey{}).(string); typ == q.Type() {
		q.WhereP(func(s *sql.Selector) {
			if s.Dialect() == dialect.Postgres {
				s.For(sql.LockNoKeyUpdate, sql.WithLockTables(s.TableName()))
			}
		})
	}
	return nil
})
