package apiclient

import "time"

// ---- process supervision (过程监督, 第十八条) ----

// CaseQuery filters supervision cases.
type CaseQuery struct {
	Paging
	State   string `query:"state" json:"-" enum:",open,rectifying,suspended,rectified,stopped"`
	Overdue bool   `query:"overdue" json:"-" doc:"只列有逾期未办结整改通知的"`
}

// SupervisionCase is a deviation found in a project and what followed.
type SupervisionCase struct {
	ID            int64     `json:"id"`
	AwardID       int64     `json:"award_id"`
	ApplicationID int64     `json:"application_id"`
	AppNumber     string    `json:"app_number"`
	ProjectTitle  string    `json:"project_title"`
	OrgID         int64     `json:"org_id"`
	OrgName       string    `json:"org_name"`
	DistrictCode  string    `json:"district_code"`
	DistrictName  string    `json:"district_name"`
	AwardFen      int64     `json:"award_fen"`
	AwardStatus   string    `json:"award_status" enum:"active,suspended,revoked"`
	State         string    `json:"state" enum:"open,rectifying,suspended,rectified,stopped"`
	StateLabel    string    `json:"state_label"`
	Goal          string    `json:"goal" doc:"偏离的绩效目标"`
	Facts         string    `json:"facts" doc:"偏离事实"`
	FoundOn       string    `json:"found_on" format:"date"`
	OpenOrders    int       `json:"open_orders"`
	OverdueOrders int       `json:"overdue_orders" doc:"按服务器日期逾期未办结的整改通知"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// CaseDetail is a case with its orders, timeline and money.
type CaseDetail struct {
	SupervisionCase
	Orders    []RectificationOrder `json:"orders"`
	Events    []CaseEvent          `json:"events" doc:"时间线，最早的在前"`
	UnpaidFen int64                `json:"unpaid_fen" doc:"奖补尚未拨付的部分"`
	FrozenFen int64                `json:"frozen_fen" doc:"暂缓执行冻结的资金"`
	Today     string               `json:"today" format:"date"`
}

// RectificationOrder is a rectification order (整改通知).
type RectificationOrder struct {
	ID          int64     `json:"id"`
	Requirement string    `json:"requirement"`
	IssuedOn    string    `json:"issued_on" format:"date"`
	Deadline    string    `json:"deadline" format:"date"`
	State       string    `json:"state" enum:"open,accepted,rejected"`
	StateLabel  string    `json:"state_label"`
	Result      string    `json:"result" doc:"整改情况"`
	ResultOn    string    `json:"result_on" doc:"登记整改结果的日期；未登记为空"`
	CreatedAt   time.Time `json:"created_at"`
}

// CaseEvent is one step of a case.
type CaseEvent struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind" enum:"deviation,order,result,suspend,lift,stop"`
	Label     string    `json:"label"`
	OrderID   *int64    `json:"order_id"`
	Note      string    `json:"note"`
	Article   string    `json:"article"`
	OnDate    string    `json:"on_date" format:"date"`
	AmountFen int64     `json:"amount_fen" doc:"冻结或解冻的金额"`
	FileName  string    `json:"file_name" doc:"证明材料；没有为空（以 DownloadCaseEvidence 下载）"`
	Actor     string    `json:"actor"`
	CreatedAt time.Time `json:"created_at"`
}

// DeviationUpload records a deviation found in an award's project.
type DeviationUpload struct {
	AwardID int64   `form:"award_id" json:"-"`
	Goal    string  `form:"goal" json:"-" doc:"偏离的绩效目标（指标及目标值）"`
	Facts   string  `form:"facts" json:"-"`
	FoundOn string  `form:"found_on" json:"-" format:"date"`
	File    *Upload `form:"file,omitempty" json:"-" doc:"现场核查记录等（PDF、PNG 或 JPEG，至多 5 MiB）"`
}

// OrderInput issues a rectification order.
type OrderInput struct {
	CaseID      int64  `path:"id" json:"-"`
	Requirement string `json:"requirement"`
	Deadline    string `json:"deadline" format:"date"`
}

// RectificationUpload records whether an order was complied with.
type RectificationUpload struct {
	CaseID   int64   `path:"id" json:"-"`
	OrderID  int64   `path:"order_id" json:"-"`
	Accepted bool    `form:"accepted" json:"-" doc:"整改到位（true）或不到位（false）"`
	Note     string  `form:"note" json:"-"`
	ResultOn string  `form:"result_on" json:"-" format:"date"`
	File     *Upload `form:"file,omitempty" json:"-"`
}

// CaseStepInput suspends, lifts or stops a project (第十八条).
type CaseStepInput struct {
	CaseID  int64  `path:"id" json:"-"`
	Reason  string `json:"reason"`
	On      string `json:"on" format:"date" doc:"决定日期"`
	DueDate string `json:"due_date,omitempty" format:"date" doc:"停止执行时已拨付部分的追回期限"`
}

// CaseStepResult is the case after a step and the money it moved.
type CaseStepResult struct {
	Case       CaseDetail  `json:"case"`
	AmountFen  int64       `json:"amount_fen" doc:"冻结或解冻的金额"`
	Replayed   bool        `json:"replayed" doc:"已处于所请求的状态：未重复办理"`
	Revocation *Revocation `json:"revocation" doc:"停止执行撤销的奖补；否则为 null"`
}

// CaseEvidenceRef names the evidence of a case's step.
type CaseEvidenceRef struct {
	CaseID  int64 `path:"id" json:"-"`
	EventID int64 `path:"event_id" json:"-"`
}

// ---- inspections (监督检查, 第十七条) ----

// InspectionPlan is an inspection plan.
type InspectionPlan struct {
	ID         int64     `json:"id"`
	Title      string    `json:"title"`
	Basis      string    `json:"basis" doc:"检查依据与范围"`
	Kind       string    `json:"kind" enum:"random,targeted"`
	Seed       string    `json:"seed" doc:"随机抽查的种子（十进制）；定向检查为空"`
	Algorithm  string    `json:"algorithm"`
	Population int       `json:"population" doc:"随机抽查的总体（奖补数）"`
	SampleSize int       `json:"sample_size"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	Items      int       `json:"items"`
	Done       int       `json:"done"`
	Violations int       `json:"violations"`
	Reproduced *bool     `json:"reproduced" doc:"按记录的种子重新抽取与记录一致（详情中给出；列表中为 null）"`
}

// InspectionInput plans an inspection: a random sample with a recorded
// seed, or chosen awards and organisations.
type InspectionInput struct {
	Title          string   `json:"title"`
	Basis          string   `json:"basis"`
	Kind           string   `json:"kind" enum:"random,targeted"`
	SampleSize     int      `json:"sample_size,omitempty" doc:"随机抽查的数量"`
	Seed           string   `json:"seed,omitempty" doc:"随机种子（十进制）；留空由系统生成"`
	AwardIDs       []int64  `json:"award_ids,omitempty" doc:"定向检查的奖补"`
	USCCs          []string `json:"usccs,omitempty" doc:"定向检查的单位"`
	IdempotencyKey string   `json:"idempotency_key,omitempty"`
}

// InspectionItemQuery pages a plan's items.
type InspectionItemQuery struct {
	ID int64 `path:"id" json:"-"`
	Paging
}

// InspectionTaskQuery pages the caller's inspection tasks.
type InspectionTaskQuery struct {
	Paging
	All bool `query:"all" json:"-" doc:"含已出具结论的"`
}

// InspectionItem is one object of a plan.
type InspectionItem struct {
	ID           int64      `json:"id"`
	PlanID       int64      `json:"plan_id"`
	PlanTitle    string     `json:"plan_title"`
	Seq          int        `json:"seq"`
	AwardID      *int64     `json:"award_id" doc:"检查单位整体时为 null"`
	AppNumber    string     `json:"app_number"`
	ProjectTitle string     `json:"project_title"`
	AwardFen     int64      `json:"award_fen"`
	OrgID        int64      `json:"org_id"`
	OrgName      string     `json:"org_name"`
	USCC         string     `json:"uscc"`
	DistrictName string     `json:"district_name"`
	State        string     `json:"state" enum:"unassigned,assigned,done"`
	StateLabel   string     `json:"state_label"`
	AssigneeID   *int64     `json:"assignee_id"`
	AssigneeName string     `json:"assignee_name"`
	AssignedAt   *time.Time `json:"assigned_at"`
	Finding      string     `json:"finding" doc:"核查结论"`
	Violation    bool       `json:"violation" doc:"认定违规"`
	FoundOn      string     `json:"found_on"`
	FileName     string     `json:"file_name" doc:"证明材料；没有为空"`
	RecordedAt   *time.Time `json:"recorded_at"`
	SanctionID   *int64     `json:"sanction_id" doc:"据此作出的违规处理决定"`
}

// Assignee is a user an inspection item may be assigned to.
type Assignee struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        Role   `json:"role"`
	RoleLabel   string `json:"role_label"`
}

// AssignInput assigns an item to a city official or a third-party inspector.
type AssignInput struct {
	ItemID     int64 `path:"id" json:"-"`
	AssigneeID int64 `json:"assignee_id"`
}

// FindingUpload records an item's finding (核查结论).
type FindingUpload struct {
	ItemID    int64   `path:"id" json:"-"`
	Finding   string  `form:"finding" json:"-"`
	Violation bool    `form:"violation" json:"-" doc:"发现违规（true）"`
	FoundOn   string  `form:"found_on" json:"-" format:"date"`
	File      *Upload `form:"file,omitempty" json:"-"`
}

// ---- violation decisions (违规处理, 第二十条) ----

// SanctionQuery filters decisions.
type SanctionQuery struct {
	Paging
	Active bool  `query:"active" json:"-" doc:"只列今天仍在禁止申报期内的"`
	OrgID  int64 `query:"org_id" json:"-"`
}

// Sanction is a violation decision.
type Sanction struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	OrgName      string    `json:"org_name"`
	USCC         string    `json:"uscc"`
	DistrictName string    `json:"district_name"`
	Facts        string    `json:"facts"`
	Article      string    `json:"article"`
	DecidedOn    string    `json:"decided_on" format:"date"`
	DocNumber    string    `json:"doc_number" doc:"处理决定书文号"`
	BanStart     string    `json:"ban_start" format:"date" doc:"不准申报期的首日"`
	BanEnd       string    `json:"ban_end" format:"date" doc:"不准申报期的末日"`
	Active       bool      `json:"active" doc:"今天在不准申报期内"`
	ParamVersion string    `json:"param_version"`
	ItemID       *int64    `json:"item_id" doc:"所依据的核查事项"`
	FileName     string    `json:"file_name"`
	DecidedBy    string    `json:"decided_by"`
	CreatedAt    time.Time `json:"created_at"`
}

// SanctionDetail is a decision with what it did.
type SanctionDetail struct {
	Sanction
	Effects   []SanctionEffect `json:"effects"`
	Referrals []Referral       `json:"referrals"`
}

// SanctionEffect is one thing a decision did.
type SanctionEffect struct {
	Kind          string   `json:"kind" enum:"cancel,revoke" doc:"cancel 取消申报资格；revoke 撤销奖补"`
	ApplicationID int64    `json:"application_id"`
	AppNumber     string   `json:"app_number"`
	AwardID       *int64   `json:"award_id"`
	FromState     AppState `json:"from_state"`
	ReturnedFen   int64    `json:"returned_fen"`
	ReceivableFen int64    `json:"receivable_fen"`
}

// Referral is a referral to another authority (移交有关部门).
type Referral struct {
	ID         int64     `json:"id"`
	Authority  string    `json:"authority"`
	ReferredOn string    `json:"referred_on" format:"date"`
	Note       string    `json:"note"`
	CreatedAt  time.Time `json:"created_at"`
}

// SanctionUpload decides on a violation (市工信局).
type SanctionUpload struct {
	OrgID              int64   `form:"org_id" json:"-"`
	ItemID             int64   `form:"item_id,omitempty" json:"-" doc:"所依据的核查事项"`
	Facts              string  `form:"facts" json:"-"`
	Article            string  `form:"article" json:"-"`
	DecidedOn          string  `form:"decided_on" json:"-" format:"date"`
	DocNumber          string  `form:"doc_number" json:"-"`
	DueDate            string  `form:"due_date" json:"-" format:"date" doc:"撤销奖补时已拨付部分的追回期限"`
	File               *Upload `form:"file,omitempty" json:"-" doc:"处理决定书"`
	ReferralAuthority  string  `form:"referral_authority,omitempty" json:"-" doc:"同时移交的机关（可不填）"`
	ReferralReferredOn string  `form:"referral_referred_on,omitempty" json:"-" format:"date"`
	ReferralNote       string  `form:"referral_note,omitempty" json:"-"`
}

// SanctionResult is a decision and what it did.
type SanctionResult struct {
	Sanction  SanctionDetail `json:"sanction"`
	Cancelled []string       `json:"cancelled" doc:"取消申报资格的申报编号"`
	Revoked   []Revocation   `json:"revoked"`
	Replayed  bool           `json:"replayed" doc:"该文号的决定已录入：未重复处理"`
}

// ReferralInput refers a decision to another authority.
type ReferralInput struct {
	SanctionID int64  `path:"id" json:"-"`
	Authority  string `json:"authority"`
	ReferredOn string `json:"referred_on" format:"date"`
	Note       string `json:"note,omitempty"`
}
