package server_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/samverkan/samverkan/accounts/accountstest"
)

// Every GraphQL example in the README runs, in order, against a fresh
// server with the Örebro plan, and answers without errors. Its variables
// are the ones the README names, with the ids of this database ($activity:
// the activity an example before it created).
func TestTheREADMEExamplesWork(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 6 {
		t.Fatalf("found %d GraphQL examples in the README, want at least 6", len(blocks))
	}
	s := newTestServer(t)
	created := map[string]string{} // mutation name → the id of what it created
	variables := map[string]func() any{
		"heading": func() any { return s.idOf("objectives", `{title: "Ökad samverkan mellan kultur och skola"}`) },
		"municipalities": func() any {
			return []string{s.idOf("municipalities", `{code: "1885"}`), s.idOf("municipalities", `{code: "1884"}`)}
		},
		"activity":     func() any { return created["createActivity"] },
		"goal":         func() any { return s.idOf("goals", `{number: 1}`) },
		"plan":         func() any { return s.idOf("plans", `{state: ADOPTED}`) },
		"indicator":    func() any { return created["createIndicator"] },
		"municipality": func() any { return s.idOf("municipalities", `{code: "1880"}`) },
		"username":     func() any { return "admin" },
		"password":     func() any { return accountstest.Password },
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
