package search

import (
	"context"
	stdsql "database/sql"
	"fmt"

	"entgo.io/ent/dialect"
)

// Migrate creates the indexes of Indexes in db, or brings them up to date:
// on SQLite the index's tables and triggers, filled from the rows already
// there when the tables are new or do not hold every row; on PostgreSQL
// the folded table, its trigger and, where the extension can be created,
// its pg_trgm index, filled when it does not match the column. It runs at
// every start, after the schema's own migration (which may have rebuilt a
// table and so dropped its triggers).
func Migrate(ctx context.Context, db *stdsql.DB, dialectName string) error {
	for _, i := range Indexes {
		var err error
		if dialectName == dialect.SQLite {
			err = i.migrateSQLite(ctx, db)
		} else {
			err = i.migratePostgres(ctx, db)
		}
		if err != nil {
			return fmt.Errorf("search index on %s.%s: %w", i.Table, i.Column, err)
		}
	}
	return nil
}

// migrateSQLite creates the index's tables and triggers and fills the
// tables when they do not match the column, all in one transaction.
func (i Index) migrateSQLite(ctx context.Context, db *stdsql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	run := func(stmts []string) error {
		for _, stmt := range stmts {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	}
	// An index of an earlier layout (trigrams without their positions)
	// goes, with its triggers, and is built again.
	var positioned int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM pragma_table_info(?) WHERE name = 'pos'", i.Trigrams()).Scan(&positioned); err != nil {
		return err
	}
	if positioned == 0 {
		if err := run(i.sqliteDrop()); err != nil {
			return err
		}
	}
	// An index without a version has triggers that do not draw one:
	// they go, and are made again below with the version.
	var versioned int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", i.Version()).Scan(&versioned); err != nil {
		return err
	}
	if versioned == 0 {
		if err := run(i.sqliteDropTriggers()); err != nil {
			return err
		}
	}
	if err := run(i.sqliteSchema()); err != nil {
		return err
	}
	// The index holds one folded row per row with a value; if it does
	// not (new tables, or a file written while the triggers were
	// missing), it is built again from the column.
	var rows, folded int
	if err := tx.QueryRowContext(ctx, fmt.Sprintf("SELECT (SELECT count(*) FROM %s WHERE %s IS NOT NULL), (SELECT count(*) FROM %s)",
		quote(i.Table), quote(i.Column), quote(i.Folded()))).Scan(&rows, &folded); err != nil {
		return err
	}
	if rows != folded || positioned == 0 {
		if err := run(i.sqliteRebuild()); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// sqliteSchema is the index's tables and triggers. The folded text is
// computed once, by the insert trigger, with the connection's lower(); the
// other triggers find the old trigrams from it.
func (i Index) sqliteSchema() []string {
	t, c := quote(i.Table), quote(i.Column)
	folded, grams, counts := quote(i.Folded()), quote(i.Trigrams()), quote(i.Counts())
	// The trigrams of a folded text, from TrigramsFunc: json_each's key is
	// the trigram's position.
	add := func(id string) string {
		return fmt.Sprintf(`INSERT INTO %[1]s (id, folded) SELECT %[4]s.id, lower(%[4]s.%[5]s) WHERE %[4]s.%[5]s IS NOT NULL;
	INSERT INTO %[2]s (trigram, id, pos) SELECT j.value, f.id, j.key FROM %[1]s AS f, json_each(%[6]s(f.folded)) AS j WHERE f.id = %[4]s.id;
	INSERT INTO %[3]s (trigram, n) SELECT j.value, 1 FROM %[1]s AS f, json_each(%[6]s(f.folded)) AS j WHERE f.id = %[4]s.id
		ON CONFLICT (trigram) DO UPDATE SET n = n + 1;`, folded, grams, counts, id, c, TrigramsFunc)
	}
	remove := fmt.Sprintf(`UPDATE %[3]s SET n = n - (SELECT count(*) FROM %[2]s AS g WHERE g.trigram = %[3]s.trigram AND g.id = OLD.id)
		WHERE trigram IN (SELECT j.value FROM %[1]s AS f, json_each(%[4]s(f.folded)) AS j WHERE f.id = OLD.id);
	DELETE FROM %[2]s WHERE id = OLD.id AND trigram IN (SELECT j.value FROM %[1]s AS f, json_each(%[4]s(f.folded)) AS j WHERE f.id = OLD.id);
	DELETE FROM %[1]s WHERE id = OLD.id;`, folded, grams, counts, TrigramsFunc)
	// Every change of the index draws its version again (counts.go).
	bump := fmt.Sprintf("UPDATE %s SET v = random() WHERE id = 0;", quote(i.Version()))
	name := i.trigger
	return []string{
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (id INTEGER PRIMARY KEY CHECK (id = 0), v INTEGER NOT NULL)", quote(i.Version())),
		fmt.Sprintf("INSERT INTO %s (id, v) VALUES (0, random()) ON CONFLICT (id) DO NOTHING", quote(i.Version())),
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (id INTEGER PRIMARY KEY, folded TEXT NOT NULL)", folded),
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (trigram TEXT NOT NULL, id INTEGER NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (trigram, id, pos)) WITHOUT ROWID", grams),
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (trigram TEXT NOT NULL PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID", counts),
		fmt.Sprintf("CREATE TRIGGER IF NOT EXISTS %s AFTER INSERT ON %s BEGIN\n\t%s\n\t%s\nEND", name("insert"), t, add("NEW"), bump),
		fmt.Sprintf("CREATE TRIGGER IF NOT EXISTS %s AFTER UPDATE OF %s ON %s WHEN OLD.%s IS NOT NEW.%s BEGIN\n\t%s\n\t%s\n\t%s\nEND",
			name("update"), c, t, c, c, remove, add("NEW"), bump),
		fmt.Sprintf("CREATE TRIGGER IF NOT EXISTS %s AFTER DELETE ON %s BEGIN\n\t%s\n\t%s\nEND", name("delete"), t, remove, bump),
		// For the searches shorter than a trigram, which read every
		// row: the folded text of every row, cheaper to read than the
		// table (and than calling lower() per row).
		fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s (lower(%s))", quote(i.Table+"_"+i.Column+"_folded"), t, c),
	}
}

// sqliteDrop removes the index's trigram tables and triggers.
func (i Index) sqliteDrop() []string {
	return append(i.sqliteDropTriggers(), "DROP TABLE IF EXISTS "+quote(i.Trigrams()), "DROP TABLE IF EXISTS "+quote(i.Counts()))
}

// sqliteDropTriggers removes the index's triggers.
func (i Index) sqliteDropTriggers() []string {
	var out []string
	for _, event := range []string{"insert", "update", "delete"} {
		out = append(out, "DROP TRIGGER IF EXISTS "+i.trigger(event))
	}
	return out
}

// trigger is the name of the index's trigger on event.
func (i Index) trigger(event string) string {
	return quote(i.Table + "_" + i.Column + "_search_" + event)
}

// sqliteRebuild fills the index's tables from the column.
func (i Index) sqliteRebuild() []string {
	folded, grams, counts := quote(i.Folded()), quote(i.Trigrams()), quote(i.Counts())
	return []string{
		"DELETE FROM " + counts,
		"DELETE FROM " + grams,
		"DELETE FROM " + folded,
		fmt.Sprintf("INSERT INTO %s (id, folded) SELECT id, lower(%s) FROM %s WHERE %s IS NOT NULL",
			folded, quote(i.Column), quote(i.Table), quote(i.Column)),
		fmt.Sprintf("INSERT INTO %s (trigram, id, pos) SELECT j.value, f.id, j.key FROM %s AS f, json_each(%s(f.folded)) AS j",
			grams, folded, TrigramsFunc),
		fmt.Sprintf("INSERT INTO %s (trigram, n) SELECT trigram, count(*) FROM %s GROUP BY trigram", counts, grams),
		fmt.Sprintf("UPDATE %s SET v = random() WHERE id = 0", quote(i.Version())),
	}
}

// migratePostgres creates the index's folded table with its trigger, and a
// pg_trgm index on it, and fills the table when it does not match the
// column, all in one transaction. The extension goes in public, not in the
// first schema of the search path: a schema of its own (the tests', the
// benchmark's) is dropped with what is in it. pg_trgm is a trusted
// extension the database's owner may create; where it cannot be created,
// the folded table is searched without it, still narrower than the table.
func (i Index) migratePostgres(ctx context.Context, db *stdsql.DB) error {
	_, err := db.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
	trigrams := err == nil
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, stmt := range i.postgresSchema(trigrams) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	// The folded table holds the folded column of every row with a
	// value, and nothing else; if it does not (new, or written to while
	// the trigger was missing), it is filled again.
	var wrong bool
	t, c, folded := quote(i.Table), quote(i.Column), quote(i.Folded())
	if err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %s AS t FULL JOIN %s AS f ON f.id = t.id
		WHERE f.folded IS DISTINCT FROM lower(t.%s))`, t, folded, c)).Scan(&wrong); err != nil {
		return err
	}
	if wrong {
		for _, stmt := range []string{
			"DELETE FROM " + folded,
			fmt.Sprintf("INSERT INTO %s (id, folded) SELECT id, lower(%s) FROM %s WHERE %s IS NOT NULL", folded, c, t, c),
			// The planner's statistics of the table as filled.
			"ANALYZE " + folded,
		} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// postgresSchema is the index's folded table, the trigger that keeps it
// and, with pg_trgm, the trigram indexes. The trigger folds with lower()
// in the column's collation, as ILIKE does; its search path is the one
// it was made with, so a writer with another path still finds the table.
func (i Index) postgresSchema(trigrams bool) []string {
	t, c, folded := quote(i.Table), quote(i.Column), quote(i.Folded())
	keep := quote(i.Table + "_" + i.Column + "_search")
	stmts := []string{
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (id bigint PRIMARY KEY, folded text NOT NULL)", folded),
		fmt.Sprintf(`CREATE OR REPLACE FUNCTION %[1]s() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		DELETE FROM %[2]s WHERE id = OLD.id;
	END IF;
	IF TG_OP <> 'DELETE' AND NEW.%[3]s IS NOT NULL THEN
		INSERT INTO %[2]s (id, folded) VALUES (NEW.id, lower(NEW.%[3]s));
	END IF;
	RETURN NULL;
END $$`, keep, folded, c),
		fmt.Sprintf("CREATE OR REPLACE TRIGGER %s AFTER INSERT OR DELETE OR UPDATE OF %s ON %s FOR EACH ROW EXECUTE FUNCTION %s()",
			keep, c, t, keep),
	}
	if trigrams {
		// Without fastupdate: a new title goes into the index at once,
		// rather than into a list of pending entries that every search
		// reads through until a vacuum merges it (after loading the
		// national dataset, 21,000 of them).
		stmts = append(stmts, fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s USING gin (folded public.gin_trgm_ops) WITH (fastupdate = off)",
			quote(i.Folded()+"_trigrams"), folded))
	}
	// A pg_trgm index on the column itself, which an earlier version made
	// for ILIKE, goes: pg_trgm folds in the database's collation, not the
	// column's, so it missed rows ILIKE matches (see the README's
	// Workarounds). ent's ILIKE, where the resolvers search, reads the
	// table; the folded table's index folds text that is folded already.
	return append(stmts, "DROP INDEX IF EXISTS "+quote(i.Table+"_"+i.Column+"_trigrams"))
}

// quote quotes an identifier, in the way both dialects read.
func quote(name string) string { return `"` + name + `"` }
