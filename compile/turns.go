package compile

import "context"

// turns hands the compiled statements their connections in the order they
// asked for one. database/sql gives a freed connection to a waiter picked
// at random, so that under load some requests wait many turns while others
// wait none: at concurrency 32 on SQLite's 8 connections, the benchmark's
// search (Q4) had a p99 eleven times its median. A buffered channel queues
// the goroutines waiting to send in arrival order, and a receive hands the
// slot it frees to the first of them. With as many turns as connections,
// the statements never wait inside database/sql.
type turns chan struct{}

// take waits for a turn, or for the end of ctx. A nil turns has no limit.
func (t turns) take(ctx context.Context) error {
	if t == nil {
		return nil
	}
	select {
	case t <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// give ends a turn that take began.
func (t turns) give() {
	if t != nil {
		<-t
	}
}
