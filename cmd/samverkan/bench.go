//go:build bench

// The benchmark, and the instrumentation it needs of the server it starts
// (SQL counting, profiles), are built only with -tags bench, so that the
// production server holds neither (see nobench.go).

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"golang.org/x/term"

	"github.com/samverkan/samverkan/bench"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/storage"
)

const benchUsage = `Usage: samverkan bench [flags]

Measures Samverkan on the workload of bench/WORKLOAD.md: builds the national
dataset in a temporary SQLite file (or, with -db, in a new schema of a
PostgreSQL database, dropped at the end), starts "samverkan serve" on it as
a child process on loopback, and runs each operation (Q1-Q4, M1) at the
concurrency given, a warm-up and then counted time. Each read is then run
as hand-written SQL through database/sql on the same database (the floor),
so that every figure comes with its ratio to the floor, measured side by
side.

Flags:
  -db URL          a PostgreSQL database to measure on instead of SQLite
                   (postgres://user:password@host/db; default
                   $SAMVERKAN_BENCH_DB); the benchmark creates a schema
                   bench_<random> in it, and drops it at the end
  -concurrency N   requests in flight at once (default 32)
  -warmup D        uncounted time before each measurement (default 10s)
  -duration D      counted time of each measurement (default 30s)
  -ops LIST        operations to run, comma-separated (default Q1,Q2,Q3,Q4,M1,X1;
                   X1 is 90 % reads over Q1-Q4 and 10 % M1, its reads and
                   writes shown apart)
  -short           warm-up 1s and 2s counted: proves that it runs (for CI);
                   the figures mean nothing
  -cpuprofile DIR  write a CPU profile of the server for the counted time of
                   each operation to DIR/Q1.pprof, …; read with go tool pprof

It fails when a request fails, when the writes answered (M1's, X1's) did
not each record a status change, or when Q1 takes more than 6 SQL
statements.
`

// maxQ1Statements is the most SQL statements Q1 may take, whatever its page
// size: one per table it reads.
const maxQ1Statements = 6

func (a *app) bench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), benchUsage) }
	cfg := bench.Config{}
	fs.IntVar(&cfg.Concurrency, "concurrency", 32, "requests in flight at once")
	fs.DurationVar(&cfg.Warmup, "warmup", 10*time.Second, "uncounted time before each measurement")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "counted time of each measurement")
	opNames := fs.String("ops", "Q1,Q2,Q3,Q4,M1,X1", "operations to run")
	short := fs.Bool("short", false, "warm-up 1s and 2s counted, for CI")
	fs.StringVar(&cfg.ProfileDir, "cpuprofile", "", "directory for a CPU profile of the server per operation")
	pgURL := fs.String("db", a.getenv("SAMVERKAN_BENCH_DB"), "PostgreSQL database to measure on (default: a temporary SQLite file)")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if *short {
		cfg.Warmup, cfg.Duration = time.Second, 2*time.Second
	}
	ops, err := selectOperations(*opNames)
	if err == nil && (cfg.Concurrency < 1 || cfg.Warmup < 0 || cfg.Duration <= 0) {
		err = errors.New("-concurrency and -duration must be positive")
	}
	if err == nil && *pgURL != "" && !storage.IsPostgres(*pgURL) {
		err = errors.New("-db must be a PostgreSQL URL (postgres://user:password@host/db); without it the benchmark uses a temporary SQLite file")
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan bench: %v\n", err)
		return errUsage
	}
	cfg.Progress = a.stderr
	if f, ok := a.stderr.(*os.File); ok {
		cfg.Live = term.IsTerminal(int(f.Fd()))
	}
	fail := func(msg string, err error) error {
		fmt.Fprintf(a.stderr, "samverkan bench: %s: %v\n", msg, err)
		return err
	}

	// Made before the dataset is built, so that a directory that cannot be
	// made stops the run before minutes of measuring, not after the first.
	if cfg.ProfileDir != "" {
		if err := os.MkdirAll(cfg.ProfileDir, 0o755); err != nil {
			return fail("cannot make the profile directory", err)
		}
	}
	dir, err := os.MkdirTemp("", "samverkan-bench-")
	if err != nil {
		return fail("cannot make a temporary directory", err)
	}
	defer os.RemoveAll(dir)
	dsn := filepath.Join(dir, "national.db")
	backend, where := "SQLite", dsn
	if *pgURL != "" {
		schemaDSN, drop, err := benchSchema(ctx, *pgURL)
		if err != nil {
			return fail("cannot make a schema for the benchmark", err)
		}
		// Deferred first, so that it runs last: after the server and the
		// floor have closed their connections.
		defer func() {
			if err := drop(); err != nil {
				fmt.Fprintf(a.stderr, "samverkan bench: cannot drop the benchmark's schema: %v\n", err)
			}
		}()
		dsn, backend = schemaDSN, "PostgreSQL"
		if u, err := url.Parse(schemaDSN); err == nil {
			where = u.Redacted()
		}
	}

	fmt.Fprintf(a.stderr, "Building the national dataset in %s\n", where)
	db, built, err := buildNational(ctx, dsn)
	if err != nil {
		return fail("cannot build the national dataset", err)
	}
	defer db.Close()
	if backend == "PostgreSQL" {
		var version string
		if err := db.QueryRowContext(ctx, "SHOW server_version").Scan(&version); err == nil && version != "" {
			backend += " " + strings.Fields(version)[0]
		}
	}

	exe, err := os.Executable()
	if err != nil {
		return fail("cannot find this program", err)
	}
	// The mutation rate limit is off: the benchmark is one client that
	// writes as fast as it can.
	serveArgs := []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn, "--mutation-rate", "0"}
	if cfg.ProfileDir != "" && cfg.Duration > 20*time.Second {
		// A profile is one long request, which the server's write
		// timeout (the request timeout plus 30 s) must allow.
		serveArgs = append(serveArgs, "--timeout", cfg.Duration.String())
	}
	// M1's writes need a signed-in admin: the server creates one at its
	// first start, with a password made for this run.
	adminPassword := rand.Text()
	child, err := bench.StartChild(ctx, exe, filepath.Join(dir, "server.log"),
		[]string{bench.CountSQLEnv + "=1", "SAMVERKAN_ADMIN_PASSWORD=" + adminPassword}, serveArgs...)
	if err != nil {
		return fail("cannot start the server", err)
	}
	defer child.Stop()
	fmt.Fprintf(a.stderr, "Server (pid %d) at %s; %d operations, concurrency %d, warm-up %s, counted %s each, server and floor in turn\n",
		child.Pid(), child.URL, len(ops), cfg.Concurrency, cfg.Warmup, cfg.Duration)

	cfg.ServerCPU = child.CPU
	srv := bench.NewServer(child.URL, cfg.Concurrency)
	if err := srv.SignIn(ctx, "admin", adminPassword); err != nil {
		return fail("cannot sign in", child.Explain(err))
	}
	pageSizes := []int{1, bench.Q1PageSize, 100}
	counts, err := bench.StatementsAtPageSizes(ctx, srv, pageSizes...)
	if err != nil {
		return fail("cannot count Q1's statements", child.Explain(err))
	}
	results, err := bench.Run(ctx, cfg, srv, db, ops)
	if err != nil {
		return fail("benchmark stopped", child.Explain(err))
	}
	peak, peakErr := child.PeakRSS()
	if err := child.Stop(); err != nil {
		return fail("the server did not stop cleanly", child.Explain(err))
	}

	out := a.stdout
	fmt.Fprintf(out, "\nSamverkan on bench/WORKLOAD.md, %s: concurrency %d, warm-up %s, counted %s per run.\n", backend, cfg.Concurrency, cfg.Warmup, cfg.Duration)
	fmt.Fprintln(out, "floor: the same read as hand-written SQL through database/sql on the same database; ratio: server ÷ floor.")
	fmt.Fprintln(out)
	if err := bench.WriteTable(out, results); err != nil {
		return err
	}
	fmt.Fprintln(out)
	if err := bench.WriteKeptCounts(out, results); err != nil {
		return err
	}
	fmt.Fprintf(out, "National dataset built in %s.\n", built.Round(10*time.Millisecond))
	if peakErr != nil {
		fmt.Fprintf(out, "Server peak memory: unknown (%v).\n", peakErr)
	} else {
		fmt.Fprintf(out, "Server peak memory (VmHWM): %.1f MiB.\n", float64(peak)/(1<<20))
	}
	fmt.Fprintf(out, "Q1 SQL statements at page size %s: %s (at most %d).\n", joinInts(pageSizes, ", "), joinInts(counts, ", "), maxQ1Statements)
	if *short {
		fmt.Fprintln(out, "Short mode: the figures mean nothing; the run shows that the benchmark works.")
	}

	var problems []string
	for _, r := range results {
		if r.Server.Errors > 0 {
			problems = append(problems, fmt.Sprintf("%s: %d requests failed, the first with: %s", r.Op.Name, r.Server.Errors, r.Server.FirstError))
		}
		if r.Floor != nil && r.Floor.Errors > 0 {
			problems = append(problems, fmt.Sprintf("%s floor: %d failed, the first with: %s", r.Op.Name, r.Floor.Errors, r.Floor.FirstError))
		}
	}
	if slices.Max(counts) > maxQ1Statements {
		problems = append(problems, fmt.Sprintf("Q1 takes %s SQL statements at page sizes %s; at most %d are allowed", joinInts(counts, ", "), joinInts(pageSizes, ", "), maxQ1Statements))
	}
	if len(problems) > 0 {
		return fail("the workload did not run cleanly", errors.New(strings.Join(problems, "\n  ")))
	}
	return nil
}

// benchClient returns the server's ent client and a wrapper for its HTTP
// handler: plain, unless the server was started by "samverkan bench", which
// sets bench.CountSQLEnv to learn how many SQL statements each request
// takes and to profile it. Without -tags bench they are always plain.
func (a *app) benchClient(db *storage.DB) (*ent.Client, func(http.Handler) http.Handler) {
	if a.getenv(bench.CountSQLEnv) == "" {
		return db.Client(), func(h http.Handler) http.Handler { return h }
	}
	return bench.CountingClient(db), bench.Instrument
}

func selectOperations(names string) ([]bench.Operation, error) {
	var ops []bench.Operation
	for name := range strings.SplitSeq(names, ",") {
		name = strings.ToUpper(strings.TrimSpace(name))
		i := slices.IndexFunc(bench.Operations, func(op bench.Operation) bool { return op.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("no operation %q in the workload (Q1, Q2, Q3, Q4, M1)", name)
		}
		ops = append(ops, bench.Operations[i])
	}
	return ops, nil
}

// benchSchema creates a schema of its own for the benchmark, bench_<random>,
// in the PostgreSQL database at dsn, and returns a DSN whose search_path is
// that schema (pgx sends it as a run-time parameter, so every connection,
// the server's too, works in it) and a function that drops the schema with
// everything in it.
func benchSchema(ctx context.Context, dsn string) (schemaDSN string, drop func() error, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, fmt.Errorf("database URL: %w", err)
	}
	admin, err := storage.Open(dsn)
	if err != nil {
		return "", nil, err
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "bench_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA "`+name+`"`); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create schema %s: %w", name, err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	drop = func() error {
		defer admin.Close()
		// Not ctx: the schema goes also when the benchmark is interrupted.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA "`+name+`" CASCADE`); err != nil {
			return fmt.Errorf("drop schema %s: %w", name, err)
		}
		return nil
	}
	return u.String(), drop, nil
}

// buildNational makes a database at dsn (a SQLite file, or a PostgreSQL
// URL) with the national dataset, and says how long the dataset took to
// build.
func buildNational(ctx context.Context, dsn string) (*storage.DB, time.Duration, error) {
	db, err := storage.Open(dsn)
	if err != nil {
		return nil, 0, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, 0, err
	}
	start := time.Now()
	if err := seed.National(ctx, db.Client()); err != nil {
		db.Close()
		return nil, 0, err
	}
	took := time.Since(start)
	if err := analyze(ctx, db); err != nil {
		db.Close()
		return nil, 0, err
	}
	return db, took, nil
}

// analyze gathers the planner's statistics of the dataset's tables, as a
// database that has served for a while has them (PostgreSQL's autovacuum
// gathers them within a minute or so of a load; SQLite's are gathered
// when the server starts). On PostgreSQL only the tables of the
// benchmark's own schema.
func analyze(ctx context.Context, db *storage.DB) error {
	if db.Dialect != dialect.Postgres {
		_, err := db.ExecContext(ctx, "ANALYZE")
		return err
	}
	rows, err := db.QueryContext(ctx, "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema()")
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "ANALYZE "+strings.Join(tables, ", "))
	return err
}

func joinInts(ns []int, sep string) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, sep)
}
