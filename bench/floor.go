package bench

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"

	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/search"
	"github.com/samverkan/samverkan/storage"
)

// Floor runs the workload's reads as the best hand-written SQL for the same
// answer, through database/sql on the same database as the server (SQLite
// or PostgreSQL): one statement per read that builds the whole response,
// JSON included, in the database, with no HTTP, no GraphQL and no ORM. No
// server over this database can be faster, so the server's figures are
// given as a ratio to these; and since the floor's answer is the server's,
// byte for byte, Check compares them exactly.
//
// The SQL uses the same predicates as the server (for a search ignoring
// case, the search index as the compiled reads use it for the benchmark's
// text) and the same orders, so the
// ratio measures the layers above SQL, not a different query plan.
type Floor struct {
	db       *sql.DB
	postgres bool
	// sql holds the statements, with the dialect's parameters.
	sql map[string]string
	// status reads one activity's status, for M1's check.
	status string
	// searchKey names Q4's count among the kept counts (search.CountKey).
	searchKey string
}

// NewFloor returns the floor over db, which must be opened with
// storage.Open (for the Swedish collation, and lower() on SQLite).
func NewFloor(db *storage.DB) *Floor {
	f := &Floor{db: db.DB, postgres: db.Dialect == dialect.Postgres}
	// q writes text as a JSON string (NULL stays NULL); agg concatenates
	// the rows of a subquery in its order.
	q := func(x string) string { return "nullif(json_quote(" + x + "), 'null')" }
	agg := func(x string) string { return "group_concat(" + x + ", ',')" }
	// On SQLite, the search index (package search) as the compiled read
	// uses it for the benchmark's text, "kultur", which a tenth of the
	// titles hold: counted from the index alone, and the page's rows looked
	// up as they are read in id order. The text's covering trigrams are
	// "kul" and, three characters on, "tur".
	titles, _ := search.Find(activity.Table, activity.FieldTitle)
	f.searchKey = titles.CountKey(searchText)
	grams := titles.Trigrams()
	matches := func(id string) string {
		return `FROM "` + grams + `" g0 JOIN "` + grams + `" g1 ON g1.trigram = ? AND g1.id = g0.id AND g1.pos = g0.pos + 3
			WHERE g0.trigram = ?` + id
	}
	// The count is kept as the server keeps it (search/counts.go): given
	// again while the index's version is the one it was counted at.
	version := `(SELECT v FROM "` + titles.Version() + `" WHERE id = 0)`
	count := `SELECT coalesce(` + search.CountKeptFunc + `(?, ` + version + `), ` + search.CountKeepFunc + `(?, ` + version +
		`, (SELECT count(DISTINCT g0.id) ` + matches("") + `)))`
	srch := `EXISTS (SELECT 1 ` + matches(" AND g0.id = activities.id") + `)`
	if f.postgres {
		// On PostgreSQL from the index's folded titles, matched as ILIKE
		// matches (search.Index.ContainsFold).
		folded := `FROM "` + titles.Folded() + `" WHERE folded LIKE lower(CAST(? AS text) COLLATE "` + titles.Collation + `") COLLATE "default"`
		count = "SELECT count(*) " + folded
		q = func(x string) string { return "to_json(" + x + "::text)::text" }
		agg = func(x string) string { return "string_agg(" + x + ", ',')" }
		srch = "id IN (SELECT id " + folded + ")"
	}
	// The activities per goal and status of a plan: on SQLite from the
	// counts per heading and status that storage keeps.
	counts := `SELECT o.goal_id,
					sum(CASE WHEN a.status = 'PLANNED' THEN 1 ELSE 0 END) AS planned,
					sum(CASE WHEN a.status = 'ONGOING' THEN 1 ELSE 0 END) AS ongoing,
					sum(CASE WHEN a.status = 'DONE' THEN 1 ELSE 0 END) AS done,
					sum(CASE WHEN a.status = 'CANCELLED' THEN 1 ELSE 0 END) AS cancelled
				FROM goals pg
				JOIN objectives o ON o.goal_id = pg.id
				JOIN activities a ON a.objective_id = o.id
				WHERE pg.plan_id = ?
				GROUP BY o.goal_id`
	if !f.postgres {
		counts = `SELECT o.goal_id,
					sum(CASE WHEN c.status = 'PLANNED' THEN c.n ELSE 0 END) AS planned,
					sum(CASE WHEN c.status = 'ONGOING' THEN c.n ELSE 0 END) AS ongoing,
					sum(CASE WHEN c.status = 'DONE' THEN c.n ELSE 0 END) AS done,
					sum(CASE WHEN c.status = 'CANCELLED' THEN c.n ELSE 0 END) AS cancelled
				FROM goals pg
				JOIN objectives o ON o.goal_id = pg.id
				JOIN ` + storage.StatusCountsTable + ` c ON c.objective_id = o.id
				WHERE pg.plan_id = ?
				GROUP BY o.goal_id`
	}
	f.sql = map[string]string{
		"Q1": f.bind(`
		SELECT '{"data":{"activities":{"edges":[' || coalesce(` + agg("e") + `, '') || ']}}}'
		FROM (
			SELECT '{"node":{"title":' || ` + q("a.title") + ` || ',"status":"' || a.status ||
				'","objective":{"goal":{"number":' || g.number || ',"title":' || coalesce(` + q("g.title") + `, 'null') ||
				'}},"municipalities":{"edges":[' || coalesce((
					SELECT ` + agg("'{\"node\":{\"code\":' || "+q("m.code")+" || ',\"name\":' || "+q("m.name")+" || '}}'") + `
					FROM (SELECT m.code, m.name FROM activity_municipalities am
						JOIN municipalities m ON m.id = am.municipality_id
						WHERE am.activity_id = a.id ORDER BY m.id LIMIT 50) m), '') ||
				']},"institutions":{"edges":[' || coalesce((
					SELECT ` + agg("'{\"node\":{\"name\":' || "+q("i.name")+" || '}}'") + `
					FROM (SELECT i.name FROM activity_institutions ai
						JOIN institutions i ON i.id = ai.institution_id
						WHERE ai.activity_id = a.id ORDER BY i.id LIMIT 50) i), '') ||
				']}}}' AS e
			FROM activities a
			JOIN objectives o ON o.id = a.objective_id
			JOIN goals g ON g.id = o.goal_id
			ORDER BY a.title, a.id
			LIMIT ?) p`),
		"Q2": f.bind(`
		SELECT '{"data":{"municipalities":{"edges":[' || coalesce(` + agg("e") + `, '') || ']}}}'
		FROM (
			SELECT '{"node":{"code":' || ` + q("m.code") + ` || ',"name":' || ` + q("m.name") + ` ||
				',"activities":{"edges":[' || coalesce((
					SELECT ` + agg("x") + ` FROM (
						SELECT '{"node":{"title":' || ` + q("a.title") + ` || ',"status":"' || a.status ||
							'","objective":{"goal":{"title":' || coalesce(` + q("g.title") + `, 'null') || '}}}}' AS x
						FROM activity_municipalities am
						JOIN activities a ON a.id = am.activity_id
						JOIN objectives o ON o.id = a.objective_id
						JOIN goals g ON g.id = o.goal_id
						WHERE am.municipality_id = m.id
						ORDER BY a.id
						LIMIT 50) x), '') || ']}}}' AS e
			FROM municipalities m
			WHERE m.code = ?
			ORDER BY m.id
			LIMIT 50) p`),
		// The counts per goal and status in a subquery, joined to the goals:
		// as fast as this report gets in SQL.
		"Q3": f.bind(`
		SELECT '{"data":{"planReport":{"statusByGoal":[' || coalesce(` + agg("e") + `, '') || ']}}}'
		FROM (
			SELECT '{"goal":{"number":' || g.number || ',"title":' || coalesce(` + q("g.title") + `, 'null') ||
				'},"statusCounts":{"planned":' || coalesce(c.planned, 0) || ',"ongoing":' || coalesce(c.ongoing, 0) ||
				',"done":' || coalesce(c.done, 0) || ',"cancelled":' || coalesce(c.cancelled, 0) || '}}' AS e
			FROM goals g
			LEFT JOIN (` + counts + `) c ON c.goal_id = g.id
			WHERE g.plan_id = ?
			ORDER BY g.number, g.id) p`),
		"Q4": f.bind(`
		SELECT '{"data":{"activities":{"totalCount":' || (` + count + `) ||
			',"edges":[' || coalesce(` + agg("e") + `, '') || ']}}}'
		FROM (
			SELECT '{"node":{"title":' || ` + q("title") + ` || ',"status":"' || status || '"}}' AS e
			FROM activities WHERE ` + srch + ` ORDER BY id LIMIT 20) p`),
	}
	f.status = f.bind(`SELECT status FROM activities WHERE id = ?`)
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

// Answer returns the response to the i-th request of the read named op, as the
// floor's one statement writes it.
func (f *Floor) Answer(ctx context.Context, op string, t *Targets, i int) ([]byte, error) {
	query, ok := f.sql[op]
	if !ok {
		return nil, fmt.Errorf("floor: no statement for %s", op)
	}
	var args []any
	switch op {
	case "Q1":
		args = []any{Q1PageSize}
	case "Q2":
		args = []any{t.Codes[i%len(t.Codes)]}
	case "Q3":
		args = []any{t.Plans[i%len(t.Plans)], t.Plans[i%len(t.Plans)]}
	case "Q4":
		if f.postgres {
			like := "%" + searchText + "%" // lower() folds it
			args = []any{like, like}
			break
		}
		grams, _ := search.Cover(strings.ToLower(searchText))
		args = []any{f.searchKey, f.searchKey, grams[1], grams[0], grams[1], grams[0]}
	}
	var out []byte
	if err := f.db.QueryRowContext(ctx, query, args...).Scan(&out); err != nil {
		return nil, fmt.Errorf("floor %s: %w", op, err)
	}
	return out, nil
}

// activityStatus returns an activity's id and status as the database holds
// them.
func (f *Floor) activityStatus(ctx context.Context, id int) ([2]string, error) {
	var status string
	if err := f.db.QueryRowContext(ctx, f.status, id).Scan(&status); err != nil {
		return [2]string{}, fmt.Errorf("read activity %d: %w", id, err)
	}
	return [2]string{strconv.Itoa(id), status}, nil
}
