package live

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/samverkan/samverkan/storage"
)

// On PostgreSQL several servers may share one database, and a change made
// through one must reach the subscribers of all. Each server sends the
// changes it committed with NOTIFY on a channel named for the database's
// schema, and LISTENs on it on a connection of its own; it skips what it
// sent itself, which its own subscribers had at once. The same messages say
// when a token or a user changed (a revoke, a sign-out, a role, a scope, a
// password), and the other servers then forget the viewers they keep for
// bearer tokens (accounts' viewer cache); its time bound stays for a
// message that is lost.
//
// The NOTIFY is sent after the commit, by a goroutine of its own, so that a
// writer neither waits for it nor makes PostgreSQL's commit take the lock
// that a notifying transaction takes. The price: changes that a server
// committed just before it died, or more than the queue holds, reach the
// other servers' subscribers no more (they are told they lost changes only
// in the second case). A NOTIFY holds at most 8000 bytes: the changes go in
// pieces of at most maxPerNotify.

const (
	notifyQueue  = 1024
	maxPerNotify = 200
)

// message is what goes through NOTIFY: changes, and whether a token or a
// user changed (see Hub.ViewersChanged).
type message struct {
	From    string  `json:"f"`
	Events  []Event `json:"e,omitempty"`
	Viewers bool    `json:"v,omitempty"`
}

type notifier struct {
	db      *sql.DB
	channel string
	origin  string
	queue   chan []Event
	hub     *Hub
	// viewers is set when a change of a token or a user committed and the
	// other servers are not yet told; wake then has the sender look. One
	// flag, not a place in the queue: however many such changes come, the
	// next NOTIFY carries them all, and a full queue never drops one.
	viewers atomic.Bool
	wake    chan struct{}
}

// send queues the changes for the other servers, never waiting: when the
// queue is full, they are dropped and logged.
func (n *notifier) send(events []Event) {
	select {
	case n.queue <- events:
	default:
		n.hub.log.Warn("live: the changes for the other servers are more than the queue holds; some are dropped")
	}
}

// sendViewers has the other servers told, never waiting, that a token or a
// user changed.
func (n *notifier) sendViewers() {
	n.viewers.Store(true)
	select {
	case n.wake <- struct{}{}:
	default: // the sender is woken already
	}
}

func (n *notifier) run(ctx context.Context) {
	for {
		var events []Event
		select {
		case <-ctx.Done():
			return
		case events = <-n.queue:
		case <-n.wake:
		}
		events = n.drain(events)
		// The first NOTIFY says whether tokens or users changed; a write
		// of anything else says nothing of it.
		m := message{From: n.origin, Viewers: n.viewers.Swap(false)}
		for {
			m.Events = events[:min(len(events), maxPerNotify)]
			events = events[len(m.Events):]
			if len(m.Events) == 0 && !m.Viewers {
				break
			}
			if err := notify(ctx, n.db, n.channel, m); err != nil && ctx.Err() == nil {
				if m.Viewers {
					n.hub.log.Warn("live: cannot tell the other servers that a token or a user changed; they see it within the time they keep a token's user", "error", err)
				}
				if len(m.Events) > 0 {
					n.hub.log.Warn("live: cannot tell the other servers of changes", "error", err)
				}
			}
			m.Viewers = false
		}
	}
}

// drain adds to events the changes queued behind them, so that one NOTIFY
// carries what several commits changed. Each NOTIFY is a transaction of
// its own that PostgreSQL flushes to disk like a change; under a stream of
// writes, one per commit doubled the transactions and their flushes.
func (n *notifier) drain(events []Event) []Event {
	for {
		select {
		case more := <-n.queue:
			events = append(events, more...)
		default:
			return events
		}
	}
}

// Listen connects the hub to the other servers on the PostgreSQL database
// db (opened from dsn), until ctx ends. It returns once it listens, or
// with the error that kept it from listening; after that, it reconnects
// by itself when the connection is lost, and tells the subscribers they
// may have missed changes meanwhile.
func (h *Hub) Listen(ctx context.Context, db *sql.DB, dsn string) error {
	channel, err := channelOf(ctx, db)
	if err != nil {
		return err
	}
	origin := make([]byte, 8)
	_, _ = rand.Read(origin)
	n := &notifier{db: db, channel: channel, origin: hex.EncodeToString(origin), queue: make(chan []Event, notifyQueue), hub: h,
		wake: make(chan struct{}, 1)}
	conn, err := listen(ctx, dsn, channel)
	if err != nil {
		return err
	}
	h.mu.Lock()
	h.remote = n
	h.mu.Unlock()
	go n.run(ctx)
	go h.hear(ctx, conn, dsn, n)
	return nil
}

// channelOf is the channel of the servers on the PostgreSQL database db,
// named for its schema.
func channelOf(ctx context.Context, db *sql.DB) (string, error) {
	var schema string
	if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", fmt.Errorf("live: the database's schema: %w", err)
	}
	channel := "samverkan_changes_" + schema
	if len(channel) > 63 {
		channel = channel[:63]
	}
	return channel, nil
}

// TellViewersChanged tells the servers on the PostgreSQL database db,
// now, that a token or a user changed, for a process that changed one
// without being a server (the user command): they forget the viewers they
// keep as they would for a change through one of them.
func TellViewersChanged(ctx context.Context, db *sql.DB) error {
	channel, err := channelOf(ctx, db)
	if err != nil {
		return err
	}
	// From no server: none skips it.
	if err := notify(ctx, db, channel, message{Viewers: true}); err != nil {
		return fmt.Errorf("live: notify: %w", err)
	}
	return nil
}

// notify sends m on the channel.
func notify(ctx context.Context, db *sql.DB, channel string, m message) error {
	payload, _ := json.Marshal(m)
	_, err := db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, string(payload))
	return err
}

func listen(ctx context.Context, dsn, channel string) (*pgx.Conn, error) {
	cfg, err := storage.PostgresConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("live: connect to listen: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("live: connect to listen: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("live: listen: %w", err)
	}
	return conn, nil
}

// hear hands the other servers' changes to this server's subscribers.
func (h *Hub) hear(ctx context.Context, conn *pgx.Conn, dsn string, n *notifier) {
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	wait := time.Second
	for ctx.Err() == nil {
		if conn == nil {
			c, err := listen(ctx, dsn, n.channel)
			if err != nil {
				h.log.Warn("live: cannot listen for other servers' changes; trying again", "in", wait.String(), "error", err)
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
				wait = min(2*wait, 30*time.Second)
				continue
			}
			conn, wait = c, time.Second
			h.log.Info("live: listening for other servers' changes again")
			h.forgetViewers() // a token or a user may have changed meanwhile
		}
		note, err := conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			h.log.Warn("live: lost the connection that hears other servers' changes", "error", err)
			conn.Close(context.Background())
			conn = nil
			h.loseAll() // what came meanwhile is not heard
			continue
		}
		var m message
		if err := json.Unmarshal([]byte(note.Payload), &m); err != nil || m.From == n.origin {
			continue
		}
		if m.Viewers {
			h.forgetViewers()
		}
		if len(m.Events) > 0 {
			h.publish(m.Events)
		}
	}
}
