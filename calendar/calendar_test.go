package calendar

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// span is an inclusive range of days off from a State Council notice.
type span struct{ from, to string }

// noticeFacts are transcribed from the State Council notices for 2024–2026,
// independently of lunar-go. They are the ground truth for these tests.
var noticeFacts = map[int]struct {
	off  []span
	work []string // weekend days that are working days (调休上班)
}{
	2024: {
		off: []span{{"2024-01-01", "2024-01-01"}, {"2024-02-10", "2024-02-17"}, {"2024-04-04", "2024-04-06"},
			{"2024-05-01", "2024-05-05"}, {"2024-06-10", "2024-06-10"}, {"2024-09-15", "2024-09-17"},
			{"2024-10-01", "2024-10-07"}},
		work: []string{"2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14",
			"2024-09-29", "2024-10-12"},
	},
	2025: {
		off: []span{{"2025-01-01", "2025-01-01"}, {"2025-01-28", "2025-02-04"}, {"2025-04-04", "2025-04-06"},
			{"2025-05-01", "2025-05-05"}, {"2025-05-31", "2025-06-02"}, {"2025-10-01", "2025-10-08"}},
		work: []string{"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"},
	},
	2026: {
		off: []span{{"2026-01-01", "2026-01-03"}, {"2026-02-15", "2026-02-23"}, {"2026-04-04", "2026-04-06"},
			{"2026-05-01", "2026-05-05"}, {"2026-06-19", "2026-06-21"}, {"2026-09-25", "2026-09-27"},
			{"2026-10-01", "2026-10-07"}},
		work: []string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"},
	},
}

// expectedWorking derives, from noticeFacts alone, whether d is a working day.
func expectedWorking(t *testing.T, d Date) bool {
	f := noticeFacts[d.Year]
	for _, w := range f.work {
		if mustDate(t, w) == d {
			return true
		}
	}
	for _, s := range f.off {
		if !d.Before(mustDate(t, s.from)) && !d.After(mustDate(t, s.to)) {
			return false
		}
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// TestNoticeDays checks every listed day off and 调休 working day against the
// built-in table; a year missing from lunar-go fails here by name.
func TestNoticeDays(t *testing.T) {
	c := New(nil)
	for year, f := range noticeFacts {
		t.Run(fmt.Sprint(year), func(t *testing.T) {
			if !c.HasSchedule(year) {
				t.Errorf("built-in table has no schedule for %d", year)
			}
			for _, s := range f.off {
				for d := mustDate(t, s.from); !d.After(mustDate(t, s.to)); d = d.AddDays(1) {
					if c.IsWorkingDay(d) || !strings.Contains(c.Explain(d), "法定节假日") {
						t.Errorf("%s should be off: %s", d, c.Explain(d))
					}
				}
			}
			for _, w := range f.work {
				d := mustDate(t, w)
				if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
					t.Fatalf("fact error: %s is not a weekend day", d)
				}
				if !c.IsWorkingDay(d) || !strings.Contains(c.Explain(d), "调休上班") {
					t.Errorf("%s should be a 调休 working day: %s", d, c.Explain(d))
				}
			}
		})
	}
}

// TestWholeYears compares every day of 2024–2026, which also covers all
// ordinary weekdays and weekends.
func TestWholeYears(t *testing.T) {
	c := New(nil)
	for d := mustDate(t, "2024-01-01"); d.Year <= 2026; d = d.AddDays(1) {
		if got, want := c.IsWorkingDay(d), expectedWorking(t, d); got != want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v (%s)", d, got, want, c.Explain(d))
		}
	}
}

func TestOrdinaryDaysAndUnknownYears(t *testing.T) {
	c := New(nil)
	tests := []struct {
		date    string
		working bool
	}{
		{"2025-03-03", true},  // Monday
		{"2025-03-07", true},  // Friday
		{"2025-03-08", false}, // Saturday
		{"2025-03-09", false}, // Sunday
		{"2028-03-06", true},  // Monday, year possibly without notice
		{"2028-03-04", false}, // Saturday
		{"2200-01-01", true},  // Wednesday, certainly no notice
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(mustDate(t, tt.date)); got != tt.working {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.working)
		}
	}
	if c.HasSchedule(2200) {
		t.Error("HasSchedule(2200) = true, want false")
	}
	o := []Override{{Date: mustDate(t, "2200-01-01"), Working: false, Name: "元旦"}}
	if c2 := New(o); !c2.HasSchedule(2200) || c2.IsWorkingDay(mustDate(t, "2200-01-01")) {
		t.Error("an override should give 2200 a schedule and make 2200-01-01 a day off")
	}
}

func TestOverridesBeatTable(t *testing.T) {
	c := New([]Override{
		{Date: mustDate(t, "2026-10-01"), Working: true, Source: "测试"},             // table: off
		{Date: mustDate(t, "2026-02-14"), Working: false, Name: "春节"},              // table: 调休 work
		{Date: mustDate(t, "2025-03-03"), Working: false, Name: "临时", Source: "x"}, // plain Monday
		{Date: mustDate(t, "2025-03-08"), Working: true},                           // plain Saturday
	})
	tests := []struct {
		date    string
		working bool
		explain string
	}{
		{"2026-10-01", true, "2026-10-01 星期四：管理员设定为工作日（来源：测试）"},
		{"2026-02-14", false, "2026-02-14 星期六：管理员设定为休息日（春节）"},
		{"2025-03-03", false, "2025-03-03 星期一：管理员设定为休息日（临时，来源：x）"},
		{"2025-03-08", true, "2025-03-08 星期六：管理员设定为工作日"},
		{"2026-10-02", false, "2026-10-02 星期五：法定节假日（国庆节）"}, // untouched neighbour
	}
	for _, tt := range tests {
		d := mustDate(t, tt.date)
		if got := c.IsWorkingDay(d); got != tt.working {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.working)
		}
		if got := c.Explain(d); got != tt.explain {
			t.Errorf("Explain(%s) = %q, want %q", tt.date, got, tt.explain)
		}
	}
}

func TestExplain(t *testing.T) {
	c := New(nil)
	tests := map[string]string{
		"2026-02-14": "2026-02-14 星期六：调休上班（春节）",
		"2026-10-01": "2026-10-01 星期四：法定节假日（国庆节）",
		"2026-03-07": "2026-03-07 星期六：周末",
		"2026-03-09": "2026-03-09 星期一：工作日",
		"2026-03-08": "2026-03-08 星期日：周末",
	}
	for s, want := range tests {
		if got := c.Explain(mustDate(t, s)); got != want {
			t.Errorf("Explain(%s) = %q, want %q", s, got, want)
		}
	}
}

// Expected values worked out by hand from noticeFacts.
func TestAddWorkingDays(t *testing.T) {
	c := New(nil)
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2025-09-30", 1, "2025-10-09"}, // National Day 10-01..10-08
		{"2025-09-26", 1, "2025-09-28"}, // Sunday 调休
		{"2025-09-26", 4, "2025-10-09"},
		{"2025-10-09", 3, "2025-10-13"}, // 10-11 Saturday works, 10-12 Sunday off
		{"2026-02-13", 1, "2026-02-14"}, // 调休 Saturday
		{"2026-02-13", 2, "2026-02-24"}, // Spring Festival 02-15..02-23
		{"2026-02-13", 6, "2026-02-28"}, // 调休 Saturday
		{"2026-02-13", 7, "2026-03-02"},
		{"2025-01-24", 1, "2025-01-26"},
		{"2025-01-24", 3, "2025-02-05"},
		{"2025-12-31", 1, "2026-01-04"}, // New Year 01-01..01-03, Sunday 调休
		{"2025-12-31", 2, "2026-01-05"},
		{"2025-10-01", 0, "2025-10-01"}, // n == 0 returns d even on a holiday
		{"2025-10-09", -1, "2025-09-30"},
		{"2026-02-24", -1, "2026-02-14"},
		{"2026-02-24", -2, "2026-02-13"},
	}
	for _, tt := range tests {
		if got := c.AddWorkingDays(mustDate(t, tt.from), tt.n).String(); got != tt.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
	// The cap keeps absurd inputs fast and finite.
	start := mustDate(t, "2026-01-01")
	if got, want := c.AddWorkingDays(start, 1<<40), c.AddWorkingDays(start, MaxWorkingDays); got != want {
		t.Errorf("AddWorkingDays beyond the cap = %s, want %s", got, want)
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := New(nil)
	tests := []struct {
		from, to string
		want     int
	}{
		{"2025-09-29", "2025-10-12", 5},  // 09-29, 09-30, 10-09, 10-10, 10-11
		{"2026-02-01", "2026-02-28", 16}, // 5 + 5 + 4 weekdays + two 调休 Saturdays
		{"2026-10-01", "2026-10-07", 0},
		{"2026-03-09", "2026-03-09", 1},
		{"2026-03-10", "2026-03-09", 0}, // reversed range
	}
	for _, tt := range tests {
		if got := c.WorkingDaysBetween(mustDate(t, tt.from), mustDate(t, tt.to)); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestPublicityEnd(t *testing.T) {
	c := New(nil)
	tests := []struct {
		name, start, want string
	}{
		{"Monday", "2025-03-03", "2025-03-07"},
		{"Saturday: counting starts Monday", "2025-03-08", "2025-03-14"},
		{"right before National Day 2025", "2025-09-29", "2025-10-11"}, // 10-11 is a 调休 Saturday
		{"right before National Day 2026", "2026-09-30", "2026-10-12"},
		{"on a holiday", "2025-10-01", "2025-10-14"},
		{"调休 Saturday counts", "2026-02-14", "2026-02-27"},
		{"调休 Sunday counts", "2025-09-28", "2025-10-10"},
	}
	for _, tt := range tests {
		if got := c.PublicityEnd(mustDate(t, tt.start)).String(); got != tt.want {
			t.Errorf("%s: PublicityEnd(%s) = %s, want %s", tt.name, tt.start, got, tt.want)
		}
	}
}

// TestPublicityInvariants checks the convention for every start date of
// 2024–2026: exactly 5 working days in [start, end] and end is a working day.
func TestPublicityInvariants(t *testing.T) {
	c := New(nil)
	for s := mustDate(t, "2024-01-01"); s.Year <= 2026; s = s.AddDays(1) {
		end := c.PublicityEnd(s)
		if n := c.WorkingDaysBetween(s, end); n != PublicityMinWorkingDays || !c.IsWorkingDay(end) {
			t.Fatalf("PublicityEnd(%s) = %s: %d working days, end working=%v", s, end, n, c.IsWorkingDay(end))
		}
	}
}

func TestPublicityClosable(t *testing.T) {
	c := New(nil)
	start := mustDate(t, "2025-03-03") // ends 2025-03-07
	tests := []struct {
		now  string
		want bool
	}{
		{"2025-03-07T23:59:59+08:00", false},
		{"2025-03-08T00:00:00+08:00", true},
		{"2025-03-07T15:59:59Z", false}, // 23:59:59 Shanghai
		{"2025-03-07T16:00:00Z", true},  // 00:00 Shanghai on 03-08
		{"2025-03-03T00:00:00+08:00", false},
	}
	for _, tt := range tests {
		now, err := time.Parse(time.RFC3339, tt.now)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.PublicityClosable(start, now); got != tt.want {
			t.Errorf("PublicityClosable(%s, %s) = %v, want %v", start, tt.now, got, tt.want)
		}
	}
}

func BenchmarkIsWorkingDay(b *testing.B) {
	c := New(nil)
	d := mustDate(b, "2026-02-14")
	for b.Loop() {
		_ = c.IsWorkingDay(d)
	}
}

func BenchmarkPublicityEnd(b *testing.B) {
	c := New(nil)
	d := mustDate(b, "2026-09-30")
	for b.Loop() {
		_ = c.PublicityEnd(d)
	}
}

// TestConcurrentUse is meaningful under -race: the first calls race to build
// the shared table.
func TestConcurrentUse(t *testing.T) {
	c := New(nil)
	d, end := mustDate(t, "2026-02-14"), mustDate(t, "2026-02-27")
	done := make(chan bool)
	for range 8 {
		go func() { done <- c.IsWorkingDay(d) && c.PublicityEnd(d) == end }()
	}
	for range 8 {
		if !<-done {
			t.Error("concurrent call returned a wrong answer")
		}
	}
}
