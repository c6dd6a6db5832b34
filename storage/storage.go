// Package storage opens the database Samverkan keeps its plans in and brings
// its schema up to date. SQLite is the default: a single file next to the
// binary, opened with the settings a server needs and with Swedish text
// functions installed on every connection. PostgreSQL serves deployments
// that outgrow one file, or run several servers on one database.
package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	"github.com/mattn/go-sqlite3"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/search"
	"github.com/samverkan/samverkan/swedish"
)

// sqliteDriver is SQLite with Swedish lower() and collation, registered under
// a name of its own so that the plain "sqlite3" driver stays as it is.
const sqliteDriver = "sqlite3_swedish"

// swedishSQLite is the driver registered as sqliteDriver.
var swedishSQLite = &sqlite3.SQLiteDriver{ConnectHook: func(conn *sqlite3.SQLiteConn) error {
	if err := installSwedish(conn); err != nil {
		return err
	}
	return keepTempInMemory(conn)
}}

func init() {
	sql.Register(sqliteDriver, swedishSQLite)
}

// installSwedish replaces SQLite's ASCII-only lower() with one that folds
// every letter, so that ent's …Fold filters (which compare lower(column)
// with the lower-cased search text) find "Örebro" from "örebro", and adds
// the Swedish collation the schema gives to names and titles; with them the
// search index's functions (package search). All must be on every
// connection of the pool, hence a connect hook and not a statement.
func installSwedish(conn *sqlite3.SQLiteConn) error {
	if err := conn.RegisterFunc("lower", lower, true); err != nil {
		return fmt.Errorf("register lower: %w", err)
	}
	if err := conn.RegisterFunc(search.TrigramsFunc, search.TrigramsJSON, true); err != nil {
		return fmt.Errorf("register %s: %w", search.TrigramsFunc, err)
	}
	// The search's kept counts (search/counts.go): not pure, so that
	// SQLite calls them where the statement asks, once per row.
	if err := conn.RegisterFunc(search.CountKeptFunc, search.KeptCount, false); err != nil {
		return fmt.Errorf("register %s: %w", search.CountKeptFunc, err)
	}
	if err := conn.RegisterFunc(search.CountKeepFunc, search.KeepCount, false); err != nil {
		return fmt.Errorf("register %s: %w", search.CountKeepFunc, err)
	}
	if err := conn.RegisterCollation(swedish.Collation, swedish.NewCollator().Compare); err != nil {
		return fmt.Errorf("register collation %s: %w", swedish.Collation, err)
	}
	return nil
}

// keepTempInMemory keeps a connection's temporary files in memory
// (PRAGMA temp_store=MEMORY; the driver's DSN has no key for it). The one
// that matters is the savepoint journal of group commit (writers.go): each
// member of a group runs in a SAVEPOINT, and SQLite copies every page the
// member changes that the group had changed before (the audit log's and
// the status history's last pages, their indexes) into that journal, which
// it moves to a temporary file once it passes 64 KiB. Kept on disk, every
// group opened a file and wrote each member's pages to it while holding
// the write lock: measured during M1 on the national dataset, the lock was
// held for about 250 µs per write with the file and 205 µs without it
// (median of 12 one-second samples each), 15 % more writes a second. The
// other temporary files (sorts and groupings without an index) hold at
// most a table's worth of small rows on the datasets the server is for.
func keepTempInMemory(conn *sqlite3.SQLiteConn) error {
	if _, err := conn.Exec("PRAGMA temp_store=MEMORY", nil); err != nil {
		return fmt.Errorf("keep temporary files in memory: %w", err)
	}
	return nil
}

// lower is SQL's lower() with Swedish folding. Like SQLite's own, it
// answers NULL for NULL (a goal without a title, searched by title) and
// folds the text of anything else.
func lower(v any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		return swedish.Lower(v)
	case []byte:
		if v == nil { // go-sqlite3 passes NULL as a nil slice
			return nil
		}
		return swedish.Lower(string(v))
	default:
		return swedish.Lower(fmt.Sprint(v))
	}
}

// DB is an open database.
type DB struct {
	*sql.DB
	// Dialect is ent's name for the database's SQL dialect.
	Dialect string
	// DSN is what the database was opened with.
	DSN string

	// writers is the queue of this database's transactions on SQLite,
	// shared by every client made from it (see writerQueue).
	writersOnce sync.Once
	writers     *groups

	// health knows the database's storage faults (see faults.go).
	health *health

	// release ends holdOpen's mark on a SQLite file, after the pool is
	// closed.
	release func()
}

// Open opens the database that dsn names: a PostgreSQL URL
// ("postgres://user:password@host/db"), a SQLite file path such as
// "samverkan.db", or a SQLite "file:" DSN. SQLite settings the DSN leaves
// out get the server's defaults (see SQLiteDSN).
func Open(dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		return openPostgres(dsn)
	}
	full, err := SQLiteDSN(dsn)
	if err != nil {
		return nil, err
	}
	path, isFile := SQLitePath(dsn)
	if isFile {
		// SQLite creates a missing file but not a missing directory,
		// and says only "unable to open database file".
		if err := checkDir(path); err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", Redacted(dsn), err)
		}
	}
	h := newHealth()
	db := sql.OpenDB(sqliteConnector{dsn: full, h: h})
	if err := db.Ping(); err != nil {
		db.Close()
		if isDamage(err) {
			return nil, &DamagedError{File: sqliteFile(dsn), Detail: err.Error()}
		}
		return nil, fmt.Errorf("open sqlite %s: %w", Redacted(dsn), err)
	}
	release := func() {}
	if isFile {
		if release, err = holdOpen(path); err != nil {
			db.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", Redacted(dsn), err)
		}
	}
	keepConnections(db)
	db.SetMaxOpenConns(sqliteConns())
	return &DB{DB: db, Dialect: dialect.SQLite, DSN: dsn, health: h, release: release}, nil
}

// sqliteConnector opens the pool's SQLite connections.
type sqliteConnector struct {
	dsn string
	h   *health
}

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	epoch := c.h.epoch.Load() // before opening: a fault meanwhile makes it stale
	conn, err := swedishSQLite.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(*sqlite3.SQLiteConn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("open sqlite: the driver gave a %T", conn)
	}
	return &sqliteConn{SQLiteConn: sc, h: c.h, epoch: epoch}, nil
}

func (c sqliteConnector) Driver() driver.Driver { return swedishSQLite }

// sqliteConn is a connection of the pool that is not used again after a
// storage fault (see health): SQLite opens a file it may not write
// read-only, and such a connection stays read-only after the file has
// become writable again.
//
// It also answers ent's reading back of a record it has just updated from
// the update (see readback.go).
type sqliteConn struct {
	*sqlite3.SQLiteConn
	h       *health
	epoch   uint64
	updated *updatedRow // what the last statement updated, if it was one record in a transaction
}

// BeginTx begins a transaction, which has updated nothing yet.
func (c *sqliteConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.updated = nil
	return c.SQLiteConn.BeginTx(ctx, opts)
}

// ExecContext runs a statement; an UPDATE of one record by its id, in a
// transaction, returns the record, for the reading back that follows.
func (c *sqliteConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.updated = nil
	table, ok := sqliteReadBack.updateByID(query)
	if !ok || c.AutoCommit() {
		return c.SQLiteConn.ExecContext(ctx, query, args)
	}
	rows, err := c.SQLiteConn.QueryContext(ctx, query+" RETURNING *", args)
	if err != nil {
		return nil, err
	}
	row, n, err := sqliteReadBack.updated(table, rows)
	if err != nil {
		return nil, err
	}
	c.updated = row
	return driver.RowsAffected(n), nil
}

// QueryContext runs a query, or answers the reading back of the record the
// statement before updated.
func (c *sqliteConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if row := c.updated; row != nil {
		c.updated = nil
		if rows, ok := row.reread(query, args); ok {
			addStatements(ctx, -1) // answered here, not by the database
			return rows, nil
		}
	}
	return c.SQLiteConn.QueryContext(ctx, query, args)
}

// IsValid reports whether the pool may keep the connection.
func (c *sqliteConn) IsValid() bool { return c.epoch == c.h.epoch.Load() }

// ResetSession refuses a connection opened before the last fault, when the
// pool hands it out again.
func (c *sqliteConn) ResetSession(context.Context) error {
	if !c.IsValid() {
		return driver.ErrBadConn
	}
	return nil
}

// Close closes the database, and then lets Restore replace its file.
func (db *DB) Close() error {
	err := db.DB.Close()
	if db.release != nil {
		db.release()
	}
	return err
}

// Idle connections the pool keeps, and for how long. database/sql keeps two
// unless told otherwise, so a server answering more requests at once than
// that closes a connection after nearly every statement and opens another
// for the next: on PostgreSQL a new backend process and a sign-in each, on
// SQLite a file to open and the Swedish functions to install. Kept
// connections go after some idle time, so a burst of requests does not hold
// them for good.
const (
	maxIdleConns    = 64
	connMaxIdleTime = time.Minute
)

// sqliteConns is how many connections a SQLite database may have open at
// once. SQLite runs in the server's own process, on its cores: beyond a few
// connections per core, more only wait for a core and each holds a page
// cache of its own (2 MiB). On the benchmark at concurrency 32, 8 instead of
// as many as requests in flight cut the server's peak memory from 170 to
// 110 MiB with throughput the same or better. Requests beyond it wait for a
// connection in database/sql. A transaction never waits for a second
// connection (its statements use its own), so the limit cannot deadlock.
func sqliteConns() int {
	return max(4, 4*runtime.NumCPU())
}

// keepConnections sets how many idle connections db keeps.
func keepConnections(db *sql.DB) {
	db.SetMaxIdleConns(maxIdleConns)
	db.SetConnMaxIdleTime(connMaxIdleTime)
}

// sqliteDefaults are the connection settings a server needs. They go in the
// DSN, not in PRAGMA statements, because each applies to one connection and
// the pool opens connections at will.
var sqliteDefaults = []struct{ key, value string }{
	// Foreign keys are off in SQLite unless asked for; the schema's
	// cascades and references depend on them.
	{"_foreign_keys", "1"},
	// WAL lets readers go on while a writer writes.
	{"_journal_mode", "WAL"},
	// With WAL, FULL syncs the log on every commit: a write that was
	// acknowledged survives a power cut. NORMAL would be faster and could
	// lose the last commits.
	{"_synchronous", "FULL"},
	// Writers wait for each other for up to 5 s instead of failing with
	// "database is locked"...
	{"_busy_timeout", "5000"},
	// ...and take the write lock when their transaction begins, so two
	// transactions never both read and then both try to upgrade to a write.
	{"_txlock", "immediate"},
	// Keep each connection's prepared statements for the next request that
	// sends the same SQL (the driver caches none unless asked): preparing
	// them again cost a tenth of a list page's CPU time. Connections now
	// stay in the pool (keepConnections), so their caches are reused.
	{"_stmt_cache_size", "64"},
	// Each connection keeps a cache of the pages it read, up to 1,000 KiB
	// (SQLite's default is 2,000), and the pool holds 4 connections per
	// core. A commit empties every other connection's cache anyway (WAL),
	// and a page missed is read again from the operating system's cache of
	// the file: on the benchmark, peak memory fell by 5–8 MiB and neither
	// the reads' speed nor their CPU moved beyond the machine's noise.
	{"_cache_size", "-1000"},
}

// SQLiteDSN turns a file path or a "file:" DSN into a DSN with the server's
// defaults for every setting it does not name.
func SQLiteDSN(dsn string) (string, error) {
	if dsn == "" {
		return "", fmt.Errorf("empty database name")
	}
	path, query, _ := strings.Cut(dsn, "?")
	if !strings.HasPrefix(path, "file:") {
		path = "file:" + path
	}
	params, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("database DSN %q: %w", Redacted(dsn), err)
	}
	for _, d := range sqliteDefaults {
		if !params.Has(d.key) && !params.Has(shortKey(d.key)) {
			params.Set(d.key, d.value)
		}
	}
	return path + "?" + params.Encode(), nil
}

// shortKey is the alias go-sqlite3 also accepts for some settings.
func shortKey(key string) string {
	switch key {
	case "_foreign_keys":
		return "_fk"
	case "_journal_mode":
		return "_journal"
	case "_synchronous":
		return "_sync"
	}
	return key
}

// Client returns an ent client over the database.
func (db *DB) Client(opts ...ent.Option) *ent.Client {
	return ent.NewClient(append([]ent.Option{ent.Driver(db.Driver())}, opts...)...)
}

// Driver returns the ent driver Client uses, for clients that wrap it. On
// SQLite the transactions of all its drivers wait for each other in one
// queue (see writerQueue).
func (db *DB) Driver() dialect.Driver {
	drv := entsql.OpenDB(db.Dialect, db.DB)
	if db.Dialect != dialect.SQLite {
		return watched{Driver: drv, h: db.health}
	}
	db.writersOnce.Do(func() { db.writers = newGroups(db.DB) })
	return watched{Driver: &writerQueue{Driver: drv, groups: db.writers}, h: db.health}
}

// Migrate creates the tables and indexes the schema needs, or brings an
// older database up to date, its data included (see migrateScopes). It
// never drops a column, a table or a foreign key: on SQLite, dropping a
// foreign key rebuilds the table without the columns the schema no longer
// names, and so would lose their data before it has been copied.
func (db *DB) Migrate(ctx context.Context) error {
	if db.Dialect == dialect.Postgres {
		unlock, err := db.preparePostgres(ctx)
		if err != nil {
			return err
		}
		defer unlock()
	}
	client := db.Client()
	if err := client.Schema.Create(ctx,
		schema.WithApplyHook(addSQLiteCollations),
		schema.WithSkipChanges(schema.DropTable|schema.DropColumn|schema.DropIndex|schema.DropForeignKey),
	); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	if err := db.migrateScopes(ctx); err != nil {
		return err
	}
	for _, stmt := range joinTableIndexes {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("migrate schema: %w", err)
		}
	}
	for _, name := range retiredIndexes {
		if _, err := db.ExecContext(ctx, "DROP INDEX IF EXISTS "+name); err != nil {
			return fmt.Errorf("migrate schema: %w", err)
		}
	}
	if db.Dialect == dialect.Postgres {
		if err := leaveRoomForUpdates(ctx, db.DB); err != nil {
			return fmt.Errorf("migrate schema: %w", err)
		}
	}
	if err := search.Migrate(ctx, db.DB, db.Dialect); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	if err := db.countStatuses(ctx); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	if db.Dialect == dialect.SQLite {
		// Let SQLite refresh the statistics its planner chooses indexes
		// by, where they are missing or stale; cheap when they are not.
		if _, err := db.ExecContext(ctx, "PRAGMA optimize"); err != nil {
			return fmt.Errorf("optimize: %w", err)
		}
	}
	return nil
}

// joinTableIndexes let the many-to-many links be read from their second
// side (a municipality's activities, or its editors): the join tables' primary keys start
// with the activity, and ent's schema has no way to index a join table.
// Migrations leave indexes they do not know alone.
var joinTableIndexes = []string{
	"CREATE INDEX IF NOT EXISTS activity_municipalities_by_municipality ON activity_municipalities (municipality_id, activity_id)",
	"CREATE INDEX IF NOT EXISTS activity_institutions_by_institution ON activity_institutions (institution_id, activity_id)",
	"CREATE INDEX IF NOT EXISTS user_municipalities_by_municipality ON user_municipalities (municipality_id, user_id)",
	"CREATE INDEX IF NOT EXISTS user_institutions_by_institution ON user_institutions (institution_id, user_id)",
}

// retiredIndexes are indexes that older versions created and the schema no
// longer has. The migration drops no index by itself (it cannot tell one
// it no longer knows from one an operator added), so these go by name.
var retiredIndexes = []string{
	"activity_status", // see ent/schema/activity.go
}

// updatedOften are the tables whose rows are changed again and again (an
// activity's status, week after week), with how full PostgreSQL fills
// their pages (in per cent), leaving the rest for the rows' new versions.
// Measured on the benchmark's M1 (a status change of one activity after
// the other): at 100 (the default) next to none of the changes were
// heap-only, at 90 a quarter, at 70 two thirds, with 40 % less WAL a change.
var updatedOften = map[string]int{activity.Table: 70}

// leaveRoomForUpdates sets the fill factor of the tables updatedOften
// names. PostgreSQL writes a changed row as a new version; when that fits
// on the row's own page and no indexed column changed, the change is a
// heap-only (HOT) update, which writes no index entry, where otherwise
// every index of the table (the title's trigram index among them) gets
// one. Pages filled to the brim leave no room for it. New pages honour
// the setting; existing ones as they are rewritten (by VACUUM FULL).
func leaveRoomForUpdates(ctx context.Context, db *sql.DB) error {
	for table, fill := range updatedOften {
		want := "fillfactor=" + strconv.Itoa(fill)
		var set bool
		if err := db.QueryRowContext(ctx,
			`SELECT $2 = ANY(coalesce(reloptions, '{}')) FROM pg_class WHERE oid = to_regclass($1)`, table, want,
		).Scan(&set); err != nil {
			return fmt.Errorf("fill factor of %s: %w", table, err)
		}
		if set {
			continue
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("ALTER TABLE %q SET (%s)", table, want)); err != nil {
			return fmt.Errorf("fill factor of %s: %w", table, err)
		}
	}
	return nil
}

// Redacted is dsn fit to print or log: a password in it, in a URL's user
// part or in a parameter (password=, sslpassword=, SQLite's _auth_pass=),
// is replaced by xxxxx.
func Redacted(dsn string) string {
	base, query, hasQuery := strings.Cut(dsn, "?")
	if u, err := url.Parse(base); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			base = u.Redacted()
		}
	}
	if !hasQuery {
		return base
	}
	params := strings.Split(query, "&")
	for i, p := range params {
		key, _, ok := strings.Cut(p, "=")
		if name, err := url.QueryUnescape(key); ok && err == nil && strings.Contains(strings.ToLower(name), "pass") {
			params[i] = key + "=xxxxx"
		}
	}
	return base + "?" + strings.Join(params, "&")
}

// ClientOf is the client of the transaction ctx carries (a GraphQL
// mutation's: see ent.NewContext), so that what a mutation reads sees what
// it wrote, and otherwise c.
func ClientOf(ctx context.Context, c *ent.Client) *ent.Client {
	if tx := ent.FromContext(ctx); tx != nil {
		return tx
	}
	return c
}
