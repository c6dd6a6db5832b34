package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"entgo.io/ent/dialect"
	"golang.org/x/term"

	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/institution"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/live"
	"github.com/samverkan/samverkan/storage"
)

const userUsage = `Usage:
  samverkan user add [flags] USERNAME   create a user; the password is read from
                                        the terminal (asked twice) or the first line of stdin
  samverkan user list [--db DB]         list the users, their roles and scopes
  samverkan user passwd [--db DB] USERNAME
                                        set a user's password (read as for add) and
                                        sign out the user's sessions
  samverkan user disable [--db DB] USERNAME
                                        stop a user from signing in; the user's tokens
                                        stop working (the last admin stays enabled)
  samverkan user enable [--db DB] USERNAME
                                        let a disabled user sign in again
  samverkan user delete [--db DB] USERNAME
                                        delete a user and the user's tokens; the changes
                                        the user made stay in the audit trail

Flags of user add:
  --admin              make the user an admin (the same as --role ADMIN)
  --role ROLE          ADMIN, EDITOR or VIEWER (default VIEWER)
  --name NAME          the name others see (default: the username)
  --municipality CODE  an editor's scope: a municipality's code, e.g. 1880 (repeatable)
  --institution NAME   an editor's scope: an institution's name (repeatable)
  --db DB              as for serve

Example:
  samverkan user add --admin --name "Anna Berg" anna
`

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func (a *app) user(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, userUsage)
		return errUsage
	}
	switch args[0] {
	case "add":
		return a.userAdd(ctx, args[1:])
	case "list":
		return a.userList(ctx, args[1:])
	case "passwd", "delete", "disable", "enable":
		return a.userChange(ctx, args[0], args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(a.stdout, userUsage)
		return errHelp
	}
	fmt.Fprintf(a.stderr, "samverkan: unknown command \"user %s\"\n\n%s", args[0], userUsage)
	return errUsage
}

func (a *app) userAdd(ctx context.Context, args []string) error {
	fs := a.flags("user add")
	fs.Usage = func() { fmt.Fprint(fs.Output(), userUsage) }
	dsn := fs.String("db", a.env("SAMVERKAN_DB", defaultDB), "")
	admin := fs.Bool("admin", false, "")
	roleName := fs.String("role", string(auth.RoleViewer), "")
	name := fs.String("name", "", "")
	var codes, institutions stringList
	fs.Var(&codes, "municipality", "")
	fs.Var(&institutions, "institution", "")
	// The username may come before, between or after the flags.
	var positional []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return errHelp
			}
			return errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		positional, rest = append(positional, fs.Arg(0)), fs.Args()[1:]
	}
	if len(positional) != 1 {
		fmt.Fprint(a.stderr, "samverkan: user add needs one USERNAME\n\n"+userUsage)
		return errUsage
	}
	username := positional[0]
	role := auth.Role(strings.ToUpper(*roleName))
	if *admin {
		role = auth.RoleAdmin
	}
	if err := role.UnmarshalGQL(string(role)); err != nil {
		fmt.Fprintf(a.stderr, "samverkan: --role: %v\n", err)
		return errUsage
	}
	if *name == "" {
		*name = username
	}

	password, err := a.readPassword()
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: %v\n", err)
		return err
	}
	db, err := storage.Open(*dsn)
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: cannot open the database: %v\n", err)
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		fmt.Fprintf(a.stderr, "samverkan: cannot migrate the database: %v\n", err)
		return err
	}
	client := db.Client()
	input := ent.CreateUserInput{Username: username, DisplayName: *name, Role: &role}
	if input.MunicipalityIDs, err = client.Municipality.Query().Where(municipality.CodeIn(codes...)).IDs(ctx); err == nil && len(input.MunicipalityIDs) != len(codes) {
		err = fmt.Errorf("--municipality: not every code names a municipality: %s", codes.String())
	}
	if err == nil {
		if input.InstitutionIDs, err = client.Institution.Query().Where(institution.NameIn(institutions...)).IDs(ctx); err == nil && len(input.InstitutionIDs) != len(institutions) {
			err = fmt.Errorf("--institution: not every name names an institution: %s", institutions.String())
		}
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: %v\n", err)
		return errUsage
	}
	u, err := accounts.AddUser(ctx, client, input, password)
	if ent.IsConstraintError(err) {
		// The one unique value of a user; the scope is checked above and
		// shared freely. ent's own message names SQL, not the flag.
		fmt.Fprintf(a.stderr, "samverkan: cannot add the user: there is a user named %q already\n", username)
		return err
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: cannot add the user: %v\n", err)
		return err
	}
	fmt.Fprintf(a.stdout, "Added %s (%s, %s) to %s.\n", u.Username, u.DisplayName, u.Role, storage.Redacted(*dsn))
	return nil
}

// readPassword asks for a password twice on a terminal, without echo, or
// reads the first line of a non-terminal stdin (for scripts).
func (a *app) readPassword() (string, error) {
	if f, ok := a.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(a.stderr, "Password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(a.stderr, "Password again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(first) != string(again) {
			return "", errors.New("the passwords differ")
		}
		return string(first), nil
	}
	if a.stdin == nil {
		return "", errors.New("no password: give it on stdin")
	}
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return "", errors.New("no password: give it on stdin")
	}
	return password, auth.CheckPasswordRules(password)
}

// openUsers opens the database of the user commands, migrated.
func (a *app) openUsers(ctx context.Context, dsn string) (*storage.DB, error) {
	db, err := storage.Open(dsn)
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: cannot open the database: %v\n", err)
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		fmt.Fprintf(a.stderr, "samverkan: cannot migrate the database: %v\n", err)
		return nil, err
	}
	return db, nil
}

func (a *app) userList(ctx context.Context, args []string) error {
	fs := a.flags("user list")
	fs.Usage = func() { fmt.Fprint(fs.Output(), userUsage) }
	dsn := fs.String("db", a.env("SAMVERKAN_DB", defaultDB), "")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	db, err := a.openUsers(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	users, err := accounts.ListUsers(ctx, db.Client())
	if err != nil {
		fmt.Fprintf(a.stderr, "samverkan: cannot read the users: %v\n", err)
		return err
	}
	if len(users) == 0 {
		fmt.Fprintln(a.stdout, "No users yet: create an admin with `samverkan user add --admin NAME`.")
		return nil
	}
	w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "USERNAME\tROLE\tNAME\tSCOPE\tCREATED\tSTATUS")
	for _, u := range users {
		var scope []string
		for _, m := range u.Edges.Municipalities {
			scope = append(scope, m.Name)
		}
		for _, i := range u.Edges.Institutions {
			scope = append(scope, i.Name)
		}
		if len(scope) == 0 {
			scope = []string{"-"}
		}
		status := "enabled"
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Username, u.Role, u.DisplayName, strings.Join(scope, ", "), u.CreatedAt.Format("2006-01-02"), status)
	}
	return w.Flush()
}

// userChange runs user passwd, disable, enable and delete, which name one
// user.
func (a *app) userChange(ctx context.Context, cmd string, args []string) error {
	fs := a.flags("user " + cmd)
	fs.Usage = func() { fmt.Fprint(fs.Output(), userUsage) }
	dsn := fs.String("db", a.env("SAMVERKAN_DB", defaultDB), "")
	names, err := a.interspersed(fs, args)
	if err != nil {
		return err
	}
	if len(names) != 1 {
		fmt.Fprintf(a.stderr, "samverkan: user %s needs one USERNAME\n\n%s", cmd, userUsage)
		return errUsage
	}
	username := names[0]
	var password string
	if cmd == "passwd" {
		if password, err = a.readPassword(); err != nil {
			fmt.Fprintf(a.stderr, "samverkan: %v\n", err)
			return err
		}
	}
	db, err := a.openUsers(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	done := ""
	switch cmd {
	case "passwd":
		err = accounts.SetPassword(ctx, db.Client(), username, password)
		done = fmt.Sprintf("Set the password of %s; the user's sessions are signed out.", username)
	case "disable", "enable":
		err = accounts.SetDisabled(ctx, db.Client(), username, cmd == "disable")
		done = fmt.Sprintf("Disabled %s: the user cannot sign in, and the user's tokens stop working.", username)
		if cmd == "enable" {
			done = fmt.Sprintf("Enabled %s: the user can sign in again.", username)
		}
	case "delete":
		err = accounts.DeleteUser(ctx, db.Client(), username)
		done = fmt.Sprintf("Deleted %s from %s.", username, *dsn)
	}
	if err != nil {
		// The refusals (no such user, the last admin, a password too
		// short) say what is wrong in words; anything else is a fault
		// of the database.
		if accounts.IsRefusal(err) {
			fmt.Fprintf(a.stderr, "samverkan: user %s %s: %v\n", cmd, username, err)
		} else {
			fmt.Fprintf(a.stderr, "samverkan: user %s %s: the database failed: %v\n", cmd, username, err)
		}
		return err
	}
	fmt.Fprintln(a.stdout, done)
	if db.Dialect == dialect.Postgres {
		// The servers on the database forget the user's kept tokens now,
		// rather than within accounts.ViewerCacheTTL.
		if err := live.TellViewersChanged(ctx, db.DB); err != nil {
			fmt.Fprintf(a.stderr, "samverkan: could not tell the running servers; they see it within %s: %v\n", accounts.ViewerCacheTTL, err)
		}
	}
	return nil
}
