package policy

// The rules of a retrofit project after its award (第十五条 事后奖补, 第十六条
// 绩效管理, 第十八条): when it must be finished, when a failed acceptance
// must be put right, what level of digitalisation acceptance requires, and
// how the pilot's goal is measured. Each returns a Finding with the figures
// and the parameter it used, as the eligibility rules do.

// Rule names of this file (Finding.Rule).
const (
	ruleCompletionDeadline    = "CompletionDeadline"
	ruleRectificationDeadline = "RectificationDeadline"
	ruleAcceptanceLevel       = "AcceptanceLevel"
	rulePilotGoal             = "PilotGoal"
)

var levelNames = [...]string{"未达一级", "一级", "二级", "三级", "四级"}

// LevelName is the Chinese name of a digital level (数字化水平等级, FACTS
// §5): 0 is below 一级.
func LevelName(level int) string {
	if level < 0 || level >= len(levelNames) {
		return "等级" + itoa(int64(level))
	}
	return levelNames[level]
}

// CompletionDeadline decides by when a project must be finished: the
// corresponding day project.completion_months months after the publicity
// list's end date (《民法典》第二百零二条), FACTS §4 ("改造须在企业名单公布后
// 三个月内完成"). Money follows acceptance (事后奖补, 第十五条).
func CompletionDeadline(v *Values, listEnd Date) (Date, Finding) {
	f := Finding{Rule: ruleCompletionDeadline, Article: "第十五条"}
	n := v.n[kCompletionMonths]
	d := listEnd.AddMonths(int(n))
	return d, f.pass("拟支持企业名单公示于 " + listEnd.String() + " 结束，改造须在其后 " + itoa(n) + " 个月内完成并申请验收，完成期限为 " +
		d.String() + "（参数 project.completion_months = " + itoa(n) + "，依据：" + v.source(kCompletionMonths) + "）")
}

// RectificationDeadline decides by when a project that failed its
// acceptance must pass a second one: acceptance.rectification_months
// months after the failed acceptance (第十八条: 及时整改).
func RectificationDeadline(v *Values, failedOn Date) (Date, Finding) {
	f := Finding{Rule: ruleRectificationDeadline, Article: "第十八条"}
	n := v.n[kRectificationMonths]
	d := failedOn.AddMonths(int(n))
	return d, f.pass(failedOn.String() + " 验收不通过，整改期限为 " + d.String() + "（" + itoa(n) +
		" 个月，参数 acceptance.rectification_months，依据：" + v.source(kRectificationMonths) + "）；整改后可再次申请验收，再次不通过或逾期未通过的终止项目（第十八条）")
}

// AssessmentFact is the digital-level assessment an acceptance relies on:
// the latest one after the retrofit.
type AssessmentFact struct {
	Level      int    // 0 = below 一级, 1…4
	ScoreCenti int64  // score × 100
	AssessedOn Date   // 评测日期
	Assessor   string // the third-party assessor
	ReportNo   string // the report's number, if any
}

// AcceptanceLevel decides whether the project may pass its acceptance: the
// enterprise's latest assessment after the retrofit must reach
// acceptance.min_level (二级 unless the call sets another), confirmed by a
// third party (FACTS §4). A nil assessment fails: there is nothing to
// confirm the level with.
func AcceptanceLevel(v *Values, a *AssessmentFact) Finding {
	f := Finding{Rule: ruleAcceptanceLevel, Article: "第十五条"}
	minLevel := int(v.n[kAcceptanceMinLevel])
	rule := "验收须经第三方评测达到数字化水平" + LevelName(minLevel) + "及以上（参数 acceptance.min_level = " + itoa(int64(minLevel)) +
		"，依据：" + v.source(kAcceptanceMinLevel) + "）"
	if a == nil {
		return f.fail(rule + "；该企业尚无改造后的数字化水平评测，不能通过验收")
	}
	got := "改造后最近一次评测（" + a.AssessedOn.String() + "，" + a.Assessor
	if a.ReportNo != "" {
		got += "，报告编号 " + a.ReportNo
	}
	got += "）为" + LevelName(a.Level) + "，得分 " + centi(a.ScoreCenti) + " 分"
	if a.Level < minLevel {
		return f.fail(rule + "；" + got + "，未达到，不能通过验收")
	}
	return f.pass(rule + "；" + got + "，已达到")
}

// PilotGoal decides whether an industry meets the pilot's goal: at least
// pilot.goal_share_bp of its enterprises at pilot.goal_level or above
// (FACTS §2). The comparison is in whole numbers: reached × 10000 ≥ goal ×
// total. An industry without enterprises does not meet it.
func PilotGoal(v *Values, industry string, reached, total int) Finding {
	f := Finding{Rule: rulePilotGoal, Article: "第十六条"}
	goal, level := v.n[kPilotGoalShare], int(v.n[kPilotGoalLevel])
	target := "目标：" + LevelName(level) + "及以上企业占比不低于 " + bpPercent(goal) + "（参数 pilot.goal_share_bp、pilot.goal_level，依据：" +
		v.source(kPilotGoalShare) + "）"
	if total == 0 {
		return f.fail(industry + "：尚无获奖补企业；" + target)
	}
	share := int64(reached) * 10000 / int64(total)
	got := industry + "：获奖补企业 " + itoa(int64(total)) + " 家，改造后评测达到" + LevelName(level) + "及以上 " + itoa(int64(reached)) +
		" 家，占 " + bpPercent(share) + "；" + target
	if int64(reached)*10000 >= goal*int64(total) {
		return f.pass(got + "，已达到")
	}
	return f.fail(got + "，未达到")
}

// centi shows a score kept in hundredths: 4250 → "42.50".
func centi(n int64) string {
	s := itoa(n / 100)
	r := n % 100
	if r < 10 {
		return s + ".0" + itoa(r)
	}
	return s + "." + itoa(r)
}

// bpPercent shows basis points as a percentage with up to two decimals,
// rounded down: 9000 → "90%", 6667 → "66.67%".
func bpPercent(bp int64) string {
	s := itoa(bp / 100)
	if r := bp % 100; r != 0 {
		if r < 10 {
			s += ".0" + itoa(r)
		} else {
			s += "." + trimZero(itoa(r))
		}
	}
	return s + "%"
}

func trimZero(s string) string {
	for len(s) > 1 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return s
}
