package web_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPlaygroundOnAPrivateServer opens the playground on a server whose
// plan is not public: the schema is refused until the user puts a token in
// the Headers pane and fetches the schema again, and then it is read.
func TestPlaygroundOnAPrivateServer(t *testing.T) {
	var (
		mu    sync.Mutex
		asked []string // each introspection request: signed in or not, and what it got
	)
	watch := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/graphql" || r.Method != http.MethodPost {
				next.ServeHTTP(w, r)
				return
			}
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if !bytes.Contains(body, []byte("__schema")) {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			answer := "something else"
			switch {
			case strings.HasPrefix(rec.Body.String(), `{"data":{"__schema":`):
				answer = "schema"
			case strings.Contains(rec.Body.String(), `"code":"UNAUTHENTICATED"`):
				answer = "UNAUTHENTICATED"
			}
			mu.Lock()
			asked = append(asked, map[bool]string{true: "signed in", false: "anonymous"}[r.Header.Get("Authorization") != ""]+": "+answer)
			mu.Unlock()
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	}
	b := newBrowser(t, 1280, 800, privateReads(), func(s *browserSetup) { s.wrap = watch })
	token := b.token("ville")
	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(stepTimeout)
		for time.Now().Before(deadline) {
			mu.Lock()
			got := strings.Join(asked, "; ")
			mu.Unlock()
			if strings.Contains(got, want) {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("introspection requests: %q; want one %q", asked, want)
	}

	b.run("open the playground", chromedp.Navigate(b.base+"/playground/"), chromedp.WaitVisible(chromedp.CSS(".graphiql-container")))
	waitFor("anonymous: UNAUTHENTICATED")
	b.run("open the headers pane", chromedp.Click(`//button[normalize-space()="Headers"]`))
	b.run("enter the token", chromedp.Evaluate[chromedp.Void](`(() => {
	  const editors = [...document.querySelectorAll(".graphiql-editor-tool .CodeMirror")].filter(e => e.offsetParent !== null);
	  editors[editors.length - 1].CodeMirror.setValue(JSON.stringify({Authorization: "Bearer `+token+`"}));
	})()`), chromedp.Sleep(time.Second)) // GraphiQL reads the pane after a pause in typing
	b.run("fetch the schema again", chromedp.Click(chromedp.CSS(`button[aria-label="Re-fetch GraphQL schema"]`)))
	waitFor("signed in: schema")
}
