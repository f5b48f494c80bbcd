package policy

import (
	"strings"
)

// Eligibility: who may receive the fund at all (第十一条, 第十二条, 第十三条),
// who may receive central funds (第七条, 第十条) and who local funds (第八条,
// 第九条).
//
// Readings chosen where the text leaves room (each is also stated in the
// finding it produces):
//
//   - 第七条's "支持企业范围为长春市……四个细分行业中小企业" limits the enterprises
//     that central funds support, i.e. the demand side. The applicant under
//     （一） and under （二） 上云上平台 is that enterprise, so it must be an SME
//     of a pilot industry registered in Changchun. Under （三）（四） the
//     applicant is a service provider (“每家服务商”); under （六） a supplier
//     chosen by government procurement; 第十三条 requires only PRC registration
//     of both, so they are not held to the industry and size scope. The
//     （二） benchmark and the （五） chain application may be claimed by the
//     enterprise that built it (then held to the scope) or by a service
//     provider / platform.
//   - 第十条 speaks of 单位, so its exclusions apply to every applicant, and
//     only to central funds.
//   - 第八条 opens local funds to SMEs of the filed industries, their large
//     enterprises and enterprises of other industries; 第九条 to other
//     digital-transformation work, which is how service providers and
//     procurement suppliers can be paid from local funds (第二条: the two
//     funds are used together).
//   - Three-year windows (第十一条（一）“三年内”, 第十三条“近三年”) run from
//     decision date − 3 years to the decision date, both days included. A
//     record counts when its last day (End, inclusive; Start for a one-day
//     incident; the decision date for a listing not yet removed) is on or
//     after the first day of the window: a listing that ended exactly three
//     years before the decision date still counts, one that ended three years
//     and one day before does not. "− 3 years" takes the corresponding day,
//     or the month end when there is none (《民法典》第二百零二条).
//   - A listing is current (第十三条 "未被列入") while Start ≤ decision date ≤
//     End, End being the last day on the list.
//   - 第二十条 "三年内不准参加有关项目申报": the ban starts on the decision day
//     and its last day is the corresponding day three years later
//     (《民法典》第二百零一条、第二百零二条: the period starts the next day and
//     ends on the corresponding day). Decided 2024-01-01 → banned through
//     2027-01-01, free from 2027-01-02.
//   - Records and sanctions dated after the decision date are ignored.
//   - Registrations in Hong Kong, Macau or Taiwan (division codes 81, 82, 71)
//     are not "在中华人民共和国境内依法注册登记" in the sense of mainland
//     registration that 第十三条 asks of service providers.

// Rule names (Finding.Rule); each is the name of the function that decides it.
const (
	ruleEligibleEntity    = "EligibleEntity"
	ruleRegistration      = "Registration"
	ruleCreditLists       = "CreditLists"
	ruleComplianceRecord  = "ComplianceRecord"
	ruleSeriousDishonesty = "SeriousDishonesty"
	ruleSanctions         = "Sanctions"
	ruleLittleGiant       = "LittleGiant"
	rulePilot2022         = "Pilot2022"
	ruleUnaccepted        = "UnacceptedProject"
	ruleCategoryApplicant = "CategoryApplicant"
	ruleCentralScope      = "CentralScope"
	ruleLocalScope        = "LocalScope"
)

var admittedKinds = map[EntityKind]bool{
	KindEnterprise: true, KindGovernment: true, KindInstitution: true, KindAssociation: true,
}

// EligibleEntity decides 第十二条: the applicant is an enterprise, 行政机关,
// 事业单位 or 社会团体, or a government-procurement service supplier, and has
// independent legal personality (also required by 第十三条).
func EligibleEntity(a *Applicant) Finding {
	f := Finding{Rule: ruleEligibleEntity, Article: "第十二条"}
	legal := a.LegalPerson != nil && *a.LegalPerson
	switch {
	case !admittedKinds[a.Kind] && a.Role != RoleProcurementSupplier:
		return f.fail("主体类型为" + a.Kind.Label() + "，不是第十二条规定的企业、行政机关、事业单位、社会团体或政府采购的相关服务主体")
	case !legal:
		return f.fail("不具有独立法人资格，不符合第十二条、第十三条")
	case !admittedKinds[a.Kind]:
		return f.pass("作为政府采购的相关服务主体（主体类型：" + a.Kind.Label() + "），具有独立法人资格，属于第十二条规定的支持对象")
	}
	return f.pass("主体类型为" + a.Kind.Label() + "，具有独立法人资格，属于第十二条规定的支持对象")
}

// inChangchun reports whether the registration division code is in Changchun.
func inChangchun(v *Values, a *Applicant) bool {
	return strings.HasPrefix(a.RegionCode, v.prefix)
}

// placeName appends a description of a division code: "220104（长春市朝阳区）",
// "110105（北京市）".
func placeName(t text, v *Values, code string) text {
	t = t.s(code)
	if d, ok := v.dist.districtBy["code:"+code]; ok {
		return t.s("（长春市").s(d.Name).s("）")
	}
	if strings.HasPrefix(code, v.prefix) {
		return t.s("（长春市）")
	}
	if len(code) >= 2 {
		if p, ok := v.prov.provinceBy[code[:2]]; ok {
			return t.s("（").s(p.Name).s("）")
		}
	}
	return t
}

// Registration decides the place-of-registration condition of 第十三条: an
// applying enterprise must be registered in Changchun (division code starting
// with region.changchun_prefix); service providers and procurement suppliers
// need only be registered in the PRC (a division code of a mainland province).
func Registration(v *Values, a *Applicant) Finding {
	f := Finding{Rule: ruleRegistration, Article: "第十三条"}
	code := a.RegionCode
	p, ok := Province{}, false
	if len(code) == 6 {
		p, ok = v.prov.provinceBy[code[:2]]
	}
	if !ok {
		return f.fail("注册地行政区划代码" + code + "不是有效的中华人民共和国行政区划代码（第十三条）")
	}
	if a.Role == RoleEnterprise {
		return registeredInChangchun(v, a, f)
	}
	if !p.Mainland {
		return f.fail("注册地行政区划代码" + code + "属于" + p.Name + "。第十三条要求服务商及政府采购服务主体“在中华人民共和国境内依法注册登记”，本系统将其理解为在内地（大陆）依法注册登记，港澳台地区登记的主体不符合")
	}
	var buf [512]byte
	t := text(buf[:0]).s(a.Role.Label()).s("在中华人民共和国境内依法注册登记，注册地")
	return f.pass(placeName(t, v, code).s("，符合第十三条（服务商及政府采购服务主体在境内注册登记即可）").String())
}

func registeredInChangchun(v *Values, a *Applicant, f Finding) Finding {
	var buf [256]byte
	t := text(buf[:0])
	if !inChangchun(v, a) {
		t = t.s("申报企业须在长春市依法注册登记；注册地")
		return f.fail(placeName(t, v, a.RegionCode).s("不在长春市（第十三条）").String())
	}
	if a.District != "" {
		if _, ok := v.dist.districtBy["name:"+a.District]; !ok {
			return f.fail("属地“" + a.District + "”不在长春市县（市）区、开发区名单中，请核对（第十三条、第十四条（二））")
		}
		t = t.s("注册地")
		return f.pass(placeName(t, v, a.RegionCode).s("，属地").s(a.District).s("，在长春市依法注册登记（第十三条）").String())
	}
	t = t.s("注册地")
	return f.pass(placeName(t, v, a.RegionCode).s("，在长春市依法注册登记（第十三条）").String())
}

// isListing reports whether the record kind is a list (名录、名单) rather than
// an incident.
func isListing(k CreditKind) bool {
	return k == CreditSeriousDishonesty || k == CreditAbnormalOperation
}

// lastDay is the last day a record covers as of the decision date.
func lastDay(r CreditRecord, asOf Date) Date {
	switch {
	case !r.End.IsZero():
		return r.End
	case isListing(r.Kind):
		return asOf // still listed
	}
	return r.Start
}

// windowStart is the first day of the look-back window ending on asOf.
func windowStart(v *Values, asOf Date) Date {
	return asOf.AddYears(-int(v.n[kCreditLookback]))
}

// withinWindow reports whether the record falls in the look-back window.
func withinWindow(r CreditRecord, from, asOf Date) bool {
	return !r.Start.After(asOf) && !lastDay(r, asOf).Before(from)
}

func currentlyListed(r CreditRecord, asOf Date) bool {
	return isListing(r.Kind) && !r.Start.After(asOf) && (r.End.IsZero() || !asOf.After(r.End))
}

func period(r CreditRecord) string {
	if r.End.IsZero() {
		return r.Start.String() + "起"
	}
	if r.End == r.Start {
		return r.Start.String()
	}
	return r.Start.String() + "至" + r.End.String()
}

// CreditLists decides 第十三条 "企业未被列入经营异常名录或严重失信主体名单":
// a listing current on the decision date fails.
func CreditLists(a *Applicant, asOf Date) Finding {
	f := Finding{Rule: ruleCreditLists, Article: "第十三条"}
	var hits []string
	for _, r := range a.CreditRecords {
		if currentlyListed(r, asOf) {
			hits = append(hits, period(r)+r.Kind.Label())
		}
	}
	if len(hits) > 0 {
		return f.fail("判定日" + asOf.String() + "仍在名录或名单中：" + strings.Join(hits, "；") + "，不符合第十三条")
	}
	var buf [128]byte
	t := text(buf[:0])
	return f.pass(t.s("判定日").date(asOf).s("未被列入经营异常名录或严重失信主体名单（第十三条）").String())
}

// ComplianceRecord decides 第十三条 "近三年未发生重大安全（含网络安全、数据安全
// 等）、质量、环境污染等事故及偷漏税等违法违规行为".
func ComplianceRecord(v *Values, a *Applicant, asOf Date) Finding {
	f := Finding{Rule: ruleComplianceRecord, Article: "第十三条"}
	from := windowStart(v, asOf)
	var hits []string
	for _, r := range a.CreditRecords {
		if !isListing(r.Kind) && withinWindow(r, from, asOf) {
			hits = append(hits, period(r)+r.Kind.Label())
		}
	}
	if len(hits) > 0 {
		return f.fail("近" + years(v, kCreditLookback) + "（" + from.String() + "至" + asOf.String() + "）内有：" +
			strings.Join(hits, "；") + "，不符合第十三条")
	}
	var buf [256]byte
	t := text(buf[:0])
	return f.pass(t.s("近").s(years(v, kCreditLookback)).s("（").date(from).s("至").date(asOf).
		s("）未发生重大安全（含网络安全、数据安全）、质量、环境污染等事故及偷漏税等违法违规行为（第十三条）").String())
}

// SeriousDishonesty decides 第十一条（一）: serious dishonesty within three years
// of the decision date excludes the applicant from all funds.
func SeriousDishonesty(v *Values, a *Applicant, asOf Date) Finding {
	f := Finding{Rule: ruleSeriousDishonesty, Article: "第十一条（一）"}
	from := windowStart(v, asOf)
	var hits, old []string
	for _, r := range a.CreditRecords {
		if r.Kind != CreditSeriousDishonesty || r.Start.After(asOf) {
			continue
		}
		if withinWindow(r, from, asOf) {
			hits = append(hits, period(r))
		} else {
			old = append(old, period(r))
		}
	}
	if len(hits) > 0 {
		return f.fail(years(v, kCreditLookback) + "内（" + from.String() + "至" + asOf.String() + "）存在严重失信行为（" +
			strings.Join(hits, "；") + "），不纳入专项资金支持范围（第十一条（一））")
	}
	if len(old) > 0 {
		return f.pass("严重失信记录（" + strings.Join(old, "；") + "）结束于" + from.String() + "之前，已超过" +
			years(v, kCreditLookback) + "，不再计入（第十一条（一））")
	}
	var buf [128]byte
	t := text(buf[:0])
	return f.pass(t.s(years(v, kCreditLookback)).s("内（").date(from).s("至").date(asOf).s("）无严重失信行为（第十一条（一））").String())
}

// years names a period parameter: "三年" style for small numbers, else "N年".
func years(v *Values, k keyID) string {
	n := v.n[k]
	if n >= 1 && n <= 10 {
		return [...]string{"一年", "二年", "三年", "四年", "五年", "六年", "七年", "八年", "九年", "十年"}[n-1]
	}
	return itoa(n) + "年"
}

// banEnd is the last banned day of a sanction decided on d.
func banEnd(v *Values, d Date) Date { return d.AddYears(int(v.n[kBanYears])) }

// Sanctions decides 第十一条（二） with 第二十条: an applicant found to have
// violated these measures is banned from applying for three years from the
// decision, and excluded from all funds meanwhile.
func Sanctions(v *Values, a *Applicant, asOf Date) Finding {
	f := Finding{Rule: ruleSanctions, Article: "第十一条（二）"}
	var hits, old []string
	for _, s := range a.Sanctions {
		if s.Decided.After(asOf) {
			continue
		}
		end := banEnd(v, s.Decided)
		desc := s.Decided.String() + "作出的处理决定" + sanctionWhy(s)
		if asOf.After(end) {
			old = append(old, desc+"，禁止申报期已于"+end.String()+"届满")
		} else {
			hits = append(hits, desc+"，禁止申报至"+end.String())
		}
	}
	if len(hits) > 0 {
		return f.fail("存在违反本办法的行为：" + strings.Join(hits, "；") + "；" + years(v, kBanYears) +
			"内不准参加有关项目申报，不纳入专项资金支持范围（第十一条（二）、第二十条）")
	}
	if len(old) > 0 {
		return f.pass(strings.Join(old, "；") + "（第二十条）；判定日" + asOf.String() + "不在禁止申报期内")
	}
	return f.pass("无违反本办法的处理记录（第十一条（二）、第二十条）")
}

func sanctionWhy(s Sanction) string {
	var b strings.Builder
	if s.Article != "" || s.Reason != "" {
		b.WriteString("（")
		b.WriteString(s.Article)
		if s.Article != "" && s.Reason != "" {
			b.WriteString("，")
		}
		b.WriteString(s.Reason)
		b.WriteString("）")
	}
	return b.String()
}

// LittleGiant decides 第十条（一）: a 专精特新“小巨人” already funded by the
// central SME development fund is not supported by central funds.
func LittleGiant(a *Applicant) Finding {
	f := Finding{Rule: ruleLittleGiant, Article: "第十条（一）"}
	if a.LittleGiantCentralFunded {
		return f.fail("已获得中央财政中小企业发展专项资金支持的专精特新“小巨人”企业，不纳入中央专项资金支持范围（第十条（一））")
	}
	return f.pass("不是已获中央财政中小企业发展专项资金支持的专精特新“小巨人”企业（第十条（一））")
}

// Pilot2022 decides 第十条（二）: an SME already in the 2022 retrofit pilot
// (工信厅联企业〔2022〕22号) is not supported by central funds.
func Pilot2022(a *Applicant) Finding {
	f := Finding{Rule: rulePilot2022, Article: "第十条（二）"}
	if a.Pilot2022 {
		return f.fail("已纳入工信厅联企业〔2022〕22号改造试点，不纳入中央专项资金支持范围（第十条（二））")
	}
	return f.pass("未纳入工信厅联企业〔2022〕22号改造试点（第十条（二））")
}

// UnacceptedProject decides 第十条（三）: after the pilot period, a unit with a
// project not accepted or failed at acceptance gets no central funds. It
// reads the applicant's declaration and the projects the system records:
//   - a terminated project (failed at acceptance, or its award revoked)
//     counts as soon as it is terminated: the failure is final, and its award
//     is being recovered;
//   - a project not yet accepted counts once the pilot has ended
//     (pilot.end_date) and its deadline (completion, or rectification after a
//     failed acceptance) has passed; until its deadline it may still be
//     accepted.
func UnacceptedProject(v *Values, a *Applicant, asOf Date) Finding {
	f := Finding{Rule: ruleUnaccepted, Article: "第十条（三）"}
	end := v.PilotEnd()
	ended := asOf.After(end)
	var bad []string
	if a.UnacceptedProjectAfterPilot {
		bad = append(bad, "申报主体声明试点实施期结束后有项目未验收或验收不合格")
	}
	accepted, open := 0, 0
	for _, p := range a.Projects {
		name := "项目 " + p.Number
		if p.Title != "" {
			name += "《" + p.Title + "》"
		}
		switch {
		case p.State == ProjectAccepted:
			accepted++
		case p.State == ProjectTerminated:
			bad = append(bad, name+"验收不合格或奖补已撤销，已终止")
		case ended && p.Deadline.Before(asOf):
			bad = append(bad, name+"期限 "+p.Deadline.String()+" 已过，至今未验收")
		default:
			open++
		}
	}
	period := "试点实施期至 " + end.String()
	if len(bad) > 0 {
		return f.fail(strings.Join(bad, "；") + "（" + period + "，参数 pilot.end_date，依据：" + v.source(kPilotEndDate) +
			"），不纳入中央专项资金支持范围（第十条（三））")
	}
	msg := "无试点实施期结束后未验收或验收不合格的项目（第十条（三），" + period + "）"
	if n := len(a.Projects); n > 0 {
		msg += "；系统记录的改造项目 " + itoa(int64(n)) + " 个：已验收 " + itoa(int64(accepted)) + " 个，尚在期限内 " + itoa(int64(open)) + " 个"
	}
	return f.pass(msg)
}

// allowedRoles says who may claim each category (see the readings above).
func allowedRoles(c *Claim) []Role {
	switch c.Category {
	case Cat71:
		return []Role{RoleEnterprise}
	case Cat72:
		if c.Subtype == SubtypeCloud {
			return []Role{RoleEnterprise}
		}
		return []Role{RoleEnterprise, RoleServiceProvider}
	case Cat73, Cat74:
		return []Role{RoleServiceProvider}
	case Cat75:
		return []Role{RoleEnterprise, RoleServiceProvider}
	case Cat76:
		return []Role{RoleProcurementSupplier}
	}
	return []Role{RoleEnterprise, RoleServiceProvider, RoleProcurementSupplier}
}

var categoryApplicantText = map[Category]string{
	Cat71:    "第七条（一）支持的是进行数字化改造的中小企业",
	Cat73:    "第七条（三）奖励的是“小快轻准”产品和服务的服务商（“每家服务商奖补累计不超过50万元”）",
	Cat74:    "第七条（四）奖补的是数字化服务商",
	Cat75:    "第七条（五）支持打造“链式”产品和应用的企业或服务商",
	Cat76:    "第七条（六）以政府采购形式购买服务，支持对象为政府采购的相关服务主体（第十二条）",
	CatLocal: "地方配套资金支持企业（第八条）及其他与数字化转型相关的工作事项（第九条）",
}

func applicantText(c *Claim) string {
	if c.Category == Cat72 {
		if c.Subtype == SubtypeCloud {
			return "第七条（二）“每家上云上平台的企业”支持的是上云上平台的企业"
		}
		return "第七条（二）标杆“每个奖补”，由打造标杆的企业或平台服务商申报"
	}
	return categoryApplicantText[c.Category]
}

// CategoryApplicant decides whether the applicant's role fits the category
// claimed (第七条（一）–（六）, 第八条, 第九条).
func CategoryApplicant(c *Claim, a *Applicant) Finding {
	f := Finding{Rule: ruleCategoryApplicant, Article: c.Category.Article()}
	roles := allowedRoles(c)
	names := make([]string, len(roles))
	for i, r := range roles {
		if r == a.Role {
			return f.pass(applicantText(c) + "；申报身份为" + a.Role.Label() + "，相符")
		}
		names[i] = r.Label()
	}
	return f.fail(applicantText(c) + "，申报身份应为" + strings.Join(names, "或") + "；实际为" + a.Role.Label() + "，不相符")
}

// CentralScope decides 第七条's scope of central funds: "支持企业范围为长春市
// 汽车零部件配件制造、轨道交通高端装备制造、电子元器件制造和中成药生物药品制造
// 等四个细分行业中小企业". It holds an applying enterprise to that scope; service
// providers and procurement suppliers are the supply side and are not.
func CentralScope(v *Values, a *Applicant, c *Claim) Finding {
	f := Finding{Rule: ruleCentralScope, Article: "第七条"}
	if c.Category == CatLocal {
		return f.na("申报类别为地方配套资金支持的工作（第八条、第九条），不使用中央专项资金（第二条）")
	}
	if a.Role != RoleEnterprise {
		return f.pass("第七条“支持企业范围”（四个细分行业中小企业）是对受支持企业的限定；" + a.Role.Label() + "作为服务供给方不受该行业和规模限制")
	}
	size := sizeOf(v, a)
	ind, pilot := v.pilot.industryBy[a.IndustryCode]
	var miss []string
	switch {
	case a.Kind != KindEnterprise:
		miss = append(miss, "主体类型为"+a.Kind.Label()+"，不是企业")
	case size == SizeUnknown:
		miss = append(miss, "未能划型，无法确认为中小企业")
	case !size.IsSME():
		miss = append(miss, "为大型企业，不是中小企业")
	}
	if !pilot {
		miss = append(miss, "行业不属于四个试点行业")
	}
	if !inChangchun(v, a) {
		miss = append(miss, "未在长春市注册")
	}
	if len(miss) > 0 {
		return f.fail("中央专项资金只支持长春市四个细分行业的中小企业；该企业" + strings.Join(miss, "、") + "，不在中央专项资金支持范围（第七条）")
	}
	return f.pass("长春市试点行业“" + ind.Industry + "”的" + size.Label() + "，属于中央专项资金支持企业范围（第七条）")
}

// LocalScope decides 第八条 and 第九条: local funds support SMEs of the filed
// industries, their large enterprises and enterprises of other industries,
// and other digital-transformation work.
func LocalScope(v *Values, a *Applicant, c *Claim) Finding {
	if a.Role != RoleEnterprise {
		f := Finding{Rule: ruleLocalScope, Article: "第九条"}
		return f.pass(a.Role.Label() + "承担的与数字化转型相关的工作事项，可由地方配套资金统筹支持（第九条、第二条）")
	}
	f := Finding{Rule: ruleLocalScope, Article: "第八条"}
	if a.Kind != KindEnterprise {
		return f.fail("第八条地方配套资金支持的是企业；主体类型为" + a.Kind.Label())
	}
	size := sizeOf(v, a)
	ind, pilot := v.pilot.industryBy[a.IndustryCode]
	var buf [512]byte
	t := text(buf[:0])
	switch {
	case pilot && size.IsSME():
		t = t.s("国家备案行业（").s(ind.Industry).s("）的中小企业")
	case pilot && size == SizeLarge:
		t = t.s("国家备案行业（").s(ind.Industry).s("）的大型企业")
	case pilot:
		t = t.s("国家备案行业（").s(ind.Industry).s("）的企业")
	default:
		t = t.s("其他行业企业")
	}
	t = t.s("，属于地方配套资金支持范围（第八条）")
	if c.Category != CatLocal {
		t = t.s("；地方配套资金的具体标准依据省市相关政策，本判定按第七条同类标准计算上限（第二条：统筹使用）")
	}
	return f.pass(t.String())
}
