package app_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/uscc"
)

// An applicant registered outside Changchun has no 属地 district: the city
// bureau does the first review; it may not do it for a Changchun applicant.
func TestCityReviewsApplicantsOutsideChangchun(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		sys := app.SystemActor("test")
		r := rand.New(rand.NewPCG(4, 4))
		provider := &dtfund.Organization{USCC: uscc.Generate(r, '9', '1', "110108"), Name: "北京服务商", Kind: dtfund.OrgEnterprise,
			LegalPerson: true, RegionCode: "110108", IndustryCode: "6513", IsProvider: true}
		if err := f.a.CreateOrganization(ctx, sys, provider); err != nil {
			t.Fatal(err)
		}
		pu := &dtfund.User{Username: "provider", DisplayName: "服务商", Role: dtfund.RoleApplicant, OrgID: provider.ID}
		if err := f.a.CreateUser(ctx, sys, pu, "Passw0rdLong"); err != nil {
			t.Fatal(err)
		}
		outside := &dtfund.Application{CallID: f.call.ID, OrgID: provider.ID, State: dtfund.StateDraft, Title: "小快轻准产品"}
		local := f.draft(t)
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateApplication(ctx, outside) }); err != nil {
			t.Fatal(err)
		}
		for _, s := range []struct {
			actor app.Actor
			id    int64
		}{{app.Actor{User: pu}, outside.ID}, {f.applicant, local.ID}} {
			if _, err := f.a.Act(ctx, s.actor, app.Step{AppID: s.id, Action: dtfund.ActSubmit}); err != nil {
				t.Fatal(err)
			}
		}
		queue, _, err := f.a.FindApplications(ctx, f.city, store.ApplicationFilter{NoDistrict: true, States: []dtfund.AppState{dtfund.StateSubmitted}})
		if err != nil || len(queue) != 1 || queue[0].ID != outside.ID {
			t.Fatalf("city's first-review queue = %d applications, %v; want only the one from outside Changchun", len(queue), err)
		}
		decide := func(actor app.Actor, id int64) error {
			_, err := f.a.DistrictReview(ctx, actor, app.DistrictDecision{AppID: id, Action: dtfund.ActRecommend, Reason: "材料齐全，同意推荐"})
			return err
		}
		if err := decide(f.city, local.ID); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("city recommending a Changchun applicant: %v, want forbidden", err)
		}
		if err := decide(f.district, outside.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("a district official recommending an applicant outside Changchun: %v, want not found", err)
		}
		if err := decide(f.city, outside.ID); err != nil {
			t.Fatalf("city recommending an applicant outside Changchun: %v", err)
		}
		got, _ := f.a.Application(ctx, f.city, outside.ID)
		if got.State != dtfund.StateRecommended {
			t.Fatalf("state = %s", got.State)
		}
	})
}
