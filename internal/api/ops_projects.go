package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// projectOps: retrofit projects (改造项目) from the award to acceptance or
// termination (第十五条、第十九条), their performance goals, self-evaluation
// and the two bureaus' evaluation (第六条（五）、第十六条), and the pilot's
// goal (第四条, FACTS §2) — the pages of /projects.
func projectOps() []*Operation {
	viewers := roles(dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT,
		dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin)
	applicant, miit := roles(dtfund.RoleApplicant), roles(dtfund.RoleCityMIIT)
	return group("projects",
		op("GET", "/projects", "ListProjects", "改造项目列表（申报主体只见本单位，县区只见本辖区）", viewers, listProjects),
		op("GET", "/projects/pilot", "GetPilotProgress", "试点行业数字化水平目标：各试点行业达到目标等级的企业占比（第四条）",
			roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin), getPilotProgress),
		op("GET", "/projects/{id}", "GetProject", "改造项目：里程碑、进度、绩效目标、验收记录、绩效评价、时间线、评测与可办理事项", viewers, getProject),
		op("POST", "/projects/{id}/milestones", "AddMilestone", "新增里程碑（申报主体，第六条（五））", applicant, addMilestone).created(),
		op("POST", "/projects/{id}/milestones/{milestone_id}/done", "CompleteMilestone", "记录里程碑完成（申报主体）", applicant, completeMilestone),
		op("POST", "/projects/{id}/progress", "ReportProgress",
			"报送实施进度（multipart：reported_on、percent、body，可附 PDF 或图片；第十九条）", applicant, reportProgress).
			created().upload(app.MaxPublicityFileSize+1<<20),
		op("GET", "/projects/{id}/progress/{report_id}/file", "DownloadProgressFile", "下载进度报告的附件", viewers, downloadProgressFile),
		op("PUT", "/projects/{id}/goals", "SaveProjectGoals", "修改绩效目标（实施中或整改中；第六条（五））", applicant, saveProjectGoals),
		op("PUT", "/projects/{id}/self-evaluation", "SaveSelfEvaluation", "填报绩效自评：各项目标的实际值与自评说明（第六条（五））", applicant,
			saveSelfEvaluation).fields("actual.", "actuals.seq_"),
		op("POST", "/projects/{id}/acceptance-request", "RequestAcceptance",
			"申请验收（须先完成绩效自评；第十九条）；带相同 idempotency_key 的重复请求只申请一次", applicant, requestAcceptance),
		op("POST", "/projects/{id}/acceptances", "RecordAcceptance",
			"记录验收结果（市工信局）：通过须改造后评测达到批次要求的等级；首次不通过给予整改期，整改后再次不通过终止项目并撤销奖补（第十五条、第十八条）",
			miit, recordAcceptance).created(),
		op("POST", "/projects/{id}/termination", "TerminateProject", "终止逾期未验收的项目并撤销、追回奖补（市工信局；第十五条、第十八条）", miit,
			terminateProject),
		op("POST", "/projects/{id}/evaluations", "SignEvaluation", "绩效评价（市工信局、市财政局各一次，已验收项目；第十六条）",
			roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance), signEvaluation).created(),
	)
}

var projectActionLabels = map[string]string{
	"create": "奖补批准，项目开始", "goals": "修改绩效目标", "milestone": "新增里程碑", "milestone_done": "里程碑完成",
	"progress": "报送实施进度", "self_evaluation": "绩效自评", "request": "申请验收", "accept": "验收通过", "fail": "验收不通过",
	"fail_terminate": "再次验收不通过，终止项目", "terminate": "逾期终止项目", "award_revoked": "奖补撤销，项目终止", "evaluate": "绩效评价",
}

func projectOut(p *store.Project, today string) apiclient.Project {
	return apiclient.Project{ID: p.ID, AwardID: p.AwardID, ApplicationID: p.ApplicationID, AppNumber: p.AppNumber, Title: p.Title,
		OrgID: p.OrgID, OrgName: p.OrgName, DistrictCode: p.DistrictCode, DistrictName: p.DistrictName, CallID: p.CallID,
		CallTitle: p.CallTitle, Category: apiclient.Category(p.Category), AwardFen: p.AwardFen, AwardStatus: p.AwardStatus,
		FundSource: p.FundSource, State: p.State, StateLabel: p.StateLabel(), ListEndDate: p.ListEndDate, Deadline: p.Deadline,
		DeadlineBasis: p.DeadlineBasis, RectifyDeadline: p.RectifyDeadline, DueDate: p.DueDate(), Overdue: p.Overdue(today),
		Failures: p.Failures, SelfEvaluation: p.SelfEval, SelfEvaluatedAt: timePtr(p.SelfEvalAt), RequestedAt: timePtr(p.RequestedAt),
		ClosedAt: timePtr(p.ClosedAt), CloseReason: p.CloseReason, CreatedAt: utc(p.CreatedAt), UpdatedAt: utc(p.UpdatedAt)}
}

// today is the server's civil date (Asia/Shanghai).
func today(c *Call) string { return calendar.DateOf(c.App.DB.Now()).String() }

func listProjects(ctx context.Context, c *Call, in *apiclient.ProjectQuery) (*apiclient.Page[apiclient.Project], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	day := today(c)
	conv := func(x *store.Project) apiclient.Project { return projectOut(x, day) }
	f := store.ProjectFilter{DistrictCode: in.District, Page: p}
	if in.State != "" {
		if store.ProjectStateLabel(in.State) == in.State {
			return nil, badInput("state", "未知的项目状态 %s", in.State)
		}
		f.States = []string{in.State}
	}
	if in.Overdue {
		f.OverdueOn = day
	}
	u := c.Actor.User
	if in.AwaitingEvaluation && (u.Role == dtfund.RoleCityMIIT || u.Role == dtfund.RoleCityFinance) {
		f.NoEvaluationBy = u.Role
	}
	// As on the list page: a district outside the official's own finds nothing.
	if u.Role.NeedsDistrict() && in.District != "" && in.District != u.DistrictCode {
		return pageOf([]*store.Project{}, 0, in.Paging, conv), nil
	}
	ps, total, err := c.App.FindProjects(ctx, c.Actor, f)
	if err != nil {
		return nil, err
	}
	return pageOf(ps, total, in.Paging, conv), nil
}

func getProject(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.ProjectDetail, error) {
	v, err := c.App.ProjectDetail(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return projectDetailOut(ctx, c, v), nil
}

func projectDetailOut(ctx context.Context, c *Call, v *app.ProjectView) *apiclient.ProjectDetail {
	out := &apiclient.ProjectDetail{Project: projectOut(v.Project, v.Today), Today: v.Today,
		Milestones: mapSlice(v.Milestones, func(m *store.Milestone) apiclient.Milestone {
			return apiclient.Milestone{ID: m.ID, PlannedDate: m.PlannedDate, Description: m.Description, DoneDate: m.DoneDate, CreatedAt: utc(m.CreatedAt)}
		}),
		Progress: mapSlice(v.Progress, func(r *store.ProgressReport) apiclient.ProgressReport {
			return apiclient.ProgressReport{ID: r.ID, ReportedOn: r.ReportedOn, Percent: r.Percent, Body: r.Body, FileName: r.AttachmentName,
				CreatedAt: utc(r.CreatedAt)}
		}),
		Goals: mapSlice(v.Goals, func(g store.ProjectGoal) apiclient.ProjectGoal {
			return apiclient.ProjectGoal{Seq: g.Seq, Indicator: g.Indicator, Baseline: g.Baseline, Target: g.Target, Actual: g.Actual}
		}),
		Acceptances: mapSlice(v.Acceptances, func(a *store.Acceptance) apiclient.Acceptance { return acceptanceOut(ctx, c, a) }),
		Evaluations: mapSlice(v.Evaluations, evaluationOut),
		Events:      mapSlice(v.Events, projectEventOut),
		Assessments: mapSlice(v.Assessments, assessmentOut),
		ActionsForYou: apiclient.ProjectActions{EditPlan: v.Can.EditPlan, Report: v.Can.Report, RequestAcceptance: v.Can.Request,
			Accept: v.Can.Accept, Terminate: v.Can.Terminate, Evaluate: v.Can.Evaluate, Why: v.Can.Why}}
	if s := app.SummariseEvaluations(v.Evaluations); s.Complete {
		out.EvaluationSummary = &apiclient.EvaluationSummary{ScoreHundredths: s.ScoreCenti, Grade: s.Grade}
	}
	return out
}

func acceptanceOut(ctx context.Context, c *Call, a *store.Acceptance) apiclient.Acceptance {
	out := apiclient.Acceptance{ID: a.ID, Round: a.Round, HeldOn: a.HeldOn, Experts: strs(a.Experts), Opinion: a.Opinion, Passed: a.Passed,
		AssessmentID: idPtr(a.AssessmentID), Level: a.Level, ScoreHundredths: a.ScoreCenti, MinLevel: a.MinLevel,
		RectifyDeadline: a.RectifyDeadline, CreatedAt: utc(a.CreatedAt), Findings: findingsOut(ctx, c, a.Findings)}
	return out
}

// findingsOut reads stored findings (JSON); unreadable ones are logged and
// left out.
func findingsOut(ctx context.Context, c *Call, raw string) []apiclient.Finding {
	var fs []policy.Finding
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &fs); err != nil && c.Log != nil {
			c.Log.ErrorContext(ctx, "stored findings unreadable", "err", err)
		}
	}
	return mapSlice(fs, findingOut)
}

func findingOut(f policy.Finding) apiclient.Finding {
	return apiclient.Finding{Rule: f.Rule, Article: f.Article, Outcome: string(f.Outcome), Message: f.Message}
}

func evaluationOut(e *store.Evaluation) apiclient.Evaluation {
	return apiclient.Evaluation{ID: e.ID, Role: apiclient.Role(e.Role), RoleLabel: e.Role.Label(), Signer: e.Signer, Score: e.Score,
		Grade: app.EvaluationGrade(e.Score), Opinion: e.Opinion, SignedAt: utc(e.SignedAt)}
}

func projectEventOut(e *store.ProjectEvent) apiclient.ProjectEvent {
	label := projectActionLabels[e.Action]
	if label == "" {
		label = e.Action
	}
	return apiclient.ProjectEvent{At: utc(e.At), Actor: e.Actor, Action: e.Action, Label: label, From: e.From, To: e.To,
		FromLabel: labelOrEmpty(e.From), ToLabel: labelOrEmpty(e.To), Note: e.Note, Citation: e.Citation}
}

func labelOrEmpty(state string) string {
	if state == "" {
		return ""
	}
	return store.ProjectStateLabel(state)
}

// addMilestone answers the project: a resent request (same key) adds
// nothing and answers the same.
func addMilestone(ctx context.Context, c *Call, in *apiclient.MilestoneInput) (*apiclient.ProjectDetail, error) {
	if _, err := c.App.AddMilestone(ctx, c.Actor, app.MilestoneInput{ProjectID: in.ProjectID, PlannedDate: in.PlannedDate,
		Description: in.Description, IdempotencyKey: in.IdempotencyKey}); err != nil {
		return nil, err
	}
	return getProject(ctx, c, &apiclient.ByID{ID: in.ProjectID})
}

func completeMilestone(ctx context.Context, c *Call, in *apiclient.MilestoneDoneInput) (*apiclient.ProjectDetail, error) {
	if err := c.App.CompleteMilestone(ctx, c.Actor, in.ProjectID, in.MilestoneID, in.DoneDate); err != nil {
		return nil, err
	}
	return getProject(ctx, c, &apiclient.ByID{ID: in.ProjectID})
}

// publicityFile reads an optional upload into the app's file (at most the
// app's limit plus one byte, so that the app names a file too large).
func publicityFile(up *apiclient.Upload) (*app.PublicityFile, error) {
	if up == nil {
		return nil, nil
	}
	data, err := io.ReadAll(io.LimitReader(up.Content, app.MaxPublicityFileSize+1))
	if err != nil {
		return nil, dtfund.FieldError("file", "无法读取上传的文件")
	}
	return &app.PublicityFile{Name: up.Name, Data: data}, nil
}

// reportProgress answers the project: a resent request (same key) records
// nothing and answers the same.
func reportProgress(ctx context.Context, c *Call, in *apiclient.ProgressUpload) (*apiclient.ProjectDetail, error) {
	file, err := publicityFile(in.File)
	if err != nil {
		return nil, err
	}
	if _, err := c.App.ReportProgress(ctx, c.Actor, app.ProgressInput{ProjectID: in.ProjectID, ReportedOn: in.ReportedOn,
		Percent: in.Percent, Body: in.Body, File: file, IdempotencyKey: in.IdempotencyKey}); err != nil {
		return nil, err
	}
	return getProject(ctx, c, &apiclient.ByID{ID: in.ProjectID})
}

func downloadProgressFile(ctx context.Context, c *Call, in *apiclient.ProgressFileRef) (*apiclient.Download, error) {
	name, fc, f, err := c.App.OpenProgressFile(ctx, c.Actor, in.ProjectID, in.ReportID)
	if err != nil {
		return nil, err
	}
	return storedDownload(name, fc, f), nil
}

func saveProjectGoals(ctx context.Context, c *Call, in *apiclient.GoalsInput) (*apiclient.ProjectDetail, error) {
	goals := make([]store.ProjectGoal, 0, len(in.Goals))
	for _, g := range in.Goals {
		goals = append(goals, store.ProjectGoal{Indicator: g.Indicator, Baseline: g.Baseline, Target: g.Target})
	}
	if err := c.App.SaveProjectGoals(ctx, c.Actor, in.ProjectID, goals); err != nil {
		return nil, err
	}
	return getProject(ctx, c, &apiclient.ByID{ID: in.ProjectID})
}

func saveSelfEvaluation(ctx context.Context, c *Call, in *apiclient.SelfEvaluationInput) (*apiclient.ProjectDetail, error) {
	se := app.SelfEvaluation{ProjectID: in.ProjectID, Narrative: in.Narrative, Actuals: map[int]string{}}
	for _, a := range in.Actuals {
		if a.Seq <= 0 {
			return nil, dtfund.FieldError("actuals", "目标序号须为正整数（见项目的 goals.seq）")
		}
		se.Actuals[a.Seq] = a.Actual
	}
	if err := c.App.SaveSelfEvaluation(ctx, c.Actor, se); err != nil {
		return nil, err
	}
	return getProject(ctx, c, &apiclient.ByID{ID: in.ProjectID})
}

func requestAcceptance(ctx context.Context, c *Call, in *apiclient.AcceptanceRequestInput) (*apiclient.ProjectDetail, error) {
	if len(in.IdempotencyKey) > 64 {
		return nil, dtfund.FieldError("idempotency_key", "幂等键不超过64个字符")
	}
	if _, err := c.App.RequestAcceptance(ctx, c.Actor, in.ProjectID, in.IdempotencyKey); err != nil {
		return nil, err
	}
	return getProject(ctx, c, &apiclient.ByID{ID: in.ProjectID})
}

func recordAcceptance(ctx context.Context, c *Call, in *apiclient.AcceptanceInput) (*apiclient.AcceptanceResult, error) {
	res, err := c.App.RecordAcceptance(ctx, c.Actor, app.AcceptanceInput{ProjectID: in.ProjectID, HeldOn: in.HeldOn, Experts: in.Experts,
		Opinion: in.Opinion, Pass: in.Pass, DueDate: in.DueDate, IdempotencyKey: in.IdempotencyKey})
	if err != nil {
		return nil, err
	}
	detail, err := getProject(ctx, c, &apiclient.ByID{ID: in.ProjectID})
	if err != nil {
		return nil, err
	}
	out := &apiclient.AcceptanceResult{Project: *detail, Replayed: res.Replayed}
	if res.Acceptance != nil {
		a := acceptanceOut(ctx, c, res.Acceptance)
		out.Acceptance = &a
	}
	if res.Revocation != nil {
		r := revocationOut(res.Revocation)
		out.Revocation = &r
	}
	return out, nil
}

func terminateProject(ctx context.Context, c *Call, in *apiclient.TerminationInput) (*apiclient.TerminationResult, error) {
	rev, err := c.App.TerminateProject(ctx, c.Actor, app.TerminateInput{ProjectID: in.ProjectID, Reason: in.Reason, DueDate: in.DueDate,
		IdempotencyKey: in.IdempotencyKey})
	if err != nil {
		return nil, err
	}
	detail, err := getProject(ctx, c, &apiclient.ByID{ID: in.ProjectID})
	if err != nil {
		return nil, err
	}
	out := &apiclient.TerminationResult{Project: *detail}
	if rev != nil {
		r := revocationOut(rev)
		out.Revocation = &r
	}
	return out, nil
}

func signEvaluation(ctx context.Context, c *Call, in *apiclient.EvaluationInput) (*apiclient.Evaluation, error) {
	e, err := c.App.SignEvaluation(ctx, c.Actor, app.EvaluationInput{ProjectID: in.ProjectID, Score: in.Score, Opinion: in.Opinion})
	if err != nil {
		return nil, err
	}
	out := evaluationOut(e)
	return &out, nil
}

func getPilotProgress(ctx context.Context, c *Call, _ *apiclient.None) (*apiclient.PilotReport, error) {
	rep, err := c.App.PilotProgress(ctx, c.Actor)
	if err != nil {
		return nil, err
	}
	return &apiclient.PilotReport{AsOf: rep.AsOf, GoalLevel: rep.GoalLevel, GoalLevelLabel: policy.LevelName(rep.GoalLevel), GoalBP: rep.GoalBP,
		Source: rep.Source, Industries: mapSlice(rep.Industries, func(ind *app.PilotIndustry) apiclient.PilotIndustry {
			return apiclient.PilotIndustry{Industry: ind.Industry, Codes: strs(ind.Codes), Reached: ind.Reached, Total: ind.Total,
				ShareBP: ind.ShareBP, Finding: findingOut(ind.Finding), Enterprises: mapSlice(ind.Rows, func(r *store.PilotRow) apiclient.PilotEnterprise {
					return apiclient.PilotEnterprise{OrgID: r.OrgID, OrgName: r.OrgName, IndustryCode: r.IndustryCode, DistrictName: r.DistrictName,
						AppNumber: r.AppNumber, Awards: r.Awards, Assessed: r.Assessed, Level: r.Level, ScoreHundredths: r.ScoreCenti,
						AssessedOn: r.AssessedOn, Assessor: r.Assessor, ReportNo: r.ReportNo}
				})}
		})}, nil
}

// storedDownload answers a stored file (content-addressed) as a download.
func storedDownload(name string, fc *store.FileContent, f interface {
	io.ReadSeeker
	io.Closer
}) *apiclient.Download {
	return &apiclient.Download{Name: name, ContentType: fc.ContentType, Size: fc.Size, Content: f, Close: f.Close}
}

// xlsxType is the content type of the workbooks the API answers.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// workbook answers an .xlsx as a download.
func workbook(name string, data []byte) *apiclient.Download {
	return &apiclient.Download{Name: name, ContentType: xlsxType, Size: int64(len(data)), Content: bytes.NewReader(data)}
}
