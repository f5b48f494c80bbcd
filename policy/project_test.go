package policy

import (
	"encoding/json"
	"strings"
	"testing"
)

// Months are counted to the corresponding day, or the month's last day
// where there is none (《民法典》第二百零二条).
func TestAddMonths(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-10-12", 3, "2027-01-12"},
		{"2026-11-30", 3, "2027-02-28"},
		{"2027-11-30", 3, "2028-02-29"}, // leap year
		{"2026-01-31", 1, "2026-02-28"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-01-15", -1, "2025-12-15"},
		{"2026-01-31", -13, "2024-12-31"},
		{"2026-03-31", 0, "2026-03-31"},
	}
	for _, c := range cases {
		if got := d(c.from).AddMonths(c.n).String(); got != c.want {
			t.Errorf("%s + %d months = %s, want %s", c.from, c.n, got, c.want)
		}
	}
}

// withOverride resolves the parameters of a call overriding one key.
func withOverride(t *testing.T, key, value, on string) *Values {
	t.Helper()
	v, fs := CallParams(Default(), &Call{Overrides: []Override{{Key: key, Value: json.RawMessage(value), Source: "长工信发〔2026〕9号"}}}, d(on))
	if v == nil {
		t.Fatalf("override %s=%s: %+v", key, value, fs)
	}
	return v
}

// FACTS §4: three months after the list is published, unless the call says
// otherwise (with its citation).
func TestCompletionDeadline(t *testing.T) {
	got, f := CompletionDeadline(values(t, "2026-10-13"), d("2026-10-12"))
	if got != d("2027-01-12") {
		t.Errorf("default deadline %s, want 2027-01-12", got)
	}
	wantOutcome(t, f, Pass, "2026-10-12", "3 个月", "2027-01-12", "project.completion_months", "FACTS.md §4")
	if f.Article != "第十五条" {
		t.Errorf("article %s", f.Article)
	}
	got, f = CompletionDeadline(withOverride(t, "project.completion_months", "6", "2026-10-13"), d("2026-10-12"))
	if got != d("2027-04-12") || !strings.Contains(f.Message, "长工信发〔2026〕9号") {
		t.Errorf("overridden deadline %s (%s), want 2027-04-12 citing the call", got, f.Message)
	}
	got, f = RectificationDeadline(values(t, "2026-11-30"), d("2026-11-30"))
	if got != d("2027-01-30") || f.Article != "第十八条" {
		t.Errorf("rectification deadline %s %s, want 2027-01-30 under 第十八条", got, f.Article)
	}
}

// Acceptance needs 二级: 一级 fails and 二级 passes, with the figures in the
// finding; a call may require 三级.
func TestAcceptanceLevelBoundary(t *testing.T) {
	v := values(t, "2026-11-30")
	fact := func(level int, score int64) *AssessmentFact {
		return &AssessmentFact{Level: level, ScoreCenti: score, AssessedOn: d("2026-11-20"), Assessor: "某评测机构", ReportNo: "PC-1"}
	}
	wantOutcome(t, AcceptanceLevel(v, nil), Fail, "尚无改造后的数字化水平评测", "二级及以上")
	wantOutcome(t, AcceptanceLevel(v, fact(1, 3950)), Fail, "一级", "39.50 分", "二级及以上", "acceptance.min_level = 2", "2026-11-20", "PC-1", "未达到")
	wantOutcome(t, AcceptanceLevel(v, fact(2, 4000)), Pass, "二级", "40.00 分", "已达到")
	three := withOverride(t, "acceptance.min_level", "3", "2026-11-30")
	wantOutcome(t, AcceptanceLevel(three, fact(2, 5905)), Fail, "三级及以上", "59.05 分", "长工信发〔2026〕9号")
	wantOutcome(t, AcceptanceLevel(three, fact(3, 6000)), Pass, "三级")
	if _, fs := CallParams(Default(), &Call{Overrides: []Override{{Key: "acceptance.min_level", Value: json.RawMessage("5"), Source: "x"}}}, d("2026-11-30")); len(fs) == 0 || fs[len(fs)-1].Outcome != Fail {
		t.Error("a level above 四级 accepted as an override")
	}
}

// 第十条（三） from the records: a terminated project counts at once; a
// project not yet accepted counts after the pilot's end, once its deadline
// has passed; an accepted one never.
func TestUnacceptedProjectFromRecords(t *testing.T) {
	open := ProjectRecord{Number: "DT2025-0007", Title: "MES改造", State: ProjectOpen, Deadline: d("2025-11-30")}
	cases := []struct {
		name, asOf string
		projects   []ProjectRecord
		fail       bool
		says       string
	}{
		{"no projects", "2026-03-01", nil, false, "无试点实施期结束后"},
		{"accepted", "2026-03-01", []ProjectRecord{{Number: "A1", State: ProjectAccepted}}, false, "已验收 1 个"},
		{"terminated, during the pilot", "2025-06-30", []ProjectRecord{{Number: "T1", Title: "仓储改造", State: ProjectTerminated}}, true, "项目 T1《仓储改造》验收不合格或奖补已撤销"},
		{"open, deadline passed, pilot running", "2025-12-31", []ProjectRecord{open}, false, "尚在期限内 1 个"},
		{"open, deadline passed, pilot ended", "2026-01-01", []ProjectRecord{open}, true, "项目 DT2025-0007《MES改造》期限 2025-11-30 已过，至今未验收"},
		{"open, deadline not passed, pilot ended", "2026-01-01", []ProjectRecord{{Number: "O2", State: ProjectOpen, Deadline: d("2026-01-01")}}, false, "尚在期限内 1 个"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := baseInput()
			in.AsOf = d(c.asOf)
			in.Applicant.Projects = c.projects
			dec := eval(t, in)
			f := one(t, dec, "UnacceptedProject")
			want := Pass
			if c.fail {
				want = Fail
			}
			wantOutcome(t, f, want, c.says, "2025-12-31")
			if c.fail && (dec.CentralEligible || !dec.LocalEligible) {
				t.Errorf("central %v local %v: 第十条（三） excludes central funds only", dec.CentralEligible, dec.LocalEligible)
			}
		})
	}
	in := baseInput()
	in.Applicant.Projects = []ProjectRecord{{Number: "X", State: ProjectOpen}}
	if err := in.Validate(); err == nil || !strings.Contains(err.Error(), "applicant.projects[0].deadline") {
		t.Errorf("open project without a deadline: %v", err)
	}
	in.Applicant.Projects = []ProjectRecord{{Number: "X", State: "lost"}}
	if err := in.Validate(); err == nil || !strings.Contains(err.Error(), "applicant.projects[0].state") {
		t.Errorf("unknown project state: %v", err)
	}
}

// The pilot goal: ≥ 90% at 二级 or above, compared in whole numbers.
func TestPilotGoalBoundary(t *testing.T) {
	v := values(t, "2026-11-30")
	wantOutcome(t, PilotGoal(v, "汽车零部件配件制造", 9, 10), Pass, "10 家", "9 家", "占 90%", "不低于 90%", "已达到")
	wantOutcome(t, PilotGoal(v, "汽车零部件配件制造", 8, 9), Fail, "占 88.88%", "未达到")
	wantOutcome(t, PilotGoal(v, "电子元器件制造", 2, 3), Fail, "占 66.66%")
	wantOutcome(t, PilotGoal(v, "电子元器件制造", 0, 0), Fail, "尚无获奖补企业")
	wantOutcome(t, PilotGoal(v, "中成药生物药品制品制造", 1, 1), Pass, "占 100%")
}

func TestDateParameter(t *testing.T) {
	if got := values(t, "2026-01-01").PilotEnd(); got != d("2025-12-31") {
		t.Errorf("pilot end %s", got)
	}
	for _, bad := range []string{`20251231`, `"2025-13-01"`, `"31.12.2025"`} {
		if _, err := parseValue(kPilotEndDate, json.RawMessage(bad)); err == nil {
			t.Errorf("pilot.end_date %s accepted", bad)
		}
	}
	if LevelName(0) != "未达一级" || LevelName(2) != "二级" || LevelName(4) != "四级" {
		t.Error("level names")
	}
}
