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

	"golang.org/x/term"

	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/institution"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/storage"
)

const userUsage = `Usage:
  samverkan user add [flags] USERNAME   create a user; the password is read from
                                        the terminal (asked twice) or the first line of stdin

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
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(a.stderr, userUsage)
		return errUsage
	}
	fs := a.flags("user add")
	fs.Usage = func() { fmt.Fprint(fs.Output(), userUsage) }
	dsn := fs.String("db", a.env("SAMVERKAN_DB", "samverkan.db"), "")
	admin := fs.Bool("admin", false, "")
	roleName := fs.String("role", string(auth.RoleViewer), "")
	name := fs.String("name", "", "")
	var codes, institutions stringList
	fs.Var(&codes, "municipality", "")
	fs.Var(&institutions, "institution", "")
	// The username may come before, between or after the flags.
	var positional []string
	for rest := args[1:]; ; {
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
	fmt.Fprintf(a.stdout, "Added %s (%s, %s) to %s.\n", u.Username, u.DisplayName, u.Role, *dsn)
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
