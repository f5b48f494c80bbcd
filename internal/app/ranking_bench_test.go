package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/uscc"
)

// BenchmarkRankingRun measures a whole ranking run on SQLite — reading
// 200,000 confirmed adoptions of 10,000 products of 500 providers, checking
// each provider's eligibility, ranking and storing the 10,000 entries in
// one transaction — and reports x_read: how many times longer the run takes
// than only reading the same adoption records in a transaction (the
// baseline, measured in the same process). The pure ranking alone is
// policy.BenchmarkRanking.
//
//	go test ./internal/app -run '^$' -bench BenchmarkRankingRun -benchtime 3x
func BenchmarkRankingRun(b *testing.B) {
	ctx := context.Background()
	db := testdb.SQLite(b)
	a := newApp(db)
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	a.Now = func() time.Time { return now }
	db.SetClock(a.Now)
	seedRankingData(b, db, 500, 10_000, 20_000, 200_000)
	city := app.Actor{User: &dtfund.User{ID: 0, Username: "city", DisplayName: "市工信", Role: dtfund.RoleCityMIIT}}
	var run, read time.Duration
	for b.Loop() {
		t0 := time.Now()
		r, err := a.RunRanking(ctx, city, app.RankingInput{Kind: "product", From: "2025-01-01", To: "2025-12-31"})
		run += time.Since(t0)
		if err != nil || r.Entries != 10_000 {
			b.Fatalf("run: %+v, %v", r, err)
		}
		b.StopTimer()
		t0 = time.Now()
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			rows, err := tx.ConfirmedAdoptions(ctx, "2025-01-01", "2025-12-31")
			if err == nil && len(rows) != 200_000 {
				err = fmt.Errorf("read %d adoptions", len(rows))
			}
			return err
		}); err != nil {
			b.Fatal(err)
		}
		read += time.Since(t0)
		b.StartTimer()
	}
	b.ReportMetric(float64(run.Milliseconds())/float64(b.N), "ms/run")
	b.ReportMetric(float64(run)/float64(read), "x_read")
}

// seedRankingData inserts providers with products and enterprises with
// confirmed adoptions dated in 2025, in a few large transactions.
func seedRankingData(b *testing.B, db *store.DB, providers, products, enterprises, adoptions int) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(8, 9))
	var provIDs, prodIDs, entIDs []int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := range providers + enterprises {
			o := &dtfund.Organization{USCC: uscc.Generate(rng, '9', '1', "220173"), Name: fmt.Sprintf("单位%d", i), Kind: dtfund.OrgEnterprise,
				LegalPerson: true, RegionCode: "220173", DistrictCode: "220173", IndustryCode: "3670", IsProvider: i < providers, IsApplicant: i >= providers}
			if err := tx.CreateOrganization(ctx, o); err != nil {
				return err
			}
			if i < providers {
				provIDs = append(provIDs, o.ID)
			} else {
				entIDs = append(entIDs, o.ID)
			}
		}
		for i := range products {
			p := &store.Product{ProviderOrgID: provIDs[i%providers], Kind: store.KindSolution, Name: fmt.Sprintf("产品%d", i),
				Scenarios: []string{"设备管理"}, Properties: []string{"small"}}
			if err := tx.CreateProduct(ctx, p); err != nil {
				return err
			}
			prodIDs = append(prodIDs, p.ID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	const batch = 20_000
	for start := 0; start < adoptions; start += batch {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := start; i < min(start+batch, adoptions); i++ {
				p := rng.IntN(products)
				ad := &store.Adoption{ProductID: prodIDs[p], ProviderOrgID: provIDs[p%providers], EnterpriseOrgID: entIDs[rng.IntN(enterprises)],
					ContractNo: fmt.Sprintf("HT-%d", i), ContractDate: fmt.Sprintf("2025-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28)),
					State: store.AdoptionConfirmed, RecordedBy: store.RecordedByEnterprise,
					Effects: fmt.Sprintf(`{"indicators":[{"name":"效率","before":"100","after":"%d"}]}`, 100+rng.IntN(80))}
				if err := tx.CreateAdoption(ctx, ad); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
