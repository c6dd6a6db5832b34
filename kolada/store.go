package kolada

import (
	"context"
	"fmt"
	"time"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/audit"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/indicator"
	"github.com/samverkan/samverkan/ent/indicatorvalue"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/objective"
)

// Request is what an import asks Kolada for: an indicator's key figure,
// for the municipalities of its plan's county and the plan's years.
type Request struct {
	Indicator      *ent.Indicator
	KPI            string
	Municipalities []*ent.Municipality // in code order
	Years          []int
}

// Codes returns the municipalities' kommunkoder, Kolada's ids for them.
func (r *Request) Codes() []string {
	codes := make([]string, len(r.Municipalities))
	for i, m := range r.Municipalities {
		codes[i] = m.Code
	}
	return codes
}

// Result is what an import did.
type Result struct {
	Indicator *ent.Indicator
	KPI       string
	// Values created, changed, and found as Kolada gives them already.
	Created, Updated, Unchanged int
	// KeptOwn counts the values Kolada has where the plan has its own
	// (source OWN): those are never overwritten.
	KeptOwn int
	// Skipped counts Kolada's values the plan has no use for: another key
	// figure, a municipality outside the plan's county, a year outside
	// its period, or no total (gender T) value.
	Skipped int
	// Missing are the plan's municipalities for which Kolada has no value
	// in some of the plan's years.
	Missing []*Gap
}

// Gap is a municipality and the years of the plan Kolada has no value for.
type Gap struct {
	Municipality *ent.Municipality
	Years        []int
}

// Source gives the data of a request: Kolada's API, or a file.
type Source func(ctx context.Context, r *Request) ([]Datum, error)

// FromAPI fetches the request's data from Kolada.
func (c *Client) FromAPI() Source {
	return func(ctx context.Context, r *Request) ([]Datum, error) {
		return c.Fetch(ctx, r.KPI, r.Codes(), r.Years)
	}
}

// Import reads what the indicator asks for (see Prepare), gets the data
// from source, and stores them (see Store) in a transaction of its own,
// begun only when the data are in hand: a slow or unreachable Kolada
// holds up no other writer. On any failure nothing is written. ctx says
// who imports: the policies and the audit trail see it.
func Import(ctx context.Context, client *ent.Client, indicatorID int, source Source) (*Result, error) {
	r, err := Prepare(ctx, client, indicatorID)
	if err != nil {
		return nil, err
	}
	data, err := source(ctx, r)
	if err != nil {
		return nil, err
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin the Kolada import: %w", err)
	}
	res, err := Store(ent.NewTxContext(ctx, tx), tx.Client(), indicatorID, data, time.Now())
	if err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return nil, fmt.Errorf("%w (and rollback: %v)", err, rerr)
		}
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit the Kolada import: %w", err)
	}
	return res, nil
}

// Prepare reads what an import of the indicator asks Kolada for. An
// indicator without a key figure, or for the whole county, is refused with
// VALIDATION: Kolada's values are per municipality.
func Prepare(ctx context.Context, c *ent.Client, indicatorID int) (*Request, error) {
	ind, err := c.Indicator.Get(ctx, indicatorID)
	if err != nil {
		return nil, fmt.Errorf("read indicator %d: %w", indicatorID, err)
	}
	if ind.KoladaKpi == nil {
		return nil, samverkan.Errorf(samverkan.CodeValidation, "koladaKpi",
			"the indicator %q has no Kolada key figure: set its koladaKpi (e.g. N09890) first", ind.Name)
	}
	if ind.Scope != indicator.ScopeMunicipality {
		return nil, samverkan.Errorf(samverkan.CodeValidation, "scope",
			"Kolada's values are per municipality, and the indicator %q is for the whole county", ind.Name)
	}
	p, err := planOf(ctx, c, ind)
	if err != nil {
		return nil, err
	}
	munis, err := c.Municipality.Query().
		Where(municipality.CountyCode(p.CountyCode)).
		Order(municipality.ByCode()).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the municipalities of county %s: %w", p.CountyCode, err)
	}
	if len(munis) == 0 {
		return nil, samverkan.Errorf(samverkan.CodeValidation, "", "the plan's county (%s) has no municipalities to fetch values for", p.CountyCode)
	}
	r := &Request{Indicator: ind, KPI: *ind.KoladaKpi, Municipalities: munis}
	for y := p.FirstYear; y <= p.LastYear; y++ {
		r.Years = append(r.Years, y)
	}
	return r, nil
}

// planOf reads the plan whose goal, heading or activity the indicator
// measures.
func planOf(ctx context.Context, c *ent.Client, ind *ent.Indicator) (*ent.Plan, error) {
	var q *ent.PlanQuery
	switch {
	case ind.GoalID != nil:
		q = c.Goal.Query().Where(goal.ID(*ind.GoalID)).QueryPlan()
	case ind.ObjectiveID != nil:
		q = c.Objective.Query().Where(objective.ID(*ind.ObjectiveID)).QueryGoal().QueryPlan()
	case ind.ActivityID != nil:
		q = c.Activity.Query().Where(activity.ID(*ind.ActivityID)).QueryObjective().QueryGoal().QueryPlan()
	default:
		return nil, fmt.Errorf("indicator %d measures nothing", ind.ID)
	}
	p, err := q.Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the plan of indicator %d: %w", ind.ID, err)
	}
	return p, nil
}

// slot is a municipality and a year.
type slot struct{ municipality, year int }

// Store writes data as the whole-year values of the indicator, with
// source KOLADA: it creates those missing and changes those from Kolada
// that differ, and never touches a value the plan entered itself (source
// OWN). It records the time in the indicator's koladaFetchedAt. Each
// change goes through the ent schema (its policies, its audit trail), so c
// should be a transaction's client. When data hold no value of the
// plan's municipalities and years at all, it writes nothing and says so
// (NOT_FOUND on koladaKpi).
func Store(ctx context.Context, c *ent.Client, indicatorID int, data []Datum, now time.Time) (*Result, error) {
	r, err := Prepare(ctx, c, indicatorID)
	if err != nil {
		return nil, err
	}
	res := &Result{KPI: r.KPI}
	byCode := map[string]*ent.Municipality{}
	for _, m := range r.Municipalities {
		byCode[m.Code] = m
	}
	first, last := r.Years[0], r.Years[len(r.Years)-1]
	want := map[slot]float64{}
	for _, d := range data {
		m, ok := byCode[d.Municipality]
		v, has := d.Total()
		if (d.KPI != "" && d.KPI != r.KPI) || !ok || d.Period < first || d.Period > last || !has {
			res.Skipped++
			continue
		}
		want[slot{m.ID, d.Period}] = v
	}
	if len(want) == 0 {
		return nil, samverkan.Errorf(samverkan.CodeNotFound, "koladaKpi",
			"Kolada has no values of %s for the municipalities of county %s in %d–%d; nothing was changed",
			r.KPI, r.Municipalities[0].CountyCode, first, last)
	}
	stored, err := c.IndicatorValue.Query().
		Where(indicatorvalue.IndicatorID(indicatorID), indicatorvalue.PeriodIsNil(), indicatorvalue.YearIn(r.Years...)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the indicator's values: %w", err)
	}
	have := map[slot]*ent.IndicatorValue{}
	for _, v := range stored {
		if v.MunicipalityID != nil {
			have[slot{*v.MunicipalityID, v.Year}] = v
		}
	}
	// Who entered the values, when no user is signed in (a command): the
	// schema writes a signed-in user's name over it.
	by := audit.Actor(ctx)
	for _, m := range r.Municipalities {
		var gap []int
		for _, y := range r.Years {
			s := slot{m.ID, y}
			v, ok := want[s]
			if !ok {
				gap = append(gap, y)
				continue
			}
			old := have[s]
			switch {
			case old == nil:
				err = c.IndicatorValue.Create().
					SetIndicatorID(indicatorID).
					SetMunicipalityID(m.ID).
					SetYear(y).
					SetValue(v).
					SetSource(indicatorvalue.SourceKolada).
					SetEnteredBy(by).
					Exec(ctx)
				res.Created++
			case old.Source != indicatorvalue.SourceKolada:
				res.KeptOwn++
			case old.Value == v:
				res.Unchanged++
			default:
				err = c.IndicatorValue.UpdateOne(old).SetValue(v).SetEnteredBy(by).Exec(ctx)
				res.Updated++
			}
			if err != nil {
				return nil, fmt.Errorf("store the value of %s %d: %w", m.Name, y, err)
			}
		}
		if len(gap) > 0 {
			res.Missing = append(res.Missing, &Gap{Municipality: m, Years: gap})
		}
	}
	res.Indicator, err = c.Indicator.UpdateOneID(indicatorID).SetKoladaFetchedAt(now).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("record the fetch: %w", err)
	}
	return res, nil
}
