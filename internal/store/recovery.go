package store

import (
	"context"
	"time"

	"dtfund"
)

// Recovery (追回, 第二十条): a revoked award's paid-out money is a receivable
// until repaid; repayments return to the award's own budget line.

// Revocation is the record of a revoked award.
type Revocation struct {
	AwardID       int64
	LineCode      string
	Reason        string
	Article       string
	ReturnedFen   int64 // unpaid commitment and money in transit returned to the line
	ReceivableFen int64 // paid out, to be recovered
	DueDate       string
	LedgerTxID    int64
	RevokedBy     int64
	RevokedAt     time.Time
	// Filled by queries.
	OrgID        int64
	OrgName      string
	AppNumber    string
	OutstandFen  int64 // receivable balance now
	RecoveredFen int64
	DaysOverdue  int
}

// CreateRevocation records a revocation; a second one for the award is
// refused (primary key, ECONFLICT).
func (tx *Tx) CreateRevocation(ctx context.Context, r *Revocation) error {
	_, err := tx.exec(ctx, `INSERT INTO award_revocations (award_id, line_code, reason, article, returned_fen, receivable_fen, due_date,
 ledger_tx_id, revoked_by, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.AwardID, r.LineCode, r.Reason, r.Article,
		r.ReturnedFen, r.ReceivableFen, r.DueDate, nullInt(r.LedgerTxID), nullInt(r.RevokedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	r.RevokedAt = tx.now
	return nil
}

const revocationSelect = `SELECT r.award_id, r.line_code, r.reason, r.article, r.returned_fen, r.receivable_fen, r.due_date,
 COALESCE(r.ledger_tx_id, 0), COALESCE(r.revoked_by, 0), r.revoked_at, w.org_id, o.name, a.number,
 COALESCE((SELECT balance_fen FROM ledger_accounts la WHERE la.code = 'receivable:award:' || CAST(r.award_id AS TEXT)), 0),
 (SELECT COALESCE(SUM(amount_fen), 0) FROM repayments p WHERE p.award_id = r.award_id)
 FROM award_revocations r JOIN awards w ON w.id = r.award_id JOIN organizations o ON o.id = w.org_id
 JOIN applications a ON a.id = w.application_id`

func scanRevocation(sc interface{ Scan(...any) error }) (*Revocation, error) {
	var r Revocation
	var at string
	if err := sc.Scan(&r.AwardID, &r.LineCode, &r.Reason, &r.Article, &r.ReturnedFen, &r.ReceivableFen, &r.DueDate, &r.LedgerTxID,
		&r.RevokedBy, &at, &r.OrgID, &r.OrgName, &r.AppNumber, &r.OutstandFen, &r.RecoveredFen); err != nil {
		return nil, err
	}
	r.RevokedAt = parseTime(at)
	return &r, nil
}

// Revocation returns an award's revocation inside the write transaction.
func (tx *Tx) Revocation(ctx context.Context, awardID int64) (*Revocation, error) {
	r, err := scanRevocation(tx.queryRow(ctx, revocationSelect+` WHERE r.award_id = ?`, awardID))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "该奖补未被撤销，没有应收追回款")
	}
	return r, err
}

// Revocation returns an award's revocation.
func (db *DB) Revocation(ctx context.Context, awardID int64) (*Revocation, error) {
	r, err := scanRevocation(db.queryRow(ctx, revocationSelect+` WHERE r.award_id = ?`, awardID))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "该奖补未被撤销")
	}
	return r, err
}

// ReceivableFilter selects revocations; OverdueOn (YYYY-MM-DD) keeps those
// due before that date with money still outstanding; OrgID is scope.
type ReceivableFilter struct {
	OverdueOn string
	OrgID     int64
	Page      Page
}

// FindRevocations returns a page of revocations, oldest due first, and the total.
func (db *DB) FindRevocations(ctx context.Context, f ReceivableFilter) ([]*Revocation, int, error) {
	where, args := ` WHERE 1 = 1`, []any{}
	if f.OverdueOn != "" {
		where += ` AND r.due_date < ? AND EXISTS (SELECT 1 FROM ledger_accounts la WHERE la.code = 'receivable:award:' || CAST(r.award_id AS TEXT) AND la.balance_fen > 0)`
		args = append(args, f.OverdueOn)
	}
	if f.OrgID != 0 {
		where += ` AND w.org_id = ?`
		args = append(args, f.OrgID)
	}
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM award_revocations r JOIN awards w ON w.id = r.award_id`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, revocationSelect+where+` ORDER BY r.due_date, r.award_id LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*Revocation
	for rows.Next() {
		r, err := scanRevocation(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// Repayment is one repayment of a receivable.
type Repayment struct {
	ID             int64
	AwardID        int64
	AmountFen      int64
	PaidOn         string
	BankRef        string
	IdempotencyKey string
	LedgerTxID     int64
	RecordedBy     int64
	CreatedAt      time.Time
}

// CreateRepayment records a repayment; a repeated key is refused (ECONFLICT).
func (tx *Tx) CreateRepayment(ctx context.Context, p *Repayment) error {
	id, err := tx.insertID(ctx, `INSERT INTO repayments (award_id, amount_fen, paid_on, bank_ref, idempotency_key, ledger_tx_id, recorded_by, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.AwardID, p.AmountFen, p.PaidOn, p.BankRef, p.IdempotencyKey, p.LedgerTxID, nullInt(p.RecordedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	p.ID, p.CreatedAt = id, tx.now
	return nil
}

// Repayments returns an award's repayments, oldest first.
func (db *DB) Repayments(ctx context.Context, awardID int64) ([]*Repayment, error) {
	rows, err := db.query(ctx, `SELECT id, award_id, amount_fen, paid_on, bank_ref, idempotency_key, ledger_tx_id, COALESCE(recorded_by, 0), created_at
 FROM repayments WHERE award_id = ? ORDER BY id`, awardID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Repayment
	for rows.Next() {
		var p Repayment
		var at string
		if err := rows.Scan(&p.ID, &p.AwardID, &p.AmountFen, &p.PaidOn, &p.BankRef, &p.IdempotencyKey, &p.LedgerTxID, &p.RecordedBy, &at); err != nil {
			return nil, err
		}
		p.CreatedAt = parseTime(at)
		out = append(out, &p)
	}
	return out, rows.Err()
}

// AwardMoney is one award's money for the execution report.
type AwardMoney struct {
	AwardID      int64
	Category     string
	FundSource   string
	DistrictCode string
	DistrictName string
	IndustryCode string
	Year         int // of the award's line, else of the award's creation
	LineCode     string
	AmountFen    int64
	PaidFen      int64 // paid out to the recipient (gross)
	RecoveredFen int64
	Revoked      bool
}

// AwardsMoney returns every award with what was paid out and recovered; the
// line comes from the ledger (awardLine's query, for all awards at once).
func (db *DB) AwardsMoney(ctx context.Context) ([]*AwardMoney, error) {
	rows, err := db.query(ctx, `SELECT w.id, w.category, w.fund_source, COALESCE(a.district_code, ''), COALESCE(d.name, ''), o.industry_code,
 w.created_at, w.amount_fen,
 (SELECT COALESCE(SUM(amount_fen), 0) FROM payment_instructions i WHERE i.award_id = w.id AND i.state = 'paid_out'),
 (SELECT COALESCE(SUM(amount_fen), 0) FROM repayments p WHERE p.award_id = w.id),
 (SELECT count(*) FROM award_revocations r WHERE r.award_id = w.id),
 COALESCE((SELECT la.code FROM ledger_accounts ca JOIN ledger_entries ec ON ec.account_id = ca.id AND ec.amount_fen > 0
   JOIN ledger_transactions t ON t.id = ec.transaction_id AND t.kind = 'commit'
   JOIN ledger_entries el ON el.transaction_id = t.id AND el.amount_fen < 0
   JOIN ledger_accounts la ON la.id = el.account_id AND la.kind = 'line'
   WHERE ca.code = 'commitment:award:' || CAST(w.id AS TEXT) ORDER BY ec.id LIMIT 1), '')
 FROM awards w JOIN applications a ON a.id = w.application_id JOIN organizations o ON o.id = w.org_id
 LEFT JOIN districts d ON d.code = a.district_code ORDER BY w.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*AwardMoney
	for rows.Next() {
		var m AwardMoney
		var at string
		var revoked int
		if err := rows.Scan(&m.AwardID, &m.Category, &m.FundSource, &m.DistrictCode, &m.DistrictName, &m.IndustryCode, &at, &m.AmountFen,
			&m.PaidFen, &m.RecoveredFen, &revoked, &m.LineCode); err != nil {
			return nil, err
		}
		m.Revoked, m.Year = revoked > 0, parseTime(at).Year()
		out = append(out, &m)
	}
	return out, rows.Err()
}

// KindTotal is the sum of the balances of one account kind.
type KindTotal struct {
	Kind       string
	BalanceFen int64
}

// BalancesByKind sums the cached balances per account kind.
func (db *DB) BalancesByKind(ctx context.Context) (map[string]int64, error) {
	rows, err := db.query(ctx, `SELECT kind, COALESCE(SUM(balance_fen), 0) FROM ledger_accounts GROUP BY kind`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var b int64
		if err := rows.Scan(&k, &b); err != nil {
			return nil, err
		}
		out[k] = b
	}
	return out, rows.Err()
}

// PostedByKind sums the entries on accounts of one kind made by ledger
// transactions of one kind (e.g. the releases into sources).
func (db *DB) PostedByKind(ctx context.Context, accountKind, txKind string) (int64, error) {
	var s int64
	err := db.queryRow(ctx, `SELECT COALESCE(SUM(e.amount_fen), 0) FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
 JOIN ledger_transactions t ON t.id = e.transaction_id WHERE a.kind = ? AND t.kind = ?`, accountKind, txKind).Scan(&s)
	return s, err
}

// ReleasedBySource sums the releases posted to each source account.
func (db *DB) ReleasedBySource(ctx context.Context) (map[string]int64, error) {
	rows, err := db.query(ctx, `SELECT a.code, COALESCE(SUM(e.amount_fen), 0) FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
 JOIN ledger_transactions t ON t.id = e.transaction_id WHERE a.kind = 'source' AND t.kind = 'release' GROUP BY a.code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var c string
		var s int64
		if err := rows.Scan(&c, &s); err != nil {
			return nil, err
		}
		out[c] = s
	}
	return out, rows.Err()
}

// NegativeBalances lists the accounts, other than external ones, below zero.
func (db *DB) NegativeBalances(ctx context.Context) ([]string, error) {
	rows, err := db.query(ctx, `SELECT code FROM ledger_accounts WHERE balance_fen < 0 AND kind <> 'external' ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RepaymentAmount returns the amount of the repayment booked by a ledger transaction.
func (tx *Tx) RepaymentAmount(ctx context.Context, ledgerTxID int64) (int64, error) {
	var a int64
	err := tx.queryRow(ctx, `SELECT amount_fen FROM repayments WHERE ledger_tx_id = ?`, ledgerTxID).Scan(&a)
	return a, normalize(err)
}
