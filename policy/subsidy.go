package policy

import (
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// The maximum subsidy of each category of 第七条. Money is integer fen
// throughout; a ratio is applied as floor(amount × bp / 10000), i.e. rounded
// down to the fen.

// CapResult is the maximum subsidy for a claim, before eligibility.
type CapResult struct {
	// HasCap is false where the measures fix no maximum (（六） government
	// procurement, local-fund work): then MaxFen is 0 and a finding says why.
	HasCap bool
	MaxFen int64
	// MinFen is the floor of the standard where the measures set a range
	// (第七条（二）: 1–3万元, 5–20万元); 0 elsewhere.
	MinFen int64
	// EligibleInvestmentFen is the approved retrofit investment (核定改造投入)
	// of 第七条（一）: the eligible spending, or the reviewers' figure if lower.
	EligibleInvestmentFen int64
	Findings              []Finding
}

const (
	ruleMaxSubsidy         = "MaxSubsidy"
	ruleEligibleSpending   = "EligibleSpending"
	ruleRetrofitCap        = "RetrofitCap"
	rulePlatformCap        = "PlatformCap"
	ruleProductCap         = "ProductCap"
	ruleServiceProviderCap = "ServiceProviderCap"
	ruleChainCap           = "ChainCap"
	ruleProcurementCap     = "ProcurementCap"
	ruleLocalCap           = "LocalCap"
)

// MaxSubsidy computes the maximum subsidy for the claim's category and, when
// a requested amount is given, returns min(requested, cap), with a finding
// when the request is reduced.
func MaxSubsidy(v *Values, c *Claim) CapResult {
	var r CapResult
	switch c.Category {
	case Cat71:
		r = RetrofitCap(v, c)
	case Cat72:
		r = PlatformCap(v, c)
	case Cat73:
		r = ProductCap(v, c)
	case Cat74:
		r = ServiceProviderCap(v, c)
	case Cat75:
		r = ChainCap(v, c)
	case Cat76:
		r = ProcurementCap(c)
	default:
		r = LocalCap(c)
	}
	// A request under the floor of a range has already been refused (MaxFen 0).
	if r.HasCap && c.RequestedFen > 0 && !(r.MinFen > 0 && r.MaxFen == 0) {
		if c.RequestedFen > r.MaxFen {
			f := Finding{Rule: ruleMaxSubsidy, Article: c.Category.Article()}
			var buf [256]byte
			t := text(buf[:0]).s("申请金额").wan(c.RequestedFen).s("超过最高奖补").wan(r.MaxFen).s("，按").wan(r.MaxFen).
				s("核定（").s(f.Article).s("）")
			r.Findings = append(r.Findings, f.fail(t.String()))
		} else {
			r.MaxFen = c.RequestedFen
		}
	}
	return r
}

// mulDiv returns floor(a × b / c) for non-negative a, b and positive c,
// computed in 128 bits; results beyond int64 are clamped.
func mulDiv(a, b, c int64) int64 {
	if a <= 0 || b <= 0 || c <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(c) {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, uint64(c))
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

// namedDate is one of the dates of a spending item.
type namedDate struct {
	name     string
	d        Date
	required bool
}

// spendingDates lists the dates FACTS §4 requires inside the call's window
// (合同签订、发票开具、付款凭证、项目验收时间均在此时间段内). The acceptance
// date is checked when given; the others are required.
func spendingDates(s *Spending) [4]namedDate {
	return [4]namedDate{
		{"合同日期", s.ContractDate, true},
		{"发票日期", s.InvoiceDate, true},
		{"付款日期", s.PaymentDate, true},
		{"验收日期", s.AcceptanceDate, false},
	}
}

// dateProblems appends why an item's dates fall outside the window and
// reports whether there was any problem.
func dateProblems(t text, s *Spending, from, to Date) (text, bool) {
	bad := false
	for _, x := range spendingDates(s) {
		missing := x.d.IsZero()
		if missing && !x.required || !missing && !x.d.Before(from) && !x.d.After(to) {
			continue
		}
		if bad {
			t = t.s("，")
		}
		bad = true
		switch {
		case missing:
			t = t.s("缺少").s(x.name)
		case x.d.Before(from):
			t = t.s(x.name).date(x.d).s("早于实施期起始日").date(from)
		default:
			t = t.s(x.name).date(x.d).s("晚于实施期截止日").date(to)
		}
	}
	return t, bad
}

func spendingLabel(t text, v *Values, i int, s *Spending) text {
	name := s.Type
	if st, ok := v.spend.spendingBy[s.Type]; ok {
		name = st.Name
	}
	t = t.s("第").n(int64(i + 1)).s("项支出（").s(name)
	if s.Supplier != "" {
		t = t.s("，供应商：").s(s.Supplier)
	}
	return t.s("，").wan(s.AmountFen).s("）")
}

func eligibleTypeNames(v *Values) string {
	names := make([]string, len(v.spend.spending))
	for i, t := range v.spend.spending {
		names[i] = t.Name
	}
	return strings.Join(names, "、")
}

// EligibleSpending sums the spending that counts toward the approved
// investment of 第七条（一）: only the supported types (软件、云服务、网关路由等
// 必要的数据采集传输设备、咨询诊断服务), with contract, invoice and payment (and
// acceptance, if given) dates inside the call's window — both end days
// included — and not already funded by another programme (FACTS §4). Each
// excluded item gets its own finding with the reason.
func EligibleSpending(v *Values, c *Claim) (int64, []Finding) {
	f := Finding{Rule: ruleEligibleSpending, Article: "第七条（一）"}
	fs := make([]Finding, 0, 4)
	var sum int64
	counted := 0
	for i := range c.Spending {
		s := &c.Spending[i]
		var buf [512]byte
		t, excluded := spendingExclusion(spendingLabel(text(buf[:0]), v, i, s), v, s, c.Call)
		if excluded {
			fs = append(fs, f.fail(t.s("，不计入核定改造投入").String()))
			continue
		}
		sum += s.AmountFen
		counted++
	}
	excluded := len(c.Spending) - counted
	if counted == 0 {
		return 0, append(fs, f.fail("没有符合条件的改造支出（申报"+strconv.Itoa(len(c.Spending))+"项，均不计入），核定改造投入为0"))
	}
	var buf [256]byte
	t := text(buf[:0])
	return sum, append(fs, f.pass(t.s("计入核定改造投入的支出").n(int64(counted)).s("项，合计").money(sum).
		s("；不计入").n(int64(excluded)).s("项（第七条（一））").String()))
}

// spendingExclusion appends why an item does not count and reports whether
// it is excluded.
func spendingExclusion(t text, v *Values, s *Spending, call Call) (text, bool) {
	if _, ok := v.spend.spendingBy[s.Type]; !ok {
		return t.s("：类型“").s(s.Type).s("”不属于第七条（一）支持的支出（").s(eligibleTypeNames(v)).s("）"), true
	}
	if s.FundedElsewhere {
		return t.s("：已获省、市其他资金支持，不得重复申报"), true
	}
	return dateProblems(t.s("："), s, call.WindowFrom, call.WindowTo)
}

// RetrofitCap computes 第七条（一）: at most 50% of the approved retrofit
// investment, at most 50万元 cumulatively per enterprise across all calls
// (prior awards under （一） are deducted), with the ratio raised for
// production-manufacturing retrofits only by the call's uplift parameter.
// The uplift raises the ratio, not the cumulative cap: the text's "可适当增加
// 奖补力度" fixes no amount, so the call must set it, with its citation.
func RetrofitCap(v *Values, c *Claim) CapResult {
	f := Finding{Rule: ruleRetrofitCap, Article: "第七条（一）"}
	inv, fs := EligibleSpending(v, c)
	base := inv
	if a := c.ApprovedInvestmentFen; a != nil && *a != inv {
		base = min(*a, inv)
		fs = append(fs, f.pass("评审核定改造投入"+Wan(*a)+"，符合条件的支出合计"+Wan(inv)+"，按较低者"+Wan(base)+"计算"))
	}
	ratio, uf := retrofitRatio(v, c)
	if uf != nil {
		fs = append(fs, *uf)
	}
	byRatio := mulDiv(base, ratio, 10000)
	cum := v.n[k71Cumulative]
	left := max(0, cum-c.PriorAwardsFen)
	capFen := min(byRatio, left)
	var buf [512]byte
	t := text(buf[:0])
	msg := t.s("核定改造投入").wan(base).s("×").pct(ratio).s("=").wan(byRatio).s("；每家企业累计不超过").wan(cum).
		s("，此前已获第七条（一）奖补").wan(c.PriorAwardsFen).s("，尚余").wan(left).s("；本次最高奖补").money(capFen).
		s("（第七条（一））").String()
	if capFen == 0 {
		fs = append(fs, f.fail(msg))
	} else {
		fs = append(fs, f.pass(msg))
	}
	return CapResult{HasCap: true, MaxFen: capFen, EligibleInvestmentFen: base, Findings: fs}
}

// retrofitRatio is the ratio in basis points, with the uplift finding for a
// production-manufacturing retrofit.
func retrofitRatio(v *Values, c *Claim) (int64, *Finding) {
	ratio := v.n[k71Ratio]
	if !c.ManufacturingRetrofit {
		return ratio, nil
	}
	f := Finding{Rule: ruleRetrofitCap, Article: "第七条（一）"}
	up := v.n[k71Uplift]
	if up == 0 {
		f = f.na("属于生产制造环节数字化改造；“可适当增加奖补力度”未定幅度，本批次未设定上浮（参数 " +
			keySpecs[k71Uplift].key + " 为0），按" + Percent(ratio) + "计算（第七条（一）末句）")
		return ratio, &f
	}
	raised := min(ratio+up, 10000)
	var buf [512]byte
	t := text(buf[:0]).s("属于生产制造环节数字化改造，依据“").s(v.source(k71Uplift)).s("”上浮").pct(up)
	t = t[:len(t)-1] // drop "%": "10.00个百分点"
	f = f.pass(t.s("个百分点，比例为").pct(raised).s("（第七条（一）末句）").String())
	return raised, &f
}

// perItem caps each item (product, application, benchmark) at maxFen, or at
// its requested amount if lower. With no items the claim counts as one.
func perItem(c *Claim, f Finding, what string, minFen, maxFen int64) (int64, []Finding) {
	if len(c.Items) == 0 {
		return maxFen, []Finding{f.pass("每个" + what + "不超过" + Wan(maxFen) + "；按1个计，最高" + Wan(maxFen) + "（" + f.Article + "）")}
	}
	var fs []Finding
	var sum int64
	for i, it := range c.Items {
		amt := maxFen
		switch {
		case it.RequestedFen > maxFen:
			fs = append(fs, f.fail("第"+strconv.Itoa(i+1)+"个"+what+"“"+it.Name+"”申请"+Wan(it.RequestedFen)+
				"，超过每个上限"+Wan(maxFen)+"，按"+Wan(maxFen)+"核定"))
		case it.RequestedFen > 0 && it.RequestedFen < minFen:
			// Below the standard's range (e.g. 5–20万元 per benchmark): the
			// item cannot be awarded at that amount, and never more than
			// was asked for, so it does not count.
			amt = 0
			fs = append(fs, f.fail("第"+strconv.Itoa(i+1)+"个"+what+"“"+it.Name+"”申请"+Wan(it.RequestedFen)+
				"，低于每个"+Wan(minFen)+"至"+Wan(maxFen)+"的标准下限，不在奖补标准区间内，不予计入（"+f.Article+"）"))
		case it.RequestedFen > 0:
			amt = it.RequestedFen
		}
		sum += amt
	}
	return sum, append(fs, f.pass(strconv.Itoa(len(c.Items))+"个"+what+"，每个不超过"+Wan(maxFen)+"，合计最高"+Wan(sum)+"（"+f.Article+"）"))
}

// PlatformCap computes 第七条（二）: 1–3万元 for each enterprise adopting
// cloud and platforms; 5–20万元 for each platform-innovation benchmark.
// The lower ends are the floor of the standard: an award is never below
// them, so a request below the floor cannot be awarded (the maximum is 0,
// with a finding) and MinFen tells later steps (publicity) the lowest
// amount they may propose.
func PlatformCap(v *Values, c *Claim) CapResult {
	f := Finding{Rule: rulePlatformCap, Article: "第七条（二）"}
	if c.Subtype == SubtypeCloud {
		lo, hi := v.n[k72CloudMin], v.n[k72CloudMax]
		fs := []Finding{f.pass("每家上云上平台的企业支持" + Wan(lo) + "至" + Wan(hi) + "，最高" + Wan(hi) + "（第七条（二））")}
		if c.RequestedFen > 0 && c.RequestedFen < lo {
			return CapResult{HasCap: true, MinFen: lo, Findings: append(fs, belowFloor(f, c.RequestedFen, lo, hi))}
		}
		return CapResult{HasCap: true, MinFen: lo, MaxFen: hi, Findings: fs}
	}
	lo, hi := v.n[k72BenchmarkMin], v.n[k72BenchmarkMax]
	if len(c.Items) == 0 && c.RequestedFen > 0 && c.RequestedFen < lo {
		return CapResult{HasCap: true, MinFen: lo, Findings: []Finding{belowFloor(f, c.RequestedFen, lo, hi)}}
	}
	sum, fs := perItem(c, f, "工业互联网平台创新应用标杆", lo, hi)
	counted := int64(1)
	if len(c.Items) > 0 {
		counted = 0
		for _, it := range c.Items {
			if it.RequestedFen == 0 || it.RequestedFen >= lo {
				counted++
			}
		}
	}
	return CapResult{HasCap: true, MinFen: lo * counted, MaxFen: sum, Findings: fs}
}

// belowFloor is the finding of a request under the standard's range of
// 第七条（二）.
func belowFloor(f Finding, requested, lo, hi int64) Finding {
	var buf [256]byte
	t := text(buf[:0]).s("申请金额").wan(requested).s("低于标准下限").wan(lo).s("：第七条（二）的奖补标准为").wan(lo).s("至").wan(hi).
		s("，不能按低于下限的金额奖补，本次最高奖补为0；如符合条件，应按标准区间申报（第七条（二））")
	return f.fail(t.String())
}

// ProductCap computes 第七条（三）: at most 5万元 per 小快轻准 product or
// service, at most 50万元 cumulatively per service provider (prior awards
// under （三） are deducted).
func ProductCap(v *Values, c *Claim) CapResult {
	f := Finding{Rule: ruleProductCap, Article: "第七条（三）"}
	sum, fs := perItem(c, f, "“小快轻准”产品和服务", 0, v.n[k73PerProduct])
	cum := v.n[k73CumulativeProvider]
	left := max(0, cum-c.PriorAwardsFen)
	capFen := min(sum, left)
	msg := "按产品计" + Wan(sum) + "；每家服务商累计不超过" + Wan(cum) + "，此前已获第七条（三）奖补" + Wan(c.PriorAwardsFen) +
		"，尚余" + Wan(left) + "；本次最高奖补" + Money(capFen) + "（第七条（三））"
	if capFen == 0 {
		fs = append(fs, f.fail(msg))
	} else {
		fs = append(fs, f.pass(msg))
	}
	return CapResult{HasCap: true, MaxFen: capFen, Findings: fs}
}

// ServiceProviderCap computes 第七条（四）: at most 20万元 per service
// provider. Unlike （三） the text says no "累计", so the cap is read as per
// selection (per call) and prior awards are not deducted.
func ServiceProviderCap(v *Values, c *Claim) CapResult {
	f := Finding{Rule: ruleServiceProviderCap, Article: "第七条（四）"}
	hi := v.n[k74PerProvider]
	return CapResult{HasCap: true, MaxFen: hi, Findings: []Finding{
		f.pass("每家优秀数字化服务商不超过" + Wan(hi) + "（按每次遴选计；条文未规定累计上限），最高" + Money(hi) + "（第七条（四））"),
	}}
}

// ChainCap computes 第七条（五）: at most 20万元 per 链式 product or application.
func ChainCap(v *Values, c *Claim) CapResult {
	f := Finding{Rule: ruleChainCap, Article: "第七条（五）"}
	sum, fs := perItem(c, f, "“链式”数字化转型产品和应用", 0, v.n[k75PerItem])
	return CapResult{HasCap: true, MaxFen: sum, Findings: fs}
}

// ProcurementCap states 第七条（六）: government procurement has no cap in the
// measures; the contract price under the procurement rules applies (第十五条).
func ProcurementCap(c *Claim) CapResult {
	f := Finding{Rule: ruleProcurementCap, Article: "第七条（六）"}
	return CapResult{Findings: []Finding{
		f.na("政府采购服务本办法未规定固定奖补上限，按政府采购相关规定以合同价格执行（第七条（六）、第十五条）"),
	}}
}

// LocalCap states 第八条/第九条: the standards of local funds follow provincial
// and city policy; these measures fix no amount.
func LocalCap(c *Claim) CapResult {
	f := Finding{Rule: ruleLocalCap, Article: "第八条"}
	return CapResult{Findings: []Finding{
		f.na("地方配套资金支持的其他工作，其支持标准依据省市相关政策规定，本办法未规定上限（第八条、第九条）"),
	}}
}
