package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An editor sees the history of the activities it may edit, and of their
// follow-ups, on their pages; not of others, and a viewer of none.
func TestAdminPageShowsAnEditorTheHistoryOfWhatItMayEdit(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	token := b.token("alva")
	var found struct {
		Mine, Other struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	b.graphql(token, `query($mine: String!, $other: String!) { mine: activities(where: {title: $mine}) { edges { node { id } } } other: activities(where: {title: $other}) { edges { node { id } } } }`,
		map[string]any{"mine": askersundActivity, "other": otherActivity}, &found)
	mine, other := found.Mine.Edges[0].Node.ID, found.Other.Edges[0].Node.ID
	for _, id := range []string{mine, other} {
		b.graphql(token, `mutation($id: ID!) { updateActivity(id: $id, input: {lead: "Kulturförvaltningen"}) { id } }`, map[string]any{"id": id}, nil)
	}
	hasHistory := func(b *browser) bool {
		b.settled()
		return get(b, "look for the history", chromedp.Evaluate[bool](`[...document.querySelectorAll("main h2")].some(h => h.textContent.startsWith("Historik"))`))
	}

	b.open("#/")
	b.signIn("anna", password)
	b.open("#/activities/" + mine)
	b.waitText("Historik")
	// The heading comes before the history's rows: wait for them.
	row := b.text(`//section[.//h2[starts-with(normalize-space(), "Historik")]]//tbody/tr[1][not(contains(., "Laddar"))]`)
	for _, want := range []string{"alva", "Ändrad", "Ansvarig", "Kulturförvaltningen"} {
		if !strings.Contains(row, want) {
			t.Errorf("the editor's history of its activity reads %q, without %q", row, want)
		}
	}
	b.screenshot("editor-history")
	b.open("#/activities/" + other)
	if hasHistory(b) {
		t.Error("the editor sees the history of an activity outside its scope")
	}
	b.click("Logga ut")
	b.signIn("ville", password)
	b.open("#/activities/" + mine)
	if hasHistory(b) {
		t.Error("a viewer sees a history")
	}
}
