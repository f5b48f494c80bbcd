package store_test

import (
	"context"
	"strings"
	"testing"

	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

func writeAudit(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.Audit(ctx, store.AuditEntry{Actor: "tester", Action: "test.action", ObjectType: "thing", ObjectID: string(rune('a' + i))},
				map[string]int{"v": i}, map[string]int{"v": i + 1})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t *testing.T, db *store.DB, head store.AuditHead) *store.AuditVerification {
	t.Helper()
	v, err := db.VerifyAudit(context.Background(), head)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAuditChainDetectsTampering(t *testing.T) {
	cases := []struct {
		name   string
		tamper []string // statements run against the database
		want   string   // part of the first problem
	}{
		{"modified", []string{`UPDATE audit_log SET after_json = '{"v":99}' WHERE id = 3`}, "记录 3"},
		{"deleted", []string{`DELETE FROM audit_log WHERE id = 3`}, "记录 4 的前序哈希"},
		{"moved", []string{
			`UPDATE audit_log SET object_id = 'x' WHERE id = 2`,
			`UPDATE audit_log SET object_id = (SELECT object_id FROM audit_log WHERE id = 4) WHERE id = 2`,
		}, "记录 2"},
		{"reordered links", []string{
			`UPDATE audit_log SET prev_hash = (SELECT prev_hash FROM audit_log WHERE id = 2) WHERE id = 4`,
		}, "记录 4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			testdb.Engines(t, func(t *testing.T, db *store.DB) {
				writeAudit(t, db, 5)
				v := verify(t, db, store.AuditHead{})
				if !v.OK() || v.Records != 5 {
					t.Fatalf("intact chain: %d records, problems %v", v.Records, v.Problems)
				}
				for _, stmt := range c.tamper {
					if err := db.ExecForTest(context.Background(), stmt); err != nil {
						t.Fatal(err)
					}
				}
				v = verify(t, db, store.AuditHead{})
				if v.OK() || !strings.Contains(v.Problems[0], c.want) {
					t.Fatalf("tampering (%s) not detected as expected: %v", c.name, v.Problems)
				}
			})
		})
	}
}

func TestAuditChainHeadDetectsTruncation(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		writeAudit(t, db, 4)
		head := verify(t, db, store.AuditHead{}).Head
		if head.ID != 4 || len(head.Hash) != 64 {
			t.Fatalf("head = %v", head)
		}
		parsed, err := store.ParseAuditHead(head.String())
		if err != nil || parsed != head {
			t.Fatalf("head round trip: %v %v", parsed, err)
		}
		if v := verify(t, db, head); !v.OK() {
			t.Fatalf("chain with its own head: %v", v.Problems)
		}
		writeAudit(t, db, 1) // the chain grows past the saved head: still fine
		if v := verify(t, db, head); !v.OK() {
			t.Fatalf("grown chain: %v", v.Problems)
		}
		if err := db.ExecForTest(context.Background(), `DELETE FROM audit_log WHERE id >= 4`); err != nil {
			t.Fatal(err)
		}
		v := verify(t, db, head)
		if v.OK() || !strings.Contains(strings.Join(v.Problems, ";"), "已不在审计日志中") {
			t.Fatalf("truncation after the head not detected: %v", v.Problems)
		}
	})
}
