package graph_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/mattn/go-sqlite3"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/storage/storagetest"
)

// The mutation's transaction fails to begin or to commit: the error has a
// code like any other, never the driver's raw text, and nothing is written.
func TestTransactionErrorsHaveCodes(t *testing.T) {
	db := orebro(t)
	drv := &storagetest.FailingDriver{Driver: db.Driver()}
	client := ent.NewClient(ent.Driver(drv))
	var logged bytes.Buffer
	e := &endpoint{t: t, handler: graph.NewHandler(client, accounts.New(client), slog.New(slog.NewTextHandler(&logged, nil)))}
	e.viewer = accountstest.Viewer(accountstest.User(t, client, "admin", auth.RoleAdmin, nil, nil))
	const create = `mutation { createMunicipality(input: {code: "0180", name: "Stockholm"}) { id } }`
	written := func() int {
		t.Helper()
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM municipalities WHERE code = '0180'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	diskFull := sqlite3.Error{Code: sqlite3.ErrFull}

	for _, c := range []struct {
		name                  string
		failBegin, failCommit error
		code                  samverkan.Code
		message               string // the message contains it
	}{
		{"ErrCommitOnAFullDisk", nil, diskFull, samverkan.CodeUnavailable, "the disk is full"},
		{"ErrBeginOnAFullDisk", diskFull, nil, samverkan.CodeUnavailable, "the disk is full"},
		{"ErrCommitUnknown", nil, errors.New("the disk controller is on fire"), samverkan.CodeInternal, "request test"},
		{"ErrBeginUnknown", errors.New("the disk controller is on fire"), nil, samverkan.CodeInternal, "request test"},
		{"ErrBeginPastTheDeadline", context.DeadlineExceeded, nil, samverkan.CodeTimeout, "took too long"},
	} {
		t.Run(c.name, func(t *testing.T) {
			logged.Reset()
			drv.Fail(c.failBegin, c.failCommit)
			a := e.post(create, nil)
			drv.Fail(nil, nil)
			if a.code() != string(c.code) || len(a.Errors) != 1 {
				t.Fatalf("answer = %d %+v; want one %s", a.status, a.Errors, c.code)
			}
			msg := a.Errors[0].Message
			if !strings.Contains(msg, c.message) || strings.Contains(msg, "fire") || strings.Contains(msg, "transaction") {
				t.Errorf("message = %q; want one containing %q, and not the driver's words", msg, c.message)
			}
			if string(a.Data) != "null" && len(a.Data) != 0 {
				t.Errorf("data = %s; want none, as nothing was written", a.Data)
			}
			if c.code == samverkan.CodeUnavailable && a.Errors[0].Extensions["retryAfter"] != float64(5) {
				t.Errorf("extensions = %v; want retryAfter 5", a.Errors[0].Extensions)
			}
			if c.code == samverkan.CodeInternal && !strings.Contains(logged.String(), "the disk controller is on fire") {
				t.Errorf("the log does not have the error: %s", logged.String())
			}
			if n := written(); n != 0 {
				t.Errorf("%d municipalities 0180 written; want none", n)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		wantOK(t, e.post(create, nil))
		if n := written(); n != 1 {
			t.Errorf("%d municipalities 0180 written; want 1", n)
		}
	})
}
