package calendar

import (
	"strings"
	"testing"
	"time"
)

// mustDate parses a test date or stops the test.
func mustDate(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

func TestParseDate(t *testing.T) {
	good := map[string]Date{
		"2026-01-05": {2026, time.January, 5},
		"2024-02-29": {2024, time.February, 29},
		"0001-01-01": {1, time.January, 1},
	}
	for s, want := range good {
		if got, err := ParseDate(s); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	bad := []string{"", "2026-1-05", "2026/01/05", "20260105", " 2026-01-05", "2026-01-05 ",
		"2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "0000-01-01", "２０２６-01-05", "+026-01-05"}
	for _, s := range bad {
		_, err := ParseDate(s)
		if err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
			continue
		}
		if !strings.Contains(err.Error(), "日期") || !strings.Contains(err.Error(), "YYYY-MM-DD") {
			t.Errorf("ParseDate(%q) error %q should name 日期 and YYYY-MM-DD", s, err)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2024-02-28", 1, "2024-02-29"},
		{"2025-02-28", 1, "2025-03-01"},
		{"2025-12-31", 1, "2026-01-01"},
		{"2026-01-01", -1, "2025-12-31"},
		{"2026-03-01", 365, "2027-03-01"},
		{"2026-05-05", 0, "2026-05-05"},
	}
	for _, tt := range tests {
		if got := mustDate(t, tt.from).AddDays(tt.n).String(); got != tt.want {
			t.Errorf("%s.AddDays(%d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
	a, b := mustDate(t, "2025-12-31"), mustDate(t, "2026-01-01")
	if !a.Before(b) || a.After(b) || b.Before(a) || !b.After(a) || a.Equal(b) || !a.Equal(a) {
		t.Error("Before/After/Equal disagree with calendar order for 2025-12-31 < 2026-01-01")
	}
	if c := mustDate(t, "2026-02-01"); !c.After(mustDate(t, "2026-01-31")) {
		t.Error("2026-02-01 should be after 2026-01-31")
	}
}

func TestWeekday(t *testing.T) {
	tests := map[string]time.Weekday{ // checked against a printed calendar
		"2026-01-01": time.Thursday, "2026-02-14": time.Saturday, "2025-09-28": time.Sunday,
		"2024-02-29": time.Thursday, "2028-03-06": time.Monday,
	}
	for s, want := range tests {
		if got := mustDate(t, s).Weekday(); got != want {
			t.Errorf("%s.Weekday() = %v, want %v", s, got, want)
		}
	}
}

func TestDateOfAndStart(t *testing.T) {
	tests := []struct {
		instant string // RFC 3339
		want    string
	}{
		{"2026-09-30T15:59:59Z", "2026-09-30"}, // 23:59:59 in Shanghai
		{"2026-09-30T16:00:00Z", "2026-10-01"}, // 00:00 in Shanghai
		{"2026-10-01T00:00:00+08:00", "2026-10-01"},
		{"2026-10-01T07:59:59+08:00", "2026-10-01"},
	}
	for _, tt := range tests {
		ts, err := time.Parse(time.RFC3339, tt.instant)
		if err != nil {
			t.Fatal(err)
		}
		if got := DateOf(ts).String(); got != tt.want {
			t.Errorf("DateOf(%s) = %s, want %s", tt.instant, got, tt.want)
		}
	}
	start := mustDate(t, "2026-10-01").Start()
	if want := time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC); !start.Equal(want) {
		t.Errorf("Start() = %v, want %v", start, want)
	}
	if start.Location() != Shanghai || Shanghai.String() != "Asia/Shanghai" {
		t.Errorf("Start() location = %v, want Asia/Shanghai", start.Location())
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-01-05", "2024-02-29", "2025-02-29", "9999-12-31", "0000-00-00", "2026-1-5", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !strings.Contains(err.Error(), "日期") {
				t.Fatalf("error without 日期: %v", err)
			}
			return
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, d.String())
		}
		if d.AddDays(1).AddDays(-1) != d || !d.Start().Equal(d.Start()) || DateOf(d.Start()) != d {
			t.Fatalf("round trip failed for %q", s)
		}
	})
}
