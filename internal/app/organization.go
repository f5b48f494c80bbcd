package app

import (
	"context"
	"strings"

	"dtfund"
	"dtfund/internal/store"
)

// OrgScope returns the district filter for the actor's organisation queries,
// or EFORBIDDEN when the role has no business with organisation records.
// District officials see their district only; a record elsewhere is "not
// found", never "forbidden", so that its existence is not revealed.
func OrgScope(actor Actor) (string, error) {
	if err := requireRole(actor, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT,
		dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin); err != nil {
		return "", err
	}
	return actor.User.DistrictCode, nil
}

// FindOrganizations lists organisations within the actor's jurisdiction,
// contact telephones masked.
func (a *App) FindOrganizations(ctx context.Context, actor Actor, f store.OrgFilter) ([]*dtfund.Organization, int, error) {
	scope, err := OrgScope(actor)
	if err != nil {
		return nil, 0, err
	}
	f.DistrictCode = scope
	orgs, total, err := a.DB.FindOrganizations(ctx, f)
	for _, o := range orgs {
		o.ContactPhone = MaskContact(o.ContactPhone)
	}
	return orgs, total, err
}

// Organization returns one organisation if the actor may see it: its own for
// an applicant, within the jurisdiction for officials, whose copy has the
// contact telephone masked (OrganizationContact shows it).
func (a *App) Organization(ctx context.Context, actor Actor, id int64) (*dtfund.Organization, error) {
	if actor.User != nil && actor.User.Role == dtfund.RoleApplicant {
		if actor.User.OrgID != id {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "单位不存在")
		}
		return a.DB.Organization(ctx, id, "")
	}
	o, err := a.officialsOrganization(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	o.ContactPhone = MaskContact(o.ContactPhone)
	return o, nil
}

// OrganizationContact returns an organisation with its contact telephone in
// full, for an official who needs to call it; the view is audited
// (敏感信息查看留痕).
func (a *App) OrganizationContact(ctx context.Context, actor Actor, id int64) (*dtfund.Organization, error) {
	o, err := a.officialsOrganization(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if o.ContactPhone != "" {
		if err := a.auditView(ctx, actor, "organization", itoa(o.ID), "contact_phone"); err != nil {
			return nil, err
		}
	}
	return o, nil
}

func (a *App) officialsOrganization(ctx context.Context, actor Actor, id int64) (*dtfund.Organization, error) {
	scope, err := OrgScope(actor)
	if err != nil {
		return nil, err
	}
	return a.DB.Organization(ctx, id, scope)
}

// UpdateOwnOrganization saves the applicant's organisation profile.
func (a *App) UpdateOwnOrganization(ctx context.Context, actor Actor, o *dtfund.Organization) error {
	if err := requireRole(actor, dtfund.RoleApplicant); err != nil {
		return err
	}
	o.ID = actor.User.OrgID
	return a.saveOrganization(ctx, actor, o)
}

// CreateOrganization registers an organisation (administrator, CLI, demo).
func (a *App) CreateOrganization(ctx context.Context, actor Actor, o *dtfund.Organization) error {
	if err := requireRole(actor, dtfund.RoleAdmin, dtfund.RoleCityMIIT); err != nil {
		return err
	}
	o.ID = 0
	return a.saveOrganization(ctx, actor, o)
}

func (a *App) saveOrganization(ctx context.Context, actor Actor, o *dtfund.Organization) error {
	dtfund.NormalizeOrganization(o)
	if err := a.validateOrgDistrict(ctx, o); err != nil {
		return err
	}
	var before *dtfund.Organization
	if o.ID != 0 {
		var err error
		if before, err = a.DB.Organization(ctx, o.ID, ""); err != nil {
			return err
		}
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		if before == nil {
			if err := tx.CreateOrganization(ctx, o); err != nil {
				return err
			}
			return tx.Audit(ctx, actor.audit("organization.create", "organization", itoa(o.ID)), nil, o)
		}
		if err := tx.UpdateOrganization(ctx, o); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("organization.update", "organization", itoa(o.ID)), before, o)
	})
}

// validateOrgDistrict runs the field checks and ties the registered region to
// a county-level unit: an organisation registered in Changchun (region code
// 2201xx) must name its 属地 unit, one registered elsewhere must not.
func (a *App) validateOrgDistrict(ctx context.Context, o *dtfund.Organization) error {
	return orgDistrictRules(o, func(code string) bool {
		_, err := a.DB.District(ctx, code)
		return err == nil
	})
}

// orgDistrictRules are validateOrgDistrict's rules with the district lookup
// given (an import checks thousands of organisations against one list).
func orgDistrictRules(o *dtfund.Organization, districtExists func(code string) bool) error {
	var v dtfund.ValidationErrors
	if err := dtfund.ValidateOrganization(o); err != nil {
		v = append(v, err.(dtfund.ValidationErrors)...)
	}
	inChangchun := strings.HasPrefix(o.RegionCode, "2201")
	switch {
	case inChangchun && o.DistrictCode == "":
		v.Add("district_code", "注册地在长春市的单位须选择属地县（市）区、开发区")
	case !inChangchun && o.DistrictCode != "":
		v.Add("district_code", "注册地不在长春市的单位无需选择属地县（市）区、开发区")
	case o.DistrictCode != "" && !districtExists(o.DistrictCode):
		v.Add("district_code", "属地代码 %s 不存在", o.DistrictCode)
	}
	return v.Err()
}
