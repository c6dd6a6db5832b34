// Package bench is Samverkan's load generator: the operations of
// bench/WORKLOAD.md (../shared/bench/WORKLOAD.md) as GraphQL requests, the
// same reads as hand-written SQL (the floor no GraphQL layer can beat),
// and the runner that measures both side by side.
package bench

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
)

// The operations of the workload, as a client sends them. Q1 asks for its
// page size in a variable so that the statement count can be checked at
// every size; the benchmark sends 50.
const (
	// Q1Query is the list page: the first activities by title, each with
	// its goal and the municipalities and institutions that take part.
	Q1Query = `query Q1($first: Int!) {
  activities(first: $first, orderBy: {field: TITLE}) {
    edges { node {
      title status
      objective { goal { number title } }
      municipalities { edges { node { code name } } }
      institutions { edges { node { name } } }
    } }
  }
}`

	// Q2Query is a municipality's page: the municipality by code with the
	// first 50 of its activities.
	Q2Query = `query Q2($code: String!) {
  municipalities(where: {code: $code}) {
    edges { node {
      code name
      activities(first: 50) {
        edges { node { title status objective { goal { title } } } }
      }
    } }
  }
}`

	// Q3Query is a plan's dashboard: its goals, each with its number of
	// activities in each status, counted in the database (the report
	// schema's statusByGoal).
	Q3Query = `query Q3($plan: ID!) {
  planReport(id: $plan) {
    statusByGoal {
      goal { number title }
      statusCounts { planned ongoing done cancelled }
    }
  }
}`

	// Q4Query is the search: activities whose title contains "kultur" in
	// any case, the first 20 and how many there are.
	Q4Query = `query Q4($text: String!) {
  activities(first: 20, where: {titleContainsFold: $text}) {
    totalCount
    edges { node { title status } }
  }
}`

	// M1Query sets one activity's status.
	M1Query = `mutation M1($id: ID!, $status: ActivityStatus!) {
  updateActivity(id: $id, input: {status: $status}) { id status }
}`
)

// Q1PageSize is the page size of the list page.
const Q1PageSize = 50

// searchText is what Q4 searches for.
const searchText = "kultur"

// statuses are the activity statuses M1 cycles through.
var statuses = []string{"PLANNED", "ONGOING", "DONE", "CANCELLED"}

// Targets are the rows the operations pick from: every request of an
// operation names a different one, in turn.
type Targets struct {
	Codes      []string // municipality codes, for Q2
	Plans      []int    // plan ids, for Q3
	Activities []int    // activity ids, for M1
	// given holds, for each of Activities, the index in statuses of the
	// status it was last given: the one it held when loaded, then the one
	// the last edit asked for.
	given []atomic.Int32
}

// nextStatus returns the status an edit of the k-th activity sets: the
// one after the status it was last given, so that every edit changes the
// activity. An edit to the status an activity has already changes
// nothing, and the server answers it without writing (ent/schema's
// skipUnchanged): M1 once took the statuses in turn by request number,
// and as the national dataset's 20,000 activities are a multiple of the
// four statuses, every pass after the first asked each activity for the
// status it had, and measured reads.
func (t *Targets) nextStatus(k int) string {
	return statuses[int(t.given[k].Add(1))%len(statuses)]
}

// LoadTargets reads the targets from the database.
func LoadTargets(ctx context.Context, db *sql.DB) (*Targets, error) {
	var t Targets
	if err := collect(ctx, db, "SELECT code FROM municipalities ORDER BY code", &t.Codes); err != nil {
		return nil, fmt.Errorf("load municipality codes: %w", err)
	}
	// The running (adopted) plans and their activities: the national
	// dataset's 21 plans of 2024–2027, not the closed plans of the period
	// before nor the drafts of the next (seed/national_calendar.go).
	if err := collect(ctx, db, "SELECT id FROM plans WHERE state = 'ADOPTED' ORDER BY id", &t.Plans); err != nil {
		return nil, fmt.Errorf("load plan ids: %w", err)
	}
	if err := t.loadActivities(ctx, db); err != nil {
		return nil, fmt.Errorf("load activities: %w", err)
	}
	if len(t.Codes) == 0 || len(t.Plans) == 0 || len(t.Activities) == 0 {
		return nil, fmt.Errorf("the database holds no municipalities, plans or activities to benchmark")
	}
	return &t, nil
}

func collect[T any](ctx context.Context, db *sql.DB, query string, into *[]T) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return err
		}
		*into = append(*into, v)
	}
	return rows.Err()
}

// loadActivities reads the activities of the running plans into t, with
// their statuses.
func (t *Targets) loadActivities(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT a.id, a.status FROM activities a
		JOIN objectives o ON o.id = a.objective_id
		JOIN goals g ON g.id = o.goal_id JOIN plans p ON p.id = g.plan_id
		WHERE p.state = 'ADOPTED' ORDER BY a.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var given []int32
	for rows.Next() {
		var (
			id     int
			status string
		)
		if err := rows.Scan(&id, &status); err != nil {
			return err
		}
		t.Activities = append(t.Activities, id)
		given = append(given, int32(max(0, slices.Index(statuses, status))))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	t.given = make([]atomic.Int32, len(given))
	for k, s := range given {
		t.given[k].Store(s)
	}
	return nil
}

// Operation is one operation of the workload.
type Operation struct {
	// Name is the workload's name for it: Q1 … Q4, M1.
	Name string
	// Title says what it is, for the table.
	Title string
	// Query is the GraphQL document.
	Query string
	// Vars returns the variables of the i-th request.
	Vars func(t *Targets, i int) map[string]any
	// Floor runs the i-th request's read as hand-written SQL; nil for a
	// write.
	Floor func(ctx context.Context, f *Floor, t *Targets, i int) error
}

// floorOf is the floor of the read named: its one statement.
func floorOf(name string) func(ctx context.Context, f *Floor, t *Targets, i int) error {
	return func(ctx context.Context, f *Floor, t *Targets, i int) error {
		_, err := f.Answer(ctx, name, t, i)
		return err
	}
}

// Operations are the workload's operations in the order they are measured.
var Operations = []Operation{
	{
		Name: "Q1", Title: "list page", Query: Q1Query,
		Vars:  func(*Targets, int) map[string]any { return map[string]any{"first": Q1PageSize} },
		Floor: floorOf("Q1"),
	},
	{
		Name: "Q2", Title: "municipality page", Query: Q2Query,
		Vars:  func(t *Targets, i int) map[string]any { return map[string]any{"code": t.Codes[i%len(t.Codes)]} },
		Floor: floorOf("Q2"),
	},
	{
		Name: "Q3", Title: "dashboard", Query: Q3Query,
		Vars: func(t *Targets, i int) map[string]any {
			return map[string]any{"plan": strconv.Itoa(t.Plans[i%len(t.Plans)])}
		},
		Floor: floorOf("Q3"),
	},
	{
		Name: "Q4", Title: "search", Query: Q4Query,
		Vars:  func(*Targets, int) map[string]any { return map[string]any{"text": searchText} },
		Floor: floorOf("Q4"),
	},
	{
		Name: "M1", Title: "edit", Query: M1Query,
		// A different activity each request, in turn, each given a status
		// other than its own.
		Vars: func(t *Targets, i int) map[string]any {
			k := i % len(t.Activities)
			return map[string]any{"id": strconv.Itoa(t.Activities[k]), "status": t.nextStatus(k)}
		},
	},
	{
		// Every tenth request M1, the others Q1–Q4 in turn (see
		// measureMixed).
		Name: MixedName, Title: "mixed 90/10",
	},
}
