package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"dtfund"
)

// Fund-use plans (资金使用计划), payment batches and payment instructions
// (第六条（一）–（四）). The money is in the ledger; these rows record what
// was planned and instructed and point at the ledger transactions.

// Plan states.
const (
	PlanProposed = "proposed"
	PlanApproved = "approved"
	PlanRejected = "rejected"
)

// Instruction states.
const (
	InstrPending   = "pending"   // not yet issued
	InstrIssued    = "issued"    // money in the district's transit account
	InstrReceived  = "received"  // the district confirmed receipt
	InstrPaidOut   = "paid_out"  // paid to the recipient
	InstrHeld      = "held"      // refused at issue: award suspended or revoked
	InstrRecalled  = "recalled"  // money in transit returned to the line on revocation
	InstrCancelled = "cancelled" // never issued; the award was revoked
)

// FundPlan is a fund-use plan.
type FundPlan struct {
	ID         int64
	Year       int
	Title      string
	State      string
	Reason     string
	ProposedBy int64
	DecidedBy  int64
	DecidedAt  time.Time
	CreatedAt  time.Time
	TotalFen   int64 // filled by queries
	Items      int   // filled by queries
	BatchID    int64 // the plan's payment batch, 0 when none
}

// PlanItem is one award of a plan.
type PlanItem struct {
	AwardID   int64
	AmountFen int64
	// Filled by queries.
	AwardFen  int64
	AppNumber string
	OrgName   string
	Category  string
}

// CreatePlan inserts a plan with its items.
func (tx *Tx) CreatePlan(ctx context.Context, p *FundPlan, items []PlanItem) error {
	id, err := tx.insertID(ctx, `INSERT INTO fund_plans (year, title, state, proposed_by, created_at) VALUES (?, ?, 'proposed', ?, ?)`,
		p.Year, p.Title, nullInt(p.ProposedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	for _, it := range items {
		if _, err := tx.exec(ctx, `INSERT INTO fund_plan_items (plan_id, award_id, amount_fen) VALUES (?, ?, ?)`, id, it.AwardID, it.AmountFen); err != nil {
			return normalize(err)
		}
	}
	p.ID, p.State, p.CreatedAt = id, PlanProposed, tx.now
	return nil
}

// DecidePlan approves or rejects a proposed plan; ECONFLICT when it was
// already decided.
func (tx *Tx) DecidePlan(ctx context.Context, id int64, state, reason string, by int64) error {
	res, err := tx.exec(ctx, `UPDATE fund_plans SET state = ?, reason = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = 'proposed'`,
		state, reason, nullInt(by), fmtTime(tx.now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return dtfund.Errorf(dtfund.ECONFLICT, "该资金使用计划已审核，不能再次审核")
	}
	return nil
}

const planSelect = `SELECT p.id, p.year, p.title, p.state, p.reason, COALESCE(p.proposed_by, 0), COALESCE(p.decided_by, 0),
 COALESCE(p.decided_at, ''), p.created_at,
 (SELECT COALESCE(SUM(amount_fen), 0) FROM fund_plan_items i WHERE i.plan_id = p.id),
 (SELECT count(*) FROM fund_plan_items i WHERE i.plan_id = p.id),
 COALESCE((SELECT b.id FROM payment_batches b WHERE b.plan_id = p.id), 0) FROM fund_plans p`

func scanPlan(sc interface{ Scan(...any) error }) (*FundPlan, error) {
	var p FundPlan
	var decided, created string
	if err := sc.Scan(&p.ID, &p.Year, &p.Title, &p.State, &p.Reason, &p.ProposedBy, &p.DecidedBy, &decided, &created,
		&p.TotalFen, &p.Items, &p.BatchID); err != nil {
		return nil, err
	}
	p.DecidedAt, p.CreatedAt = parseTime(decided), parseTime(created)
	return &p, nil
}

// Plan returns one plan.
func (db *DB) Plan(ctx context.Context, id int64) (*FundPlan, error) {
	p, err := scanPlan(db.queryRow(ctx, planSelect+` WHERE p.id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "资金使用计划不存在")
	}
	return p, err
}

// planTx reads a plan inside the write transaction.
func (tx *Tx) Plan(ctx context.Context, id int64) (*FundPlan, error) {
	p, err := scanPlan(tx.queryRow(ctx, planSelect+` WHERE p.id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "资金使用计划不存在")
	}
	return p, err
}

// FindPlans returns a page of plans, newest first, and the total.
func (db *DB) FindPlans(ctx context.Context, page Page) ([]*FundPlan, int, error) {
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM fund_plans`).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := page.clamp()
	rows, err := db.query(ctx, planSelect+` ORDER BY p.id DESC LIMIT ? OFFSET ?`, p.Limit, p.Offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*FundPlan
	for rows.Next() {
		pl, err := scanPlan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, pl)
	}
	return out, total, rows.Err()
}

// PlanItems returns a plan's items (a plan holds at most a few hundred).
func (db *DB) PlanItems(ctx context.Context, planID int64) ([]PlanItem, error) {
	rows, err := db.query(ctx, `SELECT i.award_id, i.amount_fen, w.amount_fen, a.number, o.name, w.category
 FROM fund_plan_items i JOIN awards w ON w.id = i.award_id JOIN applications a ON a.id = w.application_id
 JOIN organizations o ON o.id = w.org_id WHERE i.plan_id = ? ORDER BY i.id`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PlanItem
	for rows.Next() {
		var it PlanItem
		if err := rows.Scan(&it.AwardID, &it.AmountFen, &it.AwardFen, &it.AppNumber, &it.OrgName, &it.Category); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// PaymentBatch is a batch of payment instructions made from a plan.
type PaymentBatch struct {
	ID        int64
	PlanID    int64
	Title     string
	State     string // created, issuing, issued
	CreatedBy int64
	CreatedAt time.Time
	IssuedAt  time.Time
}

// CreatePaymentBatch inserts the batch of an approved plan and one pending
// instruction per plan item, each with its own idempotency key; a second
// batch for the plan is refused (UNIQUE, ECONFLICT).
func (tx *Tx) CreatePaymentBatch(ctx context.Context, b *PaymentBatch) error {
	id, err := tx.insertID(ctx, `INSERT INTO payment_batches (plan_id, title, state, created_by, created_at) VALUES (?, ?, 'created', ?, ?)`,
		b.PlanID, b.Title, nullInt(b.CreatedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	_, err = tx.exec(ctx, `INSERT INTO payment_instructions (batch_id, award_id, org_id, district_code, amount_fen, idempotency_key, state)
 SELECT ?, i.award_id, w.org_id, COALESCE(a.district_code, ''), i.amount_fen, 'pay:batch:' || ? || ':award:' || i.award_id, 'pending'
 FROM fund_plan_items i JOIN awards w ON w.id = i.award_id JOIN applications a ON a.id = w.application_id
 WHERE i.plan_id = ? ORDER BY i.id`, id, strconv.FormatInt(id, 10), b.PlanID)
	if err != nil {
		return normalize(err)
	}
	b.ID, b.State, b.CreatedAt = id, "created", tx.now
	return nil
}

func scanPayBatch(sc interface{ Scan(...any) error }) (*PaymentBatch, error) {
	var b PaymentBatch
	var created, issued string
	if err := sc.Scan(&b.ID, &b.PlanID, &b.Title, &b.State, &b.CreatedBy, &created, &issued); err != nil {
		return nil, err
	}
	b.CreatedAt, b.IssuedAt = parseTime(created), parseTime(issued)
	return &b, nil
}

const batchSelect = `SELECT id, plan_id, title, state, COALESCE(created_by, 0), created_at, COALESCE(issued_at, '') FROM payment_batches`

// PaymentBatch returns one batch.
func (db *DB) PaymentBatch(ctx context.Context, id int64) (*PaymentBatch, error) {
	b, err := scanPayBatch(db.queryRow(ctx, batchSelect+` WHERE id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "拨付批次不存在")
	}
	return b, err
}

// SetBatchState records a batch's progress; issued_at is set when it is issued.
func (tx *Tx) SetBatchState(ctx context.Context, id int64, state string) error {
	issued := any(nil)
	if state == "issued" {
		issued = fmtTime(tx.now)
	}
	_, err := tx.exec(ctx, `UPDATE payment_batches SET state = ?, issued_at = COALESCE(issued_at, ?) WHERE id = ?`, state, issued, id)
	return err
}

// Instruction is one payment instruction (拨付指令).
type Instruction struct {
	ID             int64
	BatchID        int64
	AwardID        int64
	OrgID          int64
	DistrictCode   string // empty: paid by the city directly
	AmountFen      int64
	IdempotencyKey string
	State          string
	Note           string
	IssueTxID      int64
	IssuedAt       time.Time
	ReceivedAt     time.Time
	PayoutTxID     int64
	BankRef        string
	PaidAt         time.Time
	// Filled by queries.
	OrgName      string
	USCC         string
	DistrictName string
	AppNumber    string
	ProjectTitle string
	Category     string
	FundSource   string
}

const instrColumns = `i.id, i.batch_id, i.award_id, i.org_id, i.district_code, i.amount_fen, i.idempotency_key, i.state, i.note,
 COALESCE(i.issue_tx_id, 0), COALESCE(i.issued_at, ''), COALESCE(i.received_at, ''), COALESCE(i.payout_tx_id, 0), i.bank_ref,
 COALESCE(i.paid_at, ''), o.name, o.uscc, COALESCE(d.name, ''), a.number, a.title, w.category, w.fund_source`

const instrFrom = ` FROM payment_instructions i JOIN awards w ON w.id = i.award_id JOIN applications a ON a.id = w.application_id
 JOIN organizations o ON o.id = i.org_id LEFT JOIN districts d ON d.code = i.district_code`

func scanInstr(sc interface{ Scan(...any) error }) (*Instruction, error) {
	var in Instruction
	var issued, received, paid string
	if err := sc.Scan(&in.ID, &in.BatchID, &in.AwardID, &in.OrgID, &in.DistrictCode, &in.AmountFen, &in.IdempotencyKey, &in.State,
		&in.Note, &in.IssueTxID, &issued, &received, &in.PayoutTxID, &in.BankRef, &paid, &in.OrgName, &in.USCC, &in.DistrictName,
		&in.AppNumber, &in.ProjectTitle, &in.Category, &in.FundSource); err != nil {
		return nil, err
	}
	in.IssuedAt, in.ReceivedAt, in.PaidAt = parseTime(issued), parseTime(received), parseTime(paid)
	return &in, nil
}

// Instruction reads an instruction inside the write transaction.
func (tx *Tx) Instruction(ctx context.Context, id int64) (*Instruction, error) {
	in, err := scanInstr(tx.queryRow(ctx, `SELECT `+instrColumns+instrFrom+` WHERE i.id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "拨付指令不存在")
	}
	return in, err
}

// Instruction returns one instruction.
func (db *DB) Instruction(ctx context.Context, id int64) (*Instruction, error) {
	in, err := scanInstr(db.queryRow(ctx, `SELECT `+instrColumns+instrFrom+` WHERE i.id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "拨付指令不存在")
	}
	return in, err
}

// InstructionFilter selects instructions; DistrictCode and OrgID are scope.
type InstructionFilter struct {
	BatchID      int64
	DistrictCode string
	OrgID        int64
	State        string
	Page         Page
}

func instrWhere(f InstructionFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, v any) { conds, args = append(conds, c), append(args, v) }
	if f.BatchID != 0 {
		add("i.batch_id = ?", f.BatchID)
	}
	if f.DistrictCode != "" {
		add("i.district_code = ?", f.DistrictCode)
	}
	if f.OrgID != 0 {
		add("i.org_id = ?", f.OrgID)
	}
	if f.State != "" {
		add("i.state = ?", f.State)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindInstructions returns a page of instructions in batch order, the
// total count and the total amount. A zero Page.Limit with All returns all.
func (db *DB) FindInstructions(ctx context.Context, f InstructionFilter) ([]*Instruction, int, int64, error) {
	where, args := instrWhere(f)
	var total int
	var sum int64
	if err := db.queryRow(ctx, `SELECT count(*), COALESCE(SUM(i.amount_fen), 0)`+instrFrom+where, args...).Scan(&total, &sum); err != nil {
		return nil, 0, 0, err
	}
	p := f.Page.clamp()
	if f.Page.Limit < 0 { // every row (exports)
		p.Limit = total + 1
	}
	rows, err := db.query(ctx, `SELECT `+instrColumns+instrFrom+where+` ORDER BY i.id LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, 0, err
	}
	defer rows.Close()
	var out []*Instruction
	for rows.Next() {
		in, err := scanInstr(rows)
		if err != nil {
			return nil, 0, 0, err
		}
		out = append(out, in)
	}
	return out, total, sum, rows.Err()
}

// PendingInstructions returns the IDs of a batch's instructions not yet
// issued, in order: what an interrupted issue still has to do.
func (db *DB) PendingInstructions(ctx context.Context, batchID int64) ([]int64, error) {
	return int64s(db.query(ctx, `SELECT id FROM payment_instructions WHERE batch_id = ? AND state = 'pending' ORDER BY id`, batchID))
}

// MarkIssued records the issue of an instruction (or its hold, with txID 0).
func (tx *Tx) MarkIssued(ctx context.Context, id int64, state string, txID int64, note string) error {
	_, err := tx.exec(ctx, `UPDATE payment_instructions SET state = ?, issue_tx_id = ?, issued_at = ?, note = ?,
 payout_tx_id = CASE WHEN ? = 'paid_out' THEN ? ELSE payout_tx_id END, paid_at = CASE WHEN ? = 'paid_out' THEN ? ELSE paid_at END
 WHERE id = ? AND state = 'pending'`, state, nullInt(txID), fmtTime(tx.now), note, state, nullInt(txID), state, fmtTime(tx.now), id)
	return err
}

// MarkReceived records the district's confirmation of receipt.
func (tx *Tx) MarkReceived(ctx context.Context, id, by int64) error {
	_, err := tx.exec(ctx, `UPDATE payment_instructions SET state = 'received', received_by = ?, received_at = ? WHERE id = ? AND state = 'issued'`,
		nullInt(by), fmtTime(tx.now), id)
	return err
}

// MarkPaidOut records the payout to the recipient with the bank reference.
func (tx *Tx) MarkPaidOut(ctx context.Context, id, txID int64, bankRef string, by int64) error {
	_, err := tx.exec(ctx, `UPDATE payment_instructions SET state = 'paid_out', payout_tx_id = ?, bank_ref = ?, paid_by = ?, paid_at = ?,
 received_at = COALESCE(received_at, ?) WHERE id = ? AND state IN ('issued','received')`, txID, bankRef, nullInt(by), fmtTime(tx.now), fmtTime(tx.now), id)
	return err
}

// SetInstructionState moves instructions of an award from some states to
// another (revocation) and returns the sum of their amounts.
func (tx *Tx) SetInstructionState(ctx context.Context, awardID int64, from []string, to, note string) (int64, error) {
	marks := strings.TrimSuffix(strings.Repeat("?,", len(from)), ",")
	args := []any{awardID}
	for _, s := range from {
		args = append(args, s)
	}
	var sum int64
	if err := tx.queryRow(ctx, `SELECT COALESCE(SUM(amount_fen), 0) FROM payment_instructions WHERE award_id = ? AND state IN (`+marks+`)`,
		args...).Scan(&sum); err != nil {
		return 0, err
	}
	_, err := tx.exec(ctx, `UPDATE payment_instructions SET state = ?, note = ? WHERE award_id = ? AND state IN (`+marks+`)`,
		append([]any{to, note}, args...)...)
	return sum, err
}

// TransitByDistrict sums an award's money still in transit, per district.
func (tx *Tx) TransitByDistrict(ctx context.Context, awardID int64) (map[string]int64, error) {
	rows, err := tx.query(ctx, `SELECT district_code, SUM(amount_fen) FROM payment_instructions
 WHERE award_id = ? AND state IN ('issued','received') AND district_code <> '' GROUP BY district_code`, awardID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var d string
		var s int64
		if err := rows.Scan(&d, &s); err != nil {
			return nil, err
		}
		out[d] = s
	}
	return out, rows.Err()
}

// PaidOutFen sums what was paid to the recipient for an award.
func (tx *Tx) PaidOutFen(ctx context.Context, awardID int64) (int64, error) {
	var s int64
	err := tx.queryRow(ctx, `SELECT COALESCE(SUM(amount_fen), 0) FROM payment_instructions WHERE award_id = ? AND state = 'paid_out'`, awardID).Scan(&s)
	return s, err
}

// AwardFacts is what paying and recovering an award needs to know.
type AwardFacts struct {
	ID           int64
	OrgID        int64
	OrgName      string
	DistrictCode string // of the application; empty outside Changchun
	AmountFen    int64
	Category     string
	Status       string // active, suspended, revoked
	LineCode     string // the budget line the award was committed from; empty if not committed
}

// AwardFacts reads an award's payment facts inside the write transaction.
// The status is the awards.status column when the budget part has added it
// (0009), and "revoked" whenever a revocation exists.
func (tx *Tx) AwardFacts(ctx context.Context, awardID int64) (*AwardFacts, error) {
	f := &AwardFacts{ID: awardID, Status: "active"}
	err := tx.queryRow(ctx, `SELECT w.org_id, o.name, COALESCE(a.district_code, ''), w.amount_fen, w.category FROM awards w
 JOIN applications a ON a.id = w.application_id JOIN organizations o ON o.id = w.org_id WHERE w.id = ?`, awardID).
		Scan(&f.OrgID, &f.OrgName, &f.DistrictCode, &f.AmountFen, &f.Category)
	if err != nil {
		if normalizedNotFound(err) {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "奖补记录不存在")
		}
		return nil, err
	}
	if ok, err := tx.hasColumn(ctx, "awards", "status"); err != nil {
		return nil, err
	} else if ok {
		if err := tx.queryRow(ctx, `SELECT status FROM awards WHERE id = ?`, awardID).Scan(&f.Status); err != nil {
			return nil, err
		}
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT count(*) FROM award_revocations WHERE award_id = ?`, awardID).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		f.Status = "revoked"
	}
	f.LineCode, err = tx.awardLine(ctx, awardID)
	return f, err
}

// awardLine finds the budget line an award was committed from: the line
// credited by the commit transaction that debited its commitment account.
// Reading it from the ledger keeps it right whoever posted the commit.
func (tx *Tx) awardLine(ctx context.Context, awardID int64) (string, error) {
	var code string
	err := tx.queryRow(ctx, `SELECT la.code FROM ledger_accounts ca
 JOIN ledger_entries ec ON ec.account_id = ca.id AND ec.amount_fen > 0
 JOIN ledger_transactions t ON t.id = ec.transaction_id AND t.kind = 'commit'
 JOIN ledger_entries el ON el.transaction_id = t.id AND el.amount_fen < 0
 JOIN ledger_accounts la ON la.id = el.account_id AND la.kind = 'line'
 WHERE ca.code = ? ORDER BY ec.id LIMIT 1`, CommitmentAccount(awardID)).Scan(&code)
	if err != nil && normalizedNotFound(err) {
		return "", nil
	}
	return code, err
}

// hasColumn reports whether a table has a column (the awards status column
// comes with the budget part's migration).
func (tx *Tx) hasColumn(ctx context.Context, table, column string) (bool, error) {
	var n int
	var err error
	if tx.db.Engine == Postgres {
		err = tx.queryRow(ctx, `SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema()
 AND table_name = ? AND column_name = ?`, table, column).Scan(&n)
	} else {
		err = tx.queryRow(ctx, `SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n)
	}
	return n > 0, err
}

// SetAwardStatus sets awards.status when the column exists.
func (tx *Tx) SetAwardStatus(ctx context.Context, awardID int64, status string) error {
	ok, err := tx.hasColumn(ctx, "awards", "status")
	if err != nil || !ok {
		return err
	}
	_, err = tx.exec(ctx, `UPDATE awards SET status = ? WHERE id = ?`, status, awardID)
	return err
}
