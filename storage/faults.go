package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// A storage fault is an error of the database or of the disk under it,
// not of the request nor of the server's code: the disk is full, the file
// or the database has become read-only, the disk reports an I/O error, the
// connection to PostgreSQL is lost. Nobody can mend it by sending another
// request; an operator must, and then the same request succeeds.
//
// The database keeps track of its faults (health): it logs the first one
// and the recovery, once each, answers /healthz from them, and does not use
// again a connection that was open when a fault happened, since on SQLite
// a connection opened while the file was read-only stays read-only.

// faultKind tells apart the faults a cheap check can see end (a connection
// lost, a read-only database) from those only a write can (a full disk).
type faultKind int

const (
	noFault faultKind = iota
	diskFault
	readOnlyFault
	connectionFault
)

// Fault says what is wrong with the storage when err is a storage fault,
// in a few words for a client and the log ("the disk is full"), and
// returns "" for any other error. It is the one place that tells storage
// faults from other errors, on SQLite and on PostgreSQL alike.
func Fault(err error) string {
	_, reason := classifyFault(err)
	return reason
}

func classifyFault(err error) (faultKind, string) {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return noFault, ""
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrFull:
			return diskFault, "the disk is full"
		case sqlite3.ErrIoErr:
			return diskFault, "the disk reports an I/O error"
		case sqlite3.ErrCantOpen:
			return diskFault, "the database file cannot be opened"
		case sqlite3.ErrReadonly:
			return readOnlyFault, "the database is read-only"
		}
		return noFault, ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100": // disk_full
			return diskFault, "the disk is full"
		case pe.Code == "58030": // io_error
			return diskFault, "the disk reports an I/O error"
		case pe.Code == "25006": // read_only_sql_transaction
			return readOnlyFault, "the database is read-only"
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // admin_shutdown, crash_shutdown, cannot_connect_now
			return connectionFault, "the database is shutting down or starting up"
		case strings.HasPrefix(pe.Code, "08"): // connection_exception
			return connectionFault, "the connection to the database is lost"
		}
		return noFault, ""
	}
	var (
		ce *pgconn.ConnectError
		ne net.Error
	)
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) {
		return connectionFault, "the connection to the database is lost"
	}
	return noFault, ""
}

// health is what a database knows of its faults.
type health struct {
	// epoch moves on with every fault: a connection opened in an earlier
	// epoch is not used again (see sqliteConn and pgConn).
	epoch atomic.Uint64
	// faulty is kind != noFault, read without the lock by every write
	// that succeeds.
	faulty atomic.Bool

	mu     sync.Mutex
	kind   faultKind // noFault while the last write succeeded
	reason string
	since  time.Time
	log    *slog.Logger
}

func newHealth() *health {
	return &health{log: slog.Default()}
}

// observe notes err, if it is a storage fault, and returns it. The first
// fault, and a fault of another kind than the one before, is logged.
func (h *health) observe(err error) error {
	kind, reason := classifyFault(err)
	if kind == noFault {
		return err
	}
	h.epoch.Add(1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.kind == noFault {
		h.since = time.Now()
	}
	if h.reason != reason {
		h.log.Error("storage fault: the database cannot take changes until it is mended; /healthz answers 503 meanwhile",
			"fault", reason, "error", err)
	}
	h.kind, h.reason = kind, reason
	h.faulty.Store(true)
	return err
}

// succeeded notes that a write reached the database: a fault is over.
func (h *health) succeeded() {
	if !h.faulty.Load() {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.kind == noFault {
		return
	}
	h.log.Info("storage recovered: the database takes changes again", "fault", h.reason, "lasted", time.Since(h.since).Round(time.Millisecond))
	h.kind, h.reason = noFault, ""
	h.faulty.Store(false)
}

// current returns the fault the last write met, if it has not been
// followed by a successful one.
func (h *health) current() (faultKind, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.kind, h.reason
}

// FaultError is what Check returns for a database in a storage fault.
type FaultError struct{ Reason string }

func (e *FaultError) Error() string { return e.Reason }

// SetLogger sets where the database logs its faults and recoveries (by
// default slog's default logger).
func (db *DB) SetLogger(log *slog.Logger) {
	db.health.mu.Lock()
	defer db.health.mu.Unlock()
	db.health.log = log
}

// Check reports whether the database can serve, cheaply enough for every
// health check: it must answer a ping, and no storage fault may be known.
// While one is known, Check tries whether it is over: on SQLite by
// rewriting the file's header (a one-page write, through the writers'
// queue), on PostgreSQL by asking whether a new transaction would be
// read-only; a full disk on PostgreSQL is over at the next write that
// succeeds. A storage fault is returned as a *FaultError.
func (db *DB) Check(ctx context.Context) error {
	if err := db.PingContext(ctx); err != nil {
		if reason := Fault(db.health.observe(err)); reason != "" {
			return &FaultError{Reason: reason}
		}
		return &FaultError{Reason: "the database does not answer"}
	}
	kind, reason := db.health.current()
	if kind == noFault {
		return nil
	}
	if err := db.probe(ctx, kind); err != nil {
		if r := Fault(err); r != "" {
			reason = r
		}
		return &FaultError{Reason: reason}
	}
	if _, reason := db.health.current(); reason != "" {
		return &FaultError{Reason: reason}
	}
	return nil
}

// probe tries whether a known fault is over, and clears it if it is.
func (db *DB) probe(ctx context.Context, kind faultKind) error {
	if db.Dialect != dialect.SQLite {
		if kind == diskFault {
			return errors.New("unknown until the next write")
		}
		// A new connection (those open at the fault are not used again)
		// says whether its transactions would be read-only.
		var readOnly string
		if err := db.QueryRowContext(ctx, "SHOW transaction_read_only").Scan(&readOnly); err != nil {
			return db.health.observe(err)
		}
		if readOnly == "on" {
			return errors.New("the database is read-only")
		}
		db.health.succeeded()
		return nil
	}
	// Setting user_version to the value it has writes the header page and
	// commits: it fails as a change would, on a full disk or a read-only
	// file, and changes nothing.
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return db.health.observe(err)
	}
	tx, err := db.Driver().Tx(ctx)
	if err != nil {
		return err
	}
	if err := tx.Exec(ctx, fmt.Sprintf("PRAGMA user_version = %d", version), []any{}, nil); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// watched is an ent driver that tells the database's health of every
// storage fault its statements and transactions meet, and of every write
// that succeeds.
type watched struct {
	dialect.Driver
	h *health
}

// execQuerier is what ent's ExecContext and QueryContext, and the read
// compiler, need of a driver or a transaction.
type execQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (d watched) Exec(ctx context.Context, query string, args, v any) error {
	err := d.Driver.Exec(ctx, query, args, v)
	if err == nil {
		d.h.succeeded() // ent's Exec outside a transaction is a write
	}
	return d.h.observe(err)
}

func (d watched) Query(ctx context.Context, query string, args, v any) error {
	return d.h.observe(d.Driver.Query(ctx, query, args, v))
}

// ExecContext runs a statement of ent's client.ExecContext.
func (d watched) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	eq, ok := d.Driver.(execQuerier)
	if !ok {
		return nil, fmt.Errorf("storage: a %T cannot run ExecContext", d.Driver)
	}
	res, err := eq.ExecContext(ctx, query, args...)
	return res, d.h.observe(err)
}

// QueryContext runs a statement of the read compiler.
func (d watched) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	eq, ok := d.Driver.(execQuerier)
	if !ok {
		return nil, fmt.Errorf("storage: a %T cannot run QueryContext", d.Driver)
	}
	rows, err := eq.QueryContext(ctx, query, args...)
	return rows, d.h.observe(err)
}

func (d watched) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, d.h.observe(err)
	}
	return watchedTx{Tx: tx, h: d.h}, nil
}

// BeginTx begins a transaction with options, as ent's client.BeginTx does.
func (d watched) BeginTx(ctx context.Context, opts *entsql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *entsql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return nil, fmt.Errorf("storage: a %T cannot begin a transaction with options", d.Driver)
	}
	tx, err := b.BeginTx(ctx, opts)
	if err != nil {
		return nil, d.h.observe(err)
	}
	return watchedTx{Tx: tx, h: d.h}, nil
}

// watchedTx is a transaction of a watched driver.
type watchedTx struct {
	dialect.Tx
	h *health
}

func (tx watchedTx) Exec(ctx context.Context, query string, args, v any) error {
	return tx.h.observe(tx.Tx.Exec(ctx, query, args, v))
}

func (tx watchedTx) Query(ctx context.Context, query string, args, v any) error {
	return tx.h.observe(tx.Tx.Query(ctx, query, args, v))
}

func (tx watchedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	eq, ok := tx.Tx.(execQuerier)
	if !ok {
		return nil, fmt.Errorf("storage: a %T cannot run ExecContext", tx.Tx)
	}
	res, err := eq.ExecContext(ctx, query, args...)
	return res, tx.h.observe(err)
}

func (tx watchedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	eq, ok := tx.Tx.(execQuerier)
	if !ok {
		return nil, fmt.Errorf("storage: a %T cannot run QueryContext", tx.Tx)
	}
	rows, err := eq.QueryContext(ctx, query, args...)
	return rows, tx.h.observe(err)
}

func (tx watchedTx) Commit() error {
	err := tx.Tx.Commit()
	if err == nil {
		tx.h.succeeded()
	}
	return tx.h.observe(err)
}

func (tx watchedTx) Rollback() error {
	return tx.h.observe(tx.Tx.Rollback())
}
