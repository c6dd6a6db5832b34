// Package edgemeta is what the schema's hooks (ent/schema) know of the
// edges between types: for every edge, the type it leads to and how to find
// which of a list of ids name records of it; for the links (the edges to
// many records through a join table, which the audit trail records as ids
// added and removed), how to read them; and for every type, the audited
// types whose records the database deletes with its own (ON DELETE
// CASCADE).
//
// It is generated from the ent schema by edgemetagen, an entc hook, when go
// generate runs ent/entc.go (edgemeta_gen.go), so a new edge or cascade is
// covered without a list to keep. Every read is an ent query, so the
// types' privacy policies and interceptors apply to it.
package edgemeta

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	"github.com/samverkan/samverkan/ent"
)

// Edge is what the hooks know of one edge of a type.
type Edge struct {
	// Target is the type of the records the edge leads to.
	Target string
	// Exist returns those of ids that name a record of Target.
	Exist func(ctx context.Context, c *ent.Client, ids []int) ([]int, error)
	// Links returns, for each of the records ids name, the ids of the
	// records the edge links it to, in order; nil unless the edge is a
	// link: an edge to many records through a join table that the graph
	// shows.
	Links func(ctx context.Context, c *ent.Client, ids []int) (map[int][]int, error)
}

// Child is a type whose records the database deletes with their parent.
type Child struct {
	// Type is the child's type.
	Type string
	// Read returns, ordered by id, the records (a slice of entities) of
	// Type whose parent is one of parents.
	Read func(ctx context.Context, c *ent.Client, parents []int) (any, error)
}

// ID reads the ID of a generated entity.
func ID(record any) int {
	return int(reflect.ValueOf(record).Elem().FieldByName("ID").Int())
}

// linked turns records loaded with an edge into their ids and the edge's.
func linked[R, T any](rows []R, err error, edge func(R) (int, []T)) (map[int][]int, error) {
	if err != nil {
		return nil, fmt.Errorf("read links: %w", err)
	}
	out := make(map[int][]int, len(rows))
	for _, r := range rows {
		id, targets := edge(r)
		ids := make([]int, 0, len(targets))
		for _, t := range targets {
			ids = append(ids, ID(t))
		}
		slices.Sort(ids)
		out[id] = ids
	}
	return out, nil
}
