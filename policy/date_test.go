package policy

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	good := map[string]Date{
		"2025-06-30": {2025, time.June, 30},
		"2024-02-29": {2024, time.February, 29}, // leap year
		"0001-01-01": {1, time.January, 1},
	}
	for s, want := range good {
		got, err := ParseDate(s)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
		if got.String() != s {
			t.Errorf("String() = %q, want %q", got.String(), s)
		}
	}
	for _, s := range []string{"", "2025-6-30", "2025/06/30", "2025-02-29", "2025-13-01", "2025-04-31",
		"0000-01-01", "20250630", "2025-06-30T00:00:00Z", "2025-06-3x", "+025-06-30"} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	cases := []struct {
		from  string
		years int
		want  string
	}{
		{"2025-06-30", -3, "2022-06-30"},
		{"2024-02-29", -3, "2021-02-28"}, // no 29 Feb: month end (民法典第二百零二条)
		{"2024-02-29", 3, "2027-02-28"},
		{"2024-02-29", 4, "2028-02-29"},
		{"2024-01-01", 3, "2027-01-01"},
	}
	for _, c := range cases {
		if got := d(c.from).AddYears(c.years).String(); got != c.want {
			t.Errorf("%s AddYears(%d) = %s, want %s", c.from, c.years, got, c.want)
		}
	}
	if got := d("2024-12-31").AddDays(1).String(); got != "2025-01-01" {
		t.Errorf("AddDays over year end = %s", got)
	}
	if got := d("2024-03-01").AddDays(-1).String(); got != "2024-02-29" {
		t.Errorf("AddDays back into leap day = %s", got)
	}
	a, b := d("2025-06-29"), d("2025-06-30")
	if !a.Before(b) || b.Before(a) || !b.After(a) || a.Compare(a) != 0 || d("2024-12-31").Compare(d("2025-01-01")) != -1 {
		t.Error("Compare/Before/After wrong")
	}
}

func TestDateJSON(t *testing.T) {
	var x struct {
		A Date `json:"a"`
		B Date `json:"b,omitzero"`
	}
	if err := json.Unmarshal([]byte(`{"a":"2025-06-30"}`), &x); err != nil || x.A != d("2025-06-30") {
		t.Fatalf("unmarshal: %v %v", x.A, err)
	}
	out, _ := json.Marshal(x)
	if string(out) != `{"a":"2025-06-30"}` {
		t.Errorf("marshal = %s", out)
	}
	for _, bad := range []string{`{"a":"2025-02-30"}`, `{"a":20250630}`, `{"a":"30/06/2025"}`} {
		if err := json.Unmarshal([]byte(bad), &x); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}
