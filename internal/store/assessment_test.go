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

// The latest assessment of a phase is the one with the latest date, then
// the latest entered; scores beyond 100 points are refused by the table.
func TestLatestAssessmentAndLimits(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := newOrg(rand.New(rand.NewPCG(5, 6)), "220174")
		ap := &dtfund.Application{OrgID: 0, DistrictCode: "220174", State: dtfund.StateApproved, Title: "项目"}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateOrganization(ctx, org); err != nil {
				return err
			}
			c := &dtfund.Call{Category: "7.1", Title: "批次", OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour)}
			if err := tx.CreateCall(ctx, c); err != nil {
				return err
			}
			ap.CallID, ap.OrgID = c.ID, org.ID
			return tx.CreateApplication(ctx, ap)
		})
		if err != nil {
			t.Fatal(err)
		}
		add := func(phase, on string, score int64) (*store.Assessment, error) {
			a := &store.Assessment{ApplicationID: ap.ID, OrgID: org.ID, Phase: phase, AssessedOn: on, Assessor: "机构",
				Source: "computed", ScoreCenti: score, Level: 1}
			return a, db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateAssessment(ctx, a) })
		}
		if none, err := db.LatestAssessment(ctx, ap.ID, store.PhaseAfter); none != nil || err != nil {
			t.Fatalf("no assessment yet: %+v %v", none, err)
		}
		mustAdd := func(phase, on string, score int64) *store.Assessment {
			a, err := add(phase, on, score)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		mustAdd(store.PhaseAfter, "2026-10-20", 4000)
		later := mustAdd(store.PhaseAfter, "2026-10-20", 4500) // same day, entered later
		mustAdd(store.PhaseAfter, "2026-10-19", 9000)          // entered last but dated earlier
		mustAdd(store.PhaseBefore, "2026-10-25", 1000)
		got, err := db.LatestAssessment(ctx, ap.ID, store.PhaseAfter)
		if err != nil || got.ID != later.ID || got.Result != "{}" || got.Findings != "[]" {
			t.Errorf("latest after: %+v %v, want %d", got, err, later.ID)
		}
		if _, err := add(store.PhaseAfter, "2026-10-21", 10001); err == nil {
			t.Error("101 points stored")
		}
		if list, _ := db.Assessments(ctx, ap.ID); len(list) != 4 || list[0].AssessedOn != "2026-10-19" {
			t.Errorf("assessments oldest first: %d", len(list))
		}
	})
}

// Corrections are numbered per base version; a number is used once.
func TestIndicatorCorrectionRevisionsUnique(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		add := func(base string, rev int, key string) error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				return tx.CreateIndicatorCorrection(ctx, &store.IndicatorCorrection{BaseVersion: base, Revision: rev, FigureKey: key,
					OldValue: "40", NewValue: "45", EffectiveFrom: "2026-10-15", Citation: "工信厅企业〔2024〕56号", Confirmed: true})
			})
		}
		for _, c := range []struct {
			rev int
			key string
		}{{2, "b"}, {1, "a"}} {
			if err := add("2024.1", c.rev, c.key); err != nil {
				t.Fatal(err)
			}
		}
		if err := add("2024.1", 2, "c"); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Errorf("second revision 2: %v", err)
		}
		if err := add("2025.1", 1, "x"); err != nil {
			t.Errorf("revision 1 of another base: %v", err)
		}
		cs, err := db.IndicatorCorrections(ctx, "2024.1")
		if err != nil || len(cs) != 2 || cs[0].FigureKey != "a" || cs[1].FigureKey != "b" || !cs[0].Confirmed {
			t.Errorf("corrections in revision order: %+v %v", cs, err)
		}
		if _, total, err := db.FindIndicatorCorrections(ctx, store.Page{}); err != nil || total != 3 {
			t.Errorf("all corrections: %d %v", total, err)
		}
	})
}
