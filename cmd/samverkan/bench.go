package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"golang.org/x/term"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

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

It fails when a request fails or Q1 takes more than 6 SQL statements.
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
	child, err := startChild(ctx, exe, filepath.Join(dir, "server.log"),
		[]string{bench.CountSQLEnv + "=1", "SAMVERKAN_ADMIN_PASSWORD=" + adminPassword}, serveArgs...)
	if err != nil {
		return fail("cannot start the server", err)
	}
	defer child.stop()
	fmt.Fprintf(a.stderr, "Server (pid %d) at %s; %d operations, concurrency %d, warm-up %s, counted %s each, server and floor in turn\n",
		child.cmd.Process.Pid, child.url, len(ops), cfg.Concurrency, cfg.Warmup, cfg.Duration)

	srv := bench.NewServer(child.url, cfg.Concurrency)
	if err := srv.SignIn(ctx, "admin", adminPassword); err != nil {
		return fail("cannot sign in", child.explain(err))
	}
	pageSizes := []int{1, bench.Q1PageSize, 100}
	counts, err := bench.StatementsAtPageSizes(ctx, srv, pageSizes...)
	if err != nil {
		return fail("cannot count Q1's statements", child.explain(err))
	}
	results, err := bench.Run(ctx, cfg, srv, db, ops)
	if err != nil {
		return fail("benchmark stopped", child.explain(err))
	}
	peak, peakErr := child.peakRSS()
	if err := child.stop(); err != nil {
		return fail("the server did not stop cleanly", child.explain(err))
	}

	out := a.stdout
	fmt.Fprintf(out, "\nSamverkan on bench/WORKLOAD.md, %s: concurrency %d, warm-up %s, counted %s per run.\n", backend, cfg.Concurrency, cfg.Warmup, cfg.Duration)
	fmt.Fprintln(out, "floor: the same read as hand-written SQL through database/sql on the same database; ratio: server ÷ floor.")
	fmt.Fprintln(out)
	if err := bench.WriteTable(out, results); err != nil {
		return err
	}
	fmt.Fprintln(out)
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
// takes and to profile it.
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
	return db, time.Since(start), nil
}

// child is "samverkan serve" running as a child process (of the
// benchmark, so that its memory is its own and can be measured; of a test
// that kills it).
type child struct {
	cmd     *exec.Cmd
	url     string
	logPath string
	exited  chan struct{}
	waitErr error
	stopped bool
}

// startChild runs the samverkan program exe with args (a serve), with env
// added to this process's environment, and waits until it says where it
// listens. Its log goes to logPath.
func startChild(ctx context.Context, exe, logPath string, env []string, args ...string) (*child, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s serve: %w", exe, err)
	}
	c := &child{cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, url, ok := strings.Cut(sc.Text(), "GraphQL API:"); ok {
				urls <- strings.TrimSpace(url)
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		c.waitErr = cmd.Wait()
		logFile.Close()
		close(c.exited)
	}()
	select {
	case c.url = <-urls:
		return c, nil
	case <-c.exited:
		return nil, c.explain(fmt.Errorf("the server exited before it listened: %v", c.waitErr))
	case <-time.After(30 * time.Second):
		c.stop()
		return nil, c.explain(errors.New("the server did not listen within 30 s"))
	case <-ctx.Done():
		c.stop()
		return nil, ctx.Err()
	}
}

// peakRSS returns the child's peak resident memory in bytes (Linux only).
func (c *child) peakRSS() (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("read the server's status: %w", err)
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("read VmHWM %q: %w", v, err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmHWM in the server's status")
}

// stop asks the child to shut down, as Ctrl-C would, and kills it if it
// has not within 15 s.
func (c *child) stop() error {
	if c.stopped {
		return nil
	}
	c.stopped = true
	_ = c.cmd.Process.Signal(os.Interrupt)
	select {
	case <-c.exited:
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
		return errors.New("the server did not shut down within 15 s and was killed")
	}
	return c.waitErr
}

// kill stops the child at once with SIGKILL, as a power cut or the OOM
// killer would: no shutdown, no last writes.
func (c *child) kill() {
	c.stopped = true
	_ = c.cmd.Process.Kill()
	<-c.exited
}

// explain adds the end of the server's log to err.
func (c *child) explain(err error) error {
	log, _ := os.ReadFile(c.logPath)
	if len(log) == 0 {
		return err
	}
	lines := strings.Split(strings.TrimSpace(string(log)), "\n")
	return fmt.Errorf("%w\nthe server's log ends with:\n%s", err, strings.Join(lines[max(0, len(lines)-10):], "\n"))
}

func joinInts(ns []int, sep string) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, sep)
}
