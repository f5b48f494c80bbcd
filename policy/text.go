package policy

import (
	"slices"
	"strings"
)

// Text explains the decision in Chinese, article by article, for people
// (the CLI's `dtfund policy explain`, printed notices, the review screen).
func (d *Decision) Text() string {
	var b strings.Builder
	b.WriteString("中小企业数字化转型专项资金申报判定说明\n")
	d.writeHeader(&b)
	d.writeConclusion(&b)
	b.WriteString("\n逐条说明：\n")
	for _, g := range groupByArticle(d.Findings) {
		b.WriteString(g.article)
		b.WriteString("\n")
		for _, f := range g.findings {
			b.WriteString("  [")
			b.WriteString(f.Outcome.Label())
			b.WriteString("] ")
			b.WriteString(f.Message)
			b.WriteString("\n")
		}
	}
	return b.String()
}

func line(b *strings.Builder, label, value string) {
	b.WriteString(label)
	b.WriteString("：")
	b.WriteString(value)
	b.WriteString("\n")
}

func (d *Decision) writeHeader(b *strings.Builder) {
	a := d.Applicant
	line(b, "申报主体", orDash(a.Name))
	if a.USCC != "" {
		line(b, "统一社会信用代码", a.USCC)
	}
	line(b, "主体类型", a.Kind.Label()+"；申报身份："+a.Role.Label())
	place := orDash(a.RegionCode)
	if a.District != "" {
		place += "（" + a.District + "）"
	}
	line(b, "注册地行政区划代码", place)
	if a.IndustryCode != "" {
		line(b, "行业代码", a.IndustryCode)
	}
	if a.Employees != nil && a.RevenueFen != nil {
		line(b, "从业人员／营业收入", itoa(*a.Employees)+"人／"+Money(*a.RevenueFen))
	}
	cat := string(d.Category) + " " + d.Category.Label()
	if art := d.Category.Article(); art != "" {
		cat += "（" + art + "）"
	}
	if d.Subtype != "" {
		cat += "，子类：" + d.Subtype
	}
	line(b, "申报类别", cat)
	line(b, "判定日期", orDash(d.AsOf.String()))
	line(b, "参数版本", orDash(d.ParamsVersion))
	for _, o := range d.Overrides {
		line(b, "批次覆盖参数", o.Key+" = "+compactJSON(o.Value)+"（依据："+o.Source+"）")
	}
}

func (d *Decision) writeConclusion(b *strings.Builder) {
	b.WriteString("\n结论：\n")
	if d.Size != SizeUnknown {
		line(b, "  企业规模", d.Size.Label())
	}
	pilot := "否"
	if d.PilotIndustry {
		pilot = "是（" + d.PilotIndustryName + "）"
	}
	line(b, "  试点行业", pilot)
	line(b, "  中央专项资金", eligibleText(d.CentralEligible))
	line(b, "  地方配套资金", eligibleText(d.LocalEligible))
	if d.Category == Cat71 {
		line(b, "  核定改造投入", Money(d.EligibleInvestmentFen))
	}
	switch {
	case !d.CentralEligible && !d.LocalEligible:
		line(b, "  最高奖补金额", Money(0)+"（不符合支持条件）")
	case !d.HasCap:
		line(b, "  最高奖补金额", "本办法未规定固定上限（见下文说明）")
	default:
		line(b, "  最高奖补金额", Money(d.MaxSubsidyFen))
	}
}

func eligibleText(ok bool) string {
	if ok {
		return "符合支持条件"
	}
	return "不符合支持条件"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

type articleGroup struct {
	article  string
	findings []Finding
}

// groupByArticle orders the findings by article and item (第四条 before
// 第五条, 第十条（一） before 第十条（二）), keeping the order within one.
func groupByArticle(fs []Finding) []articleGroup {
	var gs []articleGroup
	for _, f := range fs {
		art := f.Article
		if art == "" {
			art = "输入与参数"
		}
		i := slices.IndexFunc(gs, func(g articleGroup) bool { return g.article == art })
		if i < 0 {
			gs = append(gs, articleGroup{article: art})
			i = len(gs) - 1
		}
		gs[i].findings = append(gs[i].findings, f)
	}
	slices.SortStableFunc(gs, func(x, y articleGroup) int {
		return articleKey(x.article) - articleKey(y.article)
	})
	return gs
}

// articleKey maps "第十条（二）" to 10*100+2; text that is not an article
// sorts first.
func articleKey(s string) int {
	rest, ok := strings.CutPrefix(s, "第")
	if !ok {
		return 0
	}
	num, rest, ok := strings.Cut(rest, "条")
	if !ok {
		return 0
	}
	key := chineseNumber(num) * 100
	if item, ok := strings.CutPrefix(rest, "（"); ok {
		if n, _, ok := strings.Cut(item, "）"); ok {
			key += chineseNumber(n)
		}
	}
	return key
}

// chineseNumber reads 一 … 九十九 (enough for article and item numbers).
func chineseNumber(s string) int {
	digits := map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	total, cur := 0, 0
	for _, r := range s {
		if r == '十' {
			if cur == 0 {
				cur = 1
			}
			total += cur * 10
			cur = 0
			continue
		}
		n, ok := digits[r]
		if !ok {
			return 0
		}
		cur = n
	}
	return total + cur
}

// FindingsByArticle returns the findings in the order of the measures'
// articles (stable within one article), for pages that list them.
func (d *Decision) FindingsByArticle() []Finding {
	fs := slices.Clone(d.Findings)
	slices.SortStableFunc(fs, func(x, y Finding) int { return articleKey(x.Article) - articleKey(y.Article) })
	return fs
}
