// Package testdb gives tests fresh, migrated databases on every engine the
// run can reach: a SQLite file always; a PostgreSQL schema of its own when
// DTFUND_TEST_POSTGRES_URL is set. With DTFUND_REQUIRE_POSTGRES=1 a missing
// or unreachable PostgreSQL fails the test instead of skipping it.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"dtfund/internal/store"
)

// Engines runs fn once per available engine, as a subtest named after it.
func Engines(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// URLs runs fn once per available engine with the URL of a fresh, migrated
// database, for tests that open it more than once (several instances).
func URLs(t *testing.T, fn func(t *testing.T, url string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		u := SQLiteURL(t)
		open(t, u)
		fn(t, u)
	})
	t.Run("postgres", func(t *testing.T) {
		u := PostgresURL(t)
		open(t, u)
		fn(t, u)
	})
}

// Open opens (and migrates, if needed) the database at url, closed when
// the test ends: another handle on a database, as another instance has.
func Open(t testing.TB, url string) *store.DB {
	t.Helper()
	return open(t, url)
}

// SQLite returns a migrated database in a fresh file.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "test.sqlite"))
}

// SQLiteURL returns the path of a fresh, empty SQLite file.
func SQLiteURL(t testing.TB) string {
	return filepath.Join(t.TempDir(), "test.sqlite")
}

// Postgres returns a migrated database in a fresh schema, or skips (fails
// when required) without a reachable server.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	return open(t, PostgresURL(t))
}

// PostgresURL creates an empty schema and returns a URL whose search_path
// points at it; the schema is dropped when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("DTFUND_TEST_POSTGRES_URL")
	required := os.Getenv("DTFUND_REQUIRE_POSTGRES") == "1"
	if base == "" {
		if required {
			t.Fatal("DTFUND_REQUIRE_POSTGRES=1 but DTFUND_TEST_POSTGRES_URL is not set")
		}
		t.Skip("PostgreSQL suite skipped: set DTFUND_TEST_POSTGRES_URL to run it")
	}
	admin, err := sql.Open("pgx", base)
	if err == nil {
		err = admin.PingContext(context.Background())
	}
	if err != nil {
		if required {
			t.Fatalf("PostgreSQL required but unreachable: %v", err)
		}
		t.Skipf("PostgreSQL unreachable: %v", err)
	}
	schema := "dtfund_test_" + randomHex(6)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("DTFUND_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, dbURL string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("open %s: %v", dbURL, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
