package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// english matches words of the server's English messages and of a script
// that shows a value it should not: none may reach the user.
var english = regexp.MustCompile(`(?i)\b(the|not found|error|must|invalid|request|failed|unknown|undefined|null|NaN|object|no plan)\b`)

// visibleEnglish returns the English the page shows, in the view or the
// banner, with some words around it.
func (b *browser) visibleEnglish() []string {
	b.t.Helper()
	text := get(b, "read the page", chromedp.Evaluate[string](`document.body.innerText`))
	var found []string
	for _, loc := range english.FindAllStringIndex(text, -1) {
		found = append(found, strings.Join(strings.Fields(text[max(0, loc[0]-40):min(len(text), loc[1]+40)]), " "))
	}
	return found
}

// A report that cannot be made (its plan is gone) says why in Swedish,
// signed out and signed in: the page fetches the file itself either way.
func TestAdminPageSaysWhyAReportCannotBeDownloaded(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.expect("status of 404") // the report's answer, in the console
	token := b.token("alva")
	var plans struct {
		Plans struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	b.graphql(token, `{ plans { edges { node { id } } } }`, nil, &plans)
	plan := plans.Plans.Edges[0].Node.ID
	check := func(who string) {
		b.open("#/dashboard")
		b.waitText("Status per utvecklingsmål")
		if who == "signed in" {
			b.signIn("alva", password)
			// The dashboard drawn again for the one plan left, not
			// the one that showed before signing in.
			b.waitText("Ny plan, Region Örebro län, 2024–2027.")
		}
		// The plan goes while the page shows it.
		b.graphql(token, `mutation($id: ID!) { deletePlan(id: $id) }`, map[string]any{"id": plan}, nil)
		b.click("status per mål (CSV)")
		banner := b.text(`//div[@id="banner"]`)
		if want := "Hittades inte. Det finns ingen sådan handlingsplan (id " + plan + ")."; banner != want {
			t.Errorf("%s, the banner says %q, want %q", who, banner, want)
		}
		if found := b.visibleEnglish(); len(found) > 0 {
			t.Errorf("%s, the page shows English: %q", who, found)
		}
	}
	check("signed out")
	b.screenshot("report-refused")
	// A new plan to delete, for the second try.
	var created struct{ CreatePlan struct{ ID string } }
	b.graphql(token, `mutation { createPlan(input: {name: "Ny plan", region: "Region Örebro län", firstYear: 2024, lastYear: 2027}) { id } }`, nil, &created)
	plan = created.CreatePlan.ID
	check("signed in")
}

// "Rubrik" is the heading under a goal, nothing else: every title field is
// "Titel", in the forms and in the audit trail.
func TestAdminPageSaysRubrikForTheHeadingOnly(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	token := b.token("alva")
	b.open("#/")
	b.signIn("alva", password)
	labels := func() map[string]string {
		return get(b, "read the form's labels", chromedp.Evaluate[map[string]string](`(() => {
			const out = {};
			for (const l of document.querySelectorAll("main form label")) {
				const field = l.closest(".field");
				const named = field ? field.querySelector("[name]") : null;
				out[named ? named.name : l.htmlFor] = l.textContent.replace(/\s*\*$/, "").trim();
			}
			return out;
		})()`))
	}
	for _, form := range []string{"#/goals/new", "#/objectives/new", "#/activities/new"} {
		b.open(form)
		got := labels()
		if _, ok := got["title"]; !ok {
			t.Fatalf("%s: no title among the labels %q", form, got)
		}
		if form == "#/activities/new" && got["objectiveID"] != "Rubrik" {
			t.Errorf("%s: the heading is labelled %q, want Rubrik", form, got["objectiveID"])
		}
		for name, label := range got {
			if name == "title" && label != "Titel" {
				t.Errorf("%s: the title is labelled %q, want Titel", form, label)
			}
			if label == "Rubrik" && name != "objectiveID" {
				t.Errorf("%s: %s is labelled Rubrik, which names the heading", form, name)
			}
		}
	}
	// The trail names a goal's title so too.
	var goals struct {
		Goals struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	b.graphql(token, `{ goals(where: {number: 1}) { edges { node { id } } } }`, nil, &goals)
	goal := goals.Goals.Edges[0].Node.ID
	b.graphql(token, `mutation($id: ID!) { updateGoal(id: $id, input: {title: "Barn och unga i hela länet"}) { id } }`, map[string]any{"id": goal}, nil)
	b.open("#/goals/" + goal)
	b.waitText("Historik")
	if change := b.text(`//ul[@class="changes"]/li[1]`); !strings.HasPrefix(change, "Titel: ") {
		t.Errorf("the history of a goal says %q, want its Titel", change)
	}
}

// The page follows the system's colour scheme: dark text on a light
// background, or light text on a dark one (axe checks the contrast of
// each: TestAdminPageAxeFindsNothingSeriousOnAnyView).
func TestAdminPageFollowsTheSystemsColourScheme(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	for _, scheme := range []string{"dark", "light"} {
		b.colorScheme(scheme)
		b.open("#/activities")
		b.summary("Visar 1–6 av 6")
		// The relative luminance of the page's background and text, and of
		// the list's surface (WCAG's formula).
		lum := get(b, "measure the colours", chromedp.Evaluate[[]float64](`(() => {
			const lum = (c) => {
				const [r, g, b] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
				return 0.2126 * r + 0.7152 * g + 0.0722 * b;
			};
			const body = getComputedStyle(document.body), wrap = getComputedStyle(document.querySelector("main .table-wrap"));
			return [lum(body.backgroundColor), lum(body.color), lum(wrap.backgroundColor)];
		})()`))
		bg, text, surface := lum[0], lum[1], lum[2]
		dark := bg < 0.05 && surface < 0.05 && text > 0.6
		light := bg > 0.8 && surface > 0.8 && text < 0.05
		if scheme == "dark" && !dark || scheme == "light" && !light {
			t.Errorf("in the %s scheme the background, text and surface have luminance %.3f, %.3f, %.3f", scheme, bg, text, surface)
		}
		b.screenshot("scheme-" + scheme)
	}
}
