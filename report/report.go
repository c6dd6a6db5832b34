// Package report computes the figures a plan is followed up by: activities
// per status (per plan, goal and heading), the coverage of municipalities ×
// goals, a municipality's part in a plan, and follow-ups per year.
//
// Every figure is counted by the database with an aggregate query (GROUP BY);
// nothing here loads activities into Go to count them. The queries are built
// with ent's SQL builder on the generated queries, so they run on the client
// they are given (a request's transaction client, when there is one), are
// seen by ent's drivers (and so by the tests' statement counter), and write
// placeholders and quotes for the client's dialect. The one function that
// differs between SQLite and PostgreSQL, the year of a date, is YearOf.
//
// A year filter means "prioritised in that year" for an activity
// (first year ≤ year ≤ last year, an activity without years taking its plan's
// period) and "dated in that year" for a follow-up.
package report

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/schema/enum"
)

// CheckYear refuses a year filter outside samverkan.MinYear–MaxYear (the
// years the schema accepts for a plan's or an activity's years) with a
// VALIDATION error on the field "year"; nil means every year.
func CheckYear(year *int) error {
	if year == nil {
		return nil
	}
	if err := samverkan.CheckYear(*year); err != nil {
		return samverkan.Errorf(samverkan.CodeValidation, "year", "%s", err)
	}
	return nil
}

// NewestPlan returns the plan reports default to: the one whose period ends
// last, and of those the one created last (the highest ID). With a county
// code, that county's plans come before all others. It returns a NotFound
// error when there is no plan at all.
func NewestPlan(ctx context.Context, c *ent.Client, countyCode string) (*ent.Plan, error) {
	q := c.Plan.Query()
	if countyCode != "" {
		q.Order(func(s *sql.Selector) {
			s.OrderExpr(sql.ExprFunc(func(b *sql.Builder) {
				b.WriteString("CASE WHEN ").Ident(s.C(plan.FieldCountyCode)).WriteOp(sql.OpEQ).Arg(countyCode).
					WriteString(" THEN 0 ELSE 1 END")
			}))
		})
	}
	p, err := q.Order(ent.Desc(plan.FieldLastYear), ent.Desc(plan.FieldID)).First(ctx)
	if err != nil {
		return nil, fmt.Errorf("newest plan: %w", err)
	}
	return p, nil
}

// Counts is the number of activities in each status.
type Counts struct {
	Planned   int
	Ongoing   int
	Done      int
	Cancelled int
}

// Total is the number of activities, whatever their status.
func (c Counts) Total() int { return c.Planned + c.Ongoing + c.Done + c.Cancelled }

// ShareDone is done / (total − cancelled), from 0 to 1: how much of what is
// still meant to happen has happened, so that cancelling an activity does
// not lower it. It is nil when no activity is left to count (none at all,
// or all of them cancelled).
func (c Counts) ShareDone() *float64 {
	n := c.Total() - c.Cancelled
	if n == 0 {
		return nil
	}
	share := float64(c.Done) / float64(n)
	return &share
}

// Plus adds two counts, e.g. of goals into their plan's.
func (c Counts) Plus(o Counts) Counts {
	return Counts{c.Planned + o.Planned, c.Ongoing + o.Ongoing, c.Done + o.Done, c.Cancelled + o.Cancelled}
}

// statusAlias names the column that counts a status in the queries below;
// the prefix keeps it apart from the entities' own columns.
func statusAlias(s enum.Status) string { return "report_" + strings.ToLower(string(s)) }

// appendStatusCounts adds to the selection one count per status of the
// status column given (NULLs, from a LEFT JOIN that found nothing, count
// for none).
func appendStatusCounts(s *sql.Selector, column string) {
	for _, st := range enum.Statuses {
		s.AppendSelectExprAs(countIf(column, string(st)), statusAlias(st))
	}
}

// countsOf reads back the counts appendStatusCounts selected, from an
// entity's Value method.
func countsOf(value func(string) (ent.Value, error)) (Counts, error) {
	var c Counts
	for _, st := range enum.Statuses {
		n, err := intValue(value, statusAlias(st))
		if err != nil {
			return Counts{}, err
		}
		switch st {
		case enum.StatusPlanned:
			c.Planned = n
		case enum.StatusOngoing:
			c.Ongoing = n
		case enum.StatusDone:
			c.Done = n
		case enum.StatusCancelled:
			c.Cancelled = n
		}
	}
	return c, nil
}

// intValue reads a count that a query selected beside an entity's columns.
func intValue(value func(string) (ent.Value, error), name string) (int, error) {
	v, err := value(name)
	if err != nil {
		return 0, err
	}
	switch n := v.(type) {
	case int64:
		return int(n), nil
	case int:
		return n, nil
	case nil:
		return 0, nil
	}
	return 0, fmt.Errorf("column %s: unexpected %T", name, v)
}

// countIf is COUNT(CASE WHEN column = value THEN 1 END): the rows of a group
// whose column holds the value. It is standard SQL, unlike SQLite's
// SUM(column = value) or PostgreSQL's COUNT(*) FILTER (WHERE ...).
func countIf(column string, value any) sql.Querier {
	return sql.ExprFunc(func(b *sql.Builder) {
		b.WriteString("COUNT(CASE WHEN ").Ident(column).WriteOp(sql.OpEQ).Arg(value).WriteString(" THEN 1 END)")
	})
}

// countOf is COUNT(column), or COUNT(DISTINCT column).
func countOf(column string, distinct bool) sql.Querier {
	if distinct {
		return sql.Raw("COUNT(DISTINCT " + column + ")")
	}
	return sql.Raw("COUNT(" + column + ")")
}

// PrioritisedIn is the condition that an activity (columns by a) of a plan
// (columns by p) is prioritised in the year: its first year is not after
// it and its last year not before it. An activity without years takes its
// plan's, as the activity is then prioritised for the whole period.
func PrioritisedIn(a, p func(string) string, year int) *sql.Predicate {
	return sql.P(func(b *sql.Builder) {
		b.WriteString("(COALESCE(").Ident(a(activity.FieldFirstYear)).Comma().Ident(p(plan.FieldFirstYear)).
			WriteString(") <= ").Arg(year).
			WriteString(" AND COALESCE(").Ident(a(activity.FieldLastYear)).Comma().Ident(p(plan.FieldLastYear)).
			WriteString(") >= ").Arg(year).WriteString(")")
	})
}

// activityJoin is the ON condition that joins the activities (a) under a
// heading (o) of a plan (p), only those prioritised in the year when there
// is one.
func activityJoin(a, o, p *sql.SelectTable, year *int) *sql.Predicate {
	on := sql.ColumnsEQ(a.C(activity.FieldObjectiveID), o.C(objective.FieldID))
	if year == nil {
		return on
	}
	return sql.And(on, PrioritisedIn(a.C, p.C, *year))
}

// YearOf is the SQL for the year of a date column (in UTC), the one
// expression the databases spell differently. column must be quoted for
// the dialect already (a Selector's or SelectTable's C). The read compiler
// counts follow-ups and status changes by year with it.
func YearOf(dialectName, column string) string {
	switch dialectName {
	case dialect.Postgres:
		return "CAST(EXTRACT(YEAR FROM " + column + " AT TIME ZONE 'UTC') AS INTEGER)"
	default: // SQLite stores times as text that strftime reads.
		return "CAST(strftime('%Y', " + column + ") AS INTEGER)"
	}
}

// joined are the tables the queries join, each under a short alias.
type joined struct {
	a, o, g, p *sql.SelectTable // activities, objectives (headings), goals, plans
	am, ai     *sql.SelectTable // activity_municipalities, activity_institutions
}

// tables returns a builder for the selector's dialect and the tables the
// queries join, quoted for that dialect.
func tables(s *sql.Selector) (*sql.DialectBuilder, joined) {
	b := sql.Dialect(s.Dialect())
	return b, joined{
		a:  b.Table(activity.Table).As("a"),
		o:  b.Table(objective.Table).As("o"),
		g:  b.Table(goal.Table).As("g"),
		p:  b.Table(plan.Table).As("p"),
		am: b.Table(activity.MunicipalitiesTable).As("am"),
		ai: b.Table(activity.InstitutionsTable).As("ai"),
	}
}

// ofPlan joins to s, whose rows name an activity in activityColumn, the
// activity, its heading and its goal, and keeps the rows of the plan's
// activities: the path every report takes from a row to its plan.
func ofPlan(s *sql.Selector, t joined, activityColumn string, planID int) *sql.Selector {
	return s.Join(t.a).On(activityColumn, t.a.C(activity.FieldID)).
		Join(t.o).On(t.a.C(activity.FieldObjectiveID), t.o.C(objective.FieldID)).
		Join(t.g).On(t.o.C(objective.FieldGoalID), t.g.C(goal.FieldID)).
		Where(sql.EQ(t.g.C(goal.FieldPlanID), planID))
}

// PlanOrNewest returns the plan a report is about: the plan with the ID
// given, or NewestPlan (for the county, when there is a county code) when
// there is none. Either way, a NotFound error means there is no such plan.
func PlanOrNewest(ctx context.Context, c *ent.Client, id *int, countyCode string) (*ent.Plan, error) {
	if id == nil {
		return NewestPlan(ctx, c, countyCode)
	}
	p, err := c.Plan.Get(ctx, *id)
	if err != nil {
		return nil, fmt.Errorf("plan %d: %w", *id, err)
	}
	return p, nil
}
