package compile

import (
	"context"
	"testing"

	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/search"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// On the national dataset, a text a tenth of the titles hold is matched by
// ent's scan and a rare one from the index; on a few rows, from the index.
func TestSearchStatsChoose(t *testing.T) {
	db := storagetest.OpenSQLite(t)
	client := db.Client()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	titles, _ := search.Find("activities", "title")
	stats := &searchStats{client: client}
	if !stats.Selective(ctx, titles, search.Trigrams("kultur")) {
		t.Error("on an empty table the index was not chosen")
	}
	if err := seed.National(ctx, client); err != nil {
		t.Fatal(err)
	}
	stats = &searchStats{client: client}
	for _, c := range []struct {
		text string
		want bool
	}{
		{"kultur", false}, // in 2,000 of 20,000 titles
		{"gvi", true},     // in 21 titles
		{"qzx", true},     // in no title
	} {
		if got := stats.Selective(ctx, titles, search.Trigrams(c.text)); got != c.want {
			t.Errorf("%q: index chosen %v, want %v", c.text, got, c.want)
		}
	}
}
