package importer

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/schema/enum"
)

// wanted is what an activity row asks for; a nil pointer or a false has*
// is a column the file does not have, which leaves the stored value as it
// is. A column the file has with an empty cell clears the value.
type wanted struct {
	title                     string
	status                    *enum.Status
	hasFirst, hasLast         bool
	first, last               *int
	hasLead, hasDescription   bool
	lead, description         string
	hasStart, hasEnd, hasNext bool
	start, end, next          *time.Time
	hasMunis, hasInsts        bool
	munis, insts              []int
}

// activity imports one row of an activity sheet.
func (im *importer) activity(h *header, cells []string, row *Row) error {
	row.Title = h.cell(cells, colActivity)
	p := im.resolvePlan(h, cells, row)
	if p == nil {
		return nil
	}
	d, err := im.planOf(p)
	if err != nil {
		return err
	}
	if row.Title == "" {
		refuse(row, "title", "Titel saknas: skriv vad aktiviteten är.")
		return nil
	}
	g := resolveGoal(d, p, h.cell(cells, colGoal), row)
	if g == nil {
		return nil
	}
	headingTitle := h.cell(cells, colHeading)
	if headingTitle == "" {
		refuse(row, "objectiveID", "Rubrik saknas: skriv rubriken (insatsområdet) under utvecklingsmålet.")
		return nil
	}
	heading := findHeading(g, headingTitle)
	var existing []*ent.Activity
	if heading != nil {
		existing = d.activities[activityKey(heading.ID, row.Title)]
	}
	var linked []int
	if len(existing) == 1 {
		linked = ids(existing[0].Edges.Institutions, func(i *ent.Institution) int { return i.ID })
	}
	w, ok := im.readActivity(h, cells, p, linked, row)
	if !ok {
		return nil
	}
	switch len(existing) {
	case 0:
		return im.createActivity(d, g, heading, headingTitle, w, row)
	case 1:
		return im.updateActivity(d, existing[0], w, row)
	default:
		refuse(row, "title", "Det finns %d aktiviteter med titeln ”%s” under rubriken ”%s”: ge dem olika titlar i administrationssidan först.", len(existing), w.title, heading.Title)
		return nil
	}
}

// readActivity reads a row's values, refusing what is not a value of its
// column.
func (im *importer) readActivity(h *header, cells []string, p *ent.Plan, linked []int, row *Row) (w wanted, ok bool) {
	w.title = row.Title
	if s := h.cell(cells, colStatus); s != "" {
		st, ok := parseStatus(s)
		if !ok {
			refuse(row, "status", "Status ”%s” finns inte: skriv Planerad, Pågående, Genomförd eller Inställd.", s)
			return w, false
		}
		w.status = &st
	}
	years := []struct {
		col   column
		has   *bool
		to    **int
		field string
	}{{colFirstYear, &w.hasFirst, &w.first, "firstYear"}, {colLastYear, &w.hasLast, &w.last, "lastYear"}}
	for _, y := range years {
		if !h.has(y.col) {
			continue
		}
		*y.has = true
		if s := h.cell(cells, y.col); s != "" {
			n, ok := parseYear(s)
			if !ok {
				refuse(row, y.field, "%s: ”%s” är inget årtal.", headers[y.col][0], s)
				return w, false
			}
			*y.to = &n
		}
	}
	if w.hasLead = h.has(colLead); w.hasLead {
		w.lead = h.cell(cells, colLead)
	}
	if w.hasDescription = h.has(colDescription); w.hasDescription {
		w.description = h.cell(cells, colDescription)
	}
	dates := []struct {
		col   column
		has   *bool
		to    **time.Time
		field string
	}{{colStart, &w.hasStart, &w.start, "startDate"}, {colEnd, &w.hasEnd, &w.end, "endDate"}, {colReview, &w.hasNext, &w.next, "nextReview"}}
	for _, dt := range dates {
		if !h.has(dt.col) {
			continue
		}
		*dt.has = true
		if s := h.cell(cells, dt.col); s != "" {
			t, ok := parseDate(s)
			if !ok {
				refuse(row, dt.field, "%s: ”%s” är inget datum: skriv det som 2021-03-01.", headers[dt.col][0], s)
				return w, false
			}
			*dt.to = &t
		}
	}
	if w.hasMunis = h.has(colMunicipalities); w.hasMunis {
		if w.munis, ok = im.municipalityIDs(h.cell(cells, colMunicipalities), p, row); !ok {
			return w, false
		}
	}
	if w.hasInsts = h.has(colInstitutions); w.hasInsts {
		if w.insts, ok = im.institutionIDs(h.cell(cells, colInstitutions), w.munis, linked, p, row); !ok {
			return w, false
		}
	}
	return w, true
}

// createActivity creates the row's activity, and its heading if the goal
// has none of that title.
func (im *importer) createActivity(d *planData, g *ent.Goal, heading *ent.Objective, headingTitle string, w wanted, row *Row) error {
	row.Action = Create
	if heading == nil {
		row.Changes = append(row.Changes, fmt.Sprintf("Ny rubrik: ”%s” under mål %d", headingTitle, g.Number))
	}
	if w.status != nil {
		row.Changes = append(row.Changes, "Status: "+statusLabels[*w.status])
	}
	if w.first != nil || w.last != nil {
		row.Changes = append(row.Changes, fmt.Sprintf("Prioriterad: %s–%s", yearText(w.first), yearText(w.last)))
	}
	if len(w.munis) > 0 {
		row.Changes = append(row.Changes, "Kommuner: "+im.names(im.muniNames, w.munis))
	}
	if len(w.insts) > 0 {
		row.Changes = append(row.Changes, "Aktörer: "+im.names(im.instNames, w.insts))
	}
	var created *ent.Activity
	var newHeading *ent.Objective
	err := im.write(row, func() error {
		headingID := 0
		if heading != nil {
			headingID = heading.ID
		} else {
			position := 0
			for _, o := range g.Edges.Objectives {
				position = max(position, o.Position+1)
			}
			o, err := im.c.Objective.Create().SetGoalID(g.ID).SetTitle(headingTitle).SetPosition(position).Save(im.ctx)
			if err != nil {
				return err
			}
			newHeading, headingID = o, o.ID
		}
		q := im.c.Activity.Create().SetObjectiveID(headingID).SetTitle(w.title).
			SetNillableStatus(w.status).SetNillableFirstYear(w.first).SetNillableLastYear(w.last).
			SetNillableStartDate(w.start).SetNillableEndDate(w.end).SetNillableNextReview(w.next)
		// Only links there are: an edge named with no ids is still an edge
		// the hooks check and the audit trail reads.
		if len(w.munis) > 0 {
			q.AddMunicipalityIDs(w.munis...)
		}
		if len(w.insts) > 0 {
			q.AddInstitutionIDs(w.insts...)
		}
		if w.lead != "" {
			q.SetLead(w.lead)
		}
		if w.description != "" {
			q.SetDescription(w.description)
		}
		a, err := q.Save(im.ctx)
		if err != nil {
			return err
		}
		created = a
		return nil
	})
	if err != nil || row.Action == Refused {
		return err
	}
	if newHeading != nil {
		g.Edges.Objectives = append(g.Edges.Objectives, newHeading)
	}
	created.Edges.Municipalities = stubs[ent.Municipality](w.munis, func(id int) *ent.Municipality { return &ent.Municipality{ID: id} })
	created.Edges.Institutions = stubs[ent.Institution](w.insts, func(id int) *ent.Institution { return &ent.Institution{ID: id} })
	d.add(created)
	return nil
}

func stubs[T any](ids []int, mk func(int) *T) []*T {
	out := make([]*T, len(ids))
	for i, id := range ids {
		out[i] = mk(id)
	}
	return out
}

// updateActivity changes what the row says differently from the stored
// activity, on the version read, and nothing when nothing differs.
func (im *importer) updateActivity(d *planData, a *ent.Activity, w wanted, row *Row) error {
	u := im.c.Activity.UpdateOneID(a.ID).SetVersion(a.Version)
	var changes []string
	if w.status != nil && *w.status != a.Status {
		u.SetStatus(*w.status)
		changes = append(changes, fmt.Sprintf("Status: %s → %s", statusLabels[a.Status], statusLabels[*w.status]))
	}
	years := []struct {
		has      bool
		old, new *int
		label    string
		set      func(int)
		clear    func()
	}{
		{w.hasFirst, a.FirstYear, w.first, "Prioriterad från år", func(y int) { u.SetFirstYear(y) }, func() { u.ClearFirstYear() }},
		{w.hasLast, a.LastYear, w.last, "Prioriterad till år", func(y int) { u.SetLastYear(y) }, func() { u.ClearLastYear() }},
	}
	for _, y := range years {
		if !y.has || (y.old == nil && y.new == nil) || (y.old != nil && y.new != nil && *y.old == *y.new) {
			continue
		}
		if y.new == nil {
			y.clear()
		} else {
			y.set(*y.new)
		}
		changes = append(changes, fmt.Sprintf("%s: %s → %s", y.label, yearText(y.old), yearText(y.new)))
	}
	if w.hasLead && w.lead != a.Lead {
		if w.lead == "" {
			u.ClearLead()
		} else {
			u.SetLead(w.lead)
		}
		changes = append(changes, fmt.Sprintf("Ansvarig: %s → %s", textOr(a.Lead), textOr(w.lead)))
	}
	if w.hasDescription && w.description != a.Description {
		if w.description == "" {
			u.ClearDescription()
		} else {
			u.SetDescription(w.description)
		}
		changes = append(changes, "Beskrivning ändrad")
	}
	dates := []struct {
		has      bool
		old, new *time.Time
		label    string
		set      func(time.Time)
		clear    func()
	}{
		{w.hasStart, a.StartDate, w.start, "Startdatum", func(t time.Time) { u.SetStartDate(t) }, func() { u.ClearStartDate() }},
		{w.hasEnd, a.EndDate, w.end, "Slutdatum", func(t time.Time) { u.SetEndDate(t) }, func() { u.ClearEndDate() }},
		{w.hasNext, a.NextReview, w.next, "Avstämningsdatum", func(t time.Time) { u.SetNextReview(t) }, func() { u.ClearNextReview() }},
	}
	for _, dt := range dates {
		if !dt.has || sameDay(dt.old, dt.new) {
			continue
		}
		if dt.new == nil {
			dt.clear()
		} else {
			dt.set(*dt.new)
		}
		changes = append(changes, fmt.Sprintf("%s: %s → %s", dt.label, isoDay(dt.old), isoDay(dt.new)))
	}
	var munisAdd, munisRemove, instsAdd, instsRemove []int
	if w.hasMunis {
		munisAdd, munisRemove = diff(ids(a.Edges.Municipalities, func(m *ent.Municipality) int { return m.ID }), w.munis)
		// Only links that change: an edge named with no ids is still an
		// edge the hooks check and the audit trail reads.
		if len(munisAdd) > 0 {
			u.AddMunicipalityIDs(munisAdd...)
		}
		if len(munisRemove) > 0 {
			u.RemoveMunicipalityIDs(munisRemove...)
		}
		if c := im.linkChange("Kommuner", im.muniNames, munisAdd, munisRemove); c != "" {
			changes = append(changes, c)
		}
	}
	if w.hasInsts {
		instsAdd, instsRemove = diff(ids(a.Edges.Institutions, func(i *ent.Institution) int { return i.ID }), w.insts)
		if len(instsAdd) > 0 {
			u.AddInstitutionIDs(instsAdd...)
		}
		if len(instsRemove) > 0 {
			u.RemoveInstitutionIDs(instsRemove...)
		}
		if c := im.linkChange("Aktörer", im.instNames, instsAdd, instsRemove); c != "" {
			changes = append(changes, c)
		}
	}
	if len(changes) == 0 {
		row.Action = Unchanged
		return nil
	}
	row.Action, row.Changes = Update, changes
	var updated *ent.Activity
	err := im.write(row, func() error {
		var err error
		updated, err = u.Save(im.ctx)
		return err
	})
	if err != nil || row.Action == Refused {
		return err
	}
	if w.hasMunis {
		updated.Edges.Municipalities = stubs[ent.Municipality](w.munis, func(id int) *ent.Municipality { return &ent.Municipality{ID: id} })
	} else {
		updated.Edges.Municipalities = a.Edges.Municipalities
	}
	if w.hasInsts {
		updated.Edges.Institutions = stubs[ent.Institution](w.insts, func(id int) *ent.Institution { return &ent.Institution{ID: id} })
	} else {
		updated.Edges.Institutions = a.Edges.Institutions
	}
	d.replace(a, updated)
	return nil
}

func ids[T any](xs []*T, id func(*T) int) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

// diff returns what to add to have and what to remove from it to get want.
func diff(have, want []int) (add, remove []int) {
	for _, id := range want {
		if !slices.Contains(have, id) {
			add = append(add, id)
		}
	}
	for _, id := range have {
		if !slices.Contains(want, id) {
			remove = append(remove, id)
		}
	}
	return add, remove
}

func (im *importer) names(byID map[int]string, ids []int) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = byID[id]
	}
	return strings.Join(names, ", ")
}

func (im *importer) linkChange(label string, byID map[int]string, add, remove []int) string {
	var parts []string
	if len(add) > 0 {
		parts = append(parts, "+ "+im.names(byID, add))
	}
	if len(remove) > 0 {
		parts = append(parts, "− "+im.names(byID, remove))
	}
	if len(parts) == 0 {
		return ""
	}
	return label + ": " + strings.Join(parts, "; ")
}
