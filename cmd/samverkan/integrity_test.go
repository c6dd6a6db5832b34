package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serve refuses a damaged SQLite file: it stops with an error that names
// the file and says to restore it from a backup, and leaves the file as it
// was.
func TestServeRefusesADamagedFile(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func(t *testing.T, f *os.File)
	}{
		{"ErrPagesOverwritten", func(t *testing.T, f *os.File) {
			// Pages 3 to 10 of 4 KiB: tables and indexes of the schema.
			junk := bytes.Repeat([]byte("samverkan!"), 4096*8/10)
			if _, err := f.WriteAt(junk, 2*4096); err != nil {
				t.Fatal(err)
			}
		}},
		{"ErrHeaderOverwritten", func(t *testing.T, f *os.File) {
			if _, err := f.WriteAt(bytes.Repeat([]byte{0xAB}, 100), 0); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "plan.db")
			var out, errOut bytes.Buffer
			a := &app{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
			if err := a.run(context.Background(), []string{"seed", "--db", path}); err != nil {
				t.Fatalf("seed: %v %s", err, errOut.String())
			}
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			c.damage(t, f)
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}

			errOut.Reset()
			err = a.run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", path})
			if err == nil {
				t.Fatal("serve started on a damaged file")
			}
			msg := errOut.String()
			for _, want := range []string{path, "is damaged", "backup"} {
				if !strings.Contains(msg, want) {
					t.Errorf("the error does not say %q:\n%s", want, msg)
				}
			}
			if after, err := os.ReadFile(path); err != nil || !bytes.Equal(before, after) {
				t.Errorf("serve changed the damaged file (%v)", err)
			}
		})
	}
}
