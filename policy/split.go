package policy

import (
	"math/bits"
	"slices"
	"strings"
)

const (
	ruleCentralSplit = "CheckCentralSplit"
)

// splitCategories are the allocation keys CheckCentralSplit accepts.
var splitCategories = []Category{Cat71, Cat72, Cat73, Cat74, Cat75, Cat76}

// mulCmp compares a×b with c×d (all non-negative) without overflow.
func mulCmp(a, b, c, d int64) int {
	h1, l1 := bits.Mul64(uint64(a), uint64(b))
	h2, l2 := bits.Mul64(uint64(c), uint64(d))
	switch {
	case h1 < h2 || h1 == h2 && l1 < l2:
		return -1
	case h1 > h2 || l1 > l2:
		return 1
	}
	return 0
}

// CheckCentralSplit checks a proposed allocation of central funds by category
// ("7.1" … "7.6" → fen) against the budget rule of 财建〔2023〕117号 that 第七条
// adopts: at least 80% for 第七条（一） SME retrofits, at most 20% for all the
// rest (FACTS §2); and the total against the city's fixed award (≤ 1.5亿元
// for a provincial capital). Shares are shown with two decimals, rounded down
// for （一） (so a failing share never shows as 80.00%); the comparison itself
// is exact: fen(（一）) × 10000 ≥ 8000 × total.
func CheckCentralSplit(v *Values, allocations map[string]int64) []Finding {
	f := Finding{Rule: ruleCentralSplit, Article: "第七条"}
	keys := make([]string, 0, len(allocations))
	for k := range allocations {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var total int64
	for _, k := range keys {
		amt := allocations[k]
		if !slices.Contains(splitCategories, Category(k)) {
			return []Finding{f.fail("分配类别“" + k + "”不是第七条（一）至（六）之一（应为 7.1 至 7.6）")}
		}
		if amt < 0 || amt > maxParamFen {
			return []Finding{f.fail(Category(k).Article() + "的分配金额" + Wan(amt) + "无效（应为0至" + Wan(maxParamFen) + "）")}
		}
		total += amt
	}
	if total == 0 {
		return []Finding{f.fail("中央专项资金分配合计为0，无法计算比例")}
	}
	retro := allocations[string(Cat71)]
	minBP := v.n[kSplitRetrofitMin]
	share := mulDiv(retro, 10000, total)
	msg := "中央专项资金分配合计" + Money(total) + "：第七条（一）中小企业数字化改造" + Wan(retro) +
		"，占" + Percent(share) + "（应不低于" + Percent(minBP) + "）；其他方向合计" + Wan(total-retro) +
		"，占" + Percent(10000-share) + "（应不高于" + Percent(10000-minBP) + "）" + otherBreakdown(allocations, keys)
	out := make([]Finding, 0, 2)
	if mulCmp(retro, 10000, minBP, total) >= 0 {
		out = append(out, f.pass(msg+"，符合（财建〔2023〕117号）"))
	} else {
		out = append(out, f.fail(msg+"，不符合（财建〔2023〕117号）"))
	}
	return append(out, centralAwardCap(v, total))
}

func otherBreakdown(allocations map[string]int64, keys []string) string {
	var parts []string
	for _, k := range keys {
		if k != string(Cat71) && allocations[k] > 0 {
			parts = append(parts, Category(k).Article()+Wan(allocations[k]))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "（" + strings.Join(parts, "、") + "）"
}

func centralAwardCap(v *Values, total int64) Finding {
	f := Finding{Rule: ruleCentralSplit, Article: "第二条"}
	hi := v.n[kCentralAwardMax]
	if total > hi {
		return f.fail("中央专项资金分配合计" + Wan(total) + "，超过中央财政对省会城市的定额奖励上限" + Wan(hi) + "（财建〔2023〕117号）")
	}
	return f.pass("中央专项资金分配合计" + Wan(total) + "，未超过中央财政对省会城市的定额奖励上限" + Wan(hi) + "（财建〔2023〕117号）")
}
