package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// matchingRoutes are the routes of 免申即享 matching (第十五条): the city
// bureau's policies and runs, the proposals list of every bureau within its
// jurisdiction, and the enterprise's confirmation or refusal.
func (s *Server) matchingRoutes() []Route {
	manage := roles(dtfund.RoleCityMIIT)
	view := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance)
	proposals := roles(dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT, dtfund.RoleCityFinance)
	enterprise := roles(dtfund.RoleApplicant)
	return []Route{
		{"GET", "/matching/policies", view, s.matchPolicyList},
		{"GET", "/matching/policies/new", manage, s.matchPolicyNew},
		{"POST", "/matching/policies", manage, s.matchPolicyCreate},
		{"GET", "/matching/policies/{id}", view, s.matchPolicyDetail},
		{"GET", "/matching/policies/{id}/edit", manage, s.matchPolicyEdit},
		{"POST", "/matching/policies/{id}/edit", manage, s.matchPolicyUpdate},
		{"POST", "/matching/policies/{id}/run", manage, s.matchPolicyRun},
		{"GET", "/matching/runs/{id}", view, s.matchRunDetail},
		{"POST", "/matching/lapse", manage, s.matchLapse},
		{"GET", "/matching/proposals", proposals, s.proposalList},
		{"GET", "/matching/proposals/{id}", proposals, s.proposalDetail},
		{"POST", "/matching/proposals/{id}/confirm", enterprise, s.proposalConfirm},
		{"POST", "/matching/proposals/{id}/decline", enterprise, s.proposalDecline},
	}
}

func init() {
	extraFuncs["proposalState"] = store.ProposalStateLabel
	extraFuncs["matchOutcome"] = matchOutcomeLabel
	todoSources = append(todoSources, proposalTodos)
}

const matchPageSize = 50

// proposalStates are the proposal states in process order, for filters.
var proposalStates = []string{store.ProposalProposed, store.ProposalConfirmed, store.ProposalDeclined, store.ProposalLapsed}

func matchOutcomeLabel(o string) string {
	switch o {
	case store.OutcomeProposed:
		return "符合，新推荐"
	case store.OutcomeAlready:
		return "符合，此前已推荐"
	case store.OutcomeExcluded:
		return "不符合"
	}
	return o
}

// proposalTodos is the enterprise's 待办 line: proposals awaiting its
// confirmation within their deadline.
func proposalTodos(s *Server, r *http.Request) []todo {
	n, err := s.App.AwaitingProposals(r.Context(), actor(r))
	if err != nil {
		state(r).Log.ErrorContext(r.Context(), "todo count", "err", err)
		return nil
	}
	if n == 0 {
		return nil
	}
	return []todo{{Label: "免申即享待确认", Href: "/matching/proposals?state=proposed", Count: n}}
}

// ---- policies ----

func (s *Server) matchPolicyList(w http.ResponseWriter, r *http.Request) {
	page, offset := pageParam(r.URL.Query().Get("page"), matchPageSize)
	pols, total, err := s.App.MatchPolicies(r.Context(), actor(r), store.Page{Offset: offset, Limit: matchPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "matching_policies", s.newView(r, "免申即享匹配政策", map[string]any{"Policies": pols,
		"Pager": newPager(page, matchPageSize, total, ""), "CanManage": actor(r).User.Role == dtfund.RoleCityMIIT}))
}

// policyFormData lists the 第七条（二） calls a policy may be under.
func (s *Server) policyFormData(r *http.Request) (map[string]any, error) {
	calls, _, err := s.App.FindCalls(r.Context(), actor(r), store.CallFilter{Category: "7.2", Page: store.Page{Limit: 200}})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Calls": calls, "AcceptanceWired": s.App.Acceptances != nil}, nil
}

func (s *Server) renderPolicyForm(w http.ResponseWriter, r *http.Request, title string, id int64, form url.Values, err error) {
	data, derr := s.policyFormData(r)
	if derr != nil {
		s.renderError(w, r, derr)
		return
	}
	data["ID"] = id
	v := s.newView(r, title, data)
	v.Form = form
	if err != nil {
		s.pubRender(w, r, "matching_policy_form", v, err)
		return
	}
	s.render(w, r, "matching_policy_form", v)
}

func (s *Server) matchPolicyNew(w http.ResponseWriter, r *http.Request) {
	form := url.Values{"min_services": {"1"}, "confirm_days": {"30"}, "require_sme": {"on"}, "require_pilot": {"on"}, "active": {"on"}}
	s.renderPolicyForm(w, r, "新建免申即享匹配政策", 0, form, nil)
}

// policyInput reads the policy form.
func policyInput(f url.Values) (app.MatchPolicyInput, error) {
	in := app.MatchPolicyInput{Name: f.Get("name"), PeriodFrom: f.Get("period_from"), PeriodTo: f.Get("period_to"),
		RequireSME: f.Get("require_sme") == "on", RequirePilot: f.Get("require_pilot") == "on",
		RequireAcceptance: f.Get("require_acceptance") == "on", Active: f.Get("active") == "on", Note: f.Get("note")}
	var ve dtfund.ValidationErrors
	in.CallID, _ = strconv.ParseInt(f.Get("call_id"), 10, 64)
	var err error
	if in.MinServices, err = strconv.Atoi(strings.TrimSpace(f.Get("min_services"))); err != nil {
		ve.Add("min_services", "最少云服务数须为整数")
	}
	if in.ConfirmDays, err = strconv.Atoi(strings.TrimSpace(f.Get("confirm_days"))); err != nil {
		ve.Add("confirm_days", "确认期限须为整数天数")
	}
	return in, ve.Err()
}

func (s *Server) matchPolicyCreate(w http.ResponseWriter, r *http.Request) {
	in, err := policyInput(r.PostForm)
	if err == nil {
		var p *store.MatchPolicy
		if p, err = s.App.CreateMatchPolicy(r.Context(), actor(r), in); err == nil {
			s.redirect(w, r, "/matching/policies/"+strconv.FormatInt(p.ID, 10), "匹配政策已保存")
			return
		}
	}
	s.renderPolicyForm(w, r, "新建免申即享匹配政策", 0, r.PostForm, err)
}

func (s *Server) matchPolicyEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	p, err := s.App.MatchPolicy(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form := url.Values{"name": {p.Name}, "call_id": {strconv.FormatInt(p.CallID, 10)}, "period_from": {p.PeriodFrom},
		"period_to": {p.PeriodTo}, "min_services": {strconv.Itoa(p.MinServices)}, "confirm_days": {strconv.Itoa(p.ConfirmDays)},
		"note": {p.Note}}
	for k, on := range map[string]bool{"require_sme": p.RequireSME, "require_pilot": p.RequirePilot,
		"require_acceptance": p.RequireAcceptance, "active": p.Active} {
		if on {
			form.Set(k, "on")
		}
	}
	s.renderPolicyForm(w, r, "修改匹配政策："+p.Name, id, form, nil)
}

func (s *Server) matchPolicyUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	in, err := policyInput(r.PostForm)
	if err == nil {
		in.ID = id
		if _, err = s.App.UpdateMatchPolicy(r.Context(), actor(r), in); err == nil {
			s.redirect(w, r, "/matching/policies/"+strconv.FormatInt(id, 10), "匹配政策已修改；已作出的推荐保留原匹配结果")
			return
		}
	}
	s.renderPolicyForm(w, r, "修改匹配政策", id, r.PostForm, err)
}

func (s *Server) matchPolicyDetail(w http.ResponseWriter, r *http.Request) {
	s.renderPolicy(w, r, nil)
}

func (s *Server) renderPolicy(w http.ResponseWriter, r *http.Request, runErr error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	p, err := s.App.MatchPolicy(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page, offset := pageParam(r.URL.Query().Get("page"), matchPageSize)
	runs, total, err := s.App.MatchRuns(r.Context(), actor(r), id, store.Page{Offset: offset, Limit: matchPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rule, err := s.App.PolicyAmountRule(r.Context(), p.CallID)
	data := map[string]any{"Policy": p, "Runs": runs, "Pager": newPager(page, matchPageSize, total, ""),
		"CanManage": actor(r).User.Role == dtfund.RoleCityMIIT}
	if err == nil {
		data["Rule"] = rule
	} else {
		data["RuleError"] = dtfund.ErrorMessage(err)
	}
	v := s.newView(r, "匹配政策："+p.Name, data)
	if runErr != nil {
		s.pubRender(w, r, "matching_policy", v, runErr)
		return
	}
	s.render(w, r, "matching_policy", v)
}

func (s *Server) matchPolicyRun(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	run, err := s.App.RunMatching(r.Context(), actor(r), id)
	if err != nil {
		s.renderPolicy(w, r, err)
		return
	}
	s.redirect(w, r, "/matching/runs/"+strconv.FormatInt(run.ID, 10),
		"匹配完成：符合条件 "+strconv.Itoa(run.Matched)+" 家，新推荐 "+strconv.Itoa(run.Proposed)+" 家")
}

// ---- runs ----

var outcomeFilters = []struct{ Value, Label string }{
	{"", "全部已列出企业"}, {"matched", "符合条件"}, {store.OutcomeProposed, "本次新推荐"}, {store.OutcomeExcluded, "不符合"},
}

func (s *Server) matchRunDetail(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), matchPageSize)
	f := store.ResultFilter{RunID: id, Outcome: q.Get("outcome"), Query: q.Get("q"), Page: store.Page{Offset: offset, Limit: matchPageSize}}
	switch f.Outcome {
	case "", "matched", store.OutcomeProposed, store.OutcomeAlready, store.OutcomeExcluded:
	default:
		f.Outcome = ""
	}
	run, results, total, err := s.App.MatchRunDetail(r.Context(), actor(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rest := url.Values{}
	for _, k := range []string{"outcome", "q"} {
		if v := q.Get(k); v != "" {
			rest.Set(k, v)
		}
	}
	v := s.newView(r, "匹配结果："+run.PolicyName, map[string]any{"Run": run, "Results": results, "Filters": outcomeFilters,
		"Pager": newPager(page, matchPageSize, total, rest.Encode())})
	v.Form = q
	s.render(w, r, "matching_run", v)
}

func (s *Server) matchLapse(w http.ResponseWriter, r *http.Request) {
	n, err := s.App.LapseProposals(r.Context(), actor(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.redirect(w, r, "/matching/proposals", "已将逾期未确认的 "+strconv.Itoa(n)+" 项推荐标记为失效")
}

// ---- proposals ----

func (s *Server) proposalList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), matchPageSize)
	f := store.ProposalFilter{State: q.Get("state"), Query: q.Get("q"), Page: store.Page{Offset: offset, Limit: matchPageSize}}
	if id, err := strconv.ParseInt(q.Get("policy"), 10, 64); err == nil {
		f.PolicyID = id
	}
	ps, total, err := s.App.Proposals(r.Context(), actor(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rest := url.Values{}
	for _, k := range []string{"state", "q", "policy"} {
		if v := q.Get(k); v != "" {
			rest.Set(k, v)
		}
	}
	role := actor(r).User.Role
	v := s.newView(r, "免申即享推荐", map[string]any{"Proposals": ps, "States": proposalStates,
		"Pager": newPager(page, matchPageSize, total, rest.Encode()), "Enterprise": role == dtfund.RoleApplicant,
		"CanManage": role == dtfund.RoleCityMIIT, "Today": s.App.DB.Now()})
	v.Form = q
	s.render(w, r, "matching_proposals", v)
}

func (s *Server) proposalDetail(w http.ResponseWriter, r *http.Request) {
	s.renderProposal(w, r, nil)
}

func (s *Server) renderProposal(w http.ResponseWriter, r *http.Request, err error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	p, gerr := s.App.Proposal(r.Context(), actor(r), id)
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	v := s.newView(r, "免申即享推荐："+p.PolicyName, map[string]any{"P": p})
	if err != nil {
		s.pubRender(w, r, "matching_proposal", v, err)
		return
	}
	if p.CanAnswer {
		v.Form = url.Values{"account_name": {p.OrgName}}
	}
	s.render(w, r, "matching_proposal", v)
}

func (s *Server) proposalConfirm(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	ap, err := s.App.ConfirmProposal(r.Context(), actor(r), app.ProposalConfirmation{ProposalID: id, Wish: f.Get("wish") == "on",
		AccountName: f.Get("account_name"), BankName: f.Get("bank_name"), AccountNo: f.Get("account_no"),
		LittleGiantCentralFunded: f.Get("little_giant") == "on", Pilot2022: f.Get("pilot_2022") == "on"})
	if err != nil {
		s.renderProposal(w, r, err)
		return
	}
	s.redirect(w, r, "/apps/"+strconv.FormatInt(ap.ID, 10), "已确认申领，形成申报 "+ap.Number+"，进入资格复核（第十四条（四））")
}

func (s *Server) proposalDecline(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	if err := s.App.DeclineProposal(r.Context(), actor(r), id, r.PostForm.Get("reason")); err != nil {
		s.renderProposal(w, r, err)
		return
	}
	s.redirect(w, r, "/matching/proposals/"+strconv.FormatInt(id, 10), "已放弃该项奖补")
}
