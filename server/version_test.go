package server_test

import (
	"fmt"
	"sync"
	"testing"
)

// Two people editing the same activity cannot overwrite each other
// unawares: an update based on an old version fails with CONFLICT and
// changes nothing.
func TestUpdatesBasedOnAStaleVersionConflict(t *testing.T) {
	s := newTestServer(t)
	id := s.idOf("activities", `{titleHasPrefix: "Samverkan kring"}`)
	const update = `mutation($id: ID!, $input: UpdateActivityInput!) { updateActivity(id: $id, input: $input) { title version } }`
	type result struct {
		UpdateActivity struct {
			Title   string
			Version int
		}
	}
	read := func() (title string, version int) {
		var data struct {
			Node struct {
				Title   string
				Version int
			}
		}
		s.must(`query($id: ID!) { node(id: $id) { ... on Activity { title version } } }`, map[string]any{"id": id}, &data)
		return data.Node.Title, data.Node.Version
	}

	if _, v := read(); v != 1 {
		t.Fatalf("a new activity's version = %d, want 1", v)
	}
	var r result
	s.must(update, map[string]any{"id": id, "input": map[string]any{"title": "Barnkulturplaner i alla kommuner", "version": 1}}, &r)
	if r.UpdateActivity.Version != 2 {
		t.Errorf("version after an update = %d, want 2", r.UpdateActivity.Version)
	}

	t.Run("ErrStaleVersion", func(t *testing.T) {
		e := s.wantError(update, map[string]any{"id": id, "input": map[string]any{"title": "Något annat", "version": 1}}, "CONFLICT", "version")
		if want := "version: someone else changed this activity after version 1 (it is now at version 2): load it again and redo the change"; e.Message != want {
			t.Errorf("message = %q, want %q", e.Message, want)
		}
		if title, v := read(); title != "Barnkulturplaner i alla kommuner" || v != 2 {
			t.Errorf("after the conflict: %q at version %d, want nothing changed", title, v)
		}
	})

	t.Run("ExactlyOneOfConcurrentUpdatesWins", func(t *testing.T) {
		const editors = 8
		results := make(chan gqlResponse, editors)
		var wg sync.WaitGroup
		for i := range editors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results <- s.post(update, map[string]any{"id": id, "input": map[string]any{"title": fmt.Sprintf("Version från redaktör %d", i), "version": 2}})
			}()
		}
		wg.Wait()
		close(results)
		won, conflicts := 0, 0
		for r := range results {
			switch {
			case len(r.Errors) == 0:
				won++
			case r.Errors[0].Extensions.Code == "CONFLICT":
				conflicts++
			default:
				t.Errorf("unexpected error: %+v", r.Errors)
			}
		}
		if won != 1 || conflicts != editors-1 {
			t.Errorf("%d updates won and %d conflicted, want 1 and %d", won, conflicts, editors-1)
		}
		if _, v := read(); v != 3 {
			t.Errorf("version after the race = %d, want 3", v)
		}
	})

	t.Run("WithoutAVersionTheUpdateApplies", func(t *testing.T) {
		s.must(update, map[string]any{"id": id, "input": map[string]any{"status": "ONGOING"}}, &r)
		if r.UpdateActivity.Version != 4 {
			t.Errorf("version = %d, want 4", r.UpdateActivity.Version)
		}
	})

	t.Run("ErrUnknownIDIsNotFoundNotConflict", func(t *testing.T) {
		s.wantError(update, map[string]any{"id": "999", "input": map[string]any{"title": "x", "version": 1}}, "NOT_FOUND", "")
	})
}
