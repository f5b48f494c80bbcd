package app_test

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// awardRig makes awards directly (one draft application each) under one
// approval dated 2026-10-13, to commit them without the whole process.
type awardRig struct {
	f        *processFixture
	approval *store.Approval
}

func newAwardRig(t *testing.T, db *store.DB) *awardRig {
	t.Helper()
	r := &awardRig{f: budgetFixture(t, db)}
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		b := &store.PublicityBatch{Title: "批次", StartDate: "2026-09-30"}
		if err := tx.CreatePublicityBatch(ctx, b); err != nil {
			return err
		}
		r.approval = &store.Approval{BatchID: b.ID, DocNumber: "长府批〔2026〕1号", DocDate: "2026-10-13"}
		return tx.CreateApproval(ctx, r.approval)
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// award creates an award (not committed).
func (r *awardRig) award(t *testing.T, category, fund string, fen int64) *store.Award {
	t.Helper()
	ap := r.f.draft(t)
	aw := &store.Award{ApplicationID: ap.ID, OrgID: r.f.org.ID, Category: category, AmountFen: fen, FundSource: fund, ApprovalID: r.approval.ID}
	if err := r.f.a.DB.InTx(context.Background(), func(tx *store.Tx) error { return tx.CreateAward(context.Background(), aw) }); err != nil {
		t.Fatal(err)
	}
	return aw
}

// createAndCommit creates and commits an award in one transaction, as the
// approval does: a refusal leaves no award.
func (r *awardRig) createAndCommit(t *testing.T, category, fund string, fen int64) (*store.Award, error) {
	t.Helper()
	ap := r.f.draft(t)
	aw := &store.Award{ApplicationID: ap.ID, OrgID: r.f.org.ID, Category: category, AmountFen: fen, FundSource: fund, ApprovalID: r.approval.ID}
	err := r.f.a.DB.InTx(context.Background(), func(tx *store.Tx) error {
		if err := tx.CreateAward(context.Background(), aw); err != nil {
			return err
		}
		_, err := app.CommitAward(context.Background(), tx, aw)
		return err
	})
	return aw, err
}

func commit(db *store.DB, aw *store.Award) (*store.AwardCommitment, error) {
	var c *store.AwardCommitment
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		c, err = app.CommitAward(context.Background(), tx, aw)
		return err
	})
	return c, err
}

func TestCommitAwardPostsOnceToTheRightLine(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := newAwardRig(t, db)
		fundBudget(t, r.f.a, r.f.finance, 2026)
		aw := r.award(t, "7.1", store.FundCentral, 15*wan)
		c, err := commit(db, aw)
		if err != nil || c.LineCode != "line:central:2026:7.1" || c.CommitTxID == 0 {
			t.Fatalf("commit: %+v %v", c, err)
		}
		again, err := commit(db, aw)
		if err != nil || again.CommitTxID != c.CommitTxID {
			t.Fatalf("retried commit: %+v %v", again, err)
		}
		if b, _ := db.Balance(ctx, store.CommitmentAccount(aw.ID)); b != 15*wan {
			t.Fatalf("commitment = %d", b)
		}
		if b, _ := db.Balance(ctx, "line:central:2026:7.1"); b != 785*wan {
			t.Fatalf("line 7.1 = %d, want 785万 (one commitment)", b)
		}
		// Local money: the city line first, the provincial one when the city's is short.
		l1 := r.award(t, "7.4", store.FundLocal, 8*wan)
		l2 := r.award(t, "7.4", store.FundLocal, 8*wan)
		c1, err1 := commit(db, l1)
		c2, err2 := commit(db, l2)
		if err1 != nil || err2 != nil || c1.LineCode != "line:city:2026:7.4" || c2.LineCode != "line:provincial:2026:7.4" {
			t.Fatalf("local lines: %+v %v / %+v %v", c1, err1, c2, err2)
		}
		_, err = commit(db, r.award(t, "7.4", store.FundLocal, 8*wan))
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), "市级配套资金可用 20000.00 元") {
			t.Fatalf("no local money left: %v", err)
		}
		verifyBooks(t, db)
	})
}

func TestCumulativeCapAcrossAwardsRefusedWritingNothing(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := newAwardRig(t, db)
		fundBudget(t, r.f.a, r.f.finance, 2026)
		if _, err := r.createAndCommit(t, "7.1", store.FundCentral, 30*wan); err != nil {
			t.Fatal(err)
		}
		if _, err := r.createAndCommit(t, "7.1", store.FundCentral, 20*wan); err != nil { // exactly 50万
			t.Fatal(err)
		}
		line, _ := db.Balance(ctx, "line:central:2026:7.1")
		_, err := r.createAndCommit(t, "7.1", store.FundCentral, 1)
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), "50万元") || !strings.Contains(err.Error(), "每家企业") {
			t.Fatalf("cap crossed by one fen: %v", err)
		}
		if after, _ := db.Balance(ctx, "line:central:2026:7.1"); after != line || countAwards(t, db) != 2 {
			t.Fatalf("refused commitment wrote: line %d→%d, %d awards", line, after, countAwards(t, db))
		}
		// 第七条（三） per provider the same way; other categories have no cumulative cap here.
		if _, err := r.createAndCommit(t, "7.3", store.FundCentral, 40*wan); err != nil {
			t.Fatal(err)
		}
		if _, err := r.createAndCommit(t, "7.3", store.FundLocal, 10*wan+1); dtfund.ErrorCode(err) != dtfund.ECONFLICT ||
			!strings.Contains(err.Error(), "每家服务商") {
			t.Fatalf("provider cap: %v", err)
		}
		// A revoked award no longer counts.
		if err := db.ExecForTest(ctx, "UPDATE awards SET status = 'revoked' WHERE category = '7.1' AND amount_fen = 30000000"); err != nil {
			t.Fatal(err)
		}
		if _, err := r.createAndCommit(t, "7.1", store.FundCentral, 1); err != nil {
			t.Fatalf("after revocation: %v", err)
		}
		verifyBooks(t, db)
	})
}

func TestConcurrentCommitmentsNeverOverspend(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := newAwardRig(t, db)
		// 7.4 has no cumulative cap: only the money limits. 37 awards of 1万 fit.
		release(t, r.f.a, r.f.finance, 2026, store.SourceCentral, 500*wan)
		allocate(t, r.f.a, r.f.finance, 2026, store.SourceCentral, "7.4", 37*wan+5000)
		const n = 100
		awards := make([]*store.Award, n)
		for i := range awards {
			awards[i] = r.award(t, "7.4", store.FundCentral, 1*wan)
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range awards {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = commit(db, awards[i])
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !strings.Contains(dtfund.ErrorMessage(err), "第七条（四）2026年中央专项资金预算余额不足：可用 ") ||
				!strings.Contains(dtfund.ErrorMessage(err), "本项需 10000.00 元"):
				t.Errorf("unexpected refusal: %v", err)
			}
		}
		if ok != 37 {
			t.Fatalf("%d commitments succeeded, want 37", ok)
		}
		if b, _ := db.Balance(ctx, "line:central:2026:7.4"); b != 5000 {
			t.Fatalf("line left %d fen, want 5000", b)
		}
		if sum, _ := sumPrefix(t, db, "commitment:"); sum != 37*wan {
			t.Fatalf("committed %d", sum)
		}
		verifyBooks(t, db)
	})
}

func sumPrefix(t *testing.T, db *store.DB, prefix string) (int64, int) {
	t.Helper()
	accts, err := db.Accounts(context.Background(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	var s int64
	for _, a := range accts {
		s += a.BalanceFen
	}
	return s, len(accts)
}

// TestBudgetProperty runs random releases, allocations, deallocations and
// commitments; after each the books verify, no balance is negative, the
// central lines other than 第七条（一） hold at most 20% of the release, the
// caps hold, and the commitments equal the awards committed.
func TestBudgetProperty(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := newAwardRig(t, db)
		rng := rand.New(rand.NewPCG(2026, 117))
		sources := []string{store.SourceCentral, store.SourceProvincial, store.SourceCity}
		cats := []string{"7.1", "7.2", "7.3", "7.4"}
		committed := map[string]int64{}
		var total int64
		for i := 0; i < 300; i++ {
			src, cat, fen := sources[rng.IntN(3)], cats[rng.IntN(len(cats))], int64(1+rng.IntN(30))*wan/2
			var err error
			switch op := rng.IntN(10); {
			case op < 2:
				_, _, err = r.f.a.ReleaseBudget(ctx, r.f.finance, app.ReleaseInput{Year: 2026, Source: src,
					DocNumber: "财预〔2026〕P" + strconv.Itoa(i) + "号", DocDate: "2026-02-01", AmountFen: fen * 3})
			case op < 5:
				_, err = r.f.a.Allocate(ctx, r.f.finance, app.AllocationInput{Year: 2026, Source: src, Category: cat, AmountFen: fen})
			case op < 6:
				_, err = r.f.a.Allocate(ctx, r.f.finance, app.AllocationInput{Year: 2026, Source: src, Category: cat, AmountFen: fen, Deallocate: true})
			default:
				fund := store.FundCentral
				if rng.IntN(3) == 0 {
					fund = store.FundLocal
				}
				if _, err = r.createAndCommit(t, cat, fund, fen); err == nil {
					committed[cat] += fen
					total += fen
				}
			}
			if code := dtfund.ErrorCode(err); err != nil && code != dtfund.ECONFLICT && code != dtfund.EINVALID {
				t.Fatalf("op %d: %v", i, err)
			}
			checkInvariants(t, r, committed, total)
		}
		if total == 0 || committed["7.1"] == 0 {
			t.Fatalf("the random run committed nothing: %v", committed)
		}
	})
}

func checkInvariants(t *testing.T, r *awardRig, committed map[string]int64, total int64) {
	t.Helper()
	db := r.f.a.DB
	verifyBooks(t, db)
	o, err := r.f.a.BudgetOverview(context.Background(), r.f.finance, 2026)
	if err != nil || !o.Split.OK() || o.Split.OtherUsedFen > o.Split.OtherFen {
		t.Fatalf("80/20: %+v %v", o.Split, err)
	}
	if committed["7.1"] > 50*wan || committed["7.3"] > 50*wan {
		t.Fatalf("caps: %v", committed)
	}
	if sum, _ := sumPrefix(t, db, "commitment:"); sum != total {
		t.Fatalf("commitments %d, awards committed %d", sum, total)
	}
}

func TestApprovalCommitsOrFailsAsAWhole(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := f.batch(t, "2026-09-30")
		f.publish(t, b, ap)
		f.setClock(atShanghai(t, "2026-10-13 09:00"))
		if _, err := f.a.ClosePublicity(ctx, f.city, b.ID); err != nil {
			t.Fatal(err)
		}
		in := app.ApprovalInput{BatchID: b.ID, DocNumber: "长府批〔2026〕12号", DocDate: "2026-10-13", IdempotencyKey: "approve-money"}
		// No budget: the whole approval fails, naming the application and the reason.
		_, err := f.a.ApproveBatch(ctx, f.city, in)
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), ap.Number) ||
			!strings.Contains(err.Error(), "第七条（一）2026年中央专项资金预算余额不足：可用 0.00 元，本项需 150000.00 元") {
			t.Fatalf("approval without money: %v", err)
		}
		if approvals, _ := db.Approvals(ctx, b.ID); len(approvals) != 0 || countAwards(t, db) != 0 || f.state(t, ap.ID) != dtfund.StatePublicityPassed {
			t.Fatal("failed approval wrote something")
		}
		// With money it succeeds and commits; the resent form commits nothing more.
		fundBudget(t, f.a, f.finance, 2026)
		res, err := f.a.ApproveBatch(ctx, f.city, in)
		if err != nil || len(res.Awards) != 1 {
			t.Fatalf("approval with money: %+v %v", res, err)
		}
		if res, err := f.a.ApproveBatch(ctx, f.city, in); err != nil || !res.Replayed {
			t.Fatalf("resent approval: %+v %v", res, err)
		}
		aw := res.Awards[0]
		if b, _ := db.Balance(ctx, store.CommitmentAccount(aw.ID)); b != 15*wan {
			t.Fatalf("commitment = %d", b)
		}
		if b, _ := db.Balance(ctx, "line:central:2026:7.1"); b != 785*wan {
			t.Fatalf("line = %d, want 785万 (committed once)", b)
		}
		verifyBooks(t, db)
	})
}
