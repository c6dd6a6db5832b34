package compile

import (
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// A page after (or before) a cursor is the rows past the cursor's row in
// the page's order. entgql writes that condition on the order fields'
// columns (entgql.MultiCursorsPredicate). For the orders by a count or by
// a column of another node (PLAN_NAME) there is no such column in the
// page's table, and the resolvers fail with an internal error
// (ent/ent#4059); for the orders by a column that may be NULL the
// condition loses rows (see needsOwnKeyset). The compiler writes the
// condition itself for such a page, on the same expressions it orders by,
// with NULLs where they sort, so that paging the list forward and back
// finds every row once, in the order of the whole list; the other pages
// keep entgql's condition, and so the resolvers' answers byte for byte.

// needsOwnKeyset reports whether an order of the page is by a value that
// may be NULL: a count (none is NULL, Field.CountOf), a column of another
// node (Field.Via), which entgql's condition names as a column of the
// page's own too, or a nillable column. entgql's condition compares with
// NULL there (next_review > NULL), which holds for no row: past a cursor
// whose value is NULL its next page was empty, and past others the rows
// with NULL were never reached.
func needsOwnKeyset(pg *page) bool {
	for _, o := range pg.order {
		if o.field.Nillable {
			return true
		}
	}
	return false
}

// keysetTerm is one term of a page's order: its expression, whether it
// runs down (in the order the page is read), and the cursor's value of it
// (nil for NULL).
type keysetTerm struct {
	expr      string
	desc      bool
	value     any
	nullsLast bool // NULL sorts after every value (PostgreSQL's own order)
}

// keysets returns the conditions of the page's cursors for the rows of
// typ, alias a, under a parent whose pages entgql windows (windowed) or
// not. Its directions are entgql's (cursorOptions): the order as read,
// reversed for last, and the same condition for after and before, as
// entgql writes it.
func (b *builder) keysets(typ *Type, a string, pg *page, windowed bool) ([]func(*sql.Selector), error) {
	opts := cursorOptions(pg)
	var preds []func(*sql.Selector)
	for _, c := range []*entgql.Cursor[int]{pg.after, pg.before} {
		if c == nil {
			continue
		}
		if c.Value == nil {
			// A cursor of the order by id: entgql's condition on the id
			// alone.
			p, err := entgql.MultiCursorsPredicate(c, nil, opts)
			if err != nil {
				return nil, err
			}
			preds = append(preds, p...)
			continue
		}
		terms, err := b.keysetTerms(typ, a, pg, windowed, opts, c)
		if err != nil {
			return nil, err
		}
		p := keyset(terms)
		preds = append(preds, func(s *sql.Selector) { s.Where(p) })
	}
	return preds, nil
}

func (b *builder) keysetTerms(typ *Type, a string, pg *page, windowed bool, opts *entgql.MultiCursorsOptions, c *entgql.Cursor[int]) ([]keysetTerm, error) {
	values, ok := c.Value.([]any)
	if !ok || len(values) != len(pg.order) {
		return nil, fmt.Errorf("the cursor has %d values for %d order fields", len(values), len(pg.order))
	}
	terms := make([]keysetTerm, 0, len(pg.order)+1)
	for i, o := range pg.order {
		v := values[i]
		if o.field.CountOf != "" && !windowed && v == nil {
			// A cursor holds no count for a row without any (ent counts
			// by a LEFT JOIN); at the root the page is ordered by the
			// count itself, where such a row has 0.
			v = 0
		}
		terms = append(terms, keysetTerm{
			expr:  b.orderExpr(typ, a, i, o.field, windowed),
			desc:  opts.Directions[i] == entgql.OrderDirectionDesc,
			value: v,
			// Where the database sorts NULLs; ent sorts another node's
			// field with NULLs as the smallest on both (see connection).
			nullsLast: b.d.name == dialect.Postgres && o.field.Via == "",
		})
	}
	if !orderedByID(pg) {
		terms = append(terms, keysetTerm{expr: a + ".id", desc: opts.DirectionID == entgql.OrderDirectionDesc, value: c.ID})
	}
	return terms, nil
}

// keyset is the condition that a row comes past the cursor in the order of
// terms: (x past x1) or (x = x1 and y past y1) or …, where NULLs stand
// where each term sorts them.
func keyset(terms []keysetTerm) *sql.Predicate {
	var or []*sql.Predicate
	for i, t := range terms {
		past := pastOf(t)
		if past == nil {
			continue // nothing is past a NULL that sorts last
		}
		ands := make([]*sql.Predicate, 0, i+1)
		for _, before := range terms[:i] {
			ands = append(ands, same(before))
		}
		or = append(or, sql.And(append(ands, past)...))
	}
	if len(or) == 0 {
		return sql.False()
	}
	return sql.Or(or...)
}

// same is the condition that the term's expression equals its value.
func same(t keysetTerm) *sql.Predicate {
	if t.value == nil {
		return sql.P(func(b *sql.Builder) { b.WriteString(t.expr + " IS NULL") })
	}
	return sql.P(func(b *sql.Builder) { b.WriteString(t.expr).WriteOp(sql.OpEQ).Arg(t.value) })
}

// pastOf is the condition that the term's expression comes after its value
// in the term's direction; nil when nothing can.
func pastOf(t keysetTerm) *sql.Predicate {
	op := sql.OpGT
	if t.desc {
		op = sql.OpLT
	}
	// Whether NULLs come after every value in this direction.
	nullsPast := t.nullsLast != t.desc
	switch {
	case t.value == nil && nullsPast:
		return nil
	case t.value == nil:
		return sql.P(func(b *sql.Builder) { b.WriteString(t.expr + " IS NOT NULL") })
	case nullsPast:
		return sql.P(func(b *sql.Builder) {
			b.WriteString("(" + t.expr).WriteOp(op).Arg(t.value).WriteString(" OR " + t.expr + " IS NULL)")
		})
	}
	return sql.P(func(b *sql.Builder) { b.WriteString(t.expr).WriteOp(op).Arg(t.value) })
}
