package app_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

func TestBatchExcelHasRowsAndTotal(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newPayFixture(t, db, 3)
		b := f.paidBatch(t, map[int64]int64{f.awards[0].ID: 1_234_567, f.awards[1].ID: 2_000_000, f.awards[2].ID: 10_000_000})
		data, err := f.a.BatchExcel(context.Background(), f.fin, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("拨付清单")
		if err != nil || len(rows) != 5 || rows[0][2] != "受款单位" || rows[0][7] != "拨付金额（元）" {
			t.Fatalf("rows = %v, %v", rows, err)
		}
		if rows[1][7] != "12,345.67" || rows[4][6] != "合计" || rows[4][7] != "132,345.67" {
			t.Fatalf("amounts: %v / total %v", rows[1], rows[4])
		}
		if p, _ := x.GetPanes("拨付清单"); !p.Freeze || p.YSplit != 1 {
			t.Fatalf("header row not frozen: %+v", p)
		}
		if _, err := f.a.BatchExcel(context.Background(), f.dfinA, b.ID); err == nil {
			t.Fatal("district finance exported the city's batch")
		}
	})
}

// TestMoneyRandomised runs random releases, allocations (the 80/20 rule may
// refuse them), payments, payouts, revocations and repayments; after each
// the books balance, no balance is negative, no award is paid beyond its
// amount, nothing is recovered beyond what was paid, and the central split
// holds. (Commitments under random load are TestBudgetProperty's.)
func TestMoneyRandomised(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPayFixture(t, db, 6)
		r := rand.New(rand.NewPCG(7, 11))
		steps := 200
		if db.Engine == store.Postgres {
			steps = 120
		}
		allocated, refused := 0, 0
		for i := 0; i < steps; i++ {
			aw := f.awards[r.IntN(len(f.awards))]
			switch r.IntN(6) {
			case 0: // pay part of what is unpaid
				if c := balance(t, db, store.CommitmentAccount(aw.ID)); c > 0 {
					f.paidBatch(t, map[int64]int64{aw.ID: 1 + r.Int64N(c)})
				}
			case 1: // pay out one instruction in transit, sometimes twice
				ins, _, _, _ := db.FindInstructions(ctx, store.InstructionFilter{State: store.InstrIssued, Page: store.Page{Limit: 200}})
				if len(ins) > 0 {
					in := ins[r.IntN(len(ins))]
					who := f.dfinA
					if in.DistrictCode == "220173" {
						who = f.dfinB
					}
					for k := 0; k <= r.IntN(2); k++ {
						if _, err := f.a.RecordPayout(ctx, who, in.ID, "R-1"); err != nil {
							t.Fatalf("step %d payout: %v", i, err)
						}
					}
				}
			case 2:
				if r.IntN(4) == 0 {
					_, _ = f.a.RevokeAward(ctx, f.miit, app.RevokeInput{AwardID: aw.ID, Reason: "随机撤销", Article: "第二十条", DueDate: "2026-12-31"})
				}
			case 3:
				if o := balance(t, db, store.ReceivableAccount(aw.ID)); o > 0 {
					amt := 1 + r.Int64N(o+o/4) // sometimes too much: refused
					_, err := f.a.RecordRepayment(ctx, f.fin, app.RepayInput{AwardID: aw.ID, AmountFen: amt, PaidOn: "2026-11-02", BankRef: "B-" + strconv.Itoa(i)})
					if (err == nil) != (amt <= o) {
						t.Fatalf("step %d repay %d of %d: %v", i, amt, o, err)
					}
				}
			case 4: // a further release
				_, _, err := f.a.ReleaseBudget(ctx, f.fin, app.ReleaseInput{Year: 2026, Source: store.SourceCentral,
					DocNumber: "随机下达〔2026〕" + strconv.Itoa(i) + "号", DocDate: "2026-10-01", AmountFen: 1 + r.Int64N(5_000_000)})
				if err != nil {
					t.Fatalf("step %d release: %v", i, err)
				}
			case 5: // allocate to a random central line; the 80/20 rule or the source's money may refuse
				cats := []string{"7.1", "7.2", "7.3", "7.4", "7.5", "7.6"}
				if _, err := f.a.Allocate(ctx, f.fin, app.AllocationInput{Year: 2026, Source: store.SourceCentral,
					Category: cats[r.IntN(len(cats))], AmountFen: 1 + r.Int64N(3_000_000)}); err == nil {
					allocated++
				} else {
					refused++
				}
			}
			checkMoneyInvariants(t, f, i)
			if ov, err := f.a.BudgetOverview(ctx, f.fin, 2026); err != nil || !ov.Split.OK() {
				t.Fatalf("step %d: central split %+v, %v", i, ov.Split, err)
			}
		}
		if allocated == 0 || refused == 0 {
			t.Fatalf("allocations: %d accepted, %d refused; the walk must exercise both", allocated, refused)
		}
	})
}

func checkMoneyInvariants(t *testing.T, f *payFixture, step int) {
	t.Helper()
	booksBalance(t, f)
	ms, err := f.db.AwardsMoney(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.PaidFen > m.AmountFen || m.RecoveredFen > m.PaidFen {
			t.Fatalf("step %d award %d: amount %d paid %d recovered %d", step, m.AwardID, m.AmountFen, m.PaidFen, m.RecoveredFen)
		}
	}
}

func TestExecutionReportAddsUp(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newPayFixture(t, db, 3)
		f.paidBatch(t, map[int64]int64{f.awards[2].ID: 10_000_000})
		rows, err := f.a.Execution(context.Background(), f.fin, "source")
		if err != nil || len(rows) != 1 || rows[0].ReleasedFen != 80_000_000 || rows[0].CommittedFen != 30_000_000 ||
			rows[0].PaidFen != 10_000_000 || rows[0].AvailableFen != 50_000_000 {
			t.Fatalf("execution by source: %+v %v", rows[0], err)
		}
		if _, err := f.a.Execution(context.Background(), f.dfinA, "source"); err == nil {
			t.Fatal("district finance saw the city's execution report")
		}
	})
}
