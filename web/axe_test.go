package web_test

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// axe-core (testdata/axe, vendored from npm) checks the page as a
// screen-reader user and a user with low vision would meet it: names,
// roles, contrast, focusable scrolling regions.

var axeSource = sync.OnceValues(func() (string, error) {
	src, err := os.ReadFile("testdata/axe/axe.min.js")
	return string(src), err
})

// axe runs axe-core on the page as it is shown and returns its serious and
// critical findings, each as "rule: what (where)".
func (b *browser) axe() []string {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Fatalf("read axe-core: %v", err)
	}
	// DevTools' evaluate is not bound by the page's Content-Security-Policy.
	get(b, "load axe-core", chromedp.Evaluate[chromedp.Void](`window.axe ? undefined : (() => {`+src+`
	})()`))
	return get(b, "run axe-core", chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
		.filter(v => v.impact === "serious" || v.impact === "critical")
		.flatMap(v => v.nodes.map(n => v.id + ": " + v.help + " (" + n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\s+/g, " ").slice(0, 200) + ")")))`,
		chromedp.EvalAwaitPromise))
}

// colorScheme makes the browser prefer a dark or light colour scheme, as
// an operating system set to dark does.
func (b *browser) colorScheme(scheme string) {
	b.t.Helper()
	_, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		b.t.Fatalf("emulate prefers-color-scheme: %s: %v", scheme, err)
	}
}

// settled waits until nothing in the view is loading.
func (b *browser) settled() {
	b.t.Helper()
	b.run("wait until the view has loaded", chromedp.WaitNotPresent(chromedp.CSS(`main[aria-busy], main [aria-busy="true"]`)))
}

// The views of the admin page, each as a test opens it.
type axeView struct {
	name, address string
	signedIn      bool
	// then, when set, does something on the view before it is checked.
	then func(b *browser)
}

// adminViews are every view of the page, signed out and as an admin (who
// sees every one), over the seed and a few changes that give them content:
// an activity with a follow-up and a history.
func adminViews(t *testing.T, b *browser) []axeView {
	t.Helper()
	token := b.token("alva")
	id := func(root, where string) string {
		var out map[string]struct {
			Edges []struct{ Node struct{ ID string } }
		}
		b.graphql(token, "{ "+root+"(first: 1, where: "+where+") { edges { node { id } } } }", nil, &out)
		if len(out[root].Edges) == 0 {
			t.Fatalf("no %s where %s", root, where)
		}
		return out[root].Edges[0].Node.ID
	}
	activity := id("activities", `{title: "Samverkan kring Barnkulturplaner"}`)
	b.graphql(token, `mutation($id: ID!) { updateActivity(id: $id, input: {status: ONGOING, lead: "Regionen"}) { id } }`, map[string]any{"id": activity}, nil)
	var created struct{ CreateFollowUp struct{ ID string } }
	b.graphql(token, `mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2021-06-30T00:00:00Z", text: "Fyra kommuner har antagit planer.", assessment: YELLOW, status: ONGOING}) { id } }`,
		map[string]any{"a": activity}, &created)
	plan, goal := id("plans", `{}`), id("goals", `{number: 1}`)
	objective := id("objectives", `{hasGoalWith: {number: 1}}`)
	municipality, institution, user := id("municipalities", `{name: "Askersund"}`), id("institutions", `{name: "Sjöängen"}`), id("users", `{username: "anna"}`)
	return []axeView{
		{name: "HomeSignedOut", address: "#/"},
		{name: "SignInDialog", address: "#/", then: func(b *browser) {
			b.run("open the sign-in form", chromedp.Click(chromedp.CSS(`#account button`)), chromedp.WaitVisible(chromedp.CSS(`dialog.signin input[name="username"]`)))
		}},
		{name: "ActivitiesSignedOut", address: "#/activities"},
		{name: "Home", address: "#/", signedIn: true},
		{name: "Dashboard", address: "#/dashboard", signedIn: true},
		{name: "Plans", address: "#/plans", signedIn: true},
		{name: "Plan", address: "#/plans/" + plan, signedIn: true},
		{name: "PlanAsOf", address: "#/plans/" + plan + "/asof?date=2022-03-15", signedIn: true},
		{name: "FollowUpDeadlineNew", address: "#/deadlines/new?planID=" + plan, signedIn: true},
		{name: "YearlyReport", address: "#/plans/" + plan + "/report/2021", signedIn: true},
		{name: "Goal", address: "#/goals/" + goal, signedIn: true},
		{name: "Objective", address: "#/objectives/" + objective, signedIn: true},
		{name: "Activities", address: "#/activities", signedIn: true, then: func(b *browser) {
			b.run("select a row", chromedp.Click(chromedp.CSS(`input[aria-label="Markera alla på sidan"]`)))
		}},
		{name: "Activity", address: "#/activities/" + activity, signedIn: true},
		{name: "ActivityEdit", address: "#/activities/" + activity + "/edit", signedIn: true},
		{name: "ActivityNewWithErrors", address: "#/activities/new", signedIn: true, then: func(b *browser) {
			b.click("Skapa aktivitet")
			b.waitText("2 fält behöver rättas")
		}},
		{name: "FollowUps", address: "#/followUps", signedIn: true},
		{name: "FollowUp", address: "#/followUps/" + created.CreateFollowUp.ID, signedIn: true},
		{name: "FollowUpNew", address: "#/followUps/new?activityID=" + activity, signedIn: true},
		{name: "Municipalities", address: "#/municipalities", signedIn: true},
		{name: "Municipality", address: "#/municipalities/" + municipality, signedIn: true},
		{name: "Institutions", address: "#/institutions", signedIn: true},
		{name: "Institution", address: "#/institutions/" + institution, signedIn: true},
		{name: "Users", address: "#/users", signedIn: true},
		{name: "User", address: "#/users/" + user, signedIn: true},
		{name: "Tokens", address: "#/tokens", signedIn: true},
		{name: "Audit", address: "#/audit", signedIn: true},
		{name: "Password", address: "#/password", signedIn: true},
		{name: "NotFound", address: "#/activities/999999", signedIn: true},
	}
}

// Every view, in the light and the dark scheme, has no serious or critical
// finding of axe-core (contrast, names, roles, scrolling regions that the
// keyboard reaches) and shows no English; the views whose layout changes
// most on a phone are checked at 390 px too. One browser opens each view
// once and checks it in each scheme and width.
func TestAdminPageAxeFindsNothingSeriousOnAnyView(t *testing.T) {
	page := newBrowser(t, 1280, 900)
	onPhone := map[string]bool{"HomeSignedOut": true, "Activities": true, "Activity": true, "ActivityNewWithErrors": true, "Dashboard": true, "Audit": true}
	signedIn := false
	for _, v := range adminViews(t, page) {
		t.Run(v.name, func(t *testing.T) {
			b := page.in(t)
			b.run("emulate a desktop", chromedp.EmulateViewport(1280, 900))
			b.colorScheme("light")
			if v.signedIn && !signedIn {
				b.open("#/")
				b.signIn("alva", password)
				signedIn = true
			}
			b.open(v.address)
			b.settled()
			if v.then != nil {
				v.then(b)
				b.settled()
			}
			if found := b.visibleEnglish(); len(found) > 0 {
				t.Errorf("%s shows English: %q", v.address, found)
			}
			widths := []int{1280}
			if onPhone[v.name] {
				widths = append(widths, 390)
			}
			for _, width := range widths {
				if width == 390 {
					phone(b)
				}
				for _, scheme := range []string{"light", "dark"} {
					b.colorScheme(scheme)
					if found := b.axe(); len(found) > 0 {
						b.screenshot(fmt.Sprintf("axe-%s-%d-%s", scheme, width, v.name))
						t.Errorf("axe finds on %s, %s, %d px:\n%s", v.address, scheme, width, strings.Join(found, "\n"))
					}
				}
			}
		})
	}
}
