package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samverkan/samverkan/accounts"

	"github.com/samverkan/samverkan/storage/storagetest"
)

// samverkan user add creates a user who can then sign in; its password comes
// from stdin when that is not a terminal.
func TestUserAdd(t *testing.T) {
	db := storagetest.Open(t).DSN
	add := func(stdin string, args ...string) (string, error) {
		var out, errOut bytes.Buffer
		a := &app{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
		err := a.run(context.Background(), append([]string{"user", "add", "--db", db}, args...))
		return out.String() + errOut.String(), err
	}
	seeder := &app{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	if err := seeder.run(context.Background(), []string{"seed", "--db", db}); err != nil {
		t.Fatal(err)
	}
	if out, err := add("ett långt lösenord\n", "--admin", "--name", "Anna Berg", "anna"); err != nil || !strings.Contains(out, "Added anna (Anna Berg, ADMIN)") {
		t.Fatalf("user add --admin anna: %v\n%s", err, out)
	}
	if out, err := add("ett annat lösenord\n", "erik", "--role", "editor", "--municipality", "1880"); err != nil || !strings.Contains(out, "EDITOR") {
		t.Fatalf("user add erik --role editor: %v\n%s", err, out)
	}
	// Any number of editors share a municipality, and an editor may have several.
	if out, err := add("ett tredje lösenord\n", "frida", "--role", "editor", "--municipality", "1880", "--municipality", "1881"); err != nil || !strings.Contains(out, "Added frida") {
		t.Fatalf("user add frida, a second editor for Örebro (1880): %v\n%s", err, out)
	}
	for _, bad := range []struct {
		stdin string
		args  []string
		says  string
	}{
		{"kort\n", []string{"kort"}, "at least 10"},
		{"ett långt lösenord\n", []string{"anna"}, `cannot add the user: there is a user named "anna" already`}, // taken
		{"ett långt lösenord\n", []string{"--role", "boss", "bo"}, "ADMIN, EDITOR or VIEWER"},
		{"ett långt lösenord\n", []string{"--municipality", "9999", "cecilia"}, "9999"},
		{"", []string{"david"}, "no password"},
		{"ett långt lösenord\n", nil, "USERNAME"},
	} {
		if out, err := add(bad.stdin, bad.args...); err == nil || !strings.Contains(out, bad.says) {
			t.Errorf("user add %v: %v, %q; want a failure saying %q", bad.args, err, out, bad.says)
		}
	}

	// The users sign in on the server.
	s := startServer(t, db)
	token := signIn(t, s.base+"/graphql", "anna", "ett långt lösenord")
	signIn(t, s.base+"/graphql", "erik", "ett annat lösenord")
	if s.stdout.String() == "" || token == "" {
		t.Fatal("no token")
	}
	// The admin from SAMVERKAN_ADMIN_PASSWORD is not created: there are users.
	body := `{"query": "mutation { login(username: \"admin\", password: \"` + testAdminPassword + `\") { token } }"}`
	res, err := http.Post(s.base+"/graphql", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(raw), "UNAUTHENTICATED") {
		t.Errorf("signing in as admin on a database that had users: %s; want UNAUTHENTICATED", raw)
	}
}

// user list, passwd and delete manage users from the command line, saying
// what went wrong in words.
func TestUserCommands(t *testing.T) {
	db := storagetest.Open(t).DSN
	run := func(stdin string, args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		a := &app{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
		err := a.run(context.Background(), append(args, "--db", db))
		return out.String(), errOut.String(), err
	}
	if out, _, err := run("", "user", "list"); err != nil || !strings.Contains(out, "No users yet") {
		t.Errorf("user list of no users: %v, %q", err, out)
	}
	for _, add := range [][]string{{"--admin", "anna"}, {"--name", "Erik Ek", "erik"}} {
		if _, errOut, err := run("ett långt lösenord\n", append([]string{"user", "add"}, add...)...); err != nil {
			t.Fatalf("user add %v: %v, %s", add, err, errOut)
		}
	}
	s := startServer(t, db)
	eriksSession := signIn(t, s.base+"/graphql", "erik", "ett långt lösenord")
	if code := meCode(t, s.base, eriksSession); code != "" {
		t.Fatalf("erik's session: %s", code)
	}

	t.Run("ListShowsEveryUser", func(t *testing.T) {
		out, _, err := run("", "user", "list")
		if err != nil || !strings.Contains(out, "USERNAME") || !regexp.MustCompile(`anna +ADMIN +anna`).MatchString(out) || !regexp.MustCompile(`erik +VIEWER +Erik Ek`).MatchString(out) {
			t.Errorf("user list: %v\n%s", err, out)
		}
	})
	t.Run("PasswdSetsThePasswordAndSignsOut", func(t *testing.T) {
		kept(t, s.base, eriksSession)
		out, errOut, err := run("ett nytt lösenord\n", "user", "passwd", "Erik")
		if err != nil || !strings.Contains(out, "Set the password of Erik") {
			t.Fatalf("user passwd: %v, %q %q", err, out, errOut)
		}
		if code := signedOut(t, db, s.base, eriksSession); code != "UNAUTHENTICATED" {
			t.Errorf("erik's session after user passwd: %s; want UNAUTHENTICATED", code)
		}
		signIn(t, s.base+"/graphql", "erik", "ett nytt lösenord")
	})
	t.Run("DisableStopsTheUserAndEnableLetsItBack", func(t *testing.T) {
		session := signIn(t, s.base+"/graphql", "erik", "ett nytt lösenord")
		kept(t, s.base, session)
		if out, errOut, err := run("", "user", "disable", "erik"); err != nil || !strings.Contains(out, "Disabled erik") {
			t.Fatalf("user disable: %v, %q %q", err, out, errOut)
		}
		if code := signedOut(t, db, s.base, session); code != "UNAUTHENTICATED" {
			t.Errorf("erik's session after user disable: %s; want UNAUTHENTICATED", code)
		}
		if msg := loginError(t, s.base, "erik", "ett nytt lösenord"); msg != "this user is disabled: an admin can enable it again" {
			t.Errorf("erik signing in while disabled: %q", msg)
		}
		if out, _, _ := run("", "user", "list"); !regexp.MustCompile(`erik +VIEWER +Erik Ek +- +\S+ +disabled`).MatchString(out) {
			t.Errorf("user list does not show erik disabled:\n%s", out)
		}
		if out, errOut, err := run("", "user", "enable", "erik"); err != nil || !strings.Contains(out, "Enabled erik") {
			t.Fatalf("user enable: %v, %q %q", err, out, errOut)
		}
		signIn(t, s.base+"/graphql", "erik", "ett nytt lösenord")
	})
	t.Run("Refusals", func(t *testing.T) {
		for _, bad := range []struct {
			stdin string
			args  []string
			says  string
		}{
			{"ett nytt lösenord\n", []string{"user", "passwd", "nobody"}, `there is no user "nobody"`},
			{"kort\n", []string{"user", "passwd", "erik"}, "at least 10"},
			{"", []string{"user", "delete", "nobody"}, `there is no user "nobody"`},
			{"", []string{"user", "delete", "anna"}, "the last admin must stay an admin"},
			{"", []string{"user", "disable", "anna"}, "the last admin must stay enabled"},
			{"", []string{"user", "disable", "nobody"}, `there is no user "nobody"`},
			{"", []string{"user", "enable"}, "needs one USERNAME"},
			{"", []string{"user", "delete"}, "needs one USERNAME"},
			{"", []string{"user", "frobnicate"}, `unknown command "user frobnicate"`},
		} {
			_, errOut, err := run(bad.stdin, bad.args...)
			if err == nil || !strings.Contains(errOut, bad.says) || strings.Contains(errOut, "ent:") {
				t.Errorf("%v: %v, %q; want a failure saying %q", bad.args, err, errOut, bad.says)
			}
		}
	})
	t.Run("DeleteRemovesTheUserAndItsTokens", func(t *testing.T) {
		session := signIn(t, s.base+"/graphql", "erik", "ett nytt lösenord")
		kept(t, s.base, session)
		if out, errOut, err := run("", "user", "delete", "erik"); err != nil || !strings.Contains(out, "Deleted erik") {
			t.Fatalf("user delete: %v, %q %q", err, out, errOut)
		}
		if code := signedOut(t, db, s.base, session); code != "UNAUTHENTICATED" {
			t.Errorf("erik's session after user delete: %s; want UNAUTHENTICATED", code)
		}
		if out, _, _ := run("", "user", "list"); strings.Contains(out, "erik") {
			t.Errorf("user list after deleting erik:\n%s", out)
		}
	})
}

// signedOut waits for the server on db to see that a token no longer
// works: a change by another process reaches its viewer cache within
// accounts.ViewerCacheTTL on SQLite, and on PostgreSQL, where the user
// command tells the servers, at once (here: within 2 s). It returns the
// last code the token got.
func signedOut(t *testing.T, db, base, token string) string {
	t.Helper()
	bound := 2*accounts.ViewerCacheTTL + 5*time.Second
	if strings.HasPrefix(db, "postgres") {
		bound = 2 * time.Second
	}
	code := ""
	for deadline := time.Now().Add(bound); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if code = meCode(t, base, token); code == "UNAUTHENTICATED" {
			break
		}
	}
	return code
}

// kept has the server keep the token's user (a request with it), which
// signedOut then waits to see go.
func kept(t *testing.T, base, token string) {
	t.Helper()
	if code := meCode(t, base, token); code != "" {
		t.Fatalf("the token before the change: %s", code)
	}
}

// meCode sends a query with the token and returns the first error's code,
// or "" when there is none.
func meCode(t *testing.T, base, token string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(`{"query": "{ me { username } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Errors []struct{ Extensions struct{ Code string } }
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) == 0 {
		return ""
	}
	return out.Errors[0].Extensions.Code
}

// loginError signs in and returns the message of the error the sign-in
// fails with, or "" when it succeeds.
func loginError(t *testing.T, base, username, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
		"variables": map[string]any{"u": username, "p": password},
	})
	res, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Errors []struct{ Message string } }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) == 0 {
		return ""
	}
	return out.Errors[0].Message
}
