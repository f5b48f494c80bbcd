package api

import (
	"context"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// matchingOps: 免申即享 (第十五条) — the city bureau's policies and runs that
// find the enterprises entitled to the cloud award of 第七条（二）, the
// proposals within each bureau's jurisdiction, and the enterprise's
// confirmation (with the bank account) or refusal. Account numbers are
// masked exactly as the pages mask them (app.Proposals, app.Proposal).
func matchingOps() []*Operation {
	manage := roles(dtfund.RoleCityMIIT)
	view := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance)
	proposals := roles(dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT, dtfund.RoleCityFinance)
	enterprise := roles(dtfund.RoleApplicant)
	return group("matching",
		op("GET", "/matching/policies", "ListMatchPolicies", "免申即享匹配政策", view, listMatchPolicies),
		op("POST", "/matching/policies", "CreateMatchPolicy", "新建匹配政策（市工信局；归入第七条（二）类批次）", manage, createMatchPolicy).created(),
		op("GET", "/matching/policies/{id}", "GetMatchPolicy", "匹配政策及批次现行的上云奖补金额规则", view, getMatchPolicy),
		op("PUT", "/matching/policies/{id}", "UpdateMatchPolicy", "修改匹配政策（已作出的推荐保留原匹配结果）", manage, updateMatchPolicy),
		op("POST", "/matching/policies/{id}/runs", "RunMatching", "按政策运行匹配：符合条件的企业收到推荐，不符合的列出原因", manage, runMatching).created(),
		op("GET", "/matching/policies/{id}/runs", "ListMatchRuns", "政策的历次匹配", view, listMatchRuns),
		op("GET", "/matching/runs/{id}", "GetMatchRun", "一次匹配的概况", view, getMatchRun),
		op("GET", "/matching/runs/{id}/results", "ListMatchResults", "一次匹配中各企业的结果与逐条判定", view, listMatchResults),
		op("POST", "/matching/lapse", "LapseProposals", "将逾期未确认的推荐标记为失效（可重复执行）", manage, lapseProposals),
		op("GET", "/matching/proposals", "ListProposals", "免申即享推荐（企业见本单位，县区见本辖区；账号只显示末四位）", proposals, listProposals),
		op("GET", "/matching/proposals/{id}", "GetProposal", "推荐详情与推荐理由（账号对本企业及审批后的财政部门完整显示）", proposals, getProposal),
		op("POST", "/matching/proposals/{id}/confirm", "ConfirmProposal",
			"确认申领：填写收款账户，形成申报进入资格复核（第十四条（四））", enterprise, confirmProposal).fields("little_giant", "little_giant_central_funded"),
		op("POST", "/matching/proposals/{id}/decline", "DeclineProposal", "放弃该项奖补", enterprise, declineProposal),
	)
}

func matchPolicyOut(p *store.MatchPolicy) apiclient.MatchPolicy {
	return apiclient.MatchPolicy{ID: p.ID, Name: p.Name, CallID: p.CallID, CallTitle: p.CallTitle, PeriodFrom: p.PeriodFrom, PeriodTo: p.PeriodTo,
		MinServices: p.MinServices, RequireSME: p.RequireSME, RequirePilot: p.RequirePilot, RequireAcceptance: p.RequireAcceptance,
		ConfirmDays: p.ConfirmDays, Active: p.Active, Note: p.Note, Runs: p.Runs, Proposals: p.Proposals, CreatedAt: utc(p.CreatedAt),
		UpdatedAt: utc(p.UpdatedAt)}
}

func listMatchPolicies(ctx context.Context, c *Call, in *apiclient.Paging) (*apiclient.Page[apiclient.MatchPolicy], error) {
	p, err := page(in)
	if err != nil {
		return nil, err
	}
	ps, total, err := c.App.MatchPolicies(ctx, c.Actor, p)
	if err != nil {
		return nil, err
	}
	return pageOf(ps, total, *in, matchPolicyOut), nil
}

func matchPolicyIn(in *apiclient.MatchPolicyInput) app.MatchPolicyInput {
	return app.MatchPolicyInput{Name: in.Name, CallID: in.CallID, PeriodFrom: in.PeriodFrom, PeriodTo: in.PeriodTo, MinServices: in.MinServices,
		RequireSME: in.RequireSME, RequirePilot: in.RequirePilot, RequireAcceptance: in.RequireAcceptance, ConfirmDays: in.ConfirmDays,
		Active: in.Active, Note: in.Note}
}

func createMatchPolicy(ctx context.Context, c *Call, in *apiclient.MatchPolicyInput) (*apiclient.MatchPolicyDetail, error) {
	p, err := c.App.CreateMatchPolicy(ctx, c.Actor, matchPolicyIn(in))
	if err != nil {
		return nil, err
	}
	return getMatchPolicy(ctx, c, &apiclient.ByID{ID: p.ID})
}

func getMatchPolicy(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.MatchPolicyDetail, error) {
	p, err := c.App.MatchPolicy(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := &apiclient.MatchPolicyDetail{MatchPolicy: matchPolicyOut(p)}
	if r, err := c.App.PolicyAmountRule(ctx, p.CallID); err == nil {
		out.AmountRule = &apiclient.CloudAmountRule{PerServiceFen: r.PerServiceFen, MinFen: r.MinFen, MaxFen: r.MaxFen, Source: r.Source,
			Override: r.Override}
	} else {
		out.AmountRuleError = dtfund.ErrorMessage(err)
	}
	return out, nil
}

func updateMatchPolicy(ctx context.Context, c *Call, in *apiclient.MatchPolicyUpdate) (*apiclient.MatchPolicyDetail, error) {
	x := matchPolicyIn(&in.MatchPolicyInput)
	x.ID = in.ID
	if _, err := c.App.UpdateMatchPolicy(ctx, c.Actor, x); err != nil {
		return nil, err
	}
	return getMatchPolicy(ctx, c, &apiclient.ByID{ID: in.ID})
}

func matchRunOut(r *store.MatchRun) apiclient.MatchRun {
	return apiclient.MatchRun{ID: r.ID, PolicyID: r.PolicyID, PolicyName: r.PolicyName, AsOf: r.AsOf, ParamsVersion: r.ParamsVersion,
		AmountRule: r.AmountRule, Enterprises: r.Enterprises, Candidates: r.Candidates, Matched: r.Matched, Proposed: r.Proposed,
		Deadline: r.Deadline, RunBy: r.RunByName, CreatedAt: utc(r.CreatedAt)}
}

func runMatching(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.MatchRun, error) {
	r, err := c.App.RunMatching(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return getMatchRun(ctx, c, &apiclient.ByID{ID: r.ID})
}

func listMatchRuns(ctx context.Context, c *Call, in *apiclient.MatchRunsQuery) (*apiclient.Page[apiclient.MatchRun], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	if _, err := c.App.MatchPolicy(ctx, c.Actor, in.ID); err != nil {
		return nil, err
	}
	runs, total, err := c.App.MatchRuns(ctx, c.Actor, in.ID, p)
	if err != nil {
		return nil, err
	}
	return pageOf(runs, total, in.Paging, matchRunOut), nil
}

func getMatchRun(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.MatchRun, error) {
	r, _, _, err := c.App.MatchRunDetail(ctx, c.Actor, store.ResultFilter{RunID: in.ID, Page: store.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	out := matchRunOut(r)
	return &out, nil
}

func listMatchResults(ctx context.Context, c *Call, in *apiclient.MatchResultQuery) (*apiclient.Page[apiclient.MatchResult], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	switch in.Outcome {
	case "", "matched", store.OutcomeProposed, store.OutcomeAlready, store.OutcomeExcluded:
	default:
		return nil, badInput("outcome", "outcome 须为 matched、proposed、already 或 excluded")
	}
	_, rs, total, err := c.App.MatchRunDetail(ctx, c.Actor, store.ResultFilter{RunID: in.ID, Outcome: in.Outcome, Query: in.Q, Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(rs, total, in.Paging, func(r app.ResultView) apiclient.MatchResult {
		return apiclient.MatchResult{OrgID: r.OrgID, OrgName: r.OrgName, USCC: r.USCC, DistrictName: r.DistrictName, Outcome: r.Outcome,
			ProposalID: idPtr(r.ProposalID), ProposalState: r.ProposalState, Services: r.Services, AmountFen: r.AmountFen,
			Findings: mapSlice(r.Findings, findingOut)}
	}), nil
}

func lapseProposals(ctx context.Context, c *Call, _ *apiclient.None) (*apiclient.LapseResult, error) {
	n, err := c.App.LapseProposals(ctx, c.Actor)
	if err != nil {
		return nil, err
	}
	return &apiclient.LapseResult{Lapsed: n}, nil
}

// proposalOut converts a proposal whose account number the app has masked
// or not as the caller may see it; full says which.
func proposalOut(p *store.MatchProposal, full bool) apiclient.Proposal {
	return apiclient.Proposal{ID: p.ID, PolicyID: p.PolicyID, PolicyName: p.PolicyName, RunID: p.RunID, OrgID: p.OrgID, OrgName: p.OrgName,
		OrgUSCC: p.OrgUSCC, DistrictName: p.DistrictName, CallID: p.CallID, CallTitle: p.CallTitle, Services: p.Services,
		AmountFen: p.AmountFen, State: p.State, StateLabel: store.ProposalStateLabel(p.State), Deadline: p.Deadline,
		AccountName: p.AccountName, BankName: p.BankName, AccountNo: p.AccountNo, FullAccount: full && p.AccountNo != "",
		ApplicationID: idPtr(p.ApplicationID), AppNumber: p.AppNumber, AppState: string(p.AppState), DecidedAt: timePtr(p.DecidedAt),
		DeclineReason: p.DeclineReason, CreatedAt: utc(p.CreatedAt)}
}

func listProposals(ctx context.Context, c *Call, in *apiclient.ProposalQuery) (*apiclient.Page[apiclient.Proposal], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	ps, total, err := c.App.Proposals(ctx, c.Actor, store.ProposalFilter{State: in.State, Query: in.Q, PolicyID: in.PolicyID, Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(ps, total, in.Paging, func(x *store.MatchProposal) apiclient.Proposal { return proposalOut(x, false) }), nil
}

func getProposal(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.ProposalDetail, error) {
	v, err := c.App.Proposal(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return &apiclient.ProposalDetail{Proposal: proposalOut(v.MatchProposal, v.FullAccount), Findings: mapSlice(v.Findings, findingOut),
		Overdue: v.Overdue, CanAnswer: v.CanAnswer}, nil
}

func confirmProposal(ctx context.Context, c *Call, in *apiclient.ProposalConfirmation) (*apiclient.ApplicationDetail, error) {
	a, err := c.App.ConfirmProposal(ctx, c.Actor, app.ProposalConfirmation{ProposalID: in.ID, Wish: in.Wish, AccountName: in.AccountName,
		BankName: in.BankName, AccountNo: in.AccountNo, LittleGiantCentralFunded: in.LittleGiantCentralFunded, Pilot2022: in.Pilot2022})
	if err != nil {
		return nil, err
	}
	return getApplication(ctx, c, &apiclient.ByID{ID: a.ID})
}

func declineProposal(ctx context.Context, c *Call, in *apiclient.ProposalDecline) (*apiclient.ProposalDetail, error) {
	if err := c.App.DeclineProposal(ctx, c.Actor, in.ID, in.Reason); err != nil {
		return nil, err
	}
	return getProposal(ctx, c, &apiclient.ByID{ID: in.ID})
}
