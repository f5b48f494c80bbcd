package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Calls (申报批次) and the applicant's side of applications: drafting,
// attachments, submission, withdrawal (第十四条（一）).
func (s *Server) callRoutes() []Route {
	viewers := roles(dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT, dtfund.RoleCityFinance)
	city := roles(dtfund.RoleCityMIIT)
	applicant := roles(dtfund.RoleApplicant)
	// The upload form carries one file of at most 20 MiB plus a few fields.
	upload := Access{Roles: []dtfund.Role{dtfund.RoleApplicant}, MaxBody: app.MaxAttachmentSize + 1<<20}
	return []Route{
		{"GET", "/calls", viewers, s.callList},
		{"GET", "/calls/new", city, s.callNewForm},
		{"POST", "/calls/new", city, s.callCreate},
		{"GET", "/calls/{id}", viewers, s.callDetail},
		{"GET", "/calls/{id}/edit", city, s.callEditForm},
		{"POST", "/calls/{id}/edit", city, s.callUpdate},
		{"POST", "/calls/{id}/apply", applicant, s.callApply},
		{"GET", "/apps/{id}/edit", applicant, s.appEditForm},
		{"POST", "/apps/{id}/edit", applicant, s.appSave},
		{"POST", "/apps/{id}/submit", applicant, s.appSubmit},
		{"GET", "/apps/{id}/submitted", applicant, s.appSubmitted},
		{"POST", "/apps/{id}/withdraw", applicant, s.appWithdraw},
		{"POST", "/apps/{id}/attachments", upload, s.attachmentUpload},
		{"GET", "/apps/{id}/attachments/{aid}", loggedIn, s.attachmentDownload},
		{"POST", "/apps/{id}/attachments/{aid}/delete", applicant, s.attachmentDelete},
	}
}

// The detail page (application.go) shows the attachments and, to
// officials, the invoice numbers other applications claim too.
func init() {
	detailExtras = append(detailExtras, attachmentExtras)
}

func attachmentExtras(s *Server, r *http.Request, a *dtfund.Application, data map[string]any) {
	ctx, act := r.Context(), actor(r)
	if atts, err := s.App.Attachments(ctx, act, a.ID); err == nil {
		data["Attachments"] = atts
	}
	flags := map[string][]string{}
	if act.User.Role != dtfund.RoleApplicant {
		if f, err := s.App.InvoiceFlags(ctx, act, a.ID); err == nil {
			flags = f
		}
	}
	data["InvoiceFlags"] = flags
}

// pathID reads a numeric path parameter; ok is false (and 404 sent) when it
// is not a number.
func (s *Server) pathID(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return 0, false
	}
	return id, true
}

// ---- calls ----

const callPageSize = 50

// callItem is a call with its status at the server's clock.
type callItem struct {
	*dtfund.Call
	Status string // 未开始 | 申报中 | 已截止
	IsOpen bool
}

func (s *Server) callItem(c *dtfund.Call) callItem {
	now := s.App.Now()
	it := callItem{Call: c, Status: "申报中", IsOpen: c.Open(now)}
	switch {
	case now.Before(c.OpensAt):
		it.Status = "未开始"
	case !now.Before(c.ClosesAt):
		it.Status = "已截止"
	}
	return it
}

func (s *Server) callList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), callPageSize)
	f := store.CallFilter{Category: q.Get("category"), Page: store.Page{Offset: offset, Limit: callPageSize}}
	calls, total, err := s.App.FindCalls(r.Context(), actor(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items := make([]callItem, len(calls))
	for i, c := range calls {
		items[i] = s.callItem(c)
	}
	rest := url.Values{}
	if f.Category != "" {
		rest.Set("category", f.Category)
	}
	v := s.newView(r, "申报批次", map[string]any{"Calls": items, "Pager": newPager(page, callPageSize, total, rest.Encode()),
		"Categories": dtfund.CallCategories, "CanCreate": state(r).User.Role == dtfund.RoleCityMIIT})
	v.Form = q
	s.render(w, r, "call_list", v)
}

func (s *Server) callDetail(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if ok {
		s.renderCallDetail(w, r, id, nil)
	}
}

// renderCallDetail shows a call; with err (a refused 开始申报) the message
// is shown on the page with the error's status.
func (s *Server) renderCallDetail(w http.ResponseWriter, r *http.Request, id int64, failure error) {
	ctx, act := r.Context(), actor(r)
	c, err := s.App.Call(ctx, act, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data := map[string]any{"Call": s.callItem(c), "Rubric": c.Rubric, "Quotas": s.quotaRows(r, c.Quotas)}
	u := state(r).User
	if u.Role == dtfund.RoleApplicant {
		own, _, err := s.App.FindApplications(ctx, act, store.ApplicationFilter{CallID: id, Page: store.Page{Limit: 20}})
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		data["Own"], data["CanApply"] = own, c.Open(s.App.Now()) && !hasLive(own)
	}
	data["CanEdit"] = u.Role == dtfund.RoleCityMIIT
	v := s.newView(r, c.Title, data)
	status := 0
	if failure != nil {
		v.Errors, status = map[string]string{"": dtfund.ErrorMessage(failure)}, statusFor(dtfund.ErrorCode(failure))
	}
	s.renderCode(w, r, "call_detail", v, status)
}

func hasLive(apps []*dtfund.Application) bool {
	for _, a := range apps {
		if a.State != dtfund.StateWithdrawn && a.State != dtfund.StateNotRecommended && a.State != dtfund.StateCancelled {
			return true
		}
	}
	return false
}

type quotaRow struct {
	Code, Name string
	N          int
}

func (s *Server) quotaRows(r *http.Request, q map[string]int) []quotaRow {
	if len(q) == 0 {
		return nil
	}
	districts, err := s.App.DB.Districts(r.Context())
	if err != nil {
		state(r).Log.Error("districts", "err", err)
	}
	var out []quotaRow
	for _, d := range districts {
		if n, ok := q[d.Code]; ok {
			out = append(out, quotaRow{d.Code, d.Name, n})
		}
	}
	return out
}

func (s *Server) callFormView(r *http.Request, title string, c *dtfund.Call) *view {
	districts, err := s.App.DB.Districts(r.Context())
	if err != nil {
		state(r).Log.Error("districts", "err", err)
	}
	return s.newView(r, title, map[string]any{"Call": c, "Categories": dtfund.CallCategories, "Districts": districts,
		"ParamKeys": app.OverridableKeys()})
}

func (s *Server) callNewForm(w http.ResponseWriter, r *http.Request) {
	v := s.callFormView(r, "新建申报批次", nil)
	v.Form = url.Values{"category": {"7.1"}, "params_version": {policy.Default().Version()}, "pass_mark": {"60"},
		"rubric": {"方案先进性|30\n实施基础|30\n预期成效|40"}, "materials": {"申报书\n发票及付款凭证\n合同"}}
	s.render(w, r, "call_form", v)
}

func (s *Server) callCreate(w http.ResponseWriter, r *http.Request) {
	c, err := s.callFromForm(r)
	if err == nil {
		err = s.App.CreateCall(r.Context(), actor(r), c)
	}
	if err != nil {
		s.callFormError(w, r, "新建申报批次", nil, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/calls/%d", c.ID), "申报批次已创建")
}

func (s *Server) callEditForm(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	c, err := s.App.Call(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.callFormView(r, "修改申报批次", c)
	v.Form = callToForm(c)
	s.render(w, r, "call_form", v)
}

func (s *Server) callUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	current, err := s.App.Call(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c, err := s.callFromForm(r)
	if err == nil {
		c.ID = id
		err = s.App.UpdateCall(r.Context(), actor(r), c)
	}
	if err != nil {
		s.callFormError(w, r, "修改申报批次", current, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/calls/%d", id), "申报批次已保存")
}

// callFormError shows the form again with the typed values and the errors
// (422 for bad input), or the error page for anything else.
func (s *Server) callFormError(w http.ResponseWriter, r *http.Request, title string, c *dtfund.Call, err error) {
	if code := dtfund.ErrorCode(err); code != dtfund.EINVALID {
		s.renderError(w, r, err)
		return
	}
	v := s.callFormView(r, title, c)
	v.Form, v.Errors = r.PostForm, formErrors(err)
	s.render(w, r, "call_form", v)
}

// callFromForm reads the call form. Parse errors come back together with
// the domain's own checks of what could be read, so that every problem
// shows at once.
func (s *Server) callFromForm(r *http.Request) (*dtfund.Call, error) {
	f := r.PostForm
	c := &dtfund.Call{Category: f.Get("category"), Title: f.Get("title"), Notice: strings.TrimSpace(f.Get("notice")),
		WindowFrom: strings.TrimSpace(f.Get("window_from")), WindowTo: strings.TrimSpace(f.Get("window_to")),
		Materials: app.ParseMaterials(f.Get("materials")), BudgetLine: strings.TrimSpace(f.Get("budget_line")),
		ParamsVersion: f.Get("params_version")}
	var v dtfund.ValidationErrors
	collect := func(err error) {
		var ve dtfund.ValidationErrors
		var de *dtfund.Error
		switch {
		case errors.As(err, &ve):
			v = append(v, ve...)
		case errors.As(err, &de):
			v = append(v, de)
		}
	}
	var err error
	c.OpensAt, err = app.ParseLocalTime("opens_at", "申报开始时间", f.Get("opens_at"))
	collect(err)
	c.ClosesAt, err = app.ParseLocalTime("closes_at", "申报截止时间", f.Get("closes_at"))
	collect(err)
	c.Overrides, err = app.ParseOverrides(f.Get("overrides"))
	collect(err)
	c.Rubric, err = app.ParseRubric(f.Get("rubric"), f.Get("pass_mark"))
	collect(err)
	c.Quotas, err = app.ParseQuotas(f.Get("quotas"))
	collect(err)
	if len(v) == 0 {
		return c, nil
	}
	collect(s.App.ValidateCall(r.Context(), c))
	return c, v
}

func callToForm(c *dtfund.Call) url.Values {
	return url.Values{
		"category": {c.Category}, "title": {c.Title}, "notice": {c.Notice},
		"opens_at": {app.ShanghaiTime(c.OpensAt)}, "closes_at": {app.ShanghaiTime(c.ClosesAt)},
		"window_from": {c.WindowFrom}, "window_to": {c.WindowTo}, "materials": {strings.Join(c.Materials, "\n")},
		"budget_line": {c.BudgetLine}, "params_version": {c.ParamsVersion}, "overrides": {app.FormatOverrides(c.Overrides)},
		"rubric": {app.FormatRubric(c.Rubric)}, "pass_mark": {strconv.Itoa(c.Rubric.PassMark)}, "quotas": {app.FormatQuotas(c.Quotas)},
	}
}

func (s *Server) callApply(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a, err := s.App.StartApplication(r.Context(), actor(r), id)
	if err != nil {
		if dtfund.ErrorCode(err) == dtfund.ENOTFOUND || dtfund.ErrorCode(err) == dtfund.EINTERNAL {
			s.renderError(w, r, err)
			return
		}
		s.renderCallDetail(w, r, id, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/apps/%d/edit", a.ID), "已创建申报草稿 "+a.Number+"，请填写并提交")
}

// ---- the application form ----

// Rows the form offers at least; a saved draft gets a few empty rows more.
const (
	formSpendingRows = 8
	formGoalRows     = 5
	formProviderRows = 3
)

func formRows(filled, min, extra, max int) int {
	return clampRows(filled+extra, min, max)
}

func clampRows(n, min, max int) int {
	if n < min {
		n = min
	}
	if n > max {
		n = max
	}
	return n
}

// declFields are the declarations' checkboxes, in form order.
var declFields = []struct{ Name, Label string }{
	{"integrity", "诚信承诺：本单位对申报材料的真实性、可行性、合规性和完整性负责，如有违规操作，愿承担取消申报资格、三年内不得申报、追回资金等后果（第二十条）"},
	{"tax_compliant", "本单位依法纳税，财务及信用记录良好（第十三条）"},
	{"no_major_incident", "本单位近三年未发生重大安全（含网络安全、数据安全）、质量、环境污染等事故及偷漏税等违法违规行为（第十三条）"},
	{"little_giant_central_funded", "本单位为已获得中央财政中小企业发展专项资金支持的专精特新“小巨人”企业（第十条（一））"},
	{"pilot_2022", "本单位已纳入工信厅联企业〔2022〕22号改造试点（第十条（二））"},
	{"has_unaccepted_project_after_pilot", "本单位有试点实施期结束后未验收或验收不合格的项目（第十条（三））"},
}

func declGet(d *dtfund.Declarations, name string) *bool {
	switch name {
	case "integrity":
		return &d.Integrity
	case "tax_compliant":
		return &d.TaxCompliant
	case "no_major_incident":
		return &d.NoMajorIncident
	case "little_giant_central_funded":
		return &d.LittleGiantCentralFunded
	case "pilot_2022":
		return &d.Pilot2022
	case "has_unaccepted_project_after_pilot":
		return &d.UnacceptedProjectAfterPilot
	}
	return new(bool)
}

var spendingCols = []string{"type", "supplier", "description", "contract_no", "contract_date", "invoice_no", "invoice_date",
	"payment_date", "amount"}

// appForm is what the form template needs besides the values.
type appForm struct {
	App          *dtfund.Application
	Call         callItem
	Editable     bool
	Spending     []int
	Goals        []int
	Providers    []int
	Types        []policy.SpendingType
	Decls        []struct{ Name, Label string }
	Attachments  []*store.Attachment
	Kinds        []string
	Missing      []string
	CanSubmit    bool
	CanWithdraw  bool
	MaxFileMiB   int
	ProviderInfo []*dtfund.Organization
	ReturnReason string // the district's reason, when returned for correction
}

func (s *Server) appFormData(r *http.Request, a *dtfund.Application, call *dtfund.Call, form url.Values) *appForm {
	ctx, act := r.Context(), actor(r)
	atts, err := s.App.Attachments(ctx, act, a.ID)
	if err != nil {
		state(r).Log.Error("attachments", "app", a.ID, "err", err)
	}
	d := &appForm{App: a, Call: s.callItem(call), Editable: a.Editable(), Types: s.App.SpendingTypes(), Decls: declFields,
		Attachments: atts, Kinds: append(append([]string{}, call.Materials...), app.OtherMaterial), MaxFileMiB: app.MaxAttachmentSize >> 20}
	d.Spending = seq(clampRows(atoiOr(form.Get("spending_rows")), formSpendingRows, app.MaxSpendingRows))
	d.Goals = seq(clampRows(atoiOr(form.Get("goal_rows")), formGoalRows, app.MaxGoalRows))
	d.Providers = seq(clampRows(atoiOr(form.Get("provider_rows")), formProviderRows, app.MaxProviderRows))
	if err := app.Missing(call, a, atts); err != nil && a.Editable() {
		for _, e := range err.(dtfund.ValidationErrors) {
			d.Missing = append(d.Missing, e.Message)
		}
	}
	for _, act := range dtfund.ActionsFor(a.State, dtfund.RoleApplicant) {
		d.CanSubmit = d.CanSubmit || act == dtfund.ActSubmit
		d.CanWithdraw = d.CanWithdraw || act == dtfund.ActWithdraw
	}
	for _, id := range a.ProviderIDs {
		if o, err := s.App.DB.Organization(ctx, id, ""); err == nil {
			d.ProviderInfo = append(d.ProviderInfo, o)
		}
	}
	if a.State == dtfund.StateReturned {
		events, _ := s.App.Events(ctx, act, a.ID)
		for _, e := range events {
			if e.To == dtfund.StateReturned {
				d.ReturnReason = e.Reason // the latest return wins
			}
		}
	}
	return d
}

func atoiOr(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// loadAppForm reads the actor's application and its call.
func (s *Server) loadAppForm(w http.ResponseWriter, r *http.Request) (*dtfund.Application, *dtfund.Call, bool) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return nil, nil, false
	}
	a, err := s.App.Application(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return nil, nil, false
	}
	call, err := s.App.DB.Call(r.Context(), a.CallID)
	if err != nil {
		s.renderError(w, r, err)
		return nil, nil, false
	}
	return a, call, true
}

func (s *Server) appEditForm(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.loadAppForm(w, r)
	if !ok {
		return
	}
	form := appToForm(a)
	s.fillProviders(r, a, form)
	s.renderAppForm(w, r, a, call, form, nil, 0)
}

// renderAppForm shows the form with values, errors and status (0: 200, or
// 422 when there are errors).
func (s *Server) renderAppForm(w http.ResponseWriter, r *http.Request, a *dtfund.Application, call *dtfund.Call,
	form url.Values, errs map[string]string, status int) {
	if form.Get("idem") == "" {
		form.Set("idem", randomToken()) // a new submission form: a new idempotency key
	}
	v := s.newView(r, "填写申报 "+a.Number, s.appFormData(r, a, call, form))
	v.Form, v.Errors = form, errs
	s.renderCode(w, r, "app_form", v, status)
}

// appFormFailure re-renders the form after a refused save or submission,
// keeping what the user typed; internal errors and "not found" get the
// error page.
func (s *Server) appFormFailure(w http.ResponseWriter, r *http.Request, a *dtfund.Application, call *dtfund.Call,
	form url.Values, err error, summary string) {
	code := dtfund.ErrorCode(err)
	if code == dtfund.EINTERNAL || code == dtfund.ENOTFOUND || code == dtfund.EFORBIDDEN {
		s.renderError(w, r, err)
		return
	}
	errs := formErrors(err)
	if _, ok := errs[""]; !ok {
		errs[""] = summary + dtfund.ErrorMessage(err)
	}
	if fresh, ferr := s.App.Application(r.Context(), actor(r), a.ID); ferr == nil {
		a = fresh // show the state as it is now (a conflict may mean it changed)
	}
	s.renderAppForm(w, r, a, call, form, errs, statusFor(code))
}

func (s *Server) appSave(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.loadAppForm(w, r)
	if !ok {
		return
	}
	d, err := s.draftFromForm(r, call)
	if err == nil {
		_, err = s.App.SaveDraft(r.Context(), actor(r), a.ID, d)
	}
	if err != nil {
		s.appFormFailure(w, r, a, call, r.PostForm, err, "未保存：")
		return
	}
	s.redirect(w, r, fmt.Sprintf("/apps/%d/edit", a.ID), "草稿已保存")
}

// draftFromForm reads the application form; amount parse errors come back
// with the draft's own field checks.
func (s *Server) draftFromForm(r *http.Request, call *dtfund.Call) (*app.Draft, error) {
	f := r.PostForm
	var v dtfund.ValidationErrors
	money := func(field, label string) int64 {
		fen, err := parseMoney(field, label, f.Get(field), 1)
		if err != nil {
			v = append(v, err.(*dtfund.Error))
		}
		return fen
	}
	d := &app.Draft{Title: f.Get("title"), Description: f.Get("description"), Subtype: f.Get("subtype"),
		ManufacturingRetrofit: f.Get("manufacturing_retrofit") == "on", RequestedFen: money("requested", "申请金额")}
	for _, decl := range declFields {
		*declGet(&d.Declarations, decl.Name) = f.Get("decl."+decl.Name) == "on"
	}
	for i := 0; i < clampRows(atoiOr(f.Get("spending_rows")), 0, app.MaxSpendingRows); i++ {
		if sp, ok := spendingRow(f, i, money); ok {
			d.Spending = append(d.Spending, sp)
		}
	}
	for i := 0; i < clampRows(atoiOr(f.Get("goal_rows")), 0, app.MaxGoalRows); i++ {
		p := fmt.Sprintf("goals.%d.", i)
		g := dtfund.Goal{Seq: i + 1, Indicator: strings.TrimSpace(f.Get(p + "indicator")),
			Baseline: strings.TrimSpace(f.Get(p + "baseline")), Target: strings.TrimSpace(f.Get(p + "target"))}
		if g.Indicator+g.Baseline+g.Target != "" {
			d.Goals = append(d.Goals, g)
		}
	}
	for i := 0; i < clampRows(atoiOr(f.Get("provider_rows")), 0, app.MaxProviderRows); i++ {
		d.ProviderUSCCs = append(d.ProviderUSCCs, f.Get(fmt.Sprintf("providers.%d", i)))
	}
	if len(v) == 0 {
		return d, nil
	}
	if verr, ok := s.App.ValidateDraft(call, d).(dtfund.ValidationErrors); ok {
		v = append(v, verr...)
	}
	return d, v
}

// spendingRow reads row i; ok is false when every cell is empty.
func spendingRow(f url.Values, i int, money func(field, label string) int64) (dtfund.Spending, bool) {
	p := fmt.Sprintf("spending.%d.", i)
	empty := true
	for _, c := range spendingCols {
		empty = empty && strings.TrimSpace(f.Get(p+c)) == ""
	}
	if empty {
		return dtfund.Spending{}, false
	}
	get := func(c string) string { return strings.TrimSpace(f.Get(p + c)) }
	return dtfund.Spending{Seq: i + 1, Type: get("type"), Supplier: get("supplier"), Description: get("description"),
		ContractNo: get("contract_no"), ContractDate: get("contract_date"), InvoiceNo: get("invoice_no"),
		InvoiceDate: get("invoice_date"), PaymentDate: get("payment_date"),
		AmountFen: money(p+"amount", fmt.Sprintf("第%d行支出金额", i+1))}, true
}

// appToForm fills the form from the stored application (amounts in 元).
func appToForm(a *dtfund.Application) url.Values {
	f := url.Values{"title": {a.Title}, "description": {a.Description}, "subtype": {a.Subtype}}
	setCheck(f, "manufacturing_retrofit", a.ManufacturingRetrofit)
	if a.RequestedFen > 0 {
		f.Set("requested", plainYuan(a.RequestedFen))
	}
	for _, decl := range declFields {
		setCheck(f, "decl."+decl.Name, *declGet(&a.Declarations, decl.Name))
	}
	for i, sp := range a.Spending {
		p := fmt.Sprintf("spending.%d.", i)
		for c, val := range map[string]string{"type": sp.Type, "supplier": sp.Supplier, "description": sp.Description,
			"contract_no": sp.ContractNo, "contract_date": sp.ContractDate, "invoice_no": sp.InvoiceNo,
			"invoice_date": sp.InvoiceDate, "payment_date": sp.PaymentDate, "amount": plainYuan(sp.AmountFen)} {
			f.Set(p+c, val)
		}
	}
	for i, g := range a.Goals {
		p := fmt.Sprintf("goals.%d.", i)
		f.Set(p+"indicator", g.Indicator)
		f.Set(p+"baseline", g.Baseline)
		f.Set(p+"target", g.Target)
	}
	f.Set("spending_rows", strconv.Itoa(formRows(len(a.Spending), formSpendingRows, 3, app.MaxSpendingRows)))
	f.Set("goal_rows", strconv.Itoa(formRows(len(a.Goals), formGoalRows, 2, app.MaxGoalRows)))
	f.Set("provider_rows", strconv.Itoa(formRows(len(a.ProviderIDs), formProviderRows, 1, app.MaxProviderRows)))
	return f
}

// plainYuan writes fen as 元 for an input field: no thousands separators.
func plainYuan(fen int64) string {
	if fen == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%02d", fen/100, fen%100)
}

// fillProviders puts the providers' credit codes into the form.
func (s *Server) fillProviders(r *http.Request, a *dtfund.Application, f url.Values) {
	for i, id := range a.ProviderIDs {
		if o, err := s.App.DB.Organization(r.Context(), id, ""); err == nil {
			f.Set(fmt.Sprintf("providers.%d", i), o.USCC)
		}
	}
}

// ---- submission and withdrawal ----

func (s *Server) appSubmit(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.loadAppForm(w, r)
	if !ok {
		return
	}
	var d *app.Draft
	var err error
	form := r.PostForm
	if form.Has("title") { // sent from the whole form: save what was typed with the submission
		d, err = s.draftFromForm(r, call)
	}
	var done *dtfund.Application
	if err == nil {
		done, err = s.App.Submit(r.Context(), actor(r), a.ID, form.Get("idem"), d)
	}
	if err != nil {
		if d == nil {
			form = appToForm(a)
			s.fillProviders(r, a, form)
		}
		s.appFormFailure(w, r, a, call, form, err, "尚不能提交：")
		return
	}
	s.redirect(w, r, fmt.Sprintf("/apps/%d/submitted", a.ID), fmt.Sprintf("申报已提交（第 %d 版）", done.Version))
}

func (s *Server) appSubmitted(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.loadAppForm(w, r)
	if !ok {
		return
	}
	if a.Version == 0 {
		s.redirect(w, r, fmt.Sprintf("/apps/%d/edit", a.ID), "")
		return
	}
	var decision *policy.Decision
	if a.DecisionJSON != "" {
		decision = &policy.Decision{}
		if err := json.Unmarshal([]byte(a.DecisionJSON), decision); err != nil {
			state(r).Log.ErrorContext(r.Context(), "stored decision unreadable", "app", a.ID, "err", err)
			decision = nil
		}
	}
	s.render(w, r, "app_form_submitted", s.newView(r, "申报已提交 "+a.Number,
		map[string]any{"App": a, "Call": s.callItem(call), "Decision": decision}))
}

func (s *Server) appWithdraw(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	if _, err := s.App.Withdraw(r.Context(), actor(r), id, r.PostFormValue("reason")); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/apps/%d", id), "申报已撤回")
}

// ---- attachments ----

func (s *Server) attachmentUpload(w http.ResponseWriter, r *http.Request) {
	a, call, ok := s.loadAppForm(w, r)
	if !ok {
		return
	}
	var err error
	file, header, ferr := r.FormFile("file")
	switch {
	case errors.Is(ferr, http.ErrMissingFile), errors.Is(ferr, http.ErrNotMultipart):
		err = dtfund.FieldError("file", "请选择要上传的文件")
	case ferr != nil:
		err = ferr
	default:
		defer file.Close()
		_, err = s.App.AddAttachment(r.Context(), actor(r), a.ID, r.FormValue("kind"), header.Filename, file)
	}
	if err != nil {
		form := appToForm(a)
		s.fillProviders(r, a, form)
		form.Set("kind", r.FormValue("kind"))
		s.appFormFailure(w, r, a, call, form, err, "附件未上传：")
		return
	}
	s.redirect(w, r, fmt.Sprintf("/apps/%d/edit#attachments", a.ID), "附件已上传")
}

func (s *Server) attachmentDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	aid, ok := s.pathID(w, r, "aid")
	if !ok {
		return
	}
	if err := s.App.DeleteAttachment(r.Context(), actor(r), id, aid); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/apps/%d/edit#attachments", id), "附件已删除")
}

// attachmentDownload sends a file as a download with the stored (checked)
// content type, nosniff and the name it was uploaded with. With ?preview=1
// a PDF or an image (types decided by content at upload) is shown inline
// instead, for reading in the browser; other types are always downloads.
func (s *Server) attachmentDownload(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	aid, ok := s.pathID(w, r, "aid")
	if !ok {
		return
	}
	at, f, err := s.App.OpenAttachment(r.Context(), actor(r), id, aid)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	defer f.Close()
	kind := "attachment"
	if r.URL.Query().Get("preview") == "1" && previewable(at.ContentType) {
		kind = "inline"
	}
	disposition := mime.FormatMediaType(kind, map[string]string{"filename": at.Name})
	if disposition == "" {
		disposition = kind
	}
	h := w.Header()
	h.Set("Content-Type", at.ContentType)
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", at.UploadedAt, f)
}

// previewable reports whether a stored attachment's type is shown inline on
// request: PDF and the image types the upload check admits.
func previewable(contentType string) bool {
	switch contentType {
	case "application/pdf", "image/png", "image/jpeg":
		return true
	}
	return false
}

func init() { extraFuncs["previewable"] = previewable }
