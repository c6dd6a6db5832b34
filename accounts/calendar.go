package accounts

import (
	"context"
	"fmt"
	"time"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/token"
	"github.com/samverkan/samverkan/ent/user"
	"github.com/samverkan/samverkan/storage"
)

// A user's calendar feed of what is due (package period) is read from a
// secret address, as calendars such as Outlook subscribe: they send no
// Authorization header. The secret is a token of kind CALENDAR, kept as
// the others (its hash only), in the audit trail as API tokens are; it
// opens that feed and nothing else (Authenticate refuses it as a bearer
// token). Each user has at most one: a new one revokes the old.

var errSignInForFeed = samverkan.Errorf(samverkan.CodeUnauthenticated, "", "sign in to make or revoke your calendar feed")

// CreateCalendarFeed revokes the viewer's calendar feed, if any, and makes
// a new one, returning its secret and record.
func (s *Service) CreateCalendarFeed(ctx context.Context) (string, *ent.Token, error) {
	v := auth.FromContext(ctx)
	if v == nil || v.ReadOnly {
		return "", nil, errSignInForFeed
	}
	if _, err := s.RevokeCalendarFeed(ctx); err != nil {
		return "", nil, err
	}
	// The Token policy lets only admins write tokens; a user makes its
	// own feed as the server, recorded as the user's change.
	return s.issue(AsServer(ctx), v.UserID, token.KindCALENDAR, "Kalenderflöde", nil)
}

// RevokeCalendarFeed revokes the viewer's calendar feed at once, and
// reports whether there was one.
func (s *Service) RevokeCalendarFeed(ctx context.Context) (bool, error) {
	v := auth.FromContext(ctx)
	if v == nil || v.ReadOnly {
		return false, errSignInForFeed
	}
	c := storage.ClientOf(ctx, s.client)
	feeds, err := c.Token.Query().
		Where(token.UserID(v.UserID), token.KindEQ(token.KindCALENDAR), token.RevokedAtIsNil()).
		IDs(AsServer(ctx))
	if err != nil {
		return false, fmt.Errorf("read calendar feeds: %w", err)
	}
	for _, id := range feeds {
		// One by one, so that each revocation is in the audit trail.
		if err := c.Token.UpdateOneID(id).SetRevokedAt(s.now()).Exec(AsServer(ctx)); err != nil {
			return false, fmt.Errorf("revoke calendar feed: %w", err)
		}
	}
	return len(feeds) > 0, nil
}

// CalendarFeedCreatedAt is when the viewer's calendar feed was made, or
// nil when it has none.
func (s *Service) CalendarFeedCreatedAt(ctx context.Context) (*time.Time, error) {
	v := auth.FromContext(ctx)
	if v == nil || v.ReadOnly {
		return nil, nil
	}
	t, err := storage.ClientOf(ctx, s.client).Token.Query().
		Where(token.UserID(v.UserID), token.KindEQ(token.KindCALENDAR), token.RevokedAtIsNil()).
		Only(AsServer(ctx))
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read calendar feed: %w", err)
	}
	return &t.CreatedAt, nil
}

// ErrNoFeed is the answer to a calendar feed's address that names no
// feed, or one revoked.
var ErrNoFeed = samverkan.Errorf(samverkan.CodeNotFound, "", "no such calendar feed: it may have been revoked")

// CalendarViewer returns the viewer whose calendar feed the secret opens:
// the user, with its role and scope as they are now, never read-only
// (it reads). A secret that is not a live CALENDAR token is ErrNoFeed.
func (s *Service) CalendarViewer(ctx context.Context, secret string) (*auth.Viewer, error) {
	selector, secretHash, err := auth.ParseToken(secret)
	if err != nil {
		return nil, ErrNoFeed
	}
	ctx = AsServer(ctx)
	t, err := s.client.Token.Query().
		Where(token.Selector(selector), token.KindEQ(token.KindCALENDAR)).
		WithUser(func(q *ent.UserQuery) { q.Select(user.FieldUsername, user.FieldRole) }).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrNoFeed
	}
	if err != nil {
		return nil, fmt.Errorf("find calendar feed: %w", err)
	}
	if !auth.SecretMatches(t.SecretHash, secretHash) || t.RevokedAt != nil {
		return nil, ErrNoFeed
	}
	v, err := s.viewerOf(ctx, t.UserID, t.Edges.User.Username, t.Edges.User.Role, t)
	if err != nil {
		return nil, err
	}
	v.ReadOnly = true // a feed changes nothing
	return v, nil
}
