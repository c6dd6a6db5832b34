//go:build !bench

package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/storage"
)

// benchBuild is how to build the program with the benchmark.
const benchBuild = "go run -tags bench ./cmd/samverkan bench"

// bench says how to get the benchmark: the production build holds neither
// the load generator nor the instrumentation the benchmark's server needs
// (see bench.go).
func (a *app) bench(context.Context, []string) error {
	fmt.Fprintf(a.stderr, "samverkan bench: this samverkan is built without the benchmark; from the source, run\n  %s [flags]\n", benchBuild)
	return errUsage
}

// benchClient returns the server's ent client and a handler wrapper that
// changes nothing: without -tags bench the server counts no statements.
func (a *app) benchClient(db *storage.DB) (*ent.Client, func(http.Handler) http.Handler) {
	return db.Client(), func(h http.Handler) http.Handler { return h }
}
