package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An admin takes a title change back from the activity's history, and
// brings the deleted activity back from the change log: both are new
// entries in the trail, and the activity reads as it was.
func TestAdminPageRevertsAndRestores(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/activities")
	b.signIn("alva", password)
	token := b.token("alva")
	var found struct {
		Activities struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	b.graphql(token, `query($t: String!) { activities(first: 1, where: {title: $t}) { edges { node { id } } } }`, map[string]any{"t": otherActivity}, &found)
	if len(found.Activities.Edges) != 1 {
		t.Fatalf("no activity %q", otherActivity)
	}
	id := found.Activities.Edges[0].Node.ID
	b.graphql(token, `mutation($id: ID!) { updateActivity(id: $id, input: {title: "Barnkulturplaner överallt"}) { id } }`, map[string]any{"id": id}, nil)

	t.Run("RevertsATitleFromTheHistory", func(t *testing.T) {
		b := b.in(t)
		b.open("#/activities/" + id)
		b.heading("Barnkulturplaner överallt")
		change := `//div[@class="history"]//li[contains(., "Barnkulturplaner överallt")]`
		b.run("undo the title change", chromedp.WaitVisible(change+`//button`), chromedp.Click(change+`//button[normalize-space()="Ångra"]`))
		if got := strings.Join(strings.Fields(b.text(`//dialog//p[1]`)), " "); got != "Titel blir igen: "+otherActivity {
			t.Errorf("the dialog says %q", got)
		}
		b.screenshot("revert-dialog")
		b.run("confirm", chromedp.Click(`//dialog//button[normalize-space()="Ångra ändringen"]`), chromedp.WaitNotPresent(chromedp.CSS("dialog")))
		b.heading(otherActivity)
		b.waitText("Ändringen av titel är ångrad.")
		newest := `//div[@class="history"]//tbody/tr[1]`
		b.run("wait for the revert in the history", chromedp.WaitVisible(newest+`//li[contains(., "Barnkulturplaner överallt → `+otherActivity+`")]`))

		// The same change again: the title has moved on, and the page says so.
		b.run("undo it again", chromedp.Click(`//div[@class="history"]//tbody/tr[2]//button[normalize-space()="Ångra"]`))
		b.run("confirm", chromedp.Click(`//dialog//button[normalize-space()="Ångra ändringen"]`), chromedp.WaitNotPresent(chromedp.CSS("dialog")))
		// The banner still holds the notice of the first revert until the refusal comes.
		b.run("wait for the refusal", chromedp.WaitVisible(`//div[@id="banner"][contains(@class, "error")]`))
		if got := b.text(`//div[@id="banner"]`); !strings.Contains(got, "Fältet har ändrats igen") {
			t.Errorf("banner = %q, want it to say the field has changed since", got)
		}
		b.screenshot("revert-history")
	})

	t.Run("RestoresFromTheChangeLog", func(t *testing.T) {
		b := b.in(t)
		b.graphql(token, `mutation($id: ID!) { deleteActivity(id: $id) }`, map[string]any{"id": id}, nil)
		b.open("#/audit")
		row := `//tbody/tr[.//span[contains(@class, "action-delete")]]`
		b.run("restore", chromedp.WaitVisible(row+`//button[normalize-space()="Återställ"]`), chromedp.Click(row+`//button[normalize-space()="Återställ"]`))
		if got := b.text(`//dialog//h2`); got != "Återställ aktivitet ”"+otherActivity+"”?" {
			t.Errorf("the dialog asks %q", got)
		}
		b.screenshot("restore-dialog")
		b.run("confirm", chromedp.Click(`//dialog//button[normalize-space()="Återställ"]`), chromedp.WaitNotPresent(chromedp.CSS("dialog")))
		b.waitText("Återställd: aktivitet ”" + otherActivity + "”.")
		b.run("wait for the restore in the log", chromedp.WaitVisible(`//tbody/tr[1]//span[normalize-space()="Återställd"]`))
		b.screenshot("restore-log")

		// Restored once, the deletion offers no second restore.
		b.run("wait for the deletion to say it is restored", chromedp.WaitVisible(row+`/td[last()][normalize-space()="Återställd"]`))
		if n := get(b, "count the buttons", chromedp.Evaluate[int](`document.querySelectorAll("button.restore").length`)); n != 0 {
			t.Errorf("%d restore buttons after the restore, want none", n)
		}

		b.open("#/activities/" + id)
		b.heading(otherActivity)
		b.run("wait for the restore in the history", chromedp.WaitVisible(`//div[@class="history"]//tbody/tr[1]//span[normalize-space()="Återställd"]`))
	})

	t.Run("PhoneWidth", func(t *testing.T) {
		b := b.in(t)
		b.run("narrow the window", chromedp.EmulateViewport(390, 844))
		b.open("#/audit")
		b.run("wait for the log", chromedp.WaitVisible(`//tbody/tr[1]`))
		b.screenshot("restore-log-phone")
		b.open("#/activities/" + id)
		b.run("wait for the history", chromedp.WaitVisible(`//div[@class="history"]//tbody/tr[1]`))
		b.screenshot("revert-history-phone")
	})
}
