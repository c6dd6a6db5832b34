package server_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mattn/go-sqlite3"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/seed"
	"github.com/samverkan/samverkan/server/servertest"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// A mutation's transaction that fails to commit or to begin is answered
// through the server like any other error of the request: a storage fault
// with 503, a Retry-After header and UNAVAILABLE, a fault of the server as
// INTERNAL with the request's id; never with the driver's words.
func TestTransactionFaultsThroughTheServer(t *testing.T) {
	db := storagetest.Open(t)
	drv := &storagetest.FailingDriver{Driver: db.Driver()}
	client := ent.NewClient(ent.Driver(drv))
	if err := seed.LoadOrebro(context.Background(), client); err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	srv := httptest.NewServer(servertest.Handler(client, db, slog.New(slog.NewTextHandler(&logged, nil))))
	t.Cleanup(srv.Close)
	s := &testServer{t: t, URL: srv.URL, db: db, client: client, token: accountstest.Admin(t, client)}
	vars := map[string]any{"code": "0180"}

	t.Run("ErrCommitOnAFullDisk", func(t *testing.T) {
		drv.Fail(nil, sqlite3.Error{Code: sqlite3.ErrFull})
		defer drv.Fail(nil, nil)
		s.in(t).wantUnavailable(createMunicipality, vars, "the disk is full")
	})
	t.Run("ErrBeginUnknown", func(t *testing.T) {
		drv.Fail(errors.New("the disk controller is on fire"), nil)
		defer drv.Fail(nil, nil)
		r := s.in(t).post(createMunicipality, vars)
		id := r.Header.Get("X-Request-ID")
		if len(r.Errors) != 1 || r.Errors[0].Extensions.Code != "INTERNAL" || r.Header.Get("Retry-After") != "" {
			t.Fatalf("answer = %d %+v; want one INTERNAL, without Retry-After", r.Status, r.Errors)
		}
		if msg := r.Errors[0].Message; id == "" || !strings.Contains(msg, "request "+id) || strings.Contains(msg, "fire") {
			t.Errorf("message = %q; want the request id %q and not the driver's words", msg, id)
		}
		if !strings.Contains(logged.String(), "the disk controller is on fire") {
			t.Errorf("the log does not have the error: %s", logged.String())
		}
	})
	t.Run("OK", func(t *testing.T) {
		if r := s.in(t).post(createMunicipality, vars); r.Status != http.StatusOK || len(r.Errors) != 0 {
			t.Errorf("answer = %d %+v; want the municipality created", r.Status, r.Errors)
		}
	})
}
