package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	entschema "github.com/samverkan/samverkan/ent/schema"
)

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func openPostgres(dsn string) (*DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	keepConnections(db)
	return &DB{DB: db, Dialect: dialect.Postgres, DSN: dsn}, nil
}

// migrationLock is the key of the advisory lock that makes servers started
// together against one database migrate it one after the other.
const migrationLock = 0x5a4d5645524b414e // "SAMVERKAN", more or less

// preparePostgres takes the migration lock and readies what the schema
// needs and ent cannot create: the Swedish collation (from ICU, which
// PostgreSQL 10 and later have) that names and titles use. It checks that
// the database folds case beyond ASCII, which ILIKE (ent's …Fold filters)
// relies on: a database created with the C locale would not. The returned
// function releases the lock.
func (db *DB) preparePostgres(ctx context.Context) (unlock func(), err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		conn.Close()
		return nil, fmt.Errorf("migrate: take the migration lock: %w", err)
	}
	unlock = func() {
		_, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", migrationLock)
		conn.Close()
	}
	stmt := fmt.Sprintf(`CREATE COLLATION IF NOT EXISTS %q (provider = icu, locale = 'sv-SE')`, entschema.SwedishCollation)
	if _, err := conn.ExecContext(ctx, stmt); err != nil {
		unlock()
		return nil, fmt.Errorf("migrate: create the Swedish collation (PostgreSQL needs ICU): %w", err)
	}
	var folds bool
	if err := conn.QueryRowContext(ctx, `SELECT 'ÖREBRO ÅMÅL HÄLLEFORS' ILIKE 'örebro åmål hällefors'`).Scan(&folds); err != nil {
		unlock()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if !folds {
		unlock()
		return nil, fmt.Errorf("migrate: the database does not fold case beyond ASCII, so searches for å, ä and ö would fail; create it with ENCODING 'UTF8' and a UTF-8 LC_CTYPE such as 'C.UTF-8'")
	}
	return unlock, nil
}
