package report

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/institution"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/predicate"
)

// MunicipalityReport is a municipality's part in a plan.
type MunicipalityReport struct {
	Municipality *ent.Municipality
	Plan         *ent.Plan
	// Year is the year the activities are prioritised in; nil for all.
	Year *int
	// Goals are every goal of the plan, by number, with the activities the
	// municipality takes part in per status.
	Goals []*MunicipalityGoal
	// Institutions are those whose home is the municipality, by name.
	Institutions []*InstitutionActivities
}

// MunicipalityGoal is a goal with the number of its activities a
// municipality takes part in, per status.
type MunicipalityGoal struct {
	Goal         *ent.Goal
	StatusCounts Counts
}

// InstitutionActivities is an institution with the number of the plan's
// activities it takes part in.
type InstitutionActivities struct {
	Institution *ent.Institution
	Activities  int
}

// StatusCounts is the activities the municipality takes part in, per
// status, under all the plan's goals.
func (r *MunicipalityReport) StatusCounts() Counts {
	var c Counts
	for _, g := range r.Goals {
		c = c.Plus(g.StatusCounts)
	}
	return c
}

// ForMunicipality builds a municipality's report on a plan, of one year or
// all, in two queries: its activities per goal and status, and its
// institutions with their activities in the plan. The latest follow-ups are
// FollowUpsOf, to be paged.
func ForMunicipality(ctx context.Context, c *ent.Client, m *ent.Municipality, p *ent.Plan, year *int) (*MunicipalityReport, error) {
	goals, err := c.Goal.Query().
		Where(goal.PlanID(p.ID)).
		Order(ent.Asc(goal.FieldNumber)).
		Modify(func(s *sql.Selector) {
			b, t := tables(s)
			// The municipality's activities, with what the join needs.
			mine := b.Select(t.a.Columns(activity.FieldID, activity.FieldObjectiveID, activity.FieldStatus,
				activity.FieldFirstYear, activity.FieldLastYear)...).
				From(t.a).
				Join(t.am).On(t.am.C(activity.MunicipalitiesPrimaryKey[0]), t.a.C(activity.FieldID)).
				Where(sql.EQ(t.am.C(activity.MunicipalitiesPrimaryKey[1]), m.ID)).
				As("mine")
			on := sql.ColumnsEQ(mine.C(activity.FieldObjectiveID), t.o.C(objective.FieldID))
			if year != nil {
				on = sql.And(on, PrioritisedIn(mine.C, t.p.C, *year))
			}
			s.Join(t.p).On(s.C(goal.FieldPlanID), t.p.C(plan.FieldID)).
				LeftJoin(t.o).On(t.o.C(objective.FieldGoalID), s.C(goal.FieldID)).
				LeftJoin(mine).OnP(on).
				GroupBy(s.C(goal.FieldID))
			appendStatusCounts(s, mine.C(activity.FieldStatus))
		}).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("municipality report goals: %w", err)
	}
	r := &MunicipalityReport{Municipality: m, Plan: p, Year: year, Goals: make([]*MunicipalityGoal, len(goals))}
	for i, g := range goals {
		counts, err := countsOf(g.Value)
		if err != nil {
			return nil, fmt.Errorf("municipality report goals: %w", err)
		}
		r.Goals[i] = &MunicipalityGoal{Goal: g, StatusCounts: counts}
	}

	insts, err := c.Institution.Query().
		Where(institution.MunicipalityID(m.ID)).
		Order(ent.Asc(institution.FieldName), ent.Asc(institution.FieldID)).
		Modify(func(s *sql.Selector) {
			b, t := tables(s)
			// The plan's (institution, activity) links.
			links := ofPlan(b.Select(t.ai.C(activity.InstitutionsPrimaryKey[1])).From(t.ai),
				t, t.ai.C(activity.InstitutionsPrimaryKey[0]), p.ID).
				Join(t.p).On(t.g.C(goal.FieldPlanID), t.p.C(plan.FieldID))
			if year != nil {
				links.Where(PrioritisedIn(t.a.C, t.p.C, *year))
			}
			links.As("links")
			instID := links.C(activity.InstitutionsPrimaryKey[1])
			s.LeftJoin(links).On(s.C(institution.FieldID), instID).
				GroupBy(s.C(institution.FieldID)).
				AppendSelectExprAs(countOf(instID, false), "report_activities")
		}).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("municipality report institutions: %w", err)
	}
	r.Institutions = make([]*InstitutionActivities, len(insts))
	for i, in := range insts {
		n, err := intValue(in.Value, "report_activities")
		if err != nil {
			return nil, fmt.Errorf("municipality report institutions: %w", err)
		}
		r.Institutions[i] = &InstitutionActivities{Institution: in, Activities: n}
	}
	return r, nil
}

// FollowUpsOf returns the query for the follow-ups of the plan's activities
// that a municipality takes part in, dated in the year when there is one.
func FollowUpsOf(c *ent.Client, municipalityID, planID int, year *int) *ent.FollowUpQuery {
	q := c.FollowUp.Query().Where(followup.HasActivityWith(
		activity.HasMunicipalitiesWith(municipality.ID(municipalityID)),
		activity.HasObjectiveWith(objective.HasGoalWith(goal.PlanID(planID))),
	))
	if year != nil {
		q.Where(datedIn(*year))
	}
	return q
}

// datedIn is the condition that a follow-up is dated in the year.
func datedIn(year int) predicate.FollowUp {
	return func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) {
			b.WriteString(YearOf(s.Dialect(), s.C(followup.FieldDate))).WriteOp(sql.OpEQ).Arg(year)
		}))
	}
}
