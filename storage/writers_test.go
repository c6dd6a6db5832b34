package storage_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/samverkan/samverkan/ent/privacy"
)

// TestSQLiteTransactionsQueue checks that a process's SQLite transactions
// wait for each other in the queue: with SQLite's own busy timeout cut to
// 1 ms, transactions that overlap would fail with "database is locked"
// if they waited in SQLite.
func TestSQLiteTransactionsQueue(t *testing.T) {
	client := openClient(t, filepath.Join(t.TempDir(), "queue.db")+"?_busy_timeout=1")
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow) // writes as the server
	const writers = 16
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			tx, err := client.Tx(ctx)
			if err != nil {
				errs <- fmt.Errorf("begin: %w", err)
				return
			}
			// Each holds the write lock for a while, so the others
			// arrive while it is held.
			time.Sleep(2 * time.Millisecond)
			if err := tx.Municipality.Create().SetCode(fmt.Sprintf("%04d", 1000+i)).SetName("Kommun").Exec(ctx); err != nil {
				tx.Rollback()
				errs <- fmt.Errorf("insert: %w", err)
				return
			}
			errs <- tx.Commit()
		})
	}
	wg.Wait()
	for range writers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := client.Municipality.Query().CountX(ctx); n != writers {
		t.Errorf("%d municipalities written, want %d", n, writers)
	}

	t.Run("WaitingEndsWithTheContext", func(t *testing.T) {
		held, err := client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer held.Rollback()
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := client.Tx(cancelled); !errors.Is(err, context.Canceled) {
			t.Errorf("begin while another transaction is open, with a cancelled context: err = %v, want context.Canceled", err)
		}
	})

	t.Run("RollbackGivesTheTurnOn", func(t *testing.T) {
		// After the rollback above and the commits before, the queue is
		// free: a new transaction begins at once, and again after it.
		for range 2 {
			tx, err := client.Tx(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestGroupCommit checks what group commit must keep: a member's rollback
// undoes its own changes only, and a Commit that returns without an error
// has reached the database file, where another connection pool sees it.
func TestGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "groups.db")
	client := openClient(t, path)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	const writers = 48
	var wg sync.WaitGroup
	committed := make(chan string, writers)
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			tx, err := client.Tx(ctx)
			if err != nil {
				errs <- fmt.Errorf("begin: %w", err)
				return
			}
			code := fmt.Sprintf("%04d", 2000+i)
			if err := tx.Municipality.Create().SetCode(code).SetName("Kommun").Exec(ctx); err != nil {
				tx.Rollback()
				errs <- fmt.Errorf("insert: %w", err)
				return
			}
			if i%3 == 0 {
				if err := tx.Rollback(); err != nil {
					errs <- fmt.Errorf("rollback: %w", err)
				}
				return
			}
			if err := tx.Commit(); err != nil {
				errs <- fmt.Errorf("commit: %w", err)
				return
			}
			committed <- code
		})
	}
	wg.Wait()
	close(errs)
	close(committed)
	for err := range errs {
		t.Error(err)
	}

	// A pool of its own: it can only see what was committed to the file.
	other := openClient(t, path)
	stored := map[string]bool{}
	for _, m := range other.Municipality.Query().AllX(ctx) {
		stored[m.Code] = true
	}
	n := 0
	for code := range committed {
		n++
		if !stored[code] {
			t.Errorf("municipality %s: Commit returned nil, but it is not in the file", code)
		}
	}
	if n != len(stored) || n != writers-writers/3 {
		t.Errorf("%d commits acknowledged, %d municipalities stored; want %d of each", n, len(stored), writers-writers/3)
	}
}

// TestGroupCommitWithWritersGivingUp has writers whose contexts end at
// random moments: while they wait for their turn, between statements, or
// not at all. Every group must still commit (a writer that stops waiting
// after the one before it handed it the turn must not leave that one's
// group open with nobody to commit it), and what is in the file must be
// exactly what was acknowledged.
func TestGroupCommitWithWritersGivingUp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "giving-up.db")
	client := openClient(t, path)
	base := privacy.DecisionContext(context.Background(), privacy.Allow)
	const writers = 200
	acked := make(chan string, writers)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(base, time.Duration(i%7)*300*time.Microsecond)
				if i%5 == 0 {
					ctx, cancel = context.WithCancel(base) // some never give up
				}
				defer cancel()
				tx, err := client.Tx(ctx)
				if err != nil {
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("writer %d: begin: %v", i, err)
					}
					return
				}
				code := fmt.Sprintf("%04d", 3000+i)
				if err := tx.Municipality.Create().SetCode(code).SetName("Kommun").Exec(ctx); err != nil {
					if err := tx.Rollback(); err != nil {
						t.Errorf("writer %d: rollback: %v", i, err)
					}
					return
				}
				if err := tx.Commit(); err != nil {
					t.Errorf("writer %d: commit: %v", i, err)
					return
				}
				acked <- code
			})
		}
		wg.Wait()
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("writers still waiting after 30 s: a group was left open")
	}
	close(acked)

	stored := map[string]bool{}
	for _, m := range openClient(t, path).Municipality.Query().AllX(base) {
		stored[m.Code] = true
	}
	n := 0
	for code := range acked {
		n++
		if !stored[code] {
			t.Errorf("municipality %s acknowledged but not stored", code)
		}
	}
	if n != len(stored) {
		t.Errorf("%d writes acknowledged, %d stored", n, len(stored))
	}
	if n < writers/5 {
		t.Errorf("only %d of %d writes acknowledged; the ones that never give up alone are %d", n, writers, writers/5)
	}
	t.Logf("%d of %d writers got their write acknowledged", n, writers)
}

// TestGroupCommitUnderAStreamOfFailingWriters has writers that take their
// turn, work a little and roll back, without pause, while one writer
// commits. Its Commit must return soon, not when the stream ends: a group
// once waited for 64 committed members, or for nobody to be waiting, and
// failing members kept it open (an admin's update waited 14.8 s behind a
// stream of wrong passwords).
func TestGroupCommitUnderAStreamOfFailingWriters(t *testing.T) {
	client := openClient(t, filepath.Join(t.TempDir(), "failing.db"))
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(stop)
	for i := range 8 {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				tx, err := client.Tx(ctx)
				if err != nil {
					t.Errorf("failing writer %d: begin: %v", i, err)
					return
				}
				// A failed insert, as a mutation refused by a rule would
				// make, after some work inside the turn.
				_ = tx.Municipality.Create().SetCode("0000").SetName(fmt.Sprint(n)).Exec(ctx)
				time.Sleep(2 * time.Millisecond)
				if err := tx.Rollback(); err != nil {
					t.Errorf("failing writer %d: rollback: %v", i, err)
					return
				}
			}
		})
	}
	time.Sleep(100 * time.Millisecond) // the stream is flowing
	for i := range 3 {
		start := time.Now()
		done := make(chan error, 1)
		go func() {
			tx, err := client.Tx(ctx)
			if err != nil {
				done <- err
				return
			}
			if err := tx.Municipality.Create().SetCode(fmt.Sprintf("%04d", 4000+i)).SetName("Kommun").Exec(ctx); err != nil {
				tx.Rollback()
				done <- err
				return
			}
			done <- tx.Commit()
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("write %d: %v", i, err)
			}
			// Generous: about 8 turns of 2 ms and a group's 50 ms are
			// expected; the machine may be slow.
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("write %d took %v beside failing writers, want well under 2 s", i, d)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("write %d still waiting for its group after 5 s of failing writers", i)
		}
	}
}
