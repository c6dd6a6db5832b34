package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// bulkReport waits for the report of a change of many rows and returns it
// in one line.
func (b *browser) bulkReport(want string) string {
	b.t.Helper()
	b.run("wait for the report", chromedp.WaitVisible(fmt.Sprintf(`//div[contains(@class, "bulk-report")]/p[starts-with(normalize-space(), %s)]`, xq(want))))
	return strings.Join(strings.Fields(b.text(`//div[contains(@class, "bulk-report")]`)), " ")
}

// municipalityNames are the names of an activity's municipalities, or nil
// when it is gone.
func municipalityNames(b *browser, token, id string) []string {
	b.t.Helper()
	var out struct {
		Node *struct {
			Municipalities struct {
				Edges []struct{ Node struct{ Name string } }
			}
		}
	}
	b.graphql(token, `query($id: ID!) { node(id: $id) { ... on Activity { municipalities(orderBy: {field: NAME}) { edges { node { name } } } } } }`, map[string]any{"id": id}, &out)
	if out.Node == nil {
		return nil
	}
	names := []string{}
	for _, e := range out.Node.Municipalities.Edges {
		names = append(names, e.Node.Name)
	}
	return names
}

// auditedBy counts the audit entries of a record by action and user.
func auditedBy(b *browser, token, id, action, user string) int {
	b.t.Helper()
	var out struct{ AuditEntries struct{ TotalCount int } }
	b.graphql(token, `query($id: ID!, $action: AuditAction!, $user: String!) { auditEntries(where: {objectID: $id, action: $action, actorName: $user}) { totalCount } }`,
		map[string]any{"id": id, "action": action, "user": user}, &out)
	return out.AuditEntries.TotalCount
}

// Selected activities get a municipality added or removed, or are deleted,
// together: one confirmation, one audited change each, and the rows someone
// else changed meanwhile reported one by one and left as they were.
func TestAdminPageChangesTheMunicipalitiesOfManyActivitiesAndDeletesThem(t *testing.T) {
	page := newBrowser(t, 1280, 900)
	token := page.token("alva")
	ids := createActivities(page, token, "Samlad kommun A", "Samlad kommun B", "Samlad kommun C")
	confirms := func(b *browser) []string {
		b.mu.Lock()
		defer b.mu.Unlock()
		asked := b.confirms
		b.confirms = nil
		return asked
	}
	step := func(name string, f func(t *testing.T, b *browser)) {
		if !t.Failed() {
			t.Run(name, func(t *testing.T) { f(t, page.in(t)) })
		}
	}
	selectAll := func(b *browser) {
		b.run("select all rows", chromedp.Click(chromedp.CSS(`input[aria-label="Markera alla på sidan"]`)))
		b.waitText("3 aktiviteter markerade")
	}

	step("AMunicipalityIsAddedToEachAndAConflictIsReportedByRow", func(t *testing.T, b *browser) {
		b.open("#/")
		b.signIn("alva", password)
		b.open("#/activities?q=samlad%20kommun")
		b.summary("Visar 1–3 av 3")
		selectAll(b)
		if disabled := get(b, "read the button", chromedp.Evaluate[bool](`[...document.querySelectorAll(".bulk button")].find(e => e.textContent === "Lägg till kommunen").disabled`)); !disabled {
			t.Error("Lägg till kommunen can be pressed before a municipality is chosen")
		}
		b.choose("Kommun för de markerade", "nor", "Nora")
		// Someone else changes B meanwhile.
		b.graphql(token, `mutation($id: ID!) { updateActivity(id: $id, input: {lead: "Någon annan"}) { id } }`, map[string]any{"id": ids[1]}, nil)
		b.click("Lägg till kommunen")
		report := b.bulkReport("2 aktiviteter ändrade.")
		if want := "2 aktiviteter ändrade. 1 aktivitet kunde inte ändras: Samlad kommun B: någon annan ändrade den medan listan visades. Inget ändrades: försök igen."; report != want {
			t.Errorf("the report says\n%q, want\n%q", report, want)
		}
		if asked := confirms(b); len(asked) != 1 || !strings.Contains(asked[0], "Lägga till Nora") || !strings.Contains(asked[0], "för 3 aktiviteter") {
			t.Errorf("asked %q, want one confirmation naming Nora and 3 activities", asked)
		}
		b.screenshot("bulk-add-municipality")
		for i, want := range []string{"Nora", "", "Nora"} {
			if got := strings.Join(municipalityNames(b, token, ids[i]), ", "); got != want {
				t.Errorf("activity %c has %q, want %q", 'A'+i, got, want)
			}
		}
		for _, i := range []int{0, 2} {
			if n := auditedBy(b, token, ids[i], "UPDATE", "alva"); n != 1 {
				t.Errorf("activity %c has %d audited updates by alva, want 1", 'A'+i, n)
			}
		}
	})

	step("AMunicipalityIsRemoved", func(t *testing.T, b *browser) {
		b.summary("Visar 1–3 av 3") // the list is read again, with the new versions
		b.run("select A", chromedp.Click(chromedp.CSS(`input[aria-label="Markera Samlad kommun A"]`)))
		b.waitText("1 aktivitet markerad")
		b.click("Ta bort kommunen")
		if report := b.bulkReport("1 aktivitet ändrad."); report != "1 aktivitet ändrad." {
			t.Errorf("the report says %q", report)
		}
		if got := municipalityNames(b, token, ids[0]); len(got) != 0 {
			t.Errorf("A still has %q", got)
		}
		if got := strings.Join(municipalityNames(b, token, ids[2]), ", "); got != "Nora" {
			t.Errorf("C, not selected, has %q", got)
		}
	})

	step("SelectedActivitiesAreDeletedOneByOne", func(t *testing.T, b *browser) {
		b.summary("Visar 1–3 av 3")
		selectAll(b)
		confirms(b)
		b.graphql(token, `mutation($id: ID!) { updateActivity(id: $id, input: {lead: "Ändrad under tiden"}) { id } }`, map[string]any{"id": ids[2]}, nil)
		b.click("Ta bort markerade")
		report := b.bulkReport("2 aktiviteter borttagna.")
		if want := "2 aktiviteter borttagna. 1 aktivitet kunde inte tas bort: Samlad kommun C: någon annan ändrade den medan listan visades. Inget ändrades: försök igen."; report != want {
			t.Errorf("the report says\n%q, want\n%q", report, want)
		}
		if asked := confirms(b); len(asked) != 1 || !strings.Contains(asked[0], "Ta bort 3 aktiviteter") || !strings.Contains(asked[0], "går inte att ångra") {
			t.Errorf("asked %q, want one confirmation for 3 activities", asked)
		}
		b.summary("Visar 1–1 av 1")
		for i, want := range []int{1, 1, 0} {
			if n := auditedBy(b, token, ids[i], "DELETE", "alva"); n != want {
				t.Errorf("activity %c has %d audited deletions, want %d", 'A'+i, n, want)
			}
		}
		if municipalityNames(b, token, ids[2]) == nil {
			t.Error("C, changed meanwhile, was deleted")
		}
		b.screenshot("bulk-delete")
	})

	step("AnEditorIsRefusedByRowAndNotOfferedDeleting", func(t *testing.T, b *browser) {
		b.click("Logga ut")
		b.signIn("anna", password)
		b.open("#/activities")
		b.summary("Visar 1–7 av 7")
		if n := get(b, "find the delete button", chromedp.Evaluate[int](`[...document.querySelectorAll(".bulk button")].filter(e => e.textContent === "Ta bort markerade").length`)); n != 0 {
			t.Error("an editor is offered to delete activities")
		}
		for _, title := range []string{askersundActivity, otherActivity} {
			b.run("select "+title, chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[aria-label=%q]`, "Markera "+title))))
		}
		b.waitText("2 aktiviteter markerade")
		b.choose("Kommun för de markerade", "asker", "Askersund")
		b.click("Ta bort kommunen")
		report := b.bulkReport("Ingen aktivitet ändrad.")
		// The rows are reported in the list's order, each with its reason.
		for _, want := range []string{
			"Ingen aktivitet ändrad. 2 aktiviteter kunde inte ändras: ",
			askersundActivity + ": som redaktör får du inte ta bort den sista kommunen eller aktören i ditt ansvarsområde från en aktivitet: då kan du inte längre redigera den. Be en administratör om hjälp.",
			otherActivity + ": din roll får inte ändra den.",
		} {
			if !strings.Contains(report, want) {
				t.Errorf("the report says\n%q\nwithout %q", report, want)
			}
		}
		b.screenshot("bulk-editor-refused")
	})
}
