package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/bench"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// TestServerKilledDuringSubmissions kills the server process with SIGKILL
// while applicants are starting, filling in, uploading and submitting
// applications over HTTP, restarts it, and checks what it kept: every
// submission the server acknowledged (303) is there exactly once, with its
// version, event, audit record, five spending items and its document on
// disk; every other application is a draft or wholly submitted, never in
// between; the audit chain and the ledger verify.
func TestServerKilledDuringSubmissions(t *testing.T) {
	exe := dtfundBinary(t)
	t.Run("sqlite", func(t *testing.T) {
		data := t.TempDir()
		killDuringSubmissions(t, exe, data, filepath.Join(data, "dtfund.sqlite"))
	})
	t.Run("postgres", func(t *testing.T) { killDuringSubmissions(t, exe, t.TempDir(), testdb.PostgresURL(t)) })
}

func killDuringSubmissions(t *testing.T, exe, data, dbURL string) {
	ctx := context.Background()
	const n = 40
	db := testdb.Open(t, dbURL)
	w, err := bench.Seed(ctx, db, n)
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, exe, data, dbURL)
	clients := loginAll(t, srv.URL, w.Applicants)

	// The burst: every applicant applies at once; the server is killed once
	// a few submissions have been acknowledged, with the rest in flight.
	var acked sync.Map // application ID → true
	var ackCount atomic.Int64
	kill := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := c.Apply(ctx, w.CallID, i)
			if err == nil && s.Acknowledged {
				acked.Store(s.AppID, true)
				if ackCount.Add(1) == 3 {
					close(kill)
				}
			}
		}()
	}
	select {
	case <-kill:
	case <-time.After(60 * time.Second):
		t.Fatal("no submission acknowledged within 60 s")
	}
	srv.Kill()
	wg.Wait()
	killedAt := ackCount.Load()
	if killedAt >= n {
		t.Fatalf("all %d submissions finished before the kill; the test proves nothing", n)
	}

	// Restart on the same database and files: the server recovers and serves.
	again := startServer(t, exe, data, dbURL)
	c := bench.NewClient(again.URL, nil)
	if err := c.Login(ctx, w.Applicants[0], bench.Password); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	again.Stop()

	ids, err := db.ApplicationIDs(ctx, w.CallID)
	if err != nil {
		t.Fatal(err)
	}
	submitted, drafts := 0, 0
	for _, id := range ids {
		tr, err := db.TraceSubmission(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		_, ack := acked.Load(id)
		switch {
		case tr.State == dtfund.StateSubmitted && tr.Version == 1 && tr.Versions == 1 && tr.SubmitEvents == 1 && tr.AuditSubmits == 1 &&
			tr.Spending == 5 && tr.Attachments == 1:
			submitted++
			checkBlobs(t, db, data, id)
		case ack:
			t.Fatalf("acknowledged submission %d is not whole: %+v", id, tr)
		case tr.State == dtfund.StateDraft && tr.Version == 0 && tr.Versions == 0 && tr.SubmitEvents == 0 && tr.AuditSubmits == 0:
			drafts++ // started, maybe saved or with its upload, never submitted
		default:
			t.Fatalf("application %d is half-written: %+v", id, tr)
		}
	}
	acks := 0
	acked.Range(func(any, any) bool { acks++; return true })
	if submitted < acks {
		t.Fatalf("%d applications submitted, but %d submissions were acknowledged", submitted, acks)
	}
	checkBooks(t, db)
	t.Logf("killed after %d acknowledged submissions; after restart %d submitted, %d drafts, %d never started",
		killedAt, submitted, drafts, n-len(ids))
}

// checkBlobs checks that the files of an application's attachments are on
// disk with the content their address says.
func checkBlobs(t *testing.T, db *store.DB, data string, appID int64) {
	t.Helper()
	atts, err := db.Attachments(context.Background(), appID)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range atts {
		b, err := os.ReadFile(filepath.Join(data, "attachments", at.SHA256[:2], at.SHA256[2:]))
		if err != nil {
			t.Fatalf("application %d: attachment file: %v", appID, err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != at.SHA256 {
			t.Fatalf("application %d: attachment file does not match its address", appID)
		}
	}
}
