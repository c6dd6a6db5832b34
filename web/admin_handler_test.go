package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/samverkan/samverkan/web"
)

func TestAdminIsServedFromTheBinaryWithAStrictPolicy(t *testing.T) {
	srv := httptest.NewServer(web.Admin())
	defer srv.Close()
	get := func(path string) (*http.Response, string) {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, string(body)
	}
	res, page := get("/admin/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/admin/ = %d", res.StatusCode)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") || strings.Contains(csp, "http") {
		t.Errorf("CSP %q allows inline code or a remote origin", csp)
	}
	if regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`).MatchString(page) || regexp.MustCompile(`\son[a-z]+=`).MatchString(page) || strings.Contains(page, "style=") {
		t.Error("index.html has inline script, handlers or styles")
	}
	for _, ref := range regexp.MustCompile(`(?:src|href)="([^"#]+)"`).FindAllStringSubmatch(page, -1) {
		if strings.HasPrefix(ref[1], "data:") || strings.HasPrefix(ref[1], "/playground/") {
			continue
		}
		if strings.Contains(ref[1], "//") {
			t.Errorf("index.html loads %s from elsewhere", ref[1])
			continue
		}
		res, _ := get("/admin/" + ref[1])
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s = %d", ref[1], res.StatusCode)
		}
	}
	if res, _ := get("/admin/js/main.js"); res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("main.js is served as %q; browsers run modules only as JavaScript", res.Header.Get("Content-Type"))
	}
	if res, _ := get("/admin/js/"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a directory listing answered %d, want 404", res.StatusCode)
	}
}
