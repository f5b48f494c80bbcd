package demo_test

import (
	"context"
	"strings"
	"testing"

	"dtfund/internal/store"
)

// testAssessments checks the demo assessments: every awarded retrofit (第七条
// （一）) not revoked has a computed 'before' assessment by the inspector,
// mostly below 一级 or at 一级, and exactly one has an 'after' one at 三级.
func (s *seeded) testAssessments(t *testing.T) {
	ctx := context.Background()
	awards, _, _, err := s.db.FindAwards(ctx, store.AwardFilter{Page: store.Page{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	before, low, after := 0, 0, 0
	for _, aw := range awards {
		if aw.Category != "7.1" {
			continue
		}
		if r, err := s.db.Revocation(ctx, aw.ID); err == nil && r != nil {
			continue
		}
		b, err := s.db.LatestAssessment(ctx, aw.ApplicationID, store.PhaseBefore)
		if err != nil || b == nil {
			t.Errorf("award %s: no 'before' assessment (%v)", aw.AppNumber, err)
			continue
		}
		before++
		if b.Level <= 1 {
			low++
		}
		if b.Source != "computed" || b.ParamVersion == "" || !strings.Contains(b.Findings, "评测等级") {
			t.Errorf("award %s: before assessment %+v", aw.AppNumber, b)
		}
		// The acceptance part enters third-party reports as 'after'
		// assessments too; the one computed here is at 三级.
		all, err := s.db.Assessments(ctx, aw.ApplicationID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range all {
			if a.Phase != store.PhaseAfter || a.Source != "computed" {
				continue
			}
			after++
			if a.Level != 3 || !strings.Contains(a.Findings, "三级：得分67分≥60分") {
				t.Errorf("award %s: computed after assessment level %d %s", aw.AppNumber, a.Level, a.Findings)
			}
		}
	}
	if before == 0 || low*2 < before || after != 1 {
		t.Errorf("assessments: %d before (%d at 一级 or below), %d computed after; want some, mostly low, one computed after", before, low, after)
	}
}
