package server_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/kolada"
	"github.com/samverkan/samverkan/kolada/koladatest"
	"github.com/samverkan/samverkan/server/servertest"
)

// Every GraphQL example in the README runs, in order, against a fresh
// server with the Örebro plan, and answers without errors. Its variables
// are the ones the README names, with the ids of this database ($activity:
// the activity an example before it created). Each query is answered by
// the compiled reads with the bytes the resolvers answer it with.
func TestTheREADMEExamplesWork(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 6 {
		t.Fatalf("found %d GraphQL examples in the README, want at least 6", len(blocks))
	}
	// Kolada's stand-in has the key figure the README's indicator names;
	// Örebro's 2021 value, which the README enters by hand, is kept.
	k := koladatest.New(t, "N09890")
	k.Add("N09890", "1880", 2021, 1290)
	k.Add("N09890", "1881", 2021, 980)
	kc, err := kolada.New(k.URL)
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, servertest.GraphQL(graph.WithKolada(kc)))
	// The oracle: the same database served by the resolvers alone, which
	// answers each query of the README, as the examples before it left the
	// data, with the bytes the compiled reads answer.
	oracleSrv := httptest.NewServer(servertest.Handler(s.client, s.db, slog.New(slog.DiscardHandler), servertest.GraphQL(graph.WithKolada(kc))))
	t.Cleanup(oracleSrv.Close)
	oracle := &testServer{t: t, URL: oracleSrv.URL, db: s.db, client: s.client, token: s.token}
	created := map[string]string{} // mutation name → the id of what it created
	variables := map[string]func() any{
		"heading": func() any { return s.idOf("objectives", `{title: "Ökad samverkan mellan kultur och skola"}`) },
		"municipalities": func() any {
			return []string{s.idOf("municipalities", `{code: "1885"}`), s.idOf("municipalities", `{code: "1884"}`)}
		},
		"activity":     func() any { return created["createActivity"] },
		"perspective":  func() any { return s.idOf("perspectives", `{name: "Barn"}`) },
		"goal":         func() any { return s.idOf("goals", `{number: 1}`) },
		"plan":         func() any { return s.idOf("plans", `{state: ADOPTED}`) },
		"indicator":    func() any { return created["createIndicator"] },
		"municipality": func() any { return s.idOf("municipalities", `{code: "1880"}`) },
		"nora":         func() any { return s.idOf("municipalities", `{code: "1884"}`) },
		"followUp":     func() any { return created["createFollowUp"] },
		"username":     func() any { return "admin" },
		// A deletion and an update in the audit trail, and the version the
		// update left, to restore and revert.
		"deletion": func() any {
			plan := s.create(`mutation { createPlan(input: {name: "Kulturplan", region: "Region Örebro län", firstYear: 2024, lastYear: 2027}) { id } }`, nil)
			s.create(`mutation($p: ID!) { createGoal(input: {planID: $p, number: 1, title: "Barn och unga"}) { id } }`, map[string]any{"p": plan})
			s.must(`mutation($id: ID!) { deletePlan(id: $id) }`, map[string]any{"id": plan}, nil)
			return s.deletion(plan)
		},
		"update": func() any {
			s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {title: "Skapande skola i hela länet"}) { id } }`,
				map[string]any{"id": s.idOf("activities", `{}`)}, nil)
			return s.lastUpdate(s.idOf("activities", `{}`))
		},
		"version": func() any {
			var data struct{ Node struct{ Version int } }
			s.must(`query($id: ID!) { node(id: $id) { ... on Activity { version } } }`, map[string]any{"id": s.idOf("activities", `{}`)}, &data)
			return data.Node.Version
		},
		"password": func() any { return accountstest.Password },
		"file": func() any {
			sample, err := os.ReadFile("../importer/testdata/aktiviteter.csv")
			if err != nil {
				t.Fatal(err)
			}
			return base64.StdEncoding.EncodeToString(sample)
		},
	}
	for _, b := range blocks {
		query := b[1]
		name := strings.Fields(query)[1]
		vars := map[string]any{}
		for _, v := range regexp.MustCompile(`\$(\w+):`).FindAllStringSubmatch(query, -1) {
			value, ok := variables[v[1]]
			if !ok {
				t.Fatalf("%s: the test knows no value for $%s", name, v[1])
			}
			vars[v[1]] = value()
		}
		if strings.HasPrefix(query, "query ") {
			want, got := oracle.post(query, vars), s.post(query, vars)
			if got.Status != want.Status || !bytes.Equal(got.Data, want.Data) {
				t.Errorf("%s: the compiled answer differs from the resolvers'\n got (%d): %s\nwant (%d): %s", name, got.Status, got.Data, want.Status, want.Data)
			}
		}
		var data map[string]json.RawMessage
		s.must(query, vars, &data)
		if len(data) == 0 || string(data[firstKey(data)]) == "null" {
			t.Errorf("%s answered with nothing", name)
		}
		if id := regexp.MustCompile(`"id":"(\d+)"`).FindStringSubmatch(string(data[firstKey(data)])); id != nil {
			created[firstKey(data)] = id[1]
		}
	}
}

func firstKey(m map[string]json.RawMessage) string {
	for k := range m {
		return k
	}
	return ""
}
