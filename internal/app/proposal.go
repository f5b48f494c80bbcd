package app

import (
	"context"
	"strings"

	"dtfund"
	"dtfund/internal/store"
)

// Proposal is an award the system proposes instead of an applicant's own
// application: the top of a ranking (第七条（三）（四）) or a 免申即享 match
// that the enterprise confirmed (第十五条).
type Proposal struct {
	CallID     int64         // the call (批次) the award belongs to; its category decides the caps
	OrgID      int64         // the recipient
	Origin     dtfund.Origin // OriginRanking or OriginMatching
	OriginRef  string        // the source record, e.g. "ranking:3:entry:17"; one application per ref
	Title      string        // e.g. 「2026年度优秀“小快轻准”产品：某某云MES」
	Summary    string        // why it is proposed, with the figures (shown as the description)
	Subtype    string        // 7.2: cloud | benchmark
	RequestFen int64         // the proposed amount, already within the caps
	Citation   string        // the article it carries out, e.g. 第七条（三）
}

func (p *Proposal) validate() error {
	var v dtfund.ValidationErrors
	if p.CallID <= 0 {
		v.Add("call_id", "请选择奖补所属批次")
	}
	if p.OrgID <= 0 {
		v.Add("org_id", "请选择奖补对象")
	}
	if p.Origin != dtfund.OriginRanking && p.Origin != dtfund.OriginMatching {
		v.Add("origin", "推荐来源只能是排名推荐或免申即享")
	}
	if strings.TrimSpace(p.OriginRef) == "" {
		v.Add("origin_ref", "缺少推荐来源记录")
	}
	if strings.TrimSpace(p.Title) == "" {
		v.Add("title", "请填写项目名称")
	}
	if p.RequestFen <= 0 {
		v.Add("request", "推荐金额须大于0")
	}
	if strings.TrimSpace(p.Citation) == "" {
		v.Add("citation", "请注明依据条款")
	}
	return v.Err()
}

// ProposeApplication creates, inside tx, the application of a proposed
// award. It starts in 评审通过 (StateReviewed): the ranking or the match
// takes the place of the applicant's submission and of the expert review,
// and from there the award takes the same path as any application — the
// joint eligibility re-check (第十四条（四）), publicity (（五）) and the
// government's approval (（六）). Proposing the same source record again
// returns the application made the first time (replay = true): a ranking or
// matching run can be repeated safely. The actor is the official (or the
// system actor of a scheduled job) that turns the result into proposals.
func ProposeApplication(ctx context.Context, tx *store.Tx, actor Actor, p Proposal) (app *dtfund.Application, replay bool, err error) {
	if err := p.validate(); err != nil {
		return nil, false, err
	}
	if prior, err := tx.ApplicationByOrigin(ctx, p.Origin, p.OriginRef); err != nil || prior != nil {
		return prior, prior != nil, err
	}
	org, err := tx.Organization(ctx, p.OrgID)
	if err != nil {
		return nil, false, err
	}
	app = &dtfund.Application{CallID: p.CallID, OrgID: p.OrgID, DistrictCode: org.DistrictCode, State: dtfund.StateReviewed,
		Title: p.Title, Description: p.Summary, Subtype: p.Subtype, RequestedFen: p.RequestFen,
		Origin: p.Origin, OriginRef: p.OriginRef}
	if actor.User != nil {
		app.CreatedBy = actor.User.ID
	}
	if err := tx.CreateApplication(ctx, app); err != nil {
		return nil, false, err
	}
	ev := dtfund.AppEvent{Action: "propose", To: dtfund.StateReviewed, Reason: p.Summary, Citation: p.Citation}
	if actor.User != nil {
		ev.ActorID, ev.Actor = actor.User.ID, actor.User.DisplayName
	}
	if err := tx.AddEvent(ctx, app.ID, ev); err != nil {
		return nil, false, err
	}
	if err := tx.Audit(ctx, actor.audit("application.propose", "application", itoa(app.ID)), nil, app); err != nil {
		return nil, false, err
	}
	return app, false, tx.Notify(ctx, store.Notification{OrgID: app.OrgID, ApplicationID: app.ID,
		Subject: "申报 " + app.Number + " 已由" + p.Origin.Label() + "推荐：" + app.State.Label(), Body: p.Summary})
}
