package app

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/internal/sheet"
	"dtfund/internal/store"
	"dtfund/uscc"
)

// Organisations with their size facts (单位及规模数据): the registry data and
// the yearly 从业人员, 营业收入 and 资产总额 that classify an enterprise under
// 第五条. One row per organisation and year; the natural key is the
// 统一社会信用代码 (and the year for the size facts). An organisation not yet
// in the system is created; one that is gets the given fields and years
// changed, and keeps what the file leaves blank or does not have.

// OrgColumns are the columns of the organisations import and export.
var OrgColumns = []sheet.Column{
	{Key: "uscc", Title: "统一社会信用代码", Aliases: []string{"信用代码", "社会信用代码", "统一代码", "统一社会信用代码证号"}, Required: true, Kind: sheet.Code,
		Help: "18位，GB 32100-2015，含校验位；全角字母数字会自动转换"},
	{Key: "name", Title: "单位名称", Aliases: []string{"名称", "企业名称", "单位全称", "企业全称"}, Required: true, Kind: sheet.Text,
		Help: "不超过100个字"},
	{Key: "kind", Title: "单位类型", Aliases: []string{"类型", "单位性质"}, Kind: sheet.Text,
		Help: "企业、行政机关、事业单位或社会团体；新单位留空为企业（第十二条）"},
	{Key: "legal_person", Title: "独立法人", Aliases: []string{"法人", "是否法人", "是否独立法人", "独立法人资格"}, Kind: sheet.Bool,
		Help: "是/否；新单位留空为是（第十二条）"},
	{Key: "region", Title: "注册地区划代码", Aliases: []string{"注册地区划", "注册地", "行政区划代码", "注册地行政区划代码"}, Kind: sheet.Code,
		Help: "6位行政区划代码；新单位留空取统一社会信用代码第3–8位"},
	{Key: "district", Title: "属地县（市）区", Aliases: []string{"属地县区", "属地", "所属县区", "县区", "所在县区", "属地代码", "县（市）区"}, Kind: sheet.Text,
		Help: "县（市）区、开发区的名称或代码（如 朝阳区、长春汽车经济技术开发区、220174）；注册地在长春市的单位必填，在长春市外的留空"},
	{Key: "industry", Title: "行业代码", Aliases: []string{"国民经济行业代码", "行业分类代码", "所属行业代码"}, Kind: sheet.Code,
		Help: "GB/T 4754-2017 四位代码，企业必填（第四条）"},
	{Key: "roles", Title: "身份", Aliases: []string{"单位身份"}, Kind: sheet.Text,
		Help: "申报企业、服务商，或“申报企业、服务商”；新单位留空为申报企业"},
	{Key: "address", Title: "地址", Aliases: []string{"注册地址", "通讯地址", "单位地址"}, Kind: sheet.Text, Help: "不超过200个字"},
	{Key: "contact_name", Title: "联系人", Kind: sheet.Text, Help: "不超过50个字"},
	{Key: "contact_phone", Title: "联系电话", Aliases: []string{"电话", "手机"}, Kind: sheet.Text, Help: "数字、空格和连字符，7至20位"},
	{Key: "year", Title: "年度", Aliases: []string{"统计年度", "数据年度", "年份"}, Kind: sheet.Int,
		Help: "规模数据所属年度；填写年度时，从业人员、营业收入、资产总额均须填写（第五条）"},
	{Key: "employees", Title: "从业人员（人）", Aliases: []string{"从业人员", "从业人数", "职工人数", "从业人员数", "年末从业人员"}, Kind: sheet.Int},
	{Key: "revenue", Title: "营业收入（元）", Aliases: []string{"营业收入", "年营业收入", "主营业务收入"}, Kind: sheet.Money,
		Help: "单位元，两位小数；表头写“营业收入（万元）”时按万元读取"},
	{Key: "assets", Title: "资产总额（元）", Aliases: []string{"资产总额", "总资产"}, Kind: sheet.Money,
		Help: "单位元，两位小数；表头写“资产总额（万元）”时按万元读取"},
}

// orgRow is one row of the organisations table. Nil pointers are cells the
// file leaves blank or columns it does not have: the stored value stays.
type orgRow struct {
	uscc, name                                 string
	kind                                       *dtfund.OrgKind
	legal                                      *bool
	region, district, industry                 *string
	applicant, provider                        *bool
	address, contactName, contactPhone, distIn *string
	fact                                       *dtfund.SizeFact
}

func init() {
	registerImport(&importKind[*orgRow]{
		ImportKindInfo: ImportKindInfo{Name: "organizations", Label: "单位及规模数据", Article: "第五条、第十二条",
			Note:    "按统一社会信用代码新增或更新单位，按年度新增或更新规模数据；空白单元格不改变已有的值。同一文件再次导入不产生任何变化。",
			Columns: OrgColumns, Roles: []dtfund.Role{dtfund.RoleCityMIIT, dtfund.RoleAdmin}},
		keyColumn: "uscc", keyLabel: "统一社会信用代码和年度",
		parse: parseOrgRow, check: checkOrgRows, write: writeOrgRows,
	})
}

func parseOrgRow(_ *importEnv, rr *sheet.RowReader) (*orgRow, string) {
	r := &orgRow{uscc: strings.ToUpper(rr.Code("uscc", true)), name: rr.Text("name", true, 100)}
	if r.uscc != "" {
		if err := uscc.Validate(r.uscc); err != nil {
			rr.Fail("uscc", "“%s”%s", r.uscc, err.Error())
		}
	}
	if v := rr.Text("kind", false, 20); v != "" {
		if k, ok := parseOrgKind(v); ok {
			r.kind = &k
		} else {
			rr.Fail("kind", "“%s”无法识别，应为企业、行政机关、事业单位或社会团体", v)
		}
	}
	if !rr.Blank("legal_person") {
		b := rr.Bool("legal_person", true)
		r.legal = &b
	}
	r.region, r.industry = given(rr.Code("region", false)), given(rr.Code("industry", false))
	r.distIn = given(rr.Text("district", false, 50))
	if v := rr.Text("roles", false, 20); v != "" {
		app, prov := strings.Contains(v, "申报") || strings.Contains(v, "企业"), strings.Contains(v, "服务")
		if !app && !prov {
			rr.Fail("roles", "“%s”无法识别，应为“申报企业”“服务商”或“申报企业、服务商”", v)
		}
		r.applicant, r.provider = &app, &prov
	}
	r.address, r.contactName = given(rr.Text("address", false, 200)), given(rr.Text("contact_name", false, 50))
	r.contactPhone = given(sheet.Fold(rr.Text("contact_phone", false, 30)))
	r.fact = parseSizeFact(rr)
	key := r.uscc
	if r.fact != nil {
		key += "|" + strconv.Itoa(r.fact.Year)
	}
	return r, key
}

// parseSizeFact reads the year's figures (第五条): all or none.
func parseSizeFact(rr *sheet.RowReader) *dtfund.SizeFact {
	year, hasYear := rr.Int("year", false)
	emp, hasEmp := rr.Int("employees", false)
	rev, hasRev := rr.Money("revenue", false)
	assets, hasAssets := rr.Money("assets", false)
	if !rr.OK() {
		return nil
	}
	if !hasYear {
		if hasEmp || hasRev || hasAssets {
			rr.Fail("year", "填写了规模数据时须填写所属年度")
		}
		return nil
	}
	if year < 2000 || year > 2100 {
		rr.Fail("year", "年度须在2000至2100之间")
	}
	for _, f := range []struct {
		key string
		has bool
		v   int64
	}{{"employees", hasEmp, emp}, {"revenue", hasRev, rev}, {"assets", hasAssets, assets}} {
		switch {
		case !f.has:
			rr.Fail(f.key, "填写了年度时不能为空（第五条按从业人员、营业收入、资产总额划分企业规模）")
		case f.v < 0:
			rr.Fail(f.key, "不能为负数")
		}
	}
	return &dtfund.SizeFact{Year: int(year), Employees: emp, RevenueFen: rev, AssetsFen: assets}
}

func given(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

var orgKindWords = map[string]dtfund.OrgKind{
	"企业": dtfund.OrgEnterprise, "公司": dtfund.OrgEnterprise, "enterprise": dtfund.OrgEnterprise,
	"行政机关": dtfund.OrgGovernment, "机关": dtfund.OrgGovernment, "government": dtfund.OrgGovernment,
	"事业单位": dtfund.OrgInstitution, "institution": dtfund.OrgInstitution,
	"社会团体": dtfund.OrgAssociation, "社团": dtfund.OrgAssociation, "association": dtfund.OrgAssociation,
}

func parseOrgKind(s string) (dtfund.OrgKind, bool) {
	k, ok := orgKindWords[strings.ToLower(sheet.Fold(s))]
	return k, ok
}

// districtAliases are the short names the districts' own tables use.
var districtAliases = map[string]string{
	"经开区": "220171", "长春经开区": "220171", "净月区": "220172", "净月高新区": "220172", "净月": "220172",
	"高新区": "220173", "长春高新区": "220173", "汽开区": "220174", "长春汽开区": "220174",
	"新区": "X22001", "中韩示范区": "X22002", "莲花山": "X22003", "莲花山度假区": "X22003",
}

// districtIndex resolves a 属地 cell: a code, a name, 长春市+name or a
// short name.
type districtIndex map[string]string // folded name or code → code

func (a *App) districtIndex(ctx context.Context) (districtIndex, error) {
	ds, err := a.DB.Districts(ctx)
	if err != nil {
		return nil, err
	}
	idx := districtIndex{}
	for _, d := range ds {
		idx[d.Code], idx[sheet.Fold(d.Name)] = d.Code, d.Code
	}
	for name, code := range districtAliases {
		idx[name] = code
	}
	return idx, nil
}

// exists reports whether a code is a district's.
func (idx districtIndex) exists(code string) bool { return idx[code] == code }

func (idx districtIndex) code(s string) (string, bool) {
	f := strings.ReplaceAll(strings.ToUpper(sheet.Fold(s)), " ", "")
	if c, ok := idx[f]; ok {
		return c, true
	}
	c, ok := idx[strings.TrimPrefix(strings.TrimPrefix(f, "吉林省"), "长春市")]
	return c, ok
}

// orgGroup is one organisation's rows in the file.
type orgGroup struct {
	rows []*parsed[*orgRow]
}

func groupOrgRows(rows []*parsed[*orgRow]) (map[string]*orgGroup, []string) {
	groups := map[string]*orgGroup{}
	var codes []string
	for _, p := range rows {
		g, ok := groups[p.rec.uscc]
		if !ok {
			g = &orgGroup{}
			groups[p.rec.uscc] = g
			codes = append(codes, p.rec.uscc)
		}
		g.rows = append(g.rows, p)
	}
	return groups, codes
}

// checkOrgRows checks each organisation as it would be after the import:
// its rows agree, its 属地 exists, and the organisation passes the same
// validation as the profile form.
func checkOrgRows(ctx context.Context, env *importEnv, rows []*parsed[*orgRow]) error {
	idx, err := env.a.districtIndex(ctx)
	if err != nil {
		return err
	}
	for _, p := range rows {
		if p.rec.distIn == nil {
			continue
		}
		if c, ok := idx.code(*p.rec.distIn); ok {
			p.rec.district = &c
		} else {
			p.Fail("district", "“%s”不是长春市的县（市）区或开发区，应填写名称或代码（如 朝阳区、220174）", *p.rec.distIn)
		}
	}
	groups, codes := groupOrgRows(passed(rows))
	existing, err := env.a.DB.OrganizationsByUSCC(ctx, codes)
	if err != nil {
		return err
	}
	for i, code := range codes {
		g := groups[code]
		if !g.consistent() {
			continue
		}
		o := desiredOrg(existing[code], g)
		if err := orgDistrictRules(o, idx.exists); err != nil {
			g.fail(err)
		}
		env.progress("核对", i+1, len(codes))
	}
	return nil
}

// consistent fails the later rows of an organisation whose registry fields
// differ from its first row's.
func (g *orgGroup) consistent() bool {
	first := g.rows[0]
	ok := true
	for _, p := range g.rows[1:] {
		for _, d := range orgRowDiffs(first.rec, p.rec) {
			p.Fail(d, "与第%d行不一致：同一单位各行的单位信息须相同", first.Row.Num)
			ok = false
		}
	}
	return ok
}

// orgRowDiffs names the registry columns two rows of one organisation give
// differently (a blank cell agrees with anything).
func orgRowDiffs(a, b *orgRow) []string {
	var out []string
	str := func(key string, x, y *string) {
		if x != nil && y != nil && *x != *y {
			out = append(out, key)
		}
	}
	if a.name != b.name {
		out = append(out, "name")
	}
	if a.kind != nil && b.kind != nil && *a.kind != *b.kind {
		out = append(out, "kind")
	}
	if a.legal != nil && b.legal != nil && *a.legal != *b.legal {
		out = append(out, "legal_person")
	}
	str("region", a.region, b.region)
	str("district", a.district, b.district)
	str("industry", a.industry, b.industry)
	if a.applicant != nil && b.applicant != nil && (*a.applicant != *b.applicant || *a.provider != *b.provider) {
		out = append(out, "roles")
	}
	str("address", a.address, b.address)
	str("contact_name", a.contactName, b.contactName)
	str("contact_phone", a.contactPhone, b.contactPhone)
	return out
}

// orgFieldColumns maps the validation's field names to the columns.
var orgFieldColumns = map[string]string{"uscc": "uscc", "name": "name", "kind": "kind", "region_code": "region",
	"district_code": "district", "industry_code": "industry", "roles": "roles", "address": "address", "contact_phone": "contact_phone"}

// fail reports validation errors on the first row of the organisation,
// size-fact errors on the row of that year.
func (g *orgGroup) fail(err error) {
	var v dtfund.ValidationErrors
	if !asValidationErrors(err, &v) {
		g.rows[0].FailRow("%s", dtfund.ErrorMessage(err))
		return
	}
	for _, e := range v {
		if col, ok := orgFieldColumns[e.Field]; ok {
			g.rows[0].Fail(col, "%s", e.Message)
			continue
		}
		g.rows[0].FailRow("%s", e.Message)
	}
}

func asValidationErrors(err error, target *dtfund.ValidationErrors) bool {
	if v, ok := err.(dtfund.ValidationErrors); ok {
		*target = v
		return true
	}
	if e, ok := err.(*dtfund.Error); ok && e.Field != "" {
		*target = dtfund.ValidationErrors{e}
		return true
	}
	return false
}

// desiredOrg is the organisation as the import leaves it: the stored one (or
// a new one with defaults) with the file's fields and years applied.
func desiredOrg(cur *dtfund.Organization, g *orgGroup) *dtfund.Organization {
	var o dtfund.Organization
	if cur != nil {
		o = *cur
		o.SizeFacts = slices.Clone(cur.SizeFacts)
	} else {
		o = dtfund.Organization{Kind: dtfund.OrgEnterprise, LegalPerson: true, IsApplicant: true}
	}
	first := g.rows[0].rec
	o.USCC, o.Name = first.uscc, first.name
	for _, p := range g.rows {
		p.rec.applyTo(&o)
	}
	if cur == nil {
		if o.RegionCode == "" {
			o.RegionCode = uscc.DivisionCode(o.USCC)
		}
	}
	dtfund.NormalizeOrganization(&o)
	return &o
}

func (r *orgRow) applyTo(o *dtfund.Organization) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	if r.kind != nil {
		o.Kind = *r.kind
	}
	if r.legal != nil {
		o.LegalPerson = *r.legal
	}
	set(&o.RegionCode, r.region)
	set(&o.DistrictCode, r.district)
	set(&o.IndustryCode, r.industry)
	if r.applicant != nil {
		o.IsApplicant, o.IsProvider = *r.applicant, *r.provider
	}
	set(&o.Address, r.address)
	set(&o.ContactName, r.contactName)
	set(&o.ContactPhone, r.contactPhone)
	if r.fact != nil {
		i := slices.IndexFunc(o.SizeFacts, func(f dtfund.SizeFact) bool { return f.Year == r.fact.Year })
		if i >= 0 {
			o.SizeFacts[i] = *r.fact
		} else {
			o.SizeFacts = append(o.SizeFacts, *r.fact)
		}
		sort.Slice(o.SizeFacts, func(i, j int) bool { return o.SizeFacts[i].Year > o.SizeFacts[j].Year })
	}
}

// sameOrg reports whether two versions of an organisation hold the same
// registry fields and size facts.
func sameOrg(a, b *dtfund.Organization) bool {
	return sameRegistry(a, b) && slices.Equal(a.SizeFacts, b.SizeFacts)
}

func sameRegistry(a, b *dtfund.Organization) bool {
	return a.USCC == b.USCC && a.Name == b.Name && a.Kind == b.Kind && a.LegalPerson == b.LegalPerson && a.RegionCode == b.RegionCode &&
		a.DistrictCode == b.DistrictCode && a.IndustryCode == b.IndustryCode && a.IsApplicant == b.IsApplicant &&
		a.IsProvider == b.IsProvider && a.Address == b.Address && a.ContactName == b.ContactName && a.ContactPhone == b.ContactPhone
}

// writeOrgRows creates or updates each organisation whose import changes
// something, with the same audit records as the profile form.
func writeOrgRows(ctx context.Context, tx *store.Tx, env *importEnv, rows []*parsed[*orgRow]) (ImportCounts, error) {
	var c ImportCounts
	groups, codes := groupOrgRows(rows)
	existing, err := tx.OrganizationsByUSCC(ctx, codes)
	if err != nil {
		return c, err
	}
	done := 0
	for _, code := range codes {
		g, cur := groups[code], existing[code]
		o := desiredOrg(cur, g)
		switch {
		case cur == nil:
			if err := tx.CreateOrganization(ctx, o); err != nil {
				return c, err
			}
			if err := tx.Audit(ctx, env.actor.audit("organization.create", "organization", itoa(o.ID)), nil, o); err != nil {
				return c, err
			}
			c.Inserted += len(g.rows)
		case sameOrg(cur, o):
			c.Unchanged += len(g.rows)
		default:
			if err := tx.UpdateOrganization(ctx, o); err != nil {
				return c, err
			}
			if err := tx.Audit(ctx, env.actor.audit("organization.update", "organization", itoa(o.ID)), cur, o); err != nil {
				return c, err
			}
			countOrgRows(&c, cur, o, g)
		}
		done += len(g.rows)
		env.progress("写入", done, len(rows))
	}
	return c, nil
}

// countOrgRows counts an updated organisation's rows: a row whose year is
// new counts as inserted, one whose year or (first row) registry fields
// changed as updated, the others as unchanged.
func countOrgRows(c *ImportCounts, cur, o *dtfund.Organization, g *orgGroup) {
	regChanged := !sameRegistry(cur, o)
	for i, p := range g.rows {
		f := p.rec.fact
		var old *dtfund.SizeFact
		if f != nil {
			if j := slices.IndexFunc(cur.SizeFacts, func(x dtfund.SizeFact) bool { return x.Year == f.Year }); j >= 0 {
				old = &cur.SizeFacts[j]
			}
		}
		switch {
		case f != nil && old == nil:
			c.Inserted++
		case (f != nil && *old != *f) || (i == 0 && regChanged):
			c.Updated++
		default:
			c.Unchanged++
		}
	}
}
