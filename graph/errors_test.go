package graph

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mattn/go-sqlite3"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// TestADeadlockIsAConflict: PostgreSQL's refusal of a transaction that met
// a concurrent one (here a real deadlock, two transactions locking two rows
// in opposite orders) is CONFLICT, to be tried again, not INTERNAL.
func TestADeadlockIsAConflict(t *testing.T) {
	db := storagetest.OpenPostgres(t)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE locks (id int PRIMARY KEY); INSERT INTO locks VALUES (1), (2)`); err != nil {
		t.Fatal(err)
	}
	first, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback()
	second, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Rollback()
	if _, err := first.ExecContext(ctx, `UPDATE locks SET id = id WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := second.ExecContext(ctx, `UPDATE locks SET id = id WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, errs[0] = first.ExecContext(ctx, `UPDATE locks SET id = id WHERE id = 2`)
		if errs[0] != nil {
			first.Rollback() // let the other go on
		}
	}()
	_, errs[1] = second.ExecContext(ctx, `UPDATE locks SET id = id WHERE id = 1`)
	if errs[1] != nil {
		second.Rollback()
	}
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if err == nil {
			continue
		}
		failed++
		if e := classify(err); e == nil || e.Code != samverkan.CodeConflict {
			t.Errorf("%v is %+v, want CONFLICT", err, e)
		}
	}
	if failed != 1 {
		t.Errorf("%d of the two transactions failed, want one (a deadlock): %v", failed, errs)
	}
}

// The errors of the endpoints other than GraphQL's are written by
// WriteError, their status from the one table: a storage fault 503 with
// Retry-After, a fault of the server 500 naming the request id (and
// logged, never shown), a wait 429 with Retry-After, and so on; the
// request records each by its code.
func TestWriteError(t *testing.T) {
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	const plainText, asJSON = "text/plain; charset=utf-8", "application/json"
	for _, c := range []struct {
		name        string
		err         error
		body        Body
		status      int
		code        samverkan.Code
		header      string // Retry-After
		contentType string
		says        string // the body says it
	}{
		{"ErrDiskFull", sqlite3.Error{Code: sqlite3.ErrFull}, Text, http.StatusServiceUnavailable, samverkan.CodeUnavailable, "5", plainText, "the disk is full"},
		{"ErrFaultOfTheServer", errors.New("the disk controller is on fire"), Text, http.StatusInternalServerError, samverkan.CodeInternal, "", plainText, "internal error (request r1); the server has logged it"},
		{"ErrTooLong", context.DeadlineExceeded, Text, http.StatusServiceUnavailable, samverkan.CodeTimeout, "", plainText, "took too long"},
		{"ErrNoSuchPlan", samverkan.Errorf(samverkan.CodeNotFound, "plan", "no plan has the ID 7"), Text, http.StatusNotFound, samverkan.CodeNotFound, "", plainText, "plan: no plan has the ID 7"},
		{"ErrWait", &samverkan.Error{Code: samverkan.CodeRateLimited, Message: "slow down", RetryAfter: 3}, JSON, http.StatusTooManyRequests, samverkan.CodeRateLimited, "3", asJSON, `"retryAfter":3`},
		{"ErrMoreThanTheBurst", &samverkan.Error{Code: samverkan.CodeRateLimited, Message: "too many at once"}, JSON, http.StatusUnprocessableEntity, samverkan.CodeRateLimited, "", asJSON, `"code":"RATE_LIMITED"`},
		{"ErrSignIn", samverkan.Errorf(samverkan.CodeUnauthenticated, "", "sign in"), JSON, http.StatusUnauthorized, samverkan.CodeUnauthenticated, "", asJSON, `"code":"UNAUTHENTICATED"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			logged.Reset()
			req := &samverkan.Request{ID: "r1"}
			r := httptest.NewRequest(http.MethodGet, "/reports/status.csv", nil)
			r = r.WithContext(samverkan.WithRequest(r.Context(), req))
			rec := httptest.NewRecorder()
			WriteError(rec, r, ErrorFor(r.Context(), log, c.err), c.body)
			body := rec.Body.String()
			if rec.Code != c.status || rec.Header().Get("Retry-After") != c.header || rec.Header().Get("Content-Type") != c.contentType {
				t.Errorf("answer = %d, Retry-After %q, %s; want %d, %q, %s", rec.Code, rec.Header().Get("Retry-After"),
					rec.Header().Get("Content-Type"), c.status, c.header, c.contentType)
			}
			if !strings.Contains(body, c.says) || strings.Contains(body, "fire") {
				t.Errorf("body = %q; want it to say %q, and nothing of the error's own words", body, c.says)
			}
			if codes, _ := req.Outcome(); len(codes) != 1 || codes[0] != c.code {
				t.Errorf("the request recorded %v; want %s", codes, c.code)
			}
			if logs := strings.Contains(logged.String(), "on fire"); logs != (c.code == samverkan.CodeInternal) {
				t.Errorf("log = %q; want the error logged only when it is INTERNAL", logged.String())
			}
			if wants := c.code == samverkan.CodeUnauthenticated; (rec.Header().Get("WWW-Authenticate") != "") != wants {
				t.Errorf("WWW-Authenticate = %q", rec.Header().Get("WWW-Authenticate"))
			}
		})
	}
}
