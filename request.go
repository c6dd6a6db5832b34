package samverkan

import (
	"context"
	"sync"
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
	refusal        *Error
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

// Refuse records an error that says when to try again (its RetryAfter:
// a rate limit, a storage fault) and so refuses the request as a whole:
// the HTTP layer answers with its status and a Retry-After header. The
// first such error counts.
func (r *Request) Refuse(e *Error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.refusal == nil {
		r.refusal = e
	}
}

// Refusal returns the error Refuse recorded first, or nil.
func (r *Request) Refusal() *Error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refusal
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
