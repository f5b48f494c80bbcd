package api

import (
	"context"
	"strings"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// moneyOps: budgets (第六条（二）), fund-use plans and payments through the
// districts (第六条（一）–（四）), revocation and recovery (第二十条).
func moneyOps() []*Operation {
	budgetReaders := roles(dtfund.RoleCityFinance, dtfund.RoleCityMIIT)
	viewers := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin)
	miit, finance, district := roles(dtfund.RoleCityMIIT), roles(dtfund.RoleCityFinance), roles(dtfund.RoleDistrictFinance)
	return group("money",
		op("GET", "/budget", "GetBudget", "年度预算：各资金来源的下达、预算指标与80/20执行情况", budgetReaders, getBudget),
		op("GET", "/budget/releases", "ListBudgetReleases", "预算下达记录", budgetReaders, listReleases),
		op("GET", "/budget/targets", "ListBudgetTargets", "绩效目标", budgetReaders, listTargets),
		op("POST", "/budget/releases", "ReleaseBudget", "录入预算下达（同一文号与来源只记一次账）", finance, releaseBudget).created().
			fields("release_source", "source", "release_amount", "amount_fen"),
		op("POST", "/budget/targets", "AddBudgetTarget", "添加绩效目标", finance, addTarget).created().fields("target_unit", "unit", "target_source", "source_doc"),
		op("POST", "/budget/allocations", "AllocateBudget", "分配或收回预算指标（中央资金第七条（一）不低于80%）", finance, allocate).created().
			fields("alloc_source", "source", "alloc_category", "category", "alloc_amount", "amount_fen"),

		op("GET", "/plans", "ListPlans", "资金使用计划", viewers, listPlans),
		op("GET", "/plans/{id}", "GetPlan", "资金使用计划（含各项）", viewers, getPlan),
		op("POST", "/plans", "ProposePlan", "编制资金使用计划（市工信局）", miit, proposePlan).created().fields("amount_", "items.award_"),
		op("POST", "/plans/{id}/decision", "DecidePlan", "审核资金使用计划：批准或退回（市财政局）", finance, decidePlan),
		op("POST", "/payment-batches", "CreatePaymentBatch", "按已批准的计划生成拨付批次", finance, createPaymentBatch).created(),
		op("GET", "/payment-batches/{id}", "GetPaymentBatch", "拨付批次", viewers, getPaymentBatch),
		op("POST", "/payment-batches/{id}/issue", "IssuePaymentBatch", "下达拨付批次（每条指令各自记账，可安全重试）", finance, issuePaymentBatch),
		op("GET", "/payment-instructions", "ListPaymentInstructions", "拨付指令（县区只见本辖区，申报主体只见本单位）",
			roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin, dtfund.RoleDistrictFinance,
				dtfund.RoleDistrictMIIT, dtfund.RoleApplicant), listInstructions),
		op("POST", "/payment-instructions/{id}/receipt", "ConfirmReceipt", "确认资金到账（县区财政）", district, confirmReceipt),
		op("POST", "/payment-instructions/{id}/payout", "RecordPayout", "登记向受款单位支付（县区财政；须填银行流水号）", district, recordPayout),

		op("POST", "/awards/{id}/revocation", "RevokeAward", "撤销奖补（第二十条）：未拨付部分退回指标，已拨付部分转为应收追回款", miit, revokeAward).created(),
		op("GET", "/receivables", "ListReceivables", "应收追回款（申报主体只见本单位）",
			roles(dtfund.RoleApplicant, dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin), listReceivables),
		op("POST", "/receivables/{id}/repayments", "RecordRepayment", "登记退回款（市财政局）", finance, recordRepayment).created().fields("amount", "amount_fen"),
	)
}

// year is the requested year, or this year in Asia/Shanghai.
func year(c *Call, y int) (int, error) {
	if y == 0 {
		return calendar.DateOf(c.App.DB.Now()).Year, nil
	}
	if y < 2000 || y > 2100 {
		return 0, badInput("year", "年度须在2000至2100之间")
	}
	return y, nil
}

func getBudget(ctx context.Context, c *Call, in *apiclient.YearQuery) (*apiclient.Budget, error) {
	y, err := year(c, in.Year)
	if err != nil {
		return nil, err
	}
	o, err := c.App.BudgetOverview(ctx, c.Actor, y)
	if err != nil {
		return nil, err
	}
	out := &apiclient.Budget{Year: o.Year, Sources: mapSlice(o.Sources, func(s *app.BudgetSource) apiclient.BudgetSource {
		return apiclient.BudgetSource{Source: s.Source, SourceLabel: s.Label(), ReleasedFen: s.ReleasedFen, UnallocatedFen: s.UnallocatedFen,
			Lines: mapSlice(s.Lines, func(l *app.BudgetLine) apiclient.BudgetLine {
				return apiclient.BudgetLine{Category: l.Category, AllocatedFen: l.AllocatedFen, AvailableFen: l.AvailableFen, CommittedFen: l.CommittedFen}
			})}
	})}
	if s := o.Split; s != nil {
		out.Split = &apiclient.BudgetSplit{ReleasedFen: s.ReleasedFen, Retrofit71Fen: s.Retrofit71Fen, OtherFen: s.OtherFen,
			OtherUsedFen: s.OtherUsedFen, MaxOtherBP: s.MaxOtherBP, OtherBP: s.OtherBP}
	}
	return out, nil
}

func releaseOut(r *store.BudgetRelease) apiclient.BudgetRelease {
	return apiclient.BudgetRelease{ID: r.ID, Year: r.Year, Source: r.Source, DocNumber: r.DocNumber, DocDate: r.DocDate,
		AmountFen: r.AmountFen, CreatedAt: utc(r.CreatedAt)}
}

func targetOut(t *store.PerformanceTarget) apiclient.PerformanceTarget {
	return apiclient.PerformanceTarget{ID: t.ID, Year: t.Year, Indicator: t.Indicator, TargetValue: t.TargetValue, Unit: t.Unit,
		SourceDoc: t.SourceDoc, CreatedAt: utc(t.CreatedAt)}
}

func listReleases(ctx context.Context, c *Call, in *apiclient.YearPageQuery) (*apiclient.Page[apiclient.BudgetRelease], error) {
	y, err := year(c, in.Year)
	if err != nil {
		return nil, err
	}
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	rs, total, err := c.App.Releases(ctx, c.Actor, y, p)
	if err != nil {
		return nil, err
	}
	return pageOf(rs, total, in.Paging, releaseOut), nil
}

func listTargets(ctx context.Context, c *Call, in *apiclient.YearPageQuery) (*apiclient.Page[apiclient.PerformanceTarget], error) {
	y, err := year(c, in.Year)
	if err != nil {
		return nil, err
	}
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	ts, total, err := c.App.Targets(ctx, c.Actor, y, p)
	if err != nil {
		return nil, err
	}
	return pageOf(ts, total, in.Paging, targetOut), nil
}

func releaseBudget(ctx context.Context, c *Call, in *apiclient.BudgetReleaseInput) (*apiclient.BudgetRelease, error) {
	r, replay, err := c.App.ReleaseBudget(ctx, c.Actor, app.ReleaseInput{Year: in.Year, Source: in.Source, DocNumber: in.DocNumber,
		DocDate: in.DocDate, AmountFen: in.AmountFen})
	if err != nil {
		return nil, err
	}
	out := releaseOut(r)
	out.Replayed = replay
	return &out, nil
}

func addTarget(ctx context.Context, c *Call, in *apiclient.PerformanceTargetInput) (*apiclient.PerformanceTarget, error) {
	t, err := c.App.AddTarget(ctx, c.Actor, app.TargetInput{Year: in.Year, Indicator: in.Indicator, TargetValue: in.TargetValue,
		Unit: in.Unit, SourceDoc: in.SourceDoc})
	if err != nil {
		return nil, err
	}
	out := targetOut(t)
	return &out, nil
}

func allocate(ctx context.Context, c *Call, in *apiclient.AllocationInput) (*apiclient.Allocation, error) {
	id, err := c.App.Allocate(ctx, c.Actor, app.AllocationInput{Year: in.Year, Source: in.Source, Category: in.Category,
		AmountFen: in.AmountFen, Deallocate: in.Deallocate, IdempotencyKey: in.IdempotencyKey})
	if err != nil {
		return nil, err
	}
	return &apiclient.Allocation{TransactionID: id}, nil
}

var planLabels = map[string]string{store.PlanProposed: "待审核", store.PlanApproved: "已批准", store.PlanRejected: "已退回"}

func planOut(p *store.FundPlan) apiclient.Plan {
	return apiclient.Plan{ID: p.ID, Year: p.Year, Title: p.Title, State: p.State, StateLabel: planLabels[p.State], Reason: p.Reason,
		TotalFen: p.TotalFen, ItemCount: p.Items, BatchID: idPtr(p.BatchID), DecidedAt: timePtr(p.DecidedAt), CreatedAt: utc(p.CreatedAt),
		Items: []apiclient.PlanItem{}}
}

func listPlans(ctx context.Context, c *Call, in *apiclient.Paging) (*apiclient.Page[apiclient.Plan], error) {
	p, err := page(in)
	if err != nil {
		return nil, err
	}
	ps, total, err := c.App.Plans(ctx, c.Actor, p)
	if err != nil {
		return nil, err
	}
	return pageOf(ps, total, *in, planOut), nil
}

func getPlan(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Plan, error) {
	p, items, err := c.App.Plan(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := planOut(p)
	out.Items = mapSlice(items, func(it store.PlanItem) apiclient.PlanItem {
		return apiclient.PlanItem{AwardID: it.AwardID, AmountFen: it.AmountFen, AwardFen: it.AwardFen, AppNumber: it.AppNumber,
			OrgName: it.OrgName, Category: it.Category}
	})
	return &out, nil
}

func proposePlan(ctx context.Context, c *Call, in *apiclient.PlanInput) (*apiclient.Plan, error) {
	pi := app.PlanInput{Year: in.Year, Title: in.Title}
	for _, it := range in.Items {
		pi.Items = append(pi.Items, store.PlanItem{AwardID: it.AwardID, AmountFen: it.AmountFen})
	}
	p, err := c.App.ProposePlan(ctx, c.Actor, pi)
	if err != nil {
		return nil, err
	}
	return getPlan(ctx, c, &apiclient.ByID{ID: p.ID})
}

func decidePlan(ctx context.Context, c *Call, in *apiclient.PlanDecisionInput) (*apiclient.Plan, error) {
	if err := c.App.DecidePlan(ctx, c.Actor, in.ID, in.Approve, in.Reason); err != nil {
		return nil, err
	}
	return getPlan(ctx, c, &apiclient.ByID{ID: in.ID})
}

func paymentBatchOut(b *store.PaymentBatch) apiclient.PaymentBatch {
	return apiclient.PaymentBatch{ID: b.ID, PlanID: b.PlanID, Title: b.Title, State: b.State, CreatedAt: utc(b.CreatedAt), IssuedAt: timePtr(b.IssuedAt)}
}

func createPaymentBatch(ctx context.Context, c *Call, in *apiclient.PaymentBatchInput) (*apiclient.PaymentBatch, error) {
	if in.PlanID <= 0 {
		return nil, dtfund.FieldError("plan_id", "请指定已批准的资金使用计划")
	}
	b, err := c.App.CreatePaymentBatch(ctx, c.Actor, in.PlanID)
	if err != nil {
		return nil, err
	}
	out := paymentBatchOut(b)
	return &out, nil
}

func getPaymentBatch(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.PaymentBatch, error) {
	b, err := c.App.PaymentBatch(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := paymentBatchOut(b)
	return &out, nil
}

func issuePaymentBatch(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.IssueResult, error) {
	res, err := c.App.IssueBatch(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return &apiclient.IssueResult{Issued: res.Issued, Held: strs(res.Held)}, nil
}

func instructionOut(i *store.Instruction) apiclient.Instruction {
	return apiclient.Instruction{ID: i.ID, BatchID: i.BatchID, AwardID: i.AwardID, OrgID: i.OrgID, OrgName: i.OrgName, USCC: i.USCC,
		DistrictCode: i.DistrictCode, DistrictName: i.DistrictName, AppNumber: i.AppNumber, ProjectTitle: i.ProjectTitle,
		Category: i.Category, FundSource: i.FundSource, AmountFen: i.AmountFen, State: i.State, StateLabel: app.InstrStateLabel(i.State),
		Note: i.Note, BankRef: i.BankRef, IssuedAt: timePtr(i.IssuedAt), ReceivedAt: timePtr(i.ReceivedAt), PaidAt: timePtr(i.PaidAt)}
}

func listInstructions(ctx context.Context, c *Call, in *apiclient.InstructionQuery) (*apiclient.Page[apiclient.Instruction], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	ins, total, _, err := c.App.FindInstructions(ctx, c.Actor, store.InstructionFilter{BatchID: in.BatchID, State: in.State, Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(ins, total, in.Paging, instructionOut), nil
}

func confirmReceipt(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.NoContent, error) {
	if err := c.App.ConfirmReceipt(ctx, c.Actor, in.ID); err != nil {
		return nil, err
	}
	return &apiclient.NoContent{}, nil
}

func recordPayout(ctx context.Context, c *Call, in *apiclient.PayoutInput) (*apiclient.PayoutResult, error) {
	replay, err := c.App.RecordPayout(ctx, c.Actor, in.ID, strings.TrimSpace(in.BankRef))
	if err != nil {
		return nil, err
	}
	return &apiclient.PayoutResult{Replayed: replay}, nil
}

func revocationOut(r *store.Revocation) apiclient.Revocation {
	return apiclient.Revocation{AwardID: r.AwardID, OrgID: r.OrgID, OrgName: r.OrgName, AppNumber: r.AppNumber, Reason: r.Reason,
		Article: r.Article, ReturnedFen: r.ReturnedFen, ReceivableFen: r.ReceivableFen, OutstandFen: r.OutstandFen,
		RecoveredFen: r.RecoveredFen, DueDate: r.DueDate, DaysOverdue: r.DaysOverdue, RevokedAt: utc(r.RevokedAt)}
}

func revokeAward(ctx context.Context, c *Call, in *apiclient.RevocationInput) (*apiclient.Revocation, error) {
	r, err := c.App.RevokeAward(ctx, c.Actor, app.RevokeInput{AwardID: in.AwardID, Reason: in.Reason, Article: in.Article, DueDate: in.DueDate})
	if err != nil {
		return nil, err
	}
	out := revocationOut(r)
	return &out, nil
}

func listReceivables(ctx context.Context, c *Call, in *apiclient.ReceivableQuery) (*apiclient.Page[apiclient.Revocation], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	rs, total, err := c.App.Receivables(ctx, c.Actor, in.Overdue, p)
	if err != nil {
		return nil, err
	}
	return pageOf(rs, total, in.Paging, revocationOut), nil
}

func recordRepayment(ctx context.Context, c *Call, in *apiclient.RepaymentInput) (*apiclient.Repayment, error) {
	r, err := c.App.RecordRepayment(ctx, c.Actor, app.RepayInput{AwardID: in.AwardID, AmountFen: in.AmountFen, PaidOn: in.PaidOn,
		BankRef: in.BankRef, IdempotencyKey: in.IdempotencyKey})
	if err != nil {
		return nil, err
	}
	return &apiclient.Repayment{ID: r.ID, AwardID: r.AwardID, AmountFen: r.AmountFen, PaidOn: r.PaidOn, BankRef: r.BankRef,
		CreatedAt: utc(r.CreatedAt)}, nil
}
