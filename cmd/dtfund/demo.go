package main

import (
	"context"
	"sync/atomic"
	"time"

	"dtfund/internal/app"
	"fmt"
	"os"
	"text/tabwriter"

	"dtfund/internal/demo"
)

const demoDBFile = "demo.sqlite"

// cmdDemo creates a fresh demo database, prints the accounts and serves it.
func cmdDemo(ctx context.Context, e env, args []string) error {
	var c serveConfig
	fs := newFlagSet("demo", "创建全新的演示数据库并启动服务", e)
	c.register(fs, e)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	u, err := c.db.url(demoDBFile)
	if err != nil {
		return err
	}
	if !isPostgres(u) {
		// A fresh database every time: remove the previous demo file.
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(u + suffix); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	a, err := c.db.open(ctx, e, demoDBFile)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	a.FilesDir = c.db.data
	if applied, _, err := a.DB.SchemaVersion(ctx); err != nil || applied != 0 {
		return fmt.Errorf("演示数据需要一个空数据库（当前结构版本 %d）%v", applied, errOrEmpty(err))
	}
	if _, err := a.DB.Migrate(ctx); err != nil {
		return err
	}
	accounts, err := demo.Seed(ctx, a)
	if err != nil {
		return err
	}
	c.demoClock = demoClock(a)
	return serveApp(ctx, e, a, &c, func(addr string) { printAccounts(e, addr, accounts) })
}

func errOrEmpty(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func printAccounts(e env, addr string, accounts []demo.Account) {
	fmt.Fprintf(e.stdout, "\n演示系统已启动：http://%s\n所有演示账号的密码：%s\n\n", addr, demo.Password)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "用户名\t角色\t说明")
	for _, a := range accounts {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Username, a.Role.Label(), a.Note)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, "\n按 Ctrl+C 停止。")
}

// demoClock gives the demo a clock that can be moved forward, so that a
// newcomer can take an application past its publicity period (at least five
// working days, 第十四条（五）) without waiting a week. Only the demo has it.
func demoClock(a *app.App) func(days int) time.Time {
	var offset atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	a.Now = now
	a.DB.SetClock(now)
	return func(days int) time.Time {
		offset.Add(int64(days) * int64(24*time.Hour))
		return now()
	}
}
