package search_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	sqlb "entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/predicate"
	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/storage/storagetest"
	"github.com/samverkan/samverkan/swedish"
)

// pg_trgm folds text with the database's collation, not the column's: on
// a column in the Swedish (ICU) collation, ILIKE folds "İ" to "i̇" (two
// characters), pg_trgm to "i", and a trigram index on the column misses
// the row ILIKE matches. So the search indexes the text folded by lower()
// in the column's collation instead (search.Index's folded table). This
// fails when pg_trgm folds as ILIKE does; a trigram index on the column
// would then answer ILIKE rightly again (see the README's Workarounds).
func TestPgTrgmStillFoldsInTheDatabasesCollation(t *testing.T) {
	ctx := context.Background()
	db := storagetest.OpenPostgres(t)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, stmt := range []string{
		`CREATE TEMPORARY TABLE trgm (title varchar COLLATE "` + swedish.Collation + `")`,
		`INSERT INTO trgm SELECT 'fyllnad ' || g FROM generate_series(1, 2000) AS g`,
		`INSERT INTO trgm VALUES ('Resa till İstanbul')`,
		`CREATE INDEX ON trgm USING gin (title public.gin_trgm_ops)`,
		`ANALYZE trgm`,
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	count := func(scans string) int {
		t.Helper()
		if _, err := conn.ExecContext(ctx, "SET enable_seqscan = "+scans); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM trgm WHERE title ILIKE $1`, "%i̇stanbul%").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("on"); n != 1 {
		t.Fatalf("ILIKE reading the table finds %d rows, want 1", n)
	}
	if n := count("off"); n != 0 {
		t.Errorf("pg_trgm's index now finds what ILIKE finds (%d rows): it folds in the column's collation, and an index on the column would serve ILIKE again", n)
	}
}

// On PostgreSQL the folded table is filled again at the next start when it
// does not match the column (rows written while its trigger was off), and
// the trigram index on the column an earlier version made goes.
func TestMigrateRefillsTheFoldedTable(t *testing.T) {
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	db := storagetest.OpenPostgres(t)
	client := db.Client()
	if err := seed.LoadOrebro(ctx, client); err != nil {
		t.Fatal(err)
	}
	a := client.Activity.Query().Order(activity.ByID()).FirstX(ctx)
	for _, stmt := range []string{
		`ALTER TABLE activities DISABLE TRIGGER activities_title_search`,
		`UPDATE activities SET title = 'Ändrad utan trigger: KULTURNATT' WHERE id = ` + strconv.Itoa(a.ID),
		`INSERT INTO "` + titles.Folded() + `" (id, folded) VALUES (999999, 'kulturnatt som inte finns')`,
		`ALTER TABLE activities ENABLE TRIGGER activities_title_search`,
		`CREATE INDEX activities_title_trigrams ON activities USING gin (title public.gin_trgm_ops)`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	got := client.Activity.Query().Where(predicate.Activity(titles.ContainsFold(ctx, "kulturnatt"))).IDsX(ctx)
	if len(got) != 1 || got[0] != a.ID {
		t.Errorf("after migrating, the search finds %v, want [%d]", got, a.ID)
	}
	var wrong, old int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM activities AS t FULL JOIN "`+titles.Folded()+`" AS f ON f.id = t.id
		WHERE f.folded IS DISTINCT FROM lower(t.title)`).Scan(&wrong); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'activities_title_trigrams'`).Scan(&old); err != nil {
		t.Fatal(err)
	}
	if wrong != 0 || old != 0 {
		t.Errorf("after migrating, %d folded rows differ from the titles and %d trigram indexes on the column remain; want none", wrong, old)
	}
}

// On PostgreSQL titles that go with what holds them (a heading deleted
// takes its activities, by the foreign key's cascade) leave the folded
// table too: its count stays ent's.
func TestCascadedDeletesLeaveTheFoldedTable(t *testing.T) {
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	db := storagetest.OpenPostgres(t)
	client := db.Client()
	if err := seed.LoadOrebro(ctx, client); err != nil {
		t.Fatal(err)
	}
	before := client.Activity.Query().CountX(ctx)
	if _, err := db.ExecContext(ctx, `DELETE FROM objectives WHERE id = (SELECT objective_id FROM activities ORDER BY id LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	after := client.Activity.Query().CountX(ctx)
	var folded int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM "`+titles.Folded()+`"`).Scan(&folded); err != nil {
		t.Fatal(err)
	}
	if after >= before || folded != after {
		t.Errorf("after deleting a heading: %d activities (%d before), %d folded titles; want as many folded titles as activities", after, before, folded)
	}
}

// On PostgreSQL the search and its count can read the folded table's
// trigram index: the pattern is folded in the column's collation but
// matched in the index's, without which the planner could only scan.
// (Scans are off, so that the plan shows whether the index can serve at
// all; on a table this small the planner would rather scan.)
func TestPostgresSearchCanUseTheIndex(t *testing.T) {
	ctx := context.Background()
	db := storagetest.OpenPostgres(t)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	s := sqlb.Dialect(dialect.Postgres).Select(activity.FieldID).From(sqlb.Table(activity.Table))
	titles.ContainsFold(ctx, "kultur")(s)
	search, args := s.Query()
	countSQL, countArgs, ok := countQuery(ctx, dialect.Postgres, "kultur")
	if !ok {
		t.Fatal("PostgreSQL's search is not counted from the index")
	}
	for name, q := range map[string]struct {
		sql  string
		args []any
	}{"search": {search, args}, "count": {countSQL, countArgs}} {
		var plan strings.Builder
		rows, err := conn.QueryContext(ctx, "EXPLAIN "+q.sql, q.args...)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan.WriteString(line + "\n")
		}
		rows.Close()
		if !strings.Contains(plan.String(), titles.Folded()+"_trigrams") {
			t.Errorf("the %s does not use the trigram index:\n%s", name, plan.String())
		}
	}
}
