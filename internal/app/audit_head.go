package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"dtfund/calendar"
	"dtfund/internal/store"
)

// ExportAuditHead verifies the audit chain and writes its head (编号:哈希)
// to <data>/audit-heads/<date>.txt, the day in Asia/Shanghai: the daily
// copy of the head that `dtfund audit verify --head` later checks against,
// to be kept elsewhere too (a head kept only beside the log cannot show
// that the newest records were deleted). A broken chain is an error that
// names the records, and no head is written for that day.
func (a *App) ExportAuditHead(ctx context.Context) (string, error) {
	if a.FilesDir == "" {
		return "", fmt.Errorf("no data directory to write the audit head to")
	}
	v, err := a.DB.VerifyAudit(ctx, store.AuditHead{})
	if err != nil {
		return "", err
	}
	if !v.OK() {
		return "", fmt.Errorf("审计日志哈希链校验未通过：%s", strings.Join(v.Problems, "；"))
	}
	dir := filepath.Join(a.FilesDir, "audit-heads")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	path := filepath.Join(dir, calendar.DateOf(a.Now()).String()+".txt")
	tmp, err := os.CreateTemp(dir, ".head-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := fmt.Fprintln(tmp, v.Head); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(tmp.Name(), path)
}
