// Package e2e drives the real UI in headless Chromium: the pages are served
// by the production handler over a fresh, demo-seeded SQLite database, and
// the browser fills in and submits the forms as a user does.
//
// Without a browser the suite skips; with DTFUND_REQUIRE_BROWSER=1 (CI) a
// missing browser fails it. DTFUND_CHROMIUM names the browser binary;
// DTFUND_SCREENSHOTS is the directory the full-page screenshots go to.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/demo"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/internal/web"
)

// stepTimeout bounds every browser step.
const stepTimeout = 20 * time.Second

// Window size of the screenshots: a common office laptop screen.
const winW, winH = 1366, 768

func TestBrowser(t *testing.T) {
	chrome := findChromium(t)
	env := startServer(t)
	browser := startBrowser(t, chrome)
	shots := screenshotDir(t)

	t.Run("applicant_profile", func(t *testing.T) {
		p := newTab(t, browser, env, shots)

		p.navigate(t, "/login")
		mustContain(t, p.text(t, "h1"), "登录")
		p.screenshot(t, "01-login")

		p.login(t, "qiye")
		body := p.body(t)
		mustContain(t, body, "工作台 · ", "李明（企业）", "单位信息维护", "退出")
		p.screenshot(t, "02-applicant-home")

		// The workbench links to the organisation form.
		p.click(t, `.cards a[href="/profile/org"]`)
		p.wantPath(t, "/profile/org")
		mustContain(t, p.text(t, "h1"), "单位信息")
		origUSCC := p.value(t, "#uscc")
		year := p.value(t, `input[name="size.0.year"]`)
		oldEmp := p.value(t, `input[name="size.0.employees"]`)
		if year == "" || oldEmp == "" || origUSCC == "" {
			t.Fatalf("profile form not pre-filled: uscc %q, year %q, employees %q", origUSCC, year, oldEmp)
		}
		n, err := strconv.Atoi(oldEmp)
		if err != nil {
			t.Fatalf("从业人员 %q is not a number: %v", oldEmp, err)
		}
		newEmp := strconv.Itoa(n + 17)

		// Change 从业人员 of the first size row and save.
		p.fill(t, `input[name="size.0.employees"]`, newEmp)
		p.submit(t, `form[action="/profile/org"] button[type="submit"]`)
		p.wantPath(t, "/profile/org")
		mustEqual(t, "flash", p.text(t, ".flash"), "单位信息已保存")
		mustEqual(t, "从业人员 after save", p.value(t, `input[name="size.0.employees"]`), newEmp)
		mustEqual(t, "年度 after save", p.value(t, `input[name="size.0.year"]`), year)
		p.screenshot(t, "03-org-profile")

		// A lower-case letter in the credit code is refused beside the
		// field (422), and nothing of the submission is stored.
		const badUSCC = "91110000600037341l"
		p.fill(t, "#uscc", badUSCC)
		p.fill(t, `input[name="size.0.employees"]`, "999")
		p.submitExpect(t, `form[action="/profile/org"] button[type="submit"]`, 422)
		errText := p.text(t, "#uscc-err")
		mustContain(t, errText, "统一社会信用代码", "小写字母", "大写")
		mustEqual(t, "aria-invalid of #uscc", p.attr(t, "#uscc", "aria-invalid"), "true")
		mustEqual(t, "re-shown uscc", p.value(t, "#uscc"), badUSCC)
		mustNotContain(t, p.body(t), "单位信息已保存")
		p.screenshot(t, "03b-org-profile-error")

		p.navigate(t, "/profile/org") // a GET: a reload would resend the POST
		mustEqual(t, "stored uscc", p.value(t, "#uscc"), origUSCC)
		mustEqual(t, "stored 从业人员", p.value(t, `input[name="size.0.employees"]`), newEmp)

		// Log out with the header button; the session is gone.
		p.submit(t, `header form[action="/logout"] button[type="submit"]`)
		p.wantPath(t, "/login")
		body = p.body(t)
		mustContain(t, body, "您已安全退出")
		mustNotContain(t, body, "李明（企业）")
		if n := evaluate[int](t, p, `document.querySelectorAll('header form[action="/logout"]').length`); n != 0 {
			t.Fatalf("logged out, but the header still has %d logout button(s)", n)
		}
		mustEqual(t, "header login link", p.text(t, `header a[href="/login"]`), "登录")
		p.navigate(t, "/home")
		p.wantPath(t, "/login")
		mustNotContain(t, p.body(t), "李明（企业）")
	})

	t.Run("district_orgs", func(t *testing.T) {
		p := newTab(t, browser, env, shots)
		p.login(t, "qixian")
		mustContain(t, p.body(t), "孙伟（汽开区工信）", "本辖区单位")

		p.click(t, `.cards a[href="/orgs"]`)
		p.wantPath(t, "/orgs")
		mustContain(t, p.text(t, "h1"), "（本辖区）")
		body := p.body(t)
		mustContain(t, body, "长春一汽富晟汽车零部件有限公司", "长春旭阳汽车饰件有限公司")
		mustNotContain(t, body, "长春光华微电子有限公司", "长春市宏达汽车配件厂", "北京智造云科技有限公司")
		// Every row belongs to the official's district.
		districts := evaluate[[]string](t, p, `[...document.querySelectorAll("main table tbody tr td:nth-child(4)")].map(td => td.innerText.trim())`)
		if len(districts) == 0 {
			t.Fatal("organisation list has no rows")
		}
		for i, d := range districts {
			if d != "长春汽车经济技术开发区" {
				t.Errorf("row %d: 属地 %q, want 长春汽车经济技术开发区", i+1, d)
			}
		}
		p.screenshot(t, "05-district-orgs")

		p.click(t, `xpath=//main//table//a[text()="长春一汽富晟汽车零部件有限公司"]`)
		if !regexp.MustCompile(`^/orgs/\d+$`).MatchString(p.path(t)) {
			t.Fatalf("detail page path %q", p.path(t))
		}
		mustEqual(t, "detail h1", p.text(t, "h1"), "长春一汽富晟汽车零部件有限公司")
		mustContain(t, p.body(t), "统一社会信用代码", "（长春汽车经济技术开发区）", "规模数据", "3670")

		// An organisation of another district is not shown, even by its URL.
		other := env.orgID(t, "长春光华微电子有限公司")
		p.navigateExpect(t, "/orgs/"+strconv.FormatInt(other, 10), 404)
		mustNotContain(t, p.body(t), "长春光华微电子有限公司")
	})

	t.Run("calculator", func(t *testing.T) {
		p := newTab(t, browser, env, shots)
		p.navigate(t, "/public/calculator")
		mustContain(t, p.text(t, "h1"), "政策计算器")
		mustNotContain(t, p.body(t), "测算结果")

		// A medium-sized auto-parts maker in 汽开区 with one software purchase
		// inside the implementation period. The decision date is fixed so the
		// result does not depend on the day the test runs.
		p.setValue(t, "#as_of", "2025-06-30")
		p.fill(t, "#a-region", "220174")
		p.fill(t, "#a-industry", "3670")
		p.fill(t, "#a-emp", "320")
		p.fill(t, "#a-rev", "52000")
		p.setValue(t, `select[name="claim.category"]`, "7.1")
		p.setValue(t, `input[name="claim.call.window_from"]`, "2023-12-29")
		p.setValue(t, `input[name="claim.call.window_to"]`, "2025-12-31")
		p.setValue(t, `select[name="claim.spending[0].type"]`, "software")
		p.fill(t, `input[name="claim.spending[0].amount"]`, "300000")
		p.setValue(t, `input[name="claim.spending[0].contract_date"]`, "2024-05-10")
		p.setValue(t, `input[name="claim.spending[0].invoice_date"]`, "2024-06-10")
		p.setValue(t, `input[name="claim.spending[0].payment_date"]`, "2024-06-20")
		p.submit(t, `form[action="/public/calculator"] button[type="submit"]`)
		p.waitVisible(t, "#result")
		mustEqual(t, "result heading", p.text(t, "#result"), "测算结果")
		mustEqual(t, "中央专项资金", p.resultRow(t, "中央专项资金"), "可以支持")
		mustEqual(t, "地方配套资金", p.resultRow(t, "地方配套资金"), "可以支持")
		mustContain(t, p.resultRow(t, "企业规模（第五条）"), "中型")
		mustContain(t, p.resultRow(t, "试点行业（第四条）"), "是")
		maxSubsidy := p.resultRow(t, "奖补上限")
		if !regexp.MustCompile(`^[1-9][\d,]*(\.\d+)? 元（[\d.,]+ 万元）$`).MatchString(maxSubsidy) {
			t.Errorf("奖补上限 %q: want a positive amount in 元 and 万元", maxSubsidy)
		}
		mustContain(t, p.body(t), "逐条说明", "第五条")
		p.screenshot(t, "04-calculator-result")

		// 1000 people and 40000 万元 revenue is a large enterprise: no
		// central funds, local funds still possible.
		mustEqual(t, "re-shown 从业人员", p.value(t, "#a-emp"), "320")
		p.fill(t, "#a-emp", "1000")
		p.fill(t, "#a-rev", "40000")
		p.submit(t, `form[action="/public/calculator"] button[type="submit"]`)
		p.waitVisible(t, "#result")
		mustEqual(t, "中央专项资金 (large)", p.resultRow(t, "中央专项资金"), "不予支持")
		mustEqual(t, "地方配套资金 (large)", p.resultRow(t, "地方配套资金"), "可以支持")
		mustContain(t, p.resultRow(t, "企业规模（第五条）"), "大型")
		p.screenshot(t, "04b-calculator-large")

		// The working-day page gives the end of a publicity period.
		p.navigate(t, "/public/calendar?date=2026-09-30")
		mustContain(t, p.text(t, "h1"), "工作日查询")
		mustEqual(t, "calendar date field", p.value(t, "#date"), "2026-09-30")
		mustContain(t, p.body(t), "公示期（不少于5个工作日", "截止于 "+env.publicityEnd(t, "2026-09-30"))
	})

	t.Run("admin", func(t *testing.T) {
		p := newTab(t, browser, env, shots)
		p.login(t, "admin")
		p.click(t, `header nav a[href="/admin/users"]`)
		p.wantPath(t, "/admin/users")
		mustEqual(t, "users h1", p.text(t, "h1"), "用户管理")
		mustContain(t, p.body(t), "qiye", "qixian", "shigongxin", "zhuanjia", "hecha")
		p.screenshot(t, "06-admin-users")

		p.click(t, `header nav a[href="/admin/calendar"]`)
		p.wantPath(t, "/admin/calendar")
		mustEqual(t, "calendar h1", p.text(t, "h1"), "工作日历")
		p.screenshot(t, "07-admin-calendar")
	})
}

// ---------------------------------------------------------------------------
// The server

type serverEnv struct {
	app  *app.App
	base *url.URL
}

// startServer serves the production handler over a fresh SQLite database
// with the demo organisations and accounts, on 127.0.0.1.
func startServer(t *testing.T) *serverEnv {
	t.Helper()
	return startServerWith(t, nil)
}

// startServerWith is startServer with prepare (when not nil) run on the app
// before the demo data is seeded: a clock, a files directory.
func startServerWith(t *testing.T, prepare func(a *app.App)) *serverEnv {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(testdb.SQLite(t), logger)
	// The fast hasher must be set before seeding: the demo passwords are
	// hashed with it.
	a.Hasher = app.NewTestPasswordHasher()
	a.FilesDir = t.TempDir() // the demo's attachments
	if prepare != nil {
		prepare(a)
	}
	if _, err := demo.Seed(ctx, a); err != nil {
		t.Fatalf("demo.Seed: %v", err)
	}
	srv, err := web.New(ctx, a, logger, "test")
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	base, err := url.Parse(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &serverEnv{app: a, base: base}
}

// orgID looks up a demo organisation by name, as the system.
func (e *serverEnv) orgID(t *testing.T, name string) int64 {
	t.Helper()
	orgs, _, err := e.app.FindOrganizations(context.Background(), app.SystemActor("e2e"),
		store.OrgFilter{Query: name, Page: store.Page{Limit: 5}})
	if err != nil {
		t.Fatalf("find %s: %v", name, err)
	}
	for _, o := range orgs {
		if o.Name == name {
			return o.ID
		}
	}
	t.Fatalf("organisation %s not seeded", name)
	return 0
}

// publicityEnd is the end of a publicity period starting on date, from the
// application's own calendar, to compare with what the page shows.
func (e *serverEnv) publicityEnd(t *testing.T, date string) string {
	t.Helper()
	cal, err := e.app.Calendar(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	d, err := calendar.ParseDate(date)
	if err != nil {
		t.Fatal(err)
	}
	return cal.PublicityEnd(d).String()
}

// ---------------------------------------------------------------------------
// The browser

// findChromium returns the browser binary: DTFUND_CHROMIUM, /usr/bin/chromium
// or a Chromium/Chrome in PATH. Without one the test skips, unless
// DTFUND_REQUIRE_BROWSER=1.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("DTFUND_CHROMIUM"); p != "" {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
		noBrowser(t, fmt.Sprintf("DTFUND_CHROMIUM=%q is not an executable", p))
	}
	if fi, err := os.Stat("/usr/bin/chromium"); err == nil && !fi.IsDir() {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	noBrowser(t, "no Chromium found (/usr/bin/chromium, chromium, chromium-browser, google-chrome in PATH; or set DTFUND_CHROMIUM)")
	return ""
}

func noBrowser(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("DTFUND_REQUIRE_BROWSER") == "1" {
		t.Fatalf("DTFUND_REQUIRE_BROWSER=1: %s", why)
	}
	t.Skipf("browser suite skipped: %s", why)
}

// lockedBuffer collects the browser's output for the failure message.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startBrowser starts headless Chromium with a fresh profile and returns a
// context that holds it; every scenario opens its own tab from it.
func startBrowser(t *testing.T, chrome string) context.Context {
	t.Helper()
	profile := t.TempDir() // removed after the browser has closed (cleanups run LIFO)
	out := &lockedBuffer{}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"), // the users' locale: date fields show 年/月/日
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(winW, winH),
		chromedp.CombinedOutput(out),
	)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(browserCtx, 10*time.Second)
		defer cancel()
		chromedp.Cancel(ctx) // close the browser gracefully
		cancelBrowser()
		cancelAlloc()
	})
	// The first run starts the browser and binds it to browserCtx, which
	// has no deadline of its own.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(browserCtx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start %s: %v\n%s", chrome, err, out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("start %s: no answer within 30s\n%s", chrome, out.String())
	}
	return browserCtx
}

// allowance permits one response with an error status to a path.
type allowance struct {
	path   string
	status int64
}

// knownGaps are error responses tolerated on every page, each a reported
// defect of the pages: remove the entry when it is fixed. The test logs
// each occurrence.
var knownGaps = []allowance{}

// tab is one scenario's page, in a browser context of its own (its own
// cookies). It records every JavaScript exception, console error, browser
// log error and error response of the test server as a problem.
type tab struct {
	ctx   context.Context
	env   *serverEnv
	shots string

	mu       sync.Mutex
	step     string
	problems []string
	allowed  []allowance                // error responses the current step provokes on purpose
	seen     []allowance                // allowances consumed by a response
	gaps     []string                   // knownGaps that occurred
	allowReq map[network.RequestID]bool // requests of those responses, for their log entries
}

func newTab(t *testing.T, browser context.Context, env *serverEnv, shots string) *tab {
	t.Helper()
	p := &tab{env: env, shots: shots, step: "open tab", allowReq: map[network.RequestID]bool{}}
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext(), chromedp.WithListener(p.onEvent))
	t.Cleanup(func() {
		cancel()
		p.check(t)
		p.mu.Lock()
		defer p.mu.Unlock()
		if len(p.gaps) > 0 {
			t.Logf("known gaps tolerated (%d times): %s", len(p.gaps), p.gaps[0])
		}
	})
	p.ctx = ctx
	// The first run opens the tab and binds it to ctx.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(winW, winH)); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return p
}

// onEvent runs on chromedp's reading goroutine: it must only record.
func (p *tab) onEvent(ev any) {
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		p.problem("JavaScript exception: %s", exceptionText(e.ExceptionDetails))
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range e.Args {
				args = append(args, remoteText(a))
			}
			p.problem("console.%s: %s", e.Type, strings.Join(args, " "))
		}
	case *log.EventEntryAdded:
		if e.Entry == nil || e.Entry.Level != log.EntryLevelError {
			return
		}
		p.mu.Lock()
		allowed := e.Entry.NetworkRequestID != "" && p.allowReq[e.Entry.NetworkRequestID]
		if !allowed && e.Entry.Source == log.EntrySourceNetwork {
			// The log entry of an allowed response, should it come first.
			if u, err := url.Parse(e.Entry.URL); err == nil && u.Host == p.env.base.Host {
				for _, a := range append(p.allowed, knownGaps...) {
					if a.path == u.RequestURI() && strings.Contains(e.Entry.Text, fmt.Sprintf("status of %d ", a.status)) {
						allowed = true
					}
				}
			}
		}
		p.mu.Unlock()
		if !allowed {
			p.problem("browser log (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL)
		}
	case *network.EventResponseReceived:
		r := e.Response
		if r == nil || r.Status < 400 {
			return
		}
		u, err := url.Parse(r.URL)
		if err != nil || u.Host != p.env.base.Host {
			return
		}
		p.mu.Lock()
		for _, a := range knownGaps {
			if a.path == u.RequestURI() && a.status == r.Status {
				p.gaps = append(p.gaps, fmt.Sprintf("HTTP %d for %s", r.Status, a.path))
				p.allowReq[e.RequestID] = true
				p.mu.Unlock()
				return
			}
		}
		for i, a := range p.allowed {
			if a.path == u.RequestURI() && a.status == r.Status {
				p.allowed = append(p.allowed[:i], p.allowed[i+1:]...)
				p.seen = append(p.seen, a)
				p.allowReq[e.RequestID] = true
				p.mu.Unlock()
				return
			}
		}
		p.mu.Unlock()
		p.problem("HTTP %d %s for %s (%s)", r.Status, r.StatusText, u.RequestURI(), e.Type)
	}
}

func (p *tab) problem(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.problems = append(p.problems, "during "+strconv.Quote(p.step)+": "+fmt.Sprintf(format, args...))
}

// check fails the test on any problem recorded so far.
func (p *tab) check(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	probs := p.problems
	p.problems = nil
	p.mu.Unlock()
	for _, s := range probs {
		t.Error(s)
	}
	if len(probs) > 0 {
		t.FailNow()
	}
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "(no details)"
	}
	s := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		s += " " + d.Exception.Description
	}
	return fmt.Sprintf("%s at %s:%d:%d", s, d.URL, d.LineNumber, d.ColumnNumber)
}

func remoteText(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	if len(o.Value) > 0 {
		var s string
		if json.Unmarshal(o.Value, &s) == nil {
			return s
		}
		return string(o.Value)
	}
	return o.Description
}

// run runs the actions as one named step with a timeout, then fails on any
// problem the listeners recorded.
func (p *tab) run(t *testing.T, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	p.setStep(step)
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	p.check(t)
}

func (p *tab) setStep(step string) {
	p.mu.Lock()
	p.step = step
	p.mu.Unlock()
}

// expect allows one error response (status ≥ 400) to path in the step that
// follows; done fails the test unless it came.
func (p *tab) expect(path string, status int64) (done func(t *testing.T)) {
	a := allowance{path, status}
	p.mu.Lock()
	p.allowed = append(p.allowed, a)
	p.mu.Unlock()
	return func(t *testing.T) {
		t.Helper()
		p.mu.Lock()
		defer p.mu.Unlock()
		for i, s := range p.seen {
			if s == a {
				p.seen = append(p.seen[:i], p.seen[i+1:]...)
				return
			}
		}
		for i, x := range p.allowed {
			if x == a {
				p.allowed = append(p.allowed[:i], p.allowed[i+1:]...)
				break
			}
		}
		t.Fatalf("expected HTTP %d for %s, which did not come", status, path)
	}
}

// response runs actions that load a page and checks the document's status.
func (p *tab) response(t *testing.T, step string, want int64, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	p.setStep(step)
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	if resp == nil {
		t.Fatalf("%s: no document response", step)
	}
	if resp.Status != want {
		t.Fatalf("%s: HTTP %d for %s, want %d", step, resp.Status, resp.URL, want)
	}
	p.check(t)
}

func (p *tab) navigate(t *testing.T, path string) {
	t.Helper()
	p.response(t, "open "+path, 200, chromedp.Navigate(p.env.base.String()+path))
}

// navigateExpect opens a page that must answer with an error status.
func (p *tab) navigateExpect(t *testing.T, path string, status int64) {
	t.Helper()
	done := p.expect(path, status)
	p.response(t, "open "+path, status, chromedp.Navigate(p.env.base.String()+path))
	done(t)
}

// query turns "xpath=…" into an XPath search, anything else into CSS.
func query(sel string) chromedp.Action[chromedp.Void] {
	if x, ok := strings.CutPrefix(sel, "xpath="); ok {
		return chromedp.WaitVisible(chromedp.Search(x))
	}
	return chromedp.WaitVisible(chromedp.CSS(sel))
}

func clickOn(sel string) chromedp.Action[chromedp.Void] {
	if x, ok := strings.CutPrefix(sel, "xpath="); ok {
		return chromedp.Click(chromedp.Search(x), chromedp.NodeVisible)
	}
	return chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)
}

// click follows a link (or presses a button) and waits for the new page,
// which must load with 200.
func (p *tab) click(t *testing.T, sel string) {
	t.Helper()
	p.run(t, "find "+sel, query(sel))
	p.response(t, "click "+sel, 200, clickOn(sel))
}

// submit presses a form's submit button and waits for the answer (after
// any redirect), which must be 200.
func (p *tab) submit(t *testing.T, button string) {
	t.Helper()
	p.click(t, button)
}

// submitExpect presses a submit button whose answer must have the status,
// allow-listed for this one submission.
func (p *tab) submitExpect(t *testing.T, button string, status int64) {
	t.Helper()
	p.run(t, "find "+button, query(button))
	// A button's formaction, when it has one, is where its form goes.
	form, err := url.Parse(p.evalString(t, `(b => b.hasAttribute("formaction") ? b.formAction : b.form.action)(document.querySelector(`+
		jsString(button)+`))`))
	if err != nil {
		t.Fatal(err)
	}
	done := p.expect(form.RequestURI(), status)
	p.response(t, "submit "+button, status, clickOn(button))
	done(t)
}

// fill types a value into a text field, replacing what was there.
func (p *tab) fill(t *testing.T, sel, value string) {
	t.Helper()
	p.run(t, "fill "+sel,
		chromedp.WaitVisible(chromedp.CSS(sel)),
		// Not SetValue(sel, ""): chromedp v0.23.0 sends the empty string
		// as undefined and the field then holds "undefined".
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(sel)+`).value = ""`),
		chromedp.SendKeys(chromedp.CSS(sel), value),
	)
	mustEqual(t, "value of "+sel+" after typing", p.value(t, sel), value)
}

// setValue sets a select or date field, whose typing is locale-dependent.
func (p *tab) setValue(t *testing.T, sel, value string) {
	t.Helper()
	p.run(t, "set "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SetValue(chromedp.CSS(sel), value))
	mustEqual(t, "value of "+sel, p.value(t, sel), value)
}

func (p *tab) waitVisible(t *testing.T, sel string) {
	t.Helper()
	p.run(t, "wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

func getValue[T any](t *testing.T, p *tab, step string, a chromedp.Action[T]) T {
	t.Helper()
	p.setStep(step)
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	p.check(t)
	return v
}

func evaluate[T any](t *testing.T, p *tab, expr string) T {
	t.Helper()
	return getValue(t, p, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

func (p *tab) evalString(t *testing.T, expr string) string {
	t.Helper()
	return evaluate[string](t, p, expr)
}

// text is the visible text of the first element matching the CSS selector.
func (p *tab) text(t *testing.T, sel string) string {
	t.Helper()
	return strings.TrimSpace(getValue(t, p, "text of "+sel, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)))
}

// body is the visible text of the whole page.
func (p *tab) body(t *testing.T) string {
	t.Helper()
	return p.text(t, "body")
}

func (p *tab) value(t *testing.T, sel string) string {
	t.Helper()
	return getValue(t, p, "value of "+sel, chromedp.Value(chromedp.CSS(sel)))
}

func (p *tab) attr(t *testing.T, sel, name string) string {
	t.Helper()
	return getValue(t, p, "attribute "+name+" of "+sel, chromedp.AttributeValue(chromedp.CSS(sel), name)).Value
}

// path is the path of the current page.
func (p *tab) path(t *testing.T) string {
	t.Helper()
	loc := getValue(t, p, "location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("location %q: %v", loc, err)
	}
	return u.Path
}

func (p *tab) wantPath(t *testing.T, want string) {
	t.Helper()
	mustEqual(t, "page path", p.path(t), want)
}

// resultRow is the value cell of the calculator result row with the header.
func (p *tab) resultRow(t *testing.T, header string) string {
	t.Helper()
	expr := `(() => {
		const th = [...document.querySelectorAll('section[aria-labelledby="result"] th[scope="row"]')]
			.find(th => th.innerText.trim() === ` + jsString(header) + `);
		return th ? th.nextElementSibling.innerText.trim() : "（无此行）";
	})()`
	return p.evalString(t, expr)
}

// login signs in through the real login form with the demo password.
func (p *tab) login(t *testing.T, user string) {
	t.Helper()
	p.navigate(t, "/login")
	p.fill(t, "#username", user)
	p.fill(t, "#password", demo.Password)
	p.submit(t, `form[action="/login"] button[type="submit"]`)
	p.wantPath(t, "/home")
	mustContain(t, p.text(t, "h1"), "工作台")
}

// screenshot saves a full-page PNG.
func (p *tab) screenshot(t *testing.T, name string) {
	t.Helper()
	png := getValue(t, p, "screenshot "+name, chromedp.FullScreenshot(100))
	file := filepath.Join(p.shots, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", file)
}

func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("DTFUND_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("DTFUND_SCREENSHOTS: %v", err)
	}
	return dir
}

// ---------------------------------------------------------------------------
// Assertions

func mustContain(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Fatalf("page text does not contain %q:\n%s", w, text)
		}
	}
}

func mustNotContain(t *testing.T, text string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			t.Fatalf("page text contains %q:\n%s", w, text)
		}
	}
}

func mustEqual(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Fatalf("%s = %q, want %q", what, got, want)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
