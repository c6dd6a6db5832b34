package bench

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

func TestMeasurement(t *testing.T) {
	latencies := []time.Duration{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	slices.Sort(latencies)
	m := &Measurement{Requests: len(latencies), Elapsed: time.Second, latencies: latencies, counts: Counts{Statements: 25}}
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

// The server's CPU time is read at the start and the end of the counted
// time, and divided among the requests answered in it.
func TestMeasurementCPU(t *testing.T) {
	var cpu atomic.Int64 // a "server" that spends 1 ms of CPU on each request
	cfg := Config{Concurrency: 2, Warmup: 50 * time.Millisecond, Duration: 300 * time.Millisecond,
		ServerCPU: func() (time.Duration, error) { return time.Duration(cpu.Load()), nil }}
	m := measure(context.Background(), cfg, "cpu", func(context.Context, int) (reply, error) {
		time.Sleep(time.Millisecond)
		cpu.Add(int64(time.Millisecond))
		return reply{}, nil
	})
	if got := m.CPUPerRequest(); got < 900*time.Microsecond || got > 1100*time.Microsecond {
		t.Errorf("CPU per request = %s over %d requests, want about 1ms", got, m.Requests)
	}
	cfg.ServerCPU = func() (time.Duration, error) { return 0, errors.New("no such process") }
	if m := measure(context.Background(), cfg, "cpu", func(context.Context, int) (reply, error) {
		time.Sleep(time.Millisecond)
		return reply{}, nil
	}); m.CPUPerRequest() != 0 {
		t.Errorf("CPU per request when it cannot be read = %s, want 0 (unknown)", m.CPUPerRequest())
	}
	if got := micros(0); got != "–" {
		t.Errorf("micros(0) = %q, want – (unknown)", got)
	}
}
