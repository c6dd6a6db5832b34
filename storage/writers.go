package storage

import (
	"context"
	"fmt"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// writerQueue makes a process's SQLite transactions wait for each other in
// Go, first come first served, rather than in SQLite's busy handler. Every
// transaction takes SQLite's write lock when it begins (_txlock=immediate),
// so they run one at a time either way; but the busy handler retries by
// sleeping, for up to 100 ms between tries, so the lock sat free while
// writers slept and the unlucky ones waited for hundreds of milliseconds
// (M1 at concurrency 32: p99 630 ms where one write takes under 1 ms).
type writerQueue struct {
	*entsql.Driver
	turn chan struct{} // holds a token while a transaction is open
}

// queueWait is how long a transaction waits in the queue before it begins
// anyway and falls back on SQLite's busy timeout: the same 5 s, so that a
// transaction that is never ended delays the others as before and no longer.
const queueWait = 5 * time.Second

// Tx begins a transaction when the ones before it have ended.
func (q *writerQueue) Tx(ctx context.Context) (dialect.Tx, error) {
	return q.BeginTx(ctx, nil)
}

// BeginTx begins a transaction with options when the ones before it have
// ended. Goroutines blocked on a channel send are served in order, which
// makes the queue fair.
func (q *writerQueue) BeginTx(ctx context.Context, opts *entsql.TxOptions) (dialect.Tx, error) {
	timer := time.NewTimer(queueWait)
	defer timer.Stop()
	release := func() {}
	select {
	case q.turn <- struct{}{}:
		release = sync.OnceFunc(func() { <-q.turn })
	case <-timer.C:
		// Past the wait SQLite decides, as it did without the queue.
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	tx, err := q.Driver.BeginTx(ctx, opts)
	if err != nil {
		release()
		return nil, err
	}
	etx, ok := tx.(*entsql.Tx)
	if !ok {
		_ = tx.Rollback()
		release()
		return nil, fmt.Errorf("begin: ent's driver gave a %T, not an *sql.Tx", tx)
	}
	return &queuedTx{Tx: etx, release: release}, nil
}

// queuedTx gives the queue its turn back when the transaction ends. It
// embeds *entsql.Tx, so that ExecContext and QueryContext (ent's
// client.ExecContext, the national seed) work on it too.
type queuedTx struct {
	*entsql.Tx
	release func()
}

// Commit commits the transaction and lets the next one begin.
func (tx *queuedTx) Commit() error {
	defer tx.release()
	return tx.Tx.Commit()
}

// Rollback rolls the transaction back and lets the next one begin.
func (tx *queuedTx) Rollback() error {
	defer tx.release()
	return tx.Tx.Rollback()
}
