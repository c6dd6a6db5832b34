// Package accounts keeps users and their tokens: signing in and out,
// checking a request's bearer token, issuing API tokens, and creating the
// first admin. What a user may then do is the ent schema's policies' to say.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/audit"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/ent/token"
	"github.com/samverkan/samverkan/ent/user"
	"github.com/samverkan/samverkan/storage"
)

// DefaultSessionTTL is how long a session token works after signing in.
const DefaultSessionTTL = 12 * time.Hour

// Service signs users in and out and checks tokens.
type Service struct {
	client     *ent.Client
	sessionTTL time.Duration
	// Wrong passwords, at sign-in or in changePassword, are throttled
	// per user and address and, more loosely, per address.
	throttle  *passwordThrottle
	now       func() time.Time
	viewers   *viewerCache
	viewerTTL time.Duration
}

// Option changes a Service.
type Option func(*Service)

// WithSessionTTL sets how long session tokens work.
func WithSessionTTL(d time.Duration) Option {
	return func(s *Service) { s.sessionTTL = d }
}

// WithViewerCacheTTL sets how long a token's viewer is kept (see
// ViewerCacheTTL); 0 keeps none.
func WithViewerCacheTTL(d time.Duration) Option {
	return func(s *Service) { s.viewerTTL = d }
}

// Peers are the other servers on the same database, each keeping viewers
// of its own (live.Hub, over PostgreSQL's NOTIFY).
type Peers interface {
	// ViewersChanged tells them, without waiting, that a change of a
	// token or a user committed through this server.
	ViewersChanged()
	// OnViewersChanged has forget called when one of them says so.
	OnViewersChanged(forget func())
}

// WithPeers has every change of a token or a user through this server make
// the peers forget the viewers they keep when it commits, and theirs make
// this server forget its own; the viewers' time bound stays for what the
// peers miss.
func WithPeers(p Peers) Option {
	return func(s *Service) { s.viewers.peers = p }
}

// WithClock replaces the clock, for tests of expiry.
func WithClock(now func() time.Time) Option {
	return func(s *Service) { s.now = now }
}

// New returns a Service over the client.
func New(client *ent.Client, opts ...Option) *Service {
	s := &Service{client: client, sessionTTL: DefaultSessionTTL, now: time.Now, viewers: newViewerCache(), viewerTTL: ViewerCacheTTL}
	for _, opt := range opts {
		opt(s)
	}
	s.throttle = newPasswordThrottle(s.now)
	client.Token.Use(s.viewers.forgetOnChange)
	client.User.Use(s.viewers.forgetOnChange)
	if s.viewers.peers != nil {
		s.viewers.peers.OnViewersChanged(s.viewers.forget)
	}
	return s
}

// AsServer returns a context that acts for the server itself, whoever is
// asking: no policy stops what it reads and writes. The service reads and
// writes users and tokens in it (signing in has no viewer yet); commands and
// tests use it for what they do outside any request.
func AsServer(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

var errWrongPassword = samverkan.Errorf(samverkan.CodeUnauthenticated, "", "wrong username or password")

// ErrUserDisabled is the refusal of a disabled user's sign-in, given only
// once the password is right, so that it tells a guesser nothing.
var ErrUserDisabled = samverkan.Errorf(samverkan.CodeUnauthenticated, "",
	"this user is disabled: an admin can enable it again")

// ErrTokenUserDisabled is the refusal of a token whose user is disabled.
// The token is kept: it works again when an admin enables the user.
var ErrTokenUserDisabled = samverkan.Errorf(samverkan.CodeUnauthenticated, "",
	"the token's user is disabled: an admin can enable it again")

// Login checks a username and password and issues a session token. Wrong
// ones are refused alike, unknown users taking as long as wrong passwords;
// after repeated failures (see passwordThrottle), attempts are refused for
// a while without being checked.
//
// The password is compared before anything is written, and the session
// then written in a transaction of its own (unless ctx has one already):
// outside a transaction, the comparison holds no write lock.
func (s *Service) Login(ctx context.Context, username, password string) (string, *ent.Token, *ent.User, error) {
	username = auth.Username(username)
	addr := clientAddr(ctx)
	if wait := s.throttle.wait(username, addr); wait > 0 {
		return "", nil, nil, tooManyFailures(wait, "too many failed sign-ins")
	}
	c := storage.ClientOf(ctx, s.client)
	u, err := c.User.Query().Where(user.Username(username)).Only(AsServer(ctx))
	if err != nil && !ent.IsNotFound(err) {
		return "", nil, nil, fmt.Errorf("find user %q: %w", username, err)
	}
	hash := ""
	if u != nil {
		hash = u.PasswordHash
	}
	if !auth.PasswordMatches(hash, password) || u == nil {
		s.throttle.fail(username, addr)
		return "", nil, nil, errWrongPassword
	}
	s.throttle.succeed(username, addr)
	if u.Disabled {
		return "", nil, nil, ErrUserDisabled
	}
	var (
		tok string
		t   *ent.Token
	)
	err = s.inTx(ctx, func(ctx context.Context) (err error) {
		tok, t, err = s.StartSession(ctx, u.ID)
		return err
	})
	if err != nil {
		return "", nil, nil, err
	}
	// The rest of the request (the answer's fields, on a private server
	// too) acts for the user who has just signed in.
	v, err := s.viewerOf(AsServer(ctx), u.ID, u.Username, u.Role, t)
	if err != nil {
		return "", nil, nil, err
	}
	auth.SignedIn(ctx, v)
	if r := samverkan.RequestFrom(ctx); r != nil {
		r.User = u.Username
	}
	return tok, t, u, nil
}

// StartSession issues a session token for the user, as signing in does
// once the password is checked, and removes the user's ended sessions.
func (s *Service) StartSession(ctx context.Context, userID int) (string, *ent.Token, error) {
	tok, t, err := s.issue(ctx, userID, token.KindSESSION, "", new(s.now().Add(s.sessionTTL)))
	if err != nil {
		return "", nil, err
	}
	if _, err := storage.ClientOf(ctx, s.client).Token.Delete().Where(
		token.UserID(userID), token.KindEQ(token.KindSESSION),
		token.Or(token.ExpiresAtLT(s.now()), token.RevokedAtNotNil()),
	).Exec(audit.Off(AsServer(ctx))); err != nil {
		return "", nil, fmt.Errorf("remove ended sessions: %w", err)
	}
	return tok, t, nil
}

// clientAddr is the address of the client making the request, or "".
func clientAddr(ctx context.Context) string {
	if r := samverkan.RequestFrom(ctx); r != nil {
		return r.Client
	}
	return ""
}

// tooManyFailures is the refusal of a throttled attempt: what failed too
// often, and how long to wait.
func tooManyFailures(wait time.Duration, what string) error {
	seconds := int((wait + time.Second - 1) / time.Second)
	return &samverkan.Error{
		Code:       samverkan.CodeRateLimited,
		Message:    fmt.Sprintf("%s; try again in %d s", what, seconds),
		RetryAfter: seconds,
	}
}

// inTx runs f in ctx's transaction if it has one, and otherwise in a
// transaction of its own, committed when f succeeds.
func (s *Service) inTx(ctx context.Context, f func(ctx context.Context) error) error {
	if ent.TxFromContext(ctx) != nil {
		return f(ctx)
	}
	tx, err := s.client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := f(ent.NewContext(ent.NewTxContext(ctx, tx), tx.Client())); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Unlock lifts the throttle on a user's passwords: their failures from
// every address are forgotten. Whoever may change the user may (admins:
// the User policy says so).
func (s *Service) Unlock(ctx context.Context, id int) (*ent.User, error) {
	c := storage.ClientOf(ctx, s.client)
	if err := user.Policy.EvalMutation(ctx, c.User.UpdateOneID(id).Mutation()); err != nil {
		return nil, err
	}
	u, err := c.User.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	s.throttle.unlock(u.Username)
	return u, nil
}

// issue creates a token for the user and returns it with its record.
// Sessions are not part of the plan: their tokens are left out of the audit
// trail; API tokens are in it.
func (s *Service) issue(ctx context.Context, userID int, kind token.Kind, name string, expires *time.Time) (string, *ent.Token, error) {
	tok, selector, secretHash := auth.NewToken()
	wctx := ctx
	if kind == token.KindSESSION {
		wctx = audit.Off(AsServer(ctx))
	}
	t, err := storage.ClientOf(ctx, s.client).Token.Create().
		SetKind(kind).
		SetName(name).
		SetSelector(selector).
		SetSecretHash(secretHash).
		SetCreatedAt(s.now()).
		SetNillableExpiresAt(expires).
		SetUserID(userID).
		Save(wctx)
	if err != nil {
		return "", nil, fmt.Errorf("issue token: %w", err)
	}
	return tok, t, nil
}

// ErrInvalidToken is returned for a bearer token that is unknown, expired
// or revoked.
var ErrInvalidToken = samverkan.Errorf(samverkan.CodeUnauthenticated, "",
	"the token is not valid: it has expired, was revoked, or was never issued; sign in again")

// Authenticate returns the viewer a bearer token acts for, with its user's
// current role and scope: from the database, or from the viewers of tokens
// seen in the last ViewerCacheTTL, which every change of a token or a user
// through this server (or, WithPeers, through another) empties.
func (s *Service) Authenticate(ctx context.Context, bearer string) (*auth.Viewer, error) {
	key, now := s.viewers.key(bearer), s.now()
	if v, ok := s.viewers.get(key, now); ok {
		return v, nil
	}
	gen := s.viewers.gen.Load()
	v, expires, err := s.authenticate(ctx, bearer)
	if err != nil {
		return nil, err
	}
	until := now.Add(s.viewerTTL)
	if expires != nil && expires.Before(until) {
		until = *expires
	}
	if until.After(now) {
		s.viewers.put(key, v, gen, until)
	}
	return v, nil
}

// authenticate reads the token and its user, and returns the viewer and
// when the token expires.
func (s *Service) authenticate(ctx context.Context, bearer string) (*auth.Viewer, *time.Time, error) {
	selector, secretHash, err := auth.ParseToken(bearer)
	if err != nil {
		return nil, nil, ErrInvalidToken
	}
	ctx = AsServer(ctx)
	// One statement: the token with its user's name and role beside it.
	// This runs before every signed-in request; loading the user as an
	// edge took a second.
	t, err := s.client.Token.Query().
		Where(token.Selector(selector)).
		Modify(func(s *sql.Selector) {
			u := sql.Dialect(s.Dialect()).Table(user.Table).As("u")
			s.Join(u).On(s.C(token.FieldUserID), u.C(user.FieldID)).
				AppendSelectAs(u.C(user.FieldUsername), tokenUsername).
				AppendSelectAs(u.C(user.FieldRole), tokenRole).
				AppendSelectAs(u.C(user.FieldDisabled), tokenUserDisabled)
		}).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil, ErrInvalidToken
	}
	if err != nil {
		return nil, nil, fmt.Errorf("find token: %w", err)
	}
	now := s.now()
	// A calendar feed's secret opens the feed (CalendarViewer), never the API.
	if !auth.SecretMatches(t.SecretHash, secretHash) || t.RevokedAt != nil || (t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)) ||
		t.Kind == token.KindCALENDAR {
		return nil, nil, ErrInvalidToken
	}
	username, err := textValue(t, tokenUsername)
	if err != nil {
		return nil, nil, fmt.Errorf("find token: %w", err)
	}
	role, err := textValue(t, tokenRole)
	if err != nil {
		return nil, nil, fmt.Errorf("find token: %w", err)
	}
	disabled, err := boolValue(t, tokenUserDisabled)
	if err != nil {
		return nil, nil, fmt.Errorf("find token: %w", err)
	}
	if disabled {
		return nil, nil, ErrTokenUserDisabled
	}
	v, err := s.viewerOf(ctx, t.UserID, username, auth.Role(role), t)
	return v, t.ExpiresAt, err
}

// The names Authenticate selects the token's user's columns under.
const (
	tokenUsername     = "user_username"
	tokenRole         = "user_role"
	tokenUserDisabled = "user_disabled"
)

// textValue reads a text column that a query selected beside an entity's.
func textValue(t *ent.Token, column string) (string, error) {
	v, err := t.Value(column)
	if err != nil {
		return "", err
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	}
	return "", fmt.Errorf("column %s: a %T, not text", column, v)
}

// boolValue reads a boolean column that a query selected beside an
// entity's: PostgreSQL gives a bool, SQLite an integer.
func boolValue(t *ent.Token, column string) (bool, error) {
	v, err := t.Value(column)
	if err != nil {
		return false, err
	}
	switch v := v.(type) {
	case bool:
		return v, nil
	case int64:
		return v != 0, nil
	case []byte:
		return string(v) == "1" || string(v) == "t" || string(v) == "true", nil
	}
	return false, fmt.Errorf("column %s: a %T, not a boolean", column, v)
}

// viewerOf is the viewer a token of the user acts for.
func (s *Service) viewerOf(ctx context.Context, userID int, username string, role auth.Role, t *ent.Token) (*auth.Viewer, error) {
	v := &auth.Viewer{UserID: userID, Username: username, Role: role, TokenID: t.ID, ReadOnly: t.Kind == token.KindAPI}
	// Only an editor's policies look at its scope; the others' requests
	// are spared the two lookups.
	if role == auth.RoleEditor && !v.ReadOnly {
		u := s.client.User.Query().Where(user.ID(userID))
		var err error
		if v.Municipalities, err = u.Clone().QueryMunicipalities().IDs(ctx); err != nil {
			return nil, fmt.Errorf("read scope: %w", err)
		}
		if v.Institutions, err = u.QueryInstitutions().IDs(ctx); err != nil {
			return nil, fmt.Errorf("read scope: %w", err)
		}
	}
	return v, nil
}

// Logout revokes the session token the viewer came with.
func (s *Service) Logout(ctx context.Context) error {
	v := auth.FromContext(ctx)
	switch {
	case v == nil:
		return samverkan.Errorf(samverkan.CodeUnauthenticated, "", "not signed in: the request carries no token")
	case v.ReadOnly:
		return samverkan.Errorf(samverkan.CodeForbidden, "", "an API token is not signed out: an admin revokes it with revokeToken")
	}
	return storage.ClientOf(ctx, s.client).Token.UpdateOneID(v.TokenID).SetRevokedAt(s.now()).Exec(audit.Off(AsServer(ctx)))
}

var errNotCurrentPassword = samverkan.Errorf(samverkan.CodeValidation, "currentPassword", "is not your current password")

// ChangePassword sets the viewer's own password, given the current one,
// and signs out the viewer's other sessions. A wrong current password
// counts as a failed sign-in for the user from the client's address, so
// that a stolen session cannot guess it quickly either.
//
// As in Login, both passwords are hashed and compared before the change
// is written, in a transaction of its own unless ctx has one.
func (s *Service) ChangePassword(ctx context.Context, current, next string) error {
	v := auth.FromContext(ctx)
	if v == nil || v.ReadOnly {
		return samverkan.Errorf(samverkan.CodeUnauthenticated, "", "sign in to change your password")
	}
	addr := clientAddr(ctx)
	if wait := s.throttle.wait(v.Username, addr); wait > 0 {
		return tooManyFailures(wait, "too many wrong passwords")
	}
	u, err := storage.ClientOf(ctx, s.client).User.Get(AsServer(ctx), v.UserID)
	if err != nil {
		return fmt.Errorf("find user: %w", err)
	}
	if !auth.PasswordMatches(u.PasswordHash, current) {
		s.throttle.fail(v.Username, addr)
		return errNotCurrentPassword
	}
	s.throttle.succeed(v.Username, addr)
	hash, err := hashPassword(next, "newPassword")
	if err != nil {
		return err
	}
	// The change is the user's own: recorded as theirs, allowed for
	// everyone's own account.
	return s.inTx(AsServer(ctx), func(ctx context.Context) error {
		// Only over the hash that was compared: a password changed
		// meanwhile is no longer the current one.
		err := storage.ClientOf(ctx, s.client).User.UpdateOneID(u.ID).
			Where(user.PasswordHash(u.PasswordHash)).
			SetPasswordHash(hash).
			Exec(ctx)
		switch {
		case ent.IsNotFound(err):
			return errNotCurrentPassword
		case err != nil:
			return err
		}
		return s.signOutSessions(ctx, u.ID, v.TokenID)
	})
}

// UpdateUser changes a user (the caller's policies decide whether it may)
// and, when password is given, its password in the same save, so that the
// change is one audit entry and one new version; then it signs out the
// user's sessions.
func (s *Service) UpdateUser(ctx context.Context, id int, input ent.UpdateUserInput, password *string) (*ent.User, error) {
	update := storage.ClientOf(ctx, s.client).User.UpdateOneID(id).SetInput(input)
	if password != nil {
		hash, err := hashPassword(*password, "password")
		if err != nil {
			return nil, err
		}
		update.SetPasswordHash(hash)
	}
	u, err := update.Save(ctx)
	if err != nil || password == nil {
		return u, err
	}
	return u, s.signOutSessions(ctx, id, 0)
}

// signOutSessions ends the user's sessions but the one keepToken names.
func (s *Service) signOutSessions(ctx context.Context, userID, keepToken int) error {
	_, err := storage.ClientOf(ctx, s.client).Token.Update().
		Where(token.UserID(userID), token.KindEQ(token.KindSESSION), token.RevokedAtIsNil(), token.IDNEQ(keepToken)).
		SetRevokedAt(s.now()).
		Save(audit.Off(AsServer(ctx)))
	if err != nil {
		return fmt.Errorf("sign out sessions: %w", err)
	}
	return nil
}

// hashPassword hashes a password, refusing one that breaks the rules as an
// invalid value of the input field given.
func hashPassword(password, field string) (string, error) {
	hash, err := auth.HashPassword(password)
	if err != nil {
		return "", samverkan.Errorf(samverkan.CodeValidation, field, "%v", err)
	}
	return hash, nil
}

// IssueAPIToken issues a read-only API token acting for the user (the
// viewer when userID is nil; an id that names no user is NOT_FOUND, 0
// included). Only admins may: the Token policy says so, and the schema's
// hooks check the name, the expiry and the user.
func (s *Service) IssueAPIToken(ctx context.Context, name string, userID *int, expires *time.Time) (string, *ent.Token, error) {
	id := 0
	switch v := auth.FromContext(ctx); {
	case userID != nil:
		id = *userID
	case v != nil:
		id = v.UserID
	}
	return s.issue(ctx, id, token.KindAPI, name, expires)
}

// Revoke revokes a token at once. Only admins may: the Token policy says so.
func (s *Service) Revoke(ctx context.Context, id int) (*ent.Token, error) {
	c := storage.ClientOf(ctx, s.client)
	t, err := c.Token.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.RevokedAt != nil {
		return t, nil
	}
	return c.Token.UpdateOneID(id).SetRevokedAt(s.now()).Save(ctx)
}

// CreateUser creates a user with a password (the caller's policies decide
// whether it may).
func CreateUser(ctx context.Context, c *ent.Client, input ent.CreateUserInput, password string) (*ent.User, error) {
	hash, err := hashPassword(password, "password")
	if err != nil {
		return nil, err
	}
	return storage.ClientOf(ctx, c).User.Create().SetInput(input).SetPasswordHash(hash).Save(ctx)
}

// HasUsers reports whether any user exists.
func HasUsers(ctx context.Context, c *ent.Client) (bool, error) {
	return c.User.Query().Exist(AsServer(ctx))
}

// EnsureFirstAdmin creates the user "admin" with the password, as the
// server does at its first start when SAMVERKAN_ADMIN_PASSWORD is set. It
// does nothing when any user exists, and reports whether it created one.
func EnsureFirstAdmin(ctx context.Context, c *ent.Client, password string) (bool, error) {
	has, err := HasUsers(ctx, c)
	if err != nil || has {
		return false, err
	}
	ctx = audit.As(AsServer(ctx), "SAMVERKAN_ADMIN_PASSWORD")
	admin := auth.RoleAdmin
	_, err = CreateUser(ctx, c, ent.CreateUserInput{Username: "admin", DisplayName: "Administratör", Role: &admin}, password)
	if err != nil {
		return false, err
	}
	return true, nil
}

// AddUser creates a user from the command line, acting for the server.
func AddUser(ctx context.Context, c *ent.Client, input ent.CreateUserInput, password string) (*ent.User, error) {
	return CreateUser(audit.As(AsServer(ctx), "samverkan user add"), c, input, password)
}

// IsRefusal reports whether err carries a code for the client (a
// *samverkan.Error anywhere in its chain: a wrong password, an expired
// token, a disabled user, but also any other client error), as opposed to a
// fault of the server, which has none.
func IsRefusal(err error) bool {
	var se *samverkan.Error
	return errors.As(err, &se)
}

// errNoUser is the answer of the command line's user commands for a
// username that names nobody.
func errNoUser(username string) error {
	return samverkan.Errorf(samverkan.CodeNotFound, "", "there is no user %q", username)
}

// findUser is the user with the username, acting for the server.
func findUser(ctx context.Context, c *ent.Client, username string) (*ent.User, error) {
	u, err := c.User.Query().Where(user.Username(auth.Username(username))).Only(AsServer(ctx))
	if ent.IsNotFound(err) {
		return nil, errNoUser(username)
	}
	if err != nil {
		return nil, fmt.Errorf("find user %q: %w", username, err)
	}
	return u, nil
}

// SetPassword sets a user's password from the command line and signs out
// the user's sessions, in one transaction; the audit trail names the
// command as the actor.
func SetPassword(ctx context.Context, c *ent.Client, username, password string) error {
	hash, err := hashPassword(password, "password")
	if err != nil {
		return err
	}
	ctx = audit.As(AsServer(ctx), "samverkan user passwd")
	return withTx(ctx, c, func(tx *ent.Client) error {
		u, err := findUser(ctx, tx, username)
		if err != nil {
			return err
		}
		if err := tx.User.UpdateOneID(u.ID).SetPasswordHash(hash).Exec(ctx); err != nil {
			return err
		}
		_, err = tx.Token.Update().
			Where(token.UserID(u.ID), token.KindEQ(token.KindSESSION), token.RevokedAtIsNil()).
			SetRevokedAt(time.Now()).
			Save(audit.Off(ctx))
		return err
	})
}

// DeleteUser deletes a user from the command line, and with it the user's
// tokens; the changes the user made stay in the audit trail. The last
// admin is not deleted (the User schema's keepAnAdmin says why).
func DeleteUser(ctx context.Context, c *ent.Client, username string) error {
	ctx = audit.As(AsServer(ctx), "samverkan user delete")
	return withTx(ctx, c, func(tx *ent.Client) error {
		u, err := findUser(ctx, tx, username)
		if err != nil {
			return err
		}
		return tx.User.DeleteOneID(u.ID).Exec(ctx)
	})
}

// SetDisabled disables a user from the command line, or enables it again,
// acting for the server. A disabled user cannot sign in and its tokens stop
// working (a running server sees it within ViewerCacheTTL, unless it is
// told: the user command tells the servers on PostgreSQL); enabled again,
// its tokens that have not expired work again. The last admin is not
// disabled (the User schema's keepAnAdmin says why).
func SetDisabled(ctx context.Context, c *ent.Client, username string, disabled bool) error {
	actor := "samverkan user enable"
	if disabled {
		actor = "samverkan user disable"
	}
	ctx = audit.As(AsServer(ctx), actor)
	return withTx(ctx, c, func(tx *ent.Client) error {
		u, err := findUser(ctx, tx, username)
		if err != nil {
			return err
		}
		return tx.User.UpdateOneID(u.ID).SetDisabled(disabled).Exec(ctx)
	})
}

// ListUsers returns every user, with the scope of editors, in the order of
// their usernames.
func ListUsers(ctx context.Context, c *ent.Client) ([]*ent.User, error) {
	return c.User.Query().
		WithMunicipalities().
		WithInstitutions().
		Order(user.ByUsername()).
		All(AsServer(ctx))
}

// withTx runs f in a transaction, committed if f returns nil.
func withTx(ctx context.Context, c *ent.Client, f func(*ent.Client) error) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return err
	}
	if err := f(tx.Client()); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
