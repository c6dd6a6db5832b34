package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/privacy"
)

// A list sorted by a count or by another record's field pages on: the
// institutions sorted by their home municipality, then by their number of
// activities, each to the next page and back, with the read compiler as
// the server runs it. entgql failed on such a second page (ent/ent#4059),
// and the page showed an internal error.
func TestListsSortedByAnotherRecordPageOn(t *testing.T) {
	b := newBrowser(t, 1280, 900, compiledReads())
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	orebro := b.client.Municipality.Query().Where(municipality.Code("1880")).OnlyX(ctx)
	nora := b.client.Municipality.Query().Where(municipality.Code("1884")).OnlyX(ctx)
	before := b.client.Institution.Query().CountX(ctx)
	for i := range 60 {
		m := orebro
		if i%3 == 0 {
			m = nora
		}
		b.client.Institution.Create().SetName(fmt.Sprintf("Studieförbund %02d", i)).SetMunicipality(m).SaveX(ctx)
	}
	total := before + 60
	b.open("#/institutions")
	b.settle()
	for _, column := range []string{"Hemkommun", "Aktiviteter"} {
		b.sortBy(column)
		b.waitText(fmt.Sprintf("Visar 1–50 av %d", total))
		b.click("Nästa →")
		b.settle()
		b.waitText(fmt.Sprintf("Visar 51–%d av %d", total, total))
		b.screenshot("institutions-by-" + column + "-page-2")
		b.click("← Föregående")
		b.settle()
		b.waitText(fmt.Sprintf("Visar 1–50 av %d", total))
	}
}
