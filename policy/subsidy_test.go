package policy

import (
	"encoding/json"
	"strings"
	"testing"
)

// 第七条（一）: ≤ 50% of the approved investment, ≤ 50万元 cumulative.
func TestRetrofitCapArticle7_1(t *testing.T) {
	cases := []struct {
		name      string
		spending  []Spending
		prior     int64
		requested int64
		wantInv   int64
		wantMax   int64
		contains  string
	}{
		{"exactly 50%", []Spending{spend(60*wan, "2024-05-01")}, 0, 0, 60 * wan, 30 * wan, "60万元×50.00%=30万元"},
		{"50% of an odd amount rounds down to the fen", []Spending{spend(333_333, "2024-05-01")}, 0, 0, 333_333, 166_666, "1,666.66元"},
		{"first claim at the cumulative cap", []Spending{spend(120*wan, "2024-05-01")}, 0, 0, 120 * wan, 50 * wan, "尚余50万元"},
		{"second claim crossing the cap gets the remainder", []Spending{spend(60*wan, "2024-05-01")}, 40 * wan, 0, 60 * wan, 10 * wan, "此前已获第七条（一）奖补40万元，尚余10万元"},
		{"cap already reached", []Spending{spend(60*wan, "2024-05-01")}, 50 * wan, 0, 60 * wan, 0, "尚余0万元"},
		{"request below the cap is the maximum", []Spending{spend(60*wan, "2024-05-01")}, 0, 12 * wan, 60 * wan, 12 * wan, "30万元"},
		{"request above the remainder is reduced", []Spending{spend(100*wan, "2024-05-01")}, 45 * wan, 8 * wan, 100 * wan, 5 * wan, "尚余5万元"},
	}
	for _, c := range cases {
		in := baseInput()
		in.Claim.Spending = c.spending
		in.Claim.PriorAwardsFen = c.prior
		in.Claim.RequestedFen = c.requested
		dec := eval(t, in)
		if dec.EligibleInvestmentFen != c.wantInv || dec.MaxSubsidyFen != c.wantMax {
			t.Errorf("%s: investment %d max %d, want %d %d", c.name, dec.EligibleInvestmentFen, dec.MaxSubsidyFen, c.wantInv, c.wantMax)
		}
		var capF Finding
		for _, f := range find(dec, "RetrofitCap") {
			if strings.HasPrefix(f.Message, "核定改造投入") {
				capF = f
			}
		}
		if !strings.Contains(capF.Message, c.contains) {
			t.Errorf("%s: message %q lacks %q", c.name, capF.Message, c.contains)
		}
		if (capF.Outcome == Fail) != (c.prior >= 50*wan) {
			t.Errorf("%s: outcome %s", c.name, capF.Outcome)
		}
		reduced := find(dec, "MaxSubsidy")
		if wantReduced := c.requested > c.wantMax && c.requested > 0; (len(reduced) == 1) != wantReduced {
			t.Errorf("%s: reduction findings %+v", c.name, reduced)
		} else if wantReduced {
			wantOutcome(t, reduced[0], Fail, "申请金额8万元超过最高奖补5万元，按5万元核定")
		}
	}
}

// FACTS §4: contract, invoice, payment (and acceptance) dates inside the
// call's window, both end days included; no spending funded elsewhere; only
// the spending types of 第七条（一）.
func TestEligibleSpending(t *testing.T) {
	withDate := func(amount int64, field, day string) Spending {
		s := spend(amount, "2024-05-01")
		switch field {
		case "contract":
			s.ContractDate = d(day)
		case "invoice":
			s.InvoiceDate = d(day)
		case "payment":
			s.PaymentDate = d(day)
		case "acceptance":
			s.AcceptanceDate = d(day)
		}
		return s
	}
	missingInvoice := spend(7*wan, "2024-05-01")
	missingInvoice.InvoiceDate = Date{}
	funded := spend(11*wan, "2024-05-01")
	funded.FundedElsewhere = true
	machine := spend(13*wan, "2024-05-01")
	machine.Type = "machinery"
	items := []Spending{
		spend(10*wan, "2023-12-29"),                 // first day of the window: counts
		spend(20*wan, "2025-12-31"),                 // last day: counts
		withDate(1*wan, "contract", "2023-12-28"),   // a day early
		withDate(2*wan, "payment", "2026-01-01"),    // a day late
		withDate(3*wan, "acceptance", "2026-01-01"), // accepted after the window
		withDate(4*wan, "acceptance", "2025-12-31"), // accepted on the last day: counts
		missingInvoice, funded, machine,
		{Type: "cloud", AmountFen: 6 * wan, ContractDate: d("2024-01-01"), InvoiceDate: d("2024-01-02"), PaymentDate: d("2024-01-03")},
		{Type: "data_equipment", AmountFen: 8 * wan, ContractDate: d("2024-01-01"), InvoiceDate: d("2024-01-02"), PaymentDate: d("2024-01-03")},
		{Type: "consulting", AmountFen: 2 * wan, ContractDate: d("2024-01-01"), InvoiceDate: d("2024-01-02"), PaymentDate: d("2024-01-03")},
	}
	in := baseInput()
	in.Claim.Spending = items
	dec := eval(t, in)
	// Counted: 10 + 20 + 4 + 6 + 8 + 2 = 50万元; half of it is 25万元.
	if dec.EligibleInvestmentFen != 50*wan || dec.MaxSubsidyFen != 25*wan {
		t.Fatalf("investment %d max %d, want 50万 and 25万\n%s", dec.EligibleInvestmentFen, dec.MaxSubsidyFen, dec.Text())
	}
	var excluded []Finding
	for _, f := range find(dec, "EligibleSpending") {
		if f.Outcome == Fail {
			excluded = append(excluded, f)
		}
	}
	want := []string{
		"第3项支出（软件，供应商：长春某软件有限公司，1万元）：合同日期2023-12-28早于实施期起始日2023-12-29，不计入",
		"第4项支出（软件，供应商：长春某软件有限公司，2万元）：付款日期2026-01-01晚于实施期截止日2025-12-31",
		"第5项支出（软件，供应商：长春某软件有限公司，3万元）：验收日期2026-01-01晚于实施期截止日2025-12-31",
		"第7项支出（软件，供应商：长春某软件有限公司，7万元）：缺少发票日期",
		"第8项支出（软件，供应商：长春某软件有限公司，11万元）：已获省、市其他资金支持，不得重复申报",
		"第9项支出（machinery，供应商：长春某软件有限公司，13万元）：类型“machinery”不属于第七条（一）支持的支出",
	}
	if len(excluded) != len(want) {
		t.Fatalf("%d excluded findings, want %d: %+v", len(excluded), len(want), excluded)
	}
	for i, w := range want {
		if !strings.HasPrefix(excluded[i].Message, w) || excluded[i].Article != "第七条（一）" {
			t.Errorf("excluded[%d] = %q, want prefix %q", i, excluded[i].Message, w)
		}
	}
	wantOutcome(t, find(dec, "EligibleSpending")[len(want)], Pass, "支出6项，合计500,000.00元（50万元）；不计入6项")
}

func TestNoEligibleSpending(t *testing.T) {
	in := baseInput()
	in.Claim.Spending = []Spending{spend(10*wan, "2023-01-01")}
	dec := eval(t, in)
	if dec.MaxSubsidyFen != 0 || dec.EligibleInvestmentFen != 0 {
		t.Errorf("max %d", dec.MaxSubsidyFen)
	}
	wantFunds(t, dec, true, true) // eligible, but nothing to subsidise
}

// 第七条（一） last sentence: the uplift applies only if the call sets it.
func TestManufacturingUplift(t *testing.T) {
	in := baseInput()
	in.Claim.Spending = []Spending{spend(40*wan, "2024-05-01")}
	in.Claim.ManufacturingRetrofit = true
	dec := eval(t, in)
	if dec.MaxSubsidyFen != 20*wan { // 40万 × 50%
		t.Errorf("no uplift set: %d", dec.MaxSubsidyFen)
	}
	var uplift []Finding
	for _, f := range find(dec, "RetrofitCap") {
		if strings.Contains(f.Message, "生产制造环节") {
			uplift = append(uplift, f)
		}
	}
	if len(uplift) != 1 || uplift[0].Outcome != NotApplicable || !strings.Contains(uplift[0].Message, "未设定上浮") {
		t.Errorf("uplift finding %+v", uplift)
	}

	in.Claim.Call.Overrides = []Override{{Key: "cap.7_1.manufacturing_uplift_bp", Value: json.RawMessage("1500"), Source: "长工信发〔2025〕X号"}}
	dec = eval(t, in)
	if dec.MaxSubsidyFen != 26*wan { // 40万 × 65%
		t.Errorf("uplift 15 points: %d, want 26万", dec.MaxSubsidyFen)
	}
	found := false
	for _, f := range find(dec, "RetrofitCap") {
		if strings.Contains(f.Message, "依据“长工信发〔2025〕X号”上浮15.00个百分点，比例为65.00%") {
			found = true
		}
	}
	if !found {
		t.Errorf("uplift not cited:\n%s", dec.Text())
	}
	if len(dec.Overrides) != 1 || dec.Overrides[0].Source != "长工信发〔2025〕X号" {
		t.Errorf("decision does not record the override: %+v", dec.Overrides)
	}
	wantOutcome(t, one(t, dec, "CallParams"), Pass, "cap.7_1.manufacturing_uplift_bp", "1500", "长工信发〔2025〕X号")

	in.Claim.ManufacturingRetrofit = false // uplift set, but not a production retrofit
	if dec = eval(t, in); dec.MaxSubsidyFen != 20*wan {
		t.Errorf("uplift applied to a non-production retrofit: %d", dec.MaxSubsidyFen)
	}
}

func TestApprovedInvestment(t *testing.T) {
	in := baseInput()
	in.Claim.ApprovedInvestmentFen = i64(70 * wan) // reviewers approved less than the 100万 claimed
	dec := eval(t, in)
	if dec.EligibleInvestmentFen != 70*wan || dec.MaxSubsidyFen != 35*wan {
		t.Errorf("approved 70万: %d %d", dec.EligibleInvestmentFen, dec.MaxSubsidyFen)
	}
	in.Claim.ApprovedInvestmentFen = i64(150 * wan) // more than the eligible spending
	if dec = eval(t, in); dec.EligibleInvestmentFen != 100*wan {
		t.Errorf("approved above eligible spending: %d", dec.EligibleInvestmentFen)
	}
}

// 第七条（二）–（五）.
func TestOtherCaps(t *testing.T) {
	cloud := func(req int64) *Input {
		in := baseInput()
		in.Claim = Claim{Category: Cat72, Subtype: SubtypeCloud, RequestedFen: req}
		return in
	}
	items := func(cat Category, reqs ...int64) *Input {
		in := providerInput(cat)
		if cat == Cat72 {
			in.Claim.Subtype = SubtypeBenchmark
		}
		for i, r := range reqs {
			in.Claim.Items = append(in.Claim.Items, Item{Name: "产品" + string(rune('A'+i)), RequestedFen: r})
		}
		return in
	}
	twelve := make([]int64, 12)
	prior := items(Cat73, twelve...)
	prior.Claim.PriorAwardsFen = 30 * wan
	cases := []struct {
		name string
		in   *Input
		want int64
	}{
		{"（二） cloud, no request: 3万", cloud(0), 3 * wan},
		{"（二） cloud, 2万 requested", cloud(2 * wan), 2 * wan},
		{"（二） cloud, 5万 requested: reduced to 3万", cloud(5 * wan), 3 * wan},
		{"（二） benchmarks 25万→20万, 10万, unspecified 20万", items(Cat72, 25*wan, 10*wan, 0), 50 * wan},
		{"（三） one product", items(Cat73), 5 * wan},
		{"（三） 3 products", items(Cat73, 0, 0, 0), 15 * wan},
		{"（三） 12 products: 60万 capped at 50万 per provider", items(Cat73, twelve...), 50 * wan},
		{"（三） 12 products, 30万 before: 20万 left", prior, 20 * wan},
		{"（四） per provider", providerInput(Cat74), 20 * wan},
		{"（五） three applications", items(Cat75, 0, 0, 30*wan), 60 * wan},
	}
	for _, c := range cases {
		dec := eval(t, c.in)
		if dec.MaxSubsidyFen != c.want || !dec.HasCap {
			t.Errorf("%s: %d, want %d\n%s", c.name, dec.MaxSubsidyFen, c.want, dec.Text())
		}
	}
}

func TestSpendingWithSeveralDateProblems(t *testing.T) {
	s := spend(5*wan, "2024-05-01")
	s.ContractDate = d("2023-12-28")
	s.InvoiceDate = Date{}
	s.PaymentDate = d("2026-01-01")
	in := baseInput()
	in.Claim.Spending = []Spending{s}
	fs := find(eval(t, in), "EligibleSpending")
	want := "第1项支出（软件，供应商：长春某软件有限公司，5万元）：合同日期2023-12-28早于实施期起始日2023-12-29，缺少发票日期，付款日期2026-01-01晚于实施期截止日2025-12-31，不计入核定改造投入"
	if len(fs) != 2 || fs[0].Message != want || fs[1].Outcome != Fail {
		t.Errorf("findings %+v\nwant first %s", fs, want)
	}
}
