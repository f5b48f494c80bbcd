package app

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/internal/store"
)

// Money views (第六条, 第二十条): budget execution, a recipient's ledger and
// the reconciliation of the books (the Excel payment list is in exports.go).

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

func orDash(s string) string {
	if s == "" {
		return "市级直接拨付"
	}
	return s
}
