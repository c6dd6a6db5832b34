package report

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/schema/enum"
	"github.com/samverkan/samverkan/ent/statuschange"
)

// StatusChangeYear counts the status changes of a plan's activities in one
// year: how many activities were created, and how many changes led to each
// status (a creation counts for the status the activity was created with).
type StatusChangeYear struct {
	Year        int
	Changes     int
	Created     int
	ToPlanned   int
	ToOngoing   int
	ToDone      int
	ToCancelled int
}

// StatusChangesByYear counts the status changes of a plan's activities per
// year (in UTC), in one query. Years without changes are left out; with a
// year, there is at most one.
func StatusChangesByYear(ctx context.Context, c *ent.Client, planID int, year *int) ([]*StatusChangeYear, error) {
	var rows []struct {
		Year    int    `sql:"report_year"`
		To      string `sql:"report_to"`
		Created int    `sql:"report_created"`
		Changes int    `sql:"report_changes"`
	}
	err := c.StatusChange.Query().Modify(func(s *sql.Selector) {
		_, t := tables(s)
		y := YearOf(s.Dialect(), s.C(statuschange.FieldAt))
		ofPlan(s, t, s.C(statuschange.FieldActivityID), planID)
		if year != nil {
			s.Where(sql.P(func(b *sql.Builder) { b.WriteString(y).WriteOp(sql.OpEQ).Arg(*year) }))
		}
		created := "SUM(CASE WHEN " + s.C(statuschange.FieldFromStatus) + " IS NULL THEN 1 ELSE 0 END)"
		s.Select().
			AppendSelectExprAs(sql.Raw(y), "report_year").
			AppendSelectAs(s.C(statuschange.FieldToStatus), "report_to").
			AppendSelectExprAs(sql.Raw(created), "report_created").
			AppendSelectExprAs(sql.Raw("COUNT(*)"), "report_changes").
			GroupBy(y, s.C(statuschange.FieldToStatus)).
			OrderBy("report_year")
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("status changes by year: %w", err)
	}
	years := []*StatusChangeYear{}
	for _, r := range rows {
		if len(years) == 0 || years[len(years)-1].Year != r.Year {
			years = append(years, &StatusChangeYear{Year: r.Year})
		}
		y := years[len(years)-1]
		y.Changes += r.Changes
		y.Created += r.Created
		switch enum.Status(r.To) {
		case enum.StatusPlanned:
			y.ToPlanned += r.Changes
		case enum.StatusOngoing:
			y.ToOngoing += r.Changes
		case enum.StatusDone:
			y.ToDone += r.Changes
		case enum.StatusCancelled:
			y.ToCancelled += r.Changes
		}
	}
	return years, nil
}

// ActivitiesWithoutHistory counts the plan's activities that have no
// status change recorded: those loaded with the plan and not changed
// since. One query.
func ActivitiesWithoutHistory(ctx context.Context, c *ent.Client, planID int) (int, error) {
	n, err := c.Activity.Query().
		Where(
			activity.HasObjectiveWith(objective.HasGoalWith(goal.PlanID(planID))),
			func(s *sql.Selector) { s.Where(WithoutHistoryP(s.C(activity.FieldID))) },
		).
		Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("activities without history: %w", err)
	}
	return n, nil
}

// WithoutHistoryP is the condition that the activity whose id is in the
// column activityID (quoted for the dialect, as a selector's C gives it,
// or an SQL expression) has no status change recorded. The read compiler
// writes Plan.activitiesWithoutHistory with it.
func WithoutHistoryP(activityID string) *sql.Predicate {
	return sql.P(func(b *sql.Builder) {
		b.WriteString("NOT EXISTS (SELECT 1 FROM ").WriteString(b.Quote(statuschange.Table)).WriteString(" AS ").WriteString(b.Quote("wh_sc")).
			WriteString(" WHERE ").WriteString(b.Quote("wh_sc") + "." + b.Quote(statuschange.FieldActivityID)).WriteString(" = ").WriteString(activityID).
			WriteString(")")
	})
}
