package web

import (
	"embed"
	"net/http"
	"strings"
)

// The files are listed one by one, not as the whole directory, so that
// update.sh and vendor/README.md are neither compiled in nor served.
//
//go:embed playground/index.html playground/playground.js playground/playground.css
//go:embed playground/vendor/*.js playground/vendor/*.css
var files embed.FS

// playgroundCSP is the Content-Security-Policy of every playground response.
//
// Nothing but the page's own origin and data: URLs is allowed: the server
// runs without internet, and naming no remote origin means a CDN reference
// hidden in a bundle cannot load either. The fonts and the few CSS images are
// data: URLs inside graphiql.min.css.
//
// React's style props go through the CSSOM, which CSP does not restrict, so
// style-src needs no 'unsafe-inline'. GraphiQL 3.9.0 does write three inline
// styles, each allowed here by its hash (see playground_test.go):
//   - Y/hu…: the <style> react-remove-scroll-bar adds while a dialog is
//     open, as it reads when the page has no scrollbar (playground.css
//     makes sure of that);
//   - H22c… ("width: 10em") and Eaam… ("color: #888"): style attributes in
//     CodeMirror's jump-to-line dialog, hence 'unsafe-hashes'.
//
// A hash that goes stale after an upgrade only blocks that cosmetic style
// and logs a console error; the playground keeps working.
const playgroundCSP = "default-src 'none'; " +
	"script-src 'self'; " +
	"style-src 'self' 'unsafe-hashes' " +
	"'sha256-Y/huXlwoYkVyQlxwSVcCi1RCDGDCSVBzDt0hYP9qlTc=' " +
	"'sha256-H22cvujYHDQPJvzf4ie16OHKC3HsNj7RmRT3jO07Y/U=' " +
	"'sha256-Eaamrrh0b5a/naRsV/zg7s6+kGvexMXZQARWP6ukkg4='; " +
	"img-src 'self' data:; " +
	"font-src data:; " +
	"connect-src 'self'; " +
	"base-uri 'none'; " +
	"form-action 'none'; " +
	"frame-ancestors 'none'"

// Playground serves the offline GraphiQL page: mux.Handle("/playground/", web.Playground()).
func Playground() http.Handler {
	// index.html names vendor files with their version (?v=), so a cached
	// copy can never be stale.
	versioned := func(path string) bool { return strings.HasPrefix(path, "/vendor/") }
	return static(files, "playground", playgroundCSP, versioned)
}
