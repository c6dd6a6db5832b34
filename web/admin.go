package web

import (
	"embed"
	"net/http"
)

//go:embed admin
var adminFiles embed.FS

// adminCSP allows the admin page nothing but its own origin: its scripts,
// styles and the GraphQL API it calls. Data reaches the page as text, never
// as markup, and no inline script or style is needed.
const adminCSP = "default-src 'none'; " +
	"script-src 'self'; " +
	"style-src 'self'; " +
	"img-src 'self' data:; " +
	"connect-src 'self'; " +
	"base-uri 'none'; " +
	"form-action 'none'; " +
	"frame-ancestors 'none'"

// Admin serves the admin page: mux.Handle("/admin/", web.Admin()).
func Admin() http.Handler {
	// The page's modules are not versioned, so nothing is cached for long.
	return static(adminFiles, "admin", adminCSP, func(string) bool { return false })
}
