// Package importer brings activities (with their goal, heading,
// municipalities and institutions) and follow-ups in from the spreadsheets
// the municipalities keep: CSV as Excel writes it, or an .xlsx workbook.
//
// An import runs row by row through the ent client it is given, so every
// hook and policy of the schema judges each row: a row the schema refuses is
// left out and reported with the reason in Swedish, the others are written.
// Run on a transaction's client, an import is one transaction and, under one
// request id, one change set of the audit trail. A dry run does the same
// and rolls it back, so what it reports is what the import would do. Rows
// are matched to what is stored by name, Swedish-aware ("örebro" is
// "Örebro"), and a row that matches changes only what differs: importing a
// file again changes nothing.
package importer

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/institution"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/schema/enum"
)

// Action is what an import does, or would do, with a row.
type Action string

// The actions.
const (
	Create    Action = "CREATE"    // a new record
	Update    Action = "UPDATE"    // a stored record changed
	Unchanged Action = "UNCHANGED" // the row says what is stored already
	Refused   Action = "REFUSED"   // the row is left out; Reason says why
)

// Kind is what a row is about.
type Kind string

// The kinds of rows.
const (
	KindActivity Kind = "ACTIVITY"
	KindFollowUp Kind = "FOLLOW_UP"
)

// Row is what an import does with one row of the file.
type Row struct {
	// Sheet is the workbook's sheet the row is on, empty for CSV.
	Sheet string
	// Line is the row's number as the spreadsheet shows it, the header
	// being 1 when it is the first row.
	Line int
	Kind Kind
	// Title names the row's activity (and, for a follow-up, its date).
	Title  string
	Action Action
	// Reason says, in Swedish, why a row is refused; Code and Field are
	// the refusal's code and the input field at fault, as the API would
	// give them.
	Reason string
	Code   samverkan.Code
	Field  string
	// Changes says, in Swedish, what a created or changed row sets.
	Changes []string
}

// Result is what an import did, or would do.
type Result struct {
	DryRun                               bool
	Created, Updated, Unchanged, Refused int
	Rows                                 []Row
	// IgnoredColumns are the headers of columns the import does not read.
	IgnoredColumns []string
}

// Options says how to import.
type Options struct {
	// PlanID is the plan of rows without a Handlingsplan column; 0 for the
	// newest plan (the one reports show by default).
	PlanID int
	// DryRun rolls everything back: the result says what an import
	// would do.
	DryRun bool
}

// Run imports a file (CSV or .xlsx) through client, which must be a
// transaction's client (ent.FromContext in a mutation's resolver). A file
// that cannot be read is refused with a *samverkan.Error; a row that
// cannot be imported is refused in the result. Any other error (the
// database's) ends the import, and the caller rolls the transaction back.
func Run(ctx context.Context, client *ent.Client, data []byte, opts Options) (*Result, error) {
	sheets, err := read(data)
	if err != nil {
		return nil, err
	}
	res := &Result{DryRun: opts.DryRun}
	type task struct {
		s    sheet
		h    header
		kind Kind
		from int // the header's index
	}
	var tasks []task
	for _, s := range sheets {
		h, from, unknown, ok := findHeader(s.rows)
		if !ok {
			continue // a sheet of notes, or empty
		}
		kind := KindActivity
		if h.has(colDate) && h.has(colText) {
			kind = KindFollowUp
		}
		res.IgnoredColumns = append(res.IgnoredColumns, unknown...)
		tasks = append(tasks, task{s: s, h: h, kind: kind, from: from})
	}
	if len(tasks) == 0 {
		return nil, badFile("no sheet of the file has a header row naming the activity (Titel or Aktivitet) and its goal (Mål) and heading (Rubrik), or a follow-up's Aktivitet, Datum and Text")
	}
	// Activities before follow-ups, so that a workbook's follow-ups may
	// be of the activities its other sheet creates.
	slices.SortStableFunc(tasks, func(a, b task) int {
		if a.kind == b.kind {
			return 0
		}
		if a.kind == KindActivity {
			return -1
		}
		return 1
	})

	im := &importer{ctx: ctx, c: client, opts: opts}
	if err := im.load(); err != nil {
		return nil, err
	}
	if opts.DryRun {
		if err := im.exec("SAVEPOINT import_dry_run"); err != nil {
			return nil, err
		}
	}
	for _, t := range tasks {
		for i := t.from + 1; i < len(t.s.rows); i++ {
			cells := t.s.rows[i]
			if blank(cells) {
				continue
			}
			row := Row{Sheet: t.s.name, Line: i + 1, Kind: t.kind}
			var err error
			if t.kind == KindActivity {
				err = im.activity(&t.h, cells, &row)
			} else {
				err = im.followUp(&t.h, cells, &row)
			}
			if err != nil {
				return nil, fmt.Errorf("import row %d: %w", i+1, err)
			}
			switch row.Action {
			case Create:
				res.Created++
			case Update:
				res.Updated++
			case Unchanged:
				res.Unchanged++
			case Refused:
				res.Refused++
			}
			res.Rows = append(res.Rows, row)
		}
	}
	if opts.DryRun {
		if err := im.exec("ROLLBACK TO SAVEPOINT import_dry_run"); err != nil {
			return nil, err
		}
		if err := im.exec("RELEASE SAVEPOINT import_dry_run"); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// findHeader finds the header row among a sheet's first rows: the first
// that names an activity column.
func findHeader(rows [][]string) (h header, at int, unknown []string, ok bool) {
	for i := 0; i < len(rows) && i < 10; i++ {
		h, unknown := readHeader(rows[i])
		if h.has(colActivity) {
			return h, i, unknown, true
		}
	}
	return header{}, 0, nil, false
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// importer holds what an import has read of the database, kept up to
// date with what it writes.
type importer struct {
	ctx  context.Context
	c    *ent.Client
	opts Options

	plans          []*ent.Plan
	plansByName    map[string][]*ent.Plan // by folded name
	defaultPlan    *ent.Plan
	municipalities map[string][]*ent.Municipality // by folded name, official name and code
	institutions   map[string][]*ent.Institution  // by folded name
	muniNames      map[int]string
	muniCounty     map[int]string // a municipality's county code
	instNames      map[int]string
	loaded         map[int]*planData // by plan id
}

// planData is one plan's goals, headings and activities.
type planData struct {
	goals      []*ent.Goal
	activities map[string][]*ent.Activity // by heading id and folded title
	byTitle    map[string][]*ent.Activity // by folded title
	followUps  map[int][]*ent.FollowUp    // by activity id, loaded on demand
	fuLoaded   bool
}

func (im *importer) exec(stmt string) error {
	if _, err := im.c.ExecContext(im.ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// load reads the plans, municipalities and institutions.
func (im *importer) load() error {
	var err error
	if im.plans, err = im.c.Plan.Query().Order(ent.Desc(plan.FieldLastYear), ent.Desc(plan.FieldID)).All(im.ctx); err != nil {
		return fmt.Errorf("read the plans: %w", err)
	}
	im.plansByName = map[string][]*ent.Plan{}
	for _, p := range im.plans {
		im.plansByName[fold(p.Name)] = append(im.plansByName[fold(p.Name)], p)
	}
	for _, p := range im.plans {
		if im.opts.PlanID == 0 || p.ID == im.opts.PlanID {
			im.defaultPlan = p
			break
		}
	}
	if im.opts.PlanID != 0 && im.defaultPlan == nil {
		return samverkan.Errorf(samverkan.CodeNotFound, "planID", "no plan has the id %d", im.opts.PlanID)
	}
	ms, err := im.c.Municipality.Query().All(im.ctx)
	if err != nil {
		return fmt.Errorf("read the municipalities: %w", err)
	}
	im.municipalities = map[string][]*ent.Municipality{}
	im.muniNames, im.muniCounty = map[int]string{}, map[int]string{}
	for _, m := range ms {
		im.muniNames[m.ID], im.muniCounty[m.ID] = m.Name, m.CountyCode
		for _, k := range uniq(fold(m.Name), fold(m.OfficialName), m.Code) {
			if k != "" {
				im.municipalities[k] = append(im.municipalities[k], m)
			}
		}
	}
	is, err := im.c.Institution.Query().All(im.ctx)
	if err != nil {
		return fmt.Errorf("read the institutions: %w", err)
	}
	im.institutions = map[string][]*ent.Institution{}
	im.instNames = map[int]string{}
	for _, i := range is {
		im.instNames[i.ID] = i.Name
		im.institutions[fold(i.Name)] = append(im.institutions[fold(i.Name)], i)
	}
	im.loaded = map[int]*planData{}
	return nil
}

func uniq(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// planOf reads a plan's goals, headings and activities once.
func (im *importer) planOf(p *ent.Plan) (*planData, error) {
	if d, ok := im.loaded[p.ID]; ok {
		return d, nil
	}
	goals, err := im.c.Goal.Query().Where(goal.PlanID(p.ID)).WithObjectives().Order(goal.ByNumber()).All(im.ctx)
	if err != nil {
		return nil, fmt.Errorf("read the goals of plan %d: %w", p.ID, err)
	}
	acts, err := im.c.Activity.Query().
		Where(activity.HasObjectiveWith(objective.HasGoalWith(goal.PlanID(p.ID)))).
		WithMunicipalities(func(q *ent.MunicipalityQuery) { q.Select(municipality.FieldID) }).
		WithInstitutions(func(q *ent.InstitutionQuery) { q.Select(institution.FieldID) }).
		Order(activity.ByID()).
		All(im.ctx)
	if err != nil {
		return nil, fmt.Errorf("read the activities of plan %d: %w", p.ID, err)
	}
	d := &planData{goals: goals, activities: map[string][]*ent.Activity{}, byTitle: map[string][]*ent.Activity{}}
	for _, a := range acts {
		d.add(a)
	}
	im.loaded[p.ID] = d
	return d, nil
}

func activityKey(objectiveID int, title string) string {
	return strconv.Itoa(objectiveID) + "\x00" + fold(title)
}

func (d *planData) add(a *ent.Activity) {
	k := activityKey(a.ObjectiveID, a.Title)
	d.activities[k] = append(d.activities[k], a)
	d.byTitle[fold(a.Title)] = append(d.byTitle[fold(a.Title)], a)
}

// replace puts a stored activity's new state in place of the old; an
// update changes neither its heading nor its title.
func (d *planData) replace(old, a *ent.Activity) {
	for _, as := range [][]*ent.Activity{d.activities[activityKey(old.ObjectiveID, old.Title)], d.byTitle[fold(old.Title)]} {
		if i := slices.Index(as, old); i >= 0 {
			as[i] = a
		}
	}
}

// refuse marks a row refused, with the reason in Swedish.
func refuse(row *Row, field, format string, args ...any) {
	row.Action = Refused
	row.Code = samverkan.CodeValidation
	row.Field = field
	row.Reason = fmt.Sprintf(format, args...)
	row.Changes = nil
}

// resolvePlan finds the row's plan.
func (im *importer) resolvePlan(h *header, cells []string, row *Row) *ent.Plan {
	name := h.cell(cells, colPlan)
	if name == "" {
		if im.defaultPlan == nil {
			refuse(row, "planID", "Det finns ingen handlingsplan att importera till.")
		}
		return im.defaultPlan
	}
	found := im.plansByName[fold(name)]
	switch {
	case len(found) == 1:
		return found[0]
	case len(found) > 1 && im.opts.PlanID != 0 && slices.ContainsFunc(found, func(p *ent.Plan) bool { return p.ID == im.opts.PlanID }):
		return im.defaultPlan
	case len(found) > 1:
		refuse(row, "planID", "Flera handlingsplaner heter ”%s”: välj planen vid importen och ta bort kolumnen Handlingsplan.", name)
	default:
		refuse(row, "planID", "Handlingsplanen ”%s” finns inte.", name)
	}
	return nil
}

var goalNumber = regexp.MustCompile(`^(?:utvecklingsmål|mål)?\s*(\d+)\b\s*[-–—:.]?\s*(.*)$`)

// resolveGoal finds the row's goal in the plan, by its number ("Mål 1 –
// Barn och unga", "Utvecklingsmål 1 - Barn och unga", "1") or else by its
// title or area.
func resolveGoal(d *planData, p *ent.Plan, text string, row *Row) *ent.Goal {
	if text == "" {
		refuse(row, "goal", "Mål saknas: skriv utvecklingsmålets nummer, t.ex. ”Mål 1”.")
		return nil
	}
	f := fold(text)
	if m := goalNumber.FindStringSubmatch(f); m != nil {
		n, _ := strconv.Atoi(m[1])
		for _, g := range d.goals {
			if g.Number == n {
				return g
			}
		}
		refuse(row, "goal", "Handlingsplanen ”%s” har inget utvecklingsmål %d.", p.Name, n)
		return nil
	}
	var found []*ent.Goal
	for _, g := range d.goals {
		if (g.Title != nil && fold(*g.Title) == f) || fold(g.Area) == f {
			found = append(found, g)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	refuse(row, "goal", "Handlingsplanen ”%s” har inget utvecklingsmål som heter ”%s”: skriv målets nummer, t.ex. ”Mål 1”.", p.Name, text)
	return nil
}

// findHeading finds a heading of the goal by its title, or nil.
func findHeading(g *ent.Goal, title string) *ent.Objective {
	for _, o := range g.Edges.Objectives {
		if fold(o.Title) == fold(title) {
			return o
		}
	}
	return nil
}

// splitList splits a cell listing names: by commas, semicolons or lines.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// municipalityIDs finds the municipalities a cell names, by name,
// official name or code; a name two counties share is the plan's.
func (im *importer) municipalityIDs(cell string, p *ent.Plan, row *Row) ([]int, bool) {
	var ids []int
	for _, name := range splitList(cell) {
		if fold(name) == fold(WholeCounty) {
			ids = im.wholeCounty(ids, p)
			continue
		}
		found := im.municipalities[fold(name)]
		if len(found) > 1 {
			var inCounty []*ent.Municipality
			for _, m := range found {
				if m.CountyCode == p.CountyCode {
					inCounty = append(inCounty, m)
				}
			}
			found = inCounty
		}
		switch len(found) {
		case 0:
			refuse(row, "addMunicipalityIDs", "Kommunen ”%s” finns inte: skriv kommunens namn eller kod, t.ex. ”Örebro” eller ”1880”.", name)
			return nil, false
		case 1:
			if !slices.Contains(ids, found[0].ID) {
				ids = append(ids, found[0].ID)
			}
		default:
			refuse(row, "addMunicipalityIDs", "Flera kommuner heter ”%s”: skriv kommunkoden i stället.", name)
			return nil, false
		}
	}
	return ids, true
}

// WholeCounty in a cell of municipalities names every municipality of the
// plan's county, as the admin page's download writes an activity that
// takes part in all of them.
const WholeCounty = "Hela länet"

// wholeCounty adds to ids the municipalities of p's county, in the order
// of their codes.
func (im *importer) wholeCounty(ids []int, p *ent.Plan) []int {
	var county []*ent.Municipality
	seen := map[int]bool{}
	for _, ms := range im.municipalities {
		for _, m := range ms {
			if m.CountyCode == p.CountyCode && !seen[m.ID] {
				seen[m.ID] = true
				county = append(county, m)
			}
		}
	}
	slices.SortFunc(county, func(a, b *ent.Municipality) int { return strings.Compare(a.Code, b.Code) })
	for _, m := range county {
		if !slices.Contains(ids, m.ID) {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// institutionIDs finds the institutions a cell names. A name several
// institutions share is, of those not taken yet by the cell, the one the
// activity is linked to already (so that a download imports back as it
// was), else the only one at home in the row's municipalities, else the
// only one in the plan's county.
func (im *importer) institutionIDs(cell string, munis, linked []int, p *ent.Plan, row *Row) ([]int, bool) {
	var ids []int
	for _, name := range im.institutionNames(cell) {
		all := im.institutions[fold(name)]
		var free []*ent.Institution
		for _, i := range all {
			if !slices.Contains(ids, i.ID) {
				free = append(free, i)
			}
		}
		pick := free
		for _, prefer := range []func(*ent.Institution) bool{
			func(i *ent.Institution) bool { return slices.Contains(linked, i.ID) },
			func(i *ent.Institution) bool {
				return i.MunicipalityID != nil && slices.Contains(munis, *i.MunicipalityID)
			},
			func(i *ent.Institution) bool {
				return i.MunicipalityID != nil && p.CountyCode != "" && im.muniCounty[*i.MunicipalityID] == p.CountyCode
			},
		} {
			if len(pick) <= 1 {
				break
			}
			var preferred []*ent.Institution
			for _, i := range pick {
				if prefer(i) {
					preferred = append(preferred, i)
				}
			}
			if len(preferred) > 0 {
				pick = preferred
			}
		}
		switch {
		case len(all) == 0:
			refuse(row, "addInstitutionIDs", "Aktören ”%s” finns inte: lägg till den under Aktörer först.", name)
			return nil, false
		case len(pick) == 0:
			continue // named twice: linked once
		case len(pick) > 1 && slices.Contains(linked, pick[0].ID):
			ids = append(ids, pick[0].ID) // several linked of one name: the first, and the next at the next mention
		case len(pick) > 1:
			refuse(row, "addInstitutionIDs", "Flera aktörer heter ”%s”, och inget säger vilken som menas: byt namn på en av dem först.", name)
			return nil, false
		default:
			ids = append(ids, pick[0].ID)
		}
	}
	return ids, true
}

// institutionNames splits a cell into the names of institutions: by
// semicolons and lines, and by commas unless the parts a comma separates
// make one known name together ("Kulturhuset, stora scenen").
func (im *importer) institutionNames(cell string) []string {
	var names []string
	for _, segment := range strings.FieldsFunc(cell, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }) {
		var parts []string
		for _, p := range strings.Split(segment, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		for i := 0; i < len(parts); {
			j := len(parts)
			for ; j > i+1; j-- {
				if len(im.institutions[fold(strings.Join(parts[i:j], ", "))]) > 0 {
					break
				}
			}
			names = append(names, strings.Join(parts[i:j], ", "))
			i = j
		}
	}
	return names
}

// Swedish words for the enums, as the admin page writes them.
var (
	statusLabels = map[enum.Status]string{
		enum.StatusPlanned: "Planerad", enum.StatusOngoing: "Pågående",
		enum.StatusDone: "Genomförd", enum.StatusCancelled: "Inställd",
	}
	periodLabels = map[followup.Period]string{
		followup.PeriodYear: "Helår", followup.PeriodFirstHalf: "Halvår 1", followup.PeriodSecondHalf: "Halvår 2",
		followup.PeriodFirstTertial: "Tertial 1", followup.PeriodSecondTertial: "Tertial 2", followup.PeriodThirdTertial: "Tertial 3",
	}
	assessmentLabels = map[followup.Assessment]string{
		followup.AssessmentGreen: "Grön", followup.AssessmentYellow: "Gul", followup.AssessmentRed: "Röd",
	}
)

// parseStatus reads a status in Swedish (any case) or as the API's enum.
func parseStatus(s string) (enum.Status, bool) {
	f := fold(s)
	for st, label := range statusLabels {
		if f == fold(label) || f == fold(string(st)) {
			return st, true
		}
	}
	switch f {
	case "planerade", "pågår", "genomförda", "klar", "klart", "inställda":
		return map[string]enum.Status{"planerade": enum.StatusPlanned, "pågår": enum.StatusOngoing,
			"genomförda": enum.StatusDone, "klar": enum.StatusDone, "klart": enum.StatusDone,
			"inställda": enum.StatusCancelled}[f], true
	}
	return "", false
}

func parsePeriod(s string) (followup.Period, bool) {
	f := strings.ReplaceAll(fold(s), " ", "")
	for p, label := range periodLabels {
		if f == strings.ReplaceAll(fold(label), " ", "") || f == fold(string(p)) {
			return p, true
		}
	}
	switch f {
	case "år", "helt år":
		return followup.PeriodYear, true
	case "t1":
		return followup.PeriodFirstTertial, true
	case "t2":
		return followup.PeriodSecondTertial, true
	case "t3":
		return followup.PeriodThirdTertial, true
	case "h1":
		return followup.PeriodFirstHalf, true
	case "h2":
		return followup.PeriodSecondHalf, true
	}
	return "", false
}

func parseAssessment(s string) (followup.Assessment, bool) {
	f := fold(s)
	// The admin page's labels are "Grön – enligt plan" and the like.
	if i := strings.IndexAny(f, "–-"); i > 0 {
		f = strings.TrimSpace(f[:i])
	}
	for a, label := range assessmentLabels {
		if f == fold(label) || f == fold(string(a)) {
			return a, true
		}
	}
	return "", false
}

// parseYear reads a year: "2021", or as a spreadsheet with Swedish
// settings may write a number, "2021,0" or "2 021".
func parseYear(s string) (int, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(s)
	s = strings.TrimSuffix(strings.TrimSuffix(s, ",0"), ".0")
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// excelEpoch is day 0 of Excel's date serial numbers (as Excel counts,
// with 1900 a leap year, for dates after February 1900).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseDate reads a day: 2021-03-01 (Swedish settings write dates so), with
// a time after it or not, or an .xlsx cell's serial number (44256), or a
// decimal serial with a comma (44256,5); as the API takes days, midnight
// UTC.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02 15:04:05", time.RFC3339, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return day(t), true
		}
	}
	if f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64); err == nil && f >= 1 && f < 100_000 {
		return day(excelEpoch.AddDate(0, 0, int(f))), true
	}
	return time.Time{}, false
}

func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func sameDay(a *time.Time, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return day(a.UTC()).Equal(day(b.UTC()))
}

func isoDay(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return t.UTC().Format("2006-01-02")
}

func yearText(y *int) string {
	if y == nil {
		return "–"
	}
	return strconv.Itoa(*y)
}

func textOr(s string) string {
	if s == "" {
		return "–"
	}
	return "”" + clip(s, 60) + "”"
}

// write runs fn in a savepoint of its own, so that a row the schema
// refuses leaves nothing behind: on PostgreSQL a failed statement would
// end the whole transaction, and a row may write a heading before its
// activity is refused. A refusal the schema gives is the row's; any other
// error the import's.
func (im *importer) write(row *Row, fn func() error) error {
	if err := im.exec("SAVEPOINT import_row"); err != nil {
		return err
	}
	err := fn()
	if err == nil {
		return im.exec("RELEASE SAVEPOINT import_row")
	}
	if rerr := im.exec("ROLLBACK TO SAVEPOINT import_row"); rerr != nil {
		return errors.Join(err, rerr)
	}
	if rerr := im.exec("RELEASE SAVEPOINT import_row"); rerr != nil {
		return errors.Join(err, rerr)
	}
	code, field, reason, ok := explain(err)
	if !ok {
		return err
	}
	row.Action, row.Code, row.Field, row.Reason, row.Changes = Refused, code, field, reason, nil
	return nil
}
