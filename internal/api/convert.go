package api

import (
	"context"
	"encoding/json"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Conversions from the domain and store types to the wire types. The wire
// types are the contract: a change in the store does not change the API
// unless a conversion here changes.

func userOut(u *dtfund.User) *apiclient.User {
	return &apiclient.User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, Role: apiclient.Role(u.Role),
		RoleLabel: u.Role.Label(), DistrictCode: u.DistrictCode, OrgID: idPtr(u.OrgID)}
}

func orgOut(o *dtfund.Organization) apiclient.Organization {
	out := apiclient.Organization{ID: o.ID, USCC: o.USCC, Name: o.Name, Kind: apiclient.OrgKind(o.Kind), KindLabel: o.Kind.Label(),
		LegalPerson: o.LegalPerson, RegionCode: o.RegionCode, DistrictCode: o.DistrictCode, DistrictName: o.DistrictName,
		IndustryCode: o.IndustryCode, IsApplicant: o.IsApplicant, IsProvider: o.IsProvider, Address: o.Address,
		ContactName: o.ContactName, ContactPhone: o.ContactPhone, CreatedAt: utc(o.CreatedAt), UpdatedAt: utc(o.UpdatedAt)}
	out.SizeFacts = mapSlice(o.SizeFacts, func(f dtfund.SizeFact) apiclient.SizeFact {
		return apiclient.SizeFact{Year: f.Year, Employees: f.Employees, RevenueFen: f.RevenueFen, AssetsFen: f.AssetsFen}
	})
	return out
}

// callStatus is the call's status at the server's clock.
func callStatus(a *app.App, c *dtfund.Call) string {
	now := a.Now()
	switch {
	case now.Before(c.OpensAt):
		return "not_started"
	case !now.Before(c.ClosesAt):
		return "closed"
	}
	return "open"
}

func toCall(a *app.App, c *dtfund.Call) apiclient.Call {
	out := apiclient.Call{ID: c.ID, Category: apiclient.Category(c.Category), CategoryLabel: dtfund.CategoryLabel(c.Category),
		Title: c.Title, Notice: c.Notice, OpensAt: utc(c.OpensAt), ClosesAt: utc(c.ClosesAt), Status: callStatus(a, c),
		WindowFrom: c.WindowFrom, WindowTo: c.WindowTo, Materials: strs(c.Materials), BudgetLine: c.BudgetLine,
		ParamsVersion: c.ParamsVersion, Quotas: c.Quotas, CreatedAt: utc(c.CreatedAt), UpdatedAt: utc(c.UpdatedAt)}
	if out.Quotas == nil {
		out.Quotas = map[string]int{}
	}
	out.Overrides = mapSlice(c.Overrides, func(o dtfund.CallOverride) apiclient.CallOverride {
		return apiclient.CallOverride{Key: o.Key, Value: o.Value, Source: o.Source}
	})
	out.Rubric = apiclient.Rubric{PassMark: c.Rubric.PassMark, Criteria: mapSlice(c.Rubric.Criteria, func(x dtfund.Criterion) apiclient.Criterion {
		return apiclient.Criterion{Name: x.Name, Weight: x.Weight}
	})}
	return out
}

func callIn(in *apiclient.CallInput) *dtfund.Call {
	c := &dtfund.Call{Category: string(in.Category), Title: in.Title, Notice: in.Notice, OpensAt: in.OpensAt.UTC(), ClosesAt: in.ClosesAt.UTC(),
		WindowFrom: in.WindowFrom, WindowTo: in.WindowTo, Materials: in.Materials, BudgetLine: in.BudgetLine, ParamsVersion: in.ParamsVersion,
		Quotas: in.Quotas, Rubric: dtfund.Rubric{PassMark: in.Rubric.PassMark}}
	if len(c.Quotas) == 0 {
		c.Quotas = nil
	}
	for _, o := range in.Overrides {
		c.Overrides = append(c.Overrides, dtfund.CallOverride{Key: o.Key, Value: o.Value, Source: o.Source})
	}
	for _, x := range in.Rubric.Criteria {
		c.Rubric.Criteria = append(c.Rubric.Criteria, dtfund.Criterion{Name: x.Name, Weight: x.Weight})
	}
	return c
}

// appOut is an application as lists show it, with the actions the
// caller's role may take now.
func appOut(a *dtfund.Application, role dtfund.Role) apiclient.Application {
	out := apiclient.Application{ID: a.ID, Number: a.Number, CallID: a.CallID, CallTitle: a.CallTitle, Category: apiclient.Category(a.CallCategory),
		OrgID: a.OrgID, OrgName: a.OrgName, OrgUSCC: a.OrgUSCC, DistrictCode: a.DistrictCode, DistrictName: a.DistrictName,
		State: apiclient.AppState(a.State), StateLabel: a.State.Label(), Title: a.Title, RequestedFen: a.RequestedFen,
		Origin: string(a.Origin), Version: a.Version, SubmittedAt: timePtr(a.SubmittedAt), CreatedAt: utc(a.CreatedAt), UpdatedAt: utc(a.UpdatedAt)}
	if out.Origin == "" {
		out.Origin = string(dtfund.OriginApplied)
	}
	out.ActionsForYou = mapSlice(dtfund.ActionsFor(a.State, role), func(x dtfund.AppAction) apiclient.Action {
		return apiclient.Action{Action: apiclient.AppAction(x), Label: x.Label(), Article: x.Article()}
	})
	return out
}

// spendingLabels name the spending types.
var spendingLabels = map[string]string{"software": "软件", "cloud": "云服务", "data_equipment": "数据采集传输设备",
	"consulting": "咨询诊断服务", "other": "其他"}

func spendingOut(s dtfund.Spending) apiclient.Spending {
	label := spendingLabels[s.Type]
	if label == "" {
		label = s.Type
	}
	return apiclient.Spending{Seq: s.Seq, Type: s.Type, TypeLabel: label, Supplier: s.Supplier, Description: s.Description,
		ContractNo: s.ContractNo, ContractDate: s.ContractDate, InvoiceNo: s.InvoiceNo, InvoiceDate: s.InvoiceDate,
		PaymentDate: s.PaymentDate, AmountFen: s.AmountFen, ApprovedFen: s.ApprovedFen}
}

func declarationsOut(d dtfund.Declarations) apiclient.Declarations {
	return apiclient.Declarations{Integrity: d.Integrity, LittleGiantCentralFunded: d.LittleGiantCentralFunded, Pilot2022: d.Pilot2022,
		UnacceptedProjectAfterPilot: d.UnacceptedProjectAfterPilot, TaxCompliant: d.TaxCompliant, NoMajorIncident: d.NoMajorIncident}
}

func declarationsIn(d apiclient.Declarations) dtfund.Declarations {
	return dtfund.Declarations{Integrity: d.Integrity, LittleGiantCentralFunded: d.LittleGiantCentralFunded, Pilot2022: d.Pilot2022,
		UnacceptedProjectAfterPilot: d.UnacceptedProjectAfterPilot, TaxCompliant: d.TaxCompliant, NoMajorIncident: d.NoMajorIncident}
}

func eventOut(e dtfund.AppEvent) apiclient.Event {
	label := e.Action
	if l := dtfund.AppAction(e.Action).Label(); l != "" {
		label = l
	}
	out := apiclient.Event{At: utc(e.At), Actor: e.Actor, Action: e.Action, Label: label, To: apiclient.AppState(e.To),
		ToLabel: e.To.Label(), Reason: e.Reason, Citation: e.Citation}
	if e.From != "" {
		from := apiclient.AppState(e.From)
		out.From, out.FromLabel = &from, e.From.Label()
	}
	return out
}

// decisionOut reads a stored decision; nil when there is none or it cannot
// be read (the log says why).
func decisionOut(ctx context.Context, c *Call, raw string) *apiclient.Decision {
	if raw == "" {
		return nil
	}
	var d policy.Decision
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		c.Log.ErrorContext(ctx, "stored decision unreadable", "err", err)
		return nil
	}
	return toDecision(&d)
}

func toDecision(d *policy.Decision) *apiclient.Decision {
	if d == nil {
		return nil
	}
	return &apiclient.Decision{ParamsVersion: d.ParamsVersion, AsOf: d.AsOf.String(), Category: string(d.Category),
		CentralEligible: d.CentralEligible, LocalEligible: d.LocalEligible, HasCap: d.HasCap, MaxSubsidyFen: d.MaxSubsidyFen,
		MaxCentralFen: d.MaxCentralFen, MaxLocalFen: d.MaxLocalFen,
		Findings: mapSlice(d.Findings, func(f policy.Finding) apiclient.Finding {
			return apiclient.Finding{Rule: f.Rule, Article: f.Article, Outcome: string(f.Outcome), Message: f.Message}
		})}
}

// detailOut gathers what the detail page shows of an application the
// caller may see (the caller checked the scope).
func detailOut(ctx context.Context, c *Call, a *dtfund.Application) (*apiclient.ApplicationDetail, error) {
	db := c.App.DB
	out := &apiclient.ApplicationDetail{Application: appOut(a, c.Actor.User.Role), Description: a.Description, Subtype: a.Subtype,
		ManufacturingRetrofit: a.ManufacturingRetrofit, Declarations: declarationsOut(a.Declarations),
		Spending: mapSlice(a.Spending, spendingOut), Decision: decisionOut(ctx, c, a.DecisionJSON)}
	out.Goals = mapSlice(a.Goals, func(g dtfund.Goal) apiclient.Goal {
		return apiclient.Goal{Indicator: g.Indicator, Baseline: g.Baseline, Target: g.Target}
	})
	out.Providers = []apiclient.ProviderRef{}
	for _, id := range a.ProviderIDs {
		o, err := db.Organization(ctx, id, "")
		if err != nil {
			return nil, err
		}
		out.Providers = append(out.Providers, apiclient.ProviderRef{OrgID: o.ID, USCC: o.USCC, Name: o.Name})
	}
	events, err := c.App.Events(ctx, c.Actor, a.ID)
	if err != nil {
		return nil, err
	}
	out.Events = mapSlice(events, eventOut)
	if rec, err := db.Recommendation(ctx, a.ID); err == nil && rec != nil {
		out.Recommendation = &apiclient.Recommendation{Opinion: rec.Opinion, OfficialName: rec.OfficialName, At: utc(rec.At), LetterID: idPtr(rec.LetterID)}
	} else if err != nil && dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
		return nil, err
	}
	sigs, err := db.RecheckSignatures(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	out.RecheckSignatures = mapSlice(sigs, signatureOut)
	if aw, err := db.AwardOfApp(ctx, a.ID); err == nil && aw != nil {
		x := awardOut(aw)
		out.Award = &x
	} else if err != nil && dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
		return nil, err
	}
	return out, nil
}

func signatureOut(s store.RecheckSignature) apiclient.RecheckSignature {
	return apiclient.RecheckSignature{Role: apiclient.Role(s.Role), Signer: s.Signer, Pass: s.Pass, Opinion: s.Opinion, SignedAt: utc(s.SignedAt)}
}

func awardOut(a *store.Award) apiclient.Award {
	return apiclient.Award{ID: a.ID, ApplicationID: a.ApplicationID, AppNumber: a.AppNumber, ProjectTitle: a.ProjectTitle, OrgID: a.OrgID,
		OrgName: a.OrgName, DistrictName: a.DistrictName, Category: apiclient.Category(a.Category), AmountFen: a.AmountFen,
		FundSource: a.FundSource, FundLabel: store.FundSourceLabel(a.FundSource), DocNumber: a.DocNumber, DocDate: a.DocDate,
		CreatedAt: utc(a.CreatedAt)}
}

func attachmentOut(a *store.Attachment) apiclient.Attachment {
	return apiclient.Attachment{ID: a.ID, Kind: a.Kind, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256,
		UploadedAt: utc(a.UploadedAt)}
}
