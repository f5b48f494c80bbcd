package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// District review and recommendation letters (第十四条（二）), expert review
// (第十四条（三）): the district's queue and decision form, numbered
// letters, the expert pool, panels drawn at random, the experts' conflict
// declarations and scoring, the panel's result and the 评审意见书.
func (s *Server) reviewRoutes() []Route {
	district := roles(dtfund.RoleDistrictMIIT)
	// The city bureau does the first review of applicants registered
	// outside Changchun (see app.firstReviewer).
	firstReview := roles(dtfund.RoleDistrictMIIT, dtfund.RoleCityMIIT)
	city := roles(dtfund.RoleCityMIIT)
	expert := roles(dtfund.RoleExpert)
	letterReaders := roles(dtfund.RoleDistrictMIIT, dtfund.RoleCityMIIT, dtfund.RoleCityFinance)
	opinionReaders := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector)
	return []Route{
		{"GET", "/review/district", firstReview, s.districtQueue},
		{"GET", "/apps/{id}/district", firstReview, s.districtForm},
		{"POST", "/apps/{id}/district", firstReview, s.districtSubmit},
		{"GET", "/letters", letterReaders, s.letterList},
		{"GET", "/letters/export.xlsx", letterReaders, s.letterExport},
		{"POST", "/letters", district, s.letterCreate},
		{"GET", "/letters/{id}", letterReaders, s.letterPage},
		{"GET", "/experts", city, s.expertList},
		{"GET", "/experts/export.xlsx", city, s.expertExport},
		{"POST", "/experts", city, s.expertSave},
		{"GET", "/panels", city, s.panelList},
		{"GET", "/panels/new", city, s.panelNewForm},
		{"POST", "/panels", city, s.panelCreate},
		{"GET", "/panels/{id}", city, s.panelPage},
		{"GET", "/panels/{id}/export.xlsx", city, s.panelExport},
		{"POST", "/panels/{id}/apps/{appID}/finalise", city, s.panelFinalise},
		{"GET", "/review/expert", expert, s.expertQueue},
		{"POST", "/panels/{id}/apps/{appID}/conflict", expert, s.scoreConflict},
		{"GET", "/panels/{id}/apps/{appID}/score", expert, s.scoreForm},
		{"POST", "/panels/{id}/apps/{appID}/score", expert, s.scoreSubmit},
		{"GET", "/apps/{id}/opinion", opinionReaders, s.opinionPage},
	}
}

const reviewPageSize = 50

// reviewID reads a positive integer path parameter, answering 404 if it is
// not one.
func (s *Server) reviewID(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return 0, false
	}
	return id, true
}

// reviewFail answers a refused form: field errors and refusals the user can
// act on re-render the page with the message and the values kept (422, or
// 409 for a conflict); other errors get the error page.
func (s *Server) reviewFail(w http.ResponseWriter, r *http.Request, err error, rerender func(errs map[string]string, status int)) {
	switch code := dtfund.ErrorCode(err); code {
	case dtfund.EINVALID, dtfund.ECONFLICT:
		rerender(formErrors(err), statusFor(code))
	default:
		s.renderError(w, r, err)
	}
}

// reviewCalls lists recent calls for the filters and forms (a bounded list).
func (s *Server) reviewCalls(r *http.Request) []*dtfund.Call {
	calls, _, err := s.App.DB.FindCalls(r.Context(), store.CallFilter{Page: store.Page{Limit: 200}})
	if err != nil {
		state(r).Log.ErrorContext(r.Context(), "calls for review filter", "err", err)
	}
	return calls
}

func reviewQueryID(q url.Values, key string) int64 {
	id, _ := strconv.ParseInt(q.Get(key), 10, 64)
	return id
}

// ---- district review (县区推荐) ----

func (s *Server) districtQueue(w http.ResponseWriter, r *http.Request) {
	ctx, q := r.Context(), r.URL.Query()
	page, offset := pageParam(q.Get("page"), reviewPageSize)
	f := store.ApplicationFilter{States: []dtfund.AppState{dtfund.StateSubmitted}, CallID: reviewQueryID(q, "call"),
		Page: store.Page{Offset: offset, Limit: reviewPageSize}}
	isCity := state(r).User.Role == dtfund.RoleCityMIIT
	f.NoDistrict = isCity // the city's queue: applicants registered outside Changchun
	apps, total, err := s.App.FindApplications(ctx, actor(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data := map[string]any{"Apps": apps, "Calls": s.reviewCalls(r), "CallID": f.CallID,
		"Pager": newPager(page, reviewPageSize, total, url.Values{"call": {q.Get("call")}}.Encode())}
	if f.CallID != 0 {
		if call, err := s.App.DB.Call(ctx, f.CallID); err == nil {
			data["Call"] = call
			data["Quota"], _ = s.App.DistrictQuota(ctx, call, state(r).User.DistrictCode)
		}
	}
	if !isCity {
		data["Pending"], _ = s.App.PendingLetterCalls(ctx, actor(r))
	}
	data["IsCity"] = isCity
	v := s.newView(r, "县区推荐", data)
	v.Form = q
	s.render(w, r, "review_district", v)
}

func (s *Server) districtForm(w http.ResponseWriter, r *http.Request) {
	id, ok := s.reviewID(w, r, "id")
	if !ok {
		return
	}
	s.renderDistrictForm(w, r, id, url.Values{"idem": {randomToken()}}, nil, 0)
}

func (s *Server) renderDistrictForm(w http.ResponseWriter, r *http.Request, id int64, form url.Values, errs map[string]string, status int) {
	ctx, act := r.Context(), actor(r)
	a, err := s.App.Application(ctx, act, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	call, err := s.App.DB.Call(ctx, a.CallID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	quota, _ := s.App.DistrictQuota(ctx, call, a.DistrictCode)
	rec, _ := s.App.DB.Recommendation(ctx, id)
	data := map[string]any{"App": a, "Call": call, "Quota": quota, "Recommendation": rec, "Citations": app.DeclineCitations,
		"Failed": reviewFailedFindings(a), "CanDecide": a.State == dtfund.StateSubmitted}
	v := s.newView(r, "县区初审 "+a.Number, data)
	v.Form, v.Errors = form, errs
	s.renderCode(w, r, "review_decide", v, status)
}

// reviewFailedFindings are the rules' failed findings at submission: what
// the district's first review checks first (申请资格).
func reviewFailedFindings(a *dtfund.Application) []policy.Finding {
	if a.DecisionJSON == "" {
		return nil
	}
	var d policy.Decision
	if json.Unmarshal([]byte(a.DecisionJSON), &d) != nil {
		return nil
	}
	var out []policy.Finding
	for _, f := range d.Findings {
		if f.Outcome == policy.Fail {
			out = append(out, f)
		}
	}
	return out
}

func (s *Server) districtSubmit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.reviewID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	d := app.DistrictDecision{AppID: id, Action: dtfund.AppAction(f.Get("action")), Reason: f.Get("reason"),
		Citation: f.Get("citation"), IdempotencyKey: f.Get("idem")}
	if d.Action == dtfund.ActRecommend {
		d.Reason = f.Get("opinion")
	}
	if d.Citation == "other" {
		d.Citation = f.Get("citation_other")
	}
	a, err := s.App.DistrictReview(r.Context(), actor(r), d)
	if err != nil {
		s.reviewFail(w, r, err, func(errs map[string]string, status int) {
			s.renderDistrictForm(w, r, id, f, errs, status)
		})
		return
	}
	s.redirect(w, r, "/review/district", "申报 "+a.Number+" 已"+d.Action.Label()+"，当前状态："+a.State.Label())
}

// ---- recommendation letters (推荐函) ----

func (s *Server) letterList(w http.ResponseWriter, r *http.Request) {
	s.renderLetters(w, r, nil, nil, 0)
}

func (s *Server) renderLetters(w http.ResponseWriter, r *http.Request, form url.Values, errs map[string]string, status int) {
	ctx, q := r.Context(), r.URL.Query()
	page, offset := pageParam(q.Get("page"), reviewPageSize)
	f := store.LetterFilter{CallID: reviewQueryID(q, "call"), Page: store.Page{Offset: offset, Limit: reviewPageSize}}
	letters, total, err := s.App.FindLetters(ctx, actor(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data := map[string]any{"Letters": letters, "Calls": s.reviewCalls(r), "CallID": f.CallID,
		"Pager": newPager(page, reviewPageSize, total, url.Values{"call": {q.Get("call")}}.Encode())}
	if state(r).User.Role == dtfund.RoleDistrictMIIT {
		data["Pending"], _ = s.App.PendingLetterCalls(ctx, actor(r))
	}
	v := s.newView(r, "推荐函", data)
	v.Form, v.Errors = form, errs
	s.renderCode(w, r, "letter_list", v, status)
}

func (s *Server) letterCreate(w http.ResponseWriter, r *http.Request) {
	l, err := s.App.CreateLetter(r.Context(), actor(r), reviewQueryID(r.PostForm, "call"))
	if err != nil {
		s.reviewFail(w, r, err, func(errs map[string]string, status int) {
			s.renderLetters(w, r, r.PostForm, errs, status)
		})
		return
	}
	s.redirect(w, r, "/letters/"+strconv.FormatInt(l.ID, 10), "已生成推荐函 "+l.Number)
}

func (s *Server) letterPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.reviewID(w, r, "id")
	if !ok {
		return
	}
	l, err := s.App.Letter(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "letter", s.newView(r, "推荐函 "+l.Number, map[string]any{"Letter": l, "Date": reviewDateCN(l.Date)}))
}

// reviewDateCN writes a YYYY-MM-DD date as on an official document:
// 2026年3月5日.
func reviewDateCN(s string) string {
	d, err := calendar.ParseDate(s)
	if err != nil {
		return s
	}
	return strconv.Itoa(d.Year) + "年" + strconv.Itoa(int(d.Month)) + "月" + strconv.Itoa(d.Day) + "日"
}

// ---- expert pool (专家库) ----

func (s *Server) expertList(w http.ResponseWriter, r *http.Request) {
	form := url.Values{"active": {"on"}}
	if id := reviewQueryID(r.URL.Query(), "edit"); id != 0 {
		// The form needs the contact in full; that view is audited.
		e, err := s.App.ExpertProfile(r.Context(), actor(r), id)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		form = expertToForm(e)
	}
	s.renderExperts(w, r, form, nil, 0)
}

func expertToForm(e *store.ExpertProfile) url.Values {
	f := url.Values{"username": {e.Username}, "field": {e.Field}, "affiliation": {e.Affiliation}, "org_uscc": {e.OrgUSCC},
		"contact": {e.Contact}}
	setCheck(f, "active", e.Active || !e.HasProfile)
	return f
}

func (s *Server) renderExperts(w http.ResponseWriter, r *http.Request, form url.Values, errs map[string]string, status int) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), reviewPageSize)
	experts, total, err := s.App.FindExperts(r.Context(), actor(r), store.ExpertFilter{Query: q.Get("q"),
		Page: store.Page{Offset: offset, Limit: reviewPageSize}})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "专家库", map[string]any{"Experts": experts, "Filter": q,
		"Pager": newPager(page, reviewPageSize, total, url.Values{"q": {q.Get("q")}}.Encode())})
	v.Form, v.Errors = form, errs
	s.renderCode(w, r, "expert_list", v, status)
}

func (s *Server) expertSave(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	p := store.ExpertProfile{Field: f.Get("field"), Affiliation: f.Get("affiliation"), Contact: f.Get("contact"), Active: f.Get("active") == "on"}
	err := s.orgRef(r, f.Get("org_uscc"), &p.OrgID)
	if err == nil {
		err = s.App.SaveExpertProfile(r.Context(), actor(r), f.Get("username"), p)
	}
	if err != nil {
		s.reviewFail(w, r, err, func(errs map[string]string, status int) { s.renderExperts(w, r, f, errs, status) })
		return
	}
	s.redirect(w, r, "/experts", "已保存专家 "+strings.TrimSpace(f.Get("username"))+" 的信息")
}

// ---- panels (评审组) ----

func (s *Server) panelList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), reviewPageSize)
	f := store.PanelFilter{CallID: reviewQueryID(q, "call"), Page: store.Page{Offset: offset, Limit: reviewPageSize}}
	panels, total, err := s.App.FindPanels(r.Context(), actor(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "专家评审组", map[string]any{"Panels": panels, "Calls": s.reviewCalls(r), "CallID": f.CallID,
		"Pager": newPager(page, reviewPageSize, total, url.Values{"call": {q.Get("call")}}.Encode())})
	s.render(w, r, "panel_list", v)
}

// panelNewForm offers the draw for a call: chosen with ?call=, or from an
// application's page with ?app=.
func (s *Server) panelNewForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	callID := reviewQueryID(q, "call")
	if appID := reviewQueryID(q, "app"); callID == 0 && appID != 0 {
		if a, err := s.App.Application(r.Context(), actor(r), appID); err == nil {
			callID = a.CallID
		}
	}
	form := url.Values{"call": {strconv.FormatInt(callID, 10)}, "size": {"5"}, "all": {"on"}}
	s.renderPanelNew(w, r, callID, form, nil, 0)
}

// panelCandidateLimit bounds the applications listed for picking; "all"
// covers a call with more.
const panelCandidateLimit = 200

func (s *Server) renderPanelNew(w http.ResponseWriter, r *http.Request, callID int64, form url.Values, errs map[string]string, status int) {
	data := map[string]any{"Calls": s.reviewCalls(r), "CallID": callID, "Min": app.MinPanelSize, "Max": app.MaxPanelSize}
	if callID != 0 {
		apps, total, err := s.App.FindApplications(r.Context(), actor(r), store.ApplicationFilter{CallID: callID,
			States: []dtfund.AppState{dtfund.StateRecommended}, Page: store.Page{Limit: panelCandidateLimit}})
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		picked := map[string]bool{}
		for _, id := range form["app"] {
			picked[id] = true
		}
		data["Apps"], data["Total"], data["Picked"] = apps, total, picked
	}
	v := s.newView(r, "抽取专家评审组", data)
	v.Form, v.Errors = form, errs
	s.renderCode(w, r, "panel_new", v, status)
}

func (s *Server) panelCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	req, err := panelRequestFromForm(f)
	var p *store.Panel
	if err == nil {
		p, err = s.App.CreatePanel(r.Context(), actor(r), req)
	}
	if err != nil {
		s.reviewFail(w, r, err, func(errs map[string]string, status int) {
			s.renderPanelNew(w, r, req.CallID, f, errs, status)
		})
		return
	}
	s.redirect(w, r, "/panels/"+strconv.FormatInt(p.ID, 10),
		"已抽取评审组："+strconv.Itoa(len(p.Members))+"名专家，"+strconv.Itoa(len(p.Apps))+"件申报进入专家评审")
}

func panelRequestFromForm(f url.Values) (app.PanelRequest, error) {
	var v dtfund.ValidationErrors
	req := app.PanelRequest{CallID: reviewQueryID(f, "call"), Field: f.Get("field")}
	size, err := strconv.Atoi(strings.TrimSpace(f.Get("size")))
	if err != nil {
		v.Add("size", "评审组人数须为%d至%d的整数", app.MinPanelSize, app.MaxPanelSize)
	}
	req.Size = size
	if seed := strings.TrimSpace(f.Get("seed")); seed != "" {
		n, err := strconv.ParseUint(seed, 10, 64)
		if err != nil {
			v.Add("seed", "随机种子须为0至18446744073709551615之间的整数，留空则由系统生成")
		}
		req.Seed = &n
	}
	if f.Get("all") != "on" {
		for _, s := range f["app"] {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil {
				req.AppIDs = append(req.AppIDs, id)
			}
		}
		if len(req.AppIDs) == 0 {
			v.Add("apps", "请勾选参加评审的申报，或选择“本批次全部县区已推荐的申报”")
		}
	}
	return req, v.Err()
}

func (s *Server) panelPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.reviewID(w, r, "id")
	if !ok {
		return
	}
	s.renderPanel(w, r, id, nil, 0)
}

func (s *Server) renderPanel(w http.ResponseWriter, r *http.Request, id int64, errs map[string]string, status int) {
	p, err := s.App.Panel(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// The page re-runs the draw from the recorded inputs, so that anyone
	// reading it sees the members follow from the seed.
	rerun := app.DrawPanel(p.Candidates, p.Size, p.Seed)
	verified := len(rerun) == len(p.Members)
	for i, m := range p.Members {
		verified = verified && rerun[i] == m.ExpertID
	}
	v := s.newView(r, "评审组 #"+strconv.FormatInt(p.ID, 10), map[string]any{"Panel": p, "Rerun": rerun, "Verified": verified,
		"Seed": strconv.FormatUint(p.Seed, 10), "Idem": randomToken(), "MinScorers": app.MinScorers})
	v.Errors = errs
	s.renderCode(w, r, "panel", v, status)
}

func (s *Server) panelFinalise(w http.ResponseWriter, r *http.Request) {
	panelID, ok := s.reviewID(w, r, "id")
	if !ok {
		return
	}
	appID, ok := s.reviewID(w, r, "appID")
	if !ok {
		return
	}
	out, err := s.App.Finalise(r.Context(), actor(r), panelID, appID, r.PostForm.Get("idem"))
	if err != nil {
		s.reviewFail(w, r, err, func(errs map[string]string, status int) { s.renderPanel(w, r, panelID, errs, status) })
		return
	}
	s.redirect(w, r, "/panels/"+strconv.FormatInt(panelID, 10), "已定稿："+out.Reason())
}

// ---- experts' work (评审任务) ----

func (s *Server) expertQueue(w http.ResponseWriter, r *http.Request) {
	page, offset := pageParam(r.URL.Query().Get("page"), reviewPageSize)
	as, total, err := s.App.ExpertAssignments(r.Context(), actor(r), store.Page{Offset: offset, Limit: reviewPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "review_expert", s.newView(r, "评审任务", map[string]any{"Assignments": as,
		"Pager": newPager(page, reviewPageSize, total, "")}))
}

// scorePath is the scoring page of an application in a panel.
func scorePath(panelID, appID int64) string {
	return "/panels/" + strconv.FormatInt(panelID, 10) + "/apps/" + strconv.FormatInt(appID, 10) + "/score"
}

func (s *Server) scoreIDs(w http.ResponseWriter, r *http.Request) (panelID, appID int64, ok bool) {
	if panelID, ok = s.reviewID(w, r, "id"); !ok {
		return 0, 0, false
	}
	appID, ok = s.reviewID(w, r, "appID")
	return panelID, appID, ok
}

func (s *Server) scoreForm(w http.ResponseWriter, r *http.Request) {
	panelID, appID, ok := s.scoreIDs(w, r)
	if !ok {
		return
	}
	s.renderScore(w, r, panelID, appID, nil, nil, 0)
}

func (s *Server) renderScore(w http.ResponseWriter, r *http.Request, panelID, appID int64, form url.Values, errs map[string]string, status int) {
	t, err := s.App.ExpertTask(r.Context(), actor(r), panelID, appID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if form == nil {
		form = scoreToForm(t)
	}
	v := s.newView(r, "专家评分 "+t.App.Number, map[string]any{"Task": t, "Criteria": t.Call.Rubric.Criteria,
		"Action": scorePath(panelID, appID), "ConflictAction": strings.TrimSuffix(scorePath(panelID, appID), "score") + "conflict"})
	v.Form, v.Errors = form, errs
	s.renderCode(w, r, "review_score", v, status)
}

// scoreToForm fills the form with the expert's saved sheet (amounts in 元).
func scoreToForm(t *app.ExpertTask) url.Values {
	f := url.Values{}
	if t.Sheet == nil {
		return f
	}
	for i, it := range t.Sheet.Items {
		f.Set("score."+strconv.Itoa(i), strconv.Itoa(it.Score))
		f.Set("comment."+strconv.Itoa(i), it.Comment)
	}
	for _, inv := range t.Sheet.Investments {
		f.Set("invest."+strconv.Itoa(inv.SpendingSeq), strconv.FormatInt(inv.ApprovedFen/100, 10)+"."+
			strconv.FormatInt(inv.ApprovedFen%100/10, 10)+strconv.FormatInt(inv.ApprovedFen%10, 10))
	}
	f.Set("comment", t.Sheet.Comment)
	return f
}

func (s *Server) scoreConflict(w http.ResponseWriter, r *http.Request) {
	panelID, appID, ok := s.scoreIDs(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	var err error
	switch f.Get("decision") {
	case "none", "conflict":
		err = s.App.DeclareConflict(r.Context(), actor(r), panelID, appID, f.Get("decision") == "conflict", f.Get("reason"))
	default:
		err = dtfund.FieldError("decision", "请选择“确认无利益冲突”或“声明存在利益冲突”")
	}
	if err != nil {
		s.reviewFail(w, r, err, func(errs map[string]string, status int) { s.renderScore(w, r, panelID, appID, f, errs, status) })
		return
	}
	if f.Get("decision") == "conflict" {
		s.redirect(w, r, "/review/expert", "已声明利益冲突，您将回避该申报的评审")
		return
	}
	s.redirect(w, r, scorePath(panelID, appID), "已确认无利益冲突，请评分")
}

func (s *Server) scoreSubmit(w http.ResponseWriter, r *http.Request) {
	panelID, appID, ok := s.scoreIDs(w, r)
	if !ok {
		return
	}
	t, err := s.App.ExpertTask(r.Context(), actor(r), panelID, appID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := r.PostForm
	in, err := scoreInputFromForm(t, f)
	if perr, ok := err.(dtfund.ValidationErrors); ok {
		// Show every problem at once: the unreadable fields first, then
		// what the rubric and the spending say about the rest.
		if verr, ok := app.ValidateScores(t, in).(dtfund.ValidationErrors); ok {
			err = append(perr, verr...)
		}
	} else {
		err = s.App.SaveScores(r.Context(), actor(r), panelID, appID, in)
	}
	if err != nil {
		s.reviewFail(w, r, err, func(errs map[string]string, status int) { s.renderScore(w, r, panelID, appID, f, errs, status) })
		return
	}
	s.redirect(w, r, scorePath(panelID, appID), "评分已保存；评审结果定稿前可以修改")
}

// scoreInputFromForm reads the scores (whole numbers) and the approved
// investments (元); every unreadable field is reported.
func scoreInputFromForm(t *app.ExpertTask, f url.Values) (app.ScoreInput, error) {
	var v dtfund.ValidationErrors
	in := app.ScoreInput{Comment: f.Get("comment"), Approved: map[int]int64{}}
	for i, c := range t.Call.Rubric.Criteria {
		key := strconv.Itoa(i)
		score := -1
		if s := strings.TrimSpace(f.Get("score." + key)); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				v.Add("score."+key, "“%s”的评分须为0至100的整数", c.Name)
				n = -1
			}
			score = n
		}
		in.Scores, in.Comments = append(in.Scores, score), append(in.Comments, f.Get("comment."+key))
	}
	if t.NeedsInvestment() {
		for _, sp := range t.App.Spending {
			key := "invest." + strconv.Itoa(sp.Seq)
			if strings.TrimSpace(f.Get(key)) == "" {
				continue
			}
			fen, err := parseMoney(key, "第"+strconv.Itoa(sp.Seq)+"项核定投入", f.Get(key), 1)
			if err != nil {
				v = append(v, err.(*dtfund.Error))
				continue
			}
			in.Approved[sp.Seq] = fen
		}
	}
	return in, v.Err()
}

// ---- 评审意见书 ----

func (s *Server) opinionPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.reviewID(w, r, "id")
	if !ok {
		return
	}
	o, err := s.App.Opinion(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "opinion", s.newView(r, "评审意见书 "+o.App.Number, map[string]any{"O": o,
		"Date": reviewDateCN(calendar.DateOf(o.PanelApp.FinalisedAt).String())}))
}
