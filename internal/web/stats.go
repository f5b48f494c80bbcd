package web

import (
	"html/template"
	"net/http"
	"strconv"

	"dtfund"
	"dtfund/internal/app"
)

// statsRoutes are the statistics page: counts and amounts with charts, each
// chart with its table beside it.
func (s *Server) statsRoutes() []Route {
	return []Route{
		{"GET", "/stats", roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance,
			dtfund.RoleInspector, dtfund.RoleAdmin), s.statsPage},
	}
}

// statsBlock is one table of the page with its chart.
type statsBlock struct {
	app.StatsTable
	Chart template.HTML
}

func (s *Server) statsPage(w http.ResponseWriter, r *http.Request) {
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	st, err := s.App.Statistics(r.Context(), actor(r), year)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	blocks := make([]statsBlock, len(st.Tables))
	for i, t := range st.Tables {
		blocks[i] = statsBlock{StatsTable: t, Chart: statsChart(t)}
	}
	s.render(w, r, "stats", s.newView(r, "统计分析", map[string]any{"S": st, "Blocks": blocks}))
}

// statsChart draws a table: application counts as bars, awarded amounts
// by fund source as a pie, requested and awarded amounts by year as lines.
func statsChart(t app.StatsTable) template.HTML {
	switch t.Chart {
	case "pie":
		pts := make([]chartPoint, len(t.Lines))
		for i, l := range t.Lines {
			pts[i] = chartPoint{l.Label, l.AwardFen}
		}
		return pieChart(t.Title+"：奖补金额占比", pts)
	case "line":
		xs := make([]string, len(t.Lines))
		req, award := chartSeries{Name: "申请金额（万元）"}, chartSeries{Name: "奖补金额（万元）"}
		for i, l := range t.Lines {
			xs[i] = l.Label
			req.Values, award.Values = append(req.Values, l.RequestFen), append(award.Values, l.AwardFen)
		}
		return lineChart(t.Title+"：申请与奖补金额", xs, []chartSeries{req, award}, formatWan)
	}
	pts := make([]chartPoint, len(t.Lines))
	for i, l := range t.Lines {
		pts[i] = chartPoint{l.Label, int64(l.Apps)}
	}
	return barChart(t.Title+"：申报项数", pts, func(n int64) string { return strconv.FormatInt(n, 10) + " 项" })
}
