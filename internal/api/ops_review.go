package api

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// reviewOps: the first review (县区初审推荐, 第十四条（二）) and letters.
func reviewOps() []*Operation {
	// The city bureau reviews applicants registered outside Changchun (app.firstReviewer).
	firstReview := roles(dtfund.RoleDistrictMIIT, dtfund.RoleCityMIIT)
	letterReaders := roles(dtfund.RoleDistrictMIIT, dtfund.RoleCityMIIT, dtfund.RoleCityFinance)
	return group("review",
		op("POST", "/applications/{id}/district-review", "DistrictReview",
			"县区初审：退回补正（须写理由）、不予推荐（须写理由和依据条款）或推荐（须写推荐意见，受推荐名额限制）", firstReview, districtReview).fields("opinion", "reason"),
		op("GET", "/letters", "ListLetters", "推荐函列表", letterReaders, listLetters),
		op("GET", "/letters/{id}", "GetLetter", "推荐函（含推荐的申报）", letterReaders, getLetter),
		op("POST", "/letters", "CreateLetter", "为批次中尚未出函的推荐生成编号推荐函（县区工信）", roles(dtfund.RoleDistrictMIIT), createLetter).created().fields("call", "call_id"),
	)
}

func districtReview(ctx context.Context, c *Call, in *apiclient.DistrictReviewInput) (*apiclient.ApplicationDetail, error) {
	_, err := c.App.DistrictReview(ctx, c.Actor, app.DistrictDecision{AppID: in.ID, Action: dtfund.AppAction(in.Action),
		Reason: strings.TrimSpace(in.Reason), Citation: strings.TrimSpace(in.Citation), IdempotencyKey: in.IdempotencyKey})
	if err != nil {
		return nil, err
	}
	return getApplication(ctx, c, &apiclient.ByID{ID: in.ID})
}

func letterOut(l *store.Letter) apiclient.Letter {
	return apiclient.Letter{ID: l.ID, Number: l.Number, DistrictCode: l.DistrictCode, DistrictName: l.DistrictName, CallID: l.CallID,
		CallTitle: l.CallTitle, Date: l.Date, OfficialName: l.OfficialName, CreatedAt: utc(l.CreatedAt), Count: l.Count,
		Items: mapSlice(l.Items, func(it store.LetterItem) apiclient.LetterItem {
			return apiclient.LetterItem{ApplicationID: it.ApplicationID, Number: it.Number, OrgName: it.OrgName, Title: it.Title,
				RequestedFen: it.RequestedFen, Opinion: it.Opinion}
		})}
}

func listLetters(ctx context.Context, c *Call, in *apiclient.LetterQuery) (*apiclient.Page[apiclient.Letter], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	ls, total, err := c.App.FindLetters(ctx, c.Actor, store.LetterFilter{CallID: in.CallID, Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(ls, total, in.Paging, letterOut), nil
}

func getLetter(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Letter, error) {
	l, err := c.App.Letter(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := letterOut(l)
	return &out, nil
}

func createLetter(ctx context.Context, c *Call, in *apiclient.LetterInput) (*apiclient.Letter, error) {
	l, err := c.App.CreateLetter(ctx, c.Actor, in.CallID)
	if err != nil {
		return nil, err
	}
	return getLetter(ctx, c, &apiclient.ByID{ID: l.ID})
}

// expertOps: the expert review (第十四条（三）): the pool, panels drawn at
// random, the experts' declarations and scores, and the panel's result.
func expertOps() []*Operation {
	city := roles(dtfund.RoleCityMIIT)
	expert := roles(dtfund.RoleExpert)
	return group("experts",
		op("GET", "/experts", "ListExperts", "专家库", city, listExperts),
		op("GET", "/panels", "ListPanels", "专家评审组列表", city, listPanels),
		op("GET", "/panels/{id}", "GetPanel", "评审组：成员、回避、各申报的评审进度与结果（可按种子复核抽取）", city, getPanel),
		op("POST", "/panels", "CreatePanel", "随机抽取评审组，所选申报进入专家评审（组织专家评审）", city, createPanel).created().fields("call", "call_id", "apps", "application_ids").
			describe("候选专家为库中（按专业领域筛选）且与所选申报均无利益冲突者；成员由记录的随机种子决定，任何人可复核。"),
		op("GET", "/expert/assignments", "ListExpertAssignments", "本人的评审任务（专家）", expert, listAssignments),
		op("GET", "/panels/{id}/applications/{application_id}/task", "GetExpertTask", "评审任务：申报内容、评分标准与本人的评分表（专家）", expert, getExpertTask),
		op("POST", "/panels/{id}/applications/{application_id}/conflict", "DeclareConflict",
			"利益冲突声明：确认无冲突后方可评分；声明存在冲突则回避（专家）", expert, declareConflict),
		op("PUT", "/panels/{id}/applications/{application_id}/scores", "SaveScores", "提交或修改评分（定稿前可改；专家）", expert, saveScores).
			fields("score.", "scores.", "invest.", "investments.seq_"),
		op("POST", "/panels/{id}/applications/{application_id}/finalise", "FinaliseReview",
			"评审定稿：按专家评分形成结果，评审通过或未通过", city, finaliseReview),
	)
}

func listExperts(ctx context.Context, c *Call, in *apiclient.ExpertQuery) (*apiclient.Page[apiclient.Expert], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	es, total, err := c.App.FindExperts(ctx, c.Actor, store.ExpertFilter{Query: in.Q, Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(es, total, in.Paging, func(e *store.ExpertProfile) apiclient.Expert {
		return apiclient.Expert{UserID: e.UserID, Username: e.Username, Name: e.Name, Field: e.Field, Affiliation: e.Affiliation,
			OrgName: e.OrgName, Active: e.Active, Disabled: e.Disabled}
	}), nil
}

func panelOut(p *store.Panel) apiclient.Panel {
	rerun := app.DrawPanel(p.Candidates, p.Size, p.Seed)
	verified := len(rerun) == len(p.Members)
	for i, m := range p.Members {
		verified = verified && rerun[i] == m.ExpertID
	}
	return apiclient.Panel{ID: p.ID, CallID: p.CallID, CallTitle: p.CallTitle, Size: p.Size, Field: p.Field,
		Seed: strconv.FormatUint(p.Seed, 10), Algorithm: p.Algorithm, Verified: verified, CreatedBy: p.CreatedByName,
		CreatedAt: utc(p.CreatedAt), AppCount: p.AppCount, Finalised: p.Finalised,
		Members: mapSlice(p.Members, func(m store.PanelMember) apiclient.PanelMember {
			return apiclient.PanelMember{ExpertID: m.ExpertID, Name: m.Name, Field: m.Field, Affiliation: m.Affiliation, DrawOrder: m.DrawOrder}
		}),
		Apps: mapSlice(p.Apps, func(a store.PanelApp) apiclient.PanelApp {
			return apiclient.PanelApp{ApplicationID: a.ApplicationID, Number: a.Number, OrgName: a.OrgName, Title: a.Title,
				State: apiclient.AppState(a.State), Scored: a.Scored, Conflicts: a.Conflicts, ResultHundredths: a.ResultHundredths,
				PassMark: a.PassMark, Passed: a.Passed, FinalisedAt: timePtr(a.FinalisedAt)}
		}),
		Exclusions: mapSlice(p.Exclusions, func(e store.PanelExclusion) apiclient.PanelExclusion {
			return apiclient.PanelExclusion{ExpertID: e.ExpertID, Name: e.Name, ApplicationID: e.ApplicationID, AppNumber: e.AppNumber, Reason: e.Reason}
		})}
}

func listPanels(ctx context.Context, c *Call, in *apiclient.PanelQuery) (*apiclient.Page[apiclient.Panel], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	ps, total, err := c.App.FindPanels(ctx, c.Actor, store.PanelFilter{CallID: in.CallID, Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(ps, total, in.Paging, panelOut), nil
}

func getPanel(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Panel, error) {
	p, err := c.App.Panel(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := panelOut(p)
	return &out, nil
}

func createPanel(ctx context.Context, c *Call, in *apiclient.PanelInput) (*apiclient.Panel, error) {
	req := app.PanelRequest{CallID: in.CallID, AppIDs: in.ApplicationIDs, Size: in.Size, Field: in.Field}
	if s := strings.TrimSpace(in.Seed); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, dtfund.FieldError("seed", "随机种子须为0至18446744073709551615之间的整数，留空则由系统生成")
		}
		req.Seed = &n
	}
	p, err := c.App.CreatePanel(ctx, c.Actor, req)
	if err != nil {
		return nil, err
	}
	return getPanel(ctx, c, &apiclient.ByID{ID: p.ID})
}

func approvedOut(m map[int]int64) []apiclient.Approved {
	out := make([]apiclient.Approved, 0, len(m))
	for seq, fen := range m {
		out = append(out, apiclient.Approved{SpendingSeq: seq, ApprovedFen: fen})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SpendingSeq < out[j].SpendingSeq })
	return out
}

func finaliseReview(ctx context.Context, c *Call, in *apiclient.FinaliseInput) (*apiclient.Outcome, error) {
	o, err := c.App.Finalise(ctx, c.Actor, in.PanelID, in.ApplicationID, in.IdempotencyKey)
	if err != nil {
		return nil, err
	}
	a, err := c.App.Application(ctx, c.Actor, in.ApplicationID)
	if err != nil {
		return nil, err
	}
	return &apiclient.Outcome{Scorers: o.Scorers, ResultHundredths: o.ResultHundredths, PassMark: o.PassMark, Passed: o.Passed,
		Approved: approvedOut(o.Approved), ApprovedTotalFen: o.ApprovedTotal, Application: appOut(a, c.Actor.User.Role)}, nil
}

func listAssignments(ctx context.Context, c *Call, in *apiclient.Paging) (*apiclient.Page[apiclient.Assignment], error) {
	p, err := page(in)
	if err != nil {
		return nil, err
	}
	as, total, err := c.App.ExpertAssignments(ctx, c.Actor, p)
	if err != nil {
		return nil, err
	}
	return pageOf(as, total, *in, func(a *store.Assignment) apiclient.Assignment {
		return apiclient.Assignment{PanelID: a.PanelID, ApplicationID: a.ApplicationID, Number: a.Number, OrgName: a.OrgName, Title: a.Title,
			CallTitle: a.CallTitle, Declared: a.Declared, Conflict: a.Conflict, Scored: a.Scored, Finalised: a.Finalised, AssignedAt: utc(a.AssignedAt)}
	}), nil
}

func getExpertTask(ctx context.Context, c *Call, in *apiclient.PanelAppRef) (*apiclient.ExpertTask, error) {
	t, err := c.App.ExpertTask(ctx, c.Actor, in.PanelID, in.ApplicationID)
	if err != nil {
		return nil, err
	}
	detail, err := detailOut(ctx, c, t.App)
	if err != nil {
		return nil, err
	}
	out := &apiclient.ExpertTask{PanelID: in.PanelID, Application: *detail, NeedsInvestment: t.NeedsInvestment(),
		Criteria: mapSlice(t.Call.Rubric.Criteria, func(x dtfund.Criterion) apiclient.Criterion {
			return apiclient.Criterion{Name: x.Name, Weight: x.Weight}
		}),
		Declared: t.Declaration != nil, Conflict: t.Declaration != nil && t.Declaration.Conflict, Finalised: !t.PanelApp.FinalisedAt.IsZero()}
	if s := t.Sheet; s != nil {
		out.Sheet = &apiclient.ScoreSheet{Comment: s.Comment, TotalHundredths: s.TotalHundredths, UpdatedAt: utc(s.UpdatedAt),
			Items: mapSlice(s.Items, func(it store.ScoreItem) apiclient.ScoreItem {
				return apiclient.ScoreItem{Criterion: it.Criterion, Weight: it.Weight, Score: it.Score, Comment: it.Comment}
			}),
			Investments: mapSlice(s.Investments, func(iv store.Investment) apiclient.Approved {
				return apiclient.Approved{SpendingSeq: iv.SpendingSeq, ApprovedFen: iv.ApprovedFen}
			})}
	}
	return out, nil
}

func declareConflict(ctx context.Context, c *Call, in *apiclient.ConflictInput) (*apiclient.NoContent, error) {
	if err := c.App.DeclareConflict(ctx, c.Actor, in.PanelID, in.ApplicationID, in.Conflict, in.Reason); err != nil {
		return nil, err
	}
	return &apiclient.NoContent{}, nil
}

func saveScores(ctx context.Context, c *Call, in *apiclient.ScoreInput) (*apiclient.ExpertTask, error) {
	si := app.ScoreInput{Comment: in.Comment, Approved: map[int]int64{}}
	for _, s := range in.Scores {
		score := -1
		if s.Score != nil {
			score = *s.Score
		}
		si.Scores, si.Comments = append(si.Scores, score), append(si.Comments, s.Comment)
	}
	for _, iv := range in.Investments {
		si.Approved[iv.SpendingSeq] = iv.ApprovedFen
	}
	if err := c.App.SaveScores(ctx, c.Actor, in.PanelID, in.ApplicationID, si); err != nil {
		return nil, err
	}
	return getExpertTask(ctx, c, &in.PanelAppRef)
}

// recheckOps: the joint re-check of both city bureaus (资格复核, 第十四条（四）).
func recheckOps() []*Operation {
	signers := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance)
	return group("recheck",
		op("GET", "/recheck", "ListRecheckQueue", "待资格复核的申报及已有的会签", signers, listRecheck),
		op("GET", "/applications/{id}/recheck", "GetRecheck", "资格复核：按当前事实重新运行规则的判定与会签情况", signers, getRecheck),
		op("POST", "/applications/{id}/recheck", "SignRecheck",
			"本部门会签：两部门均通过则复核通过；任一不通过则复核未通过（须写复核意见）", signers, signRecheck),
	)
}

func listRecheck(ctx context.Context, c *Call, in *apiclient.Paging) (*apiclient.Page[apiclient.RecheckRow], error) {
	p, err := page(in)
	if err != nil {
		return nil, err
	}
	apps, total, sigs, err := c.App.RecheckQueue(ctx, c.Actor, p)
	if err != nil {
		return nil, err
	}
	return pageOf(apps, total, *in, func(a *dtfund.Application) apiclient.RecheckRow {
		return apiclient.RecheckRow{Application: appOut(a, c.Actor.User.Role), Signatures: mapSlice(sigs[a.ID], signatureOut)}
	}), nil
}

func getRecheck(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Recheck, error) {
	info, err := c.App.Recheck(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return &apiclient.Recheck{Application: appOut(info.App, c.Actor.User.Role), Decision: toDecision(info.Decision),
		Signatures: mapSlice(info.Signatures, signatureOut), CanSign: info.CanSign}, nil
}

func signRecheck(ctx context.Context, c *Call, in *apiclient.RecheckInput) (*apiclient.Recheck, error) {
	_, err := c.App.SignRecheck(ctx, c.Actor, app.RecheckSign{AppID: in.ID, Pass: in.Pass, Opinion: in.Opinion, IdempotencyKey: in.IdempotencyKey})
	if err != nil {
		return nil, err
	}
	return getRecheck(ctx, c, &apiclient.ByID{ID: in.ID})
}
