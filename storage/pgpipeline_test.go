package storage_test

import (
	"context"
	"database/sql"
	"sync/atomic"
	"testing"

	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/pipeline"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// pipelineDB is a PostgreSQL database with a table "t" whose n must be
// positive, and one connection, so that a connection left in a
// transaction would show.
func pipelineDB(t *testing.T) *storage.DB {
	t.Helper()
	db := storagetest.OpenPostgres(t)
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE t (id serial PRIMARY KEY, n integer NOT NULL CHECK (n > 0), note jsonb)`); err != nil {
		t.Fatal(err)
	}
	return db
}

const insertLater = `INSERT INTO "t" ("n") VALUES ($1) RETURNING "id"`

func count(t *testing.T, db *storage.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLaterInsertsAreWrittenWithTheCommit: inserts marked pipeline.Later
// are written when the transaction commits, in one round trip with it,
// and dropped when it rolls back.
func TestLaterInsertsAreWrittenWithTheCommit(t *testing.T) {
	db := pipelineDB(t)
	trips := new(atomic.Int64)
	ctx := storage.CountRoundTrips(context.Background(), trips)
	later := pipeline.Later(ctx)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var id int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 2; n++ {
		if err := tx.QueryRowContext(later, insertLater, n).Scan(&id); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := trips.Load(); got != 2 {
		t.Errorf("BEGIN, a read, two inserts and COMMIT took %d round trips, want 2", got)
	}
	if n := count(t, db); n != 2 {
		t.Errorf("%d rows after the commit, want 2", n)
	}

	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.QueryRowContext(later, insertLater, 3).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db); n != 2 {
		t.Errorf("%d rows after a rolled back insert, want 2", n)
	}
}

// TestALaterInsertThatFailsFailsTheCommit: an error a waiting insert meets
// fails the COMMIT, nothing of the transaction is written, and the
// connection goes back to the pool outside any transaction.
func TestALaterInsertThatFailsFailsTheCommit(t *testing.T) {
	db := pipelineDB(t)
	ctx := context.Background()
	later := pipeline.Later(ctx)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var id int
	for _, n := range []int{1, -1} { // -1 breaks the CHECK
		if err := tx.QueryRowContext(later, insertLater, n).Scan(&id); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err == nil {
		t.Fatal("the commit succeeded; want the CHECK's error")
	}
	if n := count(t, db); n != 0 {
		t.Errorf("%d rows after a failed commit, want 0", n)
	}
	// The pool's one connection writes for good: it is in no transaction.
	if _, err := db.Exec(`INSERT INTO t (n) VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	other, err := storage.Open(db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if n := count(t, other); n != 1 {
		t.Errorf("another connection sees %d rows after an insert outside a transaction, want 1", n)
	}
}

// TestAnUpdatedRecordIsReadBackFromTheUpdate: the record an UPDATE by id
// returns answers the reading back that follows, as a query would.
func TestAnUpdatedRecordIsReadBackFromTheUpdate(t *testing.T) {
	db := pipelineDB(t)
	if _, err := db.Exec(`INSERT INTO t (n, note) VALUES (1, '{"a": 1}'), (2, NULL)`); err != nil {
		t.Fatal(err)
	}
	trips := new(atomic.Int64)
	ctx := storage.CountRoundTrips(context.Background(), trips)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE "t" SET "n" = $1 WHERE "id" = $2`, 7, 1)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Errorf("%d rows affected, want 1", n)
	}
	var (
		n, id int
		note  []byte
	)
	if err := tx.QueryRowContext(ctx, `SELECT "n", "note", "id" FROM "t" WHERE "id" = $1`, 1).Scan(&n, &note, &id); err != nil {
		t.Fatal(err)
	}
	if n != 7 || id != 1 || string(note) != `{"a": 1}` {
		t.Errorf("read back n = %d, note = %s, id = %d; want 7, {\"a\": 1}, 1", n, note, id)
	}
	if got := trips.Load(); got != 1 {
		t.Errorf("BEGIN, the update and its reading back took %d round trips, want 1", got)
	}
	// Another record's reading is a query of its own.
	if err := tx.QueryRowContext(ctx, `SELECT "n", "note", "id" FROM "t" WHERE "id" = $1`, 2).Scan(&n, &note, &id); err != nil {
		t.Fatal(err)
	}
	if n != 2 || id != 2 || note != nil {
		t.Errorf("read n = %d, note = %s, id = %d; want 2, NULL, 2", n, note, id)
	}
	// An update that finds nothing affects nothing.
	if res, err = tx.ExecContext(ctx, `UPDATE "t" SET "n" = $1 WHERE "id" = $2`, 7, 99); err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 0 {
		t.Errorf("%d rows affected by an update of no record, want 0", n)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestAStatementWithoutArgumentsMayHoldSeveral: a transaction's first
// statement without arguments is sent as pgx sends it, as a simple query
// that may hold several statements.
func TestAStatementWithoutArgumentsMayHoldSeveral(t *testing.T) {
	db := pipelineDB(t)
	err := func() error {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO t (n) VALUES (1); INSERT INTO t (n) VALUES (2)`); err != nil {
			_ = tx.Rollback()
			return err
		}
		return tx.Commit()
	}()
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, db); n != 2 {
		t.Errorf("%d rows, want 2", n)
	}
	// Options other than the default begin at once, as before.
	tx, err := db.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO t (n) VALUES (3)`); err == nil {
		t.Error("a read-only transaction wrote")
	}
	_ = tx.Rollback()
}
