package app_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/uscc"
)

// processFixture has one call, an applicant organisation in 汽开区 with its
// user, and officials of that district and of another.
type processFixture struct {
	a                          *app.App
	call                       *dtfund.Call
	org                        *dtfund.Organization
	applicant, district, other app.Actor
	city, finance              app.Actor
}

func newProcessFixture(t *testing.T, db *store.DB) *processFixture {
	t.Helper()
	ctx := context.Background()
	f := &processFixture{a: newApp(db)}
	sys := app.SystemActor("test")
	r := rand.New(rand.NewPCG(9, 9))
	f.org = &dtfund.Organization{USCC: uscc.Generate(r, '9', '1', "220174"), Name: "甲公司", Kind: dtfund.OrgEnterprise,
		LegalPerson: true, RegionCode: "220174", DistrictCode: "220174", IndustryCode: "3670", IsApplicant: true}
	if err := f.a.CreateOrganization(ctx, sys, f.org); err != nil {
		t.Fatal(err)
	}
	mk := func(name string, role dtfund.Role, district string, org int64) app.Actor {
		u := &dtfund.User{Username: name, DisplayName: name, Role: role, DistrictCode: district, OrgID: org}
		if err := f.a.CreateUser(ctx, sys, u, "Passw0rdLong"); err != nil {
			t.Fatal(err)
		}
		return app.Actor{User: u}
	}
	f.applicant = mk("ent", dtfund.RoleApplicant, "", f.org.ID)
	f.district = mk("qixian", dtfund.RoleDistrictMIIT, "220174", 0)
	f.other = mk("gaoxin", dtfund.RoleDistrictMIIT, "220173", 0)
	f.city = mk("city", dtfund.RoleCityMIIT, "", 0)
	f.finance = mk("fin", dtfund.RoleCityFinance, "", 0)
	now := time.Now()
	f.call = &dtfund.Call{Category: "7.1", Title: "数字化改造", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour),
		WindowFrom: "2025-12-29", WindowTo: "2026-12-31",
		Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCall(ctx, f.call) }); err != nil {
		t.Fatal(err)
	}
	return f
}

// draft inserts a draft application directly.
func (f *processFixture) draft(t *testing.T) *dtfund.Application {
	t.Helper()
	ctx := context.Background()
	ap := &dtfund.Application{CallID: f.call.ID, OrgID: f.org.ID, DistrictCode: f.org.DistrictCode, State: dtfund.StateDraft,
		Title: "MES 改造", Spending: []dtfund.Spending{{Type: "software", AmountFen: 100, InvoiceNo: "INV-1"}}}
	if err := f.a.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateApplication(ctx, ap) }); err != nil {
		t.Fatal(err)
	}
	return ap
}

func TestActMovesStateWithEventAuditAndNotification(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		ap := f.draft(t)
		got, err := f.a.Act(ctx, f.applicant, app.Step{AppID: ap.ID, Action: dtfund.ActSubmit})
		if err != nil || got.State != dtfund.StateSubmitted {
			t.Fatalf("submit: %v, %v", got, err)
		}
		// Another district's official does not even see it.
		if _, err := f.a.Act(ctx, f.other, app.Step{AppID: ap.ID, Action: dtfund.ActRecommend}); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("other district recommending: %v, want not found", err)
		}
		// The right official returns it with a reason.
		if _, err := f.a.Act(ctx, f.district, app.Step{AppID: ap.ID, Action: dtfund.ActReturn, Reason: "缺少发票"}); err != nil {
			t.Fatal(err)
		}
		events, err := f.a.Events(ctx, f.applicant, ap.ID)
		if err != nil || len(events) != 2 || events[1].Reason != "缺少发票" || events[1].Citation != "第十四条（二）" || events[1].To != dtfund.StateReturned {
			t.Fatalf("timeline = %+v, %v", events, err)
		}
		ns, err := db.Notifications(ctx, f.applicant.User.ID, f.org.ID, store.Page{})
		if err != nil || len(ns) != 2 {
			t.Fatalf("notifications = %d, %v; want 2", len(ns), err)
		}
		audit, _ := db.FindAudit(ctx, store.AuditFilter{ObjectType: "application"})
		if len(audit) != 2 {
			t.Fatalf("audit records = %d, want 2", len(audit))
		}
	})
}

func TestActRefusalChangesNothing(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		ap := f.draft(t)
		// A district official cannot see a draft at all.
		if _, err := f.a.Act(ctx, f.district, app.Step{AppID: ap.ID, Action: dtfund.ActRecommend}); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("recommending a draft: %v", err)
		}
		boom := dtfund.Errorf(dtfund.EINVALID, "不行")
		_, err := f.a.Act(ctx, f.applicant, app.Step{AppID: ap.ID, Action: dtfund.ActSubmit,
			Before: func(context.Context, *store.Tx, *dtfund.Application, dtfund.AppState) error { return boom }})
		if err != boom {
			t.Fatalf("Before's refusal: %v", err)
		}
		got, _ := f.a.Application(ctx, f.applicant, ap.ID)
		events, _ := db.Events(ctx, ap.ID)
		if got.State != dtfund.StateDraft || len(events) != 0 {
			t.Fatalf("refused action wrote: state %s, %d events", got.State, len(events))
		}
	})
}

func TestActIdempotent(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		ap := f.draft(t)
		for i := 0; i < 3; i++ {
			got, err := f.a.Act(ctx, f.applicant, app.Step{AppID: ap.ID, Action: dtfund.ActSubmit, IdempotencyKey: "form-123"})
			if err != nil || got.State != dtfund.StateSubmitted {
				t.Fatalf("submission %d: %v, %v", i+1, got, err)
			}
		}
		events, _ := db.Events(ctx, ap.ID)
		if len(events) != 1 {
			t.Fatalf("three identical submissions wrote %d events, want 1", len(events))
		}
		// Without the key a second submission is refused as a conflict.
		if _, err := f.a.Act(ctx, f.applicant, app.Step{AppID: ap.ID, Action: dtfund.ActSubmit}); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("second submission without key: %v", err)
		}
	})
}
