package store

import (
	"context"
	"database/sql"
	"errors"
)

// Assessment is one digital-level assessment (数字化水平评测) of an awarded
// application's enterprise, before or after the retrofit.
type Assessment struct {
	ID            int64
	ApplicationID int64
	OrgID         int64
	Phase         string // "before" | "after"
	AssessedOn    string // YYYY-MM-DD
	Assessor      string // the third-party assessor or the inspector's name
	ReportNo      string // the assessment report's number, when entered from a report
	Source        string // "computed" from answers | "report" entered from a report
	ParamVersion  string // the indicator set's version used to compute it
	Answers       string // JSON of the answers (computed) or {} (report)
	ScoreCenti    int64  // score × 100 (42.5 points = 4250)
	Level         int    // 0 = below 一级, 1…4 = 一级…四级
	Findings      string // JSON of the policy findings that explain the level
	CreatedBy     int64
	CreatedAt     string
}

// Assessment phases.
const (
	PhaseBefore = "before" // 改造前
	PhaseAfter  = "after"  // 改造后
)

const assessmentColumns = `id, application_id, org_id, phase, assessed_on, assessor, report_no, source, param_version, answers,
 score_centi, level, findings, COALESCE(created_by, 0), created_at`

func scanAssessment(sc interface{ Scan(...any) error }) (*Assessment, error) {
	var a Assessment
	err := sc.Scan(&a.ID, &a.ApplicationID, &a.OrgID, &a.Phase, &a.AssessedOn, &a.Assessor, &a.ReportNo, &a.Source,
		&a.ParamVersion, &a.Answers, &a.ScoreCenti, &a.Level, &a.Findings, &a.CreatedBy, &a.CreatedAt)
	return &a, err
}

// CreateAssessment stores an assessment; the caller has validated and
// computed it.
func (tx *Tx) CreateAssessment(ctx context.Context, a *Assessment) error {
	if a.Answers == "" {
		a.Answers = "{}"
	}
	if a.Findings == "" {
		a.Findings = "[]"
	}
	a.CreatedAt = fmtTime(tx.now)
	id, err := tx.insertID(ctx, `INSERT INTO assessments (application_id, org_id, phase, assessed_on, assessor, report_no, source,
 param_version, answers, score_centi, level, findings, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ApplicationID, a.OrgID, a.Phase, a.AssessedOn, a.Assessor, a.ReportNo, a.Source, a.ParamVersion, a.Answers,
		a.ScoreCenti, a.Level, a.Findings, nullInt(a.CreatedBy), a.CreatedAt)
	a.ID = id
	return err
}

// LatestAssessment returns the application's latest assessment of the
// phase (by assessment date, then entry order), or nil when there is none.
func (tx *Tx) LatestAssessment(ctx context.Context, appID int64, phase string) (*Assessment, error) {
	return latestAssessment(tx.queryRow(ctx, latestAssessmentSQL, appID, phase))
}

// LatestAssessment is the read-pool twin of Tx.LatestAssessment.
func (db *DB) LatestAssessment(ctx context.Context, appID int64, phase string) (*Assessment, error) {
	return latestAssessment(db.queryRow(ctx, latestAssessmentSQL, appID, phase))
}

const latestAssessmentSQL = `SELECT ` + assessmentColumns + ` FROM assessments
 WHERE application_id = ? AND phase = ? ORDER BY assessed_on DESC, id DESC LIMIT 1`

func latestAssessment(row *sql.Row) (*Assessment, error) {
	a, err := scanAssessment(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return a, err
}

// Assessments returns all assessments of an application, oldest first.
func (db *DB) Assessments(ctx context.Context, appID int64) ([]*Assessment, error) {
	rows, err := db.query(ctx, `SELECT `+assessmentColumns+` FROM assessments WHERE application_id = ? ORDER BY assessed_on, id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Assessment
	for rows.Next() {
		a, err := scanAssessment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
