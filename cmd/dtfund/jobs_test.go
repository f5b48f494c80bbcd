package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"dtfund/internal/app"
	"dtfund/internal/jobs"
	"dtfund/internal/testdb"
)

// TestJobsCommand lists the scheduled jobs with their last run and error,
// and a job's runs.
func TestJobsCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DTFUND_DATA": dir}
	if code, out, _ := runCLI(t, "", env, "jobs", "list"); code != 1 || out != "" {
		// Not migrated yet: the schema check refuses.
		t.Fatalf("jobs list before migrating: %d %q", code, out)
	}
	if code, _, errOut := runCLI(t, "", env, "migrate"); code != 0 {
		t.Fatal(errOut)
	}
	if code, out, _ := runCLI(t, "", env, "jobs", "list"); code != 0 || !strings.Contains(out, "还没有定时任务") {
		t.Fatalf("empty list: %d %q", code, out)
	}
	db := testdb.Open(t, dir+"/dtfund.sqlite")
	a := app.New(db, nil)
	r := jobs.New(db, "host:1:test", a.Log)
	scheduled := a.ScheduledJobs(nil)
	r.Register(scheduled...)
	r.Register(jobs.Job{Name: "test.broken", Every: time.Hour, Run: func(context.Context) error { return errTest }})
	if n, err := r.RunDue(context.Background()); err != nil || n != len(scheduled)+1 {
		t.Fatalf("ran %d: %v", n, err)
	}
	code, out, _ := runCLI(t, "", env, "jobs", "list")
	if code != 0 || !strings.Contains(out, app.JobClosePublicity) || !strings.Contains(out, "10m0s") ||
		!strings.Contains(out, "上次出错：邮件服务器拒绝") || !strings.Contains(out, "host:1:test") {
		t.Fatalf("jobs list: %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", env, "jobs", "runs", app.JobClosePublicity)
	if code != 0 || !strings.Contains(out, "成功") || !strings.Contains(out, "host:1:test") {
		t.Fatalf("jobs runs: %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, "", env, "jobs", "runs"); code != 2 {
		t.Fatalf("runs without a job name: %d, want 2", code)
	}
}

var errTest = testError("邮件服务器拒绝")

type testError string

func (e testError) Error() string { return string(e) }

func TestJobEveryFlag(t *testing.T) {
	a := app.New(testdb.SQLite(t), nil)
	c := &serveConfig{jobEvery: "publicity.close=5m, notifications.email=10s"}
	if _, err := newRunner(a, c); err == nil || !strings.Contains(err.Error(), "notifications.email") {
		t.Fatalf("a job that is not registered (no SMTP): %v", err)
	}
	c.smtp.Addr = "127.0.0.1:25"
	if _, err := newRunner(a, c); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"publicity.close", "publicity.close=soon", "publicity.close=-1s"} {
		if _, err := newRunner(a, &serveConfig{jobEvery: bad}); err == nil {
			t.Errorf("--job-every %q accepted", bad)
		}
	}
}
