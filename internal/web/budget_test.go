package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// fundBudget releases and allocates a year's money (central 1000万元: 800万
// to 第七条（一）, 40万 to each of （二）–（六）; provincial and city 500万元,
// 50万 to each line) so that approvals in the process tests can commit.
func fundBudget(t *testing.T, a *app.App, year int) {
	t.Helper()
	ctx := context.Background()
	fin := app.Actor{User: &dtfund.User{Username: "test-finance", Role: dtfund.RoleCityFinance}}
	for i, src := range app.BudgetSources {
		amt := int64(500_0000_00)
		if src == store.SourceCentral {
			amt = 1000_0000_00
		}
		if _, _, err := a.ReleaseBudget(ctx, fin, app.ReleaseInput{Year: year, Source: src, DocNumber: fmt.Sprintf("测试〔%d〕%d号", year, i+1),
			DocDate: fmt.Sprintf("%d-01-15", year), AmountFen: amt}); err != nil {
			t.Fatal(err)
		}
		for _, c := range app.LineCategories(src) {
			amt := int64(50_0000_00)
			if src == store.SourceCentral {
				amt = 40_0000_00
				if c == "7.1" {
					amt = 800_0000_00
				}
			}
			if _, err := a.Allocate(ctx, fin, app.AllocationInput{Year: year, Source: src, Category: c, AmountFen: amt}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func budgetForm(c *client, year string) url.Values {
	return url.Values{"csrf_token": {c.csrf("/budget?year=" + year)}, "year": {year}}
}

func TestBudgetPagesOverHTTP(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if err := f.app.CreateUser(ctx, app.SystemActor("test"), &dtfund.User{Username: "finance", DisplayName: "市财政",
			Role: dtfund.RoleCityFinance}, testPassword); err != nil {
			t.Fatal(err)
		}
		fin, city := f.client(), f.client()
		fin.login("finance")
		city.login("city")
		year := fmt.Sprint(db.Now().Year())
		// A release in 万元.
		form := budgetForm(fin, year)
		for k, v := range map[string]string{"release_source": "central", "doc_number": "财建〔" + year + "〕12号", "doc_date": year + "-01-02",
			"release_amount": "1000", "release_unit": "wan"} {
			form.Set(k, v)
		}
		if resp, body := fin.post("/budget/releases", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("release: %d %s", resp.StatusCode, body)
		}
		if b, _ := db.Balance(ctx, store.SourceAccount("central", db.Now().Year())); b != 1000_0000_00 {
			t.Fatalf("central source = %d", b)
		}
		// Bad input: 422, the message beside the field, the values kept, nothing written.
		form = budgetForm(fin, year)
		for k, v := range map[string]string{"release_source": "city", "doc_number": "长财企指〔" + year + "〕3号", "doc_date": "2026-02-30",
			"release_amount": "12.345", "release_unit": "yuan"} {
			form.Set(k, v)
		}
		resp, body := fin.post("/budget/releases", form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "下达金额最小单位为分") ||
			!strings.Contains(body, "长财企指〔"+year+"〕3号") {
			t.Fatalf("bad release: %d", resp.StatusCode)
		}
		// An allocation over 20% of the central money to 第七条（二）: refused with the rule.
		form = budgetForm(fin, year)
		for k, v := range map[string]string{"alloc_direction": "allocate", "alloc_source": "central", "alloc_category": "7.2",
			"alloc_amount": "200.01", "alloc_unit": "wan", "idem": "a1"} {
			form.Set(k, v)
		}
		resp, body = fin.post("/budget/allocations", form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "财建〔2023〕117号") || !strings.Contains(body, "200.01") {
			t.Fatalf("allocation over 20%%: %d", resp.StatusCode)
		}
		form.Set("alloc_amount", "200")
		for i := 0; i < 2; i++ { // resent: booked once
			if resp, body := fin.post("/budget/allocations", form); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("allocation: %d %s", resp.StatusCode, body)
			}
		}
		if b, _ := db.Balance(ctx, store.LineAccount("central", db.Now().Year(), "7.2")); b != 200_0000_00 {
			t.Fatalf("line 7.2 = %d, want one allocation", b)
		}
		// A performance target.
		form = budgetForm(fin, year)
		form.Set("indicator", "试点行业规上企业数字化水平二级以上占比")
		form.Set("target_value", "≥ 90")
		form.Set("target_unit", "%")
		if resp, body := fin.post("/budget/targets", form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写依据文件") {
			t.Fatalf("target without source: %d", resp.StatusCode)
		}
		form.Set("target_source", "财建〔2023〕117号")
		if resp, _ := fin.post("/budget/targets", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("target: %d", resp.StatusCode)
		}
		// 市工信局 reads the page without the forms; it may not post.
		resp, body = city.get("/budget?year=" + year)
		if resp.StatusCode != 200 || !strings.Contains(body, "财建〔"+year+"〕12号") || !strings.Contains(body, "20.00%") ||
			!strings.Contains(body, "试点行业规上企业数字化水平二级以上占比") || strings.Contains(body, `action="/budget/releases"`) {
			t.Fatalf("city_miit budget page: %d", resp.StatusCode)
		}
		if resp, _ := city.post("/budget/releases", budgetForm(city, year)); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("city_miit posting a release: %d", resp.StatusCode)
		}
		var n int
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			b, err := tx.Balance(ctx, store.SourceAccount("city", db.Now().Year()))
			n = int(b)
			return err
		}); err != nil || n != 0 {
			t.Fatalf("refused releases wrote: %d %v", n, err)
		}
	})
}
