package compile_test

import (
	"context"
	"fmt"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/privacy"
	schemaenum "github.com/samverkan/samverkan/ent/schema/enum"
	"github.com/samverkan/samverkan/search"
	"github.com/samverkan/samverkan/seed"
)

// A search's totalCount, which the compiled statement gives from a count
// kept at the index's version on SQLite (search/counts.go), answers as the
// resolvers do, byte for byte, after every kind of change between two
// searches: none, a status, a title into and out of the search, an
// activity created and one deleted. On SQLite the kept counts are used.
func TestSearchCountsAnswerAlikeAcrossChanges(t *testing.T) {
	p := newPair(t, seed.LoadOrebro)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	query := `query S($text: String!) { activities(where: {titleContainsFold: $text}, first: 2) { totalCount edges { node { title } } } }`
	texts := []string{"kultur", "KULTUR", "samverkan", "ingen sådan titel"}
	ask := func(stage string) {
		t.Helper()
		for _, text := range texts {
			p.same(fmt.Sprintf("%s: %q", stage, text), query, map[string]any{"text": text}, true)
		}
	}
	hits, _ := search.CountStats()
	first := p.client.Activity.Query().Order(activity.ByID()).FirstX(ctx)
	objective := first.QueryObjective().OnlyX(ctx)

	ask("seeded")
	ask("again")
	p.client.Activity.UpdateOne(first).SetStatus(schemaenum.StatusOngoing).ExecX(ctx)
	ask("after a status")
	p.client.Activity.UpdateOne(first).SetTitle("Kultur och samverkan, ny titel").ExecX(ctx)
	ask("after a title into the search")
	p.client.Activity.UpdateOne(first).SetTitle("Något helt annat").ExecX(ctx)
	ask("after a title out of the search")
	created := p.client.Activity.Create().SetObjective(objective).SetTitle("Kulturvecka i samverkan").SaveX(ctx)
	ask("after an activity created")
	p.client.Activity.DeleteOne(created).ExecX(ctx)
	ask("after an activity deleted")

	if after, _ := search.CountStats(); p.db.Dialect == dialect.SQLite && after == hits {
		t.Error("no count was given from those kept on SQLite")
	}
}
