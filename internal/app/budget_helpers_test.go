package app_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

const wan = 1_000_000 // fen per 万元

// fundBudget releases a year's money and allocates it so that approvals
// can commit: central 1000万元 (800万 to 第七条（一）, 40万 to each of
// （二）–（六）: exactly 20%), provincial and city 100万元 each, 10万 to each
// of their lines. The finance actor must be 市财政局.
func fundBudget(t *testing.T, a *app.App, finance app.Actor, year int) {
	t.Helper()
	release(t, a, finance, year, store.SourceCentral, 1000*wan)
	release(t, a, finance, year, store.SourceProvincial, 100*wan)
	release(t, a, finance, year, store.SourceCity, 100*wan)
	allocate(t, a, finance, year, store.SourceCentral, "7.1", 800*wan)
	for _, c := range []string{"7.2", "7.3", "7.4", "7.5", "7.6"} {
		allocate(t, a, finance, year, store.SourceCentral, c, 40*wan)
	}
	for _, src := range []string{store.SourceProvincial, store.SourceCity} {
		for _, c := range dtfund.CallCategories {
			allocate(t, a, finance, year, src, c, 10*wan)
		}
	}
}

var releaseSeq int

func release(t *testing.T, a *app.App, finance app.Actor, year int, source string, fen int64) *store.BudgetRelease {
	t.Helper()
	releaseSeq++
	r, _, err := a.ReleaseBudget(context.Background(), finance, app.ReleaseInput{Year: year, Source: source,
		DocNumber: fmt.Sprintf("财预〔%d〕%d号", year, releaseSeq), DocDate: strconv.Itoa(year) + "-01-15", AmountFen: fen})
	if err != nil {
		t.Fatalf("release %s %d: %v", source, fen, err)
	}
	return r
}

func allocate(t *testing.T, a *app.App, finance app.Actor, year int, source, category string, fen int64) {
	t.Helper()
	if _, err := a.Allocate(context.Background(), finance, app.AllocationInput{Year: year, Source: source, Category: category,
		AmountFen: fen}); err != nil {
		t.Fatalf("allocate %s %s %d: %v", source, category, fen, err)
	}
}

// verifyBooks fails the test unless the ledger balances and no balance
// other than the treasury's is negative.
func verifyBooks(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	v, err := db.VerifyLedger(ctx)
	if err != nil || !v.OK() {
		t.Fatalf("ledger verification: %+v, %v", v, err)
	}
	accts, err := db.Accounts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		if a.BalanceFen < 0 && a.Kind != store.AccountExternal {
			t.Fatalf("account %s balance %d < 0", a.Code, a.BalanceFen)
		}
	}
}
