package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// TestTwoInstancesNeverOverspend commits awards from two instances (two
// database handles, as two server processes have) racing for the last
// money of one budget line: exactly as many commitments succeed as the
// line holds, every refusal says why, and the books balance.
func TestTwoInstancesNeverOverspend(t *testing.T) {
	testdb.URLs(t, func(t *testing.T, url string) {
		ctx := context.Background()
		instances := []*store.DB{testdb.Open(t, url), testdb.Open(t, url)}
		r := newAwardRig(t, instances[0])
		release(t, r.f.a, r.f.finance, 2026, store.SourceCentral, 500*wan)
		allocate(t, r.f.a, r.f.finance, 2026, store.SourceCentral, "7.4", 23*wan+5000) // 23 awards of 1万 fit
		const n = 60
		awards := make([]*store.Award, n)
		for i := range awards {
			awards[i] = r.award(t, "7.4", store.FundCentral, 1*wan)
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range awards {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = commit(instances[i%2], awards[i])
			}()
		}
		wg.Wait()
		ok := map[int]int{}
		for i, err := range errs {
			switch {
			case err == nil:
				ok[i%2]++
			case !strings.Contains(dtfund.ErrorMessage(err), "预算余额不足"):
				t.Errorf("unexpected refusal: %v", err)
			}
		}
		if ok[0]+ok[1] != 23 {
			t.Fatalf("%d commitments succeeded (%v by instance), want 23", ok[0]+ok[1], ok)
		}
		if b, _ := instances[1].Balance(ctx, "line:central:2026:7.4"); b != 5000 {
			t.Fatalf("line left %d fen, want 5000", b)
		}
		if sum, _ := sumPrefix(t, instances[1], "commitment:"); sum != 23*wan {
			t.Fatalf("committed %d", sum)
		}
		verifyBooks(t, instances[1])
		t.Logf("commitments by instance: %v", ok)
	})
}
