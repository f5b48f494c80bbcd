package app

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/internal/store"
)

// Fund-use plans and payments (第六条（一）–（四）): 市工信局 proposes a plan
// of what to pay for which awards, 市财政局 approves it and issues a payment
// batch (city → district transit, or directly to a recipient without a
// Changchun district), and the district finance bureau pays the recipient
// with a bank reference. Every money movement is one ledger transaction
// keyed by its instruction, so a retry or a resumed batch never pays twice.

// IssueHook, when set, is called after each instruction of a batch is
// issued (committed). Tests use it to kill the process mid-batch.
var IssueHook func(instructionID int64)

// moneyViewers see every plan, batch and report.
var moneyViewers = []dtfund.Role{dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin}

// PlanInput is a proposed fund-use plan.
type PlanInput struct {
	Year  int
	Title string
	Items []store.PlanItem // award and amount
}

// ProposePlan records a fund-use plan (资金使用计划) proposed by 市工信局.
// Each amount must fit in the award's unpaid commitment.
func (a *App) ProposePlan(ctx context.Context, actor Actor, in PlanInput) (*store.FundPlan, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	in.Title = strings.TrimSpace(in.Title)
	var ve dtfund.ValidationErrors
	if in.Year < 2025 || in.Year > 2100 {
		ve = append(ve, dtfund.FieldError("year", "年度应为 2025 至 2100 之间的年份"))
	}
	if in.Title == "" || utf8.RuneCountInString(in.Title) > 200 {
		ve = append(ve, dtfund.FieldError("title", "请填写计划名称（不超过 200 字）"))
	}
	if len(in.Items) == 0 {
		ve = append(ve, dtfund.FieldError("items", "计划至少包含一项奖补"))
	}
	if len(ve) > 0 {
		return nil, ve
	}
	p := &store.FundPlan{Year: in.Year, Title: in.Title, ProposedBy: actor.User.ID}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := checkPlanItems(ctx, tx, in.Items); err != nil {
			return err
		}
		if err := tx.CreatePlan(ctx, p, in.Items); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("plan.propose", "fund_plan", strconv.FormatInt(p.ID, 10)), nil, in)
	})
	return p, err
}

// checkPlanItems refuses an amount beyond the award's unpaid commitment or
// an award that may not be paid; the field names the award.
func checkPlanItems(ctx context.Context, tx *store.Tx, items []store.PlanItem) error {
	var ve dtfund.ValidationErrors
	seen := map[int64]bool{}
	for _, it := range items {
		field := "amount_" + strconv.FormatInt(it.AwardID, 10)
		f, err := tx.AwardFacts(ctx, it.AwardID)
		if err != nil {
			return err
		}
		unpaid, err := tx.Balance(ctx, store.CommitmentAccount(it.AwardID))
		if err != nil {
			return err
		}
		switch {
		case seen[it.AwardID]:
			ve = append(ve, dtfund.FieldError(field, "同一奖补在计划中只能出现一次"))
		case f.Status != "active":
			ve = append(ve, dtfund.FieldError(field, "奖补状态为%s，不能列入拨付计划", awardStatusLabel(f.Status)))
		case it.AmountFen <= 0:
			ve = append(ve, dtfund.FieldError(field, "拨付金额应大于零"))
		case it.AmountFen > unpaid:
			ve = append(ve, dtfund.FieldError(field, "拨付金额超过该奖补尚未拨付的已承诺金额（%s 元）", yuanText(unpaid)))
		}
		seen[it.AwardID] = true
	}
	if len(ve) > 0 {
		return ve
	}
	return nil
}

func awardStatusLabel(s string) string {
	switch s {
	case "suspended":
		return "“暂缓执行”（第十八条）"
	case "revoked":
		return "“已撤销”"
	}
	return "“" + s + "”"
}

// DecidePlan approves or rejects a proposed plan (市财政局); a rejection
// needs a reason.
func (a *App) DecidePlan(ctx context.Context, actor Actor, planID int64, approve bool, reason string) error {
	if err := requireRole(actor, dtfund.RoleCityFinance); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	state := store.PlanApproved
	if !approve {
		state = store.PlanRejected
		if reason == "" {
			return dtfund.FieldError("reason", "退回计划须说明理由")
		}
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Plan(ctx, planID); err != nil {
			return err
		}
		if err := tx.DecidePlan(ctx, planID, state, reason, actor.User.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("plan."+state, "fund_plan", strconv.FormatInt(planID, 10)), nil, map[string]string{"reason": reason})
	})
}

// Plans lists plans for the city bureaus, the inspector and the administrator.
func (a *App) Plans(ctx context.Context, actor Actor, page store.Page) ([]*store.FundPlan, int, error) {
	if err := requireRole(actor, moneyViewers...); err != nil {
		return nil, 0, err
	}
	return a.DB.FindPlans(ctx, page)
}

// Plan returns a plan and its items.
func (a *App) Plan(ctx context.Context, actor Actor, id int64) (*store.FundPlan, []store.PlanItem, error) {
	if err := requireRole(actor, moneyViewers...); err != nil {
		return nil, nil, err
	}
	p, err := a.DB.Plan(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	items, err := a.DB.PlanItems(ctx, id)
	return p, items, err
}

// CreatePaymentBatch makes the payment batch of an approved plan: one
// pending instruction per award, each with its own idempotency key.
func (a *App) CreatePaymentBatch(ctx context.Context, actor Actor, planID int64) (*store.PaymentBatch, error) {
	if err := requireRole(actor, dtfund.RoleCityFinance); err != nil {
		return nil, err
	}
	var b *store.PaymentBatch
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Plan(ctx, planID)
		if err != nil {
			return err
		}
		if p.State != store.PlanApproved {
			return dtfund.Errorf(dtfund.ECONFLICT, "资金使用计划尚未批准，不能生成拨付批次")
		}
		if p.BatchID != 0 {
			return dtfund.Errorf(dtfund.ECONFLICT, "该计划已生成拨付批次 %d", p.BatchID)
		}
		b = &store.PaymentBatch{PlanID: planID, Title: p.Title, CreatedBy: actor.User.ID}
		if err := tx.CreatePaymentBatch(ctx, b); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("payment.batch.create", "payment_batch", strconv.FormatInt(b.ID, 10)), nil, b)
	})
	return b, err
}

// IssueResult counts what an issue did.
type IssueResult struct {
	Issued int      // instructions issued now
	Held   []string // instructions refused, with the reason
}

// IssueBatch issues every pending instruction of a batch, each in its own
// transaction: an interrupted issue resumes where it stopped when called
// again, and an instruction already issued is not posted twice (its ledger
// transaction has the instruction's idempotency key).
func (a *App) IssueBatch(ctx context.Context, actor Actor, batchID int64) (*IssueResult, error) {
	if err := requireRole(actor, dtfund.RoleCityFinance); err != nil {
		return nil, err
	}
	if _, err := a.DB.PaymentBatch(ctx, batchID); err != nil {
		return nil, err
	}
	ids, err := a.DB.PendingInstructions(ctx, batchID)
	if err != nil {
		return nil, err
	}
	res := &IssueResult{}
	for _, id := range ids {
		held, err := a.issueOne(ctx, actor, id)
		if err != nil {
			return res, err
		}
		if held != "" {
			res.Held = append(res.Held, held)
		} else {
			res.Issued++
		}
		if IssueHook != nil {
			IssueHook(id)
		}
	}
	return res, a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetBatchState(ctx, batchID, "issued"); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("payment.batch.issue", "payment_batch", strconv.FormatInt(batchID, 10)), nil, res)
	})
}

// issueOne issues one instruction in its own transaction. It returns the
// reason when the award may not be paid (the instruction is then held).
func (a *App) issueOne(ctx context.Context, actor Actor, id int64) (held string, err error) {
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		in, err := tx.Instruction(ctx, id)
		if err != nil || in.State != store.InstrPending {
			return err // issued by an earlier, interrupted run
		}
		f, err := tx.AwardFacts(ctx, in.AwardID)
		if err != nil {
			return err
		}
		if f.Status != "active" {
			held = in.AppNumber + "：奖补状态为" + awardStatusLabel(f.Status) + "，不予拨付"
			if err := tx.MarkIssued(ctx, id, store.InstrHeld, 0, held); err != nil {
				return err
			}
			return tx.Audit(ctx, actor.audit("payment.hold", "payment_instruction", strconv.FormatInt(id, 10)), nil, held)
		}
		return postIssue(ctx, tx, actor, in)
	})
	return held, err
}

// postIssue posts Dr transit:{district} / Cr commitment (or Dr recipient
// for a recipient without a Changchun district) and marks the instruction.
func postIssue(ctx context.Context, tx *store.Tx, actor Actor, in *store.Instruction) error {
	to, state := store.TransitAccount(in.DistrictCode), store.InstrIssued
	if in.DistrictCode == "" {
		to, state = store.RecipientAccount(in.OrgID), store.InstrPaidOut
		if err := ensureRecipient(ctx, tx, in.OrgID, in.OrgName); err != nil {
			return err
		}
	} else if _, err := tx.EnsureAccount(ctx, to, store.AccountTransit, "在途资金·"+in.DistrictName); err != nil {
		return err
	}
	txID, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "pay", IdempotencyKey: in.IdempotencyKey, RefType: "payment_instruction",
		RefID: strconv.FormatInt(in.ID, 10), Memo: "拨付 " + in.AppNumber + " " + in.OrgName, ActorID: actorID(actor),
		Postings: []store.Posting{{Account: to, AmountFen: in.AmountFen}, {Account: store.CommitmentAccount(in.AwardID), AmountFen: -in.AmountFen}}})
	if err != nil {
		return err
	}
	if err := tx.MarkIssued(ctx, in.ID, state, txID, ""); err != nil {
		return err
	}
	return tx.Audit(ctx, actor.audit("payment.issue", "payment_instruction", strconv.FormatInt(in.ID, 10)), nil,
		map[string]any{"award_id": in.AwardID, "amount_fen": in.AmountFen, "ledger_tx": txID, "to": to})
}

func ensureRecipient(ctx context.Context, tx *store.Tx, orgID int64, name string) error {
	_, err := tx.EnsureAccount(ctx, store.RecipientAccount(orgID), store.AccountRecipient, "受款单位·"+name)
	return err
}

// instrScope limits an actor to the instructions they may see: a district's
// officials their district's, an applicant its own, the city all.
func instrScope(actor Actor) (store.InstructionFilter, error) {
	if actor.User == nil {
		return store.InstructionFilter{}, dtfund.Errorf(dtfund.EUNAUTHORIZED, "请先登录")
	}
	switch u := actor.User; u.Role {
	case dtfund.RoleDistrictFinance, dtfund.RoleDistrictMIIT:
		return store.InstructionFilter{DistrictCode: u.DistrictCode}, nil
	case dtfund.RoleApplicant:
		return store.InstructionFilter{OrgID: u.OrgID}, nil
	case dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin:
		return store.InstructionFilter{}, nil
	}
	return store.InstructionFilter{}, dtfund.Errorf(dtfund.EFORBIDDEN, "无权查看拨付信息")
}

// FindInstructions lists the instructions the actor may see.
func (a *App) FindInstructions(ctx context.Context, actor Actor, f store.InstructionFilter) ([]*store.Instruction, int, int64, error) {
	scope, err := instrScope(actor)
	if err != nil {
		return nil, 0, 0, err
	}
	if scope.DistrictCode != "" {
		f.DistrictCode = scope.DistrictCode
	}
	if scope.OrgID != 0 {
		f.OrgID = scope.OrgID
	}
	return a.DB.FindInstructions(ctx, f)
}

// PaymentBatch returns a batch for the city roles.
func (a *App) PaymentBatch(ctx context.Context, actor Actor, id int64) (*store.PaymentBatch, error) {
	if err := requireRole(actor, moneyViewers...); err != nil {
		return nil, err
	}
	return a.DB.PaymentBatch(ctx, id)
}

// districtInstruction reads an instruction inside the transaction for the
// recipient's district finance bureau; another district's gets ENOTFOUND.
func districtInstruction(ctx context.Context, tx *store.Tx, actor Actor, id int64) (*store.Instruction, error) {
	if err := requireRole(actor, dtfund.RoleDistrictFinance); err != nil {
		return nil, err
	}
	in, err := tx.Instruction(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.DistrictCode == "" || in.DistrictCode != actor.User.DistrictCode {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "拨付指令不存在")
	}
	return in, nil
}

// ConfirmReceipt records that the district received an instruction's money;
// confirming again is a no-op.
func (a *App) ConfirmReceipt(ctx context.Context, actor Actor, id int64) error {
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		in, err := districtInstruction(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		switch in.State {
		case store.InstrReceived, store.InstrPaidOut:
			return nil
		case store.InstrIssued:
		default:
			return dtfund.Errorf(dtfund.ECONFLICT, "该拨付指令状态为“%s”，不能确认到账", InstrStateLabel(in.State))
		}
		if err := tx.MarkReceived(ctx, id, actor.User.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("payment.receive", "payment_instruction", strconv.FormatInt(id, 10)), nil, nil)
	})
}

// RecordPayout records the district's payment to the recipient with the
// bank reference: Dr recipient / Cr transit. Recording it again is a no-op
// (replay = true); a suspended or revoked award is refused.
func (a *App) RecordPayout(ctx context.Context, actor Actor, id int64, bankRef string) (replay bool, err error) {
	bankRef = strings.TrimSpace(bankRef)
	if bankRef == "" || utf8.RuneCountInString(bankRef) > 64 {
		return false, dtfund.FieldError("bank_ref", "请填写银行交易流水号（不超过 64 字符）")
	}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		in, err := districtInstruction(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if in.State == store.InstrPaidOut {
			replay = true
			return nil
		}
		if in.State != store.InstrIssued && in.State != store.InstrReceived {
			return dtfund.Errorf(dtfund.ECONFLICT, "该拨付指令状态为“%s”，不能支付", InstrStateLabel(in.State))
		}
		f, err := tx.AwardFacts(ctx, in.AwardID)
		if err != nil {
			return err
		}
		if f.Status != "active" {
			return dtfund.Errorf(dtfund.ECONFLICT, "奖补状态为%s，不予支付", awardStatusLabel(f.Status))
		}
		return postPayout(ctx, tx, actor, in, bankRef)
	})
	return replay, err
}

func postPayout(ctx context.Context, tx *store.Tx, actor Actor, in *store.Instruction, bankRef string) error {
	if err := ensureRecipient(ctx, tx, in.OrgID, in.OrgName); err != nil {
		return err
	}
	txID, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "payout", IdempotencyKey: "payout:" + in.IdempotencyKey, RefType: "payment_instruction",
		RefID: strconv.FormatInt(in.ID, 10), Memo: "支付 " + in.OrgName + " 流水号 " + bankRef, ActorID: actorID(actor),
		Postings: []store.Posting{{Account: store.RecipientAccount(in.OrgID), AmountFen: in.AmountFen},
			{Account: store.TransitAccount(in.DistrictCode), AmountFen: -in.AmountFen}}})
	if err != nil {
		return err
	}
	if err := tx.MarkPaidOut(ctx, in.ID, txID, bankRef, actor.User.ID); err != nil {
		return err
	}
	if err := tx.Notify(ctx, store.Notification{OrgID: in.OrgID, Subject: "奖补资金已拨付",
		Body: in.AppNumber + " 的奖补资金 " + yuanText(in.AmountFen) + " 元已拨付，银行流水号 " + bankRef + "。"}); err != nil {
		return err
	}
	return tx.Audit(ctx, actor.audit("payment.payout", "payment_instruction", strconv.FormatInt(in.ID, 10)), nil,
		map[string]any{"bank_ref": bankRef, "ledger_tx": txID})
}

// InstrStateLabel names an instruction state in Chinese.
func InstrStateLabel(s string) string {
	return map[string]string{store.InstrPending: "待下达", store.InstrIssued: "已下达区县", store.InstrReceived: "区县已到账",
		store.InstrPaidOut: "已支付", store.InstrHeld: "暂缓拨付", store.InstrRecalled: "已收回", store.InstrCancelled: "已取消"}[s]
}
