package demo_test

import (
	"context"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/store"
)

// testMatching checks the demo's 免申即享: one proposal confirmed (its
// application waiting for the re-check), one declined, one lapsed, one
// awaiting the demo applicant qiye2, and the excluded enterprises listed
// with their reasons.
func (s *seeded) testMatching(t *testing.T) {
	ctx := context.Background()
	ps, _, err := s.db.FindProposals(ctx, store.ProposalFilter{Page: store.Page{Limit: 50}})
	if err != nil {
		t.Fatal(err)
	}
	byOrg := map[string]*store.MatchProposal{}
	for _, p := range ps {
		byOrg[p.OrgName] = p
	}
	want := map[string]string{"长春一汽富晟汽车零部件有限公司": store.ProposalConfirmed, "长春旭阳汽车饰件有限公司": store.ProposalDeclined,
		"长春轨道客车配件有限公司": store.ProposalLapsed, "长春光华微电子有限公司": store.ProposalProposed}
	for org, st := range want {
		if p := byOrg[org]; p == nil || p.State != st {
			t.Errorf("%s: proposal %+v, want %s", org, p, st)
		}
	}
	// Enterprises whose confirmed cloud services the providers' part of the
	// demo recorded are proposed too; nobody confirms them, so they wait or
	// have lapsed.
	for _, p := range ps {
		if _, story := want[p.OrgName]; !story && p.State != store.ProposalProposed && p.State != store.ProposalLapsed {
			t.Errorf("%s: proposal in state %s outside the story", p.OrgName, p.State)
		}
	}
	if p := byOrg["长春一汽富晟汽车零部件有限公司"]; p != nil {
		ap, err := s.a.Application(ctx, s.actor(t, "qiye"), p.ApplicationID)
		if err != nil || ap.State != dtfund.StateReviewed || ap.Origin != dtfund.OriginMatching || ap.RequestedFen != 3_000_000 {
			t.Errorf("the confirmed proposal's application: %+v, %v", ap, err)
		}
	}
	if n, err := s.a.AwaitingProposals(ctx, s.actor(t, "qiye2")); err != nil || n != 1 {
		t.Errorf("qiye2 awaiting: %d, %v; want 1", n, err)
	}
	first := byOrg["长春旭阳汽车饰件有限公司"]
	if first == nil {
		return
	}
	_, res, _, err := s.a.MatchRunDetail(ctx, s.actor(t, "shigongxin"), store.ResultFilter{RunID: first.RunID, Outcome: store.OutcomeExcluded})
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, r := range res {
		reasons[r.OrgName] = r.Findings[0].Article
	}
	for org, article := range map[string]string{"长春金赛基因药业有限公司": "第五条", "长春皓月清真食品有限公司": "第四条", "长春市宏达汽车配件厂": "第十三条"} {
		if reasons[org] != article {
			t.Errorf("%s excluded under %q, want %s (all: %v)", org, reasons[org], article, reasons)
		}
	}
	for _, p := range ps {
		if !strings.Contains(p.FindingsJSON, "第七条（二）") {
			t.Errorf("proposal %d without its findings", p.ID)
		}
	}
}
