package store

import (
	"context"
	"database/sql"
	"time"

	"dtfund"
)

// Budgets (第二条, 第六条（二）): releases of the fund sources, the year's
// performance targets, the money flows of the budget lines read from the
// ledger, and the commitment of awards.

// BudgetRelease is one release of a fund source (下达预算), booked in the
// ledger as transaction LedgerTxID.
type BudgetRelease struct {
	ID         int64
	Year       int
	Source     string
	DocNumber  string
	DocDate    string // YYYY-MM-DD
	AmountFen  int64
	LedgerTxID int64
	CreatedBy  int64
	CreatedAt  time.Time
}

// SourceLabel names the release's fund source.
func (r *BudgetRelease) SourceLabel() string { return SourceLabels[r.Source] }

const releaseColumns = `id, year, source, doc_number, doc_date, amount_fen, ledger_tx_id, COALESCE(created_by, 0), created_at`

func scanRelease(sc interface{ Scan(...any) error }) (*BudgetRelease, error) {
	var r BudgetRelease
	var at string
	if err := sc.Scan(&r.ID, &r.Year, &r.Source, &r.DocNumber, &r.DocDate, &r.AmountFen, &r.LedgerTxID, &r.CreatedBy, &at); err != nil {
		return nil, err
	}
	r.CreatedAt = parseTime(at)
	return &r, nil
}

// ReleaseByDoc returns the release of a source under a document number, or
// nil: a document releases a source's money once.
func (tx *Tx) ReleaseByDoc(ctx context.Context, docNumber, source string) (*BudgetRelease, error) {
	r, err := scanRelease(tx.queryRow(ctx, `SELECT `+releaseColumns+` FROM budget_releases WHERE doc_number = ? AND source = ?`, docNumber, source))
	if err != nil && normalizedNotFound(err) {
		return nil, nil
	}
	return r, err
}

// CreateRelease records a release already posted to the ledger.
func (tx *Tx) CreateRelease(ctx context.Context, r *BudgetRelease) error {
	id, err := tx.insertID(ctx, `INSERT INTO budget_releases (year, source, doc_number, doc_date, amount_fen, ledger_tx_id, created_by, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.Year, r.Source, r.DocNumber, r.DocDate, r.AmountFen, r.LedgerTxID, nullInt(r.CreatedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	r.ID, r.CreatedAt = id, tx.now
	return nil
}

// Releases returns one page of a year's releases, newest first, and the count.
func (db *DB) Releases(ctx context.Context, year int, page Page) ([]*BudgetRelease, int, error) {
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM budget_releases WHERE year = ?`, year).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := page.clamp()
	rows, err := db.query(ctx, `SELECT `+releaseColumns+` FROM budget_releases WHERE year = ? ORDER BY id DESC LIMIT ? OFFSET ?`, year, p.Limit, p.Offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*BudgetRelease
	for rows.Next() {
		r, err := scanRelease(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// PerformanceTarget is one of a year's performance targets (绩效目标,
// 第六条（二）).
type PerformanceTarget struct {
	ID          int64
	Year        int
	Indicator   string // 指标
	TargetValue string // 目标值, e.g. "≥ 90"
	Unit        string // 计量单位, e.g. "%"
	SourceDoc   string // 依据文件
	CreatedBy   int64
	CreatedAt   time.Time
}

// CreateTarget records a performance target.
func (tx *Tx) CreateTarget(ctx context.Context, t *PerformanceTarget) error {
	id, err := tx.insertID(ctx, `INSERT INTO performance_targets (year, indicator, target_value, unit, source_doc, created_by, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?)`, t.Year, t.Indicator, t.TargetValue, t.Unit, t.SourceDoc, nullInt(t.CreatedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	t.ID, t.CreatedAt = id, tx.now
	return nil
}

// Targets returns one page of a year's performance targets, oldest first.
func (db *DB) Targets(ctx context.Context, year int, page Page) ([]*PerformanceTarget, int, error) {
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM performance_targets WHERE year = ?`, year).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := page.clamp()
	rows, err := db.query(ctx, `SELECT id, year, indicator, target_value, unit, source_doc, COALESCE(created_by, 0), created_at
 FROM performance_targets WHERE year = ? ORDER BY id LIMIT ? OFFSET ?`, year, p.Limit, p.Offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*PerformanceTarget
	for rows.Next() {
		var t PerformanceTarget
		var at string
		if err := rows.Scan(&t.ID, &t.Year, &t.Indicator, &t.TargetValue, &t.Unit, &t.SourceDoc, &t.CreatedBy, &at); err != nil {
			return nil, 0, err
		}
		t.CreatedAt = parseTime(at)
		out = append(out, &t)
	}
	return out, total, rows.Err()
}

// AccountFlow is an account's balance and the net of its entries by
// transaction kind (e.g. "allocate" + "deallocate" is what was allocated
// to a line; "release" what was released to a source).
type AccountFlow struct {
	Code       string
	BalanceFen int64
	ByKind     map[string]int64
}

// Net sums the flows of the given transaction kinds.
func (f *AccountFlow) Net(kinds ...string) int64 {
	var n int64
	for _, k := range kinds {
		n += f.ByKind[k]
	}
	return n
}

type querier interface {
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// AccountFlows returns the flows of the accounts whose codes start with
// prefix, by code, inside the write transaction (so checks see postings
// made earlier in it).
func (tx *Tx) AccountFlows(ctx context.Context, prefix string) (map[string]*AccountFlow, error) {
	return accountFlows(ctx, tx, prefix)
}

// AccountFlows returns the flows of the accounts whose codes start with prefix.
func (db *DB) AccountFlows(ctx context.Context, prefix string) (map[string]*AccountFlow, error) {
	return accountFlows(ctx, db, prefix)
}

func accountFlows(ctx context.Context, q querier, prefix string) (map[string]*AccountFlow, error) {
	rows, err := q.query(ctx, `SELECT a.code, a.balance_fen, COALESCE(t.kind, ''), COALESCE(SUM(e.amount_fen), 0)
 FROM ledger_accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id LEFT JOIN ledger_transactions t ON t.id = e.transaction_id
 WHERE a.code LIKE ? GROUP BY a.code, a.balance_fen, t.kind ORDER BY a.code`, escapeLikePrefix(prefix)+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*AccountFlow{}
	for rows.Next() {
		var code, kind string
		var bal, sum int64
		if err := rows.Scan(&code, &bal, &kind, &sum); err != nil {
			return nil, err
		}
		f := out[code]
		if f == nil {
			f = &AccountFlow{Code: code, BalanceFen: bal, ByKind: map[string]int64{}}
			out[code] = f
		}
		if kind != "" {
			f.ByKind[kind] += sum
		}
	}
	return out, rows.Err()
}

// Award statuses.
const (
	AwardActive    = "active"
	AwardSuspended = "suspended"
	AwardRevoked   = "revoked"
)

// AwardCommitment is the commitment of an award to a budget line.
type AwardCommitment struct {
	AwardID    int64
	Status     string
	LineCode   string // "" until committed
	CommitTxID int64  // 0 until committed
}

// AwardCommitment returns an award's status and commitment.
func (tx *Tx) AwardCommitment(ctx context.Context, awardID int64) (*AwardCommitment, error) {
	c := &AwardCommitment{AwardID: awardID}
	err := tx.queryRow(ctx, `SELECT status, line_code, COALESCE(commit_tx_id, 0) FROM awards WHERE id = ?`, awardID).
		Scan(&c.Status, &c.LineCode, &c.CommitTxID)
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "奖补 %d 不存在", awardID)
	}
	return c, err
}

// SetAwardCommitment records the line an award was committed from and the
// ledger transaction, once: an award already committed is left as it is.
func (tx *Tx) SetAwardCommitment(ctx context.Context, awardID int64, lineCode string, txID int64) error {
	_, err := tx.exec(ctx, `UPDATE awards SET line_code = ?, commit_tx_id = ? WHERE id = ? AND commit_tx_id IS NULL`, lineCode, txID, awardID)
	return err
}

// ActiveAwardsFen sums an organisation's awards in a category that are not
// revoked (the cumulative caps of 第七条（一） and （三） count them).
func (tx *Tx) ActiveAwardsFen(ctx context.Context, orgID int64, category string) (int64, error) {
	var sum int64
	err := tx.queryRow(ctx, `SELECT COALESCE(SUM(amount_fen), 0) FROM awards WHERE org_id = ? AND category = ? AND status <> ?`,
		orgID, category, AwardRevoked).Scan(&sum)
	return sum, err
}

// ApprovalDocDate returns the date of an approval document inside the
// write transaction (the approval may have been created in it).
func (tx *Tx) ApprovalDocDate(ctx context.Context, approvalID int64) (string, error) {
	var d string
	err := tx.queryRow(ctx, `SELECT doc_date FROM approvals WHERE id = ?`, approvalID).Scan(&d)
	if err != nil && normalizedNotFound(err) {
		return "", dtfund.Errorf(dtfund.ENOTFOUND, "审批记录 %d 不存在", approvalID)
	}
	return d, err
}

// LedgerTxByKey returns the ID of the transaction posted with an
// idempotency key, or 0: a resent form is answered before its checks run
// again against balances it already changed.
func (tx *Tx) LedgerTxByKey(ctx context.Context, key string) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM ledger_transactions WHERE idempotency_key = ?`, key).Scan(&id)
	if err != nil && normalizedNotFound(err) {
		return 0, nil
	}
	return id, err
}
