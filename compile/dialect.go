package compile

import (
	"strconv"

	"entgo.io/ent/dialect"
)

// sqlDialect is what differs between the databases in a compiled
// statement: quoting, JSON text, times and string aggregation. Both write
// JSON as gqlgen does, but for the escapes gqlgenEscapes rewrites.
type sqlDialect struct {
	name string
	// ident quotes an identifier.
	ident func(string) string
	// text casts an expression to text.
	text func(string) string
	// jsonString writes a text expression as a JSON string (NULL stays
	// NULL).
	jsonString func(string) string
	// time writes a time column as gqlgen writes a time.Time read from
	// it, quotes included (NULL stays NULL).
	time func(string) string
	// cursorTime writes a time column as RFC 3339 text, for a cursor.
	cursorTime func(string) string
	// strings writes a non-null JSON column holding an array of strings
	// as gqlgen writes a []string (null for JSON null).
	strings func(string) string
	// aggregate concatenates e in the order of ordering, of the rows
	// that filter keeps.
	aggregate func(e, ordering, filter string) string
	// least is the smaller of two numbers.
	least func(a, b string) string
	// jsonArray builds a JSON array of its arguments, as text.
	jsonArray string
	// char is the function that makes a character from its code.
	char string
	// placeholder is the n-th parameter's placeholder.
	placeholder func(n int) string
	// localTimes is true when the driver reads times in the server's
	// local time zone, which a statement does not know.
	localTimes bool
}

var sqlite = &sqlDialect{
	name:  dialect.SQLite,
	ident: func(s string) string { return "`" + s + "`" },
	text:  func(s string) string { return "CAST(" + s + " AS TEXT)" },
	// json_quote writes NULL as null.
	jsonString: func(s string) string { return "nullif(json_quote(" + s + "), 'null')" },
	// go-sqlite3 stores "2006-01-02 15:04:05.999999999-07:00" and reads it
	// back in that offset; gqlgen writes RFC 3339 with nanoseconds, and Z
	// for UTC.
	time: func(c string) string {
		return "CASE WHEN " + c + " LIKE '%+00:00' THEN '\"' || substr(" + c + ", 1, 10) || 'T' || substr(" + c + ", 12, length(" + c + ") - 17) || 'Z\"'" +
			" WHEN " + c + " IS NOT NULL THEN '\"' || substr(" + c + ", 1, 10) || 'T' || substr(" + c + ", 12) || '\"' END"
	},
	cursorTime: func(c string) string { return c },
	// ent stores the JSON as a blob, "null" for a nil slice.
	strings: func(c string) string {
		t := "CAST(" + c + " AS TEXT)"
		return "CASE WHEN " + t + " = 'null' THEN 'null' ELSE (SELECT '[' || coalesce(group_concat(json_quote(value), ','), '') || ']' FROM json_each(" + t + ")) END"
	},
	aggregate:   aggregate("group_concat"),
	least:       func(a, b string) string { return "min(" + a + ", " + b + ")" },
	jsonArray:   "json_array",
	char:        "char",
	placeholder: func(int) string { return "?" },
}

var postgres = &sqlDialect{
	name:       dialect.Postgres,
	ident:      func(s string) string { return `"` + s + `"` },
	text:       func(s string) string { return "(" + s + ")::text" },
	jsonString: func(s string) string { return "to_json((" + s + ")::text)::text" },
	// pgx reads a timestamptz as a time in UTC (on a server whose local
	// time is UTC; see localTimes), with microseconds, which gqlgen
	// writes without trailing zeros.
	time: func(c string) string {
		return "'\"' || rtrim(rtrim(to_char(" + c + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '0'), '.') || 'Z\"'"
	},
	cursorTime: func(c string) string {
		return "to_char(" + c + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
	},
	strings: func(c string) string {
		j := "(" + c + ")::jsonb"
		return "CASE WHEN jsonb_typeof(" + j + ") = 'null' THEN 'null' ELSE (SELECT '[' || coalesce(string_agg(to_json(v)::text, ',' ORDER BY o), '') || ']' FROM jsonb_array_elements_text(" + j + ") WITH ORDINALITY AS x(v, o)) END"
	},
	aggregate:   aggregate("string_agg"),
	least:       func(a, b string) string { return "LEAST(" + a + ", " + b + ")" },
	jsonArray:   "json_build_array",
	char:        "chr",
	placeholder: func(n int) string { return "$" + strconv.Itoa(n) },
	localTimes:  true,
}

// aggregate is the dialect's aggregate function fn that concatenates text
// with commas, in the order given, of the rows the filter keeps.
func aggregate(fn string) func(e, ordering, filter string) string {
	return func(e, ordering, filter string) string {
		s := fn + "(" + e + ", ','"
		if ordering != "" {
			s += " ORDER BY " + ordering
		}
		s += ")"
		if filter != "" {
			s += " FILTER (WHERE " + filter + ")"
		}
		return s
	}
}
