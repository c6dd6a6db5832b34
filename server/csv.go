package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/report"
)

// The reports as CSV files for spreadsheets, written the way Excel with
// Swedish settings opens them: UTF-8 with a byte-order mark (without it,
// Excel reads å, ä and ö as Latin-1), semicolons between fields (the comma
// is the decimal separator), a comma in decimals, CRLF line ends, and
// quotes around fields that hold a semicolon, a quote or a line break.
//
// Both take ?plan=<ID> (by default the newest plan, as planReport in the
// GraphQL API) and ?year=<year> (activities prioritised in that year; by
// default all). They read what the API reads, and are plain handlers so
// that the API's read check can wrap them when there is one.

// utf8BOM is the byte-order mark that tells Excel the file is UTF-8.
const utf8BOM = "\uFEFF"

// coverageCSV serves GET /reports/coverage.csv: a row per municipality of
// the plan (in Swedish alphabetical order), a column per goal with the
// number of activities the municipality takes part in under it, and the
// total.
func coverageCSV(client *ent.Client, log *slog.Logger) http.Handler {
	return csvReport(client, log, "täckning", func(ctx context.Context, p *ent.Plan, year *int) ([][]string, error) {
		cov, err := report.PlanCoverage(ctx, client, p, year)
		if err != nil {
			return nil, err
		}
		header := []string{"Kommun", "Kommunkod"}
		for _, g := range cov.Goals {
			header = append(header, "Utvecklingsmål "+strconv.Itoa(g.Goal.Number))
		}
		records := [][]string{append(header, "Summa")}
		for _, r := range cov.Municipalities {
			rec := []string{r.Municipality.Name, r.Municipality.Code}
			for _, n := range r.Counts {
				rec = append(rec, strconv.Itoa(n))
			}
			records = append(records, append(rec, strconv.Itoa(r.Total)))
		}
		// The activities in every municipality of the county, which also
		// count in each municipality's row above.
		if w := cov.WholeCounty; w.Municipalities > 0 {
			rec := []string{wholeCountyLabel(w.Municipalities), ""}
			for _, n := range w.Counts {
				rec = append(rec, strconv.Itoa(n))
			}
			records = append(records, append(rec, strconv.Itoa(w.Total)))
		}
		return records, nil
	})
}

// wholeCountyLabel names the activities that take part in every
// municipality of a county of n, as the admin page does.
func wholeCountyLabel(n int) string {
	return "Hela länet (alla " + strconv.Itoa(n) + " kommuner)"
}

// perspectivesCSV serves GET /reports/perspectives.csv: a row per
// perspective of the kulturplan (in its order) with the plan's activities
// tagged with it per status, a row of the activities tagged with none, and
// a row of those that take part in every municipality of the county. An
// activity with two perspectives counts under both.
func perspectivesCSV(client *ent.Client, log *slog.Logger) http.Handler {
	return csvReport(client, log, "perspektiv", func(ctx context.Context, p *ent.Plan, year *int) ([][]string, error) {
		perspectives, err := report.StatusByPerspective(ctx, client, p.ID, year)
		if err != nil {
			return nil, err
		}
		none, err := report.CountsWithoutPerspective(ctx, client, p.ID, year)
		if err != nil {
			return nil, err
		}
		whole, err := report.CountsWholeCounty(ctx, client, p.ID, year)
		if err != nil {
			return nil, err
		}
		records := [][]string{{"Perspektiv", "Planerad", "Pågående", "Genomförd", "Inställd", "Summa", "Andel genomförd"}}
		for _, ps := range perspectives {
			records = append(records, countsRecord(ps.Perspective.Name, ps.StatusCounts))
		}
		records = append(records, countsRecord("Utan perspektiv", none))
		return append(records, countsRecord("Aktiviteter i hela länet", whole)), nil
	})
}

// countsRecord is a row of a label and activities per status.
func countsRecord(label string, c report.Counts) []string {
	return append([]string{label}, statusRecord("", "", c)[2:]...)
}

// statusCSV serves GET /reports/status.csv: for each goal (by number) a row
// with its activities per status, then a row per heading under it; a last
// row with the whole plan's.
func statusCSV(client *ent.Client, log *slog.Logger) http.Handler {
	return csvReport(client, log, "status", func(ctx context.Context, p *ent.Plan, year *int) ([][]string, error) {
		goals, err := report.StatusByGoal(ctx, client, p.ID, year)
		if err != nil {
			return nil, err
		}
		records := [][]string{{"Mål", "Rubrik", "Planerad", "Pågående", "Genomförd", "Inställd", "Summa", "Andel genomförd"}}
		var plan report.Counts
		for _, g := range goals {
			label := goalLabel(g.Goal)
			records = append(records, statusRecord(label, "", g.StatusCounts))
			for _, o := range g.Objectives {
				records = append(records, statusRecord(label, o.Objective.Title, o.StatusCounts))
			}
			plan = plan.Plus(g.StatusCounts)
		}
		return append(records, statusRecord("Summa", "", plan)), nil
	})
}

// statusRecord is a row of status.csv.
func statusRecord(goal, heading string, c report.Counts) []string {
	return []string{goal, heading,
		strconv.Itoa(c.Planned), strconv.Itoa(c.Ongoing), strconv.Itoa(c.Done), strconv.Itoa(c.Cancelled),
		strconv.Itoa(c.Total()), decimal(c.ShareDone())}
}

// goalLabel names a goal as the plan does, "Utvecklingsmål 1 - Barn och
// unga"; a goal without a title goes by its area.
func goalLabel(g *ent.Goal) string {
	label := "Utvecklingsmål " + strconv.Itoa(g.Number)
	switch {
	case g.Title != nil && *g.Title != "":
		return label + " - " + *g.Title
	case g.Area != "":
		return label + " - " + g.Area
	}
	return label
}

// decimal writes a share with at most three decimals and a decimal comma;
// nil (nothing to divide) is an empty field.
func decimal(v *float64) string {
	if v == nil {
		return ""
	}
	s := strconv.FormatFloat(math.Round(*v*1000)/1000, 'f', -1, 64)
	return strings.Replace(s, ".", ",", 1)
}

// csvReport is a CSV download: it finds the plan and year the query names,
// builds the records, and sends them as a file named after the report and
// the plan, or a plain-text error.
func csvReport(client *ent.Client, log *slog.Logger, name string,
	build func(ctx context.Context, p *ent.Plan, year *int) ([][]string, error)) http.Handler {
	return csvReportWithNumbers(client, log, name, nil, build)
}

// csvReportWithNumbers is csvReport for a report whose numeric columns
// (by index) may hold negative numbers: the server writes them (with
// strconv), so they are no formula and keep their minus sign, where a
// cell of text starting with "-" gets an apostrophe (see inert).
func csvReportWithNumbers(client *ent.Client, log *slog.Logger, name string, numeric []int,
	build func(ctx context.Context, p *ent.Plan, year *int) ([][]string, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		planID, year, err := reportParams(r)
		if err != nil {
			fail(w, r, log, err)
			return
		}
		p, err := report.PlanOrNewest(ctx, client, planID, "")
		switch {
		case refused(w, r, err):
			return
		case ent.IsNotFound(err) && planID == nil:
			graph.WriteError(w, r, samverkan.Errorf(samverkan.CodeNotFound, "", "there is no plan to report on yet"), graph.Text)
			return
		case ent.IsNotFound(err):
			graph.WriteError(w, r, samverkan.Errorf(samverkan.CodeNotFound, "plan", "no plan has the ID %d", *planID), graph.Text)
			return
		case err != nil:
			fail(w, r, log, err)
			return
		}
		records, err := build(ctx, p, year)
		if err != nil {
			fail(w, r, log, err)
			return
		}
		body, err := excelCSV(records, numeric)
		if err != nil {
			fail(w, r, log, err)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", attachment(fileName(name, p, year)))
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(body)
	})
}

// excelCSV writes records as a CSV file the way Excel with Swedish
// settings opens it (see the top of this file), every cell but those of
// the numeric columns (by index) kept from being a formula.
func excelCSV(records [][]string, numeric []int) ([]byte, error) {
	var body bytes.Buffer
	body.WriteString(utf8BOM)
	cw := csv.NewWriter(&body)
	cw.Comma = ';'
	cw.UseCRLF = true
	for r, rec := range records {
		for i, cell := range rec {
			if r > 0 && slices.Contains(numeric, i) {
				continue
			}
			rec[i] = inert(cell)
		}
	}
	if err := cw.WriteAll(records); err != nil {
		return nil, err
	}
	return body.Bytes(), nil
}

// inert keeps a cell a spreadsheet would read as a formula as text: a cell
// that starts with =, +, -, @, a tab or a carriage return gets an
// apostrophe before it, as OWASP advises against CSV injection (a heading
// titled =HYPERLINK(…) would otherwise be a live link in Excel). The
// reports' own numbers are never negative, so none of them is touched.
func inert(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// reportParams reads ?plan= and ?year=; either may be left out.
func reportParams(r *http.Request) (planID, year *int, err error) {
	q := r.URL.Query()
	if s := q.Get("plan"); s != "" {
		id, err := strconv.Atoi(s)
		if err != nil {
			return nil, nil, samverkan.Errorf(samverkan.CodeBadRequest, "plan", "%q is not a plan ID (a number, as the API gives it)", s)
		}
		planID = &id
	}
	if s := q.Get("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil {
			return nil, nil, samverkan.Errorf(samverkan.CodeBadRequest, "year", "%q is not a year", s)
		}
		year = &y
		if err := report.CheckYear(year); err != nil {
			return nil, nil, err
		}
	}
	return planID, year, nil
}

// fileName names a report's file after the plan's region and period, and
// the year when there is one: "täckning-region-örebro-län-2020-2023.csv".
func fileName(report string, p *ent.Plan, year *int) string {
	parts := []string{report, p.Region, strconv.Itoa(p.FirstYear), strconv.Itoa(p.LastYear)}
	if year != nil {
		parts = append(parts, "år", strconv.Itoa(*year))
	}
	return slug(strings.Join(parts, " ")) + ".csv"
}

// slug lower-cases s and joins its words (letters and digits) with hyphens.
func slug(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.Join(words, "-")
}

// attachment is a Content-Disposition for a download named name: an ASCII
// filename for old clients (å and ä as a, ö as o) and the real one as
// filename* (RFC 6266), which browsers prefer.
func attachment(name string) string {
	ascii := strings.Map(func(r rune) rune {
		switch r {
		case 'å', 'ä', 'á', 'à':
			return 'a'
		case 'ö', 'ó', 'ø':
			return 'o'
		case 'é', 'è':
			return 'e'
		case 'ü':
			return 'u'
		case '"', '\\':
			return '-'
		}
		if r > unicode.MaxASCII || r < ' ' {
			return -1
		}
		return r
	}, name)
	var enc strings.Builder
	for _, b := range []byte(name) {
		if isAttrChar(b) {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, enc.String())
}

// isAttrChar reports whether b may stand unescaped in an RFC 8187 value.
func isAttrChar(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
		strings.IndexByte("!#$&+-.^_`|~", b) >= 0
}

// refused answers a read the schema's policies refused (a private server
// and no viewer) as the GraphQL endpoint does, and reports whether it was.
func refused(w http.ResponseWriter, r *http.Request, err error) bool {
	var se *samverkan.Error
	if !errors.Is(err, privacy.Deny) || !errors.As(err, &se) {
		return false
	}
	graph.WriteError(w, r, se, graph.JSON)
	return true
}

// fail answers a request that err refused (see graph.ErrorFor) in plain
// text: the downloads are opened by people, in a browser.
func fail(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	graph.WriteError(w, r, graph.ErrorFor(r.Context(), log, err), graph.Text)
}
