package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"dtfund"
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
	Result        string // JSON of the whole policy.AssessmentResult (breakdown and level table)
	CreatedBy     int64
	CreatedAt     string
}

// Assessment phases.
const (
	PhaseBefore = "before" // 改造前
	PhaseAfter  = "after"  // 改造后
)

const assessmentColumns = `id, application_id, org_id, phase, assessed_on, assessor, report_no, source, param_version, answers,
 score_centi, level, findings, result, COALESCE(created_by, 0), created_at`

func scanAssessment(sc interface{ Scan(...any) error }) (*Assessment, error) {
	var a Assessment
	err := sc.Scan(&a.ID, &a.ApplicationID, &a.OrgID, &a.Phase, &a.AssessedOn, &a.Assessor, &a.ReportNo, &a.Source,
		&a.ParamVersion, &a.Answers, &a.ScoreCenti, &a.Level, &a.Findings, &a.Result, &a.CreatedBy, &a.CreatedAt)
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
	if a.Result == "" {
		a.Result = "{}"
	}
	a.CreatedAt = fmtTime(tx.now)
	id, err := tx.insertID(ctx, `INSERT INTO assessments (application_id, org_id, phase, assessed_on, assessor, report_no, source,
 param_version, answers, score_centi, level, findings, result, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ApplicationID, a.OrgID, a.Phase, a.AssessedOn, a.Assessor, a.ReportNo, a.Source, a.ParamVersion, a.Answers,
		a.ScoreCenti, a.Level, a.Findings, a.Result, nullInt(a.CreatedBy), a.CreatedAt)
	a.ID = id
	return normalize(err)
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

// Assessment returns one assessment, or ENOTFOUND.
func (db *DB) Assessment(ctx context.Context, id int64) (*Assessment, error) {
	a, err := scanAssessment(db.queryRow(ctx, `SELECT `+assessmentColumns+` FROM assessments WHERE id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "评测记录不存在")
	}
	return a, err
}

// Assessment (Tx) is Assessment inside a transaction (a retried request reads
// the assessment its first attempt wrote).
func (tx *Tx) Assessment(ctx context.Context, id int64) (*Assessment, error) {
	a, err := scanAssessment(tx.queryRow(ctx, `SELECT `+assessmentColumns+` FROM assessments WHERE id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "评测记录不存在")
	}
	return a, err
}

// AssessedAward is an award with the latest assessment of each phase.
type AssessedAward struct {
	*Award
	Before, After *Assessment // nil when there is none
}

// AssessedAwardFilter selects awards for the assessment list; OrgID and
// DistrictCode are the actor's scope.
type AssessedAwardFilter struct {
	OrgID        int64
	DistrictCode string
	Category     string
	Page         Page
}

// FindAssessedAwards returns one page of awards, newest first, each with
// its latest assessment before and after the retrofit, and the total count.
func (db *DB) FindAssessedAwards(ctx context.Context, f AssessedAwardFilter) ([]*AssessedAward, int, error) {
	var conds []string
	var args []any
	if f.OrgID != 0 {
		conds, args = append(conds, "w.org_id = ?"), append(args, f.OrgID)
	}
	if f.DistrictCode != "" {
		conds, args = append(conds, "a.district_code = ?"), append(args, f.DistrictCode)
	}
	if f.Category != "" {
		conds, args = append(conds, "w.category = ?"), append(args, f.Category)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.queryRow(ctx, `SELECT count(*)`+awardFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+awardColumns+awardFrom+where+` ORDER BY w.id DESC LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	var out []*AssessedAward
	for rows.Next() {
		w, err := scanAward(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		out = append(out, &AssessedAward{Award: w})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	// Two indexed look-ups per row of one page (assessments_app).
	for _, aa := range out {
		if aa.Before, err = db.LatestAssessment(ctx, aa.ApplicationID, PhaseBefore); err != nil {
			return nil, 0, err
		}
		if aa.After, err = db.LatestAssessment(ctx, aa.ApplicationID, PhaseAfter); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// IndicatorCorrection is an administrator's correction of one figure of the
// assessment's indicator set (assessment_corrections).
type IndicatorCorrection struct {
	ID            int64
	BaseVersion   string
	Revision      int
	FigureKey     string
	OldValue      string
	NewValue      string
	EffectiveFrom string // YYYY-MM-DD
	Citation      string
	Confirmed     bool
	CreatedBy     int64
	CreatedByName string // filled by queries
	CreatedAt     time.Time
}

const correctionColumns = `c.id, c.base_version, c.revision, c.figure_key, c.old_value, c.new_value, c.effective_from, c.citation,
 c.confirmed, COALESCE(c.created_by, 0), COALESCE(u.display_name, ''), c.created_at`

const correctionFrom = ` FROM assessment_corrections c LEFT JOIN users u ON u.id = c.created_by`

func scanCorrection(sc interface{ Scan(...any) error }) (*IndicatorCorrection, error) {
	var c IndicatorCorrection
	var at string
	if err := sc.Scan(&c.ID, &c.BaseVersion, &c.Revision, &c.FigureKey, &c.OldValue, &c.NewValue, &c.EffectiveFrom, &c.Citation,
		&c.Confirmed, &c.CreatedBy, &c.CreatedByName, &at); err != nil {
		return nil, err
	}
	c.CreatedAt = parseTime(at)
	return &c, nil
}

func scanCorrections(rows *sql.Rows, err error) ([]*IndicatorCorrection, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*IndicatorCorrection
	for rows.Next() {
		c, err := scanCorrection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

const correctionsOfBaseSQL = `SELECT ` + correctionColumns + correctionFrom + ` WHERE c.base_version = ? ORDER BY c.revision`

// IndicatorCorrections returns every correction of a base version in
// revision order: the set in force is the base with all of them applied.
func (db *DB) IndicatorCorrections(ctx context.Context, base string) ([]*IndicatorCorrection, error) {
	return scanCorrections(db.query(ctx, correctionsOfBaseSQL, base))
}

// IndicatorCorrections is the transaction's view, for a new correction or
// an assessment computed in the same transaction.
func (tx *Tx) IndicatorCorrections(ctx context.Context, base string) ([]*IndicatorCorrection, error) {
	return scanCorrections(tx.query(ctx, correctionsOfBaseSQL, base))
}

// CreateIndicatorCorrection appends a correction; the UNIQUE (base_version,
// revision) refuses a second correction with the same number (ECONFLICT).
func (tx *Tx) CreateIndicatorCorrection(ctx context.Context, c *IndicatorCorrection) error {
	id, err := tx.insertID(ctx, `INSERT INTO assessment_corrections (base_version, revision, figure_key, old_value, new_value,
 effective_from, citation, confirmed, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.BaseVersion, c.Revision, c.FigureKey, c.OldValue, c.NewValue, c.EffectiveFrom, c.Citation, c.Confirmed,
		nullInt(c.CreatedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	c.ID, c.CreatedAt = id, tx.now
	return nil
}

// FindIndicatorCorrections returns one page of all corrections, newest
// first, and their count.
func (db *DB) FindIndicatorCorrections(ctx context.Context, page Page) ([]*IndicatorCorrection, int, error) {
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM assessment_corrections`).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := page.clamp()
	out, err := scanCorrections(db.query(ctx, `SELECT `+correctionColumns+correctionFrom+` ORDER BY c.id DESC LIMIT ? OFFSET ?`,
		p.Limit, p.Offset))
	return out, total, err
}

// AwardIDOfApp returns the id of the application's award, or 0 when it has
// none, inside the transaction.
func (tx *Tx) AwardIDOfApp(ctx context.Context, appID int64) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM awards WHERE application_id = ?`, appID).Scan(&id)
	if err != nil && normalizedNotFound(err) {
		return 0, nil
	}
	return id, err
}
