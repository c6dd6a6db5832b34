package compile_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/samverkan/samverkan/bench"
	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/seed"
)

// Every nested page of a list equals the same page asked for its parent
// alone, and paging a nested connection with after, or back with before,
// finds every item exactly once; on the national dataset, where parents
// share many municipalities. Both servers, compiled and resolvers, answer
// the list alike.
func TestNestedPagesAreThePagesOfEachParent(t *testing.T) {
	p := national(t)
	const list = `query L { activities(first: 40, orderBy: {field: TITLE}) { edges { node { id
		municipalities(first: 3) { edges { cursor node { id code } } pageInfo { hasNextPage endCursor } }
		institutions(last: 1) { edges { node { id name } } pageInfo { hasPreviousPage startCursor } } } } } }`
	body := p.same("list", list, nil, true)
	var l struct {
		Data struct {
			Activities struct {
				Edges []struct {
					Node struct {
						ID             string
						Municipalities json.RawMessage
						Institutions   json.RawMessage
					}
				}
			}
		}
	}
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatal(err)
	}
	const one = `query O($id: ID!) { activities(where: {id: $id}) { edges { node { id
		municipalities(first: 3) { edges { cursor node { id code } } pageInfo { hasNextPage endCursor } }
		institutions(last: 1) { edges { node { id name } } pageInfo { hasPreviousPage startCursor } } } } } }`
	for _, e := range l.Data.Activities.Edges {
		want, _ := p.post(p.resolvers, one, map[string]any{"id": e.Node.ID})
		got := fmt.Sprintf(`{"data":{"activities":{"edges":[{"node":{"id":%q,"municipalities":%s,"institutions":%s}}]}}}`,
			e.Node.ID, e.Node.Municipalities, e.Node.Institutions)
		if got != string(want) {
			t.Errorf("activity %s: its pages in the list differ from its pages alone\nlist:  %s\nalone: %s", e.Node.ID, got, want)
		}
	}
	// The other kinds of nested connection, with orders and both ends:
	// many-to-many from its other side, one-to-many, under several
	// parents.
	p.eachParentAlone("municipalities", "first: 12, orderBy: {field: NAME, direction: DESC}",
		`activities(first: 4, orderBy: {field: TITLE}) { totalCount edges { cursor node { id title } } pageInfo { hasNextPage endCursor } }
		institutions(last: 2) { edges { cursor node { id } } pageInfo { hasPreviousPage startCursor } }`)
	p.eachParentAlone("objectives", "first: 30",
		`activities(first: 3, orderBy: [{field: STATUS, direction: DESC}, {field: TITLE}]) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } }`)
	p.eachParentAlone("goals", "last: 20",
		`objectives(last: 2) { totalCount edges { cursor node { id title } } pageInfo { hasPreviousPage startCursor } }`)

	// Page through the municipalities of the first activities, 2 at a
	// time, forward and back.
	for _, e := range l.Data.Activities.Edges[:10] {
		all := p.ids(`query A($id: ID!) { activities(where: {id: $id}) { edges { node { municipalities(first: 100) { edges { node { id } } } } } } }`,
			map[string]any{"id": e.Node.ID}, "")
		for _, dir := range []string{"after", "before"} {
			seen := map[string]int{}
			var cursor any
			for range 10 {
				q := `query P($id: ID!, $c: Cursor) { activities(where: {id: $id}) { edges { node { municipalities(first: 2, after: $c) {
					edges { node { id } } pageInfo { hasNextPage endCursor } } } } } }`
				if dir == "before" {
					q = `query P($id: ID!, $c: Cursor) { activities(where: {id: $id}) { edges { node { municipalities(last: 2, before: $c) {
					edges { node { id } } pageInfo { hasPreviousPage startCursor } } } } } }`
				}
				var next string
				for _, id := range p.ids(q, map[string]any{"id": e.Node.ID, "c": cursor}, dir) {
					if id[0] == '>' {
						next = id[1:]
						continue
					}
					seen[id]++
				}
				if next == "" {
					break
				}
				cursor = next
			}
			if len(seen) != len(all) {
				t.Errorf("activity %s: paging %s found %d municipalities, want %d", e.Node.ID, dir, len(seen), len(all))
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("activity %s: paging %s found municipality %s %d times", e.Node.ID, dir, id, n)
				}
			}
		}
	}
}

// eachParentAlone asks both servers alike for a list, root(args), of
// parents with the nested connections nested, and fails unless each
// parent's answer in the list is, byte for byte, the resolvers' answer for
// that parent alone.
func (p *pair) eachParentAlone(root, args, nested string) {
	p.t.Helper()
	list := fmt.Sprintf(`{ %s(%s) { edges { node { id %s } } } }`, root, args, nested)
	body := p.same(root+" with their nested pages", list, nil, true)
	var l struct {
		Data map[string]struct {
			Edges []struct{ Node json.RawMessage }
		}
	}
	if err := json.Unmarshal(body, &l); err != nil {
		p.t.Fatal(err)
	}
	if len(l.Data[root].Edges) < 2 {
		p.t.Fatalf("%s: %d parents; want several", root, len(l.Data[root].Edges))
	}
	one := fmt.Sprintf(`query O($id: ID!) { %s(where: {id: $id}) { edges { node { id %s } } } }`, root, nested)
	for _, e := range l.Data[root].Edges {
		var parent struct{ ID string }
		if err := json.Unmarshal(e.Node, &parent); err != nil {
			p.t.Fatal(err)
		}
		want, _ := p.post(p.resolvers, one, map[string]any{"id": parent.ID})
		got := fmt.Sprintf(`{"data":{%q:{"edges":[{"node":%s}]}}}`, root, e.Node)
		if got != string(want) {
			p.t.Errorf("%s %s: its pages in the list differ from its pages alone\nlist:  %s\nalone: %s", root, parent.ID, got, want)
		}
	}
}

// ids asks both servers alike and returns the ids of the nested page,
// and ">cursor" when paging dir has a next page.
func (p *pair) ids(query string, vars map[string]any, dir string) []string {
	p.t.Helper()
	body := p.same("page", query, vars, true)
	var a struct {
		Data struct {
			Activities struct {
				Edges []struct {
					Node struct {
						Municipalities struct {
							Edges []struct {
								Node struct{ ID string }
							}
							PageInfo struct {
								HasNextPage, HasPreviousPage bool
								StartCursor, EndCursor       string
							}
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(body, &a); err != nil || len(a.Data.Activities.Edges) != 1 {
		p.t.Fatalf("no activity in %s (%v)", body, err)
	}
	m := a.Data.Activities.Edges[0].Node.Municipalities
	var ids []string
	for _, e := range m.Edges {
		ids = append(ids, e.Node.ID)
	}
	switch {
	case dir == "after" && m.PageInfo.HasNextPage:
		ids = append(ids, ">"+m.PageInfo.EndCursor)
	case dir == "before" && m.PageInfo.HasPreviousPage:
		ids = append(ids, ">"+m.PageInfo.StartCursor)
	}
	return ids
}

var nationalOnce sync.Mutex

// national is a pair over the national dataset of the benchmark.
func national(t *testing.T) *pair {
	nationalOnce.Lock()
	defer nationalOnce.Unlock()
	return newPair(t, seed.National)
}

// The benchmark's reads, Q1–Q4, with the variables the benchmark gives
// them (bench.Operations' Vars over its targets), answer alike on its
// national dataset, where the many-to-many pages of Q1 went wrong: every
// plan's dashboard, a municipality page of every tenth municipality.
func TestTheBenchmarkReadsAnswerAlikeOnTheNationalDataset(t *testing.T) {
	p := national(t)
	targets, err := bench.LoadTargets(context.Background(), p.db.DB)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range bench.Operations {
		if op.Floor == nil || op.Vars == nil {
			continue // the writes, and the mix of all
		}
		// The i-th request's variables: Q2 of every tenth municipality,
		// Q3 of every plan, Q1 and Q4 the same each time.
		var requests []int
		switch op.Name {
		case "Q2":
			for i := 0; i < len(targets.Codes); i += 10 {
				requests = append(requests, i)
			}
		case "Q3":
			for i := range targets.Plans {
				requests = append(requests, i)
			}
		default:
			requests = []int{0}
		}
		for _, i := range requests {
			p.same(fmt.Sprintf("%s %d", op.Name, i), op.Query, op.Vars(targets, i), true)
		}
	}
}

// Searches on the national dataset answer alike whether the search index
// or ent's scan answers them (searchStats chooses), counted from the index
// alone or not, their pages found row by row (dense texts read in id
// order) or all at once: texts a tenth or half of the titles hold, rare
// ones, one no title holds, one of a single trigram, one that repeats a
// trigram, one shorter than a trigram; pages forward and back, past a
// cursor, in another order, beside another filter, and across an edge.
func TestSearchesOnTheNationalDatasetAnswerAlike(t *testing.T) {
	p := national(t)
	const pages = `query S($text: String!, $after: Cursor, $before: Cursor) {
		first: activities(first: 20, where: {titleContainsFold: $text}) { totalCount edges { cursor node { title status } } pageInfo { hasNextPage endCursor } }
		last: activities(last: 7, where: {titleContainsFold: $text}) { totalCount edges { node { id } } pageInfo { hasPreviousPage startCursor } }
		after: activities(first: 5, after: $after, where: {titleContainsFold: $text}) { totalCount edges { node { id } } pageInfo { hasNextPage hasPreviousPage } }
		before: activities(last: 5, before: $before, where: {titleContainsFold: $text}) { edges { node { id } } }
		byTitle: activities(first: 5, orderBy: {field: TITLE, direction: DESC}, where: {titleContainsFold: $text}) { totalCount edges { node { title } } }
		planned: activities(first: 5, where: {titleContainsFold: $text, status: PLANNED}) { totalCount edges { node { id } } }
		either: activities(first: 5, where: {or: [{titleContainsFold: $text}, {titleContainsFold: "gvi"}]}) { totalCount edges { node { id } } }
	}`
	for _, text := range []string{"kultur", "KULTUR", "gvi", "barnteater i samverkan", "qzx", "ku", "ing med", "och", "ing", "ulturkultur", "kultur och"} {
		p.same(text, bench.Q4Query, map[string]any{"text": text}, true)
		// Cursors from the resolvers' first page: its 10th and 3rd rows.
		var first struct {
			Data struct {
				First struct {
					Edges []struct{ Cursor string }
				}
			}
		}
		body, _ := p.post(p.resolvers, pages, map[string]any{"text": text})
		if err := json.Unmarshal(body, &first); err != nil {
			t.Fatal(err)
		}
		vars := map[string]any{"text": text}
		if e := first.Data.First.Edges; len(e) >= 10 {
			vars["after"], vars["before"] = e[9].Cursor, e[2].Cursor
		}
		p.same(text+" pages", pages, vars, true)
	}
	p.same("across an edge", `{ municipalities(first: 3, where: {hasActivitiesWith: {titleContainsFold: "gvi"}}) { totalCount edges { node { name } } } }`, nil, true)
}

// Every report of the admin page's dashboard (web/admin/js/views/dashboard.js
// asks them all of one plan) answers alike on the national dataset, for
// every plan, of every year and of the plan's first: the coverage of 290
// municipalities among them.
func TestTheReportsAnswerAlikeOnTheNationalDataset(t *testing.T) {
	p := national(t)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	for _, plan := range p.client.Plan.Query().AllX(ctx) {
		for _, year := range []any{nil, plan.FirstYear} {
			p.same(fmt.Sprintf("plan %d, year %v", plan.ID, year), moreReports, map[string]any{"plan": strconv.Itoa(plan.ID), "year": year}, true)
		}
	}
}
