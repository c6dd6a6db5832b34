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

// RoundTripsHeader is the response header that carries, on PostgreSQL, a
// request's round trips to the database when counting is on: statements
// sent together, such as BEGIN with the first statement, or the audit
// entry with the COMMIT, travel once (storage.CountRoundTrips).
const RoundTripsHeader = "X-SQL-Round-Trips"

// CountingClient returns an ent client over db whose statements are counted
// for the request whose context they run in (see Instrument).
func CountingClient(db *storage.DB) *ent.Client {
	return db.Client(ent.Driver(&countingDriver{Driver: db.Driver()}))
}

// Instrument makes every response of next carry StatementsHeader: the
// number of statements the request ran through a CountingClient, BEGIN and
// COMMIT (or ROLLBACK) included, but not one the connection answered
// itself (storage.CountStatements); on PostgreSQL also RoundTripsHeader.
// The counts go in headers, so they must be complete before the handler
// writes its first byte; gqlgen executes the whole operation before it
// writes.
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
		cw := &countingWriter{ResponseWriter: w}
		ctx := storage.CountRoundTrips(storage.CountStatements(r.Context(), &cw.statements), &cw.trips)
		next.ServeHTTP(cw, r.WithContext(ctx))
	})
}

// countingWriter adds the counts to the headers when the handler starts
// writing; round trips only if there were any (never on SQLite).
type countingWriter struct {
	http.ResponseWriter
	statements, trips atomic.Int64
	written           bool
}

func (w *countingWriter) WriteHeader(status int) {
	if !w.written {
		w.written = true
		w.Header().Set(StatementsHeader, strconv.FormatInt(w.statements.Load(), 10))
		if n := w.trips.Load(); n > 0 {
			w.Header().Set(RoundTripsHeader, strconv.FormatInt(n, 10))
		}
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

// countingDriver counts statements by the context they run in, so that
// concurrent requests each get their own count.
type countingDriver struct{ dialect.Driver }

func (d *countingDriver) Exec(ctx context.Context, query string, args, v any) error {
	storage.CountStatement(ctx)
	return d.Driver.Exec(ctx, query, args, v)
}

func (d *countingDriver) Query(ctx context.Context, query string, args, v any) error {
	storage.CountStatement(ctx)
	return d.Driver.Query(ctx, query, args, v)
}

// QueryContext runs a statement of the read compiler (through ent's
// client.QueryContext).
func (d *countingDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	storage.CountStatement(ctx)
	q, ok := d.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	})
	if !ok {
		return nil, fmt.Errorf("the driver %T cannot run a query of its own", d.Driver)
	}
	return q.QueryContext(ctx, query, args...)
}

func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	storage.CountStatement(ctx) // BEGIN
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
	storage.CountStatement(ctx)
	return tx.Tx.Exec(ctx, query, args, v)
}

func (tx *countingTx) Query(ctx context.Context, query string, args, v any) error {
	storage.CountStatement(ctx)
	return tx.Tx.Query(ctx, query, args, v)
}

func (tx *countingTx) Commit() error {
	storage.CountStatement(tx.ctx)
	return tx.Tx.Commit()
}

func (tx *countingTx) Rollback() error {
	storage.CountStatement(tx.ctx)
	return tx.Tx.Rollback()
}
