// Package search indexes text columns for the search clients use most, a
// case-folded infix match (ent's …ContainsFold, "titleContainsFold" in the
// graph), and answers that match from the index.
//
// A column is indexed when its ent field carries the Infix annotation;
// the list of indexed columns (Indexes) is generated from the schema by
// searchgen when go generate runs entc.
//
// On SQLite an infix match cannot use a B-tree: ent writes it as
// lower(column) LIKE '%…%', which reads every row. For each indexed column
// the database keeps, maintained by triggers so that no write can miss
// them:
//
//   - search_<table>_<column> (id, folded): the column folded by the
//     server's Swedish lower(), one row per row that has a value;
//   - search_<table>_<column>_trigrams (trigram, id, pos): every run of
//     three characters of the folded text, with where it starts, a
//     posting list per trigram in the order of the rows' ids;
//   - search_<table>_<column>_counts (trigram, n): how long each list is.
//
// ContainsFold then reads the rows in the posting list of the searched
// text's rarest trigram and keeps those that hold, at the right distances
// from it, the trigrams that cover the rest of the text: exactly the rows
// whose folded text contains the folded searched text, the rows ent's
// predicate matches, without reading any title. Text shorter than three
// characters has no trigram and is matched as ent matches it.
//
// On PostgreSQL ent writes the match as column ILIKE '%…%', which folds
// both sides with lower() in the column's collation and then matches them.
// A pg_trgm GIN index on the column can find the rows, but every row it
// finds is read again from the table to check the match: for "kultur" on
// the national dataset, 2,171 rows in 1,670 of the table's pages, 6 ms.
// So the database keeps, maintained by a trigger:
//
//   - search_<table>_<column> (id, folded): the column folded by lower()
//     in its collation, one row per row that has a value, with a pg_trgm
//     GIN index where the extension can be created.
//
// ContainsFold matches folded LIKE lower('%…%') there: what ILIKE does,
// on a table of two narrow columns (the same rows in 268 pages, 1.5 ms).
package search

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/schema"
)

// Infix is the ent schema annotation that indexes a text field for
// case-folded infix search:
//
//	field.String("title").Annotations(search.Infix())
func Infix() schema.Annotation { return annotation{Infix: true} }

// annotation is Infix's value as entc sees it.
type annotation struct {
	Infix bool
}

// AnnotationName is the name entc keeps the annotation under.
const AnnotationName = "SamverkanSearch"

// Name implements schema.Annotation.
func (annotation) Name() string { return AnnotationName }

// Index is an indexed column.
type Index struct {
	Table  string
	Column string
	// Collation is the column's collation on PostgreSQL, if it has one
	// of its own: ILIKE folds in it, and so does the index.
	Collation string
}

// Folded is the index's table of folded text, on both databases; Trigrams
// and Counts are its tables on SQLite.
func (i Index) Folded() string   { return "search_" + i.Table + "_" + i.Column }
func (i Index) Trigrams() string { return "search_" + i.Table + "_" + i.Column + "_trigrams" }
func (i Index) Counts() string   { return "search_" + i.Table + "_" + i.Column + "_counts" }

// TrigramsFunc is the SQL function, registered on every SQLite connection,
// that returns the distinct trigrams of a text as a JSON array (for
// json_each in the index's triggers). Only Samverkan registers it, so a
// tool that writes the file without it is refused rather than leaving the
// index behind.
const TrigramsFunc = "samverkan_trigrams"

// TrigramsJSON is TrigramsFunc: the trigrams of s as a JSON array of
// strings; NULL for NULL.
func TrigramsJSON(v any) any {
	var s string
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		s = v
	case []byte:
		if v == nil {
			return nil
		}
		s = string(v)
	default:
		return nil
	}
	b, err := json.Marshal(Trigrams(s))
	if err != nil { // a []string always marshals
		return nil
	}
	return string(b)
}

// Trigrams returns the runs of three characters of s, in order: the i-th
// is the one that starts at the i-th character. None when s is shorter
// than three characters.
func Trigrams(s string) []string {
	rs := []rune(s)
	if len(rs) < 3 {
		return []string{}
	}
	out := make([]string, 0, len(rs)-2)
	for i := 0; i+3 <= len(rs); i++ {
		out = append(out, string(rs[i:i+3]))
	}
	return out
}

// Stats tells the search which way is quicker: reading the index starting
// from the searched text's rarest trigram (a lookup in the index for each
// of its rows and each other trigram), or ent's predicate, which reads
// every folded title cheaply. The rows found are the same either way.
type Stats interface {
	// Choose picks the trigram, an index into trigrams, that the index is
	// read from (the rarest), or -1 when ent's predicate is quicker; and
	// whether many rows hold it (one in twenty or more), so that a page
	// of rows read in the order of their ids fills after a few.
	Choose(ctx context.Context, i Index, trigrams []string) (driver int, dense bool)
}

type statsKey struct{}

// WithStats gives the searches built with ctx the stats to choose by;
// without them, a search of three characters or more uses the index,
// read from the searched text's first trigram.
func WithStats(ctx context.Context, s Stats) context.Context {
	return context.WithValue(ctx, statsKey{}, s)
}

type probingKey struct{}

// Probing marks the context of a selector whose rows are read in the
// order of their ids until a page is full: there a search of a text many
// rows hold looks each row up in the index as it is read, rather than
// finding every row that holds it first.
func Probing(ctx context.Context) context.Context {
	return context.WithValue(ctx, probingKey{}, true)
}

// Cover returns the trigrams of a folded text that cover it, each with the
// offset of its first character: those at 0, 3, 6, … and the last one. A
// text holds the searched one exactly where it holds each of these at its
// offset from the same start.
func Cover(folded string) (trigrams []string, offsets []int) {
	all := Trigrams(folded)
	for k := 0; k < len(all); k += 3 {
		trigrams, offsets = append(trigrams, all[k]), append(offsets, k)
	}
	if last := len(all) - 1; last >= 0 && offsets[len(offsets)-1] != last {
		trigrams, offsets = append(trigrams, all[last]), append(offsets, last)
	}
	return trigrams, offsets
}

// search is a text searched from the index.
type search struct {
	i       Index
	folded  string // the searched text, folded
	grams   []string
	offsets []int
	driver  int // into grams; -1: ent's predicate
	dense   bool
}

func (i Index) search(ctx context.Context, substr string) search {
	folded := strings.ToLower(substr)
	grams, offsets := Cover(folded)
	q := search{i: i, folded: folded, grams: grams, offsets: offsets}
	if st, ok := ctx.Value(statsKey{}).(Stats); ok && len(grams) > 0 {
		q.driver, q.dense = st.Choose(ctx, i, grams)
	}
	if len(grams) == 0 {
		q.driver = -1
	}
	return q
}

// rows writes the rows that hold the text, from the index: those under
// the driving trigram that hold each other trigram of the cover at its
// distance from it, with g0.id their ids (once for each place the text
// is found in the row). CROSS JOIN keeps the driving trigram's rows
// outermost.
func (q search) rows(b *sql.Builder) {
	b.WriteString(" FROM ").Ident(q.i.Trigrams()).WriteString(" AS g0")
	n := 0
	for k := range q.grams {
		if k == q.driver {
			continue
		}
		n++
		g := "g" + strconv.Itoa(n)
		b.WriteString(" CROSS JOIN ").Ident(q.i.Trigrams()).WriteString(" AS " + g + " ON " + g + ".trigram = ").Arg(q.grams[k]).
			WriteString(" AND " + g + ".id = g0.id AND " + g + ".pos = g0.pos + " + strconv.Itoa(q.offsets[k]-q.offsets[q.driver]))
	}
	b.WriteString(" WHERE g0.trigram = ").Arg(q.grams[q.driver])
}

// ContainsFold is the predicate ent writes as …ContainsFold(substr) on the
// index's column, answered from the index on SQLite where the Stats in ctx
// say it pays. Like ent's, it folds substr with strings.ToLower, the
// folding of the lower() the server registers.
//
// From the index, a row matches when it holds each trigram of Cover at
// the same offsets from one start. Since the index holds the folded text's
// every trigram with its position, that is exactly "the folded text
// contains the folded substr", what ent's LIKE '%…%' (its wildcards
// escaped) asks.
func (i Index) ContainsFold(ctx context.Context, substr string) func(*sql.Selector) {
	q := i.search(ctx, substr)
	return func(s *sql.Selector) {
		if s.Dialect() == dialect.Postgres {
			s.Where(sql.P(func(b *sql.Builder) {
				b.WriteString(s.C("id")).WriteString(" IN (SELECT id")
				i.postgresRows(b, substr)
				b.WriteString(")")
			}))
			return
		}
		if q.driver < 0 {
			s.Where(sql.ContainsFold(s.C(i.Column), substr))
			return
		}
		probing, _ := s.Context().Value(probingKey{}).(bool)
		s.Where(sql.P(func(b *sql.Builder) {
			if probing && q.dense {
				b.WriteString("EXISTS (SELECT 1")
				q.rows(b)
				b.WriteString(" AND g0.id = ").WriteString(s.C("id")).WriteString(")")
				return
			}
			b.WriteString(s.C("id")).WriteString(" IN (SELECT g0.id")
			q.rows(b)
			b.WriteString(")")
		}))
	}
}

// Count returns the number of rows whose column contains substr, folded
// as ContainsFold folds it, counted from the index without reading the
// table (every row the index holds is in the table: its triggers see to
// that), or the count kept from an earlier statement at the same version
// of the index (see counts.go); false when the index is not to be used for
// substr (see ContainsFold).
//
// On PostgreSQL the count is the folded table's, counted anew.
func (i Index) Count(ctx context.Context, dialectName, substr string) (func(*sql.Builder), bool) {
	if dialectName == dialect.Postgres {
		return func(b *sql.Builder) {
			b.WriteString("SELECT count(*)")
			i.postgresRows(b, substr)
		}, true
	}
	q := i.search(ctx, substr)
	if q.driver < 0 {
		return nil, false
	}
	return q.count, true
}

// postgresRows writes the rows of the folded table that hold substr, as
// ent's ILIKE would find it: the same pattern (substr's wildcards escaped,
// folded by strings.ToLower), folded again by lower() in the column's
// collation, as ILIKE folds it. The match itself is in the folded column's
// (the database's) collation, which the planner needs to use its index;
// LIKE compares characters, not letters, in either.
func (i Index) postgresRows(b *sql.Builder, substr string) {
	b.WriteString(" FROM ").Ident(i.Folded()).WriteString(" WHERE folded LIKE lower(CAST(").Arg("%" + strings.ToLower(escapeLike(substr)) + "%").WriteString(" AS text)")
	if i.Collation != "" {
		b.WriteString(" COLLATE ").Ident(i.Collation).WriteString(`) COLLATE "default"`)
		return
	}
	b.WriteString(")")
}

// escapeLike escapes LIKE's wildcards and its escape character (a
// backslash, PostgreSQL's default) in s, as ent does.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// ContainsFold is the ContainsFold of the index of table's column, or
// ent's own predicate where the column has none.
func ContainsFold(ctx context.Context, table, column, substr string) func(*sql.Selector) {
	i, ok := Find(table, column)
	if !ok {
		return func(s *sql.Selector) { s.Where(sql.ContainsFold(s.C(column), substr)) }
	}
	return i.ContainsFold(ctx, substr)
}

// Find returns the index of table's column, if it has one.
func Find(table, column string) (Index, bool) {
	for _, i := range Indexes {
		if i.Table == table && i.Column == column {
			return i, true
		}
	}
	return Index{}, false
}
