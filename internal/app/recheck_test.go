package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
)

// atShanghai is a wall-clock time in Asia/Shanghai ("2006-01-02 15:04").
func atShanghai(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// setClock sets both the database's and the app's clock.
func (f *processFixture) setClock(tm time.Time) {
	f.a.DB.SetClock(func() time.Time { return tm })
	f.a.Now = func() time.Time { return tm }
}

// eligible gives the fixture's organisation the facts of a medium
// enterprise of a pilot industry (central and local funds, 50% up to 50万).
func (f *processFixture) eligible(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	err := f.a.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.ReplaceSizeFacts(ctx, f.org.ID, []dtfund.SizeFact{{Year: 2025, Employees: 320, RevenueFen: 5_200_000_000_00}})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// reviewed creates an application claiming 30万元 of software (so at most
// 15万元 of subsidy) and takes it through the earlier steps to reviewed.
func (f *processFixture) reviewed(t *testing.T, decl dtfund.Declarations) *dtfund.Application {
	t.Helper()
	ctx := context.Background()
	ap := &dtfund.Application{CallID: f.call.ID, OrgID: f.org.ID, DistrictCode: f.org.DistrictCode, State: dtfund.StateDraft,
		Title: "MES 改造", RequestedFen: 15_000_000, Declarations: decl,
		Spending: []dtfund.Spending{{Type: "software", Supplier: "某软件公司", AmountFen: 30_000_000, InvoiceNo: "INV-" + time.Now().Format("150405.000000"),
			ContractDate: "2026-01-05", InvoiceDate: "2026-01-10", PaymentDate: "2026-01-20"}}}
	if err := f.a.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateApplication(ctx, ap) }); err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		who app.Actor
		act dtfund.AppAction
	}{{f.applicant, dtfund.ActSubmit}, {f.district, dtfund.ActRecommend}, {f.city, dtfund.ActStartReview}, {f.city, dtfund.ActPassReview}} {
		if _, err := f.a.Act(ctx, s.who, app.Step{AppID: ap.ID, Action: s.act}); err != nil {
			t.Fatalf("%s: %v", s.act, err)
		}
	}
	got, err := f.a.Application(ctx, f.city, ap.ID)
	if err != nil || got.State != dtfund.StateReviewed {
		t.Fatalf("setup: %v, %v", got, err)
	}
	return got
}

// rechecked takes a reviewed application through both passing signatures.
func (f *processFixture) rechecked(t *testing.T) *dtfund.Application {
	t.Helper()
	ap := f.reviewed(t, dtfund.Declarations{Integrity: true, TaxCompliant: true, NoMajorIncident: true})
	for _, who := range []app.Actor{f.city, f.finance} {
		if _, err := f.a.SignRecheck(context.Background(), who, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "材料齐全，资格符合"}); err != nil {
			t.Fatalf("sign as %s: %v", who.User.Role, err)
		}
	}
	return ap
}

func (f *processFixture) state(t *testing.T, id int64) dtfund.AppState {
	t.Helper()
	got, err := f.a.Application(context.Background(), f.city, id)
	if err != nil {
		t.Fatal(err)
	}
	return got.State
}

func TestRecheckNeedsBothSignatures(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		f.eligible(t)
		ap := f.reviewed(t, dtfund.Declarations{})
		before, _ := db.Events(ctx, ap.ID)

		// The first signature records only the signature.
		got, err := f.a.SignRecheck(ctx, f.city, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "同意"})
		if err != nil || got.State != dtfund.StateReviewed {
			t.Fatalf("first signature: %v, %v; want still reviewed", got, err)
		}
		events, _ := db.Events(ctx, ap.ID)
		last := events[len(events)-1]
		if len(events) != len(before)+1 || last.Action != "recheck_sign" || last.From != dtfund.StateReviewed ||
			last.To != dtfund.StateReviewed || !strings.Contains(last.Reason, "同意") {
			t.Fatalf("timeline after the first signature: %+v", last)
		}
		if audit, _ := db.FindAudit(ctx, store.AuditFilter{ObjectType: "application"}); audit[0].Action != "application.recheck_sign" {
			t.Fatalf("first signature not audited: %s", audit[0].Action)
		}
		// The same bureau cannot sign twice.
		if _, err := f.a.SignRecheck(ctx, f.city, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "再签"}); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("second signature of the same bureau: %v, want conflict", err)
		}
		if sigs, _ := db.RecheckSignatures(ctx, ap.ID); len(sigs) != 1 {
			t.Fatalf("signatures = %d, want 1", len(sigs))
		}
		// The other bureau's passing signature passes the re-check.
		got, err = f.a.SignRecheck(ctx, f.finance, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "资金渠道无误"})
		if err != nil || got.State != dtfund.StateRechecked {
			t.Fatalf("second signature: %v, %v; want rechecked", got, err)
		}
		res, err := db.RecheckResult(ctx, ap.ID)
		if err != nil || res.FundSource != store.FundCentral || !res.HasCap || res.MaxSubsidyFen != 15_000_000 {
			t.Fatalf("re-check result = %+v, %v; want central, max 15万元", res, err)
		}
		events, _ = db.Events(ctx, ap.ID)
		last = events[len(events)-1]
		if last.Action != string(dtfund.ActRecheckPass) || last.Citation != "第十四条（四）" || !strings.Contains(last.Reason, "资金渠道无误") {
			t.Fatalf("timeline after the second signature: %+v", last)
		}
	})
}

func TestRecheckFailingSignatureFails(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		f.eligible(t)
		ap := f.reviewed(t, dtfund.Declarations{})
		if _, err := f.a.SignRecheck(ctx, f.city, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "同意"}); err != nil {
			t.Fatal(err)
		}
		got, err := f.a.SignRecheck(ctx, f.finance, app.RecheckSign{AppID: ap.ID, Pass: false, Opinion: "发票与合同金额不一致"})
		if err != nil || got.State != dtfund.StateRecheckFailed {
			t.Fatalf("failing signature: %v, %v", got, err)
		}
		events, _ := db.Events(ctx, ap.ID)
		if last := events[len(events)-1]; last.Action != string(dtfund.ActRecheckFail) || last.Reason != "发票与合同金额不一致" {
			t.Fatalf("timeline: %+v", last)
		}
		if _, err := db.RecheckResult(ctx, ap.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("a failed re-check has a result: %v", err)
		}
		// A failing first signature fails at once.
		ap2 := f.reviewed(t, dtfund.Declarations{})
		if got, err := f.a.SignRecheck(ctx, f.finance, app.RecheckSign{AppID: ap2.ID, Opinion: "不符合"}); err != nil || got.State != dtfund.StateRecheckFailed {
			t.Fatalf("failing first signature: %v, %v", got, err)
		}
	})
}

func TestRecheckRefusesPassAfterSeriousDishonesty(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		f.eligible(t)
		ap := f.reviewed(t, dtfund.Declarations{})
		if _, err := f.a.SignRecheck(ctx, f.city, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "同意"}); err != nil {
			t.Fatal(err)
		}
		// Put on the serious-dishonesty list after submitting.
		if _, err := f.a.AddCreditRecord(ctx, f.city, app.CreditInput{OrgID: f.org.ID, Kind: string(policy.CreditSeriousDishonesty),
			StartDate: calendar.DateOf(time.Now()).String(), StillListed: true, Source: "信用中国"}); err != nil {
			t.Fatal(err)
		}
		eventsBefore, _ := db.Events(ctx, ap.ID)
		info, err := f.a.Recheck(ctx, f.finance, ap.ID)
		if err != nil || info.Decision == nil || info.Decision.CentralEligible || info.Decision.LocalEligible || !info.CanSign {
			t.Fatalf("re-check page decision: %+v, %v", info, err)
		}
		_, err = f.a.SignRecheck(ctx, f.finance, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "同意"})
		var de *dtfund.Error
		if !asError(err, &de) || de.Field != "pass" || !strings.Contains(de.Message, "第十一条（一）") || !strings.Contains(de.Message, "严重失信") {
			t.Fatalf("pass after listing: %v; want a refusal naming 第十一条（一）", err)
		}
		eventsAfter, _ := db.Events(ctx, ap.ID)
		sigs, _ := db.RecheckSignatures(ctx, ap.ID)
		if f.state(t, ap.ID) != dtfund.StateReviewed || len(eventsAfter) != len(eventsBefore) || len(sigs) != 1 {
			t.Fatalf("refused pass wrote: state %s, %d events (was %d), %d signatures", f.state(t, ap.ID), len(eventsAfter), len(eventsBefore), len(sigs))
		}
		// A failing signature goes through and stores the decision it saw.
		if _, err := f.a.SignRecheck(ctx, f.finance, app.RecheckSign{AppID: ap.ID, Opinion: "已列入严重失信主体名单"}); err != nil {
			t.Fatal(err)
		}
		got, _ := f.a.Application(ctx, f.city, ap.ID)
		var d policy.Decision
		if err := json.Unmarshal([]byte(got.DecisionJSON), &d); err != nil || d.CentralEligible || d.LocalEligible {
			t.Fatalf("stored decision after failing re-check: %+v, %v", d, err)
		}
	})
}

func TestRecheckRefusalsChangeNothing(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		f.eligible(t)
		ap := f.reviewed(t, dtfund.Declarations{})
		var de *dtfund.Error
		if _, err := f.a.SignRecheck(ctx, f.city, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "  "}); !asError(err, &de) || de.Field != "opinion" {
			t.Fatalf("empty opinion: %v", err)
		}
		if _, err := f.a.SignRecheck(ctx, f.district, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "同意"}); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("district official signing: %v", err)
		}
		draft := f.draft(t)
		if _, err := f.a.SignRecheck(ctx, f.city, app.RecheckSign{AppID: draft.ID, Pass: true, Opinion: "同意"}); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("signing a draft: %v, want not found", err)
		}
		if sigs, _ := db.RecheckSignatures(ctx, ap.ID); len(sigs) != 0 || f.state(t, ap.ID) != dtfund.StateReviewed {
			t.Fatalf("refusals wrote %d signatures", len(sigs))
		}
		// A resent form with the same key signs once.
		for i := 0; i < 2; i++ {
			if _, err := f.a.SignRecheck(ctx, f.city, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "同意", IdempotencyKey: "k1"}); err != nil {
				t.Fatalf("signature %d: %v", i+1, err)
			}
		}
		if sigs, _ := db.RecheckSignatures(ctx, ap.ID); len(sigs) != 1 {
			t.Fatalf("resent signature: %d signatures, want 1", len(sigs))
		}
		apps, total, sigs, err := f.a.RecheckQueue(ctx, f.finance, store.Page{})
		if err != nil || total != 1 || apps[0].ID != ap.ID || len(sigs[ap.ID]) != 1 {
			t.Fatalf("queue: %d apps, %v", total, err)
		}
	})
}

func TestRecheckFundSourceLocal(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		f.eligible(t)
		// A 2022-programme pilot is excluded from central funds only (第十条（二）).
		ap := f.reviewed(t, dtfund.Declarations{Pilot2022: true})
		for _, who := range []app.Actor{f.city, f.finance} {
			if _, err := f.a.SignRecheck(ctx, who, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "同意"}); err != nil {
				t.Fatal(err)
			}
		}
		if res, err := db.RecheckResult(ctx, ap.ID); err != nil || res.FundSource != store.FundLocal {
			t.Fatalf("fund source = %+v, %v; want local", res, err)
		}
	})
}

func asError(err error, target **dtfund.Error) bool {
	e, ok := err.(*dtfund.Error)
	*target = e
	return ok
}
