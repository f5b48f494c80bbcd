package calendar

import (
	"fmt"
	"time"
	_ "time/tzdata" // Shanghai must load on servers and containers without a tz database.
)

// Shanghai is the time zone of every civil date in this package (Asia/Shanghai).
var Shanghai = loadShanghai()

// loadShanghai cannot fail while time/tzdata is linked in; the fixed UTC+8
// fallback only guards against that import being removed, and is exact for
// all dates since 1991 because China has not observed DST since then.
func loadShanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*60*60)
	}
	return loc
}

// Date is a civil date (公历日期) without time or zone. Build values with
// ParseDate, DateOf or AddDays so they are always valid calendar dates. The
// struct is comparable and usable as a map key.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses a date in the strict form YYYY-MM-DD (e.g. 2026-01-05).
func ParseDate(s string) (Date, error) {
	if !dateShape(s) {
		return Date{}, fmt.Errorf("日期「%s」格式不正确，应为 YYYY-MM-DD（例如 2026-01-05）", s)
	}
	d := Date{atoi(s[0:4]), time.Month(atoi(s[5:7])), atoi(s[8:10])}
	if d.Year < 1 || d.AddDays(0) != d {
		return Date{}, fmt.Errorf("日期「%s」不存在，请按 YYYY-MM-DD 格式填写有效日期", s)
	}
	return d, nil
}

// dateShape checks the exact layout so that "2026-1-5" or "2026-01-05 " are
// rejected rather than guessed at.
func dateShape(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i != 4 && i != 7 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

// atoi converts a string already known to be ASCII digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// DateOf returns the Asia/Shanghai civil date of instant t.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Shanghai).Date()
	return Date{y, m, d}
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// utcNoon is used for pure calendar arithmetic; noon UTC keeps it clear of
// any zone or leap-second edge.
func (d Date) utcNoon() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
}

// AddDays returns the date n calendar days later (earlier if n < 0).
func (d Date) AddDays(n int) Date {
	y, m, day := d.utcNoon().AddDate(0, 0, n).Date()
	return Date{y, m, day}
}

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.utcNoon().Weekday() }

// Start returns 00:00 Asia/Shanghai at the beginning of the date.
func (d Date) Start() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Shanghai)
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.compare(e) < 0 }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.compare(e) > 0 }

// Equal reports whether d and e are the same date.
func (d Date) Equal(e Date) bool { return d == e }

func (d Date) compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return d.Year - e.Year
	case d.Month != e.Month:
		return int(d.Month - e.Month)
	}
	return d.Day - e.Day
}

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// weekdayName returns the Chinese weekday name, e.g. 星期六.
func (d Date) weekdayName() string { return weekdayNames[d.Weekday()] }
