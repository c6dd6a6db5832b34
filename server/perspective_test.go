package server_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
)

// named reads a connection of names.
type named struct {
	TotalCount int
	Edges      []struct {
		Node struct{ ID, Name, Title string }
	}
}

func (n named) names() []string {
	var out []string
	for _, e := range n.Edges {
		out = append(out, e.Node.Name+e.Node.Title)
	}
	return out
}

// The kulturplan's six perspectives are reference data, in its order; the
// seed tags no activity. An activity is tagged through its input, found by
// hasPerspectivesWith, counted per perspective in the report and its CSV,
// and the trail records the tags; only admins change the perspectives.
func TestPerspectivesTagActivities(t *testing.T) {
	s := newTestServer(t)
	var seeded struct {
		Perspectives named
		Tagged       struct{ TotalCount int }
	}
	s.must(`{ perspectives(orderBy: {field: POSITION}) { totalCount edges { node { id name } } }
		tagged: activities(where: {hasPerspectives: true}) { totalCount } }`, nil, &seeded)
	want := []string{"Hela länet", "Jämställdhet", "Socioekonomi", "Barn", "Etnisk och språklig bakgrund", "Funktionsnedsättning"}
	if got := seeded.Perspectives.names(); !slices.Equal(got, want) {
		t.Fatalf("perspectives = %q, want %q", got, want)
	}
	if seeded.Tagged.TotalCount != 0 {
		t.Errorf("the seed tags %d activities, want none", seeded.Tagged.TotalCount)
	}
	id := func(name string) string {
		for _, e := range seeded.Perspectives.Edges {
			if e.Node.Name == name {
				return e.Node.ID
			}
		}
		t.Fatalf("no perspective %s", name)
		return ""
	}
	barn, jämställdhet := id("Barn"), id("Jämställdhet")
	orebro := s.idOf("municipalities", `{code: "1880"}`)
	kulturskolor := s.idOf("activities", `{titleHasPrefix: "Samverkan mellan länets kulturskolor"}`)
	kvarteret := s.idOf("activities", `{titleContainsFold: "kulturkvarteret"}`)

	t.Run("AdminTags", func(t *testing.T) {
		var data struct {
			UpdateActivity struct{ Perspectives named }
		}
		s.must(`mutation($id: ID!, $p: [ID!]) { updateActivity(id: $id, input: {addPerspectiveIDs: $p}) {
			perspectives(orderBy: {field: POSITION}) { edges { node { name } } } } }`,
			map[string]any{"id": kulturskolor, "p": []string{barn, jämställdhet}}, &data)
		if got := data.UpdateActivity.Perspectives.names(); !slices.Equal(got, []string{"Jämställdhet", "Barn"}) {
			t.Errorf("perspectives = %q, want Jämställdhet, Barn", got)
		}
		entries := s.trail(map[string]any{"objectID": kulturskolor})
		_, _, added, _ := entries[len(entries)-1].change(t, "perspectives")
		if slices.Sort(added); !slices.Equal(added, sorted(barn, jämställdhet)) {
			t.Errorf("the trail records %q added, want %q", added, sorted(barn, jämställdhet))
		}
	})
	t.Run("EditorTagsInScope", func(t *testing.T) {
		editor := accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, orebro)}, nil)
		s.as(accountstest.Session(t, s.client, editor)).must(`mutation($id: ID!, $p: [ID!]) {
			updateActivity(id: $id, input: {addPerspectiveIDs: $p}) { id } }`, map[string]any{"id": kvarteret, "p": []string{barn}}, nil)
		s.as(accountstest.Session(t, s.client, editor)).wantError(`mutation { createPerspective(input: {name: "Ålder"}) { id } }`, nil, "FORBIDDEN", "")
	})
	t.Run("ErrUnknownPerspective", func(t *testing.T) {
		s.wantError(`mutation($id: ID!) { updateActivity(id: $id, input: {addPerspectiveIDs: ["`+orebro+`"]}) { id } }`,
			map[string]any{"id": kvarteret}, "NOT_FOUND", "addPerspectiveIDs")
	})
	t.Run("DeleteKeepsTheActivities", func(t *testing.T) {
		var data struct {
			CreatePerspective struct{ ID string }
		}
		s.must(`mutation { createPerspective(input: {name: "Ålder", position: 6}) { id } }`, nil, &data)
		age := data.CreatePerspective.ID
		s.must(`mutation($id: ID!, $p: [ID!]) { updateActivity(id: $id, input: {addPerspectiveIDs: $p}) { id } }`,
			map[string]any{"id": kvarteret, "p": []string{age}}, nil)
		s.must(`mutation($id: ID!) { deletePerspective(id: $id) }`, map[string]any{"id": age}, nil)
		if n := s.count("activities"); n != 6 {
			t.Errorf("%d activities after deleting a perspective, want the 6", n)
		}
		entries := s.trail(map[string]any{"objectID": age})
		last := entries[len(entries)-1]
		if _, _, _, removed := last.change(t, "activities"); last.Action != "DELETE" || !slices.Equal(removed, []string{kvarteret}) {
			t.Errorf("the deletion's entry = %+v, want the activity's tag removed", last)
		}
	})
	t.Run("ErrDuplicateName", func(t *testing.T) {
		s.wantError(`mutation { createPerspective(input: {name: "Barn"}) { id } }`, nil, "CONSTRAINT", "name")
	})
	t.Run("Filter", func(t *testing.T) {
		var data struct{ Activities named }
		s.must(`{ activities(where: {hasPerspectivesWith: {name: "Barn"}}, orderBy: {field: TITLE}) { totalCount edges { node { title } } } }`, nil, &data)
		if data.Activities.TotalCount != 2 {
			t.Errorf("activities with Barn: %q, want the two tagged", data.Activities.names())
		}
	})
	t.Run("Report", func(t *testing.T) {
		var data struct {
			PlanReport struct {
				StatusByPerspective []struct {
					Perspective  struct{ Name string }
					StatusCounts statusCounts
				}
				StatusCountsWithoutPerspective statusCounts
			}
		}
		s.must(`{ planReport { statusByPerspective { perspective { name } statusCounts { `+statusFields+` } }
			statusCountsWithoutPerspective { `+statusFields+` } } }`, nil, &data)
		got := map[string]int{}
		for _, ps := range data.PlanReport.StatusByPerspective {
			got[ps.Perspective.Name] = ps.StatusCounts.Planned
		}
		if len(data.PlanReport.StatusByPerspective) != 6 || got["Barn"] != 2 || got["Jämställdhet"] != 1 || got["Socioekonomi"] != 0 {
			t.Errorf("planned per perspective = %v, want Barn 2, Jämställdhet 1, the others 0", got)
		}
		wantCounts(t, "without a perspective", data.PlanReport.StatusCountsWithoutPerspective,
			statusCounts{Planned: 4, Total: 4, ShareDone: share(0)})
	})
	t.Run("CSV", func(t *testing.T) {
		f := s.getCSV("/reports/perspectives.csv")
		wantExcelCSV(t, f, "perspektiv-region-orebro-lan-2020-2023.csv", "perspektiv-region-%C3%B6rebro-l%C3%A4n-2020-2023.csv")
		wantRecords(t, f.records, [][]string{
			{"Perspektiv", "Planerad", "Pågående", "Genomförd", "Inställd", "Summa", "Andel genomförd"},
			{"Hela länet", "0", "0", "0", "0", "0", ""},
			{"Jämställdhet", "1", "0", "0", "0", "1", "0"},
			{"Socioekonomi", "0", "0", "0", "0", "0", ""},
			{"Barn", "2", "0", "0", "0", "2", "0"},
			{"Etnisk och språklig bakgrund", "0", "0", "0", "0", "0", ""},
			{"Funktionsnedsättning", "0", "0", "0", "0", "0", ""},
			{"Utan perspektiv", "4", "0", "0", "0", "4", "0"},
			{"Aktiviteter i hela länet", "0", "0", "0", "0", "0", ""},
		})
	})
}

// An activity in every municipality of its plan's county is the whole
// county: Activity.wholeCounty says so, the coverage has a row for it and
// counts it in each municipality's, the CSV says "Hela länet", and taking
// one municipality away makes it an activity of eleven.
func TestWholeCounty(t *testing.T) {
	s := newTestServer(t)
	var county struct {
		Municipalities struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	s.must(`{ municipalities(where: {countyCode: "18"}, first: 100) { edges { node { id } } } }`, nil, &county)
	var all []string
	for _, e := range county.Municipalities.Edges {
		all = append(all, e.Node.ID)
	}
	if len(all) != 12 {
		t.Fatalf("%d municipalities in county 18, want 12", len(all))
	}
	heading := s.idOf("objectives", `{title: "Ökad samverkan mellan kommuner, institutioner"}`)
	var created struct {
		CreateActivity struct {
			ID          string
			WholeCounty bool
		}
	}
	s.must(`mutation($o: ID!, $m: [ID!]) { createActivity(input: {objectiveID: $o, title: "Kulturveckan i hela länet", municipalityIDs: $m}) { id wholeCounty } }`,
		map[string]any{"o": heading, "m": all}, &created)
	if !created.CreateActivity.WholeCounty {
		t.Errorf("an activity in all 12 municipalities: wholeCounty false")
	}

	type coverage struct {
		PlanReport struct {
			StatusCountsWholeCounty statusCounts
			Coverage                struct {
				Municipalities []struct {
					Municipality struct{ Name string }
					Total        int
				}
				WholeCounty struct {
					Municipalities, Total int
					Counts                []int
				}
			}
		}
	}
	var cov coverage
	const query = `{ planReport { statusCountsWholeCounty { ` + statusFields + ` }
		coverage { municipalities { municipality { name } total } wholeCounty { municipalities counts total } } } }`
	s.must(query, nil, &cov)
	w := cov.PlanReport.Coverage.WholeCounty
	if w.Municipalities != 12 || w.Total != 1 || !slices.Equal(w.Counts, []int{0, 0, 1}) {
		t.Errorf("coverage's whole county = %+v, want 12 municipalities, counts [0 0 1], total 1", w)
	}
	wantCounts(t, "whole county", cov.PlanReport.StatusCountsWholeCounty, statusCounts{Planned: 1, Total: 1, ShareDone: share(0)})
	for _, r := range cov.PlanReport.Coverage.Municipalities {
		want := 1 // the new activity
		if r.Municipality.Name == "Örebro" || r.Municipality.Name == "Askersund" {
			want = 2 // and the seed's last activity
		}
		if r.Total != want {
			t.Errorf("%s: %d activities, want %d", r.Municipality.Name, r.Total, want)
		}
	}
	f := s.getCSV("/reports/coverage.csv")
	if last := f.records[len(f.records)-1]; !slices.Equal(last, []string{"Hela länet (alla 12 kommuner)", "", "0", "0", "1", "1"}) {
		t.Errorf("coverage.csv's last row = %q, want the whole county's", last)
	}

	var updated struct {
		UpdateActivity struct{ WholeCounty bool }
	}
	s.must(`mutation($id: ID!, $m: [ID!]) { updateActivity(id: $id, input: {removeMunicipalityIDs: $m}) { wholeCounty } }`,
		map[string]any{"id": created.CreateActivity.ID, "m": all[:1]}, &updated)
	if updated.UpdateActivity.WholeCounty {
		t.Errorf("an activity in 11 of 12 municipalities: wholeCounty true")
	}
	s.must(query, nil, &cov)
	if w := cov.PlanReport.Coverage.WholeCounty; w.Total != 0 {
		t.Errorf("after removing one municipality the whole county has %d activities, want 0", w.Total)
	}
}

// Groups of municipalities: the seed defines none; an admin defines one
// with its municipalities, recorded in the trail; activities are filtered
// by a group's municipalities; deleting a group leaves its municipalities;
// only admins change groups.
func TestMunicipalityGroups(t *testing.T) {
	s := newTestServer(t)
	if n := s.count("municipalityGroups"); n != 0 {
		t.Errorf("the seed defines %d groups, want none", n)
	}
	var north []string
	for _, code := range []string{"1885", "1864", "1884", "1863"} {
		north = append(north, s.idOf("municipalities", fmt.Sprintf(`{code: %q}`, code)))
	}
	var created struct {
		CreateMunicipalityGroup struct {
			ID             string
			Municipalities named
		}
	}
	s.must(`mutation($m: [ID!]) { createMunicipalityGroup(input: {name: "den norra delen", municipalityIDs: $m}) {
		id municipalities(orderBy: {field: NAME}) { totalCount edges { node { name } } } } }`, map[string]any{"m": north}, &created)
	g := created.CreateMunicipalityGroup
	if got := g.Municipalities.names(); !slices.Equal(got, []string{"Hällefors", "Lindesberg", "Ljusnarsberg", "Nora"}) {
		t.Errorf("group's municipalities = %q", got)
	}
	entries := s.trail(map[string]any{"objectID": g.ID})
	if len(entries) != 1 || entries[0].Action != "CREATE" {
		t.Fatalf("trail of the group = %+v, want its creation", entries)
	}
	if _, _, added, _ := entries[0].change(t, "municipalities"); len(added) != 4 {
		t.Errorf("the trail records %q added, want the four", added)
	}

	t.Run("Filter", func(t *testing.T) {
		kvarteret := s.idOf("activities", `{titleContainsFold: "kulturkvarteret"}`)
		s.must(`mutation($id: ID!, $m: [ID!]) { updateActivity(id: $id, input: {addMunicipalityIDs: $m}) { id } }`,
			map[string]any{"id": kvarteret, "m": north[2:3]}, nil)
		var data struct {
			Activities named
			Nora       struct {
				Edges []struct{ Node struct{ Groups named } }
			}
		}
		s.must(`{ activities(where: {hasMunicipalitiesWith: {hasGroupsWith: {name: "den norra delen"}}}) { totalCount edges { node { title } } }
			nora: municipalities(where: {code: "1884"}) { edges { node { groups { edges { node { name } } } } } } }`, nil, &data)
		if data.Activities.TotalCount != 1 || data.Activities.Edges[0].Node.Title == "" {
			t.Errorf("activities in den norra delen = %q, want the one in Nora", data.Activities.names())
		}
		if got := data.Nora.Edges[0].Node.Groups.names(); !slices.Equal(got, []string{"den norra delen"}) {
			t.Errorf("Nora's groups = %q", got)
		}
	})
	t.Run("OnlyAdmins", func(t *testing.T) {
		editor := accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, north[0])}, nil)
		as := s.as(accountstest.Session(t, s.client, editor))
		as.wantError(`mutation { createMunicipalityGroup(input: {name: "södra länet"}) { id } }`, nil, "FORBIDDEN", "")
		as.wantError(`mutation($id: ID!) { deleteMunicipalityGroup(id: $id) }`, map[string]any{"id": g.ID}, "FORBIDDEN", "")
		s.as("").wantError(`mutation { createMunicipalityGroup(input: {name: "södra länet"}) { id } }`, nil, "UNAUTHENTICATED", "")
	})
	t.Run("Delete", func(t *testing.T) {
		s.must(`mutation($id: ID!) { deleteMunicipalityGroup(id: $id) }`, map[string]any{"id": g.ID}, nil)
		if n := s.count("municipalities"); n != 12 {
			t.Errorf("%d municipalities after deleting the group, want 12", n)
		}
		entries := s.trail(map[string]any{"objectID": g.ID})
		last := entries[len(entries)-1]
		if _, _, _, removed := last.change(t, "municipalities"); last.Action != "DELETE" || len(removed) != 4 {
			t.Errorf("the deletion's entry = %+v, want the four municipalities removed", last)
		}
	})
}

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}
