package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dtfund/internal/jobs"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// TestTwoInstancesRunEachPeriodOnce runs two runners, each with its own
// database handle (as two instances have), competing for one job with a
// short period. Every period runs once: runs never overlap, the history
// has one run per period, and the job's counter agrees with the runs the
// job itself saw.
func TestTwoInstancesRunEachPeriodOnce(t *testing.T) {
	testdb.URLs(t, func(t *testing.T, url string) {
		const every = 60 * time.Millisecond
		var inFlight, overlaps, ran atomic.Int64
		job := jobs.Job{Name: "test.tick", Every: every, Timeout: 5 * time.Second, Run: func(ctx context.Context) error {
			if inFlight.Add(1) > 1 {
				overlaps.Add(1)
			}
			time.Sleep(5 * time.Millisecond)
			inFlight.Add(-1)
			ran.Add(1)
			return nil
		}}
		// Run until the job has run 12 times (a busy machine gets there later).
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		go func() {
			for ctx.Err() == nil && ran.Load() < 12 {
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
		}()
		dbs := []*store.DB{testdb.Open(t, url), testdb.Open(t, url)}
		var wg sync.WaitGroup
		for i, db := range dbs {
			r := jobs.New(db, []string{"instance-a", "instance-b"}[i], quiet)
			r.Poll = 10 * time.Millisecond
			r.Register(job)
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := r.Run(ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if overlaps.Load() != 0 {
			t.Fatalf("%d runs overlapped another", overlaps.Load())
		}
		runs, err := dbs[0].JobRuns(context.Background(), "test.tick", store.Page{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(runs)) != ran.Load() || ran.Load() < 12 {
			t.Fatalf("history has %d runs, the job ran %d times (want the same, at least 12)", len(runs), ran.Load())
		}
		periods, owners := map[time.Time]bool{}, map[string]int{}
		for _, r := range runs {
			if periods[r.ScheduledAt] {
				t.Fatalf("period %s ran twice", r.ScheduledAt)
			}
			periods[r.ScheduledAt] = true
			owners[r.Owner]++
			if r.FinishedAt.IsZero() || r.Error != "" {
				t.Fatalf("run %+v did not finish cleanly", r)
			}
		}
		if len(owners) != 2 {
			t.Fatalf("runs by instance: %v; want both instances to have won some periods", owners)
		}
		js, _ := dbs[1].Jobs(context.Background())
		if len(js) != 1 || js[0].Runs != ran.Load() || js[0].LeaseOwner != "" || js[0].Every != every {
			t.Fatalf("job row %+v after %d runs", js[0], ran.Load())
		}
		t.Logf("%d periods, runs by instance %v", len(runs), owners)
	})
}

// TestExpiredLeaseIsRetriedOnce: an instance that claimed a run and died
// leaves a lease; once it runs out another instance retries the same
// period, and the dead instance's late finish changes nothing.
func TestExpiredLeaseIsRetriedOnce(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.EnsureJob(ctx, "test.lease", time.Hour); err != nil {
			t.Fatal(err)
		}
		dead, err := db.ClaimJob(ctx, "test.lease", "dead", 80*time.Millisecond)
		if err != nil || dead == nil {
			t.Fatalf("first claim: %+v %v", dead, err)
		}
		if again, err := db.ClaimJob(ctx, "test.lease", "alive", time.Minute); err != nil || again != nil {
			t.Fatalf("claim while leased: %+v %v; want nothing", again, err)
		}
		time.Sleep(100 * time.Millisecond)
		retry, err := db.ClaimJob(ctx, "test.lease", "alive", time.Minute)
		if err != nil || retry == nil || !retry.ScheduledAt.Equal(dead.ScheduledAt) {
			t.Fatalf("retry after the lease ran out: %+v %v; want the same period", retry, err)
		}
		if held, err := db.FinishJob(ctx, dead, dead.ScheduledAt.Add(time.Hour), ""); err != nil || held {
			t.Fatalf("late finish by the dead instance: held=%v %v", held, err)
		}
		js, _ := db.Jobs(ctx)
		if js[0].LeaseOwner != "alive" || !js[0].NextRunAt.Equal(dead.ScheduledAt) {
			t.Fatalf("the dead instance's finish moved the job: %+v", js[0])
		}
		next := retry.ScheduledAt.Add(time.Hour)
		if held, err := db.FinishJob(ctx, retry, next, ""); err != nil || !held {
			t.Fatalf("finish: held=%v %v", held, err)
		}
		if again, _ := db.ClaimJob(ctx, "test.lease", "alive", time.Minute); again != nil {
			t.Fatal("claimed before the next period")
		}
	})
}

// TestFailedAndPanickingRunsAreRecorded: an error or a panic is the run's
// recorded error, and the job runs again next period.
func TestFailedAndPanickingRunsAreRecorded(t *testing.T) {
	db := testdb.SQLite(t)
	ctx := context.Background()
	r := jobs.New(db, "solo", quiet)
	r.Register(jobs.Job{Name: "test.fail", Every: time.Hour, Run: func(context.Context) error { return errors.New("SMTP 服务器拒绝") }},
		jobs.Job{Name: "test.panic", Every: time.Hour, Run: func(context.Context) error { panic("boom") }})
	n, err := r.RunDue(ctx)
	if err != nil || n != 2 {
		t.Fatalf("ran %d: %v", n, err)
	}
	js, _ := db.Jobs(ctx)
	if js[0].Name != "test.fail" || js[0].LastError != "SMTP 服务器拒绝" || js[1].LastError != "panic: boom" {
		t.Fatalf("recorded errors: %q %q", js[0].LastError, js[1].LastError)
	}
	if n, _ := r.RunDue(ctx); n != 0 {
		t.Fatalf("ran %d again within the period", n)
	}
}

func TestRegisterRefusesMistakes(t *testing.T) {
	r := jobs.New(testdb.SQLite(t), "x", quiet)
	ok := jobs.Job{Name: "a.b", Every: time.Minute, Run: func(context.Context) error { return nil }}
	r.Register(ok)
	for name, j := range map[string]jobs.Job{
		"duplicate": ok,
		"bad name":  {Name: "Bad Name", Every: time.Minute, Run: ok.Run},
		"no period": {Name: "c.d", Run: ok.Run},
		"no run":    {Name: "e.f", Every: time.Minute},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Register did not panic", name)
				}
			}()
			r.Register(j)
		}()
	}
	if err := r.SetEvery("nope", time.Minute); err == nil {
		t.Error("SetEvery of an unknown job succeeded")
	}
}

func TestNextRunKeepsPhaseAndSkipsMissedPeriods(t *testing.T) {
	t0 := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		now  time.Duration
		want time.Duration
	}{
		{now: time.Minute, want: 10 * time.Minute},          // on time
		{now: 10 * time.Minute, want: 20 * time.Minute},     // finished exactly at the next point
		{now: 35 * time.Minute, want: 40 * time.Minute},     // two periods missed
		{now: 10*time.Minute - 1, want: 10 * time.Minute},   // just before
		{now: 10*time.Minute + 1, want: 20 * time.Minute},   // just after
		{now: 1000 * time.Minute, want: 1010 * time.Minute}, // long downtime
		{now: -5 * time.Minute, want: 10 * time.Minute},     // clock behind the schedule
		{now: 99*time.Minute + 59*time.Second, want: 100 * time.Minute},
	} {
		if got := jobs.NextRun(t0, 10*time.Minute, t0.Add(c.now)); !got.Equal(t0.Add(c.want)) {
			t.Errorf("now +%v: next +%v, want +%v", c.now, got.Sub(t0), c.want)
		}
	}
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
