package schema

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"

	gen "github.com/samverkan/samverkan/ent"
)

// takeTurn waits, on PostgreSQL, for the turn named, and holds it until the
// transaction ends: an advisory lock of the database's schema, so that two
// transactions that read something and decide on it (the admins left, the
// plan's state) run one after the other. Turns taken shared run beside
// each other and wait only for one taken alone. SQLite needs none: its
// writers take turns anyway. Outside a transaction there is nothing to
// hold a turn for: a policy asked of a change that is not being made
// (viewerCanUpdate) takes none.
func takeTurn(ctx context.Context, c *gen.Client, name string, shared bool) error {
	if c.Dialect() != dialect.Postgres || !c.InTx() {
		return nil
	}
	lock := "pg_advisory_xact_lock"
	if shared {
		lock = "pg_advisory_xact_lock_shared"
	}
	if _, err := c.ExecContext(ctx, `SELECT `+lock+`(hashtext(current_schema() || '.' || $1))`, name); err != nil {
		return fmt.Errorf("wait for the turn to change %s: %w", name, err)
	}
	return nil
}
