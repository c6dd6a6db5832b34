package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/samverkan/samverkan/storage"
)

// interspersed parses flags and positional arguments in any order, as
// "backup FILE --db X" and "backup --db X FILE" both read naturally.
func (a *app) interspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional, rest = append(positional, fs.Arg(0)), fs.Args()[1:]
	}
}

const backupUsage = `Usage:
  samverkan backup [--db DB] FILE            copy the SQLite database to FILE, while it is in use
  samverkan restore [--db DB] [--force] FILE  replace the database with the backup FILE

backup takes a consistent copy while the server runs and writes go on, checks
it with quick_check and writes FILE whole or not at all. restore checks FILE
with quick_check, refuses while a samverkan has the database open (unless
--force), and keeps the database it replaces as DB.before-restore.
On PostgreSQL use pg_dump and pg_restore instead (see the README).

Flags:
  --db DB   as for serve (default samverkan.db, or $SAMVERKAN_DB)
  --force   restore even though the database seems open (restore only)
`

func (a *app) backup(ctx context.Context, args []string) error {
	fs := a.flags("backup")
	fs.Usage = func() { fmt.Fprint(fs.Output(), backupUsage) }
	dsn := fs.String("db", a.env("SAMVERKAN_DB", defaultDB), "")
	files, err := a.interspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fmt.Fprint(a.stderr, "samverkan: backup needs one FILE to write\n\n"+backupUsage)
		return errUsage
	}
	if storage.IsPostgres(*dsn) {
		fmt.Fprintf(a.stderr, "samverkan: %v\n", storage.ErrPostgresBackup)
		return errUsage
	}
	if path, ok := storage.SQLitePath(*dsn); !ok || !exists(path) {
		fmt.Fprintf(a.stderr, "samverkan: there is no database %s to back up\n", storage.Redacted(*dsn))
		return errUsage
	}
	if path, _ := storage.SQLitePath(*dsn); sameFile(path, files[0]) {
		fmt.Fprintf(a.stderr, "samverkan: %s is the database itself: give another FILE\n", files[0])
		return errUsage
	}
	db, err := storage.Open(storage.Redacted(*dsn))
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: cannot open the database: %v\n", err)
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, files[0]); err != nil {
		fmt.Fprintf(a.stderr, "samverkan: %v\n", err)
		return err
	}
	fmt.Fprintf(a.stdout, "Backed up %s to %s (%s) in %s.\n", storage.Redacted(*dsn), files[0], size(files[0]), time.Since(start).Round(time.Millisecond))
	return nil
}

func (a *app) restore(ctx context.Context, args []string) error {
	fs := a.flags("restore")
	fs.Usage = func() { fmt.Fprint(fs.Output(), backupUsage) }
	dsn := fs.String("db", a.env("SAMVERKAN_DB", defaultDB), "")
	force := fs.Bool("force", false, "")
	files, err := a.interspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fmt.Fprint(a.stderr, "samverkan: restore needs one backup FILE\n\n"+backupUsage)
		return errUsage
	}
	if err := storage.Restore(ctx, files[0], *dsn, *force); err != nil {
		fmt.Fprintf(a.stderr, "samverkan: %v\n", err)
		return err
	}
	fmt.Fprintf(a.stdout, "Restored %s from %s.\n", storage.Redacted(*dsn), files[0])
	return nil
}

// sameFile reports whether both paths name one existing file.
func sameFile(a, b string) bool {
	ia, err := os.Stat(a)
	if err != nil {
		return false
	}
	ib, err := os.Stat(b)
	return err == nil && os.SameFile(ia, ib)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// size is a file's size for people.
func size(path string) string {
	info, err := os.Stat(path)
	if err != nil {
		return "?"
	}
	return fmt.Sprintf("%.1f MB", float64(info.Size())/1e6)
}

// backupFilePrefix and backupFileLayout name scheduled backups, so that
// their names sort by time and retention knows which files are its own.
const (
	backupFilePrefix = "samverkan-"
	backupFileLayout = "20060102T150405Z"
)

// scheduledBackups backs the database up into dir every interval, keeping
// the newest keep backups, until ctx ends. A failed backup is logged and
// tried again at the next interval; it never stops the server.
func scheduledBackups(ctx context.Context, db *storage.DB, dir string, every time.Duration, keep int, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		file := filepath.Join(dir, backupFilePrefix+start.UTC().Format(backupFileLayout)+".db")
		if err := db.Backup(ctx, file); err != nil {
			log.Error("scheduled backup failed", "file", file, "error", err)
			continue
		}
		log.Info("scheduled backup", "file", file, "size", size(file), "duration", time.Since(start).Round(time.Millisecond))
		if err := pruneBackups(dir, keep); err != nil {
			log.Error("cannot remove old backups", "dir", dir, "error", err)
		}
	}
}

// pruneBackups removes all but the newest keep scheduled backups in dir;
// other files are left alone.
func pruneBackups(dir string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var backups []string
	for _, e := range entries {
		name := e.Name()
		stamp, ok := strings.CutPrefix(name, backupFilePrefix)
		if !ok || !strings.HasSuffix(stamp, ".db") {
			continue
		}
		if _, err := time.Parse(backupFileLayout, strings.TrimSuffix(stamp, ".db")); err == nil {
			backups = append(backups, name)
		}
	}
	slices.Sort(backups)
	var errs []error
	for len(backups) > keep {
		errs = append(errs, os.Remove(filepath.Join(dir, backups[0])))
		backups = backups[1:]
	}
	return errors.Join(errs...)
}
