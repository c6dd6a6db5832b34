package seed

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"golang.org/x/text/unicode/norm"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/followupdeadline"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/goalassessment"
	"github.com/samverkan/samverkan/ent/indicator"
	"github.com/samverkan/samverkan/ent/indicatortarget"
	"github.com/samverkan/samverkan/ent/indicatorvalue"
	"github.com/samverkan/samverkan/ent/institution"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/perspective"
	"github.com/samverkan/samverkan/ent/plan"
	"github.com/samverkan/samverkan/ent/planrevision"
	"github.com/samverkan/samverkan/ent/schema/enum"
	"github.com/samverkan/samverkan/ent/statuschange"
	"github.com/samverkan/samverkan/ent/yearlyreportclosing"
	"github.com/samverkan/samverkan/ent/yearlyreportreadiness"
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

	// The perspectives and the whole county are drawn after everything
	// else, from a stream of their own, so that every row drawn before
	// them stayed as it was. One activity in three is tagged with one or
	// two perspectives; one in a hundred takes part in every municipality
	// of its county instead of the ones drawn for it.
	perspectiveStream    = 2
	perspectiveShare     = 3   // one in
	wholeCountyShare     = 100 // one in
	maxPerspectivesDrawn = 2
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
		perspectives       []int     // indexes into nationalData.perspectives
		nextReview         time.Time // zero: none
		lead               string
	}
	followUpRow struct {
		date time.Time
		text string
	}
)

// nationalData is the whole dataset in memory.
type nationalData struct {
	plans          []planRow
	municipalities []municipalityRow
	goals          []goalRow
	objectives     []objectiveRow
	institutions   []institutionRow
	activities     []activityRow
	perspectives   []string // names, in the kulturplan's order
	measures       *nationalMeasures
	calendar       *nationalCalendar
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
	// counts the reports make (the status index, or a heading's rows). Only
	// the dataset's tables: a plain ANALYZE on PostgreSQL reads every table
	// of the database, other schemas' too.
	for _, table := range slices.Sorted(maps.Keys(nationalTables)) {
		if _, err := client.ExecContext(ctx, fmt.Sprintf("ANALYZE %q", table)); err != nil {
			return fmt.Errorf("analyze the national dataset: %w", err)
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// Generation

// generateNational draws the dataset. The order of the draws is part of the
// dataset: changing it changes every row after it.
func generateNational(r *rand.Rand) (*nationalData, error) {
	d := &nationalData{plans: currentPlans()}
	d.municipalities = generateMunicipalities(r)
	d.goals, d.objectives = generateGoals(r)
	d.institutions = generateInstitutions(r, d.municipalities)
	activities, err := generateActivities(r, d)
	if err != nil {
		return nil, err
	}
	d.activities = activities
	if err := tagNational(rand.New(rand.NewPCG(nationalSeed, perspectiveStream)), d); err != nil {
		return nil, err
	}
	// From a generator of their own, so that adding them changed none of
	// the rows above.
	d.measures = generateMeasures(rand.New(rand.NewPCG(nationalMeasuresSeed, nationalMeasuresSeed)), d)
	// And the calendar after them, likewise: the plans of the periods
	// before and after, and what is due.
	if err := generateCalendar(rand.New(rand.NewPCG(nationalCalendarSeed, nationalCalendarSeed)), d); err != nil {
		return nil, err
	}
	return d, nil
}

// tagNational gives a share of the activities perspectives, and a share
// the whole county (every municipality of their plan's region), so that
// the reports on perspectives and the whole county have something to
// count. The perspectives are the Örebro seed's six.
func tagNational(r *rand.Rand, d *nationalData) error {
	orebro, err := Orebro()
	if err != nil {
		return err
	}
	for _, p := range orebro.Perspectives {
		d.perspectives = append(d.perspectives, p.Name)
	}
	all := make([]int, len(d.perspectives))
	for i := range all {
		all[i] = i
	}
	muniByRegion := make([][]int, len(regions))
	for i, m := range d.municipalities {
		muniByRegion[m.region] = append(muniByRegion[m.region], i)
	}
	for i := range d.activities {
		a := &d.activities[i]
		if r.IntN(perspectiveShare) == 0 {
			a.perspectives = pick(r, all, 1+r.IntN(maxPerspectivesDrawn))
			slices.Sort(a.perspectives)
		}
		if r.IntN(wholeCountyShare) == 0 {
			reg := d.goals[d.objectives[a.objective].goal].plan
			a.municipalities = slices.Clone(muniByRegion[reg])
		}
	}
	return nil
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
//
// The rows go in through SQL of the seed's own, in its transaction, rather
// than through ent's builders. The schema's hooks check each new row's
// references, and each activity's years against its plan, with a SELECT per
// row: about 82,000 statements for 20,000 activities and 40,000 follow-ups,
// all about rows this transaction has just written. On PostgreSQL each is a
// round trip, and together they took most of the build's 15 s. The hooks'
// other work is done here (text in NFC, county code from the code), the
// generator and its tests keep the values valid, and the database's foreign
// keys still check every reference.

// version is the version of a new record (schema.VersionMixin).
const version = 1

// Columns the seed writes, per table. Every column the database requires
// must be among them (TestNationalColumns checks, against the generated
// schema), since no ent default or hook fills in the others.
var (
	municipalityColumns = []string{municipality.FieldCreatedAt, municipality.FieldUpdatedAt, municipality.FieldVersion,
		municipality.FieldCode, municipality.FieldName, municipality.FieldOfficialName, municipality.FieldCountyCode}
	planColumns = []string{plan.FieldCreatedAt, plan.FieldUpdatedAt, plan.FieldVersion,
		plan.FieldName, plan.FieldRegion, plan.FieldCountyCode, plan.FieldFirstYear, plan.FieldLastYear, plan.FieldState,
		plan.FieldOpenData, plan.FieldDataLicense, plan.FieldDataContact}
	goalColumns = []string{goal.FieldCreatedAt, goal.FieldUpdatedAt, goal.FieldVersion,
		goal.FieldNumber, goal.FieldTitle, goal.FieldDescription, goal.PlanColumn}
	objectiveColumns = []string{objective.FieldCreatedAt, objective.FieldUpdatedAt, objective.FieldVersion,
		objective.FieldTitle, objective.FieldPosition, objective.GoalColumn}
	institutionColumns = []string{institution.FieldCreatedAt, institution.FieldUpdatedAt, institution.FieldVersion,
		institution.FieldName, institution.FieldKind, institution.MunicipalityColumn}
	activityColumns = []string{activity.FieldCreatedAt, activity.FieldUpdatedAt, activity.FieldVersion,
		activity.FieldTitle, activity.FieldDescription, activity.FieldStatus,
		activity.FieldFirstYear, activity.FieldLastYear, activity.ObjectiveColumn,
		activity.FieldNextReview, activity.FieldLead}
	perspectiveColumns = []string{perspective.FieldCreatedAt, perspective.FieldUpdatedAt, perspective.FieldVersion,
		perspective.FieldName, perspective.FieldPosition}
	statusChangeColumns = []string{statuschange.FieldFromStatus, statuschange.FieldToStatus, statuschange.FieldAt, statuschange.ActivityColumn}
	followUpColumns     = []string{followup.FieldCreatedAt, followup.FieldUpdatedAt, followup.FieldVersion,
		followup.FieldDate, followup.FieldText, followup.ActivityColumn}
)

// nationalTables are the tables the seed writes, with their columns.
var nationalTables = map[string][]string{
	municipality.Table:           municipalityColumns,
	plan.Table:                   planColumns,
	goal.Table:                   goalColumns,
	objective.Table:              objectiveColumns,
	institution.Table:            institutionColumns,
	activity.Table:               activityColumns,
	statuschange.Table:           statusChangeColumns,
	followup.Table:               followUpColumns,
	activity.MunicipalitiesTable: activity.MunicipalitiesPrimaryKey,
	activity.InstitutionsTable:   activity.InstitutionsPrimaryKey,
	perspective.Table:            perspectiveColumns,
	activity.PerspectivesTable:   activity.PerspectivesPrimaryKey,
	indicator.Table:              indicatorColumns,
	indicatortarget.Table:        targetColumns,
	indicatorvalue.Table:         valueColumns,
	goalassessment.Table:         assessmentColumns,
	followupdeadline.Table:       deadlineColumns,
	planrevision.Table:           revisionColumns,
	yearlyreportreadiness.Table:  readinessColumns,
	yearlyreportclosing.Table:    closingColumns,
}

// insertNational stores the dataset, parents before children, and maps each
// row's index to the id the database gave it.
func insertNational(ctx context.Context, c *ent.Client, d *nationalData) error {
	dia, err := dialectOf(ctx, c)
	if err != nil {
		return err
	}
	w := writer{c: c, dialect: dia}
	muniIDs, err := w.insert(ctx, municipality.Table, municipalityColumns, len(d.municipalities), func(i int, row []any) []any {
		m := d.municipalities[i]
		// The county code is the code's first two digits, as the
		// schema's hook would set it.
		return append(row, builtAt, builtAt, version, m.code, m.name, m.name+" kommun", m.code[:2])
	})
	if err != nil {
		return fmt.Errorf("create municipalities: %w", err)
	}
	planIDs, err := w.insert(ctx, plan.Table, planColumns, len(d.plans), func(i int, row []any) []any {
		p := d.plans[i]
		reg := regions[p.region]
		var contact any
		if p.contact != "" {
			contact = p.contact
		}
		return append(row, builtAt, builtAt, version, p.name, reg.name, reg.code,
			p.firstYear, p.lastYear, string(p.state), p.openData, p.license, contact)
	})
	if err != nil {
		return fmt.Errorf("create plans: %w", err)
	}
	goalIDs, err := w.insert(ctx, goal.Table, goalColumns, len(d.goals), func(i int, row []any) []any {
		g := d.goals[i]
		return append(row, builtAt, builtAt, version, g.number, g.title, g.description, planIDs[g.plan])
	})
	if err != nil {
		return fmt.Errorf("create goals: %w", err)
	}
	objectiveIDs, err := w.insert(ctx, objective.Table, objectiveColumns, len(d.objectives), func(i int, row []any) []any {
		o := d.objectives[i]
		return append(row, builtAt, builtAt, version, o.title, o.position, goalIDs[o.goal])
	})
	if err != nil {
		return fmt.Errorf("create objectives: %w", err)
	}
	instIDs, err := w.insert(ctx, institution.Table, institutionColumns, len(d.institutions), func(i int, row []any) []any {
		in := d.institutions[i]
		return append(row, builtAt, builtAt, version, in.name, string(in.kind), muniIDs[in.municipality])
	})
	if err != nil {
		return fmt.Errorf("create institutions: %w", err)
	}
	activityIDs, err := w.insert(ctx, activity.Table, activityColumns, len(d.activities), func(i int, row []any) []any {
		a := d.activities[i]
		var review, lead any
		if !a.nextReview.IsZero() {
			review = a.nextReview
		}
		if a.lead != "" {
			lead = a.lead
		}
		return append(row, builtAt, builtAt, version, a.title, a.description, string(a.status),
			a.firstYear, a.lastYear, objectiveIDs[a.objective], review, lead)
	})
	if err != nil {
		return fmt.Errorf("create activities: %w", err)
	}
	if err := insertMeasures(ctx, w, d, d.measures, activityIDs, goalIDs, objectiveIDs, muniIDs); err != nil {
		return err
	}
	perspectiveIDs, err := w.insert(ctx, perspective.Table, perspectiveColumns, len(d.perspectives), func(i int, row []any) []any {
		return append(row, builtAt, builtAt, version, d.perspectives[i], i)
	})
	if err != nil {
		return fmt.Errorf("create perspectives: %w", err)
	}
	if err := linkActivities(ctx, w, d.activities, activityIDs, muniIDs, instIDs, perspectiveIDs); err != nil {
		return fmt.Errorf("link activities: %w", err)
	}
	if _, err := w.insert(ctx, followup.Table, followUpColumns, len(d.activities)*followUpsPerActivity, func(i int, row []any) []any {
		a := i / followUpsPerActivity
		f := d.activities[a].followUps[i%followUpsPerActivity]
		return append(row, builtAt, builtAt, version, f.date, f.text, activityIDs[a])
	}); err != nil {
		return fmt.Errorf("create follow-ups: %w", err)
	}
	return insertCalendar(ctx, w, d, planIDs, activityIDs, muniIDs)
}

// linkActivities writes the activities' municipality, institution and
// perspective links into the join tables.
func linkActivities(ctx context.Context, w writer, rows []activityRow, activityIDs, muniIDs, instIDs, perspectiveIDs []int) error {
	var municipalities, institutions, perspectives [][2]int
	for i, a := range rows {
		for _, p := range a.perspectives {
			perspectives = append(perspectives, [2]int{activityIDs[i], perspectiveIDs[p]})
		}
		for _, m := range a.municipalities {
			municipalities = append(municipalities, [2]int{activityIDs[i], muniIDs[m]})
		}
		for _, in := range a.institutions {
			institutions = append(institutions, [2]int{activityIDs[i], instIDs[in]})
		}
	}
	for _, l := range []struct {
		table   string
		columns []string
		pairs   [][2]int
	}{
		{activity.MunicipalitiesTable, activity.MunicipalitiesPrimaryKey, municipalities},
		{activity.InstitutionsTable, activity.InstitutionsPrimaryKey, institutions},
		{activity.PerspectivesTable, activity.PerspectivesPrimaryKey, perspectives},
	} {
		if err := w.exec(ctx, l.table, l.columns, len(l.pairs), func(i int, row []any) []any {
			return append(row, l.pairs[i][0], l.pairs[i][1])
		}); err != nil {
			return fmt.Errorf("link %s: %w", l.table, err)
		}
	}
	return nil
}

// writer inserts rows in the seed's transaction, many per statement.
type writer struct {
	c       *ent.Client
	dialect string
}

// insert writes n rows of the given columns into table, each row's values
// appended by row, and returns the ids the database gave them, in order
// (as ent's bulk create reads them: RETURNING gives the rows in the order of
// the VALUES on both databases).
func (w writer) insert(ctx context.Context, table string, columns []string, n int, row func(i int, row []any) []any) ([]int, error) {
	ids := make([]int, 0, n)
	err := w.batches(table, columns, n, row, ` RETURNING "id"`, func(query string, args []any) error {
		rows, err := w.c.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	if len(ids) != n {
		return nil, fmt.Errorf("insert into %s: %d ids for %d rows", table, len(ids), n)
	}
	return ids, nil
}

// exec writes n rows like insert, for tables without an id.
func (w writer) exec(ctx context.Context, table string, columns []string, n int, row func(i int, row []any) []any) error {
	return w.batches(table, columns, n, row, "", func(query string, args []any) error {
		_, err := w.c.ExecContext(ctx, query, args...)
		return err
	})
}

// batches builds one INSERT per batch of rows, as many rows as the smaller
// limit on parameters allows (SQLite's; PostgreSQL takes 65,535), and runs
// each with run. Table and column names come from the generated code, never
// from input. Names are double-quoted, which both databases read.
// Parameters are SQLite's ? or PostgreSQL's $n: SQLite reads $n too, but as
// names it looks up one by one, which made the build three times slower.
func (w writer) batches(table string, columns []string, n int, row func(i int, row []any) []any, suffix string, run func(query string, args []any) error) error {
	var prefix strings.Builder
	fmt.Fprintf(&prefix, "INSERT INTO %q (", table)
	for i, c := range columns {
		if i > 0 {
			prefix.WriteString(", ")
		}
		fmt.Fprintf(&prefix, "%q", c)
	}
	prefix.WriteString(") VALUES ")
	batch := sqliteMaxVars / len(columns)
	args := make([]any, 0, batch*len(columns))
	var q strings.Builder
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		q.Reset()
		q.WriteString(prefix.String())
		args = args[:0]
		for i := lo; i < hi; i++ {
			if i > lo {
				q.WriteString(", ")
			}
			q.WriteByte('(')
			start := len(args)
			args = row(i, args)
			if len(args)-start != len(columns) {
				return fmt.Errorf("insert into %s: row %d has %d values for %d columns", table, i, len(args)-start, len(columns))
			}
			for k := start; k < len(args); k++ {
				if k > start {
					q.WriteString(", ")
				}
				if w.dialect == dialect.Postgres {
					q.WriteByte('$')
					q.WriteString(strconv.Itoa(k + 1))
				} else {
					q.WriteByte('?')
				}
				// As the schema's hook does for text written through ent.
				if s, ok := args[k].(string); ok && !norm.NFC.IsNormalString(s) {
					args[k] = norm.NFC.String(s)
				}
			}
			q.WriteByte(')')
		}
		q.WriteString(suffix)
		if err := run(q.String(), args); err != nil {
			return fmt.Errorf("insert into %s, rows %d–%d: %w", table, lo, hi-1, err)
		}
	}
	return nil
}

// dialectOf tells which database the client writes to, from the query
// builder: the seed writes SQL of its own, whose parameters differ.
func dialectOf(ctx context.Context, c *ent.Client) (string, error) {
	var d string
	if _, err := c.Plan.Query().Where(func(s *entsql.Selector) { d = s.Dialect() }).Exist(ctx); err != nil {
		return "", fmt.Errorf("find the database's dialect: %w", err)
	}
	return d, nil
}
