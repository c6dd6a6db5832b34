package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/server/servertest"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// The tests here break the disk under a real SQLite file, as a bad day
// does: a disk that fills up, a file that becomes read-only. As root
// (CI runs as root) the disk is a small tmpfs of its own and the file is
// made immutable (chattr +i), since root writes whatever a file's mode
// says; otherwise the file's mode is taken away. Where neither can be done
// the tests skip, except in CI.

// newTestServerOn is newTestServer over the database given, whose log
// (the server's and the database's) goes to logTo.
func newTestServerOn(t *testing.T, db *storage.DB, logTo io.Writer) *testServer {
	t.Helper()
	log := slog.New(slog.NewTextHandler(logTo, nil))
	db.SetLogger(log)
	client := db.Client()
	if err := seed.LoadOrebro(context.Background(), client); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(servertest.Handler(client, db, log))
	t.Cleanup(srv.Close)
	return &testServer{t: t, URL: srv.URL, db: db, client: client, token: accountstest.Admin(t, client)}
}

// in returns the server as used from the (sub)test t.
func (s *testServer) in(t *testing.T) *testServer {
	c := *s
	c.t = t
	return &c
}

// openSQLiteAt opens and migrates a SQLite database at path, closed when
// the test ends.
func openSQLiteAt(t *testing.T, path string) *storage.DB {
	t.Helper()
	db, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// cannot skips the test, saying why, or fails it in CI.
func cannot(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why + "; CI runs as root and must run this test")
	}
	t.Skip(why + " (run the tests as root to run this one)")
}

// smallDisk mounts a tmpfs of the size given (e.g. "8m") and returns its
// directory; it is unmounted when the test ends.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		cannot(t, "mounting a small disk to fill needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "samverkan-test", dir).CombinedOutput(); err != nil {
		cannot(t, fmt.Sprintf("mount a tmpfs: %v: %s", err, out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file into dir until the disk is full, and returns it.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill the disk: %v", err)
			}
			return path
		}
	}
}

// makeReadOnly makes the file read-only for the server, and returns what
// makes it writable again.
func makeReadOnly(t *testing.T, path string) (undo func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		undo = func() { _ = os.Chmod(path, 0o644) }
		t.Cleanup(undo)
		return undo
	}
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		cannot(t, fmt.Sprintf("chattr +i (root writes a file whatever its mode): %v: %s", err, out))
	}
	undo = func() { _ = exec.Command("chattr", "-i", path).Run() }
	t.Cleanup(undo) // t.TempDir cannot remove an immutable file
	return undo
}

// health returns /healthz's status and reason.
func (s *testServer) health() (int, string) {
	s.t.Helper()
	res, err := http.Get(s.URL + "/healthz")
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct{ Status, Error string }
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		s.t.Fatal(err)
	}
	return res.StatusCode, body.Error
}

// wantUnavailable sends a change that must be refused with UNAVAILABLE
// and 503, with a Retry-After header, for the reason given.
func (s *testServer) wantUnavailable(query string, vars map[string]any, reason string) {
	s.t.Helper()
	r := s.post(query, vars)
	retryAfter := r.Header.Get("Retry-After")
	if r.Status != http.StatusServiceUnavailable || len(r.Errors) != 1 || r.Errors[0].Extensions.Code != "UNAVAILABLE" {
		s.t.Fatalf("answer = %d %+v; want 503 UNAVAILABLE", r.Status, r.Errors)
	}
	if !strings.Contains(r.Errors[0].Message, reason) {
		s.t.Errorf("message = %q; want it to say %q", r.Errors[0].Message, reason)
	}
	if retryAfter != "5" {
		s.t.Errorf("Retry-After = %q; want 5", retryAfter)
	}
}

const createMunicipality = `mutation($code: String!) { createMunicipality(input: {code: $code, name: "Prov"}) { id } }`

// codesIn returns the municipality codes in the file, read by a connection
// of its own.
func codesIn(t *testing.T, path string) map[string]bool {
	t.Helper()
	db, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT code FROM municipalities`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	codes := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		codes[c] = true
	}
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v; want ok", check, err)
	}
	return codes
}

// A full disk: writes are refused with UNAVAILABLE and 503, /healthz says
// so, the fault is logged once; once there is room again, the health
// check and the next write succeed, and what was acknowledged is there and
// nothing else.
func TestFullDisk(t *testing.T) {
	dir := smallDisk(t, "8m")
	path := filepath.Join(dir, "samverkan.db")
	var log syncBuffer
	s := newTestServerOn(t, openSQLiteAt(t, path), &log)
	s.must(createMunicipality, map[string]any{"code": "9001"}, nil)

	filler := fill(t, dir)
	// The first writes may still find room in pages SQLite holds already;
	// a few dozen fill them.
	acknowledged, refused := []string{"9001"}, []string{"9990", "9991", "9992"}
	for i := 0; ; i++ {
		if i == 200 {
			t.Fatal("200 writes succeeded on a full disk")
		}
		code := fmt.Sprintf("%04d", 9100+i)
		r := s.post(createMunicipality, map[string]any{"code": code})
		if len(r.Errors) == 0 {
			acknowledged = append(acknowledged, code)
			continue
		}
		if r.Status != http.StatusServiceUnavailable || r.Errors[0].Extensions.Code != "UNAVAILABLE" {
			t.Fatalf("a write on a full disk: %d %+v; want 503 UNAVAILABLE", r.Status, r.Errors)
		}
		refused = append(refused, code)
		break
	}
	t.Run("ErrUnavailable", func(t *testing.T) {
		s := s.in(t)
		for _, code := range refused[:3] {
			s.wantUnavailable(createMunicipality, map[string]any{"code": code}, "the disk is full")
		}
	})
	t.Run("ReadsGoOn", func(t *testing.T) {
		s := s.in(t)
		if n := s.count("municipalities"); n < 13 {
			t.Errorf("%d municipalities read; want the plan's and more", n)
		}
	})
	t.Run("HealthSaysSo", func(t *testing.T) {
		s := s.in(t)
		if status, reason := s.health(); status != http.StatusServiceUnavailable || reason != "the disk is full" {
			t.Errorf("/healthz = %d %q; want 503 \"the disk is full\"", status, reason)
		}
	})
	t.Run("LoggedOnce", func(t *testing.T) {
		if n := strings.Count(log.String(), "storage fault"); n != 1 {
			t.Errorf("the fault was logged %d times; want once:\n%s", n, log.String())
		}
	})

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	t.Run("HealthRecovers", func(t *testing.T) {
		s := s.in(t)
		if status, reason := s.health(); status != http.StatusOK {
			t.Errorf("/healthz after freeing the disk = %d %q; want 200", status, reason)
		}
		if !strings.Contains(log.String(), "storage recovered") {
			t.Errorf("the recovery was not logged:\n%s", log.String())
		}
	})
	t.Run("NextWriteSucceeds", func(t *testing.T) {
		s := s.in(t)
		s.must(createMunicipality, map[string]any{"code": "9999"}, nil)
		acknowledged = append(acknowledged, "9999")
	})
	t.Run("NothingHalfWritten", func(t *testing.T) {
		codes := codesIn(t, path)
		for _, c := range acknowledged {
			if !codes[c] {
				t.Errorf("acknowledged municipality %s is missing", c)
			}
		}
		for _, c := range refused {
			if codes[c] {
				t.Errorf("municipality %s was refused but is there", c)
			}
		}
	})
}

// A file that becomes read-only: the connections the pool opens meanwhile
// are read-only too. Writes are refused with UNAVAILABLE and 503, reads go
// on, and once the file is writable again the very next write succeeds
// (the read-only connections are not used again).
func TestReadOnlyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "samverkan.db")
	var log syncBuffer
	db := openSQLiteAt(t, path)
	s := newTestServerOn(t, db, &log)
	s.must(createMunicipality, map[string]any{"code": "9001"}, nil)

	writable := makeReadOnly(t, path)
	// The pool lets idle connections go after a minute and opens new ones
	// as requests come; here, at once.
	db.SetMaxIdleConns(0)
	db.SetMaxIdleConns(64)
	var wg sync.WaitGroup
	for range 8 { // readers open connections while the file is read-only
		wg.Add(1)
		go func() { defer wg.Done(); s.count("activities") }()
	}
	wg.Wait()

	t.Run("ErrUnavailable", func(t *testing.T) {
		s := s.in(t)
		for _, code := range []string{"9990", "9991", "9992"} {
			s.wantUnavailable(createMunicipality, map[string]any{"code": code}, "the database is read-only")
		}
	})
	t.Run("ReadsGoOn", func(t *testing.T) {
		s := s.in(t)
		s.count("municipalities")
	})
	t.Run("HealthSaysSo", func(t *testing.T) {
		s := s.in(t)
		if status, reason := s.health(); status != http.StatusServiceUnavailable || reason != "the database is read-only" {
			t.Errorf("/healthz = %d %q; want 503 \"the database is read-only\"", status, reason)
		}
	})

	writable()
	t.Run("NextWritesSucceed", func(t *testing.T) {
		s := s.in(t)
		for i := range 20 {
			s.must(createMunicipality, map[string]any{"code": fmt.Sprintf("%04d", 9100+i)}, nil)
		}
		if status, reason := s.health(); status != http.StatusOK {
			t.Errorf("/healthz = %d %q; want 200", status, reason)
		}
	})
	t.Run("LoggedOnceAndRecovered", func(t *testing.T) {
		out := log.String()
		if strings.Count(out, "storage fault") != 1 || strings.Count(out, "storage recovered") != 1 {
			t.Errorf("want one fault and one recovery in the log:\n%s", out)
		}
	})
	t.Run("NothingOfTheRefusedWrites", func(t *testing.T) {
		codes := codesIn(t, path)
		if codes["9990"] || codes["9991"] || codes["9992"] || !codes["9001"] || !codes["9119"] {
			t.Errorf("codes 9001 %v, 9119 %v, refused 999x %v %v %v; want the first two only",
				codes["9001"], codes["9119"], codes["9990"], codes["9991"], codes["9992"])
		}
	})
}

// On PostgreSQL, a session that has become read-only (as after a
// fail-over to a standby) refuses writes with UNAVAILABLE and 503; its
// connection is not used again, so the next write, on a new session,
// succeeds.
func TestReadOnlySessionOnPostgres(t *testing.T) {
	db := storagetest.OpenPostgres(t)
	var log syncBuffer
	s := newTestServerOn(t, db, &log)
	// One connection, so that the server's next request gets this one.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`SET SESSION default_transaction_read_only = on`); err != nil {
		t.Fatal(err)
	}
	s.wantUnavailable(createMunicipality, map[string]any{"code": "9990"}, "the database is read-only")
	s.must(createMunicipality, map[string]any{"code": "9001"}, nil)
	if status, reason := s.health(); status != http.StatusOK {
		t.Errorf("/healthz = %d %q; want 200", status, reason)
	}
	if out := log.String(); strings.Count(out, "storage fault") != 1 || strings.Count(out, "storage recovered") != 1 {
		t.Errorf("want one fault and one recovery in the log:\n%s", out)
	}
}

// On PostgreSQL, a connection the database ends (an administrator's
// command, a restart) fails the request that was using it with
// UNAVAILABLE and 503, not INTERNAL (here it fails reading the session
// token); the next request, on a new connection, succeeds, and /healthz
// is 200 again.
func TestLostConnectionOnPostgres(t *testing.T) {
	db := storagetest.OpenPostgres(t)
	var log syncBuffer
	s := newTestServerOn(t, db, &log)
	db.SetMaxOpenConns(1) // so that the server's next request gets this one
	var pid int
	if err := db.QueryRow(`SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	admin, err := storage.Open(storagetest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	for start, gone := time.Now(), false; !gone; time.Sleep(10 * time.Millisecond) {
		if err := admin.QueryRow(`SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $1`, pid).Scan(&gone); err != nil {
			t.Fatal(err)
		}
		if time.Since(start) > 30*time.Second {
			t.Fatal("the terminated backend is still there after 30 s")
		}
	}

	r := s.post(createMunicipality, map[string]any{"code": "9990"})
	if r.Status != http.StatusServiceUnavailable || len(r.Errors) != 1 || r.Errors[0].Extensions.Code != "UNAVAILABLE" {
		t.Fatalf("the request on the ended connection: %d %+v; want 503 UNAVAILABLE\n%s", r.Status, r.Errors, log.String())
	}
	s.must(createMunicipality, map[string]any{"code": "9001"}, nil)
	if status, reason := s.health(); status != http.StatusOK {
		t.Errorf("/healthz = %d %q; want 200", status, reason)
	}
}
