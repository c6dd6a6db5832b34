package importer

import (
	"strings"
	"unicode"

	"github.com/samverkan/samverkan/swedish"
)

// column is a column an import reads, by the header that names it.
type column int

const (
	colPlan column = iota
	colGoal
	colHeading
	colActivity
	colStatus
	colFirstYear
	colLastYear
	colMunicipalities
	colInstitutions
	colLead
	colStart
	colEnd
	colReview
	colDescription
	// A follow-up's own.
	colDate
	colPeriod
	colAssessment
	colText
	colAuthor
	columnCount
)

// Column is one column of the import's files, for the README and the
// admin page: its header and the other headers read as the same.
type Column struct {
	Header  string
	Aliases []string
}

// headers names each column: the first name is what the admin page's
// download writes, the others are read as the same (case, å, ä, ö and
// spaces around ignored).
var headers = [columnCount][]string{
	colPlan:           {"Handlingsplan", "Plan"},
	colGoal:           {"Mål", "Utvecklingsmål"},
	colHeading:        {"Rubrik", "Insatsområde"},
	colActivity:       {"Titel", "Aktivitet"},
	colStatus:         {"Status", "Rapporterad status"},
	colFirstYear:      {"Prioriterad från år", "Från år", "Första år"},
	colLastYear:       {"Prioriterad till år", "Till år", "Sista år"},
	colMunicipalities: {"Kommuner", "Kommun", "Deltagande kommuner"},
	colInstitutions:   {"Aktörer", "Aktör", "Deltagande aktörer", "Institutioner"},
	colLead:           {"Ansvarig"},
	colStart:          {"Startdatum", "Start"},
	colEnd:            {"Slutdatum", "Slut"},
	colReview:         {"Avstämningsdatum", "Avstämning"},
	colDescription:    {"Beskrivning"},
	colDate:           {"Datum", "Uppföljningsdatum"},
	colPeriod:         {"Period"},
	colAssessment:     {"Bedömning"},
	colText:           {"Text", "Uppföljning"},
	colAuthor:         {"Skriven av", "Författare"},
}

// header is a sheet's header row: where each known column is (-1 when
// absent).
type header struct {
	at [columnCount]int
}

// has reports whether the sheet has the column.
func (h *header) has(c column) bool { return h.at[c] >= 0 }

// cell returns the row's cell of the column, spaces trimmed, "" when the
// sheet or the row has none.
func (h *header) cell(row []string, c column) string {
	i := h.at[c]
	if i < 0 || i >= len(row) {
		return ""
	}
	return unescape(strings.TrimSpace(row[i]))
}

// unescape undoes what the exports do to a cell a spreadsheet would take
// for a formula: an apostrophe before =, +, -, @, a tab or a carriage
// return, so that what the app wrote reads back as it was.
func unescape(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// fold is how names and titles are compared: Swedish-aware case folding
// (swedish.Lower, as the API's …Fold filters) and runs of spaces as one.
// An import folds every cell it matches, so the usual case, one space
// between words, is not split and joined again.
func fold(s string) string {
	s = swedish.Lower(s)
	plain := len(s) == 0 || (s[0] != ' ' && s[len(s)-1] != ' ')
	for i := 0; plain && i < len(s); i++ {
		c := s[i]
		plain = c >= 0x80 || (c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f' && !(c == ' ' && i+1 < len(s) && s[i+1] == ' '))
	}
	if plain && !strings.ContainsRune(s, '\u00a0') {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// readHeader finds the known columns in a header row; unknown headers are
// returned to be named in a refusal.
func readHeader(row []string) (h header, unknown []string) {
	for i := range h.at {
		h.at[i] = -1
	}
	byName := map[string]column{}
	for c, names := range headers {
		for _, n := range names {
			byName[fold(n)] = column(c)
		}
	}
	for i, name := range row {
		name = fold(strings.TrimPrefix(name, "\uFEFF"))
		if name == "" {
			continue
		}
		c, ok := byName[name]
		if !ok {
			unknown = append(unknown, strings.TrimSpace(row[i]))
			continue
		}
		if h.at[c] < 0 {
			h.at[c] = i
		}
	}
	return h, unknown
}

// Columns lists the columns an import reads, in the order the README
// gives them.
func Columns() []Column {
	cs := make([]Column, columnCount)
	for c, names := range headers {
		cs[c] = Column{Header: names[0], Aliases: names[1:]}
	}
	return cs
}
