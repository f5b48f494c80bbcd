package app

import (
	"context"
	"strings"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Statistics (统计): counts and amounts of the applications by category,
// state, district, industry, fund source and year, and the pilot's key
// figures. City roles see the whole city; district roles their district.

// StatsLine is one row of a statistics table, labelled for people.
type StatsLine struct {
	store.StatsRow
	Label string
}

// StatsTable is one grouping of the statistics.
type StatsTable struct {
	Dim   store.StatsDimension
	Title string
	Chart string // "bar", "pie" or "line": how the page draws it
	Lines []StatsLine
	Total store.StatsRow
}

// KPI is one key figure of the pilot, with how it was computed.
type KPI struct {
	Label string
	Value string
	Note  string // the rule or formula, with its source
}

// Statistics is the whole statistics page.
type Statistics struct {
	Year     int
	Years    []int
	District string // the district code a district official is limited to
	Tables   []StatsTable
	KPIs     []KPI
}

var statsViewers = []dtfund.Role{dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleDistrictMIIT,
	dtfund.RoleDistrictFinance, dtfund.RoleInspector, dtfund.RoleAdmin}

var statsTables = []struct {
	dim   store.StatsDimension
	title string
	chart string
}{
	{store.ByCategory, "按支持类别（第七条）", "bar"},
	{store.ByState, "按办理状态（第十四条）", "bar"},
	{store.ByDistrict, "按县（市）区、开发区", "bar"},
	{store.ByIndustry, "按行业（第四条试点行业）", "bar"},
	{store.ByFundSource, "按资金来源（已获奖补）", "pie"},
	{store.ByYear, "按批次年度", "line"},
}

// Statistics computes the statistics for the actor's scope and a call
// year (0 = all years).
func (a *App) Statistics(ctx context.Context, actor Actor, year int) (*Statistics, error) {
	if err := requireRole(actor, statsViewers...); err != nil {
		return nil, err
	}
	f := store.StatsFilter{Year: year}
	if r := actor.User.Role; r == dtfund.RoleDistrictMIIT || r == dtfund.RoleDistrictFinance {
		f.DistrictCode = actor.User.DistrictCode
	}
	st := &Statistics{Year: year, District: f.DistrictCode}
	var err error
	if st.Years, err = a.DB.StatsYears(ctx, f.DistrictCode); err != nil {
		return nil, err
	}
	labels := statsLabeler(a.Now())
	for _, t := range statsTables {
		rows, err := a.DB.Stats(ctx, t.dim, f)
		if err != nil {
			return nil, err
		}
		if t.dim == store.ByFundSource {
			rows = awardedOnly(rows)
		}
		st.Tables = append(st.Tables, newStatsTable(t.dim, t.title, t.chart, rows, labels))
	}
	cross, err := a.DB.Stats(ctx, store.ByCategoryFund, f)
	if err != nil {
		return nil, err
	}
	st.KPIs = statsKPIs(st.Tables[0].Total, cross)
	return st, nil
}

// awardedOnly drops the group of applications without an award.
func awardedOnly(rows []store.StatsRow) []store.StatsRow {
	var out []store.StatsRow
	for _, r := range rows {
		if r.Key != "" {
			out = append(out, r)
		}
	}
	return out
}

func newStatsTable(dim store.StatsDimension, title, chart string, rows []store.StatsRow, label func(store.StatsDimension, store.StatsRow) string) StatsTable {
	t := StatsTable{Dim: dim, Title: title, Chart: chart}
	for _, r := range rows {
		t.Lines = append(t.Lines, StatsLine{StatsRow: r, Label: label(dim, r)})
		t.Total.Apps += r.Apps
		t.Total.RequestFen += r.RequestFen
		t.Total.Awards += r.Awards
		t.Total.AwardFen += r.AwardFen
		t.Total.PaidFen += r.PaidFen
	}
	return t
}

// statsLabeler names the groups: categories, states and fund sources by
// their Chinese names, districts by name, industry codes by their pilot
// industry (第四条) when they are in one.
func statsLabeler(now interface{ Year() int }) func(store.StatsDimension, store.StatsRow) string {
	pilot := map[string]string{}
	if v, err := policy.Default().At(policy.NewDate(now.Year(), 1, 1)); err == nil {
		for _, c := range v.PilotIndustries() {
			pilot[c.Code] = c.Name + "（试点：" + c.Industry + "）"
		}
	}
	return func(dim store.StatsDimension, r store.StatsRow) string {
		switch dim {
		case store.ByCategory:
			return dtfund.CategoryLabel(r.Key)
		case store.ByState:
			return dtfund.AppState(r.Key).Label()
		case store.ByDistrict:
			if r.Key == "" {
				return "长春市外（市级初审）"
			}
			return r.Name
		case store.ByIndustry:
			if r.Key == "" {
				return "未填写行业"
			}
			if l, ok := pilot[r.Key]; ok {
				return r.Key + " " + l
			}
			return r.Key
		case store.ByFundSource:
			return fundSourceLabel(r.Key)
		case store.ByYear:
			return r.Key + "年"
		}
		return r.Key
	}
}

func fundSourceLabel(s string) string {
	switch s {
	case "central":
		return "中央专项资金"
	case "local":
		return "地方配套资金"
	}
	return "未获奖补"
}

// statsKPIs are the pilot's key figures: applications and awards, the
// share paid out, and the share of central funds that went to SME
// retrofits (≥ 80%, FACTS §2, 财建〔2023〕117号).
func statsKPIs(total store.StatsRow, cross []store.StatsRow) []KPI {
	var central, central71 int64
	for _, r := range cross {
		cat, src, _ := strings.Cut(r.Key, "|")
		if src == "central" {
			central += r.AwardFen
			if cat == "7.1" {
				central71 += r.AwardFen
			}
		}
	}
	return []KPI{
		{"申报（不含草稿）", itoa(int64(total.Apps)) + " 项", "申报主体提交的申报，含已撤回和未通过的"},
		{"获得奖补", itoa(int64(total.Awards)) + " 项，" + yuanText(total.AwardFen) + " 元", "政府审批通过的奖补（第十四条（六）），含其后撤销的"},
		{"已拨付到位", yuanText(total.PaidFen) + " 元（" + percent(total.PaidFen, total.AwardFen) + "）", "县区财政部门已支付给申报主体的金额占奖补金额的比例（第六条（四））"},
		{"中央资金用于中小企业数字化改造", percent(central71, central), "第七条（一）类奖补占中央资金奖补的比例；目标不低于80%（财建〔2023〕117号，FACTS §2）"},
	}
}

// percent formats part/whole with one decimal, or 「—」 when whole is 0.
func percent(part, whole int64) string {
	if whole == 0 {
		return "—"
	}
	permille := (part*1000 + whole/2) / whole
	return itoa(permille/10) + "." + itoa(permille%10) + "%"
}
