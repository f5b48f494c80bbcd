package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

func profileForm(c *client) url.Values {
	return url.Values{
		"csrf_token": {c.csrf("/profile/org")}, "uscc": {c.f.orgA.USCC}, "name": {"甲汽车零部件有限公司"}, "kind": {"enterprise"},
		"legal_person": {"on"}, "region_code": {"220174"}, "district_code": {"220174"}, "industry_code": {"3670"},
		"is_applicant": {"on"}, "contact_phone": {"0431-85551234"},
		"size.0.year": {"2025"}, "size.0.employees": {"320"}, "size.0.revenue": {"52,000.5"}, "size.0.assets": {"３８０００"},
	}
}

func TestProfileSaves(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.client()
		c.login("applicant")
		resp, body := c.post("/profile/org", profileForm(c))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save profile: %d %s", resp.StatusCode, body)
		}
		o, err := f.app.DB.Organization(context.Background(), f.orgA.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(o.SizeFacts) != 1 || o.SizeFacts[0].RevenueFen != 52_000_500_000 || o.SizeFacts[0].AssetsFen != 38000*1_000_000 {
			t.Fatalf("size facts = %+v; want revenue 52000.5万元 = 52000500000 fen, assets 38000万元", o.SizeFacts)
		}
		_, page := c.get("/profile/org")
		if !strings.Contains(page, "单位信息已保存") || !strings.Contains(page, `value="52000.5"`) {
			t.Fatal("saved values not shown back in 万元 with the flash message")
		}
	})
}

func TestProfileRejectsBadInputAndChangesNothing(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	c.login("applicant")
	form := profileForm(c)
	form.Set("uscc", strings.ToLower(f.orgA.USCC[:17])+"x")
	form.Set("region_code", "22017")
	form.Set("size.0.employees", "-3")
	form.Set("size.0.revenue", "abc")
	form.Set("name", "新名字")
	resp, body := c.post("/profile/org", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad profile: status %d, want 422", resp.StatusCode)
	}
	for _, want := range []string{"统一社会信用代码", "注册地行政区划代码须为6位数字", "从业人员须为不小于0的整数", "营业收入须为数字"} {
		if !strings.Contains(body, want) {
			t.Errorf("error page lacks %q", want)
		}
	}
	if !strings.Contains(body, `value="新名字"`) {
		t.Error("entered values not kept on error")
	}
	o, _ := f.app.DB.Organization(context.Background(), f.orgA.ID, "")
	if o.Name != f.orgA.Name || len(o.SizeFacts) != 0 {
		t.Fatalf("organisation changed by a rejected form: %+v", o)
	}
}

func TestProfileDistrictRule(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	c.login("applicant")
	form := profileForm(c)
	form.Set("district_code", "")
	resp, body := c.post("/profile/org", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "须选择属地") {
		t.Fatalf("Changchun organisation without district: %d", resp.StatusCode)
	}
}
