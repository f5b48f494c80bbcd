package web

import (
	"encoding/json"
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

// Digital-level assessments (数字化水平评测, 工信厅企业〔2024〕56号) of
// awarded applications before and after the retrofit, read by acceptance
// (验收评审, 第十九条), and the administrator's pages of the indicator set
// with its corrections.

func init() {
	extraFuncs["assessPoints"] = policy.Points
	extraFuncs["digitalLevel"] = policy.DigitalLevelLabel
	extraFuncs["assessPhase"] = app.AssessmentPhaseLabel
	extraFuncs["assessTime"] = storedTime
	extraFuncs["indField"] = policy.IndicatorField
	extraFuncs["scnField"] = policy.ScenarioField
	detailExtras = append(detailExtras, assessmentExtras)
}

// assessmentRoutes are the routes of digital-level assessments.
func (s *Server) assessmentRoutes() []Route {
	readers := roles(dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT,
		dtfund.RoleCityFinance, dtfund.RoleInspector)
	writers := roles(dtfund.RoleInspector, dtfund.RoleCityMIIT)
	admin := roles(dtfund.RoleAdmin)
	return []Route{
		{"GET", "/assessments", readers, s.assessmentAwards},
		{"GET", "/assessments/{id}", readers, s.assessmentDetail},
		{"GET", "/apps/{id}/assessments", readers, s.appAssessments},
		{"GET", "/apps/{id}/assessments/new", writers, s.assessmentForm},
		{"POST", "/apps/{id}/assessments", writers, s.assessmentCreate},
		{"GET", "/apps/{id}/assessments/report", writers, s.assessmentReportForm},
		{"POST", "/apps/{id}/assessments/report", writers, s.assessmentReportCreate},
		{"GET", "/admin/assessment-indicators", admin, s.indicatorSetPage},
		{"POST", "/admin/assessment-indicators", admin, s.indicatorCorrect},
	}
}

const assessPageSize = 50

// assessmentExtras links an awarded application's detail page to its
// assessments for the roles that read them.
func assessmentExtras(s *Server, r *http.Request, a *dtfund.Application, data map[string]any) {
	if !app.CanReadAssessments(state(r).User.Role) {
		return
	}
	if aw, err := s.App.DB.AwardOfApp(r.Context(), a.ID); err == nil && aw != nil {
		data["AssessmentLink"] = "/apps/" + strconv.FormatInt(a.ID, 10) + "/assessments"
	}
}

// storedTime shows a time stored as UTC text (store's format) in
// Asia/Shanghai; text that does not parse is shown as it is.
func storedTime(s string) string {
	t, err := time.Parse("2006-01-02T15:04:05.000000Z", s)
	if err != nil {
		return s
	}
	return formatDateTime(t)
}

// ---- lists ----

func (s *Server) assessmentAwards(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	category := q.Get("category")
	if !slices.Contains(dtfund.CallCategories, category) {
		category = ""
	}
	page, offset := pageParam(q.Get("page"), assessPageSize)
	rows, total, err := s.App.AssessedAwards(r.Context(), actor(r), category, store.Page{Offset: offset, Limit: assessPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "数字化水平评测", map[string]any{"Rows": rows, "Categories": dtfund.CallCategories,
		"CanRecord": app.CanRecordAssessments(actor(r).User.Role),
		"Pager":     newPager(page, assessPageSize, total, "category="+url.QueryEscape(category))})
	v.Form = url.Values{"category": {category}}
	s.render(w, r, "assessment_awards", v)
}

// phasePair is an application's latest assessment before and after the
// retrofit, side by side, with the change of level.
type phasePair struct {
	Before, After *store.Assessment
}

// Change is the number of levels gained (negative: lost); only meaningful
// when both exist.
func (p phasePair) Change() int { return p.After.Level - p.Before.Level }

func (s *Server) appAssessments(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a, aw, list, err := s.App.ApplicationAssessments(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var pair phasePair
	for _, as := range list { // oldest first: the last of each phase is the latest
		if as.Phase == store.PhaseBefore {
			pair.Before = as
		} else {
			pair.After = as
		}
	}
	s.render(w, r, "assessment_list", s.newView(r, "数字化水平评测："+a.Number, map[string]any{"App": a, "Award": aw,
		"Assessments": list, "Pair": pair, "CanRecord": app.CanRecordAssessments(actor(r).User.Role)}))
}

// ---- the questionnaire ----

func (s *Server) assessmentForm(w http.ResponseWriter, r *http.Request) {
	phase := r.URL.Query().Get("phase")
	if phase != store.PhaseAfter {
		phase = store.PhaseBefore
	}
	form := url.Values{"phase": {phase}, "assessed_on": {calendar.DateOf(s.App.Now()).String()},
		"assessor": {state(r).User.DisplayName}, "idem": {randomToken()}}
	s.renderAssessmentForm(w, r, "assessment_form", form, nil)
}

// renderAssessmentForm shows the questionnaire or the report form of an
// awarded application, with the newest indicator set.
func (s *Server) renderAssessmentForm(w http.ResponseWriter, r *http.Request, page string, form url.Values, err error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	a, aw, gerr := s.App.AssessableApplication(r.Context(), actor(r), id)
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	set, gerr := s.App.IndicatorSet(r.Context())
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	title := "数字化水平评测问卷：" + a.Number
	if page == "assessment_report" {
		title = "录入第三方评测报告：" + a.Number
	}
	v := s.newView(r, title, map[string]any{"App": a, "Award": aw, "Set": set, "Levels": []int{0, 1, 2, 3, 4}})
	v.Form = form
	if err != nil {
		s.pubRender(w, r, page, v, err)
		return
	}
	s.render(w, r, page, v)
}

// answersFrom reads the questionnaire: ind_{code} is the option chosen,
// scn_{code} the scenario's level. Blank answers are left out (the policy
// names them); a level that is not a number becomes -1 (out of range).
func answersFrom(set *policy.IndicatorSet, f url.Values) policy.AssessmentAnswers {
	a := policy.AssessmentAnswers{Indicators: map[string]string{}, Scenarios: map[string]int{}}
	for _, ind := range set.Indicators() {
		if v := strings.TrimSpace(f.Get(policy.IndicatorField(ind.Code))); v != "" {
			a.Indicators[ind.Code] = v
		}
	}
	for _, sc := range set.Scenarios {
		v := strings.TrimSpace(f.Get(policy.ScenarioField(sc.Code)))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1
		}
		a.Scenarios[sc.Code] = n
	}
	return a
}

func (s *Server) assessmentCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	set, err := s.App.IndicatorSet(r.Context())
	if err == nil {
		var as *store.Assessment
		as, err = s.App.RecordAssessment(r.Context(), actor(r), app.AssessmentInput{AppID: id, Phase: f.Get("phase"),
			AssessedOn: f.Get("assessed_on"), Assessor: f.Get("assessor"), Answers: answersFrom(set, f), IdempotencyKey: f.Get("idem")})
		if err == nil {
			s.redirect(w, r, "/assessments/"+strconv.FormatInt(as.ID, 10), "评测已记录："+policy.DigitalLevelLabel(as.Level)+
				"，得分 "+policy.Points(as.ScoreCenti)+" 分")
			return
		}
	}
	s.renderAssessmentForm(w, r, "assessment_form", f, err)
}

func (s *Server) assessmentReportForm(w http.ResponseWriter, r *http.Request) {
	phase := r.URL.Query().Get("phase")
	if phase != store.PhaseBefore {
		phase = store.PhaseAfter
	}
	form := url.Values{"phase": {phase}, "assessed_on": {calendar.DateOf(s.App.Now()).String()}, "idem": {randomToken()}}
	s.renderAssessmentForm(w, r, "assessment_report", form, nil)
}

func (s *Server) assessmentReportCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	as, err := s.App.RecordAssessmentReport(r.Context(), actor(r), app.ReportInput{AppID: id, Phase: f.Get("phase"),
		AssessedOn: f.Get("assessed_on"), Assessor: f.Get("assessor"), ReportNo: f.Get("report_no"), Score: f.Get("score"),
		Level: f.Get("level"), IdempotencyKey: f.Get("idem")})
	if err == nil {
		s.redirect(w, r, "/assessments/"+strconv.FormatInt(as.ID, 10), "评测报告已录入："+policy.DigitalLevelLabel(as.Level))
		return
	}
	s.renderAssessmentForm(w, r, "assessment_report", f, err)
}

// ---- one assessment ----

func (s *Server) assessmentDetail(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	as, a, err := s.App.Assessment(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var res policy.AssessmentResult
	if err := json.Unmarshal([]byte(as.Result), &res); err != nil {
		state(r).Log.ErrorContext(r.Context(), "stored assessment result unreadable", "assessment", as.ID, "err", err)
	}
	s.render(w, r, "assessment_detail", s.newView(r, "数字化水平评测 "+a.Number, map[string]any{"A": as, "App": a, "Result": &res}))
}

// ---- the indicator set (administrator) ----

// versionLink is one version of the set in the version list.
type versionLink struct {
	Revision int
	Version  string
	Current  bool
}

func (s *Server) indicatorSetPage(w http.ResponseWriter, r *http.Request) {
	s.renderIndicatorSet(w, r, url.Values{"idem": {randomToken()}, "key": {r.URL.Query().Get("key")},
		"from": {calendar.DateOf(s.App.Now()).String()}}, nil)
}

// renderIndicatorSet shows one version of the set (?revision=n, newest by
// default) with the source of every figure, the correction form and the
// history of corrections.
func (s *Server) renderIndicatorSet(w http.ResponseWriter, r *http.Request, form url.Values, err error) {
	ctx := r.Context()
	latest, gerr := s.App.IndicatorSet(ctx)
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	shown := latest
	if rv := r.URL.Query().Get("revision"); rv != "" {
		n, perr := strconv.Atoi(rv)
		if perr != nil {
			s.notFound(w, r)
			return
		}
		if shown, gerr = s.App.IndicatorSetRevision(ctx, n); gerr != nil {
			s.renderError(w, r, gerr)
			return
		}
	}
	page, offset := pageParam(r.URL.Query().Get("page"), assessPageSize)
	hist, total, gerr := s.App.IndicatorCorrections(ctx, actor(r), store.Page{Offset: offset, Limit: assessPageSize})
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	versions := make([]versionLink, latest.Revision+1)
	for i := range versions {
		versions[i] = versionLink{Revision: i, Version: latest.Base, Current: i == shown.Revision}
		if i > 0 {
			versions[i].Version += "+r" + strconv.Itoa(i)
		}
	}
	figures, sources := figureViews(shown)
	v := s.newView(r, "数字化水平评测指标", map[string]any{"Set": shown, "Latest": latest, "Figures": figures,
		"Sources": sources, "AllFigures": latest.Figures(), "Versions": versions, "History": hist,
		"Pager": newPager(page, assessPageSize, total, "")})
	v.Form = form
	if err != nil {
		s.pubRender(w, r, "admin_assessment", v, err)
		return
	}
	s.render(w, r, "admin_assessment", v)
}

// figView is a figure with the number of its source in the page's list of
// sources, so that a long citation is printed once.
type figView struct {
	policy.FigureInfo
	SourceNo int
}

// figureViews indexes the figures by key and numbers their distinct
// sources in order of first use.
func figureViews(set *policy.IndicatorSet) (map[string]figView, []string) {
	figs := map[string]figView{}
	no := map[string]int{}
	var sources []string
	for _, f := range set.Figures() {
		n, ok := no[f.Ref.Source]
		if !ok {
			sources = append(sources, f.Ref.Source)
			n = len(sources)
			no[f.Ref.Source] = n
		}
		figs[f.Key] = figView{f, n}
	}
	return figs, sources
}

func (s *Server) indicatorCorrect(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	c, err := s.App.CorrectIndicator(r.Context(), actor(r), app.CorrectionInput{Key: f.Get("key"), Value: f.Get("value"),
		From: f.Get("from"), Citation: f.Get("source"), Confirmed: f.Get("confirmed") == "on", IdempotencyKey: f.Get("idem")})
	if err != nil {
		s.renderIndicatorSet(w, r, f, err)
		return
	}
	msg := "该更正已记录"
	if c != nil {
		msg = "已更正，评测指标版本 " + policy.AssessmentBase().Base + "+r" + strconv.Itoa(c.Revision) + " 自 " + c.EffectiveFrom + " 起适用"
	}
	s.redirect(w, r, "/admin/assessment-indicators", msg)
}
