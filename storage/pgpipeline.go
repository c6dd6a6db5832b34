package storage

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/samverkan/samverkan/storage/pipeline"
)

// On PostgreSQL every statement is a round trip to the database, and a
// change waits for each in turn. In a transaction begun with the default
// options, pgConn saves three kinds, without changing which statements
// run, in which order, or in which transaction:
//
//   - BEGIN is not sent alone: it goes with the transaction's first
//     statement, in one pipelined batch (as pgx's own Batch.BeginTx does);
//     a transaction that runs no statement sends neither BEGIN nor COMMIT.
//   - An insert whose result nobody reads before the commit
//     (pipeline.Later: the audit entry, the status change) waits, and goes
//     with the next statement or, at the latest, with the COMMIT. An error
//     it meets fails that statement, or the COMMIT, and so the whole
//     transaction.
//   - An UPDATE of one record by its id returns the record, and ent's
//     reading back of it is answered from that (see readback.go).

// pgTx is a transaction of a pgConn.
type pgTx struct {
	c        *pgConn
	ctx      context.Context // BeginTx's, for COMMIT and ROLLBACK, as pgx's own
	begin    bool            // BEGIN is still to be sent
	later    []queued        // inserts still to be sent
	updated  *updatedRow     // what the last statement updated, if it was one record
	prepared bool            // a statement was prepared: nothing waits from then on
}

type queued struct {
	sql  string
	args []any
}

type roundTripsKey struct{}

// CountRoundTrips returns a context in which every round trip to
// PostgreSQL adds one to n: statements that travel together count once.
// The benchmark reports it as the statements of a request.
func CountRoundTrips(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, roundTripsKey{}, n)
}

func countRoundTrip(ctx context.Context) {
	if n, ok := ctx.Value(roundTripsKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

// BeginTx begins a transaction; with the default options, at its first
// statement.
func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if sql.IsolationLevel(opts.Isolation) != sql.LevelDefault || opts.ReadOnly {
		countRoundTrip(ctx)
		return c.Conn.BeginTx(ctx, opts)
	}
	if c.Conn.Conn().IsClosed() {
		return nil, driver.ErrBadConn
	}
	c.tx = &pgTx{c: c, ctx: ctx, begin: true}
	return c.tx, nil
}

// Begin is BeginTx with the default options.
func (c *pgConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *pgConn) ExecContext(ctx context.Context, query string, argsV []driver.NamedValue) (driver.Result, error) {
	tx := c.tx
	if tx == nil {
		countRoundTrip(ctx)
		return c.Conn.ExecContext(ctx, query, argsV)
	}
	tx.updated = nil
	if table, ok := postgresReadBack.updateByID(query); ok {
		return tx.update(ctx, table, query, argsV)
	}
	if !tx.waiting() || len(argsV) == 0 {
		// Without arguments pgx sends a statement as a simple query,
		// which may hold several; a batch takes one each.
		if err := tx.flush(ctx); err != nil {
			return nil, err
		}
		countRoundTrip(ctx)
		return c.Conn.ExecContext(ctx, query, argsV)
	}
	countRoundTrip(ctx)
	br, err := tx.send(ctx, query, args(argsV))
	if err != nil {
		return nil, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return driver.RowsAffected(tag.RowsAffected()), nil
}

func (c *pgConn) QueryContext(ctx context.Context, query string, argsV []driver.NamedValue) (driver.Rows, error) {
	tx := c.tx
	if tx == nil {
		countRoundTrip(ctx)
		return c.Conn.QueryContext(ctx, query, argsV)
	}
	if row := tx.updated; row != nil {
		tx.updated = nil
		if rows, ok := row.reread(query, argsV); ok {
			addStatements(ctx, -1) // answered here, not by the database
			return rows, nil
		}
	}
	if pipeline.IsLater(ctx) && !tx.prepared && strings.HasPrefix(query, "INSERT INTO ") && strings.HasSuffix(query, ` RETURNING "id"`) {
		tx.later = append(tx.later, queued{sql: query, args: args(argsV)})
		return &listRows{columns: []string{"id"}, rows: [][]driver.Value{{int64(0)}}}, nil
	}
	countRoundTrip(ctx)
	return tx.query(ctx, query, argsV)
}

// PrepareContext sends what waits first, and makes the transaction send
// every later statement at once: a prepared statement runs past pgConn, so
// nothing may wait to be sent before it.
func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if tx := c.tx; tx != nil {
		tx.prepared, tx.updated = true, nil
		if err := tx.flush(ctx); err != nil {
			return nil, err
		}
	}
	return c.Conn.PrepareContext(ctx, query)
}

// Prepare is PrepareContext without a context.
func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// waiting reports whether BEGIN or inserts wait to be sent.
func (tx *pgTx) waiting() bool { return tx.begin || len(tx.later) > 0 }

// flush sends what waits, if anything does.
func (tx *pgTx) flush(ctx context.Context) error {
	if !tx.waiting() {
		return nil
	}
	countRoundTrip(ctx)
	br, err := tx.send(ctx, "", nil)
	if err != nil {
		return err
	}
	return br.Close()
}

// send sends what waits and then query (none if empty) in one batch, reads
// the results of what waited, and returns the batch at query's.
func (tx *pgTx) send(ctx context.Context, query string, arguments []any) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	waiting := len(tx.later)
	if tx.begin {
		b.Queue("begin")
		waiting++
	}
	for _, q := range tx.later {
		b.Queue(q.sql, q.args...)
	}
	tx.begin, tx.later = false, nil
	if query != "" {
		b.Queue(query, arguments...)
	}
	br := tx.c.Conn.Conn().SendBatch(ctx, b)
	for range waiting {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return nil, badConn(err)
		}
	}
	return br, nil
}

// query runs a statement that returns rows, with what waits.
func (tx *pgTx) query(ctx context.Context, query string, argsV []driver.NamedValue) (driver.Rows, error) {
	if !tx.waiting() {
		return tx.c.Conn.QueryContext(ctx, query, argsV)
	}
	br, err := tx.send(ctx, query, args(argsV))
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		_ = br.Close()
		return nil, badConn(err)
	}
	// Read the first row now, as pgx's database/sql driver does: the
	// columns are known only then, and so is an error.
	more := rows.Next()
	if err := rows.Err(); err != nil {
		rows.Close()
		_ = br.Close()
		return nil, err
	}
	return &batchRows{c: tx.c, br: br, rows: rows, first: true, more: more}, nil
}

// update runs an UPDATE of one record by its id, returning the record.
func (tx *pgTx) update(ctx context.Context, table, query string, argsV []driver.NamedValue) (driver.Result, error) {
	countRoundTrip(ctx)
	rows, err := tx.query(ctx, query+" RETURNING *", argsV)
	if err != nil {
		return nil, err
	}
	row, n, err := postgresReadBack.updated(table, rows)
	if err != nil {
		return nil, err
	}
	tx.updated = row
	return driver.RowsAffected(n), nil
}

// Commit sends COMMIT, with what waits.
func (tx *pgTx) Commit() error {
	c := tx.c
	c.tx = nil
	if tx.begin && len(tx.later) == 0 {
		return nil // nothing sent, nothing to commit
	}
	countRoundTrip(tx.ctx)
	br, err := tx.send(tx.ctx, "commit", nil)
	var tag pgconn.CommandTag
	if err == nil {
		tag, err = br.Exec()
		if cerr := br.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		if c.Conn.Conn().PgConn().TxStatus() != 'I' {
			// As pgx does: a transaction left open must not go back to
			// the pool.
			_ = c.Conn.Conn().Close(tx.ctx)
		}
		return err
	}
	if tag.String() == "ROLLBACK" {
		return pgx.ErrTxCommitRollback
	}
	return nil
}

// Rollback sends ROLLBACK, if BEGIN was sent; what waits is dropped.
func (tx *pgTx) Rollback() error {
	c := tx.c
	c.tx = nil
	if tx.begin {
		return nil
	}
	countRoundTrip(tx.ctx)
	if _, err := c.Conn.Conn().Exec(tx.ctx, "rollback"); err != nil {
		_ = c.Conn.Conn().Close(tx.ctx) // its state is unknown
		return err
	}
	return nil
}

// args are a statement's arguments as pgx takes them.
func args(argsV []driver.NamedValue) []any {
	out := make([]any, len(argsV))
	for i, v := range argsV {
		out[i] = v.Value
	}
	return out
}

// badConn is err, or driver.ErrBadConn if nothing was sent, as pgx's
// database/sql driver says.
func badConn(err error) error {
	if pgconn.SafeToRetry(err) {
		return driver.ErrBadConn
	}
	return err
}

// batchRows are the rows of a batch's last statement, with the values
// pgx's database/sql driver gives for each type.
type batchRows struct {
	c           *pgConn
	br          pgx.BatchResults
	rows        pgx.Rows
	first, more bool // the first row has been read, and whether there was one
	values      []func([]byte) (driver.Value, error)
}

func (r *batchRows) Columns() []string {
	fields := r.rows.FieldDescriptions()
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return names
}

func (r *batchRows) Close() error {
	r.rows.Close()
	err := r.rows.Err()
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	return err
}

func (r *batchRows) Next(dest []driver.Value) error {
	more := r.more
	if r.first {
		r.first = false
	} else {
		more = r.rows.Next()
	}
	if !more {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	if r.values == nil {
		m := r.c.Conn.Conn().TypeMap()
		for _, f := range r.rows.FieldDescriptions() {
			r.values = append(r.values, valueOf(m, f))
		}
	}
	for i, raw := range r.rows.RawValues() {
		if raw == nil {
			dest[i] = nil
			continue
		}
		v, err := r.values[i](raw)
		if err != nil {
			return err
		}
		dest[i] = v
	}
	return nil
}

// valueOf decodes a column's values as pgx's database/sql driver does.
func valueOf(m *pgtype.Map, f pgconn.FieldDescription) func([]byte) (driver.Value, error) {
	switch f.DataTypeOID {
	case pgtype.BoolOID:
		return decode(m, f, func(d bool) (driver.Value, error) { return d, nil })
	case pgtype.ByteaOID, pgtype.JSONOID, pgtype.JSONBOID, pgtype.XMLOID:
		return decode(m, f, func(d []byte) (driver.Value, error) { return bytes.Clone(d), nil })
	case pgtype.CIDOID, pgtype.OIDOID, pgtype.XIDOID:
		return decode(m, f, func(d pgtype.Uint32) (driver.Value, error) { return d.Value() })
	case pgtype.DateOID:
		return decode(m, f, func(d pgtype.Date) (driver.Value, error) { return d.Value() })
	case pgtype.Float4OID, pgtype.Float8OID:
		return decode(m, f, func(d float64) (driver.Value, error) { return d, nil })
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID:
		return decode(m, f, func(d int64) (driver.Value, error) { return d, nil })
	case pgtype.TimestampOID:
		return decode(m, f, func(d pgtype.Timestamp) (driver.Value, error) { return d.Value() })
	case pgtype.TimestamptzOID:
		return decode(m, f, func(d pgtype.Timestamptz) (driver.Value, error) { return d.Value() })
	default:
		return decode(m, f, func(d string) (driver.Value, error) { return d, nil })
	}
}

func decode[T any](m *pgtype.Map, f pgconn.FieldDescription, value func(T) (driver.Value, error)) func([]byte) (driver.Value, error) {
	var d T
	plan := m.PlanScan(f.DataTypeOID, f.Format, &d)
	return func(raw []byte) (driver.Value, error) {
		if err := plan.Scan(raw, &d); err != nil {
			return nil, err
		}
		return value(d)
	}
}
