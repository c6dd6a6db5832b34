package server

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/period"
)

// calendarPath is where the calendar feeds are served (period.FeedPath).
// The secret is the feed's only credential, so the request log writes the
// path without it (see loggedPath).
const calendarPath = period.FeedPrefix

// calendarFeed serves GET /calendar/<secret>.ics: the iCalendar feed of
// what the feed's user has due (period.Due, a year ahead and everything
// overdue), for Outlook and other calendars, which send no Authorization
// header. A secret that names no live feed, revoked ones included, is 404.
func calendarFeed(client *ent.Client, acc *accounts.Service, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		secret, ok := strings.CutSuffix(r.PathValue("feed"), ".ics")
		if !ok {
			graph.WriteError(w, r, samverkan.Errorf(samverkan.CodeNotFound, "", "no such calendar feed"), graph.Text)
			return
		}
		v, err := acc.CalendarViewer(ctx, secret)
		if errors.Is(err, accounts.ErrNoFeed) {
			graph.WriteError(w, r, samverkan.Errorf(samverkan.CodeNotFound, "", "no such calendar feed: it may have been revoked"), graph.Text)
			return
		}
		if err != nil {
			fail(w, r, log, err)
			return
		}
		if req := samverkan.RequestFrom(ctx); req != nil {
			req.User = v.Username
		}
		now := time.Now()
		items, err := period.Due(auth.NewContext(ctx, v), client, v, now, period.MaxDueDays)
		if err != nil {
			fail(w, r, log, err)
			return
		}
		var body bytes.Buffer
		if err := period.WriteICalendar(&body, "Samverkan – att göra", items, now); err != nil {
			fail(w, r, log, err)
			return
		}
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(body.Bytes())
	})
}

// loggedPath is a request's path as the log writes it: a calendar feed's
// without its secret.
func loggedPath(path string) string {
	if strings.HasPrefix(path, calendarPath) {
		return calendarPath + "…"
	}
	return path
}
