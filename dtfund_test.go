package dtfund_test

import (
	"errors"
	"strings"
	"testing"

	"dtfund"
)

func validOrg() *dtfund.Organization {
	return &dtfund.Organization{USCC: "91110000600037341L", Name: "某公司", Kind: dtfund.OrgEnterprise, LegalPerson: true,
		RegionCode: "220104", IndustryCode: "3670", IsApplicant: true}
}

func TestValidateOrganization(t *testing.T) {
	if err := dtfund.ValidateOrganization(validOrg()); err != nil {
		t.Fatalf("valid organisation rejected: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(o *dtfund.Organization)
		field string
		msg   string
	}{
		{"bad check character", func(o *dtfund.Organization) { o.USCC = "91110000600037341N" }, "uscc", "统一社会信用代码"},
		{"empty name", func(o *dtfund.Organization) { o.Name = "" }, "name", "单位名称不能为空"},
		{"unknown kind", func(o *dtfund.Organization) { o.Kind = "individual" }, "kind", "单位类型"},
		{"short region", func(o *dtfund.Organization) { o.RegionCode = "2201" }, "region_code", "6位数字"},
		{"enterprise without industry", func(o *dtfund.Organization) { o.IndustryCode = "" }, "industry_code", "行业代码"},
		{"no role", func(o *dtfund.Organization) { o.IsApplicant = false }, "roles", "至少选择一种身份"},
		{"bad phone", func(o *dtfund.Organization) { o.ContactPhone = "abc" }, "contact_phone", "联系电话"},
		{"negative staff", func(o *dtfund.Organization) {
			o.SizeFacts = []dtfund.SizeFact{{Year: 2025, Employees: -1}}
		}, "size.0.employees", "从业人员不能为负数"},
		{"year out of range", func(o *dtfund.Organization) { o.SizeFacts = []dtfund.SizeFact{{Year: 1999}} }, "size.0.year", "年度"},
	}
	for _, c := range cases {
		o := validOrg()
		c.edit(o)
		err := dtfund.ValidateOrganization(o)
		var v dtfund.ValidationErrors
		if !errors.As(err, &v) {
			t.Errorf("%s: err = %v, want ValidationErrors", c.name, err)
			continue
		}
		if msg := v.ByField()[c.field]; !strings.Contains(msg, c.msg) {
			t.Errorf("%s: field %s message %q, want it to contain %q (all: %v)", c.name, c.field, msg, c.msg, v)
		}
		if dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Errorf("%s: code %s", c.name, dtfund.ErrorCode(err))
		}
	}
}

func TestNormalizeOrganizationFullWidth(t *testing.T) {
	o := validOrg()
	o.USCC = " ９１１１００００６０００３７３４１Ｌ "
	dtfund.NormalizeOrganization(o)
	if o.USCC != "91110000600037341L" {
		t.Fatalf("normalised USCC = %q", o.USCC)
	}
}

func TestValidateUser(t *testing.T) {
	ok := []*dtfund.User{
		{Username: "city", DisplayName: "市工信", Role: dtfund.RoleCityMIIT},
		{Username: "d.1", DisplayName: "县区", Role: dtfund.RoleDistrictMIIT, DistrictCode: "220174"},
		{Username: "ent", DisplayName: "企业", Role: dtfund.RoleApplicant, OrgID: 1},
	}
	for _, u := range ok {
		if err := dtfund.ValidateUser(u); err != nil {
			t.Errorf("%s rejected: %v", u.Username, err)
		}
	}
	bad := []struct {
		u     *dtfund.User
		field string
	}{
		{&dtfund.User{Username: "ab", DisplayName: "x", Role: dtfund.RoleAdmin}, "username"},
		{&dtfund.User{Username: "用户名", DisplayName: "x", Role: dtfund.RoleAdmin}, "username"},
		{&dtfund.User{Username: "abc", DisplayName: "x", Role: "boss"}, "role"},
		{&dtfund.User{Username: "abc", DisplayName: "x", Role: dtfund.RoleDistrictFinance}, "district_code"},
		{&dtfund.User{Username: "abc", DisplayName: "x", Role: dtfund.RoleCityMIIT, DistrictCode: "220174"}, "district_code"},
		{&dtfund.User{Username: "abc", DisplayName: "x", Role: dtfund.RoleApplicant}, "org"},
		{&dtfund.User{Username: "abc", Role: dtfund.RoleAdmin}, "display_name"},
	}
	for _, b := range bad {
		var v dtfund.ValidationErrors
		if err := dtfund.ValidateUser(b.u); !errors.As(err, &v) || v.ByField()[b.field] == "" {
			t.Errorf("%+v: err = %v, want error on %s", b.u, err, b.field)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	for _, p := range []string{"short1A", "alllowercase123", "ALLUPPERCASE123", "NoDigitsHereAtAll"} {
		if dtfund.ValidatePassword(p) == nil {
			t.Errorf("weak password %q accepted", p)
		}
	}
	if err := dtfund.ValidatePassword("Dtfund2026demo"); err != nil {
		t.Errorf("good password rejected: %v", err)
	}
}

func TestErrorHelpers(t *testing.T) {
	if dtfund.ErrorCode(nil) != "" || dtfund.ErrorCode(errors.New("boom")) != dtfund.EINTERNAL {
		t.Fatal("ErrorCode of nil or plain error")
	}
	if msg := dtfund.ErrorMessage(errors.New("pq: secret detail")); strings.Contains(msg, "secret") {
		t.Fatalf("internal detail leaked: %q", msg)
	}
	wrapped := errors.Join(errors.New("ctx"), dtfund.Errorf(dtfund.ENOTFOUND, "单位不存在"))
	if dtfund.ErrorCode(wrapped) != dtfund.ENOTFOUND || dtfund.ErrorMessage(wrapped) != "单位不存在" {
		t.Fatalf("wrapped error: %s %s", dtfund.ErrorCode(wrapped), dtfund.ErrorMessage(wrapped))
	}
	var v dtfund.ValidationErrors
	v.Add("a", "甲错误")
	v.Add("b", "乙错误")
	if dtfund.ErrorMessage(v) != "甲错误；乙错误" {
		t.Fatalf("ValidationErrors message: %q", dtfund.ErrorMessage(v))
	}
}

func TestRoles(t *testing.T) {
	for _, r := range dtfund.Roles {
		if !r.Valid() || r.Label() == string(r) {
			t.Errorf("role %s has no Chinese label", r)
		}
	}
	if dtfund.Role("x").Valid() {
		t.Error("unknown role valid")
	}
}
