package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/store"
)

// testSupervision checks the demo's supervision, inspection and sanction:
// a suspended award with its money frozen in the ledger, a rectification
// order overdue today, a random inspection with findings, and a banned unit
// whose pending application is cancelled and whose award became a
// receivable.
func (s *seeded) testSupervision(t *testing.T) {
	ctx := context.Background()
	city, qixian := s.actor(t, "shigongxin"), s.actor(t, "qixian")
	cases, _, err := s.a.FindCases(ctx, qixian, store.CaseFilter{State: store.CaseSuspended})
	if err != nil || len(cases) != 1 {
		t.Fatalf("suspended cases of 汽开区: %d, %v", len(cases), err)
	}
	frozen, err := s.db.Balance(ctx, store.FrozenAccount(cases[0].AwardID))
	if err != nil || frozen <= 0 || cases[0].AwardStatus != "suspended" {
		t.Fatalf("suspended award %d: frozen %d, status %s, %v", cases[0].AwardID, frozen, cases[0].AwardStatus, err)
	}
	for _, who := range []string{"qixian", "shigongxin"} {
		if n, err := s.a.OverdueRectifications(ctx, s.actor(t, who)); err != nil || n != 1 {
			t.Errorf("overdue rectifications of %s: %d, %v; want 1", who, n, err)
		}
	}
	plans, _, err := s.a.InspectionPlans(ctx, city, store.Page{})
	if err != nil || len(plans) != 1 || plans[0].Kind != store.InspectRandom || plans[0].Done != 2 || plans[0].Violations != 1 {
		t.Fatalf("inspection plans: %+v %v", plans, err)
	}
	if ok, err := s.a.PlanSampleReproduced(ctx, city, plans[0]); err != nil || !ok {
		t.Fatalf("the demo's sample does not re-run from its seed: %v", err)
	}
	bans, _, err := s.a.Sanctions(ctx, city, store.SanctionFilter{ActiveOn: s.db.Now().Format("2006-01-02")})
	if err != nil || len(bans) != 1 || bans[0].ItemID == 0 {
		t.Fatalf("bans in force: %+v %v", bans, err)
	}
	view, err := s.a.Sanction(ctx, city, bans[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range view.Effects {
		kinds[e.Kind]++
	}
	if kinds["cancel"] != 1 || kinds["revoke"] != 1 || len(view.Referrals) != 1 {
		t.Fatalf("decision effects %v, referrals %d", kinds, len(view.Referrals))
	}
	cancelled := s.one(t, dtfund.StateCancelled)
	if cancelled.OrgID != bans[0].OrgID {
		t.Fatal("the cancelled application is not the banned unit's")
	}
	// The banned unit's award became a receivable (the projects part's
	// termination makes another).
	revs, _, err := s.a.Receivables(ctx, city, false, store.Page{})
	banned := slices.IndexFunc(revs, func(r *store.Revocation) bool { return r.OrgID == bans[0].OrgID })
	if err != nil || banned < 0 || revs[banned].OutstandFen <= 0 {
		t.Fatalf("receivables: %+v %v", revs, err)
	}
	// The banned unit's account cannot start a new draft.
	calls, _, err := s.a.FindCalls(ctx, s.actor(t, "zhongche"), store.CallFilter{Category: "local", Page: store.Page{Limit: 10}})
	if err != nil || len(calls) == 0 {
		t.Fatalf("open local calls: %v", err)
	}
	if _, err := s.a.StartApplication(ctx, s.actor(t, "zhongche"), calls[0].ID); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN ||
		!strings.Contains(dtfund.ErrorMessage(err), bans[0].DocNumber) {
		t.Fatalf("banned unit starting a draft: %v", err)
	}
	if v, err := s.db.VerifyLedger(ctx); err != nil || !v.OK() {
		t.Fatalf("ledger: %+v %v", v, err)
	}
}
