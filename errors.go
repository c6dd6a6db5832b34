// Package samverkan is the culture plan of a Swedish region and its
// municipalities as a GraphQL API: this package holds what every other
// package shares, the error codes a client sees.
package samverkan

import (
	"fmt"
)

// Code classifies an error for a client; it appears as extensions.code in a
// GraphQL error.
type Code string

// The codes a client can see. Anything not classified is CodeInternal, shown
// with a generic message and logged in full.
const (
	CodeBadRequest   Code = "BAD_REQUEST"    // the request itself is malformed
	CodeValidation   Code = "VALIDATION"     // a value breaks a rule; Field names it
	CodeNotFound     Code = "NOT_FOUND"      // an id that names nothing
	CodeConstraint   Code = "CONSTRAINT"     // a duplicate or a reference that does not hold
	CodeConflict     Code = "CONFLICT"       // someone else changed the record first
	CodePageSize     Code = "PAGE_SIZE"      // a connection asked for more items than a page holds
	CodeTimeout      Code = "TIMEOUT"        // the request ran out of time
	CodeUnavailable  Code = "UNAVAILABLE"    // the database cannot take the request now (a full disk, a read-only file); retry later
	CodeBodyTooLarge Code = "BODY_TOO_LARGE" // the request body is over the limit
	CodeInternal     Code = "INTERNAL"       // a fault of the server, not the request
	CodeUpstream     Code = "UPSTREAM"       // a service the server calls (Kolada) cannot be reached or answered wrongly; nothing was written

	// Refusals of who is asking: no valid token for a change (or, on a
	// private server, for a read), and a change the token's user may not make.
	CodeUnauthenticated Code = "UNAUTHENTICATED"
	CodeForbidden       Code = "FORBIDDEN"

	// Refusals of the limits on what one request may cost (graph.Limits).
	CodeQueryTooCostly Code = "QUERY_TOO_COSTLY" // the query could return more records than allowed
	CodeQueryTooDeep   Code = "QUERY_TOO_DEEP"   // the query nests fields deeper than allowed
	CodeQueryTooLarge  Code = "QUERY_TOO_LARGE"  // the query text has more tokens than allowed
	CodeRateLimited    Code = "RATE_LIMITED"     // the client sent too many changes or sign-ins; retry later
)

// Error is an error a client can act on: what kind it is, which input field
// it concerns (its GraphQL name, or empty) and what is wrong, in words.
type Error struct {
	Code    Code
	Field   string
	Message string
	// RetryAfter, for RATE_LIMITED and UNAVAILABLE, is how many seconds
	// to wait before trying again: it appears as extensions.retryAfter,
	// and refuses the whole request, answered with the code's HTTP status
	// and a Retry-After header (see Request.Refuse).
	RetryAfter int
}

// Error returns the message, prefixed with the field when there is one.
func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// UnavailableRetryAfter is how many seconds a client is told to wait after
// a storage fault: long enough not to hammer a server whose disk is full,
// short enough to notice soon that it has been mended.
const UnavailableRetryAfter = 5

// Unavailable returns the error for a request the database could not serve
// because of a storage fault, which fault says in words (see storage.Fault).
func Unavailable(fault string) *Error {
	return &Error{Code: CodeUnavailable, RetryAfter: UnavailableRetryAfter,
		Message: "the database cannot serve this request now (" + fault + "); try again later"}
}
