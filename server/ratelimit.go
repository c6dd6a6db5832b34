package server

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/graph"
)

// RateLimiter gives every client an allowance of changes that refills at a
// steady rate up to a burst (a token bucket per client), so that a script
// gone wrong cannot flood the plan with writes while people editing by hand
// never notice it. It implements graph.RateLimiter; clients are told apart
// by IP address.
type RateLimiter struct {
	perSecond float64
	burst     float64
	now       func() time.Time

	mu        sync.Mutex
	clients   map[string]*allowance
	lastSweep time.Time
}

var _ graph.RateLimiter = (*RateLimiter)(nil)

// allowance is what a client has left, as of a time.
type allowance struct {
	tokens float64
	at     time.Time
}

// NewRateLimiter returns a limiter that allows each client perSecond
// changes a second on average and burst at once.
func NewRateLimiter(perSecond float64, burst int) *RateLimiter {
	return &RateLimiter{perSecond: perSecond, burst: float64(max(burst, 1)), now: time.Now, clients: map[string]*allowance{}}
}

// Burst is the most changes a client may make at once.
func (l *RateLimiter) Burst() int { return int(l.burst) }

// Allow takes n changes from the client's allowance, or says how long until
// the allowance holds them. More changes than the burst are never allowed
// (and no wait is given): were they charged only the burst, aliases would
// multiply what one request may do.
func (l *RateLimiter) Allow(client string, n int) (bool, time.Duration) {
	if float64(n) > l.burst {
		return false, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	a, ok := l.clients[client]
	if !ok {
		a = &allowance{tokens: l.burst, at: now}
		l.clients[client] = a
	}
	a.tokens = min(l.burst, a.tokens+now.Sub(a.at).Seconds()*l.perSecond)
	a.at = now
	need := float64(n)
	if a.tokens >= need {
		a.tokens -= need
		return true, 0
	}
	return false, time.Duration((need - a.tokens) / l.perSecond * float64(time.Second))
}

// sweep forgets, once a minute, the clients whose allowance has filled up
// again: they are as if never seen, and the map holds only recent clients.
func (l *RateLimiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	for client, a := range l.clients {
		if a.tokens+now.Sub(a.at).Seconds()*l.perSecond >= l.burst {
			delete(l.clients, client)
		}
	}
}

// identifyClient records who sent the request, for per-client limits and
// the password throttle. It must run inside withRequest.
//
// The client is the address the connection comes from, unless that is one
// of the trusted proxies: then it is the address the proxies say they
// forwarded the request for (see clientAddr).
func identifyClient(trusted []netip.Prefix, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := samverkan.RequestFrom(r.Context())
		if req == nil {
			next.ServeHTTP(w, r)
			return
		}
		req.Client = clientAddr(r, trusted)
		next.ServeHTTP(w, r)
	})
}

// clientAddr is the address of the client that sent r. X-Forwarded-For is
// read only when the connection comes from a trusted proxy, and from its
// end: each proxy appends the address it received the request from, so
// the last address that is not a trusted proxy's is the client's. Anything
// before it was written by the client, who may write anything there.
func clientAddr(r *http.Request, trusted []netip.Prefix) string {
	host := r.RemoteAddr
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		host = h
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !isTrusted(addr, trusted) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // not an address: what a trusted proxy said ends here
		}
		addr = hop.Unmap()
		if !isTrusted(addr, trusted) {
			break
		}
	}
	return addr.String()
}

func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	addr = addr.Unmap()
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ParseTrustedProxies reads a comma-separated list of addresses and
// networks in CIDR notation ("10.0.0.0/8, 192.0.2.7"), for
// WithTrustedProxies.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !strings.Contains(item, "/") {
			addr, err := netip.ParseAddr(item)
			if err != nil {
				return nil, fmt.Errorf("%q is neither an IP address nor a network such as 10.0.0.0/8", item)
			}
			addr = addr.Unmap()
			out = append(out, netip.PrefixFrom(addr, addr.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a network such as 10.0.0.0/8", item)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
