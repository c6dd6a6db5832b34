package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// writerQueue runs a process's SQLite transactions one at a time, first
// come first served, and commits them in groups.
//
// Waiting in Go: every transaction takes SQLite's write lock when it begins
// (_txlock=immediate), so they run one at a time whatever happens; but
// SQLite's busy handler retries by sleeping, for up to 100 ms between tries,
// so the lock sat free while writers slept and the unlucky ones waited for
// hundreds of milliseconds (M1 at concurrency 32: p99 630 ms where one write
// takes under 1 ms).
//
// Group commit: with _synchronous=FULL every COMMIT waits for the disk, and
// that wait, once per transaction, bounded the writes per second far below
// what the CPU could do. So a transaction (a member) runs inside a SAVEPOINT
// of a longer SQLite transaction (a group); its Commit releases the
// savepoint, lets the next writer in the queue run in the same group, and
// returns only when the group has been committed and synced, with the
// group's result. The group commits when no other writer is waiting, when
// maxMembers members have ended in it (committed or rolled back), or when
// its first committed member has waited maxGroupWait. A member that rolls
// back undoes only its own changes. Nothing is acknowledged before it is on disk: if the group's
// COMMIT fails, every member's Commit fails.
type writerQueue struct {
	*entsql.Driver
	*groups
}

// queueWait is how long a transaction whose context has no deadline waits
// in the queue before it begins anyway and falls back on SQLite's busy
// timeout: the same 5 s, so that a transaction that is never ended delays
// the others as before and no longer. A transaction with a deadline (every
// request's) waits until the deadline, and ends with its error.
var queueWait = 5 * time.Second

// maxMembers and maxGroupWait bound a group, so that a steady stream of
// writers does not keep its first members waiting for their answer. Members
// that roll back count too: a stream of failing mutations (wrong passwords,
// refusals) once kept a group open, and the one write committed into it
// unanswered, for as long as the stream lasted.
const (
	maxMembers   = 64
	maxGroupWait = 50 * time.Millisecond
)

// groups is the queue's state, shared by every driver of one database.
type groups struct {
	db *sql.DB
	// turn holds a token while a writer runs: a member between its begin
	// and its end, or a transaction outside any group.
	turn chan struct{}
	// waiting counts the writers blocked on turn; a group commits when
	// it is zero.
	waiting atomic.Int32
	// open is the group members join, nil between groups. Only the
	// holder of the turn touches it.
	open *group
	// sizes counts the groups committed by their number of members, in
	// the buckets of GroupSizeBuckets; members counts the members.
	sizes   [len(GroupSizeBuckets) + 1]atomic.Uint64
	members atomic.Uint64
}

// GroupSizeBuckets are the upper bounds of WriterStats.Groups' buckets.
var GroupSizeBuckets = [...]int{1, 2, 4, 8, 16, 32, maxMembers}

// WriterStats is what a SQLite database's writer queue is doing, for the
// metrics.
type WriterStats struct {
	// Waiting is how many writers wait for their turn now.
	Waiting int
	// Groups counts the groups committed by size: Groups[i] those with
	// at most GroupSizeBuckets[i] members (and more than the bucket
	// before), the last one any larger; not cumulative.
	Groups [len(GroupSizeBuckets) + 1]uint64
	// Members is how many transactions the committed groups held.
	Members uint64
}

// WriterStats returns what the writer queue is doing, and false on
// PostgreSQL, which has none.
func (db *DB) WriterStats() (WriterStats, bool) {
	if db.Dialect != dialect.SQLite {
		return WriterStats{}, false
	}
	db.writersOnce.Do(func() { db.writers = newGroups(db.DB) })
	q := db.writers
	s := WriterStats{Waiting: int(q.waiting.Load()), Members: q.members.Load()}
	for i := range s.Groups {
		s.Groups[i] = q.sizes[i].Load()
	}
	return s, true
}

func newGroups(db *sql.DB) *groups {
	return &groups{db: db, turn: make(chan struct{}, 1)}
}

// group is one SQLite transaction holding the changes of several members.
type group struct {
	conn    *sql.Conn
	tx      *sql.Tx
	members int       // members that committed into it
	ended   int       // members that ended in it, committed or rolled back
	first   time.Time // when the first member committed into it
	done    chan struct{}
	err     error // the COMMIT's result, set before done is closed
	// fault is the first storage fault a statement of the group met: if
	// SQLite rolls the group back for it, its members are told why.
	fault error
}

// Tx begins a transaction when the ones before it have ended.
func (q *writerQueue) Tx(ctx context.Context) (dialect.Tx, error) {
	return q.BeginTx(ctx, nil)
}

// BeginTx begins a transaction with options when the ones before it have
// ended, or, for a context of BeginAtFirstStatement, at its first
// statement.
func (q *writerQueue) BeginTx(ctx context.Context, opts *entsql.TxOptions) (dialect.Tx, error) {
	if ctx.Value(atFirstStatement{}) != nil {
		return &lazyTx{q: q, ctx: ctx, opts: opts}, nil
	}
	return q.begin(ctx, opts)
}

type atFirstStatement struct{}

// BeginAtFirstStatement returns a context whose SQLite transactions wait
// for their turn among the writers when they run their first statement,
// not when they begin (see lazyTx). A GraphQL mutation's transaction is
// one: it begins before the mutation's resolvers run.
func BeginAtFirstStatement(ctx context.Context) context.Context {
	return context.WithValue(ctx, atFirstStatement{}, true)
}

// begin begins a transaction with options when the ones before it have
// ended. Goroutines blocked on a channel send are served in order, which
// makes the queue fair.
func (q *writerQueue) begin(ctx context.Context, opts *entsql.TxOptions) (dialect.Tx, error) {
	turn, err := q.wait(ctx)
	if err != nil {
		return nil, err
	}
	if !turn || (opts != nil && (opts.ReadOnly || opts.Isolation != sql.LevelDefault)) {
		// A transaction of its own: after waiting too long (SQLite's
		// busy timeout decides from here), or one that asks for
		// something a savepoint cannot give.
		release := func() {}
		if turn {
			q.commitOpen()
			release = sync.OnceFunc(q.release)
		}
		tx, err := q.Driver.BeginTx(ctx, opts)
		if err != nil {
			release()
			return nil, err
		}
		etx, ok := tx.(*entsql.Tx)
		if !ok {
			_ = tx.Rollback()
			release()
			return nil, fmt.Errorf("begin: ent's driver gave a %T, not an *sql.Tx", tx)
		}
		return &soloTx{Tx: etx, release: release}, nil
	}
	m, err := q.join(ctx)
	if err != nil {
		q.release()
		return nil, err
	}
	return m, nil
}

// wait waits for the turn. It reports an error if ctx ended first, and
// false if ctx has no deadline and it waited queueWait in vain.
func (q *groups) wait(ctx context.Context) (bool, error) {
	q.waiting.Add(1)
	var fallBack <-chan time.Time
	if _, ok := ctx.Deadline(); !ok {
		timer := time.NewTimer(queueWait)
		defer timer.Stop()
		fallBack = timer.C
	}
	select {
	case q.turn <- struct{}{}:
		q.waiting.Add(-1)
		return true, nil
	case <-fallBack:
		q.giveUp()
		return false, nil
	case <-ctx.Done():
		q.giveUp()
		return false, ctx.Err()
	}
}

// giveUp takes a writer that stops waiting out of the count. The holder of
// the turn may have counted it already and handed the turn on, leaving its
// group open for it; so something must take the turn once more, only to
// give it back, for the group to commit.
func (q *groups) giveUp() {
	q.waiting.Add(-1)
	go func() {
		q.turn <- struct{}{}
		q.release()
	}()
}

// release gives up the turn. The open group commits first when nobody
// waits to join it, when it is full, or when its first committed member
// has waited long enough: its members wait for that.
func (q *groups) release() {
	if g := q.open; g != nil && (q.waiting.Load() == 0 || g.ended >= maxMembers ||
		(g.members > 0 && time.Since(g.first) >= maxGroupWait)) {
		q.commitOpen()
	}
	<-q.turn
}

// join begins a member in the open group, opening one if there is none.
// The caller holds the turn.
func (q *groups) join(ctx context.Context) (*member, error) {
	if q.open == nil {
		g, err := q.begin(ctx)
		if err != nil {
			return nil, err
		}
		q.open = g
	}
	g := q.open
	if _, err := g.tx.ExecContext(context.Background(), "SAVEPOINT member"); err != nil {
		q.fail(fmt.Errorf("begin: %w", err))
		return nil, fmt.Errorf("begin: %w", err)
	}
	// entsql.Tx turns ent's statements into database/sql calls; its own
	// Commit and Rollback are the member's.
	return &member{Tx: &entsql.Tx{Conn: entsql.Conn{ExecQuerier: uninterrupted{g}}}, q: q, g: g}, nil
}

// begin opens a group: a connection of its own, for the connection's
// state (see alive), and a transaction on it. Neither belongs to the
// request that opens them, so neither ends with that request's context.
func (q *groups) begin(ctx context.Context) (*group, error) {
	conn, err := q.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	tx, err := conn.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &group{conn: conn, tx: tx, done: make(chan struct{})}, nil
}

// commitOpen commits the open group, or rolls it back if no member
// committed into it, and tells its members. The caller holds the turn.
func (q *groups) commitOpen() {
	g := q.open
	if g == nil {
		return
	}
	q.open = nil
	if g.members == 0 {
		g.err = g.tx.Rollback()
	} else if err := g.tx.Commit(); err != nil {
		g.err = fmt.Errorf("commit: %w", err)
	} else {
		i := 0
		for i < len(GroupSizeBuckets) && g.members > GroupSizeBuckets[i] {
			i++
		}
		q.sizes[i].Add(1)
		q.members.Add(uint64(g.members))
	}
	g.conn.Close()
	close(g.done)
}

// fail ends the open group without committing it: its members get err.
func (q *groups) fail(err error) {
	g := q.open
	q.open = nil
	_ = g.tx.Rollback()
	g.conn.Close()
	g.err = err
	close(g.done)
}

// alive reports whether the group's SQLite transaction is still open.
// SQLite rolls a whole transaction back by itself after some errors (a full
// disk, an I/O error, an interrupted write); the members committed before
// must then not be told they succeeded, and later ones must not write
// outside a transaction.
func (g *group) alive() bool {
	inTx := false
	err := g.conn.Raw(func(dc any) error {
		c, ok := dc.(interface{ AutoCommit() bool })
		if !ok {
			return fmt.Errorf("group commit: a %T is not a SQLite connection", dc)
		}
		inTx = !c.AutoCommit()
		return nil
	})
	return err == nil && inTx
}

// errGroupLost is what a member gets when SQLite rolled its group back.
var errGroupLost = errors.New("commit: the database rolled the transaction back")

// lost is errGroupLost with the storage fault that caused it, if one did.
func (g *group) lost() error {
	if g.fault != nil {
		return fmt.Errorf("%w: %w", errGroupLost, g.fault)
	}
	return errGroupLost
}

// member is a transaction inside a group. Its statements run on the
// group's transaction; Commit and Rollback end its savepoint.
type member struct {
	*entsql.Tx
	q     *groups
	g     *group
	ended bool
}

// Commit ends the member's savepoint, lets the next writer run, and waits
// until the group is committed.
func (m *member) Commit() error {
	if m.ended {
		return sql.ErrTxDone
	}
	m.ended = true
	q, g := m.q, m.g
	g.ended++
	if !g.alive() {
		err := g.lost()
		q.fail(err)
		q.release()
		return err
	}
	if _, err := g.tx.ExecContext(context.Background(), "RELEASE member"); err != nil {
		err = fmt.Errorf("commit: %w", err)
		if rerr := m.undo(); rerr != nil {
			q.fail(err)
		}
		q.release()
		return err
	}
	if g.members++; g.members == 1 {
		g.first = time.Now()
	}
	q.release()
	<-g.done
	return g.err
}

// Rollback undoes the member's changes and lets the next writer run.
func (m *member) Rollback() error {
	if m.ended {
		return sql.ErrTxDone
	}
	m.ended = true
	m.g.ended++
	err := m.undo()
	if err != nil {
		m.q.fail(err)
	}
	m.q.release()
	return err
}

// undo rolls back to the member's savepoint and ends it.
func (m *member) undo() error {
	if !m.g.alive() {
		return m.g.lost()
	}
	for _, stmt := range []string{"ROLLBACK TO member", "RELEASE member"} {
		if _, err := m.g.tx.ExecContext(context.Background(), stmt); err != nil {
			return fmt.Errorf("rollback: %w", err)
		}
	}
	return nil
}

// uninterrupted runs a member's statements without letting its context
// interrupt them once they run: SQLite answers an interrupted write by
// rolling back the whole transaction, which here would take the other
// members' changes with it. A context that has ended still stops the
// member before its next statement.
type uninterrupted struct{ g *group }

func (u uninterrupted) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := u.g.tx.ExecContext(context.WithoutCancel(ctx), query, args...)
	return res, u.g.noteFault(err)
}

func (u uninterrupted) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := u.g.tx.QueryContext(context.WithoutCancel(ctx), query, args...)
	return rows, u.g.noteFault(err)
}

// noteFault remembers the first storage fault among the group's errors,
// and returns err. Only the holder of the turn runs statements.
func (g *group) noteFault(err error) error {
	if g.fault == nil && Fault(err) != "" {
		g.fault = err
	}
	return err
}

// soloTx is a transaction outside any group. It gives the turn back, if
// it had it, when it ends. It embeds *entsql.Tx, so that ExecContext and
// QueryContext (ent's client.ExecContext, the national seed) work on it, as
// they do on a member.
type soloTx struct {
	*entsql.Tx
	release func()
}

// Commit commits the transaction and lets the next one begin.
func (tx *soloTx) Commit() error {
	defer tx.release()
	return tx.Tx.Commit()
}

// Rollback rolls the transaction back and lets the next one begin.
func (tx *soloTx) Rollback() error {
	defer tx.release()
	return tx.Tx.Rollback()
}

// lazyTx is a transaction that waits for its turn in the queue only when
// it runs its first statement. A mutation does much before it reads or
// writes anything (its arguments, its input's validation, the policies
// that need no query), and none of that needs to hold up the writers
// behind it; a mutation refused before its first statement never takes a
// turn at all. Its statements all run after it has the turn, so writers
// still take turns. It begins with the context BeginTx was given, whose
// deadline bounds the wait, as before.
type lazyTx struct {
	q    *writerQueue
	ctx  context.Context
	opts *entsql.TxOptions

	mu    sync.Mutex
	tx    dialect.Tx // nil until the first statement
	err   error      // why it could not begin
	ended bool
}

// begun returns the transaction, beginning it at the first call.
func (t *lazyTx) begun() (dialect.Tx, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tx == nil && t.err == nil {
		if t.ended {
			return nil, sql.ErrTxDone
		}
		t.tx, t.err = t.q.begin(t.ctx, t.opts)
	}
	return t.tx, t.err
}

func (t *lazyTx) Exec(ctx context.Context, query string, args, v any) error {
	tx, err := t.begun()
	if err != nil {
		return err
	}
	return tx.Exec(ctx, query, args, v)
}

func (t *lazyTx) Query(ctx context.Context, query string, args, v any) error {
	tx, err := t.begun()
	if err != nil {
		return err
	}
	return tx.Query(ctx, query, args, v)
}

// ExecContext runs a statement of ent's client.ExecContext.
func (t *lazyTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	tx, err := t.begun()
	if err != nil {
		return nil, err
	}
	eq, ok := tx.(execQuerier)
	if !ok {
		return nil, fmt.Errorf("storage: a %T cannot run ExecContext", tx)
	}
	return eq.ExecContext(ctx, query, args...)
}

// QueryContext runs a statement of the read compiler.
func (t *lazyTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	tx, err := t.begun()
	if err != nil {
		return nil, err
	}
	eq, ok := tx.(execQuerier)
	if !ok {
		return nil, fmt.Errorf("storage: a %T cannot run QueryContext", tx)
	}
	return eq.QueryContext(ctx, query, args...)
}

// end ends the transaction, if it began: one that ran no statement has
// nothing to commit or roll back. Committing one that could not begin
// fails with the reason.
func (t *lazyTx) end(commit bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended {
		return sql.ErrTxDone
	}
	t.ended = true
	switch {
	case t.tx == nil && commit:
		return t.err
	case t.tx == nil:
		return nil
	case commit:
		return t.tx.Commit()
	}
	return t.tx.Rollback()
}

func (t *lazyTx) Commit() error { return t.end(true) }

func (t *lazyTx) Rollback() error { return t.end(false) }
