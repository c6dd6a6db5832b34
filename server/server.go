// Package server is Samverkan's HTTP side: the routes, and what every
// request passes through (an id, a size limit, a log line).
package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/storage"
	"github.com/samverkan/samverkan/web"
)

// MaxBodyBytes is the largest request body the server reads.
const MaxBodyBytes = 1 << 20

// Checker is what the health check asks: the database (see
// storage.DB.Check).
type Checker interface {
	Check(ctx context.Context) error
}

// Option changes how New sets up the server.
type Option func(*config)

type config struct {
	private     bool
	proxies     []netip.Prefix
	corsOrigins []string
	observe     Observer
	publicURL   string
}

// Observer is told of every request when it is done: what the request
// learnt of itself (its operation, the codes of its errors), the status
// answered and how long it took. The metrics are one.
type Observer func(hr *http.Request, r *samverkan.Request, status int, d time.Duration)

// WithObserver has every finished request reported to observe.
func WithObserver(observe Observer) Option {
	return func(c *config) { c.observe = observe }
}

// WithPrivateReads makes reading need a token too, for deployments whose
// plan is not public.
func WithPrivateReads(private bool) Option {
	return func(c *config) { c.private = private }
}

// WithTrustedProxies names the reverse proxies whose X-Forwarded-For the
// server believes: a request that comes from one of them is from the client
// the header names, for the mutation rate limit and the password throttle.
// From any other address the header is ignored.
func WithTrustedProxies(proxies []netip.Prefix) Option {
	return func(c *config) { c.proxies = proxies }
}

// New returns the server's HTTP handler: api, the GraphQL endpoint (see
// graph.NewHandler, with its limits), at /graphql, and the reports, feeds
// and open data over client. acc checks the tokens of every request and
// must be the service api signs users in with. The caller builds them
// (cmd/samverkan's serve; servertest.Handler for tests), so that there is
// one of each.
func New(client *ent.Client, db Checker, acc *accounts.Service, api http.Handler, log *slog.Logger, opts ...Option) http.Handler {
	var cfg config
	for _, opt := range opts {
		opt(&cfg)
	}
	signedIn := func(h http.Handler) http.Handler { return authenticate(acc, cfg.private, log, h) }

	mux := http.NewServeMux()
	mux.Handle("POST /graphql", signedIn(api))
	mux.Handle("GET /graphql", signedIn(api))
	mux.Handle("OPTIONS /graphql", api)
	mux.Handle("GET /admin/", web.Admin())
	mux.Handle("GET /playground/", web.Playground())
	mux.Handle("GET /healthz", health(db))
	mux.Handle("GET /reports/coverage.csv", signedIn(coverageCSV(client, log)))
	mux.Handle("GET /reports/status.csv", signedIn(statusCSV(client, log)))
	mux.Handle("GET /reports/perspectives.csv", signedIn(perspectivesCSV(client, log)))
	mux.Handle("GET /reports/indicators.csv", signedIn(indicatorsCSV(client, log)))
	mux.Handle("GET /reports/indicator-values.csv", signedIn(indicatorValuesCSV(client, log)))
	mux.Handle("GET /reports/assessments.csv", signedIn(assessmentsCSV(client, log)))
	mux.Handle("GET "+calendarPath+"{feed}", calendarFeed(client, acc, log))
	openData(mux, client, log, &cfg)
	mux.Handle("GET /{$}", http.RedirectHandler("/admin/", http.StatusFound))

	return withRequest(log, cfg.observe, identifyClient(cfg.proxies, limitBody(cors(cfg.corsOrigins, mux))))
}

// health answers 200 when the database answers and can take changes, 503
// with the reason when it cannot (it does not answer, its disk is full,
// it is read-only).
func health(db Checker) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		status, body := http.StatusOK, map[string]string{"status": "ok"}
		if err := db.Check(ctx); err != nil {
			reason := "the database does not answer"
			var fe *storage.FaultError
			if errors.As(err, &fe) {
				reason = fe.Reason
			}
			status, body = http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": reason}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	})
}

// limitBody refuses request bodies over MaxBodyBytes with 413 and a
// GraphQL error, before anything reads them. (gqlgen would answer a body
// cut short by http.MaxBytesReader with status 200.)
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
		r.Body.Close()
		switch {
		case err != nil:
			graph.WriteError(w, r, samverkan.Errorf(samverkan.CodeBadRequest, "", "the request body could not be read"), graph.JSON)
			return
		case len(body) > MaxBodyBytes:
			graph.WriteError(w, r, samverkan.Errorf(samverkan.CodeBodyTooLarge, "", "the request body is larger than %d bytes", MaxBodyBytes), graph.JSON)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// withRequest gives every request an id (sent back in X-Request-ID) and
// logs one line for it when it is done.
func withRequest(log *slog.Logger, observe Observer, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		req := &samverkan.Request{ID: newRequestID()}
		w.Header().Set("X-Request-ID", req.ID)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK, req: req}
		next.ServeHTTP(rec, r.WithContext(samverkan.WithRequest(r.Context(), req)))

		level := slog.LevelInfo
		switch {
		case rec.status == http.StatusServiceUnavailable:
			level = slog.LevelWarn // a storage fault, logged once as an error where it began
		case rec.status >= 500:
			level = slog.LevelError
		}
		attrs := []slog.Attr{
			slog.String("request_id", req.ID),
			slog.String("method", r.Method),
			slog.String("path", loggedPath(r.URL.Path)),
			slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)),
		}
		if req.Operation != "" {
			attrs = append(attrs, slog.String("operation", req.Operation))
		}
		if req.User != "" {
			attrs = append(attrs, slog.String("user", req.User))
		}
		if req.ReadFallbacks > 0 {
			attrs = append(attrs, slog.Int("read_fallbacks", req.ReadFallbacks), slog.String("read_fallback", req.ReadFallback))
		}
		log.LogAttrs(r.Context(), level, "request", attrs...)
		if observe != nil {
			observe(r, req, rec.status, time.Since(start))
		}
	})
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b[:])
}

// statusRecorder remembers the status a handler wrote, for the log, and
// says in samverkan.ReadFallbacksHeader whether reads fell back.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	req         *samverkan.Request
	wroteHeader bool
}

func (r *statusRecorder) WriteHeader(status int) {
	if !r.wroteHeader {
		r.wroteHeader = true
		r.status = status
		if r.req.ReadFallbacks > 0 {
			r.Header().Set(samverkan.ReadFallbacksHeader, strconv.Itoa(r.req.ReadFallbacks))
		}
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
