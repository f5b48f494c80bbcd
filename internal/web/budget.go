package web

import (
	"net/http"
	"net/url"
	"strconv"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// Budgets, budget lines and commitments (第六条（二）, FACTS §2): 市财政局
// records releases and performance targets and allocates money to lines;
// 市工信局 reads the page.
func (s *Server) budgetRoutes() []Route {
	finance := roles(dtfund.RoleCityFinance)
	return []Route{
		{"GET", "/budget", roles(dtfund.RoleCityFinance, dtfund.RoleCityMIIT), s.budgetPage},
		{"POST", "/budget/releases", finance, s.budgetRelease},
		{"POST", "/budget/targets", finance, s.budgetTarget},
		{"POST", "/budget/allocations", finance, s.budgetAllocate},
	}
}

const budgetPageSize = 20

// budgetYear reads the year from the form or query; the current year by default.
func (s *Server) budgetYear(v string) int {
	if y, err := strconv.Atoi(v); err == nil && y >= 2000 && y <= 2100 {
		return y
	}
	return calendar.DateOf(s.App.DB.Now()).Year
}

func (s *Server) budgetPage(w http.ResponseWriter, r *http.Request) {
	s.renderBudget(w, r, s.budgetYear(r.URL.Query().Get("year")), nil, nil)
}

func (s *Server) renderBudget(w http.ResponseWriter, r *http.Request, year int, form url.Values, errs map[string]string) {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	o, err := s.App.BudgetOverview(ctx, a, year)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page, offset := pageParam(q.Get("page"), budgetPageSize)
	releases, total, err := s.App.Releases(ctx, a, year, store.Page{Offset: offset, Limit: budgetPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	tpage, toffset := pageParam(q.Get("tpage"), budgetPageSize)
	targets, ttotal, err := s.App.Targets(ctx, a, year, store.Page{Offset: toffset, Limit: budgetPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	this := calendar.DateOf(s.App.DB.Now()).Year
	var years []int
	for y := this + 1; y >= 2023; y-- {
		years = append(years, y)
	}
	v := s.newView(r, strconv.Itoa(year)+"年专项资金预算", map[string]any{
		"Year": year, "Years": years, "Overview": o, "Releases": releases, "Targets": targets,
		"Pager":       newPager(page, budgetPageSize, total, url.Values{"year": {strconv.Itoa(year)}, "tpage": {strconv.Itoa(tpage)}}.Encode()),
		"TargetPager": newPager(tpage, budgetPageSize, ttotal, url.Values{"year": {strconv.Itoa(year)}, "page": {strconv.Itoa(page)}}.Encode()),
		"CanEdit":     a.User.Role == dtfund.RoleCityFinance, "Sources": app.BudgetSources, "SourceLabels": store.SourceLabels,
		"Categories": dtfund.CallCategories, "Today": calendar.DateOf(s.App.DB.Now()).String(),
	})
	if form == nil {
		form = url.Values{"idem": {randomToken()}, "doc_date": {calendar.DateOf(s.App.DB.Now()).String()}, "release_unit": {"wan"}, "alloc_unit": {"wan"}}
	}
	v.Form, v.Errors = form, errs
	s.render(w, r, "budget", v)
}

// budgetFail re-renders the page with the form kept (422) or shows the error page.
func (s *Server) budgetFail(w http.ResponseWriter, r *http.Request, year int, err error) {
	if code := dtfund.ErrorCode(err); code != dtfund.EINVALID {
		s.renderError(w, r, err)
		return
	}
	s.renderBudget(w, r, year, r.PostForm, formErrors(err))
}

// unitOf reads a 元/万元 choice.
func unitOf(v string) int64 {
	if v == "wan" {
		return 10000
	}
	return 1
}

func (s *Server) budgetRelease(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	year := s.budgetYear(f.Get("year"))
	fen, err := parseMoney("release_amount", "下达金额", f.Get("release_amount"), unitOf(f.Get("release_unit")))
	var rel *store.BudgetRelease
	replay := false
	if err == nil {
		rel, replay, err = s.App.ReleaseBudget(r.Context(), actor(r), app.ReleaseInput{Year: year, Source: f.Get("release_source"),
			DocNumber: f.Get("doc_number"), DocDate: f.Get("doc_date"), AmountFen: fen})
	}
	if err != nil {
		s.budgetFail(w, r, year, err)
		return
	}
	msg := "已录入预算下达：" + rel.DocNumber + "，" + formatYuan(rel.AmountFen) + " 元"
	if replay {
		msg = "该文件已录入，未重复记账"
	}
	s.redirect(w, r, "/budget?year="+strconv.Itoa(year), msg)
}

func (s *Server) budgetTarget(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	year := s.budgetYear(f.Get("year"))
	_, err := s.App.AddTarget(r.Context(), actor(r), app.TargetInput{Year: year, Indicator: f.Get("indicator"),
		TargetValue: f.Get("target_value"), Unit: f.Get("target_unit"), SourceDoc: f.Get("target_source")})
	if err != nil {
		s.budgetFail(w, r, year, err)
		return
	}
	s.redirect(w, r, "/budget?year="+strconv.Itoa(year), "已添加绩效目标")
}

func (s *Server) budgetAllocate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	year := s.budgetYear(f.Get("year"))
	fen, err := parseMoney("alloc_amount", "金额", f.Get("alloc_amount"), unitOf(f.Get("alloc_unit")))
	if err == nil {
		_, err = s.App.Allocate(r.Context(), actor(r), app.AllocationInput{Year: year, Source: f.Get("alloc_source"),
			Category: f.Get("alloc_category"), AmountFen: fen, Deallocate: f.Get("alloc_direction") == "deallocate",
			IdempotencyKey: f.Get("idem")})
	}
	if err != nil {
		s.budgetFail(w, r, year, err)
		return
	}
	verb := "已分配"
	if f.Get("alloc_direction") == "deallocate" {
		verb = "已收回"
	}
	s.redirect(w, r, "/budget?year="+strconv.Itoa(year), verb+" "+formatYuan(fen)+" 元")
}
