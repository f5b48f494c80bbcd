package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

const userPageSize = 50

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, nil, nil)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, form url.Values, errs map[string]string) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), userPageSize)
	users, total, err := s.App.DB.FindUsers(r.Context(), store.UserFilter{
		Role: dtfund.Role(q.Get("role")), Query: q.Get("q"), Page: store.Page{Offset: offset, Limit: userPageSize},
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	districts, _ := s.App.DB.Districts(r.Context())
	names := make(map[string]string, len(districts))
	for _, d := range districts {
		names[d.Code] = d.Name
	}
	rest := url.Values{"q": {q.Get("q")}, "role": {q.Get("role")}}.Encode()
	v := s.newView(r, "用户管理", map[string]any{
		"Users": users, "Pager": newPager(page, userPageSize, total, rest), "Roles": dtfund.Roles,
		"Districts": districts, "DistrictNames": names, "Filter": q,
	})
	v.Form, v.Errors = form, errs
	s.render(w, r, "admin_users", v)
}

func (s *Server) adminUserCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	u := &dtfund.User{Username: f.Get("username"), DisplayName: f.Get("display_name"), Email: f.Get("email"), Role: dtfund.Role(f.Get("role")),
		DistrictCode: f.Get("district_code")}
	err := s.orgRef(r, f.Get("org_uscc"), &u.OrgID)
	if err == nil {
		err = s.App.CreateUser(r.Context(), actor(r), u, f.Get("password"))
	}
	if err != nil {
		if dtfund.ErrorCode(err) == dtfund.EINTERNAL {
			s.renderError(w, r, err)
			return
		}
		f.Del("password")
		s.renderUsers(w, r, f, formErrors(err))
		return
	}
	s.redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10), "已创建用户 "+u.Username)
}

// orgRef resolves an organisation typed as its USCC into its ID.
func (s *Server) orgRef(r *http.Request, code string, id *int64) error {
	code = strings.TrimSpace(code)
	if code == "" {
		*id = 0
		return nil
	}
	o, err := s.App.DB.OrganizationByUSCC(r.Context(), code)
	if err != nil {
		return dtfund.FieldError("org_uscc", "统一社会信用代码为 %s 的单位不存在", code)
	}
	*id = o.ID
	return nil
}

func (s *Server) userFromPath(w http.ResponseWriter, r *http.Request) (*dtfund.User, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return nil, false
	}
	u, err := s.App.DB.User(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	return u, true
}

func (s *Server) adminUser(w http.ResponseWriter, r *http.Request) {
	u, ok := s.userFromPath(w, r)
	if !ok {
		return
	}
	s.renderUser(w, r, u, nil, nil)
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, u *dtfund.User, form url.Values, errs map[string]string) {
	sessions, err := s.App.DB.ActiveSessions(r.Context(), u.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var org *dtfund.Organization
	if u.OrgID != 0 {
		org, _ = s.App.DB.Organization(r.Context(), u.OrgID, "")
	}
	districts, _ := s.App.DB.Districts(r.Context())
	v := s.newView(r, "用户 "+u.Username, map[string]any{"U": u, "Org": org, "Sessions": sessions, "Roles": dtfund.Roles, "Districts": districts})
	if form == nil {
		form = url.Values{"display_name": {u.DisplayName}, "email": {u.Email}, "role": {string(u.Role)}, "district_code": {u.DistrictCode}}
		if org != nil {
			form.Set("org_uscc", org.USCC)
		}
		setCheck(form, "disabled", u.Disabled)
	}
	v.Form, v.Errors = form, errs
	s.render(w, r, "admin_user", v)
}

func (s *Server) adminUserUpdate(w http.ResponseWriter, r *http.Request) {
	u, ok := s.userFromPath(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	name, email, role, district := f.Get("display_name"), f.Get("email"), dtfund.Role(f.Get("role")), f.Get("district_code")
	disabled := f.Get("disabled") == "on"
	var orgID int64
	err := s.orgRef(r, f.Get("org_uscc"), &orgID)
	if err == nil {
		_, err = s.App.UpdateUser(r.Context(), actor(r), u.ID, app.UserChange{DisplayName: &name, Email: &email, Role: &role,
			DistrictCode: &district, OrgID: &orgID, Disabled: &disabled})
	}
	if err != nil {
		if dtfund.ErrorCode(err) == dtfund.EINTERNAL {
			s.renderError(w, r, err)
			return
		}
		s.renderUser(w, r, u, f, formErrors(err))
		return
	}
	s.redirect(w, r, r.URL.Path, "已保存")
}

func (s *Server) adminUserPassword(w http.ResponseWriter, r *http.Request) {
	u, ok := s.userFromPath(w, r)
	if !ok {
		return
	}
	if err := s.App.ResetPassword(r.Context(), actor(r), u.ID, r.PostFormValue("password")); err != nil {
		s.renderUser(w, r, u, nil, formErrors(err))
		return
	}
	s.redirect(w, r, "/admin/users/"+r.PathValue("id"), "密码已重置，该用户的全部会话已失效")
}

func (s *Server) adminUserRevoke(w http.ResponseWriter, r *http.Request) {
	u, ok := s.userFromPath(w, r)
	if !ok {
		return
	}
	n, err := s.App.RevokeSessions(r.Context(), actor(r), u.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/users/"+r.PathValue("id"), "已注销 "+strconv.FormatInt(n, 10)+" 个会话")
}

func (s *Server) adminCalendar(w http.ResponseWriter, r *http.Request) {
	s.renderCalendarAdmin(w, r, nil, nil)
}

func (s *Server) renderCalendarAdmin(w http.ResponseWriter, r *http.Request, form url.Values, errs map[string]string) {
	rows, err := s.App.DB.CalendarOverrides(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	cal, err := s.App.Calendar(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	today := calendar.DateOf(s.App.Now())
	years := []map[string]any{}
	for y := today.Year; y <= today.Year+1; y++ {
		years = append(years, map[string]any{"Year": y, "Has": cal.HasSchedule(y)})
	}
	v := s.newView(r, "工作日历", map[string]any{"Overrides": rows, "Years": years})
	v.Form, v.Errors = form, errs
	s.render(w, r, "admin_calendar", v)
}

func (s *Server) adminCalendarPut(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	d, err := calendar.ParseDate(strings.TrimSpace(f.Get("date")))
	if err != nil {
		s.renderCalendarAdmin(w, r, f, map[string]string{"date": err.Error()})
		return
	}
	o := calendar.Override{Date: d, Working: f.Get("working") == "true", Name: strings.TrimSpace(f.Get("name")), Source: strings.TrimSpace(f.Get("source"))}
	if err := s.App.PutCalendarOverrides(r.Context(), actor(r), []calendar.Override{o}); err != nil {
		s.renderCalendarAdmin(w, r, f, formErrors(err))
		return
	}
	s.redirect(w, r, "/admin/calendar", "已保存 "+d.String())
}

// maxCalendarUpload bounds uploaded schedule files.
const maxCalendarUpload = 1 << 20

func (s *Server) adminCalendarImport(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxCalendarUpload)
	file, _, err := r.FormFile("file")
	if err != nil {
		s.renderCalendarAdmin(w, r, nil, map[string]string{"file": "请选择不超过1MB的CSV文件"})
		return
	}
	defer file.Close()
	overrides, err := calendar.ParseOverrides(file)
	switch {
	case err != nil:
		err = dtfund.FieldError("file", "%s", err.Error())
	case len(overrides) == 0:
		err = dtfund.FieldError("file", "文件中没有日期")
	default:
		err = s.App.PutCalendarOverrides(r.Context(), actor(r), overrides)
	}
	if err != nil {
		msg := formErrors(err)
		if m, ok := msg[""]; ok {
			msg = map[string]string{"file": m}
		}
		s.renderCalendarAdmin(w, r, nil, msg)
		return
	}
	s.redirect(w, r, "/admin/calendar", "已导入 "+strconv.Itoa(len(overrides))+" 个日期")
}

func (s *Server) adminCalendarDelete(w http.ResponseWriter, r *http.Request) {
	d, err := calendar.ParseDate(r.PathValue("date"))
	if err != nil {
		s.notFound(w, r)
		return
	}
	if err := s.App.DeleteCalendarOverride(r.Context(), actor(r), d); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/calendar", "已删除 "+d.String()+" 的设定")
}
