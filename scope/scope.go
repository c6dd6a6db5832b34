// Package scope is who may update which activities, as predicates: the
// one statement of the rule, which the privacy policies of ent/schema
// enforce on every change and the GraphQL filter viewerCanUpdate (the
// admin page's list of the activities an editor may add follow-ups to)
// asks of the database. Runtime code does not import ent/schema, so the
// rule lives here, where both reach it.
package scope

import (
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/institution"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/predicate"
)

// ClosedPlans matches the plans whose period is closed: nothing under
// them changes but by an admin.
var ClosedPlans = plan.StateEQ(plan.StateClosed)

// UnderClosedPlans matches the activities under a closed plan.
var UnderClosedPlans = activity.HasObjectiveWith(objective.HasGoalWith(goal.HasPlanWith(ClosedPlans)))

// Of matches the activities that a municipality or institution of
// the viewer's scope (User.municipalities, User.institutions) takes part
// in: those an editor may update, unless they are under a closed plan.
func Of(v *auth.Viewer) predicate.Activity {
	return activity.Or(
		activity.HasMunicipalitiesWith(municipality.IDIn(v.Municipalities...)),
		activity.HasInstitutionsWith(institution.IDIn(v.Institutions...)),
	)
}

// Updatable matches the activities the viewer may update (and add
// follow-ups to), as the Activity's policy decides (ent/schema/policy.go
// and planstate.go): every activity for an admin; for an editor those of
// Of(v) not under a closed plan; none for a viewer, an API token
// (which only reads) or no viewer. Its complement, activity.Not of it, is
// exactly the activities the viewer may not update.
func Updatable(v *auth.Viewer) predicate.Activity {
	switch {
	case v.Is(auth.RoleAdmin):
		return activity.Not(none)
	case v.Is(auth.RoleEditor):
		return activity.And(Of(v), activity.Not(UnderClosedPlans))
	}
	return none
}

// none matches no activity (an empty IN is FALSE in ent's SQL).
var none = activity.IDIn()
