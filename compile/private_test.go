package compile_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/server"
	"github.com/samverkan/samverkan/server/servertest"
)

// On a private server (reads need a token), the compiled path evaluates the
// read policies as the resolvers do: anonymous reads are refused with the
// resolvers' own error, and nothing is read or counted as a fallback; a
// viewer's reads are compiled and answered alike (openDataExported, which
// depends on the server being private, included); an editor's audit trail,
// which its policy narrows to the editor's records, is left to the
// resolvers, visibly.
func TestPrivateReadsAnswerAlike(t *testing.T) {
	p := newPair(t, seed.LoadOrebro, servertest.Server(server.WithPrivateReads(true)))
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	orebro := p.client.Municipality.Query().Where(municipality.Code("1880")).OnlyIDX(ctx)
	as := func(u string, role auth.Role) *pair {
		q := *p
		q.token = accountstest.Session(t, p.client, accountstest.User(t, p.client, u, role, []int{orebro}, nil))
		return &q
	}
	viewer, editor := as("lasare", auth.RoleViewer), as("redaktor", auth.RoleEditor)
	anonymous := *p
	anonymous.token = ""

	reads := map[string]string{
		"list":     `{ activities(first: 5, orderBy: {field: TITLE}) { totalCount edges { node { title municipalities { edges { node { name } } } } } } }`,
		"node":     `{ node(id: "1") { id __typename ... on Activity { title } } }`,
		"report":   `{ planReport { name openDataExported statusCounts { total done } } }`,
		"openData": `{ plans(first: 5) { edges { node { name state openData openDataExported } } } }`,
		"reports": `{ planReport { activitiesWithoutHistory statusByPerspective { perspective { name } statusCounts { total } }
			statusCountsWholeCounty { total } statusCountsWithoutPerspective { done } followUpsByYear { year periods { period } }
			statusChangesByYear { year changes } } }`,
	}
	for name, q := range reads {
		want, _ := anonymous.post(p.resolvers, q, nil)
		got, fallbacks := anonymous.post(p.compiled, q, nil)
		if !bytes.Equal(got, want) {
			t.Errorf("%s, anonymous: the compiled answer differs from the resolvers'\n got: %s\nwant: %s", name, clip(got), clip(want))
		}
		if !bytes.Contains(want, []byte(`"UNAUTHENTICATED"`)) {
			t.Errorf("%s, anonymous, on a private server: %s; want UNAUTHENTICATED", name, clip(want))
		}
		if fallbacks != "" {
			t.Errorf("%s, anonymous: a refusal counted as %s fallbacks; a refusal is the policy's answer, not a fallback", name, fallbacks)
		}
		viewer.same(name+", viewer", q, nil, true)
	}
	// The same statements, kept, still ask the policy each time they run.
	for name, q := range reads {
		got, _ := anonymous.post(p.compiled, q, nil)
		if !bytes.Contains(got, []byte(`"UNAUTHENTICATED"`)) {
			t.Errorf("%s, anonymous after a viewer's read: %s; want UNAUTHENTICATED", name, clip(got))
		}
	}

	// An editor reads the history of what it may edit only: the policy
	// narrows ent's query, which the statement would not; so the field
	// falls back, and says so.
	const trail = `{ auditEntries(first: 50) { totalCount edges { node { objectType objectID } } } }`
	want, _ := editor.post(p.resolvers, trail, nil)
	got, fallbacks := editor.post(p.compiled, trail, nil)
	if !bytes.Equal(got, want) {
		t.Errorf("the editor's audit trail: the compiled answer differs from the resolvers'\n got: %s\nwant: %s", clip(got), clip(want))
	}
	if fallbacks != "1" {
		t.Errorf("the editor's audit trail: %q fallbacks; want 1 (the read policy filters AuditEntry)", fallbacks)
	}
	p.same("the admin's audit trail", trail, nil, true)

	// The anonymous refusal is the resolvers': 200 with the error, as
	// before the compiler.
	res, err := http.Post(p.compiled+"/graphql", "application/json", bytes.NewReader([]byte(`{"query":"{ activities(first: 1) { totalCount } }"}`)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	want2, err := http.Post(p.resolvers+"/graphql", "application/json", bytes.NewReader([]byte(`{"query":"{ activities(first: 1) { totalCount } }"}`)))
	if err != nil {
		t.Fatal(err)
	}
	want2.Body.Close()
	if res.StatusCode != want2.StatusCode {
		t.Errorf("anonymous on a private server: status %d compiled, %d by the resolvers", res.StatusCode, want2.StatusCode)
	}
}
