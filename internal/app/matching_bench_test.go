package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

const benchEnterprises = 100_000

// BenchmarkRunMatching100k runs a 免申即享 policy over 100,000 applicant
// enterprises on SQLite (a file in a temp dir, WAL, synchronous=FULL):
// 60% of them with 1–4 confirmed cloud-service adoptions (about 150,000
// rows), one in ten outside the pilot industries, one in thirteen large,
// one in fifty on the abnormal-operation list. Organisations, size figures,
// credit records and adoptions are inserted in bulk with INSERT … SELECT
// over a recursive CTE (seedBench), not through the app.
//
// Each iteration times a first run (every match becomes a proposal with its
// notification; the previous iteration's run is deleted first, untimed) and
// an idempotent second run (nothing new), and a baseline: a plain scan of
// the same organisation and adoption rows through database/sql on the same
// file. Reported: seconds of each and their ratio to the baseline.
//
//	go test ./internal/app -run '^$' -bench RunMatching100k -benchtime 3x
func BenchmarkRunMatching100k(b *testing.B) {
	ctx := context.Background()
	path := testdb.SQLiteURL(b)
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	a := newApp(db)
	t0 := time.Now()
	city, policyID := seedBench(b, a)
	b.Logf("seeded %d enterprises in %v", benchEnterprises, time.Since(t0))
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	var first, again, scan time.Duration
	var run *app.MatchRun
	for b.Loop() {
		b.StopTimer()
		for _, table := range []string{"notifications", "match_results", "match_proposals", "match_runs"} {
			if err := db.ExecForTest(ctx, "DELETE FROM "+table); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		t0 := time.Now()
		if run, err = a.RunMatching(ctx, city, policyID); err != nil {
			b.Fatal(err)
		}
		first += time.Since(t0)
		t0 = time.Now()
		rerun, err := a.RunMatching(ctx, city, policyID)
		if err != nil || rerun.Proposed != 0 {
			b.Fatalf("second run: %+v, %v", rerun, err)
		}
		again += time.Since(t0)
		t0 = time.Now()
		plainScanRows(b, raw)
		scan += time.Since(t0)
	}
	if run.Enterprises != benchEnterprises || run.Proposed < benchEnterprises/3 {
		b.Fatalf("run = %+v", run)
	}
	n := float64(b.N)
	b.ReportMetric(first.Seconds()/n, "s/first-run")
	b.ReportMetric(again.Seconds()/n, "s/second-run")
	b.ReportMetric(scan.Seconds()/n, "s/plain-scan")
	b.ReportMetric(float64(first)/float64(scan), "first/scan")
	b.ReportMetric(float64(again)/float64(scan), "second/scan")
	b.ReportMetric(float64(run.Proposed), "proposals")
	b.ReportMetric(float64(run.Candidates), "candidates")
}

// plainScanRows reads every organisation and adoption row: the baseline.
func plainScanRows(b *testing.B, raw *sql.DB) {
	for _, q := range []string{
		`SELECT id, name, uscc, kind, legal_person, region_code, COALESCE(district_code, ''), industry_code FROM organizations`,
		`SELECT enterprise_org_id, product_id, provider_org_id, contract_date, state FROM adoptions`,
	} {
		rows, err := raw.Query(q)
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
		}
		rows.Close()
	}
}

// seedBench creates the city bureau, a provider with four cloud services, a
// 第七条（二） call and a policy, and inserts the enterprises in bulk.
func seedBench(b *testing.B, a *app.App) (app.Actor, int64) {
	ctx := context.Background()
	sys := app.SystemActor("bench")
	u := &dtfund.User{Username: "city", DisplayName: "市工信", Role: dtfund.RoleCityMIIT}
	if err := a.CreateUser(ctx, sys, u, "Passw0rdLong"); err != nil {
		b.Fatal(err)
	}
	city := app.Actor{User: u}
	provider := &dtfund.Organization{USCC: "91220172MA0000001X", Name: "基准平台服务商", Kind: dtfund.OrgEnterprise, LegalPerson: true,
		RegionCode: "220172", DistrictCode: "220172", IndustryCode: "6450", IsProvider: true}
	call := &dtfund.Call{Category: "7.2", Title: "基准上云奖补", OpensAt: a.Now().Add(-time.Hour), ClosesAt: a.Now().Add(time.Hour),
		Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "成效", Weight: 100}}, PassMark: 60}}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateOrganization(ctx, provider); err != nil {
			return err
		}
		return tx.CreateCall(ctx, call)
	})
	if err != nil {
		b.Fatal(err)
	}
	ts := "'2026-01-01T00:00:00.000000Z'"
	for _, stmt := range []string{
		`INSERT INTO organizations (uscc, name, kind, legal_person, region_code, district_code, industry_code, is_applicant, is_provider,
 created_at, updated_at) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ` + fmt.Sprint(benchEnterprises) + `)
 SELECT printf('9122017400%08d', i), '基准企业' || i, 'enterprise', 1, '220174', '220174',
 CASE WHEN i % 10 = 0 THEN '1351' ELSE '3670' END, 1, 0, ` + ts + `, ` + ts + ` FROM n`,
		`INSERT INTO org_size_facts (org_id, year, employees, revenue_fen, assets_fen) SELECT id, 2025,
 CASE WHEN id % 13 = 0 THEN 2000 ELSE 80 + id % 200 END, CASE WHEN id % 13 = 0 THEN 90000000000 ELSE 3000000000 END, 0
 FROM organizations WHERE name LIKE '基准企业%'`,
		`INSERT INTO credit_records (org_id, kind, start_date, end_date, note, source, created_at)
 SELECT id, 'abnormal_operation', '2026-01-10', '', '', '基准', ` + ts + ` FROM organizations WHERE name LIKE '基准企业%' AND id % 50 = 0`,
	} {
		if err := a.DB.ExecForTest(ctx, stmt); err != nil {
			b.Fatalf("%v\n%s", err, stmt)
		}
	}
	var products []string
	for k := 1; k <= 4; k++ {
		products = append(products, fmt.Sprintf(`(%d, 'cloud_service', '基准云服务%d', %s, %s)`, provider.ID, k, ts, ts))
	}
	for _, stmt := range []string{
		`INSERT INTO products (provider_org_id, kind, name, created_at, updated_at) VALUES ` + strings.Join(products, ", "),
		`INSERT INTO adoptions (product_id, enterprise_org_id, provider_org_id, contract_no, contract_date, state, created_at, confirmed_at)
 SELECT p.id, o.id, p.provider_org_id, 'B-' || o.id || '-' || p.id, '2026-03-01', 'confirmed', ` + ts + `, ` + ts + `
 FROM organizations o JOIN products p ON p.kind = 'cloud_service' AND CAST(substr(p.name, 6) AS INTEGER) <= o.id % 4 + 1
 WHERE o.name LIKE '基准企业%' AND o.id % 10 < 6`,
	} {
		if err := a.DB.ExecForTest(ctx, stmt); err != nil {
			b.Fatalf("%v\n%s", err, stmt)
		}
	}
	p, err := a.CreateMatchPolicy(ctx, city, app.MatchPolicyInput{Name: "基准上云奖补", CallID: call.ID, PeriodFrom: "2026-01-01",
		PeriodTo: "2026-12-31", MinServices: 1, RequireSME: true, RequirePilot: true, ConfirmDays: 30, Active: true})
	if err != nil {
		b.Fatal(err)
	}
	return city, p.ID
}
