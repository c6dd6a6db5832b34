package graph

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkan/samverkan"
)

// Limits bound what one request may cost the server, so that no client,
// careless or hostile, can make it read whole tables, recurse without end
// or hold a connection for long. Each refusal is a GraphQL error with a
// code of its own. A zero field means no limit.
type Limits struct {
	// MaxCost is the most records a response may hold, reckoned before
	// anything runs: each connection counts its page size (first or last,
	// DefaultPageSize when neither is given) times what each of its items
	// asks for, so nested connections multiply. Refused as QUERY_TOO_COSTLY.
	MaxCost int
	// MaxDepth is how deeply fields may nest, counting every field on the
	// way down, leaves included. Refused as QUERY_TOO_DEEP.
	MaxDepth int
	// MaxTokens is how many tokens (names, punctuation, values) the query
	// text may have; the parser stops there. Refused as QUERY_TOO_LARGE.
	MaxTokens int
	// MaxRepeats is how many times the query may repeat a response name
	// within one selection set (its fragments' fields merged in) or spread
	// a fragment, which validation compares pair by pair. Refused as
	// QUERY_TOO_LARGE, before that comparison.
	MaxRepeats int
	// Timeout is how long an operation may run. Its context carries the
	// deadline, so the SQL it runs is cancelled when it passes; what is
	// left fails with TIMEOUT, and a mutation is rolled back.
	Timeout time.Duration
	// Mutations, if set, limits how often one client may change anything.
	// Refused as RATE_LIMITED, with a retry hint.
	Mutations RateLimiter
}

// DefaultLimits are the limits of a server not told otherwise. The cost
// limit is over twice what the README's costliest example asks for (a plan
// with its goals, their headings and their activities: three nested
// connections of 50, about 130,000 records) and well under three nested
// connections of 100 (about a million). The depth limit is 5 over
// GraphiQL's introspection query (15).
var DefaultLimits = Limits{
	MaxCost:   300_000,
	MaxDepth:  20,
	MaxTokens: 10_000,
	// Real queries repeat a name when fragments share a field (id,
	// __typename); GraphiQL's introspection query spreads 9 fragments.
	MaxRepeats: 100,
	Timeout:    10 * time.Second,
}

// RateLimiter gives each client an allowance of changes.
type RateLimiter interface {
	// Allow takes n changes from the client's allowance, or reports how
	// long the client must wait until it has them.
	Allow(client string, n int) (ok bool, retryAfter time.Duration)
	// Burst is the most changes a client may make at once: a request of
	// more is refused, whatever the client's allowance.
	Burst() int
}

// install puts the limits on the server of the schema.
func (l Limits) install(srv interface {
	Use(graphql.HandlerExtension)
	SetParserTokenLimit(int)
}, schema *ast.Schema) {
	srv.SetParserTokenLimit(l.MaxTokens) // 0 is no limit for gqlgen too
	srv.Use(queryLimits{maxCost: l.MaxCost, maxDepth: l.MaxDepth, lists: introspectionLists(schema)})
	if l.Mutations != nil {
		srv.Use(mutationRate{l.Mutations})
	}
	if l.Timeout > 0 {
		srv.Use(requestTimeout{l.Timeout})
	}
}

// presentLimits gives the parser's token limit error its own code: the
// parser reports it as a parse failure like any other, told apart only by
// its words. So too the refusal of a query that repeats too much, which
// gqlgen reports as a validation failure.
func (l Limits) presentLimits(e *gqlerror.Error) {
	if l.MaxTokens > 0 && strings.HasPrefix(e.Message, "exceeded token limit") {
		e.Message = fmt.Sprintf("the query is longer than %d tokens (names, values and punctuation); send a shorter one", l.MaxTokens)
		recodeAs(e, samverkan.CodeQueryTooLarge, map[string]any{"limit": l.MaxTokens})
	}
	presentRepeatLimit(e)
}

// queryLimits refuses an operation that could return too many records or
// nests too deeply, before anything of it runs.
type queryLimits struct {
	maxCost, maxDepth int
	lists             map[string]int // see introspectionLists
}

// introspectionLists are the lengths that the cost counts for the lists of
// introspection, by type and field (__Type.fields): all the types and
// directives of the schema for __schema's lists, and for the others their
// mean length over the schema, rounded up. GraphiQL's introspection query
// then costs about what its answer holds (some 25,000 records, the ofType
// chains counted in full), and 620 aliased __schema (once 32 MB of
// answer) are refused like any other query that asks for too much.
func introspectionLists(schema *ast.Schema) map[string]int {
	if schema == nil {
		return nil
	}
	var fields, inputFields, enumValues, interfaces, possibleTypes, args int
	for _, d := range schema.Types {
		if d.Kind == ast.InputObject {
			inputFields += len(d.Fields)
		} else {
			fields += len(d.Fields)
		}
		for _, f := range d.Fields {
			args += len(f.Arguments)
		}
		enumValues += len(d.EnumValues)
		interfaces += len(d.Interfaces)
		possibleTypes += len(schema.PossibleTypes[d.Name])
	}
	directiveArgs := 0
	for _, d := range schema.Directives {
		directiveArgs += len(d.Arguments)
	}
	mean := func(total, n int) int { return max(1, (total+n-1)/max(n, 1)) }
	types := len(schema.Types)
	return map[string]int{
		"__Schema.types":       types,
		"__Schema.directives":  len(schema.Directives),
		"__Type.fields":        mean(fields, types),
		"__Type.inputFields":   mean(inputFields, types),
		"__Type.enumValues":    mean(enumValues, types),
		"__Type.interfaces":    mean(interfaces, types),
		"__Type.possibleTypes": mean(possibleTypes, types),
		"__Field.args":         mean(args, fields),
		"__Directive.args":     mean(directiveArgs, len(schema.Directives)),
	}
}

var (
	_ graphql.HandlerExtension        = queryLimits{}
	_ graphql.OperationContextMutator = queryLimits{}
)

// ExtensionName names the extension for gqlgen.
func (queryLimits) ExtensionName() string { return "QueryLimits" }

// Validate is called once, when the extension is added to a server.
func (queryLimits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext measures the operation with the request's
// variables. It runs after pageSizeLimit, which gives every connection a
// page size.
func (q queryLimits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	m := &measurer{vars: oc.Variables, fragments: oc.Doc.Fragments, memo: map[string]measure{}, lists: q.lists}
	got := m.set(oc.Operation.SelectionSet)
	if q.maxDepth > 0 && got.depth > q.maxDepth {
		return refusal(oc.Operation.Position, samverkan.CodeQueryTooDeep, map[string]any{"depth": got.depth, "limit": q.maxDepth},
			"the query nests %d fields deep; at most %d are allowed", got.depth, q.maxDepth)
	}
	if q.maxCost > 0 && got.cost > float64(q.maxCost) {
		cost := int64(math.Min(got.cost, math.MaxInt64/2))
		return refusal(oc.Operation.Position, samverkan.CodeQueryTooCostly, map[string]any{"cost": cost, "limit": q.maxCost},
			"the query could return up to %d records, more than the %d a request may ask for; ask for fewer items with first or last, above all on nested connections",
			cost, q.maxCost)
	}
	return nil
}

// measure is the cost and depth of a selection set.
type measure struct {
	cost  float64 // float64: nested page sizes can overflow an int
	depth int
}

// measurer walks an operation. A fragment's measure does not depend on
// where it is spread, so each is walked once: a document that spreads
// fragments into fragments costs linear time, not exponential.
type measurer struct {
	vars      map[string]any
	fragments ast.FragmentDefinitionList
	memo      map[string]measure
	lists     map[string]int // the lengths of introspection's lists
}

func (m *measurer) set(set ast.SelectionSet) measure {
	var out measure
	for _, sel := range set {
		var s measure
		switch sel := sel.(type) {
		case *ast.Field:
			s = m.field(sel)
		case *ast.InlineFragment:
			s = m.set(sel.SelectionSet)
		case *ast.FragmentSpread:
			s = m.fragment(sel.Name)
		}
		out.cost += s.cost
		out.depth = max(out.depth, s.depth)
	}
	return out
}

func (m *measurer) fragment(name string) measure {
	if s, ok := m.memo[name]; ok {
		return s
	}
	m.memo[name] = measure{} // validation refuses cycles; this ends one anyway
	var s measure
	if f := m.fragments.ForName(name); f != nil {
		s = m.set(f.SelectionSet)
	}
	m.memo[name] = s
	return s
}

// field is what a field costs: a record is 1 (a scalar nothing), a
// connection is one query plus its page size times what each item asks
// for, and a list asked for by a list of ids (nodes) is that many times
// its item.
func (m *measurer) field(f *ast.Field) measure {
	inner := m.set(f.SelectionSet)
	s := measure{depth: 1 + inner.depth}
	switch {
	case len(f.SelectionSet) == 0:
		// A scalar or enum: no record of its own.
	case isConnection(f.Definition):
		s.cost = 1 + float64(m.pageSize(f))*inner.cost
	case isWrapper(f.Definition):
		s.cost = inner.cost // edges and pageInfo hold no record
	default:
		s.cost = float64(m.listLength(f)) * (1 + inner.cost)
	}
	return s
}

// pageSize is the larger of a connection's first and last.
func (m *measurer) pageSize(f *ast.Field) int64 {
	var n int64
	for _, name := range []string{"first", "last"} {
		if arg := f.Arguments.ForName(name); arg != nil {
			if v, err := arg.Value.Value(m.vars); err == nil {
				n = max(n, toInt(v))
			}
		}
	}
	return n
}

// listLength is the length of a list argument of a field that returns a
// list (nodes(ids: […])), the length counted for a list of introspection,
// or 1.
func (m *measurer) listLength(f *ast.Field) int {
	if f.Definition == nil || f.Definition.Type == nil || f.Definition.Type.Elem == nil {
		return 1
	}
	if f.ObjectDefinition != nil {
		if n, ok := m.lists[f.ObjectDefinition.Name+"."+f.Name]; ok {
			return n
		}
	}
	n := 1
	for _, arg := range f.Arguments {
		if v, err := arg.Value.Value(m.vars); err == nil {
			if list, ok := v.([]any); ok {
				n = max(n, len(list))
			}
		}
	}
	return n
}

func toInt(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case float64:
		return int64(v)
	}
	return 0
}

// isWrapper reports whether a field returns a connection's parts rather
// than records: its edges or its page info.
func isWrapper(def *ast.FieldDefinition) bool {
	if def == nil || def.Type == nil {
		return false
	}
	name := def.Type.Name()
	return strings.HasSuffix(name, "Edge") || name == "PageInfo"
}

// mutationRate refuses a mutation when its client has used up its
// allowance of changes, or when it makes more changes than the burst.
// Every top-level field of the mutation is one change, so aliases cannot
// multiply what one request may do.
type mutationRate struct{ limiter RateLimiter }

var (
	_ graphql.HandlerExtension        = mutationRate{}
	_ graphql.OperationContextMutator = mutationRate{}
)

// ExtensionName names the extension for gqlgen.
func (mutationRate) ExtensionName() string { return "MutationRate" }

// Validate is called once, when the extension is added to a server.
func (mutationRate) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext takes the mutation's changes from the client's
// allowance. A refusal that gives a wait refuses the whole request: the
// answer is 429 with a Retry-After header (see statusOf).
func (r mutationRate) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return nil
	}
	req := samverkan.RequestFrom(ctx)
	client := ""
	if req != nil {
		client = req.Client
	}
	changes := countFields(oc.Operation.SelectionSet, oc.Doc.Fragments)
	if burst := r.limiter.Burst(); changes > burst {
		// No wait would let it through: it is the request's fault (422),
		// and it says so rather than when to try again.
		return refusal(oc.Operation.Position, samverkan.CodeRateLimited, map[string]any{"changes": changes, "limit": burst},
			"the request makes %d changes, more than the %d one client may make at once; send them in several requests", changes, burst)
	}
	ok, wait := r.limiter.Allow(client, changes)
	if ok {
		return nil
	}
	seconds := int(math.Ceil(wait.Seconds()))
	se := samverkan.Errorf(samverkan.CodeRateLimited, "", "too many changes from this client; try again in %d s", seconds)
	se.RetryAfter = seconds
	return refusalOf(oc.Operation.Position, se)
}

// countFields counts the fields at the top of a selection set.
func countFields(set ast.SelectionSet, fragments ast.FragmentDefinitionList) int {
	n := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			n++
		case *ast.InlineFragment:
			n += countFields(sel.SelectionSet, fragments)
		case *ast.FragmentSpread:
			// Validation refuses cycles, and a mutation's fragments are
			// few: no memo needed.
			if f := fragments.ForName(sel.Name); f != nil {
				n += countFields(f.SelectionSet, fragments)
			}
		}
	}
	return n
}

// requestTimeout gives each operation a deadline.
type requestTimeout struct{ d time.Duration }

var (
	_ graphql.HandlerExtension    = requestTimeout{}
	_ graphql.ResponseInterceptor = requestTimeout{}
)

// ExtensionName names the extension for gqlgen.
func (requestTimeout) ExtensionName() string { return "RequestTimeout" }

// Validate is called once, when the extension is added to a server.
func (requestTimeout) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse runs the operation, with everything it calls, under
// the deadline. It must wrap the transaction (be added before it), so that
// waiting for the write lock is under the deadline too.
//
// A subscription has no deadline: its stream lasts as long as the client
// keeps it (see live.go).
func (t requestTimeout) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if isSubscription(ctx) {
		return next(ctx)
	}
	ctx, cancel := context.WithTimeout(ctx, t.d)
	defer cancel()
	return next(ctx)
}
