// Package live tells subscribers of the changes to activities, follow-ups
// and indicators as they commit: the GraphQL subscription changes reads
// them from a Hub. A hook on the ent client hands each committed change to
// the hub, which passes it on to the subscribers that want it without
// ever waiting for one: a subscriber too slow to take its changes loses its
// subscription, never holds up a writer. On PostgreSQL the hub also tells
// the other servers on the same database (NOTIFY, see postgres.go), of
// these changes and of changes of tokens and users, for which the other
// servers forget the viewers they keep (ViewersChanged).
package live

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
)

// The actions a change can be.
const (
	Create = "CREATE"
	Update = "UPDATE"
	Delete = "DELETE"
)

// Types are the types whose changes a subscriber may follow.
var Types = []string{ent.TypeActivity, ent.TypeFollowUp, ent.TypeIndicator, ent.TypeIndicatorTarget, ent.TypeIndicatorValue}

// Event is one committed change of one record.
type Event struct {
	Action string `json:"a"`
	Type   string `json:"t"`
	ID     int    `json:"i"`
}

// Default caps on subscriptions, as the README's Limits states them.
const (
	DefaultMaxPerClient = 20
	DefaultMaxTotal     = 2000
	// bufferSize is how many changes a subscriber may have waiting before
	// it counts as too slow and loses its subscription.
	bufferSize = 256
)

// Hub keeps the subscriptions of one server and hands them the changes.
type Hub struct {
	maxPerClient, maxTotal int
	log                    *slog.Logger

	mu        sync.Mutex
	closed    bool
	subs      map[*Subscription]struct{}
	perClient map[string]int

	// remote, on PostgreSQL, takes the changes this server committed to
	// the other servers (see postgres.go); nil elsewhere.
	remote *notifier
	// forgets are called when another server changed a token or a user
	// (see OnViewersChanged).
	forgets []func()
}

// Option changes a Hub.
type Option func(*Hub)

// WithCaps sets the most subscriptions one client (address) and all
// clients together may hold; 0 is no cap.
func WithCaps(perClient, total int) Option {
	return func(h *Hub) { h.maxPerClient, h.maxTotal = perClient, total }
}

// New returns a hub fed by the changes made through client: it adds a hook
// to the client. Call Listen on PostgreSQL to hear other servers too.
func New(client *ent.Client, log *slog.Logger, opts ...Option) *Hub {
	h := &Hub{
		maxPerClient: DefaultMaxPerClient, maxTotal: DefaultMaxTotal, log: log,
		subs: map[*Subscription]struct{}{}, perClient: map[string]int{},
	}
	for _, o := range opts {
		o(h)
	}
	client.Use(h.hook)
	return h
}

// Subscription is one subscriber's stream of changes.
type Subscription struct {
	// C delivers the changes the subscriber asked for.
	C <-chan Event
	// Lost is closed when the subscriber missed changes (it was too slow,
	// or the server lost touch with the other servers): it should reload
	// what it shows and subscribe again.
	Lost <-chan struct{}

	c      chan Event
	lost   chan struct{}
	lose   sync.Once
	client string
	types  map[string]bool
	ids    map[int]bool
}

// ErrTooMany is the refusal of a subscription over a cap.
func errTooMany(what string, n int) error {
	return samverkan.Errorf(samverkan.CodeRateLimited, "",
		"too many live subscriptions %s (at most %d): end one before starting another", what, n)
}

// Subscribe starts a subscription for the client (its address) to the
// changes of the types and records named (all when none are).
func (h *Hub) Subscribe(client string, types []string, ids []int) (*Subscription, error) {
	s := &Subscription{c: make(chan Event, bufferSize), lost: make(chan struct{}), client: client}
	s.C, s.Lost = s.c, s.lost
	if len(types) > 0 {
		s.types = map[string]bool{}
		for _, t := range types {
			s.types[t] = true
		}
	}
	if len(ids) > 0 {
		s.ids = map[int]bool{}
		for _, id := range ids {
			s.ids[id] = true
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, &samverkan.Error{Code: samverkan.CodeUnavailable, RetryAfter: samverkan.UnavailableRetryAfter,
			Message: "the server is shutting down; subscribe again in a moment"}
	}
	if h.maxTotal > 0 && len(h.subs) >= h.maxTotal {
		return nil, errTooMany("on this server", h.maxTotal)
	}
	if h.maxPerClient > 0 && h.perClient[client] >= h.maxPerClient {
		return nil, errTooMany("from this client", h.maxPerClient)
	}
	h.subs[s] = struct{}{}
	h.perClient[client]++
	return s, nil
}

// Unsubscribe ends a subscription.
func (h *Hub) Unsubscribe(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; !ok {
		return
	}
	delete(h.subs, s)
	if h.perClient[s.client]--; h.perClient[s.client] <= 0 {
		delete(h.perClient, s.client)
	}
}

// Count is how many subscriptions the hub holds.
func (h *Hub) Count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// publish hands the events to every subscription that wants them, without
// waiting: a subscription whose buffer is full is lost.
func (h *Hub) publish(events []Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		for _, e := range events {
			if (s.types != nil && !s.types[e.Type]) || (s.ids != nil && !s.ids[e.ID]) {
				continue
			}
			select {
			case s.c <- e:
			default:
				s.lose.Do(func() { close(s.lost) })
			}
		}
	}
}

// Close ends every subscription and refuses new ones, for a server that
// shuts down.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.loseAll()
}

// loseAll tells every subscriber that it may have missed changes.
func (h *Hub) loseAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		s.lose.Do(func() { close(s.lost) })
	}
}

var watched = map[string]bool{}

func init() {
	for _, t := range Types {
		watched[t] = true
	}
}

// hook notes the records a change of a watched type touches and, once the
// change has committed (at once outside a transaction), hands them to the
// subscribers. It costs a writer a map lookup, and for a bulk update or
// delete the reading of its ids; the hand-over never waits.
func (h *Hub) hook(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if !watched[m.Type()] {
			return next.Mutate(ctx, m)
		}
		action := Update
		switch {
		case m.Op().Is(ent.OpCreate):
			action = Create
		case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
			action = Delete
		}
		var ids []int
		if m.Op().Is(ent.OpUpdate | ent.OpDelete) { // many records: which, before they go
			im, ok := m.(interface {
				IDs(context.Context) ([]int, error)
			})
			if !ok {
				return nil, fmt.Errorf("live: a %s mutation has no IDs", m.Type())
			}
			var err error
			if ids, err = im.IDs(auth.AsServer(ctx)); err != nil {
				return nil, fmt.Errorf("live: the %s records changed: %w", m.Type(), err)
			}
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return v, err
		}
		if ids == nil {
			if im, ok := m.(interface{ ID() (int, bool) }); ok {
				if id, ok := im.ID(); ok {
					ids = []int{id}
				}
			}
		}
		if len(ids) == 0 {
			return v, nil
		}
		events := make([]Event, len(ids))
		for i, id := range ids {
			events[i] = Event{Action: action, Type: m.Type(), ID: id}
		}
		tm, ok := m.(interface {
			TxIn(context.Context) (*ent.Tx, error)
		})
		tx, _ := func() (*ent.Tx, error) {
			if !ok {
				return nil, nil
			}
			return tm.TxIn(ctx)
		}()
		if tx == nil {
			h.committed(events)
			return v, nil
		}
		tx.OnCommit(func(next ent.Committer) ent.Committer {
			return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
				if err := next.Commit(ctx, tx); err != nil {
					return err
				}
				h.committed(events)
				return nil
			})
		})
		return v, nil
	})
}

// ViewersChanged tells the other servers on the database, on PostgreSQL,
// that a change of a token or a user committed through this one, so that
// they forget the viewers they keep for tokens. It never waits (the NOTIFY
// goes after the commit, like the changes'); elsewhere it does nothing.
// Tokens and users are no subscriber's to follow: this reaches no
// subscription.
func (h *Hub) ViewersChanged() {
	if h.remote != nil {
		h.remote.sendViewers()
	}
}

// OnViewersChanged has forget called whenever another server says that a
// token or a user changed (after its commit), and when the hub listens
// again after losing its connection, when it may have missed that.
func (h *Hub) OnViewersChanged(forget func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.forgets = append(h.forgets, forget)
}

func (h *Hub) forgetViewers() {
	h.mu.Lock()
	forgets := h.forgets
	h.mu.Unlock()
	for _, f := range forgets {
		f()
	}
}

// committed hands changes this server committed to its subscribers and,
// on PostgreSQL, to the other servers.
func (h *Hub) committed(events []Event) {
	h.publish(events)
	if h.remote != nil {
		h.remote.send(events)
	}
}
