package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
)

// projFixture is the payment fixture (three awards of 10万元: 汽开区, 高新区,
// outside Changchun; approved 2026-10-13 without a publicity list; today
// 2026-11-02) with each award's project made by the backfill, an applicant
// account per organisation and the district bureaus of 汽开区 and 高新区.
type projFixture struct {
	*payFixture
	projects   []*store.Project
	applicants []app.Actor
	qixian     app.Actor // 汽开区工信
	gaoxin     app.Actor // 高新区工信
	expert     app.Actor
}

func newProjFixture(t *testing.T, db *store.DB) *projFixture {
	t.Helper()
	ctx := context.Background()
	f := &projFixture{payFixture: newPayFixture(t, db, 3)}
	f.a.FilesDir = t.TempDir()
	n, err := f.a.EnsureProjects(ctx)
	if err != nil || n != 3 {
		t.Fatalf("backfill: %d, %v; want 3 projects", n, err)
	}
	mk := func(name string, role dtfund.Role, district string, org int64) app.Actor {
		u := &dtfund.User{Username: name, DisplayName: name, Role: role, DistrictCode: district, OrgID: org}
		if err := f.a.CreateUser(ctx, app.SystemActor("test"), u, "Passw0rdLong"); err != nil {
			t.Fatal(err)
		}
		return app.Actor{User: u}
	}
	for i, aw := range f.awards {
		p, err := db.ProjectOfAward(ctx, aw.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.projects = append(f.projects, p)
		f.applicants = append(f.applicants, mk("ent"+itoaInt(i), dtfund.RoleApplicant, "", f.orgs[i].ID))
	}
	f.qixian = mk("qixian", dtfund.RoleDistrictMIIT, "220174", 0)
	f.gaoxin = mk("gaoxin", dtfund.RoleDistrictMIIT, "220173", 0)
	f.expert = mk("zhuanjia", dtfund.RoleExpert, "", 0)
	return f
}

func itoaInt(i int) string { return string(rune('0' + i)) }

func (f *projFixture) project(t *testing.T, i int) *store.Project {
	t.Helper()
	p, err := f.db.Project(context.Background(), f.projects[i].ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// ready gives project i goals, a self-evaluation and asks for acceptance.
func (f *projFixture) ready(t *testing.T, i int) {
	t.Helper()
	ctx := context.Background()
	who, id := f.applicants[i], f.projects[i].ID
	if err := f.a.SaveProjectGoals(ctx, who, id, []store.ProjectGoal{{Indicator: "设备联网率", Baseline: "30%", Target: "85%"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.a.SaveSelfEvaluation(ctx, who, app.SelfEvaluation{ProjectID: id, Actuals: map[int]string{1: "88%"}, Narrative: "已完成全部改造内容"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.RequestAcceptance(ctx, who, id, ""); err != nil {
		t.Fatal(err)
	}
}

// assess enters an 'after' assessment from a third-party report.
func (f *projFixture) assess(t *testing.T, i, level int, score int64, on string) {
	t.Helper()
	ctx := context.Background()
	p := f.projects[i]
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateAssessment(ctx, &store.Assessment{ApplicationID: p.ApplicationID, OrgID: p.OrgID, Phase: store.PhaseAfter,
			AssessedOn: on, Assessor: "某评测机构", ReportNo: "PC-" + on, Source: "report", ScoreCenti: score, Level: level})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (f *projFixture) accept(i int, pass bool, due string) (*app.AcceptanceResult, error) {
	return f.a.RecordAcceptance(context.Background(), f.miit, app.AcceptanceInput{ProjectID: f.projects[i].ID, HeldOn: "2026-11-02",
		Experts: []string{"张工", "李教授", "王高工"}, Opinion: "改造内容已按方案实施，运行稳定。", Pass: pass, DueDate: due})
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if dtfund.ErrorCode(err) != code {
		t.Fatalf("%s: %v (code %s), want %s", what, err, dtfund.ErrorCode(err), code)
	}
}

// wantField checks a refusal names the field and says each text.
func wantField(t *testing.T, what string, err error, field string, texts ...string) {
	t.Helper()
	var msg string
	var ve dtfund.ValidationErrors
	var de *dtfund.Error
	switch {
	case asValidation(err, &ve) && ve.ByField()[field] != "":
		msg = ve.ByField()[field]
	case asError(err, &de) && de.Field == field:
		msg = de.Message
	default:
		t.Fatalf("%s: %v, want an error on field %s", what, err, field)
	}
	for _, s := range texts {
		if !strings.Contains(msg, s) {
			t.Errorf("%s: %q lacks %q", what, msg, s)
		}
	}
}

func TestProjectCreatedWithTheAwardAtApproval(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := closedBatch(t, f, ap)
		if _, err := f.a.ApproveBatch(ctx, f.city, app.ApprovalInput{BatchID: b.ID, DocNumber: "长府批〔2026〕12号", DocDate: "2026-10-13"}); err != nil {
			t.Fatal(err)
		}
		p, err := db.ProjectOfApp(ctx, ap.ID)
		if err != nil {
			t.Fatalf("no project after approval: %v", err)
		}
		aw, _ := db.AwardOfApp(ctx, ap.ID)
		// The list ended 2026-10-12 (TestPublicityEndDateFromCalendar): three months later is 2027-01-12.
		if p.AwardID != aw.ID || p.State != store.ProjectInProgress || p.ListEndDate != "2026-10-12" || p.Deadline != "2027-01-12" ||
			!strings.Contains(p.DeadlineBasis, "FACTS.md §4") || p.StateLabel() != "实施中" {
			t.Fatalf("project = %+v", p)
		}
		evs, _ := db.ProjectEvents(ctx, p.ID)
		if len(evs) != 1 || evs[0].Action != "create" || evs[0].Citation != "第十五条" {
			t.Fatalf("timeline %+v", evs)
		}
		if n, err := f.a.EnsureProjects(ctx); err != nil || n != 0 {
			t.Fatalf("backfill after approval: %d, %v; want nothing to do", n, err)
		}
	})
}

func TestBackfillIdempotentAndCallOverride(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProjFixture(t, db)
		p := f.project(t, 0)
		// No publicity list: from the approval's date 2026-10-13.
		if p.Deadline != "2027-01-13" || !strings.Contains(p.DeadlineBasis, "自政府批复日期起算") {
			t.Fatalf("backfilled deadline %s (%s)", p.Deadline, p.DeadlineBasis)
		}
		if n, err := f.a.EnsureProjects(ctx); err != nil || n != 0 {
			t.Fatalf("second backfill: %d, %v", n, err)
		}
		// A call setting one month (with its citation) gives the next award one month.
		err := db.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.Call(ctx, f.callID)
			if err != nil {
				return err
			}
			c.Overrides = []dtfund.CallOverride{{Key: "project.completion_months", Value: 1, Source: "长工信发〔2026〕3号"}}
			return tx.UpdateCall(ctx, c)
		})
		if err != nil {
			t.Fatal(err)
		}
		aw := f.award(t, f.orgs[0], 5_000_000)
		if n, err := f.a.EnsureProjects(ctx); err != nil || n != 1 {
			t.Fatalf("backfill of the new award: %d, %v", n, err)
		}
		p, err = db.ProjectOfAward(ctx, aw.ID)
		if err != nil || p.Deadline != "2026-11-13" || !strings.Contains(p.DeadlineBasis, "长工信发〔2026〕3号") {
			t.Fatalf("overridden deadline: %+v, %v", p, err)
		}
	})
}

func TestProjectScope(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProjFixture(t, db)
		count := func(who app.Actor) int {
			_, n, err := f.a.FindProjects(ctx, who, store.ProjectFilter{Page: store.Page{Limit: 10}})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if count(f.applicants[0]) != 1 || count(f.qixian) != 1 || count(f.gaoxin) != 1 || count(f.miit) != 3 || count(f.fin) != 3 {
			t.Fatal("project lists not limited to the scope")
		}
		// A city official may filter by district.
		if _, n, _ := f.a.FindProjects(ctx, f.miit, store.ProjectFilter{DistrictCode: "220173"}); n != 1 {
			t.Fatalf("city filtered by 高新区: %d", n)
		}
		// A district official cannot widen the scope by filtering.
		if _, n, _ := f.a.FindProjects(ctx, f.qixian, store.ProjectFilter{DistrictCode: "220173"}); n != 1 {
			t.Fatalf("district official filtering another district: %d", n)
		}
		mine := f.projects[0].ID
		for _, who := range []app.Actor{f.applicants[1], f.gaoxin} {
			_, err := f.a.Project(ctx, who, mine)
			wantCode(t, "another's project", err, dtfund.ENOTFOUND)
		}
		_, err := f.a.Project(ctx, f.expert, mine)
		wantCode(t, "expert", err, dtfund.EFORBIDDEN)
		// Acting on another's project is "not found" too.
		err = f.a.SaveProjectGoals(ctx, f.applicants[1], mine, []store.ProjectGoal{{Indicator: "x", Target: "y"}})
		wantCode(t, "another applicant's goals", err, dtfund.ENOTFOUND)
		if v, err := f.a.ProjectDetail(ctx, f.qixian, mine); err != nil || v.Can.Accept || v.Can.EditPlan || v.Can.Evaluate {
			t.Fatalf("district official's view: %+v, %v; want read-only", v.Can, err)
		}
	})
}

func TestApplicantWorkAndRequest(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProjFixture(t, db)
		who, id := f.applicants[0], f.projects[0].ID
		err := f.a.SaveProjectGoals(ctx, who, id, []store.ProjectGoal{{Indicator: "设备联网率", Target: ""}})
		wantField(t, "goal without target", err, "goals.0.indicator", "第1项绩效目标")
		wantCode(t, "goals by the city", f.a.SaveProjectGoals(ctx, f.miit, id, []store.ProjectGoal{{Indicator: "a", Target: "b"}}), dtfund.EFORBIDDEN)
		// Asking without a self-evaluation is refused, saying why.
		_, err = f.a.RequestAcceptance(ctx, who, id, "")
		wantField(t, "request without goals", err, "request", "第六条（五）")
		_, err = f.a.AddMilestone(ctx, who, app.MilestoneInput{ProjectID: id, PlannedDate: "2026-13-01", Description: "上线"})
		wantField(t, "bad milestone date", err, "planned_date", "日期")
		m, err := f.a.AddMilestone(ctx, who, app.MilestoneInput{ProjectID: id, PlannedDate: "2026-11-20", Description: "MES 上线试运行", IdempotencyKey: "m1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.AddMilestone(ctx, who, app.MilestoneInput{ProjectID: id, PlannedDate: "2026-11-20", Description: "MES 上线试运行", IdempotencyKey: "m1"}); err != nil {
			t.Fatal(err)
		}
		if ms, _ := db.Milestones(ctx, id); len(ms) != 1 {
			t.Fatalf("a resent milestone form made %d milestones", len(ms))
		}
		wantField(t, "done tomorrow", f.a.CompleteMilestone(ctx, who, id, m.ID, "2026-11-03"), "done_date", "不能晚于今天")
		if err := f.a.CompleteMilestone(ctx, who, id, m.ID, "2026-11-01"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "done twice", f.a.CompleteMilestone(ctx, who, id, m.ID, "2026-11-02"), dtfund.ECONFLICT)
		_, err = f.a.ReportProgress(ctx, who, app.ProgressInput{ProjectID: id, ReportedOn: "2026-11-02", Percent: 101, Body: "x"})
		wantField(t, "percent 101", err, "percent", "0至100")
		if _, err := f.a.ReportProgress(ctx, who, app.ProgressInput{ProjectID: id, ReportedOn: "2026-11-02", Percent: 80, Body: "主体已完成",
			File: &app.PublicityFile{Name: "进度.pdf", Data: []byte("%PDF-1.4\n% progress\n%%EOF\n")}}); err != nil {
			t.Fatal(err)
		}
		if err := f.a.SaveProjectGoals(ctx, who, id, []store.ProjectGoal{{Indicator: "设备联网率", Baseline: "30%", Target: "85%"},
			{Indicator: "生产效率提升", Target: "15%"}}); err != nil {
			t.Fatal(err)
		}
		if err := f.a.SaveSelfEvaluation(ctx, who, app.SelfEvaluation{ProjectID: id, Actuals: map[int]string{1: "88%"}, Narrative: "完成"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.RequestAcceptance(ctx, who, id, "")
		wantField(t, "one goal without its value", err, "request", "第2项“生产效率提升”")
		if err := f.a.SaveSelfEvaluation(ctx, who, app.SelfEvaluation{ProjectID: id, Actuals: map[int]string{2: "17%"}, Narrative: "已完成全部改造"}); err != nil {
			t.Fatal(err)
		}
		// Editing the goals keeps the values of unchanged indicators.
		if err := f.a.SaveProjectGoals(ctx, who, id, []store.ProjectGoal{{Indicator: "设备联网率", Baseline: "30%", Target: "90%"},
			{Indicator: "生产效率提升", Target: "15%"}}); err != nil {
			t.Fatal(err)
		}
		if gs, _ := db.ProjectGoals(ctx, id); len(gs) != 2 || gs[0].Actual != "88%" || gs[0].Target != "90%" || gs[1].Actual != "17%" {
			t.Fatalf("goals after edit: %+v", gs)
		}
		for i := 0; i < 2; i++ { // the resent form is one request
			if p, err := f.a.RequestAcceptance(ctx, who, id, "req-1"); err != nil || p.State != store.ProjectRequested {
				t.Fatalf("request %d: %+v, %v", i, p, err)
			}
		}
		_, err = f.a.RequestAcceptance(ctx, who, id, "")
		wantCode(t, "second request", err, dtfund.ECONFLICT)
		wantCode(t, "goals while awaiting acceptance", f.a.SaveProjectGoals(ctx, who, id, []store.ProjectGoal{{Indicator: "a", Target: "b"}}), dtfund.ECONFLICT)
		evs, _ := db.ProjectEvents(ctx, id)
		if last := evs[len(evs)-1]; last.Action != "request" || last.To != store.ProjectRequested || last.Citation != "第十九条" {
			t.Fatalf("last event %+v", last)
		}
		if reports, _ := db.ProgressReports(ctx, id); len(reports) != 1 || reports[0].AttachmentSHA256 == "" {
			t.Fatalf("progress reports %+v", reports)
		}
	})
}

// Acceptance needs 二级: refused without an assessment and at 一级 (nothing
// written, the figures in the message); passes at 二级; a call may ask 三级.
func TestAcceptanceLevelRule(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProjFixture(t, db)
		_, err := f.accept(0, true, "")
		wantCode(t, "acceptance before the request", err, dtfund.ECONFLICT)
		f.ready(t, 0)
		_, err = f.accept(0, true, "")
		wantField(t, "pass without assessment", err, "pass", "尚无改造后的数字化水平评测", "二级及以上")
		f.assess(t, 0, 1, 3550, "2026-10-30")
		_, err = f.accept(0, true, "")
		wantField(t, "pass at 一级", err, "pass", "一级", "35.50 分", "二级及以上", "acceptance.min_level = 2", "第十五条")
		if accs, _ := db.Acceptances(ctx, f.projects[0].ID); len(accs) != 0 || f.project(t, 0).State != store.ProjectRequested {
			t.Fatal("a refused pass wrote something")
		}
		for _, who := range []app.Actor{f.fin, f.qixian, f.applicants[0]} {
			_, err := f.a.RecordAcceptance(ctx, who, app.AcceptanceInput{ProjectID: f.projects[0].ID, HeldOn: "2026-11-02",
				Experts: []string{"甲", "乙", "丙"}, Opinion: "通过", Pass: true})
			wantCode(t, "acceptance by "+string(who.User.Role), err, dtfund.EFORBIDDEN)
		}
		_, err = f.a.RecordAcceptance(ctx, f.miit, app.AcceptanceInput{ProjectID: f.projects[0].ID, HeldOn: "2026-11-02", Experts: []string{"甲", "甲", "乙"}, Opinion: "x", Pass: true})
		wantField(t, "two experts", err, "experts", "3至15名")
		f.assess(t, 0, 2, 4000, "2026-11-01") // a later report wins
		res, err := f.accept(0, true, "")
		if err != nil || res.Project.State != store.ProjectAccepted || *res.Acceptance.Level != 2 || res.Acceptance.MinLevel != 2 {
			t.Fatalf("pass at 二级: %+v, %v", res, err)
		}
		var fs []policy.Finding
		if json.Unmarshal([]byte(res.Acceptance.Findings), &fs) != nil || len(fs) != 1 || fs[0].Outcome != policy.Pass || !strings.Contains(fs[0].Message, "40.00 分") {
			t.Fatalf("stored findings %s", res.Acceptance.Findings)
		}
		// The accepted project is what 免申即享 matching's acceptance criterion reads.
		accepted, err := f.a.Acceptances.AcceptedProjects(ctx, calendar.DateOf(f.a.Now()))
		if err != nil || len(accepted[f.orgs[0].ID]) != 1 || len(accepted[f.orgs[1].ID]) != 0 ||
			!strings.Contains(accepted[f.orgs[0].ID][0].Project, res.Project.AppNumber) {
			t.Fatalf("accepted projects for matching: %+v, %v", accepted, err)
		}
		// A call requiring 三级 refuses 二级.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.Call(ctx, f.callID)
			if err != nil {
				return err
			}
			c.Overrides = []dtfund.CallOverride{{Key: "acceptance.min_level", Value: 3, Source: "长工信发〔2026〕5号"}}
			return tx.UpdateCall(ctx, c)
		})
		if err != nil {
			t.Fatal(err)
		}
		f.ready(t, 1)
		f.assess(t, 1, 2, 5900, "2026-11-01")
		_, err = f.accept(1, true, "")
		wantField(t, "二级 under a call requiring 三级", err, "pass", "三级及以上", "长工信发〔2026〕5号", "59.00 分")
		f.assess(t, 1, 3, 6100, "2026-11-02")
		if res, err := f.accept(1, true, ""); err != nil || res.Acceptance.MinLevel != 3 {
			t.Fatalf("三级 under the call: %+v, %v", res, err)
		}
	})
}

func TestFailureRectificationAndReacceptance(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProjFixture(t, db)
		f.ready(t, 0)
		f.assess(t, 0, 1, 3000, "2026-10-30")
		res, err := f.accept(0, false, "")
		if err != nil || res.Project.State != store.ProjectRectifying || res.Project.RectifyDeadline != "2027-01-02" || res.Project.Failures != 1 {
			t.Fatalf("first failure: %+v, %v; want rectifying until 2027-01-02", res.Project, err)
		}
		if p := f.project(t, 0); p.StateLabel() != "验收不通过·整改中" || p.DueDate() != "2027-01-02" {
			t.Fatalf("project after failure: %+v", p)
		}
		// The applicant revises its self-evaluation and asks again.
		if err := f.a.SaveSelfEvaluation(ctx, f.applicants[0], app.SelfEvaluation{ProjectID: f.projects[0].ID, Actuals: map[int]string{1: "91%"}, Narrative: "整改完成"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.RequestAcceptance(ctx, f.applicants[0], f.projects[0].ID, ""); err != nil {
			t.Fatal(err)
		}
		f.assess(t, 0, 2, 4500, "2026-11-02")
		res, err = f.accept(0, true, "")
		if err != nil || res.Project.State != store.ProjectAccepted || res.Acceptance.Round != 2 {
			t.Fatalf("re-acceptance: %+v, %v", res, err)
		}
		accs, _ := db.Acceptances(ctx, f.projects[0].ID)
		if len(accs) != 2 || accs[0].Passed || accs[0].RectifyDeadline != "2027-01-02" || !accs[1].Passed {
			t.Fatalf("acceptance rounds %+v", accs)
		}
		ns, _ := db.Notifications(ctx, f.applicants[0].User.ID, f.orgs[0].ID, store.Page{})
		if len(ns) < 2 || !strings.Contains(ns[0].Subject, "已验收") {
			t.Fatalf("notifications %+v", ns)
		}
	})
}

func TestSecondFailureTerminatesAndRecovers(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProjFixture(t, db)
		aw := f.awards[0]
		b := f.paidBatch(t, map[int64]int64{aw.ID: 6_000_000})
		if _, err := f.a.RecordPayout(ctx, f.dfinA, f.instructions(t, b.ID)[0].ID, "PAY-9"); err != nil {
			t.Fatal(err)
		}
		f.ready(t, 0)
		if _, err := f.accept(0, false, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.RequestAcceptance(ctx, f.applicants[0], f.projects[0].ID, ""); err != nil {
			t.Fatal(err)
		}
		n := ledgerSize(t, db)
		_, err := f.accept(0, false, "")
		wantField(t, "second failure without a recovery deadline", err, "due_date", "终止项目", "第十五条、第十八条")
		if f.project(t, 0).State != store.ProjectRequested || ledgerSize(t, db) != n {
			t.Fatal("the refused termination changed something")
		}
		res, err := f.accept(0, false, "2026-12-31")
		if err != nil || res.Project.State != store.ProjectTerminated || res.Revocation == nil {
			t.Fatalf("second failure: %+v, %v", res, err)
		}
		if res.Revocation.ReceivableFen != 6_000_000 || res.Revocation.ReturnedFen != 4_000_000 || res.Revocation.Article != "第十五条、第十八条" {
			t.Fatalf("revocation %+v", res.Revocation)
		}
		if balance(t, db, store.ReceivableAccount(aw.ID)) != 6_000_000 || balance(t, db, store.CommitmentAccount(aw.ID)) != 0 {
			t.Fatal("the receivable is not what was paid")
		}
		if p := f.project(t, 0); p.AwardStatus != "revoked" || !strings.Contains(p.CloseReason, "第2次验收不通过") {
			t.Fatalf("project after termination: %+v", p)
		}
		verifyBooks(t, db)
	})
}

func TestTerminationOfAnOverdueProject(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProjFixture(t, db)
		id := f.projects[0].ID
		term := app.TerminateInput{ProjectID: id, Reason: "逾期未完成改造", DueDate: "2027-03-31"}
		_, err := f.a.TerminateProject(ctx, f.miit, term)
		wantCode(t, "terminating before the deadline", err, dtfund.ECONFLICT)
		_, err = f.a.TerminateProject(ctx, f.qixian, term)
		wantCode(t, "terminating as a district official", err, dtfund.EFORBIDDEN)
		// The deadline is 2027-01-13; on the 14th the project is overdue.
		f.setToday(t, "2027-01-14")
		overdue, n, _ := f.a.FindProjects(ctx, f.qixian, store.ProjectFilter{OverdueOn: "2027-01-14"})
		if n != 1 || overdue[0].ID != id {
			t.Fatalf("overdue in 汽开区: %d", n)
		}
		if err := f.a.SaveProjectGoals(ctx, f.applicants[0], id, []store.ProjectGoal{{Indicator: "a", Target: "b"}}); err != nil {
			t.Fatal(err)
		}
		if err := f.a.SaveSelfEvaluation(ctx, f.applicants[0], app.SelfEvaluation{ProjectID: id, Actuals: map[int]string{1: "c"}, Narrative: "d"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.RequestAcceptance(ctx, f.applicants[0], id, "")
		wantCode(t, "late request", err, dtfund.ECONFLICT)
		if !strings.Contains(err.Error(), "2027-01-13") {
			t.Errorf("late request message %q lacks the deadline", err)
		}
		_, err = f.a.TerminateProject(ctx, f.miit, app.TerminateInput{ProjectID: id, Reason: "", DueDate: "2027-03-31"})
		wantField(t, "termination without reason", err, "reason")
		rev, err := f.a.TerminateProject(ctx, f.miit, term)
		if err != nil || rev == nil || rev.ReturnedFen != 10_000_000 || rev.ReceivableFen != 0 {
			t.Fatalf("termination: %+v, %v", rev, err)
		}
		p := f.project(t, 0)
		if p.State != store.ProjectTerminated || p.AwardStatus != "revoked" || !strings.Contains(p.CloseReason, "2027-01-13") {
			t.Fatalf("terminated project %+v", p)
		}
		_, err = f.a.TerminateProject(ctx, f.miit, term)
		wantCode(t, "second termination", err, dtfund.ECONFLICT)
		verifyBooks(t, db)
	})
}

// An award revoked for other reasons (第二十条) terminates its open project.
func TestRevocationTerminatesTheOpenProject(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProjFixture(t, db)
		if _, err := f.a.RevokeAward(ctx, f.miit, app.RevokeInput{AwardID: f.awards[1].ID, Reason: "发票不实", Article: "第二十条", DueDate: "2026-12-31"}); err != nil {
			t.Fatal(err)
		}
		p := f.project(t, 1)
		if p.State != store.ProjectTerminated || !strings.Contains(p.CloseReason, "第二十条") {
			t.Fatalf("project of the revoked award: %+v", p)
		}
		evs, _ := db.ProjectEvents(ctx, p.ID)
		if last := evs[len(evs)-1]; last.Action != "award_revoked" || last.From != store.ProjectInProgress {
			t.Fatalf("last event %+v", last)
		}
	})
}

// 第十条（三） reads the records: after the pilot (ended 2025-12-31 by the
// parameter), a terminated project excludes the unit from central funds
// and the finding names it; an accepted one does not.
func TestArticle10_3FromRecords(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProjFixture(t, db)
		decide := func(org *dtfund.Organization) policy.Finding {
			t.Helper()
			var found policy.Finding
			err := db.InTx(ctx, func(tx *store.Tx) error {
				ap := &dtfund.Application{CallID: f.callID, OrgID: org.ID, DistrictCode: org.DistrictCode, State: dtfund.StateDraft, Title: "二期改造",
					Spending: []dtfund.Spending{{Type: "software", AmountFen: 100, InvoiceNo: "INV-X" + org.Name}}}
				if err := tx.CreateApplication(ctx, ap); err != nil {
					return err
				}
				d, err := app.Decide(ctx, tx, ap)
				if err != nil {
					return err
				}
				for _, fi := range d.Findings {
					if fi.Rule == "UnacceptedProject" {
						found = fi
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return found
		}
		if fi := decide(f.orgs[0]); fi.Outcome != policy.Pass || !strings.Contains(fi.Message, "尚在期限内 1 个") {
			t.Fatalf("in progress within its deadline: %+v", fi)
		}
		if _, err := f.a.RevokeAward(ctx, f.miit, app.RevokeInput{AwardID: f.awards[0].ID, Reason: "项目终止", Article: "第二十条", DueDate: "2026-12-31"}); err != nil {
			t.Fatal(err)
		}
		fi := decide(f.orgs[0])
		if fi.Outcome != policy.Fail || fi.Article != "第十条（三）" || !strings.Contains(fi.Message, f.projects[0].AppNumber) ||
			!strings.Contains(fi.Message, "已终止") {
			t.Fatalf("terminated project: %+v", fi)
		}
		// Overdue after the pilot: the deadline 2027-01-13 passed.
		f.setToday(t, "2027-01-14")
		if fi := decide(f.orgs[1]); fi.Outcome != policy.Fail || !strings.Contains(fi.Message, "期限 2027-01-13 已过") {
			t.Fatalf("overdue project after the pilot: %+v", fi)
		}
	})
}

func TestPerformanceEvaluationBothBureaus(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProjFixture(t, db)
		id := f.projects[0].ID
		_, err := f.a.SignEvaluation(ctx, f.miit, app.EvaluationInput{ProjectID: id, Score: 90, Opinion: "好"})
		wantCode(t, "evaluating before acceptance", err, dtfund.ECONFLICT)
		f.ready(t, 0)
		f.assess(t, 0, 2, 5000, "2026-11-01")
		if _, err := f.accept(0, true, ""); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.SignEvaluation(ctx, f.applicants[0], app.EvaluationInput{ProjectID: id, Score: 100, Opinion: "自己打分"})
		wantCode(t, "applicant evaluating", err, dtfund.EFORBIDDEN)
		_, err = f.a.SignEvaluation(ctx, f.miit, app.EvaluationInput{ProjectID: id, Score: 101, Opinion: "好"})
		wantField(t, "score 101", err, "score", "0至100")
		if _, err := f.a.SignEvaluation(ctx, f.miit, app.EvaluationInput{ProjectID: id, Score: 92, Opinion: "目标全部完成"}); err != nil {
			t.Fatal(err)
		}
		v, _ := f.a.ProjectDetail(ctx, f.miit, id)
		if v.Can.Evaluate || app.SummariseEvaluations(v.Evaluations).Complete {
			t.Fatalf("after one signature: can %v, summary %+v", v.Can.Evaluate, app.SummariseEvaluations(v.Evaluations))
		}
		_, err = f.a.SignEvaluation(ctx, f.miit, app.EvaluationInput{ProjectID: id, Score: 80, Opinion: "再签"})
		wantCode(t, "second signature of the same bureau", err, dtfund.ECONFLICT)
		if v, _ := f.a.ProjectDetail(ctx, f.fin, id); !v.Can.Evaluate {
			t.Fatal("the finance bureau may not sign")
		}
		if _, err := f.a.SignEvaluation(ctx, f.fin, app.EvaluationInput{ProjectID: id, Score: 87, Opinion: "资金使用规范"}); err != nil {
			t.Fatal(err)
		}
		es, _ := db.Evaluations(ctx, id)
		sum := app.SummariseEvaluations(es)
		if !sum.Complete || sum.ScoreCenti != 8950 || sum.Grade != "良" {
			t.Fatalf("summary %+v", sum)
		}
	})
}

// The pilot view counts awarded enterprises of each pilot industry whose
// latest 'after' assessment reaches 二级; revoked awards do not count.
func TestPilotProgress(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProjFixture(t, db) // three enterprises of 3670 汽车零部件及配件制造
		f.assess(t, 0, 1, 3000, "2026-10-01")
		f.assess(t, 0, 2, 4200, "2026-10-20") // the latest counts
		f.assess(t, 1, 3, 6500, "2026-10-01")
		f.assess(t, 1, 1, 3900, "2026-10-25") // fell back to 一级
		rep, err := f.a.PilotProgress(ctx, f.miit)
		if err != nil {
			t.Fatal(err)
		}
		var auto *app.PilotIndustry
		for _, ind := range rep.Industries {
			if ind.Industry == "汽车零部件配件制造" {
				auto = ind
			} else if ind.Total != 0 {
				t.Errorf("%s has %d enterprises", ind.Industry, ind.Total)
			}
		}
		if len(rep.Industries) != 4 || auto == nil || auto.Total != 3 || auto.Reached != 1 || auto.ShareBP != 3333 ||
			auto.Finding.Outcome != policy.Fail || !strings.Contains(auto.Finding.Message, "占 33.33%") {
			t.Fatalf("pilot view: %+v", auto)
		}
		byName := map[string]*store.PilotRow{}
		for _, r := range auto.Rows {
			byName[r.OrgName] = r
		}
		if r := byName[f.orgs[0].Name]; !r.Assessed || r.Level != 2 || r.AssessedOn != "2026-10-20" {
			t.Fatalf("row of %s: %+v", f.orgs[0].Name, r)
		}
		if r := byName[f.orgs[2].Name]; r.Assessed {
			t.Fatalf("row without assessment: %+v", r)
		}
		if _, err := f.a.RevokeAward(ctx, f.miit, app.RevokeInput{AwardID: f.awards[2].ID, Reason: "撤销", Article: "第二十条", DueDate: "2026-12-31"}); err != nil {
			t.Fatal(err)
		}
		rep, _ = f.a.PilotProgress(ctx, f.fin)
		for _, ind := range rep.Industries {
			if ind.Industry == "汽车零部件配件制造" && (ind.Total != 2 || ind.Reached != 1 || ind.ShareBP != 5000) {
				t.Fatalf("after a revocation: %+v", ind)
			}
		}
		_, err = f.a.PilotProgress(ctx, f.applicants[0])
		wantCode(t, "applicant on the pilot view", err, dtfund.EFORBIDDEN)
	})
}

// A suspended award (第十八条, set by supervision) pauses the request for
// acceptance and the acceptance itself.
func TestSuspendedAwardPausesAcceptance(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProjFixture(t, db)
		f.ready(t, 0)
		f.assess(t, 0, 2, 5000, "2026-11-01")
		suspend := func(id int64, status string) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.SetAwardStatus(ctx, id, status) }); err != nil {
				t.Fatal(err)
			}
		}
		suspend(f.awards[0].ID, "suspended")
		_, err := f.accept(0, true, "")
		wantCode(t, "acceptance of a suspended award", err, dtfund.ECONFLICT)
		if !strings.Contains(err.Error(), "第十八条") {
			t.Errorf("message %q does not cite 第十八条", err)
		}
		suspend(f.awards[1].ID, "suspended")
		if err := f.a.SaveProjectGoals(ctx, f.applicants[1], f.projects[1].ID, []store.ProjectGoal{{Indicator: "a", Target: "b"}}); err != nil {
			t.Fatal(err)
		}
		if err := f.a.SaveSelfEvaluation(ctx, f.applicants[1], app.SelfEvaluation{ProjectID: f.projects[1].ID, Actuals: map[int]string{1: "c"}, Narrative: "d"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.RequestAcceptance(ctx, f.applicants[1], f.projects[1].ID, "")
		wantCode(t, "request under a suspended award", err, dtfund.ECONFLICT)
		suspend(f.awards[0].ID, "active")
		if res, err := f.accept(0, true, ""); err != nil || res.Project.State != store.ProjectAccepted {
			t.Fatalf("acceptance after the suspension ended: %+v, %v", res, err)
		}
	})
}
