package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/ent"
	_ "github.com/samverkan/samverkan/ent/runtime" // the schema's hooks and validators
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/kolada"
	"github.com/samverkan/samverkan/live"
	"github.com/samverkan/samverkan/metrics"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/server"
	"github.com/samverkan/samverkan/storage"
)

// errUsage marks a mistake on the command line; its text has been printed.
var errUsage = errors.New("usage")

// errHelp marks a request for help, which has been printed.
var errHelp = errors.New("help")

// app is the program with its surroundings made explicit, so that tests
// can run it as it runs for users.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// listening, if set, is told the address the server listens on.
	listening func(addr string)
}

// usageText is the help, its flags' defaults as {flag}, filled in by usage.
const usageText = `Samverkan serves a region's culture plan as a GraphQL API with an admin page.

Usage:
  samverkan [serve] [flags]   serve the API (the default command)
  samverkan seed [flags]      load seed data into the database and exit
  samverkan user add USERNAME create a user (user add -h for flags)
  samverkan user list         list the users
  samverkan user passwd USERNAME
                              set a user's password
  samverkan user disable USERNAME
                              stop a user from signing in (user enable to undo)
  samverkan user delete USERNAME
                              delete a user
  samverkan backup [--db DB] FILE
                              copy the SQLite database to FILE while it is in use
  samverkan restore [--db DB] [--force] FILE
                              replace the database with a backup (stop the server first)
  samverkan kolada fetch [--db DB] [--kolada-url URL] INDICATOR_ID
                              fetch an indicator's values from Kolada
  samverkan kolada import [--db DB] INDICATOR_ID FILE
                              import them from a file of Kolada's JSON ("-": stdin)
  samverkan import [--db DB] [--plan ID] [--dry-run] FILE
                              import activities or follow-ups from CSV or .xlsx (import -h)
  samverkan bench [flags]     measure the server on the national dataset (bench -h for flags);
                              only in a build with -tags bench: go run -tags bench ./cmd/samverkan bench
  samverkan help              show this help
  samverkan --version         show the version and the commit it was built from

Flags of serve:
  --addr ADDR   address to listen on (default {addr}, or $SAMVERKAN_ADDR)
  --db DB       SQLite file path or "file:" DSN, or a PostgreSQL URL
                (postgres://user:password@host/db) (default {db}, or $SAMVERKAN_DB)
  --max-cost N  most records a query may ask for, nested page sizes multiplied
                (default {max-cost}, or $SAMVERKAN_MAX_COST; 0: no limit)
  --max-depth N deepest a query may nest fields (default {max-depth}, or $SAMVERKAN_MAX_DEPTH)
  --max-tokens N
                most tokens a query's text may have (default {max-tokens}, or $SAMVERKAN_MAX_TOKENS)
  --max-repeats N
                most fields a query may repeat under one name (or alias) in a selection
                set, plus fragment spreads (default {max-repeats}, or $SAMVERKAN_MAX_REPEATS)
  --timeout D   longest a request may run, its SQL cancelled after (default {timeout},
                or $SAMVERKAN_TIMEOUT)
  --mutation-rate R
                changes per second one client (IP address) may make on average
                (default {mutation-rate}, or $SAMVERKAN_MUTATION_RATE; 0: no limit)
  --mutation-burst N
                changes one client may make at once (default {mutation-burst}, or $SAMVERKAN_MUTATION_BURST)
  --private     reading needs a token too, for a plan that is not public
                (default false, or $SAMVERKAN_PRIVATE=true)
  --session-ttl D
                how long a sign-in lasts (default {session-ttl}, or $SAMVERKAN_SESSION_TTL)
  --trusted-proxies LIST
                reverse proxies whose X-Forwarded-For names the client, as
                addresses or networks, comma-separated: "127.0.0.1,10.0.0.0/8"
                (default none, or $SAMVERKAN_TRUSTED_PROXIES); from anyone else
                the header is ignored. The client's address keys the mutation
                rate limit and the password throttle.
  --cors-origins LIST
                origins whose pages may call the API from a browser, comma-separated
                (https://plan.example.se,http://localhost:5173; "*" for any; default
                none, or $SAMVERKAN_CORS_ORIGINS)
  --metrics-addr ADDR
                serve Prometheus metrics at http://ADDR/metrics (default none: no
                metrics, or $SAMVERKAN_METRICS_ADDR); give an address only those who
                may see them reach, such as localhost:9090
  --log-format F
                text (key=value lines) or json (one object a line) (default text,
                or $SAMVERKAN_LOG_FORMAT)
  --log-level L debug, info, warn or error: the least severe logged (default info,
                or $SAMVERKAN_LOG_LEVEL); requests are logged at info
  --backup-dir DIR
                back the SQLite database up into DIR on a schedule (default none: no
                scheduled backups, or $SAMVERKAN_BACKUP_DIR)
  --backup-every D
                time between scheduled backups (default {backup-every}, or $SAMVERKAN_BACKUP_EVERY)
  --backup-keep N
                scheduled backups to keep, the oldest removed (default {backup-keep}, or
                $SAMVERKAN_BACKUP_KEEP)
  --kolada-url URL
                address of Kolada's API v3, which fetchKolada asks (default
                {kolada-url}, or $SAMVERKAN_KOLADA_URL)

Flags of seed:
  --db DB       as for serve
  --national    load the generated national dataset (21 plans, 290 municipalities,
                20,000 activities) instead of the Örebro plan; the database must be empty

On its first start, serve creates the database and loads the Örebro plan.
Changes need a signed-in user. Create the first admin with
  samverkan user add --admin NAME
or start serve once with SAMVERKAN_ADMIN_PASSWORD set: if there are no users
yet, it creates the admin "admin" with that password.
`

// Defaults of serve's flags that the help names too (the limits' are
// graph.DefaultLimits and limits.go's).
const (
	defaultAddr        = "localhost:8080"
	defaultDB          = "samverkan.db"
	defaultBackupEvery = 24 * time.Hour
	defaultBackupKeep  = 7
)

// usage is the help, with the flags' defaults where they are defined.
var usage = strings.NewReplacer(
	"{addr}", defaultAddr,
	"{db}", defaultDB,
	"{max-cost}", strconv.Itoa(graph.DefaultLimits.MaxCost),
	"{max-depth}", strconv.Itoa(graph.DefaultLimits.MaxDepth),
	"{max-tokens}", strconv.Itoa(graph.DefaultLimits.MaxTokens),
	"{max-repeats}", strconv.Itoa(graph.DefaultLimits.MaxRepeats),
	"{timeout}", graph.DefaultLimits.Timeout.String(),
	"{mutation-rate}", strconv.Itoa(defaultMutationRate),
	"{mutation-burst}", strconv.Itoa(defaultMutationBurst),
	"{session-ttl}", shortDuration(accounts.DefaultSessionTTL),
	"{backup-every}", shortDuration(defaultBackupEvery),
	"{backup-keep}", strconv.Itoa(defaultBackupKeep),
	"{kolada-url}", kolada.DefaultURL,
).Replace(usageText)

// shortDuration writes whole hours and minutes as 12h and 5m rather than
// 12h0m0s and 5m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "h0m0s") {
		return strings.TrimSuffix(s, "0m0s")
	}
	if strings.HasSuffix(s, "m0s") {
		return strings.TrimSuffix(s, "0s")
	}
	return s
}

func (a *app) run(ctx context.Context, args []string) error {
	cmd := "serve"
	switch {
	case len(args) > 0 && (args[0] == "--version" || args[0] == "-version"):
		cmd, args = "version", args[1:]
	case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = a.serve(ctx, args)
	case "seed":
		err = a.seed(ctx, args)
	case "bench":
		err = a.bench(ctx, args)
	case "user":
		err = a.user(ctx, args)
	case "backup":
		err = a.backup(ctx, args)
	case "restore":
		err = a.restore(ctx, args)
	case "kolada":
		err = a.kolada(ctx, args)
	case "import":
		err = a.importFile(ctx, args)
	case "help":
		fmt.Fprint(a.stdout, usage)
	case "version":
		fmt.Fprintln(a.stdout, version())
	default:
		fmt.Fprintf(a.stderr, "samverkan: unknown command %q\n\n%s", cmd, usage)
		return errUsage
	}
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

// flags returns a flag set that prints the usage on -h and on mistakes.
func (a *app) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage) }
	return fs
}

func (a *app) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(a.stderr, "samverkan: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	return nil
}

func (a *app) env(name, fallback string) string {
	if v := a.getenv(name); v != "" {
		return v
	}
	return fallback
}

// logging is how the program logs: --log-format and --log-level.
type logging struct {
	format logFormat
	level  slog.Level
}

// addLogFlags adds --log-format and --log-level to fs.
func addLogFlags(fs *flag.FlagSet) *logging {
	l := &logging{format: "text", level: slog.LevelInfo}
	fs.Var(&l.format, "log-format", "text or json")
	fs.TextVar(&l.level, "log-level", slog.LevelInfo, "debug, info, warn or error")
	return l
}

// logFormat is text (slog's key=value lines) or json (one object a line).
type logFormat string

func (f *logFormat) String() string { return string(*f) }

func (f *logFormat) Set(v string) error {
	switch v = strings.ToLower(v); v {
	case "text", "json":
		*f = logFormat(v)
		return nil
	}
	return errors.New(`want "text" or "json"`)
}

// logger logs to stderr as l says; nil l is text at level info.
func (a *app) logger(l *logging) *slog.Logger {
	if l == nil {
		l = &logging{format: "text", level: slog.LevelInfo}
	}
	opts := &slog.HandlerOptions{Level: l.level}
	if l.format == "json" {
		return slog.New(slog.NewJSONHandler(a.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(a.stderr, opts))
}

func (a *app) serve(ctx context.Context, args []string) error {
	fs := a.flags("serve")
	addr := fs.String("addr", a.env("SAMVERKAN_ADDR", defaultAddr), "address to listen on")
	dsn := fs.String("db", a.env("SAMVERKAN_DB", defaultDB), "SQLite file path or DSN, or PostgreSQL URL")
	limits := addLimitFlags(fs)
	private := fs.Bool("private", false, "reading needs a token too")
	sessionTTL := fs.Duration("session-ttl", accounts.DefaultSessionTTL, "how long a sign-in lasts")
	proxyList := fs.String("trusted-proxies", "", "reverse proxies whose X-Forwarded-For names the client: addresses or CIDR networks, comma-separated")
	corsList := fs.String("cors-origins", "", "origins (comma-separated) whose pages may call the API")
	backupDir := fs.String("backup-dir", "", "directory for scheduled backups")
	backupEvery := fs.Duration("backup-every", defaultBackupEvery, "time between scheduled backups")
	backupKeep := fs.Int("backup-keep", defaultBackupKeep, "scheduled backups to keep")
	logs := addLogFlags(fs)
	metricsAddr := fs.String("metrics-addr", "", "address to serve /metrics on")
	koladaURL := fs.String("kolada-url", kolada.DefaultURL, "address of Kolada's API v3, for fetchKolada")
	publicURL := fs.String("public-url", "", "the address the server is reached at from outside, e.g. https://samverkan.region.se, for the open-data catalogue (by default the request's)")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if err := limits.resolve(a, fs); err != nil {
		return err
	}
	if err := a.fromEnv(fs, map[string]string{
		"private": "SAMVERKAN_PRIVATE", "session-ttl": "SAMVERKAN_SESSION_TTL",
		"trusted-proxies": "SAMVERKAN_TRUSTED_PROXIES", "cors-origins": "SAMVERKAN_CORS_ORIGINS",
		"backup-dir": "SAMVERKAN_BACKUP_DIR", "backup-every": "SAMVERKAN_BACKUP_EVERY", "backup-keep": "SAMVERKAN_BACKUP_KEEP",
		"log-format": "SAMVERKAN_LOG_FORMAT", "log-level": "SAMVERKAN_LOG_LEVEL",
		"metrics-addr": "SAMVERKAN_METRICS_ADDR", "kolada-url": "SAMVERKAN_KOLADA_URL",
		"public-url": "SAMVERKAN_PUBLIC_URL",
	}); err != nil {
		return err
	}
	koladaClient, err := kolada.New(*koladaURL)
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: --kolada-url: %v\n", err)
		return errUsage
	}
	proxies, err := server.ParseTrustedProxies(*proxyList)
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: --trusted-proxies: %v\n", err)
		return errUsage
	}
	corsOrigins, err := server.ParseOrigins(*corsList)
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: --cors-origins: %v\n", err)
		return errUsage
	}
	if err := server.CheckPublicURL(*publicURL); err != nil {
		fmt.Fprintf(a.stderr, "samverkan: --public-url: %v\n", err)
		return errUsage
	}
	if *sessionTTL <= 0 {
		fmt.Fprintln(a.stderr, "samverkan: --session-ttl must be positive")
		return errUsage
	}
	if *backupDir != "" {
		switch {
		case storage.IsPostgres(*dsn):
			fmt.Fprintf(a.stderr, "samverkan: --backup-dir: %v\n", storage.ErrPostgresBackup)
			return errUsage
		case *backupEvery < time.Second:
			fmt.Fprintln(a.stderr, "samverkan: --backup-every must be at least 1s")
			return errUsage
		case *backupKeep < 1:
			fmt.Fprintln(a.stderr, "samverkan: --backup-keep must be at least 1")
			return errUsage
		}
	}
	log := a.logger(logs)
	fail := func(msg string, err error) error {
		log.Error(msg, "error", err)
		return err
	}

	// Listening comes first, so that a start that cannot listen (the
	// port is taken) says so before it creates or changes anything.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail("cannot listen", err)
	}
	defer ln.Close()
	// The metrics have an address of their own, off unless given: a
	// scraper needs no token, and the operator decides who reaches it
	// (localhost, an internal network) as for any other port.
	var metricsLn net.Listener
	if *metricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", *metricsAddr); err != nil {
			return fail("cannot listen for the metrics", err)
		}
		defer metricsLn.Close()
	}
	if *backupDir != "" {
		if err := os.MkdirAll(*backupDir, 0o750); err != nil {
			return fail("cannot create the backup directory", err)
		}
	}

	db, err := storage.Open(*dsn)
	if err != nil {
		return fail("cannot open the database", err)
	}
	defer db.Close()
	db.SetLogger(log)
	if err := db.CheckIntegrity(ctx); err != nil {
		return fail("cannot serve the database", err)
	}
	client, countSQL := a.benchClient(db)
	if err := db.Migrate(ctx); err != nil {
		return fail("cannot migrate the database", err)
	}
	empty, err := seed.IsEmpty(ctx, client)
	if err != nil {
		return fail("cannot read the database", err)
	}
	if empty {
		if err := seed.LoadOrebro(ctx, client); err != nil {
			return fail("cannot load the Örebro plan", err)
		}
		log.Info("first start: loaded the Örebro plan", "db", storage.Redacted(*dsn))
	}
	if err := a.firstAdmin(ctx, client, log); err != nil {
		return fail("cannot create the first admin", err)
	}

	if *backupDir != "" {
		backupCtx, stopBackups := context.WithCancel(ctx)
		backupsDone := make(chan struct{})
		// A backup under way is let finish (its step cannot be
		// interrupted) before the database closes.
		defer func() { stopBackups(); <-backupsDone }()
		go func() {
			defer close(backupsDone)
			scheduledBackups(backupCtx, db, *backupDir, *backupEvery, *backupKeep, log)
		}()
		log.Info("scheduled backups", "dir", *backupDir, "every", *backupEvery, "keep", *backupKeep)
	}
	hub := live.New(client, log, limits.hubOptions()...)
	if db.Dialect == dialect.Postgres {
		// Changes made through the other servers on the database reach
		// this one's subscribers, and their changes of tokens and users
		// its viewer cache.
		listenCtx, stopListening := context.WithCancel(ctx)
		defer stopListening()
		if err := hub.Listen(listenCtx, db.DB, db.DSN); err != nil {
			return fail("cannot listen for other servers' changes", err)
		}
	}
	acc := accounts.New(client, accounts.WithSessionTTL(*sessionTTL), accounts.WithPeers(hub))
	api := graph.NewHandler(client, acc, log, graph.WithLimits(limits.graph()),
		graph.WithCompiledReads(db.Dialect), graph.WithKolada(koladaClient), graph.WithLive(hub))
	serverOptions := []server.Option{
		server.WithPrivateReads(*private),
		server.WithTrustedProxies(proxies),
		server.WithCORSOrigins(corsOrigins),
		server.WithPublicURL(*publicURL),
	}
	if metricsLn != nil {
		m := metrics.New()
		m.WatchWriters(db)
		serverOptions = append(serverOptions, server.WithObserver(m.Observe))
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", m)
		metricsSrv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 10 * time.Second}
		go metricsSrv.Serve(metricsLn)
		defer metricsSrv.Close()
	}
	srv := &http.Server{
		Handler:           countSQL(server.New(client, db, acc, api, log, serverOptions...)),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      limits.writeTimeout(),
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(a.stdout, "Samverkan is serving %s\n  Admin page:   %s/admin/\n  GraphQL API:  %s/graphql\n  Playground:   %s/playground/\n  Health:       %s/healthz\n",
		storage.Redacted(*dsn), base, base, base, base)
	if metricsLn != nil {
		fmt.Fprintf(a.stdout, "  Metrics:      http://%s/metrics\n", metricsLn.Addr())
	}
	if a.listening != nil {
		a.listening(ln.Addr().String())
	}

	// Streams of live updates end at shutdown, so that it need not wait
	// for their clients.
	srv.RegisterOnShutdown(hub.Close)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fail("server stopped", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fail("shutdown", err)
	}
	return nil
}

// fromEnv fills the flags the command line did not give from their
// environment variables, in the order of the flags' names, so that the
// first bad value reported is always the same one.
func (a *app) fromEnv(fs *flag.FlagSet, env map[string]string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, name := range slices.Sorted(maps.Keys(env)) {
		variable := env[name]
		if v := a.getenv(variable); v != "" && !given[name] {
			if err := fs.Set(name, v); err != nil {
				fmt.Fprintf(a.stderr, "samverkan: %s=%q: %v\n", variable, v, err)
				return errUsage
			}
		}
	}
	return nil
}

// firstAdmin creates the admin "admin" from SAMVERKAN_ADMIN_PASSWORD when
// there are no users yet, and otherwise says how to create one.
func (a *app) firstAdmin(ctx context.Context, client *ent.Client, log *slog.Logger) error {
	password := a.getenv("SAMVERKAN_ADMIN_PASSWORD")
	if password == "" {
		has, err := accounts.HasUsers(ctx, client)
		if err == nil && !has {
			log.Warn("no users yet, so nobody can change the plan: create an admin with `samverkan user add --admin NAME`, or start once with SAMVERKAN_ADMIN_PASSWORD set")
		}
		return err
	}
	created, err := accounts.EnsureFirstAdmin(ctx, client, password)
	if err != nil {
		return err
	}
	if created {
		log.Info(`first start: created the admin "admin" from SAMVERKAN_ADMIN_PASSWORD`)
	} else {
		log.Info("SAMVERKAN_ADMIN_PASSWORD is ignored: there are users already")
	}
	return nil
}

func (a *app) seed(ctx context.Context, args []string) error {
	fs := a.flags("seed")
	dsn := fs.String("db", a.env("SAMVERKAN_DB", defaultDB), "SQLite file path or DSN, or PostgreSQL URL")
	national := fs.Bool("national", false, "load the national benchmark dataset")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	log := a.logger(nil)
	db, err := storage.Open(*dsn)
	if err != nil {
		log.Error("cannot open the database", "error", err)
		return err
	}
	defer db.Close()
	client := db.Client()
	if err := db.Migrate(ctx); err != nil {
		log.Error("cannot migrate the database", "error", err)
		return err
	}
	start := time.Now()
	what := "the Örebro plan"
	if *national {
		what = "the national dataset"
		err = seed.National(ctx, client)
	} else {
		err = seed.LoadOrebro(ctx, client)
	}
	if err != nil {
		log.Error("cannot load "+what, "error", err)
		return err
	}
	fmt.Fprintf(a.stdout, "Loaded %s into %s in %s.\n", what, storage.Redacted(*dsn), time.Since(start).Round(time.Millisecond))
	return nil
}
