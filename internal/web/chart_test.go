package web

import (
	"encoding/xml"
	"strings"
	"testing"
)

// wellFormed parses the SVG as XML: a chart that breaks the markup would
// break the page.
func wellFormed(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := d.Token(); err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("invalid SVG: %v\n%s", err, svg)
		}
	}
}

func TestChartsEscapeAndScale(t *testing.T) {
	bar := string(barChart("按<类别>", []chartPoint{{"甲&乙<script>", 10}, {"丙", 5}}, func(n int64) string { return "x" }))
	wellFormed(t, bar)
	if strings.Contains(bar, "<script>") || !strings.Contains(bar, "甲&amp;乙&lt;script&gt;") {
		t.Fatalf("labels not escaped: %s", bar)
	}
	// The largest value gets the full bar width, half the value half of it.
	if !strings.Contains(bar, `width="280.0"`) || !strings.Contains(bar, `width="140.0"`) {
		t.Fatalf("bars not scaled to the maximum: %s", bar)
	}
	if empty := string(barChart("空", nil, nil)); !strings.Contains(empty, "暂无数据") {
		t.Fatalf("empty bar chart: %s", empty)
	}
	whole := string(pieChart("来源", []chartPoint{{"中央", 7}}))
	wellFormed(t, whole)
	if !strings.Contains(whole, "<circle") || !strings.Contains(whole, "100.0%") {
		t.Fatalf("a single share must be a full circle: %s", whole)
	}
	split := string(pieChart("来源", []chartPoint{{"中央", 3}, {"地方", 1}}))
	wellFormed(t, split)
	if strings.Count(split, "<path") != 2 || !strings.Contains(split, "75.0%") || !strings.Contains(split, "25.0%") {
		t.Fatalf("pie shares: %s", split)
	}
	line := string(lineChart("年度", []string{"2025年", "2026年"}, []chartSeries{{"申请", []int64{1, 2}}}, func(n int64) string { return "v" }))
	wellFormed(t, line)
	if !strings.Contains(line, "<polyline") || strings.Count(line, "<circle") != 2 {
		t.Fatalf("line chart: %s", line)
	}
}
