package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/bench"
	"github.com/samverkan/samverkan/ent"
	_ "github.com/samverkan/samverkan/ent/runtime"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// orebro opens a fresh database (see storagetest) with the Örebro plan.
func orebro(t testing.TB) *storage.DB {
	t.Helper()
	db := storagetest.Open(t)
	if err := seed.LoadOrebro(context.Background(), db.Client()); err != nil {
		t.Fatal(err)
	}
	return db
}

// endpoint is the GraphQL handler with the limits given, over the Örebro
// plan, that reports how many SQL statements each request ran.
type endpoint struct {
	t       *testing.T
	handler http.Handler
	raw     http.Handler // the handler, its statements not counted
	viewer  *auth.Viewer // whom requests act for; nil for anonymous ones
}

func newEndpoint(t *testing.T, limits graph.Limits) *endpoint {
	t.Helper()
	db := orebro(t)
	client := bench.CountingClient(db)
	h := graph.NewHandler(client, accounts.New(client), slog.New(slog.NewTextHandler(io.Discard, nil)), graph.WithLimits(limits))
	return &endpoint{t: t, handler: bench.Instrument(h), raw: h}
}

// answer is a GraphQL response with its HTTP status and the statements
// it ran.
type answer struct {
	status     int
	statements int
	Data       json.RawMessage `json:"data"`
	Errors     []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (a answer) code() string {
	if len(a.Errors) == 0 {
		return ""
	}
	code, _ := a.Errors[0].Extensions["code"].(string)
	return code
}

func (e *endpoint) post(query string, vars map[string]any) answer {
	e.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		e.t.Fatal(err)
	}
	return e.postRaw(body)
}

func (e *endpoint) postRaw(body []byte) answer {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	ctx := samverkan.WithRequest(req.Context(), &samverkan.Request{ID: "test", Client: "192.0.2.1"})
	if e.viewer != nil {
		ctx = auth.NewContext(ctx, e.viewer)
	}
	req = req.WithContext(ctx)
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	var a answer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		e.t.Fatalf("response is not JSON (status %d): %s", rec.Code, rec.Body)
	}
	a.status = rec.Code
	a.statements, _ = strconv.Atoi(rec.Header().Get(bench.StatementsHeader))
	return a
}

// wantRefused checks that a request was refused with the code, as a
// request error (422), before it ran any SQL.
func wantRefused(t *testing.T, a answer, code samverkan.Code) {
	t.Helper()
	if a.code() != string(code) || a.status != http.StatusUnprocessableEntity {
		t.Fatalf("answer = %d %s %+v; want 422 %s", a.status, a.code(), a.Errors, code)
	}
	if a.statements != 0 {
		t.Errorf("the refused request ran %d SQL statements, want none", a.statements)
	}
}

func wantOK(t *testing.T, a answer) {
	t.Helper()
	if len(a.Errors) > 0 || a.status != http.StatusOK {
		t.Fatalf("answer = %d %+v; want success", a.status, a.Errors)
	}
}

// nestedPages is the query the cost limit exists for: three nested
// connections of 100, a million records.
const nestedPages = `{ activities(first: 100) { edges { node {
  municipalities(first: 100) { edges { node {
    activities(first: 100) { edges { node { id } } } } } } } } } }`

func TestCostLimit(t *testing.T) {
	e := newEndpoint(t, graph.DefaultLimits)
	t.Run("ErrNestedPagesMultiply", func(t *testing.T) {
		a := e.post(nestedPages, nil)
		wantRefused(t, a, samverkan.CodeQueryTooCostly)
		// 1 + 100 × (1 + 1 + 100 × (1 + 1 + 100 × 1)): each connection is a
		// query, each node a record.
		if cost := a.Errors[0].Extensions["cost"]; cost != float64(1_020_201) {
			t.Errorf("cost = %v, want 1020201", cost)
		}
		if msg := a.Errors[0].Message; !strings.Contains(msg, "first or last") {
			t.Errorf("message %q does not say how to ask for less", msg)
		}
	})
	t.Run("ErrPageSizesInVariables", func(t *testing.T) {
		q := `query($n: Int) { activities(first: $n) { edges { node {
		  municipalities(first: $n) { edges { node { activities(first: $n) { edges { node { id } } } } } } } } } }`
		wantRefused(t, e.post(q, map[string]any{"n": 100}), samverkan.CodeQueryTooCostly)
	})
	t.Run("ErrDefaultPageSizesMultiply", func(t *testing.T) {
		// Four connections with no first or last: 50 each.
		q := `{ plans { edges { node { goals { edges { node { objectives { edges { node {
		  activities { edges { node { title } } } } } } } } } } } } }`
		wantRefused(t, e.post(q, nil), samverkan.CodeQueryTooCostly)
	})
	t.Run("ErrPagesInFragments", func(t *testing.T) {
		q := `{ activities(first: 100) { ...A } }
		fragment A on ActivityConnection { edges { node { municipalities(first: 100) { ...M } } } }
		fragment M on MunicipalityConnection { edges { node { activities(first: 100) { edges { node { id } } } } } }`
		wantRefused(t, e.post(q, nil), samverkan.CodeQueryTooCostly)
	})
	t.Run("ErrAliasesAddUp", func(t *testing.T) {
		var q strings.Builder
		q.WriteString("{")
		for i := range 40 {
			fmt.Fprintf(&q, " a%d: activities(first: 100) { edges { node { municipalities(first: 100) { edges { node { id } } } } } }", i)
		}
		q.WriteString(" }")
		wantRefused(t, e.post(q.String(), nil), samverkan.CodeQueryTooCostly)
	})
	t.Run("ErrFragmentBombIsMeasuredQuickly", func(t *testing.T) {
		// Each fragment spreads the one below it twice, under a page of
		// 2: about 2^48 records from a document of a few lines. Measured
		// fragment by fragment, it is refused at once (with no depth
		// limit to stop it first).
		var q strings.Builder
		q.WriteString("{ activities(first: 2) { ...F0 } }\n")
		for i := range 24 {
			fmt.Fprintf(&q, "fragment F%d on ActivityConnection { a: edges { node { objective { activities(first: 2) { ...F%d } } } } b: edges { node { objective { activities(first: 2) { ...F%d } } } } }\n", i, i+1, i+1)
		}
		q.WriteString("fragment F24 on ActivityConnection { edges { node { id } } }")
		deep := graph.DefaultLimits
		deep.MaxDepth = 0
		e := newEndpoint(t, deep)
		// Not a measure of speed: walking the 2^48 selections instead of
		// the 25 fragments would take days, so a bound of seconds, far
		// above the milliseconds it takes, tells the two apart on the
		// busiest machine.
		start := time.Now()
		wantRefused(t, e.post(q.String(), nil), samverkan.CodeQueryTooCostly)
		if took := time.Since(start); took > 20*time.Second {
			t.Errorf("refusing the fragment bomb took %s: were its selections walked one by one?", took)
		}
	})
	t.Run("ZeroTurnsTheLimitOff", func(t *testing.T) {
		wantOK(t, newEndpoint(t, graph.Limits{}).post(nestedPages, nil))
	})
}

// TestEverydayQueriesPassWithRoomToSpare runs the README's examples and
// the benchmark's operations under half the default cost limit and five
// levels less depth: what users and the workload ask stays well within
// the limits.
func TestEverydayQueriesPassWithRoomToSpare(t *testing.T) {
	tight := graph.DefaultLimits
	tight.MaxCost /= 2
	tight.MaxDepth -= 5
	e := newEndpoint(t, tight)
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 6 {
		t.Fatalf("found %d GraphQL examples in the README, want at least 6", len(blocks))
	}
	for _, b := range blocks {
		name, _, _ := strings.Cut(strings.Fields(b[1])[1], "(")
		t.Run("README/"+name, func(t *testing.T) {
			// Each variable gets a placeholder of its type, so that the
			// request gets past the variables to the limits; it may then
			// fail for want of a real id, but not for a limit.
			a := e.post(b[1], placeholders(b[1]))
			if a.code() == "GRAPHQL_VALIDATION_FAILED" || strings.HasPrefix(a.code(), "QUERY_TOO_") {
				t.Errorf("refused: %s", a.Errors[0].Message)
			}
		})
	}
	var plans struct {
		Plans struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := json.Unmarshal(e.post(`{ plans(first: 1) { edges { node { id } } } }`, nil).Data, &plans); err != nil || len(plans.Plans.Edges) != 1 {
		t.Fatalf("no plan: %v", err)
	}
	for _, op := range bench.Operations[:4] {
		t.Run("Workload/"+op.Name, func(t *testing.T) {
			vars := map[string]any{"first": bench.Q1PageSize, "code": "1880", "plan": plans.Plans.Edges[0].Node.ID, "text": "kultur"}
			wantOK(t, e.post(op.Query, vars))
		})
	}
}

// placeholders gives each variable a query declares a value of its type:
// "1" for an ID (a string of digits, as ids are), a word for a string, in
// a list when the type is one.
func placeholders(query string) map[string]any {
	vars := map[string]any{}
	for _, v := range regexp.MustCompile(`\$(\w+):\s*(\[?)(\w+)`).FindAllStringSubmatch(query, -1) {
		var value any = "placeholder"
		switch v[3] {
		case "ID":
			value = "1"
		case "Int":
			value = 1
		}
		if v[2] == "[" {
			value = []any{value}
		}
		vars[v[1]] = value
	}
	return vars
}

func TestIntrospectionIsCosted(t *testing.T) {
	t.Run("ErrAliasedSchemas", func(t *testing.T) {
		// 620 aliased __schema answered 32 MB, each costed as one record.
		var q strings.Builder
		q.WriteString("{")
		for i := range 620 {
			fmt.Fprintf(&q, " s%d: __schema { types { fields { args { name } } } }", i)
		}
		q.WriteString(" }")
		wantRefused(t, newEndpoint(t, graph.DefaultLimits).post(q.String(), nil), samverkan.CodeQueryTooCostly)
	})
	t.Run("GraphiQLsQueryCostsAboutWhatItAnswers", func(t *testing.T) {
		tight := graph.DefaultLimits
		tight.MaxCost = 1
		a := newEndpoint(t, tight).post(introspectionQuery, nil)
		wantRefused(t, a, samverkan.CodeQueryTooCostly)
		// Well within the limit, and far from the 1 it was costed before.
		if cost := a.Errors[0].Extensions["cost"].(float64); cost < 2_000 || cost > float64(graph.DefaultLimits.MaxCost)/4 {
			t.Errorf("GraphiQL's introspection costs %v, want between 2,000 and a quarter of the limit", cost)
		}
	})
}

func TestDepthLimit(t *testing.T) {
	e := newEndpoint(t, graph.DefaultLimits)
	t.Run("ErrTooDeep", func(t *testing.T) {
		// An activity's heading's goal's plan's goals' …: one record at
		// each step, cheap but deep.
		q := "{ activities(first: 1) { edges { node { title " +
			strings.Repeat("objective { goal { plan { goals(first: 1) { edges { node { objectives(first: 1) { edges { node { activities(first: 1) { edges { node { title ", 2) +
			strings.Repeat("} } } } } } } } } } } } ", 2) + "} } } }"
		a := e.post(q, nil)
		wantRefused(t, a, samverkan.CodeQueryTooDeep)
		if depth := a.Errors[0].Extensions["depth"]; depth != float64(28) {
			t.Errorf("depth = %v, want 28", depth)
		}
	})
	t.Run("IntrospectionPasses", func(t *testing.T) {
		wantOK(t, e.post(introspectionQuery, nil))
	})
}

func TestTokenLimit(t *testing.T) {
	e := newEndpoint(t, graph.DefaultLimits)
	t.Run("ErrTooManyTokens", func(t *testing.T) {
		// Three tokens an alias ("a1", ":", "__typename"): 10,502 in all.
		var q strings.Builder
		q.WriteString("{")
		for i := range 3500 {
			fmt.Fprintf(&q, " a%d: __typename", i)
		}
		q.WriteString(" }")
		a := e.post(q.String(), nil)
		wantRefused(t, a, samverkan.CodeQueryTooLarge)
		if !strings.Contains(a.Errors[0].Message, "10000 tokens") {
			t.Errorf("message %q does not name the limit", a.Errors[0].Message)
		}
	})
	t.Run("ParseErrorsKeepTheirCode", func(t *testing.T) {
		wantRefused(t, e.post("{ activities(", nil), "GRAPHQL_PARSE_FAILED")
	})
}

// aliasesOfOneField is the document that took validation seconds and a
// gigabyte: 900 fields under one alias, each with another argument, so
// that each pair of them is a conflict of its own (404,550).
func aliasesOfOneField(n int) string {
	var q strings.Builder
	q.WriteString("{")
	for i := range n {
		fmt.Fprintf(&q, ` a: node(id: "%d") { id }`, i+1)
	}
	q.WriteString(" }")
	return q.String()
}

func TestRepeatLimit(t *testing.T) {
	e := newEndpoint(t, graph.DefaultLimits)
	t.Run("ErrAliasesOfOneFieldAreRefusedAtOnce", func(t *testing.T) {
		q := aliasesOfOneField(900)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		a := e.post(q, nil)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		wantRefused(t, a, samverkan.CodeQueryTooLarge)
		if len(a.Errors) != 1 || a.Errors[0].Extensions["limit"] != float64(100) {
			t.Errorf("errors = %+v; want one, naming the limit of 100", a.Errors)
		}
		// It took 2 to 3 s and 1.2 GB of allocations before; generous
		// bounds for a noisy machine (a few ms and 1 MB here).
		if took > 2*time.Second {
			t.Errorf("refusing 900 aliases took %s", took)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 200<<20 {
			t.Errorf("refusing 900 aliases allocated %d MiB", alloc>>20)
		}
	})
	t.Run("ErrFieldsWithoutAliases", func(t *testing.T) {
		q := strings.ReplaceAll(aliasesOfOneField(200), "a: node", "node")
		wantRefused(t, e.post(q, nil), samverkan.CodeQueryTooLarge)
	})
	t.Run("ErrRepeatsThroughFragments", func(t *testing.T) {
		// 60 fragments, spread into one set, with the same two fields:
		// 60 spreads and 118 repeats.
		var q strings.Builder
		q.WriteString("{ plans(first: 1) { edges { node {")
		for i := range 60 {
			fmt.Fprintf(&q, " ...F%d", i)
		}
		q.WriteString(" } } } }\n")
		for i := range 60 {
			fmt.Fprintf(&q, "fragment F%d on Plan { n: name g: goals(first: %d) { totalCount } }\n", i, i+1)
		}
		wantRefused(t, e.post(q.String(), nil), samverkan.CodeQueryTooLarge)
	})
	t.Run("ErrFragmentSpreads", func(t *testing.T) {
		// 900 fragments with nothing in common: validation compared
		// each pair of them.
		var q strings.Builder
		q.WriteString("{ plans(first: 1) { edges { node {")
		for i := range 900 {
			fmt.Fprintf(&q, " ...F%d", i)
		}
		q.WriteString(" } } } }\n")
		for i := range 900 {
			fmt.Fprintf(&q, "fragment F%d on Plan { f%d: id }\n", i, i)
		}
		deep := graph.DefaultLimits
		deep.MaxTokens = 0
		wantRefused(t, newEndpoint(t, deep).post(q.String(), nil), samverkan.CodeQueryTooLarge)
	})
	t.Run("ConflictsUnderTheLimitAreStillRefused", func(t *testing.T) {
		a := e.post(aliasesOfOneField(2), nil)
		wantRefused(t, a, "GRAPHQL_VALIDATION_FAILED")
		if !strings.Contains(a.Errors[0].Message, "differing arguments") {
			t.Errorf("message = %q; want the conflict explained", a.Errors[0].Message)
		}
	})
	t.Run("FieldsRepeatedAlikeUnderTheLimitPass", func(t *testing.T) {
		wantOK(t, e.post(`{ plans(first: 1) { edges { node { id ...A ...B } } } }
		  fragment A on Plan { id name } fragment B on Plan { id name }`, nil))
	})
	t.Run("ZeroTurnsTheLimitOff", func(t *testing.T) {
		off := graph.DefaultLimits
		off.MaxRepeats = 0
		q := strings.ReplaceAll(aliasesOfOneField(150), `node(id: "`, `node(id: "1`)
		q = regexp.MustCompile(`id: "1\d+"`).ReplaceAllString(q, `id: "1"`)
		wantOK(t, newEndpoint(t, off).post(q, nil))
	})
}

// slowDriver makes every statement wait for its context to end, as a query
// that takes too long would, when slow is set.
type slowDriver struct {
	dialect.Driver
	slow *atomic.Bool
}

func (d slowDriver) wait(ctx context.Context) error {
	if !d.slow.Load() {
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(10 * time.Second):
		return errors.New("the statement's context had no deadline")
	}
}

func (d slowDriver) Query(ctx context.Context, query string, args, v any) error {
	if err := d.wait(ctx); err != nil {
		return err
	}
	return d.Driver.Query(ctx, query, args, v)
}

func (d slowDriver) Exec(ctx context.Context, query string, args, v any) error {
	if err := d.wait(ctx); err != nil {
		return err
	}
	return d.Driver.Exec(ctx, query, args, v)
}

func (d slowDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return slowTx{Tx: tx, d: d}, nil
}

type slowTx struct {
	dialect.Tx
	d slowDriver
}

func (tx slowTx) Exec(ctx context.Context, query string, args, v any) error {
	if err := tx.d.wait(ctx); err != nil {
		return err
	}
	return tx.Tx.Exec(ctx, query, args, v)
}

func (tx slowTx) Query(ctx context.Context, query string, args, v any) error {
	if err := tx.d.wait(ctx); err != nil {
		return err
	}
	return tx.Tx.Query(ctx, query, args, v)
}

func TestTimeout(t *testing.T) {
	db := orebro(t)
	slow := new(atomic.Bool)
	client := ent.NewClient(ent.Driver(slowDriver{Driver: db.Driver(), slow: slow}))
	limits := graph.DefaultLimits
	limits.Timeout = 100 * time.Millisecond
	e := &endpoint{t: t, handler: graph.NewHandler(client, accounts.New(client), slog.New(slog.NewTextHandler(io.Discard, nil)), graph.WithLimits(limits))}
	e.viewer = accountstest.Viewer(accountstest.User(t, client, "admin", auth.RoleAdmin, nil, nil))

	t.Run("ErrTimeoutStopsTheQuery", func(t *testing.T) {
		slow.Store(true)
		defer slow.Store(false)
		start := time.Now()
		a := e.post(`{ activities { totalCount } }`, nil)
		if a.code() != string(samverkan.CodeTimeout) {
			t.Fatalf("answer = %d %+v; want TIMEOUT", a.status, a.Errors)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("the timed-out request took %s", took)
		}
	})
	t.Run("ErrTimeoutRollsBackTheMutation", func(t *testing.T) {
		slow.Store(true)
		a := e.post(`mutation { createMunicipality(input: {code: "0180", name: "Stockholm"}) { id } }`, nil)
		slow.Store(false)
		if a.code() != string(samverkan.CodeTimeout) {
			t.Fatalf("answer = %d %+v; want TIMEOUT", a.status, a.Errors)
		}
		wantOK(t, e.post(`{ municipalities(where: {code: "0180"}) { totalCount } }`, nil))
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM municipalities WHERE code = '0180'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("municipalities 0180 after the timeout: %d (%v), want 0", n, err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		wantOK(t, e.post(`{ activities { totalCount } }`, nil))
	})
}

// The timeout cancels SQL through the context: the database must stop a
// statement that is running when its context ends, not finish it.
func TestTheDatabaseStopsAStatementAtItsDeadline(t *testing.T) {
	db := orebro(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	var n int
	err := db.QueryRowContext(ctx, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c`).Scan(&n)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("an endless statement returned %d, %v; want the deadline's error", n, err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the statement stopped after %s, want about 100 ms", took)
	}
}

// countAtTheEnd holds a response back until the handler has returned, so
// that bench.Instrument, outside it, counts every statement of the request.
func countAtTheEnd(next http.Handler) http.Handler {
	return bench.Instrument(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			if k != bench.StatementsHeader {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
}

type fakeLimiter struct{ calls []int }

func (l *fakeLimiter) Burst() int { return 100 }

func (l *fakeLimiter) Allow(_ string, n int) (bool, time.Duration) {
	l.calls = append(l.calls, n)
	return false, 1500 * time.Millisecond
}

func TestMutationRateLimit(t *testing.T) {
	limiter := &fakeLimiter{}
	limits := graph.DefaultLimits
	limits.Mutations = limiter
	e := newEndpoint(t, limits)
	t.Run("ErrRateLimited", func(t *testing.T) {
		a := e.post(`mutation { a: createMunicipality(input: {code: "0180", name: "Stockholm"}) { id }
		  b: createMunicipality(input: {code: "0181", name: "Södertälje"}) { id } }`, nil)
		if a.code() != string(samverkan.CodeRateLimited) || a.statements != 0 {
			t.Fatalf("answer = %+v after %d statements; want RATE_LIMITED before any", a.Errors, a.statements)
		}
		if retry := a.Errors[0].Extensions["retryAfter"]; retry != float64(2) {
			t.Errorf("retryAfter = %v, want 2 (1.5 s rounded up)", retry)
		}
		if len(limiter.calls) != 1 || limiter.calls[0] != 2 {
			t.Errorf("the limiter was asked for %v changes, want [2]: one per mutation field", limiter.calls)
		}
	})
	t.Run("ErrRateLimitedBeginsNoTransaction", func(t *testing.T) {
		// The count as the handler ends, not as it starts writing.
		e := *e
		e.handler = countAtTheEnd(e.raw)
		a := e.post(`mutation { createMunicipality(input: {code: "0180", name: "Stockholm"}) { id } }`, nil)
		if a.code() != string(samverkan.CodeRateLimited) || a.statements != 0 {
			t.Fatalf("answer = %+v after %d statements; want RATE_LIMITED and no transaction", a.Errors, a.statements)
		}
	})
	t.Run("QueriesAreNotLimited", func(t *testing.T) {
		limiter.calls = nil
		wantOK(t, e.post(`{ municipalities { totalCount } }`, nil))
		if len(limiter.calls) != 0 {
			t.Errorf("a query asked the limiter: %v", limiter.calls)
		}
	})
}

// introspectionQuery is GraphiQL's (graphql-js getIntrospectionQuery, with
// descriptions), the deepest query the playground sends.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}`
