package app_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/jobs"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// TestScheduledPublicityCloseRunsOnceWhenThePeriodHasRun: two instances
// run the scheduled jobs. Before the fifth working day has passed nothing
// is closed; after it the batch is closed once, by "system", with its
// audit record; a batch with nothing in publicity is left open.
func TestScheduledPublicityCloseRunsOnceWhenThePeriodHasRun(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := f.batch(t, "2026-09-30")
		f.publish(t, b, ap) // 2026-09-30 … 2026-10-12
		empty := f.batch(t, "2026-09-30")
		other := newApp(db) // a second instance
		other.FilesDir = f.a.FilesDir
		var runners []*jobs.Runner
		for i, a := range []*app.App{f.a, other} {
			r := jobs.New(db, fmt.Sprintf("instance-%d", i), nil)
			r.Register(jobNamed(t, a.ScheduledJobs(nil), app.JobClosePublicity)) // the job under test only
			runners = append(runners, r)
		}
		runAll := func() int {
			total := 0
			for _, r := range runners {
				n, err := r.RunDue(ctx)
				if err != nil {
					t.Fatal(err)
				}
				total += n
			}
			return total
		}

		f.setClock(atShanghai(t, "2026-10-12 23:50")) // the last day of the period
		if n := runAll(); n != 1 {
			t.Fatalf("%d runs in the first period, want 1", n)
		}
		if got, _ := db.PublicityBatch(ctx, b.ID); got.State != store.BatchOpen || f.state(t, ap.ID) != dtfund.StateInPublicity {
			t.Fatal("closed before the period ended")
		}

		f.setClock(atShanghai(t, "2026-10-13 00:20")) // the day after the fifth working day
		if n := runAll(); n != 1 {
			t.Fatalf("%d runs in the next period, want 1", n)
		}
		if n := runAll(); n != 0 {
			t.Fatalf("%d more runs within the same period", n)
		}
		if got, _ := db.PublicityBatch(ctx, b.ID); got.State != store.BatchClosed || f.state(t, ap.ID) != dtfund.StatePublicityPassed {
			t.Fatalf("batch %s, application %s after the period", got.State, f.state(t, ap.ID))
		}
		if got, _ := db.PublicityBatch(ctx, empty.ID); got.State != store.BatchOpen {
			t.Fatal("a batch with nothing in publicity was closed")
		}
		events, _ := db.Events(ctx, ap.ID)
		if last := events[len(events)-1]; last.Action != string(dtfund.ActClosePublicity) || last.Actor != "系统（定时任务）" ||
			last.Citation != "第十四条（五）" || !strings.Contains(last.Reason, "2026-10-12已满") {
			t.Fatalf("timeline: %+v", last)
		}
		audit, err := db.FindAudit(ctx, store.AuditFilter{Action: "publicity.close", Page: store.Page{Limit: 10}})
		if err != nil || len(audit) != 1 || audit[0].Actor != "system" || audit[0].ObjectID != fmt.Sprint(b.ID) ||
			audit[0].RequestID != "job:publicity.close" {
			t.Fatalf("audit of the close: %+v %v", audit, err)
		}
		// Running the use case again directly closes nothing more.
		if closed, err := f.a.CloseEndedPublicity(ctx); err != nil || len(closed) != 0 {
			t.Fatalf("second close: %v %v", closed, err)
		}
		if v, _ := db.VerifyAudit(ctx, store.AuditHead{}); !v.OK() {
			t.Fatalf("audit chain: %v", v.Problems)
		}
	})
}

// TestTwoInstancesEmailEachNotificationOnce: two instances (each with its
// own database handle) deliver the same outbox at the same time; every
// notification is sent exactly once.
func TestTwoInstancesEmailEachNotificationOnce(t *testing.T) {
	testdb.URLs(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := newProcessFixture(t, testdb.Open(t, url))
		email := "li@example.cn"
		if _, err := f.a.UpdateUser(ctx, app.SystemActor("t"), f.applicant.User.ID, app.UserChange{Email: &email}); err != nil {
			t.Fatal(err)
		}
		const n = 40
		err := f.a.DB.InTx(ctx, func(tx *store.Tx) error {
			for i := 0; i < n; i++ {
				if err := tx.Notify(ctx, store.Notification{OrgID: f.org.ID, Subject: fmt.Sprintf("通知%02d", i)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		m := &slowMailer{}
		instances := []*app.App{f.a, newApp(testdb.Open(t, url))}
		var wg sync.WaitGroup
		sent := make([]int, len(instances))
		for i, a := range instances {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				sent[i], err = a.DeliverNotifications(ctx, m, 100)
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		seen := map[string]int{}
		for _, s := range m.sent {
			seen[s]++
		}
		for s, k := range seen {
			if k != 1 {
				t.Errorf("%s sent %d times", s, k)
			}
		}
		if len(seen) != n || sent[0]+sent[1] != n {
			t.Fatalf("%d distinct notifications sent (%v by instance), want %d", len(seen), sent, n)
		}
		if left, _ := f.a.DB.UnsentNotifications(ctx, 100); len(left) != 0 {
			t.Fatalf("%d notifications left unsent", len(left))
		}
		t.Logf("sent by instance: %v", sent)
	})
}

// slowMailer records sends and takes a moment for each, so that two
// instances overlap.
type slowMailer struct {
	mu   sync.Mutex
	sent []string
}

func (m *slowMailer) Send(_ context.Context, to []string, subject, _ string) error {
	time.Sleep(2 * time.Millisecond)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, strings.Join(to, ",")+"|"+subject)
	return nil
}
