package period

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/followupdeadline"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/institution"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/predicate"
	"github.com/samverkan/samverkan/ent/schema/enum"
)

// DueKind says what is due: an activity's review or its follow-up.
type DueKind string

// The kinds of what is due.
const (
	DueReview   DueKind = "REVIEW"    // the activity's next review (avstämning)
	DueFollowUp DueKind = "FOLLOW_UP" // the activity's follow-up for a period of its plan
)

// DueItem is one thing due: an activity's review on its date, or its
// follow-up for a period by the deadline's due date.
type DueItem struct {
	Kind     DueKind
	Date     time.Time
	Overdue  bool
	Activity *ent.Activity
	Deadline *ent.FollowUpDeadline
}

// MaxDueDays is the furthest ahead Due looks; MaxDueItems the most items it
// returns.
const (
	MaxDueDays  = 366
	MaxDueItems = 500
)

// Due lists what the viewer has due within the days given from now, and
// what is overdue: the reviews (nextReview) of the unfinished (planned or
// ongoing) activities of adopted plans, and the follow-ups of those
// activities for each of their plan's deadlines (FollowUpDeadline) that
// has no follow-up of the deadline's period dated in its year (an activity
// prioritised for other years only is not due). An editor's list holds the
// activities of its scope; an admin's or a viewer's every activity. It is
// sorted by date, then title, and holds at most MaxDueItems items. Overdue
// means before today (UTC), the day a date means.
func Due(ctx context.Context, c *ent.Client, v *auth.Viewer, now time.Time, within int) ([]*DueItem, error) {
	if v == nil {
		return nil, samverkan.Errorf(samverkan.CodeUnauthenticated, "", "sign in to see what is due: the list is a signed-in user's")
	}
	if within < 0 || within > MaxDueDays {
		return nil, samverkan.Errorf(samverkan.CodeValidation, "within", "must be between 0 and %d days (got %d)", MaxDueDays, within)
	}
	today := now.UTC().Truncate(24 * time.Hour)
	horizon := today.AddDate(0, 0, within+1) // the end of the last day
	running := []predicate.Activity{
		activity.StatusIn(enum.StatusPlanned, enum.StatusOngoing),
		activity.HasObjectiveWith(objective.HasGoalWith(goal.HasPlanWith(plan.StateEQ(plan.StateAdopted)))),
	}
	// By role, not v.Is: a calendar feed's viewer is read-only, and still
	// an editor's feed holds its scope only.
	if v.Role == auth.RoleEditor {
		running = append(running, activity.Or(
			activity.HasMunicipalitiesWith(municipality.IDIn(v.Municipalities...)),
			activity.HasInstitutionsWith(institution.IDIn(v.Institutions...)),
		))
	}

	var items []*DueItem
	reviews, err := c.Activity.Query().
		Where(append(running, activity.NextReviewLT(horizon))...).
		Order(activity.ByNextReview(), activity.ByID()).
		Limit(MaxDueItems).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the reviews due: %w", err)
	}
	for _, a := range reviews {
		items = append(items, &DueItem{Kind: DueReview, Date: *a.NextReview, Overdue: a.NextReview.Before(today), Activity: a})
	}

	deadlines, err := c.FollowUpDeadline.Query().
		Where(followupdeadline.DueDateLT(horizon), followupdeadline.HasPlanWith(plan.StateEQ(plan.StateAdopted))).
		Order(followupdeadline.ByDueDate(), followupdeadline.ByID()).
		Limit(MaxDueItems).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the follow-up deadlines: %w", err)
	}
	for _, d := range deadlines {
		if len(items) >= 2*MaxDueItems {
			break
		}
		from := time.Date(d.Year, time.January, 1, 0, 0, 0, 0, time.UTC)
		missing, err := c.Activity.Query().
			Where(append(slices.Clone(running),
				activity.HasObjectiveWith(objective.HasGoalWith(goal.PlanID(d.PlanID))),
				activity.Or(activity.FirstYearIsNil(), activity.FirstYearLTE(d.Year)),
				activity.Or(activity.LastYearIsNil(), activity.LastYearGTE(d.Year)),
				activity.Not(activity.HasFollowUpsWith(
					followup.PeriodEQ(followup.Period(d.Period)),
					followup.DateGTE(from),
					followup.DateLT(from.AddDate(1, 0, 0)),
				)),
			)...).
			Order(activity.ByID()).
			Limit(MaxDueItems).
			All(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the follow-ups due by deadline %d: %w", d.ID, err)
		}
		for _, a := range missing {
			items = append(items, &DueItem{Kind: DueFollowUp, Date: d.DueDate, Overdue: d.DueDate.Before(today), Activity: a, Deadline: d})
		}
	}
	slices.SortStableFunc(items, func(a, b *DueItem) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.Activity.Title, b.Activity.Title), cmp.Compare(a.Activity.ID, b.Activity.ID))
	})
	if len(items) > MaxDueItems {
		items = items[:MaxDueItems]
	}
	return items, nil
}

// MarshalGQL writes the kind as a GraphQL enum value.
func (k DueKind) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(k))) }

// UnmarshalGQL reads a GraphQL enum value and refuses unknown ones.
func (k *DueKind) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok || (s != string(DueReview) && s != string(DueFollowUp)) {
		return fmt.Errorf("%v is not a valid DueKind (REVIEW or FOLLOW_UP)", v)
	}
	*k = DueKind(s)
	return nil
}
