package policy

import (
	"sort"
	"strconv"
	"strings"
)

// Rule names of the assessment's findings.
const (
	ruleAssessmentAnswers = "AssessmentAnswers"
	ruleAssessmentScore   = "AssessmentScore"
	ruleAssessmentScenes  = "AssessmentScenarios"
	ruleAssessmentLevel   = "AssessmentLevel"
	ruleDigitalLevel      = "DigitalLevel"
	ruleAssessmentParams  = "AssessmentParams"
	ruleAssessmentReport  = "AssessmentReport"
)

// MaxDigitalLevel is the highest level of the 2024 indicators (四级).
const MaxDigitalLevel = 4

var digitalLevelLabels = [...]string{"未达到一级", "一级", "二级", "三级", "四级"}

// DigitalLevelLabel names a digital level: 0 → 未达到一级, 1 → 一级 … 4 → 四级.
func DigitalLevelLabel(level int) string {
	if level < 0 || level >= len(digitalLevelLabels) {
		return "等级" + strconv.Itoa(level)
	}
	return digitalLevelLabels[level]
}

// AssessmentAnswers are the answers of one questionnaire: the option chosen
// for each indicator and the level (0 = 未达到一级, 1–4) of each scenario.
type AssessmentAnswers struct {
	Indicators map[string]string `json:"indicators"`
	Scenarios  map[string]int    `json:"scenarios"`
}

// IndicatorField and ScenarioField are the form field names of an indicator
// and of a scenario; answer errors name them.
func IndicatorField(code string) string { return "ind_" + code }

// ScenarioField is the form field name of a scenario's level.
func ScenarioField(code string) string { return "scn_" + code }

// Validate checks the answers against the set: every indicator answered
// with one of its options, every scenario rated 0–4, nothing unknown. The
// error is FieldProblems naming the form fields.
func (s *IndicatorSet) Validate(a AssessmentAnswers) error {
	var probs FieldProblems
	known := map[string]bool{}
	for _, ind := range s.Indicators() {
		known[ind.Code] = true
		v, ok := a.Indicators[ind.Code]
		switch {
		case !ok || v == "":
			probs.add(IndicatorField(ind.Code), "请选择「%s」", ind.Name)
		case !hasOption(ind, v):
			probs.add(IndicatorField(ind.Code), "「%s」没有选项 %q", ind.Name, v)
		}
	}
	for _, code := range sortedKeys(a.Indicators) {
		if !known[code] {
			probs.add("answers", "未知指标 %q", code)
		}
	}
	known = map[string]bool{}
	for _, sc := range s.Scenarios {
		known[sc.Code] = true
		l, ok := a.Scenarios[sc.Code]
		switch {
		case !ok:
			probs.add(ScenarioField(sc.Code), "请评定「%s」场景的等级", sc.Name.Value)
		case l < 0 || l > MaxDigitalLevel:
			probs.add(ScenarioField(sc.Code), "「%s」场景的等级应为0（未达到一级）至4（四级），实际为%d", sc.Name.Value, l)
		}
	}
	for _, code := range sortedKeys(a.Scenarios) {
		if !known[code] {
			probs.add("answers", "未知业务场景 %q", code)
		}
	}
	if len(probs) > 0 {
		return probs
	}
	return nil
}

func hasOption(ind Indicator, v string) bool {
	for _, o := range ind.Options {
		if o.Value == v {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// AssessmentResult is a computed (or reported) assessment, self-contained so
// that it can be stored and shown years later without the indicator set.
type AssessmentResult struct {
	Version    string           `json:"version"`
	Document   string           `json:"document"`
	FromReport bool             `json:"from_report,omitempty"`
	ScoreCenti int64            `json:"score_centi"`
	MaxCenti   int64            `json:"max_centi"`
	Level      int              `json:"level"`
	Dimensions []DimensionScore `json:"dimensions,omitempty"`
	Scenarios  []ScenarioRating `json:"scenarios,omitempty"`
	Levels     []LevelCheck     `json:"levels"`
	Findings   []Finding        `json:"findings"`
}

// DimensionScore is a dimension's score and maximum.
type DimensionScore struct {
	Code       string       `json:"code"`
	Name       string       `json:"name"`
	MaxCenti   int64        `json:"max_centi"`
	ScoreCenti int64        `json:"score_centi"`
	Groups     []GroupScore `json:"groups"`
}

// GroupScore is a group's score and maximum.
type GroupScore struct {
	Code       string           `json:"code"`
	Name       string           `json:"name"`
	MaxCenti   int64            `json:"max_centi"`
	ScoreCenti int64            `json:"score_centi"`
	Indicators []IndicatorScore `json:"indicators"`
}

// IndicatorScore is the option chosen for an indicator and its points.
type IndicatorScore struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Option      string `json:"option"`
	OptionLabel string `json:"option_label"`
	MaxCenti    int64  `json:"max_centi"`
	ScoreCenti  int64  `json:"score_centi"`
}

// ScenarioRating is a scenario's level.
type ScenarioRating struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Mandatory bool   `json:"mandatory"`
	Level     int    `json:"level"`
}

// LevelCheck is one row of the level table with what was met. For a
// reported assessment the scenario counts are unknown (-1) and only the
// score is checked.
type LevelCheck struct {
	Level         int   `json:"level"`
	MinScoreCenti int64 `json:"min_score_centi"`
	MinScenarios  int   `json:"min_scenarios"`
	MinMandatory  int   `json:"min_mandatory"`
	Scenarios     int   `json:"scenarios"`
	Mandatory     int   `json:"mandatory"`
	ScoreMet      bool  `json:"score_met"`
	ScenariosMet  bool  `json:"scenarios_met"`
	MandatoryMet  bool  `json:"mandatory_met"`
	Met           bool  `json:"met"`
}

// LevelLabel names the row's level for templates.
func (c LevelCheck) LevelLabel() string { return DigitalLevelLabel(c.Level) }

// LevelLabel names the result's level for templates.
func (r *AssessmentResult) LevelLabel() string { return DigitalLevelLabel(r.Level) }

// Assess computes the score and level of validated answers under one
// version of the indicator set. The score is the sum of the chosen options'
// points; the level is the highest level whose three conditions — score,
// scenarios at that level or higher, and how many of those are 约束性 — hold
// together with those of every lower level (工信厅企业〔2024〕56号分级条件).
// Invalid answers return the FieldProblems of Validate.
func Assess(s *IndicatorSet, a AssessmentAnswers) (*AssessmentResult, error) {
	if err := s.Validate(a); err != nil {
		return nil, err
	}
	r := &AssessmentResult{Version: s.Version(), Document: s.Document, MaxCenti: s.MaxCenti()}
	r.score(s, a)
	r.rate(s, a)
	r.levels(s)
	r.Findings = append(r.Findings, r.conclusion(s), paramsFinding(s))
	return r, nil
}

func (r *AssessmentResult) score(s *IndicatorSet, a AssessmentAnswers) {
	var parts []string
	for _, d := range s.Dimensions {
		ds := DimensionScore{Code: d.Code, Name: d.Name, MaxCenti: d.Points.Value}
		for _, g := range d.Groups {
			gs := GroupScore{Code: g.Code, Name: g.Name, MaxCenti: g.Points.Value}
			for _, ind := range g.Indicators {
				is := IndicatorScore{Code: ind.Code, Name: ind.Name, Option: a.Indicators[ind.Code], MaxCenti: ind.MaxPoints()}
				for _, o := range ind.Options {
					if o.Value == is.Option {
						is.OptionLabel, is.ScoreCenti = o.Label, o.Points.Value
					}
				}
				gs.ScoreCenti += is.ScoreCenti
				gs.Indicators = append(gs.Indicators, is)
			}
			ds.ScoreCenti += gs.ScoreCenti
			ds.Groups = append(ds.Groups, gs)
		}
		r.ScoreCenti += ds.ScoreCenti
		r.Dimensions = append(r.Dimensions, ds)
		parts = append(parts, d.Name+Points(ds.ScoreCenti)+"分（满分"+Points(ds.MaxCenti)+"分）")
	}
	r.Findings = append(r.Findings, Finding{Rule: ruleAssessmentScore, Article: s.Document, Outcome: NotApplicable,
		Message: "按评测指标版本" + s.Version() + "计分：" + strings.Join(parts, "，") + "，合计" + Points(r.ScoreCenti) + "分"})
}

func (r *AssessmentResult) rate(s *IndicatorSet, a AssessmentAnswers) {
	for _, sc := range s.Scenarios {
		r.Scenarios = append(r.Scenarios, ScenarioRating{Code: sc.Code, Name: sc.Name.Value, Mandatory: sc.Mandatory.Value,
			Level: a.Scenarios[sc.Code]})
	}
	parts := make([]string, 0, MaxDigitalLevel)
	for l := 1; l <= MaxDigitalLevel; l++ {
		n, m := r.countAtLeast(l)
		parts = append(parts, atLeast(l)+strconv.Itoa(n)+"个（其中约束性"+strconv.Itoa(m)+"个）")
	}
	r.Findings = append(r.Findings, Finding{Rule: ruleAssessmentScenes, Article: s.Document, Outcome: NotApplicable,
		Message: strconv.Itoa(len(s.Scenarios)) + "个业务场景（约束性" + strconv.Itoa(s.MandatoryCount()) + "个）中，达到" +
			strings.Join(parts, "，")})
}

// countAtLeast counts the scenarios rated level l or higher, and the 约束性
// ones among them.
func (r *AssessmentResult) countAtLeast(l int) (all, mandatory int) {
	for _, sc := range r.Scenarios {
		if sc.Level >= l {
			all++
			if sc.Mandatory {
				mandatory++
			}
		}
	}
	return all, mandatory
}

// levels checks each row of the level table and sets the level: the
// highest row met with every row below it met too.
func (r *AssessmentResult) levels(s *IndicatorSet) {
	cumulative := true
	for _, rule := range s.Levels {
		c := LevelCheck{Level: rule.Level, MinScoreCenti: rule.MinScore.Value, MinScenarios: rule.MinScenarios.Value,
			MinMandatory: rule.MinMandatory.Value}
		c.Scenarios, c.Mandatory = r.countAtLeast(rule.Level)
		c.ScoreMet = r.ScoreCenti >= c.MinScoreCenti
		c.ScenariosMet = c.Scenarios >= c.MinScenarios
		c.MandatoryMet = c.Mandatory >= c.MinMandatory
		c.Met = c.ScoreMet && c.ScenariosMet && c.MandatoryMet
		cumulative = cumulative && c.Met
		if cumulative {
			r.Level = rule.Level
		}
		r.Levels = append(r.Levels, c)
		r.Findings = append(r.Findings, levelFinding(s, c, r.ScoreCenti))
	}
}

// levelFinding explains one row: 「二级：得分42.5分≥40分；达到二级及以上的场景7个≥6个，
// 其中约束性场景4个≥3个：达到二级」.
func levelFinding(s *IndicatorSet, c LevelCheck, score int64) Finding {
	lbl := DigitalLevelLabel(c.Level)
	msg := lbl + "：得分" + compare(Points(score)+"分", c.ScoreMet, Points(c.MinScoreCenti)+"分") +
		"；达到" + atLeast(c.Level) + "的场景" + compare(strconv.Itoa(c.Scenarios)+"个", c.ScenariosMet, strconv.Itoa(c.MinScenarios)+"个") +
		"，其中约束性场景" + compare(strconv.Itoa(c.Mandatory)+"个", c.MandatoryMet, strconv.Itoa(c.MinMandatory)+"个")
	f := Finding{Rule: ruleAssessmentLevel, Article: s.Document}
	if c.Met {
		return f.pass(msg + "：达到" + lbl)
	}
	return f.fail(msg + "：未达到" + lbl)
}

// atLeast names "level l or higher": 二级及以上, but just 四级 for the top.
func atLeast(l int) string {
	if l >= MaxDigitalLevel {
		return DigitalLevelLabel(l)
	}
	return DigitalLevelLabel(l) + "及以上"
}

func compare(got string, met bool, want string) string {
	if met {
		return got + "≥" + want
	}
	return got + "<" + want
}

func (r *AssessmentResult) conclusion(s *IndicatorSet) Finding {
	f := Finding{Rule: ruleDigitalLevel, Article: s.Document}
	msg := "评测等级：" + DigitalLevelLabel(r.Level) + "（得分" + Points(r.ScoreCenti) + "分；依据《" + s.Title + "》分级条件，指标版本" +
		s.Version() + "）"
	if r.Level == 0 {
		return f.fail(msg)
	}
	return f.pass(msg)
}

// paramsFinding says which version was used and how much of it is
// unconfirmed, so that the result is read with that in mind.
func paramsFinding(s *IndicatorSet) Finding {
	msg := "所用评测指标版本" + s.Version() + "（自" + s.From.String() + "起适用）"
	if n := s.UnconfirmedCount(); n > 0 {
		msg += "：其中" + strconv.Itoa(n) + "项数值的公开原文未能核对（来源为二手资料或本系统拟定），以管理员依据正式文件更正后的版本为准"
	} else {
		msg += "：全部数值已依据正式文件核对"
	}
	return Finding{Rule: ruleAssessmentParams, Article: s.Document, Outcome: NotApplicable, Message: msg}
}

// AssessmentReport is a third-party assessment report entered by hand.
type AssessmentReport struct {
	ReportNo   string
	Assessor   string
	Date       Date
	ScoreCenti int64
	Level      int // 0–4
}

// CheckAssessmentReport explains a reported score and level against the
// level table of the set in force. Without the scenario ratings only the
// score can be checked: a reported level needs at least its minimum score
// (a lower level than the score allows is consistent — the scenario
// conditions may have failed). ok is false when the report is inconsistent;
// its finding says why.
func CheckAssessmentReport(s *IndicatorSet, rep AssessmentReport) (r *AssessmentResult, ok bool) {
	r = &AssessmentResult{Version: s.Version(), Document: s.Document, FromReport: true, ScoreCenti: rep.ScoreCenti,
		MaxCenti: s.MaxCenti(), Level: rep.Level}
	r.Findings = append(r.Findings, Finding{Rule: ruleAssessmentReport, Article: s.Document, Outcome: NotApplicable,
		Message: "依据第三方评测报告录入（报告编号" + rep.ReportNo + "，评测机构" + rep.Assessor + "，评测日期" + rep.Date.String() +
			"）：得分" + Points(rep.ScoreCenti) + "分，等级" + DigitalLevelLabel(rep.Level) + "；业务场景的评定以报告为准，本系统未逐项计分"})
	for _, rule := range s.Levels {
		c := LevelCheck{Level: rule.Level, MinScoreCenti: rule.MinScore.Value, MinScenarios: rule.MinScenarios.Value,
			MinMandatory: rule.MinMandatory.Value, Scenarios: -1, Mandatory: -1}
		c.ScoreMet = rep.ScoreCenti >= c.MinScoreCenti
		c.Met = rule.Level <= rep.Level
		r.Levels = append(r.Levels, c)
	}
	f := Finding{Rule: ruleDigitalLevel, Article: s.Document}
	lbl, score := DigitalLevelLabel(rep.Level), Points(rep.ScoreCenti)+"分"
	rule, found := s.Level(rep.Level)
	switch {
	case rep.ScoreCenti < 0 || rep.ScoreCenti > r.MaxCenti:
		r.Findings = append(r.Findings, f.fail("报告得分"+score+"超出0至"+Points(r.MaxCenti)+"分的范围，与评测指标不一致"))
		return r, false
	case rep.Level < 0 || rep.Level > MaxDigitalLevel:
		r.Findings = append(r.Findings, f.fail("报告等级"+strconv.Itoa(rep.Level)+"不是一级至四级之一"))
		return r, false
	case rep.Level == 0:
		r.Findings = append(r.Findings, f.pass("评测等级：未达到一级（报告得分"+score+"；按版本"+s.Version()+"分级条件，未达到一级与任何得分都不矛盾）"))
	case !found:
		r.Findings = append(r.Findings, f.fail("评测指标版本"+s.Version()+"没有"+lbl+"的分级条件"))
		return r, false
	case rep.ScoreCenti < rule.MinScore.Value:
		r.Findings = append(r.Findings, f.fail("报告等级为"+lbl+"，但得分"+score+"<"+lbl+"所需"+Points(rule.MinScore.Value)+
			"分（版本"+s.Version()+"分级条件），与分级条件不一致"))
		return r, false
	default:
		r.Findings = append(r.Findings, f.pass("评测等级："+lbl+"（报告得分"+score+"≥"+lbl+"所需"+Points(rule.MinScore.Value)+
			"分，与版本"+s.Version()+"分级条件一致；场景条件以报告为准）"))
	}
	r.Findings = append(r.Findings, paramsFinding(s))
	return r, true
}
