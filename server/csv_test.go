package server_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"
)

// csvFile is a CSV download as the client received it.
type csvFile struct {
	status      int
	header      http.Header
	raw         []byte     // the body as sent
	records     [][]string // read back with encoding/csv, after the BOM
	contentType string
}

// getCSV downloads a report and reads it back the way a spreadsheet would:
// a byte-order mark, then semicolon-separated records.
func (s *testServer) getCSV(path string) csvFile {
	s.t.Helper()
	res, err := http.Get(s.URL + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	f := csvFile{status: res.StatusCode, header: res.Header, raw: raw, contentType: res.Header.Get("Content-Type")}
	if res.StatusCode != http.StatusOK {
		return f
	}
	body, ok := bytes.CutPrefix(raw, []byte{0xEF, 0xBB, 0xBF})
	if !ok {
		s.t.Fatalf("%s does not start with a UTF-8 byte-order mark: % x", path, raw[:min(len(raw), 8)])
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.Comma = ';'
	if f.records, err = r.ReadAll(); err != nil {
		s.t.Fatalf("%s is not CSV: %v\n%s", path, err, body)
	}
	return f
}

// wantRecords compares the records cell by cell.
func wantRecords(t *testing.T, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d records, want %d:\n got %q\nwant %q", len(got), len(want), got, want)
	}
	for i := range min(len(got), len(want)) {
		if len(got[i]) != len(want[i]) {
			t.Errorf("record %d has %d fields, want %d: %q", i+1, len(got[i]), len(want[i]), got[i])
			continue
		}
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("record %d, field %d (%s) = %q, want %q", i+1, j+1, want[0][j], got[i][j], want[i][j])
			}
		}
	}
}

// wantExcelCSV checks what Excel with Swedish settings needs of the file.
func wantExcelCSV(t *testing.T, f csvFile, fileName, utf8Name string) {
	t.Helper()
	if f.status != http.StatusOK {
		t.Fatalf("status = %d, want 200: %s", f.status, f.raw)
	}
	if f.contentType != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q", f.contentType)
	}
	want := `attachment; filename="` + fileName + `"; filename*=UTF-8''` + utf8Name
	if got := f.header.Get("Content-Disposition"); got != want {
		t.Errorf("Content-Disposition = %q\n                     want %q", got, want)
	}
	if lf, crlf := bytes.Count(f.raw, []byte("\n")), bytes.Count(f.raw, []byte("\r\n")); lf != crlf || crlf != len(f.records) {
		t.Errorf("%d line feeds, %d of them after a carriage return, for %d records; want CRLF after each", lf, crlf, len(f.records))
	}
}

var (
	coverageHeader = []string{"Kommun", "Kommunkod", "Utvecklingsmål 1", "Utvecklingsmål 2", "Utvecklingsmål 3", "Summa"}
	statusHeader   = []string{"Mål", "Rubrik", "Planerad", "Pågående", "Genomförd", "Inställd", "Summa", "Andel genomförd"}
)

func TestCoverageCSV(t *testing.T) {
	s := newTestServer(t)
	t.Run("TheSeedsPlanByDefault", func(t *testing.T) {
		f := s.getCSV("/reports/coverage.csv")
		wantExcelCSV(t, f, "tackning-region-orebro-lan-2020-2023.csv",
			"t%C3%A4ckning-region-%C3%B6rebro-l%C3%A4n-2020-2023.csv")
		wantRecords(t, f.records, [][]string{
			coverageHeader,
			{"Askersund", "1882", "0", "0", "1", "1"},
			{"Degerfors", "1862", "0", "0", "0", "0"},
			{"Hallsberg", "1861", "0", "0", "0", "0"},
			{"Hällefors", "1863", "0", "0", "0", "0"},
			{"Karlskoga", "1883", "0", "0", "0", "0"},
			{"Kumla", "1881", "0", "0", "0", "0"},
			{"Laxå", "1860", "0", "0", "0", "0"},
			{"Lekeberg", "1814", "0", "0", "0", "0"},
			{"Lindesberg", "1885", "0", "0", "0", "0"},
			{"Ljusnarsberg", "1864", "0", "0", "0", "0"},
			{"Nora", "1884", "0", "0", "0", "0"},
			{"Örebro", "1880", "0", "0", "1", "1"},
			{"Hela länet (alla 12 kommuner)", "", "0", "0", "0", "0"},
		})
	})

	fx := buildFixture(s)
	t.Run("APlanInAYear", func(t *testing.T) {
		f := s.getCSV("/reports/coverage.csv?plan=" + fx.plan + "&year=2023")
		wantExcelCSV(t, f, "tackning-region-norrbotten-2022-2023-ar-2023.csv",
			"t%C3%A4ckning-region-norrbotten-2022-2023-%C3%A5r-2023.csv")
		wantRecords(t, f.records, [][]string{
			coverageHeader,
			{"Arvidsjaur", "2505", "0", "0", "0", "0"},
			{"Kiruna", "2584", "1", "0", "0", "1"},
			{"Luleå", "2580", "2", "0", "0", "2"},
			{"Örebro", "1880", "1", "0", "0", "1"},
			{"Hela länet (alla 3 kommuner)", "", "0", "0", "0", "0"},
		})
	})
	t.Run("TheNewestPlanByDefault", func(t *testing.T) {
		f := s.getCSV("/reports/coverage.csv")
		if len(f.records) != 6 || f.records[1][0] != "Arvidsjaur" {
			t.Errorf("default plan's coverage = %q, want the built plan's", f.records)
		}
	})
}

func TestStatusCSV(t *testing.T) {
	s := newTestServer(t)
	t.Run("TheSeedsPlanByDefault", func(t *testing.T) {
		f := s.getCSV("/reports/status.csv")
		wantExcelCSV(t, f, "status-region-orebro-lan-2020-2023.csv", "status-region-%C3%B6rebro-l%C3%A4n-2020-2023.csv")
		g1, g2, g3 := "Utvecklingsmål 1 - Barn och unga", "Utvecklingsmål 2 - kultur och hälsa", "Utvecklingsmål 3 - hela länet"
		wantRecords(t, f.records, [][]string{
			statusHeader,
			{g1, "", "4", "0", "0", "0", "4", "0"},
			{g1, "Ökad samverkan mellan kultur och skola", "1", "0", "0", "0", "1", "0"},
			{g1, "Utveckling av transporter till kultur", "1", "0", "0", "0", "1", "0"},
			{g1, "Ökad samverkan mellan region och kommuner", "2", "0", "0", "0", "2", "0"},
			{g2, "", "0", "0", "0", "0", "0", ""},
			{g3, "", "2", "0", "0", "0", "2", "0"},
			{g3, "Ökad samverkan mellan kommuner, institutioner", "2", "0", "0", "0", "2", "0"},
			{"Summa", "", "6", "0", "0", "0", "6", "0"},
		})
	})

	fx := buildFixture(s)
	g1, g2, g3 := "Utvecklingsmål 1 - Barn och unga", "Utvecklingsmål 2 - kultur och hälsa", "Utvecklingsmål 3 - Hela länet"
	t.Run("DecimalsWithAComma", func(t *testing.T) {
		f := s.getCSV("/reports/status.csv?plan=" + fx.plan)
		wantExcelCSV(t, f, "status-region-norrbotten-2022-2023.csv", "status-region-norrbotten-2022-2023.csv")
		wantRecords(t, f.records, [][]string{
			statusHeader,
			{g1, "", "1", "1", "1", "1", "4", "0,333"},
			{g1, "Skola", "0", "1", "1", "0", "2", "0,5"},
			{g1, `Scen; "Ung" kultur`, "1", "0", "0", "1", "2", "0"},
			{g2, "", "0", "0", "0", "0", "0", ""},
			{g3, "", "0", "0", "1", "0", "1", "1"},
			{g3, "Samverkan", "0", "0", "1", "0", "1", "1"},
			{g3, "Tom rubrik", "0", "0", "0", "0", "0", ""},
			{"Summa", "", "1", "1", "2", "1", "5", "0,5"},
		})
		if !bytes.Contains(f.raw, []byte(`;"Scen; ""Ung"" kultur";`)) {
			t.Errorf("a heading with a semicolon and quotes is not quoted:\n%s", f.raw)
		}
	})
	t.Run("InAYear", func(t *testing.T) {
		f := s.getCSV("/reports/status.csv?plan=" + fx.plan + "&year=2023")
		wantExcelCSV(t, f, "status-region-norrbotten-2022-2023-ar-2023.csv", "status-region-norrbotten-2022-2023-%C3%A5r-2023.csv")
		wantRecords(t, f.records, [][]string{
			statusHeader,
			{g1, "", "1", "1", "0", "1", "3", "0"},
			{g1, "Skola", "0", "1", "0", "0", "1", "0"},
			{g1, `Scen; "Ung" kultur`, "1", "0", "0", "1", "2", "0"},
			{g2, "", "0", "0", "0", "0", "0", ""},
			{g3, "", "0", "0", "1", "0", "1", "1"},
			{g3, "Samverkan", "0", "0", "1", "0", "1", "1"},
			{g3, "Tom rubrik", "0", "0", "0", "0", "0", ""},
			{"Summa", "", "1", "1", "1", "1", "4", "0,333"},
		})
	})
}

func TestReportCSVErrors(t *testing.T) {
	s := newTestServer(t)
	goal := s.idOf("goals", `{number: 1}`)
	for _, tc := range []struct {
		name, path string
		status     int
		message    string
	}{
		{"ErrPlanNotANumber", "/reports/coverage.csv?plan=örebro", http.StatusBadRequest, `plan: "örebro" is not a plan ID (a number, as the API gives it)`},
		{"ErrPlanNotFound", "/reports/status.csv?plan=1", http.StatusNotFound, "plan: no plan has the ID 1"},
		{"ErrGoalIsNotAPlan", "/reports/coverage.csv?plan=" + goal, http.StatusNotFound, "plan: no plan has the ID " + goal},
		{"ErrYearNotANumber", "/reports/status.csv?year=2021a", http.StatusBadRequest, `year: "2021a" is not a year`},
		{"ErrYearOutOfRange", "/reports/coverage.csv?year=1800", http.StatusBadRequest, "year: must be a year between 1990 and 2100 (got 1800)"},
		{"ErrNotGET", "/reports/coverage.csv", http.StatusMethodNotAllowed, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f csvFile
			if tc.status == http.StatusMethodNotAllowed {
				res, err := http.Post(s.URL+tc.path, "text/csv", strings.NewReader("x"))
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				f.status = res.StatusCode
			} else {
				f = s.getCSV(tc.path)
			}
			if f.status != tc.status {
				t.Fatalf("status = %d, want %d: %s", f.status, tc.status, f.raw)
			}
			if tc.message == "" {
				return
			}
			if f.contentType != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type = %q", f.contentType)
			}
			if got := strings.TrimSpace(string(f.raw)); got != tc.message {
				t.Errorf("message = %q, want %q", got, tc.message)
			}
		})
	}
	t.Run("ErrNoPlanAtAll", func(t *testing.T) {
		plan := s.idOf("plans", `{region: "Region Örebro län"}`)
		s.must(`mutation($id: ID!) { deletePlan(id: $id) }`, map[string]any{"id": plan}, nil)
		for _, path := range []string{"/reports/coverage.csv", "/reports/status.csv"} {
			f := s.getCSV(path)
			if got := strings.TrimSpace(string(f.raw)); f.status != http.StatusNotFound || got != "there is no plan to report on yet" {
				t.Errorf("%s: %d %q, want 404 %q", path, f.status, got, "there is no plan to report on yet")
			}
		}
		// The API says the same with null.
		var data struct {
			PlanReport *struct{ ID string }
		}
		s.must(`{ planReport { id } }`, nil, &data)
		if data.PlanReport != nil {
			t.Errorf("planReport = %+v, want null", data.PlanReport)
		}
	})
}

// TestCSVCellsAreNeverFormulas: a cell that a spreadsheet would read as a
// formula (starting with =, +, -, @, a tab or a carriage return) gets an
// apostrophe before it, in both reports; other cells are left as they are.
func TestCSVCellsAreNeverFormulas(t *testing.T) {
	s := newTestServer(t)
	goal := s.idOf("goals", `{number: 1}`)
	titles := []string{`=HYPERLINK("https://example.com","Klicka")`, "+46 19 00 00 00", "-1", "@SUM(A1:A2)", "\tflik", "Vanlig rubrik – med tankstreck"}
	for _, title := range titles {
		s.must(`mutation($g: ID!, $t: String!) { createObjective(input: {goalID: $g, title: $t}) { id } }`, map[string]any{"g": goal, "t": title}, nil)
	}
	// encoding/csv writes a lone carriage return in a field as nothing
	// when it ends lines with CRLF: the cell starts with the apostrophe.
	s.must(`mutation($g: ID!) { createObjective(input: {goalID: $g, title: "\rretur"}) { id } }`, map[string]any{"g": goal}, nil)
	if f := s.getCSV("/reports/status.csv"); !bytes.Contains(f.raw, []byte(";\"'retur\";")) && !bytes.Contains(f.raw, []byte(";'retur;")) {
		t.Errorf("heading \\rretur is not in status.csv as '\\rretur")
	}
	s.must(`mutation { createMunicipality(input: {code: "1899", name: "=1+1"}) { id } }`, nil, nil)

	cells := map[string]bool{}
	for _, path := range []string{"/reports/status.csv", "/reports/coverage.csv"} {
		f := s.getCSV(path)
		if f.status != http.StatusOK {
			t.Fatalf("%s: status %d", path, f.status)
		}
		for _, rec := range f.records {
			for _, c := range rec {
				cells[c] = true
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					t.Errorf("%s: cell %q starts a formula", path, c)
				}
			}
		}
	}
	for _, title := range titles[:len(titles)-1] {
		if !cells["'"+title] {
			t.Errorf("heading %q is not in status.csv as '%s", title, title)
		}
	}
	if !cells[titles[len(titles)-1]] || !cells["'=1+1"] {
		t.Errorf("an ordinary title, or the municipality =1+1 as '=1+1, is missing")
	}
}
