package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// projWeb is the payment web fixture (award A of organisation A in 汽开区,
// award B of organisation B in 高新区, today 2026-11-02) with the projects
// of both awards made by the backfill; both are due 2027-01-13.
type projWeb struct {
	*payWeb
	pA, pB *store.Project
}

func newProjWeb(t *testing.T, db *store.DB) *projWeb {
	t.Helper()
	ctx := context.Background()
	p := &projWeb{payWeb: newPayWeb(t, db)}
	if n, err := p.app.EnsureProjects(ctx); err != nil || n != 2 {
		t.Fatalf("backfill: %d, %v", n, err)
	}
	var err error
	if p.pA, err = db.ProjectOfAward(ctx, p.awA.ID); err != nil {
		t.Fatal(err)
	}
	if p.pB, err = db.ProjectOfAward(ctx, p.awB.ID); err != nil {
		t.Fatal(err)
	}
	return p
}

func projPath(p *store.Project, rest string) string { return fmt.Sprintf("/projects/%d%s", p.ID, rest) }

// assessAfter enters an 'after' assessment of project p from a report.
func (p *projWeb) assessAfter(t *testing.T, pr *store.Project, level int, score int64) {
	t.Helper()
	ctx := context.Background()
	err := p.app.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateAssessment(ctx, &store.Assessment{ApplicationID: pr.ApplicationID, OrgID: pr.OrgID, Phase: store.PhaseAfter,
			AssessedOn: "2026-11-01", Assessor: "某评测中心", ReportNo: "PC-77", Source: "report", ScoreCenti: score, Level: level})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// postFile sends a multipart form with one file and the session's token.
func postFile(t *testing.T, c *client, path string, fields map[string]string, name string, data []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", c.csrf("/home"))
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	resp, err := c.c.Post(c.f.ts.URL+path, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestProjectPagesScoped(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		p := newProjWeb(t, db)
		ent, distB, city := p.as("applicant"), p.as("district_b"), p.as("city")
		body := payGet(t, ent, "/projects", p.pA.AppNumber, "实施中", "2027-01-13", "共 1 条")
		if strings.Contains(body, p.pB.AppNumber) {
			t.Fatal("the applicant's list shows another organisation's project")
		}
		if resp, _ := ent.get(projPath(p.pB, "")); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another organisation's project: %d, want 404", resp.StatusCode)
		}
		if resp, _ := distB.get(projPath(p.pA, "/performance")); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another district's project: %d, want 404", resp.StatusCode)
		}
		body = payGet(t, distB, "/projects", p.pB.AppNumber)
		if strings.Contains(body, p.pA.AppNumber) || strings.Contains(body, `name="district"`) {
			t.Fatal("the district list shows another district or offers a district filter")
		}
		payGet(t, city, "/projects", p.pA.AppNumber, p.pB.AppNumber, "共 2 条", `name="district"`)
		body = payGet(t, city, "/projects?district=220173&state=in_progress", p.pB.AppNumber)
		if strings.Contains(body, p.pA.AppNumber) {
			t.Fatal("the district filter did not filter")
		}
		payGet(t, city, "/projects?overdue=1", "没有符合条件的改造项目")
		// Exactly the buttons of the role.
		body = payGet(t, ent, projPath(p.pA, ""), "新增里程碑", "报送进度", "暂不能申请验收", "第六条（五）", "尚无数字化水平评测", "自政府批复日期起算")
		for _, no := range []string{"/acceptance\"", "/terminate\""} {
			if strings.Contains(body, no) {
				t.Errorf("the applicant's page offers %s", no)
			}
		}
		body = payGet(t, city, projPath(p.pA, ""), "办理过程", "奖补批准，项目开始")
		for _, no := range []string{"新增里程碑", "申请验收</button>", "/acceptance\"", "/terminate\""} {
			if strings.Contains(body, no) {
				t.Errorf("the city's page of a project in progress offers %s", no)
			}
		}
		if resp, _ := city.get(projPath(p.pA, "/acceptance")); resp.StatusCode != http.StatusOK {
			t.Fatalf("acceptance page: %d", resp.StatusCode)
		}
		payGet(t, city, "/projects/pilot", "汽车零部件配件制造", "电子元器件制造", "90%", "尚无改造后评测")
		if resp, _ := ent.get("/projects/pilot"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("pilot view as applicant: %d", resp.StatusCode)
		}
		payGet(t, ent, "/home", `href="/projects"`, "改造项目实施中")
	})
}

// TestProjectFlowOverHTTP: the applicant's forms (refused input kept and
// explained), the request, the city's acceptance refused then passed on
// the level rule, and both bureaus' evaluation.
func TestProjectFlowOverHTTP(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		p := newProjWeb(t, db)
		ent := p.as("applicant")
		page := projPath(p.pA, "")
		payPost(t, ent, page, page+"/milestones", url.Values{"planned_date": {"2026-02-30"}, "description": {"MES 上线"}},
			http.StatusUnprocessableEntity, "计划完成日期应为日期", `value="MES 上线"`)
		payPost(t, ent, page, page+"/milestones", url.Values{"planned_date": {"2026-11-20"}, "description": {"MES 上线"}}, http.StatusSeeOther)
		ms, _ := db.Milestones(context.Background(), p.pA.ID)
		if len(ms) != 1 {
			t.Fatalf("milestones %d", len(ms))
		}
		payPost(t, ent, page, page+fmt.Sprintf("/milestones/%d/done", ms[0].ID), url.Values{"done_date": {"2026-12-01"}},
			http.StatusUnprocessableEntity, "不能晚于今天")
		payPost(t, ent, page, page+fmt.Sprintf("/milestones/%d/done", ms[0].ID), url.Values{"done_date": {"2026-11-01"}}, http.StatusSeeOther)
		resp, body := postFile(t, ent, page+"/progress", map[string]string{"reported_on": "2026-11-02", "percent": "60", "body": "主体完成"}, "进度.pdf", pdf)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("progress: %d %s", resp.StatusCode, paySnippet(body))
		}
		body = payGet(t, ent, page, "60%", "进度.pdf")
		reports, _ := db.ProgressReports(context.Background(), p.pA.ID)
		if resp, _ := p.as("district_a").get(page + fmt.Sprintf("/progress/%d/file", reports[0].ID)); resp.StatusCode != http.StatusOK {
			t.Fatalf("progress file for the district: %d", resp.StatusCode)
		}
		perf := page + "/performance"
		payPost(t, ent, perf, page+"/goals", url.Values{"goal_rows": {"2"}, "goals.0.indicator": {"设备联网率"}, "goals.1.target": {"15%"}},
			http.StatusUnprocessableEntity, "第1项绩效目标：请填写指标和目标值", `value="设备联网率"`, `value="15%"`)
		payPost(t, ent, perf, page+"/goals", url.Values{"goal_rows": {"1"}, "goals.0.indicator": {"设备联网率"}, "goals.0.baseline": {"30%"},
			"goals.0.target": {"85%"}}, http.StatusSeeOther)
		payPost(t, ent, page, page+"/request", url.Values{}, http.StatusUnprocessableEntity, "申请验收前须完成绩效自评")
		payPost(t, ent, perf, page+"/self-evaluation", url.Values{"actual.1": {"88%"}, "narrative": {"已完成全部改造内容"}}, http.StatusSeeOther)
		payPost(t, ent, page, page+"/request", url.Values{"idem": {"r1"}}, http.StatusSeeOther)
		if pr, _ := db.Project(context.Background(), p.pA.ID); pr.State != store.ProjectRequested {
			t.Fatalf("state after request: %s", pr.State)
		}
		// The city: 待办, then the acceptance refused on the level rule.
		city := p.as("city")
		payGet(t, city, "/home", "待组织验收")
		payGet(t, city, page, `href="`+page+`/acceptance"`)
		acc := url.Values{"held_on": {"2026-11-02"}, "other_experts": {"张工\n李教授\n王高工"}, "opinion": {"按方案实施完毕"}, "result": {"pass"}}
		payPost(t, city, page+"/acceptance", page+"/acceptance", acc, http.StatusUnprocessableEntity, "尚无改造后的数字化水平评测", "二级及以上", "按方案实施完毕")
		p.assessAfter(t, p.pA, 1, 3800)
		payPost(t, city, page+"/acceptance", page+"/acceptance", acc, http.StatusUnprocessableEntity, "一级", "38.00 分")
		p.assessAfter(t, p.pA, 2, 4600)
		acc.Set("other_experts", "张工")
		payPost(t, city, page+"/acceptance", page+"/acceptance", acc, http.StatusUnprocessableEntity, "验收专家组应有3至15名专家")
		acc.Set("other_experts", "张工，李教授，王高工")
		payPost(t, city, page+"/acceptance", page+"/acceptance", acc, http.StatusSeeOther)
		payGet(t, ent, page, "已验收", "第 1 次验收", "张工、李教授、王高工", "46.00 分", "二级")
		// Both bureaus evaluate; each once.
		payGet(t, city, perf, ">提交绩效评价</button>")
		payPost(t, city, perf, page+"/evaluation", url.Values{"score": {"abc"}, "opinion": {"好"}}, http.StatusUnprocessableEntity, "评分应为0至100之间的整数")
		payPost(t, city, perf, page+"/evaluation", url.Values{"score": {"91"}, "opinion": {"目标完成"}}, http.StatusSeeOther)
		if body := payGet(t, city, perf, "91"); strings.Contains(body, ">提交绩效评价</button>") {
			t.Fatal("the city may evaluate twice")
		}
		fin := p.as("finance")
		payGet(t, fin, "/home", "已验收项目待绩效评价会签")
		payPost(t, fin, perf, page+"/evaluation", url.Values{"score": {"84"}, "opinion": {"资金规范"}}, http.StatusSeeOther)
		payGet(t, ent, perf, "综合得分 87.50 分", "等级“良”")
	})
}

func TestProjectTerminationOverHTTP(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		p := newProjWeb(t, db)
		page := projPath(p.pA, "")
		city := p.as("city")
		payGet(t, city, page+"/terminate", "期限 2027-01-13 尚未届满")
		payPost(t, city, page+"/terminate", page+"/terminate", url.Values{"reason": {"逾期"}, "due_date": {"2026-12-31"}}, http.StatusConflict, "尚未届满")
		pubClock(t, p.fixture, "2027-01-14 10:00")
		city, distA := p.as("city"), p.as("district_a")
		payGet(t, distA, "/home", "本辖区改造项目逾期未验收")
		payGet(t, city, "/projects?overdue=1", p.pA.AppNumber, "逾期")
		payGet(t, city, page, `href="`+page+`/terminate"`)
		payPost(t, city, page+"/terminate", page+"/terminate", url.Values{"reason": {""}, "due_date": {"2027-02-28"}}, http.StatusUnprocessableEntity, "请填写撤销理由")
		payPost(t, city, page+"/terminate", page+"/terminate", url.Values{"reason": {"逾期未完成改造"}, "due_date": {"2027-02-28"}}, http.StatusSeeOther)
		payGet(t, city, page, "已终止", "逾期未完成改造", "已撤销")
		if pr, _ := db.Project(context.Background(), p.pA.ID); pr.State != store.ProjectTerminated || pr.AwardStatus != "revoked" {
			t.Fatalf("after termination: %+v", pr)
		}
		payGet(t, city, "/receivables", p.pA.AppNumber)
	})
}

// An awarded application links its project, and the project lists the
// supervision cases of its award for those who may open them.
func TestProjectLinksApplicationAndSupervision(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProjWeb(t, db)
		district := app.Actor{User: &dtfund.User{Username: "district_a", Role: dtfund.RoleDistrictMIIT, DistrictCode: "220174"}}
		c, err := p.app.RecordDeviation(ctx, district, app.DeviationInput{AwardID: p.awA.ID, Goal: "设备联网率达到85%",
			Facts: "截至检查日设备联网率仅40%，进度明显滞后", FoundOn: "2026-11-01"})
		if err != nil {
			t.Fatal(err)
		}
		city, ent := p.as("city"), p.as("applicant")
		payGet(t, city, projPath(p.pA, ""), "过程监督", fmt.Sprintf(`href="/supervision/%d"`, c.ID), "设备联网率达到85%")
		if body := payGet(t, ent, projPath(p.pA, "")); strings.Contains(body, "/supervision/") {
			t.Error("the applicant's project page links supervision pages it may not open")
		}
		payGet(t, city, fmt.Sprintf("/apps/%d", p.pA.ApplicationID), `href="`+projPath(p.pA, "")+`"`)
	})
}
