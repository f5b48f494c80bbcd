package apiclient

import (
	"time"

	"dtfund"
)

// ---- enumerations ----

// Role is a user's role.
type Role string

// Enum lists the roles.
func (Role) Enum() []string { return enumOf(dtfund.Roles) }

// AppState is the state of an application in the process of 第十四条.
type AppState string

// Enum lists the states.
func (AppState) Enum() []string { return enumOf(dtfund.AppStates) }

// AppAction is an action of the process of 第十四条.
type AppAction string

// Enum lists the actions.
func (AppAction) Enum() []string { return enumOf(dtfund.AppActions) }

// Category is a call's category: 第七条（一）–（六） or local-fund work.
type Category string

// Enum lists the categories.
func (Category) Enum() []string { return enumOf(dtfund.CallCategories) }

// OrgKind is an organisation's legal form (第十二条).
type OrgKind string

// Enum lists the kinds.
func (OrgKind) Enum() []string { return enumOf(dtfund.OrgKinds) }

func enumOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// ---- accounts ----

// User is the caller's account.
type User struct {
	ID           int64   `json:"id"`
	Username     string  `json:"username"`
	DisplayName  string  `json:"display_name"`
	Email        string  `json:"email"`
	Role         Role    `json:"role"`
	RoleLabel    string  `json:"role_label"`
	DistrictCode string  `json:"district_code" doc:"县区角色的辖区代码；其他角色为空"`
	OrgID        *int64  `json:"org_id" doc:"申报主体所属单位；其他角色为 null"`
	CSRFToken    *string `json:"csrf_token" doc:"以会话 Cookie 访问时，修改类请求须在 X-CSRF-Token 头中携带此值；以访问令牌访问时为 null"`
}

// ---- organisations ----

// Organization is a 单位.
type Organization struct {
	ID           int64      `json:"id"`
	USCC         string     `json:"uscc" doc:"统一社会信用代码"`
	Name         string     `json:"name"`
	Kind         OrgKind    `json:"kind"`
	KindLabel    string     `json:"kind_label"`
	LegalPerson  bool       `json:"legal_person" doc:"具有独立法人资格（第十二条）"`
	RegionCode   string     `json:"region_code" doc:"注册地行政区划代码"`
	DistrictCode string     `json:"district_code" doc:"属地县（市）区、开发区代码；注册地不在长春市时为空"`
	DistrictName string     `json:"district_name"`
	IndustryCode string     `json:"industry_code" doc:"GB/T 4754-2017 行业代码"`
	IsApplicant  bool       `json:"is_applicant"`
	IsProvider   bool       `json:"is_provider" doc:"数字化服务商"`
	Address      string     `json:"address"`
	ContactName  string     `json:"contact_name"`
	ContactPhone string     `json:"contact_phone"`
	SizeFacts    []SizeFact `json:"size_facts" doc:"各年度规模数据（第五条）"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// SizeFact is one year's size figures (第五条).
type SizeFact struct {
	Year       int   `json:"year"`
	Employees  int64 `json:"employees" doc:"从业人员"`
	RevenueFen int64 `json:"revenue_fen" doc:"营业收入，分"`
	AssetsFen  int64 `json:"assets_fen" doc:"资产总额，分"`
}

// OrganizationInput is the applicant's own organisation profile.
type OrganizationInput struct {
	USCC         string     `json:"uscc"`
	Name         string     `json:"name"`
	Kind         OrgKind    `json:"kind"`
	LegalPerson  bool       `json:"legal_person"`
	RegionCode   string     `json:"region_code"`
	DistrictCode string     `json:"district_code,omitempty"`
	IndustryCode string     `json:"industry_code,omitempty"`
	IsApplicant  bool       `json:"is_applicant,omitempty"`
	IsProvider   bool       `json:"is_provider,omitempty"`
	Address      string     `json:"address,omitempty"`
	ContactName  string     `json:"contact_name,omitempty"`
	ContactPhone string     `json:"contact_phone,omitempty"`
	SizeFacts    []SizeFact `json:"size_facts,omitempty"`
}

// OrganizationQuery filters the organisation list.
type OrganizationQuery struct {
	Paging
	Q string `query:"q" json:"-" doc:"名称或统一社会信用代码前缀"`
}

// CreditRecord is a credit listing or incident (第十一条, 第十三条).
type CreditRecord struct {
	ID        int64  `json:"id"`
	OrgID     int64  `json:"org_id"`
	Kind      string `json:"kind"`
	KindLabel string `json:"kind_label"`
	StartDate string `json:"start_date" format:"date"`
	EndDate   string `json:"end_date" doc:"结束日期 YYYY-MM-DD；仍在名单中为空"`
	Note      string `json:"note"`
	Source    string `json:"source"`
}

// CreditRecordInput records credit information about an organisation.
type CreditRecordInput struct {
	OrgID       int64  `path:"id" json:"-"`
	Kind        string `json:"kind"`
	StartDate   string `json:"start_date" format:"date"`
	EndDate     string `json:"end_date,omitempty" format:"date"`
	StillListed bool   `json:"still_listed,omitempty" doc:"仍在名单中（未移出）"`
	Note        string `json:"note,omitempty"`
	Source      string `json:"source"`
}

// ---- calls ----

// Call is a 申报批次.
type Call struct {
	ID            int64          `json:"id"`
	Category      Category       `json:"category"`
	CategoryLabel string         `json:"category_label"`
	Title         string         `json:"title"`
	Notice        string         `json:"notice"`
	OpensAt       time.Time      `json:"opens_at"`
	ClosesAt      time.Time      `json:"closes_at"`
	Status        string         `json:"status" enum:"not_started,open,closed" doc:"按服务器时间：未开始、申报中、已截止"`
	WindowFrom    string         `json:"window_from" doc:"项目实施期起 YYYY-MM-DD（可为空）"`
	WindowTo      string         `json:"window_to"`
	Materials     []string       `json:"materials" doc:"申报材料清单"`
	BudgetLine    string         `json:"budget_line"`
	ParamsVersion string         `json:"params_version"`
	Overrides     []CallOverride `json:"overrides"`
	Rubric        Rubric         `json:"rubric"`
	Quotas        map[string]int `json:"quotas" doc:"县区代码 → 推荐名额；未列出的县区不限"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
}

// CallOverride sets a policy parameter for a call, with its citation.
type CallOverride struct {
	Key    string `json:"key"`
	Value  int64  `json:"value"`
	Source string `json:"source"`
}

// Rubric is the experts' scoring rubric.
type Rubric struct {
	Criteria []Criterion `json:"criteria"`
	PassMark int         `json:"pass_mark"`
}

// Criterion is one scored aspect with its weight in percent.
type Criterion struct {
	Name   string `json:"name"`
	Weight int    `json:"weight"`
}

// CallInput is a new or edited call.
type CallInput struct {
	Category      Category       `json:"category"`
	Title         string         `json:"title"`
	Notice        string         `json:"notice,omitempty"`
	OpensAt       time.Time      `json:"opens_at"`
	ClosesAt      time.Time      `json:"closes_at"`
	WindowFrom    string         `json:"window_from,omitempty" format:"date"`
	WindowTo      string         `json:"window_to,omitempty" format:"date"`
	Materials     []string       `json:"materials,omitempty"`
	BudgetLine    string         `json:"budget_line,omitempty"`
	ParamsVersion string         `json:"params_version,omitempty" doc:"留空为当前参数版本"`
	Overrides     []CallOverride `json:"overrides,omitempty"`
	Rubric        Rubric         `json:"rubric"`
	Quotas        map[string]int `json:"quotas,omitempty"`
}

// CallUpdate is an edited call.
type CallUpdate struct {
	ID int64 `path:"id" json:"-"`
	CallInput
}

// CallQuery filters the call list.
type CallQuery struct {
	Paging
	Category Category `query:"category" json:"-"`
}

// ---- applications ----

// ApplicationQuery filters the application list (as the /apps page does).
type ApplicationQuery struct {
	Paging
	Q        string   `query:"q" json:"-" doc:"申报编号、单位名称或统一社会信用代码"`
	CallID   int64    `query:"call_id" json:"-"`
	State    AppState `query:"state" json:"-"`
	Category Category `query:"category" json:"-"`
	Industry string   `query:"industry" json:"-" doc:"行业代码"`
	District string   `query:"district" json:"-" doc:"县区代码；县区角色只能查看本辖区"`
}

// Application is an application as lists show it.
type Application struct {
	ID            int64      `json:"id"`
	Number        string     `json:"number" doc:"申报编号"`
	CallID        int64      `json:"call_id"`
	CallTitle     string     `json:"call_title"`
	Category      Category   `json:"category"`
	OrgID         int64      `json:"org_id"`
	OrgName       string     `json:"org_name"`
	OrgUSCC       string     `json:"org_uscc"`
	DistrictCode  string     `json:"district_code"`
	DistrictName  string     `json:"district_name"`
	State         AppState   `json:"state"`
	StateLabel    string     `json:"state_label"`
	Title         string     `json:"title"`
	RequestedFen  int64      `json:"requested_fen"`
	Origin        string     `json:"origin" enum:"applied,ranking,matching"`
	Version       int        `json:"version" doc:"已提交的版本数"`
	SubmittedAt   *time.Time `json:"submitted_at" doc:"最近一次提交；未提交为 null"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	ActionsForYou []Action   `json:"actions" doc:"调用者的角色此刻可执行的流程操作"`
}

// Action is an action the caller may take now, with its article.
type Action struct {
	Action  AppAction `json:"action"`
	Label   string    `json:"label"`
	Article string    `json:"article"`
}

// ApplicationDetail is an application with its content, timeline and the
// rules' decision.
type ApplicationDetail struct {
	Application
	Description           string             `json:"description"`
	Subtype               string             `json:"subtype" doc:"第七条（二）：cloud 上云上平台 | benchmark 创新应用标杆"`
	ManufacturingRetrofit bool               `json:"manufacturing_retrofit"`
	Declarations          Declarations       `json:"declarations"`
	Spending              []Spending         `json:"spending"`
	Goals                 []Goal             `json:"goals"`
	Providers             []ProviderRef      `json:"providers"`
	Events                []Event            `json:"events" doc:"时间线，最早的在前"`
	Decision              *Decision          `json:"decision" doc:"最近一次提交或复核时规则的判定（逐条依据）"`
	Recommendation        *Recommendation    `json:"recommendation"`
	RecheckSignatures     []RecheckSignature `json:"recheck_signatures"`
	Award                 *Award             `json:"award"`
}

// Declarations are the applicant's sworn statements.
type Declarations struct {
	Integrity                   bool `json:"integrity" doc:"诚信承诺（第二十条）"`
	LittleGiantCentralFunded    bool `json:"little_giant_central_funded" doc:"第十条（一）"`
	Pilot2022                   bool `json:"pilot_2022" doc:"第十条（二）"`
	UnacceptedProjectAfterPilot bool `json:"has_unaccepted_project_after_pilot" doc:"第十条（三）"`
	TaxCompliant                bool `json:"tax_compliant" doc:"第十三条 依法纳税"`
	NoMajorIncident             bool `json:"no_major_incident" doc:"第十三条 近三年无重大事故"`
}

// Spending is one item of claimed spending (第七条（一）).
type Spending struct {
	Seq          int    `json:"seq"`
	Type         string `json:"type"`
	TypeLabel    string `json:"type_label"`
	Supplier     string `json:"supplier"`
	Description  string `json:"description"`
	ContractNo   string `json:"contract_no"`
	ContractDate string `json:"contract_date"`
	InvoiceNo    string `json:"invoice_no"`
	InvoiceDate  string `json:"invoice_date"`
	PaymentDate  string `json:"payment_date"`
	AmountFen    int64  `json:"amount_fen"`
	ApprovedFen  *int64 `json:"approved_fen" doc:"专家评审核定投入；未核定为 null"`
}

// Goal is one performance goal (绩效目标).
type Goal struct {
	Indicator string `json:"indicator"`
	Baseline  string `json:"baseline"`
	Target    string `json:"target"`
}

// ProviderRef names a service provider of an application.
type ProviderRef struct {
	OrgID int64  `json:"org_id"`
	USCC  string `json:"uscc"`
	Name  string `json:"name"`
}

// Event is one line of an application's timeline.
type Event struct {
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	Label     string    `json:"label"`
	From      *AppState `json:"from" doc:"之前的状态；系统直接生成的申报（免申即享、排名推荐）的首条记录为 null"`
	To        AppState  `json:"to"`
	Reason    string    `json:"reason"`
	Citation  string    `json:"citation" doc:"所依据的条款"`
	FromLabel string    `json:"from_label"`
	ToLabel   string    `json:"to_label"`
}

// Decision is the rules' decision (policy.Decision), with every finding.
type Decision struct {
	ParamsVersion   string    `json:"params_version"`
	AsOf            string    `json:"as_of" format:"date"`
	Category        string    `json:"category"`
	CentralEligible bool      `json:"central_eligible" doc:"可获中央专项资金支持"`
	LocalEligible   bool      `json:"local_eligible" doc:"可获地方配套资金支持"`
	HasCap          bool      `json:"has_cap"`
	MaxSubsidyFen   int64     `json:"max_subsidy_fen"`
	MaxCentralFen   int64     `json:"max_central_fen"`
	MaxLocalFen     int64     `json:"max_local_fen"`
	Findings        []Finding `json:"findings"`
}

// Finding is what one rule found, with the article and the figures used.
type Finding struct {
	Rule    string `json:"rule"`
	Article string `json:"article"`
	Outcome string `json:"outcome" enum:"pass,fail,not_applicable"`
	Message string `json:"message"`
}

// Recommendation is the district's recommendation (第十四条（二）).
type Recommendation struct {
	Opinion      string    `json:"opinion"`
	OfficialName string    `json:"official_name"`
	At           time.Time `json:"at"`
	LetterID     *int64    `json:"letter_id" doc:"推荐函；尚未出函为 null"`
}

// DraftInput is the content of a draft (the application form).
type DraftInput struct {
	ID                    int64           `path:"id" json:"-"`
	Title                 string          `json:"title,omitempty"`
	Description           string          `json:"description,omitempty"`
	Subtype               string          `json:"subtype,omitempty" enum:",cloud,benchmark"`
	ManufacturingRetrofit bool            `json:"manufacturing_retrofit,omitempty"`
	RequestedFen          int64           `json:"requested_fen,omitempty"`
	Declarations          Declarations    `json:"declarations"`
	Spending              []SpendingInput `json:"spending,omitempty" doc:"第七条（一）改造支出；错误以 spending.<序号>.<字段> 指明行"`
	Goals                 []Goal          `json:"goals,omitempty"`
	ProviderUSCCs         []string        `json:"provider_usccs,omitempty" doc:"服务商的统一社会信用代码"`
}

// SpendingInput is one row of claimed spending.
type SpendingInput struct {
	Type         string `json:"type"`
	Supplier     string `json:"supplier,omitempty"`
	Description  string `json:"description,omitempty"`
	ContractNo   string `json:"contract_no,omitempty"`
	ContractDate string `json:"contract_date,omitempty" format:"date"`
	InvoiceNo    string `json:"invoice_no,omitempty"`
	InvoiceDate  string `json:"invoice_date,omitempty" format:"date"`
	PaymentDate  string `json:"payment_date,omitempty" format:"date"`
	AmountFen    int64  `json:"amount_fen"`
}

// StartInput starts a draft under a call.
type StartInput struct {
	CallID int64 `path:"id" json:"-" doc:"申报批次 ID"`
}

// SubmitInput submits an application; a resent request with the same key
// is one submission.
type SubmitInput struct {
	ID             int64  `path:"id" json:"-"`
	IdempotencyKey string `json:"idempotency_key,omitempty" doc:"幂等键（至多 64 个字符）：同一键重复提交只算一次"`
}

// WithdrawInput withdraws an application.
type WithdrawInput struct {
	ID     int64  `path:"id" json:"-"`
	Reason string `json:"reason,omitempty"`
}

// ---- attachments ----

// Attachment is a file attached to an application.
type Attachment struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind" doc:"申报材料类别"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// AttachmentUpload adds a file to a draft.
type AttachmentUpload struct {
	ID   int64   `path:"id" json:"-"`
	Kind string  `form:"kind" json:"-" doc:"申报材料类别（批次的材料清单之一，或“其他”）"`
	File *Upload `form:"file" json:"-"`
}

// AttachmentRef names one attachment of an application.
type AttachmentRef struct {
	ID           int64 `path:"id" json:"-"`
	AttachmentID int64 `path:"attachment_id" json:"-"`
}

// ---- notifications ----

// Notification is a message about an application.
type Notification struct {
	ID            int64      `json:"id"`
	ApplicationID *int64     `json:"application_id"`
	Subject       string     `json:"subject"`
	Body          string     `json:"body"`
	CreatedAt     time.Time  `json:"created_at"`
	ReadAt        *time.Time `json:"read_at"`
}

// ---- district review and letters (第十四条（二）) ----

// DistrictReviewInput is the first review's decision.
type DistrictReviewInput struct {
	ID             int64     `path:"id" json:"-"`
	Action         AppAction `json:"action" enum:"return,decline,recommend"`
	Reason         string    `json:"reason,omitempty" doc:"退回补正、不予推荐的理由；推荐时为推荐意见"`
	Citation       string    `json:"citation,omitempty" doc:"不予推荐所依据的条款，如 第十三条"`
	IdempotencyKey string    `json:"idempotency_key,omitempty"`
}

// Letter is a district's recommendation letter (推荐函).
type Letter struct {
	ID           int64        `json:"id"`
	Number       string       `json:"number"`
	DistrictCode string       `json:"district_code"`
	DistrictName string       `json:"district_name"`
	CallID       int64        `json:"call_id"`
	CallTitle    string       `json:"call_title"`
	Date         string       `json:"date" format:"date"`
	OfficialName string       `json:"official_name"`
	CreatedAt    time.Time    `json:"created_at"`
	Count        int          `json:"count"`
	Items        []LetterItem `json:"items" doc:"列表中为空；详情中为推荐的申报"`
}

// LetterItem is an application a letter carries.
type LetterItem struct {
	ApplicationID int64  `json:"application_id"`
	Number        string `json:"number"`
	OrgName       string `json:"org_name"`
	Title         string `json:"title"`
	RequestedFen  int64  `json:"requested_fen"`
	Opinion       string `json:"opinion"`
}

// LetterQuery filters letters.
type LetterQuery struct {
	Paging
	CallID int64 `query:"call_id" json:"-"`
}

// LetterInput asks for the letter of a call's recommendations.
type LetterInput struct {
	CallID int64 `json:"call_id"`
}

// ---- experts and panels (第十四条（三）) ----

// Expert is an expert of the pool.
type Expert struct {
	UserID      int64  `json:"user_id"`
	Username    string `json:"username"`
	Name        string `json:"name"`
	Field       string `json:"field"`
	Affiliation string `json:"affiliation"`
	OrgName     string `json:"org_name"`
	Active      bool   `json:"active" doc:"在库，可被抽取"`
	Disabled    bool   `json:"disabled"`
}

// ExpertQuery filters the pool.
type ExpertQuery struct {
	Paging
	Q string `query:"q" json:"-"`
}

// PanelQuery filters panels.
type PanelQuery struct {
	Paging
	CallID int64 `query:"call_id" json:"-"`
}

// Panel is an expert panel drawn for a call.
type Panel struct {
	ID         int64            `json:"id"`
	CallID     int64            `json:"call_id"`
	CallTitle  string           `json:"call_title"`
	Size       int              `json:"size"`
	Field      string           `json:"field"`
	Seed       string           `json:"seed" doc:"随机种子（十进制），任何人可据此复核抽取"`
	Algorithm  string           `json:"algorithm"`
	Verified   bool             `json:"verified" doc:"按种子重新抽取的结果与记录一致"`
	CreatedBy  string           `json:"created_by"`
	CreatedAt  time.Time        `json:"created_at"`
	AppCount   int              `json:"app_count"`
	Finalised  int              `json:"finalised"`
	Members    []PanelMember    `json:"members"`
	Apps       []PanelApp       `json:"applications"`
	Exclusions []PanelExclusion `json:"exclusions"`
}

// PanelMember is an expert drawn.
type PanelMember struct {
	ExpertID    int64  `json:"expert_id"`
	Name        string `json:"name"`
	Field       string `json:"field"`
	Affiliation string `json:"affiliation"`
	DrawOrder   int    `json:"draw_order"`
}

// PanelApp is an application a panel reviews, with its result once final.
type PanelApp struct {
	ApplicationID    int64      `json:"application_id"`
	Number           string     `json:"number"`
	OrgName          string     `json:"org_name"`
	Title            string     `json:"title"`
	State            AppState   `json:"state"`
	Scored           int        `json:"scored"`
	Conflicts        int        `json:"conflicts"`
	ResultHundredths int64      `json:"result_hundredths" doc:"评审得分 × 100"`
	PassMark         int        `json:"pass_mark"`
	Passed           bool       `json:"passed"`
	FinalisedAt      *time.Time `json:"finalised_at"`
}

// PanelExclusion is an expert excluded from the draw for a conflict.
type PanelExclusion struct {
	ExpertID      int64  `json:"expert_id"`
	Name          string `json:"name"`
	ApplicationID int64  `json:"application_id"`
	AppNumber     string `json:"app_number"`
	Reason        string `json:"reason"`
}

// PanelInput draws a panel for a call and starts the expert review of its
// applications (第十四条（三）).
type PanelInput struct {
	CallID         int64   `json:"call_id"`
	ApplicationIDs []int64 `json:"application_ids,omitempty" doc:"参加评审的申报；留空为本批次全部县区已推荐的申报"`
	Size           int     `json:"size"`
	Field          string  `json:"field,omitempty" doc:"只抽取专业领域包含此文字的专家"`
	Seed           string  `json:"seed,omitempty" doc:"随机种子（十进制）；留空由系统生成"`
}

// PanelAppRef names an application of a panel.
type PanelAppRef struct {
	PanelID       int64 `path:"id" json:"-"`
	ApplicationID int64 `path:"application_id" json:"-"`
}

// FinaliseInput fixes a panel's result for an application.
type FinaliseInput struct {
	PanelAppRef
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// Outcome is a panel's result for an application.
type Outcome struct {
	Scorers          int         `json:"scorers"`
	ResultHundredths int64       `json:"result_hundredths"`
	PassMark         int         `json:"pass_mark"`
	Passed           bool        `json:"passed"`
	Approved         []Approved  `json:"approved" doc:"第七条（一）核定投入（各专家的中位数）"`
	ApprovedTotalFen int64       `json:"approved_total_fen"`
	Application      Application `json:"application"`
}

// Approved is the approved investment of one spending row.
type Approved struct {
	SpendingSeq int   `json:"spending_seq"`
	ApprovedFen int64 `json:"approved_fen"`
}

// Assignment is an application an expert is to review.
type Assignment struct {
	PanelID       int64     `json:"panel_id"`
	ApplicationID int64     `json:"application_id"`
	Number        string    `json:"number"`
	OrgName       string    `json:"org_name"`
	Title         string    `json:"title"`
	CallTitle     string    `json:"call_title"`
	Declared      bool      `json:"declared" doc:"已作利益冲突声明"`
	Conflict      bool      `json:"conflict"`
	Scored        bool      `json:"scored"`
	Finalised     bool      `json:"finalised"`
	AssignedAt    time.Time `json:"assigned_at"`
}

// ExpertTask is what an expert sees to score an application.
type ExpertTask struct {
	PanelID         int64             `json:"panel_id"`
	Application     ApplicationDetail `json:"application"`
	Criteria        []Criterion       `json:"criteria"`
	NeedsInvestment bool              `json:"needs_investment" doc:"第七条（一）：须核定每项支出的投入"`
	Declared        bool              `json:"declared"`
	Conflict        bool              `json:"conflict"`
	Sheet           *ScoreSheet       `json:"sheet" doc:"本人的评分表；尚未评分为 null"`
	Finalised       bool              `json:"finalised"`
}

// ScoreSheet is an expert's scores.
type ScoreSheet struct {
	Items           []ScoreItem `json:"items"`
	Investments     []Approved  `json:"investments"`
	Comment         string      `json:"comment"`
	TotalHundredths int64       `json:"total_hundredths"`
	UpdatedAt       time.Time   `json:"updated_at"`
}

// ScoreItem is the score of one criterion.
type ScoreItem struct {
	Criterion string `json:"criterion"`
	Weight    int    `json:"weight"`
	Score     int    `json:"score"`
	Comment   string `json:"comment"`
}

// ConflictInput is an expert's conflict-of-interest declaration.
type ConflictInput struct {
	PanelAppRef
	Conflict bool   `json:"conflict" doc:"true：存在利益冲突，回避；false：确认无利益冲突"`
	Reason   string `json:"reason,omitempty"`
}

// ScoreInput is an expert's score sheet.
type ScoreInput struct {
	PanelAppRef
	Scores      []ScoreEntry `json:"scores" doc:"按评分标准顺序，每项一个"`
	Investments []Approved   `json:"investments,omitempty" doc:"第七条（一）核定投入"`
	Comment     string       `json:"comment,omitempty"`
}

// ScoreEntry is the score of one criterion; a null score is left empty.
type ScoreEntry struct {
	Score   *int   `json:"score"`
	Comment string `json:"comment,omitempty"`
}

// ---- re-check (第十四条（四）) ----

// RecheckSignature is one bureau's re-check signature.
type RecheckSignature struct {
	Role     Role      `json:"role"`
	Signer   string    `json:"signer"`
	Pass     bool      `json:"pass"`
	Opinion  string    `json:"opinion"`
	SignedAt time.Time `json:"signed_at"`
}

// RecheckRow is an application awaiting re-check, with its signatures.
type RecheckRow struct {
	Application Application        `json:"application"`
	Signatures  []RecheckSignature `json:"signatures"`
}

// Recheck is what the re-check page shows: the rules on today's facts.
type Recheck struct {
	Application Application        `json:"application"`
	Decision    *Decision          `json:"decision"`
	Signatures  []RecheckSignature `json:"signatures"`
	CanSign     bool               `json:"can_sign"`
}

// RecheckInput signs the re-check for the caller's bureau.
type RecheckInput struct {
	ID             int64  `path:"id" json:"-"`
	Pass           bool   `json:"pass"`
	Opinion        string `json:"opinion,omitempty"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// ---- publicity and objections (第十四条（五）) ----

// PublicityBatch is a publicity batch.
type PublicityBatch struct {
	ID             int64      `json:"id"`
	Title          string     `json:"title"`
	StartDate      string     `json:"start_date" format:"date"`
	State          string     `json:"state" enum:"open,closed"`
	ClosedAt       *time.Time `json:"closed_at"`
	CreatedAt      time.Time  `json:"created_at"`
	Items          int        `json:"items"`
	LastEnd        string     `json:"last_end" doc:"最晚的公示期满日 YYYY-MM-DD"`
	OpenObjections int        `json:"open_objections"`
}

// PublicityBatchInput creates a batch.
type PublicityBatchInput struct {
	Title     string `json:"title"`
	StartDate string `json:"start_date" format:"date"`
}

// PublicityItem is an application on publicity.
type PublicityItem struct {
	ID             int64      `json:"id"`
	BatchID        int64      `json:"batch_id"`
	ApplicationID  int64      `json:"application_id"`
	AppNumber      string     `json:"app_number"`
	AppState       AppState   `json:"app_state"`
	OrgName        string     `json:"org_name"`
	ProjectTitle   string     `json:"project_title"`
	Category       Category   `json:"category"`
	AmountFen      int64      `json:"amount_fen" doc:"拟支持金额"`
	StartDate      string     `json:"start_date" format:"date"`
	EndDate        string     `json:"end_date" format:"date"`
	RemovedAt      *time.Time `json:"removed_at"`
	RemovedReason  string     `json:"removed_reason"`
	OpenObjections int        `json:"open_objections"`
}

// BatchItemsQuery pages the items of a batch.
type BatchItemsQuery struct {
	ID int64 `path:"id" json:"-"`
	Paging
}

// Candidate is a re-checked application that may be put on publicity.
type Candidate struct {
	Application   Application `json:"application"`
	FundSource    string      `json:"fund_source" enum:",central,local"`
	HasCap        bool        `json:"has_cap"`
	MaxSubsidyFen int64       `json:"max_subsidy_fen"`
}

// PublishInput puts an application on a batch's list.
type PublishInput struct {
	BatchID        int64  `path:"id" json:"-"`
	ApplicationID  int64  `json:"application_id"`
	AmountFen      *int64 `json:"amount_fen,omitempty" doc:"拟支持金额；留空为资格复核确定的上限"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// CloseResult is the result of closing a batch.
type CloseResult struct {
	Passed int `json:"passed" doc:"公示期满无异议的申报数"`
}

// ApprovalInput records the city government's approval of a closed batch
// (第十四条（六）).
type ApprovalInput struct {
	BatchID        int64  `path:"id" json:"-"`
	DocNumber      string `json:"doc_number" doc:"批复文号"`
	DocDate        string `json:"doc_date" format:"date"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// ApprovalUpload is the government's approval with its scanned document
// (multipart).
type ApprovalUpload struct {
	BatchID        int64   `path:"id" json:"-"`
	DocNumber      string  `form:"doc_number" json:"-" doc:"批复文号"`
	DocDate        string  `form:"doc_date" json:"-" format:"date"`
	File           *Upload `form:"file" json:"-" doc:"批复扫描件（PDF、PNG 或 JPEG，至多 5 MiB）"`
	IdempotencyKey string  `form:"idempotency_key,omitempty" json:"-"`
}

// ApprovalResult is what an approval did.
type ApprovalResult struct {
	ApprovalID int64    `json:"approval_id"`
	DocNumber  string   `json:"doc_number"`
	Awards     []Award  `json:"awards"`
	Skipped    []string `json:"skipped" doc:"暂缓的申报及原因"`
	Replayed   bool     `json:"replayed" doc:"重复请求：未重复执行"`
}

// Objection is an objection lodged during publicity.
type Objection struct {
	ID            int64      `json:"id"`
	BatchID       int64      `json:"batch_id"`
	BatchTitle    string     `json:"batch_title"`
	ItemID        int64      `json:"item_id"`
	ApplicationID int64      `json:"application_id"`
	AppNumber     string     `json:"app_number"`
	OrgName       string     `json:"org_name"`
	ProjectTitle  string     `json:"project_title"`
	Name          string     `json:"name"`
	Contact       string     `json:"contact"`
	Reason        string     `json:"reason"`
	HasFile       bool       `json:"has_file"`
	State         string     `json:"state" enum:"open,upheld,dismissed,superseded"`
	StateLabel    string     `json:"state_label"`
	Finding       string     `json:"finding"`
	DecidedAt     *time.Time `json:"decided_at"`
	CreatedAt     time.Time  `json:"created_at"`
}

// ObjectionQuery filters objections.
type ObjectionQuery struct {
	Paging
	BatchID int64  `query:"batch_id" json:"-"`
	State   string `query:"state" json:"-" enum:",open,upheld,dismissed,superseded"`
}

// ObjectionDecisionInput decides an objection.
type ObjectionDecisionInput struct {
	ID      int64  `path:"id" json:"-"`
	Upheld  bool   `json:"upheld" doc:"true：异议成立，申报退出公示"`
	Finding string `json:"finding" doc:"核查结论"`
}

// PublicBatch is a publicity batch as the public sees it.
type PublicBatch struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	StartDate string `json:"start_date" format:"date"`
	State     string `json:"state" enum:"open,closed"`
	Items     int    `json:"items"`
	LastEnd   string `json:"last_end"`
}

// PublicBatchQuery filters the public batches.
type PublicBatchQuery struct {
	Paging
	State string `query:"state" json:"-" enum:",open,closed"`
}

// PublicItem is all the public sees of a published application.
type PublicItem struct {
	ID           int64    `json:"id"`
	BatchID      int64    `json:"batch_id"`
	OrgName      string   `json:"org_name"`
	ProjectTitle string   `json:"project_title"`
	Category     Category `json:"category"`
	AmountFen    int64    `json:"amount_fen"`
	StartDate    string   `json:"start_date" format:"date"`
	EndDate      string   `json:"end_date" format:"date"`
}

// ObjectionInput is an objection from the public.
type ObjectionInput struct {
	BatchID int64  `path:"id" json:"-"`
	ItemID  int64  `json:"item_id" doc:"公示项目 ID"`
	Name    string `json:"name" doc:"异议人姓名或单位"`
	Contact string `json:"contact" doc:"联系方式"`
	Reason  string `json:"reason" doc:"异议事实与理由"`
}

// ObjectionUpload is an objection from the public with its evidence
// (multipart).
type ObjectionUpload struct {
	BatchID int64   `path:"id" json:"-"`
	ItemID  int64   `form:"item_id" json:"-" doc:"公示项目 ID"`
	Name    string  `form:"name" json:"-" doc:"异议人姓名或单位"`
	Contact string  `form:"contact" json:"-" doc:"联系方式"`
	Reason  string  `form:"reason" json:"-" doc:"异议事实与理由"`
	File    *Upload `form:"file" json:"-" doc:"证明材料（PDF、PNG 或 JPEG，至多 5 MiB）"`
}

// ObjectionReceipt confirms a lodged objection.
type ObjectionReceipt struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at"`
}

// ---- awards and money ----

// Award is an approved award (第十四条（六）).
type Award struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	AppNumber     string    `json:"app_number"`
	ProjectTitle  string    `json:"project_title"`
	OrgID         int64     `json:"org_id"`
	OrgName       string    `json:"org_name"`
	DistrictName  string    `json:"district_name"`
	Category      Category  `json:"category"`
	AmountFen     int64     `json:"amount_fen"`
	FundSource    string    `json:"fund_source" enum:"central,local"`
	FundLabel     string    `json:"fund_label"`
	DocNumber     string    `json:"doc_number" doc:"批复文号"`
	DocDate       string    `json:"doc_date"`
	CreatedAt     time.Time `json:"created_at"`
}

// YearQuery selects a budget year (default: this year).
type YearQuery struct {
	Year int `query:"year" json:"-"`
}

// YearPageQuery pages a year's records.
type YearPageQuery struct {
	Year int `query:"year" json:"-"`
	Paging
}

// Budget is a year's budget: sources, lines and the 80/20 rule (第七条（一）).
type Budget struct {
	Year    int            `json:"year"`
	Sources []BudgetSource `json:"sources"`
	Split   *BudgetSplit   `json:"split" doc:"中央资金中第七条（一）不低于80%的执行情况"`
}

// BudgetSource is one fund source's releases and lines.
type BudgetSource struct {
	Source         string       `json:"source"`
	SourceLabel    string       `json:"source_label"`
	ReleasedFen    int64        `json:"released_fen"`
	UnallocatedFen int64        `json:"unallocated_fen"`
	Lines          []BudgetLine `json:"lines"`
}

// BudgetLine is a budget line of a source and category.
type BudgetLine struct {
	Category     string `json:"category"`
	AllocatedFen int64  `json:"allocated_fen"`
	AvailableFen int64  `json:"available_fen"`
	CommittedFen int64  `json:"committed_fen"`
}

// BudgetSplit is the status of the 80/20 rule.
type BudgetSplit struct {
	ReleasedFen   int64 `json:"released_fen"`
	Retrofit71Fen int64 `json:"retrofit_71_fen"`
	OtherFen      int64 `json:"other_fen"`
	OtherUsedFen  int64 `json:"other_used_fen"`
	MaxOtherBP    int64 `json:"max_other_bp" doc:"其他类别上限，万分比"`
	OtherBP       int64 `json:"other_bp"`
}

// BudgetRelease is a release of a fund source (下达预算).
type BudgetRelease struct {
	ID        int64     `json:"id"`
	Year      int       `json:"year"`
	Source    string    `json:"source"`
	DocNumber string    `json:"doc_number"`
	DocDate   string    `json:"doc_date" format:"date"`
	AmountFen int64     `json:"amount_fen"`
	CreatedAt time.Time `json:"created_at"`
	Replayed  bool      `json:"replayed" doc:"该文件已录入：未重复记账"`
}

// BudgetReleaseInput records a release.
type BudgetReleaseInput struct {
	Year      int    `json:"year"`
	Source    string `json:"source" enum:"central,provincial,city"`
	DocNumber string `json:"doc_number"`
	DocDate   string `json:"doc_date" format:"date"`
	AmountFen int64  `json:"amount_fen"`
}

// PerformanceTarget is a year's performance target.
type PerformanceTarget struct {
	ID          int64     `json:"id"`
	Year        int       `json:"year"`
	Indicator   string    `json:"indicator"`
	TargetValue string    `json:"target_value"`
	Unit        string    `json:"unit"`
	SourceDoc   string    `json:"source_doc"`
	CreatedAt   time.Time `json:"created_at"`
}

// PerformanceTargetInput adds a target.
type PerformanceTargetInput struct {
	Year        int    `json:"year"`
	Indicator   string `json:"indicator"`
	TargetValue string `json:"target_value"`
	Unit        string `json:"unit,omitempty"`
	SourceDoc   string `json:"source_doc" doc:"依据文件"`
}

// AllocationInput allocates money from a source to a budget line, or
// takes it back.
type AllocationInput struct {
	Year           int    `json:"year"`
	Source         string `json:"source" enum:"central,provincial,city"`
	Category       string `json:"category"`
	AmountFen      int64  `json:"amount_fen"`
	Deallocate     bool   `json:"deallocate,omitempty"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// Allocation is the ledger transaction an allocation posted.
type Allocation struct {
	TransactionID int64 `json:"transaction_id"`
}

// Plan is a fund-use plan (资金使用计划).
type Plan struct {
	ID         int64      `json:"id"`
	Year       int        `json:"year"`
	Title      string     `json:"title"`
	State      string     `json:"state" enum:"proposed,approved,rejected"`
	StateLabel string     `json:"state_label"`
	Reason     string     `json:"reason"`
	TotalFen   int64      `json:"total_fen"`
	ItemCount  int        `json:"item_count"`
	BatchID    *int64     `json:"batch_id"`
	DecidedAt  *time.Time `json:"decided_at"`
	CreatedAt  time.Time  `json:"created_at"`
	Items      []PlanItem `json:"items" doc:"列表中为空；详情中为计划的各项"`
}

// PlanItem is one award of a plan with the amount to pay.
type PlanItem struct {
	AwardID   int64  `json:"award_id"`
	AmountFen int64  `json:"amount_fen"`
	AwardFen  int64  `json:"award_fen"`
	AppNumber string `json:"app_number"`
	OrgName   string `json:"org_name"`
	Category  string `json:"category"`
}

// PlanInput proposes a plan.
type PlanInput struct {
	Year  int             `json:"year"`
	Title string          `json:"title"`
	Items []PlanItemInput `json:"items"`
}

// PlanItemInput is an award and the amount to pay.
type PlanItemInput struct {
	AwardID   int64 `json:"award_id"`
	AmountFen int64 `json:"amount_fen"`
}

// PlanDecisionInput approves or returns a plan.
type PlanDecisionInput struct {
	ID      int64  `path:"id" json:"-"`
	Approve bool   `json:"approve"`
	Reason  string `json:"reason,omitempty"`
}

// PaymentBatchInput creates the payment batch of an approved plan.
type PaymentBatchInput struct {
	PlanID int64 `json:"plan_id"`
}

// PaymentBatch is a batch of payment instructions.
type PaymentBatch struct {
	ID        int64      `json:"id"`
	PlanID    int64      `json:"plan_id"`
	Title     string     `json:"title"`
	State     string     `json:"state" enum:"created,issuing,issued"`
	CreatedAt time.Time  `json:"created_at"`
	IssuedAt  *time.Time `json:"issued_at"`
}

// IssueResult is what issuing a batch did.
type IssueResult struct {
	Issued int      `json:"issued"`
	Held   []string `json:"held" doc:"暂缓的指令及原因"`
}

// InstructionQuery filters payment instructions.
type InstructionQuery struct {
	Paging
	BatchID int64  `query:"batch_id" json:"-"`
	State   string `query:"state" json:"-" enum:",pending,issued,received,paid_out,held,recalled,cancelled"`
}

// Instruction is one payment instruction (city → district → recipient).
type Instruction struct {
	ID           int64      `json:"id"`
	BatchID      int64      `json:"batch_id"`
	AwardID      int64      `json:"award_id"`
	OrgID        int64      `json:"org_id"`
	OrgName      string     `json:"org_name"`
	USCC         string     `json:"uscc"`
	DistrictCode string     `json:"district_code" doc:"为空：市级直接拨付"`
	DistrictName string     `json:"district_name"`
	AppNumber    string     `json:"app_number"`
	ProjectTitle string     `json:"project_title"`
	Category     string     `json:"category"`
	FundSource   string     `json:"fund_source"`
	AmountFen    int64      `json:"amount_fen"`
	State        string     `json:"state" enum:"pending,issued,received,paid_out,held,recalled,cancelled"`
	StateLabel   string     `json:"state_label"`
	Note         string     `json:"note"`
	BankRef      string     `json:"bank_ref"`
	IssuedAt     *time.Time `json:"issued_at"`
	ReceivedAt   *time.Time `json:"received_at"`
	PaidAt       *time.Time `json:"paid_at"`
}

// PayoutInput records the district's payment to the recipient.
type PayoutInput struct {
	ID      int64  `path:"id" json:"-"`
	BankRef string `json:"bank_ref" doc:"银行流水号"`
}

// PayoutResult says whether the payout was recorded now or before.
type PayoutResult struct {
	Replayed bool `json:"replayed" doc:"该指令已支付：未重复记账"`
}

// RevocationInput revokes an award (第二十条).
type RevocationInput struct {
	AwardID int64  `path:"id" json:"-"`
	Reason  string `json:"reason"`
	Article string `json:"article" doc:"所依据的条款，如 第二十条"`
	DueDate string `json:"due_date" format:"date" doc:"应退回期限"`
}

// Revocation is a revoked award and what is to be recovered.
type Revocation struct {
	AwardID       int64     `json:"award_id"`
	OrgID         int64     `json:"org_id"`
	OrgName       string    `json:"org_name"`
	AppNumber     string    `json:"app_number"`
	Reason        string    `json:"reason"`
	Article       string    `json:"article"`
	ReturnedFen   int64     `json:"returned_fen" doc:"退回预算指标（未拨付部分）"`
	ReceivableFen int64     `json:"receivable_fen" doc:"应追回（已拨付部分）"`
	OutstandFen   int64     `json:"outstanding_fen"`
	RecoveredFen  int64     `json:"recovered_fen"`
	DueDate       string    `json:"due_date" format:"date"`
	DaysOverdue   int       `json:"days_overdue"`
	RevokedAt     time.Time `json:"revoked_at"`
}

// ReceivableQuery filters receivables.
type ReceivableQuery struct {
	Paging
	Overdue bool `query:"overdue" json:"-" doc:"只列逾期未退回的"`
}

// RepaymentInput records money repaid after a revocation.
type RepaymentInput struct {
	AwardID        int64  `path:"id" json:"-"`
	AmountFen      int64  `json:"amount_fen"`
	PaidOn         string `json:"paid_on" format:"date"`
	BankRef        string `json:"bank_ref"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// Repayment is a recorded repayment.
type Repayment struct {
	ID        int64     `json:"id"`
	AwardID   int64     `json:"award_id"`
	AmountFen int64     `json:"amount_fen"`
	PaidOn    string    `json:"paid_on" format:"date"`
	BankRef   string    `json:"bank_ref"`
	CreatedAt time.Time `json:"created_at"`
}

// ---- reports ----

// ExecutionQuery chooses the report's dimension.
type ExecutionQuery struct {
	By string `query:"by" json:"-" enum:",source,category,district,industry,year" doc:"分组维度（默认 source）"`
}

// ExecutionReport is budget execution grouped by one dimension.
type ExecutionReport struct {
	By    string         `json:"by"`
	Rows  []ExecutionRow `json:"rows"`
	Total ExecutionRow   `json:"total"`
}

// ExecutionRow is one group of the execution report.
type ExecutionRow struct {
	Key          string `json:"key"`
	Label        string `json:"label"`
	Awards       int    `json:"awards"`
	CommittedFen int64  `json:"committed_fen"`
	PaidFen      int64  `json:"paid_fen"`
	RecoveredFen int64  `json:"recovered_fen"`
	ReleasedFen  int64  `json:"released_fen"`
	AvailableFen int64  `json:"available_fen"`
}

// Reconciliation checks where the released money is.
type Reconciliation struct {
	ReleasedFen     int64       `json:"released_fen"`
	Terms           []ReconTerm `json:"terms"`
	SumFen          int64       `json:"sum_fen"`
	PaidOutFen      int64       `json:"paid_out_fen"`
	ReceivableInFen int64       `json:"receivable_in_fen"`
	RecoveredFen    int64       `json:"recovered_fen"`
	Holds           bool        `json:"holds" doc:"下达 = 各项余额之和，且账簿平衡"`
	Problems        []string    `json:"problems"`
}

// ReconTerm is one term of the reconciliation identity.
type ReconTerm struct {
	Kind       string `json:"kind"`
	Label      string `json:"label"`
	BalanceFen int64  `json:"balance_fen"`
}

// LedgerQuery pages a recipient's statement.
type LedgerQuery struct {
	ID int64 `path:"id" json:"-" doc:"受款单位 ID"`
	Paging
}

// RecipientLedger is a recipient's statement, newest first.
type RecipientLedger struct {
	OrgID       int64        `json:"org_id"`
	OrgName     string       `json:"org_name"`
	BalanceFen  int64        `json:"balance_fen"`
	Lines       []LedgerLine `json:"lines"`
	Revocations []Revocation `json:"revocations"`
}

// LedgerLine is one posting on a recipient's account.
type LedgerLine struct {
	TransactionID int64     `json:"transaction_id"`
	At            time.Time `json:"at"`
	Kind          string    `json:"kind"`
	Memo          string    `json:"memo"`
	AmountFen     int64     `json:"amount_fen"`
}

// StatisticsQuery chooses the call year (0: all years).
type StatisticsQuery struct {
	Year int `query:"year" json:"-"`
}

// Statistics are counts and amounts by dimension (第六条, 第十六条).
type Statistics struct {
	Year     int          `json:"year"`
	Years    []int        `json:"years"`
	District string       `json:"district" doc:"县区角色只统计本辖区"`
	Tables   []StatsTable `json:"tables"`
	KPIs     []KPI        `json:"kpis"`
}

// StatsTable is one grouping.
type StatsTable struct {
	Dimension string      `json:"dimension"`
	Title     string      `json:"title"`
	Lines     []StatsLine `json:"lines"`
	Total     StatsLine   `json:"total"`
}

// StatsLine is one group's figures.
type StatsLine struct {
	Key        string `json:"key"`
	Label      string `json:"label"`
	Apps       int    `json:"apps"`
	RequestFen int64  `json:"request_fen"`
	Awards     int    `json:"awards"`
	AwardFen   int64  `json:"award_fen"`
	PaidFen    int64  `json:"paid_fen"`
}

// KPI is a key figure with its formula and source.
type KPI struct {
	Label string `json:"label"`
	Value string `json:"value"`
	Note  string `json:"note"`
}

// AuditQuery filters the audit log.
type AuditQuery struct {
	Paging
	ObjectType string `query:"object_type" json:"-"`
	ObjectID   string `query:"object_id" json:"-"`
	Action     string `query:"action" json:"-" doc:"前缀，如 application."`
	Actor      string `query:"actor" json:"-"`
}

// AuditEntry is one record of the audit log.
type AuditEntry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	IP         string    `json:"ip"`
	RequestID  string    `json:"request_id"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Before     string    `json:"before" doc:"变更前（JSON 文本）"`
	After      string    `json:"after" doc:"变更后（JSON 文本）"`
}
