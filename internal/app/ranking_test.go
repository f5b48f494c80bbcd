package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
)

func (f *provFixture) run(t *testing.T, kind policy.RankKind, from, to string) *store.RankingRun {
	t.Helper()
	r, err := f.a.RunRanking(context.Background(), f.city, app.RankingInput{Kind: string(kind), From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (f *provFixture) entries(t *testing.T, runID int64) []*store.RankingEntry {
	t.Helper()
	es, _, err := f.a.RankingEntries(context.Background(), f.city, store.EntryFilter{RunID: runID, Page: store.Page{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func (f *provFixture) call(t *testing.T, category, title string) *dtfund.Call {
	t.Helper()
	now := f.a.Now()
	c := &dtfund.Call{Category: category, Title: title, OpensAt: now.Add(-48 * time.Hour), ClosesAt: now.Add(-24 * time.Hour),
		Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "排名", Weight: 100}}, PassMark: 60}}
	if err := f.a.DB.InTx(context.Background(), func(tx *store.Tx) error { return tx.CreateCall(context.Background(), c) }); err != nil {
		t.Fatal(err)
	}
	return c
}

func gain(before, after string) policy.EffectIndicator {
	return policy.EffectIndicator{Name: "生产效率", Unit: "%", Before: before, After: after}
}

func TestRankingRunIsStoredWithComponentsAndExclusions(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProvFixture(t, db)
		a := f.product(t, f.p1, "云MES", "small")
		b := f.product(t, f.p2, "设备点检", "fast")
		c := f.product(t, f.p1, "普通ERP") // claims none of 小快轻准
		f.adopt(t, f.applicant, a.ID, "A-1", "2026-02-01", gain("100", "120"))
		f.adopt(t, f.ent2, a.ID, "A-2", "2026-03-01")
		f.adopt(t, f.applicant, b.ID, "B-1", "2026-01-15", gain("100", "200"))
		f.adopt(t, f.ent2, c.ID, "C-1", "2026-04-01")
		f.adopt(t, f.ent2, a.ID, "A-3", "2025-12-31") // before the period
		if _, err := f.a.AddCreditRecord(ctx, f.city, app.CreditInput{OrgID: f.prov2.ID, Kind: string(policy.CreditSeriousDishonesty),
			StartDate: "2026-05-10", StillListed: true, Source: "信用中国"}); err != nil {
			t.Fatal(err)
		}
		run := f.run(t, policy.RankProducts, "2026-01-01", "2026-09-29")
		if run.Adoptions != 4 || run.Entries != 3 || run.Ranked != 1 || run.ParamsVersion == "" || !strings.Contains(run.Formula, "满分100分") ||
			run.ComputedBy != f.city.User.ID {
			t.Fatalf("run = %+v", run)
		}
		es := f.entries(t, run.ID)
		if len(es) != 3 || es[0].ProductID != a.ID || es[0].Rank != 1 || !es[0].Eligible || es[0].ProviderName != f.prov1.Name {
			t.Fatalf("entries = %+v", es)
		}
		var comp policy.RankComponents
		if err := json.Unmarshal([]byte(es[0].Components), &comp); err != nil {
			t.Fatal(err)
		}
		// Two enterprises (the only rankable entry: the leader), effect (2000 + 0) / 2 = 1000 of 1000: 100 points.
		if comp.Count != 2 || comp.EffectBP != 1000 || es[0].Score != comp.WeightCountBP*comp.CountNormBP+comp.WeightEffectBP*comp.EffectNormBP ||
			es[0].Score != 100_000_000 {
			t.Fatalf("components %+v, score %d", comp, es[0].Score)
		}
		byProduct := map[int64]*store.RankingEntry{}
		for _, e := range es {
			byProduct[e.ProductID] = e
		}
		if e := byProduct[b.ID]; e.Eligible || e.Rank != 0 || !strings.Contains(e.Findings, "第十一条（一）") {
			t.Fatalf("dishonest provider's product: %+v", e)
		}
		if e := byProduct[c.ID]; e.Eligible || !strings.Contains(e.Findings, "小快轻准") {
			t.Fatalf("product without 小快轻准 properties: %+v", e)
		}
		// Later data does not change the stored run; running again makes a new one.
		f.adopt(t, f.ent2, b.ID, "B-2", "2026-06-01", gain("10", "20"))
		if again := f.entries(t, run.ID); again[0].Score != es[0].Score || len(again) != 3 {
			t.Fatal("the stored run changed with the data")
		}
		rerun, err := f.a.RerunRanking(ctx, f.city, run.ID)
		if err != nil || rerun.ID == run.ID || rerun.RerunOf != run.ID || rerun.Adoptions != 5 {
			t.Fatalf("rerun = %+v, %v", rerun, err)
		}
		if err := db.ExecForTest(ctx, "UPDATE ranking_entries SET score = 0"); err == nil {
			t.Fatal("a stored ranking entry could be changed")
		}
		if err := db.ExecForTest(ctx, "DELETE FROM ranking_entries"); err == nil {
			t.Fatal("a stored ranking entry could be deleted")
		}
		// Providers (（四）): 云智 landed 3 (A by two enterprises, C by one); 启航 is excluded.
		prun := f.run(t, policy.RankProviders, "2026-01-01", "2026-09-29")
		pes := f.entries(t, prun.ID)
		if len(pes) != 2 || pes[0].ProviderOrgID != f.prov1.ID || pes[0].Rank != 1 || pes[1].Eligible || pes[0].ProductID != 0 {
			t.Fatalf("provider entries = %+v", pes)
		}
		if err := json.Unmarshal([]byte(pes[0].Components), &comp); err != nil || comp.Count != 3 || comp.Enterprises != 2 {
			t.Fatalf("provider components = %+v, %v", comp, err)
		}
	})
}

func TestRankingInputAndRoles(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProvFixture(t, db)
		_, err := f.a.RunRanking(ctx, f.city, app.RankingInput{Kind: "best", From: "2026-09-01", To: "2026-10-01"})
		var v dtfund.ValidationErrors
		if !asValidation(err, &v) || v.ByField()["kind"] == "" || !strings.Contains(v.ByField()["to"], "晚于今天") {
			t.Fatalf("bad run: %v", err)
		}
		if _, err := f.a.RunRanking(ctx, f.city, app.RankingInput{Kind: "product", From: "2026-09-01", To: "2026-08-01"}); err == nil {
			t.Fatal("period ending before it starts accepted")
		}
		for _, who := range []app.Actor{f.applicant, f.p1, f.finance, f.district} {
			if _, err := f.a.RunRanking(ctx, who, app.RankingInput{Kind: "product", From: "2026-01-01", To: "2026-06-30"}); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
				t.Fatalf("%s running a ranking: %v", who.User.Role, err)
			}
		}
		run := f.run(t, policy.RankProducts, "2026-01-01", "2026-06-30")
		if _, err := f.a.RankingRun(ctx, f.finance, run.ID); err != nil {
			t.Fatalf("city finance viewing: %v", err)
		}
		if _, err := f.a.RankingRun(ctx, f.p1, run.ID); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("provider viewing a run: %v", err)
		}
	})
}

// The top of a ranking becomes proposed awards within the caps, exactly
// once; such an award passes the joint re-check, the publicity and the
// approval like any other; and the next period's ranking finds the provider
// near its 50万 cumulative cap.
func TestRankingProposalThroughRecheckPublicityApproval(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProvFixture(t, db)
		var products []*store.Product
		for i := range 10 {
			p := f.product(t, f.p1, fmt.Sprintf("云智产品%d", i+1), "small", "light")
			products = append(products, p)
			f.adopt(t, f.applicant, p.ID, fmt.Sprintf("J-%d", i), "2026-03-01", gain("100", fmt.Sprint(110+i)))
			f.adopt(t, f.ent2, p.ID, fmt.Sprintf("Y-%d", i), "2026-04-01")
		}
		other := f.product(t, f.p2, "启航点检", "fast")
		f.adopt(t, f.applicant, other.ID, "Q-1", "2026-05-01", gain("100", "150"))
		run := f.run(t, policy.RankProducts, "2026-01-01", "2026-09-28")
		if run.Ranked != 11 {
			t.Fatalf("ranked %d, want 11", run.Ranked)
		}
		call := f.call(t, "7.3", "2026年优秀“小快轻准”产品和服务（排名推荐）")
		wrong := f.call(t, "7.4", "优秀服务商")
		in := app.RankingProposalInput{RunID: run.ID, CallID: wrong.ID, TopN: 11, AmountFen: 4_700_000}
		if _, err := f.a.ProposeRankingAwards(ctx, f.city, in); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("proposing into a 7.4 call: %v", err)
		}
		in.CallID = call.ID
		res, err := f.a.ProposeRankingAwards(ctx, f.city, in)
		if err != nil || res.Replayed || len(res.Applications) != 2 {
			t.Fatalf("propose: %+v, %v", res, err)
		}
		var big *dtfund.Application
		for _, ap := range res.Applications {
			if ap.OrgID == f.prov1.ID {
				big = ap
			}
		}
		items, _ := db.ApplicationItems(ctx, big.ID)
		if big == nil || big.RequestedFen != 47_000_000 || len(items) != 10 || big.State != dtfund.StateReviewed ||
			big.Origin != dtfund.OriginRanking || big.OriginRef != fmt.Sprintf("ranking:%d:org:%d", run.ID, f.prov1.ID) {
			t.Fatalf("provider's application = %+v, %d items", big, len(items))
		}
		// Proposing again creates nothing.
		again, err := f.a.ProposeRankingAwards(ctx, f.city, in)
		if err != nil || !again.Replayed {
			t.Fatalf("second proposal: %+v, %v", again, err)
		}
		if _, n, _ := db.FindApplications(ctx, store.ApplicationFilter{CallID: call.ID}); n != 2 {
			t.Fatalf("%d applications after proposing twice, want 2", n)
		}
		// Re-check: both bureaus sign; the rules cap item by item (10 × 4.7万).
		for _, ap := range res.Applications {
			for _, who := range []app.Actor{f.city, f.finance} {
				if _, err := f.a.SignRecheck(ctx, who, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "排名结果与应用记录相符"}); err != nil {
					t.Fatalf("re-check of %s as %s: %v", ap.Number, who.User.Role, err)
				}
			}
		}
		rr, err := db.RecheckResult(ctx, big.ID)
		if err != nil || rr.MaxSubsidyFen != 47_000_000 || rr.FundSource != store.FundCentral {
			t.Fatalf("re-check result = %+v, %v", rr, err)
		}
		// Publicity and approval, with money for （三） beyond the fixture's 40万 central line.
		fundBudget(t, f.a, f.finance, 2026)
		release(t, f.a, f.finance, 2026, store.SourceCentral, 500*wan)
		allocate(t, f.a, f.finance, 2026, store.SourceCentral, "7.1", 400*wan)
		allocate(t, f.a, f.finance, 2026, store.SourceCentral, "7.3", 100*wan)
		b := f.batch(t, "2026-09-30")
		for _, ap := range res.Applications {
			f.publish(t, b, ap)
		}
		f.setClock(atShanghai(t, "2026-10-13 09:00"))
		if _, err := f.a.ClosePublicity(ctx, f.city, b.ID); err != nil {
			t.Fatal(err)
		}
		ar, err := f.a.ApproveBatch(ctx, f.city, app.ApprovalInput{BatchID: b.ID, DocNumber: "长府批〔2026〕30号", DocDate: "2026-10-13"})
		if err != nil || len(ar.Awards) != 2 || len(ar.Skipped) != 0 {
			t.Fatalf("approval: %+v, %v", ar, err)
		}
		aw, err := db.AwardOfApp(ctx, big.ID)
		if err != nil || aw.AmountFen != 47_000_000 || aw.Category != "7.3" || aw.OrgID != f.prov1.ID {
			t.Fatalf("award = %+v, %v", aw, err)
		}
		verifyBooks(t, db)

		// The next period: 云智 has 47万 of its 50万; its first product gets
		// the 3万 left, the second nothing.
		for i, p := range products[:2] {
			f.adopt(t, f.applicant, p.ID, fmt.Sprintf("J2-%d", i), "2026-10-0"+fmt.Sprint(i+1))
		}
		run2 := f.run(t, policy.RankProducts, "2026-10-01", "2026-10-12")
		call2 := f.call(t, "7.3", "2026年第二批优秀“小快轻准”产品和服务")
		res2, err := f.a.ProposeRankingAwards(ctx, f.city, app.RankingProposalInput{RunID: run2.ID, CallID: call2.ID, TopN: 5})
		if err != nil || len(res2.Applications) != 1 || res2.Applications[0].RequestedFen != 3_000_000 {
			t.Fatalf("second period: %+v, %v", res2, err)
		}
		got := res2.Awards[0].Items
		if len(got) != 2 || got[0].Outcome != policy.AwardReduced || got[1].Outcome != policy.AwardSkipped ||
			!strings.Contains(got[0].Findings[0].Message, "47万元") {
			t.Fatalf("second period items = %+v", got)
		}
		es := f.entries(t, run2.ID)
		if es[0].Proposal == nil || es[0].Proposal.Outcome != policy.AwardReduced || es[0].Proposal.AmountFen != 3_000_000 ||
			es[1].Proposal == nil || es[1].Proposal.ApplicationID != 0 || es[1].Proposal.Outcome != policy.AwardSkipped {
			t.Fatalf("stored proposals = %+v / %+v", es[0].Proposal, es[1].Proposal)
		}
		d, err := f.a.Recheck(ctx, f.city, res2.Applications[0].ID)
		if err != nil || d.Decision.MaxSubsidyFen != 3_000_000 || !(d.Decision.CentralEligible || d.Decision.LocalEligible) {
			t.Fatalf("second period re-check: %+v, %v", d, err)
		}
	})
}

// A subject proposed from one run is not proposed again from a re-run of
// the same period.
func TestRerunDoesNotProposeTwice(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProvFixture(t, db)
		p := f.product(t, f.p1, "云MES", "small")
		f.adopt(t, f.applicant, p.ID, "A-1", "2026-02-01")
		run := f.run(t, policy.RankProviders, "2026-01-01", "2026-06-30")
		c1, c2 := f.call(t, "7.4", "优秀服务商一"), f.call(t, "7.4", "优秀服务商二")
		if res, err := f.a.ProposeRankingAwards(ctx, f.city, app.RankingProposalInput{RunID: run.ID, CallID: c1.ID, TopN: 3, AmountFen: 25_000_000}); err != nil ||
			len(res.Applications) != 1 || res.Applications[0].RequestedFen != 20_000_000 {
			t.Fatalf("first proposal: %+v, %v", res, err)
		}
		rerun, err := f.a.RerunRanking(ctx, f.city, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		res, err := f.a.ProposeRankingAwards(ctx, f.city, app.RankingProposalInput{RunID: rerun.ID, CallID: c2.ID, TopN: 3})
		if err != nil || len(res.Applications) != 0 || res.Awards[0].Items[0].Outcome != policy.AwardSkipped ||
			!strings.Contains(res.Awards[0].Items[0].Findings[0].Message, "已由第") {
			t.Fatalf("re-run proposal: %+v, %v", res, err)
		}
	})
}
