package policy

import (
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Rankings of 第七条（三） and （四）: "按照企业应用数量、应用成效等进行排名"
// (excellent 小快轻准 products and services) and "根据数字化服务商为企业开展
// 数字化转型服务及企业采纳应用方案情况进行排名、遴选" (excellent service
// providers). The measures name the criteria but fix no formula; the one
// chosen here is
//
//	score = w_count × count / max_count + w_effect × effect / max_effect
//
// over the enterprises' confirmed adoptions whose contract date falls in the
// period (both end days included):
//
//   - （三） per product: count = distinct adopting enterprises (应用企业数);
//   - （四） per provider: count = distinct (enterprise, product) pairs over
//     all its products, solutions and cloud services (方案落地数);
//   - effect = the mean over those adoptions of each adoption's effect, which
//     is the mean over its reported indicators of the relative improvement
//     (after − before) / |before| (reversed for indicators where lower is
//     better), each clamped to [0, ranking.effect_cap_bp]; an adoption
//     without indicators counts 0 (an effect not reported cannot be
//     credited);
//   - max_count and max_effect are the largest values among the entries that
//     may be ranked, so the leader of each criterion gets its full weight.
//
// Everything is integer: the normalised criteria are basis points (10000 =
// the leader), the weights are basis points summing to 10000 (parameters
// ranking.*, each with its source), and the score is w_count × count_norm +
// w_effect × effect_norm, so 100,000,000 is 100 points. Each entry carries
// its components, so that anyone can recompute the score from the page.
//
// Ties are broken deterministically: higher score, then the larger count,
// then the earlier first adoption (contract date), then the lower ID. The
// order of the input records does not matter.

// RankKind says what a ranking ranks.
type RankKind string

// Ranking kinds.
const (
	RankProducts  RankKind = "product"  // 第七条（三）优秀“小快轻准”产品和服务
	RankProviders RankKind = "provider" // 第七条（四）优秀数字化服务商
)

var rankKindLabels = map[RankKind]string{RankProducts: "优秀“小快轻准”产品和服务排名", RankProviders: "优秀数字化服务商排名"}

// Label is the Chinese name of the ranking.
func (k RankKind) Label() string { return labelOr(rankKindLabels, k) }

// Article is the item of 第七条 the ranking carries out.
func (k RankKind) Article() string {
	if k == RankProviders {
		return "第七条（四）"
	}
	return "第七条（三）"
}

// Category is the call category its awards belong to.
func (k RankKind) Category() Category {
	if k == RankProviders {
		return Cat74
	}
	return Cat73
}

// CountLabel names the count criterion.
func (k RankKind) CountLabel() string {
	if k == RankProviders {
		return "方案落地数"
	}
	return "应用企业数"
}

// RankTieRule is the tie rule, as the ranking page states it.
const RankTieRule = "得分相同时，依次按应用企业数（服务商排名为方案落地数）多者在前、首次应用的合同日期早者在前、编号小者在前排列；输入记录的先后顺序不影响结果。"

// Formula describes the score of a kind of ranking in words.
func (k RankKind) Formula() string {
	return "得分 = " + k.CountLabel() + "权重 × " + k.CountLabel() + " ÷ 参评对象中的最大" + k.CountLabel() +
		" + 应用成效权重 × 平均应用成效 ÷ 参评对象中的最大平均应用成效（满分100分）。应用成效为每条应用记录所填指标提升幅度的平均值" +
		"（越小越好的指标取降幅），单项提升幅度按0至上限计入，未填报成效的应用记录按0计；只计合同日期在排名期间内且经企业确认的应用记录。"
}

// EffectIndicator is one effect indicator an enterprise reports for its use of a
// product (应用成效): its value before and after, as decimals.
type EffectIndicator struct {
	Name        string `json:"name"`
	Unit        string `json:"unit,omitempty"`
	LowerBetter bool   `json:"lower_better,omitempty"` // e.g. 不良品率, 能耗
	Before      string `json:"before"`
	After       string `json:"after"`
}

// decimalScale is the fixed-point scale of indicator values: 4 decimals.
const decimalScale = 10000

// maxIndicatorValue bounds indicator values so that no product overflows.
const maxIndicatorValue = 1_000_000_000

// ParseDecimal reads a decimal such as "12.5" or "-3" into units of 1/10000.
// It accepts at most four decimals and magnitudes up to 10亿; it never uses
// floating point.
func ParseDecimal(s string) (int64, error) {
	s = strings.TrimSpace(s)
	bad := errors.New("应为数字（最多4位小数），如 12.5")
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(frac) > 4 || (dot && frac == "") || len(whole) > 10 {
		return 0, bad
	}
	w, ok := digits(whole)
	if !ok || w > maxIndicatorValue {
		return 0, bad
	}
	f := 0
	if frac != "" {
		if f, ok = digits(frac); !ok {
			return 0, bad
		}
		for range 4 - len(frac) {
			f *= 10
		}
	}
	n := int64(w)*decimalScale + int64(f)
	if neg {
		n = -n
	}
	return n, nil
}

// IndicatorGainBP is the relative improvement of one indicator in basis
// points, clamped to [0, capBP]: (after − before) / |before|, or
// (before − after) / |before| when lower is better. From a zero baseline any
// improvement counts as the cap.
func IndicatorGainBP(ind EffectIndicator, capBP int64) (int64, error) {
	before, err := ParseDecimal(ind.Before)
	if err != nil {
		return 0, errors.New("改造前数值" + err.Error())
	}
	after, err := ParseDecimal(ind.After)
	if err != nil {
		return 0, errors.New("改造后数值" + err.Error())
	}
	gain := after - before
	if ind.LowerBetter {
		gain = -gain
	}
	switch {
	case gain <= 0:
		return 0, nil
	case before == 0:
		return capBP, nil
	}
	base := before
	if base < 0 {
		base = -base
	}
	return min(mulDiv(gain, 10000, base), capBP), nil
}

// EffectBP is the effect of one adoption: the mean (rounded down) of its
// indicators' gains; 0 without indicators. Invalid values count 0.
func EffectBP(inds []EffectIndicator, capBP int64) int64 {
	if len(inds) == 0 {
		return 0
	}
	var sum int64
	for _, ind := range inds {
		g, _ := IndicatorGainBP(ind, capBP)
		sum += g
	}
	return sum / int64(len(inds))
}

// RankSubject is what may be ranked: a product, solution or cloud service
// under （三）, a provider under （四）.
type RankSubject struct {
	ID         int64  `json:"id"`          // product ID (（三）) or provider organisation ID (（四）)
	ProviderID int64  `json:"provider_id"` // the provider organisation
	Name       string `json:"name"`
	// Excluded says why the subject may not be ranked (the provider fails
	// 第十一条–第十三条, a product withdrawn…); empty when it may.
	Excluded []Finding `json:"excluded,omitempty"`
}

// RankAdoption is one adoption confirmed by the enterprise.
type RankAdoption struct {
	ID           int64 `json:"id"`
	ProductID    int64 `json:"product_id"`
	ProviderID   int64 `json:"provider_id"`
	EnterpriseID int64 `json:"enterprise_id"`
	ContractDate Date  `json:"contract_date"`
	EffectBP     int64 `json:"effect_bp"` // EffectBP of its indicators
}

// RankInput is everything a ranking reads. Adoptions must be confirmed ones;
// those outside [From, To] or of an unknown subject are ignored.
type RankInput struct {
	Kind      RankKind       `json:"kind"`
	From      Date           `json:"from"`
	To        Date           `json:"to"`
	Subjects  []RankSubject  `json:"subjects"`
	Adoptions []RankAdoption `json:"adoptions"`
}

// RankComponents are the figures a score is computed from.
type RankComponents struct {
	Count          int64 `json:"count"`            // （三）应用企业数; （四）方案落地数
	Enterprises    int64 `json:"enterprises"`      // distinct enterprises
	Adoptions      int64 `json:"adoptions"`        // adoption records counted
	FirstAdoption  Date  `json:"first_adoption"`   // earliest contract date counted
	EffectBP       int64 `json:"effect_bp"`        // mean effect of the adoptions
	MaxCount       int64 `json:"max_count"`        // largest count among rankable entries
	MaxEffectBP    int64 `json:"max_effect_bp"`    // largest mean effect among rankable entries
	CountNormBP    int64 `json:"count_norm_bp"`    // Count × 10000 / MaxCount
	EffectNormBP   int64 `json:"effect_norm_bp"`   // EffectBP × 10000 / MaxEffectBP
	WeightCountBP  int64 `json:"weight_count_bp"`  // parameter
	WeightEffectBP int64 `json:"weight_effect_bp"` // parameter
}

// RankEntry is one ranked (or excluded) subject.
type RankEntry struct {
	Rank       int            `json:"rank"` // 1…; 0 when excluded
	ID         int64          `json:"id"`
	ProviderID int64          `json:"provider_id"`
	Name       string         `json:"name"`
	Eligible   bool           `json:"eligible"`
	Score      int64          `json:"score"` // 100,000,000 = 100 points
	Components RankComponents `json:"components"`
	Findings   []Finding      `json:"findings,omitempty"`
}

// ScoreText shows a score as points with two decimals ("87.25").
func ScoreText(score int64) string {
	hundredths := score / 10_000
	return strconv.FormatInt(hundredths/100, 10) + "." + string([]byte{byte('0' + hundredths%100/10), byte('0' + hundredths%10)})
}

// RankParams are the parameter values a ranking used, with their sources.
type RankParams struct {
	Version        string `json:"version"`
	WeightCountBP  int64  `json:"weight_count_bp"`
	WeightEffectBP int64  `json:"weight_effect_bp"`
	EffectCapBP    int64  `json:"effect_cap_bp"`
	TopN           int64  `json:"top_n"`
	Sources        map[string]string
}

// RankingParams reads the ranking parameters of a kind from v.
func RankingParams(v *Values, kind RankKind) RankParams {
	count, effect, top := kRankProductCount, kRankProductEffect, kRankProductTopN
	if kind == RankProviders {
		count, effect, top = kRankProviderCount, kRankProviderEffect, kRankProviderTopN
	}
	p := RankParams{Version: v.version, WeightCountBP: v.n[count], WeightEffectBP: v.n[effect], EffectCapBP: v.n[kRankEffectCap],
		TopN: v.n[top], Sources: map[string]string{}}
	for _, k := range []keyID{count, effect, kRankEffectCap, top} {
		p.Sources[keySpecs[k].key] = v.source(k)
	}
	return p
}

// Ranking is the result of Rank.
type Ranking struct {
	Kind    RankKind    `json:"kind"`
	From    Date        `json:"from"`
	To      Date        `json:"to"`
	Params  RankParams  `json:"params"`
	Entries []RankEntry `json:"entries"` // ranked entries by rank, then excluded ones by ID
	// Adoptions is the number of adoption records counted.
	Adoptions int `json:"adoptions"`
}

// rankAcc accumulates one subject's adoptions.
type rankAcc struct {
	subject *RankSubject
	count   int64
	ents    int64
	n       int64
	effect  int64
	first   Date
}

type pair struct{ a, b int64 }

// Rank ranks the subjects by their confirmed adoptions in the period (see
// the comment at the top of this file). Subjects without an adoption in
// the period are not entries. It is pure and deterministic: the same input
// in any order gives the same result.
func Rank(v *Values, in RankInput) *Ranking {
	r := &Ranking{Kind: in.Kind, From: in.From, To: in.To, Params: RankingParams(v, in.Kind)}
	accs := make(map[int64]*rankAcc, len(in.Subjects))
	for i := range in.Subjects {
		s := &in.Subjects[i]
		if _, dup := accs[s.ID]; !dup {
			accs[s.ID] = &rankAcc{subject: s}
		}
	}
	enterprises := make(map[pair]struct{}, len(in.Adoptions)) // (subject, enterprise)
	var counted map[pair]struct{}                             // (product, enterprise), for （四）
	if in.Kind == RankProviders {
		counted = make(map[pair]struct{}, len(in.Adoptions))
	}
	for i := range in.Adoptions {
		ad := &in.Adoptions[i]
		if ad.ContractDate.Before(in.From) || ad.ContractDate.After(in.To) {
			continue
		}
		key := ad.ProductID
		if in.Kind == RankProviders {
			key = ad.ProviderID
		}
		acc, ok := accs[key]
		if !ok {
			continue
		}
		r.Adoptions++
		acc.n++
		acc.effect += min(max(ad.EffectBP, 0), r.Params.EffectCapBP)
		if acc.first.IsZero() || ad.ContractDate.Before(acc.first) {
			acc.first = ad.ContractDate
		}
		if _, seen := enterprises[pair{key, ad.EnterpriseID}]; !seen {
			enterprises[pair{key, ad.EnterpriseID}] = struct{}{}
			acc.ents++
		}
		if in.Kind == RankProviders {
			if _, seen := counted[pair{ad.ProductID, ad.EnterpriseID}]; !seen {
				counted[pair{ad.ProductID, ad.EnterpriseID}] = struct{}{}
				acc.count++
			}
		}
	}
	r.Entries = rankEntries(r, accs, in.Kind)
	return r
}

// rankEntries turns the accumulated figures into scored, sorted entries.
func rankEntries(r *Ranking, accs map[int64]*rankAcc, kind RankKind) []RankEntry {
	entries := make([]RankEntry, 0, len(accs))
	var maxCount, maxEffect int64
	for _, acc := range accs {
		if acc.n == 0 {
			continue
		}
		if kind == RankProducts {
			acc.count = acc.ents
		}
		e := RankEntry{ID: acc.subject.ID, ProviderID: acc.subject.ProviderID, Name: acc.subject.Name,
			Eligible: len(acc.subject.Excluded) == 0, Findings: slices.Clone(acc.subject.Excluded)}
		e.Components = RankComponents{Count: acc.count, Enterprises: acc.ents, Adoptions: acc.n, FirstAdoption: acc.first,
			EffectBP: acc.effect / acc.n, WeightCountBP: r.Params.WeightCountBP, WeightEffectBP: r.Params.WeightEffectBP}
		if e.Eligible {
			maxCount, maxEffect = max(maxCount, e.Components.Count), max(maxEffect, e.Components.EffectBP)
		}
		entries = append(entries, e)
	}
	for i := range entries {
		c := &entries[i].Components
		c.MaxCount, c.MaxEffectBP = maxCount, maxEffect
		if maxCount > 0 {
			c.CountNormBP = min(c.Count*10000/maxCount, 10000)
		}
		if maxEffect > 0 {
			c.EffectNormBP = min(c.EffectBP*10000/maxEffect, 10000)
		}
		entries[i].Score = c.WeightCountBP*c.CountNormBP + c.WeightEffectBP*c.EffectNormBP
	}
	slices.SortFunc(entries, compareEntries)
	rank := 0
	for i := range entries {
		if entries[i].Eligible {
			rank++
			entries[i].Rank = rank
		}
	}
	return entries
}

// compareEntries orders ranked entries before excluded ones, ranked ones by
// the tie rule (RankTieRule), excluded ones by ID.
func compareEntries(a, b RankEntry) int {
	switch {
	case a.Eligible != b.Eligible:
		if a.Eligible {
			return -1
		}
		return 1
	case !a.Eligible:
		return cmpInt(a.ID, b.ID)
	case a.Score != b.Score:
		return cmpInt(b.Score, a.Score)
	case a.Components.Count != b.Components.Count:
		return cmpInt(b.Components.Count, a.Components.Count)
	case a.Components.FirstAdoption != b.Components.FirstAdoption:
		return a.Components.FirstAdoption.Compare(b.Components.FirstAdoption)
	}
	return cmpInt(a.ID, b.ID)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Outcomes of a proposed ranking award.
const (
	AwardProposed = "proposed" // 按拟定金额推荐
	AwardReduced  = "reduced"  // 超过上限，按上限（或剩余额度）推荐
	AwardSkipped  = "skipped"  // 额度已用完或已推荐过，不予推荐
)

// RankAwardInput is what the city bureau decides when it turns a ranking
// into proposed awards, and what the system knows of earlier awards.
type RankAwardInput struct {
	TopN      int   // the first TopN ranked entries
	AmountFen int64 // per product （三） or per provider （四）; 0 = the cap
	// PriorFen is, per provider, what already counts against the cumulative
	// cap of 第七条（三）: earlier awards under （三） and requests still in
	// the process. PriorNote says what it is made of, for the finding.
	PriorFen  map[int64]int64
	PriorNote map[int64]string
	// Skip names entries (by subject ID) and SkipProvider providers that may
	// not be proposed, with the reason (already proposed from another run
	// of the period, a live application in the call…).
	Skip         map[int64]string
	SkipProvider map[int64]string
}

// RankAwardItem is one entry's proposed award.
type RankAwardItem struct {
	Rank      int       `json:"rank"`
	ID        int64     `json:"id"` // the entry's subject
	Name      string    `json:"name"`
	Score     int64     `json:"score"`
	AmountFen int64     `json:"amount_fen"`
	Outcome   string    `json:"outcome"`
	Findings  []Finding `json:"findings"`
}

// ProviderAward is what one provider is proposed: one application per
// provider and ranking, its items summed.
type ProviderAward struct {
	ProviderID int64           `json:"provider_id"`
	Items      []RankAwardItem `json:"items"`
	TotalFen   int64           `json:"total_fen"`
}

const ruleRankingAwards = "RankingAwards"

// RankingAwards turns the first TopN ranked entries into proposed awards
// within the caps: under 第七条（三） at most cap.7_3.per_product_fen per
// product and cap.7_3.cumulative_provider_fen per provider cumulatively
// (PriorFen deducted, then the provider's better-ranked products of this
// ranking); under （四） at most cap.7_4.per_provider_fen per provider. An
// amount beyond a cap is reduced to it with a finding; an entry whose
// provider has nothing left is skipped with a finding. Providers come in
// the order of their best rank.
func RankingAwards(v *Values, r *Ranking, in RankAwardInput) []ProviderAward {
	art := r.Kind.Article()
	f := Finding{Rule: ruleRankingAwards, Article: art}
	perItem, cum := v.n[k73PerProduct], v.n[k73CumulativeProvider]
	what := "每个“小快轻准”产品和服务"
	if r.Kind == RankProviders {
		perItem, cum, what = v.n[k74PerProvider], 0, "每家优秀数字化服务商"
	}
	var out []ProviderAward
	byProvider := map[int64]int{}
	used := map[int64]int64{}
	for _, e := range r.Entries {
		if e.Rank == 0 || e.Rank > in.TopN {
			continue
		}
		it := RankAwardItem{Rank: e.Rank, ID: e.ID, Name: e.Name, Score: e.Score, Outcome: AwardProposed}
		it.AmountFen = in.AmountFen
		if it.AmountFen <= 0 {
			it.AmountFen = perItem
		}
		if it.AmountFen > perItem {
			it.Findings = append(it.Findings, f.fail("拟定金额"+Wan(it.AmountFen)+"超过"+what+"不超过"+Wan(perItem)+"的上限，按"+Wan(perItem)+"推荐（"+art+"）"))
			it.AmountFen, it.Outcome = perItem, AwardReduced
		}
		switch reason := skipReason(in, e); {
		case reason != "":
			it.Findings = append(it.Findings, f.fail(reason))
			it.AmountFen, it.Outcome = 0, AwardSkipped
		case cum > 0:
			it = cumulativeCap(f, it, cum, in.PriorFen[e.ProviderID], used[e.ProviderID], in.PriorNote[e.ProviderID])
		}
		if it.Outcome != AwardSkipped && len(it.Findings) == 0 {
			it.Findings = append(it.Findings, f.pass("排名第"+strconv.Itoa(e.Rank)+"（得分"+ScoreText(e.Score)+"），在前"+
				strconv.Itoa(in.TopN)+"名之内，推荐奖补"+Wan(it.AmountFen)+"（"+art+"）"))
		}
		used[e.ProviderID] += it.AmountFen
		i, ok := byProvider[e.ProviderID]
		if !ok {
			i = len(out)
			byProvider[e.ProviderID] = i
			out = append(out, ProviderAward{ProviderID: e.ProviderID})
		}
		out[i].Items = append(out[i].Items, it)
		out[i].TotalFen += it.AmountFen
	}
	return out
}

func skipReason(in RankAwardInput, e RankEntry) string {
	if s := in.SkipProvider[e.ProviderID]; s != "" {
		return s
	}
	return in.Skip[e.ID]
}

// cumulativeCap applies the cumulative cap of 第七条（三） to one item, given
// what the provider has already used of it.
func cumulativeCap(f Finding, it RankAwardItem, cum, prior, thisRun int64, note string) RankAwardItem {
	left := max(0, cum-prior-thisRun)
	if note == "" {
		note = "此前已计入" + Wan(prior)
	}
	if thisRun > 0 {
		note += "，本次排名中名次更前的产品已推荐" + Wan(thisRun)
	}
	switch {
	case left == 0:
		it.Findings = append(it.Findings, f.fail("每家服务商累计不超过"+Wan(cum)+"；"+note+"，额度已用完，本项不予推荐（第七条（三））"))
		it.AmountFen, it.Outcome = 0, AwardSkipped
	case it.AmountFen > left:
		it.Findings = append(it.Findings, f.fail("每家服务商累计不超过"+Wan(cum)+"；"+note+"，尚余"+Wan(left)+"，本项由"+
			Wan(it.AmountFen)+"减至"+Wan(left)+"（第七条（三））"))
		it.AmountFen, it.Outcome = left, AwardReduced
	}
	return it
}

// The four properties of 小快轻准 products (FACTS §2: 小型化、快速化、轻量化、
// 精准化), as stored on a product.
var ProductProperties = []string{"small", "fast", "light", "precise"}

var propertyLabels = map[string]string{"small": "小型化", "fast": "快速化", "light": "轻量化", "precise": "精准化"}

// PropertyLabel is the Chinese name of a 小快轻准 property.
func PropertyLabel(p string) string { return labelOr(propertyLabels, p) }

const ruleRankableProduct = "RankableProduct"

// RankableProduct decides whether a product may be ranked under 第七条（三）
// ("遴选的“小快轻准”数字化转型产品服务和解决方案"): it is still offered (not
// withdrawn) and claims at least one of 小型化、快速化、轻量化、精准化. It
// returns the reasons it may not, or nothing.
func RankableProduct(withdrawn bool, properties []string) []Finding {
	f := Finding{Rule: ruleRankableProduct, Article: "第七条（三）"}
	var out []Finding
	if withdrawn {
		out = append(out, f.fail("产品已由服务商撤回，不再提供，不参加排名（第七条（三））"))
	}
	claimed := 0
	for _, p := range properties {
		if _, ok := propertyLabels[p]; ok {
			claimed++
		}
	}
	if claimed == 0 {
		out = append(out, f.fail("未声明小型化、快速化、轻量化、精准化中的任何一项特性，不属于“小快轻准”产品和服务（第七条（三））"))
	}
	return out
}
