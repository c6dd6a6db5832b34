package storagetest

import (
	"context"
	"sync"

	"entgo.io/ent/dialect"
)

// FailingDriver is a real database's driver whose transactions fail to
// begin or to commit when told to (Fail), as they do when the disk is full
// or a writer has waited past its deadline. A commit that fails rolls
// back: nothing of the transaction is written.
type FailingDriver struct {
	dialect.Driver

	mu                    sync.Mutex
	failBegin, failCommit error
}

// Fail makes every transaction begun from now on fail with begin as it
// begins, or with commit as it commits; nil for either leaves that step
// alone.
func (d *FailingDriver) Fail(begin, commit error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.failBegin, d.failCommit = begin, commit
}

// Tx begins a transaction, or fails as told.
func (d *FailingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	d.mu.Lock()
	begin, commit := d.failBegin, d.failCommit
	d.mu.Unlock()
	if begin != nil {
		return nil, begin
	}
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &failingTx{Tx: tx, commit: commit}, nil
}

// failingTx is a transaction of a FailingDriver.
type failingTx struct {
	dialect.Tx
	commit error
}

// Commit commits, or rolls back and fails as told.
func (tx *failingTx) Commit() error {
	if tx.commit != nil {
		_ = tx.Tx.Rollback()
		return tx.commit
	}
	return tx.Tx.Commit()
}
