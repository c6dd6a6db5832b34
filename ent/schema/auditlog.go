package schema

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"entgo.io/ent"
	"entgo.io/ent/schema/mixin"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/audit"
	"github.com/samverkan/samverkan/auth"
	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/auditentry"
	"github.com/samverkan/samverkan/ent/hook"
	"github.com/samverkan/samverkan/ent/privacy"
)

// AuditMixin records every change to a type's records in the audit trail:
// who, when, which record, and which fields from what to what. The entry is
// written in the change's own transaction, so there is never a change
// without its entry, or an entry for a change that was rolled back.
type AuditMixin struct {
	mixin.Schema
}

// Hooks of the AuditMixin.
func (AuditMixin) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(recordChange, ent.OpCreate|ent.OpUpdateOne|ent.OpDeleteOne)}
}

// unrecorded are fields whose changes the trail leaves out: kept by the
// server (times, versions) or secret. password_hash is recorded as changed,
// without its value.
var unrecorded = []string{"created_at", "updated_at", "version", "selector", "secret_hash"}

// auditable is what the generated mutations of every type have.
type auditable interface {
	ent.Mutation
	ID() (int, bool)
	Client() *gen.Client
}

func recordChange(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if audit.IsOff(ctx) {
			return next.Mutate(ctx, m)
		}
		am, ok := m.(auditable)
		if !ok {
			return nil, fmt.Errorf("audit: %s mutation has no id or client", m.Type())
		}
		var (
			action  auditentry.Action
			changes []audit.Change
			err     error
		)
		// What a change overwrites or deletes must be read before it runs.
		switch {
		case m.Op().Is(ent.OpCreate):
			action = auditentry.ActionCREATE
		case m.Op().Is(ent.OpUpdateOne):
			action = auditentry.ActionUPDATE
			// Reading one old field loads the whole stored record, which
			// the mutation keeps for the comparison after it has run.
			if names := append(m.Fields(), m.ClearedFields()...); len(names) > 0 {
				if _, err := m.OldField(ctx, names[0]); err != nil {
					return nil, err // the record does not exist: the presenter says so
				}
			}
		case m.Op().Is(ent.OpDeleteOne):
			action = auditentry.ActionDELETE
			if changes, err = deletedValues(ctx, am); err != nil {
				return nil, err
			}
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return v, err
		}
		if action != auditentry.ActionDELETE {
			changes = changedValues(ctx, m)
			if len(changes) == 0 && action == auditentry.ActionUPDATE {
				return v, nil // nothing but the version and times moved
			}
		}
		id, _ := am.ID()
		entry := am.Client().AuditEntry.Create().
			SetAction(action).
			SetObjectType(m.Type()).
			SetObjectID(id).
			SetChanges(changes)
		if id := samverkan.RequestID(ctx); id != "" {
			entry.SetRequestID(id)
		}
		if viewer := auth.FromContext(ctx); viewer != nil {
			entry.SetActorID(viewer.UserID).SetActorName(viewer.Username)
		} else {
			entry.SetActorName(audit.Actor(ctx))
		}
		if err := entry.Exec(privacy.DecisionContext(ctx, privacy.Allow)); err != nil {
			return nil, fmt.Errorf("audit: record the change: %w", err)
		}
		return v, nil
	})
}

// changedValues lists what a create or update set, cleared, linked and
// unlinked, after every hook has had its say.
func changedValues(ctx context.Context, m ent.Mutation) []audit.Change {
	var changes []audit.Change
	for _, name := range m.Fields() {
		if slices.Contains(unrecorded, name) {
			continue
		}
		c := audit.Change{Field: samverkan.GraphQLName(name)}
		v, _ := m.Field(name)
		c.New = plain(v)
		if name == "password_hash" {
			c.Field, c.New = "password", audit.Hidden
		}
		if m.Op().Is(ent.OpUpdateOne) {
			old, err := m.OldField(ctx, name)
			if err == nil {
				c.Old = plain(old)
			}
			if name == "password_hash" {
				c.Old = audit.Hidden
			} else if same(c.Old, c.New) {
				continue
			}
		}
		changes = append(changes, c)
	}
	for _, name := range m.ClearedFields() {
		c := audit.Change{Field: samverkan.GraphQLName(name)}
		if old, err := m.OldField(ctx, name); err == nil {
			c.Old = plain(old)
		}
		if c.Old != nil {
			changes = append(changes, c)
		}
	}
	edges := append(m.AddedEdges(), m.RemovedEdges()...)
	slices.Sort(edges)
	for _, name := range slices.Compact(edges) {
		if isFieldEdge(m, name) {
			continue // recorded as its field (objectiveID, activityID)
		}
		c := audit.Change{Field: samverkan.GraphQLName(name), Added: ints(m.AddedIDs(name)), Removed: ints(m.RemovedIDs(name))}
		if len(c.Added)+len(c.Removed) > 0 {
			changes = append(changes, c)
		}
	}
	return changes
}

// isFieldEdge reports whether an edge is set through a field of the
// mutation's own (a unique edge such as an activity's heading).
func isFieldEdge(m ent.Mutation, edge string) bool {
	_, ok := m.Field(edge + "_id")
	return ok || slices.Contains(m.ClearedFields(), edge+"_id")
}

// deletedValues lists a record's fields as they are before it is deleted,
// read through the record's JSON form (which leaves secrets out).
func deletedValues(ctx context.Context, m auditable) ([]audit.Change, error) {
	id, ok := m.ID()
	if !ok {
		return nil, fmt.Errorf("audit: delete of %s without an id", m.Type())
	}
	record, err := getRecord(privacy.DecisionContext(ctx, privacy.Allow), m.Client(), m.Type(), id)
	if err != nil {
		return nil, err // not found: the presenter says so
	}
	raw, err := json.Marshal(record)
	if err != nil {
		return nil, fmt.Errorf("audit: read %s %d: %w", m.Type(), id, err)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("audit: read %s %d: %w", m.Type(), id, err)
	}
	var changes []audit.Change
	for name, v := range fields {
		if name == "id" || name == "edges" || v == nil || slices.Contains(unrecorded, name) {
			continue
		}
		changes = append(changes, audit.Change{Field: samverkan.GraphQLName(name), Old: v})
	}
	slices.SortFunc(changes, func(a, b audit.Change) int { return cmp.Compare(a.Field, b.Field) })
	return changes, nil
}

// getRecord reads a record by its type's client's Get, found by name: the
// client has a field per type (Activity *ActivityClient, …). Client.Noder
// would do without reflection, but inside a GraphQL request it reads only
// the fields the request's selection names.
func getRecord(ctx context.Context, c *gen.Client, typ string, id int) (any, error) {
	get := reflect.ValueOf(c).Elem().FieldByName(typ).MethodByName("Get")
	if !get.IsValid() {
		return nil, fmt.Errorf("audit: no client for %s", typ)
	}
	out := get.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(id)})
	if err, _ := out[1].Interface().(error); err != nil {
		return nil, err
	}
	return out[0].Interface(), nil
}

// plain turns a stored value into what JSON shows: a pointer into its value
// or null.
func plain(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		return v
	}
	return out
}

// same reports whether two values have the same JSON form.
func same(a, b any) bool {
	ra, errA := json.Marshal(a)
	rb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ra) == string(rb)
}

func ints(ids []ent.Value) []int {
	out := make([]int, 0, len(ids))
	for _, id := range ids {
		if n, ok := id.(int); ok {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}
