package apiclient

import "time"

// ---- 免申即享 (第十五条, 第七条（二）上云上平台) ----

// MatchPolicy is a 免申即享 policy: the criteria enterprises are found by.
type MatchPolicy struct {
	ID                int64     `json:"id"`
	Name              string    `json:"name"`
	CallID            int64     `json:"call_id"`
	CallTitle         string    `json:"call_title"`
	PeriodFrom        string    `json:"period_from" format:"date" doc:"统计期起始日（云服务合同日期）"`
	PeriodTo          string    `json:"period_to" format:"date"`
	MinServices       int       `json:"min_services" doc:"最少云服务数"`
	RequireSME        bool      `json:"require_sme" doc:"须为中小企业（第五条）"`
	RequirePilot      bool      `json:"require_pilot" doc:"须属试点行业（第四条）"`
	RequireAcceptance bool      `json:"require_acceptance" doc:"须有通过验收的第七条（一）项目"`
	ConfirmDays       int       `json:"confirm_days" doc:"企业确认期限（天）"`
	Active            bool      `json:"active"`
	Note              string    `json:"note"`
	Runs              int       `json:"runs"`
	Proposals         int       `json:"proposals"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// MatchPolicyDetail is a policy with its amount rule in force.
type MatchPolicyDetail struct {
	MatchPolicy
	AmountRule      *CloudAmountRule `json:"amount_rule" doc:"批次现行的上云奖补金额规则；无法计算时为 null（见 amount_rule_error）"`
	AmountRuleError string           `json:"amount_rule_error"`
}

// CloudAmountRule is the cloud award's amount rule (第七条（二）).
type CloudAmountRule struct {
	PerServiceFen int64  `json:"per_service_fen"`
	MinFen        int64  `json:"min_fen"`
	MaxFen        int64  `json:"max_fen"`
	Source        string `json:"source"`
	Override      bool   `json:"override" doc:"由批次设定"`
}

// MatchPolicyInput is a new policy.
type MatchPolicyInput struct {
	Name              string `json:"name"`
	CallID            int64  `json:"call_id" doc:"第七条（二）类批次"`
	PeriodFrom        string `json:"period_from" format:"date"`
	PeriodTo          string `json:"period_to" format:"date"`
	MinServices       int    `json:"min_services"`
	RequireSME        bool   `json:"require_sme,omitempty"`
	RequirePilot      bool   `json:"require_pilot,omitempty"`
	RequireAcceptance bool   `json:"require_acceptance,omitempty"`
	ConfirmDays       int    `json:"confirm_days"`
	Active            bool   `json:"active,omitempty"`
	Note              string `json:"note,omitempty"`
}

// MatchPolicyUpdate edits a policy; proposals made keep their result.
type MatchPolicyUpdate struct {
	ID int64 `path:"id" json:"-"`
	MatchPolicyInput
}

// MatchRun is one run of a policy.
type MatchRun struct {
	ID            int64     `json:"id"`
	PolicyID      int64     `json:"policy_id"`
	PolicyName    string    `json:"policy_name"`
	AsOf          string    `json:"as_of" format:"date"`
	ParamsVersion string    `json:"params_version"`
	AmountRule    string    `json:"amount_rule" doc:"金额规则及其来源"`
	Enterprises   int       `json:"enterprises" doc:"参与匹配的企业"`
	Candidates    int       `json:"candidates" doc:"统计期内有云服务应用记录的"`
	Matched       int       `json:"matched"`
	Proposed      int       `json:"proposed" doc:"新推荐"`
	Deadline      string    `json:"deadline" doc:"新推荐的确认截止日 YYYY-MM-DD"`
	RunBy         string    `json:"run_by"`
	CreatedAt     time.Time `json:"created_at"`
}

// MatchResultQuery pages a run's results.
type MatchResultQuery struct {
	ID int64 `path:"id" json:"-"`
	Paging
	Outcome string `query:"outcome" json:"-" enum:",matched,proposed,already,excluded" doc:"matched 为符合条件（新推荐与此前已推荐）"`
	Q       string `query:"q" json:"-" doc:"单位名称或统一社会信用代码"`
}

// MatchRunsQuery pages a policy's runs.
type MatchRunsQuery struct {
	ID int64 `path:"id" json:"-"`
	Paging
}

// MatchResult is one enterprise's result in a run, with the findings.
type MatchResult struct {
	OrgID         int64     `json:"org_id"`
	OrgName       string    `json:"org_name"`
	USCC          string    `json:"uscc"`
	DistrictName  string    `json:"district_name"`
	Outcome       string    `json:"outcome" enum:"proposed,already,excluded"`
	ProposalID    *int64    `json:"proposal_id"`
	ProposalState string    `json:"proposal_state"`
	Services      int       `json:"services" doc:"统计期内确认使用的云服务数"`
	AmountFen     int64     `json:"amount_fen"`
	Findings      []Finding `json:"findings"`
}

// ProposalQuery filters proposals.
type ProposalQuery struct {
	Paging
	State    string `query:"state" json:"-" enum:",proposed,confirmed,declined,lapsed"`
	Q        string `query:"q" json:"-"`
	PolicyID int64  `query:"policy_id" json:"-"`
}

// Proposal is a 免申即享 proposal to an enterprise. The account number is
// masked (all but the last four digits) except for the enterprise itself
// and, once the award is approved, the finance bureaus that pay it — as on
// the pages.
type Proposal struct {
	ID            int64      `json:"id"`
	PolicyID      int64      `json:"policy_id"`
	PolicyName    string     `json:"policy_name"`
	RunID         int64      `json:"run_id"`
	OrgID         int64      `json:"org_id"`
	OrgName       string     `json:"org_name"`
	OrgUSCC       string     `json:"org_uscc"`
	DistrictName  string     `json:"district_name"`
	CallID        int64      `json:"call_id"`
	CallTitle     string     `json:"call_title"`
	Services      int        `json:"services"`
	AmountFen     int64      `json:"amount_fen"`
	State         string     `json:"state" enum:"proposed,confirmed,declined,lapsed"`
	StateLabel    string     `json:"state_label"`
	Deadline      string     `json:"deadline" format:"date" doc:"确认截止日（北京时间当日24时）"`
	AccountName   string     `json:"account_name"`
	BankName      string     `json:"bank_name"`
	AccountNo     string     `json:"account_no" doc:"除本企业及审批后拨付的财政部门外，只显示末四位"`
	FullAccount   bool       `json:"full_account" doc:"account_no 为完整账号"`
	ApplicationID *int64     `json:"application_id" doc:"确认后形成的申报"`
	AppNumber     string     `json:"app_number"`
	AppState      string     `json:"app_state"`
	DecidedAt     *time.Time `json:"decided_at"`
	DeclineReason string     `json:"decline_reason"`
	CreatedAt     time.Time  `json:"created_at"`
}

// ProposalDetail is a proposal with its findings and what the caller may do.
type ProposalDetail struct {
	Proposal
	Findings  []Finding `json:"findings" doc:"推荐理由（逐条）"`
	Overdue   bool      `json:"overdue" doc:"已过确认期限、尚未标记失效"`
	CanAnswer bool      `json:"can_answer" doc:"本企业此刻可确认或放弃"`
}

// ProposalConfirmation is the enterprise's confirmation with the account
// the award is paid into.
type ProposalConfirmation struct {
	ID                       int64  `path:"id" json:"-"`
	Wish                     bool   `json:"wish" doc:"自愿申领并承诺所填真实（第二十条）"`
	AccountName              string `json:"account_name" doc:"户名，须与单位名称一致"`
	BankName                 string `json:"bank_name"`
	AccountNo                string `json:"account_no" doc:"9–30 位数字"`
	LittleGiantCentralFunded bool   `json:"little_giant_central_funded,omitempty" doc:"第十条（一）"`
	Pilot2022                bool   `json:"pilot_2022,omitempty" doc:"第十条（二）"`
}

// ProposalDecline declines a proposal.
type ProposalDecline struct {
	ID     int64  `path:"id" json:"-"`
	Reason string `json:"reason,omitempty"`
}

// LapseResult is how many proposals a lapse marked.
type LapseResult struct {
	Lapsed int `json:"lapsed"`
}
