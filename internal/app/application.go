package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
	"dtfund/uscc"
)

// The applicant's side of an application (自主申报, 第十四条（一）): start a
// draft under an open call, edit it while it is a draft or returned for
// correction, attach materials, submit, withdraw.

// Bounds of a draft: forms offer a fixed number of rows and never more.
const (
	MaxSpendingRows     = 100
	MaxGoalRows         = 20
	MaxProviderRows     = 10
	draftTitleRunes     = 100
	draftDescRunes      = 5000
	draftCellRunes      = 200
	draftNumberRunes    = 64
	withdrawReasonRunes = 500
)

// providerCategories admit service providers and procurement suppliers
// registered anywhere in China; every other category only organisations
// registered in Changchun (第十三条).
var providerCategories = []string{"7.3", "7.4", "7.6"}

// StartApplication creates a draft for the actor's organisation under an
// open call. An organisation has at most one live application per call:
// another is refused unless the earlier one was withdrawn or not recommended.
func (a *App) StartApplication(ctx context.Context, actor Actor, callID int64) (*dtfund.Application, error) {
	if err := requireRole(actor, dtfund.RoleApplicant); err != nil {
		return nil, err
	}
	call, err := a.Call(ctx, actor, callID)
	if err != nil {
		return nil, err
	}
	if err := a.checkCallOpen(call, true); err != nil {
		return nil, err
	}
	org, err := a.DB.Organization(ctx, actor.User.OrgID, "")
	if err != nil {
		return nil, err
	}
	if org.DistrictCode == "" && !slices.Contains(providerCategories, call.Category) {
		return nil, dtfund.Errorf(dtfund.EINVALID, "依据第十三条，申报主体须在长春市依法注册登记；注册地不在长春市的单位"+
			"仅可作为服务商或政府采购服务主体申报第七条（三）（四）（六）类批次")
	}
	app := &dtfund.Application{CallID: call.ID, OrgID: org.ID, DistrictCode: org.DistrictCode, State: dtfund.StateDraft,
		CreatedBy: actor.User.ID}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockOrganization(ctx, org.ID); err != nil {
			return err
		}
		if err := refuseBanned(ctx, tx, org.ID); err != nil { // 第二十条：三年内不准参加有关项目申报
			return err
		}
		number, state, err := tx.LiveApplication(ctx, call.ID, org.ID)
		if err != nil {
			return err
		}
		if number != "" {
			return dtfund.Errorf(dtfund.ECONFLICT, "本单位在该批次已有申报 %s（%s），每个批次只能有一份有效申报；"+
				"如需重新申报，请先撤回原申报", number, state.Label())
		}
		if err := tx.CreateApplication(ctx, app); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("application.create", "application", itoa(app.ID)), nil, app)
	})
	if err != nil {
		return nil, err
	}
	return app, nil
}

// checkCallOpen refuses outside the call's time window (server clock).
func (a *App) checkCallOpen(c *dtfund.Call, first bool) error {
	now := a.Now()
	switch {
	case now.Before(c.OpensAt):
		return dtfund.Errorf(dtfund.ECONFLICT, "该批次尚未开始申报，开始时间为 %s（北京时间）", ShanghaiTime(c.OpensAt))
	case first && !now.Before(c.ClosesAt):
		return dtfund.Errorf(dtfund.ECONFLICT, "该批次已于 %s（北京时间）截止申报", ShanghaiTime(c.ClosesAt))
	}
	return nil
}

// Draft is what the applicant types into the application form. Row Seq
// values are the form's row numbers (1-based), so that an error names the
// row the person sees; empty rows are left out by the caller.
type Draft struct {
	Title                 string
	Description           string
	Subtype               string // 7.2: cloud | benchmark
	ManufacturingRetrofit bool   // 7.1
	RequestedFen          int64
	Declarations          dtfund.Declarations
	Spending              []dtfund.Spending
	Goals                 []dtfund.Goal
	// ProviderUSCCs are the service providers' credit codes, one per form
	// row; empty rows are "".
	ProviderUSCCs []string
}

// SpendingTypes are the kinds of spending the form offers: those 第七条（一）
// supports (from the policy parameters in force today) and "other".
func (a *App) SpendingTypes() []policy.SpendingType {
	var out []policy.SpendingType
	d := calendar.DateOf(a.Now())
	if v, err := policy.Default().At(policy.NewDate(d.Year, d.Month, d.Day)); err == nil {
		out = v.SpendingTypes()
	}
	return append(out, policy.SpendingType{Code: "other", Name: "其他（不属于支持范围）"})
}

// ValidateDraft checks the form's fields, not completeness: a draft may be
// saved half-filled at any time. Errors name the form field.
func (a *App) ValidateDraft(call *dtfund.Call, d *Draft) error {
	var v dtfund.ValidationErrors
	d.Title, d.Description = strings.TrimSpace(d.Title), strings.TrimSpace(d.Description)
	checkDraftRunes(&v, "title", "项目名称", d.Title, draftTitleRunes)
	checkDraftRunes(&v, "description", "项目简介", d.Description, draftDescRunes)
	switch {
	case d.Subtype != "" && call.Category != "7.2":
		v.Add("subtype", "细分类型仅适用于第七条（二）类批次")
	case d.Subtype != "" && d.Subtype != policy.SubtypeCloud && d.Subtype != policy.SubtypeBenchmark:
		v.Add("subtype", "细分类型须为上云上平台或创新应用标杆")
	}
	if d.ManufacturingRetrofit && call.Category != "7.1" {
		v.Add("manufacturing_retrofit", "生产制造环节改造仅适用于第七条（一）类批次")
	}
	if len(d.Spending) > 0 && call.Category != "7.1" {
		v.Add("spending", "改造支出仅适用于第七条（一）数字化改造类批次")
	}
	a.validateDraftSpending(&v, d.Spending)
	validateDraftGoals(&v, d.Goals)
	if len(d.ProviderUSCCs) > MaxProviderRows {
		v.Add("providers", "服务商不超过%d家", MaxProviderRows)
	}
	return v.Err()
}

func checkDraftRunes(v *dtfund.ValidationErrors, field, label, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		v.Add(field, "%s不超过%d个字", label, max)
	}
}

func draftRow(seq, i int) int {
	if seq > 0 {
		return seq - 1
	}
	return i
}

func (a *App) validateDraftSpending(v *dtfund.ValidationErrors, ss []dtfund.Spending) {
	if len(ss) > MaxSpendingRows {
		v.Add("spending", "改造支出不超过%d项", MaxSpendingRows)
		return
	}
	types := a.SpendingTypes()
	for i, s := range ss {
		row := draftRow(s.Seq, i)
		f := func(name string) string { return fmt.Sprintf("spending.%d.%s", row, name) }
		label := fmt.Sprintf("第%d行支出", row+1)
		if s.Type != "" && !slices.ContainsFunc(types, func(t policy.SpendingType) bool { return t.Code == s.Type }) {
			v.Add(f("type"), "%s：支出类型无效", label)
		}
		for _, c := range []struct{ name, label, val string }{{"supplier", "供应商", s.Supplier}, {"description", "内容", s.Description}} {
			checkDraftRunes(v, f(c.name), label+c.label, c.val, draftCellRunes)
		}
		for _, c := range []struct{ name, label, val string }{{"contract_no", "合同编号", s.ContractNo}, {"invoice_no", "发票号码", s.InvoiceNo}} {
			checkDraftRunes(v, f(c.name), label+c.label, c.val, draftNumberRunes)
		}
		for _, c := range []struct{ name, label, val string }{{"contract_date", "合同日期", s.ContractDate},
			{"invoice_date", "发票日期", s.InvoiceDate}, {"payment_date", "付款日期", s.PaymentDate}} {
			if _, err := calendar.ParseDate(c.val); c.val != "" && err != nil {
				v.Add(f(c.name), "%s%s“%s”无效，应为 YYYY-MM-DD", label, c.label, c.val)
			}
		}
	}
}

func validateDraftGoals(v *dtfund.ValidationErrors, gs []dtfund.Goal) {
	if len(gs) > MaxGoalRows {
		v.Add("goals", "绩效目标不超过%d项", MaxGoalRows)
		return
	}
	for i, g := range gs {
		row := draftRow(g.Seq, i)
		for _, c := range []struct{ name, label, val string }{{"indicator", "指标", g.Indicator}, {"baseline", "基期值", g.Baseline},
			{"target", "目标值", g.Target}} {
			checkDraftRunes(v, fmt.Sprintf("goals.%d.%s", row, c.name), fmt.Sprintf("第%d行绩效目标%s", row+1, c.label), c.val, draftCellRunes)
		}
	}
}

// resolveProviders turns the providers' credit codes into organisation IDs;
// each must be a registered service provider (服务商).
func (a *App) resolveProviders(ctx context.Context, codes []string) ([]int64, error) {
	var v dtfund.ValidationErrors
	var ids []int64
	for i, code := range codes {
		field := fmt.Sprintf("providers.%d", i)
		if code = uscc.Normalize(code); code == "" {
			continue
		}
		if err := uscc.Validate(code); err != nil {
			v.Add(field, "第%d家服务商的统一社会信用代码无效：%v", i+1, err)
			continue
		}
		o, err := a.DB.OrganizationByUSCC(ctx, code)
		switch {
		case dtfund.ErrorCode(err) == dtfund.ENOTFOUND || (err == nil && !o.IsProvider):
			v.Add(field, "第%d家服务商：统一社会信用代码为 %s 的单位不是本系统登记的数字化服务商", i+1, code)
		case err != nil:
			return nil, err
		case slices.Contains(ids, o.ID):
			v.Add(field, "第%d家服务商与前面重复", i+1)
		default:
			ids = append(ids, o.ID)
		}
	}
	return ids, v.Err()
}

// editable loads an application of the actor's organisation for editing;
// the state is checked again inside each write transaction.
func (a *App) editableApp(ctx context.Context, actor Actor, id int64) (*dtfund.Application, *dtfund.Call, error) {
	if err := requireRole(actor, dtfund.RoleApplicant); err != nil {
		return nil, nil, err
	}
	app, err := a.Application(ctx, actor, id)
	if err != nil {
		return nil, nil, err
	}
	if !app.Editable() {
		return nil, nil, notEditableErr(app)
	}
	call, err := a.DB.Call(ctx, app.CallID)
	return app, call, err
}

func notEditableErr(app *dtfund.Application) error {
	return dtfund.Errorf(dtfund.ECONFLICT, "申报 %s 处于“%s”状态，不能修改；只有草稿和退回补正的申报可以修改", app.Number, app.State.Label())
}

// prepareDraft validates a draft and resolves its providers, before any
// transaction starts.
func (a *App) prepareDraft(ctx context.Context, call *dtfund.Call, d *Draft) ([]int64, error) {
	verr := a.ValidateDraft(call, d)
	ids, perr := a.resolveProviders(ctx, d.ProviderUSCCs)
	if dtfund.ErrorCode(perr) == dtfund.EINTERNAL {
		return nil, perr
	}
	var v dtfund.ValidationErrors
	for _, err := range []error{verr, perr} {
		if ve, ok := err.(dtfund.ValidationErrors); ok {
			v = append(v, ve...)
		}
	}
	return ids, v.Err()
}

// applyDraft writes the draft onto the application inside tx.
func applyDraft(ctx context.Context, tx *store.Tx, actor Actor, app *dtfund.Application, d *Draft, providers []int64) error {
	before := *app
	app.Title, app.Description, app.Subtype = d.Title, d.Description, d.Subtype
	app.ManufacturingRetrofit, app.RequestedFen, app.Declarations = d.ManufacturingRetrofit, d.RequestedFen, d.Declarations
	app.Spending, app.Goals, app.ProviderIDs = d.Spending, d.Goals, providers
	if err := tx.SaveApplicationContent(ctx, app); err != nil {
		return err
	}
	return tx.Audit(ctx, actor.audit("application.save", "application", itoa(app.ID)), before, app)
}

// SaveDraft saves the form while the application is editable; after
// submission it is refused (ECONFLICT) and nothing changes.
func (a *App) SaveDraft(ctx context.Context, actor Actor, id int64, d *Draft) (*dtfund.Application, error) {
	_, call, err := a.editableApp(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	providers, err := a.prepareDraft(ctx, call, d)
	if err != nil {
		return nil, err
	}
	var saved *dtfund.Application
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		app, err := tx.Application(ctx, id)
		if err != nil {
			return err
		}
		if app.OrgID != actor.User.OrgID {
			return dtfund.Errorf(dtfund.ENOTFOUND, "申报不存在")
		}
		if !app.Editable() {
			return notEditableErr(app)
		}
		saved = app
		return applyDraft(ctx, tx, actor, app, d, providers)
	})
	return saved, err
}

// SubmitKey is the idempotency key of one rendered submission form: the
// same form sent twice is one submission.
func SubmitKey(appID int64, token string) string {
	if token == "" || len(token) > 64 {
		return ""
	}
	return fmt.Sprintf("submit:%d:%s", appID, token)
}

// Submit submits (or, after 退回补正, resubmits) an application: with d, the
// form's content is saved first in the same transaction. A first submission
// must fall inside the call's time window; a resubmission after return may
// come after the close time, since the district asked for the correction.
// The application must be complete; the rules' decision is stored with the
// new version but never refuses the submission — reviewers decide.
func (a *App) Submit(ctx context.Context, actor Actor, id int64, token string, d *Draft) (*dtfund.Application, error) {
	var providers []int64
	prepared := false
	if d != nil {
		_, call, err := a.editableApp(ctx, actor, id)
		if err == nil {
			providers, err = a.prepareDraft(ctx, call, d)
			prepared = err == nil
		}
		// A retried submission finds the application submitted already: the
		// idempotent Act below answers it without running Before.
		if err != nil && !(dtfund.ErrorCode(err) == dtfund.ECONFLICT && token != "") {
			return nil, err
		}
	}
	before := func(ctx context.Context, tx *store.Tx, app *dtfund.Application, to dtfund.AppState) error {
		if d != nil {
			if !prepared {
				return dtfund.Errorf(dtfund.ECONFLICT, "申报状态已变化，请刷新页面后重试")
			}
			if err := applyDraft(ctx, tx, actor, app, d, providers); err != nil {
				return err
			}
		}
		return a.completeSubmission(ctx, tx, app)
	}
	return a.Act(ctx, actor, Step{AppID: id, Action: dtfund.ActSubmit, IdempotencyKey: SubmitKey(id, token), Before: before})
}

// completeSubmission checks the time window and completeness, runs the
// rules and records the submitted version.
func (a *App) completeSubmission(ctx context.Context, tx *store.Tx, app *dtfund.Application) error {
	call, err := tx.Call(ctx, app.CallID)
	if err != nil {
		return err
	}
	if err := a.checkCallOpen(call, app.State == dtfund.StateDraft); err != nil {
		return err
	}
	atts, err := tx.Attachments(ctx, app.ID)
	if err != nil {
		return err
	}
	if err := Missing(call, app, atts); err != nil {
		return err
	}
	decision, err := Decide(ctx, tx, app)
	if err != nil {
		return err
	}
	b, err := json.Marshal(decision)
	if err != nil {
		return err
	}
	return tx.MarkSubmitted(ctx, app, string(b))
}

// Missing lists what an application still lacks before it may be submitted,
// as field errors; nil when complete.
func Missing(call *dtfund.Call, app *dtfund.Application, atts []*store.Attachment) error {
	var v dtfund.ValidationErrors
	if strings.TrimSpace(app.Title) == "" {
		v.Add("title", "请填写项目名称")
	}
	if strings.TrimSpace(app.Description) == "" {
		v.Add("description", "请填写项目简介")
	}
	if call.Category == "7.2" && app.Subtype == "" {
		v.Add("subtype", "第七条（二）类申报须选择细分类型（上云上平台或创新应用标杆）")
	}
	if call.Category == "7.1" {
		missingDraftSpending(&v, app.Spending)
	}
	missingDraftGoals(&v, app.Goals)
	if !app.Declarations.Integrity {
		v.Add("decl.integrity", "请阅读并勾选诚信承诺（第二十条）")
	}
	if kinds := missingMaterials(call.Materials, atts); len(kinds) > 0 {
		v.Add("attachments", "缺少申报材料：%s（每项至少上传一个附件）", strings.Join(kinds, "、"))
	}
	return v.Err()
}

func missingDraftSpending(v *dtfund.ValidationErrors, ss []dtfund.Spending) {
	if len(ss) == 0 {
		v.Add("spending", "第七条（一）数字化改造类申报须至少填写一项改造支出")
	}
	for i, s := range ss {
		row := draftRow(s.Seq, i)
		if s.Type == "" {
			v.Add(fmt.Sprintf("spending.%d.type", row), "第%d行支出：请选择支出类型", row+1)
		}
		if s.AmountFen <= 0 {
			v.Add(fmt.Sprintf("spending.%d.amount", row), "第%d行支出：请填写金额", row+1)
		}
	}
}

func missingDraftGoals(v *dtfund.ValidationErrors, gs []dtfund.Goal) {
	if len(gs) == 0 {
		v.Add("goals", "请至少填写一项绩效目标")
	}
	for i, g := range gs {
		row := draftRow(g.Seq, i)
		if strings.TrimSpace(g.Indicator) == "" || strings.TrimSpace(g.Target) == "" {
			v.Add(fmt.Sprintf("goals.%d.indicator", row), "第%d行绩效目标：请填写指标和目标值", row+1)
		}
	}
}

// missingMaterials returns the call's required materials without a current
// attachment of that kind.
func missingMaterials(required []string, atts []*store.Attachment) []string {
	var out []string
	for _, m := range required {
		if !slices.ContainsFunc(atts, func(at *store.Attachment) bool { return at.Kind == m }) {
			out = append(out, m)
		}
	}
	return out
}

// Withdraw withdraws the application (撤回) at the applicant's request; the
// reason is optional and shown on the timeline.
func (a *App) Withdraw(ctx context.Context, actor Actor, id int64, reason string) (*dtfund.Application, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > withdrawReasonRunes {
		return nil, dtfund.FieldError("reason", "撤回理由不超过%d个字", withdrawReasonRunes)
	}
	return a.Act(ctx, actor, Step{AppID: id, Action: dtfund.ActWithdraw, Reason: reason})
}

// InvoiceFlags maps each invoice number of the application that other
// applications (neither drafts nor withdrawn) claim too to their numbers,
// for reviewers: the applicant is not told (EFORBIDDEN), officials see it
// within their scope. The detail page marks those spending rows.
func (a *App) InvoiceFlags(ctx context.Context, actor Actor, id int64) (map[string][]string, error) {
	if err := requireRole(actor, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT, dtfund.RoleCityFinance,
		dtfund.RoleExpert, dtfund.RoleInspector, dtfund.RoleAdmin); err != nil {
		return nil, err
	}
	if _, err := a.Application(ctx, actor, id); err != nil {
		return nil, err
	}
	dups, err := a.DB.DuplicateInvoices(ctx, id)
	if err != nil {
		return nil, err
	}
	for inv, nums := range dups {
		dups[inv] = slices.Compact(nums) // ordered by number: one application claiming it twice shows once
	}
	return dups, nil
}
