package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"dtfund/internal/store"
)

func cmdBackup(ctx context.Context, e env, args []string) error {
	var c dbConfig
	fs := newFlagSet("backup", "在服务运行时生成 SQLite 数据库的一致性快照", e)
	c.register(fs, e)
	out := fs.String("out", "", "快照文件路径（默认：数据目录下 backups/dtfund-时间.sqlite）")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	u, err := c.url(defaultDBFile)
	if err != nil {
		return err
	}
	if isPostgres(u) {
		return fmt.Errorf("PostgreSQL 请使用 pg_dump 备份（见 README 的“PostgreSQL 部署”一节）")
	}
	a, err := c.open(ctx, e, defaultDBFile)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	path := *out
	if path == "" {
		path = filepath.Join(c.data, "backups", "dtfund-"+time.Now().UTC().Format("20060102T150405Z")+".sqlite")
	}
	if err := a.DB.Backup(ctx, path); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "快照已写入", path)
	return nil
}

// cmdRestore puts a SQLite snapshot in place of the database, after checking
// the snapshot: SQLite's integrity check, a current schema and an intact
// audit chain. The server must be stopped.
func cmdRestore(ctx context.Context, e env, args []string) error {
	var c dbConfig
	fs := newFlagSet("restore", "从快照恢复 SQLite 数据库（须先停止服务）", e)
	c.register(fs, e)
	from := fs.String("from", "", "快照文件（dtfund backup 生成）")
	force := fs.Bool("force", false, "覆盖已存在的数据库文件")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" {
		return fmt.Errorf("请用 --from 指定快照文件")
	}
	target, err := c.url(defaultDBFile)
	if err != nil {
		return err
	}
	if isPostgres(target) {
		return fmt.Errorf("PostgreSQL 请使用 pg_restore 恢复（见 README 的“PostgreSQL 部署”一节）")
	}
	if err := checkSnapshot(ctx, *from); err != nil {
		return fmt.Errorf("快照 %s 未通过校验：%w", *from, err)
	}
	if _, err := os.Stat(target); err == nil && !*force {
		return fmt.Errorf("数据库文件 %s 已存在；确认覆盖请加 --force（请先停止服务）", target)
	}
	if err := copyFile(*from, target+".restoring"); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	if err := os.Rename(target+".restoring", target); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "已从快照恢复：", target)
	return nil
}

func checkSnapshot(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		return err
	}
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	v, err := db.VerifyAudit(ctx, store.AuditHead{})
	if err != nil {
		return err
	}
	if !v.OK() {
		return fmt.Errorf("审计日志哈希链不完整：%s", v.Problems[0])
	}
	return nil
}

// copyFile copies and syncs, so that a crash leaves either the old file or
// a complete new one (the caller renames into place).
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
