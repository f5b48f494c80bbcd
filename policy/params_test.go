package policy

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestDefaultValues checks every numeric parameter of the embedded file
// against the figures of the measures, 工信部联企业〔2011〕300号 and
// 财建〔2023〕117号, converted to fen by hand.
func TestDefaultValues(t *testing.T) {
	p := Default()
	if p.Version() != "2024.1" {
		t.Errorf("version %q", p.Version())
	}
	want := map[string]int64{
		"size.industry.employees_large":    1000,
		"size.industry.revenue_large_fen":  40_000_000_000, // 40000万元
		"size.industry.employees_medium":   300,
		"size.industry.revenue_medium_fen": 2_000_000_000, // 2000万元
		"size.industry.employees_small":    20,
		"size.industry.revenue_small_fen":  300_000_000, // 300万元
		"cap.7_1.ratio_bp":                 5000,
		"cap.7_1.cumulative_fen":           50_000_000, // 50万元
		"cap.7_1.manufacturing_uplift_bp":  0,
		"cap.7_2.cloud_min_fen":            1_000_000,  // 1万元
		"cap.7_2.cloud_max_fen":            3_000_000,  // 3万元
		"cap.7_2.cloud_per_service_fen":    1_000_000,  // 1万元 per cloud service (免申即享)
		"cap.7_2.benchmark_min_fen":        5_000_000,  // 5万元
		"cap.7_2.benchmark_max_fen":        20_000_000, // 20万元
		"cap.7_3.per_product_fen":          5_000_000,
		"cap.7_3.cumulative_provider_fen":  50_000_000,
		"cap.7_4.per_provider_fen":         20_000_000,
		"cap.7_5.per_item_fen":             20_000_000,
		"central_split.retrofit_min_bp":    8000,
		"central.city_award_max_fen":       15_000_000_000, // 1.5亿元
		"ban.years":                        3,
		"credit.lookback_years":            3,
	}
	v := values(t, "2025-06-30")
	for key, w := range want {
		got, ok := v.Int(key)
		if !ok || got != w {
			t.Errorf("%s = %d (%v), want %d", key, got, ok, w)
		}
		ref, _ := v.Ref(key)
		if ref.Source == "" || ref.From.IsZero() || ref.Key != key {
			t.Errorf("%s has no source or date: %+v", key, ref)
		}
	}
	if n := len(v.PilotIndustries()); n != 25 { // 1 + 8 + 13 + 3 codes of FACTS §6
		t.Errorf("pilot classes = %d, want 25", n)
	}
	if n := len(v.Districts()); n != 18 { // 15 coded units + 3 zones without a code
		t.Errorf("districts = %d, want 18", n)
	}
	names := ""
	for _, s := range v.SpendingTypes() {
		names += s.Code + "=" + s.Name + ";"
	}
	if names != "software=软件;cloud=云服务;data_equipment=数据采集传输设备（网关、路由等）;consulting=咨询诊断服务;" {
		t.Errorf("spending types %s", names)
	}
}

func TestAtBeforeEffectiveDate(t *testing.T) {
	p := Default()
	if _, err := p.At(d("2023-11-30")); err == nil || !strings.Contains(err.Error(), "第二十一条") {
		t.Errorf("At before the measures: %v", err)
	}
	if _, err := p.At(d("2023-12-01")); err != nil {
		t.Errorf("At on the effective date: %v", err)
	}
}

func loadTwoValues(t *testing.T) *Params {
	t.Helper()
	f, err := os.Open("testdata/params_two_values.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := Load(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExactlyOneValuePerDate walks every date from the earliest change to a
// year after the latest, for every parameter, and checks that exactly one of
// its dated values applies and that At resolves to that one. The test file
// gives two parameters a second value (no real source changed a value yet).
func TestExactlyOneValuePerDate(t *testing.T) {
	for _, p := range []*Params{Default(), loadTwoValues(t)} {
		changes := p.Changes()
		first, last := changes[0], changes[len(changes)-1].AddYears(1)
		multi := 0
		for _, key := range ParamKeys() {
			hist, _ := p.History(key)
			if len(hist) > 1 {
				multi++
			}
			for day := first; !day.After(last); day = day.AddDays(1) {
				applying := -1
				for i, h := range hist {
					starts := !h.From.After(day)
					ends := i+1 < len(hist) && !hist[i+1].From.After(day)
					if starts && !ends {
						if applying >= 0 {
							t.Fatalf("%s %s: two values apply on %s", p.Version(), key, day)
						}
						applying = i
					}
				}
				if applying < 0 {
					t.Fatalf("%s %s: no value applies on %s", p.Version(), key, day)
				}
				v, err := p.At(day)
				if err != nil {
					t.Fatal(err)
				}
				if ref, _ := v.Ref(key); ref.From != hist[applying].From || ref.Source != hist[applying].Source {
					t.Fatalf("%s %s on %s resolves to %+v, want value from %s", p.Version(), key, day, ref, hist[applying].From)
				}
			}
		}
		if p.Version() == "test.2" && multi != 2 {
			t.Errorf("test file should have two parameters with two values, has %d", multi)
		}
	}
}

func TestSecondDatedValue(t *testing.T) {
	p := loadTwoValues(t)
	check := func(day, key string, want int64) {
		t.Helper()
		v, err := p.At(d(day))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := v.Int(key); got != want {
			t.Errorf("%s on %s = %d, want %d", key, day, got, want)
		}
	}
	check("2024-12-31", "cap.7_1.manufacturing_uplift_bp", 0)
	check("2025-01-01", "cap.7_1.manufacturing_uplift_bp", 1000)
	v1, _ := p.At(d("2024-06-30"))
	v2, _ := p.At(d("2024-07-01"))
	if len(v1.PilotIndustries()) != 25 || len(v2.PilotIndustries()) != 1 {
		t.Errorf("pilot list change on 2024-07-01 not resolved: %d → %d", len(v1.PilotIndustries()), len(v2.PilotIndustries()))
	}
	// The same decision on either side of the change: 100万元 of retrofit
	// spending, production manufacturing → 50% then 60%.
	in := baseInput()
	in.Claim.ManufacturingRetrofit = true
	in.AsOf = d("2024-12-31")
	if dec := Evaluate(p, in); dec.MaxSubsidyFen != 50*wan {
		t.Errorf("before the change: %d", dec.MaxSubsidyFen)
	}
	in.AsOf = d("2025-01-01")
	if dec := Evaluate(p, in); dec.MaxSubsidyFen != 50*wan { // 60万 by ratio, capped at 50万 cumulative
		t.Errorf("after the change: %d", dec.MaxSubsidyFen)
	}
	in.Claim.Spending = []Spending{spend(50*wan, "2024-05-01")}
	if dec := Evaluate(p, in); dec.MaxSubsidyFen != 30*wan { // 50万 × 60%
		t.Errorf("after the change, 50万 spending: %d", dec.MaxSubsidyFen)
	}
}

// mutate loads the default file as generic JSON, lets f change it, and
// returns Load's error.
func mutate(t *testing.T, f func(doc map[string]any, params []any)) error {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(DefaultParamsJSON(), &doc); err != nil {
		t.Fatal(err)
	}
	f(doc, doc["parameters"].([]any))
	b, _ := json.Marshal(doc)
	_, err := Load(bytes.NewReader(b))
	return err
}

func param(params []any, key string) map[string]any {
	for _, p := range params {
		if m := p.(map[string]any); m["key"] == key {
			return m
		}
	}
	panic(key)
}

func TestLoadRejects(t *testing.T) {
	cases := []struct {
		name, want string
		f          func(doc map[string]any, params []any)
	}{
		{"duplicate from-date", "重复", func(_ map[string]any, ps []any) {
			p := param(ps, "cap.7_1.ratio_bp")
			vs := p["values"].([]any)
			p["values"] = append(vs, map[string]any{"from": "2023-12-01", "value": 6000, "source": "x"})
		}},
		{"unsorted", "升序", func(_ map[string]any, ps []any) {
			p := param(ps, "cap.7_1.ratio_bp")
			vs := p["values"].([]any)
			p["values"] = append(vs, map[string]any{"from": "2023-01-01", "value": 6000, "source": "x"})
		}},
		{"missing key", "缺少参数 \"ban.years\"", func(doc map[string]any, ps []any) {
			var out []any
			for _, p := range ps {
				if p.(map[string]any)["key"] != "ban.years" {
					out = append(out, p)
				}
			}
			doc["parameters"] = out
		}},
		{"unknown key", "未知参数", func(doc map[string]any, ps []any) {
			doc["parameters"] = append(ps, map[string]any{"key": "cap.7_9.x", "values": []any{}})
		}},
		{"duplicate key", "重复出现", func(doc map[string]any, ps []any) {
			doc["parameters"] = append(ps, param(ps, "ban.years"))
		}},
		{"missing source", "source", func(_ map[string]any, ps []any) {
			param(ps, "ban.years")["values"].([]any)[0].(map[string]any)["source"] = ""
		}},
		{"float value", "应为整数", func(_ map[string]any, ps []any) {
			param(ps, "ban.years")["values"].([]any)[0].(map[string]any)["value"] = 3.5
		}},
		{"ratio over 100%", "0 到 10000", func(_ map[string]any, ps []any) {
			param(ps, "cap.7_1.ratio_bp")["values"].([]any)[0].(map[string]any)["value"] = 12000
		}},
		{"inconsistent thresholds", "大于", func(_ map[string]any, ps []any) {
			param(ps, "size.industry.employees_small")["values"].([]any)[0].(map[string]any)["value"] = 500
		}},
		{"no version", "version", func(doc map[string]any, _ []any) { doc["version"] = "" }},
		{"unknown field", "格式错误", func(doc map[string]any, _ []any) { doc["extra"] = 1 }},
	}
	for _, c := range cases {
		err := mutate(t, c.f)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if err := mutate(t, func(map[string]any, []any) {}); err != nil {
		t.Errorf("unchanged file rejected: %v", err)
	}
}

func TestWithOverrides(t *testing.T) {
	p := Default()
	q, err := p.WithOverrides([]Override{{Key: "cap.7_1.manufacturing_uplift_bp", Value: json.RawMessage("1000"), Source: "长工信发〔2025〕X号"}})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := q.At(d("2025-06-30"))
	if got, _ := v.Int("cap.7_1.manufacturing_uplift_bp"); got != 1000 {
		t.Errorf("override not applied: %d", got)
	}
	if ref, _ := v.Ref("cap.7_1.manufacturing_uplift_bp"); ref.Source != "长工信发〔2025〕X号" || !ref.Override {
		t.Errorf("override citation %+v", ref)
	}
	if got, _ := values(t, "2025-06-30").Int("cap.7_1.manufacturing_uplift_bp"); got != 0 {
		t.Errorf("Default changed by WithOverrides: %d", got)
	}
	if len(q.Overrides()) != 1 || q.Version() != p.Version() {
		t.Errorf("overrides %+v version %s", q.Overrides(), q.Version())
	}
	r, err := q.WithOverrides([]Override{{Key: "cap.7_1.manufacturing_uplift_bp", Value: json.RawMessage("500"), Source: "另一批次"}})
	if err != nil || len(r.Overrides()) != 1 || r.Overrides()[0].Source != "另一批次" {
		t.Errorf("re-override: %v %+v", err, r.Overrides())
	}

	bad := []struct {
		o    []Override
		want string
	}{
		{[]Override{{Key: "cap.7_9.x", Value: json.RawMessage("1"), Source: "s"}}, "未知参数"},
		{[]Override{{Key: "ban.years", Value: json.RawMessage("5"), Source: " "}}, "必须注明依据"},
		{[]Override{{Key: "ban.years", Value: json.RawMessage(`"5"`), Source: "s"}}, "应为整数"},
		{[]Override{{Key: "ban.years", Value: json.RawMessage("5"), Source: "s"}, {Key: "ban.years", Value: json.RawMessage("4"), Source: "s"}}, "重复覆盖"},
		{[]Override{{Key: "cap.7_2.cloud_min_fen", Value: json.RawMessage("5000000"), Source: "s"}}, "大于"}, // min 5万 > max 3万
		{[]Override{{Key: "industries.pilot", Value: json.RawMessage(`[]`), Source: "s"}}, "非空数组"},
	}
	for _, b := range bad {
		if _, err := p.WithOverrides(b.o); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%+v: error %v, want %q", b.o, err, b.want)
		}
	}
}
