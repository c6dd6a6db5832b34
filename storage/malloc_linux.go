//go:build linux && cgo

package storage

/*
#include <malloc.h>
#include <stdlib.h>

// Run by the dynamic loader before Go starts, as early as glibc reads
// MALLOC_ARENA_MAX itself.
__attribute__((constructor)) static void samverkan_limit_arenas(void) {
#ifdef M_ARENA_MAX
	if (getenv("MALLOC_ARENA_MAX") == NULL) {
		mallopt(M_ARENA_MAX, 2);
	}
#endif
}
*/
import "C"

// SQLite allocates with C's malloc on whichever thread Go runs a statement
// on, and glibc gives each thread that finds the arenas busy an arena of
// its own, up to eight per core, and seldom gives their memory back: under
// the benchmark's mix of reads and writes (X1) the server grew from 88 to
// 130 MiB with nothing more in use. The constructor above limits glibc to
// two arenas, as MALLOC_ARENA_MAX=2 (the usual advice for Go servers that
// use cgo) would; the environment variable still decides when it is set.
