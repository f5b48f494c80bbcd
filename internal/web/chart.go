package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Charts are drawn on the server as SVG inside the page: no script, no
// CDN, nothing to download, printable, and readable by screen readers
// through the <title> and the table that every chart has beside it.

// chartPoint is one labelled value of a chart.
type chartPoint struct {
	Label string
	Value int64
}

// chartSeries is one line of a line chart.
type chartSeries struct {
	Name   string
	Values []int64 // one per x label
}

// chartColors are distinguishable on white with a contrast ratio of at
// least 3:1 (WCAG 1.4.11 for graphics).
var chartColors = []string{"#1f5fa8", "#c0392b", "#1e8449", "#b9770e", "#6c3483", "#117a65", "#7b5e10", "#5d6d7e"}

const chartWidth = 560

// barChart draws horizontal bars, one per point, with the value at the end
// of each bar formatted by format.
func barChart(title string, pts []chartPoint, format func(int64) string) template.HTML {
	const rowH, labelW, top = 26, 190, 8
	h := top*2 + rowH*max(len(pts), 1)
	var b strings.Builder
	svgOpen(&b, title, chartWidth, h)
	maxV := int64(1)
	for _, p := range pts {
		maxV = max(maxV, p.Value)
	}
	barMax := float64(chartWidth - labelW - 90)
	for i, p := range pts {
		y := top + i*rowH
		w := math.Max(1, barMax*float64(p.Value)/float64(maxV))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="chart-label">%s<title>%s</title></text>`,
			labelW-6, y+17, esc(shorten(p.Label, 13)), esc(p.Label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`, labelW, y+4, w, rowH-8, chartColors[0])
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="chart-value">%s</text>`, float64(labelW)+w+6, y+17, esc(format(p.Value)))
	}
	if len(pts) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-label">暂无数据</text>`, chartWidth/2, top+17)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// pieChart draws the shares of the points with a legend of labels and
// percentages.
func pieChart(title string, pts []chartPoint) template.HTML {
	const r, cx, cy = 90, 110, 110
	h := max(2*cy, 24*len(pts)+20)
	var b strings.Builder
	svgOpen(&b, title, chartWidth, h)
	var total int64
	for _, p := range pts {
		total += p.Value
	}
	angle := -math.Pi / 2
	for i, p := range pts {
		color := chartColors[i%len(chartColors)]
		share := 0.0
		if total > 0 {
			share = float64(p.Value) / float64(total)
		}
		switch {
		case share >= 0.9999:
			fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="%d" fill="%s"/>`, cx, cy, r, color)
		case share > 0:
			end := angle + 2*math.Pi*share
			large := 0
			if share > 0.5 {
				large = 1
			}
			fmt.Fprintf(&b, `<path d="M%d,%d L%.2f,%.2f A%d,%d 0 %d 1 %.2f,%.2f Z" fill="%s" stroke="#fff"/>`, cx, cy,
				cx+r*math.Cos(angle), cy+r*math.Sin(angle), r, r, large, cx+r*math.Cos(end), cy+r*math.Sin(end), color)
			angle = end
		}
		y := 20 + 24*i
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="14" height="14" fill="%s"/>`, 2*cx+20, y, color)
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-label">%s %.1f%%</text>`, 2*cx+40, y+12, esc(p.Label), share*100)
	}
	if total == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-label">暂无数据</text>`, cx, cy)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// lineChart draws one line per series over the x labels, values formatted
// on the points.
func lineChart(title string, xs []string, series []chartSeries, format func(int64) string) template.HTML {
	const left, right, top, bottom, h = 20, 20, 30, 40, 260
	var b strings.Builder
	svgOpen(&b, title, chartWidth, h)
	maxV := int64(1)
	for _, s := range series {
		for _, v := range s.Values {
			maxV = max(maxV, v)
		}
	}
	plotW, plotH := float64(chartWidth-left-right), float64(h-top-bottom)
	x := func(i int) float64 {
		if len(xs) == 1 {
			return left + plotW/2
		}
		return left + plotW*float64(i)/float64(len(xs)-1)
	}
	y := func(v int64) float64 { return top + plotH*(1-float64(v)/float64(maxV)) }
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>`, left, h-bottom, chartWidth-right, h-bottom)
	for i, l := range xs {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" class="chart-label">%s</text>`, x(i), h-bottom+18, esc(l))
	}
	for si, s := range series {
		color := chartColors[si%len(chartColors)]
		var pts []string
		for i, v := range s.Values {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), color)
		for i, v := range s.Values {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"><title>%s %s：%s</title></circle>`, x(i), y(v), color,
				esc(s.Name), esc(xs[i]), esc(format(v)))
		}
		fmt.Fprintf(&b, `<rect x="%d" y="6" width="14" height="14" fill="%s"/><text x="%d" y="18" class="chart-label">%s</text>`,
			left+si*160, color, left+si*160+20, esc(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func svgOpen(b *strings.Builder, title string, w, h int) {
	fmt.Fprintf(b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img"><title>%s</title>`,
		w, h, w, h, esc(title))
}

func esc(s string) string { return html.EscapeString(s) }

// shorten cuts a label to n runes with an ellipsis (the full label is in
// the <title> and in the table beside the chart).
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
