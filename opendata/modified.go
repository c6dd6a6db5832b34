package opendata

import (
	"context"
	"fmt"
	"time"

	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/auditentry"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/indicator"
	"github.com/samverkan/samverkan/ent/institution"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/perspective"
)

// Modified is when what plan p's export holds last changed: the newest
// change of its records (and of the municipalities, institutions and
// perspectives they name), or of a deletion anywhere (which the audit
// trail alone remembers), to the second. It reads only the newest time of
// each kind of record, one short query each, so that the catalogue does
// not read every plan's export to say when each changed.
func Modified(ctx context.Context, client *ent.Client, p *ent.Plan) (time.Time, error) {
	ctx = reading(ctx)
	// The plan's headings and activities by their ids first: SQLite runs
	// the nested EXISTS that ent writes for a path of edges as a scan of
	// every activity, once per query.
	headings, err := client.Objective.Query().Where(objective.HasGoalWith(goal.PlanID(p.ID))).IDs(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("read the headings: %w", err)
	}
	inPlan, err := client.Activity.Query().Where(activity.ObjectiveIDIn(headings...)).IDs(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("read the activities: %w", err)
	}
	activities := func() *ent.ActivityQuery { return client.Activity.Query().Where(activity.IDIn(inPlan...)) }
	indicators := func() *ent.IndicatorQuery {
		return client.Indicator.Query().Where(indicator.Or(
			indicator.HasGoalWith(goal.PlanID(p.ID)),
			indicator.ObjectiveIDIn(headings...),
			indicator.ActivityIDIn(inPlan...),
		))
	}
	// Each is the newest updated_at of a kind of record, as a query
	// ordered by it, newest first, of one row.
	kinds := []struct {
		what  string
		query updated
	}{
		{"goals", client.Goal.Query().Where(goal.PlanID(p.ID)).Order(ent.Desc(fieldUpdatedAt)).Limit(1).Select(fieldUpdatedAt)},
		{"headings", client.Objective.Query().Where(objective.IDIn(headings...)).Order(ent.Desc(fieldUpdatedAt)).Limit(1).Select(fieldUpdatedAt)},
		{"activities", activities().Order(ent.Desc(fieldUpdatedAt)).Limit(1).Select(fieldUpdatedAt)},
		// The few records activities name are each asked whether one of
		// the plan's names them, rather than all the links followed.
		{"perspectives", client.Perspective.Query().Where(perspective.HasActivitiesWith(activity.IDIn(inPlan...))).
			Order(ent.Desc(fieldUpdatedAt)).Limit(1).Select(fieldUpdatedAt)},
		{"municipalities", client.Municipality.Query().Where(municipality.Or(
			municipality.HasActivitiesWith(activity.IDIn(inPlan...)),
			municipality.HasInstitutionsWith(institution.HasActivitiesWith(activity.IDIn(inPlan...))),
		)).Order(ent.Desc(fieldUpdatedAt)).Limit(1).Select(fieldUpdatedAt)},
		{"institutions", client.Institution.Query().Where(institution.HasActivitiesWith(activity.IDIn(inPlan...))).
			Order(ent.Desc(fieldUpdatedAt)).Limit(1).Select(fieldUpdatedAt)},
		{"indicators", indicators().Order(ent.Desc(fieldUpdatedAt)).Limit(1).Select(fieldUpdatedAt)},
		{"targets", indicators().QueryTargets().Order(ent.Desc(fieldUpdatedAt)).Limit(1).Select(fieldUpdatedAt)},
		{"values", indicators().QueryValues().Order(ent.Desc(fieldUpdatedAt)).Limit(1).Select(fieldUpdatedAt)},
		{"values' municipalities", indicators().QueryValues().QueryMunicipality().Order(ent.Desc(fieldUpdatedAt)).Limit(1).Select(fieldUpdatedAt)},
	}
	modified := p.UpdatedAt
	for _, k := range kinds {
		var rows []struct {
			UpdatedAt time.Time `json:"updated_at"`
		}
		if err := k.query.Scan(ctx, &rows); err != nil {
			return time.Time{}, fmt.Errorf("read when the %s changed: %w", k.what, err)
		}
		if len(rows) > 0 && rows[0].UpdatedAt.After(modified) {
			modified = rows[0].UpdatedAt
		}
	}
	// A deletion leaves no record to be newer: the audit trail's newest
	// deletion (of anything) counts, so that Modified never misses one.
	deleted, err := client.AuditEntry.Query().Where(auditentry.ActionEQ(auditentry.ActionDELETE)).
		Order(ent.Desc(auditentry.FieldID)).First(auth.AsServer(ctx))
	switch {
	case err == nil:
		if deleted.At.After(modified) {
			modified = deleted.At
		}
	case !ent.IsNotFound(err):
		return time.Time{}, fmt.Errorf("read the audit trail: %w", err)
	}
	return modified.UTC().Truncate(time.Second), nil
}

// fieldUpdatedAt is the column every exported type keeps its last change in.
const fieldUpdatedAt = goal.FieldUpdatedAt

// updated is a selection of one updated_at column.
type updated interface {
	Scan(ctx context.Context, v any) error
}
