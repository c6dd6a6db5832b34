package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// entgqlView is a workaround for two defects of entgql v0.7.0 (README,
// "Workarounds"), in what it loads for a resolver:
//
//   - Asked for a connection's pageInfo but not its edges, entgql's pagers
//     read no rows and guess. At the root and on a page it pages on its
//     own, hasNextPage is true whenever first is given and any row matches
//     (and hasPreviousPage likewise with last); on a nested page loaded
//     with its parents, both are false unless a cursor says otherwise; the
//     cursors are null either way.
//   - It picks the edges to load, and the columns of their nodes, by a
//     field's alias: of edges { a: node { title } node { id } } or
//     node { a: activity { title } b: activity { id } } it loads what one
//     of the aliases asks for, and the other answers with empty values.
//
// The interceptor gives a resolver that loads rows a view of its field in
// which every connection asked for its pageInfo without edges also asks
// for edges { cursor }, and every field asked under several aliases (with
// no arguments, so that they are one value) asks, under each, for what all
// of them ask for. That holds for the field's own selections and for those
// nested under it, which entgql loads ahead. entgql then reads the page
// and builds its pageInfo from the rows, as it does when the client asks
// for edges, and loads what every alias needs. Only the resolver sees the
// view: the response is written from the query as it was sent, so nothing
// added is ever in it. The compiled reads (package compile) read the page
// the same way; selections under aliases they leave to the resolvers.
type entgqlView struct{}

var (
	_ graphql.HandlerExtension = entgqlView{}
	_ graphql.FieldInterceptor = entgqlView{}
)

// ExtensionName names the extension for gqlgen.
func (entgqlView) ExtensionName() string { return "EntgqlView" }

// Validate is called once, when the extension is added to a server.
func (entgqlView) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptField runs a resolver with the view of its field described
// above, when the view differs from the field.
func (entgqlView) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	// Fields of structs load nothing; only methods and resolvers do.
	if fc == nil || !(fc.IsMethod || fc.IsResolver) || len(fc.Field.Selections) == 0 {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	sels, changed := view(oc, fc.Field.Field, fc.Field.Selections)
	if !changed {
		return next(ctx)
	}
	v := *fc
	v.Field.Selections = sels
	ctx = graphql.WithFieldContext(ctx, &v)
	// The view stands in for the field, not under it: errors keep their path.
	v.Parent = fc.Parent
	return next(ctx)
}

// view returns the selections of field as entgql should read them (see
// entgqlView), and whether they differ from set. It copies only what it
// changes; fragments it changes become inline fragments.
func view(oc *graphql.OperationContext, field *ast.Field, set ast.SelectionSet) (ast.SelectionSet, bool) {
	out, changed := viewLevel(oc, set, merged(oc, set), map[string]bool{})
	if field == nil {
		return out, changed
	}
	switch {
	case isConnection(field.Definition):
		if named, ok := underTheirNames(oc, out, "edges", "pageInfo", "totalCount"); ok {
			out, changed = named, true
		}
		if needsEdges(oc, out) {
			out = append(append(ast.SelectionSet(nil), out...), cursorsOnly(field))
			changed = true
		}
	case field.Name == "edges" && field.ObjectDefinition != nil && strings.HasSuffix(field.ObjectDefinition.Name, "Connection"):
		if named, ok := underTheirNames(oc, out, "node"); ok {
			out, changed = named, true
		}
	}
	return out, changed
}

// underTheirNames adds to a connection's or an edge's selections each of
// the fields named that is asked for only under other aliases, under its
// own name, with what all of them ask for: entgql looks for them by that
// alias, and without one it loads nothing for them (an aliased edges is
// empty, an aliased totalCount 0).
func underTheirNames(oc *graphql.OperationContext, set ast.SelectionSet, names ...string) (ast.SelectionSet, bool) {
	var out ast.SelectionSet
	fields := graphql.CollectFields(oc, set, nil)
	for _, name := range names {
		var union ast.SelectionSet
		var first *ast.Field
		for _, f := range fields {
			if f.Alias == name {
				first = nil
				break
			}
			if f.Name == name {
				if first == nil {
					first = f.Field
				}
				union = append(union, f.Selections...)
			}
		}
		if first == nil {
			continue
		}
		if out == nil {
			out = append(ast.SelectionSet(nil), set...)
		}
		named := *first
		named.Alias, named.SelectionSet, named.Directives = name, union, nil
		out = append(out, &named)
	}
	return out, out != nil
}

// viewLevel gives each field of one level of selections (its own, and
// those of the fragments in it) the selections merged for its name, if
// any, and then their view. seen holds the fragments being expanded,
// against spreads that cycle (which the validator refuses anyway).
func viewLevel(oc *graphql.OperationContext, set ast.SelectionSet, merged map[string]ast.SelectionSet, seen map[string]bool) (ast.SelectionSet, bool) {
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
			// Fields with arguments are merged with none (see merged).
			own, isMerged := merged[mergeKey(sel)]
			if isMerged = isMerged && len(sel.Arguments) == 0; !isMerged {
				own = sel.SelectionSet
			}
			if sub, changed := view(oc, sel, own); changed || isMerged {
				f := *sel
				f.SelectionSet = sub
				changeAt(i, &f)
			}
		case *ast.InlineFragment:
			if sub, changed := viewLevel(oc, sel.SelectionSet, merged, seen); changed {
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
			sub, changed := viewLevel(oc, def.SelectionSet, merged, seen)
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
	if out == nil {
		return set, false
	}
	return out, true
}

// merged gives, for each field of one level of selections (fragments
// included) asked under more than one alias without arguments, the
// selections of all of them together, by mergeKey.
func merged(oc *graphql.OperationContext, set ast.SelectionSet) map[string]ast.SelectionSet {
	var fields []*ast.Field
	var collect func(ast.SelectionSet, map[string]bool)
	collect = func(set ast.SelectionSet, seen map[string]bool) {
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				if len(sel.Arguments) == 0 && len(sel.SelectionSet) > 0 && sel.ObjectDefinition != nil {
					fields = append(fields, sel)
				}
			case *ast.InlineFragment:
				collect(sel.SelectionSet, seen)
			case *ast.FragmentSpread:
				if def := oc.Doc.Fragments.ForName(sel.Name); def != nil && !seen[sel.Name] {
					seen[sel.Name] = true
					collect(def.SelectionSet, seen)
				}
			}
		}
	}
	collect(set, map[string]bool{})
	var out map[string]ast.SelectionSet
	for i, f := range fields {
		key := mergeKey(f)
		if _, done := out[key]; done {
			continue
		}
		var union ast.SelectionSet
		aliases := 0
		for _, g := range fields[i:] {
			if mergeKey(g) != key {
				continue
			}
			if g.Alias != f.Alias {
				aliases++
			}
			union = append(union, g.SelectionSet...)
		}
		if aliases > 0 {
			if out == nil {
				out = map[string]ast.SelectionSet{}
			}
			out[key] = union
		}
	}
	return out
}

// mergeKey names a field by its type and name: fields of one key at one
// level, without arguments, are one value.
func mergeKey(f *ast.Field) string {
	if f.ObjectDefinition == nil {
		return ""
	}
	return f.ObjectDefinition.Name + "." + f.Name
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
