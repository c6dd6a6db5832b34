//go:build ignore

// Command entc generates the ent code under ent/ and the GraphQL schema
// graph/ent.graphql from the schema in ent/schema. It is run by go generate
// from the repository root (see generate.go), so paths start there.
package main

import (
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"

	"github.com/samverkan/samverkan/compile/compilegen"
	"github.com/samverkan/samverkan/graph/schemadoc"
	"github.com/samverkan/samverkan/search/searchgen"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./graph/ent.graphql"),
		entgql.WithWhereInputs(true),
		entgql.WithSchemaHook(schemadoc.Describe),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		// After ent's code, what the read compiler knows of the schema.
		Hooks: []gen.Hook{
			compilegen.Hook("./compile/schema_gen.go"),
			// The columns indexed for search (package search).
			searchgen.Hook("./search/indexes_gen.go"),
		},
		Features: []gen.Feature{
			// Ids unique across all types, so node(id:) knows the type.
			gen.FeatureGlobalID,
			// Upserts let the seed be loaded again without duplicates.
			gen.FeatureUpsert,
			// Modifiers and ExecQuery let reports run aggregate SQL.
			gen.FeatureModifier,
			gen.FeatureExecQuery,
			gen.FeatureLock,
			// Who may read and change what is decided by the schema's
			// policies (ent/schema/policy.go), whatever path a change takes.
			gen.FeaturePrivacy,
		},
	},
		entc.Extensions(ex),
		// SetRestoredID: a restore writes a record back with its own id.
		entc.TemplateFiles("./ent/template/restoreid.tmpl"),
	)
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}
