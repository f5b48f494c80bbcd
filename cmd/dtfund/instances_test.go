package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/bench"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// TestTwoInstancesOnOnePostgres runs two `dtfund serve` processes on one
// PostgreSQL database and one shared data directory (attachments), as
// behind a load balancer without sticky sessions:
//   - a session opened on A works on B, with the CSRF token A rendered, and
//     an application started on one, saved and uploaded on the other and
//     submitted back is whole; a file uploaded on A downloads from B; logging
//     out on A ends the session on B;
//   - the scheduled publicity close (run every 300 ms here) closes an
//     expired batch once, and every period of the job runs on exactly one
//     instance.
func TestTwoInstancesOnOnePostgres(t *testing.T) {
	exe := dtfundBinary(t)
	dbURL := testdb.PostgresURL(t)
	ctx := context.Background()
	db := testdb.Open(t, dbURL)
	w, err := bench.Seed(ctx, db, 2)
	if err != nil {
		t.Fatal(err)
	}
	batch := expiredBatch(t, db, w)
	data := t.TempDir() // shared by both instances, as an NFS mount would be
	a := startServer(t, exe, data, dbURL, "--job-every", app.JobClosePublicity+"=300ms")
	b := startServer(t, exe, data, dbURL, "--job-every", app.JobClosePublicity+"=300ms")

	t.Run("session and CSRF token of A work on B", func(t *testing.T) {
		c := bench.NewClient(a.URL, nil)
		if err := c.Login(ctx, w.Applicants[0], bench.Password); err != nil {
			t.Fatal(err)
		}
		on := func(s *bench.Server) *bench.Client { c.Base = s.URL; return c }
		r, err := on(b).Get(ctx, "home", "/home")
		if err != nil || r.Status != http.StatusOK || !strings.Contains(r.Body, "经办人") {
			t.Fatalf("B does not know A's session: %v %v", r, err)
		}
		// Start on A with A's token, save on B, upload on B, submit on A.
		r, err = on(a).Post(ctx, "apply", fmt.Sprintf("/calls/%d/apply", w.CallID), nil)
		if err != nil || r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/apps/") {
			t.Fatalf("apply on A: %v %v", r, err)
		}
		var id int64
		fmt.Sscanf(r.Location, "/apps/%d/edit", &id)
		form := bench.ApplicationForm(1)
		if r, err := on(b).Post(ctx, "save", fmt.Sprintf("/apps/%d/edit", id), form); err != nil || r.Status != http.StatusSeeOther {
			t.Fatalf("save on B: %v %v", r, err)
		}
		pdf := bench.PDF(1)
		r, err = on(b).Upload(ctx, "upload", fmt.Sprintf("/apps/%d/attachments", id), url.Values{"kind": {"申报书"}}, "申报书.pdf", pdf)
		if err != nil || r.Status != http.StatusSeeOther {
			t.Fatalf("upload on B: %v %v", r, err)
		}
		form.Set("idem", "two-instances")
		if r, err := on(a).Post(ctx, "submit", fmt.Sprintf("/apps/%d/submit", id), form); err != nil || r.Status != http.StatusSeeOther {
			t.Fatalf("submit on A: %v %v", r, err)
		}
		tr, err := db.TraceSubmission(ctx, id)
		if err != nil || tr.State != dtfund.StateSubmitted || tr.Versions != 1 || tr.Spending != 5 || tr.Attachments != 1 {
			t.Fatalf("submitted application: %+v %v", tr, err)
		}
		// The file B stored is served by A (shared data directory).
		atts, err := db.Attachments(ctx, id)
		if err != nil || len(atts) != 1 {
			t.Fatalf("attachments: %v %v", atts, err)
		}
		r, err = on(a).Get(ctx, "download", fmt.Sprintf("/apps/%d/attachments/%d", id, atts[0].ID))
		if err != nil || r.Status != http.StatusOK || r.Body != string(pdf) {
			t.Fatalf("download on A of B's upload: %v %v", r.Status, err)
		}
		// Logging out on B ends the session on A.
		on(b).Get(ctx, "home", "/home")
		if r, err := on(b).Post(ctx, "logout", "/logout", nil); err != nil || r.Status != http.StatusSeeOther {
			t.Fatalf("logout on B: %v %v", r, err)
		}
		if r, _ := on(a).Get(ctx, "home", "/home"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
			t.Fatalf("A still accepts the session ended on B: %d", r.Status)
		}
	})

	t.Run("the scheduled publicity close runs once per period", func(t *testing.T) {
		var runs []*store.JobRun
		waitFor(t, "12 runs of the publicity close job", 30*time.Second, func() bool {
			runs, err = db.JobRuns(ctx, app.JobClosePublicity, store.Page{Limit: 200})
			return err == nil && len(runs) >= 12
		})
		time.Sleep(500 * time.Millisecond) // let a run in progress finish
		runs, _ = db.JobRuns(ctx, app.JobClosePublicity, store.Page{Limit: 200})
		periods, owners := map[time.Time]string{}, map[string]int{}
		for _, r := range runs {
			if other, dup := periods[r.ScheduledAt]; dup {
				t.Fatalf("period %s ran on %s and on %s", r.ScheduledAt, other, r.Owner)
			}
			periods[r.ScheduledAt] = r.Owner
			owners[r.Owner]++
		}
		if len(owners) != 2 {
			t.Fatalf("runs by instance %v: want both instances to have taken periods", owners)
		}
		js, _ := db.Jobs(ctx)
		var job *store.Job
		for _, j := range js {
			if j.Name == app.JobClosePublicity {
				job = j
			}
		}
		if job == nil || job.Runs < int64(len(runs)) || job.LastError != "" {
			t.Fatalf("job row %+v after %d recorded runs", job, len(runs))
		}
		got, err := db.PublicityBatch(ctx, batch)
		if err != nil || got.State != store.BatchClosed {
			t.Fatalf("the expired batch is %v (%v), want closed", got, err)
		}
		audit, _ := db.FindAudit(ctx, store.AuditFilter{Action: "publicity.close", ObjectID: fmt.Sprint(batch), Page: store.Page{Limit: 10}})
		if len(audit) != 1 || audit[0].Actor != "system" {
			t.Fatalf("%d close records for the batch, want 1 by system", len(audit))
		}
		items, _, _ := db.FindPublicityItems(ctx, store.ItemFilter{BatchID: batch, Page: store.Page{Limit: 100}})
		for _, it := range items {
			n := 0
			evs, _ := db.Events(ctx, it.ApplicationID)
			for _, e := range evs {
				if e.Action == string(dtfund.ActClosePublicity) {
					n++
				}
			}
			if n != 1 || it.AppState != dtfund.StatePublicityPassed {
				t.Fatalf("application %d: %d close events, state %s", it.ApplicationID, n, it.AppState)
			}
		}
		t.Logf("%d periods, runs by instance %v; batch closed once with %d items", len(runs), owners, len(items))
	})
	checkBooks(t, db)
}

// expiredBatch publishes generated applications in a batch whose period of
// five working days ended weeks ago: the scheduled close may close it.
func expiredBatch(t *testing.T, db *store.DB, w *bench.World) int64 {
	t.Helper()
	ctx := context.Background()
	calls, err := bench.SeedCalls(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.BulkOrganizations(ctx, 20, w.Districts)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.BulkApplications(ctx, store.BulkSpec{Orgs: 20, CallIDs: calls, Districts: w.Districts, From: 0, To: 300}, first); err != nil {
		t.Fatal(err)
	}
	today := calendar.DateOf(time.Now())
	batch, err := db.BulkPublicity(ctx, 8, today.AddDays(-40).String(), today.AddDays(-30).String())
	if err != nil {
		t.Fatal(err)
	}
	if items, _, _ := db.FindPublicityItems(ctx, store.ItemFilter{BatchID: batch, Page: store.Page{Limit: 100}}); len(items) == 0 {
		t.Fatal("no applications in the expired batch")
	}
	return batch
}
