package storage

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	atlas "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"

	"github.com/samverkan/samverkan/ent/migrate"
)

// addSQLiteCollations writes the COLLATE clauses that the schema gives to
// names and titles into the SQLite statements of a migration. Atlas, which
// ent migrates with, writes column collations for MySQL and PostgreSQL but
// leaves them out for SQLite; without them SQLite would sort by bytes.
// Atlas does not compare collations when it inspects a SQLite table either,
// so the clause added here causes no change on the next start.
func addSQLiteCollations(next schema.Applier) schema.Applier {
	return schema.ApplyFunc(func(ctx context.Context, conn dialect.ExecQuerier, plan *atlas.Plan) error {
		for _, c := range plan.Changes {
			c.Cmd = collateColumns(c.Cmd)
		}
		return next.Apply(ctx, conn, plan)
	})
}

// collatedColumn is a column definition to rewrite: in a statement that
// creates the table (or the copy Atlas makes when it rebuilds one) or adds a
// column to it, "`name` text" becomes "`name` text COLLATE <collation>".
type collatedColumn struct {
	statement *regexp.Regexp
	from, to  string
}

var collatedColumns = func() []collatedColumn {
	var cols []collatedColumn
	for _, t := range migrate.Tables {
		stmt := regexp.MustCompile(fmt.Sprintf("^(CREATE TABLE `(new_)?%[1]s`|ALTER TABLE `%[1]s` ADD COLUMN)", regexp.QuoteMeta(t.Name)))
		for _, c := range t.Columns {
			if c.Collation == "" {
				continue
			}
			cols = append(cols, collatedColumn{
				statement: stmt,
				from:      "`" + c.Name + "` text ",
				to:        "`" + c.Name + "` text COLLATE " + c.Collation + " ",
			})
		}
	}
	return cols
}()

func collateColumns(cmd string) string {
	for _, c := range collatedColumns {
		if c.statement.MatchString(cmd) && !strings.Contains(cmd, c.to) {
			cmd = strings.ReplaceAll(cmd, c.from, c.to)
		}
	}
	return cmd
}
