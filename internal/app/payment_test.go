package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/uscc"
)

// payFixture has awards of three organisations — in 汽开区 (220174), in
// 高新区 (220173) and outside Changchun — each committed from the central
// 2026 line of 第七条（一）, and the officials who plan, pay and recover.
type payFixture struct {
	a                  *app.App
	db                 *store.DB
	miit, fin          app.Actor
	dfinA, dfinB       app.Actor
	orgs               []*dtfund.Organization
	awards             []*store.Award
	callID, approvalID int64
}

const payLine = "line:central:2026:7.1"

func newPayFixture(t testing.TB, db *store.DB, n int) *payFixture {
	t.Helper()
	ctx := context.Background()
	f := &payFixture{a: newApp(db), db: db}
	f.setToday(t, "2026-11-02")
	sys := app.SystemActor("test")
	r := rand.New(rand.NewPCG(3, 4))
	for i, d := range []struct{ region, district string }{{"220174", "220174"}, {"220173", "220173"}, {"110105", ""}} {
		o := &dtfund.Organization{USCC: uscc.Generate(r, '9', '1', d.region), Name: "受款单位" + strconv.Itoa(i), Kind: dtfund.OrgEnterprise,
			LegalPerson: true, RegionCode: d.region, DistrictCode: d.district, IndustryCode: "3670", IsApplicant: true}
		if err := f.a.CreateOrganization(ctx, sys, o); err != nil {
			t.Fatal(err)
		}
		f.orgs = append(f.orgs, o)
	}
	mk := func(name string, role dtfund.Role, district string) app.Actor {
		u := &dtfund.User{Username: name, DisplayName: name, Role: role, DistrictCode: district}
		if err := f.a.CreateUser(ctx, sys, u, "Passw0rdLong"); err != nil {
			t.Fatal(err)
		}
		return app.Actor{User: u}
	}
	f.miit, f.fin = mk("citymiit", dtfund.RoleCityMIIT, ""), mk("cityfin", dtfund.RoleCityFinance, "")
	f.dfinA, f.dfinB = mk("qkfin", dtfund.RoleDistrictFinance, "220174"), mk("gxfin", dtfund.RoleDistrictFinance, "220173")
	f.setup(t, n)
	return f
}

// setToday moves the database clock (the app's "today") to a Shanghai date.
func (f *payFixture) setToday(t testing.TB, day string) {
	tm, err := time.ParseInLocation("2006-01-02 15:04", day+" 10:00", time.FixedZone("CST", 8*3600))
	if err != nil {
		t.Fatal(err)
	}
	f.db.SetClock(func() time.Time { return tm })
}

// setup makes n awards of 10万元 (rotating over the organisations) and the
// budget behind them: released, allocated and committed.
func (f *payFixture) setup(t testing.TB, n int) {
	t.Helper()
	ctx := context.Background()
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		now := time.Now()
		call := &dtfund.Call{Category: "7.1", Title: "改造", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour),
			WindowFrom: "2025-12-29", WindowTo: "2026-12-31", Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
		if err := tx.CreateCall(ctx, call); err != nil {
			return err
		}
		b := &store.PublicityBatch{Title: "公示", StartDate: "2026-09-30"}
		if err := tx.CreatePublicityBatch(ctx, b); err != nil {
			return err
		}
		ap := &store.Approval{BatchID: b.ID, DocNumber: "长府批〔2026〕1号", DocDate: "2026-10-13"}
		if err := tx.CreateApproval(ctx, ap); err != nil {
			return err
		}
		f.callID, f.approvalID = call.ID, ap.ID
		return fundLine(ctx, tx, int64(n)*10_000_000+50_000_000)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		f.award(t, f.orgs[i%len(f.orgs)], 10_000_000)
	}
}

// fundLine releases and allocates money to the central 2026 7.1 line.
func fundLine(ctx context.Context, tx *store.Tx, fen int64) error {
	for _, a := range [][3]string{{store.TreasuryAccount, store.AccountExternal, "财政国库"},
		{store.SourceAccount(store.SourceCentral, 2026), store.AccountSource, "2026年中央专项资金"},
		{payLine, store.AccountLine, "2026年中央专项资金·第七条（一）"}} {
		if _, err := tx.EnsureAccount(ctx, a[0], a[1], a[2]); err != nil {
			return err
		}
	}
	src := store.SourceAccount(store.SourceCentral, 2026)
	if _, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "release", Postings: []store.Posting{{Account: src, AmountFen: fen}, {Account: store.TreasuryAccount, AmountFen: -fen}}}); err != nil {
		return err
	}
	_, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "allocate", Postings: []store.Posting{{Account: payLine, AmountFen: fen}, {Account: src, AmountFen: -fen}}})
	return err
}

// award creates an award and commits it, unless the budget part already
// did (same idempotency key: the second posting is a no-op).
func (f *payFixture) award(t testing.TB, org *dtfund.Organization, fen int64) *store.Award {
	t.Helper()
	ctx := context.Background()
	aw := &store.Award{OrgID: org.ID, Category: "7.1", AmountFen: fen, FundSource: store.FundCentral, ApprovalID: f.approvalID}
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		ap := &dtfund.Application{CallID: f.callID, OrgID: org.ID, DistrictCode: org.DistrictCode, State: dtfund.StateApproved,
			Title: "MES 改造", Spending: []dtfund.Spending{{Type: "software", AmountFen: fen * 2, InvoiceNo: "INV-" + strconv.Itoa(len(f.awards))}}}
		if err := tx.CreateApplication(ctx, ap); err != nil {
			return err
		}
		aw.ApplicationID = ap.ID
		if err := tx.CreateAward(ctx, aw); err != nil {
			return err
		}
		c := store.CommitmentAccount(aw.ID)
		if _, err := tx.EnsureAccount(ctx, c, store.AccountCommitment, "承诺·奖补"+strconv.FormatInt(aw.ID, 10)); err != nil {
			return err
		}
		_, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "commit", IdempotencyKey: "commit:award:" + strconv.FormatInt(aw.ID, 10),
			RefType: "award", RefID: strconv.FormatInt(aw.ID, 10), Postings: []store.Posting{{Account: c, AmountFen: fen}, {Account: payLine, AmountFen: -fen}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.awards = append(f.awards, aw)
	return aw
}

// paidBatch proposes, approves, batches and issues a plan paying amounts.
func (f *payFixture) paidBatch(t testing.TB, amounts map[int64]int64) *store.PaymentBatch {
	t.Helper()
	ctx := context.Background()
	var items []store.PlanItem
	for _, aw := range f.awards {
		if amt, ok := amounts[aw.ID]; ok {
			items = append(items, store.PlanItem{AwardID: aw.ID, AmountFen: amt})
		}
	}
	p, err := f.a.ProposePlan(ctx, f.miit, app.PlanInput{Year: 2026, Title: "2026年第一批资金使用计划", Items: items})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.a.DecidePlan(ctx, f.fin, p.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	b, err := f.a.CreatePaymentBatch(ctx, f.fin, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.IssueBatch(ctx, f.fin, b.ID); err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *payFixture) instructions(t testing.TB, batchID int64) []*store.Instruction {
	t.Helper()
	ins, _, _, err := f.db.FindInstructions(context.Background(), store.InstructionFilter{BatchID: batchID, Page: store.Page{Limit: -1}})
	if err != nil {
		t.Fatal(err)
	}
	return ins
}

func balance(t testing.TB, db *store.DB, code string) int64 {
	t.Helper()
	b, err := db.Balance(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ledgerSize counts transactions, to prove refusals and retries post nothing.
func ledgerSize(t testing.TB, db *store.DB) int {
	t.Helper()
	v, err := db.VerifyLedger(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v.Transactions
}

// booksBalance fails unless the reconciliation identity holds.
func booksBalance(t testing.TB, f *payFixture) *app.Reconciliation {
	t.Helper()
	r, err := f.a.Reconcile(context.Background(), f.fin)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Holds || r.ReleasedFen != -r.TreasuryFen || r.SumFen != r.ReleasedFen {
		t.Fatalf("books do not balance: %+v", r)
	}
	return r
}

func TestPaymentThroughDistrictsOnceOnly(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPayFixture(t, db, 3)
		a, out := f.awards[0], f.awards[2]
		b := f.paidBatch(t, map[int64]int64{a.ID: 6_000_000, out.ID: 10_000_000})
		if got := balance(t, db, store.TransitAccount("220174")); got != 6_000_000 {
			t.Fatalf("transit 220174 = %d, want 6000000", got)
		}
		// Outside Changchun: paid by the city directly.
		if got := balance(t, db, store.RecipientAccount(f.orgs[2].ID)); got != 10_000_000 {
			t.Fatalf("direct payment = %d", got)
		}
		n := ledgerSize(t, db)
		if res, err := f.a.IssueBatch(ctx, f.fin, b.ID); err != nil || res.Issued != 0 {
			t.Fatalf("re-issue: %+v %v", res, err)
		}
		ins := f.instructions(t, b.ID)
		var inA *store.Instruction
		for _, in := range ins {
			if in.AwardID == a.ID {
				inA = in
			}
		}
		// Another district's finance bureau does not see it.
		if err := f.a.ConfirmReceipt(ctx, f.dfinB, inA.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("other district confirming: %v", err)
		}
		if _, err := f.a.RecordPayout(ctx, f.dfinB, inA.ID, "B-1"); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("other district paying: %v", err)
		}
		if _, err := f.a.RecordPayout(ctx, f.dfinA, inA.ID, " "); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("payout without bank reference: %v", err)
		}
		if ledgerSize(t, db) != n {
			t.Fatal("re-issue or refusals posted to the ledger")
		}
		if err := f.a.ConfirmReceipt(ctx, f.dfinA, inA.ID); err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{false, true} {
			replay, err := f.a.RecordPayout(ctx, f.dfinA, inA.ID, "ICBC-0001")
			if err != nil || replay != want {
				t.Fatalf("payout %d: replay %v err %v", i, replay, err)
			}
		}
		if got := balance(t, db, store.RecipientAccount(f.orgs[0].ID)); got != 6_000_000 {
			t.Fatalf("recipient = %d after a retried payout, want 6000000", got)
		}
		if got := balance(t, db, store.CommitmentAccount(a.ID)); got != 4_000_000 {
			t.Fatalf("unpaid commitment = %d", got)
		}
		if ledgerSize(t, db) != n+1 {
			t.Fatalf("ledger grew by %d, want 1", ledgerSize(t, db)-n)
		}
		booksBalance(t, f)
	})
}

func TestPlanChecksAndDecisions(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPayFixture(t, db, 1)
		aw := f.awards[0]
		_, err := f.a.ProposePlan(ctx, f.miit, app.PlanInput{Year: 2026, Title: "计划", Items: []store.PlanItem{{AwardID: aw.ID, AmountFen: 10_000_001}}})
		var ve dtfund.ValidationErrors
		if !asValidation(err, &ve) || ve.ByField()["amount_"+strconv.FormatInt(aw.ID, 10)] == "" {
			t.Fatalf("plan beyond the commitment: %v", err)
		}
		if _, err := f.a.ProposePlan(ctx, f.fin, app.PlanInput{Year: 2026, Title: "计划", Items: []store.PlanItem{{AwardID: aw.ID, AmountFen: 1}}}); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("finance proposing: %v", err)
		}
		if ps, _, _ := f.a.Plans(ctx, f.fin, store.Page{}); len(ps) != 0 {
			t.Fatal("refused plans were stored")
		}
		p, err := f.a.ProposePlan(ctx, f.miit, app.PlanInput{Year: 2026, Title: "计划", Items: []store.PlanItem{{AwardID: aw.ID, AmountFen: 1_000}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.CreatePaymentBatch(ctx, f.fin, p.ID); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("batch from an unapproved plan: %v", err)
		}
		if err := f.a.DecidePlan(ctx, f.fin, p.ID, false, ""); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("rejection without reason: %v", err)
		}
		if err := f.a.DecidePlan(ctx, f.fin, p.ID, false, "金额有误"); err != nil {
			t.Fatal(err)
		}
		if err := f.a.DecidePlan(ctx, f.fin, p.ID, true, ""); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("deciding twice: %v", err)
		}
	})
}

func TestSuspendedAndRevokedAwardsAreNotPaid(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPayFixture(t, db, 2)
		a0, a1 := f.awards[0], f.awards[1]
		p, err := f.a.ProposePlan(ctx, f.miit, app.PlanInput{Year: 2026, Title: "计划", Items: []store.PlanItem{{AwardID: a0.ID, AmountFen: 5_000_000}, {AwardID: a1.ID, AmountFen: 5_000_000}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.a.DecidePlan(ctx, f.fin, p.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		b, err := f.a.CreatePaymentBatch(ctx, f.fin, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		setStatus(t, db, a1.ID, "suspended")
		res, err := f.a.IssueBatch(ctx, f.fin, b.ID)
		if err != nil || res.Issued != 1 || len(res.Held) != 1 {
			t.Fatalf("issue with a suspended award: %+v %v", res, err)
		}
		if got := balance(t, db, store.CommitmentAccount(a1.ID)); got != 10_000_000 {
			t.Fatalf("suspended award was paid: commitment %d", got)
		}
		// Suspended between issue and payout: the payout is refused, nothing posted.
		setStatus(t, db, a0.ID, "suspended")
		in := f.instructions(t, b.ID)[0]
		n := ledgerSize(t, db)
		if _, err := f.a.RecordPayout(ctx, f.dfinA, in.ID, "X-1"); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("payout of a suspended award: %v", err)
		}
		if ledgerSize(t, db) != n || balance(t, db, store.TransitAccount("220174")) != 5_000_000 {
			t.Fatal("refused payout changed the books")
		}
		setStatus(t, db, a0.ID, "active")
		if _, err := f.a.RevokeAward(ctx, f.miit, app.RevokeInput{AwardID: a0.ID, Reason: "虚报", Article: "第二十条", DueDate: "2026-12-31"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.RecordPayout(ctx, f.dfinA, in.ID, "X-2"); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("payout of a revoked award: %v", err)
		}
		if _, err := f.a.ProposePlan(ctx, f.miit, app.PlanInput{Year: 2026, Title: "计划", Items: []store.PlanItem{{AwardID: a0.ID, AmountFen: 1}}}); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("plan for a revoked award: %v", err)
		}
		booksBalance(t, f)
	})
}

func setStatus(t testing.TB, db *store.DB, awardID int64, status string) {
	t.Helper()
	if err := db.ExecForTest(context.Background(), fmt.Sprintf(`UPDATE awards SET status = '%s' WHERE id = %d`, status, awardID)); err != nil {
		t.Fatal(err)
	}
}
