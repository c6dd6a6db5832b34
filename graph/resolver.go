// Package graph is the GraphQL API: the schema (graph/*.graphql, with
// graph/ent.graphql generated from the ent schema), its resolvers, and the
// HTTP handler that serves it.
package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/kolada"
	"github.com/samverkan/samverkan/live"
	"github.com/samverkan/samverkan/storage"
)

// Resolver is the resolver root: the dependencies every resolver shares.
type Resolver struct {
	client   *ent.Client
	accounts *accounts.Service
	kolada   *kolada.Client // nil: fetchKolada is refused
	live     *live.Hub      // nil: no live updates
}

// NewSchema returns the executable GraphQL schema over the client, signing
// users in and out through acc.
func NewSchema(client *ent.Client, acc *accounts.Service) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{Resolvers: &Resolver{client: client, accounts: acc}})
}

// reader is the client a read runs on: the request's transaction client
// when it has one (a mutation's result may ask for a report, which must see
// the mutation's writes), else the resolver's.
func (r *Resolver) reader(ctx context.Context) *ent.Client {
	return storage.ClientOf(ctx, r.client)
}

// asksFor reports whether the query asks the field being resolved for the
// named subfield, so that a resolver can leave out work nobody reads.
func asksFor(ctx context.Context, name string) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}
