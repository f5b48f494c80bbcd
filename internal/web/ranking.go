package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Rankings of 第七条（三）（四）: runs, their entries with the score
// components and findings, re-runs, and turning the top into proposed awards.

const rankingPageSize = 50

var rankKinds = []string{string(policy.RankProducts), string(policy.RankProviders)}

func (s *Server) rankingList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), rankingPageSize)
	kind := ""
	for _, k := range rankKinds {
		if q.Get("kind") == k {
			kind = k
		}
	}
	runs, total, err := s.App.RankingRuns(r.Context(), actor(r), kind, store.Page{Offset: offset, Limit: rankingPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderRankings(w, r, runs, newPager(page, rankingPageSize, total, url.Values{"kind": {kind}}.Encode()), nil)
}

func (s *Server) renderRankings(w http.ResponseWriter, r *http.Request, runs []*store.RankingRun, p pager, err error) {
	today := calendar.DateOf(s.App.Now())
	v := s.newView(r, "“小快轻准”产品和服务商排名", map[string]any{"Runs": runs, "Pager": p, "Kinds": rankKinds,
		"CanRun": state(r).User.Role == dtfund.RoleCityMIIT})
	v.Form = url.Values{"kind": {r.URL.Query().Get("kind")}, "from": {strconv.Itoa(today.Year-1) + "-01-01"},
		"to": {strconv.Itoa(today.Year-1) + "-12-31"}}
	if err != nil {
		v.Form, v.Errors = r.PostForm, formErrors(err)
		s.renderCode(w, r, "ranking_list", v, statusFor(dtfund.ErrorCode(err)))
		return
	}
	s.render(w, r, "ranking_list", v)
}

func (s *Server) rankingCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	run, err := s.App.RunRanking(r.Context(), actor(r), app.RankingInput{Kind: f.Get("kind"), From: f.Get("from"), To: f.Get("to")})
	if err != nil {
		if dtfund.ErrorCode(err) != dtfund.EINVALID {
			s.renderError(w, r, err)
			return
		}
		runs, total, lerr := s.App.RankingRuns(r.Context(), actor(r), "", store.Page{Limit: rankingPageSize})
		if lerr != nil {
			s.renderError(w, r, lerr)
			return
		}
		s.renderRankings(w, r, runs, newPager(1, rankingPageSize, total, ""), err)
		return
	}
	s.redirect(w, r, "/rankings/"+strconv.FormatInt(run.ID, 10), "排名已完成并保存："+strconv.Itoa(run.Ranked)+" 个对象参加排名")
}

// entryView is an entry as the page shows it, its JSON decoded.
type entryView struct {
	*store.RankingEntry
	Comp             policy.RankComponents
	Findings         []policy.Finding
	ProposalFindings []policy.Finding
}

func entryViews(es []*store.RankingEntry) []entryView {
	out := make([]entryView, len(es))
	for i, e := range es {
		out[i].RankingEntry = e
		json.Unmarshal([]byte(e.Components), &out[i].Comp)
		json.Unmarshal([]byte(e.Findings), &out[i].Findings)
		if e.Proposal != nil {
			json.Unmarshal([]byte(e.Proposal.Findings), &out[i].ProposalFindings)
		}
	}
	return out
}

// runParams is the run's parameters as stored.
type runParams struct {
	policy.RankParams
	Keys []string // Sources' keys, sorted
}

func (s *Server) rankingDetail(w http.ResponseWriter, r *http.Request) {
	s.renderRanking(w, r, nil)
}

func (s *Server) renderRanking(w http.ResponseWriter, r *http.Request, err error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	ctx, a := r.Context(), actor(r)
	run, gerr := s.App.RankingRun(ctx, a, id)
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	page, offset := pageParam(r.URL.Query().Get("page"), rankingPageSize)
	es, total, gerr := s.App.RankingEntries(ctx, a, store.EntryFilter{RunID: id, Page: store.Page{Offset: offset, Limit: rankingPageSize}})
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	var params runParams
	json.Unmarshal([]byte(run.ParamsJSON), &params.RankParams)
	for k := range params.Sources {
		params.Keys = append(params.Keys, k)
	}
	slices.Sort(params.Keys)
	data := map[string]any{"Run": run, "Entries": entryViews(es), "Params": params, "Pager": newPager(page, rankingPageSize, total, ""),
		"CountLabel": policy.RankKind(run.Kind).CountLabel()}
	canPropose := a.User.Role == dtfund.RoleCityMIIT && run.ProposedAt.IsZero() && run.Ranked > 0
	if a.User.Role == dtfund.RoleCityMIIT {
		data["CanRerun"] = true
	}
	if canPropose {
		cat := string(policy.RankKind(run.Kind).Category())
		calls, _, cerr := s.App.FindCalls(ctx, a, store.CallFilter{Category: cat, Page: store.Page{Limit: 100}})
		if cerr != nil {
			s.renderError(w, r, cerr)
			return
		}
		data["Calls"], data["CanPropose"], data["Category"] = calls, true, cat
	}
	v := s.newView(r, policy.RankKind(run.Kind).Label()+" 第"+strconv.FormatInt(run.ID, 10)+"号", data)
	v.Form = url.Values{"top_n": {strconv.FormatInt(params.TopN, 10)}}
	if err != nil {
		v.Form, v.Errors = r.PostForm, formErrors(err)
		s.renderCode(w, r, "ranking_detail", v, statusFor(dtfund.ErrorCode(err)))
		return
	}
	s.render(w, r, "ranking_detail", v)
}

func (s *Server) rankingRerun(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	run, err := s.App.RerunRanking(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.redirect(w, r, "/rankings/"+strconv.FormatInt(run.ID, 10), "已按当前数据重新排名（新的排名结果，原排名不变）")
}

func (s *Server) rankingPropose(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	callID, _ := strconv.ParseInt(f.Get("call_id"), 10, 64)
	top, terr := strconv.Atoi(strings.TrimSpace(f.Get("top_n")))
	if terr != nil {
		top = 0
	}
	amount, err := parseMoney("amount", "拟奖补金额", f.Get("amount"), 10000)
	var res *app.RankingProposalResult
	if err == nil {
		res, err = s.App.ProposeRankingAwards(r.Context(), actor(r), app.RankingProposalInput{RunID: id, CallID: callID, TopN: top, AmountFen: amount})
	}
	if err != nil {
		if code := dtfund.ErrorCode(err); code == dtfund.ENOTFOUND || code == dtfund.EINTERNAL || code == dtfund.EFORBIDDEN {
			s.renderError(w, r, err)
			return
		}
		s.renderRanking(w, r, err)
		return
	}
	msg := "已生成 " + strconv.Itoa(len(res.Applications)) + " 份推荐奖补（评审通过，待资格复核）"
	if res.Replayed {
		msg = "该排名已于 " + formatDateTime(res.Run.ProposedAt) + " 推荐过，未重复推荐"
	}
	s.redirect(w, r, "/rankings/"+strconv.FormatInt(id, 10), msg)
}
