package policy

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

// The expected figures below are those of FACTS §5, written out by hand.

func TestAssessmentBaseFigures(t *testing.T) {
	s := AssessmentBase()
	if s.Version() != "2024.1" || s.Document != "工信厅企业〔2024〕56号" || s.EffectiveFrom != d("2024-09-04") {
		t.Fatalf("base %s %s %s", s.Version(), s.Document, s.EffectiveFrom)
	}
	if s.MaxCenti() != 10000 {
		t.Errorf("total %d, want 100 points", s.MaxCenti())
	}
	wantDims := map[string]int64{"数字化基础": 5000, "数字化管理": 3000, "数字化成效": 2000}
	wantGroups := map[string]int64{"设备系统": 2000, "数据采集": 1000, "信息系统": 1000, "信息安全": 1000,
		"规划实施": 750, "管理制度": 750, "人才": 750, "资金投入": 750}
	for _, dim := range s.Dimensions {
		if w, ok := wantDims[dim.Name]; !ok || dim.Points.Value != w {
			t.Errorf("dimension %s = %d, want %d", dim.Name, dim.Points.Value, w)
		}
		var sum int64
		for _, g := range dim.Groups {
			sum += g.Points.Value
			if w, ok := wantGroups[g.Name]; ok && g.Points.Value != w {
				t.Errorf("group %s = %d, want %d", g.Name, g.Points.Value, w)
			}
			delete(wantGroups, g.Name)
		}
		if sum != dim.Points.Value {
			t.Errorf("groups of %s sum to %d, want %d", dim.Name, sum, dim.Points.Value)
		}
		delete(wantDims, dim.Name)
	}
	if len(wantDims)+len(wantGroups) != 0 {
		t.Errorf("missing dimensions %v or groups %v", wantDims, wantGroups)
	}
	wantLevels := [][3]int64{{2000, 6, 3}, {4000, 6, 3}, {6000, 8, 5}, {8000, 10, 6}}
	for i, r := range s.Levels {
		if r.Level != i+1 || r.MinScore.Value != wantLevels[i][0] || int64(r.MinScenarios.Value) != wantLevels[i][1] ||
			int64(r.MinMandatory.Value) != wantLevels[i][2] {
			t.Errorf("level row %d: %+v, want %v", i, r, wantLevels[i])
		}
	}
	for _, f := range s.Figures() {
		if f.Ref.Source == "" || !f.Ref.Unconfirmed || f.Ref.From != s.EffectiveFrom || f.Ref.Revision != 0 {
			t.Errorf("figure %s: source %q unconfirmed %v from %s revision %d", f.Key, f.Ref.Source, f.Ref.Unconfirmed, f.Ref.From, f.Ref.Revision)
		}
	}
}

// The 16 business scenarios of the 2024 indicators and the ten taken as 约束性.
func TestAssessmentScenarios(t *testing.T) {
	s := AssessmentBase()
	want := []string{"产品设计", "工艺设计", "营销管理", "售后服务", "计划排程", "生产管控", "质量管理", "设备管理",
		"安全生产", "能耗管理", "采购管理", "仓储物流", "财务管理", "人力资源", "协同办公", "决策支持"}
	mandatory := map[string]bool{"产品设计": true, "工艺设计": true, "营销管理": true, "计划排程": true, "生产管控": true,
		"质量管理": true, "设备管理": true, "采购管理": true, "仓储物流": true, "财务管理": true}
	if len(s.Scenarios) != 16 {
		t.Fatalf("%d scenarios, want 16", len(s.Scenarios))
	}
	for i, sc := range s.Scenarios {
		if sc.Name.Value != want[i] || sc.Mandatory.Value != mandatory[want[i]] {
			t.Errorf("scenario %d = %s (约束性 %v), want %s (%v)", i, sc.Name.Value, sc.Mandatory.Value, want[i], mandatory[want[i]])
		}
		// Rating only this scenario 四级 shows it, and counts it as 约束性
		// exactly when it is.
		a := answers(s, "a", 0)
		a.Scenarios[sc.Code] = 4
		r, err := Assess(s, a)
		if err != nil {
			t.Fatal(err)
		}
		n, m := r.countAtLeast(4)
		wantM := 0
		if mandatory[want[i]] {
			wantM = 1
		}
		if n != 1 || m != wantM || r.Scenarios[i].Level != 4 || r.Scenarios[i].Name != want[i] {
			t.Errorf("%s rated 四级: counted %d (约束性 %d), rating %+v", want[i], n, m, r.Scenarios[i])
		}
	}
}

// answers chooses option opt for every indicator and rates every scenario
// level.
func answers(s *IndicatorSet, opt string, level int) AssessmentAnswers {
	a := AssessmentAnswers{Indicators: map[string]string{}, Scenarios: map[string]int{}}
	for _, ind := range s.Indicators() {
		a.Indicators[ind.Code] = opt
	}
	for _, sc := range s.Scenarios {
		a.Scenarios[sc.Code] = level
	}
	return a
}

// with returns a with the options set (indicator code → option).
func with(a AssessmentAnswers, opts map[string]string) AssessmentAnswers {
	a = clone(a)
	for k, v := range opts {
		a.Indicators[k] = v
	}
	return a
}

// rate sets scenarios to level: n mandatory and k others, in set order.
func rate(s *IndicatorSet, a AssessmentAnswers, level, mandatory, others int) AssessmentAnswers {
	a = clone(a)
	for _, sc := range s.Scenarios {
		switch {
		case sc.Mandatory.Value && mandatory > 0:
			a.Scenarios[sc.Code] = level
			mandatory--
		case !sc.Mandatory.Value && others > 0:
			a.Scenarios[sc.Code] = level
			others--
		}
	}
	return a
}

func clone(a AssessmentAnswers) AssessmentAnswers {
	return AssessmentAnswers{Indicators: maps.Clone(a.Indicators), Scenarios: maps.Clone(a.Scenarios)}
}

// score40 is 10+10+7+7+3+3 = 40 points; score39_5 is 10+10+7+7+3+2.5.
var (
	score40 = map[string]string{"equip_digital": "d", "equip_network": "d", "data_collection": "c", "system_coverage": "c",
		"security_protection": "b", "efficiency_gain": "b"}
	score39_5 = map[string]string{"equip_digital": "d", "equip_network": "d", "data_collection": "c", "system_coverage": "c",
		"security_protection": "b", "transformation_plan": "b"}
)

func assess(t *testing.T, s *IndicatorSet, a AssessmentAnswers) *AssessmentResult {
	t.Helper()
	r, err := Assess(s, a)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAssessLevelBoundaries(t *testing.T) {
	s := AssessmentBase()
	// Every scenario 一级, then some raised to 二级: 3 mandatory + 3 others.
	base := func(opts map[string]string, mandatory, others int) AssessmentAnswers {
		return rate(s, with(answers(s, "a", 1), opts), 2, mandatory, others)
	}
	cases := []struct {
		name  string
		a     AssessmentAnswers
		score int64
		level int
		say   string
	}{
		{"exactly 40 points", base(score40, 3, 3), 4000, 2, "二级：得分40分≥40分；达到二级及以上的场景6个≥6个，其中约束性场景3个≥3个：达到二级"},
		{"39.5 points", base(score39_5, 3, 3), 3950, 1, "二级：得分39.5分<40分；达到二级及以上的场景6个≥6个，其中约束性场景3个≥3个：未达到二级"},
		{"5 scenarios at 二级", base(score40, 3, 2), 4000, 1, "达到二级及以上的场景5个<6个，其中约束性场景3个≥3个：未达到二级"},
		{"2 of 6 约束性", base(score40, 2, 4), 4000, 1, "达到二级及以上的场景6个≥6个，其中约束性场景2个<3个：未达到二级"},
		{"3 of 6 约束性", base(score40, 3, 3), 4000, 2, "其中约束性场景3个≥3个：达到二级"},
	}
	for _, c := range cases {
		r := assess(t, s, c.a)
		if r.ScoreCenti != c.score || r.Level != c.level {
			t.Errorf("%s: score %d level %d, want %d %d", c.name, r.ScoreCenti, r.Level, c.score, c.level)
		}
		if !hasFinding(r.Findings, c.say) {
			t.Errorf("%s: no finding saying %q: %v", c.name, c.say, r.Findings)
		}
	}
}

func hasFinding(fs []Finding, say string) bool {
	for _, f := range fs {
		if strings.Contains(f.Message, say) && f.Article == "工信厅企业〔2024〕56号" {
			return true
		}
	}
	return false
}

func TestAssessBelowLevelOne(t *testing.T) {
	s := AssessmentBase()
	// 10 + 7 + 2.5 = 19.5 points with every scenario 一级: the score fails.
	low := with(answers(s, "a", 1), map[string]string{"equip_digital": "d", "security_protection": "c", "digital_talent": "b"})
	r := assess(t, s, low)
	if r.ScoreCenti != 1950 || r.Level != 0 || !hasFinding(r.Findings, "一级：得分19.5分<20分") ||
		!hasFinding(r.Findings, "评测等级：未达到一级") {
		t.Errorf("19.5 points: %d level %d %v", r.ScoreCenti, r.Level, r.Findings)
	}
	// 40 points but only 5 scenarios reach 一级 (3 约束性): the scenarios fail.
	few := rate(s, with(answers(s, "a", 0), score40), 1, 3, 2)
	r = assess(t, s, few)
	if r.Level != 0 || !hasFinding(r.Findings, "达到一级及以上的场景5个<6个") {
		t.Errorf("5 scenarios: level %d %v", r.Level, r.Findings)
	}
	// Nothing done at all.
	r = assess(t, s, answers(s, "a", 0))
	if r.ScoreCenti != 0 || r.Level != 0 {
		t.Errorf("all zero: %d %d", r.ScoreCenti, r.Level)
	}
}

func TestAssessHigherLevels(t *testing.T) {
	s := AssessmentBase()
	// 数字化基础 all at the top (50) + 规划实施 5 + 管理制度 5 = 60 points.
	sixty := with(answers(s, "a", 1), map[string]string{"equip_digital": "d", "equip_network": "d", "data_collection": "d",
		"system_coverage": "d", "security_protection": "d", "transformation_plan": "c", "management_rules": "c"})
	r := assess(t, s, rate(s, sixty, 3, 5, 3))
	if r.ScoreCenti != 6000 || r.Level != 3 || !hasFinding(r.Findings, "三级：得分60分≥60分；达到三级及以上的场景8个≥8个，其中约束性场景5个≥5个：达到三级") {
		t.Errorf("三级: %d %d %v", r.ScoreCenti, r.Level, r.Findings)
	}
	r = assess(t, s, rate(s, sixty, 3, 4, 4))
	if r.Level != 2 {
		t.Errorf("4 约束性 at 三级: level %d, want 2", r.Level)
	}
	r = assess(t, s, answers(s, "d", 4))
	if r.ScoreCenti != 10000 || r.Level != 4 || !hasFinding(r.Findings, "四级：得分100分≥80分；达到四级的场景16个≥10个，其中约束性场景10个≥6个：达到四级") {
		t.Errorf("full marks: %d %d %v", r.ScoreCenti, r.Level, r.Findings)
	}
	// Per dimension and indicator.
	if r.Dimensions[0].ScoreCenti != 5000 || r.Dimensions[1].Groups[0].Indicators[0].ScoreCenti != 750 {
		t.Errorf("breakdown %+v", r.Dimensions)
	}
}

func TestAssessInvalidAnswers(t *testing.T) {
	s := AssessmentBase()
	a := answers(s, "a", 1)
	delete(a.Indicators, "equip_digital")
	a.Indicators["data_collection"] = "z"
	a.Indicators["no_such"] = "a"
	a.Scenarios["quality"] = 5
	delete(a.Scenarios, "finance")
	_, err := Assess(s, a)
	var probs FieldProblems
	if !errors.As(err, &probs) {
		t.Fatalf("err %v", err)
	}
	want := map[string]string{"ind_equip_digital": "请选择「生产设备数字化率」", "ind_data_collection": "没有选项 \"z\"",
		"answers": "未知指标 \"no_such\"", "scn_quality": "「质量管理」场景的等级应为0（未达到一级）至4（四级），实际为5",
		"scn_finance": "请评定「财务管理」场景的等级"}
	got := map[string]string{}
	for _, p := range probs {
		got[p.Field] = p.Message
	}
	for f, w := range want {
		if !strings.Contains(got[f], w) {
			t.Errorf("field %s: %q, want %q", f, got[f], w)
		}
	}
	if len(probs) != len(want) {
		t.Errorf("%d problems, want %d: %v", len(probs), len(want), probs)
	}
}

func TestParsePoints(t *testing.T) {
	good := map[string]int64{"7.5": 750, "42.25": 4225, "40": 4000, "0": 0, "100": 10000, "0.05": 5, " 12.5 ": 1250}
	for in, w := range good {
		if got, err := ParsePoints(in); err != nil || got != w {
			t.Errorf("ParsePoints(%q) = %d, %v; want %d", in, got, err, w)
		}
	}
	for _, in := range []string{"", "7.555", "-1", "100.01", "1e2", "7.", ".5", "abc", "1000"} {
		if _, err := ParsePoints(in); err == nil {
			t.Errorf("ParsePoints(%q) accepted", in)
		}
	}
	for c, w := range map[int64]string{4250: "42.5", 4000: "40", 725: "7.25", 5: "0.05", 0: "0"} {
		if Points(c) != w {
			t.Errorf("Points(%d) = %s, want %s", c, Points(c), w)
		}
	}
}

func correction(key, value, from string) IndicatorCorrection {
	return IndicatorCorrection{Key: key, Value: value, From: d(from), Source: "工信厅企业〔2024〕56号附件评测表第三部分", Confirmed: true}
}

func TestCorrectionMakesANewVersion(t *testing.T) {
	base := AssessmentBase()
	n, err := base.Apply(correction("level.2.min_score", "45", "2025-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	if n.Version() != "2024.1+r1" || n.From != d("2025-03-01") || base.Version() != "2024.1" {
		t.Fatalf("versions %s (from %s), base %s", n.Version(), n.From, base.Version())
	}
	f, _ := n.Figure("level.2.min_score")
	if f.Value != "45" || f.Ref.Unconfirmed || f.Ref.Revision != 1 || !strings.Contains(f.Ref.Source, "评测表") {
		t.Errorf("corrected figure %+v", f)
	}
	if old, _ := base.Figure("level.2.min_score"); old.Value != "40" {
		t.Errorf("base changed: %+v", old)
	}
	// The same answers: 二级 under the base, 一级 under the correction.
	a := rate(base, with(answers(base, "a", 1), score40), 2, 3, 3)
	if r := assess(t, base, a); r.Level != 2 || r.Version != "2024.1" {
		t.Errorf("base: %d %s", r.Level, r.Version)
	}
	if r := assess(t, n, a); r.Level != 1 || r.Version != "2024.1+r1" || !hasFinding(r.Findings, "得分40分<45分") {
		t.Errorf("corrected: %d %s %v", r.Level, r.Version, r.Findings)
	}
	// A scenario's 约束性 flag and a point value of an option.
	n2, err := n.ApplyAll([]IndicatorCorrection{correction("scenario.energy.mandatory", "是", "2025-03-01"),
		correction("opt.transformation_plan.b.points", "2", "2025-04-01")})
	if err != nil || n2.Version() != "2024.1+r3" || n2.MandatoryCount() != 11 {
		t.Fatalf("two more: %v %s %d", err, n2.Version(), n2.MandatoryCount())
	}
}

func TestCorrectionRefusals(t *testing.T) {
	base := AssessmentBase()
	later, err := base.Apply(correction("scenario.office.name", "协同办公管理", "2025-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	all16, err := base.Apply(correction("level.4.min_scenarios", "16", "2025-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		set   *IndicatorSet
		c     IndicatorCorrection
		field string
		say   string
	}{
		{base, correction("no.such", "1", "2025-01-01"), "key", "请选择要更正的数值"},
		{base, IndicatorCorrection{Key: "level.1.min_score", Value: "25", From: d("2025-01-01")}, "source", "必须注明依据"},
		{base, correction("level.1.min_score", "25", "2024-01-01"), "from", "不得早于当前版本2024.1的生效日期2024-09-04"},
		{later, correction("level.1.min_score", "25", "2025-05-31"), "from", "不得早于当前版本2024.1+r1的生效日期2025-06-01"},
		{base, correction("level.1.min_score", "20", "2025-01-01"), "value", "新值与现值（20）相同"},
		{base, correction("level.1.min_score", "abc", "2025-01-01"), "value", "分值"},
		{base, correction("scenario.safety.mandatory", "也许", "2025-01-01"), "value", "应为“是”或“否”"},
		// 设备系统 holds 20 points: its options may not sum to more.
		{base, correction("opt.equip_digital.d.points", "11", "2025-01-01"), "value", "「设备系统」各指标最高分合计21分，超过该分项分值20分"},
		{base, correction("level.3.min_score", "30", "2025-01-01"), "value", "三级的条件低于二级"},
		{all16, correction("level.4.min_mandatory", "11", "2025-01-01"), "value", "超过约束性场景总数10个"},
		{base, correction("level.4.min_mandatory", "11", "2025-01-01"), "value", "四级所需约束性场景11个多于所需场景10个"},
		{base, correction("scenario.safety.name", "产品设计", "2025-01-01"), "value", "名称「产品设计」重复"},
	}
	for _, c := range cases {
		_, err := c.set.Apply(c.c)
		var probs FieldProblems
		if !errors.As(err, &probs) {
			t.Errorf("%s=%s: err %v, want a field problem", c.c.Key, c.c.Value, err)
			continue
		}
		found := false
		for _, p := range probs {
			found = found || p.Field == c.field && strings.Contains(p.Message, c.say)
		}
		if !found {
			t.Errorf("%s=%s: %v, want %s: %q", c.c.Key, c.c.Value, probs, c.field, c.say)
		}
	}
	// Moving points one correction at a time works: lower one, then raise another.
	n, err := base.ApplyAll([]IndicatorCorrection{correction("opt.equip_digital.d.points", "9", "2025-01-01"),
		correction("opt.equip_network.d.points", "11", "2025-01-01")})
	if err != nil || n.Revision != 2 {
		t.Errorf("move a point: %v", err)
	}
}

func TestCheckAssessmentReport(t *testing.T) {
	s := AssessmentBase()
	rep := AssessmentReport{ReportNo: "JL-PC-2025-031", Assessor: "吉林省某评测机构", Date: d("2025-10-20"), ScoreCenti: 4250, Level: 2}
	r, ok := CheckAssessmentReport(s, rep)
	if !ok || r.Level != 2 || !r.FromReport || !hasFinding(r.Findings, "报告编号JL-PC-2025-031") ||
		!hasFinding(r.Findings, "评测等级：二级（报告得分42.5分≥二级所需40分") {
		t.Errorf("consistent report: %v %v", ok, r.Findings)
	}
	for _, c := range []struct {
		score int64
		level int
		ok    bool
		say   string
	}{
		{5500, 3, false, "报告等级为三级，但得分55分<三级所需60分"},
		{3999, 2, false, "得分39.99分<二级所需40分"},
		{6000, 3, true, "三级所需60分"},
		{9000, 0, true, "未达到一级"},
		{8500, 3, true, "三级"}, // 四级 by score, but the scenarios may not reach it
		{10001, 1, false, "超出0至100分"},
		{5000, 5, false, "不是一级至四级之一"},
	} {
		rep.ScoreCenti, rep.Level = c.score, c.level
		r, ok := CheckAssessmentReport(s, rep)
		if ok != c.ok || !hasFinding(r.Findings, c.say) {
			t.Errorf("report %d/%d: ok %v %v, want %v %q", c.score, c.level, ok, r.Findings, c.ok, c.say)
		}
	}
}

func TestLoadIndicatorSetRefusesBadFiles(t *testing.T) {
	good := string(AssessmentParamsJSON())
	for name, bad := range map[string]string{
		"unknown source": strings.Replace(good, `"source": "facts5"`, `"source": "nowhere"`, 1),
		"duplicate code": strings.Replace(good, `"code": "equip_network"`, `"code": "equip_digital"`, 1),
		"bad points":     strings.Replace(good, `"value": 50,`, `"value": 50.123,`, 1),
		"unknown field":  strings.Replace(good, `"title":`, `"titel":`, 1),
	} {
		if bad == good {
			t.Fatalf("%s: replacement did not apply", name)
		}
		if _, err := LoadIndicatorSet([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if DigitalLevelLabel(0) != "未达到一级" || DigitalLevelLabel(2) != "二级" || DigitalLevelLabel(4) != "四级" {
		t.Error("level labels")
	}
}
