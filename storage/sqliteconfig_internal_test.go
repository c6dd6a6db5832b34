//go:build cgo

package storage

import (
	"context"
	"path/filepath"
	"testing"
)

// SQLite runs without counting its memory (sqliteconfig.go): the
// configuration was taken before SQLite initialized, and a connection
// that writes and reads leaves the count at nothing.
func TestSQLiteCountsNoMemory(t *testing.T) {
	if err := sqliteConfigured(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(filepath.Join(t.TempDir(), "counts.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM activities").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if used := sqliteMemoryUsed(); used != 0 {
		t.Errorf("SQLite counted %d bytes in use: its memory statistics are on, and every allocation takes a process-wide mutex", used)
	}
}
