package policy

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The digital-level assessment (数字化水平评测) of 《中小企业数字化水平评测指标
// （2024年版）》 (工信厅企业〔2024〕56号): acceptance (验收) asks that a retrofitted
// enterprise reach 二级 under it, confirmed by a third-party assessment.
//
// The published questionnaire could not be checked against its original
// text: the dimension weights, the 16 business scenarios, which of them are
// 约束性 and the level table come from secondary sources, and the questions
// and option points are this system's own reading. So every figure is data
// in params/assessment.json with its source and an "unconfirmed" flag, and
// an administrator corrects any figure with a citation: each correction is a
// new version of the set (base version + corrections in order), and every
// assessment records the version it was computed with.

//go:embed params/assessment.json
var assessmentParamsJSON []byte

// FigureRef says where one figure of the indicator set comes from.
type FigureRef struct {
	Source      string `json:"source"`             // the document, or the correction's citation
	Unconfirmed bool   `json:"unconfirmed"`        // the published detail could not be checked
	Revision    int    `json:"revision,omitempty"` // 0: the embedded base; n: set by the n-th correction
	From        Date   `json:"from"`               // the date the value applies from
}

// Figure is one correctable value with its source.
type Figure[T any] struct {
	Value T
	Ref   FigureRef
}

// IndicatorSet is one version of the assessment's indicators: the embedded
// base with the first Revision corrections applied. It is immutable; Apply
// returns a new version.
type IndicatorSet struct {
	Base          string // version of the embedded file, e.g. "2024.1"
	Revision      int    // number of corrections applied
	Title         string
	Document      string // 工信厅企业〔2024〕56号
	Source        string // the document's full citation
	Note          string
	EffectiveFrom Date // the base's effective date
	From          Date // the date this version applies from (the last correction's, or EffectiveFrom)
	Dimensions    []Dimension
	Scenarios     []Scenario
	Levels        []LevelRule // levels 1–4 in order
}

// Dimension is one of the three dimensions (数字化基础, 数字化管理, 数字化成效).
type Dimension struct {
	Code   string
	Name   string
	Points Figure[int64] // maximum, in hundredths of a point
	Groups []Group
}

// Group is a part of a dimension (设备系统, 数据采集 …) with its maximum.
type Group struct {
	Code       string
	Name       string
	Points     Figure[int64]
	Indicators []Indicator
}

// Indicator is one question of the questionnaire; the answer is one option.
type Indicator struct {
	Code     string
	Name     string
	Question string
	Options  []Option
}

// Option is one answer to an indicator and the points it scores.
type Option struct {
	Value  string // a, b, c, d
	Label  string
	Points Figure[int64] // hundredths of a point
}

// Scenario is one of the 16 business scenarios (业务场景), rated level 0–4.
type Scenario struct {
	Code      string
	Name      Figure[string]
	Mandatory Figure[bool] // 约束性
}

// LevelRule is one row of the level table: the minimum score, the minimum
// number of scenarios at this level or higher, and how many of them must be
// 约束性.
type LevelRule struct {
	Level        int
	MinScore     Figure[int64] // hundredths of a point
	MinScenarios Figure[int]
	MinMandatory Figure[int]
}

// Version names this version: the base, or the base and the number of
// corrections ("2024.1+r2").
func (s *IndicatorSet) Version() string {
	if s.Revision == 0 {
		return s.Base
	}
	return s.Base + "+r" + strconv.Itoa(s.Revision)
}

// MaxCenti is the sum of the dimensions' maxima (100 points = 10000).
func (s *IndicatorSet) MaxCenti() int64 {
	var n int64
	for _, d := range s.Dimensions {
		n += d.Points.Value
	}
	return n
}

// MandatoryCount is the number of 约束性 scenarios.
func (s *IndicatorSet) MandatoryCount() int {
	n := 0
	for _, sc := range s.Scenarios {
		if sc.Mandatory.Value {
			n++
		}
	}
	return n
}

// Level returns the rule of level l (1–4).
func (s *IndicatorSet) Level(l int) (LevelRule, bool) {
	for _, r := range s.Levels {
		if r.Level == l {
			return r, true
		}
	}
	return LevelRule{}, false
}

// Indicators returns every indicator in questionnaire order.
func (s *IndicatorSet) Indicators() []Indicator {
	var out []Indicator
	for _, d := range s.Dimensions {
		for _, g := range d.Groups {
			out = append(out, g.Indicators...)
		}
	}
	return out
}

// MaxPoints is the indicator's highest option.
func (ind Indicator) MaxPoints() int64 {
	var m int64
	for _, o := range ind.Options {
		m = max(m, o.Points.Value)
	}
	return m
}

var assessmentBase = sync.OnceValues(func() (*IndicatorSet, error) {
	return LoadIndicatorSet(assessmentParamsJSON)
})

// AssessmentBase returns the embedded indicator set (revision 0).
func AssessmentBase() *IndicatorSet {
	s, err := assessmentBase()
	if err != nil {
		panic("policy: embedded params/assessment.json is invalid: " + err.Error())
	}
	return s
}

// AssessmentParamsJSON returns a copy of the embedded indicator file.
func AssessmentParamsJSON() []byte { return slices.Clone(assessmentParamsJSON) }

// ---- the file ----

type rawFigure struct {
	Value       json.RawMessage `json:"value"`
	Source      string          `json:"source"`
	Unconfirmed bool            `json:"unconfirmed"`
}

type rawSet struct {
	Version       string            `json:"version"`
	Title         string            `json:"title"`
	Document      string            `json:"document"`
	EffectiveFrom Date              `json:"effective_from"`
	Source        string            `json:"source"`
	Note          string            `json:"note"`
	Sources       map[string]string `json:"sources"`
	Dimensions    []struct {
		Code   string    `json:"code"`
		Name   string    `json:"name"`
		Points rawFigure `json:"points"`
		Groups []struct {
			Code       string    `json:"code"`
			Name       string    `json:"name"`
			Points     rawFigure `json:"points"`
			Indicators []struct {
				Code     string `json:"code"`
				Name     string `json:"name"`
				Question string `json:"question"`
				Options  []struct {
					Value  string    `json:"value"`
					Label  string    `json:"label"`
					Points rawFigure `json:"points"`
				} `json:"options"`
			} `json:"indicators"`
		} `json:"groups"`
	} `json:"dimensions"`
	Scenarios []struct {
		Code      string    `json:"code"`
		Name      rawFigure `json:"name"`
		Mandatory rawFigure `json:"mandatory"`
	} `json:"scenarios"`
	Levels []struct {
		Level        int       `json:"level"`
		MinScore     rawFigure `json:"min_score"`
		MinScenarios rawFigure `json:"min_scenarios"`
		MinMandatory rawFigure `json:"min_mandatory"`
	} `json:"levels"`
}

// LoadIndicatorSet reads and checks an indicator file: codes unique, every
// figure with a known source and a value of the right form, and the figures
// consistent (see check).
func LoadIndicatorSet(data []byte) (*IndicatorSet, error) {
	var f rawSet
	if err := strictDecode(data, &f); err != nil {
		return nil, fmt.Errorf("评测指标文件格式错误：%s", jsonErrorText(err))
	}
	if strings.TrimSpace(f.Version) == "" || f.EffectiveFrom.IsZero() {
		return nil, errors.New("评测指标文件缺少 version 或 effective_from")
	}
	l := &loader{sources: f.Sources, from: f.EffectiveFrom}
	s := &IndicatorSet{Base: f.Version, Title: f.Title, Document: f.Document, Note: f.Note,
		EffectiveFrom: f.EffectiveFrom, From: f.EffectiveFrom, Source: f.Sources[f.Source]}
	if s.Source == "" {
		return nil, fmt.Errorf("评测指标文件：未知来源 %q", f.Source)
	}
	for _, rd := range f.Dimensions {
		d := Dimension{Code: l.code("维度", rd.Code), Name: rd.Name, Points: l.points("dim."+rd.Code+".points", rd.Points)}
		for _, rg := range rd.Groups {
			g := Group{Code: l.code("分项", rg.Code), Name: rg.Name, Points: l.points("group."+rg.Code+".points", rg.Points)}
			for _, ri := range rg.Indicators {
				ind := Indicator{Code: l.code("指标", ri.Code), Name: ri.Name, Question: ri.Question}
				for _, ro := range ri.Options {
					l.code("选项"+ri.Code, ro.Value)
					ind.Options = append(ind.Options, Option{Value: ro.Value, Label: ro.Label,
						Points: l.points("opt."+ri.Code+"."+ro.Value+".points", ro.Points)})
				}
				if len(ind.Options) < 2 {
					l.fail("指标 %s 至少应有两个选项", ri.Code)
				}
				g.Indicators = append(g.Indicators, ind)
			}
			d.Groups = append(d.Groups, g)
		}
		s.Dimensions = append(s.Dimensions, d)
	}
	for _, rs := range f.Scenarios {
		key := "scenario." + l.code("场景", rs.Code)
		s.Scenarios = append(s.Scenarios, Scenario{Code: rs.Code, Name: l.text(key+".name", rs.Name),
			Mandatory: l.flag(key+".mandatory", rs.Mandatory)})
	}
	for i, rl := range f.Levels {
		if rl.Level != i+1 {
			l.fail("分级条件应依次为一级至四级，第%d项为 %d", i+1, rl.Level)
		}
		key := "level." + strconv.Itoa(rl.Level)
		s.Levels = append(s.Levels, LevelRule{Level: rl.Level, MinScore: l.points(key+".min_score", rl.MinScore),
			MinScenarios: l.count(key+".min_scenarios", rl.MinScenarios), MinMandatory: l.count(key+".min_mandatory", rl.MinMandatory)})
	}
	if l.err != nil {
		return nil, l.err
	}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("评测指标文件不一致：%v", err)
	}
	return s, nil
}

// loader converts the file's figures, keeping the first error.
type loader struct {
	sources map[string]string
	from    Date
	codes   map[string]bool
	err     error
}

func (l *loader) fail(format string, args ...any) {
	if l.err == nil {
		l.err = fmt.Errorf("评测指标文件："+format, args...)
	}
}

func (l *loader) code(what, c string) string {
	if l.codes == nil {
		l.codes = map[string]bool{}
	}
	if !isToken(c) {
		l.fail("%s代码 %q 应为小写字母、数字和下划线", what, c)
	}
	if l.codes[what+":"+c] {
		l.fail("%s代码 %q 重复", what, c)
	}
	l.codes[what+":"+c] = true
	return c
}

func (l *loader) ref(key string, r rawFigure) FigureRef {
	src, ok := l.sources[r.Source]
	if !ok || src == "" {
		l.fail("%s 的来源 %q 不在 sources 中", key, r.Source)
	}
	return FigureRef{Source: src, Unconfirmed: r.Unconfirmed, From: l.from}
}

func (l *loader) points(key string, r rawFigure) Figure[int64] {
	v, err := ParsePoints(string(bytes.TrimSpace(r.Value)))
	if err != nil {
		l.fail("%s：%v", key, err)
	}
	return Figure[int64]{v, l.ref(key, r)}
}

func (l *loader) count(key string, r rawFigure) Figure[int] {
	v, err := parseCount(string(bytes.TrimSpace(r.Value)))
	if err != nil {
		l.fail("%s：%v", key, err)
	}
	return Figure[int]{v, l.ref(key, r)}
}

func (l *loader) flag(key string, r rawFigure) Figure[bool] {
	v, err := parseFlag(string(bytes.TrimSpace(r.Value)))
	if err != nil {
		l.fail("%s：%v", key, err)
	}
	return Figure[bool]{v, l.ref(key, r)}
}

func (l *loader) text(key string, r rawFigure) Figure[string] {
	var v string
	if err := json.Unmarshal(r.Value, &v); err != nil {
		l.fail("%s：应为字符串", key)
	} else if v, err = parseText(v); err != nil {
		l.fail("%s：%v", key, err)
	}
	return Figure[string]{v, l.ref(key, r)}
}

// ---- values ----

// ParsePoints reads points written in decimal with at most two decimals
// ("7.5", "42.25", "40") into hundredths, exactly; 0–100 points.
func ParsePoints(s string) (int64, error) {
	s = strings.TrimSpace(s)
	whole, frac, dot := strings.Cut(s, ".")
	bad := fmt.Errorf("分值 %q 应为0至100之间、最多两位小数的数", s)
	if whole == "" || len(whole) > 3 || !allDigits(whole) || dot && (frac == "" || len(frac) > 2 || !allDigits(frac)) {
		return 0, bad
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	v := w*100 + f
	if v > 10000 {
		return 0, bad
	}
	return v, nil
}

// Points formats hundredths of a point without trailing zeros: 4250 →
// "42.5", 4000 → "40", 725 → "7.25".
func Points(centi int64) string {
	neg := centi < 0
	u := uabs(centi)
	s := strconv.FormatUint(u/100, 10)
	if r := u % 100; r != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%02d", r), "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

func parseCount(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 100 {
		return 0, fmt.Errorf("个数 %q 应为0至100之间的整数", s)
	}
	return n, nil
}

func parseFlag(s string) (bool, error) {
	switch strings.TrimSpace(s) {
	case "true", "是", "1":
		return true, nil
	case "false", "否", "0":
		return false, nil
	}
	return false, fmt.Errorf("应为“是”或“否”，实际为 %q", s)
}

func parseText(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > 30 {
		return "", errors.New("名称应为1至30个字")
	}
	return s, nil
}

// check enforces what the computation relies on. Sums are caps (≤), not
// equalities, so that figures can be moved one correction at a time: lower
// one first, then raise another.
func (s *IndicatorSet) check() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(s.Dimensions) == 0 || len(s.Scenarios) == 0 {
		add("没有维度或业务场景")
	}
	if total := s.MaxCenti(); total > 10000 {
		add("各维度分值合计%s分，超过100分", Points(total))
	}
	for _, d := range s.Dimensions {
		var sum int64
		for _, g := range d.Groups {
			sum += g.Points.Value
			var gs int64
			for _, ind := range g.Indicators {
				gs += ind.MaxPoints()
			}
			if gs > g.Points.Value {
				add("「%s」各指标最高分合计%s分，超过该分项分值%s分", g.Name, Points(gs), Points(g.Points.Value))
			}
		}
		if sum > d.Points.Value {
			add("「%s」各分项分值合计%s分，超过该维度分值%s分", d.Name, Points(sum), Points(d.Points.Value))
		}
	}
	names := map[string]bool{}
	for _, sc := range s.Scenarios {
		if names[sc.Name.Value] {
			add("业务场景名称「%s」重复", sc.Name.Value)
		}
		names[sc.Name.Value] = true
	}
	if len(s.Levels) != 4 {
		add("分级条件应有一级至四级四行")
	}
	var prev LevelRule
	for i, r := range s.Levels {
		lbl := DigitalLevelLabel(r.Level)
		switch {
		case r.MinScore.Value > s.MaxCenti():
			add("%s所需得分%s分超过满分%s分", lbl, Points(r.MinScore.Value), Points(s.MaxCenti()))
		case r.MinScenarios.Value > len(s.Scenarios):
			add("%s所需场景%d个超过业务场景总数%d个", lbl, r.MinScenarios.Value, len(s.Scenarios))
		case r.MinMandatory.Value > r.MinScenarios.Value:
			add("%s所需约束性场景%d个多于所需场景%d个", lbl, r.MinMandatory.Value, r.MinScenarios.Value)
		case r.MinMandatory.Value > s.MandatoryCount():
			add("%s所需约束性场景%d个超过约束性场景总数%d个", lbl, r.MinMandatory.Value, s.MandatoryCount())
		}
		if i > 0 && (r.MinScore.Value < prev.MinScore.Value || r.MinScenarios.Value < prev.MinScenarios.Value ||
			r.MinMandatory.Value < prev.MinMandatory.Value) {
			add("%s的条件低于%s（分级条件应逐级不降）", lbl, DigitalLevelLabel(prev.Level))
		}
		prev = r
	}
	return errors.Join(errs...)
}

// ---- figures and corrections ----

// FigureKind is the form of a figure's value.
type FigureKind string

// Figure kinds.
const (
	FigurePoints FigureKind = "points" // 分值, up to two decimals
	FigureCount  FigureKind = "count"  // 个数
	FigureFlag   FigureKind = "flag"   // 是/否
	FigureText   FigureKind = "text"   // 名称
)

// FigureInfo describes one figure for display and correction.
type FigureInfo struct {
	Key   string // e.g. "level.2.min_score"
	Label string // Chinese description: 二级 所需最低得分
	Kind  FigureKind
	Value string // as shown and as typed in a correction: "7.5", "6", "是", "产品设计"
	Ref   FigureRef
}

// slot addresses one figure inside a set; exactly one pointer is set.
type slot struct {
	key, label string
	points     *Figure[int64]
	count      *Figure[int]
	flag       *Figure[bool]
	text       *Figure[string]
}

func (sl slot) info() FigureInfo {
	fi := FigureInfo{Key: sl.key, Label: sl.label}
	switch {
	case sl.points != nil:
		fi.Kind, fi.Value, fi.Ref = FigurePoints, Points(sl.points.Value), sl.points.Ref
	case sl.count != nil:
		fi.Kind, fi.Value, fi.Ref = FigureCount, strconv.Itoa(sl.count.Value), sl.count.Ref
	case sl.flag != nil:
		fi.Kind, fi.Value, fi.Ref = FigureFlag, yesNo(sl.flag.Value), sl.flag.Ref
	default:
		fi.Kind, fi.Value, fi.Ref = FigureText, sl.text.Value, sl.text.Ref
	}
	return fi
}

// set parses v and stores it with ref.
func (sl slot) set(v string, ref FigureRef) error {
	var err error
	switch {
	case sl.points != nil:
		var n int64
		if n, err = ParsePoints(v); err == nil {
			*sl.points = Figure[int64]{n, ref}
		}
	case sl.count != nil:
		var n int
		if n, err = parseCount(v); err == nil {
			*sl.count = Figure[int]{n, ref}
		}
	case sl.flag != nil:
		var b bool
		if b, err = parseFlag(v); err == nil {
			*sl.flag = Figure[bool]{b, ref}
		}
	default:
		var t string
		if t, err = parseText(v); err == nil {
			*sl.text = Figure[string]{t, ref}
		}
	}
	return err
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// slots lists every figure of s in display order, pointing into s.
func (s *IndicatorSet) slots() []slot {
	var out []slot
	for i := range s.Dimensions {
		d := &s.Dimensions[i]
		out = append(out, slot{key: "dim." + d.Code + ".points", label: "「" + d.Name + "」维度分值", points: &d.Points})
		for j := range d.Groups {
			g := &d.Groups[j]
			out = append(out, slot{key: "group." + g.Code + ".points", label: "「" + d.Name + "·" + g.Name + "」分项分值", points: &g.Points})
			for k := range g.Indicators {
				ind := &g.Indicators[k]
				for m := range ind.Options {
					o := &ind.Options[m]
					out = append(out, slot{key: "opt." + ind.Code + "." + o.Value + ".points",
						label: "「" + ind.Name + "」选项「" + o.Label + "」分值", points: &o.Points})
				}
			}
		}
	}
	for i := range s.Scenarios {
		sc := &s.Scenarios[i]
		base := "scenario." + sc.Code
		out = append(out, slot{key: base + ".name", label: "业务场景「" + sc.Name.Value + "」名称", text: &sc.Name},
			slot{key: base + ".mandatory", label: "业务场景「" + sc.Name.Value + "」是否约束性", flag: &sc.Mandatory})
	}
	for i := range s.Levels {
		r := &s.Levels[i]
		base, lbl := "level."+strconv.Itoa(r.Level), DigitalLevelLabel(r.Level)
		out = append(out, slot{key: base + ".min_score", label: lbl + "所需最低得分", points: &r.MinScore},
			slot{key: base + ".min_scenarios", label: lbl + "所需达到该级及以上的场景数", count: &r.MinScenarios},
			slot{key: base + ".min_mandatory", label: lbl + "所需其中约束性场景数", count: &r.MinMandatory})
	}
	return out
}

// Figures lists every correctable figure with its value and source.
func (s *IndicatorSet) Figures() []FigureInfo {
	sl := s.slots()
	out := make([]FigureInfo, len(sl))
	for i, x := range sl {
		out[i] = x.info()
	}
	return out
}

// Figure returns one figure by key.
func (s *IndicatorSet) Figure(key string) (FigureInfo, bool) {
	for _, x := range s.slots() {
		if x.key == key {
			return x.info(), true
		}
	}
	return FigureInfo{}, false
}

// UnconfirmedCount is the number of figures whose source is unconfirmed.
func (s *IndicatorSet) UnconfirmedCount() int {
	n := 0
	for _, f := range s.Figures() {
		if f.Ref.Unconfirmed {
			n++
		}
	}
	return n
}

// IndicatorCorrection corrects one figure, with the citation it relies on.
type IndicatorCorrection struct {
	Key       string `json:"key"`
	Value     string `json:"value"`     // as typed: "7.5", "6", "是", a name
	From      Date   `json:"from"`      // applies to assessments dated on or after
	Source    string `json:"source"`    // the citation: document name and number
	Confirmed bool   `json:"confirmed"` // the citation is the published original
}

// FieldProblem is a problem with one input field, named as the forms name it.
type FieldProblem struct {
	Field   string
	Message string
}

// FieldProblems are the problems of one input; the caller shows each beside
// its field.
type FieldProblems []FieldProblem

func (p FieldProblems) Error() string {
	msgs := make([]string, len(p))
	for i, x := range p {
		msgs[i] = x.Message
	}
	return strings.Join(msgs, "；")
}

func (p *FieldProblems) add(field, format string, args ...any) {
	*p = append(*p, FieldProblem{field, fmt.Sprintf(format, args...)})
}

// Apply returns the next version of s with one figure corrected. The new
// value must differ and parse; the date may not be earlier than the date s
// applies from (corrections take effect in order); the citation is required;
// and the corrected set must still be consistent. Errors are FieldProblems
// naming key, value, from or source; s is never changed.
func (s *IndicatorSet) Apply(c IndicatorCorrection) (*IndicatorSet, error) {
	var probs FieldProblems
	c.Source = strings.TrimSpace(c.Source)
	c.Value = strings.TrimSpace(c.Value)
	cur, ok := s.Figure(c.Key)
	if !ok {
		probs.add("key", "请选择要更正的数值（没有数值 %q）", c.Key)
	}
	switch {
	case c.From.IsZero():
		probs.add("from", "请填写生效日期")
	case c.From.Before(s.From):
		probs.add("from", "生效日期不得早于当前版本%s的生效日期%s（更正按顺序生效）", s.Version(), s.From)
	}
	switch n := utf8.RuneCountInString(c.Source); {
	case n == 0:
		probs.add("source", "更正必须注明依据（文件名称和文号）")
	case n > 500:
		probs.add("source", "依据不超过500字")
	}
	n := s.clone()
	if ok {
		ref := FigureRef{Source: c.Source, Unconfirmed: !c.Confirmed, Revision: s.Revision + 1, From: c.From}
		for _, sl := range n.slots() {
			if sl.key != c.Key {
				continue
			}
			if err := sl.set(c.Value, ref); err != nil {
				probs.add("value", "%v", err)
			} else if sl.info().Value == cur.Value {
				probs.add("value", "新值与现值（%s）相同", cur.Value)
			}
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	n.Revision, n.From = s.Revision+1, c.From
	if err := n.check(); err != nil {
		return nil, FieldProblems{{"value", "更正后指标不一致：" + strings.ReplaceAll(err.Error(), "\n", "；")}}
	}
	return n, nil
}

// ApplyAll applies corrections in order.
func (s *IndicatorSet) ApplyAll(cs []IndicatorCorrection) (*IndicatorSet, error) {
	for i, c := range cs {
		n, err := s.Apply(c)
		if err != nil {
			return nil, fmt.Errorf("第%d项更正（%s）：%w", i+1, c.Key, err)
		}
		s = n
	}
	return s, nil
}

// clone copies s deeply so that a correction never changes s.
func (s *IndicatorSet) clone() *IndicatorSet {
	n := *s
	n.Dimensions = slices.Clone(s.Dimensions)
	for i := range n.Dimensions {
		d := &n.Dimensions[i]
		d.Groups = slices.Clone(d.Groups)
		for j := range d.Groups {
			g := &d.Groups[j]
			g.Indicators = slices.Clone(g.Indicators)
			for k := range g.Indicators {
				g.Indicators[k].Options = slices.Clone(g.Indicators[k].Options)
			}
		}
	}
	n.Scenarios = slices.Clone(s.Scenarios)
	n.Levels = slices.Clone(s.Levels)
	return &n
}
