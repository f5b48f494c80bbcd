package dtfund

// The application process of 第十四条 as a state machine: named states and,
// for each action, the states it may start from, the state it leads to and
// the roles allowed to take it. The workflow code asks Transition and never
// decides legality on its own, so an illegal action is refused in one place
// with one clear message.

import "time"

// Origin says how an application came into being.
type Origin string

// The origins. Most applications are applied for (第十四条（一）); some
// awards are not applied for project by project but proposed by the system
// from a ranking (第七条（三）（四）) or a 免申即享 match (第十五条).
const (
	OriginApplied  Origin = "applied"  // 自主申报
	OriginRanking  Origin = "ranking"  // 排名推荐
	OriginMatching Origin = "matching" // 免申即享
)

// Label is the Chinese name of the origin.
func (o Origin) Label() string {
	switch o {
	case OriginRanking:
		return "排名推荐"
	case OriginMatching:
		return "免申即享"
	}
	return "自主申报"
}

// AppState is the state of an application (申报).
type AppState string

// The states of DESIGN §2.
const (
	StateDraft           AppState = "draft"            // 草稿
	StateSubmitted       AppState = "submitted"        // 已申报，待县区初审
	StateReturned        AppState = "returned"         // 退回补正
	StateNotRecommended  AppState = "not_recommended"  // 县区不予推荐
	StateRecommended     AppState = "recommended"      // 县区已推荐
	StateExpertReview    AppState = "expert_review"    // 专家评审中
	StateReviewed        AppState = "reviewed"         // 评审通过，待资格复核
	StateReviewFailed    AppState = "review_failed"    // 评审未通过
	StateRechecked       AppState = "rechecked"        // 资格复核通过
	StateRecheckFailed   AppState = "recheck_failed"   // 资格复核未通过
	StateInPublicity     AppState = "in_publicity"     // 公示中
	StateObjectionUpheld AppState = "objection_upheld" // 公示异议成立，退出公示
	StatePublicityPassed AppState = "publicity_passed" // 公示期满无异议
	StateApproved        AppState = "approved"         // 政府审批通过
	StateWithdrawn       AppState = "withdrawn"        // 申报主体撤回
	StateCancelled       AppState = "cancelled"        // 违规处理：取消申报资格（第二十条）
)

var stateLabels = map[AppState]string{
	StateDraft: "草稿", StateSubmitted: "已申报", StateReturned: "退回补正", StateNotRecommended: "不予推荐",
	StateRecommended: "县区已推荐", StateExpertReview: "专家评审中", StateReviewed: "评审通过",
	StateReviewFailed: "评审未通过", StateRechecked: "资格复核通过", StateRecheckFailed: "资格复核未通过",
	StateInPublicity: "公示中", StateObjectionUpheld: "异议成立", StatePublicityPassed: "公示通过",
	StateApproved: "已批准", StateWithdrawn: "已撤回", StateCancelled: "已取消申报资格",
}

// Label is the Chinese name of the state.
func (s AppState) Label() string {
	if l, ok := stateLabels[s]; ok {
		return l
	}
	return string(s)
}

// Terminal reports whether no action leads out of the state.
func (s AppState) Terminal() bool {
	for _, t := range transitions {
		if t.from[s] {
			return false
		}
	}
	return true
}

// AppAction is an action on an application.
type AppAction string

// The actions, each with the article of 第十四条 (or 第二十条) it carries out.
const (
	ActSubmit          AppAction = "submit"           // 自主申报 （一）
	ActWithdraw        AppAction = "withdraw"         // 撤回
	ActReturn          AppAction = "return"           // 退回补正 （二）
	ActDecline         AppAction = "decline"          // 不予推荐 （二）
	ActRecommend       AppAction = "recommend"        // 县区推荐 （二）
	ActStartReview     AppAction = "start_review"     // 组织专家评审 （三）
	ActPassReview      AppAction = "pass_review"      // 评审通过 （三）
	ActFailReview      AppAction = "fail_review"      // 评审未通过 （三）
	ActRecheckPass     AppAction = "recheck_pass"     // 资格复核通过 （四）
	ActRecheckFail     AppAction = "recheck_fail"     // 资格复核未通过 （四）
	ActPublish         AppAction = "publish"          // 网站公示 （五）
	ActUpholdObjection AppAction = "uphold_objection" // 异议成立 （五）
	ActClosePublicity  AppAction = "close_publicity"  // 公示期满 （五）
	ActApprove         AppAction = "approve"          // 政府审批 （六）
	ActCancel          AppAction = "cancel"           // 取消申报资格 （第二十条）
)

type transition struct {
	from    map[AppState]bool
	to      AppState
	roles   map[Role]bool
	label   string
	article string
}

func states(ss ...AppState) map[AppState]bool {
	m := make(map[AppState]bool, len(ss))
	for _, s := range ss {
		m[s] = true
	}
	return m
}

func roleSet(rs ...Role) map[Role]bool {
	m := make(map[Role]bool, len(rs))
	for _, r := range rs {
		m[r] = true
	}
	return m
}

// beforeApproval are the states an applicant may withdraw from: any live
// state before the government's approval.
var beforeApproval = states(StateDraft, StateSubmitted, StateReturned, StateRecommended, StateExpertReview,
	StateReviewed, StateRechecked, StateInPublicity, StatePublicityPassed)

var transitions = map[AppAction]transition{
	ActSubmit:   {states(StateDraft, StateReturned), StateSubmitted, roleSet(RoleApplicant), "提交申报", "第十四条（一）"},
	ActWithdraw: {beforeApproval, StateWithdrawn, roleSet(RoleApplicant), "撤回申报", "第十四条（一）"},
	// The first review is the 属地 district's; for an applicant registered
	// outside Changchun (a service provider, 第十三条) there is none, and the
	// city bureau reviews it (enforced with the application's district in
	// app.Act).
	ActReturn:          {states(StateSubmitted), StateReturned, roleSet(RoleDistrictMIIT, RoleCityMIIT), "退回补正", "第十四条（二）"},
	ActDecline:         {states(StateSubmitted), StateNotRecommended, roleSet(RoleDistrictMIIT, RoleCityMIIT), "不予推荐", "第十四条（二）"},
	ActRecommend:       {states(StateSubmitted), StateRecommended, roleSet(RoleDistrictMIIT, RoleCityMIIT), "推荐", "第十四条（二）"},
	ActStartReview:     {states(StateRecommended), StateExpertReview, roleSet(RoleCityMIIT), "提交专家评审", "第十四条（三）"},
	ActPassReview:      {states(StateExpertReview), StateReviewed, roleSet(RoleCityMIIT), "评审通过", "第十四条（三）"},
	ActFailReview:      {states(StateExpertReview), StateReviewFailed, roleSet(RoleCityMIIT), "评审未通过", "第十四条（三）"},
	ActRecheckPass:     {states(StateReviewed), StateRechecked, roleSet(RoleCityMIIT, RoleCityFinance), "资格复核通过（会签）", "第十四条（四）"},
	ActRecheckFail:     {states(StateReviewed), StateRecheckFailed, roleSet(RoleCityMIIT, RoleCityFinance), "资格复核未通过", "第十四条（四）"},
	ActPublish:         {states(StateRechecked), StateInPublicity, roleSet(RoleCityMIIT), "网站公示", "第十四条（五）"},
	ActUpholdObjection: {states(StateInPublicity), StateObjectionUpheld, roleSet(RoleCityMIIT), "异议成立，退出公示", "第十四条（五）"},
	ActClosePublicity:  {states(StateInPublicity), StatePublicityPassed, roleSet(RoleCityMIIT), "公示期满无异议", "第十四条（五）"},
	ActApprove:         {states(StatePublicityPassed), StateApproved, roleSet(RoleCityMIIT), "政府审批通过", "第十四条（六）"},
	// A violation decision (违规处理决定) cancels the unit's applications
	// that have not been approved yet (取消其申报资格). Only the decision
	// takes it (app.DecideSanction), in the decision's own transaction.
	ActCancel: {beforeApproval, StateCancelled, roleSet(RoleCityMIIT), "取消申报资格", "第二十条"},
}

// AppActions lists every action, in process order.
var AppActions = []AppAction{ActSubmit, ActWithdraw, ActReturn, ActDecline, ActRecommend, ActStartReview,
	ActPassReview, ActFailReview, ActRecheckPass, ActRecheckFail, ActPublish, ActUpholdObjection,
	ActClosePublicity, ActApprove, ActCancel}

// AppStates lists every state, in process order.
var AppStates = []AppState{StateDraft, StateSubmitted, StateReturned, StateNotRecommended, StateRecommended,
	StateExpertReview, StateReviewed, StateReviewFailed, StateRechecked, StateRecheckFailed, StateInPublicity,
	StateObjectionUpheld, StatePublicityPassed, StateApproved, StateWithdrawn, StateCancelled}

// Label is the Chinese name of the action.
func (a AppAction) Label() string { return transitions[a].label }

// Article is the provision the action carries out.
func (a AppAction) Article() string { return transitions[a].article }

// Transition returns the state the action leads to from `from` when taken by
// role, or an error that says in Chinese why it is refused: an unknown
// action, a role that may not take it, or a state it cannot start from.
func Transition(from AppState, action AppAction, role Role) (AppState, error) {
	t, ok := transitions[action]
	if !ok {
		return from, Errorf(EINVALID, "未知的操作 %q", action)
	}
	if !t.roles[role] {
		return from, Errorf(EFORBIDDEN, "%s无权执行“%s”", role.Label(), t.label)
	}
	if !t.from[from] {
		return from, Errorf(ECONFLICT, "申报处于“%s”状态，不能执行“%s”", from.Label(), t.label)
	}
	return t.to, nil
}

// ActionsFor lists the actions role may take in state s, for showing exactly
// the buttons that would succeed.
func ActionsFor(s AppState, role Role) []AppAction {
	var out []AppAction
	for _, a := range AppActions {
		if _, err := Transition(s, a, role); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// Application is one 申报 under a call.
type Application struct {
	ID                    int64
	Number                string // 申报编号, e.g. SB2026-000123
	CallID                int64
	OrgID                 int64
	DistrictCode          string // the applicant's 属地 at creation: the district that reviews it
	State                 AppState
	Title                 string
	Description           string
	Subtype               string // 7.2: cloud | benchmark
	ManufacturingRetrofit bool
	RequestedFen          int64
	Declarations          Declarations
	DecisionJSON          string // the rules' decision at the last submission or re-check
	Version               int    // submitted versions so far
	SubmittedAt           time.Time
	CreatedBy             int64
	CreatedAt             time.Time
	UpdatedAt             time.Time
	Spending              []Spending
	Goals                 []Goal
	ProviderIDs           []int64
	Origin                Origin // who started it: the applicant, a ranking or a 免申即享 match
	OriginRef             string // the ranking or match record it came from (empty when applied)

	// Filled by list and detail queries.
	OrgName      string
	OrgUSCC      string
	CallTitle    string
	CallCategory string
	DistrictName string
}

// Declarations are the applicant's sworn statements (诚信承诺) and the facts
// 第十条, 第十一条 and 第十三条 need that the system cannot know by itself.
type Declarations struct {
	Integrity                   bool `json:"integrity"`                          // 诚信承诺（第二十条）
	LittleGiantCentralFunded    bool `json:"little_giant_central_funded"`        // 第十条（一）
	Pilot2022                   bool `json:"pilot_2022"`                         // 第十条（二）
	UnacceptedProjectAfterPilot bool `json:"has_unaccepted_project_after_pilot"` // 第十条（三）
	TaxCompliant                bool `json:"tax_compliant"`                      // 第十三条 依法纳税
	NoMajorIncident             bool `json:"no_major_incident"`                  // 第十三条 近三年无重大事故
}

// Spending is one item of claimed spending (第七条（一）).
type Spending struct {
	Seq          int
	Type         string // software | cloud | data_equipment | consulting | other
	Supplier     string
	Description  string
	ContractNo   string
	ContractDate string
	InvoiceNo    string
	InvoiceDate  string
	PaymentDate  string
	AmountFen    int64
	ApprovedFen  *int64 // 核定投入, set by the expert review
}

// Goal is one performance goal (绩效目标): indicator, baseline and target.
type Goal struct {
	Seq       int
	Indicator string
	Baseline  string
	Target    string
}

// AppEvent is one line of an application's timeline.
type AppEvent struct {
	ID       int64
	At       time.Time
	ActorID  int64
	Actor    string
	Action   string
	From, To AppState
	Reason   string
	Citation string
}

// Editable reports whether the applicant may change the application.
func (a *Application) Editable() bool { return a.State == StateDraft || a.State == StateReturned }
