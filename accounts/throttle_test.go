package accounts

import (
	"testing"
	"time"
)

// A key's failures are forgotten after an hour without any, so that a
// wrong password now and then never adds up to a lockout; within the
// hour, they add up.
func TestThrottleForgetsOldFailures(t *testing.T) {
	now := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	th := NewThrottle(func() time.Time { return now }, 5)
	for i := range 20 {
		if n := th.Fail("admin\x00192.0.2.1"); n != 1 {
			t.Fatalf("failure %d, after an hour and a minute without one: counted as failure %d, want 1", i, n)
		}
		if w := th.Wait("admin\x00192.0.2.1"); w != 0 {
			t.Fatalf("failure %d: wait %v, want none", i, w)
		}
		now = now.Add(61 * time.Minute)
	}
	for range 5 {
		th.Fail("admin\x00192.0.2.1")
		now = now.Add(15 * time.Minute)
	}
	if w := th.Wait("admin\x00192.0.2.1"); w != 0 {
		t.Errorf("wait %v 15 minutes after the fifth failure (of 1 s), want none", w)
	}
	if n := th.Fail("admin\x00192.0.2.1"); n != 6 {
		t.Errorf("a failure 15 minutes after the one before: counted as %d, want 6", n)
	}
}

// The per-address bound counts usernames, not failures: one user's
// failures never hold up another user at the same address.
func TestPasswordThrottleCountsUsernamesPerAddress(t *testing.T) {
	now := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	th := newPasswordThrottle(func() time.Time { return now })
	for range 100 {
		th.fail("anna", "192.0.2.1")
	}
	if th.wait("anna", "192.0.2.1") == 0 {
		t.Error("anna at 192.0.2.1 after 100 failures: no wait")
	}
	if w := th.wait("bertil", "192.0.2.1"); w != 0 {
		t.Errorf("bertil at 192.0.2.1 after anna's failures: wait %v, want none", w)
	}
	if w := th.wait("anna", "198.51.100.1"); w != 0 {
		t.Errorf("anna at another address: wait %v, want none", w)
	}
	for i := range 19 {
		th.fail("user"+string(rune('a'+i)), "192.0.2.1")
	}
	if th.wait("bertil", "192.0.2.1") == 0 {
		t.Error("bertil at 192.0.2.1 after 20 usernames failed there: no wait")
	}
	th.unlock("anna")
	if w := th.wait("anna", "198.51.100.1"); w != 0 {
		t.Errorf("anna elsewhere after unlock: wait %v", w)
	}
}
