package importer

import (
	"fmt"

	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/schema/enum"
)

// followUp imports one row of a follow-up sheet: a follow-up of the
// activity the row names (by title, and by goal and heading when the
// sheet has them), matched to a stored one by its date and period.
func (im *importer) followUp(h *header, cells []string, row *Row) error {
	title := h.cell(cells, colActivity)
	dateText := h.cell(cells, colDate)
	row.Title = title
	if dateText != "" {
		row.Title = title + ", " + dateText
	}
	p := im.resolvePlan(h, cells, row)
	if p == nil {
		return nil
	}
	d, err := im.planOf(p)
	if err != nil {
		return err
	}
	if title == "" {
		refuse(row, "activityID", "Aktivitet saknas: skriv titeln på aktiviteten som följs upp.")
		return nil
	}
	candidates := d.byTitle[fold(title)]
	if goalText := h.cell(cells, colGoal); goalText != "" {
		g := resolveGoal(d, p, goalText, row)
		if g == nil {
			return nil
		}
		var in []*ent.Activity
		heading := h.cell(cells, colHeading)
		for _, a := range candidates {
			for _, o := range g.Edges.Objectives {
				if a.ObjectiveID == o.ID && (heading == "" || fold(o.Title) == fold(heading)) {
					in = append(in, a)
				}
			}
		}
		candidates = in
	}
	switch {
	case len(candidates) == 0:
		refuse(row, "activityID", "Aktiviteten ”%s” finns inte i handlingsplanen ”%s”.", title, p.Name)
		return nil
	case len(candidates) > 1:
		refuse(row, "activityID", "Flera aktiviteter heter ”%s”: skriv också deras Mål och Rubrik.", title)
		return nil
	}
	a := candidates[0]

	if dateText == "" {
		refuse(row, "date", "Datum saknas: skriv uppföljningens datum, t.ex. 2021-12-31.")
		return nil
	}
	date, ok := parseDate(dateText)
	if !ok {
		refuse(row, "date", "Datum: ”%s” är inget datum: skriv det som 2021-12-31.", dateText)
		return nil
	}
	var period *followup.Period
	if s := h.cell(cells, colPeriod); s != "" {
		v, ok := parsePeriod(s)
		if !ok {
			refuse(row, "period", "Period ”%s” finns inte: skriv Helår, Halvår 1, Halvår 2, Tertial 1, Tertial 2 eller Tertial 3.", s)
			return nil
		}
		period = &v
	}
	var status *enum.Status
	if s := h.cell(cells, colStatus); s != "" {
		v, ok := parseStatus(s)
		if !ok {
			refuse(row, "status", "Status ”%s” finns inte: skriv Planerad, Pågående, Genomförd eller Inställd.", s)
			return nil
		}
		status = &v
	}
	var assessment *followup.Assessment
	if s := h.cell(cells, colAssessment); s != "" {
		v, ok := parseAssessment(s)
		if !ok {
			refuse(row, "assessment", "Bedömning ”%s” finns inte: skriv Grön, Gul eller Röd.", s)
			return nil
		}
		assessment = &v
	}
	text := h.cell(cells, colText)
	if text == "" {
		refuse(row, "text", "Text saknas: skriv vad som gjorts och hur det gick.")
		return nil
	}
	author, hasAuthor := h.cell(cells, colAuthor), h.has(colAuthor)
	if auth.FromContext(im.ctx) != nil {
		// Through the API the server writes who changed a follow-up
		// (the schema's hook): the column is not compared, or a file
		// imported again would change every follow-up another wrote.
		author, hasAuthor = "", false
	}

	if err := im.loadFollowUps(p, d); err != nil {
		return err
	}
	var match *ent.FollowUp
	var same []*ent.FollowUp
	for _, f := range d.followUps[a.ID] {
		if sameDay(&f.Date, &date) && samePeriod(f.Period, period) {
			same = append(same, f)
			if f.Text == text {
				match = f
			}
		}
	}
	if match == nil && len(same) == 1 {
		match = same[0]
	}
	if match == nil && len(same) > 1 {
		refuse(row, "date", "Aktiviteten har %d uppföljningar den %s med samma period och annan text: ändra dem i administrationssidan.", len(same), isoDay(&date))
		return nil
	}
	if match == nil {
		row.Action = Create
		row.Changes = []string{"Ny uppföljning " + isoDay(&date)}
		var created *ent.FollowUp
		err := im.write(row, func() error {
			q := im.c.FollowUp.Create().SetActivityID(a.ID).SetDate(date).SetText(text).
				SetNillablePeriod(period).SetNillableStatus(status).SetNillableAssessment(assessment)
			if author != "" {
				q.SetAuthor(author)
			}
			var err error
			created, err = q.Save(im.ctx)
			return err
		})
		if err != nil || row.Action == Refused {
			return err
		}
		d.followUps[a.ID] = append(d.followUps[a.ID], created)
		return nil
	}

	u := im.c.FollowUp.UpdateOneID(match.ID).SetVersion(match.Version)
	var changes []string
	if text != match.Text {
		u.SetText(text)
		changes = append(changes, "Text ändrad")
	}
	if !sameStatus(match.Status, status) {
		if status == nil {
			u.ClearStatus()
		} else {
			u.SetStatus(*status)
		}
		changes = append(changes, fmt.Sprintf("Rapporterad status: %s → %s", label(statusLabels, match.Status), label(statusLabels, status)))
	}
	if !sameAssessment(match.Assessment, assessment) {
		if assessment == nil {
			u.ClearAssessment()
		} else {
			u.SetAssessment(*assessment)
		}
		changes = append(changes, fmt.Sprintf("Bedömning: %s → %s", label(assessmentLabels, match.Assessment), label(assessmentLabels, assessment)))
	}
	if hasAuthor && author != match.Author {
		if author == "" {
			u.ClearAuthor()
		} else {
			u.SetAuthor(author)
		}
		changes = append(changes, fmt.Sprintf("Skriven av: %s → %s", textOr(match.Author), textOr(author)))
	}
	if len(changes) == 0 {
		row.Action = Unchanged
		return nil
	}
	row.Action, row.Changes = Update, changes
	var updated *ent.FollowUp
	err = im.write(row, func() error {
		var err error
		updated, err = u.Save(im.ctx)
		return err
	})
	if err != nil || row.Action == Refused {
		return err
	}
	fus := d.followUps[a.ID]
	for i := range fus {
		if fus[i] == match {
			fus[i] = updated
		}
	}
	return nil
}

// loadFollowUps reads the follow-ups of a plan's activities once.
func (im *importer) loadFollowUps(p *ent.Plan, d *planData) error {
	if d.fuLoaded {
		return nil
	}
	fus, err := im.c.FollowUp.Query().
		Where(followup.HasActivityWith(activity.HasObjectiveWith(objective.HasGoalWith(goal.PlanID(p.ID))))).
		Order(followup.ByID()).
		All(im.ctx)
	if err != nil {
		return fmt.Errorf("read the follow-ups of plan %d: %w", p.ID, err)
	}
	d.followUps = map[int][]*ent.FollowUp{}
	for _, f := range fus {
		d.followUps[f.ActivityID] = append(d.followUps[f.ActivityID], f)
	}
	d.fuLoaded = true
	return nil
}

func samePeriod(a, b *followup.Period) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func sameStatus(a, b *enum.Status) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func sameAssessment(a, b *followup.Assessment) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func label[K comparable](labels map[K]string, v *K) string {
	if v == nil {
		return "–"
	}
	return labels[*v]
}
