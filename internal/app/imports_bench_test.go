package app_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/testdb"
	"dtfund/uscc"
)

// benchOrgWorkbook writes n organisations, one row each with a year's
// figures, in the organisations import's columns, as Excel would hold them
// (amounts as numbers, codes as text).
func benchOrgWorkbook(tb testing.TB, n int) []byte {
	tb.Helper()
	districts := []string{"220102", "220103", "220104", "220105", "220106", "220112", "220113", "220122", "220182", "220183",
		"220184", "220171", "220172", "220173", "220174"}
	r := rand.New(rand.NewPCG(42, 10_000))
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	if err := sw.SetRow("A1", orgHeader); err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < n; i++ {
		d := districts[i%len(districts)]
		row := []any{uscc.Generate(r, '9', '1', d), fmt.Sprintf("长春第%05d号数字化制造有限公司", i), "企业", "是", d, d, "3670", "申报企业",
			"长春市某路" + fmt.Sprint(i) + "号", "联系人", "0431-8888" + fmt.Sprintf("%04d", i%10000), 2025, 10 + r.IntN(900),
			float64(r.IntN(400_000_000_00)) / 100, float64(r.IntN(200_000_000_00)) / 100}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImportOrganizations validates and imports 10,000 organisation
// rows into an empty SQLite database (one transaction: 10,000 organisations,
// their size facts and 10,000 audit records), against a baseline read in
// the same run: excelize opening the same workbook and reading every row.
//
//	go test ./internal/app -run '^$' -bench BenchmarkImportOrganizations -benchtime 3x
//
// With DTFUND_BENCH_POSTGRES=1 (and DTFUND_TEST_POSTGRES_URL) it runs on
// PostgreSQL instead.
func BenchmarkImportOrganizations(b *testing.B) {
	ctx := context.Background()
	newDB := testdb.SQLite
	if os.Getenv("DTFUND_BENCH_POSTGRES") == "1" {
		newDB = testdb.Postgres
	}
	data := benchOrgWorkbook(b, 10_000)
	var base, check, imp time.Duration
	for i := 0; i < b.N; i++ {
		a := newApp(newDB(b))
		city := &dtfund.User{Username: "city", DisplayName: "市工信", Role: dtfund.RoleCityMIIT}
		if err := a.CreateUser(ctx, app.SystemActor("bench"), city, "Passw0rdLong"); err != nil {
			b.Fatal(err)
		}
		actor := app.Actor{User: city}
		b.ResetTimer()
		t0 := time.Now()
		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if rows, err := x.GetRows("Sheet1"); err != nil || len(rows) != 10_001 {
			b.Fatalf("baseline read: %d rows, %v", len(rows), err)
		}
		x.Close()
		base += time.Since(t0)

		t0 = time.Now()
		res, err := a.CheckImport(ctx, actor, "organizations", data, app.ImportOptions{})
		if err != nil || !res.OK() {
			b.Fatalf("check: %v %v", err, res.Problems[:min(3, len(res.Problems))])
		}
		check += time.Since(t0)

		t0 = time.Now()
		res, err = a.ImportNow(ctx, actor, "organizations", "bench.xlsx", data, app.ImportOptions{}, false)
		if err != nil || res.Counts.Inserted != 10_000 {
			b.Fatalf("import: %v %+v", err, res)
		}
		imp += time.Since(t0)
		b.StopTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(base.Milliseconds())/n, "baseline-ms")
	b.ReportMetric(float64(check.Milliseconds())/n, "check-ms")
	b.ReportMetric(float64(imp.Milliseconds())/n, "import-ms")
	b.ReportMetric(float64(imp)/float64(base), "import/baseline")
}
