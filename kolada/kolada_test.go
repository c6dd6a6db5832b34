package kolada_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/kolada"
	"github.com/samverkan/samverkan/kolada/koladatest"
)

// orebroCodes are the twelve municipalities of Örebro län.
var orebroCodes = []string{"1814", "1860", "1861", "1862", "1863", "1864", "1880", "1881", "1882", "1883", "1884", "1885"}

func wantCode(t *testing.T, err error, code samverkan.Code, field string) *samverkan.Error {
	t.Helper()
	var se *samverkan.Error
	if !errors.As(err, &se) {
		t.Fatalf("error = %v, want %s", err, code)
	}
	if se.Code != code || se.Field != field {
		t.Fatalf("error = %s %q: %v, want %s %q", se.Code, se.Field, err, code, field)
	}
	return se
}

func newClient(t *testing.T, url string) *kolada.Client {
	t.Helper()
	c, err := kolada.New(url)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A fetch asks for the municipalities a few at a time and follows
// next_page to the last page of each answer, taking every value.
func TestFetchFollowsEveryPage(t *testing.T) {
	k := koladatest.New(t, "N09890")
	want := 0
	for _, code := range orebroCodes {
		for y := 2020; y <= 2022; y++ {
			k.Add("N09890", code, y, float64(y))
			want++
		}
	}
	k.Add("N09890", "0180", 2021, 1) // Stockholm: not asked for
	k.Add("N00001", "1880", 2021, 1) // another key figure
	data, err := newClient(t, k.URL).Fetch(context.Background(), "N09890", orebroCodes, []int{2020, 2021, 2022, 2023})
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != want {
		t.Errorf("got %d values, want %d", len(data), want)
	}
	for _, d := range data {
		if v, ok := d.Total(); !ok || v != float64(d.Period) {
			t.Errorf("%s %d: total %v %v, want %d", d.Municipality, d.Period, v, ok, d.Period)
		}
	}
	pages := 0
	for _, r := range k.Requests() {
		if strings.Contains(r, "page=") {
			pages++
		}
	}
	// 8 municipalities × 3 years in pages of 2, then 4 × 3: 11 + 5 pages
	// after the first of each.
	if pages != 16 {
		t.Errorf("followed %d next pages, want 16; requests: %q", pages, k.Requests())
	}
}

// Each failure is a clear message with its code: a key figure Kolada
// does not know, Kolada unreachable, answering an error, not JSON, not in
// its format, or sending the client elsewhere.
func TestFetchFailuresSayWhatWentWrong(t *testing.T) {
	ctx := context.Background()
	fetch := func(url string) error {
		_, err := newClient(t, url).Fetch(ctx, "N09890", orebroCodes[:2], []int{2021})
		return err
	}
	t.Run("ErrUnknownKPI", func(t *testing.T) {
		k := koladatest.New(t)
		se := wantCode(t, fetch(k.URL), samverkan.CodeNotFound, "koladaKpi")
		if !strings.Contains(se.Message, "N09890") {
			t.Errorf("message %q does not name the key figure", se.Message)
		}
	})
	t.Run("ErrUnreachable", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL + "/v3"
		srv.Close()
		se := wantCode(t, fetch(url), samverkan.CodeUpstream, "")
		if !strings.Contains(se.Message, "cannot be reached") || !strings.Contains(se.Message, "nothing was changed") {
			t.Errorf("message %q", se.Message)
		}
	})
	broken := map[string]struct {
		h    http.HandlerFunc
		says string
	}{
		"ErrServerError": {func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		}, "answered 503"},
		"ErrNotJSON": {func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "<html>Kolada</html>")
		}, "not JSON"},
		"ErrNotItsFormat": {func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"count": 1, "results": []}`)
		}, `no "values"`},
		"ErrWrongTypes": {func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"count": 1, "values": [{"kpi": "N09890", "municipality": "1880", "period": "2021", "values": []}]}`)
		}, "not what Kolada writes"},
	}
	for name, b := range broken {
		t.Run(name, func(t *testing.T) {
			k := koladatest.New(t, "N09890")
			k.Break(b.h)
			se := wantCode(t, fetch(k.URL), samverkan.CodeUpstream, "")
			if !strings.Contains(se.Message, b.says) {
				t.Errorf("message %q does not say %q", se.Message, b.says)
			}
		})
	}
	t.Run("ErrNextPageElsewhere", func(t *testing.T) {
		k := koladatest.New(t, "N09890")
		k.Break(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/v3/kpi/") {
				fmt.Fprint(w, `{"count": 1, "values": [{"id": "N09890"}]}`)
				return
			}
			fmt.Fprint(w, `{"count": 0, "values": [], "next_page": "http://169.254.169.254/latest/meta-data"}`)
		})
		se := wantCode(t, fetch(k.URL), samverkan.CodeUpstream, "")
		if !strings.Contains(se.Message, "next_page") {
			t.Errorf("message %q", se.Message)
		}
	})
	t.Run("ErrNotAnAddress", func(t *testing.T) {
		if _, err := kolada.New("ftp://kolada"); err == nil {
			t.Error("an ftp address was taken")
		}
	})
}

// A file holds what Kolada answers: one page, pages one after another, or
// a list of pages; anything else is refused with where it goes wrong.
func TestDecodeReadsKoladasJSON(t *testing.T) {
	one := `{"count": 1, "values": [{"kpi": "N09890", "municipality": "1880", "period": 2021,
		"values": [{"gender": "K", "count": 1, "status": "", "value": 6}, {"gender": "T", "count": 1, "status": "", "value": 10}]}]}`
	two := `{"count": 1, "values": [{"kpi": "N09890", "municipality": "1860", "period": 2021,
		"values": [{"gender": "T", "count": 1, "status": "Saknas", "value": null}]}], "next_page": null}`
	for name, in := range map[string]string{
		"OnePage":              one,
		"PagesOneAfterAnother": one + "\n" + two,
		"AListOfPages":         "[" + one + "," + two + "]",
	} {
		t.Run(name, func(t *testing.T) {
			data, err := kolada.Decode(strings.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			if v, ok := data[0].Total(); !ok || v != 10 {
				t.Errorf("total of the first = %v %v, want 10", v, ok)
			}
			if len(data) > 1 {
				if _, ok := data[1].Total(); ok {
					t.Error("a null value was taken for a total")
				}
			}
		})
	}
	for name, in := range map[string]string{
		"ErrEmpty":       "",
		"ErrCutShort":    one[:40],
		"ErrNotAnObject": `"values"`,
		"ErrNoValues":    `{"count": 0}`,
		"ErrNoPeriod":    `{"values": [{"kpi": "N09890", "municipality": "1880", "values": []}]}`,
		"ErrWrongType":   `{"values": [{"kpi": "N09890", "municipality": 1880, "period": 2021}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := kolada.Decode(strings.NewReader(in))
			se := wantCode(t, err, samverkan.CodeBadRequest, "")
			if !strings.Contains(se.Message, "Kolada's v3 JSON") {
				t.Errorf("message %q", se.Message)
			}
		})
	}
}
