package compile_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/server/servertest"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// A root field the compiler leaves to the resolvers is never silent: the
// request's log line says how many fell back and why the first did, and
// the response says how many in X-Read-Fallbacks (which the benchmark
// counts); a query compiled whole says neither.
func TestFallbacksAreLoggedAndCounted(t *testing.T) {
	db := storagetest.Open(t)
	client := db.Client()
	if err := seed.LoadOrebro(context.Background(), client); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv := httptest.NewServer(servertest.Handler(client, db, slog.New(slog.NewJSONHandler(logs, nil)),
		servertest.GraphQL(graph.WithCompiledReads(db.Dialect))))
	t.Cleanup(srv.Close)
	p := &pair{t: t, db: db, client: client, compiled: srv.URL, token: accountstest.Admin(t, client)}

	type line struct {
		Msg           string `json:"msg"`
		Operation     string `json:"operation"`
		ReadFallbacks *int   `json:"read_fallbacks"`
		ReadFallback  string `json:"read_fallback"`
	}
	request := func(query string) (line, string) {
		t.Helper()
		logs.Reset()
		body, header := p.post(p.compiled, query, nil)
		if bytes.Contains(body, []byte(`"errors"`)) {
			t.Fatalf("%s answered with errors: %s", query, body)
		}
		var found []line
		sc := bufio.NewScanner(bytes.NewReader(logs.Bytes()))
		for sc.Scan() {
			var l line
			if json.Unmarshal(sc.Bytes(), &l) == nil && l.Msg == "request" {
				found = append(found, l)
			}
		}
		if len(found) != 1 {
			t.Fatalf("%s: %d request lines in the log, want 1:\n%s", query, len(found), logs.Bytes())
		}
		return found[0], header
	}

	l, header := request(`query Mixed { me { username } a: activities(first: 1) { totalCount } viewer: me { role } }`)
	if header != "2" {
		t.Errorf("%s = %q, want 2 (me, twice)", samverkan.ReadFallbacksHeader, header)
	}
	if l.ReadFallbacks == nil || *l.ReadFallbacks != 2 {
		t.Errorf("the log line's read_fallbacks = %v, want 2", l.ReadFallbacks)
	}
	if want := "me: root field me is not a connection of the ent schema"; l.ReadFallback != want {
		t.Errorf("the log line's read_fallback = %q, want %q", l.ReadFallback, want)
	}

	// A field of a compiled root that the compiler does not write
	// (viewerCanUpdate, a resolver's) leaves the whole root field to the
	// resolvers, and says which.
	l, header = request(`{ activities(first: 1) { edges { node { title viewerCanUpdate } } } }`)
	if header != "1" || l.ReadFallbacks == nil || *l.ReadFallbacks != 1 || l.ReadFallback == "" {
		t.Errorf("a field the compiler does not write: %s %q, log line %+v; want 1 and why", samverkan.ReadFallbacksHeader, header, l)
	}

	l, header = request(`query Whole { activities(first: 2) { totalCount edges { node { title } } } planReport { statusCounts { total } } }`)
	if header != "" || l.ReadFallbacks != nil || l.ReadFallback != "" {
		t.Errorf("a query compiled whole: %s %q, log line %+v; want no fallback", samverkan.ReadFallbacksHeader, header, l)
	}
}

// Every field of the ent types that the compiler leaves to the resolvers
// (found by asking each one under its root connection), and every root
// field it leaves to them, is named in the README's list of what falls
// back, as `Type.field` or, for a root field, `field`: so that list stays
// whole as the schema grows.
func TestWhatFallsBackIsInTheREADME(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "## How a read is answered")
	section, _, _ = strings.Cut(section, "\n## ")
	env := newFuzzEnv(t)
	p := *env.pair
	p.t = t
	fellBack := func(query string) (bool, string) {
		t.Helper()
		env.log.Reset()
		_, n := p.post(p.compiled, query, nil)
		_, reason := compiledLog(env.log.Bytes())
		return n != "", reason
	}
	// selection asks for f with its required arguments, and the least of
	// what it leads to.
	selection := func(f *ast.FieldDefinition) string {
		sel := f.Name
		var args []string
		for _, a := range f.Arguments {
			if a.Type.NonNull && a.DefaultValue == nil {
				switch a.Type.Name() {
				case "Int":
					args = append(args, a.Name+": 2024")
				case "ID":
					args = append(args, a.Name+`: "1"`)
				case "Time":
					args = append(args, a.Name+`: "2024-01-01T00:00:00Z"`)
				default:
					return ""
				}
			}
		}
		if len(args) > 0 {
			sel += "(" + strings.Join(args, ", ") + ")"
		}
		if def := env.schema.Types[f.Type.Name()]; def.Kind == ast.Object || def.Kind == ast.Interface {
			sel += " { __typename }"
		}
		return sel
	}
	var missing []string
	check := func(name, query string) {
		if fb, reason := fellBack(query); fb {
			t.Logf("falls back: %s (%s)", name, reason)
			// Times on PostgreSQL off UTC fall back, as the README says
			// (not by name).
			if !strings.Contains(section, "`"+name+"`") && !strings.Contains(reason, "a time on PostgreSQL") {
				missing = append(missing, name)
			}
		}
	}
	for _, f := range env.schema.Query.Fields {
		def := env.schema.Types[f.Type.Name()]
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		if !isConnection(def) {
			if sel := selection(f); sel != "" {
				check(f.Name, "{ "+sel+" }")
			}
			continue
		}
		node := env.schema.Types[nodeOf(def)]
		for _, nf := range node.Fields {
			if sel := selection(nf); sel != "" && !isConnection(env.schema.Types[nf.Type.Name()]) {
				check(node.Name+"."+nf.Name, "{ "+f.Name+"(first: 2) { edges { node { "+sel+" } } } }")
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("the README's list of what falls back (How a read is answered) does not name %s", strings.Join(missing, ", "))
	}
}
