package compile

import (
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// A root field is compiled once for the same document, operation, field
// and variables, and anew when any of them differs; a fallback is kept as
// a statement is, a failure is not.
func TestStatementsAreKeptPerDocumentFieldAndVariables(t *testing.T) {
	var kept statements
	compiles := 0
	compile := func(err error) func() (*Statement, error) {
		return func() (*Statement, error) {
			compiles++
			if err != nil {
				return nil, err
			}
			return &Statement{SQL: "SELECT 1"}, nil
		}
	}
	field := func(alias string) graphql.CollectedField {
		return graphql.CollectedField{Field: &ast.Field{Alias: alias}}
	}
	op := func(query, name string, vars map[string]any) *graphql.OperationContext {
		return &graphql.OperationContext{RawQuery: query, OperationName: name, Variables: vars}
	}
	ask := func(oc *graphql.OperationContext, alias string, err error, wantCompiles int) {
		t.Helper()
		if _, _ = kept.compiled(oc, field(alias), compile(err)); compiles != wantCompiles {
			t.Errorf("%q %s %v %s: %d compiles, want %d", oc.RawQuery, oc.OperationName, oc.Variables, alias, compiles, wantCompiles)
		}
	}
	ask(op("q", "A", map[string]any{"x": 1, "y": "a"}), "f", nil, 1)
	ask(op("q", "A", map[string]any{"y": "a", "x": 1}), "f", nil, 1) // the same variables
	ask(op("q", "A", map[string]any{"x": 2, "y": "a"}), "f", nil, 2)
	ask(op("q", "B", map[string]any{"x": 1, "y": "a"}), "f", nil, 3)
	ask(op("q2", "A", map[string]any{"x": 1, "y": "a"}), "f", nil, 4)
	ask(op("q", "A", map[string]any{"x": 1, "y": "a"}), "g", nil, 5)
	ask(op("fb", "", nil), "f", &Fallback{Reason: "no"}, 6)
	if _, err := kept.compiled(op("fb", "", nil), field("f"), compile(nil)); err == nil || compiles != 6 {
		t.Errorf("a fallback was not kept: %v, %d compiles", err, compiles)
	}
	ask(op("fails", "", nil), "f", errFailed{}, 7)
	ask(op("fails", "", nil), "f", nil, 8)
}

type errFailed struct{}

func (errFailed) Error() string { return "failed" }
