package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/internal/store"
)

// sizeRows is how many yearly size rows the profile form offers.
const sizeRows = 3

func (s *Server) orgProfileForm(w http.ResponseWriter, r *http.Request) {
	o, err := s.App.Organization(r.Context(), actor(r), state(r).User.OrgID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.orgProfileView(r, o)
	v.Form = orgToForm(o)
	s.render(w, r, "org_profile", v)
}

func (s *Server) orgProfileView(r *http.Request, o *dtfund.Organization) *view {
	districts, err := s.App.DB.Districts(r.Context())
	if err != nil {
		state(r).Log.Error("districts", "err", err)
	}
	return s.newView(r, "单位信息", map[string]any{"Org": o, "Districts": districts, "Kinds": dtfund.OrgKinds, "SizeRows": make([]int, sizeRows)})
}

func (s *Server) orgProfileSubmit(w http.ResponseWriter, r *http.Request) {
	o, perr := orgFromForm(r)
	if perr == nil {
		perr = s.App.UpdateOwnOrganization(r.Context(), actor(r), o)
	} else if verr := dtfund.ValidateOrganization(o); verr != nil {
		// Show the domain's field errors beside the form's parse errors.
		perr = append(perr.(dtfund.ValidationErrors), verr.(dtfund.ValidationErrors)...)
	}
	if perr != nil {
		if dtfund.ErrorCode(perr) == dtfund.EINTERNAL {
			s.renderError(w, r, perr)
			return
		}
		current, _ := s.App.Organization(r.Context(), actor(r), state(r).User.OrgID)
		v := s.orgProfileView(r, current)
		v.Form, v.Errors = r.PostForm, formErrors(perr)
		s.render(w, r, "org_profile", v)
		return
	}
	s.redirect(w, r, "/profile/org", "单位信息已保存")
}

// orgFromForm reads the profile form; every field error is collected.
func orgFromForm(r *http.Request) (*dtfund.Organization, error) {
	f := r.PostForm
	o := &dtfund.Organization{
		USCC: f.Get("uscc"), Name: f.Get("name"), Kind: dtfund.OrgKind(f.Get("kind")),
		LegalPerson: f.Get("legal_person") == "on", RegionCode: f.Get("region_code"), DistrictCode: f.Get("district_code"),
		IndustryCode: f.Get("industry_code"), IsApplicant: f.Get("is_applicant") == "on", IsProvider: f.Get("is_provider") == "on",
		Address: f.Get("address"), ContactName: f.Get("contact_name"), ContactPhone: f.Get("contact_phone"),
	}
	var v dtfund.ValidationErrors
	for i := 0; i < sizeRows; i++ {
		if fact, ok := sizeFactFromForm(f, i, &v); ok {
			o.SizeFacts = append(o.SizeFacts, fact)
		}
	}
	if !o.LegalPerson {
		v.Add("legal_person", "第十二条要求支持对象具有独立法人资格")
	}
	return o, v.Err()
}

func sizeFactFromForm(f url.Values, i int, v *dtfund.ValidationErrors) (dtfund.SizeFact, bool) {
	key := func(n string) string { return "size." + strconv.Itoa(i) + "." + n }
	if strings.TrimSpace(f.Get(key("year"))) == "" {
		return dtfund.SizeFact{}, false
	}
	var fact dtfund.SizeFact
	year, err := strconv.Atoi(strings.TrimSpace(f.Get(key("year"))))
	if err != nil {
		v.Add(key("year"), "年度须为4位数字")
	}
	fact.Year = year
	var errs []error
	fact.Employees, err = parseCount(key("employees"), "从业人员", f.Get(key("employees")))
	errs = append(errs, err)
	fact.RevenueFen, err = parseMoney(key("revenue"), "营业收入", f.Get(key("revenue")), 10000)
	errs = append(errs, err)
	fact.AssetsFen, err = parseMoney(key("assets"), "资产总额", f.Get(key("assets")), 10000)
	errs = append(errs, err)
	for _, e := range errs {
		if de, ok := e.(*dtfund.Error); ok {
			*v = append(*v, de)
		}
	}
	return fact, true
}

// orgToForm fills the form with the stored values (amounts in 万元).
func orgToForm(o *dtfund.Organization) url.Values {
	f := url.Values{}
	f.Set("uscc", o.USCC)
	f.Set("name", o.Name)
	f.Set("kind", string(o.Kind))
	f.Set("region_code", o.RegionCode)
	f.Set("district_code", o.DistrictCode)
	f.Set("industry_code", o.IndustryCode)
	f.Set("address", o.Address)
	f.Set("contact_name", o.ContactName)
	f.Set("contact_phone", o.ContactPhone)
	setCheck(f, "legal_person", o.LegalPerson)
	setCheck(f, "is_applicant", o.IsApplicant)
	setCheck(f, "is_provider", o.IsProvider)
	for i, fact := range o.SizeFacts {
		if i >= sizeRows {
			break
		}
		key := func(n string) string { return "size." + strconv.Itoa(i) + "." + n }
		f.Set(key("year"), strconv.Itoa(fact.Year))
		f.Set(key("employees"), strconv.FormatInt(fact.Employees, 10))
		f.Set(key("revenue"), formatWan(fact.RevenueFen))
		f.Set(key("assets"), formatWan(fact.AssetsFen))
	}
	return f
}

func setCheck(f url.Values, k string, b bool) {
	if b {
		f.Set(k, "on")
	}
}

const orgPageSize = 50

func (s *Server) orgList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), orgPageSize)
	orgs, total, err := s.App.FindOrganizations(r.Context(), actor(r), store.OrgFilter{
		Query: q.Get("q"), Sort: q.Get("sort"), Page: store.Page{Offset: offset, Limit: orgPageSize},
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rest := url.Values{"q": {q.Get("q")}, "sort": {q.Get("sort")}}.Encode()
	v := s.newView(r, "单位查询", map[string]any{"Orgs": orgs, "Pager": newPager(page, orgPageSize, total, rest),
		"Sort": sortColumns("/orgs", q, "uscc:统一社会信用代码", "name:单位名称", "district:属地", "industry:行业代码")})
	v.Form = q
	s.render(w, r, "org_list", v)
}

func (s *Server) orgDetail(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	// The contact telephone is masked unless asked for (?show=contact):
	// that view is audited (敏感信息查看留痕).
	show := r.URL.Query().Get("show") == "contact"
	get := s.App.Organization
	if show {
		get = s.App.OrganizationContact
	}
	o, err := get(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data := map[string]any{"Org": o, "ContactShown": show}
	for _, extra := range orgDetailExtras {
		extra(s, r, o, data)
	}
	s.render(w, r, "org_detail", s.newView(r, o.Name, data))
}

// orgDetailExtras add the parts of the organisation page that other parts
// provide (bans under 第二十条, …); each registers from an init function.
var orgDetailExtras []func(s *Server, r *http.Request, o *dtfund.Organization, data map[string]any)
