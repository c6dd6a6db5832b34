package graph

import (
	"context"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/ent"
)

// Page sizes of every connection: a client that names no size gets
// DefaultPageSize items, and one that asks for more than MaxPageSize is
// refused, so no request can read a whole table in one go.
const (
	DefaultPageSize = 50
	MaxPageSize     = 100
)

// pageSizeLimit refuses an operation that asks any connection for more
// than MaxPageSize items, or for a page after or before a cursor made for
// another order, before anything of it runs. The default page size comes
// from the normalizeConnections validation rule.
type pageSizeLimit struct{}

var (
	_ graphql.HandlerExtension        = pageSizeLimit{}
	_ graphql.OperationContextMutator = pageSizeLimit{}
)

// ExtensionName names the extension for gqlgen.
func (pageSizeLimit) ExtensionName() string { return "PageSizeLimit" }

// Validate is called once, when the extension is added to a server.
func (pageSizeLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext checks every connection in the operation, with the
// request's variables filled in, after giving null page sizes the default.
func (pageSizeLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Operation
	if op == nil {
		return nil // gqlgen reports the missing operation itself
	}
	if oc.Variables == nil {
		oc.Variables = map[string]any{}
	}
	nullPageSizes(op.SelectionSet, oc.Doc.Fragments, oc.Variables, map[string]bool{})
	return checkConnections(op.SelectionSet, oc.Doc.Fragments, oc.Variables, map[string]bool{})
}

func checkConnections(set ast.SelectionSet, fragments ast.FragmentDefinitionList, vars map[string]any, seen map[string]bool) *gqlerror.Error {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if isConnection(sel.Definition) {
				if err := checkPageSize(sel, vars); err != nil {
					return err
				}
				if err := checkCursors(sel, vars); err != nil {
					return err
				}
			}
			if err := checkConnections(sel.SelectionSet, fragments, vars, seen); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := checkConnections(sel.SelectionSet, fragments, vars, seen); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if seen[sel.Name] {
				continue
			}
			seen[sel.Name] = true
			if f := fragments.ForName(sel.Name); f != nil {
				if err := checkConnections(f.SelectionSet, fragments, vars, seen); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// checkPageSize refuses a connection asked for more than MaxPageSize items.
func checkPageSize(sel *ast.Field, vars map[string]any) *gqlerror.Error {
	for _, name := range []string{"first", "last"} {
		arg := sel.Arguments.ForName(name)
		if arg == nil {
			continue
		}
		v, err := arg.Value.Value(vars)
		if err != nil {
			continue // the validator has refused it already
		}
		if n, ok := v.(int64); ok && n > MaxPageSize {
			return refusal(arg.Position, samverkan.CodePageSize, map[string]any{"field": name},
				"%s: %s takes at most %d items per page, not %d; ask for the next page with after: pageInfo.endCursor",
				sel.Alias, name, MaxPageSize, n)
		}
	}
	return nil
}

// checkCursors refuses a page after or before a cursor made for another
// order: a cursor holds the row's value of each order field, and one with
// more or fewer values than the connection's orderBy has fields cannot be
// placed in it (entgql fails on it as if the fault were the server's). A
// cursor that holds no values (made in the order by id) fits any order,
// and one that is not a cursor at all is refused as the Cursor scalar
// refuses it.
func checkCursors(sel *ast.Field, vars map[string]any) *gqlerror.Error {
	orders := 0
	if arg := sel.Arguments.ForName("orderBy"); arg != nil {
		v, err := arg.Value.Value(vars)
		if err != nil {
			return nil // the validator has refused it already
		}
		switch v := v.(type) {
		case []any:
			orders = len(v)
		case map[string]any:
			orders = 1
		}
	}
	for _, name := range []string{"after", "before"} {
		arg := sel.Arguments.ForName(name)
		if arg == nil {
			continue
		}
		v, err := arg.Value.Value(vars)
		text, ok := v.(string)
		if err != nil || !ok {
			continue
		}
		var c ent.Cursor
		if c.UnmarshalGQL(text) != nil || c.Value == nil {
			continue
		}
		values, ok := c.Value.([]any)
		if ok && len(values) == orders {
			continue
		}
		return refusal(arg.Position, samverkan.CodeBadRequest, map[string]any{"field": name},
			"%s: the %s cursor was made for another order (it holds %d order values, the orderBy has %d fields); use a cursor of a page in the same orderBy",
			sel.Alias, name, len(values), orders)
	}
	return nil
}

// normalizeConnections is a validation rule that rewrites two things in the
// arguments of every connection field, so that entgql reads them right when
// it loads nested connections ahead of their resolvers (it reads the query's
// syntax tree, not the arguments gqlgen has coerced):
//   - a connection that names neither first nor last gets
//     first: DefaultPageSize; a default given later would come too late;
//   - an orderBy given as one object rather than a list (which GraphQL
//     allows) becomes a list of one; entgql would ignore it otherwise.
//
// The rule runs once per query text, before gqlgen caches the parsed query,
// so requests never share a tree that is being changed.
func normalizeConnections(observers *core.Events, _ core.AddErrFunc) {
	observers.OnField(func(w *core.Walker, field *ast.Field) {
		if !isConnection(field.Definition) {
			return
		}
		if order := field.Arguments.ForName("orderBy"); order != nil && order.Value.Kind == ast.ObjectValue {
			order.Value = &ast.Value{
				Kind:       ast.ListValue,
				Children:   ast.ChildValueList{{Value: order.Value, Position: order.Value.Position}},
				Definition: order.Value.Definition,
				Position:   order.Value.Position,
			}
		}
		if field.Arguments.ForName("first") == nil && field.Arguments.ForName("last") == nil {
			field.Arguments = append(field.Arguments, &ast.Argument{
				Name:     "first",
				Position: field.Position,
				Value: &ast.Value{
					Kind:       ast.IntValue,
					Raw:        strconv.Itoa(DefaultPageSize),
					Definition: w.Schema.Types["Int"],
					Position:   field.Position,
				},
			})
		}
	})
}

// validationRules are GraphQL's rules plus normalizeConnections, with
// OverlappingFieldsCanBeMerged run only on documents of at most maxRepeats
// repeats (see repeats.go).
func validationRules(maxRepeats int) func() *rules.Rules {
	return func() *rules.Rules {
		r := rules.NewDefaultRules()
		r.AddRule("NormalizeConnections", normalizeConnections)
		r.ReplaceRule(rules.OverlappingFieldsCanBeMergedRule.Name, guardedOverlaps(maxRepeats))
		return r
	}
}

// nullPageSizes gives a variable that sets first or last to null, with the
// other one absent, the default page size: null means "not given", and a
// connection asked for with neither would otherwise load every row.
func nullPageSizes(set ast.SelectionSet, fragments ast.FragmentDefinitionList, vars map[string]any, seen map[string]bool) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if isConnection(sel.Definition) {
				first, last := sel.Arguments.ForName("first"), sel.Arguments.ForName("last")
				if nullVariable(first, vars) && (last == nil || nullVariable(last, vars)) {
					vars[first.Value.Raw] = int64(DefaultPageSize)
				} else if first == nil && nullVariable(last, vars) {
					vars[last.Value.Raw] = int64(DefaultPageSize)
				}
			}
			nullPageSizes(sel.SelectionSet, fragments, vars, seen)
		case *ast.InlineFragment:
			nullPageSizes(sel.SelectionSet, fragments, vars, seen)
		case *ast.FragmentSpread:
			if !seen[sel.Name] {
				seen[sel.Name] = true
				if f := fragments.ForName(sel.Name); f != nil {
					nullPageSizes(f.SelectionSet, fragments, vars, seen)
				}
			}
		}
	}
}

func nullVariable(arg *ast.Argument, vars map[string]any) bool {
	return arg != nil && arg.Value.Kind == ast.Variable && vars[arg.Value.Raw] == nil
}

func isConnection(def *ast.FieldDefinition) bool {
	return def != nil && def.Type != nil && strings.HasSuffix(def.Type.Name(), "Connection") &&
		def.Arguments.ForName("first") != nil
}
