package app

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
)

// 免申即享 (第十五条 “通过免申即享等方式拨付”). 市工业和信息化局 defines a
// matching policy (匹配政策): the call whose category the award is under
// (第七条（二）上云上平台), the period of the cloud-service adoptions that
// count, the criteria, and the days an enterprise has to confirm. A run
// applies the policy to every applicant enterprise with the pure rules of
// policy.Match and, in one transaction, records what it found for each
// candidate and proposes the award to each enterprise that meets the
// policy — at most once per policy and enterprise (UNIQUE, insert if
// absent), so running it again creates nothing. The enterprise confirms
// only its wish and its bank account; in the same transaction the proposal
// becomes an application in 评审通过 (ProposeApplication) that goes through
// the joint re-check, publicity and approval like any other. It may decline;
// a proposal not confirmed by its last day lapses (LapseProposals).
//
// RunMatching (for one policy), RunActiveMatching (every active policy) and
// LapseProposals are what a scheduled job calls.

// MatchRun is one run of a matching policy.
type MatchRun = store.MatchRun

// AcceptanceSource supplies, by organisation, the 第七条（一） projects that
// passed acceptance as of a date, for policies that require one (事后奖补).
// It is not wired yet: acceptance is recorded by another part of the
// system, which sets App.Acceptances. Until then such a policy cannot be
// created, and a run of one excludes every enterprise saying why.
type AcceptanceSource interface {
	AcceptedProjects(ctx context.Context, asOf calendar.Date) (map[int64][]policy.AcceptedProject, error)
}

// Who may do what with 免申即享.
var (
	matchManagers = []dtfund.Role{dtfund.RoleCityMIIT}
	matchViewers  = []dtfund.Role{dtfund.RoleCityMIIT, dtfund.RoleCityFinance}
	// matchRunners: the city bureau, and the system actor of scheduled work.
	matchRunners = []dtfund.Role{dtfund.RoleCityMIIT, dtfund.RoleAdmin}
)

// Field limits of the policy form.
const (
	maxPolicyName     = 100
	maxPolicyNote     = 500
	maxMinServices    = 20
	maxConfirmDays    = 90
	maxDeclineReason  = 200
	minAccountDigits  = 9
	maxAccountDigits  = 30
	maxBankNameRunes  = 60
	matchingCitation  = "第十五条、第七条（二）"
	proposalRefPrefix = "matching:"
)

// MatchPolicyInput is the policy form.
type MatchPolicyInput struct {
	ID                int64 // 0 for a new policy
	Name              string
	CallID            int64
	PeriodFrom        string
	PeriodTo          string
	MinServices       int
	RequireSME        bool
	RequirePilot      bool
	RequireAcceptance bool
	ConfirmDays       int
	Active            bool
	Note              string
}

func (a *App) validatePolicy(in *MatchPolicyInput) error {
	var v dtfund.ValidationErrors
	in.Name, in.Note = strings.TrimSpace(in.Name), strings.TrimSpace(in.Note)
	in.PeriodFrom, in.PeriodTo = strings.TrimSpace(in.PeriodFrom), strings.TrimSpace(in.PeriodTo)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > maxPolicyName {
		v.Add("name", "请填写政策名称（不超过%d字）", maxPolicyName)
	}
	if in.CallID <= 0 {
		v.Add("call_id", "请选择奖补所属的申报批次（第七条（二）类）")
	}
	from, ferr := calendar.ParseDate(in.PeriodFrom)
	to, terr := calendar.ParseDate(in.PeriodTo)
	switch {
	case ferr != nil:
		v.Add("period_from", "请填写统计期起始日，格式为 YYYY-MM-DD")
	case terr != nil:
		v.Add("period_to", "请填写统计期截止日，格式为 YYYY-MM-DD")
	case to.Before(from):
		v.Add("period_to", "统计期截止日不能早于起始日")
	}
	if in.MinServices < 1 || in.MinServices > maxMinServices {
		v.Add("min_services", "最少云服务数须为1至%d的整数", maxMinServices)
	}
	if in.ConfirmDays < 1 || in.ConfirmDays > maxConfirmDays {
		v.Add("confirm_days", "确认期限须为1至%d天", maxConfirmDays)
	}
	if in.RequireAcceptance && a.Acceptances == nil {
		v.Add("require_acceptance", "验收结果尚未接入本系统，暂不能设置“第七条（一）项目已通过验收”条件")
	}
	if utf8.RuneCountInString(in.Note) > maxPolicyNote {
		v.Add("note", "说明不超过%d字", maxPolicyNote)
	}
	return v.Err()
}

// checkPolicyCall refuses a call whose category is not 第七条（二）: the
// amount rule built is the cloud award of that item.
func checkPolicyCall(ctx context.Context, tx *store.Tx, callID int64) error {
	call, err := tx.Call(ctx, callID)
	if dtfund.ErrorCode(err) == dtfund.ENOTFOUND {
		return dtfund.FieldError("call_id", "所选申报批次不存在")
	}
	if err != nil {
		return err
	}
	if call.Category != "7.2" {
		return dtfund.FieldError("call_id", "免申即享上云奖补只能归入第七条（二）类批次；“%s”属于%s", call.Title,
			dtfund.CategoryLabel(call.Category))
	}
	return nil
}

func (in *MatchPolicyInput) record() *store.MatchPolicy {
	return &store.MatchPolicy{ID: in.ID, Name: in.Name, CallID: in.CallID, Subtype: policy.SubtypeCloud, PeriodFrom: in.PeriodFrom,
		PeriodTo: in.PeriodTo, MinServices: in.MinServices, RequireSME: in.RequireSME, RequirePilot: in.RequirePilot,
		RequireAcceptance: in.RequireAcceptance, ConfirmDays: in.ConfirmDays, Active: in.Active, Note: in.Note}
}

// CreateMatchPolicy saves a new policy.
func (a *App) CreateMatchPolicy(ctx context.Context, actor Actor, in MatchPolicyInput) (*store.MatchPolicy, error) {
	if err := requireRole(actor, matchManagers...); err != nil {
		return nil, err
	}
	if err := a.validatePolicy(&in); err != nil {
		return nil, err
	}
	p := in.record()
	p.CreatedBy = actor.User.ID
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := checkPolicyCall(ctx, tx, in.CallID); err != nil {
			return err
		}
		if err := tx.CreateMatchPolicy(ctx, p); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("matching.policy_create", "match_policy", itoa(p.ID)), nil, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// UpdateMatchPolicy saves an edited policy; proposals already made keep
// the findings and amount of the run that made them.
func (a *App) UpdateMatchPolicy(ctx context.Context, actor Actor, in MatchPolicyInput) (*store.MatchPolicy, error) {
	if err := requireRole(actor, matchManagers...); err != nil {
		return nil, err
	}
	if err := a.validatePolicy(&in); err != nil {
		return nil, err
	}
	p := in.record()
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.MatchPolicy(ctx, in.ID)
		if err != nil {
			return err
		}
		if err := checkPolicyCall(ctx, tx, in.CallID); err != nil {
			return err
		}
		if err := tx.UpdateMatchPolicy(ctx, p); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("matching.policy_update", "match_policy", itoa(p.ID)), before, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// MatchPolicies lists the policies.
func (a *App) MatchPolicies(ctx context.Context, actor Actor, page store.Page) ([]*store.MatchPolicy, int, error) {
	if err := requireRole(actor, matchViewers...); err != nil {
		return nil, 0, err
	}
	return a.DB.FindMatchPolicies(ctx, false, page)
}

// MatchPolicy returns one policy.
func (a *App) MatchPolicy(ctx context.Context, actor Actor, id int64) (*store.MatchPolicy, error) {
	if err := requireRole(actor, matchViewers...); err != nil {
		return nil, err
	}
	return a.DB.MatchPolicy(ctx, id)
}

// MatchRuns lists a policy's runs.
func (a *App) MatchRuns(ctx context.Context, actor Actor, policyID int64, page store.Page) ([]*MatchRun, int, error) {
	if err := requireRole(actor, matchViewers...); err != nil {
		return nil, 0, err
	}
	return a.DB.FindMatchRuns(ctx, policyID, page)
}

// PolicyAmountRule is the cloud award's amount rule in force today under
// the policy's call (the call's overrides applied), for display.
func (a *App) PolicyAmountRule(ctx context.Context, callID int64) (policy.CloudAmountRule, error) {
	call, err := a.DB.Call(ctx, callID)
	if err != nil {
		return policy.CloudAmountRule{}, err
	}
	v, err := callValues(call, policyDate(calendar.DateOf(a.Now())))
	if err != nil {
		return policy.CloudAmountRule{}, err
	}
	return policy.CloudRule(v), nil
}

// ---- the run ----

// RunActiveMatching runs every active policy, one transaction each. It is
// meant for a scheduled job; a failing policy does not stop the others, and
// the errors are returned together.
func (a *App) RunActiveMatching(ctx context.Context, actor Actor) ([]*MatchRun, error) {
	if err := requireRole(actor, matchRunners...); err != nil {
		return nil, err
	}
	pols, _, err := a.DB.FindMatchPolicies(ctx, true, store.Page{Limit: 200})
	if err != nil {
		return nil, err
	}
	var runs []*MatchRun
	var errs []string
	for _, p := range pols {
		r, err := a.RunMatching(ctx, actor, p.ID)
		if err != nil {
			errs = append(errs, "政策“"+p.Name+"”："+dtfund.ErrorMessage(err))
			continue
		}
		runs = append(runs, r)
	}
	if len(errs) > 0 {
		return runs, dtfund.Errorf(dtfund.ECONFLICT, "%s", strings.Join(errs, "；"))
	}
	return runs, nil
}

// RunMatching applies one active policy to every applicant enterprise and
// proposes the award to each that meets it and has no proposal of this
// policy yet. It reads every fact in a few queries and writes in one
// transaction with its audit record; running it twice proposes nothing new.
func (a *App) RunMatching(ctx context.Context, actor Actor, policyID int64) (*MatchRun, error) {
	if err := requireRole(actor, matchRunners...); err != nil {
		return nil, err
	}
	pol, err := a.DB.MatchPolicy(ctx, policyID)
	if err != nil {
		return nil, err
	}
	var accepted map[int64][]policy.AcceptedProject
	known := a.Acceptances != nil
	if pol.RequireAcceptance && known {
		if accepted, err = a.Acceptances.AcceptedProjects(ctx, calendar.DateOf(a.Now())); err != nil {
			return nil, err
		}
	}
	var run *MatchRun
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		run, err = runMatchingTx(ctx, tx, actor, policyID, acceptance{known: known, byOrg: accepted})
		return err
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// acceptance is what the run knows of accepted 第七条（一） projects.
type acceptance struct {
	known bool
	byOrg map[int64][]policy.AcceptedProject
}

// runState carries one run through its steps.
type runState struct {
	pol      *store.MatchPolicy
	call     *dtfund.Call
	values   *policy.Values
	crit     policy.MatchCriteria
	asOf     calendar.Date
	run      *MatchRun
	results  []store.MatchResult
	proposed []store.NewProposal
}

func runMatchingTx(ctx context.Context, tx *store.Tx, actor Actor, policyID int64, acc acceptance) (*MatchRun, error) {
	st, err := prepareRun(ctx, tx, actor, policyID)
	if err != nil {
		return nil, err
	}
	data, err := tx.LoadMatchData(ctx, store.MatchQuery{PolicyID: st.pol.ID, CallID: st.call.ID,
		PeriodFrom: st.pol.PeriodFrom, PeriodTo: st.pol.PeriodTo})
	if err != nil {
		return nil, err
	}
	if err := st.decide(data, acc); err != nil {
		return nil, err
	}
	if err := st.write(ctx, tx); err != nil {
		return nil, err
	}
	return st.run, tx.Audit(ctx, actor.audit("matching.run", "match_policy", itoa(st.pol.ID)), nil, map[string]any{
		"run_id": st.run.ID, "as_of": st.run.AsOf, "enterprises": st.run.Enterprises, "candidates": st.run.Candidates,
		"matched": st.run.Matched, "proposed": st.run.Proposed, "deadline": st.run.Deadline, "params_version": st.run.ParamsVersion})
}

// prepareRun reads the policy and its call and resolves the parameters in
// force today with the call's overrides.
func prepareRun(ctx context.Context, tx *store.Tx, actor Actor, policyID int64) (*runState, error) {
	pol, err := tx.MatchPolicy(ctx, policyID)
	if err != nil {
		return nil, err
	}
	if !pol.Active {
		return nil, dtfund.Errorf(dtfund.ECONFLICT, "匹配政策“%s”已停用，不能运行", pol.Name)
	}
	call, err := tx.Call(ctx, pol.CallID)
	if err != nil {
		return nil, err
	}
	st := &runState{pol: pol, call: call, asOf: calendar.DateOf(tx.Now())}
	if st.values, err = callValues(call, policyDate(st.asOf)); err != nil {
		return nil, err
	}
	if st.crit, err = criteriaOf(pol); err != nil {
		return nil, err
	}
	crit, _ := json.Marshal(criteriaDoc(pol, call))
	st.run = &MatchRun{PolicyID: pol.ID, AsOf: st.asOf.String(), CriteriaJSON: string(crit), ParamsVersion: st.values.Version(),
		AmountRule: amountRuleText(policy.CloudRule(st.values)), Deadline: st.asOf.AddDays(pol.ConfirmDays).String(),
		RunByName: actor.User.DisplayName, PolicyName: pol.Name}
	if actor.User.ID != 0 {
		st.run.RunBy = actor.User.ID
	}
	return st, nil
}

// decide runs the rules on every candidate.
func (st *runState) decide(data *store.MatchData, acc acceptance) error {
	st.run.Enterprises, st.run.Candidates = data.Enterprises, len(data.Candidates)
	st.results = make([]store.MatchResult, 0, len(data.Candidates))
	on := policyDate(st.asOf)
	for _, c := range data.Candidates {
		facts, err := candidateFacts(c, acc)
		if err != nil {
			return err
		}
		r := policy.Match(st.values, &st.crit, facts, on)
		res, err := st.record(c, &r)
		if err != nil {
			return err
		}
		st.results = append(st.results, res)
	}
	st.run.Proposed = len(st.proposed)
	return nil
}

// record turns one decision into the run's result and, for a new match, a
// proposal. Findings are stored once: an exclusion's failing findings in
// the result; a new proposal's full findings in the proposal, which the
// result points at; a match proposed by an earlier run keeps the findings
// that made its proposal.
func (st *runState) record(c *store.MatchCandidate, r *policy.MatchResult) (store.MatchResult, error) {
	res := store.MatchResult{OrgID: c.OrgID, Services: r.Services, ProposalID: c.ProposalID}
	if !r.Matched {
		b, err := json.Marshal(r.Failing())
		res.Outcome, res.FindingsJSON = store.OutcomeExcluded, string(b)
		return res, err
	}
	st.run.Matched++
	res.AmountFen = r.AmountFen
	if c.ProposalID != 0 {
		res.Outcome = store.OutcomeAlready
		return res, nil
	}
	b, err := json.Marshal(r.Findings)
	st.proposed = append(st.proposed, store.NewProposal{OrgID: c.OrgID, DistrictCode: c.DistrictCode, Services: r.Services,
		AmountFen: r.AmountFen, FindingsJSON: string(b)})
	res.Outcome = store.OutcomeProposed
	return res, err
}

// write stores the run, its new proposals, its results and one
// notification per new proposal.
func (st *runState) write(ctx context.Context, tx *store.Tx) error {
	if err := tx.CreateMatchRun(ctx, st.run); err != nil {
		return err
	}
	ids, err := tx.InsertMatchProposals(ctx, st.run, st.call.ID, st.proposed)
	if err != nil {
		return err
	}
	if len(ids) != len(st.proposed) {
		// Write transactions take turns, so nothing else can have proposed meanwhile.
		return dtfund.Errorf(dtfund.ECONFLICT, "匹配期间推荐记录发生变化，请重新运行")
	}
	for i := range st.results {
		r := &st.results[i]
		r.RunID = st.run.ID
		if r.Outcome == store.OutcomeProposed {
			r.ProposalID = ids[r.OrgID]
		}
	}
	if err := tx.InsertMatchResults(ctx, st.results); err != nil {
		return err
	}
	if st.run.Proposed == 0 {
		return nil
	}
	return tx.NotifyRunProposals(ctx, st.run.ID, "免申即享：贵单位符合“"+st.pol.Name+"”，请确认申领",
		"系统依据已掌握的数据（贵单位确认的云服务使用记录、企业规模、行业、注册地和信用记录）认定贵单位符合免申即享政策“"+st.pol.Name+
			"”的条件（第十五条、第七条（二））。无需提交申报材料，请于"+st.run.Deadline+"（含当日）前登录系统，在“免申即享”中确认申领意愿和收款银行账户；逾期未确认的推荐将失效。")
}

// candidateFacts turns a candidate's stored facts into the rules' facts.
func candidateFacts(c *store.MatchCandidate, acc acceptance) (*policy.MatchFacts, error) {
	legal := c.LegalPerson
	a := policy.Applicant{Name: c.Name, USCC: c.USCC, Kind: policy.EntityKind(c.Kind), Role: policy.RoleEnterprise,
		LegalPerson: &legal, RegionCode: c.RegionCode, District: c.DistrictName, IndustryCode: c.IndustryCode}
	if c.HasSize {
		emp, rev := c.Employees, c.RevenueFen
		a.Employees, a.RevenueFen = &emp, &rev
	}
	for _, cr := range c.Credits {
		r := policy.CreditRecord{Kind: policy.CreditKind(cr.Kind)}
		var err error
		if r.Start, err = policy.ParseDate(cr.StartDate); err != nil {
			return nil, dtfund.Errorf(dtfund.EINVALID, "单位“%s”的信用记录日期无效：%s", c.Name, cr.StartDate)
		}
		if cr.EndDate != "" {
			if r.End, err = policy.ParseDate(cr.EndDate); err != nil {
				return nil, dtfund.Errorf(dtfund.EINVALID, "单位“%s”的信用记录日期无效：%s", c.Name, cr.EndDate)
			}
		}
		a.CreditRecords = append(a.CreditRecords, r)
	}
	f := &policy.MatchFacts{Applicant: a, AcceptanceKnown: acc.known, Accepted: acc.byOrg[c.OrgID], Duplicate: c.Live,
		CloudAdoptions: make([]policy.CloudAdoption, 0, len(c.Adoptions))}
	for _, ad := range c.Adoptions {
		d, err := policy.ParseDate(ad.ContractDate)
		if err != nil {
			return nil, dtfund.Errorf(dtfund.EINVALID, "单位“%s”的云服务使用记录合同日期无效：%s", c.Name, ad.ContractDate)
		}
		f.CloudAdoptions = append(f.CloudAdoptions, policy.CloudAdoption{ProductID: ad.ProductID, Product: ad.Product,
			Provider: ad.Provider, ContractDate: d})
	}
	return f, nil
}

// criteriaOf is the policy as the rules read it.
func criteriaOf(p *store.MatchPolicy) (policy.MatchCriteria, error) {
	from, err := policy.ParseDate(p.PeriodFrom)
	if err != nil {
		return policy.MatchCriteria{}, err
	}
	to, err := policy.ParseDate(p.PeriodTo)
	if err != nil {
		return policy.MatchCriteria{}, err
	}
	return policy.MatchCriteria{PeriodFrom: from, PeriodTo: to, MinServices: p.MinServices, RequireSME: p.RequireSME,
		RequirePilotIndustry: p.RequirePilot, RequireAcceptedRetrofit: p.RequireAcceptance}, nil
}

// criteriaDoc is the policy as a run applied it, stored with the run.
func criteriaDoc(p *store.MatchPolicy, call *dtfund.Call) map[string]any {
	return map[string]any{"policy": p.Name, "call_id": call.ID, "call": call.Title, "category": call.Category,
		"subtype": p.Subtype, "period_from": p.PeriodFrom, "period_to": p.PeriodTo, "min_services": p.MinServices,
		"require_sme": p.RequireSME, "require_pilot_industry": p.RequirePilot, "require_accepted_retrofit": p.RequireAcceptance,
		"confirm_days": p.ConfirmDays}
}

// amountRuleText states the amount rule with its source.
func amountRuleText(r policy.CloudAmountRule) string {
	return "每确认使用一项平台云服务计" + policy.Wan(r.PerServiceFen) + "，每家合计在" + policy.Wan(r.MinFen) + "至" +
		policy.Wan(r.MaxFen) + "之间（第七条（二）“每家上云上平台的企业支持1-3万”）；每项金额依据：" + r.Source
}

// policyDate converts a civil date between the two date types.
func policyDate(d calendar.Date) policy.Date {
	return policy.NewDate(d.Year, d.Month, d.Day)
}

// callValues resolves the parameters in force on a date under a call (its
// pinned version and overrides), as a decision under the call would.
func callValues(call *dtfund.Call, on policy.Date) (*policy.Values, error) {
	pc := policy.Call{Name: call.Title, ParamsVersion: call.ParamsVersion}
	for _, o := range call.Overrides {
		pc.Overrides = append(pc.Overrides, policy.Override{Key: o.Key, Value: json.RawMessage(strconv.FormatInt(o.Value, 10)),
			Source: o.Source})
	}
	v, fs := policy.CallParams(policy.Default(), &pc, on)
	if v == nil {
		var msgs []string
		for _, f := range fs {
			if f.Outcome == policy.Fail {
				msgs = append(msgs, f.Message)
			}
		}
		return nil, dtfund.Errorf(dtfund.EINVALID, "批次“%s”的参数无法使用：%s", call.Title, strings.Join(msgs, "；"))
	}
	return v, nil
}

// ---- results and proposals ----

// ResultView is one line of a run's results with its findings decoded.
type ResultView struct {
	*store.MatchResult
	Findings []policy.Finding
}

// MatchRunDetail returns a run and a page of its results.
func (a *App) MatchRunDetail(ctx context.Context, actor Actor, f store.ResultFilter) (*MatchRun, []ResultView, int, error) {
	if err := requireRole(actor, matchViewers...); err != nil {
		return nil, nil, 0, err
	}
	run, err := a.DB.MatchRun(ctx, f.RunID)
	if err != nil {
		return nil, nil, 0, err
	}
	rs, total, err := a.DB.MatchResults(ctx, f)
	if err != nil {
		return nil, nil, 0, err
	}
	out := make([]ResultView, len(rs))
	for i, r := range rs {
		out[i].MatchResult = r
		if err := json.Unmarshal([]byte(r.FindingsJSON), &out[i].Findings); err != nil {
			return nil, nil, 0, err
		}
	}
	return run, out, total, nil
}

// proposalScope is the part of the proposals the actor may see: its own
// for an enterprise, its district's for district officials, all for the
// city bureaus. Out of scope is not found.
func proposalScope(actor Actor) (store.ProposalFilter, error) {
	if actor.User == nil {
		return store.ProposalFilter{}, dtfund.Errorf(dtfund.EUNAUTHORIZED, "请先登录")
	}
	u := actor.User
	switch u.Role {
	case dtfund.RoleApplicant:
		if u.OrgID != 0 {
			return store.ProposalFilter{OrgID: u.OrgID}, nil
		}
	case dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance:
		if u.DistrictCode != "" {
			return store.ProposalFilter{DistrictCode: u.DistrictCode}, nil
		}
	case dtfund.RoleCityMIIT, dtfund.RoleCityFinance:
		return store.ProposalFilter{}, nil
	}
	return store.ProposalFilter{}, dtfund.Errorf(dtfund.EFORBIDDEN, "您的角色（%s）无权查看免申即享推荐", u.Role.Label())
}

func scoped(f store.ProposalFilter, scope store.ProposalFilter) store.ProposalFilter {
	f.OrgID, f.DistrictCode = scope.OrgID, scope.DistrictCode
	return f
}

// Proposals lists the proposals the actor may see, account numbers masked.
func (a *App) Proposals(ctx context.Context, actor Actor, f store.ProposalFilter) ([]*store.MatchProposal, int, error) {
	scope, err := proposalScope(actor)
	if err != nil {
		return nil, 0, err
	}
	ps, total, err := a.DB.FindProposals(ctx, scoped(f, scope))
	for _, p := range ps {
		p.AccountNo = MaskAccount(p.AccountNo)
	}
	return ps, total, err
}

// ProposalView is a proposal as its page shows it.
type ProposalView struct {
	*store.MatchProposal
	Findings []policy.Finding
	// FullAccount is true when AccountNo is shown in full: to the
	// enterprise itself, and to the finance bureaus once the award is
	// approved (the payment, 第六条（四）). Otherwise it is masked.
	FullAccount bool
	Overdue     bool // past the last day, not yet marked lapsed
	CanAnswer   bool // the enterprise may confirm or decline now
}

// Proposal returns one proposal the actor may see.
func (a *App) Proposal(ctx context.Context, actor Actor, id int64) (*ProposalView, error) {
	scope, err := proposalScope(actor)
	if err != nil {
		return nil, err
	}
	p, err := a.DB.Proposal(ctx, scoped(store.ProposalFilter{ID: id}, scope))
	if err != nil {
		return nil, err
	}
	v := &ProposalView{MatchProposal: p}
	if err := json.Unmarshal([]byte(p.FindingsJSON), &v.Findings); err != nil {
		return nil, err
	}
	today := calendar.DateOf(a.DB.Now()).String()
	v.Overdue = p.State == store.ProposalProposed && today > p.Deadline
	v.CanAnswer = actor.User.Role == dtfund.RoleApplicant && p.State == store.ProposalProposed && !v.Overdue
	v.FullAccount = actor.User.Role == dtfund.RoleApplicant || paymentContext(actor, p)
	if !v.FullAccount {
		p.AccountNo = MaskAccount(p.AccountNo)
	} else if actor.User.Role != dtfund.RoleApplicant && p.AccountNo != "" {
		// An official sees the number in full: recorded (敏感信息查看留痕).
		if err := a.auditView(ctx, actor, "match_proposal", itoa(p.ID), "account_no"); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// paymentContext: the finance bureaus pay an approved award and need the
// account in full.
func paymentContext(actor Actor, p *store.MatchProposal) bool {
	r := actor.User.Role
	return (r == dtfund.RoleCityFinance || r == dtfund.RoleDistrictFinance) && p.AppState == dtfund.StateApproved
}

// PaymentAccount returns in full the bank account an enterprise confirmed
// for the award of a matched application, for paying it (第六条（四）):
// finance bureaus only (a district only its own), and only once approved.
// Each call is audited as a view of the account number (sensitive.go).
func (a *App) PaymentAccount(ctx context.Context, actor Actor, appID int64) (*store.BankAccount, error) {
	if err := requireRole(actor, dtfund.RoleCityFinance, dtfund.RoleDistrictFinance); err != nil {
		return nil, err
	}
	scope, err := proposalScope(actor)
	if err != nil {
		return nil, err
	}
	p, err := a.DB.ProposalOfApplication(ctx, appID)
	if err != nil {
		return nil, err
	}
	if scope.DistrictCode != "" && p.DistrictCode != scope.DistrictCode {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "免申即享推荐不存在")
	}
	if p.AppState != dtfund.StateApproved {
		return nil, dtfund.Errorf(dtfund.ECONFLICT, "申报尚未审批通过，不提供收款账户")
	}
	if err := a.auditView(ctx, actor, "match_proposal", itoa(p.ID), "account_no"); err != nil {
		return nil, err
	}
	return &store.BankAccount{Name: p.AccountName, Bank: p.BankName, Number: p.AccountNo}, nil
}

// AwaitingProposals counts the actor's enterprise's proposals awaiting its
// confirmation and still within their deadline (the 待办 line).
func (a *App) AwaitingProposals(ctx context.Context, actor Actor) (int, error) {
	if actor.User == nil || actor.User.Role != dtfund.RoleApplicant || actor.User.OrgID == 0 {
		return 0, nil
	}
	return a.DB.CountProposals(ctx, store.ProposalFilter{OrgID: actor.User.OrgID, State: store.ProposalProposed},
		calendar.DateOf(a.DB.Now()).String())
}

// MaskAccount hides all but the last four digits of an account number.
func MaskAccount(no string) string {
	if no == "" {
		return ""
	}
	n := utf8.RuneCountInString(no)
	if n <= 4 {
		return strings.Repeat("*", n)
	}
	return strings.Repeat("*", n-4) + no[len(no)-4:]
}
