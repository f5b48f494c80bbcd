package dtfund

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dtfund/uscc"
)

// OrgKind is the legal form of an organisation (第十二条).
type OrgKind string

// The kinds 第十二条 admits.
const (
	OrgEnterprise  OrgKind = "enterprise"  // 企业
	OrgGovernment  OrgKind = "government"  // 行政机关
	OrgInstitution OrgKind = "institution" // 事业单位
	OrgAssociation OrgKind = "association" // 社会团体
)

// OrgKinds lists the kinds in display order.
var OrgKinds = []OrgKind{OrgEnterprise, OrgGovernment, OrgInstitution, OrgAssociation}

var orgKindLabels = map[OrgKind]string{
	OrgEnterprise:  "企业",
	OrgGovernment:  "行政机关",
	OrgInstitution: "事业单位",
	OrgAssociation: "社会团体",
}

// Label is the Chinese name of the kind.
func (k OrgKind) Label() string {
	if l, ok := orgKindLabels[k]; ok {
		return l
	}
	return string(k)
}

// Organization is a 单位: an enterprise, a public body or an association that
// applies for support, provides services, or both.
type Organization struct {
	ID           int64
	USCC         string // 统一社会信用代码
	Name         string
	Kind         OrgKind
	LegalPerson  bool   // 独立法人资格
	RegionCode   string // 注册地行政区划代码 (6 digits)
	DistrictCode string // 属地县（市）区、开发区, empty when outside Changchun
	IndustryCode string // GB/T 4754-2017 行业代码 (4 digits)
	IsApplicant  bool   // may apply as an enterprise (申报企业)
	IsProvider   bool   // may act as a service provider (服务商)
	Address      string
	ContactName  string
	ContactPhone string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	SizeFacts    []SizeFact
	DistrictName string // filled by queries that join districts
}

// SizeFact is one year's size figures (从业人员, 营业收入, 资产总额) used to
// classify the enterprise under 第五条.
type SizeFact struct {
	Year       int
	Employees  int64
	RevenueFen int64
	AssetsFen  int64
}

// NormalizeOrganization trims the free-text fields and normalises the code, so
// that input from Excel or a phone keyboard validates as the user meant it.
func NormalizeOrganization(o *Organization) {
	o.USCC = uscc.Normalize(o.USCC)
	o.Name = strings.TrimSpace(o.Name)
	o.RegionCode = strings.TrimSpace(o.RegionCode)
	o.IndustryCode = strings.TrimSpace(o.IndustryCode)
	o.Address = strings.TrimSpace(o.Address)
	o.ContactName = strings.TrimSpace(o.ContactName)
	o.ContactPhone = strings.TrimSpace(o.ContactPhone)
}

// ValidateOrganization checks every field and reports all problems at once.
func ValidateOrganization(o *Organization) error {
	var v ValidationErrors
	if err := uscc.Validate(o.USCC); err != nil {
		v.Add("uscc", "%s", err.Error())
	}
	if o.Name == "" || utf8.RuneCountInString(o.Name) > 100 {
		v.Add("name", "单位名称不能为空，且不超过100个字")
	}
	if _, ok := orgKindLabels[o.Kind]; !ok {
		v.Add("kind", "单位类型须为企业、行政机关、事业单位或社会团体")
	}
	if !isDigits(o.RegionCode, 6) {
		v.Add("region_code", "注册地行政区划代码须为6位数字")
	}
	if o.IndustryCode != "" && !isDigits(o.IndustryCode, 4) {
		v.Add("industry_code", "行业代码须为4位数字（GB/T 4754-2017）")
	}
	if o.Kind == OrgEnterprise && o.IndustryCode == "" {
		v.Add("industry_code", "企业须填写行业代码（GB/T 4754-2017）")
	}
	if !o.IsApplicant && !o.IsProvider {
		v.Add("roles", "请至少选择一种身份：申报企业或服务商")
	}
	if utf8.RuneCountInString(o.Address) > 200 {
		v.Add("address", "地址不超过200个字")
	}
	if o.ContactPhone != "" && !validPhone(o.ContactPhone) {
		v.Add("contact_phone", "联系电话只能包含数字、空格和连字符，7至20位")
	}
	for i, f := range o.SizeFacts {
		validateSizeFact(&v, i, f)
	}
	return v.Err()
}

func validateSizeFact(v *ValidationErrors, i int, f SizeFact) {
	if f.Year < 2000 || f.Year > 2100 {
		v.Add(sizeField(i, "year"), "年度须在2000至2100之间")
	}
	if f.Employees < 0 {
		v.Add(sizeField(i, "employees"), "从业人员不能为负数")
	}
	if f.RevenueFen < 0 {
		v.Add(sizeField(i, "revenue"), "营业收入不能为负数")
	}
	if f.AssetsFen < 0 {
		v.Add(sizeField(i, "assets"), "资产总额不能为负数")
	}
}

func sizeField(i int, name string) string {
	return "size." + strconv.Itoa(i) + "." + name
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validPhone(s string) bool {
	n := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			n++
		case c == ' ' || c == '-' || c == '+':
		default:
			return false
		}
	}
	return n >= 7 && n <= 20
}

// District is a county-level unit of Changchun (县（市）区、开发区), the
// jurisdiction of district officials.
type District struct {
	Code        string
	Name        string
	Kind        string // 市辖区, 县, 县级市, 开发区
	HasStatCode bool   // false for zones without a statistical division code
	Sort        int
}
