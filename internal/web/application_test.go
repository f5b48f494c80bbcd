package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// submittedApp creates a call and a submitted application of orgA (汽开区).
func submittedApp(t *testing.T, f *fixture) *dtfund.Application {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	call := &dtfund.Call{Category: "7.1", Title: "2026年数字化改造", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour),
		Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
	ap := &dtfund.Application{OrgID: f.orgA.ID, DistrictCode: "220174", State: dtfund.StateDraft, Title: "冲压车间MES改造",
		Spending: []dtfund.Spending{{Type: "software", Supplier: "某软件公司", InvoiceNo: "No.001", AmountFen: 12_345_600}}}
	err := f.app.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateCall(ctx, call); err != nil {
			return err
		}
		ap.CallID = call.ID
		return tx.CreateApplication(ctx, ap)
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.app.UserByUsername(ctx, "applicant")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.Act(ctx, app.Actor{User: u}, app.Step{AppID: ap.ID, Action: dtfund.ActSubmit}); err != nil {
		t.Fatal(err)
	}
	return ap
}

func TestApplicationPagesScoped(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ap := submittedApp(t, f)
		path := "/apps/" + itoa(ap.ID)

		own := f.client()
		own.login("applicant")
		resp, body := own.get(path)
		if resp.StatusCode != 200 || !strings.Contains(body, "冲压车间MES改造") || !strings.Contains(body, "123,456.00") {
			t.Fatalf("applicant's own application: %d", resp.StatusCode)
		}
		if !strings.Contains(body, "提交申报") || !strings.Contains(body, "第十四条（一）") {
			t.Fatal("timeline lacks the submission with its article")
		}
		district := f.client()
		district.login("district_a")
		resp, body = district.get(path)
		if resp.StatusCode != 200 || !strings.Contains(body, `href="/apps/`+itoa(ap.ID)+`/district"`) {
			t.Fatalf("district official: %d, want the review action offered", resp.StatusCode)
		}
		_, list := district.get("/apps")
		if !strings.Contains(list, ap.Number) {
			t.Fatal("district list lacks its application")
		}
		other := f.client()
		other.login("district_b")
		if resp, _ := other.get(path); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("other district's official: %d, want 404", resp.StatusCode)
		}
		if _, list := other.get("/apps"); strings.Contains(list, ap.Number) {
			t.Fatal("other district's list shows the application")
		}
		// Asking for another district by filter does not widen the scope.
		if _, list := other.get("/apps?district=220174"); strings.Contains(list, ap.Number) {
			t.Fatal("district filter widened the scope")
		}
		expert := f.client()
		expert.login("expert")
		if resp, _ := expert.get(path); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unassigned expert: %d, want 404", resp.StatusCode)
		}
		city := f.client()
		city.login("city")
		if _, list := city.get("/apps?state=submitted&category=7.1&q=" + ap.Number); !strings.Contains(list, ap.Number) {
			t.Fatal("city list with filters lacks the application")
		}
		if _, list := city.get("/apps?state=approved"); strings.Contains(list, ap.Number) {
			t.Fatal("state filter ignored")
		}
		_, notes := own.get("/notifications")
		if !strings.Contains(notes, ap.Number) {
			t.Fatal("applicant has no notification of the submission")
		}
	})
}

func TestDraftsArePrivate(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	ctx := context.Background()
	now := time.Now()
	call := &dtfund.Call{Category: "7.1", Title: "批次", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour)}
	ap := &dtfund.Application{OrgID: f.orgA.ID, DistrictCode: "220174", State: dtfund.StateDraft, Title: "草稿项目"}
	f.app.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.CreateCall(ctx, call)
		ap.CallID = call.ID
		return tx.CreateApplication(ctx, ap)
	})
	for _, user := range []string{"district_a", "city"} {
		c := f.client()
		c.login(user)
		if resp, _ := c.get("/apps/" + itoa(ap.ID)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s sees a draft: %d", user, resp.StatusCode)
		}
	}
}

func TestWorkbenchTodos(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	submittedApp(t, f)
	district := f.client()
	district.login("district_a")
	_, body := district.get("/home")
	if !strings.Contains(body, `<a href="/review/district">待初审推荐</a> <span class="count">1</span>`) {
		t.Fatal("district workbench lacks the submitted application in its 待办")
	}
	other := f.client()
	other.login("district_b")
	if _, body := other.get("/home"); strings.Contains(body, "待初审推荐") {
		t.Fatal("another district's workbench counts our application")
	}
}
