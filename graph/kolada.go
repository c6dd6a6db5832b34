package graph

import (
	"context"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/auth"
)

// mayFetchKolada refuses fetchKolada before it asks Kolada, when the
// server has no Kolada client or the viewer is not an admin. The policies
// refuse the writes anyway (an indicator is changed by admins only); this
// keeps anyone else from making the server call Kolada at all.
func (r *Resolver) mayFetchKolada(ctx context.Context) error {
	switch v := auth.FromContext(ctx); {
	case v == nil:
		return auth.ErrSignInToChange
	case v.ReadOnly:
		return auth.ErrReadOnlyToken
	case !v.Is(auth.RoleAdmin):
		return samverkan.Errorf(samverkan.CodeForbidden, "", "only an admin may fetch values from Kolada")
	case r.kolada == nil:
		return samverkan.Errorf(samverkan.CodeUpstream, "", "this server is not set up to fetch from Kolada: import the values from a file with samverkan kolada import")
	}
	return nil
}
