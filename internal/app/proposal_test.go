package app_test

import (
	"context"
	"errors"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// A proposed award starts at 评审通过 with its origin, a timeline event and
// an audit record; proposing the same source record again is a replay.
func TestProposeApplicationIsIdempotentPerSource(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		p := app.Proposal{CallID: f.call.ID, OrgID: f.org.ID, Origin: dtfund.OriginMatching, OriginRef: "match:1",
			Title: "企业上云奖补", Summary: "确认使用云服务3项", RequestFen: 2_000_000, Citation: "第十五条"}
		var first, again *dtfund.Application
		var replay bool
		if err := db.InTx(ctx, func(tx *store.Tx) (err error) {
			first, replay, err = app.ProposeApplication(ctx, tx, f.city, p)
			return err
		}); err != nil || replay {
			t.Fatalf("propose: replay=%v err=%v", replay, err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) (err error) {
			again, replay, err = app.ProposeApplication(ctx, tx, f.city, p)
			return err
		}); err != nil || !replay || again.ID != first.ID {
			t.Fatalf("second propose: replay=%v id=%d want %d err=%v", replay, again.ID, first.ID, err)
		}
		got, err := f.a.Application(ctx, f.city, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != dtfund.StateReviewed || got.Origin != dtfund.OriginMatching || got.OriginRef != "match:1" ||
			got.RequestedFen != 2_000_000 || got.DistrictCode != f.org.DistrictCode {
			t.Fatalf("proposed application = %+v", got)
		}
		evs, err := f.a.Events(ctx, f.city, first.ID)
		if err != nil || len(evs) != 1 || evs[0].Action != "propose" || evs[0].Citation != "第十五条" {
			t.Fatalf("events = %+v, %v", evs, err)
		}
		audits, err := db.FindAudit(ctx, store.AuditFilter{Action: "application.propose"})
		if err != nil || len(audits) != 1 {
			t.Fatalf("audit rows = %d, %v", len(audits), err)
		}
	})
}

func TestProposeApplicationValidates(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, _, err := app.ProposeApplication(ctx, tx, f.city, app.Proposal{CallID: f.call.ID, OrgID: f.org.ID, Origin: "applied"})
			return err
		})
		var v dtfund.ValidationErrors
		if !errors.As(err, &v) {
			t.Fatalf("err = %v, want field errors", err)
		}
		fields := v.ByField()
		for _, k := range []string{"origin", "origin_ref", "title", "request", "citation"} {
			if fields[k] == "" {
				t.Errorf("no error for %s in %v", k, err)
			}
		}
	})
}
