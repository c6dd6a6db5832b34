package compile

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// A statement waits for a turn while all are taken, gives up when its
// request ends, and gets one as soon as one is given back; the turns are
// handed out in the order they were asked for.
func TestTurns(t *testing.T) {
	tt := make(turns, 1)
	if err := tt.take(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := tt.take(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("take with every turn taken and the request ended = %v, want context.Canceled", err)
	}

	// Three waiters queue one after the other (each is seen parked in
	// take before the next starts); the turns go to them in that order.
	order := make(chan int, 3)
	for i := range 3 {
		go func() {
			if err := tt.take(context.Background()); err != nil {
				t.Error(err)
			}
			order <- i
		}()
		for parkedInTake() < i+1 {
			runtime.Gosched()
		}
	}
	for want := range 3 {
		tt.give()
		if got := <-order; got != want {
			t.Fatalf("turn %d went to waiter %d", want, got)
		}
	}
	tt.give()

	var none turns // no limit
	for range 3 {
		if err := none.take(ctx); err != nil {
			t.Fatalf("a compiler without turns waited: %v", err)
		}
	}
}

// parkedInTake counts the goroutines parked in turns.take's select.
func parkedInTake() int {
	buf := make([]byte, 1<<20)
	n := 0
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.Contains(g, " [select") && strings.Contains(g, "compile.turns.take(") {
			n++
		}
	}
	return n
}
