package storage_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/privacy"
	_ "github.com/samverkan/samverkan/ent/runtime"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

func openClient(t *testing.T, path string) *ent.Client {
	t.Helper()
	db, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	client := db.Client()
	t.Cleanup(func() { client.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return client
}

// The Swedish search and order work on both databases.
func TestSwedishTextInSQLite(t *testing.T) {
	testSwedishText(t, openClient(t, filepath.Join(t.TempDir(), "test.db")))
}

func TestSwedishTextInPostgres(t *testing.T) {
	db := storagetest.OpenPostgres(t)
	client := db.Client()
	t.Cleanup(func() { client.Close() })
	testSwedishText(t, client)
}

func testSwedishText(t *testing.T, client *ent.Client) {
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow) // writes as the server
	for _, m := range []struct{ code, name string }{
		{"1880", "Örebro"}, {"1863", "Hällefors"}, {"1882", "Askersund"},
		{"1484", "Åmål"}, {"0765", "Älmhult"}, {"0125", "Ekerö"}, {"1862", "zeta"},
	} {
		client.Municipality.Create().SetCode(m.code).SetName(m.name).SaveX(ctx)
	}

	t.Run("ContainsFoldFindsÅÄÖ", func(t *testing.T) {
		for search, want := range map[string]string{
			"örebro": "Örebro", "ÖREBRO": "Örebro", "hällefors": "Hällefors",
			"HÄLLE": "Hällefors", "åmå": "Åmål",
		} {
			got, err := client.Municipality.Query().
				Where(municipality.NameContainsFold(search)).
				Select(municipality.FieldName).Strings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0] != want {
				t.Errorf("nameContainsFold %q = %q, want [%q]", search, got, want)
			}
		}
	})

	t.Run("EqualFoldFindsÅÄÖ", func(t *testing.T) {
		n, err := client.Municipality.Query().Where(municipality.NameEqualFold("ÖREBRO")).Count(ctx)
		if err != nil || n != 1 {
			t.Errorf("nameEqualFold ÖREBRO = %d, %v; want 1", n, err)
		}
	})

	t.Run("OrderByNameIsSwedish", func(t *testing.T) {
		got, err := client.Municipality.Query().
			Order(ent.Asc(municipality.FieldName)).
			Select(municipality.FieldName).Strings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Askersund", "Ekerö", "Hällefors", "zeta", "Åmål", "Älmhult", "Örebro"}
		if len(got) != len(want) {
			t.Fatalf("names = %q, want %q", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("names = %q, want %q", got, want)
			}
		}
	})
}

func TestMigrateTwiceChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.db")
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow) // writes as the server
	client := openClient(t, path)
	client.Municipality.Create().SetCode("1880").SetName("Örebro").SaveX(ctx)
	client.Close()

	again := openClient(t, path)
	if n := again.Municipality.Query().CountX(ctx); n != 1 {
		t.Errorf("municipalities after second migration = %d, want 1", n)
	}
	var plan strings.Builder
	if err := again.Schema.WriteTo(ctx, &plan); err != nil {
		t.Fatal(err)
	}
	if s := plan.String(); strings.Contains(s, "CREATE") || strings.Contains(s, "ALTER") {
		t.Errorf("a migrated database still has changes pending:\n%s", s)
	}
}

func TestSQLiteDSN(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"samverkan.db", "file:samverkan.db?_busy_timeout=5000&_cache_size=-1000&_foreign_keys=1&_journal_mode=WAL&_stmt_cache_size=64&_synchronous=FULL&_txlock=immediate"},
		{"file:x.db?_sync=NORMAL&_fk=0&_stmt_cache_size=0&_cache_size=-4000", "file:x.db?_busy_timeout=5000&_cache_size=-4000&_fk=0&_journal_mode=WAL&_stmt_cache_size=0&_sync=NORMAL&_txlock=immediate"},
	} {
		got, err := storage.SQLiteDSN(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("SQLiteDSN(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := storage.SQLiteDSN(""); err == nil {
		t.Error("SQLiteDSN(\"\") succeeded, want an error")
	}
}

// Every connection the pool opens has the DSN's settings: its page cache
// among them.
func TestSQLiteConnectionsHaveTheirSettings(t *testing.T) {
	db, err := storage.Open(filepath.Join(t.TempDir(), "settings.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conns := make([]*sql.Conn, 3)
	for i := range conns {
		if conns[i], err = db.Conn(ctx); err != nil {
			t.Fatal(err)
		}
		defer conns[i].Close()
	}
	for i, c := range conns {
		var cache int
		var mode string
		if err := c.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if cache != -1000 || mode != "wal" {
			t.Errorf("connection %d: cache_size %d, journal_mode %s; want -1000 (KiB), wal", i, cache, mode)
		}
	}
}

func TestRedactedHidesPasswords(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://samverkan:secret@localhost/samverkan", "postgres://samverkan:xxxxx@localhost/samverkan"},
		{"postgresql://u:s%40cret@db:5432/x?sslmode=require&search_path=t1", "postgresql://u:xxxxx@db:5432/x?sslmode=require&search_path=t1"},
		{"postgres://u@localhost/x?password=secret&sslpassword=secret2", "postgres://u@localhost/x?password=xxxxx&sslpassword=xxxxx"},
		{"file:x.db?_auth_user=a&_auth_pass=secret", "file:x.db?_auth_user=a&_auth_pass=xxxxx"},
		{"samverkan.db", "samverkan.db"},
		{"postgres://localhost/x", "postgres://localhost/x"},
	} {
		if got := storage.Redacted(tc.in); got != tc.want {
			t.Errorf("Redacted(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestPoolKeepsConnections checks that connections used by concurrent
// requests go back to the pool rather than being closed, as database/sql's
// default of two idle connections would do: reopening one costs a backend
// and a sign-in on PostgreSQL.
func TestPoolKeepsConnections(t *testing.T) {
	db := storagetest.Open(t)
	concurrent := 16
	if most := db.Stats().MaxOpenConnections; most > 0 && most < concurrent {
		concurrent = most // SQLite's limit (see sqliteConns)
	}
	for range 3 {
		// Each holds its connection until all have one, so the pool
		// must open them all and then take them all back.
		var ready, release sync.WaitGroup
		ready.Add(concurrent)
		release.Add(1)
		errs := make(chan error, concurrent)
		for range concurrent {
			go func() {
				conn, err := db.Conn(context.Background())
				ready.Done()
				if err != nil {
					errs <- err
					return
				}
				release.Wait()
				errs <- conn.Close()
			}()
		}
		ready.Wait()
		release.Done()
		for range concurrent {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	}
	if s := db.Stats(); s.MaxIdleClosed != 0 || s.OpenConnections < concurrent {
		t.Errorf("after three rounds of %d connections at once: %d closed for want of idle room, %d open; want none closed and %d open",
			concurrent, s.MaxIdleClosed, s.OpenConnections, concurrent)
	}
}

// Searching by a text that some rows leave empty finds the others: the
// Swedish lower() answers NULL for NULL, as SQLite's own does.
func TestLowerOfNullIsNull(t *testing.T) {
	db := storagetest.OpenSQLite(t)
	var got sql.NullString
	if err := db.QueryRow(`SELECT lower(NULL)`).Scan(&got); err != nil {
		t.Fatalf("lower(NULL): %v", err)
	}
	if got.Valid {
		t.Errorf("lower(NULL) = %q, want NULL", got.String)
	}
	var folded string
	if err := db.QueryRow(`SELECT lower('ÖREBRO')`).Scan(&folded); err != nil || folded != "örebro" {
		t.Errorf("lower('ÖREBRO') = %q, %v; want örebro", folded, err)
	}
}

// An older version indexed the activities' status; the migration drops
// that index, on both databases.
func TestMigrateDropsTheStatusIndex(t *testing.T) {
	db := storagetest.Open(t)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE INDEX activity_status ON activities (status)"); err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	exists := "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'activity_status'"
	if db.Dialect == dialect.Postgres {
		exists = "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'activity_status'"
	}
	var n int
	if err := db.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("the migration left the index on the activities' status")
	}
}

// On PostgreSQL a status change writes no index entry: the activities'
// pages keep room for a row's new version and no index covers the status,
// so the change is a heap-only (HOT) update. With the pages full, or the
// status indexed, every index of the table (the title's trigram index
// too) would get an entry.
func TestAStatusChangeIsAHeapOnlyUpdateInPostgres(t *testing.T) {
	db := storagetest.OpenPostgres(t)
	ctx := context.Background()
	client := db.Client()
	t.Cleanup(func() { client.Close() })
	if err := seed.LoadOrebro(ctx, client); err != nil {
		t.Fatal(err)
	}
	var options string
	if err := db.QueryRowContext(ctx, `SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = to_regclass('activities')`).Scan(&options); err != nil {
		t.Fatal(err)
	}
	if options != "fillfactor=70" {
		t.Errorf("the activities' table options are %q, want fillfactor=70", options)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// The counters include what this connection did before and has not
	// reported yet: what counts is how much they move.
	counters := func() (updated, hot int) {
		t.Helper()
		if err := tx.QueryRowContext(ctx, `SELECT pg_stat_get_xact_tuples_updated(oid), pg_stat_get_xact_tuples_hot_updated(oid)
			FROM pg_class WHERE oid = to_regclass('activities')`).Scan(&updated, &hot); err != nil {
			t.Fatal(err)
		}
		return updated, hot
	}
	updated0, hot0 := counters()
	// The first activity: on the first page, which the seed filled.
	if _, err := tx.ExecContext(ctx, `UPDATE activities
		SET status = CASE WHEN status = 'DONE' THEN 'ONGOING' ELSE 'DONE' END,
			updated_at = now(), version = version + 1
		WHERE id = (SELECT min(id) FROM activities)`); err != nil {
		t.Fatal(err)
	}
	updated, hot := counters()
	if updated, hot = updated-updated0, hot-hot0; updated != 1 || hot != 1 {
		t.Errorf("a status change: %d rows updated, %d of them heap-only; want 1 and 1", updated, hot)
	}
}

// TestSQLiteKeepsTemporaryFilesInMemory checks that every connection of
// the pool keeps SQLite's temporary files, among them group commit's
// savepoint journal, in memory (keepTempInMemory), several held at once so
// that the pool opens more than one.
func TestSQLiteKeepsTemporaryFilesInMemory(t *testing.T) {
	db := storagetest.OpenSQLite(t)
	ctx := context.Background()
	var conns []*sql.Conn
	for range 3 {
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
	}
	for i, conn := range conns {
		var store int
		if err := conn.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&store); err != nil {
			t.Fatal(err)
		}
		if store != 2 { // 2 is MEMORY
			t.Errorf("connection %d: temp_store = %d, want 2 (MEMORY)", i, store)
		}
		conn.Close()
	}
}
