package app_test

import (
	"context"
	"slices"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// The draw is a pure function of the population and the seed.
func TestDrawSampleReproducible(t *testing.T) {
	pop := []int64{40, 10, 30, 20, 50, 60, 70}
	a := app.DrawSample(pop, 3, 2026)
	b := app.DrawSample([]int64{70, 60, 50, 40, 30, 20, 10}, 3, 2026) // same population, another order
	if len(a) != 3 || !slices.Equal(a, b) {
		t.Fatalf("same seed and population: %v and %v", a, b)
	}
	differs := false
	for seed := uint64(1); seed < 20 && !differs; seed++ {
		differs = !slices.Equal(app.DrawSample(pop, 3, seed), a)
	}
	if !differs {
		t.Fatal("the seed does not change the sample")
	}
	seen := map[int64]bool{}
	for _, id := range app.DrawSample(pop, len(pop)+5, 7) {
		if seen[id] || !slices.Contains(pop, id) {
			t.Fatalf("sample repeats or invents %d", id)
		}
		seen[id] = true
	}
	if len(seen) != len(pop) {
		t.Fatalf("a sample larger than the population has %d of %d", len(seen), len(pop))
	}
}

func TestRandomInspectionPlan(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSuperFixture(t, db, 6)
		if _, err := f.a.RevokeAward(ctx, f.miit, app.RevokeInput{AwardID: f.awards[5].ID, Reason: "撤销", Article: "第二十条", DueDate: "2026-12-31"}); err != nil {
			t.Fatal(err)
		}
		seed := uint64(20261102)
		in := app.InspectionInput{Title: "2026年专项资金使用情况抽查", Basis: "第十七条", Kind: store.InspectRandom, SampleSize: 3, Seed: &seed}
		for _, who := range []app.Actor{f.qikai, f.inspector, f.ent} {
			if _, err := f.a.PlanInspection(ctx, who, in); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
				t.Fatalf("%s planning: %v", who.User.Role, err)
			}
		}
		too := in
		too.SampleSize = 6
		var ve dtfund.ValidationErrors
		if _, err := f.a.PlanInspection(ctx, f.miit, too); !asValidation(err, &ve) && dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("sample larger than the population of 5 awards not revoked: %v", err)
		}
		p1, err := f.a.PlanInspection(ctx, f.miit, in)
		if err != nil {
			t.Fatal(err)
		}
		p2, err := f.a.PlanInspection(ctx, f.fin, in)
		if err != nil {
			t.Fatal(err)
		}
		keyed := in
		keyed.IdempotencyKey = "form-1"
		k1, err1 := f.a.PlanInspection(ctx, f.miit, keyed)
		k2, err2 := f.a.PlanInspection(ctx, f.miit, keyed)
		if err1 != nil || err2 != nil || k1.ID != k2.ID {
			t.Fatalf("resent plan form: %d %d %v %v; want one plan", k1.ID, k2.ID, err1, err2)
		}
		if _, n, _ := f.a.InspectionPlans(ctx, f.miit, store.Page{}); n != 3 {
			t.Fatalf("%d plans, want 3", n)
		}
		s1, s2 := sampleOf(t, f, p1.ID), sampleOf(t, f, p2.ID)
		if len(s1) != 3 || !slices.Equal(s1, s2) {
			t.Fatalf("same seed and population, samples %v and %v", s1, s2)
		}
		full, _, _, err := f.a.InspectionPlan(ctx, f.miit, p1.ID, store.Page{})
		if err != nil || len(full.Population) != 5 || full.Seed != seed || slices.Contains(full.Population, f.awards[5].ID) {
			t.Fatalf("recorded population %v seed %d: %v; want the 5 awards not revoked", full.Population, full.Seed, err)
		}
		if want := app.DrawSample(full.Population, 3, seed); !slices.Equal(want, s1) {
			t.Fatalf("sample %v, re-run of the draw %v", s1, want)
		}
		if ok, err := f.a.PlanSampleReproduced(ctx, f.miit, full); err != nil || !ok {
			t.Fatalf("reproduction check: %v %v", ok, err)
		}
	})
}

func sampleOf(t *testing.T, f *superFixture, planID int64) []int64 {
	t.Helper()
	_, items, _, err := f.a.InspectionPlan(context.Background(), f.miit, planID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, it := range items {
		out = append(out, it.AwardID)
	}
	return out
}

func TestTargetedInspectionAndFindings(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSuperFixture(t, db, 2)
		var ve dtfund.ValidationErrors
		bad := app.InspectionInput{Title: "专项检查", Kind: store.InspectTargeted, USCCs: []string{"91110000600037341L"}}
		if _, err := f.a.PlanInspection(ctx, f.miit, bad); !asValidation(err, &ve) && dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("unknown organisation: %v", err)
		}
		if _, err := f.a.PlanInspection(ctx, f.miit, app.InspectionInput{Title: "空", Kind: store.InspectTargeted}); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("no targets: %v", err)
		}
		p, err := f.a.PlanInspection(ctx, f.miit, app.InspectionInput{Title: "专项检查", Kind: store.InspectTargeted,
			AwardIDs: []int64{f.awards[0].ID}, USCCs: []string{" " + f.orgs[1].USCC + " "}})
		if err != nil {
			t.Fatal(err)
		}
		_, items, total, err := f.a.InspectionPlan(ctx, f.fin, p.ID, store.Page{})
		if err != nil || total != 2 || items[0].AwardID != f.awards[0].ID || items[1].AwardID != 0 || items[1].OrgID != f.orgs[1].ID {
			t.Fatalf("targeted items: %+v %v", items, err)
		}
		it := items[0]
		if err := f.a.AssignInspection(ctx, f.miit, it.ID, f.ent.User.ID); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("assigning to an applicant: %v", err)
		}
		if err := f.a.AssignInspection(ctx, f.inspector, it.ID, f.inspector.User.ID); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("inspector assigning: %v", err)
		}
		finding := app.FindingInput{ItemID: it.ID, Finding: "软件采购发票与实际交付不符，涉嫌虚报", Violation: true, FoundOn: "2026-11-02",
			File: &app.PublicityFile{Name: "核查报告.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}}
		if _, err := f.a.RecordFinding(ctx, f.miit, finding); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("finding on an unassigned item: %v", err)
		}
		if err := f.a.AssignInspection(ctx, f.fin, it.ID, f.inspector.User.ID); err != nil {
			t.Fatal(err)
		}
		// The other inspector does not see the item at all.
		if _, err := f.a.InspectionItem(ctx, f.inspector2, it.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("unassigned inspector reading: %v", err)
		}
		if _, err := f.a.RecordFinding(ctx, f.inspector2, finding); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("unassigned inspector recording: %v", err)
		}
		if _, n, _ := f.a.InspectionTasks(ctx, f.inspector2, false, store.Page{}); n != 0 {
			t.Fatalf("unassigned inspector has %d tasks", n)
		}
		if _, err := f.a.RecordFinding(ctx, f.miit, finding); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("city official recording another's finding: %v", err)
		}
		if n, _ := f.a.OpenInspectionTasks(ctx, f.inspector); n != 1 {
			t.Fatalf("open tasks of the assignee: %d", n)
		}
		got, err := f.a.RecordFinding(ctx, f.inspector, finding)
		if err != nil || !got.Violation || got.State != store.ItemDone || got.EvidenceSHA256 == "" {
			t.Fatalf("finding: %+v %v", got, err)
		}
		if _, err := f.a.RecordFinding(ctx, f.inspector, finding); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("second finding: %v", err)
		}
		if err := f.a.AssignInspection(ctx, f.miit, it.ID, f.inspector2.User.ID); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("reassigning a concluded item: %v", err)
		}
		name, _, file, err := f.a.OpenFindingEvidence(ctx, f.inspector, it.ID)
		if err != nil || name != "核查报告.pdf" {
			t.Fatalf("evidence: %q %v", name, err)
		}
		file.Close()
		if _, _, _, err := f.a.OpenFindingEvidence(ctx, f.inspector2, it.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another inspector's evidence: %v", err)
		}
	})
}
