package period

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// Lines are folded at 75 octets, never inside a character, and unfold to
// what was written; text is escaped.
func TestICalendarLines(t *testing.T) {
	for _, text := range []string{
		strings.Repeat("å", 100),                  // two octets each: a fold falls inside one unless it backs off
		strings.Repeat("a", 74) + "ö" + "slut",    // the 75th octet starts a character
		"kort",                                    // no fold
		strings.Repeat("ä; b, c\\ d\n", 12) + "e", // escapes that fold too
	} {
		var buf bytes.Buffer
		c := &icalWriter{w: &buf}
		c.line("SUMMARY:" + escapeText(text))
		out := buf.String()
		if !strings.HasSuffix(out, "\r\n") {
			t.Fatalf("%q does not end in CRLF", out)
		}
		var unfolded strings.Builder
		for i, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
			if len(line) > 75 || !utf8.ValidString(line) {
				t.Errorf("line %d of %q: %d octets, valid UTF-8 %v", i, text, len(line), utf8.ValidString(line))
			}
			if i > 0 {
				line = strings.TrimPrefix(line, " ")
			}
			unfolded.WriteString(line)
		}
		if got, want := unfolded.String(), "SUMMARY:"+escapeText(text); got != want {
			t.Errorf("unfolded %q, want %q", got, want)
		}
	}
	if got := escapeText("a;b,c\\d\ne"); got != `a\;b\,c\\d\ne` {
		t.Errorf("escaped = %q", got)
	}
}
