package policy

import (
	"strings"
	"testing"
)

// Helpers shared by the tests. Expected values in the tests are worked out by
// hand from the measures and FACTS.md, never copied from the code's output.

const wan = 1_000_000 // fen per 万元

func i64(n int64) *int64 { return &n }
func yes() *bool         { b := true; return &b }
func no() *bool          { b := false; return &b }

func d(s string) Date {
	t, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

// spend is one eligible software purchase with all dates on day.
func spend(amountFen int64, day string) Spending {
	return Spending{Type: "software", Supplier: "长春某软件有限公司", AmountFen: amountFen,
		ContractDate: d(day), InvoiceDate: d(day), PaymentDate: d(day)}
}

// baseInput is a medium auto-parts maker in 朝阳区 claiming 第七条（一） for
// 100万元 of software bought inside the window, decided on 2025-06-30: it is
// eligible for both funds with a maximum of 50万元.
func baseInput() *Input {
	return &Input{
		AsOf: d("2025-06-30"),
		Applicant: Applicant{
			Name: "长春某汽车零部件有限公司", USCC: "91220104661234568K",
			Kind: KindEnterprise, Role: RoleEnterprise, LegalPerson: yes(),
			RegionCode: "220104", IndustryCode: "3670",
			Employees: i64(320), RevenueFen: i64(8000 * wan),
		},
		Claim: Claim{
			Category: Cat71,
			Call:     Call{WindowFrom: d("2023-12-29"), WindowTo: d("2025-12-31")},
			Spending: []Spending{spend(100*wan, "2024-05-01")},
		},
	}
}

// providerInput is a service provider registered in Beijing claiming under cat.
func providerInput(cat Category) *Input {
	in := baseInput()
	in.Applicant.Name = "北京某数字科技有限公司"
	in.Applicant.USCC = "911101057123456724"
	in.Applicant.Role = RoleServiceProvider
	in.Applicant.RegionCode = "110105"
	in.Applicant.IndustryCode = "6510"
	in.Claim = Claim{Category: cat}
	return in
}

func eval(t *testing.T, in *Input) *Decision {
	t.Helper()
	dec := Evaluate(nil, in)
	for _, f := range dec.Findings {
		if _, ok := Rules[f.Rule]; !ok {
			t.Errorf("finding of rule %q, which is not in Rules", f.Rule)
		}
		if f.Message == "" || f.Outcome == "" {
			t.Errorf("finding %+v has no message or outcome", f)
		}
	}
	return dec
}

// find returns the findings of one rule.
func find(dec *Decision, rule string) []Finding {
	var out []Finding
	for _, f := range dec.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// one returns the single finding of rule, failing the test otherwise.
func one(t *testing.T, dec *Decision, rule string) Finding {
	t.Helper()
	fs := find(dec, rule)
	if len(fs) != 1 {
		t.Fatalf("want exactly one %s finding, got %d: %+v", rule, len(fs), dec.Findings)
	}
	return fs[0]
}

func wantOutcome(t *testing.T, f Finding, want Outcome, contains ...string) {
	t.Helper()
	if f.Outcome != want {
		t.Errorf("%s %s: outcome %s, want %s (%s)", f.Rule, f.Article, f.Outcome, want, f.Message)
	}
	for _, s := range contains {
		if !strings.Contains(f.Message, s) {
			t.Errorf("%s message %q does not contain %q", f.Rule, f.Message, s)
		}
	}
}

func wantFunds(t *testing.T, dec *Decision, central, local bool) {
	t.Helper()
	if dec.CentralEligible != central || dec.LocalEligible != local {
		t.Errorf("central=%v local=%v, want central=%v local=%v; findings:\n%s",
			dec.CentralEligible, dec.LocalEligible, central, local, dec.Text())
	}
}

func values(t *testing.T, on string) *Values {
	t.Helper()
	v, err := Default().At(d(on))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
