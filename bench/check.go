package bench

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
)

// Check sends one request of op to the server and compares its answer with
// the floor's (for a write, with what the database then holds), so that a
// benchmark never measures a server and a floor that do different work, or
// a server that answers wrongly.
func Check(ctx context.Context, srv *Server, floor *Floor, op Operation, t *Targets) error {
	body, _, err := srv.Post(ctx, op, t, 0)
	if err != nil {
		return fmt.Errorf("check %s: %w", op.Name, err)
	}
	got, want, err := answers(ctx, floor, op, t, body)
	if err != nil {
		return fmt.Errorf("check %s: %w", op.Name, err)
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("check %s: the server answered\n  %+v\nbut the database holds\n  %+v", op.Name, got, want)
	}
	return nil
}

// answers decodes the server's answer to the first request of op and
// computes the same from the database, both in a form that compares equal
// when they agree.
func answers(ctx context.Context, floor *Floor, op Operation, t *Targets, body []byte) (got, want any, err error) {
	switch op.Name {
	case "Q1":
		got, err = decodeQ1(body)
		if err == nil {
			want, err = floor.Q1(ctx, Q1PageSize)
		}
	case "Q2":
		got, err = decodeQ2(body)
		if err == nil {
			want, err = floor.Q2(ctx, t.Codes[0])
		}
	case "Q3":
		got, err = decodeQ3(body)
		if err == nil {
			want, err = floor.Q3(ctx, t.Plans[0])
		}
	case "Q4":
		got, err = decodeQ4(body)
		if err == nil {
			want, err = floor.Q4(ctx, searchText)
		}
	case "M1":
		got, err = decodeM1(body)
		if err == nil {
			want, err = floor.activityStatus(ctx, t.Activities[0])
		}
	default:
		return nil, nil, fmt.Errorf("no check for operation %s", op.Name)
	}
	if err != nil {
		return nil, nil, err
	}
	return canonical(got), canonical(want), nil
}

// connection is a Relay connection's edges as JSON.
type connection[T any] struct {
	TotalCount int `json:"totalCount"`
	Edges      []struct {
		Node T `json:"node"`
	} `json:"edges"`
}

func (c connection[T]) nodes() []T {
	out := make([]T, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

func decodeData(body []byte, data any) error {
	var res struct {
		Data   json.RawMessage `json:"data"`
		Errors []any           `json:"errors"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("response has errors: %s", excerpt(body))
	}
	if err := json.Unmarshal(res.Data, data); err != nil {
		return fmt.Errorf("decode data: %w", err)
	}
	return nil
}

func decodeQ1(body []byte) ([]ListItem, error) {
	var data struct {
		Activities connection[struct {
			Title, Status string
			Objective     struct {
				Goal struct {
					Number int
					Title  *string
				}
			}
			Municipalities connection[Municipality]
			Institutions   connection[struct{ Name string }]
		}]
	}
	if err := decodeData(body, &data); err != nil {
		return nil, err
	}
	var items []ListItem
	for _, a := range data.Activities.nodes() {
		it := ListItem{Title: a.Title, Status: a.Status, GoalNumber: a.Objective.Goal.Number,
			GoalTitle: nullString(a.Objective.Goal.Title), Municipalities: a.Municipalities.nodes()}
		for _, i := range a.Institutions.nodes() {
			it.Institutions = append(it.Institutions, i.Name)
		}
		items = append(items, it)
	}
	return items, nil
}

func decodeQ2(body []byte) (*MunicipalityPage, error) {
	var data struct {
		Municipalities connection[struct {
			Code, Name string
			Activities connection[struct {
				Title, Status string
				Objective     struct{ Goal struct{ Title *string } }
			}]
		}]
	}
	if err := decodeData(body, &data); err != nil {
		return nil, err
	}
	ms := data.Municipalities.nodes()
	if len(ms) == 0 {
		return nil, nil
	}
	page := &MunicipalityPage{Municipality: Municipality{Code: ms[0].Code, Name: ms[0].Name}}
	for _, a := range ms[0].Activities.nodes() {
		page.Activities = append(page.Activities, MunicipalityActivity{Title: a.Title, Status: a.Status, GoalTitle: nullString(a.Objective.Goal.Title)})
	}
	return page, nil
}

func decodeQ3(body []byte) ([]GoalStatus, error) {
	var data struct {
		PlanReport struct {
			StatusByGoal []struct {
				Goal struct {
					Number int
					Title  *string
				}
				StatusCounts struct{ Planned, Ongoing, Done, Cancelled int }
			}
		}
	}
	if err := decodeData(body, &data); err != nil {
		return nil, err
	}
	var goals []GoalStatus
	for _, g := range data.PlanReport.StatusByGoal {
		gs := GoalStatus{Number: g.Goal.Number, Title: nullString(g.Goal.Title), ByStatus: map[string]int{}}
		c := g.StatusCounts
		for status, n := range map[string]int{"PLANNED": c.Planned, "ONGOING": c.Ongoing, "DONE": c.Done, "CANCELLED": c.Cancelled} {
			if n > 0 { // the floor has no row for a status without activities
				gs.ByStatus[status] = n
			}
		}
		goals = append(goals, gs)
	}
	return goals, nil
}

func decodeQ4(body []byte) (*SearchResult, error) {
	var data struct{ Activities connection[SearchItem] }
	if err := decodeData(body, &data); err != nil {
		return nil, err
	}
	return &SearchResult{Total: data.Activities.TotalCount, Items: data.Activities.nodes()}, nil
}

// decodeM1 returns the id and status the server says it wrote.
func decodeM1(body []byte) ([2]string, error) {
	var data struct {
		UpdateActivity struct{ ID, Status string }
	}
	if err := decodeData(body, &data); err != nil {
		return [2]string{}, err
	}
	return [2]string{data.UpdateActivity.ID, data.UpdateActivity.Status}, nil
}

func nullString(s *string) sql.NullString {
	if s == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *s, Valid: true}
}

// canonical puts the lists whose order neither side promises (the links of
// an activity, the activities of a municipality's page) in one order, and
// drops the ids the server was not asked for.
func canonical(v any) any {
	switch v := v.(type) {
	case []ListItem:
		out := slices.Clone(v)
		for i := range out {
			out[i].ID = 0
			out[i].Municipalities = sorted(out[i].Municipalities, func(a, b Municipality) int { return cmp.Compare(a.Code, b.Code) })
			out[i].Institutions = sorted(out[i].Institutions, cmp.Compare)
		}
		return out
	case *MunicipalityPage:
		if v == nil {
			return v
		}
		out := *v
		out.Activities = sorted(v.Activities, func(a, b MunicipalityActivity) int {
			return cmp.Or(cmp.Compare(a.Title, b.Title), cmp.Compare(a.Status, b.Status), cmp.Compare(a.GoalTitle.String, b.GoalTitle.String))
		})
		return &out
	}
	return v
}

// sorted returns a sorted copy of s, nil when s is empty (an empty list and
// none are the same answer).
func sorted[T any](s []T, compare func(a, b T) int) []T {
	if len(s) == 0 {
		return nil
	}
	out := slices.Clone(s)
	slices.SortFunc(out, compare)
	return out
}
