package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"dtfund/internal/testdb"
)

func calcForm(employees, revenueWan string) url.Values {
	return url.Values{
		"as_of": {"2025-06-30"}, "applicant.name": {"测试企业"}, "applicant.kind": {"enterprise"}, "applicant.role": {"enterprise"},
		"applicant.legal_person": {"on"}, "applicant.region_code": {"220174"}, "applicant.industry_code": {"3670"},
		"applicant.employees": {employees}, "applicant.revenue": {revenueWan},
		"claim.category": {"7.1"}, "claim.call.window_from": {"2023-12-29"}, "claim.call.window_to": {"2025-12-31"},
		"claim.spending[0].type": {"software"}, "claim.spending[0].amount": {"300,000"},
		"claim.spending[0].contract_date": {"2024-03-01"}, "claim.spending[0].invoice_date": {"2024-03-15"},
		"claim.spending[0].payment_date": {"2024-04-01"},
	}
}

// section returns the text of the result table row whose header is label.
func resultRow(body, label string) string {
	i := strings.Index(body, label+"</th>")
	if i < 0 {
		return ""
	}
	end := strings.Index(body[i:], "</tr>")
	return body[i : i+end]
}

func TestCalculatorPage(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	resp, body := c.get("/public/calculator")
	if resp.StatusCode != 200 || !strings.Contains(body, "政策计算器") {
		t.Fatalf("calculator form: %d", resp.StatusCode)
	}
	// A medium enterprise of a pilot industry in Changchun: central and local
	// funds; 50% of 300000元 = 150000元.
	resp, body = c.post("/public/calculator", calcForm("320", "52000"))
	if resp.StatusCode != 200 {
		t.Fatalf("calculator submit: %d", resp.StatusCode)
	}
	if !strings.Contains(resultRow(body, "中央专项资金"), "可以支持") || !strings.Contains(resultRow(body, "地方配套资金"), "可以支持") {
		t.Fatalf("SME of a pilot industry not eligible: %s", resultRow(body, "中央专项资金"))
	}
	if !strings.Contains(resultRow(body, "奖补上限"), "150,000.00 元") {
		t.Fatalf("cap row = %q, want 150,000.00 元", resultRow(body, "奖补上限"))
	}
	if !strings.Contains(body, "第五条") || !strings.Contains(body, "第七条（一）") {
		t.Fatal("findings do not cite the articles")
	}
	// 1000 staff and exactly 40000万元: large, so no central funds (第七条)
	// but local funds (第八条).
	_, body = c.post("/public/calculator", calcForm("1000", "40000"))
	if !strings.Contains(resultRow(body, "中央专项资金"), "不予支持") || !strings.Contains(resultRow(body, "地方配套资金"), "可以支持") {
		t.Fatalf("large enterprise: central %q local %q", resultRow(body, "中央专项资金"), resultRow(body, "地方配套资金"))
	}
}

func TestCalculatorBadInput(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	form := calcForm("-5", "很多")
	resp, body := c.post("/public/calculator", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad calculator input: %d, want 422", resp.StatusCode)
	}
	if !strings.Contains(body, "从业人员须为不小于0的整数") || !strings.Contains(body, "营业收入须为数字") {
		t.Fatal("field errors missing")
	}
	if strings.Contains(body, "测算结果") {
		t.Fatal("result shown despite bad input")
	}
	form = calcForm("320", "52000")
	form.Set("as_of", "2025-02-30")
	resp, body = c.post("/public/calculator", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "判定日期") {
		t.Fatalf("bad date: %d", resp.StatusCode)
	}
}

func TestPolicyAPI(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	example, err := os.ReadFile("../../policy/testdata/example.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(f.ts.URL+"/api/v1/policy/evaluate", "application/json", strings.NewReader(string(example)))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		CentralEligible bool `json:"central_eligible"`
		Findings        []struct {
			Article string `json:"article"`
			Outcome string `json:"outcome"`
		} `json:"findings"`
		ParamsVersion string `json:"params_version"`
	}
	json.NewDecoder(resp.Body).Decode(&d)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(d.Findings) == 0 || d.ParamsVersion == "" {
		t.Fatalf("evaluate: %d %+v", resp.StatusCode, d)
	}
	resp, err = http.Post(f.ts.URL+"/api/v1/policy/evaluate", "application/json", strings.NewReader(`{"as_of":"2025-06-30","bogus":1}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var e struct {
		Error struct {
			Code, Message, RequestID string
		} `json:"error"`
	}
	json.Unmarshal(body, &e)
	if resp.StatusCode != http.StatusUnprocessableEntity || e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, "bogus") {
		t.Fatalf("bad input: %d %s", resp.StatusCode, body)
	}
}

func TestPublicCalendarPage(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	resp, body := c.get("/public/calendar?date=2026-09-30")
	if resp.StatusCode != 200 || !strings.Contains(body, "2026-10-12") {
		t.Fatalf("publicity end from 2026-09-30 should be 2026-10-12: %d", resp.StatusCode)
	}
	resp, body = c.get("/public/calendar?date=2026-02-30")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "日期") {
		t.Fatalf("bad date: %d", resp.StatusCode)
	}
}
