package seed

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/migrate"
	"github.com/samverkan/samverkan/ent/plan"
	_ "github.com/samverkan/samverkan/ent/runtime" // hooks and validators
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// openEmpty opens a new, migrated database for the test (see storagetest).
func openEmpty(tb testing.TB) (*storage.DB, *ent.Client) {
	tb.Helper()
	db := storagetest.Open(tb)
	client := db.Client()
	tb.Cleanup(func() { client.Close() })
	return db, client
}

// buildNational builds the national dataset into a new database.
func buildNational(t *testing.T) (*storage.DB, *ent.Client) {
	t.Helper()
	db, client := openEmpty(t)
	start := time.Now()
	if err := National(context.Background(), client); err != nil {
		t.Fatalf("National: %v", err)
	}
	t.Logf("built the national dataset in %v", time.Since(start).Round(time.Millisecond))
	return db, client
}

func TestNational(t *testing.T) {
	db, client := buildNational(t)

	t.Run("RowCounts", func(t *testing.T) {
		// The benchmark's rows are the 21 current plans' (bench/WORKLOAD.md);
		// the closed and draft plans of the periods before and after come
		// with goals and headings of their own (see Calendar).
		for _, c := range []struct {
			table string
			want  int
		}{
			{"plans WHERE state = 'ADOPTED'", 21}, {"municipalities", 290},
			{"goals g JOIN plans p ON p.id = g.plan_id WHERE p.state = 'ADOPTED'", 63},
			{"objectives WHERE goal_id IN (SELECT g.id FROM goals g JOIN plans p ON p.id = g.plan_id WHERE p.state = 'ADOPTED')", 252},
			{"activities WHERE id IN (" + currentActivities + ")", 20_000}, {"institutions", 2_000},
			{"follow_ups WHERE activity_id IN (" + currentActivities + ")", 40_000},
		} {
			if got := queryInt(t, db, "SELECT count(*) FROM "+c.table); got != c.want {
				t.Errorf("%s: %d rows, want %d", c.table, got, c.want)
			}
		}
	})

	t.Run("LinkCounts", func(t *testing.T) {
		checkRange(t, "activity–municipality links", queryInt(t, db, "SELECT count(*) FROM activity_municipalities WHERE activity_id IN ("+currentActivities+")"), 59_000, 65_000)
		checkRange(t, "activity–institution links", queryInt(t, db, "SELECT count(*) FROM activity_institutions WHERE activity_id IN ("+currentActivities+")"), 18_000, 22_000)
		checkRange(t, "activity–perspective links", queryInt(t, db, "SELECT count(*) FROM activity_perspectives"), 9_000, 11_000)
		checkRange(t, "activities with a perspective", queryInt(t, db, "SELECT count(DISTINCT activity_id) FROM activity_perspectives"), 6_300, 7_000)
		perActivity := `SELECT min(n), max(n) FROM (SELECT count(l.activity_id) AS n
			FROM activities a LEFT JOIN %s l ON l.activity_id = a.id GROUP BY a.id) AS counts`
		// One activity in a hundred takes part in every municipality of
		// its county (13 or 14); the others in 1 to 8.
		const linksAndCounty = `SELECT count(*) FROM (SELECT
				(SELECT count(*) FROM activity_municipalities l WHERE l.activity_id = a.id) AS n,
				(SELECT count(*) FROM municipalities m WHERE m.county_code = p.county_code) AS county
			FROM activities a JOIN objectives o ON o.id = a.objective_id JOIN goals g ON g.id = o.goal_id
				JOIN plans p ON p.id = g.plan_id WHERE p.state = 'ADOPTED') AS counts WHERE `
		checkRange(t, "activities in the whole county", queryInt(t, db, linksAndCounty+`n = county`), 150, 250)
		if n := queryInt(t, db, linksAndCounty+`n <> county AND (n < 1 OR n > 8)`); n != 0 {
			t.Errorf("%d activities take part in neither 1 to 8 municipalities nor the whole county", n)
		}
		lo, hi := queryPair(t, db, fmt.Sprintf(perActivity, "activity_municipalities")+` WHERE n <= 8`)
		if lo != 1 || hi != 8 {
			t.Errorf("municipalities per activity, the whole county's left out: %d–%d, want 1–8", lo, hi)
		}
		lo, hi = queryPair(t, db, fmt.Sprintf(perActivity, "activity_institutions"))
		if lo != 0 || hi != 3 {
			t.Errorf("institutions per activity: %d–%d, want 0–3", lo, hi)
		}
		// Grouped rather than a subquery per activity: follow_ups has no
		// index on activity_id.
		if n := queryInt(t, db, `SELECT count(*) FROM (SELECT activity_id FROM follow_ups
			GROUP BY activity_id HAVING count(*) = 2) AS pairs`); n != queryInt(t, db, "SELECT count(*) FROM activities") {
			t.Errorf("%d activities have 2 follow-ups, want all", n)
		}
	})

	t.Run("LinksStayInTheRegion", func(t *testing.T) {
		const activityCounty = `JOIN activities a ON a.id = l.activity_id
			JOIN objectives o ON o.id = a.objective_id
			JOIN goals g ON g.id = o.goal_id
			JOIN plans p ON p.id = g.plan_id`
		if n := queryInt(t, db, `SELECT count(*) FROM activity_municipalities l `+activityCounty+`
			JOIN municipalities m ON m.id = l.municipality_id
			WHERE m.county_code <> p.county_code`); n != 0 {
			t.Errorf("%d municipality links leave the activity's region", n)
		}
		if n := queryInt(t, db, `SELECT count(*) FROM activity_institutions l `+activityCounty+`
			JOIN institutions i ON i.id = l.institution_id
			JOIN municipalities m ON m.id = i.municipality_id
			WHERE m.county_code <> p.county_code`); n != 0 {
			t.Errorf("%d institution links leave the activity's region", n)
		}
	})

	t.Run("StatusShares", func(t *testing.T) {
		want := map[string]float64{"PLANNED": 40, "ONGOING": 30, "DONE": 25, "CANCELLED": 5}
		rows := queryRows(t, db, "SELECT status, count(*) FROM activities WHERE id IN ("+currentActivities+") GROUP BY status")
		if len(rows) != len(want) {
			t.Errorf("statuses %v, want %v", rows, want)
		}
		for _, r := range rows {
			var n int
			fmt.Sscan(r[1], &n)
			share := 100 * float64(n) / 20_000
			if w, ok := want[r[0]]; !ok || share < w-2 || share > w+2 {
				t.Errorf("status %s: %.1f %%, want %.0f ± 2", r[0], share, w)
			}
		}
	})

	t.Run("KulturTitles", func(t *testing.T) {
		var matches, upper, capital, lower int
		for _, r := range queryRows(t, db, "SELECT title FROM activities WHERE id IN ("+currentActivities+")") {
			title := r[0]
			if !strings.Contains(strings.ToLower(title), "kultur") {
				continue
			}
			matches++
			switch {
			case strings.Contains(title, "KULTUR"):
				upper++
			case strings.Contains(title, "Kultur"):
				capital++
			case strings.Contains(title, "kultur"):
				lower++
			}
		}
		checkRange(t, `titles with "kultur"`, matches, 1_800, 2_200)
		// Each spelling in at least a fifth of them, so a search that
		// folds only one case is caught.
		for name, n := range map[string]int{"KULTUR": upper, "Kultur": capital, "kultur": lower} {
			if n < matches/5 {
				t.Errorf("%d of %d kultur titles spell it %q, want at least a fifth", n, matches, name)
			}
		}
	})

	t.Run("TextLengths", func(t *testing.T) {
		for _, c := range []struct {
			column string
			lo, hi int
		}{
			{"activities.title", 20, 80},
			{"activities.description", 200, 1000},
			{"goals.description", 300, 600},
			{"follow_ups.text", 50, 400},
		} {
			table, column, _ := strings.Cut(c.column, ".")
			// SQLite's length() counts characters, not bytes.
			lo, hi := queryPair(t, db, fmt.Sprintf("SELECT min(length(%s)), max(length(%s)) FROM %s", column, column, table))
			if lo < c.lo || hi > c.hi {
				t.Errorf("%s: %d–%d characters, want within %d–%d", c.column, lo, hi, c.lo, c.hi)
			}
		}
	})

	t.Run("YearsAndDates", func(t *testing.T) {
		if n := queryInt(t, db, `SELECT count(*) FROM activities a JOIN objectives o ON o.id = a.objective_id
			JOIN goals g ON g.id = o.goal_id JOIN plans p ON p.id = g.plan_id
			WHERE a.first_year IS NULL OR a.last_year IS NULL
			OR a.first_year < p.first_year OR a.last_year > p.last_year OR a.last_year < a.first_year`); n != 0 {
			t.Errorf("%d activities have years outside their plan's or reversed", n)
		}
		ctx := context.Background()
		// Read through ent, which parses the stored times.
		fus, err := client.FollowUp.Query().WithActivity().All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fus {
			a := f.Edges.Activity
			if y := f.Date.Year(); y < *a.FirstYear || y > *a.LastYear {
				t.Fatalf("follow-up %d dated %v, outside its activity's years %d–%d", f.ID, f.Date, *a.FirstYear, *a.LastYear)
			}
		}
	})

	t.Run("Plans", func(t *testing.T) {
		plans, err := client.Plan.Query().All(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		counties := map[string]bool{}
		periods := map[plan.State]int{plan.StateClosed: 2020, plan.StateAdopted: 2024, plan.StateDraft: 2028}
		for _, p := range plans {
			name := "Handlingsplan för kultursamverkan " + p.Region
			if p.State != plan.StateAdopted {
				name += fmt.Sprintf(" %d–%d", p.FirstYear, p.LastYear)
			}
			if p.Name != name || p.FirstYear != periods[p.State] || p.LastYear != p.FirstYear+3 || p.CountyCode == "" {
				t.Errorf("plan %q (%s, %s, %d–%d, county %q)", p.Name, p.Region, p.State, p.FirstYear, p.LastYear, p.CountyCode)
			}
			if p.State == plan.StateAdopted {
				counties[p.CountyCode] = true
			}
		}
		if len(counties) != 21 {
			t.Errorf("%d distinct county codes among the plans, want 21", len(counties))
		}
		if n := queryInt(t, db, `SELECT count(*) FROM (SELECT plan_id FROM goals GROUP BY plan_id
			HAVING count(*) <> 3 OR count(DISTINCT number) <> 3 OR min(number) <> 1 OR max(number) <> 3) AS odd`); n != 0 {
			t.Errorf("%d plans do not have goals numbered 1, 2, 3", n)
		}
		if n := queryInt(t, db, `SELECT count(*) FROM (SELECT goal_id FROM objectives GROUP BY goal_id
			HAVING count(*) <> 4 OR count(DISTINCT position) <> 4 OR min(position) <> 0 OR max(position) <> 3
			OR count(DISTINCT title) <> 4) AS odd`); n != 0 {
			t.Errorf("%d goals do not have 4 headings with distinct titles at positions 0–3", n)
		}
		lo, hi := queryPair(t, db, "SELECT min(n), max(n) FROM (SELECT count(*) AS n FROM activities WHERE id IN ("+currentActivities+") GROUP BY objective_id) AS counts")
		if hi-lo > 1 {
			t.Errorf("activities per heading: %d–%d, want an even spread", lo, hi)
		}
	})

	t.Run("Municipalities", func(t *testing.T) {
		ms, err := client.Municipality.Query().All(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]bool{}
		perCounty := map[string]int{}
		swedish := 0
		for _, m := range ms {
			if len(m.Code) != 4 || m.CountyCode != m.Code[:2] || m.OfficialName != m.Name+" kommun" {
				t.Errorf("municipality %s %q: county %q, official name %q", m.Code, m.Name, m.CountyCode, m.OfficialName)
			}
			if names[m.Name] {
				t.Errorf("name %q is used twice", m.Name)
			}
			names[m.Name] = true
			perCounty[m.CountyCode]++
			if strings.ContainsAny(m.Name, "åäöÅÄÖ") {
				swedish++
			}
		}
		if 3*swedish < len(ms) {
			t.Errorf("%d of %d names have å, ä or ö, want at least a third", swedish, len(ms))
		}
		for county, n := range perCounty {
			if want := map[bool]int{true: 10, false: 14}[county == "25"]; n != want {
				t.Errorf("county %s has %d municipalities, want %d", county, n, want)
			}
		}
		if len(perCounty) != 21 {
			t.Errorf("municipalities in %d counties, want 21", len(perCounty))
		}
	})

	t.Run("Institutions", func(t *testing.T) {
		if n := queryInt(t, db, "SELECT count(*) FROM institutions WHERE municipality_id IS NULL"); n != 0 {
			t.Errorf("%d institutions have no home municipality", n)
		}
		if n := queryInt(t, db, "SELECT count(DISTINCT kind) FROM institutions"); n != 7 {
			t.Errorf("%d kinds of institution, want the benchmark's 7", n)
		}
	})

	t.Run("StatusHistory", func(t *testing.T) {
		// Each activity was created planned when the dataset was built,
		// and its changes, one from the status before, lead to its status.
		if n := queryInt(t, db, `SELECT count(*) FROM activities a WHERE
			(SELECT count(*) FROM status_changes s WHERE s.activity_id = a.id AND s.from_status IS NULL AND s.to_status = 'PLANNED') != 1
			OR a.status != (SELECT s.to_status FROM status_changes s WHERE s.activity_id = a.id ORDER BY s.at DESC, s.id DESC LIMIT 1)`); n != 0 {
			t.Errorf("%d activities whose history does not begin as planned or end at their status", n)
		}
		if n := queryInt(t, db, `SELECT count(*) FROM status_changes s JOIN activities a ON a.id = s.activity_id
			WHERE s.from_status IS NOT NULL AND (`+yearOfColumn(db, "s.at")+` < a.first_year OR `+yearOfColumn(db, "s.at")+` > a.last_year)`); n != 0 {
			t.Errorf("%d status changes outside their activity's years", n)
		}
		checkRange(t, "status changes", queryInt(t, db, "SELECT count(*) FROM status_changes WHERE activity_id IN ("+currentActivities+")"), 36_000, 38_000)
		// The history spans the plan's years.
		rows := queryRows(t, db, `SELECT `+yearOfColumn(db, "at")+` AS y, count(*) FROM status_changes WHERE activity_id IN (`+currentActivities+`) GROUP BY y ORDER BY y`)
		if len(rows) != nationalLastYear-nationalFirstYear+1 || rows[0][0] != fmt.Sprint(nationalFirstYear) {
			t.Errorf("status changes by year: %v, want every year %d–%d", rows, nationalFirstYear, nationalLastYear)
		}
	})

	t.Run("Measures", func(t *testing.T) {
		for _, c := range []struct {
			what  string
			query string
			want  int
		}{
			{"indicators", "SELECT count(*) FROM indicators", 21*3*2 + 21},
			{"indicators from Kolada", "SELECT count(*) FROM indicators WHERE kolada_kpi IS NOT NULL", 21 * 3},
			{"county indicators on a heading", "SELECT count(*) FROM indicators WHERE scope = 'COUNTY' AND objective_id IS NOT NULL", 21},
			{"goals assessed for each measured year", "SELECT count(*) FROM goal_assessments", 63 * 3},
			{"Kolada values", "SELECT count(*) FROM indicator_values WHERE source = 'KOLADA'", 290 * 3 * 3},
			{"indicators without a target", "SELECT count(*) FROM indicators i WHERE NOT EXISTS (SELECT 1 FROM indicator_targets t WHERE t.indicator_id = i.id)", 0},
			{"values outside their plan's county", `SELECT count(*) FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id
				JOIN goals g ON g.id = i.goal_id JOIN plans p ON p.id = g.plan_id JOIN municipalities m ON m.id = v.municipality_id
				WHERE m.county_code != p.county_code`, 0},
		} {
			if got := queryInt(t, db, c.query); got != c.want {
				t.Errorf("%s: %d, want %d", c.what, got, c.want)
			}
		}
		checkRange(t, "values of the plans' own", queryInt(t, db, "SELECT count(*) FROM indicator_values WHERE source = 'OWN'"), 2_000, 2_400)
		if n := queryInt(t, db, "SELECT count(*) FROM indicator_values WHERE period IS NOT NULL"); n == 0 {
			t.Error("no value of a part of a year")
		}
		// The slot the schema keeps unique is the one it would write.
		if n := queryInt(t, db, `SELECT count(*) FROM indicator_values v WHERE v.slot != `+concat(
			"CAST(v.year AS TEXT)", "'/'", "COALESCE(v.period, 'year')", "'/'",
			"CASE WHEN v.municipality_id IS NULL THEN 'the county' ELSE 'municipality ' || CAST(v.municipality_id AS TEXT) END")); n != 0 {
			t.Errorf("%d values whose slot is not the schema's", n)
		}
	})

	t.Run("Calendar", func(t *testing.T) {
		// The periods before and after, what is due and the yearly
		// reports (national_calendar.go), in the numbers its rules give:
		// regions 0, 3, … 18 keep a closed plan, 0, 7 and 14 have a
		// draft; deadlines per year are 4 (tertials and the year) in the
		// regions 0, 3, …, 3 (half-years) in 1, 4, … and 1 in 2, 5, ….
		for _, c := range []struct {
			what  string
			query string
			want  int
		}{
			{"closed plans 2020–2023", "SELECT count(*) FROM plans WHERE state = 'CLOSED' AND first_year = 2020", 7},
			{"draft plans 2028–2031", "SELECT count(*) FROM plans WHERE state = 'DRAFT' AND first_year = 2028", 3},
			{"goals of the drafts and closed plans", "SELECT count(*) FROM goals g JOIN plans p ON p.id = g.plan_id WHERE p.state <> 'ADOPTED'", 10 * 3},
			{"activities of the drafts", "SELECT count(*) FROM activities a JOIN objectives o ON o.id = a.objective_id JOIN goals g ON g.id = o.goal_id JOIN plans p ON p.id = g.plan_id WHERE p.state = 'DRAFT'", 0},
			{"closed plans' own finished activities", `SELECT count(*) FROM activities a JOIN objectives o ON o.id = a.objective_id JOIN goals g ON g.id = o.goal_id
				JOIN plans p ON p.id = g.plan_id WHERE p.state = 'CLOSED' AND a.status IN ('DONE', 'CANCELLED')`, 7 * 150},
			{"closed plans' unfinished activities not carried over", `SELECT count(*) FROM activities a JOIN objectives o ON o.id = a.objective_id JOIN goals g ON g.id = o.goal_id
				JOIN plans p ON p.id = g.plan_id WHERE p.state = 'CLOSED' AND a.status NOT IN ('DONE', 'CANCELLED')
				AND NOT EXISTS (SELECT 1 FROM activities s WHERE s.predecessor_id = a.id)`, 0},
			{"predecessors that are not the same activity of the closed plan of the county", `SELECT count(*) FROM activities a
				JOIN objectives o ON o.id = a.objective_id JOIN goals g ON g.id = o.goal_id JOIN plans p ON p.id = g.plan_id
				JOIN activities pa ON pa.id = a.predecessor_id JOIN objectives po ON po.id = pa.objective_id
				JOIN goals pg ON pg.id = po.goal_id JOIN plans pp ON pp.id = pg.plan_id
				WHERE p.state <> 'ADOPTED' OR pp.state <> 'CLOSED' OR pp.county_code <> p.county_code OR pa.title <> a.title
				OR pg.number <> g.number OR po.title <> o.title OR a.first_year <> 2024`, 0},
			{"next reviews", "SELECT count(*) FROM activities WHERE next_review IS NOT NULL", 14_000},
			{"next reviews of activities neither planned nor ongoing, or outside their years", `SELECT count(*) FROM activities
				WHERE next_review IS NOT NULL AND (status NOT IN ('PLANNED', 'ONGOING')
				OR ` + yearOfColumn(db, "next_review") + ` < first_year OR ` + yearOfColumn(db, "next_review") + ` > last_year)`, 0},
			{"deadlines", "SELECT count(*) FROM follow_up_deadlines", 4*(7*4+7*3+7*1) + 7*4*4 + 4*(4+3+1)},
			{"deadlines outside their plan's years", `SELECT count(*) FROM follow_up_deadlines d JOIN plans p ON p.id = d.plan_id
				WHERE d.year < p.first_year OR d.year > p.last_year OR ` + yearOfColumn(db, "d.due_date") + ` NOT IN (d.year, d.year + 1)`, 0},
			{"closed yearly reports", "SELECT count(*) FROM yearly_report_closings", 21*2 + 7*4},
			{"closed reports not every municipality marked ready", `SELECT count(*) FROM yearly_report_closings c JOIN plans p ON p.id = c.plan_id
				WHERE (SELECT count(*) FROM yearly_report_readinesses r WHERE r.plan_id = c.plan_id AND r.year = c.year) <>
				(SELECT count(*) FROM municipalities m WHERE m.county_code = p.county_code)`, 0},
			{"marks of the closed reports", `SELECT count(*) FROM yearly_report_readinesses r WHERE EXISTS
				(SELECT 1 FROM yearly_report_closings c WHERE c.plan_id = r.plan_id AND c.year = r.year)`, 2*290 + 4*7*14},
			{"marks outside the plan's county or past years", `SELECT count(*) FROM yearly_report_readinesses r JOIN plans p ON p.id = r.plan_id
				JOIN municipalities m ON m.id = r.municipality_id WHERE m.county_code <> p.county_code OR r.year < p.first_year OR r.year > 2026`, 0},
			{"open current plans", "SELECT count(*) FROM plans WHERE open_data AND state = 'ADOPTED'", 11},
			{"open drafts", "SELECT count(*) FROM plans WHERE open_data AND state = 'DRAFT'", 0},
			{"plans under CC BY", "SELECT count(*) FROM plans WHERE data_license = 'https://creativecommons.org/licenses/by/4.0/'", 3 + 1},
		} {
			if got := queryInt(t, db, c.query); got != c.want {
				t.Errorf("%s: %d, want %d", c.what, got, c.want)
			}
		}
		checkRange(t, "activities carried over", queryInt(t, db, "SELECT count(*) FROM activities WHERE predecessor_id IS NOT NULL"), 400, 650)
		checkRange(t, "marks of the open 2026 reports", queryInt(t, db, "SELECT count(*) FROM yearly_report_readinesses WHERE year = 2026"), 100, 190)
		checkRange(t, "revisions", queryInt(t, db, "SELECT count(*) FROM plan_revisions"), 5+7, 10+7)
		checkRange(t, "activities with a lead", queryInt(t, db, "SELECT count(*) FROM activities WHERE lead IS NOT NULL"), 15_500, 16_800)
		// Enough of it past (before 2025, whenever the test runs) that
		// the due list has overdue work.
		checkRange(t, "reviews before 2025", queryInt(t, db, "SELECT count(*) FROM activities WHERE "+yearOfColumn(db, "next_review")+" < 2025"), 1_200, 3_000)
	})

	t.Run("SameRowsAsBefore", func(t *testing.T) {
		// The benchmark's figures are comparable across commits only if
		// the dataset stays the same: a change in how it is loaded must
		// not change a row.
		if got := fmt.Sprintf("%x", digest(t, db)); got != nationalDigest {
			t.Errorf("digest of the dataset on %s: %s, want %s", db.Dialect, got, nationalDigest)
		}
	})

	t.Run("DeterministicInFewInserts", func(t *testing.T) {
		// The second build also counts statements: rows go in by the
		// thousand, so a handful of INSERTs, and no statement per row
		// (the schema's hooks made 82,000 lookups, 15 s on PostgreSQL).
		other, _ := openEmpty(t)
		var statements, inserts int
		counting := dialect.DebugWithContext(entsql.OpenDB(other.Dialect, other.DB), func(_ context.Context, v ...any) {
			statements++
			if s, ok := v[0].(string); ok && strings.Contains(s, "INSERT INTO") {
				inserts++
			}
		})
		if err := National(context.Background(), ent.NewClient(ent.Driver(counting))); err != nil {
			t.Fatalf("National: %v", err)
		}
		t.Logf("%d statements, %d of them INSERTs", statements, inserts)
		if inserts > 50 {
			t.Errorf("%d INSERT statements, want at most 50", inserts)
		}
		if statements > 80 {
			t.Errorf("%d statements, want at most 80", statements)
		}
		if a, b := digest(t, db), digest(t, other); a != b {
			t.Errorf("two builds differ: digest %x, then %x", a, b)
		}
	})

	t.Run("RefusesANonEmptyDatabase", func(t *testing.T) {
		err := National(context.Background(), client)
		if err == nil || !strings.Contains(err.Error(), "empty database") {
			t.Fatalf("second National on the same database: err = %v, want a refusal", err)
		}
		if n := queryInt(t, db, "SELECT count(*) FROM activities WHERE id IN ("+currentActivities+")"); n != 20_000 {
			t.Errorf("after the refusal %d activities in the current plans, want 20000 still", n)
		}
	})
}

// TestNationalColumns checks that the seed's own INSERTs name every column
// the database requires, so that a field added to the schema makes this test
// fail by name rather than the build fail on a NOT NULL constraint or, worse,
// store rows that lack what ent would have set.
func TestNationalColumns(t *testing.T) {
	tables := map[string]*schema.Table{}
	for _, tbl := range migrate.Tables {
		tables[tbl.Name] = tbl
	}
	for name, columns := range nationalTables {
		tbl, ok := tables[name]
		if !ok {
			t.Errorf("table %s is not in the schema", name)
			continue
		}
		for _, c := range columns {
			if _, ok := tbl.Column(c); !ok {
				t.Errorf("%s.%s is not in the schema", name, c)
			}
		}
		for _, c := range tbl.Columns {
			if !c.Nullable && !c.Increment && !slices.Contains(columns, c.Name) {
				t.Errorf("%s.%s is required but the national seed does not write it", name, c.Name)
			}
		}
	}
}

// nationalDigest is the digest of the national dataset, the same on both
// backends: as commit 61b1572 built it, with the perspectives and the
// activities in the whole county added, then the status history and the
// measures, then the calendar (each drawn after every other row, so that
// those stayed as they were).
const nationalDigest = "e9bc202315d678df473e5e9fdd0a8a5128c07e5136fbc4ceef7bf36e9ed96a41"

// currentActivities is the SQL of the ids of the current (adopted) plans'
// activities: the benchmark's 20,000.
const currentActivities = `SELECT a.id FROM activities a JOIN objectives o ON o.id = a.objective_id
	JOIN goals g ON g.id = o.goal_id JOIN plans p ON p.id = g.plan_id WHERE p.state = 'ADOPTED'`

// yearOfColumn is the SQL of a time column's year (in UTC).
func yearOfColumn(db *storage.DB, column string) string {
	if db.Dialect == dialect.Postgres {
		return "CAST(EXTRACT(YEAR FROM " + column + " AT TIME ZONE 'UTC') AS INTEGER)"
	}
	return "CAST(strftime('%Y', " + column + ") AS INTEGER)"
}

// concat is the SQL that joins strings, which both databases write ||.
func concat(parts ...string) string {
	return "(" + strings.Join(parts, " || ") + ")"
}

// joined is the SQL that joins the values of expr into one string, in the
// order of by: the two databases name the aggregate differently.
func joined(db *storage.DB, expr, by, sep string) string {
	if db.Dialect == dialect.Postgres {
		return fmt.Sprintf("string_agg(%s, '%s' ORDER BY %s)", expr, sep, by)
	}
	return fmt.Sprintf("group_concat(%s, '%s')", expr, sep) // in the subquery's order
}

// digest hashes every row that the dataset draws (ids left out, since the
// dataset refers to rows by content): activities with their heading, goal,
// plan, municipalities, institutions and history, the follow-ups, plans,
// goals, municipalities, institutions and perspectives.
func digest(t *testing.T, db *storage.DB) [32]byte {
	t.Helper()
	h := sha256.New()
	for _, q := range []string{
		`SELECT a.title, a.description, a.status, a.first_year, a.last_year, a.created_at, a.updated_at, a.version,
			o.title, g.number, p.county_code,
			(SELECT ` + joined(db, "s.code", "s.code", ",") + ` FROM (SELECT m.code FROM activity_municipalities l
				JOIN municipalities m ON m.id = l.municipality_id WHERE l.activity_id = a.id ORDER BY m.code) s),
			(SELECT ` + joined(db, "s.name", "s.id", "|") + ` FROM (SELECT i.name, i.id FROM activity_institutions l
				JOIN institutions i ON i.id = l.institution_id WHERE l.activity_id = a.id ORDER BY i.id) s)
		FROM activities a JOIN objectives o ON o.id = a.objective_id
			JOIN goals g ON g.id = o.goal_id JOIN plans p ON p.id = g.plan_id
		ORDER BY a.id`,
		`SELECT s.from_status, s.to_status, s.at, a.title FROM status_changes s JOIN activities a ON a.id = s.activity_id ORDER BY s.id`,
		`SELECT name, region, county_code, first_year, last_year, created_at, updated_at, version FROM plans ORDER BY id`,
		`SELECT f.date, f.text, f.created_at, f.version, a.title FROM follow_ups f JOIN activities a ON a.id = f.activity_id ORDER BY f.id`,
		`SELECT code, name, official_name, county_code FROM municipalities ORDER BY code`,
		`SELECT i.name, i.kind, m.code FROM institutions i JOIN municipalities m ON m.id = i.municipality_id ORDER BY i.id`,
		`SELECT g.number, g.title, g.description, p.name FROM goals g JOIN plans p ON p.id = g.plan_id ORDER BY g.id`,
		`SELECT p.name, p.position, a.title FROM activity_perspectives l JOIN perspectives p ON p.id = l.perspective_id
			JOIN activities a ON a.id = l.activity_id ORDER BY l.activity_id, p.position`,
		`SELECT i.name, i.unit, i.direction, i.scope, i.aggregation, CAST(ROUND(i.baseline_value * 10) AS INTEGER), i.baseline_year,
			i.kolada_kpi, i.kolada_fetched_at, p.county_code, g.number, o.title
		FROM indicators i LEFT JOIN goals g ON g.id = i.goal_id LEFT JOIN objectives o ON o.id = i.objective_id
			LEFT JOIN goals og ON og.id = o.goal_id JOIN plans p ON p.id = COALESCE(g.plan_id, og.plan_id) ORDER BY i.id`,
		`SELECT t.year, CAST(ROUND(t.value * 10) AS INTEGER), i.name FROM indicator_targets t JOIN indicators i ON i.id = t.indicator_id ORDER BY t.id`,
		`SELECT v.year, v.period, CAST(ROUND(v.value * 10) AS INTEGER), v.source, i.name, m.code
		FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id LEFT JOIN municipalities m ON m.id = v.municipality_id ORDER BY v.id`,
		`SELECT a.year, a.light, a.text, g.number, p.county_code FROM goal_assessments a JOIN goals g ON g.id = a.goal_id
			JOIN plans p ON p.id = g.plan_id ORDER BY a.id`,
		// The calendar (national_calendar.go).
		`SELECT state, first_year, CASE WHEN open_data THEN 'open' ELSE 'closed' END, data_license, data_contact FROM plans ORDER BY id`,
		`SELECT a.next_review, a.lead, pa.title, pp.county_code, pp.first_year FROM activities a
			LEFT JOIN activities pa ON pa.id = a.predecessor_id LEFT JOIN objectives po ON po.id = pa.objective_id
			LEFT JOIN goals pg ON pg.id = po.goal_id LEFT JOIN plans pp ON pp.id = pg.plan_id ORDER BY a.id`,
		`SELECT d.year, d.period, d.due_date, p.county_code, p.first_year FROM follow_up_deadlines d JOIN plans p ON p.id = d.plan_id ORDER BY d.id`,
		`SELECT r.decided_on, r.note, r.decided_by, r.case_number, p.county_code, p.first_year FROM plan_revisions r JOIN plans p ON p.id = r.plan_id ORDER BY r.id`,
		`SELECT r.year, r.marked_by, m.code, p.first_year FROM yearly_report_readinesses r JOIN plans p ON p.id = r.plan_id
			JOIN municipalities m ON m.id = r.municipality_id ORDER BY r.id`,
		`SELECT c.year, c.closed_by, p.county_code, p.first_year FROM yearly_report_closings c JOIN plans p ON p.id = c.plan_id ORDER BY c.id`,
	} {
		for _, row := range queryRows(t, db, q) {
			fmt.Fprintln(h, strings.Join(row, "\t"))
		}
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

func BenchmarkNational(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		_, client := openEmpty(b)
		b.StartTimer()
		if err := National(context.Background(), client); err != nil {
			b.Fatal(err)
		}
	}
}

func checkRange(t *testing.T, what string, got, lo, hi int) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s: %d, want %d–%d", what, got, lo, hi)
	} else {
		t.Logf("%s: %d", what, got)
	}
}

func queryInt(t *testing.T, db *storage.DB, query string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func queryPair(t *testing.T, db *storage.DB, query string) (int, int) {
	t.Helper()
	var a, b int
	if err := db.QueryRow(query).Scan(&a, &b); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return a, b
}

// queryRows returns every row of the query with its columns as text (NULL
// as the empty string).
func queryRows(t *testing.T, db *storage.DB, query string) [][]string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}
