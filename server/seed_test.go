package server_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/samverkan/samverkan/seed"
)

// The Örebro plan as the region's page gives it: three goals, the headings
// and the six activities word for word, the twelve municipalities.
func TestSeedIsTheÖrebroPlan(t *testing.T) {
	s := newTestServer(t)
	var data struct {
		Plans struct {
			Edges []struct {
				Node struct {
					Name, Region, CountyCode, ParentPlan string
					FirstYear, LastYear                  int
					Goals                                struct {
						Edges []struct {
							Node struct {
								Number                   int
								Title                    *string
								Area, Statement          string
								FocusAreas, TargetGroups []string
								Objectives               struct {
									Edges []struct {
										Node struct {
											Title      string
											Activities struct {
												Edges []struct {
													Node struct {
														Title               string
														Status              string
														FirstYear, LastYear int
														Municipalities      struct {
															Edges []struct{ Node struct{ Code string } }
														}
														Institutions struct {
															Edges []struct{ Node struct{ Name string } }
														}
													}
												}
											}
										}
									}
								}
							}
						}
					}
				}
			}
		}
	}
	// Page sizes a little over the seed's, to stay within the cost limit.
	s.must(`{ plans(first: 1) { edges { node { name region countyCode parentPlan firstYear lastYear
		goals(first: 10, orderBy: {field: NUMBER}) { edges { node { number title area statement focusAreas targetGroups
			objectives(first: 10, orderBy: {field: POSITION}) { edges { node { title
				activities(first: 20, orderBy: {field: CREATED_AT}) { edges { node { title status firstYear lastYear
					municipalities { edges { node { code } } }
					institutions(orderBy: {field: NAME}) { edges { node { name } } } } } } } } } } } } } } } }`, nil, &data)

	if n := len(data.Plans.Edges); n != 1 {
		t.Fatalf("plans = %d, want 1", n)
	}
	plan := data.Plans.Edges[0].Node
	if plan.Name != "Handlingsplan för kultursamverkan region och kommuner" || plan.Region != "Region Örebro län" ||
		plan.CountyCode != "18" || plan.FirstYear != 2020 || plan.LastYear != 2023 || plan.ParentPlan != "Örebro läns kulturplan" {
		t.Errorf("plan = %+v", plan)
	}

	type activity struct {
		title          string
		municipalities []string
		institutions   []string
	}
	want := map[int]map[string][]activity{
		1: {
			"Ökad samverkan mellan kultur och skola": {{title: "Gemensam kompetensutveckling för skolchefer och kulturchefer för att lära sig mer om varandras verksamheter"}},
			"Utveckling av transporter till kultur":  {{title: "Långsiktig, hållbar utveckling av transporter till och från kulturevenemang"}},
			"Ökad samverkan mellan region och kommuner": {
				{title: "Samverkan mellan länets kulturskolor, regional kulturskole-samverkan", institutions: []string{"Kulturskolesamverkan i Örebro län"}},
				{title: "Samverkan kring Barnkulturplaner"},
			},
		},
		2: {},
		3: {
			"Ökad samverkan mellan kommuner, institutioner": {
				{title: "Ökad samverkan mellan kommuner och institutioner med möjlighet att diskutera arbetet för att nå hela länet"},
				{title: "Ökad samverkan kring kulturkvarteret i Örebro, Sjöängen i Askersund, och den norra delen",
					municipalities: []string{"1880", "1882"}, institutions: []string{"Kulturkvarteret", "Sjöängen"}},
			},
		},
	}
	goals := plan.Goals.Edges
	if len(goals) != 3 {
		t.Fatalf("goals = %d, want 3", len(goals))
	}
	for _, g := range goals {
		goal := g.Node
		wantObjectives := want[goal.Number]
		if len(goal.Objectives.Edges) != len(wantObjectives) {
			t.Errorf("goal %d has %d headings, want %d", goal.Number, len(goal.Objectives.Edges), len(wantObjectives))
		}
		for _, o := range goal.Objectives.Edges {
			wantActivities, ok := wantObjectives[o.Node.Title]
			if !ok {
				t.Errorf("goal %d has an unexpected heading %q", goal.Number, o.Node.Title)
				continue
			}
			got := o.Node.Activities.Edges
			if len(got) != len(wantActivities) {
				t.Errorf("heading %q has %d activities, want %d", o.Node.Title, len(got), len(wantActivities))
				continue
			}
			for i, a := range got {
				w := wantActivities[i]
				var codes, names []string
				for _, m := range a.Node.Municipalities.Edges {
					codes = append(codes, m.Node.Code)
				}
				for _, in := range a.Node.Institutions.Edges {
					names = append(names, in.Node.Name)
				}
				slices.Sort(codes)
				if a.Node.Title != w.title || a.Node.Status != "PLANNED" || a.Node.FirstYear != 2020 || a.Node.LastYear != 2021 ||
					!slices.Equal(codes, w.municipalities) || !slices.Equal(names, w.institutions) {
					t.Errorf("activity = %+v, want %+v, planned 2020–2021", a.Node, w)
				}
			}
		}
	}
	g1, g2, g3 := goals[0].Node, goals[1].Node, goals[2].Node
	if g1.Title == nil || *g1.Title != "Barn och unga" || g3.Title == nil || *g3.Title != "hela länet" || g2.Title != nil {
		t.Errorf("goal titles = %v, %v, %v; want Barn och unga, none, hela länet", g1.Title, g2.Title, g3.Title)
	}
	if g2.Area != "kultur och hälsa" ||
		!slices.Equal(g2.FocusAreas, []string{"psykisk ohälsa", "funktionshinder", "äldreomsorg", "kultur som förebyggande"}) ||
		!slices.Equal(g2.TargetGroups, []string{"unga", "äldre"}) {
		t.Errorf("goal 2 = %+v", g2)
	}
	if len(g1.FocusAreas)+len(g1.TargetGroups)+len(g3.FocusAreas)+len(g3.TargetGroups) != 0 {
		t.Errorf("goals 1 and 3 list focus areas or target groups: %+v %+v", g1, g3)
	}

	var munis struct {
		Municipalities struct {
			TotalCount int
			Edges      []struct {
				Node struct{ Code, Name, OfficialName, CountyCode string }
			}
		}
	}
	s.must(`{ municipalities(orderBy: {field: CODE}) { totalCount edges { node { code name officialName countyCode } } } }`, nil, &munis)
	wantCodes := []string{"1814", "1860", "1861", "1862", "1863", "1864", "1880", "1881", "1882", "1883", "1884", "1885"}
	var codes []string
	for _, m := range munis.Municipalities.Edges {
		codes = append(codes, m.Node.Code)
		if m.Node.CountyCode != "18" {
			t.Errorf("%s has county code %q, want 18", m.Node.Name, m.Node.CountyCode)
		}
	}
	if !slices.Equal(codes, wantCodes) {
		t.Errorf("municipality codes = %v, want %v", codes, wantCodes)
	}
	if m := munis.Municipalities.Edges[0].Node; m.Name != "Lekeberg" || m.OfficialName != "Lekebergs kommun" {
		t.Errorf("1814 = %+v, want Lekeberg, Lekebergs kommun", m)
	}
}

func TestLoadingTheSeedTwiceChangesNothing(t *testing.T) {
	s := newTestServer(t) // loaded once
	before := map[string]int{}
	roots := []string{"plans", "goals", "objectives", "activities", "municipalities", "institutions", "followUps"}
	for _, root := range roots {
		before[root] = s.count(root)
	}
	links := func() int {
		var data struct {
			Activities struct {
				Edges []struct {
					Node struct {
						Municipalities, Institutions struct{ TotalCount int }
					}
				}
			}
		}
		s.must(`{ activities { edges { node { municipalities { totalCount } institutions { totalCount } } } } }`, nil, &data)
		n := 0
		for _, e := range data.Activities.Edges {
			n += e.Node.Municipalities.TotalCount + e.Node.Institutions.TotalCount
		}
		return n
	}
	linksBefore := links()

	if err := seed.LoadOrebro(context.Background(), s.client); err != nil {
		t.Fatal(err)
	}
	for _, root := range roots {
		if n := s.count(root); n != before[root] {
			t.Errorf("%s: %d after the second load, %d before", root, n, before[root])
		}
	}
	if n := links(); n != linksBefore {
		t.Errorf("links: %d after the second load, %d before", n, linksBefore)
	}
	if before["activities"] != 6 || before["municipalities"] != 12 || linksBefore != 5 {
		t.Errorf("seed holds %d activities, %d municipalities, %d links; want 6, 12, 5", before["activities"], before["municipalities"], linksBefore)
	}
}

// The plan reads as the region's page words it (seed/testdata holds a copy
// of the page): each goal's sentence is the page's "Region Örebro län vill
// 2020–2023 genom samverkan med länets kommuner" with the goal's item, the
// plan's description is the page's paragraphs, and the actors a goal names
// are linked to it, the network to goal 3 and nothing else.
func TestThePlanReadsAsTheRegionWroteIt(t *testing.T) {
	page, err := os.ReadFile("../seed/testdata/kommunal-samverkan-orebro-lan.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(page), "\n")
	var intro string
	items := map[int]string{}
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "Region Örebro län vill ") {
			intro = l
		}
		if n, text, ok := strings.Cut(l, ". "); ok && intro != "" && len(n) == 1 && n >= "1" && n <= "9" {
			items[int(n[0]-'0')] = text
		}
	}
	if intro == "" || len(items) != 3 {
		t.Fatalf("the page's goals not found: intro %q, %d items", intro, len(items))
	}
	s := newTestServer(t)
	var data struct {
		Plans struct {
			Edges []struct {
				Node struct {
					GoalsIntro  string
					Description string
					Goals       struct {
						Edges []struct {
							Node struct {
								Number   int
								Sentence string
								Actors   struct {
									Edges []struct{ Node struct{ Name string } }
								}
							}
						}
					}
				}
			}
		}
		Institutions struct {
			Edges []struct {
				Node struct {
					Name  string
					Goals struct {
						Edges []struct{ Node struct{ Number int } }
					}
				}
			}
		}
	}
	s.must(`{ plans(first: 1) { edges { node { goalsIntro description
		goals(first: 10, orderBy: {field: NUMBER}) { edges { node { number sentence plan { name } actors(first: 10) { edges { node { name } } } } } } } } }
		institutions(first: 50) { edges { node { name goals(first: 10) { edges { node { number } } } } } } }`, nil, &data)
	plan := data.Plans.Edges[0].Node
	if plan.GoalsIntro != intro {
		t.Errorf("goalsIntro = %q, the page says %q", plan.GoalsIntro, intro)
	}
	for _, e := range plan.Goals.Edges {
		g := e.Node
		if want := intro + " " + items[g.Number]; g.Sentence != want {
			t.Errorf("goal %d's sentence:\n got %q\nwant %q", g.Number, g.Sentence, want)
		}
		var actors []string
		for _, a := range g.Actors.Edges {
			actors = append(actors, a.Node.Name)
		}
		want := []string(nil)
		if g.Number == 3 {
			want = []string{"Nätverket för regional kulturutveckling"}
		}
		if !slices.Equal(actors, want) {
			t.Errorf("goal %d names the actors %q, the page %q", g.Number, actors, want)
		}
	}
	for _, e := range data.Institutions.Edges {
		var goals []int
		for _, g := range e.Node.Goals.Edges {
			goals = append(goals, g.Node.Number)
		}
		want := []int(nil)
		if e.Node.Name == "Nätverket för regional kulturutveckling" {
			want = []int{3}
		}
		if !slices.Equal(goals, want) {
			t.Errorf("%s is named by the goals %v, the page says %v", e.Node.Name, goals, want)
		}
	}
	// Asked beside a plan that holds only some of its fields, as the
	// admin page's goal page asks.
	var one struct {
		Node struct{ Sentence string }
	}
	s.must(`query G($id: ID!) { node(id: $id) { ... on Goal { statement sentence plan { id name } } } }`,
		map[string]any{"id": s.idOf("goals", `{number: 3}`)}, &one)
	if want := intro + " " + items[3]; one.Node.Sentence != want {
		t.Errorf("goal 3's sentence beside its plan's name:\n got %q\nwant %q", one.Node.Sentence, want)
	}
	// Every paragraph of the description is a paragraph of the page.
	for _, p := range strings.Split(plan.Description, "\n\n") {
		if !slices.Contains(lines, p) {
			t.Errorf("the description's paragraph is not on the page: %q", p)
		}
	}
}
