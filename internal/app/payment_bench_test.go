package app_test

import (
	"context"
	"sort"
	"strconv"
	"testing"
	"time"

	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// BenchmarkMoney measures, on SQLite with 100,000 ledger entries already
// posted, committing an award (Dr commitment / Cr line) and recording a
// payment (issue city → district, then payout to the recipient), against a
// bare one-row insert transaction on the same database.
//
//	go test ./internal/app -run '^$' -bench BenchmarkMoney -benchtime 300x
func BenchmarkMoney(b *testing.B) {
	ctx := context.Background()
	db := testdb.SQLite(b)
	f := newPayFixture(b, db, 1)
	seedLedger(b, db, 100_000)
	var base, commit, pay []time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.EnsureAccount(ctx, "recipient:org:bench"+strconv.Itoa(i), store.AccountRecipient, "基准")
			return err
		}); err != nil {
			b.Fatal(err)
		}
		base = append(base, time.Since(t0))

		aw := f.awardUncommitted(b)
		t0 = time.Now()
		if err := db.InTx(ctx, func(tx *store.Tx) error { return commitAward(ctx, tx, aw) }); err != nil {
			b.Fatal(err)
		}
		commit = append(commit, time.Since(t0))

		p, _ := f.a.ProposePlan(ctx, f.miit, app.PlanInput{Year: 2026, Title: "基准", Items: []store.PlanItem{{AwardID: aw.ID, AmountFen: aw.AmountFen}}})
		_ = f.a.DecidePlan(ctx, f.fin, p.ID, true, "")
		bt, err := f.a.CreatePaymentBatch(ctx, f.fin, p.ID)
		if err != nil {
			b.Fatal(err)
		}
		in := f.instructions(b, bt.ID)[0]
		t0 = time.Now()
		if _, err := f.a.IssueBatch(ctx, f.fin, bt.ID); err != nil {
			b.Fatal(err)
		}
		if in.DistrictCode != "" {
			who := f.dfinA
			if in.DistrictCode == "220173" {
				who = f.dfinB
			}
			if _, err := f.a.RecordPayout(ctx, who, in.ID, "BENCH"); err != nil {
				b.Fatal(err)
			}
		}
		pay = append(pay, time.Since(t0))
	}
	report(b, "baseline", base)
	report(b, "commit", commit)
	report(b, "payment", pay)
	b.ReportMetric(pct(commit, 99)/pct(base, 99), "commit-p99/baseline-p99")
	b.ReportMetric(pct(pay, 99)/pct(base, 99), "payment-p99/baseline-p99")
}

func report(b *testing.B, name string, ds []time.Duration) {
	b.ReportMetric(pct(ds, 50), name+"-p50-ms")
	b.ReportMetric(pct(ds, 99), name+"-p99-ms")
}

func pct(ds []time.Duration, p int) float64 {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0
	}
	return float64(s[(len(s)-1)*p/100].Microseconds()) / 1000
}

// seedLedger posts n entries quickly: transactions of 100 entries (99
// one-fen debits and one credit), 100 transactions per write transaction.
func seedLedger(b *testing.B, db *store.DB, n int) {
	ctx := context.Background()
	for done := 0; done < n; {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for k := 0; k < 100 && done < n; k++ {
				ps := make([]store.Posting, 0, 100)
				for j := 0; j < 99; j++ {
					code := "recipient:org:seed" + strconv.Itoa(j)
					if _, err := tx.EnsureAccount(ctx, code, store.AccountRecipient, "种子"); err != nil {
						return err
					}
					ps = append(ps, store.Posting{Account: code, AmountFen: 1})
				}
				ps = append(ps, store.Posting{Account: payLine, AmountFen: -99})
				if _, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "seed", Postings: ps}); err != nil {
					return err
				}
				done += 100
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// awardUncommitted creates an award without committing it.
func (f *payFixture) awardUncommitted(b *testing.B) *store.Award {
	aw := f.award(b, f.orgs[len(f.awards)%len(f.orgs)], 10_000)
	// award() commits; undo by a reversal so the timed commit does the work.
	ctx := context.Background()
	if err := f.db.InTx(ctx, func(tx *store.Tx) error {
		_, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "uncommit", Postings: []store.Posting{{Account: payLine, AmountFen: aw.AmountFen},
			{Account: store.CommitmentAccount(aw.ID), AmountFen: -aw.AmountFen}}})
		return err
	}); err != nil {
		b.Fatal(err)
	}
	return aw
}

// commitAward is a commitment like the budget part's: Dr commitment / Cr line.
func commitAward(ctx context.Context, tx *store.Tx, aw *store.Award) error {
	_, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "commit", IdempotencyKey: "bench-commit:" + strconv.FormatInt(aw.ID, 10),
		RefType: "award", RefID: strconv.FormatInt(aw.ID, 10), Postings: []store.Posting{{Account: store.CommitmentAccount(aw.ID), AmountFen: aw.AmountFen},
			{Account: payLine, AmountFen: -aw.AmountFen}}})
	return err
}
