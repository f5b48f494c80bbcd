package policy

// SizeClass is an enterprise size under 工信部联企业〔2011〕300号 (第五条).
type SizeClass string

// Size classes. The empty class means "not classified".
const (
	SizeLarge   SizeClass = "large"  // 大型
	SizeMedium  SizeClass = "medium" // 中型
	SizeSmall   SizeClass = "small"  // 小型
	SizeMicro   SizeClass = "micro"  // 微型
	SizeUnknown SizeClass = ""
)

var sizeLabels = map[SizeClass]string{
	SizeLarge: "大型企业", SizeMedium: "中型企业", SizeSmall: "小型企业", SizeMicro: "微型企业", SizeUnknown: "未划型",
}

// Label is the Chinese name of the class.
func (s SizeClass) Label() string { return labelOr(sizeLabels, s) }

// IsSME reports whether the class is a 中小企业 (medium, small or micro).
func (s SizeClass) IsSME() bool { return s == SizeMedium || s == SizeSmall || s == SizeMicro }

const (
	ruleSize          = "Size"
	rulePilotIndustry = "PilotIndustry"
)

// isIndustrial reports whether a GB/T 4754-2017 class code belongs to 工业:
// sections B 采矿业 (divisions 06–12), C 制造业 (13–43) and D 电力、热力、燃气
// 及水生产和供应业 (44–46). Only the industry thresholds of the 2011 standard
// are implemented, and all four pilot industries are in section C.
func isIndustrial(code string) bool {
	if len(code) != 4 || !allDigits(code) {
		return false
	}
	div := int(code[0]-'0')*10 + int(code[1]-'0')
	return div >= 6 && div <= 46
}

// classify applies the industry thresholds. A class needs every lower bound of
// the level (大/中/小 须同时满足所列指标的下限，否则下划一档); micro needs only
// one indicator below the small bounds. So the first level whose bounds are
// all met is the class, and large is the only non-SME class: an enterprise is
// an SME when 从业人员 < 1000 OR 营业收入 < 40000万元.
func classify(v *Values, employees, revenueFen int64) SizeClass {
	switch {
	case employees >= v.n[kEmployeesLarge] && revenueFen >= v.n[kRevenueLarge]:
		return SizeLarge
	case employees >= v.n[kEmployeesMedium] && revenueFen >= v.n[kRevenueMedium]:
		return SizeMedium
	case employees >= v.n[kEmployeesSmall] && revenueFen >= v.n[kRevenueSmall]:
		return SizeSmall
	}
	return SizeMicro
}

// sizeOf is the class used by the scope rules, without a finding.
func sizeOf(v *Values, a *Applicant) SizeClass {
	if a.Kind != KindEnterprise || !isIndustrial(a.IndustryCode) || a.Employees == nil || a.RevenueFen == nil {
		return SizeUnknown
	}
	return classify(v, *a.Employees, *a.RevenueFen)
}

// Size classifies an enterprise under 第五条 (工信部联企业〔2011〕300号, 工业)
// from 从业人员 and 营业收入. Entities other than 企业 are not sized; an
// enterprise outside 工业 is not sized by this system either (not applicable);
// an industrial enterprise without the figures fails (cannot be classified).
func Size(v *Values, a *Applicant) (SizeClass, Finding) {
	f := Finding{Rule: ruleSize, Article: "第五条"}
	switch {
	case a.Kind != KindEnterprise:
		return SizeUnknown, f.na("主体类型为" + a.Kind.Label() + "，中小企业划型只适用于企业（第五条）")
	case a.IndustryCode == "":
		return SizeUnknown, f.na("未填写行业代码，无法确定适用的划型标准（第五条）")
	case !isIndustrial(a.IndustryCode):
		return SizeUnknown, f.na("行业代码" + a.IndustryCode + "不属于工业（GB/T 4754-2017 B、C、D门类），本系统只实现工业的划型标准（第五条）")
	case a.Employees == nil || a.RevenueFen == nil:
		return SizeUnknown, f.fail("缺少从业人员或营业收入数据，无法按工信部联企业〔2011〕300号划型（第五条）")
	}
	e, r := *a.Employees, *a.RevenueFen
	class := classify(v, e, r)
	var buf [512]byte
	t := text(buf[:0]).s("从业人员").n(e).s("人、营业收入").wan(r).s("：")
	t = sizeReason(t, v, class, e, r)
	return class, f.pass(t.s("（第五条）").String())
}

// sizeReason explains the class with the thresholds that decided it.
func sizeReason(t text, v *Values, class SizeClass, e, r int64) text {
	if class == SizeLarge {
		return t.s("从业人员不低于").n(v.n[kEmployeesLarge]).s("人且营业收入不低于").wan(v.n[kRevenueLarge]).
			s("，为大型企业，不属于中小企业")
	}
	t = below(t, v, e, r, kEmployeesLarge, kRevenueLarge).s("，属于中小企业；")
	switch class {
	case SizeMedium:
		return t.s("从业人员不低于").n(v.n[kEmployeesMedium]).s("人且营业收入不低于").wan(v.n[kRevenueMedium]).s("，为中型企业")
	case SizeSmall:
		return below(t, v, e, r, kEmployeesMedium, kRevenueMedium).s("，未达中型标准；从业人员不低于").n(v.n[kEmployeesSmall]).s("人且营业收入不低于").
			wan(v.n[kRevenueSmall]).s("，为小型企业")
	}
	return below(t, v, e, r, kEmployeesSmall, kRevenueSmall).s("，为微型企业")
}

// below names the indicators under the given bounds, e.g. "营业收入低于40000万元".
func below(t text, v *Values, e, r int64, empKey, revKey keyID) text {
	if e < v.n[empKey] {
		t = t.s("从业人员低于").n(v.n[empKey]).s("人")
		if r < v.n[revKey] {
			t = t.s("、")
		}
	}
	if r < v.n[revKey] {
		t = t.s("营业收入低于").wan(v.n[revKey])
	}
	return t
}

// PilotIndustry decides whether a GB/T 4754-2017 class code is in one of the
// four pilot industries filed with the ministry (第四条); the code list is the
// parameter industries.pilot.
func PilotIndustry(v *Values, code string) (IndustryClass, bool, Finding) {
	f := Finding{Rule: rulePilotIndustry, Article: "第四条"}
	if code == "" {
		return IndustryClass{}, false, f.na("未填写行业代码（第四条）")
	}
	if c, ok := v.pilot.industryBy[code]; ok {
		return c, true, f.pass("行业代码" + code + "（" + c.Name + "）属于试点行业“" + c.Industry + "”（第四条）")
	}
	return IndustryClass{}, false, f.fail("行业代码" + code + "不属于第四条的四个试点行业（汽车零部件配件制造、轨道交通高端装备制造、电子元器件制造、中成药生物药品制品制造）的备案代码")
}
