package compile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/privacy"
	status "github.com/samverkan/samverkan/ent/schema/enum"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/bench"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/server/servertest"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// pair is one database served twice: through the read compiler, and
// through the resolvers alone, the oracle.
type pair struct {
	t                   *testing.T
	db                  *storage.DB
	client              *ent.Client
	compiled, resolvers string
	token               string
}

// opts are given to both servers.
func newPair(t *testing.T, load func(context.Context, *ent.Client) error, opts ...servertest.Option) *pair {
	t.Helper()
	db := storagetest.Open(t)
	client := db.Client()
	if err := load(context.Background(), client); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The compiled server's log says why a field fell back.
	clog := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	compiled := httptest.NewServer(servertest.Handler(client, db, clog, append(opts, servertest.GraphQL(graph.WithCompiledReads(db.Dialect)))...))
	resolvers := httptest.NewServer(servertest.Handler(client, db, log, opts...))
	t.Cleanup(func() {
		compiled.Close()
		resolvers.Close()
	})
	return &pair{t: t, db: db, client: client, compiled: compiled.URL, resolvers: resolvers.URL, token: accountstest.Admin(t, client)}
}

// planID is the id of the seed's first plan.
func (p *pair) planID() string {
	id, err := p.client.Plan.Query().FirstID(context.Background())
	if err != nil {
		p.t.Fatal(err)
	}
	return strconv.Itoa(id)
}

// post sends the query, with the pair's token unless it is "", and
// returns the response body and how many root fields fell back to the
// resolvers.
func (p *pair) post(url, query string, vars map[string]any) ([]byte, string) {
	p.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if p.token != "" {
		req.Header.Set("Authorization", "Bearer "+p.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return out, res.Header.Get(samverkan.ReadFallbacksHeader)
}

// same asks both servers and fails unless the answers are the same bytes.
// compiled says whether the read compiler must have answered every root
// field.
func (p *pair) same(name, query string, vars map[string]any, compiled bool) []byte {
	p.t.Helper()
	want, _ := p.post(p.resolvers, query, vars)
	got, fallbacks := p.post(p.compiled, query, vars)
	if !bytes.Equal(got, want) {
		p.t.Errorf("%s: the compiled answer differs from the resolvers'\n got: %s\nwant: %s", name, clip(got), clip(want))
	}
	if bytes.Contains(want, []byte(`"errors"`)) {
		p.t.Errorf("%s: answered with errors: %s", name, clip(want))
	}
	if compiled && fallbacks != "" {
		p.t.Errorf("%s: %s root fields fell back to the resolvers", name, fallbacks)
	}
	return got
}

func clip(b []byte) string {
	if len(b) > 3000 {
		return string(b[:3000]) + "…"
	}
	return string(b)
}

func TestTheBenchmarkReadsAnswerAlike(t *testing.T) {
	p := newPair(t, seed.LoadOrebro)
	p.same("Q1", bench.Q1Query, map[string]any{"first": 50}, true)
	p.same("Q2", bench.Q2Query, map[string]any{"code": "1880"}, true)
	p.same("Q3", bench.Q3Query, map[string]any{"plan": p.planID()}, true)
	p.same("Q4", bench.Q4Query, map[string]any{"text": "KULTUR"}, true)
}

// Every query of the README answers alike.
func TestTheREADMEQueriesAnswerAlike(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	p := newPair(t, seed.LoadOrebro)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	// The values of the variables the README's queries declare, as
	// server/readme_test.go gives them.
	variables := map[string]func() any{
		"plan": func() any {
			return strconv.Itoa(p.client.Plan.Query().Where(plan.StateEQ(plan.StateAdopted)).FirstIDX(ctx))
		},
	}
	n := 0
	for _, b := range regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1) {
		query := b[1]
		if !strings.HasPrefix(query, "query ") {
			continue
		}
		name := strings.FieldsFunc(query, func(r rune) bool { return r == ' ' || r == '(' || r == '{' })[1]
		vars := map[string]any{}
		for _, v := range regexp.MustCompile(`\$(\w+):`).FindAllStringSubmatch(query, -1) {
			value, ok := variables[v[1]]
			if !ok {
				t.Fatalf("%s: the test knows no value for $%s", name, v[1])
			}
			vars[v[1]] = value()
		}
		n++
		p.same(name, query, vars, false)
		if _, fellBack := p.post(p.compiled, query, vars); fellBack != "" {
			t.Logf("%s: %s root fields left to the resolvers", name, fellBack)
		}
	}
	if n < 15 {
		t.Fatalf("found %d queries in the README, want at least 15", n)
	}
}

// The shapes clients use, each answered alike: paging both ways, several
// order fields, filters across edges, fragments, directives, aliases,
// __typename, times, empty pages and lone counts.
func TestEveryShapeAnswersAlike(t *testing.T) {
	p := newPair(t, seed.LoadOrebro)
	cases := []struct {
		name, query string
		vars        map[string]any
	}{
		{"Times", `{ activities(first: 3) { edges { node { id createdAt updatedAt startDate nextReview version objectiveID description lead } } } }`, nil},
		{"Typenames", `{ activities(first: 2) { __typename edges { __typename cursor node { __typename id } } pageInfo { __typename hasNextPage } } }`, nil},
		{"Aliases", `{ a: activities(first: 2) { totalCount edges { n: node { t: title s: status } c: cursor } } b: activities(last: 2) { edges { node { title } } } }`, nil},
		{"Fragments", `query F { plans(first: 1) { edges { node { ...P goals { edges { node { ... on Goal { number } ... on Node { id } } } } } } } }
			fragment P on Plan { name firstYear }`, nil},
		{"Directives", `query D($yes: Boolean!, $no: Boolean!) { activities(first: 2) { edges { node { title @include(if: $yes) status @include(if: $no) id @skip(if: $yes) } } } }`,
			map[string]any{"yes": true, "no": false}},
		{"OrderedTwice", `{ activities(first: 10, orderBy: [{field: STATUS, direction: DESC}, {field: TITLE}]) { edges { cursor node { status title } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } }`, nil},
		{"Last", `{ municipalities(last: 4, orderBy: {field: NAME}) { totalCount edges { cursor node { name } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } }`, nil},
		{"FirstZero", `{ activities(first: 0) { totalCount edges { node { title } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, nil},
		{"CountOnly", `{ activities(first: 5) { totalCount } goals(last: 2) { pageInfo { hasNextPage hasPreviousPage } } }`, nil},
		{"AcrossEdges", `{ activities(where: {hasObjectiveWith: {hasGoalWith: {number: 3}}, hasMunicipalitiesWith: {codeIn: ["1880", "1882"]}}) { totalCount edges { node { title institutions { totalCount edges { node { name kind } } } } } } }`, nil},
		{"Nested", `{ municipalities(first: 12, orderBy: {field: NAME, direction: DESC}) { edges { node { name institutions(first: 2) { totalCount edges { node { name municipality { code } } } pageInfo { hasNextPage endCursor } } activities(last: 1) { edges { cursor node { title objective { goal { plan { name } } } } } pageInfo { hasPreviousPage startCursor } } } } } }`, nil},
		{"Empty", `{ activities(where: {titleContainsFold: "ingen sådan titel"}) { totalCount edges { node { title } } pageInfo { hasNextPage startCursor } } }`, nil},
		{"Strings", `{ goals(first: 3, orderBy: {field: NUMBER}) { edges { node { number title area statement description focusAreas targetGroups } } } }`, nil},
		{"NoTitle", `{ goals(where: {titleContainsFold: "barn"}) { edges { node { number title } } } }`, nil},
		// Goal.sentence, a resolver's: the plan's intro and the statement.
		{"Sentence", `{ goals(first: 5) { edges { node { number sentence statement s: sentence plan { goalsIntro } } } } }`, nil},
		{"Node", `query N($id: ID!) { node(id: $id) { id __typename ... on Activity { title objective { title } municipalities { totalCount edges { node { name } } } } ... on Goal { number } } }`,
			map[string]any{"id": "1"}},
		{"Nodes", `query N($ids: [ID!]!) { nodes(ids: $ids) { id __typename ... on Activity { title objective { goal { number } } } ... on Municipality { name code } } }`,
			map[string]any{"ids": []string{"1", "17179869185", "2", "1"}}},
		{"NoNodes", `{ nodes(ids: []) { id } }`, nil},
		{"ByCount", `{ municipalities(first: 6, orderBy: [{field: ACTIVITIES_COUNT, direction: DESC}, {field: NAME}]) { edges { cursor node { name } } pageInfo { endCursor } } institutions(last: 3, orderBy: {field: ACTIVITIES_COUNT}) { edges { cursor node { name } } } }`, nil},
		// Searches answered from the search index (package search), in every
		// place a where can hold them; the resolvers read every title.
		{"Search", `{ activities(first: 5, where: {titleContainsFold: "KULTUR"}) { totalCount edges { node { title } } pageInfo { hasNextPage endCursor } } }`, nil},
		{"SearchShort", `{ activities(where: {titleContainsFold: "ku"}) { totalCount } }`, nil},
		{"SearchWildcards", `{ a: activities(where: {titleContainsFold: "100%"}) { totalCount } b: activities(where: {titleContainsFold: "k_ltur"}) { totalCount } c: activities(where: {titleContainsFold: "\\"}) { totalCount } }`, nil},
		{"SearchCombined", `{ activities(where: {or: [{titleContainsFold: "barnkultur"}, {not: {titleContainsFold: "samverkan"}, and: [{titleContainsFold: "läsfrämj"}]}]}) { totalCount edges { node { title } } } }`, nil},
		{"SearchAcrossEdges", `{ municipalities(first: 5, where: {hasActivitiesWith: {titleContainsFold: "Örebro"}}) { totalCount edges { node { name activities(first: 2, where: {titleContainsFold: "kultur"}) { totalCount edges { node { title } } } } } } }`, nil},
		// Reports: a plan's activities per status, per goal and per heading,
		// of every year or one; shareDone is a float.
		{"Report", `{ planReport { name statusCounts { planned ongoing done cancelled total shareDone __typename }
			statusByGoal { __typename goal { number title plan { name } } statusCounts { total done shareDone }
				objectives { __typename objective { title position goal { number } } statusCounts { planned total shareDone } } } } }`, nil},
		{"ReportOfAYear", `{ planReport { y2021: statusCounts(year: 2021) { planned ongoing done cancelled shareDone }
			statusByGoal(year: 2022) { goal { number } statusCounts { total } objectives { statusCounts { total shareDone } } } } }`, nil},
		{"ReportNested", `{ goals(first: 3) { edges { node { number statusCounts { total shareDone } objectives { edges { node { title statusCounts(year: 2020) { planned done } } } } } } } }`, nil},
		// A filter made for the viewer (package scope): an admin's is every
		// activity; TestViewerFiltersAnswerAlike asks an editor's.
		{"ViewerCanUpdate", `{ activities(first: 5, where: {viewerCanUpdate: true}) { totalCount edges { node { title } } } none: activities(where: {viewerCanUpdate: false}) { totalCount } }`, nil},
		{"ByCountNested", `{ goals(first: 3) { edges { node { number objectives(orderBy: {field: ACTIVITIES_COUNT, direction: DESC}) { edges { cursor node { title } } } } } } }`, nil},
	}
	for _, c := range cases {
		// pgx reads times in the local time zone, which a statement does
		// not know: off UTC, PostgreSQL's times are left to the resolvers.
		mustCompile := c.name != "Times" || p.db.Dialect != dialect.Postgres || utc()
		p.same(c.name, c.query, c.vars, mustCompile)
	}
}

// The compiled reports count as the report package does, with statuses of
// every kind and shares that are not round: against the resolvers, for
// every plan, every year of the plans and none.
func TestReportsAnswerAlike(t *testing.T) {
	p := newPair(t, seed.LoadOrebro)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	for i, a := range p.client.Activity.Query().Order(activity.ByID()).AllX(ctx) {
		st := []status.Status{status.StatusDone, status.StatusOngoing, status.StatusCancelled, status.StatusDone, status.StatusPlanned, status.StatusDone, status.StatusDone}[i%7]
		p.client.Activity.UpdateOne(a).SetStatus(st).ExecX(ctx)
	}
	// Activities created, deleted and moved to another heading, whose
	// counts the triggers of storage.StatusCountsTable keep on SQLite.
	all := p.client.Activity.Query().Order(activity.ByID()).AllX(ctx)
	objectives := p.client.Objective.Query().AllX(ctx)
	p.client.Activity.DeleteOne(all[0]).ExecX(ctx)
	p.client.Activity.UpdateOne(all[1]).SetObjective(objectives[len(objectives)-1]).SetStatus(status.StatusOngoing).ExecX(ctx)
	p.client.Activity.UpdateOne(all[2]).SetObjective(objectives[0]).ExecX(ctx)
	for i := range 5 {
		p.client.Activity.Create().SetTitle(fmt.Sprintf("Ny aktivitet %d", i)).SetObjective(objectives[i%len(objectives)]).
			SetStatus(status.StatusDone).SaveX(ctx)
	}
	const q = `query R($plan: ID, $year: Int) { planReport(id: $plan) { id
		statusCounts(year: $year) { planned ongoing done cancelled total shareDone }
		statusByGoal(year: $year) { goal { id number statusCounts(year: $year) { done shareDone } } statusCounts { planned ongoing done cancelled total shareDone }
			objectives { objective { id title } statusCounts { planned ongoing done cancelled total shareDone } } } } }`
	p.same("newest", q, nil, true)
	for _, plan := range p.client.Plan.Query().AllX(ctx) {
		for _, year := range []any{nil, plan.FirstYear, plan.FirstYear + 1, plan.LastYear, plan.LastYear + 1} {
			p.same(fmt.Sprintf("plan %d, year %v", plan.ID, year), q, map[string]any{"plan": strconv.Itoa(plan.ID), "year": year}, true)
		}
	}
	// What the resolvers answer with an error or null, they answer.
	for _, vars := range []map[string]any{{"plan": "1"}, {"plan": "12345678901"}, {"year": 1800}} {
		want, _ := p.post(p.resolvers, q, vars)
		got, _ := p.post(p.compiled, q, vars)
		if !bytes.Equal(got, want) {
			t.Errorf("%v: the compiled answer differs from the resolvers'\n got: %s\nwant: %s", vars, got, want)
		}
	}
}

// Paging through a list with after: endCursor, and back with before:
// startCursor, answers alike page by page and finds every item once.
func TestPagingAnswersAlike(t *testing.T) {
	p := newPair(t, seed.LoadOrebro)
	const forward = `query F($after: Cursor) { municipalities(first: 5, after: $after, orderBy: [{field: NAME}]) {
		edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
	const backward = `query B($before: Cursor) { municipalities(last: 5, before: $before, orderBy: [{field: NAME}]) {
		edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
	type answer struct {
		Data struct {
			Municipalities struct {
				Edges []struct {
					Node struct{ Name string }
				}
				PageInfo struct {
					HasNextPage, HasPreviousPage bool
					StartCursor, EndCursor       *string
				}
			}
		}
	}
	for _, dir := range []struct {
		query, arg string
	}{{forward, "after"}, {backward, "before"}} {
		seen := map[string]bool{}
		var cursor any
		for page := 0; ; page++ {
			if page > 5 {
				t.Fatalf("%s: more pages than there are municipalities", dir.arg)
			}
			body := p.same(dir.arg, dir.query, map[string]any{dir.arg: cursor}, true)
			var a answer
			if err := json.Unmarshal(body, &a); err != nil {
				t.Fatal(err)
			}
			m := a.Data.Municipalities
			for _, e := range m.Edges {
				if seen[e.Node.Name] {
					t.Errorf("%s: %s seen twice", dir.arg, e.Node.Name)
				}
				seen[e.Node.Name] = true
			}
			more, next := m.PageInfo.HasNextPage, m.PageInfo.EndCursor
			if dir.arg == "before" {
				more, next = m.PageInfo.HasPreviousPage, m.PageInfo.StartCursor
			}
			if !more {
				break
			}
			cursor = *next
		}
		if len(seen) != 12 {
			t.Errorf("%s: paging found %d municipalities, want 12", dir.arg, len(seen))
		}
	}
}

func utc() bool {
	for _, m := range []time.Month{time.January, time.July} {
		if _, off := time.Date(2025, m, 1, 0, 0, 0, 0, time.Local).Zone(); off != 0 {
			return false
		}
	}
	return true
}

// testWriter writes a log to the test's output.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// Goal.sentence, compiled from the plan's intro and the goal's statement,
// is what its resolver makes of them: with an intro and without one, with a
// statement and without one.
func TestSentencesAnswerAlike(t *testing.T) {
	p := newPair(t, seed.LoadOrebro)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	bare := p.client.Plan.Create().SetName("Utan inledning").SetRegion("Region Örebro län").SetFirstYear(2024).SetLastYear(2027).SaveX(ctx)
	p.client.Goal.Create().SetPlan(bare).SetNumber(1).SetTitle("Med mål").SetStatement("stärka läsandet").SaveX(ctx)
	p.client.Goal.Create().SetPlan(bare).SetNumber(2).SetTitle("Utan mål").SaveX(ctx)
	p.same("sentences", `{ goals(first: 20, orderBy: {field: NUMBER}) { edges { node { number title sentence plan { name goalsIntro } } } } }`, nil, true)
}

// The filter viewerCanUpdate is made for the viewer: an editor's and an
// admin's answer alike, at the root, nested, combined and negated, asked
// in turns with the same queries, so that a statement kept for one would
// answer the other.
func TestViewerFiltersAnswerAlike(t *testing.T) {
	p := newPair(t, seed.LoadOrebro)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	orebro := p.client.Municipality.Query().Where(municipality.Code("1880")).OnlyIDX(ctx)
	admin := p.token
	editor := accountstest.Session(t, p.client, accountstest.User(t, p.client, "redaktor", auth.RoleEditor, []int{orebro}, nil))
	queries := []string{
		`{ activities(first: 100, where: {viewerCanUpdate: true}) { totalCount edges { node { id title } } } }`,
		`{ activities(last: 7, where: {viewerCanUpdate: false}, orderBy: {field: TITLE}) { totalCount edges { cursor node { title } } pageInfo { hasPreviousPage startCursor } } }`,
		`{ municipalities(first: 3, orderBy: {field: NAME}) { edges { node { name activities(first: 3, where: {viewerCanUpdate: true}) { totalCount edges { node { title } } } } } } }`,
		`{ goals(where: {hasObjectivesWith: {hasActivitiesWith: {viewerCanUpdate: true}}}) { totalCount edges { node { number } } } }`,
		`{ activities(where: {titleContainsFold: "kultur", not: {viewerCanUpdate: true}}) { totalCount } }`,
	}
	counts := map[string][]int{}
	for _, who := range []string{"admin", "editor", "admin", "editor"} {
		p.token = map[string]string{"admin": admin, "editor": editor}[who]
		for i, q := range queries {
			body := p.same(fmt.Sprintf("%s, query %d", who, i), q, nil, true)
			if i == 0 {
				var a struct {
					Data struct{ Activities struct{ TotalCount int } }
				}
				if err := json.Unmarshal(body, &a); err != nil {
					t.Fatal(err)
				}
				counts[who] = append(counts[who], a.Data.Activities.TotalCount)
			}
		}
	}
	all := p.client.Activity.Query().CountX(ctx)
	if a, e := counts["admin"], counts["editor"]; a[0] != all || a[1] != all || e[0] != e[1] || e[0] == 0 || e[0] >= all {
		t.Errorf("activities an admin may update: %v, an editor of Örebro: %v, of %d", a, e, all)
	}
}

// Texts with every control character, the separators JavaScript reads as
// line ends, HTML's <, > and &, quotes, backslashes (one before a u), a
// byte order mark, a combining accent and an emoji are written as gqlgen
// writes them: in a string column, in a JSON list of strings, and in the
// cursors of an order by the text.
func TestTextsAnswerAlike(t *testing.T) {
	p := newPair(t, seed.LoadOrebro)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	var controls strings.Builder
	for c := rune(1); c < 0x20; c++ {
		controls.WriteRune(c)
	}
	texts := []string{
		"kontroll " + controls.String() + "\x7f slut",
		"rad\u2028stycke\u2029slut",
		`<b>"citat" & \u0041 \\ \n</b>`,
		"\ufeffmed BOM",
		"e\u0301 och é, 🎭 teater",
	}
	g := p.client.Goal.Query().FirstX(ctx)
	o := p.client.Objective.Query().FirstX(ctx)
	for i, text := range texts {
		p.client.Activity.Create().SetTitle(fmt.Sprintf("%02d %s", i, text)).SetDescription(text).SetObjective(o).SaveX(ctx)
	}
	p.client.Goal.UpdateOne(g).SetFocusAreas(texts).SetTargetGroups([]string{controls.String(), ""}).ExecX(ctx)
	p.same("columns", `{ activities(last: 5) { edges { node { title description lead } } } }`, nil, true)
	p.same("ordered by the text", `{ activities(first: 5, orderBy: [{field: TITLE}]) { edges { cursor node { title } } pageInfo { endCursor } } }`, nil, true)
	p.same("lists", `query G($id: ID!) { node(id: $id) { ... on Goal { focusAreas targetGroups } } }`, map[string]any{"id": strconv.Itoa(g.ID)}, true)
}
