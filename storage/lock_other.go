//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package storage

// holdOpen does nothing where flock(2) is missing: Restore cannot tell
// that a server has the database open there (the README says so).
func holdOpen(string) (func(), error) { return func() {}, nil }

// lockExclusive does nothing where flock(2) is missing.
func lockExclusive(string) (func(), error) { return func() {}, nil }
