package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// The public site: the measures' text with how each article is
// implemented, the calls, and announcements (通知公告) written by
// 市工业和信息化局.
func (s *Server) publicSiteRoutes() []Route {
	miit := roles(dtfund.RoleCityMIIT)
	return []Route{
		{"GET", "/public/measures", public, s.publicMeasures},
		{"GET", "/public/calls", public, s.publicCalls},
		{"GET", "/public/calls/{id}", public, s.publicCall},
		{"GET", "/public/calendar/days", public, s.publicCalendarDays},
		{"GET", "/public/publicity/{id}/notice", public, s.publicityNotice},
		{"GET", "/public/announcements", public, s.publicAnnouncements},
		{"GET", "/public/announcements/{id}", public, s.publicAnnouncement},

		{"GET", "/announcements", miit, s.announcementList},
		{"GET", "/announcements/new", miit, s.announcementForm},
		{"POST", "/announcements", miit, s.announcementCreate},
		{"GET", "/announcements/{id}/edit", miit, s.announcementForm},
		{"POST", "/announcements/{id}/edit", miit, s.announcementUpdate},
		{"POST", "/announcements/{id}/withdraw", miit, s.announcementWithdraw},
	}
}

const publicPageSize = 20

func init() {
	extraFuncs["annKindLabel"] = app.AnnKindLabel
	extraFuncs["annStateLabel"] = func(s string) string {
		return map[string]string{store.AnnDraft: "草稿", store.AnnPublished: "已发布", store.AnnWithdrawn: "已撤回"}[s]
	}
}

func (s *Server) publicMeasures(w http.ResponseWriter, r *http.Request) {
	m := policy.Text()
	s.render(w, r, "public_measures", s.newView(r, m.Title, map[string]any{"M": m}))
}

func (s *Server) publicCalls(w http.ResponseWriter, r *http.Request) {
	page, offset := pageParam(r.URL.Query().Get("page"), publicPageSize)
	calls, total, err := s.App.PublicCalls(r.Context(), store.Page{Offset: offset, Limit: publicPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items := make([]callItem, len(calls))
	for i, c := range calls {
		items[i] = s.callItem(c)
	}
	s.render(w, r, "public_calls", s.newView(r, "申报批次", map[string]any{"Calls": items, "Pager": newPager(page, publicPageSize, total, "")}))
}

func (s *Server) publicCall(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.renderError(w, r, dtfund.Errorf(dtfund.ENOTFOUND, "申报批次不存在"))
		return
	}
	c, err := s.App.PublicCall(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "public_call", s.newView(r, c.Title, map[string]any{"Call": s.callItem(c)}))
}

func (s *Server) publicAnnouncements(w http.ResponseWriter, r *http.Request) {
	s.announcements(w, r, "public_announcements")
}

// announcements lists announcements on a page: the public list shows the
// published ones, the city bureau's list drafts and withdrawn ones too.
func (s *Server) announcements(w http.ResponseWriter, r *http.Request, page string) {
	q := r.URL.Query()
	n, offset := pageParam(q.Get("page"), publicPageSize)
	kind := q.Get("kind")
	anns, total, err := s.App.Announcements(r.Context(), actorOrAnonymous(r, page), kind, store.Page{Offset: offset, Limit: publicPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, page, s.newView(r, "通知公告", map[string]any{"Anns": anns, "Kind": kind, "Kinds": app.AnnKinds,
		"Pager": newPager(n, publicPageSize, total, url.Values{"kind": {kind}}.Encode())}))
}

// actorOrAnonymous is the actor for the management page, and nobody for
// the public pages: a logged-in official reading the public site sees what
// the public sees.
func actorOrAnonymous(r *http.Request, page string) app.Actor {
	if page == "public_announcements" || page == "public_announcement" {
		return app.Actor{}
	}
	return actor(r)
}

func (s *Server) publicAnnouncement(w http.ResponseWriter, r *http.Request) {
	ann, ok := s.announcementByPath(w, r, app.Actor{})
	if !ok {
		return
	}
	s.render(w, r, "public_announcement", s.newView(r, ann.Title, map[string]any{"A": ann}))
}

func (s *Server) announcementByPath(w http.ResponseWriter, r *http.Request, who app.Actor) (*store.Announcement, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.renderError(w, r, dtfund.Errorf(dtfund.ENOTFOUND, "公告不存在"))
		return nil, false
	}
	ann, err := s.App.Announcement(r.Context(), who, id)
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	return ann, true
}

func (s *Server) announcementList(w http.ResponseWriter, r *http.Request) {
	s.announcements(w, r, "announcement_list")
}

func (s *Server) announcementForm(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "发布公告", s.announcementFormData(r, 0))
	if r.PathValue("id") != "" {
		ann, ok := s.announcementByPath(w, r, actor(r))
		if !ok {
			return
		}
		v.Title, v.Data.(map[string]any)["ID"] = "修改公告", ann.ID
		v.Form = url.Values{"title": {ann.Title}, "body": {ann.Body}, "kind": {ann.Kind}}
		if ann.CallID != 0 {
			v.Form.Set("call_id", strconv.FormatInt(ann.CallID, 10))
		}
	}
	s.render(w, r, "announcement_form", v)
}

// announcementFormData is what the form needs besides the values: the kinds
// and the recent calls an announcement may refer to.
func (s *Server) announcementFormData(r *http.Request, id int64) map[string]any {
	calls, _, err := s.App.PublicCalls(r.Context(), store.Page{Limit: 100})
	if err != nil {
		state(r).Log.ErrorContext(r.Context(), "calls for announcement form", "err", err)
	}
	return map[string]any{"Kinds": app.AnnKinds, "ID": id, "Calls": calls}
}

func announcementInput(r *http.Request) app.AnnouncementInput {
	callID, _ := strconv.ParseInt(r.PostFormValue("call_id"), 10, 64)
	return app.AnnouncementInput{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), Kind: r.PostFormValue("kind"),
		CallID: callID, Publish: r.PostFormValue("publish") == "1"}
}

func (s *Server) announcementCreate(w http.ResponseWriter, r *http.Request) {
	s.announcementSave(w, r, 0)
}

func (s *Server) announcementUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.renderError(w, r, dtfund.Errorf(dtfund.ENOTFOUND, "公告不存在"))
		return
	}
	s.announcementSave(w, r, id)
}

func (s *Server) announcementSave(w http.ResponseWriter, r *http.Request, id int64) {
	ann, err := s.App.SaveAnnouncement(r.Context(), actor(r), id, announcementInput(r))
	if err != nil {
		if code := dtfund.ErrorCode(err); code != dtfund.EINVALID {
			s.renderError(w, r, err)
			return
		}
		v := s.newView(r, "发布公告", s.announcementFormData(r, id))
		v.Form, v.Errors = r.PostForm, formErrors(err)
		s.render(w, r, "announcement_form", v)
		return
	}
	flash := "公告已保存为草稿"
	if ann.State == store.AnnPublished {
		flash = "公告已发布"
	}
	s.redirect(w, r, "/announcements", flash)
}

func (s *Server) announcementWithdraw(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil {
		err = s.App.WithdrawAnnouncement(r.Context(), actor(r), id)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.redirect(w, r, "/announcements", "公告已撤回")
}

// landingData is what the public home page lists: the latest
// announcements, the calls open now and the lists in publicity. A failing
// part is logged and left empty: the home page always renders.
func (s *Server) landingData(r *http.Request) map[string]any {
	ctx, log := r.Context(), state(r).Log
	anns, _, err := s.App.Announcements(ctx, app.Actor{}, "", store.Page{Limit: 5})
	if err != nil {
		log.ErrorContext(ctx, "landing announcements", "err", err)
	}
	calls, _, err := s.App.DB.FindCalls(ctx, store.CallFilter{OpenAt: s.App.Now(), Page: store.Page{Limit: 10}})
	if err != nil {
		log.ErrorContext(ctx, "landing calls", "err", err)
	}
	open := make([]callItem, len(calls))
	for i, c := range calls {
		open[i] = s.callItem(c)
	}
	batches, _, err := s.App.PublicBatches(ctx, store.BatchOpen, store.Page{Limit: 10})
	if err != nil {
		log.ErrorContext(ctx, "landing publicity", "err", err)
	}
	return map[string]any{"Anns": anns, "Calls": open, "Batches": batches}
}

// publicCalendarDays is the year's non-working days with their reasons, as
// JSON, for the date picker (forms.js) that marks them.
func (s *Server) publicCalendarDays(w http.ResponseWriter, r *http.Request) {
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || year < 2000 || year > 2100 {
		s.renderError(w, r, dtfund.FieldError("year", "年份须为2000至2100之间的整数"))
		return
	}
	cal, err := s.App.Calendar(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	off := map[string]string{}
	for d := (calendar.Date{Year: year, Month: time.January, Day: 1}); d.Year == year; d = d.AddDays(1) {
		if !cal.IsWorkingDay(d) {
			off[d.String()] = cal.Reason(d)
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	json.NewEncoder(w).Encode(map[string]any{"year": year, "off": off, "scheduled": cal.HasSchedule(year)})
}

// publicityNotice is the 公示 notice of a batch as a document that prints on
// A4 (第十四条（五）): every project of the batch with its period, and how
// to object.
func (s *Server) publicityNotice(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	b, err := s.App.PublicBatch(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var items []*store.PublicityItem
	for off := 0; ; off += 200 { // the whole list, a page of the store at a time
		page, total, err := s.App.PublicItems(r.Context(), id, store.Page{Offset: off, Limit: 200})
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if items = append(items, page...); len(page) == 0 || len(items) >= total {
			break
		}
	}
	var total int64
	for _, it := range items {
		total += it.AmountFen
	}
	s.render(w, r, "publicity_notice", s.newView(r, "公示："+b.Title, map[string]any{"Batch": b, "Items": publicItems(items, nil),
		"TotalFen": total, "MaxPerHour": app.MaxObjectionsPerWindow}))
}
