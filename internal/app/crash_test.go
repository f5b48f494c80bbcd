package app_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// The crash test, on each engine: a child process issuing a payment batch is
// killed with SIGKILL after some instructions; after the restart the batch
// resumes, nothing is paid twice and the ledger verifies.

const crashEnv = "DTFUND_CRASH_CHILD_DB"

// TestCrashChild is the child: it issues the batch slowly. It does nothing
// unless started by TestPaymentBatchSurvivesSIGKILL.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("child of the crash test")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	batch, _ := strconv.ParseInt(os.Getenv("DTFUND_CRASH_BATCH"), 10, 64)
	fin, _ := strconv.ParseInt(os.Getenv("DTFUND_CRASH_ACTOR"), 10, 64)
	app.IssueHook = func(int64) { time.Sleep(40 * time.Millisecond) }
	a := newApp(db)
	_, err = a.IssueBatch(ctx, app.Actor{User: &dtfund.User{ID: fin, Username: "cityfin", Role: dtfund.RoleCityFinance}}, batch)
	t.Fatalf("the child should have been killed; issue returned %v", err)
}

func TestPaymentBatchSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	t.Run("sqlite", func(t *testing.T) { crashAndResume(t, filepath.Join(t.TempDir(), "crash.sqlite")) })
	t.Run("postgres", func(t *testing.T) { crashAndResume(t, testdb.PostgresURL(t)) })
}

// crashAndResume runs the crash scenario on the database at path (a SQLite
// file or a PostgreSQL URL); the child process opens the same database.
func crashAndResume(t *testing.T, path string) {
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const n = 30
	f := newPayFixture(t, db, n)
	amounts := map[int64]int64{}
	for _, aw := range f.awards {
		amounts[aw.ID] = aw.AmountFen
	}
	var items []store.PlanItem
	for _, aw := range f.awards {
		items = append(items, store.PlanItem{AwardID: aw.ID, AmountFen: amounts[aw.ID]})
	}
	p, err := f.a.ProposePlan(ctx, f.miit, app.PlanInput{Year: 2026, Title: "崩溃测试", Items: items})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.a.DecidePlan(ctx, f.fin, p.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	b, err := f.a.CreatePaymentBatch(ctx, f.fin, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path, "DTFUND_CRASH_BATCH="+strconv.FormatInt(b.ID, 10),
		"DTFUND_CRASH_ACTOR="+strconv.FormatInt(f.fin.User.ID, 10))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	issued := waitIssued(t, db, b.ID, 5, cmd)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	done := countIssued(t, db, b.ID)
	if done < issued || done >= n {
		t.Fatalf("killed after %d of %d instructions; want a batch interrupted mid-way", done, n)
	}
	// Restart: resume the batch (twice: the second run does nothing).
	for i := 0; i < 2; i++ {
		if _, err := f.a.IssueBatch(ctx, f.fin, b.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := countIssued(t, db, b.ID); got != n {
		t.Fatalf("after resuming: %d of %d issued", got, n)
	}
	for _, aw := range f.awards {
		if c := balance(t, db, store.CommitmentAccount(aw.ID)); c != 0 {
			t.Fatalf("award %d: commitment %d left (paid twice or not at all)", aw.ID, c)
		}
	}
	var total int64
	for _, code := range []string{store.TransitAccount("220174"), store.TransitAccount("220173"), store.RecipientAccount(f.orgs[2].ID)} {
		total += balance(t, db, code)
	}
	if total != n*10_000_000 {
		t.Fatalf("paid %d fen in total, want %d", total, n*10_000_000)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	booksBalance(t, f)
	t.Logf("child killed after %d of %d instructions; resumed and verified", done, n)
}

func countIssued(t *testing.T, db *store.DB, batchID int64) int {
	t.Helper()
	ins, _, _, err := db.FindInstructions(context.Background(), store.InstructionFilter{BatchID: batchID, Page: store.Page{Limit: -1}})
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for _, in := range ins {
		if in.State != store.InstrPending {
			if in.IssueTxID == 0 {
				t.Fatalf("instruction %d is %s without its ledger transaction", in.ID, in.State)
			}
			k++
		}
	}
	return k
}

func waitIssued(t *testing.T, db *store.DB, batchID int64, want int, cmd *exec.Cmd) int {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if k := countIssued(t, db, batchID); k >= want {
			return k
		}
		time.Sleep(5 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	t.Fatal("the child issued nothing in 20 s")
	return 0
}
