package app_test

import (
	"context"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

func TestDecideUsesCurrentFacts(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.ReplaceSizeFacts(ctx, f.org.ID, []dtfund.SizeFact{{Year: 2025, Employees: 320, RevenueFen: 5_200_000_000_00}})
		})
		if err != nil {
			t.Fatal(err)
		}
		ap := f.draft(t)
		ap.Spending = []dtfund.Spending{{Type: "software", AmountFen: 30_000_000, ContractDate: "2026-01-05", InvoiceDate: "2026-01-10", PaymentDate: "2026-01-20"}}
		decide := func() (central, local bool, max int64) {
			t.Helper()
			err := db.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.SaveApplicationContent(ctx, ap); err != nil {
					return err
				}
				full, err := tx.Application(ctx, ap.ID)
				if err != nil {
					return err
				}
				d, err := app.Decide(ctx, tx, full)
				if err != nil {
					return err
				}
				central, local, max = d.CentralEligible, d.LocalEligible, d.MaxSubsidyFen
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		if c, l, m := decide(); !c || !l || m != 15_000_000 {
			t.Fatalf("medium enterprise of a pilot industry: central=%v local=%v max=%d; want both and 15万元", c, l, m)
		}
		// After the expert review the cap is half the approved (核定) investment.
		approved := int64(20_000_000)
		ap.Spending[0].ApprovedFen = &approved
		if _, _, m := decide(); m != 10_000_000 {
			t.Fatalf("max after review = %d, want half of the approved 20万元 = 10万元", m)
		}
		// Put on the serious-dishonesty list: no funds at all (第十一条（一）).
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.AddCreditRecord(ctx, &store.CreditRecord{OrgID: f.org.ID, Kind: "serious_dishonesty", StartDate: "2026-01-01", Source: "信用中国"})
		})
		if err != nil {
			t.Fatal(err)
		}
		if c, l, _ := decide(); c || l {
			t.Fatalf("listed enterprise still eligible: central=%v local=%v", c, l)
		}
	})
}
