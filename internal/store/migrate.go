package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Migrations are numbered, forward-only SQL files, one set per engine:
// migrations/<engine>/NNNN_name.sql. Each applied file is recorded in
// schema_migrations in the same transaction as its statements.
//
//go:embed migrations
var migrationFS embed.FS

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the engine's migrations in order.
func (db *DB) Migrations() ([]Migration, error) {
	dir := "migrations/" + string(db.Engine)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("bad migration file name %q", name)
		}
		body, err := fs.ReadFile(migrationFS, dir+"/"+name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: rest, SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations must be numbered 1…n without gaps; found %d at position %d", m.Version, i+1)
		}
	}
	return ms, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)`

// SchemaVersion returns the applied version and the newest known version.
func (db *DB) SchemaVersion(ctx context.Context) (applied, latest int, err error) {
	ms, err := db.Migrations()
	if err != nil {
		return 0, 0, err
	}
	latest = len(ms)
	var exists bool
	if db.Engine == Postgres {
		err = db.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations')`).Scan(&exists)
	} else {
		var n int
		err = db.queryRow(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n)
		exists = n > 0
	}
	if err != nil || !exists {
		return 0, latest, err
	}
	err = db.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&applied)
	return applied, latest, err
}

// Migrate applies every pending migration, each in its own transaction, and
// returns the versions applied. On PostgreSQL an advisory lock keeps two
// instances from migrating at once.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	ms, err := db.Migrations()
	if err != nil {
		return nil, err
	}
	if _, err := db.write.ExecContext(ctx, createMigrationsTable); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	var done []int
	err = db.InTx(ctx, func(tx *Tx) error {
		if db.Engine == Postgres {
			if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(7100001)`); err != nil {
				return err
			}
		}
		var applied int
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&applied); err != nil {
			return err
		}
		for _, m := range ms[applied:] {
			if err := applyMigration(ctx, tx, m); err != nil {
				return err
			}
			done = append(done, m.Version)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return done, nil
}

func applyMigration(ctx context.Context, tx *Tx, m Migration) error {
	for _, stmt := range splitStatements(m.SQL) {
		if _, err := tx.tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	_, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, fmtTime(tx.now))
	return err
}

// splitStatements splits a migration on semicolons at line ends, dropping
// comment lines. Migrations keep one statement per `;`-terminated block and
// never put a semicolon at the end of a line inside a string.
func splitStatements(sqlText string) []string {
	var stmts []string
	var cur strings.Builder
	for _, line := range strings.Split(sqlText, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			stmts = append(stmts, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		stmts = append(stmts, s)
	}
	return stmts
}

// ErrSchemaOutdated is returned by CheckSchema when migrations are pending.
type ErrSchemaOutdated struct{ Applied, Latest int }

func (e *ErrSchemaOutdated) Error() string {
	return fmt.Sprintf("数据库结构版本为 %d，程序需要 %d：请先运行 dtfund migrate（或 serve --migrate）", e.Applied, e.Latest)
}

// CheckSchema returns *ErrSchemaOutdated unless the schema is current. A
// schema newer than the program is also refused: an old binary must not
// write to a database it does not understand.
func (db *DB) CheckSchema(ctx context.Context) error {
	applied, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if applied != latest {
		return &ErrSchemaOutdated{Applied: applied, Latest: latest}
	}
	return nil
}
