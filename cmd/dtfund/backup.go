package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
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
