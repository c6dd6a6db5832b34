package graph

import (
	"context"
	"database/sql"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/indicator"
	"github.com/samverkan/samverkan/ent/indicatortarget"
	"github.com/samverkan/samverkan/ent/indicatorvalue"
)

// Thresholds of the suggested traffic light: green when the target is
// reached, yellow from half of the way from the baseline to it.
const yellowFromShare = 0.5

// indicatorProgress computes an indicator's progress in a year. The
// database aggregates the values (one SUM, AVG and COUNT over the year's
// whole-year values) and picks the target that applies; the share and the
// light follow from those figures.
func indicatorProgress(ctx context.Context, c *ent.Client, ind *ent.Indicator, year int) (*IndicatorProgress, error) {
	p := &IndicatorProgress{Year: year, Baseline: ind.BaselineValue, BaselineYear: ind.BaselineYear}
	var agg []struct {
		Sum   sql.NullFloat64 `json:"sum"`
		Mean  sql.NullFloat64 `json:"mean"`
		Count int             `json:"count"`
	}
	err := c.IndicatorValue.Query().
		Where(indicatorvalue.IndicatorID(ind.ID), indicatorvalue.Year(year), indicatorvalue.PeriodIsNil()).
		Modify(func(s *entsql.Selector) {
			v := s.C(indicatorvalue.FieldValue)
			s.Select(entsql.As(entsql.Sum(v), "sum"), entsql.As(entsql.Avg(v), "mean"), entsql.As(entsql.Count("*"), "count"))
		}).
		Scan(ctx, &agg)
	if err != nil {
		return nil, fmt.Errorf("aggregate the values of indicator %d in %d: %w", ind.ID, year, err)
	}
	if len(agg) == 1 && agg[0].Count > 0 {
		p.ValueCount = agg[0].Count
		outcome := agg[0].Sum.Float64
		if ind.Aggregation == indicator.AggregationMean {
			outcome = agg[0].Mean.Float64
		}
		p.Outcome = &outcome
	}
	target, err := c.IndicatorTarget.Query().
		Where(indicatortarget.IndicatorID(ind.ID), indicatortarget.YearGTE(year)).
		Order(indicatortarget.ByYear()).
		First(ctx)
	switch {
	case ent.IsNotFound(err):
	case err != nil:
		return nil, fmt.Errorf("read the target of indicator %d for %d: %w", ind.ID, year, err)
	default:
		p.Target, p.TargetYear = &target.Value, &target.Year
	}
	if p.Outcome == nil || p.Target == nil {
		return p, nil
	}
	outcome, goal := *p.Outcome, *p.Target
	reached := outcome >= goal
	if ind.Direction == indicator.DirectionLowerIsBetter {
		reached = outcome <= goal
	}
	p.Reached = &reached
	// (outcome − baseline) / (target − baseline) reads the same whichever
	// direction is better: the target lies on the better side of the
	// baseline, so moving towards it is positive either way.
	if p.Baseline != nil && goal != *p.Baseline {
		share := (outcome - *p.Baseline) / (goal - *p.Baseline)
		p.Share = &share
	}
	light := TrafficLightRed
	switch {
	case reached:
		light = TrafficLightGreen
	case p.Share != nil && *p.Share >= yellowFromShare:
		light = TrafficLightYellow
	}
	p.SuggestedLight = &light
	return p, nil
}

// Progress is an indicator's progress in a year, as Indicator.progress
// answers it, for the CSV downloads.
func Progress(ctx context.Context, c *ent.Client, ind *ent.Indicator, year int) (*IndicatorProgress, error) {
	return indicatorProgress(ctx, c, ind, year)
}
