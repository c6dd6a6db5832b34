//go:build bench

package main

import (
	"errors"
	"strings"
	"testing"
)

func TestBenchCommandLine(t *testing.T) {
	_, errOut, err := runCommand("bench", "-short", "-db", "national.db")
	if !errors.Is(err, errUsage) || !strings.Contains(errOut, "-db must be a PostgreSQL URL") {
		t.Errorf("err = %v, stderr %q; want a usage error", err, errOut)
	}
}
