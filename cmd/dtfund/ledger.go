package main

import (
	"context"
	"fmt"
)

const ledgerUsage = `dtfund ledger <操作> [--data … --database …]

操作：
  verify   校验资金账簿：每张记账凭证借贷平衡（至少两条分录），每个账户的余额缓存等于其分录合计；
           发现问题时逐条列出并以状态 1 退出`

// cmdLedger checks the fund ledger (double entry) from the command line:
// the exit status tells a scheduler whether the books balance.
func cmdLedger(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, ledgerUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	var c dbConfig
	fs := newFlagSet("ledger "+args[0], "资金账簿", e)
	c.register(fs, e)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if args[0] != "verify" {
		fmt.Fprintln(e.stderr, ledgerUsage)
		return errUsage
	}
	a, err := c.open(ctx, e, defaultDBFile)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	if err := a.DB.CheckSchema(ctx); err != nil {
		return err
	}
	v, err := a.DB.VerifyLedger(ctx)
	if err != nil {
		return err
	}
	for _, p := range v.Problems {
		fmt.Fprintln(e.stdout, "✗", p)
	}
	if !v.OK() {
		return fmt.Errorf("资金账簿校验失败：%d 张凭证、%d 条分录、%d 个账户，发现 %d 处问题", v.Transactions, v.Entries, v.Accounts, len(v.Problems))
	}
	fmt.Fprintf(e.stdout, "资金账簿平衡：%d 张凭证、%d 条分录、%d 个账户，每张凭证借贷相等，账户余额与分录一致\n", v.Transactions, v.Entries, v.Accounts)
	return nil
}
