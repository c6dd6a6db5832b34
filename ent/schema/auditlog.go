package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/mixin"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/audit"
	"github.com/samverkan/samverkan/auth"
	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/auditentry"
	"github.com/samverkan/samverkan/ent/hook"
	"github.com/samverkan/samverkan/storage/pipeline"
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

// Annotations of the AuditMixin: the type is audited (audit.Audited), which
// the generated ent/edgemeta reads to know which records deleted with
// another the trail records.
func (AuditMixin) Annotations() []schema.Annotation {
	return []schema.Annotation{audit.Audited()}
}

// unrecorded are fields whose changes the trail leaves out: kept by the
// server (times, versions, an indicator value's slot, which repeats its
// year, period and municipality) or secret. password_hash is recorded as changed,
// without its value.
var unrecorded = []string{"created_at", "updated_at", "version", "selector", "secret_hash", "slot"}

// keptWhenDeleted are the fields of unrecorded that a deletion's entry
// records nonetheless, so that a restore brings the record back as it was:
// its times (which orders and cursors may use) and its version.
var keptWhenDeleted = []string{"created_at", "updated_at", "version"}

// auditable is what the generated mutations of every type have.
type auditable interface {
	ent.Mutation
	ID() (int, bool)
	ClientIn(context.Context) *gen.Client
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
			action   auditentry.Action
			changes  []audit.Change
			before   map[string]map[int][]int // the links the update touches, as stored
			cascaded []deletion               // the records deleted with the one deleted
			err      error
		)
		// What a change overwrites or deletes must be read before it runs.
		switch {
		case m.Op().Is(ent.OpCreate):
			action = auditentry.ActionCREATE
			if _, restored := am.ID(); restored {
				action = auditentry.ActionRESTORE // a deleted record, back with its own id
			}
		case m.Op().Is(ent.OpUpdateOne):
			action = auditentry.ActionUPDATE
			// Reading one old field loads the whole stored record, which
			// the mutation keeps for the comparison after it has run.
			if names := append(m.Fields(), m.ClearedFields()...); len(names) > 0 {
				if _, err := m.OldField(ctx, names[0]); err != nil {
					return nil, err // the record does not exist: the presenter says so
				}
			}
			if before, err = touchedLinks(ctx, am); err != nil {
				return nil, err
			}
		case m.Op().Is(ent.OpDeleteOne):
			action = auditentry.ActionDELETE
			if changes, err = deletedValues(ctx, am); err != nil {
				return nil, err
			}
			id, _ := am.ID()
			deleted := []deletion{{typ: m.Type(), id: id, changes: changes}}
			if err := addRemovedLinks(ctx, am.ClientIn(ctx), m.Type(), deleted); err != nil {
				return nil, err
			}
			if err := addStatusHistory(ctx, am.ClientIn(ctx), m.Type(), deleted); err != nil {
				return nil, err
			}
			changes = deleted[0].changes
			if cascaded, err = deletedWith(ctx, am.ClientIn(ctx), m.Type(), []int{id}); err != nil {
				return nil, err
			}
			if err := unlinkBeforeDelete(ctx, am.ClientIn(ctx), m.Type(), id, cascaded); err != nil {
				return nil, err
			}
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return v, err
		}
		if action != auditentry.ActionDELETE {
			changes = changedValues(ctx, m, before)
			if len(changes) == 0 && action == auditentry.ActionUPDATE {
				return v, nil // nothing changed: skipUnchanged wrote nothing
			}
		}
		id, _ := am.ID()
		entry := newEntry(ctx, am.ClientIn(ctx), action, m.Type(), id, changes)
		if undone, ok := audit.Undone(ctx, id); ok {
			entry.SetUndoes(undone)
		}
		if partOf, ok := audit.PartOfEntry(ctx); ok && action == auditentry.ActionRESTORE {
			entry.SetPartOf(partOf)
		}
		saveCtx := auth.AsServer(ctx)
		if len(cascaded) == 0 {
			saveCtx = pipeline.Later(saveCtx) // the entry's id is not needed
		}
		main, err := entry.Save(saveCtx)
		if err != nil {
			return nil, fmt.Errorf("audit: record the change: %w", err)
		}
		for chunk := range slices.Chunk(cascaded, entriesPerStatement) {
			entries := make([]*gen.AuditEntryCreate, len(chunk))
			for i, d := range chunk {
				// partOf lets a restore find what went with the record.
				entries[i] = newEntry(ctx, am.ClientIn(ctx), auditentry.ActionDELETE, d.typ, d.id, d.changes).SetPartOf(main.ID)
			}
			if err := am.ClientIn(ctx).AuditEntry.CreateBulk(entries...).Exec(auth.AsServer(ctx)); err != nil {
				return nil, fmt.Errorf("audit: record the records deleted with %s %d: %w", m.Type(), id, err)
			}
		}
		return v, nil
	})
}

// entriesPerStatement is how many audit entries one INSERT writes at most,
// within the databases' limits on a statement's parameters.
const entriesPerStatement = 500

// newEntry is the entry of one change, made by the context's viewer (or
// the actor audit.As names).
func newEntry(ctx context.Context, c *gen.Client, action auditentry.Action, typ string, id int, changes []audit.Change) *gen.AuditEntryCreate {
	entry := c.AuditEntry.Create().
		SetAction(action).
		SetObjectType(typ).
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
	return entry
}

// touchedLinks reads, before an update of one record runs, the stored
// links along the edges it adds to, removes from or clears.
func touchedLinks(ctx context.Context, m auditable) (map[string]map[int][]int, error) {
	edges := append(append(m.AddedEdges(), m.RemovedEdges()...), m.ClearedEdges()...)
	slices.Sort(edges)
	edges = slices.Compact(edges)
	id, ok := m.ID()
	if len(edges) == 0 || !ok {
		return nil, nil
	}
	before, err := readLinks(ctx, m.ClientIn(ctx), m.Type(), edges, []int{id})
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return before, nil
}

// skipUnchanged lets an update of one record that would change nothing
// (every field it sets already has that value, every link it adds is
// there, every one it removes is not) leave the record alone: no write, no
// new version, no entry in the trail. It is the last hook of every audited
// type, so that it sees the mutation as every other hook has left it.
var skipUnchanged = hook.On(func(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		am, ok := m.(auditable)
		if !ok {
			return nil, fmt.Errorf("%s mutation has no id or client", m.Type())
		}
		id, ok := am.ID()
		if !ok {
			return next.Mutate(ctx, m)
		}
		before, err := touchedLinks(ctx, am)
		if err != nil {
			return nil, err
		}
		if len(changedValues(ctx, m, before)) > 0 {
			return next.Mutate(ctx, m)
		}
		return getRecord(auth.AsServer(ctx), am.ClientIn(ctx), m.Type(), id)
	})
}, ent.OpUpdateOne)

// changedValues lists what a create or update set, cleared, linked and
// unlinked, after every hook has had its say.
func changedValues(ctx context.Context, m ent.Mutation, before map[string]map[int][]int) []audit.Change {
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
			} else if err == nil && same(old, v) {
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
	edges := append(append(m.AddedEdges(), m.RemovedEdges()...), m.ClearedEdges()...)
	slices.Sort(edges)
	for _, name := range slices.Compact(edges) {
		if isFieldEdge(m, name) {
			continue // recorded as its field (objectiveID, activityID)
		}
		c := audit.Change{Field: samverkan.GraphQLName(name), Added: ints(m.AddedIDs(name)), Removed: ints(m.RemovedIDs(name))}
		if stored, ok := before[name]; ok {
			c.Added, c.Removed = linkChanges(m, name, stored)
		}
		if len(c.Added)+len(c.Removed) > 0 {
			changes = append(changes, c)
		}
	}
	return changes
}

// linkChanges compares the links of an updated record along an edge, as
// stored, with what they will be after the mutation (which clears the
// edge first, then removes, then adds, as ent does), so that adding a link
// that is there or removing one that is not is no change, and clearing
// lists what was there.
func linkChanges(m ent.Mutation, edge string, stored map[int][]int) (added, removed []int) {
	id, _ := m.(auditable).ID()
	was := stored[id]
	var after []int
	if !m.EdgeCleared(edge) {
		removing := ints(m.RemovedIDs(edge))
		for _, l := range was {
			if !slices.Contains(removing, l) {
				after = append(after, l)
			}
		}
	}
	for _, l := range ints(m.AddedIDs(edge)) {
		if !slices.Contains(after, l) {
			after = append(after, l)
		}
	}
	for _, l := range after {
		if !slices.Contains(was, l) {
			added = append(added, l)
		}
	}
	for _, l := range was {
		if !slices.Contains(after, l) {
			removed = append(removed, l)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	return added, removed
}

// isFieldEdge reports whether an edge is set through a field of the
// mutation's own (a unique edge such as an activity's heading).
func isFieldEdge(m ent.Mutation, edge string) bool {
	_, ok := m.Field(edge + "_id")
	return ok || slices.Contains(m.ClearedFields(), edge+"_id")
}

// deletedValues lists a record's fields as they are before it is deleted.
func deletedValues(ctx context.Context, m auditable) ([]audit.Change, error) {
	id, ok := m.ID()
	if !ok {
		return nil, fmt.Errorf("audit: delete of %s without an id", m.Type())
	}
	// Locked, so that what an update committed just before is what a
	// restore brings back (storedrecord.go).
	record, err := getRecord(lockingRead(auth.AsServer(ctx), m.Type()), m.ClientIn(ctx), m.Type(), id)
	if err != nil {
		return nil, err // not found: the presenter says so
	}
	return storedValues(record)
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

// same reports whether two stored values are the same: times the same
// instant (a database may give back another time zone than was written),
// anything else the same JSON form.
func same(a, b any) bool {
	if ta, ok := instant(a); ok {
		tb, ok := instant(b)
		return ok && ta.Equal(tb)
	}
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

// instant reads a time, or a time that is set, from a field's value.
func instant(v any) (time.Time, bool) {
	switch v := v.(type) {
	case time.Time:
		return v, true
	case *time.Time:
		if v != nil {
			return *v, true
		}
	}
	return time.Time{}, false
}
