package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/bench"
	_ "github.com/samverkan/samverkan/ent/runtime"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/server/servertest"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// orebroServer is the real handler, counting SQL as the benchmark's server
// does, over the Örebro plan loaded into db, a migrated empty database.
func orebroServer(t *testing.T, db *storage.DB) *bench.Server {
	t.Helper()
	ctx := context.Background()
	if err := seed.LoadOrebro(ctx, db.Client()); err != nil {
		t.Fatal(err)
	}
	accountstest.User(t, db.Client(), "admin", auth.RoleAdmin, nil, nil)
	h := bench.Instrument(servertest.Handler(bench.CountingClient(db), db, slog.New(slog.NewTextHandler(io.Discard, nil)),
		servertest.GraphQL(graph.WithCompiledReads(db.Dialect))))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	s := bench.NewServer(srv.URL+"/graphql", 4)
	if err := s.SignIn(ctx, "admin", accountstest.Password); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWorkload(t *testing.T) { testWorkload(t, storagetest.OpenSQLite(t)) }

// TestWorkloadPostgres runs the workload, and the floor's PostgreSQL SQL
// ($n parameters, ILIKE), against a schema of its own in the database
// SAMVERKAN_TEST_POSTGRES names; it skips without one.
func TestWorkloadPostgres(t *testing.T) { testWorkload(t, storagetest.OpenPostgres(t)) }

func testWorkload(t *testing.T, db *storage.DB) {
	srv := orebroServer(t, db)
	ctx := context.Background()
	targets, err := bench.LoadTargets(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ServerAndFloorAgree", func(t *testing.T) {
		for _, op := range bench.Operations {
			if err := bench.Check(ctx, srv, bench.NewFloor(db), op, targets); err != nil {
				t.Errorf("%s: %v", op.Name, err)
			}
		}
	})
	t.Run("Q1StatementsDoNotGrowWithThePageSize", func(t *testing.T) {
		counts, err := bench.StatementsAtPageSizes(ctx, srv, 1, 2, 6, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range counts {
			if n != counts[0] || n > 6 || n == 0 {
				t.Fatalf("Q1 statements at page sizes 1, 2, 6, 100 = %v; want one count, at most 6", counts)
			}
		}
	})
	t.Run("RunMeasuresEveryOperation", func(t *testing.T) {
		cfg := bench.Config{Concurrency: 2, Warmup: 20 * time.Millisecond, Duration: 100 * time.Millisecond}
		results, err := bench.Run(ctx, cfg, srv, db, bench.Operations)
		if err != nil {
			t.Fatal(err)
		}
		// X1, the mixed operation, gives two rows: its reads and its writes.
		if len(results) != len(bench.Operations)+1 {
			t.Fatalf("%d results, want %d", len(results), len(bench.Operations)+1)
		}
		for _, r := range results {
			if r.Server.Requests == 0 || r.Server.Errors > 0 || r.Server.Statements() == 0 {
				t.Errorf("%s: %d requests, %d errors (%s), %.1f statements each", r.Op.Name,
					r.Server.Requests, r.Server.Errors, r.Server.FirstError, r.Server.Statements())
			}
			if (r.Floor == nil) != (r.Op.Floor == nil) || r.Floor != nil && (r.Floor.Requests == 0 || r.Floor.Errors > 0) {
				t.Errorf("%s floor: %+v", r.Op.Name, r.Floor)
			}
		}
		// Q4's counts are kept on SQLite (search/counts.go), and said so;
		// PostgreSQL keeps none.
		var kept bytes.Buffer
		if err := bench.WriteKeptCounts(&kept, results); err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			k := r.KeptCounts
			switch {
			case r.Op.Name == "Q4" && db.Dialect == dialect.SQLite && (k.Hits == 0 || !strings.Contains(kept.String(), "Q4 ")):
				t.Errorf("Q4 on SQLite: %d counts kept, %d counted; printed %q", k.Hits, k.Misses, kept.String())
			case (r.Op.Name != "Q4" && r.Op.Name != bench.MixedName || db.Dialect != dialect.SQLite) && k.Hits+k.Misses > 0:
				t.Errorf("%s on %s: %d counts kept, %d counted; want none", r.Op.Name, db.Dialect, k.Hits, k.Misses)
			}
		}
		var table bytes.Buffer
		if err := bench.WriteTable(&table, results); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"req/s", "p99", "Q1  list page", "M1  edit", "SQL/req", "X1  mixed: its writes", "fallbacks"} {
			if !strings.Contains(table.String(), want) {
				t.Errorf("the table has no %q:\n%s", want, table.String())
			}
		}
	})
}

func TestTargetsOnTheNationalDataset(t *testing.T) {
	testTargets(t, storagetest.OpenSQLite(t))
}

func TestTargetsOnTheNationalDatasetPostgres(t *testing.T) {
	testTargets(t, storagetest.OpenPostgres(t))
}

// testTargets checks that the benchmark picks the current plans and their
// activities only (bench/WORKLOAD.md's 21 plans and 20,000 activities),
// though the dataset also holds the closed plans of the period before,
// their activities and the next period's drafts.
func testTargets(t *testing.T, db *storage.DB) {
	ctx := context.Background()
	if err := seed.National(ctx, db.Client()); err != nil {
		t.Fatal(err)
	}
	targets, err := bench.LoadTargets(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	var plans, activities int
	if err := db.QueryRow("SELECT count(*) FROM plans").Scan(&plans); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT count(*) FROM activities").Scan(&activities); err != nil {
		t.Fatal(err)
	}
	if len(targets.Plans) != 21 || len(targets.Activities) != 20_000 || len(targets.Codes) != 290 {
		t.Errorf("targets: %d plans, %d activities, %d municipalities; want 21, 20000, 290", len(targets.Plans), len(targets.Activities), len(targets.Codes))
	}
	if plans <= 21 || activities <= 20_000 {
		t.Errorf("the dataset holds %d plans and %d activities: no others than the targets to leave out", plans, activities)
	}
}

// TestM1RoundTripsPostgres counts the statements and the round trips to
// PostgreSQL of one M1 write (an admin's authenticated, audited change of
// an activity's status) as the server reports them: six statements (BEGIN,
// the reading of the stored record, the UPDATE returning the record, the
// status change, the audit entry, COMMIT; ent's reading back of the record
// is answered from the UPDATE) in three round trips: BEGIN with the
// reading, the UPDATE, and the status change and audit entry with the
// COMMIT. Seven round trips before (storage/pgpipeline.go). It also checks
// that the write did all it must: the status, one status change, one
// audit entry.
func TestM1RoundTripsPostgres(t *testing.T) {
	testM1Counts(t, storagetest.OpenPostgres(t), bench.Counts{Statements: 6, RoundTrips: 3})
}

// TestM1Statements: on SQLite the same six statements, and no round trips
// reported.
func TestM1Statements(t *testing.T) {
	testM1Counts(t, storagetest.OpenSQLite(t), bench.Counts{Statements: 6})
}

func testM1Counts(t *testing.T, db *storage.DB, want bench.Counts) {
	srv := orebroServer(t, db)
	ctx := context.Background()
	targets, err := bench.LoadTargets(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	m1 := bench.Operations[slices.IndexFunc(bench.Operations, func(op bench.Operation) bool { return op.Name == "M1" })]
	// The first write reads the token's viewer, which the server keeps.
	if _, _, err := srv.Post(ctx, m1, targets, 0); err != nil {
		t.Fatal(err)
	}
	const i = 1
	id := targets.Activities[i]
	var stored string
	if err := db.QueryRow("SELECT status FROM activities WHERE id = $1", id).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	body, n, err := srv.Post(ctx, m1, targets, i)
	if err != nil {
		t.Fatal(err)
	}
	status := answeredStatus(t, body)
	if status == stored {
		t.Fatalf("M1 set activity %d to %s, the status it had: a write that changes nothing", id, stored)
	}
	if n != want {
		t.Errorf("one M1 write took %d statements in %d round trips to the database, want %d in %d",
			n.Statements, n.RoundTrips, want.Statements, want.RoundTrips)
	}
	var (
		got                       string
		version, entries, changes int
	)
	if err := db.QueryRow(`SELECT status, version,
		(SELECT count(*) FROM audit_entries WHERE object_type = 'Activity' AND object_id = $1),
		(SELECT count(*) FROM status_changes WHERE activity_id = $1 AND to_status = $2)
		FROM activities WHERE id = $1`, id, status).Scan(&got, &version, &entries, &changes); err != nil {
		t.Fatal(err)
	}
	if got != status || version != 2 || entries != 1 || changes != 1 {
		t.Errorf("after the write: status %s, version %d, %d audit entries, %d status changes; want %s, 2, 1, 1",
			got, version, entries, changes, status)
	}
}

// answeredStatus is the status in M1's answer.
func answeredStatus(t *testing.T, body []byte) string {
	t.Helper()
	var res struct {
		Data struct{ UpdateActivity struct{ Status string } }
	}
	if err := json.Unmarshal(body, &res); err != nil || res.Data.UpdateActivity.Status == "" {
		t.Fatalf("no status in M1's answer %s (%v)", body, err)
	}
	return res.Data.UpdateActivity.Status
}

func TestEveryM1WriteChangesItsActivity(t *testing.T) {
	testEveryM1WriteChangesItsActivity(t, storagetest.OpenSQLite(t))
}

func TestEveryM1WriteChangesItsActivityPostgres(t *testing.T) {
	testEveryM1WriteChangesItsActivity(t, storagetest.OpenPostgres(t))
}

// testEveryM1WriteChangesItsActivity sends M1 three times over each of
// four activities, as the benchmark does over its 20,000 (a multiple of
// the four statuses too), and checks that every write was one: a new
// status, a status change recorded. M1 once gave each activity on its
// second pass the status it had given it on the first, which the server
// answers without writing.
func testEveryM1WriteChangesItsActivity(t *testing.T, db *storage.DB) {
	srv := orebroServer(t, db)
	ctx := context.Background()
	targets, err := bench.LoadTargets(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if len(targets.Activities) < 4 {
		t.Fatalf("%d activities to edit, want 4", len(targets.Activities))
	}
	targets.Activities = targets.Activities[:4]
	m1 := bench.Operations[slices.IndexFunc(bench.Operations, func(op bench.Operation) bool { return op.Name == "M1" })]
	count := func() int {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM status_changes").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	last := map[int]string{}
	for i := range 3 * len(targets.Activities) {
		body, _, err := srv.Post(ctx, m1, targets, i)
		if err != nil {
			t.Fatal(err)
		}
		status, k := answeredStatus(t, body), i%len(targets.Activities)
		if status == last[k] {
			t.Errorf("request %d gave activity %d the status %s it had", i, targets.Activities[k], status)
		}
		last[k] = status
	}
	if got, want := count()-before, 3*len(targets.Activities); got != want {
		t.Errorf("%d writes recorded %d status changes, want %d", want, got, want)
	}
}
