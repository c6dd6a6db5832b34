package period

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// WriteICalendar writes the items as an iCalendar (RFC 5545) feed that
// Outlook and other calendars subscribe to: one all-day event per item
// (DTSTART;VALUE=DATE), with a UID that stays the same from one fetch to
// the next, so that a calendar updates an event rather than adding it
// again. Text is escaped and lines are folded at 75 octets, as the RFC
// asks.
func WriteICalendar(w io.Writer, name string, items []*DueItem, now time.Time) error {
	c := &icalWriter{w: w}
	c.line("BEGIN:VCALENDAR")
	c.line("VERSION:2.0")
	c.line("PRODID:-//Samverkan//Samverkan//SV")
	c.line("CALSCALE:GREGORIAN")
	c.line("METHOD:PUBLISH")
	c.line("X-WR-CALNAME:" + escapeText(name))
	stamp := now.UTC().Format("20060102T150405Z")
	for _, it := range items {
		day := it.Date.UTC()
		var uid, summary, description string
		switch it.Kind {
		case DueReview:
			uid = fmt.Sprintf("review-%d-%s@samverkan", it.Activity.ID, day.Format("20060102"))
			summary = "Avstämning: " + it.Activity.Title
			description = "Avstämningsdatum för aktiviteten " + it.Activity.Title + "."
		case DueFollowUp:
			uid = fmt.Sprintf("followup-%d-%d@samverkan", it.Activity.ID, it.Deadline.ID)
			summary = "Uppföljning: " + it.Activity.Title
			description = fmt.Sprintf("Uppföljning av aktiviteten %s för %s %d.", it.Activity.Title, periodNames[string(it.Deadline.Period)], it.Deadline.Year)
		}
		if it.Activity.Lead != "" {
			description += "\nAnsvarig: " + it.Activity.Lead
		}
		if it.Overdue {
			summary += " (försenad)"
		}
		c.line("BEGIN:VEVENT")
		c.line("UID:" + uid)
		c.line("DTSTAMP:" + stamp)
		c.line("DTSTART;VALUE=DATE:" + day.Format("20060102"))
		c.line("DTEND;VALUE=DATE:" + day.AddDate(0, 0, 1).Format("20060102"))
		c.line("SUMMARY:" + escapeText(summary))
		c.line("DESCRIPTION:" + escapeText(description))
		c.line("TRANSP:TRANSPARENT")
		c.line("END:VEVENT")
	}
	c.line("END:VCALENDAR")
	return c.err
}

// periodNames are the Swedish names of the reporting periods.
var periodNames = map[string]string{
	"YEAR":           "helåret",
	"FIRST_HALF":     "halvår 1",
	"SECOND_HALF":    "halvår 2",
	"FIRST_TERTIAL":  "tertial 1",
	"SECOND_TERTIAL": "tertial 2",
	"THIRD_TERTIAL":  "tertial 3",
}

// icalWriter writes content lines, folded, ending in CRLF; it keeps the
// first error.
type icalWriter struct {
	w   io.Writer
	err error
}

// maxLineOctets is the longest a content line may be, CRLF not counted
// (RFC 5545, 3.1).
const maxLineOctets = 75

// line writes a content line, folded into lines of at most 75 octets (a
// continuation starts with a space, which counts) without splitting a
// UTF-8 character.
func (c *icalWriter) line(s string) {
	if c.err != nil {
		return
	}
	var b strings.Builder
	limit := maxLineOctets
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLineOctets - 1 // the space that starts the continuation
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	_, c.err = io.WriteString(c.w, b.String())
}

// escapeText escapes a TEXT value (RFC 5545, 3.3.11): backslash,
// semicolon, comma and newline.
func escapeText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// FeedPrefix is where the server serves calendar feeds: FeedPath's
// addresses begin with it.
const FeedPrefix = "/calendar/"

// FeedPath is the address, on the server, of the calendar feed a secret
// opens.
func FeedPath(secret string) string {
	return FeedPrefix + secret + ".ics"
}
