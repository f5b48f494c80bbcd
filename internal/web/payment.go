package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// Fund-use plans, payments through the districts, recovery, and the money
// views and reports (第六条（一）–（四）, 第二十条).
func (s *Server) paymentRoutes() []Route {
	viewers := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin)
	miit, finance := roles(dtfund.RoleCityMIIT), roles(dtfund.RoleCityFinance)
	district := roles(dtfund.RoleDistrictFinance)
	return []Route{
		{"GET", "/plans", viewers, s.planList},
		{"GET", "/plans/new", miit, s.planForm},
		{"POST", "/plans", miit, s.planCreate},
		{"GET", "/plans/{id}", viewers, s.planDetail},
		{"POST", "/plans/{id}/decide", finance, s.planDecide},

		{"GET", "/payments", viewers, s.paymentList},
		{"POST", "/payments/batches", finance, s.batchCreate},
		{"GET", "/payments/batches/{id}", viewers, s.batchDetail},
		{"POST", "/payments/batches/{id}/issue", finance, s.batchIssue},
		{"GET", "/payments/batches/{id}/export.xlsx", viewers, s.batchExport},
		{"GET", "/payments/district", district, s.districtPayments},
		{"GET", "/payments/district/export.xlsx", district, s.districtLedgerExport},
		{"POST", "/payments/instructions/{id}/receipt", district, s.instrReceipt},
		{"POST", "/payments/instructions/{id}/payout", district, s.instrPayout},

		{"GET", "/awards/{id}/revoke", miit, s.revokeForm},
		{"POST", "/awards/{id}/revoke", miit, s.revokeSubmit},
		{"GET", "/receivables", roles(dtfund.RoleApplicant, dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector,
			dtfund.RoleAdmin), s.receivableList},
		{"POST", "/receivables/{id}/repayments", finance, s.repaymentSubmit},

		{"GET", "/reports/execution", viewers, s.reportExecution},
		{"GET", "/reports/execution/export.xlsx", viewers, s.executionExport},
		{"GET", "/reports/reconcile", viewers, s.reportReconcile},
		{"GET", "/ledger/recipients/{id}", roles(dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance,
			dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin), s.recipientLedger},
	}
}

const payPageSize = 50

// instrStates are the instruction states in the order of the process, with
// their labels, for filters and tables.
var instrStates = []string{store.InstrPending, store.InstrIssued, store.InstrReceived, store.InstrPaidOut,
	store.InstrHeld, store.InstrRecalled, store.InstrCancelled}

// instrLabels and planLabels name the states in the templates
// (index $.Data.Labels .State).
var (
	instrLabels = func() map[string]string {
		m := map[string]string{}
		for _, s := range instrStates {
			m[s] = app.InstrStateLabel(s)
		}
		return m
	}()
	planLabels = map[string]string{store.PlanProposed: "待审核", store.PlanApproved: "已批准", store.PlanRejected: "已退回"}
)

// ---- fund-use plans (资金使用计划) ----

func (s *Server) planList(w http.ResponseWriter, r *http.Request) {
	page, offset := pageParam(r.URL.Query().Get("page"), payPageSize)
	plans, total, err := s.App.Plans(r.Context(), actor(r), store.Page{Offset: offset, Limit: payPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "plan_list", s.newView(r, "资金使用计划", map[string]any{"Plans": plans, "PlanLabels": planLabels,
		"Pager": newPager(page, payPageSize, total, ""), "CanPropose": actor(r).User.Role == dtfund.RoleCityMIIT}))
}

// awardMoney is an award with what is left to pay of its commitment.
type awardMoney struct {
	*store.Award
	UnpaidFen int64
	Revoked   bool
}

// awardMoneyPage reads one page of awards with their unpaid commitment (the
// balance of commitment:award:{id}) and whether they were revoked.
func (s *Server) awardMoneyPage(ctx context.Context, a app.Actor, offset int) ([]awardMoney, int, error) {
	awards, total, _, err := s.App.FindAwards(ctx, a, store.AwardFilter{Page: store.Page{Offset: offset, Limit: payPageSize}})
	if err != nil {
		return nil, 0, err
	}
	out := make([]awardMoney, len(awards))
	for i, aw := range awards {
		out[i].Award = aw
		if out[i].UnpaidFen, err = s.App.DB.Balance(ctx, store.CommitmentAccount(aw.ID)); err != nil {
			return nil, 0, err
		}
		_, err := s.App.DB.Revocation(ctx, aw.ID)
		out[i].Revoked = err == nil
	}
	return out, total, nil
}

func (s *Server) planForm(w http.ResponseWriter, r *http.Request) {
	form := url.Values{"year": {strconv.Itoa(calendar.DateOf(s.App.DB.Now()).Year)}}
	s.renderPlanForm(w, r, form, nil)
}

// renderPlanForm shows the awards of one page with an amount field for
// each that still has an unpaid commitment; a plan is made from one page.
func (s *Server) renderPlanForm(w http.ResponseWriter, r *http.Request, form url.Values, err error) {
	pageStr := r.URL.Query().Get("page")
	if form.Get("page") != "" {
		pageStr = form.Get("page")
	}
	page, offset := pageParam(pageStr, payPageSize)
	rows, total, lerr := s.awardMoneyPage(r.Context(), actor(r), offset)
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	v := s.newView(r, "编制资金使用计划", map[string]any{"Rows": rows, "Page": page, "Pager": newPager(page, payPageSize, total, "")})
	v.Form = form
	if err != nil {
		s.pubRender(w, r, "plan_form", v, err)
		return
	}
	s.render(w, r, "plan_form", v)
}

func (s *Server) planCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	year, _ := strconv.Atoi(strings.TrimSpace(f.Get("year")))
	items, err := planItems(f)
	if err == nil {
		var p *store.FundPlan
		p, err = s.App.ProposePlan(r.Context(), actor(r), app.PlanInput{Year: year, Title: f.Get("title"), Items: items})
		if err == nil {
			s.redirect(w, r, "/plans/"+strconv.FormatInt(p.ID, 10), "资金使用计划已提交市财政局审核")
			return
		}
	}
	s.renderPlanForm(w, r, f, err)
}

// planItems reads the amount_{awardID} fields (元); blank ones are not in
// the plan.
func planItems(f url.Values) ([]store.PlanItem, error) {
	var items []store.PlanItem
	var ve dtfund.ValidationErrors
	for key, vals := range f {
		id, err := strconv.ParseInt(strings.TrimPrefix(key, "amount_"), 10, 64)
		if !strings.HasPrefix(key, "amount_") || err != nil || strings.TrimSpace(vals[0]) == "" {
			continue
		}
		fen, err := parseMoney(key, "拨付金额", vals[0], 1)
		var de *dtfund.Error
		if asError(err, &de) {
			ve = append(ve, de)
			continue
		}
		items = append(items, store.PlanItem{AwardID: id, AmountFen: fen})
	}
	if len(ve) > 0 {
		return nil, ve
	}
	// Form fields come in map order; a plan lists its awards in a fixed one.
	sort.Slice(items, func(i, j int) bool { return items[i].AwardID < items[j].AwardID })
	return items, nil
}

func (s *Server) planDetail(w http.ResponseWriter, r *http.Request) {
	s.renderPlan(w, r, nil)
}

func (s *Server) renderPlan(w http.ResponseWriter, r *http.Request, err error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	p, items, gerr := s.App.Plan(r.Context(), actor(r), id)
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	role := actor(r).User.Role
	v := s.newView(r, "资金使用计划："+p.Title, map[string]any{"Plan": p, "Items": items, "PlanLabels": planLabels,
		"CanDecide": role == dtfund.RoleCityFinance && p.State == store.PlanProposed,
		"CanBatch":  role == dtfund.RoleCityFinance && p.State == store.PlanApproved && p.BatchID == 0})
	if err != nil {
		s.pubRender(w, r, "plan_detail", v, err)
		return
	}
	s.render(w, r, "plan_detail", v)
}

func (s *Server) planDecide(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	approve := r.PostForm.Get("decision") == "approve"
	if err := s.App.DecidePlan(r.Context(), actor(r), id, approve, r.PostForm.Get("reason")); err != nil {
		s.renderPlan(w, r, err)
		return
	}
	msg := "已退回资金使用计划"
	if approve {
		msg = "已批准资金使用计划，可生成拨付批次"
	}
	s.redirect(w, r, "/plans/"+strconv.FormatInt(id, 10), msg)
}

// ---- payment batches and instructions (拨付) ----

// paymentList shows the approved plans (with their batches) and every
// instruction, filtered by state.
func (s *Server) paymentList(w http.ResponseWriter, r *http.Request) {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	ppage, poffset := pageParam(q.Get("ppage"), payPageSize)
	plans, ptotal, err := s.App.Plans(ctx, a, store.Page{Offset: poffset, Limit: payPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page, offset := pageParam(q.Get("page"), payPageSize)
	st := stateParam(q.Get("state"))
	ins, total, sum, err := s.App.FindInstructions(ctx, a, store.InstructionFilter{State: st, Page: store.Page{Offset: offset, Limit: payPageSize}})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "pay_list", s.newView(r, "资金拨付", map[string]any{"Plans": plans, "Instructions": ins, "Sum": sum,
		"Labels": instrLabels, "PlanLabels": planLabels,
		"State": st, "States": instrStates, "CanCreate": a.User.Role == dtfund.RoleCityFinance,
		"Pager":     newPager(page, payPageSize, total, url.Values{"state": {st}, "ppage": {strconv.Itoa(ppage)}}.Encode()),
		"PlanPager": newPager(ppage, payPageSize, ptotal, url.Values{"state": {st}, "page": {strconv.Itoa(page)}}.Encode())}))
}

// stateParam keeps a known instruction state, else none.
func stateParam(v string) string {
	for _, s := range instrStates {
		if s == v {
			return v
		}
	}
	return ""
}

func (s *Server) batchCreate(w http.ResponseWriter, r *http.Request) {
	planID, err := strconv.ParseInt(r.PostForm.Get("plan_id"), 10, 64)
	if err != nil || planID <= 0 {
		s.renderError(w, r, dtfund.Errorf(dtfund.ENOTFOUND, "资金使用计划不存在"))
		return
	}
	b, err := s.App.CreatePaymentBatch(r.Context(), actor(r), planID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.redirect(w, r, "/payments/batches/"+strconv.FormatInt(b.ID, 10), "已生成拨付批次，请核对后下达")
}

func (s *Server) batchDetail(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx, a := r.Context(), actor(r)
	b, err := s.App.PaymentBatch(ctx, a, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page, offset := pageParam(r.URL.Query().Get("page"), payPageSize)
	ins, total, sum, err := s.App.FindInstructions(ctx, a, store.InstructionFilter{BatchID: id, Page: store.Page{Offset: offset, Limit: payPageSize}})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "pay_batch", s.newView(r, "拨付批次："+b.Title, map[string]any{"Batch": b, "Instructions": ins, "Sum": sum, "Labels": instrLabels,
		"CanIssue": a.User.Role == dtfund.RoleCityFinance && b.State != "issued", "Pager": newPager(page, payPageSize, total, "")}))
}

func (s *Server) batchIssue(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	res, err := s.App.IssueBatch(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	msg := "已下达 " + strconv.Itoa(res.Issued) + " 条拨付指令"
	if len(res.Held) > 0 {
		msg += "；暂缓 " + strconv.Itoa(len(res.Held)) + " 条：" + strings.Join(res.Held, "；")
	}
	s.redirect(w, r, "/payments/batches/"+strconv.FormatInt(id, 10), msg)
}

// batchExport sends the batch's payment list as an Excel file.
func (s *Server) batchExport(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	b, err := s.App.BatchExcel(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	sendWorkbook(w, "payment-batch-"+strconv.FormatInt(id, 10)+".xlsx", "拨付清单-批次"+strconv.FormatInt(id, 10)+".xlsx", b)
}

// districtPayments is the district finance bureau's page: its district's
// instructions, with receipt and payout forms.
func (s *Server) districtPayments(w http.ResponseWriter, r *http.Request) {
	s.renderDistrict(w, r, nil)
}

func (s *Server) renderDistrict(w http.ResponseWriter, r *http.Request, err error) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), payPageSize)
	st := stateParam(q.Get("state"))
	ins, total, sum, lerr := s.App.FindInstructions(r.Context(), actor(r), store.InstructionFilter{State: st,
		Page: store.Page{Offset: offset, Limit: payPageSize}})
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	v := s.newView(r, "本辖区资金拨付", map[string]any{"Instructions": ins, "Sum": sum, "State": st, "States": instrStates,
		"Labels": instrLabels, "Pager": newPager(page, payPageSize, total, url.Values{"state": {st}}.Encode())})
	if err != nil {
		s.pubRender(w, r, "pay_district", v, err)
		return
	}
	s.render(w, r, "pay_district", v)
}

func (s *Server) instrReceipt(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	if err := s.App.ConfirmReceipt(r.Context(), actor(r), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.redirect(w, r, "/payments/district", "已确认到账")
}

func (s *Server) instrPayout(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	replay, err := s.App.RecordPayout(r.Context(), actor(r), id, r.PostForm.Get("bank_ref"))
	if dtfund.ErrorCode(err) == dtfund.EINVALID {
		s.renderDistrict(w, r, err)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	msg := "已登记支付，流水号 " + strings.TrimSpace(r.PostForm.Get("bank_ref"))
	if replay {
		msg = "该指令已支付，未重复记账"
	}
	s.redirect(w, r, "/payments/district", msg)
}

// ---- revocation and recovery (撤销与追回, 第二十条) ----

// findAward looks an award up in the actor's scope, page by page (awards
// are read by application elsewhere; there is no single-award read yet).
func (s *Server) findAward(ctx context.Context, a app.Actor, id int64) (*awardMoney, error) {
	for off := 0; ; off += 200 {
		awards, total, _, err := s.App.FindAwards(ctx, a, store.AwardFilter{Page: store.Page{Offset: off, Limit: 200}})
		if err != nil {
			return nil, err
		}
		for _, aw := range awards {
			if aw.ID == id {
				unpaid, err := s.App.DB.Balance(ctx, store.CommitmentAccount(id))
				_, rerr := s.App.DB.Revocation(ctx, id)
				return &awardMoney{Award: aw, UnpaidFen: unpaid, Revoked: rerr == nil}, err
			}
		}
		if off+200 >= total {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "奖补记录不存在")
		}
	}
}

func (s *Server) revokeForm(w http.ResponseWriter, r *http.Request) {
	due := calendar.DateOf(s.App.DB.Now().Add(30 * 24 * time.Hour)).String()
	s.renderRevoke(w, r, url.Values{"article": {"第二十条"}, "due_date": {due}}, nil)
}

func (s *Server) renderRevoke(w http.ResponseWriter, r *http.Request, form url.Values, err error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	aw, ferr := s.findAward(r.Context(), actor(r), id)
	if ferr != nil {
		s.renderError(w, r, ferr)
		return
	}
	v := s.newView(r, "撤销奖补："+aw.AppNumber, map[string]any{"Award": aw})
	v.Form = form
	if err != nil {
		s.pubRender(w, r, "revocation_form", v, err)
		return
	}
	s.render(w, r, "revocation_form", v)
}

func (s *Server) revokeSubmit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	rev, err := s.App.RevokeAward(r.Context(), actor(r), app.RevokeInput{AwardID: id, Reason: f.Get("reason"),
		Article: f.Get("article"), DueDate: f.Get("due_date")})
	if err != nil {
		s.renderRevoke(w, r, f, err)
		return
	}
	s.redirect(w, r, "/receivables", "已撤销奖补：退回预算指标 "+formatYuan(rev.ReturnedFen)+" 元，应追回 "+formatYuan(rev.ReceivableFen)+" 元")
}

func (s *Server) receivableList(w http.ResponseWriter, r *http.Request) {
	s.renderReceivables(w, r, nil)
}

func (s *Server) renderReceivables(w http.ResponseWriter, r *http.Request, err error) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), payPageSize)
	overdue := q.Get("overdue") == "1"
	rs, total, lerr := s.App.Receivables(r.Context(), actor(r), overdue, store.Page{Offset: offset, Limit: payPageSize})
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	query := ""
	if overdue {
		query = "overdue=1"
	}
	u := actor(r).User
	v := s.newView(r, "应收追回款", map[string]any{"Rows": rs, "Overdue": overdue, "Pager": newPager(page, payPageSize, total, query),
		"CanRepay": u.Role == dtfund.RoleCityFinance, "CanRevoke": u.Role == dtfund.RoleCityMIIT,
		"Today": calendar.DateOf(s.App.DB.Now()).String(), "Idem": randomToken()})
	if err != nil {
		s.pubRender(w, r, "receivable_list", v, err)
		return
	}
	s.render(w, r, "receivable_list", v)
}

func (s *Server) repaymentSubmit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	f.Set("award_id", strconv.FormatInt(id, 10)) // the row whose form is shown again
	fen, err := parseMoney("amount", "退回金额", f.Get("amount"), 1)
	if err == nil {
		_, err = s.App.RecordRepayment(r.Context(), actor(r), app.RepayInput{AwardID: id, AmountFen: fen, PaidOn: f.Get("paid_on"),
			BankRef: f.Get("bank_ref"), IdempotencyKey: f.Get("idem")})
	}
	if err != nil {
		s.renderReceivables(w, r, err)
		return
	}
	s.redirect(w, r, "/receivables", "已登记退回款 "+formatYuan(fen)+" 元")
}

// ---- reports (预算执行、对账、受款单位台账) ----

var execDimOrder = []string{"source", "category", "district", "industry", "year"}

func (s *Server) reportExecution(w http.ResponseWriter, r *http.Request) {
	dim := r.URL.Query().Get("by")
	if app.ExecDims[dim] == "" {
		dim = "source"
	}
	rows, err := s.App.Execution(r.Context(), actor(r), dim)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var total app.ExecRow
	for _, x := range rows {
		total.Awards += x.Awards
		total.CommittedFen += x.CommittedFen
		total.PaidFen += x.PaidFen
		total.RecoveredFen += x.RecoveredFen
		total.ReleasedFen += x.ReleasedFen
		total.AvailableFen += x.AvailableFen
	}
	s.render(w, r, "report_execution", s.newView(r, "预算执行情况", map[string]any{"Rows": rows, "Total": total, "Dim": dim,
		"Dims": execDimOrder, "DimLabels": app.ExecDims, "WithBudget": dim == "source" || dim == "year"}))
}

func (s *Server) reportReconcile(w http.ResponseWriter, r *http.Request) {
	rec, err := s.App.Reconcile(r.Context(), actor(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "report_reconcile", s.newView(r, "资金对账", map[string]any{"R": rec, "Released": -rec.TreasuryFen}))
}

// recipientLedger is a recipient's statement, newest first. The statement
// has no count, so one more line than the page is read to know if there is
// a next page.
func (s *Server) recipientLedger(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	page, offset := pageParam(r.URL.Query().Get("page"), payPageSize)
	l, err := s.App.RecipientLedger(r.Context(), actor(r), id, store.Page{Offset: offset, Limit: payPageSize + 1})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	total := offset + len(l.Lines)
	if len(l.Lines) > payPageSize {
		l.Lines = l.Lines[:payPageSize]
	}
	s.render(w, r, "ledger_recipient", s.newView(r, "受款单位台账："+l.Org.Name, map[string]any{"L": l,
		"Pager": newPager(page, payPageSize, total, "")}))
}
