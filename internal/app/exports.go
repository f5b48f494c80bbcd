package app

import (
	"context"
	"strconv"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/sheet"
	"dtfund/internal/store"
)

// Excel exports (导出): each list page's export.xlsx, written by
// sheet.Write — Chinese headers, amounts in 元 as numbers with two
// decimals, a frozen header row, fitted column widths. Each export has the
// access of its page: the same app call decides, so jurisdiction holds.

// Export is a workbook to download.
type Export struct {
	Name string // file name, Chinese
	Data []byte
}

// exportPage is the page size used to read whole lists for an export.
const exportPage = 200

// allPages reads every page of a paged query.
func allPages[T any](read func(store.Page) ([]T, int, error)) ([]T, error) {
	var out []T
	for offset := 0; ; offset += exportPage {
		got, total, err := read(store.Page{Offset: offset, Limit: exportPage})
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
		if offset+exportPage >= total || len(got) == 0 {
			return out, nil
		}
	}
}

func newExport(name, title string, sheets ...sheet.Sheet) (*Export, error) {
	data, err := sheet.Bytes(title, sheets...)
	if err != nil {
		return nil, err
	}
	return &Export{Name: name, Data: data}, nil
}

// ExportOrganizations writes the organisations the actor may see with their
// size facts, one row per organisation and year, in the columns the
// organisations import reads: an export imported again changes nothing.
// The contact telephones are in full (a masked one would not import back),
// so the export is audited as a view of them.
func (a *App) ExportOrganizations(ctx context.Context, actor Actor) (*Export, error) {
	scope, err := OrgScope(actor)
	if err != nil {
		return nil, err
	}
	orgs, err := allPages(func(p store.Page) ([]*dtfund.Organization, int, error) {
		return a.DB.FindOrganizations(ctx, store.OrgFilter{DistrictCode: scope, Page: p})
	})
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(orgs))
	for i, o := range orgs {
		codes[i] = o.USCC
	}
	full, err := a.DB.OrganizationsByUSCC(ctx, codes)
	if err != nil {
		return nil, err
	}
	s := sheet.Sheet{Name: "单位及规模数据", Columns: OrgColumns}
	phones := 0
	for _, o := range orgs {
		o = full[o.USCC]
		if o.ContactPhone != "" {
			phones++
		}
		base := []any{o.USCC, o.Name, o.Kind.Label(), o.LegalPerson, o.RegionCode, o.DistrictName, o.IndustryCode, orgRoles(o),
			o.Address, o.ContactName, o.ContactPhone}
		if len(o.SizeFacts) == 0 {
			s.Rows = append(s.Rows, append(base, nil, nil, nil, nil))
		}
		for _, f := range o.SizeFacts {
			row := append(append([]any{}, base...), int64(f.Year), f.Employees, f.RevenueFen, f.AssetsFen)
			s.Rows = append(s.Rows, row)
		}
	}
	if err := a.auditExportView(ctx, actor, "organization", phones, "contact_phone"); err != nil {
		return nil, err
	}
	return newExport("单位及规模数据.xlsx", "单位及规模数据", s)
}

func orgRoles(o *dtfund.Organization) string {
	switch {
	case o.IsApplicant && o.IsProvider:
		return "申报企业、服务商"
	case o.IsProvider:
		return "服务商"
	}
	return "申报企业"
}

// ExportExperts writes the expert pool (profiles filled in) in the columns
// the expert import reads; the contacts are in full, and audited as viewed.
func (a *App) ExportExperts(ctx context.Context, actor Actor) (*Export, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	experts, err := allPages(func(p store.Page) ([]*store.ExpertProfile, int, error) {
		return a.DB.FindExperts(ctx, store.ExpertFilter{Page: p})
	})
	if err != nil {
		return nil, err
	}
	s := sheet.Sheet{Name: "专家库", Columns: ExpertColumns}
	contacts := 0
	for _, e := range experts {
		if e.HasProfile {
			s.Rows = append(s.Rows, []any{e.Username, e.Name, e.Field, e.Affiliation, e.OrgUSCC, e.Contact, e.Active})
			if e.Contact != "" {
				contacts++
			}
		}
	}
	if err := a.auditExportView(ctx, actor, "expert", contacts, "contact"); err != nil {
		return nil, err
	}
	return newExport("专家库.xlsx", "专家库", s)
}

// publicityColumns are the columns of the publicity office's list.
var publicityColumns = []sheet.Column{{Title: "序号", Kind: sheet.Int}, {Title: "申报编号", Kind: sheet.Code}, {Title: "单位名称"},
	{Title: "项目名称"}, {Title: "支持类别"}, {Title: "拟奖补金额（元）", Kind: sheet.Money}, {Title: "公示开始", Kind: sheet.Date},
	{Title: "公示截止", Kind: sheet.Date}, {Title: "状态"}, {Title: "待处理异议", Kind: sheet.Int}}

// ExportPublicity writes a publicity batch's list (公示名单, 第十四条（五）)
// for the publicity office, items taken off after an objection included.
func (a *App) ExportPublicity(ctx context.Context, actor Actor, batchID int64) (*Export, error) {
	b, err := a.PublicityBatch(ctx, actor, batchID)
	if err != nil {
		return nil, err
	}
	items, err := allPages(func(p store.Page) ([]*store.PublicityItem, int, error) {
		return a.PublicityItems(ctx, actor, batchID, p)
	})
	if err != nil {
		return nil, err
	}
	s := sheet.Sheet{Name: "公示名单", Columns: publicityColumns, Total: true}
	for i, it := range items {
		status := it.AppState.Label()
		if it.Removed() {
			status = "已移出：" + it.RemovedReason
		}
		s.Rows = append(s.Rows, []any{int64(i + 1), it.AppNumber, it.OrgName, it.ProjectTitle, dtfund.CategoryLabel(it.Category),
			it.AmountFen, it.StartDate, it.EndDate, status, int64(it.OpenObjections)})
	}
	return newExport("公示名单-"+b.Title+".xlsx", b.Title+" 公示名单", s)
}

// ExportPublicPublicity writes what the public page shows of a batch: the
// items whose period has begun, without internal fields.
func (a *App) ExportPublicPublicity(ctx context.Context, batchID int64) (*Export, error) {
	b, err := a.PublicBatch(ctx, batchID)
	if err != nil {
		return nil, err
	}
	items, err := allPages(func(p store.Page) ([]*store.PublicityItem, int, error) { return a.PublicItems(ctx, batchID, p) })
	if err != nil {
		return nil, err
	}
	s := sheet.Sheet{Name: "公示名单", Columns: []sheet.Column{{Title: "序号", Kind: sheet.Int}, {Title: "单位名称"}, {Title: "项目名称"},
		{Title: "支持类别"}, {Title: "拟奖补金额（元）", Kind: sheet.Money}, {Title: "公示开始", Kind: sheet.Date}, {Title: "公示截止", Kind: sheet.Date}}}
	for i, it := range items {
		s.Rows = append(s.Rows, []any{int64(i + 1), it.OrgName, it.ProjectTitle, dtfund.CategoryLabel(it.Category), it.AmountFen,
			it.StartDate, it.EndDate})
	}
	return newExport("公示名单-"+b.Title+".xlsx", b.Title+" 公示名单", s)
}

// ExportLetters writes the recommendation letters (推荐函, 第十四条（二）)
// the actor may see, one row per recommended application.
func (a *App) ExportLetters(ctx context.Context, actor Actor, f store.LetterFilter) (*Export, error) {
	letters, err := allPages(func(p store.Page) ([]*store.Letter, int, error) {
		f.Page = p
		return a.FindLetters(ctx, actor, f)
	})
	if err != nil {
		return nil, err
	}
	s := sheet.Sheet{Name: "推荐函", Total: true, Columns: []sheet.Column{{Title: "推荐函编号"}, {Title: "日期", Kind: sheet.Date},
		{Title: "县（市）区"}, {Title: "申报批次"}, {Title: "经办人"}, {Title: "申报编号", Kind: sheet.Code}, {Title: "申报单位"},
		{Title: "项目名称"}, {Title: "申请金额（元）", Kind: sheet.Money}, {Title: "推荐意见"}}}
	for _, l := range letters {
		full, err := a.Letter(ctx, actor, l.ID)
		if err != nil {
			return nil, err
		}
		for _, it := range full.Items {
			s.Rows = append(s.Rows, []any{full.Number, full.Date, full.DistrictName, full.CallTitle, full.OfficialName, it.Number,
				it.OrgName, it.Title, it.RequestedFen, it.Opinion})
		}
	}
	return newExport("推荐函清单.xlsx", "推荐函清单", s)
}

// ExportPanel writes a panel's review summary (评审汇总, 第十四条（三）): per
// application each member's weighted total, the result, the pass mark and
// the approved investment; a second sheet has every score per criterion.
func (a *App) ExportPanel(ctx context.Context, actor Actor, panelID int64) (*Export, error) {
	p, err := a.Panel(ctx, actor, panelID)
	if err != nil {
		return nil, err
	}
	cols := []sheet.Column{{Title: "申报编号", Kind: sheet.Code}, {Title: "申报单位"}, {Title: "项目名称"}}
	for _, m := range p.Members {
		cols = append(cols, sheet.Column{Title: m.Name + "（加权得分）", Kind: sheet.Score})
	}
	cols = append(cols, sheet.Column{Title: "评审结果（平均分）", Kind: sheet.Score}, sheet.Column{Title: "合格分", Kind: sheet.Int},
		sheet.Column{Title: "结论"}, sheet.Column{Title: "评分专家数", Kind: sheet.Int}, sheet.Column{Title: "核定投入（元）", Kind: sheet.Money})
	summary := sheet.Sheet{Name: "评审汇总", Columns: cols}
	detail := sheet.Sheet{Name: "评分明细", Columns: []sheet.Column{{Title: "申报编号", Kind: sheet.Code}, {Title: "专家"},
		{Title: "评分项"}, {Title: "权重", Kind: sheet.Int}, {Title: "得分", Kind: sheet.Int}, {Title: "意见"}}}
	numbers := make([]string, len(p.Apps))
	for i, pa := range p.Apps {
		numbers[i] = pa.Number
	}
	sums, err := a.DB.AppSummaries(ctx, store.ApplicationFilter{}, numbers)
	if err != nil {
		return nil, err
	}
	approved := map[int64]*store.AppSummary{}
	for _, s := range sums {
		approved[s.ID] = s
	}
	for _, pa := range p.Apps {
		sheets, err := a.DB.ScoreSheets(ctx, p.ID, pa.ApplicationID)
		if err != nil {
			return nil, err
		}
		summary.Rows = append(summary.Rows, panelRow(p, pa, sheets, approved[pa.ApplicationID]))
		for _, sh := range sheets {
			for _, it := range sh.Items {
				detail.Rows = append(detail.Rows, []any{pa.Number, sh.ExpertName, it.Criterion, int64(it.Weight), int64(it.Score), it.Comment})
			}
		}
	}
	return newExport("评审汇总-评审组"+strconv.FormatInt(p.ID, 10)+".xlsx", "评审汇总", summary, detail)
}

func panelRow(p *store.Panel, pa store.PanelApp, sheets []*store.ScoreSheet, s *store.AppSummary) []any {
	row := []any{pa.Number, pa.OrgName, pa.Title}
	for _, m := range p.Members {
		var v any
		for _, sh := range sheets {
			if sh.ExpertID == m.ExpertID {
				v = sh.TotalHundredths
			}
		}
		row = append(row, v)
	}
	if !pa.Finalised() {
		return append(row, nil, nil, "未定稿", int64(len(sheets)), nil)
	}
	verdict := "未通过"
	if pa.Passed {
		verdict = "通过"
	}
	var inv any
	if s != nil && s.HasApproved {
		inv = s.ApprovedFen
	}
	return append(row, pa.ResultHundredths, int64(pa.PassMark), verdict, int64(pa.Scorers), inv)
}

// paymentColumns are the columns of a payment list.
var paymentColumns = []sheet.Column{{Title: "序号", Kind: sheet.Int}, {Title: "申报编号", Kind: sheet.Code}, {Title: "受款单位"},
	{Title: "统一社会信用代码", Kind: sheet.Code}, {Title: "属地"}, {Title: "支持类别"}, {Title: "项目名称"},
	{Title: "拨付金额（元）", Kind: sheet.Money}, {Title: "状态"}, {Title: "银行流水号", Kind: sheet.Code}}

// BatchExcel writes a batch's payment list (拨付清单, 第六条（三）) with a total.
func (a *App) BatchExcel(ctx context.Context, actor Actor, batchID int64) ([]byte, error) {
	b, err := a.PaymentBatch(ctx, actor, batchID)
	if err != nil {
		return nil, err
	}
	ins, _, _, err := a.DB.FindInstructions(ctx, store.InstructionFilter{BatchID: batchID, Page: store.Page{Limit: -1}})
	if err != nil {
		return nil, err
	}
	s := sheet.Sheet{Name: "拨付清单", Columns: paymentColumns, Total: true}
	for i, in := range ins {
		s.Rows = append(s.Rows, []any{int64(i + 1), in.AppNumber, in.OrgName, in.USCC, orDash(in.DistrictName), dtfund.CategoryLabel(in.Category),
			in.ProjectTitle, in.AmountFen, InstrStateLabel(in.State), in.BankRef})
	}
	return sheet.Bytes(b.Title+" 拨付清单", s)
}

// ExportExecution writes the budget execution report (预算执行, 第六条)
// grouped by one dimension, with a total.
func (a *App) ExportExecution(ctx context.Context, actor Actor, dim string) (*Export, error) {
	if ExecDims[dim] == "" {
		dim = "source"
	}
	rows, err := a.Execution(ctx, actor, dim)
	if err != nil {
		return nil, err
	}
	withBudget := dim == "source" || dim == "year"
	cols := []sheet.Column{{Title: ExecDims[dim]}, {Title: "奖补项目数", Kind: sheet.Int}}
	if withBudget {
		cols = append(cols, sheet.Column{Title: "已下达预算（元）", Kind: sheet.Money}, sheet.Column{Title: "可用余额（元）", Kind: sheet.Money})
	}
	cols = append(cols, sheet.Column{Title: "已承诺（元）", Kind: sheet.Money}, sheet.Column{Title: "已支付（元）", Kind: sheet.Money},
		sheet.Column{Title: "已追回（元）", Kind: sheet.Money})
	s := sheet.Sheet{Name: "预算执行", Columns: cols, Total: true}
	for _, r := range rows {
		row := []any{r.Label, int64(r.Awards)}
		if withBudget {
			row = append(row, r.ReleasedFen, r.AvailableFen)
		}
		s.Rows = append(s.Rows, append(row, r.CommittedFen, r.PaidFen, r.RecoveredFen))
	}
	return newExport("预算执行-按"+ExecDims[dim]+".xlsx", "预算执行情况（按"+ExecDims[dim]+"）", s)
}

// ExportDistrictLedger writes a district finance bureau's ledger (第六条（四）):
// every instruction to its district — issued by the city, received, paid
// out to the recipient with the bank reference — and a summary by state.
func (a *App) ExportDistrictLedger(ctx context.Context, actor Actor) (*Export, error) {
	if err := requireRole(actor, dtfund.RoleDistrictFinance); err != nil {
		return nil, err
	}
	ins, _, _, err := a.FindInstructions(ctx, actor, store.InstructionFilter{Page: store.Page{Limit: -1}})
	if err != nil {
		return nil, err
	}
	list := sheet.Sheet{Name: "拨付台账", Total: true, Columns: []sheet.Column{{Title: "批次", Kind: sheet.Int}, {Title: "申报编号", Kind: sheet.Code},
		{Title: "受款单位"}, {Title: "统一社会信用代码", Kind: sheet.Code}, {Title: "项目名称"}, {Title: "支持类别"}, {Title: "资金来源"},
		{Title: "金额（元）", Kind: sheet.Money}, {Title: "状态"}, {Title: "市级下达日期", Kind: sheet.Date}, {Title: "区县到账日期", Kind: sheet.Date},
		{Title: "支付日期", Kind: sheet.Date}, {Title: "银行流水号", Kind: sheet.Code}}}
	byState := map[string][2]int64{}
	for _, in := range ins {
		list.Rows = append(list.Rows, []any{in.BatchID, in.AppNumber, in.OrgName, in.USCC, in.ProjectTitle, dtfund.CategoryLabel(in.Category),
			store.FundSourceLabel(in.FundSource), in.AmountFen, InstrStateLabel(in.State), shanghaiDate(in.IssuedAt),
			shanghaiDate(in.ReceivedAt), shanghaiDate(in.PaidAt), in.BankRef})
		n := byState[in.State]
		byState[in.State] = [2]int64{n[0] + 1, n[1] + in.AmountFen}
	}
	sum := sheet.Sheet{Name: "按状态汇总", Total: true, Columns: []sheet.Column{{Title: "状态"}, {Title: "笔数", Kind: sheet.Int},
		{Title: "金额（元）", Kind: sheet.Money}}}
	for _, st := range []string{store.InstrIssued, store.InstrReceived, store.InstrPaidOut, store.InstrHeld, store.InstrRecalled,
		store.InstrCancelled, store.InstrPending} {
		if n, ok := byState[st]; ok {
			sum.Rows = append(sum.Rows, []any{InstrStateLabel(st), n[0], n[1]})
		}
	}
	name := "区县拨付台账"
	if d, err := a.DB.District(ctx, actor.User.DistrictCode); err == nil {
		name = d.Name + "拨付台账"
	}
	return newExport(name+".xlsx", name, list, sum)
}

// shanghaiDate is a stored time's civil date in Asia/Shanghai, nil if unset.
func shanghaiDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return calendar.DateOf(t).String()
}
