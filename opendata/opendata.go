// Package opendata is the plans' open data: the tables a published plan is
// exported as (goals, headings, activities, participation, indicators with
// their targets and values), and the DCAT-AP-SE catalogue that describes
// them for the Swedish data portal (dataportal.se). It decides what is
// published and what the files hold; the server serves them under
// /open/v1/ (see Prefix).
//
// What is exported: on a public server, every plan that is not a draft,
// as the API shows it to anyone anyway, under its licence (CC0 unless an
// admin set another); on a private server, only the plans an admin has
// published (Plan.openData), which are then all that is readable there
// without signing in. A draft is never exported.
//
// The tables are version 1: their names, their columns and the columns'
// order are stable (a new column is added at the end; a change that
// breaks a reader gets /open/v2/). Ids are the GraphQL API's.
package opendata

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/indicator"
	"github.com/samverkan/samverkan/ent/institution"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/perspective"
	"github.com/samverkan/samverkan/ent/plan"
)

// Version is the version of the exports' format, in their paths.
const Version = "v1"

// Prefix is the path under which the open data is served.
const Prefix = "/open/" + Version + "/"

// CatalogPath is the path of the DCAT-AP-SE catalogue (RDF/XML).
const CatalogPath = Prefix + "catalog.rdf"

// PlanPath is the path of a plan's export as one JSON document.
func PlanPath(id int) string { return Prefix + "plans/" + strconv.Itoa(id) + ".json" }

// TablePath is the path of one table of a plan's export; ext is "csv" or
// "json".
func TablePath(id int, table, ext string) string {
	return Prefix + "plans/" + strconv.Itoa(id) + "/" + table + "." + ext
}

// Table is one table of an export: named columns, and rows of values that
// are int, float64, string, bool or nil (empty).
type Table struct {
	Name    string // in paths and as the JSON key, e.g. "activities"
	Title   string // in Swedish, for the catalogue: "Aktiviteter"
	Columns []string
	Rows    [][]any
}

// Tables names the tables of every export, in order, with their columns:
// what the README documents.
var Tables = []Table{
	{Name: "goals", Title: "Utvecklingsmål", Columns: []string{
		"id", "planId", "number", "title", "area", "statement", "description", "focusAreas", "targetGroups"}},
	{Name: "headings", Title: "Rubriker (insatsområden)", Columns: []string{
		"id", "goalId", "goalNumber", "position", "title", "description"}},
	{Name: "activities", Title: "Aktiviteter", Columns: []string{
		"id", "objectiveId", "goalId", "title", "description", "status", "firstYear", "lastYear",
		"startDate", "endDate", "lead", "perspectives", "predecessorId"}},
	{Name: "participation", Title: "Deltagande kommuner och aktörer", Columns: []string{
		"activityId", "participantType", "participantId", "name", "municipalityCode"}},
	{Name: "indicators", Title: "Indikatorer", Columns: []string{
		"id", "name", "description", "unit", "direction", "scope", "aggregation",
		"goalId", "objectiveId", "activityId", "baselineValue", "baselineYear", "koladaKpi"}},
	{Name: "indicator-targets", Title: "Indikatorernas målvärden", Columns: []string{
		"indicatorId", "year", "value"}},
	{Name: "indicator-values", Title: "Indikatorernas utfall", Columns: []string{
		"indicatorId", "year", "period", "municipalityId", "municipalityCode", "value", "source"}},
}

// TableNamed returns the table of Tables named name.
func TableNamed(name string) (Table, bool) { return find(Tables, name) }

func find(tables []Table, name string) (Table, bool) {
	i := slices.IndexFunc(tables, func(t Table) bool { return t.Name == name })
	if i < 0 {
		return Table{}, false
	}
	return tables[i], true
}

// Export is a published plan's open data.
type Export struct {
	Plan *ent.Plan
	// Modified is when what the export holds last changed (see Modified).
	Modified time.Time
	Tables   []Table // as Tables, with rows (without, from Head)
}

// Table returns the export's table named name.
func (e *Export) Table(name string) (Table, bool) { return find(e.Tables, name) }

// Newest is when the newest of the exports last changed (zero for none).
func Newest(exports []*Export) time.Time {
	var newest time.Time
	for _, e := range exports {
		if e.Modified.After(newest) {
			newest = e.Modified
		}
	}
	return newest
}

// Exported narrows q to the plans whose open data is exported, on a
// private server or a public one: the one rule of what is exported.
func Exported(q *ent.PlanQuery, private bool) *ent.PlanQuery {
	q = q.Where(plan.StateNEQ(plan.StateDraft))
	if private {
		q = q.Where(plan.OpenData(true))
	}
	return q
}

// reading is the context the exports read in: anonymous, as anyone on the
// internet reads them, whatever the server's --private says (publishing
// is the admin's decision to let them).
func reading(ctx context.Context) context.Context {
	return auth.NewContext(ctx, nil)
}

// Published returns the published plan of the id; an ent NotFoundError
// when there is none (no such plan, a draft, or on a private server one
// not published).
func Published(ctx context.Context, client *ent.Client, id int, private bool) (*ent.Plan, error) {
	return Exported(client.Plan.Query().Where(plan.ID(id)), private).Only(reading(ctx))
}

// PublishedPlans returns the published plans, by ID.
func PublishedPlans(ctx context.Context, client *ent.Client, private bool) ([]*ent.Plan, error) {
	return Exported(client.Plan.Query(), private).Order(ent.Asc(plan.FieldID)).All(reading(ctx))
}

// Head returns what the catalogue says of the published plan p's export:
// the plan, when it last changed and its tables, without their rows.
func Head(ctx context.Context, client *ent.Client, p *ent.Plan) (*Export, error) {
	modified, err := Modified(ctx, client, p)
	if err != nil {
		return nil, err
	}
	return &Export{Plan: p, Modified: modified, Tables: Tables}, nil
}

// Build reads the published plan p's open data.
func Build(ctx context.Context, client *ent.Client, p *ent.Plan) (*Export, error) {
	modified, err := Modified(ctx, client, p)
	if err != nil {
		return nil, err
	}
	e := &Export{Plan: p, Modified: modified}
	ctx = reading(ctx)

	goals, err := client.Goal.Query().Where(goal.PlanID(p.ID)).Order(ent.Asc(goal.FieldNumber)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the goals: %w", err)
	}
	number := map[int]int{}
	var goalRows [][]any
	for _, g := range goals {
		number[g.ID] = g.Number
		goalRows = append(goalRows, []any{g.ID, p.ID, g.Number, text(g.Title), g.Area, g.Statement, g.Description,
			list(g.FocusAreas), list(g.TargetGroups)})
	}

	objectives, err := client.Objective.Query().Where(objective.HasGoalWith(goal.PlanID(p.ID))).
		Order(ent.Asc(objective.FieldPosition), ent.Asc(objective.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the headings: %w", err)
	}
	slices.SortStableFunc(objectives, func(a, b *ent.Objective) int { return number[a.GoalID] - number[b.GoalID] })
	goalOf := map[int]int{}
	var headingRows [][]any
	for _, o := range objectives {
		goalOf[o.ID] = o.GoalID
		headingRows = append(headingRows, []any{o.ID, o.GoalID, number[o.GoalID], o.Position, o.Title, o.Description})
	}

	activities, err := client.Activity.Query().
		Where(activity.HasObjectiveWith(objective.HasGoalWith(goal.PlanID(p.ID)))).
		WithMunicipalities(func(q *ent.MunicipalityQuery) { q.Order(ent.Asc(municipality.FieldCode)) }).
		WithInstitutions(func(q *ent.InstitutionQuery) {
			q.Order(ent.Asc(institution.FieldID)).WithMunicipality()
		}).
		WithPerspectives(func(q *ent.PerspectiveQuery) { q.Order(ent.Asc(perspective.FieldPosition)) }).
		Order(ent.Asc(activity.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the activities: %w", err)
	}
	var activityRows, participationRows [][]any
	for _, a := range activities {
		var perspectives []string
		for _, ps := range a.Edges.Perspectives {
			perspectives = append(perspectives, ps.Name)
		}
		activityRows = append(activityRows, []any{a.ID, a.ObjectiveID, goalOf[a.ObjectiveID], a.Title, a.Description,
			string(a.Status), intOrNil(a.FirstYear), intOrNil(a.LastYear), date(a.StartDate), date(a.EndDate),
			a.Lead, list(perspectives), intOrNil(a.PredecessorID)})
		for _, m := range a.Edges.Municipalities {
			participationRows = append(participationRows, []any{a.ID, "MUNICIPALITY", m.ID, m.Name, m.Code})
		}
		for _, in := range a.Edges.Institutions {
			var code any
			if m := in.Edges.Municipality; m != nil {
				code = m.Code
			}
			participationRows = append(participationRows, []any{a.ID, "INSTITUTION", in.ID, in.Name, code})
		}
	}

	indicators, err := client.Indicator.Query().
		Where(indicator.Or(
			indicator.HasGoalWith(goal.PlanID(p.ID)),
			indicator.HasObjectiveWith(objective.HasGoalWith(goal.PlanID(p.ID))),
			indicator.HasActivityWith(activity.HasObjectiveWith(objective.HasGoalWith(goal.PlanID(p.ID)))),
		)).
		WithTargets().
		WithValues(func(q *ent.IndicatorValueQuery) { q.WithMunicipality() }).
		Order(ent.Asc(indicator.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the indicators: %w", err)
	}
	var indicatorRows, targetRows, valueRows [][]any
	for _, in := range indicators {
		indicatorRows = append(indicatorRows, []any{in.ID, in.Name, in.Description, in.Unit,
			string(in.Direction), string(in.Scope), string(in.Aggregation),
			intOrNil(in.GoalID), intOrNil(in.ObjectiveID), intOrNil(in.ActivityID),
			floatOrNil(in.BaselineValue), intOrNil(in.BaselineYear), text(in.KoladaKpi)})
		targets := in.Edges.Targets
		slices.SortFunc(targets, func(a, b *ent.IndicatorTarget) int { return a.Year - b.Year })
		for _, t := range targets {
			targetRows = append(targetRows, []any{in.ID, t.Year, t.Value})
		}
		values := in.Edges.Values
		slices.SortFunc(values, func(a, b *ent.IndicatorValue) int { return strings.Compare(valueKey(a), valueKey(b)) })
		for _, v := range values {
			var period, code any
			if v.Period != nil {
				period = string(*v.Period)
			}
			if m := v.Edges.Municipality; m != nil {
				code = m.Code
			}
			valueRows = append(valueRows, []any{in.ID, v.Year, period, intOrNil(v.MunicipalityID), code, v.Value, string(v.Source)})
		}
	}

	rows := [][][]any{goalRows, headingRows, activityRows, participationRows, indicatorRows, targetRows, valueRows}
	for i, t := range Tables {
		t.Rows = rows[i]
		e.Tables = append(e.Tables, t)
	}
	return e, nil
}

// valueKey orders an indicator's values: by year, the whole year before
// its parts, then by municipality.
func valueKey(v *ent.IndicatorValue) string {
	period := ""
	if v.Period != nil {
		period = string(*v.Period)
	}
	m := 0
	if v.MunicipalityID != nil {
		m = *v.MunicipalityID
	}
	return fmt.Sprintf("%04d %-2s %012d", v.Year, period, m)
}

func text(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func intOrNil(n *int) any {
	if n == nil {
		return nil
	}
	return *n
}

func floatOrNil(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// date writes a date as 2006-01-02, as the importer reads it.
func date(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(time.DateOnly)
}

// list writes a list of names as one field, separated by "; ".
func list(names []string) any {
	if len(names) == 0 {
		return nil
	}
	return strings.Join(names, "; ")
}

// Records is the table as the rows of a CSV file, its header first; and
// which columns hold numbers (not to be touched as formulas). Decimals
// have a decimal comma, as Excel with Swedish settings reads them; nothing
// is rounded.
func (t Table) Records() (records [][]string, numeric []int) {
	records = [][]string{slices.Clone(t.Columns)}
	for _, row := range t.Rows {
		rec := make([]string, len(row))
		for i, v := range row {
			switch v := v.(type) {
			case nil:
			case int:
				rec[i] = strconv.Itoa(v)
			case float64:
				rec[i] = strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
			case string:
				rec[i] = v
			default:
				rec[i] = fmt.Sprint(v)
			}
		}
		records = append(records, rec)
	}
	for i := range t.Columns {
		if slices.ContainsFunc(t.Rows, func(row []any) bool {
			switch row[i].(type) {
			case int, float64:
				return true
			}
			return false
		}) {
			numeric = append(numeric, i)
		}
	}
	return records, numeric
}

// writeRows writes the table's rows as a JSON array of objects, their
// keys in the columns' order.
func (t Table) writeRows(b *bytes.Buffer) error {
	b.WriteByte('[')
	for r, row := range t.Rows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n  {")
		for i, v := range row {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(t.Columns[i])
			val, err := json.Marshal(v)
			if err != nil {
				return err
			}
			b.Write(k)
			b.WriteByte(':')
			b.Write(val)
		}
		b.WriteByte('}')
	}
	if len(t.Rows) > 0 {
		b.WriteByte('\n')
	}
	b.WriteByte(']')
	return nil
}

// TableJSON is the table alone as a JSON document: the plan's id, the licence,
// and the rows.
func (e *Export) TableJSON(t Table) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\"version\":%q,\"planId\":%d,\"license\":%s,\"modified\":%q,%s:", Version, e.Plan.ID,
		mustJSON(e.Plan.DataLicense), e.Modified.Format(time.RFC3339), mustJSON(t.Name))
	if err := t.writeRows(&b); err != nil {
		return nil, err
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

// JSON is the whole export as one JSON document: the plan, its licence,
// when it last changed, and every table under its name.
func (e *Export) JSON() ([]byte, error) {
	p := e.Plan
	head := struct {
		Version string   `json:"version"`
		Plan    planInfo `json:"plan"`
		License string   `json:"license"`
		Contact *string  `json:"contact"`
		Mod     string   `json:"modified"`
	}{Version, planInfo{p.ID, p.Name, p.Region, nilIfEmpty(p.CountyCode), p.FirstYear, p.LastYear, string(p.State),
		nilIfEmpty(p.Description), nilIfEmpty(p.SourceURL)}, p.DataLicense, nilIfEmpty(p.DataContact), e.Modified.Format(time.RFC3339)}
	raw, err := json.Marshal(head)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write(raw[:len(raw)-1]) // without its closing brace
	for _, t := range e.Tables {
		fmt.Fprintf(&b, ",\n%s:", mustJSON(t.Name))
		if err := t.writeRows(&b); err != nil {
			return nil, err
		}
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

// planInfo is the plan in its export.
type planInfo struct {
	ID          int     `json:"id"`
	Name        string  `json:"name"`
	Region      string  `json:"region"`
	CountyCode  *string `json:"countyCode"`
	FirstYear   int     `json:"firstYear"`
	LastYear    int     `json:"lastYear"`
	State       string  `json:"state"`
	Description *string `json:"description"`
	SourceURL   *string `json:"sourceUrl"`
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func mustJSON(s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

// Publisher names the catalogue's publisher: the region of the first
// published plan, or else of the first plan (the region that runs the
// server), or else "Samverkan".
func Publisher(ctx context.Context, client *ent.Client) (string, error) {
	for _, q := range []*ent.PlanQuery{Exported(client.Plan.Query(), true), client.Plan.Query()} {
		p, err := q.Order(ent.Asc(plan.FieldID)).First(auth.AsServer(reading(ctx)))
		if err == nil {
			return p.Region, nil
		}
		if !ent.IsNotFound(err) {
			return "", fmt.Errorf("read the plans: %w", err)
		}
	}
	return "Samverkan", nil
}
