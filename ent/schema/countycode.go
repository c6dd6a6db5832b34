package schema

import (
	"context"

	"entgo.io/ent"

	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/hook"
)

// countyCodeFromCode keeps a municipality's county code equal to the first
// two digits of its code, so the two can never disagree.
var countyCodeFromCode = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.MunicipalityFunc(func(ctx context.Context, m *gen.MunicipalityMutation) (ent.Value, error) {
		if code, ok := m.Code(); ok && len(code) >= 2 {
			m.SetCountyCode(code[:2])
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
