package app

import (
	"context"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
)

// The applicant's side of a project (第六条（五）: 组织项目实施、落实绩效目标、
// 开展绩效自评; 第十九条: 配合验收评审、绩效管理): goals, milestones,
// progress reports, the self-evaluation and the request for acceptance.
// Goals and the self-evaluation may change while the project is in
// progress or being rectified — not while the acceptance is pending and
// not after acceptance or termination.

const (
	projectTextRunes = 2000
	projectCellRunes = 200
	maxMilestones    = 50
)

// applicantProject locks the project and checks that the actor is its
// applicant and that it is in one of the states.
func applicantProject(ctx context.Context, tx *store.Tx, actor Actor, id int64, states ...string) (*store.Project, error) {
	if err := requireRole(actor, dtfund.RoleApplicant); err != nil {
		return nil, err
	}
	p, err := projectInTx(ctx, tx, actor, id)
	if err != nil {
		return nil, err
	}
	for _, s := range states {
		if p.State == s {
			return p, nil
		}
	}
	return nil, dtfund.Errorf(dtfund.ECONFLICT, "项目当前状态为“%s”，不能办理此事项", p.StateLabel())
}

// replayed reports whether the actor already used the idempotency key (a
// resent form: do nothing again) and otherwise records it in the
// transaction doing the work, so that it counts only if that commits.
func replayed(ctx context.Context, tx *store.Tx, actor Actor, key string) (bool, error) {
	if key == "" || actor.User == nil {
		return false, nil
	}
	done, err := tx.IdempotencyResult(ctx, key, actor.User.ID)
	if err != nil || done != "" {
		return done != "", err
	}
	return false, tx.SaveIdempotencyResult(ctx, key, actor.User.ID, "done")
}

func validDate(v *dtfund.ValidationErrors, field, label, s, today string, notAfterToday bool) {
	if _, err := calendar.ParseDate(s); err != nil {
		v.Add(field, "%s应为日期（年-月-日），如 2026-11-30", label)
	} else if notAfterToday && s > today {
		v.Add(field, "%s不能晚于今天（%s）", label, today)
	}
}

// ---- goals (绩效目标) ----

// SaveProjectGoals replaces the project's performance goals. Each needs an
// indicator and a target; the self-evaluation's values of goals whose
// indicator is unchanged are kept.
func (a *App) SaveProjectGoals(ctx context.Context, actor Actor, projectID int64, goals []store.ProjectGoal) error {
	var v dtfund.ValidationErrors
	if len(goals) == 0 {
		v.Add("goals", "请至少填写一项绩效目标（第六条（五）：落实项目绩效目标）")
	}
	if len(goals) > MaxGoalRows {
		v.Add("goals", "绩效目标不超过%d项", MaxGoalRows)
	}
	for i := range goals {
		g := &goals[i]
		g.Seq, g.Indicator, g.Baseline, g.Target = i+1, strings.TrimSpace(g.Indicator), strings.TrimSpace(g.Baseline), strings.TrimSpace(g.Target)
		if g.Indicator == "" || g.Target == "" {
			v.Add(fmt.Sprintf("goals.%d.indicator", i), "第%d项绩效目标：请填写指标和目标值", i+1)
		}
		for _, c := range []struct{ name, label, val string }{{"indicator", "指标", g.Indicator}, {"baseline", "基期值", g.Baseline}, {"target", "目标值", g.Target}} {
			checkDraftRunes(&v, fmt.Sprintf("goals.%d.%s", i, c.name), fmt.Sprintf("第%d项绩效目标%s", i+1, c.label), c.val, projectCellRunes)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := applicantProject(ctx, tx, actor, projectID, store.ProjectInProgress, store.ProjectRectifying)
		if err != nil {
			return err
		}
		before, err := tx.ProjectGoals(ctx, p.ID)
		if err != nil {
			return err
		}
		actual := map[string]string{}
		for _, g := range before {
			actual[g.Indicator] = g.Actual
		}
		for i := range goals {
			goals[i].Actual = actual[goals[i].Indicator]
		}
		if err := tx.ReplaceProjectGoals(ctx, p.ID, goals); err != nil {
			return err
		}
		if err := addProjectEvent(ctx, tx, actor, p, "goals", p.State, fmt.Sprintf("修改绩效目标（%d项）", len(goals)), "第六条（五）"); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("project.goals", "project", itoa(p.ID)), before, goals)
	})
}

// ---- milestones and progress ----

// MilestoneInput is a planned milestone.
type MilestoneInput struct {
	ProjectID      int64
	PlannedDate    string
	Description    string
	IdempotencyKey string
}

// AddMilestone adds a planned milestone to the project.
func (a *App) AddMilestone(ctx context.Context, actor Actor, in MilestoneInput) (*store.Milestone, error) {
	in.PlannedDate, in.Description = strings.TrimSpace(in.PlannedDate), strings.TrimSpace(in.Description)
	var v dtfund.ValidationErrors
	validDate(&v, "planned_date", "计划完成日期", in.PlannedDate, "", false)
	if in.Description == "" || utf8.RuneCountInString(in.Description) > projectCellRunes {
		v.Add("description", "请填写里程碑内容（不超过%d字）", projectCellRunes)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	m := &store.Milestone{ProjectID: in.ProjectID, PlannedDate: in.PlannedDate, Description: in.Description}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := applicantProject(ctx, tx, actor, in.ProjectID, store.ProjectInProgress, store.ProjectRequested, store.ProjectRectifying)
		if err != nil {
			return err
		}
		if done, err := replayed(ctx, tx, actor, in.IdempotencyKey); err != nil || done {
			return err
		}
		ms, err := a.DB.Milestones(ctx, p.ID)
		if err != nil {
			return err
		}
		if len(ms) >= maxMilestones {
			return dtfund.FieldError("description", "每个项目最多%d个里程碑", maxMilestones)
		}
		if err := tx.AddMilestone(ctx, m); err != nil {
			return err
		}
		if err := addProjectEvent(ctx, tx, actor, p, "milestone", p.State, "新增里程碑：计划 "+m.PlannedDate+" "+m.Description, "第六条（五）"); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("project.milestone", "project", itoa(p.ID)), nil, m)
	})
	return m, err
}

// CompleteMilestone records the day a milestone was reached (not later
// than today).
func (a *App) CompleteMilestone(ctx context.Context, actor Actor, projectID, milestoneID int64, doneOn string) error {
	doneOn = strings.TrimSpace(doneOn)
	var v dtfund.ValidationErrors
	validDate(&v, "done_date", "实际完成日期", doneOn, a.today(), true)
	if err := v.Err(); err != nil {
		return err
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := applicantProject(ctx, tx, actor, projectID, store.ProjectInProgress, store.ProjectRequested, store.ProjectRectifying)
		if err != nil {
			return err
		}
		if err := tx.MarkMilestoneDone(ctx, p.ID, milestoneID, doneOn); err != nil {
			return err
		}
		if err := addProjectEvent(ctx, tx, actor, p, "milestone_done", p.State, "里程碑完成于 "+doneOn, "第六条（五）"); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("project.milestone_done", "project", itoa(p.ID)), nil,
			map[string]any{"milestone": milestoneID, "done_on": doneOn})
	})
}

// ProgressInput is a progress report, with an optional PDF or image.
type ProgressInput struct {
	ProjectID      int64
	ReportedOn     string
	Percent        int
	Body           string
	File           *PublicityFile
	IdempotencyKey string
}

// ReportProgress records a progress report (实施进度).
func (a *App) ReportProgress(ctx context.Context, actor Actor, in ProgressInput) (*store.ProgressReport, error) {
	if err := requireRole(actor, dtfund.RoleApplicant); err != nil {
		return nil, err
	}
	in.ReportedOn, in.Body = strings.TrimSpace(in.ReportedOn), strings.TrimSpace(in.Body)
	var v dtfund.ValidationErrors
	validDate(&v, "reported_on", "报告日期", in.ReportedOn, a.today(), true)
	if in.Percent < 0 || in.Percent > 100 {
		v.Add("percent", "完成进度应为0至100之间的整数（百分比）")
	}
	if in.Body == "" || utf8.RuneCountInString(in.Body) > projectTextRunes {
		v.Add("body", "请填写进度情况（不超过%d字）", projectTextRunes)
	}
	if in.File != nil {
		if err := in.File.check(); err != nil {
			v = append(v, err)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	file, err := a.storePublicityFile(in.File)
	if err != nil {
		return nil, err
	}
	r := &store.ProgressReport{ProjectID: in.ProjectID, ReportedOn: in.ReportedOn, Percent: in.Percent, Body: in.Body, CreatedBy: actorID(actor)}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := applicantProject(ctx, tx, actor, in.ProjectID, store.ProjectInProgress, store.ProjectRequested, store.ProjectRectifying)
		if err != nil {
			return err
		}
		if done, err := replayed(ctx, tx, actor, in.IdempotencyKey); err != nil || done {
			return err
		}
		if file != nil {
			if err := tx.SaveFileContent(ctx, file); err != nil {
				return err
			}
			r.AttachmentSHA256, r.AttachmentName = file.SHA256, in.File.Name
		}
		if err := tx.AddProgress(ctx, r); err != nil {
			return err
		}
		note := fmt.Sprintf("报送实施进度（%s，完成 %d%%）", r.ReportedOn, r.Percent)
		if err := addProjectEvent(ctx, tx, actor, p, "progress", p.State, note, "第十九条"); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("project.progress", "project", itoa(p.ID)), nil, r)
	})
	return r, err
}

// OpenProgressFile opens a progress report's attachment for anyone who
// may see the project; the caller closes it.
func (a *App) OpenProgressFile(ctx context.Context, actor Actor, projectID, reportID int64) (string, *store.FileContent, *os.File, error) {
	if _, err := a.Project(ctx, actor, projectID); err != nil {
		return "", nil, nil, err
	}
	r, err := a.DB.ProgressReport(ctx, projectID, reportID)
	if err != nil {
		return "", nil, nil, err
	}
	fc, f, err := a.openPublicityFile(ctx, r.AttachmentSHA256)
	return r.AttachmentName, fc, f, err
}

// ---- self-evaluation (绩效自评) ----

// SelfEvaluation is the applicant's self-evaluation: the value reached
// for each goal (by its number) and the narrative.
type SelfEvaluation struct {
	ProjectID int64
	Actuals   map[int]string // goal Seq → actual value
	Narrative string
}

// SaveSelfEvaluation records the self-evaluation (第六条（五）).
func (a *App) SaveSelfEvaluation(ctx context.Context, actor Actor, in SelfEvaluation) error {
	in.Narrative = strings.TrimSpace(in.Narrative)
	var v dtfund.ValidationErrors
	if utf8.RuneCountInString(in.Narrative) > projectTextRunes {
		v.Add("narrative", "自评说明不超过%d字", projectTextRunes)
	}
	for seq, s := range in.Actuals {
		in.Actuals[seq] = strings.TrimSpace(s)
		checkDraftRunes(&v, fmt.Sprintf("actual.%d", seq), fmt.Sprintf("第%d项目标的实际值", seq), in.Actuals[seq], projectCellRunes)
	}
	if err := v.Err(); err != nil {
		return err
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := applicantProject(ctx, tx, actor, in.ProjectID, store.ProjectInProgress, store.ProjectRectifying)
		if err != nil {
			return err
		}
		goals, err := tx.ProjectGoals(ctx, p.ID)
		if err != nil {
			return err
		}
		before := append([]store.ProjectGoal(nil), goals...)
		for i := range goals {
			if s, ok := in.Actuals[goals[i].Seq]; ok {
				goals[i].Actual = s
			}
		}
		if err := tx.ReplaceProjectGoals(ctx, p.ID, goals); err != nil {
			return err
		}
		from := p.State
		p.SelfEval, p.SelfEvalAt = in.Narrative, tx.Now()
		if err := tx.UpdateProject(ctx, p, from); err != nil {
			return err
		}
		if err := addProjectEvent(ctx, tx, actor, p, "self_evaluation", from, "填报绩效自评", "第六条（五）"); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("project.self_evaluation", "project", itoa(p.ID)), before,
			map[string]any{"goals": goals, "narrative": in.Narrative})
	})
}

// ---- the request for acceptance ----

// requestRefusal says why the applicant cannot ask for acceptance now, or
// nil: the award is suspended or revoked, the deadline has passed, or the
// self-evaluation is incomplete (it goes to the acceptance with the request).
func requestRefusal(p *store.Project, goals []store.ProjectGoal, today string) error {
	switch {
	case p.AwardStatus == "suspended":
		return dtfund.Errorf(dtfund.ECONFLICT, "奖补已暂缓执行（第十八条），暂不能申请验收")
	case p.AwardStatus == "revoked":
		return dtfund.Errorf(dtfund.ECONFLICT, "奖补已撤销，不能申请验收")
	case p.Overdue(today):
		return dtfund.Errorf(dtfund.ECONFLICT, "期限 %s 已过（%s），不能再申请验收；项目将由市工业和信息化局终止", p.DueDate(),
			map[string]string{store.ProjectInProgress: "改造完成期限，第十五条", store.ProjectRectifying: "整改期限，第十八条"}[p.State])
	case len(goals) == 0:
		return dtfund.FieldError("request", "申请验收前须填写绩效目标并完成绩效自评（第六条（五））")
	case strings.TrimSpace(p.SelfEval) == "":
		return dtfund.FieldError("request", "申请验收前须完成绩效自评：请填写自评说明（第六条（五））")
	}
	var missing []string
	for _, g := range goals {
		if g.Actual == "" {
			missing = append(missing, fmt.Sprintf("第%d项“%s”", g.Seq, g.Indicator))
		}
	}
	if len(missing) > 0 {
		return dtfund.FieldError("request", "申请验收前须完成绩效自评：%s尚未填写实际值（第六条（五））", strings.Join(missing, "、"))
	}
	return nil
}

// RequestAcceptance asks 市工信局 for acceptance (申请验收, 第十九条), from
// 实施中 or, after a failed acceptance, 整改中.
func (a *App) RequestAcceptance(ctx context.Context, actor Actor, projectID int64, key string) (*store.Project, error) {
	var p *store.Project
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		if done, err := replayed(ctx, tx, actor, key); err != nil || done {
			if done {
				p, err = tx.Project(ctx, projectID)
			}
			return err
		}
		var err error
		if p, err = applicantProject(ctx, tx, actor, projectID, store.ProjectInProgress, store.ProjectRectifying); err != nil {
			return err
		}
		goals, err := tx.ProjectGoals(ctx, p.ID)
		if err != nil {
			return err
		}
		if err := requestRefusal(p, goals, a.today()); err != nil {
			return err
		}
		from := p.State
		p.State, p.RequestedAt = store.ProjectRequested, tx.Now()
		if err := tx.UpdateProject(ctx, p, from); err != nil {
			return err
		}
		note := "申请验收"
		if from == store.ProjectRectifying {
			note = "整改完成，再次申请验收"
		}
		if err := addProjectEvent(ctx, tx, actor, p, "request", from, note, "第十九条"); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("project.request", "project", itoa(p.ID)), map[string]any{"state": from}, map[string]any{"state": p.State})
	})
	return p, err
}
