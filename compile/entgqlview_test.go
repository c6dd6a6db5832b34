package compile_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/samverkan/samverkan/seed"
)

// The connections and fields entgql loads wrong on its own (graph/entgqlview.go
// gives the resolvers a view that it loads right) answer right, compiled
// and from the resolvers alike.

// A connection asked for its pageInfo without its edges tells of the page
// it would give: the same pageInfo as when the edges are asked for too,
// compiled or answered by the resolvers (entgql alone guesses; see
// graph/entgqlview.go).
func TestPageInfoWithoutEdgesTellsOfThePage(t *testing.T) {
	p := newPair(t, seed.LoadOrebro)
	const info = `pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`
	// EDGES is where the edges are asked for, or not.
	queries := []struct{ name, query string }{
		{"AllOfThem", `{ activities(first: 100) { totalCount EDGES ` + info + ` } }`},
		{"MoreThanAPage", `{ activities(first: 2) { EDGES ` + info + ` } }`},
		{"Last", `{ municipalities(last: 5, orderBy: {field: NAME}) { EDGES ` + info + ` } }`},
		{"LastOfAll", `{ municipalities(last: 12) { totalCount EDGES ` + info + ` } }`},
		{"AfterACursor", `{ municipalities(first: 3, after: "gaFpBQ") { EDGES ` + info + ` } }`},
		{"OrderedByACount", `{ municipalities(first: 4, orderBy: [{field: ACTIVITIES_COUNT, direction: DESC}, {field: NAME}]) { EDGES ` + info + ` } }`},
		{"Nested", `{ plans(first: 1) { edges { node { goals(first: 2) { EDGES ` + info + ` } } } } }`},
		{"NestedAll", `{ plans(first: 1) { edges { node { goals(first: 10) { totalCount EDGES ` + info + ` } } } } }`},
		{"NestedLast", `{ goals(first: 3) { edges { node { objectives(last: 1) { EDGES ` + info + ` } } } } }`},
		{"ManyToMany", `{ municipalities(first: 3, orderBy: {field: NAME}) { edges { node { name activities(first: 1) { EDGES ` + info + ` } } } } }`},
		{"UnderNode", `query N($id: ID!) { node(id: $id) { ... on Plan { goals(first: 1) { EDGES ` + info + ` } } } }`},
		{"InAFragment", `query F { plans(first: 1) { ...Page } } fragment Page on PlanConnection { EDGES ` + info + ` }`},
		{"OnlyHasNextPage", `{ objectives(first: 3) { EDGES pageInfo { hasNextPage } } }`},
	}
	vars := map[string]any{"id": p.planID()}
	for _, q := range queries {
		t.Run(q.name, func(t *testing.T) {
			p.t = t
			without := p.same(q.name, strings.ReplaceAll(q.query, "EDGES", ""), vars, false)
			with := p.same(q.name+" with edges", strings.ReplaceAll(q.query, "EDGES", "edges { cursor }"), vars, false)
			got, want := decode(t, without), withoutEdges(decode(t, with))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("without edges:\n got: %s\nwant: %s", without, with)
			}
		})
	}
	p.t = t

	// And what it says is right.
	var a struct {
		Data struct {
			All, Two struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   *string
				}
			}
		}
	}
	body := p.same("right", `{ all: activities(first: 100) { totalCount pageInfo { hasNextPage endCursor } }
		two: activities(first: 2) { totalCount pageInfo { hasNextPage endCursor } } }`, nil, true)
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	if a.Data.All.TotalCount < 3 || a.Data.All.TotalCount > 100 {
		t.Fatalf("the seed has %d activities; the test wants more than 2 and at most 100", a.Data.All.TotalCount)
	}
	if a.Data.All.PageInfo.HasNextPage || a.Data.All.PageInfo.EndCursor == nil {
		t.Errorf("all %d activities on one page: %s", a.Data.All.TotalCount, body)
	}
	if !a.Data.Two.PageInfo.HasNextPage || a.Data.Two.PageInfo.EndCursor == nil {
		t.Errorf("two of %d activities: %s", a.Data.Two.TotalCount, body)
	}
}

func decode(t *testing.T, body []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// withoutEdges drops the connections' edges { cursor } from an answer
// (the edges of a connection asked for its nodes stay).
func withoutEdges(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			if k == "edges" && cursorsOnly(x) {
				continue
			}
			out[k] = withoutEdges(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = withoutEdges(x)
		}
		return out
	}
	return v
}

func cursorsOnly(v any) bool {
	edges, ok := v.([]any)
	if !ok {
		return false
	}
	for _, e := range edges {
		m, ok := e.(map[string]any)
		if _, cursor := m["cursor"]; !ok || len(m) != 1 || !cursor {
			return false
		}
	}
	return true
}

// A node or an edge asked under two aliases answers each with what it
// asks for, as when it is asked once: compiled or answered by the
// resolvers (entgql alone loads what one of the aliases asks for; see
// graph/entgqlview.go).
func TestFieldsUnderTwoAliasesAnswerAsOnce(t *testing.T) {
	p := newPair(t, seed.LoadOrebro)
	p.post(p.resolvers, `mutation { a: updateActivity(id: 1, input: {status: ONGOING}) { id } }`, nil)
	cases := []struct {
		name, twice, once string
	}{
		{"NodeBesideNode",
			`{ activities(first: 2) { edges { a: node { title firstYear } node { id } } } }`,
			`{ activities(first: 2) { edges { node { title firstYear id } } } }`,
		},
		{"EdgeToOneUnderTwoAliases",
			`{ statusChanges(first: 2) { edges { node { a: activity { title } b: activity { id } } } } }`,
			`{ statusChanges(first: 2) { edges { node { activity { title id } } } } }`,
		},
		{"InAFragment",
			`query { activities(first: 2) { edges { ...A node { id objective { position } } } } } fragment A on ActivityEdge { a: node { title o: objective { goal { number } } } }`,
			`{ activities(first: 2) { edges { node { title id objective { position goal { number } } } } } }`,
		},
		{"ConnectionsFieldsUnderAliases",
			`{ activities(first: 2) { e: edges { cursor node { title } } p: pageInfo { hasNextPage endCursor } } }`,
			`{ activities(first: 2) { edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }`},
		{"NestedUnderAliases",
			`{ plans(first: 1) { e: edges { n: node { goals(first: 2) { e: edges { n: node { number } } p: pageInfo { hasNextPage } } } } } }`,
			`{ plans(first: 1) { edges { node { goals(first: 2) { edges { node { number } } pageInfo { hasNextPage } } } } } }`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p.t = t
			twice := decode(t, p.same(c.name, c.twice, nil, false))
			once := decode(t, p.same(c.name+" once", c.once, nil, true))
			if got, want := flatten(twice), flatten(once); !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(twice)
				w, _ := json.Marshal(once)
				t.Errorf("under two aliases:\n got: %s\nwant: %s", g, w)
			}
		})
	}
	p.t = t

	// A count under an alias is the count.
	var a struct {
		Data struct {
			Activities struct{ N, TotalCount int }
			Plans      struct {
				Edges []struct {
					Node struct {
						Goals struct{ N, TotalCount int }
					}
				}
			}
		}
	}
	body := p.same("count", `{ activities(first: 2) { n: totalCount totalCount }
		plans(first: 1) { edges { node { goals(first: 1) { n: totalCount totalCount } } } } }`, nil, false)
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	goals := a.Data.Plans.Edges[0].Node.Goals
	if a.Data.Activities.N != a.Data.Activities.TotalCount || a.Data.Activities.N == 0 || goals.N != goals.TotalCount || goals.N == 0 {
		t.Errorf("a count under an alias: %s", body)
	}
	body = p.same("count alone", `{ activities(first: 2) { n: totalCount } }`, nil, false)
	if err := json.Unmarshal(body, &a); err != nil || a.Data.Activities.N == 0 {
		t.Errorf("a count under an alias, alone: %s", body)
	}
}

// flatten gathers an answer's leaf values by their field names, whatever
// the aliases of the objects above them: {a: {title}, node: {id}} and
// {node: {title, id}} both give title and id, in the order of the lists.
// (Leaves of one name must be one field.)
func flatten(v any) map[string][]any {
	out := map[string][]any{}
	var walk func(string, any)
	walk = func(name string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(k, x)
			}
		case []any:
			for _, x := range v {
				walk(name, x)
			}
		default:
			out[name] = append(out[name], v)
		}
	}
	walk("", v)
	return out
}
