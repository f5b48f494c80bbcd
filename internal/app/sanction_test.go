package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
)

// openCall publishes another call, open now (the app's clock), for new
// applications of the fixture's organisations.
func (f *superFixture) openCall(t *testing.T) *dtfund.Call {
	t.Helper()
	now := time.Now()
	c := &dtfund.Call{Category: "7.1", Title: "第二批", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour),
		WindowFrom: "2025-12-29", WindowTo: "2026-12-31", Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
	if err := f.db.InTx(context.Background(), func(tx *store.Tx) error { return tx.CreateCall(context.Background(), c) }); err != nil {
		t.Fatal(err)
	}
	return c
}

// app inserts an application of the organisation in a state.
func (f *superFixture) app(t *testing.T, callID int64, org *dtfund.Organization, st dtfund.AppState) *dtfund.Application {
	t.Helper()
	ap := &dtfund.Application{CallID: callID, OrgID: org.ID, DistrictCode: org.DistrictCode, State: st, Title: "MES 改造",
		Spending: []dtfund.Spending{{Type: "software", AmountFen: 100, InvoiceNo: "S-" + string(st)}}}
	if err := f.db.InTx(context.Background(), func(tx *store.Tx) error { return tx.CreateApplication(context.Background(), ap) }); err != nil {
		t.Fatal(err)
	}
	return ap
}

func (f *superFixture) violation(t *testing.T, aw *store.Award) *store.InspectionItem {
	t.Helper()
	ctx := context.Background()
	p, err := f.a.PlanInspection(ctx, f.miit, app.InspectionInput{Title: "专项检查", Kind: store.InspectTargeted, AwardIDs: []int64{aw.ID}})
	if err != nil {
		t.Fatal(err)
	}
	_, items, _, err := f.a.InspectionPlan(ctx, f.miit, p.ID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.a.AssignInspection(ctx, f.miit, items[0].ID, f.inspector.User.ID); err != nil {
		t.Fatal(err)
	}
	it, err := f.a.RecordFinding(ctx, f.inspector, app.FindingInput{ItemID: items[0].ID, Finding: "发票与实际交付不符", Violation: true, FoundOn: "2026-11-02"})
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// An inspection finding leads to a violation decision that, in one
// transaction, cancels the pending applications, bans the unit, revokes and
// recovers its award, and records the referral.
func TestSanctionFromFindingCancelsBansRevokes(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSuperFixture(t, db, 2)
		org, aw := f.orgs[0], f.awards[0]
		f.partlyPaid(t, aw, 4_000_000)
		call := f.openCall(t)
		submitted := f.app(t, call.ID, org, dtfund.StateSubmitted)
		draft := f.app(t, f.openCall(t).ID, org, dtfund.StateDraft)
		withdrawn := f.app(t, f.openCall(t).ID, org, dtfund.StateWithdrawn)
		other := f.app(t, call.ID, f.orgs[1], dtfund.StateSubmitted)
		it := f.violation(t, aw)
		in := app.SanctionInput{OrgID: org.ID, ItemID: it.ID, Facts: "经第三方核查，该单位虚报软件采购发票，骗取专项资金。",
			Article: "第二十条", DecidedOn: "2026-11-02", DocNumber: "长工信罚〔2026〕1号", DueDate: "2026-12-31",
			Referrals: []app.ReferralInput{{Authority: "长春市公安局经济犯罪侦查支队", ReferredOn: "2026-11-02", Note: "涉嫌诈骗"}}}
		for _, who := range []app.Actor{f.fin, f.qikai, f.inspector} {
			if _, err := f.a.DecideSanction(ctx, who, in); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
				t.Fatalf("%s deciding: %v", who.User.Role, err)
			}
		}
		noDue := in
		noDue.DueDate = ""
		n := ledgerSize(t, db)
		if _, err := f.a.DecideSanction(ctx, f.miit, noDue); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("award to recover but no due date: %v", err)
		}
		if ledgerSize(t, db) != n || f.state(t, submitted.ID) != dtfund.StateSubmitted {
			t.Fatal("a refused decision changed something")
		}
		line := balance(t, db, payLine)
		res, err := f.a.DecideSanction(ctx, f.miit, in)
		if err != nil {
			t.Fatal(err)
		}
		s := res.Sanction
		if s.BanStart != "2026-11-02" || s.BanEnd != "2029-11-02" || s.ParamVersion == "" || len(res.Cancelled) != 2 || len(res.Revoked) != 1 {
			t.Fatalf("decision: %+v cancelled %v revoked %d", s, res.Cancelled, len(res.Revoked))
		}
		for id, want := range map[int64]dtfund.AppState{submitted.ID: dtfund.StateCancelled, draft.ID: dtfund.StateCancelled,
			withdrawn.ID: dtfund.StateWithdrawn, other.ID: dtfund.StateSubmitted} {
			if got := f.state(t, id); got != want {
				t.Errorf("application %d: %s, want %s", id, got, want)
			}
		}
		evs, _ := db.Events(ctx, submitted.ID)
		if last := evs[len(evs)-1]; last.To != dtfund.StateCancelled || last.Citation != "第二十条" || !strings.Contains(last.Reason, in.DocNumber) {
			t.Fatalf("cancellation event: %+v", last)
		}
		rev := res.Revoked[0]
		if rev.ReturnedFen != 6_000_000 || rev.ReceivableFen != 4_000_000 || balance(t, db, payLine)-line != 6_000_000 ||
			balance(t, db, store.ReceivableAccount(aw.ID)) != 4_000_000 || awardStatus(t, f, aw.ID) != "revoked" {
			t.Fatalf("revocation: %+v", rev)
		}
		view, err := f.a.Sanction(ctx, f.fin, s.ID)
		if err != nil || len(view.Effects) != 3 || len(view.Referrals) != 1 || !view.Active || view.Sanction.ItemID != it.ID {
			t.Fatalf("decision view: %+v %v", view, err)
		}
		verifyBooks(t, db)
		booksBalance(t, f.payFixture)
		// A resent form changes nothing; the number cannot be reused for another unit.
		n = ledgerSize(t, db)
		again, err := f.a.DecideSanction(ctx, f.miit, in)
		if err != nil || !again.Replay || again.Sanction.ID != s.ID || ledgerSize(t, db) != n {
			t.Fatalf("resent decision: %+v %v", again, err)
		}
		reuse := in
		reuse.OrgID, reuse.ItemID = f.orgs[1].ID, 0
		var ve dtfund.ValidationErrors
		if _, err := f.a.DecideSanction(ctx, f.miit, reuse); !asValidation(err, &ve) && dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("number reused: %v", err)
		}
		// The ban: no new draft, and the rules show it at submission.
		_, err = f.a.StartApplication(ctx, f.ent, f.openCall(t).ID)
		if dtfund.ErrorCode(err) != dtfund.EFORBIDDEN || !strings.Contains(dtfund.ErrorMessage(err), in.DocNumber) ||
			!strings.Contains(dtfund.ErrorMessage(err), "2029-11-02") {
			t.Fatalf("draft while banned: %v", err)
		}
		wantSanctionFinding(t, f, other.ID, org.ID, policy.Fail)
		ref := app.ReferralInput{Authority: "长春市市场监督管理局", ReferredOn: "2026-11-02"}
		for i := 0; i < 2; i++ { // a resent form records once
			if _, err := f.a.AddReferral(ctx, f.miit, s.ID, ref); err != nil {
				t.Fatal(err)
			}
		}
		if v, _ := f.a.Sanction(ctx, f.miit, s.ID); len(v.Referrals) != 2 {
			t.Fatalf("referrals after a resent form: %d, want 2", len(v.Referrals))
		}
		if _, err := f.a.AddReferral(ctx, f.qikai, s.ID, ref); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("district official referring: %v", err)
		}
		// Other districts' officials do not see the decision.
		if _, err := f.a.Sanction(ctx, f.gaoxin, s.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another district reading the decision: %v", err)
		}
		if _, err := f.a.Sanction(ctx, f.qikai, s.ID); err != nil {
			t.Fatalf("own district reading the decision: %v", err)
		}
	})
}

// wantSanctionFinding runs the rules on an application as if it were the
// organisation's and checks the finding of 第十一条（二）.
func wantSanctionFinding(t *testing.T, f *superFixture, appID, orgID int64, want policy.Outcome) {
	t.Helper()
	ctx := context.Background()
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		ap, err := tx.Application(ctx, appID)
		if err != nil {
			return err
		}
		ap.OrgID = orgID
		d, err := app.Decide(ctx, tx, ap)
		if err != nil {
			return err
		}
		for _, fd := range d.Findings {
			if fd.Article == "第十一条（二）" {
				if fd.Outcome != want {
					b, _ := json.Marshal(fd)
					t.Errorf("finding of 第十一条（二）: %s, want %s", b, want)
				}
				return nil
			}
		}
		t.Error("no finding of 第十一条（二）")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (f *superFixture) state(t *testing.T, id int64) dtfund.AppState {
	t.Helper()
	ap, err := f.db.Application(context.Background(), id, store.ApplicationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ap.State
}

// The ban of a decision taken on 2024-01-01 covers 2027-01-01 and no more.
func TestBanBoundaries(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSuperFixture(t, db, 1)
		f.setToday(t, "2024-01-01")
		res, err := f.a.DecideSanction(ctx, f.miit, app.SanctionInput{OrgID: f.orgs[0].ID, Facts: "虚报材料", Article: "第二十条",
			DecidedOn: "2024-01-01", DocNumber: "长工信罚〔2024〕1号", DueDate: "2024-03-01"})
		if err != nil || res.Sanction.BanEnd != "2027-01-01" {
			t.Fatalf("decision: %+v %v", res, err)
		}
		call := f.openCall(t)
		probe := f.app(t, call.ID, f.orgs[1], dtfund.StateSubmitted)
		for _, c := range []struct {
			day    string
			banned bool
		}{{"2026-12-31", true}, {"2027-01-01", true}, {"2027-01-02", false}} {
			f.setToday(t, c.day)
			_, err := f.a.StartApplication(ctx, f.ent, call.ID)
			if got := dtfund.ErrorCode(err) == dtfund.EFORBIDDEN; got != c.banned {
				t.Errorf("starting a draft on %s: %v; banned want %v", c.day, err, c.banned)
			}
			want := policy.Pass
			if c.banned {
				want = policy.Fail
			}
			wantSanctionFinding(t, f, probe.ID, f.orgs[0].ID, want)
		}
	})
}

func TestSanctionValidation(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSuperFixture(t, db, 1)
		var ve dtfund.ValidationErrors
		_, err := f.a.DecideSanction(ctx, f.miit, app.SanctionInput{OrgID: f.orgs[0].ID, DecidedOn: "2023-06-01", DueDate: "2020-01-01",
			Referrals: []app.ReferralInput{{ReferredOn: "2023-05-01"}}})
		if !asValidation(err, &ve) {
			t.Fatalf("empty decision: %v", err)
		}
		for _, field := range []string{"facts", "article", "doc_number", "decided_on", "due_date", "referral.authority", "referral.referred_on"} {
			if ve.ByField()[field] == "" {
				t.Errorf("no error on %s: %v", field, ve)
			}
		}
		// A finding that is not a violation cannot be the basis.
		p, _ := f.a.PlanInspection(ctx, f.miit, app.InspectionInput{Title: "检查", Kind: store.InspectTargeted, AwardIDs: []int64{f.awards[0].ID}})
		_, items, _, _ := f.a.InspectionPlan(ctx, f.miit, p.ID, store.Page{})
		if err := f.a.AssignInspection(ctx, f.miit, items[0].ID, f.inspector.User.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.RecordFinding(ctx, f.inspector, app.FindingInput{ItemID: items[0].ID, Finding: "未发现问题", FoundOn: "2026-11-02"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.DecideSanction(ctx, f.miit, app.SanctionInput{OrgID: f.orgs[0].ID, ItemID: items[0].ID, Facts: "x", Article: "第二十条",
			DecidedOn: "2026-11-02", DocNumber: "X-1", DueDate: "2026-12-31"})
		if de, ok := err.(*dtfund.Error); !ok || de.Field != "item" {
			t.Fatalf("basis without violation: %v", err)
		}
	})
}

// Only a violation decision cancels: the action is refused through Act.
func TestCancelOnlyThroughDecision(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newSuperFixture(t, db, 1)
		ap := f.app(t, f.openCall(t).ID, f.orgs[0], dtfund.StateSubmitted)
		if _, err := f.a.Act(context.Background(), f.miit, app.Step{AppID: ap.ID, Action: dtfund.ActCancel, Reason: "x"}); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("cancel through Act: %v", err)
		}
		if f.state(t, ap.ID) != dtfund.StateSubmitted {
			t.Fatal("refused cancellation changed the state")
		}
	})
}
