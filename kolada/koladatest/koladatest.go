// Package koladatest is a stand-in for Kolada's API v3 for tests: a real
// HTTP server that answers its two endpoints the import uses in the
// documented format, pages and next_page included.
package koladatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/samverkan/samverkan/kolada"
)

// Server answers like Kolada's API v3 at URL (which ends in /v3):
//
//	GET /v3/kpi/{id}                                       the key figure, or count 0
//	GET /v3/data/kpi/{kpi}/municipality/{ids}/year/{years} its values, PageSize a page
type Server struct {
	URL string
	// PageSize is how many values a page of data holds (default 2, so that
	// every answer of a test has several pages).
	PageSize int

	mu       sync.Mutex
	kpis     map[string]bool
	data     []kolada.Datum
	requests []string
	// Break, when set, answers every request instead (an outage, a
	// malformed answer).
	brk http.HandlerFunc
}

// New starts a server, closed when the test ends, that knows the key
// figures named.
func New(t testing.TB, kpis ...string) *Server {
	t.Helper()
	s := &Server{PageSize: 2, kpis: map[string]bool{}}
	for _, k := range kpis {
		s.kpis[k] = true
	}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/v3"
	return s
}

// Add adds a value for everyone (gender T), and values for women and men
// that must not be taken for it.
func (s *Server) Add(kpi, municipality string, year int, value float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, m := value*0.4, value*0.6
	s.data = append(s.data, kolada.Datum{KPI: kpi, Municipality: municipality, Period: year, Values: []kolada.Value{
		{Gender: "K", Count: 1, Value: &k},
		{Gender: "T", Count: 1, Value: &value},
		{Gender: "M", Count: 1, Value: &m},
	}})
}

// AddMissing adds a value Kolada lists without a number (status "Saknas").
func (s *Server) AddMissing(kpi, municipality string, year int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data = append(s.data, kolada.Datum{KPI: kpi, Municipality: municipality, Period: year,
		Values: []kolada.Value{{Gender: "T", Status: "Saknas"}}})
}

// Break makes the server answer every request with h.
func (s *Server) Break(h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.brk = h
}

// Requests returns the paths and queries asked for, in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Page returns what the data endpoint answers for the values given as one
// page, as a file to import would hold it.
func Page(data ...kolada.Datum) []byte {
	b, _ := json.Marshal(kolada.Page{Count: len(data), Values: data})
	return b
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.RequestURI())
	brk := s.brk
	s.mu.Unlock()
	if brk != nil {
		brk(w, r)
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v3/"), "/")
	switch {
	case len(parts) == 2 && parts[0] == "kpi":
		values := []map[string]any{}
		if s.kpis[parts[1]] {
			values = append(values, map[string]any{"id": parts[1], "title": "Nyckeltal " + parts[1], "is_divided_by_gender": true, "municipality_type": "K"})
		}
		writeJSON(w, map[string]any{"count": len(values), "values": values})
	case len(parts) == 7 && parts[0] == "data" && parts[1] == "kpi" && parts[3] == "municipality" && parts[5] == "year":
		s.serveData(w, r, parts[2], strings.Split(parts[4], ","), strings.Split(parts[6], ","))
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) serveData(w http.ResponseWriter, r *http.Request, kpi string, munis, years []string) {
	s.mu.Lock()
	match := []kolada.Datum{}
	for _, d := range s.data {
		if d.KPI == kpi && slices.Contains(munis, d.Municipality) && slices.Contains(years, strconv.Itoa(d.Period)) {
			match = append(match, d)
		}
	}
	size := s.PageSize
	s.mu.Unlock()
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	from := min((page-1)*size, len(match))
	to := min(from+size, len(match))
	out := map[string]any{"count": to - from, "values": match[from:to]}
	if to < len(match) {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page+1))
		q.Set("per_page", strconv.Itoa(size))
		out["next_page"] = fmt.Sprintf("http://%s%s?%s", r.Host, r.URL.Path, q.Encode())
	}
	if page > 1 {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page-1))
		out["previous_page"] = fmt.Sprintf("http://%s%s?%s", r.Host, r.URL.Path, q.Encode())
	}
	writeJSON(w, out)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}
