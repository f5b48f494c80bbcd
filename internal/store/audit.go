package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// AuditEntry is one line of the audit log: who did what to which object,
// with the state before and after as JSON.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    int64
	Actor      string
	IP         string
	RequestID  string
	Action     string
	ObjectType string
	ObjectID   string
	Before     string
	After      string
}

// Audit appends an entry in the caller's transaction, so the record and the
// change it describes commit or fail together. Each entry is chained to the
// previous one by hash (see chain.go).
func (tx *Tx) Audit(ctx context.Context, e AuditEntry, before, after any) error {
	e.Before, e.After = toJSON(before), toJSON(after)
	prev, err := tx.lastAuditHash(ctx)
	if err != nil {
		return err
	}
	at := fmtTime(tx.now)
	id, err := tx.insertID(ctx, `INSERT INTO audit_log (at, actor_id, actor, ip, request_id, action, object_type, object_id, before_json, after_json)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, at, nullInt(e.ActorID), e.Actor, e.IP, e.RequestID, e.Action,
		e.ObjectType, e.ObjectID, e.Before, e.After)
	if err != nil {
		return err
	}
	e.ID, e.At = id, tx.now
	_, err = tx.exec(ctx, `UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?`, prev, auditHash(prev, id, at, e), id)
	return err
}

func toJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	ObjectType string
	ObjectID   string
	Action     string // prefix, e.g. "application." or "user.create"
	Actor      string
	Page       Page
}

// auditWhere is the WHERE clause of an audit filter.
func auditWhere(f AuditFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, v any) { conds, args = append(conds, c), append(args, v) }
	if f.ObjectType != "" {
		add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if f.Action != "" {
		add("action LIKE ?", escapeLike(f.Action)+"%")
	}
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	return where, args
}

// CountAudit counts the audit entries matching the filter.
func (db *DB) CountAudit(ctx context.Context, f AuditFilter) (int, error) {
	where, args := auditWhere(f)
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM audit_log`+where, args...).Scan(&n)
	return n, err
}

// FindAudit returns audit entries, newest first.
func (db *DB) FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, error) {
	where, args := auditWhere(f)
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor, ip, request_id, action, object_type, object_id,
 before_json, after_json FROM audit_log`+where+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var es []*AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.IP, &e.RequestID, &e.Action, &e.ObjectType, &e.ObjectID, &e.Before, &e.After); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		es = append(es, &e)
	}
	return es, rows.Err()
}
