// Package calendar decides which civil dates are working days (工作日) in
// mainland China and derives the fund's working-day deadlines from them.
//
// Working days follow the State Council's yearly holiday notice
// (国务院办公厅关于部分节假日安排的通知): it adds days off and turns some
// weekend days into working days (调休). The built-in schedule comes from
// github.com/6tail/lunar-go/HolidayUtil; administrators can correct it or add
// a new year's schedule without a release through Override values, usually
// loaded from the database or from a CSV file with ParseOverrides. When no
// schedule is known for a date, Monday–Friday are working days.
//
// All dates are civil dates in Asia/Shanghai (see Shanghai and DateOf).
//
// # Publicity period convention (公示期)
//
// Article 14(5) requires publicity of at least PublicityMinWorkingDays (5)
// working days. Throughout the system this is counted as follows:
//
//   - The list is published at 00:00 Asia/Shanghai on the start date, so the
//     start date counts as day 1 if it is a working day; otherwise counting
//     begins with the next working day.
//   - The end date is the 5th working day so counted, and the period runs
//     through the end of that day (24:00).
//   - A batch may be closed from 00:00 of the day after the end date.
//
// Hence PublicityEnd(start) == AddWorkingDays(start.AddDays(-1), 5), and
// PublicityClosable reports whether the current Shanghai date is after it.
package calendar

import (
	"strings"
	"time"
)

// PublicityMinWorkingDays is the minimum publicity period:
// 第十四条（五）：公示期不少于5个工作日.
const PublicityMinWorkingDays = 5

// MaxWorkingDays bounds the n accepted by AddWorkingDays (about 40 years), so a
// corrupted argument cannot make a request loop for a long time.
const MaxWorkingDays = 10000

// Override is an administrator's decision for one date that takes precedence
// over the built-in table: a correction, or a year the table does not know.
type Override struct {
	Date    Date
	Working bool   // true: 工作日 (including 调休上班); false: 休息日
	Name    string // holiday name, e.g. 春节; may be empty
	Source  string // where the decision comes from, e.g. the notice title
}

// Calendar answers working-day questions. It is immutable after New and safe
// for concurrent use.
type Calendar struct {
	overrides map[Date]Override
	years     map[int]bool // years with at least one override
	table     map[Date]tableDay
}

// New returns a Calendar using the built-in table corrected by overrides.
// If several overrides name the same date, the last one wins.
func New(overrides []Override) *Calendar {
	c := &Calendar{
		overrides: make(map[Date]Override, len(overrides)),
		years:     make(map[int]bool),
		table:     builtinTable(),
	}
	for _, o := range overrides {
		c.overrides[o.Date] = o
		c.years[o.Date.Year] = true
	}
	return c
}

// HasSchedule reports whether any holiday data (built-in or override) exists
// for year. When it is false, IsWorkingDay falls back to plain Monday–Friday,
// so callers can warn that the year's State Council schedule must be loaded.
func (c *Calendar) HasSchedule(year int) bool {
	return c.years[year] || builtinYears()[year]
}

// IsWorkingDay reports whether d is a working day: an override decides first,
// then the State Council schedule (holiday off, 调休 weekend day on), then
// the weekday (Monday–Friday on, Saturday/Sunday off).
func (c *Calendar) IsWorkingDay(d Date) bool {
	if o, ok := c.overrides[d]; ok {
		return o.Working
	}
	if t, ok := c.table[d]; ok {
		return t.working
	}
	return !isWeekend(d)
}

func isWeekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// Explain describes in Chinese why d is or is not a working day, e.g.
// 「2026-02-14 星期六：调休上班（春节）」, for display next to deadlines.
func (c *Calendar) Explain(d Date) string {
	return d.String() + " " + d.weekdayName() + "：" + c.reason(d)
}

// Reason is Explain without the date: 「法定节假日（国庆节）」, 「周末」….
func (c *Calendar) Reason(d Date) string { return c.reason(d) }

func (c *Calendar) reason(d Date) string {
	if o, ok := c.overrides[d]; ok {
		return overrideReason(o)
	}
	if t, ok := c.table[d]; ok {
		if t.working {
			return "调休上班（" + t.name + "）"
		}
		return "法定节假日（" + t.name + "）"
	}
	if isWeekend(d) {
		return "周末"
	}
	return "工作日"
}

func overrideReason(o Override) string {
	s := "管理员设定为休息日"
	if o.Working {
		s = "管理员设定为工作日"
	}
	var notes []string
	if o.Name != "" {
		notes = append(notes, o.Name)
	}
	if o.Source != "" {
		notes = append(notes, "来源："+o.Source)
	}
	if len(notes) > 0 {
		s += "（" + strings.Join(notes, "，") + "）"
	}
	return s
}

// AddWorkingDays returns the n-th working day after d; d itself is not
// counted, so n == 0 returns d unchanged even if d is a holiday. A negative n
// counts backwards (the |n|-th working day before d). |n| is capped at
// MaxWorkingDays; callers should treat larger values as input errors.
func (c *Calendar) AddWorkingDays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	n = min(n, MaxWorkingDays)
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween counts the working days in [from, to], both inclusive.
// It returns 0 if to is before from.
func (c *Calendar) WorkingDaysBetween(from, to Date) int {
	n := 0
	for d := from; !d.After(to); d = d.AddDays(1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

// PublicityEnd returns the last day of a publicity period (公示期) starting on
// start, following the package convention: start counts as day 1 if it is a
// working day (publication at 00:00), and the period ends at 24:00 of the
// PublicityMinWorkingDays-th working day, which is the returned date.
func (c *Calendar) PublicityEnd(start Date) Date {
	return c.AddWorkingDays(start.AddDays(-1), PublicityMinWorkingDays)
}

// PublicityClosable reports whether a batch whose publicity started on start
// may be closed at instant now, i.e. whether the Shanghai date of now is after
// PublicityEnd(start).
func (c *Calendar) PublicityClosable(start Date, now time.Time) bool {
	return DateOf(now).After(c.PublicityEnd(start))
}
