package search_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"entgo.io/ent/dialect"
	sqlb "entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/predicate"
	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/ent/schema/enum"
	"github.com/samverkan/samverkan/search"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// titles is the index of activities' titles, as the schema declares it.
var titles, _ = search.Find(activity.Table, activity.FieldTitle)

// The index finds exactly the activities ent's own predicate finds, for
// every kind of searched text, on the national dataset, and still does
// after titles are created, changed and deleted. ent's predicate, which
// reads every title, is the oracle.
func TestIndexMatchesWhatEntMatches(t *testing.T) {
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	db := storagetest.Open(t)
	client := db.Client()
	if err := seed.National(ctx, client); err != nil {
		t.Fatal(err)
	}
	// Statistics, as a server's database has them, so that ent's
	// predicate reads the folded titles from their index.
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	all := client.Activity.Query().Order(activity.ByID()).AllX(ctx)
	needles := []string{
		"kultur", "KULTUR", "Kultur", "barnkultur", "ö", "Ö", "öre", "ÖREBRO", "å", "äldre", "ÄLDREOMSORGEN",
		"ku", "k", "", " ", "  ", "på b", "satsning på barnkultur för", "ingen sådan titel", "zzz",
		"%", "_", `\`, "a%b", "k_ltur", `kul\tur`, "100%", "'", `"`, "🎭", "é",
		// Letters whose case changes their length or differs between
		// locales, in the titles created below.
		"İSTANBUL", "i̇stanbul", "istanbul", "STRASSE", "straße", "ẞ", "ǅ", "ǆ", "Σ", "ς", "ΣΟΦΙΑ", "Ω",
	}
	for range 40 {
		// Pieces of real titles, of every length, in any case.
		title := []rune(all[rnd.IntN(len(all))].Title)
		from := rnd.IntN(len(title))
		to := min(len(title), from+1+rnd.IntN(12))
		n := string(title[from:to])
		switch rnd.IntN(3) {
		case 0:
			n = strings.ToUpper(n)
		case 1:
			n = strings.ToLower(n)
		}
		needles = append(needles, n)
	}
	compare := func(stage string) {
		t.Helper()
		for _, n := range needles {
			want := client.Activity.Query().Where(activity.TitleContainsFold(n)).Order(activity.ByID()).IDsX(ctx)
			got := client.Activity.Query().Where(predicate.Activity(titles.ContainsFold(ctx, n))).Order(activity.ByID()).IDsX(ctx)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %q: the index finds %d activities, ent %d", stage, n, len(got), len(want))
			}
			if query, args, ok := countQuery(ctx, db.Dialect, n); ok {
				var got int
				if err := db.QueryRowContext(ctx, "SELECT ("+query+")", args...).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != len(want) {
					t.Errorf("%s: %q: the index counts %d activities, ent finds %d", stage, n, got, len(want))
				}
			}
		}
	}
	compare("seeded")

	// Change a hundred titles (to text that holds other searches'
	// trigrams), delete a hundred activities, create a hundred.
	for _, a := range all[:100] {
		client.Activity.UpdateOne(a).SetTitle("Ny titel: " + all[rnd.IntN(len(all))].Title + " ÅÄÖ").ExecX(ctx)
	}
	for _, a := range all[100:200] {
		client.Activity.DeleteOne(a).ExecX(ctx)
	}
	objective := all[300].QueryObjective().OnlyX(ctx)
	for i := range 100 {
		client.Activity.Create().SetObjective(objective).SetTitle(all[i+1000].Title + " på nytt, 100% _kultur_").SaveX(ctx)
	}
	for _, title := range []string{"Resa till İstanbul", "ISTANBUL", "Große Straße", "GROẞE STRASSE", "ǅemal", "ΣΟΦΙΑ och σοφίας", "Ω Ω"} {
		client.Activity.Create().SetObjective(objective).SetTitle(title).SaveX(ctx)
	}
	// A change that leaves the title as it was.
	client.Activity.UpdateOne(all[500]).SetTitle(all[500].Title).ExecX(ctx)
	compare("after writes")

	if db.Dialect == dialect.SQLite {
		// The counts are the lengths of the posting lists.
		var wrong int
		q := `SELECT count(*) FROM "` + titles.Counts() + `" c WHERE c.n != (SELECT count(*) FROM "` + titles.Trigrams() + `" t WHERE t.trigram = c.trigram)`
		if err := db.QueryRowContext(ctx, q).Scan(&wrong); err != nil {
			t.Fatal(err)
		}
		if wrong != 0 {
			t.Errorf("%d trigram counts differ from their posting lists", wrong)
		}
	}
}

// The search reads the rows of one trigram's posting list and looks the
// other trigrams up, never reading a title.
func TestSearchUsesTheIndex(t *testing.T) {
	db := storagetest.OpenSQLite(t)
	query, args := sqlOf(titles.ContainsFold(context.Background(), "kultur"))
	plan := explain(t, db, query, args)
	if !strings.Contains(plan, "SEARCH g0 USING PRIMARY KEY (trigram=?)") ||
		!strings.Contains(plan, "SEARCH g1 USING PRIMARY KEY (trigram=? AND id=? AND pos=?)") {
		t.Errorf("the search does not seek its trigrams:\n%s", plan)
	}
	if strings.Contains(plan, "SCAN ") {
		t.Errorf("the search reads a whole table:\n%s", plan)
	}
}

// A database indexed before the trigrams had their positions is indexed
// again at the next start, and its triggers keep the new index.
func TestMigrateRebuildsAnIndexWithoutPositions(t *testing.T) {
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	db := storagetest.OpenSQLite(t)
	client := db.Client()
	if err := seed.LoadOrebro(ctx, client); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`DROP TABLE "` + titles.Trigrams() + `"`,
		`CREATE TABLE "` + titles.Trigrams() + `" (trigram TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (trigram, id)) WITHOUT ROWID`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	objective := client.Objective.Query().FirstX(ctx)
	client.Activity.Create().SetObjective(objective).SetTitle("Ny kulturvecka").SaveX(ctx)
	for _, text := range []string{"kultur", "kulturvecka", "transporter till"} {
		want := client.Activity.Query().Where(activity.TitleContainsFold(text)).Order(activity.ByID()).IDsX(ctx)
		got := client.Activity.Query().Where(predicate.Activity(titles.ContainsFold(ctx, text))).Order(activity.ByID()).IDsX(ctx)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%q: after migrating the index finds %v, ent %v", text, got, want)
		}
	}
}

// A database whose index is missing rows (the tables emptied, as a file
// written while the triggers were missing would be) is indexed again at
// the next start.
func TestMigrateRebuildsAnIncompleteIndex(t *testing.T) {
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	db := storagetest.OpenSQLite(t)
	client := db.Client()
	if err := seed.LoadOrebro(ctx, client); err != nil {
		t.Fatal(err)
	}
	want := client.Activity.Query().Where(activity.TitleContainsFold("kultur")).IDsX(ctx)
	if len(want) == 0 {
		t.Fatal("no activity of the seed is about kultur")
	}
	for _, table := range []string{titles.Folded(), titles.Trigrams(), titles.Counts()} {
		if _, err := db.ExecContext(ctx, `DELETE FROM "`+table+`"`); err != nil {
			t.Fatal(err)
		}
	}
	if got := client.Activity.Query().Where(predicate.Activity(titles.ContainsFold(ctx, "kultur"))).IDsX(ctx); len(got) != 0 {
		t.Fatalf("emptied index still finds %d", len(got))
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	got := client.Activity.Query().Where(predicate.Activity(titles.ContainsFold(ctx, "kultur"))).IDsX(ctx)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("after migrating again the index finds %v, want %v", got, want)
	}
}

func TestTrigrams(t *testing.T) {
	if titles.Table == "" {
		t.Fatal("activities' titles are not indexed for search")
	}
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"ab", []string{}},
		{"abc", []string{"abc"}},
		{"örebro", []string{"öre", "reb", "ebr", "bro"}},
		{"aaaa", []string{"aaa", "aaa"}},
	} {
		if got := search.Trigrams(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Trigrams(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		in      string
		grams   []string
		offsets []int
	}{
		{"ab", nil, nil},
		{"abc", []string{"abc"}, []int{0}},
		{"abcd", []string{"abc", "bcd"}, []int{0, 1}},
		{"kultur", []string{"kul", "tur"}, []int{0, 3}},
		{"barnkultur", []string{"bar", "nku", "ltu", "tur"}, []int{0, 3, 6, 7}},
		{"aaaaaaa", []string{"aaa", "aaa", "aaa"}, []int{0, 3, 4}},
	} {
		grams, offsets := search.Cover(c.in)
		if !slices.Equal(grams, c.grams) || !slices.Equal(offsets, c.offsets) {
			t.Errorf("Cover(%q) = %q %v, want %q %v", c.in, grams, offsets, c.grams, c.offsets)
		}
	}
	if got := search.TrigramsJSON(`a"\ b`); got != `["a\"\\","\"\\ ","\\ b"]` {
		t.Errorf("TrigramsJSON = %v", got)
	}
	if got := search.TrigramsJSON(nil); got != nil {
		t.Errorf("TrigramsJSON(NULL) = %v, want NULL", got)
	}
}

// sqlOf is the SQL of a query of activities' ids with the predicate p.
func sqlOf(p func(*sqlb.Selector)) (string, []any) {
	s := sqlb.Dialect(dialect.SQLite).Select(activity.FieldID).From(sqlb.Table(activity.Table))
	p(s)
	return s.Query()
}

// explain is SQLite's plan for query, one step a line.
func explain(t *testing.T, db *storage.DB, query string, args []any) string {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	return b.String()
}

// countQuery is the count of the rows whose title contains text, as a
// statement of the read compiler writes it on the dialect's database;
// false when the index does not count text.
func countQuery(ctx context.Context, dialectName, text string) (string, []any, bool) {
	count, ok := titles.Count(ctx, dialectName, text)
	if !ok {
		return "", nil, false
	}
	b := &sqlb.Builder{}
	b.SetDialect(dialectName)
	count(b)
	query, args := b.Query()
	return query, args, true
}

// countOf runs the count of the rows whose title contains text, as a
// statement of the read compiler writes it, and says whether the count was
// one kept from an earlier statement.
func countOf(t *testing.T, ctx context.Context, db *storage.DB, text string) (n int, kept bool) {
	t.Helper()
	query, args, ok := countQuery(ctx, db.Dialect, text)
	if !ok {
		t.Fatalf("%q is not counted from the index", text)
	}
	hits, _ := search.CountStats()
	if err := db.QueryRowContext(ctx, "SELECT ("+query+")", args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	after, _ := search.CountStats()
	return n, after > hits
}

// A count of a search is kept and given again, and only while the index is
// as it was counted: after titles change, are created or deleted, inside
// a transaction that is rolled back, and in a group of writers one of
// which rolls back, each count equals ent's own (the oracle), and a change
// of anything but a title keeps the counts.
func TestKeptCountsAreExact(t *testing.T) {
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	db := storagetest.OpenSQLite(t)
	client := db.Client()
	if err := seed.LoadOrebro(ctx, client); err != nil {
		t.Fatal(err)
	}
	texts := []string{"kultur", "läsfrämjande", "ungdomar", "ingen sådan titel"}
	check := func(stage string, wantKept bool) {
		t.Helper()
		for _, text := range texts {
			want := client.Activity.Query().Where(activity.TitleContainsFold(text)).CountX(ctx)
			got, kept := countOf(t, ctx, db, text)
			if got != want {
				t.Errorf("%s: %q: counted %d, ent counts %d", stage, text, got, want)
			}
			if kept != wantKept {
				t.Errorf("%s: %q: the count was kept: %v, want %v", stage, text, kept, wantKept)
			}
		}
	}
	objective := client.Objective.Query().FirstX(ctx)
	first := client.Activity.Query().Order(activity.ByID()).FirstX(ctx)

	check("first count", false)
	check("counted before", true)
	// "kultur" and "KULTUR" fold alike: one count.
	if n, kept := countOf(t, ctx, db, "KULTUR"); !kept || n != client.Activity.Query().Where(activity.TitleContainsFold("kultur")).CountX(ctx) {
		t.Errorf(`"KULTUR": counted %d (kept: %v), want the count of "kultur"`, n, kept)
	}

	client.Activity.UpdateOne(first).SetStatus(enum.StatusDone).ExecX(ctx)
	check("after a change of a status", true)

	client.Activity.UpdateOne(first).SetTitle(first.Title + " för ungdomar, kultur").ExecX(ctx)
	check("after a change of a title", false)
	check("counted again", true)

	created := client.Activity.Create().SetObjective(objective).SetTitle("Kulturvecka för ungdomar").SaveX(ctx)
	check("after a new activity", false)
	client.Activity.DeleteOne(created).ExecX(ctx)
	check("after a deleted activity", false)
	check("counted again", true)

	// A change rolled back leaves the index, and its version, as they were.
	tx, err := client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tx.Activity.Create().SetObjective(objective).SetTitle("Kultur som ångras").SaveX(ctx)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	check("after a rolled back change", true)

	// Writers in one group of a commit (storage/writers.go), the first
	// rolled back to its savepoint, the second committed: the group's
	// statements see their own change and the count after it is exact.
	var wg sync.WaitGroup
	for i, commit := range []bool{false, true} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tx, err := client.Tx(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			tx.Activity.Create().SetObjective(objective).SetTitle(fmt.Sprintf("Kultur i grupp %d", i)).SaveX(ctx)
			if commit {
				err = tx.Commit()
			} else {
				err = tx.Rollback()
			}
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	check("after a group of writers", false)
	if n := client.Activity.Query().Where(activity.TitleHasPrefix("Kultur i grupp")).CountX(ctx); n != 1 {
		t.Fatalf("%d of the group's activities are there, want 1", n)
	}
}

// An index made before it had a version gets one at the next start, with
// triggers that draw it again: a count kept before a change of a title is
// not given after it.
func TestMigrateVersionsAnIndex(t *testing.T) {
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	db := storagetest.OpenSQLite(t)
	client := db.Client()
	if err := seed.LoadOrebro(ctx, client); err != nil {
		t.Fatal(err)
	}
	// The index as it was: no version, triggers that draw none.
	var triggers []string
	rows, err := db.QueryContext(ctx, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE '%search%'", activity.Table)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		triggers = append(triggers, s)
	}
	rows.Close()
	if len(triggers) != 3 {
		t.Fatalf("%d triggers on %s, want 3", len(triggers), activity.Table)
	}
	stmts := []string{`DROP TABLE "` + titles.Version() + `"`}
	for _, event := range []string{"insert", "update", "delete"} {
		stmts = append(stmts, `DROP TRIGGER "`+activity.Table+"_"+activity.FieldTitle+"_search_"+event+`"`)
	}
	bump := regexp.MustCompile(`\s*UPDATE "` + titles.Version() + `" SET v = random\(\) WHERE id = 0;`)
	for _, s := range triggers {
		old := bump.ReplaceAllString(s, "")
		if old == s {
			t.Fatalf("a trigger draws no version:\n%s", s)
		}
		stmts = append(stmts, old)
	}
	for _, stmt := range stmts {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want := client.Activity.Query().Where(activity.TitleContainsFold("kultur")).CountX(ctx)
	if n, _ := countOf(t, ctx, db, "kultur"); n != want {
		t.Fatalf("counted %d, ent counts %d", n, want)
	}
	first := client.Activity.Query().Order(activity.ByID()).FirstX(ctx)
	client.Activity.UpdateOne(first).SetTitle(first.Title + " (kultur)").ExecX(ctx)
	n, kept := countOf(t, ctx, db, "kultur")
	if want := client.Activity.Query().Where(activity.TitleContainsFold("kultur")).CountX(ctx); n != want || kept {
		t.Errorf("after a change of a title: counted %d (kept: %v), ent counts %d", n, kept, want)
	}
}
