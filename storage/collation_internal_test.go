package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	atlas "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"
)

// TestAtlasStillLeavesOutSQLiteCollations fails when Atlas writes the
// columns' COLLATE clauses into SQLite's statements itself: then
// addSQLiteCollations has nothing left to do and can go (README,
// Workarounds). It also checks that the hook has something to change.
func TestAtlasStillLeavesOutSQLiteCollations(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "plain.db"))
	if err != nil {
		t.Fatal(err)
	}
	client := db.Client()
	t.Cleanup(func() { client.Close() })
	var cmds []string
	record := func(next schema.Applier) schema.Applier {
		return schema.ApplyFunc(func(ctx context.Context, conn dialect.ExecQuerier, plan *atlas.Plan) error {
			for _, c := range plan.Changes {
				cmds = append(cmds, c.Cmd)
			}
			return next.Apply(ctx, conn, plan)
		})
	}
	if err := client.Schema.Create(context.Background(), schema.WithApplyHook(record)); err != nil {
		t.Fatal(err)
	}
	if len(collatedColumns) == 0 {
		t.Fatal("the schema has no collated column: nothing to check")
	}
	changed := 0
	for _, cmd := range cmds {
		for _, c := range collatedColumns {
			if c.statement.MatchString(cmd) && strings.Contains(cmd, c.to) {
				t.Errorf("Atlas writes %q itself now: addSQLiteCollations can go", strings.TrimSpace(c.to))
			}
		}
		if collateColumns(cmd) != cmd {
			changed++
		}
	}
	if changed == 0 {
		t.Error("addSQLiteCollations changes none of the statements that create the tables")
	}
}
