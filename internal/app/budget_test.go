package app_test

import (
	"context"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

func budgetFixture(t *testing.T, db *store.DB) *processFixture {
	t.Helper()
	f := newProcessFixture(t, db)
	f.setClock(atShanghai(t, "2026-10-13 10:00"))
	return f
}

func TestCentralSplitAtExactlyEightyPercentAndOneFenOver(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := budgetFixture(t, db)
		release(t, f.a, f.finance, 2026, store.SourceCentral, 1_000_000) // 1万元
		allocate(t, f.a, f.finance, 2026, store.SourceCentral, "7.1", 700_000)
		allocate(t, f.a, f.finance, 2026, store.SourceCentral, "7.2", 100_000)
		allocate(t, f.a, f.finance, 2026, store.SourceCentral, "7.5", 99_999)
		allocate(t, f.a, f.finance, 2026, store.SourceCentral, "7.3", 1) // exactly 20.00%: （一） keeps 80.00%
		o, err := f.a.BudgetOverview(ctx, f.finance, 2026)
		if err != nil || !o.Split.OK() || o.Split.OtherPercent() != "20.00%" || o.Split.OtherFen != 200_000 {
			t.Fatalf("split at 80/20: %+v, %v", o.Split, err)
		}
		// One fen more to a non-（一） line (the source still holds 10万 fen):
		// refused, citing the rule, with the shares.
		_, err = f.a.Allocate(ctx, f.finance, app.AllocationInput{Year: 2026, Source: store.SourceCentral, Category: "7.3", AmountFen: 1})
		msg := dtfund.ErrorMessage(err)
		if dtfund.ErrorCode(err) != dtfund.EINVALID || !strings.Contains(msg, "财建〔2023〕117号") || !strings.Contains(msg, "20.01%") ||
			!strings.Contains(msg, "80.00%") {
			t.Fatalf("one fen over 20%%: %v", err)
		}
		if b, _ := db.Balance(ctx, store.LineAccount(store.SourceCentral, 2026, "7.3")); b != 1 {
			t.Fatalf("refused allocation wrote: line 7.3 = %d", b)
		}
		// The rest to 第七条（一） is fine; deallocating from a line is too.
		allocate(t, f.a, f.finance, 2026, store.SourceCentral, "7.1", 100_000)
		if _, err := f.a.Allocate(ctx, f.finance, app.AllocationInput{Year: 2026, Source: store.SourceCentral, Category: "7.2",
			AmountFen: 100_000, Deallocate: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Allocate(ctx, f.finance, app.AllocationInput{Year: 2026, Source: store.SourceCentral, Category: "7.2",
			AmountFen: 1, Deallocate: true}); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("deallocating more than the line holds: %v", err)
		}
		verifyBooks(t, db)
	})
}

func TestReleaseIdempotentPerDocumentAndSource(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := budgetFixture(t, db)
		in := app.ReleaseInput{Year: 2026, Source: store.SourceCentral, DocNumber: "财建〔2026〕88号", DocDate: "2026-03-01", AmountFen: 5 * wan}
		r, replay, err := f.a.ReleaseBudget(ctx, f.finance, in)
		if err != nil || replay || r.LedgerTxID == 0 {
			t.Fatalf("release: %+v %v %v", r, replay, err)
		}
		again, replay, err := f.a.ReleaseBudget(ctx, f.finance, in)
		if err != nil || !replay || again.ID != r.ID {
			t.Fatalf("resent release: %+v %v %v", again, replay, err)
		}
		in.AmountFen++
		if _, _, err := f.a.ReleaseBudget(ctx, f.finance, in); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("same document, other amount: %v", err)
		}
		in.Source = store.SourceCity // the same number for another source is another release
		if _, replay, err := f.a.ReleaseBudget(ctx, f.finance, in); err != nil || replay {
			t.Fatalf("other source: %v %v", replay, err)
		}
		if b, _ := db.Balance(ctx, store.SourceAccount(store.SourceCentral, 2026)); b != 5*wan {
			t.Fatalf("central source = %d, want one release", b)
		}
		list, total, _ := db.Releases(ctx, 2026, store.Page{})
		if total != 2 || len(list) != 2 {
			t.Fatalf("releases: %d", total)
		}
		// Bad input and the wrong role change nothing.
		_, _, err = f.a.ReleaseBudget(ctx, f.finance, app.ReleaseInput{Year: 2019, Source: "x", DocDate: "2099-01-01"})
		var ve dtfund.ValidationErrors
		if !asValidation(err, &ve) || len(ve.ByField()) != 5 {
			t.Fatalf("bad release: %v", err)
		}
		if _, _, err := f.a.ReleaseBudget(ctx, f.city, in); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("city_miit releasing: %v", err)
		}
		if _, total, _ := db.Releases(ctx, 2026, store.Page{}); total != 2 {
			t.Fatal("refused release written")
		}
		verifyBooks(t, db)
	})
}

func TestPerformanceTargets(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := budgetFixture(t, db)
		if _, err := f.a.AddTarget(ctx, f.finance, app.TargetInput{Year: 2026, Indicator: "试点行业规上企业数字化水平二级以上占比",
			TargetValue: "≥ 90", Unit: "%", SourceDoc: "财建〔2023〕117号"}); err != nil {
			t.Fatal(err)
		}
		_, err := f.a.AddTarget(ctx, f.finance, app.TargetInput{Year: 2026})
		var ve dtfund.ValidationErrors
		if !asValidation(err, &ve) || ve.ByField()["indicator"] == "" || ve.ByField()["target_source"] == "" {
			t.Fatalf("empty target: %v", err)
		}
		if _, err := f.a.AddTarget(ctx, f.city, app.TargetInput{}); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("city_miit adding a target: %v", err)
		}
		if ts, total, _ := f.a.Targets(ctx, f.city, 2026, store.Page{}); total != 1 || ts[0].TargetValue != "≥ 90" {
			t.Fatalf("targets: %d", total)
		}
	})
}
