package policy

import (
	"encoding/json"
	"strings"
	"testing"
)

// cloudCriteria is a policy over 2025 requiring one cloud service, an SME
// and a pilot industry.
func cloudCriteria() *MatchCriteria {
	return &MatchCriteria{PeriodFrom: d("2025-01-01"), PeriodTo: d("2025-12-31"), MinServices: 1,
		RequireSME: true, RequirePilotIndustry: true}
}

// matchFacts is the medium auto-parts maker of baseInput with the given
// cloud services, each contracted on its date.
func matchFacts(dates ...string) *MatchFacts {
	f := &MatchFacts{Applicant: baseInput().Applicant}
	for i, day := range dates {
		f.CloudAdoptions = append(f.CloudAdoptions, CloudAdoption{ProductID: int64(i + 1), Product: "云服务" + string(rune('A'+i)),
			Provider: "某平台公司", ContractDate: d(day)})
	}
	return f
}

func findRule(fs []Finding, rule string) (Finding, bool) {
	for _, f := range fs {
		if f.Rule == rule {
			return f, true
		}
	}
	return Finding{}, false
}

func checkRules(t *testing.T, fs []Finding) {
	t.Helper()
	for _, f := range fs {
		if _, ok := Rules[f.Rule]; !ok || f.Article == "" || f.Message == "" {
			t.Errorf("finding %+v: rule not in Rules, or no article or message", f)
		}
	}
}

func TestMatchCloudEnterprise(t *testing.T) {
	v := values(t, "2026-03-01")
	f := matchFacts("2025-03-01", "2025-04-01", "2025-05-01")
	// A second contract for the first service counts once.
	f.CloudAdoptions = append(f.CloudAdoptions, CloudAdoption{ProductID: 1, Product: "云服务A", ContractDate: d("2025-06-01")})
	r := Match(v, cloudCriteria(), f, d("2026-03-01"))
	checkRules(t, r.Findings)
	if !r.Matched || r.Services != 3 || r.AmountFen != 3*wan {
		t.Fatalf("match = %+v", r)
	}
	cs, _ := findRule(r.Findings, "CloudServices")
	if !strings.Contains(cs.Message, "2025-01-01至2025-12-31期间，经企业确认使用的平台云服务3项：云服务A（某平台公司）、云服务B（某平台公司）、云服务C（某平台公司）") ||
		cs.Article != "第七条（二）" {
		t.Errorf("cloud finding: %+v", cs)
	}
	aw, _ := findRule(r.Findings, "CloudAward")
	if !strings.Contains(aw.Message, "云服务3项×每项1万元=3万元") || !strings.Contains(aw.Message, "30,000.00元（3万元）") {
		t.Errorf("award finding: %s", aw.Message)
	}
	for _, rule := range []string{"EligibleEntity", "Registration", "CreditLists", "SeriousDishonesty", "ComplianceRecord", "MatchSME", "MatchIndustry", "NoDuplicate"} {
		if x, ok := findRule(r.Findings, rule); !ok || x.Outcome != Pass {
			t.Errorf("%s: %+v (present %v)", rule, x, ok)
		}
	}
	if _, ok := findRule(r.Findings, "AcceptedRetrofit"); ok {
		t.Error("acceptance checked although the policy does not require it")
	}
}

// The period includes both end days and nothing outside them.
func TestMatchPeriodBoundaries(t *testing.T) {
	v := values(t, "2026-03-01")
	c := cloudCriteria()
	c.MinServices = 2
	for _, tc := range []struct {
		dates []string
		want  int
	}{
		{[]string{"2025-01-01", "2025-12-31"}, 2},
		{[]string{"2024-12-31", "2025-12-31"}, 1},
		{[]string{"2025-01-01", "2026-01-01"}, 1},
		{[]string{"2024-12-31", "2026-01-01"}, 0},
	} {
		r := Match(v, c, matchFacts(tc.dates...), d("2026-03-01"))
		if r.Services != tc.want || r.Matched != (tc.want >= 2) {
			t.Errorf("%v: %d services, matched %v; want %d", tc.dates, r.Services, r.Matched, tc.want)
		}
		if tc.want < 2 {
			cs, _ := findRule(r.Failing(), "CloudServices")
			if !strings.Contains(cs.Message, "少于本政策要求的2项") || r.AmountFen != 0 {
				t.Errorf("%v: failing cloud finding %+v, amount %d", tc.dates, cs, r.AmountFen)
			}
		}
	}
}

// Every criterion is evaluated: an excluded enterprise sees each reason,
// with the article and the figures.
func TestMatchExclusionsExplainThemselves(t *testing.T) {
	v := values(t, "2026-03-01")
	on := d("2026-03-01")
	cases := []struct {
		name    string
		change  func(f *MatchFacts, c *MatchCriteria)
		rule    string
		article string
		text    string
	}{
		{"large enterprise", func(f *MatchFacts, _ *MatchCriteria) {
			f.Applicant.Employees, f.Applicant.RevenueFen = i64(1000), i64(40000*wan)
		},
			"MatchSME", "第五条", "为大型企业"},
		{"no size figures", func(f *MatchFacts, _ *MatchCriteria) { f.Applicant.Employees = nil },
			"MatchSME", "第五条", "无法确认为中小企业"},
		{"food industry", func(f *MatchFacts, _ *MatchCriteria) { f.Applicant.IndustryCode = "1351" },
			"MatchIndustry", "第四条", "行业代码1351不属于"},
		{"registered in Beijing", func(f *MatchFacts, _ *MatchCriteria) { f.Applicant.RegionCode = "110105" },
			"Registration", "第十三条", "不在长春市"},
		{"on the abnormal-operation list", func(f *MatchFacts, _ *MatchCriteria) {
			f.Applicant.CreditRecords = []CreditRecord{{Kind: CreditAbnormalOperation, Start: d("2026-01-10")}}
		}, "CreditLists", "第十三条", "列入经营异常名录"},
		{"serious dishonesty two years ago", func(f *MatchFacts, _ *MatchCriteria) {
			f.Applicant.CreditRecords = []CreditRecord{{Kind: CreditSeriousDishonesty, Start: d("2024-01-10"), End: d("2024-06-30")}}
		}, "SeriousDishonesty", "第十一条（一）", "存在严重失信行为"},
		{"already applied", func(f *MatchFacts, _ *MatchCriteria) { f.Duplicate = "申报 SB2026-000012（已申报）" },
			"NoDuplicate", "第十五条", "SB2026-000012"},
		{"acceptance required but not wired", func(_ *MatchFacts, c *MatchCriteria) { c.RequireAcceptedRetrofit = true },
			"AcceptedRetrofit", "第十五条", "验收结果尚未接入本系统"},
		{"acceptance required, none accepted", func(f *MatchFacts, c *MatchCriteria) { c.RequireAcceptedRetrofit, f.AcceptanceKnown = true, true },
			"AcceptedRetrofit", "第十五条", "没有已通过验收"},
	}
	for _, tc := range cases {
		f, c := matchFacts("2025-06-01"), cloudCriteria()
		tc.change(f, c)
		r := Match(v, c, f, on)
		checkRules(t, r.Findings)
		fail := r.Failing()
		if r.Matched || r.AmountFen != 0 || len(fail) != 1 || fail[0].Rule != tc.rule || fail[0].Article != tc.article ||
			!strings.Contains(fail[0].Message, tc.text) {
			t.Errorf("%s: matched %v, failing %+v; want only %s (%s) saying %q", tc.name, r.Matched, fail, tc.rule, tc.article, tc.text)
		}
	}
	// Two reasons at once are both given.
	f := matchFacts()
	f.Applicant.IndustryCode = "1351"
	r := Match(v, cloudCriteria(), f, on)
	if fail := r.Failing(); len(fail) != 2 || fail[0].Rule != "CloudServices" || fail[1].Rule != "MatchIndustry" {
		t.Errorf("no services and wrong industry: %+v", fail)
	}
	// A policy that does not require SME and industry lets a large food
	// maker through (local funds, 第八条).
	f = matchFacts("2025-06-01")
	f.Applicant.IndustryCode, f.Applicant.Employees, f.Applicant.RevenueFen = "1351", i64(2000), i64(90000*wan)
	c := cloudCriteria()
	c.RequireSME, c.RequirePilotIndustry = false, false
	if r := Match(v, c, f, on); !r.Matched || r.AmountFen != 1*wan {
		t.Errorf("without the central scope: %+v", r)
	}
	// Accepted projects are named.
	f, c = matchFacts("2025-06-01"), cloudCriteria()
	c.RequireAcceptedRetrofit, f.AcceptanceKnown = true, true
	f.Accepted = []AcceptedProject{{Project: "SB2025-000012 MES 改造", AcceptedOn: d("2025-11-20")}}
	r = Match(v, c, f, on)
	if acc, _ := findRule(r.Findings, "AcceptedRetrofit"); !r.Matched || !strings.Contains(acc.Message, "SB2025-000012 MES 改造（2025-11-20验收）") {
		t.Errorf("accepted project: %+v", r)
	}
}

// The amount rule at its boundaries: 0, 1, 2, 3 and 4 services with the
// default 1万元 per service, and a call that sets 0.5万元 per service.
func TestCloudAwardBoundaries(t *testing.T) {
	v := values(t, "2026-03-01")
	for _, tc := range []struct {
		n    int
		want int64
		note string
	}{{0, 0, "没有计入的云服务"}, {1, 1 * wan, "云服务1项×每项1万元=1万元；"}, {2, 2 * wan, "=2万元；"},
		{3, 3 * wan, "=3万元；"}, {4, 3 * wan, "=4万元，超过每家上限3万元，按上限"}} {
		got, f := CloudAward(v, tc.n)
		if got != tc.want || !strings.Contains(f.Message, tc.note) || f.Article != "第七条（二）" {
			t.Errorf("%d services: %d, %q; want %d and %q", tc.n, got, f.Message, tc.want, tc.note)
		}
	}
	call := &Call{Overrides: []Override{{Key: "cap.7_2.cloud_per_service_fen", Value: json.RawMessage("500000"), Source: "长工信发〔2026〕1号"}}}
	ov, fs := CallParams(Default(), call, d("2026-03-01"))
	if ov == nil {
		t.Fatalf("override refused: %+v", fs)
	}
	for _, tc := range []struct {
		n    int
		want int64
		note string
	}{{1, 1 * wan, "=0.5万元，低于每家下限1万元，按下限"}, {2, 1 * wan, "=1万元；"}, {3, 1_500_000, "=1.5万元；"}, {7, 3 * wan, "按上限"}} {
		got, f := CloudAward(ov, tc.n)
		if got != tc.want || !strings.Contains(f.Message, tc.note) || !strings.Contains(f.Message, "长工信发〔2026〕1号") {
			t.Errorf("0.5万 per service, %d services: %d, %q; want %d", tc.n, got, f.Message, tc.want)
		}
	}
	if r := CloudRule(ov); r.PerServiceFen != 500_000 || !r.Override || r.MinFen != wan || r.MaxFen != 3*wan {
		t.Errorf("rule with override: %+v", r)
	}
}

// 第七条（二） ranges have a floor: no award below 1万元 per cloud enterprise
// or 5万元 per benchmark; the floor travels in the decision for publicity.
func TestPlatformFloors(t *testing.T) {
	cloud := func(req int64) *Input {
		in := baseInput()
		in.Claim = Claim{Category: Cat72, Subtype: SubtypeCloud, RequestedFen: req}
		return in
	}
	bench := func(req int64, items ...int64) *Input {
		in := providerInput(Cat72)
		in.Claim.Subtype, in.Claim.RequestedFen = SubtypeBenchmark, req
		for i, r := range items {
			in.Claim.Items = append(in.Claim.Items, Item{Name: "标杆" + string(rune('A'+i)), RequestedFen: r})
		}
		return in
	}
	cases := []struct {
		name     string
		in       *Input
		max, min int64
		fails    bool
	}{
		{"cloud 0.99万", cloud(990_000), 0, wan, true},
		{"cloud 1万 exactly", cloud(wan), wan, wan, false},
		{"cloud 3万", cloud(3 * wan), 3 * wan, wan, false},
		{"benchmark 4.99万", bench(4_990_000), 0, 5 * wan, true},
		{"benchmark 5万 exactly", bench(5 * wan), 5 * wan, 5 * wan, false},
		{"benchmark 20万", bench(20 * wan), 20 * wan, 5 * wan, false},
		{"benchmark 25万: 20万", bench(25 * wan), 20 * wan, 5 * wan, true},
		{"benchmark, no request", bench(0), 20 * wan, 5 * wan, false},
		{"benchmarks 3万 and 10万: only the second", bench(0, 3*wan, 10*wan), 10 * wan, 5 * wan, true},
	}
	for _, tc := range cases {
		dec := eval(t, tc.in)
		var failed bool
		for _, f := range find(dec, "PlatformCap") {
			failed = failed || f.Outcome == Fail
		}
		for _, f := range find(dec, "MaxSubsidy") {
			failed = failed || f.Outcome == Fail
		}
		if dec.MaxSubsidyFen != tc.max || dec.MinSubsidyFen != tc.min || failed != tc.fails {
			t.Errorf("%s: max %d min %d failing %v; want %d %d %v\n%s", tc.name, dec.MaxSubsidyFen, dec.MinSubsidyFen, failed,
				tc.max, tc.min, tc.fails, dec.Text())
		}
	}
	dec := eval(t, bench(3*wan))
	fs := find(dec, "PlatformCap")
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "申请金额3万元低于标准下限5万元") {
		t.Errorf("benchmark below the floor: %+v", fs)
	}
}
