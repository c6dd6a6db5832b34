package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/server"
	"github.com/samverkan/samverkan/server/servertest"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// newHandlerWith is the server's handler over a fresh database (see
// storagetest) with the Örebro plan, with the GraphQL options given. Every
// request acts for an admin.
func newHandlerWith(t testing.TB, opts ...graph.Option) http.Handler {
	t.Helper()
	db := storagetest.Open(t)
	client := db.Client()
	if err := seed.LoadOrebro(context.Background(), client); err != nil {
		t.Fatal(err)
	}
	h := servertest.Handler(client, db, slog.New(slog.NewTextHandler(io.Discard, nil)), servertest.GraphQL(opts...))
	bearer := "Bearer " + accountstest.Admin(t, client)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Authorization", bearer)
		h.ServeHTTP(w, r)
	})
}

// postFrom sends a GraphQL request from the client at addr to h.
func postFrom(h http.Handler, addr, query string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]string{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestMutationRateLimit(t *testing.T) {
	limits := graph.DefaultLimits
	limits.Mutations = server.NewRateLimiter(0.5, 2) // one change every 2 s, two at once
	h := newHandlerWith(t, graph.WithLimits(limits))
	create := func(code string) string {
		return `mutation { createMunicipality(input: {code: "` + code + `", name: "Kommun ` + code + `"}) { id } }`
	}

	for _, code := range []string{"0001", "0002"} {
		if rec := postFrom(h, "192.0.2.1:5000", create(code)); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "errors") {
			t.Fatalf("change %s within the burst: %d %s", code, rec.Code, rec.Body)
		}
	}
	t.Run("ErrRateLimited", func(t *testing.T) {
		rec := postFrom(h, "192.0.2.1:5001", create("0003"))
		if rec.Code != http.StatusTooManyRequests {
			t.Fatalf("status = %d, want 429: %s", rec.Code, rec.Body)
		}
		if got := rec.Header().Get("Retry-After"); got != "2" {
			t.Errorf("Retry-After = %q, want 2", got)
		}
		var res struct {
			Errors []struct {
				Message    string
				Extensions struct {
					Code       string
					RetryAfter int
				}
			}
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || len(res.Errors) != 1 {
			t.Fatalf("body %s: %v", rec.Body, err)
		}
		if e := res.Errors[0]; e.Extensions.Code != "RATE_LIMITED" || e.Extensions.RetryAfter != 2 || !strings.Contains(e.Message, "try again in 2 s") {
			t.Errorf("error = %+v; want RATE_LIMITED, retry after 2 s", e)
		}
	})
	t.Run("NothingOfTheRefusedChangeIsWritten", func(t *testing.T) {
		rec := postFrom(h, "192.0.2.1:5002", `{ municipalities(where: {code: "0003"}) { totalCount } }`)
		if !strings.Contains(rec.Body.String(), `"totalCount":0`) {
			t.Errorf("after the refusal: %s", rec.Body)
		}
	})
	t.Run("QueriesGoOn", func(t *testing.T) {
		if rec := postFrom(h, "192.0.2.1:5003", `{ plans { totalCount } }`); rec.Code != http.StatusOK {
			t.Errorf("a query from the limited client: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("ErrAliasesBeyondTheBurst", func(t *testing.T) {
		// Charged only the burst, 500 aliased changes went through, and
		// again once the allowance had filled up.
		var q strings.Builder
		q.WriteString("mutation {")
		for i := range 500 {
			fmt.Fprintf(&q, " a%d: updateGoal(id: \"0\", input: {title: \"x\"}) { id }", i)
		}
		q.WriteString(" }")
		for _, addr := range []string{"203.0.113.9:1", "203.0.113.9:2"} { // a client with a full allowance
			rec := postFrom(h, addr, q.String())
			var res struct {
				Errors []struct {
					Message    string
					Extensions struct {
						Code           string
						Changes, Limit int
					}
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || len(res.Errors) != 1 {
				t.Fatalf("status %d, body %s: %v", rec.Code, rec.Body, err)
			}
			if e := res.Errors[0].Extensions; e.Code != "RATE_LIMITED" || e.Changes != 500 || e.Limit != 2 || rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("answer = %d %+v; want 422 RATE_LIMITED, 500 changes over a limit of 2", rec.Code, res.Errors[0])
			}
			time.Sleep(10 * time.Millisecond)
		}
		if rec := postFrom(h, "203.0.113.9:3", create("0005")); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "errors") {
			t.Errorf("a change within the burst after the refusals: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("OtherClientsGoOn", func(t *testing.T) {
		if rec := postFrom(h, "198.51.100.7:6000", create("0004")); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "errors") {
			t.Errorf("a change from another client: %d %s", rec.Code, rec.Body)
		}
	})
}

func TestRateLimiter(t *testing.T) {
	t.Run("RefillsAtItsRate", func(t *testing.T) {
		l := server.NewRateLimiter(100, 1) // one every 10 ms
		if ok, _ := l.Allow("a", 1); !ok {
			t.Fatal("the first change was refused")
		}
		ok, wait := l.Allow("a", 1)
		if ok || wait <= 0 || wait > 10*time.Millisecond {
			t.Fatalf("Allow right after = %v, %s; want a refusal with a wait up to 10 ms", ok, wait)
		}
		time.Sleep(wait + 5*time.Millisecond)
		if ok, _ := l.Allow("a", 1); !ok {
			t.Errorf("refused after waiting %s", wait)
		}
	})
	t.Run("MoreThanTheBurstIsNeverAllowed", func(t *testing.T) {
		l := server.NewRateLimiter(1000, 3)
		if ok, wait := l.Allow("b", 10); ok || wait != 0 {
			t.Fatalf("ten changes at once from a full allowance of three = %v, wait %s; want a refusal, no wait", ok, wait)
		}
		if ok, _ := l.Allow("b", 3); !ok {
			t.Error("the burst itself was refused after the refusal")
		}
	})
}
