package graph_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// handProgress is the SQL, written by hand, of every indicator's figures
// in every year of the national dataset's plans: the outcome of the
// whole-year values (their sum, or mean, as the indicator's aggregation
// says), how many there are, and the target that applies (the year's own,
// or else the next one's).
const handProgress = `
SELECT i.id, y.year, i.baseline_value, i.direction,
	CASE WHEN i.aggregation = 'MEAN'
		THEN (SELECT AVG(v.value) FROM indicator_values v WHERE v.indicator_id = i.id AND v.year = y.year AND v.period IS NULL)
		ELSE (SELECT SUM(v.value) FROM indicator_values v WHERE v.indicator_id = i.id AND v.year = y.year AND v.period IS NULL)
	END,
	(SELECT COUNT(*) FROM indicator_values v WHERE v.indicator_id = i.id AND v.year = y.year AND v.period IS NULL),
	(SELECT t.value FROM indicator_targets t WHERE t.indicator_id = i.id AND t.year >= y.year ORDER BY t.year LIMIT 1),
	(SELECT t.year FROM indicator_targets t WHERE t.indicator_id = i.id AND t.year >= y.year ORDER BY t.year LIMIT 1)
FROM indicators i
	CROSS JOIN (SELECT 2024 AS year UNION ALL SELECT 2025 UNION ALL SELECT 2026 UNION ALL SELECT 2027) y
ORDER BY i.id, y.year`

type progressFigures struct {
	Year           int
	Baseline       *float64
	Target         *float64
	TargetYear     *int
	Outcome        *float64
	ValueCount     int
	Share          *float64
	Reached        *bool
	SuggestedLight *string
}

// Indicator.progress on the national dataset gives, for every indicator
// and year, the figures hand-written SQL computes from the same rows, and
// the share, reached and light that follow from them by the README's
// rules.
func TestIndicatorProgressOnTheNationalDataset(t *testing.T) {
	db := storagetest.Open(t)
	client := db.Client()
	ctx := context.Background()
	if err := seed.National(ctx, client); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(graph.NewHandler(client, accounts.New(client), slog.New(slog.NewTextHandler(io.Discard, nil)), graph.WithCompiledReads(db.Dialect)))
	defer srv.Close()

	got := map[string]progressFigures{}
	after := ""
	for {
		var page struct {
			Data struct {
				Indicators struct {
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
					Edges []struct {
						Node struct {
							ID                         string
							Y2024, Y2025, Y2026, Y2027 progressFigures
						}
					}
				}
			}
			Errors []any
		}
		fields := "year baseline target targetYear outcome valueCount share reached suggestedLight"
		query := fmt.Sprintf(`query($after: Cursor) { indicators(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id
			y2024: progress(year: 2024) { %[1]s } y2025: progress(year: 2025) { %[1]s }
			y2026: progress(year: 2026) { %[1]s } y2027: progress(year: 2027) { %[1]s } } } } }`, fields)
		vars := map[string]any{"after": nil}
		if after != "" {
			vars["after"] = after
		}
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		res, err := http.Post(srv.URL, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		if err != nil || len(page.Errors) > 0 {
			t.Fatalf("indicators' progress: %v %v", err, page.Errors)
		}
		for _, e := range page.Data.Indicators.Edges {
			n := e.Node
			for _, p := range []progressFigures{n.Y2024, n.Y2025, n.Y2026, n.Y2027} {
				got[fmt.Sprintf("%s/%d", n.ID, p.Year)] = p
			}
		}
		if !page.Data.Indicators.PageInfo.HasNextPage {
			break
		}
		after = page.Data.Indicators.PageInfo.EndCursor
	}

	rows, err := db.Query(handProgress)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	checked, withOutcome, lights := 0, 0, map[string]int{}
	for rows.Next() {
		var (
			id, year, count        int
			baseline, outcome, tgt sql.NullFloat64
			direction              string
			targetYear             sql.NullInt64
		)
		if err := rows.Scan(&id, &year, &baseline, &direction, &outcome, &count, &tgt, &targetYear); err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprintf("%d/%d", id, year)
		p, ok := got[key]
		if !ok {
			t.Fatalf("no progress of indicator %s", key)
		}
		checked++
		want := progressFigures{Year: year, ValueCount: count}
		if baseline.Valid {
			want.Baseline = &baseline.Float64
		}
		if outcome.Valid {
			want.Outcome = &outcome.Float64
			withOutcome++
		}
		if tgt.Valid {
			y := int(targetYear.Int64)
			want.Target, want.TargetYear = &tgt.Float64, &y
		}
		if want.Outcome != nil && want.Target != nil {
			reached := *want.Outcome >= *want.Target
			if direction == "LOWER_IS_BETTER" {
				reached = *want.Outcome <= *want.Target
			}
			want.Reached = &reached
			if want.Baseline != nil && *want.Target != *want.Baseline {
				share := (*want.Outcome - *want.Baseline) / (*want.Target - *want.Baseline)
				want.Share = &share
			}
			light := "RED"
			switch {
			case reached:
				light = "GREEN"
			case want.Share != nil && *want.Share >= 0.5:
				light = "YELLOW"
			}
			want.SuggestedLight = &light
			lights[light]++
		}
		if diff := compareProgress(p, want); diff != "" {
			t.Errorf("indicator %s: %s", key, diff)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// 147 indicators × 4 years; values in the first three; every light
	// suggested somewhere, so that each branch is compared.
	if checked != 147*4 || withOutcome != 147*3 {
		t.Errorf("checked %d figures, %d with an outcome; want %d and %d", checked, withOutcome, 147*4, 147*3)
	}
	for _, l := range []string{"GREEN", "YELLOW", "RED"} {
		if lights[l] == 0 {
			t.Errorf("no indicator's light is %s (%v): the dataset does not exercise it", l, lights)
		}
	}
}

// compareProgress says how got differs from want, or nothing. Figures
// compare within a millionth: the databases may sum in another order.
func compareProgress(got, want progressFigures) string {
	num := func(name string, g, w *float64) string {
		switch {
		case g == nil && w == nil:
			return ""
		case g == nil || w == nil || math.Abs(*g-*w) > 1e-6*math.Max(1, math.Abs(*w)):
			return fmt.Sprintf("%s = %v, want %v; ", name, deref(g), deref(w))
		}
		return ""
	}
	out := num("baseline", got.Baseline, want.Baseline) + num("target", got.Target, want.Target) +
		num("outcome", got.Outcome, want.Outcome) + num("share", got.Share, want.Share)
	if got.ValueCount != want.ValueCount {
		out += fmt.Sprintf("valueCount = %d, want %d; ", got.ValueCount, want.ValueCount)
	}
	if fmt.Sprint(derefInt(got.TargetYear)) != fmt.Sprint(derefInt(want.TargetYear)) {
		out += fmt.Sprintf("targetYear = %v, want %v; ", derefInt(got.TargetYear), derefInt(want.TargetYear))
	}
	if fmt.Sprint(derefBool(got.Reached)) != fmt.Sprint(derefBool(want.Reached)) {
		out += fmt.Sprintf("reached = %v, want %v; ", derefBool(got.Reached), derefBool(want.Reached))
	}
	if fmt.Sprint(derefStr(got.SuggestedLight)) != fmt.Sprint(derefStr(want.SuggestedLight)) {
		out += fmt.Sprintf("suggestedLight = %v, want %v; ", derefStr(got.SuggestedLight), derefStr(want.SuggestedLight))
	}
	return out
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func derefInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func derefBool(p *bool) any {
	if p == nil {
		return nil
	}
	return *p
}

func derefStr(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}
