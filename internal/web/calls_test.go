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
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// openCall creates, as the city bureau, a 7.1 call open now for a day that
// requires 申报书 and 合同; the fixture's attachments go to a temp dir.
func openCall(t *testing.T, f *fixture) *dtfund.Call {
	t.Helper()
	ctx := context.Background()
	f.app.FilesDir = t.TempDir()
	city, err := f.app.UserByUsername(ctx, "city")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	c := &dtfund.Call{Category: "7.1", Title: "2026年数字化改造（第一批）", Notice: "请按通知申报。", OpensAt: now.Add(-time.Hour),
		ClosesAt: now.Add(24 * time.Hour), WindowFrom: "2025-01-01", WindowTo: "2026-12-31", Materials: []string{"申报书", "合同"},
		Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
	if err := f.app.CreateCall(ctx, app.Actor{User: city}, c); err != nil {
		t.Fatal(err)
	}
	return c
}

var idemRE = regexp.MustCompile(`name="idem" value="([^"]+)"`)

// appEditForm is a complete application form as the edit page would send it.
func appEditForm(c *client, id int64) url.Values {
	c.f.t.Helper()
	_, page := c.get(fmt.Sprintf("/apps/%d/edit", id))
	m := idemRE.FindStringSubmatch(page)
	if m == nil {
		c.f.t.Fatalf("no idempotency key on the edit page")
	}
	return url.Values{
		"csrf_token": {c.csrf(fmt.Sprintf("/apps/%d/edit", id))}, "idem": {m[1]},
		"spending_rows": {"8"}, "goal_rows": {"5"}, "provider_rows": {"3"},
		"title": {"冲压车间MES改造"}, "description": {"上线MES系统，设备联网。"}, "requested": {"200,000"},
		"spending.1.type": {"software"}, "spending.1.supplier": {"长春启明数字科技有限公司"}, "spending.1.invoice_no": {"FP-0001"},
		"spending.1.contract_date": {"2025-03-01"}, "spending.1.invoice_date": {"2025-04-01"}, "spending.1.payment_date": {"2025-04-15"},
		"spending.1.amount": {"400000"},
		"goals.0.indicator": {"设备联网率"}, "goals.0.baseline": {"20%"}, "goals.0.target": {"80%"},
		"decl.integrity": {"on"}, "decl.tax_compliant": {"on"},
	}
}

// upload posts one file with the upload form.
func (c *client) upload(id int64, kind, name string, data []byte) (*http.Response, string) {
	c.f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", c.csrf(fmt.Sprintf("/apps/%d/edit", id)))
	mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	resp, err := c.c.Post(fmt.Sprintf("%s/apps/%d/attachments", c.f.ts.URL, id), mw.FormDataContentType(), &body)
	if err != nil {
		c.f.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

var pdf = []byte("%PDF-1.7\n% 测试\n%%EOF\n")

// startApplication opens the call page as the applicant and presses 开始申报.
func startApplication(t *testing.T, c *client, call *dtfund.Call) int64 {
	t.Helper()
	path := fmt.Sprintf("/calls/%d", call.ID)
	if _, page := c.get(path); !strings.Contains(page, "开始申报") || !strings.Contains(page, "请按通知申报。") {
		t.Fatalf("call page lacks the notice or the 开始申报 button")
	}
	resp, body := c.post(path+"/apply", url.Values{"csrf_token": {c.csrf(path)}})
	var id int64
	if resp.StatusCode != http.StatusSeeOther || fmtSscan(resp.Header.Get("Location"), "/apps/%d/edit", &id) != nil {
		t.Fatalf("apply: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	return id
}

func fmtSscan(s, format string, id *int64) error {
	_, err := fmt.Sscanf(s, format, id)
	return err
}

func TestApplicantDraftsUploadsAndSubmits(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		call := openCall(t, f)
		c := f.client()
		c.login("applicant")
		if _, page := c.get("/calls"); !strings.Contains(page, call.Title) {
			t.Fatal("open call not listed for the applicant")
		}
		id := startApplication(t, c, call)
		// Bad input: 422, Chinese messages beside the fields, values kept, nothing saved.
		form := appEditForm(c, id)
		form.Set("spending.1.amount", "四十万")
		form.Set("spending.1.invoice_date", "2025-02-30")
		form.Set("title", "保留我输入的名称")
		resp, body := c.post(fmt.Sprintf("/apps/%d/edit", id), form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "第2行支出金额须为数字") ||
			!strings.Contains(body, "第2行支出发票日期") || !strings.Contains(body, `value="四十万"`) || !strings.Contains(body, `value="保留我输入的名称"`) {
			t.Fatalf("bad draft: %d\n%s", resp.StatusCode, body)
		}
		if a, _ := f.app.DB.Application(ctx, id, store.ApplicationFilter{}); a.Title != "" {
			t.Fatalf("refused save wrote the title %q", a.Title)
		}
		// A good save, then the materials.
		if resp, body := c.post(fmt.Sprintf("/apps/%d/edit", id), appEditForm(c, id)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", resp.StatusCode, body)
		}
		if _, page := c.get(fmt.Sprintf("/apps/%d/edit", id)); !strings.Contains(page, `value="400000.00"`) || !strings.Contains(page, "缺少申报材料：申报书、合同") {
			t.Fatal("saved values or the missing materials not shown back")
		}
		resp, body = c.upload(id, "合同", "合同.pdf", []byte("\x89PNG\r\n\x1a\nnot a pdf at all"))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "后缀与内容不符") {
			t.Fatalf("mislabelled upload: %d %s", resp.StatusCode, body)
		}
		for _, kind := range []string{"申报书", "合同"} {
			if resp, body := c.upload(id, kind, kind+".pdf", pdf); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("upload %s: %d %s", kind, resp.StatusCode, body)
			}
		}
		submitTwice(t, c, f, id)
	})
}

// submitTwice sends the same submission form twice (a double click): one
// submission; then editing is refused with 409 and changes nothing.
func submitTwice(t *testing.T, c *client, f *fixture, id int64) {
	t.Helper()
	ctx := context.Background()
	form := appEditForm(c, id)
	for i := 0; i < 2; i++ {
		resp, body := c.post(fmt.Sprintf("/apps/%d/submit", id), form)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/apps/%d/submitted", id) {
			t.Fatalf("submit %d: %d %s", i+1, resp.StatusCode, body)
		}
	}
	if events, _ := f.app.DB.Events(ctx, id); len(events) != 1 {
		t.Fatalf("double submission wrote %d events", len(events))
	}
	if _, page := c.get(fmt.Sprintf("/apps/%d/submitted", id)); !strings.Contains(page, "逐条说明") || !strings.Contains(page, "第 1 版") {
		t.Fatal("the page after submitting does not show the decision")
	}
	form.Set("title", "提交后改名")
	resp, body := c.post(fmt.Sprintf("/apps/%d/edit", id), form)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "不能修改") {
		t.Fatalf("editing after submission: %d", resp.StatusCode)
	}
	if a, _ := f.app.DB.Application(ctx, id, store.ApplicationFilter{}); a.Title != "冲压车间MES改造" || a.State != dtfund.StateSubmitted {
		t.Fatalf("refused edit changed the application: %q %s", a.Title, a.State)
	}
}

func TestSubmissionListsWhatIsMissing(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	call := openCall(t, f)
	c := f.client()
	c.login("applicant")
	id := startApplication(t, c, call)
	form := appEditForm(c, id)
	form.Del("decl.integrity")
	resp, body := c.post(fmt.Sprintf("/apps/%d/submit", id), form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "尚不能提交") || !strings.Contains(body, "诚信承诺") ||
		!strings.Contains(body, "缺少申报材料：申报书、合同") || !strings.Contains(body, `value="冲压车间MES改造"`) {
		t.Fatalf("incomplete submission: %d\n%s", resp.StatusCode, body)
	}
	if a, _ := f.app.DB.Application(context.Background(), id, store.ApplicationFilter{}); a.State != dtfund.StateDraft || a.Title != "" {
		t.Fatalf("refused submission wrote: %s %q", a.State, a.Title)
	}
}

func TestApplicationsOfOthersAndOfficials(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		call := openCall(t, f)
		c := f.client()
		c.login("applicant")
		id := startApplication(t, c, call)
		if resp, _ := c.upload(id, "申报书", "申报书.pdf", pdf); resp.StatusCode != http.StatusSeeOther {
			t.Fatal("upload")
		}
		atts, _ := f.app.DB.Attachments(ctx, id)
		download := fmt.Sprintf("/apps/%d/attachments/%d", id, atts[0].ID)
		// Another organisation's applicant sees nothing of it.
		b := &dtfund.User{Username: "applicant_b", DisplayName: "乙企业用户", Role: dtfund.RoleApplicant, OrgID: f.orgB.ID}
		if err := f.app.CreateUser(ctx, app.SystemActor("test"), b, testPassword); err != nil {
			t.Fatal(err)
		}
		other := f.client()
		other.login("applicant_b")
		for _, p := range []string{fmt.Sprintf("/apps/%d/edit", id), download} {
			if resp, _ := other.get(p); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s as another organisation: %d, want 404", p, resp.StatusCode)
			}
		}
		form := appEditForm(c, id)
		form.Set("csrf_token", other.csrf("/home"))
		if resp, _ := other.post(fmt.Sprintf("/apps/%d/edit", id), form); resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST edit as another organisation: %d, want 404", resp.StatusCode)
		}
		// The district official cannot edit; sees the file only once submitted.
		official := f.client()
		official.login("district_a")
		if resp, _ := official.get(fmt.Sprintf("/apps/%d/edit", id)); resp.StatusCode != http.StatusForbidden {
			t.Errorf("district official opening the form: %d, want 403", resp.StatusCode)
		}
		form.Set("csrf_token", official.csrf("/home"))
		if resp, _ := official.post(fmt.Sprintf("/apps/%d/edit", id), form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("district official saving: %d, want 403", resp.StatusCode)
		}
		if resp, _ := official.get(download); resp.StatusCode != http.StatusNotFound {
			t.Errorf("district official downloading from a draft: %d, want 404", resp.StatusCode)
		}
		if a, _ := f.app.DB.Application(ctx, id, store.ApplicationFilter{}); a.Title != "" {
			t.Fatalf("refused requests changed the draft: %q", a.Title)
		}
		checkDownload(t, c, download)
	})
}

func checkDownload(t *testing.T, c *client, path string) {
	t.Helper()
	resp, body := c.get(path)
	h := resp.Header
	if resp.StatusCode != 200 || body != string(pdf) || h.Get("Content-Type") != "application/pdf" ||
		h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") ||
		!strings.Contains(h.Get("Content-Disposition"), "filename*=utf-8''%E7%94%B3") {
		t.Fatalf("download: %d %v", resp.StatusCode, h)
	}
	// A PDF can be previewed in the browser instead; the content is the same.
	resp, body = c.get(path + "?preview=1")
	if resp.StatusCode != 200 || body != string(pdf) || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline;") ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("preview: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestApplicationFormsNeedCSRF(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	call := openCall(t, f)
	c := f.client()
	c.login("applicant")
	id := startApplication(t, c, call)
	form := appEditForm(c, id)
	form.Del("csrf_token")
	for _, p := range []string{"/apps/%d/edit", "/apps/%d/submit", "/apps/%d/withdraw"} {
		if resp, _ := c.post(fmt.Sprintf(p, id), form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without token: %d, want 403", p, resp.StatusCode)
		}
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("kind", "合同")
	fw, _ := mw.CreateFormFile("file", "合同.pdf")
	fw.Write(pdf)
	mw.Close()
	resp, err := c.c.Post(fmt.Sprintf("%s/apps/%d/attachments", f.ts.URL, id), mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("upload without token: %d, want 403", resp.StatusCode)
	}
	a, _ := f.app.DB.Application(context.Background(), id, store.ApplicationFilter{})
	atts, _ := f.app.DB.Attachments(context.Background(), id)
	if a.Title != "" || a.State != dtfund.StateDraft || len(atts) != 0 {
		t.Fatalf("requests without a token changed the application: %+v, %d files", a, len(atts))
	}
}

func TestOversizedUploadRefused(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	call := openCall(t, f)
	c := f.client()
	c.login("applicant")
	id := startApplication(t, c, call)
	big := append(append([]byte{}, pdf...), make([]byte, app.MaxAttachmentSize+2<<20)...)
	resp, body := c.upload(id, "合同", "大文件.pdf", big)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "MiB") {
		t.Fatalf("oversized upload: %d", resp.StatusCode)
	}
	if atts, _ := f.app.DB.Attachments(context.Background(), id); len(atts) != 0 {
		t.Fatal("oversized upload stored")
	}
}

func TestCallFormErrorsAndCreate(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.client()
		c.login("city")
		form := url.Values{"csrf_token": {c.csrf("/calls/new")}, "category": {"7.1"}, "title": {""}, "opens_at": {"下周一"},
			"closes_at": {"2026-04-30 17:00"}, "rubric": {"方案|50\n成效|40"}, "pass_mark": {"60"},
			"overrides": {"cap.7_1.ratio_bp=5000|通知\nno.such=1|通知"}, "quotas": {"999999=3"}, "materials": {"申报书\n合同"}}
		resp, body := c.post("/calls/new", form)
		for _, want := range []string{"批次名称不能为空", "申报开始时间“下周一”无效", "参数覆盖第2行：未知参数", "权重合计须为100", "须填写项目实施期",
			"方案|50\n成效|40", `value="下周一"`} {
			if !strings.Contains(body, want) {
				t.Errorf("call form error page lacks %q", want)
			}
		}
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad call: %d", resp.StatusCode)
		}
		if _, n, _ := f.app.DB.FindCalls(context.Background(), store.CallFilter{}); n != 0 {
			t.Fatalf("bad call stored: %d", n)
		}
		form.Set("title", "2026年数字化改造（第二批）")
		form.Set("opens_at", "2026-03-01 09:00")
		form.Set("rubric", "方案|60\n成效|40")
		form.Set("overrides", "cap.7_1.ratio_bp=5000|通知")
		form.Set("quotas", "220174=3")
		form.Set("window_from", "2025-01-01")
		form.Set("window_to", "2026-12-31")
		resp, body = c.post("/calls/new", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("good call: %d %s", resp.StatusCode, body)
		}
		loc := resp.Header.Get("Location")
		_, page := c.get(loc)
		if !strings.Contains(page, "2026年数字化改造（第二批）") || !strings.Contains(page, "2026-03-01 09:00") ||
			!strings.Contains(page, "长春汽车经济技术开发区") || !strings.Contains(page, "cap.7_1.ratio_bp = 5000") {
			t.Fatalf("call page: %s", page)
		}
		if _, page := c.get(loc + "/edit"); !strings.Contains(page, "220174=3") || !strings.Contains(page, "方案|60\n成效|40") {
			t.Fatal("edit form does not show the stored settings in the typed form")
		}
		applicant := f.client()
		applicant.login("applicant")
		if resp, _ := applicant.get(loc + "/edit"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("applicant editing a call: %d", resp.StatusCode)
		}
	})
}
