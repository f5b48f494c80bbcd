package api

import (
	"context"
	"errors"
	"io"
	"strings"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// adminOps: the administrator's pages — accounts (creation, changes,
// password resets, ending sessions) and the working-day calendar's
// overrides (the publicity periods count working days) — and the expert
// pool maintained by 市工信局 (第十四条（三）).
func adminOps() []*Operation {
	admin := roles(dtfund.RoleAdmin)
	return group("admin",
		op("GET", "/admin/users", "ListAccounts", "用户列表（管理员）", admin, listAccounts),
		op("POST", "/admin/users", "CreateAccount", "创建用户（管理员）", admin, createAccount).created().fields("org", "org_uscc"),
		op("GET", "/admin/users/{id}", "GetAccount", "用户及其有效会话（管理员）", admin, getAccount),
		op("PUT", "/admin/users/{id}", "UpdateAccount", "修改用户：角色、辖区、所属单位变更或停用时，其会话与访问令牌一并失效", admin, updateAccount).
			fields("org", "org_uscc"),
		op("POST", "/admin/users/{id}/password", "ResetPassword", "重置密码（该用户的全部会话失效）", admin, resetPassword),
		op("POST", "/admin/users/{id}/sessions/revoke", "RevokeSessions", "注销该用户的全部网页会话", admin, revokeSessions),
		op("GET", "/admin/calendar", "GetCalendarAdmin", "工作日历的调整记录及各年放假安排的录入情况（管理员）", admin, getCalendarAdmin),
		op("PUT", "/admin/calendar/overrides/{date}", "PutCalendarOverride", "设定某日为工作日或休息日（须注明依据）", admin, putCalendarOverride),
		op("DELETE", "/admin/calendar/overrides/{date}", "DeleteCalendarOverride", "删除某日的设定，恢复内置日历", admin, deleteCalendarOverride),
		op("POST", "/admin/calendar/import", "ImportCalendar", "导入一年的放假安排（CSV：日期,工作日/休息日,名称,依据）", admin, importCalendar).
			upload(maxCalendarUpload),
		op("POST", "/experts", "SaveExpert", "将专家账号纳入专家库或修改其信息（市工信局；第十四条（三））", roles(dtfund.RoleCityMIIT), saveExpert).
			fields("org", "org_uscc"),
	)
}

// maxCalendarUpload bounds an uploaded schedule, as on the page.
const maxCalendarUpload = 1 << 20

func accountOut(u *dtfund.User) apiclient.Account {
	return apiclient.Account{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, Role: apiclient.Role(u.Role),
		RoleLabel: u.Role.Label(), DistrictCode: u.DistrictCode, OrgID: idPtr(u.OrgID), Disabled: u.Disabled, CreatedAt: utc(u.CreatedAt),
		UpdatedAt: utc(u.UpdatedAt)}
}

func listAccounts(ctx context.Context, c *Call, in *apiclient.UserQuery) (*apiclient.Page[apiclient.Account], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	if in.Role != "" && !dtfund.Role(in.Role).Valid() {
		return nil, badInput("role", "未知的角色 %s", in.Role)
	}
	// As the administrator's page: the route is the administrator's alone.
	us, total, err := c.App.DB.FindUsers(ctx, store.UserFilter{Role: dtfund.Role(in.Role), Query: in.Q, Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(us, total, in.Paging, accountOut), nil
}

func getAccount(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.AccountDetail, error) {
	u, err := c.App.DB.User(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	sessions, err := c.App.DB.ActiveSessions(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := &apiclient.AccountDetail{Account: accountOut(u), Sessions: mapSlice(sessions, func(s *store.Session) apiclient.SessionInfo {
		return apiclient.SessionInfo{CreatedAt: utc(s.CreatedAt), LastSeenAt: utc(s.LastSeenAt), ExpiresAt: utc(s.ExpiresAt), IP: s.IP,
			UserAgent: s.UserAgent}
	})}
	if u.OrgID != 0 {
		if o, err := c.App.DB.Organization(ctx, u.OrgID, ""); err == nil {
			out.OrgName, out.OrgUSCC = o.Name, o.USCC
		}
	}
	return out, nil
}

// orgByUSCC resolves an organisation typed as its code (empty: none).
func orgByUSCC(ctx context.Context, c *Call, code string) (int64, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		return 0, nil
	}
	o, err := c.App.DB.OrganizationByUSCC(ctx, code)
	if err != nil {
		return 0, dtfund.FieldError("org_uscc", "统一社会信用代码为 %s 的单位不存在", code)
	}
	return o.ID, nil
}

func createAccount(ctx context.Context, c *Call, in *apiclient.AccountInput) (*apiclient.AccountDetail, error) {
	orgID, err := orgByUSCC(ctx, c, in.OrgUSCC)
	if err != nil {
		return nil, err
	}
	u := &dtfund.User{Username: in.Username, DisplayName: in.DisplayName, Email: in.Email, Role: dtfund.Role(in.Role),
		DistrictCode: in.DistrictCode, OrgID: orgID}
	if err := c.App.CreateUser(ctx, c.Actor, u, in.Password); err != nil {
		return nil, err
	}
	return getAccount(ctx, c, &apiclient.ByID{ID: u.ID})
}

func updateAccount(ctx context.Context, c *Call, in *apiclient.AccountUpdate) (*apiclient.AccountDetail, error) {
	if _, err := c.App.DB.User(ctx, in.ID); err != nil {
		return nil, err
	}
	orgID, err := orgByUSCC(ctx, c, in.OrgUSCC)
	if err != nil {
		return nil, err
	}
	role := dtfund.Role(in.Role)
	if _, err := c.App.UpdateUser(ctx, c.Actor, in.ID, app.UserChange{DisplayName: &in.DisplayName, Email: &in.Email, Role: &role,
		DistrictCode: &in.DistrictCode, OrgID: &orgID, Disabled: &in.Disabled}); err != nil {
		return nil, err
	}
	return getAccount(ctx, c, &apiclient.ByID{ID: in.ID})
}

func resetPassword(ctx context.Context, c *Call, in *apiclient.PasswordInput) (*apiclient.NoContent, error) {
	if _, err := c.App.DB.User(ctx, in.ID); err != nil {
		return nil, err
	}
	if err := c.App.ResetPassword(ctx, c.Actor, in.ID, in.Password); err != nil {
		return nil, err
	}
	return &apiclient.NoContent{}, nil
}

func revokeSessions(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.RevokedSessions, error) {
	n, err := c.App.RevokeSessions(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return &apiclient.RevokedSessions{Revoked: n}, nil
}

func getCalendarAdmin(ctx context.Context, c *Call, _ *apiclient.None) (*apiclient.CalendarAdmin, error) {
	rows, err := c.App.DB.CalendarOverrides(ctx)
	if err != nil {
		return nil, err
	}
	cal, err := c.App.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	out := &apiclient.CalendarAdmin{Overrides: mapSlice(rows, func(o store.CalendarOverride) apiclient.CalendarOverride {
		return apiclient.CalendarOverride{Date: o.Date, Working: o.Working, Name: o.Name, Source: o.Source}
	}), Years: []apiclient.ScheduleYear{}}
	y := calendar.DateOf(c.App.Now()).Year
	for _, year := range []int{y, y + 1} {
		out.Years = append(out.Years, apiclient.ScheduleYear{Year: year, Scheduled: cal.HasSchedule(year)})
	}
	return out, nil
}

// pathDate reads a date in the path; one that is not a date is not found.
func pathDate(s string) (calendar.Date, error) {
	d, err := calendar.ParseDate(strings.TrimSpace(s))
	if err != nil {
		return calendar.Date{}, dtfund.Errorf(dtfund.ENOTFOUND, "日期 %s 无效，应为 YYYY-MM-DD", s)
	}
	return d, nil
}

func putCalendarOverride(ctx context.Context, c *Call, in *apiclient.CalendarOverrideInput) (*apiclient.CalendarOverride, error) {
	d, err := pathDate(in.Date)
	if err != nil {
		return nil, err
	}
	o := calendar.Override{Date: d, Working: in.Working, Name: strings.TrimSpace(in.Name), Source: strings.TrimSpace(in.Source)}
	if err := c.App.PutCalendarOverrides(ctx, c.Actor, []calendar.Override{o}); err != nil {
		return nil, err
	}
	return &apiclient.CalendarOverride{Date: d.String(), Working: o.Working, Name: o.Name, Source: o.Source}, nil
}

func deleteCalendarOverride(ctx context.Context, c *Call, in *apiclient.CalendarDateRef) (*apiclient.NoContent, error) {
	d, err := pathDate(in.Date)
	if err != nil {
		return nil, err
	}
	if err := c.App.DeleteCalendarOverride(ctx, c.Actor, d); err != nil {
		return nil, err
	}
	return &apiclient.NoContent{}, nil
}

func importCalendar(ctx context.Context, c *Call, in *apiclient.CalendarUpload) (*apiclient.CalendarImportResult, error) {
	if in.File == nil {
		return nil, dtfund.FieldError("file", "请选择不超过1MB的CSV文件")
	}
	overrides, err := calendar.ParseOverrides(io.LimitReader(in.File.Content, maxCalendarUpload))
	switch {
	case err != nil:
		return nil, dtfund.FieldError("file", "%s", err.Error())
	case len(overrides) == 0:
		return nil, dtfund.FieldError("file", "文件中没有日期")
	}
	if err := c.App.PutCalendarOverrides(ctx, c.Actor, overrides); err != nil {
		// A row without its source: the file is what the caller sent.
		if de := (*dtfund.Error)(nil); errors.As(err, &de) && de.Field == "source" {
			return nil, dtfund.FieldError("file", "%s", de.Message)
		}
		return nil, err
	}
	return &apiclient.CalendarImportResult{Dates: len(overrides)}, nil
}

func saveExpert(ctx context.Context, c *Call, in *apiclient.ExpertInput) (*apiclient.Expert, error) {
	orgID, err := orgByUSCC(ctx, c, in.OrgUSCC)
	if err != nil {
		return nil, err
	}
	p := store.ExpertProfile{Field: in.Field, Affiliation: in.Affiliation, Contact: in.Contact, Active: in.Active, OrgID: orgID}
	if err := c.App.SaveExpertProfile(ctx, c.Actor, in.Username, p); err != nil {
		return nil, err
	}
	u, _, err := c.App.DB.UserByUsername(ctx, strings.TrimSpace(in.Username))
	if err != nil {
		return nil, err
	}
	es, _, err := c.App.FindExperts(ctx, c.Actor, store.ExpertFilter{UserID: u.ID, Page: store.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "专家不存在")
	}
	e := es[0]
	return &apiclient.Expert{UserID: e.UserID, Username: e.Username, Name: e.Name, Field: e.Field, Affiliation: e.Affiliation,
		OrgName: e.OrgName, Active: e.Active, Disabled: e.Disabled}, nil
}
