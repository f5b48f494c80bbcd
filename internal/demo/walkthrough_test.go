package demo_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
)

// newcomer is what a newcomer does for one category with the demo
// accounts: who applies, who gives the first review, what is claimed.
type newcomer struct {
	category  string
	applicant string
	reviewer  string // the 属地 district's official, or the city bureau
	draft     app.Draft
}

func newcomers() []newcomer {
	d := func(title string, requested int64) app.Draft {
		return app.Draft{Title: title, Description: title + "：演示申报。", RequestedFen: requested,
			Declarations: dtfund.Declarations{Integrity: true, TaxCompliant: true, NoMajorIncident: true},
			Goals:        []dtfund.Goal{{Seq: 1, Indicator: "应用企业数量", Baseline: "10家", Target: "30家"}}}
	}
	retrofit := d("冲压车间数字化改造", 15_000_000)
	retrofit.Spending = []dtfund.Spending{{Seq: 1, Type: "software", Supplier: "长春启明数字科技有限公司", AmountFen: 30_000_000,
		ContractNo: "HT-1", ContractDate: "2026-03-02", InvoiceNo: "INV-NEW-1", InvoiceDate: "2026-04-10", PaymentDate: "2026-04-20"}}
	cloud := d("研发设计工具上云", 2_000_000)
	cloud.Subtype = policy.SubtypeCloud
	return []newcomer{
		{"7.1", "qiye", "qixian", retrofit},
		{"7.2", "qiye2", "gaoxin", cloud},
		{"7.3", "qiming", "gaoxin", d("设备点检小程序", 5_000_000)},
		{"7.4", "fuwushang", "shigongxin", d("优秀数字化服务商申报", 20_000_000)},
		{"7.5", "lianzhu", "qixian", d("汽车内饰供应链协同平台", 20_000_000)},
		{"7.6", "yanjiu", "nanguan", d("中小企业数字化水平评测服务", 50_000_000)},
		{"local", "daqiye", "gaoxin", d("生物药生产数字孪生车间", 80_000_000)},
	}
}

// TestNewcomerWalkthrough takes a new application of each category
// through the six steps of 第十四条 with the demo accounts, as the README's
// walkthrough tells a newcomer to, in the open calls the demo seeds.
func TestNewcomerWalkthrough(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		s := seed(t, db)
		ctx := context.Background()
		city, finance := s.actor(t, "shigongxin"), s.actor(t, "shicaizheng")
		batch, err := s.a.CreatePublicityBatch(ctx, city, "演示：新申报公示", calendar.DateOf(time.Now()).String())
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range newcomers() {
			ap := s.apply(t, n)
			s.review(t, n, ap)
			s.expertReview(t, n, ap)
			for _, signer := range []app.Actor{city, finance} {
				if _, err := s.a.SignRecheck(ctx, signer, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "同意"}); err != nil {
					t.Fatalf("%s: re-check by %s: %v", n.category, signer.User.Username, err)
				}
			}
			if _, err := s.a.Publish(ctx, city, app.Publication{BatchID: batch.ID, AppID: ap.ID}); err != nil {
				t.Fatalf("%s: publishing: %v", n.category, err)
			}
		}
		// The publicity period runs five working days: move both clocks
		// past it, then close the batch and record the approval.
		later := time.Now().Add(15 * 24 * time.Hour)
		s.a.Now = func() time.Time { return later }
		db.SetClock(s.a.Now)
		if n, err := s.a.ClosePublicity(ctx, city, batch.ID); err != nil || n != len(newcomers()) {
			t.Fatalf("closing publicity: %d passed, %v", n, err)
		}
		res, err := s.a.ApproveBatch(ctx, city, app.ApprovalInput{BatchID: batch.ID, DocNumber: "长府批〔演示〕1号",
			DocDate: calendar.DateOf(later).String()})
		if err != nil || len(res.Awards) != len(newcomers()) {
			t.Fatalf("approval: %+v, %v; want an award for every category", res, err)
		}
	})
}

// apply is step 1: the applicant starts an application under the open
// call of its category, uploads the materials and submits.
func (s *seeded) apply(t *testing.T, n newcomer) *dtfund.Application {
	t.Helper()
	ctx := context.Background()
	who := s.actor(t, n.applicant)
	calls, _, err := s.a.FindCalls(ctx, who, store.CallFilter{Category: n.category, Page: store.Page{Limit: 10}})
	// An applicant also sees the closed calls it has an application in (an
	// award proposed by a ranking); it applies under the open one.
	calls = slices.DeleteFunc(calls, func(c *dtfund.Call) bool { return !c.Open(time.Now()) })
	if err != nil || len(calls) != 1 {
		t.Fatalf("%s: %s sees %d open calls, %v; want one", n.category, n.applicant, len(calls), err)
	}
	ap, err := s.a.StartApplication(ctx, who, calls[0].ID)
	if err != nil {
		t.Fatalf("%s: %s starting: %v", n.category, n.applicant, err)
	}
	for _, m := range calls[0].Materials {
		if _, err := s.a.AddAttachment(ctx, who, ap.ID, m, m+".pdf", bytes.NewReader([]byte("%PDF-1.4\n%%EOF\n"))); err != nil {
			t.Fatal(err)
		}
	}
	d := n.draft
	if ap, err = s.a.Submit(ctx, who, ap.ID, "", &d); err != nil {
		t.Fatalf("%s: %s submitting: %v", n.category, n.applicant, err)
	}
	return ap
}

// review is step 2: the first review recommends it; a district sends its
// letter.
func (s *seeded) review(t *testing.T, n newcomer, ap *dtfund.Application) {
	t.Helper()
	ctx := context.Background()
	who := s.actor(t, n.reviewer)
	if _, err := s.a.DistrictReview(ctx, who, app.DistrictDecision{AppID: ap.ID, Action: dtfund.ActRecommend, Reason: "同意推荐"}); err != nil {
		t.Fatalf("%s: first review by %s: %v", n.category, n.reviewer, err)
	}
	if who.User.Role == dtfund.RoleDistrictMIIT {
		if _, err := s.a.CreateLetter(ctx, who, ap.CallID); err != nil {
			t.Fatalf("%s: letter: %v", n.category, err)
		}
	}
}

// expertReview is step 3: a panel of three is drawn from the pool, each
// member declares and scores, the city bureau finalises.
func (s *seeded) expertReview(t *testing.T, n newcomer, ap *dtfund.Application) {
	t.Helper()
	ctx := context.Background()
	city := s.actor(t, "shigongxin")
	p, err := s.a.CreatePanel(ctx, city, app.PanelRequest{CallID: ap.CallID, AppIDs: []int64{ap.ID}, Size: 3})
	if err != nil {
		t.Fatalf("%s: drawing a panel: %v", n.category, err)
	}
	for _, m := range p.Members {
		u, err := s.db.User(ctx, m.ExpertID)
		if err != nil {
			t.Fatal(err)
		}
		if n.applicant == "qiming" && u.Username == "zhuanjia5" {
			t.Errorf("zhuanjia5 works for 启明 but was drawn for 启明's application")
		}
		s.score(t, app.Actor{User: u}, p.ID, ap)
	}
	if _, err := s.a.Finalise(ctx, city, p.ID, ap.ID, ""); err != nil {
		t.Fatalf("%s: finalising: %v", n.category, err)
	}
}

func (s *seeded) score(t *testing.T, expert app.Actor, panelID int64, ap *dtfund.Application) {
	t.Helper()
	ctx := context.Background()
	if err := s.a.DeclareConflict(ctx, expert, panelID, ap.ID, false, ""); err != nil {
		t.Fatal(err)
	}
	in := app.ScoreInput{Scores: []int{80, 85, 82}}
	if len(ap.Spending) > 0 {
		in.Approved = map[int]int64{}
		for _, sp := range ap.Spending {
			in.Approved[sp.Seq] = sp.AmountFen
		}
	}
	if err := s.a.SaveScores(ctx, expert, panelID, ap.ID, in); err != nil {
		t.Fatalf("%s scoring %s: %v", expert.User.Username, ap.Number, err)
	}
}

// TestHistoryCanBeContinued does, on the pre-built applications, the next
// step the README's walkthrough points a newcomer to, each with the demo
// account it names.
func TestHistoryCanBeContinued(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		s := seed(t, db)
		ctx := context.Background()
		city := s.actor(t, "shigongxin")
		must := func(what string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		// The applications as seeded, before any step below moves others
		// into their states.
		historyCall := s.one(t, dtfund.StateRecommended).CallID
		pending, reviewed := s.one(t, dtfund.StateExpertReview), s.one(t, dtfund.StateReviewed)
		rechecked := s.one(t, dtfund.StateRechecked)
		_, err := s.a.Submit(ctx, s.actor(t, "fujin"), s.one(t, dtfund.StateReturned).ID, "", nil)
		must("fujin resubmitting after the return", err)
		for _, official := range []string{"qixian", "gaoxin"} {
			who := s.actor(t, official)
			apps, _, err := s.a.FindApplications(ctx, who, store.ApplicationFilter{States: []dtfund.AppState{dtfund.StateSubmitted}})
			must(official+" listing", err)
			for _, ap := range apps {
				_, err := s.a.DistrictReview(ctx, who, app.DistrictDecision{AppID: ap.ID, Action: dtfund.ActRecommend, Reason: "同意推荐"})
				must(official+" recommending "+ap.Number, err)
			}
		}
		_, err = s.a.CreatePanel(ctx, city, app.PanelRequest{CallID: historyCall, Size: 3})
		must("drawing a panel for the recommended applications", err)

		pa, err := db.PanelAppOf(ctx, pending.ID)
		must("panel of the application in expert review", err)
		s.score(t, s.actor(t, "zhuanjia3"), pa.PanelID, pending)
		_, err = s.a.Finalise(ctx, city, pa.PanelID, pending.ID, "")
		must("finalising after zhuanjia3 scored", err)

		_, err = s.a.SignRecheck(ctx, s.actor(t, "shicaizheng"), app.RecheckSign{AppID: reviewed.ID, Pass: true, Opinion: "同意"})
		must("the finance bureau's signature", err)

		running, _, err := db.FindPublicityBatches(ctx, store.BatchFilter{State: store.BatchOpen})
		must("open batches", err)
		_, err = s.a.Publish(ctx, city, app.Publication{BatchID: running[0].ID, AppID: rechecked.ID})
		must("publishing the re-checked application in the running batch", err)

		open, _, err := db.FindObjections(ctx, store.ObjectionFilter{State: store.ObjectionOpen})
		must("open objections", err)
		must("dismissing the open objection", s.a.DecideObjection(ctx, city, app.ObjectionDecision{ID: open[0].ID, Finding: "经现场核查，系统已上线运行，异议不成立。"}))
		s.approveWaitingBatch(t)
	})
}

// approveWaitingBatch records the approval of the closed batch that
// waits for it: the award of the application that passed publicity.
func (s *seeded) approveWaitingBatch(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	batches, _, err := s.db.FindPublicityBatches(ctx, store.BatchFilter{State: store.BatchClosed, Page: store.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	waiting := s.one(t, dtfund.StatePublicityPassed)
	for _, b := range batches {
		res, err := s.a.ApproveBatch(ctx, s.actor(t, "shigongxin"), app.ApprovalInput{BatchID: b.ID, DocNumber: "长府批〔演示〕2号",
			DocDate: calendar.DateOf(time.Now()).String()})
		if err == nil && len(res.Awards) == 1 && res.Awards[0].ApplicationID == waiting.ID {
			return
		}
	}
	t.Errorf("no closed batch could be approved for %s", waiting.Number)
}
