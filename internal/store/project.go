package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"dtfund"
)

// Retrofit projects (改造项目): one per award, from the government's approval
// to acceptance (验收) or termination (第十五条、第十六条、第十九条).

// Project states.
const (
	ProjectInProgress = "in_progress"          // 实施中
	ProjectRequested  = "acceptance_requested" // 已申请验收
	ProjectRectifying = "rectifying"           // 验收不通过·整改中
	ProjectAccepted   = "accepted"             // 已验收
	ProjectTerminated = "terminated"           // 已终止
)

// ProjectStates lists the states in the order of the process.
var ProjectStates = []string{ProjectInProgress, ProjectRequested, ProjectRectifying, ProjectAccepted, ProjectTerminated}

var projectStateLabels = map[string]string{
	ProjectInProgress: "实施中", ProjectRequested: "已申请验收", ProjectRectifying: "验收不通过·整改中",
	ProjectAccepted: "已验收", ProjectTerminated: "已终止",
}

// ProjectStateLabel names a project state in Chinese.
func ProjectStateLabel(s string) string {
	if l, ok := projectStateLabels[s]; ok {
		return l
	}
	return s
}

// Project is the retrofit project of one award.
type Project struct {
	ID              int64
	AwardID         int64
	ApplicationID   int64
	OrgID           int64
	DistrictCode    string // the application's 属地; empty outside Changchun
	State           string
	ListEndDate     string // YYYY-MM-DD the deadline counts from
	Deadline        string // 完成期限 YYYY-MM-DD
	DeadlineBasis   string // the finding that computed the deadline
	RectifyDeadline string // 整改期限 after a failed acceptance
	Failures        int    // failed acceptances so far
	SelfEval        string // 绩效自评 narrative
	SelfEvalAt      time.Time
	RequestedAt     time.Time
	ClosedAt        time.Time // accepted or terminated
	CloseReason     string
	CreatedAt       time.Time
	UpdatedAt       time.Time

	// Filled by queries.
	AppNumber    string
	Title        string
	OrgName      string
	DistrictName string
	CallID       int64
	CallTitle    string
	Category     string
	AwardFen     int64
	AwardStatus  string // active | suspended | revoked
	FundSource   string
}

// StateLabel is the state's Chinese name.
func (p *Project) StateLabel() string { return ProjectStateLabel(p.State) }

// DueDate is the date the project must be accepted by in its state: the
// rectification deadline while rectifying, else the completion deadline;
// empty once it is closed.
func (p *Project) DueDate() string {
	switch p.State {
	case ProjectRectifying:
		return p.RectifyDeadline
	case ProjectInProgress, ProjectRequested:
		return p.Deadline
	}
	return ""
}

// Overdue reports whether the project waits for the applicant past its
// date on day today (YYYY-MM-DD): in progress after the completion
// deadline, or rectifying after the rectification deadline. A project
// awaiting the city's acceptance is not overdue: the applicant asked.
func (p *Project) Overdue(today string) bool {
	switch p.State {
	case ProjectInProgress:
		return p.Deadline < today
	case ProjectRectifying:
		return p.RectifyDeadline < today
	}
	return false
}

// overdueSQL is Overdue as a condition on the projects table (alias p).
const overdueSQL = `((p.state = 'in_progress' AND p.deadline < ?) OR (p.state = 'rectifying' AND p.rectify_deadline < ?))`

const projectColumns = `p.id, p.award_id, p.application_id, p.org_id, p.district_code, p.state, p.list_end_date, p.deadline,
 p.deadline_basis, p.rectify_deadline, p.failures, p.self_eval, COALESCE(p.self_eval_at, ''), COALESCE(p.requested_at, ''),
 COALESCE(p.closed_at, ''), p.close_reason, p.created_at, p.updated_at,
 a.number, a.title, o.name, COALESCE(d.name, ''), a.call_id, c.title, w.category, w.amount_fen, w.status, w.fund_source`

const projectFrom = ` FROM projects p JOIN awards w ON w.id = p.award_id JOIN applications a ON a.id = p.application_id
 JOIN organizations o ON o.id = p.org_id JOIN calls c ON c.id = a.call_id LEFT JOIN districts d ON d.code = p.district_code`

func scanProject(sc interface{ Scan(...any) error }) (*Project, error) {
	var p Project
	var selfEval, requested, closed, created, updated string
	if err := sc.Scan(&p.ID, &p.AwardID, &p.ApplicationID, &p.OrgID, &p.DistrictCode, &p.State, &p.ListEndDate, &p.Deadline,
		&p.DeadlineBasis, &p.RectifyDeadline, &p.Failures, &p.SelfEval, &selfEval, &requested, &closed, &p.CloseReason, &created, &updated,
		&p.AppNumber, &p.Title, &p.OrgName, &p.DistrictName, &p.CallID, &p.CallTitle, &p.Category, &p.AwardFen, &p.AwardStatus,
		&p.FundSource); err != nil {
		return nil, err
	}
	p.SelfEvalAt, p.RequestedAt, p.ClosedAt = parseTime(selfEval), parseTime(requested), parseTime(closed)
	p.CreatedAt, p.UpdatedAt = parseTime(created), parseTime(updated)
	return &p, nil
}

func projectOrNotFound(p *Project, err error) (*Project, error) {
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "改造项目不存在")
	}
	return p, err
}

// CreateProject inserts an award's project; a second project for the award
// is refused by the UNIQUE constraint (ECONFLICT).
func (tx *Tx) CreateProject(ctx context.Context, p *Project) error {
	now := fmtTime(tx.now)
	id, err := tx.insertID(ctx, `INSERT INTO projects (award_id, application_id, org_id, district_code, state, list_end_date, deadline,
 deadline_basis, created_at, updated_at) VALUES (?, ?, ?, ?, 'in_progress', ?, ?, ?, ?, ?)`, p.AwardID, p.ApplicationID, p.OrgID,
		p.DistrictCode, p.ListEndDate, p.Deadline, p.DeadlineBasis, now, now)
	if err != nil {
		return normalize(err)
	}
	p.ID, p.State, p.CreatedAt, p.UpdatedAt = id, ProjectInProgress, tx.now, tx.now
	return nil
}

// Project reads a project inside the write transaction.
func (tx *Tx) Project(ctx context.Context, id int64) (*Project, error) {
	return projectOrNotFound(scanProject(tx.queryRow(ctx, `SELECT `+projectColumns+projectFrom+` WHERE p.id = ?`, id)))
}

// Project returns one project (the caller checks the scope).
func (db *DB) Project(ctx context.Context, id int64) (*Project, error) {
	return projectOrNotFound(scanProject(db.queryRow(ctx, `SELECT `+projectColumns+projectFrom+` WHERE p.id = ?`, id)))
}

// ProjectOfApp returns the project of an application, or ENOTFOUND.
func (db *DB) ProjectOfApp(ctx context.Context, appID int64) (*Project, error) {
	return projectOrNotFound(scanProject(db.queryRow(ctx, `SELECT `+projectColumns+projectFrom+` WHERE p.application_id = ?`, appID)))
}

// ProjectOfAward returns the project of an award, or ENOTFOUND.
func (db *DB) ProjectOfAward(ctx context.Context, awardID int64) (*Project, error) {
	return projectOrNotFound(scanProject(db.queryRow(ctx, `SELECT `+projectColumns+projectFrom+` WHERE p.award_id = ?`, awardID)))
}

// ProjectOfAward reads an award's project inside the write transaction.
func (tx *Tx) ProjectOfAward(ctx context.Context, awardID int64) (*Project, error) {
	return projectOrNotFound(scanProject(tx.queryRow(ctx, `SELECT `+projectColumns+projectFrom+` WHERE p.award_id = ?`, awardID)))
}

// LockProject takes the project's row lock for the rest of the transaction,
// so that two officials acting at once on it run one after the other.
func (tx *Tx) LockProject(ctx context.Context, id int64) error {
	res, err := tx.exec(ctx, `UPDATE projects SET updated_at = updated_at WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ENOTFOUND, "改造项目不存在")
	}
	return nil
}

// UpdateProject writes the project's changing fields if it is still in
// state from (compare-and-set): ECONFLICT when someone moved it meanwhile.
func (tx *Tx) UpdateProject(ctx context.Context, p *Project, from string) error {
	res, err := tx.exec(ctx, `UPDATE projects SET state = ?, rectify_deadline = ?, failures = ?, self_eval = ?, self_eval_at = ?,
 requested_at = ?, closed_at = ?, close_reason = ?, updated_at = ? WHERE id = ? AND state = ?`,
		p.State, p.RectifyDeadline, p.Failures, p.SelfEval, nullTime(p.SelfEvalAt), nullTime(p.RequestedAt), nullTime(p.ClosedAt),
		p.CloseReason, fmtTime(tx.now), p.ID, from)
	if err != nil {
		return normalize(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return dtfund.Errorf(dtfund.ECONFLICT, "改造项目的状态已被他人改变，请刷新后重试")
	}
	p.UpdatedAt = tx.now
	return nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return fmtTime(t)
}

// ProjectFilter selects projects. OrgID and DistrictCode carry the actor's
// scope (the app sets them); a city official may filter by DistrictCode.
// OverdueOn (YYYY-MM-DD) keeps the projects overdue on that day.
type ProjectFilter struct {
	OrgID        int64
	DistrictCode string
	States       []string
	OverdueOn    string
	// NoEvaluationBy keeps accepted projects the role has not scored.
	NoEvaluationBy dtfund.Role
	Sort           string // a key of ProjectSorts, "-" in front for descending; "" = newest first
	Page           Page
}

// ProjectSorts are the columns a project list may be sorted by.
var ProjectSorts = map[string]string{"number": "p.id", "deadline": "p.deadline", "state": "p.state", "updated": "p.updated_at"}

func projectWhere(f ProjectFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, v ...any) { conds, args = append(conds, c), append(args, v...) }
	if f.OrgID != 0 {
		add("p.org_id = ?", f.OrgID)
	}
	if f.DistrictCode != "" {
		add("p.district_code = ?", f.DistrictCode)
	}
	if len(f.States) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?,", len(f.States)), ",")
		vals := make([]any, len(f.States))
		for i, s := range f.States {
			vals[i] = s
		}
		add("p.state IN ("+marks+")", vals...)
	}
	if f.OverdueOn != "" {
		add(overdueSQL, f.OverdueOn, f.OverdueOn)
	}
	if f.NoEvaluationBy != "" {
		add("p.state = 'accepted' AND NOT EXISTS (SELECT 1 FROM project_evaluations e WHERE e.project_id = p.id AND e.role = ?)", f.NoEvaluationBy)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindProjects returns one page of projects, newest first, and the total
// count.
func (db *DB) FindProjects(ctx context.Context, f ProjectFilter) ([]*Project, int, error) {
	where, args := projectWhere(f)
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM projects p`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Page.Limit == 1 && f.Page.Offset == 0 && total == 0 {
		return nil, 0, nil // a count only
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+projectColumns+projectFrom+where+orderBy(f.Sort, ProjectSorts, "p.id", "p.id DESC")+` LIMIT ? OFFSET ?`,
		append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*Project
	for rows.Next() {
		pr, err := scanProject(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, pr)
	}
	return out, total, rows.Err()
}

// AwardsWithoutProject lists the awards that have no project yet (awards
// made before projects existed), oldest first, at most limit of them.
func (tx *Tx) AwardsWithoutProject(ctx context.Context, limit int) ([]int64, error) {
	return int64s(tx.query(ctx, `SELECT w.id FROM awards w WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE p.award_id = w.id)
 ORDER BY w.id LIMIT ?`, limit))
}

// ProjectBasis is what creating an award's project needs to know.
type ProjectBasis struct {
	AwardID       int64
	ApplicationID int64
	OrgID         int64
	DistrictCode  string
	CallID        int64
	ApprovalDate  string // the approval document's date
	ListEndDate   string // the end of the application's publicity, "" if never published
	AwardStatus   string
}

// ProjectBasis reads an award's facts for its project inside the write
// transaction: the publicity end is that of the application's last item
// still in its batch.
func (tx *Tx) ProjectBasis(ctx context.Context, awardID int64) (*ProjectBasis, error) {
	var b ProjectBasis
	err := tx.queryRow(ctx, `SELECT w.id, w.application_id, w.org_id, COALESCE(a.district_code, ''), a.call_id, p.doc_date,
 COALESCE((SELECT i.end_date FROM publicity_items i WHERE i.application_id = w.application_id AND i.removed_at IS NULL
   ORDER BY i.id DESC LIMIT 1), ''), w.status
 FROM awards w JOIN applications a ON a.id = w.application_id JOIN approvals p ON p.id = w.approval_id WHERE w.id = ?`, awardID).
		Scan(&b.AwardID, &b.ApplicationID, &b.OrgID, &b.DistrictCode, &b.CallID, &b.ApprovalDate, &b.ListEndDate, &b.AwardStatus)
	if err != nil {
		if normalizedNotFound(err) {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "奖补记录不存在")
		}
		return nil, err
	}
	return &b, nil
}

// ---- timeline ----

// ProjectEvent is one line of a project's timeline.
type ProjectEvent struct {
	ID        int64
	ProjectID int64
	At        time.Time
	ActorID   int64
	Actor     string
	Action    string
	From, To  string
	Note      string
	Citation  string
}

// AddProjectEvent appends a line to the project's timeline.
func (tx *Tx) AddProjectEvent(ctx context.Context, e *ProjectEvent) error {
	id, err := tx.insertID(ctx, `INSERT INTO project_events (project_id, at, actor_id, actor, action, from_state, to_state, note, citation)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ProjectID, fmtTime(tx.now), nullInt(e.ActorID), e.Actor, e.Action, e.From, e.To, e.Note, e.Citation)
	e.ID, e.At = id, tx.now
	return err
}

// ProjectEvents returns a project's timeline, oldest first.
func (db *DB) ProjectEvents(ctx context.Context, projectID int64) ([]*ProjectEvent, error) {
	rows, err := db.query(ctx, `SELECT id, project_id, at, COALESCE(actor_id, 0), actor, action, from_state, to_state, note, citation
 FROM project_events WHERE project_id = ? ORDER BY id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ProjectEvent
	for rows.Next() {
		var e ProjectEvent
		var at string
		if err := rows.Scan(&e.ID, &e.ProjectID, &at, &e.ActorID, &e.Actor, &e.Action, &e.From, &e.To, &e.Note, &e.Citation); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// ---- milestones and progress (第六条（五）: 组织项目实施) ----

// Milestone is a planned step of the project.
type Milestone struct {
	ID          int64
	ProjectID   int64
	PlannedDate string
	Description string
	DoneDate    string // "" while not done
	CreatedAt   time.Time
}

// AddMilestone adds a planned milestone.
func (tx *Tx) AddMilestone(ctx context.Context, m *Milestone) error {
	id, err := tx.insertID(ctx, `INSERT INTO project_milestones (project_id, planned_date, description, created_at) VALUES (?, ?, ?, ?)`,
		m.ProjectID, m.PlannedDate, m.Description, fmtTime(tx.now))
	m.ID, m.CreatedAt = id, tx.now
	return normalize(err)
}

// MarkMilestoneDone records the day a milestone of the project was
// reached; ENOTFOUND when the milestone is not the project's, ECONFLICT
// when it was already done.
func (tx *Tx) MarkMilestoneDone(ctx context.Context, projectID, milestoneID int64, done string) error {
	res, err := tx.exec(ctx, `UPDATE project_milestones SET done_date = ? WHERE id = ? AND project_id = ? AND done_date = ''`,
		done, milestoneID, projectID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var d string
	if err := tx.queryRow(ctx, `SELECT done_date FROM project_milestones WHERE id = ? AND project_id = ?`, milestoneID, projectID).Scan(&d); err != nil {
		if normalizedNotFound(err) {
			return dtfund.Errorf(dtfund.ENOTFOUND, "里程碑不存在")
		}
		return err
	}
	return dtfund.Errorf(dtfund.ECONFLICT, "该里程碑已于 %s 完成", d)
}

// Milestones returns a project's milestones by planned date.
func (db *DB) Milestones(ctx context.Context, projectID int64) ([]*Milestone, error) {
	rows, err := db.query(ctx, `SELECT id, project_id, planned_date, description, done_date, created_at FROM project_milestones
 WHERE project_id = ? ORDER BY planned_date, id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Milestone
	for rows.Next() {
		var m Milestone
		var at string
		if err := rows.Scan(&m.ID, &m.ProjectID, &m.PlannedDate, &m.Description, &m.DoneDate, &at); err != nil {
			return nil, err
		}
		m.CreatedAt = parseTime(at)
		out = append(out, &m)
	}
	return out, rows.Err()
}

// ProgressReport is one progress report of the applicant.
type ProgressReport struct {
	ID               int64
	ProjectID        int64
	ReportedOn       string
	Percent          int
	Body             string
	AttachmentSHA256 string
	AttachmentName   string
	CreatedBy        int64
	CreatedAt        time.Time
}

// AddProgress records a progress report.
func (tx *Tx) AddProgress(ctx context.Context, r *ProgressReport) error {
	id, err := tx.insertID(ctx, `INSERT INTO project_progress (project_id, reported_on, percent, body, attachment_sha256, attachment_name,
 created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.ProjectID, r.ReportedOn, r.Percent, r.Body, nullString(r.AttachmentSHA256),
		r.AttachmentName, nullInt(r.CreatedBy), fmtTime(tx.now))
	r.ID, r.CreatedAt = id, tx.now
	return normalize(err)
}

const progressColumns = `id, project_id, reported_on, percent, body, COALESCE(attachment_sha256, ''), attachment_name,
 COALESCE(created_by, 0), created_at`

func scanProgress(sc interface{ Scan(...any) error }) (*ProgressReport, error) {
	var r ProgressReport
	var at string
	if err := sc.Scan(&r.ID, &r.ProjectID, &r.ReportedOn, &r.Percent, &r.Body, &r.AttachmentSHA256, &r.AttachmentName, &r.CreatedBy, &at); err != nil {
		return nil, err
	}
	r.CreatedAt = parseTime(at)
	return &r, nil
}

// ProgressReports returns a project's reports, newest first.
func (db *DB) ProgressReports(ctx context.Context, projectID int64) ([]*ProgressReport, error) {
	rows, err := db.query(ctx, `SELECT `+progressColumns+` FROM project_progress WHERE project_id = ? ORDER BY reported_on DESC, id DESC`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ProgressReport
	for rows.Next() {
		r, err := scanProgress(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ProgressReport returns one report of the project, or ENOTFOUND.
func (db *DB) ProgressReport(ctx context.Context, projectID, id int64) (*ProgressReport, error) {
	r, err := scanProgress(db.queryRow(ctx, `SELECT `+progressColumns+` FROM project_progress WHERE id = ? AND project_id = ?`, id, projectID))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "进度报告不存在")
	}
	return r, err
}

// ---- performance goals (绩效目标) and the self-evaluation (绩效自评) ----

// ProjectGoal is one performance goal with the self-evaluation's value.
type ProjectGoal struct {
	Seq       int
	Indicator string
	Baseline  string
	Target    string
	Actual    string // "" until self-evaluated
}

// ReplaceProjectGoals replaces a project's goals, keeping the actual
// values already entered for goals whose indicator is unchanged.
func (tx *Tx) ReplaceProjectGoals(ctx context.Context, projectID int64, goals []ProjectGoal) error {
	if _, err := tx.exec(ctx, `DELETE FROM project_goals WHERE project_id = ?`, projectID); err != nil {
		return err
	}
	for _, g := range goals {
		if _, err := tx.exec(ctx, `INSERT INTO project_goals (project_id, seq, indicator, baseline, target, actual) VALUES (?, ?, ?, ?, ?, ?)`,
			projectID, g.Seq, g.Indicator, g.Baseline, g.Target, g.Actual); err != nil {
			return normalize(err)
		}
	}
	return nil
}

// ProjectGoals reads a project's goals inside the write transaction.
func (tx *Tx) ProjectGoals(ctx context.Context, projectID int64) ([]ProjectGoal, error) {
	return projectGoals(tx.query(ctx, goalSelect, projectID))
}

// ProjectGoals returns a project's goals in order.
func (db *DB) ProjectGoals(ctx context.Context, projectID int64) ([]ProjectGoal, error) {
	return projectGoals(db.query(ctx, goalSelect, projectID))
}

const goalSelect = `SELECT seq, indicator, baseline, target, actual FROM project_goals WHERE project_id = ? ORDER BY seq`

func projectGoals(rows *sql.Rows, err error) ([]ProjectGoal, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ProjectGoal
	for rows.Next() {
		var g ProjectGoal
		if err := rows.Scan(&g.Seq, &g.Indicator, &g.Baseline, &g.Target, &g.Actual); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// AcceptedRetrofit is an accepted 第七条（一） project, for 免申即享 matching.
type AcceptedRetrofit struct {
	OrgID      int64
	AppNumber  string
	Title      string
	AcceptedAt time.Time
}

// AcceptedRetrofits lists the accepted projects of 第七条（一） awards.
func (db *DB) AcceptedRetrofits(ctx context.Context) ([]AcceptedRetrofit, error) {
	rows, err := db.query(ctx, `SELECT p.org_id, a.number, a.title, COALESCE(p.closed_at, '') FROM projects p
 JOIN applications a ON a.id = p.application_id JOIN calls c ON c.id = a.call_id
 WHERE p.state = ? AND c.category = '7.1' ORDER BY p.id`, ProjectAccepted)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AcceptedRetrofit
	for rows.Next() {
		var r AcceptedRetrofit
		var at string
		if err := rows.Scan(&r.OrgID, &r.AppNumber, &r.Title, &at); err != nil {
			return nil, err
		}
		r.AcceptedAt = parseTime(at)
		out = append(out, r)
	}
	return out, rows.Err()
}
