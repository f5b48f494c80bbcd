package dtfund

import (
	"strings"
	"time"
)

// Role is what a user does in the system; each user has exactly one.
type Role string

// The roles of DESIGN §1.
const (
	RoleApplicant       Role = "applicant"        // 申报主体
	RoleDistrictMIIT    Role = "district_miit"    // 县区工信
	RoleDistrictFinance Role = "district_finance" // 县区财政
	RoleCityMIIT        Role = "city_miit"        // 市工信局
	RoleCityFinance     Role = "city_finance"     // 市财政局
	RoleExpert          Role = "expert"           // 专家
	RoleInspector       Role = "inspector"        // 第三方机构
	RoleAdmin           Role = "admin"            // 系统管理员
)

// Roles lists every role in display order.
var Roles = []Role{RoleApplicant, RoleDistrictMIIT, RoleDistrictFinance, RoleCityMIIT, RoleCityFinance, RoleExpert, RoleInspector, RoleAdmin}

var roleLabels = map[Role]string{
	RoleApplicant:       "申报主体",
	RoleDistrictMIIT:    "县区工信部门",
	RoleDistrictFinance: "县区财政部门",
	RoleCityMIIT:        "市工业和信息化局",
	RoleCityFinance:     "市财政局",
	RoleExpert:          "评审专家",
	RoleInspector:       "第三方机构",
	RoleAdmin:           "系统管理员",
}

// Label is the Chinese name of the role.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := roleLabels[r]; return ok }

// NeedsDistrict reports whether the role acts for one district (a jurisdiction).
func (r Role) NeedsDistrict() bool { return r == RoleDistrictMIIT || r == RoleDistrictFinance }

// NeedsOrganization reports whether the role acts for one organisation.
func (r Role) NeedsOrganization() bool { return r == RoleApplicant }

// IsCity reports whether the role is a city-level official.
func (r Role) IsCity() bool { return r == RoleCityMIIT || r == RoleCityFinance }

// User is a person with an account. DistrictCode is set for district roles,
// OrgID for applicants.
type User struct {
	ID           int64
	Username     string
	DisplayName  string
	Email        string // for notifications; optional
	Role         Role
	DistrictCode string
	OrgID        int64
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ValidateUser checks the fields a user must have for its role.
func ValidateUser(u *User) error {
	var v ValidationErrors
	if !validUsername(u.Username) {
		v.Add("username", "用户名须为3至32位字母、数字、下划线、点或连字符")
	}
	if u.DisplayName == "" {
		v.Add("display_name", "姓名不能为空")
	}
	if !u.Role.Valid() {
		v.Add("role", "角色无效")
	}
	if u.Role.NeedsDistrict() && u.DistrictCode == "" {
		v.Add("district_code", "%s须指定所属县（市）区、开发区", u.Role.Label())
	}
	if !u.Role.NeedsDistrict() && u.DistrictCode != "" {
		v.Add("district_code", "%s不设辖区", u.Role.Label())
	}
	if u.Email != "" && !validEmail(u.Email) {
		v.Add("email", "电子邮箱格式不正确")
	}
	if u.Role.NeedsOrganization() && u.OrgID == 0 {
		v.Add("org", "申报主体账号须关联单位")
	}
	return v.Err()
}

func validUsername(s string) bool {
	if len(s) < 3 || len(s) > 32 {
		return false
	}
	for _, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// ValidatePassword enforces the password policy for new passwords.
func ValidatePassword(p string) error {
	if len([]rune(p)) < 10 {
		return FieldError("password", "密码至少10个字符")
	}
	var lower, upper, digit bool
	for _, c := range p {
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9':
			digit = true
		}
	}
	if !(lower && upper && digit) {
		return FieldError("password", "密码须同时包含大写字母、小写字母和数字")
	}
	return nil
}

// validEmail is a plausibility check (one @, a dot in the domain, no
// spaces); delivery is the real test.
func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at == strings.LastIndexByte(s, '@') && strings.Contains(s[at:], ".") &&
		!strings.ContainsAny(s, " \t\r\n<>,;") && len(s) <= 254
}
