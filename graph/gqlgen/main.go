// Command gqlgen generates graph/generated.go and the resolver stubs from
// gqlgen.yml, as "gqlgen generate" does, with three changes to the executor
// it writes, so that a request is answered by one goroutine instead of one
// per field and list element:
//
//   - every object's fields are resolved one after another, as gqlgen
//     already does for the mutation type's;
//   - lists are marshalled element after element, by graph's
//     marshalSliceInOrder, instead of by gqlgen's MarshalSliceConcurrently,
//     which starts a goroutine for each element;
//   - objects no longer make a group for their @defer'd fields, which only
//     the concurrent resolution fills: in sequence such fields are resolved
//     in place (the spec lets a server do so; we serve no incremental
//     delivery anyway). Making the empty group cost each object a path, a
//     field set and a map, a fifth of a list page's allocations.
//
// gqlgen works that way so that slow resolvers can wait in parallel. Ours do
// not wait: entgql loads a page's edges with the page, in a fixed number of
// queries, and the fields read what is already in memory. The goroutines
// and the groups were pure cost: at concurrency 32 the list page (Q1) served
// 221 requests a second with them and 400–465 without, and the server's peak
// memory fell from 110 to about 90 MiB, most of the difference being the
// goroutines' stacks. gqlgen has no
// setting for any of this (99designs/gqlgen#4321 proposes one); the first
// is a plugin, the others rewrites of the generated file that fail loudly if
// a new gqlgen no longer writes what they replace.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

func main() {
	if err := generate(); err != nil {
		fmt.Fprintln(os.Stderr, "gqlgen:", err)
		os.Exit(1)
	}
}

func generate() error {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		return err
	}
	if err := api.Generate(cfg, api.AddPlugin(sequentialFields{})); err != nil {
		return err
	}
	return replaceIn(cfg.Exec.Filename,
		"graphql.MarshalSliceConcurrently(", "marshalSliceInOrder(",
		"deferred := graphql.NewDeferredGroup(ctx)", "deferred := graphql.DeferredGroup{}",
	)
}

// sequentialFields makes every object's fields resolve in sequence. It runs
// after gqlgen has built its view of the schema and before the executor is
// written from it.
type sequentialFields struct{}

func (sequentialFields) Name() string { return "sequentialfields" }

func (sequentialFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		o.DisableConcurrency = true
	}
	return nil
}

// replaceIn replaces in the file every occurrence of each old string with
// the new one after it, and fails if one of them is not there.
func replaceIn(path string, oldNew ...string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for i := 0; i+1 < len(oldNew); i += 2 {
		old, new := []byte(oldNew[i]), []byte(oldNew[i+1])
		if !bytes.Contains(src, old) {
			return fmt.Errorf("%s: no %q to replace; has gqlgen changed what it writes?", path, old)
		}
		src = bytes.ReplaceAll(src, old, new)
	}
	return os.WriteFile(path, src, 0o644)
}
