package policy

import "testing"

func TestMoneyFormats(t *testing.T) {
	cases := []struct {
		fen        int64
		yuan, wan_ string
	}{
		{0, "0.00元", "0万元"},
		{1, "0.01元", "0.000001万元"},
		{28_800_000, "288,000.00元", "28.8万元"},
		{50 * wan, "500,000.00元", "50万元"},
		{40000 * wan, "400,000,000.00元", "40000万元"},
		{123_456_789, "1,234,567.89元", "123.456789万元"},
		{-150, "-1.50元", "-0.00015万元"},
	}
	for _, c := range cases {
		if got := Yuan(c.fen); got != c.yuan {
			t.Errorf("Yuan(%d) = %q, want %q", c.fen, got, c.yuan)
		}
		if got := Wan(c.fen); got != c.wan_ {
			t.Errorf("Wan(%d) = %q, want %q", c.fen, got, c.wan_)
		}
	}
	if got := Money(28_800_000); got != "288,000.00元（28.8万元）" {
		t.Errorf("Money = %q", got)
	}
	for bp, want := range map[int64]string{5000: "50.00%", 7999: "79.99%", 8000: "80.00%", 5: "0.05%", 10000: "100.00%"} {
		if got := Percent(bp); got != want {
			t.Errorf("Percent(%d) = %q, want %q", bp, got, want)
		}
	}
}

func TestMulDiv(t *testing.T) {
	cases := []struct{ a, b, c, want int64 }{
		{100 * wan, 5000, 10000, 50 * wan},
		{333_333, 5000, 10000, 166_666}, // 166,666.5 fen rounds down
		{1, 5000, 10000, 0},
		{9_000_000_000_000_000, 10000, 10000, 9_000_000_000_000_000}, // beyond 64-bit intermediate
	}
	for _, c := range cases {
		if got := mulDiv(c.a, c.b, c.c); got != c.want {
			t.Errorf("mulDiv(%d,%d,%d) = %d, want %d", c.a, c.b, c.c, got, c.want)
		}
	}
}
