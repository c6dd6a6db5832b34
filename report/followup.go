package report

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/schema/enum"
)

// FollowUpYear is what was reported on a plan's activities in one year.
type FollowUpYear struct {
	Year int
	// FollowUps is the number of follow-ups dated in the year.
	FollowUps int
	// ReportedStatuses counts those follow-ups by the status they report.
	ReportedStatuses FollowUpStatusCounts
	// Periods counts them by reporting period, in the order of the
	// periods (year, halves, tertials), those without a period last.
	Periods []*PeriodCount
}

// FollowUpStatusCounts is a number of follow-ups per reported status.
type FollowUpStatusCounts struct {
	Planned       int
	Ongoing       int
	Done          int
	Cancelled     int
	WithoutStatus int
}

// PeriodCount is the number of follow-ups of a reporting period; Period is
// nil for those that name none.
type PeriodCount struct {
	Period    *followup.Period
	FollowUps int
}

// FollowUpsByYear counts the follow-ups of a plan's activities per year of
// their date (in UTC), per reported status and per period, in one query.
// Years without follow-ups are left out; with a year, there is at most one.
func FollowUpsByYear(ctx context.Context, c *ent.Client, planID int, year *int) ([]*FollowUpYear, error) {
	var rows []struct {
		Year      int     `sql:"report_year"`
		Period    *string `sql:"report_period"`
		Status    *string `sql:"report_status"`
		FollowUps int     `sql:"report_follow_ups"`
	}
	err := c.FollowUp.Query().Modify(func(s *sql.Selector) {
		_, t := tables(s)
		y := YearOf(s.Dialect(), s.C(followup.FieldDate))
		ofPlan(s, t, s.C(followup.FieldActivityID), planID)
		if year != nil {
			s.Where(sql.P(func(b *sql.Builder) { b.WriteString(y).WriteOp(sql.OpEQ).Arg(*year) }))
		}
		s.Select().
			AppendSelectExprAs(sql.Raw(y), "report_year").
			AppendSelectAs(s.C(followup.FieldPeriod), "report_period").
			AppendSelectAs(s.C(followup.FieldStatus), "report_status").
			AppendSelectExprAs(sql.Raw("COUNT(*)"), "report_follow_ups").
			GroupBy(y, s.C(followup.FieldPeriod), s.C(followup.FieldStatus)).
			OrderBy("report_year")
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("follow-ups by year: %w", err)
	}

	// Fold the (year, period, status) groups into years.
	var years []*FollowUpYear
	for _, r := range rows {
		if len(years) == 0 || years[len(years)-1].Year != r.Year {
			years = append(years, &FollowUpYear{Year: r.Year, Periods: []*PeriodCount{}})
		}
		y := years[len(years)-1]
		y.FollowUps += r.FollowUps
		switch {
		case r.Status == nil:
			y.ReportedStatuses.WithoutStatus += r.FollowUps
		case *r.Status == string(enum.StatusPlanned):
			y.ReportedStatuses.Planned += r.FollowUps
		case *r.Status == string(enum.StatusOngoing):
			y.ReportedStatuses.Ongoing += r.FollowUps
		case *r.Status == string(enum.StatusDone):
			y.ReportedStatuses.Done += r.FollowUps
		case *r.Status == string(enum.StatusCancelled):
			y.ReportedStatuses.Cancelled += r.FollowUps
		}
		var period *followup.Period
		if r.Period != nil {
			p := followup.Period(*r.Period)
			period = &p
		}
		i := slices.IndexFunc(y.Periods, func(pc *PeriodCount) bool { return samePeriod(pc.Period, period) })
		if i < 0 {
			y.Periods = append(y.Periods, &PeriodCount{Period: period})
			i = len(y.Periods) - 1
		}
		y.Periods[i].FollowUps += r.FollowUps
	}
	for _, y := range years {
		slices.SortFunc(y.Periods, func(a, b *PeriodCount) int { return periodRank(a.Period) - periodRank(b.Period) })
	}
	if years == nil {
		years = []*FollowUpYear{}
	}
	return years, nil
}

func samePeriod(a, b *followup.Period) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// periodOrder is the order reports show periods in: the year, then the
// halves, then the tertials.
var periodOrder = []followup.Period{
	followup.PeriodYear,
	followup.PeriodFirstHalf, followup.PeriodSecondHalf,
	followup.PeriodFirstTertial, followup.PeriodSecondTertial, followup.PeriodThirdTertial,
}

// PeriodRankOf is the SQL of periodRank for a period column (quoted for
// the dialect already): its place in periodOrder, no period last. The read
// compiler orders Plan.followUpsByYear's periods with it.
func PeriodRankOf(column string) string {
	var b strings.Builder
	b.WriteString("CASE " + column)
	for i, p := range periodOrder {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", p, i)
	}
	fmt.Fprintf(&b, " ELSE %d END", len(periodOrder))
	return b.String()
}

// periodRank is a period's place in periodOrder; no period comes last.
func periodRank(p *followup.Period) int {
	if p == nil {
		return len(periodOrder)
	}
	if i := slices.Index(periodOrder, *p); i >= 0 {
		return i
	}
	return len(periodOrder)
}
