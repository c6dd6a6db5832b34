package report_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/samverkan/samverkan/report"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// The reports by perspective and of the whole county agree, on the
// national dataset (a third of its activities tagged, one in a hundred in
// every municipality of its county), with counts written by hand in plain
// SQL, for every plan, of all years and of one; and the coverage counts an
// activity in the whole county in the row of each of its municipalities.
// On the backend the suite runs on (SAMVERKAN_TEST_BACKEND).
func TestPerspectiveAndWholeCountyReportsAgreeWithSQL(t *testing.T) {
	db := storagetest.Open(t)
	c := db.Client()
	ctx := context.Background()
	if err := seed.National(ctx, c); err != nil {
		t.Fatal(err)
	}
	plans, err := c.Plan.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var tagged, whole int
	for _, p := range plans {
		for _, year := range []*int{nil, ptr(2025)} {
			name := fmt.Sprintf("%s/%v", p.CountyCode, deref(year))
			inYear := ""
			if year != nil {
				inYear = fmt.Sprintf(" AND COALESCE(a.first_year, p.first_year) <= %d AND COALESCE(a.last_year, p.last_year) >= %d", *year, *year)
			}
			// The plan's activities, with their plan as p.
			from := fmt.Sprintf(` FROM activities a JOIN objectives o ON o.id = a.objective_id
				JOIN goals g ON g.id = o.goal_id JOIN plans p ON p.id = g.plan_id
				WHERE p.id = %d%s`, p.ID, inYear)
			// In every municipality of the county: as many links within
			// the county as the county has municipalities.
			const inCounty = ` AND (SELECT count(*) FROM activity_municipalities l JOIN municipalities m ON m.id = l.municipality_id
				WHERE l.activity_id = a.id AND m.county_code = p.county_code) =
				(SELECT count(*) FROM municipalities m WHERE m.county_code = p.county_code)`

			perspectives, err := report.StatusByPerspective(ctx, c, p.ID, year)
			if err != nil {
				t.Fatal(err)
			}
			if len(perspectives) != 6 || perspectives[0].Perspective.Name != "Hela länet" || perspectives[5].Perspective.Name != "Funktionsnedsättning" {
				t.Fatalf("%s: perspectives %v, want the six in the kulturplan's order", name, perspectives)
			}
			for _, ps := range perspectives {
				want := countsBySQL(t, db, `SELECT a.status, count(*)`+from+
					fmt.Sprintf(` AND a.id IN (SELECT activity_id FROM activity_perspectives WHERE perspective_id = %d)`, ps.Perspective.ID)+` GROUP BY a.status`)
				if ps.StatusCounts != want {
					t.Errorf("%s, %s: %+v, SQL counts %+v", name, ps.Perspective.Name, ps.StatusCounts, want)
				}
				if year == nil {
					tagged += ps.StatusCounts.Total()
				}
			}
			none, err := report.CountsWithoutPerspective(ctx, c, p.ID, year)
			if err != nil {
				t.Fatal(err)
			}
			if want := countsBySQL(t, db, `SELECT a.status, count(*)`+from+
				` AND a.id NOT IN (SELECT activity_id FROM activity_perspectives) GROUP BY a.status`); none != want {
				t.Errorf("%s, without a perspective: %+v, SQL counts %+v", name, none, want)
			}
			wholeCounts, err := report.CountsWholeCounty(ctx, c, p.ID, year)
			if err != nil {
				t.Fatal(err)
			}
			if want := countsBySQL(t, db, `SELECT a.status, count(*)`+from+inCounty+` GROUP BY a.status`); wholeCounts != want {
				t.Errorf("%s, whole county: %+v, SQL counts %+v", name, wholeCounts, want)
			}
			if year == nil {
				whole += wholeCounts.Total()
			}

			cov, err := report.PlanCoverage(ctx, c, p, year)
			if err != nil {
				t.Fatal(err)
			}
			if want := queryInt(t, db, fmt.Sprintf(`SELECT count(*) FROM municipalities WHERE county_code = '%s'`, p.CountyCode)); cov.WholeCounty.Municipalities != want {
				t.Errorf("%s: the whole county has %d municipalities, SQL counts %d", name, cov.WholeCounty.Municipalities, want)
			}
			perGoal := map[int]int{}
			for _, r := range queryPairs(t, db, `SELECT g.id, count(*)`+from+inCounty+` GROUP BY g.id`) {
				perGoal[r[0]] = r[1]
			}
			sum := 0
			for i, g := range cov.Goals {
				if cov.WholeCounty.Counts[i] != perGoal[g.Goal.ID] {
					t.Errorf("%s, goal %d: %d activities in the whole county, SQL counts %d", name, g.Goal.Number, cov.WholeCounty.Counts[i], perGoal[g.Goal.ID])
				}
				sum += cov.WholeCounty.Counts[i]
			}
			if cov.WholeCounty.Total != sum || sum != wholeCounts.Total() {
				t.Errorf("%s: whole county's total %d, its goals add up to %d, its status counts to %d", name, cov.WholeCounty.Total, sum, wholeCounts.Total())
			}
			// Every municipality's row counts the activities it takes part
			// in, those in the whole county included.
			perMunicipality := map[int]int{}
			for _, r := range queryPairs(t, db, `SELECT l.municipality_id, count(*)`+
				` FROM activity_municipalities l JOIN activities a ON a.id = l.activity_id JOIN objectives o ON o.id = a.objective_id
				JOIN goals g ON g.id = o.goal_id JOIN plans p ON p.id = g.plan_id`+
				fmt.Sprintf(` WHERE p.id = %d%s GROUP BY l.municipality_id`, p.ID, inYear)) {
				perMunicipality[r[0]] = r[1]
			}
			for _, r := range cov.Municipalities {
				if r.Total != perMunicipality[r.Municipality.ID] {
					t.Errorf("%s, %s: %d activities, SQL counts %d", name, r.Municipality.Name, r.Total, perMunicipality[r.Municipality.ID])
				}
				if r.Municipality.CountyCode == p.CountyCode && r.Total < cov.WholeCounty.Total {
					t.Errorf("%s, %s: %d activities, fewer than the %d in the whole county", name, r.Municipality.Name, r.Total, cov.WholeCounty.Total)
				}
			}
		}
	}
	// The dataset exercises the reports: a third of the 20,000 activities
	// carry a perspective (some two), one in a hundred is in the whole
	// county.
	if tagged < 8_000 || whole < 150 || whole > 250 {
		t.Errorf("%d perspective tags and %d activities in the whole county over all plans; want over 8000 and 150–250", tagged, whole)
	}
	t.Logf("%d perspective tags, %d activities in the whole county", tagged, whole)
}

// countsBySQL reads rows of (status, count) into Counts.
func countsBySQL(t *testing.T, db *storage.DB, query string) report.Counts {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var c report.Counts
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			t.Fatal(err)
		}
		switch status {
		case "PLANNED":
			c.Planned = n
		case "ONGOING":
			c.Ongoing = n
		case "DONE":
			c.Done = n
		case "CANCELLED":
			c.Cancelled = n
		default:
			t.Fatalf("status %q", status)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return c
}

// queryPairs reads rows of two integers.
func queryPairs(t *testing.T, db *storage.DB, query string) [][2]int {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out [][2]int
	for rows.Next() {
		var r [2]int
		if err := rows.Scan(&r[0], &r[1]); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func queryInt(t *testing.T, db *storage.DB, query string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func ptr(n int) *int { return &n }

func deref(p *int) any {
	if p == nil {
		return "all years"
	}
	return *p
}
