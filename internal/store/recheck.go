package store

import (
	"context"
	"strings"
	"time"

	"dtfund"
)

// RecheckSignature is one bureau's signature on the joint re-check (资格复核
// 会签, 第十四条（四）): 市工业和信息化局 and 市财政局 each sign once.
type RecheckSignature struct {
	ID            int64
	ApplicationID int64
	Role          dtfund.Role // city_miit | city_finance
	UserID        int64
	Signer        string
	Pass          bool
	Opinion       string
	SignedAt      time.Time
}

// RecheckResult is what the rules decided when the re-check passed.
type RecheckResult struct {
	ApplicationID int64
	FundSource    string // central | local
	HasCap        bool
	MaxSubsidyFen int64
	DecidedAt     time.Time
}

// Fund sources of an award.
const (
	FundCentral = "central" // 中央专项资金
	FundLocal   = "local"   // 地方配套资金
)

// FundSourceLabel names a fund source in Chinese.
func FundSourceLabel(s string) string {
	switch s {
	case FundCentral:
		return "中央专项资金"
	case FundLocal:
		return "地方配套资金"
	}
	return s
}

// LockApplication takes the application's row lock for the rest of the
// transaction, so that two officials acting at once on the same
// application run one after the other (PostgreSQL: the second waits and
// then sees what the first wrote; SQLite has one writer anyway).
func (tx *Tx) LockApplication(ctx context.Context, id int64) error {
	res, err := tx.exec(ctx, `UPDATE applications SET updated_at = updated_at WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ENOTFOUND, "申报不存在")
	}
	return nil
}

// AddRecheckSignature records a signature; a second signature of the same
// bureau is refused by the UNIQUE constraint (ECONFLICT).
func (tx *Tx) AddRecheckSignature(ctx context.Context, s *RecheckSignature) error {
	id, err := tx.insertID(ctx, `INSERT INTO recheck_signatures (application_id, role, user_id, signer, pass, opinion, signed_at)
 VALUES (?, ?, ?, ?, ?, ?, ?)`, s.ApplicationID, s.Role, s.UserID, s.Signer, s.Pass, s.Opinion, fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	s.ID, s.SignedAt = id, tx.now
	return nil
}

// RecheckSignatures returns an application's signatures, in signing order.
func (db *DB) RecheckSignatures(ctx context.Context, appID int64) ([]RecheckSignature, error) {
	return recheckSignatures(ctx, db.query, appID)
}

// RecheckSignatures reads the signatures inside the transaction that adds one.
func (tx *Tx) RecheckSignatures(ctx context.Context, appID int64) ([]RecheckSignature, error) {
	return recheckSignatures(ctx, tx.query, appID)
}

func recheckSignatures(ctx context.Context, query queryFunc, appID int64) ([]RecheckSignature, error) {
	rows, err := query(ctx, `SELECT id, application_id, role, user_id, signer, pass, opinion, signed_at
 FROM recheck_signatures WHERE application_id = ? ORDER BY id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RecheckSignature
	for rows.Next() {
		s, err := scanSignature(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SignaturesFor returns the signatures of several applications (one page
// of a queue), keyed by application, in one query.
func (db *DB) SignaturesFor(ctx context.Context, appIDs []int64) (map[int64][]RecheckSignature, error) {
	out := map[int64][]RecheckSignature{}
	if len(appIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(appIDs))
	for i, id := range appIDs {
		args[i] = id
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(appIDs)), ", ")
	rows, err := db.query(ctx, `SELECT id, application_id, role, user_id, signer, pass, opinion, signed_at
 FROM recheck_signatures WHERE application_id IN (`+ph+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		s, err := scanSignature(rows)
		if err != nil {
			return nil, err
		}
		out[s.ApplicationID] = append(out[s.ApplicationID], s)
	}
	return out, rows.Err()
}

func scanSignature(sc interface{ Scan(...any) error }) (RecheckSignature, error) {
	var s RecheckSignature
	var at string
	err := sc.Scan(&s.ID, &s.ApplicationID, &s.Role, &s.UserID, &s.Signer, &s.Pass, &s.Opinion, &at)
	s.SignedAt = parseTime(at)
	return s, err
}

// SaveRecheckResult stores the rules' conclusion at the passing re-check.
func (tx *Tx) SaveRecheckResult(ctx context.Context, r *RecheckResult) error {
	_, err := tx.exec(ctx, `INSERT INTO recheck_results (application_id, fund_source, has_cap, max_subsidy_fen, decided_at)
 VALUES (?, ?, ?, ?, ?)`, r.ApplicationID, r.FundSource, r.HasCap, r.MaxSubsidyFen, fmtTime(tx.now))
	r.DecidedAt = tx.now
	return normalize(err)
}

// RecheckResult reads the re-check's conclusion inside a transaction.
func (tx *Tx) RecheckResult(ctx context.Context, appID int64) (*RecheckResult, error) {
	return recheckResult(tx.queryRow(ctx, recheckResultQuery, appID))
}

// RecheckResult returns the re-check's conclusion of an application.
func (db *DB) RecheckResult(ctx context.Context, appID int64) (*RecheckResult, error) {
	return recheckResult(db.queryRow(ctx, recheckResultQuery, appID))
}

const recheckResultQuery = `SELECT application_id, fund_source, has_cap, max_subsidy_fen, decided_at FROM recheck_results WHERE application_id = ?`

func recheckResult(row interface{ Scan(...any) error }) (*RecheckResult, error) {
	var r RecheckResult
	var at string
	if err := row.Scan(&r.ApplicationID, &r.FundSource, &r.HasCap, &r.MaxSubsidyFen, &at); err != nil {
		if normalizedNotFound(err) {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "该申报尚无资格复核结论")
		}
		return nil, err
	}
	r.DecidedAt = parseTime(at)
	return &r, nil
}
