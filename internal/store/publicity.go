package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"dtfund"
)

// Publicity batch states.
const (
	BatchOpen   = "open"   // 公示中（或待公示）
	BatchClosed = "closed" // 公示结束
)

// PublicityBatch is a 公示批次 of 第十四条（五）.
type PublicityBatch struct {
	ID        int64
	Title     string
	StartDate string // YYYY-MM-DD, the day the list goes public
	State     string // open | closed
	ClosedAt  time.Time
	CreatedBy int64
	CreatedAt time.Time

	// Filled by queries: the items still in the batch, the span of their
	// periods, and the objections not yet decided.
	Items          int
	FirstStart     string
	LastEnd        string
	OpenObjections int
}

// PublicityItem is one application in a batch with its own period and what
// was published about it.
type PublicityItem struct {
	ID            int64
	BatchID       int64
	ApplicationID int64
	OrgName       string
	ProjectTitle  string
	Category      string
	AmountFen     int64
	StartDate     string
	EndDate       string
	RemovedAt     time.Time // objection upheld: the application left the batch
	RemovedReason string
	CreatedBy     int64
	CreatedAt     time.Time

	// Filled by queries.
	AppState       dtfund.AppState
	AppNumber      string
	OpenObjections int
}

// Removed reports whether the application left the batch.
func (i *PublicityItem) Removed() bool { return !i.RemovedAt.IsZero() }

const batchColumns = `b.id, b.title, b.start_date, b.state, COALESCE(b.closed_at, ''), COALESCE(b.created_by, 0), b.created_at,
 (SELECT count(*) FROM publicity_items i WHERE i.batch_id = b.id AND i.removed_at IS NULL),
 COALESCE((SELECT MIN(i.start_date) FROM publicity_items i WHERE i.batch_id = b.id AND i.removed_at IS NULL), ''),
 COALESCE((SELECT MAX(i.end_date) FROM publicity_items i WHERE i.batch_id = b.id AND i.removed_at IS NULL), ''),
 (SELECT count(*) FROM objections o WHERE o.batch_id = b.id AND o.state = 'open')`

func scanBatch(sc interface{ Scan(...any) error }) (*PublicityBatch, error) {
	var b PublicityBatch
	var closed, created string
	if err := sc.Scan(&b.ID, &b.Title, &b.StartDate, &b.State, &closed, &b.CreatedBy, &created, &b.Items,
		&b.FirstStart, &b.LastEnd, &b.OpenObjections); err != nil {
		return nil, err
	}
	b.ClosedAt, b.CreatedAt = parseTime(closed), parseTime(created)
	return &b, nil
}

// CreatePublicityBatch inserts an open batch.
func (tx *Tx) CreatePublicityBatch(ctx context.Context, b *PublicityBatch) error {
	id, err := tx.insertID(ctx, `INSERT INTO publicity_batches (title, start_date, state, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		b.Title, b.StartDate, BatchOpen, nullInt(b.CreatedBy), fmtTime(tx.now))
	if err != nil {
		return err
	}
	b.ID, b.State, b.CreatedAt = id, BatchOpen, tx.now
	return nil
}

// BatchFilter selects batches.
type BatchFilter struct {
	State     string // "" for all
	StartedBy string // YYYY-MM-DD: only batches public by this date
	Page      Page
}

// FindPublicityBatches returns one page of batches, newest first, and the total.
func (db *DB) FindPublicityBatches(ctx context.Context, f BatchFilter) ([]*PublicityBatch, int, error) {
	var conds []string
	var args []any
	if f.State != "" {
		conds, args = append(conds, "b.state = ?"), append(args, f.State)
	}
	if f.StartedBy != "" {
		conds, args = append(conds, "b.start_date <= ?"), append(args, f.StartedBy)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM publicity_batches b`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+batchColumns+` FROM publicity_batches b`+where+` ORDER BY b.id DESC LIMIT ? OFFSET ?`,
		append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*PublicityBatch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, b)
	}
	return out, total, rows.Err()
}

// PublicityBatch returns one batch.
func (db *DB) PublicityBatch(ctx context.Context, id int64) (*PublicityBatch, error) {
	return batchOrNotFound(scanBatch(db.queryRow(ctx, `SELECT `+batchColumns+` FROM publicity_batches b WHERE b.id = ?`, id)))
}

// LockPublicityBatch takes the batch's row lock and reads it: adding an
// item, lodging an objection, closing and approving a batch run one after
// the other, so none of them acts on a state another is changing.
func (tx *Tx) LockPublicityBatch(ctx context.Context, id int64) (*PublicityBatch, error) {
	if _, err := tx.exec(ctx, `UPDATE publicity_batches SET state = state WHERE id = ?`, id); err != nil {
		return nil, err
	}
	return batchOrNotFound(scanBatch(tx.queryRow(ctx, `SELECT `+batchColumns+` FROM publicity_batches b WHERE b.id = ?`, id)))
}

func batchOrNotFound(b *PublicityBatch, err error) (*PublicityBatch, error) {
	if err != nil {
		if normalizedNotFound(err) {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "公示批次不存在")
		}
		return nil, err
	}
	return b, nil
}

// ClosePublicityBatch marks a batch closed.
func (tx *Tx) ClosePublicityBatch(ctx context.Context, id int64) error {
	res, err := tx.exec(ctx, `UPDATE publicity_batches SET state = ?, closed_at = ? WHERE id = ? AND state = ?`,
		BatchClosed, fmtTime(tx.now), id, BatchOpen)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ECONFLICT, "公示批次已结束")
	}
	return nil
}

const itemColumns = `i.id, i.batch_id, i.application_id, i.org_name, i.project_title, i.category, i.amount_fen, i.start_date, i.end_date,
 COALESCE(i.removed_at, ''), i.removed_reason, COALESCE(i.created_by, 0), i.created_at, a.state, a.number,
 (SELECT count(*) FROM objections o WHERE o.item_id = i.id AND o.state = 'open')`

const itemFrom = ` FROM publicity_items i JOIN applications a ON a.id = i.application_id JOIN publicity_batches b ON b.id = i.batch_id`

func scanItem(sc interface{ Scan(...any) error }) (*PublicityItem, error) {
	var it PublicityItem
	var removed, created string
	if err := sc.Scan(&it.ID, &it.BatchID, &it.ApplicationID, &it.OrgName, &it.ProjectTitle, &it.Category, &it.AmountFen,
		&it.StartDate, &it.EndDate, &removed, &it.RemovedReason, &it.CreatedBy, &created, &it.AppState, &it.AppNumber,
		&it.OpenObjections); err != nil {
		return nil, err
	}
	it.RemovedAt, it.CreatedAt = parseTime(removed), parseTime(created)
	return &it, nil
}

// AddPublicityItem puts an application into a batch; an application is
// published at most once (UNIQUE application_id).
func (tx *Tx) AddPublicityItem(ctx context.Context, it *PublicityItem) error {
	id, err := tx.insertID(ctx, `INSERT INTO publicity_items (batch_id, application_id, org_name, project_title, category, amount_fen,
 start_date, end_date, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.BatchID, it.ApplicationID, it.OrgName, it.ProjectTitle, it.Category, it.AmountFen, it.StartDate, it.EndDate,
		nullInt(it.CreatedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	it.ID, it.CreatedAt = id, tx.now
	return nil
}

// ItemFilter selects publicity items.
type ItemFilter struct {
	BatchID int64
	// Public limits to what the public may see: items still in the batch
	// whose application is in publicity, passed it or was approved.
	Public bool
	// OpenBatches limits to batches still in publicity.
	OpenBatches bool
	// StartedBy (YYYY-MM-DD) limits to items whose period has begun.
	StartedBy string
	Page      Page
}

var publicStates = []any{dtfund.StateInPublicity, dtfund.StatePublicityPassed, dtfund.StateApproved}

func itemWhere(f ItemFilter) (string, []any) {
	var conds []string
	var args []any
	if f.BatchID != 0 {
		conds, args = append(conds, "i.batch_id = ?"), append(args, f.BatchID)
	}
	if f.Public {
		conds = append(conds, "i.removed_at IS NULL", "a.state IN (?, ?, ?)")
		args = append(args, publicStates...)
	}
	if f.OpenBatches {
		conds, args = append(conds, "b.state = ?"), append(args, BatchOpen)
	}
	if f.StartedBy != "" {
		conds, args = append(conds, "i.start_date <= ?"), append(args, f.StartedBy)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindPublicityItems returns one page of items in publication order and the total.
func (db *DB) FindPublicityItems(ctx context.Context, f ItemFilter) ([]*PublicityItem, int, error) {
	where, args := itemWhere(f)
	var total int
	if err := db.queryRow(ctx, `SELECT count(*)`+itemFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	items, err := collectItems(db.query(ctx, `SELECT `+itemColumns+itemFrom+where+` ORDER BY i.batch_id DESC, i.id LIMIT ? OFFSET ?`,
		append(args, p.Limit, p.Offset)...))
	return items, total, err
}

// PublicityItems returns every item of a batch inside a transaction (closing
// and approving act on all of them).
func (tx *Tx) PublicityItems(ctx context.Context, batchID int64) ([]*PublicityItem, error) {
	return collectItems(tx.query(ctx, `SELECT `+itemColumns+itemFrom+` WHERE i.batch_id = ? ORDER BY i.id`, batchID))
}

func collectItems(rows *sql.Rows, err error) ([]*PublicityItem, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*PublicityItem
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// PublicityItem returns one item inside a transaction.
func (tx *Tx) PublicityItem(ctx context.Context, id int64) (*PublicityItem, error) {
	it, err := scanItem(tx.queryRow(ctx, `SELECT `+itemColumns+itemFrom+` WHERE i.id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "公示项目不存在")
	}
	return it, err
}

// PublicityItemOfApp returns the item of an application, or ENOTFOUND.
func (db *DB) PublicityItemOfApp(ctx context.Context, appID int64) (*PublicityItem, error) {
	it, err := scanItem(db.queryRow(ctx, `SELECT `+itemColumns+itemFrom+` WHERE i.application_id = ?`, appID))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "该申报未列入公示")
	}
	return it, err
}

// RemovePublicityItem takes an application out of its batch (objection upheld).
func (tx *Tx) RemovePublicityItem(ctx context.Context, id int64, reason string) error {
	res, err := tx.exec(ctx, `UPDATE publicity_items SET removed_at = ?, removed_reason = ? WHERE id = ? AND removed_at IS NULL`,
		fmtTime(tx.now), reason, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ECONFLICT, "该项目已退出公示")
	}
	return nil
}

// Objection states.
const (
	ObjectionOpen       = "open"       // 待核查
	ObjectionUpheld     = "upheld"     // 异议成立
	ObjectionDismissed  = "dismissed"  // 异议不成立
	ObjectionSuperseded = "superseded" // 同一项目另一异议成立，一并办结
)

// ObjectionStateLabel names an objection state in Chinese.
func ObjectionStateLabel(s string) string {
	switch s {
	case ObjectionOpen:
		return "待核查"
	case ObjectionUpheld:
		return "异议成立"
	case ObjectionDismissed:
		return "异议不成立"
	case ObjectionSuperseded:
		return "一并办结"
	}
	return s
}

// Objection is an objection (异议) lodged against an item during publicity.
type Objection struct {
	ID               int64
	BatchID          int64
	ItemID           int64
	Name             string
	Contact          string
	Reason           string
	AttachmentSHA256 string
	AttachmentName   string
	IP               string
	State            string
	Finding          string
	DecidedBy        int64
	DecidedAt        time.Time
	CreatedAt        time.Time

	// Filled by queries.
	BatchTitle    string
	OrgName       string
	ProjectTitle  string
	ApplicationID int64
	AppNumber     string
}

const objectionColumns = `o.id, o.batch_id, o.item_id, o.name, o.contact, o.reason, COALESCE(o.attachment_sha256, ''), o.attachment_name,
 o.ip, o.state, o.finding, COALESCE(o.decided_by, 0), COALESCE(o.decided_at, ''), o.created_at, b.title, i.org_name,
 i.project_title, i.application_id, a.number`

const objectionFrom = ` FROM objections o JOIN publicity_batches b ON b.id = o.batch_id JOIN publicity_items i ON i.id = o.item_id
 JOIN applications a ON a.id = i.application_id`

func scanObjection(sc interface{ Scan(...any) error }) (*Objection, error) {
	var o Objection
	var decided, created string
	if err := sc.Scan(&o.ID, &o.BatchID, &o.ItemID, &o.Name, &o.Contact, &o.Reason, &o.AttachmentSHA256, &o.AttachmentName,
		&o.IP, &o.State, &o.Finding, &o.DecidedBy, &decided, &created, &o.BatchTitle, &o.OrgName, &o.ProjectTitle,
		&o.ApplicationID, &o.AppNumber); err != nil {
		return nil, err
	}
	o.DecidedAt, o.CreatedAt = parseTime(decided), parseTime(created)
	return &o, nil
}

// CreateObjection stores an objection as open.
func (tx *Tx) CreateObjection(ctx context.Context, o *Objection) error {
	id, err := tx.insertID(ctx, `INSERT INTO objections (batch_id, item_id, name, contact, reason, attachment_sha256, attachment_name,
 ip, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.BatchID, o.ItemID, o.Name, o.Contact, o.Reason,
		nullString(o.AttachmentSHA256), o.AttachmentName, o.IP, ObjectionOpen, fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	o.ID, o.State, o.CreatedAt = id, ObjectionOpen, tx.now
	return nil
}

// ObjectionsFromIP counts the objections lodged from an address since a time.
func (tx *Tx) ObjectionsFromIP(ctx context.Context, ip string, since time.Time) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM objections WHERE ip = ? AND created_at >= ?`, ip, fmtTime(since)).Scan(&n)
	return n, err
}

// ObjectionFilter selects objections.
type ObjectionFilter struct {
	BatchID int64
	State   string
	Page    Page
}

// FindObjections returns one page of objections, oldest open first, and the total.
func (db *DB) FindObjections(ctx context.Context, f ObjectionFilter) ([]*Objection, int, error) {
	var conds []string
	var args []any
	if f.BatchID != 0 {
		conds, args = append(conds, "o.batch_id = ?"), append(args, f.BatchID)
	}
	if f.State != "" {
		conds, args = append(conds, "o.state = ?"), append(args, f.State)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM objections o`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+objectionColumns+objectionFrom+where+` ORDER BY o.id DESC LIMIT ? OFFSET ?`,
		append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*Objection
	for rows.Next() {
		o, err := scanObjection(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, o)
	}
	return out, total, rows.Err()
}

// Objection returns one objection.
func (db *DB) Objection(ctx context.Context, id int64) (*Objection, error) {
	return objectionOrNotFound(scanObjection(db.queryRow(ctx, `SELECT `+objectionColumns+objectionFrom+` WHERE o.id = ?`, id)))
}

// Objection reads one objection inside a transaction.
func (tx *Tx) Objection(ctx context.Context, id int64) (*Objection, error) {
	return objectionOrNotFound(scanObjection(tx.queryRow(ctx, `SELECT `+objectionColumns+objectionFrom+` WHERE o.id = ?`, id)))
}

func objectionOrNotFound(o *Objection, err error) (*Objection, error) {
	if err != nil {
		if normalizedNotFound(err) {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "异议不存在")
		}
		return nil, err
	}
	return o, nil
}

// DecideObjection records the finding on an open objection; an objection
// already decided is refused (ECONFLICT), so two officials cannot both decide.
func (tx *Tx) DecideObjection(ctx context.Context, id int64, state, finding string, userID int64) error {
	res, err := tx.exec(ctx, `UPDATE objections SET state = ?, finding = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = ?`,
		state, finding, nullInt(userID), fmtTime(tx.now), id, ObjectionOpen)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ECONFLICT, "该异议已办结")
	}
	return nil
}

// SupersedeObjections closes the other open objections of an item whose
// application left the batch, so that they do not hold up closing it.
func (tx *Tx) SupersedeObjections(ctx context.Context, itemID int64, finding string, userID int64) error {
	_, err := tx.exec(ctx, `UPDATE objections SET state = ?, finding = ?, decided_by = ?, decided_at = ? WHERE item_id = ? AND state = ?`,
		ObjectionSuperseded, finding, nullInt(userID), fmtTime(tx.now), itemID, ObjectionOpen)
	return err
}

// OpenObjectionsOfApp counts the undecided objections against an application.
func (tx *Tx) OpenObjectionsOfApp(ctx context.Context, appID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM objections o JOIN publicity_items i ON i.id = o.item_id
 WHERE i.application_id = ? AND o.state = ?`, appID, ObjectionOpen).Scan(&n)
	return n, err
}

// FileContent is a stored file's content row (the bytes live on disk under
// the SHA-256; see app.storeBlob).
type FileContent struct {
	SHA256      string
	Size        int64
	ContentType string
}

// SaveFileContent records a file's content row once per SHA-256.
func (tx *Tx) SaveFileContent(ctx context.Context, fc *FileContent) error {
	_, err := tx.exec(ctx, `INSERT INTO attachments (sha256, size, content_type, created_at) VALUES (?, ?, ?, ?)
 ON CONFLICT (sha256) DO NOTHING`, fc.SHA256, fc.Size, fc.ContentType, fmtTime(tx.now))
	return err
}

// FileContent returns a file's content row.
func (db *DB) FileContent(ctx context.Context, sum string) (*FileContent, error) {
	var fc FileContent
	err := db.queryRow(ctx, `SELECT sha256, size, content_type FROM attachments WHERE sha256 = ?`, sum).Scan(&fc.SHA256, &fc.Size, &fc.ContentType)
	if err != nil {
		if normalizedNotFound(err) {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "附件不存在")
		}
		return nil, err
	}
	return &fc, nil
}

// RecentObjectionsFromIP counts, outside a transaction, the objections
// lodged from an address since a time (a cheap check before storing an
// upload; LodgeObjection checks again in its transaction).
func (db *DB) RecentObjectionsFromIP(ctx context.Context, ip string, since time.Time) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM objections WHERE ip = ? AND created_at >= ?`, ip, fmtTime(since)).Scan(&n)
	return n, err
}
