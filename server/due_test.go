package server_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/samverkan/samverkan/accounts/accountstest"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/storage/storagetest"
)

const (
	createDeadline = `mutation($in: CreateFollowUpDeadlineInput!) { createFollowUpDeadline(input: $in) { id } }`
	dueQuery       = `query($within: Int!) { due(within: $within) { kind date overdue activity { id title } deadline { year period } } }`
)

// dueItem is an item of the due list as a client reads it.
type dueItem struct {
	Kind     string
	Date     time.Time
	Overdue  bool
	Activity struct{ ID, Title string }
	Deadline *struct {
		Year   int
		Period string
	}
}

func (s *testServer) due(within int) []dueItem {
	s.t.Helper()
	var data struct{ Due []dueItem }
	s.must(dueQuery, map[string]any{"within": within}, &data)
	return data.Due
}

// summary writes the items as "KIND title overdue" lines, for comparing.
func summary(items []dueItem) []string {
	var out []string
	for _, it := range items {
		line := it.Kind + " " + it.Activity.Title
		if it.Overdue {
			line += " (overdue)"
		}
		out = append(out, line)
	}
	return out
}

// day is a date n days from today, as the admin page sends dates.
func day(n int) string {
	return time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, n).Format(time.RFC3339)
}

// The due list holds the reviews of unfinished activities within the days
// asked for, overdue ones flagged, and the follow-ups a deadline of their
// plan asks for and none has given; an editor's only those of its scope;
// a follow-up of the deadline's period and year ends it; closed plans have
// nothing due.
func TestDueListsReviewsAndFollowUps(t *testing.T) {
	s := newTestServer(t)
	f := newRoleFixture(s)
	editor := s.as(accountstest.Session(t, s.client,
		accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil)))
	setReview := `mutation($id: ID!, $d: Time!) { updateActivity(id: $id, input: {nextReview: $d}) { id } }`
	s.must(setReview, map[string]any{"id": f.ours, "d": day(-1)}, nil)
	s.must(setReview, map[string]any{"id": f.theirs, "d": day(10)}, nil)
	s.must(setReview, map[string]any{"id": f.viaMuseum, "d": day(-3)}, nil)
	s.must(`mutation($id: ID!) { updateActivity(id: $id, input: {status: DONE}) { id } }`, map[string]any{"id": f.viaMuseum}, nil)
	s.create(createDeadline, map[string]any{"in": map[string]any{"planID": f.plan, "year": 2022, "period": "FIRST_HALF", "dueDate": "2022-09-15T00:00:00Z"}})

	t.Run("Admin", func(t *testing.T) {
		got := summary(s.withT(t).due(30))
		// The seed's activities are prioritised 2020–2021, so no 2022
		// follow-up is due of them; the museum's activity is done.
		want := []string{
			"FOLLOW_UP Laxås aktivitet (overdue)", "FOLLOW_UP Örebros aktivitet (overdue)",
			"REVIEW Örebros aktivitet (overdue)", "REVIEW Laxås aktivitet",
		}
		if !slices.Equal(got, want) {
			t.Errorf("due = %q, want %q", got, want)
		}
		if got := summary(s.withT(t).due(5)); slices.Contains(got, "REVIEW Laxås aktivitet") {
			t.Errorf("due within 5 days = %q, want no review 10 days ahead", got)
		}
	})
	t.Run("EditorSeesItsScope", func(t *testing.T) {
		got := editor.withT(t).due(30)
		want := []string{"FOLLOW_UP Örebros aktivitet (overdue)", "REVIEW Örebros aktivitet (overdue)"}
		if !slices.Equal(summary(got), want) {
			t.Errorf("the editor's due = %q, want %q", summary(got), want)
		}
		if d := got[0].Deadline; d == nil || d.Year != 2022 || d.Period != "FIRST_HALF" {
			t.Errorf("the follow-up's deadline = %+v, want 2022 FIRST_HALF", d)
		}
	})
	t.Run("AFollowUpOfThePeriodEndsIt", func(t *testing.T) {
		editor := editor.withT(t)
		editor.must(`mutation($a: ID!) { createFollowUp(input: {activityID: $a, date: "2022-06-30T00:00:00Z", period: FIRST_HALF, text: "Halvår 1"}) { id } }`,
			map[string]any{"a": f.ours}, nil)
		if got := summary(editor.due(30)); !slices.Equal(got, []string{"REVIEW Örebros aktivitet (overdue)"}) {
			t.Errorf("after the follow-up, due = %q, want only the review", got)
		}
	})
	t.Run("Refusals", func(t *testing.T) {
		s := s.withT(t)
		s.wantError(dueQuery, map[string]any{"within": 367}, "VALIDATION", "within")
		s.as("").wantError(dueQuery, map[string]any{"within": 30}, "UNAUTHENTICATED", "")
		s.wantError(createDeadline, map[string]any{"in": map[string]any{"planID": f.plan, "year": 2019, "dueDate": "2019-12-31T00:00:00Z"}}, "VALIDATION", "year")
		s.wantError(createDeadline, map[string]any{"in": map[string]any{"planID": f.plan, "year": 2022, "period": "FIRST_HALF", "dueDate": "2022-10-01T00:00:00Z"}}, "CONSTRAINT", "year")
		editor.withT(t).wantError(createDeadline, map[string]any{"in": map[string]any{"planID": f.plan, "year": 2023, "dueDate": "2024-02-01T00:00:00Z"}}, "FORBIDDEN", "")
	})
	t.Run("ClosedPlansHaveNothingDue", func(t *testing.T) {
		s := s.withT(t)
		s.must(setPlanState, map[string]any{"id": f.plan, "state": "CLOSED"}, nil)
		if got := s.due(366); len(got) != 0 {
			t.Errorf("due under a closed plan = %q, want nothing", summary(got))
		}
	})
}

// calendarLine is a content line of an iCalendar feed, unfolded.
type calendarLine struct{ name, params, value string }

// parseCalendar checks the feed's physical lines (CRLF ends, at most 75
// octets, folds that split no character) and returns its content lines
// unfolded (RFC 5545, 3.1).
func parseCalendar(t *testing.T, body string) []calendarLine {
	t.Helper()
	if !strings.HasSuffix(body, "\r\n") {
		t.Fatalf("the feed does not end in CRLF")
	}
	var unfolded []string
	for _, physical := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if strings.ContainsAny(physical, "\r\n") {
			t.Errorf("a bare CR or LF in %q", physical)
		}
		if len(physical) > 75 {
			t.Errorf("a line of %d octets (at most 75): %q", len(physical), physical)
		}
		if !utf8.ValidString(physical) {
			t.Errorf("a fold splits a character: %q", physical)
		}
		if rest, ok := strings.CutPrefix(physical, " "); ok && len(unfolded) > 0 {
			unfolded[len(unfolded)-1] += rest
			continue
		}
		unfolded = append(unfolded, physical)
	}
	var lines []calendarLine
	for _, u := range unfolded {
		head, value, ok := strings.Cut(u, ":")
		if !ok {
			t.Fatalf("no colon in %q", u)
		}
		name, params, _ := strings.Cut(head, ";")
		lines = append(lines, calendarLine{name, params, value})
	}
	return lines
}

// unescapeText reads an iCalendar TEXT value.
func unescapeText(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			case '\\', ';', ',':
				b.WriteByte(s[i])
			default:
				t.Errorf("an unknown escape \\%c in %q", s[i], s)
			}
		case s[i] == ';' || s[i] == ',':
			t.Errorf("an unescaped %c in %q", s[i], s)
			b.WriteByte(s[i])
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func (s *testServer) getFeed(path string) (int, string, http.Header) {
	s.t.Helper()
	res, err := http.Get(s.URL + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body), res.Header
}

// An editor's calendar feed is an iCalendar file Outlook can read (lines
// folded and text escaped as RFC 5545 says, all-day events), of what the
// editor has due; its secret opens nothing else, never reaches the log,
// and revoking the feed, or making a new one, stops it at once.
func TestCalendarFeed(t *testing.T) {
	var logs syncBuffer
	s := newTestServerOn(t, storagetest.Open(t), &logs)
	f := newRoleFixture(s)
	editor := s.as(accountstest.Session(t, s.client,
		accountstest.User(t, s.client, "redaktor", auth.RoleEditor, []int{mustAtoi(t, f.orebro)}, nil)))
	title := `Kulturkväll; med musik, dans \ och en lång titel om länets kulturskolor, bibliotek och äldreomsorg i Örebro`
	s.must(`mutation($id: ID!, $t: String!, $d: Time!) { updateActivity(id: $id, input: {title: $t, nextReview: $d, lead: "Kulturchef"}) { id } }`,
		map[string]any{"id": f.ours, "t": title, "d": day(-1)}, nil)
	s.must(`mutation($id: ID!, $d: Time!) { updateActivity(id: $id, input: {nextReview: $d}) { id } }`, map[string]any{"id": f.theirs, "d": day(3)}, nil)

	var made struct{ CreateCalendarFeed struct{ Path string } }
	editor.must(`mutation { createCalendarFeed { path createdAt } }`, nil, &made)
	path := made.CreateCalendarFeed.Path
	if !strings.HasPrefix(path, "/calendar/") || !strings.HasSuffix(path, ".ics") {
		t.Fatalf("path = %q, want /calendar/<secret>.ics", path)
	}
	secret := strings.TrimSuffix(strings.TrimPrefix(path, "/calendar/"), ".ics")

	status, body, header := s.getFeed(path)
	if status != http.StatusOK || header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("the feed answers %d %q: %s", status, header.Get("Content-Type"), body)
	}
	lines := parseCalendar(t, body)
	if first, last := lines[0], lines[len(lines)-1]; first.name != "BEGIN" || first.value != "VCALENDAR" || last.name != "END" || last.value != "VCALENDAR" {
		t.Errorf("the feed is not one VCALENDAR: %+v … %+v", first, last)
	}
	var events, starts, summaries []string
	for _, l := range lines {
		switch l.name {
		case "BEGIN":
			if l.value == "VEVENT" {
				events = append(events, l.value)
			}
		case "DTSTART":
			starts = append(starts, l.params+":"+l.value)
		case "SUMMARY":
			summaries = append(summaries, unescapeText(t, l.value))
		case "DESCRIPTION":
			unescapeText(t, l.value)
		}
	}
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format("20060102")
	if len(events) != 1 || !slices.Equal(starts, []string{"VALUE=DATE:" + yesterday}) {
		t.Errorf("events %d starting %q, want the editor's one review, on %s as a date", len(events), starts, yesterday)
	}
	if want := "Avstämning: " + title + " (försenad)"; !slices.Equal(summaries, []string{want}) {
		t.Errorf("summaries = %q, want %q", summaries, want)
	}
	if !strings.Contains(body, `\;`) || !strings.Contains(body, `\,`) || !strings.Contains(body, `\\`) || !strings.Contains(body, "\r\n ") {
		t.Errorf("the feed escapes or folds nothing:\n%s", body)
	}

	t.Run("TheSecretIsNoBearerToken", func(t *testing.T) {
		s.withT(t).as(secret).wantError(`{ me { username } }`, nil, "UNAUTHENTICATED", "")
	})
	t.Run("RevokingStopsIt", func(t *testing.T) {
		editor := editor.withT(t)
		var revoked struct{ RevokeCalendarFeed bool }
		editor.must(`mutation { revokeCalendarFeed }`, nil, &revoked)
		if status, _, _ := editor.getFeed(path); !revoked.RevokeCalendarFeed || status != http.StatusNotFound {
			t.Errorf("after revoking (%v), the feed answers %d, want 404", revoked.RevokeCalendarFeed, status)
		}
		var again struct{ CreateCalendarFeed struct{ Path string } }
		editor.must(`mutation { createCalendarFeed { path } }`, nil, &again)
		editor.must(`mutation { createCalendarFeed { path } }`, nil, &made)
		if status, _, _ := editor.getFeed(again.CreateCalendarFeed.Path); status != http.StatusNotFound {
			t.Errorf("a feed replaced by a new one answers %d, want 404", status)
		}
		if status, _, _ := editor.getFeed(made.CreateCalendarFeed.Path); status != http.StatusOK {
			t.Errorf("the new feed answers %d, want 200", status)
		}
		var has struct{ CalendarFeedCreatedAt *time.Time }
		editor.must(`{ calendarFeedCreatedAt }`, nil, &has)
		if has.CalendarFeedCreatedAt == nil {
			t.Error("calendarFeedCreatedAt is null with a feed")
		}
	})
	t.Run("NoSecretInTheLog", func(t *testing.T) {
		log := logs.String()
		if strings.Contains(log, secret) {
			t.Errorf("the log shows the feed's secret:\n%s", log)
		}
		if !strings.Contains(log, "path=/calendar/…") {
			t.Errorf("the log does not show the feed's requests:\n%s", log)
		}
	})
}
