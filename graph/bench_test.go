package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/bench"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/storage"
)

// national is the national dataset, built once per test binary and only if
// a benchmark asks for it (it takes seconds).
var national struct {
	once sync.Once
	dir  string
	db   *storage.DB
	err  error
}

func nationalDB(b *testing.B) *storage.DB {
	b.Helper()
	national.once.Do(func() {
		national.dir, national.err = os.MkdirTemp("", "samverkan-graph-bench-")
		if national.err != nil {
			return
		}
		national.db, national.err = storage.Open(filepath.Join(national.dir, "national.db"))
		if national.err != nil {
			return
		}
		ctx := context.Background()
		if national.err = national.db.Migrate(ctx); national.err == nil {
			national.err = seed.National(ctx, national.db.Client())
		}
	})
	if national.err != nil {
		b.Fatal(national.err)
	}
	return national.db
}

func TestMain(m *testing.M) {
	code := m.Run()
	if national.db != nil {
		national.db.Close()
	}
	if national.dir != "" {
		os.RemoveAll(national.dir)
	}
	os.Exit(code)
}

// BenchmarkWorkload runs the reads of bench/WORKLOAD.md (Q1–Q4) on the
// national dataset through the GraphQL handler, in process: no network,
// one request at a time, so that benchstat can compare a change's effect
// on the resolvers. It reports the SQL statements per request as sql/op.
//
//	go test -run '^$' -bench Workload -count 10 ./graph/ > old.txt
func BenchmarkWorkload(b *testing.B) {
	db := nationalDB(b)
	targets, err := bench.LoadTargets(context.Background(), db.DB)
	if err != nil {
		b.Fatal(err)
	}
	client := bench.CountingClient(db)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	handlers := []struct {
		name string
		h    http.Handler
	}{
		{"resolvers", bench.Instrument(graph.NewHandler(client, accounts.New(client), log))},
		{"compiled", bench.Instrument(graph.NewHandler(client, accounts.New(client), log, graph.WithCompiledReads(db.Dialect)))},
	}
	for _, hh := range handlers {
		for _, op := range bench.Operations[:4] {
			benchmarkOperation(b, hh.name, hh.h, op, targets)
		}
	}
}

// BenchmarkWrite runs the workload's write (M1: an activity's status
// changed by a signed-in admin) on the national dataset through the GraphQL
// handler, in process and one at a time, each committed on its own: its
// allocations are what this measures well (the time is mostly the disk's
// sync).
//
//	go test -run '^$' -bench Write -count 10 ./graph/ > old.txt
func BenchmarkWrite(b *testing.B) {
	db := nationalDB(b)
	ctx := context.Background()
	targets, err := bench.LoadTargets(ctx, db.DB)
	if err != nil {
		b.Fatal(err)
	}
	client := bench.CountingClient(db)
	if _, err := accounts.EnsureFirstAdmin(ctx, client, "benchmark-password"); err != nil {
		b.Fatal(err)
	}
	users, err := accounts.ListUsers(ctx, client)
	if err != nil || len(users) == 0 {
		b.Fatal("no admin", err)
	}
	admin := &auth.Viewer{UserID: users[0].ID, Username: users[0].Username, Role: users[0].Role}
	h := bench.Instrument(graph.NewHandler(client, accounts.New(client), slog.New(slog.NewTextHandler(io.Discard, nil))))
	op := bench.Operations[4]
	b.ReportAllocs()
	statements, i := 0, 0
	for b.Loop() {
		// Each request changes another activity to a status it has not.
		b.StopTimer()
		body, err := json.Marshal(map[string]any{"query": op.Query, "variables": op.Vars(targets, i)})
		if err != nil {
			b.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req = req.WithContext(auth.NewContext(req.Context(), admin))
		rec := httptest.NewRecorder()
		b.StartTimer()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
			b.Fatalf("%s: %d %s", op.Name, rec.Code, rec.Body)
		}
		n, _ := strconv.Atoi(rec.Header().Get(bench.StatementsHeader))
		statements += n
		i++
	}
	b.ReportMetric(float64(statements)/float64(i), "sql/op")
}

// benchmarkOperation measures op through h, as the sub-benchmark op/name.
func benchmarkOperation(b *testing.B, name string, h http.Handler, op bench.Operation, targets *bench.Targets) {
	b.Run(op.Name+"/"+name, func(b *testing.B) {
		// The requests' bodies are made before the clock starts; they
		// name different municipalities and plans in turn.
		bodies := make([][]byte, 64)
		for i := range bodies {
			var err error
			bodies[i], err = json.Marshal(map[string]any{"query": op.Query, "variables": op.Vars(targets, i)})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		statements, i := 0, 0
		for b.Loop() {
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(bodies[i%len(bodies)]))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || bytes.HasPrefix(rec.Body.Bytes(), []byte(`{"errors"`)) {
				b.Fatalf("%s: %d %s", op.Name, rec.Code, rec.Body)
			}
			n, _ := strconv.Atoi(rec.Header().Get(bench.StatementsHeader))
			statements += n
			i++
		}
		b.ReportMetric(float64(statements)/float64(i), "sql/op")
	})
}
