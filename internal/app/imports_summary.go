package app

import (
	"context"
	"strings"

	"dtfund"
	"dtfund/internal/sheet"
	"dtfund/internal/store"
	"dtfund/uscc"
)

// District summary tables (申报汇总表, 第十四条（二）): the table a district
// collects offline while it reviews and recommends. Importing one does not
// change any application — the system's records are what enterprises
// submitted and officials decided — it reconciles (核对) the table with
// them: every row is matched to an application of the uploader's
// jurisdiction (by 申报编号, or by 统一社会信用代码 within the chosen call),
// every cell that differs from the system is noted (表中为…，系统中为…),
// and, when a call is chosen, the applications of the call that the table
// leaves out are listed. Confirming keeps the reconciliation as the
// district's record that the table was checked, with its audit entry.

// SummaryColumns are the columns of a district summary table.
var SummaryColumns = []sheet.Column{
	{Key: "number", Title: "申报编号", Aliases: []string{"项目编号", "编号", "申报号", "申报项目编号"}, Kind: sheet.Code,
		Help: "系统生成的申报编号（如 SB2026-000123）；留空时按统一社会信用代码在所选批次中匹配"},
	{Key: "uscc", Title: "统一社会信用代码", Aliases: []string{"信用代码", "社会信用代码", "统一代码"}, Kind: sheet.Code},
	{Key: "org_name", Title: "申报单位", Aliases: []string{"单位名称", "企业名称", "申报企业", "名称", "单位"}, Kind: sheet.Text},
	{Key: "title", Title: "项目名称", Aliases: []string{"项目", "申报项目"}, Kind: sheet.Text},
	{Key: "district", Title: "属地", Aliases: []string{"属地县（市）区", "属地县区", "县区", "县（市）区"}, Kind: sheet.Text},
	{Key: "requested", Title: "申请金额（元）", Aliases: []string{"申请金额", "申请资金", "申请奖补金额", "申报金额", "申请奖补资金"}, Kind: sheet.Money,
		Help: "单位元；表头写“（万元）”时按万元读取"},
	{Key: "investment", Title: "申报投入（元）", Aliases: []string{"申报投入", "项目投资", "总投资", "项目总投资", "改造投入", "投资额"}, Kind: sheet.Money,
		Help: "申报的改造投入合计，与系统中各项支出之和核对"},
	{Key: "approved", Title: "核定投入（元）", Aliases: []string{"核定投入", "核定投资", "核定金额", "核定改造投入"}, Kind: sheet.Money,
		Help: "专家评审核定的投入合计（第十四条（三））"},
}

type summaryRow struct {
	number, uscc, orgName, title, district string
	requested, investment, approved        *int64
}

func init() {
	registerImport(&importKind[*summaryRow]{
		ImportKindInfo: ImportKindInfo{Name: "summary", Label: "县区申报汇总表", Article: "第十四条（二）",
			Note: "将县区线下汇总的申报表与系统中的申报逐行核对，列出不一致的单元格和系统中有而表中没有的申报；" +
				"不修改任何申报，确认后保存核对记录。",
			Columns: SummaryColumns, Roles: []dtfund.Role{dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT},
			UsesCall: true},
		keyColumn: "number", keyLabel: "申报（申报编号或统一社会信用代码）",
		checkTable: checkSummaryTable, parse: parseSummaryRow, check: checkSummaryRows, write: writeSummaryRows,
	})
}

func checkSummaryTable(env *importEnv, t *sheet.Table) []sheet.Problem {
	switch {
	case !t.Has("number") && !t.Has("uscc"):
		return []sheet.Problem{{Row: t.HeaderRow, Message: "须有“申报编号”列，或“统一社会信用代码”列（并选择申报批次）"}}
	case !t.Has("number") && env.opt.CallID == 0:
		return []sheet.Problem{{Row: t.HeaderRow, Message: "表中没有“申报编号”列：请选择申报批次，按统一社会信用代码在该批次中核对"}}
	}
	return nil
}

func parseSummaryRow(env *importEnv, rr *sheet.RowReader) (*summaryRow, string) {
	r := &summaryRow{number: strings.ToUpper(rr.Code("number", false)), uscc: strings.ToUpper(rr.Code("uscc", false)),
		orgName: rr.Text("org_name", false, 100), title: rr.Text("title", false, 200), district: rr.Text("district", false, 50)}
	if r.uscc != "" {
		if err := uscc.Validate(r.uscc); err != nil {
			rr.Fail("uscc", "“%s”%s", r.uscc, err.Error())
		}
	}
	for _, m := range []struct {
		key string
		dst **int64
	}{{"requested", &r.requested}, {"investment", &r.investment}, {"approved", &r.approved}} {
		if v, ok := rr.Money(m.key, false); ok {
			*m.dst = &v
		}
	}
	switch {
	case r.number != "":
		return r, "n:" + r.number
	case r.uscc == "":
		rr.FailRow("申报编号和统一社会信用代码至少填写一项")
	case env.opt.CallID == 0:
		rr.Fail("number", "不能为空：未选择申报批次时按申报编号核对")
	}
	return r, "u:" + r.uscc
}

// checkSummaryRows matches each row to an application within the
// uploader's jurisdiction and notes every cell that differs. A row naming
// an application outside it reads as "not in the system", as everywhere.
func checkSummaryRows(ctx context.Context, env *importEnv, rows []*parsed[*summaryRow]) error {
	scope, err := ApplicationScope(env.actor)
	if err != nil {
		return err
	}
	var numbers []string
	for _, p := range rows {
		if p.rec.number != "" {
			numbers = append(numbers, p.rec.number)
		}
	}
	byNumber := map[string]*store.AppSummary{}
	if len(numbers) > 0 {
		found, err := env.a.DB.AppSummaries(ctx, scope, numbers)
		if err != nil {
			return err
		}
		for _, s := range found {
			byNumber[s.Number] = s
		}
	}
	var inCall []*store.AppSummary
	if env.opt.CallID != 0 {
		callScope := scope
		callScope.CallID = env.opt.CallID
		if inCall, err = env.a.DB.AppSummaries(ctx, callScope, nil); err != nil {
			return err
		}
	}
	idx, err := env.a.districtIndex(ctx)
	if err != nil {
		return err
	}
	matched := map[int64]int{}
	for _, p := range rows {
		s := matchSummary(env, p, byNumber, inCall)
		if s == nil {
			continue
		}
		if prev, dup := matched[s.ID]; dup {
			p.FailRow("与第%d行是同一份申报（%s）", prev, s.Number)
			continue
		}
		matched[s.ID] = p.Row.Num
		compareSummary(p, s, idx)
	}
	for _, s := range inCall {
		if _, ok := matched[s.ID]; !ok && s.State != dtfund.StateWithdrawn {
			env.line("系统中有、表中没有：%s %s《%s》（%s）", s.Number, s.OrgName, s.Title, s.State.Label())
		}
	}
	return nil
}

// matchSummary finds a row's application, failing the row when there is none.
func matchSummary(env *importEnv, p *parsed[*summaryRow], byNumber map[string]*store.AppSummary, inCall []*store.AppSummary) *store.AppSummary {
	r := p.rec
	if r.number != "" {
		s, ok := byNumber[r.number]
		switch {
		case !ok:
			p.Fail("number", "系统中没有编号为 %s 的申报（或不在本辖区）", r.number)
			return nil
		case env.opt.CallID != 0 && s.CallID != env.opt.CallID:
			p.Fail("number", "%s 属于批次“%s”，不是所选的申报批次", r.number, s.CallTitle)
			return nil
		}
		return s
	}
	var best *store.AppSummary
	for _, s := range inCall {
		if s.OrgUSCC == r.uscc && (best == nil || best.State == dtfund.StateWithdrawn) {
			best = s
		}
	}
	if best == nil {
		p.Fail("uscc", "所选批次中没有统一社会信用代码为 %s 的单位的申报（或不在本辖区）", r.uscc)
	}
	return best
}

// compareSummary notes each cell the table gives differently from the
// system.
func compareSummary(p *parsed[*summaryRow], s *store.AppSummary, idx districtIndex) {
	r := p.rec
	text := func(key, got, want string) {
		if got != "" && sheet.Fold(got) != sheet.Fold(want) {
			p.Note(key, "表中为“%s”，系统中为“%s”", got, want)
		}
	}
	text("uscc", r.uscc, s.OrgUSCC)
	text("org_name", r.orgName, s.OrgName)
	text("title", r.title, s.Title)
	if r.district != "" {
		if code, ok := idx.code(r.district); !ok || code != s.DistrictCode {
			want := s.DistrictName
			if want == "" {
				want = "长春市外（无属地）"
			}
			p.Note("district", "表中为“%s”，系统中为“%s”", r.district, want)
		}
	}
	money := func(key string, got *int64, want int64) {
		if got != nil && *got != want {
			p.Note(key, "表中为 %s 元，系统中为 %s 元", reviewYuan(*got), reviewYuan(want))
		}
	}
	money("requested", r.requested, s.RequestedFen)
	money("investment", r.investment, s.InvestmentFen)
	if r.approved != nil && !s.HasApproved {
		p.Note("approved", "表中为 %s 元，系统中尚无核定投入（专家评审定稿后产生，第十四条（三））", reviewYuan(*r.approved))
	} else {
		money("approved", r.approved, s.ApprovedFen)
	}
}

// writeSummaryRows writes no application: the reconciliation itself is the
// import record. Every row that matched counts as found.
func writeSummaryRows(_ context.Context, _ *store.Tx, _ *importEnv, rows []*parsed[*summaryRow]) (ImportCounts, error) {
	return ImportCounts{Unchanged: len(rows)}, nil
}
