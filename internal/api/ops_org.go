package api

import (
	"context"
	"strings"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// organizationOps: organisations within the caller's jurisdiction, the
// applicant's own profile, and credit records (第十一条, 第十三条).
func organizationOps() []*Operation {
	officials := roles(dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT, dtfund.RoleCityFinance,
		dtfund.RoleInspector, dtfund.RoleAdmin)
	applicant := roles(dtfund.RoleApplicant)
	return group("organizations",
		op("GET", "/organizations", "ListOrganizations", "单位列表（县区只见本辖区）", officials, listOrganizations),
		op("GET", "/organizations/{id}", "GetOrganization", "单位详情", officials, getOrganization),
		op("GET", "/profile/organization", "GetOwnOrganization", "本单位信息（申报主体）", applicant, getOwnOrganization),
		op("PUT", "/profile/organization", "UpdateOwnOrganization", "维护本单位信息（第十二条、第十三条）", applicant, updateOwnOrganization).
			fields("size.", "size_facts.", ".revenue", ".revenue_fen", ".assets", ".assets_fen", "roles", "is_applicant"),
		op("GET", "/organizations/{id}/credit-records", "ListCreditRecords", "单位的信用记录（第十一条、第十三条）", officials, listCreditRecords),
		op("POST", "/organizations/{id}/credit-records", "AddCreditRecord", "登记信用记录（此后的提交和资格复核据此判定）",
			roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleAdmin), addCreditRecord).created(),
	)
}

func listOrganizations(ctx context.Context, c *Call, in *apiclient.OrganizationQuery) (*apiclient.Page[apiclient.Organization], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	orgs, total, err := c.App.FindOrganizations(ctx, c.Actor, store.OrgFilter{Query: strings.TrimSpace(in.Q), Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(orgs, total, in.Paging, orgOut), nil
}

func getOrganization(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Organization, error) {
	o, err := c.App.Organization(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := orgOut(o)
	return &out, nil
}

func getOwnOrganization(ctx context.Context, c *Call, _ *apiclient.None) (*apiclient.Organization, error) {
	return getOrganization(ctx, c, &apiclient.ByID{ID: c.Actor.User.OrgID})
}

func updateOwnOrganization(ctx context.Context, c *Call, in *apiclient.OrganizationInput) (*apiclient.Organization, error) {
	o := &dtfund.Organization{USCC: in.USCC, Name: in.Name, Kind: dtfund.OrgKind(in.Kind), LegalPerson: in.LegalPerson,
		RegionCode: in.RegionCode, DistrictCode: in.DistrictCode, IndustryCode: in.IndustryCode, IsApplicant: in.IsApplicant,
		IsProvider: in.IsProvider, Address: in.Address, ContactName: in.ContactName, ContactPhone: in.ContactPhone}
	for _, f := range in.SizeFacts {
		o.SizeFacts = append(o.SizeFacts, dtfund.SizeFact{Year: f.Year, Employees: f.Employees, RevenueFen: f.RevenueFen, AssetsFen: f.AssetsFen})
	}
	if !o.LegalPerson {
		// As on the profile page: 第十二条 admits only legal persons.
		return nil, dtfund.FieldError("legal_person", "第十二条要求支持对象具有独立法人资格")
	}
	if err := c.App.UpdateOwnOrganization(ctx, c.Actor, o); err != nil {
		return nil, err
	}
	return getOwnOrganization(ctx, c, nil)
}

func creditOut(r store.CreditRecord) apiclient.CreditRecord {
	return apiclient.CreditRecord{ID: r.ID, OrgID: r.OrgID, Kind: r.Kind, KindLabel: policy.CreditKind(r.Kind).Label(),
		StartDate: r.StartDate, EndDate: r.EndDate, Note: r.Note, Source: r.Source}
}

func listCreditRecords(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.List[apiclient.CreditRecord], error) {
	recs, err := c.App.CreditRecords(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return listOf(recs, creditOut), nil
}

func addCreditRecord(ctx context.Context, c *Call, in *apiclient.CreditRecordInput) (*apiclient.CreditRecord, error) {
	r, err := c.App.AddCreditRecord(ctx, c.Actor, app.CreditInput{OrgID: in.OrgID, Kind: in.Kind, StartDate: in.StartDate,
		EndDate: in.EndDate, StillListed: in.StillListed, Note: in.Note, Source: in.Source})
	if err != nil {
		return nil, err
	}
	out := creditOut(*r)
	return &out, nil
}
