package web_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/uscc"
)

// provWeb is the web fixture with a service provider registered in
// Beijing (user "provider") and a user for 乙电子 (高新区, "applicant_b").
type provWeb struct {
	*fixture
	prov *dtfund.Organization
}

func newProvWeb(t *testing.T, db *store.DB) *provWeb {
	t.Helper()
	ctx := context.Background()
	p := &provWeb{fixture: newFixture(t, db)}
	sys := app.SystemActor("test")
	p.prov = &dtfund.Organization{USCC: uscc.Generate(rand.New(rand.NewPCG(5, 6)), '9', '1', "110108"), Name: "北京云智工业软件有限公司",
		Kind: dtfund.OrgEnterprise, LegalPerson: true, RegionCode: "110108", IndustryCode: "6513", IsProvider: true}
	if err := p.app.CreateOrganization(ctx, sys, p.prov); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*dtfund.User{{Username: "provider", DisplayName: "云智", Role: dtfund.RoleApplicant, OrgID: p.prov.ID},
		{Username: "applicant_b", DisplayName: "乙电子", Role: dtfund.RoleApplicant, OrgID: p.orgB.ID},
		{Username: "city_finance", DisplayName: "市财政", Role: dtfund.RoleCityFinance}} {
		if err := p.app.CreateUser(ctx, sys, u, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func (p *provWeb) as(user string) *client {
	c := p.client()
	c.login(user)
	return c
}

var lastID = regexp.MustCompile(`/(\d+)$`)

// idOf reads the ID a redirect points at.
func idOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	m := lastID.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		t.Fatalf("redirect to %q has no ID", resp.Header.Get("Location"))
	}
	return m[1]
}

func TestProvidersAdoptionsAndRankingsOverHTTP(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		p := newProvWeb(t, db)
		ctx := context.Background()
		day := calendar.DateOf(time.Now()).AddDays(-10).String()
		prov, ent, entB, city := p.as("provider"), p.as("applicant"), p.as("applicant_b"), p.as("city")

		// The provider's profile and product, with errors beside the fields.
		payGet(t, prov, "/provider/profile", "服务商信息", p.prov.Name)
		payPost(t, prov, "/provider/profile", "/provider/profile", url.Values{"website": {"x"}}, http.StatusUnprocessableEntity,
			"请填写服务范围", "网站地址须以")
		payPost(t, prov, "/provider/profile", "/provider/profile", url.Values{"service_scope": {"MES 实施"}}, http.StatusSeeOther)
		payPost(t, prov, "/provider/products/new", "/provider/products", url.Values{"kind": {"solution"}, "price": {"abc"},
			"properties": {"small"}}, http.StatusUnprocessableEntity, "请填写名称", "参考价格须为数字")
		resp := payPost(t, prov, "/provider/products/new", "/provider/products", url.Values{"kind": {"solution"}, "name": {"云MES"},
			"scenarios": {"生产排程、质量追溯"}, "properties": {"small", "precise"}, "price": {"12,800.50"}}, http.StatusSeeOther)
		if resp.Header.Get("Location") != "/provider/products" {
			t.Fatalf("after creating: %s", resp.Header.Get("Location"))
		}
		ps, _, _ := p.app.DB.FindProducts(ctx, store.ProductFilter{})
		if len(ps) != 1 || ps[0].PriceFen != 1_280_050 {
			t.Fatalf("products = %+v", ps)
		}
		pid := itoa(ps[0].ID)
		payGet(t, prov, "/provider/products", "云MES", "12,800.50", "在售")
		payGet(t, prov, "/provider/products/"+pid+"/edit", `value="12800.50"`, "checked")
		// An enterprise that is no provider reads why it cannot keep products.
		payGet(t, ent, "/provider/products", "未登记为数字化服务商")

		// The public catalogue, with filters, without login.
		payGet(t, p.client(), "/public/products?property=precise&scenario=质量", "云MES", p.prov.Name)
		if body := payGet(t, p.client(), "/public/products?property=fast"); strings.Contains(body, "云MES") {
			t.Fatal("catalogue filter by property ignored")
		}
		payGet(t, ent, "/public/products/"+pid, "登记应用记录", "MES 实施")

		// The enterprise records its use; a bad indicator row is named.
		form := url.Values{"product_id": {pid}, "contract_no": {"HT-001"}, "contract_date": {day},
			"effects.0.name": {"设备综合效率"}, "effects.0.unit": {"%"}, "effects.0.before": {"60"}, "effects.0.after": {"72"},
			"effects.2.name": {"不良品率"}, "effects.2.before": {"二"}, "effects.2.after": {"1"}}
		resp, page := ent.post("/adoptions", withToken(ent, "/adoptions/new?product="+pid, form))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `name="effects.2.before" value="二"`) || !strings.Contains(page, "第2项指标改造前数值") {
			t.Fatalf("indicator error not beside its row: %s", paySnippet(page))
		}
		form.Set("effects.2.before", "2")
		form.Set("effects.2.lower_better", "on")
		resp = payPost(t, ent, "/adoptions/new", "/adoptions", form, http.StatusSeeOther)
		payGet(t, ent, "/adoptions/"+idOf(t, resp), "已确认", "设备综合效率", "越小越好")

		// The provider proposes for 乙; 乙 sees it in its 待办 and confirms; the provider cannot.
		resp = payPost(t, prov, "/adoptions/propose", "/adoptions/propose", url.Values{"product_id": {pid}, "enterprise_uscc": {p.orgB.USCC},
			"contract_no": {"HT-002"}, "contract_date": {day}}, http.StatusSeeOther)
		adID := idOf(t, resp)
		payGet(t, entB, "/home", "服务商提交的应用记录待确认")
		payGet(t, entB, "/adoptions/"+adID, "待企业确认", "确认该应用记录")
		if body := payGet(t, prov, "/adoptions/"+adID, "待企业确认"); strings.Contains(body, "确认该应用记录") {
			t.Fatal("the provider is offered the confirmation")
		}
		payPost(t, prov, "/adoptions/"+adID, "/adoptions/"+adID+"/confirm", url.Values{}, http.StatusForbidden, "服务商不能代为操作")
		payPost(t, entB, "/adoptions/"+adID, "/adoptions/"+adID+"/confirm", url.Values{"effects.0.name": {"产能"},
			"effects.0.before": {"100"}, "effects.0.after": {"130"}}, http.StatusSeeOther)
		payGet(t, entB, "/adoptions/"+adID, "已确认", "产能")
		// Self-adoption is refused with the article.
		payPost(t, prov, "/adoptions/propose", "/adoptions/propose", url.Values{"product_id": {pid}, "enterprise_uscc": {p.prov.USCC},
			"contract_no": {"ZY"}, "contract_date": {day}}, http.StatusUnprocessableEntity, "第二十条")
		// The 高新区 official sees 乙's record only.
		if body := payGet(t, p.as("district_b"), "/adoptions", "HT-002"); strings.Contains(body, "HT-001") {
			t.Fatal("another district's record listed")
		}

		// The city bureau ranks, reads the components and proposes the top.
		from := calendar.DateOf(time.Now()).AddDays(-40).String()
		resp = payPost(t, city, "/rankings", "/rankings", url.Values{"kind": {"product"}, "from": {from}, "to": {day}}, http.StatusSeeOther)
		runID := idOf(t, resp)
		payGet(t, city, "/rankings/"+runID, "云MES", "并列规则", "100.00", "ranking.product.weight_adopters_bp", "推荐奖补")
		payPost(t, city, "/rankings", "/rankings", url.Values{"kind": {"product"}, "from": {day}, "to": {from}}, http.StatusUnprocessableEntity,
			"不能早于起始日")
		call := &dtfund.Call{Category: "7.3", Title: "优秀小快轻准产品（排名推荐）", OpensAt: time.Now().Add(-time.Hour),
			ClosesAt: time.Now().Add(time.Hour), Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "排名", Weight: 100}}, PassMark: 60}}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCall(ctx, call) }); err != nil {
			t.Fatal(err)
		}
		payPost(t, city, "/rankings/"+runID, "/rankings/"+runID+"/propose", url.Values{"call_id": {itoa(call.ID)}, "top_n": {"0"}},
			http.StatusUnprocessableEntity, "推荐名次数")
		payPost(t, city, "/rankings/"+runID, "/rankings/"+runID+"/propose", url.Values{"call_id": {itoa(call.ID)}, "top_n": {"3"},
			"amount": {"4"}}, http.StatusSeeOther)
		apps, _, _ := p.app.DB.FindApplications(ctx, store.ApplicationFilter{CallID: call.ID})
		if len(apps) != 1 || apps[0].RequestedFen != 4_000_000 || apps[0].OrgID != p.prov.ID {
			t.Fatalf("proposed applications = %+v", apps)
		}
		payGet(t, city, "/rankings/"+runID, apps[0].Number, "评审通过")
		payGet(t, city, "/apps/"+itoa(apps[0].ID), "推荐奖补明细", "排名推荐", "第"+runID+"号排名")
		payGet(t, prov, "/apps/"+itoa(apps[0].ID), "推荐奖补明细", "40,000.00")
		payPost(t, city, "/rankings/"+runID, "/rankings/"+runID+"/propose", url.Values{"call_id": {itoa(call.ID)}, "top_n": {"3"}},
			http.StatusSeeOther)
		if _, n, _ := p.app.DB.FindApplications(ctx, store.ApplicationFilter{CallID: call.ID}); n != 1 {
			t.Fatalf("proposing twice made %d applications", n)
		}
		payGet(t, p.as("city_finance"), "/rankings/"+runID, "云MES")
		resp = payPost(t, city, "/rankings/"+runID, "/rankings/"+runID+"/rerun", url.Values{}, http.StatusSeeOther)
		if idOf(t, resp) == runID {
			t.Fatal("re-run did not make a new run")
		}
	})
}

// withToken adds the CSRF token of page to a copy of the form.
func withToken(c *client, page string, form url.Values) url.Values {
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("csrf_token", c.csrf(page))
	return f
}

func TestChainMembersPage(t *testing.T) {
	p := newProvWeb(t, testdb.SQLite(t))
	ctx := context.Background()
	call := &dtfund.Call{Category: "7.5", Title: "链式", OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour),
		Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
	if err := p.app.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCall(ctx, call) }); err != nil {
		t.Fatal(err)
	}
	ap := &dtfund.Application{CallID: call.ID, OrgID: p.orgA.ID, DistrictCode: p.orgA.DistrictCode, State: dtfund.StateDraft, Title: "链式"}
	if err := p.app.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateApplication(ctx, ap) }); err != nil {
		t.Fatal(err)
	}
	ent, path := p.as("applicant"), "/apps/"+itoa(ap.ID)+"/chain"
	payGet(t, ent, "/apps/"+itoa(ap.ID), "链上企业", "填报链上企业名单")
	payPost(t, ent, path, path, url.Values{"members.0.uscc": {p.orgA.USCC}, "members.1.uscc": {p.orgB.USCC}}, http.StatusUnprocessableEntity,
		"不能是申报单位", `value="`+p.orgB.USCC+`"`)
	payPost(t, ent, path, path, url.Values{"members.0.uscc": {p.orgB.USCC}, "members.0.relation": {"一级供应商"}}, http.StatusSeeOther)
	payGet(t, ent, "/apps/"+itoa(ap.ID), p.orgB.Name, "一级供应商")
	if resp, _ := p.as("applicant_b").get(path); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another enterprise's chain page: %d", resp.StatusCode)
	}
}

// The catalogue's and the lists' filters are data, not SQL; a district
// official's filter cannot widen the district.
func TestProviderFiltersAreData(t *testing.T) {
	p := newProvWeb(t, testdb.SQLite(t))
	inject := url.QueryEscape(`' OR 1=1 --`)
	for who, paths := range map[string][]string{
		"":           {"/public/products?q=" + inject + "&kind=" + inject + "&property=" + inject + "&scenario=" + inject},
		"city":       {"/adoptions?q=" + inject + "&state=" + inject, "/rankings?kind=" + inject},
		"district_b": {"/adoptions?q=" + inject},
	} {
		c := p.client()
		if who != "" {
			c.login(who)
		}
		for _, path := range paths {
			resp, body := c.get(path)
			if resp.StatusCode != http.StatusOK || strings.Contains(body, "系统内部错误") {
				t.Errorf("%s as %q: %d", path, who, resp.StatusCode)
			}
		}
	}
}
