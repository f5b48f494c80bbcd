package policy

import "testing"

// 第五条 → 工信部联企业〔2011〕300号, 工业: large needs 从业人员 ≥ 1000 AND
// 营业收入 ≥ 40000万元; medium ≥ 300 AND ≥ 2000万元; small ≥ 20 AND ≥ 300万元;
// otherwise one level down; micro needs only one indicator below the small
// bounds.
func TestSizeArticle5(t *testing.T) {
	v := values(t, "2025-06-30")
	cases := []struct {
		name       string
		employees  int64
		revenueFen int64
		want       SizeClass
		contains   string
	}{
		{"999 staff, 50000万: SME by the 'or'", 999, 50000 * wan, SizeMedium, "从业人员低于1000人，属于中小企业"},
		{"1000 staff, exactly 40000万: large", 1000, 40000 * wan, SizeLarge, "为大型企业，不属于中小企业"},
		{"1000 staff, 40000万 less 1 fen", 1000, 40000*wan - 1, SizeMedium, "营业收入低于40000万元"},
		{"1500 staff, 3亿 (FACTS example)", 1500, 30000 * wan, SizeMedium, "属于中小企业"},
		{"both below large", 500, 10000 * wan, SizeMedium, "从业人员低于1000人、营业收入低于40000万元"},
		{"exactly medium bounds", 300, 2000 * wan, SizeMedium, "为中型企业"},
		{"299 staff drops to small", 299, 2000 * wan, SizeSmall, "从业人员低于300人，未达中型标准"},
		{"revenue under 2000万 drops to small", 5000, 2000*wan - 1, SizeSmall, "营业收入低于2000万元"},
		{"exactly small bounds: 20 staff, 300万", 20, 300 * wan, SizeSmall, "为小型企业"},
		{"19 staff: micro", 19, 500 * wan, SizeMicro, "从业人员低于20人，为微型企业"},
		{"20 staff, 299.99万: micro", 20, 300*wan - 100, SizeMicro, "营业收入低于300万元，为微型企业"},
		{"nothing", 0, 0, SizeMicro, "为微型企业"},
	}
	for _, c := range cases {
		a := baseInput().Applicant
		a.Employees, a.RevenueFen = i64(c.employees), i64(c.revenueFen)
		got, f := Size(v, &a)
		if got != c.want {
			t.Errorf("%s: %s, want %s (%s)", c.name, got, c.want, f.Message)
		}
		wantOutcome(t, f, Pass, c.contains, "（第五条）")
		if f.Article != "第五条" {
			t.Errorf("article %s", f.Article)
		}
		if got.IsSME() == (c.want == SizeLarge) {
			t.Errorf("%s: IsSME wrong", c.name)
		}
	}
}

func TestSizeMessage(t *testing.T) {
	a := baseInput().Applicant
	a.Employees, a.RevenueFen = i64(1200), i64(30000*wan)
	_, f := Size(values(t, "2025-06-30"), &a)
	want := "从业人员1200人、营业收入30000万元：营业收入低于40000万元，属于中小企业；从业人员不低于300人且营业收入不低于2000万元，为中型企业（第五条）"
	if f.Message != want {
		t.Errorf("message\n got %s\nwant %s", f.Message, want)
	}
}

func TestSizeNotApplicable(t *testing.T) {
	v := values(t, "2025-06-30")
	inst := baseInput().Applicant
	inst.Kind = KindInstitution
	if c, f := Size(v, &inst); c != SizeUnknown || f.Outcome != NotApplicable {
		t.Errorf("事业单位 sized: %s %+v", c, f)
	}
	soft := baseInput().Applicant
	soft.IndustryCode = "6510" // 软件开发: not 工业
	if c, f := Size(v, &soft); c != SizeUnknown || f.Outcome != NotApplicable {
		t.Errorf("software firm sized with industry thresholds: %s %+v", c, f)
	}
	missing := baseInput().Applicant
	missing.RevenueFen = nil
	if c, f := Size(v, &missing); c != SizeUnknown || f.Outcome != Fail {
		t.Errorf("missing revenue: %s %+v", c, f)
	}
	for code, want := range map[string]bool{"0610": true, "1310": true, "4690": true, "0511": false, "4710": false} {
		if isIndustrial(code) != want {
			t.Errorf("isIndustrial(%s) != %v", code, want)
		}
	}
}

// 第四条: the four pilot industries, codes as in FACTS §6.
func TestPilotIndustryArticle4(t *testing.T) {
	v := values(t, "2025-06-30")
	cases := map[string]string{
		"3670": "汽车零部件配件制造",
		"3711": "轨道交通高端装备制造",
		"3720": "轨道交通高端装备制造",
		"3971": "电子元器件制造",
		"3979": "电子元器件制造",
		"3989": "电子元器件制造",
		"2740": "中成药生物药品制品制造",
		"2762": "中成药生物药品制品制造",
		"3660": "", // 汽车车身、挂车制造: not a pilot class
		"3717": "", // no such class in the list
		"3990": "", // 其他电子设备制造
		"2710": "", // 化学药品原料药制造
	}
	for code, industry := range cases {
		c, ok, f := PilotIndustry(v, code)
		if ok != (industry != "") || c.Industry != industry {
			t.Errorf("%s: %v %q, want %q", code, ok, c.Industry, industry)
		}
		if ok {
			wantOutcome(t, f, Pass, code, industry, "第四条")
		} else {
			wantOutcome(t, f, Fail, code)
		}
	}
	if _, ok, f := PilotIndustry(v, ""); ok || f.Outcome != NotApplicable {
		t.Errorf("empty code: %+v", f)
	}
}
