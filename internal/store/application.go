package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"dtfund"
)

const appColumns = `a.id, a.number, a.call_id, a.org_id, COALESCE(a.district_code, ''), a.state, a.title, a.description, a.subtype,
 a.manufacturing_retrofit, a.requested_fen, a.declarations_json, a.decision_json, a.version, COALESCE(a.submitted_at, ''),
 COALESCE(a.created_by, 0), a.created_at, a.updated_at, a.origin, a.origin_ref, o.name, o.uscc, c.title, c.category, COALESCE(d.name, '')`

const appFrom = ` FROM applications a JOIN organizations o ON o.id = a.org_id JOIN calls c ON c.id = a.call_id
 LEFT JOIN districts d ON d.code = a.district_code`

func scanApplication(sc interface{ Scan(...any) error }) (*dtfund.Application, error) {
	var a dtfund.Application
	var decl, submitted, created, updated string
	err := sc.Scan(&a.ID, &a.Number, &a.CallID, &a.OrgID, &a.DistrictCode, &a.State, &a.Title, &a.Description, &a.Subtype,
		&a.ManufacturingRetrofit, &a.RequestedFen, &decl, &a.DecisionJSON, &a.Version, &submitted, &a.CreatedBy, &created,
		&updated, &a.Origin, &a.OriginRef, &a.OrgName, &a.OrgUSCC, &a.CallTitle, &a.CallCategory, &a.DistrictName)
	if err != nil {
		return nil, err
	}
	json.Unmarshal([]byte(decl), &a.Declarations)
	a.SubmittedAt, a.CreatedAt, a.UpdatedAt = parseTime(submitted), parseTime(created), parseTime(updated)
	return &a, nil
}

// ApplicationFilter selects applications. The scope fields (OrgID,
// DistrictCode, ExcludeDrafts) are set by the app layer from the actor's role
// and jurisdiction; the others come from the user's filters.
type ApplicationFilter struct {
	ID            int64
	OrgID         int64
	DistrictCode  string
	ExcludeDrafts bool
	NoDistrict    bool  // only applicants registered outside Changchun (first review by the city)
	ExpertID      int64 // an expert's scope: applications of panels the expert is on, unless they declared a conflict
	CallID        int64
	States        []dtfund.AppState
	Category      string
	IndustryCode  string
	Query         string // number, organisation name or USCC
	Sort          string // a key of AppSorts, "-" in front for descending; "" = newest first
	Page          Page
	// CountLimit, when set, stops counting after CountLimit+1 matches: the
	// total is then at most CountLimit+1, meaning "more than CountLimit".
	// A list over a million applications then costs what it costs over
	// ten thousand (the count was the part that grew with the table).
	CountLimit int
}

// AppSorts are the columns an application list may be sorted by; anything
// else sorts newest first. The key comes from the user, the SQL only from
// this table.
var AppSorts = map[string]string{
	"number":    "a.id",
	"org":       "o.name",
	"requested": "a.requested_fen",
	"state":     "a.state",
	"updated":   "a.updated_at",
	"submitted": "a.submitted_at",
}

// appOrder is the ORDER BY clause of a sort key (newest first by default).
func appOrder(sort string) string { return orderBy(sort, AppSorts, "a.id", "a.id DESC") }

// appWhere builds the conditions of f for the engine (db.appWhere) or, for
// a filter by ID alone, for any engine.
func appWhere(f ApplicationFilter) (string, []any) { return appWhereFor(f, false, false) }

func (db *DB) appWhere(f ApplicationFilter, scan bool) (string, []any) {
	return appWhereFor(f, scan, db.Engine == Postgres)
}

// appWhereFor builds the conditions. With scan, the conditions on the call
// and the organisation are written so that no index serves them (unary +):
// when they match many applications, walking the table newest first finds
// a page of matches after a few rows, where going through the call's or
// the organisations' index would collect and sort every match. On
// PostgreSQL the search by organisation goes through an array
// (= ANY(ARRAY(…))), which its planner combines with the number's index in
// one bitmap scan; with IN it walks the whole table when few match.
func appWhereFor(f ApplicationFilter, scan, postgres bool) (string, []any) {
	plus := ""
	if scan {
		plus = "+"
	}
	orgIn := "a.org_id IN (SELECT id FROM organizations WHERE name LIKE ? OR uscc = ?)"
	if postgres {
		orgIn = "a.org_id = ANY(ARRAY(SELECT id FROM organizations WHERE name LIKE ? OR uscc = ?))"
	}
	var conds []string
	var args []any
	add := func(cond string, vs ...any) { conds, args = append(conds, cond), append(args, vs...) }
	if f.ID != 0 {
		add("a.id = ?", f.ID)
	}
	if f.OrgID != 0 {
		add("a.org_id = ?", f.OrgID)
	}
	if f.DistrictCode != "" {
		add("a.district_code = ?", f.DistrictCode)
	}
	if f.NoDistrict {
		add("a.district_code IS NULL")
	}
	if f.ExcludeDrafts {
		add("a.state <> ?", dtfund.StateDraft)
	}
	if f.ExpertID != 0 {
		add(`EXISTS (SELECT 1 FROM panel_applications pa JOIN panel_members pm ON pm.panel_id = pa.panel_id
 WHERE pa.application_id = a.id AND pm.expert_id = ? AND NOT EXISTS (SELECT 1 FROM conflict_declarations cd
 WHERE cd.panel_id = pa.panel_id AND cd.application_id = a.id AND cd.expert_id = pm.expert_id AND cd.conflict = TRUE))`, f.ExpertID)
	}
	if f.CallID != 0 {
		add("a.call_id = ?", f.CallID)
	}
	if len(f.States) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(f.States)), ", ")
		vs := make([]any, len(f.States))
		for i, s := range f.States {
			vs[i] = s
		}
		add("a.state IN ("+ph+")", vs...)
	}
	// The filters on the call and the organisation are written as IN over
	// the small table, not as conditions on the joined rows, so that the
	// count needs no join and the planner can use the applications'
	// indexes (call_id, org_id).
	if f.Category != "" {
		add(plus+"a.call_id IN (SELECT id FROM calls WHERE category = ?)", f.Category)
	}
	if f.IndustryCode != "" {
		add(plus+"a.org_id IN (SELECT id FROM organizations WHERE industry_code LIKE ?)", escapeLike(f.IndustryCode)+"%")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		add("(a.number = ? OR "+orgIn+")", q, "%"+escapeLike(q)+"%", strings.ToUpper(q))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindApplications returns one page of applications, newest first, and the
// total (bounded by f.CountLimit when set).
func (db *DB) FindApplications(ctx context.Context, f ApplicationFilter) ([]*dtfund.Application, int, error) {
	total, err := db.countApplications(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	// More matches than the bound: at least 1 in 100 rows of a table that
	// large matches, so a newest-first walk finds the page soon.
	dense := f.CountLimit > 0 && total > f.CountLimit
	as, err := db.findApplications(ctx, f, dense)
	return as, total, err
}

// countApplications counts the matches; every filter is a condition on the
// applications table alone (appWhere), so no join is needed.
func (db *DB) countApplications(ctx context.Context, f ApplicationFilter) (int, error) {
	where, args := db.appWhere(f, false)
	q := `SELECT count(*) FROM applications a` + where
	if f.CountLimit > 0 {
		q = `SELECT count(*) FROM (SELECT 1 FROM applications a` + where + ` LIMIT ?) t`
		args = append(args, f.CountLimit+1)
	}
	var total int
	err := db.queryRow(ctx, q, args...).Scan(&total)
	return total, err
}

func (db *DB) findApplications(ctx context.Context, f ApplicationFilter, dense bool) ([]*dtfund.Application, error) {
	where, args := db.appWhere(f, dense)
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+appColumns+appFrom+where+appOrder(f.Sort)+` LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var as []*dtfund.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, err
		}
		as = append(as, a)
	}
	return as, rows.Err()
}

// Application returns one application with its spending, goals and
// providers, if it matches the scope in f (ID is set from id).
func (db *DB) Application(ctx context.Context, id int64, scope ApplicationFilter) (*dtfund.Application, error) {
	scope.ID, scope.Page = id, Page{Limit: 1}
	as, err := db.findApplications(ctx, scope, false)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "申报不存在")
	}
	a := as[0]
	return a, loadChildren(ctx, db.query, a)
}

// Application reads an application and its children inside a write
// transaction; the state it returns is the one the transaction will change.
func (tx *Tx) Application(ctx context.Context, id int64) (*dtfund.Application, error) {
	where, args := appWhere(ApplicationFilter{ID: id})
	a, err := scanApplication(tx.queryRow(ctx, `SELECT `+appColumns+appFrom+where, args...))
	if err != nil {
		if dtfund.ErrorCode(normalize(err)) == dtfund.ENOTFOUND {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "申报不存在")
		}
		return nil, err
	}
	return a, loadChildren(ctx, tx.query, a)
}

type queryFunc func(ctx context.Context, q string, args ...any) (*sql.Rows, error)

func loadChildren(ctx context.Context, query queryFunc, a *dtfund.Application) error {
	rows, err := query(ctx, `SELECT seq, type, supplier, description, contract_no, contract_date, invoice_no, invoice_date,
 payment_date, amount_fen, approved_fen FROM application_spending WHERE application_id = ? ORDER BY seq`, a.ID)
	if err != nil {
		return err
	}
	a.Spending = nil
	for rows.Next() {
		var s dtfund.Spending
		var approved sql.NullInt64
		if err := rows.Scan(&s.Seq, &s.Type, &s.Supplier, &s.Description, &s.ContractNo, &s.ContractDate, &s.InvoiceNo,
			&s.InvoiceDate, &s.PaymentDate, &s.AmountFen, &approved); err != nil {
			rows.Close()
			return err
		}
		if approved.Valid {
			s.ApprovedFen = &approved.Int64
		}
		a.Spending = append(a.Spending, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := loadGoals(ctx, query, a); err != nil {
		return err
	}
	return loadProviders(ctx, query, a)
}

func loadGoals(ctx context.Context, query queryFunc, a *dtfund.Application) error {
	rows, err := query(ctx, `SELECT seq, indicator, baseline, target FROM application_goals WHERE application_id = ? ORDER BY seq`, a.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	a.Goals = nil
	for rows.Next() {
		var g dtfund.Goal
		if err := rows.Scan(&g.Seq, &g.Indicator, &g.Baseline, &g.Target); err != nil {
			return err
		}
		a.Goals = append(a.Goals, g)
	}
	return rows.Err()
}

func loadProviders(ctx context.Context, query queryFunc, a *dtfund.Application) error {
	rows, err := query(ctx, `SELECT org_id FROM application_providers WHERE application_id = ? ORDER BY org_id`, a.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	a.ProviderIDs = nil
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		a.ProviderIDs = append(a.ProviderIDs, id)
	}
	return rows.Err()
}

// CreateApplication inserts a new draft and gives it its number
// (SB<year>-<id>), derived from the ID so that it is unique without a lock.
func (tx *Tx) CreateApplication(ctx context.Context, a *dtfund.Application) error {
	tmp := fmt.Sprintf("tmp-%d-%d", a.OrgID, tx.now.UnixNano())
	if a.Origin == "" {
		a.Origin = dtfund.OriginApplied
	}
	id, err := tx.insertID(ctx, `INSERT INTO applications (number, call_id, org_id, district_code, state, title, description,
 subtype, manufacturing_retrofit, requested_fen, declarations_json, created_by, created_at, updated_at, origin, origin_ref)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tmp, a.CallID, a.OrgID, nullString(a.DistrictCode), a.State, a.Title, a.Description, a.Subtype,
		a.ManufacturingRetrofit, a.RequestedFen, toJSONOr(a.Declarations, "{}"), nullInt(a.CreatedBy), fmtTime(tx.now), fmtTime(tx.now),
		a.Origin, a.OriginRef)
	if err != nil {
		return err
	}
	a.ID, a.CreatedAt, a.UpdatedAt = id, tx.now, tx.now
	a.Number = fmt.Sprintf("SB%d-%06d", tx.now.Year(), id)
	if _, err := tx.exec(ctx, `UPDATE applications SET number = ? WHERE id = ?`, a.Number, id); err != nil {
		return err
	}
	return tx.replaceChildren(ctx, a)
}

// SaveApplicationContent writes the applicant-editable content of a draft.
func (tx *Tx) SaveApplicationContent(ctx context.Context, a *dtfund.Application) error {
	res, err := tx.exec(ctx, `UPDATE applications SET title = ?, description = ?, subtype = ?, manufacturing_retrofit = ?,
 requested_fen = ?, declarations_json = ?, updated_at = ? WHERE id = ?`,
		a.Title, a.Description, a.Subtype, a.ManufacturingRetrofit, a.RequestedFen, toJSONOr(a.Declarations, "{}"), fmtTime(tx.now), a.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ENOTFOUND, "申报不存在")
	}
	a.UpdatedAt = tx.now
	return tx.replaceChildren(ctx, a)
}

func (tx *Tx) replaceChildren(ctx context.Context, a *dtfund.Application) error {
	for _, table := range []string{"application_spending", "application_goals", "application_providers"} {
		if _, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE application_id = ?`, a.ID); err != nil {
			return err
		}
	}
	for i, s := range a.Spending {
		var approved any
		if s.ApprovedFen != nil {
			approved = *s.ApprovedFen
		}
		if _, err := tx.exec(ctx, `INSERT INTO application_spending (application_id, seq, type, supplier, description, contract_no,
 contract_date, invoice_no, invoice_date, payment_date, amount_fen, approved_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, i+1, s.Type, s.Supplier, s.Description, s.ContractNo, s.ContractDate, s.InvoiceNo, s.InvoiceDate,
			s.PaymentDate, s.AmountFen, approved); err != nil {
			return err
		}
	}
	for i, g := range a.Goals {
		if _, err := tx.exec(ctx, `INSERT INTO application_goals (application_id, seq, indicator, baseline, target) VALUES (?, ?, ?, ?, ?)`,
			a.ID, i+1, g.Indicator, g.Baseline, g.Target); err != nil {
			return err
		}
	}
	for _, p := range a.ProviderIDs {
		if _, err := tx.exec(ctx, `INSERT INTO application_providers (application_id, org_id) VALUES (?, ?)`, a.ID, p); err != nil {
			return err
		}
	}
	return nil
}

// SetApplicationState moves an application from one state to another; it
// fails with ECONFLICT when the state changed meanwhile (a concurrent action
// won), so that two officials cannot both act on the same state.
func (tx *Tx) SetApplicationState(ctx context.Context, id int64, from, to dtfund.AppState) error {
	res, err := tx.exec(ctx, `UPDATE applications SET state = ?, updated_at = ? WHERE id = ? AND state = ?`, to, fmtTime(tx.now), id, from)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ECONFLICT, "申报状态已变化，请刷新后重试")
	}
	return nil
}

// MarkSubmitted records a submission: the new version number, the time and
// the rules' decision, and keeps the submitted content as a version.
func (tx *Tx) MarkSubmitted(ctx context.Context, a *dtfund.Application, decisionJSON string) error {
	a.Version++
	a.SubmittedAt, a.DecisionJSON = tx.now, decisionJSON
	if _, err := tx.exec(ctx, `UPDATE applications SET version = ?, submitted_at = ?, decision_json = ? WHERE id = ?`,
		a.Version, fmtTime(tx.now), decisionJSON, a.ID); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO application_versions (application_id, version, snapshot_json, decision_json, created_at)
 VALUES (?, ?, ?, ?, ?)`, a.ID, a.Version, toJSON(a), decisionJSON, fmtTime(tx.now))
	return err
}

// SetDecision stores the rules' latest decision (at re-check).
func (tx *Tx) SetDecision(ctx context.Context, id int64, decisionJSON string) error {
	_, err := tx.exec(ctx, `UPDATE applications SET decision_json = ? WHERE id = ?`, decisionJSON, id)
	return err
}

// AddEvent appends to the application's timeline.
func (tx *Tx) AddEvent(ctx context.Context, appID int64, e dtfund.AppEvent) error {
	_, err := tx.exec(ctx, `INSERT INTO application_events (application_id, at, actor_id, actor, action, from_state, to_state, reason, citation)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, appID, fmtTime(tx.now), nullInt(e.ActorID), e.Actor, e.Action, e.From, e.To, e.Reason, e.Citation)
	return err
}

// Events returns an application's timeline, oldest first.
func (db *DB) Events(ctx context.Context, appID int64) ([]dtfund.AppEvent, error) {
	rows, err := db.query(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor, action, from_state, to_state, reason, citation
 FROM application_events WHERE application_id = ? ORDER BY id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var es []dtfund.AppEvent
	for rows.Next() {
		var e dtfund.AppEvent
		var at string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.Action, &e.From, &e.To, &e.Reason, &e.Citation); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		es = append(es, e)
	}
	return es, rows.Err()
}

// VersionSnapshot returns a submitted version's snapshot and decision.
func (db *DB) VersionSnapshot(ctx context.Context, appID int64, version int) (snapshot, decision string, err error) {
	err = db.queryRow(ctx, `SELECT snapshot_json, decision_json FROM application_versions WHERE application_id = ? AND version = ?`,
		appID, version).Scan(&snapshot, &decision)
	return snapshot, decision, normalize(err)
}

// DuplicateInvoices returns, for each invoice number of the application, the
// numbers of other non-draft, non-withdrawn applications that claim it too.
func (db *DB) DuplicateInvoices(ctx context.Context, appID int64) (map[string][]string, error) {
	rows, err := db.query(ctx, `SELECT s.invoice_no, a.number FROM application_spending s
 JOIN application_spending mine ON mine.invoice_no = s.invoice_no AND mine.application_id = ?
 JOIN applications a ON a.id = s.application_id
 WHERE s.application_id <> ? AND s.invoice_no <> '' AND a.state NOT IN (?, ?) ORDER BY a.number`,
		appID, appID, dtfund.StateDraft, dtfund.StateWithdrawn)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var inv, num string
		if err := rows.Scan(&inv, &num); err != nil {
			return nil, err
		}
		out[inv] = append(out[inv], num)
	}
	return out, rows.Err()
}

// ApplicationByOrigin finds the application proposed from a source record
// (a ranking entry or a 免申即享 match), or returns nil when there is none.
func (tx *Tx) ApplicationByOrigin(ctx context.Context, origin dtfund.Origin, ref string) (*dtfund.Application, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM applications WHERE origin = ? AND origin_ref = ?`, origin, ref).Scan(&id)
	if err != nil {
		if normalizedNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	return tx.Application(ctx, id)
}
