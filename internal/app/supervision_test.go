package app_test

import (
	"context"
	"strconv"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// superFixture is a payFixture (awards in 汽开区, 高新区 and outside
// Changchun) with the district industry bureaus, a third-party inspector
// and the recipient's own user.
type superFixture struct {
	*payFixture
	qikai, gaoxin app.Actor // district_miit of 220174 and 220173
	inspector     app.Actor
	inspector2    app.Actor
	ent           app.Actor // applicant of orgs[0]
}

func newSuperFixture(t *testing.T, db *store.DB, n int) *superFixture {
	t.Helper()
	f := &superFixture{payFixture: newPayFixture(t, db, n)}
	f.a.FilesDir = t.TempDir()
	f.qikai = f.user(t, "qikai_gx", dtfund.RoleDistrictMIIT, "220174", 0)
	f.gaoxin = f.user(t, "gaoxin_gx", dtfund.RoleDistrictMIIT, "220173", 0)
	f.inspector = f.user(t, "hecha1", dtfund.RoleInspector, "", 0)
	f.inspector2 = f.user(t, "hecha2", dtfund.RoleInspector, "", 0)
	f.ent = f.user(t, "ent0", dtfund.RoleApplicant, "", f.orgs[0].ID)
	return f
}

func (f *superFixture) user(t *testing.T, name string, role dtfund.Role, district string, org int64) app.Actor {
	t.Helper()
	u := &dtfund.User{Username: name, DisplayName: name, Role: role, DistrictCode: district, OrgID: org}
	if err := f.a.CreateUser(context.Background(), app.SystemActor("test"), u, "Passw0rdLong"); err != nil {
		t.Fatal(err)
	}
	return app.Actor{User: u}
}

// partlyPaid pays fen of the award out to its recipient (through the
// district), leaving the rest of the commitment unpaid.
func (f *superFixture) partlyPaid(t *testing.T, aw *store.Award, fen int64) {
	t.Helper()
	b := f.paidBatch(t, map[int64]int64{aw.ID: fen})
	in := f.instructions(t, b.ID)[0]
	if _, err := f.a.RecordPayout(context.Background(), f.dfinA, in.ID, "PAY-"+strconv.FormatInt(in.ID, 10)); err != nil {
		t.Fatal(err)
	}
}

func (f *superFixture) deviation(t *testing.T, aw *store.Award) *store.SupervisionCase {
	t.Helper()
	c, err := f.a.RecordDeviation(context.Background(), f.qikai, app.DeviationInput{AwardID: aw.ID, Goal: "设备联网率 85%",
		Facts: "截至检查日设备联网率仅 40%，MES 尚未上线", FoundOn: "2026-11-01"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSupervisionScopeAndRoles(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSuperFixture(t, db, 3)
		aw := f.awards[0] // 汽开区
		in := app.DeviationInput{AwardID: aw.ID, Facts: "进度滞后", FoundOn: "2026-11-01"}
		if _, err := f.a.RecordDeviation(ctx, f.gaoxin, in); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another district's official: %v, want not found", err)
		}
		for _, who := range []app.Actor{f.fin, f.ent, f.inspector, f.dfinA} {
			if _, err := f.a.RecordDeviation(ctx, who, in); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
				t.Fatalf("%s recording a deviation: %v, want forbidden", who.User.Role, err)
			}
		}
		var ve dtfund.ValidationErrors
		bad := app.DeviationInput{AwardID: aw.ID, FoundOn: "2099-01-01"}
		if _, err := f.a.RecordDeviation(ctx, f.qikai, bad); !asValidation(err, &ve) || ve.ByField()["facts"] == "" || ve.ByField()["found_on"] == "" {
			t.Fatalf("empty facts and a future date: %v", err)
		}
		c, err := f.a.RecordDeviation(ctx, f.qikai, in)
		if err != nil || c.State != store.CaseOpen || c.DistrictCode != "220174" {
			t.Fatalf("deviation: %+v %v", c, err)
		}
		if again, err := f.a.RecordDeviation(ctx, f.qikai, in); err != nil || again.ID != c.ID {
			t.Fatalf("resent deviation form: %+v %v; want the same case", again, err)
		}
		other := in
		other.Facts = "另一偏离"
		if _, err := f.a.RecordDeviation(ctx, f.qikai, other); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("second live case of one award: %v", err)
		}
		// The award outside Changchun has no district: the city bureau supervises it.
		if _, err := f.a.RecordDeviation(ctx, f.qikai, app.DeviationInput{AwardID: f.awards[2].ID, Facts: "x", FoundOn: "2026-11-01"}); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("district official on an award outside Changchun: %v", err)
		}
		if _, err := f.a.RecordDeviation(ctx, f.miit, app.DeviationInput{AwardID: f.awards[2].ID, Facts: "x", FoundOn: "2026-11-01"}); err != nil {
			t.Fatalf("city bureau on an award outside Changchun: %v", err)
		}
		if _, err := f.a.Case(ctx, f.gaoxin, c.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another district reading the case: %v", err)
		}
		if _, err := f.a.IssueRectification(ctx, f.gaoxin, app.OrderInput{CaseID: c.ID, Requirement: "整改", Deadline: "2026-12-01"}); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another district ordering: %v", err)
		}
		if _, err := f.a.SuspendProject(ctx, f.gaoxin, app.StepInput{CaseID: c.ID, Reason: "x", On: "2026-11-02"}); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another district suspending: %v", err)
		}
		for who, want := range map[*app.Actor]int{&f.qikai: 1, &f.gaoxin: 0, &f.miit: 2, &f.fin: 2} {
			if _, n, err := f.a.FindCases(ctx, *who, store.CaseFilter{}); err != nil || n != want {
				t.Errorf("%s sees %d cases, %v; want %d", who.User.Username, n, err, want)
			}
		}
		if _, _, err := f.a.FindCases(ctx, f.ent, store.CaseFilter{}); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("applicant listing cases: %v", err)
		}
		evs, err := f.a.Case(ctx, f.qikai, c.ID)
		if err != nil || len(evs.Events) != 1 || evs.Events[0].Article != "第十八条" || evs.Events[0].Kind != "deviation" {
			t.Fatalf("timeline: %+v %v", evs, err)
		}
	})
}

// A suspension freezes the unpaid commitment in the ledger and holds the
// award's payments; lifting it restores both. The books stay verified.
func TestSuspensionFreezesAndLiftRestores(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSuperFixture(t, db, 1)
		aw := f.awards[0]
		f.partlyPaid(t, aw, 4_000_000)
		// An instruction in transit and one planned, both before the suspension.
		transit := f.instructions(t, f.paidBatch(t, map[int64]int64{aw.ID: 1_000_000}).ID)[0]
		p, err := f.a.ProposePlan(ctx, f.miit, app.PlanInput{Year: 2026, Title: "第二批", Items: []store.PlanItem{{AwardID: aw.ID, AmountFen: 2_000_000}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.a.DecidePlan(ctx, f.fin, p.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		pending, err := f.a.CreatePaymentBatch(ctx, f.fin, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		c := f.deviation(t, aw)
		var ve dtfund.ValidationErrors
		if _, err := f.a.IssueRectification(ctx, f.qikai, app.OrderInput{CaseID: c.ID, Requirement: "上线 MES", Deadline: "2026-11-01"}); !asValidation(err, &ve) && dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("deadline before today: %v", err)
		}
		o, err := f.a.IssueRectification(ctx, f.qikai, app.OrderInput{CaseID: c.ID, Requirement: "上线 MES 并提交联网率报告", Deadline: "2026-11-30"})
		if err != nil {
			t.Fatal(err)
		}
		if again, err := f.a.IssueRectification(ctx, f.qikai, app.OrderInput{CaseID: c.ID, Requirement: "上线 MES 并提交联网率报告", Deadline: "2026-11-30"}); err != nil || again.ID != o.ID {
			t.Fatalf("resent order form: %+v %v; want the same order", again, err)
		}
		if st := caseState(t, f, c.ID); st != store.CaseRectifying {
			t.Fatalf("after the order: %s", st)
		}
		if _, err := f.a.SuspendProject(ctx, f.fin, app.StepInput{CaseID: c.ID, Reason: "x", On: "2026-11-02"}); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("finance suspending: %v", err)
		}
		res, err := f.a.SuspendProject(ctx, f.qikai, app.StepInput{CaseID: c.ID, Reason: "偏离严重，暂缓执行", On: "2026-11-02"})
		if err != nil || res.AmountFen != 5_000_000 || res.Replay {
			t.Fatalf("suspend: %+v %v; want the unpaid 5万 frozen", res, err)
		}
		if balance(t, db, store.FrozenAccount(aw.ID)) != 5_000_000 || balance(t, db, store.CommitmentAccount(aw.ID)) != 0 {
			t.Fatal("frozen money not moved out of the commitment")
		}
		if st := awardStatus(t, f, aw.ID); st != "suspended" {
			t.Fatalf("award status %s, want suspended", st)
		}
		verifyBooks(t, db)
		booksBalance(t, f.payFixture)
		n := ledgerSize(t, db)
		if res, err := f.a.SuspendProject(ctx, f.qikai, app.StepInput{CaseID: c.ID, Reason: "再次", On: "2026-11-02"}); err != nil || !res.Replay || ledgerSize(t, db) != n {
			t.Fatalf("suspending again: %+v %v; want a no-op", res, err)
		}
		// Payments are held: a pending instruction is held at issue, money in
		// transit is not paid out, no new plan may include the award.
		if r, err := f.a.IssueBatch(ctx, f.fin, pending.ID); err != nil || r.Issued != 0 || len(r.Held) != 1 {
			t.Fatalf("issue while suspended: %+v %v", r, err)
		}
		if _, err := f.a.RecordPayout(ctx, f.dfinA, transit.ID, "HOLD-1"); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("payout while suspended: %v", err)
		}
		if _, err := f.a.ProposePlan(ctx, f.miit, app.PlanInput{Year: 2026, Title: "x", Items: []store.PlanItem{{AwardID: aw.ID, AmountFen: 1}}}); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("plan for a suspended award: %v", err)
		}
		if ledgerSize(t, db) != n {
			t.Fatal("held payments posted")
		}
		lift, err := f.a.LiftSuspension(ctx, f.qikai, app.StepInput{CaseID: c.ID, Reason: "已制定整改计划", On: "2026-11-02"})
		if err != nil || lift.AmountFen != 5_000_000 {
			t.Fatalf("lift: %+v %v", lift, err)
		}
		if balance(t, db, store.FrozenAccount(aw.ID)) != 0 || balance(t, db, store.CommitmentAccount(aw.ID)) != 5_000_000 || awardStatus(t, f, aw.ID) != "active" {
			t.Fatal("lifting did not restore the commitment and the status")
		}
		if st := caseState(t, f, c.ID); st != store.CaseRectifying {
			t.Fatalf("after lifting with an open order: %s", st)
		}
		if _, err := f.a.RecordPayout(ctx, f.dfinA, transit.ID, "PAY-AFTER"); err != nil {
			t.Fatalf("payout after lifting: %v", err)
		}
		if _, err := f.a.RecordRectification(ctx, f.qikai, app.ResultInput{CaseID: c.ID, OrderID: o.ID, Accepted: true, Note: "MES 已上线，联网率 88%", On: "2026-11-02"}); err != nil {
			t.Fatal(err)
		}
		if st := caseState(t, f, c.ID); st != store.CaseRectified {
			t.Fatalf("after the accepted result: %s", st)
		}
		if _, err := f.a.SuspendProject(ctx, f.qikai, app.StepInput{CaseID: c.ID, Reason: "x", On: "2026-11-02"}); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("suspending a closed case: %v", err)
		}
		verifyBooks(t, db)
		booksBalance(t, f.payFixture)
		v, _ := f.a.Case(ctx, f.miit, c.ID)
		kinds := ""
		for _, e := range v.Events {
			kinds += e.Kind + " "
			if e.Article != "第十八条" {
				t.Errorf("step %s cites %q", e.Kind, e.Article)
			}
		}
		if kinds != "deviation order suspend lift result " {
			t.Fatalf("timeline %q", kinds)
		}
	})
}

// Stopping a suspended project revokes the award: the frozen money goes
// back to the line, what was paid out becomes a receivable.
func TestStopRevokesAndRecoversFrozenMoney(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSuperFixture(t, db, 1)
		aw := f.awards[0]
		f.partlyPaid(t, aw, 4_000_000)
		c := f.deviation(t, aw)
		if _, err := f.a.SuspendProject(ctx, f.qikai, app.StepInput{CaseID: c.ID, Reason: "暂缓", On: "2026-11-02"}); err != nil {
			t.Fatal(err)
		}
		line := balance(t, db, payLine)
		if _, err := f.a.StopProject(ctx, f.qikai, app.StepInput{CaseID: c.ID, Reason: "企业终止改造", On: "2026-11-02"}); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("stop without due date: %v", err)
		}
		rev, err := f.a.StopProject(ctx, f.qikai, app.StepInput{CaseID: c.ID, Reason: "企业终止改造", On: "2026-11-02", DueDate: "2026-12-31"})
		if err != nil || rev.ReturnedFen != 6_000_000 || rev.ReceivableFen != 4_000_000 || rev.Article != "第十八条" {
			t.Fatalf("stop: %+v %v", rev, err)
		}
		if balance(t, db, payLine)-line != 6_000_000 || balance(t, db, store.FrozenAccount(aw.ID)) != 0 ||
			balance(t, db, store.ReceivableAccount(aw.ID)) != 4_000_000 {
			t.Fatal("stop left money in the wrong accounts")
		}
		if st := caseState(t, f, c.ID); st != store.CaseStopped {
			t.Fatalf("case after stop: %s", st)
		}
		if awardStatus(t, f, aw.ID) != "revoked" {
			t.Fatal("award not revoked")
		}
		if _, err := f.a.LiftSuspension(ctx, f.qikai, app.StepInput{CaseID: c.ID, Reason: "x", On: "2026-11-02"}); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("lifting a stopped case: %v", err)
		}
		verifyBooks(t, db)
		booksBalance(t, f.payFixture)
	})
}

// Revoking a suspended award on the award page returns its frozen money and
// ends its case.
func TestRevokeSuspendedAwardReturnsFrozen(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSuperFixture(t, db, 1)
		aw := f.awards[0]
		c := f.deviation(t, aw)
		if _, err := f.a.SuspendProject(ctx, f.qikai, app.StepInput{CaseID: c.ID, Reason: "暂缓", On: "2026-11-02"}); err != nil {
			t.Fatal(err)
		}
		rev, err := f.a.RevokeAward(ctx, f.miit, app.RevokeInput{AwardID: aw.ID, Reason: "虚报", Article: "第二十条", DueDate: "2026-12-31"})
		if err != nil || rev.ReturnedFen != 10_000_000 || balance(t, db, store.FrozenAccount(aw.ID)) != 0 {
			t.Fatalf("revoke of a suspended award: %+v %v", rev, err)
		}
		if st := caseState(t, f, c.ID); st != store.CaseStopped {
			t.Fatalf("case of a revoked award: %s", st)
		}
		verifyBooks(t, db)
		booksBalance(t, f.payFixture)
	})
}

func TestOverdueRectificationOrders(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSuperFixture(t, db, 2)
		c := f.deviation(t, f.awards[0])
		o, err := f.a.IssueRectification(ctx, f.qikai, app.OrderInput{CaseID: c.ID, Requirement: "报送整改方案", Deadline: "2026-11-02"})
		if err != nil {
			t.Fatal(err)
		}
		count := func(who app.Actor) int {
			t.Helper()
			n, err := f.a.OverdueRectifications(ctx, who)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if count(f.qikai) != 0 {
			t.Fatal("an order due today is not overdue yet")
		}
		f.setToday(t, "2026-11-03")
		if count(f.qikai) != 1 || count(f.gaoxin) != 0 || count(f.miit) != 1 {
			t.Fatalf("overdue the day after: qikai %d gaoxin %d city %d", count(f.qikai), count(f.gaoxin), count(f.miit))
		}
		if _, n, _ := f.a.FindCases(ctx, f.qikai, store.CaseFilter{OverdueOnly: true}); n != 1 {
			t.Fatalf("overdue filter: %d", n)
		}
		if _, err := f.a.OverdueRectifications(ctx, f.fin); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("finance: %v", err)
		}
		if _, err := f.a.RecordRectification(ctx, f.qikai, app.ResultInput{CaseID: c.ID, OrderID: o.ID, Note: "未报送", On: "2026-11-01"}); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("result dated before the order: %v", err)
		}
		if _, err := f.a.RecordRectification(ctx, f.qikai, app.ResultInput{CaseID: c.ID, OrderID: o.ID, Note: "逾期未报送整改方案", On: "2026-11-03"}); err != nil {
			t.Fatal(err)
		}
		if count(f.qikai) != 0 || caseState(t, f, c.ID) != store.CaseRectifying {
			t.Fatal("a rejected result still counts as overdue, or closed the case")
		}
		if _, err := f.a.RecordRectification(ctx, f.qikai, app.ResultInput{CaseID: c.ID, OrderID: o.ID, Accepted: true, Note: "x", On: "2026-11-03"}); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("second result: %v", err)
		}
	})
}

func caseState(t *testing.T, f *superFixture, id int64) string {
	t.Helper()
	v, err := f.a.Case(context.Background(), f.miit, id)
	if err != nil {
		t.Fatal(err)
	}
	return v.Case.State
}

func awardStatus(t *testing.T, f *superFixture, id int64) string {
	t.Helper()
	aws, _, _, err := f.db.FindAwards(context.Background(), store.AwardFilter{ID: id})
	if err != nil || len(aws) != 1 {
		t.Fatalf("award %d: %v", id, err)
	}
	return aws[0].Status
}
