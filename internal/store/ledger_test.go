package store_test

import (
	"context"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

func ledgerAccounts(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, a := range []struct{ code, kind, name string }{
			{store.TreasuryAccount, store.AccountExternal, "财政国库"},
			{store.SourceAccount(store.SourceCentral, 2026), store.AccountSource, "2026年中央专项资金"},
			{store.LineAccount(store.SourceCentral, 2026, "7.1"), store.AccountLine, "2026年中央专项资金·第七条（一）"},
		} {
			if _, err := tx.EnsureAccount(ctx, a.code, a.kind, a.name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func post(db *store.DB, t *store.LedgerTx) (int64, bool, error) {
	var id int64
	var replay bool
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		id, replay, err = tx.Post(context.Background(), t)
		return err
	})
	return id, replay, err
}

func TestLedgerPostsBalancedTransactionsOnly(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ledgerAccounts(t, db)
		src, line := store.SourceAccount(store.SourceCentral, 2026), store.LineAccount(store.SourceCentral, 2026, "7.1")
		release := &store.LedgerTx{Kind: "release", IdempotencyKey: "release-1", Postings: []store.Posting{
			{Account: src, AmountFen: 1_000_000}, {Account: store.TreasuryAccount, AmountFen: -1_000_000}}}
		id, replay, err := post(db, release)
		if err != nil || replay {
			t.Fatalf("release: %v %v", err, replay)
		}
		again, replay, err := post(db, release)
		if err != nil || !replay || again != id {
			t.Fatalf("retried release: id %d replay %v err %v; want the first (%d)", again, replay, err, id)
		}
		if b, _ := db.Balance(ctx, src); b != 1_000_000 {
			t.Fatalf("source balance = %d, want 1000000 (the retry must not post twice)", b)
		}
		if _, _, err := post(db, &store.LedgerTx{Kind: "allocate", Postings: []store.Posting{{Account: line, AmountFen: 5}, {Account: src, AmountFen: -4}}}); err == nil {
			t.Fatal("unbalanced transaction accepted")
		}
		// Allocating more than the source holds would take it below zero.
		_, _, err = post(db, &store.LedgerTx{Kind: "allocate", Postings: []store.Posting{{Account: line, AmountFen: 1_000_001}, {Account: src, AmountFen: -1_000_001}}})
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(dtfund.ErrorMessage(err), "余额不足") {
			t.Fatalf("overspend: %v", err)
		}
		if b, _ := db.Balance(ctx, line); b != 0 {
			t.Fatalf("refused allocation changed the line: %d", b)
		}
		alloc, _, err := post(db, &store.LedgerTx{Kind: "allocate", Postings: []store.Posting{{Account: line, AmountFen: 800_000}, {Account: src, AmountFen: -800_000}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.Reverse(ctx, alloc, "rev-1", "分配有误", 0); return err }); err != nil {
			t.Fatal(err)
		}
		if b, _ := db.Balance(ctx, line); b != 0 {
			t.Fatalf("line after reversal = %d, want 0", b)
		}
		v, err := db.VerifyLedger(ctx)
		if err != nil || !v.OK() || v.Transactions != 3 || v.Entries != 6 {
			t.Fatalf("verify: %+v %v", v, err)
		}
		if len(must(db.Statement(ctx, line, store.Page{}))) != 2 {
			t.Fatal("statement of the line should have the allocation and its reversal")
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestLedgerIsImmutableAndVerifiable(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ledgerAccounts(t, db)
		src := store.SourceAccount(store.SourceCentral, 2026)
		if _, _, err := post(db, &store.LedgerTx{Kind: "release", Postings: []store.Posting{{Account: src, AmountFen: 500}, {Account: store.TreasuryAccount, AmountFen: -500}}}); err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{`UPDATE ledger_entries SET amount_fen = 1`, `DELETE FROM ledger_entries`,
			`UPDATE ledger_transactions SET memo = 'x'`, `DELETE FROM ledger_transactions`} {
			if err := db.ExecForTest(ctx, stmt); err == nil {
				t.Errorf("%s succeeded: ledger rows must be immutable", stmt)
			}
		}
		if err := db.ExecForTest(ctx, `UPDATE ledger_accounts SET balance_fen = 999 WHERE code = '`+src+`'`); err != nil {
			t.Fatal(err)
		}
		v, err := db.VerifyLedger(ctx)
		if err != nil || v.OK() || !strings.Contains(v.Problems[0], "余额缓存 999") {
			t.Fatalf("a wrong cached balance was not detected: %+v %v", v, err)
		}
	})
}
