// Package web serves Samverkan's browser pages from the binary: the admin
// page and the offline GraphQL playground. Nothing they load comes from
// anywhere but the server itself.
package web

import (
	"io/fs"
	"net/http"
	"strings"
)

// static serves the directory dir of files under the prefix "/"+dir, with
// the Content-Security-Policy csp and safe headers on every response.
// Files for which longCache is true may be cached for a year; the rest are
// revalidated on every load, so an upgrade reaches browsers at once.
func static(files fs.FS, dir, csp string, longCache func(path string) bool) http.Handler {
	root, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // cannot happen: dir is a directory in the embed
	}
	server := http.FileServerFS(root)
	// The prefix is stripped here, not by the caller, so that one mount
	// line is all a server needs.
	return http.StripPrefix("/"+dir, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")

		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		// FileServer would list a directory; there is nothing to browse,
		// only index.html and the files it names.
		if r.URL.Path != "/" && strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		if longCache(r.URL.Path) {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		server.ServeHTTP(w, r)
	}))
}
