package server_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// created runs a create mutation and returns the new object's ID.
func (s *testServer) created(mutation string, input map[string]any) string {
	s.t.Helper()
	var data map[string]struct{ ID string }
	s.must(fmt.Sprintf(`mutation($input: Create%sInput!) { %s(input: $input) { id } }`,
		strings.TrimPrefix(mutation, "create"), mutation), map[string]any{"input": input}, &data)
	return data[mutation].ID
}

func TestCreateUpdateDeleteEveryType(t *testing.T) {
	s := newTestServer(t)

	plan := s.created("createPlan", map[string]any{"name": "Handlingsplan 2024–2027", "region": "Region Örebro län", "countyCode": "18", "firstYear": 2024, "lastYear": 2027})
	goal := s.created("createGoal", map[string]any{"planID": plan, "number": 1, "title": "Barn och unga", "focusAreas": []string{"läsning"}})
	objective := s.created("createObjective", map[string]any{"goalID": goal, "title": "Läsfrämjande"})
	municipality := s.created("createMunicipality", map[string]any{"code": "0180", "name": "Stockholm", "officialName": "Stockholms kommun"})
	institution := s.created("createInstitution", map[string]any{"name": "Stadsbiblioteket", "kind": "LIBRARY", "municipalityID": municipality, "website": "https://biblioteket.stockholm.se"})
	nora, lindesberg := s.idOf("municipalities", `{code: "1884"}`), s.idOf("municipalities", `{code: "1885"}`)
	activity := s.created("createActivity", map[string]any{"objectiveID": objective, "title": "Bokstart", "firstYear": 2024, "lastYear": 2025,
		"municipalityIDs": []string{nora, lindesberg}, "institutionIDs": []string{institution}})
	followUp := s.created("createFollowUp", map[string]any{"activityID": activity, "date": "2024-12-31T00:00:00Z", "text": "Startat i två kommuner.",
		"status": "ONGOING", "assessment": "GREEN", "period": "YEAR"})

	var got struct {
		Node struct {
			Title, Status  string
			Municipalities struct {
				Edges []struct{ Node struct{ Code string } }
			}
			Institutions struct{ TotalCount int }
			FollowUps    struct {
				Edges []struct {
					Node struct{ Text, Status, Assessment string }
				}
			}
			Objective struct {
				Goal struct{ Plan struct{ Name string } }
			}
		}
	}
	read := func() {
		s.must(`query($id: ID!) { node(id: $id) { ... on Activity { title status
			municipalities(orderBy: {field: CODE}) { edges { node { code } } }
			institutions { totalCount }
			followUps { edges { node { text status assessment } } }
			objective { goal { plan { name } } } } } }`, map[string]any{"id": activity}, &got)
	}
	read()
	if got.Node.Title != "Bokstart" || got.Node.Status != "PLANNED" || len(got.Node.Municipalities.Edges) != 2 ||
		got.Node.Institutions.TotalCount != 1 || len(got.Node.FollowUps.Edges) != 1 || got.Node.Objective.Goal.Plan.Name != "Handlingsplan 2024–2027" {
		t.Fatalf("created activity = %+v", got.Node)
	}

	t.Run("UpdateFieldsAndLinks", func(t *testing.T) {
		s.must(`mutation($id: ID!, $add: [ID!], $remove: [ID!]) { updateActivity(id: $id, input: {title: "Bokstart i länet", status: ONGOING,
			addMunicipalityIDs: $add, removeMunicipalityIDs: $remove, clearInstitutions: true}) { id } }`,
			map[string]any{"id": activity, "add": []string{municipality}, "remove": []string{lindesberg}}, nil)
		read()
		var codes []string
		for _, e := range got.Node.Municipalities.Edges {
			codes = append(codes, e.Node.Code)
		}
		if got.Node.Title != "Bokstart i länet" || got.Node.Status != "ONGOING" || !slices.Equal(codes, []string{"0180", "1884"}) || got.Node.Institutions.TotalCount != 0 {
			t.Errorf("updated activity = %+v (codes %v)", got.Node, codes)
		}
	})
	t.Run("UpdateEveryOtherType", func(t *testing.T) {
		for _, u := range []struct{ mutation, id, input string }{
			{"updatePlan", plan, `{description: "Nästa period."}`},
			{"updateGoal", goal, `{appendFocusAreas: ["skrivande"], clearTitle: true}`},
			{"updateObjective", objective, `{position: 2}`},
			{"updateFollowUp", followUp, `{assessment: YELLOW}`},
			{"updateMunicipality", municipality, `{name: "Stockholms stad"}`},
			{"updateInstitution", institution, `{clearMunicipality: true}`},
		} {
			s.must(fmt.Sprintf(`mutation($id: ID!) { %s(id: $id, input: %s) { id } }`, u.mutation, u.input), map[string]any{"id": u.id}, nil)
		}
		var check struct {
			G struct {
				FocusAreas []string
				Title      *string
			}
			I struct{ Municipality *struct{ ID string } }
			M struct{ Name string }
		}
		s.must(`query($g: ID!, $i: ID!, $m: ID!) { g: node(id: $g) { ... on Goal { focusAreas title } }
			i: node(id: $i) { ... on Institution { municipality { id } } } m: node(id: $m) { ... on Municipality { name } } }`,
			map[string]any{"g": goal, "i": institution, "m": municipality}, &check)
		if !slices.Equal(check.G.FocusAreas, []string{"läsning", "skrivande"}) || check.G.Title != nil || check.I.Municipality != nil || check.M.Name != "Stockholms stad" {
			t.Errorf("after updates: %+v", check)
		}
	})
	t.Run("SetAndAppendInOneUpdate", func(t *testing.T) {
		// Set and append in one update: the list set, then the one
		// appended, each once (entgql appended the set list again).
		var got struct {
			UpdateGoal struct{ FocusAreas, TargetGroups []string }
		}
		s.must(`mutation($id: ID!) { updateGoal(id: $id, input: {focusAreas: ["läsning"], appendFocusAreas: ["skrivande"],
			targetGroups: ["barn"], appendTargetGroups: ["unga"]}) { focusAreas targetGroups } }`, map[string]any{"id": goal}, &got)
		if !slices.Equal(got.UpdateGoal.FocusAreas, []string{"läsning", "skrivande"}) || !slices.Equal(got.UpdateGoal.TargetGroups, []string{"barn", "unga"}) {
			t.Errorf("focus areas %q and target groups %q, want [läsning skrivande] and [barn unga]", got.UpdateGoal.FocusAreas, got.UpdateGoal.TargetGroups)
		}
		s.must(`mutation($id: ID!) { updateGoal(id: $id, input: {clearTargetGroups: true, appendTargetGroups: ["äldre"]}) { focusAreas targetGroups } }`,
			map[string]any{"id": goal}, &got)
		if !slices.Equal(got.UpdateGoal.TargetGroups, []string{"äldre"}) {
			t.Errorf("cleared and appended: target groups %q, want [äldre]", got.UpdateGoal.TargetGroups)
		}
		s.must(`mutation($id: ID!) { updateGoal(id: $id, input: {clearFocusAreas: true}) { id } }`, map[string]any{"id": goal}, nil)
		s.must(`mutation($id: ID!) { updateGoal(id: $id, input: {appendFocusAreas: ["läsning", "skrivande"]}) { id } }`, map[string]any{"id": goal}, nil)
		s.must(`mutation($id: ID!) { updateGoal(id: $id, input: {appendFocusAreas: ["musik"]}) { focusAreas targetGroups } }`,
			map[string]any{"id": goal}, &got)
		if !slices.Equal(got.UpdateGoal.FocusAreas, []string{"läsning", "skrivande", "musik"}) {
			t.Errorf("appended alone: focus areas %q, want [läsning skrivande musik]", got.UpdateGoal.FocusAreas)
		}
	})
	t.Run("DeletingAPlanDeletesWhatIsUnderIt", func(t *testing.T) {
		activities, municipalities := s.count("activities"), s.count("municipalities")
		var del struct{ DeletePlan string }
		s.must(`mutation($id: ID!) { deletePlan(id: $id) }`, map[string]any{"id": plan}, &del)
		if del.DeletePlan != plan {
			t.Errorf("deletePlan returned %q, want %q", del.DeletePlan, plan)
		}
		for _, id := range []string{plan, goal, objective, activity, followUp} {
			s.wantError(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}, "NOT_FOUND", "")
		}
		if n := s.count("activities"); n != activities-1 {
			t.Errorf("activities = %d, want %d", n, activities-1)
		}
		if n := s.count("municipalities"); n != municipalities {
			t.Errorf("municipalities = %d, want %d: deleting a plan must not delete municipalities", n, municipalities)
		}
	})
	t.Run("DeletingAMunicipalityKeepsItsInstitutions", func(t *testing.T) {
		home := s.created("createMunicipality", map[string]any{"code": "0181", "name": "Södertälje"})
		museum := s.created("createInstitution", map[string]any{"name": "Tom Tits", "kind": "MUSEUM", "municipalityID": home})
		s.must(`mutation($id: ID!) { deleteMunicipality(id: $id) }`, map[string]any{"id": home}, nil)
		var data struct {
			Node struct {
				Name         string
				Municipality *struct{ ID string }
			}
		}
		s.must(`query($id: ID!) { node(id: $id) { ... on Institution { name municipality { id } } } }`, map[string]any{"id": museum}, &data)
		if data.Node.Name != "Tom Tits" || data.Node.Municipality != nil {
			t.Errorf("institution after its municipality went: %+v", data.Node)
		}
		s.must(`mutation($id: ID!) { deleteInstitution(id: $id) }`, map[string]any{"id": museum}, nil)
		s.wantError(`mutation($id: ID!) { deleteInstitution(id: $id) }`, map[string]any{"id": museum}, "NOT_FOUND", "")
	})
	t.Run("DeleteAFollowUpAndAHeadingAndAGoal", func(t *testing.T) {
		goal := s.idOf("goals", `{number: 1}`)
		s.must(`mutation($id: ID!) { deleteGoal(id: $id) }`, map[string]any{"id": goal}, nil)
		if n := s.count("goals"); n != 2 {
			t.Errorf("goals = %d, want 2", n)
		}
		if n := s.count("activities"); n != 2 {
			t.Errorf("activities = %d, want 2 (goal 1's four went with it)", n)
		}
		obj := s.idOf("objectives", `{titleHasPrefix: "Ökad"}`)
		act := s.idOf("activities", `{hasObjectiveWith: {id: `+obj+`}}`)
		fu := s.created("createFollowUp", map[string]any{"activityID": act, "date": "2021-01-01T00:00:00Z", "text": "x"})
		s.must(`mutation($id: ID!) { deleteFollowUp(id: $id) }`, map[string]any{"id": fu}, nil)
		s.must(`mutation($id: ID!) { deleteActivity(id: $id) }`, map[string]any{"id": act}, nil)
		if n := s.count("activities"); n != 1 {
			t.Errorf("activities = %d, want 1", n)
		}
		s.must(`mutation($id: ID!) { deleteObjective(id: $id) }`, map[string]any{"id": obj}, nil)
		if n := s.count("activities") + s.count("objectives"); n != 0 {
			t.Errorf("%d activities and headings left, want none", n)
		}
	})
}

func TestBadInputIsRefusedAndWritesNothing(t *testing.T) {
	s := newTestServer(t)
	objective := s.idOf("objectives", `{titleHasPrefix: "Utveckling"}`)
	activity := s.idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
	plan := s.idOf("plans", `{}`)
	orebro := s.idOf("municipalities", `{code: "1880"}`)
	const createActivity = `mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }`
	const updateActivity = `mutation($id: ID!, $input: UpdateActivityInput!) { updateActivity(id: $id, input: $input) { id } }`

	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		code, field string
	}{
		{"ErrEmptyTitle", createActivity, map[string]any{"input": map[string]any{"objectiveID": objective, "title": "   "}}, "VALIDATION", "title"},
		{"ErrLastYearBeforeFirst", createActivity, map[string]any{"input": map[string]any{"objectiveID": objective, "title": "X", "firstYear": 2021, "lastYear": 2020}}, "VALIDATION", "lastYear"},
		{"ErrYearOutsidePlan", createActivity, map[string]any{"input": map[string]any{"objectiveID": objective, "title": "X", "firstYear": 2024}}, "VALIDATION", "firstYear"},
		{"ErrImplausibleYear", createActivity, map[string]any{"input": map[string]any{"objectiveID": objective, "title": "X", "firstYear": 20}}, "VALIDATION", "firstYear"},
		{"ErrUnknownHeading", createActivity, map[string]any{"input": map[string]any{"objectiveID": "21474836999", "title": "X"}}, "NOT_FOUND", "objectiveID"},
		{"ErrHeadingIDOfAnotherType", createActivity, map[string]any{"input": map[string]any{"objectiveID": orebro, "title": "X"}}, "NOT_FOUND", "objectiveID"},
		{"ErrUnknownMunicipality", createActivity, map[string]any{"input": map[string]any{"objectiveID": objective, "title": "X", "municipalityIDs": []string{orebro, "17179869999"}}}, "NOT_FOUND", "municipalityIDs"},
		{"ErrUnknownMunicipalityOnUpdate", updateActivity, map[string]any{"id": activity, "input": map[string]any{"title": "Changed", "addMunicipalityIDs": []string{"5"}}}, "NOT_FOUND", "addMunicipalityIDs"},
		{"ErrUnknownActivity", updateActivity, map[string]any{"id": "999", "input": map[string]any{"title": "X"}}, "NOT_FOUND", ""},
		{"ErrYearAgainstStoredYear", updateActivity, map[string]any{"id": activity, "input": map[string]any{"title": "Changed", "lastYear": 2019}}, "VALIDATION", "lastYear"},
		{"ErrBadStatus", updateActivity, map[string]any{"id": activity, "input": map[string]any{"status": "FINISHED"}}, "GRAPHQL_VALIDATION_FAILED", ""},
		{"ErrCodeFormat", `mutation { createMunicipality(input: {code: "18800", name: "X"}) { id } }`, nil, "VALIDATION", "code"},
		{"ErrDuplicateCode", `mutation { createMunicipality(input: {code: "1880", name: "Örebro igen"}) { id } }`, nil, "CONSTRAINT", "code"},
		{"ErrDuplicateGoalNumber", `mutation($p: ID!) { createGoal(input: {planID: $p, number: 3, title: "X"}) { id } }`, map[string]any{"p": plan}, "CONSTRAINT", "number"},
		{"ErrGoalNumberZero", `mutation($p: ID!) { createGoal(input: {planID: $p, number: 0}) { id } }`, map[string]any{"p": plan}, "VALIDATION", "number"},
		{"ErrPlanYears", `mutation { createPlan(input: {name: "X", region: "Y", firstYear: 2027, lastYear: 2024}) { id } }`, nil, "VALIDATION", "lastYear"},
		{"ErrPlanYearsOnUpdate", `mutation($p: ID!) { updatePlan(id: $p, input: {firstYear: 2030}) { id } }`, map[string]any{"p": plan}, "VALIDATION", "lastYear"},
		{"ErrWebsite", `mutation { createInstitution(input: {name: "X", website: "javascript:alert(1)"}) { id } }`, nil, "VALIDATION", "website"},
		{"ErrEmptyFollowUp", `mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2021-01-01T00:00:00Z", text: ""}) { id } }`, map[string]any{"a": activity}, "VALIDATION", "text"},
		{"ErrBadDate", `mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "igår", text: "x"}) { id } }`, map[string]any{"a": activity}, "BAD_REQUEST", ""},
		{"ErrDuplicateHeading", `mutation($g: ID!) { createObjective(input: {goalID: $g, title: "Ökad samverkan mellan kultur och skola"}) { id } }`,
			map[string]any{"g": s.idOf("goals", `{number: 1}`)}, "CONSTRAINT", "title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			activities, municipalities, goals := s.count("activities"), s.count("municipalities"), s.count("goals")
			e := s.wantError(tc.query, tc.vars, tc.code, tc.field)
			if tc.field != "" && !strings.HasPrefix(e.Message, tc.field+": ") {
				t.Errorf("message %q does not start with the field's name", e.Message)
			}
			if activities != s.count("activities") || municipalities != s.count("municipalities") || goals != s.count("goals") {
				t.Errorf("a refused mutation wrote something")
			}
			// A broken unique key names the record as a client calls it
			// (samverkan.RecordName: an objective is a heading), and its
			// parent, on both databases.
			if want, ok := map[string]string{
				"ErrDuplicateCode":       "code: another municipality already has this code",
				"ErrDuplicateGoalNumber": "number: another goal of the same plan already has this number",
				"ErrDuplicateHeading":    "title: another heading of the same goal already has this title",
			}[tc.name]; ok && e.Message != want {
				t.Errorf("message %q, want %q", e.Message, want)
			}
		})
	}
	t.Run("NothingOfAFailedUpdateIsWritten", func(t *testing.T) {
		var data struct{ Node struct{ Title string } }
		s.must(`query($id: ID!) { node(id: $id) { ... on Activity { title } } }`, map[string]any{"id": activity}, &data)
		if data.Node.Title != "Samverkan kring Barnkulturplaner" {
			t.Errorf("title = %q after refused updates", data.Node.Title)
		}
	})
	t.Run("ErrSecondMutationRollsBackTheFirst", func(t *testing.T) {
		before := s.count("municipalities")
		s.wantError(`mutation { a: createMunicipality(input: {code: "0114", name: "Upplands Väsby"}) { id } b: createMunicipality(input: {code: "bad", name: "X"}) { id } }`, nil, "VALIDATION", "code")
		if n := s.count("municipalities"); n != before {
			t.Errorf("municipalities = %d, want %d: the request's first mutation must roll back with the second", n, before)
		}
	})
}

func TestMalformedRequests(t *testing.T) {
	s := newTestServer(t)
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		code                    string
	}{
		{"ErrNotJSON", "application/json", `{"query": `, http.StatusBadRequest, "BAD_REQUEST"},
		{"ErrEmptyBody", "application/json", ``, http.StatusBadRequest, "BAD_REQUEST"},
		{"ErrQueryDoesNotParse", "application/json", `{"query": "{ plans { "}`, http.StatusUnprocessableEntity, "GRAPHQL_PARSE_FAILED"},
		{"ErrUnknownField", "application/json", `{"query": "{ plans { edges { node { colour } } } }"}`, http.StatusUnprocessableEntity, "GRAPHQL_VALIDATION_FAILED"},
		{"ErrNoQuery", "application/json", `{"variables": {}}`, http.StatusUnprocessableEntity, "GRAPHQL_VALIDATION_FAILED"},
		{"ErrNegativePageSize", "application/json", `{"query": "{ plans(first: -1) { totalCount } }"}`, http.StatusOK, "INVALID_PAGINATION"},
		{"ErrPersistedQueryNotFound", "application/json", `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "` + strings.Repeat("ab", 32) + `"}}}`, http.StatusOK, "PERSISTED_QUERY_NOT_FOUND"},
		{"ErrVariableOfWrongType", "application/json", `{"query": "query($n: Int) { plans(first: $n) { totalCount } }", "variables": {"n": "ten"}}`, http.StatusUnprocessableEntity, "GRAPHQL_VALIDATION_FAILED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.postRaw(tc.contentType, []byte(tc.body))
			if r.Status != tc.status || len(r.Errors) == 0 || r.Errors[0].Extensions.Code != tc.code {
				t.Errorf("status %d, errors %+v; want %d and %s", r.Status, r.Errors, tc.status, tc.code)
			}
		})
	}
	t.Run("ErrBodyTooLarge", func(t *testing.T) {
		body := `{"query": "{ plans { totalCount } }", "variables": {"x": "` + strings.Repeat("a", 2<<20) + `"}}`
		res, err := http.Post(s.URL+"/graphql", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode < 400 || res.StatusCode >= 500 {
			t.Errorf("status = %d, want 4xx", res.StatusCode)
		}
	})
	t.Run("GetServesQueries", func(t *testing.T) {
		res, err := http.Get(s.URL + "/graphql?query=" + url.QueryEscape("{ plans { totalCount } }"))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		r := decodeResponse(t, res)
		if r.Status != http.StatusOK || !bytes.Contains(r.Data, []byte(`"totalCount":1`)) {
			t.Errorf("GET query: status %d, data %s", r.Status, r.Data)
		}
	})
	t.Run("ErrGetRefusesMutations", func(t *testing.T) {
		before := s.count("municipalities")
		res, err := http.Get(s.URL + "/graphql?query=" + url.QueryEscape(`mutation { createMunicipality(input: {code: "0114", name: "X"}) { id } }`))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		r := decodeResponse(t, res)
		if r.Status != http.StatusNotAcceptable || s.count("municipalities") != before {
			t.Errorf("GET mutation: status %d, errors %+v; want 406 and nothing written", r.Status, r.Errors)
		}
		if len(r.Errors) != 1 || r.Errors[0].Extensions.Code != "BAD_REQUEST" {
			t.Errorf("GET mutation: errors %+v; want one BAD_REQUEST", r.Errors)
		}
	})
	t.Run("ErrTransportNotSupported", func(t *testing.T) {
		r := s.postRaw("text/plain", []byte(`{"query": "{ plans { totalCount } }"}`))
		if r.Status != http.StatusBadRequest || len(r.Errors) != 1 || r.Errors[0].Extensions.Code != "BAD_REQUEST" {
			t.Errorf("status %d, errors %+v; want 400 and one BAD_REQUEST", r.Status, r.Errors)
		}
	})
	t.Run("ErrGetVariablesNotJSON", func(t *testing.T) {
		res, err := http.Get(s.URL + "/graphql?query=" + url.QueryEscape("{ plans { totalCount } }") + "&variables=%7B")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		r := decodeResponse(t, res)
		if r.Status != http.StatusBadRequest || len(r.Errors) != 1 || r.Errors[0].Extensions.Code != "BAD_REQUEST" {
			t.Errorf("status %d, errors %+v; want 400 and one BAD_REQUEST", r.Status, r.Errors)
		}
	})
	t.Run("ErrWrongMethod", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPut, s.URL+"/graphql", strings.NewReader(`{}`))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("PUT /graphql = %d, want 405", res.StatusCode)
		}
	})
	t.Run("ErrInternalShowsNoInternals", func(t *testing.T) {
		broken := newTestServer(t)
		broken.client.Close() // every statement now fails inside the server
		r := broken.post(`{ plans { totalCount } }`, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions.Code != "INTERNAL" || !strings.Contains(r.Errors[0].Message, "request ") {
			t.Errorf("errors = %+v; want one INTERNAL naming the request", r.Errors)
		}
	})
}

func TestConcurrentWrites(t *testing.T) {
	s := newTestServer(t)
	t.Run("DuplicateCodesOneWins", func(t *testing.T) {
		const writers = 8
		var wg sync.WaitGroup
		results := make(chan gqlResponse, writers)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results <- s.post(`mutation($name: String!) { createMunicipality(input: {code: "0115", name: $name}) { id } }`, map[string]any{"name": fmt.Sprintf("Vallentuna %d", i)})
			}()
		}
		wg.Wait()
		close(results)
		ok, conflicts := 0, 0
		for r := range results {
			switch {
			case len(r.Errors) == 0:
				ok++
			case r.Errors[0].Extensions.Code == "CONSTRAINT":
				conflicts++
			default:
				t.Errorf("unexpected error: %+v", r.Errors)
			}
		}
		if ok != 1 || conflicts != writers-1 {
			t.Errorf("%d created, %d refused; want 1 and %d", ok, conflicts, writers-1)
		}
	})
	t.Run("ManyUpdatesAllLand", func(t *testing.T) {
		activity := s.idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
		var ids []string
		for _, code := range []string{"1814", "1860", "1861", "1862", "1863", "1864", "1880", "1881", "1882", "1883", "1884", "1885"} {
			ids = append(ids, s.idOf("municipalities", `{code: "`+code+`"}`))
		}
		var wg sync.WaitGroup
		for _, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := s.post(`mutation($a: ID!, $m: [ID!]) { updateActivity(id: $a, input: {addMunicipalityIDs: $m}) { id } }`, map[string]any{"a": activity, "m": []string{id}})
				if len(r.Errors) > 0 {
					t.Errorf("concurrent update failed: %+v", r.Errors)
				}
			}()
		}
		wg.Wait()
		var data struct {
			Node struct{ Municipalities struct{ TotalCount int } }
		}
		s.must(`query($id: ID!) { node(id: $id) { ... on Activity { municipalities { totalCount } } } }`, map[string]any{"id": activity}, &data)
		if n := data.Node.Municipalities.TotalCount; n != 12 {
			t.Errorf("links after 12 concurrent updates = %d, want 12", n)
		}
	})
}
