package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// CORS: a frontend served from another origin may call the API only if its
// origin is on the allow-list (none by default). The API takes its token in
// the Authorization header, never from a cookie, so the answers never say
// Access-Control-Allow-Credentials, and "*" (any origin) is safe to allow.

// corsMaxAge is how long a browser may keep a preflight's answer: ten
// minutes (Chromium keeps it at most two hours).
const corsMaxAge = "600"

// ParseOrigins reads a comma-separated allow-list of origins, each
// scheme://host[:port] as a browser sends it in the Origin header, or "*"
// for any origin.
func ParseOrigins(list string) ([]string, error) {
	var origins []string
	for _, o := range strings.Split(list, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o == "*" {
			origins = append(origins, o)
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("%q is not an origin: write scheme://host[:port], such as https://plan.example.se", o)
		}
		origins = append(origins, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return origins, nil
}

// WithCORSOrigins lets frontends on these origins (see ParseOrigins) call
// the API from a browser.
func WithCORSOrigins(origins []string) Option {
	return func(c *config) { c.corsOrigins = append(c.corsOrigins, origins...) }
}

// cors answers preflights from allowed origins and marks the answers to
// their requests as readable by them. Requests from other origins are
// served as before, without those headers, so the browser keeps the answer
// from the page that asked.
func cors(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	anyOrigin := false
	allowed := map[string]bool{}
	for _, o := range origins {
		anyOrigin = anyOrigin || o == "*"
		allowed[o] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		if origin == "" || !(anyOrigin || allowed[strings.ToLower(origin)]) {
			next.ServeHTTP(w, r)
			return
		}
		if anyOrigin {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			h.Set("Access-Control-Allow-Methods", "GET, POST")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			h.Set("Access-Control-Max-Age", corsMaxAge)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		// What a client needs to read beyond the safelisted headers: the
		// request id an INTERNAL names, and how long a RATE_LIMITED waits.
		h.Set("Access-Control-Expose-Headers", "X-Request-ID, Retry-After")
		next.ServeHTTP(w, r)
	})
}
