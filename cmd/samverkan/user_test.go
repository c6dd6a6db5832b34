package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

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
