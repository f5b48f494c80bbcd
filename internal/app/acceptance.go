package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Acceptance (验收) and termination, by 市工业和信息化局 (第六条（一）: 牵头组织
// 项目…验收). Passing requires the enterprise's latest assessment after the
// retrofit to reach the level the call sets (policy.AcceptanceLevel). A
// first failure grants a rectification period (第十八条); a second failure,
// or a deadline missed, terminates the project and revokes its award in the
// same transaction (事后奖补, 第十五条; 停止项目执行, 第十八条).

const (
	minAcceptanceExperts = 3
	maxAcceptanceExperts = 15
	expertNameRunes      = 50
	// terminationArticle is cited when a project's award is revoked because
	// the project failed or was not finished: money follows acceptance
	// (第十五条) and a project far off its goals is stopped (第十八条).
	terminationArticle = "第十五条、第十八条"
)

// AcceptanceInput is the record of one acceptance meeting.
type AcceptanceInput struct {
	ProjectID int64
	HeldOn    string   // 验收日期 YYYY-MM-DD, not after today
	Experts   []string // 验收专家组 names
	Opinion   string   // 验收意见
	Pass      bool
	// DueDate is the recovery deadline of the award, needed only when this
	// failure terminates the project (it failed before).
	DueDate        string
	IdempotencyKey string
}

// AcceptanceResult says what recording an acceptance did.
type AcceptanceResult struct {
	Acceptance *store.Acceptance
	Project    *store.Project
	Revocation *store.Revocation // when a second failure terminated the project
	Replayed   bool
}

func (in *AcceptanceInput) validate(today string) error {
	in.HeldOn, in.Opinion, in.DueDate = strings.TrimSpace(in.HeldOn), strings.TrimSpace(in.Opinion), strings.TrimSpace(in.DueDate)
	var v dtfund.ValidationErrors
	validDate(&v, "held_on", "验收日期", in.HeldOn, today, true)
	var names []string
	seen := map[string]bool{}
	for _, n := range in.Experts {
		n = strings.TrimSpace(n)
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		if utf8.RuneCountInString(n) > expertNameRunes {
			v.Add("experts", "专家姓名“%s…”过长（不超过%d字）", string([]rune(n)[:10]), expertNameRunes)
		}
		names = append(names, n)
	}
	in.Experts = names
	if len(names) < minAcceptanceExperts || len(names) > maxAcceptanceExperts {
		v.Add("experts", "验收专家组应有%d至%d名专家（现有%d名）", minAcceptanceExperts, maxAcceptanceExperts, len(names))
	}
	if in.Opinion == "" || utf8.RuneCountInString(in.Opinion) > projectTextRunes {
		v.Add("opinion", "请填写验收意见（不超过%d字）", projectTextRunes)
	}
	return v.Err()
}

// RecordAcceptance records an acceptance meeting of a project awaiting it.
// A pass is refused, with the rule and the figures, unless the latest
// assessment after the retrofit reaches the level the call requires; then
// nothing is written.
func (a *App) RecordAcceptance(ctx context.Context, actor Actor, in AcceptanceInput) (*AcceptanceResult, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	today := a.today()
	if err := in.validate(today); err != nil {
		return nil, err
	}
	res := &AcceptanceResult{}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		if done, err := replayed(ctx, tx, actor, in.IdempotencyKey); err != nil || done {
			res.Replayed = done
			if done {
				res.Project, err = tx.Project(ctx, in.ProjectID)
			}
			return err
		}
		return a.recordAcceptanceTx(ctx, tx, actor, in, today, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (a *App) recordAcceptanceTx(ctx context.Context, tx *store.Tx, actor Actor, in AcceptanceInput, today string, res *AcceptanceResult) error {
	p, err := projectInTx(ctx, tx, actor, in.ProjectID)
	if err != nil {
		return err
	}
	switch {
	case p.State != store.ProjectRequested:
		return dtfund.Errorf(dtfund.ECONFLICT, "项目当前状态为“%s”，申报主体申请验收后才能组织验收（第十九条）", p.StateLabel())
	case p.AwardStatus == "suspended":
		return dtfund.Errorf(dtfund.ECONFLICT, "该项目的奖补已暂缓执行（第十八条），暂停验收")
	case in.HeldOn < calendar.DateOf(p.RequestedAt).String():
		return dtfund.FieldError("held_on", "验收日期不能早于申请验收的日期 %s", calendar.DateOf(p.RequestedAt))
	}
	heldOn, _ := policy.ParseDate(in.HeldOn)
	call, err := tx.Call(ctx, p.CallID)
	if err != nil {
		return err
	}
	v, err := callValues(call, heldOn)
	if err != nil {
		return err
	}
	latest, err := tx.LatestAssessment(ctx, p.ApplicationID, store.PhaseAfter)
	if err != nil {
		return err
	}
	level := policy.AcceptanceLevel(v, assessmentFact(latest))
	if in.Pass && level.Outcome != policy.Pass {
		return dtfund.FieldError("pass", "不能通过验收：%s（%s）", level.Message, level.Article)
	}
	minLevel, _ := v.Int("acceptance.min_level")
	acc := &store.Acceptance{ProjectID: p.ID, Round: p.Failures + 1, HeldOn: in.HeldOn, Experts: in.Experts, Opinion: in.Opinion,
		Passed: in.Pass, MinLevel: int(minLevel), CreatedBy: actorID(actor)}
	if latest != nil {
		l := latest.Level
		acc.AssessmentID, acc.Level, acc.ScoreCenti = latest.ID, &l, latest.ScoreCenti
	}
	findings := []policy.Finding{level}
	from := p.State
	var note string
	switch {
	case in.Pass:
		p.State, p.ClosedAt, p.CloseReason = store.ProjectAccepted, tx.Now(), fmt.Sprintf("第%d次验收通过（%s）", acc.Round, in.HeldOn)
		note = p.CloseReason + "；" + level.Message
	case p.Failures == 0:
		due, f := policy.RectificationDeadline(v, heldOn)
		findings = append(findings, f)
		p.State, p.Failures, p.RectifyDeadline = store.ProjectRectifying, 1, due.String()
		acc.RectifyDeadline = p.RectifyDeadline
		note = fmt.Sprintf("第%d次验收不通过：%s；%s", acc.Round, in.Opinion, f.Message)
	default:
		p.State, p.Failures, p.ClosedAt = store.ProjectTerminated, p.Failures+1, tx.Now()
		p.CloseReason = fmt.Sprintf("第%d次验收不通过，终止项目（%s）", acc.Round, terminationArticle)
		note = p.CloseReason + "：" + in.Opinion
	}
	b, err := json.Marshal(findings)
	if err != nil {
		return err
	}
	acc.Findings = string(b)
	if p.State == store.ProjectTerminated {
		rin := RevokeInput{AwardID: p.AwardID, Article: terminationArticle, DueDate: in.DueDate,
			Reason: fmt.Sprintf("改造项目（%s）经整改后第%d次验收仍不通过，终止项目、撤销奖补", p.AppNumber, acc.Round)}
		if err := rin.validate(a.today()); err != nil {
			return dtfund.FieldError("due_date", "本次为整改后再次验收不通过，提交后将终止项目并撤销、追回奖补（%s）：请填写不早于今天的追回期限", terminationArticle)
		}
		if err := tx.UpdateProject(ctx, p, from); err != nil {
			return err
		}
		if res.Revocation, err = revokeAwardIfActive(ctx, tx, actor, rin); err != nil {
			return err
		}
	} else if err := tx.UpdateProject(ctx, p, from); err != nil {
		return err
	}
	if err := tx.AddAcceptance(ctx, acc); err != nil {
		return err
	}
	action, citation := "accept", level.Article
	switch p.State {
	case store.ProjectRectifying:
		action, citation = "fail", terminationArticle // the level rule, and rectification (第十八条)
	case store.ProjectTerminated:
		action, citation = "fail_terminate", terminationArticle
	}
	if err := addProjectEvent(ctx, tx, actor, p, action, from, note, citation); err != nil {
		return err
	}
	if err := tx.Notify(ctx, store.Notification{OrgID: p.OrgID, ApplicationID: p.ApplicationID,
		Subject: "改造项目 " + p.AppNumber + " 验收结果：" + p.StateLabel(), Body: note}); err != nil {
		return err
	}
	res.Acceptance, res.Project = acc, p
	return tx.Audit(ctx, actor.audit("project.acceptance", "project", itoa(p.ID)), map[string]any{"state": from}, acc)
}

// assessmentFact is the rules' view of a stored assessment (nil for none).
func assessmentFact(s *store.Assessment) *policy.AssessmentFact {
	if s == nil {
		return nil
	}
	on, _ := policy.ParseDate(s.AssessedOn)
	return &policy.AssessmentFact{Level: s.Level, ScoreCenti: s.ScoreCenti, AssessedOn: on, Assessor: s.Assessor, ReportNo: s.ReportNo}
}

// revokeAwardIfActive revokes the award unless it was revoked already.
func revokeAwardIfActive(ctx context.Context, tx *store.Tx, actor Actor, in RevokeInput) (*store.Revocation, error) {
	f, err := tx.AwardFacts(ctx, in.AwardID)
	if err != nil || f.Status == "revoked" {
		return nil, err
	}
	return revokeTx(ctx, tx, actor, in)
}

// TerminateInput is the termination of an overdue project.
type TerminateInput struct {
	ProjectID      int64
	Reason         string
	DueDate        string // the recovery deadline of the award
	IdempotencyKey string
}

// TerminateProject terminates a project whose deadline passed without
// acceptance — in progress past its completion deadline, or rectifying past
// its rectification deadline — and revokes its award in the same
// transaction: the unpaid commitment returns to the budget line and what
// was paid becomes a receivable (recovery.go).
func (a *App) TerminateProject(ctx context.Context, actor Actor, in TerminateInput) (*store.Revocation, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	today := a.today()
	in.Reason = strings.TrimSpace(in.Reason)
	rin := RevokeInput{Reason: in.Reason, Article: terminationArticle, DueDate: in.DueDate}
	if err := rin.validate(today); err != nil {
		return nil, err
	}
	var rev *store.Revocation
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		if done, err := replayed(ctx, tx, actor, in.IdempotencyKey); err != nil || done {
			return err
		}
		p, err := projectInTx(ctx, tx, actor, in.ProjectID)
		if err != nil {
			return err
		}
		if !p.Overdue(today) {
			return terminationRefusal(p)
		}
		from, due := p.State, p.DueDate()
		p.State, p.ClosedAt = store.ProjectTerminated, tx.Now()
		p.CloseReason = fmt.Sprintf("期限 %s 已过仍未验收，终止项目（%s）：%s", due, terminationArticle, in.Reason)
		if err := tx.UpdateProject(ctx, p, from); err != nil {
			return err
		}
		rin.AwardID, rin.Reason = p.AwardID, "改造项目（"+p.AppNumber+"）"+p.CloseReason
		if rev, err = revokeAwardIfActive(ctx, tx, actor, rin); err != nil {
			return err
		}
		if err := addProjectEvent(ctx, tx, actor, p, "terminate", from, p.CloseReason, terminationArticle); err != nil {
			return err
		}
		if err := tx.Notify(ctx, store.Notification{OrgID: p.OrgID, ApplicationID: p.ApplicationID,
			Subject: "改造项目 " + p.AppNumber + " 已终止", Body: p.CloseReason}); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("project.terminate", "project", itoa(p.ID)), map[string]any{"state": from}, p)
	})
	return rev, err
}

// terminationRefusal explains why a project cannot be terminated now.
func terminationRefusal(p *store.Project) error {
	switch p.State {
	case store.ProjectInProgress, store.ProjectRectifying:
		return dtfund.Errorf(dtfund.ECONFLICT, "项目期限 %s 尚未届满，不能终止（逾期未验收的项目才能终止，%s）", p.DueDate(), terminationArticle)
	case store.ProjectRequested:
		return dtfund.Errorf(dtfund.ECONFLICT, "申报主体已申请验收，请先组织验收；整改后再次验收不通过的，记录验收结果时即终止项目")
	}
	return dtfund.Errorf(dtfund.ECONFLICT, "项目已“%s”，不能终止", p.StateLabel())
}

// terminateOnRevocation terminates the open project of an award revoked
// for any reason (第二十条, a sanction): it can no longer be accepted.
func terminateOnRevocation(ctx context.Context, tx *store.Tx, actor Actor, awardID int64, in RevokeInput) error {
	p, err := tx.ProjectOfAward(ctx, awardID)
	if dtfund.ErrorCode(err) == dtfund.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	switch p.State {
	case store.ProjectInProgress, store.ProjectRequested, store.ProjectRectifying:
	default:
		return nil // accepted stays accepted; terminated already
	}
	from := p.State
	p.State, p.ClosedAt, p.CloseReason = store.ProjectTerminated, tx.Now(), "奖补已撤销（"+in.Article+"）："+in.Reason
	if err := tx.UpdateProject(ctx, p, from); err != nil {
		return err
	}
	return addProjectEvent(ctx, tx, actor, p, "award_revoked", from, p.CloseReason, in.Article)
}
