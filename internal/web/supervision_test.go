package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
)

var testPDF = []byte("%PDF-1.4\n% 证据\n%%EOF\n")

// postMultipart sends a multipart form (with the CSRF token of page) and,
// when name is set, one file field "file".
func (c *client) postMultipart(page, path string, fields url.Values, name string, data []byte) (*http.Response, string) {
	c.f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", c.csrf(page))
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
	mw.Close()
	resp, err := c.c.Post(c.f.ts.URL+path, mw.FormDataContentType(), &body)
	if err != nil {
		c.f.t.Fatal(err)
	}
	b := new(bytes.Buffer)
	b.ReadFrom(resp.Body)
	resp.Body.Close()
	return resp, b.String()
}

func wantStatus(t *testing.T, what string, resp *http.Response, body string, status int, want ...string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d: %s", what, resp.StatusCode, status, paySnippet(body))
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Fatalf("%s: body lacks %q: %s", what, w, paySnippet(body))
		}
	}
}

var idInLocation = regexp.MustCompile(`/(\d+)$`)

func locationID(t *testing.T, resp *http.Response) string {
	t.Helper()
	m := idInLocation.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		t.Fatalf("redirect to %q, want a record's page", resp.Header.Get("Location"))
	}
	return m[1]
}

func TestSupervisionPages(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPayWeb(t, db)
		a, b := p.awA, p.awB
		qx := p.as("district_a")
		body := payGet(t, qx, "/supervision", "过程监督", "/supervision/new?award="+itoa(a.ID))
		if strings.Contains(body, "/supervision/new?award="+itoa(b.ID)) {
			t.Fatal("another district's award offered for supervision")
		}
		if resp, _ := p.as("district_b").get("/supervision/new?award=" + itoa(a.ID)); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another district's deviation form: %d", resp.StatusCode)
		}
		if resp, _ := p.as("applicant").get("/supervision"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("applicant on supervision: %d", resp.StatusCode)
		}
		form := "/supervision/new?award=" + itoa(a.ID)
		resp, body := qx.postMultipart(form, "/supervision", url.Values{"award": {itoa(a.ID)}, "goal": {"设备联网率 85%"}, "found_on": {"2026-11-01"}}, "", nil)
		wantStatus(t, "deviation without facts", resp, body, http.StatusUnprocessableEntity, "请填写偏离事实", "设备联网率 85%")
		resp, body = qx.postMultipart(form, "/supervision", url.Values{"award": {itoa(a.ID)}, "goal": {"设备联网率 85%"},
			"facts": {"联网率仅 40%"}, "found_on": {"2026-11-01"}}, "检查记录.pdf", testPDF)
		wantStatus(t, "deviation", resp, body, http.StatusSeeOther)
		caseURL := "/supervision/" + locationID(t, resp)
		body = payGet(t, qx, caseURL, "联网率仅 40%", "第十八条", "检查记录.pdf", "下达整改通知")
		file := regexp.MustCompile(`href="(/supervision/\d+/files/\d+)"`).FindStringSubmatch(body)
		if file == nil {
			t.Fatal("no evidence link")
		}
		if resp, _ := qx.get(file[1]); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("evidence download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		for _, path := range []string{caseURL, file[1]} {
			if resp, _ := p.as("district_b").get(path); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("another district on %s: %d", path, resp.StatusCode)
			}
		}
		payPost(t, qx, caseURL, caseURL+"/orders", url.Values{"requirement": {"报送整改方案"}, "deadline": {"2026-10-01"}},
			http.StatusUnprocessableEntity, "整改期限不能早于今天", "报送整改方案")
		payPost(t, qx, caseURL, caseURL+"/orders", url.Values{"requirement": {"报送整改方案"}, "deadline": {"2026-11-02"}}, http.StatusSeeOther)
		payPost(t, qx, caseURL, caseURL+"/suspend", url.Values{"reason": {""}, "on": {"2026-11-02"}}, http.StatusUnprocessableEntity, "请填写理由")
		payPost(t, qx, caseURL, caseURL+"/suspend", url.Values{"reason": {"偏离严重"}, "on": {"2026-11-02"}}, http.StatusSeeOther)
		payGet(t, qx, caseURL, "暂缓执行", "暂缓冻结 100,000.00 元", "解除暂缓")
		payGet(t, p.as("city"), "/awards", "暂缓执行")
		if got, _ := db.Balance(context.Background(), store.FrozenAccount(a.ID)); got != 10_000_000 {
			t.Fatalf("frozen after the web suspension: %d", got)
		}
		// The order due today is overdue tomorrow: in the district's and the city's 待办.
		pubClock(t, p.fixture, "2026-11-03 09:00")
		qx = p.as("district_a") // sessions idle for a day have expired
		payGet(t, qx, "/home", "整改逾期未办结", "/supervision?overdue=1")
		payGet(t, p.as("city"), "/home", "整改逾期未办结")
		if _, body := p.as("district_b").get("/home"); strings.Contains(body, "整改逾期未办结") {
			t.Fatal("another district's overdue order in 待办")
		}
		payGet(t, qx, "/supervision?overdue=1", "联网率仅 40%")
		payPost(t, qx, caseURL, caseURL+"/lift", url.Values{"reason": {"已报送整改方案"}, "on": {"2026-11-03"}}, http.StatusSeeOther)
		if got, _ := db.Balance(context.Background(), store.CommitmentAccount(a.ID)); got != 10_000_000 {
			t.Fatalf("commitment after lifting: %d", got)
		}
		// The finance bureau reads, but may not act.
		fin := p.as("finance")
		payGet(t, fin, caseURL, "联网率仅 40%")
		if resp, _ := fin.get("/supervision/new?award=" + itoa(a.ID)); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("finance on the deviation form: %d", resp.StatusCode)
		}
	})
}

// An inspection by random sample, a finding by the third-party inspector
// assigned, and the violation decision it leads to; the banned unit cannot
// start a draft and its page shows the ban.
func TestInspectionToSanctionPages(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPayWeb(t, db)
		ctx := context.Background()
		if err := p.app.CreateUser(ctx, app.SystemActor("test"), &dtfund.User{Username: "inspector2", DisplayName: "另一核查机构",
			Role: dtfund.RoleInspector}, testPassword); err != nil {
			t.Fatal(err)
		}
		city := p.as("city")
		payPost(t, city, "/inspections/new", "/inspections", url.Values{"title": {""}, "kind": {"random"}, "sample_size": {"9"}},
			http.StatusUnprocessableEntity, "请填写检查名称")
		resp := payPost(t, city, "/inspections/new", "/inspections", url.Values{"title": {"2026年专项资金抽查"}, "kind": {"random"},
			"sample_size": {"2"}, "seed": {"20261102"}}, http.StatusSeeOther)
		planURL := "/inspections/" + locationID(t, resp)
		body := payGet(t, city, planURL, "20261102", "样本一致", p.awA.AppNumber, p.awB.AppNumber)
		item := regexp.MustCompile(`action="/inspections/items/(\d+)/assign"`).FindAllStringSubmatch(body, -1)
		if len(item) != 2 {
			t.Fatalf("assign forms: %d", len(item))
		}
		ins, _, _ := p.app.DB.UserByUsername(ctx, "inspector")
		// Find the item of award A.
		var itemA string
		for _, m := range item {
			it, err := p.app.DB.InspectionItem(ctx, mustInt(t, m[1]))
			if err != nil {
				t.Fatal(err)
			}
			if it.AwardID == p.awA.ID {
				itemA = m[1]
			}
		}
		payPost(t, city, planURL, "/inspections/items/"+itemA+"/assign", url.Values{"assignee": {itoa(ins.ID)}}, http.StatusSeeOther)
		itemURL := "/inspections/items/" + itemA
		hc := p.as("inspector")
		payGet(t, hc, "/inspections/tasks", p.fixture.orgA.Name)
		payGet(t, hc, itemURL, "出具核查结论")
		other := p.as("inspector2")
		if resp, _ := other.get(itemURL); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("inspector not assigned: %d", resp.StatusCode)
		}
		if resp, _ := hc.get(planURL); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("inspector on the plan: %d", resp.StatusCode)
		}
		resp, body = hc.postMultipart(itemURL, itemURL+"/finding", url.Values{"finding": {""}, "found_on": {"2026-11-02"}}, "", nil)
		wantStatus(t, "finding without text", resp, body, http.StatusUnprocessableEntity, "请填写核查结论")
		resp, body = hc.postMultipart(itemURL, itemURL+"/finding", url.Values{"finding": {"发票与交付不符，涉嫌虚报"}, "violation": {"on"},
			"found_on": {"2026-11-02"}}, "核查报告.pdf", testPDF)
		wantStatus(t, "finding", resp, body, http.StatusSeeOther)
		payGet(t, city, itemURL, "认定违规", "/sanctions/new?item="+itemA)
		payGet(t, city, "/sanctions/new?item="+itemA, p.fixture.orgA.Name, "发票与交付不符", p.awA.AppNumber)
		form := url.Values{"org": {itoa(p.fixture.orgA.ID)}, "item": {itemA}, "facts": {"发票与交付不符，涉嫌虚报"}, "article": {"第二十条"},
			"decided_on": {"2026-11-02"}, "due_date": {"2026-12-31"}, "referral.authority": {"长春市公安局"}, "referral.referred_on": {"2026-11-02"}}
		resp, body = city.postMultipart("/sanctions/new?item="+itemA, "/sanctions", form, "", nil)
		wantStatus(t, "decision without number", resp, body, http.StatusUnprocessableEntity, "请填写处理决定书文号", "发票与交付不符")
		form.Set("doc_number", "长工信罚〔2026〕7号")
		resp, body = city.postMultipart("/sanctions/new?item="+itemA, "/sanctions", form, "决定书.pdf", testPDF)
		wantStatus(t, "decision", resp, body, http.StatusSeeOther)
		sURL := "/sanctions/" + locationID(t, resp)
		payGet(t, city, sURL, "2026-11-02 至 2029-11-02", "禁止申报中", "撤销奖补并追回", "长春市公安局", "决定书.pdf")
		payGet(t, city, "/orgs/"+itoa(p.fixture.orgA.ID), "违规处理与禁止申报", "长工信罚〔2026〕7号", "禁止申报中")
		payGet(t, p.as("district_a"), sURL, "长工信罚〔2026〕7号")
		payGet(t, city, "/inspections", "2026年专项资金抽查", "随机抽查（种子 20261102）")
		payGet(t, city, "/sanctions?active=1", "长工信罚〔2026〕7号", "2029-11-02")
		if _, body := p.as("district_b").get("/sanctions"); strings.Contains(body, "长工信罚〔2026〕7号") {
			t.Fatal("another district's decision listed")
		}
		if resp, _ := p.as("district_b").get(sURL); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another district on the decision: %d", resp.StatusCode)
		}
		payPost(t, city, sURL, sURL+"/referrals", url.Values{"authority": {""}, "referred_on": {"2026-11-02"}}, http.StatusUnprocessableEntity, "请填写移交机关")
		payPost(t, city, sURL, sURL+"/referrals", url.Values{"authority": {"长春市市场监督管理局"}, "referred_on": {"2026-11-02"}}, http.StatusSeeOther)
		// The banned unit cannot start a draft in an open call.
		tm, _ := time.Parse(time.RFC3339, "2026-11-02T02:00:00Z")
		call := &dtfund.Call{Category: "7.1", Title: "第二批", OpensAt: tm.Add(-time.Hour), ClosesAt: tm.Add(48 * time.Hour),
			WindowFrom: "2025-12-29", WindowTo: "2026-12-31", Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCall(ctx, call) }); err != nil {
			t.Fatal(err)
		}
		ent := p.as("applicant")
		callURL := "/calls/" + itoa(call.ID)
		payPost(t, ent, callURL, callURL+"/apply", url.Values{}, http.StatusForbidden, "长工信罚〔2026〕7号", "2029-11-02", "2029-11-03")
	})
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The credit records import is a kind of the import framework; its former
// address leads there and still takes uploads.
func TestCreditImportPage(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	f.app.FilesDir = t.TempDir()
	fin := &dtfund.User{Username: "cityfin", DisplayName: "市财政", Role: dtfund.RoleCityFinance}
	if err := f.app.CreateUser(context.Background(), app.SystemActor("test"), fin, testPassword); err != nil {
		t.Fatal(err)
	}
	city := f.client()
	city.login("city")
	if resp, _ := city.get("/credit/import"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/imports?kind=credit" {
		t.Fatalf("former address: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := city.get("/imports?kind=credit"); !strings.Contains(body, `value="credit" selected`) || !strings.Contains(body, "/import-templates/credit") {
		t.Fatal("the import page does not offer the credit kind chosen")
	}
	abn := policy.CreditAbnormalOperation.Label()
	head := "统一社会信用代码,类型,开始日期,结束日期,来源,备注\n"
	bad := head + f.orgA.USCC + "," + abn + ",2025-03-01,,,\n"
	resp, _ := city.postMultipart("/imports", "/credit/import", nil, "c.csv", []byte(bad))
	page := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !importIDRE.MatchString(page) {
		t.Fatalf("upload to the former address: %d %q", resp.StatusCode, page)
	}
	if _, body := city.get(page); !strings.Contains(body, "信用记录") || !strings.Contains(body, "来源") || !strings.Contains(body, "E2") {
		t.Fatalf("preview of a file with an error:\n%s", body)
	}
	if resp, body := city.post(page+"/confirm", url.Values{"csrf_token": {city.csrf(page)}}); resp.StatusCode != 422 || !strings.Contains(body, "未导入任何数据") {
		t.Fatalf("confirming a file with an error: %d", resp.StatusCode)
	}
	// The city finance bureau imports through the framework's page; the
	// same file a second time adds nothing.
	cf := f.client()
	cf.login("cityfin")
	good := head + f.orgA.USCC + "," + abn + ",2025-03-01,,公示系统,\n"
	for i, want := range []string{"新增 1 行，更新 0 行，0 行与系统中一致", "新增 0 行，更新 0 行，1 行与系统中一致"} {
		resp, _ := cf.uploadImport("credit", "c.csv", []byte(good), nil)
		page := resp.Header.Get("Location")
		resp, _ = cf.post(page+"/confirm", url.Values{"csrf_token": {cf.csrf(page)}})
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(flashOf(resp), want) {
			t.Fatalf("import %d: %d %q", i, resp.StatusCode, flashOf(resp))
		}
	}
	if recs, _ := f.app.DB.CreditRecords(context.Background(), f.orgA.ID); len(recs) != 1 {
		t.Fatalf("credit records after two imports: %+v", recs)
	}
	for _, who := range []string{"applicant", "district_a"} {
		c := f.client()
		c.login(who)
		if resp, _ := c.get("/credit/import"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("%s on the former address: %d", who, resp.StatusCode)
		}
	}
	district := f.client()
	district.login("district_a")
	if resp, _ := district.uploadImport("credit", "c.csv", []byte(good), nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("district official uploading credit records: %d", resp.StatusCode)
	}
}
