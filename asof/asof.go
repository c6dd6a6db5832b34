// Package asof reconstructs a plan as it stood at a moment from the audit
// trail: which of its goals, headings and activities existed then, and
// their fields as they were.
//
// It starts from the records as they are now and walks the trail back
// from the newest entry to the first one after the moment: an update is
// undone field by field (its old values put back), a deletion brings the
// record back with the values its entry keeps, and a creation (or a
// restore) takes the record away. A record with no entry after the moment
// is as it is now. A record with no creation in the trail was loaded with
// the seed, which is where the plan starts: it stands as loaded at any
// moment before its first change, even one before the day it was loaded
// (the Örebro plan loaded today is the plan adopted in 2020). A record's
// parent (a goal's plan, a heading's goal, an activity's heading) is a
// field like any other, so records moved between plans are where they
// were.
package asof

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/audit"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/auditentry"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/planrevision"
	"github.com/samverkan/samverkan/ent/schema/enum"
)

// Plan is a plan as it stood at a moment (GraphQL's PlanAsOf).
type Plan struct {
	At          time.Time
	ID          int
	Name        string
	Region      string
	FirstYear   int
	LastYear    int
	State       plan.State
	Description string
	GoalsIntro  string
	Goals       []*Goal
	Revisions   []*ent.PlanRevision
}

// Goal is a goal as it stood at a moment (GoalAsOf).
type Goal struct {
	ID          int
	Number      int
	Title       *string
	Area        string
	Statement   string
	Description string
	Headings    []*Heading
}

// Heading is a heading as it stood at a moment (HeadingAsOf).
type Heading struct {
	ID          int
	Title       string
	Description string
	Position    int
	Activities  []*Activity
}

// Activity is an activity as it stood at a moment (ActivityAsOf).
type Activity struct {
	ID          int
	Title       string
	Description string
	Status      enum.Status
	FirstYear   *int
	LastYear    *int
	Lead        string
	NextReview  *time.Time
}

// The types of the trail a plan's tree is made of.
const (
	typePlan      = "Plan"
	typeGoal      = "Goal"
	typeObjective = "Objective"
	typeActivity  = "Activity"
)

// PlanAt returns the plan as it stood at the moment, or nil when it did
// not exist then. Only admins ask: it reads the whole trail, which only
// they read (an editor's view of it is narrowed, and would give a wrong
// past).
func PlanAt(ctx context.Context, c *ent.Client, id int, at time.Time) (*Plan, error) {
	switch v := auth.FromContext(ctx); {
	case v == nil:
		return nil, samverkan.Errorf(samverkan.CodeUnauthenticated, "", "sign in as an admin to see a plan as it stood at a date")
	case !v.Is(auth.RoleAdmin):
		return nil, samverkan.Errorf(samverkan.CodeForbidden, "", "only admins see a plan as it stood at a date: it is read from the audit trail")
	}
	entries, err := c.AuditEntry.Query().
		Where(auditentry.AtGT(at), auditentry.ObjectTypeIn(typePlan, typeGoal, typeObjective, typeActivity)).
		Order(auditentry.ByAt(), auditentry.ByID()).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the audit trail after %s: %w", at.Format(time.RFC3339), err)
	}
	touched := map[string][]int{}
	for _, e := range entries {
		touched[e.ObjectType] = append(touched[e.ObjectType], e.ObjectID)
	}
	for typ, ids := range touched {
		slices.Sort(ids)
		touched[typ] = slices.Compact(ids)
	}
	s := states{}
	// The records that may have been the plan's then: those that are its
	// now, those the trail changed since, and what is under either now.
	plans, err := c.Plan.Query().Where(plan.ID(id)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read plan %d: %w", id, err)
	}
	if err := s.add(typePlan, plans); err != nil {
		return nil, err
	}
	s.absent(typePlan, []int{id})
	goals, err := c.Goal.Query().Where(goal.Or(goal.PlanID(id), goal.IDIn(touched[typeGoal]...))).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the goals: %w", err)
	}
	if err := s.add(typeGoal, goals); err != nil {
		return nil, err
	}
	s.absent(typeGoal, touched[typeGoal])
	headings, err := c.Objective.Query().Where(objective.Or(objective.GoalIDIn(s.ids(typeGoal)...), objective.IDIn(touched[typeObjective]...))).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the headings: %w", err)
	}
	if err := s.add(typeObjective, headings); err != nil {
		return nil, err
	}
	s.absent(typeObjective, touched[typeObjective])
	activities, err := c.Activity.Query().Where(activity.Or(activity.ObjectiveIDIn(s.ids(typeObjective)...), activity.IDIn(touched[typeActivity]...))).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the activities: %w", err)
	}
	if err := s.add(typeActivity, activities); err != nil {
		return nil, err
	}
	s.absent(typeActivity, touched[typeActivity])

	for _, e := range slices.Backward(entries) {
		s.undo(e)
	}
	return s.tree(ctx, c, id, at)
}

// state is one record as the walk back has it: whether it existed, and its
// fields by ent's names (as its JSON form has them).
type state struct {
	typ     string
	present bool
	values  map[string]any
}

// states are the records of the walk, by id (unique across types).
type states map[int]*state

// add puts records as they are now into the walk.
func (s states) add(typ string, records any) error {
	raw, err := json.Marshal(records)
	if err != nil {
		return fmt.Errorf("read the %s records: %w", typ, err)
	}
	var values []map[string]any
	if err := json.Unmarshal(raw, &values); err != nil {
		return fmt.Errorf("read the %s records: %w", typ, err)
	}
	for _, v := range values {
		id, _ := v["id"].(float64)
		delete(v, "edges")
		s[int(id)] = &state{typ: typ, present: true, values: v}
	}
	return nil
}

// absent puts the records the trail names that are not there now (deleted
// since) into the walk, as not existing.
func (s states) absent(typ string, ids []int) {
	for _, id := range ids {
		if _, ok := s[id]; !ok {
			s[id] = &state{typ: typ, values: map[string]any{}}
		}
	}
}

// ids lists the records of a type in the walk.
func (s states) ids(typ string) []int {
	var out []int
	for id, r := range s {
		if r.typ == typ {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// undo takes one entry of the trail back.
func (s states) undo(e *ent.AuditEntry) {
	r, ok := s[e.ObjectID]
	if !ok || r.typ != e.ObjectType {
		return
	}
	switch e.Action {
	case auditentry.ActionCREATE, auditentry.ActionRESTORE:
		r.present = false
	case auditentry.ActionDELETE:
		// The entry keeps every field the record had.
		r.present = true
		r.values = map[string]any{"id": e.ObjectID}
		for _, ch := range e.Changes {
			if isField(ch) && ch.Old != nil {
				r.values[entName(e.ObjectType, ch.Field)] = ch.Old
			}
		}
	case auditentry.ActionUPDATE:
		for _, ch := range e.Changes {
			if !isField(ch) {
				continue
			}
			if ch.Old == nil {
				delete(r.values, entName(e.ObjectType, ch.Field))
			} else {
				r.values[entName(e.ObjectType, ch.Field)] = ch.Old
			}
		}
	}
}

// isField reports whether a change is of a field (not of links, or of a
// deleted activity's status history).
func isField(ch audit.Change) bool {
	return ch.Field != audit.StatusChanges && len(ch.Added)+len(ch.Removed) == 0
}

// entities are the generated types of the records of a plan's tree.
var entities = map[string]reflect.Type{
	typePlan:      reflect.TypeFor[ent.Plan](),
	typeGoal:      reflect.TypeFor[ent.Goal](),
	typeObjective: reflect.TypeFor[ent.Objective](),
	typeActivity:  reflect.TypeFor[ent.Activity](),
}

// entName is ent's name (the JSON form's) of a field of the type that the
// trail names as GraphQL does (firstYear: first_year).
func entName(typ, graphQL string) string {
	entity := entities[typ]
	for i := range entity.NumField() {
		name, _, _ := strings.Cut(entity.Field(i).Tag.Get("json"), ",")
		if samverkan.GraphQLName(name) == graphQL {
			return name
		}
	}
	return graphQL
}

// decode turns the values of the records of a type that existed into the
// type's entities, through their JSON form.
func decode[T any](s states, typ string) ([]T, error) {
	var values []map[string]any
	for _, id := range s.ids(typ) {
		if r := s[id]; r.present {
			r.values["id"] = id
			values = append(values, r.values)
		}
	}
	raw, err := json.Marshal(values)
	if err != nil {
		return nil, err
	}
	var out []T
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("read the %s records as they were: %w", typ, err)
	}
	return out, nil
}

// tree builds the plan from the records as they were, each under its
// parent as it was.
func (s states) tree(ctx context.Context, c *ent.Client, id int, at time.Time) (*Plan, error) {
	plans, err := decode[*ent.Plan](s, typePlan)
	if err != nil || len(plans) == 0 {
		return nil, err
	}
	p := plans[0]
	goals, err := decode[*ent.Goal](s, typeGoal)
	if err != nil {
		return nil, err
	}
	headings, err := decode[*ent.Objective](s, typeObjective)
	if err != nil {
		return nil, err
	}
	activities, err := decode[*ent.Activity](s, typeActivity)
	if err != nil {
		return nil, err
	}
	out := &Plan{At: at, ID: p.ID, Name: p.Name, Region: p.Region, FirstYear: p.FirstYear, LastYear: p.LastYear,
		State: p.State, Description: p.Description, GoalsIntro: p.GoalsIntro}
	slices.SortFunc(goals, func(a, b *ent.Goal) int { return cmp.Or(cmp.Compare(a.Number, b.Number), cmp.Compare(a.ID, b.ID)) })
	slices.SortFunc(headings, func(a, b *ent.Objective) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.ID, b.ID))
	})
	under := map[int][]*Activity{} // by heading
	for _, a := range activities {
		under[a.ObjectiveID] = append(under[a.ObjectiveID], &Activity{ID: a.ID, Title: a.Title, Description: a.Description,
			Status: a.Status, FirstYear: a.FirstYear, LastYear: a.LastYear, Lead: a.Lead, NextReview: a.NextReview})
	}
	for _, g := range goals {
		if g.PlanID != p.ID {
			continue
		}
		goal := &Goal{ID: g.ID, Number: g.Number, Title: g.Title, Area: g.Area, Statement: g.Statement,
			Description: g.Description, Headings: []*Heading{}}
		for _, h := range headings {
			if h.GoalID == g.ID {
				goal.Headings = append(goal.Headings, &Heading{ID: h.ID, Title: h.Title, Description: h.Description,
					Position: h.Position, Activities: append([]*Activity{}, under[h.ID]...)})
			}
		}
		out.Goals = append(out.Goals, goal)
	}
	if out.Goals == nil {
		out.Goals = []*Goal{}
	}
	out.Revisions, err = c.PlanRevision.Query().
		Where(planrevision.PlanID(id), planrevision.DecidedOnLTE(at)).
		Order(planrevision.ByDecidedOn(), planrevision.ByID()).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the plan's revisions: %w", err)
	}
	return out, nil
}
