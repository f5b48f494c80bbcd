package logctx_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"dtfund/internal/logctx"
)

func TestHandlerAddsRequestID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logctx.Handler{Handler: slog.NewTextHandler(&buf, nil)}).With("component", "x")
	log.InfoContext(logctx.WithRequestID(context.Background(), "abc123"), "hello")
	log.InfoContext(context.Background(), "plain")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "request_id=abc123") || strings.Contains(lines[1], "request_id") {
		t.Fatalf("log lines: %q", lines)
	}
}
