package compile

import (
	"context"
	"reflect"
	"slices"
	"strings"

	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqlgraph"

	"github.com/samverkan/samverkan/ent"
)

// Type is what the compiler knows of one ent type in the graph. The
// values are generated from the ent schema (schema_gen.go, written by
// compilegen when go generate runs entc), never listed by hand.
type Type struct {
	// Name is the GraphQL type, e.g. "Activity".
	Name string
	// Table is the SQL table of its rows.
	Table string
	// IDStart is the first id of its range of ids (ent's global ids: each
	// type has 1<<32 of them), by which node(id:) knows the type.
	IDStart int
	// Fields are its columns, by GraphQL field name (id included).
	Fields map[string]*Field
	// Edges are its edges that the graph serves from the schema, by
	// GraphQL field name.
	Edges map[string]*Edge
	// Orders are the values of its …OrderField enum: by a column of its
	// own, by the number of an edge's rows, or by a column of the node an
	// edge leads to.
	Orders map[string]*Field
	// Where turns a where argument, as the request gave it, into ent's
	// generated predicate; nil when the argument matches everything.
	// perRequest is true when a resolver of the where input added a
	// predicate of its own (a field the schema adds to the generated
	// input, such as Activity's viewerCanUpdate): it is made for this
	// request, from its viewer, so the statement is not kept.
	Where func(ctx context.Context, raw any) (p func(*sql.Selector), perRequest bool, err error)
	// Policy evaluates the type's read policy, as ent does before any
	// query of the type.
	Policy func(ctx context.Context, c *ent.Client) error
}

// Kind is how a column's value is written in JSON.
type Kind int

// The kinds of column the compiler writes.
const (
	KindID      Kind = iota + 1 // an integer written as a string
	KindString                  // text
	KindInt                     // an integer
	KindFloat                   // a floating-point number
	KindBool                    // a boolean
	KindTime                    // a time, written in RFC 3339 with nanoseconds
	KindEnum                    // text that is a GraphQL enum value
	KindStrings                 // a JSON array of strings
)

// Field is a column of a type.
type Field struct {
	// Column is the column's name.
	Column string
	// Kind is how its value is written.
	Kind Kind
	// Nillable is true when a NULL is null in GraphQL; an optional field
	// that is not nillable reads NULL as its Go zero value instead.
	Nillable bool
	// CountOf, in an order, names the edge whose number of rows the
	// order is by (…_COUNT), rather than a column.
	CountOf string
	// Via, in an order, names the edge to one node by whose Column the
	// order is (PLAN_NAME: the goal's plan's name), rather than a column
	// of the type's own.
	Via string
}

// Edge is an edge of a type to another.
type Edge struct {
	// Target is the GraphQL type it leads to.
	Target string
	// Unique is true for an edge to one node; false for a connection.
	Unique bool
	// Rel, Table, Columns and Inverse say how its rows are joined, as in
	// ent's sqlgraph steps.
	Rel     sqlgraph.Rel
	Table   string
	Columns []string
	Inverse bool
}

// TableType returns the ent type, by its GraphQL name, whose records
// table holds ("objectives": "Objective"), from the generated facts.
func TableType(table string) (string, bool) {
	for name, t := range types {
		if t.Table == table {
			return name, true
		}
	}
	return "", false
}

// ColumnType returns the ent type, by its GraphQL name, of the record that
// column of table refers to: the target of the edge to one record whose
// key the column holds ("goals", "plan_id": "Plan").
func ColumnType(table, column string) (string, bool) {
	name, ok := TableType(table)
	if !ok {
		return "", false
	}
	for _, e := range types[name].Edges {
		if e.Unique && e.Table == table && slices.Equal(e.Columns, []string{column}) {
			return e.Target, true
		}
	}
	return "", false
}

// EdgeName names an edge: its type and its GraphQL field.
type EdgeName struct{ Type, Field string }

// ManyToManyConnections are the schema's connections over many-to-many
// edges, sorted.
func ManyToManyConnections() []EdgeName {
	var out []EdgeName
	for name, t := range types {
		for field, e := range t.Edges {
			if e.Rel == sqlgraph.M2M && !e.Unique {
				out = append(out, EdgeName{Type: name, Field: field})
			}
		}
	}
	slices.SortFunc(out, func(a, b EdgeName) int { return strings.Compare(a.Type+"."+a.Field, b.Type+"."+b.Field) })
	return out
}

// resolvedPredicates reports whether a decoded where input, or one inside
// it (not, and, or, has…With), holds predicates that the input's
// resolvers added (entgql's AddPredicates); the generated fields of the
// input are not predicates until P() makes them so.
func resolvedPredicates(w any) bool {
	v := reflect.ValueOf(w)
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return false
		}
		v = v.Elem()
	case reflect.Slice:
		for i := range v.Len() {
			if resolvedPredicates(v.Index(i).Interface()) {
				return true
			}
		}
		return false
	}
	if v.Kind() != reflect.Struct || !strings.HasSuffix(v.Type().Name(), "WhereInput") {
		return false
	}
	if p := v.FieldByName("Predicates"); p.IsValid() && p.Len() > 0 {
		return true
	}
	for i := range v.NumField() {
		f := v.Field(i)
		if t := f.Type(); t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Pointer {
			if resolvedPredicates(f.Interface()) {
				return true
			}
		}
	}
	return false
}
