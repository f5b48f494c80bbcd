package app_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
	"dtfund/uscc"
)

// provFixture adds to the process fixture (enterprise 甲公司 in 汽开区 with
// its user f.applicant) two service providers — 云智 registered in Beijing,
// 启航 in 高新区 — and a second enterprise 乙公司 in 高新区, each with a user.
type provFixture struct {
	*processFixture
	prov1, prov2, ent2Org *dtfund.Organization
	p1, p2, ent2          app.Actor
}

func newProvFixture(t *testing.T, db *store.DB) *provFixture {
	t.Helper()
	ctx := context.Background()
	f := &provFixture{processFixture: newProcessFixture(t, db)}
	f.setClock(atShanghai(t, "2026-09-29 10:00"))
	sys := app.SystemActor("test")
	r := rand.New(rand.NewPCG(21, 22))
	org := func(name, region, district, industry string, provider bool) *dtfund.Organization {
		o := &dtfund.Organization{USCC: uscc.Generate(r, '9', '1', region), Name: name, Kind: dtfund.OrgEnterprise, LegalPerson: true,
			RegionCode: region, DistrictCode: district, IndustryCode: industry, IsApplicant: !provider, IsProvider: provider}
		if err := f.a.CreateOrganization(ctx, sys, o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	user := func(name string, o *dtfund.Organization) app.Actor {
		u := &dtfund.User{Username: name, DisplayName: name, Role: dtfund.RoleApplicant, OrgID: o.ID}
		if err := f.a.CreateUser(ctx, sys, u, "Passw0rdLong"); err != nil {
			t.Fatal(err)
		}
		return app.Actor{User: u}
	}
	f.prov1 = org("北京云智工业软件有限公司", "110108", "", "6513", true)
	f.prov2 = org("长春启航数字科技有限公司", "220173", "220173", "6513", true)
	f.ent2Org = org("乙电子有限公司", "220173", "220173", "3982", false)
	f.p1, f.p2, f.ent2 = user("yunzhi", f.prov1), user("qihang", f.prov2), user("yiqiye", f.ent2Org)
	return f
}

func (f *provFixture) product(t *testing.T, who app.Actor, name string, props ...string) *store.Product {
	t.Helper()
	p, err := f.a.CreateProduct(context.Background(), who, app.ProductInput{Kind: store.KindSolution, Name: name,
		Scenarios: []string{"设备管理"}, Properties: props, PriceFen: 1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *provFixture) adopt(t *testing.T, who app.Actor, productID int64, contract, date string, effects ...policy.EffectIndicator) *store.Adoption {
	t.Helper()
	ad, err := f.a.RecordAdoption(context.Background(), who, app.AdoptionInput{ProductID: productID, ContractNo: contract,
		ContractDate: date, Effects: effects})
	if err != nil {
		t.Fatal(err)
	}
	return ad
}

func countAdoptions(t *testing.T, db *store.DB) int {
	t.Helper()
	_, n, err := db.FindAdoptions(context.Background(), store.AdoptionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestProductsOfProviders(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProvFixture(t, db)
		// An enterprise that is no provider keeps no products.
		if _, err := f.a.CreateProduct(ctx, f.applicant, app.ProductInput{Kind: store.KindProduct, Name: "x", Scenarios: []string{"a"}}); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("non-provider creating a product: %v", err)
		}
		// Bad input names every field and stores nothing.
		_, err := f.a.CreateProduct(ctx, f.p1, app.ProductInput{Kind: "gadget", Properties: []string{"cheap"}, PriceFen: -1})
		var v dtfund.ValidationErrors
		if !errors.As(err, &v) {
			t.Fatalf("bad product: %v", err)
		}
		for _, k := range []string{"kind", "name", "scenarios", "properties", "price"} {
			if v.ByField()[k] == "" {
				t.Errorf("no error for %s: %v", k, err)
			}
		}
		p := f.product(t, f.p1, "云MES", "precise", "small")
		// A resent form adds no second offered product of the name.
		_, err = f.a.CreateProduct(ctx, f.p1, app.ProductInput{Kind: store.KindSolution, Name: "云MES", Scenarios: []string{"a"}})
		if dtfund.ErrorCode(err) != dtfund.EINVALID || !strings.Contains(err.Error(), "名称不能重复") {
			t.Fatalf("second product of the name: %v", err)
		}
		if p.Properties[0] != "small" || len(p.Properties) != 2 {
			t.Fatalf("properties %v, want canonical order small, precise", p.Properties)
		}
		// Another provider neither sees nor changes it.
		if _, err := f.a.UpdateProduct(ctx, f.p2, p.ID, app.ProductInput{Kind: store.KindProduct, Name: "改名", Scenarios: []string{"a"}}); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("other provider updating: %v", err)
		}
		if err := f.a.WithdrawProduct(ctx, f.p2, p.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("other provider withdrawing: %v", err)
		}
		up, err := f.a.UpdateProduct(ctx, f.p1, p.ID, app.ProductInput{Kind: store.KindCloudService, Name: "云MES 2.0",
			Scenarios: app.SplitScenarios("生产排程、质量追溯\n设备管理"), Properties: []string{"fast"}, PriceFen: 2_500_000})
		if err != nil || up.Name != "云MES 2.0" || len(up.Scenarios) != 3 || up.Kind != store.KindCloudService {
			t.Fatalf("update: %+v, %v", up, err)
		}
		list, total, err := f.a.Catalogue(ctx, store.ProductFilter{Property: "fast", Scenario: "质量"})
		if err != nil || total != 1 || list[0].ID != p.ID || list[0].ProviderName != f.prov1.Name {
			t.Fatalf("catalogue: %d, %v", total, err)
		}
		if err := f.a.WithdrawProduct(ctx, f.p1, p.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.a.WithdrawProduct(ctx, f.p1, p.ID); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("second withdrawal: %v", err)
		}
		if _, total, _ := f.a.Catalogue(ctx, store.ProductFilter{}); total != 0 {
			t.Fatalf("withdrawn product still in the catalogue")
		}
		if _, _, err := f.a.CatalogueProduct(ctx, p.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("withdrawn product's public page: %v", err)
		}
		mine, total, _, err := f.a.MyProducts(ctx, f.p1, store.Page{})
		if err != nil || total != 1 || mine[0].State != store.ProductWithdrawn {
			t.Fatalf("my products: %+v, %v", mine, err)
		}
		if audits, _ := db.FindAudit(ctx, store.AuditFilter{ObjectType: "product"}); len(audits) != 3 {
			t.Fatalf("audit rows = %d, want create, update, withdraw", len(audits))
		}
		// The profile: a service scope is required.
		if _, err := f.a.SaveProviderProfile(ctx, f.p1, app.ProviderProfileInput{Website: "ftp://x"}); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("bad profile: %v", err)
		}
		if _, err := f.a.SaveProviderProfile(ctx, f.p1, app.ProviderProfileInput{ServiceScope: "MES 实施", Website: "https://yunzhi.example.com"}); err != nil {
			t.Fatal(err)
		}
		if _, prof, err := f.a.ProviderProfile(ctx, f.p1); err != nil || prof.ServiceScope != "MES 实施" {
			t.Fatalf("profile: %+v, %v", prof, err)
		}
	})
}

// The enterprise's own record is confirmed at once; a provider's stays
// proposed until that enterprise — and no one else — confirms or rejects it.
func TestAdoptionConfirmedOnlyByTheEnterprise(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProvFixture(t, db)
		p := f.product(t, f.p1, "云MES", "small")
		own := f.adopt(t, f.applicant, p.ID, "HT-1", "2026-03-01", policy.EffectIndicator{Name: "设备综合效率", Unit: "%", Before: "60", After: "72"})
		if own.State != store.AdoptionConfirmed || own.ConfirmedBy != f.applicant.User.ID || own.ConfirmedAt.IsZero() ||
			own.RecordedBy != store.RecordedByEnterprise || own.ProviderOrgID != f.prov1.ID {
			t.Fatalf("enterprise's record = %+v", own)
		}
		proposal := app.AdoptionInput{ProductID: p.ID, EnterpriseUSCC: f.ent2Org.USCC, ContractNo: "HT-2", ContractDate: "2026-04-01"}
		ad, err := f.a.ProposeAdoption(ctx, f.p1, proposal)
		if err != nil || ad.State != store.AdoptionProposed || !ad.ConfirmedAt.IsZero() {
			t.Fatalf("provider's proposal = %+v, %v", ad, err)
		}
		if n, _ := f.a.AwaitingConfirmation(ctx, f.ent2); n != 1 {
			t.Fatalf("awaiting confirmation = %d, want 1", n)
		}
		// A provider cannot report effects for the enterprise, nor confirm.
		proposal.Effects, proposal.ContractNo = []policy.EffectIndicator{{Name: "x", Before: "1", After: "2"}}, "HT-3"
		if _, err := f.a.ProposeAdoption(ctx, f.p1, proposal); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("provider reporting effects: %v", err)
		}
		if _, err := f.a.ConfirmAdoption(ctx, f.p1, ad.ID, nil); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("provider confirming its own proposal: %v", err)
		}
		if _, err := f.a.ConfirmAdoption(ctx, f.applicant, ad.ID, nil); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another enterprise confirming: %v", err)
		}
		if _, err := f.a.ConfirmAdoption(ctx, f.city, ad.ID, nil); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("an official confirming: %v", err)
		}
		if got, _ := db.Adoption(ctx, ad.ID, store.AdoptionFilter{}); got.State != store.AdoptionProposed {
			t.Fatalf("refused confirmations changed the state to %s", got.State)
		}
		got, err := f.a.ConfirmAdoption(ctx, f.ent2, ad.ID, []policy.EffectIndicator{{Name: "不良品率", Unit: "%", LowerBetter: true, Before: "2", After: "1.5"}})
		if err != nil || got.State != store.AdoptionConfirmed {
			t.Fatalf("confirmation: %+v, %v", got, err)
		}
		stored, _ := db.Adoption(ctx, ad.ID, store.AdoptionFilter{})
		if stored.ConfirmedBy != f.ent2.User.ID || len(app.AdoptionIndicators(stored)) != 1 {
			t.Fatalf("stored confirmation = %+v", stored)
		}
		// A resent confirmation changes nothing; a confirmed record cannot be rejected.
		if again, err := f.a.ConfirmAdoption(ctx, f.ent2, ad.ID, nil); err != nil || again.State != store.AdoptionConfirmed {
			t.Fatalf("second confirmation: %v", err)
		}
		if audits, _ := db.FindAudit(ctx, store.AuditFilter{Action: "adoption.confirm"}); len(audits) != 1 {
			t.Fatalf("%d confirmation audit rows, want 1", len(audits))
		}
		if err := f.a.RejectAdoption(ctx, f.ent2, ad.ID, "反悔"); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("rejecting a confirmed record: %v", err)
		}
		// Rejection needs a reason and is final.
		proposal.Effects, proposal.ContractNo = nil, "HT-4"
		rej, err := f.a.ProposeAdoption(ctx, f.p1, proposal)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.a.RejectAdoption(ctx, f.ent2, rej.ID, " "); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("rejection without reason: %v", err)
		}
		if err := f.a.RejectAdoption(ctx, f.ent2, rej.ID, "未签订该合同"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.ConfirmAdoption(ctx, f.ent2, rej.ID, nil); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("confirming a rejected record: %v", err)
		}
		if n, _ := f.a.AwaitingConfirmation(ctx, f.ent2); n != 0 {
			t.Fatalf("awaiting confirmation = %d, want 0", n)
		}
		// Scope: the 高新区 official sees 乙's records, not 甲's; each side sees its own.
		if _, n, _ := f.a.FindAdoptions(ctx, f.other, store.AdoptionFilter{}); n != 2 {
			t.Fatalf("高新区 official sees %d records, want 2", n)
		}
		if _, err := f.a.Adoption(ctx, f.other, own.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("高新区 official reading 汽开区's record: %v", err)
		}
		if _, n, _ := f.a.FindAdoptions(ctx, f.p1, store.AdoptionFilter{}); n != 3 {
			t.Fatalf("provider sees %d records, want 3", n)
		}
		if _, err := f.a.Adoption(ctx, f.p2, own.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another provider reading the record: %v", err)
		}
	})
}

// Related parties: a provider's own use of its product is no adoption, by
// whichever route it is entered; bad input changes nothing.
func TestAdoptionRefusals(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProvFixture(t, db)
		p := f.product(t, f.p1, "云MES", "small")
		_, err := f.a.RecordAdoption(ctx, f.p1, app.AdoptionInput{ProductID: p.ID, ContractNo: "ZY-1", ContractDate: "2026-03-01"})
		var de *dtfund.Error
		if !errors.As(err, &de) || de.Field != "product_id" || !strings.Contains(de.Message, "第二十条") {
			t.Fatalf("self-adoption recorded as enterprise: %v", err)
		}
		_, err = f.a.ProposeAdoption(ctx, f.p1, app.AdoptionInput{ProductID: p.ID, EnterpriseUSCC: f.prov1.USCC, ContractNo: "ZY-2",
			ContractDate: "2026-03-01"})
		if !errors.As(err, &de) || de.Field != "enterprise_uscc" || !strings.Contains(de.Message, "同一单位") {
			t.Fatalf("self-adoption proposed by the provider: %v", err)
		}
		// A provider proposes only for its own products.
		q := f.product(t, f.p2, "设备点检", "fast")
		if _, err := f.a.ProposeAdoption(ctx, f.p1, app.AdoptionInput{ProductID: q.ID, EnterpriseUSCC: f.org.USCC, ContractNo: "X",
			ContractDate: "2026-03-01"}); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("proposing another provider's product: %v", err)
		}
		// Future dates, bad indicators, duplicates and withdrawn products.
		_, err = f.a.RecordAdoption(ctx, f.applicant, app.AdoptionInput{ProductID: p.ID, ContractNo: "HT-9", ContractDate: "2026-10-01",
			Effects: []policy.EffectIndicator{{Name: "", Before: "abc", After: "1"}}})
		var v dtfund.ValidationErrors
		if !errors.As(err, &v) || v.ByField()["contract_date"] == "" || v.ByField()["effects.0.name"] == "" || v.ByField()["effects.0.before"] == "" {
			t.Fatalf("bad adoption: %v", err)
		}
		f.adopt(t, f.applicant, p.ID, "HT-1", "2026-03-01")
		_, err = f.a.RecordAdoption(ctx, f.applicant, app.AdoptionInput{ProductID: p.ID, ContractNo: "HT-1", ContractDate: "2026-03-02"})
		if !errors.As(err, &de) || de.Field != "contract_no" {
			t.Fatalf("duplicate contract: %v", err)
		}
		if err := f.a.WithdrawProduct(ctx, f.p1, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.RecordAdoption(ctx, f.applicant, app.AdoptionInput{ProductID: p.ID, ContractNo: "HT-2", ContractDate: "2026-03-02"}); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("adopting a withdrawn product: %v", err)
		}
		if n := countAdoptions(t, db); n != 1 {
			t.Fatalf("%d adoption records, want only the valid one", n)
		}
		// The database refuses a self-adoption even past the application layer.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateAdoption(ctx, &store.Adoption{ProductID: q.ID, EnterpriseOrgID: f.prov2.ID, ProviderOrgID: f.prov2.ID,
				ContractNo: "DB", ContractDate: "2026-01-01", State: store.AdoptionProposed, RecordedBy: store.RecordedByProvider})
		})
		if err == nil {
			t.Fatal("the CHECK constraint let a self-adoption in")
		}
	})
}

func TestChainMembers(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProvFixture(t, db)
		chainCall := &dtfund.Call{Category: "7.5", Title: "链式", OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour),
			Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCall(ctx, chainCall) }); err != nil {
			t.Fatal(err)
		}
		ap := &dtfund.Application{CallID: chainCall.ID, OrgID: f.org.ID, DistrictCode: f.org.DistrictCode, State: dtfund.StateDraft, Title: "链式"}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateApplication(ctx, ap) }); err != nil {
			t.Fatal(err)
		}
		_, err := f.a.SetChainMembers(ctx, f.applicant, ap.ID, []app.ChainMemberInput{{USCC: f.org.USCC}, {USCC: "91110000600037341N"},
			{USCC: f.ent2Org.USCC}, {USCC: f.ent2Org.USCC}, {Relation: "供应商"}})
		var v dtfund.ValidationErrors
		if !errors.As(err, &v) {
			t.Fatalf("bad members: %v", err)
		}
		m := v.ByField()
		if !strings.Contains(m["members.0.uscc"], "本身") || m["members.1.uscc"] == "" || !strings.Contains(m["members.3.uscc"], "同一家") ||
			m["members.4.uscc"] == "" || m["members.2.uscc"] != "" {
			t.Fatalf("field errors = %v", m)
		}
		got, err := f.a.SetChainMembers(ctx, f.applicant, ap.ID, []app.ChainMemberInput{{USCC: f.ent2Org.USCC, Relation: "一级供应商"}, {}})
		if err != nil || len(got) != 1 {
			t.Fatalf("members: %+v, %v", got, err)
		}
		if ms, err := f.a.ChainMembers(ctx, f.applicant, ap.ID); err != nil || len(ms) != 1 || ms[0].Name != f.ent2Org.Name || ms[0].Relation != "一级供应商" {
			t.Fatalf("stored members: %+v, %v", ms, err)
		}
		if _, err := f.a.SetChainMembers(ctx, f.ent2, ap.ID, nil); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another enterprise editing: %v", err)
		}
		// Not for other categories.
		other := f.draft(t)
		if _, err := f.a.SetChainMembers(ctx, f.applicant, other.ID, nil); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("members on a 7.1 application: %v", err)
		}
	})
}
