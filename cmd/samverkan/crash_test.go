package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/samverkan/samverkan/bench"
)

// buildSamverkan builds this command into a temporary directory, so that a
// test can run it as a process of its own and kill it.
func buildSamverkan(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "samverkan")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startProcess starts the built samverkan serve on the database, with the
// mutation rate limit off: the test is one client that writes as fast as
// it can.
func startProcess(t *testing.T, bin, db string) *bench.Child {
	t.Helper()
	c, err := bench.StartChild(context.Background(), bin, filepath.Join(t.TempDir(), "server.log"),
		[]string{"SAMVERKAN_ADMIN_PASSWORD=" + testAdminPassword},
		"serve", "--addr", "127.0.0.1:0", "--db", db, "--mutation-rate", "0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop() })
	return c
}

// gqlResult is a GraphQL answer.
type gqlResult struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

// post sends a GraphQL request and decodes the answer; err is for a request
// that got no answer.
func post(client *http.Client, url, token, query string, vars map[string]any) (int, gqlResult, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, gqlResult{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, gqlResult{}, err
	}
	defer res.Body.Close()
	var r gqlResult
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		return res.StatusCode, r, fmt.Errorf("decode the answer: %w", err)
	}
	return res.StatusCode, r, nil
}

// mustQuery runs a query that must succeed and decodes its data into v.
func mustQuery(t *testing.T, url, query string, vars map[string]any, v any) {
	t.Helper()
	status, r, err := post(http.DefaultClient, url, "", query, vars)
	if err != nil || status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("%s: status %d, %v, %+v", query, status, err, r.Errors)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatal(err)
	}
}

type idConnection struct {
	Edges []struct{ Node struct{ ID string } }
}

func (c idConnection) ids() []string {
	var ids []string
	for _, e := range c.Edges {
		ids = append(ids, e.Node.ID)
	}
	return ids
}

const createLinkedActivity = `mutation($input: CreateActivityInput!) {
  createActivity(input: $input) { id }
}`

// A write the server acknowledged is on disk: killed with SIGKILL while
// mutations stream in, the server restarts on its file with every
// acknowledged activity there, each with all its links, and of those it
// never answered, each either whole or absent.
func TestAcknowledgedWritesSurviveSIGKILL(t *testing.T) {
	bin := buildSamverkan(t)
	db := filepath.Join(t.TempDir(), "samverkan.db")
	first := startProcess(t, bin, db)

	var seedIDs struct {
		Objectives, Municipalities, Institutions idConnection
	}
	mustQuery(t, first.URL, `{ objectives(first: 1) { edges { node { id } } }
	  municipalities(first: 3) { edges { node { id } } }
	  institutions(first: 2) { edges { node { id } } } }`, nil, &seedIDs)
	municipalities, institutions := seedIDs.Municipalities.ids(), seedIDs.Institutions.ids()
	if len(seedIDs.Objectives.Edges) != 1 || len(municipalities) != 3 || len(institutions) != 2 {
		t.Fatalf("the seed lacks a heading, three municipalities or two institutions: %+v", seedIDs)
	}

	// Writers create activities, each linked to three municipalities and
	// two institutions, until the server dies under them.
	var (
		mu       sync.Mutex
		acked    = map[string]bool{}
		failures []string
		wg       sync.WaitGroup
	)
	ctx, stopWriters := context.WithCancel(context.Background())
	defer stopWriters()
	client := &http.Client{Timeout: 10 * time.Second}
	token := signIn(t, first.URL, "admin", testAdminPassword)
	for w := range 4 {
		wg.Go(func() {
			for n := 0; ctx.Err() == nil; n++ {
				title := fmt.Sprintf("Krasch %d-%d", w, n)
				status, r, err := post(client, first.URL, token, createLinkedActivity, map[string]any{"input": map[string]any{
					"objectiveID": seedIDs.Objectives.Edges[0].Node.ID, "title": title,
					"municipalityIDs": municipalities, "institutionIDs": institutions,
				}})
				mu.Lock()
				switch {
				case err != nil:
					// No answer: the kill came first. It may or may not
					// have been written.
				case status == http.StatusOK && len(r.Errors) == 0:
					acked[title] = true
				default:
					failures = append(failures, fmt.Sprintf("%s: status %d, %+v", title, status, r.Errors))
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	ackedCount := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	for deadline := time.Now().Add(30 * time.Second); ackedCount() < 100; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes acknowledged in 30 s", ackedCount())
		}
		time.Sleep(5 * time.Millisecond)
	}
	first.Kill()
	wg.Wait()
	stopWriters()
	if len(failures) > 0 {
		t.Fatalf("writes failed before the kill:\n%v", failures)
	}

	again := startProcess(t, bin, db)
	found := map[string]bool{}
	after := any(nil)
	for {
		var page struct {
			Activities struct {
				Edges []struct {
					Node struct {
						Title                        string
						Municipalities, Institutions struct{ TotalCount int }
					}
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		mustQuery(t, again.URL, `query($after: Cursor) {
		  activities(first: 100, after: $after, where: {titleHasPrefix: "Krasch "}) {
		    edges { node { title municipalities { totalCount } institutions { totalCount } } }
		    pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after}, &page)
		for _, e := range page.Activities.Edges {
			a := e.Node
			if found[a.Title] {
				t.Errorf("%s is there twice", a.Title)
			}
			found[a.Title] = true
			if a.Municipalities.TotalCount != 3 || a.Institutions.TotalCount != 2 {
				t.Errorf("%s is half-written: %d of 3 municipalities, %d of 2 institutions",
					a.Title, a.Municipalities.TotalCount, a.Institutions.TotalCount)
			}
		}
		if !page.Activities.PageInfo.HasNextPage {
			break
		}
		after = page.Activities.PageInfo.EndCursor
	}
	lost := 0
	for title := range acked {
		if !found[title] {
			lost++
			t.Errorf("%s was acknowledged but is gone after the restart", title)
		}
	}
	t.Logf("%d writes acknowledged before SIGKILL, %d found after the restart (%d lost; the rest were in flight)",
		len(acked), len(found), lost)
}
