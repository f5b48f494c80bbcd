package policy

// 免申即享 (第十五条 “按照市政府批示及有关程序规定，通过免申即享等方式拨付”):
// instead of waiting for applications, the system finds the enterprises
// that meet a policy from the data it already holds and proposes the award;
// the enterprise only confirms. Match decides one enterprise over plain
// facts, so that a run over 100,000 enterprises is a loop of Match calls
// with no storage in between.
//
// The policy built here is the platform award of 第七条（二）: "每家上云上平台
// 的企业支持1-3万". Readings chosen (each also stated in its finding):
//
//   - “上云上平台” is shown by the enterprise's own confirmation that it uses a
//     platform cloud service (an adoption record of a cloud-service product,
//     confirmed by the enterprise, not by the provider), with a contract
//     date inside the policy's period, both ends included. Several contracts
//     for the same service count once.
//   - The amount grows with the number of services: each counts the
//     parameter cap.7_2.cloud_per_service_fen (1万元), the total kept inside
//     the range of 第七条（二） (cap.7_2.cloud_min_fen–cloud_max_fen, 1–3万元):
//     1 service 1万元, 2 services 2万元, 3 or more 3万元. The per-service
//     amount is this system's default reading of the range; a call may
//     override it with its own citation.
//   - Eligibility is that of every fund (第十二条, 第十三条 registration in
//     Changchun and credit, 第十一条（一）), checked by the same rules as an
//     application; SME (第五条) and pilot industry (第四条) are the scope of
//     central funds (第七条) and a policy normally requires both.
//   - An enterprise with a live application or proposal under the same call
//     is not proposed again: the award is per enterprise.
//   - A policy may further require an accepted 第七条（一） project (事后奖补).
//     Acceptance results come from outside this package; while none are
//     supplied (AcceptanceKnown false) the criterion fails and says so — it
//     is never assumed.

// Rule names of the matching criteria (Finding.Rule).
const (
	ruleCloudServices    = "CloudServices"
	ruleMatchSME         = "MatchSME"
	ruleMatchIndustry    = "MatchIndustry"
	ruleNoDuplicate      = "NoDuplicate"
	ruleAcceptedRetrofit = "AcceptedRetrofit"
	ruleCloudAward       = "CloudAward"
)

// MatchCriteria are a 免申即享 policy's conditions.
type MatchCriteria struct {
	PeriodFrom  Date // confirmed cloud-service adoptions with a contract date …
	PeriodTo    Date // … inside [PeriodFrom, PeriodTo], both days included
	MinServices int  // at least this many distinct cloud services (≥ 1)
	// RequireSME and RequirePilotIndustry hold the enterprise to the scope
	// of central funds (第七条 with 第四条, 第五条).
	RequireSME           bool
	RequirePilotIndustry bool
	// RequireAcceptedRetrofit asks for a 第七条（一） project that passed
	// acceptance (事后奖补, 第十五条); see MatchFacts.AcceptanceKnown.
	RequireAcceptedRetrofit bool
}

// CloudAdoption is one confirmed use of a platform cloud service.
type CloudAdoption struct {
	ProductID    int64
	Product      string // the service's name
	Provider     string // the provider's name
	ContractDate Date
}

// AcceptedProject is a 第七条（一） project that passed acceptance.
type AcceptedProject struct {
	Project    string // e.g. "SB2025-000012 MES 改造"
	AcceptedOn Date
}

// MatchFacts are what the system holds about one enterprise. Applicant
// carries the same facts an application's decision reads (kind, legal
// person, registration, industry, size figures, credit records).
type MatchFacts struct {
	Applicant      Applicant
	CloudAdoptions []CloudAdoption
	// AcceptanceKnown is false while no source of acceptance results is
	// wired in; then a policy requiring acceptance matches nobody.
	AcceptanceKnown bool
	Accepted        []AcceptedProject
	// Duplicate names the enterprise's live application or proposal under
	// the same call, e.g. "申报 SB2026-000012（已申报）"; empty when none.
	Duplicate string
}

// MatchResult is the outcome for one enterprise: every criterion's
// finding, and when all pass, the amount.
type MatchResult struct {
	Matched   bool
	Services  int   // distinct cloud services counted
	AmountFen int64 // 0 unless matched
	Findings  []Finding
}

// Failing returns the findings that excluded the enterprise.
func (r *MatchResult) Failing() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Outcome == Fail {
			out = append(out, f)
		}
	}
	return out
}

// Match decides one enterprise against the criteria, on asOf, with the
// parameter values in force (with the call's overrides). Every criterion
// is evaluated, so an excluded enterprise learns every reason.
func Match(v *Values, c *MatchCriteria, f *MatchFacts, asOf Date) MatchResult {
	a := f.Applicant
	a.Role = RoleEnterprise // 第七条（二）上云上平台 supports the enterprise itself
	n, cf := CloudServices(c, f.CloudAdoptions)
	r := MatchResult{Services: n, Findings: make([]Finding, 0, 12)}
	r.Findings = append(r.Findings, cf,
		EligibleEntity(&a), Registration(v, &a), CreditLists(&a, asOf), SeriousDishonesty(v, &a, asOf),
		ComplianceRecord(v, &a, asOf))
	if c.RequireSME {
		r.Findings = append(r.Findings, MatchSME(v, &a))
	}
	if c.RequirePilotIndustry {
		r.Findings = append(r.Findings, MatchIndustry(v, &a))
	}
	r.Findings = append(r.Findings, NoDuplicate(f.Duplicate))
	if c.RequireAcceptedRetrofit {
		r.Findings = append(r.Findings, AcceptedRetrofit(f))
	}
	for _, x := range r.Findings {
		if x.Outcome == Fail {
			return r
		}
	}
	amount, af := CloudAward(v, n)
	r.Matched, r.AmountFen = true, amount
	r.Findings = append(r.Findings, af)
	return r
}

// CloudServices counts the distinct cloud services the enterprise confirmed
// using with a contract date inside the policy's period (第七条（二）“支持
// 企业上云上平台”).
func CloudServices(c *MatchCriteria, ads []CloudAdoption) (int, Finding) {
	f := Finding{Rule: ruleCloudServices, Article: "第七条（二）"}
	var buf [512]byte
	t := text(buf[:0]).date(c.PeriodFrom).s("至").date(c.PeriodTo).s("期间，经企业确认使用的平台云服务")
	seen := make(map[int64]bool, len(ads))
	names := text(make([]byte, 0, 128))
	for _, ad := range ads {
		if seen[ad.ProductID] || ad.ContractDate.Before(c.PeriodFrom) || ad.ContractDate.After(c.PeriodTo) {
			continue
		}
		seen[ad.ProductID] = true
		switch n := len(seen); {
		case n <= 5:
			if n > 1 {
				names = names.s("、")
			}
			names = names.s(ad.Product)
			if ad.Provider != "" {
				names = names.s("（").s(ad.Provider).s("）")
			}
		case n == 6:
			names = names.s("等")
		}
	}
	n := len(seen)
	t = t.n(int64(n)).s("项")
	if n > 0 {
		t = t.s("：").s(names.String())
	}
	if n < c.MinServices {
		return n, f.fail(t.s("，少于本政策要求的").n(int64(c.MinServices)).s("项（第七条（二））").String())
	}
	return n, f.pass(t.s("，不少于本政策要求的").n(int64(c.MinServices)).s("项，属于“上云上平台”的企业（第七条（二））").String())
}

// MatchSME requires a 中小企业 under 第五条: the size rule on the
// enterprise's latest figures.
func MatchSME(v *Values, a *Applicant) Finding {
	f := Finding{Rule: ruleMatchSME, Article: "第五条"}
	class, sf := Size(v, a)
	switch {
	case class.IsSME():
		return f.pass(sf.Message)
	case class == SizeLarge:
		return f.fail(sf.Message + "；本政策只支持中小企业（第七条）")
	}
	return f.fail("无法确认为中小企业：" + sf.Message + "；本政策只支持中小企业（第七条）")
}

// MatchIndustry requires one of the four pilot industries of 第四条.
func MatchIndustry(v *Values, a *Applicant) Finding {
	f := Finding{Rule: ruleMatchIndustry, Article: "第四条"}
	_, ok, pf := PilotIndustry(v, a.IndustryCode)
	if ok {
		return f.pass(pf.Message)
	}
	return f.fail(pf.Message + "；本政策只支持试点行业企业（第七条）")
}

// NoDuplicate refuses a second proposal of the same award: an enterprise
// with a live application or proposal under the call is not proposed again.
func NoDuplicate(live string) Finding {
	f := Finding{Rule: ruleNoDuplicate, Article: "第十五条"}
	if live != "" {
		return f.fail("本批次下已有" + live + "，同一奖补不重复推荐（第七条（二）“每家……支持”，第十五条）")
	}
	return f.pass("本批次下没有在办的申报或待确认、已确认的推荐，不属重复（第十五条）")
}

// AcceptedRetrofit requires a 第七条（一） project that passed
// acceptance (事后奖补, 第十五条). Without a source of acceptance results it
// fails and says so.
func AcceptedRetrofit(f *MatchFacts) Finding {
	x := Finding{Rule: ruleAcceptedRetrofit, Article: "第十五条"}
	if !f.AcceptanceKnown {
		return x.fail("本政策要求第七条（一）数字化改造项目已通过验收，但验收结果尚未接入本系统，无法判定，不予推荐（第十五条“事后奖补”）")
	}
	if len(f.Accepted) == 0 {
		return x.fail("没有已通过验收的第七条（一）数字化改造项目（第十五条“事后奖补”）")
	}
	var buf [256]byte
	t := text(buf[:0]).s("第七条（一）数字化改造项目已通过验收：")
	for i, p := range f.Accepted {
		if i > 0 {
			t = t.s("；")
		}
		t = t.s(p.Project).s("（").date(p.AcceptedOn).s("验收）")
	}
	return x.pass(t.s("（第十五条“事后奖补”）").String())
}

// CloudAmountRule is the amount rule of the cloud award, as in force.
type CloudAmountRule struct {
	PerServiceFen int64
	MinFen        int64
	MaxFen        int64
	Source        string // where the per-service amount comes from
	Override      bool   // set by the call
}

// CloudRule returns the cloud award's amount rule in force.
func CloudRule(v *Values) CloudAmountRule {
	ref := v.ref(k72CloudPerService)
	return CloudAmountRule{PerServiceFen: v.n[k72CloudPerService], MinFen: v.n[k72CloudMin], MaxFen: v.n[k72CloudMax],
		Source: ref.Source, Override: ref.Override}
}

// CloudAward is the amount for n cloud services: n × the per-service amount,
// kept inside the range of 第七条（二） (1–3万元 per enterprise). No services,
// no award.
func CloudAward(v *Values, n int) (int64, Finding) {
	f := Finding{Rule: ruleCloudAward, Article: "第七条（二）"}
	rule := CloudRule(v)
	if n <= 0 {
		return 0, f.na("没有计入的云服务，不计奖补（第七条（二））")
	}
	raw := int64(n) * rule.PerServiceFen
	amount := min(max(raw, rule.MinFen), rule.MaxFen)
	var buf [512]byte
	t := text(buf[:0]).s("云服务").n(int64(n)).s("项×每项").wan(rule.PerServiceFen).s("=").wan(raw)
	switch {
	case raw > rule.MaxFen:
		t = t.s("，超过每家上限").wan(rule.MaxFen).s("，按上限")
	case raw < rule.MinFen:
		t = t.s("，低于每家下限").wan(rule.MinFen).s("，按下限")
	}
	t = t.s("；奖补").money(amount).s("（第七条（二）：每家上云上平台的企业支持").wan(rule.MinFen).s("至").wan(rule.MaxFen).
		s("；每项金额为参数 cap.7_2.cloud_per_service_fen")
	if rule.Override {
		t = t.s("，本批次依据“").s(rule.Source).s("”设定")
	}
	return amount, f.pass(t.s("）").String())
}
