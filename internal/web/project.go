package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// projectRoutes are the routes of retrofit projects, acceptance and performance (第十五条、第十六条、第十九条).
func (s *Server) projectRoutes() []Route {
	viewers := roles(dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT,
		dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin)
	applicant, miit := roles(dtfund.RoleApplicant), roles(dtfund.RoleCityMIIT)
	upload := Access{Roles: applicant.Roles, MaxBody: app.MaxPublicityFileSize + 1<<20}
	return []Route{
		{"GET", "/projects", viewers, s.projectList},
		{"GET", "/projects/pilot", roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin), s.pilotView},
		{"GET", "/projects/{id}", viewers, s.projectDetail},
		{"POST", "/projects/{id}/milestones", applicant, s.milestoneSubmit},
		{"POST", "/projects/{id}/milestones/{mid}/done", applicant, s.milestoneDone},
		{"POST", "/projects/{id}/progress", upload, s.progressSubmit},
		{"GET", "/projects/{id}/progress/{rid}/file", viewers, s.progressFile},
		{"POST", "/projects/{id}/request", applicant, s.requestSubmit},
		{"GET", "/projects/{id}/performance", viewers, s.performancePage},
		{"POST", "/projects/{id}/goals", applicant, s.goalsSubmit},
		{"POST", "/projects/{id}/self-evaluation", applicant, s.selfEvalSubmit},
		{"POST", "/projects/{id}/evaluation", roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance), s.evaluationSubmit},
		{"GET", "/projects/{id}/acceptance", miit, s.acceptanceForm},
		{"POST", "/projects/{id}/acceptance", miit, s.acceptanceSubmit},
		{"GET", "/projects/{id}/terminate", miit, s.terminateForm},
		{"POST", "/projects/{id}/terminate", miit, s.terminateSubmit},
	}
}

// projectTags colour the states with the existing tag classes.
var projectTags = map[string]string{store.ProjectInProgress: "todo", store.ProjectRequested: "todo", store.ProjectRectifying: "fail",
	store.ProjectAccepted: "pass", store.ProjectTerminated: "na"}

// projectActionLabels name the lines of a project's timeline.
var projectActionLabels = map[string]string{
	"create": "奖补批准，项目开始", "goals": "修改绩效目标", "milestone": "新增里程碑", "milestone_done": "里程碑完成",
	"progress": "报送实施进度", "self_evaluation": "绩效自评", "request": "申请验收", "accept": "验收通过", "fail": "验收不通过",
	"fail_terminate": "再次验收不通过，终止项目", "terminate": "逾期终止项目", "award_revoked": "奖补撤销，项目终止", "evaluate": "绩效评价",
}

func init() {
	extraFuncs["projState"] = store.ProjectStateLabel
	extraFuncs["projTag"] = func(s string) string { return projectTags[s] }
	extraFuncs["projAction"] = func(a string) string {
		if l, ok := projectActionLabels[a]; ok {
			return l
		}
		return a
	}
	extraFuncs["projLevel"] = policy.LevelName
	extraFuncs["projScore"] = func(centi int64) string { return fmt.Sprintf("%d.%02d", centi/100, centi%100) }
	extraFuncs["projGrade"] = app.EvaluationGrade
	extraFuncs["projBP"] = func(bp int64) string {
		if bp%100 == 0 {
			return strconv.FormatInt(bp/100, 10) + "%"
		}
		return fmt.Sprintf("%d.%02d%%", bp/100, bp%100)
	}
	extraFuncs["projPhase"] = func(p string) string {
		return map[string]string{store.PhaseBefore: "改造前", store.PhaseAfter: "改造后"}[p]
	}
	extraFuncs["projDeref"] = func(n *int) int {
		if n == nil {
			return 0
		}
		return *n
	}
	// projFindings reads an acceptance's stored findings for the "finding" rows.
	extraFuncs["projFindings"] = func(s string) []policy.Finding {
		var fs []policy.Finding
		if json.Unmarshal([]byte(s), &fs) != nil {
			return nil
		}
		return fs
	}
	todoSources = append(todoSources, projectTodos)
}

// ---- 待办 ----

// projectTodos are the project lines of the workbench's queue.
func projectTodos(s *Server, r *http.Request) []todo {
	today := calendar.DateOf(s.App.DB.Now()).String()
	var qs []struct {
		label, href string
		f           store.ProjectFilter
	}
	add := func(label, href string, f store.ProjectFilter) {
		qs = append(qs, struct {
			label, href string
			f           store.ProjectFilter
		}{label, href, f})
	}
	switch state(r).User.Role {
	case dtfund.RoleApplicant:
		add("改造项目实施中（完成后填报绩效自评并申请验收）", "/projects?state=in_progress", store.ProjectFilter{States: []string{store.ProjectInProgress}})
		add("验收不通过，待整改后再次申请验收", "/projects?state=rectifying", store.ProjectFilter{States: []string{store.ProjectRectifying}})
		add("改造项目已逾期未验收", "/projects?overdue=1", store.ProjectFilter{OverdueOn: today})
	case dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance:
		add("本辖区改造项目逾期未验收", "/projects?overdue=1", store.ProjectFilter{OverdueOn: today})
	case dtfund.RoleCityMIIT:
		add("待组织验收", "/projects?state=acceptance_requested", store.ProjectFilter{States: []string{store.ProjectRequested}})
		add("改造项目逾期未验收（可终止）", "/projects?overdue=1", store.ProjectFilter{OverdueOn: today})
		add("已验收项目待绩效评价", "/projects?eval=1", store.ProjectFilter{NoEvaluationBy: dtfund.RoleCityMIIT})
	case dtfund.RoleCityFinance:
		add("已验收项目待绩效评价会签", "/projects?eval=1", store.ProjectFilter{NoEvaluationBy: dtfund.RoleCityFinance})
	}
	var out []todo
	for _, q := range qs {
		q.f.Page = store.Page{Limit: 1}
		_, n, err := s.App.FindProjects(r.Context(), actor(r), q.f)
		if err != nil {
			state(r).Log.ErrorContext(r.Context(), "project todo count", "err", err)
			continue
		}
		if n > 0 {
			out = append(out, todo{Label: q.label, Href: q.href, Count: n})
		}
	}
	return out
}

// ---- the list ----

const projectPageSize = 50

func (s *Server) projectList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	u := state(r).User
	page, offset := pageParam(q.Get("page"), projectPageSize)
	today := calendar.DateOf(s.App.DB.Now()).String()
	f := store.ProjectFilter{Sort: q.Get("sort"), Page: store.Page{Offset: offset, Limit: projectPageSize}}
	rest := url.Values{}
	if f.Sort != "" {
		rest.Set("sort", f.Sort)
	}
	if st := q.Get("state"); store.ProjectStateLabel(st) != st {
		f.States = []string{st}
		rest.Set("state", st)
	}
	if q.Get("overdue") == "1" {
		f.OverdueOn = today
		rest.Set("overdue", "1")
	}
	if q.Get("eval") == "1" && (u.Role == dtfund.RoleCityMIIT || u.Role == dtfund.RoleCityFinance) {
		f.NoEvaluationBy = u.Role
		rest.Set("eval", "1")
	}
	district := q.Get("district")
	if district != "" {
		f.DistrictCode = district
		rest.Set("district", district)
	}
	ps, total, err := s.App.FindProjects(r.Context(), actor(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// A district filter outside the official's own district shows nothing
	// rather than widening the scope.
	if u.Role.NeedsDistrict() && district != "" && district != u.DistrictCode {
		ps, total = nil, 0
	}
	districts, _ := s.App.DB.Districts(r.Context())
	v := s.newView(r, "改造项目", map[string]any{"Projects": ps, "States": store.ProjectStates, "Districts": districts, "Today": today,
		"Pager": newPager(page, projectPageSize, total, rest.Encode()), "CityWide": u.DistrictCode == "" && u.Role != dtfund.RoleApplicant,
		"Pilot": u.Role == dtfund.RoleCityMIIT || u.Role == dtfund.RoleCityFinance || u.Role == dtfund.RoleInspector || u.Role == dtfund.RoleAdmin,
		"Sort":  sortColumns("/projects", q, "number:申报编号", "deadline:期限", "state:状态")})
	v.Form = q
	s.render(w, r, "project_list", v)
}

// ---- the project page ----

func (s *Server) projectDetail(w http.ResponseWriter, r *http.Request) {
	s.renderProject(w, r, nil)
}

// renderProject shows the project page; after a refused form its errors
// are shown beside the form's fields with the values kept.
func (s *Server) renderProject(w http.ResponseWriter, r *http.Request, err error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	pv, lerr := s.App.ProjectDetail(r.Context(), actor(r), id)
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	v := s.newView(r, "改造项目 "+pv.Project.AppNumber, map[string]any{"V": pv, "Idem": randomToken(),
		"Summary": app.SummariseEvaluations(pv.Evaluations), "Form": r.PostForm.Get("form"),
		"Cases": s.projectCases(r, pv.Project.AwardID)})
	if err != nil {
		s.pubRender(w, r, "project_detail", v, err)
		return
	}
	s.render(w, r, "project_detail", v)
}

// projectAfter sends the user back to the project page with a message, or
// shows the page again with the refusal.
func (s *Server) projectAfter(w http.ResponseWriter, r *http.Request, id int64, err error, msg string) {
	if err != nil {
		s.renderProject(w, r, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/projects/%d", id), msg)
}

func (s *Server) milestoneSubmit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	_, err := s.App.AddMilestone(r.Context(), actor(r), app.MilestoneInput{ProjectID: id, PlannedDate: f.Get("planned_date"),
		Description: f.Get("description"), IdempotencyKey: f.Get("idem")})
	s.projectAfter(w, r, id, err, "已新增里程碑")
}

func (s *Server) milestoneDone(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	mid, ok := s.pathID(w, r, "mid")
	if !ok {
		return
	}
	r.PostForm.Set("milestone", strconv.FormatInt(mid, 10)) // the row whose form is shown again
	err := s.App.CompleteMilestone(r.Context(), actor(r), id, mid, r.PostForm.Get("done_date"))
	s.projectAfter(w, r, id, err, "已记录里程碑完成")
}

func (s *Server) progressSubmit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm // with the multipart form's values
	percent, perr := strconv.Atoi(strings.TrimSpace(f.Get("percent")))
	if perr != nil {
		s.projectAfter(w, r, id, dtfund.FieldError("percent", "完成进度应为0至100之间的整数（百分比）"), "")
		return
	}
	file, err := pubFile(r)
	if err == nil {
		_, err = s.App.ReportProgress(r.Context(), actor(r), app.ProgressInput{ProjectID: id, ReportedOn: f.Get("reported_on"),
			Percent: percent, Body: f.Get("body"), File: file, IdempotencyKey: f.Get("idem")})
	}
	s.projectAfter(w, r, id, err, "已报送实施进度")
}

func (s *Server) progressFile(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	rid, ok := s.pathID(w, r, "rid")
	if !ok {
		return
	}
	name, fc, f, err := s.App.OpenProgressFile(r.Context(), actor(r), id, rid)
	s.sendStored(w, r, name, fc, f, err)
}

func (s *Server) requestSubmit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	_, err := s.App.RequestAcceptance(r.Context(), actor(r), id, r.PostForm.Get("idem"))
	s.projectAfter(w, r, id, err, "已申请验收，等待市工业和信息化局组织验收")
}

// ---- goals, self-evaluation and evaluation (绩效) ----

// goalRow is one row of the goals form.
type goalRow struct {
	Seq                                 int
	Indicator, Baseline, Target, Actual string
}

const goalFormRows = 3 // empty rows offered after the goals

func (s *Server) performancePage(w http.ResponseWriter, r *http.Request) {
	s.renderPerformance(w, r, nil)
}

func (s *Server) renderPerformance(w http.ResponseWriter, r *http.Request, err error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	pv, lerr := s.App.ProjectDetail(r.Context(), actor(r), id)
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	f := r.PostForm
	rows := make([]goalRow, 0, len(pv.Goals)+goalFormRows)
	for _, g := range pv.Goals {
		rows = append(rows, goalRow{Seq: g.Seq, Indicator: g.Indicator, Baseline: g.Baseline, Target: g.Target, Actual: g.Actual})
	}
	switch {
	case err != nil && f.Get("form") == "goals":
		rows = rows[:0]
		for i := 0; i < clampRows(atoiOr(f.Get("goal_rows")), 0, app.MaxGoalRows); i++ {
			p := fmt.Sprintf("goals.%d.", i)
			rows = append(rows, goalRow{Seq: i + 1, Indicator: f.Get(p + "indicator"), Baseline: f.Get(p + "baseline"), Target: f.Get(p + "target")})
		}
	case err != nil && f.Get("form") == "self":
		for i := range rows {
			rows[i].Actual = f.Get(fmt.Sprintf("actual.%d", rows[i].Seq))
		}
	}
	edit := rows
	if pv.Can.EditPlan && err == nil {
		for i := 0; i < goalFormRows && len(edit) < app.MaxGoalRows; i++ {
			edit = append(edit, goalRow{Seq: len(edit) + 1})
		}
	}
	narrative := pv.Project.SelfEval
	if err != nil && f.Get("form") == "self" {
		narrative = f.Get("narrative")
	}
	v := s.newView(r, "绩效目标与评价 "+pv.Project.AppNumber, map[string]any{"V": pv, "Rows": rows, "EditRows": edit,
		"Narrative": narrative, "Summary": app.SummariseEvaluations(pv.Evaluations)})
	if err != nil {
		s.pubRender(w, r, "project_performance", v, err)
		return
	}
	s.render(w, r, "project_performance", v)
}

func (s *Server) goalsSubmit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	f.Set("form", "goals")
	var goals []store.ProjectGoal
	for i := 0; i < clampRows(atoiOr(f.Get("goal_rows")), 0, app.MaxGoalRows); i++ {
		p := fmt.Sprintf("goals.%d.", i)
		g := store.ProjectGoal{Indicator: f.Get(p + "indicator"), Baseline: f.Get(p + "baseline"), Target: f.Get(p + "target")}
		if strings.TrimSpace(g.Indicator+g.Baseline+g.Target) != "" {
			goals = append(goals, g)
		}
	}
	if err := s.App.SaveProjectGoals(r.Context(), actor(r), id, goals); err != nil {
		s.renderPerformance(w, r, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/projects/%d/performance", id), "已保存绩效目标")
}

func (s *Server) selfEvalSubmit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	f.Set("form", "self")
	in := app.SelfEvaluation{ProjectID: id, Narrative: f.Get("narrative"), Actuals: map[int]string{}}
	for key, vals := range f {
		if seq, err := strconv.Atoi(strings.TrimPrefix(key, "actual.")); strings.HasPrefix(key, "actual.") && err == nil && seq > 0 {
			in.Actuals[seq] = vals[0]
		}
	}
	if err := s.App.SaveSelfEvaluation(r.Context(), actor(r), in); err != nil {
		s.renderPerformance(w, r, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/projects/%d/performance", id), "已保存绩效自评")
}

func (s *Server) evaluationSubmit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	f.Set("form", "eval")
	score, err := strconv.Atoi(strings.TrimSpace(f.Get("score")))
	if err != nil {
		s.renderPerformance(w, r, dtfund.FieldError("score", "评分应为0至100之间的整数"))
		return
	}
	if _, err := s.App.SignEvaluation(r.Context(), actor(r), app.EvaluationInput{ProjectID: id, Score: score, Opinion: f.Get("opinion")}); err != nil {
		s.renderPerformance(w, r, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/projects/%d/performance", id), "已提交绩效评价")
}

// ---- acceptance and termination (市工信局) ----

func (s *Server) acceptanceForm(w http.ResponseWriter, r *http.Request) {
	form := url.Values{"held_on": {calendar.DateOf(s.App.DB.Now()).String()}, "idem": {randomToken()},
		"due_date": {calendar.DateOf(s.App.DB.Now().Add(30 * 24 * time.Hour)).String()}}
	s.renderAcceptance(w, r, form, nil)
}

func (s *Server) renderAcceptance(w http.ResponseWriter, r *http.Request, form url.Values, err error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx, a := r.Context(), actor(r)
	pv, lerr := s.App.ProjectDetail(ctx, a, id)
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	experts, _, lerr := s.App.FindExperts(ctx, a, store.ExpertFilter{Page: store.Page{Limit: 200}})
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	var pool []*store.ExpertProfile
	for _, e := range experts {
		if e.HasProfile && e.Active && !e.Disabled {
			pool = append(pool, e)
		}
	}
	chosen := map[string]bool{}
	for _, n := range form["expert"] {
		chosen[n] = true
	}
	v := s.newView(r, "组织验收 "+pv.Project.AppNumber, map[string]any{"V": pv, "Pool": pool, "Chosen": chosen,
		"Latest": latestAfter(pv.Assessments), "Last": pv.Project.Failures > 0})
	v.Form = form
	if err != nil {
		s.pubRender(w, r, "project_acceptance", v, err)
		return
	}
	s.render(w, r, "project_acceptance", v)
}

// latestAfter is the latest assessment after the retrofit in a list ordered
// by date (as store.LatestAssessment chooses), or nil.
func latestAfter(as []*store.Assessment) *store.Assessment {
	var last *store.Assessment
	for _, x := range as {
		if x.Phase == store.PhaseAfter {
			last = x
		}
	}
	return last
}

func (s *Server) acceptanceSubmit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	experts := append([]string(nil), f["expert"]...)
	experts = append(experts, strings.Split(strings.ReplaceAll(f.Get("other_experts"), "，", "\n"), "\n")...)
	var err error
	var res *app.AcceptanceResult
	switch f.Get("result") {
	case "pass", "fail":
		res, err = s.App.RecordAcceptance(r.Context(), actor(r), app.AcceptanceInput{ProjectID: id, HeldOn: f.Get("held_on"),
			Experts: experts, Opinion: f.Get("opinion"), Pass: f.Get("result") == "pass", DueDate: f.Get("due_date"), IdempotencyKey: f.Get("idem")})
	default:
		err = dtfund.FieldError("result", "请选择验收结论：通过或不通过")
	}
	if err != nil {
		if dtfund.ErrorCode(err) == dtfund.ECONFLICT {
			s.renderProject(w, r, err)
			return
		}
		s.renderAcceptance(w, r, f, err)
		return
	}
	msg := "已记录验收结果：" + store.ProjectStateLabel(res.Project.State)
	if res.Revocation != nil {
		msg += "；奖补已撤销，退回预算指标 " + formatYuan(res.Revocation.ReturnedFen) + " 元，应追回 " + formatYuan(res.Revocation.ReceivableFen) + " 元"
	}
	if res.Replayed {
		msg = "该验收结果已记录，未重复记录"
	}
	s.redirect(w, r, fmt.Sprintf("/projects/%d", id), msg)
}

func (s *Server) terminateForm(w http.ResponseWriter, r *http.Request) {
	form := url.Values{"idem": {randomToken()}, "due_date": {calendar.DateOf(s.App.DB.Now().Add(30 * 24 * time.Hour)).String()}}
	s.renderTerminate(w, r, form, nil)
}

func (s *Server) renderTerminate(w http.ResponseWriter, r *http.Request, form url.Values, err error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx, a := r.Context(), actor(r)
	pv, lerr := s.App.ProjectDetail(ctx, a, id)
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	unpaid, lerr := s.App.DB.Balance(ctx, store.CommitmentAccount(pv.Project.AwardID))
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	v := s.newView(r, "终止项目 "+pv.Project.AppNumber, map[string]any{"V": pv, "UnpaidFen": unpaid})
	v.Form = form
	if err != nil {
		s.pubRender(w, r, "project_terminate", v, err)
		return
	}
	s.render(w, r, "project_terminate", v)
}

func (s *Server) terminateSubmit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	rev, err := s.App.TerminateProject(r.Context(), actor(r), app.TerminateInput{ProjectID: id, Reason: f.Get("reason"),
		DueDate: f.Get("due_date"), IdempotencyKey: f.Get("idem")})
	if err != nil {
		s.renderTerminate(w, r, f, err)
		return
	}
	msg := "项目已终止"
	if rev != nil {
		msg += "，奖补已撤销：退回预算指标 " + formatYuan(rev.ReturnedFen) + " 元，应追回 " + formatYuan(rev.ReceivableFen) + " 元"
	}
	s.redirect(w, r, fmt.Sprintf("/projects/%d", id), msg)
}

// ---- the pilot's goal (FACTS §2) ----

func (s *Server) pilotView(w http.ResponseWriter, r *http.Request) {
	rep, err := s.App.PilotProgress(r.Context(), actor(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "project_pilot", s.newView(r, "试点行业数字化水平目标", map[string]any{"R": rep}))
}
