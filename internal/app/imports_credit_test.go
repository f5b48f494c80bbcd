package app_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
)

// writeCreditGoldens writes credit/valid.xlsx — a table as a bureau keeps
// it: a title row, the other header spellings (类别, 列入日期, 移出日期, 说明),
// a label, a short name and a code as the kind, date cells and written
// dates, a full-width code — and credit/errors.xlsx, one row per kind of
// error after a correct first row.
func writeCreditGoldens(t *testing.T, dir string) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	full := strings.NewReplacer("1", "１", "9", "９", "2", "２")
	writeBook(t, filepath.Join(dir, "valid.xlsx"), [][]any{
		{"2025年信用记录（市场监管、税务、应急部门通报汇总）"},
		{"序号", "统一社会信用代码", "类别", "列入日期", "移出日期", "来源", "说明"},
		{1, goldenUSCC(1, "220104"), "经营异常名录", day(2025, 3, 1), "", "国家企业信用信息公示系统", "未按期公示年度报告"},
		{2, full.Replace(goldenUSCC(11, "220174")), policy.CreditSeriousDishonesty.Label(), "2023/5/1", "2024年4月30日", "信用中国", ""},
		{3, goldenUSCC(12, "220174"), string(policy.CreditTaxViolation), "2024-05-10", "2024-05-10", "长税罚〔2024〕8号", ""},
		{4, goldenUSCC(13, "220173"), policy.CreditSafetyAccident.Label(), day(2024, 1, 1), day(2024, 1, 2), "应急管理局通报", "车间火灾"},
	}, func(f *excelize.File, sh string) {
		if err := f.MergeCell(sh, "A1", "G1"); err != nil {
			t.Fatal(err)
		}
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		f.SetCellStyle(sh, "D3", "E6", style)
	})
	one, abn := goldenUSCC(1, "220104"), policy.CreditAbnormalOperation.Label()
	writeBook(t, filepath.Join(dir, "errors.xlsx"), [][]any{
		{"统一社会信用代码", "类型", "开始日期", "结束日期", "来源", "备注"},
		{one, abn, "2025-03-01", "", "公示系统", "正确的一行"},
		{goldenUSCC(98, "220104"), abn, "2025-03-01", "", "公示系统", "代码有效，但系统中没有该单位"},
		{breakCheck(one), abn, "2025-03-01", "", "公示系统", "校验位错误"},
		{one, "黑名单", "2025-03-01", "", "公示系统", "类型无法识别"},
		{one, abn, "2025-13-01", "", "公示系统", "日期无效"},
		{one, abn, "2025-03-02", "2025-02-01", "公示系统", "结束早于开始"},
		{one, abn, "2025-03-03", "", "", "没有来源"},
		{one, abn, "2099-01-01", "", "公示系统", "开始日期在将来"},
		{one, abn, "2025-03-01", "", "公示系统", "与第2行重复"},
		{"", abn, "2025-03-01", "", "公示系统", "没有代码"},
	}, nil)
}

func creditCount(t *testing.T, db *store.DB, orgIDs ...int64) int {
	t.Helper()
	rs, err := db.CreditRecordsOf(context.Background(), orgIDs)
	if err != nil {
		t.Fatal(err)
	}
	return len(rs)
}

// A CSV file (BOM, a blank line) imports, a second time changes nothing,
// and the rules read what it wrote.
func TestImportCreditCSVAndReimport(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSuperFixture(t, db, 2)
		a, b := f.orgs[0], f.orgs[1]
		csv := []byte("\uFEFF统一社会信用代码,类型,开始日期,结束日期,来源,备注\n" +
			a.USCC + "," + policy.CreditAbnormalOperation.Label() + ",2025-03-01,,国家企业信用信息公示系统,未按期公示年报\n" +
			"\n" +
			b.USCC + ",tax_violation,2024-05-10,2024-05-10,税务处罚决定书 长税罚〔2024〕8号,\n")
		if _, err := f.a.ImportNow(ctx, f.qikai, "credit", "credit.csv", csv, app.ImportOptions{}, false); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("district official importing credit records: %v", err)
		}
		res, err := f.a.ImportNow(ctx, f.fin, "credit", "credit.csv", csv, app.ImportOptions{}, false)
		if err != nil || res.Rows != 2 || res.Counts != (app.ImportCounts{Inserted: 2}) || res.Record == nil {
			t.Fatalf("import: %v %+v", err, res)
		}
		recs, _ := db.CreditRecords(ctx, a.ID)
		if len(recs) != 1 || recs[0].Kind != string(policy.CreditAbnormalOperation) || recs[0].EndDate != "" ||
			recs[0].Source != "国家企业信用信息公示系统" || recs[0].Note != "未按期公示年报" || recs[0].CreatedBy != f.fin.User.ID {
			t.Fatalf("imported listing: %+v", recs)
		}
		adds := countAudit(t, db, "credit.add")
		again, err := f.a.ImportNow(ctx, f.miit, "credit", "credit.csv", csv, app.ImportOptions{}, false)
		if err != nil || again.Counts != (app.ImportCounts{Unchanged: 2}) || creditCount(t, db, a.ID, b.ID) != 2 ||
			countAudit(t, db, "credit.add") != adds || adds != 2 {
			t.Fatalf("re-import: %v %+v; want nothing added (credit.add audits %d)", err, again, adds)
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
			read := false
			for _, fd := range d.Findings {
				if fd.Rule == "CreditLists" {
					read = fd.Outcome == policy.Fail
				}
			}
			if !read {
				t.Errorf("imported listing not read by the rules: %+v", d.Findings)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// Every kind of error is reported by row, column and reason; nothing is
// written while any row fails, unless only the valid rows are asked for;
// the marked copy and the template work for the kind.
func TestImportCreditErrorsWriteNothing(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newGoldenFixture(t, db)
		one := f.orgs[1].ID
		data := golden(t, "credit", "errors.xlsx")
		audits := countAudit(t, db, "")
		res, err := f.a.ImportNow(ctx, f.city, "credit", "信用记录.xlsx", data, app.ImportOptions{}, false)
		if dtfund.ErrorCode(err) != dtfund.EINVALID || res == nil {
			t.Fatalf("import with errors: %v", err)
		}
		want := []struct {
			row    int
			column string
			says   string
		}{
			{3, "统一社会信用代码", "系统中没有"}, {4, "统一社会信用代码", "校验"}, {5, "类型", "无法识别"}, {6, "开始日期", "2025-13-01"},
			{7, "结束日期", "不能早于"}, {8, "来源", "不能为空"}, {9, "开始日期", "不能晚于今天"}, {10, "统一社会信用代码", "与第2行重复"},
			{11, "统一社会信用代码", "不能为空"},
		}
		if len(res.Problems) != len(want) {
			t.Fatalf("problems %+v, want %d", res.Problems, len(want))
		}
		for i, w := range want {
			if p := res.Problems[i]; p.Row != w.row || p.Column != w.column || !strings.Contains(p.Message, w.says) {
				t.Errorf("problem %d: %s; want row %d, column %s, saying %q", i, p.String(), w.row, w.column, w.says)
			}
		}
		if creditCount(t, db, one) != 0 || countAudit(t, db, "") != audits {
			t.Fatal("an import with errors wrote something")
		}
		// The marked copy names each problem in its error column.
		marked, err := app.MarkedCopy("credit", data, res)
		if err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(marked))
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := x.GetCellValue(x.GetSheetName(0), "G5"); !strings.Contains(v, "黑名单") {
			t.Fatalf("marked copy G5 = %q", v)
		}
		tmpl, err := app.ImportTemplate("credit")
		if err != nil {
			t.Fatal(err)
		}
		tx, err := excelize.OpenReader(bytes.NewReader(tmpl))
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := tx.GetCellValue("填写说明", "A3"); v != "类型" {
			t.Fatalf("template help A3 = %q", v)
		}
		// Only the valid row.
		res, err = f.a.ImportNow(ctx, f.city, "credit", "信用记录.xlsx", data, app.ImportOptions{}, true)
		if err != nil || res.Counts != (app.ImportCounts{Inserted: 1}) || res.Skipped != 9 || creditCount(t, db, one) != 1 {
			t.Fatalf("valid only: %v %+v", err, res)
		}
	})
}

// An .xlsx as a bureau keeps it imports through preview and confirmation;
// the same file again from the command line changes nothing.
func TestImportCreditXLSXPreviewConfirm(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newGoldenFixture(t, db)
		f.summaryApps(t)
		data := golden(t, "credit", "valid.xlsx")
		res, err := f.a.PreviewImport(ctx, f.city, "credit", "信用记录.xlsx", data, app.ImportOptions{})
		ids := []int64{f.orgs[1].ID, f.orgs[11].ID, f.orgs[12].ID, f.orgs[13].ID}
		if err != nil || !res.OK() || res.Rows != 4 || res.HeaderRow != 2 || creditCount(t, db, ids...) != 0 {
			t.Fatalf("preview: %v %+v", err, res)
		}
		res, err = f.a.ConfirmImport(ctx, f.city, res.Record.ID, false, nil)
		if err != nil || res.Counts != (app.ImportCounts{Inserted: 4}) || creditCount(t, db, ids...) != 4 {
			t.Fatalf("confirm: %v %+v", err, res)
		}
		for _, c := range []struct {
			org                      int
			kind                     policy.CreditKind
			start, end, source, note string
		}{
			{1, policy.CreditAbnormalOperation, "2025-03-01", "", "国家企业信用信息公示系统", "未按期公示年度报告"},
			{11, policy.CreditSeriousDishonesty, "2023-05-01", "2024-04-30", "信用中国", ""},
			{12, policy.CreditTaxViolation, "2024-05-10", "2024-05-10", "长税罚〔2024〕8号", ""},
			{13, policy.CreditSafetyAccident, "2024-01-01", "2024-01-02", "应急管理局通报", "车间火灾"},
		} {
			recs, _ := db.CreditRecords(ctx, f.orgs[c.org].ID)
			if len(recs) != 1 || recs[0].Kind != string(c.kind) || recs[0].StartDate != c.start || recs[0].EndDate != c.end ||
				recs[0].Source != c.source || recs[0].Note != c.note {
				t.Errorf("organisation %d: %+v", c.org, recs)
			}
		}
		adds := countAudit(t, db, "credit.add")
		again, err := f.a.ImportNow(ctx, f.admin, "credit", "信用记录.xlsx", data, app.ImportOptions{}, false)
		if err != nil || again.Counts != (app.ImportCounts{Unchanged: 4}) || creditCount(t, db, ids...) != 4 || countAudit(t, db, "credit.add") != adds {
			t.Fatalf("re-import: %v %+v", err, again)
		}
	})
}

// A record on file (entered on the credit page) is not stored twice; a row
// contradicting it is refused, one differing only in source is noted.
func TestImportCreditStoredRecords(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newGoldenFixture(t, db)
		org := f.orgs[1]
		abn := policy.CreditAbnormalOperation
		if _, err := f.a.AddCreditRecord(ctx, f.city, app.CreditInput{OrgID: org.ID, Kind: string(abn), StartDate: "2025-03-01",
			StillListed: true, Source: "公示系统"}); err != nil {
			t.Fatal(err)
		}
		head := "统一社会信用代码,类型,开始日期,结束日期,来源,备注\n"
		same := org.USCC + "," + abn.Label() + ",2025-03-01,,公示系统,\n"
		ended := org.USCC + ",经营异常名录,2025-03-01,2025-06-30,公示系统,已移出\n"
		res, err := f.a.ImportNow(ctx, f.city, "credit", "c.csv", []byte(head+ended), app.ImportOptions{}, false)
		if dtfund.ErrorCode(err) != dtfund.EINVALID || len(res.Problems) != 1 || res.Problems[0].Row != 2 || res.Problems[0].Column != "结束日期" ||
			!strings.Contains(res.Problems[0].Message, "不能通过导入修改") {
			t.Fatalf("contradicting row: %v %+v", err, res)
		}
		res, err = f.a.ImportNow(ctx, f.city, "credit", "c.csv", []byte(head+same), app.ImportOptions{}, false)
		if err != nil || res.Counts != (app.ImportCounts{Unchanged: 1}) || creditCount(t, db, org.ID) != 1 {
			t.Fatalf("the stored record again: %v %+v", err, res)
		}
		other := []byte(head + org.USCC + "," + abn.Label() + ",2025-03-01,,信用中国,\n")
		res, err = f.a.ImportNow(ctx, f.city, "credit", "c.csv", other, app.ImportOptions{}, false)
		if err != nil || res.Counts != (app.ImportCounts{Unchanged: 1}) || len(res.Notes) != 1 || res.Notes[0].Column != "来源" ||
			creditCount(t, db, org.ID) != 1 {
			t.Fatalf("other source: %v %+v", err, res)
		}
		if recs, _ := db.CreditRecords(ctx, org.ID); recs[0].Source != "公示系统" {
			t.Fatalf("the stored record changed: %+v", recs)
		}
	})
}

// The kind is offered to the credit writers only, the city finance bureau
// among them (it sees the import records of that kind).
func TestImportCreditRoles(t *testing.T) {
	f := newGoldenFixture(t, testdb.SQLite(t))
	for _, c := range []struct {
		actor app.Actor
		want  bool
	}{{f.city, true}, {f.finance, true}, {f.admin, true}, {f.district, false}, {f.applicant, false}} {
		got := false
		for _, k := range app.ImportKinds(c.actor) {
			got = got || k.Name == "credit"
		}
		if got != c.want {
			t.Errorf("%s offered the credit import: %v", c.actor.User.Role, got)
		}
	}
	if ks := app.ImportKinds(f.finance); len(ks) != 1 {
		t.Errorf("city finance is offered %+v", ks)
	}
	if _, _, err := f.a.FindImports(context.Background(), f.finance, store.Page{Limit: 10}); err != nil {
		t.Errorf("city finance listing its imports: %v", err)
	}
}
