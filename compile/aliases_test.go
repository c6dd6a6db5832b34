package compile_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/samverkan/samverkan/seed"
)

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
