package server_test

import "testing"

// The status per goal reads the headings only when the query asks for
// them: a dashboard that shows goals saves a query.
func TestStatusByGoalReadsHeadingsOnlyWhenAsked(t *testing.T) {
	s := newTestServer(t)
	s.must(`{ __typename }`, nil, nil) // the token's viewer, kept from here on
	statements := func(query string) int64 {
		s.queries.Store(0)
		s.must(query, nil, nil)
		return s.queries.Load()
	}
	goalsOnly := statements(`{ planReport { statusByGoal { goal { number } statusCounts { total } } } }`)
	withHeadings := statements(`{ planReport { statusByGoal { goal { number } objectives { objective { title } statusCounts { total } } } } }`)
	if withHeadings != goalsOnly+1 {
		t.Errorf("statements: %d for goals only, %d with headings; want one more with headings", goalsOnly, withHeadings)
	}
}
