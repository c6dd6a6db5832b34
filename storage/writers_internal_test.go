package storage

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/privacy"
)

// TestGroupLostByTheDatabase checks the promise group commit depends on:
// when SQLite ends a group's transaction by itself (as it does after an
// I/O error or a full disk), no member of that group is told that its
// changes were committed, not even those that committed first, and none
// of their changes is in the file. Here a member ends the transaction with
// a ROLLBACK of its own, the one way to make SQLite do so on demand.
func TestGroupLostByTheDatabase(t *testing.T) {
	db, client, ctx := openForWriters(t)
	first, err := client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first.Municipality.Create().SetCode("0001").SetName("Först").ExecX(ctx)

	// Two more writers queue behind the first, so that its Commit leaves
	// the group open for them.
	type begun struct {
		tx  *ent.Tx
		err error
	}
	second, third := make(chan begun, 1), make(chan begun, 1)
	for i, c := range []chan begun{second, third} {
		go func() {
			tx, err := client.Tx(ctx)
			c <- begun{tx, err}
		}()
		waitFor(t, func() bool { return db.writers.waiting.Load() == int32(i+1) })
	}

	firstDone := make(chan error, 1)
	go func() { firstDone <- first.Commit() }()

	b := <-second
	if b.err != nil {
		t.Fatal(b.err)
	}
	b.tx.Municipality.Create().SetCode("0002").SetName("Andra").ExecX(ctx)
	secondDone := make(chan error, 1)
	go func() { secondDone <- b.tx.Commit() }()

	b = <-third
	if b.err != nil {
		t.Fatal(b.err)
	}
	if _, err := b.tx.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if err := b.tx.Commit(); !errors.Is(err, errGroupLost) {
		t.Errorf("third: Commit after the transaction was lost: err = %v, want errGroupLost", err)
	}
	for name, done := range map[string]chan error{"first": firstDone, "second": secondDone} {
		if err := <-done; !errors.Is(err, errGroupLost) {
			t.Errorf("%s: Commit in a lost group: err = %v, want errGroupLost", name, err)
		}
	}
	if n := client.Municipality.Query().CountX(ctx); n != 0 {
		t.Errorf("%d municipalities stored from a lost group, want 0", n)
	}

	// The queue goes on with a new group.
	tx, err := client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tx.Municipality.Create().SetCode("0004").SetName("Fjärde").ExecX(ctx)
	if err := tx.Commit(); err != nil {
		t.Errorf("commit after a lost group: %v", err)
	}
}

// openForWriters opens a new SQLite database with the schema, a client
// over it, and a context that writes as the server does.
func openForWriters(t *testing.T) (*DB, *ent.Client, context.Context) {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "writers.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	client := db.Client()
	t.Cleanup(func() { client.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db, client, ctx
}

// waitFor polls cond until it holds, for up to 5 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
	}
}

// TestGroupCommitsAfterItsNextWriterGivesUp checks the one interleaving the
// queue cannot see coming: the holder of the turn counts a waiting writer
// and hands the turn on without committing its group, and that writer stops
// waiting before it takes the turn. The members who committed into the
// group must still get their answer.
func TestGroupCommitsAfterItsNextWriterGivesUp(t *testing.T) {
	db, client, ctx := openForWriters(t)
	tx, err := client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tx.Municipality.Create().SetCode("0001").SetName("Först").ExecX(ctx)

	q := db.writers
	q.waiting.Add(1) // a writer that is about to stop waiting
	committed := make(chan error, 1)
	go func() { committed <- tx.Commit() }()
	waitFor(t, func() bool { return len(q.turn) == 0 }) // handed on, group still open
	select {
	case err := <-committed:
		t.Fatalf("Commit returned (%v) while its group was open", err)
	default:
	}
	q.giveUp()
	select {
	case err := <-committed:
		if err != nil {
			t.Errorf("commit: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the group was left open: Commit still waiting after 5 s")
	}
	if n := client.Municipality.Query().CountX(ctx); n != 1 {
		t.Errorf("%d municipalities stored, want 1", n)
	}
}

// TestWaitingEndsAtTheDeadline checks that a writer whose context has a
// deadline waits for its turn until that deadline and then ends with the
// deadline's error (a request's TIMEOUT), rather than beginning outside the
// queue after queueWait and failing later with "database is locked".
func TestWaitingEndsAtTheDeadline(t *testing.T) {
	_, client, ctx := openForWriters(t)
	saved := queueWait
	queueWait = 50 * time.Millisecond
	t.Cleanup(func() { queueWait = saved })

	held, err := client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Rollback()
	held.Municipality.Create().SetCode("0001").SetName("Först").ExecX(ctx)

	deadline, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	tx, err := client.Tx(deadline)
	if err == nil {
		tx.Rollback()
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("begin behind an open transaction: err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("gave up after %v, before the deadline of 500 ms", d)
	}
}

// TestBeginAtFirstStatement checks a transaction of BeginAtFirstStatement:
// it begins at once behind an open transaction and waits for its turn at
// its first statement; its statements still run only after the writer
// before it has ended; one that runs no statement never takes a turn; and
// one whose wait ends at its deadline fails its statement and its Commit
// with the deadline's error, writing nothing.
func TestBeginAtFirstStatement(t *testing.T) {
	db, client, ctx := openForWriters(t)
	lazy := BeginAtFirstStatement(ctx)

	held, err := client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	held.Municipality.Create().SetCode("0001").SetName("Först").ExecX(ctx)

	// Begins behind the held transaction, without waiting.
	idle, err := client.Tx(lazy)
	if err != nil {
		t.Fatalf("begin behind an open transaction: %v", err)
	}
	if n := db.writers.waiting.Load(); n != 0 {
		t.Errorf("%d writers waiting after a lazy begin, want 0", n)
	}
	if err := idle.Commit(); err != nil {
		t.Errorf("commit of a transaction that ran no statement: %v", err)
	}

	second, err := client.Tx(lazy)
	if err != nil {
		t.Fatal(err)
	}
	wrote := make(chan error, 1)
	go func() {
		wrote <- second.Municipality.Create().SetCode("0002").SetName("Andra").Exec(ctx)
	}()
	waitFor(t, func() bool { return db.writers.waiting.Load() == 1 })
	select {
	case err := <-wrote:
		t.Fatalf("the first statement ran while another writer held the turn (err = %v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	// The held transaction's Commit returns when its group has committed,
	// which the second, joining the group, ends.
	heldDone := make(chan error, 1)
	go func() { heldDone <- held.Commit() }()
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	if err := second.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-heldDone; err != nil {
		t.Fatal(err)
	}

	// A wait that ends at the deadline.
	held, err = client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Rollback()
	held.Municipality.Create().SetCode("0003").SetName("Tredje").ExecX(ctx)
	deadline, cancel := context.WithTimeout(lazy, 100*time.Millisecond)
	defer cancel()
	late, err := client.Tx(deadline)
	if err != nil {
		t.Fatal(err)
	}
	if err := late.Municipality.Create().SetCode("0004").SetName("Fjärde").Exec(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("statement after the deadline: err = %v, want context.DeadlineExceeded", err)
	}
	if err := late.Commit(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("commit of a transaction that could not begin: err = %v, want context.DeadlineExceeded", err)
	}
	if err := held.Rollback(); err != nil {
		t.Fatal(err)
	}
	if n := client.Municipality.Query().CountX(ctx); n != 2 {
		t.Errorf("%d municipalities stored, want 2 (Först, Andra)", n)
	}
}
