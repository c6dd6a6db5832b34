package compile_test

import (
	"context"
	"testing"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/seed"
)

// Perspectives, municipality groups and Activity.wholeCounty are compiled,
// and answer as the resolvers do: an activity in all twelve municipalities
// of Örebro län, one in eleven, one in all twelve and one of another
// county, tagged and grouped.
func TestPerspectivesGroupsAndTheWholeCountyAnswerAlike(t *testing.T) {
	p := newPair(t, func(ctx context.Context, c *ent.Client) error {
		if err := seed.LoadOrebro(ctx, c); err != nil {
			return err
		}
		ctx = privacy.DecisionContext(ctx, privacy.Allow)
		county := c.Municipality.Query().Where(municipality.CountyCode("18")).Order(municipality.ByCode()).AllX(ctx)
		other := c.Municipality.Create().SetCode("2580").SetName("Luleå").SaveX(ctx)
		perspectives := c.Perspective.Query().AllX(ctx)
		heading := c.Objective.Query().FirstX(ctx)
		c.Activity.Create().SetTitle("I hela länet").SetObjective(heading).AddMunicipalities(county...).
			AddPerspectives(perspectives[0], perspectives[3]).SaveX(ctx)
		c.Activity.Create().SetTitle("I elva kommuner").SetObjective(heading).AddMunicipalities(county[1:]...).
			AddPerspectives(perspectives[3]).SaveX(ctx)
		c.Activity.Create().SetTitle("I hela länet och Luleå").SetObjective(heading).AddMunicipalities(county...).
			AddMunicipalities(other).SaveX(ctx)
		c.MunicipalityGroup.Create().SetName("den norra delen").AddMunicipalities(county[4], county[5]).SaveX(ctx)
		return nil
	})
	for name, q := range map[string]string{
		"WholeCounty": `{ activities(first: 20, orderBy: {field: TITLE}) { edges { node { title wholeCounty
			perspectives(orderBy: {field: POSITION}) { totalCount edges { node { name position } } } } } } }`,
		"ByPerspective": `{ activities(where: {hasPerspectivesWith: {name: "Barn"}}) { totalCount edges { node { title wholeCounty } } } }`,
		"Perspectives":  `{ perspectives(orderBy: {field: POSITION}) { edges { node { name activities { totalCount edges { node { title } } } } } } }`,
		"Groups": `{ municipalityGroups { edges { node { name municipalities(orderBy: {field: NAME}) { edges { node { name
			groups { totalCount } activities(first: 5) { totalCount edges { node { title wholeCounty } } } } } } } } } }`,
		"ByGroup": `{ activities(where: {hasMunicipalitiesWith: {hasGroupsWith: {name: "den norra delen"}}}) { totalCount edges { node { title } } } }`,
	} {
		p.same(name, q, nil, true)
	}
}
