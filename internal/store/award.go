package store

import (
	"context"
	"strings"
	"time"

	"dtfund"
)

// Approval is the government's approval (政府审批, 第十四条（六）) of a closed
// publicity batch: the document number and date, and its scan if uploaded.
type Approval struct {
	ID               int64
	BatchID          int64
	DocNumber        string
	DocDate          string // YYYY-MM-DD
	AttachmentSHA256 string
	AttachmentName   string
	CreatedBy        int64
	CreatedAt        time.Time
}

// Award is an approved subsidy (奖补): one per application.
type Award struct {
	ID            int64
	ApplicationID int64
	OrgID         int64
	Category      string
	AmountFen     int64
	FundSource    string // central | local
	ApprovalID    int64
	CreatedAt     time.Time
	Status        string // active | suspended (暂缓, 第十八条) | revoked (第二十条)

	// Filled by queries.
	AppNumber    string
	ProjectTitle string
	OrgName      string
	DistrictName string
	DocNumber    string
	DocDate      string
}

// CreateApproval records an approval document.
func (tx *Tx) CreateApproval(ctx context.Context, ap *Approval) error {
	id, err := tx.insertID(ctx, `INSERT INTO approvals (batch_id, doc_number, doc_date, attachment_sha256, attachment_name, created_by, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?)`, ap.BatchID, ap.DocNumber, ap.DocDate, nullString(ap.AttachmentSHA256), ap.AttachmentName,
		nullInt(ap.CreatedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	ap.ID, ap.CreatedAt = id, tx.now
	return nil
}

const approvalColumns = `id, batch_id, doc_number, doc_date, COALESCE(attachment_sha256, ''), attachment_name,
 COALESCE(created_by, 0), created_at`

func scanApproval(sc interface{ Scan(...any) error }) (*Approval, error) {
	var ap Approval
	var at string
	if err := sc.Scan(&ap.ID, &ap.BatchID, &ap.DocNumber, &ap.DocDate, &ap.AttachmentSHA256, &ap.AttachmentName,
		&ap.CreatedBy, &at); err != nil {
		return nil, err
	}
	ap.CreatedAt = parseTime(at)
	return &ap, nil
}

// Approvals returns a batch's approval documents, oldest first (a batch
// has one, or a few when applications were held back).
func (db *DB) Approvals(ctx context.Context, batchID int64) ([]*Approval, error) {
	rows, err := db.query(ctx, `SELECT `+approvalColumns+` FROM approvals WHERE batch_id = ? ORDER BY id`, batchID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Approval
	for rows.Next() {
		ap, err := scanApproval(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ap)
	}
	return out, rows.Err()
}

// Approval returns one approval.
func (db *DB) Approval(ctx context.Context, id int64) (*Approval, error) {
	ap, err := scanApproval(db.queryRow(ctx, `SELECT `+approvalColumns+` FROM approvals WHERE id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "审批记录不存在")
	}
	return ap, err
}

// CreateAward inserts an award; a second award for the same application is
// refused by the UNIQUE constraint (ECONFLICT).
func (tx *Tx) CreateAward(ctx context.Context, aw *Award) error {
	id, err := tx.insertID(ctx, `INSERT INTO awards (application_id, org_id, category, amount_fen, fund_source, approval_id, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?)`, aw.ApplicationID, aw.OrgID, aw.Category, aw.AmountFen, aw.FundSource, aw.ApprovalID, fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	aw.ID, aw.CreatedAt, aw.Status = id, tx.now, "active"
	return nil
}

// AwardFilter selects awards; OrgID and DistrictCode are the actor's scope.
type AwardFilter struct {
	OrgID        int64
	DistrictCode string
	BatchID      int64
	ID           int64 // one award
	Page         Page
}

const awardColumns = `w.id, w.application_id, w.org_id, w.category, w.amount_fen, w.fund_source, w.approval_id, w.created_at,
 a.number, a.title, o.name, COALESCE(d.name, ''), p.doc_number, p.doc_date, w.status`

const awardFrom = ` FROM awards w JOIN applications a ON a.id = w.application_id JOIN organizations o ON o.id = w.org_id
 JOIN approvals p ON p.id = w.approval_id LEFT JOIN districts d ON d.code = a.district_code`

func awardWhere(f AwardFilter) (string, []any) {
	var conds []string
	var args []any
	if f.OrgID != 0 {
		conds, args = append(conds, "w.org_id = ?"), append(args, f.OrgID)
	}
	if f.DistrictCode != "" {
		conds, args = append(conds, "a.district_code = ?"), append(args, f.DistrictCode)
	}
	if f.BatchID != 0 {
		conds, args = append(conds, "p.batch_id = ?"), append(args, f.BatchID)
	}
	if f.ID != 0 {
		conds, args = append(conds, "w.id = ?"), append(args, f.ID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func scanAward(sc interface{ Scan(...any) error }) (*Award, error) {
	var w Award
	var at string
	if err := sc.Scan(&w.ID, &w.ApplicationID, &w.OrgID, &w.Category, &w.AmountFen, &w.FundSource, &w.ApprovalID, &at,
		&w.AppNumber, &w.ProjectTitle, &w.OrgName, &w.DistrictName, &w.DocNumber, &w.DocDate, &w.Status); err != nil {
		return nil, err
	}
	w.CreatedAt = parseTime(at)
	return &w, nil
}

// FindAwards returns one page of awards, newest first, the total count and
// the total amount of all matching awards.
func (db *DB) FindAwards(ctx context.Context, f AwardFilter) ([]*Award, int, int64, error) {
	where, args := awardWhere(f)
	var total int
	var sum int64
	if err := db.queryRow(ctx, `SELECT count(*), COALESCE(SUM(w.amount_fen), 0)`+awardFrom+where, args...).Scan(&total, &sum); err != nil {
		return nil, 0, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+awardColumns+awardFrom+where+` ORDER BY w.id DESC LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, 0, err
	}
	defer rows.Close()
	var out []*Award
	for rows.Next() {
		w, err := scanAward(rows)
		if err != nil {
			return nil, 0, 0, err
		}
		out = append(out, w)
	}
	return out, total, sum, rows.Err()
}

// AwardOfApp returns the award of an application, or ENOTFOUND.
func (db *DB) AwardOfApp(ctx context.Context, appID int64) (*Award, error) {
	w, err := scanAward(db.queryRow(ctx, `SELECT `+awardColumns+awardFrom+` WHERE w.application_id = ?`, appID))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "该申报尚无奖补")
	}
	return w, err
}

// CountAwards counts the awards of an application inside a transaction.
func (tx *Tx) CountAwards(ctx context.Context, appID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM awards WHERE application_id = ?`, appID).Scan(&n)
	return n, err
}

// PriorAwardsFen sums an organisation's awards under a category, other than
// the given application's: the cumulative caps of 第七条（一） and （三）
// deduct them. It reads through the transaction, so awards created earlier
// in the same approval count.
func (tx *Tx) PriorAwardsFen(ctx context.Context, orgID int64, category string, exceptAppID int64) (int64, error) {
	var sum int64
	err := tx.queryRow(ctx, `SELECT COALESCE(SUM(amount_fen), 0) FROM awards WHERE org_id = ? AND category = ? AND application_id <> ?`,
		orgID, category, exceptAppID).Scan(&sum)
	return sum, err
}
