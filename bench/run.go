package bench

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/storage"
)

// Config says how hard and how long to measure.
type Config struct {
	// Concurrency is the number of requests in flight at once.
	Concurrency int
	// Warmup is run, and not counted, before each measurement.
	Warmup time.Duration
	// Duration is the counted time of each measurement.
	Duration time.Duration
	// Progress, if set, receives a progress line while a measurement runs.
	Progress io.Writer
	// Live rewrites the progress line in place (for a terminal) rather
	// than printing a new one every few seconds (for a log).
	Live bool
	// ProfileDir, if set, receives a CPU profile of the server for the
	// counted time of each operation, named after it (Q1.pprof).
	ProfileDir string
	// ServerCPU, if set, tells the CPU time (user and system) the server
	// has used since it started: each measurement of the server then
	// gives its CPU time per request over the counted time, a figure that
	// moves less with the machine's speed than the requests a second.
	ServerCPU func() (time.Duration, error)
}

// Measurement is what one run of one operation measured.
type Measurement struct {
	Requests int
	Errors   int
	// FirstError describes the first failed request, if any did.
	FirstError string
	Elapsed    time.Duration
	// latencies are sorted.
	latencies []time.Duration
	// counts are the sums of the counts the server reported.
	counts Counts
	// fallbacks counts the root fields the server's read compiler left to
	// the resolvers (samverkan.ReadFallbacksHeader).
	fallbacks int
	// writes is the part of a mixed measurement that wrote, when it is
	// not nil; the rest are reads.
	writes *Measurement
	// cpu is the server's CPU time over the counted time, reads and
	// writes together; 0 if unknown.
	cpu time.Duration
}

// CPUPerRequest is the server's CPU time per request answered in the
// counted time, reads and writes together; 0 if unknown.
func (m *Measurement) CPUPerRequest() time.Duration {
	n := m.Requests
	if m.writes != nil {
		n += m.writes.Requests
	}
	if m.cpu <= 0 || n == 0 {
		return 0
	}
	return m.cpu / time.Duration(n)
}

// PerSecond is the throughput: requests answered per second.
func (m *Measurement) PerSecond() float64 {
	if m.Elapsed <= 0 {
		return 0
	}
	return float64(m.Requests) / m.Elapsed.Seconds()
}

// Percentile returns the latency that p (0–100) per cent of the requests
// stayed within.
func (m *Measurement) Percentile(p float64) time.Duration {
	if len(m.latencies) == 0 {
		return 0
	}
	i := int(float64(len(m.latencies))*p/100+0.5) - 1
	return m.latencies[max(0, min(i, len(m.latencies)-1))]
}

// Fallbacks is the number of root fields the server answered with its
// resolvers rather than compiled SQL, over the counted requests.
func (m *Measurement) Fallbacks() int { return m.fallbacks }

// Statements is the mean number of SQL statements per request.
func (m *Measurement) Statements() float64 { return m.mean(m.counts.Statements) }

// RoundTrips is the mean number of round trips to PostgreSQL per request:
// statements sent together travel once. 0 on SQLite.
func (m *Measurement) RoundTrips() float64 { return m.mean(m.counts.RoundTrips) }

func (m *Measurement) mean(sum int) float64 {
	if m.Requests == 0 {
		return 0
	}
	return float64(sum) / float64(m.Requests)
}

// request runs the i-th request of a measurement and returns what the
// server reported of it.
type request func(ctx context.Context, i int) (reply, error)

// reply is what the server reported of a request: its counts (0 when
// unknown) and read fallbacks, and whether it was a write.
type reply struct {
	Counts
	fallbacks int
	write     bool
}

// measure runs req from cfg.Concurrency goroutines: for cfg.Warmup without
// counting, then for cfg.Duration counting. A request is counted when it
// starts within the counted time; the time ends when the last of them has
// been answered.
func measure(ctx context.Context, cfg Config, label string, req request) *Measurement {
	var (
		seq  atomic.Int64 // the next request's number
		done atomic.Int64 // requests answered, for the progress line
	)
	start := time.Now()
	warmEnd := start.Add(cfg.Warmup)
	end := warmEnd.Add(cfg.Duration)

	stopProgress := progress(cfg, label, start, warmEnd, end, &done)
	defer stopProgress()
	cpuAt := serverCPUFrom(ctx, cfg, warmEnd)

	type tally struct {
		latencies      []time.Duration
		writeLatencies []time.Duration
		errors         int
		firstError     string
		reads, writes  Counts
		fallbacks      int
	}
	tallies := make([]tally, cfg.Concurrency)
	var wg sync.WaitGroup
	for w := range cfg.Concurrency {
		wg.Go(func() {
			t := &tallies[w]
			for ctx.Err() == nil {
				now := time.Now()
				if !now.Before(end) {
					return
				}
				isCounted := !now.Before(warmEnd)
				i := int(seq.Add(1) - 1)
				r, err := req(ctx, i)
				took := time.Since(now)
				done.Add(1)
				if !isCounted {
					continue
				}
				if r.write {
					t.writeLatencies = append(t.writeLatencies, took)
					t.writes.add(r.Counts)
				} else {
					t.latencies = append(t.latencies, took)
					t.reads.add(r.Counts)
				}
				t.fallbacks += r.fallbacks
				if err != nil {
					if t.errors == 0 {
						t.firstError = err.Error()
					}
					t.errors++
				}
			}
		})
	}
	wg.Wait()
	// A run of writes alone (M1) counts them as its requests; a mixed run
	// counts its reads, and its writes apart.
	m := &Measurement{Elapsed: time.Since(warmEnd), cpu: cpuAt()}
	var writes []time.Duration
	var writeCounts Counts
	for _, t := range tallies {
		writeCounts.add(t.writes)
		m.latencies = append(m.latencies, t.latencies...)
		writes = append(writes, t.writeLatencies...)
		m.counts.add(t.reads)
		m.fallbacks += t.fallbacks
		if t.errors > 0 && m.Errors == 0 {
			m.FirstError = t.firstError
		}
		m.Errors += t.errors
	}
	if len(m.latencies) == 0 {
		m.latencies, writes = writes, nil
		m.counts = writeCounts
	}
	m.Requests = len(m.latencies)
	slices.Sort(m.latencies)
	if len(writes) > 0 {
		slices.Sort(writes)
		m.writes = &Measurement{Elapsed: m.Elapsed, Requests: len(writes), latencies: writes, counts: writeCounts}
	}
	return m
}

// serverCPUFrom reads the server's CPU time at from (cfg.ServerCPU) and
// returns a function that gives the CPU time it has used since; 0 when
// cfg has no ServerCPU, or either reading failed.
func serverCPUFrom(ctx context.Context, cfg Config, from time.Time) func() time.Duration {
	if cfg.ServerCPU == nil {
		return func() time.Duration { return 0 }
	}
	start := make(chan time.Duration, 1)
	go func() {
		select {
		case <-time.After(time.Until(from)):
		case <-ctx.Done():
			start <- -1
			return
		}
		c, err := cfg.ServerCPU()
		if err != nil {
			c = -1
		}
		start <- c
	}()
	return func() time.Duration {
		c0 := <-start
		c1, err := cfg.ServerCPU()
		if err != nil || c0 < 0 || c1 < c0 {
			return 0
		}
		return c1 - c0
	}
}

// progress prints the progress line every second until it is stopped.
func progress(cfg Config, label string, start, warmEnd, end time.Time, done *atomic.Int64) (stop func()) {
	if cfg.Progress == nil {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		var lastDone int64
		lastAt := start
		for i := 1; ; i++ {
			select {
			case <-quit:
				if cfg.Live {
					fmt.Fprintf(cfg.Progress, "\r\033[K")
				}
				return
			case now := <-tick.C:
				n := done.Load()
				rate := float64(n-lastDone) / now.Sub(lastAt).Seconds()
				lastDone, lastAt = n, now
				phase := fmt.Sprintf("warm-up %2.0fs left", warmEnd.Sub(now).Seconds())
				if !now.Before(warmEnd) {
					phase = fmt.Sprintf("counting %2.0fs left", max(0, end.Sub(now).Seconds()))
				}
				line := fmt.Sprintf("  %-12s %s  %8s req/s", label, phase, thousands(rate))
				switch {
				case cfg.Live:
					fmt.Fprintf(cfg.Progress, "\r\033[K%s", line)
				case i%5 == 0:
					fmt.Fprintln(cfg.Progress, line)
				}
			}
		}
	}()
	return func() { close(quit); <-finished }
}

// Server sends the workload's requests to a running Samverkan.
type Server struct {
	url    string
	client *client
	err    error  // why there is no client: the endpoint is not one it can speak to
	token  string // a session's, sent with writes (reads are public)
}

// NewServer returns a client for the GraphQL endpoint at url (http://),
// with a connection for each of concurrency requests in flight.
func NewServer(url string, concurrency int) *Server {
	c, err := newClient(url, concurrency)
	return &Server{url: url, client: c, err: err}
}

// SignIn signs in as the user, for the writes.
func (s *Server) SignIn(ctx context.Context, username, password string) error {
	login := Operation{Name: "SignIn", Query: `mutation SignIn($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
		Vars: func(*Targets, int) map[string]any { return map[string]any{"u": username, "p": password} }}
	data, _, err := s.Post(ctx, login, nil, 0)
	if err != nil {
		return fmt.Errorf("sign in as %s: %w", username, err)
	}
	var res struct {
		Data struct{ Login struct{ Token string } }
	}
	if err := json.Unmarshal(data, &res); err != nil || res.Data.Login.Token == "" {
		return fmt.Errorf("sign in as %s: no token in %s", username, excerpt(data))
	}
	s.token = res.Data.Login.Token
	return nil
}

// Counts are the SQL statements of one request, and on PostgreSQL its
// round trips to the database (0 on SQLite), as the server reported them;
// or their sums over requests.
type Counts struct{ Statements, RoundTrips int }

func (c *Counts) add(o Counts) {
	c.Statements += o.Statements
	c.RoundTrips += o.RoundTrips
}

// Post sends the i-th request of op and returns the response body and the
// counts the server reported. A response that is not 200 or that has
// errors is an error.
func (s *Server) Post(ctx context.Context, op Operation, t *Targets, i int) ([]byte, Counts, error) {
	body, r, err := s.post(ctx, op, t, i, true)
	return body, r.Counts, err
}

// headersRead are the response headers post reads, by lower-case name.
var headersRead = []string{strings.ToLower(StatementsHeader), strings.ToLower(samverkan.ReadFallbacksHeader), strings.ToLower(RoundTripsHeader)}

// post sends the i-th request of op. It returns the response body (a copy:
// the connection's buffer is used again) when keep is set or the request
// failed, and its excerpt in the error of a failed request.
func (s *Server) post(ctx context.Context, op Operation, t *Targets, i int, keep bool) ([]byte, reply, error) {
	r := reply{write: op.Floor == nil}
	if s.err != nil {
		return nil, r, s.err
	}
	body, err := json.Marshal(map[string]any{"query": op.Query, "operationName": op.Name, "variables": op.Vars(t, i)})
	if err != nil {
		return nil, r, fmt.Errorf("%s: %w", op.Name, err)
	}
	var extra string
	if op.Floor == nil && s.token != "" {
		// Only writes carry the token: the reads are a public frontend's,
		// and a token would add its lookup to every one of them.
		extra = "Authorization: Bearer " + s.token + "\r\n"
	}
	var data []byte
	err = s.client.do(ctx, extra, body, headersRead, func(res *response) error {
		r.Statements, _ = strconv.Atoi(res.header[headersRead[0]])
		r.fallbacks, _ = strconv.Atoi(res.header[headersRead[1]])
		r.RoundTrips, _ = strconv.Atoi(res.header[headersRead[2]])
		// gqlgen writes "errors" first when there are any, so the prefix
		// tells without decoding the whole answer on the load
		// generator's CPU.
		failed := res.status != http.StatusOK || bytes.HasPrefix(res.body, []byte(`{"errors"`))
		if keep || failed {
			data = bytes.Clone(res.body)
		}
		if failed {
			return fmt.Errorf("status %d: %s", res.status, excerpt(res.body))
		}
		return nil
	})
	if err != nil {
		return data, r, fmt.Errorf("%s: %w", op.Name, err)
	}
	return data, r, nil
}

func excerpt(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// Result is one operation measured on the server and, for a read, on the
// floor.
type Result struct {
	Op     Operation
	Server *Measurement
	Floor  *Measurement // nil for a write
	// KeptCounts are the server's counts of searches while the operation
	// ran (X1's on its reads' row).
	KeptCounts KeptCounts
}

// Run measures every operation in ops on the server and, alternating with
// it, every read on the floor over db. Before measuring an operation it
// checks that the server and the floor give the same answer.
func Run(ctx context.Context, cfg Config, srv *Server, db *storage.DB, ops []Operation) ([]Result, error) {
	t, err := LoadTargets(ctx, db.DB)
	if err != nil {
		return nil, err
	}
	// database/sql keeps two idle connections unless told otherwise: at a
	// higher concurrency the floor would open and close connections (to
	// SQLite or PostgreSQL) all the time, and measure that.
	db.SetMaxIdleConns(cfg.Concurrency)
	floor := NewFloor(db)
	var results []Result
	for _, op := range ops {
		if op.Name == MixedName {
			mixed, err := measureMixed(ctx, cfg, srv, db.DB, t)
			results = append(results, mixed...)
			if err != nil {
				return results, err
			}
			continue
		}
		if err := Check(ctx, srv, floor, op, t); err != nil {
			return results, err
		}
		l, err := openLedger(ctx, db.DB, op.Name)
		if err != nil {
			return results, err
		}
		r := Result{Op: op}
		keptBefore, err := srv.keptCounts(ctx)
		if err != nil {
			return results, err
		}
		profiled := make(chan error, 1)
		if cfg.ProfileDir != "" {
			go func() { profiled <- srv.profile(ctx, cfg, filepath.Join(cfg.ProfileDir, op.Name+".pprof")) }()
		} else {
			profiled <- nil
		}
		r.Server = measure(ctx, cfg, op.Name+" server", func(ctx context.Context, i int) (reply, error) {
			_, r, err := srv.post(ctx, op, t, i, false)
			l.note(r, err)
			return r, err
		})
		if err := <-profiled; err != nil {
			return results, fmt.Errorf("profile %s: %w", op.Name, err)
		}
		if err := l.close(ctx); err != nil {
			return results, err
		}
		keptAfter, err := srv.keptCounts(ctx)
		if err != nil {
			return results, err
		}
		r.KeptCounts = keptAfter.since(keptBefore)
		if op.Floor != nil {
			floorCfg := cfg
			floorCfg.ServerCPU = nil // the server idles while the floor runs
			r.Floor = measure(ctx, floorCfg, op.Name+" floor", func(ctx context.Context, i int) (reply, error) {
				return reply{}, op.Floor(ctx, floor, t, i)
			})
		}
		results = append(results, r)
		if err := ctx.Err(); err != nil {
			return results, err
		}
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "  %-12s %s req/s, p99 %s, %d errors\n", op.Name+" done",
				thousands(r.Server.PerSecond()), ms(r.Server.Percentile(99)), r.Server.Errors)
		}
	}
	return results, nil
}

// MixedName names the mixed operation X1 in Operations: every tenth
// request is M1, the others Q1–Q4 in turn, so that the figures show
// whether reads starve while writes commit.
const MixedName = "X1"

// measureMixed measures X1 and returns it as two rows: its reads and its
// writes, each with its own latencies, from the one run.
func measureMixed(ctx context.Context, cfg Config, srv *Server, db *sql.DB, t *Targets) ([]Result, error) {
	var reads, writes []Operation
	for _, op := range Operations {
		switch {
		case op.Name == MixedName:
		case op.Floor != nil:
			reads = append(reads, op)
		default:
			writes = append(writes, op)
		}
	}
	l, err := openLedger(ctx, db, MixedName)
	if err != nil {
		return nil, err
	}
	keptBefore, err := srv.keptCounts(ctx)
	if err != nil {
		return nil, err
	}
	m := measure(ctx, cfg, MixedName+" server", func(ctx context.Context, i int) (reply, error) {
		op := reads[(i-i/10)%len(reads)]
		if i%10 == 9 {
			op = writes[(i/10)%len(writes)]
		}
		_, r, err := srv.post(ctx, op, t, i, false)
		l.note(r, err)
		return r, err
	})
	w := m.writes
	if w == nil {
		w = &Measurement{Elapsed: m.Elapsed}
	}
	m.writes = nil
	results := []Result{
		{Op: Operation{Name: MixedName, Title: "mixed: its reads"}, Server: m},
		{Op: Operation{Name: MixedName, Title: "mixed: its writes"}, Server: w},
	}
	if err := l.close(ctx); err != nil {
		return results, err
	}
	keptAfter, err := srv.keptCounts(ctx)
	results[0].KeptCounts = keptAfter.since(keptBefore)
	return results, err
}

// ledger checks that every write the server acknowledged while an
// operation was measured changed an activity's status: one status change
// recorded per write answered without an error. A write that changes
// nothing is answered without writing, and a benchmark of those measures
// reads (see Targets.nextStatus).
type ledger struct {
	db       *sql.DB
	op       string
	before   int
	answered atomic.Int64
}

func openLedger(ctx context.Context, db *sql.DB, op string) (*ledger, error) {
	l := &ledger{db: db, op: op}
	var err error
	if l.before, err = statusChanges(ctx, db); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return l, nil
}

// note counts a request's answer.
func (l *ledger) note(r reply, err error) {
	if r.write && err == nil {
		l.answered.Add(1)
	}
}

// close compares the writes answered with the status changes recorded. An
// interrupted run has nothing to compare: a write cancelled on its way may
// have been recorded.
func (l *ledger) close(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	after, err := statusChanges(ctx, l.db)
	if err != nil {
		return fmt.Errorf("%s: %w", l.op, err)
	}
	if recorded, answered := after-l.before, l.answered.Load(); int64(recorded) != answered {
		return fmt.Errorf("%s: the server answered %d writes, and %d status changes were recorded: "+
			"the benchmark measured writes that changed nothing, or lost some", l.op, answered, recorded)
	}
	return nil
}

func statusChanges(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM status_changes").Scan(&n); err != nil {
		return 0, fmt.Errorf("count status changes: %w", err)
	}
	return n, nil
}

// KeptCounts are the counts of searches (a connection's totalCount under a
// titleContainsFold) the server gave while an operation ran, warm-up
// included: Hits from those it kept, Misses counted in the statement (see
// search/counts.go). Both are zero on PostgreSQL, which keeps none.
type KeptCounts struct {
	Hits, Misses uint64
}

func (k KeptCounts) since(before KeptCounts) KeptCounts {
	return KeptCounts{Hits: k.Hits - before.Hits, Misses: k.Misses - before.Misses}
}

// keptCountsPath is where Instrument serves search.CountStats.
const keptCountsPath = "/debug/search-counts"

// keptCounts reads the server's kept counts so far, from Instrument's
// keptCountsPath.
func (s *Server) keptCounts(ctx context.Context) (KeptCounts, error) {
	var k KeptCounts
	url := strings.TrimSuffix(s.url, "/graphql") + keptCountsPath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return k, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return k, fmt.Errorf("read the kept counts: %w", err)
	}
	defer res.Body.Close()
	if _, err := fmt.Fscan(res.Body, &k.Hits, &k.Misses); err != nil || res.StatusCode != http.StatusOK {
		return k, fmt.Errorf("read the kept counts: %s answered %s (%v)", url, res.Status, err)
	}
	return k, nil
}

// profile waits for the warm-up to end and writes a CPU profile of the
// server for the counted time to path.
func (s *Server) profile(ctx context.Context, cfg Config, path string) error {
	select {
	case <-time.After(cfg.Warmup):
	case <-ctx.Done():
		return ctx.Err()
	}
	url := fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", strings.TrimSuffix(s.url, "/graphql"), max(1, int(cfg.Duration.Seconds())))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, res.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// StatementsAtPageSizes returns the SQL statements Q1 takes at each page
// size, as the server reports them.
func StatementsAtPageSizes(ctx context.Context, srv *Server, sizes ...int) ([]int, error) {
	var counts []int
	for _, n := range sizes {
		op := Operations[0]
		op.Vars = func(*Targets, int) map[string]any { return map[string]any{"first": n} }
		_, c, err := srv.Post(ctx, op, nil, 0)
		if err != nil {
			return nil, err
		}
		counts = append(counts, c.Statements)
	}
	return counts, nil
}
