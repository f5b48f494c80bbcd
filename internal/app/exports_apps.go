package app

import (
	"context"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/sheet"
	"dtfund/internal/store"
)

// MaxExportApplications bounds one export of the application list; a
// larger selection is refused with a request to narrow the filters.
const MaxExportApplications = 20000

// ExportApplications writes the application list the actor sees, with the
// list's filters and sort, as a workbook.
func (a *App) ExportApplications(ctx context.Context, actor Actor, f store.ApplicationFilter) (*Export, error) {
	f.Page = store.Page{Limit: 1}
	if _, total, err := a.FindApplications(ctx, actor, f); err != nil {
		return nil, err
	} else if total > MaxExportApplications {
		return nil, dtfund.Errorf(dtfund.EINVALID, "符合条件的申报有 %d 项，超过一次导出的上限 %d 项，请缩小筛选范围后再导出", total, MaxExportApplications)
	}
	apps, err := allPages(func(p store.Page) ([]*dtfund.Application, int, error) {
		f.Page = p
		return a.FindApplications(ctx, actor, f)
	})
	if err != nil {
		return nil, err
	}
	s := sheet.Sheet{Name: "申报列表", Total: true, Columns: []sheet.Column{{Title: "申报编号"}, {Title: "申报单位"},
		{Title: "统一社会信用代码"}, {Title: "项目名称"}, {Title: "批次"}, {Title: "支持类别"}, {Title: "属地"},
		{Title: "申请金额（元）", Kind: sheet.Money}, {Title: "状态"}, {Title: "来源"}, {Title: "提交时间"}, {Title: "更新时间"}}}
	for _, ap := range apps {
		district := ap.DistrictName
		if ap.DistrictCode == "" {
			district = "长春市外"
		}
		s.Rows = append(s.Rows, []any{ap.Number, ap.OrgName, ap.OrgUSCC, ap.Title, ap.CallTitle, dtfund.CategoryLabel(ap.CallCategory),
			district, ap.RequestedFen, ap.State.Label(), ap.Origin.Label(), shanghaiTime(ap.SubmittedAt), shanghaiTime(ap.UpdatedAt)})
	}
	return newExport("申报列表.xlsx", "申报列表", s)
}

// shanghaiTime formats a stored time in Asia/Shanghai, or "" when unset.
func shanghaiTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Shanghai).Format("2006-01-02 15:04")
}
