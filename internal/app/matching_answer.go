package app

import (
	"context"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
)

// The enterprise's answer to a 免申即享 proposal (第十五条): it confirms its
// wish and its bank account — and the proposal becomes an application — or
// declines; an unanswered proposal lapses after its last day.

// ProposalConfirmation is the confirmation form: the wish (意愿确认), the
// bank account the award is paid into (户名 must be the organisation's
// name), and the two facts of 第十条（一）（二） that the system cannot know
// and that decide central versus local funds at the re-check.
type ProposalConfirmation struct {
	ProposalID  int64
	Wish        bool
	AccountName string
	BankName    string
	AccountNo   string
	// LittleGiantCentralFunded and Pilot2022 are declared by the
	// enterprise (第十条（一）（二）); unticked means neither applies.
	LittleGiantCentralFunded bool
	Pilot2022                bool
}

// normalizeConfirmation trims the fields and reduces the account number to
// its digits (spaces, hyphens and full-width digits as typed are accepted).
func (in *ProposalConfirmation) normalize() {
	in.AccountName, in.BankName = strings.TrimSpace(in.AccountName), strings.TrimSpace(in.BankName)
	in.AccountNo = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == ' ' || r == '-' || r == '\u3000':
			return -1
		}
		return r
	}, strings.TrimSpace(in.AccountNo))
}

// validate checks the form against the organisation's name; every problem
// is reported at once, each beside its field.
func (in *ProposalConfirmation) validate(orgName string) error {
	var v dtfund.ValidationErrors
	if !in.Wish {
		v.Add("wish", "请勾选确认申领意愿")
	}
	switch {
	case in.AccountName == "":
		v.Add("account_name", "请填写收款账户户名（须与单位名称一致）")
	case !sameName(in.AccountName, orgName):
		v.Add("account_name", "收款账户户名“%s”与单位名称“%s”不一致；奖补资金只拨付到本单位账户", in.AccountName, orgName)
	}
	if in.BankName == "" || utf8.RuneCountInString(in.BankName) > maxBankNameRunes {
		v.Add("bank_name", "请填写开户银行（不超过%d字，如：中国工商银行长春南湖支行）", maxBankNameRunes)
	}
	if !allDigits(in.AccountNo) || len(in.AccountNo) < minAccountDigits || len(in.AccountNo) > maxAccountDigits {
		v.Add("account_no", "银行账号只能由数字组成，%d至%d位", minAccountDigits, maxAccountDigits)
	}
	return v.Err()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// sameName compares an account name with the organisation's name, with
// half- and full-width brackets taken as the same (banks print either).
func sameName(a, b string) bool {
	r := strings.NewReplacer("(", "（", ")", "）", " ", "", "\u3000", "")
	return r.Replace(a) == r.Replace(b)
}

// proposalRef is the origin reference of the application made from a proposal.
func proposalRef(id int64) string { return proposalRefPrefix + itoa(id) }

// ConfirmProposal records the enterprise's confirmation and, in the same
// transaction, makes the application (ProposeApplication, state 评审通过)
// that then takes the joint re-check, publicity and approval. Only the
// enterprise itself can confirm (another organisation's proposal is not
// found); bad input or a late or answered proposal changes nothing. A
// resent confirmation returns the application made the first time.
func (a *App) ConfirmProposal(ctx context.Context, actor Actor, in ProposalConfirmation) (*dtfund.Application, error) {
	if err := requireRole(actor, dtfund.RoleApplicant); err != nil {
		return nil, err
	}
	scope, err := proposalScope(actor)
	if err != nil {
		return nil, err
	}
	in.normalize()
	var out *dtfund.Application
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Proposal(ctx, scoped(store.ProposalFilter{ID: in.ProposalID}, scope))
		if err != nil {
			return err
		}
		if p.State == store.ProposalConfirmed && p.DecidedBy == actor.User.ID {
			out, err = tx.Application(ctx, p.ApplicationID)
			return err
		}
		if err := answerable(p, calendar.DateOf(tx.Now())); err != nil {
			return err
		}
		if out, err = a.confirmTx(ctx, tx, actor, p, in); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// answerable refuses a proposal that is no longer awaiting an answer or is
// past its last day.
func answerable(p *store.MatchProposal, today calendar.Date) error {
	if p.State != store.ProposalProposed {
		return dtfund.Errorf(dtfund.ECONFLICT, "该推荐%s，不能再作答", store.ProposalStateLabel(p.State))
	}
	if today.String() > p.Deadline {
		return dtfund.Errorf(dtfund.ECONFLICT, "确认期限已于%s届满，该推荐已失效（第十五条）", p.Deadline)
	}
	return nil
}

func (a *App) confirmTx(ctx context.Context, tx *store.Tx, actor Actor, p *store.MatchProposal, in ProposalConfirmation) (*dtfund.Application, error) {
	org, err := tx.Organization(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	if err := in.validate(org.Name); err != nil {
		return nil, err
	}
	ref := proposalRef(p.ID)
	live, err := tx.LiveApplicationExcept(ctx, p.OrgID, p.CallID, ref)
	if err != nil {
		return nil, err
	}
	if live != "" {
		return nil, dtfund.Errorf(dtfund.ECONFLICT, "本批次已有%s，同一奖补不能重复申领", live)
	}
	ap, replay, err := ProposeApplication(ctx, tx, actor, Proposal{CallID: p.CallID, OrgID: p.OrgID, Origin: dtfund.OriginMatching,
		OriginRef: ref, Title: p.PolicyName, Summary: proposalSummary(p), Subtype: "cloud", RequestFen: p.AmountFen,
		Citation: matchingCitation})
	if err != nil {
		return nil, err
	}
	if !replay {
		ap.Declarations = dtfund.Declarations{Integrity: true, LittleGiantCentralFunded: in.LittleGiantCentralFunded, Pilot2022: in.Pilot2022}
		if err := tx.SaveApplicationContent(ctx, ap); err != nil {
			return nil, err
		}
	}
	acc := store.BankAccount{Name: in.AccountName, Bank: in.BankName, Number: in.AccountNo}
	if err := tx.ConfirmProposal(ctx, p.ID, acc, ap.ID, actor.User.ID); err != nil {
		return nil, err
	}
	return ap, tx.Audit(ctx, actor.audit("matching.confirm", "match_proposal", itoa(p.ID)),
		map[string]any{"state": p.State}, map[string]any{"state": store.ProposalConfirmed, "application": ap.Number,
			"account_name": acc.Name, "bank_name": acc.Bank, "account_no": MaskAccount(acc.Number),
			"little_giant_central_funded": in.LittleGiantCentralFunded, "pilot_2022": in.Pilot2022})
}

// proposalSummary is the application's description: why it was proposed.
func proposalSummary(p *store.MatchProposal) string {
	return "免申即享（第十五条）：依据匹配政策“" + p.PolicyName + "”，经企业确认使用平台云服务" + itoa(int64(p.Services)) +
		"项，拟奖补" + yuanText(p.AmountFen) + "元（第七条（二））；企业已确认申领意愿和收款账户。"
}

// DeclineProposal records that the enterprise does not want the award.
// Declining again is a no-op.
func (a *App) DeclineProposal(ctx context.Context, actor Actor, id int64, reason string) error {
	if err := requireRole(actor, dtfund.RoleApplicant); err != nil {
		return err
	}
	scope, err := proposalScope(actor)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > maxDeclineReason {
		return dtfund.FieldError("reason", "放弃原因不超过%d字", maxDeclineReason)
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Proposal(ctx, scoped(store.ProposalFilter{ID: id}, scope))
		if err != nil {
			return err
		}
		if p.State == store.ProposalDeclined && p.DecidedBy == actor.User.ID {
			return nil
		}
		if err := answerable(p, calendar.DateOf(tx.Now())); err != nil {
			return err
		}
		if err := tx.DeclineProposal(ctx, p.ID, reason, actor.User.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("matching.decline", "match_proposal", itoa(p.ID)),
			map[string]any{"state": p.State}, map[string]any{"state": store.ProposalDeclined, "reason": reason})
	})
}

// LapseProposals marks lapsed every proposal still awaiting confirmation
// after its last day (the day boundary in Asia/Shanghai: a proposal whose
// last day is the 10th lapses from 00:00 on the 11th), tells each
// enterprise, and audits each. Running it again lapses nothing more. It is
// meant for a scheduled job.
func (a *App) LapseProposals(ctx context.Context, actor Actor) (int, error) {
	if err := requireRole(actor, matchRunners...); err != nil {
		return 0, err
	}
	n := 0
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		n = 0
		ps, err := tx.LapsableProposals(ctx, calendar.DateOf(tx.Now()).String())
		if err != nil {
			return err
		}
		for _, p := range ps {
			if err := lapse(ctx, tx, actor, p); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func lapse(ctx context.Context, tx *store.Tx, actor Actor, p *store.MatchProposal) error {
	if err := tx.LapseProposal(ctx, p.ID); err != nil {
		return err
	}
	if err := tx.Notify(ctx, store.Notification{OrgID: p.OrgID, Subject: "免申即享推荐已失效：" + p.PolicyName,
		Body: "贵单位未在确认期限" + p.Deadline + "（含当日）前确认免申即享政策“" + p.PolicyName + "”的奖补（" + yuanText(p.AmountFen) +
			"元），该推荐已失效（第十五条）。如有疑问请联系属地工业和信息化主管部门。"}); err != nil {
		return err
	}
	return tx.Audit(ctx, actor.audit("matching.lapse", "match_proposal", itoa(p.ID)),
		map[string]any{"state": p.State, "deadline": p.Deadline}, map[string]any{"state": store.ProposalLapsed})
}
