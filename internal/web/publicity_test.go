package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
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
)

// pubActor returns the fixture's user as an app actor.
func pubActor(t *testing.T, f *fixture, username string) app.Actor {
	t.Helper()
	u, err := f.app.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return app.Actor{User: u}
}

// pubSetup gives organisation A the facts of an eligible medium enterprise,
// adds a city finance account, a 7.1 call and a files directory, and sets
// the database clock to 2026-09-29 10:00 in Shanghai.
func pubSetup(t *testing.T, f *fixture) *dtfund.Call {
	t.Helper()
	ctx := context.Background()
	f.app.FilesDir = t.TempDir()
	pubClock(t, f, "2026-09-29 10:00")
	fin := &dtfund.User{Username: "finance", DisplayName: "市财政", Role: dtfund.RoleCityFinance}
	if err := f.app.CreateUser(ctx, app.SystemActor("test"), fin, testPassword); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	call := &dtfund.Call{Category: "7.1", Title: "数字化改造", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour),
		WindowFrom: "2025-12-29", WindowTo: "2026-12-31", Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
	err := f.app.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ReplaceSizeFacts(ctx, f.orgA.ID, []dtfund.SizeFact{{Year: 2025, Employees: 320, RevenueFen: 5_200_000_000_00}}); err != nil {
			return err
		}
		return tx.CreateCall(ctx, call)
	})
	if err != nil {
		t.Fatal(err)
	}
	return call
}

// pubClock sets the database's and the app's clock. Sessions idle out
// after hours: clients log in again after a jump.
func pubClock(t *testing.T, f *fixture, at string) {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", at, calendar.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	f.app.DB.SetClock(func() time.Time { return tm })
	f.app.Now = func() time.Time { return tm }
}

// pubApp creates an application of organisation A in the given state:
// draft, or taken through the earlier steps to reviewed.
func pubApp(t *testing.T, f *fixture, call *dtfund.Call, title string, reviewed bool) *dtfund.Application {
	t.Helper()
	ctx := context.Background()
	ap := &dtfund.Application{CallID: call.ID, OrgID: f.orgA.ID, DistrictCode: f.orgA.DistrictCode, State: dtfund.StateDraft,
		Title: title, Description: "内部说明：不公开", RequestedFen: 15_000_000,
		Spending: []dtfund.Spending{{Type: "software", Supplier: "某软件公司", AmountFen: 30_000_000, InvoiceNo: "FP-" + title,
			ContractDate: "2026-01-05", InvoiceDate: "2026-01-10", PaymentDate: "2026-01-20"}}}
	if err := f.app.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateApplication(ctx, ap) }); err != nil {
		t.Fatal(err)
	}
	if !reviewed {
		return ap
	}
	for _, s := range []struct {
		who string
		act dtfund.AppAction
	}{{"applicant", dtfund.ActSubmit}, {"district_a", dtfund.ActRecommend}, {"city", dtfund.ActStartReview}, {"city", dtfund.ActPassReview}} {
		if _, err := f.app.Act(ctx, pubActor(t, f, s.who), app.Step{AppID: ap.ID, Action: s.act}); err != nil {
			t.Fatalf("%s: %v", s.act, err)
		}
	}
	return ap
}

// pubState is the application's current state.
func pubState(t *testing.T, f *fixture, id int64) dtfund.AppState {
	t.Helper()
	a, err := f.app.Application(context.Background(), pubActor(t, f, "city"), id)
	if err != nil {
		t.Fatal(err)
	}
	return a.State
}

var pubIdemRE = regexp.MustCompile(`name="idem" value="([^"]+)"`)

// pubForm fetches a page and returns its CSRF token and first idempotency key.
func pubForm(c *client, path string) url.Values {
	c.f.t.Helper()
	_, page := c.get(path)
	v := url.Values{}
	if m := csrfRE.FindStringSubmatch(page); m != nil {
		v.Set("csrf_token", m[1])
	}
	if m := pubIdemRE.FindStringSubmatch(page); m != nil {
		v.Set("idem", m[1])
	}
	return v
}

// pubMultipart posts a multipart form with an optional file.
func pubMultipart(c *client, path string, fields url.Values, fileName string, data []byte) (*http.Response, string) {
	c.f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if fileName != "" {
		fw, _ := mw.CreateFormFile("file", fileName)
		fw.Write(data)
	}
	mw.Close()
	resp, err := c.c.Post(c.f.ts.URL+path, mw.FormDataContentType(), &body)
	if err != nil {
		c.f.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestCreditRecordsPage(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		city := f.client()
		city.login("city")
		path := "/orgs/" + itoa(f.orgA.ID) + "/credit"
		form := pubForm(city, path)
		form.Set("kind", "abnormal_operation")
		form.Set("start_date", "2026-02-30")
		form.Set("source", "")
		resp, body := city.post(path, form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "不存在") || !strings.Contains(body, "请填写移出名单日期") ||
			!strings.Contains(body, "请填写记录来源") || !strings.Contains(body, `value="2026-02-30"`) {
			t.Fatalf("bad record: %d", resp.StatusCode)
		}
		if recs, _ := db.CreditRecords(context.Background(), f.orgA.ID); len(recs) != 0 {
			t.Fatal("a refused record was stored")
		}
		form.Set("start_date", "2026-02-03")
		form.Set("still_listed", "on")
		form.Set("source", "国家企业信用信息公示系统")
		if resp, _ := city.post(path, form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("good record: %d", resp.StatusCode)
		}
		recs, _ := db.CreditRecords(context.Background(), f.orgA.ID)
		if len(recs) != 1 || recs[0].Kind != "abnormal_operation" || recs[0].EndDate != "" || recs[0].CreatedBy == 0 {
			t.Fatalf("records = %+v", recs)
		}
		audit, _ := db.FindAudit(context.Background(), store.AuditFilter{ObjectType: "organization"})
		if len(audit) == 0 || audit[0].Action != "credit.add" {
			t.Fatal("record not audited")
		}
		// The district sees its organisation's records but cannot add; another district sees nothing.
		d := f.client()
		d.login("district_a")
		if resp, body := d.get(path); resp.StatusCode != 200 || !strings.Contains(body, "列入经营异常名录") || strings.Contains(body, "添加记录") {
			t.Fatalf("district view: %d", resp.StatusCode)
		}
		other := f.client()
		other.login("district_b")
		if resp, _ := other.get(path); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("other district: %d, want 404", resp.StatusCode)
		}
	})
}

func TestRecheckOverHTTP(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		call := pubSetup(t, f)
		ap := pubApp(t, f, call, "MES改造", true)
		city := f.client()
		city.login("city")
		if _, body := city.get("/recheck"); !strings.Contains(body, ap.Number) || !strings.Contains(body, "待会签") {
			t.Fatal("queue does not list the reviewed application")
		}
		path := fmt.Sprintf("/apps/%d/recheck", ap.ID)
		_, page := city.get(path)
		if !strings.Contains(page, "第十一条（一）") || !strings.Contains(page, "150,000.00") {
			t.Fatal("re-check page does not show the findings and the maximum")
		}
		form := pubForm(city, path)
		form.Set("opinion", "同意")
		if resp, body := city.post(path, form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择复核结论") ||
			!strings.Contains(body, ">同意</textarea>") {
			t.Fatalf("no verdict: %d", resp.StatusCode)
		}
		form.Set("verdict", "pass")
		if resp, _ := city.post(path, form); resp.StatusCode != http.StatusSeeOther || pubState(t, f, ap.ID) != dtfund.StateReviewed {
			t.Fatalf("first signature: %d, %s", resp.StatusCode, pubState(t, f, ap.ID))
		}
		fin := f.client()
		fin.login("finance")
		form = pubForm(fin, path)
		form.Set("verdict", "pass")
		form.Set("opinion", "资金渠道无误")
		if resp, _ := fin.post(path, form); resp.StatusCode != http.StatusSeeOther || pubState(t, f, ap.ID) != dtfund.StateRechecked {
			t.Fatalf("second signature: %d, %s", resp.StatusCode, pubState(t, f, ap.ID))
		}
		if _, body := fin.get(path); !strings.Contains(body, "资金渠道无误") || !strings.Contains(body, "市工业和信息化局") {
			t.Fatal("signatures not shown")
		}
	})
}

// pubRechecked takes an application through both signatures.
func pubRechecked(t *testing.T, f *fixture, call *dtfund.Call, title string) *dtfund.Application {
	t.Helper()
	ap := pubApp(t, f, call, title, true)
	for _, who := range []string{"city", "finance"} {
		if _, err := f.app.SignRecheck(context.Background(), pubActor(t, f, who), app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "同意"}); err != nil {
			t.Fatal(err)
		}
	}
	return ap
}

var batchPathRE = regexp.MustCompile(`/publicity/(\d+)/candidates`)

func TestPublicityObjectionsAndApprovalOverHTTP(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		call := pubSetup(t, f)
		ap := pubRechecked(t, f, call, "冲压车间MES改造")
		hidden := pubRechecked(t, f, call, "尚未公示的项目")
		pubApp(t, f, call, "秘密草稿项目", false)
		city := f.client()
		city.login("city")

		// A batch going public tomorrow, 2026-09-30.
		form := pubForm(city, "/publicity")
		form.Set("title", "2026年第一批拟支持项目")
		form.Set("start_date", "2026-09-30")
		resp, _ := city.post("/publicity", form)
		m := batchPathRE.FindStringSubmatch(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || m == nil {
			t.Fatalf("create batch: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		batch := "/publicity/" + m[1]
		form = pubForm(city, batch+"/candidates")
		form.Set("app_id", itoa(ap.ID))
		form.Set("amount", "150,000.01")
		if resp, body := city.post(batch+"/items", form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "不能超过") ||
			!strings.Contains(body, `value="150,000.01"`) || pubState(t, f, ap.ID) != dtfund.StateRechecked {
			t.Fatalf("amount over the maximum: %d", resp.StatusCode)
		}
		form.Set("amount", "")
		if resp, _ := city.post(batch+"/items", form); resp.StatusCode != http.StatusSeeOther || pubState(t, f, ap.ID) != dtfund.StateInPublicity {
			t.Fatalf("publish: %d", resp.StatusCode)
		}
		if _, body := city.get(batch); !strings.Contains(body, "2026-09-30 至 2026-10-12") {
			t.Fatal("batch page does not show the period")
		}

		// The public sees it from the start date: the listed fields and nothing else.
		anon := f.client()
		if _, body := anon.get("/public/publicity"); strings.Contains(body, "冲压车间MES改造") {
			t.Fatal("shown before the start date")
		}
		pubClock(t, f, "2026-09-30 09:00")
		city.login("city")
		resp, body := anon.get("/public/publicity")
		for _, want := range []string{f.orgA.Name, "冲压车间MES改造", "第七条（一）中小企业数字化改造", "150,000.00", "2026-09-30 至 2026-10-12", "如何提出异议"} {
			if resp.StatusCode != 200 || !strings.Contains(body, want) {
				t.Errorf("public page lacks %q", want)
			}
		}
		for _, secret := range []string{f.orgA.USCC, "秘密草稿项目", hidden.Title, "内部说明", "FP-", ap.Number} {
			if strings.Contains(body, secret) {
				t.Errorf("public page shows %q", secret)
			}
		}
		// The printable 公示 notice lists the same, with the total.
		if _, page := anon.get("/public/publicity/" + m[1]); !strings.Contains(page, "/public/publicity/"+m[1]+"/notice") {
			t.Error("the public batch page does not link its printable notice")
		}
		resp, notice := anon.get("/public/publicity/" + m[1] + "/notice")
		for _, want := range []string{`class="doc"`, f.orgA.Name, "冲压车间MES改造", "2026-09-30 至 2026-10-12", "合计", ">15<", "长春市工业和信息化局"} {
			if resp.StatusCode != 200 || !strings.Contains(notice, want) {
				t.Errorf("notice lacks %q", want)
			}
		}
		if strings.Contains(notice, hidden.Title) || strings.Contains(notice, f.orgA.USCC) {
			t.Error("the notice shows what is not public")
		}

		// Anyone objects, with a PDF, using the token of the page they read.
		it, _ := db.PublicityItemOfApp(ctx, ap.ID)
		objPath := batch[len("/publicity"):]
		objPath = "/public/publicity" + objPath
		fields := pubForm(anon, objPath)
		fields.Set("item_id", itoa(it.ID))
		fields.Set("name", "张三")
		fields.Set("contact", "13800000000")
		fields.Set("reason", "短")
		resp, body = pubMultipart(anon, objPath+"/objections", fields, "证明.txt", []byte("plain text"))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "异议理由须为10至") || !strings.Contains(body, "文件") ||
			!strings.Contains(body, `value="张三"`) {
			t.Fatalf("bad objection: %d", resp.StatusCode)
		}
		fields.Set("reason", "该企业改造项目实际并未实施，发票存疑。")
		resp, _ = pubMultipart(anon, objPath+"/objections", fields, "证明.pdf", []byte("%PDF-1.7\n%%EOF\n"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("objection: %d", resp.StatusCode)
		}
		objs, total, _ := db.FindObjections(ctx, store.ObjectionFilter{})
		if total != 1 || objs[0].AttachmentName != "证明.pdf" || objs[0].IP != "127.0.0.1" {
			t.Fatalf("objections = %d %+v", total, objs)
		}
		if _, body := anon.get(objPath); strings.Contains(body, "13800000000") {
			t.Fatal("the objector's contact is public")
		}

		// Closing is refused while the period runs, then while the objection is open.
		form = pubForm(city, batch)
		if resp, body := city.post(batch+"/close", form); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "2026-10-12") {
			t.Fatalf("early close: %d", resp.StatusCode)
		}
		pubClock(t, f, "2026-10-13 09:00")
		city.login("city")
		form = pubForm(city, batch)
		if resp, body := city.post(batch+"/close", form); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "异议未办结") {
			t.Fatalf("close with an open objection: %d", resp.StatusCode)
		}
		objURL := fmt.Sprintf("/objections/%d", objs[0].ID)
		for path, want := range map[string]string{"/objections?state=open": "张三", "/publicity": "2026年第一批拟支持项目",
			objURL: "发票存疑", batch: "1 条待核查", batch + "/candidates": hidden.Number} {
			if resp, body := city.get(path); resp.StatusCode != 200 || !strings.Contains(body, want) {
				t.Errorf("%s: %d, want a page with %q", path, resp.StatusCode, want)
			}
		}
		if resp, _ := city.get(fmt.Sprintf("/publicity?app=%d", ap.ID)); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != batch {
			t.Errorf("/publicity?app= of a published application: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, body := city.get(objURL + "/file"); resp.StatusCode != 200 || !strings.HasPrefix(body, "%PDF") ||
			resp.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("evidence download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		df := pubForm(city, objURL)
		df.Set("verdict", "dismissed")
		if resp, body := city.post(objURL, df); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写核查结论") {
			t.Fatalf("decision without a finding: %d", resp.StatusCode)
		}
		df.Set("finding", "经核查，项目已实施完毕，发票真实，异议不成立。")
		if resp, _ := city.post(objURL, df); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("dismiss: %d", resp.StatusCode)
		}
		if resp, _ := city.post(batch+"/close", pubForm(city, batch)); resp.StatusCode != http.StatusSeeOther ||
			pubState(t, f, ap.ID) != dtfund.StatePublicityPassed {
			t.Fatalf("close: %d, %s", resp.StatusCode, pubState(t, f, ap.ID))
		}

		// The approval, sent twice, approves once.
		fundBudget(t, f.app, 2026) // approvals commit money (budget_test.go)
		af := pubForm(city, batch)
		af.Set("doc_number", "长府批〔2026〕12号")
		af.Set("doc_date", "2026-10-13")
		for i := 0; i < 2; i++ {
			if resp, _ := pubMultipart(city, batch+"/approval", af, "批复.pdf", []byte("%PDF-1.7\n%%EOF\n")); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("approval %d: %d", i+1, resp.StatusCode)
			}
		}
		if _, total, _, _ := db.FindAwards(ctx, store.AwardFilter{}); total != 1 || pubState(t, f, ap.ID) != dtfund.StateApproved {
			t.Fatalf("awards = %d, state %s", total, pubState(t, f, ap.ID))
		}
		applicant := f.client()
		applicant.login("applicant")
		if resp, body := applicant.get("/awards"); resp.StatusCode != 200 || !strings.Contains(body, "长府批〔2026〕12号") || !strings.Contains(body, "中央专项资金") {
			t.Fatalf("applicant's awards: %d", resp.StatusCode)
		}
		other := f.client()
		other.login("district_b")
		if _, body := other.get("/awards"); strings.Contains(body, "长府批〔2026〕12号") {
			t.Fatal("another district sees the award")
		}
		// The archive shows the closed batch; its page offers no objection form.
		if _, body := anon.get("/public/publicity"); !strings.Contains(body, "2026年第一批拟支持项目") {
			t.Fatal("archive lacks the closed batch")
		}
		if _, body := anon.get(objPath); strings.Contains(body, "提交异议") || !strings.Contains(body, "冲压车间MES改造") {
			t.Fatal("closed batch page")
		}
	})
}

func TestObjectionRateLimitOverHTTP(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		call := pubSetup(t, f)
		ap := pubRechecked(t, f, call, "MES改造")
		ctx := context.Background()
		b, err := f.app.CreatePublicityBatch(ctx, pubActor(t, f, "city"), "第一批", "2026-09-30")
		if err != nil {
			t.Fatal(err)
		}
		it, err := f.app.Publish(ctx, pubActor(t, f, "city"), app.Publication{BatchID: b.ID, AppID: ap.ID})
		if err != nil {
			t.Fatal(err)
		}
		pubClock(t, f, "2026-10-08 10:00")
		anon := f.client()
		path := fmt.Sprintf("/public/publicity/%d", b.ID)
		send := func() (*http.Response, string) {
			form := pubForm(anon, path)
			form.Set("item_id", itoa(it.ID))
			form.Set("name", "李四")
			form.Set("contact", "13900000000")
			form.Set("reason", "重复提交的异议内容，用于测试。")
			return anon.post(path+"/objections", form)
		}
		for i := 0; i < app.MaxObjectionsPerWindow; i++ {
			if resp, _ := send(); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("objection %d: %d", i+1, resp.StatusCode)
			}
		}
		resp, body := send()
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "每小时最多提交") || !strings.Contains(body, `value="李四"`) {
			t.Fatalf("over the limit: %d", resp.StatusCode)
		}
		if _, total, _ := db.FindObjections(ctx, store.ObjectionFilter{}); total != app.MaxObjectionsPerWindow {
			t.Fatalf("objections stored = %d", total)
		}
	})
}
