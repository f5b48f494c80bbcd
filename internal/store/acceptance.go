package store

import (
	"context"
	"encoding/json"
	"time"

	"dtfund"
)

// Acceptance (验收) rounds, the performance evaluation (绩效评价), the
// project records 第十条（三） reads, and the pilot's figures.

// Acceptance is one acceptance meeting of a project.
type Acceptance struct {
	ID              int64
	ProjectID       int64
	Round           int
	HeldOn          string   // YYYY-MM-DD
	Experts         []string // the expert group's names
	Opinion         string
	Passed          bool
	AssessmentID    int64 // the 'after' assessment relied on; 0 when there was none
	Level           *int  // its level, nil when there was none
	ScoreCenti      int64
	MinLevel        int    // the level the call required
	Findings        string // JSON: the rule's findings with the figures
	RectifyDeadline string // when it failed and rectification was granted
	CreatedBy       int64
	CreatedAt       time.Time
}

// AddAcceptance records an acceptance round; a second record of the same
// round is refused by the UNIQUE constraint (ECONFLICT).
func (tx *Tx) AddAcceptance(ctx context.Context, a *Acceptance) error {
	experts, err := json.Marshal(a.Experts)
	if err != nil {
		return err
	}
	if a.Findings == "" {
		a.Findings = "[]"
	}
	var level any
	if a.Level != nil {
		level = *a.Level
	}
	var score any
	if a.Level != nil {
		score = a.ScoreCenti
	}
	id, err := tx.insertID(ctx, `INSERT INTO acceptances (project_id, round, held_on, experts, opinion, passed, assessment_id, level, score_centi,
 min_level, findings, rectify_deadline, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ProjectID, a.Round, a.HeldOn, string(experts), a.Opinion, a.Passed, nullInt(a.AssessmentID), level, score, a.MinLevel,
		a.Findings, a.RectifyDeadline, nullInt(a.CreatedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	a.ID, a.CreatedAt = id, tx.now
	return nil
}

// Acceptances returns a project's acceptance rounds in order.
func (db *DB) Acceptances(ctx context.Context, projectID int64) ([]*Acceptance, error) {
	rows, err := db.query(ctx, `SELECT id, project_id, round, held_on, experts, opinion, passed, COALESCE(assessment_id, 0), level,
 COALESCE(score_centi, 0), min_level, findings, rectify_deadline, COALESCE(created_by, 0), created_at
 FROM acceptances WHERE project_id = ? ORDER BY round`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Acceptance
	for rows.Next() {
		var a Acceptance
		var experts, at string
		var level *int64
		if err := rows.Scan(&a.ID, &a.ProjectID, &a.Round, &a.HeldOn, &experts, &a.Opinion, &a.Passed, &a.AssessmentID, &level,
			&a.ScoreCenti, &a.MinLevel, &a.Findings, &a.RectifyDeadline, &a.CreatedBy, &at); err != nil {
			return nil, err
		}
		if level != nil {
			l := int(*level)
			a.Level = &l
		}
		if err := json.Unmarshal([]byte(experts), &a.Experts); err != nil {
			return nil, err
		}
		a.CreatedAt = parseTime(at)
		out = append(out, &a)
	}
	return out, rows.Err()
}

// Evaluation is one city bureau's performance evaluation (绩效评价,
// 第十六条) of an accepted project.
type Evaluation struct {
	ID        int64
	ProjectID int64
	Role      dtfund.Role // city_miit | city_finance
	UserID    int64
	Signer    string
	Score     int // 0–100
	Opinion   string
	SignedAt  time.Time
}

// AddEvaluation records a bureau's evaluation; a second one of the same
// bureau is refused by the UNIQUE constraint (ECONFLICT).
func (tx *Tx) AddEvaluation(ctx context.Context, e *Evaluation) error {
	id, err := tx.insertID(ctx, `INSERT INTO project_evaluations (project_id, role, user_id, signer, score, opinion, signed_at)
 VALUES (?, ?, ?, ?, ?, ?, ?)`, e.ProjectID, e.Role, nullInt(e.UserID), e.Signer, e.Score, e.Opinion, fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	e.ID, e.SignedAt = id, tx.now
	return nil
}

// Evaluations returns a project's evaluations in signing order.
func (db *DB) Evaluations(ctx context.Context, projectID int64) ([]*Evaluation, error) {
	rows, err := db.query(ctx, `SELECT id, project_id, role, COALESCE(user_id, 0), signer, score, opinion, signed_at
 FROM project_evaluations WHERE project_id = ? ORDER BY id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Evaluation
	for rows.Next() {
		var e Evaluation
		var at string
		if err := rows.Scan(&e.ID, &e.ProjectID, &e.Role, &e.UserID, &e.Signer, &e.Score, &e.Opinion, &at); err != nil {
			return nil, err
		}
		e.SignedAt = parseTime(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// ProjectRecord is a project as 第十条（三） reads it.
type ProjectRecord struct {
	AppNumber       string
	Title           string
	State           string
	Deadline        string
	RectifyDeadline string
}

// OrgProjectRecords returns an organisation's projects for the rules,
// oldest first (an organisation has a handful).
func (tx *Tx) OrgProjectRecords(ctx context.Context, orgID int64) ([]ProjectRecord, error) {
	rows, err := tx.query(ctx, `SELECT a.number, a.title, p.state, p.deadline, p.rectify_deadline FROM projects p
 JOIN applications a ON a.id = p.application_id WHERE p.org_id = ? ORDER BY p.id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ProjectRecord
	for rows.Next() {
		var r ProjectRecord
		if err := rows.Scan(&r.AppNumber, &r.Title, &r.State, &r.Deadline, &r.RectifyDeadline); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PilotRow is one awarded enterprise of a pilot industry with its latest
// assessment after the retrofit (over all its awarded applications).
type PilotRow struct {
	OrgID        int64
	OrgName      string
	IndustryCode string
	DistrictName string
	AppNumber    string // the application of the latest assessment, else the latest award's
	Awards       int
	Assessed     bool
	Level        int
	ScoreCenti   int64
	AssessedOn   string
	Assessor     string
	ReportNo     string
}

// PilotRows returns every enterprise with an award that is not revoked
// whose industry code is one of codes, with its latest 'after' assessment,
// by name. It reads all such enterprises at once: the pilot's figures are
// about all of them.
func (db *DB) PilotRows(ctx context.Context, codes []string) ([]*PilotRow, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	args := make([]any, len(codes))
	marks := ""
	for i, c := range codes {
		args[i] = c
		if i > 0 {
			marks += ","
		}
		marks += "?"
	}
	rows, err := db.query(ctx, `SELECT x.id, x.name, x.industry_code, x.district, x.awards, COALESCE(sa.number, x.app_number),
 s.id IS NOT NULL, COALESCE(s.level, 0), COALESCE(s.score_centi, 0), COALESCE(s.assessed_on, ''), COALESCE(s.assessor, ''),
 COALESCE(s.report_no, '')
 FROM (SELECT o.id, o.name, o.industry_code, COALESCE(d.name, '') AS district, count(*) AS awards,
   (SELECT a.number FROM awards w2 JOIN applications a ON a.id = w2.application_id WHERE w2.org_id = o.id AND w2.status <> 'revoked'
     ORDER BY w2.id DESC LIMIT 1) AS app_number,
   (SELECT s2.id FROM assessments s2 JOIN awards w3 ON w3.application_id = s2.application_id
     WHERE w3.org_id = o.id AND w3.status <> 'revoked' AND s2.phase = 'after' ORDER BY s2.assessed_on DESC, s2.id DESC LIMIT 1) AS sid
   FROM awards w JOIN organizations o ON o.id = w.org_id LEFT JOIN districts d ON d.code = o.district_code
   WHERE w.status <> 'revoked' AND o.kind = 'enterprise' AND o.industry_code IN (`+marks+`)
   GROUP BY o.id, o.name, o.industry_code, d.name) x
 LEFT JOIN assessments s ON s.id = x.sid LEFT JOIN applications sa ON sa.id = s.application_id
 ORDER BY x.name, x.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*PilotRow
	for rows.Next() {
		var r PilotRow
		if err := rows.Scan(&r.OrgID, &r.OrgName, &r.IndustryCode, &r.DistrictName, &r.Awards, &r.AppNumber, &r.Assessed, &r.Level,
			&r.ScoreCenti, &r.AssessedOn, &r.Assessor, &r.ReportNo); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}
