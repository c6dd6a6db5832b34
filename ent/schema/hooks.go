package schema

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"golang.org/x/text/unicode/norm"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/audit"
	"github.com/samverkan/samverkan/auth"
	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/hook"
	"github.com/samverkan/samverkan/ent/indicator"
	"github.com/samverkan/samverkan/ent/institution"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/municipalitygroup"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/perspective"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/schema/enum"
	"github.com/samverkan/samverkan/ent/token"
	"github.com/samverkan/samverkan/ent/user"
	"github.com/samverkan/samverkan/storage/pipeline"
)

// normalizeText rewrites every string and string list a mutation sets to
// Unicode NFC, so that "Örebro" typed on a Mac (which may send O and a
// combining diaeresis) and "Örebro" from the seed are the same bytes, and
// search and sort agree on them.
func normalizeText(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		for _, name := range m.Fields() {
			v, _ := m.Field(name)
			switch v := v.(type) {
			case string:
				if !norm.NFC.IsNormalString(v) {
					if err := m.SetField(name, norm.NFC.String(v)); err != nil {
						return nil, fmt.Errorf("normalize %s: %w", name, err)
					}
				}
			case []string:
				// Only when needed: setting a list would drop values the
				// mutation appends to it.
				if slices.ContainsFunc(v, func(s string) bool { return !norm.NFC.IsNormalString(s) }) {
					out := make([]string, len(v))
					for i, s := range v {
						out[i] = norm.NFC.String(s)
					}
					if err := m.SetField(name, out); err != nil {
						return nil, fmt.Errorf("normalize %s: %w", name, err)
					}
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}

// existingIDs returns those of ids that name a record of one type.
type existingIDs func(ctx context.Context, c *gen.Client, ids []int) ([]int, error)

// edgeTargets says, for every edge a mutation can add (by the mutation's
// type and the edge's name), what its records are called and how to find
// which of a list of ids exist.
var edgeTargets = map[string]struct {
	record string
	exist  existingIDs
}{
	"Goal.plan":                        {"plan", existingPlans},
	"Objective.goal":                   {"goal", existingGoals},
	"Goal.actors":                      {"institution", existingInstitutions},
	"Institution.goals":                {"goal", existingGoals},
	"Activity.objective":               {"heading", existingObjectives},
	"Activity.municipalities":          {"municipality", existingMunicipalities},
	"Activity.institutions":            {"institution", existingInstitutions},
	"Activity.perspectives":            {"perspective", existingPerspectives},
	"Perspective.activities":           {"activity", existingActivities},
	"MunicipalityGroup.municipalities": {"municipality", existingMunicipalities},
	"Municipality.groups":              {"municipality group", existingMunicipalityGroups},
	"FollowUp.activity":                {"activity", existingActivities},
	"Municipality.activities":          {"activity", existingActivities},
	"Institution.municipality":         {"municipality", existingMunicipalities},
	"Institution.activities":           {"activity", existingActivities},
	"Token.user":                       {"user", existingUsers},
	"User.municipalities":              {"municipality", existingMunicipalities},
	"User.institutions":                {"institution", existingInstitutions},
	"Indicator.goal":                   {"goal", existingGoals},
	"Indicator.objective":              {"heading", existingObjectives},
	"Indicator.activity":               {"activity", existingActivities},
	"IndicatorTarget.indicator":        {"indicator", existingIndicators},
	"IndicatorValue.indicator":         {"indicator", existingIndicators},
	"IndicatorValue.municipality":      {"municipality", existingMunicipalities},
	"IndicatorValue.follow_up":         {"follow-up", existingFollowUps},
	"GoalAssessment.goal":              {"goal", existingGoals},
	"Activity.predecessor":             {"activity", existingActivities},
	"Activity.successor":               {"activity", existingActivities},
	"FollowUpDeadline.plan":            {"plan", existingPlans},
	"PlanRevision.plan":                {"plan", existingPlans},

	// The yearly report's closings and marks (yearlyreport.go).
	"YearlyReportClosing.plan":           {"plan", existingPlans},
	"YearlyReportReadiness.plan":         {"plan", existingPlans},
	"YearlyReportReadiness.municipality": {"municipality", existingMunicipalities},
}

func existingIndicators(ctx context.Context, c *gen.Client, ids []int) ([]int, error) {
	return c.Indicator.Query().Where(indicator.IDIn(ids...)).IDs(ctx)
}

func existingFollowUps(ctx context.Context, c *gen.Client, ids []int) ([]int, error) {
	return c.FollowUp.Query().Where(followup.IDIn(ids...)).IDs(ctx)
}

func existingPlans(ctx context.Context, c *gen.Client, ids []int) ([]int, error) {
	return c.Plan.Query().Where(plan.IDIn(ids...)).IDs(ctx)
}

func existingGoals(ctx context.Context, c *gen.Client, ids []int) ([]int, error) {
	return c.Goal.Query().Where(goal.IDIn(ids...)).IDs(ctx)
}

func existingObjectives(ctx context.Context, c *gen.Client, ids []int) ([]int, error) {
	return c.Objective.Query().Where(objective.IDIn(ids...)).IDs(ctx)
}

func existingActivities(ctx context.Context, c *gen.Client, ids []int) ([]int, error) {
	return c.Activity.Query().Where(activity.IDIn(ids...)).IDs(ctx)
}

func existingMunicipalities(ctx context.Context, c *gen.Client, ids []int) ([]int, error) {
	return c.Municipality.Query().Where(municipality.IDIn(ids...)).IDs(ctx)
}

func existingUsers(ctx context.Context, c *gen.Client, ids []int) ([]int, error) {
	return c.User.Query().Where(user.IDIn(ids...)).IDs(ctx)
}

func existingPerspectives(ctx context.Context, c *gen.Client, ids []int) ([]int, error) {
	return c.Perspective.Query().Where(perspective.IDIn(ids...)).IDs(ctx)
}

func existingMunicipalityGroups(ctx context.Context, c *gen.Client, ids []int) ([]int, error) {
	return c.MunicipalityGroup.Query().Where(municipalitygroup.IDIn(ids...)).IDs(ctx)
}

func existingInstitutions(ctx context.Context, c *gen.Client, ids []int) ([]int, error) {
	return c.Institution.Query().Where(institution.IDIn(ids...)).IDs(ctx)
}

// referencesExist refuses a mutation that links to an id naming no record of
// the right type, and says which input field holds it. Without it, the
// database's foreign keys would refuse the write with a message that names
// neither the field nor the id.
func referencesExist(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		for _, edge := range m.AddedEdges() {
			target, ok := edgeTargets[m.Type()+"."+edge]
			if !ok {
				return nil, fmt.Errorf("no reference check for edge %s.%s", m.Type(), edge)
			}
			var ids []int
			for _, id := range m.AddedIDs(edge) {
				ids = append(ids, id.(int))
			}
			if len(ids) == 0 {
				continue
			}
			client, ok := m.(interface{ Client() *gen.Client })
			if !ok {
				return nil, fmt.Errorf("mutation %T has no client", m)
			}
			found, err := target.exist(ctx, client.Client(), ids)
			if err != nil {
				return nil, fmt.Errorf("check %s references: %w", edge, err)
			}
			for _, id := range ids {
				if !slices.Contains(found, id) {
					return nil, samverkan.Errorf(samverkan.CodeNotFound, edgeInputField(m, edge),
						"no %s has the id %d", target.record, id)
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}

// edgeInputField is the GraphQL input field that sets an edge: objectiveID
// for a unique edge, municipalityIDs when creating and addMunicipalityIDs
// when updating for the others.
func edgeInputField(m ent.Mutation, edge string) string {
	if !strings.HasSuffix(edge, "s") {
		return samverkan.GraphQLName(edge) + "ID"
	}
	name := samverkan.GraphQLName(singular(edge)) + "IDs"
	if m.Op().Is(ent.OpCreate) {
		return name
	}
	return "add" + strings.ToUpper(name[:1]) + name[1:]
}

// singular turns a table or edge name into the name of one record:
// municipalities → municipality, follow_ups → follow_up.
func singular(plural string) string {
	if s, ok := strings.CutSuffix(plural, "ies"); ok {
		return s + "y"
	}
	return strings.TrimSuffix(plural, "s")
}

// yearRangeHook refuses a last year before the first year. On an update that
// sets only one of them, the other is read from the stored record.
func yearRangeHook(firstField, lastField string) ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			_, firstSet := m.Field(firstField)
			_, lastSet := m.Field(lastField)
			if !firstSet && !lastSet {
				return next.Mutate(ctx, m)
			}
			first, okFirst, err := intField(ctx, m, firstField)
			if err != nil {
				return nil, err
			}
			last, okLast, err := intField(ctx, m, lastField)
			if err != nil {
				return nil, err
			}
			if okFirst && okLast && last < first {
				return nil, samverkan.Errorf(samverkan.CodeValidation, samverkan.GraphQLName(lastField),
					"must not be before the first year (%d is before %d)", last, first)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// intField returns the value an int field will have after the mutation: the
// new value if it sets one, else the stored one (on an update of one record).
func intField(ctx context.Context, m ent.Mutation, name string) (int, bool, error) {
	if v, ok := m.Field(name); ok {
		n, ok := v.(int)
		return n, ok, nil
	}
	if m.FieldCleared(name) || !m.Op().Is(ent.OpUpdateOne) {
		return 0, false, nil
	}
	old, err := m.OldField(ctx, name)
	if err != nil {
		return 0, false, fmt.Errorf("read stored %s: %w", name, err)
	}
	switch v := old.(type) {
	case int:
		return v, true, nil
	case *int:
		if v != nil {
			return *v, true, nil
		}
	}
	return 0, false, nil
}

// dateRangeHook refuses an end date before the start date. On an update
// that sets only one of them, the other is read from the stored record.
func dateRangeHook(startField, endField string) ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			_, startSet := m.Field(startField)
			_, endSet := m.Field(endField)
			if !startSet && !endSet {
				return next.Mutate(ctx, m)
			}
			start, okStart, err := timeField(ctx, m, startField)
			if err != nil {
				return nil, err
			}
			end, okEnd, err := timeField(ctx, m, endField)
			if err != nil {
				return nil, err
			}
			if okStart && okEnd && end.Before(start) {
				return nil, samverkan.Errorf(samverkan.CodeValidation, samverkan.GraphQLName(endField),
					"must not be before the start date (%s is before %s)", day(end), day(start))
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// timeField returns the value a time field will have after the mutation:
// the new value if it sets one, else the stored one (on an update of one
// record).
func timeField(ctx context.Context, m ent.Mutation, name string) (time.Time, bool, error) {
	if v, ok := m.Field(name); ok {
		t, ok := v.(time.Time)
		return t, ok, nil
	}
	if m.FieldCleared(name) || !m.Op().Is(ent.OpUpdateOne) {
		return time.Time{}, false, nil
	}
	old, err := m.OldField(ctx, name)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read stored %s: %w", name, err)
	}
	switch v := old.(type) {
	case time.Time:
		return v, true, nil
	case *time.Time:
		if v != nil {
			return *v, true, nil
		}
	}
	return time.Time{}, false, nil
}

// day writes a date as a client gives it, 2021-06-01 (in UTC, as the admin
// page sends dates).
func day(t time.Time) string {
	return t.UTC().Format(time.DateOnly)
}

// followUpWithinPlanPeriod refuses a follow-up dated outside the years of
// the plan its activity belongs to: a follow-up of a 2020–2023 plan dated
// 1990 is a typing mistake. The date is what the follow-up refers to (the
// year, half-year or tertial reported on), so it needs no slack after the
// period, even though the last year's report is written the spring after.
var followUpWithinPlanPeriod = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.FollowUpFunc(func(ctx context.Context, m *gen.FollowUpMutation) (ent.Value, error) {
		_, dated := m.Date()
		_, moved := m.ActivityID()
		if !dated && !moved {
			return next.Mutate(ctx, m)
		}
		activityID, ok := m.ActivityID()
		if !ok {
			old, err := m.OldActivityID(ctx)
			if err != nil {
				return nil, fmt.Errorf("read stored activity: %w", err)
			}
			activityID = old
		}
		date, ok := m.Date()
		if !ok {
			old, err := m.OldDate(ctx)
			if err != nil {
				return nil, fmt.Errorf("read stored date: %w", err)
			}
			date = old
		}
		// An unknown activity never gets here: referencesExist, a mixin
		// hook, runs first and names it.
		plan, err := m.Client().Activity.Query().
			Where(activity.ID(activityID)).
			QueryObjective().QueryGoal().QueryPlan().
			Only(asServer(ctx))
		if err != nil {
			return nil, fmt.Errorf("read the follow-up's plan: %w", err)
		}
		if y := date.UTC().Year(); y < plan.FirstYear || y > plan.LastYear {
			return nil, samverkan.Errorf(samverkan.CodeValidation, "date",
				"must be within the plan's period %d–%d (got %s)", plan.FirstYear, plan.LastYear, day(date))
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate|ent.OpUpdateOne)

// activityWithinPlanPeriod refuses prioritised years outside the period of
// the plan the activity belongs to.
var activityWithinPlanPeriod = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.ActivityFunc(func(ctx context.Context, m *gen.ActivityMutation) (ent.Value, error) {
		_, firstSet := m.FirstYear()
		_, lastSet := m.LastYear()
		_, moved := m.ObjectiveID()
		if !firstSet && !lastSet && !moved {
			return next.Mutate(ctx, m)
		}
		objectiveID, ok := m.ObjectiveID()
		if !ok {
			old, err := m.OldObjectiveID(ctx)
			if err != nil {
				return nil, fmt.Errorf("read stored objective: %w", err)
			}
			objectiveID = old
		}
		plan, err := m.Client().Objective.Query().
			Where(objective.ID(objectiveID)).
			QueryGoal().QueryPlan().
			Only(ctx)
		// An unknown heading never gets here: referencesExist, a mixin
		// hook, runs first and names it.
		if err != nil {
			return nil, fmt.Errorf("read the activity's plan: %w", err)
		}
		for _, f := range []string{"first_year", "last_year"} {
			y, ok, err := intField(ctx, m, f)
			if err != nil {
				return nil, err
			}
			if ok && (y < plan.FirstYear || y > plan.LastYear) {
				return nil, samverkan.Errorf(samverkan.CodeValidation, samverkan.GraphQLName(f),
					"must be within the plan's period %d–%d (got %d)", plan.FirstYear, plan.LastYear, y)
			}
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate|ent.OpUpdateOne)

// recordStatusChange writes down every change of an activity's status, its
// creation included, in the same transaction as the change. What is left
// out of the audit trail (loading the seed, the plan's starting point) is
// no change either: a seeded activity has no history until someone changes
// it, rather than a creation dated the day the seed was loaded.
var recordStatusChange = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.ActivityFunc(func(ctx context.Context, m *gen.ActivityMutation) (ent.Value, error) {
		if audit.IsOff(ctx) {
			return next.Mutate(ctx, m)
		}
		var from *enum.Status
		if _, restored := m.ID(); restored && m.Op().Is(ent.OpCreate) {
			// A restored activity gets its history back from its
			// deletion's entry (package undo), not a new beginning.
			return next.Mutate(ctx, m)
		}
		if m.Op().Is(ent.OpUpdateOne) {
			to, set := m.Status()
			if !set {
				return next.Mutate(ctx, m)
			}
			old, err := m.OldStatus(ctx)
			if err != nil {
				return nil, fmt.Errorf("read stored status: %w", err)
			}
			if old == to {
				return next.Mutate(ctx, m)
			}
			from = &old
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return v, err
		}
		a, ok := v.(*gen.Activity)
		if !ok {
			return nil, fmt.Errorf("activity mutation returned %T", v)
		}
		if err := m.Client().StatusChange.Create().
			SetActivityID(a.ID).
			SetNillableFromStatus(from).
			SetToStatus(a.Status).
			Exec(pipeline.Later(asServer(ctx))); err != nil { // its id is not needed
			return nil, fmt.Errorf("record the status change: %w", err)
		}
		return v, nil
	})
}, ent.OpCreate|ent.OpUpdateOne)

// countyCodeFromCode keeps a municipality's county code equal to the first
// two digits of its code, so the two can never disagree.
var countyCodeFromCode = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.MunicipalityFunc(func(ctx context.Context, m *gen.MunicipalityMutation) (ent.Value, error) {
		if code, ok := m.Code(); ok && len(code) >= 2 {
			m.SetCountyCode(code[:2])
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)

// keepAnAdmin refuses to delete the last admin, make it something else or
// disable it: without an admin who can sign in, nobody could manage users
// again but from the command line. Only enabled admins count.
//
// The check holds under concurrency: on PostgreSQL it locks the admins'
// rows (SELECT … FOR UPDATE) until the transaction ends, so of two admins
// demoting or deleting each other at once, the second waits for the first
// and then reads the admins as the first left them (READ COMMITTED reads
// a locked row again once it is free). Both lock the rows in the order of
// their ids, so neither can hold a row the other waits for. On SQLite,
// writers take turns anyway.
var keepAnAdmin = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.UserFunc(func(ctx context.Context, m *gen.UserMutation) (ent.Value, error) {
		role, demoted := m.Role()
		demoted = demoted && role != auth.RoleAdmin
		disabled, _ := m.Disabled()
		if m.Op().Is(ent.OpUpdateOne) && !demoted && !disabled {
			return next.Mutate(ctx, m)
		}
		id, _ := m.ID()
		admins, err := m.Client().User.Query().
			Where(user.RoleEQ(auth.RoleAdmin), user.Disabled(false)).
			Order(user.ByID()).
			Select(user.FieldID).
			Modify(forUpdateOnPostgres).
			Ints(asServer(ctx))
		if err != nil {
			return nil, fmt.Errorf("read the admins: %w", err)
		}
		if !slices.Contains(admins, id) {
			return next.Mutate(ctx, m)
		}
		if len(admins) < 2 {
			switch {
			case m.Op().Is(ent.OpDeleteOne):
				return nil, samverkan.Errorf(samverkan.CodeValidation, "",
					"the last admin must stay an admin: make another user admin first")
			case demoted:
				return nil, samverkan.Errorf(samverkan.CodeValidation, "role",
					"the last admin must stay an admin: make another user admin first")
			}
			return nil, samverkan.Errorf(samverkan.CodeValidation, "disabled",
				"the last admin must stay enabled: make another user admin first")
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpUpdateOne|ent.OpDeleteOne)

// forUpdateOnPostgres locks the rows a query reads until its transaction
// ends, on PostgreSQL; SQLite has no row locks (nor needs them: its
// writers take turns).
func forUpdateOnPostgres(s *sql.Selector) {
	if s.Dialect() == dialect.Postgres {
		s.ForUpdate()
	}
}

// lowerCaseUsername stores a username in the form sign-in compares it in
// (auth.Username), so that "Anna" typed into a form is the user "anna".
var lowerCaseUsername = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.UserFunc(func(ctx context.Context, m *gen.UserMutation) (ent.Value, error) {
		if name, ok := m.Username(); ok {
			m.SetUsername(auth.Username(name))
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate|ent.OpUpdateOne)

// tokenRules refuses a token, a session or an API token, for a disabled
// user: it could not be used, and would start working unasked when the user
// is enabled again (Login says so before it issues one; this is for an
// admin's createAPIToken). It holds an API token to what an admin issuing
// one must say: what it is for, and an expiry, if any, in the future.
// (Sessions have no name and expire as the server sets.)
var tokenRules = hook.On(func(next ent.Mutator) ent.Mutator {
	return hook.TokenFunc(func(ctx context.Context, m *gen.TokenMutation) (ent.Value, error) {
		if id, ok := m.UserID(); ok {
			disabled, err := m.Client().User.Query().
				Where(user.ID(id), user.Disabled(true)).
				Exist(asServer(ctx))
			if err != nil {
				return nil, fmt.Errorf("read the token's user: %w", err)
			}
			if disabled {
				return nil, samverkan.Errorf(samverkan.CodeValidation, "userID",
					"the user is disabled: enable it before issuing it a token")
			}
		}
		if kind, _ := m.Kind(); kind != token.KindAPI {
			return next.Mutate(ctx, m)
		}
		name, _ := m.Name()
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, samverkan.Errorf(samverkan.CodeValidation, "name", "must not be empty: say what the token is for")
		}
		m.SetName(name)
		if expires, ok := m.ExpiresAt(); ok && !expires.After(time.Now()) {
			return nil, samverkan.Errorf(samverkan.CodeValidation, "expiresAt", "must be in the future")
		}
		return next.Mutate(ctx, m)
	})
}, ent.OpCreate)
