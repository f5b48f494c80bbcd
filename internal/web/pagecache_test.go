package web_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// TestPublicPageCache: anonymous visitors of the public publicity list get
// the page rendered once per period; a change made by this instance (any
// POST) shows at once, one made elsewhere after the period; a logged-in
// user always gets a fresh page.
func TestPublicPageCache(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	f.srv.PublicCacheTTL = 300 * time.Millisecond
	ctx := context.Background()
	db := f.app.DB
	c := &dtfund.Call{Category: "7.1", Title: "缓存测试", OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour)}
	err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCall(ctx, c) })
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.BulkOrganizations(ctx, 10, []string{"220174"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.BulkApplications(ctx, store.BulkSpec{Orgs: 10, CallIDs: []int64{c.ID}, Districts: []string{"220174"}, From: 0, To: 400}, first); err != nil {
		t.Fatal(err)
	}
	today := calendar.DateOf(time.Now())
	publish := func(n int) {
		t.Helper()
		if _, err := db.BulkPublicity(ctx, n, today.AddDays(-1).String(), today.AddDays(6).String()); err != nil {
			t.Fatal(err)
		}
	}
	total := func(body string) string {
		m := totalRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no pager on the page")
		}
		return m[1]
	}
	publish(3)
	anon := f.client()
	_, before := anon.get("/public/publicity")
	publish(4) // written behind the server's back, as another instance would
	if _, again := anon.get("/public/publicity"); total(again) != total(before) || total(before) != "3" {
		t.Fatalf("served fresh within the period: %q then %q", total(before), total(again))
	}
	city := f.client()
	city.login("city") // a POST handled by this instance
	_, logged := city.get("/public/publicity")
	if total(logged) != "7" {
		t.Fatalf("logged-in user sees %q, want 7", total(logged))
	}
	if _, after := f.client().get("/public/publicity"); total(after) != "7" {
		t.Fatalf("after a change on this instance: %q, want 7", total(after))
	}
	publish(2)
	time.Sleep(350 * time.Millisecond)
	if _, later := anon.get("/public/publicity"); total(later) != "9" {
		t.Fatalf("after the period: %q, want 9", total(later))
	}
}

var totalRE = regexp.MustCompile(`共 (\d+) 条`)
