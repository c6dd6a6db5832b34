package storage

import (
	"context"
	"database/sql/driver"
	"io"
	"slices"
	"strings"
	"sync/atomic"
)

// ent's update of one record writes the record and then reads it back
// (ent/ent#2600): two statements where one would do. On both databases
// the connection runs such an UPDATE … WHERE id = … inside a transaction
// with RETURNING * instead, keeps the record it returns, and answers the
// reading back that follows at once from it: in the same transaction, with
// the row locked by the update, the two cannot differ. (They could if a
// trigger changed the row after the update; none of the schema's does,
// TestNoTriggerChangesTheRowItFiresFor.) Any other statement in between,
// or a new transaction, forgets the record.

// readBack is how a dialect writes the statements ent sends: the quote
// around names and the first parameter.
type readBack struct {
	quote byte   // '"' or '`'
	param string // a parameter's start: "$" or "?"
	first string // the first parameter: "$1" or "?"
}

var (
	postgresReadBack = readBack{quote: '"', param: "$", first: "$1"}
	sqliteReadBack   = readBack{quote: '`', param: "?", first: "?"}
)

func (d readBack) quoted(name string) string {
	return string(d.quote) + name + string(d.quote)
}

// updateByID reports whether query is an UPDATE whose condition begins
// with the record's id, as ent's update of one record writes it, and
// returns its table as the statement names it.
func (d readBack) updateByID(query string) (table string, ok bool) {
	rest, ok := strings.CutPrefix(query, "UPDATE ")
	if !ok || strings.Contains(query, "RETURNING") || !strings.Contains(query, " WHERE "+d.quoted("id")+" = "+d.param) {
		return "", false
	}
	table, _, ok = strings.Cut(rest, " SET ")
	if !ok || strings.ContainsAny(table, " ,()") {
		return "", false
	}
	return table, true
}

// updated reads the rows of an UPDATE … RETURNING *: how many there were,
// and the record if there was exactly one.
func (d readBack) updated(table string, rows driver.Rows) (*updatedRow, int64, error) {
	defer rows.Close()
	columns := rows.Columns()
	var (
		n    int64
		last []driver.Value
	)
	for {
		values := make([]driver.Value, len(columns))
		err := rows.Next(values)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		n, last = n+1, values
	}
	if err := rows.Close(); err != nil {
		return nil, 0, err
	}
	if n != 1 {
		return nil, n, nil
	}
	return &updatedRow{d: d, table: table, columns: columns, values: last}, n, nil
}

// updatedRow is a record as an UPDATE … RETURNING * gave it back.
type updatedRow struct {
	d       readBack
	table   string // as the statement names it, quoted
	columns []string
	values  []driver.Value
}

// reread answers ent's reading back of the record it updated
// (SELECT "a", "b" FROM "t" WHERE "id" = $1), if query is that.
func (r *updatedRow) reread(query string, argsV []driver.NamedValue) (driver.Rows, bool) {
	list, ok := strings.CutPrefix(query, "SELECT ")
	if !ok || len(argsV) != 1 {
		return nil, false
	}
	if list, ok = strings.CutSuffix(list, " FROM "+r.table+" WHERE "+r.d.quoted("id")+" = "+r.d.first); !ok {
		return nil, false
	}
	id := slices.Index(r.columns, "id")
	if id < 0 || !sameID(r.values[id], argsV[0].Value) {
		return nil, false
	}
	names := strings.Split(list, ", ")
	row := make([]driver.Value, len(names))
	q := string(r.d.quote)
	for i, quoted := range names {
		name, ok := strings.CutPrefix(quoted, q)
		if name, ok = strings.CutSuffix(name, q); !ok || strings.Contains(name, q) {
			return nil, false
		}
		j := slices.Index(r.columns, name)
		if j < 0 {
			return nil, false
		}
		names[i], row[i] = name, r.values[j]
	}
	return &listRows{columns: names, rows: [][]driver.Value{row}}, true
}

// sameID reports whether a returned id and a statement's argument are the
// same number.
func sameID(returned driver.Value, arg any) bool {
	id, ok := returned.(int64)
	if !ok {
		return false
	}
	switch a := arg.(type) {
	case int:
		return id == int64(a)
	case int64:
		return id == a
	case int32:
		return id == int64(a)
	}
	return false
}

// listRows are rows known already.
type listRows struct {
	columns []string
	rows    [][]driver.Value
}

func (r *listRows) Columns() []string { return r.columns }
func (r *listRows) Close() error      { return nil }

func (r *listRows) Next(dest []driver.Value) error {
	if len(r.rows) == 0 {
		return io.EOF
	}
	copy(dest, r.rows[0])
	r.rows = r.rows[1:]
	return nil
}

type statementsKey struct{}

// CountStatements returns a context in which n counts the SQL statements
// the database runs, BEGIN and COMMIT included: whoever sends a statement
// for ctx adds one (CountStatement), and the connection takes back the one
// it answers itself, ent's reading back of a record it has just updated
// (above). The benchmark reports it as the statements of a request.
func CountStatements(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, statementsKey{}, n)
}

// CountStatement adds one statement to ctx's count, if it has one
// (CountStatements).
func CountStatement(ctx context.Context) { addStatements(ctx, 1) }

func addStatements(ctx context.Context, d int64) {
	if n, ok := ctx.Value(statementsKey{}).(*atomic.Int64); ok {
		n.Add(d)
	}
}
