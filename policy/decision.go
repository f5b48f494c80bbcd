package policy

import (
	"bytes"
	"slices"
	"strings"
)

// Outcome is the result of one rule.
type Outcome string

// Outcomes.
const (
	Pass          Outcome = "pass"           // 通过
	Fail          Outcome = "fail"           // 不通过
	NotApplicable Outcome = "not_applicable" // 不适用 / 说明
)

var outcomeLabels = map[Outcome]string{Pass: "通过", Fail: "不通过", NotApplicable: "不适用"}

// Label is the Chinese name of the outcome.
func (o Outcome) Label() string { return labelOr(outcomeLabels, o) }

// Finding is what one rule found: the rule (the name of the function that
// decides it), the article it implements (e.g. 第十条（一）), the outcome and a
// Chinese sentence with the figures used.
type Finding struct {
	Rule    string  `json:"rule"`
	Article string  `json:"article"`
	Outcome Outcome `json:"outcome"`
	Message string  `json:"message"`
}

func (f Finding) with(o Outcome, msg string) Finding {
	f.Outcome = o
	f.Message = msg
	return f
}

// Messages are built by concatenation, not fmt, because Evaluate makes a few
// dozen of them per decision and must stay fast.
func (f Finding) pass(msg string) Finding { return f.with(Pass, msg) }
func (f Finding) fail(msg string) Finding { return f.with(Fail, msg) }
func (f Finding) na(msg string) Finding   { return f.with(NotApplicable, msg) }

// ApplicantSummary is the part of the applicant's facts a stored decision
// keeps for display.
type ApplicantSummary struct {
	Name         string     `json:"name"`
	USCC         string     `json:"uscc,omitempty"`
	Kind         EntityKind `json:"kind"`
	Role         Role       `json:"role"`
	RegionCode   string     `json:"region_code"`
	District     string     `json:"district,omitempty"`
	IndustryCode string     `json:"industry_code,omitempty"`
	Employees    *int64     `json:"employees,omitempty"`
	RevenueFen   *int64     `json:"revenue_fen,omitempty"`
}

// Decision is the outcome of Evaluate, self-contained so that it can be
// stored and explained years later: the parameter version and overrides
// used, the facts summarised, the conclusions and every finding.
type Decision struct {
	ParamsVersion     string           `json:"params_version"`
	Overrides         []Override       `json:"overrides,omitempty"`
	AsOf              Date             `json:"as_of"`
	Applicant         ApplicantSummary `json:"applicant"`
	Category          Category         `json:"category"`
	Subtype           string           `json:"subtype,omitempty"`
	Size              SizeClass        `json:"size,omitempty"`
	PilotIndustry     bool             `json:"pilot_industry"`
	PilotIndustryName string           `json:"pilot_industry_name,omitempty"`
	CentralEligible   bool             `json:"central_eligible"` // 中央专项资金
	LocalEligible     bool             `json:"local_eligible"`   // 地方配套资金
	// HasCap is false where the measures fix no maximum (then the Max fields
	// are 0 and a finding says what applies instead).
	HasCap        bool  `json:"has_cap"`
	MaxSubsidyFen int64 `json:"max_subsidy_fen"` // 0 unless eligible for some fund
	// MinSubsidyFen is the floor of the standard's range (第七条（二）:
	// 1万元 per cloud enterprise, 5万元 per benchmark): no award below it.
	MinSubsidyFen         int64     `json:"min_subsidy_fen,omitempty"`
	MaxCentralFen         int64     `json:"max_central_fen"`
	MaxLocalFen           int64     `json:"max_local_fen"`
	EligibleInvestmentFen int64     `json:"eligible_investment_fen,omitempty"` // 第七条（一）核定改造投入
	Findings              []Finding `json:"findings"`
}

const (
	ruleInput      = "Input"
	ruleInForce    = "InForce"
	ruleCallParams = "CallParams"
)

func (d *Decision) add(fs ...Finding) { d.Findings = append(d.Findings, fs...) }

// all adds the findings and reports whether none failed and none is missing.
func (d *Decision) all(fs ...Finding) bool {
	d.add(fs...)
	for _, f := range fs {
		if f.Outcome != Pass {
			return false
		}
	}
	return true
}

// InForce decides 第二十一条: the measures apply from their issue, so a
// decision needs parameters in force on its date.
func InForce(p *Params, asOf Date) Finding {
	f := Finding{Rule: ruleInForce, Article: "第二十一条"}
	if asOf.Before(p.EffectiveFrom()) {
		return f.fail("判定日期" + asOf.String() + "早于参数版本" + p.Version() + "的生效日期" + p.EffectiveFrom().String() +
			"，本办法自印发之日起实施，尚不适用（第二十一条）")
	}
	var buf [256]byte
	t := text(buf[:0])
	return f.pass(t.s("判定日期").date(asOf).s("，适用参数版本").s(p.Version()).s("（自").date(p.EffectiveFrom()).
		s("起生效；本办法有效期至试点期结束，第二十一条）").String())
}

// Evaluate decides one input: eligibility for central and for local funds,
// size, pilot industry and maximum subsidy, with a finding per rule. It never
// panics; a nil p means Default(); invalid input yields a decision with one
// failing finding and nothing eligible.
func Evaluate(p *Params, in *Input) *Decision {
	if p == nil {
		p = Default()
	}
	d := &Decision{ParamsVersion: p.Version(), Overrides: p.Overrides(), Findings: make([]Finding, 0, 32)}
	if len(p.snaps) == 0 {
		d.add(Finding{Rule: ruleCallParams, Article: "第六条（一）", Outcome: Fail, Message: "参数未加载：请使用 policy.Default() 或 policy.Load 得到的参数"})
		return d
	}
	if in == nil {
		d.add(Finding{Rule: ruleInput, Outcome: Fail, Message: "没有输入"})
		return d
	}
	d.describe(in)
	if err := in.Validate(); err != nil {
		d.add(Finding{Rule: ruleInput, Outcome: Fail, Message: "输入无效：" + err.Error()})
		return d
	}
	v, fs := CallParams(p, &in.Claim.Call, in.AsOf)
	d.add(fs...)
	if v == nil {
		return d
	}
	d.Overrides = mergeOverrides(d.Overrides, in.Claim.Call.Overrides)
	d.decide(v, in)
	return d
}

func (d *Decision) describe(in *Input) {
	a := &in.Applicant
	d.AsOf = in.AsOf
	d.Category = in.Claim.Category
	d.Subtype = in.Claim.Subtype
	d.Applicant = ApplicantSummary{Name: a.Name, USCC: a.USCC, Kind: a.Kind, Role: a.Role,
		RegionCode: a.RegionCode, District: a.District, IndustryCode: a.IndustryCode,
		Employees: a.Employees, RevenueFen: a.RevenueFen}
}

// CallParams resolves the parameters a decision under a call uses: the
// version the call pins (第六条（一）: the city bureau sets the standards of a
// call), in force on the decision date (第二十一条), with the call's overrides,
// each cited to its source. It returns nil values when they cannot be used.
func CallParams(p *Params, call *Call, asOf Date) (*Values, []Finding) {
	f := Finding{Rule: ruleCallParams, Article: "第六条（一）"}
	if call.ParamsVersion != "" && call.ParamsVersion != p.Version() {
		return nil, []Finding{f.fail("申报批次指定参数版本" + call.ParamsVersion + "，但判定使用的参数版本为" + p.Version() +
			"，须以批次指定的版本判定（第六条（一）：支持标准由市工业和信息化局确定）")}
	}
	in := InForce(p, asOf)
	if in.Outcome != Pass {
		return nil, []Finding{in}
	}
	v, err := p.At(asOf)
	if err != nil {
		return nil, []Finding{in, f.fail(err.Error())}
	}
	fs := []Finding{in}
	if len(call.Overrides) == 0 {
		return v, fs
	}
	ps, err := parseOverrides(call.Overrides)
	if err == nil {
		v, err = v.withOverrides(ps)
	}
	if err != nil {
		return nil, append(fs, f.fail("申报批次的参数覆盖无效："+err.Error()))
	}
	for _, x := range call.Overrides {
		fs = append(fs, f.pass("本批次将参数 "+x.Key+"（"+keySpecs[keyIndex[x.Key]].label+"）设为 "+compactJSON(x.Value)+
			"，依据："+x.Source+"（第六条（一）：支持标准由市工业和信息化局会同市财政局确定）"))
	}
	return v, fs
}

// mergeOverrides lists the overrides a decision used: the Params' own, then
// the call's, a later one replacing an earlier one of the same key.
func mergeOverrides(base, call []Override) []Override {
	out := base
	for _, x := range call {
		out = slices.DeleteFunc(out, func(y Override) bool { return y.Key == x.Key })
		out = append(out, cloneOverride(x))
	}
	return out
}

func compactJSON(b []byte) string {
	if bytes.IndexAny(b, " \t\r\n") < 0 && len(b) <= 200 {
		return string(b)
	}
	s := strings.Join(strings.Fields(string(b)), "")
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// decide runs the rules on valid input with resolved values.
func (d *Decision) decide(v *Values, in *Input) {
	a, c, asOf := &in.Applicant, &in.Claim, in.AsOf
	// 第十一条、第十二条、第十三条 and the category's applicant: every fund.
	general := d.all(
		EligibleEntity(a),
		Registration(v, a),
		CreditLists(a, asOf),
		ComplianceRecord(v, a, asOf),
		SeriousDishonesty(v, a, asOf),
		Sanctions(v, a, asOf),
		CategoryApplicant(c, a),
	)
	size, sf := Size(v, a)
	ind, pilot, pf := PilotIndustry(v, a.IndustryCode)
	if a.Role != RoleEnterprise && pf.Outcome == Fail {
		pf.Outcome = NotApplicable // the industry scope binds supported enterprises only
		pf.Message += "；" + a.Role.Label() + "不受试点行业限制（第七条）"
	}
	d.add(sf, pf)
	d.Size, d.PilotIndustry, d.PilotIndustryName = size, pilot, ind.Industry
	central := d.all(CentralScope(v, a, c))
	if c.Category != CatLocal {
		central = d.all(LittleGiant(a), Pilot2022(a), UnacceptedProject(v, a, asOf)) && central
	}
	local := d.all(LocalScope(v, a, c))
	d.CentralEligible = general && central
	d.LocalEligible = general && local
	r := MaxSubsidy(v, c)
	d.add(r.Findings...)
	d.HasCap, d.EligibleInvestmentFen = r.HasCap, r.EligibleInvestmentFen
	if d.CentralEligible || d.LocalEligible {
		d.MaxSubsidyFen, d.MinSubsidyFen = r.MaxFen, r.MinFen
	}
	if d.CentralEligible {
		d.MaxCentralFen = r.MaxFen
	}
	if d.LocalEligible {
		d.MaxLocalFen = r.MaxFen
	}
}
