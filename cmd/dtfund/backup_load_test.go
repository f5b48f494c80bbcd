package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dtfund/internal/bench"
	"dtfund/internal/testdb"
)

// TestBackupWhileServerWrites takes `dtfund backup` of a SQLite server's
// database while applicants submit applications and the finance bureau
// records budget releases (ledger postings) over HTTP, then `dtfund
// restore`s the snapshot into a new data directory: the restored database
// passes `dtfund audit verify` and `dtfund ledger verify`, and holds a
// consistent cut — some of the writes, none half-done.
func TestBackupWhileServerWrites(t *testing.T) {
	exe := dtfundBinary(t)
	ctx := context.Background()
	data := t.TempDir()
	dbURL := filepath.Join(data, "dtfund.sqlite")
	db := testdb.Open(t, dbURL)
	w, err := bench.Seed(ctx, db, 24)
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, exe, data, dbURL)
	clients := loginAll(t, srv.URL, w.Applicants)
	finance := bench.NewClient(srv.URL, nil)
	if err := finance.Login(ctx, w.Finance, bench.Password); err != nil {
		t.Fatal(err)
	}

	// The load: every applicant applies; the finance bureau releases budget
	// in a loop until the applicants are done.
	var wg sync.WaitGroup
	var done atomic.Bool
	var releases atomic.Int64
	errs := make(chan error, len(clients)+1)
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Apply(ctx, w.CallID, i); err != nil {
				errs <- err
			}
		}()
	}
	var fin sync.WaitGroup
	fin.Add(1)
	go func() {
		defer fin.Done()
		for i := 1; !done.Load(); i++ {
			if err := finance.Release(ctx, 2026, fmt.Sprintf("财建〔2026〕%d号", i), 10); err != nil {
				errs <- err
				return
			}
			releases.Add(1)
		}
	}()
	waitFor(t, "the first budget releases", 30*time.Second, func() bool { return releases.Load() >= 3 })
	snap := filepath.Join(t.TempDir(), "snapshot.sqlite")
	out, err := runBinary(t, exe, "backup", "--data", data, "--out", snap)
	if err != nil {
		t.Fatalf("backup while writing: %v\n%s", err, out)
	}
	atBackup := releases.Load()
	wg.Wait()
	done.Store(true)
	fin.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	srv.Stop()

	restored := t.TempDir()
	if out, err := runBinary(t, exe, "restore", "--data", restored, "--from", snap); err != nil || !strings.Contains(out, "已从快照恢复") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	out, err = runBinary(t, exe, "audit", "verify", "--data", restored)
	if err != nil || !strings.Contains(out, "审计日志完整") {
		t.Fatalf("audit verify of the restored database: %v\n%s", err, out)
	}
	out, err = runBinary(t, exe, "ledger", "verify", "--data", restored)
	if err != nil || !strings.Contains(out, "资金账簿平衡") {
		t.Fatalf("ledger verify of the restored database: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(\d+) 张凭证`).FindStringSubmatch(out)
	posted, _ := strconv.Atoi(m[1])
	if posted < 3 || int64(posted) > releases.Load() {
		t.Fatalf("the snapshot has %d ledger transactions; %d releases were acknowledged before the backup began, %d in all",
			posted, atBackup, releases.Load())
	}
	// The restored copy serves: its submissions are whole.
	rdb := testdb.Open(t, filepath.Join(restored, "dtfund.sqlite"))
	ids, err := rdb.ApplicationIDs(ctx, w.CallID)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		tr, err := rdb.TraceSubmission(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Version != tr.Versions || tr.SubmitEvents != tr.Versions || tr.AuditSubmits != tr.Versions {
			t.Fatalf("restored application %d is half-written: %+v", id, tr)
		}
	}
	t.Logf("backup taken after %d of %d releases; the snapshot holds %d ledger transactions and %d applications",
		atBackup, releases.Load(), posted, len(ids))
}
