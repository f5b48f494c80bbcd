package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// providerRoutes are the routes of service providers, products, adoptions and rankings (第七条（二）–（五）).
func (s *Server) providerRoutes() []Route {
	applicant := roles(dtfund.RoleApplicant)
	adoptionViewers := roles(dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT,
		dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin)
	rankingViewers := roles(rankingViewerRoles...)
	miit := roles(dtfund.RoleCityMIIT)
	return []Route{
		{"GET", "/public/products", public, s.catalogue},
		{"GET", "/public/products/{id}", public, s.catalogueProduct},

		{"GET", "/provider/profile", applicant, s.providerProfileForm},
		{"POST", "/provider/profile", applicant, s.providerProfileSubmit},
		{"GET", "/provider/products", applicant, s.providerProducts},
		{"GET", "/provider/products/new", applicant, s.productNew},
		{"POST", "/provider/products", applicant, s.productCreate},
		{"GET", "/provider/products/{id}/edit", applicant, s.productEdit},
		{"POST", "/provider/products/{id}/edit", applicant, s.productUpdate},
		{"POST", "/provider/products/{id}/withdraw", applicant, s.productWithdraw},

		{"GET", "/adoptions", adoptionViewers, s.adoptionList},
		{"GET", "/adoptions/new", applicant, s.adoptionNew},
		{"POST", "/adoptions", applicant, s.adoptionCreate},
		{"GET", "/adoptions/propose", applicant, s.adoptionProposeForm},
		{"POST", "/adoptions/propose", applicant, s.adoptionPropose},
		{"GET", "/adoptions/{id}", adoptionViewers, s.adoptionDetail},
		{"POST", "/adoptions/{id}/confirm", applicant, s.adoptionConfirm},
		{"POST", "/adoptions/{id}/reject", applicant, s.adoptionReject},
		{"POST", "/adoptions/{id}/effects", applicant, s.adoptionEffects},

		{"GET", "/rankings", rankingViewers, s.rankingList},
		{"POST", "/rankings", miit, s.rankingCreate},
		{"GET", "/rankings/{id}", rankingViewers, s.rankingDetail},
		{"POST", "/rankings/{id}/rerun", miit, s.rankingRerun},
		{"POST", "/rankings/{id}/propose", miit, s.rankingPropose},

		{"GET", "/apps/{id}/chain", applicant, s.chainForm},
		{"POST", "/apps/{id}/chain", applicant, s.chainSubmit},
	}
}

func init() {
	extraFuncs["productKindLabel"] = app.ProductKindLabel
	extraFuncs["propertyLabel"] = policy.PropertyLabel
	extraFuncs["adoptionStateLabel"] = app.AdoptionStateLabel
	extraFuncs["scoreText"] = policy.ScoreText
	extraFuncs["percent"] = policy.Percent
	extraFuncs["rankKindLabel"] = func(k string) string { return policy.RankKind(k).Label() }
	extraFuncs["rankKindArticle"] = func(k string) string { return policy.RankKind(k).Article() }
	extraFuncs["sub"] = func(a, b int) int { return a - b }
	todoSources = append(todoSources, adoptionTodos)
	detailExtras = append(detailExtras, providerExtras)
}

// adoptionTodos is the enterprise's 待办: provider proposals to confirm.
func adoptionTodos(s *Server, r *http.Request) []todo {
	n, err := s.App.AwaitingConfirmation(r.Context(), actor(r))
	if err != nil {
		state(r).Log.ErrorContext(r.Context(), "todo adoptions", "err", err)
		return nil
	}
	if n == 0 {
		return nil
	}
	return []todo{{Label: "服务商提交的应用记录待确认", Href: "/adoptions?state=proposed", Count: n}}
}

// providerExtras adds to an application's page the items of a proposed
// award and the chain members of a 第七条（五） application.
func providerExtras(s *Server, r *http.Request, a *dtfund.Application, data map[string]any) {
	ctx := r.Context()
	if items, err := s.App.DB.ApplicationItems(ctx, a.ID); err == nil && len(items) > 0 {
		data["Items"] = items
	}
	if run, ok := rankingRunOf(a); ok && slices.Contains(rankingViewerRoles, state(r).User.Role) {
		data["RankingRunID"] = run
	}
	if a.CallCategory != "7.5" {
		return
	}
	if ms, err := s.App.DB.ChainMembers(ctx, a.ID); err == nil {
		data["ChainMembers"] = ms
	}
	data["ChainApp"] = true
	data["ChainEditable"] = state(r).User.Role == dtfund.RoleApplicant && a.Editable()
}

// rankingViewerRoles may open a ranking run's page.
var rankingViewerRoles = []dtfund.Role{dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin}

// rankingRunOf reads the run of an application proposed from a ranking
// (OriginRef "ranking:<run>:org:<org>").
func rankingRunOf(a *dtfund.Application) (int64, bool) {
	if a.Origin != dtfund.OriginRanking {
		return 0, false
	}
	rest, ok := strings.CutPrefix(a.OriginRef, "ranking:")
	if !ok {
		return 0, false
	}
	id, _, _ := strings.Cut(rest, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	return n, err == nil
}

const productPageSize = 50

// ---- the public catalogue ----

func (s *Server) catalogue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), productPageSize)
	f := store.ProductFilter{Kind: q.Get("kind"), Property: q.Get("property"), Scenario: q.Get("scenario"), Query: q.Get("q"),
		Page: store.Page{Offset: offset, Limit: productPageSize}}
	ps, total, err := s.App.Catalogue(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rest := url.Values{}
	for _, k := range []string{"kind", "property", "scenario", "q"} {
		if v := q.Get(k); v != "" {
			rest.Set(k, v)
		}
	}
	v := s.newView(r, "“小快轻准”产品和解决方案目录", map[string]any{"Products": ps, "Kinds": store.ProductKinds,
		"Properties": policy.ProductProperties, "Pager": newPager(page, productPageSize, total, rest.Encode())})
	v.Form = q
	s.render(w, r, "product_catalogue", v)
}

func (s *Server) catalogueProduct(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	p, prof, err := s.App.CatalogueProduct(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data := map[string]any{"Product": p, "Profile": prof}
	if u := state(r).User; u != nil && u.Role == dtfund.RoleApplicant && u.OrgID != p.ProviderOrgID {
		data["CanRecord"] = true
	}
	s.render(w, r, "product_public", s.newView(r, p.Name, data))
}

// ---- the provider's profile and products ----

// providerPage renders a provider page, or the explanation when the
// user's organisation is not a provider (a fact of the organisation, shown
// as a page rather than refused).
func (s *Server) providerPage(w http.ResponseWriter, r *http.Request, page string, v *view, err error) {
	if err != nil {
		if dtfund.ErrorCode(err) == dtfund.ECONFLICT {
			s.render(w, r, "provider_none", s.newView(r, "数字化服务商", map[string]any{"Message": dtfund.ErrorMessage(err)}))
			return
		}
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, page, v)
}

func (s *Server) providerProfileForm(w http.ResponseWriter, r *http.Request) {
	org, prof, err := s.App.ProviderProfile(r.Context(), actor(r))
	if err != nil {
		s.providerPage(w, r, "", nil, err)
		return
	}
	v := s.newView(r, "服务商信息", map[string]any{"Org": org})
	v.Form = url.Values{"service_scope": {prof.ServiceScope}, "qualifications": {prof.Qualifications}, "website": {prof.Website},
		"contact_email": {prof.ContactEmail}}
	s.render(w, r, "provider_profile", v)
}

func (s *Server) providerProfileSubmit(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	_, err := s.App.SaveProviderProfile(r.Context(), actor(r), app.ProviderProfileInput{ServiceScope: f.Get("service_scope"),
		Qualifications: f.Get("qualifications"), Website: f.Get("website"), ContactEmail: f.Get("contact_email")})
	if err == nil {
		s.redirect(w, r, "/provider/profile", "服务商信息已保存")
		return
	}
	if dtfund.ErrorCode(err) != dtfund.EINVALID {
		s.providerPage(w, r, "", nil, err)
		return
	}
	org, _, _ := s.App.ProviderProfile(r.Context(), actor(r))
	v := s.newView(r, "服务商信息", map[string]any{"Org": org})
	v.Form, v.Errors = f, formErrors(err)
	s.render(w, r, "provider_profile", v)
}

func (s *Server) providerProducts(w http.ResponseWriter, r *http.Request) {
	page, offset := pageParam(r.URL.Query().Get("page"), productPageSize)
	ps, total, org, err := s.App.MyProducts(r.Context(), actor(r), store.Page{Offset: offset, Limit: productPageSize})
	v := s.newView(r, "本单位产品和解决方案", map[string]any{"Products": ps, "Org": org, "Pager": newPager(page, productPageSize, total, "")})
	s.providerPage(w, r, "product_list", v, err)
}

// productFormView is the product form's page; p is nil for a new product.
func (s *Server) productFormView(r *http.Request, p *store.Product) *view {
	title := "新增产品或解决方案"
	if p != nil {
		title = "修改：" + p.Name
	}
	return s.newView(r, title, map[string]any{"Product": p, "Kinds": store.ProductKinds, "Properties": policy.ProductProperties})
}

func (s *Server) productNew(w http.ResponseWriter, r *http.Request) {
	_, err := s.App.ProviderOrg(r.Context(), actor(r))
	v := s.productFormView(r, nil)
	v.Form = url.Values{"kind": {store.KindProduct}}
	s.providerPage(w, r, "product_form", v, err)
}

// productInput reads the product form; the price is typed in 元. A price
// that cannot be read is reported with the other fields' errors.
func productInput(f url.Values) (app.ProductInput, error) {
	in := app.ProductInput{Kind: f.Get("kind"), Name: f.Get("name"), Description: f.Get("description"),
		Scenarios: app.SplitScenarios(f.Get("scenarios")), Properties: f["properties"]}
	price, err := parseMoney("price", "参考价格", f.Get("price"), 1)
	if err == nil {
		in.PriceFen = price
		return in, nil
	}
	v := dtfund.ValidationErrors{err.(*dtfund.Error)}
	if verr := in.Validate(); verr != nil {
		v = append(v, verr.(dtfund.ValidationErrors)...)
	}
	return in, v
}

func (s *Server) productCreate(w http.ResponseWriter, r *http.Request) {
	in, err := productInput(r.PostForm)
	var p *store.Product
	if err == nil {
		p, err = s.App.CreateProduct(r.Context(), actor(r), in)
	}
	if err != nil {
		s.productFormError(w, r, nil, err)
		return
	}
	s.redirect(w, r, "/provider/products", "已新增“"+p.Name+"”，已在产品目录中公开")
}

func (s *Server) productFormError(w http.ResponseWriter, r *http.Request, p *store.Product, err error) {
	if dtfund.ErrorCode(err) != dtfund.EINVALID {
		s.providerPage(w, r, "", nil, err)
		return
	}
	v := s.productFormView(r, p)
	v.Form, v.Errors = r.PostForm, formErrors(err)
	s.render(w, r, "product_form", v)
}

func (s *Server) productEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	p, err := s.App.ProviderProduct(r.Context(), actor(r), id)
	if err != nil {
		s.providerPage(w, r, "", nil, err)
		return
	}
	v := s.productFormView(r, p)
	v.Form = url.Values{"kind": {p.Kind}, "name": {p.Name}, "description": {p.Description}, "properties": p.Properties,
		"scenarios": {joinScenarios(p.Scenarios)}, "price": {yuanPlain(p.PriceFen)}}
	s.render(w, r, "product_form", v)
}

func joinScenarios(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += "、"
		}
		out += s
	}
	return out
}

// yuanPlain shows fen as 元 for a form field, without separators.
func yuanPlain(fen int64) string {
	s := strconv.FormatInt(fen/100, 10)
	if c := fen % 100; c != 0 {
		s += "." + strconv.FormatInt(c/10, 10) + strconv.FormatInt(c%10, 10)
	}
	return s
}

func (s *Server) productUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	in, err := productInput(r.PostForm)
	if err == nil {
		_, err = s.App.UpdateProduct(r.Context(), actor(r), id, in)
	}
	if err != nil {
		p, _ := s.App.ProviderProduct(r.Context(), actor(r), id)
		s.productFormError(w, r, p, err)
		return
	}
	s.redirect(w, r, "/provider/products", "产品信息已保存")
}

func (s *Server) productWithdraw(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	if err := s.App.WithdrawProduct(r.Context(), actor(r), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.redirect(w, r, "/provider/products", "已撤回，该产品不再出现在产品目录中，也不能登记新的应用记录")
}

// ---- chain members of a 第七条（五） application ----

func (s *Server) chainForm(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	ms, err := s.App.ChainMembers(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form := url.Values{}
	for i, m := range ms {
		form.Set("members."+strconv.Itoa(i)+".uscc", m.USCC)
		form.Set("members."+strconv.Itoa(i)+".relation", m.Relation)
	}
	s.renderChain(w, r, id, form, nil)
}

func (s *Server) renderChain(w http.ResponseWriter, r *http.Request, id int64, form url.Values, err error) {
	a, gerr := s.App.Application(r.Context(), actor(r), id)
	if gerr == nil && a.CallCategory != "7.5" {
		gerr = dtfund.Errorf(dtfund.ENOTFOUND, "申报 %s 不是第七条（五）“链式”类申报，没有链上企业名单", a.Number)
	}
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	v := s.newView(r, "链上企业名单："+a.Number, map[string]any{"App": a, "Rows": make([]int, app.MaxChainMembers)})
	v.Form = form
	if err != nil {
		v.Errors = formErrors(err)
		s.renderCode(w, r, "app_chain", v, statusFor(dtfund.ErrorCode(err)))
		return
	}
	s.render(w, r, "app_chain", v)
}

func (s *Server) chainSubmit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	f := r.PostForm
	var rows []app.ChainMemberInput
	for i := range app.MaxChainMembers {
		k := "members." + strconv.Itoa(i) + "."
		rows = append(rows, app.ChainMemberInput{USCC: f.Get(k + "uscc"), Relation: f.Get(k + "relation")})
	}
	// Trailing empty rows are not rows.
	for len(rows) > 0 && rows[len(rows)-1] == (app.ChainMemberInput{}) {
		rows = rows[:len(rows)-1]
	}
	if _, err := s.App.SetChainMembers(r.Context(), actor(r), id, rows); err != nil {
		if code := dtfund.ErrorCode(err); code == dtfund.ENOTFOUND || code == dtfund.EINTERNAL || code == dtfund.EFORBIDDEN {
			s.renderError(w, r, err)
			return
		}
		s.renderChain(w, r, id, f, err)
		return
	}
	s.redirect(w, r, "/apps/"+strconv.FormatInt(id, 10), "链上企业名单已保存")
}

// propertiesChecked reports whether a property is among the form's values.
func propertiesChecked(v *view, p string) bool {
	return v.Form != nil && slices.Contains(v.Form["properties"], p)
}

func init() { extraFuncs["propertyChecked"] = propertiesChecked }
