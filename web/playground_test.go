package web

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
)

// newServer mounts the playground the way the server does.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/playground/", Playground())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, rawURL string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// checkSecurityHeaders fails unless resp carries the headers every
// playground response must have, whatever its status.
func checkSecurityHeaders(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	for name, want := range map[string]string{
		"Content-Security-Policy": playgroundCSP,
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s: %s = %q, want %q", what, name, got, want)
		}
	}
}

var (
	scriptTag     = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)
	stylesheetTag = regexp.MustCompile(`(?i)<link\b[^>]*\brel="stylesheet"[^>]*>`)
	srcAttr       = regexp.MustCompile(`(?i)\bsrc="([^"]*)"`)
	hrefAttr      = regexp.MustCompile(`(?i)\bhref="([^"]*)"`)
	eventHandler  = regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`)
)

// references returns the scripts and stylesheets index.html loads.
func references(t *testing.T, html string) (scripts, styles []string) {
	t.Helper()
	for _, m := range scriptTag.FindAllStringSubmatch(html, -1) {
		src := srcAttr.FindStringSubmatch(m[1])
		if src == nil || strings.TrimSpace(m[2]) != "" {
			// The CSP (script-src 'self') would block it.
			t.Errorf("index.html has an inline script: %s", m[0])
			continue
		}
		scripts = append(scripts, src[1])
	}
	for _, tag := range stylesheetTag.FindAllString(html, -1) {
		styles = append(styles, hrefAttr.FindStringSubmatch(tag)[1])
	}
	return scripts, styles
}

func TestIndex(t *testing.T) {
	srv := newServer(t)
	resp, body := get(t, srv.URL+"/playground/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /playground/: %s", resp.Status)
	}
	checkSecurityHeaders(t, "index.html", resp)
	if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("Cache-Control = %q, want no-cache", got)
	}
	for _, want := range []string{
		"<title>Samverkan – GraphQL playground</title>",
		`data-endpoint="/graphql"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	if m := eventHandler.FindString(body); m != "" {
		t.Errorf("index.html has an inline event handler, which the CSP blocks: %s", m)
	}
}

func TestReferencedAssets(t *testing.T) {
	srv := newServer(t)
	_, html := get(t, srv.URL+"/playground/")
	scripts, styles := references(t, html)
	// Guards the regexps too: a page that loads nothing would pass below.
	if len(scripts) != 4 || len(styles) != 2 {
		t.Fatalf("index.html loads scripts %q and stylesheets %q; want 4 and 2", scripts, styles)
	}

	base, err := url.Parse(srv.URL + "/playground/")
	if err != nil {
		t.Fatal(err)
	}
	check := func(ref, wantType string) {
		u, err := base.Parse(ref)
		if err != nil {
			t.Fatal(err)
		}
		if u.Host != base.Host {
			t.Errorf("%s is not served by the playground", ref)
			return
		}
		resp, body := get(t, u.String())
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", ref, resp.Status)
			return
		}
		checkSecurityHeaders(t, ref, resp)
		if got := resp.Header.Get("Content-Type"); got != wantType {
			t.Errorf("%s: Content-Type = %q, want %q", ref, got, wantType)
		}
		if len(body) == 0 {
			t.Errorf("%s is empty", ref)
		}
		wantCache := "no-cache"
		if strings.HasPrefix(u.Path, "/playground/vendor/") {
			wantCache = "public, max-age=31536000, immutable"
		}
		if got := resp.Header.Get("Cache-Control"); got != wantCache {
			t.Errorf("%s: Cache-Control = %q, want %q", ref, got, wantCache)
		}
	}
	for _, s := range scripts {
		check(s, "text/javascript; charset=utf-8")
	}
	for _, s := range styles {
		check(s, "text/css; charset=utf-8")
	}
}

// Vendor files are cached for a year, so their URLs must change whenever
// update.sh pins another version.
func TestVendorURLsCarryPinnedVersions(t *testing.T) {
	script, err := os.ReadFile("playground/update.sh")
	if err != nil {
		t.Fatal(err)
	}
	version := func(name string) string {
		m := regexp.MustCompile(`(?m)^` + name + `=(\S+)$`).FindSubmatch(script)
		if m == nil {
			t.Fatalf("update.sh does not set %s", name)
		}
		return string(m[1])
	}
	want := map[string]string{
		"vendor/react.production.min.js":     version("REACT_VERSION"),
		"vendor/react-dom.production.min.js": version("REACT_DOM_VERSION"),
		"vendor/graphiql.min.js":             version("GRAPHIQL_VERSION"),
		"vendor/graphiql.min.css":            version("GRAPHIQL_VERSION"),
	}

	html, err := os.ReadFile("playground/index.html")
	if err != nil {
		t.Fatal(err)
	}
	scripts, styles := references(t, string(html))
	seen := 0
	for _, ref := range append(scripts, styles...) {
		u, err := url.Parse(ref)
		if err != nil {
			t.Fatal(err)
		}
		v, ok := want[u.Path]
		if !ok {
			if strings.HasPrefix(u.Path, "vendor/") {
				t.Errorf("%s is not pinned in update.sh", ref)
			}
			continue
		}
		seen++
		if got := u.Query().Get("v"); got != v {
			t.Errorf("%s: ?v=%q, want the pinned version %q", ref, got, v)
		}
	}
	if seen != len(want) {
		t.Errorf("index.html loads %d of the %d vendored files", seen, len(want))
	}
}

func TestEveryResponseHasSecurityHeaders(t *testing.T) {
	srv := newServer(t)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/playground/", http.StatusOK},
		{"HEAD", "/playground/playground.js", http.StatusOK},
		{"GET", "/playground/missing.js", http.StatusNotFound},
		// No directory listings, and the tooling next to the assets is
		// not part of the site.
		{"GET", "/playground/vendor/", http.StatusNotFound},
		{"GET", "/playground/update.sh", http.StatusNotFound},
		{"GET", "/playground/vendor/README.md", http.StatusNotFound},
		{"POST", "/playground/", http.StatusMethodNotAllowed},
	} {
		req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		what := tc.method + " " + tc.path
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %s, want %d", what, resp.Status, tc.status)
		}
		checkSecurityHeaders(t, what, resp)
	}
}

// The policy must name no origin but the page's own: the server runs
// without internet, and anything remote would be a leak or a hang.
func TestCSPNamesNoRemoteOrigin(t *testing.T) {
	directives := map[string][]string{}
	for _, d := range strings.Split(playgroundCSP, ";") {
		fields := strings.Fields(d)
		if len(fields) == 0 {
			continue
		}
		directives[fields[0]] = fields[1:]
		for _, src := range fields[1:] {
			keyword := strings.HasPrefix(src, "'") && strings.HasSuffix(src, "'")
			if !keyword && src != "data:" {
				t.Errorf("%s allows %s; only 'self', 'none' and data: are expected", fields[0], src)
			}
			if src == "'unsafe-eval'" || src == "'unsafe-inline'" {
				t.Errorf("%s allows %s", fields[0], src)
			}
		}
	}
	for name, want := range map[string]string{
		"default-src":     "'none'",
		"script-src":      "'self'",
		"connect-src":     "'self'",
		"frame-ancestors": "'none'",
	} {
		if got := strings.Join(directives[name], " "); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// Absolute URLs are fine in the bundles as long as nothing fetches them:
// XML namespaces, and links a user may click. Every host that appears must
// be listed here with the reason, so an upgrade that adds one gets a look.
var inertHosts = map[string]string{
	"www.w3.org":       "XML namespace names (SVG, XHTML, MathML, XLink)",
	"reactjs.org":      "React's error-decoder link in error messages",
	"github.com":       "GraphiQL logo link and licence/help text",
	"codemirror.net":   "link in GraphiQL's keyboard shortcuts dialog",
	"commonmark.org":   "text of graphql-js's @deprecated description",
	"en.wikipedia.org": "text of graphql-js's Float description",
}

var (
	absoluteURL = regexp.MustCompile(`(?i)(?:\bhttps?:)?//([a-z0-9.-]+\.[a-z]{2,})`)
	// Ways a file could make the browser fetch something at load time.
	cssLoad  = regexp.MustCompile(`(?i)(?:url\(\s*['"]?|@import\s+['"]?)([^'")\s]*)`)
	htmlLoad = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*"([^"]*)"`)
	jsLoad   = regexp.MustCompile(`\bimportScripts\s*\(|\bimport\s*\(\s*["'\x60]|\bnew\s+(?:Shared)?Worker\s*\(`)
	// Hosts that only ever serve things to load.
	cdnHost = regexp.MustCompile(`(?i)unpkg\.com|jsdelivr\.net|cdnjs\.cloudflare\.com|fonts\.googleapis\.com|fonts\.gstatic\.com|esm\.sh|skypack\.dev|ajax\.googleapis\.com`)
)

func TestNoRemoteLoads(t *testing.T) {
	fsys := os.DirFS("playground")
	checked := 0
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := path.Ext(name)
		if ext != ".html" && ext != ".js" && ext != ".css" {
			return nil
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		text := string(b)
		checked++

		if m := cdnHost.FindString(text); m != "" {
			t.Errorf("%s names the CDN %s", name, m)
		}
		switch ext {
		case ".css":
			for _, m := range cssLoad.FindAllStringSubmatch(text, -1) {
				if !strings.HasPrefix(m[1], "data:") && !strings.HasPrefix(m[1], "#") {
					t.Errorf("%s loads %.80q; only data: URLs are expected", name, m[1])
				}
			}
		case ".html":
			for _, m := range htmlLoad.FindAllStringSubmatch(text, -1) {
				u, err := url.Parse(m[1])
				if err != nil || u.Host != "" || (u.Scheme != "" && u.Scheme != "data") {
					t.Errorf("%s loads %q from another origin", name, m[1])
				}
			}
		case ".js":
			if m := jsLoad.FindString(text); m != "" {
				t.Errorf("%s loads code at run time: %q", name, m)
			}
		}
		for _, m := range absoluteURL.FindAllStringSubmatch(text, -1) {
			if _, ok := inertHosts[strings.ToLower(m[1])]; !ok {
				t.Errorf("%s mentions %s, which is not a known inert host", name, m[0])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// index.html, playground.js, playground.css and the four vendor files.
	if checked != 7 {
		t.Errorf("checked %d files, want 7", checked)
	}
}

// The page finds the API through the attribute, so the server can move it.
func TestPlaygroundScriptReadsEndpointAttribute(t *testing.T) {
	b, err := os.ReadFile("playground/playground.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"getAttribute('data-endpoint')", "GraphiQL.createFetcher", "defaultQuery"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("playground.js lacks %s", want)
		}
	}
}

// scrollLockStyle is the <style> that react-remove-scroll-bar, inside
// GraphiQL's settings and shortcut dialogs, adds while one is open, captured
// from Chromium; its numbers are 0 because the page has no scrollbar.
const scrollLockStyle = "\n  .with-scroll-bars-hidden {\n   overflow: hidden !important;\n   padding-right: 0px !important;\n  }\n" +
	"  body {\n    overflow: hidden !important;\n    overscroll-behavior: contain;\n    position: relative !important;\n" +
	"    padding-left: 0px;\n    padding-top: 0px;\n    padding-right: 0px;\n    margin-left:0;\n    margin-top:0;\n" +
	"    margin-right: 0px !important;\n    \n  }\n  \n  .right-scroll-bar-position {\n    right: 0px !important;\n  }\n" +
	"  \n  .width-before-scroll-bar {\n    margin-right: 0px !important;\n  }\n  \n" +
	"  .right-scroll-bar-position .right-scroll-bar-position {\n    right: 0 !important;\n  }\n  \n" +
	"  .width-before-scroll-bar .width-before-scroll-bar {\n    margin-right: 0 !important;\n  }\n  \n" +
	"  body {\n    --removed-body-scroll-bar-size: 0px;\n  }\n"

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// The CSP allows inline styles only by hash; each hash must match a style
// the bundle still writes, and no other hash may linger.
func TestCSPStyleHashes(t *testing.T) {
	bundle, err := os.ReadFile("playground/vendor/graphiql.min.js")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	// CodeMirror's jump-to-line dialog is an HTML string with these
	// attributes, which the CSP allows through 'unsafe-hashes'.
	for _, attr := range []string{"width: 10em", "color: #888"} {
		if !strings.Contains(string(bundle), `style="`+attr+`"`) {
			t.Errorf("graphiql.min.js no longer writes style=%q; drop its hash", attr)
		}
		want[cspHash(attr)] = attr
	}
	// The scroll-lock text is built at run time; check the template is
	// still there, and rely on the Chromium check for the exact text.
	for _, part := range []string{"with-scroll-bars-hidden", "overscroll-behavior: contain;", "--removed-body-scroll-bar-size"} {
		if !strings.Contains(string(bundle), part) {
			t.Errorf("graphiql.min.js lacks %q of the scroll-lock <style>", part)
		}
	}
	want[cspHash(scrollLockStyle)] = "scroll-lock <style>"

	var got []string
	for _, d := range strings.Split(playgroundCSP, ";") {
		fields := strings.Fields(d)
		if len(fields) == 0 {
			continue
		}
		for _, src := range fields[1:] {
			if strings.HasPrefix(src, "'sha256-") {
				if fields[0] != "style-src" {
					t.Errorf("%s has hash %s; only style-src should", fields[0], src)
				}
				got = append(got, src)
			}
		}
	}
	for _, h := range got {
		if _, ok := want[h]; !ok {
			t.Errorf("style-src allows %s, which matches no known inline style", h)
		}
		delete(want, h)
	}
	for h, what := range want {
		t.Errorf("style-src lacks %s for %s", h, what)
	}
}
