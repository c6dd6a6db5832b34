package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// waitSubscribed waits until the server holds n live subscriptions: the
// page's streams are open and heard.
func (b *browser) waitSubscribed(n int) {
	b.t.Helper()
	for deadline := time.Now().Add(stepTimeout); b.hub.Count() != n; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.t.Fatalf("the server holds %d live subscriptions, want %d", b.hub.Count(), n)
		}
	}
}

// The admin page follows live updates (issue 16): with the activities
// and an activity's form open in two tabs, a colleague changing that
// activity's status shows in the list without a reload (the search and
// the selection kept, screen readers told), and in the form as a change
// made underneath, the colleague's value beside the user's; the user
// takes it and saves without a conflict. An open activity changed by
// someone else says so, showing the new status.
func TestAdminPageFollowsLiveUpdates(t *testing.T) {
	list := newBrowser(t, 1280, 900, liveUpdates())
	list.open("#/")
	list.signIn("alva", password)
	form := list.tab() // the same user, signed in in both
	var found struct {
		Activities struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	list.graphql("", `query($t: String!) { activities(where: {title: $t}) { edges { node { id } } } }`, map[string]any{"t": askersundActivity}, &found)
	id := found.Activities.Edges[0].Node.ID
	colleague := list.token("anna") // an editor of Askersund
	// setStatus changes the status as the colleague, and returns the activity's new version.
	setStatus := func(status string) int {
		t.Helper()
		var now struct{ Node struct{ Version int } }
		list.graphql(colleague, `query($id: ID!) { node(id: $id) { ... on Activity { version } } }`, map[string]any{"id": id}, &now)
		var changed struct{ UpdateActivity struct{ Version int } }
		list.graphql(colleague, `mutation($id: ID!, $s: ActivityStatus!, $v: Int!) { updateActivity(id: $id, input: {status: $s, version: $v}) { version } }`,
			map[string]any{"id": id, "s": status, "v": now.Node.Version}, &changed)
		return changed.UpdateActivity.Version
	}
	row := fmt.Sprintf(`//tr[.//a[normalize-space()=%s]]`, xq(askersundActivity))

	// The list, searched, with the activity selected; the form, with a
	// status and a person responsible typed in.
	list.open("#/activities?q=kulturkvarteret")
	list.summary("Visar 1–1 av 1")
	list.run("select the activity", chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[aria-label=%q]`, "Markera "+askersundActivity))))
	get(list, "mark the page", chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`))
	form.open("#/activities/" + id + "/edit")
	form.setValue("Status", "DONE")
	form.fill("Ansvarig", "Kulturenheten i Askersund")
	list.waitSubscribed(2)

	theirs := setStatus("ONGOING")

	t.Run("TheListShowsIt", func(t *testing.T) {
		b := list.in(t)
		b.run("wait for the new status in the list", chromedp.WaitVisible(row+`/td[normalize-space()="Pågående"]`))
		kept := get(b, "read the list's state", chromedp.Evaluate[string](`[String(window.notReloaded), location.hash, document.querySelector("input[type=search]").value,
			String(document.querySelector("tbody input[type=checkbox]").checked), document.querySelector(".bulk-count").textContent].join(" | ")`))
		if want := "true | #/activities?q=kulturkvarteret | kulturkvarteret | true | 1 aktivitet markerad"; kept != want {
			t.Errorf("after the live update the list's state is %q, want %q", kept, want)
		}
		said := get(b, "hear what screen readers are told", chromedp.Poll[string](`document.getElementById("status").textContent || null`))
		if said != "Listan uppdaterades." {
			t.Errorf("screen readers are told %q", said)
		}
	})

	t.Run("TheFormSaysItChangedUnderneath", func(t *testing.T) {
		b := form.in(t)
		banner := `//div[contains(@class, "changed-underneath")]`
		b.run("wait for the form to say so", chromedp.WaitVisible(banner+`[contains(., "Någon annan har ändrat aktivitet medan du redigerade")]`))
		if got := strings.Join(strings.Fields(b.text(banner)), " "); !strings.Contains(got, "Ändrat: status.") {
			t.Errorf("the form says %q, want it to name the status", got)
		}
		note := `//div[contains(@class, "field")][.//select[@name="status"]]/p[@class="field-note"]`
		if got := b.text(note); !strings.HasPrefix(got, "Sparat av någon annan medan du redigerade: Pågående. Ditt värde gäller om du sparar.") {
			t.Errorf("the note at the status says %q", got)
		}
		if got := get(b, "read the status", chromedp.Value(chromedp.CSS(`select[name="status"]`))); got != "DONE" {
			t.Errorf("the status field holds %q: the user's DONE was overwritten", got)
		}
		b.shotOf("live-changed-underneath", "main form")

		b.click("Ta de nya värdena")
		values := get(b, "read the form", chromedp.Evaluate[string](`document.querySelector("select[name=status]").value + " | " + document.querySelector("input[name=lead]").value`))
		if values != "ONGOING | Kulturenheten i Askersund" {
			t.Errorf("after taking the newer values the form holds %q", values)
		}
		b.click("Spara ändringar")
		b.waitView("#/activities/" + id)
		b.heading(askersundActivity)
		var saved struct {
			Node struct {
				Status, Lead string
				Version      int
			}
		}
		b.graphql("", `query($id: ID!) { node(id: $id) { ... on Activity { status lead version } } }`, map[string]any{"id": id}, &saved)
		if got, want := fmt.Sprintf("%s %s %d", saved.Node.Status, saved.Node.Lead, saved.Node.Version), fmt.Sprintf("ONGOING Kulturenheten i Askersund %d", theirs+1); got != want {
			t.Errorf("saved: %s, want %s: the colleague's status, the user's lead, one version on", got, want)
		}
	})

	t.Run("AnOpenActivityShowsIt", func(t *testing.T) {
		b := list.in(t)
		b.click(askersundActivity) // within the page: the stream stays open
		b.heading(askersundActivity)
		setStatus("DONE")
		b.run("wait for the page to say so", chromedp.WaitVisible(`//p[contains(@class, "live-note")][normalize-space()="Någon annan har ändrat aktivitet just nu: sidan visar den nya versionen."]`))
		if got := b.text(`//dt[.="Status"]/following-sibling::dd[1]`); got != "Genomförd" {
			t.Errorf("the activity's status reads %q, want Genomförd", got)
		}
	})
}
