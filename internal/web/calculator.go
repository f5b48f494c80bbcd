package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"dtfund"
	"dtfund/calendar"
	"dtfund/policy"
)

// The policy calculator (政策计算器) is a public page: an enterprise enters
// its facts and sees, article by article, whether it is eligible for central
// and local funds and its maximum subsidy. The form's field names are the
// JSON paths of policy.Input (amounts without the _fen suffix, typed in 元 or
// 万元), so the decoder's messages land beside the right field.

const (
	calcSpendingRows = 4
	calcCreditRows   = 2
	calcItemRows     = 2
)

type calcOptions struct {
	Kinds, Roles, Categories, CreditKinds, SpendingTypes []option
	SpendingRows, CreditRows, ItemRows                   []int
}

type option struct{ Value, Label string }

func (s *Server) calcOptions() calcOptions {
	o := calcOptions{SpendingRows: seq(calcSpendingRows), CreditRows: seq(calcCreditRows), ItemRows: seq(calcItemRows)}
	for _, k := range []policy.EntityKind{policy.KindEnterprise, policy.KindGovernment, policy.KindInstitution, policy.KindAssociation, policy.KindOther} {
		o.Kinds = append(o.Kinds, option{string(k), k.Label()})
	}
	for _, r := range []policy.Role{policy.RoleEnterprise, policy.RoleServiceProvider, policy.RoleProcurementSupplier} {
		o.Roles = append(o.Roles, option{string(r), r.Label()})
	}
	for _, c := range []policy.Category{policy.Cat71, policy.Cat72, policy.Cat73, policy.Cat74, policy.Cat75, policy.Cat76, policy.CatLocal} {
		o.Categories = append(o.Categories, option{string(c), c.Article() + " " + c.Label()})
	}
	for _, k := range []policy.CreditKind{policy.CreditSeriousDishonesty, policy.CreditAbnormalOperation, policy.CreditSafetyAccident,
		policy.CreditQualityAccident, policy.CreditEnvironmentAccident, policy.CreditTaxViolation} {
		o.CreditKinds = append(o.CreditKinds, option{string(k), k.Label()})
	}
	o.SpendingTypes = []option{{"software", "软件"}, {"cloud", "云服务"}, {"data_equipment", "数据采集传输设备（网关、路由等）"},
		{"consulting", "咨询诊断服务"}, {"other", "其他（不予支持）"}}
	return o
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func (s *Server) calculatorForm(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "政策计算器", map[string]any{"Options": s.calcOptions()})
	v.Form = url.Values{
		"as_of": {calendar.DateOf(s.App.Now()).String()}, "applicant.kind": {"enterprise"}, "applicant.role": {"enterprise"},
		"applicant.legal_person": {"on"}, "applicant.region_code": {"220174"}, "applicant.industry_code": {"3670"},
		"claim.category": {"7.1"}, "claim.call.window_from": {"2023-12-29"}, "claim.call.window_to": {"2025-12-31"},
	}
	s.render(w, r, "calculator", v)
}

func (s *Server) calculatorSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderStatus(w, r, http.StatusBadRequest, "表单无法解析")
		return
	}
	v := s.newView(r, "政策计算器", nil)
	v.Form = r.PostForm
	doc, err := calcInput(r.PostForm)
	var in *policy.Input
	if err == nil {
		in, err = decodeInput(doc)
	}
	if err != nil {
		v.Errors = formErrors(err)
		v.Data = map[string]any{"Options": s.calcOptions()}
		s.render(w, r, "calculator", v)
		return
	}
	d := policy.Evaluate(nil, in)
	v.Data = map[string]any{"Options": s.calcOptions(), "Decision": d, "JSON": string(doc)}
	s.render(w, r, "calculator", v)
}

// decodeInput runs the policy decoder and turns its error into a field
// error named after the form field.
func decodeInput(doc []byte) (*policy.Input, error) {
	in, err := policy.DecodeInput(bytes.NewReader(doc))
	var ie *policy.InputError
	if errors.As(err, &ie) {
		return nil, dtfund.FieldError(strings.TrimSuffix(ie.Field, "_fen"), "%s", ie.Message)
	}
	return in, err
}

// calcInput builds the JSON document of policy.Input from the form.
func calcInput(f url.Values) ([]byte, error) {
	var v dtfund.ValidationErrors
	money := func(name, label string, unit int64) any {
		fen, err := parseMoney(name, label, f.Get(name), unit)
		if err != nil {
			v = append(v, err.(*dtfund.Error))
			return nil
		}
		if strings.TrimSpace(f.Get(name)) == "" {
			return nil
		}
		return fen
	}
	count := func(name, label string) any {
		n, err := parseCount(name, label, f.Get(name))
		if err != nil {
			v = append(v, err.(*dtfund.Error))
			return nil
		}
		if strings.TrimSpace(f.Get(name)) == "" {
			return nil
		}
		return n
	}
	applicant := map[string]any{
		"name": orDefault(f.Get("applicant.name"), "（未填名称）"), "kind": f.Get("applicant.kind"), "role": f.Get("applicant.role"),
		"legal_person": f.Get("applicant.legal_person") == "on", "region_code": strings.TrimSpace(f.Get("applicant.region_code")),
		"industry_code": strings.TrimSpace(f.Get("applicant.industry_code")),
		"employees":     count("applicant.employees", "从业人员"), "revenue_fen": money("applicant.revenue", "营业收入", 10000),
		"little_giant_central_funded":        f.Get("applicant.little_giant_central_funded") == "on",
		"pilot_2022":                         f.Get("applicant.pilot_2022") == "on",
		"has_unaccepted_project_after_pilot": f.Get("applicant.has_unaccepted_project_after_pilot") == "on",
		"credit_records":                     calcCredits(f),
		"sanctions":                          calcSanctions(f),
	}
	claim := map[string]any{
		"category": f.Get("claim.category"), "subtype": f.Get("claim.subtype"),
		"manufacturing_retrofit": f.Get("claim.manufacturing_retrofit") == "on",
		"call":                   dropEmpty(map[string]any{"window_from": f.Get("claim.call.window_from"), "window_to": f.Get("claim.call.window_to")}),
		"spending":               calcSpending(f, money),
		"items":                  calcItems(f, money),
		"prior_awards_fen":       money("claim.prior_awards", "以往已获奖补", 1),
		"requested_fen":          money("claim.requested", "申请金额", 1),
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	doc := map[string]any{"as_of": f.Get("as_of"), "applicant": dropEmpty(applicant), "claim": dropEmpty(claim)}
	return json.Marshal(doc)
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimSpace(s)
}

// dropEmpty removes nil values and empty strings, so that the decoder sees
// an absent field rather than a wrong one.
func dropEmpty(m map[string]any) map[string]any {
	for k, val := range m {
		switch x := val.(type) {
		case nil:
			delete(m, k)
		case string:
			if strings.TrimSpace(x) == "" {
				delete(m, k)
			}
		case []map[string]any:
			if len(x) == 0 {
				delete(m, k)
			}
		}
	}
	return m
}

func calcCredits(f url.Values) []map[string]any {
	var out []map[string]any
	for i := 0; i < calcCreditRows; i++ {
		p := fmt.Sprintf("applicant.credit_records[%d].", i)
		if f.Get(p+"kind") == "" {
			continue
		}
		out = append(out, dropEmpty(map[string]any{"kind": f.Get(p + "kind"), "start": f.Get(p + "start"), "end": f.Get(p + "end")}))
	}
	return out
}

func calcSanctions(f url.Values) []map[string]any {
	if d := strings.TrimSpace(f.Get("applicant.sanctions[0].decided")); d != "" {
		return []map[string]any{{"decided": d, "article": "第二十条"}}
	}
	return nil
}

func calcSpending(f url.Values, money func(name, label string, unit int64) any) []map[string]any {
	var out []map[string]any
	for i := 0; i < calcSpendingRows; i++ {
		p := fmt.Sprintf("claim.spending[%d].", i)
		if strings.TrimSpace(f.Get(p+"amount")) == "" {
			continue
		}
		out = append(out, dropEmpty(map[string]any{
			"type": f.Get(p + "type"), "amount_fen": money(p+"amount", fmt.Sprintf("第%d项支出金额", i+1), 1),
			"contract_date": f.Get(p + "contract_date"), "invoice_date": f.Get(p + "invoice_date"),
			"payment_date": f.Get(p + "payment_date"), "funded_elsewhere": f.Get(p+"funded_elsewhere") == "on",
		}))
	}
	return out
}

func calcItems(f url.Values, money func(name, label string, unit int64) any) []map[string]any {
	var out []map[string]any
	for i := 0; i < calcItemRows; i++ {
		p := fmt.Sprintf("claim.items[%d].", i)
		if strings.TrimSpace(f.Get(p+"name")) == "" {
			continue
		}
		out = append(out, dropEmpty(map[string]any{"name": f.Get(p + "name"), "requested_fen": money(p+"requested", fmt.Sprintf("第%d个产品申请金额", i+1), 1)}))
	}
	return out
}

// publicCalendar answers working-day questions for anyone: is a date a
// working day, and when does a publicity period starting on it end.
func (s *Server) publicCalendar(w http.ResponseWriter, r *http.Request) {
	cal, err := s.App.Calendar(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	v := s.newView(r, "工作日查询", nil)
	v.Form = q
	raw := strings.TrimSpace(q.Get("date"))
	if raw == "" {
		raw = calendar.DateOf(s.App.Now()).String()
		v.Form = url.Values{"date": {raw}}
	}
	d, err := calendar.ParseDate(raw)
	if err != nil {
		v.Errors = map[string]string{"date": err.Error()}
		s.render(w, r, "calendar", v)
		return
	}
	end := cal.PublicityEnd(d)
	var days []string
	for x := d; !x.After(end); x = x.AddDays(1) {
		days = append(days, cal.Explain(x))
	}
	v.Data = map[string]any{"Explain": cal.Explain(d), "End": end.String(), "Days": days, "Closable": end.AddDays(1).String()}
	s.render(w, r, "calendar", v)
}
