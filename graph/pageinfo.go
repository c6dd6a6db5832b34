package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// pageInfoWithoutEdges is a workaround for entgql v0.7.0 (README,
// "Workarounds"): asked for a connection's pageInfo but not its edges,
// entgql's pagers read no rows and guess. At the root and on a page it
// pages on its own, hasNextPage is true whenever first is given and any
// row matches (and hasPreviousPage likewise with last); on a nested page
// loaded with its parents, both are false unless a cursor says otherwise;
// the cursors are null either way.
//
// The interceptor gives a resolver that loads rows a view of its field in
// which every connection asked for its pageInfo without edges (its own, or
// one nested under it that it loads ahead) also asks for edges { cursor }.
// entgql then reads the page and builds its pageInfo from the rows, as it
// does when the client asks for edges. Only the resolver sees the view:
// the response is written from the query as it was sent, so the edges
// added are never in it. The compiled reads (package compile) read the
// page the same way.
type pageInfoWithoutEdges struct{}

var (
	_ graphql.HandlerExtension = pageInfoWithoutEdges{}
	_ graphql.FieldInterceptor = pageInfoWithoutEdges{}
)

// ExtensionName names the extension for gqlgen.
func (pageInfoWithoutEdges) ExtensionName() string { return "PageInfoWithoutEdges" }

// Validate is called once, when the extension is added to a server.
func (pageInfoWithoutEdges) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptField runs a resolver with the view of its field described
// above, when the view differs from the field.
func (pageInfoWithoutEdges) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	// Fields of structs load nothing; only methods and resolvers do.
	if fc == nil || !(fc.IsMethod || fc.IsResolver) || len(fc.Field.Selections) == 0 {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	sels, changed := withPageEdges(oc, fc.Field.Field, fc.Field.Selections, map[string]bool{})
	if !changed {
		return next(ctx)
	}
	view := *fc
	view.Field.Selections = sels
	ctx = graphql.WithFieldContext(ctx, &view)
	// The view stands in for the field, not under it: errors keep their path.
	view.Parent = fc.Parent
	return next(ctx)
}

// withPageEdges returns the selections of field with edges { cursor } added
// to every connection in them (and to field's own, when it is one) that
// asks for its pageInfo and has no field named edges; it copies only what
// it changes, and fragments it changes become inline fragments. seen holds
// the fragments being expanded, against spreads that cycle (which the
// validator refuses anyway).
func withPageEdges(oc *graphql.OperationContext, field *ast.Field, set ast.SelectionSet, seen map[string]bool) (ast.SelectionSet, bool) {
	var out ast.SelectionSet
	changeAt := func(i int, sel ast.Selection) {
		if out == nil {
			out = append(ast.SelectionSet(nil), set...)
		}
		out[i] = sel
	}
	for i, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sub, changed := withPageEdges(oc, sel, sel.SelectionSet, seen); changed {
				f := *sel
				f.SelectionSet = sub
				changeAt(i, &f)
			}
		case *ast.InlineFragment:
			// A fragment on the connection itself is part of its selections;
			// only the field's own check below looks at them together.
			if sub, changed := withPageEdges(oc, nil, sel.SelectionSet, seen); changed {
				f := *sel
				f.SelectionSet = sub
				changeAt(i, &f)
			}
		case *ast.FragmentSpread:
			def := oc.Doc.Fragments.ForName(sel.Name)
			if def == nil || seen[sel.Name] {
				continue
			}
			seen[sel.Name] = true
			sub, changed := withPageEdges(oc, nil, def.SelectionSet, seen)
			delete(seen, sel.Name)
			if changed {
				changeAt(i, &ast.InlineFragment{
					TypeCondition:    def.TypeCondition,
					Directives:       sel.Directives,
					SelectionSet:     sub,
					ObjectDefinition: def.Definition,
					Position:         sel.Position,
				})
			}
		}
	}
	changed := out != nil
	if !changed {
		out = set
	}
	if field != nil && isConnection(field.Definition) && needsEdges(oc, out) {
		out = append(append(ast.SelectionSet(nil), out...), cursorsOnly(field))
		changed = true
	}
	return out, changed
}

// needsEdges tells whether a connection's selections ask for its pageInfo
// and have no field that entgql takes for its edges (it finds them by the
// alias edges).
func needsEdges(oc *graphql.OperationContext, set ast.SelectionSet) bool {
	pageInfo := false
	for _, f := range graphql.CollectFields(oc, set, nil) {
		switch {
		case f.Alias == "edges":
			return false
		case f.Name == "pageInfo":
			pageInfo = true
		}
	}
	return pageInfo
}

// cursorsOnly is the field edges { cursor } of connection. entgql reads
// nothing of it but its alias and that of its fields.
func cursorsOnly(connection *ast.Field) *ast.Field {
	return &ast.Field{Alias: "edges", Name: "edges", Position: connection.Position,
		SelectionSet: ast.SelectionSet{&ast.Field{Alias: "cursor", Name: "cursor", Position: connection.Position}}}
}
