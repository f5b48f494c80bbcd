package policy

import (
	"strings"
	"testing"
)

// FACTS §2 (财建〔2023〕117号, adopted by 第七条): ≥ 80% of central funds to
// 第七条（一）, ≤ 20% to the rest; total ≤ 1.5亿元.
func TestCentralSplit(t *testing.T) {
	v := values(t, "2025-06-30")
	cases := []struct {
		name     string
		alloc    map[string]int64
		pass     bool
		contains string
	}{
		{"exactly 80.00%", map[string]int64{"7.1": 8000 * wan, "7.2": 1000 * wan, "7.6": 1000 * wan}, true,
			"第七条（一）中小企业数字化改造8000万元，占80.00%（应不低于80.00%）；其他方向合计2000万元，占20.00%"},
		{"79.99%", map[string]int64{"7.1": 7999 * wan, "7.3": 2001 * wan}, false, "占79.99%"},
		{"one fen short of 80%", map[string]int64{"7.1": 8000*wan - 1, "7.4": 2000 * wan}, false, "占79.99%"},
		{"all to retrofits", map[string]int64{"7.1": 15000 * wan}, true, "占100.00%"},
		{"unknown category", map[string]int64{"7.1": 1, "local": 1}, false, "“local”不是第七条（一）至（六）之一"},
		{"negative amount", map[string]int64{"7.1": 10, "7.2": -1}, false, "无效"},
		{"nothing", map[string]int64{}, false, "合计为0"},
	}
	for _, c := range cases {
		fs := CheckCentralSplit(v, c.alloc)
		if len(fs) == 0 || fs[0].Rule != "CheckCentralSplit" {
			t.Fatalf("%s: findings %+v", c.name, fs)
		}
		if (fs[0].Outcome == Pass) != c.pass || !strings.Contains(fs[0].Message, c.contains) {
			t.Errorf("%s: %s %q, want pass=%v containing %q", c.name, fs[0].Outcome, fs[0].Message, c.pass, c.contains)
		}
	}
	over := CheckCentralSplit(v, map[string]int64{"7.1": 16000 * wan, "7.2": 4000 * wan})
	if len(over) != 2 || over[0].Outcome != Pass || over[1].Outcome != Fail || !strings.Contains(over[1].Message, "超过中央财政对省会城市的定额奖励上限15000万元") {
		t.Errorf("2亿元 allocation: %+v", over)
	}
	at := CheckCentralSplit(v, map[string]int64{"7.1": 12000 * wan, "7.5": 3000 * wan})
	if len(at) != 2 || at[1].Outcome != Pass {
		t.Errorf("exactly 1.5亿元: %+v", at)
	}
}
