package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"dtfund"
)

// Process supervision (过程监督, 第十八条): cases of awarded projects that
// deviate from their goals, their rectification orders and their timeline.
// The money side of a suspension is in the ledger: the award's unpaid
// commitment moves to FrozenAccount while the award is suspended.

// Supervision case states.
const (
	CaseOpen       = "open"       // 发现偏离，待处理
	CaseRectifying = "rectifying" // 整改中
	CaseRectified  = "rectified"  // 整改到位（结案）
	CaseSuspended  = "suspended"  // 暂缓执行
	CaseStopped    = "stopped"    // 停止执行（奖补撤销）
)

// LiveCaseStates are the states of a case still being handled.
var LiveCaseStates = []string{CaseOpen, CaseRectifying, CaseSuspended}

// Rectification order states.
const (
	OrderOpen     = "open"     // 整改中
	OrderAccepted = "accepted" // 整改到位
	OrderRejected = "rejected" // 整改不到位
)

// FrozenAccount holds a suspended award's unpaid commitment (暂缓, 第十八条).
// It is of kind commitment (the money is still committed to the award, so
// the reconciliation's identity is unchanged); its code tells it apart.
func FrozenAccount(awardID int64) string {
	return "frozen:award:" + strconv.FormatInt(awardID, 10)
}

// SupervisionCase is one supervision case of an award.
type SupervisionCase struct {
	ID           int64
	AwardID      int64
	OrgID        int64
	DistrictCode string // the application's 属地; "" outside Changchun
	State        string
	Goal         string // the performance goal the project deviates from
	Facts        string // what was found (偏离事实)
	FoundOn      string // YYYY-MM-DD
	CreatedBy    int64
	CreatedAt    time.Time
	UpdatedAt    time.Time

	// Filled by queries.
	OrgName       string
	DistrictName  string
	ApplicationID int64
	AppNumber     string
	ProjectTitle  string
	AwardFen      int64
	AwardStatus   string
	OpenOrders    int
	OverdueOrders int // open orders past their deadline on the query's date
}

// RectificationOrder is a rectification order (整改通知).
type RectificationOrder struct {
	ID          int64
	CaseID      int64
	Requirement string
	IssuedOn    string
	Deadline    string
	State       string
	Result      string
	ResultOn    string
	ResultBy    int64
	IssuedBy    int64
	CreatedAt   time.Time
}

// SupervisionEvent is one step of a case's timeline.
type SupervisionEvent struct {
	ID             int64
	CaseID         int64
	Kind           string // deviation, order, result, suspend, lift, stop
	OrderID        int64
	Note           string
	Article        string
	OnDate         string
	AmountFen      int64 // frozen or released
	LedgerTxID     int64
	EvidenceSHA256 string
	EvidenceName   string
	ActorID        int64
	ActorName      string
	CreatedAt      time.Time
}

// CreateCase inserts a case.
func (tx *Tx) CreateCase(ctx context.Context, c *SupervisionCase) error {
	id, err := tx.insertID(ctx, `INSERT INTO supervision_cases (award_id, org_id, district_code, state, goal, facts, found_on, created_by, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.AwardID, c.OrgID, c.DistrictCode, c.State, c.Goal, c.Facts, c.FoundOn, nullInt(c.CreatedBy),
		fmtTime(tx.now), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	c.ID, c.CreatedAt, c.UpdatedAt = id, tx.now, tx.now
	return nil
}

const caseColumns = `c.id, c.award_id, c.org_id, c.district_code, c.state, c.goal, c.facts, c.found_on, COALESCE(c.created_by, 0),
 c.created_at, c.updated_at, o.name, COALESCE(d.name, ''), a.id, a.number, a.title, w.amount_fen, w.status,
 (SELECT count(*) FROM rectification_orders r WHERE r.case_id = c.id AND r.state = 'open'),
 (SELECT count(*) FROM rectification_orders r WHERE r.case_id = c.id AND r.state = 'open' AND r.deadline < ?)`

const caseFrom = ` FROM supervision_cases c JOIN awards w ON w.id = c.award_id JOIN applications a ON a.id = w.application_id
 JOIN organizations o ON o.id = c.org_id LEFT JOIN districts d ON d.code = c.district_code`

func scanCase(sc interface{ Scan(...any) error }) (*SupervisionCase, error) {
	var c SupervisionCase
	var created, updated string
	if err := sc.Scan(&c.ID, &c.AwardID, &c.OrgID, &c.DistrictCode, &c.State, &c.Goal, &c.Facts, &c.FoundOn, &c.CreatedBy,
		&created, &updated, &c.OrgName, &c.DistrictName, &c.ApplicationID, &c.AppNumber, &c.ProjectTitle, &c.AwardFen, &c.AwardStatus,
		&c.OpenOrders, &c.OverdueOrders); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = parseTime(created), parseTime(updated)
	return &c, nil
}

// CaseFilter selects cases. DistrictCode is the actor's scope ("" for the
// city); Today dates the overdue counts (YYYY-MM-DD).
type CaseFilter struct {
	DistrictCode string
	State        string
	AwardID      int64
	OverdueOnly  bool // only cases with an open order past its deadline
	Today        string
	Page         Page
}

func caseWhere(f CaseFilter) (string, []any) {
	var conds []string
	var args []any
	if f.DistrictCode != "" {
		conds, args = append(conds, "c.district_code = ?"), append(args, f.DistrictCode)
	}
	if f.State != "" {
		conds, args = append(conds, "c.state = ?"), append(args, f.State)
	}
	if f.AwardID != 0 {
		conds, args = append(conds, "c.award_id = ?"), append(args, f.AwardID)
	}
	if f.OverdueOnly {
		conds = append(conds, "EXISTS (SELECT 1 FROM rectification_orders r WHERE r.case_id = c.id AND r.state = 'open' AND r.deadline < ?)")
		args = append(args, f.Today)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindCases returns one page of cases, newest first, and the total.
func (db *DB) FindCases(ctx context.Context, f CaseFilter) ([]*SupervisionCase, int, error) {
	where, args := caseWhere(f)
	var total int
	if err := db.queryRow(ctx, `SELECT count(*)`+caseFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+caseColumns+caseFrom+where+` ORDER BY c.id DESC LIMIT ? OFFSET ?`,
		append(append([]any{f.Today}, args...), p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*SupervisionCase
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// Case returns a case within a district's scope ("" for all), or ENOTFOUND.
func (db *DB) Case(ctx context.Context, id int64, districtCode, today string) (*SupervisionCase, error) {
	q := `SELECT ` + caseColumns + caseFrom + ` WHERE c.id = ?`
	args := []any{today, id}
	if districtCode != "" {
		q, args = q+` AND c.district_code = ?`, append(args, districtCode)
	}
	c, err := scanCase(db.queryRow(ctx, q, args...))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "监督事项不存在")
	}
	return c, err
}

// Case reads a case inside the write transaction.
func (tx *Tx) Case(ctx context.Context, id int64, today string) (*SupervisionCase, error) {
	c, err := scanCase(tx.queryRow(ctx, `SELECT `+caseColumns+caseFrom+` WHERE c.id = ?`, today, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "监督事项不存在")
	}
	return c, err
}

// SetCaseState moves a case from one state to another; a concurrent change
// (the case no longer in from) is ECONFLICT.
func (tx *Tx) SetCaseState(ctx context.Context, id int64, from, to string) error {
	res, err := tx.exec(ctx, `UPDATE supervision_cases SET state = ?, updated_at = ? WHERE id = ? AND state = ?`, to, fmtTime(tx.now), id, from)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		if err != nil {
			return err
		}
		return dtfund.Errorf(dtfund.ECONFLICT, "监督事项的状态已变化，请刷新页面后重试")
	}
	return nil
}

// LiveCaseOfAward returns the ID of the award's case still being handled,
// or 0.
func (tx *Tx) LiveCaseOfAward(ctx context.Context, awardID int64) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM supervision_cases WHERE award_id = ? AND state IN (?, ?, ?) ORDER BY id LIMIT 1`,
		awardID, CaseOpen, CaseRectifying, CaseSuspended).Scan(&id)
	if err != nil && normalizedNotFound(err) {
		return 0, nil
	}
	return id, err
}

// CreateOrder inserts a rectification order.
func (tx *Tx) CreateOrder(ctx context.Context, o *RectificationOrder) error {
	id, err := tx.insertID(ctx, `INSERT INTO rectification_orders (case_id, requirement, issued_on, deadline, state, issued_by, created_at)
 VALUES (?, ?, ?, ?, 'open', ?, ?)`, o.CaseID, o.Requirement, o.IssuedOn, o.Deadline, nullInt(o.IssuedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	o.ID, o.State, o.CreatedAt = id, OrderOpen, tx.now
	return nil
}

const orderColumns = `id, case_id, requirement, issued_on, deadline, state, result, result_on, COALESCE(result_by, 0), COALESCE(issued_by, 0), created_at`

func scanOrder(sc interface{ Scan(...any) error }) (*RectificationOrder, error) {
	var o RectificationOrder
	var at string
	if err := sc.Scan(&o.ID, &o.CaseID, &o.Requirement, &o.IssuedOn, &o.Deadline, &o.State, &o.Result, &o.ResultOn, &o.ResultBy,
		&o.IssuedBy, &at); err != nil {
		return nil, err
	}
	o.CreatedAt = parseTime(at)
	return &o, nil
}

// Order reads a rectification order inside the write transaction.
func (tx *Tx) Order(ctx context.Context, id int64) (*RectificationOrder, error) {
	o, err := scanOrder(tx.queryRow(ctx, `SELECT `+orderColumns+` FROM rectification_orders WHERE id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "整改通知不存在")
	}
	return o, err
}

// Orders returns a case's orders, oldest first.
func (db *DB) Orders(ctx context.Context, caseID int64) ([]*RectificationOrder, error) {
	rows, err := db.query(ctx, `SELECT `+orderColumns+` FROM rectification_orders WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*RectificationOrder
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// SetOrderResult records an open order's result; an order no longer open
// is ECONFLICT.
func (tx *Tx) SetOrderResult(ctx context.Context, o *RectificationOrder) error {
	res, err := tx.exec(ctx, `UPDATE rectification_orders SET state = ?, result = ?, result_on = ?, result_by = ? WHERE id = ? AND state = 'open'`,
		o.State, o.Result, o.ResultOn, nullInt(o.ResultBy), o.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		if err != nil {
			return err
		}
		return dtfund.Errorf(dtfund.ECONFLICT, "该整改通知已登记整改结果")
	}
	return nil
}

// OpenOrders counts a case's open orders inside the write transaction.
func (tx *Tx) OpenOrders(ctx context.Context, caseID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM rectification_orders WHERE case_id = ? AND state = 'open'`, caseID).Scan(&n)
	return n, err
}

// CountOverdueOrders counts the open orders past their deadline on today,
// within a district ("" for all).
func (db *DB) CountOverdueOrders(ctx context.Context, districtCode, today string) (int, error) {
	q := `SELECT count(*) FROM rectification_orders r JOIN supervision_cases c ON c.id = r.case_id WHERE r.state = 'open' AND r.deadline < ?`
	args := []any{today}
	if districtCode != "" {
		q, args = q+` AND c.district_code = ?`, append(args, districtCode)
	}
	var n int
	err := db.queryRow(ctx, q, args...).Scan(&n)
	return n, err
}

// AddCaseEvent appends a step to a case's timeline.
func (tx *Tx) AddCaseEvent(ctx context.Context, e *SupervisionEvent) error {
	id, err := tx.insertID(ctx, `INSERT INTO supervision_events (case_id, kind, order_id, note, article, on_date, amount_fen, ledger_tx_id,
 evidence_sha256, evidence_name, actor_id, actor_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.CaseID, e.Kind, nullInt(e.OrderID), e.Note, e.Article, e.OnDate, e.AmountFen, nullInt(e.LedgerTxID),
		nullString(e.EvidenceSHA256), e.EvidenceName, nullInt(e.ActorID), e.ActorName, fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	e.ID, e.CreatedAt = id, tx.now
	return nil
}

const eventColumns = `id, case_id, kind, COALESCE(order_id, 0), note, article, on_date, amount_fen, COALESCE(ledger_tx_id, 0),
 COALESCE(evidence_sha256, ''), evidence_name, COALESCE(actor_id, 0), actor_name, created_at`

func scanCaseEvent(sc interface{ Scan(...any) error }) (*SupervisionEvent, error) {
	var e SupervisionEvent
	var at string
	if err := sc.Scan(&e.ID, &e.CaseID, &e.Kind, &e.OrderID, &e.Note, &e.Article, &e.OnDate, &e.AmountFen, &e.LedgerTxID,
		&e.EvidenceSHA256, &e.EvidenceName, &e.ActorID, &e.ActorName, &at); err != nil {
		return nil, err
	}
	e.CreatedAt = parseTime(at)
	return &e, nil
}

// CaseEvents returns a case's timeline, oldest first.
func (db *DB) CaseEvents(ctx context.Context, caseID int64) ([]*SupervisionEvent, error) {
	rows, err := db.query(ctx, `SELECT `+eventColumns+` FROM supervision_events WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*SupervisionEvent
	for rows.Next() {
		e, err := scanCaseEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CaseEvent returns one step of a case, or ENOTFOUND.
func (db *DB) CaseEvent(ctx context.Context, caseID, id int64) (*SupervisionEvent, error) {
	e, err := scanCaseEvent(db.queryRow(ctx, `SELECT `+eventColumns+` FROM supervision_events WHERE case_id = ? AND id = ?`, caseID, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "记录不存在")
	}
	return e, err
}

// LiveCasesOfAward returns the IDs of an award's cases still being handled
// (a revocation ends them).
func (tx *Tx) LiveCasesOfAward(ctx context.Context, awardID int64) ([]int64, []string, error) {
	rows, err := tx.query(ctx, `SELECT id, state FROM supervision_cases WHERE award_id = ? AND state IN (?, ?, ?) ORDER BY id`,
		awardID, CaseOpen, CaseRectifying, CaseSuspended)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	var states []string
	for rows.Next() {
		var id int64
		var st string
		if err := rows.Scan(&id, &st); err != nil {
			return nil, nil, err
		}
		ids, states = append(ids, id), append(states, st)
	}
	return ids, states, rows.Err()
}

// CountCaseEvents counts a case's steps of one kind inside the write
// transaction.
func (tx *Tx) CountCaseEvents(ctx context.Context, caseID int64, kind string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM supervision_events WHERE case_id = ? AND kind = ?`, caseID, kind).Scan(&n)
	return n, err
}

// SameOpenOrder returns the ID of a case's open order with this requirement
// and deadline, or 0 (a resent form is not a second order).
func (tx *Tx) SameOpenOrder(ctx context.Context, caseID int64, requirement, deadline string) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM rectification_orders WHERE case_id = ? AND state = 'open' AND requirement = ? AND deadline = ?
 ORDER BY id LIMIT 1`, caseID, requirement, deadline).Scan(&id)
	if err != nil && normalizedNotFound(err) {
		return 0, nil
	}
	return id, err
}
