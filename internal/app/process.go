package app

import (
	"context"
	"strconv"

	"dtfund"
	"dtfund/internal/store"
)

// ApplicationScope returns the filter that limits the actor to the
// applications they may see: their organisation's for an applicant, their
// district's submitted ones for district officials, every submitted one for
// city officials, the inspector and the administrator. Drafts are private to
// the applicant. Experts see only what is assigned to them (review.go).
func ApplicationScope(actor Actor) (store.ApplicationFilter, error) {
	if actor.User == nil {
		return store.ApplicationFilter{}, dtfund.Errorf(dtfund.EUNAUTHORIZED, "请先登录")
	}
	u := actor.User
	switch u.Role {
	case dtfund.RoleApplicant:
		return store.ApplicationFilter{OrgID: u.OrgID}, nil
	case dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance:
		return store.ApplicationFilter{DistrictCode: u.DistrictCode, ExcludeDrafts: true}, nil
	case dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin:
		return store.ApplicationFilter{ExcludeDrafts: true}, nil
	case dtfund.RoleExpert:
		return expertScope(u), nil
	}
	return store.ApplicationFilter{}, dtfund.Errorf(dtfund.EFORBIDDEN, "无权查看申报")
}

// expertScope limits an expert to the applications of the panels they were
// drawn for, less those they declared a conflict on (the query in appWhere).
func expertScope(u *dtfund.User) store.ApplicationFilter {
	return store.ApplicationFilter{ExpertID: u.ID, ExcludeDrafts: true}
}

// inScope reports whether the application matches the scope filter's
// jurisdiction fields.
func inScope(a *dtfund.Application, f store.ApplicationFilter) bool {
	switch {
	case f.OrgID != 0 && a.OrgID != f.OrgID:
		return false
	case f.DistrictCode != "" && a.DistrictCode != f.DistrictCode:
		return false
	case f.ExcludeDrafts && a.State == dtfund.StateDraft:
		return false
	case f.ExpertID != 0:
		// An expert's assignment is a query (appWhere), not a field of the
		// application; experts change no application's state, so refuse.
		return false
	}
	return true
}

// FindApplications lists the applications the actor may see, with the
// user's filters applied inside that scope.
func (a *App) FindApplications(ctx context.Context, actor Actor, f store.ApplicationFilter) ([]*dtfund.Application, int, error) {
	scope, err := ApplicationScope(actor)
	if err != nil {
		return nil, 0, err
	}
	f.OrgID, f.ExcludeDrafts, f.ExpertID = scope.OrgID, scope.ExcludeDrafts, scope.ExpertID
	if scope.DistrictCode != "" || actor.User.Role.NeedsDistrict() {
		f.DistrictCode = scope.DistrictCode // a district official's own district, whatever the filter said
	}
	return a.DB.FindApplications(ctx, f)
}

// Application returns one application the actor may see, or ENOTFOUND.
func (a *App) Application(ctx context.Context, actor Actor, id int64) (*dtfund.Application, error) {
	scope, err := ApplicationScope(actor)
	if err != nil {
		return nil, err
	}
	return a.DB.Application(ctx, id, scope)
}

// Step is one action on an application.
type Step struct {
	AppID    int64
	Action   dtfund.AppAction
	Reason   string // required for refusals and returns; shown on the timeline
	Citation string // the article relied on, when not the action's own
	// IdempotencyKey makes a retried request (a double click, a resent
	// form) a no-op that succeeds, instead of a second action.
	IdempotencyKey string
	// Before runs inside the transaction after the legality checks and
	// before the state changes; it may write the action's own data or
	// refuse the action by returning an error (then nothing is written).
	Before func(ctx context.Context, tx *store.Tx, app *dtfund.Application, to dtfund.AppState) error

	// sanctionID is the violation decision a cancellation (ActCancel)
	// carries out: only DecideSanction sets it, in the decision's
	// transaction (第二十条).
	sanctionID int64
}

// Act performs a step: checks the actor's role and jurisdiction and the
// state machine, then in one transaction runs Before, writes the new state,
// the timeline event, the audit record and the applicant's notification.
func (a *App) Act(ctx context.Context, actor Actor, s Step) (*dtfund.Application, error) {
	if _, err := ApplicationScope(actor); err != nil {
		return nil, err
	}
	var result *dtfund.Application
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		result, err = a.ActTx(ctx, tx, actor, s)
		return err
	})
	if err != nil {
		return nil, err
	}
	return result, nil
}

// ActTx does what Act does inside the caller's transaction, for a use case
// that takes several steps that must commit or fail together (a batch's
// approval). The caller's error rolls everything back.
func (a *App) ActTx(ctx context.Context, tx *store.Tx, actor Actor, s Step) (*dtfund.Application, error) {
	scope, err := ApplicationScope(actor)
	if err != nil {
		return nil, err
	}
	if s.IdempotencyKey != "" {
		done, err := tx.IdempotencyResult(ctx, s.IdempotencyKey, actor.User.ID)
		if err != nil || done != "" {
			result, _ := tx.Application(ctx, s.AppID)
			return result, err
		}
	}
	app, err := tx.Application(ctx, s.AppID)
	if err != nil {
		return nil, err
	}
	if !inScope(app, scope) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "申报不存在")
	}
	if err := a.step(ctx, tx, actor, app, s); err != nil {
		return nil, err
	}
	if s.IdempotencyKey != "" {
		if err := tx.SaveIdempotencyResult(ctx, s.IdempotencyKey, actor.User.ID, string(app.State)); err != nil {
			return nil, err
		}
	}
	return app, nil
}

// firstReviewer enforces who performs the first review (第十四条（二）): the
// 属地 district's industry bureau, or — for an applicant registered outside
// Changchun, which has no 属地 district — the city bureau.
func firstReviewer(actor Actor, app *dtfund.Application, action dtfund.AppAction) error {
	switch action {
	case dtfund.ActReturn, dtfund.ActDecline, dtfund.ActRecommend:
	default:
		return nil
	}
	if actor.User.Role == dtfund.RoleCityMIIT && app.DistrictCode != "" {
		return dtfund.Errorf(dtfund.EFORBIDDEN, "该申报由属地%s工业和信息化主管部门初审推荐（第十四条（二））", app.DistrictName)
	}
	return nil
}

func (a *App) step(ctx context.Context, tx *store.Tx, actor Actor, app *dtfund.Application, s Step) error {
	from := app.State
	to, err := dtfund.Transition(from, s.Action, actor.User.Role)
	if err != nil {
		return err
	}
	if err := firstReviewer(actor, app, s.Action); err != nil {
		return err
	}
	if s.Action == dtfund.ActCancel && s.sanctionID == 0 {
		return dtfund.Errorf(dtfund.EFORBIDDEN, "取消申报资格须依据违规处理决定（第二十条），请在“违规处理”中作出处理决定")
	}
	if s.Before != nil {
		if err := s.Before(ctx, tx, app, to); err != nil {
			return err
		}
	}
	if err := tx.SetApplicationState(ctx, app.ID, from, to); err != nil {
		return err
	}
	app.State = to
	citation := s.Citation
	if citation == "" {
		citation = s.Action.Article()
	}
	ev := dtfund.AppEvent{ActorID: actor.User.ID, Actor: actor.User.DisplayName, Action: string(s.Action), From: from, To: to,
		Reason: s.Reason, Citation: citation}
	if err := tx.AddEvent(ctx, app.ID, ev); err != nil {
		return err
	}
	audit := actor.audit("application."+string(s.Action), "application", strconv.FormatInt(app.ID, 10))
	if err := tx.Audit(ctx, audit, map[string]any{"state": from}, map[string]any{"state": to, "reason": s.Reason, "citation": citation}); err != nil {
		return err
	}
	return tx.Notify(ctx, store.Notification{OrgID: app.OrgID, ApplicationID: app.ID,
		Subject: "申报 " + app.Number + " " + s.Action.Label() + "：" + to.Label(), Body: s.Reason})
}

// Events returns the timeline of an application the actor may see.
func (a *App) Events(ctx context.Context, actor Actor, id int64) ([]dtfund.AppEvent, error) {
	if _, err := a.Application(ctx, actor, id); err != nil {
		return nil, err
	}
	return a.DB.Events(ctx, id)
}
