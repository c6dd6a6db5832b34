package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkan/samverkan"
)

// Page sizes of every connection: a client that names no size gets
// DefaultPageSize items, and one that asks for more than MaxPageSize is
// refused, so no request can read a whole table in one go.
const (
	DefaultPageSize = 50
	MaxPageSize     = 100
)

func init() {
	// A refused page size is a fault of the request: HTTP 422, like a
	// query that does not validate.
	errcode.RegisterErrorType(string(samverkan.CodePageSize), errcode.KindProtocol)
}

// pageSizeLimit refuses an operation that asks any connection for more
// than MaxPageSize items, before anything of it runs.
type pageSizeLimit struct{}

var (
	_ graphql.HandlerExtension        = pageSizeLimit{}
	_ graphql.OperationContextMutator = pageSizeLimit{}
	_ graphql.FieldInterceptor        = pageSizeLimit{}
)

// ExtensionName names the extension for gqlgen.
func (pageSizeLimit) ExtensionName() string { return "PageSizeLimit" }

// Validate is called once, when the extension is added to a server.
func (pageSizeLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext checks every connection in the operation, with the
// request's variables filled in.
func (pageSizeLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Doc.Operations.ForName(oc.OperationName)
	if op == nil {
		return nil // gqlgen reports the missing operation itself
	}
	return checkPageSizes(op.SelectionSet, oc.Doc.Fragments, oc.Variables, map[string]bool{})
}

func checkPageSizes(set ast.SelectionSet, fragments ast.FragmentDefinitionList, vars map[string]any, seen map[string]bool) *gqlerror.Error {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if isConnection(sel.Definition) {
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
						e := gqlerror.ErrorPosf(arg.Position,
							"%s: %s takes at most %d items per page, not %d; ask for the next page with after: pageInfo.endCursor",
							sel.Alias, name, MaxPageSize, n)
						e.Extensions = map[string]any{"code": string(samverkan.CodePageSize), "field": name}
						return e
					}
				}
			}
			if err := checkPageSizes(sel.SelectionSet, fragments, vars, seen); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := checkPageSizes(sel.SelectionSet, fragments, vars, seen); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if seen[sel.Name] {
				continue
			}
			seen[sel.Name] = true
			if f := fragments.ForName(sel.Name); f != nil {
				if err := checkPageSizes(f.SelectionSet, fragments, vars, seen); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// InterceptField gives a connection asked for with neither first nor last
// the default page size.
func (pageSizeLimit) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc != nil && fc.Field.Field != nil && isConnection(fc.Field.Definition) && fc.Args != nil {
		if isNilInt(fc.Args["first"]) && isNilInt(fc.Args["last"]) {
			size := DefaultPageSize
			fc.Args["first"] = &size
		}
	}
	return next(ctx)
}

func isConnection(def *ast.FieldDefinition) bool {
	return def != nil && def.Type != nil && strings.HasSuffix(def.Type.Name(), "Connection") &&
		def.Arguments.ForName("first") != nil
}

func isNilInt(v any) bool {
	p, ok := v.(*int)
	return v == nil || (ok && p == nil)
}
