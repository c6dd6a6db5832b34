package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serveWith runs samverkan serve with the arguments and environment given,
// and returns its GraphQL URL.
func serveWith(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	a := &app{stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return adminPasswordEnv(k)
	}, listening: func(a string) { addr <- a }}
	done := make(chan error, 1)
	args = append([]string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "samverkan.db")}, args...)
	go func() { done <- a.run(ctx, args) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case a := <-addr:
		return "http://" + a + "/graphql"
	case err := <-done:
		t.Fatalf("serve stopped before listening: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not listen within 30 s")
	}
	return ""
}

// codeOf sends a query and returns the HTTP status and the first error's
// code ("" when there is none).
func codeOf(t *testing.T, url, query string) (int, string) {
	t.Helper()
	return codeAs(t, url, "", query)
}

// codeAs is codeOf for a request with a session token.
func codeAs(t *testing.T, url, token, query string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r struct {
		Errors []struct{ Extensions struct{ Code string } }
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) == 0 {
		return res.StatusCode, ""
	}
	return res.StatusCode, r.Errors[0].Extensions.Code
}

func TestServeLimits(t *testing.T) {
	// Depth 4, cost 1 + 11 × 1 = 12.
	const query = `{ plans(first: 11) { edges { node { name } } } }`

	t.Run("TheEnvironmentSetsALimit", func(t *testing.T) {
		url := serveWith(t, map[string]string{"SAMVERKAN_MAX_DEPTH": "3"})
		if status, code := codeOf(t, url, query); status != http.StatusUnprocessableEntity || code != "QUERY_TOO_DEEP" {
			t.Errorf("with SAMVERKAN_MAX_DEPTH=3: %d %s, want 422 QUERY_TOO_DEEP", status, code)
		}
	})
	t.Run("AFlagOverridesTheEnvironment", func(t *testing.T) {
		url := serveWith(t, map[string]string{"SAMVERKAN_MAX_COST": "11"}, "--max-cost", "12")
		if status, code := codeOf(t, url, query); status != http.StatusOK || code != "" {
			t.Errorf("with --max-cost 12 over SAMVERKAN_MAX_COST=11: %d %s, want success", status, code)
		}
	})
	t.Run("ErrCostOverTheFlag", func(t *testing.T) {
		url := serveWith(t, nil, "--max-cost", "11")
		if status, code := codeOf(t, url, query); status != http.StatusUnprocessableEntity || code != "QUERY_TOO_COSTLY" {
			t.Errorf("with --max-cost 11: %d %s, want 422 QUERY_TOO_COSTLY", status, code)
		}
	})
	t.Run("ErrMutationRate", func(t *testing.T) {
		// Signing in is a change too: it and one more fit in the burst.
		url := serveWith(t, nil, "--mutation-rate", "0.01", "--mutation-burst", "2")
		token := signIn(t, url, "admin", testAdminPassword)
		create := `mutation { createMunicipality(input: {code: "0180", name: "Stockholm"}) { id } }`
		if status, code := codeAs(t, url, token, create); status != http.StatusOK || code != "" {
			t.Fatalf("the first change: %d %s, want success", status, code)
		}
		if status, code := codeAs(t, url, token, create); status != http.StatusTooManyRequests || code != "RATE_LIMITED" {
			t.Errorf("the second change at once: %d %s, want 429 RATE_LIMITED", status, code)
		}
	})
	t.Run("ErrBadLimitInTheEnvironment", func(t *testing.T) {
		var stderr bytes.Buffer
		a := &app{stdout: io.Discard, stderr: &stderr, getenv: func(k string) string {
			return map[string]string{"SAMVERKAN_TIMEOUT": "soon"}[k]
		}}
		err := a.run(context.Background(), []string{"serve", "--db", filepath.Join(t.TempDir(), "x.db")})
		if !errors.Is(err, errUsage) || !strings.Contains(stderr.String(), "SAMVERKAN_TIMEOUT") {
			t.Errorf("err = %v, stderr %q; want a usage error naming SAMVERKAN_TIMEOUT", err, stderr.String())
		}
	})
	t.Run("ErrNegativeLimit", func(t *testing.T) {
		var stderr bytes.Buffer
		a := &app{stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }}
		err := a.run(context.Background(), []string{"serve", "--max-depth", "-1"})
		if !errors.Is(err, errUsage) || !strings.Contains(stderr.String(), "negative") {
			t.Errorf("err = %v, stderr %q; want a usage error", err, stderr.String())
		}
	})
}
