package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent/auditentry"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/indicator"
	"github.com/samverkan/samverkan/ent/indicatorvalue"
	"github.com/samverkan/samverkan/kolada"
	"github.com/samverkan/samverkan/kolada/koladatest"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// samverkan kolada fetch and import store an indicator's Kolada values,
// from the API or from a file of the same JSON, say what they did, record
// it in the audit trail, and on a failure say why with its code and
// change nothing.
func TestKoladaCommands(t *testing.T) {
	ctx := context.Background()
	dsn := storagetest.Open(t).DSN
	quiet := &app{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	if err := quiet.run(ctx, []string{"seed", "--db", dsn}); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := db.Client()
	sctx := auth.AsServer(ctx)
	g := c.Goal.Query().Where(goal.Number(1)).OnlyX(sctx)
	ind := c.Indicator.Create().SetGoalID(g.ID).SetName("Elever i kulturskolan").
		SetScope(indicator.ScopeMunicipality).SetKoladaKpi("N09890").SaveX(sctx)
	id := strconv.Itoa(ind.ID)

	k := koladatest.New(t, "N09890")
	for _, code := range []string{"1814", "1860", "1861", "1862", "1863", "1864", "1880", "1881", "1882", "1883", "1884", "1885"} {
		for y := 2020; y <= 2021; y++ {
			k.Add("N09890", code, y, float64(y))
		}
	}
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &out, getenv: func(string) string { return "" }}
		err := a.run(ctx, append([]string{"kolada"}, args...))
		return out.String(), err
	}
	values := func() map[string]float64 {
		out := map[string]float64{}
		for _, v := range c.IndicatorValue.Query().Where(indicatorvalue.IndicatorID(ind.ID)).WithMunicipality().AllX(sctx) {
			out[fmt.Sprintf("%s/%d/%s", v.Edges.Municipality.Code, v.Year, v.Source)] = v.Value
		}
		return out
	}

	out, err := run("fetch", "--db", dsn, "--kolada-url", k.URL, id)
	if err != nil || !strings.Contains(out, "N09890 from "+k.URL+" into indicator "+id+" (Elever i kulturskolan)") ||
		!strings.Contains(out, "24 created, 0 updated, 0 unchanged") ||
		!strings.Contains(out, "Kolada has no value for Laxå (1860) in 2022, 2023.") {
		t.Fatalf("kolada fetch: %v\n%s", err, out)
	}
	if v := values(); len(v) != 24 || v["1880/2021/KOLADA"] != 2021 {
		t.Errorf("after fetch: %v", v)
	}
	if n := c.AuditEntry.Query().Where(auditentry.ActorName("samverkan kolada fetch"), auditentry.ObjectType("IndicatorValue")).CountX(sctx); n != 24 {
		t.Errorf("%d creations recorded as by samverkan kolada fetch, want 24", n)
	}

	// A file: Örebro's 2021 revised, Stockholm's skipped, read from stdin too.
	revised, stockholm := 2021.5, 7.0
	file := filepath.Join(t.TempDir(), "N09890.json")
	page := koladatest.Page(
		kolada.Datum{KPI: "N09890", Municipality: "1880", Period: 2021, Values: []kolada.Value{{Gender: "T", Value: &revised}}},
		kolada.Datum{KPI: "N09890", Municipality: "0180", Period: 2021, Values: []kolada.Value{{Gender: "T", Value: &stockholm}}},
	)
	if err := os.WriteFile(file, page, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = run("import", "--db", dsn, id, file)
	if err != nil || !strings.Contains(out, "0 created, 1 updated, 0 unchanged, 1 outside the plan skipped.") {
		t.Fatalf("kolada import: %v\n%s", err, out)
	}
	if v := values(); v["1880/2021/KOLADA"] != revised {
		t.Errorf("after import: Örebro 2021 = %v, want %v", v["1880/2021/KOLADA"], revised)
	}
	before := values()

	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"count": 1, "values": [{"kpi": "N09890", "municipality": "1880", "period": 20`), 0o600); err != nil {
		t.Fatal(err)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	down := closed.URL + "/v3"
	closed.Close()
	k2 := koladatest.New(t, "N09890")
	k2.Break(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "", http.StatusServiceUnavailable) })
	for _, f := range []struct {
		args []string
		says string
	}{
		{[]string{"import", "--db", dsn, id, bad}, "not Kolada's v3 JSON"},
		{[]string{"import", "--db", dsn, id, filepath.Join(t.TempDir(), "none.json")}, "cannot read the file"},
		{[]string{"fetch", "--db", dsn, "--kolada-url", k2.URL, id}, "answered 503 Service Unavailable; nothing was changed (UPSTREAM)"},
		{[]string{"fetch", "--db", dsn, "--kolada-url", down, id}, "cannot be reached"},
		{[]string{"fetch", "--db", dsn, "--kolada-url", k.URL, "999999"}, "no such indicator (NOT_FOUND)"},
		{[]string{"fetch", "--db", dsn, "--kolada-url", "ftp://x", id}, "not an http(s) URL"},
		{[]string{"fetch", "--db", dsn, "seven"}, "not an indicator's ID"},
		{[]string{"import", "--db", dsn, id}, "needs INDICATOR_ID and FILE"},
	} {
		if out, err := run(f.args...); err == nil || !strings.Contains(out, f.says) {
			t.Errorf("kolada %v: %v, %q; want a failure saying %q", f.args, err, out, f.says)
		}
	}
	after := values()
	if len(after) != len(before) {
		t.Errorf("%d values after the failures, %d before", len(after), len(before))
	}
	for key, v := range before {
		if after[key] != v {
			t.Errorf("%s: %v after the failures, %v before", key, after[key], v)
		}
	}
}

// serve --kolada-url is the Kolada fetchKolada asks.
func TestServeFetchesFromKolada(t *testing.T) {
	k := koladatest.New(t, "N09890")
	k.Add("N09890", "1880", 2021, 1234)
	dsn := storagetest.Open(t).DSN
	s := startServer(t, dsn, "--kolada-url", k.URL)
	s.signIn(t)
	goalID := s.graphql(t, `{ goals(first: 1, where: {number: 1}) { edges { node { id } } } }`)["goals"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"]
	created := s.graphql(t, fmt.Sprintf(`mutation { createIndicator(input: {goalID: %q, name: "Elever", scope: MUNICIPALITY, koladaKpi: "N09890"}) { id } }`, goalID))
	id := created["createIndicator"].(map[string]any)["id"]
	got := s.graphql(t, fmt.Sprintf(`mutation { fetchKolada(indicatorID: %q) { created } }`, id))
	if n := got["fetchKolada"].(map[string]any)["created"]; n != float64(1) {
		t.Errorf("fetchKolada created %v, want 1", n)
	}
}
