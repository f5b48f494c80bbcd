package app

import (
	"context"
	"os"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Violation decisions (违规处理, 第二十条): “如发现违规操作，取消其申报资格，
// 三年内不准参加有关项目申报，并追回已获得的专项资金，涉嫌违法犯罪的，依法移交
// 有关部门处理。” 市工信局 decides, and in ONE transaction:
//   - the unit's applications not yet approved are cancelled (ActCancel of
//     the state machine, 取消申报资格), each with its timeline line;
//   - the unit is banned from the decision date to policy.BanEnd of it (the
//     corresponding day three years later, both included): the rules of
//     第十一条（二） read the decision at every submission and re-check
//     (decide.go), and StartApplication refuses a new draft meanwhile;
//   - its awards are revoked and recovered (revokeTx: the unpaid and frozen
//     money back to the line, what was paid out a receivable);
//   - referrals to other authorities (移交有关部门) are recorded, then or later.

// SanctionArticle is the article a violation decision rests on by default.
const SanctionArticle = "第二十条"

// sanctionDeciders take violation decisions; officials read them within
// their jurisdiction (OrgScope).
var sanctionDeciders = []dtfund.Role{dtfund.RoleCityMIIT}

// ReferralInput is a referral to another authority.
type ReferralInput struct {
	Authority  string // 移交机关
	ReferredOn string // YYYY-MM-DD
	Note       string
}

func (r *ReferralInput) validate(v *dtfund.ValidationErrors, field, decidedOn, today string) {
	r.Authority, r.ReferredOn, r.Note = strings.TrimSpace(r.Authority), strings.TrimSpace(r.ReferredOn), strings.TrimSpace(r.Note)
	checkText(v, field+"authority", "移交机关", r.Authority, 100)
	checkCivilDate(v, field+"referred_on", "移交日期", r.ReferredOn, today)
	if r.ReferredOn != "" && decidedOn != "" && r.ReferredOn < decidedOn {
		v.Add(field+"referred_on", "移交日期不能早于处理决定日期（%s）", decidedOn)
	}
	if utf8.RuneCountInString(r.Note) > 500 {
		v.Add(field+"note", "移交说明不超过 500 字")
	}
}

// SanctionInput is a violation decision as typed by 市工信局.
type SanctionInput struct {
	OrgID     int64
	ItemID    int64 // the inspection finding it rests on, if any
	Facts     string
	Article   string
	DecidedOn string
	DocNumber string // 处理决定书文号
	DueDate   string // the receivables' due date (when awards are revoked)
	File      *PublicityFile
	Referrals []ReferralInput
}

func (in *SanctionInput) validate(today string) (policy.Date, *policy.Values, error) {
	in.Facts, in.Article = strings.TrimSpace(in.Facts), strings.TrimSpace(in.Article)
	in.DecidedOn, in.DocNumber, in.DueDate = strings.TrimSpace(in.DecidedOn), strings.TrimSpace(in.DocNumber), strings.TrimSpace(in.DueDate)
	var v dtfund.ValidationErrors
	checkText(&v, "facts", "违规事实", in.Facts, supervisionTextRunes)
	checkText(&v, "article", "处理依据", in.Article, 100)
	checkText(&v, "doc_number", "处理决定书文号", in.DocNumber, 64)
	checkCivilDate(&v, "decided_on", "决定日期", in.DecidedOn, today)
	decided, _ := policy.ParseDate(in.DecidedOn)
	var vals *policy.Values
	if !decided.IsZero() {
		var err error
		if vals, err = policy.Default().At(decided); err != nil {
			v.Add("decided_on", "决定日期早于本办法施行日期（%s），无法确定禁止申报期", policy.Default().EffectiveFrom())
		}
	}
	if in.DueDate != "" {
		if d, err := calendar.ParseDate(in.DueDate); err != nil {
			v.Add("due_date", "追回期限：%s", err.Error())
		} else if d.String() < today {
			v.Add("due_date", "追回期限不能早于今天（%s）", today)
		}
	}
	checkEvidence(&v, in.File)
	for i := range in.Referrals {
		in.Referrals[i].validate(&v, "referral.", in.DecidedOn, today)
	}
	return decided, vals, v.Err()
}

// SanctionResult says what a decision did.
type SanctionResult struct {
	Sanction  *store.Sanction
	Cancelled []string // numbers of the cancelled applications
	Revoked   []*store.Revocation
	Replay    bool // a resent form: the decision with this number existed
}

// DecideSanction records a violation decision and carries it out in one
// transaction (第二十条). A resent form (the same document number for the
// same unit) changes nothing and returns the decision.
func (a *App) DecideSanction(ctx context.Context, actor Actor, in SanctionInput) (*SanctionResult, error) {
	if err := requireRole(actor, sanctionDeciders...); err != nil {
		return nil, err
	}
	decided, vals, err := in.validate(a.today())
	if err != nil {
		return nil, err
	}
	fc, err := a.storePublicityFile(in.File)
	if err != nil {
		return nil, err
	}
	res := &SanctionResult{}
	s := &store.Sanction{OrgID: in.OrgID, Facts: in.Facts, Article: in.Article, DecidedOn: in.DecidedOn, DocNumber: in.DocNumber,
		BanStart: in.DecidedOn, BanEnd: policy.BanEnd(vals, decided).String(), ParamVersion: vals.Version(), ItemID: in.ItemID,
		DecidedBy: actor.User.ID}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		org, err := tx.Organization(ctx, in.OrgID)
		if err != nil {
			return err
		}
		if prior, err := tx.SanctionByDoc(ctx, in.DocNumber); err != nil || prior != nil {
			if err != nil {
				return err
			}
			if prior.OrgID != in.OrgID {
				return dtfund.FieldError("doc_number", "文号 %s 已用于对 %s 的处理决定", in.DocNumber, prior.OrgName)
			}
			res.Sanction, res.Replay = prior, true
			return nil
		}
		if err := checkFindingBasis(ctx, tx, in); err != nil {
			return err
		}
		if fc != nil {
			if err := tx.SaveFileContent(ctx, fc); err != nil {
				return err
			}
			s.EvidenceSHA256, s.EvidenceName = fc.SHA256, in.File.Name
		}
		if err := tx.CreateSanction(ctx, s); err != nil {
			return err
		}
		res.Sanction = s
		if err := a.cancelPending(ctx, tx, actor, s, res); err != nil {
			return err
		}
		if err := revokeAll(ctx, tx, actor, s, in.DueDate, res); err != nil {
			return err
		}
		for _, r := range in.Referrals {
			if err := tx.AddReferral(ctx, &store.Referral{SanctionID: s.ID, Authority: r.Authority, ReferredOn: r.ReferredOn, Note: r.Note,
				CreatedBy: actor.User.ID}); err != nil {
				return err
			}
		}
		if err := tx.Notify(ctx, store.Notification{OrgID: org.ID, Subject: "违规处理决定（" + in.Article + "）：" + in.DocNumber,
			Body: "经查：" + in.Facts + "。依据" + in.Article + "，取消本单位申报资格，自 " + s.BanStart + " 至 " + s.BanEnd +
				" 不准参加有关项目申报，已获得的专项资金予以追回。"}); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("sanction.decide", "organization", itoa(org.ID)), nil, map[string]any{"sanction": s,
			"cancelled": res.Cancelled, "revoked": len(res.Revoked), "referrals": in.Referrals})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// checkFindingBasis checks that the inspection finding a decision cites is
// a violation found at that unit.
func checkFindingBasis(ctx context.Context, tx *store.Tx, in SanctionInput) error {
	if in.ItemID == 0 {
		return nil
	}
	it, err := tx.InspectionItem(ctx, in.ItemID)
	if err != nil {
		return dtfund.FieldError("item", "所依据的核查事项不存在")
	}
	if it.State != store.ItemDone || !it.Violation || it.OrgID != in.OrgID {
		return dtfund.FieldError("item", "所依据的核查事项须已出具结论、认定违规，且被核查单位为本单位")
	}
	return nil
}

// cancelPending cancels every application of the unit the state machine
// lets ActCancel leave (those not yet approved): the machine, not this
// function, decides which states are pending.
func (a *App) cancelPending(ctx context.Context, tx *store.Tx, actor Actor, s *store.Sanction, res *SanctionResult) error {
	refs, err := tx.OrgApplications(ctx, s.OrgID)
	if err != nil {
		return err
	}
	reason := "依据处理决定书 " + s.DocNumber + "（" + s.Article + "）取消申报资格，" + s.BanStart + " 至 " + s.BanEnd + "（含）不准参加有关项目申报"
	for _, ref := range refs {
		if _, err := dtfund.Transition(ref.State, dtfund.ActCancel, actor.User.Role); err != nil {
			continue // approved, withdrawn or already ended: nothing to cancel
		}
		ap, err := tx.Application(ctx, ref.ID)
		if err != nil {
			return err
		}
		if err := a.step(ctx, tx, actor, ap, Step{AppID: ap.ID, Action: dtfund.ActCancel, Reason: reason, Citation: s.Article,
			sanctionID: s.ID}); err != nil {
			return err
		}
		if err := tx.AddSanctionEffect(ctx, &store.SanctionEffect{SanctionID: s.ID, Kind: "cancel", ApplicationID: ap.ID,
			FromState: ref.State}); err != nil {
			return err
		}
		res.Cancelled = append(res.Cancelled, ap.Number)
	}
	return nil
}

// revokeAll revokes every award of the unit not yet revoked (追回).
func revokeAll(ctx context.Context, tx *store.Tx, actor Actor, s *store.Sanction, due string, res *SanctionResult) error {
	awards, apps, err := tx.OrgAwards(ctx, s.OrgID)
	if err != nil {
		return err
	}
	for i, id := range awards {
		f, err := tx.AwardFacts(ctx, id)
		if err != nil {
			return err
		}
		if f.Status == "revoked" {
			continue
		}
		if due == "" {
			return dtfund.FieldError("due_date", "该单位有奖补须撤销追回，请填写追回期限")
		}
		rev, err := revokeTx(ctx, tx, actor, RevokeInput{AwardID: id, Reason: "违规处理（处理决定书 " + s.DocNumber + "）：" + clip(s.Facts, 200),
			Article: s.Article, DueDate: due})
		if err != nil {
			return err
		}
		if err := tx.AddSanctionEffect(ctx, &store.SanctionEffect{SanctionID: s.ID, Kind: "revoke", ApplicationID: apps[i], AwardID: id,
			ReturnedFen: rev.ReturnedFen, ReceivableFen: rev.ReceivableFen}); err != nil {
			return err
		}
		res.Revoked = append(res.Revoked, rev)
	}
	return nil
}

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// AddReferral records a later referral to another authority.
func (a *App) AddReferral(ctx context.Context, actor Actor, sanctionID int64, in ReferralInput) (*store.Referral, error) {
	if err := requireRole(actor, sanctionDeciders...); err != nil {
		return nil, err
	}
	s, err := a.DB.Sanction(ctx, sanctionID, "")
	if err != nil {
		return nil, err
	}
	var v dtfund.ValidationErrors
	in.validate(&v, "", s.DecidedOn, a.today())
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := &store.Referral{SanctionID: s.ID, Authority: in.Authority, ReferredOn: in.ReferredOn, Note: in.Note, CreatedBy: actor.User.ID}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if same, err := tx.SameReferral(ctx, s.ID, r.Authority, r.ReferredOn); err != nil || same {
			return err // a resent form: recorded already
		}
		if err := tx.AddReferral(ctx, r); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("sanction.referral", "sanction", itoa(s.ID)), nil, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Sanctions lists the decisions the actor may see: about organisations in
// the actor's jurisdiction (OrgScope).
func (a *App) Sanctions(ctx context.Context, actor Actor, f store.SanctionFilter) ([]*store.Sanction, int, error) {
	scope, err := OrgScope(actor)
	if err != nil {
		return nil, 0, err
	}
	f.DistrictCode = scope
	return a.DB.FindSanctions(ctx, f)
}

// SanctionView is a decision with what it did and its referrals.
type SanctionView struct {
	Sanction  *store.Sanction
	Effects   []*store.SanctionEffect
	Referrals []*store.Referral
	Active    bool // the ban is in force today
}

// Sanction returns a decision the actor may see, or ENOTFOUND.
func (a *App) Sanction(ctx context.Context, actor Actor, id int64) (*SanctionView, error) {
	scope, err := OrgScope(actor)
	if err != nil {
		return nil, err
	}
	v := &SanctionView{}
	if v.Sanction, err = a.DB.Sanction(ctx, id, scope); err != nil {
		return nil, err
	}
	if v.Effects, err = a.DB.SanctionEffects(ctx, id); err != nil {
		return nil, err
	}
	v.Referrals, err = a.DB.Referrals(ctx, id)
	v.Active = v.Sanction.Active(a.today())
	return v, err
}

// OpenSanctionEvidence opens a decision's evidence; the caller closes it.
func (a *App) OpenSanctionEvidence(ctx context.Context, actor Actor, id int64) (string, *store.FileContent, *os.File, error) {
	v, err := a.Sanction(ctx, actor, id)
	if err != nil {
		return "", nil, nil, err
	}
	fc, f, err := a.openPublicityFile(ctx, v.Sanction.EvidenceSHA256)
	return v.Sanction.EvidenceName, fc, f, err
}

// OrgSanctions returns the decisions about an organisation the actor may
// see (the organisation page shows the bans).
func (a *App) OrgSanctions(ctx context.Context, actor Actor, orgID int64) ([]*store.Sanction, error) {
	if _, err := a.Organization(ctx, actor, orgID); err != nil {
		return nil, err
	}
	ss, _, err := a.DB.FindSanctions(ctx, store.SanctionFilter{OrgID: orgID, Page: store.Page{Limit: 200}})
	return ss, err
}

// refuseBanned refuses a new application of a banned unit (第二十条“三年内
// 不准参加有关项目申报”), naming the decision and the last day of the ban.
func refuseBanned(ctx context.Context, tx *store.Tx, orgID int64) error {
	ss, err := tx.OrgSanctions(ctx, orgID)
	if err != nil {
		return err
	}
	today := txToday(tx)
	for _, s := range ss {
		if !s.Active(today) {
			continue
		}
		free := s.BanEnd
		if d, err := calendar.ParseDate(s.BanEnd); err == nil {
			free = d.AddDays(1).String()
		}
		return dtfund.Errorf(dtfund.EFORBIDDEN, "依据第二十条，本单位已被取消申报资格：处理决定书 %s（%s 作出，依据%s），"+
			"%s 至 %s（含）不准参加有关项目申报，自 %s 起方可申报", s.DocNumber, s.DecidedOn, s.Article, s.BanStart, s.BanEnd, free)
	}
	return nil
}
