package api

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// siteOps: the public site — announcements (通知公告, written by 市工业和信息化局),
// the calls, the measures' text with how each article is implemented, the
// working-day calendar —, and what every user has: search within their
// scope, their recent activity, and the panels' written opinions for the
// bureaus that read them.
func siteOps() []*Operation {
	miit := roles(dtfund.RoleCityMIIT)
	return group("site",
		op("GET", "/public/announcements", "ListPublicAnnouncements", "已发布的通知公告（无需登录）", public, listPublicAnnouncements),
		op("GET", "/public/announcements/{id}", "GetPublicAnnouncement", "通知公告（无需登录；未发布的不存在）", public, getPublicAnnouncement),
		op("GET", "/announcements", "ListAnnouncements", "全部通知公告，含草稿与已撤回的（市工信局）", miit, listAnnouncements),
		op("GET", "/announcements/{id}", "GetAnnouncement", "通知公告（市工信局，含草稿）", miit, getAnnouncement),
		op("POST", "/announcements", "CreateAnnouncement", "新建通知公告：发布或保存为草稿（市工信局，第六条（一））", miit, createAnnouncement).created(),
		op("PUT", "/announcements/{id}", "UpdateAnnouncement", "修改通知公告（已撤回的可再次发布）", miit, updateAnnouncement),
		op("POST", "/announcements/{id}/withdraw", "WithdrawAnnouncement", "撤回已发布的通知公告", miit, withdrawAnnouncement),
		op("GET", "/public/calls", "ListPublicCalls", "申报批次（无需登录；最新在前）", public, listPublicCalls),
		op("GET", "/public/calls/{id}", "GetPublicCall", "申报批次及申报通知（无需登录）", public, getPublicCall),
		op("GET", "/public/measures", "GetMeasures", "《管理办法》全文及本系统对每一条的落实方式（无需登录）", public, getMeasures),
		op("GET", "/public/calendar/days", "GetCalendarDays", "某年的非工作日及原因（无需登录；公示期等按工作日计算）", public, getCalendarDays),
		op("GET", "/search", "Search", "按申报编号、单位名称或统一社会信用代码搜索调用者范围内的申报与单位", anyUser, search),
		op("GET", "/activity", "ListRecentActivity", "本人最近办理的事项（审计日志，最新在前）", anyUser, listRecentActivity),
		op("GET", "/applications/{id}/opinion", "GetOpinion", "专家评审意见书：各专家评分、核定投入、回避情况与评审结果",
			roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector), getOpinion),
	)
}

func announcementOut(a *store.Announcement) apiclient.Announcement {
	return apiclient.Announcement{ID: a.ID, Title: a.Title, Body: a.Body, Kind: a.Kind, KindLabel: app.AnnKindLabel(a.Kind), State: a.State,
		CallID: idPtr(a.CallID), PublishedAt: timePtr(a.PublishedAt), CreatedAt: utc(a.CreatedAt), UpdatedAt: utc(a.UpdatedAt)}
}

func announcements(ctx context.Context, c *Call, who app.Actor, in *apiclient.AnnouncementQuery) (*apiclient.Page[apiclient.Announcement], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	if in.Kind != "" && app.AnnKindLabel(in.Kind) == in.Kind {
		return nil, badInput("kind", "公告类型须为 notice、result 或 policy")
	}
	anns, total, err := c.App.Announcements(ctx, who, in.Kind, p)
	if err != nil {
		return nil, err
	}
	return pageOf(anns, total, in.Paging, announcementOut), nil
}

// listPublicAnnouncements shows what the public sees, whoever calls: an
// official reading the public site sees the published ones only, as on the
// public pages.
func listPublicAnnouncements(ctx context.Context, c *Call, in *apiclient.AnnouncementQuery) (*apiclient.Page[apiclient.Announcement], error) {
	return announcements(ctx, c, app.Actor{}, in)
}

func getPublicAnnouncement(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Announcement, error) {
	a, err := c.App.Announcement(ctx, app.Actor{}, in.ID)
	if err != nil {
		return nil, err
	}
	out := announcementOut(a)
	return &out, nil
}

func listAnnouncements(ctx context.Context, c *Call, in *apiclient.AnnouncementQuery) (*apiclient.Page[apiclient.Announcement], error) {
	return announcements(ctx, c, c.Actor, in)
}

func getAnnouncement(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Announcement, error) {
	a, err := c.App.Announcement(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := announcementOut(a)
	return &out, nil
}

func announcementIn(in *apiclient.AnnouncementInput) app.AnnouncementInput {
	return app.AnnouncementInput{Title: in.Title, Body: in.Body, Kind: in.Kind, CallID: in.CallID, Publish: in.Publish}
}

func createAnnouncement(ctx context.Context, c *Call, in *apiclient.AnnouncementInput) (*apiclient.Announcement, error) {
	a, err := c.App.SaveAnnouncement(ctx, c.Actor, 0, announcementIn(in))
	if err != nil {
		return nil, err
	}
	return getAnnouncement(ctx, c, &apiclient.ByID{ID: a.ID})
}

func updateAnnouncement(ctx context.Context, c *Call, in *apiclient.AnnouncementUpdate) (*apiclient.Announcement, error) {
	if _, err := c.App.SaveAnnouncement(ctx, c.Actor, in.ID, announcementIn(&in.AnnouncementInput)); err != nil {
		return nil, err
	}
	return getAnnouncement(ctx, c, &apiclient.ByID{ID: in.ID})
}

func withdrawAnnouncement(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Announcement, error) {
	if err := c.App.WithdrawAnnouncement(ctx, c.Actor, in.ID); err != nil {
		return nil, err
	}
	return getAnnouncement(ctx, c, in)
}

func listPublicCalls(ctx context.Context, c *Call, in *apiclient.Paging) (*apiclient.Page[apiclient.Call], error) {
	p, err := page(in)
	if err != nil {
		return nil, err
	}
	calls, total, err := c.App.PublicCalls(ctx, p)
	if err != nil {
		return nil, err
	}
	return pageOf(calls, total, *in, func(x *dtfund.Call) apiclient.Call { return toCall(c.App, x) }), nil
}

func getPublicCall(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Call, error) {
	x, err := c.App.PublicCall(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := toCall(c.App, x)
	return &out, nil
}

func getMeasures(context.Context, *Call, *apiclient.None) (*apiclient.Measures, error) {
	m := policy.Text()
	return &apiclient.Measures{Title: m.Title, Chapters: mapSlice(m.Chapters, func(ch policy.MeasuresChapter) apiclient.MeasuresChapter {
		return apiclient.MeasuresChapter{Title: ch.Title, Articles: mapSlice(ch.Articles, func(a policy.MeasuresArticle) apiclient.MeasuresArticle {
			return apiclient.MeasuresArticle{Number: a.Number, Seq: a.Seq, Paragraphs: strs(a.Paragraphs),
				Coverage: mapSlice(a.Coverage(), func(x policy.ArticleCoverage) apiclient.ArticleCoverage {
					return apiclient.ArticleCoverage{Article: x.Article, Kind: x.Kind, ImplementedBy: x.ImplementedBy, Note: x.Note}
				})}
		})}
	})}, nil
}

func getCalendarDays(ctx context.Context, c *Call, in *apiclient.CalendarQuery) (*apiclient.CalendarDays, error) {
	if in.Year < 2000 || in.Year > 2100 {
		return nil, badInput("year", "年份须为2000至2100之间的整数")
	}
	cal, err := c.App.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	off := map[string]string{}
	for d := (calendar.Date{Year: in.Year, Month: time.January, Day: 1}); d.Year == in.Year; d = d.AddDays(1) {
		if !cal.IsWorkingDay(d) {
			off[d.String()] = cal.Reason(d)
		}
	}
	return &apiclient.CalendarDays{Year: in.Year, Off: off, Scheduled: cal.HasSchedule(in.Year)}, nil
}

// searchShown is how many of each kind a search answers, as on the page.
const searchShown = 20

func search(ctx context.Context, c *Call, in *apiclient.SearchQuery) (*apiclient.SearchResult, error) {
	q := strings.TrimSpace(in.Q)
	if utf8.RuneCountInString(q) > 100 {
		return nil, badInput("q", "搜索内容不能超过100个字")
	}
	res, err := c.App.Search(ctx, c.Actor, q, searchShown)
	if err != nil {
		return nil, err
	}
	role := c.Actor.User.Role
	return &apiclient.SearchResult{ApplicationsTotal: res.AppsTotal, OrganizationsTotal: res.OrgsTotal, OrganizationsShown: res.OrgsShown,
		Applications:  mapSlice(res.Apps, func(a *dtfund.Application) apiclient.Application { return appOut(a, role) }),
		Organizations: mapSlice(res.Orgs, orgOut)}, nil
}

func listRecentActivity(ctx context.Context, c *Call, in *apiclient.ActivityQuery) (*apiclient.List[apiclient.AuditEntry], error) {
	n := in.Limit
	if n == 0 {
		n = 8
	}
	if n < 1 || n > 50 {
		return nil, badInput("limit", "条数须为1至50的整数")
	}
	entries, err := c.App.RecentActivity(ctx, c.Actor, n)
	if err != nil {
		return nil, err
	}
	return listOf(entries, auditOut), nil
}

func auditOut(e *store.AuditEntry) apiclient.AuditEntry {
	return apiclient.AuditEntry{ID: e.ID, At: utc(e.At), Actor: e.Actor, IP: e.IP, RequestID: e.RequestID, Action: e.Action,
		ObjectType: e.ObjectType, ObjectID: e.ObjectID, Before: e.Before, After: e.After}
}

func getOpinion(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Opinion, error) {
	o, err := c.App.Opinion(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := &apiclient.Opinion{Application: appOut(o.App, c.Actor.User.Role), PanelID: o.Panel.ID, CallTitle: o.Call.Title,
		Pending: o.Pending, Final: o.PanelApp.Finalised(), FinalisedAt: timePtr(o.PanelApp.FinalisedAt),
		Experts:  mapSlice(o.Sheets, func(s *store.ScoreSheet) string { return s.ExpertName }),
		Comments: mapSlice(o.Sheets, func(s *store.ScoreSheet) string { return s.Comment }),
		Criteria: mapSlice(o.Rows, func(r app.OpinionRow) apiclient.OpinionRow {
			return apiclient.OpinionRow{Criterion: r.Criterion, Weight: r.Weight, Scores: ints(r.Scores)}
		}),
		Items: mapSlice(o.Items, func(it app.OpinionItem) apiclient.OpinionItem {
			return apiclient.OpinionItem{Spending: spendingOut(it.Spending), PerExpertFen: int64s(it.PerExpert), ApprovedFen: it.ApprovedFen}
		}),
		Conflicts: mapSlice(o.Conflicts, func(d store.Declaration) apiclient.OpinionConflict {
			return apiclient.OpinionConflict{ExpertName: d.ExpertName, Reason: d.Reason}
		})}
	if oc := o.Outcome; oc != nil {
		out.ResultHundredths, out.PassMark, out.Passed, out.ApprovedTotalFen = oc.ResultHundredths, oc.PassMark, oc.Passed, oc.ApprovedTotal
	}
	return out, nil
}

func ints(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

func int64s(s []int64) []int64 {
	if s == nil {
		return []int64{}
	}
	return s
}
