// Package auth says who is asking: the viewer a request acts for, the roles
// a user can have, and how passwords and tokens are kept secret. It knows
// nothing of the database; package accounts stores users and tokens, and the
// ent schema's privacy policies decide what a viewer may do.
package auth

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"

	"entgo.io/ent/privacy"

	"github.com/samverkan/samverkan"
)

// Role is what a user may do. The ent schema's policies give it meaning.
type Role string

// The roles, from most to least allowed.
const (
	// RoleAdmin may change everything, users and tokens included.
	RoleAdmin Role = "ADMIN"
	// RoleEditor may edit the activities that the municipalities and
	// institutions of its scope take part in, and their follow-ups.
	RoleEditor Role = "EDITOR"
	// RoleViewer may read, also where reading requires a token.
	RoleViewer Role = "VIEWER"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleEditor, RoleViewer}

// Values lists the roles, for ent's enum field.
func (Role) Values() []string {
	vs := make([]string, len(Roles))
	for i, r := range Roles {
		vs[i] = string(r)
	}
	return vs
}

// MarshalGQL writes the role as a GraphQL enum value.
func (r Role) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(r))) }

// UnmarshalGQL reads a GraphQL enum value and refuses unknown ones.
func (r *Role) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("role must be a string, got %T", v)
	}
	for _, known := range Roles {
		if s == string(known) {
			*r = known
			return nil
		}
	}
	return fmt.Errorf("%q is not a role (ADMIN, EDITOR or VIEWER)", s)
}

// Username is the form a username is stored and compared in: trimmed and
// lower case, so that "Anna " typed into a form or a sign-in is the user
// "anna".
func Username(typed string) string {
	return strings.ToLower(strings.TrimSpace(typed))
}

// Viewer is who a request acts for: a signed-in user, or the user an API
// token was issued for. A request without a token has no Viewer.
type Viewer struct {
	UserID   int
	Username string
	Role     Role
	// Municipalities and Institutions are an editor's scope: the ids of the
	// municipalities and institutions whose activities it may edit.
	Municipalities []int
	Institutions   []int
	// TokenID is the id of the token the request came with.
	TokenID int
	// ReadOnly is set for API tokens, which may read but never change.
	ReadOnly bool
}

// Is reports whether the viewer acts with the role (and may change things:
// an API token acts as a reader whatever its user's role).
func (v *Viewer) Is(role Role) bool {
	return v != nil && !v.ReadOnly && v.Role == role
}

type viewerKey struct{}

// holder holds a request's viewer. It is a pointer in the context, so
// that signing in can make the rest of the request act for the user who
// just signed in (the fields of the login's answer, first of all).
type holder struct{ v atomic.Pointer[Viewer] }

// NewContext returns a context that acts for the viewer (nil: nobody yet).
func NewContext(ctx context.Context, v *Viewer) context.Context {
	h := &holder{}
	h.v.Store(v)
	return context.WithValue(ctx, viewerKey{}, h)
}

// FromContext returns the viewer the context acts for, or nil for a
// request without a token.
func FromContext(ctx context.Context) *Viewer {
	if h, ok := ctx.Value(viewerKey{}).(*holder); ok {
		return h.v.Load()
	}
	return nil
}

// SignedIn makes the rest of the request whose context this is act for v,
// and reports whether it could (the context must come from NewContext).
func SignedIn(ctx context.Context, v *Viewer) bool {
	h, ok := ctx.Value(viewerKey{}).(*holder)
	if ok {
		h.v.Store(v)
	}
	return ok
}

type privateKey struct{}

// RequireSignInForReads returns a context in which reading, too, needs a
// viewer: for deployments whose plan is not public.
func RequireSignInForReads(ctx context.Context) context.Context {
	return context.WithValue(ctx, privateKey{}, true)
}

// ReadsRequireSignIn reports whether the context needs a viewer to read.
func ReadsRequireSignIn(ctx context.Context) bool {
	b, _ := ctx.Value(privateKey{}).(bool)
	return b
}

// The refusals of a change that the viewer alone decides, in the words of
// every path that refuses it: the schema's policies, and the checks some
// resolvers make before anything reaches a policy (fetching from Kolada,
// undoing a change).
var (
	ErrSignInToChange = samverkan.Errorf(samverkan.CodeUnauthenticated, "", "sign in to make changes (send Authorization: Bearer <token>, from the login mutation)")
	ErrReadOnlyToken  = samverkan.Errorf(samverkan.CodeForbidden, "", "an API token may read but not change anything")
)

// AsServer returns a context that acts for the server itself, whoever is
// asking: no policy stops what it reads and writes. Signing in reads users
// and tokens in it (there is no viewer yet), the policies make their own
// lookups in it, and commands and tests use it for what they do outside any
// request.
func AsServer(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}
