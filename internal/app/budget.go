package app

import (
	"context"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Budgets (第二条, 第六条（二）): 市财政局 records each release of a fund
// source (下达预算) and the year's performance targets, and allocates the
// released money to budget lines (source × category). Every movement of
// money is a ledger posting; the central fund keeps at least 80% for
// 第七条（一） (财建〔2023〕117号, FACTS §2).

// LineCategories are the categories a line may have: central money only
// 第七条（一）–（六）; the local sources also the other local-fund work.
func LineCategories(source string) []string {
	if source == store.SourceCentral {
		return dtfund.CallCategories[:6]
	}
	return dtfund.CallCategories
}

// BudgetSources lists the fund sources in display order.
var BudgetSources = []string{store.SourceCentral, store.SourceProvincial, store.SourceCity}

// ReleaseInput is a release of a fund source (下达预算).
type ReleaseInput struct {
	Year      int
	Source    string
	DocNumber string // 文号, e.g. 财建〔2026〕12号
	DocDate   string // YYYY-MM-DD
	AmountFen int64
}

func (in *ReleaseInput) validate(today calendar.Date) error {
	in.DocNumber, in.DocDate = strings.TrimSpace(in.DocNumber), strings.TrimSpace(in.DocDate)
	var v dtfund.ValidationErrors
	if err := checkYear(in.Year, today); err != nil {
		v = append(v, err)
	}
	if store.SourceLabels[in.Source] == "" {
		v.Add("release_source", "请选择资金来源（中央、省级或市级）")
	}
	if in.DocNumber == "" || utf8.RuneCountInString(in.DocNumber) > 100 {
		v.Add("doc_number", "请填写预算下达文号（不超过100字）")
	}
	if d, err := calendar.ParseDate(in.DocDate); err != nil {
		v.Add("doc_date", "下达日期：%s", err.Error())
	} else if d.After(today) {
		v.Add("doc_date", "下达日期不能晚于今天（%s）", today)
	}
	if in.AmountFen <= 0 {
		v.Add("release_amount", "请填写下达金额（大于0）")
	}
	return v.Err()
}

// checkYear accepts the budget years of the measures: from 2023 (the pilot
// began) to next year (a budget may be released ahead).
func checkYear(y int, today calendar.Date) *dtfund.Error {
	if y < 2023 || y > today.Year+1 {
		return dtfund.FieldError("year", "预算年度应在 2023 至 %d 之间", today.Year+1)
	}
	return nil
}

func (a *App) budgetToday() calendar.Date { return calendar.DateOf(a.DB.Now()) }

// ReleaseBudget records a release and posts it (Dr source / Cr treasury).
// The same document and source again is a replay (the first release is
// returned, nothing written) when it says the same, a conflict otherwise.
func (a *App) ReleaseBudget(ctx context.Context, actor Actor, in ReleaseInput) (r *store.BudgetRelease, replay bool, err error) {
	if err := requireRole(actor, dtfund.RoleCityFinance); err != nil {
		return nil, false, err
	}
	if err := in.validate(a.budgetToday()); err != nil {
		return nil, false, err
	}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		prior, err := tx.ReleaseByDoc(ctx, in.DocNumber, in.Source)
		if err != nil || prior != nil {
			r, replay = prior, prior != nil
			if err == nil && (prior.Year != in.Year || prior.AmountFen != in.AmountFen || prior.DocDate != in.DocDate) {
				err = dtfund.FieldError("doc_number", "文号 %s 的%s已于 %s 录入（%d年度，%s 元），与本次填写不一致；如需更正请联系系统管理员",
					in.DocNumber, store.SourceLabels[in.Source], prior.DocDate, prior.Year, yuanText(prior.AmountFen))
			}
			return err
		}
		r, err = a.releaseTx(ctx, tx, actor, in)
		return err
	})
	return r, replay, err
}

func (a *App) releaseTx(ctx context.Context, tx *store.Tx, actor Actor, in ReleaseInput) (*store.BudgetRelease, error) {
	src := store.SourceAccount(in.Source, in.Year)
	if err := ensureBudgetAccounts(ctx, tx, in.Source, in.Year); err != nil {
		return nil, err
	}
	memo := strconv.Itoa(in.Year) + "年" + store.SourceLabels[in.Source] + "下达（" + in.DocNumber + "，" + in.DocDate + "）"
	txID, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "release", IdempotencyKey: "release:" + in.Source + ":" + in.DocNumber,
		RefType: "budget_release", RefID: in.DocNumber, Memo: memo, ActorID: actor.User.ID,
		Postings: []store.Posting{{Account: src, AmountFen: in.AmountFen}, {Account: store.TreasuryAccount, AmountFen: -in.AmountFen}}})
	if err != nil {
		return nil, err
	}
	r := &store.BudgetRelease{Year: in.Year, Source: in.Source, DocNumber: in.DocNumber, DocDate: in.DocDate, AmountFen: in.AmountFen,
		LedgerTxID: txID, CreatedBy: actor.User.ID}
	if err := tx.CreateRelease(ctx, r); err != nil {
		return nil, err
	}
	return r, tx.Audit(ctx, actor.audit("budget.release", "budget_release", strconv.FormatInt(r.ID, 10)), nil, r)
}

// ensureBudgetAccounts creates the treasury, a source's account for the
// year and all its lines, so that every line shows (with zero) at once.
func ensureBudgetAccounts(ctx context.Context, tx *store.Tx, source string, year int) error {
	label := strconv.Itoa(year) + "年" + store.SourceLabels[source]
	if _, err := tx.EnsureAccount(ctx, store.TreasuryAccount, store.AccountExternal, "财政国库"); err != nil {
		return err
	}
	if _, err := tx.EnsureAccount(ctx, store.SourceAccount(source, year), store.AccountSource, label); err != nil {
		return err
	}
	for _, c := range LineCategories(source) {
		if _, err := tx.EnsureAccount(ctx, store.LineAccount(source, year, c), store.AccountLine, label+"·"+lineCategoryLabel(c)); err != nil {
			return err
		}
	}
	return nil
}

// lineCategoryLabel is the short article name of a category: 第七条（一）.
func lineCategoryLabel(c string) string {
	if c == "local" {
		return "第八条、第九条地方配套工作"
	}
	return policy.Category(c).Article()
}

// TargetInput is a performance target (绩效目标, 第六条（二）).
type TargetInput struct {
	Year        int
	Indicator   string
	TargetValue string
	Unit        string
	SourceDoc   string
}

func (in *TargetInput) validate(today calendar.Date) error {
	in.Indicator, in.TargetValue = strings.TrimSpace(in.Indicator), strings.TrimSpace(in.TargetValue)
	in.Unit, in.SourceDoc = strings.TrimSpace(in.Unit), strings.TrimSpace(in.SourceDoc)
	var v dtfund.ValidationErrors
	if err := checkYear(in.Year, today); err != nil {
		v = append(v, err)
	}
	for _, f := range []struct {
		field, label, val string
		max               int
		required          bool
	}{
		{"indicator", "绩效指标", in.Indicator, 200, true}, {"target_value", "目标值", in.TargetValue, 50, true},
		{"target_unit", "计量单位", in.Unit, 20, false}, {"target_source", "依据文件", in.SourceDoc, 200, true},
	} {
		if f.required && f.val == "" || utf8.RuneCountInString(f.val) > f.max {
			v.Add(f.field, "请填写%s（不超过%d字）", f.label, f.max)
		}
	}
	return v.Err()
}

// AddTarget records one of the year's performance targets.
func (a *App) AddTarget(ctx context.Context, actor Actor, in TargetInput) (*store.PerformanceTarget, error) {
	if err := requireRole(actor, dtfund.RoleCityFinance); err != nil {
		return nil, err
	}
	if err := in.validate(a.budgetToday()); err != nil {
		return nil, err
	}
	t := &store.PerformanceTarget{Year: in.Year, Indicator: in.Indicator, TargetValue: in.TargetValue, Unit: in.Unit,
		SourceDoc: in.SourceDoc, CreatedBy: actor.User.ID}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateTarget(ctx, t); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("budget.target", "performance_target", strconv.FormatInt(t.ID, 10)), nil, t)
	})
	return t, err
}

// AllocationInput moves money between a source and one of its lines:
// allocate (source → line) or deallocate (line → source).
type AllocationInput struct {
	Year           int
	Source         string
	Category       string
	AmountFen      int64
	Deallocate     bool
	IdempotencyKey string // a resent form posts once
}

func (in *AllocationInput) validate(today calendar.Date) error {
	var v dtfund.ValidationErrors
	if err := checkYear(in.Year, today); err != nil {
		v = append(v, err)
	}
	if store.SourceLabels[in.Source] == "" {
		v.Add("alloc_source", "请选择资金来源（中央、省级或市级）")
	} else if !slices.Contains(LineCategories(in.Source), in.Category) {
		v.Add("alloc_category", "请选择%s的支持方向", store.SourceLabels[in.Source])
	}
	if in.AmountFen <= 0 {
		v.Add("alloc_amount", "请填写金额（大于0）")
	}
	return v.Err()
}

// Allocate posts an allocation to a budget line, or its reverse. Central
// money to the lines other than 第七条（一） is held to the 80/20 rule; a
// shortfall of the source (or the line, to deallocate) is refused with the
// amounts.
func (a *App) Allocate(ctx context.Context, actor Actor, in AllocationInput) (int64, error) {
	if err := requireRole(actor, dtfund.RoleCityFinance); err != nil {
		return 0, err
	}
	if err := in.validate(a.budgetToday()); err != nil {
		return 0, err
	}
	var txID int64
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		txID, err = a.allocateTx(ctx, tx, actor, in)
		return err
	})
	return txID, err
}

func (a *App) allocateTx(ctx context.Context, tx *store.Tx, actor Actor, in AllocationInput) (int64, error) {
	key := ""
	if in.IdempotencyKey != "" {
		key = "allocate:" + strconv.FormatInt(actor.User.ID, 10) + ":" + in.IdempotencyKey
		if id, err := tx.LedgerTxByKey(ctx, key); err != nil || id != 0 {
			return id, err
		}
	}
	if err := ensureBudgetAccounts(ctx, tx, in.Source, in.Year); err != nil {
		return 0, err
	}
	src, line := store.SourceAccount(in.Source, in.Year), store.LineAccount(in.Source, in.Year, in.Category)
	from, to, kind, verb := src, line, "allocate", "分配至"
	if in.Deallocate {
		from, to, kind, verb = line, src, "deallocate", "收回自"
	}
	have, err := tx.Balance(ctx, from)
	if err != nil {
		return 0, err
	}
	if have < in.AmountFen {
		return 0, dtfund.FieldError("alloc_amount", "%s可用余额 %s 元，不足 %s 元", accountLabel(in.Year, in.Source, in.Category, in.Deallocate),
			yuanText(have), yuanText(in.AmountFen))
	}
	if !in.Deallocate && in.Source == store.SourceCentral && in.Category != string(policy.Cat71) {
		if err := checkCentralSplit(ctx, tx, "alloc_amount", in.Year, in.AmountFen, 0); err != nil {
			return 0, err
		}
	}
	memo := strconv.Itoa(in.Year) + "年" + store.SourceLabels[in.Source] + verb + lineCategoryLabel(in.Category) + "预算"
	id, replay, err := tx.Post(ctx, &store.LedgerTx{Kind: kind, IdempotencyKey: key, RefType: "budget_line", RefID: line, Memo: memo,
		ActorID: actor.User.ID, Postings: []store.Posting{{Account: to, AmountFen: in.AmountFen}, {Account: from, AmountFen: -in.AmountFen}}})
	if err != nil || replay {
		return id, err
	}
	return id, tx.Audit(ctx, actor.audit("budget."+kind, "ledger_transaction", strconv.FormatInt(id, 10)), nil,
		map[string]any{"year": in.Year, "source": in.Source, "category": in.Category, "amount_fen": in.AmountFen, "line": line})
}

func accountLabel(year int, source, category string, line bool) string {
	s := strconv.Itoa(year) + "年" + store.SourceLabels[source]
	if line {
		return lineCategoryLabel(category) + s + "预算"
	}
	return s + "（未分配）"
}

// splitRule returns the 80/20 parameter in force on a day and its source.
func splitRule(day calendar.Date) (minBP int64, source string, err error) {
	v, err := policy.Default().At(policy.Date{Year: day.Year, Month: day.Month, Day: day.Day})
	if err != nil {
		return 0, "", err
	}
	minBP, _ = v.Int("central_split.retrofit_min_bp")
	ref, _ := v.Ref("central_split.retrofit_min_bp")
	return minBP, ref.Source, nil
}

// SplitStatus is the 80/20 standing of a year's central money: what was
// released, allocated to 第七条（一） and to the rest, and the rest's
// share of the release in basis points.
type SplitStatus struct {
	ReleasedFen   int64
	Retrofit71Fen int64 // allocated to 第七条（一）
	OtherFen      int64 // allocated to 第七条（二）–（六）
	OtherUsedFen  int64 // committed from 第七条（二）–（六）
	MaxOtherBP    int64 // 10000 − central_split.retrofit_min_bp
	OtherBP       int64 // OtherFen / ReleasedFen
	Source        string
}

// OK reports whether the rest stays within its share of the release.
func (s *SplitStatus) OK() bool { return !exceedsShare(s.OtherFen, s.ReleasedFen, s.MaxOtherBP) }

// MaxOtherPercent and OtherPercent show the shares.
func (s *SplitStatus) MaxOtherPercent() string { return policy.Percent(s.MaxOtherBP) }
func (s *SplitStatus) OtherPercent() string    { return policy.Percent(s.OtherBP) }

// exceedsShare reports part / whole > bp / 10000, exactly (no rounding).
// big.Int keeps it exact for any amount the forms accept (up to 10^15 fen).
func exceedsShare(part, whole, bp int64) bool {
	l := new(big.Int).Mul(big.NewInt(part), big.NewInt(10000))
	return l.Cmp(new(big.Int).Mul(big.NewInt(bp), big.NewInt(whole))) > 0
}

// centralSplit reads the 80/20 standing of a year from the ledger.
func centralSplit(ctx context.Context, flows map[string]*store.AccountFlow, year int, day calendar.Date) (*SplitStatus, error) {
	minBP, src, err := splitRule(day)
	if err != nil {
		return nil, err
	}
	s := &SplitStatus{MaxOtherBP: 10000 - minBP, Source: src}
	if f := flows[store.SourceAccount(store.SourceCentral, year)]; f != nil {
		s.ReleasedFen = f.Net("release")
	}
	for _, c := range LineCategories(store.SourceCentral) {
		f := flows[store.LineAccount(store.SourceCentral, year, c)]
		if f == nil {
			continue
		}
		alloc := f.Net("allocate", "deallocate")
		if c == string(policy.Cat71) {
			s.Retrofit71Fen += alloc
			continue
		}
		s.OtherFen += alloc
		s.OtherUsedFen += alloc - f.BalanceFen
	}
	s.OtherBP = shareBP(s.OtherFen, s.ReleasedFen)
	return s, nil
}

// checkCentralSplit refuses allocating (alloc) or committing (commit) more
// central money to the lines other than 第七条（一） than their share of the
// year's central release (财建〔2023〕117号: at least 80% for 第七条（一）).
func checkCentralSplit(ctx context.Context, tx *store.Tx, field string, year int, alloc, commit int64) error {
	flows, err := tx.AccountFlows(ctx, "source:central:"+strconv.Itoa(year))
	if err != nil {
		return err
	}
	lines, err := tx.AccountFlows(ctx, "line:central:"+strconv.Itoa(year)+":")
	if err != nil {
		return err
	}
	for k, v := range lines {
		flows[k] = v
	}
	s, err := centralSplit(ctx, flows, year, calendar.DateOf(tx.Now()))
	if err != nil {
		return err
	}
	what, after := "分配", s.OtherFen+alloc
	if alloc == 0 {
		what, after = "使用", s.OtherUsedFen+commit
	}
	if !exceedsShare(after, s.ReleasedFen, s.MaxOtherBP) {
		return nil
	}
	return splitError(field, "%d年中央专项资金已下达 %s 元；本次%s后，第七条（二）至（六）合计 %s 元，占 %s，超过 %s 的上限（第七条（一）中小企业数字化改造应不低于 %s，财建〔2023〕117号；依据：%s）",
		year, yuanText(s.ReleasedFen), what, yuanText(after), sharePercent(after, s.ReleasedFen), policy.Percent(s.MaxOtherBP),
		policy.Percent(10000-s.MaxOtherBP), s.Source)
}

// splitError is a field error on a form, a plain conflict otherwise.
func splitError(field, format string, args ...any) error {
	if field == "" {
		return dtfund.Errorf(dtfund.ECONFLICT, format, args...)
	}
	return dtfund.FieldError(field, format, args...)
}

// sharePercent shows part/whole with two decimals, rounded up so that a
// share over the limit never shows as exactly the limit.
func sharePercent(part, whole int64) string {
	if whole <= 0 {
		return "—（尚未下达）"
	}
	return policy.Percent(shareBP(part, whole))
}

// shareBP is part/whole in basis points, rounded up (0 when nothing was
// released).
func shareBP(part, whole int64) int64 {
	if whole <= 0 || part <= 0 {
		return 0
	}
	q, r := new(big.Int).QuoRem(new(big.Int).Mul(big.NewInt(part), big.NewInt(10000)), big.NewInt(whole), new(big.Int))
	if r.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}

// BudgetLine is one line of the budget table: a source × category.
type BudgetLine struct {
	Source, Category string
	AllocatedFen     int64 // net of allocations and deallocations
	AvailableFen     int64 // the line's balance: not yet committed
	CommittedFen     int64 // allocated − available (committed, net of returns)
}

// SourceLabel and CategoryLabel name the line.
func (l *BudgetLine) SourceLabel() string   { return store.SourceLabels[l.Source] }
func (l *BudgetLine) CategoryLabel() string { return lineCategoryLabel(l.Category) }

// BudgetSource is a source's totals for the year.
type BudgetSource struct {
	Source         string
	ReleasedFen    int64
	UnallocatedFen int64
	Lines          []*BudgetLine
}

// Label names the source.
func (s *BudgetSource) Label() string { return store.SourceLabels[s.Source] }

// BudgetOverview is a year's budget read from the ledger.
type BudgetOverview struct {
	Year    int
	Sources []*BudgetSource
	Split   *SplitStatus
}

// BudgetOverview reads a year's sources and lines; 市财政局 and 市工信局 see it.
func (a *App) BudgetOverview(ctx context.Context, actor Actor, year int) (*BudgetOverview, error) {
	if err := requireRole(actor, dtfund.RoleCityFinance, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	y := strconv.Itoa(year)
	flows, err := a.DB.AccountFlows(ctx, "source:")
	if err != nil {
		return nil, err
	}
	lines, err := a.DB.AccountFlows(ctx, "line:")
	if err != nil {
		return nil, err
	}
	for k, v := range lines {
		flows[k] = v
	}
	o := &BudgetOverview{Year: year}
	for _, src := range BudgetSources {
		bs := &BudgetSource{Source: src}
		if f := flows["source:"+src+":"+y]; f != nil {
			bs.ReleasedFen, bs.UnallocatedFen = f.Net("release"), f.BalanceFen
		}
		for _, c := range LineCategories(src) {
			l := &BudgetLine{Source: src, Category: c}
			if f := flows[store.LineAccount(src, year, c)]; f != nil {
				l.AllocatedFen, l.AvailableFen = f.Net("allocate", "deallocate"), f.BalanceFen
				l.CommittedFen = l.AllocatedFen - l.AvailableFen
			}
			bs.Lines = append(bs.Lines, l)
		}
		o.Sources = append(o.Sources, bs)
	}
	o.Split, err = centralSplit(ctx, flows, year, a.budgetToday())
	return o, err
}

// Releases and Targets list a year's releases and targets for the budget page.
func (a *App) Releases(ctx context.Context, actor Actor, year int, page store.Page) ([]*store.BudgetRelease, int, error) {
	if err := requireRole(actor, dtfund.RoleCityFinance, dtfund.RoleCityMIIT); err != nil {
		return nil, 0, err
	}
	return a.DB.Releases(ctx, year, page)
}

func (a *App) Targets(ctx context.Context, actor Actor, year int, page store.Page) ([]*store.PerformanceTarget, int, error) {
	if err := requireRole(actor, dtfund.RoleCityFinance, dtfund.RoleCityMIIT); err != nil {
		return nil, 0, err
	}
	return a.DB.Targets(ctx, year, page)
}
