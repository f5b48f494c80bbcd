package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"dtfund/internal/bench"
)

// cmdBench runs the load benchmark (internal/bench) against this binary's
// own server on a database of its own.
func cmdBench(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("bench", "负载测试：截止日集中申报、公示页面、申报列表（10万/100万条）、内存", e)
	engine := fs.String("db", "sqlite", "数据库：sqlite（数据目录下的新文件）或 postgres（在 --database 指定的服务器上新建 schema，结束后删除）")
	database := fs.String("database", e.getenv("DTFUND_DATABASE_URL"), "PostgreSQL 服务器 postgres://…（环境变量 DTFUND_DATABASE_URL）")
	dir := fs.String("dir", "", "工作目录（数据库、附件、服务日志）；默认临时目录，结束后删除")
	short := fs.Bool("short", false, "快速模式（CI）：较少申报主体，列表只测 1万和10万条")
	clients := fs.Int("clients", 64, "并发客户端数")
	applicants := fs.Int("applicants", 0, "截止日申报主体数（默认 1024，快速模式 128）")
	sizes := fs.String("sizes", "", "申报列表测试的数据量，逗号分隔（默认 10000,100000,1000000）")
	keep := fs.Bool("keep", false, "结束后保留数据库（PostgreSQL 的 schema、SQLite 的目录）以便查看")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	opt := bench.Options{Engine: *engine, PostgresURL: *database, Dir: *dir, Exe: exe, Short: *short, Clients: *clients,
		Applicants: *applicants, Keep: *keep, Out: e.stdout}
	for _, s := range strings.Split(*sizes, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return fmt.Errorf("--sizes：%q 不是正整数", s)
		}
		opt.Sizes = append(opt.Sizes, n)
	}
	if opt.Applicants != 0 && opt.Applicants < opt.Clients {
		return fmt.Errorf("--applicants（%d）不能少于 --clients（%d）", opt.Applicants, opt.Clients)
	}
	_, err = bench.Run(ctx, opt)
	return err
}
