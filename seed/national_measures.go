package seed

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/samverkan/samverkan/ent/goalassessment"
	"github.com/samverkan/samverkan/ent/indicator"
	"github.com/samverkan/samverkan/ent/indicatortarget"
	"github.com/samverkan/samverkan/ent/indicatorvalue"
	"github.com/samverkan/samverkan/ent/schema/enum"
	"github.com/samverkan/samverkan/ent/statuschange"
)

// The national dataset's history and measures: each activity's status
// changes across the plan's years, and per plan indicators with
// baselines, targets, values for several years and municipalities, and a
// yearly assessment of each goal. They are drawn from a generator of their
// own, after the rest, so that the rows drawn before them stay as they were.

const (
	nationalMeasuresSeed = 43
	// measuredLastYear is the last year with values and assessments: the
	// plan's last year is still to come.
	measuredLastYear = nationalLastYear - 1
	// baselineYear is the year before the plan, when the baselines were
	// measured.
	baselineYear = nationalFirstYear - 1
	// ownMissingOneIn says how many of the municipalities' values of the
	// plan's own indicators are missing: about one in four.
	ownMissingOneIn = 4
)

type (
	statusChangeRow struct {
		activity int
		from     enum.Status // empty for the creation
		to       enum.Status
		at       time.Time
	}
	indicatorRow struct {
		goal, objective int // index of the goal or of the heading measured; the other -1
		name, unit      string
		direction       indicator.Direction
		scope           indicator.Scope
		aggregation     indicator.Aggregation
		baseline        float64
		kpi             string // empty: none
	}
	targetRow struct {
		indicator, year int
		value           float64
	}
	valueRow struct {
		indicator    int
		municipality int // index; -1 for the whole county
		year         int
		period       indicatorvalue.Period // empty for the whole year
		value        float64
		source       indicatorvalue.Source
	}
	assessmentRow struct {
		goal, year int
		light      goalassessment.Light
		text       string
	}
)

// nationalMeasures are the rows this file adds to the dataset.
type nationalMeasures struct {
	statusChanges []statusChangeRow
	indicators    []indicatorRow
	targets       []targetRow
	values        []valueRow
	assessments   []assessmentRow
}

// statusPaths are the statuses an activity went through to reach its
// status, its creation first. A cancelled activity was sometimes begun.
var statusPaths = map[enum.Status][][]enum.Status{
	enum.StatusPlanned:   {{enum.StatusPlanned}},
	enum.StatusOngoing:   {{enum.StatusPlanned, enum.StatusOngoing}},
	enum.StatusDone:      {{enum.StatusPlanned, enum.StatusOngoing, enum.StatusDone}},
	enum.StatusCancelled: {{enum.StatusPlanned, enum.StatusCancelled}, {enum.StatusPlanned, enum.StatusOngoing, enum.StatusCancelled}},
}

// generateMeasures draws the history and the measures of d.
func generateMeasures(r *rand.Rand, d *nationalData) *nationalMeasures {
	m := &nationalMeasures{}
	m.statusChanges = generateStatusHistory(r, d.activities)
	generateIndicators(r, d, m)
	return m
}

// generateStatusHistory gives each activity its creation, as planned, when
// the dataset was built, and the changes that led to its status on days
// within its years, in order.
func generateStatusHistory(r *rand.Rand, activities []activityRow) []statusChangeRow {
	var rows []statusChangeRow
	for i, a := range activities {
		paths := statusPaths[a.status]
		path := paths[r.IntN(len(paths))]
		rows = append(rows, statusChangeRow{activity: i, to: path[0], at: builtAt})
		if len(path) == 1 {
			continue
		}
		start := time.Date(a.firstYear, time.January, 1, 8, 0, 0, 0, time.UTC) // builtAt or later
		days := int(time.Date(a.lastYear, time.December, 31, 8, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
		// Distinct days, in order, after the creation.
		offsets := make([]int, 0, len(path)-1)
		for len(offsets) < len(path)-1 {
			if o := r.IntN(days); !slices.Contains(offsets, o) {
				offsets = append(offsets, o)
			}
		}
		slices.Sort(offsets)
		for k, to := range path[1:] {
			rows = append(rows, statusChangeRow{activity: i, from: path[k], to: to,
				at: start.AddDate(0, 0, 1+offsets[k]).Add(time.Duration(r.IntN(9*60)) * time.Minute)})
		}
	}
	return rows
}

// generateIndicators gives every goal of every plan two indicators per
// municipality (a count from Kolada, summed; a share of the plan's own,
// averaged, with values missing and tertial values beside), and every plan
// one county indicator on its first goal's first heading, where lower is
// better. Each has a baseline from the year before the plan and targets;
// values run from the plan's first year to the one before its last; every
// goal is assessed each of those years.
func generateIndicators(r *rand.Rand, d *nationalData, m *nationalMeasures) {
	muniByRegion := make([][]int, len(regions))
	for i, mu := range d.municipalities {
		muniByRegion[mu.region] = append(muniByRegion[mu.region], i)
	}
	firstObjective := map[int]int{} // goal → its first heading
	for o := len(d.objectives) - 1; o >= 0; o-- {
		firstObjective[d.objectives[o].goal] = o
	}
	for gi, g := range d.goals {
		munis := muniByRegion[g.plan]

		// A count from Kolada (the key figure's id is of Kolada's form,
		// and illustrative), per municipality, summed.
		count := len(m.indicators)
		m.indicators = append(m.indicators, indicatorRow{goal: gi, objective: -1,
			name: "Deltagare i kulturskolan, " + g.title, unit: "antal",
			direction: indicator.DirectionHigherIsBetter, scope: indicator.ScopeMunicipality,
			aggregation: indicator.AggregationSum, kpi: "N09890"})
		base := 0.0
		for _, mu := range munis {
			level := float64(100 + r.IntN(1900))
			base += level
			for y := nationalFirstYear; y <= measuredLastYear; y++ {
				level = math.Round(level * (0.96 + 0.12*r.Float64()))
				m.values = append(m.values, valueRow{indicator: count, municipality: mu, year: y, value: level, source: indicatorvalue.SourceKolada})
			}
		}
		m.indicators[count].baseline = base
		m.targets = append(m.targets,
			targetRow{indicator: count, year: nationalFirstYear + 1, value: math.Round(base * 1.05)},
			targetRow{indicator: count, year: nationalLastYear, value: math.Round(base * 1.12)})

		// A share of the plan's own, per municipality, averaged.
		share := len(m.indicators)
		baseShare := float64(30 + r.IntN(30))
		m.indicators = append(m.indicators, indicatorRow{goal: gi, objective: -1,
			name: "Andel barn som nåtts, " + g.title, unit: "procent",
			direction: indicator.DirectionHigherIsBetter, scope: indicator.ScopeMunicipality,
			aggregation: indicator.AggregationMean, baseline: baseShare})
		m.targets = append(m.targets, targetRow{indicator: share, year: nationalLastYear, value: baseShare + 10})
		for y := nationalFirstYear; y <= measuredLastYear; y++ {
			for k, mu := range munis {
				if r.IntN(ownMissingOneIn) == 0 {
					continue
				}
				v := math.Round((baseShare+float64(y-baselineYear)*2+r.Float64()*12-6)*10) / 10
				m.values = append(m.values, valueRow{indicator: share, municipality: mu, year: y, value: v, source: indicatorvalue.SourceOwn})
				if k == 0 { // a tertial's figure beside the year's: listed, not counted
					m.values = append(m.values, valueRow{indicator: share, municipality: mu, year: y, period: indicatorvalue.PeriodT1, value: v - 1, source: indicatorvalue.SourceOwn})
				}
			}
		}

		if g.number == 1 {
			wait := len(m.indicators)
			baseWait := float64(16 + r.IntN(10))
			m.indicators = append(m.indicators, indicatorRow{goal: -1, objective: firstObjective[gi],
				name: "Väntetid till kulturskolan", unit: "veckor",
				direction: indicator.DirectionLowerIsBetter, scope: indicator.ScopeCounty,
				aggregation: indicator.AggregationMean, baseline: baseWait})
			m.targets = append(m.targets, targetRow{indicator: wait, year: nationalLastYear, value: baseWait - 6})
			for y := nationalFirstYear; y <= measuredLastYear; y++ {
				v := math.Round((baseWait-float64(y-baselineYear)*1.5+r.Float64()*4-2)*10) / 10
				m.values = append(m.values, valueRow{indicator: wait, municipality: -1, year: y, value: v, source: indicatorvalue.SourceOwn})
			}
		}

		for y := nationalFirstYear; y <= measuredLastYear; y++ {
			light := []goalassessment.Light{goalassessment.LightGreen, goalassessment.LightYellow, goalassessment.LightRed}[weighted(r, []int{4, 4, 2})]
			m.assessments = append(m.assessments, assessmentRow{goal: gi, year: y, light: light, text: lorem(r, 50, 300)})
		}
	}
}

// Columns of the measures' tables (see nationalTables).
var (
	indicatorColumns = []string{indicator.FieldCreatedAt, indicator.FieldUpdatedAt, indicator.FieldVersion,
		indicator.FieldName, indicator.FieldUnit, indicator.FieldDirection, indicator.FieldScope, indicator.FieldAggregation,
		indicator.FieldBaselineValue, indicator.FieldBaselineYear, indicator.FieldKoladaKpi, indicator.FieldKoladaFetchedAt,
		indicator.FieldGoalID, indicator.FieldObjectiveID}
	targetColumns = []string{indicatortarget.FieldCreatedAt, indicatortarget.FieldUpdatedAt, indicatortarget.FieldVersion,
		indicatortarget.FieldYear, indicatortarget.FieldValue, indicatortarget.FieldIndicatorID}
	valueColumns = []string{indicatorvalue.FieldCreatedAt, indicatorvalue.FieldUpdatedAt, indicatorvalue.FieldVersion,
		indicatorvalue.FieldYear, indicatorvalue.FieldPeriod, indicatorvalue.FieldValue, indicatorvalue.FieldSource,
		indicatorvalue.FieldSlot, indicatorvalue.FieldIndicatorID, indicatorvalue.FieldMunicipalityID}
	assessmentColumns = []string{goalassessment.FieldCreatedAt, goalassessment.FieldUpdatedAt, goalassessment.FieldVersion,
		goalassessment.FieldYear, goalassessment.FieldLight, goalassessment.FieldText, goalassessment.FieldGoalID}
)

// insertMeasures stores the history and the measures, given the ids of
// the rows they refer to.
func insertMeasures(ctx context.Context, w writer, d *nationalData, m *nationalMeasures, activityIDs, goalIDs, objectiveIDs, muniIDs []int) error {
	if err := w.exec(ctx, statuschange.Table, statusChangeColumns, len(m.statusChanges), func(i int, row []any) []any {
		s := m.statusChanges[i]
		var from any
		if s.from != "" {
			from = string(s.from)
		}
		return append(row, from, string(s.to), s.at, activityIDs[s.activity])
	}); err != nil {
		return fmt.Errorf("record the activities' status changes: %w", err)
	}
	indicatorIDs, err := w.insert(ctx, indicator.Table, indicatorColumns, len(m.indicators), func(i int, row []any) []any {
		in := m.indicators[i]
		var kpi, fetched, goalID, objectiveID any
		if in.kpi != "" {
			kpi, fetched = in.kpi, builtAt
		}
		if in.goal >= 0 {
			goalID = goalIDs[in.goal]
		} else {
			objectiveID = objectiveIDs[in.objective]
		}
		return append(row, builtAt, builtAt, version, in.name, in.unit, string(in.direction), string(in.scope), string(in.aggregation),
			in.baseline, baselineYear, kpi, fetched, goalID, objectiveID)
	})
	if err != nil {
		return fmt.Errorf("create indicators: %w", err)
	}
	if err := w.exec(ctx, indicatortarget.Table, targetColumns, len(m.targets), func(i int, row []any) []any {
		t := m.targets[i]
		return append(row, builtAt, builtAt, version, t.year, t.value, indicatorIDs[t.indicator])
	}); err != nil {
		return fmt.Errorf("create targets: %w", err)
	}
	if err := w.exec(ctx, indicatorvalue.Table, valueColumns, len(m.values), func(i int, row []any) []any {
		v := m.values[i]
		// The slot the schema's hook would write (indicatorValueSlot).
		var period, muni any
		slotPeriod, slotWhere := "year", "the county"
		if v.period != "" {
			period, slotPeriod = string(v.period), string(v.period)
		}
		if v.municipality >= 0 {
			muni = muniIDs[v.municipality]
			slotWhere = fmt.Sprintf("municipality %d", muniIDs[v.municipality])
		}
		slot := fmt.Sprintf("%d/%s/%s", v.year, slotPeriod, slotWhere)
		return append(row, builtAt, builtAt, version, v.year, period, v.value, string(v.source), slot, indicatorIDs[v.indicator], muni)
	}); err != nil {
		return fmt.Errorf("create indicator values: %w", err)
	}
	if err := w.exec(ctx, goalassessment.Table, assessmentColumns, len(m.assessments), func(i int, row []any) []any {
		a := m.assessments[i]
		return append(row, builtAt, builtAt, version, a.year, string(a.light), a.text, goalIDs[a.goal])
	}); err != nil {
		return fmt.Errorf("create goal assessments: %w", err)
	}
	return nil
}
