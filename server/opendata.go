package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/opendata"
)

// The open data (see the package opendata) under /open/v1/: the
// DCAT-AP-SE catalogue, and per published plan its export as one JSON
// document and each of its tables as CSV and JSON. Anyone may read them,
// on a private server too, where they hold only what an admin has
// published.
// Every answer has an ETag (of its content) and a Last-Modified, and a
// harvester that sends If-None-Match gets 304 when nothing changed.

// WithPublicURL sets the address the server is reached at from outside
// (e.g. https://samverkan.regionorebrolan.se), for the absolute addresses
// in the open-data catalogue. Without it, they are made from the request.
func WithPublicURL(u string) Option {
	return func(c *config) { c.publicURL = strings.TrimRight(u, "/") }
}

// openData adds the open-data routes to mux.
func openData(mux *http.ServeMux, client *ent.Client, log *slog.Logger, cfg *config) {
	base := func(r *http.Request) string { return publicBase(r, cfg) }
	// Requests for the same thing at the same time (a harvester's, or a
	// flood of them) share one reading of the database: the catalogue, or
	// a plan's export.
	shared := new(singleflight.Group)
	mux.Handle("GET "+opendata.CatalogPath, openCatalog(client, log, base, cfg.private, shared))
	mux.Handle("GET "+opendata.Prefix+"plans/{file}", openPlan(client, log, cfg.private, shared))
	mux.Handle("GET "+opendata.Prefix+"plans/{plan}/{file}", openTable(client, log, cfg.private, shared))
}

// publicBase is the server's public address, without a trailing slash:
// --public-url, or else the request's host, by https when the request
// came by TLS or through a trusted proxy that says so.
func publicBase(r *http.Request, cfg *config) string {
	if cfg.publicURL != "" {
		return cfg.publicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	} else if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		if addr, err := netip.ParseAddr(host); err == nil && isTrusted(addr.Unmap(), cfg.proxies) &&
			strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
			scheme = "https"
		}
	}
	return scheme + "://" + r.Host
}

// openCatalog serves the DCAT-AP-SE catalogue of the published plans.
func openCatalog(client *ent.Client, log *slog.Logger, base func(*http.Request) string, private bool, shared *singleflight.Group) http.Handler {
	type catalogue struct {
		publisher string
		heads     []*opendata.Export
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err, _ := shared.Do("catalog", func() (any, error) {
			// Not cancelled with the request that began it: others wait
			// for it too.
			ctx := context.WithoutCancel(r.Context())
			plans, err := opendata.PublishedPlans(ctx, client, private)
			if err != nil {
				return nil, err
			}
			c := catalogue{heads: make([]*opendata.Export, 0, len(plans))}
			for _, p := range plans {
				e, err := opendata.Head(ctx, client, p)
				if err != nil {
					return nil, err
				}
				c.heads = append(c.heads, e)
			}
			c.publisher, err = opendata.Publisher(ctx, client)
			return c, err
		})
		if err != nil {
			fail(w, r, log, err)
			return
		}
		c := v.(catalogue)
		body := opendata.Catalog(base(r), c.publisher, c.heads)
		serveOpen(w, r, "application/rdf+xml; charset=utf-8", "", opendata.CatalogLicense, opendata.Newest(c.heads), body)
	})
}

// openPlan serves /open/v1/plans/<id>.json: the plan's whole export.
func openPlan(client *ent.Client, log *slog.Logger, private bool, shared *singleflight.Group) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		idText, ok := strings.CutSuffix(r.PathValue("file"), ".json")
		if !ok {
			graph.WriteError(w, r, samverkan.Errorf(samverkan.CodeNotFound, "", "no such file: a plan's export is /open/v1/plans/<id>.json"), graph.Text)
			return
		}
		e, ok := openExport(w, r, client, log, idText, private, shared)
		if !ok {
			return
		}
		body, err := e.JSON()
		if err != nil {
			fail(w, r, log, err)
			return
		}
		serveOpen(w, r, "application/json; charset=utf-8", "", e.Plan.DataLicense, e.Modified, body)
	})
}

// openTable serves /open/v1/plans/<id>/<table>.csv and .json.
func openTable(client *ent.Client, log *slog.Logger, private bool, shared *singleflight.Group) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ext, _ := strings.Cut(r.PathValue("file"), ".")
		if _, ok := opendata.TableNamed(name); !ok || (ext != "csv" && ext != "json") {
			graph.WriteError(w, r, samverkan.Errorf(samverkan.CodeNotFound, "", "no such table: the tables are %s, each as .csv or .json", tableNames()), graph.Text)
			return
		}
		e, ok := openExport(w, r, client, log, r.PathValue("plan"), private, shared)
		if !ok {
			return
		}
		t, _ := e.Table(name)
		if ext == "json" {
			body, err := e.TableJSON(t)
			if err != nil {
				fail(w, r, log, err)
				return
			}
			serveOpen(w, r, "application/json; charset=utf-8", "", e.Plan.DataLicense, e.Modified, body)
			return
		}
		body, err := excelCSV(t.Records())
		if err != nil {
			fail(w, r, log, err)
			return
		}
		serveOpen(w, r, "text/csv; charset=utf-8", fileName(t.Name, e.Plan, nil), e.Plan.DataLicense, e.Modified, body)
	})
}

func tableNames() string {
	names := make([]string, len(opendata.Tables))
	for i, t := range opendata.Tables {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

// openExport reads the export of the published plan of the id given, or
// answers 404 (no such plan, a draft, or on a private server one not
// published: the answer does not say which) and reports false.
func openExport(w http.ResponseWriter, r *http.Request, client *ent.Client, log *slog.Logger, idText string, private bool, shared *singleflight.Group) (*opendata.Export, bool) {
	ctx := r.Context()
	id, err := strconv.Atoi(idText)
	if err != nil {
		graph.WriteError(w, r, samverkan.Errorf(samverkan.CodeNotFound, "plan", "%q is not a plan ID (a number, as the API gives it)", idText), graph.Text)
		return nil, false
	}
	p, err := opendata.Published(ctx, client, id, private)
	if ent.IsNotFound(err) {
		graph.WriteError(w, r, samverkan.Errorf(samverkan.CodeNotFound, "", "no published plan has the ID %d", id), graph.Text)
		return nil, false
	}
	if err != nil {
		fail(w, r, log, err)
		return nil, false
	}
	v, err, _ := shared.Do("plan "+strconv.Itoa(p.ID), func() (any, error) {
		return opendata.Build(context.WithoutCancel(ctx), client, p)
	})
	if err != nil {
		fail(w, r, log, err)
		return nil, false
	}
	return v.(*opendata.Export), true
}

// serveOpen sends an open-data file with its ETag (a hash of the body)
// and Last-Modified; http.ServeContent answers If-None-Match (and, when
// there is none, If-Modified-Since) with 304. A download name, if given,
// makes it an attachment; a licence, if given, is named in a Link header
// (rel="license", RFC 8288), which a CSV file has no other place for.
func serveOpen(w http.ResponseWriter, r *http.Request, contentType, download, license string, modified time.Time, body []byte) {
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("X-Content-Type-Options", "nosniff")
	if download != "" {
		h.Set("Content-Disposition", attachment(download))
	}
	if license != "" {
		h.Set("Link", "<"+license+`>; rel="license"`)
	}
	http.ServeContent(w, r, "", modified, bytes.NewReader(body))
}

// CheckPublicURL reports what is wrong with a --public-url: it must be an
// http or https address with a host and nothing after its path (empty is
// the request's address).
func CheckPublicURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q is not an http or https address such as https://samverkan.region.se", s)
	}
	return nil
}
