package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// runCommand runs samverkan with args as a user would, returning what it
// printed on stdout and stderr.
func runCommand(args ...string) (string, string, error) {
	var out, errOut bytes.Buffer
	a := &app{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	err := a.run(context.Background(), args)
	return out.String(), errOut.String(), err
}

// post sends a GraphQL request with the server's token and returns the
// response's errors, if any, as text.
func (s *started) post(query string, vars map[string]any) (map[string]any, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var out struct {
		Data   map[string]any
		Errors []any
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return nil, err
	}
	if out.Errors != nil {
		return nil, fmt.Errorf("%v", out.Errors)
	}
	return out.Data, nil
}

// An online backup taken while the server goes on writing holds every
// write acknowledged before it began, whole; restored into a new file it
// passes quick_check; restore refuses to replace the running server's
// database and a file that is not a sound Samverkan database.
func TestBackupWhileWriting(t *testing.T) {
	db := storagetest.OpenSQLite(t).DSN
	s := startServer(t, db, "--mutation-rate", "0")
	s.signIn(t)
	data := s.graphql(t, `{ objectives(first: 1) { edges { node { id } } } municipalities(first: 2) { edges { node { id } } } }`)
	objective := data["objectives"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"]
	var municipalities []any
	for _, e := range data["municipalities"].(map[string]any)["edges"].([]any) {
		municipalities = append(municipalities, e.(map[string]any)["node"].(map[string]any)["id"])
	}

	// Each write is one activity with its two municipalities: rows in
	// three tables plus the search index and the status counts.
	var (
		mu    sync.Mutex
		acked []int
	)
	stop := make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				writerDone <- nil
				return
			default:
			}
			_, err := s.post(`mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }`, map[string]any{"input": map[string]any{
				"title": fmt.Sprintf("Skrivning %d", i), "description": fmt.Sprintf("Beskrivning av skrivning %d", i),
				"objectiveID": objective, "municipalityIDs": municipalities,
			}})
			if err != nil {
				writerDone <- fmt.Errorf("write %d: %w", i, err)
				return
			}
			mu.Lock()
			acked = append(acked, i)
			mu.Unlock()
		}
	}()
	ackedSoFar := func() []int {
		mu.Lock()
		defer mu.Unlock()
		return append([]int(nil), acked...)
	}
	for deadline := time.Now().Add(30 * time.Second); len(ackedSoFar()) < 30; {
		if time.Now().After(deadline) {
			t.Fatal("the writer made fewer than 30 writes in 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}

	before := ackedSoFar()
	file := filepath.Join(t.TempDir(), "backup.db")
	out, errOut, err := runCommand("backup", "--db", db, file)
	if err != nil || !strings.Contains(out, "Backed up") {
		t.Fatalf("backup: %v\n%s%s", err, out, errOut)
	}
	for len(ackedSoFar()) < len(before)+10 { // writes went on after it
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	if err := <-writerDone; err != nil {
		t.Fatal(err)
	}
	if exists(file + "-wal") {
		t.Error("the backup has a -wal file beside it; want one self-contained file")
	}

	t.Run("ErrRestoreOverRunningServer", func(t *testing.T) {
		_, errOut, err := runCommand("restore", "--db", db, file)
		if !errors.Is(err, storage.ErrInUse) || !strings.Contains(errOut, "running samverkan") {
			t.Errorf("restore over the running server's database: %v, %q; want ErrInUse", err, errOut)
		}
	})
	t.Run("ErrRestoreBrokenFile", func(t *testing.T) {
		broken := filepath.Join(t.TempDir(), "broken.db")
		raw, _ := os.ReadFile(file)
		os.WriteFile(broken, raw[:len(raw)/2], 0o600)
		target := filepath.Join(t.TempDir(), "target.db")
		_, errOut, err := runCommand("restore", "--db", target, broken)
		if err == nil || !strings.Contains(errOut, "broken.db") || exists(target) {
			t.Errorf("restore of half a backup: %v, %q; want a refusal and no database", err, errOut)
		}
	})

	restored := filepath.Join(t.TempDir(), "restored.db")
	if out, errOut, err := runCommand("restore", "--db", restored, file); err != nil || !strings.Contains(out, "Restored") {
		t.Fatalf("restore: %v\n%s%s", err, out, errOut)
	}
	if err := storage.QuickCheck(context.Background(), restored); err != nil {
		t.Fatalf("quick_check of the restored database: %v", err)
	}
	r, err := storage.Open(restored)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, i := range before {
		var description string
		var links int
		err := r.QueryRow(`SELECT a.description, (SELECT count(*) FROM activity_municipalities m WHERE m.activity_id = a.id)
			FROM activities a WHERE a.title = ?`, fmt.Sprintf("Skrivning %d", i)).Scan(&description, &links)
		if err != nil {
			t.Errorf("write %d, acknowledged before the backup began, is not in it: %v", i, err)
			continue
		}
		if description != fmt.Sprintf("Beskrivning av skrivning %d", i) || links != 2 {
			t.Errorf("write %d in the backup: description %q, %d municipalities; want it whole", i, description, links)
		}
	}
	// The restored database serves.
	s.shutdown(t)
	again := startServer(t, restored)
	data = again.graphql(t, `{ activities(where: {titleHasPrefix: "Skrivning"}) { totalCount } }`)
	if got := data["activities"].(map[string]any)["totalCount"].(float64); int(got) < len(before) {
		t.Errorf("the restored server has %v of the writes, want at least %d", got, len(before))
	}
}

// The scheduled backups of serve land in --backup-dir, and only the newest
// --backup-keep of them stay; other files there are left alone.
func TestScheduledBackups(t *testing.T) {
	db := storagetest.OpenSQLite(t).DSN
	dir := filepath.Join(t.TempDir(), "backups")
	s := startServer(t, db, "--backup-dir", dir, "--backup-every", "1s", "--backup-keep", "2")
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for deadline := time.Now().Add(60 * time.Second); len(seen) < 4; {
		if time.Now().After(deadline) {
			t.Fatalf("saw %d scheduled backups in 60 s, want 4", len(seen))
		}
		time.Sleep(200 * time.Millisecond)
		backups, _ := filepath.Glob(filepath.Join(dir, "samverkan-*.db"))
		// A new backup is in place a moment before the oldest goes.
		if len(backups) > 3 {
			t.Fatalf("%d backups in the directory, want at most 2 (3 for a moment): %v", len(backups), backups)
		}
		for _, b := range backups {
			seen[b] = true
		}
	}
	s.shutdown(t) // lets the backup under way, and its pruning, finish
	backups, _ := filepath.Glob(filepath.Join(dir, "samverkan-*.db"))
	if len(backups) != 2 {
		t.Errorf("%d backups after the server stopped, want --backup-keep's 2: %v", len(backups), backups)
	}
	for _, b := range backups {
		if err := storage.QuickCheck(context.Background(), b); err != nil {
			t.Errorf("%s: %v", b, err)
		}
	}
	if !exists(filepath.Join(dir, "notes.txt")) {
		t.Error("retention removed a file that is not a scheduled backup")
	}
}

func TestBackupCommandLine(t *testing.T) {
	t.Run("ErrPostgres", func(t *testing.T) {
		_, errOut, err := runCommand("backup", "--db", "postgres://u:p@localhost/x", "x.db")
		if !errors.Is(err, errUsage) || !strings.Contains(errOut, "pg_dump") {
			t.Errorf("backup of PostgreSQL: %v, %q; want a usage error naming pg_dump", err, errOut)
		}
	})
	t.Run("ErrNoDatabase", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "missing.db")
		_, errOut, err := runCommand("backup", "--db", missing, filepath.Join(t.TempDir(), "b.db"))
		if !errors.Is(err, errUsage) || !strings.Contains(errOut, "no database") || exists(missing) {
			t.Errorf("backup of a missing database: %v, %q; want a usage error and no new file", err, errOut)
		}
	})
	t.Run("ErrFileIsTheDatabase", func(t *testing.T) {
		db := storagetest.OpenSQLite(t).DSN
		_, errOut, err := runCommand("backup", "--db", db, db)
		if !errors.Is(err, errUsage) || !strings.Contains(errOut, "the database itself") {
			t.Errorf("backup onto the database: %v, %q; want a usage error", err, errOut)
		}
		if err := storage.QuickCheck(context.Background(), db); err != nil {
			t.Error(err)
		}
	})
	t.Run("ErrNoFile", func(t *testing.T) {
		if _, _, err := runCommand("backup"); !errors.Is(err, errUsage) {
			t.Errorf("backup without FILE: %v, want a usage error", err)
		}
	})
}

// restore refuses a database any samverkan holds open, restores over it
// with --force, and keeps the database it replaced beside it.
func TestRestoreForceKeepsTheOldDatabase(t *testing.T) {
	backup := filepath.Join(t.TempDir(), "backup.db")
	source := storagetest.OpenSQLite(t)
	if _, errOut, err := runCommand("seed", "--db", source.DSN); err != nil {
		t.Fatal(errOut)
	}
	if _, errOut, err := runCommand("backup", "--db", source.DSN, backup); err != nil {
		t.Fatal(errOut)
	}
	target := storagetest.OpenSQLite(t) // empty, and held open
	if _, err := target.Exec("CREATE TABLE mine (x)"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCommand("restore", "--db", target.DSN, backup); !errors.Is(err, storage.ErrInUse) {
		t.Fatalf("restore over a database held open: %v, want ErrInUse", err)
	}
	if out, errOut, err := runCommand("restore", "--force", "--db", target.DSN, backup); err != nil || !strings.Contains(out, "Restored") {
		t.Fatalf("restore --force: %v, %q %q", err, out, errOut)
	}
	target.Close() // idle, it wrote nothing after the restore began
	if err := storage.QuickCheck(context.Background(), target.DSN); err != nil {
		t.Errorf("the restored database: %v", err)
	}
	kept, err := storage.Open(target.DSN + ".before-restore")
	if err != nil {
		t.Fatal(err)
	}
	defer kept.Close()
	if _, err := kept.Exec("SELECT x FROM mine"); err != nil {
		t.Errorf("the replaced database was not kept as .before-restore: %v", err)
	}
}
