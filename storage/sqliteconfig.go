//go:build cgo

package storage

/*
extern int sqlite3_config(int, ...);
extern long long sqlite3_memory_used(void);

static int samverkan_memstatus = -1;

// Run by the dynamic loader before Go starts, so before SQLite initializes
// itself (at the first connection), when its configuration may still
// change.
__attribute__((constructor)) static void samverkan_configure_sqlite(void) {
	samverkan_memstatus = sqlite3_config(9, 0); // SQLITE_CONFIG_MEMSTATUS off
}

static int samverkan_memstatus_result(void) { return samverkan_memstatus; }
*/
import "C"

import "fmt"

// SQLite counts the memory it allocates by default, and so takes one
// mutex for the whole process at every allocation and every free. Under
// reads beside writes each read statement reloads the pages it reads (a
// commit in WAL mode empties every other connection's page cache), and
// the connections queued on that mutex: the benchmark's mixed operation
// (X1) spent two thirds of the server's CPU in SQLite, much of it waiting.
// Nothing here reads the counts (no soft heap limit, no
// sqlite3_memory_used), so they are off, as SQLite advises for speed
// (SQLITE_DEFAULT_MEMSTATUS=0 among its recommended options).

// sqliteConfigured reports whether SQLite took the configuration above.
func sqliteConfigured() error {
	if rc := C.samverkan_memstatus_result(); rc != 0 {
		return fmt.Errorf("sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) = %d", int(rc))
	}
	return nil
}

// sqliteMemoryUsed is SQLite's count of the memory it holds: 0 while the
// counts are off.
func sqliteMemoryUsed() int64 { return int64(C.sqlite3_memory_used()) }
