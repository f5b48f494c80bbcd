package app

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dtfund"
	"dtfund/internal/store"
)

// Recovery (追回, 第二十条): 市工信局 revokes an award; in one transaction
// the unpaid commitment and the money still in transit return to the
// award's budget line, and what was already paid out becomes a receivable.
// 市财政局 records repayments, which return to the same line.

// RevokeInput is a revocation.
type RevokeInput struct {
	AwardID int64
	Reason  string
	Article string // the article the revocation rests on, e.g. 第二十条
	DueDate string // YYYY-MM-DD: the receivable is due by this date
}

func (in *RevokeInput) validate(today string) error {
	in.Reason, in.Article, in.DueDate = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Article), strings.TrimSpace(in.DueDate)
	var ve dtfund.ValidationErrors
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 1000 {
		ve = append(ve, dtfund.FieldError("reason", "请填写撤销理由（不超过 1000 字）"))
	}
	if in.Article == "" || utf8.RuneCountInString(in.Article) > 100 {
		ve = append(ve, dtfund.FieldError("article", "请填写撤销依据的条款，如“第二十条”"))
	}
	if _, err := time.Parse("2006-01-02", in.DueDate); err != nil {
		ve = append(ve, dtfund.FieldError("due_date", "追回期限应为日期（年-月-日）"))
	} else if in.DueDate < today {
		ve = append(ve, dtfund.FieldError("due_date", "追回期限不能早于今天"))
	}
	if len(ve) > 0 {
		return ve
	}
	return nil
}

// RevokeAward revokes an award (撤销奖补) in one transaction.
func (a *App) RevokeAward(ctx context.Context, actor Actor, in RevokeInput) (*store.Revocation, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	if err := in.validate(a.today()); err != nil {
		return nil, err
	}
	var rev *store.Revocation
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		rev, err = revokeTx(ctx, tx, actor, in)
		return err
	})
	return rev, err
}

// revokeTx revokes an award inside the caller's transaction: the ledger
// posting, the revocation record, the award's status, the notification and
// the audit record; the award's supervision cases end and its project, if
// still open, is terminated with it (project.go). The caller has checked the
// actor's authority and the input (RevokeAward; a stop under 第十八条, a
// violation decision under 第二十条 and a project's termination revoke in
// their own transactions).
func revokeTx(ctx context.Context, tx *store.Tx, actor Actor, in RevokeInput) (*store.Revocation, error) {
	f, err := tx.AwardFacts(ctx, in.AwardID)
	if err != nil {
		return nil, err
	}
	if f.Status == "revoked" {
		return nil, dtfund.Errorf(dtfund.ECONFLICT, "该奖补已撤销")
	}
	rev, err := revokePostings(ctx, tx, actor, f)
	if err != nil {
		return nil, err
	}
	rev.Reason, rev.Article, rev.DueDate, rev.RevokedBy = in.Reason, in.Article, in.DueDate, actorID(actor)
	if err := tx.CreateRevocation(ctx, rev); err != nil {
		return nil, err
	}
	if err := tx.SetAwardStatus(ctx, f.ID, "revoked"); err != nil {
		return nil, err
	}
	if err := endCasesOnRevoke(ctx, tx, actor, f.ID, in); err != nil {
		return nil, err
	}
	if err := terminateOnRevocation(ctx, tx, actor, f.ID, in); err != nil {
		return nil, err
	}
	if err := tx.Notify(ctx, store.Notification{OrgID: f.OrgID, Subject: "奖补已撤销",
		Body: "依据" + in.Article + "，您的奖补已撤销：" + in.Reason + "。已拨付的 " + yuanText(rev.ReceivableFen) + " 元须于 " + in.DueDate + " 前退回。"}); err != nil {
		return nil, err
	}
	return rev, tx.Audit(ctx, actor.audit("award.revoke", "award", strconv.FormatInt(f.ID, 10)), nil, rev)
}

// revokePostings posts the revocation's one ledger transaction and moves the
// award's instructions: pending ones are cancelled, those in transit recalled.
// Money frozen by a suspension (暂缓, 第十八条) goes back to the line with the
// unpaid commitment.
func revokePostings(ctx context.Context, tx *store.Tx, actor Actor, f *store.AwardFacts) (*store.Revocation, error) {
	rev := &store.Revocation{AwardID: f.ID, LineCode: f.LineCode}
	unpaid, err := tx.Balance(ctx, store.CommitmentAccount(f.ID))
	if err != nil {
		return nil, err
	}
	transit, err := tx.TransitByDistrict(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	paid, err := tx.PaidOutFen(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	frozen, err := tx.Balance(ctx, store.FrozenAccount(f.ID))
	if err != nil {
		return nil, err
	}
	var ps []store.Posting
	if unpaid > 0 {
		ps = append(ps, store.Posting{Account: store.CommitmentAccount(f.ID), AmountFen: -unpaid})
	}
	if frozen > 0 {
		ps = append(ps, store.Posting{Account: store.FrozenAccount(f.ID), AmountFen: -frozen})
	}
	back := unpaid + frozen
	for d, amt := range transit {
		ps, back = append(ps, store.Posting{Account: store.TransitAccount(d), AmountFen: -amt}), back+amt
	}
	if back > 0 {
		ps = append(ps, store.Posting{Account: f.LineCode, AmountFen: back})
	}
	if paid > 0 {
		if _, err := tx.EnsureAccount(ctx, store.ReceivableAccount(f.ID), store.AccountReceivable, "应收追回款·"+f.OrgName); err != nil {
			return nil, err
		}
		ps = append(ps, store.Posting{Account: store.ReceivableAccount(f.ID), AmountFen: paid},
			store.Posting{Account: store.RecipientAccount(f.OrgID), AmountFen: -paid})
	}
	if (back > 0 || paid > 0) && f.LineCode == "" {
		return nil, dtfund.Errorf(dtfund.ECONFLICT, "未找到该奖补的预算指标（承诺记录），无法撤销")
	}
	rev.ReturnedFen, rev.ReceivableFen = back, paid
	if len(ps) > 0 {
		id, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "revoke", IdempotencyKey: "revoke:award:" + strconv.FormatInt(f.ID, 10),
			RefType: "award", RefID: strconv.FormatInt(f.ID, 10), Memo: "撤销奖补 " + f.OrgName, ActorID: actorID(actor), Postings: ps})
		if err != nil {
			return nil, err
		}
		rev.LedgerTxID = id
	}
	if _, err := tx.SetInstructionState(ctx, f.ID, []string{store.InstrIssued, store.InstrReceived}, store.InstrRecalled, "奖补撤销，资金收回"); err != nil {
		return nil, err
	}
	_, err = tx.SetInstructionState(ctx, f.ID, []string{store.InstrPending}, store.InstrCancelled, "奖补撤销")
	return rev, err
}

// RepayInput is one repayment of a revoked award's receivable.
type RepayInput struct {
	AwardID        int64
	AmountFen      int64
	PaidOn         string // YYYY-MM-DD, the date the money arrived
	BankRef        string
	IdempotencyKey string // the form's key: a resent form records once
}

// RecordRepayment records a repayment (市财政局): Dr line / Cr receivable.
// A resent form (same key) is a no-op; more than is outstanding is refused.
func (a *App) RecordRepayment(ctx context.Context, actor Actor, in RepayInput) (*store.Repayment, error) {
	if err := requireRole(actor, dtfund.RoleCityFinance); err != nil {
		return nil, err
	}
	in.BankRef, in.PaidOn = strings.TrimSpace(in.BankRef), strings.TrimSpace(in.PaidOn)
	var ve dtfund.ValidationErrors
	if in.AmountFen <= 0 {
		ve = append(ve, dtfund.FieldError("amount", "退回金额应大于零"))
	}
	if d, err := time.Parse("2006-01-02", in.PaidOn); err != nil || in.PaidOn > a.today() || d.Year() < 2000 {
		ve = append(ve, dtfund.FieldError("paid_on", "到账日期应为不晚于今天的日期（年-月-日）"))
	}
	if in.BankRef == "" || utf8.RuneCountInString(in.BankRef) > 64 {
		ve = append(ve, dtfund.FieldError("bank_ref", "请填写银行交易流水号（不超过 64 字符）"))
	}
	if len(ve) > 0 {
		return nil, ve
	}
	if in.IdempotencyKey == "" {
		in.IdempotencyKey = "repay:" + strconv.FormatInt(in.AwardID, 10) + ":" + in.BankRef
	}
	p := &store.Repayment{AwardID: in.AwardID, AmountFen: in.AmountFen, PaidOn: in.PaidOn, BankRef: in.BankRef,
		IdempotencyKey: in.IdempotencyKey, RecordedBy: actorID(actor)}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		rev, err := tx.Revocation(ctx, in.AwardID)
		if err != nil {
			return err
		}
		id, replay, err := tx.Post(ctx, &store.LedgerTx{Kind: "repay", IdempotencyKey: "repay:" + in.IdempotencyKey, RefType: "award",
			RefID: strconv.FormatInt(in.AwardID, 10), Memo: "追回 " + rev.OrgName + " 流水号 " + in.BankRef, ActorID: actorID(actor),
			Postings: []store.Posting{{Account: rev.LineCode, AmountFen: in.AmountFen}, {Account: store.ReceivableAccount(in.AwardID), AmountFen: -in.AmountFen}}})
		if dtfund.ErrorCode(err) == dtfund.ECONFLICT {
			return dtfund.FieldError("amount", "退回金额超过尚未追回的 %s 元", yuanText(rev.OutstandFen))
		}
		if err != nil {
			return err
		}
		if replay {
			return sameRepayment(ctx, tx, id, in.AmountFen)
		}
		p.LedgerTxID = id
		if err := tx.CreateRepayment(ctx, p); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("award.repay", "award", strconv.FormatInt(in.AwardID, 10)), nil, p)
	})
	return p, err
}

// Receivables lists revocations with what is outstanding; overdueOnly keeps
// those past their due date with money outstanding, with days overdue.
// An applicant sees its own.
func (a *App) Receivables(ctx context.Context, actor Actor, overdueOnly bool, page store.Page) ([]*store.Revocation, int, error) {
	f := store.ReceivableFilter{Page: page}
	if actor.User != nil && actor.User.Role == dtfund.RoleApplicant {
		f.OrgID = actor.User.OrgID
	} else if err := requireRole(actor, moneyViewers...); err != nil {
		return nil, 0, err
	}
	today := a.today()
	if overdueOnly {
		f.OverdueOn = today
	}
	rs, total, err := a.DB.FindRevocations(ctx, f)
	t, _ := time.Parse("2006-01-02", today)
	for _, r := range rs {
		if d, err := time.Parse("2006-01-02", r.DueDate); err == nil && r.OutstandFen > 0 && d.Before(t) {
			r.DaysOverdue = int(t.Sub(d).Hours() / 24)
		}
	}
	return rs, total, err
}

// sameRepayment lets a resent form through only when it is the same
// repayment: the same key with another amount is refused.
func sameRepayment(ctx context.Context, tx *store.Tx, ledgerTxID, amount int64) error {
	got, err := tx.RepaymentAmount(ctx, ledgerTxID)
	if err != nil {
		return err
	}
	if got != amount {
		return dtfund.FieldError("bank_ref", "该银行流水号已登记过一笔 %s 元的退回", yuanText(got))
	}
	return nil
}
