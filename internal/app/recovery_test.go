package app_test

import (
	"context"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

func TestRevocationReturnsUnpaidAndRecoversPaid(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPayFixture(t, db, 1)
		aw := f.awards[0]
		b1 := f.paidBatch(t, map[int64]int64{aw.ID: 4_000_000})
		in := f.instructions(t, b1.ID)[0]
		if _, err := f.a.RecordPayout(ctx, f.dfinA, in.ID, "PAY-1"); err != nil {
			t.Fatal(err)
		}
		b2 := f.paidBatch(t, map[int64]int64{aw.ID: 3_000_000}) // stays in transit
		lineBefore := balance(t, db, payLine)
		if _, err := f.a.RevokeAward(ctx, f.miit, app.RevokeInput{AwardID: aw.ID, Reason: "", Article: "第二十条", DueDate: "2026-01-01"}); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("bad revocation: %v", err)
		}
		rev, err := f.a.RevokeAward(ctx, f.miit, app.RevokeInput{AwardID: aw.ID, Reason: "项目未实施", Article: "第二十条", DueDate: "2026-11-30"})
		if err != nil || rev.ReturnedFen != 6_000_000 || rev.ReceivableFen != 4_000_000 {
			t.Fatalf("revoke: %+v %v", rev, err)
		}
		if got := balance(t, db, payLine) - lineBefore; got != 6_000_000 {
			t.Fatalf("line got back %d, want 3万 unpaid + 3万 in transit", got)
		}
		if balance(t, db, store.TransitAccount("220174")) != 0 || balance(t, db, store.CommitmentAccount(aw.ID)) != 0 ||
			balance(t, db, store.RecipientAccount(f.orgs[0].ID)) != 0 || balance(t, db, store.ReceivableAccount(aw.ID)) != 4_000_000 {
			t.Fatal("revocation left money in the wrong accounts")
		}
		if st := f.instructions(t, b2.ID)[0].State; st != store.InstrRecalled {
			t.Fatalf("instruction in transit = %s, want recalled", st)
		}
		if _, err := f.a.RevokeAward(ctx, f.miit, app.RevokeInput{AwardID: aw.ID, Reason: "再次", Article: "第二十条", DueDate: "2026-11-30"}); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("second revocation: %v", err)
		}
		repay := app.RepayInput{AwardID: aw.ID, AmountFen: 1_500_000, PaidOn: "2026-11-02", BankRef: "BACK-1", IdempotencyKey: "k1"}
		for i := 0; i < 2; i++ { // the resent form records once
			if _, err := f.a.RecordRepayment(ctx, f.fin, repay); err != nil {
				t.Fatal(err)
			}
		}
		if got := balance(t, db, store.ReceivableAccount(aw.ID)); got != 2_500_000 {
			t.Fatalf("receivable after a repeated repayment = %d, want 2500000", got)
		}
		n := ledgerSize(t, db)
		_, err = f.a.RecordRepayment(ctx, f.fin, app.RepayInput{AwardID: aw.ID, AmountFen: 2_500_001, PaidOn: "2026-11-02", BankRef: "BACK-2"})
		var ve dtfund.ValidationErrors
		if !asValidation(err, &ve) && dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("over-repayment: %v", err)
		}
		if ledgerSize(t, db) != n {
			t.Fatal("refused repayment posted")
		}
		// Overdue after the due date, with days overdue.
		f.setToday(t, "2026-12-10")
		rs, total, err := f.a.Receivables(ctx, f.fin, true, store.Page{})
		if err != nil || total != 1 || rs[0].DaysOverdue != 10 || rs[0].OutstandFen != 2_500_000 || rs[0].RecoveredFen != 1_500_000 {
			t.Fatalf("overdue list: %+v %d %v", rs, total, err)
		}
		booksBalance(t, f)
	})
}
