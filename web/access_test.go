package web_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The activity an editor of Askersund may edit, and one it may not.
const (
	askersundActivity = "Ökad samverkan kring kulturkvarteret i Örebro, Sjöängen i Askersund, och den norra delen"
	otherActivity     = "Samverkan kring Barnkulturplaner"
)

// offers reports whether the page's main part has a link or button with
// the text, once the view has loaded.
func (b *browser) offers(text string) bool {
	b.t.Helper()
	b.run("wait for the view", chromedp.WaitNotPresent(chromedp.CSS(`main[aria-busy]`)))
	return get(b, "look for "+text, chromedp.Evaluate[bool](`[...document.querySelectorAll("main a, main button")].some(e => e.textContent.trim() === `+jsq(text)+`)`))
}

// bannerSays waits until the banner shows text containing want.
func (b *browser) bannerSays(want string) string {
	b.t.Helper()
	b.run("wait for the banner to say "+want, chromedp.WaitVisible(`//div[@id="banner"][contains(., `+xq(want)+`)]`))
	return b.text(`//div[@id="banner"]`)
}

// revokeSessions revokes every session of the user, as an admin does
// through the API.
func (b *browser) revokeSessions(username string) {
	b.t.Helper()
	admin := b.token("alva")
	var data struct {
		Tokens struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	b.graphql(admin, `query($u: String!) { tokens(where: {kind: SESSION, revokedAtIsNil: true, hasUserWith: [{username: $u}]}) { edges { node { id } } } }`, map[string]any{"u": username}, &data)
	if len(data.Tokens.Edges) == 0 {
		b.t.Fatalf("%s has no session to revoke", username)
	}
	for _, e := range data.Tokens.Edges {
		b.graphql(admin, `mutation($id: ID!) { revokeToken(id: $id) { revokedAt } }`, map[string]any{"id": e.Node.ID}, nil)
	}
}

// Signing in names the user in the header and brings the actions of the
// role; signing out takes both away again.
func TestAdminPageSignsInAndOut(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/activities")
	if got := b.who(); got != "" {
		t.Errorf("before signing in the header says %q", got)
	}
	if b.offers("Ny aktivitet") {
		t.Error("someone not signed in is offered to create an activity")
	}

	b.signIn("alva", password)
	if got := b.who(); got != "Inloggad som Alva Admin · administratör" {
		t.Errorf("signed in, the header says %q", got)
	}
	b.waitView("#/activities")
	if !b.offers("Ny aktivitet") {
		t.Error("the admin is not offered to create an activity")
	}
	b.run("see the admin's menu", chromedp.WaitVisible(`//nav//a[normalize-space()="Användare"]`))
	b.screenshot("signed-in")

	b.click("Logga ut")
	b.run("wait for the sign-in button", chromedp.WaitVisible(`//div[@id="account"]/button[normalize-space()="Logga in"]`))
	if got := b.who(); got != "" {
		t.Errorf("signed out, the header says %q", got)
	}
	b.waitText("Du är utloggad.")
	if b.offers("Ny aktivitet") {
		t.Error("signed out, the page still offers to create an activity")
	}
	b.run("the admin's menu is gone", chromedp.WaitNotVisible(`//nav//a[normalize-space()="Användare"]`))
	if kept := get(b, "read the stored token", chromedp.Evaluate[string](`localStorage.getItem("samverkan.token") || ""`)); kept != "" {
		t.Errorf("signed out, the browser still keeps a token")
	}
}

// A wrong password is refused in Swedish, and after repeated failures the
// page says how long to wait.
func TestAdminPageWrongPassword(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.expect("429") // the refusals, as the browser logs them
	b.open("#/")
	b.run("open the sign-in form", chromedp.Click(chromedp.CSS(`#account button`)))
	b.signInDialog("anna", "inte-lösenordet")
	// sent clears the message, sends the form and waits for the answer.
	sent := func() string {
		get(b, "clear the message", chromedp.Evaluate[chromedp.Void](`(() => { const e = document.querySelector("dialog.signin .field-error"); e.textContent = ""; e.hidden = true; })()`))
		b.run("send the form", chromedp.Click(chromedp.CSS(`dialog.signin button[type="submit"]`)))
		return b.text(`//dialog//p[contains(@class, "field-error")][normalize-space()]`)
	}
	if got := b.text(`//dialog//p[contains(@class, "field-error")][normalize-space()]`); got != "Fel användarnamn eller lösenord." {
		t.Errorf("a wrong password gets %q", got)
	}
	b.screenshot("wrong-password")
	if got := b.who(); got != "" {
		t.Errorf("after a wrong password the header says %q", got)
	}

	// Failures double the wait, so the refusal comes within a few tries
	// however slowly they are made.
	limited := regexp.MustCompile(`^För många misslyckade inloggningar\. Försök igen om \d+ sekunde?r?\.$`)
	var got string
	for i := 0; i < 10 && !limited.MatchString(got); i++ {
		got = sent()
		if !limited.MatchString(got) && got != "Fel användarnamn eller lösenord." {
			t.Fatalf("try %d gets %q", i+2, got)
		}
	}
	if !limited.MatchString(got) {
		t.Fatalf("after repeated failures the form says %q, want it to say to wait", got)
	}
	if disabled := get(b, "read the button", chromedp.Evaluate[bool](`document.querySelector("dialog.signin button[type=submit]").disabled`)); !disabled {
		t.Error("the sign-in button can be pressed while the server refuses")
	}
}

// An editor edits the activities of its municipality and adds follow-ups
// to them, is offered nothing else, and is told plainly when the server
// refuses a change.
func TestAdminPageEditorRole(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/plans")
	b.signIn("anna", password)
	if got := b.who(); got != "Inloggad som Anna Berg · redaktör" {
		t.Errorf("the header says %q", got)
	}
	b.waitView("#/plans")
	if b.offers("Ny handlingsplan") {
		t.Error("an editor is offered to create a plan")
	}
	b.click("Handlingsplan för kultursamverkan region och kommuner")
	b.waitView("#/plans/")
	for _, action := range []string{"Redigera", "Ta bort", "Nytt utvecklingsmål"} {
		if b.offers(action) {
			t.Errorf("an editor is offered %q on a plan", action)
		}
	}
	b.open("#/plans/new")
	b.heading("Ingen behörighet")

	b.open("#/activities")
	b.click(otherActivity)
	b.heading(otherActivity)
	for _, action := range []string{"Redigera", "Ta bort", "Ny uppföljning"} {
		if b.offers(action) {
			t.Errorf("an editor of Askersund is offered %q on an activity Askersund takes no part in", action)
		}
	}

	b.open("#/activities")
	b.click(askersundActivity)
	b.heading(askersundActivity)
	if !b.offers("Redigera") || !b.offers("Ny uppföljning") {
		t.Error("an editor of Askersund is not offered to edit an activity of Askersund and follow it up")
	}
	if b.offers("Ta bort") {
		t.Error("an editor is offered to delete an activity")
	}
	b.screenshot("editor-activity")
	b.click("Redigera")
	// Before saving, the form says which links an editor may change.
	b.waitText("Som redaktör lägger du till och tar bort bara kommuner och aktörer i ditt ansvarsområde (Askersund), och minst en av dem måste vara kvar, annars kan du inte längre redigera aktiviteten.")
	b.fill("Ansvarig", "Kulturenheten i Askersund")
	b.click("Spara ändringar")
	b.waitText("Ändringarna är sparade.")
	b.waitText("Kulturenheten i Askersund")

	// Meanwhile an admin takes Askersund from the editor's scope: the
	// server refuses the next save, and the page says why.
	b.click("Redigera")
	var users struct {
		Users struct {
			Edges []struct {
				Node struct {
					ID             string
					Municipalities []struct{ ID string }
				}
			}
		}
	}
	admin := b.token("alva")
	b.graphql(admin, `{ users(where: {username: "anna"}) { edges { node { id municipalities { id } } } } }`, nil, &users)
	anna := users.Users.Edges[0].Node
	b.graphql(admin, `mutation($id: ID!, $m: [ID!]) { updateUser(id: $id, input: {removeMunicipalityIDs: $m}) { id } }`, map[string]any{"id": anna.ID, "m": []string{anna.Municipalities[0].ID}}, nil)

	b.fill("Ansvarig", "Kultur i norra länet")
	b.click("Spara ändringar")
	got := b.bannerSays("Ingen behörighet")
	if !strings.Contains(got, "En redaktör ändrar bara de aktiviteter som kommunerna och aktörerna i redaktörens ansvarsområde deltar i") {
		t.Errorf("banner = %q, want it to say what an editor may change", got)
	}
	b.screenshot("editor-forbidden")
	if v := get(b, "read the field", chromedp.Value(chromedp.CSS(`input[name="lead"]`))); v != "Kultur i norra länet" {
		t.Errorf("after the refusal the field holds %q, want what was typed", v)
	}
}

// An editor who takes the last municipality of its scope off an activity
// is refused before anything is saved, and told why in Swedish.
func TestAdminPageEditorCannotLockItselfOut(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/activities")
	b.signIn("anna", password)
	b.click(askersundActivity)
	b.heading(askersundActivity)
	b.click("Redigera")
	b.run("take Askersund off", chromedp.Click(chromedp.CSS(`button[aria-label="Ta bort Askersund"]`)))
	b.click("Spara ändringar")
	got := b.bannerSays("Ingen behörighet")
	if !strings.Contains(got, "Som redaktör får du inte ta bort den sista kommunen eller aktören i ditt ansvarsområde") {
		t.Errorf("banner = %q, want it to say an editor keeps one of its scope", got)
	}
	b.screenshot("editor-lock-out")
}

// A viewer on a server whose plan is not public is asked to sign in
// first, then reads, and is offered no change.
func TestAdminPagePrivateServer(t *testing.T) {
	b := newBrowser(t, 1280, 900, privateReads())
	b.run("open the page", chromedp.Navigate(b.base+"/admin/#/activities"))
	if got := b.text(`//dialog//p[@class="signin-reason"]`); got != "Logga in för att fortsätta." {
		t.Errorf("the sign-in form says %q", got)
	}
	b.screenshot("private-sign-in")
	b.signInDialog("ville", password)
	b.waitView("#/activities")
	b.waitText(otherActivity)
	if got := b.who(); got != "Inloggad som Ville Läsare · läsare" {
		t.Errorf("the header says %q", got)
	}
	if b.offers("Ny aktivitet") {
		t.Error("a viewer is offered to create an activity")
	}
	b.click(otherActivity)
	b.heading(otherActivity)
	if b.offers("Redigera") || b.offers("Ta bort") {
		t.Error("a viewer is offered to change an activity")
	}

	// Signed out, the page asks again; without signing in it says why.
	// (The view waits for the sign-in, so the click does not wait for it.)
	b.run("sign out", chromedp.Click(`//div[@id="account"]/button[normalize-space()="Logga ut"]`))
	b.run("wait for the sign-in form", chromedp.WaitVisible(chromedp.CSS(`dialog.signin`)))
	b.run("cancel", chromedp.Click(`//dialog//button[normalize-space()="Avbryt"]`))
	b.waitText("Planen på den här servern är inte offentlig: logga in för att läsa den.")
}

// An admin creates an editor in the Users view, who can then sign in.
func TestAdminPageAdminCreatesAUser(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/")
	b.signIn("alva", password)
	b.click("Användare")
	b.waitView("#/users")
	b.waitText("Anna Berg")
	b.click("Ny användare")
	b.fill("Namn", "Nils Nilsson")
	b.fill("Användarnamn", "nils")
	b.run("pick the role", chromedp.SetValue(chromedp.CSS("#"+b.fieldID("Roll")), "EDITOR"))
	b.choose("Kommuner", "nor", "Nora")
	b.fill("Lösenord", "nils-eget-lösenord")
	b.screenshot("user-form")
	b.click("Skapa användare")
	b.heading("Nils Nilsson")
	b.waitText("Användare skapad.")
	if got := b.text(`//section[h2[starts-with(., "Kommuner i ansvarsområdet")]]//ul`); got != "Nora" {
		t.Errorf("the new user's municipalities are %q", got)
	}
	b.open("#/users")
	b.waitText("Nils Nilsson")
	b.screenshot("users")

	b.click("Logga ut")
	b.signIn("nils", "nils-eget-lösenord")
	if got := b.who(); got != "Inloggad som Nils Nilsson · redaktör" {
		t.Errorf("the new user signed in, the header says %q", got)
	}
}

// After an edit, the activity's history says who changed what, from what
// to what; the audit trail finds it by type and user.
func TestAdminPageHistory(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/activities")
	b.signIn("alva", password)
	b.click(otherActivity)
	b.click("Redigera")
	b.fill("Titel", "Barnkulturplaner i hela länet")
	b.choose("Deltagande kommuner", "nor", "Nora")
	b.click("Spara ändringar")
	b.heading("Barnkulturplaner i hela länet")

	history := `//div[@class="history"]//tbody/tr[1]`
	b.run("wait for the history", chromedp.WaitVisible(history+`//li[contains(., "Nora")]`))
	got := strings.Join(strings.Fields(b.text(history)), " ")
	for _, want := range []string{"Alva Admin (alva)", "Ändrad", "Titel: " + otherActivity + " → Barnkulturplaner i hela länet", "Deltagande kommuner: + Nora"} {
		if !strings.Contains(got, want) {
			t.Errorf("the history says %q, want %q in it", got, want)
		}
	}
	b.screenshot("history")

	b.click("Ändringslogg")
	b.waitView("#/audit")
	b.run("filter by type", chromedp.SetValue(chromedp.CSS("#"+b.fieldID("Slag av post")), "Activity"), chromedp.Evaluate[chromedp.Void](`document.getElementById(`+jsq(b.fieldID("Slag av post"))+`).dispatchEvent(new Event("change"))`))
	b.waitText("Visar 1–1 av 1")
	b.waitText("Barnkulturplaner i hela länet")
	b.fill("Användarnamn", "anna")
	b.waitText("Inga träffar.")
}

// An expired or revoked session makes the page ask to sign in again, and
// the form is saved as typed once the user has.
func TestAdminPageSignInAgainKeepsTheForm(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.expect("401") // the refused request, as the browser logs it
	b.open("#/activities")
	b.signIn("anna", password)
	b.click(askersundActivity)
	b.click("Redigera")
	b.fill("Ansvarig", "Kulturskolan i Askersund")

	b.revokeSessions("anna")
	b.click("Spara ändringar")
	if got := b.text(`//dialog//p[@class="signin-reason"]`); !strings.Contains(got, "har gått ut eller avslutats") || !strings.Contains(got, "finns kvar") {
		t.Errorf("the sign-in form says %q, want it to say the session ended and the input is kept", got)
	}
	if got := b.who(); got != "" {
		t.Errorf("with the session revoked the header says %q", got)
	}
	b.screenshot("sign-in-again")
	if v := get(b, "read the field", chromedp.Value(chromedp.CSS(`input[name="lead"]`))); v != "Kulturskolan i Askersund" {
		t.Errorf("behind the sign-in form the field holds %q, want what was typed", v)
	}

	b.signInDialog("anna", password)
	b.waitText("Ändringarna är sparade.")
	b.heading(askersundActivity)
	b.waitText("Kulturskolan i Askersund")
	if got := b.who(); got != "Inloggad som Anna Berg · redaktör" {
		t.Errorf("signed in again, the header says %q", got)
	}
}

// An admin issues an API key, sees it once, and revokes it.
func TestAdminPageAPIKeys(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/")
	b.signIn("alva", password)
	b.click("API-nycklar")
	b.heading("API-nycklar och inloggningar")
	b.fill("Vad nyckeln är till", "Kolada-export")
	b.click("Skapa API-nyckel")
	b.waitText("Kopiera nyckeln nu: den visas bara den här gången. Servern sparar den inte, bara ett kontrollvärde, så den går inte att visa igen. Förvara den som ett lösenord.")
	key := get(b, "read the key", chromedp.Value(chromedp.CSS(`.issued input`)))
	var me struct{ Me struct{ Username string } }
	b.graphql(key, `{ me { username } }`, nil, &me)
	if me.Me.Username != "alva" {
		t.Errorf("the key acts for %q", me.Me.Username)
	}
	b.waitText("API-nyckel: Kolada-export")
	b.screenshot("api-keys")

	b.click("Återkalla")
	b.run("confirm", chromedp.Click(`//dialog//button[normalize-space()="Återkalla"]`), chromedp.WaitNotPresent(chromedp.CSS("dialog")))
	b.waitText("API-nyckeln ”Kolada-export” är återkallad.")
	b.run("wait for the list", chromedp.WaitVisible(`//td[starts-with(normalize-space(), "Återkallad")]`))
}

// A signed-in user changes their own password, and signs in with it.
func TestAdminPageChangesPassword(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open("#/")
	b.signIn("anna", password)
	b.click("Byt lösenord")
	b.heading("Byt lösenord")
	b.fill("Nuvarande lösenord", "inte-lösenordet")
	b.fill("Nytt lösenord", "annas-nya-lösenord")
	b.fill("Upprepa det nya lösenordet", "annas-nya-lösenord")
	submit := chromedp.Click(chromedp.CSS(`main button[type="submit"]`)) // the header has a "Byt lösenord" too
	b.run("send the form", submit)
	if got := b.text(`//div[contains(@class, "field")][.//input[@name="currentPassword"]]/p[@class="field-error"]`); got != "Det är inte ditt nuvarande lösenord." {
		t.Errorf("a wrong current password gets %q", got)
	}
	b.fill("Nuvarande lösenord", password)
	b.run("send the form again", submit)
	b.waitText("Lösenordet är bytt. Dina andra inloggningar är utloggade.")

	b.click("Logga ut")
	b.signIn("anna", "annas-nya-lösenord")
	if got := b.who(); got != "Inloggad som Anna Berg · redaktör" {
		t.Errorf("signed in with the new password, the header says %q", got)
	}
}

// An admin disables a user in the user's form: the user's page and the
// list say so, the user cannot sign in (told why, in Swedish), and enabled
// again signs in.
func TestAdminPageDisablesAUser(t *testing.T) {
	for _, width := range []int{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := newBrowser(t, width, 900)
			b.open("#/users")
			b.signIn("alva", password)
			b.waitView("#/users")
			b.click("Anna Berg")
			b.heading("Anna Berg")
			b.click("Redigera")
			b.run("tick Avstängd", chromedp.Click(chromedp.CSS("#"+b.fieldID("Avstängd"))))
			b.screenshot(fmt.Sprintf("user-disable-form-%d", width))
			b.click("Spara ändringar")
			b.heading("Anna Berg")
			b.waitText("Avstängd: kan inte logga in")
			b.screenshot(fmt.Sprintf("user-disabled-%d", width))
			b.open("#/users?status=disabled")
			b.waitView("#/users")
			b.run("wait for the disabled users", chromedp.WaitVisible(`//main//table//tbody//td[normalize-space()="Avstängd"]`))
			if got := b.text(`//main//table//tbody`); !strings.Contains(got, "Anna Berg") || !strings.Contains(got, "Avstängd") || strings.Contains(got, "Alva Admin") {
				t.Errorf("the list of disabled users reads %q", got)
			}

			b.click("Logga ut")
			signInButton := `//div[@id="account"]/button[normalize-space()="Logga in"]`
			b.run("open the sign-in form", chromedp.WaitVisible(signInButton), chromedp.Click(signInButton))
			b.run("wait for the sign-in form", chromedp.WaitVisible(chromedp.CSS(`dialog.signin input[name="username"]`)))
			get(b, "empty the sign-in form", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("dialog.signin input").forEach(e => e.value = "")`))
			b.run("sign in as anna",
				chromedp.SendKeys(chromedp.CSS(`dialog.signin input[name="username"]`), "anna"),
				chromedp.SendKeys(chromedp.CSS(`dialog.signin input[name="password"]`), password),
				chromedp.Click(chromedp.CSS(`dialog.signin button[type="submit"]`)),
			)
			if got := b.text(`//dialog//p[contains(@class, "field-error")][normalize-space()]`); got != "Användaren är avstängd och kan inte logga in. En administratör kan aktivera den igen." {
				t.Errorf("a disabled user signing in is told %q", got)
			}
			b.run("cancel", chromedp.Click(`//dialog//button[normalize-space()="Avbryt"]`))

			admin := b.token("alva")
			var users struct {
				Users struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
			b.graphql(admin, `{ users(where: {username: "anna"}) { edges { node { id } } } }`, nil, &users)
			b.graphql(admin, `mutation($id: ID!) { updateUser(id: $id, input: {disabled: false}) { id } }`, map[string]any{"id": users.Users.Edges[0].Node.ID}, nil)
			b.signIn("anna", password)
		})
	}
}
