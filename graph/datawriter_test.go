package graph

import (
	"encoding/json"
	"testing"
)

// A kept answer is written with the bytes encoding/json writes for it,
// HTML characters and line separators included.
func TestKeptDataIsWrittenAsEncodingJSONWritesIt(t *testing.T) {
	for _, data := range []string{
		`{"a":"plain"}`,
		`{"title":"<b>Kultur & hälsa</b> > allt"}`,
		"{\"s\":\"line\u2028para\u2029end \u00e5\u00e4\u00f6 \u20ac\"}",
		`{"esc":"\"quoted\" \\ back \u0001 \n"}`,
		`{"list":[1,2,{"x":null,"y":true}],"e":[]}`,
	} {
		want, err := json.Marshal(map[string]json.RawMessage{"data": json.RawMessage(data)})
		if err != nil {
			t.Fatal(err)
		}
		got := append(appendEscaped([]byte(`{"data":`), []byte(data)), '}')
		if string(got) != string(want) {
			t.Errorf("%s:\n got %s\nwant %s", data, got, want)
		}
	}
}
