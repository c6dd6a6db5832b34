// Package undo takes back, from what the audit trail recorded, a change
// made by mistake: it restores a deleted record with what was deleted with
// it (Restore), and reverts a field to its value before an update (Revert).
// Each is a change like any other: it goes through the schema's policies
// (only admins read the trail, and only admins restore) and hooks
// (validation, references, versions), runs in the request's transaction and
// is itself recorded in the trail, naming the entry it undid.
//
// The types are reached by name (the audit trail names them, "Activity"),
// through the generated client's fields and builders, so that a new type
// needs nothing here.
package undo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/audit"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/auditentry"
	"github.com/samverkan/samverkan/ent/schema/enum"
)

// notRestored are the types whose deleted records are not brought back: the
// trail keeps no password hash or token secret, so a restored user could
// not sign in, and a deleted token must stay dead. (Create the user again.)
var notRestored = []string{"User", "Token"}

// neverSet are the fields a restore or revert leaves to the server: an
// indicator value's slot (its hooks derive it) and tokens' secrets.
var neverSet = []string{"slot", "selector", "secret_hash", "password_hash"}

// Restore brings back the record whose deletion the entry records, with its
// own id, its values (times and version included) and its links, and every
// record deleted with it (the entries that name it as partOf), parents
// before children. It returns the restored record.
func Restore(ctx context.Context, c *ent.Client, entryID int) (ent.Noder, error) {
	e, err := entry(ctx, c, entryID)
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("%s %d", samverkan.RecordName(e.ObjectType), e.ObjectID)
	if e.Action != auditentry.ActionDELETE {
		return nil, samverkan.Errorf(samverkan.CodeValidation, "entryID",
			"entry %d records the %s of %s, not a deletion: only a deletion is restored (a field's change is reverted with revertChange)",
			e.ID, strings.ToLower(string(e.Action)), what)
	}
	if slices.Contains(notRestored, e.ObjectType) {
		return nil, samverkan.Errorf(samverkan.CodeValidation, "entryID",
			"a deleted %s is not restored: the audit trail keeps no password or secret (create it again)", samverkan.RecordName(e.ObjectType))
	}
	if e.PartOf != nil {
		// The record went with another: it comes back with it, from the
		// other's entry, or on its own once that one is back.
		parent, err := c.AuditEntry.Get(auth.AsServer(ctx), *e.PartOf)
		if err != nil {
			return nil, fmt.Errorf("read entry %d: %w", *e.PartOf, err)
		}
		if there, err := exists(ctx, c, parent.ObjectType, parent.ObjectID); err != nil {
			return nil, err
		} else if !there {
			return nil, samverkan.Errorf(samverkan.CodeNotFound, "entryID",
				"%s was deleted with %s %d, which is still deleted: restore that first (entry %d), which brings this back with it",
				what, samverkan.RecordName(parent.ObjectType), parent.ObjectID, parent.ID)
		}
	}
	later, err := c.AuditEntry.Query().
		Where(auditentry.ObjectID(e.ObjectID), auditentry.ActionEQ(auditentry.ActionDELETE), auditentry.IDGT(e.ID)).
		Order(auditentry.ByID(sql.OrderDesc())).First(auth.AsServer(ctx))
	switch {
	case err == nil:
		if there, err := exists(ctx, c, e.ObjectType, e.ObjectID); err != nil || there {
			return nil, alreadyThere(ctx, c, e, what, err)
		}
		return nil, samverkan.Errorf(samverkan.CodeConflict, "entryID",
			"%s was restored and deleted again after entry %d: restore it from its latest deletion, entry %d", what, e.ID, later.ID)
	case !ent.IsNotFound(err):
		return nil, fmt.Errorf("read later deletions of %s: %w", what, err)
	}
	if there, err := exists(ctx, c, e.ObjectType, e.ObjectID); err != nil || there {
		return nil, alreadyThere(ctx, c, e, what, err)
	}
	record, err := restoreOne(audit.Undoing(ctx, e.ID, e.ObjectID), c, e)
	if err != nil {
		return nil, err
	}
	restoredAs, err := c.AuditEntry.Query().
		Where(auditentry.Undoes(e.ID), auditentry.ActionEQ(auditentry.ActionRESTORE)).
		Order(auditentry.ByID(sql.OrderDesc())).FirstID(auth.AsServer(ctx))
	if err != nil {
		return nil, fmt.Errorf("read the entry of the restore of %s: %w", what, err)
	}
	children, err := c.AuditEntry.Query().
		Where(auditentry.PartOf(e.ID)).
		Order(auditentry.ByID()).All(auth.AsServer(ctx))
	if err != nil {
		return nil, fmt.Errorf("read what was deleted with %s: %w", what, err)
	}
	for _, child := range children {
		cctx := audit.Undoing(audit.PartOf(ctx, restoredAs), child.ID, child.ObjectID)
		if _, err := restoreOne(cctx, c, child); err != nil {
			return nil, fmt.Errorf("restore %s %d with %s: %w", samverkan.RecordName(child.ObjectType), child.ObjectID, what, err)
		}
	}
	return record, nil
}

// alreadyThere is the refusal to restore a record that exists.
func alreadyThere(ctx context.Context, c *ent.Client, e *ent.AuditEntry, what string, err error) error {
	if err != nil {
		return err
	}
	restore, err := c.AuditEntry.Query().
		Where(auditentry.ObjectID(e.ObjectID), auditentry.ActionEQ(auditentry.ActionRESTORE), auditentry.IDGT(e.ID)).
		Order(auditentry.ByID(sql.OrderDesc())).FirstID(auth.AsServer(ctx))
	if err == nil {
		return samverkan.Errorf(samverkan.CodeConflict, "entryID", "%s has been restored already (entry %d): there is nothing to restore", what, restore)
	}
	return samverkan.Errorf(samverkan.CodeConflict, "entryID", "%s exists: there is nothing to restore", what)
}

// restoreOne writes back the one record a deletion's entry records.
func restoreOne(ctx context.Context, c *ent.Client, e *ent.AuditEntry) (ent.Noder, error) {
	builders, ok := typeClient(c, e.ObjectType)
	if !ok {
		return nil, fmt.Errorf("no client for %s", e.ObjectType)
	}
	create := builders.MethodByName("Create").Call(nil)[0]
	m, ok := create.MethodByName("Mutation").Call(nil)[0].Interface().(restorable)
	if !ok {
		return nil, fmt.Errorf("%s cannot be restored", e.ObjectType)
	}
	m.SetRestoredID(e.ObjectID)
	entity := create.MethodByName("Save").Type().Out(0).Elem()
	fields := fieldsOf(entity)
	given := map[string]any{}
	var history []audit.StatusChange
	for _, ch := range e.Changes {
		switch {
		case ch.Field == audit.StatusChanges:
			raw, err := json.Marshal(ch.Old)
			if err != nil {
				return nil, err
			}
			if err := json.Unmarshal(raw, &history); err != nil {
				return nil, fmt.Errorf("read the status history in entry %d: %w", e.ID, err)
			}
		case len(ch.Removed) > 0:
			there, err := existing(ctx, c, edgeType(entity, ch.Field), ch.Removed)
			if err != nil {
				return nil, err
			}
			if err := addLinks(create, ch.Field, there); err != nil {
				return nil, err
			}
		default:
			if f, ok := fields[ch.Field]; ok && ch.Old != nil {
				given[f.name] = ch.Old
			}
		}
	}
	values, err := typed(entity, given)
	if err != nil {
		return nil, fmt.Errorf("read the values in entry %d: %w", e.ID, err)
	}
	for _, f := range fields {
		// A field the entry leaves out was empty (JSON leaves out zeros and
		// nulls), or is one it did not keep (times and version, in entries
		// from before they were kept): its default is what it was, or the
		// best there is.
		if _, inEntry := given[f.name]; !inEntry || slices.Contains(neverSet, f.name) {
			continue
		}
		v := values.Field(f.index)
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				continue
			}
			v = v.Elem()
		}
		if err := m.SetField(f.name, v.Interface()); err != nil {
			return nil, fmt.Errorf("restore %s.%s: %w", e.ObjectType, f.name, err)
		}
	}
	out := create.MethodByName("Save").Call([]reflect.Value{reflect.ValueOf(ctx)})
	if err, _ := out[1].Interface().(error); err != nil {
		return nil, parentDeleted(e, err)
	}
	if e.ObjectType == "Activity" {
		if err := restoreHistory(ctx, c, e.ObjectID, out[0].Interface().(*ent.Activity), history); err != nil {
			return nil, err
		}
	}
	return out[0].Interface().(ent.Noder), nil
}

// parentDeleted words the refusal to restore a record whose parent (the
// plan of a goal, the heading of an activity) is deleted.
func parentDeleted(e *ent.AuditEntry, err error) error {
	var se *samverkan.Error
	if !errors.As(err, &se) || se.Code != samverkan.CodeNotFound || !strings.HasSuffix(se.Field, "ID") {
		return err
	}
	parent := strings.TrimSuffix(se.Field, "ID")
	return samverkan.Errorf(samverkan.CodeNotFound, se.Field,
		"%s %d cannot be restored while its %s is deleted (%s): restore the %s first, which brings back what was deleted with it",
		samverkan.RecordName(e.ObjectType), e.ObjectID, samverkan.RecordName(parent), se.Message, samverkan.RecordName(parent))
}

// restoreHistory writes back a restored activity's status changes as its
// deletion's entry kept them; an entry from before they were kept gives a
// history that starts at the restore.
func restoreHistory(ctx context.Context, c *ent.Client, id int, a *ent.Activity, history []audit.StatusChange) error {
	ctx = auth.AsServer(ctx)
	if len(history) == 0 {
		history = []audit.StatusChange{{ToStatus: string(a.Status), At: time.Now().UTC().Format(time.RFC3339Nano)}}
	}
	for _, h := range history {
		at, err := time.Parse(time.RFC3339Nano, h.At)
		if err != nil {
			return fmt.Errorf("read a status change of activity %d: %w", id, err)
		}
		create := c.StatusChange.Create().SetActivityID(id).SetToStatus(enum.Status(h.ToStatus)).SetAt(at)
		if h.FromStatus != nil {
			create.SetFromStatus(enum.Status(*h.FromStatus))
		}
		if err := create.Exec(ctx); err != nil {
			return fmt.Errorf("restore a status change of activity %d: %w", id, err)
		}
	}
	return nil
}

// Revert sets a field that the update the entry records changed back to
// its value before, or, for links, takes back the links it added and
// removed. version is the record's version the revert is based on: if the
// record has changed since, the revert fails with CONFLICT, as an update
// does; so it does when the field has changed again after the entry, as
// the revert would silently undo that later change. It returns the record.
func Revert(ctx context.Context, c *ent.Client, entryID int, field string, version int) (ent.Noder, error) {
	e, err := entry(ctx, c, entryID)
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("%s %d", samverkan.RecordName(e.ObjectType), e.ObjectID)
	if e.Action != auditentry.ActionUPDATE {
		return nil, samverkan.Errorf(samverkan.CodeValidation, "entryID",
			"entry %d records the %s of %s: only an update's changes are reverted (a deletion is restored with restoreDeleted)",
			e.ID, strings.ToLower(string(e.Action)), what)
	}
	i := slices.IndexFunc(e.Changes, func(ch audit.Change) bool { return ch.Field == field })
	if i < 0 {
		var names []string
		for _, ch := range e.Changes {
			names = append(names, ch.Field)
		}
		return nil, samverkan.Errorf(samverkan.CodeValidation, "field",
			"entry %d changed no field %q (it changed %s)", e.ID, field, strings.Join(names, ", "))
	}
	ch := e.Changes[i]
	if ch.Old == audit.Hidden || ch.New == audit.Hidden {
		return nil, samverkan.Errorf(samverkan.CodeValidation, "field", "a %s's change cannot be reverted: the trail does not keep its value", field)
	}
	builders, ok := typeClient(c, e.ObjectType)
	if !ok {
		return nil, fmt.Errorf("no client for %s", e.ObjectType)
	}
	current, err := get(ctx, builders, e.ObjectID)
	if ent.IsNotFound(err) {
		return nil, samverkan.Errorf(samverkan.CodeNotFound, "entryID",
			"%s has been deleted since: restore it first (from its deletion in the audit trail)", what)
	}
	if err != nil {
		return nil, err
	}
	update := builders.MethodByName("UpdateOneID").Call([]reflect.Value{reflect.ValueOf(e.ObjectID)})[0]
	m, ok := update.MethodByName("Mutation").Call(nil)[0].Interface().(ent.Mutation)
	if !ok {
		return nil, fmt.Errorf("%s has no mutation", e.ObjectType)
	}
	entity := reflect.TypeOf(current).Elem()
	fields := fieldsOf(entity)
	if len(ch.Added)+len(ch.Removed) > 0 {
		if err := removeLinks(update, ch.Field, ch.Added); err != nil {
			return nil, err
		}
		there, err := existing(ctx, c, edgeType(entity, ch.Field), ch.Removed)
		if err != nil {
			return nil, err
		}
		if err := addLinks(update, ch.Field, there); err != nil {
			return nil, err
		}
	} else {
		f, ok := fields[ch.Field]
		if !ok || slices.Contains(neverSet, f.name) {
			return nil, samverkan.Errorf(samverkan.CodeValidation, "field", "%s cannot be reverted", field)
		}
		now := reflect.ValueOf(current).Elem().Field(f.index).Interface()
		if !sameValue(now, ch.New) {
			return nil, samverkan.Errorf(samverkan.CodeConflict, "field",
				"%s of %s has changed again since entry %d: reverting it would undo the later change (revert that one, or edit the field)",
				field, what, e.ID)
		}
		if ch.Old == nil {
			if err := m.ClearField(f.name); err != nil {
				return nil, samverkan.Errorf(samverkan.CodeValidation, "field", "%s had no value before entry %d and must have one", field, e.ID)
			}
		} else {
			values, err := typed(entity, map[string]any{f.name: ch.Old})
			if err != nil {
				return nil, fmt.Errorf("read the old %s in entry %d: %w", field, e.ID, err)
			}
			v := values.Field(f.index)
			if v.Kind() == reflect.Pointer {
				v = v.Elem()
			}
			if err := m.SetField(f.name, v.Interface()); err != nil {
				return nil, fmt.Errorf("revert %s.%s: %w", e.ObjectType, f.name, err)
			}
		}
	}
	if _, versioned := fields["version"]; versioned {
		if err := m.SetField("version", version); err != nil {
			return nil, fmt.Errorf("revert %s: %w", what, err)
		}
	}
	out := update.MethodByName("Save").Call([]reflect.Value{reflect.ValueOf(audit.Undoing(ctx, e.ID, e.ObjectID))})
	if err, _ := out[1].Interface().(error); err != nil {
		return nil, err
	}
	return out[0].Interface().(ent.Noder), nil
}

// entry reads an entry of the trail as the viewer may (admins only).
func entry(ctx context.Context, c *ent.Client, id int) (*ent.AuditEntry, error) {
	// Restoring and reverting are an admin's, whatever of the trail the
	// caller may read (an editor reads the history of its scope).
	switch v := auth.FromContext(ctx); {
	case v == nil:
		return nil, auth.ErrSignInToChange
	case !v.Is(auth.RoleAdmin):
		return nil, samverkan.Errorf(samverkan.CodeForbidden, "", "only admins restore deleted records and revert changes")
	}
	e, err := c.AuditEntry.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, samverkan.Errorf(samverkan.CodeNotFound, "entryID", "no entry of the audit trail has the id %d", id)
	}
	return e, err
}

// restorable is what the generated create mutation of every type has
// (SetRestoredID, from ent/template/restoreid.tmpl).
type restorable interface {
	ent.Mutation
	SetRestoredID(int)
}

// typeClient returns the generated client of a type (Client.Activity …).
func typeClient(c *ent.Client, typ string) (reflect.Value, bool) {
	v := reflect.ValueOf(c).Elem().FieldByName(typ)
	return v, v.IsValid() && v.Kind() == reflect.Pointer && !v.IsNil()
}

// get reads a record by its type's client.
func get(ctx context.Context, builders reflect.Value, id int) (any, error) {
	out := builders.MethodByName("Get").Call([]reflect.Value{reflect.ValueOf(auth.AsServer(ctx)), reflect.ValueOf(id)})
	if err, _ := out[1].Interface().(error); err != nil {
		return nil, err
	}
	return out[0].Interface(), nil
}

// exists reports whether a record of the type has the id.
func exists(ctx context.Context, c *ent.Client, typ string, id int) (bool, error) {
	there, err := existing(ctx, c, typ, []int{id})
	return len(there) > 0, err
}

// existing returns those of the ids that name a record of the type: a link
// to a record deleted since is not brought back.
func existing(ctx context.Context, c *ent.Client, typ string, ids []int) ([]int, error) {
	builders, ok := typeClient(c, typ)
	if !ok {
		return nil, fmt.Errorf("no client for %q", typ)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	q := builders.MethodByName("Query").Call(nil)[0]
	where := q.MethodByName("Where")
	anyIDs := make([]any, len(ids))
	for i, id := range ids {
		anyIDs[i] = id
	}
	pred := reflect.ValueOf(sql.FieldIn("id", anyIDs...)).Convert(where.Type().In(0).Elem())
	q = where.Call([]reflect.Value{pred})[0]
	out := q.MethodByName("IDs").Call([]reflect.Value{reflect.ValueOf(auth.AsServer(ctx))})
	if err, _ := out[1].Interface().(error); err != nil {
		return nil, fmt.Errorf("read %s records: %w", typ, err)
	}
	return out[0].Interface().([]int), nil
}

// edgeType is the type of the records an edge of the entity links to,
// named as the trail names the edge (municipalities → Municipality).
func edgeType(entity reflect.Type, edge string) string {
	edges, ok := entity.FieldByName("Edges")
	if !ok {
		return ""
	}
	for i := range edges.Type.NumField() {
		sf := edges.Type.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if samverkan.GraphQLName(name) != edge {
			continue
		}
		t := sf.Type
		for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		return t.Name()
	}
	return ""
}

// addLinks and removeLinks call a builder's Add…IDs and Remove…IDs for an
// edge named as the trail names it (municipalities → AddMunicipalityIDs).
func addLinks(builder reflect.Value, edge string, ids []int) error {
	return link(builder, "Add", edge, ids)
}

func removeLinks(builder reflect.Value, edge string, ids []int) error {
	return link(builder, "Remove", edge, ids)
}

func link(builder reflect.Value, verb, edge string, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	one := edge
	if s, ok := strings.CutSuffix(edge, "ies"); ok {
		one = s + "y"
	} else {
		one = strings.TrimSuffix(edge, "s")
	}
	method := builder.MethodByName(verb + strings.ToUpper(one[:1]) + one[1:] + "IDs")
	if !method.IsValid() {
		return fmt.Errorf("no %s link %s", verb, edge)
	}
	args := make([]reflect.Value, len(ids))
	for i, id := range ids {
		args[i] = reflect.ValueOf(id)
	}
	method.Call(args)
	return nil
}

// field is a field of a generated entity: its ent name and its index in
// the struct.
type field struct {
	name  string
	index int
}

// fieldsOf lists a generated entity's fields by the names the trail gives
// them (GraphQL's), from the struct's JSON tags, which are ent's names.
func fieldsOf(entity reflect.Type) map[string]field {
	out := map[string]field{}
	for i := range entity.NumField() {
		sf := entity.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "" || name == "-" || name == "id" || name == "edges" {
			continue
		}
		out[samverkan.GraphQLName(name)] = field{name: name, index: i}
	}
	return out
}

// typed turns values as the trail keeps them (JSON's), by ent field name,
// into the entity's Go types, through the entity's own JSON form.
func typed(entity reflect.Type, values map[string]any) (reflect.Value, error) {
	raw, err := json.Marshal(values)
	if err != nil {
		return reflect.Value{}, err
	}
	v := reflect.New(entity)
	if err := json.Unmarshal(raw, v.Interface()); err != nil {
		return reflect.Value{}, err
	}
	return v.Elem(), nil
}

// sameValue reports whether a stored value is the one the trail recorded:
// times the same instant, anything else the same JSON (a zero value, which
// the trail may have left out, the same as none).
func sameValue(stored, recorded any) bool {
	raw, err := json.Marshal(stored)
	if err != nil {
		return false
	}
	var now any
	if err := json.Unmarshal(raw, &now); err != nil {
		return false
	}
	if recorded == nil || now == nil {
		return (now == nil || reflect.ValueOf(now).IsZero()) && (recorded == nil || reflect.ValueOf(recorded).IsZero())
	}
	if a, ok := now.(string); ok {
		if b, ok := recorded.(string); ok {
			ta, errA := time.Parse(time.RFC3339Nano, a)
			tb, errB := time.Parse(time.RFC3339Nano, b)
			if errA == nil && errB == nil {
				return ta.Equal(tb)
			}
		}
	}
	raw, err = json.Marshal(recorded)
	if err != nil {
		return false
	}
	var was any
	if err := json.Unmarshal(raw, &was); err != nil {
		return false
	}
	return reflect.DeepEqual(now, was)
}
