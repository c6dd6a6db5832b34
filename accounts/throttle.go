package accounts

import (
	"strings"
	"sync"
	"time"
)

// Throttle slows down guessing passwords: after a few failures for a key,
// further attempts for it are refused, unchecked, for a time that doubles
// with every further failure. Refused attempts cost the guesser a wait and
// the server nothing, not even a bcrypt comparison. A key's failures are
// forgotten after an hour without any.
//
// The throttle is per server process: with several instances behind a load
// balancer a guesser gets a few more tries, not many.
type Throttle struct {
	now func() time.Time
	// Free failures before the first wait, the first wait, and the longest.
	free      int
	base, max time.Duration
	// forget is how long a key's failures are remembered after its last.
	forget time.Duration

	mu   sync.Mutex
	keys map[string]*failures
}

type failures struct {
	n     int
	until time.Time // attempts are refused until then
	last  time.Time
}

// NewThrottle returns a throttle that, after free failures for a key, makes
// it wait 1 s, then 2 s, 4 s … with each further failure, up to 15 minutes,
// and forgets them after an hour without a failure.
func NewThrottle(now func() time.Time, free int) *Throttle {
	return &Throttle{now: now, free: free, base: time.Second, max: 15 * time.Minute, forget: time.Hour, keys: map[string]*failures{}}
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

// Fail records a failed attempt for the key and returns how many it has
// had since its failures were last forgotten.
func (t *Throttle) Fail(key string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.forgetOld(now)
	f := t.keys[key]
	if f == nil || t.forgotten(f, now) {
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
	return f.n
}

// Succeed forgets the failures of a key.
func (t *Throttle) Succeed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

// Forget forgets the failures of every key that match reports true for.
func (t *Throttle) Forget(match func(key string) bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k := range t.keys {
		if match(k) {
			delete(t.keys, k)
		}
	}
}

// forgotten reports whether a key's failures are old enough to forget.
func (t *Throttle) forgotten(f *failures, now time.Time) bool {
	return now.Sub(f.last) > t.forget && !f.until.After(now)
}

// forgetOld drops keys whose failures are forgotten, so that the map does
// not grow without end under a spray of usernames.
func (t *Throttle) forgetOld(now time.Time) {
	if len(t.keys) < 10_000 {
		return
	}
	for k, f := range t.keys {
		if t.forgotten(f, now) {
			delete(t.keys, k)
		}
	}
}

// passwordThrottle throttles the attempts to give a user's password, by
// signing in or by changing it, so that guessing is slow but a stranger
// cannot lock a user out:
//
//   - per user and address: 5 failures are free, then each waits twice as
//     long as the one before. Another address, the user's own, is not
//     held up, nor is another user at the same address.
//   - per address, across users: 20 usernames may fail there (each counted
//     once, however often), then the address waits, twice as long for each
//     further one. A guesser who tries one common password on every
//     username (a spray) is slowed down; an office sharing one address,
//     whose users mistype their own passwords, is not.
//
// Nothing throttles a user across addresses: failures anywhere else would
// let a stranger lock the user out. An admin lifts a user's throttle with
// unlockUser.
type passwordThrottle struct {
	pairs, addrs *Throttle
}

func newPasswordThrottle(now func() time.Time) *passwordThrottle {
	return &passwordThrottle{pairs: NewThrottle(now, 5), addrs: NewThrottle(now, 20)}
}

// pairKey is the key of a username at an address. An address never holds
// a NUL, so no typed username can make the key of another pair.
func pairKey(username, addr string) string {
	return username + "\x00" + addr
}

// wait returns how long attempts for the username from the address must
// still wait, or 0.
func (t *passwordThrottle) wait(username, addr string) time.Duration {
	return max(t.pairs.Wait(pairKey(username, addr)), t.addrs.Wait(addr))
}

// fail records a wrong password for the username from the address.
func (t *passwordThrottle) fail(username, addr string) {
	if t.pairs.Fail(pairKey(username, addr)) == 1 {
		t.addrs.Fail(addr) // a username new to the address's failures
	}
}

// succeed forgets the failures for the username from the address.
func (t *passwordThrottle) succeed(username, addr string) {
	t.pairs.Succeed(pairKey(username, addr))
}

// unlock forgets the username's failures from every address.
func (t *passwordThrottle) unlock(username string) {
	prefix := pairKey(username, "")
	t.pairs.Forget(func(key string) bool { return strings.HasPrefix(key, prefix) })
}
