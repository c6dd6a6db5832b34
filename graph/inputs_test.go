package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/graph"
)

// TestInputLimits sends the filters that failed as INTERNAL on a limit of
// the database (SQLite's expression depth and parameter count,
// PostgreSQL's parameter count and its refusal of NUL), on whichever
// database the tests run.
func TestInputLimits(t *testing.T) {
	e := newEndpoint(t, graph.DefaultLimits)
	const activities = `query($w: ActivityWhereInput) { activities(where: $w) { totalCount } }`
	const municipalities = `query($w: MunicipalityWhereInput) { municipalities(where: $w) { totalCount } }`
	ids := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = fmt.Sprint(i + 1)
		}
		return out
	}
	conditions := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = map[string]any{"titleContains": fmt.Sprint(i)}
		}
		return out
	}
	nested := func(depth int) map[string]any {
		w := map[string]any{"titleContains": "kultur"}
		for range depth {
			w = map[string]any{"not": w}
		}
		return w
	}
	for _, tc := range []struct {
		name  string
		query string
		where map[string]any
		code  samverkan.Code
		field string
	}{
		{"ErrIDInOf40000", activities, map[string]any{"idIn": ids(40_000)}, samverkan.CodeQueryTooLarge, "idIn"},
		{"ErrIDInOf100000", activities, map[string]any{"idIn": ids(100_000)}, samverkan.CodeQueryTooLarge, "idIn"},
		{"ErrCodeInOf40000", municipalities, map[string]any{"codeIn": ids(40_000)}, samverkan.CodeQueryTooLarge, "codeIn"},
		{"ErrOrOf40000", activities, map[string]any{"or": conditions(40_000)}, samverkan.CodeQueryTooLarge, "or"},
		{"ErrAndOf20000", activities, map[string]any{"and": conditions(20_000)}, samverkan.CodeQueryTooLarge, "and"},
		{"ErrOrOf1000", activities, map[string]any{"or": conditions(1_000)}, samverkan.CodeQueryTooLarge, "or"},
		{"ErrNested1100Deep", activities, nested(1_100), samverkan.CodeQueryTooDeep, "not"},
		{"ErrNUL", activities, map[string]any{"titleContains": "a\x00b"}, samverkan.CodeBadRequest, "titleContains"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := e.post(tc.query, map[string]any{"w": tc.where})
			if a.code() != string(tc.code) || a.Errors[0].Extensions["field"] != tc.field {
				t.Fatalf("answer = %d %+v; want %s on %s", a.status, a.Errors, tc.code, tc.field)
			}
			if a.statements != 0 {
				t.Errorf("the refused request ran %d SQL statements, want none", a.statements)
			}
		})
	}
	t.Run("ErrNULInALiteral", func(t *testing.T) {
		a := e.post(`{ plans(where: {nameContains: "a\u0000b"}) { totalCount } }`, nil)
		if a.code() != string(samverkan.CodeBadRequest) {
			t.Fatalf("answer = %d %+v; want BAD_REQUEST", a.status, a.Errors)
		}
	})
	t.Run("ErrNULInAMutation", func(t *testing.T) {
		a := e.post(`mutation($n: String!) { createMunicipality(input: {code: "0180", name: $n}) { id } }`, map[string]any{"n": "Stock\x00holm"})
		if a.code() != string(samverkan.CodeBadRequest) || a.statements != 0 {
			t.Fatalf("answer = %d %+v after %d statements; want BAD_REQUEST before any", a.status, a.Errors, a.statements)
		}
	})
	t.Run("ErrManyValuesInAll", func(t *testing.T) {
		// Eleven lists of 1,000, each within the list limit.
		var q strings.Builder
		q.WriteString("query($ids: [ID!]) {")
		for i := range 11 {
			fmt.Fprintf(&q, " a%d: activities(where: {idIn: $ids}) { totalCount }", i)
		}
		q.WriteString(" }")
		a := e.post(q.String(), map[string]any{"ids": ids(1_000)})
		if a.code() != string(samverkan.CodeQueryTooLarge) {
			t.Fatalf("answer = %d %+v; want QUERY_TOO_LARGE", a.status, a.Errors)
		}
	})
	t.Run("WithinTheLimitsTheDatabaseAnswers", func(t *testing.T) {
		wantOK(t, e.post(activities, map[string]any{"w": map[string]any{"idIn": ids(1_000)}}))
		wantOK(t, e.post(activities, map[string]any{"w": map[string]any{"or": conditions(400)}}))
		wantOK(t, e.post(activities, map[string]any{"w": nested(19)}))
		wantOK(t, e.post(municipalities, map[string]any{"w": map[string]any{"codeIn": ids(1_000)}}))
	})
}
