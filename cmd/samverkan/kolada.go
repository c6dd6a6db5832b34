package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/audit"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/kolada"
	"github.com/samverkan/samverkan/storage"
)

const koladaUsage = `Usage:
  samverkan kolada fetch [--db DB] [--kolada-url URL] INDICATOR_ID
        fetch the values of the indicator's Kolada key figure (its koladaKpi)
        for the municipalities of its plan's county and the plan's years
  samverkan kolada import [--db DB] INDICATOR_ID FILE
        the same from a file holding Kolada's v3 JSON (what
        https://api.kolada.se/v3/data/kpi/KPI/municipality/CODES/year/YEARS
        answers; pages one after another, or a list of pages); "-" reads stdin

The values are stored as the indicator's whole-year values with source KOLADA:
new ones created, earlier ones from Kolada updated, values entered by hand
(source OWN) never touched; all in one transaction, recorded in the audit
trail. On any failure nothing is changed.

Flags:
  --db DB          as for serve
  --kolada-url URL address of Kolada's API v3 (default https://api.kolada.se/v3,
                   or $SAMVERKAN_KOLADA_URL)
`

func (a *app) kolada(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, koladaUsage)
		return errUsage
	}
	switch args[0] {
	case "fetch", "import":
		return a.koladaImport(ctx, args[0], args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(a.stdout, koladaUsage)
		return errHelp
	}
	fmt.Fprintf(a.stderr, "samverkan: unknown command \"kolada %s\"\n\n%s", args[0], koladaUsage)
	return errUsage
}

func (a *app) koladaImport(ctx context.Context, cmd string, args []string) error {
	fs := a.flags("kolada " + cmd)
	fs.Usage = func() { fmt.Fprint(fs.Output(), koladaUsage) }
	dsn := fs.String("db", a.env("SAMVERKAN_DB", defaultDB), "")
	koladaURL := fs.String("kolada-url", a.env("SAMVERKAN_KOLADA_URL", kolada.DefaultURL), "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errUsage
	}
	want := 1
	if cmd == "import" {
		want = 2
	}
	if fs.NArg() != want {
		fmt.Fprintf(a.stderr, "samverkan: kolada %s needs %s\n\n%s", cmd, map[int]string{1: "INDICATOR_ID", 2: "INDICATOR_ID and FILE"}[want], koladaUsage)
		return errUsage
	}
	id, err := strconv.Atoi(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: %q is not an indicator's ID (IDs are whole numbers)\n", fs.Arg(0))
		return errUsage
	}
	var source kolada.Source
	what := ""
	if cmd == "fetch" {
		c, err := kolada.New(*koladaURL)
		if err != nil {
			fmt.Fprintf(a.stderr, "samverkan: --kolada-url: %v\n", err)
			return errUsage
		}
		source, what = c.FromAPI(), c.URL()
	} else {
		source, what = a.koladaFile(fs.Arg(1)), fs.Arg(1)
	}

	db, err := storage.Open(*dsn)
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: cannot open the database: %v\n", err)
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		fmt.Fprintf(a.stderr, "samverkan: cannot migrate the database: %v\n", err)
		return err
	}
	ctx = audit.As(auth.AsServer(ctx), "samverkan kolada "+cmd)
	res, err := kolada.Import(ctx, db.Client(), id, source)
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: kolada %s: %s\n", cmd, koladaMessage(err))
		return err
	}
	fmt.Fprintf(a.stdout, "%s from %s into indicator %d (%s) of %s: %d created, %d updated, %d unchanged",
		res.KPI, what, id, res.Indicator.Name, storage.Redacted(*dsn), res.Created, res.Updated, res.Unchanged)
	if res.KeptOwn > 0 {
		fmt.Fprintf(a.stdout, ", %d of the plan's own kept", res.KeptOwn)
	}
	if res.Skipped > 0 {
		fmt.Fprintf(a.stdout, ", %d outside the plan skipped", res.Skipped)
	}
	fmt.Fprintln(a.stdout, ".")
	for _, g := range res.Missing {
		years := make([]string, len(g.Years))
		for i, y := range g.Years {
			years[i] = strconv.Itoa(y)
		}
		fmt.Fprintf(a.stdout, "  Kolada has no value for %s (%s) in %s.\n", g.Municipality.Name, g.Municipality.Code, strings.Join(years, ", "))
	}
	return nil
}

// koladaFile reads Kolada's JSON from a file, or stdin for "-".
func (a *app) koladaFile(name string) kolada.Source {
	return func(context.Context, *kolada.Request) ([]kolada.Datum, error) {
		var r io.Reader = a.stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				return nil, fmt.Errorf("cannot read the file: %w", err)
			}
			defer f.Close()
			r = f
		}
		if r == nil {
			return nil, errors.New("no input on stdin")
		}
		data, err := kolada.Decode(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return data, nil
	}
}

// koladaMessage words an import's failure as a client of the API would see
// it: the code and the message of an error of the model, else the error.
func koladaMessage(err error) string {
	var se *samverkan.Error
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("%s (%s)", err, se.Code)
	case ent.IsNotFound(err):
		return "there is no such indicator (NOT_FOUND)"
	}
	return err.Error()
}
