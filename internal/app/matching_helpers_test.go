package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/uscc"
)

// matchFixture is a process fixture on 2026-09-29 10:00 (Shanghai) with a
// 第七条（二） call, a platform provider with cloud services, and the
// fixture's enterprise (甲公司, a medium auto-parts maker in 汽开区) ready to
// be matched. Products and adoptions are inserted with SQL (the providers'
// part owns their store code).
type matchFixture struct {
	*processFixture
	db       *store.DB
	call72   *dtfund.Call
	provider *dtfund.Organization
	rnd      *rand.Rand
	seq      int
}

func newMatchFixture(t *testing.T, db *store.DB) *matchFixture {
	t.Helper()
	ctx := context.Background()
	m := &matchFixture{processFixture: newProcessFixture(t, db), db: db, rnd: rand.New(rand.NewPCG(15, 15))}
	m.setClock(atShanghai(t, "2026-09-29 10:00"))
	m.eligible(t)
	m.a.FilesDir = t.TempDir()
	m.provider = m.org2(t, "长春云平台运营有限公司", "220172", "6450", 80, 4000)
	now := m.a.Now()
	m.call72 = &dtfund.Call{Category: "7.2", Title: "2026年企业上云上平台奖补（免申即享）", OpensAt: now.Add(-time.Hour),
		ClosesAt: now.Add(24 * time.Hour), Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "成效", Weight: 100}}, PassMark: 60}}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCall(ctx, m.call72) }); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"云MES", "设备上云", "云PLM", "云财务"} {
		m.product(t, name, "cloud_service")
	}
	m.product(t, "本地部署MES", "product")
	return m
}

// org2 creates an enterprise with one year of size figures (revenue in 万元).
func (m *matchFixture) org2(t *testing.T, name, district, industry string, employees, revenueWan int64) *dtfund.Organization {
	t.Helper()
	o := &dtfund.Organization{USCC: uscc.Generate(m.rnd, '9', '1', district), Name: name, Kind: dtfund.OrgEnterprise,
		LegalPerson: true, RegionCode: district, DistrictCode: district, IndustryCode: industry, IsApplicant: true, IsProvider: industry == "6450",
		SizeFacts: []dtfund.SizeFact{{Year: 2025, Employees: employees, RevenueFen: revenueWan * 1_000_000}}}
	if strings.HasPrefix(district, "11") { // registered in Beijing
		o.DistrictCode = ""
	}
	if err := m.a.CreateOrganization(context.Background(), app.SystemActor("test"), o); err != nil {
		t.Fatal(err)
	}
	return o
}

// user creates an applicant account of the organisation.
func (m *matchFixture) user(t *testing.T, org *dtfund.Organization) app.Actor {
	t.Helper()
	m.seq++
	u := &dtfund.User{Username: fmt.Sprintf("ent%d", m.seq), DisplayName: org.Name + "经办人", Role: dtfund.RoleApplicant, OrgID: org.ID}
	if err := m.a.CreateUser(context.Background(), app.SystemActor("test"), u, "Passw0rdLong"); err != nil {
		t.Fatal(err)
	}
	return app.Actor{User: u}
}

func (m *matchFixture) exec(t *testing.T, format string, args ...any) {
	t.Helper()
	if err := m.db.ExecForTest(context.Background(), fmt.Sprintf(format, args...)); err != nil {
		t.Fatal(err)
	}
}

// product inserts a product of the provider, named uniquely.
func (m *matchFixture) product(t *testing.T, name, kind string) {
	m.exec(t, `INSERT INTO products (provider_org_id, kind, name, created_at, updated_at)
 VALUES (%d, '%s', '%s', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')`, m.provider.ID, kind, name)
}

// adopt records that org uses the named product from date, confirmed by
// the enterprise unless state says otherwise.
func (m *matchFixture) adopt(t *testing.T, org *dtfund.Organization, product, date, state string) {
	m.seq++
	// The state's own time is set as the adoptions table requires.
	m.exec(t, `INSERT INTO adoptions (product_id, enterprise_org_id, provider_org_id, contract_no, contract_date, state, created_at,
 confirmed_at, rejected_at)
 SELECT id, %d, %d, 'HT-%d', '%s', '%s', '2026-01-01T00:00:00.000000Z',
 CASE WHEN '%[5]s' = 'confirmed' THEN '2026-01-01T00:00:00.000000Z' END, CASE WHEN '%[5]s' = 'rejected' THEN '2026-01-01T00:00:00.000000Z' END
 FROM products WHERE name = '%s'`,
		org.ID, m.provider.ID, m.seq, date, state, product)
}

// cloudPolicy creates an active policy over 2026-01-01…2026-09-30 needing one
// cloud service, an SME and a pilot industry, with days to confirm.
func (m *matchFixture) cloudPolicy(t *testing.T, days int) *store.MatchPolicy {
	t.Helper()
	p, err := m.a.CreateMatchPolicy(context.Background(), m.city, app.MatchPolicyInput{Name: "2026年企业上云奖补", CallID: m.call72.ID,
		PeriodFrom: "2026-01-01", PeriodTo: "2026-09-30", MinServices: 1, RequireSME: true, RequirePilot: true, ConfirmDays: days, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// run runs the policy as the city bureau.
func (m *matchFixture) run(t *testing.T, p *store.MatchPolicy) *app.MatchRun {
	t.Helper()
	r, err := m.a.RunMatching(context.Background(), m.city, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// proposalOf returns the single proposal of the organisation.
func (m *matchFixture) proposalOf(t *testing.T, org *dtfund.Organization) *store.MatchProposal {
	t.Helper()
	ps, n, err := m.db.FindProposals(context.Background(), store.ProposalFilter{OrgID: org.ID})
	if err != nil || n != 1 {
		t.Fatalf("proposals of %s: %d, %v; want 1", org.Name, n, err)
	}
	return ps[0]
}

// goodAccount is a valid confirmation of the fixture's enterprise.
func (m *matchFixture) goodAccount(id int64) app.ProposalConfirmation {
	return app.ProposalConfirmation{ProposalID: id, Wish: true, AccountName: m.org.Name, BankName: "中国工商银行长春汽车厂支行",
		AccountNo: "4200 2243 0920 0012 345"}
}
