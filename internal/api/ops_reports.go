package api

import (
	"context"
	"errors"
	"io"
	"net/http"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// reportOps: budget execution, reconciliation, recipients' ledgers
// (第六条), statistics (第六条, 第十六条) and the audit log.
func reportOps() []*Operation {
	viewers := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin)
	return group("reports",
		op("GET", "/reports/execution", "GetExecutionReport", "预算执行情况（按资金来源、类别、县区、行业或年度）", viewers, getExecution),
		op("GET", "/reports/reconcile", "GetReconciliation", "资金对账：下达 = 各账户余额之和", viewers, getReconciliation),
		op("GET", "/ledger/recipients/{id}", "GetRecipientLedger", "受款单位台账（申报主体只见本单位，县区只见本辖区）",
			roles(dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT, dtfund.RoleCityFinance,
				dtfund.RoleInspector, dtfund.RoleAdmin), getRecipientLedger),
		op("GET", "/statistics", "GetStatistics", "统计分析：按类别、状态、县区、行业、资金来源、年度的申报与奖补（县区只统计本辖区）",
			roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleInspector,
				dtfund.RoleAdmin), getStatistics),
		op("GET", "/audit", "ListAudit", "审计日志（最新在前）", roles(dtfund.RoleAdmin, dtfund.RoleCityMIIT, dtfund.RoleCityFinance), listAudit),
	)
}

func execRowOut(key string, r *app.ExecRow) apiclient.ExecutionRow {
	return apiclient.ExecutionRow{Key: key, Label: r.Label, Awards: r.Awards, CommittedFen: r.CommittedFen, PaidFen: r.PaidFen,
		RecoveredFen: r.RecoveredFen, ReleasedFen: r.ReleasedFen, AvailableFen: r.AvailableFen}
}

func getExecution(ctx context.Context, c *Call, in *apiclient.ExecutionQuery) (*apiclient.ExecutionReport, error) {
	by := in.By
	if by == "" {
		by = "source"
	}
	if app.ExecDims[by] == "" {
		return nil, badInput("by", "分组维度须为 source、category、district、industry 或 year")
	}
	rows, err := c.App.Execution(ctx, c.Actor, by)
	if err != nil {
		return nil, err
	}
	total := app.ExecRow{Label: "合计"}
	for _, x := range rows {
		total.Awards += x.Awards
		total.CommittedFen += x.CommittedFen
		total.PaidFen += x.PaidFen
		total.RecoveredFen += x.RecoveredFen
		total.ReleasedFen += x.ReleasedFen
		total.AvailableFen += x.AvailableFen
	}
	return &apiclient.ExecutionReport{By: by, Rows: mapSlice(rows, func(r *app.ExecRow) apiclient.ExecutionRow { return execRowOut(r.Key, r) }),
		Total: execRowOut("", &total)}, nil
}

func getReconciliation(ctx context.Context, c *Call, _ *apiclient.None) (*apiclient.Reconciliation, error) {
	r, err := c.App.Reconcile(ctx, c.Actor)
	if err != nil {
		return nil, err
	}
	out := &apiclient.Reconciliation{ReleasedFen: r.ReleasedFen, SumFen: r.SumFen, PaidOutFen: r.PaidOutFen,
		ReceivableInFen: r.ReceivableIn, RecoveredFen: r.RecoveredFen, Holds: r.Holds, Problems: strs(r.NegativeBalance),
		Terms: mapSlice(r.Terms, func(t app.ReconTerm) apiclient.ReconTerm {
			return apiclient.ReconTerm{Kind: t.Kind, Label: t.Label, BalanceFen: t.BalanceFen}
		})}
	if r.Verify != nil {
		out.Problems = append(out.Problems, r.Verify.Problems...)
	}
	return out, nil
}

func getRecipientLedger(ctx context.Context, c *Call, in *apiclient.LedgerQuery) (*apiclient.RecipientLedger, error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	l, err := c.App.RecipientLedger(ctx, c.Actor, in.ID, p)
	if err != nil {
		return nil, err
	}
	return &apiclient.RecipientLedger{OrgID: l.Org.ID, OrgName: l.Org.Name, BalanceFen: l.BalanceFen,
		Lines: mapSlice(l.Lines, func(x store.LedgerLine) apiclient.LedgerLine {
			return apiclient.LedgerLine{TransactionID: x.TransactionID, At: utc(x.At), Kind: x.Kind, Memo: x.Memo, AmountFen: x.AmountFen}
		}),
		Revocations: mapSlice(l.Revocations, revocationOut)}, nil
}

func statsLineOut(key, label string, r store.StatsRow) apiclient.StatsLine {
	return apiclient.StatsLine{Key: key, Label: label, Apps: r.Apps, RequestFen: r.RequestFen, Awards: r.Awards, AwardFen: r.AwardFen, PaidFen: r.PaidFen}
}

func getStatistics(ctx context.Context, c *Call, in *apiclient.StatisticsQuery) (*apiclient.Statistics, error) {
	if in.Year != 0 && (in.Year < 2000 || in.Year > 2100) {
		return nil, badInput("year", "年度须在2000至2100之间（0 为全部年度）")
	}
	st, err := c.App.Statistics(ctx, c.Actor, in.Year)
	if err != nil {
		return nil, err
	}
	years := st.Years
	if years == nil {
		years = []int{}
	}
	return &apiclient.Statistics{Year: st.Year, Years: years, District: st.District,
		Tables: mapSlice(st.Tables, func(t app.StatsTable) apiclient.StatsTable {
			return apiclient.StatsTable{Dimension: string(t.Dim), Title: t.Title, Total: statsLineOut("", "合计", t.Total),
				Lines: mapSlice(t.Lines, func(l app.StatsLine) apiclient.StatsLine { return statsLineOut(l.Key, l.Label, l.StatsRow) })}
		}),
		KPIs: mapSlice(st.KPIs, func(k app.KPI) apiclient.KPI { return apiclient.KPI{Label: k.Label, Value: k.Value, Note: k.Note} })}, nil
}

func listAudit(ctx context.Context, c *Call, in *apiclient.AuditQuery) (*apiclient.Page[apiclient.AuditEntry], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	f := store.AuditFilter{ObjectType: in.ObjectType, ObjectID: in.ObjectID, Action: in.Action, Actor: in.Actor, Page: p}
	entries, err := c.App.DB.FindAudit(ctx, f)
	if err != nil {
		return nil, err
	}
	total, err := c.App.DB.CountAudit(ctx, f)
	if err != nil {
		return nil, err
	}
	return pageOf(entries, total, in.Paging, auditOut), nil
}

// policyOps: the rules as a service.
func policyOps() []*Operation {
	evaluate := op("POST", "/policy/evaluate", "EvaluatePolicy", "政策规则判定：资格与奖补上限，逐条给出依据（无需登录）", public, evaluatePolicy).
		describe("输入格式与 `dtfund policy explain` 相同；输入有误时返回 422，fields 以 JSON 路径指明字段。").
		stateless("无状态计算接口，不改变任何数据")
	evaluate.decode = decodePolicyInput
	return group("policy", evaluate)
}

// decodePolicyInput reads the body with the policy package's own strict
// decoder, whose messages name the field by its JSON path.
func decodePolicyInput(r *http.Request, in any) error {
	got, err := policy.DecodeInput(io.LimitReader(r.Body, policy.MaxInputSize+1))
	if err != nil {
		var ie *policy.InputError
		if errors.As(err, &ie) && ie.Field != "" {
			return dtfund.FieldError(ie.Field, "%s", ie.Message)
		}
		return dtfund.Errorf(dtfund.EINVALID, "%s", err.Error())
	}
	*(in.(*policy.Input)) = *got
	return nil
}

func evaluatePolicy(_ context.Context, _ *Call, in *policy.Input) (*policy.Decision, error) {
	return policy.Evaluate(nil, in), nil
}
