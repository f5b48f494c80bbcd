package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

func init() {
	expectedAccess["GET /search"] = []string{"user"}
	expectedAccess["GET /apps/export.xlsx"] = []string{"user"}
}

// Search finds applications and organisations by name, number or code,
// each only within the searcher's scope; the workbench lists the user's
// own recent changes.
func TestSearchScopeAndRecentActivity(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		now := time.Now()
		call := &dtfund.Call{Category: "7.1", Title: "改造", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour),
			Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
		var numbers []string
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateCall(ctx, call); err != nil {
				return err
			}
			for _, o := range []*dtfund.Organization{f.orgA, f.orgB} {
				ap := &dtfund.Application{CallID: call.ID, OrgID: o.ID, DistrictCode: o.DistrictCode, State: dtfund.StateSubmitted, Title: "MES"}
				if err := tx.CreateApplication(ctx, ap); err != nil {
					return err
				}
				numbers = append(numbers, ap.Number)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		search := func(user, q string) string {
			c := f.client()
			c.login(user)
			resp, body := c.get("/search?" + url.Values{"q": {q}}.Encode())
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s search %q: %d", user, q, resp.StatusCode)
			}
			return body
		}
		if body := search("city", "有限公司"); !strings.Contains(body, numbers[0]) || !strings.Contains(body, numbers[1]) || !strings.Contains(body, "单位（2）") {
			t.Error("the city does not find both applications and organisations")
		}
		if body := search("district_a", "有限公司"); !strings.Contains(body, numbers[0]) || strings.Contains(body, numbers[1]) || strings.Contains(body, f.orgB.Name) {
			t.Error("a district official finds another district's records")
		}
		if body := search("applicant", f.orgB.USCC); strings.Contains(body, numbers[1]) || strings.Contains(body, "单位（") {
			t.Error("an applicant finds another organisation's application or searches organisations")
		}
		if body := search("applicant", numbers[0]); !strings.Contains(body, numbers[0]) {
			t.Error("an applicant does not find their own application by number")
		}

		city := f.client()
		city.login("city")
		city.post("/announcements", url.Values{"csrf_token": {city.csrf("/announcements/new")}, "title": {"通知"}, "kind": {"notice"},
			"body": {"正文"}, "publish": {"1"}})
		if _, body := city.get("/home"); !strings.Contains(body, "最近办理") || !strings.Contains(body, "公告：保存") {
			t.Error("the workbench does not show the user's recent change")
		}
		district := f.client()
		district.login("district_a")
		if _, body := district.get("/home"); strings.Contains(body, "公告：保存") {
			t.Error("the workbench shows another user's change")
		}
	})
}
