package policy

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"
)

// Date is a civil date (公历日期) without time of day or zone. Every date in
// the policy — decision dates, call windows, spending dates, listing periods —
// is a whole day; JSON carries it as "YYYY-MM-DD". The zero Date means "not
// given".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateLayout is the only accepted textual form of a Date.
const DateLayout = "YYYY-MM-DD"

// NewDate returns the date, normalised as time.Date would normalise it.
func NewDate(year int, month time.Month, day int) Date {
	return dateOf(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

func dateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "YYYY-MM-DD" strictly: four-digit year 0001–9999, two-digit
// month and day, and the day must exist in that month.
func ParseDate(s string) (Date, error) {
	bad := func() error {
		return fmt.Errorf("日期 %q 无效，应为 %s 格式（如 2025-06-30）", s, DateLayout)
	}
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, bad()
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, bad()
	}
	return Date{y, time.Month(m), d}, nil
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether the date was not given.
func (d Date) IsZero() bool { return d == Date{} }

// String formats the date as YYYY-MM-DD ("" for the zero date).
func (d Date) String() string {
	var buf [16]byte
	return string(d.appendTo(buf[:0]))
}

func (d Date) appendTo(b []byte) []byte {
	if d.IsZero() {
		return b
	}
	b = appendPadded(b, d.Year, 4)
	b = append(b, '-')
	b = appendPadded(b, int(d.Month), 2)
	b = append(b, '-')
	return appendPadded(b, d.Day, 2)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month) - int(e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// AddDays returns the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date {
	return NewDate(d.Year, d.Month, d.Day+n)
}

// AddYears returns the corresponding day n years later (earlier for negative
// n). Where that month has no corresponding day (29 February into a common
// year) the last day of the month is used — the rule of 《民法典》第二百零二条
// for periods counted in years: "到期月的对应日为期间的最后一日；没有对应日的，
// 月末日为期间的最后一日".
func (d Date) AddYears(n int) Date {
	y := d.Year + n
	day := d.Day
	if last := daysIn(y, d.Month); day > last {
		day = last
	}
	return Date{y, d.Month, day}
}

// AddMonths returns the corresponding day n months later (earlier for
// negative n), or the month's last day where it has no corresponding day:
// 《民法典》第二百零二条, as for AddYears. 2026-11-30 plus 3 months is
// 2027-02-28.
func (d Date) AddMonths(n int) Date {
	m := int(d.Month) - 1 + n
	y := d.Year + m/12
	if m %= 12; m < 0 {
		m += 12
		y--
	}
	month := time.Month(m + 1)
	return Date{y, month, min(d.Day, daysIn(y, month))}
}

// MarshalJSON writes "YYYY-MM-DD", or "" for the zero date.
func (d Date) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 12)
	b = append(b, '"')
	b = d.appendTo(b)
	return append(b, '"'), nil
}

var dateType = reflect.TypeFor[Date]()

// UnmarshalJSON reads "YYYY-MM-DD"; "" and null leave the zero date. A bad
// value is reported as a *json.UnmarshalTypeError so that encoding/json adds
// the path of the field (DecodeInput turns it into a Chinese message).
func (d *Date) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" || s == `""` {
		*d = Date{}
		return nil
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if v, err := ParseDate(s[1 : len(s)-1]); err == nil {
			*d = v
			return nil
		}
	}
	return &json.UnmarshalTypeError{Value: "date " + s, Type: dateType}
}

func appendPadded(b []byte, n, width int) []byte {
	var buf [20]byte
	ds := strconv.AppendInt(buf[:0], int64(n), 10)
	for pad := width - len(ds); pad > 0; pad-- {
		b = append(b, '0')
	}
	return append(b, ds...)
}
