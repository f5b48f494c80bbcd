package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// TestApplicationListCountIsBounded: over 10 000 matches the list says
// 「超过 10000 条」 and pages up to the bound, newest first; a narrow filter
// still shows its exact total.
func TestApplicationListCountIsBounded(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c := &dtfund.Call{Category: "7.3", Title: "计数上限", OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour)}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCall(ctx, c) }); err != nil {
			t.Fatal(err)
		}
		districts := []string{"220174", "220173"}
		first, err := db.BulkOrganizations(ctx, 50, districts)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.BulkApplications(ctx, store.BulkSpec{Orgs: 50, CallIDs: []int64{c.ID}, Districts: districts, From: 0, To: 11_000}, first); err != nil {
			t.Fatal(err)
		}
		city := f.client()
		city.login("city")
		_, body := city.get("/apps")
		if !strings.Contains(body, "超过 10000 条") || !strings.Contains(body, "第 1 / 200+ 页") || !strings.Contains(body, "YC10999") {
			t.Fatalf("unfiltered list of 11 000 (10 313 not drafts): %s", pagerText(body))
		}
		if _, body := city.get("/apps?category=7.3&page=2"); !strings.Contains(body, "超过 10000 条") || !strings.Contains(body, "第 2 / 200+ 页") ||
			strings.Count(body, ">YC") < 50 {
			t.Fatalf("page 2 of a dense filter: %s", pagerText(body))
		}
		// 1 in 16 generated applications is in publicity: an exact count.
		_, body = city.get("/apps?state=in_publicity&district=220174")
		if strings.Contains(body, "超过") || !totalRE.MatchString(body) {
			t.Fatalf("narrow filter: %s", pagerText(body))
		}
	})
}

func pagerText(body string) string {
	if i := strings.Index(body, `class="pager"`); i >= 0 {
		return body[i:min(len(body), i+300)]
	}
	return "no pager"
}
