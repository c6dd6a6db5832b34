package schema

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent"
	"golang.org/x/text/unicode/norm"
)

// normalizeText rewrites every string and string list a mutation sets to
// Unicode NFC, so that "Örebro" typed on a Mac (which may send O and a
// combining diaeresis) and "Örebro" from the seed are the same bytes, and
// search and sort agree on them.
func normalizeText(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		for _, name := range m.Fields() {
			v, _ := m.Field(name)
			switch v := v.(type) {
			case string:
				if !norm.NFC.IsNormalString(v) {
					if err := m.SetField(name, norm.NFC.String(v)); err != nil {
						return nil, fmt.Errorf("normalize %s: %w", name, err)
					}
				}
			case []string:
				// Only when needed: setting a list would drop values the
				// mutation appends to it.
				if slices.ContainsFunc(v, func(s string) bool { return !norm.NFC.IsNormalString(s) }) {
					out := make([]string, len(v))
					for i, s := range v {
						out[i] = norm.NFC.String(s)
					}
					if err := m.SetField(name, out); err != nil {
						return nil, fmt.Errorf("normalize %s: %w", name, err)
					}
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}
