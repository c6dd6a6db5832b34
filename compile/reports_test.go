package compile_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/privacy"
	status "github.com/samverkan/samverkan/ent/schema/enum"
	"github.com/samverkan/samverkan/seed"
)

// moreReports are the plan's reports beyond statusCounts and statusByGoal
// that the compiler writes: the activities without history, of the whole
// county and without a perspective, per perspective, and the follow-ups
// and status changes per year.
const moreReports = `query R($plan: ID, $year: Int) { planReport(id: $plan) { id
	activitiesWithoutHistory
	statusCountsWholeCounty(year: $year) { __typename planned ongoing done cancelled total shareDone }
	statusCountsWithoutPerspective(year: $year) { ...C }
	statusByPerspective(year: $year) { __typename perspective { id name position } statusCounts { ...C } }
	followUpsByYear(year: $year) { __typename year followUps
		reportedStatuses { __typename planned ongoing done cancelled withoutStatus } periods { __typename period followUps } }
	statusChangesByYear(year: $year) { __typename year changes created toPlanned toOngoing toDone toCancelled } } }
fragment C on StatusCounts { planned ongoing done cancelled total shareDone }`

// The reports of a plan by perspective, of the whole county, without a
// perspective, without history, and of follow-ups and status changes per
// year are compiled and answer as the resolvers do: on data where every
// figure is non-trivial (activities in the whole county and in part of it,
// tagged with one perspective, two or none, with status changes and
// follow-ups over several years, periods and statuses, one of them dated
// late on New Year's Eve in UTC+1), for every plan (one without goals,
// one without activities), every year around the plans' and none; and
// what the resolvers refuse, they refuse.
func TestMoreReportsAnswerAlike(t *testing.T) {
	p := newPair(t, loadReportData)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	p.same("newest", moreReports, nil, true)
	for _, plan := range p.client.Plan.Query().AllX(ctx) {
		years := []any{nil, plan.FirstYear - 1, plan.FirstYear, plan.FirstYear + 1, plan.LastYear, plan.LastYear + 1, 2026}
		for _, year := range years {
			p.same(fmt.Sprintf("plan %s, year %v", plan.Name, year), moreReports, map[string]any{"plan": strconv.Itoa(plan.ID), "year": year}, true)
		}
	}
	cases := []struct{ name, query string }{
		{"AliasesAndLiterals", `{ plans(first: 5) { edges { node { name n: activitiesWithoutHistory
			a: followUpsByYear(year: null) { y: year n: followUps p: periods { n: followUps x: period } }
			b: statusChangesByYear(year: 2024) { changes y: year } c: statusChangesByYear { year toDone }
			w: statusCountsWholeCounty(year: 2021) { total shareDone } statusCountsWholeCounty { done }
			statusCountsWithoutPerspective { planned } s: statusByPerspective(year: 2022) { p: perspective { name } c: statusCounts { total } } } } } }`},
		{"Fragments", `query F { planReport { ...P } } fragment P on Plan { ... on Plan { statusByPerspective { ...S } } followUpsByYear { ...Y } }
			fragment S on PerspectiveStatus { perspective { ... on Node { id } } statusCounts { done } }
			fragment Y on FollowUpYear { year reportedStatuses { ... on FollowUpStatusCounts { done withoutStatus } } }`},
		{"Nested", `{ goals(first: 3) { edges { node { number plan { name activitiesWithoutHistory statusChangesByYear { year created }
			statusByPerspective { perspective { name activities(first: 2) { totalCount edges { node { title wholeCounty } } } } } } } } } }`},
		{"Directives", `query D($yes: Boolean!) { planReport { followUpsByYear { year @include(if: $yes) periods @skip(if: $yes) { period } followUps } } }`},
	}
	for _, c := range cases {
		p.same(c.name, c.query, map[string]any{"yes": true}, true)
	}
	// What the resolvers answer with an error or null, they answer.
	for _, vars := range []map[string]any{{"year": 1800}, {"year": 2101}, {"plan": "12345678901"}, {"plan": "1"}} {
		want, _ := p.post(p.resolvers, moreReports, vars)
		got, _ := p.post(p.compiled, moreReports, vars)
		if !bytes.Equal(got, want) {
			t.Errorf("%v: the compiled answer differs from the resolvers'\n got: %s\nwant: %s", vars, got, want)
		}
		if !bytes.Contains(want, []byte(`"errors"`)) && !bytes.Contains(want, []byte(`"planReport":null`)) {
			t.Errorf("%v: the resolvers answered %s, want an error or null", vars, want)
		}
	}
	// The figures are not all zeros: the data reaches every report.
	body := p.same("the seed's plan", moreReports, map[string]any{"plan": p.planID()}, true)
	for _, want := range []string{`"statusCountsWholeCounty":{"__typename":"StatusCounts","planned":0,"ongoing":1`, `"period":"FIRST_TERTIAL"`,
		`"period":null`, `"withoutStatus":1`, `{"__typename":"StatusChangeYear","year":2023,`, `"activitiesWithoutHistory":2,`} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("the report holds no %s: %s", want, clip(body))
		}
	}
}

// loadReportData loads the Örebro plan and adds what the reports count:
// see TestMoreReportsAnswerAlike.
func loadReportData(ctx context.Context, c *ent.Client) error {
	if err := seed.LoadOrebro(ctx, c); err != nil {
		return err
	}
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	county := c.Municipality.Query().Where(municipality.CountyCode("18")).Order(municipality.ByCode()).AllX(ctx)
	perspectives := c.Perspective.Query().AllX(ctx)
	headings := c.Objective.Query().AllX(ctx)
	c.Activity.Create().SetTitle("I hela länet").SetObjective(headings[0]).AddMunicipalities(county...).
		AddPerspectives(perspectives[0], perspectives[3]).SetStatus(status.StatusOngoing).SetFirstYear(2021).SetLastYear(2022).SaveX(ctx)
	// Luleå, of another county, is named by an activity of the Örebro
	// plan, beside eleven of the county's: not the whole county.
	lulea := c.Municipality.Create().SetCode("2580").SetName("Luleå").SaveX(ctx)
	c.Activity.Create().SetTitle("I elva kommuner och Luleå").SetObjective(headings[1]).AddMunicipalities(county[1:]...).AddMunicipalities(lulea).
		AddPerspectives(perspectives[3]).SetStatus(status.StatusDone).SaveX(ctx)
	c.Activity.Create().SetTitle("I hela länet, inställd").SetObjective(headings[len(headings)-1]).AddMunicipalities(county...).
		SetStatus(status.StatusCancelled).SetFirstYear(2020).SetLastYear(2020).SaveX(ctx)
	// Statuses changed (each change recorded, in this year) on four of
	// the seed's activities; the other two keep no history.
	all := c.Activity.Query().Order(activity.ByID()).AllX(ctx)
	for i, a := range all[:4] {
		c.Activity.UpdateOne(a).SetStatus([]status.Status{status.StatusDone, status.StatusCancelled, status.StatusOngoing, status.StatusDone}[i]).ExecX(ctx)
	}
	c.Activity.UpdateOne(all[5]).AddPerspectives(perspectives[1]).ExecX(ctx)
	// Status changes of earlier years, creations among them.
	for i := range 6 {
		at := time.Date(2021+i%3, time.Month(1+i*2), 10, 12, 0, 0, 0, time.UTC)
		sc := c.StatusChange.Create().SetActivity(all[i%4]).SetAt(at).SetToStatus(status.Statuses[i%4])
		if i%2 == 1 {
			sc.SetFromStatus(status.StatusPlanned)
		}
		sc.SaveX(ctx)
	}
	// Follow-ups over the plan's years, of every period and none, every
	// status and none; one late on New Year's Eve 2021 in UTC+1 (2021 in
	// UTC), one at midnight of 2023 in UTC.
	cet := time.FixedZone("CET", 3600)
	periods := []*followup.Period{nil}
	for _, pe := range []followup.Period{followup.PeriodYear, followup.PeriodFirstHalf, followup.PeriodSecondHalf,
		followup.PeriodFirstTertial, followup.PeriodSecondTertial, followup.PeriodThirdTertial} {
		periods = append(periods, &pe)
	}
	statuses := append([]*status.Status{nil}, func() []*status.Status {
		var out []*status.Status
		for _, st := range status.Statuses {
			out = append(out, &st)
		}
		return out
	}()...)
	dates := []time.Time{
		time.Date(2020, 3, 1, 9, 0, 0, 0, time.UTC), time.Date(2021, 6, 30, 12, 0, 0, 0, time.UTC),
		time.Date(2022, 1, 1, 0, 30, 0, 0, cet), time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2021, 11, 2, 8, 0, 0, 0, cet), time.Date(2022, 9, 15, 12, 0, 0, 0, time.UTC),
	}
	for i := range 17 {
		f := c.FollowUp.Create().SetActivity(all[i%len(all[:6])]).SetDate(dates[i%len(dates)]).SetText(fmt.Sprintf("Uppföljning %d", i))
		if pe := periods[i%len(periods)]; pe != nil {
			f.SetPeriod(*pe)
		}
		if st := statuses[(i/2)%len(statuses)]; st != nil {
			f.SetStatus(*st)
		}
		f.SaveX(ctx)
	}
	// A plan of another county, with a whole county of its own (one
	// municipality) and an activity there, and a plan without activities.
	other := c.Plan.Create().SetName("Norrbottens plan").SetRegion("Region Norrbotten").SetCountyCode("25").SetFirstYear(2022).SetLastYear(2025).SaveX(ctx)
	g := c.Goal.Create().SetPlan(other).SetNumber(1).SetTitle("Läsning").SaveX(ctx)
	h := c.Objective.Create().SetGoal(g).SetTitle("Bibliotek").SaveX(ctx)
	c.Activity.Create().SetTitle("Läsfrämjande i Luleå").SetObjective(h).AddMunicipalities(lulea).AddPerspectives(perspectives[2]).SaveX(ctx)
	c.Activity.Create().SetTitle("Utan kommun").SetObjective(h).SetStatus(status.StatusDone).SetFirstYear(2024).SaveX(ctx)
	empty := c.Plan.Create().SetName("Tom plan").SetRegion("Region Tom").SetFirstYear(2024).SetLastYear(2027).SaveX(ctx)
	eg := c.Goal.Create().SetPlan(empty).SetNumber(1).SetTitle("Ett mål").SaveX(ctx)
	c.Objective.Create().SetGoal(eg).SetTitle("En rubrik").SaveX(ctx)
	c.Plan.Create().SetName("Utan mål").SetRegion("Region Tom").SetFirstYear(2019).SetLastYear(2020).SaveX(ctx)
	return nil
}
