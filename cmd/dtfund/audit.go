package main

import (
	"context"
	"fmt"

	"dtfund/internal/store"
)

const auditUsage = `dtfund audit <操作> [--data … --database …]

操作：
  verify [--head 编号:哈希]   校验审计日志哈希链：发现被修改、删除或调换顺序的记录时逐条列出并以状态 1 退出；
                              给出以前保存的链头时，还能发现末尾记录被删除
  head                        输出当前链头（编号:哈希），请每日另行保存`

func cmdAudit(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, auditUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	op := args[0]
	var c dbConfig
	fs := newFlagSet("audit "+op, "审计日志", e)
	c.register(fs, e)
	headFlag := fs.String("head", "", "以前保存的链头（编号:哈希）")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if op != "verify" && op != "head" {
		fmt.Fprintln(e.stderr, auditUsage)
		return errUsage
	}
	var want store.AuditHead
	if *headFlag != "" {
		h, err := store.ParseAuditHead(*headFlag)
		if err != nil {
			return err
		}
		want = h
	}
	a, err := c.open(ctx, e, defaultDBFile)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	if err := a.DB.CheckSchema(ctx); err != nil {
		return err
	}
	v, err := a.DB.VerifyAudit(ctx, want)
	if err != nil {
		return err
	}
	if op == "head" {
		fmt.Fprintln(e.stdout, v.Head)
		return nil
	}
	for _, p := range v.Problems {
		fmt.Fprintln(e.stdout, "✗", p)
	}
	if !v.OK() {
		return fmt.Errorf("审计日志校验失败：共 %d 条记录，发现 %d 处问题", v.Records, len(v.Problems))
	}
	fmt.Fprintf(e.stdout, "审计日志完整：共 %d 条记录，链头 %s\n", v.Records, v.Head)
	return nil
}
