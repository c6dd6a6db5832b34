package samverkan

import (
	"context"
	"sync"
	"time"
)

// Request is what the server knows of the HTTP request being served, for
// its logs and error messages.
type Request struct {
	// ID names the request in the log and in INTERNAL errors.
	ID string
	// Operation is the GraphQL operation's name, once it is known.
	Operation string
	// User is the username of the signed-in user, once the token is
	// checked (never the token itself).
	User string
	// Client identifies the sender (its IP address), for per-client
	// limits.
	Client string
	// RetryAfter is set when the request was refused for going over a
	// rate limit: how long the client should wait. The HTTP layer answers
	// such a request with 429 and a Retry-After header.
	RetryAfter time.Duration
	// Unavailable is set when the database could not serve the request
	// (a storage fault, such as a full disk): the HTTP layer answers 503,
	// with RetryAfter in a Retry-After header.
	Unavailable bool
	// ReadFallbacks counts the root fields of a query that the read
	// compiler left to the resolvers, and ReadFallback says why for the
	// first of them.
	ReadFallbacks int
	ReadFallback  string

	// mu guards the errors answered, which resolvers running side by
	// side may add at once.
	mu             sync.Mutex
	codes          []Code
	databaseErrors int
}

// Failed records an error the response carries, by its code, and whether
// the database raised it (for the metrics).
func (r *Request) Failed(code Code, database bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.codes = append(r.codes, code)
	if database {
		r.databaseErrors++
	}
}

// Outcome returns the codes of the errors the response carries, in the
// order they were answered, and how many of them the database raised.
func (r *Request) Outcome() (codes []Code, databaseErrors int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Code(nil), r.codes...), r.databaseErrors
}

// ReadFallbacksHeader is the response header that says how many root
// fields of a query the read compiler left to the resolvers, when any.
const ReadFallbacksHeader = "X-Read-Fallbacks"

type requestKey struct{}

// WithRequest returns a context that carries r.
func WithRequest(ctx context.Context, r *Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the request WithRequest stored, or nil.
func RequestFrom(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	return r
}

// RequestID returns the id of the request being served, or "".
func RequestID(ctx context.Context) string {
	if r := RequestFrom(ctx); r != nil {
		return r.ID
	}
	return ""
}
