package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/demo"
	"dtfund/internal/store"
)

// TestProcessInBrowser takes one 第七条（一） application through the six
// steps of 第十四条 in the real UI, every role signing in through the login
// form: the call, the application with its attachments and the rules'
// decision, the district's return and recommendation with the letter, the
// panel, the experts' scores and the 评审意见书, the joint re-check,
// publicity with an objection, and the approval with the award.
//
// The server's clock starts on Monday 2026-09-14 09:30 (Shanghai) and runs
// at the real pace; the test moves it past the end of the publicity period.
func TestProcessInBrowser(t *testing.T) {
	chrome := findChromium(t)
	clock := newProcessClock(time.Date(2026, 9, 14, 9, 30, 0, 0, calendar.Shanghai))
	files := t.TempDir()
	env := startServerWith(t, func(a *app.App) {
		a.FilesDir = filepath.Join(files, "data")
		a.Now = clock.now
		a.DB.SetClock(clock.now)
	})
	if got := env.app.Now(); got.Sub(clock.now()).Abs() > time.Second {
		t.Fatalf("the app's clock is %s after seeding, not the test's", got) // demo.Seed must give it back
	}
	r := &processRun{env: env, clock: clock, browser: startBrowser(t, chrome), shots: screenshotDir(t),
		uploads: filepath.Join(files, "uploads"), homeShot: map[string]bool{}}
	r.addExperts(t)
	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"1_call", r.createCall},
		{"1_application", r.draftAndSubmit},
		{"2_return", r.districtReturns},
		{"1_resubmit", r.resubmit},
		{"2_recommend", r.districtRecommends},
		{"3_panel", r.drawPanel},
		{"3_scores", r.expertsScore},
		{"3_finalise", r.finalise},
		{"4_recheck", r.recheck},
		{"5_publicity", r.publish},
		{"5_objection", r.objection},
		{"5_dismiss", r.dismissObjection},
		{"6_approval", r.closeAndApprove},
		{"6_award", r.applicantSeesAward},
		{"money_plan", r.proposePlan},
		{"money_batch", r.approvePlanAndIssue},
		{"money_payout", r.districtPaysOut},
		{"money_received", r.applicantSeesPayment},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			t.Fatalf("step %s failed; the later steps depend on it", s.name)
		}
	}
}

// processClock is the server's clock: a fixed start running at the real
// pace, moved forward by the test. Handlers read it concurrently, so the
// offset is atomic.
type processClock struct {
	base, started time.Time
	offset        atomic.Int64 // nanoseconds
}

func newProcessClock(base time.Time) *processClock {
	return &processClock{base: base, started: time.Now()}
}

func (c *processClock) now() time.Time {
	return c.base.Add(time.Since(c.started) + time.Duration(c.offset.Load()))
}

// moveTo moves the clock forward to at.
func (c *processClock) moveTo(at time.Time) { c.offset.Add(int64(at.Sub(c.now()))) }

// today is the date in Shanghai.
func (c *processClock) today() string { return calendar.DateOf(c.now()).String() }

// processRun is what the steps share: the server, and the records the
// earlier steps created.
type processRun struct {
	env      *serverEnv
	clock    *processClock
	browser  context.Context
	shots    string
	uploads  string
	homeShot map[string]bool // users whose workbench was photographed
	planPath string          // the fund-use plan's page
	experts  []processExpert

	callID, appID, panelID, batchID, objectionID int64
	appNumber, startDate, endDate, amount        string
}

type processExpert struct {
	username, name string
	scores         [3]string // 方案先进性, 实施基础, 预期成效
	approved       string    // 核定投入 of the one spending item, 元
}

// The call, the application and what the officials write.
const (
	prCallTitle   = "2026年数字化改造项目申报（浏览器测试批次）"
	prTitle       = "冲压车间设备联网与MES系统建设"
	prOrg         = "长春一汽富晟汽车零部件有限公司"
	prInvoice     = "FP-E2E-20260410-001"
	prReturn      = "请补充第二项绩效目标（数据采集点数），并说明MES上线后的产能提升测算依据。"
	prOpinion     = "经初审，申报主体具备申请资格，申报材料真实有效，同意推荐。"
	prExpertField = "智能制造（端到端测试）"
	prBatchTitle  = "2026年中小企业数字化转型专项资金拟支持项目（浏览器测试批次）"
	prDocNumber   = "长府批〔2026〕88号"
	prObjector    = "王某某"
	prContact     = "13900001111"
)

// The rubric is the call form's default: 方案先进性 30, 实施基础 30, 预期成效 40.
// Weighted totals 85.50, 80.50 and 80.00 average 82.00; the approved
// investments' median is 280,000.00 元 of the 300,000.00 declared, and half
// of it (第七条（一）) is the maximum subsidy.
var prExperts = []processExpert{
	{"zjqian", "钱教授（专家）", [3]string{"85", "80", "90"}, "280000"},
	{"zjsun", "孙研究员（专家）", [3]string{"75", "80", "85"}, "300000"},
	{"zjli", "李高工（专家）", [3]string{"90", "70", "80"}, "250000"},
}

var prTotals = []string{"85.50", "80.50", "80.00"}

const (
	prResult   = "82.00"
	prApproved = "280,000.00"
	prAmount   = "140000.00" // as the candidates' form offers it
	prAmountCN = "140,000.00"
)

// addExperts creates the three experts and their profiles, with a field of
// their own: the panel draws from them only, whatever else is in the pool.
func (r *processRun) addExperts(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	city, err := r.env.app.UserByUsername(ctx, "shigongxin")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range prExperts {
		u := &dtfund.User{Username: e.username, DisplayName: e.name, Role: dtfund.RoleExpert}
		if err := r.env.app.CreateUser(ctx, app.SystemActor("e2e"), u, demo.Password); err != nil {
			t.Fatalf("expert %s: %v", e.username, err)
		}
		p := store.ExpertProfile{Field: prExpertField, Affiliation: "吉林大学", Contact: "0431-85000000", Active: true}
		if err := r.env.app.SaveExpertProfile(ctx, app.Actor{User: city}, e.username, p); err != nil {
			t.Fatalf("expert profile %s: %v", e.username, err)
		}
	}
	r.experts = prExperts
}

// as opens a tab of its own (its own cookies) and signs the user in through
// the login form; the first time, the workbench is photographed.
func (r *processRun) as(t *testing.T, user string) *tab {
	t.Helper()
	p := newTab(t, r.browser, r.env, r.shots)
	p.login(t, user)
	if !r.homeShot[user] {
		r.homeShot[user] = true
		r.shot(t, p, "p00-workbench-"+user)
	}
	return p
}

// shot photographs the page after checking its layout at 1366 px: the page
// must not scroll sideways; a value wider than its field is logged (the
// user cannot read it without moving the cursor).
func (r *processRun) shot(t *testing.T, p *tab, name string) {
	t.Helper()
	if w := evaluate[int](t, p, `document.documentElement.scrollWidth`); w > winW {
		t.Errorf("%s: the page is %d px wide, wider than the %d px window", name, w, winW)
	}
	cut := evaluate[[]string](t, p, `[...document.querySelectorAll("main input[type=text], main input:not([type])")]
		.filter(i => i.value && i.offsetWidth > 0 && i.scrollWidth > i.clientWidth)
		.map(i => (i.getAttribute("aria-label") || i.name) + "=" + i.value)`)
	if len(cut) > 0 {
		t.Logf("%s: values cut off by their fields: %s", name, strings.Join(cut, "; "))
	}
	p.screenshot(t, name)
}

// upload writes a small PDF under name and returns its path.
func (r *processRun) upload(t *testing.T, name string) string {
	t.Helper()
	if err := os.MkdirAll(r.uploads, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(r.uploads, name)
	pdf := "%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\n% " + name + "\ntrailer <</Root 1 0 R>>\n%%EOF\n"
	if err := os.WriteFile(path, []byte(pdf), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// app reads the stored application, unscoped, to check what was stored.
func (r *processRun) app(t *testing.T) *dtfund.Application {
	t.Helper()
	a, err := r.env.app.DB.Application(context.Background(), r.appID, store.ApplicationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (r *processRun) wantState(t *testing.T, want dtfund.AppState) {
	t.Helper()
	if got := r.app(t).State; got != want {
		t.Fatalf("application state %s (%s), want %s (%s)", got, got.Label(), want, want.Label())
	}
}

func (r *processRun) id(n int64) string { return strconv.FormatInt(n, 10) }

// ---------------------------------------------------------------------------
// 第十四条（一）: the call and the application

func (r *processRun) createCall(t *testing.T) {
	p := r.as(t, "shigongxin")
	p.click(t, `.cards a[href="/calls"]`)
	p.click(t, `main a[href="/calls/new"]`)
	mustEqual(t, "default category", p.value(t, "#category"), "7.1")
	mustContain(t, p.value(t, "#materials"), "申报书", "发票及付款凭证", "合同")
	p.fill(t, "#title", prCallTitle)
	p.fill(t, "#opens_at", "2026-09-14 09:00")
	p.fill(t, "#closes_at", "2026-10-30 17:00")
	p.setValue(t, "#window_from", "2026-01-01")
	p.setValue(t, "#window_to", "2026-12-31")
	p.setValue(t, "#notice", "依据办法第七条（一），组织试点行业中小企业申报数字化改造奖补。\n请通过本系统在线填报。")
	p.submit(t, `form[action="/calls/new"] button[type="submit"]`)
	r.callID = p.pathID(t, `^/calls/(\d+)$`)
	mustEqual(t, "flash", p.text(t, ".flash"), "申报批次已创建")
	mustContain(t, p.text(t, "h1"), prCallTitle, "申报中")
	mustContain(t, p.body(t), "第七条（一）", "2026-01-01 至 2026-12-31", "2026-09-14 09:00 至 2026-10-30 17:00", "方案先进性")
}

func (r *processRun) draftAndSubmit(t *testing.T) {
	p := r.as(t, "qiye")
	p.click(t, `.cards a[href="/calls"]`)
	p.click(t, `xpath=//main//table//a[text()="`+prCallTitle+`"]`)
	p.wantPath(t, "/calls/"+r.id(r.callID))
	p.submit(t, `form[action="/calls/`+r.id(r.callID)+`/apply"] button[type="submit"]`)
	r.appID = p.pathID(t, `^/apps/(\d+)/edit$`)
	r.appNumber = r.app(t).Number
	mustContain(t, p.text(t, ".flash"), "已创建申报草稿 "+r.appNumber)
	edit := "/apps/" + r.id(r.appID)

	p.fill(t, "#title", prTitle)
	p.fill(t, "#description", "对冲压车间32台设备加装数据采集网关，部署MES系统，实现生产过程数据实时采集与排产优化。")
	p.fill(t, "#requested", "150000")
	p.setValue(t, `select[name="spending.0.type"]`, "software")
	p.fill(t, `input[name="spending.0.supplier"]`, "长春启明数字科技有限公司")
	p.fill(t, `input[name="spending.0.description"]`, "MES系统软件许可及实施")
	p.fill(t, `input[name="spending.0.contract_no"]`, "HT-2026-0315")
	p.setValue(t, `input[name="spending.0.contract_date"]`, "2026-03-15")
	p.fill(t, `input[name="spending.0.invoice_no"]`, prInvoice)
	p.setValue(t, `input[name="spending.0.invoice_date"]`, "2026-04-10")
	p.setValue(t, `input[name="spending.0.payment_date"]`, "2026-04-20")
	p.fill(t, `input[name="spending.0.amount"]`, "300000")
	p.fill(t, `input[name="goals.0.indicator"]`, "关键设备联网率")
	p.fill(t, `input[name="goals.0.baseline"]`, "35%")
	p.fill(t, `input[name="goals.0.target"]`, "90%")
	for _, d := range []string{"integrity", "tax_compliant", "no_major_incident"} {
		p.tick(t, `input[name="decl.`+d+`"]`)
	}
	p.submit(t, `form[action="`+edit+`/edit"] button.secondary`)
	p.wantPath(t, edit+"/edit")
	mustEqual(t, "flash", p.text(t, ".flash"), "草稿已保存")
	mustEqual(t, "saved title", p.value(t, "#title"), prTitle)
	mustEqual(t, "saved amount", p.value(t, `input[name="spending.0.amount"]`), "300000.00")
	mustContain(t, p.text(t, ".app-missing"), "申报书", "发票及付款凭证", "合同")

	// Submitting without the materials is refused beside the list, and the
	// description typed with it is not stored either.
	p.fill(t, "#description", "（未保存的修改）")
	p.submitExpect(t, `button[formaction="`+edit+`/submit"]`, 422)
	mustContain(t, p.text(t, ".alert"), "尚不能提交", "缺少申报材料")
	mustEqual(t, "re-shown description", p.value(t, "#description"), "（未保存的修改）")
	if a := r.app(t); a.State != dtfund.StateDraft || a.Version != 0 || strings.Contains(a.Description, "未保存") {
		t.Fatalf("refused submission changed the application: state %s, version %d, description %q", a.State, a.Version, a.Description)
	}

	p.navigate(t, edit+"/edit")
	for _, kind := range []string{"申报书", "发票及付款凭证", "合同"} {
		p.setValue(t, "#kind", kind)
		p.attach(t, "#file", r.upload(t, kind+".pdf"))
		p.submit(t, `form.app-upload button[type="submit"]`)
		mustEqual(t, "flash", p.text(t, ".flash"), "附件已上传")
	}
	if n := evaluate[int](t, p, `document.querySelectorAll(".app-missing").length`); n != 0 {
		t.Fatalf("still missing after the uploads: %s", p.text(t, ".app-missing"))
	}
	mustContain(t, p.text(t, "#attachments + .panel table"), "申报书.pdf", "发票及付款凭证.pdf", "合同.pdf")
	r.shot(t, p, "p01-application-form")

	p.submit(t, `button[formaction="`+edit+`/submit"]`)
	p.wantPath(t, edit+"/submitted")
	mustEqual(t, "flash", p.text(t, ".flash"), "申报已提交（第 1 版）")
	mustEqual(t, "中央专项资金", p.resultRow(t, "中央专项资金"), "可以支持")
	mustEqual(t, "地方配套资金", p.resultRow(t, "地方配套资金"), "可以支持")
	mustContain(t, p.resultRow(t, "企业规模（第五条）"), "中型")
	mustContain(t, p.resultRow(t, "试点行业（第四条）"), "是")
	// The decision article by article.
	articles := evaluate[[]string](t, p, `[...document.querySelectorAll('section[aria-labelledby="result"] table tbody tr td:first-child')].map(td => td.innerText.trim())`)
	for _, want := range []string{"第四条", "第五条", "第七条"} {
		if !containsPrefix(articles, want) {
			t.Errorf("the decision has no finding under %s: %q", want, articles)
		}
	}
	r.shot(t, p, "p02-submitted-decision")
	r.wantState(t, dtfund.StateSubmitted)
}

// ---------------------------------------------------------------------------
// 第十四条（二）: the district's first review

func (r *processRun) districtReturns(t *testing.T) {
	p := r.as(t, "qixian")
	mustContain(t, p.text(t, ".todos"), "待初审推荐")
	p.click(t, `.cards a[href="/review/district"]`)
	row := p.rowText(t, r.appNumber)
	mustContain(t, row, prOrg, prTitle, prCallTitle, "| 15 |") // 申请金额 in 万元
	r.shot(t, p, "p03-district-queue")

	p.click(t, `a[href="/apps/`+r.id(r.appID)+`/district"]`)
	mustContain(t, p.text(t, "h1"), r.appNumber, "已申报")
	p.fill(t, "#return-reason", prReturn)
	p.submit(t, `form:has(input[name="action"][value="return"]) button[type="submit"]`)
	p.wantPath(t, "/review/district")
	mustContain(t, p.text(t, ".flash"), r.appNumber, "当前状态：退回补正")
	r.wantState(t, dtfund.StateReturned)
}

func (r *processRun) resubmit(t *testing.T) {
	p := r.as(t, "qiye")
	p.click(t, `.todos a[href="/apps?state=returned"]`)
	p.click(t, `main table a[href="/apps/`+r.id(r.appID)+`"]`)
	p.click(t, `.actions a[href="/apps/`+r.id(r.appID)+`/edit"]`)
	mustContain(t, p.text(t, ".alert"), "县区退回补正意见", prReturn)
	p.fill(t, `input[name="goals.1.indicator"]`, "数据采集点数")
	p.fill(t, `input[name="goals.1.baseline"]`, "120")
	p.fill(t, `input[name="goals.1.target"]`, "600")
	p.fill(t, "#description", "对冲压车间32台设备加装数据采集网关，部署MES系统；上线后排产效率预计提升15%（按2025年产量测算）。")
	p.submit(t, `button[formaction="/apps/`+r.id(r.appID)+`/submit"]`)
	mustEqual(t, "flash", p.text(t, ".flash"), "申报已提交（第 2 版）")
	if a := r.app(t); a.State != dtfund.StateSubmitted || a.Version != 2 || len(a.Goals) != 2 {
		t.Fatalf("resubmitted: state %s, version %d, %d goals", a.State, a.Version, len(a.Goals))
	}
}

func (r *processRun) districtRecommends(t *testing.T) {
	p := r.as(t, "qixian")
	p.click(t, `.cards a[href="/review/district"]`)
	p.click(t, `a[href="/apps/`+r.id(r.appID)+`/district"]`)
	p.fill(t, "#opinion", prOpinion)
	p.submit(t, `form:has(input[name="action"][value="recommend"]) button[type="submit"]`)
	mustContain(t, p.text(t, ".flash"), r.appNumber, "当前状态：县区已推荐")
	r.wantState(t, dtfund.StateRecommended)

	// The recommendation letter (推荐函) of the call.
	p.click(t, `main a[href="/letters"]`)
	p.setValue(t, "#call", r.id(r.callID))
	p.submit(t, `form[method="post"][action="/letters"] button[type="submit"]`)
	p.pathID(t, `^/letters/(\d+)$`)
	mustContain(t, p.text(t, ".flash"), "已生成推荐函")
	mustContain(t, p.text(t, "article.doc"), "长春汽车经济技术开发区工业和信息化主管部门", prCallTitle, r.appNumber, prOrg, prTitle,
		prOpinion, "孙伟（汽开区工信）", "2026年9月14日")
	r.shot(t, p, "p04-letter")
	p.printScreenshot(t, "p04b-letter-print")
}

// ---------------------------------------------------------------------------
// 第十四条（三）: the panel, the scores and the 评审意见书

func (r *processRun) drawPanel(t *testing.T) {
	p := r.as(t, "shigongxin")
	p.click(t, `.todos a[href="/apps?state=recommended"]`)
	p.click(t, `main table a[href="/apps/`+r.id(r.appID)+`"]`)
	p.click(t, `.actions a[href="/panels/new?app=`+r.id(r.appID)+`"]`)
	mustEqual(t, "the call chosen", p.value(t, `form[action="/panels"] input[name="call"]`), r.id(r.callID))
	if !evaluate[bool](t, p, `document.querySelector('input[name="all"]').checked`) {
		t.Fatal("“all recommended applications” is not pre-selected")
	}
	mustContain(t, p.rowText(t, r.appNumber), prOrg, prTitle)
	p.fill(t, "#size", "3")
	p.fill(t, "#field", "端到端测试")
	p.submit(t, `form[action="/panels"] button[type="submit"]`)
	r.panelID = p.pathID(t, `^/panels/(\d+)$`)
	mustEqual(t, "flash", p.text(t, ".flash"), "已抽取评审组：3名专家，1件申报进入专家评审")
	members := evaluate[[]string](t, p, `[...document.querySelectorAll("main h2 + table tbody tr td:nth-child(3)")].map(td => td.innerText.trim())`)
	for _, e := range r.experts {
		if !containsPrefix(members, e.name) {
			t.Errorf("panel members %q lack %s", members, e.name)
		}
	}
	mustContain(t, p.body(t), "与抽取结果一致", "0 / 1 件已定稿")
	r.shot(t, p, "p05-panel")
	r.wantState(t, dtfund.StateExpertReview)
}

func (r *processRun) expertsScore(t *testing.T) {
	score := "/panels/" + r.id(r.panelID) + "/apps/" + r.id(r.appID) + "/score"
	for i, e := range r.experts {
		p := r.as(t, e.username)
		mustContain(t, p.text(t, ".todos"), "待评审")
		p.click(t, `.cards a[href="/review/expert"]`)
		p.click(t, `a[href="`+score+`"]`)
		mustContain(t, p.text(t, "h1"), r.appNumber)
		p.tick(t, `input[name="decision"][value="none"]`)
		p.submit(t, `form[action$="/conflict"] button[type="submit"]`)
		p.wantPath(t, score)
		mustEqual(t, "flash", p.text(t, ".flash"), "已确认无利益冲突，请评分")
		for j, s := range e.scores {
			p.fill(t, fmt.Sprintf(`input[name="score.%d"]`, j), s)
		}
		p.fill(t, `input[name="comment.0"]`, "方案成熟，技术路线清晰")
		p.fill(t, `input[name="invest.1"]`, e.approved)
		p.fill(t, "#comment", "同意支持；建议加强数据安全防护。")
		if i == 0 {
			r.shot(t, p, "p06-scoring-form")
		}
		p.submit(t, `form[action="`+score+`"] button[type="submit"]`)
		mustContain(t, p.text(t, ".flash"), "评分已保存")
		mustContain(t, p.body(t), "已保存的加权总分："+prTotals[i]+" 分")
		if i == 0 {
			r.shot(t, p, "p06b-scoring-saved")
		}
	}
}

func (r *processRun) finalise(t *testing.T) {
	p := r.as(t, "shigongxin")
	p.click(t, `.cards a[href="/panels"]`)
	p.click(t, `main a[href="/panels/`+r.id(r.panelID)+`"]`)
	mustContain(t, p.rowText(t, r.appNumber), "3 / 3", "评审中")
	p.submit(t, `form[action="/panels/`+r.id(r.panelID)+`/apps/`+r.id(r.appID)+`/finalise"] button[type="submit"]`)
	mustContain(t, p.text(t, ".flash"), "已定稿", "评审通过")
	mustContain(t, p.rowText(t, r.appNumber), prResult+" 分", "通过")
	r.wantState(t, dtfund.StateReviewed)

	p.click(t, `main a[href="/apps/`+r.id(r.appID)+`/opinion"]`)
	doc := p.text(t, "article.doc")
	mustContain(t, doc, "专家评审意见书", r.appNumber, prOrg, prTitle, prResult, "评审通过", prApproved, "钱教授（专家）", "同意支持")
	mustNotContain(t, doc, "仅供预览")
	r.shot(t, p, "p07-opinion")
	p.printScreenshot(t, "p07b-opinion-print")
}

// ---------------------------------------------------------------------------
// 第十四条（四）: the joint re-check

func (r *processRun) recheck(t *testing.T) {
	page := "/apps/" + r.id(r.appID) + "/recheck"
	for _, signer := range []struct{ user, flash string }{
		{"shigongxin", "已签署复核意见，待另一部门会签"},
		{"shicaizheng", "两部门会签通过：资格复核通过，可列入公示"},
	} {
		p := r.as(t, signer.user)
		p.click(t, `.todos a[href="/recheck"]`)
		p.click(t, `main table a[href="`+page+`"]`)
		mustContain(t, p.body(t), "按当日情况重新判定", "最高奖补 "+prAmountCN+" 元", "评审核定改造投入28万元")
		if signer.user == "shigongxin" {
			r.shot(t, p, "p08-recheck")
		}
		p.tick(t, `input[name="verdict"][value="pass"]`)
		p.fill(t, "#opinion", "申报主体资格、信用记录和资金渠道复核无误。")
		p.submit(t, `form[action="`+page+`"] button[type="submit"]`)
		p.wantPath(t, page)
		mustEqual(t, "flash", p.text(t, ".flash"), signer.flash)
		if signer.user == "shicaizheng" {
			mustContain(t, p.body(t), "市工业和信息化局", "市财政局", "复核通过")
			r.shot(t, p, "p08b-recheck-signed")
		}
	}
	r.wantState(t, dtfund.StateRechecked)
}

// ---------------------------------------------------------------------------
// 第十四条（五）: publicity and an objection

func (r *processRun) publish(t *testing.T) {
	p := r.as(t, "shigongxin")
	p.click(t, `.cards a[href="/publicity"]`)
	p.fill(t, "#title", prBatchTitle)
	p.setValue(t, "#start_date", r.clock.today())
	p.submit(t, `form[action="/publicity"] button[type="submit"]`)
	r.batchID = p.pathID(t, `^/publicity/(\d+)/candidates$`)
	items := "/publicity/" + r.id(r.batchID) + "/items"
	row := `form[action="` + items + `"]:has(input[name="app_id"][value="` + r.id(r.appID) + `"])`
	r.amount = p.value(t, row+` input[name="amount"]`)
	mustEqual(t, "amount offered", r.amount, prAmount)
	p.submit(t, row+` button[type="submit"]`)
	m := regexp.MustCompile(`^已列入公示：拟支持 ` + regexp.QuoteMeta(prAmountCN) + ` 元，公示期 (\S+) 至 (\S+)$`).FindStringSubmatch(p.text(t, ".flash"))
	if m == nil || m[1] != r.clock.today() {
		t.Fatalf("flash %q: want the period from today, %s", p.text(t, ".flash"), r.clock.today())
	}
	r.startDate, r.endDate = m[1], m[2]
	mustEqual(t, "end of the period", r.endDate, r.env.publicityEnd(t, r.clock.today()))
	r.wantState(t, dtfund.StateInPublicity)
}

func (r *processRun) objection(t *testing.T) {
	p := newTab(t, r.browser, r.env, r.shots) // nobody signed in
	p.navigate(t, "/")
	p.click(t, `header nav a[href="/public/publicity"]`)
	row := p.rowText(t, prTitle)
	mustContain(t, row, prBatchTitle, prOrg, "第七条（一）", prAmountCN, r.clock.today()+" 至 "+r.endDate)
	mustNotContain(t, p.body(t), r.appNumber, prInvoice)
	r.shot(t, p, "p09-public-publicity")

	p.click(t, `xpath=//main//tr[td[text()="`+prTitle+`"]]//a[text()="提出异议"]`)
	p.wantPath(t, "/public/publicity/"+r.id(r.batchID))
	if p.value(t, "#item_id") == "" {
		t.Fatal("the project objected to is not pre-selected")
	}
	p.fill(t, "#name", prObjector)
	p.fill(t, "#contact", prContact)
	p.fill(t, "#reason", "据了解该企业冲压车间的MES系统尚未上线运行，申报的软件支出存疑，请予核实。")
	p.attach(t, "#file", r.upload(t, "异议证明材料.pdf"))
	p.submit(t, `form[action="/public/publicity/`+r.id(r.batchID)+`/objections"] button[type="submit"]`)
	p.wantPath(t, "/public/publicity/"+r.id(r.batchID))
	m := regexp.MustCompile(`您的异议已提交（编号 (\d+)）`).FindStringSubmatch(p.text(t, ".flash"))
	if m == nil {
		t.Fatalf("flash %q", p.text(t, ".flash"))
	}
	r.objectionID, _ = strconv.ParseInt(m[1], 10, 64)
	mustNotContain(t, p.body(t), prContact)
}

func (r *processRun) dismissObjection(t *testing.T) {
	p := r.as(t, "shigongxin")
	p.click(t, `.cards a[href="/objections"]`)
	p.click(t, `main table a[href="/objections/`+r.id(r.objectionID)+`"]`)
	mustContain(t, p.body(t), r.appNumber, prObjector, prContact, "异议证明材料.pdf", "待核查")
	p.tick(t, `input[name="verdict"][value="dismissed"]`)
	p.fill(t, "#finding", "经现场核查，MES系统已于2026年5月上线运行，发票与合同一致，异议不成立。")
	p.submit(t, `form[action="/objections/`+r.id(r.objectionID)+`"] button[type="submit"]`)
	mustEqual(t, "flash", p.text(t, ".flash"), "已记录：异议不成立，申报继续公示")
	r.wantState(t, dtfund.StateInPublicity)

	// Closing is refused while the period runs, and changes nothing.
	batch := "/publicity/" + r.id(r.batchID)
	p.navigate(t, batch)
	p.submitExpect(t, `form[action="`+batch+`/close"] button[type="submit"]`, 409)
	mustContain(t, p.text(t, ".alert"), "公示期未满", r.endDate)
	r.wantState(t, dtfund.StateInPublicity)
}

// ---------------------------------------------------------------------------
// 第十四条（六）: approval and the award

func (r *processRun) closeAndApprove(t *testing.T) {
	end, err := calendar.ParseDate(r.endDate)
	if err != nil {
		t.Fatal(err)
	}
	next := end.AddDays(1)
	r.clock.moveTo(time.Date(next.Year, next.Month, next.Day, 9, 30, 0, 0, calendar.Shanghai))
	p := r.as(t, "shigongxin") // the sessions of before idled out
	p.click(t, `.cards a[href="/publicity"]`)
	p.click(t, `main table a[href="/publicity/`+r.id(r.batchID)+`"]`)
	batch := "/publicity/" + r.id(r.batchID)
	p.submit(t, `form[action="`+batch+`/close"] button[type="submit"]`)
	mustEqual(t, "flash", p.text(t, ".flash"), "公示已结束：1 个申报公示期满无异议，可提报市政府审批")
	r.wantState(t, dtfund.StatePublicityPassed)

	mustEqual(t, "批复日期 offered", p.value(t, "#doc_date"), r.clock.today())
	p.fill(t, "#doc_number", prDocNumber)
	p.attach(t, "#file", r.upload(t, "市政府批复.pdf"))
	p.submit(t, `form[action="`+batch+`/approval"] button[type="submit"]`)
	mustEqual(t, "flash", p.text(t, ".flash"), "已录入市政府批复 "+prDocNumber+"：1 个申报获批并生成奖补")
	mustContain(t, p.body(t), "市政府批复 "+prDocNumber, "市政府批复.pdf")
	r.wantState(t, dtfund.StateApproved)
}

func (r *processRun) applicantSeesAward(t *testing.T) {
	p := r.as(t, "qiye")
	p.click(t, `.cards a[href="/awards"]`)
	mustContain(t, p.rowText(t, r.appNumber), prOrg, prTitle, prAmountCN, prDocNumber, "中央专项资金")
	r.shot(t, p, "p10-awards")

	p.click(t, `main table a[href="/apps/`+r.id(r.appID)+`"]`)
	mustContain(t, p.text(t, "h1"), r.appNumber, dtfund.StateApproved.Label())
	mustContain(t, p.body(t), "奖补金额 "+prAmountCN+" 元", prDocNumber, prOpinion, "资格复核会签", "公示期 "+r.startDate+" 至 "+r.endDate)
	// The timeline: every transition of the way, in order.
	steps := evaluate[[]string](t, p, `(() => {
		const h = [...document.querySelectorAll("main h2")].find(h => h.innerText.trim() === "办理过程");
		return h ? [...h.nextElementSibling.querySelectorAll("tbody tr td:nth-child(4)")].map(td => td.innerText.trim()) : [];
	})()`)
	want := []dtfund.AppState{dtfund.StateSubmitted, dtfund.StateReturned, dtfund.StateSubmitted, dtfund.StateRecommended,
		dtfund.StateExpertReview, dtfund.StateReviewed, dtfund.StateRechecked, dtfund.StateInPublicity,
		dtfund.StatePublicityPassed, dtfund.StateApproved}
	i := 0
	for _, s := range steps {
		if i < len(want) && strings.HasSuffix(s, "→ "+want[i].Label()) {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("the timeline lacks the transition to %s (in order); it shows %q", want[i].Label(), steps)
	}
	mustContain(t, p.body(t), prReturn, "公示异议不成立")
	r.shot(t, p, "p11-application-detail")
}

// ---------------------------------------------------------------------------
// 第六条（一）–（四）: the fund-use plan, the payment batch, the district's
// payout and what the applicant sees

func (r *processRun) award(t *testing.T) *store.Award {
	t.Helper()
	aw, err := r.env.app.DB.AwardOfApp(context.Background(), r.appID)
	if err != nil || aw == nil {
		t.Fatalf("award of the application: %v", err)
	}
	return aw
}

func (r *processRun) proposePlan(t *testing.T) {
	aw := r.award(t)
	p := r.as(t, "shigongxin")
	p.click(t, `.cards a[href="/plans"]`)
	p.navigate(t, "/plans/new")
	p.fill(t, "#year", "2026")
	p.fill(t, "#title", "2026年第三批中小企业数字化转型奖补资金使用计划")
	p.fill(t, `input[name="amount_`+r.id(aw.ID)+`"]`, prAmount)
	p.submit(t, `form[action="/plans"] button[type="submit"]`)
	mustEqual(t, "flash", p.text(t, ".flash"), "资金使用计划已提交市财政局审核")
	path := p.path(t)
	if !strings.HasPrefix(path, "/plans/") {
		t.Fatalf("after proposing: %s", path)
	}
	r.planPath = path
	mustContain(t, p.body(t), r.appNumber, prAmountCN)
	r.shot(t, p, "p12-fund-plan")
}

func (r *processRun) approvePlanAndIssue(t *testing.T) {
	p := r.as(t, "shicaizheng")
	p.navigate(t, r.planPath)
	p.setValue(t, "#decision", "approve")
	p.submit(t, `form[action="`+r.planPath+`/decide"] button[type="submit"]`)
	p.submit(t, `form[action="/payments/batches"] button[type="submit"]`)
	mustEqual(t, "flash", p.text(t, ".flash"), "已生成拨付批次，请核对后下达")
	batch := p.path(t)
	p.submit(t, `form[action="`+batch+`/issue"] button[type="submit"]`)
	mustContain(t, p.text(t, ".flash"), "已下达 1 条拨付指令")
	r.shot(t, p, "p13-payment-batch")
}

func (r *processRun) districtPaysOut(t *testing.T) {
	ins, _, _, err := r.env.app.DB.FindInstructions(context.Background(), store.InstructionFilter{OrgID: r.app(t).OrgID,
		State: store.InstrIssued, Page: store.Page{Limit: 10}})
	if err != nil || len(ins) != 1 {
		t.Fatalf("issued instructions of the applicant: %d, %v", len(ins), err)
	}
	in := "/payments/instructions/" + r.id(ins[0].ID)
	p := r.as(t, "qicai")
	p.click(t, `.cards a[href="/payments/district"]`)
	mustContain(t, p.rowText(t, r.appNumber), prOrg, prAmountCN)
	p.submit(t, `form[action="`+in+`/receipt"] button[type="submit"]`)
	mustEqual(t, "flash", p.text(t, ".flash"), "已确认到账")
	p.fill(t, "#bank_ref_"+r.id(ins[0].ID), "CCB-E2E-0001")
	p.submit(t, `form[action="`+in+`/payout"] button[type="submit"]`)
	mustEqual(t, "flash", p.text(t, ".flash"), "已登记支付，流水号 CCB-E2E-0001")
	r.shot(t, p, "p14-district-payout")
}

func (r *processRun) applicantSeesPayment(t *testing.T) {
	p := r.as(t, "qiye")
	p.navigate(t, "/ledger/recipients/"+r.id(r.app(t).OrgID))
	mustContain(t, p.body(t), prAmountCN, "CCB-E2E-0001")
	r.shot(t, p, "p15-recipient-ledger")
}

// ---------------------------------------------------------------------------
// Helpers of this scenario

// tick checks a checkbox or chooses a radio button.
func (p *tab) tick(t *testing.T, sel string) {
	t.Helper()
	p.run(t, "tick "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if !evaluate[bool](t, p, `document.querySelector(`+jsString(sel)+`).checked`) {
		t.Fatalf("%s is not checked after the click", sel)
	}
}

// attach chooses a file in a file field, as the file dialog does.
func (p *tab) attach(t *testing.T, sel, path string) {
	t.Helper()
	p.run(t, "attach "+filepath.Base(path)+" to "+sel, chromedp.SetUploadFiles(chromedp.CSS(sel), []string{path}, chromedp.NodeVisible))
	mustEqual(t, "chosen file", p.evalString(t, `document.querySelector(`+jsString(sel)+`).files[0].name`), filepath.Base(path))
}

// pathID checks the page's path against pattern and returns its number.
func (p *tab) pathID(t *testing.T, pattern string) int64 {
	t.Helper()
	path := p.path(t)
	m := regexp.MustCompile(pattern).FindStringSubmatch(path)
	if m == nil {
		t.Fatalf("page path %q does not match %s (page: %s)", path, pattern, p.body(t))
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// rowText is the text of the first table row in main that has a cell
// containing s, with its cells separated by " | ".
func (p *tab) rowText(t *testing.T, s string) string {
	t.Helper()
	row := p.evalString(t, `(() => {
		const tr = [...document.querySelectorAll("main table tbody tr")].find(tr =>
			[...tr.cells].some(c => c.innerText.includes(`+jsString(s)+`)));
		return tr ? [...tr.cells].map(c => c.innerText.trim()).join(" | ") : "";
	})()`)
	if row == "" {
		t.Fatalf("no table row with %q:\n%s", s, p.body(t))
	}
	return row
}

// printScreenshot photographs the page as it prints (the print style
// sheet), then returns to the screen media.
func (p *tab) printScreenshot(t *testing.T, name string) {
	t.Helper()
	media := func(m string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return err
		})
	}
	p.run(t, "print media", media("print"))
	if n := evaluate[int](t, p, `document.querySelector("header.top").offsetHeight`); n != 0 {
		t.Errorf("%s: the page header is printed", name)
	}
	p.screenshot(t, name)
	p.run(t, "screen media", media("screen"))
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
