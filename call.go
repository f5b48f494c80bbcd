package dtfund

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Call is a 申报批次: a call for applications under one category of 第七条
// (or local-fund work), open for a time window, with the rubric its experts
// score against and the parameter overrides it sets with their citation.
type Call struct {
	ID            int64
	Category      string // 7.1 … 7.6, local
	Title         string
	Notice        string
	OpensAt       time.Time
	ClosesAt      time.Time
	WindowFrom    string // 项目实施期起 YYYY-MM-DD (spending dates must fall inside)
	WindowTo      string
	Materials     []string // 申报材料清单
	BudgetLine    string
	ParamsVersion string
	Overrides     []CallOverride
	Rubric        Rubric
	Quotas        map[string]int // district code → 推荐名额; absent = no limit
	CreatedBy     int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// CallOverride sets one policy parameter for this call, with its citation.
type CallOverride struct {
	Key    string `json:"key"`
	Value  int64  `json:"value"`
	Source string `json:"source"`
}

// Rubric is the experts' scoring rubric: weighted criteria scored 0–100 each,
// the panel's result being the mean of the experts' weighted totals.
type Rubric struct {
	Criteria []Criterion `json:"criteria"`
	PassMark int         `json:"pass_mark"` // 0–100
}

// Criterion is one scored aspect, with its weight in percent.
type Criterion struct {
	Name   string `json:"name"`
	Weight int    `json:"weight"`
}

// Categories of calls: 第七条（一）–（六） and local-fund work.
var CallCategories = []string{"7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "local"}

var callCategoryLabels = map[string]string{
	"7.1": "第七条（一）中小企业数字化改造", "7.2": "第七条（二）工业互联网平台创新应用和复制推广",
	"7.3": "第七条（三）优秀“小快轻准”产品和服务", "7.4": "第七条（四）优秀数字化服务商",
	"7.5": "第七条（五）高效“链式”数字化转型典型应用", "7.6": "第七条（六）政府采购服务",
	"local": "第八条、第九条 地方配套资金支持的其他工作",
}

// CategoryLabel names a category with its article.
func CategoryLabel(c string) string {
	if l, ok := callCategoryLabels[c]; ok {
		return l
	}
	return c
}

// Open reports whether applications may be submitted at now (server clock).
func (c *Call) Open(now time.Time) bool {
	return !now.Before(c.OpensAt) && now.Before(c.ClosesAt)
}

// ValidateCall checks a call's fields.
func ValidateCall(c *Call) error {
	var v ValidationErrors
	if _, ok := callCategoryLabels[c.Category]; !ok {
		v.Add("category", "支持类别须为第七条（一）至（六）或地方配套资金支持的其他工作")
	}
	c.Title = strings.TrimSpace(c.Title)
	if c.Title == "" || utf8.RuneCountInString(c.Title) > 100 {
		v.Add("title", "批次名称不能为空，且不超过100个字")
	}
	if c.OpensAt.IsZero() {
		v.Add("opens_at", "请填写申报开始时间")
	}
	if c.ClosesAt.IsZero() {
		v.Add("closes_at", "请填写申报截止时间")
	}
	if !c.OpensAt.IsZero() && !c.ClosesAt.IsZero() && !c.ClosesAt.After(c.OpensAt) {
		v.Add("closes_at", "申报截止时间须晚于开始时间")
	}
	if (c.WindowFrom == "") != (c.WindowTo == "") || (c.WindowFrom != "" && c.WindowTo < c.WindowFrom) {
		v.Add("window_to", "项目实施期须同时填写起止日期，且止日不早于起日")
	}
	validateRubric(&v, c.Rubric)
	for i, o := range c.Overrides {
		if strings.TrimSpace(o.Key) == "" || strings.TrimSpace(o.Source) == "" {
			v.Add("overrides", "第%d项参数覆盖须同时填写参数名和依据文件", i+1)
		}
	}
	for code, n := range c.Quotas {
		if n < 0 {
			v.Add("quotas", "%s 的推荐名额不能为负数", code)
		}
	}
	return v.Err()
}

func validateRubric(v *ValidationErrors, r Rubric) {
	if len(r.Criteria) == 0 {
		v.Add("rubric", "请至少设置一项评分标准")
		return
	}
	sum := 0
	for _, c := range r.Criteria {
		if strings.TrimSpace(c.Name) == "" || c.Weight <= 0 {
			v.Add("rubric", "每项评分标准须有名称和正的权重")
			return
		}
		sum += c.Weight
	}
	if sum != 100 {
		v.Add("rubric", "评分标准权重合计须为100，当前为%d", sum)
	}
	if r.PassMark < 0 || r.PassMark > 100 {
		v.Add("pass_mark", "合格分数线须在0至100之间")
	}
}
