package schema

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan"
	gen "github.com/samverkan/samverkan/ent"
)

// existingIDs returns those of ids that name a record of one type.
type existingIDs func(ctx context.Context, c *gen.Client, ids []int) ([]int, error)

// edgeTargets says, for every edge a mutation can add (by the mutation's
// type and the edge's name), the type of its records and how to find
// which of a list of ids exist.
var edgeTargets = map[string]struct {
	typ   string // the ent type of its records
	exist existingIDs
}{
	"Goal.plan":                        {"Plan", existingPlans},
	"Objective.goal":                   {"Goal", existingGoals},
	"Goal.actors":                      {"Institution", existingInstitutions},
	"Institution.goals":                {"Goal", existingGoals},
	"Activity.objective":               {"Objective", existingObjectives},
	"Activity.municipalities":          {"Municipality", existingMunicipalities},
	"Activity.institutions":            {"Institution", existingInstitutions},
	"Activity.perspectives":            {"Perspective", existingPerspectives},
	"Perspective.activities":           {"Activity", existingActivities},
	"MunicipalityGroup.municipalities": {"Municipality", existingMunicipalities},
	"Municipality.groups":              {"MunicipalityGroup", existingMunicipalityGroups},
	"FollowUp.activity":                {"Activity", existingActivities},
	"Municipality.activities":          {"Activity", existingActivities},
	"Institution.municipality":         {"Municipality", existingMunicipalities},
	"Institution.activities":           {"Activity", existingActivities},
	"Token.user":                       {"User", existingUsers},
	"User.municipalities":              {"Municipality", existingMunicipalities},
	"User.institutions":                {"Institution", existingInstitutions},
	"Indicator.goal":                   {"Goal", existingGoals},
	"Indicator.objective":              {"Objective", existingObjectives},
	"Indicator.activity":               {"Activity", existingActivities},
	"IndicatorTarget.indicator":        {"Indicator", existingIndicators},
	"IndicatorValue.indicator":         {"Indicator", existingIndicators},
	"IndicatorValue.municipality":      {"Municipality", existingMunicipalities},
	"IndicatorValue.follow_up":         {"FollowUp", existingFollowUps},
	"GoalAssessment.goal":              {"Goal", existingGoals},
	"Activity.predecessor":             {"Activity", existingActivities},
	"Activity.successor":               {"Activity", existingActivities},
	"FollowUpDeadline.plan":            {"Plan", existingPlans},
	"PlanRevision.plan":                {"Plan", existingPlans},

	// The yearly report's closings and marks (yearlyreport.go).
	"YearlyReportClosing.plan":           {"Plan", existingPlans},
	"YearlyReportReadiness.plan":         {"Plan", existingPlans},
	"YearlyReportReadiness.municipality": {"Municipality", existingMunicipalities},
}

// The existingIDs of the types edges lead to.
var (
	existingIndicators         = existing(func(c *gen.Client) *gen.IndicatorQuery { return c.Indicator.Query() })
	existingFollowUps          = existing(func(c *gen.Client) *gen.FollowUpQuery { return c.FollowUp.Query() })
	existingPlans              = existing(func(c *gen.Client) *gen.PlanQuery { return c.Plan.Query() })
	existingGoals              = existing(func(c *gen.Client) *gen.GoalQuery { return c.Goal.Query() })
	existingObjectives         = existing(func(c *gen.Client) *gen.ObjectiveQuery { return c.Objective.Query() })
	existingActivities         = existing(func(c *gen.Client) *gen.ActivityQuery { return c.Activity.Query() })
	existingMunicipalities     = existing(func(c *gen.Client) *gen.MunicipalityQuery { return c.Municipality.Query() })
	existingUsers              = existing(func(c *gen.Client) *gen.UserQuery { return c.User.Query() })
	existingPerspectives       = existing(func(c *gen.Client) *gen.PerspectiveQuery { return c.Perspective.Query() })
	existingMunicipalityGroups = existing(func(c *gen.Client) *gen.MunicipalityGroupQuery { return c.MunicipalityGroup.Query() })
	existingInstitutions       = existing(func(c *gen.Client) *gen.InstitutionQuery { return c.Institution.Query() })
)

// existing returns the existingIDs of a type, from a function that begins
// a query of it.
func existing[Q interface {
	Where(...P) Q
	IDs(context.Context) ([]int, error)
}, P ~func(*sql.Selector)](query func(*gen.Client) Q) existingIDs {
	return func(ctx context.Context, c *gen.Client, ids []int) ([]int, error) {
		return query(c).Where(P(sql.FieldIn("id", ids...))).IDs(ctx)
	}
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
						"no %s has the id %d", samverkan.RecordName(target.typ), id)
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
