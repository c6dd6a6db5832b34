package graph

import (
	"context"
	"sync"
	"testing"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// TestADeadlockIsAConflict: PostgreSQL's refusal of a transaction that met
// a concurrent one (here a real deadlock, two transactions locking two rows
// in opposite orders) is CONFLICT, to be tried again, not INTERNAL.
func TestADeadlockIsAConflict(t *testing.T) {
	db := storagetest.OpenPostgres(t)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE locks (id int PRIMARY KEY); INSERT INTO locks VALUES (1), (2)`); err != nil {
		t.Fatal(err)
	}
	first, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback()
	second, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Rollback()
	if _, err := first.ExecContext(ctx, `UPDATE locks SET id = id WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := second.ExecContext(ctx, `UPDATE locks SET id = id WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, errs[0] = first.ExecContext(ctx, `UPDATE locks SET id = id WHERE id = 2`)
		if errs[0] != nil {
			first.Rollback() // let the other go on
		}
	}()
	_, errs[1] = second.ExecContext(ctx, `UPDATE locks SET id = id WHERE id = 1`)
	if errs[1] != nil {
		second.Rollback()
	}
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if err == nil {
			continue
		}
		failed++
		if e := classify(err); e == nil || e.Code != samverkan.CodeConflict {
			t.Errorf("%v is %+v, want CONFLICT", err, e)
		}
	}
	if failed != 1 {
		t.Errorf("%d of the two transactions failed, want one (a deadlock): %v", failed, errs)
	}
}
