package server_test

import (
	"testing"

	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/server/servertest"
)

// The status per goal reads the headings only when the query asks for
// them: a dashboard that shows goals saves a query. Compiled, either is
// one statement.
func TestStatusByGoalReadsHeadingsOnlyWhenAsked(t *testing.T) {
	const goalsOnly = `{ planReport { statusByGoal { goal { number } statusCounts { total } } } }`
	const withHeadings = `{ planReport { statusByGoal { goal { number } objectives { objective { title } statusCounts { total } } } } }`
	statements := func(s *testServer, query string) int64 {
		s.queries.Store(0)
		s.must(query, nil, nil)
		return s.queries.Load()
	}
	resolvers := newTestServer(t, servertest.GraphQL(graph.WithCompiledReads("")))
	resolvers.must(`{ __typename }`, nil, nil) // the token's viewer, kept from here on
	if g, h := statements(resolvers, goalsOnly), statements(resolvers, withHeadings); h != g+1 {
		t.Errorf("resolvers' statements: %d for goals only, %d with headings; want one more with headings", g, h)
	}
	compiled := newTestServer(t)
	compiled.must(`{ __typename }`, nil, nil)
	if g, h := statements(compiled, goalsOnly), statements(compiled, withHeadings); g != 1 || h != 1 {
		t.Errorf("compiled statements: %d for goals only, %d with headings; want 1 and 1", g, h)
	}
}
