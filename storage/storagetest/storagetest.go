// Package storagetest gives tests a fresh, migrated database of their own:
// a SQLite file under the test's temporary directory, or, when the
// environment asks for it, a schema of its own in a PostgreSQL database.
//
//	SAMVERKAN_TEST_POSTGRES=postgres://user:password@localhost/db
//	    names a PostgreSQL database tests may use; tests that are about
//	    PostgreSQL itself run only when it is set (and fail in CI without it);
//	SAMVERKAN_TEST_BACKEND=postgres
//	    makes every test's database a PostgreSQL one, so that the whole
//	    suite runs on PostgreSQL.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/samverkan/samverkan/ent/runtime" // the schema's hooks and validators
	"github.com/samverkan/samverkan/storage"
)

// Open returns a migrated, empty database for the test, closed when the
// test ends.
func Open(t testing.TB) *storage.DB {
	t.Helper()
	if os.Getenv("SAMVERKAN_TEST_BACKEND") == "postgres" {
		return OpenPostgres(t)
	}
	return OpenSQLite(t)
}

// OpenSQLite returns a migrated, empty SQLite database in the test's
// directory, whatever backend the other tests use.
func OpenSQLite(t testing.TB) *storage.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "samverkan.db"))
}

// PostgresDSN returns the PostgreSQL database tests may use. Without one it
// skips the test, saying how to give one, or fails it in CI, where
// PostgreSQL tests are required.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("SAMVERKAN_TEST_POSTGRES")
	if dsn == "" {
		const how = "set SAMVERKAN_TEST_POSTGRES=postgres://user:password@localhost/db to run the PostgreSQL tests (see the README)"
		if os.Getenv("CI") != "" {
			t.Fatal(how + "; CI requires them")
		}
		t.Skip(how)
	}
	return dsn
}

// OpenPostgres returns a migrated, empty database in a schema of its own in
// the PostgreSQL database tests may use; the schema is dropped when the test
// ends.
func OpenPostgres(t testing.TB) *storage.DB {
	t.Helper()
	dsn := PostgresDSN(t)
	admin, err := storage.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA "` + name + `"`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA "` + name + `" CASCADE`); err != nil {
			t.Errorf("drop the test's schema: %v", err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name) // pgx sends it as a run-time parameter
	u.RawQuery = q.Encode()
	return open(t, u.String())
}

func open(t testing.TB, dsn string) *storage.DB {
	t.Helper()
	db, err := storage.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}
