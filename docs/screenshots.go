//go:build ignore

// Screenshots takes the README's pictures of the admin page from a running
// samverkan, in headless Chromium: the list of activities, an activity and
// the dashboard, at desktop and phone width, in the light and the dark
// scheme. Start the real binary on a new database with an admin, then run
// this against it:
//
//	SAMVERKAN_ADMIN_PASSWORD='ett långt lösenord' go run ./cmd/samverkan --db /tmp/shots.db --addr 127.0.0.1:8181 &
//	go run docs/screenshots.go -url http://127.0.0.1:8181 -password 'ett långt lösenord'
//
// It first gives one activity municipalities, a status and a follow-up
// through the API, as an admin would, so that the pictures show them.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8181", "the running samverkan")
	pw := flag.String("password", "", "the password of the user admin")
	out := flag.String("out", "docs", "where the pictures go")
	flag.Parse()
	if err := run(*base, *pw, *out); err != nil {
		log.Fatal(err)
	}
}

func run(base, pw, out string) error {
	var login struct {
		Login struct{ Token string }
	}
	if err := gql(base, "", `mutation($p: String!) { login(username: "admin", password: $p) { token } }`, map[string]any{"p": pw}, &login); err != nil {
		return err
	}
	token := login.Login.Token
	activity, err := prepare(base, token)
	if err != nil {
		return err
	}

	allocCtx, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 860), chromedp.Flag("lang", "sv-SE"))...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	// Signed in as the admin, as the region's staff work.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin/"),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`localStorage.setItem("samverkan.token", %q)`, token)),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#account .who`)),
	); err != nil {
		return err
	}
	views := []struct{ name, address string }{
		{"activities", "#/activities"},
		{"activity", "#/activities/" + activity},
		{"dashboard", "#/dashboard"},
	}
	for _, scheme := range []string{"light", "dark"} {
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		}); err != nil {
			return err
		}
		for _, phone := range []bool{false, true} {
			width, height, scale := int64(1280), int64(860), 1.0
			if phone {
				width, height, scale = 390, 844, 2
			}
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, chromedp.EmulateScale(scale))); err != nil {
				return err
			}
			for _, v := range views {
				name := "admin-" + v.name
				if phone {
					name += "-phone"
				}
				if scheme == "dark" {
					name += "-dark"
				}
				png, err := shot(ctx, base+"/admin/"+v.address, v.address)
				if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				path := filepath.Join(out, name+".png")
				if err := os.WriteFile(path, png, 0o644); err != nil {
					return err
				}
				log.Printf("%s (%d bytes)", path, len(png))
			}
		}
	}
	return nil
}

// shot opens a view, waits until nothing in it loads, and takes the window.
func shot(ctx context.Context, url, address string) ([]byte, error) {
	err := chromedp.Do(ctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`main[data-view=%q]:not([aria-busy])`, address))),
		chromedp.WaitNotPresent(chromedp.CSS(`main [aria-busy="true"]`)),
		chromedp.Sleep(300*time.Millisecond),
	)
	if err != nil {
		return nil, err
	}
	return chromedp.Run(ctx, chromedp.CaptureScreenshot())
}

// prepare gives the activity the pictures show its municipalities, a status
// and a follow-up, and returns its id.
func prepare(base, token string) (string, error) {
	var found struct {
		Activities struct {
			Edges []struct{ Node struct{ ID string } }
		}
		Municipalities struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	err := gql(base, token, `{ activities(where: {title: "Samverkan kring Barnkulturplaner"}) { edges { node { id } } }
		municipalities(where: {nameIn: ["Örebro", "Kumla", "Lekeberg", "Laxå"]}) { edges { node { id } } } }`, nil, &found)
	if err != nil || len(found.Activities.Edges) == 0 {
		return "", fmt.Errorf("find the activity: %v", err)
	}
	id := found.Activities.Edges[0].Node.ID
	var municipalities []string
	for _, e := range found.Municipalities.Edges {
		municipalities = append(municipalities, e.Node.ID)
	}
	if err := gql(base, token, `mutation($id: ID!, $m: [ID!]) { updateActivity(id: $id, input: {status: ONGOING, lead: "Region Örebro län, Kultur och ideell sektor", addMunicipalityIDs: $m}) { id } }`,
		map[string]any{"id": id, "m": municipalities}, nil); err != nil {
		return "", err
	}
	err = gql(base, token, `mutation($id: ID!) { createFollowUp(input: {activityID: $id, date: "2021-06-30T00:00:00Z", period: FIRST_HALF, status: ONGOING, assessment: YELLOW,
		text: "Fyra kommuner arbetar med barnkulturplaner; två har antagit dem.", author: "Anna Berg"}) { id } }`, map[string]any{"id": id}, nil)
	return id, err
}

func gql(base, token, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var reply struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(res.Body).Decode(&reply); err != nil {
		return err
	}
	if len(reply.Errors) > 0 {
		return fmt.Errorf("%s", reply.Errors[0].Message)
	}
	if out != nil {
		return json.Unmarshal(reply.Data, out)
	}
	return nil
}
