package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// supervisionRoutes are the routes of supervision, inspections and sanctions (第十七条、第十八条、第二十条).
//
// Process supervision (第十八条) is the district industry bureaus' (their
// own district; 市工信局 everywhere, 市财政局 reads); inspections (第十七条)
// are planned by the city bureaus and carried out by them or a third-party
// inspector, who sees only the items assigned to them; violation decisions
// (第二十条) are 市工信局's and readable by officials within their
// jurisdiction; the credit records import (第十一条、第十三条) is for those who
// record credit information.
func (s *Server) supervisionRoutes() []Route {
	viewers := roles(dtfund.RoleDistrictMIIT, dtfund.RoleCityMIIT, dtfund.RoleCityFinance)
	supervisors := roles(dtfund.RoleDistrictMIIT, dtfund.RoleCityMIIT)
	city := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance)
	assignees := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector)
	miit := roles(dtfund.RoleCityMIIT)
	creditWriters := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleAdmin)
	// An evidence upload carries one file of at most 5 MiB plus a few fields.
	upload := func(a Access) Access { a.MaxBody = app.MaxPublicityFileSize + 1<<20; return a }
	return []Route{
		{"GET", "/supervision", viewers, s.caseList},
		{"GET", "/supervision/new", supervisors, s.caseForm},
		{"POST", "/supervision", upload(supervisors), s.caseCreate},
		{"GET", "/supervision/{id}", viewers, s.caseDetail},
		{"POST", "/supervision/{id}/orders", supervisors, s.caseOrder},
		{"POST", "/supervision/{id}/orders/{oid}/result", upload(supervisors), s.caseResult},
		{"POST", "/supervision/{id}/suspend", supervisors, s.caseSuspend},
		{"POST", "/supervision/{id}/lift", supervisors, s.caseLift},
		{"POST", "/supervision/{id}/stop", supervisors, s.caseStop},
		{"GET", "/supervision/{id}/files/{eid}", viewers, s.caseFile},

		{"GET", "/inspections", city, s.inspectionList},
		{"GET", "/inspections/new", city, s.inspectionForm},
		{"POST", "/inspections", city, s.inspectionCreate},
		{"GET", "/inspections/tasks", assignees, s.inspectionTasks},
		{"GET", "/inspections/{id}", city, s.inspectionDetail},
		{"POST", "/inspections/items/{id}/assign", city, s.inspectionAssign},
		{"GET", "/inspections/items/{id}", assignees, s.inspectionItem},
		{"POST", "/inspections/items/{id}/finding", upload(assignees), s.inspectionFinding},
		{"GET", "/inspections/items/{id}/file", assignees, s.inspectionFile},

		{"GET", "/sanctions", roles(officials...), s.sanctionList},
		{"GET", "/sanctions/new", miit, s.sanctionForm},
		{"POST", "/sanctions", upload(miit), s.sanctionCreate},
		{"GET", "/sanctions/{id}", roles(officials...), s.sanctionDetail},
		{"POST", "/sanctions/{id}/referrals", miit, s.sanctionReferral},
		{"GET", "/sanctions/{id}/file", roles(officials...), s.sanctionFile},

		// The credit records import is a kind of the import framework
		// (imports.go); the old address stays for links and bookmarks.
		{"GET", "/credit/import", creditWriters, s.creditImportPage},
		{"POST", "/credit/import", Access{Roles: creditWriters.Roles, MaxBody: app.MaxImportSize + 1<<20}, s.creditImportUpload},
	}
}

func init() {
	extraFuncs["caseState"] = app.CaseStateLabel
	extraFuncs["orderState"] = app.OrderStateLabel
	extraFuncs["caseStep"] = app.CaseEventLabel
	extraFuncs["itemState"] = app.ItemStateLabel
	extraFuncs["awardStatus"] = awardStatusLabel
	extraFuncs["daysLeft"] = app.DaysLeft
	extraFuncs["neg"] = func(n int) int { return -n }
	extraActionLabels[string(dtfund.ActCancel)] = dtfund.ActCancel.Label()
	todoSources = append(todoSources, supervisionTodos)
	orgDetailExtras = append(orgDetailExtras, orgBans)
}

// awardStatusLabel names an award's status (暂缓 by 第十八条, 撤销 by 第二十条).
func awardStatusLabel(s string) string {
	return map[string]string{"active": "正常", "suspended": "暂缓执行", "revoked": "已撤销"}[s]
}

// supervisionTodos are the 待办 lines of this part: rectification orders
// past their deadline (the district's own; all for 市工信局) and inspection
// items waiting for the user's finding.
func supervisionTodos(s *Server, r *http.Request) []todo {
	u, ctx := state(r).User, r.Context()
	var out []todo
	if app.CanSupervise(u.Role) {
		n, err := s.App.OverdueRectifications(ctx, actor(r))
		if err != nil {
			state(r).Log.ErrorContext(ctx, "todo overdue rectifications", "err", err)
		} else if n > 0 {
			out = append(out, todo{Label: "整改逾期未办结（第十八条）", Href: "/supervision?overdue=1", Count: n})
		}
	}
	if u.Role == dtfund.RoleInspector || u.Role == dtfund.RoleCityMIIT || u.Role == dtfund.RoleCityFinance {
		n, err := s.App.OpenInspectionTasks(ctx, actor(r))
		if err != nil {
			state(r).Log.ErrorContext(ctx, "todo inspection tasks", "err", err)
		} else if n > 0 {
			out = append(out, todo{Label: "核查任务待出具结论（第十七条）", Href: "/inspections/tasks", Count: n})
		}
	}
	return out
}

// orgBans adds the organisation's violation decisions to its page, with
// whether each ban is in force today.
func orgBans(s *Server, r *http.Request, o *dtfund.Organization, data map[string]any) {
	ss, err := s.App.OrgSanctions(r.Context(), actor(r), o.ID)
	if err != nil {
		state(r).Log.ErrorContext(r.Context(), "organisation bans", "org", o.ID, "err", err)
		return
	}
	today := calendar.DateOf(s.App.DB.Now()).String()
	rows := make([]banRow, len(ss))
	for i, sc := range ss {
		rows[i] = banRow{sc, sc.Active(today)}
	}
	data["Bans"] = rows
}

type banRow struct {
	*store.Sanction
	Active bool
}

const supPageSize = 50

// ---- process supervision (过程监督, 第十八条) ----

var caseStates = []string{store.CaseOpen, store.CaseRectifying, store.CaseSuspended, store.CaseRectified, store.CaseStopped}

func (s *Server) caseList(w http.ResponseWriter, r *http.Request) {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	page, offset := pageParam(q.Get("page"), supPageSize)
	st := q.Get("state")
	if !slices.Contains(caseStates, st) {
		st = ""
	}
	overdue := q.Get("overdue") == "1"
	cases, total, err := s.App.FindCases(ctx, a, store.CaseFilter{State: st, OverdueOnly: overdue, Page: store.Page{Offset: offset, Limit: supPageSize}})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rest := url.Values{"state": {st}}
	if overdue {
		rest.Set("overdue", "1")
	}
	data := map[string]any{"Cases": cases, "States": caseStates, "State": st, "Overdue": overdue,
		"Pager": newPager(page, supPageSize, total, rest.Encode()), "CanAct": app.CanSupervise(a.User.Role)}
	if app.CanSupervise(a.User.Role) {
		// The awards of the actor's jurisdiction, each a possible case.
		apage, aoffset := pageParam(q.Get("apage"), supPageSize)
		awards, atotal, _, err := s.App.FindAwards(ctx, a, store.AwardFilter{Page: store.Page{Offset: aoffset, Limit: supPageSize}})
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		rest.Set("page", strconv.Itoa(page))
		data["Awards"], data["AwardPager"] = awards, awardPager{newPager(apage, supPageSize, atotal, rest.Encode())}
	}
	v := s.newView(r, "过程监督", data)
	v.Form = q
	s.render(w, r, "supervision_list", v)
}

// awardPager pages the award list with its own parameter (apage).
type awardPager struct{ pager }

func (s *Server) caseForm(w http.ResponseWriter, r *http.Request) {
	form := url.Values{"found_on": {calendar.DateOf(s.App.DB.Now()).String()}, "award": {r.URL.Query().Get("award")}}
	s.renderCaseForm(w, r, form, nil)
}

// renderCaseForm shows the deviation form for one award of the actor's
// jurisdiction (another district's award is not found).
func (s *Server) renderCaseForm(w http.ResponseWriter, r *http.Request, form url.Values, err error) {
	id, _ := strconv.ParseInt(form.Get("award"), 10, 64)
	aws, _, _, ferr := s.App.FindAwards(r.Context(), actor(r), store.AwardFilter{ID: id, Page: store.Page{Limit: 1}})
	if ferr == nil && (id <= 0 || len(aws) == 0) {
		ferr = dtfund.Errorf(dtfund.ENOTFOUND, "奖补记录不存在")
	}
	if ferr != nil {
		s.renderError(w, r, ferr)
		return
	}
	v := s.newView(r, "登记偏离："+aws[0].AppNumber, map[string]any{"Award": aws[0]})
	v.Form = form
	if err != nil {
		s.pubRender(w, r, "supervision_form", v, err)
		return
	}
	s.render(w, r, "supervision_form", v)
}

func (s *Server) caseCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	file, err := pubFile(r)
	var c *store.SupervisionCase
	if err == nil {
		id, _ := strconv.ParseInt(f.Get("award"), 10, 64)
		c, err = s.App.RecordDeviation(r.Context(), actor(r), app.DeviationInput{AwardID: id, Goal: f.Get("goal"), Facts: f.Get("facts"),
			FoundOn: f.Get("found_on"), File: file})
	}
	if err != nil {
		s.renderCaseForm(w, r, f, err)
		return
	}
	s.redirect(w, r, "/supervision/"+strconv.FormatInt(c.ID, 10), "已登记偏离情况（第十八条），请下达整改通知")
}

func (s *Server) caseDetail(w http.ResponseWriter, r *http.Request) {
	s.renderCase(w, r, nil)
}

// renderCase shows a case; after a refused step the step's form keeps its
// values and shows its errors.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, err error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	cv, gerr := s.App.Case(r.Context(), actor(r), id)
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	c := cv.Case
	live := c.State == store.CaseOpen || c.State == store.CaseRectifying || c.State == store.CaseSuspended
	v := s.newView(r, "监督事项 "+strconv.FormatInt(c.ID, 10), map[string]any{"V": cv, "Live": live,
		"CanAct": live && app.CanSupervise(actor(r).User.Role),
		"Due":    calendar.DateOf(s.App.DB.Now().Add(30 * 24 * time.Hour)).String()})
	v.Form = url.Values{"on": {cv.Today}, "result_on": {cv.Today}}
	if err != nil {
		s.pubRender(w, r, "supervision_detail", v, err)
		return
	}
	s.render(w, r, "supervision_detail", v)
}

func (s *Server) caseOrder(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	f.Set("form", "order")
	if _, err := s.App.IssueRectification(r.Context(), actor(r), app.OrderInput{CaseID: id, Requirement: f.Get("requirement"),
		Deadline: f.Get("deadline")}); err != nil {
		s.renderCase(w, r, err)
		return
	}
	s.redirect(w, r, caseHref(id), "已下达整改通知，整改期限 "+strings.TrimSpace(f.Get("deadline")))
}

func caseHref(id int64) string { return "/supervision/" + strconv.FormatInt(id, 10) }

func (s *Server) caseResult(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	oid, ok := s.pathID(w, r, "oid")
	if !ok {
		return
	}
	f := r.PostForm
	f.Set("form", "result")
	f.Set("order", strconv.FormatInt(oid, 10))
	file, err := pubFile(r)
	if verdict := f.Get("verdict"); err == nil && verdict != "accepted" && verdict != "rejected" {
		err = dtfund.FieldError("verdict", "请选择整改是否到位")
	}
	if err == nil {
		_, err = s.App.RecordRectification(r.Context(), actor(r), app.ResultInput{CaseID: id, OrderID: oid,
			Accepted: f.Get("verdict") == "accepted", Note: f.Get("note"), On: f.Get("result_on"), File: file})
	}
	if err != nil {
		s.renderCase(w, r, err)
		return
	}
	s.redirect(w, r, caseHref(id), "已登记整改结果")
}

// caseStep runs a suspension, its lifting or a stop from the case page.
func (s *Server) caseStep(w http.ResponseWriter, r *http.Request, form string, do func(context.Context, app.Actor, app.StepInput) (string, error)) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	f.Set("form", form)
	msg, err := do(r.Context(), actor(r), app.StepInput{CaseID: id, Reason: f.Get("reason"), On: f.Get("on"), DueDate: f.Get("due_date")})
	if err != nil {
		s.renderCase(w, r, err)
		return
	}
	s.redirect(w, r, caseHref(id), msg)
}

func (s *Server) caseSuspend(w http.ResponseWriter, r *http.Request) {
	s.caseStep(w, r, "suspend", func(ctx context.Context, a app.Actor, in app.StepInput) (string, error) {
		res, err := s.App.SuspendProject(ctx, a, in)
		if err != nil {
			return "", err
		}
		if res.Replay {
			return "该项目已处于暂缓执行状态", nil
		}
		return "已暂缓项目执行（第十八条），冻结未拨付资金 " + formatYuan(res.AmountFen) + " 元", nil
	})
}

func (s *Server) caseLift(w http.ResponseWriter, r *http.Request) {
	s.caseStep(w, r, "lift", func(ctx context.Context, a app.Actor, in app.StepInput) (string, error) {
		res, err := s.App.LiftSuspension(ctx, a, in)
		if err != nil {
			return "", err
		}
		if res.Replay {
			return "该项目未处于暂缓执行状态", nil
		}
		return "已解除暂缓，解冻资金 " + formatYuan(res.AmountFen) + " 元", nil
	})
}

func (s *Server) caseStop(w http.ResponseWriter, r *http.Request) {
	s.caseStep(w, r, "stop", func(ctx context.Context, a app.Actor, in app.StepInput) (string, error) {
		rev, err := s.App.StopProject(ctx, a, in)
		if err != nil {
			return "", err
		}
		if rev == nil {
			return "已停止项目执行", nil
		}
		return "已停止项目执行并撤销奖补：退回预算指标 " + formatYuan(rev.ReturnedFen) + " 元，应追回 " + formatYuan(rev.ReceivableFen) + " 元", nil
	})
}

func (s *Server) caseFile(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	eid, ok := s.pathID(w, r, "eid")
	if !ok {
		return
	}
	name, fc, f, err := s.App.OpenCaseEvidence(r.Context(), actor(r), id, eid)
	s.sendStored(w, r, name, fc, f, err)
}

// ---- inspections (监督检查, 第十七条) ----

func (s *Server) inspectionList(w http.ResponseWriter, r *http.Request) {
	page, offset := pageParam(r.URL.Query().Get("page"), supPageSize)
	plans, total, err := s.App.InspectionPlans(r.Context(), actor(r), store.Page{Offset: offset, Limit: supPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "inspection_list", s.newView(r, "监督检查", map[string]any{"Plans": plans, "Pager": newPager(page, supPageSize, total, "")}))
}

func (s *Server) inspectionForm(w http.ResponseWriter, r *http.Request) {
	s.renderInspectionForm(w, r, url.Values{"kind": {store.InspectRandom}, "sample_size": {"5"}, "idem": {randomToken()}}, nil)
}

// renderInspectionForm shows the plan form with one page of awards to
// choose from for a targeted inspection.
func (s *Server) renderInspectionForm(w http.ResponseWriter, r *http.Request, form url.Values, err error) {
	page, offset := pageParam(r.URL.Query().Get("page"), supPageSize)
	awards, total, _, lerr := s.App.FindAwards(r.Context(), actor(r), store.AwardFilter{Page: store.Page{Offset: offset, Limit: supPageSize}})
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	chosen := map[string]bool{}
	for _, id := range form["award"] {
		chosen[id] = true
	}
	v := s.newView(r, "制定检查计划", map[string]any{"Awards": awards, "Chosen": chosen, "Pager": newPager(page, supPageSize, total, "")})
	v.Form = form
	if err != nil {
		s.pubRender(w, r, "inspection_form", v, err)
		return
	}
	s.render(w, r, "inspection_form", v)
}

func (s *Server) inspectionCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	in := app.InspectionInput{Title: f.Get("title"), Basis: f.Get("basis"), Kind: f.Get("kind"), IdempotencyKey: f.Get("idem")}
	var err error
	if in.Kind == store.InspectRandom {
		if in.SampleSize, err = strconv.Atoi(strings.TrimSpace(f.Get("sample_size"))); err != nil {
			err = dtfund.FieldError("sample_size", "抽查数量须为整数")
		}
		if seed := strings.TrimSpace(f.Get("seed")); seed != "" && err == nil {
			n, perr := strconv.ParseUint(seed, 10, 64)
			if perr != nil {
				err = dtfund.FieldError("seed", "随机种子须为非负整数（留空则由系统生成）")
			}
			in.Seed = &n
		}
	} else {
		for _, v := range f["award"] {
			if id, perr := strconv.ParseInt(v, 10, 64); perr == nil {
				in.AwardIDs = append(in.AwardIDs, id)
			}
		}
		in.USCCs = strings.FieldsFunc(f.Get("usccs"), func(r rune) bool { return r == '\n' || r == ',' || r == '，' || r == ' ' || r == '\r' })
	}
	var p *store.InspectionPlan
	if err == nil {
		p, err = s.App.PlanInspection(r.Context(), actor(r), in)
	}
	if err != nil {
		s.renderInspectionForm(w, r, f, err)
		return
	}
	s.redirect(w, r, "/inspections/"+strconv.FormatInt(p.ID, 10), "已制定检查计划，请指派核查人员")
}

func (s *Server) inspectionDetail(w http.ResponseWriter, r *http.Request) {
	s.renderInspection(w, r, nil)
}

func (s *Server) renderInspection(w http.ResponseWriter, r *http.Request, err error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx, a := r.Context(), actor(r)
	page, offset := pageParam(r.URL.Query().Get("page"), supPageSize)
	p, items, total, gerr := s.App.InspectionPlan(ctx, a, id, store.Page{Offset: offset, Limit: supPageSize})
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	reproduced, gerr := s.App.PlanSampleReproduced(ctx, a, p)
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	assignees, gerr := s.App.Assignees(ctx, a)
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	v := s.newView(r, "检查计划："+p.Title, map[string]any{"Plan": p, "Items": items, "Reproduced": reproduced, "Assignees": assignees,
		"Pager": newPager(page, supPageSize, total, ""), "CanSanction": a.User.Role == dtfund.RoleCityMIIT})
	if err != nil {
		s.pubRender(w, r, "inspection_detail", v, err)
		return
	}
	s.render(w, r, "inspection_detail", v)
}

func (s *Server) inspectionAssign(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	it, err := s.App.InspectionItem(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	assignee, _ := strconv.ParseInt(r.PostForm.Get("assignee"), 10, 64)
	r.PostForm.Set("item", strconv.FormatInt(id, 10))
	if err := s.App.AssignInspection(r.Context(), actor(r), id, assignee); err != nil {
		r.SetPathValue("id", strconv.FormatInt(it.PlanID, 10))
		s.renderInspection(w, r, err)
		return
	}
	s.redirect(w, r, "/inspections/"+strconv.FormatInt(it.PlanID, 10), fmt.Sprintf("已指派第 %d 项核查任务", it.Seq))
}

func (s *Server) inspectionTasks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), supPageSize)
	open := q.Get("all") != "1"
	items, total, err := s.App.InspectionTasks(r.Context(), actor(r), open, store.Page{Offset: offset, Limit: supPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rest := ""
	if !open {
		rest = "all=1"
	}
	s.render(w, r, "inspection_tasks", s.newView(r, "核查任务", map[string]any{"Items": items, "Open": open,
		"Pager": newPager(page, supPageSize, total, rest)}))
}

func (s *Server) inspectionItem(w http.ResponseWriter, r *http.Request) {
	s.renderInspectionItem(w, r, url.Values{"found_on": {calendar.DateOf(s.App.DB.Now()).String()}}, nil)
}

func (s *Server) renderInspectionItem(w http.ResponseWriter, r *http.Request, form url.Values, err error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a := actor(r)
	it, gerr := s.App.InspectionItem(r.Context(), a, id)
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	v := s.newView(r, fmt.Sprintf("核查事项 %d-%d", it.PlanID, it.Seq), map[string]any{"Item": it,
		"CanRecord":   it.State == store.ItemAssigned && it.AssigneeID == a.User.ID,
		"CanSanction": a.User.Role == dtfund.RoleCityMIIT && it.Violation && it.SanctionID == 0,
		"IsCity":      a.User.Role != dtfund.RoleInspector})
	v.Form = form
	if err != nil {
		s.pubRender(w, r, "inspection_item", v, err)
		return
	}
	s.render(w, r, "inspection_item", v)
}

func (s *Server) inspectionFinding(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	file, err := pubFile(r)
	if err == nil {
		_, err = s.App.RecordFinding(r.Context(), actor(r), app.FindingInput{ItemID: id, Finding: f.Get("finding"),
			Violation: f.Get("violation") == "on", FoundOn: f.Get("found_on"), File: file})
	}
	if err != nil {
		s.renderInspectionItem(w, r, f, err)
		return
	}
	msg := "已出具核查结论"
	if f.Get("violation") == "on" {
		msg += "：认定违规，市工信局可据此作出违规处理决定（第二十条）"
	}
	s.redirect(w, r, "/inspections/items/"+strconv.FormatInt(id, 10), msg)
}

func (s *Server) inspectionFile(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	name, fc, f, err := s.App.OpenFindingEvidence(r.Context(), actor(r), id)
	s.sendStored(w, r, name, fc, f, err)
}

// ---- violation decisions (违规处理, 第二十条) ----

func (s *Server) sanctionList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), supPageSize)
	f := store.SanctionFilter{Page: store.Page{Offset: offset, Limit: supPageSize}}
	today := calendar.DateOf(s.App.DB.Now()).String()
	active := q.Get("active") == "1"
	if active {
		f.ActiveOn = today
	}
	ss, total, err := s.App.Sanctions(r.Context(), actor(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rows := make([]banRow, len(ss))
	for i, sc := range ss {
		rows[i] = banRow{sc, sc.Active(today)}
	}
	rest := ""
	if active {
		rest = "active=1"
	}
	s.render(w, r, "sanction_list", s.newView(r, "违规处理", map[string]any{"Rows": rows, "Active": active,
		"CanDecide": actor(r).User.Role == dtfund.RoleCityMIIT, "Pager": newPager(page, supPageSize, total, rest)}))
}

func (s *Server) sanctionForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	today := calendar.DateOf(s.App.DB.Now())
	form := url.Values{"org": {q.Get("org")}, "item": {q.Get("item")}, "article": {app.SanctionArticle}, "decided_on": {today.String()},
		"due_date": {today.AddDays(30).String()}}
	if id, err := strconv.ParseInt(q.Get("item"), 10, 64); err == nil {
		if it, err := s.App.InspectionItem(r.Context(), actor(r), id); err == nil {
			form.Set("org", strconv.FormatInt(it.OrgID, 10))
			form.Set("facts", it.Finding)
		}
	}
	s.renderSanctionForm(w, r, form, nil)
}

// renderSanctionForm shows the decision form for one organisation, with
// what the decision will do: the applications it cancels and the awards it
// revokes.
func (s *Server) renderSanctionForm(w http.ResponseWriter, r *http.Request, form url.Values, err error) {
	ctx, a := r.Context(), actor(r)
	orgID, _ := strconv.ParseInt(form.Get("org"), 10, 64)
	if orgID <= 0 {
		if o, ferr := s.App.DB.OrganizationByUSCC(ctx, strings.ToUpper(strings.TrimSpace(form.Get("uscc")))); ferr == nil {
			orgID = o.ID
			form.Set("org", strconv.FormatInt(o.ID, 10))
		}
	}
	data := map[string]any{}
	if orgID > 0 {
		o, ferr := s.App.Organization(ctx, a, orgID)
		if ferr != nil {
			s.renderError(w, r, ferr)
			return
		}
		apps, _, ferr := s.App.FindApplications(ctx, a, store.ApplicationFilter{OrgID: orgID, Page: store.Page{Limit: 200}})
		if ferr != nil {
			s.renderError(w, r, ferr)
			return
		}
		var pending []*dtfund.Application
		for _, ap := range apps {
			if _, terr := dtfund.Transition(ap.State, dtfund.ActCancel, a.User.Role); terr == nil {
				pending = append(pending, ap)
			}
		}
		// The deciding bureau sees every award (the route is 市工信局's).
		awards, _, _, ferr := s.App.DB.FindAwards(ctx, store.AwardFilter{OrgID: orgID, Page: store.Page{Limit: 200}})
		if ferr != nil {
			s.renderError(w, r, ferr)
			return
		}
		var mine []*store.Award
		for _, aw := range awards {
			if aw.Status != "revoked" {
				mine = append(mine, aw)
			}
		}
		data["Org"], data["Pending"], data["Awards"] = o, pending, mine
		if vals, verr := policy.Default().At(policyToday(s)); verr == nil {
			data["BanYears"] = policy.BanYears(vals)
		}
	}
	v := s.newView(r, "违规处理决定", data)
	v.Form = form
	if err != nil {
		s.pubRender(w, r, "sanction_form", v, err)
		return
	}
	s.render(w, r, "sanction_form", v)
}

func policyToday(s *Server) policy.Date {
	d := calendar.DateOf(s.App.DB.Now())
	return policy.NewDate(d.Year, d.Month, d.Day)
}

func (s *Server) sanctionCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	file, err := pubFile(r)
	var res *app.SanctionResult
	if err == nil {
		orgID, _ := strconv.ParseInt(f.Get("org"), 10, 64)
		if orgID <= 0 {
			err = dtfund.FieldError("uscc", "请先查找被处理单位")
		} else {
			itemID, _ := strconv.ParseInt(f.Get("item"), 10, 64)
			in := app.SanctionInput{OrgID: orgID, ItemID: itemID, Facts: f.Get("facts"), Article: f.Get("article"),
				DecidedOn: f.Get("decided_on"), DocNumber: f.Get("doc_number"), DueDate: f.Get("due_date"), File: file}
			if strings.TrimSpace(f.Get("referral.authority")) != "" || strings.TrimSpace(f.Get("referral.note")) != "" {
				in.Referrals = []app.ReferralInput{{Authority: f.Get("referral.authority"), ReferredOn: f.Get("referral.referred_on"),
					Note: f.Get("referral.note")}}
			}
			res, err = s.App.DecideSanction(r.Context(), actor(r), in)
		}
	}
	if err != nil {
		s.renderSanctionForm(w, r, f, err)
		return
	}
	msg := "该处理决定已录入"
	if !res.Replay {
		msg = fmt.Sprintf("已作出违规处理决定 %s：取消 %d 份申报的申报资格，撤销奖补 %d 项，%s 至 %s 不准申报",
			res.Sanction.DocNumber, len(res.Cancelled), len(res.Revoked), res.Sanction.BanStart, res.Sanction.BanEnd)
	}
	s.redirect(w, r, "/sanctions/"+strconv.FormatInt(res.Sanction.ID, 10), msg)
}

func (s *Server) sanctionDetail(w http.ResponseWriter, r *http.Request) {
	s.renderSanction(w, r, nil)
}

func (s *Server) renderSanction(w http.ResponseWriter, r *http.Request, err error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	sv, gerr := s.App.Sanction(r.Context(), actor(r), id)
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	v := s.newView(r, "违规处理决定 "+sv.Sanction.DocNumber, map[string]any{"V": sv, "CanRefer": actor(r).User.Role == dtfund.RoleCityMIIT})
	v.Form = url.Values{"referred_on": {calendar.DateOf(s.App.DB.Now()).String()}}
	if err != nil {
		s.pubRender(w, r, "sanction_detail", v, err)
		return
	}
	s.render(w, r, "sanction_detail", v)
}

func (s *Server) sanctionReferral(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	if _, err := s.App.AddReferral(r.Context(), actor(r), id, app.ReferralInput{Authority: f.Get("authority"), ReferredOn: f.Get("referred_on"),
		Note: f.Get("note")}); err != nil {
		s.renderSanction(w, r, err)
		return
	}
	s.redirect(w, r, "/sanctions/"+strconv.FormatInt(id, 10), "已登记移交有关部门处理")
}

func (s *Server) sanctionFile(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	name, fc, f, err := s.App.OpenSanctionEvidence(r.Context(), actor(r), id)
	s.sendStored(w, r, name, fc, f, err)
}
