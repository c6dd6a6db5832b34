package storage

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"
)

// StatusCountsTable holds, on SQLite, how many activities each heading
// (objective_id) has in each status (status, n): the activities per status
// that the compiled reports read instead of counting a plan's activities
// (package compile). Triggers on activities keep it, so no write can miss
// it, and it is counted again from the activities at every start, in the
// migration's transaction, so that a file written while the triggers were
// missing (a table rebuilt by a migration drops its triggers) is right
// again. The reports' resolvers, and every report of a year, count the
// activities themselves; the tests hold the two to the same figures.
//
// PostgreSQL counts: its rows would be updated by every status change of
// their heading's activities, each holding its row's lock until commit.
const StatusCountsTable = "activity_status_counts"

// statusCounts is StatusCountsTable's schema and triggers.
var statusCounts = []string{
	"CREATE TABLE IF NOT EXISTS " + StatusCountsTable + ` (objective_id INTEGER NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL,
		PRIMARY KEY (objective_id, status)) WITHOUT ROWID`,
	`CREATE TRIGGER IF NOT EXISTS activity_status_counts_insert AFTER INSERT ON activities BEGIN
		INSERT INTO ` + StatusCountsTable + ` (objective_id, status, n) VALUES (NEW.objective_id, NEW.status, 1)
			ON CONFLICT (objective_id, status) DO UPDATE SET n = n + 1;
	END`,
	`CREATE TRIGGER IF NOT EXISTS activity_status_counts_update AFTER UPDATE OF status, objective_id ON activities
		WHEN OLD.status IS NOT NEW.status OR OLD.objective_id IS NOT NEW.objective_id BEGIN
		UPDATE ` + StatusCountsTable + ` SET n = n - 1 WHERE objective_id = OLD.objective_id AND status = OLD.status;
		INSERT INTO ` + StatusCountsTable + ` (objective_id, status, n) VALUES (NEW.objective_id, NEW.status, 1)
			ON CONFLICT (objective_id, status) DO UPDATE SET n = n + 1;
	END`,
	`CREATE TRIGGER IF NOT EXISTS activity_status_counts_delete AFTER DELETE ON activities BEGIN
		UPDATE ` + StatusCountsTable + ` SET n = n - 1 WHERE objective_id = OLD.objective_id AND status = OLD.status;
	END`,
	"DELETE FROM " + StatusCountsTable,
	"INSERT INTO " + StatusCountsTable + " (objective_id, status, n) SELECT objective_id, status, count(*) FROM activities GROUP BY objective_id, status",
}

// countStatuses creates and fills StatusCountsTable on SQLite.
func (db *DB) countStatuses(ctx context.Context) error {
	if db.Dialect != dialect.SQLite {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, stmt := range statusCounts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("activities per status: %w", err)
		}
	}
	return tx.Commit()
}
