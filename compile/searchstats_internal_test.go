package compile

import (
	"context"
	"testing"

	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/search"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// On the national dataset, a text a tenth of the titles hold is matched
// from the index, read from its rarest trigram, and so is a rare one; a
// text of common trigrams by ent's scan; on a few rows, from the index.
func TestSearchStatsChoose(t *testing.T) {
	db := storagetest.OpenSQLite(t)
	client := db.Client()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	titles, _ := search.Find("activities", "title")
	stats := &searchStats{client: client}
	if d, _ := stats.Choose(ctx, titles, cover("kultur")); d < 0 {
		t.Error("on an empty table the index was not chosen")
	}
	if err := seed.National(ctx, client); err != nil {
		t.Fatal(err)
	}
	stats = &searchStats{client: client}
	for _, c := range []struct {
		text  string
		want  int
		dense bool
	}{
		{"kultur", 0, true},         // "kul" and "tur", in 2,000 of 20,000 titles each
		{"gvi", 0, false},           // in 21 titles
		{"qzx", 0, false},           // in no title
		{"ing med", -1, false},      // "ing", " me" and "med", each in half the titles
		{"och kulturqzx", 3, false}, // "rqz", the first in no title
	} {
		if got, dense := stats.Choose(ctx, titles, cover(c.text)); got != c.want || dense != c.dense {
			t.Errorf("%q: driver %d, dense %v, want %d, %v", c.text, got, dense, c.want, c.dense)
		}
	}
}

func cover(text string) []string {
	grams, _ := search.Cover(text)
	return grams
}
