package schema

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/audit"
	"github.com/samverkan/samverkan/auth"
	gen "github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/edgemeta"
	"github.com/samverkan/samverkan/ent/institution"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/statuschange"
	"github.com/samverkan/samverkan/ent/user"
)

// This file holds what the audit trail needs to know of the records a
// change touches besides the one it names: the links of a record to others
// (which a clear, a delete or the database's ON DELETE CASCADE removes), the
// records the database deletes with their parent, and the references it
// sets to null.

// edgesOf lists the links of a type (the edges whose Links edgemeta
// knows), in order.
func edgesOf(typ string) []string {
	var edges []string
	for key, e := range edgemeta.Edges {
		if t, edge, _ := strings.Cut(key, "."); t == typ && e.Links != nil {
			edges = append(edges, edge)
		}
	}
	slices.Sort(edges)
	return edges
}

// readLinks reads the links of the records of a type along those of the
// edges given that are links (edgemeta's Links), in chunks that keep
// within the databases' limits on a statement's parameters.
func readLinks(ctx context.Context, c *gen.Client, typ string, edges []string, ids []int) (map[string]map[int][]int, error) {
	out := map[string]map[int][]int{}
	for _, edge := range edges {
		read := edgemeta.Edges[typ+"."+edge].Links
		if read == nil {
			continue
		}
		out[edge] = map[int][]int{}
		for chunk := range slices.Chunk(ids, maxParameters) {
			got, err := read(auth.AsServer(ctx), c, chunk)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", typ, edge, err)
			}
			for id, targets := range got {
				out[edge][id] = targets
			}
		}
	}
	return out, nil
}

// maxParameters is how many ids one statement is given at most: SQLite
// takes 32,766 parameters, PostgreSQL 65,535.
const maxParameters = 5000

// deletion is what the trail records of a deleted record.
type deletion struct {
	typ     string
	id      int
	changes []audit.Change
}

// deletedWith reads, before they go, the audited records the database will
// delete with the records of a type (edgemeta.Cascades), their children's
// children included, each with its fields and links as they are. (An
// activity's status changes go with it too; they are its history, not
// records of their own in the trail: addStatusHistory adds them to it.)
func deletedWith(ctx context.Context, c *gen.Client, typ string, ids []int) ([]deletion, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []deletion
	for _, child := range edgemeta.Cascades[typ] {
		var (
			children []deletion
			childIDs []int
		)
		for chunk := range slices.Chunk(ids, maxParameters) {
			records, err := child.Read(auth.AsServer(ctx), c, chunk)
			if err != nil {
				return nil, fmt.Errorf("audit: read the %s records deleted with %s: %w", child.Type, typ, err)
			}
			list := reflect.ValueOf(records)
			for i := range list.Len() {
				record := list.Index(i).Interface()
				changes, err := storedValues(record)
				if err != nil {
					return nil, err
				}
				id := edgemeta.ID(record)
				children = append(children, deletion{typ: child.Type, id: id, changes: changes})
				childIDs = append(childIDs, id)
			}
		}
		if err := addRemovedLinks(ctx, c, child.Type, children); err != nil {
			return nil, err
		}
		if err := addStatusHistory(ctx, c, child.Type, children); err != nil {
			return nil, err
		}
		grandchildren, err := deletedWith(ctx, c, child.Type, childIDs)
		if err != nil {
			return nil, err
		}
		out = append(append(out, children...), grandchildren...)
	}
	// A record may go by two ways (a follow-up's figure of the activity's
	// own indicator, when the activity is deleted): it is recorded once.
	seen := make(map[string]bool, len(out))
	return slices.DeleteFunc(out, func(d deletion) bool {
		key := d.typ + "/" + strconv.Itoa(d.id)
		if seen[key] {
			return true
		}
		seen[key] = true
		return false
	}), nil
}

// addRemovedLinks adds to each deletion of a type the links that go with
// the record, as ids removed.
func addRemovedLinks(ctx context.Context, c *gen.Client, typ string, ds []deletion) error {
	edges := edgesOf(typ)
	if len(edges) == 0 || len(ds) == 0 {
		return nil
	}
	ids := make([]int, len(ds))
	for i, d := range ds {
		ids[i] = d.id
	}
	stored, err := readLinks(ctx, c, typ, edges, ids)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	for i := range ds {
		for _, edge := range edges {
			if removed := stored[edge][ds[i].id]; len(removed) > 0 {
				ds[i].changes = append(ds[i].changes, audit.Change{Field: samverkan.GraphQLName(edge), Removed: removed})
			}
		}
	}
	return nil
}

// addStatusHistory adds to each deletion of an activity its status
// changes, which the database deletes with it: the history the reports
// count by year, which a restore brings back.
func addStatusHistory(ctx context.Context, c *gen.Client, typ string, ds []deletion) error {
	if typ != "Activity" || len(ds) == 0 {
		return nil
	}
	ids := make([]int, len(ds))
	for i, d := range ds {
		ids[i] = d.id
	}
	history := map[int][]audit.StatusChange{}
	for chunk := range slices.Chunk(ids, maxParameters) {
		rows, err := c.StatusChange.Query().Where(statuschange.ActivityIDIn(chunk...)).
			Order(statuschange.ByAt(), statuschange.ByID()).All(auth.AsServer(ctx))
		if err != nil {
			return fmt.Errorf("audit: read the status changes of the deleted activities: %w", err)
		}
		for _, r := range rows {
			sc := audit.StatusChange{ToStatus: string(r.ToStatus), At: r.At.UTC().Format(time.RFC3339Nano)}
			if r.FromStatus != nil {
				from := string(*r.FromStatus)
				sc.FromStatus = &from
			}
			history[r.ActivityID] = append(history[r.ActivityID], sc)
		}
	}
	for i := range ds {
		if h := history[ds[i].id]; len(h) > 0 {
			ds[i].changes = append(ds[i].changes, audit.Change{Field: audit.StatusChanges, Old: h})
		}
	}
	return nil
}

// storedValues lists a record's fields as they are, read through the
// record's JSON form (which leaves secrets out).
func storedValues(record any) ([]audit.Change, error) {
	raw, err := json.Marshal(record)
	if err != nil {
		return nil, fmt.Errorf("audit: read %T: %w", record, err)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("audit: read %T: %w", record, err)
	}
	var changes []audit.Change
	for name, v := range fields {
		if name == "id" || name == "edges" || v == nil || slices.Contains(unrecorded, name) && !slices.Contains(keptWhenDeleted, name) {
			continue
		}
		changes = append(changes, audit.Change{Field: samverkan.GraphQLName(name), Old: v})
	}
	slices.SortFunc(changes, func(a, b audit.Change) int { return cmp.Compare(a.Field, b.Field) })
	return changes, nil
}

// unlinkBeforeDelete makes, through the records' own updates (so that
// each raises its version and is recorded), the changes the database would
// make unrecorded when a record is deleted: it sets to null the references
// to it (an institution's home municipality, the predecessor of an activity
// carried over from it or from an activity deleted with it) and takes it
// out of editors' scopes.
func unlinkBeforeDelete(ctx context.Context, c *gen.Client, typ string, id int, cascaded []deletion) error {
	ctx = auth.AsServer(ctx)
	if err := unlinkSuccessors(ctx, c, typ, id, cascaded); err != nil {
		return err
	}
	switch typ {
	case "Municipality":
		homes, err := c.Institution.Query().Where(institution.MunicipalityID(id)).IDs(ctx)
		if err != nil {
			return fmt.Errorf("audit: read the institutions of municipality %d: %w", id, err)
		}
		for _, i := range homes {
			if err := c.Institution.UpdateOneID(i).ClearMunicipality().Exec(ctx); err != nil {
				return fmt.Errorf("audit: clear the home of institution %d: %w", i, err)
			}
		}
		editors, err := c.User.Query().Where(user.HasMunicipalitiesWith(municipality.ID(id))).IDs(ctx)
		if err != nil {
			return fmt.Errorf("audit: read the editors of municipality %d: %w", id, err)
		}
		for _, u := range editors {
			if err := c.User.UpdateOneID(u).RemoveMunicipalityIDs(id).Exec(ctx); err != nil {
				return fmt.Errorf("audit: take municipality %d out of user %d's scope: %w", id, u, err)
			}
		}
	case "Institution":
		editors, err := c.User.Query().Where(user.HasInstitutionsWith(institution.ID(id))).IDs(ctx)
		if err != nil {
			return fmt.Errorf("audit: read the editors of institution %d: %w", id, err)
		}
		for _, u := range editors {
			if err := c.User.UpdateOneID(u).RemoveInstitutionIDs(id).Exec(ctx); err != nil {
				return fmt.Errorf("audit: take institution %d out of user %d's scope: %w", id, u, err)
			}
		}
	}
	return nil
}

// unlinkSuccessors clears, as recorded updates, the predecessor of the
// activities that carry over an activity about to be deleted (the one
// deleted, or those deleted with it), when they stay.
func unlinkSuccessors(ctx context.Context, c *gen.Client, typ string, id int, cascaded []deletion) error {
	var deleted []int
	if typ == "Activity" {
		deleted = append(deleted, id)
	}
	for _, d := range cascaded {
		if d.typ == "Activity" {
			deleted = append(deleted, d.id)
		}
	}
	gone := make(map[int]bool, len(deleted))
	for _, id := range deleted {
		gone[id] = true
	}
	for chunk := range slices.Chunk(deleted, maxParameters) {
		successors, err := c.Activity.Query().Where(activity.PredecessorIDIn(chunk...)).IDs(ctx)
		if err != nil {
			return fmt.Errorf("audit: read the successors of deleted activities: %w", err)
		}
		for _, s := range successors {
			if gone[s] {
				continue
			}
			if err := c.Activity.UpdateOneID(s).ClearPredecessor().Exec(ctx); err != nil {
				return fmt.Errorf("audit: clear the predecessor of activity %d: %w", s, err)
			}
		}
	}
	return nil
}
