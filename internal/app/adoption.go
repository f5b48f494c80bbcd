package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
	"dtfund/uscc"
)

// Adoption records (应用记录): an enterprise records that it uses a
// provider's product under a contract, and reports the effect (indicators
// before and after). Only the enterprise can make a record count: its own
// record is confirmed at once; a provider may propose one for an
// enterprise, which stays proposed until that enterprise confirms or
// rejects it. A record between related parties is refused (第二十条 诚实信用).
// The rankings of 第七条（三）（四） count confirmed records only.

// Bounds of the adoption form.
const (
	contractNoRunes  = 64
	adoptScopeRunes  = 500
	rejectReasonMax  = 500
	maxIndicators    = 10
	indicatorRunes   = 30
	indicatorUnitMax = 10
)

// AdoptionInput is what is typed into an adoption form.
type AdoptionInput struct {
	ProductID      int64
	EnterpriseUSCC string // a provider's proposal names the enterprise
	ContractNo     string
	ContractDate   string // YYYY-MM-DD
	Scope          string // 应用范围
	Effects        []policy.EffectIndicator
}

// AdoptionStateLabel names an adoption state.
func AdoptionStateLabel(s string) string {
	switch s {
	case store.AdoptionProposed:
		return "待企业确认"
	case store.AdoptionConfirmed:
		return "已确认"
	case store.AdoptionRejected:
		return "企业已拒绝"
	}
	return s
}

// AdoptionIndicators reads the effects of an adoption.
func AdoptionIndicators(ad *store.Adoption) []policy.EffectIndicator {
	var e adoptionEffects
	json.Unmarshal([]byte(ad.Effects), &e)
	return e.Indicators
}

type adoptionEffects struct {
	Indicators []policy.EffectIndicator `json:"indicators"`
}

func effectsJSON(inds []policy.EffectIndicator) string {
	if len(inds) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(adoptionEffects{Indicators: inds})
	return string(b)
}

// validateContract checks the contract fields; the date may not be after
// today (a use that has not begun is not an adoption).
func (in *AdoptionInput) validateContract(today calendar.Date) dtfund.ValidationErrors {
	var v dtfund.ValidationErrors
	in.ContractNo, in.Scope = strings.TrimSpace(in.ContractNo), strings.TrimSpace(in.Scope)
	if in.ProductID <= 0 {
		v.Add("product_id", "请选择使用的产品或解决方案")
	}
	if in.ContractNo == "" || utf8.RuneCountInString(in.ContractNo) > contractNoRunes {
		v.Add("contract_no", "请填写合同编号（不超过%d字）", contractNoRunes)
	}
	d, err := calendar.ParseDate(strings.TrimSpace(in.ContractDate))
	switch {
	case err != nil:
		v.Add("contract_date", "合同日期应为 YYYY-MM-DD，例如 2026-03-15")
	case d.After(today):
		v.Add("contract_date", "合同日期 %s 晚于今天（%s），尚未发生的应用不能登记", d, today)
	default:
		in.ContractDate = d.String()
	}
	if utf8.RuneCountInString(in.Scope) > adoptScopeRunes {
		v.Add("scope", "应用范围不超过%d字", adoptScopeRunes)
	}
	return v
}

// ValidateIndicators checks the effect indicators, each field named
// effects.{i}.{name|unit|before|after}.
func ValidateIndicators(inds []policy.EffectIndicator) error {
	var v dtfund.ValidationErrors
	if len(inds) > maxIndicators {
		v.Add("effects", "成效指标不超过%d项", maxIndicators)
		return v
	}
	for i := range inds {
		ind := &inds[i]
		f := func(name string) string { return fmt.Sprintf("effects.%d.%s", i, name) }
		ind.Name, ind.Unit = strings.TrimSpace(ind.Name), strings.TrimSpace(ind.Unit)
		ind.Before, ind.After = strings.TrimSpace(ind.Before), strings.TrimSpace(ind.After)
		if ind.Name == "" || utf8.RuneCountInString(ind.Name) > indicatorRunes {
			v.Add(f("name"), "第%d项指标：请填写指标名称（不超过%d字）", i+1, indicatorRunes)
		}
		if utf8.RuneCountInString(ind.Unit) > indicatorUnitMax {
			v.Add(f("unit"), "第%d项指标：单位不超过%d字", i+1, indicatorUnitMax)
		}
		if _, err := policy.ParseDecimal(ind.Before); err != nil {
			v.Add(f("before"), "第%d项指标改造前数值%s", i+1, err.Error())
		}
		if _, err := policy.ParseDecimal(ind.After); err != nil {
			v.Add(f("after"), "第%d项指标改造后数值%s", i+1, err.Error())
		}
	}
	return v.Err()
}

// relatedParties says why an enterprise and a provider may not record an
// adoption between them, or "": the same organisation (the same credit
// code is the same organisation). Self-use is no adoption by an
// enterprise; counting it would misstate the 应用数量 the rankings of
// 第七条（三）（四） rest on.
func relatedParties(ent, prov *dtfund.Organization) string {
	if ent.ID == prov.ID || ent.USCC == prov.USCC {
		return "应用企业与服务商为同一单位（" + ent.Name + "，" + ent.USCC + "），自用不能作为企业应用记录登记。" +
			"依据第二十条，申报主体应遵循诚信原则如实申报；第七条（三）（四）按其他企业的应用数量和成效排名"
	}
	return ""
}

// enterpriseOrg returns the actor's organisation if it is an enterprise
// that can use products.
func (a *App) enterpriseOrg(ctx context.Context, actor Actor) (*dtfund.Organization, error) {
	if err := requireRole(actor, dtfund.RoleApplicant); err != nil {
		return nil, err
	}
	org, err := a.DB.Organization(ctx, actor.User.OrgID, "")
	if err != nil {
		return nil, err
	}
	if org.Kind != dtfund.OrgEnterprise {
		return nil, dtfund.Errorf(dtfund.ECONFLICT, "%s的单位类型为%s；应用记录由使用产品的企业登记（第七条（三）“企业应用数量”）", org.Name, org.Kind.Label())
	}
	return org, nil
}

// RecordAdoption records the actor's enterprise's use of a product; it is
// confirmed at once, since the enterprise itself declares it.
func (a *App) RecordAdoption(ctx context.Context, actor Actor, in AdoptionInput) (*store.Adoption, error) {
	ent, err := a.enterpriseOrg(ctx, actor)
	if err != nil {
		return nil, err
	}
	v := in.validateContract(calendar.DateOf(a.Now()))
	if err := ValidateIndicators(in.Effects); err != nil {
		v = append(v, err.(dtfund.ValidationErrors)...)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	ad := &store.Adoption{ProductID: in.ProductID, EnterpriseOrgID: ent.ID, ContractNo: in.ContractNo, ContractDate: in.ContractDate,
		Scope: in.Scope, State: store.AdoptionConfirmed, RecordedBy: store.RecordedByEnterprise, Effects: effectsJSON(in.Effects),
		ProposedBy: actor.User.ID, ConfirmedBy: actor.User.ID}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		p, prov, err := adoptableProduct(ctx, tx, in.ProductID)
		if err != nil {
			return err
		}
		if why := relatedParties(ent, prov); why != "" {
			return dtfund.FieldError("product_id", "%s", why)
		}
		ad.ProviderOrgID = p.ProviderOrgID
		if err := tx.CreateAdoption(ctx, ad); err != nil {
			return err
		}
		if err := tx.Audit(ctx, actor.audit("adoption.record", "adoption", itoa(ad.ID)), nil, ad); err != nil {
			return err
		}
		return tx.Notify(ctx, store.Notification{OrgID: prov.ID, Subject: "企业登记了使用贵单位产品的应用记录",
			Body: ent.Name + " 登记了使用“" + p.Name + "”的应用记录（合同 " + ad.ContractNo + "，" + ad.ContractDate + "）。"})
	})
	if err != nil {
		return nil, err
	}
	return ad, nil
}

// adoptableProduct reads an offered product and its provider.
func adoptableProduct(ctx context.Context, tx *store.Tx, id int64) (*store.Product, *dtfund.Organization, error) {
	p, err := tx.Product(ctx, id)
	if dtfund.ErrorCode(err) == dtfund.ENOTFOUND {
		return nil, nil, dtfund.FieldError("product_id", "所选产品不存在")
	}
	if err != nil {
		return nil, nil, err
	}
	if p.State != store.ProductActive {
		return nil, nil, dtfund.FieldError("product_id", "“%s”已由服务商撤回，不能登记新的应用记录", p.Name)
	}
	prov, err := tx.Organization(ctx, p.ProviderOrgID)
	return p, prov, err
}

// ProposeAdoption records, for the actor's provider organisation, that an
// enterprise uses one of its products. It stays proposed — counting for
// nothing — until the enterprise confirms it: a provider alone can never
// make a record count.
func (a *App) ProposeAdoption(ctx context.Context, actor Actor, in AdoptionInput) (*store.Adoption, error) {
	prov, err := a.ProviderOrg(ctx, actor)
	if err != nil {
		return nil, err
	}
	v := in.validateContract(calendar.DateOf(a.Now()))
	code := uscc.Normalize(in.EnterpriseUSCC)
	if err := uscc.Validate(code); err != nil {
		v.Add("enterprise_uscc", "应用企业的统一社会信用代码无效：%v", err)
	}
	if len(in.Effects) > 0 {
		v.Add("effects", "应用成效由应用企业填报，服务商不能代填")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	ent, err := a.DB.OrganizationByUSCC(ctx, code)
	switch {
	case dtfund.ErrorCode(err) == dtfund.ENOTFOUND:
		return nil, dtfund.FieldError("enterprise_uscc", "统一社会信用代码为 %s 的企业未在本系统登记，请企业先登记单位信息", code)
	case err != nil:
		return nil, err
	case ent.Kind != dtfund.OrgEnterprise:
		return nil, dtfund.FieldError("enterprise_uscc", "%s不是企业（%s），应用记录须为企业使用", ent.Name, ent.Kind.Label())
	}
	if why := relatedParties(ent, prov); why != "" {
		return nil, dtfund.FieldError("enterprise_uscc", "%s", why)
	}
	ad := &store.Adoption{ProductID: in.ProductID, EnterpriseOrgID: ent.ID, ProviderOrgID: prov.ID, ContractNo: in.ContractNo,
		ContractDate: in.ContractDate, Scope: in.Scope, State: store.AdoptionProposed, RecordedBy: store.RecordedByProvider,
		ProposedBy: actor.User.ID}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		p, _, err := adoptableProduct(ctx, tx, in.ProductID)
		if err != nil {
			return err
		}
		if p.ProviderOrgID != prov.ID {
			return dtfund.FieldError("product_id", "只能为本单位的产品登记应用记录")
		}
		if err := tx.CreateAdoption(ctx, ad); err != nil {
			return err
		}
		if err := tx.Audit(ctx, actor.audit("adoption.propose", "adoption", itoa(ad.ID)), nil, ad); err != nil {
			return err
		}
		return tx.Notify(ctx, store.Notification{OrgID: ent.ID, Subject: "服务商提交了贵单位的应用记录，请确认",
			Body: prov.Name + " 提交了贵单位使用“" + p.Name + "”的应用记录（合同 " + ad.ContractNo + "，" + ad.ContractDate +
				"）。请核实后确认或拒绝；未经贵单位确认的记录不计入任何排名。"})
	})
	if err != nil {
		return nil, err
	}
	return ad, nil
}

// AdoptionScope is the actor's scope over adoption records: an applicant
// sees its organisation's (as enterprise or as provider), district
// officials their district's enterprises', city officials, the inspector
// and the administrator all.
func AdoptionScope(actor Actor) (store.AdoptionFilter, error) {
	if err := requireRole(actor, dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT,
		dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin); err != nil {
		return store.AdoptionFilter{}, err
	}
	switch u := actor.User; {
	case u.Role == dtfund.RoleApplicant:
		id := u.OrgID
		if id == 0 {
			id = -1 // an applicant account without an organisation sees nothing
		}
		return store.AdoptionFilter{OrgID: id}, nil
	case u.Role.NeedsDistrict():
		d := u.DistrictCode
		if d == "" {
			d = "-"
		}
		return store.AdoptionFilter{DistrictCode: d}, nil
	}
	return store.AdoptionFilter{}, nil
}

// FindAdoptions lists the adoptions the actor may see, with its filters.
func (a *App) FindAdoptions(ctx context.Context, actor Actor, f store.AdoptionFilter) ([]*store.Adoption, int, error) {
	scope, err := AdoptionScope(actor)
	if err != nil {
		return nil, 0, err
	}
	f.OrgID, f.DistrictCode = scope.OrgID, scope.DistrictCode
	return a.DB.FindAdoptions(ctx, f)
}

// Adoption returns one adoption the actor may see, or ENOTFOUND.
func (a *App) Adoption(ctx context.Context, actor Actor, id int64) (*store.Adoption, error) {
	scope, err := AdoptionScope(actor)
	if err != nil {
		return nil, err
	}
	return a.DB.Adoption(ctx, id, scope)
}

// enterpriseAdoption reads, inside tx, an adoption on which the actor acts
// for the enterprise. The provider's side may see it but not act on it.
func enterpriseAdoption(ctx context.Context, tx *store.Tx, actor Actor, id int64) (*store.Adoption, error) {
	if err := requireRole(actor, dtfund.RoleApplicant); err != nil {
		return nil, err
	}
	ad, err := tx.Adoption(ctx, id)
	if err != nil {
		return nil, err
	}
	switch actor.User.OrgID {
	case ad.EnterpriseOrgID:
		return ad, nil
	case ad.ProviderOrgID:
		return nil, dtfund.Errorf(dtfund.EFORBIDDEN, "应用记录只能由应用企业（%s）确认、拒绝或填报成效，服务商不能代为操作", ad.EnterpriseName)
	}
	return nil, dtfund.Errorf(dtfund.ENOTFOUND, "应用记录不存在")
}

// ConfirmAdoption is the enterprise's confirmation of a provider's
// proposal, optionally with the effects it reports. Confirming a record
// already confirmed changes nothing (a resent form); a rejected one cannot
// be confirmed.
func (a *App) ConfirmAdoption(ctx context.Context, actor Actor, id int64, effects []policy.EffectIndicator) (*store.Adoption, error) {
	if err := ValidateIndicators(effects); err != nil {
		return nil, err
	}
	var ad *store.Adoption
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if ad, err = enterpriseAdoption(ctx, tx, actor, id); err != nil || ad.State == store.AdoptionConfirmed {
			return err
		}
		if err := tx.ConfirmAdoption(ctx, id, actor.User.ID); err != nil {
			return err
		}
		if len(effects) > 0 {
			if err := tx.SetAdoptionEffects(ctx, id, effectsJSON(effects)); err != nil {
				return err
			}
		}
		if err := tx.Audit(ctx, actor.audit("adoption.confirm", "adoption", itoa(id)), ad, map[string]any{"state": store.AdoptionConfirmed,
			"effects": effects}); err != nil {
			return err
		}
		ad.State = store.AdoptionConfirmed
		return tx.Notify(ctx, store.Notification{OrgID: ad.ProviderOrgID, Subject: "企业已确认应用记录",
			Body: ad.EnterpriseName + " 已确认使用“" + ad.ProductName + "”的应用记录（合同 " + ad.ContractNo + "）。"})
	})
	if err != nil {
		return nil, err
	}
	return ad, nil
}

// RejectAdoption is the enterprise's refusal of a provider's proposal,
// with its reason. Rejecting a record already rejected changes nothing; a
// confirmed one cannot be rejected.
func (a *App) RejectAdoption(ctx context.Context, actor Actor, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > rejectReasonMax {
		return dtfund.FieldError("reason", "请填写拒绝理由（不超过%d字）", rejectReasonMax)
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		ad, err := enterpriseAdoption(ctx, tx, actor, id)
		if err != nil || ad.State == store.AdoptionRejected {
			return err
		}
		if err := tx.RejectAdoption(ctx, id, actor.User.ID, reason); err != nil {
			return err
		}
		if err := tx.Audit(ctx, actor.audit("adoption.reject", "adoption", itoa(id)), ad, map[string]string{"state": store.AdoptionRejected,
			"reason": reason}); err != nil {
			return err
		}
		return tx.Notify(ctx, store.Notification{OrgID: ad.ProviderOrgID, Subject: "企业拒绝了应用记录",
			Body: ad.EnterpriseName + " 拒绝了使用“" + ad.ProductName + "”的应用记录（合同 " + ad.ContractNo + "），理由：" + reason})
	})
}

// ReportAdoptionEffects replaces the effects the enterprise reports for
// one of its adoptions (not a rejected one).
func (a *App) ReportAdoptionEffects(ctx context.Context, actor Actor, id int64, effects []policy.EffectIndicator) error {
	if err := ValidateIndicators(effects); err != nil {
		return err
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		ad, err := enterpriseAdoption(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := tx.SetAdoptionEffects(ctx, id, effectsJSON(effects)); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("adoption.effects", "adoption", itoa(id)), ad.Effects, effectsJSON(effects))
	})
}

// AwaitingConfirmation counts the provider proposals waiting for the
// actor's enterprise (its 待办).
func (a *App) AwaitingConfirmation(ctx context.Context, actor Actor) (int, error) {
	if actor.User == nil || actor.User.Role != dtfund.RoleApplicant || actor.User.OrgID == 0 {
		return 0, nil
	}
	_, n, err := a.DB.FindAdoptions(ctx, store.AdoptionFilter{EnterpriseOrgID: actor.User.OrgID, State: store.AdoptionProposed,
		Page: store.Page{Limit: 1}})
	return n, err
}
