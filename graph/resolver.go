// Package graph is the GraphQL API: the schema (graph/*.graphql, with
// graph/ent.graphql generated from the ent schema), its resolvers, and the
// HTTP handler that serves it.
package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"github.com/samverkan/samverkan/ent"
)

// Resolver is the resolver root: the dependencies every resolver shares.
type Resolver struct {
	client *ent.Client
}

// NewSchema returns the executable GraphQL schema over the client.
func NewSchema(client *ent.Client) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{Resolvers: &Resolver{client: client}})
}
