package compile

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/mattn/go-sqlite3"
)

// cursorKind is how a cursor function reads an order column's value: as
// text ('s'), an integer ('i') or a time ('t').
func cursorKind(f *Field) byte {
	switch f.Kind {
	case KindID, KindInt:
		return 'i'
	case KindTime:
		return 't'
	}
	return 's'
}

// SQLiteCursor is the SQL function gql_cursor(id, kinds, values…) that
// compiled statements call for a row's cursor: entgql's cursor of the row
// with that id and order values, encoded as entgql encodes it (msgpack in
// unpadded base64). The server registers it on every SQLite connection.
func SQLiteCursor(id int64, kinds string, values ...any) (string, error) {
	if len(kinds) != len(values) {
		return "", fmt.Errorf("gql_cursor: %d kinds for %d values", len(kinds), len(values))
	}
	vs := make([]any, len(values))
	for i, v := range values {
		switch {
		case v == nil:
		case kinds[i] == 'i':
			n, ok := v.(int64)
			if !ok {
				return "", fmt.Errorf("gql_cursor: value %d is %T, not an integer", i, v)
			}
			vs[i] = int(n)
		case kinds[i] == 't':
			t, err := sqliteTime(v)
			if err != nil {
				return "", err
			}
			vs[i] = t
		default:
			switch v := v.(type) {
			case string:
				vs[i] = v
			case []byte:
				vs[i] = string(v)
			default:
				return "", fmt.Errorf("gql_cursor: value %d is %T, not text", i, v)
			}
		}
	}
	var buf bytes.Buffer
	entgql.Cursor[int]{ID: int(id), Value: vs}.MarshalGQL(&buf)
	return strings.Trim(buf.String(), `"`), nil
}

// sqliteTime reads a stored time as go-sqlite3 reads a datetime column.
func sqliteTime(v any) (time.Time, error) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case time.Time:
		return v, nil
	default:
		return time.Time{}, fmt.Errorf("gql_cursor: a time stored as %T", v)
	}
	s = strings.TrimSuffix(s, "Z")
	for _, format := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.ParseInLocation(format, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("gql_cursor: %q is not a time", s)
}

// gqlgenEscapes rewrites the two escapes SQLite writes in JSON strings and
// gqlgen does not: backspace and form feed, which gqlgen writes as \u0008
// and \u000c.
func gqlgenEscapes(js []byte) []byte {
	i := bytes.IndexByte(js, '\\')
	if i < 0 {
		return js
	}
	out := make([]byte, 0, len(js)+16)
	for i >= 0 && i+1 < len(js) {
		out = append(out, js[:i]...)
		switch js[i+1] {
		case 'b':
			out = append(out, `\u0008`...)
		case 'f':
			out = append(out, `\u000c`...)
		default:
			out = append(out, js[i], js[i+1])
		}
		js = js[i+2:]
		i = bytes.IndexByte(js, '\\')
	}
	return append(out, js...)
}
