package app

import (
	"bytes"
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"dtfund"
	"dtfund/internal/store"
)

// Money views (第六条, 第二十条): budget execution, a recipient's ledger, the
// Excel payment list of a batch, and the reconciliation of the books.

// ExecRow is one group of the budget execution report.
type ExecRow struct {
	Key, Label   string
	Awards       int
	CommittedFen int64 // awarded (revoked awards count only what was paid)
	PaidFen      int64 // paid out to recipients, gross
	RecoveredFen int64 // repaid after revocation
	ReleasedFen  int64 // only by source and by year: released by the treasury
	AvailableFen int64 // only by source and by year: released, not yet committed (source + line balances)
	HasBudget    bool
}

// ExecDims are the groupings of the execution report.
var ExecDims = map[string]string{"source": "资金来源", "category": "支持类别", "district": "县（市）区", "industry": "行业", "year": "年度"}

// Execution groups budget execution by one dimension.
func (a *App) Execution(ctx context.Context, actor Actor, dim string) ([]*ExecRow, error) {
	if err := requireRole(actor, moneyViewers...); err != nil {
		return nil, err
	}
	if ExecDims[dim] == "" {
		dim = "source"
	}
	awards, err := a.DB.AwardsMoney(ctx)
	if err != nil {
		return nil, err
	}
	rows := map[string]*ExecRow{}
	get := func(key, label string) *ExecRow {
		if rows[key] == nil {
			rows[key] = &ExecRow{Key: key, Label: label}
		}
		return rows[key]
	}
	for _, m := range awards {
		key, label := execKey(dim, m)
		r := get(key, label)
		r.Awards++
		r.CommittedFen += m.AmountFen
		if m.Revoked {
			r.CommittedFen += m.PaidFen - m.AmountFen
		}
		r.PaidFen += m.PaidFen
		r.RecoveredFen += m.RecoveredFen
	}
	if dim == "source" || dim == "year" {
		if err := a.addBudget(ctx, dim, get); err != nil {
			return nil, err
		}
	}
	out := make([]*ExecRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// execKey is the group of an award: the source and year come from the
// budget line it was committed from.
func execKey(dim string, m *store.AwardMoney) (string, string) {
	src, year := lineParts(m.LineCode)
	if year == "" {
		year = strconv.Itoa(m.Year)
	}
	switch dim {
	case "category":
		return m.Category, dtfund.CategoryLabel(m.Category)
	case "district":
		if m.DistrictCode == "" {
			return "~", "长春市外（市级直接拨付）"
		}
		return m.DistrictCode, m.DistrictName
	case "industry":
		if len(m.IndustryCode) >= 2 {
			return m.IndustryCode[:2], "行业大类 " + m.IndustryCode[:2]
		}
		return "~", "未填行业"
	case "year":
		return year, year + "年"
	}
	if src == "" {
		return "~" + m.FundSource, "未承诺（" + m.FundSource + "）"
	}
	return src, store.SourceLabels[src]
}

// lineParts splits line:{src}:{year}:{cat}.
func lineParts(code string) (src, year string) {
	p := strings.Split(code, ":")
	if len(p) != 4 {
		return "", ""
	}
	return p[1], p[2]
}

// addBudget adds released and available money per source or year from the
// ledger's source and line accounts.
func (a *App) addBudget(ctx context.Context, dim string, get func(k, l string) *ExecRow) error {
	accts, err := a.DB.Accounts(ctx, "")
	if err != nil {
		return err
	}
	released, err := a.DB.ReleasedBySource(ctx)
	if err != nil {
		return err
	}
	for _, ac := range accts {
		if ac.Kind != store.AccountSource && ac.Kind != store.AccountLine {
			continue
		}
		p := strings.Split(ac.Code, ":")
		key, label := p[1], store.SourceLabels[p[1]]
		if dim == "year" {
			key, label = p[2], p[2]+"年"
		}
		r := get(key, label)
		r.HasBudget = true
		r.AvailableFen += ac.BalanceFen
		r.ReleasedFen += released[ac.Code]
	}
	return nil
}

// Reconciliation is the proof that the books balance. Every ledger
// transaction sums to zero, so the balances of all accounts sum to zero;
// only releases touch the treasury, so
//
//	released = −treasury = sources + lines + commitments + transit + recipients + receivables
//
// where recipients hold what was paid out net of what revocation turned
// into receivables, and receivables what is still to be recovered.
type Reconciliation struct {
	Verify          *store.LedgerVerification
	ReleasedFen     int64 // releases posted to sources
	TreasuryFen     int64
	Terms           []ReconTerm
	SumFen          int64 // sum of the terms
	PaidOutFen      int64 // gross payouts to recipients (payout and direct pay)
	ReceivableIn    int64 // turned into receivables by revocations
	RecoveredFen    int64 // repaid
	Holds           bool
	NegativeBalance []string
}

// ReconTerm is one term of the identity.
type ReconTerm struct {
	Kind, Label string
	BalanceFen  int64
}

var reconKinds = []ReconTerm{{Kind: store.AccountSource, Label: "未分配预算（资金来源）"}, {Kind: store.AccountLine, Label: "未承诺指标（预算指标）"},
	{Kind: store.AccountCommitment, Label: "已承诺未拨付"}, {Kind: store.AccountTransit, Label: "区县在途"},
	{Kind: store.AccountRecipient, Label: "已支付受款单位（净额）"}, {Kind: store.AccountReceivable, Label: "应收追回款"}}

// Reconcile computes the reconciliation report.
func (a *App) Reconcile(ctx context.Context, actor Actor) (*Reconciliation, error) {
	if err := requireRole(actor, moneyViewers...); err != nil {
		return nil, err
	}
	return a.reconcile(ctx)
}

func (a *App) reconcile(ctx context.Context) (*Reconciliation, error) {
	r := &Reconciliation{}
	var err error
	if r.Verify, err = a.DB.VerifyLedger(ctx); err != nil {
		return nil, err
	}
	kinds, err := a.DB.BalancesByKind(ctx)
	if err != nil {
		return nil, err
	}
	r.TreasuryFen = kinds[store.AccountExternal]
	for _, t := range reconKinds {
		t.BalanceFen = kinds[t.Kind]
		r.Terms, r.SumFen = append(r.Terms, t), r.SumFen+t.BalanceFen
	}
	for _, q := range []struct {
		dst          *int64
		acct, txKind string
	}{{&r.ReleasedFen, store.AccountSource, "release"}, {&r.ReceivableIn, store.AccountReceivable, "revoke"}} {
		if *q.dst, err = a.DB.PostedByKind(ctx, q.acct, q.txKind); err != nil {
			return nil, err
		}
	}
	payout, _ := a.DB.PostedByKind(ctx, store.AccountRecipient, "payout")
	direct, _ := a.DB.PostedByKind(ctx, store.AccountRecipient, "pay")
	rec, err := a.DB.PostedByKind(ctx, store.AccountReceivable, "repay")
	r.PaidOutFen, r.RecoveredFen = payout+direct, -rec
	if r.NegativeBalance, err = a.DB.NegativeBalances(ctx); err != nil {
		return nil, err
	}
	r.Holds = r.Verify.OK() && r.SumFen == -r.TreasuryFen && len(r.NegativeBalance) == 0
	return r, err
}

// RecipientLedger is an organisation's statement and its receivables.
type RecipientLedger struct {
	Org         *dtfund.Organization
	BalanceFen  int64
	Lines       []store.LedgerLine
	Revocations []*store.Revocation
}

// RecipientLedger returns an organisation's ledger: the applicant its own,
// a district's officials those of their district, the city all.
func (a *App) RecipientLedger(ctx context.Context, actor Actor, orgID int64, page store.Page) (*RecipientLedger, error) {
	if actor.User == nil {
		return nil, dtfund.Errorf(dtfund.EUNAUTHORIZED, "请先登录")
	}
	org, err := a.DB.Organization(ctx, orgID, "")
	if err != nil {
		return nil, err
	}
	u := actor.User
	switch u.Role {
	case dtfund.RoleApplicant:
		if u.OrgID != orgID {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "单位不存在")
		}
	case dtfund.RoleDistrictFinance, dtfund.RoleDistrictMIIT:
		if org.DistrictCode != u.DistrictCode {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "单位不存在")
		}
	default:
		if err := requireRole(actor, moneyViewers...); err != nil {
			return nil, err
		}
	}
	l := &RecipientLedger{Org: org}
	code := store.RecipientAccount(orgID)
	if l.BalanceFen, err = a.DB.Balance(ctx, code); err != nil {
		return nil, err
	}
	if l.Lines, err = a.DB.Statement(ctx, code, page); err != nil {
		return nil, err
	}
	l.Revocations, _, err = a.DB.FindRevocations(ctx, store.ReceivableFilter{OrgID: orgID, Page: store.Page{Limit: 200}})
	return l, err
}

// batchHeaders are the Excel columns of a payment list.
var batchHeaders = []struct {
	title string
	width float64
}{{"序号", 6}, {"申报编号", 18}, {"受款单位", 32}, {"统一社会信用代码", 22}, {"属地", 14}, {"支持类别", 26},
	{"项目名称", 32}, {"拨付金额（元）", 16}, {"状态", 12}, {"银行流水号", 22}}

// BatchExcel writes a batch's payment list as an Excel workbook: Chinese
// headers, amounts in 元 with two decimals, a frozen header row and a total.
func (a *App) BatchExcel(ctx context.Context, actor Actor, batchID int64) ([]byte, error) {
	b, err := a.PaymentBatch(ctx, actor, batchID)
	if err != nil {
		return nil, err
	}
	ins, _, sum, err := a.DB.FindInstructions(ctx, store.InstructionFilter{BatchID: batchID, Page: store.Page{Limit: -1}})
	if err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	defer f.Close()
	sh := "拨付清单"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return nil, err
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return nil, err
	}
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1}})
	for i, h := range batchHeaders {
		col, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetCellValue(sh, col+"1", h.title)
		_ = f.SetColWidth(sh, col, col, h.width)
	}
	_ = f.SetCellStyle(sh, "A1", "J1", head)
	for i, in := range ins {
		row := strconv.Itoa(i + 2)
		vals := []any{i + 1, in.AppNumber, in.OrgName, in.USCC, orDash(in.DistrictName), dtfund.CategoryLabel(in.Category), in.ProjectTitle,
			float64(in.AmountFen) / 100, InstrStateLabel(in.State), in.BankRef}
		if err := f.SetSheetRow(sh, "A"+row, &vals); err != nil {
			return nil, err
		}
	}
	last := strconv.Itoa(len(ins) + 2)
	_ = f.SetCellValue(sh, "G"+last, "合计")
	_ = f.SetCellValue(sh, "H"+last, float64(sum)/100)
	_ = f.SetCellStyle(sh, "H2", "H"+last, money)
	_ = f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	_ = f.SetDocProps(&excelize.DocProperties{Title: b.Title + " 拨付清单", Creator: "dtfund"})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func orDash(s string) string {
	if s == "" {
		return "市级直接拨付"
	}
	return s
}
