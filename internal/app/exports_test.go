package app_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/xuri/excelize/v2"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// sheetRows opens an export and returns a sheet's rows as shown (formatted)
// and the raw value of one cell, checking the header is frozen.
func sheetRows(t *testing.T, e *app.Export, err error, name string) [][]string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(e.Data))
	if err != nil {
		t.Fatalf("%s is not a workbook: %v", e.Name, err)
	}
	defer x.Close()
	rows, err := x.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := x.GetPanes(name); !p.Freeze || p.YSplit != 1 {
		t.Fatalf("%s: header row not frozen", e.Name)
	}
	return rows
}

func rawCell(t *testing.T, e *app.Export, sheetName, cell string) string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(e.Data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	v, _ := x.GetCellValue(sheetName, cell, excelize.Options{RawCellValue: true})
	return v
}

func TestExportPanelSummaryAndLetters(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db)
		call := f.newCall(t, nil)
		p, ap, ex := f.panelOf(t, call, 3)
		for i, e := range ex {
			if err := f.a.DeclareConflict(ctx, e, p.ID, ap.ID, false, ""); err != nil {
				t.Fatal(err)
			}
			if err := f.a.SaveScores(ctx, e, p.ID, ap.ID, score([]int{60 + 10*i, 70}, 90000, 40000)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.a.Finalise(ctx, f.city, p.ID, ap.ID, ""); err != nil {
			t.Fatal(err)
		}
		e, err := f.a.ExportPanel(ctx, f.city, p.ID)
		rows := sheetRows(t, e, err, "评审汇总")
		// Weighted totals 66, 70, 74 (40% 方案 + 60% 效果), mean 70.00.
		byExpert := map[string]string{}
		for i := 3; i < 6; i++ {
			byExpert[rows[0][i]] = rows[1][i]
		}
		if len(rows) != 2 || rows[1][0] != ap.Number || byExpert["专家ex0（加权得分）"] != "66.00" || byExpert["专家ex2（加权得分）"] != "74.00" ||
			rows[1][6] != "70.00" || rows[1][8] != "通过" || rows[1][9] != "3" || rows[1][10] != "1,300.00" {
			t.Fatalf("评审汇总 = %q", rows)
		}
		if v := rawCell(t, e, "评审汇总", "K2"); v != "1300" {
			t.Fatalf("核定投入 stored as %q, want the number 1300", v)
		}
		if detail := sheetRows(t, e, nil, "评分明细"); len(detail) != 7 || detail[1][2] != "技术方案" {
			t.Fatalf("评分明细 = %q", detail)
		}
		if _, err := f.a.ExportPanel(ctx, f.district, p.ID); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("district official exporting a panel: %v", err)
		}

		rec := f.recommended(t, f.call)
		l, err := f.a.CreateLetter(ctx, f.district, f.call.ID)
		if err != nil {
			t.Fatal(err)
		}
		e, err = f.a.ExportLetters(ctx, f.district, store.LetterFilter{})
		rows = sheetRows(t, e, err, "推荐函")
		if len(rows) != 3 || rows[1][0] != l.Number || rows[1][5] != rec.Number || rows[1][8] != "75,000.00" || rows[2][7] != "合计" {
			t.Fatalf("推荐函 = %q", rows)
		}
		e, err = f.a.ExportLetters(ctx, f.other, store.LetterFilter{})
		if rows = sheetRows(t, e, err, "推荐函"); len(rows) != 2 { // the header and an empty total
			t.Fatalf("another district's letters export = %q", rows)
		}
	})
}

func TestExportPublicityLists(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := f.batch(t, "2026-09-30")
		f.publish(t, b, ap)
		e, err := f.a.ExportPublicity(ctx, f.city, b.ID)
		rows := sheetRows(t, e, err, "公示名单")
		if len(rows) != 3 || rows[1][1] != ap.Number || rows[1][5] != "150,000.00" || rows[1][6] != "2026-09-30" || rows[1][7] != "2026-10-12" {
			t.Fatalf("公示名单 = %q", rows)
		}
		if v := rawCell(t, e, "公示名单", "G2"); v != "46295" { // a date cell: Excel's serial of 2026-09-30
			t.Fatalf("公示开始 stored as %q", v)
		}
		f.setClock(atShanghai(t, "2026-09-30 10:00")) // the public sees the list from its first day
		e, err = f.a.ExportPublicPublicity(ctx, b.ID)
		rows = sheetRows(t, e, err, "公示名单")
		if len(rows) != 2 || len(rows[0]) != 7 || rows[1][1] != f.org.Name {
			t.Fatalf("public list = %q", rows)
		}
		if _, err := f.a.ExportPublicity(ctx, f.finance, b.ID); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("finance exporting the office's list: %v", err)
		}
	})
}

func TestExportExecutionAndDistrictLedger(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPayFixture(t, db, 3)
		b := f.paidBatch(t, map[int64]int64{f.awards[0].ID: 1_234_567, f.awards[1].ID: 2_000_000, f.awards[2].ID: 10_000_000})
		in := f.instructions(t, b.ID)[0]
		if _, err := f.a.RecordPayout(ctx, f.dfinA, in.ID, "BANK-001"); err != nil {
			t.Fatal(err)
		}
		e, err := f.a.ExportDistrictLedger(ctx, f.dfinA)
		rows := sheetRows(t, e, err, "拨付台账")
		if e.Name != "长春汽车经济技术开发区拨付台账.xlsx" || len(rows) != 3 || rows[1][2] != f.orgs[0].Name || rows[1][7] != "12,345.67" ||
			rows[1][8] != "已支付" || rows[1][12] != "BANK-001" || rows[1][11] != "2026-11-02" {
			t.Fatalf("拨付台账 %s = %q", e.Name, rows)
		}
		if sum := sheetRows(t, e, nil, "按状态汇总"); len(sum) != 3 || sum[1][0] != "已支付" || sum[1][2] != "12,345.67" {
			t.Fatalf("按状态汇总 = %q", sum)
		}
		if _, err := f.a.ExportDistrictLedger(ctx, f.fin); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("city finance exporting a district ledger: %v", err)
		}
		e, err = f.a.ExportExecution(ctx, f.fin, "district")
		rows = sheetRows(t, e, err, "预算执行")
		paid := map[string]string{}
		for _, r := range rows[1:] {
			if len(r) > 3 {
				paid[r[0]] = r[3]
			}
		}
		if paid["长春汽车经济技术开发区"] != "12,345.67" || rows[len(rows)-1][0] != "合计" {
			t.Fatalf("预算执行 = %q", rows)
		}
		if _, err := f.a.ExportExecution(ctx, f.dfinA, "source"); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("district finance exporting the execution report: %v", err)
		}
	})
}
