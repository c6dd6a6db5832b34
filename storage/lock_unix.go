//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package storage

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// holdOpen marks the SQLite file at path as open in this process until
// release is called: a shared flock(2) on the file, which Restore's
// exclusive one cannot get meanwhile. The kernel drops it when the process
// ends, so a crashed server leaves no stale lock. flock locks are apart
// from the POSIX locks SQLite takes, so the two do not disturb each other;
// the file descriptor is closed only after the database (closing it while
// SQLite has the file open would drop SQLite's own POSIX locks, which a
// close of any descriptor of the file ends for the whole process; a
// process should therefore open a file as one storage.DB, as the commands
// do).
func holdOpen(path string) (release func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s is being restored: try again when the restore has finished", path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// lockExclusive takes the exclusive flock Restore needs on the SQLite file
// at path, or answers ErrInUse when a samverkan holds it open. A file that
// does not exist yet is not in use.
func lockExclusive(path string) (unlock func(), err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return func() {}, nil
	}
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrInUse
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
