package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"entgo.io/ent/dialect"
	"github.com/mattn/go-sqlite3"
)

// ErrPostgresBackup is the answer of Backup and Restore on PostgreSQL,
// whose own tools (pg_dump, pg_restore) do it better than we could.
var ErrPostgresBackup = errors.New("on PostgreSQL, back up with pg_dump and restore with pg_restore (see the README)")

// ErrInUse is Restore's refusal to replace a database that a running
// server (or another samverkan command) has open.
var ErrInUse = errors.New("the database is open in a running samverkan (stop the server first, or give --force if you are sure it is not running)")

// Backup writes a consistent copy of the SQLite database to the file dest
// while the database stays in use, and checks the copy with quick_check
// before putting it in place: dest is either the whole, checked copy or
// left as it was. It uses SQLite's online backup API in one step, which
// copies the database's pages as they were when the step began (a read
// transaction: in WAL mode, writers go on meanwhile and are not in the
// copy). Page copying is preferred to VACUUM INTO, which rebuilds every
// index (several times the CPU on the national dataset) for a copy that is
// no more consistent. The copy is in rollback-journal mode, a single file
// with no -wal beside it; the server turns WAL on again when it opens it.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if db.Dialect != dialect.SQLite {
		return ErrPostgresBackup
	}
	src, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer src.Close()
	return src.Raw(func(c any) error {
		conn, err := sqliteConnOf(c)
		if err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		return copyInto(ctx, conn, dest)
	})
}

// sqliteConnOf is go-sqlite3's connection under one of the pool's.
func sqliteConnOf(c any) (*sqlite3.SQLiteConn, error) {
	switch c := c.(type) {
	case *sqliteConn:
		return c.SQLiteConn, nil
	case *sqlite3.SQLiteConn:
		return c, nil
	}
	return nil, fmt.Errorf("not a SQLite connection: %T", c)
}

// copyInto copies the database of the connection src to a temporary file
// beside dest, checks it, syncs it and renames it to dest.
func copyInto(ctx context.Context, src *sqlite3.SQLiteConn, dest string) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(dest), filepath.Base(dest)+".tmp-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp.Close()
	defer func() {
		if err != nil {
			removeDatabaseFiles(tmp.Name())
		}
	}()
	if err := backupTo(ctx, src, tmp.Name()); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := QuickCheck(ctx, tmp.Name()); err != nil {
		return fmt.Errorf("backup: the copy: %w", err)
	}
	if err := syncFile(tmp.Name()); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return syncDir(filepath.Dir(dest))
}

// backupTo copies src's main database into the (empty) file path and
// leaves the file in rollback-journal mode.
func backupTo(ctx context.Context, src *sqlite3.SQLiteConn, path string) error {
	// The plain driver: the copy needs none of our functions.
	dst, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return err
	}
	defer dst.Close()
	conn, err := dst.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	err = conn.Raw(func(c any) error {
		b, err := c.(*sqlite3.SQLiteConn).Backup("main", src, "main")
		if err != nil {
			return err
		}
		// One step copies every page under one read transaction: a
		// consistent snapshot. Steps of a few pages would let the
		// copy restart whenever another connection writes, which
		// under steady writes could be forever.
		done, err := b.Step(-1)
		if ferr := b.Finish(); err == nil {
			err = ferr
		}
		if err == nil && !done {
			err = errors.New("the copy did not finish")
		}
		return err
	})
	if err != nil {
		return err
	}
	// The pages came with the source's WAL mode; a backup is one file.
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode=DELETE").Scan(&mode); err != nil {
		return err
	}
	if mode != "delete" {
		return fmt.Errorf("journal mode of the copy is %s, want delete", mode)
	}
	return nil
}

// QuickCheck runs PRAGMA quick_check on the SQLite file at path, opened
// read-only with Samverkan's functions and collation, and says what is
// wrong if it does not answer "ok". It also checks that the file holds a
// Samverkan database.
func QuickCheck(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	db, err := sql.Open(sqliteDriver, "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return fmt.Errorf("quick_check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("quick_check: %w", err)
		}
		problems = append(problems, line)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("quick_check: %w", err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		if len(problems) > 5 {
			problems = append(problems[:5], "...")
		}
		return fmt.Errorf("quick_check failed: %s", strings.Join(problems, "; "))
	}
	var tables int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('plans', 'activities', 'users')").Scan(&tables); err != nil {
		return fmt.Errorf("read the schema: %w", err)
	}
	if tables != 3 {
		return errors.New("not a Samverkan database: it has no plans, activities and users")
	}
	return nil
}

// Restore replaces the SQLite database dsn names with a copy of the
// backup file src, once src passes QuickCheck. It refuses with ErrInUse
// when a samverkan has the database open (see holdOpen), unless force. The
// database it replaces is kept beside it as "<file>.before-restore" (with
// its -wal, if it had one), replacing an older one.
func Restore(ctx context.Context, src, dsn string, force bool) error {
	if IsPostgres(dsn) {
		return ErrPostgresBackup
	}
	target, ok := SQLitePath(dsn)
	if !ok {
		return fmt.Errorf("restore: %q names no database file", dsn)
	}
	if err := QuickCheck(ctx, src); err != nil {
		return fmt.Errorf("restore: %s: %w", src, err)
	}
	if err := checkDir(target); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	unlock, err := lockExclusive(target)
	if errors.Is(err, ErrInUse) && force {
		unlock, err = func() {}, nil
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer unlock()

	source, err := sql.Open("sqlite3", "file:"+src+"?mode=ro")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer source.Close()
	conn, err := source.Conn(ctx)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer conn.Close()
	// Copied beside the target and renamed over it, so that the target
	// is the old database or the whole new one, never half of each.
	tmp := target + ".restoring"
	removeDatabaseFiles(tmp)
	err = conn.Raw(func(c any) error {
		sc, err := sqliteConnOf(c)
		if err != nil {
			return err
		}
		return copyInto(ctx, sc, tmp)
	})
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	// The old database's -wal must not be applied to the new one: it goes
	// with the old database, and the -shm, an index of it, is dropped.
	kept := target + ".before-restore"
	removeDatabaseFiles(kept)
	for _, suffix := range []string{"", "-wal", "-journal"} {
		if err := os.Rename(target+suffix, kept+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore: keep the old database: %w", err)
		}
	}
	if err := os.Remove(target + "-shm"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(tmp, target); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return syncDir(filepath.Dir(target))
}

// SQLitePath is the file a SQLite DSN names, if it names one.
func SQLitePath(dsn string) (string, bool) {
	path, query, _ := strings.Cut(dsn, "?")
	path = strings.TrimPrefix(path, "file:")
	if strings.HasPrefix(path, "///") { // file:///abs/path
		path = path[2:]
	}
	if path == "" || path == ":memory:" || strings.Contains(query, "mode=memory") {
		return "", false
	}
	return path, true
}

// checkDir refuses a database path whose directory does not exist, with a
// message that says so, where SQLite says only "unable to open database
// file".
func checkDir(path string) error {
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("the directory %s of %s does not exist: check the path (samverkan creates the database file, not its directory)", dir, path)
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// removeDatabaseFiles removes a SQLite file and the files beside it.
func removeDatabaseFiles(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
