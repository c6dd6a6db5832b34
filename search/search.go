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
//   - search_<table>_<column>_trigrams (trigram, id): every distinct run of
//     three characters of the folded text, a posting list per trigram;
//   - search_<table>_<column>_counts (trigram, n): how long each list is.
//
// ContainsFold then reads the rows in the shortest posting list of the
// searched text's trigrams and keeps those whose folded text contains it
// (the same LIKE, on the same folded text, that ent's predicate evaluates),
// so it matches exactly the rows ent's predicate matches. Text shorter than
// three characters has no trigram and is matched as ent matches it.
//
// On PostgreSQL a pg_trgm GIN index serves ent's ILIKE itself; ContainsFold
// is ent's predicate there.
package search

import (
	"context"
	"encoding/json"
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
}

// Folded, Trigrams and Counts are the index's tables on SQLite.
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

// Trigrams returns the distinct runs of three characters of s, in the
// order they first occur; none when s is shorter than three characters.
func Trigrams(s string) []string {
	rs := []rune(s)
	if len(rs) < 3 {
		return []string{}
	}
	out := make([]string, 0, len(rs)-2)
	seen := make(map[string]bool, len(rs)-2)
	for i := 0; i+3 <= len(rs); i++ {
		g := string(rs[i : i+3])
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// Stats tells whether the index pays for a search: reading the rows under
// a trigram costs a lookup each, where ent's predicate reads every folded
// title cheaply, so a text whose rarest trigram many rows hold (the
// benchmark's "kultur", in a tenth of the titles) is matched faster
// without the index. Either way the rows are the same.
type Stats interface {
	Selective(ctx context.Context, i Index, trigrams []string) bool
}

type statsKey struct{}

// WithStats gives the searches built with ctx the stats to choose by;
// without them, a search of three characters or more uses the index.
func WithStats(ctx context.Context, s Stats) context.Context {
	return context.WithValue(ctx, statsKey{}, s)
}

// ContainsFold is the predicate ent writes as …ContainsFold(substr) on the
// index's column, answered from the index on SQLite where the Stats in ctx
// say it pays. Like ent's, it folds substr with strings.ToLower, the
// folding of the lower() the server registers.
func (i Index) ContainsFold(ctx context.Context, substr string) func(*sql.Selector) {
	grams := Trigrams(strings.ToLower(substr))
	if st, ok := ctx.Value(statsKey{}).(Stats); ok && len(grams) > 0 && !st.Selective(ctx, i, grams) {
		grams = nil
	}
	return func(s *sql.Selector) {
		if s.Dialect() != dialect.SQLite || len(grams) == 0 {
			s.Where(sql.ContainsFold(s.C(i.Column), substr))
			return
		}
		// The pattern ent's predicate compares lower(column) with.
		w, escaped := escape(substr)
		pattern := "%" + strings.ToLower(w) + "%"
		args := make([]any, len(grams))
		for k, g := range grams {
			args[k] = g
		}
		s.Where(sql.P(func(b *sql.Builder) {
			b.WriteString(s.C("id")).WriteString(" IN (SELECT t.id FROM ").Ident(i.Trigrams()).
				WriteString(" AS t JOIN ").Ident(i.Folded()).WriteString(" AS f ON f.id = t.id").
				WriteString(" WHERE t.trigram = (SELECT c.trigram FROM ").Ident(i.Counts()).
				WriteString(" AS c WHERE c.trigram IN (").Args(args...).WriteString(") ORDER BY c.n LIMIT 1)").
				WriteString(" AND f.folded LIKE ").Arg(pattern)
			if escaped {
				b.WriteString(" ESCAPE ").Arg("\\")
			}
			b.WriteString(")")
		}))
	}
}

// escape is ent's escaping of LIKE's wildcards and escape character in a
// searched text (entgo.io/ent/dialect/sql, unexported there), so that the
// index's pattern is exactly the one ent's predicate uses.
func escape(w string) (string, bool) {
	if !strings.ContainsAny(w, `%_\`) {
		return w, false
	}
	var b strings.Builder
	b.Grow(len(w) + 4)
	for _, c := range w {
		if c == '%' || c == '_' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String(), true
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
