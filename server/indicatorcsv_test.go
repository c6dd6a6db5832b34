package server_test

import (
	"strings"
	"testing"
)

// The indicators' CSV downloads are Excel-ready as the other reports: a
// byte-order mark, semicolons, CRLF, decimal commas, text that would be a
// formula neutralised, and negative figures kept as numbers.
func TestIndicatorCSVs(t *testing.T) {
	s := newTestServer(t)
	f := newIndicatorFixture(s)
	s.create(createTarget, map[string]any{"in": map[string]any{"indicatorID": f.perMunicipality, "year": 2023, "value": 200}})
	s.create(createTarget, map[string]any{"in": map[string]any{"indicatorID": f.county, "year": 2023, "value": 30}})
	for _, v := range []map[string]any{
		{"indicatorID": f.perMunicipality, "year": 2021, "municipalityID": f.orebro, "value": 120},
		{"indicatorID": f.perMunicipality, "year": 2021, "municipalityID": f.laxa, "value": 30.5, "source": "KOLADA"},
		{"indicatorID": f.perMunicipality, "year": 2021, "municipalityID": f.orebro, "value": 40, "period": "T1"},
		{"indicatorID": f.perMunicipality, "year": 2022, "municipalityID": f.orebro, "value": 130},
		{"indicatorID": f.county, "year": 2021, "value": 60},
	} {
		s.create(createValue, map[string]any{"in": v})
	}
	// Text a spreadsheet would run as a formula.
	s.create(createIndicator, map[string]any{"in": map[string]any{"objectiveID": f.heading, "name": "=1+1", "unit": "-", "scope": "COUNTY"}})
	s.create(createAssessment, map[string]any{"in": map[string]any{"goalID": f.goal, "year": 2021, "light": "YELLOW", "text": "=SUM(A1:A2)"}})
	s.create(createAssessment, map[string]any{"in": map[string]any{"goalID": f.goal, "year": 2020, "light": "GREEN", "text": "Bra start; fler kommuner"}})
	var me struct{ Me struct{ Username string } }
	s.must(`{ me { username } }`, nil, &me)
	admin := me.Me.Username

	// wantRows compares the records without the goal's name and the
	// columns skip names (times).
	wantRows := func(t *testing.T, got [][]string, want [][]string, skip ...int) {
		t.Helper()
		var trimmed [][]string
		for i, rec := range got {
			if i > 0 && !strings.HasPrefix(rec[0], "Utvecklingsmål ") {
				t.Errorf("record %d is of goal %q, want goal 1", i+1, rec[0])
			}
			var r []string
			for j, c := range rec {
				if j == 0 && i > 0 || containsInt(skip, j) {
					continue
				}
				r = append(r, c)
			}
			trimmed = append(trimmed, r)
		}
		wantRecords(t, trimmed, want)
	}

	t.Run("Indicators", func(t *testing.T) {
		file := s.getCSV("/reports/indicators.csv?year=2021")
		wantExcelCSV(t, file, "matt-region-orebro-lan-2020-2023-ar-2021.csv", "m%C3%A5tt-region-%C3%B6rebro-l%C3%A4n-2020-2023-%C3%A5r-2021.csv")
		wantRows(t, file.records, [][]string{
			{"Mål", "Mäter", "Mått", "Enhet", "Mäts", "Kolada-nyckeltal", "Utgångsvärde", "Utgångsår", "År", "Målvärde", "Målår", "Utfall", "Antal värden", "Andel av vägen", "Föreslagen färg"},
			{"Utvecklingsmålet", "Barn som nåtts av kulturskolan", "antal", "Per kommun", "N09890", "100", "2019", "2021", "200", "2023", "150,5", "2", "0,505", "Gul"},
			{"Utvecklingsmålet", "Väntetid till kulturskolan", "veckor", "Hela länet", "", "50", "2019", "2021", "30", "2023", "60", "1", "-0,5", "Röd"},
			{"Rubrik: Ökad samverkan mellan kommuner, institutioner", "'=1+1", "'-", "Hela länet", "", "", "", "2021", "", "", "", "0", "", ""},
		})
		if g := file.records[3][0]; !strings.HasPrefix(g, "Utvecklingsmål 3 - ") {
			t.Errorf("the heading's indicator is of goal %q, want goal 3 (after goal 1's)", g)
		}
		every := s.getCSV("/reports/indicators.csv")
		if n := len(every.records); n != 1+3*4 {
			t.Errorf("indicators.csv for every year has %d records, want a header and 3 indicators × 4 years", n)
		}
	})

	t.Run("Values", func(t *testing.T) {
		file := s.getCSV("/reports/indicator-values.csv?year=2021")
		wantExcelCSV(t, file, "varden-region-orebro-lan-2020-2023-ar-2021.csv", "v%C3%A4rden-region-%C3%B6rebro-l%C3%A4n-2020-2023-%C3%A5r-2021.csv")
		wantRows(t, file.records, [][]string{
			{"Mål", "Mäter", "Mått", "År", "Period", "Kommun", "Kommunkod", "Värde", "Enhet", "Källa", "Inmatat av"},
			{"Utvecklingsmålet", "Barn som nåtts av kulturskolan", "2021", "Helår", "Laxå", "1860", "30,5", "antal", "Kolada", admin},
			{"Utvecklingsmålet", "Barn som nåtts av kulturskolan", "2021", "Helår", "Örebro", "1880", "120", "antal", "Egen uppföljning", admin},
			{"Utvecklingsmålet", "Barn som nåtts av kulturskolan", "2021", "Tertial 1", "Örebro", "1880", "40", "antal", "Egen uppföljning", admin},
			{"Utvecklingsmålet", "Väntetid till kulturskolan", "2021", "Helår", "Hela länet", "", "60", "veckor", "Egen uppföljning", admin},
		}, 11)
		if n := len(s.getCSV("/reports/indicator-values.csv").records); n != 6 {
			t.Errorf("indicator-values.csv for every year has %d records, want a header and 5 values", n)
		}
	})

	t.Run("Assessments", func(t *testing.T) {
		file := s.getCSV("/reports/assessments.csv")
		wantExcelCSV(t, file, "bedomningar-region-orebro-lan-2020-2023.csv", "bed%C3%B6mningar-region-%C3%B6rebro-l%C3%A4n-2020-2023.csv")
		wantRows(t, file.records, [][]string{
			{"Mål", "År", "Bedömning", "Motivering", "Av"},
			{"2020", "Grön", "Bra start; fler kommuner", admin},
			{"2021", "Gul", "'=SUM(A1:A2)", admin},
		}, 5)
		if !strings.Contains(string(file.raw), `"Bra start; fler kommuner"`) {
			t.Error("a text with a semicolon is not quoted")
		}
	})

	t.Run("ABadYearIsTheClientsError", func(t *testing.T) {
		if f := s.getCSV("/reports/assessments.csv?year=tjugo"); f.status != 400 {
			t.Errorf("status %d for year=tjugo, want 400", f.status)
		}
	})
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
