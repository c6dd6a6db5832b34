package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/audit"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/importer"
)

const importUsage = `Usage:
  samverkan import [--db DB] [--plan ID] [--dry-run] FILE

Imports activities (with their goal, heading, municipalities and institutions)
or follow-ups from FILE, a CSV file (as Excel saves it, semicolons or commas)
or an .xlsx workbook; the README's "Import" names the columns. Each row passes
the schema's rules; a row they refuse is left out and listed with the reason.
The rest is written in one transaction, recorded in the audit trail as one
change set by "samverkan import". --dry-run writes nothing and says what the
import would do. Importing the same file again changes nothing.

Flags:
  --db DB     as for serve (default samverkan.db, or $SAMVERKAN_DB)
  --plan ID   the plan of rows without a Handlingsplan column (default: the
              newest plan)
  --dry-run   say what the import would do, writing nothing
`

func (a *app) importFile(ctx context.Context, args []string) error {
	fs := a.flags("import")
	fs.Usage = func() { fmt.Fprint(fs.Output(), importUsage) }
	dsn := fs.String("db", a.env("SAMVERKAN_DB", defaultDB), "")
	planID := fs.Int("plan", 0, "")
	dryRun := fs.Bool("dry-run", false, "")
	files, err := a.interspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fmt.Fprint(a.stderr, "samverkan: import needs one FILE to read\n\n"+importUsage)
		return errUsage
	}
	data, err := readBounded(files[0])
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: %v\n", err)
		return err
	}
	db, err := a.openUsers(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()

	// One request id for the audit trail's change set, as a request
	// through the API has.
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	ctx = samverkan.WithRequest(ctx, &samverkan.Request{ID: "import-" + hex.EncodeToString(id)})
	ctx = audit.As(auth.AsServer(ctx), "samverkan import")

	start := time.Now()
	tx, err := db.Client().Tx(ctx)
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: cannot begin the import: %v\n", err)
		return err
	}
	res, err := importer.Run(ctx, tx.Client(), data, importer.Options{PlanID: *planID, DryRun: *dryRun})
	if err != nil {
		_ = tx.Rollback()
		var se *samverkan.Error
		if errors.As(err, &se) {
			fmt.Fprintf(a.stderr, "samverkan: %s: %s\n", files[0], se.Message)
		} else {
			fmt.Fprintf(a.stderr, "samverkan: the import failed, and nothing was written: %v\n", err)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		fmt.Fprintf(a.stderr, "samverkan: cannot commit the import, and nothing was written: %v\n", err)
		return err
	}
	writeResult(a.stdout, res)
	fmt.Fprintf(a.stdout, "(%s)\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// readBounded reads a file of at most importer.MaxFileSize bytes.
func readBounded(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, importer.MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > importer.MaxFileSize {
		return nil, fmt.Errorf("%s is larger than the %d bytes an import reads: split it", name, importer.MaxFileSize)
	}
	return data, nil
}

// writeResult lists what was done with each row that was not unchanged,
// and the counts.
func writeResult(w io.Writer, res *importer.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "row\taction\tactivity\twhat")
	for _, r := range res.Rows {
		if r.Action == importer.Unchanged {
			continue
		}
		line := fmt.Sprint(r.Line)
		if r.Sheet != "" {
			line = r.Sheet + ":" + line
		}
		what := strings.Join(r.Changes, "; ")
		if r.Action == importer.Refused {
			what = r.Reason
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", line, strings.ToLower(string(r.Action)), clipTitle(r.Title), what)
	}
	tw.Flush()
	if len(res.IgnoredColumns) > 0 {
		fmt.Fprintf(w, "Columns not read: %s.\n", strings.Join(res.IgnoredColumns, ", "))
	}
	if res.DryRun {
		fmt.Fprintf(w, "Dry run: %d to create, %d to change, %d unchanged, %d refused; nothing was written.\n",
			res.Created, res.Updated, res.Unchanged, res.Refused)
		return
	}
	fmt.Fprintf(w, "Imported: %d created, %d changed, %d unchanged, %d refused (left out).\n",
		res.Created, res.Updated, res.Unchanged, res.Refused)
}

func clipTitle(s string) string {
	if r := []rune(s); len(r) > 50 {
		return string(r[:49]) + "…"
	}
	return s
}
