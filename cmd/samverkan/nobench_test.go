//go:build !bench

package main

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestBenchNeedsItsTag checks that the production build says how to run
// the benchmark instead of running it.
func TestBenchNeedsItsTag(t *testing.T) {
	_, errOut, err := runCommand("bench", "-short")
	if !errors.Is(err, errUsage) || !strings.Contains(errOut, benchBuild) {
		t.Errorf("err = %v, stderr %q; want a usage error naming %q", err, errOut, benchBuild)
	}
}

// TestServerHoldsNoBenchmark checks that the program, as built for
// production, holds neither the load generator nor the profiles the
// benchmark serves.
func TestServerHoldsNoBenchmark(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/samverkan/samverkan/server") {
		t.Fatalf("go list -deps . does not list the server: %q", deps)
	}
	for _, pkg := range []string{"github.com/samverkan/samverkan/bench", "net/http/pprof"} {
		if slices.Contains(deps, pkg) {
			t.Errorf("the samverkan command depends on %s", pkg)
		}
	}
}
