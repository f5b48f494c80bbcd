package main

import (
	"context"
	"strings"
	"testing"

	"dtfund/internal/store"
)

func TestLedgerVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DTFUND_DATA": dir}
	runCLI(t, "", env, "migrate")
	ctx := context.Background()
	a, err := (&dbConfig{data: dir}).open(ctx, quietEnv(env), defaultDBFile)
	if err != nil {
		t.Fatal(err)
	}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		src := store.SourceAccount(store.SourceCentral, 2026)
		for _, acc := range [][2]string{{store.TreasuryAccount, store.AccountExternal}, {src, store.AccountSource}} {
			if _, err := tx.EnsureAccount(ctx, acc[0], acc[1], acc[0]); err != nil {
				return err
			}
		}
		_, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "release", Postings: []store.Posting{{Account: src, AmountFen: 100}, {Account: store.TreasuryAccount, AmountFen: -100}}})
		return err
	})
	a.DB.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", env, "ledger", "verify")
	if code != 0 || !strings.Contains(out, "资金账簿平衡：1 张凭证、2 条分录、2 个账户") {
		t.Fatalf("verify: %d %q %q", code, out, errOut)
	}
	a, err = (&dbConfig{data: dir}).open(ctx, quietEnv(env), defaultDBFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DB.ExecForTest(ctx, `UPDATE ledger_accounts SET balance_fen = 999 WHERE code = 'source:central:2026'`); err != nil {
		t.Fatal(err)
	}
	a.DB.Close()
	code, out, errOut = runCLI(t, "", env, "ledger", "verify")
	if code != 1 || !strings.Contains(out, "余额缓存 999 分与分录合计 100 分不符") || !strings.Contains(errOut, "发现 1 处问题") {
		t.Fatalf("tampered balance: %d %q %q", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "", env, "ledger", "balance"); code != 2 {
		t.Fatalf("unknown operation: exit %d, want 2", code)
	}
}
