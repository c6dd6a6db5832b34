package compile

import (
	"fmt"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/perspective"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/schema/enum"
	"github.com/samverkan/samverkan/ent/statuschange"
	"github.com/samverkan/samverkan/report"
	"github.com/samverkan/samverkan/storage"
)

// reportField writes the JSON of the report field f of the row a of typ;
// false when f is not one the compiler writes. It writes a plan's, a
// goal's and a heading's activities per status (statusCounts), a plan's
// per goal and heading (statusByGoal), per perspective
// (statusByPerspective), of those without a perspective or in the whole
// county, its activities without history, its follow-ups and status
// changes by year, counted in the statement as package report counts
// them, with the rules of package report as predicates
// (report.InWholeCountyP, WithoutPerspectiveP, WithoutHistoryP,
// PrioritisedIn, YearOf, PeriodRankOf), and whether an activity is in the
// whole county (Activity.wholeCounty, as report.InWholeCounty decides).
//
// The other report fields are left to the resolvers:
//   - Plan.coverage: compiled (it was tried), the statement counts the
//     links of the plan's activities per municipality row: correlated to
//     the plan, SQLite counts them again for each of the 290
//     municipalities of the national dataset, and uncorrelated it counts
//     every plan's; 4 to 30 times the resolvers' time for the dashboard's
//     coverage (31–217 ms against 6–12 ms), whose two grouped queries
//     count them once. The rule of which municipalities are rows would
//     also be written a second time, beside report.PlanCoverage's join.
//   - Municipality.report: the plan it reports on is chosen by the
//     municipality's county (report.PlanOrNewest), and its latest
//     follow-ups are a connection of their own.
//   - Plan.yearlyReport: the coverage, each goal's activities with their
//     latest follow-up, the readiness and the closing, assembled in Go by
//     report.ForYear and graph's resolvers.
func (b *builder) reportField(typ *Type, a string, f graphql.CollectedField) (bool, error) {
	ofPlan := func(o, g string) string { return g + "." + b.d.ident(goal.FieldPlanID) + " = " + a + ".id" }
	var t tallied
	switch typ.Name + "." + f.Name {
	case "Plan.statusByGoal":
		return true, b.statusByGoal(a, f)
	case "Plan.statusByPerspective":
		return true, b.statusByPerspective(a, f)
	case "Plan.activitiesWithoutHistory":
		return true, b.activitiesWithoutHistory(a)
	case "Plan.followUpsByYear":
		return true, b.followUpsByYear(a, f)
	case "Plan.statusChangesByYear":
		return true, b.statusChangesByYear(a, f)
	case "Activity.wholeCounty":
		return true, b.wholeCounty(a)
	case "Plan.statusCounts":
		t.scope = ofPlan
	case "Plan.statusCountsWholeCounty":
		t.scope = ofPlan
		t.keep = func(x, p string) *sql.Predicate {
			return report.InWholeCountyP(x+".id", p+"."+b.d.ident(plan.FieldCountyCode))
		}
	case "Plan.statusCountsWithoutPerspective":
		t.scope = ofPlan
		t.keep = func(x, p string) *sql.Predicate { return report.WithoutPerspectiveP(x + ".id") }
	case "Goal.statusCounts":
		t.scope = func(o, g string) string { return g + ".id = " + a + ".id" }
	case "Objective.statusCounts":
		t.scope = func(o, g string) string { return o + ".id = " + a + ".id" }
	default:
		return false, nil
	}
	return true, b.statusCounts(f, t)
}

// wholeCounty writes whether the activity a takes part in every
// municipality of its plan's county, as report.InWholeCounty decides.
func (b *builder) wholeCounty(a string) error {
	b.policies[types["Municipality"]] = true
	b.policies[types["Plan"]] = true
	xo, xg, xp := b.alias(), b.alias(), b.alias()
	id := func(t, c string) string { return t + "." + b.d.ident(c) }
	county := "(SELECT " + id(xp, plan.FieldCountyCode) +
		" FROM " + b.d.ident(objective.Table) + " AS " + xo +
		" JOIN " + b.d.ident(goal.Table) + " AS " + xg + " ON " + id(xo, objective.FieldGoalID) + " = " + xg + ".id" +
		" JOIN " + b.d.ident(plan.Table) + " AS " + xp + " ON " + id(xg, goal.FieldPlanID) + " = " + xp + ".id" +
		" WHERE " + xo + ".id = " + id(a, activity.FieldObjectiveID) + ")"
	b.write("CASE WHEN ")
	b.sqlPredicate(report.InWholeCountyP(a+".id", county))
	b.write(" THEN 'true' ELSE 'false' END")
	return nil
}

// planReport compiles planReport(id:): the plan with the id, or the
// newest plan (report.NewestPlan's order). A plan that does not exist, or
// no plan at all, makes the statement NULL (ErrNoRow), for the resolvers
// to answer with their error or their null.
func (b *builder) planReport(field graphql.CollectedField) error {
	typ := types["Plan"]
	b.policies[typ] = true
	a := b.alias()
	b.write("SELECT (SELECT ")
	// The resolver reads the plan alone (report.PlanOrNewest), not with
	// entgql's eager loading: its connections are paged as at the root
	// (lazy).
	joins, err := b.row(func() error { return b.node(typ, a, true, field.Selections) })
	if err != nil {
		return err
	}
	b.source(typ, a, nil, joins, nil, nil)
	if raw := field.ArgumentMap(b.oc.Variables)["id"]; raw != nil {
		id, err := graphql.UnmarshalIntID(raw)
		if err != nil {
			return fallback("planReport: id %v is not one of ours", raw)
		}
		b.write(" AND ", a, ".id = ", b.arg(id), ")")
		return nil
	}
	b.write(" ORDER BY ", a, ".", b.d.ident(plan.FieldLastYear), " DESC, ", a, ".id DESC LIMIT 1)")
	return nil
}

// year is a report field's year argument, nil for every year; one the
// report refuses is left to the resolvers, which answer with its error.
func (b *builder) year(f graphql.CollectedField) (*int, error) {
	raw, ok := f.ArgumentMap(b.oc.Variables)["year"]
	if !ok || raw == nil {
		return nil, nil
	}
	y, err := graphql.UnmarshalInt(raw)
	if err != nil || report.CheckYear(&y) != nil {
		return nil, fallback("%s: year %v", f.Alias, raw)
	}
	return &y, nil
}

// tallied is what a tally counts: the activities under the headings and
// goals that scope keeps (it gets the heading's and the goal's aliases)
// and, when keep is not nil, of those the ones keep keeps (it gets the
// activity's and the plan's aliases: a rule of package report); grouped,
// when by is not nil, by the key by gives (of the activity's and the
// heading's aliases), after the join join writes (of the activity's
// alias), if any.
type tallied struct {
	scope func(o, g string) string
	keep  func(x, p string) *sql.Predicate
	by    func(x, o string) string
	join  func(x string) string
}

// tally writes a query of the activities per status, one column per
// status named by statusColumn: those t keeps, prioritised in the year
// when there is one, grouped by t.by (its key as "k") when there is one.
// Of every year and every activity of the headings on SQLite, it sums the
// activities per heading and status that storage keeps
// (storage.StatusCountsTable) rather than counting the activities.
func (b *builder) tally(x string, year *int, t tallied) {
	xo, xg, xp := x+"o", x+"g", x+"p"
	id := func(t, c string) string { return t + "." + b.d.ident(c) }
	kept := year == nil && t.keep == nil && t.join == nil && b.d.name == dialect.SQLite
	b.write("SELECT ")
	if t.by != nil {
		b.write(t.by(x, xo), " AS k, ")
	}
	for i, st := range enum.Statuses {
		if i > 0 {
			b.write(", ")
		}
		if kept {
			b.write("sum(CASE WHEN ", id(x, activity.FieldStatus), " = ")
			b.literal(string(st))
			b.write(" THEN ", id(x, "n"), " END)")
		} else {
			b.write("count(CASE WHEN ", id(x, activity.FieldStatus), " = ")
			b.literal(string(st))
			b.write(" THEN 1 END)")
		}
		b.write(" AS ", statusColumn(st))
	}
	if kept {
		b.write(" FROM ", b.d.ident(storage.StatusCountsTable), " AS ", x,
			" JOIN ", b.d.ident(objective.Table), " AS ", xo, " ON ", id(x, activity.FieldObjectiveID), " = ", xo, ".id",
			" JOIN ", b.d.ident(goal.Table), " AS ", xg, " ON ", id(xo, objective.FieldGoalID), " = ", xg, ".id")
	} else {
		b.activities(x)
	}
	if t.join != nil {
		b.write(" ", t.join(x))
	}
	b.write(" WHERE ", t.scope(xo, xg))
	if t.keep != nil {
		b.write(" AND ")
		b.sqlPredicate(t.keep(x, xp))
	}
	if year != nil {
		b.write(" AND ")
		b.sqlPredicate(report.PrioritisedIn(func(c string) string { return id(x, c) }, func(c string) string { return id(xp, c) }, *year))
	}
	if t.by != nil {
		b.write(" GROUP BY ", t.by(x, xo))
	}
}

// activities writes the FROM of the activities x with their headings
// (x+"o"), goals (x+"g") and plans (x+"p"), the path every report takes
// from an activity to its plan.
func (b *builder) activities(x string) {
	xo, xg, xp := x+"o", x+"g", x+"p"
	id := func(t, c string) string { return t + "." + b.d.ident(c) }
	b.write(" FROM ", b.d.ident(activity.Table), " AS ", x,
		" JOIN ", b.d.ident(objective.Table), " AS ", xo, " ON ", id(x, activity.FieldObjectiveID), " = ", xo, ".id",
		" JOIN ", b.d.ident(goal.Table), " AS ", xg, " ON ", id(xo, objective.FieldGoalID), " = ", xg, ".id",
		" JOIN ", b.d.ident(plan.Table), " AS ", xp, " ON ", id(xg, goal.FieldPlanID), " = ", xp, ".id")
}

func statusColumn(st enum.Status) string { return "n_" + string(st) }

// statusCounts writes a StatusCounts of the activities t keeps.
func (b *builder) statusCounts(f graphql.CollectedField, t tallied) error {
	year, err := b.year(f)
	if err != nil {
		return err
	}
	b.policies[types["Activity"]] = true
	c, x := b.alias(), b.alias()
	b.write("(SELECT ")
	if err := b.counts(c, f); err != nil {
		return err
	}
	b.write(" FROM (")
	b.tally(x, year, t)
	b.write(") AS ", c, ")")
	return nil
}

// counts writes the JSON of a StatusCounts whose counts are the columns of
// c (NULL, from a LEFT JOIN that found nothing, for none).
func (b *builder) counts(c string, f graphql.CollectedField) error {
	n := map[enum.Status]string{}
	for _, st := range enum.Statuses {
		n[st] = "coalesce(" + c + "." + statusColumn(st) + ", 0)"
	}
	total := "(" + n[enum.StatusPlanned] + " + " + n[enum.StatusOngoing] + " + " + n[enum.StatusDone] + " + " + n[enum.StatusCancelled] + ")"
	b.write("'{'")
	for i, f := range graphql.CollectFields(b.oc, f.Selections, []string{"StatusCounts"}) {
		b.key(i, f.Alias)
		switch f.Name {
		case "__typename":
			b.literal(`"StatusCounts"`)
		case "planned":
			b.write(n[enum.StatusPlanned])
		case "ongoing":
			b.write(n[enum.StatusOngoing])
		case "done":
			b.write(n[enum.StatusDone])
		case "cancelled":
			b.write(n[enum.StatusCancelled])
		case "total":
			b.write(total)
		case "shareDone":
			// A float, written by Go as gqlgen writes it (see markers).
			left := "(" + total + " - " + n[enum.StatusCancelled] + ")"
			b.write("CASE WHEN ", left, " = 0 THEN 'null' ELSE ", b.d.char, "(1) || '[\"share\",' || ",
				n[enum.StatusDone], " || ',' || ", left, " || ']' || ", b.d.char, "(1) END")
		default:
			return fallback("StatusCounts.%s", f.Name)
		}
	}
	b.write(" || '}'")
	return nil
}

// statusByGoal writes a plan's goals, by number, each with its activities
// per status and its headings (by position, title and id) with theirs, as
// report.StatusByGoal counts them.
func (b *builder) statusByGoal(a string, f graphql.CollectedField) error {
	year, err := b.year(f)
	if err != nil {
		return err
	}
	b.policies[types["Activity"]] = true
	b.policies[types["Goal"]] = true
	g, c, x := b.alias(), b.alias(), b.alias()
	b.write("(SELECT '[' || coalesce(", b.d.aggregate("e", "", ""), ", '') || ']' FROM (SELECT '{'")
	fields := graphql.CollectFields(b.oc, f.Selections, []string{"GoalStatus"})
	joins, err := b.row(func() error {
		for i, gf := range fields {
			b.key(i, gf.Alias)
			switch gf.Name {
			case "__typename":
				b.literal(`"GoalStatus"`)
			case "goal":
				if err := b.node(types["Goal"], g, false, gf.Selections); err != nil {
					return err
				}
			case "statusCounts":
				if err := b.counts(c, gf); err != nil {
					return err
				}
			case "objectives":
				if err := b.objectiveStatuses(g, year, gf); err != nil {
					return err
				}
			default:
				return fallback("GoalStatus.%s", gf.Name)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.write(" || '}' AS e FROM ", b.d.ident(goal.Table), " AS ", g)
	for _, j := range joins {
		b.write(" ", j)
	}
	b.write(" LEFT JOIN (")
	b.tally(x, year, tallied{
		scope: func(o, gg string) string { return gg + "." + b.d.ident(goal.FieldPlanID) + " = " + a + ".id" },
		by:    func(x, o string) string { return o + "." + b.d.ident(objective.FieldGoalID) },
	})
	b.write(") AS ", c, " ON ", c, ".k = ", g, ".id")
	b.write(" WHERE ", g, ".", b.d.ident(goal.FieldPlanID), " = ", a, ".id ORDER BY ", g, ".", b.d.ident(goal.FieldNumber), ") AS s)")
	return nil
}

// objectiveStatuses writes the headings of the goal g, each with its
// activities per status.
func (b *builder) objectiveStatuses(g string, year *int, f graphql.CollectedField) error {
	o := b.alias()
	id := func(c string) string { return o + "." + b.d.ident(c) }
	return b.countedRows(f, "ObjectiveStatus", "objective", types["Objective"], o, year, tallied{
		scope: func(xo, xg string) string { return xo + "." + b.d.ident(objective.FieldGoalID) + " = " + g + ".id" },
		by:    func(x, xo string) string { return xo + ".id" },
	}, id(objective.FieldGoalID)+" = "+g+".id", id(objective.FieldPosition)+", "+id(objective.FieldTitle)+", "+o+".id")
}

// countedRows writes a list of objects of the GraphQL type typ, one per
// row r of typ's table that where keeps, in the order of order: each the
// row as its field nodeField, and the activities t counts for it (grouped
// by the row's id) as its statusCounts.
func (b *builder) countedRows(f graphql.CollectedField, typ, nodeField string, node *Type, r string, year *int, t tallied, where, order string) error {
	b.policies[node] = true
	b.policies[types["Activity"]] = true
	c, x := b.alias(), b.alias()
	b.write("(SELECT '[' || coalesce(", b.d.aggregate("e", "", ""), ", '') || ']' FROM (SELECT '{'")
	joins, err := b.row(func() error {
		for i, ff := range graphql.CollectFields(b.oc, f.Selections, []string{typ}) {
			b.key(i, ff.Alias)
			switch ff.Name {
			case "__typename":
				b.literal(strconv.Quote(typ))
			case nodeField:
				if err := b.node(node, r, false, ff.Selections); err != nil {
					return err
				}
			case "statusCounts":
				if err := b.counts(c, ff); err != nil {
					return err
				}
			default:
				return fallback("%s.%s", typ, ff.Name)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.write(" || '}' AS e FROM ", b.d.ident(node.Table), " AS ", r)
	for _, j := range joins {
		b.write(" ", j)
	}
	b.write(" LEFT JOIN (")
	b.tally(x, year, t)
	b.write(") AS ", c, " ON ", c, ".k = ", r, ".id WHERE ", where, " ORDER BY ", order, ") AS s)")
	return nil
}

// sqlPredicate writes an ent predicate with its arguments.
func (b *builder) sqlPredicate(pred *sql.Predicate) {
	// The predicate writes in the statement's dialect, and on PostgreSQL
	// its placeholders count on from the statement's.
	pred.SetDialect(b.d.name)
	pred.SetTotal(len(b.args))
	query, args := pred.Query()
	b.write("(", query, ")")
	b.args = append(b.args, args...)
}

// share is a shareDone marker's value: done ÷ left, written as gqlgen
// writes a Float.
func share(done, left int64) []byte {
	return fmt.Appendf(nil, "%g", float64(done)/float64(left))
}

// statusByPerspective writes every perspective (by position, name and
// id), each with the plan a's activities tagged with it per status, as
// report.StatusByPerspective counts them.
func (b *builder) statusByPerspective(a string, f graphql.CollectedField) error {
	year, err := b.year(f)
	if err != nil {
		return err
	}
	ps, tag := b.alias(), b.alias()
	id := func(c string) string { return ps + "." + b.d.ident(c) }
	return b.countedRows(f, "PerspectiveStatus", "perspective", types["Perspective"], ps, year, tallied{
		scope: func(o, g string) string { return g + "." + b.d.ident(goal.FieldPlanID) + " = " + a + ".id" },
		join: func(x string) string {
			return "JOIN " + b.d.ident(activity.PerspectivesTable) + " AS " + tag + " ON " + tag + "." + b.d.ident(activity.PerspectivesPrimaryKey[0]) + " = " + x + ".id"
		},
		by: func(x, o string) string { return tag + "." + b.d.ident(activity.PerspectivesPrimaryKey[1]) },
	}, "1=1", id(perspective.FieldPosition)+", "+id(perspective.FieldName)+", "+ps+".id")
}

// activitiesWithoutHistory writes the number of the plan a's activities
// without a recorded status change (report.WithoutHistoryP), as
// report.ActivitiesWithoutHistory counts them.
func (b *builder) activitiesWithoutHistory(a string) error {
	b.policies[types["Activity"]] = true
	x := b.alias()
	b.write("(SELECT ", b.d.text("count(*)"))
	b.activities(x)
	b.write(" WHERE ", x, "g.", b.d.ident(goal.FieldPlanID), " = ", a, ".id AND ")
	b.sqlPredicate(report.WithoutHistoryP(x + ".id"))
	b.write(")")
	return nil
}

// byYear writes the rows of table (alias r, whose column activityID names
// an activity) under the plan a's activities, grouped by the year (in UTC,
// report.YearOf) of their column at (and by also, unless it is ""), only
// of the year when there is one: the year as y, their number as n, then
// the columns given (aggregates of r, or also).
func (b *builder) byYear(a, r, table, activityID, at string, also string, year *int, columns ...string) {
	y := report.YearOf(b.d.name, r+"."+b.d.ident(at))
	b.write("SELECT ", y, " AS y, count(*) AS n")
	for _, c := range columns {
		b.write(", ", c)
	}
	b.underPlan(a, r, table, activityID)
	if year != nil {
		b.write(" AND ", y, " = ", b.arg(*year))
	}
	b.write(" GROUP BY ", y)
	if also != "" {
		b.write(", ", also)
	}
}

// underPlan writes the FROM of the rows r of table, whose column
// activityID names an activity, joined to their activities' headings and
// goals, and the WHERE that keeps the rows of the plan a's activities (as
// package report's ofPlan does).
func (b *builder) underPlan(a, r, table, activityID string) {
	x := b.alias()
	b.write(" FROM ", b.d.ident(table), " AS ", r,
		" JOIN ", b.d.ident(activity.Table), " AS ", x, " ON ", r, ".", b.d.ident(activityID), " = ", x, ".id",
		" JOIN ", b.d.ident(objective.Table), " AS ", x, "o ON ", x, ".", b.d.ident(activity.FieldObjectiveID), " = ", x, "o.id",
		" JOIN ", b.d.ident(goal.Table), " AS ", x, "g ON ", x, "o.", b.d.ident(objective.FieldGoalID), " = ", x, "g.id",
		" WHERE ", x, "g.", b.d.ident(goal.FieldPlanID), " = ", a, ".id")
}

// countWhere is the aggregate that counts the rows whose column c holds
// the value v, NULL for none.
func (b *builder) countWhere(c string, v *string) string {
	if v == nil {
		return "count(CASE WHEN " + c + " IS NULL THEN 1 END)"
	}
	return "count(CASE WHEN " + c + " = '" + strings.ReplaceAll(*v, "'", "''") + "' THEN 1 END)"
}

// years writes a list of the years' JSON objects in year order: each
// field of f's selection (of type typ) written by field from the row y of
// byYear's query, which from writes.
func (b *builder) years(f graphql.CollectedField, typ string, from func(), field func(y string, f graphql.CollectedField) error) error {
	y := b.alias()
	b.write("(SELECT '[' || coalesce(", b.d.aggregate("e", "", ""), ", '') || ']' FROM (SELECT '{'")
	for i, ff := range graphql.CollectFields(b.oc, f.Selections, []string{typ}) {
		b.key(i, ff.Alias)
		switch ff.Name {
		case "__typename":
			b.literal(strconv.Quote(typ))
		case "year":
			b.write(b.d.text(y + ".y"))
		default:
			if err := field(y, ff); err != nil {
				return err
			}
		}
	}
	b.write(" || '}' AS e FROM (")
	from()
	b.write(") AS ", y, " ORDER BY ", y, ".y) AS s)")
	return nil
}

// statusChangesByYear writes the plan a's status changes per year, as
// report.StatusChangesByYear counts them.
func (b *builder) statusChangesByYear(a string, f graphql.CollectedField) error {
	year, err := b.year(f)
	if err != nil {
		return err
	}
	b.policies[types["StatusChange"]] = true
	r := b.alias()
	to := map[string]enum.Status{"toPlanned": enum.StatusPlanned, "toOngoing": enum.StatusOngoing, "toDone": enum.StatusDone, "toCancelled": enum.StatusCancelled}
	columns := []string{b.countWhere(r+"."+b.d.ident(statuschange.FieldFromStatus), nil) + " AS created"}
	for _, st := range enum.Statuses {
		v := string(st)
		columns = append(columns, b.countWhere(r+"."+b.d.ident(statuschange.FieldToStatus), &v)+" AS "+statusColumn(st))
	}
	return b.years(f, "StatusChangeYear", func() {
		b.byYear(a, r, statuschange.Table, statuschange.FieldActivityID, statuschange.FieldAt, "", year, columns...)
	}, func(y string, ff graphql.CollectedField) error {
		switch ff.Name {
		case "changes":
			b.write(b.d.text(y + ".n"))
		case "created":
			b.write(b.d.text(y + ".created"))
		default:
			st, ok := to[ff.Name]
			if !ok {
				return fallback("StatusChangeYear.%s", ff.Name)
			}
			b.write(b.d.text(y + "." + statusColumn(st)))
		}
		return nil
	})
}

// followUpsByYear writes the follow-ups of the plan a's activities per
// year of their date, per reported status and per period (in
// report.PeriodRankOf's order), as report.FollowUpsByYear counts them: in
// one pass, counted per year and period, then summed per year with the
// periods' list.
func (b *builder) followUpsByYear(a string, f graphql.CollectedField) error {
	year, err := b.year(f)
	if err != nil {
		return err
	}
	b.policies[types["FollowUp"]] = true
	r, yp := b.alias(), b.alias()
	status, period := r+"."+b.d.ident(followup.FieldStatus), r+"."+b.d.ident(followup.FieldPeriod)
	counts := []string{"n_none"}
	columns := []string{b.countWhere(status, nil) + " AS n_none", period + " AS period"}
	for _, st := range enum.Statuses {
		v := string(st)
		counts = append(counts, statusColumn(st))
		columns = append(columns, b.countWhere(status, &v)+" AS "+statusColumn(st))
	}
	var periods []graphql.CollectedField // each written as a column of its own
	err = b.years(f, "FollowUpYear", func() {
		b.write("SELECT ", yp, ".y AS y, sum(", yp, ".n) AS n")
		for _, c := range counts {
			b.write(", sum(", yp, ".", c, ") AS ", c)
		}
		for i, pf := range periods {
			b.write(", ", b.d.aggregate(b.periodCount(yp, pf), report.PeriodRankOf(yp+".period"), ""), " AS periods", strconv.Itoa(i))
		}
		b.write(" FROM (")
		b.byYear(a, r, followup.Table, followup.FieldActivityID, followup.FieldDate, period, year, columns...)
		b.write(") AS ", yp, " GROUP BY ", yp, ".y")
	}, func(y string, ff graphql.CollectedField) error {
		switch ff.Name {
		case "followUps":
			b.write(b.d.text(y + ".n"))
		case "reportedStatuses":
			return b.followUpStatuses(y, ff)
		case "periods":
			for _, pf := range graphql.CollectFields(b.oc, ff.Selections, []string{"FollowUpPeriodCount"}) {
				switch pf.Name {
				case "__typename", "period", "followUps":
				default:
					return fallback("FollowUpPeriodCount.%s", pf.Name)
				}
			}
			b.write("'[' || coalesce(", y, ".periods", strconv.Itoa(len(periods)), ", '') || ']'")
			periods = append(periods, ff)
		default:
			return fallback("FollowUpYear.%s", ff.Name)
		}
		return nil
	})
	return err
}

// periodCount is the JSON of a FollowUpPeriodCount of the row yp of
// followUpsByYear's counts per year and period, as an expression for an
// aggregate (written apart: it has no arguments).
func (b *builder) periodCount(yp string, f graphql.CollectedField) string {
	e := &builder{ctx: b.ctx, oc: b.oc, d: b.d, policies: b.policies}
	e.write("'{'")
	for i, ff := range graphql.CollectFields(b.oc, f.Selections, []string{"FollowUpPeriodCount"}) {
		e.key(i, ff.Alias)
		switch ff.Name {
		case "__typename":
			e.literal(`"FollowUpPeriodCount"`)
		case "period":
			e.write("coalesce('\"' || ", yp, ".period || '\"', 'null')")
		case "followUps":
			e.write(e.d.text(yp + ".n"))
		}
	}
	e.write(" || '}'")
	return e.sb.String()
}

// followUpStatuses writes a FollowUpStatusCounts of the columns of the
// year y.
func (b *builder) followUpStatuses(y string, f graphql.CollectedField) error {
	b.write("'{'")
	for i, ff := range graphql.CollectFields(b.oc, f.Selections, []string{"FollowUpStatusCounts"}) {
		b.key(i, ff.Alias)
		switch ff.Name {
		case "__typename":
			b.literal(`"FollowUpStatusCounts"`)
		case "planned":
			b.write(b.d.text(y + "." + statusColumn(enum.StatusPlanned)))
		case "ongoing":
			b.write(b.d.text(y + "." + statusColumn(enum.StatusOngoing)))
		case "done":
			b.write(b.d.text(y + "." + statusColumn(enum.StatusDone)))
		case "cancelled":
			b.write(b.d.text(y + "." + statusColumn(enum.StatusCancelled)))
		case "withoutStatus":
			b.write(b.d.text(y + ".n_none"))
		default:
			return fallback("FollowUpStatusCounts.%s", ff.Name)
		}
	}
	b.write(" || '}'")
	return nil
}
