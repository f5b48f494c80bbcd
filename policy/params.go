package policy

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The parameter file: every cap, ratio, threshold, code list and period the
// rules read, each value with the date it takes effect and the document it
// comes from (OpenFisca's parameter files are the model). Nothing the
// regulation or a call may change is a constant in code.
//
//go:embed params/params.json
var defaultParamsJSON []byte

// keyID indexes the parameters; the order is that of keySpecs.
type keyID int

// Parameter keys. The Chinese meaning of each is in keySpecs and in the
// "description" of the parameter file.
const (
	kEmployeesLarge keyID = iota
	kRevenueLarge
	kEmployeesMedium
	kRevenueMedium
	kEmployeesSmall
	kRevenueSmall
	k71Ratio
	k71Cumulative
	k71Uplift
	k72CloudMin
	k72CloudMax
	k72CloudPerService
	k72BenchmarkMin
	k72BenchmarkMax
	k73PerProduct
	k73CumulativeProvider
	k74PerProvider
	k75PerItem
	kSplitRetrofitMin
	kCentralAwardMax
	kBanYears
	kCreditLookback
	kChangchunPrefix
	kPilotIndustries
	kDistricts
	kProvinces
	kSpendingTypes
	kRankProductCount
	kRankProductEffect
	kRankProviderCount
	kRankProviderEffect
	kRankEffectCap
	kRankProductTopN
	kRankProviderTopN
	kCompletionMonths
	kAcceptanceMinLevel
	kRectificationMonths
	kPilotEndDate
	kPilotGoalLevel
	kPilotGoalShare
	numKeys
)

// valueKind says how a parameter value is written and checked.
type valueKind int

const (
	kindCount      valueKind = iota // non-negative whole number (people)
	kindFen                         // money in fen (分), non-negative
	kindBP                          // basis points 0–10000 (1 bp = 0.01%)
	kindYears                       // whole years 1–100
	kindPrefix                      // a string of 2–6 digits
	kindIndustries                  // [{code,name,industry}]
	kindDistricts                   // [{code?,name}]
	kindProvinces                   // [{code,name,mainland}]
	kindSpending                    // [{code,name}]
	kindMonths                      // whole months 1–60
	kindLevel                       // digital level 1–4 (一级…四级, FACTS §5)
	kindDate                        // a civil date "YYYY-MM-DD"
)

type keySpec struct {
	key   string
	label string // short Chinese name used in messages
	kind  valueKind
}

var keySpecs = [numKeys]keySpec{
	kEmployeesLarge:       {"size.industry.employees_large", "工业大型企业从业人员下限", kindCount},
	kRevenueLarge:         {"size.industry.revenue_large_fen", "工业大型企业营业收入下限", kindFen},
	kEmployeesMedium:      {"size.industry.employees_medium", "工业中型企业从业人员下限", kindCount},
	kRevenueMedium:        {"size.industry.revenue_medium_fen", "工业中型企业营业收入下限", kindFen},
	kEmployeesSmall:       {"size.industry.employees_small", "工业小型企业从业人员下限", kindCount},
	kRevenueSmall:         {"size.industry.revenue_small_fen", "工业小型企业营业收入下限", kindFen},
	k71Ratio:              {"cap.7_1.ratio_bp", "数字化改造奖补比例上限", kindBP},
	k71Cumulative:         {"cap.7_1.cumulative_fen", "数字化改造奖补累计上限", kindFen},
	k71Uplift:             {"cap.7_1.manufacturing_uplift_bp", "生产制造环节改造比例上浮", kindBP},
	k72CloudMin:           {"cap.7_2.cloud_min_fen", "上云上平台每家支持下限", kindFen},
	k72CloudMax:           {"cap.7_2.cloud_max_fen", "上云上平台每家支持上限", kindFen},
	k72CloudPerService:    {"cap.7_2.cloud_per_service_fen", "免申即享上云奖补每项云服务金额", kindFen},
	k72BenchmarkMin:       {"cap.7_2.benchmark_min_fen", "平台创新应用标杆每个奖补下限", kindFen},
	k72BenchmarkMax:       {"cap.7_2.benchmark_max_fen", "平台创新应用标杆每个奖补上限", kindFen},
	k73PerProduct:         {"cap.7_3.per_product_fen", "每个“小快轻准”产品和服务奖励上限", kindFen},
	k73CumulativeProvider: {"cap.7_3.cumulative_provider_fen", "每家服务商“小快轻准”累计上限", kindFen},
	k74PerProvider:        {"cap.7_4.per_provider_fen", "每家优秀数字化服务商奖补上限", kindFen},
	k75PerItem:            {"cap.7_5.per_item_fen", "每个“链式”产品和应用奖补上限", kindFen},
	kSplitRetrofitMin:     {"central_split.retrofit_min_bp", "中央专项资金用于数字化改造的最低比例", kindBP},
	kCentralAwardMax:      {"central.city_award_max_fen", "中央财政定额奖励上限", kindFen},
	kBanYears:             {"ban.years", "不准申报年限", kindYears},
	kCreditLookback:       {"credit.lookback_years", "信用与违法违规记录回溯年限", kindYears},
	kChangchunPrefix:      {"region.changchun_prefix", "长春市行政区划代码前缀", kindPrefix},
	kPilotIndustries:      {"industries.pilot", "试点行业代码表", kindIndustries},
	kDistricts:            {"districts.changchun", "长春市县（市）区、开发区名单", kindDistricts},
	kProvinces:            {"region.provinces", "省级行政区划代码表", kindProvinces},
	kSpendingTypes:        {"spending.eligible_types", "第七条（一）支持的支出类型", kindSpending},
	kRankProductCount:     {"ranking.product.weight_adopters_bp", "“小快轻准”产品排名中应用企业数的权重", kindBP},
	kRankProductEffect:    {"ranking.product.weight_effect_bp", "“小快轻准”产品排名中应用成效的权重", kindBP},
	kRankProviderCount:    {"ranking.provider.weight_landed_bp", "服务商排名中方案落地数的权重", kindBP},
	kRankProviderEffect:   {"ranking.provider.weight_effect_bp", "服务商排名中服务成效的权重", kindBP},
	kRankEffectCap:        {"ranking.effect_cap_bp", "单项成效指标计入排名的提升幅度上限", kindBP},
	kRankProductTopN:      {"ranking.product.top_n", "“小快轻准”产品排名默认推荐名额", kindCount},
	kRankProviderTopN:     {"ranking.provider.top_n", "优秀服务商排名默认推荐名额", kindCount},
	kCompletionMonths:     {"project.completion_months", "改造完成期限（公示结束后月数）", kindMonths},
	kAcceptanceMinLevel:   {"acceptance.min_level", "验收要求的数字化水平等级下限", kindLevel},
	kRectificationMonths:  {"acceptance.rectification_months", "验收不通过后的整改期限（月数）", kindMonths},
	kPilotEndDate:         {"pilot.end_date", "试点实施期结束日期", kindDate},
	kPilotGoalLevel:       {"pilot.goal_level", "试点目标的数字化水平等级", kindLevel},
	kPilotGoalShare:       {"pilot.goal_share_bp", "试点行业企业达到目标等级的比例目标", kindBP},
}

var keyIndex = func() map[string]keyID {
	m := make(map[string]keyID, numKeys)
	for i, s := range keySpecs {
		m[s.key] = keyID(i)
	}
	return m
}()

// ParamKeys lists every parameter key in file order.
func ParamKeys() []string {
	out := make([]string, numKeys)
	for i, s := range keySpecs {
		out[i] = s.key
	}
	return out
}

// IndustryClass is one GB/T 4754-2017 class (行业小类) of a pilot industry.
type IndustryClass struct {
	Code     string `json:"code"`     // e.g. "3670"
	Name     string `json:"name"`     // 汽车零部件及配件制造
	Industry string `json:"industry"` // the pilot industry of 第四条: 汽车零部件配件制造
}

// District is a county-level unit or development zone of Changchun
// (县（市）区、开发区). Code is empty for zones without a statistical code.
type District struct {
	Code string `json:"code,omitempty"`
	Name string `json:"name"`
}

// Province is a provincial-level division (first two digits of a division
// code). Mainland is false for Taiwan, Hong Kong and Macau.
type Province struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Mainland bool   `json:"mainland"`
}

// SpendingType is a kind of spending 第七条（一） supports.
type SpendingType struct {
	Code string `json:"code"` // software, cloud, data_equipment, consulting
	Name string `json:"name"` // 软件 …
}

// parsed is one checked parameter value, with lookup tables built once at
// load time so that decisions never parse or index anything.
type parsed struct {
	n          int64
	s          string
	industries []IndustryClass
	industryBy map[string]IndustryClass
	districts  []District
	districtBy map[string]District
	provinceBy map[string]Province
	spending   []SpendingType
	spendingBy map[string]SpendingType
	date       Date
}

// ValueRef says where a resolved value comes from: the date it took effect
// and its source reference, or the call's citation for an override.
type ValueRef struct {
	Key      string `json:"key"`
	From     Date   `json:"from"`
	Source   string `json:"source"`
	Override bool   `json:"override,omitempty"`
}

// Override is a value a call (申报批次) sets for one parameter, with its own
// citation, e.g. {"key":"cap.7_1.manufacturing_uplift_bp","value":1000,
// "source":"长工信发〔2025〕X号"}. A decision records the overrides it used.
type Override struct {
	Key    string          `json:"key"`
	Value  json.RawMessage `json:"value"`
	Source string          `json:"source"`
}

type entry struct {
	from     Date
	raw      json.RawMessage
	source   string
	val      parsed
	override bool
}

// Params is a loaded, checked parameter file, possibly with call overrides.
// It is immutable: WithOverrides returns a new Params. The values as of every
// change date are resolved at load time; At is a binary search.
type Params struct {
	version   string
	title     string
	note      string
	series    [numKeys][]entry
	overrides []Override
	breaks    []Date    // ascending dates on which some value changes
	snaps     []*Values // snaps[i] applies from breaks[i] until breaks[i+1]
}

// ParamValue is one dated value in a parameter's history.
type ParamValue struct {
	From     Date            `json:"from"`
	Value    json.RawMessage `json:"value"`
	Source   string          `json:"source"`
	Override bool            `json:"override,omitempty"`
}

// Version is the version string of the parameter file (e.g. "2024.1").
func (p *Params) Version() string { return p.version }

// Title is the file's title.
func (p *Params) Title() string { return p.title }

// Overrides returns the call overrides applied to p (nil for a plain file).
func (p *Params) Overrides() []Override { return slices.Clone(p.overrides) }

// EffectiveFrom is the first date on which every parameter has a value; At
// fails before it (第二十一条: the measures apply from their issue).
func (p *Params) EffectiveFrom() Date { return p.breaks[0] }

// Changes lists the dates on which some value changes, ascending.
func (p *Params) Changes() []Date { return slices.Clone(p.breaks) }

// History returns the dated values of one parameter.
func (p *Params) History(key string) ([]ParamValue, bool) {
	k, ok := keyIndex[key]
	if !ok {
		return nil, false
	}
	out := make([]ParamValue, len(p.series[k]))
	for i, e := range p.series[k] {
		out[i] = ParamValue{From: e.from, Value: slices.Clone(e.raw), Source: e.source, Override: e.override}
	}
	return out, true
}

// At returns the values in force on date d. It fails for dates before the
// parameters take effect.
func (p *Params) At(d Date) (*Values, error) {
	i := sort.Search(len(p.breaks), func(i int) bool { return p.breaks[i].After(d) }) - 1
	if i < 0 {
		return nil, fmt.Errorf("参数版本 %s 自 %s 起生效，%s 尚无适用的参数（本办法自印发之日起实施，第二十一条）",
			p.version, p.breaks[0], d)
	}
	return p.snaps[i], nil
}

var defaultParams = sync.OnceValue(func() *Params {
	p, err := Load(bytes.NewReader(defaultParamsJSON))
	if err != nil {
		panic("policy: embedded params/params.json is invalid: " + err.Error())
	}
	return p
})

// Default returns the embedded parameter file, parsed once.
func Default() *Params { return defaultParams() }

// DefaultParamsJSON returns a copy of the embedded parameter file.
func DefaultParamsJSON() []byte { return slices.Clone(defaultParamsJSON) }

// The file format.
type paramFile struct {
	Version    string     `json:"version"`
	Title      string     `json:"title"`
	Note       string     `json:"note"`
	Parameters []paramDef `json:"parameters"`
}

type paramDef struct {
	Key         string       `json:"key"`
	Description string       `json:"description"`
	Unit        string       `json:"unit"`
	Values      []paramEntry `json:"values"`
}

type paramEntry struct {
	From   Date            `json:"from"`
	Value  json.RawMessage `json:"value"`
	Source string          `json:"source"`
}

const maxParamsSize = 4 << 20

// Load reads and checks a parameter file: a version, every key exactly once,
// each with at least one value, from-dates strictly ascending (no duplicates),
// every value with a source and of the right form, and the thresholds
// consistent with each other on every date.
func Load(r io.Reader) (*Params, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxParamsSize+1))
	if err != nil {
		return nil, fmt.Errorf("参数文件读取失败：%v", err)
	}
	if len(data) > maxParamsSize {
		return nil, errors.New("参数文件超过 4 MiB 上限")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f paramFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("参数文件格式错误：%s", jsonErrorText(err))
	}
	if strings.TrimSpace(f.Version) == "" {
		return nil, errors.New("参数文件缺少 version（版本号）")
	}
	p := &Params{version: f.Version, title: f.Title, note: f.Note}
	seen := make(map[string]bool, numKeys)
	for _, d := range f.Parameters {
		k, ok := keyIndex[d.Key]
		if !ok {
			return nil, fmt.Errorf("参数文件：未知参数 %q", d.Key)
		}
		if seen[d.Key] {
			return nil, fmt.Errorf("参数文件：参数 %q 重复出现", d.Key)
		}
		seen[d.Key] = true
		s, err := loadSeries(k, d.Values)
		if err != nil {
			return nil, err
		}
		p.series[k] = s
	}
	for _, s := range keySpecs {
		if !seen[s.key] {
			return nil, fmt.Errorf("参数文件：缺少参数 %q（%s）", s.key, s.label)
		}
	}
	if err := p.build(); err != nil {
		return nil, err
	}
	return p, nil
}

func loadSeries(k keyID, vals []paramEntry) ([]entry, error) {
	key := keySpecs[k].key
	if len(vals) == 0 {
		return nil, fmt.Errorf("参数文件：参数 %q 没有任何取值", key)
	}
	out := make([]entry, len(vals))
	for i, v := range vals {
		if v.From.IsZero() {
			return nil, fmt.Errorf("参数文件：参数 %q 第%d个取值缺少 from（生效日期，格式 YYYY-MM-DD）", key, i+1)
		}
		if i > 0 && !v.From.After(vals[i-1].From) {
			if v.From == vals[i-1].From {
				return nil, fmt.Errorf("参数文件：参数 %q 的生效日期 %s 重复", key, v.From)
			}
			return nil, fmt.Errorf("参数文件：参数 %q 的生效日期未按升序排列（%s 在 %s 之后）", key, v.From, vals[i-1].From)
		}
		if strings.TrimSpace(v.Source) == "" {
			return nil, fmt.Errorf("参数文件：参数 %q 自 %s 起的取值缺少 source（依据）", key, v.From)
		}
		pv, err := parseValue(k, v.Value)
		if err != nil {
			return nil, fmt.Errorf("参数文件：参数 %q 自 %s 起的取值%v", key, v.From, err)
		}
		out[i] = entry{from: v.From, raw: slices.Clone(v.Value), source: v.Source, val: pv}
	}
	return out, nil
}

// build resolves the values as of every change date and checks them.
func (p *Params) build() error {
	// The parameters apply once every key has a value.
	start := Date{}
	for _, s := range p.series {
		if f := s[0].from; f.After(start) {
			start = f
		}
	}
	breaks := []Date{start}
	for _, s := range p.series {
		for _, e := range s {
			if e.from.After(start) {
				breaks = append(breaks, e.from)
			}
		}
	}
	slices.SortFunc(breaks, Date.Compare)
	breaks = slices.Compact(breaks)
	p.breaks = breaks
	p.snaps = make([]*Values, len(breaks))
	for i, d := range breaks {
		v := &Values{version: p.version, from: d, refs: new([numKeys]ValueRef)}
		for k, s := range p.series {
			j := sort.Search(len(s), func(j int) bool { return s[j].from.After(d) }) - 1
			e := s[j]
			v.set(keyID(k), e.val, ValueRef{Key: keySpecs[k].key, From: e.from, Source: e.source, Override: e.override})
		}
		if err := v.check(); err != nil {
			return fmt.Errorf("参数文件：自 %s 起的参数不一致：%v", d, err)
		}
		p.snaps[i] = v
	}
	return nil
}

// WithOverrides returns a copy of p in which each overridden key has the
// given value on every date, cited to the override's source. An unknown key,
// a missing source, a value of the wrong form or the same key twice is an
// error, and p is unchanged.
func (p *Params) WithOverrides(o []Override) (*Params, error) {
	if len(o) == 0 {
		return p, nil
	}
	ps, err := parseOverrides(o)
	if err != nil {
		return nil, err
	}
	q := &Params{version: p.version, title: p.title, note: p.note, series: p.series}
	q.overrides = slices.Clone(p.overrides)
	for i, po := range ps {
		q.series[po.k] = []entry{{from: p.series[po.k][0].from, raw: slices.Clone(o[i].Value),
			source: o[i].Source, val: po.val, override: true}}
		q.overrides = slices.DeleteFunc(q.overrides, func(x Override) bool { return x.Key == o[i].Key })
		q.overrides = append(q.overrides, cloneOverride(o[i]))
	}
	if err := q.build(); err != nil {
		return nil, err
	}
	return q, nil
}

func cloneOverride(o Override) Override {
	o.Value = slices.Clone(o.Value)
	return o
}

type parsedOverride struct {
	k   keyID
	val parsed
	ref ValueRef
}

// parseOverrides checks a call's overrides without any parameter file: the
// keys and value forms are fixed in code.
func parseOverrides(o []Override) ([]parsedOverride, error) {
	out := make([]parsedOverride, 0, len(o))
	for i, x := range o {
		field := overrideField(i)
		k, ok := keyIndex[x.Key]
		if !ok {
			return nil, fmt.Errorf("%s.key：未知参数 %q（可覆盖的参数：%s）", field, x.Key, strings.Join(ParamKeys(), "、"))
		}
		for _, y := range out {
			if y.k == k {
				return nil, fmt.Errorf("%s.key：参数 %q 被重复覆盖", field, x.Key)
			}
		}
		if strings.TrimSpace(x.Source) == "" {
			return nil, fmt.Errorf("%s.source：覆盖参数 %q 必须注明依据（如申报通知文号）", field, x.Key)
		}
		v, err := parseValue(k, x.Value)
		if err != nil {
			return nil, fmt.Errorf("%s.value：参数 %q 的覆盖值%v", field, x.Key, err)
		}
		out = append(out, parsedOverride{k: k, val: v, ref: ValueRef{Key: x.Key, Source: x.Source, Override: true}})
	}
	return out, nil
}

// overrideField names an override in messages; it is only called for errors.
type overrideField int

func (i overrideField) String() string { return "overrides[" + strconv.Itoa(int(i)) + "]" }

// Values is the resolved view of all parameters on one date (or on the
// dates of one interval between changes). It is read-only and shared.
type Values struct {
	version  string
	from     Date // first day of the interval these values apply to
	n        [numKeys]int64
	prefix   string
	pilotEnd Date
	pilot    *parsed
	dist     *parsed
	prov     *parsed
	spend    *parsed
	// refs says where each value comes from; shared between a snapshot and
	// its overridden copies, whose own citations are in over.
	refs *[numKeys]ValueRef
	over []overrideRef
}

type overrideRef struct {
	k   keyID
	ref ValueRef
}

func (v *Values) set(k keyID, val parsed, ref ValueRef) {
	v.refs[k] = ref
	v.setValue(k, val)
}

func (v *Values) setValue(k keyID, val parsed) {
	switch keySpecs[k].kind {
	case kindIndustries:
		v.pilot = &val
	case kindDistricts:
		v.dist = &val
	case kindProvinces:
		v.prov = &val
	case kindSpending:
		v.spend = &val
	case kindPrefix:
		v.prefix = val.s
	case kindDate:
		v.pilotEnd = val.date // the only date parameter
	default:
		v.n[k] = val.n
	}
}

// check enforces the relations between parameters that the rules rely on.
func (v *Values) check() error {
	order := func(lo, hi keyID) error {
		if v.n[lo] > v.n[hi] {
			return fmt.Errorf("%s（%s）大于 %s（%s）", keySpecs[lo].key, keySpecs[lo].label, keySpecs[hi].key, keySpecs[hi].label)
		}
		return nil
	}
	return errors.Join(
		order(kEmployeesSmall, kEmployeesMedium), order(kEmployeesMedium, kEmployeesLarge),
		order(kRevenueSmall, kRevenueMedium), order(kRevenueMedium, kRevenueLarge),
		order(k72CloudMin, k72CloudMax), order(k72BenchmarkMin, k72BenchmarkMax),
		order(k73PerProduct, k73CumulativeProvider),
		v.weightsSum(kRankProductCount, kRankProductEffect), v.weightsSum(kRankProviderCount, kRankProviderEffect),
	)
}

// weightsSum requires the two weights of a ranking formula to add up to
// 100% (10000 basis points), so that a score is out of 100 points.
func (v *Values) weightsSum(a, b keyID) error {
	if v.n[a]+v.n[b] != 10000 {
		return fmt.Errorf("%s（%s）与 %s（%s）之和应为 10000 基点（100%%），实际为 %d", keySpecs[a].key, keySpecs[a].label,
			keySpecs[b].key, keySpecs[b].label, v.n[a]+v.n[b])
	}
	return nil
}

// withOverrides returns a copy of v with the parsed overrides applied.
func (v *Values) withOverrides(ps []parsedOverride) (*Values, error) {
	w := *v
	w.over = make([]overrideRef, 0, len(v.over)+len(ps))
	w.over = append(w.over, v.over...)
	for _, po := range ps {
		ref := po.ref
		ref.From = v.refs[po.k].From
		w.setValue(po.k, po.val)
		w.over = append(w.over, overrideRef{po.k, ref})
	}
	if err := w.check(); err != nil {
		return nil, fmt.Errorf("覆盖后的参数不一致：%v", err)
	}
	return &w, nil
}

// Version is the parameter file version the values come from.
func (v *Values) Version() string { return v.version }

// From is the first day of the interval between changes these values apply to.
func (v *Values) From() Date { return v.from }

// Int returns a numeric parameter (counts, fen, basis points, years).
func (v *Values) Int(key string) (int64, bool) {
	k, ok := keyIndex[key]
	if !ok {
		return 0, false
	}
	switch keySpecs[k].kind {
	case kindCount, kindFen, kindBP, kindYears, kindMonths, kindLevel:
		return v.n[k], true
	}
	return 0, false
}

// PilotEnd is the last day of the pilot period (pilot.end_date): the
// measures run until the pilot ends (第二十一条) and 第十条（三） applies after it.
func (v *Values) PilotEnd() Date { return v.pilotEnd }

// Ref returns where the value of key in force comes from.
func (v *Values) Ref(key string) (ValueRef, bool) {
	k, ok := keyIndex[key]
	if !ok {
		return ValueRef{}, false
	}
	return v.ref(k), true
}

func (v *Values) ref(k keyID) ValueRef {
	for i := len(v.over) - 1; i >= 0; i-- {
		if v.over[i].k == k {
			return v.over[i].ref
		}
	}
	return v.refs[k]
}

// PilotIndustries returns the pilot-industry class list (第四条).
func (v *Values) PilotIndustries() []IndustryClass { return slices.Clone(v.pilot.industries) }

// Districts returns Changchun's county-level units and zones.
func (v *Values) Districts() []District { return slices.Clone(v.dist.districts) }

// SpendingTypes returns the spending types 第七条（一） supports.
func (v *Values) SpendingTypes() []SpendingType { return slices.Clone(v.spend.spending) }

func (v *Values) source(k keyID) string { return v.ref(k).Source }

// parseValue checks one raw value against the form its key requires.
func parseValue(k keyID, raw json.RawMessage) (parsed, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return parsed{}, errors.New("缺失")
	}
	switch keySpecs[k].kind {
	case kindCount:
		return parseInt(raw, 0, 1_000_000_000, "人数")
	case kindFen:
		return parseInt(raw, 0, maxParamFen, "金额（分）")
	case kindBP:
		return parseInt(raw, 0, 10000, "基点")
	case kindYears:
		return parseInt(raw, 1, 100, "年数")
	case kindMonths:
		return parseInt(raw, 1, 60, "月数")
	case kindLevel:
		return parseInt(raw, 1, 4, "等级，1=一级…4=四级")
	case kindDate:
		return parseDateValue(raw)
	case kindPrefix:
		return parsePrefix(raw)
	case kindIndustries:
		return parseIndustries(raw)
	case kindDistricts:
		return parseDistricts(raw)
	case kindProvinces:
		return parseProvinces(raw)
	default:
		return parseSpending(raw)
	}
}

const maxParamFen = 1_000_000_000_000_000 // 1e15 fen = 10万亿元

func strictDecode(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("多余内容")
	}
	return nil
}

func parseInt(raw json.RawMessage, lo, hi int64, what string) (parsed, error) {
	n, ok := jsonInt(raw)
	if !ok {
		return parsed{}, fmt.Errorf("应为整数（%s），实际为 %s", what, compactJSON(raw))
	}
	if n < lo || n > hi {
		return parsed{}, fmt.Errorf("应在 %d 到 %d 之间（%s），实际为 %d", lo, hi, what, n)
	}
	return parsed{n: n}, nil
}

// jsonInt parses a JSON integer literal: an optional minus sign and digits
// without leading zeros; no fraction, exponent or quotes. It is used instead
// of encoding/json because call overrides are parsed on every decision.
func jsonInt(raw []byte) (int64, bool) {
	s := bytes.TrimSpace(raw)
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 18 || s[0] == '0' && len(s) > 1 {
		return 0, false
	}
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func parseDateValue(raw json.RawMessage) (parsed, error) {
	var s string
	if err := strictDecode(raw, &s); err != nil {
		return parsed{}, fmt.Errorf("应为日期字符串 %q，实际为 %s", DateLayout, compactJSON(raw))
	}
	d, err := ParseDate(s)
	if err != nil {
		return parsed{}, fmt.Errorf("无效：%v", err)
	}
	return parsed{date: d}, nil
}

func parsePrefix(raw json.RawMessage) (parsed, error) {
	var s string
	if err := strictDecode(raw, &s); err != nil || len(s) < 2 || len(s) > 6 || !allDigits(s) {
		return parsed{}, fmt.Errorf("应为2至6位数字的字符串，实际为 %s", raw)
	}
	return parsed{s: s}, nil
}

func parseIndustries(raw json.RawMessage) (parsed, error) {
	var list []IndustryClass
	if err := strictDecode(raw, &list); err != nil || len(list) == 0 {
		return parsed{}, errors.New("应为非空数组 [{\"code\":\"3670\",\"name\":…,\"industry\":…}]")
	}
	by := make(map[string]IndustryClass, len(list))
	for i, c := range list {
		if len(c.Code) != 4 || !allDigits(c.Code) || c.Name == "" || c.Industry == "" {
			return parsed{}, fmt.Errorf("第%d项应有4位数字 code 及 name、industry", i+1)
		}
		if _, dup := by[c.Code]; dup {
			return parsed{}, fmt.Errorf("行业代码 %s 重复", c.Code)
		}
		by[c.Code] = c
	}
	return parsed{industries: list, industryBy: by}, nil
}

func parseDistricts(raw json.RawMessage) (parsed, error) {
	var list []District
	if err := strictDecode(raw, &list); err != nil || len(list) == 0 {
		return parsed{}, errors.New("应为非空数组 [{\"code\":\"220102\",\"name\":…}]")
	}
	by := make(map[string]District, 2*len(list))
	for i, d := range list {
		if d.Name == "" || (d.Code != "" && (len(d.Code) != 6 || !allDigits(d.Code))) {
			return parsed{}, fmt.Errorf("第%d项应有 name，code 为空或6位数字", i+1)
		}
		if _, dup := by["name:"+d.Name]; dup {
			return parsed{}, fmt.Errorf("第%d项名称 %s 重复", i+1, d.Name)
		}
		by["name:"+d.Name] = d
		if d.Code != "" {
			if _, dup := by["code:"+d.Code]; dup {
				return parsed{}, fmt.Errorf("第%d项代码 %s 重复", i+1, d.Code)
			}
			by["code:"+d.Code] = d
		}
	}
	return parsed{districts: list, districtBy: by}, nil
}

func parseProvinces(raw json.RawMessage) (parsed, error) {
	var list []Province
	if err := strictDecode(raw, &list); err != nil || len(list) == 0 {
		return parsed{}, errors.New("应为非空数组 [{\"code\":\"11\",\"name\":…,\"mainland\":true}]")
	}
	by := make(map[string]Province, len(list))
	for i, p := range list {
		if len(p.Code) != 2 || !allDigits(p.Code) || p.Name == "" {
			return parsed{}, fmt.Errorf("第%d项应有2位数字 code 及 name", i+1)
		}
		if _, dup := by[p.Code]; dup {
			return parsed{}, fmt.Errorf("省级代码 %s 重复", p.Code)
		}
		by[p.Code] = p
	}
	return parsed{provinceBy: by}, nil
}

func parseSpending(raw json.RawMessage) (parsed, error) {
	var list []SpendingType
	if err := strictDecode(raw, &list); err != nil || len(list) == 0 {
		return parsed{}, errors.New("应为非空数组 [{\"code\":\"software\",\"name\":\"软件\"}]")
	}
	by := make(map[string]SpendingType, len(list))
	for i, s := range list {
		if !isToken(s.Code) || s.Name == "" {
			return parsed{}, fmt.Errorf("第%d项应有小写字母代码 code 及 name", i+1)
		}
		if _, dup := by[s.Code]; dup {
			return parsed{}, fmt.Errorf("支出类型 %s 重复", s.Code)
		}
		by[s.Code] = s
	}
	return parsed{spending: list, spendingBy: by}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isToken reports whether s is a lower-case identifier like "data_equipment".
func isToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
