package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followupdeadline"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/planrevision"
	"github.com/samverkan/samverkan/ent/schema/enum"
	"github.com/samverkan/samverkan/ent/yearlyreportclosing"
	"github.com/samverkan/samverkan/ent/yearlyreportreadiness"
)

// The national dataset's calendar (issue 15, "Across the years"): besides
// the 21 adopted plans of 2024–2027, a third of the regions keep their
// closed plan of 2020–2023, some of whose activities the current plan
// carries over (predecessor links), and a few have started the next
// period's draft for 2028–2031 (goals and headings copied, no activities
// yet). Activities have a next review and a lead; every plan has its
// follow-up deadlines; some plans were revised; the yearly reports of the
// past years are marked ready and closed; half the regions publish open
// data. All of it is drawn from a generator of its own, after everything
// else, and stored after the rows before it, whose ids stay as they were.

const (
	nationalCalendarSeed = 44

	// The periods before and after the current one.
	closedFirstYear, closedLastYear = nationalFirstYear - 4, nationalFirstYear - 1
	draftFirstYear, draftLastYear   = nationalLastYear + 1, nationalLastYear + 4

	closedPlanEvery = 3 // every third region (from the first) keeps its closed plan
	draftPlanEvery  = 7 // every seventh region (from the first) has started its draft
	openDataEvery   = 2 // every other region publishes its plans
	revisedEvery    = 4 // every fourth region (from the second) revised its current plan

	carriedOverOneIn      = 3   // of the current plan's activities begun in its first year
	finishedPerClosedPlan = 150 // the closed plan's own activities, done or cancelled

	// reportYearsClosed are the current plans' years whose yearly reports
	// are closed; the year after is open, its municipalities' parts ready
	// or not (one in readyOneIn is not).
	reportYearsClosed = 2
	notReadyOneIn     = 2

	closedBy = "admin"
)

// planRow is a plan of the dataset: the current ones first, in region
// order, then the closed and the draft plans.
type planRow struct {
	name                string
	region              int
	state               plan.State
	firstYear, lastYear int
	openData            bool
	license, contact    string
}

// planName opens every plan's name; the region's name follows.
const planName = "Handlingsplan för kultursamverkan "

// periodPlanName is the name of region reg's plan of another period than
// the current one: with its years, so that an Excel file's plan column
// names one plan (the importer refuses a name two plans share).
func periodPlanName(reg, first, last int) string {
	return fmt.Sprintf("%s%s %d–%d", planName, regions[reg].name, first, last)
}

// currentPlans are the 21 adopted plans of bench/WORKLOAD.md, one per
// region in region order: index i is region i's current plan.
func currentPlans() []planRow {
	rows := make([]planRow, len(regions))
	for i := range regions {
		rows[i] = planRow{name: planName + regions[i].name, region: i, state: plan.StateAdopted, firstYear: nationalFirstYear, lastYear: nationalLastYear, license: plan.DefaultDataLicense}
	}
	return rows
}

type (
	deadlineRow struct {
		plan, year int
		period     followupdeadline.Period
		due        time.Time
	}
	revisionRow struct {
		plan                     int
		decidedOn                time.Time
		note, decidedBy, caseNum string
	}
	readinessRow struct {
		plan, year, municipality int
	}
	closingRow struct {
		plan, year int
	}
)

// nationalCalendar are the calendar's rows that are not plans, goals,
// headings or activities (those join the dataset's own slices).
type nationalCalendar struct {
	// predecessors pairs an activity (index) with the one of an earlier
	// plan it carries over.
	predecessors [][2]int
	deadlines    []deadlineRow
	revisions    []revisionRow
	readiness    []readinessRow
	closings     []closingRow
}

// deadlineRule is when a period's follow-ups are due: a day of the year
// reported on (after 0) or of the year after it (after 1).
type deadlineRule struct {
	period            followupdeadline.Period
	month, day, after int
}

// deadlineCadences by region (its index modulo 3): every plan has the
// year's deadline; a third of the regions follow up per tertial as well, a
// third per half-year.
var deadlineCadences = [][]deadlineRule{
	{
		{followupdeadline.PeriodYear, 2, 15, 1},
		{followupdeadline.PeriodFirstTertial, 5, 15, 0},
		{followupdeadline.PeriodSecondTertial, 9, 15, 0},
		{followupdeadline.PeriodThirdTertial, 1, 15, 1},
	},
	{
		{followupdeadline.PeriodYear, 2, 15, 1},
		{followupdeadline.PeriodFirstHalf, 8, 31, 0},
		{followupdeadline.PeriodSecondHalf, 2, 28, 1},
	},
	{
		{followupdeadline.PeriodYear, 2, 15, 1},
	},
}

// Words for leads and revisions.
var (
	leadRoles = []string{
		"Kulturutvecklare", "Kultursamordnare", "Bibliotekskonsulent",
		"Länsmuseets pedagog", "Kulturskolechef", "Hemslöjdskonsulent",
	}
	revisionNotes = []string{
		"Målet förtydligat efter dialog med kommunerna.",
		"Rubriken om samverkan med skolan omformulerad; två aktiviteter tillagda.",
		"Indikatorernas målvärden justerade efter årets uppföljning.",
		"Nytt fokus på tillgänglighet i hela regionen efter beslut om budget.",
		"Aktiviteter i mindre orter prioriterade efter samråd med civilsamhället.",
	}
	revisionBodies = []string{"Regionala utvecklingsnämnden", "Kulturnämnden", "Regionstyrelsen"}
)

// generateCalendar adds the calendar to d.
func generateCalendar(r *rand.Rand, d *nationalData) error {
	c := &nationalCalendar{}
	d.calendar = c
	current := len(d.activities)

	// Leads for three activities in four, and a next review for the
	// planned and ongoing ones, on a day within their years (many are
	// past, so that the due list has work).
	for i := range d.activities {
		a := &d.activities[i]
		a.lead = lead(r, d, a)
		if a.status == enum.StatusPlanned || a.status == enum.StatusOngoing {
			start := time.Date(a.firstYear, time.February, 1, 0, 0, 0, 0, time.UTC)
			days := int(time.Date(a.lastYear, time.December, 1, 0, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
			a.nextReview = start.AddDate(0, 0, r.IntN(days))
		}
	}

	muniByRegion := make([][]int, len(regions))
	for i, m := range d.municipalities {
		muniByRegion[m.region] = append(muniByRegion[m.region], i)
	}
	instByRegion := make([][]int, len(regions))
	for i, in := range d.institutions {
		reg := d.municipalities[in.municipality].region
		instByRegion[reg] = append(instByRegion[reg], i)
	}
	// The current plans' headings by plan, in order.
	objectivesOf := make([][]int, len(regions))
	for o, ob := range d.objectives {
		objectivesOf[d.goals[ob.goal].plan] = append(objectivesOf[d.goals[ob.goal].plan], o)
	}
	activitiesOf := make([][]int, len(regions))
	for i := range current {
		reg := d.goals[d.objectives[d.activities[i].objective].goal].plan
		activitiesOf[reg] = append(activitiesOf[reg], i)
	}

	for reg := range regions {
		d.plans[reg].openData = reg%openDataEvery == 0
		if d.plans[reg].openData {
			d.plans[reg].contact = "kulturplan@region" + regions[reg].code + ".se"
		}
	}
	// Every fourth open region chose CC BY for its data.
	for reg := 0; reg < len(regions); reg += 4 * openDataEvery {
		d.plans[reg].license = "https://creativecommons.org/licenses/by/4.0/"
	}

	for reg := range regions {
		if reg%closedPlanEvery != 0 {
			continue
		}
		p := len(d.plans)
		d.plans = append(d.plans, planRow{name: periodPlanName(reg, closedFirstYear, closedLastYear), region: reg, state: plan.StateClosed, firstYear: closedFirstYear, lastYear: closedLastYear,
			openData: d.plans[reg].openData, license: d.plans[reg].license, contact: d.plans[reg].contact})
		headings := copyGoals(d, reg, p)

		// The current plan's activities begun in its first year, not
		// cancelled, carried over from the closed plan, one in three:
		// there they were unfinished when the period closed.
		for _, i := range activitiesOf[reg] {
			a := d.activities[i]
			if a.firstYear != nationalFirstYear || a.status == enum.StatusCancelled || r.IntN(carriedOverOneIn) != 0 {
				continue
			}
			first := closedFirstYear + r.IntN(closedLastYear-closedFirstYear+1)
			c.predecessors = append(c.predecessors, [2]int{i, len(d.activities)})
			addClosedActivity(r, d, activityRow{
				objective: headings[a.objective], title: a.title, description: a.description,
				status: enum.StatusOngoing, firstYear: first, lastYear: closedLastYear,
				municipalities: slices.Clone(a.municipalities), institutions: slices.Clone(a.institutions), lead: a.lead,
			})
		}
		// The closed plan's own activities: done, or cancelled.
		for range finishedPerClosedPlan {
			a := activityRow{objective: headings[objectivesOf[reg][r.IntN(len(objectivesOf[reg]))]], status: enum.StatusDone}
			if r.IntN(5) == 0 {
				a.status = enum.StatusCancelled
			}
			a.municipalities = pick(r, muniByRegion[reg], weighted(r, municipalityLinkWeights))
			a.institutions = pick(r, instByRegion[reg], weighted(r, institutionLinkWeights))
			title, err := activityTitle(r, r.IntN(10) == 0, r.IntN(3), d.municipalities[a.municipalities[0]].name)
			if err != nil {
				return fmt.Errorf("closed plan of %s: %w", regions[reg].name, err)
			}
			a.title = title
			a.description = lorem(r, 200, 1000)
			a.firstYear = closedFirstYear + r.IntN(closedLastYear-closedFirstYear+1)
			a.lastYear = a.firstYear + r.IntN(closedLastYear-a.firstYear+1)
			a.lead = lead(r, d, &a)
			addClosedActivity(r, d, a)
		}
		c.revise(r, p, closedFirstYear+1, closedLastYear-1)
		for y := closedFirstYear; y <= closedLastYear; y++ {
			c.report(p, y, muniByRegion[reg], true, r)
		}
	}

	for reg := range regions {
		if reg%draftPlanEvery != 0 {
			continue
		}
		p := len(d.plans)
		d.plans = append(d.plans, planRow{name: periodPlanName(reg, draftFirstYear, draftLastYear), region: reg, state: plan.StateDraft, firstYear: draftFirstYear, lastYear: draftLastYear, license: plan.DefaultDataLicense})
		copyGoals(d, reg, p)
	}

	for reg := range regions {
		if reg%revisedEvery == 1 {
			for range 1 + r.IntN(2) {
				c.revise(r, reg, nationalFirstYear, measuredLastYear)
			}
		}
		for y := nationalFirstYear; y <= measuredLastYear; y++ {
			c.report(reg, y, muniByRegion[reg], y < nationalFirstYear+reportYearsClosed, r)
		}
	}

	// Every plan's deadlines, for each of its years.
	for p, pl := range d.plans {
		for y := pl.firstYear; y <= pl.lastYear; y++ {
			for _, t := range deadlineCadences[pl.region%len(deadlineCadences)] {
				c.deadlines = append(c.deadlines, deadlineRow{plan: p, year: y, period: t.period,
					due: time.Date(y+t.after, time.Month(t.month), t.day, 0, 0, 0, 0, time.UTC)})
			}
		}
	}
	return nil
}

// lead is who leads a: most often its first institution, else a role in
// its first municipality; one activity in four names nobody.
func lead(r *rand.Rand, d *nationalData, a *activityRow) string {
	switch {
	case r.IntN(4) == 0:
		return ""
	case len(a.institutions) > 0 && r.IntN(3) != 0:
		return d.institutions[a.institutions[0]].name
	default:
		return leadRoles[r.IntN(len(leadRoles))] + " i " + d.municipalities[a.municipalities[0]].name
	}
}

// copyGoals gives plan p the goals and headings of region reg's current
// plan, as starting the next period does, and returns each current
// heading's copy by the current heading's index.
func copyGoals(d *nationalData, reg, p int) map[int]int {
	headings := map[int]int{}
	goals := len(d.goals)
	for gi := range goals {
		g := d.goals[gi]
		if g.plan != reg {
			continue
		}
		g.plan = p
		d.goals = append(d.goals, g)
		for o := range d.objectives {
			if ob := d.objectives[o]; ob.goal == gi {
				ob.goal = len(d.goals) - 1
				headings[o] = len(d.objectives)
				d.objectives = append(d.objectives, ob)
			}
		}
	}
	return headings
}

// addClosedActivity appends a closed plan's activity with its follow-ups
// and its status history within its years.
func addClosedActivity(r *rand.Rand, d *nationalData, a activityRow) {
	a.followUps = followUps(r, a.firstYear, a.lastYear)
	i := len(d.activities)
	d.activities = append(d.activities, a)
	paths := statusPaths[a.status]
	path := paths[r.IntN(len(paths))]
	at := time.Date(a.firstYear, time.January, 10, 8, 0, 0, 0, time.UTC)
	d.measures.statusChanges = append(d.measures.statusChanges, statusChangeRow{activity: i, to: path[0], at: at})
	for k, to := range path[1:] {
		// Within its years: a month or more apart, never past its end.
		at = at.AddDate(0, 1+r.IntN(3), r.IntN(28))
		d.measures.statusChanges = append(d.measures.statusChanges, statusChangeRow{activity: i, from: path[k], to: to, at: at})
	}
}

// revise records a revision of plan p decided in a year from first to last.
func (c *nationalCalendar) revise(r *rand.Rand, p, first, last int) {
	y := first + r.IntN(last-first+1)
	on := time.Date(y, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	if len(c.revisions) > 0 && c.revisions[len(c.revisions)-1].plan == p && !on.After(c.revisions[len(c.revisions)-1].decidedOn) {
		on = c.revisions[len(c.revisions)-1].decidedOn.AddDate(0, 2, 0)
	}
	c.revisions = append(c.revisions, revisionRow{
		plan: p, decidedOn: on,
		note:      revisionNotes[r.IntN(len(revisionNotes))],
		decidedBy: revisionBodies[r.IntN(len(revisionBodies))],
		caseNum:   fmt.Sprintf("%02dRS%04d", on.Year()%100, 1000+r.IntN(9000)),
	})
}

// report marks the municipalities' parts of plan p's report on year ready:
// every one and the report closed, or, while it is open, all but about one
// in notReadyOneIn.
func (c *nationalCalendar) report(p, year int, munis []int, closed bool, r *rand.Rand) {
	for _, m := range munis {
		if closed || r.IntN(notReadyOneIn) != 0 {
			c.readiness = append(c.readiness, readinessRow{plan: p, year: year, municipality: m})
		}
	}
	if closed {
		c.closings = append(c.closings, closingRow{plan: p, year: year})
	}
}

// Columns of the calendar's tables (see nationalTables).
var (
	deadlineColumns = []string{followupdeadline.FieldCreatedAt, followupdeadline.FieldUpdatedAt, followupdeadline.FieldVersion,
		followupdeadline.FieldYear, followupdeadline.FieldPeriod, followupdeadline.FieldDueDate, followupdeadline.FieldPlanID}
	revisionColumns = []string{planrevision.FieldCreatedAt, planrevision.FieldUpdatedAt, planrevision.FieldVersion,
		planrevision.FieldDecidedOn, planrevision.FieldNote, planrevision.FieldDecidedBy, planrevision.FieldCaseNumber, planrevision.FieldPlanID}
	readinessColumns = []string{yearlyreportreadiness.FieldCreatedAt, yearlyreportreadiness.FieldUpdatedAt, yearlyreportreadiness.FieldVersion,
		yearlyreportreadiness.FieldYear, yearlyreportreadiness.FieldMarkedBy, yearlyreportreadiness.FieldPlanID, yearlyreportreadiness.FieldMunicipalityID}
	closingColumns = []string{yearlyreportclosing.FieldCreatedAt, yearlyreportclosing.FieldUpdatedAt, yearlyreportclosing.FieldVersion,
		yearlyreportclosing.FieldYear, yearlyreportclosing.FieldClosedBy, yearlyreportclosing.FieldPlanID}
)

// insertCalendar stores the calendar's rows, given the ids of the rows
// they refer to, and links the carried-over activities to their
// predecessors, which were stored after them.
func insertCalendar(ctx context.Context, w writer, d *nationalData, planIDs, activityIDs, muniIDs []int) error {
	c := d.calendar
	if err := w.exec(ctx, followupdeadline.Table, deadlineColumns, len(c.deadlines), func(i int, row []any) []any {
		dl := c.deadlines[i]
		return append(row, builtAt, builtAt, version, dl.year, string(dl.period), dl.due, planIDs[dl.plan])
	}); err != nil {
		return fmt.Errorf("create follow-up deadlines: %w", err)
	}
	if err := w.exec(ctx, planrevision.Table, revisionColumns, len(c.revisions), func(i int, row []any) []any {
		rv := c.revisions[i]
		return append(row, builtAt, builtAt, version, rv.decidedOn, rv.note, rv.decidedBy, rv.caseNum, planIDs[rv.plan])
	}); err != nil {
		return fmt.Errorf("create plan revisions: %w", err)
	}
	if err := w.exec(ctx, yearlyreportreadiness.Table, readinessColumns, len(c.readiness), func(i int, row []any) []any {
		m := c.readiness[i]
		return append(row, builtAt, builtAt, version, m.year, "redaktor"+d.municipalities[m.municipality].code, planIDs[m.plan], muniIDs[m.municipality])
	}); err != nil {
		return fmt.Errorf("mark the yearly reports ready: %w", err)
	}
	if err := w.exec(ctx, yearlyreportclosing.Table, closingColumns, len(c.closings), func(i int, row []any) []any {
		cl := c.closings[i]
		return append(row, builtAt, builtAt, version, cl.year, closedBy, planIDs[cl.plan])
	}); err != nil {
		return fmt.Errorf("close the yearly reports: %w", err)
	}
	if len(c.predecessors) == 0 {
		return nil
	}
	// One UPDATE names every carried-over activity's predecessor. The ids
	// are the database's own, written as numbers, never input.
	var set, in strings.Builder
	for k, p := range c.predecessors {
		if k > 0 {
			in.WriteString(", ")
		}
		succ, pred := strconv.Itoa(activityIDs[p[0]]), strconv.Itoa(activityIDs[p[1]])
		set.WriteString(" WHEN " + succ + " THEN " + pred)
		in.WriteString(succ)
	}
	q := fmt.Sprintf("UPDATE %q SET %q = CASE %q%s END WHERE %q IN (%s)",
		activity.Table, activity.FieldPredecessorID, activity.FieldID, set.String(), activity.FieldID, in.String())
	if _, err := w.c.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("link the carried-over activities to their predecessors: %w", err)
	}
	return nil
}
