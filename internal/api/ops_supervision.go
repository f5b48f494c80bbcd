package api

import (
	"context"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// supervisionOps: process supervision (过程监督, 第十八条) — deviations,
// rectification orders, suspension, its lifting and stopping a project —;
// inspections (监督检查, 第十七条) with random samples, assignment and
// findings; violation decisions (违规处理, 第二十条) with referrals; and the
// credit records import (第十一条、第十三条).
func supervisionOps() []*Operation {
	viewers := roles(dtfund.RoleDistrictMIIT, dtfund.RoleCityMIIT, dtfund.RoleCityFinance)
	supervisors := roles(dtfund.RoleDistrictMIIT, dtfund.RoleCityMIIT)
	city := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance)
	assignees := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector)
	officials := roles(dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT, dtfund.RoleCityFinance,
		dtfund.RoleInspector, dtfund.RoleAdmin)
	miit := roles(dtfund.RoleCityMIIT)
	evidence := int64(app.MaxPublicityFileSize + 1<<20)
	return group("supervision",
		op("GET", "/supervision/cases", "ListCases", "过程监督事项（县区工信只见本辖区）", viewers, listCases),
		op("GET", "/supervision/cases/{id}", "GetCase", "监督事项：整改通知、时间线、未拨付与冻结资金", viewers, getCase),
		op("POST", "/supervision/cases", "RecordDeviation",
			"登记项目实施效果与绩效目标的偏离（multipart：award_id、goal、facts、found_on，可附证明材料；第十八条）", supervisors, recordDeviation).
			created().upload(evidence).fields("award", "award_id"),
		op("POST", "/supervision/cases/{id}/orders", "IssueRectification", "下达整改通知（整改要求与期限）", supervisors, issueRectification).created(),
		op("POST", "/supervision/cases/{id}/orders/{order_id}/result", "RecordRectification",
			"登记整改结果（multipart：accepted、note、result_on，可附材料）：全部到位则结案", supervisors, recordRectification).
			upload(evidence).fields("verdict", "accepted", "on", "result_on"),
		op("POST", "/supervision/cases/{id}/suspension", "SuspendProject", "暂缓项目执行（第十八条）：冻结奖补未拨付部分", supervisors, suspendProject),
		op("POST", "/supervision/cases/{id}/lift", "LiftSuspension", "解除暂缓执行：解冻资金", supervisors, liftSuspension),
		op("POST", "/supervision/cases/{id}/stop", "StopProject", "停止项目执行（第十八条）：撤销奖补，已拨付部分转为应收追回款", supervisors, stopProject),
		op("GET", "/supervision/cases/{id}/files/{event_id}", "DownloadCaseEvidence", "下载监督事项某一步骤的证明材料", viewers, downloadCaseEvidence),

		op("GET", "/inspections", "ListInspectionPlans", "检查计划列表（第十七条）", city, listInspectionPlans),
		op("POST", "/inspections", "PlanInspection", "制定检查计划：随机抽查（记录随机种子，可复核）或定向检查", city, planInspection).created().
			fields("usccs", "usccs", "award", "award_ids"),
		op("GET", "/inspections/{id}", "GetInspectionPlan", "检查计划，含按种子重新抽取的复核结果", city, getInspectionPlan),
		op("GET", "/inspections/{id}/items", "ListInspectionItems", "检查计划的核查事项", city, listInspectionItems),
		op("GET", "/inspection-assignees", "ListInspectionAssignees", "可被指派核查任务的账号（市工信局、市财政局、第三方核查机构）", city,
			listInspectionAssignees),
		op("POST", "/inspection-items/{id}/assignment", "AssignInspection", "指派核查事项（委托第三方机构或由市级部门核查）", city, assignInspection).
			fields("assignee", "assignee_id"),
		op("GET", "/inspection-items", "ListInspectionTasks", "本人的核查任务（默认只列尚未出具结论的）", assignees, listInspectionTasks),
		op("GET", "/inspection-items/{id}", "GetInspectionItem", "核查事项（第三方核查机构只能查看指派给本人的）", assignees, getInspectionItem),
		op("POST", "/inspection-items/{id}/finding", "RecordFinding",
			"出具核查结论（multipart：finding、violation、found_on，可附材料；只能由被指派人出具）", assignees, recordFinding).upload(evidence),
		op("GET", "/inspection-items/{id}/file", "DownloadFindingEvidence", "下载核查结论的证明材料", assignees, downloadFindingEvidence),

		op("GET", "/sanctions", "ListSanctions", "违规处理决定（范围按辖区）", officials, listSanctions),
		op("POST", "/sanctions", "DecideSanction",
			"作出违规处理决定（multipart；第二十条）：取消在办申报的资格、撤销并追回奖补、三年内不准申报，可同时移交有关部门", miit, decideSanction).
			created().upload(evidence).fields("org", "org_id", "item", "item_id", "referral.", "referral_"),
		op("GET", "/sanctions/{id}", "GetSanction", "违规处理决定及其执行情况与移交记录", officials, getSanction),
		op("POST", "/sanctions/{id}/referrals", "AddReferral", "登记移交有关部门处理", miit, addReferral).created(),
		op("GET", "/sanctions/{id}/file", "DownloadSanctionEvidence", "下载处理决定书", officials, downloadSanctionEvidence),
	)
}

func caseOut(c *store.SupervisionCase) apiclient.SupervisionCase {
	return apiclient.SupervisionCase{ID: c.ID, AwardID: c.AwardID, ApplicationID: c.ApplicationID, AppNumber: c.AppNumber,
		ProjectTitle: c.ProjectTitle, OrgID: c.OrgID, OrgName: c.OrgName, DistrictCode: c.DistrictCode, DistrictName: c.DistrictName,
		AwardFen: c.AwardFen, AwardStatus: c.AwardStatus, State: c.State, StateLabel: app.CaseStateLabel(c.State), Goal: c.Goal,
		Facts: c.Facts, FoundOn: c.FoundOn, OpenOrders: c.OpenOrders, OverdueOrders: c.OverdueOrders, CreatedAt: utc(c.CreatedAt),
		UpdatedAt: utc(c.UpdatedAt)}
}

func listCases(ctx context.Context, c *Call, in *apiclient.CaseQuery) (*apiclient.Page[apiclient.SupervisionCase], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	if in.State != "" && app.CaseStateLabel(in.State) == "" {
		return nil, badInput("state", "未知的监督事项状态 %s", in.State)
	}
	cs, total, err := c.App.FindCases(ctx, c.Actor, store.CaseFilter{State: in.State, OverdueOnly: in.Overdue, Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(cs, total, in.Paging, caseOut), nil
}

func getCase(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.CaseDetail, error) {
	v, err := c.App.Case(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return &apiclient.CaseDetail{SupervisionCase: caseOut(v.Case), UnpaidFen: v.UnpaidFen, FrozenFen: v.FrozenFen, Today: v.Today,
		Orders: mapSlice(v.Orders, func(o *store.RectificationOrder) apiclient.RectificationOrder {
			return apiclient.RectificationOrder{ID: o.ID, Requirement: o.Requirement, IssuedOn: o.IssuedOn, Deadline: o.Deadline, State: o.State,
				StateLabel: app.OrderStateLabel(o.State), Result: o.Result, ResultOn: o.ResultOn, CreatedAt: utc(o.CreatedAt)}
		}),
		Events: mapSlice(v.Events, func(e *store.SupervisionEvent) apiclient.CaseEvent {
			return apiclient.CaseEvent{ID: e.ID, Kind: e.Kind, Label: app.CaseEventLabel(e.Kind), OrderID: idPtr(e.OrderID), Note: e.Note,
				Article: e.Article, OnDate: e.OnDate, AmountFen: e.AmountFen, FileName: e.EvidenceName, Actor: e.ActorName,
				CreatedAt: utc(e.CreatedAt)}
		})}, nil
}

func recordDeviation(ctx context.Context, c *Call, in *apiclient.DeviationUpload) (*apiclient.CaseDetail, error) {
	file, err := publicityFile(in.File)
	if err != nil {
		return nil, err
	}
	cs, err := c.App.RecordDeviation(ctx, c.Actor, app.DeviationInput{AwardID: in.AwardID, Goal: in.Goal, Facts: in.Facts, FoundOn: in.FoundOn,
		File: file})
	if err != nil {
		return nil, err
	}
	return getCase(ctx, c, &apiclient.ByID{ID: cs.ID})
}

func issueRectification(ctx context.Context, c *Call, in *apiclient.OrderInput) (*apiclient.CaseDetail, error) {
	if _, err := c.App.IssueRectification(ctx, c.Actor, app.OrderInput{CaseID: in.CaseID, Requirement: in.Requirement,
		Deadline: in.Deadline}); err != nil {
		return nil, err
	}
	return getCase(ctx, c, &apiclient.ByID{ID: in.CaseID})
}

func recordRectification(ctx context.Context, c *Call, in *apiclient.RectificationUpload) (*apiclient.CaseDetail, error) {
	file, err := publicityFile(in.File)
	if err != nil {
		return nil, err
	}
	if _, err := c.App.RecordRectification(ctx, c.Actor, app.ResultInput{CaseID: in.CaseID, OrderID: in.OrderID, Accepted: in.Accepted,
		Note: in.Note, On: in.ResultOn, File: file}); err != nil {
		return nil, err
	}
	return getCase(ctx, c, &apiclient.ByID{ID: in.CaseID})
}

func stepIn(in *apiclient.CaseStepInput) app.StepInput {
	return app.StepInput{CaseID: in.CaseID, Reason: in.Reason, On: in.On, DueDate: in.DueDate}
}

func caseStepResult(ctx context.Context, c *Call, id int64, res *apiclient.CaseStepResult) (*apiclient.CaseStepResult, error) {
	v, err := getCase(ctx, c, &apiclient.ByID{ID: id})
	if err != nil {
		return nil, err
	}
	res.Case = *v
	return res, nil
}

func suspendProject(ctx context.Context, c *Call, in *apiclient.CaseStepInput) (*apiclient.CaseStepResult, error) {
	m, err := c.App.SuspendProject(ctx, c.Actor, stepIn(in))
	if err != nil {
		return nil, err
	}
	return caseStepResult(ctx, c, in.CaseID, &apiclient.CaseStepResult{AmountFen: m.AmountFen, Replayed: m.Replay})
}

func liftSuspension(ctx context.Context, c *Call, in *apiclient.CaseStepInput) (*apiclient.CaseStepResult, error) {
	m, err := c.App.LiftSuspension(ctx, c.Actor, stepIn(in))
	if err != nil {
		return nil, err
	}
	return caseStepResult(ctx, c, in.CaseID, &apiclient.CaseStepResult{AmountFen: m.AmountFen, Replayed: m.Replay})
}

func stopProject(ctx context.Context, c *Call, in *apiclient.CaseStepInput) (*apiclient.CaseStepResult, error) {
	rev, err := c.App.StopProject(ctx, c.Actor, stepIn(in))
	if err != nil {
		return nil, err
	}
	res := &apiclient.CaseStepResult{}
	if rev != nil {
		r := revocationOut(rev)
		res.Revocation, res.AmountFen = &r, rev.ReturnedFen+rev.ReceivableFen
	}
	return caseStepResult(ctx, c, in.CaseID, res)
}

func downloadCaseEvidence(ctx context.Context, c *Call, in *apiclient.CaseEvidenceRef) (*apiclient.Download, error) {
	name, fc, f, err := c.App.OpenCaseEvidence(ctx, c.Actor, in.CaseID, in.EventID)
	if err != nil {
		return nil, err
	}
	return storedDownload(name, fc, f), nil
}

// ---- inspections ----

func inspectionPlanOut(p *store.InspectionPlan) apiclient.InspectionPlan {
	out := apiclient.InspectionPlan{ID: p.ID, Title: p.Title, Basis: p.Basis, Kind: p.Kind, Algorithm: p.Algorithm,
		Population: len(p.Population), SampleSize: p.SampleSize, CreatedBy: p.CreatorName, CreatedAt: utc(p.CreatedAt), Items: p.Items,
		Done: p.Done, Violations: p.Violations}
	if p.Kind == store.InspectRandom {
		out.Seed = strconv.FormatUint(p.Seed, 10)
	}
	return out
}

func listInspectionPlans(ctx context.Context, c *Call, in *apiclient.Paging) (*apiclient.Page[apiclient.InspectionPlan], error) {
	p, err := page(in)
	if err != nil {
		return nil, err
	}
	ps, total, err := c.App.InspectionPlans(ctx, c.Actor, p)
	if err != nil {
		return nil, err
	}
	return pageOf(ps, total, *in, inspectionPlanOut), nil
}

func planInspection(ctx context.Context, c *Call, in *apiclient.InspectionInput) (*apiclient.InspectionPlan, error) {
	x := app.InspectionInput{Title: in.Title, Basis: in.Basis, Kind: in.Kind, SampleSize: in.SampleSize, AwardIDs: in.AwardIDs,
		USCCs: in.USCCs, IdempotencyKey: in.IdempotencyKey}
	if s := strings.TrimSpace(in.Seed); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, dtfund.FieldError("seed", "随机种子须为非负整数（留空则由系统生成）")
		}
		x.Seed = &n
	}
	p, err := c.App.PlanInspection(ctx, c.Actor, x)
	if err != nil {
		return nil, err
	}
	return getInspectionPlan(ctx, c, &apiclient.ByID{ID: p.ID})
}

func getInspectionPlan(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.InspectionPlan, error) {
	p, _, _, err := c.App.InspectionPlan(ctx, c.Actor, in.ID, store.Page{Limit: 1})
	if err != nil {
		return nil, err
	}
	out := inspectionPlanOut(p)
	if p.Kind == store.InspectRandom {
		ok, err := c.App.PlanSampleReproduced(ctx, c.Actor, p)
		if err != nil {
			return nil, err
		}
		out.Reproduced = &ok
	}
	return &out, nil
}

func inspectionItemOut(it *store.InspectionItem) apiclient.InspectionItem {
	return apiclient.InspectionItem{ID: it.ID, PlanID: it.PlanID, PlanTitle: it.PlanTitle, Seq: it.Seq, AwardID: idPtr(it.AwardID),
		AppNumber: it.AppNumber, ProjectTitle: it.ProjectTitle, AwardFen: it.AwardFen, OrgID: it.OrgID, OrgName: it.OrgName, USCC: it.USCC,
		DistrictName: it.DistrictName, State: it.State, StateLabel: app.ItemStateLabel(it.State), AssigneeID: idPtr(it.AssigneeID),
		AssigneeName: it.AssigneeName, AssignedAt: timePtr(it.AssignedAt), Finding: it.Finding, Violation: it.Violation, FoundOn: it.FoundOn,
		FileName: it.EvidenceName, RecordedAt: timePtr(it.RecordedAt), SanctionID: idPtr(it.SanctionID)}
}

func listInspectionItems(ctx context.Context, c *Call, in *apiclient.InspectionItemQuery) (*apiclient.Page[apiclient.InspectionItem], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	_, items, total, err := c.App.InspectionPlan(ctx, c.Actor, in.ID, p)
	if err != nil {
		return nil, err
	}
	return pageOf(items, total, in.Paging, inspectionItemOut), nil
}

func listInspectionAssignees(ctx context.Context, c *Call, _ *apiclient.None) (*apiclient.List[apiclient.Assignee], error) {
	us, err := c.App.Assignees(ctx, c.Actor)
	if err != nil {
		return nil, err
	}
	return listOf(us, func(u *dtfund.User) apiclient.Assignee {
		return apiclient.Assignee{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: apiclient.Role(u.Role), RoleLabel: u.Role.Label()}
	}), nil
}

func assignInspection(ctx context.Context, c *Call, in *apiclient.AssignInput) (*apiclient.InspectionItem, error) {
	if err := c.App.AssignInspection(ctx, c.Actor, in.ItemID, in.AssigneeID); err != nil {
		return nil, err
	}
	return getInspectionItem(ctx, c, &apiclient.ByID{ID: in.ItemID})
}

func listInspectionTasks(ctx context.Context, c *Call, in *apiclient.InspectionTaskQuery) (*apiclient.Page[apiclient.InspectionItem], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	items, total, err := c.App.InspectionTasks(ctx, c.Actor, !in.All, p)
	if err != nil {
		return nil, err
	}
	return pageOf(items, total, in.Paging, inspectionItemOut), nil
}

func getInspectionItem(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.InspectionItem, error) {
	it, err := c.App.InspectionItem(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := inspectionItemOut(it)
	return &out, nil
}

func recordFinding(ctx context.Context, c *Call, in *apiclient.FindingUpload) (*apiclient.InspectionItem, error) {
	file, err := publicityFile(in.File)
	if err != nil {
		return nil, err
	}
	if _, err := c.App.RecordFinding(ctx, c.Actor, app.FindingInput{ItemID: in.ItemID, Finding: in.Finding, Violation: in.Violation,
		FoundOn: in.FoundOn, File: file}); err != nil {
		return nil, err
	}
	return getInspectionItem(ctx, c, &apiclient.ByID{ID: in.ItemID})
}

func downloadFindingEvidence(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Download, error) {
	name, fc, f, err := c.App.OpenFindingEvidence(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return storedDownload(name, fc, f), nil
}

// ---- violation decisions ----

func sanctionOut(s *store.Sanction, today string) apiclient.Sanction {
	return apiclient.Sanction{ID: s.ID, OrgID: s.OrgID, OrgName: s.OrgName, USCC: s.USCC, DistrictName: s.DistrictName, Facts: s.Facts,
		Article: s.Article, DecidedOn: s.DecidedOn, DocNumber: s.DocNumber, BanStart: s.BanStart, BanEnd: s.BanEnd, Active: s.Active(today),
		ParamVersion: s.ParamVersion, ItemID: idPtr(s.ItemID), FileName: s.EvidenceName, DecidedBy: s.DeciderName, CreatedAt: utc(s.CreatedAt)}
}

func listSanctions(ctx context.Context, c *Call, in *apiclient.SanctionQuery) (*apiclient.Page[apiclient.Sanction], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	day := today(c)
	f := store.SanctionFilter{OrgID: in.OrgID, Page: p}
	if in.Active {
		f.ActiveOn = day
	}
	ss, total, err := c.App.Sanctions(ctx, c.Actor, f)
	if err != nil {
		return nil, err
	}
	return pageOf(ss, total, in.Paging, func(s *store.Sanction) apiclient.Sanction { return sanctionOut(s, day) }), nil
}

func getSanction(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.SanctionDetail, error) {
	v, err := c.App.Sanction(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return &apiclient.SanctionDetail{Sanction: sanctionOut(v.Sanction, today(c)),
		Effects: mapSlice(v.Effects, func(e *store.SanctionEffect) apiclient.SanctionEffect {
			return apiclient.SanctionEffect{Kind: e.Kind, ApplicationID: e.ApplicationID, AppNumber: e.AppNumber, AwardID: idPtr(e.AwardID),
				FromState: apiclient.AppState(e.FromState), ReturnedFen: e.ReturnedFen, ReceivableFen: e.ReceivableFen}
		}),
		Referrals: mapSlice(v.Referrals, referralOut)}, nil
}

func referralOut(r *store.Referral) apiclient.Referral {
	return apiclient.Referral{ID: r.ID, Authority: r.Authority, ReferredOn: r.ReferredOn, Note: r.Note, CreatedAt: utc(r.CreatedAt)}
}

func decideSanction(ctx context.Context, c *Call, in *apiclient.SanctionUpload) (*apiclient.SanctionResult, error) {
	if in.OrgID <= 0 {
		return nil, dtfund.FieldError("org_id", "请指定被处理单位")
	}
	file, err := publicityFile(in.File)
	if err != nil {
		return nil, err
	}
	x := app.SanctionInput{OrgID: in.OrgID, ItemID: in.ItemID, Facts: in.Facts, Article: in.Article, DecidedOn: in.DecidedOn,
		DocNumber: in.DocNumber, DueDate: in.DueDate, File: file}
	if strings.TrimSpace(in.ReferralAuthority) != "" || strings.TrimSpace(in.ReferralNote) != "" {
		x.Referrals = []app.ReferralInput{{Authority: in.ReferralAuthority, ReferredOn: in.ReferralReferredOn, Note: in.ReferralNote}}
	}
	res, err := c.App.DecideSanction(ctx, c.Actor, x)
	if err != nil {
		return nil, err
	}
	detail, err := getSanction(ctx, c, &apiclient.ByID{ID: res.Sanction.ID})
	if err != nil {
		return nil, err
	}
	return &apiclient.SanctionResult{Sanction: *detail, Cancelled: strs(res.Cancelled), Revoked: mapSlice(res.Revoked, revocationOut),
		Replayed: res.Replay}, nil
}

func addReferral(ctx context.Context, c *Call, in *apiclient.ReferralInput) (*apiclient.Referral, error) {
	r, err := c.App.AddReferral(ctx, c.Actor, in.SanctionID, app.ReferralInput{Authority: in.Authority, ReferredOn: in.ReferredOn,
		Note: in.Note})
	if err != nil {
		return nil, err
	}
	out := referralOut(r)
	return &out, nil
}

func downloadSanctionEvidence(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Download, error) {
	name, fc, f, err := c.App.OpenSanctionEvidence(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return storedDownload(name, fc, f), nil
}
