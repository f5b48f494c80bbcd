// Package store is the only package that speaks SQL. It runs on embedded
// SQLite (modernc.org/sqlite, pure Go) or on PostgreSQL (pgx), chosen by the
// database URL, with one set of hand-written portable queries: `?`
// placeholders are rewritten to `$n` for PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"dtfund"
)

// Engine names the database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is an open database. Writes go through one connection on SQLite (it has
// one writer anyway, and a single connection turns lock contention into
// queueing); reads use a pool.
type DB struct {
	Engine Engine
	write  *sql.DB
	read   *sql.DB
	dsn    string // SQLite only: the base DSN with pragmas
	now    func() time.Time
	// Prepared statements of each pool (SQLite only; stmtcache.go).
	readStmts, writeStmts *stmtCache
	// writers lets one write transaction of this process at a time take a
	// connection, first come first served (see InTx).
	writers chan struct{}
}

// Open opens the database named by url: `postgres://…` or `postgresql://…`
// selects PostgreSQL, anything else is a SQLite file path (optionally
// prefixed `sqlite:` or `file:`).
func Open(ctx context.Context, dbURL string) (*DB, error) {
	if strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://") {
		return openPostgres(ctx, dbURL)
	}
	return openSQLite(ctx, dbURL)
}

func openPostgres(ctx context.Context, dbURL string) (*DB, error) {
	pool, err := sql.Open("pgx", dbURL)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool.SetMaxOpenConns(16)
	pool.SetMaxIdleConns(16)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{Engine: Postgres, write: pool, read: pool, now: time.Now, writers: make(chan struct{}, 1)}
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	return db, nil
}

// sqlitePragmas are set on every connection: WAL for concurrent readers,
// foreign keys on, a busy timeout instead of immediate SQLITE_BUSY, and FULL
// synchronous so an acknowledged write survives a power cut.
const sqlitePragmas = "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)"

func openSQLite(ctx context.Context, path string) (*DB, error) {
	path = strings.TrimPrefix(strings.TrimPrefix(path, "sqlite:"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	base := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + sqlitePragmas
	// Writers start with BEGIN IMMEDIATE: a deferred transaction that reads and
	// then writes fails at once with SQLITE_BUSY under concurrency.
	write, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	read, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	read.SetMaxOpenConns(4)
	db := &DB{Engine: SQLite, write: write, read: read, dsn: base, now: time.Now, writers: make(chan struct{}, 1),
		readStmts: newStmtCache(read), writeStmts: newStmtCache(write)}
	// The first connection creates the file and switches it to WAL.
	if err := write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	db.readStmts.close()
	db.writeStmts.close()
	err := db.write.Close()
	if db.read != db.write {
		if err2 := db.read.Close(); err == nil {
			err = err2
		}
	}
	return err
}

// SetClock replaces the clock, for tests.
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Now is the database layer's clock, in UTC.
func (db *DB) Now() time.Time { return db.now().UTC() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// rebind rewrites `?` placeholders to `$1…` for PostgreSQL. Queries are
// hand-written and never contain a literal question mark.
func (db *DB) rebind(q string) string {
	if db.Engine != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Tx is a write transaction.
type Tx struct {
	db  *DB
	tx  *sql.Tx
	now time.Time
}

// Now is the transaction's timestamp: every row written in one transaction
// carries the same time.
func (tx *Tx) Now() time.Time { return tx.now }

// InTx runs fn in one write transaction, committing if fn returns nil.
//
// Write transactions take turns (serialize): SQLite has one writer, and on
// PostgreSQL every write transaction takes the audit chain's lock. The
// writers of this process first take turns here, in the order they came
// (a channel queues its waiters first in, first out), holding no
// connection; only the one whose turn it is takes a connection (and, on
// PostgreSQL, then the database-wide lock that orders it with the other
// instances' writers). Without this queue, writers waited in database/sql's
// pool, which hands a freed connection to a waiter chosen at random, so a
// few waited many turns (deadline-day p99 at 6–7 × p50); on PostgreSQL they
// also held pooled connections while waiting for the lock, and reads queued
// behind them (a page read took 20–90 ms instead of 1 ms).
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	if db.writers != nil {
		select {
		case db.writers <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		defer func() { <-db.writers }()
	}
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return normalize(fmt.Errorf("begin: %w", err))
	}
	tx := &Tx{db: db, tx: sqlTx, now: db.Now()}
	if err := tx.serialize(ctx); err != nil {
		_ = sqlTx.Rollback()
		return normalize(err)
	}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return normalize(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return normalize(fmt.Errorf("commit: %w", err))
	}
	db.writeStmts.prepareWanted(ctx)
	return nil
}

// serialize makes write transactions on PostgreSQL take turns, as they do
// on SQLite (one writer). Every write may append to the audit hash chain,
// which must stay linear; taking the chain's lock first, before any row
// lock, also rules out lock-order deadlocks between a batch action and a
// single one on the same rows. Reads do not wait.
func (tx *Tx) serialize(ctx context.Context) error {
	if tx.db.Engine != Postgres {
		return nil
	}
	_, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, auditLockKey)
	return err
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = tx.db.rebind(q)
	if st := tx.db.writeStmts.lookup(q); st != nil {
		return tx.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, q, args...)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = tx.db.rebind(q)
	if st := tx.db.writeStmts.lookup(q); st != nil {
		return tx.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, q, args...)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = tx.db.rebind(q)
	if st := tx.db.writeStmts.lookup(q); st != nil {
		return tx.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, q, args...)
}

// insertID runs an INSERT … RETURNING id (both engines support it).
func (tx *Tx) insertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = db.rebind(q)
	if st := db.readStmts.get(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.read.QueryContext(ctx, q, args...)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = db.rebind(q)
	if st := db.readStmts.get(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, q, args...)
}

// timeLayout is fixed-width so that stored times sort as text.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(i int64) any {
	if i == 0 {
		return nil
	}
	return i
}

// normalize turns driver errors the user can act on into *dtfund.Error and
// leaves the rest as they are (logged as internal errors upstream).
func normalize(err error) error {
	if err == nil {
		return nil
	}
	var de *dtfund.Error
	var ve dtfund.ValidationErrors
	if errors.As(err, &de) || errors.As(err, &ve) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return dtfund.Errorf(dtfund.ENOTFOUND, "记录不存在")
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"), strings.Contains(msg, "SQLSTATE 23505"):
		return dtfund.Errorf(dtfund.ECONFLICT, "记录已存在（唯一性冲突）")
	case strings.Contains(msg, "FOREIGN KEY constraint failed"), strings.Contains(msg, "SQLSTATE 23503"):
		return dtfund.Errorf(dtfund.EINVALID, "引用的记录不存在")
	}
	return err
}

// Page is a page request: Limit rows after skipping Offset. Offsets are
// bounded by the page-size cap and the index on the ordering column.
type Page struct {
	Offset int
	Limit  int
}

// clamp bounds the page to sane values.
func (p Page) clamp() Page {
	if p.Limit <= 0 || p.Limit > 200 {
		p.Limit = 50
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}

// Backup writes a consistent snapshot of a SQLite database to path with
// VACUUM INTO, which reads one transaction's view while writers go on.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Engine != SQLite {
		return fmt.Errorf("backup is for SQLite; use pg_dump for PostgreSQL")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("快照文件 %s 已存在", path)
	}
	// A connection of its own: the read pool is query_only, and using the
	// writer would hold up every write for the length of the copy.
	conn, err := sql.Open("sqlite", db.dsn)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, path)
	return err
}

// ExecForTest runs a raw statement; tests use it to tamper with data the
// application never changes (the audit log).
func (db *DB) ExecForTest(ctx context.Context, stmt string) error {
	_, err := db.write.ExecContext(ctx, stmt)
	return err
}

// IntegrityCheck runs SQLite's integrity check (a no-op on PostgreSQL).
func (db *DB) IntegrityCheck(ctx context.Context) error {
	if db.Engine != SQLite {
		return nil
	}
	var res string
	if err := db.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("SQLite 完整性检查失败：%s", res)
	}
	return nil
}

// int64s reads a one-column result of IDs (or counts): the rows and error
// of a query, passed straight through.
func int64s(rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// orderBy turns a user's sort key — a column name, "-" in front for
// descending — into an ORDER BY clause taken only from the whitelist cols,
// ties broken by the tie column in the same direction so that pages never
// overlap; an unknown key gives def.
func orderBy(sort string, cols map[string]string, tie, def string) string {
	col, ok := cols[strings.TrimPrefix(sort, "-")]
	if !ok {
		return " ORDER BY " + def
	}
	dir := ""
	if strings.HasPrefix(sort, "-") {
		dir = " DESC"
	}
	if col == tie {
		return " ORDER BY " + tie + dir
	}
	return " ORDER BY " + col + dir + ", " + tie + dir
}
