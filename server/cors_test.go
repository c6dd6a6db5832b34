package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/samverkan/samverkan/server"
	"github.com/samverkan/samverkan/server/servertest"
)

func TestCORS(t *testing.T) {
	const frontend = "https://plan.example.se"
	s := newTestServer(t, servertest.Server(server.WithCORSOrigins([]string{frontend, "http://localhost:5173"})))
	closed := newTestServer(t)
	do := func(s *testServer, method, origin string, header map[string]string) *http.Response {
		t.Helper()
		var body *strings.Reader
		if method == http.MethodPost {
			body = strings.NewReader(`{"query": "{ plans { totalCount } }"}`)
		} else {
			body = strings.NewReader("")
		}
		req, _ := http.NewRequest(method, s.URL+"/graphql", body)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/json")
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	preflight := map[string]string{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"}

	t.Run("PreflightFromAnAllowedOrigin", func(t *testing.T) {
		res := do(s, http.MethodOptions, frontend, preflight)
		h := res.Header
		if res.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != frontend {
			t.Fatalf("preflight = %d, Allow-Origin %q; want 204 and the origin", res.StatusCode, h.Get("Access-Control-Allow-Origin"))
		}
		for name, want := range map[string]string{
			"Access-Control-Allow-Methods": "POST",
			"Access-Control-Allow-Headers": "Authorization",
			"Access-Control-Max-Age":       "600",
		} {
			if !strings.Contains(h.Get(name), want) {
				t.Errorf("%s = %q, want it to hold %q", name, h.Get(name), want)
			}
		}
		if !strings.Contains(h.Get("Access-Control-Allow-Headers"), "Content-Type") {
			t.Errorf("Access-Control-Allow-Headers = %q, want Content-Type too", h.Get("Access-Control-Allow-Headers"))
		}
		if !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
			t.Errorf("Vary = %q, want Origin", h.Values("Vary"))
		}
		if h.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("Access-Control-Allow-Credentials = %q; the API takes no cookies", h.Get("Access-Control-Allow-Credentials"))
		}
	})
	t.Run("RequestFromAnAllowedOrigin", func(t *testing.T) {
		res := do(s, http.MethodPost, "http://localhost:5173", nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" {
			t.Errorf("POST = %d, Allow-Origin %q; want 200 and the origin", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
		}
		if !strings.Contains(res.Header.Get("Access-Control-Expose-Headers"), "X-Request-ID") {
			t.Errorf("Access-Control-Expose-Headers = %q, want X-Request-ID", res.Header.Get("Access-Control-Expose-Headers"))
		}
	})
	t.Run("ErrOtherOrigin", func(t *testing.T) {
		for _, origin := range []string{"https://evil.example", "https://plan.example.se.evil.example", "http://plan.example.se"} {
			res := do(s, http.MethodOptions, origin, preflight)
			if got := res.Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("preflight from %s: Allow-Origin %q, want none", origin, got)
			}
			res = do(s, http.MethodPost, origin, nil)
			if got := res.Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("POST from %s: Allow-Origin %q, want none", origin, got)
			}
		}
	})
	t.Run("NoneByDefault", func(t *testing.T) {
		res := do(closed, http.MethodOptions, frontend, preflight)
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != "" || res.Header.Get("Access-Control-Allow-Methods") != "" {
			t.Errorf("preflight on a server without origins: Allow-Origin %q, want none", got)
		}
	})
	t.Run("AnyOriginNeverWithCredentials", func(t *testing.T) {
		open := newTestServer(t, servertest.Server(server.WithCORSOrigins([]string{"*"})))
		res := do(open, http.MethodPost, "https://anywhere.example", nil)
		if res.Header.Get("Access-Control-Allow-Origin") != "*" || res.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("Allow-Origin %q, Allow-Credentials %q; want * and none",
				res.Header.Get("Access-Control-Allow-Origin"), res.Header.Get("Access-Control-Allow-Credentials"))
		}
	})
}

func TestParseOrigins(t *testing.T) {
	got, err := server.ParseOrigins(" https://Plan.Example.se , http://localhost:5173/,*")
	if err != nil || strings.Join(got, " ") != "https://plan.example.se http://localhost:5173 *" {
		t.Errorf("ParseOrigins = %q, %v", got, err)
	}
	for _, bad := range []string{"plan.example.se", "https://plan.example.se/app", "ftp://x", "https://u:p@x"} {
		if _, err := server.ParseOrigins(bad); err == nil {
			t.Errorf("ParseOrigins(%q) succeeded, want an error", bad)
		}
	}
	if got, err := server.ParseOrigins(""); err != nil || len(got) != 0 {
		t.Errorf("ParseOrigins(\"\") = %q, %v; want none", got, err)
	}
}
