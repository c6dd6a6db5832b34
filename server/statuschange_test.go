package server_test

import "testing"

// Every change of an activity's status is written down, and the follow-up
// reports count them by year.
func TestStatusChangesAreRecordedAndCountedByYear(t *testing.T) {
	s := newTestServer(t)
	id := s.idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
	for _, status := range []string{"ONGOING", "ONGOING", "DONE"} { // the second changes nothing
		s.must(`mutation($id: ID!, $s: ActivityStatus!) { updateActivity(id: $id, input: {status: $s}) { id } }`,
			map[string]any{"id": id, "s": status}, nil)
	}
	var data struct {
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
			StatusChangesByYear []struct {
				Year, Changes, Created, ToPlanned, ToOngoing, ToDone, ToCancelled int
			}
		}
	}
	s.must(`query($id: ID!) {
		node(id: $id) { ... on Activity { statusChanges(orderBy: [{field: AT}]) { edges { node { fromStatus toStatus } } } } }
		planReport { statusChangesByYear { year changes created toPlanned toOngoing toDone toCancelled } } }`,
		map[string]any{"id": id}, &data)

	var got []string
	for _, e := range data.Node.StatusChanges.Edges {
		from := "–"
		if e.Node.FromStatus != nil {
			from = *e.Node.FromStatus
		}
		got = append(got, from+"→"+e.Node.ToStatus)
	}
	if len(got) != 3 || got[0] != "–→PLANNED" || got[1] != "PLANNED→ONGOING" || got[2] != "ONGOING→DONE" {
		t.Errorf("status changes = %q, want created planned, then to ongoing, then to done", got)
	}
	years := data.PlanReport.StatusChangesByYear
	if len(years) != 1 {
		t.Fatalf("years = %+v, want this year only", years)
	}
	y := years[0]
	// The seed created 6 activities (6 changes to planned); then two changes.
	if y.Changes != 8 || y.Created != 6 || y.ToPlanned != 6 || y.ToOngoing != 1 || y.ToDone != 1 || y.ToCancelled != 0 {
		t.Errorf("this year's changes = %+v, want 8: 6 created planned, 1 to ongoing, 1 to done", y)
	}
}
