package server_test

import (
	"context"
	"testing"

	"github.com/samverkan/samverkan/seed"
)

// statusHistory is an activity's status changes and its plan's report of
// them.
type statusHistory struct {
	Node struct {
		StatusChanges struct {
			Edges []struct {
				Node struct {
					FromStatus *string
					ToStatus   string
				}
			}
		}
	}
	PlanReport struct {
		ActivitiesWithoutHistory int
		StatusChangesByYear      []struct {
			Year, Changes, Created, ToPlanned, ToOngoing, ToDone, ToCancelled int
		}
	}
}

func (s *testServer) statusHistory(activity string) (changes []string, h statusHistory) {
	s.t.Helper()
	s.must(`query($id: ID!) {
		node(id: $id) { ... on Activity { statusChanges(orderBy: [{field: AT}]) { edges { node { fromStatus toStatus } } } } }
		planReport { activitiesWithoutHistory statusChangesByYear { year changes created toPlanned toOngoing toDone toCancelled } } }`,
		map[string]any{"id": activity}, &h)
	for _, e := range h.Node.StatusChanges.Edges {
		from := "–"
		if e.Node.FromStatus != nil {
			from = *e.Node.FromStatus
		}
		changes = append(changes, from+"→"+e.Node.ToStatus)
	}
	return changes, h
}

// The seed's activities have no history until someone changes them: no
// status change dated the day the seed was loaded, and the plan says how
// many activities have none.
func TestSeededActivitiesHaveNoHistoryUntilChanged(t *testing.T) {
	s := newTestServer(t)
	id := s.idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
	changes, h := s.statusHistory(id)
	if len(changes) != 0 || len(h.PlanReport.StatusChangesByYear) != 0 {
		t.Errorf("after the seed: changes %q, by year %+v; want none", changes, h.PlanReport.StatusChangesByYear)
	}
	if n := h.PlanReport.ActivitiesWithoutHistory; n != 6 {
		t.Errorf("activitiesWithoutHistory = %d after the seed, want its 6", n)
	}
	// Loading the seed again adds no history either.
	if err := seed.LoadOrebro(context.Background(), s.client); err != nil {
		t.Fatal(err)
	}
	if n := s.count("statusChanges"); n != 0 {
		t.Errorf("%d status changes after the seed, want 0", n)
	}

	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {status: ONGOING}) { id } }`, map[string]any{"id": id}, nil)
	changes, h = s.statusHistory(id)
	if len(changes) != 1 || changes[0] != "PLANNED→ONGOING" {
		t.Errorf("changes = %q, want its first change only", changes)
	}
	if n := h.PlanReport.ActivitiesWithoutHistory; n != 5 {
		t.Errorf("activitiesWithoutHistory = %d after a change, want 5", n)
	}
}

// Every change of an activity's status is written down, its creation
// through the API included, and the follow-up reports count them by year.
func TestStatusChangesAreRecordedAndCountedByYear(t *testing.T) {
	s := newTestServer(t)
	id := s.idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
	for _, status := range []string{"ONGOING", "ONGOING", "DONE"} { // the second changes nothing
		s.must(`mutation($id: ID!, $s: ActivityStatus!) { updateActivity(id: $id, input: {status: $s}) { id } }`,
			map[string]any{"id": id, "s": status}, nil)
	}
	created := s.create(`mutation($h: ID!) { createActivity(input: {objectiveID: $h, title: "Läsfrämjande"}) { id } }`,
		map[string]any{"h": s.idOf("objectives", `{title: "Ökad samverkan mellan kommuner, institutioner"}`)})

	changes, h := s.statusHistory(id)
	if len(changes) != 2 || changes[0] != "PLANNED→ONGOING" || changes[1] != "ONGOING→DONE" {
		t.Errorf("status changes = %q, want to ongoing, then to done", changes)
	}
	if changes, _ := s.statusHistory(created); len(changes) != 1 || changes[0] != "–→PLANNED" {
		t.Errorf("status changes of a new activity = %q, want its creation as planned", changes)
	}
	years := h.PlanReport.StatusChangesByYear
	if len(years) != 1 {
		t.Fatalf("years = %+v, want this year only", years)
	}
	y := years[0]
	if y.Changes != 3 || y.Created != 1 || y.ToPlanned != 1 || y.ToOngoing != 1 || y.ToDone != 1 || y.ToCancelled != 0 {
		t.Errorf("this year's changes = %+v, want 3: 1 created planned, 1 to ongoing, 1 to done", y)
	}
	if n := h.PlanReport.ActivitiesWithoutHistory; n != 5 {
		t.Errorf("activitiesWithoutHistory = %d, want the 5 seeded activities never changed", n)
	}
}
