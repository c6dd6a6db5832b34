package graph_test

import (
	"os"
	"strings"
	"testing"
)

// TestExecutorResolvesInOrder checks that graph/generated.go was written by
// graph/gqlgen (go generate) and not by plain "gqlgen generate", which would
// bring back a goroutine per field and per list element, and a @defer group
// per object.
func TestExecutorResolvesInOrder(t *testing.T) {
	src, err := os.ReadFile("generated.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []string{"MarshalSliceConcurrently(", "ResolveConcurrently(", "ResolveRootConcurrently(", "NewDeferredGroup("} {
		if n := strings.Count(string(src), call); n > 0 {
			t.Errorf("generated.go calls %s %d times; regenerate with go generate ./...", call, n)
		}
	}
}
