package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// payWeb is the web fixture with two awards of 10万元 — organisation A in
// 汽开区, B in 高新区 — committed from the central 2026 line of 第七条（一）,
// and the finance officials of the city and of both districts.
type payWeb struct {
	*fixture
	awA, awB *store.Award
}

const payWebLine = "line:central:2026:7.1"

func newPayWeb(t *testing.T, db *store.DB) *payWeb {
	t.Helper()
	f := newFixture(t, db)
	call := pubSetup(t, f) // city finance "finance", clock 2026-09-29
	pubClock(t, f, "2026-11-02 10:00")
	ctx := context.Background()
	for _, u := range []*dtfund.User{{Username: "dfin_a", DisplayName: "汽开区财政", Role: dtfund.RoleDistrictFinance, DistrictCode: "220174"},
		{Username: "dfin_b", DisplayName: "高新区财政", Role: dtfund.RoleDistrictFinance, DistrictCode: "220173"},
		{Username: "inspector", DisplayName: "核查", Role: dtfund.RoleInspector}} {
		if err := f.app.CreateUser(ctx, app.SystemActor("test"), u, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	fundBudget(t, f.app, 2026) // budget_test.go
	p := &payWeb{fixture: f}
	var approvalID int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		b := &store.PublicityBatch{Title: "公示", StartDate: "2026-09-30"}
		if err := tx.CreatePublicityBatch(ctx, b); err != nil {
			return err
		}
		ap := &store.Approval{BatchID: b.ID, DocNumber: "长府批〔2026〕1号", DocDate: "2026-10-13"}
		err := tx.CreateApproval(ctx, ap)
		approvalID = ap.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p.awA = p.award(t, call.ID, approvalID, f.orgA, "A")
	p.awB = p.award(t, call.ID, approvalID, f.orgB, "B")
	return p
}

// award creates an approved application's award of 10万元 and commits it.
func (p *payWeb) award(t *testing.T, callID, approvalID int64, org *dtfund.Organization, tag string) *store.Award {
	t.Helper()
	ctx := context.Background()
	aw := &store.Award{OrgID: org.ID, Category: "7.1", AmountFen: 10_000_000, FundSource: store.FundCentral, ApprovalID: approvalID}
	err := p.app.DB.InTx(ctx, func(tx *store.Tx) error {
		ap := &dtfund.Application{CallID: callID, OrgID: org.ID, DistrictCode: org.DistrictCode, State: dtfund.StateApproved,
			Title: "改造" + tag, Spending: []dtfund.Spending{{Type: "software", AmountFen: 20_000_000, InvoiceNo: "INV-" + tag}}}
		if err := tx.CreateApplication(ctx, ap); err != nil {
			return err
		}
		aw.ApplicationID = ap.ID
		if err := tx.CreateAward(ctx, aw); err != nil {
			return err
		}
		c := store.CommitmentAccount(aw.ID)
		if _, err := tx.EnsureAccount(ctx, c, store.AccountCommitment, "承诺"); err != nil {
			return err
		}
		_, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "commit", IdempotencyKey: "commit:award:" + itoa(aw.ID), RefType: "award",
			RefID: itoa(aw.ID), Postings: []store.Posting{{Account: c, AmountFen: aw.AmountFen}, {Account: payWebLine, AmountFen: -aw.AmountFen}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ws, _, _, err := p.app.DB.FindAwards(ctx, store.AwardFilter{})
	for _, w := range ws {
		if w.ID == aw.ID {
			return w
		}
	}
	t.Fatalf("award %d not found: %v", aw.ID, err)
	return nil
}

func (p *payWeb) as(user string) *client {
	c := p.client()
	c.login(user)
	return c
}

// expect sends a form with the page's CSRF token and checks the status and
// that the body holds every wanted text.
func payPost(t *testing.T, c *client, page, path string, form url.Values, status int, want ...string) *http.Response {
	t.Helper()
	form.Set("csrf_token", c.csrf(page))
	resp, body := c.post(path, form)
	if resp.StatusCode != status {
		t.Fatalf("POST %s: status %d, want %d: %s", path, resp.StatusCode, status, paySnippet(body))
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Fatalf("POST %s: body lacks %q: %s", path, w, paySnippet(body))
		}
	}
	return resp
}

func paySnippet(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500]
	}
	return body
}

func payGet(t *testing.T, c *client, path string, want ...string) string {
	t.Helper()
	resp, body := c.get(path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, resp.StatusCode, paySnippet(body))
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Fatalf("GET %s: page lacks %q", path, w)
		}
	}
	return body
}

func (p *payWeb) instructions(t *testing.T) []*store.Instruction {
	t.Helper()
	ins, _, _, err := p.app.DB.FindInstructions(context.Background(), store.InstructionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ins
}

func (p *payWeb) planCount(t *testing.T) int {
	t.Helper()
	_, n, err := p.app.DB.FindPlans(context.Background(), store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPaymentFlowOverHTTP takes two awards through plan → approval → batch
// → issue → receipt → payout, revokes one and records a repayment, with
// the refusals of bad input on the way (each changing nothing).
func TestPaymentFlowOverHTTP(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPayWeb(t, db)
		city, fin := p.as("city"), p.as("finance")
		a, b := "amount_"+itoa(p.awA.ID), "amount_"+itoa(p.awB.ID)
		payGet(t, city, "/plans/new", p.awA.AppNumber, p.awB.AppNumber, "100,000.00")

		// Bad input: 422, the message beside the field, the values kept, no plan.
		payPost(t, city, "/plans/new", "/plans", url.Values{"year": {"2026"}, "title": {""}, a: {"12x"}}, 422,
			"拨付金额须为数字", `value="12x"`)
		payPost(t, city, "/plans/new", "/plans", url.Values{"year": {"2026"}, "title": {"一批"}, a: {"100000.01"}}, 422,
			"超过该奖补尚未拨付", `value="100000.01"`)
		payPost(t, city, "/plans/new", "/plans", url.Values{"year": {"2026"}, "title": {"一批"}}, 422, "计划至少包含一项奖补")
		if n := p.planCount(t); n != 0 {
			t.Fatalf("refused plans created %d plans", n)
		}
		resp := payPost(t, city, "/plans/new", "/plans", url.Values{"year": {"2026"}, "title": {"2026年第一批资金使用计划"},
			a: {"100,000"}, b: {"40000"}}, http.StatusSeeOther)
		plan := resp.Header.Get("Location")
		payGet(t, fin, plan, "140,000.00", "待审核", "提交审核意见")

		payPost(t, fin, plan, plan+"/decide", url.Values{"decision": {"reject"}}, 422, "退回计划须说明理由")
		payGet(t, fin, plan, "待审核")
		payPost(t, fin, plan, plan+"/decide", url.Values{"decision": {"approve"}}, http.StatusSeeOther)
		payGet(t, fin, plan, "已批准", "生成拨付批次")
		planID := strings.TrimPrefix(plan, "/plans/")
		resp = payPost(t, fin, "/payments", "/payments/batches", url.Values{"plan_id": {planID}}, http.StatusSeeOther)
		batch := resp.Header.Get("Location")
		payGet(t, fin, batch, "待下达", "下达拨付指令")
		payPost(t, fin, batch, batch+"/issue", url.Values{}, http.StatusSeeOther)
		payGet(t, fin, batch, "已下达区县")
		payExcel(t, fin, batch, p)

		ins := p.instructions(t)
		if len(ins) != 2 || ins[0].AwardID != p.awA.ID || ins[0].State != store.InstrIssued {
			t.Fatalf("instructions: %+v", ins)
		}
		inA := "/payments/instructions/" + itoa(ins[0].ID)
		// Another district's finance bureau: 404, nothing changes.
		dfinB := p.as("dfin_b")
		payPost(t, dfinB, "/payments/district", inA+"/receipt", url.Values{}, http.StatusNotFound)
		payPost(t, dfinB, "/payments/district", inA+"/payout", url.Values{"bank_ref": {"X"}}, http.StatusNotFound)
		if _, body := dfinB.get("/payments/district"); strings.Contains(body, p.awA.AppNumber) {
			t.Fatal("高新区 sees 汽开区's instruction")
		}
		dfinA := p.as("dfin_a")
		payGet(t, dfinA, "/payments/district", p.awA.AppNumber, "确认到账")
		payPost(t, dfinA, "/payments/district", inA+"/payout", url.Values{"instr_id": {itoa(ins[0].ID)}, "bank_ref": {"  "}}, 422,
			"请填写银行交易流水号")
		if got := p.instructions(t)[0].State; got != store.InstrIssued {
			t.Fatalf("after refused payout: %s", got)
		}
		payPost(t, dfinA, "/payments/district", inA+"/receipt", url.Values{}, http.StatusSeeOther)
		payPost(t, dfinA, "/payments/district", inA+"/payout", url.Values{"bank_ref": {"BANK-0001"}}, http.StatusSeeOther)
		payPost(t, dfinA, "/payments/district", inA+"/payout", url.Values{"bank_ref": {"BANK-0001"}}, http.StatusSeeOther)

		payGet(t, fin, batch, "已支付", "BANK-0001")
		payGet(t, city, "/plans/new", "已全部拨付")
		payGet(t, p.as("applicant"), "/ledger/recipients/"+itoa(p.orgA.ID), "100,000.00", "BANK-0001")
		payGet(t, fin, "/reports/reconcile", "账实相符")
		payGet(t, fin, "/reports/execution?by=district", "100,000.00")
		payRecovery(t, p, city, fin)
	})
}

// payExcel downloads the batch's payment list and reads it back.
func payExcel(t *testing.T, c *client, batch string, p *payWeb) {
	t.Helper()
	resp, body := c.get(batch + "/export.xlsx")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment; ") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=UTF-8''") {
		t.Fatalf("export: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatalf("export is not an xlsx: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows("拨付清单")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][1] != "申报编号" || rows[1][1] != p.awA.AppNumber || rows[2][1] != p.awB.AppNumber ||
		rows[1][2] != p.orgA.Name || rows[3][6] != "合计" {
		t.Fatalf("export rows: %q", rows)
	}
	for i, want := range map[int]float64{1: 100000, 2: 40000, 3: 140000} {
		v, err := x.GetCellValue("拨付清单", "H"+strconv.Itoa(i+1), excelize.Options{RawCellValue: true})
		if f, perr := strconv.ParseFloat(v, 64); err != nil || perr != nil || f != want {
			t.Errorf("H%d = %q, want %v", i+1, v, want)
		}
	}
}

// payRecovery revokes the paid award and records one repayment.
func payRecovery(t *testing.T, p *payWeb, city, fin *client) {
	t.Helper()
	rv := "/awards/" + itoa(p.awA.ID) + "/revoke"
	payGet(t, city, rv, p.awA.AppNumber, "第二十条")
	payPost(t, city, rv, rv, url.Values{"reason": {""}, "article": {"第二十条"}, "due_date": {"2026-12-31"}}, 422, "请填写撤销理由")
	if _, err := p.app.DB.Revocation(context.Background(), p.awA.ID); err == nil {
		t.Fatal("a refused revocation was recorded")
	}
	payPost(t, city, rv, rv, url.Values{"reason": {"项目未按承诺实施"}, "article": {"第二十条"}, "due_date": {"2026-12-31"}}, http.StatusSeeOther)
	payGet(t, fin, "/receivables", p.awA.AppNumber, "项目未按承诺实施", "100,000.00", "登记退回款")
	rp := "/receivables/" + itoa(p.awA.ID) + "/repayments"
	form := url.Values{"amount": {"abc"}, "paid_on": {"2026-11-02"}, "bank_ref": {"RET-1"}, "idem": {"k1"}}
	payPost(t, fin, "/receivables", rp, form, 422, "退回金额须为数字", `value="abc"`)
	form.Set("amount", "200000")
	payPost(t, fin, "/receivables", rp, form, 422, "退回金额超过尚未追回")
	form.Set("amount", "30000")
	payPost(t, fin, "/receivables", rp, form, http.StatusSeeOther)
	payPost(t, fin, "/receivables", rp, form, http.StatusSeeOther) // resent: recorded once
	ps, err := p.app.DB.Repayments(context.Background(), p.awA.ID)
	if err != nil || len(ps) != 1 || ps[0].AmountFen != 3_000_000 {
		t.Fatalf("repayments: %+v %v", ps, err)
	}
	payGet(t, fin, "/receivables", "70,000.00")
	payGet(t, fin, "/reports/reconcile", "账实相符")
	payGet(t, fin, "/reports/execution?by=source", "30,000.00")
	payGet(t, p.as("applicant"), "/receivables", "70,000.00")
}

// TestPaymentPagesByRole renders every money page for the roles that may see
// it, and keeps recipients' ledgers within their scope.
func TestPaymentPagesByRole(t *testing.T) {
	p := newPayWeb(t, testdb.SQLite(t))
	pages := []string{"/plans", "/payments", "/receivables", "/reports/reconcile", "/reports/execution"}
	for by := range app.ExecDims {
		pages = append(pages, "/reports/execution?by="+by)
	}
	for _, user := range []string{"city", "finance", "inspector", "admin"} {
		c := p.as(user)
		for _, path := range pages {
			payGet(t, c, path)
		}
		payGet(t, c, "/ledger/recipients/"+itoa(p.orgB.ID), p.orgB.Name)
	}
	payGet(t, p.as("dfin_a"), "/payments/district")
	payGet(t, p.as("dfin_a"), "/ledger/recipients/"+itoa(p.orgA.ID), p.orgA.Name)
	for user, org := range map[string]int64{"applicant": p.orgB.ID, "district_b": p.orgA.ID, "dfin_a": p.orgB.ID} {
		if resp, _ := p.as(user).get("/ledger/recipients/" + itoa(org)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s reads another's ledger: %d", user, resp.StatusCode)
		}
	}
	// The plan form starts from the current year; an unknown plan is 404.
	payGet(t, p.as("city"), "/plans/new", `value="2026"`)
	if resp, _ := p.as("finance").get("/plans/999"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown plan: %d", resp.StatusCode)
	}
}
