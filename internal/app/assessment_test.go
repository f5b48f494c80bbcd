package app_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
)

// assessFixture is the payment fixture (awards of organisations in 汽开区
// and 高新区, today 2026-11-02) with the people of the assessment: the
// inspector, the applicant of the 汽开区 organisation, both districts'
// officials and the administrator.
type assessFixture struct {
	*payFixture
	inspector, applicantA, applicantB app.Actor
	districtA, districtB, admin       app.Actor
}

func newAssessFixture(t *testing.T, db *store.DB) *assessFixture {
	t.Helper()
	f := &assessFixture{payFixture: newPayFixture(t, db, 2)}
	ctx := context.Background()
	mk := func(name string, role dtfund.Role, district string, org int64) app.Actor {
		u := &dtfund.User{Username: name, DisplayName: name, Role: role, DistrictCode: district, OrgID: org}
		if err := f.a.CreateUser(ctx, app.SystemActor("test"), u, "Passw0rdLong"); err != nil {
			t.Fatal(err)
		}
		return app.Actor{User: u}
	}
	f.inspector = mk("hecha", dtfund.RoleInspector, "", 0)
	f.applicantA = mk("entA", dtfund.RoleApplicant, "", f.orgs[0].ID)
	f.applicantB = mk("entB", dtfund.RoleApplicant, "", f.orgs[1].ID)
	f.districtA = mk("qkmiit", dtfund.RoleDistrictMIIT, "220174", 0)
	f.districtB = mk("gxmiit", dtfund.RoleDistrictMIIT, "220173", 0)
	f.admin = mk("sysadmin", dtfund.RoleAdmin, "", 0)
	return f
}

// answers40 scores exactly 40 points (10+10+7+7+3+3) with six scenarios at
// 二级, three of them 约束性, and the rest at 一级: 二级 under the base set.
func answers40() policy.AssessmentAnswers {
	s := policy.AssessmentBase()
	a := policy.AssessmentAnswers{Indicators: map[string]string{}, Scenarios: map[string]int{}}
	for _, ind := range s.Indicators() {
		a.Indicators[ind.Code] = "a"
	}
	for k, v := range map[string]string{"equip_digital": "d", "equip_network": "d", "data_collection": "c", "system_coverage": "c",
		"security_protection": "b", "efficiency_gain": "b"} {
		a.Indicators[k] = v
	}
	mandatory, others := 3, 3
	for _, sc := range s.Scenarios {
		a.Scenarios[sc.Code] = 1
		if sc.Mandatory.Value && mandatory > 0 {
			a.Scenarios[sc.Code], mandatory = 2, mandatory-1
		} else if !sc.Mandatory.Value && others > 0 {
			a.Scenarios[sc.Code], others = 2, others-1
		}
	}
	return a
}

func (f *assessFixture) compute(t *testing.T, actor app.Actor, appID int64, phase, on string) *store.Assessment {
	t.Helper()
	as, err := f.a.RecordAssessment(context.Background(), actor, app.AssessmentInput{AppID: appID, Phase: phase, AssessedOn: on,
		Assessor: "吉林省中小企业数字化评测中心", Answers: answers40()})
	if err != nil {
		t.Fatalf("record %s %s: %v", phase, on, err)
	}
	return as
}

func findings(t *testing.T, as *store.Assessment) string {
	t.Helper()
	var fs []policy.Finding
	if err := json.Unmarshal([]byte(as.Findings), &fs); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, f := range fs {
		msgs = append(msgs, f.Message)
	}
	return strings.Join(msgs, "\n")
}

func TestAssessmentComputedAndFromReport(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAssessFixture(t, db)
		appID := f.awards[0].ApplicationID
		before := f.compute(t, f.inspector, appID, store.PhaseBefore, "2026-10-12")
		if before.Level != 2 || before.ScoreCenti != 4000 || before.Source != "computed" || before.ParamVersion != "2024.1" ||
			before.OrgID != f.orgs[0].ID {
			t.Fatalf("computed: %+v", before)
		}
		if msg := findings(t, before); !strings.Contains(msg, "二级：得分40分≥40分；达到二级及以上的场景6个≥6个，其中约束性场景3个≥3个：达到二级") {
			t.Errorf("findings: %s", msg)
		}
		var res policy.AssessmentResult
		if err := json.Unmarshal([]byte(before.Result), &res); err != nil || len(res.Dimensions) != 3 || len(res.Scenarios) != 16 ||
			len(res.Levels) != 4 || !res.Levels[1].Met || res.Levels[2].Met {
			t.Errorf("stored result: %+v, %v", res, err)
		}
		// City bureau enters the third-party report after the retrofit.
		after, err := f.a.RecordAssessmentReport(ctx, f.miit, app.ReportInput{AppID: appID, Phase: store.PhaseAfter,
			AssessedOn: "2026-10-30", Assessor: "吉林省工业技术研究院", ReportNo: "JLPC-2026-118", Score: "62.5", Level: "3"})
		if err != nil {
			t.Fatal(err)
		}
		if after.Level != 3 || after.ScoreCenti != 6250 || after.Source != "report" || after.ReportNo != "JLPC-2026-118" {
			t.Errorf("report: %+v", after)
		}
		if msg := findings(t, after); !strings.Contains(msg, "依据第三方评测报告录入（报告编号JLPC-2026-118") ||
			!strings.Contains(msg, "报告得分62.5分≥三级所需60分") {
			t.Errorf("report findings: %s", msg)
		}
		latest, err := db.LatestAssessment(ctx, appID, store.PhaseAfter)
		if err != nil || latest == nil || latest.ID != after.ID {
			t.Errorf("latest after: %+v %v", latest, err)
		}
		audit, _ := db.FindAudit(ctx, store.AuditFilter{ObjectType: "assessment"})
		if len(audit) != 2 || audit[0].ObjectID != strconv.FormatInt(after.ID, 10) || !strings.Contains(audit[0].After, `"level":3`) {
			t.Errorf("audit: %d entries %+v", len(audit), audit)
		}
		// Readers in scope: the applicant, its district, the city finance bureau.
		for _, who := range []app.Actor{f.applicantA, f.districtA, f.fin, f.inspector} {
			_, _, list, err := f.a.ApplicationAssessments(ctx, who, appID)
			if err != nil || len(list) != 2 {
				t.Errorf("%s reads: %d, %v", who.User.Username, len(list), err)
			}
		}
		rows, total, err := f.a.AssessedAwards(ctx, f.districtA, "7.1", store.Page{})
		if err != nil || total != 1 || rows[0].Before == nil || rows[0].After == nil || rows[0].After.Level != 3 {
			t.Errorf("district list: %d %v", total, err)
		}
		// A resent form records nothing twice.
		in := app.AssessmentInput{AppID: f.awards[1].ApplicationID, Phase: store.PhaseBefore, AssessedOn: "2026-10-01",
			Assessor: "核查", Answers: answers40(), IdempotencyKey: "form-1"}
		one, err1 := f.a.RecordAssessment(ctx, f.inspector, in)
		two, err2 := f.a.RecordAssessment(ctx, f.inspector, in)
		list, _ := db.Assessments(ctx, in.AppID)
		if err1 != nil || err2 != nil || one.ID != two.ID || len(list) != 1 {
			t.Errorf("retry: %v %v, %d rows", err1, err2, len(list))
		}
	})
}

func TestAssessmentRefusals(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAssessFixture(t, db)
		appA := f.awards[0].ApplicationID
		code := func(err error) string { return dtfund.ErrorCode(err) }
		// An approved application without an award.
		bare := &dtfund.Application{CallID: f.callID, OrgID: f.orgs[0].ID, DistrictCode: "220174", State: dtfund.StateApproved,
			Title: "未获奖补", Spending: []dtfund.Spending{{Type: "software", AmountFen: 100, InvoiceNo: "X-1"}}}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateApplication(ctx, bare) }); err != nil {
			t.Fatal(err)
		}
		in := app.AssessmentInput{AppID: bare.ID, Phase: store.PhaseBefore, AssessedOn: "2026-10-01", Assessor: "核查", Answers: answers40()}
		if _, err := f.a.RecordAssessment(ctx, f.inspector, in); code(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), "尚未获批奖补") {
			t.Errorf("not awarded: %v", err)
		}
		in.AppID = appA
		for _, who := range []app.Actor{f.districtA, f.applicantA, f.fin, f.admin} {
			if _, err := f.a.RecordAssessment(ctx, who, in); code(err) != dtfund.EFORBIDDEN {
				t.Errorf("%s records: %v", who.User.Role, err)
			}
		}
		// Bad input names the fields; nothing is written.
		bad := in
		bad.Phase, bad.AssessedOn, bad.Assessor = "during", "2026-13-01", ""
		bad.Answers = answers40()
		delete(bad.Answers.Indicators, "security_protection")
		_, err := f.a.RecordAssessment(ctx, f.inspector, bad)
		var ve dtfund.ValidationErrors
		if !asValidation(err, &ve) || ve.ByField()["phase"] == "" || ve.ByField()["assessed_on"] == "" || ve.ByField()["assessor"] == "" ||
			!strings.Contains(ve.ByField()["ind_security_protection"], "网络与数据安全保障") {
			t.Errorf("bad input: %v", err)
		}
		future := in
		future.AssessedOn = "2026-11-03"
		if _, err := f.a.RecordAssessment(ctx, f.inspector, future); code(err) != dtfund.EINVALID || !strings.Contains(err.Error(), "晚于今天") {
			t.Errorf("future date: %v", err)
		}
		// An inconsistent report is refused with the finding.
		rep := app.ReportInput{AppID: appA, Phase: store.PhaseAfter, AssessedOn: "2026-10-30", Assessor: "某评测机构", ReportNo: "R-1",
			Score: "55", Level: "3"}
		_, err = f.a.RecordAssessmentReport(ctx, f.miit, rep)
		if !asValidation(err, &ve) || !strings.Contains(ve.ByField()["level"], "报告等级为三级，但得分55分<三级所需60分") {
			t.Errorf("inconsistent report: %v", err)
		}
		rep.Score, rep.Level = "abc", "7"
		if _, err := f.a.RecordAssessmentReport(ctx, f.miit, rep); !asValidation(err, &ve) || ve.ByField()["score"] == "" || ve.ByField()["level"] == "" {
			t.Errorf("bad report fields: %v", err)
		}
		if list, _ := db.Assessments(ctx, appA); len(list) != 0 {
			t.Fatalf("refusals wrote %d assessments", len(list))
		}
		// Phases in order: after may not precede before.
		f.compute(t, f.inspector, appA, store.PhaseBefore, "2026-10-12")
		early := in
		early.Phase, early.AssessedOn = store.PhaseAfter, "2026-10-11"
		if _, err := f.a.RecordAssessment(ctx, f.inspector, early); !strings.Contains(dtfund.ErrorMessage(err), "早于改造前评测日期 2026-10-12") {
			t.Errorf("after before before: %v", err)
		}
		// Out of scope is not found: another district, another organisation.
		as := f.compute(t, f.miit, appA, store.PhaseAfter, "2026-10-20")
		for _, who := range []app.Actor{f.districtB, f.applicantB} {
			if _, _, _, err := f.a.ApplicationAssessments(ctx, who, appA); code(err) != dtfund.ENOTFOUND {
				t.Errorf("%s lists another's: %v", who.User.Username, err)
			}
			if _, _, err := f.a.Assessment(ctx, who, as.ID); code(err) != dtfund.ENOTFOUND {
				t.Errorf("%s reads another's: %v", who.User.Username, err)
			}
		}
		if rows, total, _ := f.a.AssessedAwards(ctx, f.districtB, "", store.Page{}); total != 1 || rows[0].After != nil {
			t.Errorf("高新区 sees %d awards", total)
		}
		if _, _, err := f.a.Assessment(ctx, f.admin, as.ID); code(err) != dtfund.EFORBIDDEN {
			t.Errorf("admin reads an assessment: %v", err)
		}
	})
}

// An assessment computed before a correction keeps its version and level;
// one dated after the correction's date uses the new version, one dated
// before it still the old.
func TestAssessmentCorrectionVersioning(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAssessFixture(t, db)
		appA, appB := f.awards[0].ApplicationID, f.awards[1].ApplicationID
		old := f.compute(t, f.inspector, appA, store.PhaseBefore, "2026-10-01")
		if old.Level != 2 || old.ParamVersion != "2024.1" {
			t.Fatalf("before the correction: %+v", old)
		}
		corr := app.CorrectionInput{Key: "level.2.min_score", Value: "45", From: "2026-10-15",
			Citation: "工信厅企业〔2024〕56号附件《中小企业数字化水平评测指标（2024年版）》分级条件", Confirmed: true, IdempotencyKey: "c1"}
		if _, err := f.a.CorrectIndicator(ctx, f.inspector, corr); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Errorf("inspector corrects: %v", err)
		}
		noCite := corr
		noCite.Citation, noCite.IdempotencyKey = " ", ""
		_, err := f.a.CorrectIndicator(ctx, f.admin, noCite)
		var ve dtfund.ValidationErrors
		if !asValidation(err, &ve) || !strings.Contains(ve.ByField()["source"], "必须注明依据") {
			t.Errorf("without citation: %v", err)
		}
		c, err := f.a.CorrectIndicator(ctx, f.admin, corr)
		if err != nil || c.Revision != 1 || c.OldValue != "40" || c.NewValue != "45" {
			t.Fatalf("correction: %+v %v", c, err)
		}
		if again, err := f.a.CorrectIndicator(ctx, f.admin, corr); err != nil || again != nil {
			t.Errorf("retried correction: %+v %v", again, err)
		}
		// The old assessment is unchanged.
		reread, err := db.Assessment(ctx, old.ID)
		if err != nil || reread.Level != 2 || reread.ParamVersion != "2024.1" || reread.Findings != old.Findings {
			t.Errorf("old assessment after the correction: %+v %v", reread, err)
		}
		// After the correction's date: the new version, 40 < 45 points.
		newer := f.compute(t, f.inspector, appA, store.PhaseAfter, "2026-10-20")
		if newer.Level != 1 || newer.ParamVersion != "2024.1+r1" || !strings.Contains(findings(t, newer), "二级：得分40分<45分") {
			t.Errorf("after the correction: level %d version %s\n%s", newer.Level, newer.ParamVersion, findings(t, newer))
		}
		// Dated before the correction takes effect: the base still applies.
		earlier := f.compute(t, f.inspector, appB, store.PhaseBefore, "2026-10-10")
		if earlier.Level != 2 || earlier.ParamVersion != "2024.1" {
			t.Errorf("dated before the correction: %+v", earlier)
		}
		// Versions and history.
		latest, _ := f.a.IndicatorSet(ctx)
		v0, _ := f.a.IndicatorSetRevision(ctx, 0)
		if latest.Version() != "2024.1+r1" || v0.Version() != "2024.1" {
			t.Errorf("versions %s %s", latest.Version(), v0.Version())
		}
		if fig, _ := latest.Figure("level.2.min_score"); fig.Value != "45" || fig.Ref.Unconfirmed || !strings.Contains(fig.Ref.Source, "分级条件") {
			t.Errorf("corrected figure %+v", fig)
		}
		hist, total, err := f.a.IndicatorCorrections(ctx, f.admin, store.Page{})
		if err != nil || total != 1 || hist[0].CreatedByName != "sysadmin" || !hist[0].Confirmed {
			t.Errorf("history %+v %d %v", hist, total, err)
		}
		// A correction may not take effect before the last one.
		early := corr
		early.Key, early.Value, early.From, early.IdempotencyKey = "level.1.min_score", "25", "2026-10-14", ""
		if _, err := f.a.CorrectIndicator(ctx, f.admin, early); !asValidation(err, &ve) || !strings.Contains(ve.ByField()["from"], "不得早于") {
			t.Errorf("out-of-order correction: %v", err)
		}
		audit, _ := db.FindAudit(ctx, store.AuditFilter{Action: "assessment.indicator.correct"})
		if len(audit) != 1 || audit[0].ObjectID != "2024.1+r1" {
			t.Errorf("correction audit: %+v", audit)
		}
	})
}
