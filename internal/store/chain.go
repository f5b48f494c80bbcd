package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// The audit log is a hash chain: each record stores the hash of the record
// before it (by ID) and its own hash over that previous hash, its ID and
// every field. Changing a field breaks the record's own hash; deleting or
// reordering records breaks the next record's link. Deleting the newest
// records is caught by comparing with an exported chain head (AuditHead).

// auditLockKey serialises writers on PostgreSQL (taken at the start of
// every write transaction, see Tx.serialize), so that two transactions never
// chain to the same predecessor.
const auditLockKey = 7100002

func (tx *Tx) lastAuditHash(ctx context.Context) (string, error) {
	var h string
	err := tx.queryRow(ctx, `SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&h)
	if err != nil && normalizedNotFound(err) {
		return "", nil
	}
	return h, err
}

// auditHash is the hash of one record, over fields joined with a separator
// that JSON and text fields escape or never contain.
func auditHash(prev string, id int64, at string, e AuditEntry) string {
	fields := []string{prev, strconv.FormatInt(id, 10), at, strconv.FormatInt(e.ActorID, 10), e.Actor, e.IP, e.RequestID,
		e.Action, e.ObjectType, e.ObjectID, e.Before, e.After}
	sum := sha256.Sum256([]byte(strings.Join(fields, "\x1f")))
	return hex.EncodeToString(sum[:])
}

// AuditHead is the newest record of the chain, to be kept outside the
// database (printed daily, filed) so that a truncated log is detectable.
type AuditHead struct {
	ID   int64
	Hash string
}

func (h AuditHead) String() string { return fmt.Sprintf("%d:%s", h.ID, h.Hash) }

// ParseAuditHead reads "id:hash".
func ParseAuditHead(s string) (AuditHead, error) {
	id, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || len(hash) != 64 {
		return AuditHead{}, fmt.Errorf("链头格式应为 编号:哈希值（64位十六进制）")
	}
	return AuditHead{ID: n, Hash: hash}, nil
}

// AuditVerification is the result of checking the whole chain.
type AuditVerification struct {
	Records  int
	Head     AuditHead
	Problems []string // Chinese, each naming the record
}

// OK reports whether the chain is intact.
func (v *AuditVerification) OK() bool { return len(v.Problems) == 0 }

const maxAuditProblems = 50

// VerifyAudit walks the chain in ID order, in batches, recomputing every
// hash and link. When want is non-zero the chain must contain that head.
func (db *DB) VerifyAudit(ctx context.Context, want AuditHead) (*AuditVerification, error) {
	v := &AuditVerification{}
	prev, lastID, sawWant := "", int64(0), want.ID == 0
	for {
		batch, err := db.auditBatch(ctx, lastID, 1000)
		if err != nil {
			return nil, err
		}
		for _, r := range batch {
			v.Records++
			v.check(r, prev)
			if r.entry.ID == want.ID {
				sawWant = true
				if r.hash != want.Hash {
					v.problem("记录 %d 的哈希值与保存的链头不一致：该记录或其之前的记录被改动", r.entry.ID)
				}
			}
			prev, lastID = r.hash, r.entry.ID
			v.Head = AuditHead{ID: r.entry.ID, Hash: r.hash}
		}
		if len(batch) < 1000 {
			break
		}
	}
	if !sawWant {
		v.problem("保存的链头（记录 %d）已不在审计日志中：记录被删除", want.ID)
	}
	return v, nil
}

func (v *AuditVerification) check(r auditRow, prev string) {
	if r.prevHash != prev {
		v.problem("记录 %d 的前序哈希与前一条记录不符：其前的记录被删除、插入或调换了顺序", r.entry.ID)
	}
	if auditHash(r.prevHash, r.entry.ID, r.at, r.entry) != r.hash {
		v.problem("记录 %d（%s %s %s）的内容与其哈希值不符：记录被修改", r.entry.ID, r.at, r.entry.Action, r.entry.ObjectID)
	}
}

func (v *AuditVerification) problem(format string, args ...any) {
	if len(v.Problems) < maxAuditProblems {
		v.Problems = append(v.Problems, fmt.Sprintf(format, args...))
	}
}

type auditRow struct {
	entry          AuditEntry
	at             string
	prevHash, hash string
}

func (db *DB) auditBatch(ctx context.Context, afterID int64, limit int) ([]auditRow, error) {
	rows, err := db.query(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor, ip, request_id, action, object_type, object_id,
 before_json, after_json, prev_hash, hash FROM audit_log WHERE id > ? ORDER BY id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var r auditRow
		e := &r.entry
		if err := rows.Scan(&e.ID, &r.at, &e.ActorID, &e.Actor, &e.IP, &e.RequestID, &e.Action, &e.ObjectType, &e.ObjectID,
			&e.Before, &e.After, &r.prevHash, &r.hash); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
