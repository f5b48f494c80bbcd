package demo_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/demo"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

func TestSeed(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		a.Hasher = app.NewTestPasswordHasher()
		accounts, err := demo.Seed(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		roles := map[dtfund.Role]bool{}
		for _, acc := range accounts {
			roles[acc.Role] = true
			if _, _, err := a.Login(ctx, acc.Username, demo.Password, "127.0.0.1", "test"); err != nil {
				t.Errorf("demo account %s cannot log in: %v", acc.Username, err)
			}
		}
		for _, r := range dtfund.Roles {
			if !roles[r] {
				t.Errorf("no demo account for role %s", r)
			}
		}
		orgs, total, err := db.FindOrganizations(ctx, store.OrgFilter{Page: store.Page{Limit: 200}})
		if err != nil || total < 20 {
			t.Fatalf("demo organisations: %d, %v", total, err)
		}
		outside, providers := 0, 0
		for _, o := range orgs {
			if o.DistrictCode == "" {
				outside++
			}
			if o.IsProvider {
				providers++
			}
		}
		if outside < 2 || providers < 4 {
			t.Fatalf("want providers from outside Changchun: outside=%d providers=%d", outside, providers)
		}
	})
}
