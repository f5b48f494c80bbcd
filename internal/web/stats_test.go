package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

var statsAccess = map[string][]string{
	"GET /stats": {"district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
}

func init() {
	for k, v := range statsAccess {
		expectedAccess[k] = v
	}
}

// The statistics page draws each grouping as an SVG chart with its table
// beside it, and a district official sees only their district.
func TestStatisticsPage(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		now := time.Now()
		call := &dtfund.Call{Category: "7.1", Title: "数字化改造", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour),
			Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateCall(ctx, call); err != nil {
				return err
			}
			for _, o := range []*dtfund.Organization{f.orgA, f.orgB} {
				ap := &dtfund.Application{CallID: call.ID, OrgID: o.ID, DistrictCode: o.DistrictCode, State: dtfund.StateSubmitted,
					Title: "MES", RequestedFen: 12_345_600}
				if err := tx.CreateApplication(ctx, ap); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		city := f.client()
		city.login("city")
		resp, body := city.get("/stats")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("city: %d", resp.StatusCode)
		}
		for _, want := range []string{`<svg class="chart"`, "按支持类别（第七条）", "中小企业数字化改造", "246,912.00", "全市申报", "试点关键指标"} {
			if !strings.Contains(body, want) {
				t.Errorf("city page lacks %q", want)
			}
		}
		if n := strings.Count(body, `<svg class="chart"`); n != 5 {
			t.Errorf("charts drawn = %d, want 5 (the fund-source pie has no awards yet)", n)
		}
		district := f.client()
		district.login("district_a")
		_, body = district.get("/stats")
		if !strings.Contains(body, "123,456.00") || strings.Contains(body, "246,912.00") || !strings.Contains(body, "本县（市）区") {
			t.Errorf("district page is not limited to its district")
		}
		applicant := f.client()
		applicant.login("applicant")
		if resp, _ := applicant.get("/stats"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("applicant: %d", resp.StatusCode)
		}
	})
}
