package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"dtfund"
)

// This file serves the load benchmarks (dtfund bench) only: a bare insert
// to measure the disk's durable commit rate, and bulk generation of
// applications with set-based SQL, far faster than the use cases. Rows
// generated here bypass internal/app (no audit records, no events); the
// benchmark runs on a database of its own.

// RawInserts inserts n rows into a bare table, each INSERT its own
// transaction on the write pool (the same connection settings, hence the
// same fsync, as every write of the application), one after the other,
// and returns the time taken: the database's durable single-row commit
// rate on this disk.
func (db *DB) RawInserts(ctx context.Context, n int) (time.Duration, error) {
	ddl := `CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, v TEXT NOT NULL, at TEXT NOT NULL)`
	if db.Engine == Postgres {
		ddl = `CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v TEXT NOT NULL, at TEXT NOT NULL)`
	}
	if _, err := db.write.ExecContext(ctx, ddl); err != nil {
		return 0, err
	}
	q := db.rebind(`INSERT INTO bench_raw (v, at) VALUES (?, ?)`)
	start := time.Now()
	for i := 0; i < n; i++ {
		if _, err := db.write.ExecContext(ctx, q, fmt.Sprintf("row %d", i), fmtTime(db.Now())); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// BulkSpec describes generated applications.
type BulkSpec struct {
	Orgs      int     // organisations to generate first (once)
	CallIDs   []int64 // calls the applications belong to, round robin
	Districts []string
	From, To  int // application sequence numbers [From, To)
}

// BulkStates is the mix of states of generated applications, by weight out
// of len(BulkStates): mostly submitted or in review, some drafts and
// finished ones, a few in publicity.
var BulkStates = []dtfund.AppState{dtfund.StateSubmitted, dtfund.StateSubmitted, dtfund.StateSubmitted, dtfund.StateRecommended,
	dtfund.StateRecommended, dtfund.StateExpertReview, dtfund.StateReviewed, dtfund.StateRechecked, dtfund.StateInPublicity,
	dtfund.StateApproved, dtfund.StateNotRecommended, dtfund.StateReturned, dtfund.StateDraft, dtfund.StateWithdrawn,
	dtfund.StateSubmitted, dtfund.StateRecommended}

// BulkIndustries are the industry codes of generated organisations.
var BulkIndustries = []string{"3670", "3982", "2710", "3311", "6513", "3512", "3891", "1320"}

// BulkOrganizations generates n applicant organisations named 压测企业N
// across the districts and returns the first ID; IDs are consecutive.
func (db *DB) BulkOrganizations(ctx context.Context, n int, districts []string) (int64, error) {
	var first int64
	err := db.InTx(ctx, func(tx *Tx) error {
		seq, num := tx.db.series(n)
		uscc := "'91' || substr('0000000000000000' || i, -16)"
		if db.Engine == Postgres {
			uscc = "'91' || lpad(i::text, 16, '0')"
		}
		now := fmtTime(tx.now)
		_, err := tx.exec(ctx, seq+`INSERT INTO organizations (uscc, name, kind, legal_person, region_code, district_code, industry_code,
 is_applicant, is_provider, created_at, updated_at)
 SELECT `+uscc+`, '压测企业' || i, 'enterprise', TRUE, `+pick("i", districts)+`, `+pick("i", districts)+`, `+pick("i", BulkIndustries)+`,
 TRUE, FALSE, ?, ? FROM `+num+` ORDER BY i`, now, now)
		if err != nil {
			return err
		}
		var last, count int64
		if err := tx.queryRow(ctx, `SELECT min(id), max(id), count(*) FROM organizations WHERE name LIKE '压测企业%'`).Scan(&first, &last, &count); err != nil {
			return err
		}
		if last-first+1 != count {
			return fmt.Errorf("generated organisations are not numbered consecutively (%d…%d, %d rows)", first, last, count)
		}
		return nil
	})
	return first, err
}

// BulkApplications generates the applications numbered [From, To) of
// organisations [firstOrg, firstOrg+Orgs), in one transaction.
func (db *DB) BulkApplications(ctx context.Context, s BulkSpec, firstOrg int64) error {
	n := s.To - s.From
	if n <= 0 {
		return nil
	}
	return db.InTx(ctx, func(tx *Tx) error {
		seq, num := tx.db.series(n)
		now := fmtTime(tx.now)
		i := fmt.Sprintf("(i + %d)", s.From) // the application's sequence number
		org := fmt.Sprintf("(%s %% %d)", i, s.Orgs)
		states := make([]string, len(BulkStates))
		for k, st := range BulkStates {
			states[k] = string(st)
		}
		calls := make([]string, len(s.CallIDs))
		for k, id := range s.CallIDs {
			calls[k] = fmt.Sprint(id)
		}
		_, err := tx.exec(ctx, seq+`INSERT INTO applications (number, call_id, org_id, district_code, state, title, description,
 requested_fen, version, submitted_at, created_at, updated_at)
 SELECT 'YC' || `+i+`, `+pickRaw(i, calls)+`, `+fmt.Sprint(firstOrg)+` + `+org+`, `+pick(org+" + 1", s.Districts)+`, `+pick(i+" / 7", states)+`,
 '数字化改造项目' || `+i+`, '压测数据', 100000 + (`+i+` % 50) * 1000, 1, ?, ?, ? FROM `+num+` ORDER BY i`, now, now, now)
		return err
	})
}

// BulkPublicity opens a publicity batch public since start (YYYY-MM-DD)
// with up to n of the generated applications in publicity.
func (db *DB) BulkPublicity(ctx context.Context, n int, start, end string) (int64, error) {
	var batch int64
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		batch, err = tx.insertID(ctx, `INSERT INTO publicity_batches (title, start_date, created_at) VALUES (?, ?, ?)`,
			"压测公示批次", start, fmtTime(tx.now))
		if err != nil {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO publicity_items (batch_id, application_id, org_name, project_title, category, amount_fen,
 start_date, end_date, created_at)
 SELECT ?, a.id, o.name, a.title, c.category, a.requested_fen / 2, ?, ?, ? FROM applications a
 JOIN organizations o ON o.id = a.org_id JOIN calls c ON c.id = a.call_id
 WHERE a.state = ? AND NOT EXISTS (SELECT 1 FROM publicity_items pi WHERE pi.application_id = a.id) ORDER BY a.id LIMIT ?`,
			batch, start, end, fmtTime(tx.now), dtfund.StateInPublicity, n)
		return err
	})
	return batch, err
}

// series returns a WITH clause (empty on PostgreSQL) and a FROM source
// yielding i = 1…n.
func (db *DB) series(n int) (with, from string) {
	if db.Engine == Postgres {
		return "", fmt.Sprintf("generate_series(1, %d) AS s(i)", n)
	}
	return fmt.Sprintf("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) ", n), "s"
}

// pick is a CASE choosing one of the quoted values by expr modulo their number.
func pick(expr string, values []string) string {
	quoted := make([]string, len(values))
	for k, v := range values {
		quoted[k] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	return pickRaw(expr, quoted)
}

func pickRaw(expr string, values []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CASE (%s) %% %d", expr, len(values))
	for k, v := range values {
		fmt.Fprintf(&b, " WHEN %d THEN %s", k, v)
	}
	b.WriteString(" END")
	return b.String()
}

// CountSubmitted counts the call's applications in their first submitted
// version: the deadline day's check that every acknowledged submission
// was stored.
func (db *DB) CountSubmitted(ctx context.Context, callID int64) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM applications WHERE call_id = ? AND state = ? AND version = 1`,
		callID, dtfund.StateSubmitted).Scan(&n)
	return n, err
}

// Analyze does after a bulk load what PostgreSQL's autovacuum does by
// itself within a minute of such growth (the benchmark measures at once):
// refresh the planner's statistics and the visibility map. SQLite keeps no
// statistics unless asked, and the application never asks, so nothing is
// done there.
func (db *DB) Analyze(ctx context.Context) error {
	if db.Engine != Postgres {
		return nil
	}
	_, err := db.write.ExecContext(ctx, `VACUUM ANALYZE`)
	return err
}

// SubmissionTrace is what a submission wrote for one application, counted
// row by row: a crash test checks that each acknowledged submission is
// there exactly once and nothing is half-written.
type SubmissionTrace struct {
	State        dtfund.AppState
	Version      int
	Versions     int // application_versions rows
	SubmitEvents int // timeline events of the submission
	AuditSubmits int // audit records of the submission
	Spending     int
	Attachments  int
}

// TraceSubmission counts the rows of one application's submission.
func (db *DB) TraceSubmission(ctx context.Context, appID int64) (SubmissionTrace, error) {
	var t SubmissionTrace
	err := db.queryRow(ctx, `SELECT a.state, a.version,
 (SELECT count(*) FROM application_versions v WHERE v.application_id = a.id),
 (SELECT count(*) FROM application_events e WHERE e.application_id = a.id AND e.action = 'submit'),
 (SELECT count(*) FROM audit_log l WHERE l.object_type = 'application' AND l.object_id = ? AND l.action = 'application.submit'),
 (SELECT count(*) FROM application_spending s WHERE s.application_id = a.id),
 (SELECT count(*) FROM application_attachments t WHERE t.application_id = a.id)
 FROM applications a WHERE a.id = ?`, fmt.Sprint(appID), appID).Scan(&t.State, &t.Version, &t.Versions, &t.SubmitEvents,
		&t.AuditSubmits, &t.Spending, &t.Attachments)
	return t, err
}

// ApplicationIDs lists the call's applications.
func (db *DB) ApplicationIDs(ctx context.Context, callID int64) ([]int64, error) {
	return int64s(db.query(ctx, `SELECT id FROM applications WHERE call_id = ? ORDER BY id`, callID))
}
