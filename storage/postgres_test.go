package storage_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// On the machine's own loopback the server speaks to PostgreSQL without TLS
// first, unless told otherwise; anywhere else pgx's default (TLS first)
// stays. No connection is made here: pgx's reading of the URL says what
// the connection would try, in order.
func TestPostgresTLSOnLoopback(t *testing.T) {
	clearTLSEnvironment(t)
	cases := []struct {
		dsn string
		env string // PGSSLMODE
		// tried says, attempt by attempt, whether it uses TLS.
		tried []bool
	}{
		{"postgres://u:p@localhost/x", "", []bool{false, true}},
		{"postgres://u:p@127.0.0.1:5433/x", "", []bool{false, true}},
		{"postgres://u:p@[::1]/x", "", []bool{false, true}},
		{"postgres://u:p@/x?host=/var/run/postgresql", "", []bool{false}},
		// What the URL or the environment chooses is what happens.
		{"postgres://u:p@localhost/x?sslmode=prefer", "", []bool{true, false}},
		{"postgres://u:p@localhost/x?sslmode=require", "", []bool{true}},
		{"postgres://u:p@localhost/x?sslmode=disable", "", []bool{false}},
		{"postgres://u:p@localhost/x", "require", []bool{true}},
		// Another machine, even one among loopback hosts, keeps TLS first.
		{"postgres://u:p@db.example.org/x", "", []bool{true, false}},
		{"postgres://u:p@localhost,db.example.org/x", "", []bool{true, false, true, false}},
	}
	for _, c := range cases {
		t.Setenv("PGSSLMODE", c.env)
		cfg, err := storage.PostgresConfig(c.dsn)
		if err != nil {
			t.Fatalf("%s: %v", c.dsn, err)
		}
		tried := []bool{cfg.TLSConfig != nil}
		for _, f := range cfg.Fallbacks {
			tried = append(tried, f.TLSConfig != nil)
		}
		if !slices.Equal(tried, c.tried) {
			t.Errorf("%s (PGSSLMODE=%q): attempts with TLS %v, want %v", c.dsn, c.env, tried, c.tried)
		}
	}
}

// clearTLSEnvironment empties, for the test, the environment's say on TLS.
func clearTLSEnvironment(t *testing.T) {
	for _, env := range []string{"PGSSLMODE", "PGSSLCERT", "PGSSLKEY", "PGSSLROOTCERT", "PGSSLNEGOTIATION"} {
		t.Setenv(env, "")
	}
}

// A real connection on loopback is plain unless the URL asks for TLS, and
// TLS is still there when it does.
func TestPostgresConnectsToLoopbackWithoutTLS(t *testing.T) {
	dsn := storagetest.PostgresDSN(t)
	clearTLSEnvironment(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	for key := range q {
		if strings.HasPrefix(strings.ToLower(key), "ssl") {
			q.Del(key)
		}
	}
	u.RawQuery = q.Encode()
	cfg, err := storage.PostgresConfig(u.String())
	if err != nil {
		t.Fatal(err)
	}
	if h := cfg.Host; h != "localhost" && h != "127.0.0.1" && h != "::1" && !strings.HasPrefix(h, "/") {
		t.Fatalf("SAMVERKAN_TEST_POSTGRES names %s, not this machine: this test needs a database on loopback", h)
	}
	usesTLS := func(dsn string) (bool, string) {
		t.Helper()
		db, err := storage.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var tls bool
		var serverSSL string
		if err := db.QueryRow(`SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false), current_setting('ssl')`).Scan(&tls, &serverSSL); err != nil {
			t.Fatal(err)
		}
		return tls, serverSSL
	}
	tls, serverSSL := usesTLS(u.String())
	if tls {
		t.Errorf("a connection to %s without an sslmode uses TLS", cfg.Host)
	}
	if serverSSL != "on" || strings.HasPrefix(cfg.Host, "/") {
		t.Logf("the database offers no TLS here (ssl=%s, host %s): only the plain half is checked", serverSSL, cfg.Host)
		return
	}
	q.Set("sslmode", "require")
	u.RawQuery = q.Encode()
	if tls, _ := usesTLS(u.String()); !tls {
		t.Error("sslmode=require gave a connection without TLS")
	}
}
