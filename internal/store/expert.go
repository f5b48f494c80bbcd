package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"dtfund"
)

// Expert review (专家评审, 第十四条（三）): the expert pool, panels drawn at
// random, conflict declarations, score sheets and the panels' results.

// ExpertProfile is a user with role expert and, once city_miit has filled it
// in, the profile the draw uses: field, affiliation and the organisation the
// expert works for (a conflict with that organisation's applications).
type ExpertProfile struct {
	UserID      int64
	Username    string
	Name        string
	Disabled    bool
	HasProfile  bool
	Field       string // 专业领域
	Affiliation string // 工作单位
	OrgID       int64  // the affiliation as an organisation in the system, if it is one
	OrgName     string
	OrgUSCC     string
	Contact     string
	Active      bool // in the pool: may be drawn
	UpdatedAt   time.Time
}

// ExpertFilter selects experts.
type ExpertFilter struct {
	UserID int64
	Query  string // username, name, field or affiliation
	Page   Page
}

const expertColumns = `u.id, u.username, u.display_name, u.disabled, p.user_id IS NOT NULL, COALESCE(p.field, ''),
 COALESCE(p.affiliation, ''), COALESCE(p.org_id, 0), COALESCE(o.name, ''), COALESCE(o.uscc, ''), COALESCE(p.contact, ''),
 COALESCE(p.active, FALSE), COALESCE(p.updated_at, '')`

const expertFrom = ` FROM users u LEFT JOIN expert_profiles p ON p.user_id = u.id LEFT JOIN organizations o ON o.id = p.org_id`

func scanExpert(sc interface{ Scan(...any) error }) (*ExpertProfile, error) {
	var e ExpertProfile
	var updated string
	err := sc.Scan(&e.UserID, &e.Username, &e.Name, &e.Disabled, &e.HasProfile, &e.Field, &e.Affiliation, &e.OrgID, &e.OrgName,
		&e.OrgUSCC, &e.Contact, &e.Active, &updated)
	e.UpdatedAt = parseTime(updated)
	return &e, err
}

func expertWhere(f ExpertFilter) (string, []any) {
	conds, args := []string{"u.role = ?"}, []any{dtfund.RoleExpert}
	if f.UserID != 0 {
		conds, args = append(conds, "u.id = ?"), append(args, f.UserID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(q) + "%"
		conds = append(conds, "(u.username LIKE ? OR u.display_name LIKE ? OR p.field LIKE ? OR p.affiliation LIKE ?)")
		args = append(args, like, like, like, like)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindExperts returns one page of the users with role expert, with their
// profiles where they have one, by user ID, and the total.
func (db *DB) FindExperts(ctx context.Context, f ExpertFilter) ([]*ExpertProfile, int, error) {
	where, args := expertWhere(f)
	var total int
	if err := db.queryRow(ctx, `SELECT count(*)`+expertFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+expertColumns+expertFrom+where+` ORDER BY u.id LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var es []*ExpertProfile
	for rows.Next() {
		e, err := scanExpert(rows)
		if err != nil {
			return nil, 0, err
		}
		es = append(es, e)
	}
	return es, total, rows.Err()
}

// ExpertByUsername returns a user with role expert and the profile, if any.
func (tx *Tx) ExpertByUsername(ctx context.Context, username string) (*ExpertProfile, error) {
	where, args := expertWhere(ExpertFilter{})
	e, err := scanExpert(tx.queryRow(ctx, `SELECT `+expertColumns+expertFrom+where+` AND u.username = ?`, append(args, username)...))
	if err == sql.ErrNoRows {
		return nil, dtfund.FieldError("username", "没有用户名为 %s 的评审专家账号", username)
	}
	return e, err
}

// SaveExpertProfile creates or replaces an expert's profile.
func (tx *Tx) SaveExpertProfile(ctx context.Context, e *ExpertProfile) error {
	_, err := tx.exec(ctx, `INSERT INTO expert_profiles (user_id, field, affiliation, org_id, contact, active, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET field = excluded.field, affiliation = excluded.affiliation,
 org_id = excluded.org_id, contact = excluded.contact, active = excluded.active, updated_at = excluded.updated_at`,
		e.UserID, e.Field, e.Affiliation, nullInt(e.OrgID), e.Contact, e.Active, fmtTime(tx.now), fmtTime(tx.now))
	e.UpdatedAt, e.HasProfile = tx.now, true
	return err
}

// DrawCandidates returns the experts who may be drawn — in the pool, with
// an enabled account, in the field when one is given — sorted by user ID.
func (tx *Tx) DrawCandidates(ctx context.Context, field string) ([]*ExpertProfile, error) {
	where, args := expertWhere(ExpertFilter{})
	where += " AND p.active = TRUE AND u.disabled = FALSE"
	if f := strings.TrimSpace(field); f != "" {
		where, args = where+" AND p.field LIKE ?", append(args, "%"+escapeLike(f)+"%")
	}
	rows, err := tx.query(ctx, `SELECT `+expertColumns+expertFrom+where+` ORDER BY u.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var es []*ExpertProfile
	for rows.Next() {
		e, err := scanExpert(rows)
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	return es, rows.Err()
}

// Panel is an expert panel (评审组) drawn for applications of one call.
type Panel struct {
	ID            int64
	CallID        int64
	CallTitle     string
	Size          int
	Field         string // the field filter of the draw, if any
	Seed          uint64
	Algorithm     string
	Candidates    []int64 // sorted, after exclusions: the draw's input
	CreatedBy     int64
	CreatedByName string
	CreatedAt     time.Time
	AppCount      int
	Finalised     int
	Members       []PanelMember
	Apps          []PanelApp
	Exclusions    []PanelExclusion
}

// PanelMember is a drawn expert.
type PanelMember struct {
	ExpertID    int64
	Name        string
	Field       string
	Affiliation string
	DrawOrder   int
}

// PanelApp is an application under a panel's review, with its progress and,
// once finalised, the result.
type PanelApp struct {
	PanelID          int64
	ApplicationID    int64
	Number           string
	OrgName          string
	Title            string
	State            dtfund.AppState
	ResultHundredths int64
	PassMark         int
	Passed           bool
	Scorers          int
	FinalisedBy      int64
	FinalisedAt      time.Time
	Scored           int // score sheets so far
	Conflicts        int // experts who declared a conflict
}

// Finalised reports whether the panel's result is final.
func (p PanelApp) Finalised() bool { return !p.FinalisedAt.IsZero() }

// PanelExclusion is an expert left out of the draw, and why.
type PanelExclusion struct {
	ExpertID      int64
	Name          string
	ApplicationID int64
	AppNumber     string
	Reason        string
}

// CreatePanel inserts a panel with its members, applications and exclusions.
func (tx *Tx) CreatePanel(ctx context.Context, p *Panel) error {
	id, err := tx.insertID(ctx, `INSERT INTO panels (call_id, size, field, seed, algorithm, candidates_json, created_by, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.CallID, p.Size, p.Field, strconv.FormatUint(p.Seed, 10), p.Algorithm,
		toJSONOr(p.Candidates, "[]"), nullInt(p.CreatedBy), fmtTime(tx.now))
	if err != nil {
		return err
	}
	p.ID, p.CreatedAt = id, tx.now
	for _, m := range p.Members {
		if _, err := tx.exec(ctx, `INSERT INTO panel_members (panel_id, expert_id, draw_order) VALUES (?, ?, ?)`, id, m.ExpertID, m.DrawOrder); err != nil {
			return err
		}
	}
	for _, a := range p.Apps {
		if _, err := tx.exec(ctx, `INSERT INTO panel_applications (panel_id, application_id) VALUES (?, ?)`, id, a.ApplicationID); err != nil {
			return err
		}
	}
	for _, e := range p.Exclusions {
		if _, err := tx.exec(ctx, `INSERT INTO panel_exclusions (panel_id, expert_id, application_id, reason) VALUES (?, ?, ?, ?)`,
			id, e.ExpertID, e.ApplicationID, e.Reason); err != nil {
			return err
		}
	}
	return nil
}

const panelColumns = `p.id, p.call_id, c.title, p.size, p.field, p.seed, p.algorithm, p.candidates_json, COALESCE(p.created_by, 0),
 COALESCE(u.display_name, ''), p.created_at, (SELECT count(*) FROM panel_applications pa WHERE pa.panel_id = p.id),
 (SELECT count(*) FROM panel_applications pa WHERE pa.panel_id = p.id AND pa.finalised_at IS NOT NULL)`

const panelFrom = ` FROM panels p JOIN calls c ON c.id = p.call_id LEFT JOIN users u ON u.id = p.created_by`

func scanPanel(sc interface{ Scan(...any) error }) (*Panel, error) {
	var p Panel
	var seed, cands, created string
	if err := sc.Scan(&p.ID, &p.CallID, &p.CallTitle, &p.Size, &p.Field, &seed, &p.Algorithm, &cands, &p.CreatedBy,
		&p.CreatedByName, &created, &p.AppCount, &p.Finalised); err != nil {
		return nil, err
	}
	p.Seed, _ = strconv.ParseUint(seed, 10, 64)
	json.Unmarshal([]byte(cands), &p.Candidates)
	p.CreatedAt = parseTime(created)
	return &p, nil
}

// PanelFilter selects panels.
type PanelFilter struct {
	CallID int64
	Page   Page
}

// FindPanels returns one page of panels, newest first, and the total.
func (db *DB) FindPanels(ctx context.Context, f PanelFilter) ([]*Panel, int, error) {
	where, args := "", []any{}
	if f.CallID != 0 {
		where, args = " WHERE p.call_id = ?", append(args, f.CallID)
	}
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM panels p`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	pg := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+panelColumns+panelFrom+where+` ORDER BY p.id DESC LIMIT ? OFFSET ?`, append(args, pg.Limit, pg.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var ps []*Panel
	for rows.Next() {
		p, err := scanPanel(rows)
		if err != nil {
			return nil, 0, err
		}
		ps = append(ps, p)
	}
	return ps, total, rows.Err()
}

// Panel returns a panel with its members, applications and exclusions.
func (db *DB) Panel(ctx context.Context, id int64) (*Panel, error) {
	return loadPanel(ctx, db.query, db.queryRow, id)
}

// Panel reads a panel inside a write transaction.
func (tx *Tx) Panel(ctx context.Context, id int64) (*Panel, error) {
	return loadPanel(ctx, tx.query, tx.queryRow, id)
}

func loadPanel(ctx context.Context, query queryFunc, queryRow queryRowFunc, id int64) (*Panel, error) {
	p, err := scanPanel(queryRow(ctx, `SELECT `+panelColumns+panelFrom+` WHERE p.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "评审组不存在")
	}
	if err != nil {
		return nil, err
	}
	if p.Members, err = panelMembers(ctx, query, id); err != nil {
		return nil, err
	}
	if p.Apps, err = panelApps(ctx, query, "pa.panel_id = ?", id); err != nil {
		return nil, err
	}
	p.Exclusions, err = panelExclusions(ctx, query, id)
	return p, err
}

func panelMembers(ctx context.Context, query queryFunc, panelID int64) ([]PanelMember, error) {
	rows, err := query(ctx, `SELECT m.expert_id, u.display_name, COALESCE(p.field, ''), COALESCE(p.affiliation, ''), m.draw_order
 FROM panel_members m JOIN users u ON u.id = m.expert_id LEFT JOIN expert_profiles p ON p.user_id = m.expert_id
 WHERE m.panel_id = ? ORDER BY m.draw_order`, panelID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ms []PanelMember
	for rows.Next() {
		var m PanelMember
		if err := rows.Scan(&m.ExpertID, &m.Name, &m.Field, &m.Affiliation, &m.DrawOrder); err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

const panelAppColumns = `pa.panel_id, pa.application_id, a.number, o.name, a.title, a.state, COALESCE(pa.result_hundredths, 0),
 COALESCE(pa.pass_mark, 0), COALESCE(pa.passed, FALSE), pa.scorers, COALESCE(pa.finalised_by, 0), COALESCE(pa.finalised_at, ''),
 (SELECT count(*) FROM score_sheets s WHERE s.panel_id = pa.panel_id AND s.application_id = pa.application_id),
 (SELECT count(*) FROM conflict_declarations cd WHERE cd.panel_id = pa.panel_id AND cd.application_id = pa.application_id
  AND cd.conflict = TRUE)
 FROM panel_applications pa JOIN applications a ON a.id = pa.application_id JOIN organizations o ON o.id = a.org_id`

func panelApps(ctx context.Context, query queryFunc, cond string, args ...any) ([]PanelApp, error) {
	rows, err := query(ctx, `SELECT `+panelAppColumns+` WHERE `+cond+` ORDER BY pa.application_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var as []PanelApp
	for rows.Next() {
		var a PanelApp
		var finalised string
		if err := rows.Scan(&a.PanelID, &a.ApplicationID, &a.Number, &a.OrgName, &a.Title, &a.State, &a.ResultHundredths,
			&a.PassMark, &a.Passed, &a.Scorers, &a.FinalisedBy, &finalised, &a.Scored, &a.Conflicts); err != nil {
			return nil, err
		}
		a.FinalisedAt = parseTime(finalised)
		as = append(as, a)
	}
	return as, rows.Err()
}

func panelExclusions(ctx context.Context, query queryFunc, panelID int64) ([]PanelExclusion, error) {
	rows, err := query(ctx, `SELECT e.expert_id, u.display_name, e.application_id, a.number, e.reason FROM panel_exclusions e
 JOIN users u ON u.id = e.expert_id JOIN applications a ON a.id = e.application_id WHERE e.panel_id = ?
 ORDER BY e.expert_id, e.application_id`, panelID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var es []PanelExclusion
	for rows.Next() {
		var e PanelExclusion
		if err := rows.Scan(&e.ExpertID, &e.Name, &e.ApplicationID, &e.AppNumber, &e.Reason); err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	return es, rows.Err()
}

// PanelApp returns one application's place in a panel.
func (db *DB) PanelApp(ctx context.Context, panelID, appID int64) (*PanelApp, error) {
	return onePanelApp(ctx, db.query, "pa.panel_id = ? AND pa.application_id = ?", panelID, appID)
}

// PanelAppOf returns the panel place of an application, whichever panel.
func (db *DB) PanelAppOf(ctx context.Context, appID int64) (*PanelApp, error) {
	return onePanelApp(ctx, db.query, "pa.application_id = ?", appID)
}

// PanelApp reads a panel place inside a write transaction.
func (tx *Tx) PanelApp(ctx context.Context, panelID, appID int64) (*PanelApp, error) {
	return onePanelApp(ctx, tx.query, "pa.panel_id = ? AND pa.application_id = ?", panelID, appID)
}

func onePanelApp(ctx context.Context, query queryFunc, cond string, args ...any) (*PanelApp, error) {
	as, err := panelApps(ctx, query, cond, args...)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "该申报不在此评审组")
	}
	return &as[0], nil
}

// PanelMembers returns a panel's members, in draw order.
func (tx *Tx) PanelMembers(ctx context.Context, panelID int64) ([]PanelMember, error) {
	return panelMembers(ctx, tx.query, panelID)
}

// IsPanelMember reports whether the expert was drawn for the panel.
func (db *DB) IsPanelMember(ctx context.Context, panelID, expertID int64) (bool, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM panel_members WHERE panel_id = ? AND expert_id = ?`, panelID, expertID).Scan(&n)
	return n > 0, err
}

// LockPanelApp takes the panel place's row for the rest of the transaction
// (scoring, declaring and finalising queue on it) and fails with ECONFLICT
// once the result is final.
func (tx *Tx) LockPanelApp(ctx context.Context, panelID, appID int64) error {
	res, err := tx.exec(ctx, `UPDATE panel_applications SET scorers = scorers WHERE panel_id = ? AND application_id = ?
 AND finalised_at IS NULL`, panelID, appID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	if _, err := tx.PanelApp(ctx, panelID, appID); err != nil {
		return err
	}
	return dtfund.Errorf(dtfund.ECONFLICT, "评审结果已定稿，不能再更改")
}

// DeclaredConflict is a conflict an expert declared on an application,
// carried over to every application of the same organisation.
type DeclaredConflict struct {
	ExpertID      int64
	ApplicationID int64  // the application it bars the expert from
	DeclaredOn    string // number of the application it was declared on
	Reason        string
}

// DeclaredConflicts returns the conflicts declared earlier that bear on the
// applications: declared on them or on another application of the same
// organisation.
func (tx *Tx) DeclaredConflicts(ctx context.Context, appIDs []int64) ([]DeclaredConflict, error) {
	if len(appIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(appIDs))
	for i, id := range appIDs {
		args[i] = id
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(appIDs)), ", ")
	rows, err := tx.query(ctx, `SELECT cd.expert_id, a2.id, a1.number, cd.reason FROM conflict_declarations cd
 JOIN applications a1 ON a1.id = cd.application_id JOIN applications a2 ON a2.org_id = a1.org_id
 WHERE cd.conflict = TRUE AND a2.id IN (`+ph+`) ORDER BY cd.expert_id, a2.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DeclaredConflict
	for rows.Next() {
		var d DeclaredConflict
		if err := rows.Scan(&d.ExpertID, &d.ApplicationID, &d.DeclaredOn, &d.Reason); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Declaration is an expert's conflict-of-interest statement on an
// application of a panel.
type Declaration struct {
	PanelID       int64
	ApplicationID int64
	ExpertID      int64
	ExpertName    string
	Conflict      bool
	Reason        string
	At            time.Time
}

// Declaration returns the expert's statement, or nil if none yet.
func (db *DB) Declaration(ctx context.Context, panelID, appID, expertID int64) (*Declaration, error) {
	ds, err := declarations(ctx, db.query, panelID, appID, expertID)
	if err != nil || len(ds) == 0 {
		return nil, err
	}
	return &ds[0], nil
}

// Declarations returns every statement on a panel's application.
func (db *DB) Declarations(ctx context.Context, panelID, appID int64) ([]Declaration, error) {
	return declarations(ctx, db.query, panelID, appID, 0)
}

// Declarations reads the statements inside a write transaction.
func (tx *Tx) Declarations(ctx context.Context, panelID, appID int64) ([]Declaration, error) {
	return declarations(ctx, tx.query, panelID, appID, 0)
}

func declarations(ctx context.Context, query queryFunc, panelID, appID, expertID int64) ([]Declaration, error) {
	rows, err := query(ctx, `SELECT cd.panel_id, cd.application_id, cd.expert_id, u.display_name, cd.conflict, cd.reason, cd.declared_at
 FROM conflict_declarations cd JOIN users u ON u.id = cd.expert_id
 WHERE cd.panel_id = ? AND cd.application_id = ? AND (? = 0 OR cd.expert_id = ?) ORDER BY cd.expert_id`,
		panelID, appID, expertID, expertID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ds []Declaration
	for rows.Next() {
		var d Declaration
		var at string
		if err := rows.Scan(&d.PanelID, &d.ApplicationID, &d.ExpertID, &d.ExpertName, &d.Conflict, &d.Reason, &at); err != nil {
			return nil, err
		}
		d.At = parseTime(at)
		ds = append(ds, d)
	}
	return ds, rows.Err()
}

// Declare records a statement. Confirming twice changes nothing; a conflict
// may follow a confirmation (the expert's scores are then dropped) but is
// never withdrawn.
func (tx *Tx) Declare(ctx context.Context, d *Declaration) error {
	prev, err := declarations(ctx, tx.query, d.PanelID, d.ApplicationID, d.ExpertID)
	if err != nil {
		return err
	}
	d.At = tx.now
	switch {
	case len(prev) == 0:
		_, err = tx.exec(ctx, `INSERT INTO conflict_declarations (panel_id, application_id, expert_id, conflict, reason, declared_at)
 VALUES (?, ?, ?, ?, ?, ?)`, d.PanelID, d.ApplicationID, d.ExpertID, d.Conflict, d.Reason, fmtTime(tx.now))
		return err
	case prev[0].Conflict:
		return dtfund.Errorf(dtfund.ECONFLICT, "您已声明存在利益冲突并回避该申报，声明不能撤回")
	case !d.Conflict:
		*d = prev[0]
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE conflict_declarations SET conflict = TRUE, reason = ?, declared_at = ?
 WHERE panel_id = ? AND application_id = ? AND expert_id = ?`, d.Reason, fmtTime(tx.now), d.PanelID, d.ApplicationID, d.ExpertID); err != nil {
		return err
	}
	return tx.deleteScoreSheet(ctx, d.PanelID, d.ApplicationID, d.ExpertID)
}

// ScoreSheet is one expert's scores for one application.
type ScoreSheet struct {
	PanelID         int64
	ApplicationID   int64
	ExpertID        int64
	ExpertName      string
	Items           []ScoreItem
	Investments     []Investment
	Comment         string
	TotalHundredths int64 // weighted total, in hundredths of a point
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// ScoreItem is the score of one rubric criterion (0–100) with the
// criterion's name and weight as they were when scored.
type ScoreItem struct {
	Seq       int
	Criterion string
	Weight    int
	Score     int
	Comment   string
}

// Investment is an expert's approved investment (核定投入) for one spending item.
type Investment struct {
	SpendingSeq int
	ApprovedFen int64
}

// SaveScoreSheet writes (or rewrites) an expert's sheet.
func (tx *Tx) SaveScoreSheet(ctx context.Context, s *ScoreSheet) error {
	_, err := tx.exec(ctx, `INSERT INTO score_sheets (panel_id, application_id, expert_id, total_hundredths, comment, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (panel_id, application_id, expert_id) DO UPDATE SET
 total_hundredths = excluded.total_hundredths, comment = excluded.comment, updated_at = excluded.updated_at`,
		s.PanelID, s.ApplicationID, s.ExpertID, s.TotalHundredths, s.Comment, fmtTime(tx.now), fmtTime(tx.now))
	if err != nil {
		return err
	}
	if err := tx.deleteSheetRows(ctx, s.PanelID, s.ApplicationID, s.ExpertID); err != nil {
		return err
	}
	for _, it := range s.Items {
		if _, err := tx.exec(ctx, `INSERT INTO score_items (panel_id, application_id, expert_id, seq, criterion, weight, score, comment)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.PanelID, s.ApplicationID, s.ExpertID, it.Seq, it.Criterion, it.Weight, it.Score, it.Comment); err != nil {
			return err
		}
	}
	for _, inv := range s.Investments {
		if _, err := tx.exec(ctx, `INSERT INTO score_investments (panel_id, application_id, expert_id, spending_seq, approved_fen)
 VALUES (?, ?, ?, ?, ?)`, s.PanelID, s.ApplicationID, s.ExpertID, inv.SpendingSeq, inv.ApprovedFen); err != nil {
			return err
		}
	}
	s.UpdatedAt = tx.now
	return nil
}

func (tx *Tx) deleteSheetRows(ctx context.Context, panelID, appID, expertID int64) error {
	for _, table := range []string{"score_items", "score_investments"} {
		if _, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE panel_id = ? AND application_id = ? AND expert_id = ?`,
			panelID, appID, expertID); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) deleteScoreSheet(ctx context.Context, panelID, appID, expertID int64) error {
	if err := tx.deleteSheetRows(ctx, panelID, appID, expertID); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `DELETE FROM score_sheets WHERE panel_id = ? AND application_id = ? AND expert_id = ?`, panelID, appID, expertID)
	return err
}

// ScoreSheets returns every sheet of a panel's application, by expert ID.
func (db *DB) ScoreSheets(ctx context.Context, panelID, appID int64) ([]*ScoreSheet, error) {
	return scoreSheets(ctx, db.query, panelID, appID, 0)
}

// ScoreSheets reads the sheets inside a write transaction.
func (tx *Tx) ScoreSheets(ctx context.Context, panelID, appID int64) ([]*ScoreSheet, error) {
	return scoreSheets(ctx, tx.query, panelID, appID, 0)
}

// ScoreSheet returns one expert's sheet, or nil if none yet.
func (db *DB) ScoreSheet(ctx context.Context, panelID, appID, expertID int64) (*ScoreSheet, error) {
	ss, err := scoreSheets(ctx, db.query, panelID, appID, expertID)
	if err != nil || len(ss) == 0 {
		return nil, err
	}
	return ss[0], nil
}

func scoreSheets(ctx context.Context, query queryFunc, panelID, appID, expertID int64) ([]*ScoreSheet, error) {
	rows, err := query(ctx, `SELECT s.expert_id, u.display_name, s.total_hundredths, s.comment, s.created_at, s.updated_at
 FROM score_sheets s JOIN users u ON u.id = s.expert_id WHERE s.panel_id = ? AND s.application_id = ? AND (? = 0 OR s.expert_id = ?)
 ORDER BY s.expert_id`, panelID, appID, expertID, expertID)
	if err != nil {
		return nil, err
	}
	var ss []*ScoreSheet
	byExpert := map[int64]*ScoreSheet{}
	for rows.Next() {
		s := &ScoreSheet{PanelID: panelID, ApplicationID: appID}
		var created, updated string
		if err := rows.Scan(&s.ExpertID, &s.ExpertName, &s.TotalHundredths, &s.Comment, &created, &updated); err != nil {
			rows.Close()
			return nil, err
		}
		s.CreatedAt, s.UpdatedAt = parseTime(created), parseTime(updated)
		ss, byExpert[s.ExpertID] = append(ss, s), s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := loadScoreItems(ctx, query, panelID, appID, byExpert); err != nil {
		return nil, err
	}
	return ss, loadInvestments(ctx, query, panelID, appID, byExpert)
}

func loadScoreItems(ctx context.Context, query queryFunc, panelID, appID int64, byExpert map[int64]*ScoreSheet) error {
	rows, err := query(ctx, `SELECT expert_id, seq, criterion, weight, score, comment FROM score_items
 WHERE panel_id = ? AND application_id = ? ORDER BY expert_id, seq`, panelID, appID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var expert int64
		var it ScoreItem
		if err := rows.Scan(&expert, &it.Seq, &it.Criterion, &it.Weight, &it.Score, &it.Comment); err != nil {
			return err
		}
		if s := byExpert[expert]; s != nil {
			s.Items = append(s.Items, it)
		}
	}
	return rows.Err()
}

func loadInvestments(ctx context.Context, query queryFunc, panelID, appID int64, byExpert map[int64]*ScoreSheet) error {
	rows, err := query(ctx, `SELECT expert_id, spending_seq, approved_fen FROM score_investments
 WHERE panel_id = ? AND application_id = ? ORDER BY expert_id, spending_seq`, panelID, appID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var expert int64
		var inv Investment
		if err := rows.Scan(&expert, &inv.SpendingSeq, &inv.ApprovedFen); err != nil {
			return err
		}
		if s := byExpert[expert]; s != nil {
			s.Investments = append(s.Investments, inv)
		}
	}
	return rows.Err()
}

// PanelResult is a panel's final result for one application.
type PanelResult struct {
	PanelID          int64
	ApplicationID    int64
	ResultHundredths int64
	PassMark         int
	Passed           bool
	Scorers          int
	FinalisedBy      int64
}

// FinalisePanelApp records the result; the place must not be final yet.
func (tx *Tx) FinalisePanelApp(ctx context.Context, r PanelResult) error {
	res, err := tx.exec(ctx, `UPDATE panel_applications SET result_hundredths = ?, pass_mark = ?, passed = ?, scorers = ?,
 finalised_by = ?, finalised_at = ? WHERE panel_id = ? AND application_id = ? AND finalised_at IS NULL`,
		r.ResultHundredths, r.PassMark, r.Passed, r.Scorers, nullInt(r.FinalisedBy), fmtTime(tx.now), r.PanelID, r.ApplicationID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ECONFLICT, "评审结果已定稿")
	}
	return nil
}

// SetApprovedFen writes the approved investment (核定投入) of a spending item.
func (tx *Tx) SetApprovedFen(ctx context.Context, appID int64, seq int, fen int64) error {
	res, err := tx.exec(ctx, `UPDATE application_spending SET approved_fen = ? WHERE application_id = ? AND seq = ?`, fen, appID, seq)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ENOTFOUND, "支出明细第%d项不存在", seq)
	}
	return nil
}

// Assignment is one application an expert is asked to review.
type Assignment struct {
	PanelID       int64
	ApplicationID int64
	Number        string
	OrgName       string
	Title         string
	CallTitle     string
	Declared      bool
	Conflict      bool
	Scored        bool
	Finalised     bool
	AssignedAt    time.Time
}

// Status is the assignment's progress in Chinese.
func (a Assignment) Status() string {
	switch {
	case a.Conflict:
		return "已回避（利益冲突）"
	case a.Finalised:
		return "已定稿"
	case a.Scored:
		return "已评分（可修改）"
	case a.Declared:
		return "待评分"
	}
	return "待确认利益冲突"
}

// ExpertAssignments returns one page of the expert's assignments, newest
// panel first, and the total.
func (db *DB) ExpertAssignments(ctx context.Context, expertID int64, page Page) ([]*Assignment, int, error) {
	const from = ` FROM panel_members m JOIN panel_applications pa ON pa.panel_id = m.panel_id
 JOIN panels p ON p.id = m.panel_id JOIN calls c ON c.id = p.call_id JOIN applications a ON a.id = pa.application_id
 JOIN organizations o ON o.id = a.org_id
 LEFT JOIN conflict_declarations cd ON cd.panel_id = pa.panel_id AND cd.application_id = pa.application_id AND cd.expert_id = m.expert_id
 LEFT JOIN score_sheets s ON s.panel_id = pa.panel_id AND s.application_id = pa.application_id AND s.expert_id = m.expert_id
 WHERE m.expert_id = ?`
	var total int
	if err := db.queryRow(ctx, `SELECT count(*)`+from, expertID).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := page.clamp()
	rows, err := db.query(ctx, `SELECT pa.panel_id, pa.application_id, a.number, o.name, a.title, c.title, cd.expert_id IS NOT NULL,
 COALESCE(cd.conflict, FALSE), s.expert_id IS NOT NULL, pa.finalised_at IS NOT NULL, p.created_at`+from+
		` ORDER BY pa.panel_id DESC, pa.application_id LIMIT ? OFFSET ?`, expertID, p.Limit, p.Offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var as []*Assignment
	for rows.Next() {
		var a Assignment
		var at string
		if err := rows.Scan(&a.PanelID, &a.ApplicationID, &a.Number, &a.OrgName, &a.Title, &a.CallTitle, &a.Declared, &a.Conflict,
			&a.Scored, &a.Finalised, &at); err != nil {
			return nil, 0, err
		}
		a.AssignedAt = parseTime(at)
		as = append(as, &a)
	}
	return as, total, rows.Err()
}

// RecommendedAppIDs returns the IDs of a call's applications waiting for
// expert review (recommended), by ID.
func (tx *Tx) RecommendedAppIDs(ctx context.Context, callID int64) ([]int64, error) {
	return int64s(tx.query(ctx, `SELECT id FROM applications WHERE call_id = ? AND state = ? ORDER BY id`, callID, dtfund.StateRecommended))
}

// FormatHundredths shows a score kept in hundredths of a point, e.g. 7950 → "79.50".
func FormatHundredths(h int64) string {
	sign := ""
	if h < 0 {
		sign, h = "-", -h
	}
	return sign + strconv.FormatInt(h/100, 10) + "." + strconv.FormatInt(h%100/10, 10) + strconv.FormatInt(h%10, 10)
}

// Result shows the panel's result.
func (p PanelApp) Result() string { return FormatHundredths(p.ResultHundredths) }

// Total shows the sheet's weighted total.
func (s *ScoreSheet) Total() string { return FormatHundredths(s.TotalHundredths) }
