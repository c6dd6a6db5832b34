package storage_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// Fault tells storage faults from other errors, as the databases report
// them.
func TestFaultOnSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.db")
	openClient(t, path) // creates the file and its tables
	ro, err := storage.Open("file:" + path + "?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	rw, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()

	_, readOnly := ro.Exec(`INSERT INTO municipalities (code, name, created_at, updated_at, version) VALUES ('0180', 'Stockholm', 0, 0, 1)`)
	_, syntax := rw.Exec(`INSERT INTO nowhere VALUES (1)`)
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"ReadOnly", readOnly, "the database is read-only"},
		{"ReadOnlyWrapped", fmt.Errorf("commit: %w", readOnly), "the database is read-only"},
		{"NotAFaultSyntax", syntax, ""},
		{"NotAFaultDeadline", context.DeadlineExceeded, ""},
		{"NotAFaultNil", nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil && c.name != "NotAFaultNil" {
				t.Fatal("the statement did not fail")
			}
			if got := storage.Fault(c.err); got != c.want {
				t.Errorf("Fault(%v) = %q; want %q", c.err, got, c.want)
			}
		})
	}
}

func TestFaultOnPostgres(t *testing.T) {
	db := storagetest.OpenPostgres(t)
	ctx := context.Background()

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`SET TRANSACTION READ ONLY`); err != nil {
		t.Fatal(err)
	}
	_, readOnly := tx.Exec(`CREATE TABLE not_allowed (x int)`)
	_ = tx.Rollback()

	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, terminated := conn.ExecContext(ctx, `SELECT pg_terminate_backend(pg_backend_pid())`)
	conn.Close()

	_, syntax := db.Exec(`INSERT INTO nowhere VALUES (1)`)
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"ReadOnly", readOnly, "the database is read-only"},
		{"AdminShutdown", terminated, "the database is shutting down or starting up"},
		{"DiskFull", &pgconn.PgError{Code: "53100"}, "the disk is full"},
		{"ConnectionException", fmt.Errorf("query: %w", &pgconn.PgError{Code: "08006"}), "the connection to the database is lost"},
		{"NotAFaultSyntax", syntax, ""},
		{"NotAFaultUnique", &pgconn.PgError{Code: "23505"}, ""},
		{"NotAFaultOther", errors.New("something else"), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil {
				t.Fatal("the statement did not fail")
			}
			if got := storage.Fault(c.err); got != c.want {
				t.Errorf("Fault(%v) = %q; want %q", c.err, got, c.want)
			}
		})
	}
}
