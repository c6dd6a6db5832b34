package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/pprof"
	"strconv"
	"strings"
	"sync/atomic"

	"entgo.io/ent/dialect"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/search"
	"github.com/samverkan/samverkan/storage"
)

// CountSQLEnv is the environment variable that makes "samverkan serve"
// count the SQL statements of each request and report them in the
// StatementsHeader of its response, and serve profiles (see Instrument). The benchmark sets it for the server
// it starts; it is not meant for a deployment, and costs a little on every
// statement.
const CountSQLEnv = "SAMVERKAN_BENCH_COUNT_SQL"

// StatementsHeader is the response header that carries a request's SQL
// statement count when counting is on.
const StatementsHeader = "X-SQL-Statements"

type counterKey struct{}

// CountingClient returns an ent client over db whose statements are counted
// for the request whose context they run in (see Instrument).
// On PostgreSQL it counts round trips to the database instead, which the
// storage package counts (storage.CountRoundTrips): statements sent
// together, such as BEGIN and the first statement, count once.
func CountingClient(db *storage.DB) *ent.Client {
	if db.Dialect == dialect.Postgres {
		return db.Client()
	}
	return db.Client(ent.Driver(&countingDriver{Driver: db.Driver()}))
}

// Instrument makes every response of next carry StatementsHeader: the
// number of statements the request ran through a CountingClient, BEGIN and
// COMMIT (or ROLLBACK) included; on PostgreSQL, its round trips to the
// database (see CountingClient). The count goes in a header, so it must be
// complete before the handler writes its first byte; gqlgen executes the
// whole operation before it writes.
//
// It also serves Go's profiles at /debug/pprof/, for the benchmark's
// -cpuprofile, and at keptCountsPath how many counts of searches were
// given from those kept and how many counted (search.CountStats).
func Instrument(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc(keptCountsPath, func(w http.ResponseWriter, _ *http.Request) {
		hits, misses := search.CountStats()
		fmt.Fprintf(w, "%d %d\n", hits, misses)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/debug/") {
			mux.ServeHTTP(w, r)
			return
		}
		n := new(atomic.Int64)
		cw := &countingWriter{ResponseWriter: w, n: n}
		ctx := storage.CountRoundTrips(context.WithValue(r.Context(), counterKey{}, n), n)
		next.ServeHTTP(cw, r.WithContext(ctx))
	})
}

// countingWriter adds the count to the headers when the handler starts
// writing.
type countingWriter struct {
	http.ResponseWriter
	n       *atomic.Int64
	written bool
}

func (w *countingWriter) WriteHeader(status int) {
	if !w.written {
		w.written = true
		w.Header().Set(StatementsHeader, strconv.FormatInt(w.n.Load(), 10))
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *countingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// count adds one statement to the request that ctx belongs to, if it is
// counted.
func count(ctx context.Context) {
	if n, ok := ctx.Value(counterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

// countingDriver counts statements by the context they run in, so that
// concurrent requests each get their own count.
type countingDriver struct{ dialect.Driver }

func (d *countingDriver) Exec(ctx context.Context, query string, args, v any) error {
	count(ctx)
	return d.Driver.Exec(ctx, query, args, v)
}

func (d *countingDriver) Query(ctx context.Context, query string, args, v any) error {
	count(ctx)
	return d.Driver.Query(ctx, query, args, v)
}

// QueryContext runs a statement of the read compiler (through ent's
// client.QueryContext).
func (d *countingDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	count(ctx)
	q, ok := d.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	})
	if !ok {
		return nil, fmt.Errorf("the driver %T cannot run a query of its own", d.Driver)
	}
	return q.QueryContext(ctx, query, args...)
}

func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	count(ctx) // BEGIN
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, ctx: ctx}, nil
}

// countingTx counts the statements of a transaction, and its end, which
// has no context of its own: it counts for the context that began it.
type countingTx struct {
	dialect.Tx
	ctx context.Context
}

func (tx *countingTx) Exec(ctx context.Context, query string, args, v any) error {
	count(ctx)
	return tx.Tx.Exec(ctx, query, args, v)
}

func (tx *countingTx) Query(ctx context.Context, query string, args, v any) error {
	count(ctx)
	return tx.Tx.Query(ctx, query, args, v)
}

func (tx *countingTx) Commit() error {
	count(tx.ctx)
	return tx.Tx.Commit()
}

func (tx *countingTx) Rollback() error {
	count(tx.ctx)
	return tx.Tx.Rollback()
}
