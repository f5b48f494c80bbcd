package demo

import (
	"fmt"
	"time"

	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// The demo budget (第二条, 第六条（二）): each year from the history's to
// the current one gets central 5000万元, provincial and city 1000万元 each,
// released with realistic document numbers, allocated respecting the
// 80/20 rule (80% of the central money to 第七条（一）), and the year's
// performance targets. It is seeded before the history, whose approvals
// commit money.

const wanFen = 1_000_000

// demoAllocations is each year's split of the sources into lines (万元).
var demoAllocations = map[string]map[string]int64{
	store.SourceCentral:    {"7.1": 4000, "7.2": 300, "7.3": 250, "7.4": 200, "7.5": 150, "7.6": 100},
	store.SourceProvincial: {"7.1": 400, "7.2": 100, "7.3": 100, "7.4": 100, "7.5": 100, "7.6": 50, "local": 150},
	store.SourceCity:       {"7.1": 400, "7.2": 100, "7.3": 100, "7.4": 100, "7.5": 100, "7.6": 50, "local": 150},
}

var demoReleases = []struct {
	source, doc string
	wan         int64
}{
	{store.SourceCentral, "财建〔%d〕86号", 5000},
	{store.SourceProvincial, "吉财企指〔%d〕12号", 1000},
	{store.SourceCity, "长财企指〔%d〕7号", 1000},
}

// budgets seeds the budget of every year from the setup day's to today's.
// A later year's releases are entered on its 10 January (or today), then
// the clock goes back to the setup day for the history.
func (s *seeder) budgets() error {
	setup := s.moment(setupDay, "09:00")
	defer s.set(setup)
	for y := calendar.DateOf(setup).Year; y <= s.today.Year; y++ {
		at := setup
		if y > calendar.DateOf(setup).Year {
			at = time.Date(y, time.January, 10, 10, 0, 0, 0, calendar.Shanghai)
			if now := s.now(); at.After(now) {
				at = now
			}
		}
		s.set(at)
		if err := s.budgetYear(y, calendar.DateOf(at).String()); err != nil {
			return fmt.Errorf("demo budget %d: %w", y, err)
		}
	}
	return nil
}

func (s *seeder) budgetYear(year int, docDate string) error {
	fin := s.actor("shicaizheng")
	for _, r := range demoReleases {
		if _, _, err := s.a.ReleaseBudget(s.ctx, fin, app.ReleaseInput{Year: year, Source: r.source, DocNumber: fmt.Sprintf(r.doc, year),
			DocDate: docDate, AmountFen: r.wan * wanFen}); err != nil {
			return err
		}
		for _, c := range app.LineCategories(r.source) {
			if _, err := s.a.Allocate(s.ctx, fin, app.AllocationInput{Year: year, Source: r.source, Category: c,
				AmountFen: demoAllocations[r.source][c] * wanFen}); err != nil {
				return err
			}
		}
	}
	for _, t := range []app.TargetInput{
		{Indicator: "试点行业规上企业数字化水平二级以上占比", TargetValue: "≥ 90", Unit: "%", SourceDoc: "财建〔2023〕117号"},
		{Indicator: "完成数字化改造的中小企业数量", TargetValue: "≥ 300", Unit: "家", SourceDoc: "长春市中小企业数字化转型城市试点实施方案"},
		{Indicator: "中央专项资金用于中小企业数字化改造的比例", TargetValue: "≥ 80", Unit: "%", SourceDoc: "财建〔2023〕117号"},
	} {
		t.Year = year
		if _, err := s.a.AddTarget(s.ctx, fin, t); err != nil {
			return err
		}
	}
	return nil
}
