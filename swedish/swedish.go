// Package swedish compares and folds text the way Swedish readers expect:
// å, ä and ö are letters of their own that sort after z, and case does not
// decide the order. SQLite knows neither (its lower() and LIKE fold only
// ASCII, and its default order is by bytes), so the storage layer installs
// these functions on every connection.
package swedish

import (
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Collation is the name of the collation the storage layer registers on
// every connection (SQLite) or creates in the database (PostgreSQL): Swedish
// alphabetical order, ignoring case (a … z, å, ä, ö), as Collator compares.
// Columns that people sort by carry it (see ent/schema), so ORDER BY, cursor
// comparisons and their indexes all use Swedish order.
const Collation = "swedish"

// Lower returns s with every letter in lower case, Å, Ä, Ö and É included.
// It is exactly strings.ToLower, the function ent applies to the search text
// of its …Fold filters, so both sides of a comparison fold alike.
func Lower(s string) string { return strings.ToLower(s) }

// Collator compares strings in Swedish alphabetical order. It is safe for
// concurrent use.
type Collator struct {
	mu sync.Mutex
	c  *collate.Collator // not safe for concurrent use, hence mu
}

// NewCollator returns a Swedish collator.
func NewCollator() *Collator {
	return &Collator{c: collate.New(language.Swedish)}
}

// Compare returns -1, 0 or 1 as a sorts before, with or after b: case-
// insensitively at first (Åmål and åmål sit together), with a … z, å, ä, ö
// and é beside e. Strings that the collation finds equal are ordered by their
// bytes, so that the order is total and deterministic, which keyset
// pagination relies on.
func (c *Collator) Compare(a, b string) int {
	if a == b {
		return 0
	}
	c.mu.Lock()
	r := c.c.CompareString(a, b)
	c.mu.Unlock()
	if r != 0 {
		return r
	}
	return strings.Compare(a, b)
}
