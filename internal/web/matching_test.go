package web_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/uscc"
)

// matchingWeb prepares the fixture for 免申即享: both organisations sized
// as small enterprises, a 第七条（二） call, a provider's cloud services
// used by both (inserted with SQL: products belong to another part), and an
// account for the second organisation.
func matchingWeb(t *testing.T, f *fixture) *dtfund.Call {
	t.Helper()
	ctx := context.Background()
	sys := app.SystemActor("test")
	provider := &dtfund.Organization{USCC: uscc.Generate(rand.New(rand.NewPCG(15, 2)), '9', '1', "220172"), Name: "长春云平台有限公司",
		Kind: dtfund.OrgEnterprise, LegalPerson: true, RegionCode: "220172", DistrictCode: "220172", IndustryCode: "6450", IsProvider: true}
	if err := f.app.CreateOrganization(ctx, sys, provider); err != nil {
		t.Fatal(err)
	}
	call := &dtfund.Call{Category: "7.2", Title: "企业上云上平台奖补（免申即享）", OpensAt: time.Now().Add(-time.Hour),
		ClosesAt: time.Now().Add(240 * time.Hour), Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "成效", Weight: 100}}, PassMark: 60}}
	err := f.app.DB.InTx(ctx, func(tx *store.Tx) error {
		for _, o := range []*dtfund.Organization{f.orgA, f.orgB} {
			if err := tx.ReplaceSizeFacts(ctx, o.ID, []dtfund.SizeFact{{Year: 2025, Employees: 80, RevenueFen: 3000 * 1_000_000}}); err != nil {
				return err
			}
		}
		return tx.CreateCall(ctx, call)
	})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Now().Format("2006-01-02")
	for i, stmt := range []string{
		fmt.Sprintf(`INSERT INTO products (provider_org_id, kind, name, created_at, updated_at) VALUES (%d, 'cloud_service', '云MES', '%[2]s', '%[2]s')`, provider.ID, "2026-01-01T00:00:00.000000Z"),
		fmt.Sprintf(`INSERT INTO products (provider_org_id, kind, name, created_at, updated_at) VALUES (%d, 'cloud_service', '设备上云', '%[2]s', '%[2]s')`, provider.ID, "2026-01-01T00:00:00.000000Z"),
		adoptionSQL(f.orgA.ID, provider.ID, "云MES", day, 1),
		adoptionSQL(f.orgA.ID, provider.ID, "设备上云", day, 2),
		adoptionSQL(f.orgB.ID, provider.ID, "云MES", day, 3),
	} {
		if err := f.app.DB.ExecForTest(ctx, stmt); err != nil {
			t.Fatalf("statement %d: %v", i, err)
		}
	}
	u := &dtfund.User{Username: "applicant_b", DisplayName: "乙企业用户", Role: dtfund.RoleApplicant, OrgID: f.orgB.ID}
	if err := f.app.CreateUser(ctx, sys, u, testPassword); err != nil {
		t.Fatal(err)
	}
	return call
}

func adoptionSQL(org, provider int64, product, day string, n int) string {
	return fmt.Sprintf(`INSERT INTO adoptions (product_id, enterprise_org_id, provider_org_id, contract_no, contract_date, state, confirmed_at,
 created_at) SELECT id, %d, %d, 'HT-%d', '%s', 'confirmed', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z'
 FROM products WHERE name = '%s'`, org, provider, n, day, product)
}

var hrefID = regexp.MustCompile(`/matching/(?:runs|policies|proposals)/(\d+)`)

// idFrom returns the ID at the end of a redirect's location.
func idFrom(t *testing.T, resp *http.Response) string {
	t.Helper()
	m := hrefID.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		t.Fatalf("redirect to %q", resp.Header.Get("Location"))
	}
	return m[1]
}

func TestMatchingPages(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		call := matchingWeb(t, f)
		city := f.client()
		city.login("city")
		if _, body := city.get("/home"); !strings.Contains(body, "/matching/policies") {
			t.Error("the city bureau's workbench has no 免申即享 link")
		}
		// A bad policy: field errors beside the fields, values kept, nothing saved.
		token := city.csrf("/matching/policies/new")
		bad := url.Values{"csrf_token": {token}, "name": {"上云奖补"}, "call_id": {itoa(call.ID)}, "period_from": {"2026-13-01"},
			"period_to": {"2030-12-31"}, "min_services": {"x"}, "confirm_days": {"30"}}
		resp, body := city.post("/matching/policies", bad)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "最少云服务数须为整数") || !strings.Contains(body, `value="上云奖补"`) {
			t.Fatalf("bad policy: %d %s", resp.StatusCode, body)
		}
		good := url.Values{"csrf_token": {token}, "name": {"企业上云奖补"}, "call_id": {itoa(call.ID)}, "period_from": {"2024-01-01"},
			"period_to": {"2030-12-31"}, "min_services": {"1"}, "confirm_days": {"30"}, "require_sme": {"on"}, "require_pilot": {"on"}, "active": {"on"}}
		resp, body = city.post("/matching/policies", good)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create policy: %d %s", resp.StatusCode, body)
		}
		policyID := idFrom(t, resp)
		_, body = city.get("/matching/policies/" + policyID)
		if !strings.Contains(body, "每确认使用一项平台云服务计 1 万元") || !strings.Contains(body, "cap.7_2.cloud_per_service_fen") {
			t.Errorf("policy page lacks the amount rule: %s", body)
		}
		resp, body = city.post("/matching/policies/"+policyID+"/run", url.Values{"csrf_token": {city.csrf("/matching/policies/" + policyID)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("run: %d %s", resp.StatusCode, body)
		}
		runID := idFrom(t, resp)
		_, body = city.get("/matching/runs/" + runID)
		for _, want := range []string{f.orgA.Name, f.orgB.Name, "云服务2项×每项1万元=2万元", "符合，新推荐", "第七条（二）"} {
			if !strings.Contains(body, want) {
				t.Errorf("run page lacks %q", want)
			}
		}
		// The enterprise sees its 待办 and the proposal, and confirms it.
		ent := f.client()
		ent.login("applicant")
		if _, body := ent.get("/home"); !strings.Contains(body, "免申即享待确认") {
			t.Error("no 待办 line for the proposal")
		}
		_, body = ent.get("/matching/proposals?state=proposed")
		m := regexp.MustCompile(`href="/matching/proposals/(\d+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the enterprise's list shows no proposal: %s", body)
		}
		pid := m[1]
		resp, body = ent.get("/matching/proposals/" + pid)
		if resp.StatusCode != 200 || !strings.Contains(body, "确认申领") || !strings.Contains(body, "20,000.00") {
			t.Fatalf("proposal page: %d", resp.StatusCode)
		}
		token = ent.csrf("/matching/proposals/" + pid)
		form := url.Values{"csrf_token": {token}, "wish": {"on"}, "account_name": {"别家公司"}, "bank_name": {"中国银行长春分行"},
			"account_no": {"1234 5678 9012 3456"}}
		resp, body = ent.post("/matching/proposals/"+pid+"/confirm", form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "与单位名称") || !strings.Contains(body, `value="中国银行长春分行"`) {
			t.Fatalf("wrong account name: %d %s", resp.StatusCode, body)
		}
		// Another enterprise and another district do not find it.
		other := f.client()
		other.login("applicant_b")
		if resp, _ := other.get("/matching/proposals/" + pid); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another enterprise viewing: %d", resp.StatusCode)
		}
		form.Set("account_name", f.orgB.Name)
		form.Set("csrf_token", other.csrf("/matching/proposals"))
		if resp, _ := other.post("/matching/proposals/"+pid+"/confirm", form); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another enterprise confirming: %d", resp.StatusCode)
		}
		gaoxin := f.client()
		gaoxin.login("district_b")
		if resp, _ := gaoxin.get("/matching/proposals/" + pid); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another district viewing: %d", resp.StatusCode)
		}
		form.Set("account_name", f.orgA.Name)
		form.Set("csrf_token", token)
		resp, body = ent.post("/matching/proposals/"+pid+"/confirm", form)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/apps/") {
			t.Fatalf("confirm: %d %s", resp.StatusCode, body)
		}
		if resp, body := ent.get(resp.Header.Get("Location")); resp.StatusCode != 200 || !strings.Contains(body, "免申即享") {
			t.Fatalf("the application made: %d", resp.StatusCode)
		}
		// The district official sees it, with the account number masked.
		qixian := f.client()
		qixian.login("district_a")
		_, body = qixian.get("/matching/proposals/" + pid)
		if !strings.Contains(body, "************3456") || strings.Contains(body, "1234567890123456") {
			t.Errorf("district's view of the account is not masked")
		}
		// The second enterprise declines its own.
		_, body = other.get("/matching/proposals")
		m = regexp.MustCompile(`href="/matching/proposals/(\d+)"`).FindStringSubmatch(body)
		if m == nil || m[1] == pid {
			t.Fatalf("second enterprise's list: %v", m)
		}
		resp, _ = other.post("/matching/proposals/"+m[1]+"/decline", url.Values{"csrf_token": {other.csrf("/matching/proposals/" + m[1])},
			"reason": {"暂不需要"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("decline: %d", resp.StatusCode)
		}
		if _, body := other.get("/matching/proposals/" + m[1]); !strings.Contains(body, "企业已放弃") || strings.Contains(body, "确认申领</button>") {
			t.Error("declined proposal page")
		}
		ps, _, _ := db.FindProposals(ctx, store.ProposalFilter{})
		states := map[string]int{}
		for _, p := range ps {
			states[p.State]++
		}
		if states[store.ProposalConfirmed] != 1 || states[store.ProposalDeclined] != 1 {
			t.Fatalf("proposal states = %v", states)
		}
		// Running again from the page proposes nothing new.
		resp, _ = city.post("/matching/policies/"+policyID+"/run", url.Values{"csrf_token": {city.csrf("/matching/policies/" + policyID)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("second run: %d", resp.StatusCode)
		}
		if ps, n, _ := db.FindProposals(ctx, store.ProposalFilter{}); n != 2 || len(ps) != 2 {
			t.Fatalf("after a second run: %d proposals", n)
		}
	})
}
