package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/ent"
	_ "github.com/samverkan/samverkan/ent/runtime"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/server/servertest"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// testServer is the real handler over a real database (a SQLite file, or
// PostgreSQL: see storagetest), behind a real HTTP server, with the Örebro
// plan loaded. Its requests carry an admin's session token, unless as says
// otherwise.
type testServer struct {
	t       *testing.T
	URL     string
	db      *storage.DB
	client  *ent.Client
	queries *atomic.Int64 // SQL statements that read, since the last reset
	token   string        // sent as Authorization: Bearer, if not empty
	via     string        // sent as X-Forwarded-For, if not empty
}

func newTestServer(t *testing.T, opts ...servertest.Option) *testServer {
	t.Helper()
	db := storagetest.Open(t)
	drv := &countingDriver{Driver: db.Driver(), queries: new(atomic.Int64)}
	client := ent.NewClient(ent.Driver(drv))
	ctx := context.Background()
	if err := seed.LoadOrebro(ctx, client); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	opts = append([]servertest.Option{servertest.GraphQL(graph.WithCompiledReads(db.Dialect))}, opts...)
	srv := httptest.NewServer(servertest.Handler(client, db, log, opts...))
	t.Cleanup(func() {
		srv.Close()
		client.Close()
	})
	s := &testServer{t: t, URL: srv.URL, db: db, client: client, queries: drv.queries}
	s.token = accountstest.Admin(t, client)
	return s
}

// as returns the server as seen by a client sending the token ("" for
// none).
func (s *testServer) as(token string) *testServer {
	c := *s
	c.token = token
	return &c
}

// resolvers returns a second server over s's database, built with opts and
// without the read compiler: the resolvers alone, the oracle the compiled
// reads are held to. It sends s's token.
func (s *testServer) resolvers(opts ...servertest.Option) *testServer {
	s.t.Helper()
	srv := httptest.NewServer(servertest.Handler(s.client, s.db, slog.New(slog.NewTextHandler(io.Discard, nil)),
		append(opts, servertest.GraphQL(graph.WithCompiledReads("")))...))
	s.t.Cleanup(srv.Close)
	c := *s
	c.URL = srv.URL
	return &c
}

// forwardedFor returns the server as seen by a client whose requests say
// X-Forwarded-For: addrs, as a reverse proxy's would.
func (s *testServer) forwardedFor(addrs string) *testServer {
	c := *s
	c.via = addrs
	return &c
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// countingDriver counts the statements that read, outside transactions as
// well as inside them.
type countingDriver struct {
	dialect.Driver
	queries *atomic.Int64
}

func (d *countingDriver) Query(ctx context.Context, query string, args, v any) error {
	d.queries.Add(1)
	return d.Driver.Query(ctx, query, args, v)
}

// QueryContext runs a statement of the read compiler.
func (d *countingDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	d.queries.Add(1)
	return d.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}).QueryContext(ctx, query, args...)
}

func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, queries: d.queries}, nil
}

type countingTx struct {
	dialect.Tx
	queries *atomic.Int64
}

func (tx *countingTx) Query(ctx context.Context, query string, args, v any) error {
	tx.queries.Add(1)
	return tx.Tx.Query(ctx, query, args, v)
}

// ExecContext runs a statement of ent's client.ExecContext (an import's
// savepoints), as the server's own transactions do.
func (tx *countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.Tx.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}).ExecContext(ctx, query, args...)
}

// gqlResponse is a GraphQL response as a client sees it.
type gqlResponse struct {
	Status int
	Header http.Header     `json:"-"`
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

type gqlError struct {
	Message    string `json:"message"`
	Path       []any  `json:"path"`
	Extensions struct {
		Code  string `json:"code"`
		Field string `json:"field"`
	} `json:"extensions"`
}

// post sends a GraphQL request as JSON and decodes the answer.
func (s *testServer) post(query string, vars map[string]any) gqlResponse {
	s.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		s.t.Fatal(err)
	}
	return s.postRaw("application/json", body)
}

func (s *testServer) postRaw(contentType string, body []byte) gqlResponse {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	if s.via != "" {
		req.Header.Set("X-Forwarded-For", s.via)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	return decodeResponse(s.t, res)
}

func decodeResponse(t *testing.T, res *http.Response) gqlResponse {
	t.Helper()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("response is not JSON (status %d): %s", res.StatusCode, raw)
	}
	r.Status, r.Header = res.StatusCode, res.Header
	for _, e := range r.Errors {
		for _, bad := range []string{"goroutine", ".go:", "runtime/", "sqlite", "SELECT", "INSERT"} {
			if strings.Contains(e.Message, bad) {
				t.Errorf("error message shows internals (%q): %s", bad, e.Message)
			}
		}
	}
	return r
}

// must sends a request that must succeed and decodes its data into v.
func (s *testServer) must(query string, vars map[string]any, v any) {
	s.t.Helper()
	r := s.post(query, vars)
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		s.t.Fatalf("request failed with status %d: %+v\nquery: %s", r.Status, r.Errors, query)
	}
	if v != nil {
		if err := json.Unmarshal(r.Data, v); err != nil {
			s.t.Fatalf("decode %s: %v", r.Data, err)
		}
	}
}

// wantError sends a request that must fail with the code (and, if not
// empty, the field) given.
func (s *testServer) wantError(query string, vars map[string]any, code, field string) gqlError {
	s.t.Helper()
	r := s.post(query, vars)
	if len(r.Errors) == 0 {
		s.t.Fatalf("request succeeded, want error %s: %s", code, r.Data)
	}
	e := r.Errors[0]
	if e.Extensions.Code != code || e.Extensions.Field != field {
		s.t.Fatalf("error = %s (field %q): %q; want %s (field %q)", e.Extensions.Code, e.Extensions.Field, e.Message, code, field)
	}
	return e
}

// count returns a root connection's totalCount.
func (s *testServer) count(root string) int {
	s.t.Helper()
	var data map[string]struct{ TotalCount int }
	s.must("{ "+root+" { totalCount } }", nil, &data)
	return data[root].TotalCount
}

// idOf returns the ID of the first node a root connection's filter finds.
func (s *testServer) idOf(root, where string) string {
	s.t.Helper()
	var data map[string]struct {
		Edges []struct{ Node struct{ ID string } }
	}
	s.must("{ "+root+"(first: 1, where: "+where+") { edges { node { id } } } }", nil, &data)
	if len(data[root].Edges) == 0 {
		s.t.Fatalf("no %s where %s", root, where)
	}
	return data[root].Edges[0].Node.ID
}

// atOnce runs each of fns in a goroutine of its own, all let go at the
// same moment, and waits for them all.
func atOnce(fns ...func()) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, f := range fns {
		wg.Go(func() {
			<-start
			f()
		})
	}
	close(start)
	wg.Wait()
}
