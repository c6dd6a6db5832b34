package search

import (
	"strings"
	"sync"
	"sync/atomic"

	"entgo.io/ent/dialect/sql"
)

// Counting a search's matches (a connection's totalCount) reads every
// row of the posting list of the searched text's rarest trigram: on the
// national dataset "kultur" counts 2,171 rows of "kul", 0.75 ms of the
// 0.88 ms a search page takes, while its page of 20 rows takes 0.13 ms.
// Titles change seldom and are searched often, so the counts are kept.
//
// Each index has a version (the table Version names): a random number
// that the index's triggers draw again in every statement that changes
// the index, in the same transaction as the change. A count is kept with
// the version it was counted at, and given again only when the statement
// that asks for it reads that same version, in the same read of the
// database as its rows; any other version counts again and keeps the new
// count. So a kept count is exactly the count a statement would make: a
// change of the titles is seen by the very next statement, a restored
// backup's versions name the contents they were counted on, and a version
// drawn in a transaction that rolls back is never read again. (A number
// drawn from 2⁶⁴ again by chance is the one way to a wrong count.)
//
// The statement does it itself, with two SQL functions every SQLite
// connection has (storage registers them):
//
//	coalesce(CountKeptFunc(key, version),
//	         CountKeepFunc(key, version, (SELECT count(DISTINCT …))))
//
// coalesce evaluates its arguments in order and stops at the first that
// is not NULL, so the count runs only when none is kept. The versions are
// random rather than counted up so that the kept counts of several
// databases in one process (tests, a restore) can share one table.

// Version is the table holding the index's version, in one row.
func (i Index) Version() string { return "search_" + i.Table + "_" + i.Column + "_version" }

// CountKeptFunc and CountKeepFunc are the SQL functions, registered on
// every SQLite connection, that read and keep the counts of searches (see
// KeptCount and KeepCount).
const (
	CountKeptFunc = "samverkan_search_count_kept"
	CountKeepFunc = "samverkan_search_count_keep"
)

// countsKept is how many counts are kept at most; when full, the table
// starts again empty. Each search text of each version is one.
const countsKept = 4096

type keptCount struct {
	version int64
	n       int64
}

var counts struct {
	mu   sync.Mutex
	kept map[string]keptCount
	// hits and misses count the statements that found a count kept for
	// their version, and those that counted.
	hits, misses atomic.Uint64
}

// KeptCount is CountKeptFunc: the count kept for the search key at
// version, or NULL.
func KeptCount(key string, version any) any {
	v, ok := version.(int64)
	if ok {
		counts.mu.Lock()
		k, found := counts.kept[key]
		counts.mu.Unlock()
		if found && k.version == v {
			counts.hits.Add(1)
			return k.n
		}
	}
	counts.misses.Add(1)
	return nil
}

// KeepCount is CountKeepFunc: it keeps n as the count of the search key
// at version, and returns it. A NULL version (an index without one) keeps
// nothing.
func KeepCount(key string, version any, n int64) int64 {
	v, ok := version.(int64)
	if !ok {
		return n
	}
	counts.mu.Lock()
	if counts.kept == nil || len(counts.kept) >= countsKept {
		counts.kept = make(map[string]keptCount)
	}
	counts.kept[key] = keptCount{version: v, n: n}
	counts.mu.Unlock()
	return n
}

// CountStats returns how many counts of searches were given from those
// kept (hits) and how many were counted (misses), since the process
// started, for the metrics.
func CountStats() (hits, misses uint64) {
	return counts.hits.Load(), counts.misses.Load()
}

// CountKey names the count of the rows whose column contains substr among
// the kept counts.
func (i Index) CountKey(substr string) string {
	return i.Table + "." + i.Column + "\x00" + strings.ToLower(substr)
}

// count writes the count of the rows that hold the searched text, kept
// across statements as above.
func (q search) count(b *sql.Builder) {
	key := q.i.CountKey(q.folded)
	version := func() {
		b.WriteString("(SELECT v FROM ").Ident(q.i.Version()).WriteString(" WHERE id = 0)")
	}
	b.WriteString("SELECT coalesce(" + CountKeptFunc + "(").Arg(key).Comma()
	version()
	b.WriteString("), " + CountKeepFunc + "(").Arg(key).Comma()
	version()
	b.WriteString(", (SELECT count(DISTINCT g0.id)")
	q.rows(b)
	b.WriteString(")))")
}
