package app

import (
	"context"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/sheet"
	"dtfund/internal/store"
)

// Holiday-schedule overrides (节假日安排, 第十四条（五） counts publicity in
// working days): one row per date, the same entries the administrator's
// calendar page takes one by one or as a CSV, keyed by the date.

// CalendarColumns are the columns of the holiday schedule import.
var CalendarColumns = []sheet.Column{
	{Key: "date", Title: "日期", Required: true, Kind: sheet.Date, Help: "2026-02-14、2026/2/14 或 2026年2月14日"},
	{Key: "working", Title: "上班或休息", Aliases: []string{"上班/休息", "安排", "类型", "是否工作日", "工作日", "上班休息"}, Required: true,
		Kind: sheet.Text, Help: "上班（工作日、班、补班）或休息（休息日、休、放假）"},
	{Key: "name", Title: "名称", Aliases: []string{"节日", "节假日", "节假日名称", "备注", "说明"}, Kind: sheet.Text, Help: "如 春节；不超过50个字"},
	{Key: "source", Title: "来源", Aliases: []string{"依据", "通知文号", "文件", "发文"}, Required: true, Kind: sheet.Text,
		Help: "如 国务院办公厅关于2026年部分节假日安排的通知；每个日期都须注明来源"},
}

type calendarRow struct {
	override store.CalendarOverride
}

func init() {
	registerImport(&importKind[*calendarRow]{
		ImportKindInfo: ImportKindInfo{Name: "calendar", Label: "节假日安排", Article: "第十四条（五）",
			Note:    "按日期新增或更新工作日历的设定（优先于内置的国务院节假日安排）；与已有设定相同的日期不作改动。",
			Columns: CalendarColumns, Roles: []dtfund.Role{dtfund.RoleAdmin}},
		keyColumn: "date", keyLabel: "日期",
		parse: parseCalendarRow, write: writeCalendarRows,
		after: func(a *App) { a.invalidateCalendar() },
	})
}

func parseCalendarRow(_ *importEnv, rr *sheet.RowReader) (*calendarRow, string) {
	d, _ := rr.Date("date", true)
	r := &calendarRow{override: store.CalendarOverride{Date: d, Name: rr.Text("name", false, 50), Source: rr.Text("source", true, 200)}}
	if v := rr.Text("working", true, 20); v != "" {
		working, ok := parseShift(sheet.Fold(v))
		if !ok {
			rr.Fail("working", "“%s”无法识别，应为“上班”或“休息”", v)
		}
		r.override.Working = working
	}
	return r, d
}

// shiftWords are how a year's schedule table says 上班 or 休息, besides the
// calendar page's own words (calendar.ParseWorking).
var shiftWords = map[string]bool{"上班": true, "班": true, "补班": true, "调休上班": true,
	"休息": false, "休": false, "放假": false, "节假日": false}

func parseShift(s string) (working, ok bool) {
	if w, ok := shiftWords[s]; ok {
		return w, true
	}
	return calendar.ParseWorking(s)
}

// writeCalendarRows stores the dates whose setting the import changes,
// audited as the calendar page audits them.
func writeCalendarRows(ctx context.Context, tx *store.Tx, env *importEnv, rows []*parsed[*calendarRow]) (ImportCounts, error) {
	var c ImportCounts
	current, err := env.a.DB.CalendarOverrides(ctx)
	if err != nil {
		return c, err
	}
	byDate := make(map[string]store.CalendarOverride, len(current))
	for _, o := range current {
		byDate[o.Date] = o
	}
	for i, p := range rows {
		o := p.rec.override
		before, ok := byDate[o.Date]
		switch {
		case ok && before == o:
			c.Unchanged++
			continue
		case ok:
			c.Updated++
		default:
			c.Inserted++
		}
		if err := tx.PutCalendarOverride(ctx, o, actorID(env.actor)); err != nil {
			return c, err
		}
		var was any
		if ok {
			was = before
		}
		if err := tx.Audit(ctx, env.actor.audit("calendar.put", "calendar_override", o.Date), was, o); err != nil {
			return c, err
		}
		env.progress("写入", i+1, len(rows))
	}
	return c, nil
}
