package web_test

// The process of 第十四条 end to end through the HTTP layer: one application
// of each category of 第七条 and of the local fund, taken through the six
// steps by the roles that take them, with the fields and tokens the pages
// render; and the refusals along the way, each checked to change nothing.
// Only set-up (organisations, accounts) and the clock use the app directly.

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
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

// ---- a browser's reading of a form ----

var (
	e2eInputRE    = regexp.MustCompile(`<input\b[^>]*>`)
	e2eAttrRE     = regexp.MustCompile(`\s([a-zA-Z_-]+)(?:="([^"]*)")?`)
	e2eTextareaRE = regexp.MustCompile(`(?s)<textarea\b([^>]*)>(.*?)</textarea>`)
	e2eSelectRE   = regexp.MustCompile(`(?s)<select\b([^>]*)>(.*?)</select>`)
	e2eOptionRE   = regexp.MustCompile(`<option\b[^>]*>`)
)

// e2eAttrs reads a tag's attributes; a bare attribute (checked) maps to "".
func e2eAttrs(tag string) map[string]string {
	out := map[string]string{}
	for _, m := range e2eAttrRE.FindAllStringSubmatch(tag, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// e2eFields is what a browser would send of a form as rendered: inputs
// (checked boxes only, no files or buttons), textareas and the selected
// option of each select (the first when none is selected).
func e2eFields(form string) url.Values {
	v := url.Values{}
	for _, tag := range e2eInputRE.FindAllString(form, -1) {
		a := e2eAttrs(tag)
		name, ok := a["name"]
		_, disabled := a["disabled"]
		_, checked := a["checked"]
		switch {
		case !ok || disabled || a["type"] == "file" || a["type"] == "submit":
			continue
		case (a["type"] == "checkbox" || a["type"] == "radio") && !checked:
			continue
		case a["type"] == "checkbox" && a["value"] == "":
			a["value"] = "on"
		}
		v.Add(name, a["value"])
	}
	for _, m := range e2eTextareaRE.FindAllStringSubmatch(form, -1) {
		if name, ok := e2eAttrs(m[1])["name"]; ok {
			v.Add(name, html.UnescapeString(m[2]))
		}
	}
	for _, m := range e2eSelectRE.FindAllStringSubmatch(form, -1) {
		name, ok := e2eAttrs(m[1])["name"]
		opts := e2eOptionRE.FindAllString(m[2], -1)
		if !ok || len(opts) == 0 {
			continue
		}
		chosen := e2eAttrs(opts[0])["value"]
		for _, o := range opts {
			if _, sel := e2eAttrs(o)["selected"]; sel {
				chosen = e2eAttrs(o)["value"]
				break
			}
		}
		v.Add(name, chosen)
	}
	return v
}

// e2eFormIn finds the POST form to action whose markup contains marker and
// returns its fields; the test fails when the page has no such form.
func e2eFormIn(t *testing.T, page, action, marker string) url.Values {
	t.Helper()
	open := `method="post" action="` + action + `"`
	for rest := page; ; {
		i := strings.Index(rest, open)
		if i < 0 {
			t.Fatalf("no form posting to %s with %q on the page", action, marker)
		}
		rest = rest[i:]
		end := strings.Index(rest, "</form>")
		if end < 0 {
			t.Fatalf("unterminated form posting to %s", action)
		}
		if form := rest[:end]; strings.Contains(form, marker) {
			return e2eFields(form)
		}
		rest = rest[end:]
	}
}

// ---- users and requests ----

// e2eUser is a logged-in browser.
type e2eUser struct {
	*client
	name  string
	token string // the session's CSRF token
}

func (u *e2eUser) login() {
	u.client.login(u.name)
	u.token = u.client.csrf("/home")
}

// page GETs a page the user may see.
func (u *e2eUser) page(path string) string {
	t := u.f.t
	t.Helper()
	resp, body := u.get(path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: GET %s: %d\n%s", u.name, path, resp.StatusCode, e2eSnippet(body))
	}
	return body
}

// form opens a page and returns the fields of its form posting to action.
func (u *e2eUser) form(path, action, marker string) url.Values {
	u.f.t.Helper()
	return e2eFormIn(u.f.t, u.page(path), action, marker)
}

// send posts a form and checks the status; it returns the body and the
// redirect target.
func (u *e2eUser) send(path string, form url.Values, want int) (string, string) {
	t := u.f.t
	t.Helper()
	resp, body := u.post(path, form)
	if resp.StatusCode != want {
		t.Fatalf("%s: POST %s: %d, want %d\n%s", u.name, path, resp.StatusCode, want, e2eSnippet(body))
	}
	return body, resp.Header.Get("Location")
}

// e2eMultipart posts a multipart form with one file (none when name is "").
func e2eMultipart(c *client, path string, fields url.Values, name string, data []byte) (*http.Response, string) {
	c.f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
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
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// e2eSnippet keeps failure output readable: the page's messages, not its
// whole markup.
func e2eSnippet(body string) string {
	var out []string
	for _, re := range []*regexp.Regexp{e2eAlertRE, e2eFieldErrRE} {
		for _, m := range re.FindAllStringSubmatch(body, -1) {
			out = append(out, html.UnescapeString(m[1]))
		}
	}
	if len(out) == 0 && len(body) > 600 {
		return body[:600]
	}
	if len(out) == 0 {
		return body
	}
	return strings.Join(out, "\n")
}

var (
	e2eAlertRE    = regexp.MustCompile(`(?s)class="(?:alert|flash)[^"]*"[^>]*>(.*?)</`)
	e2eFieldErrRE = regexp.MustCompile(`class="field-error"[^>]*>([^<]*)<`)
)

// e2eID reads the ID from a redirect target.
func e2eID(t *testing.T, loc, format string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(loc, format, &id); err != nil || id <= 0 {
		t.Fatalf("redirect %q does not match %q", loc, format)
	}
	return id
}

// ---- the world of the scenario ----

// e2eCase is one application: who applies under which category, what they
// type, and what they should be awarded.
type e2eCase struct {
	cat       string
	org       *dtfund.Organization
	user      string // the applicant's account
	reviewer  string // the first reviewer's account
	title     string
	typed     url.Values // what the applicant types into the form
	materials string     // the call's list, one per line
	award     int64      // fen
	fund      string

	call, app int64
	number    string
}

type e2eEnv struct {
	t     *testing.T
	f     *fixture
	db    *store.DB
	ctx   context.Context
	cases map[string]*e2eCase
	users map[string]*e2eUser
	anon  *client
}

// The clock of the scenario starts on Monday 2026-06-01 at 09:00.
const e2eStart = "2026-06-01 09:00"

func e2eSetup(t *testing.T, db *store.DB) *e2eEnv {
	t.Helper()
	f := newFixture(t, db)
	f.app.FilesDir = t.TempDir()
	e := &e2eEnv{t: t, f: f, db: db, ctx: context.Background(), users: map[string]*e2eUser{}, anon: f.client()}
	e.clock(e2eStart)
	sys := app.SystemActor("test")
	more := []*dtfund.User{
		{Username: "finance", DisplayName: "市财政", Role: dtfund.RoleCityFinance},
		{Username: "city2", DisplayName: "市工信二处", Role: dtfund.RoleCityMIIT},
		{Username: "expert2", DisplayName: "专家乙", Role: dtfund.RoleExpert},
		{Username: "expert3", DisplayName: "专家丙", Role: dtfund.RoleExpert},
		{Username: "expert4", DisplayName: "专家丁", Role: dtfund.RoleExpert},
		{Username: "outsider", DisplayName: "专家戊", Role: dtfund.RoleExpert},
	}
	e.cases = e2eCases()
	for _, cat := range e2eOrder {
		c := e.cases[cat]
		if err := f.app.CreateOrganization(e.ctx, sys, c.org); err != nil {
			t.Fatalf("organisation %s: %v", c.org.Name, err)
		}
		more = append(more, &dtfund.User{Username: c.user, DisplayName: c.clerk(), Role: dtfund.RoleApplicant, OrgID: c.org.ID})
	}
	for _, u := range more {
		if err := f.app.CreateUser(e.ctx, sys, u, testPassword); err != nil {
			t.Fatalf("user %s: %v", u.Username, err)
		}
	}
	// 7.1 names the 7.4 provider as its service provider (服务商).
	e.cases["7.1"].typed.Set("providers.0", e.cases["7.4"].org.USCC)
	return e
}

// e2eCases are realistic applicants: pilot-industry SMEs registered in
// Changchun for 7.1, 7.2 and 7.5; service providers for 7.3 (registered in
// Beijing: the city bureau reviews it first), 7.4 and 7.6; a large
// enterprise for the local fund.
func e2eCases() map[string]*e2eCase {
	r := rand.New(rand.NewPCG(20260601, 14))
	org := func(name, region, district, industry string, provider bool, staff, revenueWan int64) *dtfund.Organization {
		o := &dtfund.Organization{USCC: uscc.Generate(r, '9', '1', region), Name: name, Kind: dtfund.OrgEnterprise, LegalPerson: true,
			RegionCode: region, DistrictCode: district, IndustryCode: industry, IsApplicant: !provider, IsProvider: provider,
			ContactName: "王经理", ContactPhone: "0431-85000000"}
		if staff > 0 {
			o.SizeFacts = []dtfund.SizeFact{{Year: 2025, Employees: staff, RevenueFen: revenueWan * 1_000_000, AssetsFen: revenueWan * 800_000}}
		}
		return o
	}
	common := func(title, requested string) url.Values {
		return url.Values{"title": {title}, "description": {title + "：建设内容、实施方案和预期成效见申报书。"}, "requested": {requested},
			"goals.0.indicator": {"服务或改造企业数"}, "goals.0.baseline": {"0"}, "goals.0.target": {"10"},
			"decl.integrity": {"on"}, "decl.tax_compliant": {"on"}, "decl.no_major_incident": {"on"}}
	}
	c71 := common("冲压车间数字化改造", "300,000")
	for k, v := range map[string]string{"manufacturing_retrofit": "on",
		"spending.0.type": "software", "spending.0.supplier": "长春启明数字科技有限公司", "spending.0.description": "MES系统",
		"spending.0.contract_no": "HT-2025-031", "spending.0.contract_date": "2025-09-01", "spending.0.invoice_no": "FP-25090001",
		"spending.0.invoice_date": "2025-10-10", "spending.0.payment_date": "2025-10-20", "spending.0.amount": "400000",
		"spending.1.type": "data_equipment", "spending.1.supplier": "长春网联设备有限公司", "spending.1.description": "工业网关及路由",
		"spending.1.contract_no": "HT-2025-032", "spending.1.contract_date": "2025-09-05", "spending.1.invoice_no": "FP-25090002",
		"spending.1.invoice_date": "2025-10-12", "spending.1.payment_date": "2025-10-25", "spending.1.amount": "200,000.00",
		"goals.0.indicator": "设备联网率", "goals.0.baseline": "30%", "goals.0.target": "90%"} {
		c71.Set(k, v)
	}
	c72 := common("生产管理系统上云", "30000")
	c72.Set("subtype", "cloud")
	return map[string]*e2eCase{
		"7.1": {cat: "7.1", user: "app71", reviewer: "district_a", title: "冲压车间数字化改造", typed: c71,
			org:       org("长春丙汽车零部件有限公司", "220174", "220174", "3670", false, 320, 8000),
			materials: "申报书\n合同及发票", award: 28_000_000, fund: store.FundCentral},
		"7.2": {cat: "7.2", user: "app72", reviewer: "district_b", title: "生产管理系统上云", typed: c72,
			org:       org("长春丁电子元件有限公司", "220173", "220173", "3982", false, 85, 1500),
			materials: "申报书", award: 3_000_000, fund: store.FundCentral},
		"7.3": {cat: "7.3", user: "app73", reviewer: "city", title: "轻量化设备点检小程序", typed: common("轻量化设备点检小程序", "50000"),
			org:       org("北京戊软件技术有限公司", "110108", "", "6513", true, 60, 3000),
			materials: "申报书", award: 5_000_000, fund: store.FundCentral},
		"7.4": {cat: "7.4", user: "app74", reviewer: "district_b", title: "中小企业数字化转型服务", typed: common("中小企业数字化转型服务", "200000"),
			org:       org("长春己信息技术有限公司", "220173", "220173", "6531", true, 120, 6000),
			materials: "申报书", award: 20_000_000, fund: store.FundCentral},
		"7.5": {cat: "7.5", user: "app75", reviewer: "district_a", title: "汽车电子供应链协同平台应用", typed: common("汽车电子供应链协同平台应用", "200000"),
			org:       org("长春庚汽车电子有限公司", "220174", "220174", "3670", false, 180, 12000),
			materials: "申报书", award: 20_000_000, fund: store.FundCentral},
		"7.6": {cat: "7.6", user: "app76", reviewer: "district_a", title: "企业数字化水平评测服务", typed: common("企业数字化水平评测服务", "300000"),
			org:       org("长春辛数据服务有限公司", "220174", "220174", "6450", true, 45, 2000),
			materials: "申报书", award: 30_000_000, fund: store.FundCentral},
		"local": {cat: "local", user: "applocal", reviewer: "district_b", title: "集团数字化管控平台", typed: common("集团数字化管控平台", "500000"),
			org:       org("长春壬汽车集团有限公司", "220173", "220173", "3670", false, 2600, 850000),
			materials: "申报书", award: 50_000_000, fund: store.FundLocal},
	}
}

// clerk is the display name of the applicant's account.
func (c *e2eCase) clerk() string { return strings.TrimSuffix(c.org.Name, "有限公司") + "经办人" }

// e2eOrder is the order the scenario takes the cases in.
var e2eOrder = []string{"7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "local"}

// clock sets the database's and the app's clock (Shanghai time).
func (e *e2eEnv) clock(at string) {
	e.t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", at, calendar.Shanghai)
	if err != nil {
		e.t.Fatal(err)
	}
	e.f.app.DB.SetClock(func() time.Time { return tm })
	e.f.app.Now = func() time.Time { return tm }
}

// as is the user's browser, logged in on first use.
func (e *e2eEnv) as(name string) *e2eUser {
	if u, ok := e.users[name]; ok {
		return u
	}
	u := &e2eUser{client: e.f.client(), name: name}
	u.login()
	e.users[name] = u
	return u
}

// relogin logs every browser in again: sessions idle out across a jump of
// the clock.
func (e *e2eEnv) relogin() {
	for _, u := range e.users {
		u.login()
	}
}

func (e *e2eEnv) application(id int64) *dtfund.Application {
	e.t.Helper()
	a, err := e.db.Application(e.ctx, id, store.ApplicationFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *e2eEnv) events(id int64) []dtfund.AppEvent {
	e.t.Helper()
	evs, err := e.db.Events(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

// unchanged checks that a refused request left the application as it was.
func (e *e2eEnv) unchanged(what string, id int64, state dtfund.AppState, events int) {
	e.t.Helper()
	if a, n := e.application(id), len(e.events(id)); a.State != state || n != events {
		e.t.Fatalf("%s changed the application: state %s, %d events; want %s, %d", what, a.State, n, state, events)
	}
}

// ---- the steps, through the pages ----

// createCall publishes a call with the call form.
func (e *e2eEnv) createCall(cat, title, materials, closes string) int64 {
	e.t.Helper()
	city := e.as("city")
	form := city.form("/calls/new", "/calls/new", "")
	if form.Get("params_version") == "" || form.Get("rubric") == "" {
		e.t.Fatalf("call form lacks its defaults: %v", form)
	}
	for k, v := range map[string]string{"category": cat, "title": title, "opens_at": "2026-05-25 09:00", "closes_at": closes,
		"window_from": "2025-01-01", "window_to": "2026-05-31", "materials": materials,
		"notice": "请" + dtfund.CategoryLabel(cat) + "的申报主体按通知要求在截止时间前提交申报。", "budget_line": "数字化转型专项资金"} {
		form.Set(k, v)
	}
	_, loc := city.send("/calls/new", form, http.StatusSeeOther)
	return e2eID(e.t, loc, "/calls/%d")
}

// draft has the applicant start an application under the call, fill it in
// and upload the call's materials; it returns the application's ID.
func (e *e2eEnv) draft(c *e2eCase) int64 {
	e.t.Helper()
	u := e.as(c.user)
	callPath := fmt.Sprintf("/calls/%d", c.call)
	_, loc := u.send(callPath+"/apply", u.form(callPath, callPath+"/apply", "开始申报"), http.StatusSeeOther)
	id := e2eID(e.t, loc, "/apps/%d/edit")
	edit := fmt.Sprintf("/apps/%d/edit", id)
	form := u.form(edit, edit, "")
	for k, vs := range c.typed {
		form[k] = vs
	}
	u.send(edit, form, http.StatusSeeOther)
	for _, kind := range strings.Split(c.materials, "\n") {
		fields := e2eFormIn(e.t, u.page(edit), fmt.Sprintf("/apps/%d/attachments", id), `name="kind"`)
		fields.Set("kind", kind)
		if resp, body := e2eMultipart(u.client, fmt.Sprintf("/apps/%d/attachments", id), fields, kind+".pdf", pdf); resp.StatusCode != http.StatusSeeOther {
			e.t.Fatalf("upload %s: %d\n%s", kind, resp.StatusCode, e2eSnippet(body))
		}
	}
	return id
}

// submitForm is the edit page's form as rendered, to be sent with its 提交申报
// button; the draft must be complete.
func (e *e2eEnv) submitForm(c *e2eCase, id int64) url.Values {
	e.t.Helper()
	edit := fmt.Sprintf("/apps/%d/edit", id)
	page := e.as(c.user).page(edit)
	if strings.Contains(page, "提交前还需完成") || !strings.Contains(page, "提交申报") {
		e.t.Fatalf("%s: the draft is not ready to submit:\n%s", c.cat, e2eSnippet(page))
	}
	return e2eFormIn(e.t, page, edit, "")
}

// submit submits the application and checks that what was typed was kept.
func (e *e2eEnv) submit(c *e2eCase) {
	e.t.Helper()
	u := e.as(c.user)
	_, loc := u.send(fmt.Sprintf("/apps/%d/submit", c.app), e.submitForm(c, c.app), http.StatusSeeOther)
	if page := u.page(loc); !strings.Contains(page, "第 1 版") {
		e.t.Fatalf("%s: the submitted page does not show the version", c.cat)
	}
	a := e.application(c.app)
	if a.State != dtfund.StateSubmitted || a.Title != c.title || a.RequestedFen <= 0 || len(a.Goals) != 1 ||
		(c.cat == "7.1" && (len(a.Spending) != 2 || len(a.ProviderIDs) != 1 || !a.ManufacturingRetrofit)) {
		e.t.Fatalf("%s: submitted application lost what was typed: %+v", c.cat, a)
	}
	c.number = a.Number
}

// recommend is the first review: the reviewer's queue lists it, the form
// recommends it with an opinion.
func (e *e2eEnv) recommend(c *e2eCase) {
	e.t.Helper()
	u := e.as(c.reviewer)
	if queue := u.page("/review/district"); !strings.Contains(queue, c.number) {
		e.t.Fatalf("%s: %s's queue lacks %s", c.cat, c.reviewer, c.number)
	}
	path := fmt.Sprintf("/apps/%d/district", c.app)
	form := u.form(path, path, `value="recommend"`)
	form.Set("opinion", "材料齐全真实，符合申报条件，同意推荐。")
	u.send(path, form, http.StatusSeeOther)
}

// letter has the district official number a recommendation letter for the call.
func (e *e2eEnv) letter(c *e2eCase) {
	e.t.Helper()
	u := e.as(c.reviewer)
	form := u.form("/letters", "/letters", "")
	form.Set("call", strconv.FormatInt(c.call, 10))
	_, loc := u.send("/letters", form, http.StatusSeeOther)
	page := u.page(loc)
	for _, want := range []string{c.number, c.org.Name, c.title, "同意推荐", "长春市工业和信息化局："} {
		if !strings.Contains(page, want) {
			e.t.Errorf("%s: letter %s lacks %q", c.cat, loc, want)
		}
	}
	if page := e.as("city").page(loc); !strings.Contains(page, c.number) {
		e.t.Errorf("%s: the city cannot read letter %s", c.cat, loc)
	}
}

// registerExperts puts the experts into the pool with the expert form.
func (e *e2eEnv) registerExperts(names ...string) {
	e.t.Helper()
	city := e.as("city")
	for _, name := range names {
		form := city.form("/experts", "/experts", "")
		for k, v := range map[string]string{"username": name, "field": "智能制造", "affiliation": "吉林大学", "contact": "0431-85160000"} {
			form.Set(k, v)
		}
		form.Set("active", "on")
		city.send("/experts", form, http.StatusSeeOther)
	}
	if page := city.page("/experts"); strings.Count(page, "吉林大学") < len(names) {
		e.t.Fatal("the pool does not list the registered experts")
	}
}

// drawPanel draws a panel of size for the call's recommended applications.
func (e *e2eEnv) drawPanel(call int64, size int) int64 {
	e.t.Helper()
	city := e.as("city")
	form := city.form(fmt.Sprintf("/panels/new?call=%d", call), "/panels", "")
	form.Set("size", strconv.Itoa(size))
	form.Set("all", "on")
	_, loc := city.send("/panels", form, http.StatusSeeOther)
	return e2eID(e.t, loc, "/panels/%d")
}

// e2eScores are each expert's scores on the call form's default rubric
// (方案先进性 30, 实施基础 30, 预期成效 40): weighted totals 82.50, 79.00
// and 78.50, mean 80.00. For 7.1 each also sets the 核定投入 of the two
// spending items (元): medians 380,000 and 180,000.
var e2eScores = []struct {
	scores [3]string
	invest [2]string
}{
	{[3]string{"80", "75", "90"}, [2]string{"360000", "180000"}},
	{[3]string{"70", "80", "85"}, [2]string{"380000", "200000"}},
	{[3]string{"85", "70", "80"}, [2]string{"400000", "150000"}},
}

var e2eScoreLinkRE = regexp.MustCompile(`href="(/panels/\d+/apps/(\d+)/score)"`)

// scoreLink is the expert's link to the application from the task list.
func (e *e2eEnv) scoreLink(expert string, appID int64) string {
	e.t.Helper()
	for _, m := range e2eScoreLinkRE.FindAllStringSubmatch(e.as(expert).page("/review/expert"), -1) {
		if m[2] == strconv.FormatInt(appID, 10) {
			return m[1]
		}
	}
	e.t.Fatalf("%s's task list has no link to application %d", expert, appID)
	return ""
}

// score has the expert confirm no conflict and score the application.
func (e *e2eEnv) score(expert string, i int, c *e2eCase) {
	e.t.Helper()
	u := e.as(expert)
	link := e.scoreLink(expert, c.app)
	conflict := strings.TrimSuffix(link, "score") + "conflict"
	form := u.form(link, conflict, "")
	form.Set("decision", "none")
	u.send(conflict, form, http.StatusSeeOther)
	form = u.form(link, link, "")
	s := e2eScores[i]
	for j, v := range s.scores {
		form.Set("score."+strconv.Itoa(j), v)
	}
	if c.cat == "7.1" {
		form.Set("invest.1", s.invest[0])
		form.Set("invest.2", s.invest[1])
	}
	form.Set("comment", "方案可行，预期成效明确。")
	u.send(link, form, http.StatusSeeOther)
}

// finalise has the city bureau form the panel's result from the panel page;
// the 评审意见书 then renders.
func (e *e2eEnv) finalise(panel int64, c *e2eCase) {
	e.t.Helper()
	city := e.as("city")
	action := fmt.Sprintf("/panels/%d/apps/%d/finalise", panel, c.app)
	city.send(action, city.form(fmt.Sprintf("/panels/%d", panel), action, ""), http.StatusSeeOther)
	page := city.page(fmt.Sprintf("/apps/%d/opinion", c.app))
	for _, want := range []string{"专家评审意见书", c.number, "80.00", "评审通过", "专家乙", "方案可行"} {
		if !strings.Contains(page, want) {
			e.t.Errorf("%s: 评审意见书 lacks %q", c.cat, want)
		}
	}
	if c.cat == "7.1" && !strings.Contains(page, "560,000.00") {
		e.t.Errorf("7.1: 评审意见书 lacks the approved investment 560,000.00")
	}
}

// recheck is one bureau's passing signature.
func (e *e2eEnv) recheck(signer string, c *e2eCase) {
	e.t.Helper()
	u := e.as(signer)
	path := fmt.Sprintf("/apps/%d/recheck", c.app)
	form := u.form(path, path, "")
	form.Set("verdict", "pass")
	form.Set("opinion", "经复核，申报主体资格和资金渠道符合规定，同意。")
	u.send(path, form, http.StatusSeeOther)
}

// createBatch opens a publicity batch starting on start.
func (e *e2eEnv) createBatch(title, start string) int64 {
	e.t.Helper()
	city := e.as("city")
	form := city.form("/publicity", "/publicity", "")
	form.Set("title", title)
	if start != "" {
		form.Set("start_date", start)
	}
	_, loc := city.send("/publicity", form, http.StatusSeeOther)
	return e2eID(e.t, loc, "/publicity/%d/candidates")
}

// publish adds the application to the batch with the amount the page
// proposes; it returns that amount as shown.
func (e *e2eEnv) publish(batch int64, c *e2eCase) string {
	e.t.Helper()
	city := e.as("city")
	action := fmt.Sprintf("/publicity/%d/items", batch)
	form := city.form(fmt.Sprintf("/publicity/%d/candidates", batch), action, fmt.Sprintf(`name="app_id" value="%d"`, c.app))
	city.send(action, form, http.StatusSeeOther)
	return form.Get("amount")
}

// object lodges an objection without logging in, as anyone may.
func (e *e2eEnv) object(batch int64, c *e2eCase) {
	e.t.Helper()
	it, err := e.db.PublicityItemOfApp(e.ctx, c.app)
	if err != nil {
		e.t.Fatal(err)
	}
	path := fmt.Sprintf("/public/publicity/%d", batch)
	resp, page := e.anon.get(fmt.Sprintf("%s?item=%d", path, it.ID))
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("public batch page: %d", resp.StatusCode)
	}
	form := e2eFormIn(e.t, page, path+"/objections", "")
	if form.Get("item_id") != strconv.FormatInt(it.ID, 10) {
		e.t.Fatalf("the objection form does not preselect the project: %v", form)
	}
	form.Set("name", "张三")
	form.Set("contact", "13800000000")
	form.Set("reason", "据了解该项目尚未实际投入使用，申报材料可能与事实不符。")
	if resp, body := e2eMultipart(e.anon, path+"/objections", form, "", nil); resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("objection: %d\n%s", resp.StatusCode, e2eSnippet(body))
	}
}

var e2eObjectionRE = regexp.MustCompile(`href="/objections/(\d+)"`)

// dismiss has the city bureau find the only open objection unfounded.
func (e *e2eEnv) dismiss() {
	e.t.Helper()
	city := e.as("city")
	m := e2eObjectionRE.FindStringSubmatch(city.page("/objections?state=open"))
	if m == nil {
		e.t.Fatal("the list of open objections has no objection")
	}
	path := "/objections/" + m[1]
	form := city.form(path, path, "")
	form.Set("verdict", "dismissed")
	form.Set("finding", "经现场核查，项目已建成并投入使用，异议不成立。")
	city.send(path, form, http.StatusSeeOther)
}

// closeBatch posts the batch page's 结束公示 form.
func (e *e2eEnv) closeBatch(batch int64, want int) string {
	e.t.Helper()
	city := e.as("city")
	path := fmt.Sprintf("/publicity/%d", batch)
	body, _ := city.send(path+"/close", city.form(path, path+"/close", ""), want)
	return body
}

// approvalForm is the batch page's approval form, filled in.
func (e *e2eEnv) approvalForm(batch int64, doc string) url.Values {
	e.t.Helper()
	path := fmt.Sprintf("/publicity/%d", batch)
	form := e.as("city").form(path, path+"/approval", "")
	form.Set("doc_number", doc)
	return form
}

// approve posts the approval form with a scanned PDF.
func (e *e2eEnv) approve(batch int64, form url.Values, want int) string {
	e.t.Helper()
	form.Set("csrf_token", e.as("city").token) // the session may be new since the form was read
	resp, body := e2eMultipart(e.as("city").client, fmt.Sprintf("/publicity/%d/approval", batch), form, "批复.pdf", pdf)
	if resp.StatusCode != want {
		e.t.Fatalf("approval: %d, want %d\n%s", resp.StatusCode, want, e2eSnippet(body))
	}
	return body
}

// ---- the timeline ----

var e2eTimelineRowRE = regexp.MustCompile(`<tr><td[^>]*>[^<]*</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>`)

// e2eTimeline reads the detail page's 办理过程 as "who|action|from → to" lines.
func e2eTimeline(t *testing.T, page string) []string {
	t.Helper()
	i := strings.Index(page, "<h2>办理过程</h2>")
	if i < 0 {
		t.Fatal("the detail page has no timeline")
	}
	var out []string
	for _, m := range e2eTimelineRowRE.FindAllStringSubmatch(page[i:], -1) {
		out = append(out, html.UnescapeString(m[1]+"|"+m[2]+"|"+m[3]))
	}
	return out
}

// wantTimeline is the full timeline of a case, the dismissed objection
// included when there was one.
func (e *e2eEnv) wantTimeline(c *e2eCase, objected bool) []string {
	reviewer := map[string]string{"district_a": "汽开区工信", "district_b": "高新区工信", "city": "市工信"}[c.reviewer]
	out := []string{
		c.clerk() + "|提交申报|草稿 → 已申报",
		reviewer + "|推荐|已申报 → 县区已推荐",
		"市工信|提交专家评审|县区已推荐 → 专家评审中",
		"市工信|评审通过|专家评审中 → 评审通过",
		"市工信|资格复核签署|评审通过 → 评审通过",
		"市财政|资格复核通过（会签）|评审通过 → 资格复核通过",
		"市工信|网站公示|资格复核通过 → 公示中",
	}
	if objected {
		out = append(out, "市工信|公示异议不成立|公示中 → 公示中")
	}
	return append(out, "市工信|公示期满无异议|公示中 → 公示通过", "市工信|政府审批通过|公示通过 → 已批准")
}

// ---- the tests ----

func TestProcessEndToEnd(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		e := e2eSetup(t, db)
		e2eApplyAndRecommend(t, e)
		e2eReviewAndRecheck(t, e)
		batch := e2ePublicity(t, e)
		// （六）: the government's approval and the awards.
		fundBudget(t, e.f.app, 2026) // approvals commit money (budget_test.go)
		e.approve(batch, e.approvalForm(batch, "长府批〔2026〕35号"), http.StatusSeeOther)
		e2eAwards(t, e)
		for _, cat := range e2eOrder {
			c := e.cases[cat]
			got := e2eTimeline(t, e.as(c.user).page(fmt.Sprintf("/apps/%d", c.app)))
			if want := e.wantTimeline(c, cat == "7.2"); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s: timeline\n%s\nwant\n%s", cat, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
	})
}

// e2eApplyAndRecommend is 第十四条（一）and（二）: calls, drafts with their
// materials, submissions; the first review by the 属地 district, or by the
// city bureau for the provider registered in Beijing; the letters.
func e2eApplyAndRecommend(t *testing.T, e *e2eEnv) {
	t.Helper()
	for _, cat := range e2eOrder {
		c := e.cases[cat]
		c.call = e.createCall(cat, "2026年"+dtfund.CategoryLabel(cat)+"项目申报", c.materials, "2026-06-30 17:00")
	}
	for _, cat := range e2eOrder {
		c := e.cases[cat]
		c.app = e.draft(c)
		e.submit(c)
	}
	if page := e.as("district_a").page("/review/district"); strings.Contains(page, e.cases["7.3"].number) ||
		strings.Contains(page, e.cases["7.2"].number) {
		t.Fatal("汽开区's queue shows applications of others")
	}
	for _, cat := range e2eOrder {
		e.recommend(e.cases[cat])
	}
	for _, cat := range e2eOrder {
		if c := e.cases[cat]; c.reviewer != "city" {
			e.letter(c)
		}
	}
}

// e2eReviewAndRecheck is（三）and（四）: the pool, a panel per call, the
// scores, the results; both bureaus' signatures.
func e2eReviewAndRecheck(t *testing.T, e *e2eEnv) {
	t.Helper()
	e.registerExperts("expert", "expert2", "expert3")
	for _, cat := range e2eOrder {
		c := e.cases[cat]
		panel := e.drawPanel(c.call, 3)
		for i, expert := range []string{"expert", "expert2", "expert3"} {
			e.score(expert, i, c)
		}
		e.finalise(panel, c)
	}
	for _, cat := range e2eOrder {
		e.recheck("city", e.cases[cat])
		e.recheck("finance", e.cases[cat])
	}
	e2eRechecked(t, e)
}

// e2ePublicity is（五）: a batch from tomorrow with the amounts the page
// proposes, the public page, an objection dismissed, the close after the
// five working days; it returns the batch.
func e2ePublicity(t *testing.T, e *e2eEnv) int64 {
	t.Helper()
	batch := e.createBatch("2026年第一批数字化转型专项资金拟支持项目", "")
	for _, cat := range e2eOrder {
		c := e.cases[cat]
		if got := e.publish(batch, c); got != e2ePlainFen(c.award) {
			t.Errorf("%s: proposed amount %s, want %s", cat, got, e2ePlainFen(c.award))
		}
	}
	e2ePublic(t, e, batch)
	e.object(batch, e.cases["7.2"])
	e.dismiss()
	it, err := e.db.PublicityItemOfApp(e.ctx, e.cases["7.1"].app)
	if err != nil {
		t.Fatal(err)
	}
	if it.StartDate != "2026-06-02" || it.EndDate != "2026-06-08" {
		t.Fatalf("publicity period %s to %s, want five working days 2026-06-02 to 2026-06-08", it.StartDate, it.EndDate)
	}
	e.clock("2026-06-09 10:00")
	e.relogin()
	e.closeBatch(batch, http.StatusSeeOther)
	return batch
}

// e2ePlainFen is fen as the amount field shows it.
func e2ePlainFen(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }

// e2eRechecked checks the re-check's outcome: every application passed it,
// with the fund source the rules decided; 7.1's maximum is half the
// investment the experts approved (560,000 元), not of what was claimed.
func e2eRechecked(t *testing.T, e *e2eEnv) {
	t.Helper()
	for _, cat := range e2eOrder {
		c := e.cases[cat]
		if a := e.application(c.app); a.State != dtfund.StateRechecked {
			t.Fatalf("%s: state after both signatures %s", cat, a.State)
		}
		res, err := e.db.RecheckResult(e.ctx, c.app)
		if err != nil {
			t.Fatal(err)
		}
		if res.FundSource != c.fund || (res.HasCap && res.MaxSubsidyFen != c.award) {
			t.Errorf("%s: re-check result %+v, want fund %s and maximum %d", cat, res, c.fund, c.award)
		}
	}
}

// e2ePublic checks the public page: nothing before the start date, every
// project from it, to anyone without logging in.
func e2ePublic(t *testing.T, e *e2eEnv, batch int64) {
	t.Helper()
	if _, page := e.anon.get("/public/publicity"); strings.Contains(page, e.cases["7.1"].title) {
		t.Fatal("the public page shows projects before the start date")
	}
	e.clock("2026-06-02 10:00")
	e.relogin()
	resp, page := e.anon.get("/public/publicity")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("public page: %d", resp.StatusCode)
	}
	for _, cat := range e2eOrder {
		c := e.cases[cat]
		for _, want := range []string{c.org.Name, c.title, dtfund.CategoryLabel(cat), e2eYuan(c.award)} {
			if !strings.Contains(page, html.EscapeString(want)) {
				t.Errorf("%s: public page lacks %q", cat, want)
			}
		}
		if strings.Contains(page, c.number) || strings.Contains(page, c.org.USCC) {
			t.Errorf("%s: public page shows the application number or the credit code", cat)
		}
	}
	if !strings.Contains(page, "2026-06-02 至 2026-06-08") {
		t.Error("public page lacks the period")
	}
}

// e2eYuan writes fen as the yuan template function does: 280,000.00.
func e2eYuan(fen int64) string {
	whole := strconv.FormatInt(fen/100, 10)
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return fmt.Sprintf("%s.%02d", whole, fen%100)
}

// e2eAwards checks the awards: one per application with the published
// amount and the fund source; each applicant sees its own and no other.
func e2eAwards(t *testing.T, e *e2eEnv) {
	t.Helper()
	var sum int64
	for _, cat := range e2eOrder {
		c := e.cases[cat]
		aw, err := e.db.AwardOfApp(e.ctx, c.app)
		if err != nil {
			t.Fatalf("%s: no award: %v", cat, err)
		}
		if aw.AmountFen != c.award || aw.FundSource != c.fund || aw.DocNumber != "长府批〔2026〕35号" || aw.DocDate != "2026-06-09" {
			t.Errorf("%s: award %+v, want %d from %s", cat, aw, c.award, c.fund)
		}
		sum += c.award
		page := e.as(c.user).page("/awards")
		for _, want := range []string{c.title, e2eYuan(c.award), store.FundSourceLabel(c.fund), "长府批〔2026〕35号"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the applicant's award list lacks %q", cat, want)
			}
		}
		for _, other := range e2eOrder {
			if other != cat && strings.Contains(page, e.cases[other].title) {
				t.Errorf("%s: the applicant sees the award of %s", cat, other)
			}
		}
		detail := e.as(c.user).page(fmt.Sprintf("/apps/%d", c.app))
		if !strings.Contains(detail, "奖补金额 <strong>"+e2eYuan(c.award)+" 元</strong>（"+store.FundSourceLabel(c.fund)+"）") {
			t.Errorf("%s: the detail page does not show the award", cat)
		}
	}
	if page := e.as("city").page("/awards"); !strings.Contains(page, "共 7 项，合计 "+e2eYuan(sum)+" 元") {
		t.Errorf("the city's award list does not total %s", e2eYuan(sum))
	}
}

func TestProcessRefusalsOverHTTP(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		e := e2eSetup(t, db)
		c, late := e.cases["7.1"], e.cases["7.2"]
		c.call = e.createCall("7.1", "2026年数字化改造项目申报", c.materials, "2026-06-30 17:00")
		late.call = e.createCall("7.2", "2026年上云上平台项目申报（限时）", late.materials, "2026-06-01 12:00")
		c.app, late.app = e.draft(c), e.draft(late)
		e2eSubmissionRefusals(t, e, c, late)
		e2eOtherDistrict(t, e, c)
		e.recommend(c)
		e2eExpertRefusals(t, e, c)
		e2eRecheckRefusal(t, e, c)
		e2ePublicityRefusals(t, e, c)
	})
}

// e2eSubmissionRefusals: the same submission form sent twice is one
// submission with one timeline event; editing after submission is refused
// (409) and saves nothing; a first submission after the call's close time
// is refused with the time named and leaves the draft a draft.
func e2eSubmissionRefusals(t *testing.T, e *e2eEnv, c, late *e2eCase) {
	t.Helper()
	u := e.as(c.user)
	form := e.submitForm(c, c.app)
	for i := 0; i < 2; i++ {
		u.send(fmt.Sprintf("/apps/%d/submit", c.app), form, http.StatusSeeOther)
	}
	e.unchanged("the double submission", c.app, dtfund.StateSubmitted, 1)
	if got := e2eTimeline(t, u.page(fmt.Sprintf("/apps/%d", c.app))); len(got) != 1 {
		t.Fatalf("the double submission shows %d timeline lines", len(got))
	}
	c.number = e.application(c.app).Number

	form.Set("title", "提交后改名")
	if body, _ := u.send(fmt.Sprintf("/apps/%d/edit", c.app), form, http.StatusConflict); !strings.Contains(body, "不能修改") {
		t.Errorf("editing after submission: no message\n%s", e2eSnippet(body))
	}
	if a := e.application(c.app); a.Title != c.title {
		t.Fatalf("the refused edit saved the title %q", a.Title)
	}
	e.unchanged("the refused edit", c.app, dtfund.StateSubmitted, 1)

	e.clock("2026-06-01 12:30")
	body, _ := e.as(late.user).send(fmt.Sprintf("/apps/%d/submit", late.app), e.submitForm(late, late.app), http.StatusConflict)
	if !strings.Contains(body, "已于 2026-06-01 12:00（北京时间）截止申报") {
		t.Errorf("late submission: no message naming the close time\n%s", e2eSnippet(body))
	}
	e.unchanged("the late submission", late.app, dtfund.StateDraft, 0)
}

// e2eOtherDistrict: another district's official finds neither the
// application nor its decision form (404), and can decide nothing.
func e2eOtherDistrict(t *testing.T, e *e2eEnv, c *e2eCase) {
	t.Helper()
	other := e.as("district_b")
	for _, p := range []string{"/apps/%d", "/apps/%d/district"} {
		resp, body := other.get(fmt.Sprintf(p, c.app))
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "不存在") {
			t.Errorf("another district's GET %s: %d, want 404 with a message", fmt.Sprintf(p, c.app), resp.StatusCode)
		}
	}
	form := url.Values{"csrf_token": {other.token}, "action": {"recommend"}, "opinion": {"同意推荐"}, "idem": {"other-1"}}
	if body, _ := other.send(fmt.Sprintf("/apps/%d/district", c.app), form, http.StatusNotFound); !strings.Contains(body, "不存在") {
		t.Errorf("another district's decision: no message")
	}
	if page := other.page("/review/district"); strings.Contains(page, c.number) {
		t.Error("another district's queue lists the application")
	}
	e.unchanged("another district's decision", c.app, dtfund.StateSubmitted, 1)
	if rec, _ := e.db.Recommendation(e.ctx, c.app); rec != nil {
		t.Fatal("another district's decision stored a recommendation")
	}
}

// e2eExpertRefusals: a panel of four; one declares a conflict and can no
// longer reach the application; an expert not drawn never could; the other
// three score and the result is formed from their sheets only.
func e2eExpertRefusals(t *testing.T, e *e2eEnv, c *e2eCase) {
	t.Helper()
	e.registerExperts("expert", "expert2", "expert3", "expert4")
	panel := e.drawPanel(c.call, 4)
	events := len(e.events(c.app))
	link := e.scoreLink("expert4", c.app)
	conflict := strings.TrimSuffix(link, "score") + "conflict"
	x := e.as("expert4")
	form := x.form(link, conflict, "")
	form.Set("decision", "conflict")
	form.Set("reason", "本人近三年曾在该企业兼职技术顾问。")
	x.send(conflict, form, http.StatusSeeOther)
	scores := url.Values{"csrf_token": {x.token}, "score.0": {"90"}, "score.1": {"90"}, "score.2": {"90"},
		"invest.1": {"400000"}, "invest.2": {"200000"}}
	for _, who := range []*e2eUser{x, e.as("outsider")} {
		for _, p := range []string{link, fmt.Sprintf("/apps/%d", c.app)} {
			if resp, body := who.get(p); resp.StatusCode != http.StatusNotFound || (!strings.Contains(body, "不存在") && !strings.Contains(body, "评审任务")) {
				t.Errorf("%s: GET %s: %d, want 404 with a message", who.name, p, resp.StatusCode)
			}
		}
		scores.Set("csrf_token", who.token)
		if resp, _ := who.post(link, scores); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: scoring: %d, want 404", who.name, resp.StatusCode)
		}
	}
	if page := e.as("outsider").page("/review/expert"); strings.Contains(page, c.number) {
		t.Error("an expert not drawn has the task")
	}
	e.unchanged("the refused scoring", c.app, dtfund.StateExpertReview, events)
	for i, name := range []string{"expert", "expert2", "expert3"} {
		e.score(name, i, c)
	}
	sheets, err := e.db.ScoreSheets(e.ctx, panel, c.app)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sheets {
		if s.ExpertID == x.userID(e) {
			t.Fatal("the conflicted expert's scores were stored")
		}
	}
	if len(sheets) != 3 {
		t.Fatalf("%d score sheets, want 3", len(sheets))
	}
	e.finalise(panel, c)
}

// userID is the account's ID.
func (u *e2eUser) userID(e *e2eEnv) int64 {
	usr, err := e.f.app.UserByUsername(e.ctx, u.name)
	if err != nil {
		e.t.Fatal(err)
	}
	return usr.ID
}

// e2eRecheckRefusal: a second passing signature by the same bureau (another
// official of it) is refused and changes nothing; the other bureau's passes.
func e2eRecheckRefusal(t *testing.T, e *e2eEnv, c *e2eCase) {
	t.Helper()
	e.recheck("city", c)
	events := len(e.events(c.app))
	u := e.as("city2")
	path := fmt.Sprintf("/apps/%d/recheck", c.app)
	form := url.Values{"csrf_token": {u.token}, "idem": {"city2-sign"}, "verdict": {"pass"}, "opinion": {"同意"}}
	if body, _ := u.send(path, form, http.StatusConflict); !strings.Contains(body, "不能重复签署") {
		t.Errorf("second signature of the bureau: no message\n%s", e2eSnippet(body))
	}
	if sigs, _ := e.db.RecheckSignatures(e.ctx, c.app); len(sigs) != 1 {
		t.Fatalf("%d signatures after the refused one", len(sigs))
	}
	e.unchanged("the refused signature", c.app, dtfund.StateReviewed, events)
	e.recheck("finance", c)
}

// e2ePublicityRefusals: closing before the period ends names the date;
// with an objection open neither closing nor the approval goes through;
// once it is dismissed both do (the refused approval's form still works:
// a refusal consumes no idempotency key).
func e2ePublicityRefusals(t *testing.T, e *e2eEnv, c *e2eCase) {
	t.Helper()
	batch := e.createBatch("2026年第一批拟支持项目", "2026-06-01")
	e.publish(batch, c)
	events := len(e.events(c.app))
	if body := e.closeBatch(batch, http.StatusConflict); !strings.Contains(body, "公示期未满") || !strings.Contains(body, "2026-06-05") {
		t.Errorf("early close: the message does not name the end date\n%s", e2eSnippet(body))
	}
	e.unchanged("the early close", c.app, dtfund.StateInPublicity, events)
	e.object(batch, c)
	approval := e.approvalFormOpen(batch)
	if body := e.approve(batch, approval, http.StatusConflict); !strings.Contains(body, "尚未结束公示") {
		t.Errorf("approval during publicity: no message\n%s", e2eSnippet(body))
	}
	e.clock("2026-06-08 10:00")
	e.relogin()
	if body := e.closeBatch(batch, http.StatusConflict); !strings.Contains(body, "异议未办结") {
		t.Errorf("close with an open objection: no message\n%s", e2eSnippet(body))
	}
	if body := e.approve(batch, approval, http.StatusConflict); !strings.Contains(body, "尚未结束公示") {
		t.Errorf("approval with an open objection: no message\n%s", e2eSnippet(body))
	}
	e.unchanged("the refused close and approvals", c.app, dtfund.StateInPublicity, events)
	if aps, _ := e.db.Approvals(e.ctx, batch); len(aps) != 0 {
		t.Fatal("a refused approval was stored")
	}
	if _, err := e.db.AwardOfApp(e.ctx, c.app); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
		t.Fatalf("a refused approval created an award: %v", err)
	}
	e.dismiss()
	e.closeBatch(batch, http.StatusSeeOther)
	fundBudget(t, e.f.app, 2026) // approvals commit money (budget_test.go)
	e.approve(batch, approval, http.StatusSeeOther)
	if aw, err := e.db.AwardOfApp(e.ctx, c.app); err != nil || aw.AmountFen != c.award {
		t.Fatalf("award after the refusals: %+v %v", aw, err)
	}
}

// approvalFormOpen is the approval form as it would be sent while the batch
// is still open: the page offers it only once closed, so it is built from
// the fields that page renders.
func (e *e2eEnv) approvalFormOpen(batch int64) url.Values {
	return url.Values{"csrf_token": {e.as("city").token}, "idem": {fmt.Sprintf("approval-%d", batch)},
		"doc_number": {"长府批〔2026〕36号"}, "doc_date": {"2026-06-01"}}
}
