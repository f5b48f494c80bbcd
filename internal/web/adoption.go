package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Adoption records (应用记录): the enterprise records its use of a product
// (confirmed at once) or confirms / rejects what a provider proposed, and
// reports the effect; officials read them within their jurisdiction.

const (
	adoptionPageSize = 50
	effectRows       = 5 // indicator rows the forms offer
)

var adoptionStates = []string{store.AdoptionProposed, store.AdoptionConfirmed, store.AdoptionRejected}

func (s *Server) adoptionList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), adoptionPageSize)
	f := store.AdoptionFilter{Query: q.Get("q"), Page: store.Page{Offset: offset, Limit: adoptionPageSize}}
	for _, st := range adoptionStates {
		if q.Get("state") == st {
			f.State = st
		}
	}
	ads, total, err := s.App.FindAdoptions(r.Context(), actor(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rest := url.Values{}
	for _, k := range []string{"q", "state"} {
		if v := q.Get(k); v != "" {
			rest.Set(k, v)
		}
	}
	u := state(r).User
	v := s.newView(r, "应用记录", map[string]any{"Adoptions": ads, "States": adoptionStates, "OrgID": u.OrgID,
		"IsApplicant": u.Role == dtfund.RoleApplicant, "Pager": newPager(page, adoptionPageSize, total, rest.Encode())})
	v.Form = q
	s.render(w, r, "adoption_list", v)
}

// adoptionFormView is the record (enterprise) or propose (provider) form.
func (s *Server) adoptionFormView(r *http.Request, propose bool) (*view, error) {
	title, data := "登记本企业的应用记录", map[string]any{"Propose": propose, "EffectRows": make([]int, effectRows)}
	if propose {
		title = "为应用企业提交应用记录"
		ps, _, _, err := s.App.MyProducts(r.Context(), actor(r), store.Page{Limit: 200})
		if err != nil {
			return nil, err
		}
		data["Products"] = activeProducts(ps)
	}
	return s.newView(r, title, data), nil
}

func activeProducts(ps []*store.Product) []*store.Product {
	var out []*store.Product
	for _, p := range ps {
		if p.State == store.ProductActive {
			out = append(out, p)
		}
	}
	return out
}

// adoptionNew shows the enterprise's form; ?product= preselects the
// product chosen in the catalogue.
func (s *Server) adoptionNew(w http.ResponseWriter, r *http.Request) {
	v, _ := s.adoptionFormView(r, false)
	v.Form = url.Values{"product_id": {r.URL.Query().Get("product")}}
	s.addChosenProduct(r, v)
	s.render(w, r, "adoption_form", v)
}

// addChosenProduct shows which catalogue product the enterprise records.
func (s *Server) addChosenProduct(r *http.Request, v *view) {
	id, err := strconv.ParseInt(v.Field("product_id"), 10, 64)
	if err != nil || id <= 0 {
		return
	}
	if p, _, err := s.App.CatalogueProduct(r.Context(), id); err == nil {
		v.Data.(map[string]any)["Chosen"] = p
	}
}

// indicatorsFromForm reads effects.{i}.* rows; empty rows are skipped.
func indicatorsFromForm(f url.Values) []policy.EffectIndicator {
	var out []policy.EffectIndicator
	for i := range effectRows {
		k := "effects." + strconv.Itoa(i) + "."
		ind := policy.EffectIndicator{Name: f.Get(k + "name"), Unit: f.Get(k + "unit"), LowerBetter: f.Get(k+"lower_better") == "on",
			Before: f.Get(k + "before"), After: f.Get(k + "after")}
		if strings.TrimSpace(ind.Name+ind.Before+ind.After+ind.Unit) == "" {
			continue
		}
		out = append(out, ind)
	}
	return out
}

// renumberEffects maps the app's effects.{n} error fields (n-th non-empty
// row) back to the form's row numbers, so errors show beside their row.
func renumberEffects(f url.Values, errs map[string]string) map[string]string {
	var rows []int
	for i := range effectRows {
		k := "effects." + strconv.Itoa(i) + "."
		if strings.TrimSpace(f.Get(k+"name")+f.Get(k+"before")+f.Get(k+"after")+f.Get(k+"unit")) != "" {
			rows = append(rows, i)
		}
	}
	out := map[string]string{}
	for k, msg := range errs {
		if rest, ok := strings.CutPrefix(k, "effects."); ok {
			if n, field, ok := strings.Cut(rest, "."); ok {
				if i, err := strconv.Atoi(n); err == nil && i < len(rows) {
					k = "effects." + strconv.Itoa(rows[i]) + "." + field
				}
			}
		}
		out[k] = msg
	}
	return out
}

func adoptionInput(f url.Values) app.AdoptionInput {
	id, _ := strconv.ParseInt(f.Get("product_id"), 10, 64)
	return app.AdoptionInput{ProductID: id, EnterpriseUSCC: f.Get("enterprise_uscc"), ContractNo: f.Get("contract_no"),
		ContractDate: f.Get("contract_date"), Scope: f.Get("scope"), Effects: indicatorsFromForm(f)}
}

func (s *Server) adoptionCreate(w http.ResponseWriter, r *http.Request) {
	ad, err := s.App.RecordAdoption(r.Context(), actor(r), adoptionInput(r.PostForm))
	if err != nil {
		s.adoptionFormError(w, r, false, err)
		return
	}
	s.redirect(w, r, "/adoptions/"+strconv.FormatInt(ad.ID, 10), "应用记录已登记并确认")
}

func (s *Server) adoptionFormError(w http.ResponseWriter, r *http.Request, propose bool, err error) {
	if code := dtfund.ErrorCode(err); code != dtfund.EINVALID {
		if propose && code == dtfund.ECONFLICT {
			s.providerPage(w, r, "", nil, err)
			return
		}
		s.renderError(w, r, err)
		return
	}
	v, verr := s.adoptionFormView(r, propose)
	if verr != nil {
		s.renderError(w, r, verr)
		return
	}
	v.Form, v.Errors = r.PostForm, renumberEffects(r.PostForm, formErrors(err))
	s.addChosenProduct(r, v)
	s.render(w, r, "adoption_form", v)
}

func (s *Server) adoptionProposeForm(w http.ResponseWriter, r *http.Request) {
	v, err := s.adoptionFormView(r, true)
	if err != nil {
		s.providerPage(w, r, "", nil, err)
		return
	}
	s.render(w, r, "adoption_form", v)
}

func (s *Server) adoptionPropose(w http.ResponseWriter, r *http.Request) {
	ad, err := s.App.ProposeAdoption(r.Context(), actor(r), adoptionInput(r.PostForm))
	if err != nil {
		s.adoptionFormError(w, r, true, err)
		return
	}
	s.redirect(w, r, "/adoptions/"+strconv.FormatInt(ad.ID, 10), "已提交，待应用企业确认；确认前不计入任何排名")
}

func (s *Server) adoptionDetail(w http.ResponseWriter, r *http.Request) {
	s.renderAdoption(w, r, nil)
}

// renderAdoption shows an adoption with the enterprise's forms; err is a
// refused form's error, shown beside its fields.
func (s *Server) renderAdoption(w http.ResponseWriter, r *http.Request, err error) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	ad, gerr := s.App.Adoption(r.Context(), actor(r), id)
	if gerr != nil {
		s.renderError(w, r, gerr)
		return
	}
	u := state(r).User
	mine := u.Role == dtfund.RoleApplicant && u.OrgID == ad.EnterpriseOrgID
	inds := app.AdoptionIndicators(ad)
	v := s.newView(r, "应用记录 "+ad.ContractNo, map[string]any{"Adoption": ad, "Indicators": inds,
		"CanDecide": mine && ad.State == store.AdoptionProposed, "CanReport": mine && ad.State != store.AdoptionRejected,
		"EffectRows": make([]int, effectRows)})
	if err != nil {
		v.Form, v.Errors = r.PostForm, renumberEffects(r.PostForm, formErrors(err))
		s.renderCode(w, r, "adoption_detail", v, statusFor(dtfund.ErrorCode(err)))
		return
	}
	v.Form = url.Values{}
	for i, ind := range inds {
		k := "effects." + strconv.Itoa(i) + "."
		v.Form.Set(k+"name", ind.Name)
		v.Form.Set(k+"unit", ind.Unit)
		v.Form.Set(k+"before", ind.Before)
		v.Form.Set(k+"after", ind.After)
		setCheck(v.Form, k+"lower_better", ind.LowerBetter)
	}
	s.render(w, r, "adoption_detail", v)
}

// adoptionAct runs an enterprise's action and shows the record again.
func (s *Server) adoptionAct(w http.ResponseWriter, r *http.Request, do func(id int64) error, done string) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	if err := do(id); err != nil {
		if code := dtfund.ErrorCode(err); code == dtfund.ENOTFOUND || code == dtfund.EINTERNAL {
			s.renderError(w, r, err)
			return
		}
		s.renderAdoption(w, r, err)
		return
	}
	s.redirect(w, r, "/adoptions/"+strconv.FormatInt(id, 10), done)
}

func (s *Server) adoptionConfirm(w http.ResponseWriter, r *http.Request) {
	s.adoptionAct(w, r, func(id int64) error {
		_, err := s.App.ConfirmAdoption(r.Context(), actor(r), id, indicatorsFromForm(r.PostForm))
		return err
	}, "已确认该应用记录")
}

func (s *Server) adoptionReject(w http.ResponseWriter, r *http.Request) {
	s.adoptionAct(w, r, func(id int64) error {
		return s.App.RejectAdoption(r.Context(), actor(r), id, r.PostForm.Get("reason"))
	}, "已拒绝该应用记录")
}

func (s *Server) adoptionEffects(w http.ResponseWriter, r *http.Request) {
	s.adoptionAct(w, r, func(id int64) error {
		return s.App.ReportAdoptionEffects(r.Context(), actor(r), id, indicatorsFromForm(r.PostForm))
	}, "应用成效已保存")
}
