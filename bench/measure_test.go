package bench

import (
	"slices"
	"testing"
	"time"
)

func TestMeasurement(t *testing.T) {
	latencies := []time.Duration{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	slices.Sort(latencies)
	m := &Measurement{Requests: len(latencies), Elapsed: time.Second, latencies: latencies, statements: 25}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{50, 5}, {99, 10}, {10, 1}, {100, 10}} {
		if got := m.Percentile(tc.p); got != tc.want {
			t.Errorf("p%.0f = %d, want %d", tc.p, got, tc.want)
		}
	}
	if got := m.PerSecond(); got != 10 {
		t.Errorf("10 requests in a second = %.1f req/s, want 10", got)
	}
	if got := m.Statements(); got != 2.5 {
		t.Errorf("25 statements in 10 requests = %.1f each, want 2.5", got)
	}
	if got := thousands(1234567.4); got != "1,234,567" {
		t.Errorf("thousands(1234567.4) = %q", got)
	}
}
