package samverkan

// Code generation runs in this order: entc writes ent/ and graph/ent.graphql
// from ent/schema, then gqlgen writes graph/generated.go from graph/*.graphql.
//go:generate go run -mod=mod ./ent/entc.go
//go:generate go run -mod=mod ./graph/gqlgen
