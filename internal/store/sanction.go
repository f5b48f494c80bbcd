package store

import (
	"context"
	"strings"
	"time"

	"dtfund"
)

// Violation decisions (违规处理, 第二十条) and what they did: cancelled
// applications, revoked awards, referrals to other authorities.

// Sanction is a violation decision with its ban.
type Sanction struct {
	ID             int64
	OrgID          int64
	Facts          string
	Article        string
	DecidedOn      string // YYYY-MM-DD
	DocNumber      string // 处理决定书文号
	BanStart       string // the first day the unit may not apply (the decision date)
	BanEnd         string // the last day (policy.BanEnd)
	ParamVersion   string // the parameters the ban's length was taken from
	EvidenceSHA256 string
	EvidenceName   string
	ItemID         int64 // the inspection finding it rests on, if any
	DecidedBy      int64
	CreatedAt      time.Time

	// Filled by queries.
	OrgName      string
	USCC         string
	DistrictCode string
	DistrictName string
	DeciderName  string
}

// Active reports whether the unit is banned on day (YYYY-MM-DD).
func (s *Sanction) Active(day string) bool { return s.BanStart <= day && day <= s.BanEnd }

// SanctionEffect is one thing a decision did.
type SanctionEffect struct {
	ID            int64
	SanctionID    int64
	Kind          string // cancel | revoke
	ApplicationID int64
	AwardID       int64
	FromState     dtfund.AppState
	ReturnedFen   int64
	ReceivableFen int64
	AppNumber     string // filled by queries
}

// Referral is a referral to another authority (移交有关部门).
type Referral struct {
	ID         int64
	SanctionID int64
	Authority  string
	ReferredOn string
	Note       string
	CreatedBy  int64
	CreatedAt  time.Time
}

// CreateSanction inserts a decision; a second decision with the same
// document number is ECONFLICT.
func (tx *Tx) CreateSanction(ctx context.Context, s *Sanction) error {
	id, err := tx.insertID(ctx, `INSERT INTO sanctions (org_id, facts, article, decided_on, doc_number, ban_start, ban_end, param_version,
 evidence_sha256, evidence_name, item_id, decided_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.OrgID, s.Facts, s.Article, s.DecidedOn, s.DocNumber, s.BanStart, s.BanEnd, s.ParamVersion, nullString(s.EvidenceSHA256),
		s.EvidenceName, nullInt(s.ItemID), nullInt(s.DecidedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	s.ID, s.CreatedAt = id, tx.now
	return nil
}

const sanctionColumns = `s.id, s.org_id, s.facts, s.article, s.decided_on, s.doc_number, s.ban_start, s.ban_end, s.param_version,
 COALESCE(s.evidence_sha256, ''), s.evidence_name, COALESCE(s.item_id, 0), COALESCE(s.decided_by, 0), s.created_at,
 o.name, o.uscc, COALESCE(o.district_code, ''), COALESCE(d.name, ''), COALESCE(u.display_name, '')`

const sanctionFrom = ` FROM sanctions s JOIN organizations o ON o.id = s.org_id LEFT JOIN districts d ON d.code = o.district_code
 LEFT JOIN users u ON u.id = s.decided_by`

func scanSanction(sc interface{ Scan(...any) error }) (*Sanction, error) {
	var s Sanction
	var at string
	if err := sc.Scan(&s.ID, &s.OrgID, &s.Facts, &s.Article, &s.DecidedOn, &s.DocNumber, &s.BanStart, &s.BanEnd, &s.ParamVersion,
		&s.EvidenceSHA256, &s.EvidenceName, &s.ItemID, &s.DecidedBy, &at, &s.OrgName, &s.USCC, &s.DistrictCode, &s.DistrictName,
		&s.DeciderName); err != nil {
		return nil, err
	}
	s.CreatedAt = parseTime(at)
	return &s, nil
}

// SanctionFilter selects decisions. DistrictCode is the actor's scope (the
// organisation's district; "" for all).
type SanctionFilter struct {
	OrgID        int64
	DistrictCode string
	ActiveOn     string // only bans in force on this day
	Page         Page
}

func sanctionWhere(f SanctionFilter) (string, []any) {
	var conds []string
	var args []any
	if f.OrgID != 0 {
		conds, args = append(conds, "s.org_id = ?"), append(args, f.OrgID)
	}
	if f.DistrictCode != "" {
		conds, args = append(conds, "o.district_code = ?"), append(args, f.DistrictCode)
	}
	if f.ActiveOn != "" {
		conds, args = append(conds, "s.ban_start <= ? AND s.ban_end >= ?"), append(args, f.ActiveOn, f.ActiveOn)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindSanctions returns one page of decisions, newest decision first, and the total.
func (db *DB) FindSanctions(ctx context.Context, f SanctionFilter) ([]*Sanction, int, error) {
	where, args := sanctionWhere(f)
	var total int
	if err := db.queryRow(ctx, `SELECT count(*)`+sanctionFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+sanctionColumns+sanctionFrom+where+` ORDER BY s.decided_on DESC, s.id DESC LIMIT ? OFFSET ?`,
		append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*Sanction
	for rows.Next() {
		s, err := scanSanction(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, s)
	}
	return out, total, rows.Err()
}

// Sanction returns a decision within a district's scope ("" for all), or ENOTFOUND.
func (db *DB) Sanction(ctx context.Context, id int64, districtCode string) (*Sanction, error) {
	q, args := `SELECT `+sanctionColumns+sanctionFrom+` WHERE s.id = ?`, []any{id}
	if districtCode != "" {
		q, args = q+` AND o.district_code = ?`, append(args, districtCode)
	}
	s, err := scanSanction(db.queryRow(ctx, q, args...))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "处理决定不存在")
	}
	return s, err
}

// SanctionByDoc returns the decision with a document number inside the
// write transaction, or nil.
func (tx *Tx) SanctionByDoc(ctx context.Context, doc string) (*Sanction, error) {
	s, err := scanSanction(tx.queryRow(ctx, `SELECT `+sanctionColumns+sanctionFrom+` WHERE s.doc_number = ?`, doc))
	if err != nil && normalizedNotFound(err) {
		return nil, nil
	}
	return s, err
}

// OrgSanctions returns every decision about an organisation, oldest first,
// inside the write transaction (the rules read them, 第十一条（二）).
func (tx *Tx) OrgSanctions(ctx context.Context, orgID int64) ([]*Sanction, error) {
	rows, err := tx.query(ctx, `SELECT `+sanctionColumns+sanctionFrom+` WHERE s.org_id = ? ORDER BY s.decided_on, s.id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Sanction
	for rows.Next() {
		s, err := scanSanction(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// AddSanctionEffect records one thing a decision did.
func (tx *Tx) AddSanctionEffect(ctx context.Context, e *SanctionEffect) error {
	id, err := tx.insertID(ctx, `INSERT INTO sanction_effects (sanction_id, kind, application_id, award_id, from_state, returned_fen, receivable_fen)
 VALUES (?, ?, ?, ?, ?, ?, ?)`, e.SanctionID, e.Kind, e.ApplicationID, nullInt(e.AwardID), string(e.FromState), e.ReturnedFen, e.ReceivableFen)
	if err != nil {
		return normalize(err)
	}
	e.ID = id
	return nil
}

// SanctionEffects returns what a decision did.
func (db *DB) SanctionEffects(ctx context.Context, sanctionID int64) ([]*SanctionEffect, error) {
	rows, err := db.query(ctx, `SELECT e.id, e.sanction_id, e.kind, e.application_id, COALESCE(e.award_id, 0), e.from_state, e.returned_fen,
 e.receivable_fen, a.number FROM sanction_effects e JOIN applications a ON a.id = e.application_id WHERE e.sanction_id = ? ORDER BY e.id`, sanctionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*SanctionEffect
	for rows.Next() {
		var e SanctionEffect
		if err := rows.Scan(&e.ID, &e.SanctionID, &e.Kind, &e.ApplicationID, &e.AwardID, &e.FromState, &e.ReturnedFen, &e.ReceivableFen,
			&e.AppNumber); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// AddReferral records a referral.
func (tx *Tx) AddReferral(ctx context.Context, r *Referral) error {
	id, err := tx.insertID(ctx, `INSERT INTO sanction_referrals (sanction_id, authority, referred_on, note, created_by, created_at)
 VALUES (?, ?, ?, ?, ?, ?)`, r.SanctionID, r.Authority, r.ReferredOn, r.Note, nullInt(r.CreatedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	r.ID, r.CreatedAt = id, tx.now
	return nil
}

// Referrals returns a decision's referrals, oldest first.
func (db *DB) Referrals(ctx context.Context, sanctionID int64) ([]*Referral, error) {
	rows, err := db.query(ctx, `SELECT id, sanction_id, authority, referred_on, note, COALESCE(created_by, 0), created_at
 FROM sanction_referrals WHERE sanction_id = ? ORDER BY referred_on, id`, sanctionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Referral
	for rows.Next() {
		var r Referral
		var at string
		if err := rows.Scan(&r.ID, &r.SanctionID, &r.Authority, &r.ReferredOn, &r.Note, &r.CreatedBy, &at); err != nil {
			return nil, err
		}
		r.CreatedAt = parseTime(at)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// AppRef is an application's ID and state.
type AppRef struct {
	ID    int64
	State dtfund.AppState
}

// OrgApplications returns an organisation's applications in every state,
// oldest first, inside the write transaction.
func (tx *Tx) OrgApplications(ctx context.Context, orgID int64) ([]AppRef, error) {
	rows, err := tx.query(ctx, `SELECT id, state FROM applications WHERE org_id = ? ORDER BY id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AppRef
	for rows.Next() {
		var r AppRef
		if err := rows.Scan(&r.ID, &r.State); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// OrgAwards returns the IDs and application IDs of an organisation's
// awards, oldest first, inside the write transaction.
func (tx *Tx) OrgAwards(ctx context.Context, orgID int64) (awardIDs, appIDs []int64, err error) {
	rows, err := tx.query(ctx, `SELECT id, application_id FROM awards WHERE org_id = ? ORDER BY id`, orgID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var w, a int64
		if err := rows.Scan(&w, &a); err != nil {
			return nil, nil, err
		}
		awardIDs, appIDs = append(awardIDs, w), append(appIDs, a)
	}
	return awardIDs, appIDs, rows.Err()
}

// SameReferral reports whether a decision already has a referral to the
// authority on the date (a resent form is not a second referral).
func (tx *Tx) SameReferral(ctx context.Context, sanctionID int64, authority, on string) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM sanction_referrals WHERE sanction_id = ? AND authority = ? AND referred_on = ?`,
		sanctionID, authority, on).Scan(&n)
	return n > 0, err
}
