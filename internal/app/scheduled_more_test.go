package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dtfund/internal/app"
	"dtfund/internal/jobs"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

func jobNamed(t *testing.T, js []jobs.Job, name string) jobs.Job {
	t.Helper()
	for _, j := range js {
		if j.Name == name {
			return j
		}
	}
	t.Fatalf("no scheduled job %s", name)
	return jobs.Job{}
}

// The scheduled 免申即享 job proposes to a matching enterprise once, however
// often it runs (第十五条).
func TestScheduledMatchingProposesOnce(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMatchFixture(t, db)
		m.adopt(t, m.org, "云MES", "2026-02-01", "confirmed")
		if _, err := m.a.CreateMatchPolicy(ctx, m.city, app.MatchPolicyInput{Name: "上云奖补", CallID: m.call72.ID, PeriodFrom: "2026-01-01",
			PeriodTo: "2026-09-30", MinServices: 1, ConfirmDays: 10, Active: true}); err != nil {
			t.Fatal(err)
		}
		job := jobNamed(t, m.a.ScheduledJobs(nil), app.JobMatching)
		for i := 0; i < 2; i++ {
			if err := job.Run(ctx); err != nil {
				t.Fatal(err)
			}
		}
		ps, _, err := db.FindProposals(ctx, store.ProposalFilter{Page: store.Page{Limit: 10}})
		if err != nil || len(ps) != 1 || ps[0].OrgID != m.org.ID {
			t.Fatalf("proposals after two scheduled runs: %+v, %v", ps, err)
		}
		if err := jobNamed(t, m.a.ScheduledJobs(nil), app.JobLapseProposals).Run(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// The daily audit head is the verified chain's head, written to the data
// directory; a broken chain is an error and writes nothing.
func TestExportAuditHead(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		if names := f.a.ScheduledJobs(nil); len(names) > 0 {
			for _, j := range names {
				if j.Name == app.JobAuditHead {
					t.Fatal("the audit head job is scheduled without a data directory")
				}
			}
		}
		f.a.FilesDir = t.TempDir()
		path, err := f.a.ExportAuditHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		v, err := db.VerifyAudit(ctx, store.AuditHead{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || strings.TrimSpace(string(got)) != v.Head.String() || filepath.Dir(path) != filepath.Join(f.a.FilesDir, "audit-heads") {
			t.Fatalf("head file %s = %q, %v; want %s", path, got, err, v.Head)
		}
		jobNamed(t, f.a.ScheduledJobs(nil), app.JobAuditHead)
		os.Remove(path)
		if err := db.ExecForTest(ctx, `UPDATE audit_log SET actor = 'x' WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.ExportAuditHead(ctx); err == nil || !strings.Contains(err.Error(), "记录 1") {
			t.Fatalf("broken chain: %v", err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatal("a head was written for a broken chain")
		}
	})
}
