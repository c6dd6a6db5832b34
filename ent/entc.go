//go:build ignore

// Command entc generates the ent code under ent/ and the GraphQL schema
// graph/ent.graphql from the schema in ent/schema. It is run by go generate
// from the repository root (see generate.go), so paths start there.
package main

import (
	"log"
	"os"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"

	"github.com/samverkan/samverkan/compile/compilegen"
	"github.com/samverkan/samverkan/ent/edgemeta/edgemetagen"
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
			writes("./compile/schema_gen.go", compilegen.Source),
			// The columns indexed for search (package search).
			writes("./search/indexes_gen.go", searchgen.Source),
			// The edges and cascades the schema's hooks follow.
			writes("./ent/edgemeta/edgemeta_gen.go", edgemetagen.Source),
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
			// Interceptors that see any type's query (package intercept):
			// the stored record a change is based on is read locked.
			gen.FeatureIntercept,
			// Who may read and change what is decided by the schema's
			// policies (ent/schema/policy.go), whatever path a change takes.
			gen.FeaturePrivacy,
		},
	},
		entc.Extensions(ex),
		// SetRestoredID: a restore writes a record back with its own id;
		// ClientIn, TxIn: a hook's client and transaction without building
		// new ones.
		entc.TemplateFiles("./ent/template/restoreid.tmpl", "./ent/template/intx.tmpl"),
	)
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}

// writes returns an entc hook that writes the source made from the graph to
// path, after ent's own code.
func writes(path string, source func(*gen.Graph) ([]byte, error)) gen.Hook {
	return func(next gen.Generator) gen.Generator {
		return gen.GenerateFunc(func(g *gen.Graph) error {
			if err := next.Generate(g); err != nil {
				return err
			}
			src, err := source(g)
			if err != nil {
				return err
			}
			return os.WriteFile(path, src, 0o644)
		})
	}
}
