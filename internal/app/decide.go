package app

import (
	"bytes"
	"context"
	"encoding/json"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Decide runs the rules of the measures on an application as the system
// knows it now — the organisation's latest size facts, credit records and
// violation decisions, the call's window and overrides, the applicant's
// declarations and spending — and returns the decision with its findings.
// It reads through the transaction so that the decision and the state
// change it justifies see the same facts (submission, re-check).
func Decide(ctx context.Context, tx *store.Tx, app *dtfund.Application) (*policy.Decision, error) {
	in, err := policyInputTx(ctx, tx, app)
	if err != nil {
		return nil, err
	}
	return policy.Evaluate(nil, in), nil
}

// policyInputTx reads the facts of an application through tx and builds
// the rules' input as of the transaction's date: the organisation, the call,
// its credit records, sanctions and retrofit projects (第十条（三）), and the
// items of an itemized claim (the products of a ranking's proposed award,
// 第七条（三）), which the caps count one by one.
func policyInputTx(ctx context.Context, tx *store.Tx, app *dtfund.Application) (*policy.Input, error) {
	org, err := tx.Organization(ctx, app.OrgID)
	if err != nil {
		return nil, err
	}
	call, err := tx.Call(ctx, app.CallID)
	if err != nil {
		return nil, err
	}
	credits, err := tx.CreditRecords(ctx, app.OrgID)
	if err != nil {
		return nil, err
	}
	sanctions, err := tx.OrgSanctions(ctx, app.OrgID)
	if err != nil {
		return nil, err
	}
	in, err := PolicyInput(org, call, app, credits, sanctions, calendar.DateOf(tx.Now()))
	if err != nil {
		return nil, err
	}
	if in.Applicant.Projects, err = projectRecords(ctx, tx, app.OrgID); err != nil {
		return nil, err
	}
	if !itemized(call.Category, app.Subtype) {
		return in, nil
	}
	items, err := tx.ApplicationItems(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		in.Claim.Items = append(in.Claim.Items, policy.Item{Name: it.Name, RequestedFen: it.RequestedFen})
	}
	return in, nil
}

// itemized reports whether the rules cap a claim item by item: （二）
// benchmarks, （三） products, （五） chain applications (policy.Claim).
func itemized(category, subtype string) bool {
	return category == "7.3" || category == "7.5" || category == "7.2" && subtype == policy.SubtypeBenchmark
}

// PolicyInput translates the stored facts into the rules' input. The JSON
// document goes through policy.DecodeInput, so the rules see exactly what
// `dtfund policy explain` would and the same validation applies.
// Violation decisions (第二十条) enter as the applicant's sanctions, which
// the rule of 第十一条（二） reads with the decision date.
func PolicyInput(org *dtfund.Organization, call *dtfund.Call, app *dtfund.Application, credits []store.CreditRecord,
	sanctions []*store.Sanction, asOf calendar.Date) (*policy.Input, error) {
	doc := map[string]any{
		"as_of":     asOf.String(),
		"applicant": applicantFacts(org, app, credits, sanctions),
		"claim":     claimFacts(call, app),
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	in, err := policy.DecodeInput(bytes.NewReader(b))
	if err != nil {
		return nil, dtfund.Errorf(dtfund.EINVALID, "申报信息不完整，无法判定：%s", err.Error())
	}
	return in, nil
}

func applicantFacts(org *dtfund.Organization, app *dtfund.Application, credits []store.CreditRecord, sanctions []*store.Sanction) map[string]any {
	role := "enterprise"
	switch app.CallCategory {
	case "7.3", "7.4":
		role = "service_provider"
	case "7.6":
		role = "procurement_supplier"
	}
	a := map[string]any{
		"name": org.Name, "uscc": org.USCC, "kind": string(org.Kind), "role": role, "legal_person": org.LegalPerson,
		"region_code": org.RegionCode, "little_giant_central_funded": app.Declarations.LittleGiantCentralFunded,
		"pilot_2022": app.Declarations.Pilot2022, "has_unaccepted_project_after_pilot": app.Declarations.UnacceptedProjectAfterPilot,
	}
	if org.IndustryCode != "" {
		a["industry_code"] = org.IndustryCode
	}
	if org.DistrictName != "" {
		a["district"] = org.DistrictName
	}
	if len(org.SizeFacts) > 0 { // newest year first
		a["employees"], a["revenue_fen"] = org.SizeFacts[0].Employees, org.SizeFacts[0].RevenueFen
	}
	var recs []map[string]any
	for _, c := range credits {
		r := map[string]any{"kind": c.Kind, "start": c.StartDate}
		if c.EndDate != "" {
			r["end"] = c.EndDate
		}
		recs = append(recs, r)
	}
	if len(recs) > 0 {
		a["credit_records"] = recs
	}
	if len(sanctions) > 0 {
		a["sanctions"] = sanctionFacts(sanctions)
	}
	return a
}

// sanctionFacts are the decisions as the rules read them: the decision date,
// the article, and the document number as the reason (the facts may be
// long; the number leads to them).
func sanctionFacts(ss []*store.Sanction) []map[string]any {
	out := make([]map[string]any, len(ss))
	for i, s := range ss {
		out[i] = map[string]any{"decided": s.DecidedOn, "article": s.Article, "reason": "处理决定书 " + s.DocNumber}
	}
	return out
}

func claimFacts(call *dtfund.Call, app *dtfund.Application) map[string]any {
	c := map[string]any{"category": call.Category}
	callDoc := map[string]any{"name": call.Title}
	if call.WindowFrom != "" {
		callDoc["window_from"], callDoc["window_to"] = call.WindowFrom, call.WindowTo
	}
	if len(call.Overrides) > 0 {
		callDoc["overrides"] = call.Overrides
	}
	c["call"] = callDoc
	if app.Subtype != "" {
		c["subtype"] = app.Subtype
	}
	if app.RequestedFen > 0 {
		c["requested_fen"] = app.RequestedFen
	}
	if call.Category == "7.1" {
		c["manufacturing_retrofit"] = app.ManufacturingRetrofit
		var sp []map[string]any
		// After the expert review the cap is half the 核定改造投入 the panel
		// approved (第七条（一）), not half of what was claimed.
		approved, reviewed := int64(0), false
		for _, s := range app.Spending {
			if s.ApprovedFen != nil {
				approved, reviewed = approved+*s.ApprovedFen, true
			}
			item := map[string]any{"type": s.Type, "supplier": s.Supplier, "amount_fen": s.AmountFen}
			for k, v := range map[string]string{"contract_date": s.ContractDate, "invoice_date": s.InvoiceDate, "payment_date": s.PaymentDate} {
				if v != "" {
					item[k] = v
				}
			}
			sp = append(sp, item)
		}
		c["spending"] = sp
		if reviewed {
			c["approved_investment_fen"] = approved
		}
	}
	return c
}
