package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"dtfund"
	"dtfund/internal/app"
)

// TestBackupDuringWritesAndRestore takes a snapshot while users are being
// created, restores it into a fresh data directory, and checks the restored
// database: schema current, audit chain intact, every user of the snapshot
// present. A tampered snapshot is refused.
func TestBackupDuringWritesAndRestore(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DTFUND_DATA": dir}
	if code, _, errOut := runCLI(t, "", env, "migrate"); code != 0 {
		t.Fatal(errOut)
	}
	a, err := (&dbConfig{data: dir}).open(context.Background(), quietEnv(env), defaultDBFile)
	if err != nil {
		t.Fatal(err)
	}
	a.Hasher = app.NewTestPasswordHasher()
	mkUser := func(i int) error {
		u := &dtfund.User{Username: fmt.Sprintf("user%02d", i), DisplayName: "用户", Role: dtfund.RoleExpert}
		return a.CreateUser(context.Background(), app.SystemActor("t"), u, "Passw0rdLong")
	}
	for i := 0; i < 5; i++ { // the snapshot has records whatever the timing
		if err := mkUser(i); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // writers keep going while the snapshot is taken
		defer wg.Done()
		for i := 5; i < 60; i++ {
			if err := mkUser(i); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	snap := filepath.Join(t.TempDir(), "snap.sqlite")
	if code, _, errOut := runCLI(t, "", env, "backup", "--out", snap); code != 0 {
		t.Fatal(errOut)
	}
	wg.Wait()
	a.DB.Close()

	target := t.TempDir()
	tenv := map[string]string{"DTFUND_DATA": target}
	if code, out, errOut := runCLI(t, "", tenv, "restore", "--from", snap); code != 0 || !strings.Contains(out, "已从快照恢复") {
		t.Fatalf("restore: %d %q %q", code, out, errOut)
	}
	code, out, _ := runCLI(t, "", tenv, "audit", "verify")
	if code != 0 || !strings.Contains(out, "审计日志完整") {
		t.Fatalf("restored audit chain: %d %q", code, out)
	}
	_, list, _ := runCLI(t, "", tenv, "user", "list")
	restored := strings.Count(list, "user")
	var records int
	fmt.Sscanf(out[strings.Index(out, "共 ")+len("共 "):], "%d", &records)
	if restored != records {
		t.Fatalf("restored %d users but the audit log has %d records", restored, records)
	}
	// Restoring over an existing database needs --force.
	if code, _, errOut := runCLI(t, "", tenv, "restore", "--from", snap); code != 1 || !strings.Contains(errOut, "--force") {
		t.Fatalf("restore over existing: %d %q", code, errOut)
	}
	// A snapshot whose audit log was altered is refused.
	bad := filepath.Join(t.TempDir(), "bad.sqlite")
	data, _ := os.ReadFile(snap)
	os.WriteFile(bad, data, 0o600)
	b, err := (&dbConfig{database: bad}).open(context.Background(), quietEnv(nil), "")
	if err != nil {
		t.Fatal(err)
	}
	b.DB.ExecForTest(context.Background(), `UPDATE audit_log SET actor = 'x' WHERE id = 1`)
	b.DB.Close()
	if code, _, errOut := runCLI(t, "", map[string]string{"DTFUND_DATA": t.TempDir()}, "restore", "--from", bad); code != 1 || !strings.Contains(errOut, "审计日志") {
		t.Fatalf("tampered snapshot: %d %q", code, errOut)
	}
}
