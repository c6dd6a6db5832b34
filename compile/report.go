package compile

import (
	"fmt"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/schema/enum"
	"github.com/samverkan/samverkan/report"
	"github.com/samverkan/samverkan/storage"
)

// reportField writes the JSON of the report field f of the row a of typ;
// false when f is not one the compiler writes. It writes a plan's, a
// goal's and a heading's activities per status (statusCounts) and a
// plan's per goal and heading (statusByGoal), counted in the statement as
// package report counts them, and whether an activity is in the whole
// county (Activity.wholeCounty, as report.InWholeCounty decides). The
// other report fields (coverage, follow-ups and status changes by year, a
// municipality's report, the perspectives') are left to the resolvers.
func (b *builder) reportField(typ *Type, a string, f graphql.CollectedField) (bool, error) {
	var scope func(o, g string) string
	switch typ.Name + "." + f.Name {
	case "Plan.statusByGoal":
		return true, b.statusByGoal(a, f)
	case "Activity.wholeCounty":
		return true, b.wholeCounty(a)
	case "Plan.statusCounts":
		scope = func(o, g string) string { return g + "." + b.d.ident(goal.FieldPlanID) + " = " + a + ".id" }
	case "Goal.statusCounts":
		scope = func(o, g string) string { return g + ".id = " + a + ".id" }
	case "Objective.statusCounts":
		scope = func(o, g string) string { return o + ".id = " + a + ".id" }
	default:
		return false, nil
	}
	return true, b.statusCounts(f, scope)
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
	joins, err := b.row(func() error { return b.node(typ, a, false, field.Selections) })
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

// tally writes a query of the activities per status, one column per
// status named by statusColumn: of the activities under a heading xo, goal
// xg and plan xp that scope keeps (it gets the heading's and the goal's
// aliases), prioritised in the year when there is one; grouped by the
// heading's or the goal's column group (its key as "k") when not empty.
// Of every year on SQLite, it sums the activities per heading and status
// that storage keeps (storage.StatusCountsTable) rather than counting the
// activities.
func (b *builder) tally(x string, year *int, group string, scope func(o, g string) string) {
	xo, xg, xp := x+"o", x+"g", x+"p"
	id := func(t, c string) string { return t + "." + b.d.ident(c) }
	kept := year == nil && b.d.name == dialect.SQLite
	b.write("SELECT ")
	if group != "" {
		b.write(id(xo, group), " AS k, ")
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
	table := activity.Table
	if kept {
		table = storage.StatusCountsTable
	}
	b.write(" FROM ", b.d.ident(table), " AS ", x,
		" JOIN ", b.d.ident(objective.Table), " AS ", xo, " ON ", id(x, activity.FieldObjectiveID), " = ", xo, ".id",
		" JOIN ", b.d.ident(goal.Table), " AS ", xg, " ON ", id(xo, objective.FieldGoalID), " = ", xg, ".id")
	if !kept {
		b.write(" JOIN ", b.d.ident(plan.Table), " AS ", xp, " ON ", id(xg, goal.FieldPlanID), " = ", xp, ".id")
	}
	b.write(" WHERE ", scope(xo, xg))
	if year != nil {
		b.write(" AND ")
		b.sqlPredicate(report.PrioritisedIn(func(c string) string { return id(x, c) }, func(c string) string { return id(xp, c) }, *year))
	}
	if group != "" {
		b.write(" GROUP BY ", id(xo, group))
	}
}

func statusColumn(st enum.Status) string { return "n_" + string(st) }

// statusCounts writes a StatusCounts of the activities scope keeps.
func (b *builder) statusCounts(f graphql.CollectedField, scope func(o, g string) string) error {
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
	b.tally(x, year, "", scope)
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
	b.tally(x, year, objective.FieldGoalID, func(o, gg string) string { return gg + "." + b.d.ident(goal.FieldPlanID) + " = " + a + ".id" })
	b.write(") AS ", c, " ON ", c, ".k = ", g, ".id")
	b.write(" WHERE ", g, ".", b.d.ident(goal.FieldPlanID), " = ", a, ".id ORDER BY ", g, ".", b.d.ident(goal.FieldNumber), ") AS s)")
	return nil
}

// objectiveStatuses writes the headings of the goal g, each with its
// activities per status.
func (b *builder) objectiveStatuses(g string, year *int, f graphql.CollectedField) error {
	b.policies[types["Objective"]] = true
	o, c, x := b.alias(), b.alias(), b.alias()
	b.write("(SELECT '[' || coalesce(", b.d.aggregate("e", "", ""), ", '') || ']' FROM (SELECT '{'")
	joins, err := b.row(func() error {
		for i, of := range graphql.CollectFields(b.oc, f.Selections, []string{"ObjectiveStatus"}) {
			b.key(i, of.Alias)
			switch of.Name {
			case "__typename":
				b.literal(`"ObjectiveStatus"`)
			case "objective":
				if err := b.node(types["Objective"], o, false, of.Selections); err != nil {
					return err
				}
			case "statusCounts":
				if err := b.counts(c, of); err != nil {
					return err
				}
			default:
				return fallback("ObjectiveStatus.%s", of.Name)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.write(" || '}' AS e FROM ", b.d.ident(objective.Table), " AS ", o)
	for _, j := range joins {
		b.write(" ", j)
	}
	b.write(" LEFT JOIN (")
	b.tally(x, year, objective.FieldID, func(xo, xg string) string { return xo + "." + b.d.ident(objective.FieldGoalID) + " = " + g + ".id" })
	b.write(") AS ", c, " ON ", c, ".k = ", o, ".id")
	b.write(" WHERE ", o, ".", b.d.ident(objective.FieldGoalID), " = ", g, ".id ORDER BY ",
		o, ".", b.d.ident(objective.FieldPosition), ", ", o, ".", b.d.ident(objective.FieldTitle), ", ", o, ".id) AS s)")
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
