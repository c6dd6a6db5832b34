package server_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/kolada"
	"github.com/samverkan/samverkan/kolada/koladatest"
	"github.com/samverkan/samverkan/server/servertest"
)

// orebroMunicipalities are the codes of Örebro län's twelve municipalities.
var orebroMunicipalities = []string{"1814", "1860", "1861", "1862", "1863", "1864", "1880", "1881", "1882", "1883", "1884", "1885"}

const fetchKolada = `mutation($id: ID!) { fetchKolada(indicatorID: $id) {
	kpi created updated unchanged keptOwn skipped
	missing { municipality { code } years }
	indicator { id koladaFetchedAt } } }`

type koladaImport struct {
	KPI                                           string
	Created, Updated, Unchanged, KeptOwn, Skipped int
	Missing                                       []struct {
		Municipality struct{ Code string }
		Years        []int
	}
	Indicator struct {
		ID              string
		KoladaFetchedAt *string
	}
}

// newKoladaServer is a test server whose fetchKolada asks a stand-in for
// Kolada that knows N09890 with a value for every municipality of Örebro
// län in 2020–2022 (2023 not yet published), Laxå's 2022 listed without a
// number; the value is the code's last two digits plus a year's share.
func newKoladaServer(t *testing.T) (*testServer, *koladatest.Server, *indicatorFixture) {
	t.Helper()
	k := koladatest.New(t, "N09890")
	for _, code := range orebroMunicipalities {
		for y := 2020; y <= 2022; y++ {
			if code == "1860" && y == 2022 {
				k.AddMissing("N09890", code, y)
				continue
			}
			k.Add("N09890", code, y, koladaValue(code, y))
		}
	}
	c, err := kolada.New(k.URL)
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, servertest.GraphQL(graph.WithKolada(c)))
	return s, k, newIndicatorFixture(s)
}

func koladaValue(code string, year int) float64 {
	n, _ := strconv.Atoi(code[2:])
	return float64(n*10 + year - 2020)
}

// values returns the indicator's whole-year values by municipality code
// and year, with their source and who entered them.
func (s *testServer) values(indicator string) map[string]struct {
	Value     float64
	Source    string
	EnteredBy string
	Version   int
} {
	s.t.Helper()
	var data struct {
		Node struct {
			Values struct {
				Edges []struct {
					Node struct {
						Year         int
						Value        float64
						Source       string
						EnteredBy    string
						Version      int
						Municipality struct{ Code string }
					}
				}
			}
		}
	}
	s.must(`query($id: ID!) { node(id: $id) { ... on Indicator { values(first: 100, where: {periodIsNil: true}) { edges { node {
		year value source enteredBy version municipality { code } } } } } } }`, map[string]any{"id": indicator}, &data)
	out := map[string]struct {
		Value     float64
		Source    string
		EnteredBy string
		Version   int
	}{}
	for _, e := range data.Node.Values.Edges {
		n := e.Node
		out[fmt.Sprintf("%s/%d", n.Municipality.Code, n.Year)] = struct {
			Value     float64
			Source    string
			EnteredBy string
			Version   int
		}{n.Value, n.Source, n.EnteredBy, n.Version}
	}
	return out
}

// fetchKolada stores Kolada's values of the plan's municipalities and
// years as KOLADA values, says which are missing, keeps the values the
// plan entered itself, updates its own on a second fetch, and records
// every change in the audit trail.
func TestFetchKoladaStoresValuesAndKeepsOwn(t *testing.T) {
	s, k, f := newKoladaServer(t)
	// Örebro's 2021 figure, entered by hand: Kolada's never replaces it.
	own := s.create(createValue, map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2021, "municipalityID": f.orebro, "value": 1310}})

	var first struct{ FetchKolada koladaImport }
	s.must(fetchKolada, map[string]any{"id": f.perMunicipality}, &first)
	got := first.FetchKolada
	// 12 municipalities × 3 years, less Laxå 2022 (no number) and Örebro
	// 2021 (the plan's own).
	if got.KPI != "N09890" || got.Created != 34 || got.KeptOwn != 1 || got.Updated != 0 || got.Unchanged != 0 || got.Skipped != 1 {
		t.Errorf("first fetch = %+v, want 34 created, 1 kept, 1 skipped (Laxå 2022 without a number)", got)
	}
	if got.Indicator.KoladaFetchedAt == nil {
		t.Error("koladaFetchedAt not set")
	}
	if len(got.Missing) != 12 {
		t.Fatalf("missing = %+v, want every municipality's 2023", got.Missing)
	}
	for _, m := range got.Missing {
		want := []int{2023}
		if m.Municipality.Code == "1860" {
			want = []int{2022, 2023}
		}
		if !slices.Equal(m.Years, want) {
			t.Errorf("missing of %s = %v, want %v", m.Municipality.Code, m.Years, want)
		}
	}
	values := s.values(f.perMunicipality)
	if len(values) != 35 {
		t.Errorf("%d values stored, want 35", len(values))
	}
	if v := values["1880/2021"]; v.Value != 1310 || v.Source != "OWN" {
		t.Errorf("Örebro 2021 = %+v, want the plan's own 1310", v)
	}
	if v := values["1881/2021"]; v.Value != koladaValue("1881", 2021) || v.Source != "KOLADA" || v.EnteredBy != "admin" {
		t.Errorf("Kumla 2021 = %+v, want Kolada's %v entered by admin", v, koladaValue("1881", 2021))
	}

	// Kolada revises Kumla's 2021 figure and publishes Laxå's 2022.
	k.Add("N09890", "1860", 2022, 77)
	kumla := koladaValue("1881", 2021) + 0.5
	k.Add("N09890", "1881", 2021, kumla) // later in the answer: the revised value wins
	var second struct{ FetchKolada koladaImport }
	s.must(fetchKolada, map[string]any{"id": f.perMunicipality}, &second)
	got = second.FetchKolada
	if got.Created != 1 || got.Updated != 1 || got.Unchanged != 33 || got.KeptOwn != 1 {
		t.Errorf("second fetch = %+v, want 1 created (Laxå 2022), 1 updated (Kumla 2021), 33 unchanged, 1 kept", got)
	}
	values = s.values(f.perMunicipality)
	if v := values["1881/2021"]; v.Value != kumla || v.Version != 2 {
		t.Errorf("Kumla 2021 = %+v, want %v, version 2", v, kumla)
	}
	if v := values["1880/2021"]; v.Value != 1310 || v.Source != "OWN" || v.Version != 1 {
		t.Errorf("Örebro 2021 = %+v, want the plan's own 1310 untouched", v)
	}

	// Every value written is in the trail, by the admin.
	created := s.trail(map[string]any{"objectType": "IndicatorValue", "action": "CREATE"})
	if len(created) != 1+34+1 {
		t.Errorf("%d values' creations in the trail, want 36", len(created))
	}
	for _, e := range created {
		if e.Actor == nil || e.Actor.Username != "admin" {
			t.Errorf("creation of %s recorded as by %+v", e.ObjectID, e.Actor)
		}
	}
	updated := s.trail(map[string]any{"objectType": "IndicatorValue", "action": "UPDATE"})
	if len(updated) != 1 {
		t.Fatalf("%d value updates in the trail, want 1 (Kumla 2021)", len(updated))
	}
	if _, v, _, _ := updated[0].change(t, "value"); v != kumla {
		t.Errorf("recorded new value %v, want %v", v, kumla)
	}
	if updated[0].ObjectID == own {
		t.Error("the plan's own value was updated")
	}
}

// Each failure says what went wrong, with its code, before or instead of
// any write: the values stored before stay as they were.
func TestFetchKoladaFailuresLoseNothing(t *testing.T) {
	s, k, f := newKoladaServer(t)
	s.must(fetchKolada, map[string]any{"id": f.perMunicipality}, nil)
	before := s.values(f.perMunicipality)
	unchanged := func(t *testing.T) {
		t.Helper()
		after := s.values(f.perMunicipality)
		if len(after) != len(before) {
			t.Fatalf("%d values after, %d before", len(after), len(before))
		}
		for key, v := range before {
			if after[key] != v {
				t.Errorf("%s: %+v after, %+v before", key, after[key], v)
			}
		}
	}
	asked := len(k.Requests())
	askedNothing := func(t *testing.T) {
		t.Helper()
		if n := len(k.Requests()); n != asked {
			t.Errorf("Kolada was asked %d times", n-asked)
		}
	}
	editor := accountstest.Session(t, s.client, accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil))

	t.Run("ErrUnauthenticated", func(t *testing.T) {
		s.withT(t).as("").wantError(fetchKolada, map[string]any{"id": f.perMunicipality}, "UNAUTHENTICATED", "")
		askedNothing(t)
	})
	t.Run("ErrEditorForbidden", func(t *testing.T) {
		s.withT(t).as(editor).wantError(fetchKolada, map[string]any{"id": f.perMunicipality}, "FORBIDDEN", "")
		askedNothing(t)
	})
	t.Run("ErrNoSuchIndicator", func(t *testing.T) {
		s.withT(t).wantError(fetchKolada, map[string]any{"id": "999999"}, "NOT_FOUND", "")
		askedNothing(t)
	})
	t.Run("ErrNoKoladaKpi", func(t *testing.T) {
		id := s.withT(t).create(createIndicator, map[string]any{"in": map[string]any{"goalID": f.goal, "name": "Eget mått", "scope": "MUNICIPALITY"}})
		s.withT(t).wantError(fetchKolada, map[string]any{"id": id}, "VALIDATION", "koladaKpi")
		askedNothing(t)
	})
	t.Run("ErrCountyIndicator", func(t *testing.T) {
		id := s.withT(t).create(createIndicator, map[string]any{"in": map[string]any{"goalID": f.goal, "name": "Länets mått", "scope": "COUNTY", "koladaKpi": "N09890"}})
		s.withT(t).wantError(fetchKolada, map[string]any{"id": id}, "VALIDATION", "scope")
		askedNothing(t)
	})
	t.Run("ErrBesideAnotherField", func(t *testing.T) {
		s.withT(t).wantError(`mutation($id: ID!) { fetchKolada(indicatorID: $id) { kpi } deleteIndicator(id: $id) }`,
			map[string]any{"id": f.perMunicipality}, "BAD_REQUEST", "")
		askedNothing(t)
	})
	t.Run("ErrUnknownKPI", func(t *testing.T) {
		other := s.withT(t).create(createIndicator, map[string]any{"in": map[string]any{"goalID": f.goal, "name": "Okänt nyckeltal", "scope": "MUNICIPALITY", "koladaKpi": "N00000"}})
		e := s.withT(t).wantError(fetchKolada, map[string]any{"id": other}, "NOT_FOUND", "koladaKpi")
		if !strings.Contains(e.Message, "Kolada knows no key figure N00000") {
			t.Errorf("message %q", e.Message)
		}
	})
	t.Run("ErrNoValuesForThePlan", func(t *testing.T) {
		k2 := koladatest.New(t, "N09890")
		k2.Add("N09890", "0180", 2021, 5) // Stockholm only
		c, _ := kolada.New(k2.URL)
		s2 := newTestServer(t, servertest.GraphQL(graph.WithKolada(c)))
		f2 := newIndicatorFixture(s2)
		e := s2.wantError(fetchKolada, map[string]any{"id": f2.perMunicipality}, "NOT_FOUND", "koladaKpi")
		if !strings.Contains(e.Message, "no values of N09890") {
			t.Errorf("message %q", e.Message)
		}
	})
	for name, h := range map[string]http.HandlerFunc{
		"ErrKoladaDown": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "", http.StatusBadGateway)
		},
		"ErrMalformedJSON": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"count": 2, "values": [{"kpi": "N09890", "municipality": "1880"`)
		},
	} {
		t.Run(name, func(t *testing.T) {
			k.Break(h)
			defer k.Break(nil)
			e := s.withT(t).wantError(fetchKolada, map[string]any{"id": f.perMunicipality}, "UPSTREAM", "")
			if !strings.Contains(e.Message, "nothing was changed") {
				t.Errorf("message %q", e.Message)
			}
			unchanged(t)
		})
	}
	t.Run("ErrUnreachable", func(t *testing.T) {
		k3 := koladatest.New(t, "N09890")
		c, _ := kolada.New(k3.URL)
		s3 := newTestServer(t, servertest.GraphQL(graph.WithKolada(c)))
		f3 := newIndicatorFixture(s3)
		k3.Break(func(w http.ResponseWriter, r *http.Request) {
			// The connection drops without an answer.
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		})
		e := s3.wantError(fetchKolada, map[string]any{"id": f3.perMunicipality}, "UPSTREAM", "")
		if !strings.Contains(e.Message, "cannot be reached") {
			t.Errorf("message %q", e.Message)
		}
	})
	unchanged(t)
}
