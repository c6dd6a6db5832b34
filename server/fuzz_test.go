package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Fuzz modes: how the fuzzer's inputs become a request.
const (
	fuzzRawBody   = iota // raw is the POST body
	fuzzDocument         // document and variables in a JSON POST
	fuzzGET              // document and variables in a GET's query string
	fuzzPersisted        // document with variables as an APQ hash
	fuzzModes
)

// internals are what a response must never show: a stack trace, Go source
// positions, SQL, the names of the layers beneath the API. One that the
// request itself holds may come back in an echo of it.
var internals = []*regexp.Regexp{
	regexp.MustCompile(`goroutine \d`),
	regexp.MustCompile(`\bpanic`),
	regexp.MustCompile(`runtime error`),
	regexp.MustCompile(`\.go:\d`),
	regexp.MustCompile(`(?i)sqlite`),
	regexp.MustCompile("(?i)select .* from |insert into |update `"),
	regexp.MustCompile(`\bent: |entgql`),
	regexp.MustCompile(`strconv\.|Go (value|struct field)|graphql\.RawParams`),
}

// FuzzGraphQLHandler throws arbitrary bodies, documents and variables at
// the real handler over the Örebro plan: whatever comes in, the answer is
// JSON, never a 5xx, never an INTERNAL error (a fault of the server), and
// never shows the server's insides. The corpus in testdata/fuzz runs with
// every go test; go test -fuzz=FuzzGraphQLHandler ./server/ looks for more.
func FuzzGraphQLHandler(f *testing.F) {
	h := newHandlerWith(f)
	f.Fuzz(func(t *testing.T, mode uint8, document, variables string, raw []byte) {
		req := fuzzRequest(mode, document, variables, raw)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		body := rec.Body.String()
		if rec.Code >= 500 {
			t.Fatalf("status %d: %s", rec.Code, body)
		}
		var res struct {
			Errors []struct {
				Extensions struct{ Code string } `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			t.Fatalf("status %d, not JSON (%v): %s", rec.Code, err, body)
		}
		for _, e := range res.Errors {
			if e.Extensions.Code == "INTERNAL" {
				t.Fatalf("status %d, an INTERNAL error: %s", rec.Code, body)
			}
		}
		sent := document + variables + string(raw)
		for _, bad := range internals {
			if bad.MatchString(body) && !bad.MatchString(sent) {
				t.Fatalf("the response shows %s: %s", bad.FindString(body), body)
			}
		}
	})
}

// fuzzRequest builds the request a fuzz input stands for.
func fuzzRequest(mode uint8, document, variables string, raw []byte) *http.Request {
	var vars any = variables // a string where an object belongs, unless it is JSON
	if json.Valid([]byte(variables)) {
		vars = json.RawMessage(variables)
	}
	post := func(body any) *http.Request {
		b, _ := json.Marshal(body) // cannot fail: variables are checked JSON
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		return req
	}
	switch mode % fuzzModes {
	case fuzzRawBody:
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(raw)))
		req.Header.Set("Content-Type", "application/json")
		return req
	case fuzzDocument:
		return post(map[string]any{"query": document, "variables": vars})
	case fuzzGET:
		q := url.Values{"query": {document}, "variables": {variables}}
		return httptest.NewRequest(http.MethodGet, "/graphql?"+q.Encode(), nil)
	default: // fuzzPersisted
		return post(map[string]any{"query": document, "variables": map[string]any{},
			"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": variables}}})
	}
}
