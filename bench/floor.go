package bench

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"

	"github.com/samverkan/samverkan/storage"
)

// Floor runs the workload's reads as hand-written SQL through database/sql
// on the same database as the server (SQLite or PostgreSQL): the same answers, with no HTTP,
// no GraphQL and no ORM. No server over this database can be faster, so
// the server's figures are given as a ratio to these.
//
// The SQL asks what the server's answers hold, in as few statements as a
// person would write: one per table that has many rows per parent, joins
// for the rest. It uses the same predicates as the server (on SQLite the
// Swedish lower() for a search ignoring case, on PostgreSQL ILIKE, as ent's
// ContainsFold), so the ratio measures the layers above SQL, not a
// different query plan.
type Floor struct {
	db       *sql.DB
	postgres bool
	// sql holds the statements, with the dialect's parameters.
	sql floorSQL
}

// floorSQL is the floor's statements. Those with an IN list have %s for it.
type floorSQL struct {
	q1Activities, q1Municipalities, q1Institutions string
	q2Municipality, q2Activities                   string
	q3                                             string
	q4Count, q4Page                                string
	status                                         string
}

// NewFloor returns the floor over db, which must be opened with
// storage.Open (for the Swedish collation, and lower() on SQLite).
func NewFloor(db *storage.DB) *Floor {
	f := &Floor{db: db.DB, postgres: db.Dialect == dialect.Postgres}
	search := "lower(title) LIKE ?"
	if f.postgres {
		search = "title ILIKE ?"
	}
	f.sql = floorSQL{
		q1Activities: f.bind(`
		SELECT a.id, a.title, a.status, g.number, g.title
		FROM activities a
		JOIN objectives o ON o.id = a.objective_id
		JOIN goals g ON g.id = o.goal_id
		ORDER BY a.title, a.id
		LIMIT ?`),
		q1Municipalities: `
		SELECT am.activity_id, m.code, m.name
		FROM activity_municipalities am
		JOIN municipalities m ON m.id = am.municipality_id
		WHERE am.activity_id IN (%s)
		ORDER BY am.activity_id, m.id`,
		q1Institutions: `
		SELECT ai.activity_id, i.name
		FROM activity_institutions ai
		JOIN institutions i ON i.id = ai.institution_id
		WHERE ai.activity_id IN (%s)
		ORDER BY ai.activity_id, i.id`,
		q2Municipality: f.bind(`SELECT id, code, name FROM municipalities WHERE code = ?`),
		q2Activities: f.bind(`
		SELECT a.title, a.status, g.title
		FROM activity_municipalities am
		JOIN activities a ON a.id = am.activity_id
		JOIN objectives o ON o.id = a.objective_id
		JOIN goals g ON g.id = o.goal_id
		WHERE am.municipality_id = ?
		ORDER BY a.id
		LIMIT 50`),
		// PostgreSQL allows g.number and g.title beside GROUP BY g.id, the
		// primary key, as SQLite does.
		q3: f.bind(`
		SELECT g.id, g.number, g.title, a.status, count(a.id)
		FROM goals g
		LEFT JOIN objectives o ON o.goal_id = g.id
		LEFT JOIN activities a ON a.objective_id = o.id
		WHERE g.plan_id = ?
		GROUP BY g.id, a.status
		ORDER BY g.number, g.id`),
		q4Count: f.bind(`SELECT count(*) FROM activities WHERE ` + search),
		q4Page:  f.bind(`SELECT title, status FROM activities WHERE ` + search + ` ORDER BY id LIMIT 20`),
		status:  f.bind(`SELECT status FROM activities WHERE id = ?`),
	}
	return f
}

// bind turns the ? parameters of query into the dialect's: $1, $2, … on
// PostgreSQL. (SQLite takes $n too, but looks them up by name, which is
// slower.)
func (f *Floor) bind(query string) string {
	if !f.postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ListItem is one activity of the list page (Q1).
type ListItem struct {
	ID             int
	Title, Status  string
	GoalNumber     int
	GoalTitle      sql.NullString
	Municipalities []Municipality
	Institutions   []string
}

// Municipality is a municipality's code and name.
type Municipality struct{ Code, Name string }

// Q1 returns the first n activities by title with their goal,
// municipalities and institutions.
func (f *Floor) Q1(ctx context.Context, n int) ([]ListItem, error) {
	rows, err := f.db.QueryContext(ctx, f.sql.q1Activities, n)
	if err != nil {
		return nil, fmt.Errorf("floor Q1 activities: %w", err)
	}
	var items []ListItem
	byID := map[int]*ListItem{}
	err = scanRows(rows, func() error {
		var it ListItem
		if err := rows.Scan(&it.ID, &it.Title, &it.Status, &it.GoalNumber, &it.GoalTitle); err != nil {
			return err
		}
		items = append(items, it)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("floor Q1 activities: %w", err)
	}
	ids := make([]any, len(items))
	for i := range items {
		ids[i] = items[i].ID
		byID[items[i].ID] = &items[i]
	}
	if len(ids) == 0 {
		return items, nil
	}
	in := f.placeholders(len(ids))

	rows, err = f.db.QueryContext(ctx, fmt.Sprintf(f.sql.q1Municipalities, in), ids...)
	if err != nil {
		return nil, fmt.Errorf("floor Q1 municipalities: %w", err)
	}
	err = scanRows(rows, func() error {
		var id int
		var m Municipality
		if err := rows.Scan(&id, &m.Code, &m.Name); err != nil {
			return err
		}
		byID[id].Municipalities = append(byID[id].Municipalities, m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("floor Q1 municipalities: %w", err)
	}

	rows, err = f.db.QueryContext(ctx, fmt.Sprintf(f.sql.q1Institutions, in), ids...)
	if err != nil {
		return nil, fmt.Errorf("floor Q1 institutions: %w", err)
	}
	err = scanRows(rows, func() error {
		var id int
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		byID[id].Institutions = append(byID[id].Institutions, name)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("floor Q1 institutions: %w", err)
	}
	return items, nil
}

// MunicipalityPage is a municipality with its first activities (Q2).
type MunicipalityPage struct {
	Municipality
	Activities []MunicipalityActivity
}

// MunicipalityActivity is one activity of a municipality's page.
type MunicipalityActivity struct {
	Title, Status string
	GoalTitle     sql.NullString
}

// Q2 returns the municipality with the code and its first 50 activities,
// or nil if no municipality has the code.
func (f *Floor) Q2(ctx context.Context, code string) (*MunicipalityPage, error) {
	var id int
	page := &MunicipalityPage{}
	err := f.db.QueryRowContext(ctx, f.sql.q2Municipality, code).
		Scan(&id, &page.Code, &page.Name)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("floor Q2 municipality: %w", err)
	}
	rows, err := f.db.QueryContext(ctx, f.sql.q2Activities, id)
	if err != nil {
		return nil, fmt.Errorf("floor Q2 activities: %w", err)
	}
	err = scanRows(rows, func() error {
		var a MunicipalityActivity
		if err := rows.Scan(&a.Title, &a.Status, &a.GoalTitle); err != nil {
			return err
		}
		page.Activities = append(page.Activities, a)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("floor Q2 activities: %w", err)
	}
	return page, nil
}

// GoalStatus is a goal with its number of activities in each status (Q3).
type GoalStatus struct {
	Number   int
	Title    sql.NullString
	ByStatus map[string]int
}

// Q3 returns the plan's goals by number, each with its activities counted
// by status.
func (f *Floor) Q3(ctx context.Context, plan int) ([]GoalStatus, error) {
	rows, err := f.db.QueryContext(ctx, f.sql.q3, plan)
	if err != nil {
		return nil, fmt.Errorf("floor Q3: %w", err)
	}
	var goals []GoalStatus
	last := -1
	err = scanRows(rows, func() error {
		var (
			id, number, n int
			title, status sql.NullString
		)
		if err := rows.Scan(&id, &number, &title, &status, &n); err != nil {
			return err
		}
		if id != last {
			goals = append(goals, GoalStatus{Number: number, Title: title, ByStatus: map[string]int{}})
			last = id
		}
		if status.Valid {
			goals[len(goals)-1].ByStatus[status.String] = n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("floor Q3: %w", err)
	}
	return goals, nil
}

// SearchResult is the search's total and first page (Q4).
type SearchResult struct {
	Total int
	Items []SearchItem
}

// SearchItem is one activity the search found.
type SearchItem struct{ Title, Status string }

// Q4 returns how many activity titles contain text in any case, and the
// first 20 of them.
func (f *Floor) Q4(ctx context.Context, text string) (*SearchResult, error) {
	like := "%" + strings.ToLower(text) + "%"
	if f.postgres {
		like = "%" + text + "%" // ILIKE folds both sides
	}
	var res SearchResult
	if err := f.db.QueryRowContext(ctx, f.sql.q4Count, like).Scan(&res.Total); err != nil {
		return nil, fmt.Errorf("floor Q4 count: %w", err)
	}
	rows, err := f.db.QueryContext(ctx, f.sql.q4Page, like)
	if err != nil {
		return nil, fmt.Errorf("floor Q4 page: %w", err)
	}
	err = scanRows(rows, func() error {
		var it SearchItem
		if err := rows.Scan(&it.Title, &it.Status); err != nil {
			return err
		}
		res.Items = append(res.Items, it)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("floor Q4 page: %w", err)
	}
	return &res, nil
}

// scanRows calls scan for every row and closes rows.
func scanRows(rows *sql.Rows, scan func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := scan(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// activityStatus returns an activity's id and status as the database holds
// them.
func (f *Floor) activityStatus(ctx context.Context, id int) ([2]string, error) {
	var status string
	if err := f.db.QueryRowContext(ctx, f.sql.status, id).Scan(&status); err != nil {
		return [2]string{}, fmt.Errorf("read activity %d: %w", id, err)
	}
	return [2]string{strconv.Itoa(id), status}, nil
}

// placeholders returns n parameters for an IN list: "?, ?, …" on SQLite,
// "$1, $2, …" on PostgreSQL.
func (f *Floor) placeholders(n int) string {
	if !f.postgres {
		return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
	}
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i))
	}
	return b.String()
}
