package schema

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/auth"
	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/ent/yearlyreportclosing"
	"github.com/samverkan/samverkan/ent/yearlyreportreadiness"
)

// A plan's yearly report to the regional council is open until an admin
// closes it (a YearlyReportClosing for the plan and year); while it is
// open, each municipality marks its part ready (a YearlyReportReadiness).
// Closing freezes the marks for everyone, admins included: an admin
// reopens the report (deletes the closing) to change them again. Both are
// records of the audit trail like any other.

// YearlyReportClosing holds the schema definition for the
// YearlyReportClosing entity: the closing of a plan's yearly report.
type YearlyReportClosing struct {
	ent.Schema
}

// Mixin of the YearlyReportClosing.
func (YearlyReportClosing) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the YearlyReportClosing.
func (YearlyReportClosing) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year").
			Validate(year).
			Immutable().
			Comment("The year reported on, within the plan's period; one closing per plan and year."),
		field.String("closed_by").
			Optional().
			Comment("The username of the admin who closed the report, set by the server."),
		field.Int("plan_id").
			Immutable().
			Comment("The ID of the plan reported on."),
	}
}

// Edges of the YearlyReportClosing.
func (YearlyReportClosing) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("plan", Plan.Type).
			Field("plan_id").
			Unique().
			Required().
			Immutable().
			Comment("The plan reported on.").
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of the YearlyReportClosing.
func (YearlyReportClosing) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("plan_id", "year").Unique(),
	}
}

// Hooks of the YearlyReportClosing.
func (YearlyReportClosing) Hooks() []ent.Hook {
	return []ent.Hook{reportYearWithinPlanPeriod, setFromViewer("closed_by")}
}

// Policy of the YearlyReportClosing: admins close and reopen the report.
func (YearlyReportClosing) Policy() ent.Policy {
	return adminsChange()
}

// Annotations of the YearlyReportClosing.
func (YearlyReportClosing) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("The closing of a plan's yearly report to the council: who closed it and when. While it exists, no municipality's readiness changes."),
	}
}

// YearlyReportReadiness holds the schema definition for the
// YearlyReportReadiness entity: a municipality's mark that its part of a
// plan's yearly report is ready.
type YearlyReportReadiness struct {
	ent.Schema
}

// Mixin of the YearlyReportReadiness.
func (YearlyReportReadiness) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the YearlyReportReadiness.
func (YearlyReportReadiness) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year").
			Validate(year).
			Immutable().
			Comment("The year reported on, within the plan's period."),
		field.String("marked_by").
			Optional().
			Comment("The username of who marked the municipality's part ready, set by the server."),
		field.Int("plan_id").
			Immutable().
			Comment("The ID of the plan reported on."),
		field.Int("municipality_id").
			Immutable().
			Comment("The ID of the municipality whose part is ready."),
	}
}

// Edges of the YearlyReportReadiness.
func (YearlyReportReadiness) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("plan", Plan.Type).
			Field("plan_id").
			Unique().
			Required().
			Immutable().
			Comment("The plan reported on.").
			Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("municipality", Municipality.Type).
			Field("municipality_id").
			Unique().
			Required().
			Immutable().
			Comment("The municipality whose part is ready.").
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of the YearlyReportReadiness.
func (YearlyReportReadiness) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("plan_id", "year", "municipality_id").Unique(),
		index.Fields("municipality_id"),
	}
}

// Hooks of the YearlyReportReadiness.
func (YearlyReportReadiness) Hooks() []ent.Hook {
	return []ent.Hook{reportYearWithinPlanPeriod, setFromViewer("marked_by")}
}

// Policy of the YearlyReportReadiness: nobody changes a mark of a closed
// report; an admin marks any municipality, an editor those of its scope.
func (YearlyReportReadiness) Policy() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{readinessOnlyWhileOpen, allowAdmins, editorsMarkTheirMunicipalities, denyOthers}}
}

// Annotations of the YearlyReportReadiness.
func (YearlyReportReadiness) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A municipality's mark that its part of a plan's yearly report to the council is ready: who marked it and when."),
	}
}

var (
	errReportClosed = denial{samverkan.Errorf(samverkan.CodeForbidden, "", "the yearly report is closed: "+
		"nothing in it changes until an admin reopens it")}
	errNotYourMunicipality = denial{samverkan.Errorf(samverkan.CodeForbidden, "municipalityID",
		"an editor marks ready only the part of a municipality of its own scope")}
)

// storedReadiness returns the plan, year and municipality of the
// readiness a mutation creates or deletes; ok is false when a deleted one
// is not found (it is then denied or not found later, saying nothing of
// what exists).
func storedReadiness(ctx context.Context, m *gen.YearlyReportReadinessMutation) (planID, year, municipalityID int, ok bool, err error) {
	if m.Op().Is(ent.OpCreate) {
		planID, _ = m.PlanID()
		year, _ = m.Year()
		municipalityID, _ = m.MunicipalityID()
		return planID, year, municipalityID, true, nil
	}
	id, exists := m.ID()
	if !exists {
		return 0, 0, 0, false, nil
	}
	r, err := m.ClientIn(ctx).YearlyReportReadiness.Query().Where(yearlyreportreadiness.ID(id)).Only(auth.AsServer(ctx))
	if gen.IsNotFound(err) {
		return 0, 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, 0, false, fmt.Errorf("read readiness %d: %w", id, err)
	}
	return r.PlanID, r.Year, r.MunicipalityID, true, nil
}

// readinessOnlyWhileOpen refuses any change of a readiness of a closed
// report, whoever makes it.
var readinessOnlyWhileOpen = privacy.YearlyReportReadinessMutationRuleFunc(func(ctx context.Context, m *gen.YearlyReportReadinessMutation) error {
	planID, y, _, ok, err := storedReadiness(ctx, m)
	if err != nil || !ok {
		return err
	}
	closed, err := m.ClientIn(ctx).YearlyReportClosing.Query().
		Where(yearlyreportclosing.PlanID(planID), yearlyreportclosing.Year(y)).
		Exist(auth.AsServer(ctx))
	if err != nil {
		return fmt.Errorf("read the report's closing: %w", err)
	}
	if closed {
		return errReportClosed
	}
	return privacy.Skip
})

// editorsMarkTheirMunicipalities lets an editor mark ready, or unmark, the
// part of a municipality of its scope.
var editorsMarkTheirMunicipalities = privacy.YearlyReportReadinessMutationRuleFunc(func(ctx context.Context, m *gen.YearlyReportReadinessMutation) error {
	v := auth.FromContext(ctx)
	if !v.Is(auth.RoleEditor) {
		return privacy.Skip
	}
	_, _, muni, ok, err := storedReadiness(ctx, m)
	if err != nil || !ok {
		return err
	}
	if slices.Contains(v.Municipalities, muni) {
		return privacy.Allow
	}
	return errNotYourMunicipality
})

// reportYearWithinPlanPeriod refuses a closing or a readiness for a year
// outside the plan's period. Both are created once and never changed.
var reportYearWithinPlanPeriod = ent.Hook(func(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if !m.Op().Is(ent.OpCreate) {
			return next.Mutate(ctx, m)
		}
		y, yearSet := m.Field("year")
		id, planSet := m.Field("plan_id")
		if !yearSet || !planSet {
			return next.Mutate(ctx, m)
		}
		// An unknown plan never gets here: referencesExist runs first.
		p, err := m.(interface {
			ClientIn(context.Context) *gen.Client
		}).ClientIn(ctx).Plan.Query().Where(plan.ID(id.(int))).Only(auth.AsServer(ctx))
		if err != nil {
			return nil, fmt.Errorf("read the report's plan: %w", err)
		}
		if err := withinPlan(p, y.(int)); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
})
