package main

// Tests that run the built dtfund binary as separate processes: two
// instances on one PostgreSQL database, a server killed with SIGKILL in the
// middle of a burst of submissions, and a backup taken while a server
// writes. The binary is built once per run (TestMain removes it).

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"dtfund/internal/bench"
	"dtfund/internal/store"
)

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// dtfundBinary builds the command (once) and returns its path.
func dtfundBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the dtfund binary")
	}
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "dtfund-bin-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "dtfund")
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		out, err := exec.Command(goTool, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// startServer runs `dtfund serve` on the data directory and database with
// extra flags; it is stopped (SIGTERM) when the test ends, and its log is
// shown if the test failed.
func startServer(t *testing.T, exe, data, dbURL string, flags ...string) *bench.Server {
	t.Helper()
	logf, err := os.CreateTemp(t.TempDir(), "server-*.log")
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--data", data, "--database", dbURL}, flags...)
	srv, err := bench.StartServer(context.Background(), exe, args, nil, logf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		select {
		case <-srv.Done():
		default:
			srv.Stop()
		}
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			t.Logf("server %s log (last lines):\n%s", srv.Addr, strings.Join(lines[max(0, len(lines)-15):], "\n"))
		}
		logf.Close()
	})
	return srv
}

// runBinary runs a dtfund subcommand and returns its output.
func runBinary(t *testing.T, exe string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(exe, args...).CombinedOutput()
	return string(out), err
}

// loginAll logs each applicant in on the server.
func loginAll(t *testing.T, base string, users []string) []*bench.Client {
	t.Helper()
	clients := make([]*bench.Client, len(users))
	var wg sync.WaitGroup
	errs := make([]error, len(users))
	for i, u := range users {
		clients[i] = bench.NewClient(base, nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = clients[i].Login(context.Background(), u, bench.Password)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return clients
}

// checkBooks verifies the audit chain, the ledger and (SQLite) the file.
func checkBooks(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := db.VerifyAudit(ctx, store.AuditHead{})
	if err != nil || !v.OK() {
		t.Fatalf("audit chain: %v %v", err, v.Problems)
	}
	l, err := db.VerifyLedger(ctx)
	if err != nil || !l.OK() {
		t.Fatalf("ledger: %v %v", err, l.Problems)
	}
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
