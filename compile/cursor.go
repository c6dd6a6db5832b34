package compile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/mattn/go-sqlite3"
)

// cursorKind is how a cursor marker gives an order value: as text ('s'),
// an int ('i'), an int64 ('l': a count, or a number of another node, which
// ent scans as one, and which msgpack writes in full) or a time ('t').
func cursorKind(f *Field) byte {
	switch {
	case f.CountOf != "", f.Via != "" && f.Kind == KindInt:
		return 'l'
	case f.Kind == KindID, f.Kind == KindInt:
		return 'i'
	case f.Kind == KindTime:
		return 't'
	}
	return 's'
}

// cursors replaces the cursor markers of a compiled statement's JSON by
// entgql's cursors. A marker is a JSON array [id, kinds, values…] between
// two characters U+0001; the cursor is entgql's encoding (msgpack in
// unpadded base64) of the cursor with that id and the order values read as
// their kinds say.
func cursors(js []byte) ([]byte, error) {
	i := bytes.IndexByte(js, 1)
	if i < 0 {
		return js, nil
	}
	out := make([]byte, 0, len(js))
	for i >= 0 {
		end := bytes.IndexByte(js[i+1:], 1)
		if end < 0 {
			return nil, fmt.Errorf("compiled read: a cursor marker without its end")
		}
		c, err := cursor(js[i+1 : i+1+end])
		if err != nil {
			return nil, err
		}
		out = append(out, js[:i]...)
		out = append(out, c...)
		js = js[i+end+2:]
		i = bytes.IndexByte(js, 1)
	}
	return append(out, js...), nil
}

// cursor is the value of a marker: a cursor, or a report's share
// (["share", done, left], see counts).
func cursor(marker []byte) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(marker))
	d.UseNumber()
	var raw []any
	if err := d.Decode(&raw); err != nil || len(raw) < 2 {
		return nil, fmt.Errorf("compiled read: a cursor marker %q: %v", marker, err)
	}
	if raw[0] == "share" && len(raw) == 3 {
		done, err1 := raw[1].(json.Number).Int64()
		left, err2 := raw[2].(json.Number).Int64()
		if err1 != nil || err2 != nil || left == 0 {
			return nil, fmt.Errorf("compiled read: a share marker %q", marker)
		}
		return share(done, left), nil
	}
	id, err := raw[0].(json.Number).Int64()
	if err != nil {
		return nil, fmt.Errorf("compiled read: a cursor's id %v: %w", raw[0], err)
	}
	kinds, _ := raw[1].(string)
	values := raw[2:]
	if len(kinds) != len(values) {
		return nil, fmt.Errorf("compiled read: %d kinds for %d values", len(kinds), len(values))
	}
	vs := make([]any, len(values))
	for i, v := range values {
		if v == nil {
			continue
		}
		switch kinds[i] {
		case 'i', 'l':
			n, err := v.(json.Number).Int64()
			if err != nil {
				return nil, fmt.Errorf("compiled read: a cursor's value %v: %w", v, err)
			}
			vs[i] = n
			if kinds[i] == 'i' {
				vs[i] = int(n)
			}
		case 't':
			t, err := parseTime(v)
			if err != nil {
				return nil, err
			}
			vs[i] = t
		default:
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("compiled read: a cursor's value %v is not text", v)
			}
			vs[i] = s
		}
	}
	var buf bytes.Buffer
	entgql.Cursor[int]{ID: int(id), Value: vs}.MarshalGQL(&buf)
	return buf.Bytes(), nil
}

// parseTime reads a time as RFC 3339 text (from PostgreSQL) or as
// go-sqlite3 reads a datetime column.
func parseTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("compiled read: a cursor's time %v is not text", v)
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	s = strings.TrimSuffix(s, "Z")
	for _, format := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.ParseInLocation(format, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("compiled read: a cursor's time %q", s)
}

// gqlgenEscapes rewrites the escapes the databases write in JSON strings
// as gqlgen writes them: backspace and form feed, which SQLite and
// PostgreSQL write as \b and \f, as \u0008 and \u000C; and the hex digits
// of the other control characters' \u00XX in upper case, as gqlgen writes
// them (the databases write them in lower case).
func gqlgenEscapes(js []byte) []byte {
	i := bytes.IndexByte(js, '\\')
	if i < 0 {
		return js
	}
	out := make([]byte, 0, len(js)+16)
	for i >= 0 && i+1 < len(js) {
		out = append(out, js[:i]...)
		n := 2
		switch js[i+1] {
		case 'b':
			out = append(out, `\u0008`...)
		case 'f':
			out = append(out, `\u000C`...)
		case 'u':
			n = min(6, len(js)-i)
			for _, c := range js[i : i+n] {
				if 'a' <= c && c <= 'f' {
					c -= 'a' - 'A'
				}
				out = append(out, c)
			}
		default:
			out = append(out, js[i], js[i+1])
		}
		js = js[i+n:]
		i = bytes.IndexByte(js, '\\')
	}
	return append(out, js...)
}
