package schema

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent"

	"github.com/samverkan/samverkan"
	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/edgemeta"
)

// referencesExist refuses a mutation that links to an id naming no record of
// the right type, and says which input field holds it. Without it, the
// database's foreign keys would refuse the write with a message that names
// neither the field nor the id. What every edge leads to, and how to find
// which ids name its records, is generated from the schema
// (edgemeta.Edges), so no edge goes unchecked.
func referencesExist(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		for _, edge := range m.AddedEdges() {
			target, ok := edgemeta.Edges[m.Type()+"."+edge]
			if !ok {
				return nil, fmt.Errorf("no edge %s.%s in ent/edgemeta: run go generate", m.Type(), edge)
			}
			var ids []int
			for _, id := range m.AddedIDs(edge) {
				ids = append(ids, id.(int))
			}
			if len(ids) == 0 {
				continue
			}
			client, ok := m.(interface {
				ClientIn(context.Context) *gen.Client
			})
			if !ok {
				return nil, fmt.Errorf("mutation %T has no client", m)
			}
			found, err := target.Exist(ctx, client.ClientIn(ctx), ids)
			if err != nil {
				return nil, fmt.Errorf("check %s references: %w", edge, err)
			}
			for _, id := range ids {
				if !slices.Contains(found, id) {
					return nil, samverkan.Errorf(samverkan.CodeNotFound, edgeInputField(m, edge),
						"no %s has the id %d", samverkan.RecordName(target.Target), id)
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}

// edgeInputField is the GraphQL input field that sets an edge: objectiveID
// for a unique edge, municipalityIDs when creating and addMunicipalityIDs
// when updating for the others.
func edgeInputField(m ent.Mutation, edge string) string {
	if !strings.HasSuffix(edge, "s") {
		return samverkan.GraphQLName(edge) + "ID"
	}
	name := samverkan.GraphQLName(singular(edge)) + "IDs"
	if m.Op().Is(ent.OpCreate) {
		return name
	}
	return "add" + strings.ToUpper(name[:1]) + name[1:]
}

// singular turns a table or edge name into the name of one record:
// municipalities → municipality, follow_ups → follow_up.
func singular(plural string) string {
	if s, ok := strings.CutSuffix(plural, "ies"); ok {
		return s + "y"
	}
	return strings.TrimSuffix(plural, "s")
}
