package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent/auditentry"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// samverkan import reads the README's sample file: a dry run writes
// nothing, the import writes it as one change set, and importing again
// changes nothing.
func TestImportCommand(t *testing.T) {
	db := storagetest.Open(t).DSN
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		a := &app{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
		err := a.run(context.Background(), args)
		return out.String() + errOut.String(), err
	}
	if _, err := run("seed", "--db", db); err != nil {
		t.Fatal(err)
	}
	sample := filepath.Join("..", "..", "importer", "testdata", "aktiviteter.csv")
	entries := func() int {
		d, err := storage.Open(db)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		n, err := d.Client().AuditEntry.Query().Where(auditentry.ActorName("samverkan import")).Count(auth.AsServer(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	out, err := run("import", "--db", db, "--dry-run", sample)
	if err != nil || !strings.Contains(out, "Dry run: 2 to create, 1 to change, 0 unchanged, 0 refused; nothing was written.") ||
		!strings.Contains(out, "Ny rubrik: ”Kultur i vård och omsorg” under mål 2") {
		t.Fatalf("import --dry-run: %v\n%s", err, out)
	}
	if n := entries(); n != 0 {
		t.Fatalf("the dry run wrote %d audit entries", n)
	}
	out, err = run("import", sample, "--db", db)
	if err != nil || !strings.Contains(out, "Imported: 2 created, 1 changed, 0 unchanged, 0 refused (left out).") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	n := entries()
	if n < 4 {
		t.Fatalf("the import wrote %d audit entries by samverkan import, want at least 4", n)
	}
	d, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := d.Client().AuditEntry.Query().Where(auditentry.ActorName("samverkan import")).GroupBy(auditentry.FieldRequestID).Strings(auth.AsServer(context.Background()))
	d.Close()
	if err != nil || len(ids) != 1 || !strings.HasPrefix(ids[0], "import-") {
		t.Errorf("the import's entries have request ids %q (%v), want one import-…", ids, err)
	}
	out, err = run("import", "--db", db, sample)
	if err != nil || !strings.Contains(out, "Imported: 0 created, 0 changed, 3 unchanged, 0 refused") || entries() != n {
		t.Errorf("import again: %v\n%s", err, out)
	}

	// A file that is not a table is refused in words, and writes nothing.
	bad := filepath.Join(t.TempDir(), "bad.xlsx")
	if err := os.WriteFile(bad, []byte("PK\x03\x04 not really a workbook"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := run("import", "--db", db, bad); err == nil || !strings.Contains(out, "the .xlsx workbook is damaged and cannot be read") {
		t.Errorf("import of a broken workbook: %v\n%s", err, out)
	}
	if out, err := run("import", "--db", db); err == nil || !strings.Contains(out, "import needs one FILE") {
		t.Errorf("import without a file: %v\n%s", err, out)
	}
}
