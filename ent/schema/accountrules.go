package schema

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"entgo.io/ent"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/auth"
	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/hook"
	"github.com/samverkan/samverkan/ent/token"
	"github.com/samverkan/samverkan/ent/user"
)

// keepAnAdmin refuses to delete the last admin, make it something else or
// disable it: without an admin who can sign in, nobody could manage users
// again but from the command line. Only enabled admins count.
//
// The check holds under concurrency: on PostgreSQL only one transaction
// at a time reads the admins to demote, disable or delete one (lockAdmins),
// and it holds the turn until it ends, so of two admins demoting or
// deleting each other at once, the second waits for the first and then
// reads the admins as the first left them (READ COMMITTED reads anew at
// each statement). It waits holding no more than the lock on the user it
// changes (readStoredRecordLocked), which the first does not need, so
// neither can wait for the other. On SQLite, writers take turns anyway.
var keepAnAdmin = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.UserFunc(func(ctx context.Context, m *gen.UserMutation) (ent.Value, error) {
		role, demoted := m.Role()
		demoted = demoted && role != auth.RoleAdmin
		disabled, _ := m.Disabled()
		if m.Op().Is(ent.OpUpdateOne) && !demoted && !disabled {
			return next.Mutate(ctx, m)
		}
		id, _ := m.ID()
		client := m.ClientIn(ctx)
		if err := lockAdmins(ctx, client); err != nil {
			return nil, err
		}
		admins, err := client.User.Query().
			Where(user.RoleEQ(auth.RoleAdmin), user.Disabled(false)).
			IDs(auth.AsServer(ctx))
		if err != nil {
			return nil, fmt.Errorf("read the admins: %w", err)
		}
		if !slices.Contains(admins, id) {
			return next.Mutate(ctx, m)
		}
		if len(admins) < 2 {
			switch {
			case m.Op().Is(ent.OpDeleteOne):
				return nil, samverkan.Errorf(samverkan.CodeValidation, "",
					"the last admin must stay an admin: make another user admin first")
			case demoted:
				return nil, samverkan.Errorf(samverkan.CodeValidation, "role",
					"the last admin must stay an admin: make another user admin first")
			}
			return nil, samverkan.Errorf(samverkan.CodeValidation, "disabled",
				"the last admin must stay enabled: make another user admin first")
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpUpdateOne|ent.OpDeleteOne)

// lockAdmins waits, on PostgreSQL, for the turn to read the admins in
// order to change one (takeTurn). Row locks on the admins would not do:
// the user a change changes is already locked (readStoredRecordLocked),
// and two admins demoting each other would each hold the row the other
// waits for.
func lockAdmins(ctx context.Context, c *gen.Client) error {
	return takeTurn(ctx, c, "admins", false)
}

// lowerCaseUsername stores a username in the form sign-in compares it in
// (auth.Username), so that "Anna" typed into a form is the user "anna".
var lowerCaseUsername = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.UserFunc(func(ctx context.Context, m *gen.UserMutation) (ent.Value, error) {
		if name, ok := m.Username(); ok {
			m.SetUsername(auth.Username(name))
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate|ent.OpUpdateOne)

// tokenRules refuses a token, a session or an API token, for a disabled
// user: it could not be used, and would start working unasked when the user
// is enabled again (Login says so before it issues one; this is for an
// admin's createAPIToken). It holds an API token to what an admin issuing
// one must say: what it is for, and an expiry, if any, in the future.
// (Sessions have no name and expire as the server sets.)
var tokenRules = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.TokenFunc(func(ctx context.Context, m *gen.TokenMutation) (ent.Value, error) {
		if id, ok := m.UserID(); ok {
			disabled, err := m.ClientIn(ctx).User.Query().
				Where(user.ID(id), user.Disabled(true)).
				Exist(auth.AsServer(ctx))
			if err != nil {
				return nil, fmt.Errorf("read the token's user: %w", err)
			}
			if disabled {
				return nil, samverkan.Errorf(samverkan.CodeValidation, "userID",
					"the user is disabled: enable it before issuing it a token")
			}
		}
		if kind, _ := m.Kind(); kind != token.KindAPI {
			return next.Mutate(ctx, m)
		}
		name, _ := m.Name()
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, samverkan.Errorf(samverkan.CodeValidation, "name", "must not be empty: say what the token is for")
		}
		m.SetName(name)
		if expires, ok := m.ExpiresAt(); ok && !expires.After(time.Now()) {
			return nil, samverkan.Errorf(samverkan.CodeValidation, "expiresAt", "must be in the future")
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate)
