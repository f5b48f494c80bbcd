package store_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

func testCall(title string, opens, closes time.Time) *dtfund.Call {
	return &dtfund.Call{Category: "7.1", Title: title, Notice: "申报通知", OpensAt: opens, ClosesAt: closes,
		WindowFrom: "2025-01-01", WindowTo: "2026-12-31", Materials: []string{"申报书", "合同"}, BudgetLine: "试点资金",
		ParamsVersion: "2024.1", Overrides: []dtfund.CallOverride{{Key: "cap.7_1.cumulative_fen", Value: 30_000_000, Source: "长工信发〔2026〕1号"}},
		Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 60}, {Name: "成效", Weight: 40}}, PassMark: 60},
		Quotas: map[string]int{"220174": 3}}
}

func TestCallsCRUD(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
		open := testCall("开放批次", now.Add(-time.Hour), now.Add(time.Hour))
		closed := testCall("已截止批次", now.Add(-48*time.Hour), now.Add(-24*time.Hour))
		closed.Category = "7.3"
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateCall(ctx, open); err != nil {
				return err
			}
			return tx.CreateCall(ctx, closed)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Call(ctx, open.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != open.Title || !got.OpensAt.Equal(open.OpensAt) || !got.ClosesAt.Equal(open.ClosesAt) ||
			!reflect.DeepEqual(got.Materials, open.Materials) || !reflect.DeepEqual(got.Overrides, open.Overrides) ||
			!reflect.DeepEqual(got.Rubric, open.Rubric) || !reflect.DeepEqual(got.Quotas, open.Quotas) || got.WindowTo != "2026-12-31" {
			t.Fatalf("read back %+v, want %+v", got, open)
		}
		// Update: the new values come back, the creation time stays.
		got.Notice, got.ClosesAt, got.Materials = "更新后的通知", now.Add(48*time.Hour), []string{"申报书"}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateCall(ctx, got) }); err != nil {
			t.Fatal(err)
		}
		again, _ := db.Call(ctx, open.ID)
		if again.Notice != "更新后的通知" || !again.ClosesAt.Equal(now.Add(48*time.Hour)) || len(again.Materials) != 1 ||
			!again.CreatedAt.Equal(got.CreatedAt) {
			t.Fatalf("after update: %+v", again)
		}
		missing := &dtfund.Call{ID: 999999, Category: "7.1", Title: "x", OpensAt: now, ClosesAt: now.Add(time.Hour)}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateCall(ctx, missing) }); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("update of a missing call: %v", err)
		}
		if _, err := db.Call(ctx, 999999); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("missing call: %v", err)
		}
		checkCallFilters(t, db, now, open, closed)
	})
}

func checkCallFilters(t *testing.T, db *store.DB, now time.Time, open, closed *dtfund.Call) {
	t.Helper()
	ctx := context.Background()
	ids := func(f store.CallFilter) []int64 {
		cs, total, err := db.FindCalls(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, c := range cs {
			out = append(out, c.ID)
		}
		if f.Page.Limit == 0 && total != len(out) {
			t.Fatalf("total %d for %d rows", total, len(out))
		}
		return out
	}
	if got := ids(store.CallFilter{}); !reflect.DeepEqual(got, []int64{closed.ID, open.ID}) {
		t.Fatalf("all calls newest first = %v", got)
	}
	if got := ids(store.CallFilter{OpenAt: now}); !reflect.DeepEqual(got, []int64{open.ID}) {
		t.Fatalf("open calls = %v", got)
	}
	if got := ids(store.CallFilter{Category: "7.3"}); !reflect.DeepEqual(got, []int64{closed.ID}) {
		t.Fatalf("7.3 calls = %v", got)
	}
	// An organisation that applied to the closed call still sees it.
	org := newOrg(rand.New(rand.NewPCG(5, 5)), "220174")
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateOrganization(ctx, org); err != nil {
			return err
		}
		return tx.CreateApplication(ctx, &dtfund.Application{CallID: closed.ID, OrgID: org.ID, DistrictCode: "220174", State: dtfund.StateDraft})
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(store.CallFilter{OpenAt: now, ApplicantOrgID: org.ID}); !reflect.DeepEqual(got, []int64{closed.ID, open.ID}) {
		t.Fatalf("calls an applicant sees = %v", got)
	}
	if got := ids(store.CallFilter{OpenAt: now, ApplicantOrgID: org.ID + 1000}); !reflect.DeepEqual(got, []int64{open.ID}) {
		t.Fatalf("calls another applicant sees = %v", got)
	}
	if got := ids(store.CallFilter{Page: store.Page{Limit: 1, Offset: 1}}); !reflect.DeepEqual(got, []int64{open.ID}) {
		t.Fatalf("second page = %v", got)
	}
}

func TestLiveApplicationAndAttachments(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		call := testCall("批次", now.Add(-time.Hour), now.Add(time.Hour))
		org := newOrg(rand.New(rand.NewPCG(6, 6)), "220174")
		ap := &dtfund.Application{OrgID: 0, DistrictCode: "220174", State: dtfund.StateWithdrawn}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateCall(ctx, call); err != nil {
				return err
			}
			if err := tx.CreateOrganization(ctx, org); err != nil {
				return err
			}
			ap.CallID, ap.OrgID = call.ID, org.ID
			return tx.CreateApplication(ctx, ap)
		})
		if err != nil {
			t.Fatal(err)
		}
		var number string
		var n int
		db.InTx(ctx, func(tx *store.Tx) error {
			number, _, err = tx.LiveApplication(ctx, call.ID, org.ID)
			n, _ = tx.CallApplicationCount(ctx, call.ID)
			return err
		})
		if err != nil || number != "" || n != 1 {
			t.Fatalf("a withdrawn application is not live: %q, %d, %v", number, n, err)
		}
		// The same bytes under two links: one content row.
		sum := "ab" + "cdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
		a1 := &store.Attachment{ApplicationID: ap.ID, SHA256: sum, Size: 10, ContentType: "application/pdf", Name: "a.pdf", Kind: "合同"}
		a2 := &store.Attachment{ApplicationID: ap.ID, SHA256: sum, Size: 10, ContentType: "application/pdf", Name: "b.pdf", Kind: "申报书"}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.AddAttachment(ctx, a1); err != nil {
				return err
			}
			return tx.AddAttachment(ctx, a2)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteAttachment(ctx, ap.ID, a1.ID, 0) }); err != nil {
			t.Fatal(err)
		}
		atts, err := db.Attachments(ctx, ap.ID)
		if err != nil || len(atts) != 1 || atts[0].Name != "b.pdf" || atts[0].ContentType != "application/pdf" {
			t.Fatalf("current attachments = %+v, %v", atts, err)
		}
		gone, err := db.Attachment(ctx, ap.ID, a1.ID)
		if err != nil || gone.DeletedAt.IsZero() {
			t.Fatalf("a removed attachment keeps its row with the time: %+v, %v", gone, err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteAttachment(ctx, ap.ID, a1.ID, 0) }); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("removing twice: %v", err)
		}
		if _, err := db.Attachment(ctx, ap.ID+1, a2.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("attachment under another application: %v", err)
		}
	})
}
