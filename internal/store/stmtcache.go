package store

import (
	"context"
	"database/sql"
	"sync"
)

// SQLite compiles every statement it runs; the driver (modernc) prepares
// and finalizes a statement per call, so under load most of a request's
// database time went into parsing the same SQL again (a profile of the
// deadline-day benchmark: a quarter of the server's CPU). stmtCache keeps
// one prepared *sql.Stmt per query text and pool; database/sql prepares it
// on each connection once and reuses it. PostgreSQL needs none of this:
// pgx caches prepared statements per connection itself.
//
// The writer is a single connection held by the open transaction, so a
// statement cannot be prepared on it from inside one; a query the write
// cache does not know yet runs unprepared and is prepared after the
// transaction ends (prepareWanted), on the then idle connection.
type stmtCache struct {
	pool   *sql.DB
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	wanted map[string]bool
}

// maxCachedStmts bounds the cache: queries are hand-written, but filters
// combine into a few hundred texts at most; beyond the bound a query simply
// runs unprepared.
const maxCachedStmts = 2000

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// get returns the prepared statement of q, preparing it now (read pool: the
// caller holds no connection).
func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	st, ok := c.stmts[q]
	full := len(c.stmts) >= maxCachedStmts
	c.mu.Unlock()
	if ok || full {
		return st
	}
	st, err := c.pool.PrepareContext(ctx, q)
	if err != nil {
		return nil // let the plain call report the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.stmts[q]; ok { // prepared meanwhile by another caller
		st.Close()
		return prev
	}
	c.stmts[q] = st
	return st
}

// lookup returns the prepared statement of q if there is one, and otherwise
// notes q to be prepared once the writer is free.
func (c *stmtCache) lookup(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.stmts[q]
	if !ok && len(c.stmts)+len(c.wanted) < maxCachedStmts {
		c.wanted[q] = true
	}
	return st
}

// prepareWanted prepares the queries noted by lookup. Called after a write
// transaction, when the writer's connection is free.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if len(c.wanted) == 0 {
		c.mu.Unlock()
		return
	}
	qs := make([]string, 0, len(c.wanted))
	for q := range c.wanted {
		qs = append(qs, q)
	}
	clear(c.wanted)
	c.mu.Unlock()
	for _, q := range qs {
		c.get(ctx, q)
	}
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	clear(c.stmts)
}
