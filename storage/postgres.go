package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"entgo.io/ent/dialect"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/samverkan/samverkan/swedish"
)

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func openPostgres(dsn string) (*DB, error) {
	cfg, err := PostgresConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	h := newHealth()
	db := sql.OpenDB(pgConnector{Connector: stdlib.GetConnector(*cfg), h: h})
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	keepConnections(db)
	return &DB{DB: db, Dialect: dialect.Postgres, DSN: dsn, health: h}, nil
}

// PostgresConfig is how the server connects to the PostgreSQL database dsn
// names: pgx's reading of it, but for TLS on the machine's own loopback.
// There, unless the URL or the environment chooses an sslmode (or any other
// ssl setting), the server connects without TLS and falls back to TLS only
// if the database refuses that (libpq's sslmode "allow"), where libpq's and
// pgx's default ("prefer") would encrypt first. On loopback, or on a Unix
// socket, the traffic never leaves the machine, so TLS protects nothing
// there; it cost 15 % of the server's CPU on a change (the benchmark's M1,
// 348 against 313 µs) and as much again in PostgreSQL's backend.
func PostgresConfig(dsn string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil || tlsChosen(dsn) || !onLoopback(cfg) {
		return cfg, err
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("sslmode", "allow")
	u.RawQuery = q.Encode()
	return pgx.ParseConfig(u.String())
}

// tlsChosen reports whether the URL dsn or the environment says anything
// of TLS (sslmode, a certificate, a key), which is then left as it says.
func tlsChosen(dsn string) bool {
	for _, env := range []string{"PGSSLMODE", "PGSSLCERT", "PGSSLKEY", "PGSSLROOTCERT", "PGSSLNEGOTIATION"} {
		if os.Getenv(env) != "" {
			return true
		}
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return true
	}
	for key := range u.Query() {
		if strings.HasPrefix(strings.ToLower(key), "ssl") {
			return true
		}
	}
	return false
}

// onLoopback reports whether every host cfg may connect to is this machine:
// a Unix socket, localhost or a loopback address.
func onLoopback(cfg *pgx.ConnConfig) bool {
	hosts := []string{cfg.Host}
	for _, f := range cfg.Fallbacks {
		hosts = append(hosts, f.Host)
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); !strings.HasPrefix(h, "/") && h != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return false
		}
	}
	return true
}

// pgConnector opens the pool's PostgreSQL connections.
type pgConnector struct {
	driver.Connector
	h *health
}

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	epoch := c.h.epoch.Load()
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc, ok := conn.(*stdlib.Conn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("open postgres: the driver gave a %T", conn)
	}
	return &pgConn{Conn: pc, h: c.h, epoch: epoch}, nil
}

// pgConn is a connection of the pool that is not used again after a
// storage fault (see health): a session begun while the database was
// read-only stays read-only.
type pgConn struct {
	*stdlib.Conn
	h     *health
	epoch uint64
	tx    *pgTx // the transaction under way, if it is one of BeginTx's (see pgpipeline.go)
}

// IsValid reports whether the pool may keep the connection.
func (c *pgConn) IsValid() bool { return c.epoch == c.h.epoch.Load() }

// ResetSession refuses a connection opened before the last fault, and
// otherwise lets pgx check it.
func (c *pgConn) ResetSession(ctx context.Context) error {
	if !c.IsValid() {
		return driver.ErrBadConn
	}
	return c.Conn.ResetSession(ctx)
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
	stmt := fmt.Sprintf(`CREATE COLLATION IF NOT EXISTS %q (provider = icu, locale = 'sv-SE')`, swedish.Collation)
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
