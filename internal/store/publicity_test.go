package store_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// publicityRows creates an organisation, a signer, a call and n
// applications in the given state, directly through the store.
func publicityRows(t *testing.T, db *store.DB, n int, st dtfund.AppState) (*dtfund.Organization, *dtfund.User, []*dtfund.Application) {
	t.Helper()
	ctx := context.Background()
	org := newOrg(rand.New(rand.NewPCG(3, 4)), "220104")
	u := &dtfund.User{Username: "city", DisplayName: "市工信", Role: dtfund.RoleCityMIIT}
	var apps []*dtfund.Application
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateOrganization(ctx, org); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, u, "x"); err != nil {
			return err
		}
		now := time.Now()
		call := &dtfund.Call{Category: "7.1", Title: "改造", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour)}
		if err := tx.CreateCall(ctx, call); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			ap := &dtfund.Application{CallID: call.ID, OrgID: org.ID, DistrictCode: "220104", State: st, Title: "项目"}
			if err := tx.CreateApplication(ctx, ap); err != nil {
				return err
			}
			apps = append(apps, ap)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return org, u, apps
}

func TestRecheckSignaturesOnePerBureau(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, u, apps := publicityRows(t, db, 1, dtfund.StateReviewed)
		sign := func(role dtfund.Role) error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				return tx.AddRecheckSignature(ctx, &store.RecheckSignature{ApplicationID: apps[0].ID, Role: role, UserID: u.ID,
					Signer: u.DisplayName, Pass: true, Opinion: "同意"})
			})
		}
		if err := sign(dtfund.RoleCityMIIT); err != nil {
			t.Fatal(err)
		}
		if err := sign(dtfund.RoleCityMIIT); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("second signature of one bureau: %v, want conflict", err)
		}
		if err := sign(dtfund.RoleDistrictMIIT); err == nil {
			t.Fatal("a district bureau's signature was stored")
		}
		if err := sign(dtfund.RoleCityFinance); err != nil {
			t.Fatal(err)
		}
		sigs, err := db.SignaturesFor(ctx, []int64{apps[0].ID})
		if err != nil || len(sigs[apps[0].ID]) != 2 || sigs[apps[0].ID][0].Role != dtfund.RoleCityMIIT {
			t.Fatalf("signatures = %+v, %v", sigs, err)
		}
	})
}

func TestPublicityItemsAwardsAndObjections(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org, u, apps := publicityRows(t, db, 3, dtfund.StateInPublicity)
		// The third application is still a draft: never public, even if listed.
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.SetApplicationState(ctx, apps[2].ID, dtfund.StateInPublicity, dtfund.StateDraft)
		}); err != nil {
			t.Fatal(err)
		}
		b := &store.PublicityBatch{Title: "第一批", StartDate: "2026-09-30", CreatedBy: u.ID}
		var items []*store.PublicityItem
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreatePublicityBatch(ctx, b); err != nil {
				return err
			}
			for _, ap := range apps {
				it := &store.PublicityItem{BatchID: b.ID, ApplicationID: ap.ID, OrgName: org.Name, ProjectTitle: ap.Title, Category: "7.1",
					AmountFen: 100, StartDate: "2026-09-30", EndDate: "2026-10-12"}
				if err := tx.AddPublicityItem(ctx, it); err != nil {
					return err
				}
				items = append(items, it)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// An application is published once.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.AddPublicityItem(ctx, &store.PublicityItem{BatchID: b.ID, ApplicationID: apps[0].ID, OrgName: "x", ProjectTitle: "x",
				Category: "7.1", AmountFen: 1, StartDate: "2026-09-30", EndDate: "2026-10-12"})
		})
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("publishing twice: %v", err)
		}
		o := &store.Objection{BatchID: b.ID, ItemID: items[0].ID, Name: "甲", Contact: "1", Reason: "理由", IP: "192.0.2.1"}
		o2 := &store.Objection{BatchID: b.ID, ItemID: items[0].ID, Name: "乙", Contact: "2", Reason: "理由", IP: "192.0.2.1"}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateObjection(ctx, o); err != nil {
				return err
			}
			if err := tx.CreateObjection(ctx, o2); err != nil {
				return err
			}
			n, err := tx.ObjectionsFromIP(ctx, "192.0.2.1", time.Now().Add(-time.Hour))
			if err != nil || n != 2 {
				t.Errorf("objections from the address = %d, %v", n, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := db.PublicityBatch(ctx, b.ID)
		if got.Items != 3 || got.OpenObjections != 2 || got.FirstStart != "2026-09-30" || got.LastEnd != "2026-10-12" {
			t.Fatalf("batch summary = %+v", got)
		}
		public, total, err := db.FindPublicityItems(ctx, store.ItemFilter{Public: true, OpenBatches: true})
		if err != nil || total != 2 {
			t.Fatalf("public items = %d, %v; want 2 (no draft)", total, err)
		}
		for _, it := range public {
			if it.ApplicationID == apps[2].ID {
				t.Fatal("a draft is public")
			}
		}
		// Upheld: the item leaves, the other objection is superseded; deciding again conflicts.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.DecideObjection(ctx, o.ID, store.ObjectionUpheld, "成立", u.ID); err != nil {
				return err
			}
			if err := tx.RemovePublicityItem(ctx, items[0].ID, "成立"); err != nil {
				return err
			}
			return tx.SupersedeObjections(ctx, items[0].ID, "一并办结", u.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.DecideObjection(ctx, o.ID, store.ObjectionDismissed, "改判", u.ID)
		})
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("deciding twice: %v", err)
		}
		if got, _ := db.Objection(ctx, o2.ID); got.State != store.ObjectionSuperseded || got.AppNumber != apps[0].Number {
			t.Fatalf("other objection = %+v", got)
		}
		if _, total, _ := db.FindPublicityItems(ctx, store.ItemFilter{BatchID: b.ID, Public: true}); total != 1 {
			t.Fatalf("public items after removal = %d, want 1", total)
		}
		// Awards: one per application; prior awards sum per organisation and category.
		ap := &store.Approval{BatchID: b.ID, DocNumber: "长府批〔2026〕1号", DocDate: "2026-10-13", CreatedBy: u.ID}
		award := func(appID int64) error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				if ap.ID == 0 {
					if err := tx.CreateApproval(ctx, ap); err != nil {
						return err
					}
				}
				return tx.CreateAward(ctx, &store.Award{ApplicationID: appID, OrgID: org.ID, Category: "7.1", AmountFen: 5_000_000,
					FundSource: store.FundCentral, ApprovalID: ap.ID})
			})
		}
		if err := award(apps[1].ID); err != nil {
			t.Fatal(err)
		}
		if err := award(apps[1].ID); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("second award of one application: %v", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			prior, err := tx.PriorAwardsFen(ctx, org.ID, "7.1", apps[0].ID)
			if err != nil || prior != 5_000_000 {
				t.Errorf("prior awards = %d, %v", prior, err)
			}
			own, _ := tx.PriorAwardsFen(ctx, org.ID, "7.1", apps[1].ID)
			other, _ := tx.PriorAwardsFen(ctx, org.ID, "7.3", apps[0].ID)
			if own != 0 || other != 0 {
				t.Errorf("prior awards excluding itself = %d, of another category = %d", own, other)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		list, total, sum, err := db.FindAwards(ctx, store.AwardFilter{DistrictCode: "220104"})
		if err != nil || total != 1 || sum != 5_000_000 || list[0].DocNumber != "长府批〔2026〕1号" {
			t.Fatalf("awards of the district = %d, %d, %v", total, sum, err)
		}
		if _, total, _, _ := db.FindAwards(ctx, store.AwardFilter{DistrictCode: "220173"}); total != 0 {
			t.Fatalf("awards of another district = %d", total)
		}
	})
}
