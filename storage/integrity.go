package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	"github.com/mattn/go-sqlite3"
)

// DamagedError is the error for a SQLite file that is not a sound
// database: the server refuses to serve it rather than serve wrong answers
// or make the damage worse.
type DamagedError struct {
	File   string // the file, as the server was told it
	Detail string // what SQLite found
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("the database file %s is damaged (%s); Samverkan does not serve a damaged file: "+
		"stop every program that uses it, put back the latest backup of %s (with its -wal file, if the backup has one) and start again",
		e.File, e.Detail, e.File)
}

// CheckIntegrity checks, on SQLite, that the file is a sound database
// (PRAGMA quick_check: every page readable and well-formed, each index
// holding what its table does; under a millisecond for the Örebro plan's
// file, 0.1 s for the national dataset's 48 MB) and returns a
// *DamagedError if it is not. PostgreSQL checks its own pages, so there it does nothing.
func (db *DB) CheckIntegrity(ctx context.Context) error {
	if db.Dialect != dialect.SQLite {
		return nil
	}
	rows, err := db.QueryContext(ctx, "PRAGMA quick_check(5)")
	if err != nil {
		return db.damaged(err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return db.damaged(err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return db.damaged(err)
	}
	if len(problems) > 0 {
		return &DamagedError{File: sqliteFile(db.DSN), Detail: "PRAGMA quick_check: " + strings.Join(problems, "; ")}
	}
	return nil
}

// damaged turns SQLite's verdict on a file it cannot read as a database
// into a *DamagedError, and returns other errors as they are.
func (db *DB) damaged(err error) error {
	if isDamage(err) {
		return &DamagedError{File: sqliteFile(db.DSN), Detail: err.Error()}
	}
	return fmt.Errorf("check the database's integrity: %w", err)
}

// isDamage reports whether err is SQLite's finding that a file is not a
// sound database.
func isDamage(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB)
}

// sqliteFile is the file a SQLite DSN names.
func sqliteFile(dsn string) string {
	path, _, _ := strings.Cut(dsn, "?")
	return strings.TrimPrefix(path, "file:")
}
