package graph

import (
	"context"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkan/samverkan"
)

// Bounds on the values of an operation's arguments, with its variables
// filled in, so that a filter fails with a code rather than on a limit of
// the database: SQLite refuses an expression nested about 1,000 deep (an
// `or` of 1,000 conditions is one) and more than 32,766 parameters,
// PostgreSQL more than 65,535 parameters and any NUL in text. Real clients
// stay far below them: the admin page's largest filter has a few dozen
// values.
const (
	// MaxListItems is the most items one list may hold (idIn, codeIn, or,
	// and, municipalityIDs, …).
	MaxListItems = 1_000
	// MaxInputFields is the most input object fields (conditions, in a
	// where) all the arguments of an operation may hold together.
	MaxInputFields = 500
	// MaxInputValues is the most values (strings, numbers, list items)
	// all the arguments of an operation may hold together.
	MaxInputValues = 10_000
	// MaxInputDepth is how deeply input objects may nest (a where in a
	// where's not, and, or or has…With).
	MaxInputDepth = 20
)

// inputLimits refuses an operation whose arguments break the bounds above
// or hold a NUL character, before anything of it runs: lists too long,
// too many conditions or values (QUERY_TOO_LARGE), input nested too deep
// (QUERY_TOO_DEEP), a NUL (BAD_REQUEST). Both the read compiler and the
// resolvers are behind it.
type inputLimits struct{}

var (
	_ graphql.HandlerExtension        = inputLimits{}
	_ graphql.OperationContextMutator = inputLimits{}
)

// ExtensionName names the extension for gqlgen.
func (inputLimits) ExtensionName() string { return "InputLimits" }

// Validate is called once, when the extension is added to a server.
func (inputLimits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext checks the arguments of every field of the
// operation, with the request's variables. A fragment's fields are checked
// once, wherever it is spread.
func (inputLimits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	c := &inputChecker{vars: oc.Variables, fragments: oc.Doc.Fragments, seen: map[string]bool{}}
	return c.set(oc.Operation.SelectionSet)
}

type inputChecker struct {
	vars           map[string]any
	fragments      ast.FragmentDefinitionList
	seen           map[string]bool
	fields, values int
}

func (c *inputChecker) set(set ast.SelectionSet) *gqlerror.Error {
	for _, sel := range set {
		var err *gqlerror.Error
		switch sel := sel.(type) {
		case *ast.Field:
			for _, arg := range sel.Arguments {
				v, verr := arg.Value.Value(c.vars)
				if verr != nil {
					continue // validation has refused it
				}
				if err = c.value(arg, arg.Name, v, 0); err != nil {
					return err
				}
			}
			err = c.set(sel.SelectionSet)
		case *ast.InlineFragment:
			err = c.set(sel.SelectionSet)
		case *ast.FragmentSpread:
			if !c.seen[sel.Name] {
				c.seen[sel.Name] = true
				if f := c.fragments.ForName(sel.Name); f != nil {
					err = c.set(f.SelectionSet)
				}
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// value checks one value, named by the input field (or argument) it is
// given for, at a depth of input objects.
func (c *inputChecker) value(arg *ast.Argument, name string, v any, depth int) *gqlerror.Error {
	refuse := func(code samverkan.Code, limit int, format string, args ...any) *gqlerror.Error {
		more := map[string]any{"field": name}
		if limit > 0 {
			more["limit"] = limit
		}
		return refusal(arg.Position, code, more, format, args...)
	}
	switch v := v.(type) {
	case map[string]any:
		if depth+1 > MaxInputDepth {
			return refuse(samverkan.CodeQueryTooDeep, MaxInputDepth,
				"%s: input objects nest more than %d deep; write the condition flatter", name, MaxInputDepth)
		}
		c.fields += len(v)
		if c.fields > MaxInputFields {
			return refuse(samverkan.CodeQueryTooLarge, MaxInputFields,
				"%s: the arguments hold more than %d conditions (fields of input objects); ask for less at once", name, MaxInputFields)
		}
		for k, item := range v {
			if err := c.value(arg, k, item, depth+1); err != nil {
				return err
			}
		}
	case []any:
		if len(v) > MaxListItems {
			return refuse(samverkan.CodeQueryTooLarge, MaxListItems,
				"%s: a list may hold at most %d items, not %d; send them in several requests", name, MaxListItems, len(v))
		}
		for _, item := range v {
			if err := c.value(arg, name, item, depth); err != nil {
				return err
			}
		}
	case nil:
	default:
		c.values++
		if c.values > MaxInputValues {
			return refuse(samverkan.CodeQueryTooLarge, MaxInputValues,
				"%s: the arguments hold more than %d values; ask for less at once", name, MaxInputValues)
		}
		if s, ok := v.(string); ok && strings.ContainsRune(s, 0) {
			return refuse(samverkan.CodeBadRequest, 0, "%s: text may not contain the NUL character (\\u0000)", name)
		}
	}
	return nil
}

// setThenAppend folds a list to append into the list an update sets (or
// clears) in the same step, which ent would write as two assignments to
// one column in one UPDATE, of which the database keeps one. It returns the
// list to set (nil for none) and whether to clear.
func setThenAppend(set []string, clear bool, add []string) ([]string, bool) {
	if len(add) == 0 || (set == nil && !clear) {
		return set, clear
	}
	return append(slices.Clone(set), add...), false
}
