package storage

import (
	"context"
	"database/sql"
	"fmt"

	"entgo.io/ent/dialect"
)

// oldScopes are the columns an editor's scope was kept in before scopes
// became many-to-many: each municipality and institution named at most one
// editor (the "user_municipalities" column of municipalities, and so on),
// so a second editor for Örebro could not be added. The join tables that
// replace them have the same names as the old columns.
var oldScopes = []struct{ table, column, join, joinColumn string }{
	{"municipalities", "user_municipalities", "user_municipalities", "municipality_id"},
	{"institutions", "user_institutions", "user_institutions", "institution_id"},
}

// migrateScopes copies the scopes a database keeps in the old columns into
// the join tables, and empties the old columns, in one transaction. It runs
// after the schema migration has created the join tables, which leaves the
// old columns where they are (see Migrate). Emptying them makes it
// idempotent: a later start finds nothing to copy, and cannot bring back a
// scope an admin has taken away since.
func (db *DB) migrateScopes(ctx context.Context) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate scopes: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for _, s := range oldScopes {
		has, err := db.hasColumn(ctx, tx, s.table, s.column)
		if err != nil {
			return fmt.Errorf("migrate scopes: %w", err)
		}
		if !has {
			continue // a database made after the change
		}
		// Only rows naming a user that exists: SQLite without foreign keys
		// (another program, or _fk=0) may have left a deleted user's id.
		copyScopes := fmt.Sprintf(`INSERT INTO %[3]s (user_id, %[4]s)
SELECT t.%[2]s, t.id FROM %[1]s t
WHERE t.%[2]s IS NOT NULL
  AND EXISTS (SELECT 1 FROM users u WHERE u.id = t.%[2]s)
  AND NOT EXISTS (SELECT 1 FROM %[3]s j WHERE j.user_id = t.%[2]s AND j.%[4]s = t.id)`,
			s.table, s.column, s.join, s.joinColumn)
		if _, err := tx.ExecContext(ctx, copyScopes); err != nil {
			return fmt.Errorf("migrate scopes: copy %s.%s: %w", s.table, s.column, err)
		}
		empty := fmt.Sprintf(`UPDATE %[1]s SET %[2]s = NULL WHERE %[2]s IS NOT NULL`, s.table, s.column)
		if _, err := tx.ExecContext(ctx, empty); err != nil {
			return fmt.Errorf("migrate scopes: empty %s.%s: %w", s.table, s.column, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate scopes: %w", err)
	}
	return nil
}

// hasColumn reports whether the table has the column.
func (db *DB) hasColumn(ctx context.Context, tx *sql.Tx, table, column string) (bool, error) {
	query := `SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?`
	if db.Dialect == dialect.Postgres {
		query = `SELECT COUNT(*) FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`
	}
	var n int
	if err := tx.QueryRowContext(ctx, query, table, column).Scan(&n); err != nil {
		return false, fmt.Errorf("look for column %s.%s: %w", table, column, err)
	}
	return n > 0, nil
}
