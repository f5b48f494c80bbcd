package app

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
)

// The joint re-check (资格复核, 第十四条（四）): 市工业和信息化局会同市财政局 re-check
// each application that passed the expert review. Each bureau signs once;
// both passing signatures pass the re-check, one failing signature fails
// it. A passing signature is refused when the rules, run again on today's
// facts, find the applicant eligible for no fund.

// recheckRoles are the two bureaus that sign.
var recheckRoles = []dtfund.Role{dtfund.RoleCityMIIT, dtfund.RoleCityFinance}

const maxOpinion = 1000

// RecheckInfo is what the re-check page shows.
type RecheckInfo struct {
	App        *dtfund.Application
	Decision   *policy.Decision // the rules on today's facts (not stored)
	Signatures []store.RecheckSignature
	Mine       *store.RecheckSignature // the actor's bureau's signature, if any
	CanSign    bool
}

// RecheckQueue lists the applications awaiting the re-check, with the
// signatures each has so far.
func (a *App) RecheckQueue(ctx context.Context, actor Actor, page store.Page) ([]*dtfund.Application, int, map[int64][]store.RecheckSignature, error) {
	if err := requireRole(actor, recheckRoles...); err != nil {
		return nil, 0, nil, err
	}
	apps, total, err := a.FindApplications(ctx, actor, store.ApplicationFilter{States: []dtfund.AppState{dtfund.StateReviewed}, Page: page})
	if err != nil {
		return nil, 0, nil, err
	}
	ids := make([]int64, len(apps))
	for i, ap := range apps {
		ids[i] = ap.ID
	}
	sigs, err := a.DB.SignaturesFor(ctx, ids)
	return apps, total, sigs, err
}

// Recheck returns the application with the rules' decision on today's facts
// and the signatures so far.
func (a *App) Recheck(ctx context.Context, actor Actor, appID int64) (*RecheckInfo, error) {
	if err := requireRole(actor, recheckRoles...); err != nil {
		return nil, err
	}
	ap, err := a.Application(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	info := &RecheckInfo{App: ap}
	if info.Signatures, err = a.DB.RecheckSignatures(ctx, appID); err != nil {
		return nil, err
	}
	for i := range info.Signatures {
		if info.Signatures[i].Role == actor.User.Role {
			info.Mine = &info.Signatures[i]
		}
	}
	info.CanSign = ap.State == dtfund.StateReviewed && info.Mine == nil
	if ap.State == dtfund.StateReviewed {
		info.Decision, err = a.decideNow(ctx, appID)
	}
	return info, err
}

// errReadOnly rolls back a transaction used only to read consistently.
var errReadOnly = errors.New("read-only transaction")

// decideNow runs the rules on the current facts without writing anything.
func (a *App) decideNow(ctx context.Context, appID int64) (*policy.Decision, error) {
	var d *policy.Decision
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		ap, err := tx.Application(ctx, appID)
		if err != nil {
			return err
		}
		if d, err = decideWithAwards(ctx, tx, ap); err != nil {
			return err
		}
		return errReadOnly
	})
	if errors.Is(err, errReadOnly) {
		err = nil
	}
	return d, err
}

// RecheckSign is one bureau's signature.
type RecheckSign struct {
	AppID          int64
	Pass           bool
	Opinion        string
	IdempotencyKey string
}

// SignRecheck records the actor's bureau's signature. The first passing
// signature changes no state (it is on the timeline); the second passing
// one passes the re-check; a failing one fails it with the opinion as the
// reason. Two signers at once are serialised on the application's row.
func (a *App) SignRecheck(ctx context.Context, actor Actor, in RecheckSign) (*dtfund.Application, error) {
	if err := requireRole(actor, recheckRoles...); err != nil {
		return nil, err
	}
	in.Opinion = strings.TrimSpace(in.Opinion)
	if in.Opinion == "" || utf8.RuneCountInString(in.Opinion) > maxOpinion {
		return nil, dtfund.FieldError("opinion", "请填写复核意见（不超过%d字）", maxOpinion)
	}
	var result *dtfund.Application
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		if in.IdempotencyKey != "" {
			done, err := tx.IdempotencyResult(ctx, in.IdempotencyKey, actor.User.ID)
			if err != nil || done != "" {
				result, _ = tx.Application(ctx, in.AppID)
				return err
			}
		}
		var err error
		if result, err = a.signRecheckTx(ctx, tx, actor, in); err != nil {
			return err
		}
		if in.IdempotencyKey != "" {
			return tx.SaveIdempotencyResult(ctx, in.IdempotencyKey, actor.User.ID, string(result.State))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return result, nil
}

func (a *App) signRecheckTx(ctx context.Context, tx *store.Tx, actor Actor, in RecheckSign) (*dtfund.Application, error) {
	if err := tx.LockApplication(ctx, in.AppID); err != nil {
		return nil, err
	}
	sigs, err := tx.RecheckSignatures(ctx, in.AppID)
	if err != nil {
		return nil, err
	}
	var other *store.RecheckSignature
	for i, s := range sigs {
		if s.Role == actor.User.Role {
			return nil, dtfund.Errorf(dtfund.ECONFLICT, "%s已于%s会签，不能重复签署", s.Role.Label(), s.SignedAt.In(calendar.Shanghai).Format("2006-01-02 15:04"))
		}
		other = &sigs[i]
	}
	sig := &store.RecheckSignature{ApplicationID: in.AppID, Role: actor.User.Role, UserID: actor.User.ID,
		Signer: actor.User.DisplayName, Pass: in.Pass, Opinion: in.Opinion}
	switch {
	case !in.Pass:
		return a.ActTx(ctx, tx, actor, Step{AppID: in.AppID, Action: dtfund.ActRecheckFail, Reason: in.Opinion,
			Before: recheckBefore(sig, false)})
	case other != nil && other.Pass:
		return a.ActTx(ctx, tx, actor, Step{AppID: in.AppID, Action: dtfund.ActRecheckPass,
			Reason: signatureText(sig) + "；" + signatureText(other), Before: recheckBefore(sig, true)})
	}
	return a.firstSignature(ctx, tx, actor, sig)
}

// recheckBefore runs the rules in the deciding transaction, refuses a pass
// for an applicant eligible for no fund, stores the decision and the
// signature, and on a pass the fund source and the maximum subsidy.
func recheckBefore(sig *store.RecheckSignature, passing bool) func(context.Context, *store.Tx, *dtfund.Application, dtfund.AppState) error {
	return func(ctx context.Context, tx *store.Tx, ap *dtfund.Application, _ dtfund.AppState) error {
		d, err := decideAndStore(ctx, tx, ap, sig)
		if err != nil || !passing {
			return err
		}
		res := &store.RecheckResult{ApplicationID: ap.ID, FundSource: store.FundLocal, HasCap: d.HasCap, MaxSubsidyFen: d.MaxSubsidyFen}
		if d.CentralEligible {
			res.FundSource = store.FundCentral
		}
		return tx.SaveRecheckResult(ctx, res)
	}
}

// decideAndStore re-runs the rules, refuses a passing signature the rules
// do not bear out, and stores the decision with the signature.
func decideAndStore(ctx context.Context, tx *store.Tx, ap *dtfund.Application, sig *store.RecheckSignature) (*policy.Decision, error) {
	d, err := decideWithAwards(ctx, tx, ap)
	if err != nil {
		if sig.Pass {
			return nil, err
		}
		// Facts the rules cannot read do not stop a refusal.
		return nil, tx.AddRecheckSignature(ctx, sig)
	}
	if sig.Pass && !d.CentralEligible && !d.LocalEligible {
		return nil, dtfund.FieldError("pass", "按现行规则重新判定，申报主体已不符合中央资金或地方配套资金的支持条件，资格复核不能通过：%s。请选择“不通过”并填写复核意见。",
			failedFindings(d))
	}
	if sig.Pass && d.HasCap && d.MaxSubsidyFen == 0 {
		return nil, dtfund.FieldError("pass", "按现行规则重新判定，本次最高奖补额为0元（累计奖补已达上限，或没有可计入的投入），资格复核不能通过。请选择“不通过”并填写复核意见。")
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	if err := tx.SetDecision(ctx, ap.ID, string(b)); err != nil {
		return nil, err
	}
	return d, tx.AddRecheckSignature(ctx, sig)
}

// decideWithAwards is Decide with the organisation's awards of the same
// category deducted from the cumulative caps of 第七条（一） and （三） (50万元
// per enterprise, per service provider), so that a second application cannot
// take the enterprise past the cap.
func decideWithAwards(ctx context.Context, tx *store.Tx, ap *dtfund.Application) (*policy.Decision, error) {
	if ap.CallCategory != "7.1" && ap.CallCategory != "7.3" {
		return Decide(ctx, tx, ap)
	}
	prior, err := tx.PriorAwardsFen(ctx, ap.OrgID, ap.CallCategory, ap.ID)
	if err != nil || prior == 0 {
		if err != nil {
			return nil, err
		}
		return Decide(ctx, tx, ap)
	}
	in, err := decisionInput(ctx, tx, ap)
	if err != nil {
		return nil, err
	}
	in.Claim.PriorAwardsFen = prior
	return policy.Evaluate(nil, in), nil
}

// failedFindings lists the failing findings with their articles.
func failedFindings(d *policy.Decision) string {
	var out []string
	for _, f := range d.Findings {
		if f.Outcome == policy.Fail {
			out = append(out, f.Article+"："+f.Message)
		}
	}
	if len(out) == 0 {
		return "无具体不符合项"
	}
	return strings.Join(out, "；")
}

// firstSignature records a passing signature while the other bureau has
// not signed: no state change, but a timeline line and an audit record.
func (a *App) firstSignature(ctx context.Context, tx *store.Tx, actor Actor, sig *store.RecheckSignature) (*dtfund.Application, error) {
	scope, err := ApplicationScope(actor)
	if err != nil {
		return nil, err
	}
	ap, err := tx.Application(ctx, sig.ApplicationID)
	if err != nil {
		return nil, err
	}
	if !inScope(ap, scope) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "申报不存在")
	}
	if _, err := dtfund.Transition(ap.State, dtfund.ActRecheckPass, actor.User.Role); err != nil {
		return nil, err
	}
	if _, err := decideAndStore(ctx, tx, ap, sig); err != nil {
		return nil, err
	}
	ev := dtfund.AppEvent{ActorID: actor.User.ID, Actor: actor.User.DisplayName, Action: "recheck_sign", From: ap.State, To: ap.State,
		Reason: signatureText(sig) + "；待另一部门会签", Citation: dtfund.ActRecheckPass.Article()}
	if err := tx.AddEvent(ctx, ap.ID, ev); err != nil {
		return nil, err
	}
	audit := actor.audit("application.recheck_sign", "application", strconv.FormatInt(ap.ID, 10))
	return ap, tx.Audit(ctx, audit, nil, map[string]any{"role": sig.Role, "pass": sig.Pass, "opinion": sig.Opinion})
}

// signatureText is a signature as the timeline shows it.
func signatureText(s *store.RecheckSignature) string {
	verdict := "不通过"
	if s.Pass {
		verdict = "通过"
	}
	return s.Role.Label() + "（" + s.Signer + "）会签" + verdict + "，意见：" + s.Opinion
}
