package schema

import (
	"context"
	"slices"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/schema/mixin"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/auth"
	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/auditentry"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/indicatorvalue"
	"github.com/samverkan/samverkan/ent/institution"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/predicate"
	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/scope"
)

// This file is the one place that decides who may read and change what.
// Every query and mutation, whichever resolver, hook or command makes it,
// passes through these policies; a context made with
// privacy.DecisionContext(ctx, privacy.Allow) acts for the server itself
// (loading the seed, signing in, writing the audit trail).
//
//	            read                  change
//	anonymous   yes, unless private   no (UNAUTHENTICATED)
//	API token   yes                   no (FORBIDDEN)
//	viewer      yes                   no (FORBIDDEN)
//	editor      yes                   activities its municipalities and
//	                                  institutions take part in, and their
//	                                  follow-ups; the indicator values of
//	                                  its municipalities (FORBIDDEN
//	                                  otherwise); of an activity's links,
//	                                  only those of its scope, and never the
//	                                  last of them
//	admin       yes                   everything, restoring deleted
//	                                  records and reverting changes
//	                                  from the audit trail included
//
// Under a closed plan (Plan.state CLOSED) only admins change anything
// (planstate.go). Users and tokens are read by admins only, and so is the
// audit trail, except that an editor reads the history of the records it
// may change. An editor's scope is any number of municipalities and
// institutions, and any number of editors may share one
// (User.municipalities and User.institutions, many-to-many).

// PolicyMixin gives a type the rules every type shares: reading needs a
// viewer when the deployment is private, and changing always does.
type PolicyMixin struct {
	mixin.Schema
}

// Policy of the PolicyMixin.
func (PolicyMixin) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.ContextQueryMutationRule(readsAllowed)},
		Mutation: privacy.MutationPolicy{privacy.ContextQueryMutationRule(signedInToChange), readStoredRecordLocked, onlyAdminsRestore},
	}
}

// Interceptors of the PolicyMixin.
func (PolicyMixin) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{lockWhenAsked}
}

// onlyAdminsRestore keeps restoring deleted records (a create that gives
// the record's old id, see package undo) to admins, whatever the type: an
// editor who may create a follow-up may not bring a deleted one back.
var onlyAdminsRestore = privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
	r, ok := m.(interface{ ID() (int, bool) })
	if !ok || !m.Op().Is(ent.OpCreate) {
		return privacy.Skip
	}
	if _, restored := r.ID(); restored && !auth.FromContext(ctx).Is(auth.RoleAdmin) {
		return errAdminsOnly
	}
	return privacy.Skip
})

// denial is a refusal by a policy: a client error with its code, which is
// also privacy.Deny for ent.
type denial struct{ err *samverkan.Error }

func (d denial) Error() string   { return d.err.Error() }
func (d denial) Unwrap() []error { return []error{d.err, privacy.Deny} }

var (
	errSignInToRead   = denial{samverkan.Errorf(samverkan.CodeUnauthenticated, "", "sign in to read: this server's plan is not public (send Authorization: Bearer <token>)")}
	errSignInToChange = denial{auth.ErrSignInToChange}
	errReadOnlyToken  = denial{auth.ErrReadOnlyToken}
	errSignInAsAdmin  = denial{samverkan.Errorf(samverkan.CodeUnauthenticated, "", "sign in as an admin to do this")}
	errAdminsOnly     = denial{samverkan.Errorf(samverkan.CodeForbidden, "", "only an admin may do this")}
	errNotYours       = denial{samverkan.Errorf(samverkan.CodeForbidden, "", "your role does not allow this change: an editor changes only the activities "+
		"the municipalities and institutions of its scope take part in, and their follow-ups")}
	errLinkOutOfScope = denial{samverkan.Errorf(samverkan.CodeForbidden, "", "an editor may add to or remove from an activity only "+
		"the municipalities and institutions of its own scope")}
	errLastInScope = denial{samverkan.Errorf(samverkan.CodeForbidden, "", "an editor may not remove the last municipality or institution "+
		"of its scope from an activity: it could no longer edit the activity (ask an admin)")}
)

func readsAllowed(ctx context.Context) error {
	if auth.ReadsRequireSignIn(ctx) && auth.FromContext(ctx) == nil {
		return errSignInToRead
	}
	return privacy.Skip
}

func signedInToChange(ctx context.Context) error {
	switch v := auth.FromContext(ctx); {
	case v == nil:
		return errSignInToChange
	case v.ReadOnly:
		return errReadOnlyToken
	}
	return privacy.Skip
}

// allowAdmins lets an admin make any change, or read anything.
var allowAdmins = privacy.ContextQueryMutationRule(func(ctx context.Context) error {
	if auth.FromContext(ctx).Is(auth.RoleAdmin) {
		return privacy.Allow
	}
	return privacy.Skip
})

// denyOthers ends a policy: whatever no rule allowed is forbidden.
var denyOthers = privacy.ContextQueryMutationRule(func(ctx context.Context) error {
	if auth.FromContext(ctx) == nil {
		return errSignInToChange
	}
	return errNotYours
})

// adminsChange is the policy of the plan's structure and reference data
// (plans, goals, headings, municipalities, institutions): open to read,
// changed by admins only.
func adminsChange() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{allowAdmins, denyOthers}}
}

// adminOnly is the policy of users and tokens: admins read and change them.
func adminOnly() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{allowAdmins, denyNonAdmins},
		Mutation: privacy.MutationPolicy{allowAdmins, denyNonAdmins},
	}
}

// serverWritesAdminsRead is the policy of the records the server keeps
// itself (the audit trail): admins read them all, an editor the history of
// the records it may edit, and no client writes them.
func serverWritesAdminsRead() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{allowAdmins, editorsReadTheirHistory, denyNonAdmins},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

// editorsReadTheirHistory lets an editor read the audit trail of the
// records it may edit today: the activities its scope takes part in, their
// follow-ups, and the indicator values of its municipalities. The query is
// narrowed to them, so an editor asking for more gets fewer entries, never
// an error (the page shows each record's history on the record's page).
// Entries of records deleted since, or moved out of the scope, are not
// among them.
var editorsReadTheirHistory = privacy.AuditEntryQueryRuleFunc(func(ctx context.Context, q *gen.AuditEntryQuery) error {
	v := auth.FromContext(ctx)
	if !v.Is(auth.RoleEditor) {
		return privacy.Skip
	}
	if samverkan.ProbingReadPolicy(ctx) {
		return samverkan.ErrReadFiltered
	}
	q.Where(editorsHistory(v))
	return privacy.Allow
})

// editorsHistory matches the audit entries of the records the editor may
// edit, by subqueries, so that a scope of many activities is no long list
// of parameters.
func editorsHistory(v *auth.Viewer) predicate.AuditEntry {
	return func(s *sql.Selector) {
		b := sql.Dialect(s.Dialect())
		activities := func() *sql.Selector {
			t := sql.Table(activity.Table)
			sel := b.Select(t.C(activity.FieldID)).From(t)
			scope.Of(v)(sel)
			return sel
		}
		ft := sql.Table(followup.Table)
		followUps := b.Select(ft.C(followup.FieldID)).From(ft).
			Where(sql.In(ft.C(followup.FieldActivityID), activities()))
		vt := sql.Table(indicatorvalue.Table)
		values := b.Select(vt.C(indicatorvalue.FieldID)).From(vt).
			Where(sql.InInts(vt.C(indicatorvalue.FieldMunicipalityID), v.Municipalities...))
		of := func(typ string, ids *sql.Selector) *sql.Predicate {
			return sql.And(sql.EQ(s.C(auditentry.FieldObjectType), typ), sql.In(s.C(auditentry.FieldObjectID), ids))
		}
		s.Where(sql.Or(of("Activity", activities()), of("FollowUp", followUps), of("IndicatorValue", values)))
	}
}

// serverWrites is the policy of derived records (status changes): open to
// read, written only by the server's hooks.
func serverWrites() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()}}
}

// denyNonAdmins ends a policy that only admins pass.
var denyNonAdmins = privacy.ContextQueryMutationRule(func(ctx context.Context) error {
	if auth.FromContext(ctx) == nil {
		return errSignInAsAdmin
	}
	return errAdminsOnly
})

// editorsEditActivities lets an editor update an activity that a
// municipality or institution of its scope takes part in. Creating and
// deleting activities stays with admins: the plan's activities are agreed
// jointly.
var editorsEditActivities = privacy.ActivityMutationRuleFunc(func(ctx context.Context, m *gen.ActivityMutation) error {
	v := auth.FromContext(ctx)
	if !v.Is(auth.RoleEditor) || !m.Op().Is(ent.OpUpdateOne) {
		return privacy.Skip
	}
	id, ok := m.ID()
	if !ok {
		return privacy.Skip
	}
	return allowIfActivitiesInScope(ctx, m.ClientIn(ctx), v, id)
})

// editorsKeepLinksInScope refuses an editor's change of an activity's
// municipalities and institutions that adds or removes one outside its
// scope, or that leaves the activity with none of its scope: the editor
// could not edit the activity again, not even to undo the change. The
// change is judged by what it does (links before and after), so clearing
// the links and adding them back is no change. Admins change any link.
var editorsKeepLinksInScope = privacy.ActivityMutationRuleFunc(func(ctx context.Context, m *gen.ActivityMutation) error {
	v := auth.FromContext(ctx)
	if !v.Is(auth.RoleEditor) || !m.Op().Is(ent.OpUpdateOne) {
		return privacy.Skip
	}
	touchesMunicipalities := m.MunicipalitiesCleared() || len(m.MunicipalitiesIDs()) > 0 || len(m.RemovedMunicipalitiesIDs()) > 0
	touchesInstitutions := m.InstitutionsCleared() || len(m.InstitutionsIDs()) > 0 || len(m.RemovedInstitutionsIDs()) > 0
	id, ok := m.ID()
	if !ok || !touchesMunicipalities && !touchesInstitutions {
		return privacy.Skip
	}
	stored, err := m.ClientIn(ctx).Activity.Query().Where(activity.ID(id)).
		WithMunicipalities(func(q *gen.MunicipalityQuery) { q.Select(municipality.FieldID) }).
		WithInstitutions(func(q *gen.InstitutionQuery) { q.Select(institution.FieldID) }).
		Only(auth.AsServer(ctx))
	if gen.IsNotFound(err) {
		return privacy.Skip // denied or not found later, saying nothing of what exists
	}
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(stored.Edges.Municipalities, func(mu *gen.Municipality) bool { return slices.Contains(v.Municipalities, mu.ID) }) &&
		!slices.ContainsFunc(stored.Edges.Institutions, func(in *gen.Institution) bool { return slices.Contains(v.Institutions, in.ID) }) {
		return privacy.Skip // not the editor's: editorsEditActivities does not allow it either
	}
	var linkedMunicipalities, linkedInstitutions []int
	for _, mu := range stored.Edges.Municipalities {
		linkedMunicipalities = append(linkedMunicipalities, mu.ID)
	}
	for _, in := range stored.Edges.Institutions {
		linkedInstitutions = append(linkedInstitutions, in.ID)
	}
	municipalities, ok := linksAfter(linkedMunicipalities, m.MunicipalitiesCleared(), m.RemovedMunicipalitiesIDs(), m.MunicipalitiesIDs(), v.Municipalities)
	if !ok {
		return errLinkOutOfScope
	}
	institutions, ok := linksAfter(linkedInstitutions, m.InstitutionsCleared(), m.RemovedInstitutionsIDs(), m.InstitutionsIDs(), v.Institutions)
	if !ok {
		return errLinkOutOfScope
	}
	if municipalities == 0 && institutions == 0 {
		return errLastInScope
	}
	return privacy.Skip // editorsEditActivities decides whether the activity is the editor's
})

// linksAfter applies a change of an edge's links (cleared, then removed,
// then added) to the ids before it, and returns how many of the links
// after it are in scope; ok is false when the change adds or removes a
// link outside the scope.
func linksAfter(before []int, cleared bool, removed, added, scope []int) (inScope int, ok bool) {
	after := map[int]bool{}
	if !cleared {
		for _, id := range before {
			after[id] = true
		}
	}
	for _, id := range removed {
		delete(after, id)
	}
	for _, id := range added {
		after[id] = true
	}
	for _, id := range before {
		if !after[id] && !slices.Contains(scope, id) {
			return 0, false // removed, outside the scope
		}
	}
	for id := range after {
		if !slices.Contains(before, id) && !slices.Contains(scope, id) {
			return 0, false // added, outside the scope
		}
		if slices.Contains(scope, id) {
			inScope++
		}
	}
	return inScope, true
}

// editorsFollowUp lets an editor add, change and delete the follow-ups of
// the activities it may edit. A follow-up moved to another activity must be
// in scope on both sides.
var editorsFollowUp = privacy.FollowUpMutationRuleFunc(func(ctx context.Context, m *gen.FollowUpMutation) error {
	v := auth.FromContext(ctx)
	if !v.Is(auth.RoleEditor) || !m.Op().Is(ent.OpCreate|ent.OpUpdateOne|ent.OpDeleteOne) {
		return privacy.Skip
	}
	var activities []int
	if id, ok := m.ActivityID(); ok {
		activities = append(activities, id)
	}
	if m.Op().Is(ent.OpUpdateOne | ent.OpDeleteOne) {
		id, ok := m.ID()
		if !ok {
			return privacy.Skip
		}
		stored, err := m.ClientIn(ctx).FollowUp.Query().Where(followup.ID(id)).
			Select(followup.FieldActivityID).Int(auth.AsServer(ctx))
		if gen.IsNotFound(err) {
			return privacy.Skip // denied below, saying nothing of what exists
		}
		if err != nil {
			return err
		}
		activities = append(activities, stored)
	}
	if len(activities) == 0 {
		return privacy.Skip
	}
	return allowIfActivitiesInScope(ctx, m.ClientIn(ctx), v, activities...)
})

// editorsEnterValues lets an editor enter, change and delete the values
// of indicators per municipality for the municipalities of its scope.
// Values for the whole county, targets and indicators stay with admins.
var editorsEnterValues = privacy.IndicatorValueMutationRuleFunc(func(ctx context.Context, m *gen.IndicatorValueMutation) error {
	v := auth.FromContext(ctx)
	if !v.Is(auth.RoleEditor) || !m.Op().Is(ent.OpCreate|ent.OpUpdateOne|ent.OpDeleteOne) {
		return privacy.Skip
	}
	muni, ok := m.MunicipalityID()
	if m.Op().Is(ent.OpUpdateOne | ent.OpDeleteOne) {
		id, ok := m.ID()
		if !ok {
			return privacy.Skip
		}
		stored, err := m.ClientIn(ctx).IndicatorValue.Query().Where(indicatorvalue.ID(id)).Only(auth.AsServer(ctx))
		if gen.IsNotFound(err) || (err == nil && stored.MunicipalityID == nil) {
			return privacy.Skip // denied below, saying nothing of what exists
		}
		if err != nil {
			return err
		}
		muni = *stored.MunicipalityID
	} else if !ok {
		return privacy.Skip
	}
	if slices.Contains(v.Municipalities, muni) {
		return privacy.Allow
	}
	return privacy.Skip
})

// allowIfActivitiesInScope allows when every one of the activities is in the
// viewer's scope.
func allowIfActivitiesInScope(ctx context.Context, c *gen.Client, v *auth.Viewer, ids ...int) error {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	n, err := c.Activity.Query().
		Where(activity.IDIn(ids...), scope.Of(v)).
		Count(auth.AsServer(ctx))
	if err != nil {
		return err
	}
	if n == len(ids) {
		return privacy.Allow
	}
	return privacy.Skip
}
