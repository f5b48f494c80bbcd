package policy

import "testing"

// The ban of a decision taken on 2024-01-01 covers 2027-01-01 and ends
// before 2027-01-02; BanEnd and the rule agree on both days.
func TestBanEndBoundaries(t *testing.T) {
	decided := NewDate(2024, 1, 1)
	v, err := Default().At(decided)
	if err != nil {
		t.Fatal(err)
	}
	if got := BanEnd(v, decided); got != NewDate(2027, 1, 1) {
		t.Fatalf("BanEnd(2024-01-01) = %s, want 2027-01-01", got)
	}
	if BanYears(v) != 3 {
		t.Fatalf("BanYears = %d, want 3 (第二十条)", BanYears(v))
	}
	a := &Applicant{Sanctions: []Sanction{{Decided: decided, Article: "第二十条", Reason: "虚报发票"}}}
	for _, c := range []struct {
		day  Date
		want Outcome
	}{{NewDate(2024, 1, 1), Fail}, {NewDate(2026, 12, 31), Fail}, {NewDate(2027, 1, 1), Fail}, {NewDate(2027, 1, 2), Pass}, {NewDate(2023, 12, 31), Pass}} {
		if f := Sanctions(v, a, c.day); f.Outcome != c.want {
			t.Errorf("Sanctions on %s: %s (%s), want %s", c.day, f.Outcome, f.Message, c.want)
		}
	}
	// 29 February: the ban ends on the last day of February three years later.
	leap := NewDate(2024, 2, 29)
	if got := BanEnd(v, leap); got != NewDate(2027, 2, 28) {
		t.Fatalf("BanEnd(2024-02-29) = %s, want 2027-02-28", got)
	}
}
