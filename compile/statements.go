package compile

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// statements keeps the statements root fields compiled to, so that a query
// asked again with the same variables (a page of the admin page, a
// dashboard polled, the benchmark's operations) runs its SQL without being
// compiled again: compiling is a seventh of what the server spends on a
// municipality's page. A statement depends on the document, the operation,
// the field and the variables, and on nothing of the viewer (the read
// policies run each time the statement does); one whose where filter was
// made for the viewer (viewerCanUpdate) is not kept. It is kept as long as
// the search index's choices are (searchStatsTTL), which can change which
// SQL a search compiles to.
type statements struct {
	mu   sync.Mutex
	kept map[[sha256.Size]byte]keptStatement
}

type keptStatement struct {
	st    *Statement
	fb    *Fallback
	until time.Time
}

// statementsKept is how many statements are kept at most; when full, the
// cache starts again empty.
const statementsKept = 512

// key names a root field of an operation with its variables, or reports
// false when the variables cannot be written as JSON (then nothing is kept).
func statementKey(oc *graphql.OperationContext, field graphql.CollectedField) ([sha256.Size]byte, bool) {
	vars, err := json.Marshal(oc.Variables) // a map's keys in order
	if err != nil {
		return [sha256.Size]byte{}, false
	}
	h := sha256.New()
	for _, s := range []string{oc.RawQuery, oc.OperationName, field.Alias} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write(vars)
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k, true
}

// compiled returns the field's statement, compiling it when it is not kept.
func (s *statements) compiled(oc *graphql.OperationContext, field graphql.CollectedField,
	compile func() (*Statement, error)) (*Statement, error) {
	key, ok := statementKey(oc, field)
	if !ok {
		return compile()
	}
	now := time.Now()
	s.mu.Lock()
	k, found := s.kept[key]
	s.mu.Unlock()
	if found && now.Before(k.until) {
		if k.fb != nil {
			return nil, k.fb
		}
		return k.st, nil
	}
	st, err := compile()
	var fb *Fallback
	if err != nil && !errors.As(err, &fb) {
		return nil, err // a failure is not kept: the next request tries again
	}
	if st != nil && st.perRequest {
		return st, nil // made for this request's viewer
	}
	s.mu.Lock()
	if s.kept == nil || len(s.kept) >= statementsKept {
		s.kept = make(map[[sha256.Size]byte]keptStatement)
	}
	s.kept[key] = keptStatement{st: st, fb: fb, until: now.Add(searchStatsTTL)}
	s.mu.Unlock()
	return st, err
}
