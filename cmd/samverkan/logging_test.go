package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samverkan/samverkan/storage/storagetest"
)

// --log-format json writes one JSON object a line, --log-level leaves out
// what is less severe, and the environment sets both.
func TestLogFormatAndLevel(t *testing.T) {
	t.Run("JSONLines", func(t *testing.T) {
		logs := &syncBuffer{}
		s := startServerLogging(t, storagetest.Open(t).DSN, logs, "--log-format", "json")
		s.graphql(t, `{ plans { totalCount } }`)
		s.shutdown(t)
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		sawRequest := false
		for _, line := range lines {
			var entry map[string]any
			if err := json.Unmarshal([]byte(line), &entry); err != nil {
				t.Fatalf("log line %q is not JSON: %v", line, err)
			}
			if entry["level"] == nil || entry["msg"] == nil {
				t.Errorf("log line %q has no level or msg", line)
			}
			if entry["request_id"] != nil && entry["status"] == float64(200) {
				sawRequest = true
			}
		}
		if !sawRequest {
			t.Errorf("no request logged as JSON in:\n%s", logs)
		}
	})
	t.Run("LevelFromTheEnvironment", func(t *testing.T) {
		var errOut bytes.Buffer
		a := &app{stdout: &bytes.Buffer{}, stderr: &errOut, getenv: func(name string) string {
			return map[string]string{"SAMVERKAN_LOG_LEVEL": "error", "SAMVERKAN_LOG_FORMAT": "JSON"}[name]
		}}
		taken := listenSomewhere(t)
		db := filepath.Join(t.TempDir(), "x.db")
		a.run(context.Background(), []string{"serve", "--addr", taken, "--db", db})
		if !strings.HasPrefix(errOut.String(), `{"time"`) || !strings.Contains(errOut.String(), `"level":"ERROR"`) {
			t.Errorf("with SAMVERKAN_LOG_LEVEL=error and SAMVERKAN_LOG_FORMAT=JSON: %q", errOut.String())
		}
	})
	t.Run("ErrBadFormat", func(t *testing.T) {
		_, errOut, err := runCommand("serve", "--log-format", "xml")
		if !errors.Is(err, errUsage) || !strings.Contains(errOut, `want "text" or "json"`) {
			t.Errorf("--log-format xml: %v, %q", err, errOut)
		}
	})
	t.Run("ErrBadLevel", func(t *testing.T) {
		if _, _, err := runCommand("serve", "--log-level", "loud"); !errors.Is(err, errUsage) {
			t.Errorf("--log-level loud: %v, want a usage error", err)
		}
	})
}

// listenSomewhere takes a port for the test and returns its address.
func listenSomewhere(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

// A start that cannot listen says so before it creates a database, and a
// database path in a directory that does not exist is an error that says
// so, not a new empty database somewhere.
func TestStartMistakesCreateNothing(t *testing.T) {
	t.Run("ErrCannotListen", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "new.db")
		_, errOut, err := runCommand("serve", "--addr", listenSomewhere(t), "--db", db)
		if err == nil || !strings.Contains(errOut, "cannot listen") {
			t.Errorf("serve on a taken port: %v, %q; want a failure saying it cannot listen", err, errOut)
		}
		if _, err := os.Stat(db); !os.IsNotExist(err) {
			t.Errorf("serve on a taken port created %s", db)
		}
	})
	for _, cmd := range [][]string{{"serve", "--addr", "127.0.0.1:0"}, {"seed"}, {"user", "list"}} {
		t.Run("ErrNoSuchDirectory/"+cmd[0], func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "typo")
			_, errOut, err := runCommand(append(cmd, "--db", filepath.Join(dir, "samverkan.db"))...)
			if err == nil || !strings.Contains(errOut, "does not exist") {
				t.Errorf("%v with --db in a missing directory: %v, %q", cmd, err, errOut)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("%v created %s", cmd, dir)
			}
		})
	}
}
