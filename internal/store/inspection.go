package store

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"dtfund"
)

// Inspections (监督检查, 第十七条): plans of the city bureaus, a random sample
// of the awards or chosen awards and organisations, each item assigned to a
// city official or a third-party inspector who records the finding.

// Inspection kinds and item states.
const (
	InspectRandom   = "random"   // 随机抽查
	InspectTargeted = "targeted" // 专项检查（指定对象）

	ItemUnassigned = "unassigned" // 待指派
	ItemAssigned   = "assigned"   // 核查中
	ItemDone       = "done"       // 已出具核查结论
)

// InspectionPlan is an inspection plan (检查计划).
type InspectionPlan struct {
	ID         int64
	Title      string
	Basis      string // 检查依据与范围
	Kind       string
	Seed       uint64  // random: the recorded seed
	Algorithm  string  // random: the draw's algorithm (app.DrawAlgorithm)
	Population []int64 // random: the award IDs sampled from, sorted
	SampleSize int
	CreatedBy  int64
	CreatedAt  time.Time

	// Filled by queries.
	CreatorName string
	Items       int
	Done        int
	Violations  int
}

// InspectionItem is one object of a plan: an award (and its organisation)
// or an organisation.
type InspectionItem struct {
	ID             int64
	PlanID         int64
	Seq            int
	AwardID        int64 // 0 for an organisation inspected as a whole
	OrgID          int64
	State          string
	AssigneeID     int64
	AssignedAt     time.Time
	Finding        string
	Violation      bool
	FoundOn        string
	EvidenceSHA256 string
	EvidenceName   string
	RecordedBy     int64
	RecordedAt     time.Time

	// Filled by queries.
	PlanTitle    string
	OrgName      string
	USCC         string
	DistrictName string
	AppNumber    string
	ProjectTitle string
	AwardFen     int64
	AssigneeName string
	AssigneeRole dtfund.Role
	SanctionID   int64
}

// CreateInspectionPlan inserts a plan and its items (numbered from 1).
func (tx *Tx) CreateInspectionPlan(ctx context.Context, p *InspectionPlan, items []*InspectionItem) error {
	pop, err := json.Marshal(p.Population)
	if err != nil {
		return err
	}
	if p.Population == nil {
		pop = []byte("[]")
	}
	seed := ""
	if p.Kind == InspectRandom {
		seed = strconv.FormatUint(p.Seed, 10)
	}
	id, err := tx.insertID(ctx, `INSERT INTO inspection_plans (title, basis, kind, seed, algorithm, population_json, sample_size, created_by, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Title, p.Basis, p.Kind, seed, p.Algorithm, string(pop), p.SampleSize, nullInt(p.CreatedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	p.ID, p.CreatedAt = id, tx.now
	for i, it := range items {
		it.PlanID, it.Seq, it.State = id, i+1, ItemUnassigned
		itemID, err := tx.insertID(ctx, `INSERT INTO inspection_items (plan_id, seq, award_id, org_id, state) VALUES (?, ?, ?, ?, ?)`,
			id, it.Seq, nullInt(it.AwardID), it.OrgID, it.State)
		if err != nil {
			return normalize(err)
		}
		it.ID = itemID
	}
	return nil
}

const planColumns = `p.id, p.title, p.basis, p.kind, p.seed, p.algorithm, p.population_json, p.sample_size, COALESCE(p.created_by, 0),
 p.created_at, COALESCE(u.display_name, ''),
 (SELECT count(*) FROM inspection_items i WHERE i.plan_id = p.id),
 (SELECT count(*) FROM inspection_items i WHERE i.plan_id = p.id AND i.state = 'done'),
 (SELECT count(*) FROM inspection_items i WHERE i.plan_id = p.id AND i.violation = TRUE)`

const planFrom = ` FROM inspection_plans p LEFT JOIN users u ON u.id = p.created_by`

func scanInspectionPlan(sc interface{ Scan(...any) error }) (*InspectionPlan, error) {
	var p InspectionPlan
	var seed, pop, at string
	if err := sc.Scan(&p.ID, &p.Title, &p.Basis, &p.Kind, &seed, &p.Algorithm, &pop, &p.SampleSize, &p.CreatedBy, &at, &p.CreatorName,
		&p.Items, &p.Done, &p.Violations); err != nil {
		return nil, err
	}
	p.Seed, _ = strconv.ParseUint(seed, 10, 64)
	if err := json.Unmarshal([]byte(pop), &p.Population); err != nil {
		return nil, err
	}
	p.CreatedAt = parseTime(at)
	return &p, nil
}

// InspectionPlan returns a plan, or ENOTFOUND.
func (db *DB) InspectionPlan(ctx context.Context, id int64) (*InspectionPlan, error) {
	p, err := scanInspectionPlan(db.queryRow(ctx, `SELECT `+planColumns+planFrom+` WHERE p.id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "检查计划不存在")
	}
	return p, err
}

// FindInspectionPlans returns one page of plans, newest first, and the total.
func (db *DB) FindInspectionPlans(ctx context.Context, page Page) ([]*InspectionPlan, int, error) {
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM inspection_plans`).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := page.clamp()
	rows, err := db.query(ctx, `SELECT `+planColumns+planFrom+` ORDER BY p.id DESC LIMIT ? OFFSET ?`, p.Limit, p.Offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*InspectionPlan
	for rows.Next() {
		pl, err := scanInspectionPlan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, pl)
	}
	return out, total, rows.Err()
}

const inspItemColumns = `i.id, i.plan_id, i.seq, COALESCE(i.award_id, 0), i.org_id, i.state, COALESCE(i.assignee_id, 0), COALESCE(i.assigned_at, ''),
 i.finding, i.violation, i.found_on, COALESCE(i.evidence_sha256, ''), i.evidence_name, COALESCE(i.recorded_by, 0), COALESCE(i.recorded_at, ''),
 p.title, o.name, o.uscc, COALESCE(d.name, ''), COALESCE(a.number, ''), COALESCE(a.title, ''), COALESCE(w.amount_fen, 0),
 COALESCE(u.display_name, ''), COALESCE(u.role, ''), COALESCE((SELECT min(s.id) FROM sanctions s WHERE s.item_id = i.id), 0)`

const inspItemFrom = ` FROM inspection_items i JOIN inspection_plans p ON p.id = i.plan_id JOIN organizations o ON o.id = i.org_id
 LEFT JOIN districts d ON d.code = o.district_code LEFT JOIN awards w ON w.id = i.award_id
 LEFT JOIN applications a ON a.id = w.application_id LEFT JOIN users u ON u.id = i.assignee_id`

func scanInspectionItem(sc interface{ Scan(...any) error }) (*InspectionItem, error) {
	var it InspectionItem
	var assigned, recorded string
	if err := sc.Scan(&it.ID, &it.PlanID, &it.Seq, &it.AwardID, &it.OrgID, &it.State, &it.AssigneeID, &assigned, &it.Finding, &it.Violation,
		&it.FoundOn, &it.EvidenceSHA256, &it.EvidenceName, &it.RecordedBy, &recorded, &it.PlanTitle, &it.OrgName, &it.USCC,
		&it.DistrictName, &it.AppNumber, &it.ProjectTitle, &it.AwardFen, &it.AssigneeName, &it.AssigneeRole, &it.SanctionID); err != nil {
		return nil, err
	}
	it.AssignedAt, it.RecordedAt = parseTime(assigned), parseTime(recorded)
	return &it, nil
}

// InspectionFilter selects inspection items: of a plan, or assigned to a user
// (an inspector's task list).
type InspectionFilter struct {
	PlanID     int64
	AssigneeID int64
	OpenOnly   bool // not yet concluded
	Page       Page
}

func inspItemWhere(f InspectionFilter) (string, []any) {
	var conds []string
	var args []any
	if f.PlanID != 0 {
		conds, args = append(conds, "i.plan_id = ?"), append(args, f.PlanID)
	}
	if f.AssigneeID != 0 {
		conds, args = append(conds, "i.assignee_id = ?"), append(args, f.AssigneeID)
	}
	if f.OpenOnly {
		conds = append(conds, "i.state <> 'done'")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindInspectionItems returns one page of items (by plan and number) and the total.
func (db *DB) FindInspectionItems(ctx context.Context, f InspectionFilter) ([]*InspectionItem, int, error) {
	where, args := inspItemWhere(f)
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM inspection_items i`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+inspItemColumns+inspItemFrom+where+` ORDER BY i.plan_id DESC, i.seq LIMIT ? OFFSET ?`,
		append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*InspectionItem
	for rows.Next() {
		it, err := scanInspectionItem(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, it)
	}
	return out, total, rows.Err()
}

// InspectionItem returns one item, or ENOTFOUND.
func (db *DB) InspectionItem(ctx context.Context, id int64) (*InspectionItem, error) {
	it, err := scanInspectionItem(db.queryRow(ctx, `SELECT `+inspItemColumns+inspItemFrom+` WHERE i.id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "核查事项不存在")
	}
	return it, err
}

// InspectionItem reads an item inside the write transaction.
func (tx *Tx) InspectionItem(ctx context.Context, id int64) (*InspectionItem, error) {
	it, err := scanInspectionItem(tx.queryRow(ctx, `SELECT `+inspItemColumns+inspItemFrom+` WHERE i.id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "核查事项不存在")
	}
	return it, err
}

// AssignItem gives an item not yet concluded to a user.
func (tx *Tx) AssignItem(ctx context.Context, id, userID int64) error {
	res, err := tx.exec(ctx, `UPDATE inspection_items SET assignee_id = ?, assigned_at = ?, state = 'assigned' WHERE id = ? AND state <> 'done'`,
		userID, fmtTime(tx.now), id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		if err != nil {
			return err
		}
		return dtfund.Errorf(dtfund.ECONFLICT, "该核查事项已出具结论，不能再指派")
	}
	return nil
}

// RecordFinding stores an item's finding (核查结论) and concludes it; an
// item already concluded, or no longer assigned to the recorder, is
// ECONFLICT.
func (tx *Tx) RecordFinding(ctx context.Context, it *InspectionItem) error {
	res, err := tx.exec(ctx, `UPDATE inspection_items SET state = 'done', finding = ?, violation = ?, found_on = ?, evidence_sha256 = ?,
 evidence_name = ?, recorded_by = ?, recorded_at = ? WHERE id = ? AND state = 'assigned' AND assignee_id = ?`,
		it.Finding, it.Violation, it.FoundOn, nullString(it.EvidenceSHA256), it.EvidenceName, nullInt(it.RecordedBy), fmtTime(tx.now),
		it.ID, it.RecordedBy)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		if err != nil {
			return err
		}
		return dtfund.Errorf(dtfund.ECONFLICT, "该核查事项已出具结论或已改派")
	}
	it.State, it.RecordedAt = ItemDone, tx.now
	return nil
}

// InspectionPopulation returns the IDs of the awards a random inspection
// samples from: every award not revoked, ascending.
func (tx *Tx) InspectionPopulation(ctx context.Context) ([]int64, error) {
	return int64s(tx.query(ctx, `SELECT w.id FROM awards w WHERE w.status <> 'revoked'
 AND NOT EXISTS (SELECT 1 FROM award_revocations r WHERE r.award_id = w.id) ORDER BY w.id`))
}

// AwardOrg returns an award's organisation inside the write transaction.
func (tx *Tx) AwardOrg(ctx context.Context, awardID int64) (int64, error) {
	var org int64
	err := tx.queryRow(ctx, `SELECT org_id FROM awards WHERE id = ?`, awardID).Scan(&org)
	if err != nil && normalizedNotFound(err) {
		return 0, dtfund.Errorf(dtfund.ENOTFOUND, "奖补记录不存在")
	}
	return org, err
}

// CountOpenTasks counts the items assigned to a user and not yet concluded.
func (db *DB) CountOpenTasks(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM inspection_items WHERE assignee_id = ? AND state = 'assigned'`, userID).Scan(&n)
	return n, err
}
