package policy

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// The example input, worked by hand: eligible spending is software 30万 +
// cloud 6万 + gateways 12万 = 48万元 (the consulting contract of 2023-12-28 is
// a day before the window; the ERP module was funded elsewhere). The call
// raises the ratio by 10 points for production retrofits: 48万 × 60% =
// 28.8万元, under the 50万 cumulative cap; the 30万 requested is reduced to it.
func TestExampleDecision(t *testing.T) {
	in, err := DecodeInput(bytes.NewReader(ExampleInput))
	if err != nil {
		t.Fatal(err)
	}
	dec := eval(t, in)
	wantFunds(t, dec, true, true)
	if dec.ParamsVersion != "2024.1" || dec.AsOf != d("2025-06-30") || dec.Category != Cat71 {
		t.Errorf("header %s %s %s", dec.ParamsVersion, dec.AsOf, dec.Category)
	}
	if dec.Size != SizeMedium || !dec.PilotIndustry {
		t.Errorf("size %s pilot %v", dec.Size, dec.PilotIndustry)
	}
	if dec.EligibleInvestmentFen != 48*wan || dec.MaxSubsidyFen != 28_800_000 ||
		dec.MaxCentralFen != 28_800_000 || dec.MaxLocalFen != 28_800_000 {
		t.Errorf("amounts %d %d %d %d", dec.EligibleInvestmentFen, dec.MaxSubsidyFen, dec.MaxCentralFen, dec.MaxLocalFen)
	}
	if len(dec.Overrides) != 1 || dec.Overrides[0].Key != "cap.7_1.manufacturing_uplift_bp" || string(dec.Overrides[0].Value) != "1000" {
		t.Errorf("overrides %+v", dec.Overrides)
	}
	wantOutcome(t, one(t, dec, "MaxSubsidy"), Fail, "申请金额30万元超过最高奖补28.8万元，按28.8万元核定")
	// The abnormal-operation listing ended 2021-09-30: not current.
	wantOutcome(t, one(t, dec, "CreditLists"), Pass)

	text := dec.Text()
	for _, s := range []string{
		"申报主体：长春某汽车零部件有限公司",
		"申报类别：7.1 中小企业数字化改造（第七条（一））",
		"参数版本：2024.1",
		"批次覆盖参数：cap.7_1.manufacturing_uplift_bp = 1000（依据：示例：本批次申报通知（文号待定））",
		"中央专项资金：符合支持条件",
		"地方配套资金：符合支持条件",
		"核定改造投入：480,000.00元（48万元）",
		"最高奖补金额：288,000.00元（28.8万元）",
		"第十条（一）\n  [通过]",
		"[不通过] 第4项支出",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("Text lacks %q:\n%s", s, text)
		}
	}
	// Articles appear in order.
	prev := -1
	for _, a := range []string{"\n第四条\n", "\n第五条\n", "\n第七条（一）\n", "\n第十条（三）\n", "\n第十一条（一）\n", "\n第十三条\n", "\n第二十一条\n"} {
		i := strings.Index(text, a)
		if i <= prev {
			t.Errorf("%q out of order in Text", a)
		}
		prev = i
	}
}

func TestDecisionJSONRoundTrip(t *testing.T) {
	in, _ := DecodeInput(bytes.NewReader(ExampleInput))
	dec := eval(t, in)
	b, err := json.Marshal(dec)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"params_version":"2024.1"`, `"as_of":"2025-06-30"`, `"central_eligible":true`,
		`"max_subsidy_fen":28800000`, `"outcome":"fail"`, `"article":"第十条（一）"`, `"size":"medium"`} {
		if !bytes.Contains(b, []byte(key)) {
			t.Errorf("JSON lacks %s", key)
		}
	}
	var back Decision
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, dec) {
		t.Errorf("decision changed through JSON")
	}
	if back.Text() != dec.Text() {
		t.Error("stored decision explains differently")
	}
}

func TestEvaluateBadInput(t *testing.T) {
	if dec := Evaluate(&Params{}, baseInput()); dec.CentralEligible || dec.LocalEligible || one(t, dec, "CallParams").Outcome != Fail {
		t.Errorf("zero Params: %+v", dec)
	}
	if dec := Evaluate(nil, nil); dec.CentralEligible || dec.LocalEligible || one(t, dec, "Input").Outcome != Fail {
		t.Errorf("nil input: %+v", dec)
	}
	in := baseInput()
	in.Applicant.Employees = i64(-5)
	dec := eval(t, in)
	wantFunds(t, dec, false, false)
	wantOutcome(t, one(t, dec, "Input"), Fail, "applicant.employees（从业人员）不能为负数")
	if dec.Applicant.Name != in.Applicant.Name || dec.Text() == "" {
		t.Error("invalid decision does not describe the applicant")
	}
}

// 第二十一条: the measures apply from their issue.
func TestInForceArticle21(t *testing.T) {
	in := baseInput()
	in.AsOf = d("2023-11-30")
	dec := eval(t, in)
	wantFunds(t, dec, false, false)
	wantOutcome(t, one(t, dec, "InForce"), Fail, "2023-12-01", "第二十一条")
	in.AsOf = d("2023-12-01")
	wantFunds(t, eval(t, in), true, true)
}

// 第六条（一）: a call pins a parameter version.
func TestCallPinsVersion(t *testing.T) {
	in := baseInput()
	in.Claim.Call.ParamsVersion = "2023.9"
	dec := eval(t, in)
	wantFunds(t, dec, false, false)
	wantOutcome(t, one(t, dec, "CallParams"), Fail, "2023.9", "2024.1")
	in.Claim.Call.ParamsVersion = "2024.1"
	wantFunds(t, eval(t, in), true, true)

	// A call that lowers the ratio to 40% with its citation.
	in.Claim.Call.Overrides = []Override{{Key: "cap.7_1.ratio_bp", Value: json.RawMessage("4000"), Source: "某批次通知"}}
	if dec := eval(t, in); dec.MaxSubsidyFen != 40*wan { // 100万 × 40%
		t.Errorf("ratio override: %d", dec.MaxSubsidyFen)
	}
	// Overrides already on the Params are recorded too.
	p, err := Default().WithOverrides([]Override{{Key: "cap.7_1.cumulative_fen", Value: json.RawMessage("30000000"), Source: "某批次通知"}})
	if err != nil {
		t.Fatal(err)
	}
	in.Claim.Call.Overrides = nil
	dec = Evaluate(p, in)
	if dec.MaxSubsidyFen != 30*wan || len(dec.Overrides) != 1 || dec.Overrides[0].Key != "cap.7_1.cumulative_fen" {
		t.Errorf("params override: %d %+v", dec.MaxSubsidyFen, dec.Overrides)
	}
}

func TestFindingsByArticle(t *testing.T) {
	d := &Decision{Findings: []Finding{{Article: "第二十一条"}, {Article: "第十三条", Message: "a"}, {Article: "第五条"},
		{Article: "第十三条", Message: "b"}, {Article: "第十条（二）"}, {Article: "第十条（一）"}}}
	var got []string
	for _, f := range d.FindingsByArticle() {
		got = append(got, f.Article+f.Message)
	}
	want := "第五条 第十条（一） 第十条（二） 第十三条a 第十三条b 第二十一条"
	if strings.Join(got, " ") != want {
		t.Fatalf("order = %v, want %s", got, want)
	}
	if d.Findings[0].Article != "第二十一条" {
		t.Fatal("FindingsByArticle reordered the decision itself")
	}
}
