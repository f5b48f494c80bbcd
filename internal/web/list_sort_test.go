package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// The application list sorts by the column a header link names, in both
// directions, keeping the filters; a sort key that is not a column (an
// injection attempt) sorts newest first and changes nothing.
func TestApplicationListSorts(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		now := time.Now()
		call := &dtfund.Call{Category: "7.1", Title: "改造", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour),
			Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
		var nums []string // in order of creation: 3万, 1万, 2万
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateCall(ctx, call); err != nil {
				return err
			}
			for i, fen := range []int64{3_000_000, 1_000_000, 2_000_000} {
				o := []*dtfund.Organization{f.orgA, f.orgB, f.orgA}[i]
				ap := &dtfund.Application{CallID: call.ID, OrgID: o.ID, DistrictCode: o.DistrictCode, State: dtfund.StateSubmitted,
					Title: "MES", RequestedFen: fen}
				if err := tx.CreateApplication(ctx, ap); err != nil {
					return err
				}
				nums = append(nums, ap.Number)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		city := f.client()
		city.login("city")
		order := func(query string) []string {
			t.Helper()
			resp, body := city.get("/apps?" + query)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", query, resp.StatusCode)
			}
			var got []string
			for _, n := range nums {
				if i := strings.Index(body, ">"+n+"<"); i >= 0 {
					got = append(got, n)
				}
			}
			// order by position in the page
			for i := range got {
				for j := i + 1; j < len(got); j++ {
					if strings.Index(body, ">"+got[j]+"<") < strings.Index(body, ">"+got[i]+"<") {
						got[i], got[j] = got[j], got[i]
					}
				}
			}
			return got
		}
		want := func(query string, idx ...int) {
			t.Helper()
			got := order(query)
			var exp []string
			for _, i := range idx {
				exp = append(exp, nums[i])
			}
			if strings.Join(got, ",") != strings.Join(exp, ",") {
				t.Errorf("%s: order %v, want %v", query, got, exp)
			}
		}
		want("sort=requested", 1, 2, 0)
		want("sort=-requested", 0, 2, 1)
		want("", 2, 1, 0)
		want("sort=number", 0, 1, 2)
		want("sort="+url.QueryEscape("requested; DROP TABLE applications--"), 2, 1, 0)
		want("sort="+url.QueryEscape("-a.id) UNION SELECT 1--"), 2, 1, 0)
		want("sort=requested&district=220174", 2, 0)
		_, body := city.get("/apps?sort=requested&district=220174")
		if !strings.Contains(body, `aria-sort="ascending"`) || !strings.Contains(body, "district=220174&amp;sort=-requested") {
			t.Error("the sorted header does not say its direction or lose the filter when reversed")
		}
		if _, n, err := db.FindApplications(ctx, store.ApplicationFilter{}); err != nil || n != 3 {
			t.Fatalf("applications after the injection attempts: %d, %v", n, err)
		}
	})
}

// The list's Excel export has the rows of the page's filters and sort, in
// the user's scope.
func TestApplicationListExport(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		now := time.Now()
		call := &dtfund.Call{Category: "7.1", Title: "改造", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour),
			Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateCall(ctx, call); err != nil {
				return err
			}
			for i, o := range []*dtfund.Organization{f.orgA, f.orgB, f.orgA} {
				ap := &dtfund.Application{CallID: call.ID, OrgID: o.ID, DistrictCode: o.DistrictCode, State: dtfund.StateSubmitted,
					Title: "项目" + itoa(int64(i)), RequestedFen: int64(i+1) * 1_000_000}
				if err := tx.CreateApplication(ctx, ap); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		rows := func(user, query string) [][]string {
			t.Helper()
			c := f.client()
			c.login(user)
			resp, body := c.get("/apps/export.xlsx?" + query)
			if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("%s export: %d", user, resp.StatusCode)
			}
			x, err := excelize.OpenReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			rs, err := x.GetRows("申报列表")
			if err != nil {
				t.Fatal(err)
			}
			return rs
		}
		got := rows("city", "sort=-requested")
		if len(got) < 4 || got[0][0] != "申报编号" || got[1][3] != "项目2" || got[3][3] != "项目0" {
			t.Fatalf("city export: %v", got)
		}
		for _, r := range rows("district_a", "") {
			if len(r) > 1 && r[1] == f.orgB.Name {
				t.Fatal("a district official's export contains another district's application")
			}
		}
		if got := rows("city", "district=220173"); len(got) < 2 || got[1][1] != f.orgB.Name {
			t.Fatalf("district filter in the export: %v", got)
		}
	})
}

// The organisation and project lists sort by their headers too.
func TestOrganizationAndProjectListsSort(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		p := newProjWeb(t, db)
		city := p.as("city")
		before := func(body, a, b string) bool {
			return strings.Index(body, a) >= 0 && strings.Index(body, a) < strings.Index(body, b)
		}
		_, asc := city.get("/orgs?sort=name")
		_, desc := city.get("/orgs?sort=-name")
		if !before(asc, p.orgB.Name, p.orgA.Name) || !before(desc, p.orgA.Name, p.orgB.Name) || !strings.Contains(desc, `aria-sort="descending"`) {
			t.Error("the organisation list does not sort by name both ways")
		}
		_, asc = city.get("/projects?sort=number")
		_, desc = city.get("/projects?sort=-number")
		if !before(asc, p.pA.AppNumber, p.pB.AppNumber) || !before(desc, p.pB.AppNumber, p.pA.AppNumber) {
			t.Error("the project list does not sort by number both ways")
		}
		if resp, _ := city.get("/projects?sort=" + url.QueryEscape("deadline; DROP TABLE projects")); resp.StatusCode != http.StatusOK {
			t.Errorf("a sort key that is not a column: %d", resp.StatusCode)
		}
	})
}
