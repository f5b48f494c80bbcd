package app_test

import (
	"context"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// closedBatch publishes the fixture's application in a batch and closes it
// after its period.
func closedBatch(t *testing.T, f *processFixture, aps ...*dtfund.Application) *store.PublicityBatch {
	t.Helper()
	fundBudget(t, f.a, f.finance, 2026) // approvals commit money (budget_helpers_test.go)
	b := f.batch(t, "2026-09-30")
	for _, ap := range aps {
		f.publish(t, b, ap)
	}
	f.setClock(atShanghai(t, "2026-10-13 09:00"))
	if _, err := f.a.ClosePublicity(context.Background(), f.city, b.ID); err != nil {
		t.Fatal(err)
	}
	return b
}

func countAwards(t *testing.T, db *store.DB) int {
	t.Helper()
	_, total, _, err := db.FindAwards(context.Background(), store.AwardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

func TestApprovalCreatesAwardsExactlyOnce(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := closedBatch(t, f, ap)
		in := app.ApprovalInput{BatchID: b.ID, DocNumber: "长府批〔2026〕12号", DocDate: "2026-10-13", IdempotencyKey: "approve-1"}
		res, err := f.a.ApproveBatch(ctx, f.city, in)
		if err != nil || len(res.Awards) != 1 {
			t.Fatalf("approve: %+v, %v", res, err)
		}
		aw, err := db.AwardOfApp(ctx, ap.ID)
		if err != nil || aw.AmountFen != 15_000_000 || aw.FundSource != store.FundCentral || aw.Category != "7.1" ||
			aw.OrgID != f.org.ID || aw.ApprovalID != res.Approval.ID || aw.DocNumber != "长府批〔2026〕12号" {
			t.Fatalf("award = %+v, %v", aw, err)
		}
		if f.state(t, ap.ID) != dtfund.StateApproved {
			t.Fatalf("state = %s", f.state(t, ap.ID))
		}
		// The resent form does nothing again; a second approval is refused.
		if res, err := f.a.ApproveBatch(ctx, f.city, in); err != nil || !res.Replayed {
			t.Fatalf("resent approval: %+v, %v", res, err)
		}
		in.IdempotencyKey = ""
		if _, err := f.a.ApproveBatch(ctx, f.city, in); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("second approval: %v", err)
		}
		approvals, _ := db.Approvals(ctx, b.ID)
		if n := countAwards(t, db); n != 1 || len(approvals) != 1 {
			t.Fatalf("after retries: %d awards, %d approvals; want 1 and 1", n, len(approvals))
		}
	})
}

func TestApprovalRefusedBeforeClosingAndWithBadInput(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := f.batch(t, "2026-09-30")
		f.publish(t, b, ap)
		_, err := f.a.ApproveBatch(ctx, f.city, app.ApprovalInput{BatchID: b.ID, DocNumber: "长府批〔2026〕12号", DocDate: "2026-09-29"})
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), "尚未结束公示") {
			t.Fatalf("approving an open batch: %v", err)
		}
		_, err = f.a.ApproveBatch(ctx, f.city, app.ApprovalInput{BatchID: b.ID, DocDate: "2026-13-01"})
		var ve dtfund.ValidationErrors
		if !asValidation(err, &ve) || ve.ByField()["doc_number"] == "" || ve.ByField()["doc_date"] == "" {
			t.Fatalf("bad approval input: %v", err)
		}
		if _, err := f.a.ApproveBatch(ctx, f.finance, app.ApprovalInput{BatchID: b.ID, DocNumber: "x", DocDate: "2026-09-29"}); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("finance bureau approving: %v", err)
		}
		if approvals, _ := db.Approvals(ctx, b.ID); len(approvals) != 0 || countAwards(t, db) != 0 || f.state(t, ap.ID) != dtfund.StateInPublicity {
			t.Fatal("refused approvals wrote something")
		}
	})
}

func TestApprovalWithOpenObjectionImpossible(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := closedBatch(t, f, ap)
		// Objections are not accepted once a batch is closed…
		it, err := db.PublicityItemOfApp(ctx, ap.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.a.LodgeObjection(ctx, app.ObjectionInput{BatchID: b.ID, ItemID: it.ID, Name: "张三", Contact: "138",
			Reason: "公示结束后才发现的问题。", IP: "192.0.2.9"})
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("objection to a closed batch: %v", err)
		}
		// …but should one be open (recorded by other means), approval waits for it.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateObjection(ctx, &store.Objection{BatchID: b.ID, ItemID: it.ID, Name: "来信", Contact: "信访", Reason: "转来的异议", IP: "-"})
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.a.ApproveBatch(ctx, f.city, app.ApprovalInput{BatchID: b.ID, DocNumber: "长府批〔2026〕12号", DocDate: "2026-10-13"})
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), "异议") {
			t.Fatalf("approval with an open objection: %v", err)
		}
		if countAwards(t, db) != 0 || f.state(t, ap.ID) != dtfund.StatePublicityPassed {
			t.Fatal("approval with an open objection wrote something")
		}
		if approvals, _ := db.Approvals(ctx, b.ID); len(approvals) != 0 {
			t.Fatal("refused approval kept its approval row")
		}
	})
}

func TestApprovalHoldsBackWhatTheCumulativeCapNoLongerAllows(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, first := newPublicityFixture(t, db)
		// Four applications of 15万元 each: together 60万元, over the 50万元 cap.
		aps := []*dtfund.Application{first, f.rechecked(t), f.rechecked(t), f.rechecked(t)}
		b := closedBatch(t, f, aps...)
		res, err := f.a.ApproveBatch(ctx, f.city, app.ApprovalInput{BatchID: b.ID, DocNumber: "长府批〔2026〕13号", DocDate: "2026-10-13"})
		if err != nil || len(res.Awards) != 3 || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0], "最高奖补额") {
			t.Fatalf("approval over the cap: %+v, %v", res, err)
		}
		if _, _, sum, _ := db.FindAwards(ctx, store.AwardFilter{OrgID: f.org.ID}); sum != 45_000_000 {
			t.Fatalf("awarded %d fen, want 45万元", sum)
		}
		if f.state(t, aps[3].ID) != dtfund.StatePublicityPassed {
			t.Fatalf("held-back application: %s", f.state(t, aps[3].ID))
		}
	})
}

func TestAwardsSeenWithinJurisdiction(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := closedBatch(t, f, ap)
		if _, err := f.a.ApproveBatch(ctx, f.city, app.ApprovalInput{BatchID: b.ID, DocNumber: "长府批〔2026〕12号", DocDate: "2026-10-13"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			who  app.Actor
			want int
		}{{"applicant", f.applicant, 1}, {"own district", f.district, 1}, {"other district", f.other, 0}, {"city", f.city, 1}, {"finance", f.finance, 1}} {
			_, total, _, err := f.a.FindAwards(ctx, c.who, store.AwardFilter{})
			if err != nil || total != c.want {
				t.Errorf("%s sees %d awards (%v), want %d", c.name, total, err, c.want)
			}
		}
		expert := app.Actor{User: &dtfund.User{ID: 999, Role: dtfund.RoleExpert}}
		if _, _, _, err := f.a.FindAwards(ctx, expert, store.AwardFilter{}); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("expert listing awards: %v", err)
		}
	})
}
