package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Application lists, detail pages with the timeline, and notifications, for
// every role. What a user sees is limited by app.ApplicationScope; the
// actions offered are exactly those the state machine allows the role now.
func (s *Server) applicationRoutes() []Route {
	return []Route{
		{"GET", "/apps", loggedIn, s.appList},
		{"GET", "/apps/export.xlsx", loggedIn, s.appListExport},
		{"GET", "/apps/{id}", loggedIn, s.appDetail},
		{"GET", "/notifications", loggedIn, s.notifications},
	}
}

const appPageSize = 50

// appCountLimit bounds the count of the list (appList): beyond it the
// pager says "more than" and offers the pages up to it.
const appCountLimit = 10000

// appListFilter reads the list's filters from the query string.
func appListFilter(q url.Values) store.ApplicationFilter {
	f := store.ApplicationFilter{Category: q.Get("category"), IndustryCode: strings.TrimSpace(q.Get("industry")), Query: q.Get("q"),
		Sort: q.Get("sort")}
	if id, err := strconv.ParseInt(q.Get("call"), 10, 64); err == nil {
		f.CallID = id
	}
	if st := dtfund.AppState(q.Get("state")); st.Label() != string(st) {
		f.States = []dtfund.AppState{st}
	}
	f.DistrictCode = q.Get("district")
	return f
}

// appListExport is the list with its filters and sort as a workbook.
func (s *Server) appListExport(w http.ResponseWriter, r *http.Request) {
	f := appListFilter(r.URL.Query()) // a district official's scope stays their district (app.FindApplications)
	e, err := s.App.ExportApplications(r.Context(), actor(r), f)
	s.sendExport(w, r, "applications.xlsx", e, err)
}

func (s *Server) appList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), appPageSize)
	f := appListFilter(q)
	f.Page = store.Page{Offset: offset, Limit: appPageSize}
	f.CountLimit = appCountLimit
	wantDistrict := f.DistrictCode
	apps, total, err := s.App.FindApplications(r.Context(), actor(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// A district filter outside the official's own district shows nothing
	// rather than widening the scope.
	if u := state(r).User; u.Role.NeedsDistrict() && wantDistrict != "" && wantDistrict != u.DistrictCode {
		apps, total = nil, 0
	}
	districts, _ := s.App.DB.Districts(r.Context())
	rest := url.Values{}
	for _, k := range []string{"q", "call", "state", "category", "industry", "district", "sort"} {
		if v := q.Get(k); v != "" {
			rest.Set(k, v)
		}
	}
	v := s.newView(r, "申报列表", map[string]any{
		"Apps": apps, "Pager": newBoundedPager(page, appPageSize, total, appCountLimit, rest.Encode()), "States": dtfund.AppStates,
		"Categories": dtfund.CallCategories, "Districts": districts,
		"Sort":   sortColumns("/apps", q, "number:申报编号", "org:申报单位", "requested:申请金额（元）", "state:状态", "updated:更新时间"),
		"Export": "/apps/export.xlsx?" + rest.Encode(),
	})
	v.Form = q
	s.render(w, r, "app_list", v)
}

// actionLink is a button on the detail page leading to where the action is
// taken.
type actionLink struct {
	Label, Href, Article string
}

// actionPages maps each action to the page where it is taken; each part of
// the process registers its page here.
var actionPages = map[dtfund.AppAction]string{
	dtfund.ActSubmit:          "/apps/%d/edit",
	dtfund.ActWithdraw:        "/apps/%d/edit",
	dtfund.ActReturn:          "/apps/%d/district",
	dtfund.ActDecline:         "/apps/%d/district",
	dtfund.ActRecommend:       "/apps/%d/district",
	dtfund.ActStartReview:     "/panels/new?app=%d",
	dtfund.ActRecheckPass:     "/apps/%d/recheck",
	dtfund.ActRecheckFail:     "/apps/%d/recheck",
	dtfund.ActPublish:         "/publicity?app=%d",
	dtfund.ActUpholdObjection: "/publicity?app=%d",
	dtfund.ActClosePublicity:  "/publicity?app=%d",
}

func actionLinks(a *dtfund.Application, role dtfund.Role) []actionLink {
	seen := map[string]bool{}
	var out []actionLink
	for _, act := range dtfund.ActionsFor(a.State, role) {
		pattern, ok := actionPages[act]
		if !ok {
			continue // taken elsewhere (panel results, batch approval)
		}
		href := strings.Replace(pattern, "%d", strconv.FormatInt(a.ID, 10), 1)
		if seen[href] {
			continue
		}
		seen[href] = true
		out = append(out, actionLink{Label: act.Label(), Href: href, Article: act.Article()})
	}
	return out
}

func (s *Server) appDetail(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	ctx, act := r.Context(), actor(r)
	a, err := s.App.Application(ctx, act, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	events, err := s.App.Events(ctx, act, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var decision *policy.Decision
	if a.DecisionJSON != "" {
		decision = &policy.Decision{}
		if err := json.Unmarshal([]byte(a.DecisionJSON), decision); err != nil {
			state(r).Log.ErrorContext(ctx, "stored decision unreadable", "app", a.ID, "err", err)
			decision = nil
		}
	}
	data := map[string]any{"App": a, "Events": events, "Decision": decision, "Actions": actionLinks(a, state(r).User.Role),
		"InvoiceFlags": map[string][]string{}}
	s.addDetailExtras(r, a, data)
	s.render(w, r, "app_detail", s.newView(r, "申报 "+a.Number, data))
}

// addDetailExtras adds the parts of the detail page that other parts of the
// process provide (attachments, invoice flags); each is optional.
func (s *Server) addDetailExtras(r *http.Request, a *dtfund.Application, data map[string]any) {
	for _, extra := range detailExtras {
		extra(s, r, a, data)
	}
}

// detailExtras are filled in by the files of the process's parts.
var detailExtras []func(s *Server, r *http.Request, a *dtfund.Application, data map[string]any)

func (s *Server) notifications(w http.ResponseWriter, r *http.Request) {
	u := state(r).User
	page, offset := pageParam(r.URL.Query().Get("page"), appPageSize)
	ns, err := s.App.DB.Notifications(r.Context(), u.ID, u.OrgID, store.Page{Offset: offset, Limit: appPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "notifications", s.newView(r, "消息通知", map[string]any{"Notifications": ns, "Page": page,
		"HasNext": len(ns) == appPageSize}))
}
