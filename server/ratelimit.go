package server

import (
	"net"
	"net/http"
	"strconv"
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

// identifyClient records who sent the request, for per-client limits, and
// answers a request that a rate limit refused with 429 Too Many Requests
// and a Retry-After header (the body is the GraphQL error, with its
// retryAfter). It must run inside withRequest.
//
// The client is the address the connection comes from. Behind a reverse
// proxy that is the proxy's, shared by everyone: set the limit for all of
// them together, or turn it off.
func identifyClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := samverkan.RequestFrom(r.Context())
		if req == nil {
			next.ServeHTTP(w, r)
			return
		}
		req.Client = r.RemoteAddr
		if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
			req.Client = host
		}
		next.ServeHTTP(&retryAfterWriter{ResponseWriter: w, req: req}, r)
	})
}

// retryAfterWriter turns the status of a rate-limited response into 429.
type retryAfterWriter struct {
	http.ResponseWriter
	req     *samverkan.Request
	written bool
}

func (w *retryAfterWriter) WriteHeader(status int) {
	if !w.written {
		w.written = true
		if w.req.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(w.req.RetryAfter/time.Second)))
			status = http.StatusTooManyRequests
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *retryAfterWriter) Write(p []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *retryAfterWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
