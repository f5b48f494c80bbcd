package apiclient

import "time"

// ---- retrofit projects (改造项目, 第十五条、第十六条、第十九条) ----

// ProjectQuery filters the project list (as the /projects page does).
type ProjectQuery struct {
	Paging
	State              string `query:"state" json:"-" enum:",in_progress,acceptance_requested,rectifying,accepted,terminated"`
	Overdue            bool   `query:"overdue" json:"-" doc:"只列期限已过仍未验收的（可终止）"`
	AwaitingEvaluation bool   `query:"awaiting_evaluation" json:"-" doc:"市工信局、市财政局：只列本部门尚未绩效评价的已验收项目"`
	District           string `query:"district" json:"-" doc:"县区代码；县区角色只能查看本辖区"`
}

// Project is the retrofit project of one award.
type Project struct {
	ID              int64      `json:"id"`
	AwardID         int64      `json:"award_id"`
	ApplicationID   int64      `json:"application_id"`
	AppNumber       string     `json:"app_number"`
	Title           string     `json:"title"`
	OrgID           int64      `json:"org_id"`
	OrgName         string     `json:"org_name"`
	DistrictCode    string     `json:"district_code"`
	DistrictName    string     `json:"district_name"`
	CallID          int64      `json:"call_id"`
	CallTitle       string     `json:"call_title"`
	Category        Category   `json:"category"`
	AwardFen        int64      `json:"award_fen"`
	AwardStatus     string     `json:"award_status" enum:"active,suspended,revoked" doc:"奖补状态：正常、暂缓执行（第十八条）、已撤销（第二十条）"`
	FundSource      string     `json:"fund_source"`
	State           string     `json:"state" enum:"in_progress,acceptance_requested,rectifying,accepted,terminated"`
	StateLabel      string     `json:"state_label"`
	ListEndDate     string     `json:"list_end_date" format:"date" doc:"完成期限的起算日（公示结束日，无公示时为批复日）"`
	Deadline        string     `json:"deadline" format:"date" doc:"改造完成期限（第十五条）"`
	DeadlineBasis   string     `json:"deadline_basis" doc:"期限的计算依据"`
	RectifyDeadline string     `json:"rectify_deadline" doc:"验收不通过后的整改期限 YYYY-MM-DD；没有为空"`
	DueDate         string     `json:"due_date" doc:"当前状态须完成验收的日期；已结束为空"`
	Overdue         bool       `json:"overdue" doc:"按服务器日期已逾期未验收"`
	Failures        int        `json:"failures" doc:"验收不通过的次数"`
	SelfEvaluation  string     `json:"self_evaluation" doc:"绩效自评说明（第六条（五））"`
	SelfEvaluatedAt *time.Time `json:"self_evaluated_at"`
	RequestedAt     *time.Time `json:"requested_at" doc:"最近一次申请验收"`
	ClosedAt        *time.Time `json:"closed_at" doc:"验收通过或终止"`
	CloseReason     string     `json:"close_reason"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// ProjectDetail is everything the project page shows.
type ProjectDetail struct {
	Project
	Today             string             `json:"today" format:"date"`
	Milestones        []Milestone        `json:"milestones"`
	Progress          []ProgressReport   `json:"progress"`
	Goals             []ProjectGoal      `json:"goals"`
	Acceptances       []Acceptance       `json:"acceptances" doc:"验收记录，按轮次"`
	Evaluations       []Evaluation       `json:"evaluations" doc:"两部门的绩效评价（第十六条）"`
	EvaluationSummary *EvaluationSummary `json:"evaluation_summary" doc:"两部门均评价后的综合结果；否则为 null"`
	Events            []ProjectEvent     `json:"events" doc:"时间线，最早的在前"`
	Assessments       []Assessment       `json:"assessments" doc:"该申报的数字化水平评测，最早的在前"`
	ActionsForYou     ProjectActions     `json:"actions" doc:"调用者此刻可办理的事项"`
}

// ProjectActions says what the caller may do with the project now.
type ProjectActions struct {
	EditPlan          bool   `json:"edit_plan" doc:"修改绩效目标、绩效自评（申报主体）"`
	Report            bool   `json:"report" doc:"报送进度、里程碑（申报主体）"`
	RequestAcceptance bool   `json:"request_acceptance" doc:"申请验收（申报主体）"`
	Accept            bool   `json:"accept" doc:"组织验收（市工信局）"`
	Terminate         bool   `json:"terminate" doc:"终止逾期项目（市工信局）"`
	Evaluate          bool   `json:"evaluate" doc:"绩效评价（市工信局、市财政局各一次）"`
	Why               string `json:"why" doc:"申报主体此刻不能申请验收的原因"`
}

// Milestone is a planned step of a project.
type Milestone struct {
	ID          int64     `json:"id"`
	PlannedDate string    `json:"planned_date" format:"date"`
	Description string    `json:"description"`
	DoneDate    string    `json:"done_date" doc:"实际完成日期 YYYY-MM-DD；未完成为空"`
	CreatedAt   time.Time `json:"created_at"`
}

// ProgressReport is a progress report (实施进度).
type ProgressReport struct {
	ID         int64     `json:"id"`
	ReportedOn string    `json:"reported_on" format:"date"`
	Percent    int       `json:"percent" doc:"完成进度，百分比"`
	Body       string    `json:"body"`
	FileName   string    `json:"file_name" doc:"附件名；没有附件为空"`
	CreatedAt  time.Time `json:"created_at"`
}

// ProjectGoal is a performance goal with the self-evaluated value.
type ProjectGoal struct {
	Seq       int    `json:"seq"`
	Indicator string `json:"indicator"`
	Baseline  string `json:"baseline"`
	Target    string `json:"target"`
	Actual    string `json:"actual" doc:"绩效自评的实际值；未填为空"`
}

// Acceptance is the record of one acceptance meeting (验收).
type Acceptance struct {
	ID              int64     `json:"id"`
	Round           int       `json:"round"`
	HeldOn          string    `json:"held_on" format:"date"`
	Experts         []string  `json:"experts" doc:"验收专家组"`
	Opinion         string    `json:"opinion"`
	Passed          bool      `json:"passed"`
	AssessmentID    *int64    `json:"assessment_id" doc:"所依据的改造后评测；没有为 null"`
	Level           *int      `json:"level" doc:"该评测的数字化水平等级；没有评测为 null"`
	ScoreHundredths int64     `json:"score_hundredths" doc:"该评测的得分 × 100"`
	MinLevel        int       `json:"min_level" doc:"批次要求的最低等级"`
	Findings        []Finding `json:"findings" doc:"验收规则的判定（逐条依据）"`
	RectifyDeadline string    `json:"rectify_deadline" doc:"不通过时给予的整改期限；否则为空"`
	CreatedAt       time.Time `json:"created_at"`
}

// Evaluation is one bureau's performance evaluation (第十六条).
type Evaluation struct {
	ID        int64     `json:"id"`
	Role      Role      `json:"role"`
	RoleLabel string    `json:"role_label"`
	Signer    string    `json:"signer"`
	Score     int       `json:"score" doc:"0–100"`
	Grade     string    `json:"grade" enum:"优,良,中,差"`
	Opinion   string    `json:"opinion"`
	SignedAt  time.Time `json:"signed_at"`
}

// EvaluationSummary is the joint result of both bureaus' evaluations.
type EvaluationSummary struct {
	ScoreHundredths int64  `json:"score_hundredths" doc:"两部门评分的平均 × 100（四舍五入）"`
	Grade           string `json:"grade" enum:"优,良,中,差"`
}

// ProjectEvent is one line of a project's timeline.
type ProjectEvent struct {
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	Label     string    `json:"label"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	FromLabel string    `json:"from_label"`
	ToLabel   string    `json:"to_label"`
	Note      string    `json:"note"`
	Citation  string    `json:"citation"`
}

// MilestoneInput adds a planned milestone.
type MilestoneInput struct {
	ProjectID      int64  `path:"id" json:"-"`
	PlannedDate    string `json:"planned_date" format:"date"`
	Description    string `json:"description"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// MilestoneDoneInput records the day a milestone was reached.
type MilestoneDoneInput struct {
	ProjectID   int64  `path:"id" json:"-"`
	MilestoneID int64  `path:"milestone_id" json:"-"`
	DoneDate    string `json:"done_date" format:"date" doc:"实际完成日期，不晚于今天"`
}

// ProgressUpload is a progress report with an optional PDF or image.
type ProgressUpload struct {
	ProjectID      int64   `path:"id" json:"-"`
	ReportedOn     string  `form:"reported_on" json:"-" format:"date"`
	Percent        int     `form:"percent" json:"-" doc:"完成进度，0–100"`
	Body           string  `form:"body" json:"-" doc:"进度情况"`
	File           *Upload `form:"file,omitempty" json:"-" doc:"进度报告（PDF、PNG 或 JPEG，至多 5 MiB）"`
	IdempotencyKey string  `form:"idempotency_key,omitempty" json:"-"`
}

// ProgressFileRef names a progress report's attachment.
type ProgressFileRef struct {
	ProjectID int64 `path:"id" json:"-"`
	ReportID  int64 `path:"report_id" json:"-"`
}

// GoalsInput replaces a project's performance goals.
type GoalsInput struct {
	ProjectID int64  `path:"id" json:"-"`
	Goals     []Goal `json:"goals" doc:"错误以 goals.<序号>.<字段> 指明行（序号从 0 起）"`
}

// SelfEvaluationInput is the applicant's self-evaluation (绩效自评).
type SelfEvaluationInput struct {
	ProjectID int64        `path:"id" json:"-"`
	Actuals   []GoalActual `json:"actuals" doc:"各项目标的实际值；错误以 actuals.seq_<目标序号> 指明"`
	Narrative string       `json:"narrative" doc:"自评说明"`
}

// GoalActual is the value reached for one goal.
type GoalActual struct {
	Seq    int    `json:"seq" doc:"目标序号（ProjectGoal.seq）"`
	Actual string `json:"actual"`
}

// AcceptanceRequestInput asks for acceptance.
type AcceptanceRequestInput struct {
	ProjectID      int64  `path:"id" json:"-"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// AcceptanceInput records an acceptance meeting (市工信局).
type AcceptanceInput struct {
	ProjectID      int64    `path:"id" json:"-"`
	HeldOn         string   `json:"held_on" format:"date" doc:"验收日期，不晚于今天、不早于申请验收日"`
	Experts        []string `json:"experts" doc:"验收专家组（3–15 人）"`
	Opinion        string   `json:"opinion"`
	Pass           bool     `json:"pass" doc:"通过须改造后最近一次评测达到批次要求的等级"`
	DueDate        string   `json:"due_date,omitempty" format:"date" doc:"整改后再次不通过时（将终止项目、撤销奖补）的追回期限"`
	IdempotencyKey string   `json:"idempotency_key,omitempty"`
}

// AcceptanceResult is what recording an acceptance did.
type AcceptanceResult struct {
	Acceptance *Acceptance   `json:"acceptance" doc:"重复请求时为 null"`
	Project    ProjectDetail `json:"project"`
	Revocation *Revocation   `json:"revocation" doc:"再次不通过终止项目时的奖补撤销；否则为 null"`
	Replayed   bool          `json:"replayed" doc:"该幂等键已使用：未重复记录"`
}

// TerminationInput terminates an overdue project (市工信局).
type TerminationInput struct {
	ProjectID      int64  `path:"id" json:"-"`
	Reason         string `json:"reason"`
	DueDate        string `json:"due_date" format:"date" doc:"已拨付部分的追回期限"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// TerminationResult is the terminated project and the revocation.
type TerminationResult struct {
	Project    ProjectDetail `json:"project"`
	Revocation *Revocation   `json:"revocation" doc:"撤销的奖补；奖补此前已撤销或重复请求时为 null"`
}

// EvaluationInput is one bureau's performance evaluation.
type EvaluationInput struct {
	ProjectID int64  `path:"id" json:"-"`
	Score     int    `json:"score" doc:"0–100"`
	Opinion   string `json:"opinion"`
}

// PilotReport is the pilot's goal per pilot industry (第四条, FACTS §2).
type PilotReport struct {
	AsOf           string          `json:"as_of" format:"date"`
	GoalLevel      int             `json:"goal_level"`
	GoalLevelLabel string          `json:"goal_level_label"`
	GoalBP         int64           `json:"goal_bp" doc:"目标占比，万分比"`
	Source         string          `json:"source"`
	Industries     []PilotIndustry `json:"industries"`
}

// PilotIndustry is one pilot industry's progress.
type PilotIndustry struct {
	Industry    string            `json:"industry"`
	Codes       []string          `json:"codes" doc:"行业代码"`
	Reached     int               `json:"reached"`
	Total       int               `json:"total"`
	ShareBP     int64             `json:"share_bp" doc:"达到目标等级的占比，万分比（向下取整）"`
	Finding     Finding           `json:"finding"`
	Enterprises []PilotEnterprise `json:"enterprises" doc:"计入的获奖补企业"`
}

// PilotEnterprise is an awarded enterprise behind the pilot's figures.
type PilotEnterprise struct {
	OrgID           int64  `json:"org_id"`
	OrgName         string `json:"org_name"`
	IndustryCode    string `json:"industry_code"`
	DistrictName    string `json:"district_name"`
	AppNumber       string `json:"app_number"`
	Awards          int    `json:"awards"`
	Assessed        bool   `json:"assessed" doc:"有改造后评测"`
	Level           int    `json:"level"`
	ScoreHundredths int64  `json:"score_hundredths"`
	AssessedOn      string `json:"assessed_on"`
	Assessor        string `json:"assessor"`
	ReportNo        string `json:"report_no"`
}
