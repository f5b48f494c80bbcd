package demo_test

import (
	"context"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/store"
)

// testProviders checks the providers' part of the demo: a catalogue of every
// kind, adoption records in every state, the rankings with their
// exclusions, and proposed awards that the joint re-check would pass.
func (s *seeded) testProviders(t *testing.T) {
	ctx := context.Background()
	products, _, err := s.db.FindProducts(ctx, store.ProductFilter{Page: store.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, p := range products {
		kinds[p.Kind+"/"+p.State]++
	}
	for _, k := range []string{"product/active", "solution/active", "cloud_service/active", "product/withdrawn"} {
		if kinds[k] == 0 {
			t.Errorf("no demo product %s: %v", k, kinds)
		}
	}
	for _, st := range []string{store.AdoptionProposed, store.AdoptionConfirmed, store.AdoptionRejected} {
		if _, n, err := s.db.FindAdoptions(ctx, store.AdoptionFilter{State: st}); err != nil || n == 0 {
			t.Errorf("no demo adoption %s: %v", st, err)
		}
	}
	if n, err := s.a.AwaitingConfirmation(ctx, s.actor(t, "qiye2")); err != nil || n != 1 {
		t.Errorf("qiye2 has %d records to confirm, %v; want 1", n, err)
	}
	runs, _, err := s.db.FindRankingRuns(ctx, "", store.Page{})
	if err != nil || len(runs) != 2 {
		t.Fatalf("ranking runs: %d, %v", len(runs), err)
	}
	for _, run := range runs {
		es, _, err := s.db.RankingEntries(ctx, store.EntryFilter{RunID: run.ID, Page: store.Page{Limit: 100}})
		if err != nil || run.ProposedAt.IsZero() || run.Ranked < 2 {
			t.Fatalf("run %d: %+v, %v", run.ID, run, err)
		}
		excluded := ""
		for _, e := range es {
			if !e.Eligible {
				excluded += e.ProviderName + e.Findings
			}
		}
		if !strings.Contains(excluded, "沈阳东软") || !strings.Contains(excluded, "第十一条（一）") {
			t.Errorf("run %d (%s) does not exclude the provider on the 严重失信 list: %q", run.ID, run.Kind, excluded)
		}
		if run.Kind == "product" && !strings.Contains(excluded, "撤回") {
			t.Errorf("the product ranking does not exclude the withdrawn product")
		}
	}
	city := s.actor(t, "shigongxin")
	proposed := 0
	for _, ap := range s.inState(t, dtfund.StateReviewed) {
		if ap.Origin != dtfund.OriginRanking {
			continue
		}
		proposed++
		info, err := s.a.Recheck(ctx, city, ap.ID)
		if err != nil || !info.Decision.CentralEligible || info.Decision.MaxSubsidyFen != ap.RequestedFen {
			t.Errorf("proposed award %s (%d fen): re-check decision %+v, %v", ap.Number, ap.RequestedFen, info.Decision, err)
		}
	}
	if proposed < 3 {
		t.Errorf("%d proposed awards from the rankings, want the top of both", proposed)
	}
}
