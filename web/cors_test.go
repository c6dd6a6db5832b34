package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/samverkan/samverkan/server"
	"github.com/samverkan/samverkan/server/servertest"
)

// TestCORSFromAnotherOrigin calls the API from the page of a frontend on
// another origin, as a browser does it (a preflight, then the request with
// the token in the Authorization header): the origin on the allow-list
// reads the answer, another does not.
func TestCORSFromAnotherOrigin(t *testing.T) {
	frontend := func() *httptest.Server {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = io.WriteString(w, "<!doctype html><title>Frontend</title><p>Frontend</p>")
		}))
		t.Cleanup(s.Close)
		return s
	}
	allowed, other := frontend(), frontend()
	b := newBrowser(t, 800, 600, func(s *browserSetup) {
		s.opts = append(s.opts, servertest.Server(server.WithCORSOrigins([]string{allowed.URL})))
	})
	token := b.token("ville")
	call := `fetch(` + jsq(b.base+"/graphql") + `, {method: "POST",
	    headers: {"Content-Type": "application/json", "Authorization": "Bearer ` + token + `"},
	    body: JSON.stringify({query: "{ me { username } }"})})
	  .then(r => r.json()).then(j => j.data.me.username, e => "refused: " + e.message)`

	t.Run("AllowedOriginReadsTheAnswer", func(t *testing.T) {
		b := b.in(t)
		b.run("open the frontend", chromedp.Navigate(allowed.URL))
		if got := get(b, "call the API", chromedp.Evaluate[string](call, chromedp.EvalAwaitPromise)); got != "ville" {
			t.Errorf("the frontend's call = %q, want ville", got)
		}
	})
	t.Run("ErrOtherOrigin", func(t *testing.T) {
		b := b.in(t)
		b.expect("CORS policy")
		b.expect("net::ERR_FAILED")
		b.run("open the other frontend", chromedp.Navigate(other.URL))
		if got := get(b, "call the API", chromedp.Evaluate[string](call, chromedp.EvalAwaitPromise)); !strings.HasPrefix(got, "refused") {
			t.Errorf("the other origin's call = %q, want it refused by the browser", got)
		}
	})
}
