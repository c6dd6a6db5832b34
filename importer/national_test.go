package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/audit"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/importer"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// export writes every activity as the admin page's download does
// (web/admin/js/types.js, Activity.csv): BOM, semicolons, CRLF, the plan
// last. status, when not nil, replaces each row's status.
func export(ctx context.Context, t testing.TB, c *ent.Client, status func(i int) string) []byte {
	t.Helper()
	acts, err := c.Activity.Query().
		WithObjective(func(q *ent.ObjectiveQuery) {
			q.WithGoal(func(q *ent.GoalQuery) { q.WithPlan() })
		}).
		WithMunicipalities(func(q *ent.MunicipalityQuery) { q.Order(municipality.ByName()) }).
		WithInstitutions().
		Order(activity.ByID()).
		All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"PLANNED": "Planerad", "ONGOING": "Pågående", "DONE": "Genomförd", "CANCELLED": "Inställd"}
	var b bytes.Buffer
	b.WriteString("\uFEFFTitel;Status;Mål;Rubrik;Prioriterad från år;Prioriterad till år;Kommuner;Aktörer;Ansvarig;Startdatum;Slutdatum;Avstämningsdatum;Handlingsplan\r\n")
	cell := func(s string) string {
		if strings.ContainsAny(s, "\";\r\n") {
			return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}
		return s
	}
	year := func(y *int) string {
		if y == nil {
			return ""
		}
		return fmt.Sprint(*y)
	}
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	for i, a := range acts {
		g := a.Edges.Objective.Edges.Goal
		name := ""
		if g.Title != nil {
			name = *g.Title
		}
		var munis, insts []string
		for _, m := range a.Edges.Municipalities {
			munis = append(munis, m.Name)
		}
		for _, in := range a.Edges.Institutions {
			insts = append(insts, in.Name)
		}
		st := labels[string(a.Status)]
		if status != nil {
			st = status(i)
		}
		row := []string{a.Title, st, fmt.Sprintf("Mål %d – %s", g.Number, name), a.Edges.Objective.Title,
			year(a.FirstYear), year(a.LastYear), strings.Join(munis, ", "), strings.Join(insts, ", "), a.Lead, day(a.StartDate), day(a.EndDate), day(a.NextReview), g.Edges.Plan.Name}
		for j, c := range row {
			row[j] = cell(c)
		}
		b.WriteString(strings.Join(row, ";") + "\r\n")
	}
	return b.Bytes()
}

// run imports data in one transaction, as samverkan import does.
func run(ctx context.Context, t testing.TB, c *ent.Client, data []byte, dryRun bool) *importer.Result {
	t.Helper()
	ctx = samverkan.WithRequest(ctx, &samverkan.Request{ID: "import-test"})
	ctx = audit.As(auth.AsServer(ctx), "importer test")
	tx, err := c.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := importer.Run(ctx, tx.Client(), data, importer.Options{DryRun: dryRun})
	if err != nil {
		_ = tx.Rollback()
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return res
}

// BenchmarkImportNational round-trips the national dataset (31 plans,
// 21,547 activities), as the README's figures were measured:
//
//	go test -run '^$' -bench ImportNational -benchtime 1x ./importer/
//
// Its export imports back unchanged (but for the rows whose title repeats
// under one heading, which a file cannot tell apart: refused, saying so);
// with every status changed, a dry run and the import say the same; the
// same file again changes nothing. It logs the times.
func BenchmarkImportNational(b *testing.B) {
	for range b.N {
		importNational(b)
	}
}

func importNational(t testing.TB) {
	ctx := context.Background()
	db := storagetest.Open(t)
	c := db.Client()
	if err := seed.National(ctx, c); err != nil {
		t.Fatal(err)
	}
	total, err := c.Activity.Query().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Titles that repeat under one heading cannot be told apart by a
	// file: those rows are refused, saying so.
	dupes := 0
	var keys []struct {
		ObjectiveID int    `json:"objective_id"`
		Title       string `json:"title"`
		Count       int    `json:"count"`
	}
	if err := c.Activity.Query().GroupBy(activity.FieldObjectiveID, activity.FieldTitle).Aggregate(ent.Count()).Scan(ctx, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k.Count > 1 {
			dupes += k.Count
		}
	}

	timed := func(what string, f func() *importer.Result) *importer.Result {
		start := time.Now()
		res := f()
		t.Logf("%s: %s (created %d, updated %d, unchanged %d, refused %d)", what, time.Since(start).Round(time.Millisecond),
			res.Created, res.Updated, res.Unchanged, res.Refused)
		return res
	}
	start := time.Now()
	file := export(ctx, t, c, nil)
	t.Logf("export of %d activities: %d bytes in %s", total, len(file), time.Since(start).Round(time.Millisecond))
	same := timed("the export, imported back", func() *importer.Result { return run(ctx, t, c, file, false) })
	if same.Unchanged != total-dupes || same.Refused != dupes || same.Created+same.Updated != 0 {
		t.Errorf("the export imported back: created %d, updated %d, unchanged %d, refused %d; want %d unchanged and %d refused (titles repeated under a heading)",
			same.Created, same.Updated, same.Unchanged, same.Refused, total-dupes, dupes)
	}

	statuses := []string{"Planerad", "Pågående", "Genomförd", "Inställd"}
	changed := export(ctx, t, c, func(i int) string { return statuses[(i+1)%4] })
	dry := timed("dry run, every status changed", func() *importer.Result { return run(ctx, t, c, changed, true) })
	done := timed("import, every status changed", func() *importer.Result { return run(ctx, t, c, changed, false) })
	if dry.Updated != done.Updated || dry.Refused != done.Refused || done.Updated == 0 {
		t.Errorf("the dry run said updated %d, refused %d; the import did %d, %d", dry.Updated, dry.Refused, done.Updated, done.Refused)
	}
	again := timed("the same file again", func() *importer.Result { return run(ctx, t, c, changed, false) })
	if again.Created+again.Updated != 0 {
		t.Errorf("importing the same file again created %d and changed %d", again.Created, again.Updated)
	}
}
