package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/auth"
)

// schemaIntrospection lets a request ask for the schema (__schema, __type), as
// gqlgen's extension.Introspection does, except an anonymous one on a
// server whose plan is not public: what the API holds is as private as
// the plan. (Its cost is counted with the rest of the query: see
// introspectionLists.)
type schemaIntrospection struct{}

var (
	_ graphql.HandlerExtension        = schemaIntrospection{}
	_ graphql.OperationContextMutator = schemaIntrospection{}
)

// ExtensionName names the extension for gqlgen.
func (schemaIntrospection) ExtensionName() string { return "Introspection" }

// Validate is called once, when the extension is added to a server.
func (schemaIntrospection) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext allows introspection, or refuses an anonymous
// request for it on a private server with UNAUTHENTICATED, as the plan's
// own read policies refuse one.
func (schemaIntrospection) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if !auth.ReadsRequireSignIn(ctx) || auth.FromContext(ctx) != nil {
		oc.DisableIntrospection = false
		return nil
	}
	if oc.Operation != nil && asksForSchema(oc.Operation.SelectionSet, oc.Doc.Fragments, map[string]bool{}) {
		return refusal(oc.Operation.Position, samverkan.CodeUnauthenticated, nil,
			"sign in to read the schema: this server's plan is not public (send Authorization: Bearer <token>)")
	}
	return nil // introspection stays off
}

// asksForSchema reports whether a selection set, with its fragments, asks
// for __schema or __type (which only the query root has).
func asksForSchema(set ast.SelectionSet, fragments ast.FragmentDefinitionList, seen map[string]bool) bool {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Name == "__schema" || sel.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if asksForSchema(sel.SelectionSet, fragments, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if !seen[sel.Name] {
				seen[sel.Name] = true
				if f := fragments.ForName(sel.Name); f != nil && asksForSchema(f.SelectionSet, fragments, seen) {
					return true
				}
			}
		}
	}
	return false
}
