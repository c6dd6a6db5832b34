package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/goalassessment"
	"github.com/samverkan/samverkan/ent/indicator"
	"github.com/samverkan/samverkan/ent/indicatorvalue"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/swedish"
)

// The indicators of a plan as CSV files, written as the other reports
// (see csvReport): indicators.csv, a row per indicator and year with its
// baseline, target and outcome; indicator-values.csv, every value
// measured; assessments.csv, the goals' yearly assessments. ?year= keeps
// the year measured or assessed (by default every year of the plan).

// Swedish words for the enums, as the admin page says them.
var (
	lightWords  = map[string]string{"GREEN": "Grön", "YELLOW": "Gul", "RED": "Röd"}
	scopeWords  = map[indicator.Scope]string{indicator.ScopeMunicipality: "Per kommun", indicator.ScopeCounty: "Hela länet"}
	sourceWords = map[indicatorvalue.Source]string{indicatorvalue.SourceOwn: "Egen uppföljning", indicatorvalue.SourceKolada: "Kolada"}
)

// planIndicators reads the indicators of a plan's goals, headings and
// activities, each with the goal it belongs to, ordered by goal number
// and then name in Swedish order.
func planIndicators(ctx context.Context, client *ent.Client, p *ent.Plan) ([]*ent.Indicator, error) {
	inPlan := goal.PlanID(p.ID)
	inds, err := client.Indicator.Query().
		Where(indicator.Or(
			indicator.HasGoalWith(inPlan),
			indicator.HasObjectiveWith(objective.HasGoalWith(inPlan)),
			indicator.HasActivityWith(activity.HasObjectiveWith(objective.HasGoalWith(inPlan))),
		)).
		WithGoal().
		WithObjective(func(q *ent.ObjectiveQuery) { q.WithGoal() }).
		WithActivity(func(q *ent.ActivityQuery) { q.WithObjective(func(q *ent.ObjectiveQuery) { q.WithGoal() }) }).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the indicators of plan %d: %w", p.ID, err)
	}
	col := swedish.NewCollator()
	slices.SortStableFunc(inds, func(a, b *ent.Indicator) int {
		if d := indicatorGoal(a).Number - indicatorGoal(b).Number; d != 0 {
			return d
		}
		return col.Compare(a.Name, b.Name)
	})
	return inds, nil
}

// indicatorGoal is the goal an indicator belongs to, through its heading
// or activity (as loaded by planIndicators).
func indicatorGoal(i *ent.Indicator) *ent.Goal {
	switch {
	case i.Edges.Goal != nil:
		return i.Edges.Goal
	case i.Edges.Objective != nil:
		return i.Edges.Objective.Edges.Goal
	default:
		return i.Edges.Activity.Edges.Objective.Edges.Goal
	}
}

// measures says what an indicator measures: its goal, or a heading or an
// activity under it.
func measures(i *ent.Indicator) string {
	switch {
	case i.Edges.Objective != nil:
		return "Rubrik: " + i.Edges.Objective.Title
	case i.Edges.Activity != nil:
		return "Aktivitet: " + i.Edges.Activity.Title
	}
	return "Utvecklingsmålet"
}

// planYears are the years a report covers: the one asked for, or the plan's.
func planYears(p *ent.Plan, year *int) []int {
	if year != nil {
		return []int{*year}
	}
	var years []int
	for y := p.FirstYear; y <= p.LastYear; y++ {
		years = append(years, y)
	}
	return years
}

// indicatorsCSV serves GET /reports/indicators.csv: for each indicator of
// the plan (by goal, then name) a row per year with its baseline, the
// target that applies, the outcome, how many values it counts, the share
// of the way and the suggested light, computed as Indicator.progress.
func indicatorsCSV(client *ent.Client, log *slog.Logger) http.Handler {
	numeric := []int{6, 7, 8, 9, 10, 11, 12, 13}
	return csvReportWithNumbers(client, log, "mått", numeric, func(ctx context.Context, p *ent.Plan, year *int) ([][]string, error) {
		inds, err := planIndicators(ctx, client, p)
		if err != nil {
			return nil, err
		}
		records := [][]string{{"Mål", "Mäter", "Mått", "Enhet", "Mäts", "Kolada-nyckeltal",
			"Utgångsvärde", "Utgångsår", "År", "Målvärde", "Målår", "Utfall", "Antal värden", "Andel av vägen", "Föreslagen färg"}}
		for _, ind := range inds {
			for _, y := range planYears(p, year) {
				pr, err := graph.Progress(ctx, client, ind, y)
				if err != nil {
					return nil, err
				}
				light := ""
				if pr.SuggestedLight != nil {
					light = lightWords[pr.SuggestedLight.String()]
				}
				records = append(records, []string{goalLabel(indicatorGoal(ind)), measures(ind), ind.Name, ind.Unit,
					scopeWords[ind.Scope], deref(ind.KoladaKpi),
					number(ind.BaselineValue), intText(ind.BaselineYear), strconv.Itoa(y),
					number(pr.Target), intText(pr.TargetYear), number(pr.Outcome), strconv.Itoa(pr.ValueCount),
					decimal(pr.Share), light})
			}
		}
		return records, nil
	})
}

// indicatorValuesCSV serves GET /reports/indicator-values.csv: every value
// of the plan's indicators, by goal, indicator, year, period and
// municipality, with its source and who entered it.
func indicatorValuesCSV(client *ent.Client, log *slog.Logger) http.Handler {
	return csvReportWithNumbers(client, log, "värden", []int{3, 7}, func(ctx context.Context, p *ent.Plan, year *int) ([][]string, error) {
		inds, err := planIndicators(ctx, client, p)
		if err != nil {
			return nil, err
		}
		records := [][]string{{"Mål", "Mäter", "Mått", "År", "Period", "Kommun", "Kommunkod", "Värde", "Enhet", "Källa", "Inmatat av", "Senast ändrat"}}
		col := swedish.NewCollator()
		for _, ind := range inds {
			q := ind.QueryValues().WithMunicipality()
			if year != nil {
				q = q.Where(indicatorvalue.Year(*year))
			}
			values, err := q.All(ctx)
			if err != nil {
				return nil, fmt.Errorf("read the values of indicator %d: %w", ind.ID, err)
			}
			slices.SortStableFunc(values, func(a, b *ent.IndicatorValue) int {
				if a.Year != b.Year {
					return a.Year - b.Year
				}
				if d := col.Compare(periodWord(a.Period), periodWord(b.Period)); d != 0 {
					return d
				}
				return col.Compare(municipalityName(a), municipalityName(b))
			})
			for _, v := range values {
				code := ""
				if m := v.Edges.Municipality; m != nil {
					code = m.Code
				}
				records = append(records, []string{goalLabel(indicatorGoal(ind)), measures(ind), ind.Name,
					strconv.Itoa(v.Year), periodWord(v.Period), municipalityName(v), code,
					number(&v.Value), ind.Unit, sourceWords[v.Source], v.EnteredBy, localTime(v.UpdatedAt)})
			}
		}
		return records, nil
	})
}

// assessmentsCSV serves GET /reports/assessments.csv: the goals' yearly
// assessments, by goal and year.
func assessmentsCSV(client *ent.Client, log *slog.Logger) http.Handler {
	return csvReportWithNumbers(client, log, "bedömningar", []int{1}, func(ctx context.Context, p *ent.Plan, year *int) ([][]string, error) {
		q := client.GoalAssessment.Query().
			Where(goalassessment.HasGoalWith(goal.PlanID(p.ID))).
			WithGoal()
		if year != nil {
			q = q.Where(goalassessment.Year(*year))
		}
		as, err := q.All(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the assessments of plan %d: %w", p.ID, err)
		}
		slices.SortStableFunc(as, func(a, b *ent.GoalAssessment) int {
			if d := a.Edges.Goal.Number - b.Edges.Goal.Number; d != 0 {
				return d
			}
			return a.Year - b.Year
		})
		records := [][]string{{"Mål", "År", "Bedömning", "Motivering", "Av", "Senast ändrad"}}
		for _, a := range as {
			records = append(records, []string{goalLabel(a.Edges.Goal), strconv.Itoa(a.Year), lightWords[a.Light.String()], a.Text, a.Author, localTime(a.UpdatedAt)})
		}
		return records, nil
	})
}

// number writes a figure with a decimal comma and no more decimals than it
// has (4200, 2100,5); nil is an empty field.
func number(v *float64) string {
	if v == nil {
		return ""
	}
	return strings.Replace(strconv.FormatFloat(*v, 'f', -1, 64), ".", ",", 1)
}

func intText(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// periodWord names a value's part of the year; none is the whole year.
func periodWord(p *indicatorvalue.Period) string {
	if p == nil {
		return "Helår"
	}
	return map[indicatorvalue.Period]string{
		indicatorvalue.PeriodT1: "Tertial 1", indicatorvalue.PeriodT2: "Tertial 2", indicatorvalue.PeriodT3: "Tertial 3",
		indicatorvalue.PeriodH1: "Halvår 1", indicatorvalue.PeriodH2: "Halvår 2",
	}[*p]
}

func municipalityName(v *ent.IndicatorValue) string {
	if m := v.Edges.Municipality; m != nil {
		return m.Name
	}
	return "Hela länet"
}

// stockholm is the time zone of the plan's people, for the times a
// spreadsheet shows.
var stockholm = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Stockholm"); err == nil {
		return loc
	}
	return time.UTC
}()

// localTime writes a time as Excel reads one, in Swedish time: 2026-03-01 14:05.
func localTime(t time.Time) string {
	return t.In(stockholm).Format("2006-01-02 15:04")
}
