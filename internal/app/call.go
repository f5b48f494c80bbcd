package app

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Calls (申报批次) are published by the city bureau (第六条（一）: 牵头组织项目
// 申报); applicants apply "按照申报通知，在规定的时间内" (第十四条（一）).
//
// Editing rule: until the first application (a draft counts) exists, every
// field of a call may change. After that only the notice, the list of
// materials and a later close time may: everything else decides who is
// eligible, how the rules compute or how experts score, and changing it
// under applications already prepared would treat applicants unequally.

const (
	callNoticeRunes   = 20000
	callMaxMaterials  = 30
	callMaterialRunes = 50
	callBudgetRunes   = 200
	callVersionRunes  = 64
	callTextMaxLines  = 50
	callTimeLayout    = "2006-01-02 15:04"
	callTimeLayoutT   = "2006-01-02T15:04"
	materialOtherKind = "其他"
)

// CallViewer roles may list and read calls; applicants see only open calls
// and those they applied to.
var callViewers = []dtfund.Role{dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance,
	dtfund.RoleCityMIIT, dtfund.RoleCityFinance}

// FindCalls lists the calls the actor may see, newest first.
func (a *App) FindCalls(ctx context.Context, actor Actor, f store.CallFilter) ([]*dtfund.Call, int, error) {
	if err := requireRole(actor, callViewers...); err != nil {
		return nil, 0, err
	}
	if actor.User.Role == dtfund.RoleApplicant {
		f.OpenAt, f.ApplicantOrgID = a.Now(), actor.User.OrgID
	}
	return a.DB.FindCalls(ctx, f)
}

// Call returns one call the actor may see; a call an applicant may not see
// is "not found".
func (a *App) Call(ctx context.Context, actor Actor, id int64) (*dtfund.Call, error) {
	if err := requireRole(actor, callViewers...); err != nil {
		return nil, err
	}
	c, err := a.DB.Call(ctx, id)
	if err != nil || actor.User.Role != dtfund.RoleApplicant || c.Open(a.Now()) {
		return c, err
	}
	_, n, err := a.DB.FindApplications(ctx, store.ApplicationFilter{OrgID: actor.User.OrgID, CallID: id, Page: store.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "申报批次不存在")
	}
	return c, nil
}

// CreateCall publishes a new call (市工信局).
func (a *App) CreateCall(ctx context.Context, actor Actor, c *dtfund.Call) error {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return err
	}
	if err := a.ValidateCall(ctx, c); err != nil {
		return err
	}
	c.CreatedBy = actor.User.ID
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateCall(ctx, c); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("call.create", "call", itoa(c.ID)), nil, c)
	})
}

// UpdateCall saves an edited call under the editing rule above.
func (a *App) UpdateCall(ctx context.Context, actor Actor, c *dtfund.Call) error {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return err
	}
	if err := a.ValidateCall(ctx, c); err != nil {
		return err
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.Call(ctx, c.ID)
		if err != nil {
			return err
		}
		n, err := tx.CallApplicationCount(ctx, c.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			if err := frozenCallChanges(before, c); err != nil {
				return err
			}
		}
		if err := tx.UpdateCall(ctx, c); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("call.update", "call", itoa(c.ID)), before, c)
	})
}

// frozenCallChanges refuses changes to a call that already has applications,
// naming each field that may no longer change.
func frozenCallChanges(before, after *dtfund.Call) error {
	var v dtfund.ValidationErrors
	const why = "该批次已有申报，%s不能再修改（仅可修改申报通知、申报材料和延长截止时间）"
	same := func(x, y any) bool { return reflect.DeepEqual(x, y) }
	checks := []struct {
		field, label string
		same         bool
	}{
		{"category", "支持类别", before.Category == after.Category},
		{"title", "批次名称", before.Title == after.Title},
		{"opens_at", "申报开始时间", before.OpensAt.Equal(after.OpensAt)},
		{"window_from", "项目实施期", before.WindowFrom == after.WindowFrom && before.WindowTo == after.WindowTo},
		{"budget_line", "预算科目", before.BudgetLine == after.BudgetLine},
		{"params_version", "参数版本", before.ParamsVersion == after.ParamsVersion},
		{"overrides", "参数覆盖", len(before.Overrides)+len(after.Overrides) == 0 || same(before.Overrides, after.Overrides)},
		{"rubric", "评分标准", sameCallRubric(before.Rubric, after.Rubric)},
		{"pass_mark", "合格分数线", before.Rubric.PassMark == after.Rubric.PassMark},
		{"quotas", "推荐名额", len(before.Quotas)+len(after.Quotas) == 0 || same(before.Quotas, after.Quotas)},
	}
	for _, c := range checks {
		if !c.same {
			v.Add(c.field, why, c.label)
		}
	}
	if after.ClosesAt.Before(before.ClosesAt) {
		v.Add("closes_at", "该批次已有申报，截止时间只能延后，不能提前（原截止时间 %s）", ShanghaiTime(before.ClosesAt))
	}
	return v.Err()
}

func sameCallRubric(x, y dtfund.Rubric) bool {
	return slices.Equal(x.Criteria, y.Criteria)
}

// ValidateCall runs dtfund.ValidateCall and the checks that need the policy
// parameters or the database: the 7.1 window, dates, parameter overrides,
// district codes of quotas, and lengths.
func (a *App) ValidateCall(ctx context.Context, c *dtfund.Call) error {
	if c.ParamsVersion = strings.TrimSpace(c.ParamsVersion); c.ParamsVersion == "" {
		c.ParamsVersion = policy.Default().Version()
	}
	var v dtfund.ValidationErrors
	if err := dtfund.ValidateCall(c); err != nil {
		v = append(v, err.(dtfund.ValidationErrors)...)
	}
	validateCallWindow(&v, c)
	if utf8.RuneCountInString(c.Notice) > callNoticeRunes {
		v.Add("notice", "申报通知不超过%d个字", callNoticeRunes)
	}
	if utf8.RuneCountInString(c.BudgetLine) > callBudgetRunes {
		v.Add("budget_line", "预算科目不超过%d个字", callBudgetRunes)
	}
	if utf8.RuneCountInString(c.ParamsVersion) > callVersionRunes {
		v.Add("params_version", "参数版本不超过%d个字符", callVersionRunes)
	}
	validateCallMaterials(&v, c.Materials)
	for i, o := range c.Overrides {
		if msg := checkCallOverride(o, c.Overrides[:i]); msg != "" {
			v.Add("overrides", "第%d项参数覆盖：%s", i+1, msg)
		}
	}
	for _, code := range quotaCodes(c.Quotas) {
		if _, err := a.DB.District(ctx, code); err != nil {
			v.Add("quotas", "推荐名额中的县区代码 %s 不存在", code)
		}
	}
	return v.Err()
}

func validateCallWindow(v *dtfund.ValidationErrors, c *dtfund.Call) {
	for _, d := range []struct{ field, s string }{{"window_from", c.WindowFrom}, {"window_to", c.WindowTo}} {
		if d.s == "" {
			continue
		}
		if _, err := calendar.ParseDate(d.s); err != nil {
			v.Add(d.field, "日期 %q 无效，应为 YYYY-MM-DD 格式", d.s)
		}
	}
	if c.Category == "7.1" && (c.WindowFrom == "" || c.WindowTo == "") {
		v.Add("window_from", "第七条（一）数字化改造类批次须填写项目实施期（支出的合同、发票、付款日期须在实施期内）")
	}
}

func validateCallMaterials(v *dtfund.ValidationErrors, ms []string) {
	if len(ms) > callMaxMaterials {
		v.Add("materials", "申报材料不超过%d项", callMaxMaterials)
	}
	seen := map[string]bool{}
	for i, m := range ms {
		switch {
		case strings.TrimSpace(m) == "" || utf8.RuneCountInString(m) > callMaterialRunes:
			v.Add("materials", "第%d项申报材料的名称不能为空，且不超过%d个字", i+1, callMaterialRunes)
		case seen[m]:
			v.Add("materials", "申报材料“%s”重复", m)
		}
		seen[m] = true
	}
}

// checkCallOverride checks one parameter override against the policy's keys and
// value forms, and against the overrides before it; "" means valid.
func checkCallOverride(o dtfund.CallOverride, earlier []dtfund.CallOverride) string {
	if !slices.Contains(policy.ParamKeys(), o.Key) {
		return fmt.Sprintf("未知参数 %q（可覆盖的参数见参数文件，如 cap.7_1.cumulative_fen）", o.Key)
	}
	for _, e := range earlier {
		if e.Key == o.Key {
			return fmt.Sprintf("参数 %s 重复覆盖", o.Key)
		}
	}
	if strings.TrimSpace(o.Source) == "" {
		return fmt.Sprintf("参数 %s 须注明依据（如申报通知文号）", o.Key)
	}
	po := policy.Override{Key: o.Key, Value: json.RawMessage(strconv.FormatInt(o.Value, 10)), Source: o.Source}
	if _, err := policy.Default().WithOverrides([]policy.Override{po}); err != nil {
		msg := err.Error()
		if _, after, ok := strings.Cut(msg, "："); ok {
			msg = after
		}
		return msg
	}
	return ""
}

// OverridableKeys are the parameter keys a call may override: those whose
// value is a whole number (a call's override carries an integer).
func OverridableKeys() []string {
	v, err := policy.Default().At(policy.Default().EffectiveFrom())
	if err != nil {
		return policy.ParamKeys()
	}
	var out []string
	for _, k := range policy.ParamKeys() {
		if _, ok := v.Int(k); ok {
			out = append(out, k)
		}
	}
	return out
}

func quotaCodes(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ShanghaiTime shows an instant as Asia/Shanghai wall time, as in messages.
func ShanghaiTime(t time.Time) string { return t.In(calendar.Shanghai).Format(callTimeLayout) }

// ParseLocalTime reads "YYYY-MM-DD HH:MM" (or the HTML datetime-local form
// with a T) as Asia/Shanghai wall time and returns the instant in UTC.
func ParseLocalTime(field, label, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{callTimeLayout, callTimeLayoutT} {
		if t, err := time.ParseInLocation(layout, s, calendar.Shanghai); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, dtfund.FieldError(field, "%s“%s”无效，应为北京时间“YYYY-MM-DD HH:MM”，如 2026-03-01 09:00", label, s)
}

// callLines splits a text area into trimmed, non-empty lines with their
// 1-based line numbers, so that errors name the line the person typed.
func callLines(text string) (lines []string, nums []int) {
	for i, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines, nums = append(lines, l), append(nums, i+1)
		}
	}
	return lines, nums
}

// ParseMaterials reads the list of required materials, one per line.
func ParseMaterials(text string) []string {
	lines, _ := callLines(text)
	return lines
}

// ParseOverrides reads parameter overrides, one "key=value|source" a line;
// each error names its line.
func ParseOverrides(text string) ([]dtfund.CallOverride, error) {
	lines, nums := callLines(text)
	var out []dtfund.CallOverride
	var v dtfund.ValidationErrors
	for i, l := range lines {
		kv, source, _ := strings.Cut(l, "|")
		key, val, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64)
		if !ok || err != nil {
			v.Add("overrides", "参数覆盖第%d行“%s”格式应为“参数名=整数值|依据文件”", nums[i], l)
			continue
		}
		o := dtfund.CallOverride{Key: strings.TrimSpace(key), Value: n, Source: strings.TrimSpace(source)}
		if msg := checkCallOverride(o, out); msg != "" {
			v.Add("overrides", "参数覆盖第%d行：%s", nums[i], msg)
			continue
		}
		out = append(out, o)
	}
	return out, v.Err()
}

// ParseRubric reads the criteria, one "name|weight" a line, and the pass mark.
func ParseRubric(text, passMark string) (dtfund.Rubric, error) {
	lines, nums := callLines(text)
	var r dtfund.Rubric
	var v dtfund.ValidationErrors
	for i, l := range lines {
		name, w, ok := strings.Cut(l, "|")
		weight, err := strconv.Atoi(strings.TrimSpace(w))
		if !ok || err != nil || strings.TrimSpace(name) == "" {
			v.Add("rubric", "评分标准第%d行“%s”格式应为“评分项|权重”，权重为整数", nums[i], l)
			continue
		}
		r.Criteria = append(r.Criteria, dtfund.Criterion{Name: strings.TrimSpace(name), Weight: weight})
	}
	pm, err := strconv.Atoi(strings.TrimSpace(passMark))
	if err != nil {
		v.Add("pass_mark", "合格分数线须为0至100之间的整数")
	}
	r.PassMark = pm
	return r, v.Err()
}

// ParseQuotas reads district quotas, one "district code=n" a line.
func ParseQuotas(text string) (map[string]int, error) {
	lines, nums := callLines(text)
	var v dtfund.ValidationErrors
	out := map[string]int{}
	for i, l := range lines {
		code, val, ok := strings.Cut(l, "=")
		n, err := strconv.Atoi(strings.TrimSpace(val))
		code = strings.TrimSpace(code)
		switch {
		case !ok || err != nil || n < 0 || code == "":
			v.Add("quotas", "推荐名额第%d行“%s”格式应为“县区代码=名额”，名额为不小于0的整数", nums[i], l)
		case hasQuota(out, code):
			v.Add("quotas", "推荐名额第%d行：县区代码 %s 重复", nums[i], code)
		default:
			out[code] = n
		}
	}
	if len(lines) > callTextMaxLines {
		v.Add("quotas", "推荐名额不超过%d行", callTextMaxLines)
	}
	if len(out) == 0 {
		out = nil
	}
	return out, v.Err()
}

func hasQuota(m map[string]int, k string) bool { _, ok := m[k]; return ok }

// FormatOverrides, FormatRubric and FormatQuotas write a call's settings back
// in the form ParseOverrides, ParseRubric and ParseQuotas read.
func FormatOverrides(ovs []dtfund.CallOverride) string {
	lines := make([]string, len(ovs))
	for i, o := range ovs {
		lines[i] = fmt.Sprintf("%s=%d|%s", o.Key, o.Value, o.Source)
	}
	return strings.Join(lines, "\n")
}

// FormatRubric writes the criteria, one "name|weight" a line.
func FormatRubric(r dtfund.Rubric) string {
	lines := make([]string, len(r.Criteria))
	for i, c := range r.Criteria {
		lines[i] = fmt.Sprintf("%s|%d", c.Name, c.Weight)
	}
	return strings.Join(lines, "\n")
}

// FormatQuotas writes the quotas sorted by district code.
func FormatQuotas(q map[string]int) string {
	var lines []string
	for _, k := range quotaCodes(q) {
		lines = append(lines, fmt.Sprintf("%s=%d", k, q[k]))
	}
	return strings.Join(lines, "\n")
}
