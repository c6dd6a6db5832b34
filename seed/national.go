package seed

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/institution"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/schema"
	"github.com/samverkan/samverkan/ent/schema/enum"
	"github.com/samverkan/samverkan/ent/statuschange"
)

// The national dataset of bench/WORKLOAD.md ("The data: national scale").
// Everything below is drawn from one generator with a fixed seed, in a fixed
// order, so two builds into empty databases produce the same rows.

const (
	nationalSeed      = 42
	nationalFirstYear = 2024
	nationalLastYear  = 2027

	municipalitiesPerRegion = 14
	municipalityCount       = 290
	goalsPerPlan            = 3
	objectivesPerGoal       = 4
	activityCount           = 20_000
	institutionCount        = 2_000
	followUpsPerActivity    = 2
)

// sqliteMaxVars is SQLite's limit on bound variables in one statement (since
// 3.32); batches are sized by their column count to stay under it.
const sqliteMaxVars = 32766

// builtAt is the created and updated time of every row: a fixed time rather
// than time.Now, so that two builds give the same rows byte for byte.
var builtAt = time.Date(nationalFirstYear, time.January, 1, 8, 0, 0, 0, time.UTC)

// region is one of Sweden's 21 regions with its county code (länskod).
type region struct {
	code, name string
}

// regions are the 21 regions in county code order.
var regions = []region{
	{"01", "Region Stockholm"},
	{"03", "Region Uppsala"},
	{"04", "Region Sörmland"},
	{"05", "Region Östergötland"},
	{"06", "Region Jönköpings län"},
	{"07", "Region Kronoberg"},
	{"08", "Region Kalmar län"},
	{"09", "Region Gotland"},
	{"10", "Region Blekinge"},
	{"12", "Region Skåne"},
	{"13", "Region Halland"},
	{"14", "Västra Götalandsregionen"},
	{"17", "Region Värmland"},
	{"18", "Region Örebro län"},
	{"19", "Region Västmanland"},
	{"20", "Region Dalarna"},
	{"21", "Region Gävleborg"},
	{"22", "Region Västernorrland"},
	{"23", "Region Jämtland Härjedalen"},
	{"24", "Region Västerbotten"},
	{"25", "Region Norrbotten"},
}

// Rows of the dataset before they are stored. They refer to each other by
// index in their slices, because database ids exist only after the insert.
type (
	municipalityRow struct {
		region     int
		code, name string
	}
	goalRow struct {
		plan               int
		number             int
		title, description string
	}
	objectiveRow struct {
		goal     int
		position int
		title    string
	}
	institutionRow struct {
		municipality int
		kind         institution.Kind
		name         string
	}
	activityRow struct {
		objective          int
		title, description string
		status             enum.Status
		firstYear          int
		lastYear           int
		municipalities     []int
		institutions       []int
		followUps          [followUpsPerActivity]followUpRow
	}
	followUpRow struct {
		date time.Time
		text string
	}
)

// nationalData is the whole dataset in memory.
type nationalData struct {
	municipalities []municipalityRow
	goals          []goalRow
	objectives     []objectiveRow
	institutions   []institutionRow
	activities     []activityRow
}

// National fills an empty, migrated database with the national benchmark dataset.
func National(ctx context.Context, client *ent.Client) error {
	ctx = trusted(ctx)
	data, err := generateNational(rand.New(rand.NewPCG(nationalSeed, nationalSeed)))
	if err != nil {
		return fmt.Errorf("generate national dataset: %w", err)
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin national seed: %w", err)
	}
	// The check runs inside the transaction, which holds SQLite's write
	// lock from its start, so nobody can add a plan between check and
	// insert. The dataset is only meaningful, and deterministic, on its own.
	empty, err := IsEmpty(ctx, tx.Client())
	if err != nil {
		return abort(tx, fmt.Errorf("national seed: %w", err))
	}
	if !empty {
		return abort(tx, errors.New("national seed needs an empty database, but it already holds plans or municipalities"))
	}
	if err := insertNational(ctx, tx.Client(), data); err != nil {
		return abort(tx, fmt.Errorf("national seed: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit national seed: %w", err)
	}
	// Fresh statistics let the query planner pick the right index for the
	// counts the reports make (the status index, or a heading's rows).
	if _, err := client.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("analyze the national dataset: %w", err)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Generation

// generateNational draws the dataset. The order of the draws is part of the
// dataset: changing it changes every row after it.
func generateNational(r *rand.Rand) (*nationalData, error) {
	d := &nationalData{}
	d.municipalities = generateMunicipalities(r)
	d.goals, d.objectives = generateGoals(r)
	d.institutions = generateInstitutions(r, d.municipalities)
	activities, err := generateActivities(r, d)
	if err != nil {
		return nil, err
	}
	d.activities = activities
	return d, nil
}

// Syllables for municipality names. Many carry å, ä or ö, so well over one
// name in three does.
var (
	namePrefixes = []string{
		"Al", "Ål", "Ask", "Berg", "Björk", "Bro", "Dal", "Ek", "Fal", "Frö",
		"Gran", "Hag", "Hälle", "Kall", "Kar", "Lin", "Ljung", "Malm", "Mör",
		"Norr", "Näs", "Ros", "Sand", "Sjö", "Skog", "Stor", "Sten", "Sö",
		"Tran", "Väst", "Ås", "Ö", "Öster", "Älv", "Lek",
	}
	nameSuffixes = []string{
		"by", "köping", "holm", "sund", "å", "ås", "fors", "hult", "ryd",
		"berga", "vik", "torp", "stad", "näs", "dal",
	}
)

// municipalityNames returns every pleasant prefix+suffix name in a random
// order. Names where a vowel meets a vowel ("Sjöå") or a syllable repeats
// ("Näsnäs") are left out.
func municipalityNames(r *rand.Rand) []string {
	var names []string
	for _, p := range namePrefixes {
		for _, s := range nameSuffixes {
			last, _ := utf8.DecodeLastRuneInString(p)
			first, _ := utf8.DecodeRuneInString(s)
			if (isVowel(last) && isVowel(first)) || strings.EqualFold(p, s) {
				continue
			}
			names = append(names, p+s)
		}
	}
	r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	return names
}

func isVowel(c rune) bool {
	return strings.ContainsRune("aeiouyåäöAEIOUYÅÄÖ", c)
}

// generateMunicipalities gives each region 14 municipalities (the last one
// the rest) with codes of its county code and two distinct digits.
func generateMunicipalities(r *rand.Rand) []municipalityRow {
	names := municipalityNames(r)
	rows := make([]municipalityRow, 0, municipalityCount)
	for ri, reg := range regions {
		n := municipalitiesPerRegion
		if ri == len(regions)-1 {
			n = municipalityCount - municipalitiesPerRegion*(len(regions)-1)
		}
		// Two-digit suffixes from 10 to 99, sorted as SCB's codes are.
		suffixes := r.Perm(90)[:n]
		slices.Sort(suffixes)
		for _, s := range suffixes {
			rows = append(rows, municipalityRow{
				region: ri,
				code:   fmt.Sprintf("%s%02d", reg.code, s+10),
				name:   names[len(rows)],
			})
		}
	}
	return rows
}

var (
	goalTitles = []string{
		"Barn och unga", "Kultur och hälsa", "Kultur i hela regionen",
		"Kulturarv och hembygd", "Konstnärlig utveckling", "Läsfrämjande",
		"Tillgänglighet och delaktighet", "Digital utveckling",
		"Kulturella och kreativa näringar", "Demokrati och yttrandefrihet",
	}
	objectiveTitles = []string{
		"Ökad samverkan mellan kultur och skola",
		"Utveckling av transporter till kultur",
		"Ökad samverkan mellan region och kommuner",
		"Ökad samverkan mellan kommuner och institutioner",
		"Kompetensutveckling för kulturarbetare",
		"Stärkt civilsamhälle och föreningsliv",
		"Fler mötesplatser för kultur",
		"Kultur i vård och omsorg",
		"Nationella minoriteters kultur",
		"Digitala kulturtjänster",
		"Konstnärers villkor",
		"Barnkulturplaner i alla kommuner",
	}
)

// generateGoals gives each plan three goals, numbered 1–3, with distinct
// titles, and each goal four headings with distinct titles.
func generateGoals(r *rand.Rand) ([]goalRow, []objectiveRow) {
	var goals []goalRow
	var objectives []objectiveRow
	for p := range regions {
		titles := r.Perm(len(goalTitles))
		for n := 1; n <= goalsPerPlan; n++ {
			goals = append(goals, goalRow{
				plan:        p,
				number:      n,
				title:       goalTitles[titles[n-1]],
				description: lorem(r, 300, 600),
			})
			headings := r.Perm(len(objectiveTitles))
			for pos := range objectivesPerGoal {
				objectives = append(objectives, objectiveRow{
					goal:     len(goals) - 1,
					position: pos,
					title:    objectiveTitles[headings[pos]],
				})
			}
		}
	}
	return goals, objectives
}

// institutionKinds are the benchmark's seven kinds, each with name patterns
// (%s is the home municipality's name).
var institutionKinds = []struct {
	kind  institution.Kind
	names []string
}{
	{institution.KindMuseum, []string{"%s museum", "%s konstmuseum", "%s hembygdsmuseum", "Industrimuseet i %s"}},
	{institution.KindTheatre, []string{"%s teater", "Teater %s", "%s dramatiska ensemble", "Dockteatern i %s"}},
	{institution.KindMusic, []string{"%s musiksällskap", "%s kammarorkester", "%s blåsorkester", "Kören i %s"}},
	{institution.KindLibrary, []string{"%s bibliotek", "%s stadsbibliotek", "Biblioteket i %s", "%s skolbibliotek"}},
	{institution.KindSchoolOfArts, []string{"%s kulturskola", "Musik- och dansskolan i %s", "%s kulturskola, filial"}},
	{institution.KindNetwork, []string{"Nätverket för %s", "%s konstnärsnätverk", "Slöjdnätverket i %s"}},
	{institution.KindOther, []string{"%s folkets hus", "Föreningen %s hembygd", "Studieförbundet i %s", "%s konsthall"}},
}

// generateInstitutions spreads the institutions evenly over the
// municipalities (about seven each), so every municipality has a few.
func generateInstitutions(r *rand.Rand, munis []municipalityRow) []institutionRow {
	rows := make([]institutionRow, institutionCount)
	for i := range rows {
		m := i % len(munis)
		k := institutionKinds[r.IntN(len(institutionKinds))]
		rows[i] = institutionRow{
			municipality: m,
			kind:         k.kind,
			name:         fmt.Sprintf(k.names[r.IntN(len(k.names))], munis[m].name),
		}
	}
	return rows
}

// statusShares are the benchmark's 40/30/25/5 %, in twentieths.
var statusShares = []struct {
	status     enum.Status
	twentieths int
}{
	{enum.StatusPlanned, 8},
	{enum.StatusOngoing, 6},
	{enum.StatusDone, 5},
	{enum.StatusCancelled, 1},
}

// Link counts per activity as weights in percent. Municipalities: 1–8, mean
// 3.01; institutions: 0–3, mean 1.0.
var (
	municipalityLinkWeights = []int{0, 20, 26, 22, 14, 8, 5, 3, 2}
	institutionLinkWeights  = []int{40, 30, 20, 10}
)

// generateActivities spreads the activities evenly over the headings and
// links each to municipalities and institutions of its own region.
func generateActivities(r *rand.Rand, d *nationalData) ([]activityRow, error) {
	muniByRegion := make([][]int, len(regions))
	for i, m := range d.municipalities {
		muniByRegion[m.region] = append(muniByRegion[m.region], i)
	}
	instByRegion := make([][]int, len(regions))
	for i, in := range d.institutions {
		reg := d.municipalities[in.municipality].region
		instByRegion[reg] = append(instByRegion[reg], i)
	}

	// Exact shares, shuffled: 8,000 planned, 6,000 ongoing, 5,000 done,
	// 1,000 cancelled, and exactly one title in ten with "kultur".
	statuses := make([]enum.Status, 0, activityCount)
	for _, s := range statusShares {
		for range activityCount / 20 * s.twentieths {
			statuses = append(statuses, s.status)
		}
	}
	r.Shuffle(len(statuses), func(i, j int) { statuses[i], statuses[j] = statuses[j], statuses[i] })
	kultur := r.Perm(activityCount)

	rows := make([]activityRow, 0, activityCount)
	perObjective, extra := activityCount/len(d.objectives), activityCount%len(d.objectives)
	for o := range d.objectives {
		n := perObjective
		if o < extra {
			n++
		}
		reg := d.goals[d.objectives[o].goal].plan
		for range n {
			i := len(rows)
			a := activityRow{objective: o, status: statuses[i]}
			a.municipalities = pick(r, muniByRegion[reg], weighted(r, municipalityLinkWeights))
			a.institutions = pick(r, instByRegion[reg], weighted(r, institutionLinkWeights))
			place := d.municipalities[a.municipalities[0]].name
			title, err := activityTitle(r, kultur[i]%10 == 0, kultur[i]/10%3, place)
			if err != nil {
				return nil, fmt.Errorf("activity %d: %w", i, err)
			}
			a.title = title
			a.description = lorem(r, 200, 1000)
			a.firstYear = nationalFirstYear + r.IntN(nationalLastYear-nationalFirstYear+1)
			a.lastYear = a.firstYear + r.IntN(nationalLastYear-a.firstYear+1)
			a.followUps = followUps(r, a.firstYear, a.lastYear)
			rows = append(rows, a)
		}
	}
	return rows, nil
}

// weighted returns an index into weights, drawn with those weights.
func weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// pick returns n distinct elements of from, drawn at random (a partial
// Fisher–Yates shuffle on a copy).
func pick(r *rand.Rand, from []int, n int) []int {
	n = min(n, len(from))
	pool := append([]int(nil), from...)
	for i := range n {
		j := i + r.IntN(len(pool)-i)
		pool[i], pool[j] = pool[j], pool[i]
	}
	return pool[:n:n]
}

// followUps returns two dated reports within the activity's years, the
// earlier first.
func followUps(r *rand.Rand, firstYear, lastYear int) [followUpsPerActivity]followUpRow {
	start := time.Date(firstYear, time.January, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(lastYear+1, time.January, 1, 0, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
	a, b := r.IntN(days), r.IntN(days)
	if b < a {
		a, b = b, a
	}
	return [followUpsPerActivity]followUpRow{
		{date: start.AddDate(0, 0, a), text: lorem(r, 50, 400)},
		{date: start.AddDate(0, 0, b), text: lorem(r, 50, 400)},
	}
}

// Words for activity titles. None but the kultur lists may contain
// "kultur" in any case: the benchmark's search for it must find exactly the
// titles meant to match (activityTitle checks).
var (
	titleHeads = []string{
		"Samverkan kring", "Utveckling av", "Satsning på", "Fortbildning i",
		"Nätverksträffar om", "Pilotprojekt med", "Turné med", "Workshopserie i",
		"Kartläggning av", "Stöd till", "Festival för", "Sommarläger i",
		"Residens för", "Digital satsning på", "Gemensam planering av",
	}
	titleObjects = []string{
		"barnteater", "läsfrämjande", "folkdans", "slöjd och hantverk",
		"hembygdsarkiv", "samtida konst", "körsång", "filmpedagogik",
		"dans för äldre", "musik i skolan", "berättarkonst", "bildkonst",
		"konsthallens utställningar", "litteratur", "scenkonst för unga",
		"orkesterverksamhet", "folkmusik", "museipedagogik", "skrivarverkstäder",
		"biblioteksfilialer", "jazz och improvisation", "cirkus", "opera",
		"lokal hembygdsforskning", "konstnärliga gestaltningar",
		"samiska berättelser", "teckenspråkig teater", "fritidsgårdarnas musik",
	}
	titleComplements = []string{
		"för unga", "i glesbygd", "på biblioteket", "med äldreomsorgen",
		"i samverkan med skolan", "för nyanlända", "under sommarlovet",
		"med civilsamhället", "på fritidsgårdar", "i länets mindre orter",
		"för personer med funktionsnedsättning", "tillsammans med studieförbunden",
		"under 2025", "för förskolan", "med lokala konstnärer", "på äldreboenden",
	}
	// The three spellings the benchmark asks for: "Kultur" opening a
	// title, "KULTUR" in a project name, "kultur" inside a title.
	kulturOpenings = []string{"Kulturnatt med", "Kulturvecka med", "Kulturdag med", "Kulturkväll med", "Kulturresa med"}
	kulturShouts   = []string{"KULTUR PÅ RECEPT:", "KULTUR FÖR ALLA:", "UNG KULTUR:", "KULTUR I SKOLAN:"}
	kulturObjects  = []string{"kultur och hälsa", "barnkultur", "kulturarv", "kulturskolor", "kultur för äldre", "kulturmiljöer"}
)

const (
	minTitle, maxTitle = 20, 80
)

// activityTitle builds a title of 20–80 characters from a head, an object
// and complements. With kultur set, the title contains "kultur" in the
// spelling variant picks (0 "Kultur", 1 "KULTUR", 2 "kultur"); without, it
// must not contain it in any case.
func activityTitle(r *rand.Rand, kultur bool, variant int, place string) (string, error) {
	head := titleHeads[r.IntN(len(titleHeads))]
	object := titleObjects[r.IntN(len(titleObjects))]
	if kultur {
		switch variant {
		case 0:
			head = kulturOpenings[r.IntN(len(kulturOpenings))]
		case 1:
			head = kulturShouts[r.IntN(len(kulturShouts))]
		default:
			object = kulturObjects[r.IntN(len(kulturObjects))]
		}
	}
	title := head + " " + object
	target := minTitle + r.IntN(maxTitle-minTitle+1)
	complements := append([]string{"i " + place}, titleComplements...)
	for _, c := range r.Perm(len(complements)) {
		if utf8.RuneCountInString(title) >= target {
			break
		}
		if next := title + " " + complements[c]; utf8.RuneCountInString(next) <= maxTitle {
			title = next
		}
	}
	if n := utf8.RuneCountInString(title); n < minTitle || n > maxTitle {
		return "", fmt.Errorf("title %q has %d characters, not %d–%d", title, n, minTitle, maxTitle)
	}
	if strings.Contains(strings.ToLower(title), "kultur") != kultur {
		return "", fmt.Errorf("title %q: contains \"kultur\" is not %v", title, kultur)
	}
	return title, nil
}

// Words for Swedish-looking filler text about culture work.
var (
	loremSubjects = []string{
		"Biblioteket", "Länsteatern", "Kulturskolan", "Museet", "Föreningen",
		"Kommunen", "Regionen", "Hembygdsrörelsen", "Konsthallen",
		"Studieförbundet", "Länsmusiken", "Arkivet", "Fritidsgården", "Nätverket",
	}
	loremVerbs = []string{
		"arrangerar", "utvecklar", "samordnar", "stärker", "erbjuder",
		"dokumenterar", "bjuder in till", "följer upp", "planerar", "prövar",
	}
	loremObjects = []string{
		"workshoppar i slöjd", "läsecirklar för äldre", "föreställningar för barn och unga",
		"utställningar om kulturarvet", "konserter i glesbygden", "skrivarverkstäder",
		"dansprojekt", "filmvisningar", "berättarkvällar", "kurser i folkmusik",
		"samtal om konst", "digitala visningar", "körprojekt", "teaterläger",
	}
	loremComplements = []string{
		"under hela året", "tillsammans med skolan", "i samverkan med civilsamhället",
		"med fokus på tillgänglighet", "i länets mindre orter", "för nyanlända",
		"på fritiden", "inom äldreomsorgen", "med stöd från regionen",
		"enligt kulturplanen", "i dialog med kommunerna", "med lokala kulturaktörer",
	}
)

// lorem returns filler text of min–max characters, in whole sentences.
// A sentence has at most about 135 characters, so whole sentences always
// fit as long as max−min is larger than that (it is 300 or more here).
func lorem(r *rand.Rand, minLen, maxLen int) string {
	target := minLen + r.IntN(maxLen-minLen+1)
	var b strings.Builder
	n := 0
	for n < target {
		s := sentence(r)
		sn := utf8.RuneCountInString(s)
		if n > 0 {
			sn++ // the space before it
		}
		if n+sn > maxLen {
			// Only when the text is already within range: a sentence is
			// shorter than maxLen-minLen, so n ≥ minLen here.
			break
		}
		if n > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
		n += sn
	}
	return b.String()
}

// sentence returns one sentence of filler text.
func sentence(r *rand.Rand) string {
	s := loremSubjects[r.IntN(len(loremSubjects))] + " " +
		loremVerbs[r.IntN(len(loremVerbs))] + " " +
		loremObjects[r.IntN(len(loremObjects))] + " " +
		loremComplements[r.IntN(len(loremComplements))]
	if r.IntN(3) == 0 {
		s += " och " + loremComplements[r.IntN(len(loremComplements))]
	}
	return s + "."
}

// ---------------------------------------------------------------------------
// Insertion

// insertNational stores the dataset, parents before children, and maps each
// row's index to the id the database gave it.
func insertNational(ctx context.Context, c *ent.Client, d *nationalData) error {
	muniIDs, err := createMunicipalities(ctx, c, d.municipalities)
	if err != nil {
		return fmt.Errorf("create municipalities: %w", err)
	}
	planIDs, err := createPlans(ctx, c)
	if err != nil {
		return fmt.Errorf("create plans: %w", err)
	}
	goalIDs, err := createGoals(ctx, c, d.goals, planIDs)
	if err != nil {
		return fmt.Errorf("create goals: %w", err)
	}
	objectiveIDs, err := createObjectives(ctx, c, d.objectives, goalIDs)
	if err != nil {
		return fmt.Errorf("create objectives: %w", err)
	}
	instIDs, err := createInstitutions(ctx, c, d.institutions, muniIDs)
	if err != nil {
		return fmt.Errorf("create institutions: %w", err)
	}
	activityIDs, err := createActivities(ctx, c, d.activities, objectiveIDs)
	if err != nil {
		return fmt.Errorf("create activities: %w", err)
	}
	if err := linkActivities(ctx, c, d.activities, activityIDs, muniIDs, instIDs); err != nil {
		return fmt.Errorf("link activities: %w", err)
	}
	if err := createFollowUps(ctx, c, d.activities, activityIDs); err != nil {
		return fmt.Errorf("create follow-ups: %w", err)
	}
	return nil
}

// createInBatches builds n entities with build, saves them batch at a time
// with save (one CreateBulk each) and returns their ids in order.
func createInBatches[B, N any](n, batch int, build func(i int) B, save func([]B) ([]N, error), id func(N) int) ([]int, error) {
	ids := make([]int, 0, n)
	builders := make([]B, 0, batch)
	for lo := 0; lo < n; lo += batch {
		builders = builders[:0]
		for i := lo; i < min(lo+batch, n); i++ {
			builders = append(builders, build(i))
		}
		nodes, err := save(builders)
		if err != nil {
			return nil, fmt.Errorf("rows %d–%d: %w", lo, lo+len(builders)-1, err)
		}
		for _, node := range nodes {
			ids = append(ids, id(node))
		}
	}
	return ids, nil
}

// batchFor returns how many rows of the given column count fit in one
// statement. Callers count every column of a table (len(x.Columns)), the id
// and the foreign keys too, so the batches stay within the limit whatever
// the schema adds.
func batchFor(columns int) int { return sqliteMaxVars / columns }

func createMunicipalities(ctx context.Context, c *ent.Client, rows []municipalityRow) ([]int, error) {
	return createInBatches(len(rows), batchFor(len(municipality.Columns)),
		func(i int) *ent.MunicipalityCreate {
			m := rows[i]
			// The county code is left to the schema's hook, which takes
			// it from the code.
			return c.Municipality.Create().
				SetCreatedAt(builtAt).SetUpdatedAt(builtAt).
				SetCode(m.code).
				SetName(m.name).
				SetOfficialName(m.name + " kommun")
		},
		func(b []*ent.MunicipalityCreate) ([]*ent.Municipality, error) {
			return c.Municipality.CreateBulk(b...).Save(ctx)
		},
		func(m *ent.Municipality) int { return m.ID })
}

func createPlans(ctx context.Context, c *ent.Client) ([]int, error) {
	return createInBatches(len(regions), len(regions),
		func(i int) *ent.PlanCreate {
			reg := regions[i]
			return c.Plan.Create().
				SetCreatedAt(builtAt).SetUpdatedAt(builtAt).
				SetName("Handlingsplan för kultursamverkan " + reg.name).
				SetRegion(reg.name).
				SetCountyCode(reg.code).
				SetFirstYear(nationalFirstYear).
				SetLastYear(nationalLastYear)
		},
		func(b []*ent.PlanCreate) ([]*ent.Plan, error) { return c.Plan.CreateBulk(b...).Save(ctx) },
		func(p *ent.Plan) int { return p.ID })
}

func createGoals(ctx context.Context, c *ent.Client, rows []goalRow, planIDs []int) ([]int, error) {
	return createInBatches(len(rows), batchFor(len(goal.Columns)),
		func(i int) *ent.GoalCreate {
			g := rows[i]
			return c.Goal.Create().
				SetCreatedAt(builtAt).SetUpdatedAt(builtAt).
				SetNumber(g.number).
				SetTitle(g.title).
				SetDescription(g.description).
				SetPlanID(planIDs[g.plan])
		},
		func(b []*ent.GoalCreate) ([]*ent.Goal, error) { return c.Goal.CreateBulk(b...).Save(ctx) },
		func(g *ent.Goal) int { return g.ID })
}

func createObjectives(ctx context.Context, c *ent.Client, rows []objectiveRow, goalIDs []int) ([]int, error) {
	return createInBatches(len(rows), batchFor(len(objective.Columns)),
		func(i int) *ent.ObjectiveCreate {
			o := rows[i]
			return c.Objective.Create().
				SetCreatedAt(builtAt).SetUpdatedAt(builtAt).
				SetTitle(o.title).
				SetPosition(o.position).
				SetGoalID(goalIDs[o.goal])
		},
		func(b []*ent.ObjectiveCreate) ([]*ent.Objective, error) {
			return c.Objective.CreateBulk(b...).Save(ctx)
		},
		func(o *ent.Objective) int { return o.ID })
}

func createInstitutions(ctx context.Context, c *ent.Client, rows []institutionRow, muniIDs []int) ([]int, error) {
	return createInBatches(len(rows), batchFor(len(institution.Columns)),
		func(i int) *ent.InstitutionCreate {
			in := rows[i]
			return c.Institution.Create().
				SetCreatedAt(builtAt).SetUpdatedAt(builtAt).
				SetName(in.name).
				SetKind(in.kind).
				SetMunicipalityID(muniIDs[in.municipality])
		},
		func(b []*ent.InstitutionCreate) ([]*ent.Institution, error) {
			return c.Institution.CreateBulk(b...).Save(ctx)
		},
		func(in *ent.Institution) int { return in.ID })
}

// activityBatch keeps an activities insert under SQLite's limit.
var activityBatch = batchFor(len(activity.Columns))

// createActivities stores the activities, one INSERT per batch. Their links
// are added afterwards by linkActivities.
func createActivities(ctx context.Context, c *ent.Client, rows []activityRow, objectiveIDs []int) ([]int, error) {
	ids, err := createInBatches(len(rows), activityBatch,
		func(i int) *ent.ActivityCreate {
			a := rows[i]
			return c.Activity.Create().
				SetCreatedAt(builtAt).SetUpdatedAt(builtAt).
				SetTitle(a.title).
				SetDescription(a.description).
				SetStatus(a.status).
				SetFirstYear(a.firstYear).
				SetLastYear(a.lastYear).
				SetObjectiveID(objectiveIDs[a.objective])
		},
		func(b []*ent.ActivityCreate) ([]*ent.Activity, error) {
			return c.Activity.CreateBulk(b...).Save(schema.HistoryWrittenByCaller(ctx))
		},
		func(a *ent.Activity) int { return a.ID })
	if err != nil {
		return nil, err
	}
	// Each activity's history starts with its creation, written here in
	// bulk rather than by the schema's hook one activity at a time.
	_, err = createInBatches(len(rows), batchFor(len(statuschange.Columns)),
		func(i int) *ent.StatusChangeCreate {
			return c.StatusChange.Create().SetActivityID(ids[i]).SetToStatus(rows[i].status).SetAt(builtAt)
		},
		func(b []*ent.StatusChangeCreate) ([]*ent.StatusChange, error) {
			return c.StatusChange.CreateBulk(b...).Save(ctx)
		},
		func(sc *ent.StatusChange) int { return sc.ID })
	return ids, err
}

// linkActivities writes the activities' municipality and institution links
// straight into the join tables. Setting them on the bulk builders
// (AddMunicipalityIDs) costs as few INSERTs, but the schema's reference
// check then runs one SELECT per activity and edge, about 32,000 in all,
// for ids that were just created in this transaction; the foreign keys
// still check every link here.
func linkActivities(ctx context.Context, c *ent.Client, rows []activityRow, activityIDs, muniIDs, instIDs []int) error {
	var municipalities, institutions [][2]int
	for i, a := range rows {
		for _, m := range a.municipalities {
			municipalities = append(municipalities, [2]int{activityIDs[i], muniIDs[m]})
		}
		for _, in := range a.institutions {
			institutions = append(institutions, [2]int{activityIDs[i], instIDs[in]})
		}
	}
	d, err := dialectOf(ctx, c)
	if err != nil {
		return err
	}
	if err := insertPairs(ctx, c, d, activity.MunicipalitiesTable, activity.MunicipalitiesPrimaryKey, municipalities); err != nil {
		return fmt.Errorf("link municipalities: %w", err)
	}
	if err := insertPairs(ctx, c, d, activity.InstitutionsTable, activity.InstitutionsPrimaryKey, institutions); err != nil {
		return fmt.Errorf("link institutions: %w", err)
	}
	return nil
}

// insertPairs inserts rows of two columns into a join table, as many per
// statement as SQLite allows. Table and column names come from the
// generated code, never from input. Names are double-quoted, which both
// databases read; parameters are SQLite's ? or PostgreSQL's $n (SQLite reads
// $n too, but as names it looks up one by one, which made the build three
// times slower).
func insertPairs(ctx context.Context, c *ent.Client, d string, table string, columns []string, pairs [][2]int) error {
	prefix := fmt.Sprintf(`INSERT INTO %q (%q, %q) VALUES `, table, columns[0], columns[1])
	batch := batchFor(2)
	for lo := 0; lo < len(pairs); lo += batch {
		chunk := pairs[lo:min(lo+batch, len(pairs))]
		var q strings.Builder
		q.Grow(len(prefix) + 16*len(chunk))
		q.WriteString(prefix)
		args := make([]any, 0, 2*len(chunk))
		for i, p := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			if d == dialect.Postgres {
				fmt.Fprintf(&q, "($%d, $%d)", 2*i+1, 2*i+2)
			} else {
				q.WriteString("(?, ?)")
			}
			args = append(args, p[0], p[1])
		}
		if _, err := c.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// dialectOf tells which database the client writes to, from the query
// builder: the join-table inserts are the one place the seed writes SQL of
// its own.
func dialectOf(ctx context.Context, c *ent.Client) (string, error) {
	var d string
	if _, err := c.Plan.Query().Where(func(s *entsql.Selector) { d = s.Dialect() }).Exist(ctx); err != nil {
		return "", fmt.Errorf("find the database's dialect: %w", err)
	}
	return d, nil
}

// createFollowUps stores two follow-ups per activity.
func createFollowUps(ctx context.Context, c *ent.Client, rows []activityRow, activityIDs []int) error {
	_, err := createInBatches(len(rows)*followUpsPerActivity, batchFor(len(followup.Columns)),
		func(i int) *ent.FollowUpCreate {
			a := i / followUpsPerActivity
			f := rows[a].followUps[i%followUpsPerActivity]
			return c.FollowUp.Create().
				SetCreatedAt(builtAt).SetUpdatedAt(builtAt).
				SetDate(f.date).
				SetText(f.text).
				SetActivityID(activityIDs[a])
		},
		func(b []*ent.FollowUpCreate) ([]*ent.FollowUp, error) {
			return c.FollowUp.CreateBulk(b...).Save(ctx)
		},
		func(f *ent.FollowUp) int { return f.ID })
	return err
}
