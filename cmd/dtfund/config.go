package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"dtfund/internal/app"
	"dtfund/internal/logctx"
	"dtfund/internal/store"
)

// dbConfig is the database part of the configuration, shared by every
// subcommand that opens the database. Each flag has an environment twin.
type dbConfig struct {
	data     string
	database string
}

func (c *dbConfig) register(fs *flag.FlagSet, e env) {
	fs.StringVar(&c.data, "data", envOr(e, "DTFUND_DATA", "./data"), "数据目录（环境变量 DTFUND_DATA）")
	fs.StringVar(&c.database, "database", e.getenv("DTFUND_DATABASE_URL"),
		"数据库：默认为数据目录下的 SQLite 文件 dtfund.sqlite；postgres://… 使用 PostgreSQL（环境变量 DTFUND_DATABASE_URL）")
}

func envOr(e env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

// url returns the database URL, creating the data directory for SQLite.
func (c *dbConfig) url(file string) (string, error) {
	if c.database != "" {
		return c.database, nil
	}
	if err := os.MkdirAll(c.data, 0o750); err != nil {
		return "", fmt.Errorf("创建数据目录 %s：%w", c.data, err)
	}
	return filepath.Join(c.data, file), nil
}

func isPostgres(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// open opens the database and builds the App.
func (c *dbConfig) open(ctx context.Context, e env, file string) (*app.App, error) {
	u, err := c.url(file)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, u)
	if err != nil {
		return nil, err
	}
	return app.New(db, newLogger(e)), nil
}

func newLogger(e env) *slog.Logger {
	level := slog.LevelInfo
	if e.getenv("DTFUND_LOG_LEVEL") == "debug" {
		level = slog.LevelDebug
	}
	return slog.New(logctx.Handler{Handler: slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level})})
}

const defaultDBFile = "dtfund.sqlite"
