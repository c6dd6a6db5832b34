package graph_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/compile"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// The workaround in gqlgen.yml (many-to-many connections resolved per
// parent) is needed as long as ent's eager loading, as entgql drives it for
// a nested page (a window per parent), gives each parent its nodes in the
// order they were first seen across all parents. When this test fails,
// ent has fixed it: drop the forced resolvers and this test.
func TestEntStillOrdersManyToManyPagesByFirstSight(t *testing.T) {
	db := storagetest.OpenSQLite(t)
	client := db.Client()
	ctx := auth.AsServer(context.Background())
	if err := seed.LoadOrebro(ctx, client); err != nil {
		t.Fatal(err)
	}
	m := client.Municipality.Query().Order(municipality.ByID()).Limit(3).IDsX(ctx)
	heading := client.Objective.Query().FirstIDX(ctx)
	// a takes part with the second and third municipality, b (after a)
	// with the first and second: read by parent, b's first sight of the
	// second comes before its first.
	a := client.Activity.Create().SetTitle("A").SetObjectiveID(heading).AddMunicipalityIDs(m[1], m[2]).SaveX(ctx)
	b := client.Activity.Create().SetTitle("B").SetObjectiveID(heading).AddMunicipalityIDs(m[0], m[1]).SaveX(ctx)
	byID := sql.ExprFunc(func(b *sql.Builder) { b.Ident(municipality.FieldID) })
	got := client.Activity.Query().Where(activity.IDIn(a.ID, b.ID)).Order(activity.ByID()).
		WithNamedMunicipalities("page", func(q *ent.MunicipalityQuery) {
			q.Modify(entgql.LimitPerRow(activity.MunicipalitiesPrimaryKey[0], 10, byID))
		}).AllX(ctx)
	page, err := got[1].NamedMunicipalities("page")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	for _, n := range page {
		ids = append(ids, n.ID)
	}
	if slices.IsSorted(ids) {
		t.Fatalf("ent now gives b its municipalities in order (%v): the forced resolvers of gqlgen.yml's many-to-many edges can go", ids)
	}
}

// Every many-to-many connection the schema has is one the workaround
// resolves per parent.
func TestEveryManyToManyConnectionIsResolvedPerParent(t *testing.T) {
	root := reflect.TypeOf((*graph.ResolverRoot)(nil)).Elem()
	for _, e := range compile.ManyToManyConnections() {
		getter, ok := root.MethodByName(e.Type)
		if !ok {
			t.Errorf("%s.%s is many-to-many, and %s has no resolver: force one in gqlgen.yml", e.Type, e.Field, e.Type)
			continue
		}
		if _, ok := getter.Type.Out(0).MethodByName(upperFirst(e.Field)); !ok {
			t.Errorf("%s.%s is many-to-many and not resolved per parent: force its resolver in gqlgen.yml", e.Type, e.Field)
		}
	}
}

func upperFirst(s string) string { return string(s[0]-'a'+'A') + s[1:] }

// entgql's generated SetInput appends the list that sets (focusAreas) where
// it should append the one that appends (appendFocusAreas), ent/contrib#639:
// UpdateGoal hides the lists to append from it and appends them itself.
// When this test fails, entgql appends the right list: UpdateGoal can give
// SetInput the whole input again.
func TestEntgqlStillAppendsTheWrongList(t *testing.T) {
	var m ent.GoalMutation
	set, appended := []string{"a"}, []string{"b"}
	in := ent.UpdateGoalInput{FocusAreas: set, AppendFocusAreas: appended, TargetGroups: set, AppendTargetGroups: appended}
	in.Mutate(&m)
	if got, _ := m.AppendedFocusAreas(); !slices.Equal(got, set) {
		t.Errorf("SetInput appended focus areas %q, not focusAreas %q as entgql v0.7.0 does: drop the workaround in UpdateGoal", got, set)
	}
	if got, _ := m.AppendedTargetGroups(); !slices.Equal(got, set) {
		t.Errorf("SetInput appended target groups %q, not targetGroups %q as entgql v0.7.0 does: drop the workaround in UpdateGoal", got, set)
	}
}

// graph/entgqlview.go gives entgql's pagers a view of their field, as long
// as entgql, asked for the pageInfo of a connection but not its edges,
// says there is a next page whenever first is given and any row matches,
// and finds a connection's edges only under the alias edges. When this
// test fails, entgql reads the page itself or looks for the edges by
// name: drop that part of entgqlView and this test.
func TestEntgqlStillGuessesPageInfoWithoutEdges(t *testing.T) {
	db := storagetest.OpenSQLite(t)
	client := db.Client()
	ctx := auth.AsServer(context.Background())
	if err := seed.LoadOrebro(ctx, client); err != nil {
		t.Fatal(err)
	}
	first := 100
	if n := client.Activity.Query().CountX(ctx); n == 0 || n >= first {
		t.Fatalf("the seed has %d activities; the test wants some, fewer than %d", n, first)
	}
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	paginate := func(query string) *ent.ActivityConnection {
		t.Helper()
		doc := gqlparser.MustLoadQuery(schema, query)
		field := doc.Operations[0].SelectionSet[0].(*ast.Field)
		ctx := graphql.WithOperationContext(ctx, &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0], Variables: map[string]any{}})
		ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: field, Selections: field.SelectionSet}})
		conn, err := client.Activity.Query().Paginate(ctx, nil, &first, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return conn
	}
	if conn := paginate(`{ activities(first: 100) { pageInfo { hasNextPage } } }`); !conn.PageInfo.HasNextPage {
		t.Error("entgql now reads the page for its pageInfo without edges: entgqlView's edges { cursor } (graph/entgqlview.go) can go")
	}
	if conn := paginate(`{ activities(first: 100) { e: edges { node { id } } } }`); len(conn.Edges) > 0 {
		t.Error("entgql now finds a connection's edges under another alias: entgqlView's fields under their own names (graph/entgqlview.go) can go")
	}
}
