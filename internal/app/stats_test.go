package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

func statsTable(t *testing.T, st *app.Statistics, dim store.StatsDimension) app.StatsTable {
	t.Helper()
	for _, tb := range st.Tables {
		if tb.Dim == dim {
			return tb
		}
	}
	t.Fatalf("no table %s", dim)
	return app.StatsTable{}
}

func statsLine(tb app.StatsTable, key string) *app.StatsLine {
	for i := range tb.Lines {
		if tb.Lines[i].Key == key {
			return &tb.Lines[i]
		}
	}
	return nil
}

// Three awards of 10万 in two districts and outside Changchun, one more
// submitted application of 5万 and a draft; one award paid out. The city
// sees everything but the draft, a district official only their district,
// and the call year follows Asia/Shanghai.
func TestStatisticsCountsScopeAndYear(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPayFixture(t, db, 3)
		late := &dtfund.Call{Category: "7.2", Title: "除夕夜开始的批次", OpensAt: time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC),
			ClosesAt: time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateCall(ctx, late); err != nil {
				return err
			}
			for _, st := range []dtfund.AppState{dtfund.StateSubmitted, dtfund.StateDraft} {
				ap := &dtfund.Application{CallID: late.ID, OrgID: f.orgs[0].ID, DistrictCode: f.orgs[0].DistrictCode, State: st,
					Title: "上云", RequestedFen: 5_000_000}
				if err := tx.CreateApplication(ctx, ap); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		b := f.paidBatch(t, map[int64]int64{f.awards[0].ID: 10_000_000})
		in := f.instructions(t, b.ID)[0]
		if err := f.a.ConfirmReceipt(ctx, f.dfinA, in.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.RecordPayout(ctx, f.dfinA, in.ID, "BANK-1"); err != nil {
			t.Fatal(err)
		}

		st, err := f.a.Statistics(ctx, f.miit, 0)
		if err != nil {
			t.Fatal(err)
		}
		cat := statsTable(t, st, store.ByCategory)
		if tot := cat.Total; tot.Apps != 4 || tot.Awards != 3 || tot.AwardFen != 30_000_000 || tot.PaidFen != 10_000_000 || tot.RequestFen != 5_000_000 {
			t.Fatalf("city totals = %+v", tot)
		}
		dist := statsTable(t, st, store.ByDistrict)
		if l := statsLine(dist, "220174"); l == nil || l.Apps != 2 || l.Awards != 1 || l.Label == "" {
			t.Fatalf("district 220174 line = %+v", l)
		}
		if l := statsLine(dist, ""); l == nil || l.Label != "长春市外（市级初审）" {
			t.Fatalf("outside-Changchun line = %+v", l)
		}
		if fund := statsTable(t, st, store.ByFundSource); len(fund.Lines) != 1 || fund.Lines[0].Label != "中央专项资金" {
			t.Fatalf("fund source lines = %+v", fund.Lines)
		}
		openYear := time.Now().In(time.FixedZone("CST", 8*3600)).Add(-time.Hour).Year()
		years := statsTable(t, st, store.ByYear)
		if l := statsLine(years, "2027"); l == nil || l.Apps != 1 {
			t.Fatalf("a call opening 2027-01-01 01:00 in Changchun belongs to 2027: %+v", years.Lines)
		}
		if l := statsLine(years, strconv.Itoa(openYear)); l == nil || l.Apps != 3 {
			t.Fatalf("year %d line: %+v", openYear, years.Lines)
		}
		if got := st.KPIs[2].Value; got != "100000.00 元（33.3%）" {
			t.Fatalf("paid KPI = %q", got)
		}
		if got := st.KPIs[3].Value; got != "100.0%" {
			t.Fatalf("central-to-retrofit KPI = %q", got)
		}

		in2027, err := f.a.Statistics(ctx, f.miit, 2027)
		if err != nil || statsTable(t, in2027, store.ByCategory).Total.Apps != 1 {
			t.Fatalf("2027 only: %+v, %v", in2027, err)
		}

		mine, err := f.a.Statistics(ctx, f.dfinA, 0)
		if err != nil {
			t.Fatal(err)
		}
		if d := statsTable(t, mine, store.ByDistrict); len(d.Lines) != 1 || d.Lines[0].Key != "220174" || d.Total.Apps != 2 {
			t.Fatalf("district official sees %+v", d.Lines)
		}

		applicant := app.Actor{User: &dtfund.User{ID: 999, Role: dtfund.RoleApplicant, OrgID: f.orgs[0].ID}}
		if _, err := f.a.Statistics(ctx, applicant, 0); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("applicant: %v", err)
		}
	})
}
