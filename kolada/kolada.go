// Package kolada brings Kolada's key figures (nyckeltal) into an
// indicator's values: it fetches them from Kolada's API v3, or reads the
// same JSON from a file (for a machine without internet), and stores them
// as the indicator's values per municipality and year, with source KOLADA,
// in one transaction.
//
// Kolada's municipality id is the kommunkod, which Municipality.code holds:
// nothing is mapped or stored twice.
package kolada

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/samverkan/samverkan"
)

// DefaultURL is the address of Kolada's API v3.
const DefaultURL = "https://api.kolada.se/v3"

// Page is one page of an answer of Kolada's API v3: a count, the values,
// and the address of the next page, if any.
type Page struct {
	Count        int     `json:"count"`
	Values       []Datum `json:"values"`
	NextPage     string  `json:"next_page"`
	PreviousPage string  `json:"previous_page"`
}

// Datum is a key figure's values for one municipality and one period (a
// year), one per gender: T (totalt), K (kvinnor), M (män).
type Datum struct {
	KPI          string  `json:"kpi"`
	Municipality string  `json:"municipality"`
	Period       int     `json:"period"`
	Values       []Value `json:"values"`
}

// Value is one value of a Datum. Value is null when Kolada has none (its
// status then says why).
type Value struct {
	Gender string   `json:"gender"`
	Count  int      `json:"count"`
	Status string   `json:"status"`
	Value  *float64 `json:"value"`
}

// Total returns the value for everyone (gender T), if there is one.
func (d Datum) Total() (float64, bool) {
	for _, v := range d.Values {
		if v.Gender == "T" && v.Value != nil {
			return *v.Value, true
		}
	}
	return 0, false
}

// upstream returns a failure of Kolada itself (it could not be reached,
// answered with an error, or not in its documented format), with a message
// that says nothing was changed.
func upstream(format string, args ...any) *samverkan.Error {
	return samverkan.Errorf(samverkan.CodeUpstream, "", "%s; nothing was changed", fmt.Sprintf(format, args...))
}

// Decode reads Kolada's v3 JSON for data: one page, or several written
// one after another (as a download of every page would be), or a JSON list
// of pages. An answer that is not in that form is refused with BAD_REQUEST
// and where it goes wrong.
func Decode(r io.Reader) ([]Datum, error) {
	dec := json.NewDecoder(r)
	var data []Datum
	pages := 0
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, malformed(err, dec.InputOffset())
		}
		var list []json.RawMessage
		if len(raw) > 0 && raw[0] == '[' {
			if err := json.Unmarshal(raw, &list); err != nil {
				return nil, malformed(err, dec.InputOffset())
			}
		} else {
			list = []json.RawMessage{raw}
		}
		for _, one := range list {
			page, err := decodePage(one)
			if err != nil {
				return nil, samverkan.Errorf(samverkan.CodeBadRequest, "", "not Kolada's v3 JSON (page %d): %v", pages+1, err)
			}
			data = append(data, page.Values...)
			pages++
		}
	}
	if pages == 0 {
		return nil, samverkan.Errorf(samverkan.CodeBadRequest, "", `not Kolada's v3 JSON: it is empty (expected {"count": …, "values": […]})`)
	}
	return data, nil
}

// decodePage reads one page and checks it has what the import needs.
func decodePage(raw []byte) (*Page, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, errors.New(`expected an object {"count": …, "values": […]}`)
	}
	if _, ok := fields["values"]; !ok {
		return nil, errors.New(`no "values": expected {"count": …, "values": […]}`)
	}
	var p Page
	if err := json.Unmarshal(raw, &p); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("%s holds %s, not what Kolada writes there", te.Field, te.Value)
		}
		return nil, err
	}
	for i, d := range p.Values {
		if d.Municipality == "" || d.Period == 0 {
			return nil, fmt.Errorf("value %d has no municipality or period", i+1)
		}
	}
	return &p, nil
}

func malformed(err error, offset int64) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		offset = se.Offset
	}
	return samverkan.Errorf(samverkan.CodeBadRequest, "", "not Kolada's v3 JSON: %v (at byte %d)", err, offset)
}
