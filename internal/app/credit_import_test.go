package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
)

func creditCount(t *testing.T, db *store.DB, orgIDs ...int64) int {
	t.Helper()
	n := 0
	for _, id := range orgIDs {
		rs, err := db.CreditRecords(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		n += len(rs)
	}
	return n
}

func TestCreditImportCSVAndReimport(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSuperFixture(t, db, 2)
		a, b := f.orgs[0], f.orgs[1]
		csv := "\uFEFF统一社会信用代码,类型,开始日期,结束日期,来源,备注\n" +
			a.USCC + "," + policy.CreditAbnormalOperation.Label() + ",2025-03-01,,国家企业信用信息公示系统,未按期公示年报\n" +
			"\n" + // blank rows are skipped
			b.USCC + ",tax_violation,2024-05-10,2024-05-10,税务处罚决定书 长税罚〔2024〕8号,\n" +
			a.USCC + "," + policy.CreditAbnormalOperation.Label() + ",2025-03-01,,国家企业信用信息公示系统,未按期公示年报\n" // same as row 2
		if _, err := f.a.ImportCredit(ctx, f.qikai, "credit.csv", []byte(csv)); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("district official importing: %v", err)
		}
		res, err := f.a.ImportCredit(ctx, f.fin, "credit.csv", []byte(csv))
		if err != nil || res.Rows != 3 || res.Added != 2 || res.Skipped != 1 || len(res.Errors) != 0 {
			t.Fatalf("import: %+v %v", res, err)
		}
		recs, _ := db.CreditRecords(ctx, a.ID)
		if len(recs) != 1 || recs[0].Kind != string(policy.CreditAbnormalOperation) || recs[0].EndDate != "" || recs[0].Source != "国家企业信用信息公示系统" {
			t.Fatalf("imported listing: %+v", recs)
		}
		again, err := f.a.ImportCredit(ctx, f.miit, "credit.csv", []byte(csv))
		if err != nil || again.Added != 0 || again.Skipped != 3 || creditCount(t, db, a.ID, b.ID) != 2 {
			t.Fatalf("re-import: %+v %v; want nothing added", again, err)
		}
		// The rules read the imported listing: still listed, 第十三条 fails.
		ap := f.app(t, f.openCall(t).ID, a, dtfund.StateSubmitted)
		err = db.InTx(ctx, func(tx *store.Tx) error {
			full, err := tx.Application(ctx, ap.ID)
			if err != nil {
				return err
			}
			d, err := app.Decide(ctx, tx, full)
			if err != nil {
				return err
			}
			for _, fd := range d.Findings {
				if fd.Rule == "CreditLists" && fd.Outcome != policy.Fail {
					t.Errorf("imported listing not read by the rules: %+v", fd)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// Every kind of error is reported with its row and column, and nothing is
// written while any row fails.
func TestCreditImportErrors(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSuperFixture(t, db, 1)
		a := f.orgs[0]
		abn := policy.CreditAbnormalOperation.Label()
		csv := "统一社会信用代码,类型,开始日期,结束日期,来源,备注\n" +
			a.USCC + "," + abn + ",2025-03-01,,公示系统,正确的一行\n" + // row 2: fine
			"91110000600037341L," + abn + ",2025-03-01,,公示系统,\n" + // row 3: valid code, no such organisation
			"91110000600037341N," + abn + ",2025-03-01,,公示系统,\n" + // row 4: bad check character
			a.USCC + ",黑名单,2025-03-01,,公示系统,\n" + // row 5: unknown kind
			a.USCC + "," + abn + ",2025/03/01,,公示系统,\n" + // row 6: bad date
			a.USCC + "," + abn + ",2025-03-01,2025-02-01,公示系统,\n" + // row 7: end before start
			a.USCC + "," + abn + ",2025-03-01,,,\n" + // row 8: no source
			a.USCC + "," + abn + ",2099-01-01,,公示系统,\n" // row 9: in the future
		res, err := f.a.ImportCredit(ctx, f.miit, "bad.csv", []byte(csv))
		if dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("import with errors: %v", err)
		}
		want := []struct {
			row int
			col string
		}{{3, app.ColUSCC}, {4, app.ColUSCC}, {5, app.ColKind}, {6, app.ColStart}, {7, app.ColEnd}, {8, app.ColSource}, {9, app.ColStart}}
		if len(res.Errors) != len(want) {
			t.Fatalf("errors %+v, want %d", res.Errors, len(want))
		}
		for i, w := range want {
			if e := res.Errors[i]; e.Row != w.row || e.Column != w.col || e.Reason == "" {
				t.Errorf("error %d: %+v, want row %d column %s", i, e, w.row, w.col)
			}
		}
		if creditCount(t, db, a.ID) != 0 {
			t.Fatal("rows were written although others failed")
		}
		for _, c := range []struct{ name, data, contains string }{
			{"h.csv", "统一社会信用代码,类型,开始日期\n" + a.USCC + "," + abn + ",2025-03-01\n", app.ColSource},
			{"gbk.csv", "\xcd\xb3\xd2\xbb,\xc0\xe0\xd0\xcd\n", "UTF-8"},
			{"old.xls", "\xD0\xCF\x11\xE0", ".xls"},
			{"empty.csv", "统一社会信用代码,类型,开始日期,结束日期,来源,备注\n", "没有记录"},
		} {
			res, err := f.a.ImportCredit(ctx, f.miit, c.name, []byte(c.data))
			msg := dtfund.ErrorMessage(err)
			for _, e := range res.Errors {
				msg += e.Column + e.Reason
			}
			if dtfund.ErrorCode(err) != dtfund.EINVALID || !strings.Contains(msg, c.contains) {
				t.Errorf("%s: %v %+v; want a message about %s", c.name, err, res.Errors, c.contains)
			}
		}
	})
}

// An .xlsx file with real date cells (Excel serial numbers) imports the
// same as YYYY-MM-DD text.
func TestCreditImportXLSX(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSuperFixture(t, db, 1)
		x := excelize.NewFile()
		sh := x.GetSheetName(0)
		rows := [][]any{
			{"来源", "统一社会信用代码", "类型", "开始日期", "结束日期", "备注"}, // columns in another order
			{"应急管理局通报", f.orgs[0].USCC, policy.CreditSafetyAccident.Label(), 45292, 45293, "车间火灾"},
			{"信用中国", f.orgs[0].USCC, policy.CreditSeriousDishonesty.Label(), "2023-05-01", "2024-04-30", ""},
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := x.SetSheetRow(sh, cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		date, _ := x.NewStyle(&excelize.Style{NumFmt: 14})
		_ = x.SetCellStyle(sh, "D2", "E2", date)
		var buf bytes.Buffer
		if err := x.Write(&buf); err != nil {
			t.Fatal(err)
		}
		res, err := f.a.ImportCredit(ctx, f.fin, "信用记录.xlsx", buf.Bytes())
		if err != nil || res.Added != 2 {
			t.Fatalf("xlsx import: %+v %v", res, err)
		}
		recs, _ := db.CreditRecords(ctx, f.orgs[0].ID)
		if len(recs) != 2 || recs[1].StartDate != "2024-01-01" || recs[1].EndDate != "2024-01-02" || recs[1].Note != "车间火灾" {
			t.Fatalf("records from serial dates: %+v", recs)
		}
	})
}
