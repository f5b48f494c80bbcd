package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func decodeString(s string) (*Input, error) { return DecodeInput(strings.NewReader(s)) }

// exampleWith returns the example input with one field replaced (path of
// object keys; the last one set to value, or deleted when value is nil).
func exampleWith(t *testing.T, value any, path ...string) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(ExampleInput, &doc); err != nil {
		t.Fatal(err)
	}
	m := doc
	for _, k := range path[:len(path)-1] {
		m = m[k].(map[string]any)
	}
	if value == nil {
		delete(m, path[len(path)-1])
	} else {
		m[path[len(path)-1]] = value
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

func TestDecodeExample(t *testing.T) {
	in, err := DecodeInput(bytes.NewReader(ExampleInput))
	if err != nil {
		t.Fatal(err)
	}
	if in.AsOf != d("2025-06-30") || *in.Applicant.Employees != 320 || len(in.Claim.Spending) != 5 ||
		in.Claim.Call.Overrides[0].Key != "cap.7_1.manufacturing_uplift_bp" {
		t.Errorf("decoded %+v", in)
	}
	// Round trip: what we write we read back unchanged.
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := DecodeInput(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("re-decoding %s: %v", b, err)
	}
	b2, _ := json.Marshal(again)
	if !bytes.Equal(b, b2) || !reflect.DeepEqual(in.Claim.Spending, again.Claim.Spending) {
		t.Errorf("round trip changed the input:\n%s\n%s", b, b2)
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name, input, want string
	}{
		{"negative employees", exampleWith(t, -1, "applicant", "employees"), "applicant.employees（从业人员）不能为负数"},
		{"unknown field", exampleWith(t, 1, "applicant", "xyz"), `未知字段 "xyz"`},
		{"bad date", strings.Replace(string(ExampleInput), `"invoice_date": "2024-03-15"`, `"invoice_date": "2024-3-15"`, 1),
			`claim.spending.invoice_date（发票日期）日期 "2024-3-15" 无效，应为 YYYY-MM-DD 格式`},
		{"impossible date", exampleWith(t, "2025-02-29", "as_of"), "as_of（判定日期）日期 \"2025-02-29\" 无效"},
		{"category", exampleWith(t, "7.9", "claim", "category"),
			`claim.category（申报类别）必须是以下之一：7.1（中小企业数字化改造）、7.2（基于工业互联网平台创新应用和复制推广）、7.3（优秀“小快轻准”产品和服务）、7.4（优秀数字化服务商）、7.5（高效“链式”数字化转型典型应用）、7.6（政府采购服务）、local（地方配套资金支持的数字化转型相关工作）；实际为 "7.9"`},
		{"kind", exampleWith(t, "company", "applicant", "kind"), "applicant.kind（主体类型）必须是以下之一：enterprise（企业）"},
		{"employees as text", exampleWith(t, "320", "applicant", "employees"), "applicant.employees（从业人员）类型错误：应为整数，实际为字符串"},
		{"fractional fen", exampleWith(t, 1.5, "claim", "requested_fen"), "claim.requested_fen（申请金额，分）类型错误：应为整数"},
		{"missing legal_person", exampleWith(t, nil, "applicant", "legal_person"), "applicant.legal_person（独立法人资格）必须填写"},
		{"missing as_of", exampleWith(t, nil, "as_of"), "as_of（判定日期）必须填写"},
		{"bad uscc", exampleWith(t, "91220104661234568A", "applicant", "uscc"), "applicant.uscc（统一社会信用代码）无效"},
		{"region code", exampleWith(t, "2201", "applicant", "region_code"), "applicant.region_code（注册地行政区划代码）必须是6位数字"},
		{"industry code", exampleWith(t, "C3670", "applicant", "industry_code"), "applicant.industry_code（行业代码）必须是4位数字"},
		{"window missing for 7.1", exampleWith(t, nil, "claim", "call", "window_from"), "claim.call.window_from（实施期起始日）对于7.1必须填写"},
		{"override key", exampleWith(t, []any{map[string]any{"key": "cap.x", "value": 1, "source": "s"}}, "claim", "call", "overrides"), `claim.call.overrides[0].key：未知参数 "cap.x"`},
		{"override source", exampleWith(t, []any{map[string]any{"key": "ban.years", "value": 2}}, "claim", "call", "overrides"), "必须注明依据"},
		{"subtype for 7.2", exampleWith(t, "7.2", "claim", "category"), "claim.subtype（子类）对于7.2必须是 cloud"},
		{"subtype for 7.1", exampleWith(t, "cloud", "claim", "subtype"), "claim.subtype（子类）仅适用于7.2"},
		{"prior awards for 7.4", `{"as_of":"2025-06-30","applicant":{"name":"x","kind":"enterprise","role":"service_provider","legal_person":true,"region_code":"110105"},"claim":{"category":"7.4","prior_awards_fen":1}}`,
			"claim.prior_awards_fen（以往已获同类奖补，分）仅适用于7.1和7.3"},
		{"zero amount", strings.Replace(string(ExampleInput), `"amount_fen": 6000000`, `"amount_fen": 0`, 1), "claim.spending[1].amount_fen（金额，分）必须大于0"},
		{"credit kind", exampleWith(t, []any{map[string]any{"kind": "bad", "start": "2020-01-01"}}, "applicant", "credit_records"), "applicant.credit_records[0].kind（记录类型）必须是以下之一：serious_dishonesty"},
		{"credit end before start", exampleWith(t, []any{map[string]any{"kind": "tax_violation", "start": "2020-01-01", "end": "2019-01-01"}}, "applicant", "credit_records"), "早于开始日期"},
		{"not an object", `[1,2]`, "输入必须是一个 JSON 对象"},
		{"syntax", `{"as_of": }`, "JSON 语法错误"},
		{"truncated", `{"as_of": "2025-06-30"`, "JSON 不完整"},
		{"empty", "  ", "输入为空"},
		{"trailing", string(ExampleInput) + "{}", "多余内容"},
		{"too large", `{"applicant":{"name":"` + strings.Repeat("a", MaxInputSize) + `"}}`, "1 MiB"},
	}
	for _, c := range cases {
		_, err := decodeString(c.input)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: error %v (%T), want *InputError", c.name, err, err)
			continue
		}
		if !strings.Contains(ie.Message, c.want) {
			t.Errorf("%s:\n got %s\nwant %s", c.name, ie.Message, c.want)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// FuzzDecodeInput: bad input is a clear Chinese *InputError, never a panic;
// Evaluate on any accepted input never panics and its decision is coherent.
func FuzzDecodeInput(f *testing.F) {
	f.Add(ExampleInput)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"as_of":"2025-06-30","applicant":{"name":"x","kind":"enterprise","role":"enterprise","legal_person":true,"region_code":"220104","industry_code":"3670","employees":5,"revenue_fen":1},"claim":{"category":"7.1","call":{"window_from":"2024-01-01","window_to":"2023-01-01"}}}`))
	f.Add([]byte(`{"as_of":"2023-01-01","applicant":{"name":"x","kind":"other","role":"procurement_supplier","legal_person":false,"region_code":"810000"},"claim":{"category":"7.6","requested_fen":9223372036854775807}}`))
	f.Add([]byte(`{"as_of":"2025-06-30","applicant":{"name":"x","kind":"enterprise","role":"service_provider","legal_person":true,"region_code":"110105"},"claim":{"category":"7.3","items":[{"name":"a","requested_fen":1}],"prior_awards_fen":10000000000000}}`))
	f.Add([]byte(`{"as_of":"2025-06-30","claim":{"call":{"overrides":[{"key":"cap.7_1.ratio_bp","value":[1],"source":"s"}]}}}`))
	f.Add([]byte(`{"as_of":"2025-06-30","applicant":{"name":"x","kind":"enterprise","role":"enterprise","legal_person":true,"region_code":"220104"},"claim":{"category":"local","call":{"overrides":[{"key":"industries.pilot","value":[{"code":"3670","name":"a","industry":"b"}],"source":"s"}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := DecodeInput(bytes.NewReader(data))
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Message == "" || !hasHan(ie.Message) {
				t.Fatalf("unclear error %T %v", err, err)
			}
			return
		}
		dec := Evaluate(nil, in)
		if dec.MaxSubsidyFen < 0 || dec.MaxCentralFen < 0 || dec.MaxLocalFen < 0 {
			t.Fatalf("negative amount %+v", dec)
		}
		if !dec.CentralEligible && !dec.LocalEligible && dec.MaxSubsidyFen != 0 {
			t.Fatalf("ineligible with an amount: %+v", dec)
		}
		if dec.MaxCentralFen > dec.MaxSubsidyFen || dec.MaxLocalFen > dec.MaxSubsidyFen {
			t.Fatalf("fund maximum above the decision's: %+v", dec)
		}
		if len(dec.Findings) == 0 || dec.Text() == "" {
			t.Fatal("empty decision")
		}
		for _, f := range dec.Findings {
			if _, ok := Rules[f.Rule]; !ok || f.Message == "" {
				t.Fatalf("finding %+v", f)
			}
		}
		first, err := json.Marshal(dec)
		if err != nil {
			t.Fatal(err)
		}
		// An accepted input, encoded and decoded again, is the same input
		// and gets the same decision (what the API and the stored decisions
		// rely on).
		enc, err := json.Marshal(in)
		if err != nil {
			t.Fatalf("accepted input does not encode: %v", err)
		}
		again, err := DecodeInput(bytes.NewReader(enc))
		if err != nil {
			t.Fatalf("accepted input, encoded, is refused: %v\n%s", err, enc)
		}
		if reenc, _ := json.Marshal(again); !bytes.Equal(enc, reenc) {
			t.Fatalf("input changed by a round trip:\n%s\n%s", enc, reenc)
		}
		if second, _ := json.Marshal(Evaluate(nil, again)); !bytes.Equal(first, second) {
			t.Fatal("decision changed by a round trip of its input")
		}
	})
}
