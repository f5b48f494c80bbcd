package store_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// letterFixture has a district official and an organisation in 汽开区 and
// in 高新区, and calls to recommend applications under.
type letterFixture struct {
	db             *store.DB
	qikai, gaoxin  *dtfund.User
	orgQ, orgG     *dtfund.Organization
	callIDs        []int64
	recommendedIDs map[int64][]int64 // call → applications recommended
}

func newLetterFixture(t *testing.T, db *store.DB, calls int) *letterFixture {
	t.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 4))
	f := &letterFixture{db: db, recommendedIDs: map[int64][]int64{},
		qikai:  &dtfund.User{Username: "qikai", DisplayName: "汽开区经办人", Role: dtfund.RoleDistrictMIIT, DistrictCode: "220174"},
		gaoxin: &dtfund.User{Username: "gaoxin", DisplayName: "高新区经办人", Role: dtfund.RoleDistrictMIIT, DistrictCode: "220173"},
		orgQ:   newOrg(r, "220174"), orgG: newOrg(r, "220173")}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, u := range []*dtfund.User{f.qikai, f.gaoxin} {
			if err := tx.CreateUser(ctx, u, "x"); err != nil {
				return err
			}
		}
		for _, o := range []*dtfund.Organization{f.orgQ, f.orgG} {
			if err := tx.CreateOrganization(ctx, o); err != nil {
				return err
			}
		}
		now := time.Now()
		for i := 0; i < calls; i++ {
			c := &dtfund.Call{Category: "7.1", Title: "批次" + string(rune('A'+i)), OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour)}
			if err := tx.CreateCall(ctx, c); err != nil {
				return err
			}
			f.callIDs = append(f.callIDs, c.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// recommend inserts an application of org in state, recommended by official.
func (f *letterFixture) recommend(t *testing.T, callID int64, org *dtfund.Organization, official *dtfund.User, state dtfund.AppState) int64 {
	t.Helper()
	ctx := context.Background()
	a := &dtfund.Application{CallID: callID, OrgID: org.ID, DistrictCode: org.DistrictCode, State: state, Title: "项目", RequestedFen: 12345600}
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateApplication(ctx, a); err != nil {
			return err
		}
		return tx.AddRecommendation(ctx, &store.Recommendation{ApplicationID: a.ID, CallID: callID, DistrictCode: org.DistrictCode,
			Opinion: "同意推荐", OfficialID: official.ID, OfficialName: official.DisplayName})
	})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func (f *letterFixture) letter(callID int64, official *dtfund.User) (*store.Letter, error) {
	ctx := context.Background()
	l := &store.Letter{DistrictCode: official.DistrictCode, CallID: callID, OfficialID: official.ID, OfficialName: official.DisplayName}
	err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateLetter(ctx, l) })
	return l, err
}

func TestLetterNumbersSequentialPerDistrictAndYear(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const concurrent = 8
		f := newLetterFixture(t, db, concurrent+1)
		march := time.Date(2026, 3, 5, 10, 0, 0, 0, calendar.Shanghai)
		db.SetClock(func() time.Time { return march })

		first := f.callIDs[0]
		in := f.recommend(t, first, f.orgQ, f.qikai, dtfund.StateRecommended)
		later := f.recommend(t, first, f.orgQ, f.qikai, dtfund.StateExpertReview)
		gone := f.recommend(t, first, f.orgQ, f.qikai, dtfund.StateWithdrawn)
		l, err := f.letter(first, f.qikai)
		if err != nil || l.Seq != 1 || l.Number != "长汽开工信推〔2026〕1号" || l.Date != "2026-03-05" {
			t.Fatalf("first letter = %+v, %v", l, err)
		}
		got, err := db.Letter(ctx, l.ID, "220174")
		if err != nil || len(got.Items) != 2 || got.Items[0].ApplicationID != in || got.Items[1].ApplicationID != later ||
			got.Items[0].Opinion != "同意推荐" || got.TotalRequestedFen() != 2*12345600 {
			t.Fatalf("letter items = %+v, %v (withdrawn %d must be left out)", got, err, gone)
		}
		// Nothing left to send: refused, and the number is not used up.
		if _, err := f.letter(first, f.qikai); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("empty letter: %v, want EINVALID", err)
		}
		if r, _ := db.Recommendation(ctx, gone); r == nil || r.LetterID != 0 {
			t.Fatalf("withdrawn application's recommendation = %+v, want not in a letter", r)
		}

		// Letters created at once for other calls get the next numbers, each once.
		var wg sync.WaitGroup
		seqs := make([]int, concurrent)
		errs := make([]error, concurrent)
		for i := 0; i < concurrent; i++ {
			call := f.callIDs[i+1]
			f.recommend(t, call, f.orgQ, f.qikai, dtfund.StateRecommended)
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				l, err := f.letter(call, f.qikai)
				seqs[i], errs[i] = l.Seq, err
			}(i)
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("concurrent letter: %v", err)
			}
		}
		slices.Sort(seqs)
		for i, s := range seqs {
			if s != i+2 {
				t.Fatalf("concurrent letters got numbers %v, want 2…%d each once", seqs, concurrent+1)
			}
		}

		// Another district counts on its own; so does a new year.
		f.recommend(t, first, f.orgG, f.gaoxin, dtfund.StateRecommended)
		if l, err := f.letter(first, f.gaoxin); err != nil || l.Number != "长高新工信推〔2026〕1号" {
			t.Fatalf("other district's first letter = %+v, %v", l, err)
		}
		db.SetClock(func() time.Time { return time.Date(2027, 1, 1, 0, 30, 0, 0, calendar.Shanghai) })
		f.recommend(t, first, f.orgQ, f.qikai, dtfund.StateRecommended)
		if l, err := f.letter(first, f.qikai); err != nil || l.Number != "长汽开工信推〔2027〕1号" || l.Year != 2027 {
			t.Fatalf("new year's first letter = %+v, %v", l, err)
		}

		// A district official's lookup never finds another district's letter.
		if _, err := db.Letter(ctx, l.ID, "220173"); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("other district reading our letter: %v", err)
		}
		ls, total, err := db.FindLetters(ctx, store.LetterFilter{DistrictCode: "220174"})
		if err != nil || total != concurrent+2 || len(ls) != total {
			t.Fatalf("district's letters: %d of %d, %v", len(ls), total, err)
		}
	})
}

func TestQuotaCountsRecommendedAndBeyond(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newLetterFixture(t, db, 1)
		call := f.callIDs[0]
		for _, s := range dtfund.AppStates {
			f.recommend(t, call, f.orgQ, f.qikai, s)
		}
		n, err := db.CountQuotaUsed(ctx, call, "220174")
		if err != nil || n != len(store.QuotaStates) {
			t.Fatalf("places used = %d, %v; want %d (one application per counted state)", n, err, len(store.QuotaStates))
		}
		for _, s := range []dtfund.AppState{dtfund.StateWithdrawn, dtfund.StateReviewFailed, dtfund.StateSubmitted, dtfund.StateNotRecommended} {
			if slices.Contains(store.QuotaStates, s) {
				t.Errorf("%s must not take a place", s)
			}
		}
	})
}
