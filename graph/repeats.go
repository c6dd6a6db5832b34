package graph

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/samverkan/samverkan"
)

// GraphQL's rule that fields of one name must be mergeable
// (OverlappingFieldsCanBeMerged) compares every pair of fields that share
// a response name in a selection set, and every pair of fragments spread
// into one, and words an error for each pair that differs: 900 fields
// `a: node(id: …)` are 404,550 errors, seconds and a gigabyte before the
// answer. The rule is sound for the few repeats real queries have, so it
// runs only on documents with at most MaxRepeats of them; a document with
// more is refused, counted in one linear walk before the rule runs.

// repeatLimitExtension marks the validation error of a document with too
// many repeats, so that presentLimits can give it its code (gqlgen gives
// every validation error GRAPHQL_VALIDATION_FAILED).
const repeatLimitExtension = "repeatLimit"

// guardedOverlaps is the OverlappingFieldsCanBeMerged rule, run only on a
// document with at most limit repeats (0: always).
func guardedOverlaps(limit int) core.RuleFunc {
	return func(observers *core.Events, addError core.AddErrFunc) {
		done := false
		observers.OnOperation(func(w *core.Walker, op *ast.OperationDefinition) {
			if done {
				return
			}
			done = true // once for the whole document, not once per operation
			if limit > 0 {
				if n := countRepeats(w.Document, limit); n > limit {
					addError(
						core.Message("the query repeats a field name (or alias) within one selection set, or spreads fragments, %d times or more; at most %d are allowed", n, limit),
						core.At(op.Position),
						func(e *gqlerror.Error) {
							e.Extensions = map[string]any{repeatLimitExtension: limit}
						},
					)
					return
				}
			}
			// The rule walks the whole document on its own: its observers
			// are not this walk's, so that it sees nothing unless the
			// document passed.
			var overlaps core.Events
			rules.OverlappingFieldsCanBeMergedRule.RuleFunc(&overlaps, addError)
			core.Walk(w.Schema, w.Document, &overlaps)
		})
	}
}

// presentRepeatLimit gives the refusal of guardedOverlaps its code and
// limit, as a query too large.
func presentRepeatLimit(e *gqlerror.Error) {
	limit, ok := e.Extensions[repeatLimitExtension]
	if !ok {
		return
	}
	recodeAs(e, samverkan.CodeQueryTooLarge, map[string]any{"limit": limit})
}

// countRepeats counts what OverlappingFieldsCanBeMerged compares in a
// document, stopping once the count is over limit: in every selection set
// (of an operation, a fragment or a field), with the fields of its inline
// fragments and spread fragments merged in as the rule merges them, each
// field whose response name an earlier field has; and every fragment
// spread. Each selection set is counted once, and each fragment's names
// are gathered once, so the walk is linear in the document even when
// fragments spread fragments many times over.
func countRepeats(doc *ast.QueryDocument, limit int) int {
	c := &repeatCounter{doc: doc, limit: limit, names: map[string]map[string]int{}}
	for _, op := range doc.Operations {
		c.set(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		c.set(f.SelectionSet)
	}
	return c.n
}

type repeatCounter struct {
	doc   *ast.QueryDocument
	limit int
	n     int
	names map[string]map[string]int // response names in each fragment, with their counts
}

// set counts the repeats of one selection set and of the sets under its
// fields.
func (c *repeatCounter) set(set ast.SelectionSet) {
	if c.n > c.limit {
		return
	}
	counts := map[string]int{}
	c.gather(set, counts)
	for _, k := range counts {
		c.n += k - 1
	}
	c.fields(set)
}

// fields counts the sets under the fields of a set, through its inline
// fragments (fragment definitions are counted on their own).
func (c *repeatCounter) fields(set ast.SelectionSet) {
	for _, sel := range set {
		if c.n > c.limit {
			return
		}
		switch sel := sel.(type) {
		case *ast.Field:
			if len(sel.SelectionSet) > 0 {
				c.set(sel.SelectionSet)
			}
		case *ast.InlineFragment:
			c.fields(sel.SelectionSet)
		}
	}
}

// gather adds the response names of a set, its fragments merged in, to
// counts, and counts its fragment spreads.
func (c *repeatCounter) gather(set ast.SelectionSet, counts map[string]int) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			counts[sel.Alias] = saturatingAdd(counts[sel.Alias], 1)
		case *ast.InlineFragment:
			c.gather(sel.SelectionSet, counts)
		case *ast.FragmentSpread:
			c.n++
			for name, k := range c.fragmentNames(sel.Name) {
				counts[name] = saturatingAdd(counts[name], k)
			}
		}
	}
}

// fragmentNames are the response names a fragment brings into the set it
// is spread in. A fragment that spreads itself (refused by another rule)
// brings nothing the second time.
func (c *repeatCounter) fragmentNames(name string) map[string]int {
	if names, ok := c.names[name]; ok {
		return names
	}
	c.names[name] = nil
	f := c.doc.Fragments.ForName(name)
	if f == nil {
		return nil
	}
	names := map[string]int{}
	spreads := c.n
	c.gather(f.SelectionSet, names)
	c.n = spreads // a fragment's spreads count where the fragment is defined, in set
	c.names[name] = names
	return names
}

// saturatingAdd adds counts that a fragment spread into itself twice over
// at every level would double past any int.
func saturatingAdd(a, b int) int {
	const most = 1 << 40
	return min(a+b, most)
}
