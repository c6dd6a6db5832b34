// Package metrics counts the requests the server answers and writes the
// counts in Prometheus' text exposition format (version 0.0.4), by hand:
// a few counters and one histogram need no client library.
package metrics

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/search"
	"github.com/samverkan/samverkan/storage"
)

// maxOperations is how many distinct operation names get a series of
// their own; the names are the clients' to choose, so later ones are
// counted together as "(other)" rather than growing the output forever.
const maxOperations = 200

// buckets are the latency histogram's upper bounds, in seconds: from a
// cached read to the 10 s request timeout.
var buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Metrics is what the server has answered since it started.
type Metrics struct {
	mu             sync.Mutex
	requests       map[requestKey]uint64
	operations     map[string]bool
	refused        map[string]uint64
	databaseErrors uint64
	latency        []uint64 // per bucket, not cumulative; the last is +Inf
	latencySum     float64
	latencyCount   uint64

	// writers, if set, reads the SQLite writer queue at every scrape.
	writers func() (storage.WriterStats, bool)
}

// WatchWriters adds the writer queue of a SQLite database to the metrics:
// how many writers wait, and the sizes of the groups committed.
func (m *Metrics) WatchWriters(db *storage.DB) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.writers = db.WriterStats
}

type requestKey struct{ operation, outcome string }

// New returns empty metrics.
func New() *Metrics {
	return &Metrics{
		requests:   map[requestKey]uint64{},
		operations: map[string]bool{},
		refused:    map[string]uint64{},
		latency:    make([]uint64, len(buckets)+1),
	}
}

// Observe counts a finished request; it is a server.Observer.
//
// The operation is the GraphQL operation's name, "(anonymous)" for a
// GraphQL request without one, and "(http)" for the other routes (the
// admin page, the reports, /healthz). The outcome is "ok", or the code
// of the first error the response carries (VALIDATION, RATE_LIMITED,
// INTERNAL...), or HTTP_<status> for an error status without a code.
// A request whose outcome is a code other than INTERNAL was refused, and
// is counted by that code too.
func (m *Metrics) Observe(hr *http.Request, r *samverkan.Request, status int, d time.Duration) {
	codes, databaseErrors := r.Outcome()
	operation, named := r.Operation, r.Operation != ""
	if !named {
		operation = "(http)"
		if hr.URL.Path == "/graphql" {
			operation = "(anonymous)"
		}
	}
	outcome := "ok"
	switch {
	case len(codes) > 0:
		outcome = string(codes[0])
	case status >= 400:
		outcome = fmt.Sprintf("HTTP_%d", status)
	}
	i, _ := slices.BinarySearch(buckets, d.Seconds())

	m.mu.Lock()
	defer m.mu.Unlock()
	if named && !m.operations[operation] {
		if len(m.operations) >= maxOperations {
			operation = "(other)"
		}
		m.operations[operation] = true
	}
	m.requests[requestKey{operation, outcome}]++
	if len(codes) > 0 && codes[0] != samverkan.CodeInternal {
		m.refused[string(codes[0])]++
	}
	m.databaseErrors += uint64(databaseErrors)
	m.latency[i]++
	m.latencySum += d.Seconds()
	m.latencyCount++
}

// ServeHTTP writes the metrics in Prometheus' text format.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	m.WriteTo(w)
}

// WriteTo writes the metrics in Prometheus' text format, each series in a
// fixed order so that two scrapes are easy to compare.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder

	b.WriteString("# HELP samverkan_requests_total Requests answered, by GraphQL operation and outcome (ok or the first error's code).\n")
	b.WriteString("# TYPE samverkan_requests_total counter\n")
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b requestKey) int {
		return strings.Compare(a.operation+"\x00"+a.outcome, b.operation+"\x00"+b.outcome)
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "samverkan_requests_total{operation=\"%s\",outcome=\"%s\"} %d\n", label(k.operation), label(k.outcome), m.requests[k])
	}

	b.WriteString("# HELP samverkan_refused_requests_total Requests refused as the client's mistake or over a limit, by error code.\n")
	b.WriteString("# TYPE samverkan_refused_requests_total counter\n")
	for _, code := range slices.Sorted(maps.Keys(m.refused)) {
		fmt.Fprintf(&b, "samverkan_refused_requests_total{code=\"%s\"} %d\n", label(code), m.refused[code])
	}

	b.WriteString("# HELP samverkan_database_errors_total Errors the database raised in answering requests (constraint violations, the client's, left out).\n")
	b.WriteString("# TYPE samverkan_database_errors_total counter\n")
	fmt.Fprintf(&b, "samverkan_database_errors_total %d\n", m.databaseErrors)

	b.WriteString("# HELP samverkan_request_duration_seconds Time from a request's arrival to its answer.\n")
	b.WriteString("# TYPE samverkan_request_duration_seconds histogram\n")
	var cumulative uint64
	for i, le := range buckets {
		cumulative += m.latency[i]
		fmt.Fprintf(&b, "samverkan_request_duration_seconds_bucket{le=\"%g\"} %d\n", le, cumulative)
	}
	cumulative += m.latency[len(buckets)]
	fmt.Fprintf(&b, "samverkan_request_duration_seconds_bucket{le=\"+Inf\"} %d\n", cumulative)
	fmt.Fprintf(&b, "samverkan_request_duration_seconds_sum %g\n", m.latencySum)
	fmt.Fprintf(&b, "samverkan_request_duration_seconds_count %d\n", m.latencyCount)

	if m.writers != nil {
		if s, ok := m.writers(); ok {
			b.WriteString("# HELP samverkan_writers_waiting Transactions waiting for their turn to write (SQLite).\n")
			b.WriteString("# TYPE samverkan_writers_waiting gauge\n")
			fmt.Fprintf(&b, "samverkan_writers_waiting %d\n", s.Waiting)
			b.WriteString("# HELP samverkan_writer_group_size Transactions committed together in one SQLite commit (group commit).\n")
			b.WriteString("# TYPE samverkan_writer_group_size histogram\n")
			var cumulative uint64
			for i, le := range storage.GroupSizeBuckets {
				cumulative += s.Groups[i]
				fmt.Fprintf(&b, "samverkan_writer_group_size_bucket{le=\"%d\"} %d\n", le, cumulative)
			}
			cumulative += s.Groups[len(storage.GroupSizeBuckets)]
			fmt.Fprintf(&b, "samverkan_writer_group_size_bucket{le=\"+Inf\"} %d\n", cumulative)
			fmt.Fprintf(&b, "samverkan_writer_group_size_sum %d\n", s.Members)
			fmt.Fprintf(&b, "samverkan_writer_group_size_count %d\n", cumulative)
			hits, misses := search.CountStats()
			b.WriteString("# HELP samverkan_search_counts_total Counts of searches' matches (totalCount under a …ContainsFold) given from those kept at the index's version, and counted (SQLite).\n")
			b.WriteString("# TYPE samverkan_search_counts_total counter\n")
			fmt.Fprintf(&b, "samverkan_search_counts_total{from=\"kept\"} %d\n", hits)
			fmt.Fprintf(&b, "samverkan_search_counts_total{from=\"counted\"} %d\n", misses)
		}
	}

	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// label escapes a label value as the text format wants: backslash, double
// quote and line feed.
func label(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}
