package server_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samverkan/samverkan/opendata"
	"github.com/samverkan/samverkan/server"
	"github.com/samverkan/samverkan/server/servertest"
)

const (
	publishPlan = `mutation($id: ID!, $in: UpdatePlanInput!) { updatePlan(id: $id, input: $in) { openData dataLicense dataContact } }`
	cc0         = "https://creativecommons.org/publicdomain/zero/1.0/"
)

// openGet fetches an open-data file without any token, as a harvester
// does, sending If-None-Match when etag is not empty.
func (s *testServer) openGet(path, etag string) (int, http.Header, []byte) {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return res.StatusCode, res.Header, body
}

// nodes pages through a root connection and returns its nodes.
func (s *testServer) nodes(root, where, fields string) []json.RawMessage {
	s.t.Helper()
	var all []json.RawMessage
	after := ""
	for {
		var data map[string]struct {
			Edges    []struct{ Node json.RawMessage }
			PageInfo struct {
				HasNextPage bool
				EndCursor   string
			}
		}
		args := "first: 100, where: " + where
		if after != "" {
			args += ", after: " + strconv.Quote(after)
		}
		s.must("{ "+root+"("+args+") { edges { node { "+fields+" } } pageInfo { hasNextPage endCursor } } }", nil, &data)
		for _, e := range data[root].Edges {
			all = append(all, e.Node)
		}
		if !data[root].PageInfo.HasNextPage {
			return all
		}
		after = data[root].PageInfo.EndCursor
	}
}

// planExport is a plan's export as JSON, decoded.
type planExport struct {
	Version string
	Plan    struct {
		ID        int
		Name      string
		FirstYear int
		LastYear  int
	}
	License          string
	Contact          *string
	Goals            []map[string]any
	Headings         []map[string]any
	Activities       []map[string]any
	Participation    []map[string]any
	Indicators       []map[string]any
	IndicatorTargets []map[string]any `json:"indicator-targets"`
	IndicatorValues  []map[string]any `json:"indicator-values"`
}

// keys is a set of rows, each written as the columns given.
func keys(rows []map[string]any, cols ...string) []string {
	var out []string
	for _, r := range rows {
		var parts []string
		for _, c := range cols {
			v := r[c]
			if f, ok := v.(float64); ok && f == float64(int64(f)) {
				v = strconv.FormatInt(int64(f), 10) // an id, as the API writes it
			}
			parts = append(parts, fmt.Sprint(v))
		}
		out = append(out, strings.Join(parts, "|"))
	}
	slices.Sort(out)
	return out
}

func wantSame(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: the export has\n %q\nthe API\n %q", what, got, want)
	}
}

// The export of the Örebro plan holds what the GraphQL API holds: every
// goal, heading, activity, participant, indicator, target and value, by
// the API's ids; the CSV files read back with encoding/csv as the same
// rows, with the documented columns.
func TestOpenDataExportMatchesTheAPI(t *testing.T) {
	s := newTestServer(t)
	f := newIndicatorFixture(s)
	s.create(createTarget, map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2022, "value": 150.5}})
	s.create(createValue, map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2021, "value": 120, "municipalityID": f.orebro}})
	s.create(createValue, map[string]any{"in": map[string]any{"indicatorID": f.county, "year": 2021, "value": -2.25}})

	var p struct {
		Plans struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	s.must(`{ plans(first: 1) { edges { node { id } } } }`, nil, &p)
	plan := p.Plans.Edges[0].Node.ID
	var published map[string]map[string]any
	s.must(publishPlan, map[string]any{"id": plan, "in": map[string]any{"openData": true, "dataContact": "kultur@regionorebrolan.se"}}, &published)
	if got := published["updatePlan"]["dataLicense"]; got != cc0 {
		t.Fatalf("dataLicense = %v, want CC0 by default", got)
	}

	status, h, body := s.openGet(opendata.PlanPath(atoi(t, plan)), "")
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s = %d %s: %s", opendata.PlanPath(atoi(t, plan)), status, h.Get("Content-Type"), body)
	}
	var e planExport
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("the export is not JSON: %v\n%s", err, body)
	}
	if e.Version != "v1" || strconv.Itoa(e.Plan.ID) != plan || e.License != cc0 || e.Contact == nil || *e.Contact != "kultur@regionorebrolan.se" {
		t.Errorf("export head = %q plan %d licence %q contact %v", e.Version, e.Plan.ID, e.License, e.Contact)
	}

	inPlan := `{hasPlanWith: {id: "` + plan + `"}}`
	decode := func(raw []json.RawMessage) []map[string]any {
		var out []map[string]any
		for _, r := range raw {
			var m map[string]any
			if err := json.Unmarshal(r, &m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
		return out
	}
	goals := decode(s.nodes("goals", inPlan, "id number title"))
	wantSame(t, "goals", keys(e.Goals, "id", "number", "title"), keys(goals, "id", "number", "title"))
	headings := decode(s.nodes("objectives", `{hasGoalWith: `+inPlan+`}`, "id goalID title"))
	wantSame(t, "headings", keys(e.Headings, "id", "goalId", "title"), keys(headings, "id", "goalID", "title"))
	activities := decode(s.nodes("activities", `{hasObjectiveWith: {hasGoalWith: `+inPlan+`}}`,
		"id objectiveID title status firstYear lastYear municipalities(first: 100) { edges { node { id code } } } institutions(first: 100) { edges { node { id name } } }"))
	if len(activities) == 0 {
		t.Fatal("the Örebro plan has no activities")
	}
	wantSame(t, "activities", keys(e.Activities, "id", "objectiveId", "title", "status", "firstYear", "lastYear"),
		keys(activities, "id", "objectiveID", "title", "status", "firstYear", "lastYear"))
	var participants []map[string]any
	for _, a := range activities {
		for _, kind := range []string{"municipalities", "institutions"} {
			for _, edge := range a[kind].(map[string]any)["edges"].([]any) {
				n := edge.(map[string]any)["node"].(map[string]any)
				typ := map[string]string{"municipalities": "MUNICIPALITY", "institutions": "INSTITUTION"}[kind]
				participants = append(participants, map[string]any{"a": a["id"], "t": typ, "id": n["id"]})
			}
		}
	}
	wantSame(t, "participation", keys(e.Participation, "activityId", "participantType", "participantId"), keys(participants, "a", "t", "id"))
	indicators := decode(s.nodes("indicators", `{hasGoalWith: `+inPlan+`}`,
		"id name baselineValue baselineYear targets(first: 100) { edges { node { year value } } } values(first: 100) { edges { node { year value municipalityID } } }"))
	if len(indicators) != 2 {
		t.Fatalf("%d indicators, want the fixture's 2", len(indicators))
	}
	wantSame(t, "indicators", keys(e.Indicators, "id", "name", "baselineValue", "baselineYear"), keys(indicators, "id", "name", "baselineValue", "baselineYear"))
	var targets, values []map[string]any
	for _, in := range indicators {
		for _, edge := range in["targets"].(map[string]any)["edges"].([]any) {
			n := edge.(map[string]any)["node"].(map[string]any)
			targets = append(targets, map[string]any{"i": in["id"], "y": n["year"], "v": n["value"]})
		}
		for _, edge := range in["values"].(map[string]any)["edges"].([]any) {
			n := edge.(map[string]any)["node"].(map[string]any)
			values = append(values, map[string]any{"i": in["id"], "y": n["year"], "v": n["value"], "m": n["municipalityID"]})
		}
	}
	wantSame(t, "indicator targets", keys(e.IndicatorTargets, "indicatorId", "year", "value"), keys(targets, "i", "y", "v"))
	wantSame(t, "indicator values", keys(e.IndicatorValues, "indicatorId", "year", "value", "municipalityId"), keys(values, "i", "y", "v", "m"))

	// The CSV files: Excel's form, the documented columns, the same rows.
	for _, table := range opendata.Tables {
		path := opendata.TablePath(atoi(t, plan), table.Name, "csv")
		csv := s.getCSV(path)
		if csv.status != http.StatusOK || csv.contentType != "text/csv; charset=utf-8" {
			t.Fatalf("GET %s = %d %s", path, csv.status, csv.contentType)
		}
		if !slices.Equal(csv.records[0], table.Columns) {
			t.Errorf("%s columns = %q, want %q", path, csv.records[0], table.Columns)
		}
		var rows []map[string]any
		switch table.Name {
		case "activities":
			rows = e.Activities
		case "indicator-values":
			rows = e.IndicatorValues
		case "participation":
			rows = e.Participation
		default:
			continue
		}
		if len(csv.records)-1 != len(rows) {
			t.Errorf("%s has %d rows, the JSON %d", path, len(csv.records)-1, len(rows))
		}
	}
	valuesCSV := s.getCSV(opendata.TablePath(atoi(t, plan), "indicator-values", "csv"))
	var cells []string
	for _, rec := range valuesCSV.records[1:] {
		cells = append(cells, rec[5])
	}
	slices.Sort(cells)
	if !slices.Equal(cells, []string{"-2,25", "120"}) {
		t.Errorf("indicator-values.csv values = %q, want -2,25 (a decimal comma, not a formula) and 120", cells)
	}

	// One table as JSON has the same rows as in the whole export.
	_, _, body = s.openGet(opendata.TablePath(atoi(t, plan), "activities", "json"), "")
	var one struct {
		PlanID     int
		License    string
		Activities []map[string]any
	}
	if err := json.Unmarshal(body, &one); err != nil {
		t.Fatal(err)
	}
	wantSame(t, "activities.json", keys(one.Activities, "id", "title"), keys(e.Activities, "id", "title"))
	if one.License != cc0 {
		t.Errorf("activities.json licence = %q", one.License)
	}
}

// A harvester that sends the ETag it has gets 304 until something in the
// plan changes, then the new file with a new ETag.
func TestOpenDataETag(t *testing.T) {
	s := newTestServer(t)
	plan := s.idOf("plans", "{}")
	s.must(publishPlan, map[string]any{"id": plan, "in": map[string]any{"openData": true}}, nil)
	path := opendata.TablePath(atoi(t, plan), "activities", "csv")
	status, h, _ := s.openGet(path, "")
	etag := h.Get("ETag")
	if status != http.StatusOK || etag == "" || h.Get("Last-Modified") == "" {
		t.Fatalf("GET %s = %d, ETag %q, Last-Modified %q", path, status, etag, h.Get("Last-Modified"))
	}
	if link := h.Get("Link"); link != "<"+cc0+`>; rel="license"` {
		t.Errorf("Link = %q, want the licence", link)
	}
	if status, _, body := s.openGet(path, etag); status != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("with If-None-Match: %d, %d bytes; want 304 and none", status, len(body))
	}
	catalogStatus, ch, _ := s.openGet(opendata.CatalogPath, "")
	if status, _, _ := s.openGet(opendata.CatalogPath, ch.Get("ETag")); catalogStatus != http.StatusOK || status != http.StatusNotModified {
		t.Errorf("catalogue: %d, then with its ETag %d; want 200, 304", catalogStatus, status)
	}

	activity := s.idOf("activities", "{}")
	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {title: "Ett nytt namn på aktiviteten"}) { id } }`, map[string]any{"id": activity}, nil)
	status, h, body := s.openGet(path, etag)
	if status != http.StatusOK || h.Get("ETag") == etag || !strings.Contains(string(body), "Ett nytt namn på aktiviteten") {
		t.Errorf("after a change: %d, ETag %q (was %q); want 200, a new ETag and the new title", status, h.Get("ETag"), etag)
	}
}

// On a private server, where everything else needs a token, what is
// exported is what an admin has published, and never a draft.
func TestOpenDataOnlyPublishedPlans(t *testing.T) {
	s := newTestServer(t, servertest.Server(server.WithPrivateReads(true)))
	plan := s.idOf("plans", "{}")
	path := opendata.PlanPath(atoi(t, plan))
	anonymous := s.as("")

	anonymous.wantError(`{ plans { totalCount } }`, nil, "UNAUTHENTICATED", "")
	if status, _, body := anonymous.openGet(path, ""); status != http.StatusNotFound {
		t.Errorf("an unpublished plan: %d %s, want 404", status, body)
	}
	private := servertest.Server(server.WithPrivateReads(true))
	wantExported(t, s, plan, private)
	if status, _, _ := anonymous.openGet(opendata.TablePath(atoi(t, plan), "goals", "csv"), ""); status != http.StatusNotFound {
		t.Errorf("an unpublished plan's goals.csv: %d, want 404", status)
	}
	if got := catalogDatasets(t, anonymous); len(got) != 0 {
		t.Errorf("the catalogue lists %q before anything is published", got)
	}

	s.must(publishPlan, map[string]any{"id": plan, "in": map[string]any{"openData": true}}, nil)
	if status, _, body := anonymous.openGet(path, ""); status != http.StatusOK {
		t.Errorf("a published plan: %d %s, want 200 without a token", status, body)
	}
	wantExported(t, s, plan, private)
	if got := catalogDatasets(t, anonymous); !slices.Equal(got, []string{opendata.DatasetURI(s.URL, atoi(t, plan))}) {
		t.Errorf("the catalogue lists %q, want the published plan", got)
	}

	s.must(setPlanState, map[string]any{"id": plan, "state": "DRAFT"}, nil)
	if status, _, _ := anonymous.openGet(path, ""); status != http.StatusNotFound {
		t.Errorf("a published draft: %d, want 404", status)
	}
	if got := catalogDatasets(t, anonymous); len(got) != 0 {
		t.Errorf("the catalogue lists the draft: %q", got)
	}
	wantExported(t, s, plan, private)
	s.must(setPlanState, map[string]any{"id": plan, "state": "ADOPTED"}, nil)
	s.must(publishPlan, map[string]any{"id": plan, "in": map[string]any{"openData": false}}, nil)
	if status, _, _ := anonymous.openGet(path, ""); status != http.StatusNotFound {
		t.Errorf("an unpublished plan: %d, want 404", status)
	}
	for _, bad := range []string{opendata.Prefix + "plans/x.json", opendata.Prefix + "plans/" + plan + "/secrets.csv", opendata.Prefix + "plans/999999.json"} {
		if status, _, _ := anonymous.openGet(bad, ""); status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", bad, status)
		}
	}
}

// On a public server, where the API shows every plan to anyone, every
// plan but a draft is exported, published or not, under its licence.
func TestOpenDataOnAPublicServer(t *testing.T) {
	s := newTestServer(t)
	plan := s.idOf("plans", "{}")
	path := opendata.PlanPath(atoi(t, plan))
	anonymous := s.as("")
	if status, _, body := anonymous.openGet(path, ""); status != http.StatusOK || !strings.Contains(string(body), "creativecommons.org/publicdomain/zero/1.0/") {
		t.Errorf("the seeded plan, not published: %d %.200s; want 200 under CC0", status, body)
	}
	if got := catalogDatasets(t, anonymous); !slices.Equal(got, []string{opendata.DatasetURI(s.URL, atoi(t, plan))}) {
		t.Errorf("the catalogue lists %q, want the seeded plan", got)
	}
	wantExported(t, s, plan)
	s.must(setPlanState, map[string]any{"id": plan, "state": "DRAFT"}, nil)
	if status, _, _ := anonymous.openGet(path, ""); status != http.StatusNotFound {
		t.Errorf("a draft: %d, want 404", status)
	}
	if got := catalogDatasets(t, anonymous); len(got) != 0 {
		t.Errorf("the catalogue lists the draft: %q", got)
	}
	wantExported(t, s, plan)
}

// The licence is a web address, and the contact an e-mail address; the
// schema refuses anything else with VALIDATION on the field.
func TestOpenDataLicenceValidation(t *testing.T) {
	s := newTestServer(t)
	plan := s.idOf("plans", "{}")
	for _, bad := range []string{"CC0", "ftp://example.org/licence", "https://", "https://example.org/a licence"} {
		s.wantError(publishPlan, map[string]any{"id": plan, "in": map[string]any{"dataLicense": bad}}, "VALIDATION", "dataLicense")
	}
	for _, bad := range []string{"kultur", "Kultur <kultur@region.se>"} {
		s.wantError(publishPlan, map[string]any{"id": plan, "in": map[string]any{"dataContact": bad}}, "VALIDATION", "dataContact")
	}
	ccBy := "https://creativecommons.org/licenses/by/4.0/"
	var data map[string]map[string]any
	s.must(publishPlan, map[string]any{"id": plan, "in": map[string]any{"dataLicense": ccBy, "openData": true}}, &data)
	if data["updatePlan"]["dataLicense"] != ccBy {
		t.Errorf("dataLicense = %v", data["updatePlan"]["dataLicense"])
	}
	_, _, body := s.openGet(opendata.CatalogPath, "")
	if !strings.Contains(string(body), `<dcterms:license rdf:resource="`+ccBy+`"/>`) {
		t.Errorf("the catalogue's distributions do not carry the licence chosen:\n%s", body)
	}
}

// rdfNode is an RDF/XML element, read generically.
type rdfNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []rdfNode  `xml:",any"`
}

func (n rdfNode) attr(space, local string) string {
	for _, a := range n.Attrs {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// all returns the children named by the path of local names in namespace
// ns (the last one may be in any namespace given by its full name).
func (n rdfNode) all(names ...string) []rdfNode {
	nodes := []rdfNode{n}
	for _, name := range names {
		space, local, _ := strings.Cut(name, " ")
		var next []rdfNode
		for _, m := range nodes {
			for _, c := range m.Children {
				if c.XMLName.Space == space && c.XMLName.Local == local {
					next = append(next, c)
				}
			}
		}
		nodes = next
	}
	return nodes
}

const (
	dcat  = "http://www.w3.org/ns/dcat# "
	dct   = "http://purl.org/dc/terms/ "
	foaf  = "http://xmlns.com/foaf/0.1/ "
	vcard = "http://www.w3.org/2006/vcard/ns# "
	rdfNS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
)

// readCatalog fetches the catalogue and parses it with encoding/xml.
func readCatalog(t *testing.T, s *testServer) rdfNode {
	t.Helper()
	status, h, body := s.openGet(opendata.CatalogPath, "")
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/rdf+xml") {
		t.Fatalf("GET %s = %d %s", opendata.CatalogPath, status, h.Get("Content-Type"))
	}
	var root rdfNode
	if err := xml.Unmarshal(body, &root); err != nil {
		t.Fatalf("the catalogue is not XML: %v\n%s", err, body)
	}
	if root.XMLName.Space != rdfNS || root.XMLName.Local != "RDF" {
		t.Fatalf("the catalogue's root is %v, want rdf:RDF", root.XMLName)
	}
	return root
}

func catalogDatasets(t *testing.T, s *testServer) []string {
	t.Helper()
	var uris []string
	for _, d := range readCatalog(t, s).all(dcat+"Catalog", dcat+"dataset", dcat+"Dataset") {
		uris = append(uris, d.attr(rdfNS, "about"))
	}
	return uris
}

// The catalogue has what DCAT-AP-SE makes mandatory of a catalogue, a
// dataset and a distribution, with addresses that lead to the files.
func TestOpenDataCatalogIsDCATAPSE(t *testing.T) {
	s := newTestServer(t)
	plan := s.idOf("plans", "{}")
	s.must(publishPlan, map[string]any{"id": plan, "in": map[string]any{"openData": true, "dataContact": "kultur@regionorebrolan.se"}}, nil)
	root := readCatalog(t, s)
	catalogs := root.all(dcat + "Catalog")
	if len(catalogs) != 1 {
		t.Fatalf("%d dcat:Catalog, want 1", len(catalogs))
	}
	c := catalogs[0]
	want := func(n rdfNode, what string, path ...string) []rdfNode {
		t.Helper()
		found := n.all(path...)
		if len(found) == 0 {
			t.Errorf("%s has no %q", what, path)
		}
		for _, f := range found {
			if strings.TrimSpace(f.Text) == "" && f.attr(rdfNS, "resource") == "" && len(f.Children) == 0 {
				t.Errorf("%s: %q is empty", what, path)
			}
		}
		return found
	}
	want(c, "the catalogue", dct+"title")
	want(c, "the catalogue", dct+"description")
	want(c, "the catalogue", dct+"publisher", foaf+"Agent", foaf+"name")
	datasets := want(c, "the catalogue", dcat+"dataset", dcat+"Dataset")
	if len(datasets) != 1 {
		t.Fatalf("%d datasets, want the one published plan", len(datasets))
	}
	d := datasets[0]
	want(d, "the dataset", dct+"title")
	want(d, "the dataset", dct+"description")
	if names := want(d, "the dataset", dct+"publisher", foaf+"Agent", foaf+"name"); len(names) > 0 && names[0].Text != "Region Örebro län" {
		t.Errorf("publisher = %q", names[0].Text)
	}
	want(d, "the dataset", dcat+"contactPoint", vcard+"Organization", vcard+"fn")
	if mail := want(d, "the dataset", dcat+"contactPoint", vcard+"Organization", vcard+"hasEmail"); len(mail) > 0 &&
		mail[0].attr(rdfNS, "resource") != "mailto:kultur@regionorebrolan.se" {
		t.Errorf("hasEmail = %q", mail[0].attr(rdfNS, "resource"))
	}
	if themes := want(d, "the dataset", dcat+"theme"); len(themes) > 0 && themes[0].attr(rdfNS, "resource") != opendata.ThemeEducation {
		t.Errorf("theme = %q", themes[0].attr(rdfNS, "resource"))
	}
	want(d, "the dataset", dct+"modified")
	distributions := want(d, "the dataset", dcat+"distribution", dcat+"Distribution")
	if len(distributions) != 1+len(opendata.Tables) {
		t.Errorf("%d distributions, want the JSON and a CSV per table (%d)", len(distributions), 1+len(opendata.Tables))
	}
	for _, dist := range distributions {
		what := "distribution " + dist.attr(rdfNS, "about")
		if l := want(dist, what, dct+"license"); len(l) > 0 && l[0].attr(rdfNS, "resource") != cc0 {
			t.Errorf("%s: licence %q", what, l[0].attr(rdfNS, "resource"))
		}
		want(dist, what, dct+"format")
		want(dist, what, dcat+"mediaType")
		for _, u := range want(dist, what, dcat+"accessURL") {
			url := u.attr(rdfNS, "resource")
			path, ok := strings.CutPrefix(url, s.URL)
			if !ok {
				t.Errorf("%s: accessURL %q is not on the server %s", what, url, s.URL)
				continue
			}
			if status, _, _ := s.openGet(path, ""); status != http.StatusOK {
				t.Errorf("%s: GET %s = %d", what, url, status)
			}
		}
	}
}

// Without --public-url the catalogue's addresses are the request's: by
// https when a trusted proxy says the client came by it, and never on a
// client's own word.
func TestOpenDataCatalogAddressFromTheRequest(t *testing.T) {
	proxies, err := server.ParseTrustedProxies("127.0.0.1/32")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		proxies []netip.Prefix
		want    string
	}{
		{"TrustedProxy", proxies, "https://"},
		{"UntrustedClient", nil, "http://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, servertest.Server(server.WithTrustedProxies(tc.proxies)))
			plan := s.idOf("plans", "{}")
			s.must(publishPlan, map[string]any{"id": plan, "in": map[string]any{"openData": true}}, nil)
			req, err := http.NewRequest(http.MethodGet, s.URL+opendata.CatalogPath, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Forwarded-Proto", "https")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			want := `<dcat:accessURL rdf:resource="` + tc.want + strings.TrimPrefix(s.URL, "http://") + opendata.PlanPath(atoi(t, plan)) + `"/>`
			if !strings.Contains(string(body), want) {
				t.Errorf("the catalogue does not have %s:\n%s", want, body)
			}
		})
	}
}

// wantExported checks that the API's Plan.openDataExported says what the
// open-data files do (200 or 404), by the compiled read and by the
// resolvers alike: the latter from a second server over the same
// database, built with opts (those of s) and no compiler.
func wantExported(t *testing.T, s *testServer, plan string, opts ...servertest.Option) {
	t.Helper()
	status, _, _ := s.as("").openGet(opendata.PlanPath(atoi(t, plan)), "")
	want := status == http.StatusOK
	for name, c := range map[string]*testServer{"compiled": s, "resolvers": s.resolvers(opts...)} {
		var got struct {
			Node struct{ OpenDataExported bool }
		}
		c.must(`query($id: ID!) { node(id: $id) { ... on Plan { openDataExported } } }`, map[string]any{"id": plan}, &got)
		if got.Node.OpenDataExported != want {
			t.Errorf("%s: openDataExported = %v, but the plan's export answers %d", name, got.Node.OpenDataExported, status)
		}
	}
}

// A plan's export says it changed when anything it holds changes, the
// records it only names included: its modified time (in the catalogue
// and the export) is the newest change's, whichever kind of record that
// was, and a deletion's.
func TestOpenDataModifiedFollowsEveryKindOfChange(t *testing.T) {
	s := newTestServer(t)
	f := newIndicatorFixture(s)
	plan := s.idOf("plans", "{}")
	var taking struct {
		Activities struct {
			Edges []struct {
				Node struct {
					Municipalities, Institutions struct {
						Edges []struct{ Node struct{ ID string } }
					}
				}
			}
		}
	}
	s.must(`{ activities(first: 1, where: {hasMunicipalities: true, hasInstitutions: true}) { edges { node {
		municipalities(first: 1) { edges { node { id } } } institutions(first: 1) { edges { node { id } } } } } } }`, nil, &taking)
	if len(taking.Activities.Edges) == 0 {
		t.Fatal("no activity of the Örebro plan has both municipalities and institutions")
	}
	a := taking.Activities.Edges[0].Node
	municipality, institution := a.Municipalities.Edges[0].Node.ID, a.Institutions.Edges[0].Node.ID

	// modified is the plan's modified time as the catalogue and the
	// export say it; they must agree.
	modified := func(after string) string {
		t.Helper()
		var inCatalog string
		for _, d := range readCatalog(t, s).all(dcat+"Catalog", dcat+"dataset", dcat+"Dataset") {
			if d.attr(rdfNS, "about") == opendata.DatasetURI(s.URL, atoi(t, plan)) {
				if m := d.all(dct + "modified"); len(m) == 1 {
					inCatalog = m[0].Text
				}
			}
		}
		_, _, body := s.openGet(opendata.PlanPath(atoi(t, plan)), "")
		var e struct{ Modified string }
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatalf("the export: %v", err)
		}
		if inCatalog != e.Modified {
			t.Errorf("after %s: the catalogue says %q, the export %q", after, inCatalog, e.Modified)
		}
		return e.Modified
	}
	second := func(at string) string {
		t.Helper()
		tm, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			t.Fatalf("updatedAt %q: %v", at, err)
		}
		return tm.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	changes := []struct{ what, mutation string }{
		{"a municipality taking part", `mutation($id: ID!) { x: updateMunicipality(id: $id, input: {name: "Nytt namn"}) { updatedAt } }`},
		{"an institution taking part", `mutation($id: ID!) { x: updateInstitution(id: $id, input: {name: "Nytt namn"}) { updatedAt } }`},
		{"an indicator", `mutation($id: ID!) { x: updateIndicator(id: $id, input: {description: "Ny beskrivning"}) { updatedAt } }`},
	}
	ids := []string{municipality, institution, f.county}
	// Times are to the second: each change waits for a new second, so
	// that a kind of record the export misses shows.
	nextSecond := func() { time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second))) }
	for i, c := range changes {
		nextSecond()
		var out struct{ X struct{ UpdatedAt string } }
		s.must(c.mutation, map[string]any{"id": ids[i]}, &out)
		if got, want := modified(c.what), second(out.X.UpdatedAt); got != want {
			t.Errorf("after a change of %s at %s, the export's modified is %s", c.what, want, got)
		}
	}
	value := s.create(createValue, map[string]any{"in": map[string]any{"indicatorID": f.county, "year": 2021, "value": 3}})
	nextSecond()
	s.must(`mutation($id: ID!) { deleteIndicatorValue(id: $id) }`, map[string]any{"id": value}, nil)
	var trail struct {
		AuditEntries struct {
			Edges []struct{ Node struct{ Action, At string } }
		}
	}
	s.must(`{ auditEntries(last: 1) { edges { node { action at } } } }`, nil, &trail)
	if n := len(trail.AuditEntries.Edges); n != 1 || trail.AuditEntries.Edges[0].Node.Action != "DELETE" {
		t.Fatalf("the newest audit entry: %+v, want the deletion", trail)
	}
	if got, want := modified("a deletion"), second(trail.AuditEntries.Edges[0].Node.At); got != want {
		t.Errorf("after a deletion at %s, the export's modified is %s", want, got)
	}
}

// Harvesters asking at once for the catalogue and a plan's export (which
// share one reading of the database) each get the whole file.
func TestOpenDataAtOnce(t *testing.T) {
	s := newTestServer(t)
	plan := atoi(t, s.idOf("plans", "{}"))
	for _, path := range []string{opendata.CatalogPath, opendata.PlanPath(plan), opendata.TablePath(plan, "activities", "csv")} {
		_, _, want := s.openGet(path, "")
		bodies := make(chan []byte, 16)
		for range cap(bodies) {
			go func() { // not openGet, which may stop the test: not from here
				res, err := http.Get(s.URL + path)
				if err != nil {
					bodies <- []byte(err.Error())
					return
				}
				defer res.Body.Close()
				body, _ := io.ReadAll(res.Body)
				if res.StatusCode != http.StatusOK {
					body = []byte(fmt.Sprint("status ", res.StatusCode))
				}
				bodies <- body
			}()
		}
		for range cap(bodies) {
			if got := <-bodies; !bytes.Equal(got, want) {
				t.Errorf("GET %s at once: %.200s, want %.200s", path, got, want)
			}
		}
	}
}
