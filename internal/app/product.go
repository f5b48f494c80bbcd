package app

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Service providers (服务商) and their 「小快轻准」 products, solutions and
// platform cloud services (第七条（二）（三）（四）). An organisation marked as a
// provider (dtfund.Organization.IsProvider) keeps a profile beyond its
// organisation record and a catalogue of what it offers; the public sees
// the offered ones. The rankings of 第七条（三）（四） read the products and
// the enterprises' adoption records (adoption.go).

// Bounds of the provider's forms.
const (
	productNameRunes  = 100
	productDescRunes  = 2000
	scenarioRunes     = 30
	maxScenarios      = 10
	profileFieldRunes = 2000
	maxPriceFen       = 1_000_000_000_00 // 10亿元
)

// ProductKindLabel names a product kind.
func ProductKindLabel(k string) string {
	switch k {
	case store.KindProduct:
		return "产品"
	case store.KindSolution:
		return "解决方案"
	case store.KindCloudService:
		return "云服务（上云上平台）"
	}
	return k
}

// errNotProvider is the refusal for an organisation not registered as a
// provider: a fact about the organisation, which it can change in its
// profile, not a matter of the user's role.
func errNotProvider(o *dtfund.Organization) error {
	return dtfund.Errorf(dtfund.ECONFLICT, "%s未登记为数字化服务商，不能维护服务商信息和产品；如需登记，请在“单位信息维护”中勾选“服务商”", o.Name)
}

// ProviderOrg returns the actor's organisation when it is a service
// provider: an applicant account of an organisation with the provider role.
func (a *App) ProviderOrg(ctx context.Context, actor Actor) (*dtfund.Organization, error) {
	if err := requireRole(actor, dtfund.RoleApplicant); err != nil {
		return nil, err
	}
	org, err := a.DB.Organization(ctx, actor.User.OrgID, "")
	if err != nil {
		return nil, err
	}
	if !org.IsProvider {
		return org, errNotProvider(org)
	}
	return org, nil
}

// ProviderProfileInput is the provider's profile form.
type ProviderProfileInput struct {
	ServiceScope   string
	Qualifications string
	Website        string
	ContactEmail   string
}

// ProviderProfile returns the actor's provider organisation and profile.
func (a *App) ProviderProfile(ctx context.Context, actor Actor) (*dtfund.Organization, *store.ProviderProfile, error) {
	org, err := a.ProviderOrg(ctx, actor)
	if err != nil {
		return org, nil, err
	}
	p, err := a.DB.ProviderProfile(ctx, org.ID)
	return org, p, err
}

// SaveProviderProfile saves the profile of the actor's provider
// organisation. The contact person and telephone are the organisation's.
func (a *App) SaveProviderProfile(ctx context.Context, actor Actor, in ProviderProfileInput) (*store.ProviderProfile, error) {
	org, err := a.ProviderOrg(ctx, actor)
	if err != nil {
		return nil, err
	}
	p := &store.ProviderProfile{OrgID: org.ID, ServiceScope: strings.TrimSpace(in.ServiceScope),
		Qualifications: strings.TrimSpace(in.Qualifications), Website: strings.TrimSpace(in.Website),
		ContactEmail: strings.TrimSpace(in.ContactEmail), UpdatedBy: actor.User.ID}
	var v dtfund.ValidationErrors
	if p.ServiceScope == "" || utf8.RuneCountInString(p.ServiceScope) > profileFieldRunes {
		v.Add("service_scope", "请填写服务范围（不超过%d字）", profileFieldRunes)
	}
	if utf8.RuneCountInString(p.Qualifications) > profileFieldRunes {
		v.Add("qualifications", "资质情况不超过%d字", profileFieldRunes)
	}
	if p.Website != "" && !validWebsite(p.Website) {
		v.Add("website", "网站地址须以 http:// 或 https:// 开头，例如 https://www.example.com")
	}
	if p.ContactEmail != "" && !validEmail(p.ContactEmail) {
		v.Add("contact_email", "电子邮箱格式不正确")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	before, err := a.DB.ProviderProfile(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	return p, a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveProviderProfile(ctx, p); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("provider.profile", "organization", itoa(org.ID)), before, p)
	})
}

func validWebsite(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(s) <= 200
}

func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-3 && strings.Contains(s[at:], ".") && !strings.ContainsAny(s, " <>\"") && len(s) <= 100
}

// ProductInput is the product form.
type ProductInput struct {
	Kind        string
	Name        string
	Description string
	Scenarios   []string // one per line or separated by 、，,
	Properties  []string // subset of policy.ProductProperties
	PriceFen    int64
}

// SplitScenarios splits a typed list of scenarios (lines, or 、，, between).
func SplitScenarios(s string) []string {
	f := func(r rune) bool {
		return r == '\n' || r == '\r' || r == '、' || r == '，' || r == ',' || r == '；' || r == ';'
	}
	var out []string
	for _, p := range strings.FieldsFunc(s, f) {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// Validate checks the form and puts the properties in their canonical order.
func (in *ProductInput) Validate() error {
	var v dtfund.ValidationErrors
	in.Name, in.Description = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description)
	if !slices.Contains(store.ProductKinds, in.Kind) {
		v.Add("kind", "请选择类型：产品、解决方案或云服务")
	}
	if in.Name == "" || utf8.RuneCountInString(in.Name) > productNameRunes {
		v.Add("name", "请填写名称（不超过%d字）", productNameRunes)
	}
	if utf8.RuneCountInString(in.Description) > productDescRunes {
		v.Add("description", "简介不超过%d字", productDescRunes)
	}
	if len(in.Scenarios) == 0 || len(in.Scenarios) > maxScenarios {
		v.Add("scenarios", "请填写服务的业务场景（1至%d个，用顿号或换行分隔）", maxScenarios)
	}
	for _, s := range in.Scenarios {
		if utf8.RuneCountInString(s) > scenarioRunes {
			v.Add("scenarios", "业务场景“%s”过长（每个不超过%d字）", s, scenarioRunes)
			break
		}
	}
	seen := map[string]bool{}
	for _, p := range in.Properties {
		if !slices.Contains(policy.ProductProperties, p) || seen[p] {
			v.Add("properties", "“小快轻准”特性只能从小型化、快速化、轻量化、精准化中选择，每项一次")
			break
		}
		seen[p] = true
	}
	if in.PriceFen < 0 || in.PriceFen > maxPriceFen {
		v.Add("price", "参考价格须在0至10亿元之间")
	}
	// Keep the properties in their canonical order, whatever the form sent.
	in.Properties = slices.DeleteFunc(slices.Clone(policy.ProductProperties), func(p string) bool { return !seen[p] })
	return v.Err()
}

// MyProducts lists the actor's provider organisation's products, every state.
func (a *App) MyProducts(ctx context.Context, actor Actor, page store.Page) ([]*store.Product, int, *dtfund.Organization, error) {
	org, err := a.ProviderOrg(ctx, actor)
	if err != nil {
		return nil, 0, org, err
	}
	ps, total, err := a.DB.FindProducts(ctx, store.ProductFilter{ProviderOrgID: org.ID, Page: page})
	return ps, total, org, err
}

// CreateProduct adds a product to the actor's provider organisation.
func (a *App) CreateProduct(ctx context.Context, actor Actor, in ProductInput) (*store.Product, error) {
	org, err := a.ProviderOrg(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p := &store.Product{ProviderOrgID: org.ID, Kind: in.Kind, Name: in.Name, Description: in.Description,
		Scenarios: in.Scenarios, Properties: in.Properties, PriceFen: in.PriceFen, CreatedBy: actor.User.ID}
	return p, a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateProduct(ctx, p); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("product.create", "product", itoa(p.ID)), nil, p)
	})
}

// ownProduct reads a product of the actor's provider organisation; another
// provider's product is not found.
func (a *App) ownProduct(ctx context.Context, actor Actor, id int64) (*store.Product, error) {
	org, err := a.ProviderOrg(ctx, actor)
	if err != nil {
		return nil, err
	}
	return a.DB.Product(ctx, id, store.ProductFilter{ProviderOrgID: org.ID})
}

// UpdateProduct changes an offered product of the actor's organisation.
func (a *App) UpdateProduct(ctx context.Context, actor Actor, id int64, in ProductInput) (*store.Product, error) {
	before, err := a.ownProduct(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p := *before
	p.Kind, p.Name, p.Description, p.Scenarios, p.Properties, p.PriceFen = in.Kind, in.Name, in.Description, in.Scenarios,
		in.Properties, in.PriceFen
	return &p, a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateProduct(ctx, &p); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("product.update", "product", itoa(p.ID)), before, &p)
	})
}

// WithdrawProduct withdraws an offered product: it leaves the catalogue,
// takes no new adoption records and is not ranked; records made before stay.
func (a *App) WithdrawProduct(ctx context.Context, actor Actor, id int64) error {
	p, err := a.ownProduct(ctx, actor, id)
	if err != nil {
		return err
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.WithdrawProduct(ctx, p.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("product.withdraw", "product", itoa(p.ID)), p, map[string]string{"state": store.ProductWithdrawn})
	})
}

// ProviderProduct returns one product of the actor's provider organisation.
func (a *App) ProviderProduct(ctx context.Context, actor Actor, id int64) (*store.Product, error) {
	return a.ownProduct(ctx, actor, id)
}

// Catalogue lists the offered products for anyone (the public catalogue).
func (a *App) Catalogue(ctx context.Context, f store.ProductFilter) ([]*store.Product, int, error) {
	f.State, f.ProviderOrgID = store.ProductActive, 0
	if f.Property != "" && !slices.Contains(policy.ProductProperties, f.Property) {
		f.Property = ""
	}
	if !slices.Contains(store.ProductKinds, f.Kind) {
		f.Kind = ""
	}
	return a.DB.FindProducts(ctx, f)
}

// CatalogueProduct returns an offered product with its provider's public
// profile; a withdrawn one is not found.
func (a *App) CatalogueProduct(ctx context.Context, id int64) (*store.Product, *store.ProviderProfile, error) {
	p, err := a.DB.Product(ctx, id, store.ProductFilter{State: store.ProductActive})
	if err != nil {
		return nil, nil, err
	}
	prof, err := a.DB.ProviderProfile(ctx, p.ProviderOrgID)
	return p, prof, err
}
