package live

import (
	"io"
	"log/slog"
	"testing"
	"time"
)

// A subscriber that takes nothing never holds up a writer: publishing to
// it returns at once, however many changes come, and the subscriber is
// told it lost changes.
func TestASlowSubscriberNeverHoldsAWriter(t *testing.T) {
	h := &Hub{log: slog.New(slog.NewTextHandler(io.Discard, nil)), subs: map[*Subscription]struct{}{}, perClient: map[string]int{}}
	slow, err := h.Subscribe("192.0.2.1", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := range 10 * bufferSize {
		h.publish([]Event{{Action: Update, Type: "Activity", ID: i}})
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("publishing to a subscriber that takes nothing took %s", d)
	}
	select {
	case <-slow.Lost:
	default:
		t.Error("a subscriber that missed changes was not told")
	}
}

// The caps count per client and in all, and an ended subscription frees
// its place.
func TestCaps(t *testing.T) {
	h := &Hub{log: slog.New(slog.NewTextHandler(io.Discard, nil)), subs: map[*Subscription]struct{}{}, perClient: map[string]int{}, maxPerClient: 2, maxTotal: 3}
	a, _ := h.Subscribe("a", nil, nil)
	if _, err := h.Subscribe("a", nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Subscribe("a", nil, nil); err == nil {
		t.Error("a third subscription of one client was taken")
	}
	if _, err := h.Subscribe("b", nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Subscribe("c", nil, nil); err == nil {
		t.Error("a fourth subscription in all was taken")
	}
	h.Unsubscribe(a)
	if _, err := h.Subscribe("c", nil, nil); err != nil {
		t.Errorf("after one ended: %v", err)
	}
}
