package accounts

import (
	"sync"
	"time"
)

// Throttle slows down guessing passwords: after a few failed sign-ins for a
// username or from an address, further attempts for it are refused,
// unchecked, for a time that doubles with every further failure. Refused
// attempts cost the guesser a wait and the server nothing, not even a
// bcrypt comparison.
//
// The throttle is per server process: with several instances behind a load
// balancer a guesser gets a few more tries, not many.
type Throttle struct {
	now func() time.Time
	// Free failures before the first wait, the first wait, and the longest.
	free      int
	base, max time.Duration

	mu   sync.Mutex
	keys map[string]*failures
}

type failures struct {
	n     int
	until time.Time // attempts are refused until then
	last  time.Time
}

// NewThrottle returns a throttle that, after free failures for a key, makes
// it wait 1 s, then 2 s, 4 s … with each further failure, up to 15 minutes.
func NewThrottle(now func() time.Time, free int) *Throttle {
	return &Throttle{now: now, free: free, base: time.Second, max: 15 * time.Minute, keys: map[string]*failures{}}
}

// Wait returns how long attempts for the key must still wait, or 0.
func (t *Throttle) Wait(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if f := t.keys[key]; f != nil && f.until.After(now) {
		return f.until.Sub(now)
	}
	return 0
}

// Fail records a failed attempt for the key.
func (t *Throttle) Fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.forgetOld(now)
	f := t.keys[key]
	if f == nil {
		f = &failures{}
		t.keys[key] = f
	}
	f.n++
	f.last = now
	if over := f.n - t.free + 1; over > 0 { // the free-th failure brings the first wait
		wait := t.max
		if over < 20 {
			wait = min(t.max, t.base<<(over-1))
		}
		f.until = now.Add(wait)
	}
}

// Succeed forgets the failures of a key.
func (t *Throttle) Succeed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

// forgetOld drops keys whose last failure is long past, so that the map
// does not grow without end under a spray of usernames.
func (t *Throttle) forgetOld(now time.Time) {
	if len(t.keys) < 10_000 {
		return
	}
	for k, f := range t.keys {
		if now.Sub(f.last) > t.max && !f.until.After(now) {
			delete(t.keys, k)
		}
	}
}
