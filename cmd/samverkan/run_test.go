package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samverkan/samverkan/storage/storagetest"
)

// started is a samverkan serve running in the test, as a user starts it.
type started struct {
	base   string
	stop   context.CancelFunc
	done   chan error
	stdout *syncBuffer
	token  string // sent with every request once signIn has run
}

// testAdminPassword is the SAMVERKAN_ADMIN_PASSWORD the tests' servers
// start with: their first start creates the admin "admin" with it.
const testAdminPassword = "test-admin-password"

// signIn signs in as the admin; the server's later requests act for it.
func (s *started) signIn(t *testing.T) {
	t.Helper()
	s.token = signIn(t, s.base+"/graphql", "admin", testAdminPassword)
}

// signIn signs in at the GraphQL endpoint and returns the session token.
func signIn(t *testing.T, url, username, password string) string {
	t.Helper()
	var data struct{ Login struct{ Token string } }
	mustQuery(t, url, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
		map[string]any{"u": username, "p": password}, &data)
	return data.Login.Token
}

func startServer(t *testing.T, db string, flags ...string) *started {
	t.Helper()
	return startServerLogging(t, db, io.Discard, flags...)
}

// startServerLogging starts a server that logs to stderr.
func startServerLogging(t *testing.T, db string, stderr io.Writer, flags ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	out := &syncBuffer{}
	a := &app{stdout: out, stderr: stderr, getenv: adminPasswordEnv,
		listening: func(a string) { addr <- a }}
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, flags...)) }()
	select {
	case a := <-addr:
		s := &started{base: "http://" + a, stop: cancel, done: done, stdout: out}
		t.Cleanup(func() { s.shutdown(t) })
		return s
	case err := <-done:
		cancel()
		t.Fatalf("serve stopped before listening: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not start listening within 30 s")
	}
	return nil
}

// adminPasswordEnv is an environment with only SAMVERKAN_ADMIN_PASSWORD.
func adminPasswordEnv(name string) string {
	if name == "SAMVERKAN_ADMIN_PASSWORD" {
		return testAdminPassword
	}
	return ""
}

func (s *started) shutdown(t *testing.T) {
	t.Helper()
	if s.stop == nil {
		return
	}
	s.stop()
	s.stop = nil
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve returned %v after a shutdown request, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Error("serve did not shut down within 15 s")
	}
}

func (s *started) graphql(t *testing.T, query string) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, s.base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out["errors"] != nil {
		t.Fatalf("%s: %v", query, out["errors"])
	}
	return out["data"].(map[string]any)
}

func TestServeLoadsTheSeedOnceAndKeepsData(t *testing.T) {
	db := storagetest.Open(t).DSN
	first := startServer(t, db)
	if out := first.stdout.String(); !strings.Contains(out, first.base+"/graphql") || !strings.Contains(out, first.base+"/playground/") {
		t.Errorf("serve printed %q; want the URLs it serves", out)
	}
	res, err := http.Get(first.base + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %v %v", res, err)
	}
	res.Body.Close()
	data := first.graphql(t, `{ plans { totalCount } activities { totalCount } }`)
	if got := data["activities"].(map[string]any)["totalCount"]; got != float64(6) {
		t.Fatalf("activities on first start = %v, want the seed's 6", got)
	}
	first.signIn(t)
	first.graphql(t, `mutation { createMunicipality(input: {code: "0180", name: "Stockholm"}) { id } }`)
	first.shutdown(t)

	again := startServer(t, db)
	data = again.graphql(t, `{ plans { totalCount } activities { totalCount } municipalities(where: {code: "0180"}) { totalCount } }`)
	for field, want := range map[string]float64{"plans": 1, "activities": 6, "municipalities": 1} {
		if got := data[field].(map[string]any)["totalCount"]; got != want {
			t.Errorf("%s after a restart = %v, want %v", field, got, want)
		}
	}
}

func TestCommandLine(t *testing.T) {
	run := runCommand
	t.Run("HelpFillsInEveryDefault", func(t *testing.T) {
		out, _, _ := run("help")
		if i := strings.Index(out, "{"); i >= 0 || !strings.Contains(out, "(default 300000, or $SAMVERKAN_MAX_COST") {
			t.Errorf("help has an unfilled default at %d or lacks --max-cost's:\n%s", i, out)
		}
	})
	t.Run("HelpExplainsEveryFlag", func(t *testing.T) {
		out, _, err := run("help")
		if err != nil {
			t.Fatal(err)
		}
		for _, flag := range []string{"--addr", "--db", "--national", "--trusted-proxies", "SAMVERKAN_ADDR", "SAMVERKAN_DB", "SAMVERKAN_TRUSTED_PROXIES"} {
			if !strings.Contains(out, flag) {
				t.Errorf("help does not mention %s", flag)
			}
		}
	})
	t.Run("DashDashHelpIsNotAnError", func(t *testing.T) {
		if _, errOut, err := run("--help"); err != nil || !strings.Contains(errOut, "--db") {
			t.Errorf("--help: err %v, output %q", err, errOut)
		}
	})
	t.Run("VersionNamesTheCommit", func(t *testing.T) {
		out, _, err := run("--version")
		// A test binary records no commit; a go build in a clone does.
		if err != nil || !regexp.MustCompile(`^samverkan \S+, commit (unknown|[0-9a-f]{40})( \(modified\))?, go1\.\S+ \w+/\w+\n$`).MatchString(out) {
			t.Errorf("--version: %v, %q", err, out)
		}
	})
	t.Run("ErrUnknownFlag", func(t *testing.T) {
		_, errOut, err := run("--colour")
		if !errors.Is(err, errUsage) || !strings.Contains(errOut, "Usage") {
			t.Errorf("err = %v, stderr %q; want a usage error", err, errOut)
		}
	})
	t.Run("ErrTrustedProxyNotAnAddress", func(t *testing.T) {
		_, errOut, err := run("--trusted-proxies", "10.0.0.0/8,proxy.example")
		if !errors.Is(err, errUsage) || !strings.Contains(errOut, `"proxy.example" is neither an IP address nor a network`) {
			t.Errorf("err = %v, stderr %q; want a usage error naming the bad entry", err, errOut)
		}
	})
	t.Run("ErrUnknownCommand", func(t *testing.T) {
		if _, _, err := run("frobnicate"); !errors.Is(err, errUsage) {
			t.Errorf("err = %v, want a usage error", err)
		}
	})
	t.Run("SeedIsIdempotent", func(t *testing.T) {
		db := storagetest.Open(t).DSN
		for range 2 {
			if out, errOut, err := run("seed", "--db", db); err != nil || !strings.Contains(out, "Loaded the Örebro plan") {
				t.Fatalf("seed: %v, %q, %q", err, out, errOut)
			}
		}
		s := startServer(t, db)
		data := s.graphql(t, `{ activities { totalCount } municipalities { totalCount } }`)
		if data["activities"].(map[string]any)["totalCount"] != float64(6) || data["municipalities"].(map[string]any)["totalCount"] != float64(12) {
			t.Errorf("after seeding twice: %v", data)
		}
	})
	t.Run("ErrDatabaseCannotBeOpened", func(t *testing.T) {
		_, errOut, err := run("serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "no", "such", "dir", "x.db"))
		if err == nil || !strings.Contains(errOut, "cannot open the database") {
			t.Errorf("err = %v, stderr %q", err, errOut)
		}
	})
}

// syncBuffer is a bytes.Buffer safe for the server's goroutine and the
// test's.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestThePasswordIsNeverShown starts the commands on a PostgreSQL URL with
// a password and finds it in none of their output or logs.
func TestThePasswordIsNeverShown(t *testing.T) {
	run := func(args ...string) string {
		var out, errOut bytes.Buffer
		a := &app{stdout: &out, stderr: &errOut, getenv: adminPasswordEnv}
		_ = a.run(context.Background(), args)
		return out.String() + errOut.String()
	}
	t.Run("ErrCannotConnect", func(t *testing.T) {
		got := run("serve", "--addr", "127.0.0.1:0", "--db", "postgres://samverkan:hunter2@127.0.0.1:1/samverkan?sslpassword=hunter3")
		if !strings.Contains(got, "cannot open the database") || strings.Contains(got, "hunter") {
			t.Errorf("output shows the password, or says nothing of the failure: %s", got)
		}
	})
	t.Run("Serve", func(t *testing.T) {
		dsn := storagetest.OpenPostgres(t).DSN
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		password, ok := u.User.Password()
		if !ok || password == "" {
			t.Skip("SAMVERKAN_TEST_POSTGRES has no password to look for")
		}
		seeded := run("seed", "--db", dsn)

		ctx, cancel := context.WithCancel(context.Background())
		out, errOut := &syncBuffer{}, &syncBuffer{}
		addr := make(chan string, 1)
		done := make(chan error, 1)
		a := &app{stdout: out, stderr: errOut, getenv: adminPasswordEnv, listening: func(a string) { addr <- a }}
		go func() { done <- a.run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn}) }()
		select {
		case <-addr:
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, errOut)
		}
		cancel()
		<-done
		got := seeded + out.String() + errOut.String()
		// As a URL writes it: CI's password is also its role's and its
		// database's name, which may be shown.
		shown := strings.Contains(got, ":"+password+"@") || strings.Contains(got, "password="+password)
		if !strings.Contains(out.String(), "Samverkan is serving postgres://") || shown {
			t.Errorf("output shows the password, or does not say what it serves:\n%s", got)
		}
	})
}

func TestServeCORSOrigins(t *testing.T) {
	t.Run("ErrNotAnOrigin", func(t *testing.T) {
		var errOut bytes.Buffer
		a := &app{stdout: io.Discard, stderr: &errOut, getenv: func(string) string { return "" }}
		err := a.run(context.Background(), []string{"serve", "--cors-origins", "plan.example.se", "--db", filepath.Join(t.TempDir(), "x.db")})
		if !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), "is not an origin") {
			t.Errorf("err = %v, stderr %q; want a usage error", err, errOut.String())
		}
	})
	t.Run("FromTheEnvironment", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		addr := make(chan string, 1)
		done := make(chan error, 1)
		a := &app{stdout: io.Discard, stderr: io.Discard, listening: func(a string) { addr <- a },
			getenv: func(name string) string {
				if name == "SAMVERKAN_CORS_ORIGINS" {
					return "https://plan.example.se"
				}
				return ""
			}}
		db := storagetest.Open(t).DSN
		go func() { done <- a.run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}) }()
		var base string
		select {
		case a := <-addr:
			base = "http://" + a
		case err := <-done:
			t.Fatalf("serve stopped: %v", err)
		}
		req, _ := http.NewRequest(http.MethodOptions, base+"/graphql", nil)
		req.Header.Set("Origin", "https://plan.example.se")
		req.Header.Set("Access-Control-Request-Method", "POST")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != "https://plan.example.se" {
			t.Errorf("preflight: Allow-Origin %q, want the origin from SAMVERKAN_CORS_ORIGINS", got)
		}
		cancel()
		<-done
	})
}

// serve --public-url is the address the open-data catalogue gives its
// files, whatever the request's host; an address that is not one is a
// usage error.
func TestServePublicURL(t *testing.T) {
	t.Run("ErrNotAnAddress", func(t *testing.T) {
		var errOut bytes.Buffer
		a := &app{stdout: io.Discard, stderr: &errOut, getenv: func(string) string { return "" }}
		err := a.run(context.Background(), []string{"serve", "--public-url", "samverkan.example.se", "--db", filepath.Join(t.TempDir(), "x.db")})
		if !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), "--public-url") {
			t.Errorf("err = %v, stderr %q; want a usage error", err, errOut.String())
		}
	})
	t.Run("InTheCatalogue", func(t *testing.T) {
		s := startServer(t, storagetest.Open(t).DSN, "--public-url", "https://samverkan.example.se/")
		s.signIn(t)
		plan := s.graphql(t, `{ plans(first: 1) { edges { node { id } } } }`)["plans"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"]
		s.graphql(t, fmt.Sprintf(`mutation { updatePlan(id: %q, input: {openData: true}) { id } }`, plan))
		res, err := http.Get(s.base + "/open/v1/catalog.rdf")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		want := fmt.Sprintf(`<dcat:accessURL rdf:resource="https://samverkan.example.se/open/v1/plans/%s.json"/>`, plan)
		if !strings.Contains(string(body), want) || strings.Contains(string(body), s.base) {
			t.Errorf("the catalogue does not give the public address %s:\n%s", want, body)
		}
	})
}
