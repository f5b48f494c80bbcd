package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"dtfund"
)

const callColumns = `id, category, title, notice, opens_at, closes_at, window_from, window_to, materials_json, budget_line,
 params_version, overrides_json, rubric_json, quotas_json, COALESCE(created_by, 0), created_at, updated_at`

func scanCall(sc interface{ Scan(...any) error }) (*dtfund.Call, error) {
	var c dtfund.Call
	var opens, closes, created, updated, materials, overrides, rubric, quotas string
	err := sc.Scan(&c.ID, &c.Category, &c.Title, &c.Notice, &opens, &closes, &c.WindowFrom, &c.WindowTo, &materials,
		&c.BudgetLine, &c.ParamsVersion, &overrides, &rubric, &quotas, &c.CreatedBy, &created, &updated)
	if err != nil {
		return nil, err
	}
	c.OpensAt, c.ClosesAt, c.CreatedAt, c.UpdatedAt = parseTime(opens), parseTime(closes), parseTime(created), parseTime(updated)
	// The JSON columns are written only by this package from typed values.
	json.Unmarshal([]byte(materials), &c.Materials)
	json.Unmarshal([]byte(overrides), &c.Overrides)
	json.Unmarshal([]byte(rubric), &c.Rubric)
	json.Unmarshal([]byte(quotas), &c.Quotas)
	return &c, nil
}

// CallFilter selects calls.
type CallFilter struct {
	ID       int64
	OpenAt   time.Time // non-zero: only calls open at this instant
	Category string
	// ApplicantOrgID, with OpenAt, widens the open calls to those this
	// organisation has applied to: what an applicant may see.
	ApplicantOrgID int64
	Page           Page
}

// FindCalls returns one page of calls, newest first, and the total.
func (db *DB) FindCalls(ctx context.Context, f CallFilter) ([]*dtfund.Call, int, error) {
	var conds []string
	var args []any
	if f.ID != 0 {
		conds, args = append(conds, "id = ?"), append(args, f.ID)
	}
	switch {
	case !f.OpenAt.IsZero() && f.ApplicantOrgID != 0:
		conds = append(conds, "((opens_at <= ? AND closes_at > ?) OR id IN (SELECT call_id FROM applications WHERE org_id = ?))")
		args = append(args, fmtTime(f.OpenAt), fmtTime(f.OpenAt), f.ApplicantOrgID)
	case !f.OpenAt.IsZero():
		conds, args = append(conds, "opens_at <= ? AND closes_at > ?"), append(args, fmtTime(f.OpenAt), fmtTime(f.OpenAt))
	}
	if f.Category != "" {
		conds, args = append(conds, "category = ?"), append(args, f.Category)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM calls`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+callColumns+` FROM calls`+where+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var cs []*dtfund.Call
	for rows.Next() {
		c, err := scanCall(rows)
		if err != nil {
			return nil, 0, err
		}
		cs = append(cs, c)
	}
	return cs, total, rows.Err()
}

// Call returns one call.
func (db *DB) Call(ctx context.Context, id int64) (*dtfund.Call, error) {
	c, err := scanCall(db.queryRow(ctx, `SELECT `+callColumns+` FROM calls WHERE id = ?`, id))
	if err != nil {
		if dtfund.ErrorCode(normalize(err)) == dtfund.ENOTFOUND {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "申报批次不存在")
		}
		return nil, err
	}
	return c, nil
}

// Call reads a call inside a write transaction.
func (tx *Tx) Call(ctx context.Context, id int64) (*dtfund.Call, error) {
	c, err := scanCall(tx.queryRow(ctx, `SELECT `+callColumns+` FROM calls WHERE id = ?`, id))
	if err != nil {
		if dtfund.ErrorCode(normalize(err)) == dtfund.ENOTFOUND {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "申报批次不存在")
		}
		return nil, err
	}
	return c, nil
}

func callJSON(c *dtfund.Call) (materials, overrides, rubric, quotas string) {
	return toJSONOr(c.Materials, "[]"), toJSONOr(c.Overrides, "[]"), toJSONOr(c.Rubric, "{}"), toJSONOr(c.Quotas, "{}")
}

func toJSONOr(v any, empty string) string {
	s := toJSON(v)
	if s == "" || s == "null" {
		return empty
	}
	return s
}

// CreateCall inserts a call.
func (tx *Tx) CreateCall(ctx context.Context, c *dtfund.Call) error {
	m, o, r, q := callJSON(c)
	id, err := tx.insertID(ctx, `INSERT INTO calls (category, title, notice, opens_at, closes_at, window_from, window_to,
 materials_json, budget_line, params_version, overrides_json, rubric_json, quotas_json, created_by, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Category, c.Title, c.Notice, fmtTime(c.OpensAt), fmtTime(c.ClosesAt), c.WindowFrom, c.WindowTo, m, c.BudgetLine,
		c.ParamsVersion, o, r, q, nullInt(c.CreatedBy), fmtTime(tx.now), fmtTime(tx.now))
	if err != nil {
		return err
	}
	c.ID, c.CreatedAt, c.UpdatedAt = id, tx.now, tx.now
	return nil
}

// UpdateCall writes a call's editable fields.
func (tx *Tx) UpdateCall(ctx context.Context, c *dtfund.Call) error {
	m, o, r, q := callJSON(c)
	res, err := tx.exec(ctx, `UPDATE calls SET category = ?, title = ?, notice = ?, opens_at = ?, closes_at = ?, window_from = ?,
 window_to = ?, materials_json = ?, budget_line = ?, params_version = ?, overrides_json = ?, rubric_json = ?, quotas_json = ?,
 updated_at = ? WHERE id = ?`,
		c.Category, c.Title, c.Notice, fmtTime(c.OpensAt), fmtTime(c.ClosesAt), c.WindowFrom, c.WindowTo, m, c.BudgetLine,
		c.ParamsVersion, o, r, q, fmtTime(tx.now), c.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ENOTFOUND, "申报批次不存在")
	}
	c.UpdatedAt = tx.now
	return nil
}

// CallApplicationCount counts the applications of a call, drafts included:
// once any exists, the call's terms are frozen (app.UpdateCall).
func (tx *Tx) CallApplicationCount(ctx context.Context, callID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM applications WHERE call_id = ?`, callID).Scan(&n)
	return n, err
}

// LiveApplication returns the number and state of the organisation's live
// application under the call — any but a withdrawn, not recommended or
// cancelled (第二十条) one — or "" when there is none.
func (tx *Tx) LiveApplication(ctx context.Context, callID, orgID int64) (number string, state dtfund.AppState, err error) {
	err = tx.queryRow(ctx, `SELECT number, state FROM applications WHERE call_id = ? AND org_id = ? AND state NOT IN (?, ?, ?)
 ORDER BY id LIMIT 1`, callID, orgID, dtfund.StateWithdrawn, dtfund.StateNotRecommended, dtfund.StateCancelled).Scan(&number, &state)
	if err != nil && normalizedNotFound(err) {
		return "", "", nil
	}
	return number, state, err
}

// LockOrganization takes the organisation's row lock until the transaction
// ends, so that two concurrent check-then-insert transactions for the same
// organisation run one after the other. PostgreSQL locks the row; SQLite has
// one writer anyway, and the no-op update costs nothing there.
func (tx *Tx) LockOrganization(ctx context.Context, orgID int64) error {
	res, err := tx.exec(ctx, `UPDATE organizations SET updated_at = updated_at WHERE id = ?`, orgID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ENOTFOUND, "单位不存在")
	}
	return nil
}
