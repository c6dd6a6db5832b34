package accounts

import (
	"context"
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"time"

	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent"
)

// ViewerCacheTTL is the longest a token's viewer is kept without asking
// the database again. Changes made through this server (a revoke, a
// sign-out, a password, a role or a scope) empty the cache at once, when
// they commit; so do those made through another server on the same
// PostgreSQL database, when its NOTIFY arrives (WithPeers). This time is
// the bound for what is not told: a change by another process on SQLite
// (the user command; on PostgreSQL it tells the servers too), or a NOTIFY
// that was lost (the sender's queue or connection failed, or the
// listener's connection was down when it came).
const ViewerCacheTTL = 5 * time.Second

// maxCachedViewers bounds the cache; when it is full it starts over.
const maxCachedViewers = 10_000

// viewerCache keeps the viewers of recently seen bearer tokens, so that a
// signed-in request does not read its token and user every time (a fifth
// of a write's CPU). Every change of a token or a user empties it: the
// change's hook bumps a generation before the change runs and again when
// its transaction ends, and a viewer read while the generation moved is
// not kept, so no viewer read before a change outlives its commit. A peer's
// word that a token or user changed (after its commit) empties it too, and
// moves the generation: no viewer read before the word outlives it.
type viewerCache struct {
	gen     atomic.Uint64
	mu      sync.Mutex
	viewers map[[sha256.Size]byte]cachedViewer
	// peers, when set, are told of every change when it commits.
	peers Peers
}

type cachedViewer struct {
	viewer auth.Viewer
	gen    uint64
	until  time.Time
}

func newViewerCache() *viewerCache {
	return &viewerCache{viewers: map[[sha256.Size]byte]cachedViewer{}}
}

func (c *viewerCache) key(bearer string) [sha256.Size]byte { return sha256.Sum256([]byte(bearer)) }

// get returns the viewer kept for the token, if it is still good at now.
func (c *viewerCache) get(key [sha256.Size]byte, now time.Time) (*auth.Viewer, bool) {
	c.mu.Lock()
	e, ok := c.viewers[key]
	c.mu.Unlock()
	if !ok || e.gen != c.gen.Load() || !now.Before(e.until) {
		return nil, false
	}
	v := e.viewer // a copy: the request may not change what others get
	return &v, true
}

// put keeps the viewer until until, unless the generation moved since gen
// was read, before the viewer was.
func (c *viewerCache) put(key [sha256.Size]byte, v *auth.Viewer, gen uint64, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen {
		return
	}
	if len(c.viewers) >= maxCachedViewers {
		clear(c.viewers)
	}
	c.viewers[key] = cachedViewer{viewer: *v, gen: gen, until: until}
}

// forget makes every kept viewer stale.
func (c *viewerCache) forget() {
	c.gen.Add(1)
	c.mu.Lock()
	clear(c.viewers)
	c.mu.Unlock()
}

// forgetOnChange is the hook on tokens and users that empties the cache
// before a change and again when its transaction ends (or at once, outside
// one), and then tells the peers if it committed.
func (c *viewerCache) forgetOnChange(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if m.Op().Is(ent.OpCreate) {
			return next.Mutate(ctx, m) // a new token or user changes no viewer
		}
		c.forget()
		v, err := next.Mutate(ctx, m)
		tx := txOf(m)
		if tx == nil {
			c.forget()
			if err == nil {
				c.tellPeers()
			}
			return v, err
		}
		tx.OnCommit(func(next ent.Committer) ent.Committer {
			return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
				defer c.forget()
				if err := next.Commit(ctx, tx); err != nil {
					return err
				}
				c.tellPeers()
				return nil
			})
		})
		return v, err
	})
}

// tellPeers tells the peers, if any, that a change committed.
func (c *viewerCache) tellPeers() {
	if c.peers != nil {
		c.peers.ViewersChanged()
	}
}

// txOf is the transaction a change of a token or a user runs in, or nil.
func txOf(m ent.Mutation) *ent.Tx {
	var tx *ent.Tx
	switch m := m.(type) {
	case *ent.TokenMutation:
		tx, _ = m.Tx()
	case *ent.UserMutation:
		tx, _ = m.Tx()
	}
	return tx
}
