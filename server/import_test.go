package server_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
)

const importMutation = `mutation Import($input: ImportInput!) {
  importActivities(input: $input) {
    dryRun created updated unchanged refused ignoredColumns
    rows { sheet line kind title action reason code field changes }
  }
}`

// importResult is an import's answer as a client reads it.
type importResult struct {
	DryRun                               bool
	Created, Updated, Unchanged, Refused int
	IgnoredColumns                       []string
	Rows                                 []importRow
}

type importRow struct {
	Sheet   *string
	Line    int
	Kind    string
	Title   string
	Action  string
	Reason  *string
	Code    *string
	Field   *string
	Changes []string
}

// importFile imports a file through the API, which must answer.
func (s *testServer) importFile(file []byte, dryRun bool) importResult {
	s.t.Helper()
	var data struct{ ImportActivities importResult }
	s.must(importMutation, map[string]any{"input": map[string]any{
		"file": base64.StdEncoding.EncodeToString(file), "dryRun": dryRun}}, &data)
	return data.ImportActivities
}

// row returns the result's row of the line, or fails.
func (r importResult) row(t *testing.T, line int) importRow {
	t.Helper()
	for _, row := range r.Rows {
		if row.Line == line {
			return row
		}
	}
	t.Fatalf("no row %d in %+v", line, r.Rows)
	return importRow{}
}

func (r importResult) counts() string {
	return fmt.Sprintf("created %d, updated %d, unchanged %d, refused %d", r.Created, r.Updated, r.Unchanged, r.Refused)
}

// excelCSV writes rows as Excel with Swedish settings saves CSV UTF-8:
// a byte-order mark, semicolons, CRLF, quotes where needed.
func excelCSV(rows ...[]string) []byte {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				b.WriteByte(';')
			}
			if strings.ContainsAny(c, "\";\r\n") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

var importHeader = []string{"Titel", "Status", "Mål", "Rubrik", "Prioriterad från år", "Prioriterad till år", "Kommuner", "Aktörer", "Ansvarig", "Startdatum", "Slutdatum", "Avstämningsdatum"}

// The seed's first activity, as the admin page's download writes it.
var seedRow = []string{"Gemensam kompetensutveckling för skolchefer och kulturchefer för att lära sig mer om varandras verksamheter",
	"Planerad", "Mål 1 – Barn och unga", "Ökad samverkan mellan kultur och skola", "2020", "2021", "", "", "", "", "", ""}

func TestImportDryRunThenImport(t *testing.T) {
	s := newTestServer(t)
	file := excelCSV(importHeader,
		seedRow, // line 2: as stored
		// line 3: new, under an existing heading, names matched Swedish-aware
		[]string{"Läsfrämjande i skolbiblioteken; med författarbesök", "pågående", "mål 1", "ökad samverkan mellan kultur och skola", "2021", "2022", "örebro, KUMLA", "kulturkvarteret", "Kulturchefen", "2021-02-01", "2021-11-30", ""},
		// line 4: the seed's transport activity, its status changed
		[]string{"Långsiktig, hållbar utveckling av transporter till och från kulturevenemang", "Genomförd", "Mål 1 – Barn och unga", "Utveckling av transporter till kultur", "2020", "2021", "", "", "", "", "", ""},
		// line 5: a municipality that does not exist
		[]string{"Kulturbuss", "Planerad", "Mål 1", "Utveckling av transporter till kultur", "", "", "Gotham", "", "", "", "", ""},
		// line 6: refused by the schema's hook: the last year before the first
		[]string{"Dans för äldre", "Planerad", "Mål 2", "Kultur i äldreomsorgen", "2022", "2021", "", "", "", "", "", ""},
		// line 7: a new heading under goal 2
		[]string{"Sång på äldreboenden", "Planerad", "Mål 2 – Kultur och hälsa", "Kultur i äldreomsorgen", "2022", "2023", "Nora", "", "", "", "", ""},
	)
	activities, entries := s.count("activities"), len(s.trail(nil))

	dry := s.importFile(file, true)
	if !dry.DryRun || dry.Created != 2 || dry.Updated != 1 || dry.Unchanged != 1 || dry.Refused != 2 {
		t.Fatalf("dry run: %s; want created 2, updated 1, unchanged 1, refused 2: %+v", dry.counts(), dry.Rows)
	}
	if r := dry.row(t, 3); r.Action != "CREATE" || r.Title != "Läsfrämjande i skolbiblioteken; med författarbesök" {
		t.Errorf("line 3 = %+v, want CREATE with the quoted semicolon kept", r)
	}
	if r := dry.row(t, 4); r.Action != "UPDATE" || len(r.Changes) != 1 || r.Changes[0] != "Status: Planerad → Genomförd" {
		t.Errorf("line 4 = %+v, want UPDATE Status: Planerad → Genomförd", r)
	}
	if r := dry.row(t, 5); r.Action != "REFUSED" || !strings.Contains(*r.Reason, "Kommunen ”Gotham” finns inte") || *r.Code != "VALIDATION" {
		t.Errorf("line 5 = %+v, want refused: Kommunen ”Gotham” finns inte", r)
	}
	if r := dry.row(t, 6); r.Action != "REFUSED" || *r.Reason != "Prioriterad till år: Får inte vara före första året (2021 är före 2022)." || *r.Field != "lastYear" {
		t.Errorf("line 6 = %+v, want the hook's refusal in Swedish", r)
	}
	if r := dry.row(t, 7); r.Action != "CREATE" || r.Changes[0] != "Ny rubrik: ”Kultur i äldreomsorgen” under mål 2" {
		t.Errorf("line 7 = %+v, want CREATE with a new heading", r)
	}
	if n := s.count("activities"); n != activities {
		t.Fatalf("after the dry run %d activities, want %d: it wrote", n, activities)
	}
	if n := len(s.trail(nil)); n != entries {
		t.Fatalf("after the dry run %d audit entries, want %d", n, entries)
	}

	done := s.importFile(file, false)
	if done.DryRun || done.counts() != dry.counts() {
		t.Fatalf("import: %s, want as the dry run: %s", done.counts(), dry.counts())
	}
	if n := s.count("activities"); n != activities+2 {
		t.Fatalf("after the import %d activities, want %d", n, activities+2)
	}
	var got struct {
		Activities struct {
			Edges []struct {
				Node struct {
					Status         string
					FirstYear      int
					StartDate      string
					Lead           string
					Municipalities struct {
						Edges []struct{ Node struct{ Name string } }
					}
					Institutions struct {
						Edges []struct{ Node struct{ Name string } }
					}
				}
			}
		}
	}
	s.must(`{ activities(first: 1, where: {title: "Läsfrämjande i skolbiblioteken; med författarbesök"}) { edges { node {
		status firstYear startDate lead
		municipalities(first: 10, orderBy: {field: NAME}) { edges { node { name } } }
		institutions(first: 10) { edges { node { name } } } } } } }`, nil, &got)
	if len(got.Activities.Edges) != 1 {
		t.Fatal("the new activity is not there")
	}
	a := got.Activities.Edges[0].Node
	if a.Status != "ONGOING" || a.FirstYear != 2021 || a.StartDate != "2021-02-01T00:00:00Z" || a.Lead != "Kulturchefen" ||
		len(a.Municipalities.Edges) != 2 || a.Municipalities.Edges[0].Node.Name != "Kumla" || a.Municipalities.Edges[1].Node.Name != "Örebro" ||
		len(a.Institutions.Edges) != 1 || a.Institutions.Edges[0].Node.Name != "Kulturkvarteret" {
		t.Errorf("imported activity = %+v", a)
	}

	// One change set: every entry the import wrote has the request's id.
	all := s.trail(nil)
	written := all[entries:]
	if len(written) < 4 { // a heading, two activities, an update
		t.Fatalf("the import wrote %d audit entries, want at least 4", len(written))
	}
	for _, e := range written {
		if e.RequestID == "" || e.RequestID != written[0].RequestID || e.ActorName != "admin" {
			t.Errorf("entry %+v is not of the import's change set (request %q, by admin)", e, written[0].RequestID)
		}
	}

	again := s.importFile(file, false)
	if again.Created != 0 || again.Updated != 0 || again.Unchanged != 4 || again.Refused != 2 {
		t.Errorf("re-import: %s; want unchanged 4, refused 2 and nothing else", again.counts())
	}
	if n := len(s.trail(nil)); n != len(all) {
		t.Errorf("the re-import wrote %d audit entries, want none", n-len(all))
	}
}

// TestImportCSVVariants imports the same row as each way of writing CSV
// that Excel and other tools have.
func TestImportCSVVariants(t *testing.T) {
	s := newTestServer(t)
	header := "Aktivitet;Mål;Rubrik;Status;Prioriterad från år;Kommuner"
	line := `"Bokcirkel; för unga";Mål 1;Ökad samverkan mellan kultur och skola;Planerad;2021,0;Örebro`
	win1252, err := charmap.Windows1252.NewEncoder().String(header + "\r\n" + line + "\r\n")
	if err != nil {
		t.Fatal(err)
	}
	variants := map[string][]byte{
		"BOM, CRLF":                  []byte("\uFEFF" + header + "\r\n" + line + "\r\n"),
		"no BOM, LF":                 []byte(header + "\n" + line + "\n"),
		"no final line end":          []byte(header + "\r\n" + line),
		"Windows-1252":               []byte(win1252),
		"commas, decimal point":      []byte("Aktivitet,Mål,Rubrik,Status,Prioriterad från år,Kommuner\n\"Bokcirkel; för unga\",Mål 1,Ökad samverkan mellan kultur och skola,Planerad,2021.0,Örebro\n"),
		"an unknown column, ignored": []byte(header + ";Kommentar\r\n" + line + ";se mejl\r\n"),
	}
	for name, file := range variants {
		t.Run(name, func(t *testing.T) {
			r := s.importFile(file, true)
			if r.Created != 1 || len(r.Rows) != 1 {
				t.Fatalf("%s: %+v", r.counts(), r.Rows)
			}
			if row := r.Rows[0]; row.Title != "Bokcirkel; för unga" || row.Line != 2 || row.Sheet != nil ||
				strings.Join(row.Changes, "|") != "Status: Planerad|Prioriterad: 2021––|Kommuner: Örebro" {
				t.Errorf("row = %+v", row)
			}
			if strings.Contains(name, "unknown") && (len(r.IgnoredColumns) != 1 || r.IgnoredColumns[0] != "Kommentar") {
				t.Errorf("ignored columns = %q, want [Kommentar]", r.IgnoredColumns)
			}
		})
	}
}

// TestImportXLSX imports a workbook made here: a sheet of activities and
// one of follow-ups, dates as Excel keeps them (serial numbers).
func TestImportXLSX(t *testing.T) {
	s := newTestServer(t)
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Aktiviteter"))
	must(f.SetSheetRow("Aktiviteter", "A1", &[]any{"Mål", "Rubrik", "Aktivitet", "Status", "Kommuner", "Start", "Slut"}))
	must(f.SetSheetRow("Aktiviteter", "A2", &[]any{"Mål 3 – Hela länet", "Ökad samverkan mellan kommuner, institutioner", "Konstvandring i Bergslagen", "Pågående", "Lindesberg, Nora", 44256, 44530}))
	_, err := f.NewSheet("Uppföljningar")
	must(err)
	must(f.SetSheetRow("Uppföljningar", "A1", &[]any{"Aktivitet", "Datum", "Period", "Rapporterad status", "Bedömning", "Text", "Skriven av"}))
	must(f.SetSheetRow("Uppföljningar", "A2", &[]any{"Konstvandring i Bergslagen", "2021-06-30", "Halvår 1", "Pågående", "Gul – risk för avvikelse", "Två vandringar av fyra gjorda.", "Eva"}))
	var buf bytes.Buffer
	must(f.Write(&buf))

	r := s.importFile(buf.Bytes(), false)
	if r.Created != 2 || r.Refused != 0 {
		t.Fatalf("%s: %+v", r.counts(), r.Rows)
	}
	if r.Rows[0].Kind != "ACTIVITY" || *r.Rows[0].Sheet != "Aktiviteter" || r.Rows[1].Kind != "FOLLOW_UP" || *r.Rows[1].Sheet != "Uppföljningar" {
		t.Errorf("rows = %+v", r.Rows)
	}
	var got struct {
		Activities struct {
			Edges []struct {
				Node struct {
					StartDate, EndDate string
					FollowUps          struct {
						Edges []struct {
							Node struct{ Date, Period, Status, Assessment, Text, Author string }
						}
					}
				}
			}
		}
	}
	s.must(`{ activities(first: 1, where: {title: "Konstvandring i Bergslagen"}) { edges { node { startDate endDate
		followUps(first: 5) { edges { node { date period status assessment text author } } } } } } }`, nil, &got)
	a := got.Activities.Edges[0].Node
	if a.StartDate != "2021-03-01T00:00:00Z" || a.EndDate != "2021-11-30T00:00:00Z" {
		t.Errorf("dates %s, %s; want 2021-03-01 and 2021-11-30 from Excel's serial numbers", a.StartDate, a.EndDate)
	}
	if fu := a.FollowUps.Edges; len(fu) != 1 || fu[0].Node.Period != "FIRST_HALF" || fu[0].Node.Assessment != "YELLOW" ||
		fu[0].Node.Status != "ONGOING" || fu[0].Node.Author != "admin" /* the server writes who imports */ || fu[0].Node.Date != "2021-06-30T00:00:00Z" {
		t.Errorf("follow-ups = %+v", fu)
	}
	if again := s.importFile(buf.Bytes(), false); again.Unchanged != 2 || again.Created+again.Updated+again.Refused != 0 {
		t.Errorf("re-import: %s, want unchanged 2", again.counts())
	}
}

// TestImportRefusesHostileFiles: each file is refused with a code before
// anything is written, never INTERNAL.
func TestImportRefusesHostileFiles(t *testing.T) {
	s := newTestServer(t)
	wide := strings.Repeat("x;", 200) + "Titel\r\n"
	formula := func() []byte {
		f := excelize.NewFile()
		defer f.Close()
		_ = f.SetSheetRow("Sheet1", "A1", &[]any{"Mål", "Rubrik", "Titel"})
		_ = f.SetSheetRow("Sheet1", "A2", &[]any{"Mål 1", "Ökad samverkan mellan kultur och skola"})
		_ = f.SetCellFormula("Sheet1", "C2", `HYPERLINK("http://evil.example","klicka")`)
		var b bytes.Buffer
		_ = f.Write(&b)
		return b.Bytes()
	}()
	broken := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0xde, 0xad}, 500)...)
	cases := []struct {
		name, code, field string
		file              string // base64
		status            int
	}{
		{"ErrNotBase64", "BAD_REQUEST", "file", "not base64!", 200},
		{"ErrEmpty", "BAD_REQUEST", "file", "", 200},
		{"ErrManyColumns", "QUERY_TOO_LARGE", "file", base64.StdEncoding.EncodeToString([]byte(wide)), 200},
		{"ErrBrokenZip", "BAD_REQUEST", "file", base64.StdEncoding.EncodeToString(broken), 200},
		{"ErrFormula", "BAD_REQUEST", "file", base64.StdEncoding.EncodeToString(formula), 200},
		{"ErrBinary", "BAD_REQUEST", "file", base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 0xff, 0xfe, 0}), 200},
		{"ErrNoHeader", "BAD_REQUEST", "file", base64.StdEncoding.EncodeToString([]byte("a;b;c\r\n1;2;3\r\n")), 200},
	}
	activities := s.count("activities")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vars := map[string]any{"input": map[string]any{"file": c.file, "dryRun": false}}
			e := s.wantError(importMutation, vars, c.code, c.field)
			if r := s.post(importMutation, vars); r.Status != c.status {
				t.Errorf("HTTP status %d, want %d", r.Status, c.status)
			}
			if c.name == "ErrFormula" && !strings.Contains(e.Message, "C2") {
				t.Errorf("message %q does not name the cell", e.Message)
			}
		})
	}
	t.Run("ErrHugeFile", func(t *testing.T) {
		huge := bytes.Repeat([]byte("Titel;Mål;Rubrik\r\n"), 100_000) // 1.8 MB, over the body's limit
		body := fmt.Sprintf(`{"query": %q, "variables": {"input": {"file": %q, "dryRun": true}}}`,
			importMutation, base64.StdEncoding.EncodeToString(huge))
		r := s.postRaw("application/json", []byte(body))
		if r.Status != http.StatusRequestEntityTooLarge || len(r.Errors) != 1 || r.Errors[0].Extensions.Code != "BODY_TOO_LARGE" {
			t.Errorf("status %d, errors %+v; want 413 BODY_TOO_LARGE", r.Status, r.Errors)
		}
	})
	if n := s.count("activities"); n != activities {
		t.Errorf("%d activities after the refusals, want %d", n, activities)
	}
}

// TestImportFollowsThePolicy: an editor's rows pass the rules a mutation
// would, row by row; a viewer changes nothing; without a token, nothing.
func TestImportFollowsThePolicy(t *testing.T) {
	s := newTestServer(t)
	var orebro, askersund int
	fmt.Sscan(s.idOf("municipalities", `{name: "Örebro"}`), &orebro)
	fmt.Sscan(s.idOf("municipalities", `{name: "Askersund"}`), &askersund)
	editor := accountstest.User(t, s.client, "erik", auth.RoleEditor, []int{orebro}, nil)
	viewer := accountstest.User(t, s.client, "vera", auth.RoleViewer, nil, nil)
	last := []string{"Ökad samverkan kring kulturkvarteret i Örebro, Sjöängen i Askersund, och den norra delen", "Pågående",
		"Mål 3", "Ökad samverkan mellan kommuner, institutioner", "2020", "2021", "Askersund, Örebro", "Kulturkvarteret, Sjöängen", "", "", "", ""}
	file := excelCSV(importHeader,
		last, // line 2: in Örebro's scope, its status changed: allowed
		[]string{"Ny aktivitet", "Planerad", "Mål 1", "Ökad samverkan mellan kultur och skola", "", "", "Örebro", "", "", "", "", ""}, // line 3: editors do not create activities
	)
	r := s.as(accountstest.Session(t, s.client, editor)).importFile(file, false)
	if r.Updated != 1 || r.Refused != 1 {
		t.Fatalf("editor: %s: %+v", r.counts(), r.Rows)
	}
	if row := r.row(t, 3); *row.Code != "FORBIDDEN" || !strings.HasPrefix(*row.Reason, "Ingen behörighet") {
		t.Errorf("editor's new activity: %+v, want FORBIDDEN, Ingen behörighet …", row)
	}

	last[1] = "Genomförd"
	r = s.as(accountstest.Session(t, s.client, viewer)).importFile(excelCSV(importHeader, last), false)
	if r.Refused != 1 || *r.Rows[0].Code != "FORBIDDEN" {
		t.Errorf("viewer: %s: %+v", r.counts(), r.Rows)
	}
	r = s.as("").importFile(excelCSV(importHeader, last), false)
	if r.Refused != 1 || *r.Rows[0].Code != "UNAUTHENTICATED" || *r.Rows[0].Reason != "Logga in för att göra ändringar." {
		t.Errorf("anonymous: %s: %+v", r.counts(), r.Rows)
	}
}

// TestImportSampleFile imports the README's sample file: it is what the
// README says.
func TestImportSampleFile(t *testing.T) {
	s := newTestServer(t)
	for _, name := range []string{"../importer/testdata/aktiviteter.csv", "../importer/testdata/uppfoljningar.csv"} {
		file, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		r := s.importFile(file, false)
		if r.Refused != 0 || r.Created == 0 {
			t.Errorf("%s: %s: %+v", name, r.counts(), r.Rows)
		}
	}
}

// "Hela länet" in the municipalities, as the admin page's download writes
// an activity in every municipality of its county, links the activity to
// all of them; the same file imported again changes nothing.
func TestImportWholeCounty(t *testing.T) {
	s := newTestServer(t)
	file := excelCSV(importHeader,
		[]string{"Länsgemensam kulturvecka", "Planerad", "Mål 3", "Kultur i hela länet", "2022", "2023", "Hela länet", "", "", "", "", ""},
	)
	r := s.importFile(file, false)
	if r.Created != 1 || r.Refused != 0 {
		t.Fatalf("import: %s: %+v", r.counts(), r.Rows)
	}
	var data struct {
		Activities struct {
			Edges []struct {
				Node struct {
					WholeCounty    bool
					Municipalities struct{ TotalCount int }
				}
			}
		}
	}
	s.must(`{ activities(where: {title: "Länsgemensam kulturvecka"}) { edges { node { wholeCounty municipalities { totalCount } } } } }`, nil, &data)
	if e := data.Activities.Edges; len(e) != 1 || !e[0].Node.WholeCounty || e[0].Node.Municipalities.TotalCount != 12 {
		t.Errorf("imported: %+v, want one activity in all 12 municipalities", data)
	}
	if again := s.importFile(file, false); again.Unchanged != 1 || again.Created+again.Updated+again.Refused != 0 {
		t.Errorf("again: %s, want unchanged", again.counts())
	}
}
