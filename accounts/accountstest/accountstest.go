// Package accountstest creates users and sessions for tests, quickly: the
// password hashes are made at bcrypt's lowest cost, and sessions are
// started without signing in.
package accountstest

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
)

// Password is the password of every user the package creates.
const Password = "correct horse battery"

func init() {
	// Tests create many users; bcrypt's cost is the server's concern, not
	// theirs. Sign-in still checks a real bcrypt hash.
	auth.PasswordCost = bcrypt.MinCost
}

// User creates a user with the role and, for an editor, the scope given
// (municipality and institution ids), and the password Password.
func User(t testing.TB, client *ent.Client, username string, role auth.Role, municipalities, institutions []int) *ent.User {
	t.Helper()
	u, err := accounts.AddUser(context.Background(), client, ent.CreateUserInput{
		Username:        username,
		DisplayName:     username,
		Role:            &role,
		MunicipalityIDs: municipalities,
		InstitutionIDs:  institutions,
	}, Password)
	if err != nil {
		t.Fatalf("create user %s: %v", username, err)
	}
	return u
}

// Session starts a session for the user and returns its bearer token.
func Session(t testing.TB, client *ent.Client, u *ent.User) string {
	t.Helper()
	tok, _, err := accounts.New(client).StartSession(context.Background(), u.ID)
	if err != nil {
		t.Fatalf("start a session for %s: %v", u.Username, err)
	}
	return tok
}

// Admin creates the admin "admin" and returns a session token for it.
func Admin(t testing.TB, client *ent.Client) string {
	t.Helper()
	return Session(t, client, User(t, client, "admin", auth.RoleAdmin, nil, nil))
}

// Viewer is the viewer a session of the user acts for, for tests that call
// a handler without the HTTP layer that checks tokens.
func Viewer(u *ent.User) *auth.Viewer {
	return &auth.Viewer{UserID: u.ID, Username: u.Username, Role: u.Role}
}
