package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// marshalSliceInOrder marshals a list's elements one after another. The
// generated executor calls it where gqlgen would call
// graphql.MarshalSliceConcurrently, which starts a goroutine per element
// (see graph/gqlgen for why not). It takes the same arguments and gives the
// same result: each element under a field context holding its index, and a
// panic in one element an error at its path and null in its place, unless
// the configuration omits the panic handler.
func marshalSliceInOrder(ctx context.Context, length int, _ int64, omitPanicHandler bool, marshal func(context.Context, int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	for i := range length {
		elem := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		if omitPanicHandler {
			ret[i] = marshal(elem, i)
		} else {
			ret[i] = marshalRecovering(elem, i, marshal)
		}
	}
	return ret
}

// marshalRecovering marshals one element, turning a panic into an error.
func marshalRecovering(ctx context.Context, i int, marshal func(context.Context, int) graphql.Marshaler) (m graphql.Marshaler) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			m = graphql.Null
		}
	}()
	return marshal(ctx, i)
}
