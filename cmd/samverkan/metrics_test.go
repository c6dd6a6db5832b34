package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/samverkan/samverkan/storage/storagetest"
)

// --metrics-addr serves /metrics in Prometheus' text format on an address
// of its own: requests by operation and outcome, refusals by code, the
// latency histogram; the API's address has no /metrics.
func TestMetrics(t *testing.T) {
	db := storagetest.Open(t)
	s := startServer(t, db.DSN, "--metrics-addr", "127.0.0.1:0")
	m := regexp.MustCompile(`Metrics: +(http://\S+/metrics)`).FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("serve did not print the metrics' address:\n%s", s.stdout)
	}
	s.graphql(t, `query Plans { plans { totalCount } }`)
	s.graphql(t, `query Plans { plans { totalCount } }`)
	// Without a token: GraphQL answers (the operation is known) with
	// UNAUTHENTICATED.
	if _, err := s.post(`mutation Change { createMunicipality(input: {code: "0180", name: "Stockholm"}) { id } }`, nil); err == nil || !strings.Contains(err.Error(), "UNAUTHENTICATED") {
		t.Fatalf("a change without a token: %v, want UNAUTHENTICATED", err)
	}
	scrape := func(url string) (int, string) {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	status, body := scrape(m[1])
	if status != http.StatusOK {
		t.Fatalf("GET /metrics: %d", status)
	}
	for _, want := range []string{
		`samverkan_requests_total{operation="Plans",outcome="ok"} 2`,
		`samverkan_requests_total{operation="Change",outcome="UNAUTHENTICATED"} 1`,
		`samverkan_refused_requests_total{code="UNAUTHENTICATED"} 1`,
		`samverkan_database_errors_total 0`,
		`samverkan_request_duration_seconds_bucket{le="+Inf"} 3`,
		`samverkan_request_duration_seconds_count 3`,
		"# TYPE samverkan_request_duration_seconds histogram",
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics has no line %q:\n%s", want, body)
		}
	}
	// Every line is a comment or "name{labels} value".
	line := regexp.MustCompile(`^(# (HELP|TYPE) .+|[a-z_]+(\{[a-z]+="[^"]*"(,[a-z]+="[^"]*")*\})? [0-9.e+-]+)$`)
	for _, l := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		if !line.MatchString(l) {
			t.Errorf("not a line of the text format: %q", l)
		}
	}
	// Writes on SQLite show in the writer queue's metrics; PostgreSQL
	// has no queue, and no such metrics.
	s.signIn(t)
	s.graphql(t, `mutation { createMunicipality(input: {code: "0180", name: "Stockholm"}) { id } }`)
	_, body = scrape(m[1])
	group := regexp.MustCompile(`samverkan_writer_group_size_count (\d+)\n`).FindStringSubmatch(body)
	switch {
	case db.Dialect == dialect.SQLite && (group == nil || group[1] == "0" || !strings.Contains(body, "samverkan_writers_waiting 0\n")):
		t.Errorf("no writer queue metrics after a write on SQLite:\n%s", body)
	case db.Dialect != dialect.SQLite && group != nil:
		t.Errorf("writer queue metrics on %s:\n%s", db.Dialect, body)
	}
	// A search's count, twice: counted, then given from those kept.
	search := `query Search { activities(where: {titleContainsFold: "kultur"}) { totalCount } }`
	s.graphql(t, search)
	s.graphql(t, search)
	_, body = scrape(m[1])
	kept := regexp.MustCompile(`samverkan_search_counts_total\{from="kept"\} (\d+)\n`).FindStringSubmatch(body)
	counted := regexp.MustCompile(`samverkan_search_counts_total\{from="counted"\} (\d+)\n`).FindStringSubmatch(body)
	switch {
	case db.Dialect == dialect.SQLite && (kept == nil || counted == nil || kept[1] == "0" || counted[1] == "0"):
		t.Errorf("no kept and counted searches' counts after two searches on SQLite:\n%s", body)
	case db.Dialect != dialect.SQLite && kept != nil:
		t.Errorf("searches' counts on %s, which keeps none:\n%s", db.Dialect, body)
	}
	if status, _ := scrape(s.base + "/metrics"); status == http.StatusOK {
		t.Error("the API's address serves /metrics too; want it only on --metrics-addr")
	}
}

// Without --metrics-addr there are no metrics.
func TestMetricsOffByDefault(t *testing.T) {
	s := startServer(t, storagetest.Open(t).DSN)
	if strings.Contains(s.stdout.String(), "Metrics:") {
		t.Errorf("serve without --metrics-addr printed a metrics address:\n%s", s.stdout)
	}
}
